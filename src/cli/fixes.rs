//! A refusal's fixes in the CLI's own words: each step as the command line that takes it.

use crate::model::{Action, Fix};

/// One argument, quoted for a POSIX shell when it needs to be.
fn q(s: &str) -> String {
    shlex::try_quote(s)
        .map(|c| c.into_owned())
        .unwrap_or_else(|_| s.to_string())
}

/// The command line that takes the step: `tworg domain verify owl.example`, with `--as` when
/// someone else takes it. Steps no command takes (SCIM provisioning) are said in words.
pub fn command_line(fix: &Fix) -> String {
    use Action::*;
    let roles =
        |r: &[crate::model::AccountRole]| r.iter().map(|r| r.key()).collect::<Vec<_>>().join(",");
    let role = |r: crate::model::OrgRole| match r {
        crate::model::OrgRole::Administrator | crate::model::OrgRole::Owner => "admin",
        crate::model::OrgRole::Standard => "standard",
    };
    let yes = |b: &bool| if *b { " --yes" } else { "" };
    let cmd = match &fix.action {
        Signup { email, .. } => format!("signup {}", q(email)),
        AddWorldUser { email, .. } => format!("world add-user {}", q(email)),
        AddWorldAccount { name, owner, full } => format!(
            "world add-account {} --owner {}{}",
            q(name),
            q(owner),
            if *full { " --full" } else { "" }
        ),
        PublishDns { domain } => format!("dns publish {}", q(domain)),
        UnpublishDns { domain } => format!("dns unpublish {}", q(domain)),
        AdvanceClock { seconds } => format!(
            "clock advance {}",
            match *seconds {
                s if s != 0 && s % 86_400 == 0 => format!("{}d", s / 86_400),
                s if s != 0 && s % 3_600 == 0 => format!("{}h", s / 3_600),
                s => format!("{s}s"),
            }
        ),
        CreateAccount { name, flex, owner } => format!(
            "account create {}{}{}",
            q(name),
            if *flex { " --flex" } else { "" },
            owner
                .as_ref()
                .map(|o| format!(" --owner {}", q(o)))
                .unwrap_or_default()
        ),
        ImportAccount { sid } => format!("account import {sid}"),
        LinkAccount { sid } => format!("account link {sid}"),
        ConfirmAccount { sid } => format!("account confirm {sid}"),
        DeclineAccount { sid } => format!("account decline {sid}"),
        CancelAccount { sid } => format!("account cancel {sid}"),
        ResendAccount { sid } => format!("account resend {sid}"),
        RenameAccount { sid, name } => format!("account rename {sid} {}", q(name)),
        TransferAccount { sid, user } => format!("account transfer {sid} {}", q(user)),
        UpgradeAccount { sid } => format!("account upgrade {sid}"),
        SuspendAccount { sid } => format!("account suspend {sid}"),
        ResumeAccount { sid } => format!("account resume {sid}"),
        CloseAccount { sid, confirm_name } => {
            format!("account close {sid} --confirm {}", q(confirm_name))
        }
        SetHipaa { sid, on } => format!("account hipaa {sid} {}", if *on { "on" } else { "off" }),
        GrantAccess {
            sid,
            user,
            roles: r,
        } => {
            format!("account grant {sid} {} {}", q(user), roles(r))
        }
        RevokeAccess { sid, user } => format!("account revoke {sid} {}", q(user)),
        CreateSubaccount { parent, name } => format!(
            "subaccount create {parent}{}",
            name.as_ref()
                .map(|n| format!(" {}", q(n)))
                .unwrap_or_default()
        ),
        AssignRole { user, role, scope } => {
            format!("role assign {} {} --scope {}", q(user), q(role), q(scope))
        }
        UnassignRole { sid } => format!("role unassign {sid}"),
        AddDomain { name } => format!("domain add {}", q(name)),
        VerifyDomain { name } => format!("domain verify {}", q(name)),
        RecheckDomain { name } => format!("domain recheck {}", q(name)),
        DeleteDomain { name, acknowledged } => {
            format!("domain delete {}{}", q(name), yes(acknowledged))
        }
        SetSignup { setting } => format!(
            "domain signup-setting {}",
            setting.label().to_ascii_lowercase()
        ),
        Invite {
            email,
            role: r,
            accounts,
        } => {
            let mut s = format!("user invite {} --role {}", q(email), role(*r));
            for (sid, rs) in accounts {
                s.push_str(&format!(" --account {sid}={}", roles(rs)));
            }
            s
        }
        AcceptInvite { email } => format!("user accept {}", q(email)),
        DeclineInvite { email } => format!("user decline {}", q(email)),
        CancelInvite { email } => format!("user cancel {}", q(email)),
        ResendInvite { email } => format!("user resend {}", q(email)),
        SetRole {
            user,
            role: r,
            confirm_lockout,
        } => format!("user role {} {}{}", q(user), role(*r), yes(confirm_lockout)),
        ResetPassword { user } => format!("user reset-password {}", q(user)),
        Reset2fa { user } => format!("user reset-2fa {}", q(user)),
        Deactivate {
            user,
            confirm_lockout,
        } => format!("user deactivate {}{}", q(user), yes(confirm_lockout)),
        Reactivate { user } => format!("user reactivate {}", q(user)),
        RemoveUser {
            user,
            confirm_lockout,
        } => format!("user remove {}{}", q(user), yes(confirm_lockout)),
        DeleteUser {
            user,
            confirm_lockout,
        } => format!("user delete {}{}", q(user), yes(confirm_lockout)),
        ImportUsers { .. } => "user import FILE.csv".into(),
        RenameOrg { name } => format!("org rename {}", q(name)),
        TransferOrg { user } => format!("org transfer {}", q(user)),
        DeleteOrg => "org delete".into(),
        Merge {
            candidate,
            confirm,
            owner_role,
        } => {
            let mut s = format!("org merge {}", q(candidate));
            if !confirm.is_empty() {
                s.push_str(&format!(" --confirm {}", q(confirm)));
            }
            if *owner_role != crate::model::OrgRole::Standard {
                s.push_str(&format!(" --owner-role {}", role(*owner_role)));
            }
            s
        }
        Set(setting) => {
            let (k, v) = setting.key_value();
            format!("org set {k} {v}")
        }
        SsoConfigure {
            entity_id,
            url,
            confirm_lockout,
            ..
        } => format!(
            "sso configure --entity-id {} --url {} --cert CERT.pem{}",
            q(entity_id),
            q(url),
            yes(confirm_lockout)
        ),
        SsoTest => "sso test".into(),
        SsoEnforce {
            domain,
            confirm_lockout,
        } => format!("sso enforce {}{}", q(domain), yes(confirm_lockout)),
        SsoUnenforce { domain } => format!("sso unenforce {}", q(domain)),
        SsoExempt { user } => format!("sso exempt {}", q(user)),
        SsoUnexempt {
            user,
            confirm_lockout,
        } => format!("sso unexempt {}{}", q(user), yes(confirm_lockout)),
        ScimEnable { .. } => "scim enable".into(),
        ScimDisable => "scim disable".into(),
        CreateOAuthApp { name, .. } => format!("oauth create {}", q(name)),
        DeleteOAuthApp { sid } => format!("oauth delete {sid}"),
        SetAuthToken { sid, .. } => format!("account auth-token {sid} --rotate"),
        CreateApiKey { sid, name, .. } => format!(
            "account api-key create {sid}{}",
            name.as_ref()
                .map(|n| format!(" --name {}", q(n)))
                .unwrap_or_default()
        ),
        ScimCreateUser { .. } | ScimReplaceUser { .. } | ScimDeleteUser { .. } => {
            return fix.describe();
        }
    };
    match &fix.by {
        Some(by) => format!("tworg {cmd} --as {}", q(by)),
        None => format!("tworg {cmd}"),
    }
}
