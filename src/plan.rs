//! Plan lines: an [`Action`] written as the command line `tworg apply` reads (the CLI's own
//! grammar), so that every face can hand over a change as a plan — the lint's fixes, the console's
//! staged changes, a refusal's fixes. Parsing stays with the CLI (`cli::script`); this is the
//! other direction, and a test parses every line written here back to the same action.

use crate::model::action::Setting;
use crate::model::error::Fix;
use crate::model::{Action, OrgRole, SignupSetting};

/// Quotes one word for a plan line as a shell would read it.
fn q(word: &str) -> String {
    shlex::try_quote(word)
        .map(|c| c.into_owned())
        .unwrap_or_else(|_| format!("'{}'", word.replace('\0', "")))
}

fn role_key(r: OrgRole) -> Result<&'static str, NoLine> {
    match r {
        OrgRole::Administrator => Ok("admin"),
        OrgRole::Standard => Ok("standard"),
        OrgRole::Owner => Err(NoLine::Unsayable("the Owner role (org transfer gives it)")),
    }
}

/// Seconds as the largest whole unit `clock advance` reads: `30d`, `36h`, `90s`.
fn duration(seconds: i64) -> String {
    for (unit, n) in [("d", 86_400), ("h", 3600), ("m", 60)] {
        if seconds != 0 && seconds % n == 0 {
            return format!("{}{unit}", seconds / n);
        }
    }
    format!("{seconds}s")
}

fn on_off(b: bool) -> &'static str {
    if b { "on" } else { "off" }
}

fn roles_list(roles: &[crate::model::AccountRole]) -> String {
    roles.iter().map(|r| r.key()).collect::<Vec<_>>().join(",")
}

/// Why an action has no plan line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoLine {
    /// The command reads a file (`user import CSV`, `sso configure --cert PEM`).
    NeedsFile(&'static str),
    /// Only the SCIM endpoint performs it.
    ScimOnly,
    /// The command line cannot say it (a negative duration, an Owner role to give).
    Unsayable(&'static str),
    /// A credential: its secret is shown once, to whoever mints it by itself.
    OneAtATime,
}

impl std::fmt::Display for NoLine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NoLine::NeedsFile(what) => write!(f, "the command reads {what} from a file"),
            NoLine::ScimOnly => f.write_str("only a SCIM client performs it"),
            NoLine::Unsayable(what) => write!(f, "the command line cannot say {what}"),
            NoLine::OneAtATime => {
                write!(
                    f,
                    "a credential is minted by itself: its secret is shown once"
                )
            }
        }
    }
}

/// The action as a `tworg` command line (without `tworg`, `--org` or `--as`).
pub fn command(action: &Action) -> Result<String, NoLine> {
    use Action as A;
    let yes = |b: bool| if b { " --yes" } else { "" };
    Ok(match action {
        A::Signup { email, name } => match name {
            Some(n) => format!("signup {} --name {}", q(email), q(n)),
            None => format!("signup {}", q(email)),
        },
        A::AddWorldUser { email, name } => match name {
            Some(n) => format!("world add-user {} --name {}", q(email), q(n)),
            None => format!("world add-user {}", q(email)),
        },
        A::AddWorldAccount { name, owner, full } => format!(
            "world add-account {} --owner {}{}",
            q(name),
            q(owner),
            if *full { " --full" } else { "" }
        ),
        A::PublishDns { domain } => format!("dns publish {}", q(domain)),
        A::UnpublishDns { domain } => format!("dns unpublish {}", q(domain)),
        A::AdvanceClock { seconds } if *seconds < 0 => {
            return Err(NoLine::Unsayable("a clock going back"));
        }
        A::AdvanceClock { seconds } => format!("clock advance {}", duration(*seconds)),
        A::CreateAccount { name, flex, owner } => {
            let mut s = format!("account create {}", q(name));
            if *flex {
                s.push_str(" --flex");
            }
            if let Some(o) = owner {
                s.push_str(&format!(" --owner {}", q(o)));
            }
            s
        }
        A::ImportAccount { sid } => format!("account import {}", q(sid)),
        A::LinkAccount { sid } => format!("account link {}", q(sid)),
        A::ConfirmAccount { sid } => format!("account confirm {}", q(sid)),
        A::DeclineAccount { sid } => format!("account decline {}", q(sid)),
        A::CancelAccount { sid } => format!("account cancel {}", q(sid)),
        A::ResendAccount { sid } => format!("account resend {}", q(sid)),
        A::RenameAccount { sid, name } => format!("account rename {} {}", q(sid), q(name)),
        A::TransferAccount { sid, user } => format!("account transfer {} {}", q(sid), q(user)),
        A::UpgradeAccount { sid } => format!("account upgrade {}", q(sid)),
        A::SuspendAccount { sid } => format!("account suspend {}", q(sid)),
        A::ResumeAccount { sid } => format!("account resume {}", q(sid)),
        A::CloseAccount { sid, confirm_name } => {
            format!("account close {} --confirm {}", q(sid), q(confirm_name))
        }
        A::SetHipaa { sid, on } => format!("account hipaa {} {}", q(sid), on_off(*on)),
        A::GrantAccess { sid, user, roles } => format!(
            "account grant {} {} {}",
            q(sid),
            q(user),
            q(&roles_list(roles))
        ),
        A::RevokeAccess { sid, user } => format!("account revoke {} {}", q(sid), q(user)),
        A::CreateSubaccount { parent, name } => match name {
            Some(n) => format!("subaccount create {} {}", q(parent), q(n)),
            None => format!("subaccount create {}", q(parent)),
        },
        A::AssignRole { user, role, scope } => {
            format!("role assign {} {} --scope {}", q(user), q(role), q(scope))
        }
        A::UnassignRole { sid } => format!("role unassign {}", q(sid)),
        A::AddDomain { name } => format!("domain add {}", q(name)),
        A::VerifyDomain { name } => format!("domain verify {}", q(name)),
        A::RecheckDomain { name } => format!("domain recheck {}", q(name)),
        A::DeleteDomain { name, acknowledged } => {
            format!("domain delete {}{}", q(name), yes(*acknowledged))
        }
        A::SetSignup { setting } => format!(
            "domain signup-setting {}",
            match setting {
                SignupSetting::Restricted => "restricted",
                SignupSetting::AutoEnrollment => "auto-enrollment",
                SignupSetting::Blocked => "blocked",
            }
        ),
        A::Invite {
            email,
            role,
            accounts,
        } => {
            let mut s = format!("user invite {}", q(email));
            if *role != OrgRole::Standard {
                s.push_str(&format!(" --role {}", role_key(*role)?));
            }
            for (sid, roles) in accounts {
                s.push_str(&format!(
                    " --account {}",
                    q(&format!("{sid}={}", roles_list(roles)))
                ));
            }
            s
        }
        A::AcceptInvite { email } => format!("user accept {}", q(email)),
        A::DeclineInvite { email } => format!("user decline {}", q(email)),
        A::CancelInvite { email } => format!("user cancel {}", q(email)),
        A::ResendInvite { email } => format!("user resend {}", q(email)),
        A::SetRole {
            user,
            role,
            confirm_lockout,
        } => format!(
            "user role {} {}{}",
            q(user),
            role_key(*role)?,
            yes(*confirm_lockout)
        ),
        A::ResetPassword { user } => format!("user reset-password {}", q(user)),
        A::Reset2fa { user } => format!("user reset-2fa {}", q(user)),
        A::Deactivate {
            user,
            confirm_lockout,
        } => format!("user deactivate {}{}", q(user), yes(*confirm_lockout)),
        A::Reactivate { user } => format!("user reactivate {}", q(user)),
        A::RemoveUser {
            user,
            confirm_lockout,
        } => format!("user remove {}{}", q(user), yes(*confirm_lockout)),
        A::DeleteUser {
            user,
            confirm_lockout,
        } => format!("user delete {}{}", q(user), yes(*confirm_lockout)),
        A::ImportUsers { .. } => return Err(NoLine::NeedsFile("the CSV of users")),
        A::RenameOrg { name } => format!("org rename {}", q(name)),
        A::TransferOrg { user } => format!("org transfer {}", q(user)),
        A::DeleteOrg => "org delete".to_string(),
        A::Merge {
            candidate,
            confirm,
            owner_role,
        } => {
            let mut s = format!("org merge {}", q(candidate));
            if !confirm.is_empty() {
                s.push_str(&format!(" --confirm {}", q(confirm)));
            }
            if *owner_role != OrgRole::Standard {
                s.push_str(&format!(" --owner-role {}", role_key(*owner_role)?));
            }
            s
        }
        A::Set(setting) => {
            let (key, value) = match setting {
                Setting::AccountLimit(n) => ("account-limit", n.to_string()),
                Setting::SubaccountLimit(n) => ("subaccount-limit", n.to_string()),
                Setting::DomainLimit(n) => ("domain-limit", n.to_string()),
                Setting::InviteDays(n) => ("invite-days", n.to_string()),
                Setting::ResetLinkHours(n) => ("reset-link-hours", n.to_string()),
                Setting::Baa(b) => ("baa", on_off(*b).to_string()),
                Setting::SsoEntitlement(b) => ("sso-entitlement", on_off(*b).to_string()),
                Setting::BulkImport(b) => ("bulk-import", on_off(*b).to_string()),
                Setting::ScimTwilioRules(b) => ("scim-twilio-rules", on_off(*b).to_string()),
                Setting::MultiVerified { domain, on } => {
                    // the value is split at white space: a domain must be one word
                    if domain.is_empty() || domain.contains(char::is_whitespace) {
                        return Err(NoLine::Unsayable("a domain that is not one word"));
                    }
                    ("multi-verified", format!("{} {}", q(domain), on_off(*on)))
                }
            };
            format!("org set {key} {value}")
        }
        A::SsoConfigure { .. } => return Err(NoLine::NeedsFile("the IdP certificate")),
        A::SsoTest => "sso test".to_string(),
        A::SsoEnforce {
            domain,
            confirm_lockout,
        } => format!("sso enforce {}{}", q(domain), yes(*confirm_lockout)),
        A::SsoUnenforce { domain } => format!("sso unenforce {}", q(domain)),
        A::SsoExempt { user } => format!("sso exempt {}", q(user)),
        A::SsoUnexempt {
            user,
            confirm_lockout,
        } => format!("sso unexempt {}{}", q(user), yes(*confirm_lockout)),
        // the token is made at the edge when the line is applied
        A::ScimEnable { .. } => "scim enable".to_string(),
        A::ScimDisable => "scim disable".to_string(),
        A::ScimCreateUser { .. } | A::ScimReplaceUser { .. } | A::ScimDeleteUser { .. } => {
            return Err(NoLine::ScimOnly);
        }
        // a credential's secret is shown once, to whoever mints it: never in a script
        A::CreateOAuthApp { .. }
        | A::DeleteOAuthApp { .. }
        | A::SetAuthToken { .. }
        | A::CreateApiKey { .. } => return Err(NoLine::OneAtATime),
    })
}

/// A whole plan line: the command with `--org` (when `org` is given) and `--as` (when `by` is).
pub fn line(action: &Action, org: Option<&str>, by: Option<&str>) -> Result<String, NoLine> {
    let mut s = command(action)?;
    if let Some(o) = org {
        s.push_str(&format!(" --org {}", q(o)));
    }
    if let Some(b) = by {
        s.push_str(&format!(" --as {}", q(b)));
    }
    Ok(s)
}

/// A refusal's or a finding's fix step as a plan line.
pub fn fix_line(fix: &Fix, org: Option<&str>) -> Result<String, NoLine> {
    line(&fix.action, org, fix.by.as_deref())
}
