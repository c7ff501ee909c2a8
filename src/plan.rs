//! Plan lines: an [`Action`] written as the command line `tworg apply` reads (the CLI's own
//! grammar), so that every face can hand over a change as a plan — the lint's fixes, the console's
//! staged changes, a refusal's fixes. Parsing stays with the CLI (`cli::script`); this is the
//! other direction, and a test parses every line written here back to the same action.
//!
//! This is the one renderer of an action as a `tworg` command line: plan lines ([`command`],
//! [`line`], [`fix_line`]) and the command a person types at a prompt ([`typed`], the CLI's
//! `fix:` lines), which also says the commands a plan cannot hold (a credential, minted by
//! itself; a command reading a file, the file a placeholder). An action no command line says
//! (SCIM provisioning) has neither; faces say it in prose (`Action::describe`).

use crate::model::action::Setting;
use crate::model::error::Fix;
use crate::model::{Action, OrgRole, SignupSetting};

/// Quotes one word for a plan line as a shell would read it. Words of characters no POSIX shell
/// treats specially stay bare, commas and `=` included (`developer,billing`, `AC…=admin`), which
/// shlex would quote.
fn q(word: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "@%+=:,./_-".contains(c);
    // `=word` at the start of a word is a path lookup in zsh
    if !word.is_empty() && !word.starts_with('=') && word.chars().all(plain) {
        return word.to_string();
    }
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

/// How an action is said on a command line (without `tworg`, `--org` or `--as`).
enum Said {
    /// A plan line: `tworg apply` reads it back to the very action.
    Plan(String),
    /// A command a person runs by itself and no plan holds, with why: a credential (its secret
    /// is shown once, to whoever mints it) or a command that reads a file (named by a
    /// placeholder such as `CERT.pem`).
    Alone(String, NoLine),
    /// No command line says it.
    Not(NoLine),
}

/// The one `match` from an action to its words on a command line.
fn say(action: &Action) -> Said {
    use Action as A;
    let yes = |b: bool| if b { " --yes" } else { "" };
    // a role the command line cannot give (the Owner's) makes the whole action unsayable
    macro_rules! role {
        ($r:expr) => {
            match role_key($r) {
                Ok(k) => k,
                Err(why) => return Said::Not(why),
            }
        };
    }
    Said::Plan(match action {
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
            return Said::Not(NoLine::Unsayable("a clock going back"));
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
                s.push_str(&format!(" --role {}", role!(*role)));
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
            role!(*role),
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
        A::ImportUsers { .. } => {
            return Said::Alone(
                "user import FILE.csv".to_string(),
                NoLine::NeedsFile("the CSV of users"),
            );
        }
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
                s.push_str(&format!(" --owner-role {}", role!(*owner_role)));
            }
            s
        }
        A::Set(setting) => {
            // the key and value as the model reads them (`Setting::parse`)
            let (key, mut value) = setting.key_value();
            if let Setting::MultiVerified { domain, on } = setting {
                // the value is split at white space: a domain must be one word
                if domain.is_empty() || domain.contains(char::is_whitespace) {
                    return Said::Not(NoLine::Unsayable("a domain that is not one word"));
                }
                value = format!("{} {}", q(domain), on_off(*on));
            }
            format!("org set {key} {value}")
        }
        A::SsoConfigure {
            entity_id,
            url,
            confirm_lockout,
            ..
        } => {
            return Said::Alone(
                format!(
                    "sso configure --entity-id {} --url {} --cert CERT.pem{}",
                    q(entity_id),
                    q(url),
                    yes(*confirm_lockout)
                ),
                NoLine::NeedsFile("the IdP certificate"),
            );
        }
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
            return Said::Not(NoLine::ScimOnly);
        }
        // a credential's secret is shown once, to whoever mints it: never in a script
        A::CreateOAuthApp { name, .. } => {
            return Said::Alone(format!("oauth create {}", q(name)), NoLine::OneAtATime);
        }
        A::DeleteOAuthApp { sid } => {
            return Said::Alone(format!("oauth delete {}", q(sid)), NoLine::OneAtATime);
        }
        A::SetAuthToken { sid, .. } => {
            return Said::Alone(
                format!("account auth-token {} --rotate", q(sid)),
                NoLine::OneAtATime,
            );
        }
        A::CreateApiKey { sid, name, .. } => {
            let mut s = format!("account api-key create {}", q(sid));
            if let Some(n) = name {
                s.push_str(&format!(" --name {}", q(n)));
            }
            return Said::Alone(s, NoLine::OneAtATime);
        }
    })
}

/// The action as a plan line (without `tworg`, `--org` or `--as`): `tworg apply` reads it back
/// to the very action.
pub fn command(action: &Action) -> Result<String, NoLine> {
    match say(action) {
        Said::Plan(s) => Ok(s),
        Said::Alone(_, why) | Said::Not(why) => Err(why),
    }
}

/// The command a person types to take the action (without `tworg`, `--org` or `--as`): its plan
/// line, or the command run by itself for a credential or a file (the file a placeholder).
pub fn typed(action: &Action) -> Result<String, NoLine> {
    match say(action) {
        Said::Plan(s) | Said::Alone(s, _) => Ok(s),
        Said::Not(why) => Err(why),
    }
}

/// `--org` (when `org` is given) and `--as` (when `by` is) after a command.
fn with_target(mut s: String, org: Option<&str>, by: Option<&str>) -> String {
    if let Some(o) = org {
        s.push_str(&format!(" --org {}", q(o)));
    }
    if let Some(b) = by {
        s.push_str(&format!(" --as {}", q(b)));
    }
    s
}

/// A whole plan line: the command with `--org` (when `org` is given) and `--as` (when `by` is).
pub fn line(action: &Action, org: Option<&str>, by: Option<&str>) -> Result<String, NoLine> {
    Ok(with_target(command(action)?, org, by))
}

/// A refusal's fix step as the command a person types ([`typed`]), with `--org` and `--as`.
pub fn typed_fix_line(fix: &Fix, org: Option<&str>) -> Result<String, NoLine> {
    Ok(with_target(typed(&fix.action)?, org, fix.by.as_deref()))
}

/// A refusal's or a finding's fix step as a plan line.
pub fn fix_line(fix: &Fix, org: Option<&str>) -> Result<String, NoLine> {
    line(&fix.action, org, fix.by.as_deref())
}
