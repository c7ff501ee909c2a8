//! RULES.md revision 2, "completing later" and state fidelity (issue 8, defects 1, 4, 5, 6, 7):
//! USR-1, USR-3, USR-5, USR-9, ACC-4, ACC-8, DOM-9 and CLK-1 as revised. Each test is named after
//! the rule it shows, with the refusal (world unchanged, `refused_with`), the refusal's fixes
//! followed step by step, and the allowed path. D is owl-industries.example throughout.

mod fixture;

use std::path::Path;

use fixture::*;
use tworg::model::action::Setting;
use tworg::model::*;

const D: &str = "owl-industries.example";
const NEW: &str = "new.hire@owl-industries.example";

fn invite(email: &str) -> Action {
    Action::Invite {
        email: email.into(),
        role: OrgRole::Standard,
        accounts: vec![],
    }
}

fn accept(email: &str) -> Action {
    Action::AcceptInvite {
        email: email.into(),
    }
}

fn advance(n_days: i64) -> Action {
    Action::AdvanceClock {
        seconds: days(n_days),
    }
}

/// D loses its TXT record and the next advance finds it gone: verified-uncertain (DOM-9).
fn make_d_uncertain(w: &mut World) {
    let ctx = ctx_as(w, OLIVIA);
    apply_ok(w, &ctx, Action::UnpublishDns { domain: D.into() });
    apply_ok(w, &ctx, advance(1));
    assert!(matches!(
        w.find_org(OWL).unwrap().domains[D].status,
        DomainStatus::VerifiedUncertain { .. }
    ));
}

/// Follows a refusal's fixes in order: each by the same acting user (`by: None`) or by the user
/// it names, acting in their own org (the home org for users outside every org).
fn follow_fixes(w: &mut World, ctx: &Ctx, r: &Refusal) {
    assert!(!r.fixes.is_empty(), "no fixes in {r:?}");
    for f in &r.fixes {
        let c = match &f.by {
            None => ctx.clone(),
            Some(email) => ctx_as(w, email),
        };
        apply_ok(w, &c, f.action.clone());
    }
}

fn mia_sandbox(w: &World) -> String {
    acc(w, "Owl Marketing Sandbox")
}

fn kind(w: &World, name: &str) -> Option<AccountKind> {
    let owl = org_sid(w, OWL);
    w.kind_in(account(w, name), &owl)
}

/// Liam's Owl Legacy Billing is linked and confirmed: an independent account of Owl (ACC-6).
fn liam_links_legacy_billing(w: &mut World) -> String {
    let olivia = ctx_as(w, OLIVIA);
    let legacy = acc(w, "Owl Legacy Billing");
    apply_ok(
        w,
        &olivia,
        Action::LinkAccount {
            sid: legacy.clone(),
        },
    );
    let liam = ctx_as(w, LIAM);
    apply_ok(
        w,
        &liam,
        Action::ConfirmAccount {
            sid: legacy.clone(),
        },
    );
    assert_eq!(
        kind(w, "Owl Legacy Billing"),
        Some(AccountKind::Independent)
    );
    legacy
}

// ============================================================================================
// Defect 1: completing later re-checks the domain (USR-1, ACC-4, DOM-9 rev 2)
// ============================================================================================

#[test]
fn rule_usr_1_accepting_waits_while_the_domain_is_verified_uncertain() {
    let mut w = demo();
    let ctx = ctx_as(&w, OLIVIA);
    make_d_uncertain(&mut w);
    // Starting is refused, as before...
    refused_with(&mut w, &ctx, invite(NEW), "USR-1");
    refused_with(
        &mut w,
        &ctx,
        Action::ResendInvite {
            email: PAULA.into(),
        },
        "USR-1",
    );
    // ...and so is completing: Paula's invitation stays pending, nobody joins.
    let r = refused_with(&mut w, &ctx, accept(PAULA), "USR-1");
    assert!(r.message.contains("verified-uncertain"), "{}", r.message);
    assert!(!r.hint.contains("tworg"), "face-neutral hint: {}", r.hint);
    let inv = w
        .find_org(OWL)
        .unwrap()
        .invitations
        .values()
        .next()
        .unwrap();
    assert!(inv.email == PAULA && !inv.is_expired(w.clock));
    assert!(w.user_by_email(PAULA).is_none());
    // The fix: publish the record again and re-check; then accepting completes.
    follow_fixes(&mut w, &ctx, &r);
    assert!(w.find_org(OWL).unwrap().domains[D].is_verified());
    apply_ok(&mut w, &ctx, accept(PAULA));
    assert!(role_of(&w, PAULA).is_some());
}

#[test]
fn rule_usr_1_accepting_is_refused_after_the_domain_is_deleted() {
    let mut w = demo();
    let ctx = ctx_as(&w, OLIVIA);
    apply_ok(&mut w, &ctx, Action::Set(Setting::InviteDays(60)));
    apply_ok(&mut w, &ctx, invite(NEW));
    // The record goes and the 30 days pass: D is deleted (DOM-9), the invitation has not expired.
    apply_ok(&mut w, &ctx, Action::UnpublishDns { domain: D.into() });
    apply_ok(&mut w, &ctx, advance(31));
    assert!(!w.find_org(OWL).unwrap().domains.contains_key(D));
    let r = refused_with(&mut w, &ctx, accept(NEW), "USR-1");
    assert!(r.message.contains("not a domain"), "{}", r.message);
    // The fix: add D again, publish its (new) record, verify it.
    assert_eq!(r.fixes.len(), 3);
    follow_fixes(&mut w, &ctx, &r);
    apply_ok(&mut w, &ctx, accept(NEW));
    assert!(role_of(&w, NEW).is_some());
}

#[test]
fn rule_acc_4_confirming_an_import_waits_while_the_domain_is_verified_uncertain() {
    let mut w = demo();
    make_d_uncertain(&mut w);
    let mia = ctx_as(&w, MIA);
    let sandbox = mia_sandbox(&w);
    let r = refused_with(
        &mut w,
        &mia,
        Action::ConfirmAccount {
            sid: sandbox.clone(),
        },
        "ACC-4",
    );
    assert_eq!(
        kind(&w, "Owl Marketing Sandbox"),
        Some(AccountKind::Pending)
    );
    assert!(user(&w, MIA).membership.is_none());
    // The fixes are the Owner's to do (Mia cannot verify domains).
    assert!(r.fixes.iter().all(|f| f.by.as_deref() == Some(OLIVIA)));
    follow_fixes(&mut w, &mia, &r);
    apply_ok(&mut w, &mia, Action::ConfirmAccount { sid: sandbox });
    assert_eq!(
        kind(&w, "Owl Marketing Sandbox"),
        Some(AccountKind::Managed)
    );
    assert_eq!(role_of(&w, MIA), Some(OrgRole::Standard));
}

#[test]
fn rule_acc_4_importing_while_the_owner_domain_is_verified_uncertain_is_refused() {
    let mut w = demo();
    make_d_uncertain(&mut w);
    let ctx = ctx_as(&w, OLIVIA);
    let legacy = acc(&w, "Owl Legacy Billing");
    let r = refused_with(
        &mut w,
        &ctx,
        Action::ImportAccount {
            sid: legacy.clone(),
        },
        "ACC-4",
    );
    follow_fixes(&mut w, &ctx, &r);
    apply_ok(&mut w, &ctx, Action::ImportAccount { sid: legacy });
}

#[test]
fn rule_acc_4_an_added_unverified_domain_is_published_and_verified_not_added_again() {
    // Issue 8: "ACC-4 for owl-labs.example says `domain add`, already added".
    let mut w = demo();
    let ctx = ctx_as(&w, OLIVIA);
    let proto = acc(&w, "Owl Labs Prototype");
    let r = refused_with(
        &mut w,
        &ctx,
        Action::ImportAccount { sid: proto.clone() },
        "ACC-4",
    );
    assert!(
        !r.fixes
            .iter()
            .any(|f| matches!(f.action, Action::AddDomain { .. }))
    );
    follow_fixes(&mut w, &ctx, &r);
    apply_ok(&mut w, &ctx, Action::ImportAccount { sid: proto });
}

#[test]
fn rule_dom_9_sign_ups_wait_while_the_domain_is_verified_uncertain() {
    let mut w = demo();
    let ctx = ctx_as(&w, OLIVIA);
    apply_ok(
        &mut w,
        &ctx,
        Action::SetSignup {
            setting: SignupSetting::AutoEnrollment,
        },
    );
    make_d_uncertain(&mut w);
    let signup = Action::Signup {
        email: NEW.into(),
        name: None,
    };
    // Before rev 2 this created a standalone user with an org of their own.
    let r = refused_with(&mut w, &ctx, signup.clone(), "DOM-9");
    assert!(w.user_by_email(NEW).is_none());
    follow_fixes(&mut w, &ctx, &r);
    apply_ok(&mut w, &ctx, signup);
    assert_eq!(role_of(&w, NEW), Some(OrgRole::Standard));
    assert_eq!(
        user(&w, NEW).membership.as_ref().unwrap().org,
        org_sid(&w, OWL)
    );
}

#[test]
fn rule_dom_9_a_blocked_sign_up_on_an_uncertain_domain_stays_standalone() {
    let mut w = demo();
    let ctx = ctx_as(&w, OLIVIA);
    apply_ok(
        &mut w,
        &ctx,
        Action::SetSignup {
            setting: SignupSetting::Blocked,
        },
    );
    make_d_uncertain(&mut w);
    apply_ok(
        &mut w,
        &ctx,
        Action::Signup {
            email: NEW.into(),
            name: None,
        },
    );
    let m = user(&w, NEW).membership.clone().unwrap();
    assert_ne!(m.org, org_sid(&w, OWL), "SIGN-4: an org of their own");
}

#[test]
fn rule_dom_9_bulk_import_rejects_rows_of_an_uncertain_domain() {
    let mut w = demo();
    let ctx = ctx_as(&w, OLIVIA);
    // owl-labs.example (its record is already published) keeps Owl with a verified domain.
    apply_ok(
        &mut w,
        &ctx,
        Action::VerifyDomain {
            name: "owl-labs.example".into(),
        },
    );
    apply_ok(&mut w, &ctx, Action::Set(Setting::BulkImport(true)));
    make_d_uncertain(&mut w);
    let out = apply_ok(
        &mut w,
        &ctx,
        Action::ImportUsers {
            csv: format!("email,first_name,last_name\n{NORA},Nora,Newhire\n{IVY},Ivy,Inventor\n"),
        },
    );
    let nora = out.report.iter().find(|(e, _)| e == NORA).unwrap();
    assert!(nora.1.as_deref().unwrap().contains("DOM-9"), "{nora:?}");
    assert!(role_of(&w, NORA).is_none());
    assert!(role_of(&w, IVY).is_some());
}

#[test]
fn rule_dom_9_scim_provisioning_waits_while_the_domain_is_verified_uncertain() {
    let mut w = demo();
    let ctx = ctx_as(&w, OLIVIA);
    apply_ok(
        &mut w,
        &ctx,
        Action::ScimEnable {
            token: "t".repeat(40),
        },
    );
    apply_ok(&mut w, &ctx, Action::Set(Setting::ScimTwilioRules(false)));
    make_d_uncertain(&mut w);
    let scim = Ctx {
        org: ctx.org.clone(),
        actor: Actor::ScimToken,
    };
    let create = Action::ScimCreateUser {
        user: scim::ScimUserData {
            user_name: NEW.into(),
            emails: vec![ScimEmail {
                value: NEW.into(),
                kind: None,
                primary: true,
            }],
            ..Default::default()
        },
    };
    let r = refused_with(&mut w, &scim, create.clone(), "DOM-9");
    follow_fixes(&mut w, &scim, &r);
    apply_ok(&mut w, &scim, create);
}

// ============================================================================================
// Defect 7: expired invitations stay listed (USR-3 rev 2, CLK-1)
// ============================================================================================

#[test]
fn rule_usr_3_expired_invitation_stays_listed() {
    let mut w = demo();
    let ctx = ctx_as(&w, ADAM);
    let out = apply_ok(&mut w, &ctx, advance(8));
    // CLK-1: the advance logs it.
    assert!(
        out.report
            .iter()
            .any(|(e, _)| e.contains(PAULA) && e.contains("expired")),
        "{:?}",
        out.report
    );
    let inv = w
        .find_org(OWL)
        .unwrap()
        .invitations
        .values()
        .find(|i| i.email == PAULA)
        .expect("still listed")
        .clone();
    assert_eq!(inv.status_label(w.clock), "expired");
    // Accepting is refused by USR-3, naming the day it expired (7 days after 2026-12-14).
    let r = refused_with(&mut w, &ctx, accept(PAULA), "USR-3");
    assert!(r.message.contains("expired on 2026-12-21"), "{}", r.message);
    // Inviting again points at the expired one: resend it.
    let again = refused_with(&mut w, &ctx, invite(PAULA), "USR-3");
    assert!(again.message.contains("expired"), "{}", again.message);
    // Cancelling still works.
    let mut cancelled = w.clone();
    apply_ok(
        &mut cancelled,
        &ctx,
        Action::CancelInvite {
            email: PAULA.into(),
        },
    );
    assert!(cancelled.find_org(OWL).unwrap().invitations.is_empty());
    // Resending (the fix) makes it pending with a new lifetime; then accepting completes.
    follow_fixes(&mut w, &ctx, &r);
    let inv = w.find_org(OWL).unwrap().invitations[&inv.sid].clone();
    assert_eq!(inv.status_label(w.clock), "pending");
    assert_eq!(
        inv.expires_at,
        w.clock + jiff::SignedDuration::from_hours(24 * 7)
    );
    apply_ok(&mut w, &ctx, accept(PAULA));
    let m = user(&w, PAULA).membership.clone().unwrap();
    assert_eq!(m.role, OrgRole::Standard);
    // Its account grant (Developer on Owl Production) applied.
    let prod = account(&w, "Owl Production");
    assert!(w.grants_on(&prod.sid).contains_key(&user_sid(&w, PAULA)));
}

#[test]
fn rule_usr_3_an_expired_invitation_is_not_honoured_by_a_sign_up() {
    let mut w = demo();
    let ctx = ctx_as(&w, OLIVIA);
    apply_ok(&mut w, &ctx, advance(8));
    let signup = Action::Signup {
        email: PAULA.into(),
        name: None,
    };
    // Restricted: without a pending invitation the sign-up is refused; the fix resends it.
    let r = refused_with(&mut w, &ctx, signup.clone(), "SIGN-2");
    assert!(r.message.contains("expired on 2026-12-21"), "{}", r.message);
    follow_fixes(&mut w, &ctx, &r);
    apply_ok(&mut w, &ctx, signup);
    assert_eq!(role_of(&w, PAULA), Some(OrgRole::Standard));
    assert!(w.find_org(OWL).unwrap().invitations.is_empty());
}

#[test]
fn rule_usr_3_auto_enrollment_with_an_expired_invitation_joins_as_standard() {
    let mut w = demo();
    let ctx = ctx_as(&w, OLIVIA);
    apply_ok(
        &mut w,
        &ctx,
        Action::SetSignup {
            setting: SignupSetting::AutoEnrollment,
        },
    );
    apply_ok(&mut w, &ctx, advance(8));
    apply_ok(
        &mut w,
        &ctx,
        Action::Signup {
            email: PAULA.into(),
            name: None,
        },
    );
    assert_eq!(role_of(&w, PAULA), Some(OrgRole::Standard));
    // The expired invitation is done with, and its grant was not honoured.
    assert!(w.find_org(OWL).unwrap().invitations.is_empty());
    let prod = account(&w, "Owl Production");
    assert!(!w.grants_on(&prod.sid).contains_key(&user_sid(&w, PAULA)));
}

// ============================================================================================
// Defect 7: account requests expire and are resent (ACC-4 rev 2, ACC-6, USR-3, ACC-3)
// ============================================================================================

#[test]
fn rule_acc_4_expired_import_request_stays_listed_and_is_resent() {
    let mut w = demo();
    let owl = org_sid(&w, OWL);
    let olivia = ctx_as(&w, OLIVIA);
    let sandbox = mia_sandbox(&w);
    let requests = w.account_requests(&owl);
    assert_eq!(requests.len(), 1);
    assert_eq!(
        (requests[0].kind_label(), requests[0].status_label()),
        ("import", "pending")
    );
    let used = w.accounts_toward_limit(&owl);
    let out = apply_ok(&mut w, &olivia, advance(8));
    assert!(
        out.report
            .iter()
            .any(|(e, _)| e.contains("import request") && e.contains("Owl Marketing Sandbox")),
        "{:?}",
        out.report
    );
    let r = &w.account_requests(&owl)[0];
    assert!(r.expired);
    // ACC-3: an expired request no longer counts (decision: it cannot complete until resent).
    assert_eq!(w.accounts_toward_limit(&owl), used - 1);
    // Confirming is refused by USR-3, naming the day; the account stays listed as pending.
    let mia = ctx_as(&w, MIA);
    let refusal = refused_with(
        &mut w,
        &mia,
        Action::ConfirmAccount {
            sid: sandbox.clone(),
        },
        "USR-3",
    );
    assert!(
        refusal.message.contains("expired on 2026-12-21"),
        "{}",
        refusal.message
    );
    // A Standard user cannot resend (org management).
    let sam = ctx_as(&w, SAM);
    refused_with(
        &mut w,
        &sam,
        Action::ResendAccount {
            sid: sandbox.clone(),
        },
        "ORG-3",
    );
    // The fix: an administrator resends; it counts again and can be confirmed.
    follow_fixes(&mut w, &mia, &refusal);
    let r = &w.account_requests(&owl)[0];
    assert!(!r.expired);
    assert_eq!(r.sent_at, w.clock);
    assert_eq!(w.accounts_toward_limit(&owl), used);
    apply_ok(&mut w, &mia, Action::ConfirmAccount { sid: sandbox });
    assert_eq!(
        kind(&w, "Owl Marketing Sandbox"),
        Some(AccountKind::Managed)
    );
    assert!(w.account_requests(&owl).is_empty());
}

#[test]
fn rule_acc_3_resending_an_expired_request_needs_room_again() {
    let mut w = demo();
    let owl = org_sid(&w, OWL);
    let olivia = ctx_as(&w, OLIVIA);
    let sandbox = mia_sandbox(&w);
    apply_ok(&mut w, &olivia, advance(8));
    // The expired request freed its place; the limit is lowered to what is used.
    let used = w.accounts_toward_limit(&owl) as u32;
    apply_ok(&mut w, &olivia, Action::Set(Setting::AccountLimit(used)));
    let r = refused_with(
        &mut w,
        &olivia,
        Action::ResendAccount {
            sid: sandbox.clone(),
        },
        "ACC-3",
    );
    assert!(!r.hint.contains("tworg"), "{}", r.hint);
    follow_fixes(&mut w, &olivia, &r);
    assert_eq!(w.find_org(OWL).unwrap().settings.account_limit, used + 1);
    apply_ok(&mut w, &olivia, Action::ResendAccount { sid: sandbox });
}

#[test]
fn rule_acc_4_an_expired_request_is_declined_or_cancelled_as_before() {
    let mut w = demo();
    let olivia = ctx_as(&w, OLIVIA);
    let sandbox = mia_sandbox(&w);
    apply_ok(&mut w, &olivia, advance(8));
    let mut declined = w.clone();
    let mia = ctx_as(&w, MIA);
    apply_ok(
        &mut declined,
        &mia,
        Action::DeclineAccount {
            sid: sandbox.clone(),
        },
    );
    assert!(account(&declined, "Owl Marketing Sandbox").link.is_none());
    apply_ok(&mut w, &olivia, Action::CancelAccount { sid: sandbox });
    assert!(account(&w, "Owl Marketing Sandbox").link.is_none());
}

#[test]
fn rule_acc_4_an_expired_request_elsewhere_is_cancelled_there_first() {
    let mut w = demo();
    let olivia = ctx_as(&w, OLIVIA);
    let hana = ctx_as(&w, HANA);
    let sandbox = mia_sandbox(&w);
    apply_ok(&mut w, &olivia, advance(8));
    // Heron cannot link Mia's sandbox while Owl's expired request is still listed.
    let r = refused_with(
        &mut w,
        &hana,
        Action::LinkAccount {
            sid: sandbox.clone(),
        },
        "ACC-4",
    );
    assert!(r.message.contains("Owl Industries"), "{}", r.message);
    follow_fixes(&mut w, &hana, &r);
    apply_ok(&mut w, &hana, Action::LinkAccount { sid: sandbox });
    // In Owl itself, importing it again points at resending instead.
    let mut w = demo();
    apply_ok(&mut w, &olivia, advance(8));
    let sid = mia_sandbox(&w);
    let r = refused_with(
        &mut w,
        &olivia,
        Action::ImportAccount { sid: sid.clone() },
        "USR-3",
    );
    follow_fixes(&mut w, &olivia, &r);
    assert!(!w.account_requests(&org_sid(&w, OWL))[0].expired);
}

#[test]
fn rule_acc_6_a_link_request_expires_and_is_resent() {
    let mut w = demo();
    let olivia = ctx_as(&w, OLIVIA);
    let legacy = acc(&w, "Owl Legacy Billing");
    apply_ok(
        &mut w,
        &olivia,
        Action::LinkAccount {
            sid: legacy.clone(),
        },
    );
    apply_ok(&mut w, &olivia, advance(8));
    let owl = org_sid(&w, OWL);
    let link = w
        .account_requests(&owl)
        .into_iter()
        .find(|r| r.account.as_str() == legacy)
        .unwrap();
    assert_eq!((link.kind_label(), link.expired), ("link", true));
    let liam = ctx_as(&w, LIAM);
    let r = refused_with(
        &mut w,
        &liam,
        Action::ConfirmAccount {
            sid: legacy.clone(),
        },
        "USR-3",
    );
    follow_fixes(&mut w, &liam, &r);
    apply_ok(&mut w, &liam, Action::ConfirmAccount { sid: legacy });
    assert_eq!(
        kind(&w, "Owl Legacy Billing"),
        Some(AccountKind::Independent)
    );
}

#[test]
fn rule_acc_5_only_a_request_can_be_resent() {
    let mut w = demo();
    let olivia = ctx_as(&w, OLIVIA);
    let staging = acc(&w, "Owl Staging");
    refused_with(
        &mut w,
        &olivia,
        Action::ResendAccount { sid: staging },
        "ACC-5",
    );
}

// ============================================================================================
// Defect 4: a member never owns an independent account of its org (USR-5 rev 2)
// ============================================================================================

#[test]
fn rule_usr_5_a_joining_owner_brings_their_independent_account_in_as_managed() {
    // Issue 8, defect 4: link Owl Legacy Billing, confirm as Liam, invite and accept Liam.
    let mut w = demo();
    let olivia = ctx_as(&w, OLIVIA);
    let owl = org_sid(&w, OWL);
    liam_links_legacy_billing(&mut w);
    let used = w.accounts_toward_limit(&owl);
    apply_ok(&mut w, &olivia, invite(LIAM));
    let out = apply_ok(&mut w, &olivia, accept(LIAM));
    assert!(out.message.contains("became managed"), "{}", out.message);
    assert_eq!(kind(&w, "Owl Legacy Billing"), Some(AccountKind::Managed));
    assert_eq!(
        w.accounts_toward_limit(&owl),
        used + 1,
        "it counts now (ACC-3)"
    );
    assert!(w.check_invariants().is_ok());
}

#[test]
fn rule_usr_5_joining_is_refused_when_the_independent_accounts_do_not_fit() {
    let mut w = demo();
    let olivia = ctx_as(&w, OLIVIA);
    let owl = org_sid(&w, OWL);
    liam_links_legacy_billing(&mut w);
    apply_ok(&mut w, &olivia, invite(LIAM));
    let used = w.accounts_toward_limit(&owl) as u32;
    apply_ok(&mut w, &olivia, Action::Set(Setting::AccountLimit(used)));
    let r = refused_with(&mut w, &olivia, accept(LIAM), "ACC-3");
    assert!(r.message.contains("Owl Legacy Billing"), "{}", r.message);
    // The invitation stays pending.
    assert_eq!(w.find_org(OWL).unwrap().invitations.len(), 2);
    follow_fixes(&mut w, &olivia, &r);
    apply_ok(&mut w, &olivia, accept(LIAM));
    assert_eq!(kind(&w, "Owl Legacy Billing"), Some(AccountKind::Managed));
}

#[test]
fn rule_usr_5_confirming_an_import_brings_the_owner_s_independent_accounts_in() {
    let mut w = demo();
    let olivia = ctx_as(&w, OLIVIA);
    liam_links_legacy_billing(&mut w);
    let out = apply_ok(
        &mut w,
        &olivia,
        Action::AddWorldAccount {
            name: "Liam Ledger".into(),
            owner: LIAM.into(),
            full: false,
        },
    );
    let ledger = created(&out, SidKind::Account).to_string();
    apply_ok(
        &mut w,
        &olivia,
        Action::ImportAccount {
            sid: ledger.clone(),
        },
    );
    let liam = ctx_as(&w, LIAM);
    apply_ok(&mut w, &liam, Action::ConfirmAccount { sid: ledger });
    assert_eq!(kind(&w, "Liam Ledger"), Some(AccountKind::Managed));
    assert_eq!(kind(&w, "Owl Legacy Billing"), Some(AccountKind::Managed));
}

#[test]
fn rule_usr_5_bulk_import_and_scim_bring_independent_accounts_in() {
    let mut w = demo();
    let olivia = ctx_as(&w, OLIVIA);
    liam_links_legacy_billing(&mut w);
    apply_ok(&mut w, &olivia, Action::Set(Setting::BulkImport(true)));
    let csv = format!("email,first_name,last_name\n{LIAM},Liam,Legacy\n");
    // With no room, the row is rejected with the reason; nothing else changes for Liam.
    let owl = org_sid(&w, OWL);
    let used = w.accounts_toward_limit(&owl) as u32;
    let mut full = w.clone();
    apply_ok(&mut full, &olivia, Action::Set(Setting::AccountLimit(used)));
    let out = apply_ok(&mut full, &olivia, Action::ImportUsers { csv: csv.clone() });
    assert!(
        out.report[0].1.as_deref().unwrap().contains("ACC-3"),
        "{:?}",
        out.report
    );
    assert!(role_of(&full, LIAM).is_none());
    // With room, he joins and the account becomes managed.
    apply_ok(&mut w, &olivia, Action::ImportUsers { csv });
    assert_eq!(kind(&w, "Owl Legacy Billing"), Some(AccountKind::Managed));
    // SCIM: the same when the Twilio user is provisioned.
    let mut w = demo();
    liam_links_legacy_billing(&mut w);
    apply_ok(
        &mut w,
        &olivia,
        Action::ScimEnable {
            token: "t".repeat(40),
        },
    );
    let scim = Ctx {
        org: owl.clone(),
        actor: Actor::ScimToken,
    };
    apply_ok(
        &mut w,
        &scim,
        Action::ScimCreateUser {
            user: scim::ScimUserData {
                user_name: LIAM.into(),
                emails: vec![ScimEmail {
                    value: LIAM.into(),
                    kind: None,
                    primary: true,
                }],
                ..Default::default()
            },
        },
    );
    assert_eq!(kind(&w, "Owl Legacy Billing"), Some(AccountKind::Managed));
}

#[test]
fn rule_usr_5_someone_of_a_verified_domain_is_invited_not_granted_access() {
    let mut w = demo();
    let olivia = ctx_as(&w, OLIVIA);
    let staging = acc(&w, "Owl Staging");
    let grant = Action::GrantAccess {
        sid: staging.clone(),
        user: NORA.into(),
        roles: vec![AccountRole::Developer],
    };
    let r = refused_with(&mut w, &olivia, grant.clone(), "USR-5");
    assert!(r.message.contains("invited as a member"), "{}", r.message);
    // The fix: invite her with that access; she accepts; she is a member with the role.
    follow_fixes(&mut w, &olivia, &r);
    assert_eq!(role_of(&w, NORA), Some(OrgRole::Standard));
    let nora = user_sid(&w, NORA);
    assert!(
        w.grants_on(&account(&w, "Owl Staging").sid)
            .contains_key(&nora)
    );
    apply_ok(&mut w, &olivia, grant);
    // Outsiders of other domains are still external collaborators (Eve, kestrel-partners).
    apply_ok(
        &mut w,
        &olivia,
        Action::GrantAccess {
            sid: staging,
            user: KAI.into(),
            roles: vec![AccountRole::Support],
        },
    );
}

#[test]
fn rule_usr_5_the_invariant_checker_reports_a_member_owning_an_independent_account() {
    let mut w = demo();
    liam_links_legacy_billing(&mut w);
    let owl = org_sid(&w, OWL);
    // Liam made a member behind the model's back, as a hand-edited file could.
    let liam = user_sid(&w, LIAM);
    w.users.get_mut(&liam).unwrap().membership = Some(Membership {
        org: owl,
        role: OrgRole::Standard,
        status: MemberStatus::Active,
        sso_exempt: false,
        joined_at: w.clock,
    });
    let v = w
        .check_invariants()
        .expect_err("a member owns an independent account");
    assert!(v.message.contains("USR-5"), "{}", v.message);
    assert!(v.message.contains(LIAM), "{}", v.message);
}

// ============================================================================================
// Defect 5: a closed account keeps only its history (ACC-8 rev 2)
// ============================================================================================

fn close_staging(w: &mut World) -> String {
    let ctx = ctx_as(w, OLIVIA);
    let staging = acc(w, "Owl Staging");
    apply_ok(
        w,
        &ctx,
        Action::CloseAccount {
            sid: staging.clone(),
            confirm_name: "Owl Staging".into(),
        },
    );
    staging
}

#[test]
fn rule_acc_8_a_closed_account_keeps_only_its_history() {
    let mut w = demo();
    let ctx = ctx_as(&w, OLIVIA);
    let staging = close_staging(&mut w);
    for action in [
        Action::RenameAccount {
            sid: staging.clone(),
            name: "Owl Staging 2".into(),
        },
        Action::TransferAccount {
            sid: staging.clone(),
            user: ADAM.into(),
        },
        Action::UpgradeAccount {
            sid: staging.clone(),
        },
        Action::GrantAccess {
            sid: staging.clone(),
            user: SARA.into(),
            roles: vec![AccountRole::Developer],
        },
        Action::SuspendAccount {
            sid: staging.clone(),
        },
        Action::ResumeAccount {
            sid: staging.clone(),
        },
    ] {
        let r = refused_with(&mut w, &ctx, action, "ACC-8");
        assert!(r.message.contains("closed"), "{}", r.message);
        assert!(r.fixes.is_empty(), "nothing reopens a closed account");
    }
}

#[test]
fn rule_acc_8_a_closed_account_does_not_block_removing_its_owner() {
    // Issue 8, defect 5: `user remove sam.standard@D` after closing Owl Staging.
    let mut w = demo();
    let ctx = ctx_as(&w, OLIVIA);
    close_staging(&mut w);
    let mut removed = w.clone();
    apply_ok(
        &mut removed,
        &ctx,
        Action::RemoveUser {
            user: SAM.into(),
            confirm_lockout: false,
        },
    );
    assert!(role_of(&removed, SAM).is_none());
    assert_eq!(
        kind(&removed, "Owl Staging"),
        Some(AccountKind::Managed),
        "its history stays with the org"
    );
    apply_ok(
        &mut w,
        &ctx,
        Action::DeleteUser {
            user: SAM.into(),
            confirm_lockout: false,
        },
    );
    assert!(w.user_by_email(SAM).is_none());
    assert_eq!(account(&w, "Owl Staging").status, AccountStatus::Closed);
}

#[test]
fn rule_acc_8_a_closed_account_does_not_block_deleting_its_owner_s_domain() {
    let mut w = demo();
    let ctx = ctx_as(&w, OLIVIA);
    apply_ok(
        &mut w,
        &ctx,
        Action::VerifyDomain {
            name: "owl-labs.example".into(),
        },
    );
    apply_ok(&mut w, &ctx, invite(IVY));
    apply_ok(&mut w, &ctx, accept(IVY));
    let out = apply_ok(
        &mut w,
        &ctx,
        Action::CreateAccount {
            name: "Ivy Lab".into(),
            flex: false,
            owner: Some(IVY.into()),
        },
    );
    let lab = created(&out, SidKind::Account).to_string();
    let delete = Action::DeleteDomain {
        name: "owl-labs.example".into(),
        acknowledged: true,
    };
    refused_with(&mut w, &ctx, delete.clone(), "DOM-10");
    apply_ok(
        &mut w,
        &ctx,
        Action::CloseAccount {
            sid: lab,
            confirm_name: "Ivy Lab".into(),
        },
    );
    apply_ok(&mut w, &ctx, delete);
    assert!(role_of(&w, IVY).is_none());
}

// ============================================================================================
// Defect 6: bulk import and multi-verified domains (USR-9 rev 2)
// ============================================================================================

#[test]
fn rule_usr_9_bulk_import_is_refused_while_a_verified_domain_is_multi_verified() {
    let mut w = demo();
    let ctx = ctx_as(&w, OLIVIA);
    apply_ok(
        &mut w,
        &ctx,
        Action::SetSignup {
            setting: SignupSetting::Blocked,
        },
    );
    apply_ok(&mut w, &ctx, Action::Set(Setting::BulkImport(true)));
    apply_ok(
        &mut w,
        &ctx,
        Action::Set(Setting::MultiVerified {
            domain: D.into(),
            on: true,
        }),
    );
    let import = Action::ImportUsers {
        csv: format!("email,first_name,last_name\n{NORA},Nora,Newhire\n"),
    };
    let r = refused_with(&mut w, &ctx, import.clone(), "USR-9");
    assert!(r.message.contains("multi-verified"), "{}", r.message);
    assert!(role_of(&w, NORA).is_none());
    follow_fixes(&mut w, &ctx, &r);
    apply_ok(&mut w, &ctx, import);
    assert_eq!(role_of(&w, NORA), Some(OrgRole::Standard));
}

#[test]
fn rule_usr_9_a_shared_multi_verified_domain_has_no_self_service_fix() {
    let mut w = demo();
    let owl = ctx_as(&w, OLIVIA);
    let heron = ctx_as(&w, HANA);
    // Heron shares its domain; Owl adds and verifies it too (DOM-5).
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
        Action::Set(Setting::MultiVerified {
            domain: "heron-logistics.example".into(),
            on: true,
        }),
    );
    apply_ok(
        &mut w,
        &owl,
        Action::AddDomain {
            name: "heron-logistics.example".into(),
        },
    );
    apply_ok(
        &mut w,
        &owl,
        Action::PublishDns {
            domain: "heron-logistics.example".into(),
        },
    );
    apply_ok(
        &mut w,
        &owl,
        Action::VerifyDomain {
            name: "heron-logistics.example".into(),
        },
    );
    apply_ok(&mut w, &owl, Action::Set(Setting::BulkImport(true)));
    let r = refused_with(
        &mut w,
        &owl,
        Action::ImportUsers {
            csv: format!("email,first_name,last_name\n{NORA},Nora,Newhire\n"),
        },
        "USR-9",
    );
    assert!(r.fixes.is_empty());
    assert!(r.hint.contains("invite"), "{}", r.hint);
}

// ============================================================================================
// Old files: requests written before they expired get a lifetime when loaded
// ============================================================================================

#[test]
fn rule_acc_4_a_request_from_an_older_file_gets_its_lifetime_when_loaded() {
    let w = demo();
    let text = tworg::persist::to_ron(&w);
    // Drop the new field, as a file written before requests expired has it.
    let old: String = text
        .lines()
        .filter(|l| !l.trim_start().starts_with("expires_at: Some("))
        .collect::<Vec<_>>()
        .join("\n");
    assert_ne!(old, text, "the request's expiry was in the file");
    let back = tworg::persist::from_ron(&old, "old").expect("loads");
    assert_eq!(back, w);
}

// ============================================================================================
// The CLI: `account resend`, `show invitations` (a caller of the model only)
// ============================================================================================

fn show_invitations(path: &Path) -> Vec<serde_json::Value> {
    let out = tworg_cli(path, &["--json", "show", "invitations"]);
    assert!(out.status.success());
    serde_json::from_slice::<serde_json::Value>(&out.stdout)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

#[test]
fn cli_expired_invitations_and_requests_are_listed_and_resent() {
    let f = demo_file();
    let rows = show_invitations(&f.path);
    let kinds: Vec<&str> = rows.iter().map(|r| r["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["invitation", "import"]);
    let request = rows[1]["account"].as_str().unwrap().to_string();
    assert_eq!(rows[1]["email"], MIA);
    assert!(
        tworg_cli(&f.path, &["clock", "advance", "8d"])
            .status
            .success()
    );
    let rows = show_invitations(&f.path);
    assert!(rows.iter().all(|r| r["status"] == "expired"), "{rows:?}");
    // Accepting the expired invitation: refused by USR-3 (exit 3), not "not found" (exit 2).
    let out = tworg_cli(&f.path, &["user", "accept", PAULA]);
    assert_eq!(out.status.code(), Some(3));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.starts_with("refused [USR-3]"), "{err}");
    assert!(err.contains("2026-12-21"), "{err}");
    // Resending both makes them pending again.
    assert!(
        tworg_cli(&f.path, &["user", "resend", PAULA])
            .status
            .success()
    );
    let out = tworg_cli(&f.path, &["account", "resend", &request]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rows = show_invitations(&f.path);
    assert!(rows.iter().all(|r| r["status"] == "pending"), "{rows:?}");
    let text = tworg_cli(&f.path, &["show", "invitations"]);
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.contains("import") && text.contains("pending"),
        "{text}"
    );
    let out = tworg_cli(&f.path, &["--as", MIA, "account", "confirm", &request]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn cli_accept_and_confirm_are_refused_while_the_domain_is_uncertain() {
    // Issue 8, defect 1, as reported.
    let f = demo_file();
    assert!(
        tworg_cli(&f.path, &["dns", "unpublish", D])
            .status
            .success()
    );
    assert!(
        tworg_cli(&f.path, &["clock", "advance", "1d"])
            .status
            .success()
    );
    let before = std::fs::read(&f.path).unwrap();
    let out = tworg_cli(&f.path, &["user", "accept", PAULA]);
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).starts_with("refused [USR-1]"));
    let sandbox = show_invitations(&f.path)[1]["account"]
        .as_str()
        .unwrap()
        .to_string();
    let out = tworg_cli(&f.path, &["--as", MIA, "account", "confirm", &sandbox]);
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).starts_with("refused [ACC-4]"));
    assert_eq!(std::fs::read(&f.path).unwrap(), before);
}

#[test]
fn console_lists_expired_invitations_and_requests_and_resends_them() {
    let f = demo_file();
    assert!(
        tworg_cli(&f.path, &["clock", "advance", "8d"])
            .status
            .success()
    );
    let screen = |keys: &str| {
        let out = tworg_cli(&f.path, &["render", "--keys", keys, "--size", "100x30"]);
        assert!(out.status.success());
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let users = screen("3");
    assert!(
        users.contains("(invited)") && users.contains("(import) Owl M"),
        "{users}"
    );
    assert_eq!(users.matches("expired").count(), 2, "{users}");
    let request = screen("3 / \"import\" enter");
    assert!(
        request.contains("Expired: it cannot be confirmed until it is resent (USR-3)"),
        "{request}"
    );
    let resent = screen("3 / \"import\" enter s");
    assert!(resent.contains("resent the import request"), "{resent}");
    let invitation = screen("3 / \"paula\" enter s");
    assert!(invitation.contains("resent the invitation"), "{invitation}");
}

#[test]
fn rule_usr_5_access_to_an_independent_account_follows_the_invitation() {
    let mut w = demo();
    let olivia = ctx_as(&w, OLIVIA);
    let grant = Action::GrantAccess {
        sid: acc(&w, "Kestrel Partner Portal"),
        user: NORA.into(),
        roles: vec![AccountRole::Developer],
    };
    let r = refused_with(&mut w, &olivia, grant.clone(), "USR-5");
    // An invitation carries grants on managed accounts only: Nora is invited, then granted.
    follow_fixes(&mut w, &olivia, &r);
    apply_ok(&mut w, &olivia, grant);
    let nora = user_sid(&w, NORA);
    assert!(
        w.grants_on(&account(&w, "Kestrel Partner Portal").sid)
            .contains_key(&nora)
    );
}
