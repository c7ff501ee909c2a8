//! Credentials the Twilio REST faces accept (rev 2 decision: tworg's own, never Twilio's): an
//! org's OAuth apps (client id `OQ…` + secret), an account's auth token, and API keys (`SK…` +
//! secret). Secrets are made at the edge and reach the model as SHA-256 hashes only, so neither
//! the world file nor the journal holds one in clear.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::access::AccountOp;
use super::action::{Actor, Ctx, Outcome};
use super::error::{ActionError, ActionResult, refuse};
use super::scim::constant_time_eq;
use super::*;

/// Every credential of the world.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Credentials {
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub oauth_apps: BTreeMap<Sid, OAuthApp>,
    /// An account's auth token, as its hash.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub auth_tokens: BTreeMap<Sid, String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub api_keys: BTreeMap<Sid, ApiKey>,
}

impl Credentials {
    pub fn is_empty(&self) -> bool {
        self.oauth_apps.is_empty() && self.auth_tokens.is_empty() && self.api_keys.is_empty()
    }
}

/// An org OAuth app: its client id is its SID.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OAuthApp {
    pub org: Sid,
    pub name: String,
    pub secret_sha256: String,
    pub created_at: Timestamp,
    /// Who created it (an Owner or Administrator), by label.
    pub created_by: String,
}

/// An API key of an account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApiKey {
    pub account: Sid,
    pub name: String,
    pub secret_sha256: String,
    pub created_at: Timestamp,
}

/// The hash under which a secret is kept.
pub fn secret_hash(secret: &str) -> String {
    super::scim::token_hash(secret)
}

fn check_hash(hash: &str) -> ActionResult<()> {
    if hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(())
    } else {
        Err(ActionError::Invalid(
            "a secret reaches tworg as its SHA-256 hash (64 hex digits)".into(),
        ))
    }
}

impl World {
    /// The OAuth app of a client id when the secret matches.
    pub fn oauth_client_matches(&self, client_id: &str, secret: &str) -> Option<&OAuthApp> {
        let sid = Sid::parse(SidKind::OAuthClient, client_id).ok()?;
        let app = self.credentials.oauth_apps.get(&sid)?;
        constant_time_eq(&secret_hash(secret), &app.secret_sha256).then_some(app)
    }

    /// The account an HTTP Basic user (`AC…` with its auth token, or `SK…` with its secret)
    /// authenticates as.
    pub fn basic_credentials_account(&self, user: &str, secret: &str) -> Option<Sid> {
        let hash = secret_hash(secret);
        if let Ok(sid) = Sid::parse(SidKind::Account, user) {
            let stored = self.credentials.auth_tokens.get(&sid)?;
            return constant_time_eq(&hash, stored).then_some(sid);
        }
        let sid = Sid::parse(SidKind::ApiKey, user).ok()?;
        let key = self.credentials.api_keys.get(&sid)?;
        constant_time_eq(&hash, &key.secret_sha256).then(|| key.account.clone())
    }

    /// Whether credentials of `holder` reach `account`: its own, or a subaccount of it.
    pub fn credentials_reach(&self, holder: &Sid, account: &Account) -> bool {
        &account.sid == holder || account.parent.as_ref() == Some(holder)
    }

    pub(crate) fn create_oauth_app(
        &mut self,
        ctx: &Ctx,
        name: &str,
        secret_sha256: &str,
    ) -> ActionResult<Outcome> {
        self.require_admin(ctx, "create OAuth apps")?;
        check_hash(secret_sha256)?;
        let name = checked_name(name)?;
        let name = name.as_str();
        let sid = self.new_sid(SidKind::OAuthClient);
        let created_by = self.actor_label(&ctx.actor);
        self.credentials.oauth_apps.insert(
            sid.clone(),
            OAuthApp {
                org: ctx.org.clone(),
                name: name.to_string(),
                secret_sha256: secret_sha256.to_string(),
                created_at: self.clock,
                created_by,
            },
        );
        let detail = format!("created OAuth app {sid} '{name}'");
        self.audit(ctx, "oauth.create", detail.clone());
        Ok(Outcome::msg(detail).created(SidKind::OAuthClient, sid))
    }

    pub(crate) fn delete_oauth_app(&mut self, ctx: &Ctx, key: &str) -> ActionResult<Outcome> {
        self.require_admin(ctx, "delete OAuth apps")?;
        let sid = Sid::parse(SidKind::OAuthClient, key)
            .map_err(|e| ActionError::Invalid(e.to_string()))?;
        match self.credentials.oauth_apps.get(&sid) {
            Some(app) if app.org == ctx.org => {}
            _ => {
                return Err(ActionError::NotFound(format!(
                    "no OAuth app {sid} in {}",
                    self.org_name(&ctx.org)
                )));
            }
        }
        let app = self.credentials.oauth_apps.remove(&sid).expect("checked");
        let detail = format!(
            "deleted OAuth app {sid} '{}'; its tokens stop working",
            app.name
        );
        self.audit(ctx, "oauth.delete", detail.clone());
        Ok(Outcome::msg(detail))
    }

    /// The OAuth apps of an org, in SID order.
    pub fn oauth_apps_of(&self, org: &Sid) -> Vec<(&Sid, &OAuthApp)> {
        self.credentials
            .oauth_apps
            .iter()
            .filter(|(_, a)| &a.org == org)
            .collect()
    }

    /// Sets (or rotates) an account's auth token (RBAC-3: API credentials).
    pub(crate) fn set_auth_token(
        &mut self,
        ctx: &Ctx,
        key: &str,
        token_sha256: &str,
    ) -> ActionResult<Outcome> {
        check_hash(token_sha256)?;
        let account = self.managed_account(ctx, key, "manage the credentials of")?;
        self.refuse_closed(account, "manage the credentials of")?;
        self.require_account_op(ctx, account, AccountOp::Credentials)?;
        let sid = account.sid.clone();
        let rotated = self
            .credentials
            .auth_tokens
            .insert(sid.clone(), token_sha256.to_string())
            .is_some();
        let detail = if rotated {
            format!("rotated the auth token of {sid}; the old one no longer works")
        } else {
            format!("set the auth token of {sid}")
        };
        self.audit(ctx, "account.auth-token", detail.clone());
        Ok(Outcome::msg(detail))
    }

    /// Creates an API key of an account (RBAC-3: API credentials).
    pub(crate) fn create_api_key(
        &mut self,
        ctx: &Ctx,
        key: &str,
        name: Option<&str>,
        secret_sha256: &str,
    ) -> ActionResult<Outcome> {
        check_hash(secret_sha256)?;
        let account = self.managed_account(ctx, key, "manage the credentials of")?;
        self.refuse_closed(account, "manage the credentials of")?;
        self.require_account_op(ctx, account, AccountOp::Credentials)?;
        let account_sid = account.sid.clone();
        let name = checked_name(name.filter(|n| !n.trim().is_empty()).unwrap_or("API key"))?;
        let sid = self.new_sid(SidKind::ApiKey);
        self.credentials.api_keys.insert(
            sid.clone(),
            ApiKey {
                account: account_sid.clone(),
                name: name.clone(),
                secret_sha256: secret_sha256.to_string(),
                created_at: self.clock,
            },
        );
        let detail = format!("created API key {sid} '{name}' of {account_sid}");
        self.audit(ctx, "account.api-key", detail.clone());
        Ok(Outcome::msg(detail).created(SidKind::ApiKey, sid))
    }

    /// What account credentials (`Actor::Account`) may do on an account: everything on their own
    /// account and its subaccounts except closing a main account (RBAC-3).
    pub(crate) fn require_credentials_reach(
        &self,
        holder: &Sid,
        account: &Account,
        op: AccountOp,
    ) -> ActionResult<()> {
        if self.credentials_reach(holder, account) && op != AccountOp::Close {
            return Ok(());
        }
        refuse(
            rules::RBAC_3,
            format!(
                "the credentials of {holder} do not let it {} {}",
                op.rule().what,
                account.name
            ),
            "an account's credentials reach the account and its subaccounts only; use the owner's or an Administrator's",
        )
    }
}

impl Actor {
    /// The account whose credentials act, if any.
    pub fn credentials_account(&self) -> Option<&Sid> {
        match self {
            Actor::Account(a) => Some(a),
            _ => None,
        }
    }
}

/// A credential's name as the validation layer accepts it (no control or invisible characters,
/// 1 to 64 characters), trimmed.
fn checked_name(name: &str) -> ActionResult<String> {
    match super::validate::text_problem(super::validate::CREDENTIAL_NAME, name) {
        Some(problem) => Err(ActionError::Invalid(problem)),
        None => Ok(name.trim().to_string()),
    }
}
