//! One test (at least) per rule of RULES.md, named after the rule's ID: `rule_<prefix>_<n>_<what>`.
//! Each shows the refusal (the rule's ID, and a world left exactly as it was) and, where the rule
//! has one, the allowed path with the state it leads to. The fixture is the demo world; see
//! `src/model/demo.rs` and `tests/fixture/mod.rs` for who is who.

mod fixture;

use fixture::*;
use tworg::model::action::Setting;
use tworg::model::demo::DEMO_IDP_CERT;
use tworg::model::*;

const EXPIRED_CERT: &str = include_str!("fixtures/expired-idp-cert.pem");

fn create(name: &str) -> Action {
    Action::CreateAccount {
        name: name.into(),
        flex: false,
        owner: None,
    }
}

fn invite(email: &str, role: OrgRole) -> Action {
    Action::Invite {
        email: email.into(),
        role,
        accounts: vec![],
    }
}

fn add_domain(name: &str) -> Action {
    Action::AddDomain { name: name.into() }
}

fn set(s: Setting) -> Action {
    Action::Set(s)
}

/// Adds, publishes and verifies a domain for the acting org.
fn verify_new_domain(w: &mut World, ctx: &Ctx, name: &str) {
    apply_ok(w, ctx, add_domain(name));
    apply_ok(
        w,
        ctx,
        Action::PublishDns {
            domain: name.into(),
        },
    );
    apply_ok(w, ctx, Action::VerifyDomain { name: name.into() });
}

/// Invites a new address of a verified domain and has it accept; returns the new member's SID.
fn new_member(w: &mut World, ctx: &Ctx, email: &str, role: OrgRole) -> Sid {
    apply_ok(w, ctx, invite(email, role));
    apply_ok(
        w,
        ctx,
        Action::AcceptInvite {
            email: email.into(),
        },
    );
    user_sid(w, email)
}

fn status_of(w: &World, name: &str) -> AccountStatus {
    account(w, name).status
}

fn domain_status(w: &World, org: &str, domain: &str) -> Option<DomainStatus> {
    w.find_org(org)
        .unwrap()
        .domains
        .get(domain)
        .map(|d| d.status.clone())
}

// ============================================================================================
// ID — identifiers
// ============================================================================================

/// Heron Logistics goes Blocked (SIGN-5) and marks heron-logistics.example multi-verified, so
/// other orgs may add and verify it too (DOM-5).
fn heron_shares_its_domain(w: &mut tworg::model::World, heron: &tworg::model::Ctx) {
    apply_ok(
        w,
        heron,
        Action::SetSignup {
            setting: SignupSetting::Blocked,
        },
    );
    let domain = "heron-logistics.example".into();
    apply_ok(w, heron, set(Setting::MultiVerified { domain, on: true }));
}

#[test]
fn rule_id_1_malformed_sids_are_refused() {
    let mut w = demo();
    let ctx = ctx_as(&w, OLIVIA);
    let staging = acc(&w, "Owl Staging");
    for bad in [
        "AC123",                          // too short
        &format!("{staging}0"),           // too long
        &format!("XY{}", &staging[2..]),  // unknown prefix
        &format!("US{}", &staging[2..]),  // a user SID where an account is expected
        &format!("AC{}", "g".repeat(32)), // not hex
    ] {
        refused_with(
            &mut w,
            &ctx,
            Action::UpgradeAccount { sid: bad.into() },
            "ID-1",
        );
        refused_with(
            &mut w,
            &ctx,
            Action::ImportAccount { sid: bad.into() },
            "ID-1",
        );
    }
    assert!(Sid::parse_any(&staging).is_ok());
    assert_eq!(
        Sid::parse(SidKind::Account, "AC123").unwrap_err().rule,
        "ID-1"
    );
}

#[test]
fn rule_id_2_sid_input_is_case_insensitive_and_generated_sids_are_unique() {
    let mut w = demo();
    let ctx = ctx_as(&w, SAM);
    let staging = acc(&w, "Owl Staging");
    // Given the SID typed in upper case, when Sam renames his account, then it is found.
    let shouting = format!("AC{}", staging[2..].to_ascii_uppercase());
    apply_ok(
        &mut w,
        &ctx,
        Action::RenameAccount {
            sid: shouting,
            name: "Owl Staging 2".into(),
        },
    );
    assert!(w.accounts.contains_key(&Sid::parse_any(&staging).unwrap()));
    assert_eq!(account(&w, "Owl Staging 2").sid.to_string(), staging);
    // Parsed SIDs are stored with lowercase hex.
    let parsed = Sid::parse_any(&format!("ac{}", staging[2..].to_ascii_uppercase())).unwrap();
    assert_eq!(parsed.as_str(), staging);
    assert!(parsed.is_canonical());
    // Generated SIDs never repeat, even across many new accounts and subaccounts.
    let owner = ctx_as(&w, OLIVIA);
    apply_ok(&mut w, &owner, set(Setting::AccountLimit(40)));
    let mut seen = std::collections::BTreeSet::new();
    for i in 0..20 {
        let out = apply_ok(&mut w, &owner, create(&format!("Bulk {i}")));
        assert!(seen.insert(created(&out, SidKind::Account)));
    }
    assert_eq!(w.accounts.len(), 12 + 20);
    assert!(w.check_invariants().is_ok());
}

// ============================================================================================
// ORG — organization and roles
// ============================================================================================

#[test]
fn rule_org_1_an_org_keeps_exactly_one_owner() {
    let mut w = demo();
    let ctx = ctx_as(&w, OLIVIA);
    // No second Owner by role change or invitation, and the Owner cannot be demoted.
    refused_with(
        &mut w,
        &ctx,
        Action::SetRole {
            user: ADAM.into(),
            role: OrgRole::Owner,
            confirm_lockout: false,
        },
        "ORG-1",
    );
    refused_with(
        &mut w,
        &ctx,
        Action::SetRole {
            user: OLIVIA.into(),
            role: OrgRole::Standard,
            confirm_lockout: false,
        },
        "ORG-1",
    );
    refused_with(
        &mut w,
        &ctx,
        invite("new.owner@owl-industries.example", OrgRole::Owner),
        "ORG-1",
    );
    // Transferring keeps the count at one.
    apply_ok(&mut w, &ctx, Action::TransferOrg { user: ADAM.into() });
    let owl = org_sid(&w, OWL);
    let owners: Vec<_> = w
        .members(&owl)
        .filter(|u| u.membership.as_ref().unwrap().role == OrgRole::Owner)
        .map(|u| u.email.clone())
        .collect();
    assert_eq!(owners, vec![ADAM.to_string()]);
}

#[test]
fn rule_org_2_new_members_are_standard_by_default_and_roles_change_between_admin_and_standard() {
    let mut w = demo();
    let ctx = ctx_as(&w, OLIVIA);
    // A member who joins on their own (auto-enrollment, an import confirmation) is Standard.
    apply_ok(
        &mut w,
        &ctx,
        Action::SetSignup {
            setting: SignupSetting::AutoEnrollment,
        },
    );
    apply_ok(
        &mut w,
        &ctx,
        Action::Signup {
            email: "newbie@owl-industries.example".into(),
            name: None,
        },
    );
    assert_eq!(
        role_of(&w, "newbie@owl-industries.example"),
        Some(OrgRole::Standard)
    );
    // Roles change between Administrator and Standard; setting the same role is refused.
    apply_ok(
        &mut w,
        &ctx,
        Action::SetRole {
            user: SAM.into(),
            role: OrgRole::Administrator,
            confirm_lockout: false,
        },
    );
    assert_eq!(role_of(&w, SAM), Some(OrgRole::Administrator));
    refused_with(
        &mut w,
        &ctx,
        Action::SetRole {
            user: SAM.into(),
            role: OrgRole::Administrator,
            confirm_lockout: false,
        },
        "ORG-2",
    );
    assert_eq!(OrgRole::parse_assignable("owner"), None);
}

#[test]
fn rule_org_3_standard_users_do_no_org_management_but_create_accounts() {
    let mut w = demo();
    let sam = ctx_as(&w, SAM);
    for action in [
        invite("x@owl-industries.example", OrgRole::Standard),
        Action::RemoveUser {
            user: SARA.into(),
            confirm_lockout: false,
        },
        add_domain("sam.example"),
        set(Setting::AccountLimit(20)),
        Action::SsoTest,
        Action::ScimEnable {
            token: "t".repeat(40),
        },
        Action::Merge {
            candidate: FINCH.into(),
            confirm: FINCH.into(),
            owner_role: OrgRole::Standard,
        },
        Action::SetSignup {
            setting: SignupSetting::Blocked,
        },
        Action::SuspendAccount {
            sid: acc(&w, "Owl Production"),
        },
    ] {
        refused_with(&mut w, &sam, action, "ORG-3");
    }
    // But Sam can create an account, which he owns, and manage his own account.
    let out = apply_ok(&mut w, &sam, create("Sam's Sandbox"));
    let sid = created(&out, SidKind::Account);
    assert_eq!(w.accounts[&sid].owner, Some(user_sid(&w, SAM)));
    let sid = acc(&w, "Owl Staging");
    apply_ok(&mut w, &sam, Action::SuspendAccount { sid });
    // He sees only his own and granted accounts.
    let owl = org_sid(&w, OWL);
    let seen: std::collections::BTreeSet<String> = w
        .org_accounts(&owl)
        .filter(|a| w.can_see_account(&user_sid(&w, SAM), &owl, a))
        .map(|a| a.name.clone())
        .collect();
    let expected: std::collections::BTreeSet<String> =
        ["Owl Staging", "Owl Contact Center", "Sam's Sandbox"]
            .map(String::from)
            .into();
    assert_eq!(seen, expected);
    // An Administrator sees all of them.
    let adam = user_sid(&w, ADAM);
    assert!(
        w.org_accounts(&owl)
            .all(|a| w.can_see_account(&adam, &owl, a))
    );
}

#[test]
fn rule_org_4_administrators_manage_only_the_owner_transfers_ownership() {
    let mut w = demo();
    let adam = ctx_as(&w, ADAM);
    // An Administrator invites, manages domains and settings.
    apply_ok(
        &mut w,
        &adam,
        invite("new.hire@owl-industries.example", OrgRole::Standard),
    );
    apply_ok(&mut w, &adam, set(Setting::BulkImport(true)));
    assert!(w.find_org(OWL).unwrap().settings.bulk_import);
    // But cannot transfer the org.
    refused_with(
        &mut w,
        &adam,
        Action::TransferOrg { user: ADAM.into() },
        "ORG-4",
    );
    // Someone outside the org cannot manage it either.
    let kai = ctx_as(&w, KAI);
    refused_with(
        &mut w,
        &kai,
        invite("y@owl-industries.example", OrgRole::Standard),
        "ORG-4",
    );
    let hana_in_owl = ctx_in(&w, OWL, HANA);
    refused_with(&mut w, &hana_in_owl, add_domain("hana.example"), "ORG-4");
}

#[test]
fn rule_org_5_ownership_goes_to_an_active_member_and_the_old_owner_becomes_admin() {
    let mut w = demo();
    let ctx = ctx_as(&w, OLIVIA);
    refused_with(
        &mut w,
        &ctx,
        Action::TransferOrg { user: DAN.into() },
        "ORG-5",
    ); // deactivated
    refused_with(
        &mut w,
        &ctx,
        Action::TransferOrg { user: KAI.into() },
        "ORG-5",
    ); // outside
    refused_with(
        &mut w,
        &ctx,
        Action::TransferOrg { user: FERN.into() },
        "ORG-5",
    ); // other org
    apply_ok(&mut w, &ctx, Action::TransferOrg { user: SARA.into() });
    assert_eq!(role_of(&w, SARA), Some(OrgRole::Owner));
    assert_eq!(role_of(&w, OLIVIA), Some(OrgRole::Administrator));
}

#[test]
fn rule_org_6_an_org_cannot_be_deleted_merge_instead() {
    let mut w = demo();
    let ctx = ctx_as(&w, OLIVIA);
    let r = refused_with(&mut w, &ctx, Action::DeleteOrg, "ORG-6");
    assert!(r.hint.contains("merge"), "{}", r.hint);
}

#[test]
fn rule_org_7_org_names_are_1_to_64_characters() {
    let mut w = demo();
    let ctx = ctx_as(&w, OLIVIA);
    refused_with(
        &mut w,
        &ctx,
        Action::RenameOrg { name: "   ".into() },
        "ORG-7",
    );
    refused_with(
        &mut w,
        &ctx,
        Action::RenameOrg {
            name: "o".repeat(65),
        },
        "ORG-7",
    );
    apply_ok(
        &mut w,
        &ctx,
        Action::RenameOrg {
            name: "ö".repeat(64),
        },
    );
    assert_eq!(w.org_name(&ctx.org), "ö".repeat(64));
}

#[test]
fn rule_org_8_the_new_owners_accounts_join_as_managed() {
    let mut w = demo();
    let ctx = ctx_as(&w, OLIVIA);
    // Liam owns an account outside every org; he joins, then becomes Owner.
    new_member(&mut w, &ctx, LIAM, OrgRole::Standard);
    assert_eq!(account(&w, "Owl Legacy Billing").link, None);
    apply_ok(&mut w, &ctx, Action::TransferOrg { user: LIAM.into() });
    let link = account(&w, "Owl Legacy Billing")
        .link
        .clone()
        .expect("joined");
    assert_eq!(
        (link.org, link.state),
        (ctx.org.clone(), LinkState::Managed)
    );
    // An account added later for the Owner is managed from the start.
    let out = apply_ok(
        &mut w,
        &ctx,
        Action::AddWorldAccount {
            name: "Liam Side Project".into(),
            owner: LIAM.into(),
            full: false,
        },
    );
    let sid = created(&out, SidKind::Account);
    assert_eq!(
        w.accounts[&sid].link.as_ref().map(|l| l.state.clone()),
        Some(LinkState::Managed)
    );
}

#[test]
fn rule_org_8_transfer_is_refused_when_the_new_owners_accounts_would_exceed_the_limit() {
    let mut w = demo();
    let ctx = ctx_as(&w, OLIVIA);
    new_member(&mut w, &ctx, LIAM, OrgRole::Standard);
    let used = w.accounts_toward_limit(&ctx.org) as u32;
    apply_ok(&mut w, &ctx, set(Setting::AccountLimit(used)));
    refused_with(
        &mut w,
        &ctx,
        Action::TransferOrg { user: LIAM.into() },
        "ACC-3",
    );
}

// ============================================================================================
// ACC — accounts
// ============================================================================================

#[test]
fn rule_acc_1_create_checks_the_name_and_starts_fresh() {
    let mut w = demo();
    let ctx = ctx_as(&w, ADAM);
    refused_with(&mut w, &ctx, create(""), "ACC-1");
    refused_with(&mut w, &ctx, create(&"a".repeat(65)), "ACC-1");
    // The owner, when chosen, must be an active managed member.
    for owner in [DAN, KAI, FERN] {
        refused_with(
            &mut w,
            &ctx,
            Action::CreateAccount {
                name: "X".into(),
                flex: false,
                owner: Some(owner.into()),
            },
            "ACC-1",
        );
    }
    let out = apply_ok(
        &mut w,
        &ctx,
        Action::CreateAccount {
            name: "Owl Flex Pilot".into(),
            flex: true,
            owner: Some(SARA.into()),
        },
    );
    let a = &w.accounts[&created(&out, SidKind::Account)];
    assert_eq!(a.name, "Owl Flex Pilot");
    assert_eq!(a.owner, Some(user_sid(&w, SARA)));
    assert_eq!(a.usage, Usage::Flex);
    assert_eq!(a.status, AccountStatus::Active);
    assert_eq!(a.account_type, AccountType::Trial);
    assert!(!a.hipaa);
    assert!(w.grants_on(&a.sid).is_empty());
    assert_eq!(a.parent, None);
    assert_eq!(a.created_at, w.clock);
}

#[test]
fn rule_acc_2_accounts_created_by_any_managed_user_join_the_org() {
    let mut w = demo();
    for who in [OLIVIA, ADAM, SARA] {
        let ctx = ctx_as(&w, who);
        let out = apply_ok(&mut w, &ctx, create(&format!("made by {who}")));
        let a = &w.accounts[&created(&out, SidKind::Account)];
        assert_eq!(w.kind_in(a, &ctx.org), Some(AccountKind::Managed));
        assert_eq!(a.owner, Some(user_sid(&w, who)));
    }
}

#[test]
fn rule_acc_3_managed_plus_pending_accounts_stay_within_the_limit() {
    let mut w = demo();
    let ctx = ctx_as(&w, OLIVIA);
    // Owl: 3 managed + 1 pending count; the independent account and subaccounts do not.
    assert_eq!(w.accounts_toward_limit(&ctx.org), 4);
    apply_ok(&mut w, &ctx, set(Setting::AccountLimit(5)));
    apply_ok(&mut w, &ctx, create("The fifth"));
    refused_with(&mut w, &ctx, create("The sixth"), "ACC-3");
    let liam = acc(&w, "Owl Legacy Billing");
    refused_with(
        &mut w,
        &ctx,
        Action::ImportAccount { sid: liam.clone() },
        "ACC-3",
    );
    // Closing one makes room again.
    let fifth = acc(&w, "The fifth");
    apply_ok(
        &mut w,
        &ctx,
        Action::CloseAccount {
            sid: fifth,
            confirm_name: "The fifth".into(),
        },
    );
    apply_ok(&mut w, &ctx, Action::ImportAccount { sid: liam });
    // The limit cannot be set below what is used, nor to zero.
    refused_with(&mut w, &ctx, set(Setting::AccountLimit(4)), "ACC-3");
    refused_with(&mut w, &ctx, set(Setting::AccountLimit(0)), "ACC-3");
}

#[test]
fn rule_acc_4_import_requires_verified_owner_domain() {
    let mut w = demo();
    let ctx = ctx_as(&w, ADAM);
    // Ivy's account: owner on owl-labs.example, which is not verified.
    let ivy = acc(&w, "Owl Labs Prototype");
    let r = refused_with(&mut w, &ctx, Action::ImportAccount { sid: ivy }, "ACC-4");
    assert!(r.hint.contains("owl-labs.example"));
    // Not importable: a subaccount, an account of another org, one already pending, one that does not exist.
    for name in [
        "Owl Prod EU",
        "Finch Reporting",
        "Owl Marketing Sandbox",
        "Kestrel Partner Portal",
    ] {
        let sid = acc(&w, name);
        refused_with(&mut w, &ctx, Action::ImportAccount { sid }, "ACC-4");
    }
    let missing = format!("AC{}", "0".repeat(32));
    refused_with(
        &mut w,
        &ctx,
        Action::ImportAccount { sid: missing },
        "ACC-4",
    );
    // Liam's account: owner on the verified owl-industries.example → Pending.
    let liam = acc(&w, "Owl Legacy Billing");
    apply_ok(&mut w, &ctx, Action::ImportAccount { sid: liam.clone() });
    let a = account(&w, "Owl Legacy Billing");
    assert_eq!(w.kind_in(a, &ctx.org), Some(AccountKind::Pending));
    assert!(matches!(
        a.link.as_ref().unwrap().state,
        LinkState::PendingImport { .. }
    ));
    assert_eq!(
        role_of(&w, LIAM),
        None,
        "the owner joins only on confirming"
    );
}

#[test]
fn rule_acc_4_closed_accounts_cannot_be_imported() {
    let mut w = demo();
    let ctx = ctx_as(&w, OLIVIA);
    // Liam joins, his account joins through an import; then it is closed and he leaves.
    let liam_acc = acc(&w, "Owl Legacy Billing");
    apply_ok(
        &mut w,
        &ctx,
        Action::ImportAccount {
            sid: liam_acc.clone(),
        },
    );
    let liam = ctx_in(&w, OWL, LIAM);
    apply_ok(
        &mut w,
        &liam,
        Action::ConfirmAccount {
            sid: liam_acc.clone(),
        },
    );
    apply_ok(
        &mut w,
        &ctx,
        Action::CloseAccount {
            sid: liam_acc.clone(),
            confirm_name: "Owl Legacy Billing".into(),
        },
    );
    let heron = ctx_as(&w, HANA);
    refused_with(
        &mut w,
        &heron,
        Action::ImportAccount { sid: liam_acc },
        "ACC-4",
    );
}

#[test]
fn rule_acc_5_pending_import_is_confirmed_declined_or_cancelled() {
    let mut w = demo();
    let sandbox = acc(&w, "Owl Marketing Sandbox");
    let owl = org_sid(&w, OWL);
    // Only the account's owner confirms.
    let adam = ctx_as(&w, ADAM);
    refused_with(
        &mut w,
        &adam,
        Action::ConfirmAccount {
            sid: sandbox.clone(),
        },
        "ACC-5",
    );
    // A pending account cannot be managed yet.
    refused_with(
        &mut w,
        &adam,
        Action::UpgradeAccount {
            sid: sandbox.clone(),
        },
        "ACC-5",
    );
    // Declined: the request disappears.
    let mut declined = w.clone();
    let mia = ctx_in(&w, OWL, MIA);
    apply_ok(
        &mut declined,
        &mia,
        Action::DeclineAccount {
            sid: sandbox.clone(),
        },
    );
    assert_eq!(account(&declined, "Owl Marketing Sandbox").link, None);
    assert_eq!(role_of(&declined, MIA), None);
    // Cancelled by an administrator: gone as well.
    let mut cancelled = w.clone();
    apply_ok(
        &mut cancelled,
        &adam,
        Action::CancelAccount {
            sid: sandbox.clone(),
        },
    );
    assert_eq!(account(&cancelled, "Owl Marketing Sandbox").link, None);
    // Confirmed: managed, and Mia joins as Standard.
    apply_ok(
        &mut w,
        &mia,
        Action::ConfirmAccount {
            sid: sandbox.clone(),
        },
    );
    let a = account(&w, "Owl Marketing Sandbox");
    assert_eq!(w.kind_in(a, &owl), Some(AccountKind::Managed));
    assert_eq!(role_of(&w, MIA), Some(OrgRole::Standard));
    // Managed now, so there is nothing to cancel.
    refused_with(
        &mut w,
        &adam,
        Action::CancelAccount { sid: sandbox },
        "ACC-5",
    );
}

#[test]
fn rule_acc_5_an_owner_in_another_org_cannot_confirm() {
    let mut w = demo();
    let sandbox = acc(&w, "Owl Marketing Sandbox");
    // Given Mia has joined Heron Logistics (Owl shares owl-industries.example with it, multi-verified)
    let owl = ctx_as(&w, OLIVIA);
    apply_ok(
        &mut w,
        &owl,
        Action::SetSignup {
            setting: SignupSetting::Blocked,
        },
    );
    apply_ok(
        &mut w,
        &owl,
        set(Setting::MultiVerified {
            domain: "owl-industries.example".into(),
            on: true,
        }),
    );
    let heron = ctx_as(&w, HANA);
    apply_ok(
        &mut w,
        &heron,
        Action::SetSignup {
            setting: SignupSetting::Blocked,
        },
    );
    verify_new_domain(&mut w, &heron, "owl-industries.example");
    new_member(&mut w, &heron, MIA, OrgRole::Standard);
    let mia = ctx_in(&w, OWL, MIA);
    refused_with(
        &mut w,
        &mia,
        Action::ConfirmAccount { sid: sandbox },
        "USR-2",
    );
}

#[test]
fn rule_acc_6_independent_accounts_allow_only_access_changes() {
    let mut w = demo();
    let ctx = ctx_as(&w, OLIVIA);
    let portal = acc(&w, "Kestrel Partner Portal");
    for action in [
        Action::SuspendAccount {
            sid: portal.clone(),
        },
        Action::CloseAccount {
            sid: portal.clone(),
            confirm_name: "Kestrel Partner Portal".into(),
        },
        Action::RenameAccount {
            sid: portal.clone(),
            name: "Mine now".into(),
        },
        Action::SetHipaa {
            sid: portal.clone(),
            on: true,
        },
        Action::CreateSubaccount {
            parent: portal.clone(),
            name: None,
        },
        Action::TransferAccount {
            sid: portal.clone(),
            user: ADAM.into(),
        },
        Action::UpgradeAccount {
            sid: portal.clone(),
        },
    ] {
        refused_with(&mut w, &ctx, action, "ACC-6");
    }
    // Granting and revoking access are allowed.
    apply_ok(
        &mut w,
        &ctx,
        Action::GrantAccess {
            sid: portal.clone(),
            user: SARA.into(),
            roles: vec![AccountRole::Support],
        },
    );
    let sara = user_sid(&w, SARA);
    assert!(
        w.grants_on(&account(&w, "Kestrel Partner Portal").sid)
            .contains_key(&sara)
    );
    apply_ok(
        &mut w,
        &ctx,
        Action::RevokeAccess {
            sid: portal.clone(),
            user: SARA.into(),
        },
    );
    assert!(
        !w.grants_on(&account(&w, "Kestrel Partner Portal").sid)
            .contains_key(&sara)
    );
    // Relinquishing: the account leaves the org, with the access the org granted.
    apply_ok(&mut w, &ctx, Action::CancelAccount { sid: portal });
    let a = account(&w, "Kestrel Partner Portal");
    assert_eq!(a.link, None);
    assert!(w.grants_on(&a.sid).is_empty());
    assert_eq!(a.owner, Some(user_sid(&w, KAI)));
}

#[test]
fn rule_acc_6_independent_accounts_come_from_an_outside_owner_accepting() {
    let mut w = demo();
    let ctx = ctx_as(&w, ADAM);
    // Ivy is outside every org; her account is linked once she accepts.
    let proto = acc(&w, "Owl Labs Prototype");
    // An account whose owner is a member must be imported instead.
    let out = apply_ok(
        &mut w,
        &ctx,
        Action::AddWorldAccount {
            name: "Sara Side".into(),
            owner: SARA.into(),
            full: false,
        },
    );
    let side = created(&out, SidKind::Account).to_string();
    refused_with(&mut w, &ctx, Action::LinkAccount { sid: side }, "ACC-6");
    apply_ok(&mut w, &ctx, Action::LinkAccount { sid: proto.clone() });
    assert_eq!(
        w.kind_in(account(&w, "Owl Labs Prototype"), &ctx.org),
        Some(AccountKind::Pending)
    );
    let ivy = ctx_as(&w, IVY);
    apply_ok(&mut w, &ivy, Action::ConfirmAccount { sid: proto });
    let a = account(&w, "Owl Labs Prototype");
    assert_eq!(w.kind_in(a, &ctx.org), Some(AccountKind::Independent));
    assert_eq!(
        role_of(&w, IVY),
        None,
        "an independent account's owner does not join"
    );
}

#[test]
fn rule_acc_7_ownership_goes_to_an_active_managed_member_and_the_old_owner_keeps_admin() {
    let mut w = demo();
    let ctx = ctx_as(&w, ADAM);
    let staging = acc(&w, "Owl Staging");
    refused_with(
        &mut w,
        &ctx,
        Action::TransferAccount {
            sid: staging.clone(),
            user: DAN.into(),
        },
        "ACC-7",
    );
    refused_with(
        &mut w,
        &ctx,
        Action::TransferAccount {
            sid: staging.clone(),
            user: SAM.into(),
        },
        "ACC-7",
    );
    // External users never own a managed account: the transfer rule says so (rev 2, defect 11).
    refused_with(
        &mut w,
        &ctx,
        Action::TransferAccount {
            sid: staging.clone(),
            user: EVE.into(),
        },
        "ACC-7",
    );
    apply_ok(
        &mut w,
        &ctx,
        Action::TransferAccount {
            sid: staging,
            user: SARA.into(),
        },
    );
    let a = account(&w, "Owl Staging");
    assert_eq!(a.owner, Some(user_sid(&w, SARA)));
    assert_eq!(
        w.grants_on(&a.sid).get(&user_sid(&w, SAM)),
        Some(&[AccountRole::Administrator].into())
    );
}

#[test]
fn rule_acc_8_status_changes_close_is_irreversible_and_needs_the_name() {
    let mut w = demo();
    let ctx = ctx_as(&w, OLIVIA);
    let prod = acc(&w, "Owl Production");
    // Suspending cascades to the subaccounts; resuming brings them back.
    apply_ok(&mut w, &ctx, Action::SuspendAccount { sid: prod.clone() });
    assert_eq!(status_of(&w, "Owl Prod EU"), AccountStatus::Suspended);
    refused_with(
        &mut w,
        &ctx,
        Action::SuspendAccount { sid: prod.clone() },
        "ACC-8",
    );
    apply_ok(&mut w, &ctx, Action::ResumeAccount { sid: prod.clone() });
    assert_eq!(status_of(&w, "Owl Prod US"), AccountStatus::Active);
    refused_with(
        &mut w,
        &ctx,
        Action::ResumeAccount { sid: prod.clone() },
        "ACC-8",
    );
    // Closing needs the exact name.
    refused_with(
        &mut w,
        &ctx,
        Action::CloseAccount {
            sid: prod.clone(),
            confirm_name: "owl production".into(),
        },
        "ACC-8",
    );
    apply_ok(
        &mut w,
        &ctx,
        Action::CloseAccount {
            sid: prod.clone(),
            confirm_name: "Owl Production".into(),
        },
    );
    for name in ["Owl Production", "Owl Prod EU", "Owl Prod US"] {
        assert_eq!(status_of(&w, name), AccountStatus::Closed, "{name}");
        assert_eq!(account(&w, name).closed_at, Some(w.clock));
    }
    // No way back.
    refused_with(
        &mut w,
        &ctx,
        Action::ResumeAccount { sid: prod.clone() },
        "ACC-8",
    );
    refused_with(
        &mut w,
        &ctx,
        Action::SuspendAccount { sid: prod.clone() },
        "ACC-8",
    );
    refused_with(
        &mut w,
        &ctx,
        Action::CloseAccount {
            sid: prod,
            confirm_name: "Owl Production".into(),
        },
        "ACC-8",
    );
}

#[test]
fn rule_acc_9_trial_upgrades_to_full_never_back() {
    let mut w = demo();
    let ctx = ctx_as(&w, SAM);
    let staging = acc(&w, "Owl Staging");
    apply_ok(
        &mut w,
        &ctx,
        Action::UpgradeAccount {
            sid: staging.clone(),
        },
    );
    assert_eq!(account(&w, "Owl Staging").account_type, AccountType::Full);
    refused_with(
        &mut w,
        &ctx,
        Action::UpgradeAccount { sid: staging },
        "ACC-9",
    );
}

#[test]
fn rule_acc_10_a_subaccount_bills_to_its_parent() {
    let mut w = demo();
    let ctx = ctx_as(&w, OLIVIA);
    let eu = acc(&w, "Owl Prod EU");
    refused_with(
        &mut w,
        &ctx,
        Action::UpgradeAccount { sid: eu.clone() },
        "ACC-10",
    );
    // There is no org-level billing: the org holds no plan or type of its own, and a
    // subaccount's billing account is its main account.
    let sub = account(&w, "Owl Prod EU");
    assert_eq!(w.main_account(sub).name, "Owl Production");
    assert_eq!(
        w.main_account(account(&w, "Owl Staging")).name,
        "Owl Staging"
    );
}

// ============================================================================================
// SUB — subaccounts
// ============================================================================================

#[test]
fn rule_sub_1_a_subaccount_cannot_have_subaccounts() {
    let mut w = demo();
    let ctx = ctx_as(&w, OLIVIA);
    let eu = acc(&w, "Owl Prod EU");
    refused_with(
        &mut w,
        &ctx,
        Action::CreateSubaccount {
            parent: eu,
            name: Some("Nested".into()),
        },
        "SUB-1",
    );
    let prod = acc(&w, "Owl Production");
    let out = apply_ok(
        &mut w,
        &ctx,
        Action::CreateSubaccount {
            parent: prod.clone(),
            name: Some("Owl Prod APAC".into()),
        },
    );
    let s = &w.accounts[&created(&out, SidKind::Account)];
    assert_eq!(s.parent.as_ref().map(Sid::to_string), Some(prod));
}

#[test]
fn rule_sub_2_trial_parents_have_one_open_subaccount() {
    let mut w = demo();
    let ctx = ctx_as(&w, SAM);
    let staging = acc(&w, "Owl Staging");
    let sub = |n: &str| Action::CreateSubaccount {
        parent: staging.clone(),
        name: Some(n.into()),
    };
    let out = apply_ok(&mut w, &ctx, sub("First"));
    let first = created(&out, SidKind::Account).to_string();
    refused_with(&mut w, &ctx, sub("Second"), "SUB-2");
    // Closed ones do not count.
    apply_ok(
        &mut w,
        &ctx,
        Action::CloseAccount {
            sid: first,
            confirm_name: "First".into(),
        },
    );
    apply_ok(&mut w, &ctx, sub("Second"));
    // A Full parent has the (settable) limit: Owl Production has 2 open subaccounts.
    let owner = ctx_as(&w, OLIVIA);
    refused_with(&mut w, &owner, set(Setting::SubaccountLimit(1)), "SUB-2");
    apply_ok(&mut w, &owner, set(Setting::SubaccountLimit(3)));
    let prod = acc(&w, "Owl Production");
    apply_ok(
        &mut w,
        &owner,
        Action::CreateSubaccount {
            parent: prod.clone(),
            name: Some("Third".into()),
        },
    );
    refused_with(
        &mut w,
        &owner,
        Action::CreateSubaccount {
            parent: prod,
            name: Some("Fourth".into()),
        },
        "SUB-2",
    );
}

#[test]
fn rule_sub_3_subaccount_names_up_to_64_and_empty_gets_a_dated_name() {
    let mut w = demo();
    let ctx = ctx_as(&w, OLIVIA);
    let prod = acc(&w, "Owl Production");
    refused_with(
        &mut w,
        &ctx,
        Action::CreateSubaccount {
            parent: prod.clone(),
            name: Some("s".repeat(65)),
        },
        "SUB-3",
    );
    let out = apply_ok(
        &mut w,
        &ctx,
        Action::CreateSubaccount {
            parent: prod.clone(),
            name: Some("".into()),
        },
    );
    // The demo clock is 2026-12-14 09:00 UTC.
    let sid = created(&out, SidKind::Account);
    assert_eq!(
        w.accounts[&sid].name,
        "SubAccount Created at 2026-12-14 09:00 am"
    );
    let out = apply_ok(
        &mut w,
        &ctx,
        Action::CreateSubaccount {
            parent: prod.clone(),
            name: None,
        },
    );
    let sid = created(&out, SidKind::Account);
    assert!(w.accounts[&sid].name.starts_with("SubAccount Created at "));
    // Renaming a subaccount follows the same bound.
    refused_with(
        &mut w,
        &ctx,
        Action::RenameAccount {
            sid: sid.to_string(),
            name: "s".repeat(65),
        },
        "SUB-3",
    );
}

#[test]
fn rule_sub_4_a_subaccount_has_no_owner_of_its_own() {
    let mut w = demo();
    let ctx = ctx_as(&w, OLIVIA);
    let eu = acc(&w, "Owl Prod EU");
    refused_with(
        &mut w,
        &ctx,
        Action::TransferAccount {
            sid: eu.clone(),
            user: ADAM.into(),
        },
        "SUB-4",
    );
    refused_with(
        &mut w,
        &ctx,
        Action::GrantAccess {
            sid: eu.clone(),
            user: SARA.into(),
            roles: vec![AccountRole::Support],
        },
        "SUB-4",
    );
    let sub = account(&w, "Owl Prod EU");
    assert_eq!(sub.owner, None);
    assert_eq!(w.owner_of(sub), Some(user_sid(&w, OLIVIA)));
    // The parent's owner and administrators reach it; Sara, granted on the parent, sees it.
    let owl = org_sid(&w, OWL);
    assert!(w.can_see_account(&user_sid(&w, ADAM), &owl, sub));
    assert!(w.can_see_account(&user_sid(&w, SARA), &owl, sub));
    assert!(!w.can_see_account(&user_sid(&w, SAM), &owl, sub));
}

#[test]
fn rule_sub_5_a_suspended_parent_freezes_its_subaccounts_status() {
    let mut w = demo();
    let ctx = ctx_as(&w, OLIVIA);
    let prod = acc(&w, "Owl Production");
    let eu = acc(&w, "Owl Prod EU");
    apply_ok(&mut w, &ctx, Action::SuspendAccount { sid: prod.clone() });
    refused_with(
        &mut w,
        &ctx,
        Action::ResumeAccount { sid: eu.clone() },
        "SUB-5",
    );
    refused_with(
        &mut w,
        &ctx,
        Action::CloseAccount {
            sid: eu.clone(),
            confirm_name: "Owl Prod EU".into(),
        },
        "SUB-5",
    );
    refused_with(
        &mut w,
        &ctx,
        Action::CreateSubaccount {
            parent: prod.clone(),
            name: None,
        },
        "SUB-5",
    );
    apply_ok(&mut w, &ctx, Action::ResumeAccount { sid: prod });
    apply_ok(&mut w, &ctx, Action::SuspendAccount { sid: eu });
    assert_eq!(status_of(&w, "Owl Prod EU"), AccountStatus::Suspended);
    assert_eq!(status_of(&w, "Owl Production"), AccountStatus::Active);
}

#[test]
fn rule_sub_6_closed_subaccounts_are_purged_after_30_days() {
    let mut w = demo();
    let ctx = ctx_as(&w, OLIVIA);
    let eu = acc(&w, "Owl Prod EU");
    let eu_sid = Sid::parse_any(&eu).unwrap();
    apply_ok(
        &mut w,
        &ctx,
        Action::CloseAccount {
            sid: eu,
            confirm_name: "Owl Prod EU".into(),
        },
    );
    apply_ok(
        &mut w,
        &ctx,
        Action::AdvanceClock {
            seconds: days(30) - 1,
        },
    );
    assert!(w.accounts.contains_key(&eu_sid));
    let out = apply_ok(&mut w, &ctx, Action::AdvanceClock { seconds: 1 });
    assert!(!w.accounts.contains_key(&eu_sid));
    assert!(out.report.iter().any(|(e, _)| e.contains("purged")));
    assert!(w.audit.last().unwrap().detail.contains("purged"));
    // The open sibling stays.
    assert_eq!(status_of(&w, "Owl Prod US"), AccountStatus::Active);
}

// ============================================================================================
// DOM — domains
// ============================================================================================

#[test]
fn rule_dom_1_domain_input_is_normalized_and_www_is_refused() {
    let mut w = demo();
    let ctx = ctx_as(&w, ADAM);
    let r = refused_with(&mut w, &ctx, add_domain("www.owl-shop.example"), "DOM-1");
    assert!(r.hint.contains("owl-shop.example"));
    apply_ok(
        &mut w,
        &ctx,
        add_domain("  HTTPS://Owl-Shop.Example./cart?x=1 "),
    );
    let org = w.find_org(OWL).unwrap();
    assert!(org.domains.contains_key("owl-shop.example"));
    assert_eq!(org.domains.len(), 3);
}

/// DOM-1's fix is the bare domain only when that could be added; otherwise the hint says why
/// not, so following it never meets another refusal.
#[test]
fn rule_dom_1_the_bare_domain_is_offered_only_when_it_could_be_added() {
    let mut w = demo();
    let ctx = ctx_as(&w, ADAM);
    let r = refused_with(&mut w, &ctx, add_domain("www.owl-shop.example"), "DOM-1");
    assert_eq!(r.fixes.len(), 1);
    assert_eq!(r.fixes[0].action, add_domain("owl-shop.example"));
    for (input, why) in [
        ("www.gmail.com", "DOM-3"),
        ("www.owl-industries.example", "DOM-4"),
    ] {
        let r = refused_with(&mut w, &ctx, add_domain(input), "DOM-1");
        assert!(r.fixes.is_empty(), "{input}: {:?}", r.fixes);
        assert!(r.hint.contains("cannot be added either"), "{}", r.hint);
        assert!(r.hint.contains(why), "{}", r.hint);
    }
}

/// DOM-2: an email address or a port around a domain is refused with the domain alone as the fix.
#[test]
fn rule_dom_2_an_email_or_port_is_refused_with_the_domain_alone_as_the_fix() {
    let mut w = demo();
    let ctx = ctx_as(&w, ADAM);
    for input in [
        "sam@owl-shop.example",
        "owl-shop.example:8443",
        "https://sam@www.owl-shop.example:443/x",
    ] {
        let r = refused_with(&mut w, &ctx, add_domain(input), "DOM-2");
        assert!(r.hint.contains("owl-shop.example"), "{input}: {}", r.hint);
        assert_eq!(r.fixes.len(), 1, "{input}");
        assert_eq!(r.fixes[0].action, add_domain("owl-shop.example"));
    }
    let r = refused_with(&mut w, &ctx, add_domain("a..example"), "DOM-2");
    assert!(r.message.contains("empty label"), "{}", r.message);
    assert!(r.fixes.is_empty());
    apply_ok(&mut w, &ctx, add_domain("owl-shop.example"));
}

#[test]
fn rule_dom_2_a_domain_is_a_valid_host_name_with_two_labels() {
    let mut w = demo();
    let ctx = ctx_as(&w, ADAM);
    let long = format!("{}.example", vec!["a".repeat(60); 5].join("."));
    assert!(long.len() > 253);
    for bad in [
        "localhost",
        "bad_label.example",
        "-dash.example",
        "a..example",
        "10.0.0.1",
        long.as_str(),
    ] {
        refused_with(&mut w, &ctx, add_domain(bad), "DOM-2");
    }
    apply_ok(&mut w, &ctx, add_domain("a-b.c-d.example"));
    assert!(
        w.find_org(OWL)
            .unwrap()
            .domains
            .contains_key("a-b.c-d.example")
    );
}

#[test]
fn rule_dom_3_common_email_domains_cannot_be_added() {
    let mut w = demo();
    let ctx = ctx_as(&w, ADAM);
    for common in [
        "gmail.com",
        "Outlook.com",
        "mail.yahoo.com",
        "icloud.com",
        "hotmail.com",
    ] {
        refused_with(&mut w, &ctx, add_domain(common), "DOM-3");
    }
    assert!(tworg::model::domains::is_common_domain("eu.gmail.com"));
    assert!(!tworg::model::domains::is_common_domain("notgmail.com"));
}

#[test]
fn rule_dom_4_a_domain_cannot_be_added_twice() {
    let mut w = demo();
    let ctx = ctx_as(&w, ADAM);
    refused_with(&mut w, &ctx, add_domain("owl-industries.example"), "DOM-4");
    refused_with(&mut w, &ctx, add_domain("OWL-LABS.example."), "DOM-4");
}

#[test]
fn rule_dom_5_a_domain_verified_elsewhere_needs_multi_verified() {
    let mut w = demo();
    let owl = ctx_as(&w, OLIVIA);
    refused_with(&mut w, &owl, add_domain("heron-logistics.example"), "DOM-5");
    // A subdomain is a different domain.
    apply_ok(&mut w, &owl, add_domain("eu.heron-logistics.example"));
    // Heron marks it multi-verified (after going Blocked, SIGN-5); now Owl may add and verify it.
    let heron = ctx_as(&w, HANA);
    heron_shares_its_domain(&mut w, &heron);
    apply_ok(
        &mut w,
        &owl,
        Action::SetSignup {
            setting: SignupSetting::Blocked,
        },
    );
    verify_new_domain(&mut w, &owl, "heron-logistics.example");
    let d = &w.find_org(OWL).unwrap().domains["heron-logistics.example"];
    assert!(d.is_verified() && d.multi_verified);
}

#[test]
fn rule_dom_5_a_multi_verified_domain_is_held_by_at_most_20_orgs() {
    let mut w = demo();
    let heron = ctx_as(&w, HANA);
    heron_shares_its_domain(&mut w, &heron);
    // 19 more orgs (standalone sign-ups on their own domains) verify it too: 20 in all.
    let mut last = None;
    for i in 0..20 {
        let out = apply_ok(
            &mut w,
            &heron,
            Action::Signup {
                email: format!("o{i}@org{i}.example"),
                name: None,
            },
        );
        let ctx = Ctx::new(created(&out, SidKind::Org), created(&out, SidKind::User));
        apply_ok(
            &mut w,
            &ctx,
            Action::SetSignup {
                setting: SignupSetting::Blocked,
            },
        );
        if i < 19 {
            verify_new_domain(&mut w, &ctx, "heron-logistics.example");
        } else {
            last = Some(ctx);
        }
    }
    let holders = w
        .orgs
        .values()
        .filter(|o| {
            o.domains
                .get("heron-logistics.example")
                .is_some_and(|d| d.is_verified())
        })
        .count();
    assert_eq!(holders, 20);
    refused_with(
        &mut w,
        &last.unwrap(),
        add_domain("heron-logistics.example"),
        "DOM-5",
    );
}

#[test]
fn rule_dom_6_at_most_the_domain_limit() {
    let mut w = demo();
    let ctx = ctx_as(&w, ADAM);
    refused_with(&mut w, &ctx, set(Setting::DomainLimit(1)), "DOM-6");
    apply_ok(&mut w, &ctx, set(Setting::DomainLimit(3)));
    apply_ok(&mut w, &ctx, add_domain("third.example"));
    refused_with(&mut w, &ctx, add_domain("fourth.example"), "DOM-6");
    assert_eq!(w.find_org(OWL).unwrap().domains.len(), 3);
}

#[test]
fn rule_dom_7_a_new_domain_is_unverified_with_a_fresh_token_and_record() {
    let mut w = demo();
    let ctx = ctx_as(&w, ADAM);
    let out = apply_ok(&mut w, &ctx, add_domain("owl-shop.example"));
    let org = w.find_org(OWL).unwrap();
    let d = &org.domains["owl-shop.example"];
    assert_eq!(d.status, DomainStatus::Unverified);
    assert_eq!(d.token.len(), 32);
    assert!(d.token.chars().all(|c| c.is_ascii_hexdigit()));
    assert_ne!(d.token, org.domains["owl-labs.example"].token);
    assert_eq!(d.txt_host(), "_twilio.owl-shop.example");
    assert_eq!(
        d.txt_value(),
        format!("twilio-domain-verification={}", d.token)
    );
    assert!(
        out.message.contains(&d.txt_value()) && out.message.contains("TTL 3600"),
        "{}",
        out.message
    );
    // Adding it is refused for a Standard user (ORG-3): nothing of DOM-7 happens then.
    let sam = ctx_as(&w, SAM);
    refused_with(&mut w, &sam, add_domain("sam-shop.example"), "ORG-3");
}

#[test]
fn rule_dom_8_verify_needs_the_exact_dns_record() {
    let mut w = demo();
    let ctx = ctx_as(&w, ADAM);
    apply_ok(&mut w, &ctx, add_domain("owl-shop.example"));
    let r = refused_with(
        &mut w,
        &ctx,
        Action::VerifyDomain {
            name: "owl-shop.example".into(),
        },
        "DOM-8",
    );
    assert!(r.message.contains("_twilio.owl-shop.example"));
    // A wrong value does not count.
    w.dns.insert(
        "_twilio.owl-shop.example".into(),
        vec!["twilio-domain-verification=nope".into()],
    );
    refused_with(
        &mut w,
        &ctx,
        Action::VerifyDomain {
            name: "owl-shop.example".into(),
        },
        "DOM-8",
    );
    assert_eq!(
        domain_status(&w, OWL, "owl-shop.example"),
        Some(DomainStatus::Unverified)
    );
    // owl-labs.example has its record published already.
    apply_ok(
        &mut w,
        &ctx,
        Action::VerifyDomain {
            name: "owl-labs.example".into(),
        },
    );
    assert_eq!(
        domain_status(&w, OWL, "owl-labs.example"),
        Some(DomainStatus::Verified)
    );
}

#[test]
fn rule_dom_9_a_missing_record_gives_30_days_then_the_domain_and_its_users_leave() {
    let mut w = demo();
    let ctx = ctx_as(&w, OLIVIA);
    let domain = "owl-industries.example";
    apply_ok(
        &mut w,
        &ctx,
        Action::UnpublishDns {
            domain: domain.into(),
        },
    );
    apply_ok(
        &mut w,
        &ctx,
        Action::RecheckDomain {
            name: domain.into(),
        },
    );
    let deadline = w.clock + jiff::SignedDuration::from_hours(24 * 30);
    assert_eq!(
        domain_status(&w, OWL, domain),
        Some(DomainStatus::VerifiedUncertain { deadline })
    );
    // Restoring the record returns it to verified.
    let mut restored = w.clone();
    apply_ok(
        &mut restored,
        &ctx,
        Action::PublishDns {
            domain: domain.into(),
        },
    );
    apply_ok(
        &mut restored,
        &ctx,
        Action::RecheckDomain {
            name: domain.into(),
        },
    );
    assert_eq!(
        domain_status(&restored, OWL, domain),
        Some(DomainStatus::Verified)
    );
    // At 0 days the domain goes with its managed users and their accounts; the Owner stays.
    apply_ok(&mut w, &ctx, Action::AdvanceClock { seconds: days(30) });
    assert_eq!(domain_status(&w, OWL, domain), None);
    assert_eq!(role_of(&w, OLIVIA), Some(OrgRole::Owner));
    for gone in [ADAM, AVA, SAM, SARA, DAN] {
        assert_eq!(role_of(&w, gone), None, "{gone} should have left");
        assert!(
            w.user_by_email(gone).is_some(),
            "{gone} is still a Twilio user"
        );
    }
    for name in ["Owl Staging", "Owl Contact Center"] {
        assert_eq!(
            account(&w, name).link,
            None,
            "{name} should have left the org"
        );
    }
    assert_eq!(
        w.kind_in(account(&w, "Owl Production"), &ctx.org),
        Some(AccountKind::Managed)
    );
}

#[test]
fn rule_dom_10_deleting_a_domain_needs_ack_and_no_owner_or_account_owner_on_it() {
    let mut w = demo();
    let ctx = ctx_as(&w, OLIVIA);
    // The Owner is on owl-industries.example.
    refused_with(
        &mut w,
        &ctx,
        Action::DeleteDomain {
            name: "owl-industries.example".into(),
            acknowledged: true,
        },
        "DOM-10",
    );
    // A domain with a member who owns a managed account, and one who does not.
    verify_new_domain(&mut w, &ctx, "owl-ops.example");
    new_member(&mut w, &ctx, "otto@owl-ops.example", OrgRole::Standard);
    new_member(&mut w, &ctx, "opal@owl-ops.example", OrgRole::Standard);
    apply_ok(
        &mut w,
        &ctx,
        Action::CreateAccount {
            name: "Ops".into(),
            flex: false,
            owner: Some("otto@owl-ops.example".into()),
        },
    );
    let del = |ack| Action::DeleteDomain {
        name: "owl-ops.example".into(),
        acknowledged: ack,
    };
    refused_with(&mut w, &ctx, del(true), "DOM-10");
    let sid = acc(&w, "Ops");
    apply_ok(
        &mut w,
        &ctx,
        Action::TransferAccount {
            sid,
            user: ADAM.into(),
        },
    );
    refused_with(&mut w, &ctx, del(false), "DOM-10");
    apply_ok(&mut w, &ctx, del(true));
    assert_eq!(domain_status(&w, OWL, "owl-ops.example"), None);
    assert_eq!(role_of(&w, "otto@owl-ops.example"), None);
    assert_eq!(role_of(&w, "opal@owl-ops.example"), None);
    assert!(w.user_by_email("opal@owl-ops.example").is_some());
}

#[test]
fn rule_dom_11_emails_match_domains_exactly() {
    let mut w = demo();
    let ctx = ctx_as(&w, OLIVIA);
    // stage.owl-industries.example is not owl-industries.example.
    refused_with(
        &mut w,
        &ctx,
        invite("x@stage.owl-industries.example", OrgRole::Standard),
        "USR-1",
    );
    let org = w.find_org(OWL).unwrap();
    assert!(
        w.domain_of_email(org, "a@stage.owl-industries.example")
            .is_none()
    );
    assert!(w.domain_of_email(org, "a@owl-industries.example").is_some());
    assert!(
        w.domain_of_email(org, "a@xowl-industries.example")
            .is_none()
    );
    // A member on the subdomain is not a user of the parent domain, and the reverse.
    verify_new_domain(&mut w, &ctx, "stage.owl-industries.example");
    new_member(
        &mut w,
        &ctx,
        "a@stage.owl-industries.example",
        OrgRole::Standard,
    );
    verify_new_domain(&mut w, &ctx, "owl-ops.example");
    new_member(&mut w, &ctx, "b@owl-ops.example", OrgRole::Standard);
    // Deleting stage.owl-industries.example takes only its own user with it.
    apply_ok(
        &mut w,
        &ctx,
        Action::DeleteDomain {
            name: "stage.owl-industries.example".into(),
            acknowledged: true,
        },
    );
    assert_eq!(role_of(&w, "a@stage.owl-industries.example"), None);
    for still in [ADAM, SAM, "b@owl-ops.example"] {
        assert!(role_of(&w, still).is_some(), "{still}");
    }
}

// ============================================================================================
// SIGN — sign-up setting
// ============================================================================================

#[test]
fn rule_sign_1_one_org_level_setting_for_all_verified_domains() {
    let mut w = demo();
    let ctx = ctx_as(&w, ADAM);
    let sam = ctx_as(&w, SAM);
    refused_with(
        &mut w,
        &sam,
        Action::SetSignup {
            setting: SignupSetting::Blocked,
        },
        "ORG-3",
    );
    refused_with(
        &mut w,
        &ctx,
        Action::Signup {
            email: "not-an-email".into(),
            name: None,
        },
        "SIGN-1",
    );
    verify_new_domain(&mut w, &ctx, "owl-ops.example");
    for s in SignupSetting::ALL {
        apply_ok(&mut w, &ctx, Action::SetSignup { setting: s });
        assert_eq!(w.find_org(OWL).unwrap().signup, s);
    }
    // The one setting covers every verified domain of the org.
    apply_ok(
        &mut w,
        &ctx,
        Action::SetSignup {
            setting: SignupSetting::AutoEnrollment,
        },
    );
    for email in ["a@owl-industries.example", "b@owl-ops.example"] {
        apply_ok(
            &mut w,
            &ctx,
            Action::Signup {
                email: email.into(),
                name: None,
            },
        );
        assert_eq!(role_of(&w, email), Some(OrgRole::Standard), "{email}");
    }
    assert_eq!(SignupSetting::Restricted.api_name(), "INVITATION_ONLY");
    assert_eq!(SignupSetting::AutoEnrollment.api_name(), "AUTO_MEMBERSHIP");
    assert_eq!(SignupSetting::Blocked.api_name(), "NO_MEMBERSHIP");
}

#[test]
fn rule_sign_2_restricted_refuses_sign_ups_without_an_invitation() {
    let mut w = demo();
    let anyone = ctx_as(&w, OLIVIA);
    assert_eq!(w.find_org(OWL).unwrap().signup, SignupSetting::Restricted);
    refused_with(
        &mut w,
        &anyone,
        Action::Signup {
            email: "stranger@owl-industries.example".into(),
            name: None,
        },
        "SIGN-2",
    );
    // Paula is invited (with Developer on Owl Production): she joins.
    apply_ok(
        &mut w,
        &anyone,
        Action::Signup {
            email: PAULA.into(),
            name: Some("Paula Pending".into()),
        },
    );
    assert_eq!(role_of(&w, PAULA), Some(OrgRole::Standard));
    assert!(w.find_org(OWL).unwrap().invitations.is_empty());
    let paula = user_sid(&w, PAULA);
    assert_eq!(
        w.grants_on(&account(&w, "Owl Production").sid).get(&paula),
        Some(&[AccountRole::Developer].into())
    );
    // Emails on unverified or foreign domains sign up standalone.
    apply_ok(
        &mut w,
        &anyone,
        Action::Signup {
            email: "x@owl-labs.example".into(),
            name: None,
        },
    );
    assert_eq!(role_of(&w, "x@owl-labs.example"), Some(OrgRole::Owner));
}

#[test]
fn rule_sign_3_auto_enrollment_joins_as_standard() {
    let mut w = demo();
    let ctx = ctx_as(&w, ADAM);
    apply_ok(
        &mut w,
        &ctx,
        Action::SetSignup {
            setting: SignupSetting::AutoEnrollment,
        },
    );
    let n_orgs = w.orgs.len();
    apply_ok(
        &mut w,
        &ctx,
        Action::Signup {
            email: "walk.in@owl-industries.example".into(),
            name: None,
        },
    );
    let u = user(&w, "walk.in@owl-industries.example");
    let m = u.membership.as_ref().unwrap();
    assert_eq!(
        (&m.org, m.role, m.status),
        (&ctx.org, OrgRole::Standard, MemberStatus::Active)
    );
    assert_eq!(w.orgs.len(), n_orgs, "no org of their own");
}

#[test]
fn rule_sign_4_blocked_creates_a_standalone_user() {
    let mut w = demo();
    let ctx = ctx_as(&w, ADAM);
    apply_ok(
        &mut w,
        &ctx,
        Action::SetSignup {
            setting: SignupSetting::Blocked,
        },
    );
    let out = apply_ok(
        &mut w,
        &ctx,
        Action::Signup {
            email: "walk.in@owl-industries.example".into(),
            name: None,
        },
    );
    let m = user(&w, "walk.in@owl-industries.example")
        .membership
        .clone()
        .unwrap();
    assert_ne!(m.org, ctx.org, "not in Owl Industries");
    assert_eq!(m.org, created(&out, SidKind::Org), "their own org");
    // Blocked affects sign-ups only: administrators still invite (DECISIONS).
    apply_ok(
        &mut w,
        &ctx,
        invite("invited@owl-industries.example", OrgRole::Standard),
    );
}

#[test]
fn rule_sign_5_multi_verified_domains_force_blocked() {
    let mut w = demo();
    let ctx = ctx_as(&w, OLIVIA);
    // Marking a verified domain multi-verified needs Blocked first.
    refused_with(
        &mut w,
        &ctx,
        set(Setting::MultiVerified {
            domain: "owl-industries.example".into(),
            on: true,
        }),
        "SIGN-5",
    );
    apply_ok(
        &mut w,
        &ctx,
        Action::SetSignup {
            setting: SignupSetting::Blocked,
        },
    );
    apply_ok(
        &mut w,
        &ctx,
        set(Setting::MultiVerified {
            domain: "owl-industries.example".into(),
            on: true,
        }),
    );
    refused_with(
        &mut w,
        &ctx,
        Action::SetSignup {
            setting: SignupSetting::Restricted,
        },
        "SIGN-5",
    );
    refused_with(
        &mut w,
        &ctx,
        Action::SetSignup {
            setting: SignupSetting::AutoEnrollment,
        },
        "SIGN-5",
    );
    // Turning multi-verified off again allows it.
    apply_ok(
        &mut w,
        &ctx,
        set(Setting::MultiVerified {
            domain: "owl-industries.example".into(),
            on: false,
        }),
    );
    apply_ok(
        &mut w,
        &ctx,
        Action::SetSignup {
            setting: SignupSetting::AutoEnrollment,
        },
    );
    assert_eq!(
        w.find_org(OWL).unwrap().signup,
        SignupSetting::AutoEnrollment
    );
}

#[test]
fn rule_sign_5_verifying_a_domain_held_elsewhere_makes_the_org_blocked() {
    let mut w = demo();
    let heron = ctx_as(&w, HANA);
    heron_shares_its_domain(&mut w, &heron);
    let owl = ctx_as(&w, OLIVIA);
    assert_eq!(w.find_org(OWL).unwrap().signup, SignupSetting::Restricted);
    verify_new_domain(&mut w, &owl, "heron-logistics.example");
    assert_eq!(w.find_org(OWL).unwrap().signup, SignupSetting::Blocked);
}

// ============================================================================================
// USR — users
// ============================================================================================

#[test]
fn rule_usr_1_invitations_need_a_verified_domain_of_this_org() {
    let mut w = demo();
    let ctx = ctx_as(&w, ADAM);
    for bad in [
        "not-an-email",
        "someone@gmail.com",
        "ivy2@owl-labs.example",     // unverified
        "x@heron-logistics.example", // another org's domain
    ] {
        refused_with(&mut w, &ctx, invite(bad, OrgRole::Standard), "USR-1");
    }
    // verified-uncertain is not enough either.
    apply_ok(
        &mut w,
        &ctx,
        Action::UnpublishDns {
            domain: "owl-industries.example".into(),
        },
    );
    let mut uncertain = w.clone();
    apply_ok(
        &mut uncertain,
        &ctx,
        Action::RecheckDomain {
            name: "owl-industries.example".into(),
        },
    );
    refused_with(
        &mut uncertain,
        &ctx,
        invite("new@owl-industries.example", OrgRole::Standard),
        "USR-1",
    );
    let out = apply_ok(
        &mut w,
        &ctx,
        invite("New.Hire@Owl-Industries.example", OrgRole::Administrator),
    );
    let inv = &w.find_org(OWL).unwrap().invitations[&created(&out, SidKind::Notification)];
    assert_eq!(inv.email, "new.hire@owl-industries.example");
    assert_eq!(inv.role, OrgRole::Administrator);
}

#[test]
fn rule_usr_2_a_user_belongs_to_at_most_one_org() {
    let mut w = demo();
    let ctx = ctx_as(&w, OLIVIA);
    // (Inviting Felix, Finch's Owner, is a merge invitation: tests/rules_rev2_merge.rs.)
    refused_with(&mut w, &ctx, invite(SAM, OrgRole::Standard), "USR-2");
    // The alias works.
    apply_ok(
        &mut w,
        &ctx,
        invite("felix.finch+owl@owl-industries.example", OrgRole::Standard),
    );
    // Nora, invited, joins Heron (which shares owl-industries.example, multi-verified) first:
    // she can no longer accept.
    apply_ok(&mut w, &ctx, invite(NORA, OrgRole::Standard));
    let heron = ctx_as(&w, HANA);
    apply_ok(
        &mut w,
        &ctx,
        Action::SetSignup {
            setting: SignupSetting::Blocked,
        },
    );
    apply_ok(
        &mut w,
        &ctx,
        set(Setting::MultiVerified {
            domain: "owl-industries.example".into(),
            on: true,
        }),
    );
    apply_ok(
        &mut w,
        &heron,
        Action::SetSignup {
            setting: SignupSetting::Blocked,
        },
    );
    verify_new_domain(&mut w, &heron, "owl-industries.example");
    new_member(&mut w, &heron, NORA, OrgRole::Standard);
    refused_with(
        &mut w,
        &ctx,
        Action::AcceptInvite { email: NORA.into() },
        "USR-2",
    );
    // A member (not the Owner) of another org: the hint offers an alias on a domain of Owl.
    apply_ok(&mut w, &ctx, Action::CancelInvite { email: NORA.into() });
    let r = refused_with(&mut w, &ctx, invite(NORA, OrgRole::Standard), "USR-2");
    assert!(r.hint.contains("nora.newhire+"), "{}", r.hint);
}

#[test]
fn rule_usr_3_invitations_are_accepted_cancelled_or_expire_and_resend_restarts() {
    let mut w = demo();
    let ctx = ctx_as(&w, ADAM);
    refused_with(&mut w, &ctx, invite(PAULA, OrgRole::Standard), "USR-3");
    // Accept: an active member.
    let mut accepted = w.clone();
    apply_ok(
        &mut accepted,
        &ctx,
        Action::AcceptInvite {
            email: PAULA.into(),
        },
    );
    let m = user(&accepted, PAULA).membership.clone().unwrap();
    assert_eq!(
        (m.role, m.status),
        (OrgRole::Standard, MemberStatus::Active)
    );
    // Cancel: gone.
    let mut cancelled = w.clone();
    apply_ok(
        &mut cancelled,
        &ctx,
        Action::CancelInvite {
            email: PAULA.into(),
        },
    );
    assert!(cancelled.find_org(OWL).unwrap().invitations.is_empty());
    // Resend after 6 days restarts the 7 days: still pending 6 days later.
    apply_ok(&mut w, &ctx, Action::AdvanceClock { seconds: days(6) });
    apply_ok(
        &mut w,
        &ctx,
        Action::ResendInvite {
            email: PAULA.into(),
        },
    );
    let inv = w
        .find_org(OWL)
        .unwrap()
        .invitations
        .values()
        .next()
        .unwrap()
        .clone();
    assert_eq!(
        inv.expires_at,
        w.clock + jiff::SignedDuration::from_hours(24 * 7)
    );
    apply_ok(&mut w, &ctx, Action::AdvanceClock { seconds: days(6) });
    assert_eq!(w.find_org(OWL).unwrap().invitations.len(), 1);
    apply_ok(&mut w, &ctx, Action::AdvanceClock { seconds: days(1) });
    // Rev 2: it stays listed, expired (tests/rules_rev2_time.rs has the rest).
    let invs = &w.find_org(OWL).unwrap().invitations;
    assert!(invs.len() == 1 && invs.values().all(|i| i.is_expired(w.clock)));
    // The lifetime is a setting (at least 1 day).
    refused_with(&mut w, &ctx, set(Setting::InviteDays(0)), "USR-3");
}

#[test]
fn rule_usr_4_account_roles_combine_only_developer_and_billing() {
    let mut w = demo();
    let ctx = ctx_as(&w, ADAM);
    let staging = acc(&w, "Owl Staging");
    let grant = |roles: Vec<AccountRole>| Action::GrantAccess {
        sid: staging.clone(),
        user: SARA.into(),
        roles,
    };
    for bad in [
        vec![],
        vec![AccountRole::Administrator, AccountRole::Developer],
        vec![AccountRole::Support, AccountRole::Developer],
        vec![AccountRole::BillingManager, AccountRole::Support],
    ] {
        refused_with(&mut w, &ctx, grant(bad), "USR-4");
    }
    apply_ok(
        &mut w,
        &ctx,
        grant(vec![AccountRole::Developer, AccountRole::BillingManager]),
    );
    let sara = user_sid(&w, SARA);
    assert_eq!(
        w.grants_on(&account(&w, "Owl Staging").sid)[&sara],
        [AccountRole::Developer, AccountRole::BillingManager].into()
    );
    apply_ok(&mut w, &ctx, grant(vec![AccountRole::Administrator]));
    assert_eq!(
        w.grants_on(&account(&w, "Owl Staging").sid)[&sara],
        [AccountRole::Administrator].into()
    );
}

#[test]
fn rule_usr_5_external_users_get_managed_account_access_only() {
    let mut w = demo();
    let ctx = ctx_as(&w, ADAM);
    let portal = acc(&w, "Kestrel Partner Portal");
    refused_with(
        &mut w,
        &ctx,
        Action::GrantAccess {
            sid: portal,
            user: EVE.into(),
            roles: vec![AccountRole::Support],
        },
        "USR-5",
    );
    refused_with(
        &mut w,
        &ctx,
        Action::SetRole {
            user: EVE.into(),
            role: OrgRole::Administrator,
            confirm_lockout: false,
        },
        "USR-5",
    );
    // Never the owner of a managed account: a transfer to them is refused by ACC-7 (rev 2).
    let sid = acc(&w, "Owl Staging");
    refused_with(
        &mut w,
        &ctx,
        Action::TransferAccount {
            sid,
            user: EVE.into(),
        },
        "ACC-7",
    );
    let contact = acc(&w, "Owl Contact Center");
    apply_ok(
        &mut w,
        &ctx,
        Action::GrantAccess {
            sid: contact,
            user: EVE.into(),
            roles: vec![AccountRole::Support],
        },
    );
    let eve = user_sid(&w, EVE);
    assert!(
        w.grants_on(&account(&w, "Owl Contact Center").sid)
            .contains_key(&eve)
    );
    assert_eq!(role_of(&w, EVE), None);
}

#[test]
fn rule_usr_6_resets_are_for_managed_users_and_the_link_lasts_24_hours() {
    let mut w = demo();
    let ctx = ctx_as(&w, ADAM);
    refused_with(
        &mut w,
        &ctx,
        Action::ResetPassword { user: EVE.into() },
        "USR-6",
    );
    refused_with(&mut w, &ctx, Action::Reset2fa { user: KAI.into() }, "USR-6");
    apply_ok(&mut w, &ctx, Action::ResetPassword { user: SAM.into() });
    assert_eq!(
        user(&w, SAM).password_reset_until,
        Some(w.clock + jiff::SignedDuration::from_hours(24))
    );
    apply_ok(&mut w, &ctx, Action::Reset2fa { user: SAM.into() });
    assert_eq!(user(&w, SAM).two_factor, TwoFactor::EnrolmentRequired);
    refused_with(&mut w, &ctx, set(Setting::ResetLinkHours(0)), "USR-6");
}

#[test]
fn rule_usr_7_deactivate_and_reactivate_a_deactivated_user_cannot_act() {
    let mut w = demo();
    let ctx = ctx_as(&w, ADAM);
    refused_with(
        &mut w,
        &ctx,
        Action::Deactivate {
            user: OLIVIA.into(),
            confirm_lockout: false,
        },
        "USR-7",
    );
    refused_with(
        &mut w,
        &ctx,
        Action::Deactivate {
            user: DAN.into(),
            confirm_lockout: false,
        },
        "USR-7",
    );
    refused_with(
        &mut w,
        &ctx,
        Action::Deactivate {
            user: EVE.into(),
            confirm_lockout: false,
        },
        "USR-7",
    );
    // Dan, deactivated, cannot sign in to do anything.
    let dan = ctx_as(&w, DAN);
    refused_with(&mut w, &dan, create("Dan's"), "ORG-3");
    apply_ok(&mut w, &ctx, Action::Reactivate { user: DAN.into() });
    assert_eq!(
        user(&w, DAN).membership.as_ref().unwrap().status,
        MemberStatus::Active
    );
    let dan = ctx_as(&w, DAN);
    apply_ok(&mut w, &dan, create("Dan's"));
    apply_ok(
        &mut w,
        &ctx,
        Action::Deactivate {
            user: SARA.into(),
            confirm_lockout: false,
        },
    );
    assert_eq!(
        user(&w, SARA).membership.as_ref().unwrap().status,
        MemberStatus::Deactivated
    );
}

#[test]
fn rule_usr_8_remove_and_delete_need_no_owned_managed_account_and_not_the_owner() {
    let mut w = demo();
    let ctx = ctx_as(&w, ADAM);
    refused_with(
        &mut w,
        &ctx,
        Action::RemoveUser {
            user: OLIVIA.into(),
            confirm_lockout: false,
        },
        "USR-8",
    );
    refused_with(
        &mut w,
        &ctx,
        Action::DeleteUser {
            user: SAM.into(),
            confirm_lockout: false,
        },
        "USR-8",
    );
    refused_with(
        &mut w,
        &ctx,
        Action::RemoveUser {
            user: SAM.into(),
            confirm_lockout: false,
        },
        "USR-8",
    );
    // Removing Sara keeps her Twilio user but drops her org-granted access.
    let sara = user_sid(&w, SARA);
    apply_ok(
        &mut w,
        &ctx,
        Action::RemoveUser {
            user: SARA.into(),
            confirm_lockout: false,
        },
    );
    assert_eq!(role_of(&w, SARA), None);
    assert!(
        !w.grants_on(&account(&w, "Owl Production").sid)
            .contains_key(&sara)
    );
    // Deleting Sam (after transferring his account) removes the user, never the account.
    let staging = acc(&w, "Owl Staging");
    apply_ok(
        &mut w,
        &ctx,
        Action::TransferAccount {
            sid: staging,
            user: ADAM.into(),
        },
    );
    let sam = user_sid(&w, SAM);
    apply_ok(
        &mut w,
        &ctx,
        Action::DeleteUser {
            user: SAM.into(),
            confirm_lockout: false,
        },
    );
    assert!(!w.users.contains_key(&sam));
    assert!(
        w.accounts
            .values()
            .all(|a| !w.grants_on(&a.sid).contains_key(&sam))
    );
    assert_eq!(account(&w, "Owl Staging").owner, Some(user_sid(&w, ADAM)));
}

#[test]
fn rule_usr_9_bulk_import_from_csv() {
    let mut w = demo();
    let ctx = ctx_as(&w, ADAM);
    let csv = format!(
        "email,first_name,last_name\n{NORA},Nora,Newhire\n{LIAM},Liam,Legacy\nghost@owl-industries.example,G,Host\n{IVY},Ivy,Inventor\n{SAM},Sam,Standard\n{NORA},Nora,Again\n"
    );
    refused_with(
        &mut w,
        &ctx,
        Action::ImportUsers { csv: csv.clone() },
        "USR-9",
    );
    apply_ok(&mut w, &ctx, set(Setting::BulkImport(true)));
    refused_with(
        &mut w,
        &ctx,
        Action::ImportUsers {
            csv: "email,name\nx@y.example,X".into(),
        },
        "USR-9",
    );
    refused_with(
        &mut w,
        &ctx,
        Action::ImportUsers {
            csv: format!("email,first_name,last_name\n{NORA},Nora\n"),
        },
        "USR-9",
    );
    let out = apply_ok(&mut w, &ctx, Action::ImportUsers { csv });
    let imported: Vec<&str> = out
        .report
        .iter()
        .filter(|(_, r)| r.is_none())
        .map(|(e, _)| e.as_str())
        .collect();
    assert_eq!(imported, vec![NORA, LIAM]);
    assert_eq!(out.report.len(), 6);
    assert!(
        out.message.contains("2 imported, 4 rejected"),
        "{}",
        out.message
    );
    assert_eq!(role_of(&w, NORA), Some(OrgRole::Standard));
    assert_eq!(role_of(&w, IVY), None);
    assert!(w.user_by_email("ghost@owl-industries.example").is_none());
}

/// USR-9: a spreadsheet's export (a byte order mark, CRLF line ends, a header in capitals,
/// quoted fields, blank lines) reads as the same file.
#[test]
fn rule_usr_9_a_spreadsheet_export_imports() {
    let mut w = demo();
    let ctx = ctx_as(&w, ADAM);
    apply_ok(&mut w, &ctx, set(Setting::BulkImport(true)));
    let csv =
        format!("\u{feff}Email,First_Name,Last_Name\r\n\"{NORA}\",Nora,\"Newhire, Jr.\"\r\n\r\n");
    let out = apply_ok(&mut w, &ctx, Action::ImportUsers { csv });
    assert!(
        out.message.contains("1 imported, 0 rejected"),
        "{}",
        out.message
    );
    assert_eq!(role_of(&w, NORA), Some(OrgRole::Standard));
}

#[test]
fn rule_usr_9_bulk_import_needs_a_verified_domain() {
    let mut w = demo();
    let finch = ctx_as(&w, FELIX);
    apply_ok(&mut w, &finch, set(Setting::BulkImport(true)));
    refused_with(
        &mut w,
        &finch,
        Action::ImportUsers {
            csv: "email,first_name,last_name\n".into(),
        },
        "USR-9",
    );
}

// ============================================================================================
// SSO
// ============================================================================================

fn configure(cert: &str) -> Action {
    Action::SsoConfigure {
        entity_id: "https://idp.owl-industries.example/saml".into(),
        url: "https://idp.owl-industries.example/sso".into(),
        cert_pem: cert.into(),
        confirm_lockout: false,
    }
}

/// Owl with a tested SSO profile.
fn owl_with_tested_sso() -> (World, Ctx) {
    let mut w = demo();
    let ctx = ctx_as(&w, OLIVIA);
    apply_ok(&mut w, &ctx, configure(DEMO_IDP_CERT));
    apply_ok(&mut w, &ctx, Action::SsoTest);
    (w, ctx)
}

#[test]
fn rule_sso_1_sso_needs_the_entitlement_and_a_verified_domain() {
    let mut w = demo();
    // Heron: a verified domain, no entitlement.
    let heron = ctx_as(&w, HANA);
    refused_with(&mut w, &heron, configure(DEMO_IDP_CERT), "SSO-1");
    // Finch: entitlement, no verified domain.
    let finch = ctx_as(&w, FELIX);
    apply_ok(&mut w, &finch, set(Setting::SsoEntitlement(true)));
    refused_with(&mut w, &finch, configure(DEMO_IDP_CERT), "SSO-1");
    // Owl has both.
    let owl = ctx_as(&w, ADAM);
    apply_ok(&mut w, &owl, configure(DEMO_IDP_CERT));
    assert!(w.find_org(OWL).unwrap().sso.is_some());
}

#[test]
fn rule_sso_2_a_profile_needs_entity_https_url_and_a_current_certificate() {
    let mut w = demo();
    let ctx = ctx_as(&w, ADAM);
    let with = |entity: &str, url: &str, cert: &str| Action::SsoConfigure {
        entity_id: entity.into(),
        url: url.into(),
        cert_pem: cert.into(),
        confirm_lockout: false,
    };
    refused_with(
        &mut w,
        &ctx,
        with("  ", "https://idp.example/sso", DEMO_IDP_CERT),
        "SSO-2",
    );
    refused_with(
        &mut w,
        &ctx,
        with("idp", "http://idp.example/sso", DEMO_IDP_CERT),
        "SSO-2",
    );
    refused_with(
        &mut w,
        &ctx,
        with("idp", "https://", DEMO_IDP_CERT),
        "SSO-2",
    );
    refused_with(
        &mut w,
        &ctx,
        with("idp", "https://idp.example/sso", "not a certificate"),
        "SSO-2",
    );
    let r = refused_with(
        &mut w,
        &ctx,
        with("idp", "https://idp.example/sso", EXPIRED_CERT),
        "SSO-2",
    );
    assert!(r.message.contains("2026-11-29"), "{}", r.message);
    apply_ok(
        &mut w,
        &ctx,
        with("idp", "https://idp.example/sso", DEMO_IDP_CERT),
    );
    let p = w.find_org(OWL).unwrap().sso.clone().unwrap();
    assert_eq!(
        (p.entity_id.as_str(), p.sign_in_url.as_str(), p.tested),
        ("idp", "https://idp.example/sso", false)
    );
    assert!(p.certificate_not_after > w.clock);
}

#[test]
fn rule_sso_3_a_profile_must_pass_its_test_before_enforcement() {
    let mut w = demo();
    let ctx = ctx_as(&w, OLIVIA);
    refused_with(&mut w, &ctx, Action::SsoTest, "SSO-3");
    apply_ok(&mut w, &ctx, configure(DEMO_IDP_CERT));
    let enforce = Action::SsoEnforce {
        domain: "owl-industries.example".into(),
        confirm_lockout: true,
    };
    refused_with(&mut w, &ctx, enforce.clone(), "SSO-3");
    apply_ok(&mut w, &ctx, Action::SsoTest);
    assert!(w.find_org(OWL).unwrap().sso.as_ref().unwrap().tested);
    apply_ok(&mut w, &ctx, enforce);
    assert!(w.find_org(OWL).unwrap().domains["owl-industries.example"].sso_enforced);
}

#[test]
fn rule_sso_4_enforcement_per_verified_domain_with_exemptions() {
    let (mut w, ctx) = owl_with_tested_sso();
    refused_with(
        &mut w,
        &ctx,
        Action::SsoEnforce {
            domain: "owl-labs.example".into(),
            confirm_lockout: true,
        },
        "SSO-4",
    );
    apply_ok(&mut w, &ctx, Action::SsoExempt { user: ADAM.into() });
    apply_ok(
        &mut w,
        &ctx,
        Action::SsoEnforce {
            domain: "owl-industries.example".into(),
            confirm_lockout: false,
        },
    );
    refused_with(
        &mut w,
        &ctx,
        Action::SsoEnforce {
            domain: "owl-industries.example".into(),
            confirm_lockout: true,
        },
        "SSO-4",
    );
    assert!(w.sso_required(user(&w, SAM)));
    assert!(w.sso_required(user(&w, OLIVIA)));
    assert!(!w.sso_required(user(&w, ADAM)));
    assert!(!w.sso_required(user(&w, EVE)), "not a managed user");
    // Future members of the domain are covered too.
    apply_ok(
        &mut w,
        &ctx,
        Action::AcceptInvite {
            email: PAULA.into(),
        },
    );
    assert!(w.sso_required(user(&w, PAULA)));
}

#[test]
fn rule_sso_5_enforcing_that_locks_out_every_admin_asks_for_confirmation() {
    let (mut w, ctx) = owl_with_tested_sso();
    // Every Owner and Administrator is on owl-industries.example.
    refused_with(
        &mut w,
        &ctx,
        Action::SsoEnforce {
            domain: "owl-industries.example".into(),
            confirm_lockout: false,
        },
        "SSO-5",
    );
    apply_ok(
        &mut w,
        &ctx,
        Action::SsoEnforce {
            domain: "owl-industries.example".into(),
            confirm_lockout: true,
        },
    );
    assert!(w.sso_required(user(&w, ADAM)));
    // Exempting one, then un-exempting the last one, asks again.
    apply_ok(&mut w, &ctx, Action::SsoExempt { user: AVA.into() });
    refused_with(
        &mut w,
        &ctx,
        Action::SsoUnexempt {
            user: AVA.into(),
            confirm_lockout: false,
        },
        "SSO-5",
    );
    apply_ok(
        &mut w,
        &ctx,
        Action::SsoUnexempt {
            user: AVA.into(),
            confirm_lockout: true,
        },
    );
    assert!(w.sso_required(user(&w, AVA)));
}

// ============================================================================================
// SCIM
// ============================================================================================

#[test]
fn rule_scim_1_the_token_is_shown_once_and_stored_as_a_hash() {
    let mut w = demo();
    let ctx = ctx_as(&w, ADAM);
    refused_with(&mut w, &ctx, Action::ScimDisable, "SCIM-1");
    refused_with(
        &mut w,
        &ctx,
        Action::ScimEnable {
            token: "short".into(),
        },
        "SCIM-1",
    );
    let token = "scim-token-0123456789abcdef0123456789abcdef";
    let out = apply_ok(
        &mut w,
        &ctx,
        Action::ScimEnable {
            token: token.into(),
        },
    );
    assert_eq!(out.secret.as_deref(), Some(token));
    let scim = w.find_org(OWL).unwrap().scim.clone();
    assert!(scim.enabled);
    assert_eq!(
        scim.token_sha256.as_deref(),
        Some(tworg::model::scim::token_hash(token).as_str())
    );
    assert!(
        !tworg::persist::to_ron(&w).contains(token),
        "the token itself is never stored"
    );
    assert!(w.audit.iter().all(|e| !e.detail.contains(token)));
    assert!(w.scim_token_matches(&ctx.org, token));
    assert!(!w.scim_token_matches(&ctx.org, "scim-token-0123456789abcdef0123456789abcdeX"));
    assert!(!w.scim_token_matches(&org_sid(&w, HERON), token), "per org");
    // Rotating replaces the token; disabling forgets it.
    let token2 = "another-token-0123456789abcdef0123456789ab";
    apply_ok(
        &mut w,
        &ctx,
        Action::ScimEnable {
            token: token2.into(),
        },
    );
    assert!(!w.scim_token_matches(&ctx.org, token));
    assert!(w.scim_token_matches(&ctx.org, token2));
    apply_ok(&mut w, &ctx, Action::ScimDisable);
    assert!(!w.scim_token_matches(&ctx.org, token2));
    assert_eq!(w.find_org(OWL).unwrap().scim.token_sha256, None);
}

/// Owl with SCIM enabled, and the context of its SCIM client (the bearer token).
fn owl_with_scim() -> (World, Ctx) {
    let mut w = demo();
    let owner = ctx_as(&w, OLIVIA);
    apply_ok(
        &mut w,
        &owner,
        Action::ScimEnable {
            token: "s".repeat(40),
        },
    );
    let scim = Ctx {
        org: owner.org.clone(),
        actor: Actor::ScimToken,
    };
    (w, scim)
}

/// A SCIM user whose userName is also its one primary email.
fn scim_user(email: &str, external_id: Option<&str>) -> scim::ScimUserData {
    scim::ScimUserData {
        user_name: email.into(),
        external_id: external_id.map(String::from),
        emails: vec![ScimEmail {
            value: email.into(),
            kind: Some("work".into()),
            primary: true,
        }],
        ..Default::default()
    }
}

/// A member's current SCIM representation, to change and send back.
fn scim_view_of(w: &World, email: &str) -> scim::ScimUserData {
    w.scim_view(user(w, email))
}

#[test]
fn rule_scim_2_user_name_is_the_primary_email_on_a_verified_domain_and_unique() {
    let (mut w, scim) = owl_with_scim();
    let create = |d: scim::ScimUserData| Action::ScimCreateUser { user: d };
    // userName must equal the primary email...
    let mut mismatch = scim_user("pat@owl-industries.example", None);
    mismatch.user_name = "pat.other@owl-industries.example".into();
    refused_with(&mut w, &scim, create(mismatch), "SCIM-2");
    // ...be on a verified domain of the org...
    refused_with(
        &mut w,
        &scim,
        create(scim_user("pat@owl-labs.example", None)),
        "SCIM-2",
    );
    refused_with(
        &mut w,
        &scim,
        create(scim_user("pat@gmail.com", None)),
        "SCIM-2",
    );
    // ...and be unique, as is externalId.
    refused_with(&mut w, &scim, create(scim_user(SAM, None)), "SCIM-2");
    let out = apply_ok(
        &mut w,
        &scim,
        create(scim_user("pat@owl-industries.example", Some("ext-1"))),
    );
    let pat = created(&out, SidKind::User);
    let m = w.users[&pat].membership.clone().unwrap();
    assert_eq!(
        (m.org, m.role, m.status),
        (scim.org.clone(), OrgRole::Standard, MemberStatus::Active)
    );
    assert_eq!(w.users[&pat].email, "pat@owl-industries.example");
    refused_with(
        &mut w,
        &scim,
        create(scim_user("PAT@owl-industries.example", None)),
        "SCIM-2",
    );
    refused_with(
        &mut w,
        &scim,
        create(scim_user("quinn@owl-industries.example", Some("ext-1"))),
        "SCIM-2",
    );
    // A member of another org cannot be provisioned (USR-2).
    refused_with(&mut w, &scim, create(scim_user(FELIX, None)), "USR-2");
}

#[test]
fn rule_scim_3_active_false_deactivates_and_delete_removes_from_the_org() {
    let (mut w, scim) = owl_with_scim();
    let sara = user_sid(&w, SARA);
    let mut off = scim_view_of(&w, SARA);
    off.active = Some(false);
    apply_ok(
        &mut w,
        &scim,
        Action::ScimReplaceUser {
            id: sara.to_string(),
            user: off,
            patch: true,
        },
    );
    assert_eq!(
        user(&w, SARA).membership.as_ref().unwrap().status,
        MemberStatus::Deactivated
    );
    // DELETE: out of the org and its access, but still a Twilio user.
    apply_ok(
        &mut w,
        &scim,
        Action::ScimDeleteUser {
            id: sara.to_string(),
        },
    );
    assert_eq!(role_of(&w, SARA), None);
    assert!(w.users.contains_key(&sara));
    assert!(
        !w.grants_on(&account(&w, "Owl Production").sid)
            .contains_key(&sara)
    );
    // A user who owns a managed account must hand it over first (USR-8).
    let sam = user_sid(&w, SAM).to_string();
    refused_with(&mut w, &scim, Action::ScimDeleteUser { id: sam }, "USR-8");
}

#[test]
fn rule_scim_4_the_owner_is_not_changed_through_scim_nor_a_deactivated_user() {
    let (mut w, scim) = owl_with_scim();
    let olivia = user_sid(&w, OLIVIA).to_string();
    let mut renamed = scim_view_of(&w, OLIVIA);
    renamed.display_name = Some("Someone Else".into());
    refused_with(
        &mut w,
        &scim,
        Action::ScimReplaceUser {
            id: olivia.clone(),
            user: renamed,
            patch: false,
        },
        "SCIM-4",
    );
    let mut off = scim_view_of(&w, OLIVIA);
    off.active = Some(false);
    refused_with(
        &mut w,
        &scim,
        Action::ScimReplaceUser {
            id: olivia.clone(),
            user: off,
            patch: true,
        },
        "SCIM-4",
    );
    refused_with(
        &mut w,
        &scim,
        Action::ScimDeleteUser { id: olivia },
        "SCIM-4",
    );
    // Dan is deactivated: an update is refused unless it reactivates him.
    let dan = user_sid(&w, DAN).to_string();
    let mut rename = scim_view_of(&w, DAN);
    rename.display_name = Some("Daniel Departed".into());
    refused_with(
        &mut w,
        &scim,
        Action::ScimReplaceUser {
            id: dan.clone(),
            user: rename.clone(),
            patch: false,
        },
        "SCIM-4",
    );
    rename.active = Some(true);
    apply_ok(
        &mut w,
        &scim,
        Action::ScimReplaceUser {
            id: dan,
            user: rename,
            patch: false,
        },
    );
    let d = user(&w, DAN);
    assert_eq!(
        (d.name.as_str(), d.membership.as_ref().unwrap().status),
        ("Daniel Departed", MemberStatus::Active)
    );
}

// ============================================================================================
// MRG — merging organizations
// ============================================================================================

fn merge(candidate: &str, confirm: &str, owner_role: OrgRole) -> Action {
    Action::Merge {
        candidate: candidate.into(),
        confirm: confirm.into(),
        owner_role,
    }
}

/// Merging by import needs Import Users (MRG-6), a simulated Twilio Support request (ORG-9).
fn enable_import_users(w: &mut World, ctx: &Ctx) {
    apply_ok(w, ctx, set(Setting::BulkImport(true)));
}

/// The merge invitation route (MRG-5): the Prime invites Finch's Owner, who accepts.
fn merge_finch_by_invitation(w: &mut World, ctx: &Ctx, role: OrgRole) {
    apply_ok(w, ctx, invite(FELIX, role));
    let felix = ctx_as(w, FELIX);
    apply_ok(
        w,
        &felix,
        Action::AcceptInvite {
            email: FELIX.into(),
        },
    );
}

#[test]
fn rule_mrg_1_prime_needs_a_verified_domain_candidate_none_and_owner_on_prime_domain() {
    let mut w = demo();
    let owl = ctx_as(&w, OLIVIA);
    enable_import_users(&mut w, &owl);
    // Heron has a verified domain of its own.
    refused_with(
        &mut w,
        &owl,
        merge(HERON, HERON, OrgRole::Standard),
        "MRG-1",
    );
    // Not with itself.
    refused_with(&mut w, &owl, merge(OWL, OWL, OrgRole::Standard), "MRG-1");
    // Finch as Prime has no verified domain.
    let finch = ctx_as(&w, FELIX);
    refused_with(&mut w, &finch, merge(OWL, OWL, OrgRole::Standard), "MRG-1");
    // Heron as Prime: Finch's Owner is not on a Heron domain.
    let heron = ctx_as(&w, HANA);
    enable_import_users(&mut w, &heron);
    refused_with(
        &mut w,
        &heron,
        merge(FINCH, FINCH, OrgRole::Standard),
        "MRG-1",
    );
    // Owl absorbs Finch.
    apply_ok(&mut w, &owl, merge(FINCH, FINCH, OrgRole::Standard));
    assert!(w.find_org(FINCH).is_err());
}

#[test]
fn rule_mrg_2_the_prime_account_limit_must_hold_the_candidates_accounts() {
    let mut w = demo();
    let owl = ctx_as(&w, OLIVIA);
    enable_import_users(&mut w, &owl);
    let used = w.accounts_toward_limit(&owl.org) as u32; // 4; Finch brings 2
    apply_ok(&mut w, &owl, set(Setting::AccountLimit(used + 1)));
    refused_with(
        &mut w,
        &owl,
        merge(FINCH, FINCH, OrgRole::Standard),
        "MRG-2",
    );
    apply_ok(&mut w, &owl, set(Setting::AccountLimit(used + 2)));
    apply_ok(&mut w, &owl, merge(FINCH, FINCH, OrgRole::Standard));
    assert_eq!(w.accounts_toward_limit(&owl.org), used as usize + 2);
}

#[test]
fn rule_mrg_3_the_preview_shows_what_moves_and_the_candidates_name_confirms() {
    let mut w = demo();
    let owl = ctx_as(&w, ADAM);
    enable_import_users(&mut w, &owl);
    let preview = w
        .merge_preview(&owl, FINCH, OrgRole::Administrator)
        .unwrap();
    assert!(preview.allowed());
    let names: Vec<&str> = preview
        .accounts
        .iter()
        .map(|(_, n, _)| n.as_str())
        .collect();
    assert_eq!(names.len(), 2);
    assert!(names.contains(&"Finch Analytics Main") && names.contains(&"Finch Reporting"));
    let mut users = preview.users.clone();
    users.sort();
    assert_eq!(
        users,
        vec![
            (FELIX.to_string(), OrgRole::Owner, OrgRole::Administrator),
            (FERN.to_string(), OrgRole::Administrator, OrgRole::Standard),
            (FRED.to_string(), OrgRole::Standard, OrgRole::Standard),
        ]
    );
    assert_eq!(
        preview.discarded_domains,
        vec!["finch-analytics.example".to_string()]
    );
    refused_with(
        &mut w,
        &owl,
        merge(FINCH, "finch", OrgRole::Standard),
        "MRG-3",
    );
    refused_with(&mut w, &owl, merge(FINCH, "", OrgRole::Standard), "MRG-3");
    apply_ok(&mut w, &owl, merge(FINCH, FINCH, OrgRole::Standard));
}

#[test]
fn rule_mrg_3_the_preview_lists_whom_the_primes_sso_will_apply_to() {
    let (mut w, ctx) = owl_with_tested_sso();
    apply_ok(
        &mut w,
        &ctx,
        Action::SsoEnforce {
            domain: "owl-industries.example".into(),
            confirm_lockout: true,
        },
    );
    let preview = w.merge_preview(&ctx, FINCH, OrgRole::Standard).unwrap();
    assert_eq!(preview.sso_applies_to, vec![FELIX.to_string()]);
}

#[test]
fn rule_mrg_4_after_the_merge_the_candidate_is_gone_and_everything_belongs_to_the_prime() {
    let (mut w, ctx) = owl_with_tested_sso();
    apply_ok(
        &mut w,
        &ctx,
        Action::SsoEnforce {
            domain: "owl-industries.example".into(),
            confirm_lockout: true,
        },
    );
    let finch = org_sid(&w, FINCH);
    let fern_access_before = w.grants_on(&account(&w, "Finch Reporting").sid).clone();
    refused_with(&mut w, &ctx, merge(FINCH, FINCH, OrgRole::Owner), "ORG-1");
    refused_with(&mut w, &ctx, invite(FELIX, OrgRole::Owner), "MRG-5");
    merge_finch_by_invitation(&mut w, &ctx, OrgRole::Administrator);
    assert!(!w.orgs.contains_key(&finch));
    for name in ["Finch Analytics Main", "Finch Reporting"] {
        assert_eq!(
            w.kind_in(account(&w, name), &ctx.org),
            Some(AccountKind::Managed),
            "{name}"
        );
    }
    assert_eq!(
        w.grants_on(&account(&w, "Finch Reporting").sid),
        fern_access_before
    );
    assert_eq!(role_of(&w, FELIX), Some(OrgRole::Administrator));
    assert_eq!(role_of(&w, FERN), Some(OrgRole::Standard));
    assert_eq!(role_of(&w, FRED), Some(OrgRole::Standard));
    assert_eq!(role_of(&w, OLIVIA), Some(OrgRole::Owner));
    assert!(w.sso_required(user(&w, FELIX)), "the Prime's SSO applies");
    assert!(
        !w.find_org(OWL)
            .unwrap()
            .domains
            .contains_key("finch-analytics.example")
    );
}

#[test]
fn rule_mrg_4_the_candidate_owner_is_standard_by_default() {
    let mut w = demo();
    let ctx = ctx_as(&w, OLIVIA);
    merge_finch_by_invitation(&mut w, &ctx, OrgRole::Standard);
    assert_eq!(role_of(&w, FELIX), Some(OrgRole::Standard));
    assert_eq!(user(&w, FELIX).membership.as_ref().unwrap().org, ctx.org);
}

// ============================================================================================
// HIP — HIPAA
// ============================================================================================

#[test]
fn rule_hip_1_hipaa_needs_an_executed_baa() {
    let mut w = demo();
    let heron = ctx_as(&w, HANA);
    let main = acc(&w, "Heron Logistics Main");
    refused_with(
        &mut w,
        &heron,
        Action::SetHipaa {
            sid: main.clone(),
            on: true,
        },
        "HIP-1",
    );
    apply_ok(&mut w, &heron, set(Setting::Baa(true)));
    apply_ok(
        &mut w,
        &heron,
        Action::SetHipaa {
            sid: main,
            on: true,
        },
    );
    assert!(account(&w, "Heron Logistics Main").hipaa);
}

#[test]
fn rule_hip_2_hipaa_is_a_per_account_flag_on_managed_accounts() {
    let mut w = demo();
    let ctx = ctx_as(&w, OLIVIA);
    let staging = acc(&w, "Owl Staging");
    let sid = acc(&w, "Kestrel Partner Portal");
    refused_with(&mut w, &ctx, Action::SetHipaa { sid, on: true }, "ACC-6");
    let sid = acc(&w, "Owl Production");
    refused_with(&mut w, &ctx, Action::SetHipaa { sid, on: true }, "HIP-2");
    apply_ok(
        &mut w,
        &ctx,
        Action::SetHipaa {
            sid: staging,
            on: true,
        },
    );
    assert!(account(&w, "Owl Staging").hipaa);
    assert!(
        !account(&w, "Owl Contact Center").hipaa,
        "other accounts are untouched"
    );
    // Nothing changes by itself: a month later, and the BAA cannot be switched off under them
    // (ORG-9, rev 2).
    refused_with(&mut w, &ctx, set(Setting::Baa(false)), "ORG-9");
    apply_ok(&mut w, &ctx, Action::AdvanceClock { seconds: days(31) });
    assert!(account(&w, "Owl Staging").hipaa);
    assert!(account(&w, "Owl Production").hipaa);
}

#[test]
fn rule_hip_3_new_subaccounts_of_a_hipaa_account_inherit_new_main_accounts_do_not() {
    let mut w = demo();
    let ctx = ctx_as(&w, OLIVIA);
    let prod = acc(&w, "Owl Production");
    let out = apply_ok(&mut w, &ctx, create("Owl New Main"));
    assert!(!w.accounts[&created(&out, SidKind::Account)].hipaa);
    let out = apply_ok(
        &mut w,
        &ctx,
        Action::CreateSubaccount {
            parent: prod.clone(),
            name: Some("Owl Prod APAC".into()),
        },
    );
    assert!(w.accounts[&created(&out, SidKind::Account)].hipaa);
    // Turning the parent off leaves the existing subaccounts as they are.
    apply_ok(
        &mut w,
        &ctx,
        Action::SetHipaa {
            sid: prod.clone(),
            on: false,
        },
    );
    assert!(account(&w, "Owl Prod EU").hipaa && account(&w, "Owl Prod APAC").hipaa);
    let out = apply_ok(
        &mut w,
        &ctx,
        Action::CreateSubaccount {
            parent: prod,
            name: Some("Owl Prod LATAM".into()),
        },
    );
    assert!(!w.accounts[&created(&out, SidKind::Account)].hipaa);
}

// ============================================================================================
// CLK — time
// ============================================================================================

#[test]
fn rule_clk_1_advancing_the_clock_applies_and_logs_every_expiry() {
    let mut w = demo();
    let ctx = ctx_as(&w, OLIVIA);
    let start = w.clock;
    fails_without_rule(&mut w, &ctx, Action::AdvanceClock { seconds: 0 });
    fails_without_rule(&mut w, &ctx, Action::AdvanceClock { seconds: -5 });
    // A reset link (24 h), the pending invitation and import request (7 days), a closed
    // subaccount (30 days) and an uncertain domain (30 days) all fall due within 31 days.
    apply_ok(&mut w, &ctx, Action::ResetPassword { user: SAM.into() });
    let sid = acc(&w, "Owl Prod EU");
    apply_ok(
        &mut w,
        &ctx,
        Action::CloseAccount {
            sid,
            confirm_name: "Owl Prod EU".into(),
        },
    );
    apply_ok(
        &mut w,
        &ctx,
        Action::UnpublishDns {
            domain: "heron-logistics.example".into(),
        },
    );
    // Nothing falls due in the first hour.
    let out = apply_ok(&mut w, &ctx, Action::AdvanceClock { seconds: 3600 });
    assert_eq!(w.clock, start + jiff::SignedDuration::from_secs(3600));
    assert!(user(&w, SAM).password_reset_until.is_some());
    // Heron's domain became uncertain at this first advance.
    assert!(matches!(
        domain_status(&w, HERON, "heron-logistics.example"),
        Some(DomainStatus::VerifiedUncertain { .. })
    ));
    assert_eq!(out.report.len(), 1);
    let audit_before = w.audit.len();
    let out = apply_ok(&mut w, &ctx, Action::AdvanceClock { seconds: days(31) });
    assert!(user(&w, SAM).password_reset_until.is_none());
    // USR-3 rev 2: the invitation and the import request stay listed, expired.
    let owl = w.find_org(OWL).unwrap();
    assert!(owl.invitations.values().all(|i| i.is_expired(w.clock)));
    assert_eq!(owl.invitations.len(), 1);
    assert!(w.account_requests(&owl.sid).iter().all(|r| r.expired));
    assert!(w.user_by_email(PAULA).is_none());
    assert!(w.accounts.values().all(|a| a.name != "Owl Prod EU"));
    assert_eq!(domain_status(&w, HERON, "heron-logistics.example"), None);
    // One entry for the advance, then one per expiry.
    assert_eq!(out.report.len(), 5, "{:?}", out.report);
    assert_eq!(w.audit.len(), audit_before + 1 + 5);
    assert!(
        w.audit[audit_before..]
            .iter()
            .all(|e| e.at == w.clock && e.actor == "clock")
    );
}

// ============================================================================================
// AUD — audit
// ============================================================================================

#[test]
fn rule_aud_1_every_applied_change_is_logged_and_a_refused_one_is_not() {
    let mut w = demo();
    let adam = ctx_as(&w, ADAM);
    let sam = ctx_as(&w, SAM);
    let staging = acc(&w, "Owl Staging");
    let applied = [
        (
            adam.clone(),
            add_domain("owl-shop.example"),
            ADAM,
            "domain.add",
        ),
        (
            adam.clone(),
            invite("n@owl-industries.example", OrgRole::Standard),
            ADAM,
            "user.invite",
        ),
        (
            sam.clone(),
            Action::RenameAccount {
                sid: staging.clone(),
                name: "Stage".into(),
            },
            SAM,
            "account.rename",
        ),
        (adam.clone(), set(Setting::InviteDays(3)), ADAM, "org.set"),
        (
            adam.clone(),
            Action::ScimEnable {
                token: "x".repeat(32),
            },
            ADAM,
            "scim.enable",
        ),
    ];
    for (ctx, action, actor, name) in applied {
        let n = w.audit.len();
        apply_ok(&mut w, &ctx, action);
        assert_eq!(w.audit.len(), n + 1, "{name}");
        let e = w.audit.last().unwrap();
        assert_eq!(
            (e.at, e.actor.as_str(), e.action.as_str()),
            (w.clock, actor, name)
        );
        assert_eq!(e.org.as_ref(), Some(&ctx.org));
        assert!(!e.detail.is_empty());
    }
    assert!(w.audit.last().unwrap().detail.contains("enabled"));
    // A refused action appends nothing (refused_with compares the whole world, audit included).
    let n = w.audit.len();
    refused_with(&mut w, &sam, add_domain("sam.example"), "ORG-3");
    assert_eq!(w.audit.len(), n);
}

// ============================================================================================
// Model bugs these tests found (each named after the rule it broke)
// ============================================================================================

#[test]
fn rule_acc_3_linking_an_independent_account_past_the_limit_is_refused() {
    // A pending link is a pending account: it counts toward the limit, so asking for one when the
    // org is full is refused like an import (the invariant used to break here).
    let mut w = demo();
    let ctx = ctx_as(&w, OLIVIA);
    let used = w.accounts_toward_limit(&ctx.org) as u32;
    apply_ok(&mut w, &ctx, set(Setting::AccountLimit(used)));
    let proto = acc(&w, "Owl Labs Prototype");
    refused_with(
        &mut w,
        &ctx,
        Action::LinkAccount { sid: proto.clone() },
        "ACC-3",
    );
    apply_ok(&mut w, &ctx, set(Setting::AccountLimit(used + 1)));
    apply_ok(&mut w, &ctx, Action::LinkAccount { sid: proto });
    assert_eq!(w.accounts_toward_limit(&ctx.org), used as usize + 1);
}

#[test]
fn rule_mrg_4_the_primes_sso_applies_to_candidate_users_exempted_in_the_candidate() {
    let (mut w, ctx) = owl_with_tested_sso();
    apply_ok(
        &mut w,
        &ctx,
        Action::SsoEnforce {
            domain: "owl-industries.example".into(),
            confirm_lockout: true,
        },
    );
    // Finch's Owner exempts himself in Finch (which has no SSO of its own).
    let finch = ctx_as(&w, FELIX);
    apply_ok(&mut w, &finch, Action::SsoExempt { user: FELIX.into() });
    merge_finch_by_invitation(&mut w, &ctx, OrgRole::Administrator);
    assert!(
        w.sso_required(user(&w, FELIX)),
        "an exemption made by the Candidate does not carry over"
    );
}

#[test]
fn rule_sub_2_a_merge_is_refused_when_a_candidate_account_has_more_subaccounts_than_the_prime_allows()
 {
    let mut w = demo();
    let owl = ctx_as(&w, OLIVIA);
    let finch = ctx_as(&w, FELIX);
    let main = acc(&w, "Finch Analytics Main");
    apply_ok(&mut w, &finch, Action::UpgradeAccount { sid: main.clone() });
    for i in 0..3 {
        apply_ok(
            &mut w,
            &finch,
            Action::CreateSubaccount {
                parent: main.clone(),
                name: Some(format!("Finch Sub {i}")),
            },
        );
    }
    apply_ok(&mut w, &owl, set(Setting::SubaccountLimit(2)));
    enable_import_users(&mut w, &owl);
    refused_with(
        &mut w,
        &owl,
        merge(FINCH, FINCH, OrgRole::Standard),
        "SUB-2",
    );
    assert!(
        !w.merge_preview(&owl, FINCH, OrgRole::Standard)
            .unwrap()
            .allowed()
    );
    apply_ok(&mut w, &owl, set(Setting::SubaccountLimit(3)));
    apply_ok(&mut w, &owl, merge(FINCH, FINCH, OrgRole::Standard));
}

#[test]
fn rule_sign_5_a_multi_verified_domain_that_is_uncertain_still_keeps_the_org_blocked() {
    let mut w = demo();
    let ctx = ctx_as(&w, OLIVIA);
    let d = "owl-industries.example";
    apply_ok(
        &mut w,
        &ctx,
        Action::SetSignup {
            setting: SignupSetting::Blocked,
        },
    );
    apply_ok(
        &mut w,
        &ctx,
        set(Setting::MultiVerified {
            domain: d.into(),
            on: true,
        }),
    );
    apply_ok(&mut w, &ctx, Action::UnpublishDns { domain: d.into() });
    apply_ok(&mut w, &ctx, Action::RecheckDomain { name: d.into() });
    // While it is verified-uncertain the setting may not leave Blocked either, or restoring the
    // record would leave a multi-verified domain in a Restricted org.
    refused_with(
        &mut w,
        &ctx,
        Action::SetSignup {
            setting: SignupSetting::Restricted,
        },
        "SIGN-5",
    );
    apply_ok(&mut w, &ctx, Action::PublishDns { domain: d.into() });
    apply_ok(&mut w, &ctx, Action::RecheckDomain { name: d.into() });
    assert_eq!(w.find_org(OWL).unwrap().signup, SignupSetting::Blocked);
}

#[test]
fn rule_sub_4_an_invitation_cannot_grant_roles_on_a_subaccount() {
    let mut w = demo();
    let ctx = ctx_as(&w, ADAM);
    let eu = acc(&w, "Owl Prod EU");
    refused_with(
        &mut w,
        &ctx,
        Action::Invite {
            email: "new.dev@owl-industries.example".into(),
            role: OrgRole::Standard,
            accounts: vec![(eu, vec![AccountRole::Developer])],
        },
        "SUB-4",
    );
}

#[test]
fn rule_org_8_an_independent_account_joining_as_managed_counts_toward_the_limit() {
    // Kai owns the independent Kestrel Partner Portal (which does not count). Since rev 2 of
    // USR-5 a member never owns an independent account of its org, so the portal becomes managed
    // (which counts) when he joins, before he can become Owner. With Owl full, joining is refused.
    let mut w = demo();
    let ctx = ctx_as(&w, OLIVIA);
    verify_new_domain(&mut w, &ctx, "kestrel-partners.example");
    apply_ok(&mut w, &ctx, invite(KAI, OrgRole::Standard));
    let used = w.accounts_toward_limit(&ctx.org) as u32;
    apply_ok(&mut w, &ctx, set(Setting::AccountLimit(used)));
    refused_with(
        &mut w,
        &ctx,
        Action::AcceptInvite { email: KAI.into() },
        "ACC-3",
    );
    apply_ok(&mut w, &ctx, set(Setting::AccountLimit(used + 1)));
    apply_ok(&mut w, &ctx, Action::AcceptInvite { email: KAI.into() });
    let portal = account(&w, "Kestrel Partner Portal");
    assert_eq!(w.kind_in(portal, &ctx.org), Some(AccountKind::Managed));
    apply_ok(&mut w, &ctx, Action::TransferOrg { user: KAI.into() });
    let portal = account(&w, "Kestrel Partner Portal");
    assert_eq!(w.kind_in(portal, &ctx.org), Some(AccountKind::Managed));
}

#[test]
fn rule_sub_2_an_account_with_more_subaccounts_than_the_org_allows_cannot_be_imported() {
    let mut w = demo();
    let owl = ctx_as(&w, OLIVIA);
    // Sam's Owl Staging becomes Full with 3 subaccounts...
    let staging = acc(&w, "Owl Staging");
    apply_ok(
        &mut w,
        &owl,
        Action::UpgradeAccount {
            sid: staging.clone(),
        },
    );
    for i in 0..3 {
        apply_ok(
            &mut w,
            &owl,
            Action::CreateSubaccount {
                parent: staging.clone(),
                name: Some(format!("Stage {i}")),
            },
        );
    }
    // ...and leaves Owl with Sam when owl-industries.example is not re-verified in time.
    apply_ok(
        &mut w,
        &owl,
        Action::UnpublishDns {
            domain: "owl-industries.example".into(),
        },
    );
    apply_ok(&mut w, &owl, Action::AdvanceClock { seconds: days(30) });
    assert_eq!(account(&w, "Owl Staging").link, None);
    // Heron (subaccount limit 2) takes the domain over and tries to import it.
    let heron = ctx_as(&w, HANA);
    apply_ok(&mut w, &heron, set(Setting::SubaccountLimit(2)));
    verify_new_domain(&mut w, &heron, "owl-industries.example");
    refused_with(
        &mut w,
        &heron,
        Action::ImportAccount {
            sid: staging.clone(),
        },
        "SUB-2",
    );
    refused_with(
        &mut w,
        &heron,
        Action::LinkAccount {
            sid: staging.clone(),
        },
        "SUB-2",
    );
    apply_ok(&mut w, &heron, set(Setting::SubaccountLimit(3)));
    apply_ok(&mut w, &heron, Action::ImportAccount { sid: staging });
}

#[test]
fn rule_dom_5_multi_verified_stays_on_while_another_org_holds_the_domain_uncertain() {
    let mut w = demo();
    let heron = ctx_as(&w, HANA);
    let owl = ctx_as(&w, OLIVIA);
    let d = "heron-logistics.example";
    apply_ok(
        &mut w,
        &heron,
        Action::SetSignup {
            setting: SignupSetting::Blocked,
        },
    );
    apply_ok(
        &mut w,
        &heron,
        set(Setting::MultiVerified {
            domain: d.into(),
            on: true,
        }),
    );
    apply_ok(
        &mut w,
        &owl,
        Action::SetSignup {
            setting: SignupSetting::Blocked,
        },
    );
    verify_new_domain(&mut w, &owl, d);
    // Owl's record disappears: its copy is verified-uncertain, but Owl still holds the domain.
    apply_ok(&mut w, &owl, Action::UnpublishDns { domain: d.into() });
    assert!(
        w.dns_has_record(&w.find_org(HERON).unwrap().domains[d]),
        "Heron's record stays"
    );
    apply_ok(&mut w, &owl, Action::RecheckDomain { name: d.into() });
    refused_with(
        &mut w,
        &heron,
        set(Setting::MultiVerified {
            domain: d.into(),
            on: false,
        }),
        "DOM-5",
    );
}

#[test]
fn rule_clk_1_the_clock_refuses_to_run_off_the_calendar_and_huge_lifetimes_never_expire() {
    // These used to panic (timestamp overflow) instead of answering.
    let mut w = demo();
    let ctx = ctx_as(&w, OLIVIA);
    fails_without_rule(&mut w, &ctx, Action::AdvanceClock { seconds: i64::MAX });
    fails_without_rule(
        &mut w,
        &ctx,
        Action::AdvanceClock {
            seconds: 10_000 * 365 * 86_400,
        },
    );
    // An invitation lifetime and a reset link lifetime as long as the setting allows.
    apply_ok(&mut w, &ctx, set(Setting::InviteDays(u32::MAX)));
    apply_ok(&mut w, &ctx, set(Setting::ResetLinkHours(u32::MAX)));
    apply_ok(
        &mut w,
        &ctx,
        invite("forever@owl-industries.example", OrgRole::Standard),
    );
    apply_ok(
        &mut w,
        &ctx,
        Action::ResendInvite {
            email: PAULA.into(),
        },
    );
    apply_ok(&mut w, &ctx, Action::ResetPassword { user: SAM.into() });
    apply_ok(
        &mut w,
        &ctx,
        Action::AdvanceClock {
            seconds: 1_000 * 365 * 86_400,
        },
    );
    assert_eq!(w.find_org(OWL).unwrap().invitations.len(), 2);
    assert!(user(&w, SAM).password_reset_until.is_some());
    // "Never" survives a save and a load.
    let text = tworg::persist::to_ron(&w);
    assert_eq!(tworg::persist::from_ron(&text, "world").unwrap(), w);
}

#[test]
fn rule_dom_9_accounts_that_leave_with_their_owner_keep_no_access_granted_by_the_org() {
    // Like relinquishing an independent account (ACC-6) or removing a user (USR-8): what the org
    // granted stays with the org.
    let mut w = demo();
    let ctx = ctx_as(&w, OLIVIA);
    let staging = acc(&w, "Owl Staging");
    apply_ok(
        &mut w,
        &ctx,
        Action::GrantAccess {
            sid: staging,
            user: OLIVIA.into(),
            roles: vec![AccountRole::Support],
        },
    );
    apply_ok(
        &mut w,
        &ctx,
        Action::UnpublishDns {
            domain: "owl-industries.example".into(),
        },
    );
    apply_ok(&mut w, &ctx, Action::AdvanceClock { seconds: days(30) });
    let a = account(&w, "Owl Staging");
    assert_eq!(a.link, None);
    assert!(
        !w.grants_on(&a.sid).contains_key(&user_sid(&w, OLIVIA)),
        "the Owner's grant stays behind"
    );
    // Sam's grant on Adam's Owl Contact Center goes too, whichever of them the expiry takes first.
    assert!(
        w.grants_on(&account(&w, "Owl Contact Center").sid)
            .is_empty()
    );
}

/// Owl Staging, with a subaccount, leaves Owl with Sam (DOM-9) and Heron asks to import it.
fn staging_pending_in_heron_with_a_subaccount() -> (World, Ctx, String, String) {
    let mut w = demo();
    let owl = ctx_as(&w, OLIVIA);
    let staging = acc(&w, "Owl Staging");
    let out = apply_ok(
        &mut w,
        &owl,
        Action::CreateSubaccount {
            parent: staging.clone(),
            name: Some("Stage Sub".into()),
        },
    );
    let sub = created(&out, SidKind::Account).to_string();
    apply_ok(
        &mut w,
        &owl,
        Action::UnpublishDns {
            domain: "owl-industries.example".into(),
        },
    );
    apply_ok(&mut w, &owl, Action::AdvanceClock { seconds: days(30) });
    let heron = ctx_as(&w, HANA);
    verify_new_domain(&mut w, &heron, "owl-industries.example");
    apply_ok(
        &mut w,
        &heron,
        Action::ImportAccount {
            sid: staging.clone(),
        },
    );
    (w, heron, staging, sub)
}

#[test]
fn rule_sub_4_a_pending_accounts_subaccount_is_not_confirmed_or_cancelled_on_its_own() {
    // Confirming or declining by the subaccount's SID used to panic; cancelling by it reported
    // success and changed nothing.
    let (mut w, heron, staging, sub) = staging_pending_in_heron_with_a_subaccount();
    let sam = ctx_in(&w, HERON, SAM);
    refused_with(
        &mut w,
        &sam,
        Action::ConfirmAccount { sid: sub.clone() },
        "SUB-4",
    );
    refused_with(
        &mut w,
        &sam,
        Action::DeclineAccount { sid: sub.clone() },
        "SUB-4",
    );
    refused_with(
        &mut w,
        &heron,
        Action::CancelAccount { sid: sub.clone() },
        "SUB-4",
    );
    // By the parent's SID it works, and the subaccount follows.
    apply_ok(&mut w, &sam, Action::ConfirmAccount { sid: staging });
    let s = account(&w, "Stage Sub");
    assert_eq!(w.kind_in(s, &heron.org), Some(AccountKind::Managed));
}

/// A DER certificate skeleton whose validity dates are `time` (a UTCTime's content bytes), as PEM.
fn pem_with_validity_time(time: &[u8]) -> String {
    use base64::Engine;
    fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
        let mut v = vec![tag, content.len() as u8];
        v.extend_from_slice(content);
        v
    }
    let t = tlv(0x17, time);
    let validity = tlv(0x30, &[t.clone(), t].concat());
    let tbs = tlv(
        0x30,
        &[
            &[0x02, 0x01, 0x01][..],
            &[0x30, 0x00],
            &[0x30, 0x00],
            &validity,
        ]
        .concat(),
    );
    let der = tlv(0x30, &tbs);
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    format!("-----BEGIN CERTIFICATE-----\n{b64}\n-----END CERTIFICATE-----\n")
}

#[test]
fn rule_sso_2_a_certificate_with_garbled_dates_is_refused_not_a_crash() {
    // Four 3-byte characters are 12 bytes, the length of a UTCTime: slicing them used to panic.
    let garbled = pem_with_validity_time("€€€€".as_bytes());
    assert!(tworg::model::sso::parse_certificate(&garbled).is_err());
    let mut w = demo();
    let ctx = ctx_as(&w, ADAM);
    refused_with(&mut w, &ctx, configure(&garbled), "SSO-2");
    // The same skeleton with real dates parses (so the refusal above is about the dates).
    let fine = pem_with_validity_time(b"491231235959Z");
    let v = tworg::model::sso::parse_certificate(&fine).expect("parses");
    assert_eq!(v.not_after.to_string(), "2049-12-31T23:59:59Z");
}

/// The externalIds of an org's members, with duplicates if any.
fn external_ids(w: &World, org: &Sid) -> Vec<String> {
    let mut ids: Vec<String> = w
        .members(org)
        .filter_map(|u| u.scim.external_id.clone())
        .collect();
    ids.sort();
    ids
}

#[test]
fn rule_scim_2_external_ids_stay_unique_when_a_merge_brings_provisioned_users() {
    let (mut w, owl_scim) = owl_with_scim();
    apply_ok(
        &mut w,
        &owl_scim,
        Action::ScimCreateUser {
            user: scim_user("pat@owl-industries.example", Some("E1")),
        },
    );
    // Finch provisions its own users (its SCIM rules relaxed: it has no verified domain).
    let felix = ctx_as(&w, FELIX);
    apply_ok(
        &mut w,
        &felix,
        Action::ScimEnable {
            token: "f".repeat(40),
        },
    );
    apply_ok(&mut w, &felix, set(Setting::ScimTwilioRules(false)));
    let finch_scim = Ctx {
        org: felix.org.clone(),
        actor: Actor::ScimToken,
    };
    apply_ok(
        &mut w,
        &finch_scim,
        Action::ScimCreateUser {
            user: scim_user("zed@finch-analytics.example", Some("E1")),
        },
    );
    let owner = ctx_as(&w, OLIVIA);
    enable_import_users(&mut w, &owner);
    apply_ok(&mut w, &owner, merge(FINCH, FINCH, OrgRole::Standard));
    let ids = external_ids(&w, &owner.org);
    let mut unique = ids.clone();
    unique.dedup();
    assert_eq!(
        ids, unique,
        "the Candidate's SCIM identifiers do not come along"
    );
    assert_eq!(ids, vec!["E1".to_string()]);
    // Zed is a member of the Prime now; the Prime's SCIM client finds him by his email.
    let zed = user(&w, "zed@finch-analytics.example");
    assert_eq!(World::scim_user_name(zed), "zed@finch-analytics.example");
}

#[test]
fn rule_scim_2_a_user_who_leaves_does_not_bring_an_old_external_id_back() {
    let (mut w, scim) = owl_with_scim();
    let owner = ctx_as(&w, OLIVIA);
    apply_ok(
        &mut w,
        &scim,
        Action::ScimCreateUser {
            user: scim_user("pat@owl-industries.example", Some("E1")),
        },
    );
    // Pat is removed in tworg (not through SCIM); the IdP gives E1 to Quinn; Pat is invited back.
    apply_ok(
        &mut w,
        &owner,
        Action::RemoveUser {
            user: "pat@owl-industries.example".into(),
            confirm_lockout: false,
        },
    );
    apply_ok(
        &mut w,
        &scim,
        Action::ScimCreateUser {
            user: scim_user("quinn@owl-industries.example", Some("E1")),
        },
    );
    apply_ok(
        &mut w,
        &owner,
        invite("pat@owl-industries.example", OrgRole::Standard),
    );
    apply_ok(
        &mut w,
        &owner,
        Action::AcceptInvite {
            email: "pat@owl-industries.example".into(),
        },
    );
    assert_eq!(external_ids(&w, &owner.org), vec!["E1".to_string()]);
}

// ============================================================================================
// The rule table and this file
// ============================================================================================

#[test]
fn the_rule_table_lists_exactly_the_rules_of_rules_md() {
    let mut expected: Vec<String> = Vec::new();
    for (prefix, n) in [
        ("ID", 2),
        ("ORG", 9),
        ("ACC", 10),
        ("SUB", 6),
        ("DOM", 11),
        ("SIGN", 5),
        ("USR", 9),
        ("RBAC", 5),
        ("SSO", 6),
        ("SCIM", 4),
        ("MRG", 6),
        ("HIP", 3),
        ("CLK", 1),
        ("AUD", 1),
    ] {
        expected.extend((1..=n).map(|i| format!("{prefix}-{i}")));
    }
    let ids: Vec<&str> = tworg::model::rules::ALL.iter().map(|r| r.id).collect();
    assert_eq!(ids, expected);
    assert!(
        tworg::model::rules::ALL
            .iter()
            .all(|r| !r.statement.is_empty())
    );
}

#[test]
fn every_rule_has_a_test_named_after_its_id() {
    // This file and every `tests/rules_*.rs` beside it (the rev 2 rule tests).
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .expect("tests/")
        .map(|e| e.expect("entry").path())
        .filter(|p| {
            p.extension().is_some_and(|x| x == "rs")
                && p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n == "rules.rs" || n.starts_with("rules_"))
        })
        .collect();
    files.sort();
    let source: String = files
        .iter()
        .map(|p| std::fs::read_to_string(p).expect("readable"))
        .collect();
    let missing: Vec<&str> = tworg::model::rules::ALL
        .iter()
        .map(|r| r.id)
        .filter(|id| {
            let name = format!("fn rule_{}_", id.to_ascii_lowercase().replace('-', "_"));
            !source.contains(&name)
        })
        .collect();
    assert!(
        missing.is_empty(),
        "rules without a test named after them: {missing:?}"
    );
}
