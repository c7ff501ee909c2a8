//! SCIM on the model side: enabling with a bearer token stored only as a hash (SCIM-1). The
//! provisioning actions the SCIM server performs on users live here too, so the server holds no
//! rule of its own.

use sha2::{Digest, Sha256};

use super::error::{ActionResult, refuse};
use super::rules;
use super::*;

/// Hex SHA-256 of a token.
pub fn token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Compares two strings in time that depends only on their lengths.
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

impl World {
    /// Whether `token` is the org's current SCIM bearer token (SCIM-1).
    pub fn scim_token_matches(&self, org: &Sid, token: &str) -> bool {
        let Some(o) = self.orgs.get(org) else {
            return false;
        };
        match (&o.scim.enabled, &o.scim.token_sha256) {
            (true, Some(hash)) => constant_time_eq(&token_hash(token), hash),
            _ => false,
        }
    }

    /// SCIM-1: the token is shown once by the caller; only its hash is kept.
    pub(crate) fn scim_enable(&mut self, ctx: &Ctx, token: &str) -> ActionResult<Outcome> {
        self.require_admin(ctx, "manage SCIM")?;
        if token.len() < 32 {
            return refuse(
                rules::SCIM_1,
                "the SCIM token is too short",
                "use at least 32 random characters",
            );
        }
        let org = self.org_mut(&ctx.org);
        let rotated = org.scim.enabled;
        org.scim.enabled = true;
        org.scim.token_sha256 = Some(token_hash(token));
        let detail = if rotated {
            "SCIM token rotated; the old token no longer works".to_string()
        } else {
            "SCIM provisioning enabled".to_string()
        };
        self.audit(ctx, "scim.enable", detail.clone());
        let mut out = Outcome::msg(format!("{detail}; the bearer token is shown once"));
        out.secret = Some(token.to_string());
        Ok(out)
    }

    pub(crate) fn scim_disable(&mut self, ctx: &Ctx) -> ActionResult<Outcome> {
        self.require_admin(ctx, "manage SCIM")?;
        if !self.org(&ctx.org)?.scim.enabled {
            return refuse(rules::SCIM_1, "SCIM is not enabled", "nothing to disable");
        }
        let org = self.org_mut(&ctx.org);
        org.scim.enabled = false;
        org.scim.token_sha256 = None;
        let detail = "SCIM provisioning disabled; the token is forgotten".to_string();
        self.audit(ctx, "scim.disable", detail.clone());
        Ok(Outcome::msg(detail))
    }
}
