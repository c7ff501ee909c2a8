//! A refusal's fixes in the console's own words: the tab, the row and the key that take each
//! step (`Domains tab → owl.example → v verify`), found in the one keymap table.

use super::keymap::{self, Cmd, KeyCtx, Tab};
use super::view::{SettingRow, setting_label};
use crate::model::action::Setting;
use crate::model::{Action, Fix, World};

/// The key and label of a command in a tab, from the keymap (`v verify`).
fn key_of(ctx: KeyCtx, cmd: Cmd) -> Option<String> {
    keymap::of(ctx)
        .find(|b| b.cmd == cmd)
        .map(|b| format!("{} {}", keymap::keys_label(b), b.label))
}

/// Where a step is taken: the tab, the row to select (if any) and the command.
fn place(w: &World, action: &Action) -> Option<(Tab, Option<String>, Cmd)> {
    use Action::*;
    let acc = |sid: &str| {
        Some(
            w.accounts
                .values()
                .find(|a| a.sid.as_str() == sid)
                .map(|a| a.name.clone())
                .unwrap_or_else(|| sid.to_string()),
        )
    };
    let setting = |r: SettingRow| (Tab::Settings, Some(setting_label(&r)), Cmd::SetOpen);
    Some(match action {
        CreateAccount { .. } => (Tab::Accounts, None, Cmd::AccCreate),
        ImportAccount { .. } => (Tab::Accounts, None, Cmd::AccImport),
        LinkAccount { .. } => (Tab::Accounts, None, Cmd::AccLink),
        ConfirmAccount { sid } => (Tab::Accounts, acc(sid), Cmd::AccConfirm),
        DeclineAccount { sid } => (Tab::Accounts, acc(sid), Cmd::AccDecline),
        CancelAccount { sid } => (Tab::Accounts, acc(sid), Cmd::AccCancel),
        ResendAccount { sid } => (Tab::Accounts, acc(sid), Cmd::AccImport),
        RenameAccount { sid, .. } => (Tab::Accounts, acc(sid), Cmd::AccRename),
        TransferAccount { sid, .. } => (Tab::Accounts, acc(sid), Cmd::AccTransfer),
        UpgradeAccount { sid } => (Tab::Accounts, acc(sid), Cmd::AccUpgrade),
        SuspendAccount { sid } => (Tab::Accounts, acc(sid), Cmd::AccSuspend),
        ResumeAccount { sid } => (Tab::Accounts, acc(sid), Cmd::AccResume),
        CloseAccount { sid, .. } => (Tab::Accounts, acc(sid), Cmd::AccClose),
        SetHipaa { sid, .. } => (Tab::Accounts, acc(sid), Cmd::AccHipaa),
        GrantAccess { sid, .. } => (Tab::Accounts, acc(sid), Cmd::AccGrant),
        RevokeAccess { sid, .. } => (Tab::Accounts, acc(sid), Cmd::AccRevoke),
        CreateSubaccount { parent, .. } => (Tab::Accounts, acc(parent), Cmd::AccSub),
        AssignRole { user, .. } => (Tab::Users, Some(user.clone()), Cmd::UsrAssign),
        UnassignRole { .. } => (Tab::Users, None, Cmd::UsrUnassign),
        AddDomain { .. } => (Tab::Domains, None, Cmd::DomAdd),
        VerifyDomain { name } => (Tab::Domains, Some(name.clone()), Cmd::DomVerify),
        RecheckDomain { name } => (Tab::Domains, Some(name.clone()), Cmd::DomRecheck),
        DeleteDomain { name, .. } => (Tab::Domains, Some(name.clone()), Cmd::DomDelete),
        PublishDns { domain } => (Tab::Domains, Some(domain.clone()), Cmd::DomPublish),
        UnpublishDns { domain } => (Tab::Domains, Some(domain.clone()), Cmd::DomUnpublish),
        SetSignup { .. } => (Tab::Domains, None, Cmd::DomSignup),
        SsoEnforce { domain, .. } | SsoUnenforce { domain } => {
            (Tab::Domains, Some(domain.clone()), Cmd::DomEnforce)
        }
        Invite { .. } => (Tab::Users, None, Cmd::UsrInvite),
        AcceptInvite { email } => (Tab::Users, Some(email.clone()), Cmd::UsrAccept),
        DeclineInvite { email } => (Tab::Users, Some(email.clone()), Cmd::UsrDecline),
        CancelInvite { email } => (Tab::Users, Some(email.clone()), Cmd::UsrCancel),
        ResendInvite { email } => (Tab::Users, Some(email.clone()), Cmd::UsrResend),
        SetRole { user, .. } => (Tab::Users, Some(user.clone()), Cmd::UsrRole),
        ResetPassword { user } => (Tab::Users, Some(user.clone()), Cmd::UsrResetPw),
        Reset2fa { user } => (Tab::Users, Some(user.clone()), Cmd::UsrReset2fa),
        Deactivate { user, .. } => (Tab::Users, Some(user.clone()), Cmd::UsrDeactivate),
        Reactivate { user } => (Tab::Users, Some(user.clone()), Cmd::UsrReactivate),
        RemoveUser { user, .. } => (Tab::Users, Some(user.clone()), Cmd::UsrRemove),
        DeleteUser { user, .. } => (Tab::Users, Some(user.clone()), Cmd::UsrDelete),
        ImportUsers { .. } => (Tab::Users, None, Cmd::UsrImport),
        SsoExempt { user } | SsoUnexempt { user, .. } => {
            (Tab::Users, Some(user.clone()), Cmd::UsrExempt)
        }
        Signup { .. } => (Tab::Users, None, Cmd::UsrSignup),
        RenameOrg { .. } => setting(SettingRow::Name),
        TransferOrg { .. } => setting(SettingRow::Owner),
        DeleteOrg => setting(SettingRow::DeleteOrg),
        Merge { .. } => setting(SettingRow::Merge),
        AdvanceClock { .. } => setting(SettingRow::Clock),
        AddWorldUser { .. } => setting(SettingRow::WorldUser),
        AddWorldAccount { .. } => setting(SettingRow::WorldAccount),
        SsoConfigure { .. } => setting(SettingRow::SsoProfile),
        SsoTest => setting(SettingRow::SsoTest),
        ScimEnable { .. } | ScimDisable => setting(SettingRow::Scim),
        CreateOAuthApp { .. } | DeleteOAuthApp { .. } => setting(SettingRow::OAuthApps),
        Set(s) => setting(match s {
            Setting::AccountLimit(_) => SettingRow::AccountLimit,
            Setting::SubaccountLimit(_) => SettingRow::SubaccountLimit,
            Setting::DomainLimit(_) => SettingRow::DomainLimit,
            Setting::InviteDays(_) => SettingRow::InviteDays,
            Setting::ResetLinkHours(_) => SettingRow::ResetLinkHours,
            Setting::Baa(_) => SettingRow::Baa,
            Setting::SsoEntitlement(_) => SettingRow::SsoEntitlement,
            Setting::BulkImport(_) => SettingRow::BulkImport,
            Setting::ScimTwilioRules(_) => SettingRow::ScimTwilioRules,
            Setting::MultiVerified { domain, .. } => {
                return Some((Tab::Domains, Some(domain.clone()), Cmd::DomMulti));
            }
        }),
        // provisioning is the IdP's; an account's credentials are minted by the CLI, by themselves
        ScimCreateUser { .. }
        | ScimReplaceUser { .. }
        | ScimDeleteUser { .. }
        | SetAuthToken { .. }
        | CreateApiKey { .. } => return None,
    })
}

/// The step as keys and places: `Domains tab (2) → owl.example → v verify`; someone else's
/// step starts with acting as them (A).
pub fn in_console(w: &World, fix: &Fix) -> String {
    let what = fix.action.describe();
    let mut s = match place(w, &fix.action) {
        Some((tab, row, cmd)) => {
            let key = key_of(tab.key_ctx(), cmd).unwrap_or_else(|| what.clone());
            let tab_key = key_of(KeyCtx::Global, Cmd::Tab(tab))
                .map(|k| k.split(' ').next().unwrap_or("").to_string())
                .unwrap_or_default();
            // a Settings row or a new thing opens a form: what to enter there is said in words
            let then = if tab == Tab::Settings || row.is_none() {
                format!(" ({what})")
            } else {
                String::new()
            };
            match row {
                Some(row) => format!("{} tab ({tab_key}) → {row} → {key}{then}", tab.title()),
                None => format!("{} tab ({tab_key}) → {key}{then}", tab.title()),
            }
        }
        None => what,
    };
    if let Some(by) = &fix.by {
        let act_as = key_of(KeyCtx::Global, Cmd::ActAs).unwrap_or_else(|| "act as".into());
        s = format!("{act_as} {by}, then {s}");
    }
    s
}
