//! RULES.md revision 2, the words and names slice: plain, correct English in every message and
//! audit entry (AUD-1, defect 8), the public email domain list (DOM-3), one canonical form for
//! every email and userName (SCIM-2), and undo and redo as changes of their own (AUD-1, defect 9).

mod fixture;
mod scim_server;

use fixture::*;
use tworg::model::action::Setting;
use tworg::model::demo::DEMO_IDP_CERT;
use tworg::model::scim::ScimUserData;
use tworg::model::words::Verb;
use tworg::model::*;

// ---------------------------------------------------------------------------------------------
// Plain English (AUD-1 rev 2, defect 8)
// ---------------------------------------------------------------------------------------------

/// Who performs a scripted step.
#[derive(Clone, Copy)]
enum Who {
    /// A user (by email) in the organization they belong to, else in Owl Industries.
    User(&'static str),
    /// A user (by email) in a named organization.
    In(&'static str, &'static str),
    /// Owl Industries' SCIM token.
    Scim,
}

impl Who {
    fn ctx(self, w: &World) -> Ctx {
        match self {
            Who::User(email) => ctx_as(w, email),
            Who::In(org, email) => ctx_in(w, org, email),
            Who::Scim => Ctx {
                org: org_sid(w, OWL),
                actor: Actor::ScimToken,
            },
        }
    }
}

type MakeAction = Box<dyn Fn(&World) -> Action>;

/// One scripted step: who does it, and the action (made from the world as it is then, so SIDs
/// of accounts created on the way can be named).
struct Step {
    who: Who,
    action: MakeAction,
}

fn step(who: Who, f: impl Fn(&World) -> Action + 'static) -> Step {
    Step {
        who,
        action: Box::new(f),
    }
}

fn by_name(w: &World, name: &str) -> String {
    w.accounts
        .values()
        .find(|a| a.name == name)
        .map(|a| a.sid.to_string())
        .unwrap_or_else(|| format!("AC{}", "0".repeat(32)))
}

fn scim_user(email: &str) -> ScimUserData {
    ScimUserData {
        user_name: email.into(),
        external_id: Some(format!("ext-{email}")),
        display_name: Some("Text Check".into()),
        emails: vec![ScimEmail {
            value: email.into(),
            kind: Some("work".into()),
            primary: true,
        }],
        ..ScimUserData::default()
    }
}

fn scim_id(w: &World, email: &str) -> String {
    w.user_by_email(email)
        .map(|u| u.sid.to_string())
        .unwrap_or_else(|| format!("US{}", "0".repeat(32)))
}

/// Which variant an action is. The match has no wildcard on purpose: a new action does not
/// compile here until the script below covers it, so its messages are read too.
fn variant(a: &Action) -> usize {
    use Action::*;
    match a {
        Signup { .. } => 0,
        AddWorldUser { .. } => 1,
        AddWorldAccount { .. } => 2,
        PublishDns { .. } => 3,
        UnpublishDns { .. } => 4,
        AdvanceClock { .. } => 5,
        CreateAccount { .. } => 6,
        ImportAccount { .. } => 7,
        LinkAccount { .. } => 8,
        ConfirmAccount { .. } => 9,
        DeclineAccount { .. } => 10,
        CancelAccount { .. } => 11,
        RenameAccount { .. } => 12,
        TransferAccount { .. } => 13,
        UpgradeAccount { .. } => 14,
        SuspendAccount { .. } => 15,
        ResumeAccount { .. } => 16,
        CloseAccount { .. } => 17,
        SetHipaa { .. } => 18,
        GrantAccess { .. } => 19,
        RevokeAccess { .. } => 20,
        CreateSubaccount { .. } => 21,
        AddDomain { .. } => 22,
        VerifyDomain { .. } => 23,
        RecheckDomain { .. } => 24,
        DeleteDomain { .. } => 25,
        SetSignup { .. } => 26,
        Invite { .. } => 27,
        AcceptInvite { .. } => 28,
        CancelInvite { .. } => 29,
        ResendInvite { .. } => 30,
        SetRole { .. } => 31,
        ResetPassword { .. } => 32,
        Reset2fa { .. } => 33,
        Deactivate { .. } => 34,
        Reactivate { .. } => 35,
        RemoveUser { .. } => 36,
        DeleteUser { .. } => 37,
        ImportUsers { .. } => 38,
        RenameOrg { .. } => 39,
        TransferOrg { .. } => 40,
        DeleteOrg => 41,
        Merge { .. } => 42,
        Set(_) => 43,
        SsoConfigure { .. } => 44,
        SsoTest => 45,
        SsoEnforce { .. } => 46,
        SsoUnenforce { .. } => 47,
        SsoExempt { .. } => 48,
        SsoUnexempt { .. } => 49,
        ScimEnable { .. } => 50,
        ScimDisable => 51,
        ScimCreateUser { .. } => 52,
        ScimReplaceUser { .. } => 53,
        ScimDeleteUser { .. } => 54,
        ResendAccount { .. } => 55,
        AssignRole { .. } => 56,
        UnassignRole { .. } => 57,
        DeclineInvite { .. } => 58,
        CreateOAuthApp { .. } => 59,
        DeleteOAuthApp { .. } => 60,
        SetAuthToken { .. } => 61,
        CreateApiKey { .. } => 62,
    }
}
const VARIANTS: usize = 63;

const O: Who = Who::User(OLIVIA);
const NEW: &str = "text.check@owl-industries.example";
const WALT: &str = "walt.world@walt-works.example";

/// A run over the demo world touching every action, mostly as Owl's Owner, in an order that
/// lets most of them succeed once and then be refused (wrong state, already done).
fn script() -> Vec<Step> {
    use Action::*;
    let s = |v: &str| v.to_string();
    vec![
        // the world outside organizations
        step(O, move |_| Signup {
            email: s(NEW),
            name: None,
        }),
        step(O, |_| Signup {
            email: "jo@joes-garage.example".into(),
            name: Some("Jo".into()),
        }),
        step(O, |_| AddWorldUser {
            email: WALT.into(),
            name: None,
        }),
        step(O, |_| AddWorldUser {
            email: "not an email".into(),
            name: None,
        }),
        step(O, |_| AddWorldAccount {
            name: "Walt Works".into(),
            owner: WALT.into(),
            full: false,
        }),
        step(O, |_| AddWorldAccount {
            name: "Walt Side Project".into(),
            owner: WALT.into(),
            full: true,
        }),
        step(O, |_| PublishDns {
            domain: "owl-labs.example".into(),
        }),
        // domains
        step(O, |_| AddDomain {
            name: "owl-ops.example".into(),
        }),
        step(O, |_| AddDomain {
            name: "gmail.com".into(),
        }),
        step(O, |_| AddDomain {
            name: "mail.outlook.de".into(),
        }),
        step(O, |_| AddDomain {
            name: "www.owl-ops.example".into(),
        }),
        step(O, |_| AddDomain {
            name: "localhost".into(),
        }),
        step(O, |_| VerifyDomain {
            name: "owl-ops.example".into(),
        }),
        step(O, |_| PublishDns {
            domain: "owl-ops.example".into(),
        }),
        step(O, |_| VerifyDomain {
            name: "owl-ops.example".into(),
        }),
        step(O, |_| VerifyDomain {
            name: "owl-labs.example".into(),
        }),
        step(O, |_| RecheckDomain {
            name: "owl-ops.example".into(),
        }),
        step(O, |_| UnpublishDns {
            domain: "owl-ops.example".into(),
        }),
        step(O, |_| RecheckDomain {
            name: "owl-ops.example".into(),
        }),
        step(O, |_| PublishDns {
            domain: "owl-ops.example".into(),
        }),
        step(O, |_| RecheckDomain {
            name: "owl-ops.example".into(),
        }),
        step(O, |_| DeleteDomain {
            name: "owl-ops.example".into(),
            acknowledged: false,
        }),
        step(O, |_| DeleteDomain {
            name: "owl-ops.example".into(),
            acknowledged: true,
        }),
        step(O, |_| DeleteDomain {
            name: "owl-industries.example".into(),
            acknowledged: true,
        }),
        step(O, |_| SetSignup {
            setting: SignupSetting::Blocked,
        }),
        step(O, |_| SetSignup {
            setting: SignupSetting::AutoEnrollment,
        }),
        step(O, |_| Signup {
            email: "auto.enrolled@owl-industries.example".into(),
            name: None,
        }),
        step(O, |_| SetSignup {
            setting: SignupSetting::Restricted,
        }),
        // accounts
        step(O, |_| CreateAccount {
            name: "Text Check".into(),
            flex: false,
            owner: Some(SAM.into()),
        }),
        step(Who::User(SAM), |_| CreateAccount {
            name: "Sam's Own".into(),
            flex: true,
            owner: None,
        }),
        step(O, |_| CreateAccount {
            name: "".into(),
            flex: false,
            owner: Some(DAN.into()),
        }),
        step(O, |w| ImportAccount {
            sid: by_name(w, "Owl Legacy Billing"),
        }),
        step(O, |w| ImportAccount {
            sid: by_name(w, "Owl Labs Prototype"),
        }),
        step(O, |w| ImportAccount {
            sid: by_name(w, "Walt Works"),
        }),
        step(Who::User(LIAM), |w| ConfirmAccount {
            sid: by_name(w, "Owl Legacy Billing"),
        }),
        step(Who::User(MIA), |w| DeclineAccount {
            sid: by_name(w, "Owl Marketing Sandbox"),
        }),
        step(O, |w| LinkAccount {
            sid: by_name(w, "Walt Works"),
        }),
        step(O, |w| CancelAccount {
            sid: by_name(w, "Walt Works"),
        }),
        step(O, |w| LinkAccount {
            sid: by_name(w, "Walt Side Project"),
        }),
        step(Who::User(WALT), |w| ConfirmAccount {
            sid: by_name(w, "Walt Side Project"),
        }),
        step(O, |w| CancelAccount {
            sid: by_name(w, "Walt Side Project"),
        }),
        step(O, |w| RenameAccount {
            sid: by_name(w, "Text Check"),
            name: "Text Checked".into(),
        }),
        step(O, |w| RenameAccount {
            sid: by_name(w, "Owl Staging"),
            name: "".into(),
        }),
        step(O, |w| TransferAccount {
            sid: by_name(w, "Text Checked"),
            user: SARA.into(),
        }),
        step(O, |w| TransferAccount {
            sid: by_name(w, "Text Checked"),
            user: KAI.into(),
        }),
        step(O, |w| TransferAccount {
            sid: by_name(w, "Owl Prod EU"),
            user: SARA.into(),
        }),
        step(O, |w| UpgradeAccount {
            sid: by_name(w, "Text Checked"),
        }),
        step(O, |w| SuspendAccount {
            sid: by_name(w, "Owl Production"),
        }),
        step(O, |w| SuspendAccount {
            sid: by_name(w, "Owl Prod EU"),
        }),
        step(O, |w| ResumeAccount {
            sid: by_name(w, "Owl Prod EU"),
        }),
        step(O, |w| ResumeAccount {
            sid: by_name(w, "Owl Production"),
        }),
        step(O, |w| SuspendAccount {
            sid: by_name(w, "Owl Staging"),
        }),
        step(O, |w| ResumeAccount {
            sid: by_name(w, "Owl Staging"),
        }),
        step(O, |w| CloseAccount {
            sid: by_name(w, "Text Checked"),
            confirm_name: "Text".into(),
        }),
        step(O, |w| CloseAccount {
            sid: by_name(w, "Text Checked"),
            confirm_name: "Text Checked".into(),
        }),
        step(O, |w| ResumeAccount {
            sid: by_name(w, "Text Checked"),
        }),
        step(O, |w| SuspendAccount {
            sid: by_name(w, "Text Checked"),
        }),
        step(O, |w| SetHipaa {
            sid: by_name(w, "Owl Staging"),
            on: true,
        }),
        step(O, |w| SetHipaa {
            sid: by_name(w, "Owl Staging"),
            on: false,
        }),
        step(O, |w| GrantAccess {
            sid: by_name(w, "Owl Staging"),
            user: SARA.into(),
            roles: vec![AccountRole::Support],
        }),
        step(O, |w| GrantAccess {
            sid: by_name(w, "Owl Staging"),
            user: ADAM.into(),
            roles: vec![AccountRole::Administrator, AccountRole::Developer],
        }),
        step(O, |w| GrantAccess {
            sid: by_name(w, "Owl Prod EU"),
            user: SARA.into(),
            roles: vec![AccountRole::Developer],
        }),
        step(O, |w| RevokeAccess {
            sid: by_name(w, "Owl Staging"),
            user: SARA.into(),
        }),
        step(O, |w| RevokeAccess {
            sid: by_name(w, "Owl Staging"),
            user: FERN.into(),
        }),
        step(O, |w| AssignRole {
            user: SAM.into(),
            role: "Studio Admin".into(),
            scope: w.home_org.clone().expect("home").to_string(),
        }),
        step(O, |w| AssignRole {
            user: SARA.into(),
            role: "admin".into(),
            scope: by_name(w, "Owl Prod EU"),
        }),
        step(O, |w| AssignRole {
            user: EVE.into(),
            role: "Studio Viewer".into(),
            scope: by_name(w, "Owl Staging"),
        }),
        step(O, |w| UnassignRole {
            sid: w
                .role_assignments
                .iter()
                .last()
                .map(|a| a.sid.to_string())
                .unwrap_or_default(),
        }),
        step(O, |_| CreateOAuthApp {
            name: "Text App".into(),
            secret_sha256: "a".repeat(64),
        }),
        step(O, |w| DeleteOAuthApp {
            sid: w
                .credentials
                .oauth_apps
                .keys()
                .next()
                .map(|s| s.to_string())
                .unwrap_or_else(|| format!("OQ{}", "0".repeat(32))),
        }),
        step(O, |w| SetAuthToken {
            sid: by_name(w, "Owl Production"),
            token_sha256: "b".repeat(64),
        }),
        step(O, |w| CreateApiKey {
            sid: by_name(w, "Owl Production"),
            name: None,
            secret_sha256: "c".repeat(64),
        }),
        step(O, |w| CreateSubaccount {
            parent: by_name(w, "Owl Production"),
            name: Some("Owl Prod APAC".into()),
        }),
        step(O, |w| CreateSubaccount {
            parent: by_name(w, "Owl Prod EU"),
            name: None,
        }),
        step(O, |w| CreateSubaccount {
            parent: by_name(w, "Owl Staging"),
            name: None,
        }),
        // users
        step(O, |w| Invite {
            email: NEW2.into(),
            role: OrgRole::Standard,
            accounts: vec![(by_name(w, "Owl Production"), vec![AccountRole::Developer])],
        }),
        step(O, |_| Invite {
            email: "someone@gmail.com".into(),
            role: OrgRole::Standard,
            accounts: vec![],
        }),
        step(O, |_| Invite {
            email: "lab@owl-labs.example".into(),
            role: OrgRole::Administrator,
            accounts: vec![],
        }),
        step(O, |_| Invite {
            email: "ops@nowhere-yet.example".into(),
            role: OrgRole::Standard,
            accounts: vec![],
        }),
        step(O, |_| Invite {
            email: FERN.into(),
            role: OrgRole::Standard,
            accounts: vec![],
        }),
        step(O, |_| Invite {
            email: NEW3.into(),
            role: OrgRole::Owner,
            accounts: vec![],
        }),
        step(O, |w| Invite {
            email: NEW3.into(),
            role: OrgRole::Standard,
            accounts: vec![(
                by_name(w, "Kestrel Partner Portal"),
                vec![AccountRole::Developer],
            )],
        }),
        step(O, |_| ResendInvite { email: NEW2.into() }),
        step(O, |_| AcceptInvite {
            email: PAULA.into(),
        }),
        step(O, |_| CancelInvite { email: NEW2.into() }),
        step(O, |_| Invite {
            email: NEW2.into(),
            role: OrgRole::Standard,
            accounts: vec![],
        }),
        step(O, |_| SetRole {
            user: SAM.into(),
            role: OrgRole::Administrator,
            confirm_lockout: false,
        }),
        step(O, |_| SetRole {
            user: SAM.into(),
            role: OrgRole::Owner,
            confirm_lockout: false,
        }),
        step(O, |_| SetRole {
            user: OLIVIA.into(),
            role: OrgRole::Standard,
            confirm_lockout: false,
        }),
        step(O, |_| SetRole {
            user: KAI.into(),
            role: OrgRole::Standard,
            confirm_lockout: false,
        }),
        step(O, |_| SetRole {
            user: SAM.into(),
            role: OrgRole::Standard,
            confirm_lockout: false,
        }),
        step(O, |_| ResetPassword { user: SARA.into() }),
        step(O, |_| ResetPassword { user: KAI.into() }),
        step(O, |_| Reset2fa { user: SARA.into() }),
        step(O, |_| Deactivate {
            user: SARA.into(),
            confirm_lockout: false,
        }),
        step(O, |_| Deactivate {
            user: OLIVIA.into(),
            confirm_lockout: false,
        }),
        step(O, |_| Reactivate { user: SARA.into() }),
        step(O, |_| Reactivate { user: DAN.into() }),
        step(O, |_| Deactivate {
            user: EVE.into(),
            confirm_lockout: false,
        }),
        step(O, |_| RemoveUser {
            user: SAM.into(),
            confirm_lockout: false,
        }),
        step(O, |_| RemoveUser {
            user: DAN.into(),
            confirm_lockout: false,
        }),
        step(O, |_| RemoveUser {
            user: OLIVIA.into(),
            confirm_lockout: false,
        }),
        step(O, |_| DeleteUser {
            user: SARA.into(),
            confirm_lockout: false,
        }),
        step(O, |_| DeleteUser {
            user: LIAM.into(),
            confirm_lockout: false,
        }),
        step(O, |_| ImportUsers {
            csv: format!("email,first_name,last_name\n{NORA},Nora,Newhire\n"),
        }),
        step(O, |_| Set(Setting::BulkImport(true))),
        step(O, |_| ImportUsers {
            csv: "email;name\nbroken".into(),
        }),
        step(O, |_| ImportUsers {
            csv: format!(
                "email,first_name,last_name\n{NORA},Nora,Newhire\n{NORA},Nora,Again\nnobody@owl-industries.example,No,Body\nx@gmail.com,X,Y\n{FERN},Fern,Finch\n{ADAM},Adam,Admin\nbad,B,A\n"
            ),
        }),
        // SSO
        step(O, |_| SsoEnforce {
            domain: "owl-industries.example".into(),
            confirm_lockout: false,
        }),
        step(O, |_| SsoConfigure {
            entity_id: "".into(),
            url: "http://idp.example/sso".into(),
            cert_pem: "garbage".into(),
            confirm_lockout: false,
        }),
        step(O, |_| SsoConfigure {
            entity_id: "https://idp.example/saml".into(),
            url: "https://idp.example/sso".into(),
            cert_pem: include_str!("fixtures/expired-idp-cert.pem").into(),
            confirm_lockout: false,
        }),
        step(O, |_| SsoConfigure {
            entity_id: "https://idp.example/saml".into(),
            url: "https://idp.example/sso".into(),
            cert_pem: DEMO_IDP_CERT.into(),
            confirm_lockout: false,
        }),
        step(O, |_| SsoTest),
        step(O, |_| SsoExempt { user: ADAM.into() }),
        step(O, |_| SsoExempt { user: KAI.into() }),
        step(O, |_| SsoEnforce {
            domain: "owl-industries.example".into(),
            confirm_lockout: false,
        }),
        step(O, |_| SsoEnforce {
            domain: "owl-industries.example".into(),
            confirm_lockout: true,
        }),
        step(O, |_| SsoEnforce {
            domain: "owl-labs.example".into(),
            confirm_lockout: true,
        }),
        step(O, |_| SsoUnexempt {
            user: ADAM.into(),
            confirm_lockout: false,
        }),
        step(O, |_| SsoUnexempt {
            user: ADAM.into(),
            confirm_lockout: true,
        }),
        step(O, |_| SsoUnenforce {
            domain: "owl-industries.example".into(),
        }),
        step(O, |_| SsoUnenforce {
            domain: "owl-labs.example".into(),
        }),
        // SCIM
        step(O, |_| ScimEnable {
            token: "short".into(),
        }),
        step(Who::Scim, |_| ScimCreateUser {
            user: scim_user("scim.user@owl-industries.example"),
        }),
        step(O, |_| ScimEnable {
            token: "t".repeat(40),
        }),
        step(O, |_| ScimEnable {
            token: "u".repeat(40),
        }),
        step(Who::Scim, |_| ScimCreateUser {
            user: scim_user("scim.user@owl-industries.example"),
        }),
        step(Who::Scim, |_| ScimCreateUser {
            user: scim_user("scim.user@heron-logistics.example"),
        }),
        step(Who::Scim, |_| ScimCreateUser {
            user: scim_user(FERN),
        }),
        step(Who::Scim, |_| ScimCreateUser {
            user: ScimUserData {
                user_name: "nobody".into(),
                ..ScimUserData::default()
            },
        }),
        step(Who::Scim, |w| ScimReplaceUser {
            id: scim_id(w, "scim.user@owl-industries.example"),
            user: ScimUserData {
                active: Some(false),
                ..scim_user("scim.user@owl-industries.example")
            },
            patch: true,
        }),
        step(Who::Scim, |w| ScimReplaceUser {
            id: scim_id(w, "scim.user@owl-industries.example"),
            user: ScimUserData {
                display_name: Some("Renamed".into()),
                ..scim_user("scim.user@owl-industries.example")
            },
            patch: false,
        }),
        step(Who::Scim, |w| ScimReplaceUser {
            id: scim_id(w, "scim.user@owl-industries.example"),
            user: ScimUserData {
                active: Some(true),
                ..scim_user("scim.user@owl-industries.example")
            },
            patch: false,
        }),
        step(Who::Scim, |w| ScimReplaceUser {
            id: scim_id(w, OLIVIA),
            user: scim_user(OLIVIA),
            patch: false,
        }),
        step(Who::Scim, |w| ScimDeleteUser {
            id: scim_id(w, OLIVIA),
        }),
        step(Who::Scim, |w| ScimDeleteUser {
            id: scim_id(w, "scim.user@owl-industries.example"),
        }),
        step(Who::Scim, |w| ScimDeleteUser {
            id: scim_id(w, "scim.user@owl-industries.example"),
        }),
        step(O, |_| ScimDisable),
        // the organization
        step(O, |_| RenameOrg { name: "".into() }),
        step(O, |_| RenameOrg {
            name: "Owl Industries".into(),
        }),
        step(O, |_| Set(Setting::AccountLimit(1))),
        step(O, |_| Set(Setting::AccountLimit(30))),
        step(O, |_| Set(Setting::InviteDays(0))),
        step(O, |_| Set(Setting::Baa(false))),
        step(O, |_| {
            Set(Setting::MultiVerified {
                domain: "owl-industries.example".into(),
                on: true,
            })
        }),
        step(O, |_| Set(Setting::ScimTwilioRules(false))),
        step(O, |_| Set(Setting::ScimTwilioRules(true))),
        step(O, |_| DeleteOrg),
        step(O, |_| Merge {
            candidate: HERON.into(),
            confirm: HERON.into(),
            owner_role: OrgRole::Standard,
        }),
        step(O, |_| Merge {
            candidate: FINCH.into(),
            confirm: "Finch".into(),
            owner_role: OrgRole::Standard,
        }),
        step(O, |_| Merge {
            candidate: OWL.into(),
            confirm: OWL.into(),
            owner_role: OrgRole::Standard,
        }),
        step(O, |_| Merge {
            candidate: FINCH.into(),
            confirm: FINCH.into(),
            owner_role: OrgRole::Administrator,
        }),
        // Merging by invitation (MRG-5): declined, declined again, then accepted.
        step(O, |_| Invite {
            email: FELIX.into(),
            role: OrgRole::Owner,
            accounts: vec![],
        }),
        step(O, |_| Invite {
            email: FELIX.into(),
            role: OrgRole::Administrator,
            accounts: vec![],
        }),
        step(Who::User(FELIX), |_| DeclineInvite {
            email: FELIX.into(),
        }),
        step(Who::User(FELIX), |_| DeclineInvite {
            email: FELIX.into(),
        }),
        step(O, |_| Invite {
            email: FELIX.into(),
            role: OrgRole::Standard,
            accounts: vec![],
        }),
        step(Who::User(FELIX), |_| AcceptInvite {
            email: FELIX.into(),
        }),
        step(Who::In(HERON, HANA), |_| Set(Setting::SsoEntitlement(true))),
        step(O, |_| TransferOrg { user: KAI.into() }),
        step(O, |_| TransferOrg { user: DAN.into() }),
        step(O, |_| TransferOrg { user: ADAM.into() }),
        // time: invitations, reset links, domains, closed subaccounts
        step(Who::User(ADAM), |_| UnpublishDns {
            domain: "owl-labs.example".into(),
        }),
        step(Who::User(ADAM), |_| AdvanceClock { seconds: -60 }),
        step(Who::User(ADAM), |_| AdvanceClock { seconds: days(1) }),
        step(Who::User(ADAM), |_| AdvanceClock { seconds: days(8) }),
        step(Who::User(ADAM), |w| ResendAccount {
            sid: by_name(w, "Owl Labs Prototype"),
        }),
        step(Who::User(ADAM), |w| ResendAccount {
            sid: by_name(w, "Owl Production"),
        }),
        step(Who::User(ADAM), |_| UnpublishDns {
            domain: "owl-industries.example".into(),
        }),
        step(Who::User(ADAM), |_| AdvanceClock { seconds: days(31) }),
        step(Who::User(ADAM), |_| AdvanceClock { seconds: days(31) }),
    ]
}

const NEW2: &str = "text.invitee@owl-industries.example";
const NEW3: &str = "text.third@owl-industries.example";

/// Every text the model produced in the run: outcome messages and import-report reasons,
/// refusal messages and hints, not-found and invalid texts, and every audit entry's detail.
fn texts_of_a_broad_run() -> (Vec<String>, World) {
    let mut w = demo();
    let mut texts = Vec::new();
    let mut seen = [false; VARIANTS];
    let record = |texts: &mut Vec<String>, what: &str, r: Result<Outcome, ActionError>| match r {
        Ok(o) => {
            texts.push(format!("{what} ok: {}", o.message));
            for (email, reason) in o.report {
                if let Some(reason) = reason {
                    texts.push(format!("{what} report: {email}: {reason}"));
                }
            }
        }
        Err(ActionError::Refused(r)) => {
            texts.push(format!("{what} refused [{}]: {}", r.rule, r.message));
            texts.push(format!("{what} hint [{}]: {}", r.rule, r.hint));
        }
        Err(e) => texts.push(format!("{what} failed: {e}")),
    };
    for s in script() {
        let action = (s.action)(&w);
        seen[variant(&action)] = true;
        let what = action.name();
        // The same action by a Standard member, an outsider and the SCIM token, on a copy:
        // the refusals of who may act.
        for probe in [Who::User(SARA), Who::User(KAI), Who::Scim] {
            if w.user_by_email(SARA).is_none() && matches!(probe, Who::User(SARA)) {
                continue;
            }
            let mut copy = w.clone();
            let ctx = probe.ctx(&copy);
            record(&mut texts, what, copy.apply(&ctx, &action));
        }
        let ctx = s.who.ctx(&w);
        record(&mut texts, what, w.apply(&ctx, &action));
        // ... and once more: the refusals of what is already done.
        let mut copy = w.clone();
        record(&mut texts, what, copy.apply(&ctx, &action));
        assert!(
            w.check_invariants().is_ok(),
            "{what} broke an invariant: {:?}",
            w.check_invariants()
        );
    }
    // undo and redo of a change, and an undo refused (a clock advance)
    let ctx = Who::User(ADAM).ctx(&w);
    let before = w.clone();
    let create = Action::CreateAccount {
        name: "Undone".into(),
        flex: false,
        owner: None,
    };
    record(&mut texts, "create", w.apply(&ctx, &create));
    let after = w.clone();
    record(&mut texts, "undo", w.undo(&ctx, &before));
    record(&mut texts, "redo", w.redo(&ctx, &after, before.audit.len()));
    let before = w.clone();
    let _ = w.apply(&ctx, &Action::AdvanceClock { seconds: 60 });
    record(&mut texts, "undo", w.undo(&ctx, &before));
    let missing: Vec<usize> = (0..VARIANTS).filter(|i| !seen[*i]).collect();
    assert!(missing.is_empty(), "the script misses actions {missing:?}");
    for e in &w.audit {
        texts.push(format!("audit {}: {}", e.action, e.detail));
    }
    (texts, w)
}

/// Words ending in `d` that are not regular `-ed` forms, as messages use them. A word missing
/// here is flagged: add it only if it is English.
const D_WORDS: &[&str] = &[
    "add",
    "and",
    "around",
    "behind",
    "bound",
    "build",
    "card",
    "could",
    "end",
    "field",
    "find",
    "found",
    "good",
    "had",
    "held",
    "hold",
    "id",
    "instead",
    "kind",
    "need",
    "old",
    "password",
    "period",
    "read",
    "record",
    "round",
    "said",
    "second",
    "send",
    "should",
    "standard",
    "third",
    "told",
    "valid",
    "invalid",
    "world",
    "would",
    "background",
    "did",
    "paid",
    "thousand",
    "beyond",
    "ahead",
    "method",
    "void",
    "avoid",
    "cloud",
    "hand",
    "stand",
    "understand",
    "word",
    "board",
    "guard",
    "forward",
    "backward",
    "toward",
    "mind",
    "bad",
    "download",
    "upload",
    "resend",
    "spend",
    "extend",
    "append",
    "depend",
    "recommend",
    "command",
    "demand",
    "expand",
    "friend",
    "suspend",
    "hundred",
    "afterward",
    "head",
    "thread",
    "lead",
    "spread",
    "dead",
];

/// Words ending in `eed` that are English (the rest is a verb ending in `e` glued to `-ed`).
const EED_WORDS: &[&str] = &[
    "need",
    "agreed",
    "exceed",
    "proceed",
    "succeed",
    "indeed",
    "feed",
    "freed",
    "guaranteed",
    "speed",
];

/// What reads wrong in a text: mangled past tenses (`suspendd`, `resumd`, `closeed`), verbs of
/// the verb table in any form but theirs, `a`/`an` before the wrong sound, doubled words,
/// `(s)` plurals and stray spaces. `names` are proper names of the world (accounts, people).
fn english_problems(text: &str, names: &std::collections::BTreeSet<String>) -> Vec<String> {
    let mut problems = Vec::new();
    if text.contains("  ") {
        problems.push("a double space".to_string());
    }
    for bad in [" ,", " .", " ;", " :", "(s)"] {
        if text.contains(bad) {
            problems.push(format!("'{bad}'"));
        }
    }
    // words: whitespace-separated, outer punctuation stripped; addresses, domains, SIDs,
    // times and identifiers (anything with a digit, @, dot, slash, underscore, = or a quote
    // inside) are not words.
    let words: Vec<&str> = text
        .split_whitespace()
        .map(|t| t.trim_matches(|c: char| !c.is_alphanumeric()))
        .collect();
    let is_word = |t: &str| {
        !t.is_empty()
            && t.chars()
                .all(|c| c.is_alphabetic() || c == '-' || c == '\'')
            && !t.contains("--")
    };
    let mut prev: Option<&str> = None;
    for (i, raw) in words.iter().enumerate() {
        let raw = *raw;
        if !is_word(raw) {
            prev = None;
            continue;
        }
        if let Some(p) = prev
            && p.eq_ignore_ascii_case(raw)
            && !names.contains(raw)
        {
            problems.push(format!("'{raw}' twice"));
        }
        prev = Some(raw);
        // articles
        let next = words.get(i + 1).copied().filter(|n| is_word(n));
        if let Some(n) = next {
            let first = n.chars().next().unwrap_or(' ');
            let acronym = n.len() > 1 && n.chars().all(|c| c.is_ascii_uppercase());
            let vowel = "aeioAEIO".contains(first);
            if raw == "a" && vowel && !acronym && !["one", "once"].contains(&n) {
                problems.push(format!("'a {n}'"));
            }
            if raw == "an" && !vowel && !acronym && !"uUhH".contains(first) {
                problems.push(format!("'an {n}'"));
            }
        }
        for part in raw.split(['-', '\'']) {
            if part.chars().skip(1).any(|c| c.is_uppercase()) || names.contains(part) {
                continue; // an acronym (SSO), an identifier (externalId) or a name (Fred)
            }
            let w = part.to_lowercase();
            if w.len() < 3 || !w.ends_with('d') {
                continue;
            }
            // every form of a verb of the table is that verb's own
            for v in Verb::ALL {
                let stem = v.base().trim_end_matches('e');
                if w.starts_with(stem)
                    && w.len() <= v.base().len() + 2
                    && ![v.base(), v.past(), v.participle()].contains(&w.as_str())
                {
                    problems.push(format!("'{w}' is not a form of '{}'", v.base()));
                }
            }
            let table_form = Verb::ALL
                .iter()
                .any(|v| [v.past(), v.participle()].contains(&w.as_str()));
            if !w.ends_with("ed") && !table_form && !D_WORDS.contains(&w.as_str()) {
                problems.push(format!("'{w}' ends in d without -ed"));
            }
            if w.ends_with("eed") && !EED_WORDS.contains(&w.as_str()) {
                problems.push(format!("'{w}' glues -ed to an e"));
            }
        }
    }
    problems
}

fn names_of(w: &World) -> std::collections::BTreeSet<String> {
    let mut names = std::collections::BTreeSet::new();
    let mut add = |s: &str| {
        for part in s.split(|c: char| !c.is_alphanumeric()) {
            names.insert(part.to_string());
        }
    };
    for a in w.accounts.values() {
        add(&a.name);
    }
    for u in w.users.values() {
        add(&u.name);
    }
    for o in w.orgs.values() {
        add(&o.name);
    }
    names
}

/// The check itself catches every form defect 8 listed, and leaves good English alone.
#[test]
fn aud_1_the_english_check_catches_mangled_verbs() {
    let names = names_of(&demo());
    for bad in [
        "suspendd AC123 'Owl Staging'",
        "Owl Staging is suspended and cannot be resumd",
        "closd AC123 'Owl Staging'",
        "deactivatd dan.departed@owl-industries.example",
        "reactivatd dan.departed@owl-industries.example",
        "Owl Staging is closed and cannot be closeed",
        "cancelld the invitation",
        "Owl Staging is a independent account",
        "deleted 1 user(s)",
        "removed the the user",
    ] {
        assert!(
            !english_problems(bad, &names).is_empty(),
            "the check misses: {bad}"
        );
    }
    for good in [
        "suspended AC123 'Owl Staging' with 2 subaccounts",
        "Owl Staging is suspended and cannot be suspended",
        "undid #12 user.invite: invited x@y.example as Standard",
        "an invitation for fred.finch@finch-analytics.example is already pending; Fred Finch needs an SSO profile",
        "the Org Owner cannot be deactivated, removed or deleted; a user belongs to one organization",
    ] {
        assert_eq!(
            english_problems(good, &names),
            Vec::<String>::new(),
            "flagged good English: {good}"
        );
    }
}

/// Defect 8: every message, refusal, hint and audit entry a broad run over the demo world
/// produces reads as plain English: no past tense made by cutting letters off a verb.
#[test]
fn aud_1_every_message_and_audit_entry_is_plain_english() {
    let (texts, w) = texts_of_a_broad_run();
    if let Some(path) = std::env::var_os("TWORG_DUMP_TEXTS") {
        std::fs::write(path, texts.join("\n")).unwrap();
    }
    let mut names = names_of(&w);
    names.extend(names_of(&demo()));
    let mut bad = Vec::new();
    for t in &texts {
        for p in english_problems(t, &names) {
            bad.push(format!("{p} in: {t}"));
        }
    }
    bad.sort();
    bad.dedup();
    assert!(
        bad.is_empty(),
        "{} problems:\n{}",
        bad.len(),
        bad.join("\n")
    );
    assert!(texts.len() > 500, "only {} texts", texts.len());
}

/// Defect 8 regression: the status verbs in their messages and audit entries.
#[test]
fn aud_1_status_changes_say_their_verbs_in_full() {
    let mut w = demo();
    let owner = ctx_as(&w, OLIVIA);
    let staging = acc(&w, "Owl Staging");
    let out = apply_ok(
        &mut w,
        &owner,
        Action::SuspendAccount {
            sid: staging.clone(),
        },
    );
    assert!(out.message.starts_with("suspended "), "{}", out.message);
    let r = refused_with(
        &mut w,
        &owner,
        Action::SuspendAccount {
            sid: staging.clone(),
        },
        "ACC-8",
    );
    assert!(r.message.ends_with("cannot be suspended"), "{}", r.message);
    let out = apply_ok(
        &mut w,
        &owner,
        Action::ResumeAccount {
            sid: staging.clone(),
        },
    );
    assert!(out.message.starts_with("resumed "), "{}", out.message);
    let r = refused_with(
        &mut w,
        &owner,
        Action::ResumeAccount {
            sid: staging.clone(),
        },
        "ACC-8",
    );
    assert!(r.message.ends_with("cannot be resumed"), "{}", r.message);
    let out = apply_ok(
        &mut w,
        &owner,
        Action::CloseAccount {
            sid: staging,
            confirm_name: "Owl Staging".into(),
        },
    );
    assert!(out.message.starts_with("closed "), "{}", out.message);
    let out = apply_ok(&mut w, &owner, Action::Reactivate { user: DAN.into() });
    assert_eq!(out.message, format!("reactivated {DAN}"));
    let out = apply_ok(
        &mut w,
        &owner,
        Action::Deactivate {
            user: DAN.into(),
            confirm_lockout: false,
        },
    );
    assert_eq!(out.message, format!("deactivated {DAN}"));
    let details: Vec<&str> = w.audit.iter().map(|e| e.detail.as_str()).collect();
    assert!(details.iter().any(|d| d.starts_with("suspended ")));
    assert!(details.iter().any(|d| d.starts_with("resumed ")));
    assert!(details.iter().any(|d| d.starts_with("closed ")));
    // the demo world's own history too
    let demo_ron = tworg::persist::DEMO_RON;
    for bad in ["suspendd", "resumd", "closd", "deactivatd", "reactivatd"] {
        assert!(!demo_ron.contains(bad), "assets/demo.ron says {bad}");
    }
}

// ---------------------------------------------------------------------------------------------
// DOM-3 rev 2: the big providers' country and brand variants
// ---------------------------------------------------------------------------------------------

/// DOM-3 rev 2: country and brand variants of the big providers, and subdomains of them, can
/// be neither added nor invited from; a company domain that only looks alike is allowed.
#[test]
fn rule_dom_3_country_and_brand_variants_and_their_subdomains_are_refused() {
    let mut w = demo();
    let owner = ctx_as(&w, OLIVIA);
    for d in [
        "outlook.de",
        "hotmail.fr",
        "yahoo.co.uk",
        "live.co.uk",
        "ymail.com",
        "gmx.de",
        "web.de",
        "mail.ru",
        "yandex.ru",
        "qq.com",
        "163.com",
        "naver.com",
        "comcast.net",
        "Outlook.COM.br",
        "https://mail.hotmail.co.uk/",
        "eu.mx.googlemail.com",
        "staff.t-online.de",
    ] {
        let r = refused_with(
            &mut w,
            &owner,
            Action::AddDomain { name: d.into() },
            "DOM-3",
        );
        assert!(
            r.message.contains("common public email domain"),
            "{d}: {r:?}"
        );
        let email = format!(
            "someone@{}",
            d.trim_start_matches("https://").trim_end_matches('/')
        );
        refused_with(
            &mut w,
            &owner,
            Action::Invite {
                email,
                role: OrgRole::Standard,
                accounts: vec![],
            },
            "USR-1",
        );
    }
    // look-alikes are other people's domains, and may be added
    for d in [
        "myhotmail.fr",
        "outlook.de.owl-industries.example",
        "gmx-de.example",
    ] {
        apply_ok(&mut w, &owner, Action::AddDomain { name: d.into() });
    }
}

// ---------------------------------------------------------------------------------------------
// AUD-1 rev 2: undo and redo are changes of their own (defect 9)
// ---------------------------------------------------------------------------------------------

fn entry_names(w: &World) -> Vec<String> {
    w.audit.iter().map(|e| e.action.clone()).collect()
}

/// AUD-1 rev 2: undo goes back to the state before a change and logs `undo` naming the entry it
/// reverts; redo makes the change again and logs `redo`; no entry is removed or rewritten.
#[test]
fn rule_aud_1_undo_and_redo_are_logged_and_remove_nothing() {
    let mut w = demo();
    let owner = ctx_as(&w, OLIVIA);
    let before = w.clone();
    let out = apply_ok(
        &mut w,
        &owner,
        Action::CreateAccount {
            name: "Undo Me".into(),
            flex: false,
            owner: None,
        },
    );
    let sid = created(&out, SidKind::Account);
    let change = before.audit.len();
    let after = w.clone();

    let out = w.undo(&owner, &before).expect("undo");
    assert!(!w.accounts.contains_key(&sid), "the account is gone again");
    assert_eq!(w.audit.len(), after.audit.len() + 1);
    assert_eq!(
        w.audit[..after.audit.len()],
        after.audit[..],
        "nothing rewritten"
    );
    let undo = w.audit.last().unwrap();
    assert_eq!(undo.action, "undo");
    assert_eq!(undo.actor, OLIVIA);
    assert_eq!(
        undo.detail,
        format!(
            "undid #{} account.create: {}",
            change + 1,
            after.audit[change].detail
        )
    );
    assert_eq!(out.message, undo.detail);
    assert!(w.check_invariants().is_ok());
    // the state is the one before, apart from the log
    assert_eq!(w.accounts, before.accounts);
    assert_eq!(w.users, before.users);
    assert_eq!(w.orgs, before.orgs);

    let undone = w.clone();
    w.redo(&owner, &after, change).expect("redo");
    assert!(w.accounts.contains_key(&sid), "the same account is back");
    assert_eq!(w.audit[..undone.audit.len()], undone.audit[..]);
    let redo = w.audit.last().unwrap();
    assert_eq!(redo.action, "redo");
    assert!(
        redo.detail
            .starts_with(&format!("redid #{} account.create: ", change + 1))
    );

    // a new SID is never one an undone change handed out
    w.undo(&owner, &undone).expect("undo the redo");
    let out = apply_ok(
        &mut w,
        &owner,
        Action::CreateAccount {
            name: "Another".into(),
            flex: false,
            owner: None,
        },
    );
    assert_ne!(created(&out, SidKind::Account), sid);
    let names = entry_names(&w);
    assert_eq!(
        names[names.len() - 5..],
        ["account.create", "undo", "redo", "undo", "account.create"].map(String::from)[..]
    );
}

/// AUD-1 rev 2: time only moves forward, so a clock advance cannot be undone; the refusal
/// changes nothing. A snapshot from another world is no undo at all.
#[test]
fn rule_aud_1_a_clock_advance_cannot_be_undone() {
    let mut w = demo();
    let owner = ctx_as(&w, OLIVIA);
    let before = w.clone();
    apply_ok(&mut w, &owner, Action::AdvanceClock { seconds: days(1) });
    let advanced = w.clone();
    let err = w.undo(&owner, &before).expect_err("refused");
    assert_eq!(err.rule(), Some("AUD-1"), "{err}");
    assert_eq!(w, advanced, "a refused undo changed the world");

    let mut other = demo();
    apply_ok(
        &mut other,
        &owner,
        Action::RenameOrg {
            name: "Other".into(),
        },
    );
    let err = w
        .undo(&owner, &other)
        .expect_err("not this world's history");
    assert_eq!(err.rule(), None);
    assert_eq!(w, advanced);
}

/// Defect 9 regression: in the console, undo no longer swaps the old world in with its old log:
/// the log keeps the change and says it was undone, and redo is logged too.
#[test]
fn aud_1_console_undo_keeps_the_audit_log() {
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;
    use tworg::console::app::App;
    use tworg::console::{drive, keys};

    let mut app = App::demo();
    let mut term = Terminal::new(TestBackend::new(100, 30)).unwrap();
    let log_len = |app: &App| app.lock().world.audit.len();
    let start = log_len(&app);
    drive(
        &mut app,
        &mut term,
        &keys::parse_keys("n \"Undo Me\" enter").unwrap(),
    );
    let has = |app: &App| {
        app.lock()
            .world
            .accounts
            .values()
            .any(|a| a.name == "Undo Me")
    };
    assert!(has(&app));
    assert_eq!(log_len(&app), start + 1);
    let log = app.lock().world.audit.clone();
    drive(&mut app, &mut term, &keys::parse_keys("u").unwrap());
    assert!(!has(&app));
    assert_eq!(log_len(&app), start + 2, "undo is logged, nothing removed");
    assert_eq!(app.lock().world.audit[..log.len()], log[..]);
    assert_eq!(app.lock().world.audit.last().unwrap().action, "undo");
    drive(&mut app, &mut term, &keys::parse_keys("ctrl-r").unwrap());
    assert!(has(&app));
    assert_eq!(log_len(&app), start + 3);
    assert_eq!(app.lock().world.audit.last().unwrap().action, "redo");
}

/// AUD-1 rev 2 as a property: random changes mixed with undo and redo, kept as the console
/// keeps them. After every step the log is the old log plus new entries, and every invariant
/// holds.
mod audit_only_grows {
    use super::*;
    use proptest::prelude::*;

    fn change(w: &World, n: u8, k: usize) -> (Ctx, Action) {
        let owner = ctx_as(w, OLIVIA);
        let staging = acc(w, "Owl Staging");
        let emails = [SARA, DAN, SAM, ADAM];
        let a = match n % 8 {
            0 => Action::CreateAccount {
                name: format!("Prop {k}"),
                flex: k.is_multiple_of(2),
                owner: None,
            },
            1 => Action::Deactivate {
                user: emails[k % 4].into(),
                confirm_lockout: false,
            },
            2 => Action::Reactivate {
                user: emails[k % 4].into(),
            },
            3 => Action::SuspendAccount { sid: staging },
            4 => Action::ResumeAccount { sid: staging },
            5 => Action::Invite {
                email: format!("prop{}@owl-industries.example", k % 5),
                role: OrgRole::Standard,
                accounts: vec![],
            },
            6 => Action::AdvanceClock { seconds: 3600 },
            _ => Action::AddDomain {
                name: format!("prop{}.example", k % 3),
            },
        };
        (owner, a)
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            cases: 48,
            failure_persistence: None,
            rng_seed: proptest::test_runner::RngSeed::Fixed(0x756e_646f),
            ..ProptestConfig::default()
        })]

        #[test]
        fn the_audit_log_only_grows_undo_and_redo_included(
            steps in prop::collection::vec((0u8..12, any::<usize>()), 1..40)
        ) {
            let mut w = demo();
            let mut undo: Vec<World> = Vec::new();
            let mut redo: Vec<(World, usize)> = Vec::new();
            for (n, k) in steps {
                let old = w.clone();
                let owner = ctx_as(&w, OLIVIA);
                match n {
                    0..=7 => {
                        let (ctx, a) = change(&w, n, k);
                        if w.apply(&ctx, &a).is_ok() {
                            undo.push(old.clone());
                            redo.clear();
                        }
                    }
                    8 | 9 => {
                        if let Some(before) = undo.pop() {
                            let current = w.clone();
                            if w.undo(&owner, &before).is_ok() {
                                redo.push((current, before.audit.len()));
                            } else {
                                prop_assert!(w == old, "a refused undo changed the world");
                            }
                        }
                    }
                    _ => {
                        if let Some((after, change)) = redo.pop() {
                            let current = w.clone();
                            if w.redo(&owner, &after, change).is_ok() {
                                undo.push(current);
                            } else {
                                prop_assert!(w == old, "a refused redo changed the world");
                            }
                        }
                    }
                }
                prop_assert!(w.audit.len() >= old.audit.len(), "the log shrank");
                prop_assert!(w.audit[..old.audit.len()] == old.audit[..], "an entry was rewritten");
                prop_assert!(w.clock >= old.clock, "the clock went back");
                if let Err(v) = w.check_invariants() {
                    prop_assert!(false, "invariant broken: {}", v.message);
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// SCIM-2 rev 2: one canonical form for every email and userName
// ---------------------------------------------------------------------------------------------

const D: &str = "owl-industries.example";

/// Pairs of spellings that must be one name (or the second refused): NFC and NFD, case, `ß`
/// and `SS`, signs with canonical decompositions, final sigma, surrounding whitespace, and
/// the ones that cannot be one name at all (fullwidth, ligatures, invisible characters).
fn spelling_pairs() -> Vec<(String, String)> {
    let p = |a: &str, b: &str| (format!("{a}@{D}"), format!("{b}@{D}"));
    vec![
        p("\u{c4}nna", "\u{e4}nna"),                     // Änna / änna
        p("\u{e4}nna.nfc", "a\u{308}nna.nfc"),           // NFC / NFD
        p("A\u{308}NNA.UP", "\u{e4}nna.up"),             // NFD upper / NFC lower
        p("stra\u{df}e", "STRASSE"),                     // ß / SS
        p("gross", "gro\u{df}"),                         // ss / ß
        p("\u{212a}elvin", "kelvin"),                    // Kelvin sign / k
        p("\u{212b}ngstr\u{f6}m", "\u{e5}ngstr\u{f6}m"), // Angstrom sign / å
        p(
            "\u{3a3}\u{39f}\u{3a6}\u{399}\u{391}\u{3a3}",
            "\u{3c3}\u{3bf}\u{3c6}\u{3b9}\u{3b1}\u{3c2}",
        ), // ΣΟΦΙΑΣ / σοφιας
        p("ANNA.CASE", "anna.case"),
        (format!("anna.trail@{D}"), format!("anna.trail@{D}  ")),
        (format!("anna.lead@{D}"), format!("\t anna.lead@{D}")),
        p("anna.full", "\u{ff41}nna.full"),  // fullwidth a
        p("fi.liga", "\u{fb01}.liga"),       // the ligature fi
        p("anna.zw", "an\u{200b}na.zw"),     // zero-width space
        p("anna.zwj", "anna\u{200d}.zwj"),   // zero-width joiner
        p("anna.bidi", "\u{202e}anna.bidi"), // right-to-left override
        p("anna.shy", "an\u{ad}na.shy"),     // soft hyphen
        p("micro", "\u{b5}icro"),            // micro sign
    ]
}

fn scim_data(email: &str) -> ScimUserData {
    ScimUserData {
        user_name: email.into(),
        emails: vec![ScimEmail {
            value: email.into(),
            kind: Some("work".into()),
            primary: true,
        }],
        ..ScimUserData::default()
    }
}

fn scim_on(w: &mut World) -> Ctx {
    let owner = ctx_as(w, OLIVIA);
    apply_ok(
        w,
        &owner,
        Action::ScimEnable {
            token: "t".repeat(40),
        },
    );
    Who::Scim.ctx(w)
}

/// SCIM-2 rev 2: SCIM creates no duplicates: of every pair of spellings, the second is the same
/// name as the first (refused as not unique) or could not be a name at all (refused).
#[test]
fn rule_scim_2_two_spellings_of_one_name_never_make_two_users() {
    let mut w = demo();
    let scim = scim_on(&mut w);
    for (a, b) in spelling_pairs() {
        let out = apply_ok(
            &mut w,
            &scim,
            Action::ScimCreateUser {
                user: scim_data(&a),
            },
        );
        let sid = created(&out, SidKind::User);
        let r = refused_with(
            &mut w,
            &scim,
            Action::ScimCreateUser {
                user: scim_data(&b),
            },
            "SCIM-2",
        );
        let second_ok = tworg::model::names::name_problem(&b).is_none();
        if second_ok {
            assert!(
                tworg::model::scim::is_uniqueness(&r),
                "{a:?} / {b:?}: refused, but not as the same name: {r:?}"
            );
            // and both spellings find the one user
            assert_eq!(w.user_by_email(&b).map(|u| &u.sid), Some(&sid), "{b:?}");
            assert_eq!(
                w.find_user(&b).map(|u| u.sid.clone()).ok(),
                Some(sid.clone())
            );
        } else {
            assert!(r.message.contains("U+"), "{a:?} / {b:?}: {r:?}");
        }
    }
    // userName uniqueness with the rules off: a userName of its own is unique in canonical form
    let owner = ctx_as(&w, OLIVIA);
    apply_ok(&mut w, &owner, Action::Set(Setting::ScimTwilioRules(false)));
    let named = |user_name: &str, email: &str| ScimUserData {
        user_name: user_name.into(),
        ..scim_data(email)
    };
    apply_ok(
        &mut w,
        &scim,
        Action::ScimCreateUser {
            user: named("J\u{d6}RG", "jorg1@anywhere.example"),
        },
    );
    let r = refused_with(
        &mut w,
        &scim,
        Action::ScimCreateUser {
            user: named("jo\u{308}rg", "jorg2@anywhere.example"),
        },
        "SCIM-2",
    );
    assert!(tworg::model::scim::is_uniqueness(&r), "{r:?}");
    // externalId: unique (case-exact, but one Unicode form), and never with invisible characters
    apply_ok(
        &mut w,
        &scim,
        Action::ScimCreateUser {
            user: ScimUserData {
                external_id: Some("\u{e9}-1".into()),
                ..named("ext1", "ext1@anywhere.example")
            },
        },
    );
    let r = refused_with(
        &mut w,
        &scim,
        Action::ScimCreateUser {
            user: ScimUserData {
                external_id: Some("e\u{301}-1".into()),
                ..named("ext2", "ext2@anywhere.example")
            },
        },
        "SCIM-2",
    );
    assert!(tworg::model::scim::is_uniqueness(&r), "{r:?}");
    apply_ok(
        &mut w,
        &scim,
        Action::ScimCreateUser {
            user: ScimUserData {
                external_id: Some("E\u{301}-1".into()),
                ..named("ext3", "ext3@anywhere.example")
            },
        },
    );
    refused_with(
        &mut w,
        &scim,
        Action::ScimCreateUser {
            user: ScimUserData {
                external_id: Some("x\u{200b}1".into()),
                ..named("ext4", "ext4@anywhere.example")
            },
        },
        "SCIM-2",
    );
}

/// SCIM-2 rev 2 in every face of the model: invitations, sign-up, adding a user, bulk import
/// and lookups treat two spellings of one name as that one name; invisible and compatibility
/// characters are refused by the action's own rule, with the address cleaned as the fix.
#[test]
fn rule_scim_2_invitations_sign_up_and_import_know_one_name() {
    let mut w = demo();
    let owner = ctx_as(&w, OLIVIA);
    // lookups
    for spelling in [
        SAM.to_uppercase(),
        format!("  {SAM} "),
        "Sam.Standard@Owl-Industries.Example".into(),
    ] {
        assert_eq!(user_sid(&w, &spelling), user_sid(&w, SAM), "{spelling:?}");
    }
    // invitations: one pending invitation per name; accepting under another spelling works
    let invite = |email: &str| Action::Invite {
        email: email.into(),
        role: OrgRole::Standard,
        accounts: vec![],
    };
    apply_ok(&mut w, &owner, invite(&format!("\u{c4}nna@{D}")));
    refused_with(&mut w, &owner, invite(&format!("a\u{308}nna@{D}")), "USR-3");
    refused_with(&mut w, &owner, invite(&format!("\u{c4}NNA@{D} ")), "USR-3");
    refused_with(&mut w, &owner, invite(&SAM.to_uppercase()), "USR-2");
    let out = apply_ok(
        &mut w,
        &owner,
        Action::AcceptInvite {
            email: format!("A\u{308}NNA@{D}"),
        },
    );
    let anna = created(&out, SidKind::User);
    assert_eq!(
        w.users[&anna].email,
        format!("\u{e4}nna@{D}"),
        "stored trimmed, NFC, lowercase"
    );
    // invisible and compatibility characters: refused by USR-1, the cleaned address as the fix
    for bad in [
        format!("ne\u{200b}w@{D}"),
        format!("\u{ff4e}ew@{D}"),
        format!("new\u{7}@{D}"),
    ] {
        let r = refused_with(&mut w, &owner, invite(&bad), "USR-1");
        assert!(r.message.contains("U+"), "{r:?}");
        if let Some(fix) = r.fixes.first() {
            let Action::Invite { email, .. } = &fix.action else {
                panic!("{fix:?}")
            };
            assert_eq!(email, &format!("new@{D}"));
            apply_ok(&mut w, &owner, fix.action.clone());
            apply_ok(
                &mut w,
                &owner,
                Action::CancelInvite {
                    email: format!("NEW@{D}"),
                },
            );
        }
    }
    // sign-up and adding a Twilio user: an existing name under another spelling is that user
    apply_ok(
        &mut w,
        &owner,
        Action::AddWorldUser {
            email: "stra\u{df}e@elsewhere.example".into(),
            name: None,
        },
    );
    let err = w
        .apply(
            &owner,
            &Action::Signup {
                email: "STRASSE@ELSEWHERE.example".into(),
                name: None,
            },
        )
        .expect_err("the same user");
    assert!(err.to_string().contains("already exists"), "{err}");
    let err = w
        .apply(
            &owner,
            &Action::AddWorldUser {
                email: "strasse@elsewhere.example".into(),
                name: None,
            },
        )
        .expect_err("the same user");
    assert!(err.to_string().contains("already exists"), "{err}");
    let r = refused_with(
        &mut w,
        &owner,
        Action::Signup {
            email: "\u{200f}x@elsewhere.example".into(),
            name: None,
        },
        "SIGN-1",
    );
    assert!(r.message.contains("U+200F"), "{r:?}");
    // bulk import: another spelling of an existing user imports that user, once
    apply_ok(&mut w, &owner, Action::Set(Setting::BulkImport(true)));
    let out = apply_ok(
        &mut w,
        &owner,
        Action::ImportUsers {
            csv: format!(
                "email,first_name,last_name\n{},Nora,N\n{NORA},Nora,N\nno\u{200b}ra@{D},Nora,N\n",
                NORA.to_uppercase()
            ),
        },
    );
    assert_eq!(
        out.report
            .iter()
            .map(|(_, r)| r.is_none())
            .collect::<Vec<_>>(),
        [true, false, false]
    );
    assert!(out.report[1].1.as_deref().unwrap().contains("twice"));
    assert!(out.report[2].1.as_deref().unwrap().contains("U+200B"));
    assert!(
        w.membership_in(&user_sid(&w, NORA), &org_sid(&w, OWL))
            .is_some()
    );
}

/// SCIM-2 rev 2, files: a file whose users' emails are in another Unicode form or case loads
/// and finds them; a file with two users whose emails fold alike is refused by the invariant
/// check, naming both.
#[test]
fn rule_scim_2_old_files_load_and_duplicates_are_an_invariant_violation() {
    let text = tworg::persist::to_ron(&demo());
    let nfd = text.replace(SAM, "SA\u{308}M.Standard@owl-industries.example");
    let w = tworg::persist::from_ron(&nfd, "nfd.ron").expect("loads");
    assert_eq!(
        w.user_by_email("s\u{e4}m.standard@owl-industries.example")
            .map(|u| u.name.as_str()),
        Some("Sam Standard")
    );
    let clash = text.replace(DAN, "Sam.Standard@owl-industries.example");
    let err = tworg::persist::from_ron(&clash, "clash.ron").expect_err("two users, one name");
    let msg = err.to_string();
    assert!(
        msg.contains("sam.standard@owl-industries.example") && msg.contains("SCIM-2"),
        "{msg}"
    );
}

/// SCIM-2 rev 2 over HTTP: the IdP's lookup `userName eq "…"` finds a user under any spelling
/// of its name, and a POST of another spelling is a 409.
#[test]
fn rule_scim_2_the_scim_filter_matches_in_canonical_form() {
    let f = scim_server::start(OWL, true);
    let r = f.req(
        "POST",
        "/Users",
        Some(&scim_server::user_body(&format!("stra\u{df}e@{D}"))),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    let id = r.json()["id"].as_str().unwrap().to_string();
    for spelling in [
        format!("STRASSE@{D}"),
        format!("Stra\u{df}e@{D}"),
        format!("strasse@{}", D.to_uppercase()),
    ] {
        let q = scim_server::enc(&format!("userName eq \"{spelling}\""));
        let r = f.req("GET", &format!("/Users?filter={q}"), None);
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(r.json()["totalResults"], 1, "{spelling}: {}", r.body);
        assert_eq!(r.json()["Resources"][0]["id"], id.as_str());
    }
    let r = f.req(
        "POST",
        "/Users",
        Some(&scim_server::user_body(&format!("STRASSE@{D}"))),
    );
    assert_eq!(r.status, 409, "{}", r.body);
    let r = f.req(
        "POST",
        "/Users",
        Some(&scim_server::user_body(&format!("an\u{200b}na@{D}"))),
    );
    assert_eq!(r.status, 400, "{}", r.body);
}

/// SCIM-2 rev 2, scale: finding users by email goes through an index, not a scan: 20,000
/// lookups (hits and misses) in a world of 100,000 users take a fraction of a second.
#[test]
fn scim_2_lookups_by_email_stay_fast_in_a_large_world() {
    use tworg::model::generate::{GenerateSpec, generate_world};
    let w = generate_world(GenerateSpec {
        users: 100_000,
        accounts: 10,
        orgs: 2,
        seed: 3,
    });
    let emails: Vec<String> = w
        .users
        .values()
        .step_by(10)
        .map(|u| u.email.to_uppercase())
        .collect();
    assert!(w.user_by_email(&emails[0]).is_some()); // builds the index once
    let start = std::time::Instant::now();
    for e in &emails {
        assert!(w.user_by_email(e).is_some());
        assert!(w.user_by_email(&format!("x{e}")).is_none());
    }
    let took = start.elapsed();
    assert!(
        took < std::time::Duration::from_secs(3),
        "{} lookups took {took:?}",
        emails.len() * 2
    );
}
