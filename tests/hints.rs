//! Every refusal's fix can be followed (RULES.md: "a refusal ... says in plain words what would make
//! the action allowed"; issue 8's hint test). For each rule that can refuse, a case provokes the
//! refusal on the demo world, applies the refusal's `fixes` one by one (each must itself be
//! allowed), and then tries the original action again: it must now apply, or be refused by a
//! different, named rule. A fix of the same kind as the refused action (the same action done by
//! someone who may, or with the input corrected) replaces it instead.
//!
//! Cases whose fix is a choice only a person can make (a typo in a SID, a name that is too long,
//! which member should own an account) or that nothing in tworg can change carry no fixes; they
//! are listed in `NO_FIX` with why, and their hint must still say what to do.

mod fixture;

use fixture::*;
use std::mem::discriminant;
use tworg::model::action::Setting;
use tworg::model::demo::DEMO_IDP_CERT;
use tworg::model::scim::ScimUserData;
use tworg::model::*;

type Setup = fn(&mut World);
type MakeAction = fn(&World) -> Action;

/// A refusal to provoke: `actor` (an email) does `action` in `org` after `setup`.
struct Case {
    rule: &'static str,
    what: &'static str,
    actor: &'static str,
    /// The org to act in by name; `None`: the actor's own org (or the home org).
    org: Option<&'static str>,
    setup: Setup,
    action: MakeAction,
}

/// Cases whose refusal has no fix as data, and why that is honest.
const NO_FIX: &[(&str, &str)] = &[
    (
        "RBAC-1",
        "the assignment exists already: there is nothing to add",
    ),
    (
        "RBAC-4",
        "an external collaborator never holds a built-in role",
    ),
    (
        "RBAC-5",
        "only the person knows which role of the catalogue they meant",
    ),
    (
        "ID-1",
        "a malformed SID: only the person knows the right one",
    ),
    (
        "ORG-6",
        "an organization cannot be deleted in tworg; the hint says what can be done",
    ),
    ("ORG-7", "the new name is the person's choice"),
    ("ACC-1", "the account's name is the person's choice"),
    (
        "ACC-6",
        "only the independent account's owner can change it, outside the org",
    ),
    ("ACC-9", "an account never goes back to Trial"),
    ("SUB-3", "the subaccount's name is the person's choice"),
    (
        "DOM-2",
        "not a host name: only the person knows the right one",
    ),
    ("DOM-3", "public email domains can never be added"),
    (
        "DOM-4",
        "the domain is already there: there is nothing to add",
    ),
    (
        "USR-2",
        "a member of another org: inviting an alias is the person's choice",
    ),
    (
        "USR-4",
        "which of the exclusive roles to keep is the person's choice",
    ),
    ("USR-5", "external collaborators never hold org roles"),
    ("USR-6", "resets are for managed users only"),
    ("USR-7", "only managed users are deactivated"),
    ("SSO-2", "the IdP's settings come from the IdP"),
    (
        "SCIM-4",
        "the Org Owner is managed in the console, not through SCIM",
    ),
    (
        "HIP-2",
        "the flag is already as asked: there is nothing to change",
    ),
    (
        "SCIM-1",
        "the SCIM token is a secret an Administrator creates; tworg cannot choose it",
    ),
    (
        "ACC-7",
        "an external collaborator never owns a managed account; which member should is the person's choice",
    ),
];

/// Rules whose rev-2 fixes are still being built on other branches of issue 8; emptied when they land.
const PENDING: &[&str] = &[];

fn no_setup(_: &mut World) {}

fn run(w: &mut World, email: &str, action: Action) {
    let ctx = ctx_as(w, email);
    apply_ok(w, &ctx, action);
}

fn cases() -> Vec<Case> {
    vec![
        Case {
            rule: "RBAC-1",
            what: "a role assigned twice",
            actor: OLIVIA,
            org: None,
            setup: no_setup,
            action: |w| Action::AssignRole {
                user: SARA.into(),
                role: "developer".into(),
                scope: acc(w, "Owl Production"),
            },
        },
        Case {
            rule: "RBAC-2",
            what: "a general role on a subaccount",
            actor: OLIVIA,
            org: None,
            setup: no_setup,
            action: |w| Action::AssignRole {
                user: SAM.into(),
                role: "developer".into(),
                scope: acc(w, "Owl Prod EU"),
            },
        },
        Case {
            rule: "RBAC-3",
            what: "a Support user renames the account",
            actor: SAM,
            org: None,
            setup: no_setup,
            action: |w| Action::RenameAccount {
                sid: acc(w, "Owl Contact Center"),
                name: "CC".into(),
            },
        },
        Case {
            rule: "RBAC-4",
            what: "a built-in role for an external collaborator",
            actor: OLIVIA,
            org: None,
            setup: no_setup,
            action: |w| Action::AssignRole {
                user: EVE.into(),
                role: "Studio Admin".into(),
                scope: acc(w, "Owl Staging"),
            },
        },
        Case {
            rule: "RBAC-5",
            what: "a role that does not exist",
            actor: OLIVIA,
            org: None,
            setup: no_setup,
            action: |w| Action::AssignRole {
                user: SAM.into(),
                role: "Chief Llama".into(),
                scope: org_sid(w, OWL).to_string(),
            },
        },
        Case {
            rule: "ID-1",
            what: "a malformed account SID",
            actor: OLIVIA,
            org: None,
            setup: no_setup,
            action: |_| Action::ImportAccount {
                sid: "AC123".into(),
            },
        },
        Case {
            rule: "ORG-3",
            what: "a Standard user adds a domain",
            actor: SAM,
            org: None,
            setup: no_setup,
            action: |_| Action::AddDomain {
                name: "sam-corp.example".into(),
            },
        },
        Case {
            rule: "ORG-4",
            what: "an Administrator transfers org ownership",
            actor: ADAM,
            org: None,
            setup: no_setup,
            action: |_| Action::TransferOrg { user: AVA.into() },
        },
        Case {
            rule: "ORG-5",
            what: "org ownership to a deactivated member",
            actor: OLIVIA,
            org: None,
            setup: no_setup,
            action: |_| Action::TransferOrg { user: DAN.into() },
        },
        Case {
            rule: "ORG-6",
            what: "deleting the organization",
            actor: OLIVIA,
            org: None,
            setup: no_setup,
            action: |_| Action::DeleteOrg,
        },
        Case {
            rule: "ORG-7",
            what: "a 65-character org name",
            actor: OLIVIA,
            org: None,
            setup: no_setup,
            action: |_| Action::RenameOrg {
                name: "O".repeat(65),
            },
        },
        Case {
            rule: "ACC-1",
            what: "an empty account name",
            actor: OLIVIA,
            org: None,
            setup: no_setup,
            action: |_| Action::CreateAccount {
                name: " ".into(),
                flex: false,
                owner: None,
            },
        },
        Case {
            rule: "ACC-1",
            what: "a new account owned by a deactivated member",
            actor: OLIVIA,
            org: None,
            setup: no_setup,
            action: |_| Action::CreateAccount {
                name: "Dan's Lab".into(),
                flex: false,
                owner: Some(DAN.into()),
            },
        },
        Case {
            rule: "ACC-3",
            what: "creating past the account limit",
            actor: OLIVIA,
            org: None,
            setup: |w| {
                let owl = org_sid(w, OWL);
                let used = w.accounts_toward_limit(&owl) as u32;
                run(w, OLIVIA, Action::Set(Setting::AccountLimit(used)));
            },
            action: |_| Action::CreateAccount {
                name: "One Too Many".into(),
                flex: false,
                owner: None,
            },
        },
        Case {
            rule: "ACC-4",
            what: "importing an account whose owner is on an unverified domain",
            actor: OLIVIA,
            org: None,
            setup: no_setup,
            action: |w| Action::ImportAccount {
                sid: acc(w, "Owl Labs Prototype"),
            },
        },
        Case {
            rule: "ACC-4",
            what: "importing an account whose owner's domain was never added",
            actor: OLIVIA,
            org: None,
            setup: |w| {
                run(
                    w,
                    OLIVIA,
                    Action::AddWorldUser {
                        email: "oscar@otter-tools.example".into(),
                        name: None,
                    },
                );
                run(
                    w,
                    OLIVIA,
                    Action::AddWorldAccount {
                        name: "Otter Tools".into(),
                        owner: "oscar@otter-tools.example".into(),
                        full: false,
                    },
                );
            },
            action: |w| Action::ImportAccount {
                sid: acc(w, "Otter Tools"),
            },
        },
        Case {
            rule: "ACC-5",
            what: "an administrator confirms an import for its owner",
            actor: OLIVIA,
            org: None,
            setup: no_setup,
            action: |w| Action::ConfirmAccount {
                sid: acc(w, "Owl Marketing Sandbox"),
            },
        },
        Case {
            rule: "ACC-6",
            what: "renaming an independent account",
            actor: OLIVIA,
            org: None,
            setup: no_setup,
            action: |w| Action::RenameAccount {
                sid: acc(w, "Kestrel Partner Portal"),
                name: "Portal".into(),
            },
        },
        Case {
            rule: "ACC-8",
            what: "closing with the wrong name typed",
            actor: OLIVIA,
            org: None,
            setup: no_setup,
            action: |w| Action::CloseAccount {
                sid: acc(w, "Owl Staging"),
                confirm_name: "Owl Stagin".into(),
            },
        },
        Case {
            rule: "ACC-9",
            what: "upgrading a Full account",
            actor: OLIVIA,
            org: None,
            setup: no_setup,
            action: |w| Action::UpgradeAccount {
                sid: acc(w, "Owl Production"),
            },
        },
        Case {
            rule: "SUB-1",
            what: "a subaccount under a subaccount",
            actor: OLIVIA,
            org: None,
            setup: no_setup,
            action: |w| Action::CreateSubaccount {
                parent: acc(w, "Owl Prod EU"),
                name: Some("Nested".into()),
            },
        },
        Case {
            rule: "SUB-2",
            what: "a second subaccount of a Trial account",
            actor: OLIVIA,
            org: None,
            setup: |w| {
                let parent = acc(w, "Owl Staging");
                run(
                    w,
                    OLIVIA,
                    Action::CreateSubaccount {
                        parent,
                        name: Some("Staging A".into()),
                    },
                );
            },
            action: |w| Action::CreateSubaccount {
                parent: acc(w, "Owl Staging"),
                name: Some("Staging B".into()),
            },
        },
        Case {
            rule: "SUB-3",
            what: "a 65-character subaccount name",
            actor: OLIVIA,
            org: None,
            setup: no_setup,
            action: |w| Action::CreateSubaccount {
                parent: acc(w, "Owl Production"),
                name: Some("S".repeat(65)),
            },
        },
        Case {
            rule: "SUB-4",
            what: "a general role granted on a subaccount",
            actor: OLIVIA,
            org: None,
            setup: no_setup,
            action: |w| Action::GrantAccess {
                sid: acc(w, "Owl Prod EU"),
                user: SAM.into(),
                roles: vec![AccountRole::Developer],
            },
        },
        Case {
            rule: "SUB-5",
            what: "resuming a subaccount of a suspended parent",
            actor: OLIVIA,
            org: None,
            setup: |w| {
                let sid = acc(w, "Owl Production");
                run(w, OLIVIA, Action::SuspendAccount { sid });
            },
            action: |w| Action::ResumeAccount {
                sid: acc(w, "Owl Prod EU"),
            },
        },
        Case {
            rule: "DOM-1",
            what: "a domain with www.",
            actor: OLIVIA,
            org: None,
            setup: no_setup,
            action: |_| Action::AddDomain {
                name: "www.owl-shop.example".into(),
            },
        },
        Case {
            rule: "DOM-2",
            what: "a host name with one label",
            actor: OLIVIA,
            org: None,
            setup: no_setup,
            action: |_| Action::AddDomain {
                name: "localhost".into(),
            },
        },
        Case {
            rule: "DOM-3",
            what: "a public email domain",
            actor: OLIVIA,
            org: None,
            setup: no_setup,
            action: |_| Action::AddDomain {
                name: "gmail.com".into(),
            },
        },
        Case {
            rule: "DOM-4",
            what: "a domain added twice",
            actor: OLIVIA,
            org: None,
            setup: no_setup,
            action: |_| Action::AddDomain {
                name: "owl-labs.example".into(),
            },
        },
        Case {
            rule: "DOM-5",
            what: "a domain another org verified",
            actor: OLIVIA,
            org: None,
            setup: no_setup,
            action: |_| Action::AddDomain {
                name: "heron-logistics.example".into(),
            },
        },
        Case {
            rule: "DOM-6",
            what: "a domain past the domain limit",
            actor: OLIVIA,
            org: None,
            setup: |w| run(w, OLIVIA, Action::Set(Setting::DomainLimit(2))),
            action: |_| Action::AddDomain {
                name: "owl-shop.example".into(),
            },
        },
        Case {
            rule: "DOM-8",
            what: "verifying before the TXT record is published",
            actor: OLIVIA,
            org: None,
            setup: |w| {
                run(
                    w,
                    OLIVIA,
                    Action::AddDomain {
                        name: "owl-shop.example".into(),
                    },
                )
            },
            action: |_| Action::VerifyDomain {
                name: "owl-shop.example".into(),
            },
        },
        Case {
            rule: "DOM-10",
            what: "deleting a domain without acknowledging",
            actor: OLIVIA,
            org: None,
            setup: no_setup,
            action: |_| Action::DeleteDomain {
                name: "owl-labs.example".into(),
                acknowledged: false,
            },
        },
        Case {
            rule: "DOM-10",
            what: "deleting a domain whose user owns a managed account",
            actor: OLIVIA,
            org: None,
            setup: |w| {
                for a in [
                    Action::VerifyDomain {
                        name: "owl-labs.example".into(),
                    },
                    Action::Invite {
                        email: "ivan@owl-labs.example".into(),
                        role: OrgRole::Standard,
                        accounts: vec![],
                    },
                    Action::AcceptInvite {
                        email: "ivan@owl-labs.example".into(),
                    },
                    Action::CreateAccount {
                        name: "Ivan's Lab".into(),
                        flex: false,
                        owner: Some("ivan@owl-labs.example".into()),
                    },
                ] {
                    run(w, OLIVIA, a);
                }
            },
            action: |_| Action::DeleteDomain {
                name: "owl-labs.example".into(),
                acknowledged: true,
            },
        },
        Case {
            rule: "SIGN-2",
            what: "a sign-up on a verified domain without an invitation",
            actor: OLIVIA,
            org: None,
            setup: no_setup,
            action: |_| Action::Signup {
                email: "newton@owl-industries.example".into(),
                name: None,
            },
        },
        Case {
            rule: "DOM-9",
            what: "a sign-up on a verified-uncertain domain",
            actor: OLIVIA,
            org: None,
            setup: |w| {
                run(
                    w,
                    OLIVIA,
                    Action::UnpublishDns {
                        domain: "owl-industries.example".into(),
                    },
                );
                run(w, OLIVIA, Action::AdvanceClock { seconds: days(1) });
            },
            action: |_| Action::Signup {
                email: "newton@owl-industries.example".into(),
                name: None,
            },
        },
        Case {
            rule: "SIGN-5",
            what: "Restricted while a verified domain is multi-verified",
            actor: OLIVIA,
            org: None,
            setup: |w| {
                run(
                    w,
                    OLIVIA,
                    Action::SetSignup {
                        setting: SignupSetting::Blocked,
                    },
                );
                run(
                    w,
                    OLIVIA,
                    Action::Set(Setting::MultiVerified {
                        domain: "owl-industries.example".into(),
                        on: true,
                    }),
                );
            },
            action: |_| Action::SetSignup {
                setting: SignupSetting::Restricted,
            },
        },
        Case {
            rule: "HIP-1",
            what: "HIPAA without an executed BAA",
            actor: FELIX,
            org: None,
            setup: no_setup,
            action: |w| Action::SetHipaa {
                sid: acc(w, "Finch Reporting"),
                on: true,
            },
        },
        Case {
            rule: "HIP-2",
            what: "HIPAA turned off where it is off",
            actor: OLIVIA,
            org: None,
            setup: no_setup,
            action: |w| Action::SetHipaa {
                sid: acc(w, "Owl Staging"),
                on: false,
            },
        },
        Case {
            rule: "USR-1",
            what: "inviting on an unverified domain",
            actor: OLIVIA,
            org: None,
            setup: no_setup,
            action: |_| Action::Invite {
                email: "ivan@owl-labs.example".into(),
                role: OrgRole::Standard,
                accounts: vec![],
            },
        },
        Case {
            rule: "USR-1",
            what: "inviting on a domain never added",
            actor: OLIVIA,
            org: None,
            setup: no_setup,
            action: |_| Action::Invite {
                email: "oscar@otter-tools.example".into(),
                role: OrgRole::Standard,
                accounts: vec![],
            },
        },
        Case {
            rule: "USR-2",
            what: "inviting a member of another org",
            actor: OLIVIA,
            org: None,
            setup: |w| {
                run(
                    w,
                    OLIVIA,
                    Action::AddDomain {
                        name: "finch-analytics.example".into(),
                    },
                );
                run(
                    w,
                    OLIVIA,
                    Action::PublishDns {
                        domain: "finch-analytics.example".into(),
                    },
                );
                run(
                    w,
                    OLIVIA,
                    Action::VerifyDomain {
                        name: "finch-analytics.example".into(),
                    },
                );
            },
            action: |_| Action::Invite {
                email: FRED.into(),
                role: OrgRole::Standard,
                accounts: vec![],
            },
        },
        Case {
            rule: "USR-4",
            what: "Administrator with Developer",
            actor: OLIVIA,
            org: None,
            setup: no_setup,
            action: |w| Action::GrantAccess {
                sid: acc(w, "Owl Staging"),
                user: SARA.into(),
                roles: vec![AccountRole::Administrator, AccountRole::Developer],
            },
        },
        Case {
            rule: "USR-5",
            what: "an org role for an external collaborator",
            actor: OLIVIA,
            org: None,
            setup: no_setup,
            action: |_| Action::SetRole {
                user: EVE.into(),
                role: OrgRole::Administrator,
                confirm_lockout: false,
            },
        },
        Case {
            rule: "USR-6",
            what: "resetting an external collaborator's password",
            actor: OLIVIA,
            org: None,
            setup: no_setup,
            action: |_| Action::ResetPassword { user: EVE.into() },
        },
        Case {
            rule: "USR-7",
            what: "deactivating an external collaborator",
            actor: OLIVIA,
            org: None,
            setup: no_setup,
            action: |_| Action::Deactivate {
                user: EVE.into(),
                confirm_lockout: false,
            },
        },
        Case {
            rule: "USR-8",
            what: "removing a member who owns an account",
            actor: OLIVIA,
            org: None,
            setup: no_setup,
            action: |_| Action::RemoveUser {
                user: SAM.into(),
                confirm_lockout: false,
            },
        },
        Case {
            rule: "USR-9",
            what: "bulk import without the entitlement",
            actor: OLIVIA,
            org: None,
            setup: no_setup,
            action: |_| Action::ImportUsers {
                csv: format!("email,first_name,last_name\n{NORA},Nora,Newhire\n"),
            },
        },
        Case {
            rule: "SSO-1",
            what: "SSO without the entitlement or a verified domain",
            actor: FELIX,
            org: None,
            setup: no_setup,
            action: |_| Action::SsoConfigure {
                entity_id: "https://idp.finch.example".into(),
                url: "https://idp.finch.example/sso".into(),
                cert_pem: DEMO_IDP_CERT.into(),
                confirm_lockout: false,
            },
        },
        Case {
            rule: "SSO-2",
            what: "a sign-in URL that is not https",
            actor: OLIVIA,
            org: None,
            setup: no_setup,
            action: |_| Action::SsoConfigure {
                entity_id: "https://idp.owl.example".into(),
                url: "http://idp.owl.example/sso".into(),
                cert_pem: DEMO_IDP_CERT.into(),
                confirm_lockout: false,
            },
        },
        Case {
            rule: "SSO-3",
            what: "enforcing an untested profile",
            actor: OLIVIA,
            org: None,
            setup: configure_sso,
            action: |_| Action::SsoEnforce {
                domain: "owl-industries.example".into(),
                confirm_lockout: false,
            },
        },
        Case {
            rule: "SSO-5",
            what: "enforcing so that no admin can sign in without SSO",
            actor: OLIVIA,
            org: None,
            setup: |w| {
                configure_sso(w);
                run(w, OLIVIA, Action::SsoTest);
            },
            action: |_| Action::SsoEnforce {
                domain: "owl-industries.example".into(),
                confirm_lockout: false,
            },
        },
        Case {
            rule: "MRG-1",
            what: "merging an org that verified its own domain",
            actor: OLIVIA,
            org: None,
            setup: no_setup,
            action: |_| Action::Merge {
                candidate: HERON.into(),
                confirm: HERON.into(),
                owner_role: OrgRole::Standard,
            },
        },
        Case {
            rule: "MRG-2",
            what: "merging past the account limit",
            actor: OLIVIA,
            org: None,
            setup: |w| {
                let owl = org_sid(w, OWL);
                let used = w.accounts_toward_limit(&owl) as u32;
                run(w, OLIVIA, Action::Set(Setting::AccountLimit(used)));
                run(w, OLIVIA, Action::Set(Setting::BulkImport(true)));
            },
            action: |_| Action::Merge {
                candidate: FINCH.into(),
                confirm: FINCH.into(),
                owner_role: OrgRole::Standard,
            },
        },
        Case {
            rule: "MRG-1",
            what: "a merge invitation to the Owner of an org that verified its own domain",
            actor: ADAM,
            org: None,
            setup: no_setup,
            action: |_| Action::Invite {
                email: HANA.into(),
                role: OrgRole::Administrator,
                accounts: vec![],
            },
        },
        Case {
            rule: "MRG-4",
            what: "a merge invitation that grants access to the Prime's accounts",
            actor: OLIVIA,
            org: None,
            setup: no_setup,
            action: |w| Action::Invite {
                email: FELIX.into(),
                role: OrgRole::Standard,
                accounts: vec![(acc(w, "Owl Staging"), vec![AccountRole::Developer])],
            },
        },
        Case {
            rule: "MRG-5",
            what: "a merge invitation that would make the Candidate Owner an Owner",
            actor: OLIVIA,
            org: None,
            setup: no_setup,
            action: |_| Action::Invite {
                email: FELIX.into(),
                role: OrgRole::Owner,
                accounts: vec![],
            },
        },
        Case {
            rule: "MRG-2",
            what: "accepting a merge invitation after the Prime's account limit shrank",
            actor: FELIX,
            org: None,
            setup: |w| {
                run(
                    w,
                    OLIVIA,
                    Action::Invite {
                        email: FELIX.into(),
                        role: OrgRole::Standard,
                        accounts: vec![],
                    },
                );
                let owl = org_sid(w, OWL);
                let used = w.accounts_toward_limit(&owl) as u32;
                run(w, OLIVIA, Action::Set(Setting::AccountLimit(used)));
            },
            action: |_| Action::AcceptInvite {
                email: FELIX.into(),
            },
        },
        Case {
            rule: "MRG-6",
            what: "merging by import without Import Users",
            actor: OLIVIA,
            org: None,
            setup: no_setup,
            action: |_| Action::Merge {
                candidate: FINCH.into(),
                confirm: FINCH.into(),
                owner_role: OrgRole::Standard,
            },
        },
        Case {
            rule: "MRG-6",
            what: "merging by import with the Candidate Owner as Administrator",
            actor: OLIVIA,
            org: None,
            setup: |w| run(w, OLIVIA, Action::Set(Setting::BulkImport(true))),
            action: |_| Action::Merge {
                candidate: FINCH.into(),
                confirm: FINCH.into(),
                owner_role: OrgRole::Administrator,
            },
        },
        Case {
            rule: "MRG-3",
            what: "merging with the wrong name typed",
            actor: OLIVIA,
            org: None,
            setup: |w| run(w, OLIVIA, Action::Set(Setting::BulkImport(true))),
            action: |_| Action::Merge {
                candidate: FINCH.into(),
                confirm: "Finch".into(),
                owner_role: OrgRole::Standard,
            },
        },
        Case {
            rule: "ORG-1",
            what: "the Owner demotes themselves",
            actor: OLIVIA,
            org: None,
            setup: no_setup,
            action: |_| Action::SetRole {
                user: OLIVIA.into(),
                role: OrgRole::Standard,
                confirm_lockout: false,
            },
        },
        Case {
            rule: "ACC-7",
            what: "an account transferred to an external collaborator",
            actor: OLIVIA,
            org: None,
            setup: no_setup,
            action: |w| Action::TransferAccount {
                sid: acc(w, "Owl Staging"),
                user: EVE.into(),
            },
        },
        Case {
            rule: "ACC-7",
            what: "an account transferred to someone on a verified domain who is not a member yet",
            actor: OLIVIA,
            org: None,
            setup: no_setup,
            action: |w| Action::TransferAccount {
                sid: acc(w, "Owl Staging"),
                user: NORA.into(),
            },
        },
        Case {
            rule: "ACC-7",
            what: "an account transferred to a deactivated member",
            actor: OLIVIA,
            org: None,
            setup: no_setup,
            action: |w| Action::TransferAccount {
                sid: acc(w, "Owl Staging"),
                user: DAN.into(),
            },
        },
        Case {
            rule: "ORG-3",
            what: "a Standard user transfers the account it owns",
            actor: SAM,
            org: None,
            setup: no_setup,
            action: |w| Action::TransferAccount {
                sid: acc(w, "Owl Staging"),
                user: SARA.into(),
            },
        },
        Case {
            rule: "ORG-9",
            what: "the BAA taken off record while accounts have HIPAA on",
            actor: OLIVIA,
            org: None,
            setup: no_setup,
            action: |_| Action::Set(Setting::Baa(false)),
        },
        Case {
            rule: "SSO-5",
            what: "deactivating the last administrator who can sign in without SSO",
            actor: OLIVIA,
            org: None,
            setup: |w| {
                configure_sso(w);
                run(w, OLIVIA, Action::SsoTest);
                run(w, OLIVIA, Action::SsoExempt { user: ADAM.into() });
                run(
                    w,
                    OLIVIA,
                    Action::SsoEnforce {
                        domain: "owl-industries.example".into(),
                        confirm_lockout: false,
                    },
                );
            },
            action: |_| Action::Deactivate {
                user: ADAM.into(),
                confirm_lockout: false,
            },
        },
        Case {
            rule: "SSO-5",
            what: "replacing the profile while SSO covers every administrator",
            actor: OLIVIA,
            org: None,
            setup: |w| {
                configure_sso(w);
                run(w, OLIVIA, Action::SsoTest);
                run(
                    w,
                    OLIVIA,
                    Action::SsoEnforce {
                        domain: "owl-industries.example".into(),
                        confirm_lockout: true,
                    },
                );
            },
            action: |_| Action::SsoConfigure {
                entity_id: "https://idp.owl.example".into(),
                url: "https://idp.owl.example/sso".into(),
                cert_pem: DEMO_IDP_CERT.into(),
                confirm_lockout: false,
            },
        },
        Case {
            rule: "USR-3",
            what: "accepting an expired invitation",
            actor: OLIVIA,
            org: None,
            setup: |w| run(w, OLIVIA, Action::AdvanceClock { seconds: days(8) }),
            action: |_| Action::AcceptInvite {
                email: PAULA.into(),
            },
        },
        Case {
            rule: "SSO-4",
            what: "enforcing SSO on an unverified domain",
            actor: OLIVIA,
            org: None,
            setup: |w| {
                configure_sso(w);
                run(w, OLIVIA, Action::SsoTest);
            },
            action: |_| Action::SsoEnforce {
                domain: "owl-labs.example".into(),
                confirm_lockout: true,
            },
        },
        Case {
            rule: "SCIM-1",
            what: "provisioning while SCIM is off",
            actor: SCIM_TOKEN,
            org: Some(OWL),
            setup: no_setup,
            action: |_| Action::ScimCreateUser {
                user: scim_user("newton@owl-industries.example"),
            },
        },
        Case {
            rule: "SCIM-2",
            what: "provisioning a userName on an unverified domain",
            actor: SCIM_TOKEN,
            org: Some(OWL),
            setup: enable_scim,
            action: |_| Action::ScimCreateUser {
                user: scim_user("ivan@owl-labs.example"),
            },
        },
        Case {
            rule: "SCIM-4",
            what: "deactivating the Org Owner through SCIM",
            actor: SCIM_TOKEN,
            org: Some(OWL),
            setup: enable_scim,
            action: |w| Action::ScimReplaceUser {
                id: user_sid(w, OLIVIA).to_string(),
                user: ScimUserData {
                    active: Some(false),
                    ..scim_user(OLIVIA)
                },
                patch: false,
            },
        },
    ]
}

/// Acting as the org's SCIM bearer token rather than a user.
const SCIM_TOKEN: &str = "(scim token)";

fn scim_user(email: &str) -> ScimUserData {
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

fn enable_scim(w: &mut World) {
    run(
        w,
        OLIVIA,
        Action::ScimEnable {
            token: "t".repeat(40),
        },
    );
}

fn configure_sso(w: &mut World) {
    run(
        w,
        OLIVIA,
        Action::SsoConfigure {
            entity_id: "https://idp.owl.example".into(),
            url: "https://idp.owl.example/sso".into(),
            cert_pem: DEMO_IDP_CERT.into(),
            confirm_lockout: false,
        },
    );
}

/// The context a fix is performed in: its performer's own org, or the refused action's org when
/// they belong to none (an account owner confirming, an invitee accepting).
fn fix_ctx(w: &World, refused: &Ctx, fix: &Fix) -> Ctx {
    let Some(by) = &fix.by else {
        return refused.clone();
    };
    let u = w
        .find_user(by)
        .unwrap_or_else(|e| panic!("a fix names {by}, who is not in the world: {e}"));
    let org = u
        .membership
        .as_ref()
        .map(|m| m.org.clone())
        .unwrap_or_else(|| refused.org.clone());
    Ctx::new(org, u.sid.clone())
}

/// The case's world after its setup, its context, action and refusal.
fn provoke(case: &Case) -> (World, Ctx, Action, Refusal) {
    let mut w = demo();
    (case.setup)(&mut w);
    let ctx = match (case.actor, case.org) {
        (SCIM_TOKEN, org) => Ctx {
            org: org_sid(&w, org.unwrap_or(OWL)),
            actor: Actor::ScimToken,
        },
        (actor, Some(org)) => ctx_in(&w, org, actor),
        (actor, None) => ctx_as(&w, actor),
    };
    let action = (case.action)(&w);
    let refusal = refused_with(&mut w, &ctx, action.clone(), case.rule);
    (w, ctx, action, refusal)
}

fn follow(case: &Case) -> Result<(), String> {
    let (mut w, ctx, action, refusal) = provoke(case);
    if refusal.fixes.is_empty() {
        return match NO_FIX.iter().find(|(rule, _)| *rule == case.rule) {
            Some(_) => Ok(()),
            None => Err(format!("no fix as data; hint: {}", refusal.hint)),
        };
    }
    let mut replaced = false;
    for fix in &refusal.fixes {
        let fctx = fix_ctx(&w, &ctx, fix);
        w.apply(&fctx, &fix.action)
            .map_err(|e| format!("the fix {:?} is not allowed: {e}", fix.action))?;
        replaced |= discriminant(&fix.action) == discriminant(&action);
    }
    if replaced {
        return Ok(());
    }
    match w.apply(&ctx, &action) {
        Ok(_) => Ok(()),
        Err(ActionError::Refused(r)) if r.rule != case.rule => Ok(()),
        Err(e) => Err(format!(
            "after the fixes {:?}, still: {e}",
            refusal.fixes.iter().map(|f| &f.action).collect::<Vec<_>>()
        )),
    }
}

#[test]
fn every_refusal_fix_can_be_followed() {
    let failures: Vec<String> = cases()
        .iter()
        .filter(|c| !PENDING.contains(&c.rule))
        .filter_map(|c| {
            // A case whose setup or fixture panics is one failure among the others, not the end.
            let outcome = std::panic::catch_unwind(|| follow(c)).unwrap_or_else(|panic| {
                Err(panic
                    .downcast_ref::<String>()
                    .cloned()
                    .unwrap_or_else(|| "panicked".into()))
            });
            outcome
                .err()
                .map(|e| format!("{} ({}): {e}", c.rule, c.what))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} refusals cannot be followed:\n{}",
        failures.len(),
        cases().len(),
        failures.join("\n")
    );
}

#[test]
fn every_refusing_rule_has_a_case() {
    // Rules that never refuse an action: they describe states, defaults or records.
    const NEVER_REFUSE: &[&str] = &[
        "ID-2", "ORG-2", "ORG-8", "ACC-2", "ACC-10", "SUB-6", "DOM-7", "DOM-11", "SIGN-1",
        "SIGN-3", "SIGN-4", "SSO-4", "SCIM-3", "HIP-3", "CLK-1", "AUD-1",
        // SSO-6 describes what the clock does; an expired certificate is refused by SSO-2/SSO-3.
        "SSO-6",
    ];
    let covered: Vec<&str> = cases().iter().map(|c| c.rule).collect();
    let missing: Vec<&str> = tworg::model::rules::ALL
        .iter()
        .map(|r| r.id)
        .filter(|id| !covered.contains(id) && !NEVER_REFUSE.contains(id))
        .collect();
    assert!(missing.is_empty(), "rules with no hint case: {missing:?}");
}

/// Owl Industries with much to flag (on top of the demo world, where only Heron Logistics' lone
/// Owner is): SSO configured with a certificate about to expire and not enforced, a domain in its
/// grace, an external Administrator, a full Trial parent, an account limit nearly reached, a
/// deactivated owner of an account and HIPAA without a BAA.
fn world_with_findings() -> World {
    let mut w = demo();
    let c = ctx_in(&w, OWL, OLIVIA);
    let short = std::fs::read_to_string("tests/fixtures/short-lived-idp-cert.pem").unwrap();
    let staging = acc(&w, "Owl Staging");
    for a in [
        Action::SsoConfigure {
            entity_id: "https://idp.owl-industries.example".into(),
            url: "https://idp.owl-industries.example/sso".into(),
            cert_pem: short,
            confirm_lockout: false,
        },
        Action::AdvanceClock { seconds: days(18) },
        Action::UnpublishDns {
            domain: "owl-industries.example".into(),
        },
        Action::AdvanceClock { seconds: days(2) },
        Action::GrantAccess {
            sid: staging.clone(),
            user: EVE.into(),
            roles: vec![AccountRole::Administrator],
        },
        Action::CreateSubaccount {
            parent: staging,
            name: Some("Staging EU".into()),
        },
        Action::Set(Setting::AccountLimit(6)),
        Action::Deactivate {
            user: SAM.into(),
            confirm_lockout: false,
        },
    ] {
        apply_ok(&mut w, &c, a);
    }
    // the BAA cannot be switched off while HIPAA accounts exist (ORG-9): a file could hold it
    let owl = org_sid(&w, OWL);
    w.orgs.get_mut(&owl).unwrap().settings.baa = false;
    w
}

/// Issue 13 meets issue 15: the Health panel of the Settings tab says each finding's fix the
/// console's way (the tab, the row and the key), never as a command line, at every size where it
/// shows; and so do the findings' messages and hints.
#[test]
fn the_health_panel_shows_no_cli_syntax() {
    use ratatui::{Terminal, backend::TestBackend};
    use tworg::console::app::App;
    use tworg::console::theme::Theme;
    use tworg::session::Session;
    let w = world_with_findings();
    let owl_checks: std::collections::BTreeSet<_> = lint::lint_org(&w, &org_sid(&w, OWL))
        .iter()
        .map(|f| f.check)
        .collect();
    assert!(owl_checks.len() >= 8, "{owl_checks:?}");
    let mut problems = Vec::new();
    for f in lint::lint(&w) {
        for text in [&f.message, &f.hint] {
            if let Some(what) = cli_syntax(text) {
                problems.push(format!("{:?}: the finding holds {what}: {text}", f.check));
            }
        }
        for fix in &f.fixes {
            let said = tworg::console::fixes::in_console(&w, fix);
            if let Some(what) = cli_syntax(&said) {
                problems.push(format!(
                    "{:?}: the console's fix holds {what}: {said}",
                    f.check
                ));
            }
        }
    }
    for org in [HERON, OWL] {
        let owner = w.owner_of_org(&org_sid(&w, org)).unwrap().email.clone();
        for (width, height) in [(80, 24), (120, 35), (200, 50)] {
            let mut app = App::new(
                Session::new(w.clone(), None).shared(),
                ctx_in(&w, org, &owner),
                Theme::mono(),
            );
            app.handle_key(tworg::console::keys::parse_key("4").unwrap());
            let mut term = Terminal::new(TestBackend::new(width, height)).unwrap();
            term.draw(|f| app.render(f)).unwrap();
            let screen = tworg::console::screen_text(term.backend());
            if width >= 120 {
                // the panel shows, with its findings and their first fix as a place and a key
                assert!(
                    screen.contains("Health (") && screen.contains(" tab ("),
                    "{org} at {width}x{height}:\n{screen}"
                );
            }
            if let Some(what) = cli_syntax(&screen) {
                problems.push(format!(
                    "{org} at {width}x{height}: the console shows {what}:\n{screen}"
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn no_fix_entries_are_still_needed() {
    for (rule, why) in NO_FIX {
        assert!(
            cases().iter().any(|c| c.rule == *rule),
            "{rule} is in NO_FIX ({why}) but has no case"
        );
    }
}

/// Command syntax of the CLI: a `tworg` subcommand, a long option, an upper-case placeholder.
fn cli_syntax(text: &str) -> Option<&'static str> {
    const SUBCOMMANDS: &[&str] = &[
        "account",
        "org",
        "domain",
        "user",
        "sso",
        "scim",
        "show",
        "init",
        "check",
        "apply",
        "clock",
        "dns",
        "world",
        "role",
        "subaccount",
        "signup",
        "rules",
        "access",
        "demo",
        "lint",
        "runbook",
        "oauth",
        "serve",
    ];
    if let Some(i) = text.find("tworg ") {
        let next = text[i + 6..].split_whitespace().next().unwrap_or("");
        if SUBCOMMANDS.contains(&next) {
            return Some("a tworg command");
        }
    }
    let bytes = text.as_bytes();
    for (i, w) in bytes.windows(3).enumerate() {
        if w[0] == b'-'
            && w[1] == b'-'
            && w[2].is_ascii_lowercase()
            && (i == 0 || bytes[i - 1] == b' ' || bytes[i - 1] == b'(')
        {
            return Some("a long option");
        }
    }
    None
}

#[test]
fn refusal_prose_holds_no_cli_syntax_and_each_face_says_the_fix_in_its_words() {
    let mut problems = Vec::new();
    for case in cases().iter().filter(|c| !PENDING.contains(&c.rule)) {
        let Ok((w, _, _, r)) = std::panic::catch_unwind(|| provoke(case)) else {
            continue; // every_refusal_fix_can_be_followed reports it
        };
        for (part, text) in [("message", &r.message), ("hint", &r.hint)] {
            if let Some(what) = cli_syntax(text) {
                problems.push(format!(
                    "{} ({}): the {part} holds {what}: {text}",
                    case.rule, case.what
                ));
            }
        }
        for fix in &r.fixes {
            // the console: keys and places, never a command line
            let console = tworg::console::fixes::in_console(&w, fix);
            if let Some(what) = cli_syntax(&console) {
                problems.push(format!(
                    "{}: the console's fix holds {what}: {console}",
                    case.rule
                ));
            }
            // SCIM and REST: plain prose
            let prose = fix.describe();
            if let Some(what) = cli_syntax(&prose) {
                problems.push(format!(
                    "{}: the prose fix holds {what}: {prose}",
                    case.rule
                ));
            }
            // the CLI: a command line that parses back to the very step
            let line = tworg::cli::fixes::command_line(fix);
            if matches!(
                fix.action,
                Action::SsoConfigure { .. } | Action::ImportUsers { .. }
            ) {
                continue; // they read a file the line names by a placeholder
            }
            match tworg::cli::script::parse_script(&line) {
                Ok(parsed)
                    if parsed.len() == 1
                        && parsed[0].action == fix.action
                        && parsed[0].as_user == fix.by => {}
                Ok(parsed) => problems.push(format!(
                    "{}: `{line}` parses to {:?} as {:?}, not {:?} as {:?}",
                    case.rule,
                    parsed.first().map(|l| &l.action),
                    parsed.first().map(|l| &l.as_user),
                    fix.action,
                    fix.by
                )),
                Err(e) => problems.push(format!("{}: `{line}` does not parse: {e:?}", case.rule)),
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn after_every_refusal_the_console_shows_no_cli_syntax() {
    use ratatui::{Terminal, backend::TestBackend};
    use tworg::console::app::App;
    use tworg::console::theme::Theme;
    use tworg::session::Session;
    let mut problems = Vec::new();
    let mut shown = 0;
    for case in cases().iter().filter(|c| !PENDING.contains(&c.rule)) {
        if case.actor == SCIM_TOKEN {
            continue; // the console never acts as the SCIM token
        }
        let Ok((w, ctx, action, _)) = std::panic::catch_unwind(|| provoke(case)) else {
            continue;
        };
        let mut app = App::new(Session::new(w, None).shared(), ctx, Theme::mono());
        app.act(action);
        let mut term = Terminal::new(TestBackend::new(120, 35)).unwrap();
        term.draw(|f| app.render(f)).unwrap();
        let screen = tworg::console::screen_text(term.backend());
        let status = app
            .status
            .as_ref()
            .map(|s| s.text.clone())
            .unwrap_or_default();
        // in the status line, or in the dialog that asks for a confirmation (SSO-5)
        if !status.contains(case.rule) && !screen.contains(case.rule) {
            problems.push(format!(
                "{}: the console does not name the rule: {status}",
                case.rule
            ));
        }
        for text in [&screen, &status] {
            if let Some(what) = cli_syntax(text) {
                problems.push(format!(
                    "{} ({}): the console shows {what}:\n{text}",
                    case.rule, case.what
                ));
            }
        }
        shown += 1;
    }
    assert!(shown > 60, "only {shown} refusals shown");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
