//! SCIM on the model side: enabling with a bearer token stored only as a hash (SCIM-1). The
//! provisioning actions the SCIM server performs on users live here too, so the server holds no
//! rule of its own.

use sha2::{Digest, Sha256};

use serde::{Deserialize, Serialize};

use super::error::{ActionError, ActionResult, Refusal, refuse};
use super::lookup::{bad_email, valid_email};
use super::names;
use super::rules;
use super::sso::{SignInChange, UserChange};
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

// ---- provisioning users (SCIM-2, SCIM-3, SCIM-4) ----

/// The hint every uniqueness refusal carries, so the SCIM server can answer 409 `uniqueness`.
pub const UNIQUENESS_HINT: &str =
    "userName and externalId are unique in the organization; update the existing user instead";

/// Whether a refusal is about a duplicate (userName, externalId, or a user of another org).
pub fn is_uniqueness(r: &Refusal) -> bool {
    (r.rule == rules::SCIM_2.id && r.hint == UNIQUENESS_HINT) || r.rule == rules::USR_2.id
}

fn not_unique<T>(message: String) -> ActionResult<T> {
    refuse(rules::SCIM_2, message, UNIQUENESS_HINT)
}

/// The attributes of a user that a SCIM client reads and writes: exactly what tworg stores.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ScimUserData {
    pub user_name: String,
    pub external_id: Option<String>,
    pub display_name: Option<String>,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub emails: Vec<ScimEmail>,
    /// `None`: not given. On create the member is active; on update the status stays as it is.
    /// A member always shows `Some`.
    pub active: Option<bool>,
    pub locale: Option<String>,
    pub timezone: Option<String>,
}

impl ScimUserData {
    /// Trims every string and drops empty optional ones.
    pub fn normalized(&self) -> ScimUserData {
        let opt = |o: &Option<String>| {
            o.as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(String::from)
        };
        ScimUserData {
            user_name: self.user_name.trim().to_string(),
            external_id: opt(&self.external_id),
            display_name: opt(&self.display_name),
            given_name: opt(&self.given_name),
            family_name: opt(&self.family_name),
            emails: self
                .emails
                .iter()
                .map(|e| ScimEmail {
                    value: e.value.trim().to_string(),
                    kind: opt(&e.kind),
                    primary: e.primary,
                })
                .collect(),
            active: self.active,
            locale: opt(&self.locale),
            timezone: opt(&self.timezone),
        }
    }

    /// The primary email entry: the one marked primary, else the only or first one.
    pub fn primary_email(&self) -> Option<&ScimEmail> {
        self.emails
            .iter()
            .find(|e| e.primary)
            .or_else(|| self.emails.first())
    }
}

/// What the checks decided: the Twilio user's email, and an existing Twilio user to join.
struct Checked {
    email: String,
    join: Option<Sid>,
}

fn check_len(what: &str, value: &str, min: usize, max: usize) -> ActionResult<()> {
    if let Some(c) = value.chars().find(|&c| super::validate::is_forbidden(c)) {
        return refuse(
            rules::SCIM_2,
            format!(
                "{what} '{}' contains the {} character U+{:04X}",
                names::visible(value),
                if c.is_control() {
                    "control"
                } else {
                    "invisible"
                },
                c as u32
            ),
            format!("send {what} without control or invisible characters"),
        );
    }
    let n = value.chars().count();
    if n < min || n > max {
        return Err(ActionError::Invalid(format!(
            "{what} must be {min} to {max} characters, not {n}"
        )));
    }
    Ok(())
}

impl World {
    /// The user's SCIM `userName` (the email unless the client chose another one).
    pub fn scim_user_name(user: &User) -> String {
        user.scim
            .user_name
            .clone()
            .unwrap_or_else(|| user.email.clone())
    }

    /// A user as SCIM shows it. Users never touched by SCIM show their email and name.
    pub fn scim_view(&self, user: &User) -> ScimUserData {
        let status = user.membership.as_ref().map(|m| m.status);
        let deactivated = status == Some(MemberStatus::Deactivated);
        let s = &user.scim;
        if s.version == 0 {
            let mut parts = user.name.splitn(2, ' ');
            let given = parts.next().map(String::from).filter(|p| !p.is_empty());
            let family = parts.next().map(String::from).filter(|p| !p.is_empty());
            return ScimUserData {
                user_name: World::scim_user_name(user),
                external_id: s.external_id.clone(),
                display_name: Some(user.name.clone()),
                given_name: s.given_name.clone().or(given),
                family_name: s.family_name.clone().or(family),
                emails: vec![ScimEmail {
                    value: user.email.clone(),
                    kind: Some("work".into()),
                    primary: true,
                }],
                active: Some(!deactivated),
                locale: s.locale.clone(),
                timezone: s.timezone.clone(),
            };
        }
        ScimUserData {
            user_name: World::scim_user_name(user),
            external_id: s.external_id.clone(),
            display_name: s.display_name.clone(),
            given_name: s.given_name.clone(),
            family_name: s.family_name.clone(),
            emails: s.emails.clone(),
            active: Some(!deactivated),
            locale: s.locale.clone(),
            timezone: s.timezone.clone(),
        }
    }

    /// The weak ETag value (`meta.version`): the SCIM change counter plus a digest of what SCIM
    /// shows, so a change made in the console also makes an old ETag stale.
    pub fn scim_version(&self, user: &User) -> String {
        let view = self.scim_view(user);
        let text = ron::to_string(&view).unwrap_or_default();
        let digest = Sha256::digest(text.as_bytes());
        format!(
            "{}-{:02x}{:02x}{:02x}{:02x}",
            user.scim.version, digest[0], digest[1], digest[2], digest[3]
        )
    }

    /// The members SCIM serves for an org, in SID order.
    pub fn scim_users<'a>(&'a self, org: &'a Sid) -> impl Iterator<Item = &'a User> + 'a {
        self.members(org)
    }

    /// A member of the org by SCIM id (`US` SID); anything else is not found.
    pub fn scim_user(&self, org: &Sid, id: &str) -> ActionResult<&User> {
        let not_found = || ActionError::NotFound(format!("no user {} in this organization", id));
        let sid = Sid::parse(SidKind::User, id).map_err(|_| not_found())?;
        self.users
            .get(&sid)
            .filter(|u| u.membership.as_ref().is_some_and(|m| &m.org == org))
            .ok_or_else(not_found)
    }

    fn require_scim(&self, ctx: &Ctx) -> ActionResult<&Org> {
        self.require_admin(ctx, "provision users through SCIM")?;
        let org = self.org(&ctx.org)?;
        if !org.scim.enabled {
            return refuse(
                rules::SCIM_1,
                format!("SCIM is not enabled for {}", org.name),
                "an Owner or Administrator enables SCIM for the organization first",
            );
        }
        Ok(org)
    }

    /// SCIM-2: lengths, userName and email rules (Twilio's, unless switched off), uniqueness.
    fn check_scim_data(
        &self,
        org: &Org,
        d: &ScimUserData,
        existing: Option<&Sid>,
    ) -> ActionResult<Checked> {
        // SCIM-2 rev 2: userName and emails have one canonical form; what could not be one
        // name (invisible, control or compatibility characters) is refused, as is an
        // externalId with invisible or control characters.
        let named = std::iter::once(("userName", d.user_name.as_str()))
            .chain(d.emails.iter().map(|e| ("emails.value", e.value.as_str())));
        for (what, v) in named {
            if let Some(problem) = names::name_problem(v) {
                return refuse(
                    rules::SCIM_2,
                    format!("{what} '{}' {problem}", names::visible(v)),
                    format!(
                        "send it as {}, without that character",
                        names::visible(&names::cleaned(v))
                    ),
                );
            }
        }
        if let Some(x) = &d.external_id
            && x.chars().any(|c| c.is_control() || names::is_invisible(c))
        {
            return refuse(
                rules::SCIM_2,
                format!(
                    "externalId '{}' contains an invisible or control character",
                    names::visible(x)
                ),
                "send the identifier without it",
            );
        }
        check_len("userName", &d.user_name, 1, 255)?;
        if let Some(x) = &d.external_id {
            check_len("externalId", x, 1, 255)?;
        }
        // Twilio's lengths: a first name 2 to 255 characters, the others 1 to 255
        for (what, v, min) in [
            ("displayName", &d.display_name, 1),
            ("name.givenName", &d.given_name, 2),
            ("name.familyName", &d.family_name, 1),
        ] {
            if let Some(v) = v {
                check_len(what, v, min, 255)?;
            }
        }
        for (what, v) in [("locale", &d.locale), ("timezone", &d.timezone)] {
            if let Some(v) = v {
                check_len(what, v, 1, 64)?;
            }
        }
        for e in &d.emails {
            check_len("emails.value", &e.value, 3, 160)?;
            if !valid_email(&e.value) {
                return Err(bad_email(rules::SCIM_2, &e.value).into());
            }
            if let Some(k) = &e.kind {
                check_len("emails.type", k, 1, 64)?;
            }
        }
        let email = if org.scim.twilio_rules {
            self.twilio_email(org, d)?
        } else {
            match d.primary_email() {
                Some(e) => e.value.clone(),
                None if valid_email(&d.user_name) => d.user_name.clone(),
                None => {
                    return refuse(
                        rules::SCIM_2,
                        "the user has no email address",
                        "send emails with a primary address (a Twilio user needs one)",
                    );
                }
            }
        };
        let email = names::display_form(&email);
        // uniqueness in the organization, by canonical userName (SCIM-2), through the index
        if let Some(u) = self
            .scim_users_named(&org.sid, &d.user_name)
            .into_iter()
            .find(|u| Some(&u.sid) != existing)
        {
            return not_unique(format!(
                "userName {} already exists in {} ({}{})",
                d.user_name,
                org.name,
                u.sid,
                if World::scim_user_name(u) == d.user_name {
                    String::new()
                } else {
                    format!(", as {}", World::scim_user_name(u))
                }
            ));
        }
        if let Some(x) = &d.external_id
            && let Some(u) = self
                .scim_users_with_external_id(&org.sid, x)
                .into_iter()
                .find(|u| Some(&u.sid) != existing)
        {
            return not_unique(format!(
                "externalId {x} already exists in {} ({})",
                org.name, u.sid
            ));
        }
        // the Twilio user behind the email
        let mut join = None;
        if let Some(u) = self.user_by_email(&email)
            && Some(&u.sid) != existing
        {
            match &u.membership {
                Some(m) if m.org == org.sid => {
                    return not_unique(format!(
                        "{email} is already a user of {} ({})",
                        org.name, u.sid
                    ));
                }
                Some(m) => {
                    return refuse(
                        rules::USR_2,
                        format!(
                            "{email} belongs to another organization ({})",
                            self.org_name(&m.org)
                        ),
                        "a user belongs to one organization; provision an alias such as name+org@domain",
                    );
                }
                None if existing.is_some() => {
                    return not_unique(format!(
                        "{email} is the email of another Twilio user ({})",
                        u.sid
                    ));
                }
                None => join = Some(u.sid.clone()),
            }
        }
        Ok(Checked { email, join })
    }

    /// SCIM-2 on an unverified domain: the org's Owner verifies it (the SCIM token cannot).
    fn scim_domain_fixes(&self, org: &Org, user_name: &str, e: ActionError) -> ActionError {
        let ActionError::Refused(mut r) = e else {
            return e;
        };
        let domain = World::email_domain(user_name).unwrap_or_default();
        r.hint = self.verify_domain_hint(org, &domain);
        r = self.verify_domain_fixes(org, &domain, r);
        if let Some(owner) = self.owner_of_org(&org.sid) {
            r = r.by_default(&owner.email);
        }
        ActionError::Refused(r)
    }

    /// Twilio's SCIM-2: userName is the primary email, on a domain the org verified.
    fn twilio_email(&self, org: &Org, d: &ScimUserData) -> ActionResult<String> {
        const HINT: &str = "Twilio requires userName == the primary email, on a verified domain (the scim-twilio-rules setting relaxes this for test suites)";
        if !valid_email(&d.user_name) {
            return refuse(
                rules::SCIM_2,
                format!("userName '{}' is not an email address", d.user_name),
                HINT,
            );
        }
        if d.emails.is_empty() {
            return refuse(
                rules::SCIM_2,
                "emails is missing: a primary email is required",
                HINT,
            );
        }
        let primaries = d.emails.iter().filter(|e| e.primary).count();
        if primaries > 1 || (d.emails.len() > 1 && primaries == 0) {
            return refuse(
                rules::SCIM_2,
                format!(
                    "{} emails with {primaries} marked primary: exactly one must be primary",
                    d.emails.len()
                ),
                HINT,
            );
        }
        let primary = d.primary_email().expect("not empty");
        if !names::same_name(&primary.value, &d.user_name) {
            return refuse(
                rules::SCIM_2,
                format!(
                    "the primary email {} is not the userName {}",
                    primary.value, d.user_name
                ),
                HINT,
            );
        }
        if !self.on_verified_domain(org, &d.user_name) {
            return refuse(
                rules::SCIM_2,
                format!(
                    "{} is not a verified domain of {}",
                    World::email_domain(&d.user_name).unwrap_or_default(),
                    org.name
                ),
                "",
            )
            .map_err(|e| self.scim_domain_fixes(org, &d.user_name, e));
        }
        Ok(d.user_name.clone())
    }

    fn store_scim_data(&mut self, sid: &Sid, d: &ScimUserData, email: &str) {
        let now = self.clock;
        let old = self.users[sid].clone();
        self.unindex_user(&old);
        self.store_scim_fields(sid, d, email, now);
        self.index_user(sid);
    }

    fn store_scim_fields(&mut self, sid: &Sid, d: &ScimUserData, email: &str, now: Timestamp) {
        let user = self.user_mut(sid);
        user.email = email.to_string();
        user.name = d
            .display_name
            .clone()
            .or_else(|| {
                let full = [d.given_name.as_deref(), d.family_name.as_deref()]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(" ");
                (!full.is_empty()).then_some(full)
            })
            .unwrap_or_else(|| super::users::name_from_email(email));
        let s = &mut user.scim;
        s.user_name = (!names::same_name(&d.user_name, email)).then(|| d.user_name.clone());
        s.external_id = d.external_id.clone();
        s.display_name = d.display_name.clone();
        s.given_name = d.given_name.clone();
        s.family_name = d.family_name.clone();
        s.emails = d.emails.clone();
        s.locale = d.locale.clone();
        s.timezone = d.timezone.clone();
        s.version += 1;
        s.last_modified = Some(now);
        if let Some(active) = d.active
            && let Some(m) = user.membership.as_mut()
        {
            m.status = if active {
                MemberStatus::Active
            } else {
                MemberStatus::Deactivated
            };
        }
    }

    /// POST /Users: creates the Twilio user (or has an existing one outside every org join) and
    /// makes it a Standard member (SCIM-2, USR-2).
    pub(crate) fn scim_create_user(
        &mut self,
        ctx: &Ctx,
        data: &ScimUserData,
    ) -> ActionResult<Outcome> {
        let d = data.normalized();
        let org = self.require_scim(ctx)?;
        let checked = self.check_scim_data(org, &d, None)?;
        // DOM-9 rev 2: no user of a verified-uncertain domain is added (SCIM-2's own check covers
        // it under Twilio's rules; this holds with them off too).
        if self
            .domain_of_email(org, &checked.email)
            .is_some_and(|x| matches!(x.status, DomainStatus::VerifiedUncertain { .. }))
            && let Some(r) = self.unverified_domain_refusal(
                &ctx.org,
                &checked.email,
                rules::DOM_9,
                &format!("provisioning {}", checked.email),
                self.admin_by(ctx),
            )
        {
            return Err(r.into());
        }
        if let Some(sid) = &checked.join {
            self.check_join_fits(ctx, std::slice::from_ref(sid))?;
        }
        let joined = checked.join.is_some();
        let sid = match checked.join {
            Some(sid) => sid,
            None => self.insert_user(&checked.email, None),
        };
        let converted = self.join(&sid, &ctx.org, OrgRole::Standard);
        self.user_mut(&sid).scim = ScimAttributes::default();
        self.store_scim_data(&sid, &d, &checked.email);
        let detail = format!(
            "provisioned {} ({sid}) through SCIM{}{}{}",
            checked.email,
            if joined {
                ", joining the existing Twilio user"
            } else {
                ""
            },
            if d.active == Some(false) {
                ", deactivated"
            } else {
                ""
            },
            self.became_managed_note(&converted)
        );
        self.audit(ctx, "scim.create", detail.clone());
        Ok(Outcome::msg(detail).created(SidKind::User, sid))
    }

    /// PUT, and PATCH once the server has applied the operations: the user becomes `data`
    /// (SCIM-2; SCIM-3 active=false deactivates; SCIM-4 the Owner and deactivated users).
    pub(crate) fn scim_replace_user(
        &mut self,
        ctx: &Ctx,
        id: &str,
        data: &ScimUserData,
        patch: bool,
    ) -> ActionResult<Outcome> {
        let d = data.normalized();
        let org = self.require_scim(ctx)?;
        let user = self.scim_user(&ctx.org, id)?;
        let sid = user.sid.clone();
        let before = self.scim_view(user);
        let m = user.membership.clone().expect("member");
        let same_status = ScimUserData {
            active: d.active.or(before.active),
            ..d.clone()
        };
        if before == same_status {
            return Ok(Outcome::msg(format!("{}: nothing changed", user.email)));
        }
        if m.role == OrgRole::Owner {
            return refuse(
                rules::SCIM_4,
                format!(
                    "{} is the Org Owner and cannot be changed or deactivated through SCIM",
                    user.email
                ),
                "change the Owner in the organization itself, or transfer the organization's ownership first",
            );
        }
        if m.status == MemberStatus::Deactivated && org.scim.twilio_rules && d.active != Some(true)
        {
            return refuse(
                rules::SCIM_4,
                format!("{} is deactivated and cannot be updated", user.email),
                "reactivate the user (active: true), in the same request or first",
            );
        }
        let checked = self.check_scim_data(org, &d, Some(&sid))?;
        let was = m.status;
        // SSO-5: an identity provider cannot confirm a lock-out, so SCIM never makes one.
        if was == MemberStatus::Active && d.active == Some(false) {
            self.refuse_scim_lockout(ctx, &sid, UserChange::Deactivated)?;
        }
        self.store_scim_data(&sid, &d, &checked.email);
        let now = self.users[&sid].membership.as_ref().expect("member").status;
        let what = match (was, now) {
            (MemberStatus::Active, MemberStatus::Deactivated) => "; deactivated",
            (MemberStatus::Deactivated, MemberStatus::Active) => "; reactivated",
            _ => "",
        };
        let verb = if patch { "patched" } else { "replaced" };
        let detail = format!("{verb} {} ({sid}) through SCIM{what}", checked.email);
        self.audit(
            ctx,
            if patch { "scim.patch" } else { "scim.replace" },
            detail.clone(),
        );
        Ok(Outcome::msg(detail))
    }

    /// SSO-5 through SCIM: a change that would leave no Owner or Administrator able to sign in
    /// without SSO asks for a confirmation, which an identity provider cannot give, so it is
    /// refused; the fix is the same change made and confirmed in the organization itself.
    fn refuse_scim_lockout(&self, ctx: &Ctx, sid: &Sid, change: UserChange) -> ActionResult<()> {
        let email = self.email_of(sid);
        let leaves = matches!(change, UserChange::Leaves);
        self.check_lockout(
            ctx,
            &SignInChange {
                user: Some((sid.clone(), change)),
                ..SignInChange::default()
            },
            false,
            || {
                if leaves {
                    Action::RemoveUser {
                        user: email,
                        confirm_lockout: true,
                    }
                } else {
                    Action::Deactivate {
                        user: email,
                        confirm_lockout: true,
                    }
                }
            },
        )
    }

    /// DELETE: the user leaves the org and its access; the Twilio user remains (SCIM-3). The
    /// Owner cannot be removed (SCIM-4), nor a user who owns a managed account (USR-8), nor the
    /// last Administrator who can sign in without SSO (SSO-5).
    pub(crate) fn scim_delete_user(&mut self, ctx: &Ctx, id: &str) -> ActionResult<Outcome> {
        self.require_scim(ctx)?;
        let user = self.scim_user(&ctx.org, id)?;
        let sid = user.sid.clone();
        let email = user.email.clone();
        if user
            .membership
            .as_ref()
            .is_some_and(|m| m.role == OrgRole::Owner)
        {
            return refuse(
                rules::SCIM_4,
                format!("{email} is the Org Owner and cannot be removed through SCIM"),
                "transfer the organization's ownership to another member first",
            );
        }
        if let Some(a) = self.managed_accounts_owned(&ctx.org, &sid).first() {
            return refuse(
                rules::USR_8,
                format!(
                    "{email} owns the managed account {} ({a}) and cannot leave the organization",
                    self.accounts[a].name
                ),
                format!("transfer the account {a} to another member first"),
            );
        }
        self.refuse_scim_lockout(ctx, &sid, UserChange::Leaves)?;
        self.detach_member(&ctx.org, &sid);
        self.user_mut(&sid).scim = ScimAttributes::default();
        let detail = format!(
            "removed {email} ({sid}) from the organization through SCIM; the Twilio user remains"
        );
        self.audit(ctx, "scim.delete", detail.clone());
        Ok(Outcome::msg(detail))
    }
}
