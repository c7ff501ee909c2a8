//! Every change to the world is an [`Action`] applied as an acting user of an organization
//! ([`Ctx`]). The CLI, the console, the walkthroughs and the SCIM server all come through here;
//! `apply.rs` dispatches each action to the submodule that checks its rules.

use serde::{Deserialize, Serialize};

use super::*;

/// Who performs an action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Actor {
    User(Sid),
    /// A SCIM client authenticated by the org's bearer token.
    ScimToken,
    /// An org OAuth app (client credentials): acts as the org's management (ORG-3).
    OAuthApp(Sid),
    /// An account's own credentials (auth token or API key): they reach the account and its
    /// subaccounts only (RBAC-3).
    Account(Sid),
}

/// The organization an action is performed in, and by whom.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ctx {
    pub org: Sid,
    pub actor: Actor,
}

impl Ctx {
    pub fn new(org: Sid, user: Sid) -> Ctx {
        Ctx {
            org,
            actor: Actor::User(user),
        }
    }
    /// The acting user's SID (the SCIM token has none).
    pub fn actor_sid(&self) -> Sid {
        self.acting_user()
            .cloned()
            .unwrap_or_else(|| Sid::from_bits(SidKind::User, 0))
    }
    pub fn acting_user(&self) -> Option<&Sid> {
        match &self.actor {
            Actor::User(u) => Some(u),
            _ => None,
        }
    }
}

/// What an applied action did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outcome {
    /// One sentence for the status line.
    pub message: String,
    /// What it created, in order: `(kind, SID)`.
    pub created: Vec<(SidKind, Sid)>,
    /// A secret to show once (the SCIM token).
    pub secret: Option<String>,
    /// Per-row results of a bulk import: `(email, None)` imported or `(email, Some(reason))`.
    pub report: Vec<(String, Option<String>)>,
    /// The preview of every merge this action started or completed (MRG-3), for the faces to show.
    pub merges: Vec<super::merge::MergePreview>,
}

impl Outcome {
    pub fn msg(message: impl Into<String>) -> Outcome {
        Outcome {
            message: message.into(),
            ..Outcome::default()
        }
    }
    pub fn created(mut self, kind: SidKind, sid: Sid) -> Outcome {
        self.created.push((kind, sid));
        self
    }
}

/// A setting of an organization (`tworg org set KEY VALUE`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Setting {
    AccountLimit(u32),
    SubaccountLimit(u32),
    DomainLimit(u32),
    InviteDays(u32),
    ResetLinkHours(u32),
    Baa(bool),
    SsoEntitlement(bool),
    BulkImport(bool),
    MultiVerified { domain: String, on: bool },
    ScimTwilioRules(bool),
}

impl Setting {
    /// The keys `org set` accepts, with what each takes.
    pub const KEYS: &'static [(&'static str, &'static str)] = &[
        (
            "account-limit",
            "N (managed + pending accounts, ACC-3; Twilio Support, ORG-9)",
        ),
        ("subaccount-limit", "N (per Full parent, SUB-2)"),
        ("domain-limit", "N (DOM-6; Twilio Support, ORG-9)"),
        ("invite-days", "N (invitation lifetime, USR-3)"),
        ("reset-link-hours", "N (password reset link, USR-6)"),
        (
            "baa",
            "on|off (executed BAA on record, HIP-1; Twilio Support, ORG-9)",
        ),
        ("sso-entitlement", "on|off (SSO-1; Twilio Support, ORG-9)"),
        (
            "bulk-import",
            "on|off (Import Users, USR-9; Twilio Support, ORG-9)",
        ),
        (
            "multi-verified",
            "DOMAIN [on|off] (DOM-5, SIGN-5; Twilio Support, ORG-9)",
        ),
        ("scim-twilio-rules", "on|off (SCIM-2 userName rules)"),
    ];

    /// An entitlement only Twilio grants: changed as a simulated request to Twilio Support
    /// (ORG-9). The others are the org's own settings.
    pub fn is_entitlement(&self) -> bool {
        matches!(
            self,
            Setting::AccountLimit(_)
                | Setting::DomainLimit(_)
                | Setting::Baa(_)
                | Setting::SsoEntitlement(_)
                | Setting::BulkImport(_)
                | Setting::MultiVerified { .. }
        )
    }

    /// The key and value as `org set` takes them (`baa`, `on`).
    pub fn key_value(&self) -> (&'static str, String) {
        let flag = |b: &bool| if *b { "on" } else { "off" }.to_string();
        match self {
            Setting::AccountLimit(n) => ("account-limit", n.to_string()),
            Setting::SubaccountLimit(n) => ("subaccount-limit", n.to_string()),
            Setting::DomainLimit(n) => ("domain-limit", n.to_string()),
            Setting::InviteDays(n) => ("invite-days", n.to_string()),
            Setting::ResetLinkHours(n) => ("reset-link-hours", n.to_string()),
            Setting::Baa(b) => ("baa", flag(b)),
            Setting::SsoEntitlement(b) => ("sso-entitlement", flag(b)),
            Setting::BulkImport(b) => ("bulk-import", flag(b)),
            Setting::MultiVerified { domain, on } => {
                ("multi-verified", format!("{domain} {}", flag(on)))
            }
            Setting::ScimTwilioRules(b) => ("scim-twilio-rules", flag(b)),
        }
    }

    /// What the setting becomes, in words (`an executed BAA on record`).
    pub fn describe(&self) -> String {
        let on = |b: &bool| if *b { "on" } else { "off" };
        match self {
            Setting::AccountLimit(n) => format!("raise the account limit to {n} (Twilio Support)"),
            Setting::SubaccountLimit(n) => format!("set the subaccount limit to {n}"),
            Setting::DomainLimit(n) => format!("raise the domain limit to {n} (Twilio Support)"),
            Setting::InviteDays(n) => format!("set the invitation lifetime to {n} days"),
            Setting::ResetLinkHours(n) => format!("set the reset link lifetime to {n} hours"),
            Setting::Baa(b) => format!("turn the executed BAA {} (Twilio Support)", on(b)),
            Setting::SsoEntitlement(b) => {
                format!("turn the SSO entitlement {} (Twilio Support)", on(b))
            }
            Setting::BulkImport(b) => format!("turn Import Users {} (Twilio Support)", on(b)),
            Setting::MultiVerified { domain, on: o } => format!(
                "turn verification in several organizations {} for {domain} (Twilio Support)",
                on(o)
            ),
            Setting::ScimTwilioRules(b) => format!("turn Twilio's SCIM userName rules {}", on(b)),
        }
    }

    /// Parses `KEY VALUE` as typed on the command line or in the console.
    pub fn parse(key: &str, value: &str) -> Result<Setting, String> {
        let num = |v: &str| {
            v.trim()
                .parse::<u32>()
                .map_err(|_| format!("{key} takes a whole number, not '{v}'"))
        };
        let flag = |v: &str| match v.trim().to_ascii_lowercase().as_str() {
            "on" | "true" | "yes" | "1" => Ok(true),
            "off" | "false" | "no" | "0" => Ok(false),
            _ => Err(format!("{key} takes on or off, not '{v}'")),
        };
        Ok(match key.trim().to_ascii_lowercase().as_str() {
            "account-limit" => Setting::AccountLimit(num(value)?),
            "subaccount-limit" => Setting::SubaccountLimit(num(value)?),
            "domain-limit" => Setting::DomainLimit(num(value)?),
            "invite-days" => Setting::InviteDays(num(value)?),
            "reset-link-hours" => Setting::ResetLinkHours(num(value)?),
            "baa" => Setting::Baa(flag(value)?),
            "sso-entitlement" => Setting::SsoEntitlement(flag(value)?),
            "bulk-import" => Setting::BulkImport(flag(value)?),
            "scim-twilio-rules" => Setting::ScimTwilioRules(flag(value)?),
            "multi-verified" => {
                let mut parts = value.split_whitespace();
                let domain = parts
                    .next()
                    .ok_or("multi-verified takes a DOMAIN")?
                    .to_string();
                let on = match parts.next() {
                    Some(v) => flag(v)?,
                    None => true,
                };
                Setting::MultiVerified { domain, on }
            }
            other => {
                let keys: Vec<&str> = Setting::KEYS.iter().map(|(k, _)| *k).collect();
                return Err(format!(
                    "unknown setting '{other}'; one of: {}",
                    keys.join(", ")
                ));
            }
        })
    }
}

/// Every change the world knows. Fields hold what a person types (emails, SIDs, names); the
/// model resolves and validates them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Action {
    // the world outside organizations
    Signup {
        email: String,
        name: Option<String>,
    },
    AddWorldUser {
        email: String,
        name: Option<String>,
    },
    AddWorldAccount {
        name: String,
        owner: String,
        full: bool,
    },
    PublishDns {
        domain: String,
    },
    UnpublishDns {
        domain: String,
    },
    AdvanceClock {
        seconds: i64,
    },
    // accounts
    CreateAccount {
        name: String,
        flex: bool,
        owner: Option<String>,
    },
    ImportAccount {
        sid: String,
    },
    LinkAccount {
        sid: String,
    },
    ConfirmAccount {
        sid: String,
    },
    DeclineAccount {
        sid: String,
    },
    CancelAccount {
        sid: String,
    },
    /// Resend a pending or expired import or link request (ACC-4, ACC-6, USR-3).
    ResendAccount {
        sid: String,
    },
    RenameAccount {
        sid: String,
        name: String,
    },
    TransferAccount {
        sid: String,
        user: String,
    },
    UpgradeAccount {
        sid: String,
    },
    SuspendAccount {
        sid: String,
    },
    ResumeAccount {
        sid: String,
    },
    CloseAccount {
        sid: String,
        confirm_name: String,
    },
    SetHipaa {
        sid: String,
        on: bool,
    },
    GrantAccess {
        sid: String,
        user: String,
        roles: Vec<AccountRole>,
    },
    RevokeAccess {
        sid: String,
        user: String,
    },
    CreateSubaccount {
        parent: String,
        name: Option<String>,
    },
    // roles (RBAC)
    /// Assigns a role (an `IX` SID or a name) to a user at a scope (`OR` or `AC` SID).
    AssignRole {
        user: String,
        role: String,
        scope: String,
    },
    /// Deletes one role assignment (`IY` SID).
    UnassignRole {
        sid: String,
    },
    // domains
    AddDomain {
        name: String,
    },
    VerifyDomain {
        name: String,
    },
    RecheckDomain {
        name: String,
    },
    DeleteDomain {
        name: String,
        acknowledged: bool,
    },
    SetSignup {
        setting: SignupSetting,
    },
    // users
    Invite {
        email: String,
        role: OrgRole,
        accounts: Vec<(String, Vec<AccountRole>)>,
    },
    AcceptInvite {
        email: String,
    },
    /// The invitee declines (USR-3; a merge invitation's Candidate Owner, MRG-5).
    DeclineInvite {
        email: String,
    },
    CancelInvite {
        email: String,
    },
    ResendInvite {
        email: String,
    },
    SetRole {
        user: String,
        role: OrgRole,
        /// SSO-5: demoting the last Owner or Administrator who can sign in without SSO.
        #[serde(default)]
        confirm_lockout: bool,
    },
    ResetPassword {
        user: String,
    },
    Reset2fa {
        user: String,
    },
    Deactivate {
        user: String,
        /// SSO-5: when they are the last Owner or Administrator who can sign in without SSO.
        #[serde(default)]
        confirm_lockout: bool,
    },
    Reactivate {
        user: String,
    },
    RemoveUser {
        user: String,
        /// SSO-5: when they are the last Owner or Administrator who can sign in without SSO.
        #[serde(default)]
        confirm_lockout: bool,
    },
    DeleteUser {
        user: String,
        /// SSO-5: when they are the last Owner or Administrator who can sign in without SSO.
        #[serde(default)]
        confirm_lockout: bool,
    },
    ImportUsers {
        csv: String,
    },
    // the organization
    RenameOrg {
        name: String,
    },
    TransferOrg {
        user: String,
    },
    DeleteOrg,
    Merge {
        candidate: String,
        confirm: String,
        owner_role: OrgRole,
    },
    Set(Setting),
    // SSO and SCIM
    SsoConfigure {
        entity_id: String,
        url: String,
        cert_pem: String,
        /// SSO-5: replacing the profile while enforcement leaves nobody who can sign in.
        #[serde(default)]
        confirm_lockout: bool,
    },
    SsoTest,
    SsoEnforce {
        domain: String,
        confirm_lockout: bool,
    },
    SsoUnenforce {
        domain: String,
    },
    SsoExempt {
        user: String,
    },
    SsoUnexempt {
        user: String,
        confirm_lockout: bool,
    },
    /// `token` comes from the caller (a random source at the edge), so the model stays deterministic.
    ScimEnable {
        token: String,
    },
    ScimDisable,
    /// SCIM `POST /Users` (the actor is the org's SCIM token).
    ScimCreateUser {
        user: super::scim::ScimUserData,
    },
    /// SCIM `PUT /Users/{id}`, or `PATCH` with the operations already applied (`patch: true`).
    ScimReplaceUser {
        id: String,
        user: super::scim::ScimUserData,
        patch: bool,
    },
    /// SCIM `DELETE /Users/{id}`: the user leaves the organization.
    ScimDeleteUser {
        id: String,
    },
    // credentials of the REST faces (secrets made at the edge; only their hashes come here)
    CreateOAuthApp {
        name: String,
        secret_sha256: String,
    },
    DeleteOAuthApp {
        sid: String,
    },
    SetAuthToken {
        sid: String,
        token_sha256: String,
    },
    CreateApiKey {
        sid: String,
        name: Option<String>,
        secret_sha256: String,
    },
}

impl Action {
    /// A short name for the audit log and messages, e.g. `account.import`.
    pub fn name(&self) -> &'static str {
        use Action::*;
        match self {
            Signup { .. } => "signup",
            AddWorldUser { .. } => "world.add-user",
            AddWorldAccount { .. } => "world.add-account",
            PublishDns { .. } => "dns.publish",
            UnpublishDns { .. } => "dns.unpublish",
            AdvanceClock { .. } => "clock.advance",
            CreateAccount { .. } => "account.create",
            ImportAccount { .. } => "account.import",
            LinkAccount { .. } => "account.link",
            ConfirmAccount { .. } => "account.confirm",
            DeclineAccount { .. } => "account.decline",
            CancelAccount { .. } => "account.cancel",
            ResendAccount { .. } => "account.resend",
            RenameAccount { .. } => "account.rename",
            TransferAccount { .. } => "account.transfer",
            UpgradeAccount { .. } => "account.upgrade",
            SuspendAccount { .. } => "account.suspend",
            ResumeAccount { .. } => "account.resume",
            CloseAccount { .. } => "account.close",
            SetHipaa { .. } => "account.hipaa",
            GrantAccess { .. } => "account.grant",
            RevokeAccess { .. } => "account.revoke",
            CreateSubaccount { .. } => "subaccount.create",
            AssignRole { .. } => "role.assign",
            UnassignRole { .. } => "role.unassign",
            AddDomain { .. } => "domain.add",
            VerifyDomain { .. } => "domain.verify",
            RecheckDomain { .. } => "domain.recheck",
            DeleteDomain { .. } => "domain.delete",
            SetSignup { .. } => "domain.signup-setting",
            Invite { .. } => "user.invite",
            AcceptInvite { .. } => "user.accept",
            DeclineInvite { .. } => "user.decline",
            CancelInvite { .. } => "user.cancel",
            ResendInvite { .. } => "user.resend",
            SetRole { .. } => "user.role",
            ResetPassword { .. } => "user.reset-password",
            Reset2fa { .. } => "user.reset-2fa",
            Deactivate { .. } => "user.deactivate",
            Reactivate { .. } => "user.reactivate",
            RemoveUser { .. } => "user.remove",
            DeleteUser { .. } => "user.delete",
            ImportUsers { .. } => "user.import",
            RenameOrg { .. } => "org.rename",
            TransferOrg { .. } => "org.transfer",
            DeleteOrg => "org.delete",
            Merge { .. } => "org.merge",
            Set(_) => "org.set",
            SsoConfigure { .. } => "sso.configure",
            SsoTest => "sso.test",
            SsoEnforce { .. } => "sso.enforce",
            SsoUnenforce { .. } => "sso.unenforce",
            SsoExempt { .. } => "sso.exempt",
            SsoUnexempt { .. } => "sso.unexempt",
            ScimEnable { .. } => "scim.enable",
            ScimDisable => "scim.disable",
            ScimCreateUser { .. } => "scim.create",
            ScimReplaceUser { patch: false, .. } => "scim.replace",
            ScimReplaceUser { patch: true, .. } => "scim.patch",
            ScimDeleteUser { .. } => "scim.delete",
            CreateOAuthApp { .. } => "oauth.create",
            DeleteOAuthApp { .. } => "oauth.delete",
            SetAuthToken { .. } => "account.auth-token",
            CreateApiKey { .. } => "account.api-key",
        }
    }

    /// What the action does, in plain words with no command syntax (`verify the domain
    /// owl.example`): how the SCIM and REST faces, and any face without a place for it, say a fix.
    pub fn describe(&self) -> String {
        use Action::*;
        let roles = |r: &[AccountRole]| r.iter().map(|r| r.label()).collect::<Vec<_>>().join(", ");
        match self {
            Signup { email, .. } => format!("sign up as {email}"),
            AddWorldUser { email, .. } => format!("add the user {email} outside any organization"),
            AddWorldAccount { name, owner, .. } => {
                format!("add the account {name} owned by {owner}")
            }
            PublishDns { domain } => format!("publish the TXT record for {domain} in its DNS"),
            UnpublishDns { domain } => format!("remove the TXT record of {domain} from its DNS"),
            AdvanceClock { seconds } => format!("let {} pass", duration_words(*seconds)),
            CreateAccount { name, .. } => format!("create the account {name}"),
            ImportAccount { sid } => format!("import the account {sid}"),
            LinkAccount { sid } => format!("link the account {sid}"),
            ConfirmAccount { sid } => format!("confirm the request for the account {sid}"),
            DeclineAccount { sid } => format!("decline the request for the account {sid}"),
            CancelAccount { sid } => format!("cancel the pending request for the account {sid}"),
            ResendAccount { sid } => format!("resend the request for the account {sid}"),
            RenameAccount { sid, name } => format!("rename the account {sid} to {name}"),
            TransferAccount { sid, user } => format!("transfer the account {sid} to {user}"),
            UpgradeAccount { sid } => format!("upgrade the account {sid}"),
            SuspendAccount { sid } => format!("suspend the account {sid}"),
            ResumeAccount { sid } => format!("resume the account {sid}"),
            CloseAccount { sid, .. } => format!("close the account {sid}"),
            SetHipaa { sid, on } => format!(
                "turn HIPAA {} for the account {sid}",
                if *on { "on" } else { "off" }
            ),
            GrantAccess {
                sid,
                user,
                roles: r,
            } => {
                format!("grant {user} {} on the account {sid}", roles(r))
            }
            RevokeAccess { sid, user } => {
                format!("revoke the access of {user} to the account {sid}")
            }
            CreateSubaccount { parent, .. } => format!("create a subaccount under {parent}"),
            AssignRole { user, role, scope } => format!("assign {role} to {user} on {scope}"),
            UnassignRole { sid } => format!("remove the role assignment {sid}"),
            AddDomain { name } => format!("add the domain {name}"),
            VerifyDomain { name } => format!("verify the domain {name}"),
            RecheckDomain { name } => format!("recheck the domain {name}"),
            DeleteDomain { name, .. } => format!("delete the domain {name}"),
            SetSignup { setting } => format!("set the sign-up setting to {}", setting.label()),
            Invite { email, role, .. } => format!("invite {email} as {}", role.label()),
            AcceptInvite { email } => format!("accept the invitation of {email}"),
            DeclineInvite { email } => format!("decline the invitation of {email}"),
            CancelInvite { email } => format!("cancel the invitation of {email}"),
            ResendInvite { email } => format!("resend the invitation to {email}"),
            SetRole { user, role, .. } => format!("make {user} {}", role.label()),
            ResetPassword { user } => format!("reset the password of {user}"),
            Reset2fa { user } => format!("reset the 2FA of {user}"),
            Deactivate { user, .. } => format!("deactivate {user}"),
            Reactivate { user } => format!("reactivate {user}"),
            RemoveUser { user, .. } => format!("remove {user} from the organization"),
            DeleteUser { user, .. } => format!("delete {user}"),
            ImportUsers { .. } => "import users from a CSV file".into(),
            RenameOrg { name } => format!("rename the organization to {name}"),
            TransferOrg { user } => format!("transfer the organization's ownership to {user}"),
            DeleteOrg => "delete the organization".into(),
            Merge { candidate, .. } => format!("merge {candidate} into the organization"),
            Set(s) => s.describe(),
            SsoConfigure { .. } => "configure the SSO profile".into(),
            SsoTest => "test the SSO profile".into(),
            SsoEnforce { domain, .. } => format!("enforce SSO on {domain}"),
            SsoUnenforce { domain } => format!("stop enforcing SSO on {domain}"),
            SsoExempt { user } => format!("exempt {user} from SSO"),
            SsoUnexempt { user, .. } => format!("remove the SSO exemption of {user}"),
            ScimEnable { .. } => "enable SCIM".into(),
            ScimDisable => "disable SCIM".into(),
            ScimCreateUser { user } => format!("provision {}", user.user_name),
            ScimReplaceUser { id, .. } => format!("update the SCIM user {id}"),
            ScimDeleteUser { id } => format!("deprovision the SCIM user {id}"),
            CreateOAuthApp { name, .. } => format!("create the OAuth app {name}"),
            DeleteOAuthApp { sid } => format!("delete the OAuth app {sid}"),
            SetAuthToken { sid, .. } => format!("mint a new auth token for the account {sid}"),
            CreateApiKey { sid, .. } => format!("create an API key for the account {sid}"),
        }
    }

    /// The same action with the SSO-5 lock-out confirmed, for an action that can ask for that
    /// confirmation and has not given it. A face offers it when a refusal's fix is exactly this.
    pub fn with_lockout_confirmed(&self) -> Option<Action> {
        let mut a = self.clone();
        match &mut a {
            Action::SetRole {
                confirm_lockout, ..
            }
            | Action::Deactivate {
                confirm_lockout, ..
            }
            | Action::RemoveUser {
                confirm_lockout, ..
            }
            | Action::DeleteUser {
                confirm_lockout, ..
            }
            | Action::SsoConfigure {
                confirm_lockout, ..
            }
            | Action::SsoEnforce {
                confirm_lockout, ..
            }
            | Action::SsoUnexempt {
                confirm_lockout, ..
            } if !*confirm_lockout => {
                *confirm_lockout = true;
                Some(a)
            }
            _ => None,
        }
    }

    /// The provisioning actions, the only ones the SCIM bearer token may perform (SCIM-1).
    pub fn is_scim(&self) -> bool {
        matches!(
            self,
            Action::ScimCreateUser { .. }
                | Action::ScimReplaceUser { .. }
                | Action::ScimDeleteUser { .. }
        )
    }

    /// The actions an account's own credentials may perform (RBAC-3): on accounts only.
    pub fn is_account_credentials_action(&self) -> bool {
        matches!(
            self,
            Action::RenameAccount { .. }
                | Action::SuspendAccount { .. }
                | Action::ResumeAccount { .. }
                | Action::CloseAccount { .. }
                | Action::CreateSubaccount { .. }
                | Action::SetAuthToken { .. }
                | Action::CreateApiKey { .. }
        )
    }

    /// Whether the action only makes sense inside an organization context. World actions (sign-up,
    /// DNS, the clock, users and accounts outside orgs) do not need one.
    pub fn needs_org(&self) -> bool {
        !matches!(
            self,
            Action::Signup { .. }
                | Action::AddWorldUser { .. }
                | Action::AddWorldAccount { .. }
                | Action::PublishDns { .. }
                | Action::UnpublishDns { .. }
                | Action::AdvanceClock { .. }
        )
    }
}

/// A duration in the largest whole unit: `30 days`, `36 hours`, `90 seconds`.
pub fn duration_words(seconds: i64) -> String {
    let unit = |n: i64, one: &str| format!("{n} {one}{}", if n == 1 { "" } else { "s" });
    match seconds {
        s if s != 0 && s % 86_400 == 0 => unit(s / 86_400, "day"),
        s if s != 0 && s % 3_600 == 0 => unit(s / 3_600, "hour"),
        s if s != 0 && s % 60 == 0 => unit(s / 60, "minute"),
        s => unit(s, "second"),
    }
}
