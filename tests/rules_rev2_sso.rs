//! RULES.md revision 2, SSO and entitlements: SSO enforcement through the grace period (DOM-9,
//! SSO-4), the lock-out guard on every action that leads to it (SSO-5), certificate expiry
//! (SSO-6), account ownership transfer (ORG-3, ACC-7) and entitlements as simulated Twilio Support
//! requests (ORG-9). Regression tests for defects 2, 3, 10 and 11 of issue 8 are named `defect_*`.

mod fixture;

use fixture::*;
use tworg::model::action::Setting;
use tworg::model::demo::DEMO_IDP_CERT;
use tworg::model::*;

const D: &str = "owl-industries.example";
/// Valid from 2026-12-02 to 2027-01-31: it expires 48 days after the demo clock (2026-12-14).
const SHORT_CERT: &str = include_str!("fixtures/short-lived-idp-cert.pem");

fn configure(cert: &str) -> Action {
    Action::SsoConfigure {
        entity_id: "https://idp.owl-industries.example/saml".into(),
        url: "https://idp.owl-industries.example/sso".into(),
        cert_pem: cert.into(),
        confirm_lockout: false,
    }
}

fn enforce(confirm: bool) -> Action {
    Action::SsoEnforce {
        domain: D.into(),
        confirm_lockout: confirm,
    }
}

fn deactivate(email: &str) -> Action {
    Action::Deactivate {
        user: email.into(),
        confirm_lockout: false,
    }
}

fn demote(email: &str) -> Action {
    Action::SetRole {
        user: email.into(),
        role: OrgRole::Standard,
        confirm_lockout: false,
    }
}

/// Owl with a tested profile (certificate `cert`) and SSO enforced on D. With `exempt`, that
/// administrator keeps password sign-in; without, the lock-out was confirmed.
fn owl_enforced(cert: &str, exempt: Option<&str>) -> (World, Ctx) {
    let mut w = demo();
    let ctx = ctx_as(&w, OLIVIA);
    apply_ok(&mut w, &ctx, configure(cert));
    apply_ok(&mut w, &ctx, Action::SsoTest);
    if let Some(e) = exempt {
        apply_ok(&mut w, &ctx, Action::SsoExempt { user: e.into() });
    }
    apply_ok(&mut w, &ctx, enforce(exempt.is_none()));
    (w, ctx)
}

fn profile(w: &World) -> SsoProfile {
    w.find_org(OWL).unwrap().sso.clone().expect("a profile")
}

fn enforced(w: &World) -> bool {
    w.find_org(OWL)
        .unwrap()
        .domains
        .get(D)
        .is_some_and(|d| d.sso_enforced)
}

fn member_status(w: &World, email: &str) -> Option<MemberStatus> {
    w.user_by_email(email)?
        .membership
        .as_ref()
        .map(|m| m.status)
}

/// The refusal asks only for confirmation: its one fix is the same action, confirmed.
fn assert_asks_confirmation(r: &Refusal, action: &Action) -> Action {
    assert_eq!(r.rule, "SSO-5");
    let confirmed = r
        .confirmation_of(action)
        .unwrap_or_else(|| panic!("the fix should be {action:?} confirmed: {:?}", r.fixes))
        .clone();
    assert_eq!(Some(confirmed.clone()), action.with_lockout_confirmed());
    assert!(
        !r.hint.contains("tworg") && !r.hint.contains("--"),
        "{}",
        r.hint
    );
    confirmed
}

/// Applies every fix of a refusal, each as the user it names (or as `ctx`).
fn apply_fixes(w: &mut World, ctx: &Ctx, r: &Refusal) {
    assert!(!r.fixes.is_empty(), "no fixes: {r:?}");
    for f in &r.fixes {
        let as_ = match &f.by {
            None => ctx.clone(),
            Some(who) => Ctx::new(ctx.org.clone(), user_sid(w, who)),
        };
        apply_ok(w, &as_, f.action.clone());
    }
}

fn last_audit(w: &World) -> &AuditEntry {
    w.audit.last().expect("an entry")
}

// ============================================================================================
// DOM-9 / SSO-4: enforcement stays in force on a verified-uncertain domain (defect 2)
// ============================================================================================

#[test]
fn defect_2_sso_stays_enforced_when_the_domain_loses_its_record() {
    let (mut w, ctx) = owl_enforced(DEMO_IDP_CERT, Some(ADAM));
    assert!(w.sso_required(user(&w, SAM)));
    apply_ok(&mut w, &ctx, Action::UnpublishDns { domain: D.into() });
    apply_ok(&mut w, &ctx, Action::AdvanceClock { seconds: days(1) });
    assert!(matches!(
        w.find_org(OWL).unwrap().domains[D].status,
        DomainStatus::VerifiedUncertain { .. }
    ));
    assert!(enforced(&w), "show domains still says enforced");
    for who in [SAM, SARA, OLIVIA, AVA] {
        assert!(w.sso_required(user(&w, who)), "{who} must still use SSO");
    }
    assert!(!w.sso_required(user(&w, ADAM)), "exempt");
}

#[test]
fn rule_sso_4_enforcement_stays_in_force_on_a_verified_uncertain_domain() {
    let (mut w, ctx) = owl_enforced(DEMO_IDP_CERT, Some(ADAM));
    // A re-check by an administrator, not only the clock.
    apply_ok(&mut w, &ctx, Action::UnpublishDns { domain: D.into() });
    apply_ok(&mut w, &ctx, Action::RecheckDomain { name: D.into() });
    assert!(w.sso_required(user(&w, SAM)));
    // Everything about the domain stays as it was: SSO-5 still counts Adam as the last
    // administrator with a password, and new enforcement on it is refused (SSO-4 needs verified).
    refused_with(&mut w, &ctx, deactivate(ADAM), "SSO-5");
    // The merge preview says the Prime's SSO still applies to Felix (on D).
    let finch = w.find_org(FINCH).unwrap().sid.to_string();
    let preview = w.merge_preview(&ctx, &finch, OrgRole::Standard).unwrap();
    assert_eq!(preview.sso_applies_to, vec![FELIX.to_string()]);
    // The enforcement can still be lifted while the domain is uncertain.
    let mut lifted = w.clone();
    apply_ok(&mut lifted, &ctx, Action::SsoUnenforce { domain: D.into() });
    assert!(!lifted.sso_required(user(&lifted, SAM)));
    // Restoring the record returns the domain to verified, still enforced.
    let mut restored = w.clone();
    apply_ok(&mut restored, &ctx, Action::PublishDns { domain: D.into() });
    apply_ok(
        &mut restored,
        &ctx,
        Action::RecheckDomain { name: D.into() },
    );
    assert!(restored.sso_required(user(&restored, SAM)));
    // Only the domain's deletion at 0 days ends it: its users leave, the Owner stays, and
    // nobody is covered any more.
    apply_ok(&mut w, &ctx, Action::AdvanceClock { seconds: days(31) });
    assert!(!w.find_org(OWL).unwrap().domains.contains_key(D));
    assert!(role_of(&w, SAM).is_none());
    assert_eq!(role_of(&w, OLIVIA), Some(OrgRole::Owner));
    assert!(!w.sso_required(user(&w, OLIVIA)));
}

// ============================================================================================
// SSO-5: every action that leads to the lock-out asks for confirmation (defect 3)
// ============================================================================================

#[test]
fn defect_3_deactivating_the_last_exempt_admin_asks_for_confirmation() {
    let (mut w, ctx) = owl_enforced(DEMO_IDP_CERT, Some(ADAM));
    let action = deactivate(ADAM);
    let r = refused_with(&mut w, &ctx, action.clone(), "SSO-5");
    assert!(r.message.contains(ADAM), "{}", r.message);
    let confirmed = assert_asks_confirmation(&r, &action);
    apply_ok(&mut w, &ctx, confirmed);
    assert_eq!(member_status(&w, ADAM), Some(MemberStatus::Deactivated));
    // Following the fix, the original action is refused for another reason: nothing to change.
    refused_with(&mut w, &ctx, action, "USR-7");
}

#[test]
fn defect_3_demoting_the_last_exempt_admin_asks_for_confirmation() {
    let (mut w, ctx) = owl_enforced(DEMO_IDP_CERT, Some(ADAM));
    let action = demote(ADAM);
    let r = refused_with(&mut w, &ctx, action.clone(), "SSO-5");
    let confirmed = assert_asks_confirmation(&r, &action);
    apply_ok(&mut w, &ctx, confirmed);
    assert_eq!(role_of(&w, ADAM), Some(OrgRole::Standard));
    refused_with(&mut w, &ctx, action, "ORG-2");
}

#[test]
fn rule_sso_5_removing_or_deleting_the_last_admin_with_a_password_asks_for_confirmation() {
    // Ava owns no account, so USR-8 lets her go.
    let (w0, ctx) = owl_enforced(DEMO_IDP_CERT, Some(AVA));
    for delete in [false, true] {
        let mut w = w0.clone();
        let action = if delete {
            Action::DeleteUser {
                user: AVA.into(),
                confirm_lockout: false,
            }
        } else {
            Action::RemoveUser {
                user: AVA.into(),
                confirm_lockout: false,
            }
        };
        let r = refused_with(&mut w, &ctx, action.clone(), "SSO-5");
        let confirmed = assert_asks_confirmation(&r, &action);
        apply_ok(&mut w, &ctx, confirmed);
        assert!(role_of(&w, AVA).is_none());
        assert_eq!(w.user_by_email(AVA).is_none(), delete);
    }
    // Adam owns Owl Contact Center: USR-8 names that first; the lock-out comes after.
    let (mut w, ctx) = owl_enforced(DEMO_IDP_CERT, Some(ADAM));
    refused_with(
        &mut w,
        &ctx,
        Action::RemoveUser {
            user: ADAM.into(),
            confirm_lockout: false,
        },
        "USR-8",
    );
}

#[test]
fn rule_sso_5_un_exempting_the_last_admin_with_a_password_asks_for_confirmation() {
    let (mut w, ctx) = owl_enforced(DEMO_IDP_CERT, Some(ADAM));
    let action = Action::SsoUnexempt {
        user: ADAM.into(),
        confirm_lockout: false,
    };
    let r = refused_with(&mut w, &ctx, action.clone(), "SSO-5");
    apply_ok(&mut w, &ctx, assert_asks_confirmation(&r, &action));
    assert!(w.sso_required(user(&w, ADAM)));
}

#[test]
fn rule_sso_5_enforcing_asks_and_its_fix_is_the_same_enforcement_confirmed() {
    let mut w = demo();
    let ctx = ctx_as(&w, OLIVIA);
    apply_ok(&mut w, &ctx, configure(DEMO_IDP_CERT));
    apply_ok(&mut w, &ctx, Action::SsoTest);
    let r = refused_with(&mut w, &ctx, enforce(false), "SSO-5");
    apply_ok(&mut w, &ctx, assert_asks_confirmation(&r, &enforce(false)));
    assert!(enforced(&w));
    refused_with(&mut w, &ctx, enforce(false), "SSO-4");
}

#[test]
fn rule_sso_5_is_not_asked_when_someone_keeps_a_password_or_the_org_is_already_locked() {
    // Two exempt administrators: losing one leaves the other.
    let (mut w, ctx) = owl_enforced(DEMO_IDP_CERT, Some(ADAM));
    apply_ok(&mut w, &ctx, Action::SsoExempt { user: AVA.into() });
    apply_ok(&mut w, &ctx, deactivate(ADAM));
    // A Standard user never counts.
    apply_ok(&mut w, &ctx, deactivate(SAM));
    // The demoted or deactivated were not the last: Ava still signs in with a password.
    let r = refused_with(&mut w, &ctx, demote(AVA), "SSO-5");
    assert!(r.message.contains(AVA));
    // No enforcement anywhere: nothing is asked.
    let mut w = demo();
    let ctx = ctx_as(&w, OLIVIA);
    apply_ok(&mut w, &ctx, demote(ADAM));
    apply_ok(&mut w, &ctx, deactivate(AVA));
    // An org already locked out (confirmed before) is not asked again: deactivating an
    // administrator covered by SSO does not bring it to that state.
    let (mut w, ctx) = owl_enforced(DEMO_IDP_CERT, None);
    apply_ok(&mut w, &ctx, deactivate(ADAM));
    apply_ok(&mut w, &ctx, demote(AVA));
}

#[test]
fn defect_3_replacing_the_profile_while_enforced_asks_for_confirmation() {
    // Every Owner and Administrator is covered: they sign in only through the profile.
    let (mut w, ctx) = owl_enforced(DEMO_IDP_CERT, None);
    let action = configure(DEMO_IDP_CERT);
    let r = refused_with(&mut w, &ctx, action.clone(), "SSO-5");
    assert!(r.message.contains("untested"), "{}", r.message);
    let confirmed = assert_asks_confirmation(&r, &action);
    apply_ok(&mut w, &ctx, confirmed);
    // A replaced profile is untested until its test passes; enforcement stays.
    assert!(!profile(&w).tested);
    assert!(enforced(&w));
    assert!(w.sso_required(user(&w, OLIVIA)));
    // Nobody can sign in through an untested profile, so a second replacement does not bring the
    // org anywhere new: it is not asked again.
    apply_ok(&mut w, &ctx, action);
    apply_ok(&mut w, &ctx, Action::SsoTest);
    assert!(profile(&w).tested);
}

#[test]
fn rule_sso_5_replacing_the_profile_while_an_admin_keeps_a_password_is_not_asked() {
    let (mut w, ctx) = owl_enforced(DEMO_IDP_CERT, Some(ADAM));
    let out = apply_ok(&mut w, &ctx, configure(DEMO_IDP_CERT));
    assert!(out.message.contains("untested"), "{}", out.message);
    assert!(!profile(&w).tested);
    assert!(enforced(&w));
}

// ============================================================================================
// SSO-6: a certificate that expires on the world clock
// ============================================================================================

#[test]
fn rule_sso_6_expired_certificate_stops_tested() {
    let (mut w, ctx) = owl_enforced(SHORT_CERT, Some(ADAM));
    assert!(profile(&w).tested);
    let expiry = profile(&w).certificate_not_after;
    apply_ok(&mut w, &ctx, Action::AdvanceClock { seconds: days(30) });
    assert!(profile(&w).tested, "not yet");
    let out = apply_ok(&mut w, &ctx, Action::AdvanceClock { seconds: days(30) });
    // The clock advance logs it, once.
    let p = profile(&w);
    assert!(!p.tested);
    assert!(p.expired(w.clock) && !p.usable(w.clock));
    assert!(
        out.report
            .iter()
            .any(|(e, _)| e.contains("SSO certificate")),
        "{:?}",
        out.report
    );
    let logged: Vec<&AuditEntry> = w
        .audit
        .iter()
        .filter(|e| e.actor == "clock" && e.detail.contains("SSO certificate"))
        .collect();
    assert_eq!(logged.len(), 1);
    assert!(
        logged[0].detail.contains("2027-01-31"),
        "{}",
        logged[0].detail
    );
    assert!(logged[0].detail.contains(D), "{}", logged[0].detail);
    assert_eq!(logged[0].org.as_ref(), Some(&ctx.org));
    apply_ok(&mut w, &ctx, Action::AdvanceClock { seconds: days(1) });
    assert_eq!(
        w.audit
            .iter()
            .filter(|e| e.detail.contains("SSO certificate"))
            .count(),
        1,
        "logged once"
    );
    // Every face says it expired.
    assert_eq!(
        p.state(w.clock),
        format!("certificate expired on {}", time::format_date(expiry))
    );
    let settings = tworg::cli::show::settings(&w, &ctx.org);
    let row = settings
        .rows
        .iter()
        .find(|r| r[0] == "sso-profile")
        .expect("sso-profile row");
    assert!(
        row[1]
            .as_str()
            .unwrap()
            .contains("certificate expired on 2027-01-31"),
        "{row:?}"
    );
    // Enforcement stays on, and the users it covers still must use SSO.
    assert!(enforced(&w));
    assert!(w.sso_required(user(&w, SAM)));
    // The test cannot pass again with the expired certificate, and enforcement elsewhere waits.
    refused_with(&mut w, &ctx, Action::SsoTest, "SSO-2");
    // A valid certificate, configured and tested, makes it usable again.
    apply_ok(&mut w, &ctx, configure(DEMO_IDP_CERT));
    apply_ok(&mut w, &ctx, Action::SsoTest);
    assert!(profile(&w).usable(w.clock));
}

#[test]
fn rule_sso_6_sso_5_counts_the_users_an_expired_profile_covers_as_unable_to_sign_in() {
    // Adam is the only administrator with a password; the others sign in through the profile.
    let (mut w, ctx) = owl_enforced(SHORT_CERT, Some(ADAM));
    apply_ok(&mut w, &ctx, Action::AdvanceClock { seconds: days(60) });
    let r = refused_with(&mut w, &ctx, deactivate(ADAM), "SSO-5");
    assert_asks_confirmation(&r, &deactivate(ADAM));
    // Everyone covered, lock-out confirmed while the profile worked: the certificate expires and
    // nobody can sign in. Replacing the profile then is not asked (it cannot make it worse) ...
    let (mut w, ctx) = owl_enforced(SHORT_CERT, None);
    let mut before = w.clone();
    // ... while before the expiry it is, since the replaced profile would lock everyone out.
    refused_with(&mut before, &ctx, configure(DEMO_IDP_CERT), "SSO-5");
    apply_ok(&mut w, &ctx, Action::AdvanceClock { seconds: days(60) });
    apply_ok(&mut w, &ctx, configure(DEMO_IDP_CERT));
    apply_ok(&mut w, &ctx, Action::SsoTest);
    assert!(profile(&w).usable(w.clock));
}

#[test]
fn rule_sso_6_an_expired_profile_cannot_be_enforced_until_reconfigured() {
    let mut w = demo();
    let ctx = ctx_as(&w, OLIVIA);
    apply_ok(&mut w, &ctx, configure(SHORT_CERT));
    apply_ok(&mut w, &ctx, Action::SsoTest);
    apply_ok(&mut w, &ctx, Action::AdvanceClock { seconds: days(60) });
    let r = refused_with(&mut w, &ctx, enforce(true), "SSO-3");
    assert!(r.message.contains("expired"), "{}", r.message);
    apply_ok(&mut w, &ctx, configure(DEMO_IDP_CERT));
    let r = refused_with(&mut w, &ctx, enforce(true), "SSO-3");
    apply_fixes(&mut w, &ctx, &r);
    apply_ok(&mut w, &ctx, enforce(true));
}

// ============================================================================================
// ORG-3 / ACC-7: transferring account ownership (defects 10 and 11)
// ============================================================================================

#[test]
fn defect_10_a_standard_user_cannot_transfer_an_account_it_owns() {
    let mut w = demo();
    let sam = ctx_as(&w, SAM);
    let staging = acc(&w, "Owl Staging");
    let action = Action::TransferAccount {
        sid: staging.clone(),
        user: SARA.into(),
    };
    let r = refused_with(&mut w, &sam, action.clone(), "ORG-3");
    assert!(r.message.contains("even for its owner"), "{}", r.message);
    // The fix: the Owner makes Sam an Administrator; then Sam may transfer it.
    assert_eq!(r.fixes.len(), 1);
    assert_eq!(r.fixes[0].by.as_deref(), Some(OLIVIA));
    apply_fixes(&mut w, &sam, &r);
    apply_ok(&mut w, &sam, action);
    assert_eq!(account(&w, "Owl Staging").owner, Some(user_sid(&w, SARA)));
}

#[test]
fn rule_org_3_transferring_account_ownership_is_org_management() {
    let mut w = demo();
    // Sara holds Developer and Billing Manager on Owl Production but is Standard.
    let sara = ctx_as(&w, SARA);
    let prod = acc(&w, "Owl Production");
    refused_with(
        &mut w,
        &sara,
        Action::TransferAccount {
            sid: prod,
            user: SAM.into(),
        },
        "ORG-3",
    );
    // Other things an owner may do on its own account stay allowed (RBAC-3 is another issue).
    let sam = ctx_as(&w, SAM);
    let staging = acc(&w, "Owl Staging");
    apply_ok(
        &mut w,
        &sam,
        Action::RenameAccount {
            sid: staging,
            name: "Sam's Staging".into(),
        },
    );
    // An outsider acting in Owl is refused by ORG-4.
    let kai = ctx_in(&w, OWL, KAI);
    let staging = acc(&w, "Sam's Staging");
    refused_with(
        &mut w,
        &kai,
        Action::TransferAccount {
            sid: staging,
            user: SARA.into(),
        },
        "ORG-4",
    );
}

#[test]
fn defect_11_transfer_to_an_outsider_is_refused_by_the_transfer_rule() {
    let mut w = demo();
    let ctx = ctx_as(&w, OLIVIA);
    let staging = acc(&w, "Owl Staging");
    let to = |who: &str| Action::TransferAccount {
        sid: staging.clone(),
        user: who.into(),
    };
    // Eve: an external collaborator; Kai: the owner of an independent account; Felix: a member of
    // another organization. None can ever own a managed account of Owl, and nothing fixes that.
    for who in [EVE, KAI, FELIX] {
        let r = refused_with(&mut w, &ctx, to(who), "ACC-7");
        assert!(r.fixes.is_empty(), "{who}: {:?}", r.fixes);
        assert!(!r.hint.contains("tworg"), "{}", r.hint);
    }
    let r = refused_with(&mut w, &ctx, to(FELIX), "ACC-7");
    assert!(r.message.contains(FINCH), "{}", r.message);
}

#[test]
fn rule_acc_7_the_new_owner_is_an_active_member_of_the_org() {
    let mut w = demo();
    let ctx = ctx_as(&w, OLIVIA);
    let staging = acc(&w, "Owl Staging");
    let to = |who: &str| Action::TransferAccount {
        sid: staging.clone(),
        user: who.into(),
    };
    // Nora is on a verified domain of Owl and in no org: invite her, she accepts, then transfer.
    let r = refused_with(&mut w, &ctx, to(NORA), "ACC-7");
    assert_eq!(r.fixes.len(), 2);
    assert_eq!(r.fixes[1].by.as_deref(), Some(NORA));
    apply_fixes(&mut w, &ctx, &r);
    apply_ok(&mut w, &ctx, to(NORA));
    assert_eq!(account(&w, "Owl Staging").owner, Some(user_sid(&w, NORA)));
    // Dan is deactivated: reactivate him first.
    let r = refused_with(&mut w, &ctx, to(DAN), "ACC-7");
    apply_fixes(&mut w, &ctx, &r);
    apply_ok(&mut w, &ctx, to(DAN));
    // Paula is invited and has not accepted yet: her acceptance is the fix.
    apply_ok(
        &mut w,
        &ctx,
        Action::AddWorldUser {
            email: PAULA.into(),
            name: None,
        },
    );
    let r = refused_with(&mut w, &ctx, to(PAULA), "ACC-7");
    assert_eq!(r.fixes.len(), 1);
    apply_fixes(&mut w, &ctx, &r);
    apply_ok(&mut w, &ctx, to(PAULA));
}

// ============================================================================================
// ORG-9: entitlements are simulated requests to Twilio Support
// ============================================================================================

#[test]
fn rule_org_9_entitlements_are_support_requests() {
    let mut w = demo();
    let adam = ctx_as(&w, ADAM);
    let entitlements = [
        Setting::AccountLimit(15),
        Setting::DomainLimit(50),
        Setting::SsoEntitlement(false),
        Setting::SsoEntitlement(true),
        Setting::BulkImport(true),
        Setting::Baa(true),
        Setting::MultiVerified {
            domain: "owl-labs.example".into(),
            on: true,
        },
    ];
    for s in entitlements {
        assert!(s.is_entitlement(), "{s:?}");
        let out = apply_ok(&mut w, &adam, Action::Set(s.clone()));
        let e = last_audit(&w);
        assert_eq!(e.actor, "twilio-support", "{s:?}");
        assert_eq!(e.action, "org.set");
        assert_eq!(e.org.as_ref(), Some(&adam.org));
        for text in [&e.detail, &out.message] {
            assert!(
                text.contains(
                    "simulated Twilio Support request by adam.admin@owl-industries.example"
                ),
                "{s:?}: {text}"
            );
        }
    }
    assert_eq!(w.find_org(OWL).unwrap().settings.account_limit, 15);
    // A Standard user cannot ask (ORG-3), nor can someone outside the org (ORG-4).
    let sam = ctx_as(&w, SAM);
    refused_with(
        &mut w,
        &sam,
        Action::Set(Setting::AccountLimit(20)),
        "ORG-3",
    );
    let kai = ctx_in(&w, OWL, KAI);
    refused_with(&mut w, &kai, Action::Set(Setting::Baa(false)), "ORG-4");
}

#[test]
fn rule_org_9_ordinary_settings_stay_the_orgs_own() {
    let mut w = demo();
    let adam = ctx_as(&w, ADAM);
    for s in [
        Setting::SubaccountLimit(500),
        Setting::InviteDays(14),
        Setting::ResetLinkHours(12),
        Setting::ScimTwilioRules(false),
    ] {
        assert!(!s.is_entitlement(), "{s:?}");
        let out = apply_ok(&mut w, &adam, Action::Set(s.clone()));
        assert_eq!(last_audit(&w).actor, ADAM, "{s:?}");
        assert!(!out.message.contains("Support"), "{}", out.message);
    }
}

#[test]
fn rule_org_9_the_baa_stays_while_hipaa_accounts_exist() {
    let mut w = demo();
    let ctx = ctx_as(&w, OLIVIA);
    let r = refused_with(&mut w, &ctx, Action::Set(Setting::Baa(false)), "ORG-9");
    for name in ["Owl Production", "Owl Prod EU", "Owl Prod US"] {
        assert!(r.message.contains(name), "{}", r.message);
    }
    let expected: Vec<Action> = ["Owl Production", "Owl Prod EU", "Owl Prod US"]
        .iter()
        .map(|n| Action::SetHipaa {
            sid: acc(&w, n),
            on: false,
        })
        .collect();
    let mut got: Vec<Action> = r.fixes.iter().map(|f| f.action.clone()).collect();
    got.sort_by_key(|a| format!("{a:?}"));
    let mut want = expected;
    want.sort_by_key(|a| format!("{a:?}"));
    assert_eq!(got, want);
    apply_fixes(&mut w, &ctx, &r);
    apply_ok(&mut w, &ctx, Action::Set(Setting::Baa(false)));
    assert!(!w.find_org(OWL).unwrap().settings.baa);
    assert_eq!(last_audit(&w).actor, "twilio-support");
    // A closed HIPAA account keeps only its history: it does not hold the BAA.
    let mut w = demo();
    let ctx = ctx_as(&w, OLIVIA);
    let staging = acc(&w, "Owl Staging");
    apply_ok(
        &mut w,
        &ctx,
        Action::SetHipaa {
            sid: staging.clone(),
            on: true,
        },
    );
    apply_ok(
        &mut w,
        &ctx,
        Action::CloseAccount {
            sid: staging,
            confirm_name: "Owl Staging".into(),
        },
    );
    let r = refused_with(&mut w, &ctx, Action::Set(Setting::Baa(false)), "ORG-9");
    assert!(!r.message.contains("Owl Staging"), "{}", r.message);
}

#[test]
fn rule_org_9_refusals_for_a_missing_entitlement_fix_it_by_a_support_request() {
    let mut w = demo();
    // SSO-1 in Heron: no SSO entitlement.
    let heron = ctx_as(&w, HANA);
    let cfg = Action::SsoConfigure {
        entity_id: "idp".into(),
        url: "https://idp.heron-logistics.example/sso".into(),
        cert_pem: DEMO_IDP_CERT.into(),
        confirm_lockout: false,
    };
    let r = refused_with(&mut w, &heron, cfg.clone(), "SSO-1");
    assert_eq!(
        r.fixes[0].action,
        Action::Set(Setting::SsoEntitlement(true))
    );
    apply_fixes(&mut w, &heron, &r);
    apply_ok(&mut w, &heron, cfg);
    // HIP-1 in Heron: no BAA.
    let first = w
        .accounts
        .values()
        .find(|a| a.owner == Some(user_sid(&w, HANA)))
        .unwrap()
        .sid
        .to_string();
    let hipaa = Action::SetHipaa {
        sid: first,
        on: true,
    };
    let r = refused_with(&mut w, &heron, hipaa.clone(), "HIP-1");
    apply_fixes(&mut w, &heron, &r);
    apply_ok(&mut w, &heron, hipaa);
    // USR-9: Import Users not enabled.
    let owl = ctx_as(&w, OLIVIA);
    let csv = Action::ImportUsers {
        csv: format!("email,first_name,last_name\n{NORA},Nora,Newhire\n"),
    };
    let r = refused_with(&mut w, &owl, csv.clone(), "USR-9");
    apply_fixes(&mut w, &owl, &r);
    apply_ok(&mut w, &owl, csv);
    // ACC-3: the account limit, lowered to what is used.
    let used = w.accounts_toward_limit(&owl.org) as u32;
    apply_ok(&mut w, &owl, Action::Set(Setting::AccountLimit(used)));
    let create = Action::CreateAccount {
        name: "Owl Extra".into(),
        flex: false,
        owner: None,
    };
    let r = refused_with(&mut w, &owl, create.clone(), "ACC-3");
    assert_eq!(
        r.fixes[0].action,
        Action::Set(Setting::AccountLimit(used + 1))
    );
    apply_fixes(&mut w, &owl, &r);
    apply_ok(&mut w, &owl, create);
    // DOM-6: the domain limit.
    let domains = w.find_org(OWL).unwrap().domains.len() as u32;
    apply_ok(&mut w, &owl, Action::Set(Setting::DomainLimit(domains)));
    let add = Action::AddDomain {
        name: "owl-research.example".into(),
    };
    let r = refused_with(&mut w, &owl, add.clone(), "DOM-6");
    apply_fixes(&mut w, &owl, &r);
    apply_ok(&mut w, &owl, add);
}

// ============================================================================================
// The faces: the console asks, the CLI takes --yes
// ============================================================================================

mod faces {
    use super::*;
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;
    use tworg::console::modal::{Modal, Pending};
    use tworg::console::{App, drive, keys, screen_text};

    fn console(w: World) -> (App, Terminal<TestBackend>) {
        (
            App::on_world(w),
            Terminal::new(TestBackend::new(100, 30)).unwrap(),
        )
    }

    fn press(app: &mut App, term: &mut Terminal<TestBackend>, script: &str) -> String {
        drive(app, term, &keys::parse_keys(script).unwrap());
        screen_text(term.backend())
    }

    #[test]
    fn the_console_offers_the_sso_5_confirmation_when_deactivating() {
        let (w, _) = owl_enforced(DEMO_IDP_CERT, Some(ADAM));
        let (mut app, mut term) = console(w);
        let screen = press(&mut app, &mut term, "3 / \"adam\" enter d y");
        assert!(screen.contains("refused [SSO-5]"), "{screen}");
        match app.modals.last() {
            Some(Modal::Confirm(c)) => assert_eq!(
                c.pending,
                Pending::Apply(Box::new(Action::Deactivate {
                    user: ADAM.into(),
                    confirm_lockout: true,
                }))
            ),
            other => panic!("expected the confirmation, got {other:?}"),
        }
        assert_eq!(
            member_status(&app.lock().world, ADAM),
            Some(MemberStatus::Active),
            "nothing changed yet"
        );
        // No: nothing happens.
        press(&mut app, &mut term, "n");
        assert!(app.modals.is_empty());
        assert_eq!(
            member_status(&app.lock().world, ADAM),
            Some(MemberStatus::Active)
        );
        // Yes: deactivated.
        press(&mut app, &mut term, "d y y");
        assert!(app.modals.is_empty());
        assert_eq!(
            member_status(&app.lock().world, ADAM),
            Some(MemberStatus::Deactivated)
        );
    }

    #[test]
    fn the_console_offers_the_sso_5_confirmation_when_demoting() {
        let (w, _) = owl_enforced(DEMO_IDP_CERT, Some(ADAM));
        let (mut app, mut term) = console(w);
        // The role form: Administrator → Standard, submit; refused, the confirmation opens.
        let screen = press(&mut app, &mut term, "3 / \"adam\" enter r right enter");
        assert!(screen.contains("refused [SSO-5]"), "{screen}");
        press(&mut app, &mut term, "y");
        assert_eq!(role_of(&app.lock().world, ADAM), Some(OrgRole::Standard));
    }

    #[test]
    fn the_console_offers_the_sso_5_confirmation_when_replacing_the_profile() {
        let (w, _) = owl_enforced(DEMO_IDP_CERT, None);
        let (mut app, mut term) = console(w);
        // The profile form keeps the entity ID and URL; the certificate is the demo IdP's.
        let screen = press(
            &mut app,
            &mut term,
            "4 / \"SSO profile\" enter enter tab tab \"demo\" enter",
        );
        assert!(screen.contains("refused [SSO-5]"), "{screen}");
        assert!(profile(&app.lock().world).tested, "nothing changed yet");
        press(&mut app, &mut term, "y");
        assert!(app.modals.is_empty());
        assert!(!profile(&app.lock().world).tested, "replaced: untested");
        assert!(enforced(&app.lock().world));
    }

    #[test]
    fn the_settings_tab_labels_entitlements_and_an_expired_certificate() {
        let (mut w, ctx) = owl_enforced(SHORT_CERT, Some(ADAM));
        apply_ok(&mut w, &ctx, Action::AdvanceClock { seconds: days(60) });
        let (mut app, mut term) = console(w);
        let screen = press(&mut app, &mut term, "4");
        for label in [
            "Account limit (Twilio Support)",
            "BAA on record (Twilio Support)",
            "SSO entitlement (Twilio Support)",
            "certificate expired",
        ] {
            assert!(screen.contains(label), "{label}:\n{screen}");
        }
        let screen = press(&mut app, &mut term, "/ \"SSO profile\" enter");
        assert!(
            screen.contains("Certificate expired on 2027-01-31"),
            "{screen}"
        );
        // Toggling an entitlement says it is a Support request.
        let screen = press(&mut app, &mut term, "esc esc / \"bulk\" enter enter");
        assert!(screen.contains("Twilio Support"), "{screen}");
        press(&mut app, &mut term, "y");
        assert_eq!(last_audit(&app.lock().world).actor, "twilio-support");
    }

    mod cli {
        use crate::fixture::tworg_cli as tworg;
        use std::path::Path;

        fn ok(path: &Path, args: &[&str]) -> String {
            let out = tworg(path, args);
            let err = String::from_utf8_lossy(&out.stderr).into_owned();
            assert!(out.status.success(), "{args:?}: {err}");
            err
        }

        #[test]
        fn yes_confirms_the_lockout_and_org_set_says_support() {
            let dir = tempfile::tempdir().unwrap();
            let w = dir.path().join("w.ron");
            let cert = concat!(env!("CARGO_MANIFEST_DIR"), "/assets/demo-idp-cert.pem");
            ok(&w, &["init", "--demo"]);
            let cfg = [
                "sso",
                "configure",
                "--entity-id",
                "idp",
                "--url",
                "https://idp.example/sso",
                "--cert",
                cert,
            ];
            ok(&w, &cfg);
            ok(&w, &["sso", "test"]);
            ok(&w, &["sso", "exempt", "adam.admin@owl-industries.example"]);
            ok(&w, &["sso", "enforce", "owl-industries.example"]);
            for cmd in [
                vec!["user", "deactivate", "adam.admin@owl-industries.example"],
                vec![
                    "user",
                    "role",
                    "adam.admin@owl-industries.example",
                    "standard",
                ],
                vec!["sso", "unexempt", "adam.admin@owl-industries.example"],
            ] {
                let before = std::fs::read(&w).unwrap();
                let out = tworg(&w, &cmd);
                let err = String::from_utf8_lossy(&out.stderr);
                assert_eq!(out.status.code(), Some(3), "{cmd:?}: {err}");
                assert!(err.starts_with("refused [SSO-5]"), "{err}");
                assert!(err.contains("--yes"), "{err}");
                assert_eq!(std::fs::read(&w).unwrap(), before);
            }
            ok(
                &w,
                &[
                    "user",
                    "deactivate",
                    "adam.admin@owl-industries.example",
                    "--yes",
                ],
            );
            // Everyone is covered now: replacing the profile asks too.
            let out = tworg(&w, &cfg);
            assert_eq!(out.status.code(), Some(3));
            let mut yes = cfg.to_vec();
            yes.push("--yes");
            let msg = ok(&w, &yes);
            assert!(msg.contains("untested"), "{msg}");
            let msg = ok(&w, &["org", "set", "account-limit", "20"]);
            assert!(msg.contains("simulated Twilio Support request"), "{msg}");
            let audit = ok(&w, &["show", "audit"]);
            let _ = audit;
            let out = tworg(&w, &["--json", "show", "audit"]);
            let text = String::from_utf8_lossy(&out.stdout);
            assert!(text.contains("twilio-support"), "{text}");
        }
    }
}

/// SSO-5 through SCIM: an identity provider cannot confirm a lock-out, so deprovisioning or
/// deactivating the last Administrator who can sign in without SSO is refused there (it was
/// applied with no confirmation); the fix is the same change confirmed in the organization.
#[test]
fn rule_sso_5_scim_cannot_lock_the_organization_out() {
    let (mut w, ctx) = owl_enforced(DEMO_IDP_CERT, Some(AVA));
    apply_ok(
        &mut w,
        &ctx,
        Action::ScimEnable {
            token: "t".repeat(40),
        },
    );
    let scim = Ctx {
        org: ctx.org.clone(),
        actor: Actor::ScimToken,
    };
    let ava = user_sid(&w, AVA).to_string();
    let r = refused_with(
        &mut w,
        &scim,
        Action::ScimDeleteUser { id: ava.clone() },
        "SSO-5",
    );
    assert_eq!(r.fixes.len(), 1);
    let mut data = w.scim_view(w.find_user(AVA).unwrap());
    data.active = Some(false);
    let deactivate = Action::ScimReplaceUser {
        id: ava,
        user: data,
        patch: false,
    };
    refused_with(&mut w, &scim, deactivate, "SSO-5");
    apply_ok(&mut w, &ctx, r.fixes[0].action.clone());
    assert_eq!(member_status(&w, AVA), None, "removed once confirmed");
}
