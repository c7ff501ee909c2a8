//! RULES.md revision 2, merging as Twilio does it: by invitation (MRG-5) and by import (MRG-6),
//! one refusal naming every unmet requirement with steps that can be followed (MRG-1), the
//! preview shown when a merge starts (MRG-3), what a merge keeps and copies (MRG-4), and the
//! USR-2, USR-9 and ORG-6 rules that lead to merges. Tests are named after the rule they show.

mod fixture;

use std::process::Output;

use fixture::*;
use tworg::model::action::Setting;
use tworg::model::*;

fn invite(email: &str, role: OrgRole) -> Action {
    Action::Invite {
        email: email.into(),
        role,
        accounts: vec![],
    }
}

fn accept(email: &str) -> Action {
    Action::AcceptInvite {
        email: email.into(),
    }
}

fn decline(email: &str) -> Action {
    Action::DeclineInvite {
        email: email.into(),
    }
}

fn import(candidate: &str, confirm: &str) -> Action {
    Action::Merge {
        candidate: candidate.into(),
        confirm: confirm.into(),
        owner_role: OrgRole::Standard,
    }
}

fn set(s: Setting) -> Action {
    Action::Set(s)
}

fn exists(w: &World, org: &str) -> bool {
    w.find_org(org).is_ok()
}

/// The context a fix step is taken in: the refused actor's own, or, for a step by someone else,
/// that person acting in their own organization (the home org for outsiders).
fn fix_ctx(w: &World, refused: &Ctx, fix: &Fix) -> Ctx {
    match &fix.by {
        None => refused.clone(),
        Some(email) => ctx_as(w, email),
    }
}

/// Takes every step of a refusal's fix, each of which must apply.
fn follow(w: &mut World, refused: &Ctx, r: &Refusal) {
    assert!(!r.fixes.is_empty(), "the refusal has no fix to follow: {r}");
    for fix in &r.fixes {
        let ctx = fix_ctx(w, refused, fix);
        apply_ok(w, &ctx, fix.action.clone());
    }
}

/// Enables Import Users (a simulated Twilio Support request, ORG-9).
fn enable_import_users(w: &mut World, ctx: &Ctx) {
    apply_ok(w, ctx, set(Setting::BulkImport(true)));
}

fn pending_in(w: &World, org: &str, email: &str) -> bool {
    w.find_org(org)
        .unwrap()
        .invitations
        .values()
        .any(|i| i.email == email)
}

// ============================================================================================
// MRG-1 rev 2: every unmet requirement at once, in plain words, each with a step that works
// ============================================================================================

#[test]
fn rule_mrg_1_the_refusal_lists_every_unmet_requirement_in_plain_words() {
    let mut w = demo();
    let owl = ctx_as(&w, OLIVIA);
    let r = refused_with(&mut w, &owl, invite(HANA, OrgRole::Standard), "MRG-1");
    // Both blockers at once.
    assert!(
        r.message
            .contains("Heron Logistics has a verified domain of its own: heron-logistics.example"),
        "{}",
        r.message
    );
    assert!(
        r.message.contains(
            "the Owner of Heron Logistics, hana.heron@heron-logistics.example, is not on a verified domain of Owl Industries"
        ),
        "{}",
        r.message
    );
    assert!(!r.message.contains("it is not true"), "{}", r.message);
    // The hint is the route that works: DOM-10 refuses deleting the Owner's own domain.
    assert!(
        !r.hint.contains("delete its verified domains"),
        "{}",
        r.hint
    );
    for part in [
        "remove the TXT record of heron-logistics.example",
        "30 days",
        "add heron-logistics.example to Owl Industries",
        "verify it",
    ] {
        assert!(r.hint.contains(part), "{part:?} missing from: {}", r.hint);
    }
    assert!(
        !r.hint.contains("tworg ") && !r.hint.contains("--"),
        "{}",
        r.hint
    );
    // The same steps as data: unpublish (by Heron), wait, add, publish, verify (by Owl).
    let steps: Vec<(&str, Option<&str>)> = r
        .fixes
        .iter()
        .map(|f| (f.action.name(), f.by.as_deref()))
        .collect();
    assert_eq!(
        steps,
        vec![
            ("dns.unpublish", Some(HANA)),
            ("clock.advance", None),
            ("domain.add", None),
            ("dns.publish", None),
            ("domain.verify", None),
        ]
    );
    // Deleting the domain, which a hint once suggested, is refused (DOM-10).
    let heron = ctx_as(&w, HANA);
    refused_with(
        &mut w,
        &heron,
        Action::DeleteDomain {
            name: "heron-logistics.example".into(),
            acknowledged: true,
        },
        "DOM-10",
    );
}

#[test]
fn rule_mrg_1_following_the_heron_route_makes_the_merge_allowed() {
    let mut w = demo();
    let owl = ctx_as(&w, OLIVIA);
    let r = refused_with(&mut w, &owl, invite(HANA, OrgRole::Standard), "MRG-1");
    follow(&mut w, &owl, &r);
    assert!(
        !w.find_org(HERON)
            .unwrap()
            .domains
            .contains_key("heron-logistics.example"),
        "the 30 days passed: Heron's domain is deleted (DOM-9)"
    );
    // The original action is allowed now, and the merge completes when Hana accepts.
    apply_ok(&mut w, &owl, invite(HANA, OrgRole::Standard));
    let hana = ctx_as(&w, HANA);
    apply_ok(&mut w, &hana, accept(HANA));
    assert!(!exists(&w, HERON));
    assert_eq!(user(&w, HANA).membership.as_ref().unwrap().org, owl.org);
}

#[test]
fn rule_mrg_1_the_import_route_lists_import_users_too_and_its_fix_works() {
    let mut w = demo();
    let owl = ctx_as(&w, OLIVIA);
    let r = refused_with(&mut w, &owl, import(HERON, HERON), "MRG-1");
    assert!(
        r.message.contains("Import Users is not enabled"),
        "{}",
        r.message
    );
    assert!(r.message.contains("(MRG-6)"), "{}", r.message);
    follow(&mut w, &owl, &r);
    apply_ok(&mut w, &owl, import(HERON, HERON));
    assert!(!exists(&w, HERON));
    assert_eq!(role_of(&w, HANA), Some(OrgRole::Standard));
}

#[test]
fn rule_mrg_1_a_candidate_domain_nobody_depends_on_is_deleted_by_the_candidate_owner() {
    let mut w = demo();
    let owl = ctx_as(&w, OLIVIA);
    let felix = ctx_as(&w, FELIX);
    for a in [
        Action::AddDomain {
            name: "finch-labs.example".into(),
        },
        Action::PublishDns {
            domain: "finch-labs.example".into(),
        },
        Action::VerifyDomain {
            name: "finch-labs.example".into(),
        },
    ] {
        apply_ok(&mut w, &felix, a);
    }
    let r = refused_with(&mut w, &owl, invite(FELIX, OrgRole::Standard), "MRG-1");
    assert!(
        r.message
            .contains("Finch Analytics has a verified domain of its own: finch-labs.example"),
        "{}",
        r.message
    );
    assert!(r.hint.contains("deletes finch-labs.example"), "{}", r.hint);
    assert_eq!(
        r.fixes,
        vec![Fix {
            action: Action::DeleteDomain {
                name: "finch-labs.example".into(),
                acknowledged: true
            },
            by: Some(FELIX.into()),
        }]
    );
    follow(&mut w, &owl, &r);
    apply_ok(&mut w, &owl, invite(FELIX, OrgRole::Standard));
}

#[test]
fn rule_mrg_1_a_prime_without_a_verified_domain_is_told_which_to_verify() {
    let mut w = demo();
    // Heron as Prime, Finch as Candidate: Felix is on owl-industries.example, Owl's domain.
    let heron = ctx_as(&w, HANA);
    let r = refused_with(&mut w, &heron, invite(FELIX, OrgRole::Standard), "MRG-1");
    assert!(
        r.hint
            .contains("owl-industries.example is verified by Owl Industries (DOM-5)"),
        "{}",
        r.hint
    );
    assert!(r.fixes.is_empty(), "nothing Heron can do: {:?}", r.fixes);
    // Merging a world's org into itself.
    let owl = ctx_as(&w, OLIVIA);
    enable_import_users(&mut w, &owl);
    let r = refused_with(&mut w, &owl, import(OWL, OWL), "MRG-1");
    assert!(
        r.message.contains("cannot merge into itself"),
        "{}",
        r.message
    );
}

// ============================================================================================
// MRG-2: the Prime's account limit, checked when the invitation is sent and again on accepting
// ============================================================================================

#[test]
fn rule_mrg_2_the_account_limit_refusal_raises_it_as_a_support_request() {
    let mut w = demo();
    let owl = ctx_as(&w, OLIVIA);
    let used = w.accounts_toward_limit(&owl.org) as u32;
    apply_ok(&mut w, &owl, set(Setting::AccountLimit(used + 1)));
    let r = refused_with(&mut w, &owl, invite(FELIX, OrgRole::Standard), "MRG-2");
    assert!(r.hint.contains("Twilio Support"), "{}", r.hint);
    assert_eq!(
        r.fixes,
        vec![Fix {
            action: set(Setting::AccountLimit(used + 2)),
            by: None
        }]
    );
    follow(&mut w, &owl, &r);
    apply_ok(&mut w, &owl, invite(FELIX, OrgRole::Standard));
}

// ============================================================================================
// MRG-3 rev 2: the preview is shown when a merge starts
// ============================================================================================

#[test]
fn rule_mrg_3_the_preview_is_shown_when_a_merge_invitation_is_sent() {
    let mut w = demo();
    let owl = ctx_as(&w, ADAM);
    let out = apply_ok(&mut w, &owl, invite(FELIX, OrgRole::Administrator));
    assert_eq!(out.merges.len(), 1);
    let p = &out.merges[0];
    assert_eq!(p.candidate_name, FINCH);
    assert!(p.allowed());
    let mut users = p.users.clone();
    users.sort();
    assert_eq!(
        users,
        vec![
            (FELIX.to_string(), OrgRole::Owner, OrgRole::Administrator),
            (FERN.to_string(), OrgRole::Administrator, OrgRole::Standard),
            (FRED.to_string(), OrgRole::Standard, OrgRole::Standard),
        ]
    );
    let text = p.lines().join("\n");
    for part in [
        "Merge Finch Analytics into Owl Industries (by invitation)",
        "Finch Reporting",
        "fern.finch@finch-analytics.example: Administrator → Standard",
        "Domains discarded: finch-analytics.example",
    ] {
        assert!(text.contains(part), "{part:?} missing from:\n{text}");
    }
    assert!(out.message.contains("merge invitation"), "{}", out.message);
    // Nothing has moved yet.
    assert!(exists(&w, FINCH));
}

#[test]
fn rule_mrg_3_the_preview_is_shown_when_an_import_starts_and_a_wrong_name_is_refused() {
    let mut w = demo();
    let owl = ctx_as(&w, OLIVIA);
    enable_import_users(&mut w, &owl);
    let preview = w.import_preview(&owl, FINCH).unwrap();
    assert!(preview.allowed());
    assert!(preview.lines()[0].contains("(by import)"));
    assert!(
        preview
            .users
            .iter()
            .all(|(_, _, after)| *after == OrgRole::Standard)
    );
    let r = refused_with(&mut w, &owl, import(FINCH, ""), "MRG-3");
    assert!(r.message.contains("needs its name typed"), "{}", r.message);
    refused_with(&mut w, &owl, import(FINCH, "Finch"), "MRG-3");
    let out = apply_ok(&mut w, &owl, import(FINCH, FINCH));
    assert_eq!(out.merges.len(), 1);
}

// ============================================================================================
// MRG-4 rev 2: what a merge keeps, gives and copies
// ============================================================================================

#[test]
fn rule_mrg_4_candidate_users_keep_their_access_and_get_none_to_the_primes_accounts() {
    let mut w = demo();
    let owl = ctx_as(&w, OLIVIA);
    let reporting = account(&w, "Finch Reporting").sid.clone();
    let reporting_before = w.grants_on(&reporting);
    let finch_users: Vec<Sid> = [FELIX, FERN, FRED]
        .iter()
        .map(|e| user_sid(&w, e))
        .collect();
    let owl_accounts: Vec<Sid> = w.org_accounts(&owl.org).map(|a| a.sid.clone()).collect();
    apply_ok(&mut w, &owl, invite(FELIX, OrgRole::Standard));
    let felix = ctx_as(&w, FELIX);
    apply_ok(&mut w, &felix, accept(FELIX));
    assert_eq!(w.grants_on(&reporting), reporting_before);
    assert_eq!(
        account(&w, "Finch Reporting").owner.as_ref(),
        Some(&user_sid(&w, FERN))
    );
    for a in &owl_accounts {
        for u in &finch_users {
            assert!(
                w.general_roles(u, a).is_empty(),
                "{} got access to {}",
                w.email_of(u),
                w.accounts[a].name
            );
        }
    }
    // A Standard Candidate user sees only what they had (ORG-3).
    let fred = user_sid(&w, FRED);
    let visible: Vec<&str> = w
        .org_accounts(&owl.org)
        .filter(|a| w.can_see_account(&fred, &owl.org, a))
        .map(|a| a.name.as_str())
        .collect();
    assert!(
        visible.iter().all(|n| n.starts_with("Finch")),
        "{visible:?}"
    );
}

#[test]
fn rule_mrg_4_the_primes_audit_keeps_the_candidates_history_marked_with_its_name() {
    let mut w = demo();
    let owl = ctx_as(&w, OLIVIA);
    let finch = org_sid(&w, FINCH);
    let history: Vec<AuditEntry> = w
        .audit
        .iter()
        .filter(|e| e.org.as_ref() == Some(&finch))
        .cloned()
        .collect();
    assert!(history.len() > 5);
    let before = w.audit.clone();
    enable_import_users(&mut w, &owl);
    apply_ok(&mut w, &owl, import(FINCH, FINCH));
    // Nothing removed or rewritten (AUD-1); every entry copied, marked, in the Prime's log.
    assert_eq!(w.audit[..before.len()], before[..]);
    let copies: Vec<&AuditEntry> = w
        .audit
        .iter()
        .filter(|e| {
            e.org.as_ref() == Some(&owl.org)
                && e.detail.starts_with("[history of Finch Analytics, ")
        })
        .collect();
    assert_eq!(copies.len(), history.len());
    for (copy, original) in copies.iter().zip(&history) {
        assert!(copy.detail.ends_with(&original.detail));
        assert_eq!(copy.actor, original.actor);
        assert_eq!(copy.action, original.action);
    }
    let last = w.audit.last().unwrap();
    assert_eq!(last.action, "org.merge");
    assert!(
        last.detail.contains("entries of its audit log copied"),
        "{}",
        last.detail
    );
}

#[test]
fn rule_mrg_4_pending_and_independent_accounts_of_the_candidate_move_as_they_are() {
    let mut w = demo();
    let owl = ctx_as(&w, OLIVIA);
    let felix = ctx_as(&w, FELIX);
    // Finch links Kai's portal? It is Owl's already; link Ivy's prototype instead (independent).
    let proto = acc(&w, "Owl Labs Prototype");
    apply_ok(&mut w, &felix, Action::LinkAccount { sid: proto.clone() });
    apply_ok(&mut w, &owl, invite(FELIX, OrgRole::Standard));
    apply_ok(&mut w, &felix, accept(FELIX));
    assert_eq!(
        w.kind_in(account(&w, "Owl Labs Prototype"), &owl.org),
        Some(AccountKind::Pending)
    );
}

// ============================================================================================
// MRG-5: merge by invitation
// ============================================================================================

#[test]
fn rule_mrg_5_merge_by_invitation_accept() {
    let mut w = demo();
    let owl = ctx_as(&w, OLIVIA);
    let out = apply_ok(&mut w, &owl, invite(FELIX, OrgRole::Administrator));
    let nf = created(&out, SidKind::Notification);
    // The Candidate Owner shows as a pending user of the Prime; nothing has moved.
    assert!(pending_in(&w, OWL, FELIX));
    assert_eq!(
        w.merge_note(&owl.org, &w.find_org(OWL).unwrap().invitations[&nf])
            .as_deref(),
        Some("accepting merges Finch Analytics into Owl Industries")
    );
    assert!(exists(&w, FINCH));
    assert_eq!(role_of(&w, FELIX), Some(OrgRole::Owner));
    // Felix accepts: the merge happens with the chosen role.
    let felix = ctx_as(&w, FELIX);
    let out = apply_ok(&mut w, &felix, accept(FELIX));
    assert!(
        out.message
            .contains("merged 'Finch Analytics' into 'Owl Industries'"),
        "{}",
        out.message
    );
    assert!(!exists(&w, FINCH));
    assert!(!pending_in(&w, OWL, FELIX));
    assert_eq!(role_of(&w, FELIX), Some(OrgRole::Administrator));
    assert_eq!(role_of(&w, FERN), Some(OrgRole::Standard));
    assert_eq!(role_of(&w, FRED), Some(OrgRole::Standard));
    assert_eq!(
        w.kind_in(account(&w, "Finch Reporting"), &owl.org),
        Some(AccountKind::Managed)
    );
    let last = w.audit.last().unwrap();
    assert_eq!(
        (last.actor.as_str(), last.action.as_str()),
        (FELIX, "user.accept")
    );
}

#[test]
fn rule_mrg_5_the_pending_merge_invitation_is_visible_in_both_organizations() {
    let mut w = demo();
    let owl = ctx_as(&w, OLIVIA);
    apply_ok(&mut w, &owl, invite(FELIX, OrgRole::Standard));
    let finch = org_sid(&w, FINCH);
    let incoming = w.incoming_merge_invitations(&finch);
    assert_eq!(incoming.len(), 1);
    assert_eq!(incoming[0].0.name, OWL);
    assert_eq!(incoming[0].1.email, FELIX);
    assert!(w.incoming_merge_invitations(&owl.org).is_empty());
}

#[test]
fn rule_mrg_5_the_candidate_owner_may_answer_from_their_own_organization() {
    let mut w = demo();
    let owl = ctx_as(&w, OLIVIA);
    apply_ok(&mut w, &owl, invite(FELIX, OrgRole::Standard));
    let in_finch = ctx_in(&w, FINCH, FELIX);
    apply_ok(&mut w, &in_finch, accept(FELIX));
    assert!(!exists(&w, FINCH));
}

#[test]
fn rule_mrg_5_decline_moves_nothing() {
    let mut w = demo();
    let owl = ctx_as(&w, OLIVIA);
    apply_ok(&mut w, &owl, invite(FELIX, OrgRole::Standard));
    let felix = ctx_as(&w, FELIX);
    let members_before: Vec<Sid> = w
        .members(&org_sid(&w, FINCH))
        .map(|u| u.sid.clone())
        .collect();
    let out = apply_ok(&mut w, &felix, decline(FELIX));
    assert!(out.message.contains("nothing moved"), "{}", out.message);
    assert!(exists(&w, FINCH));
    assert!(!pending_in(&w, OWL, FELIX));
    let members_after: Vec<Sid> = w
        .members(&org_sid(&w, FINCH))
        .map(|u| u.sid.clone())
        .collect();
    assert_eq!(members_before, members_after);
    assert_eq!(role_of(&w, FELIX), Some(OrgRole::Owner));
    // Both organizations' logs say so.
    let finch = org_sid(&w, FINCH);
    assert!(
        w.audit
            .iter()
            .any(|e| e.org.as_ref() == Some(&finch) && e.action == "user.decline")
    );
    // Declining what is not pending: not found, nothing changes.
    fails_without_rule(&mut w, &felix, decline(FELIX));
}

#[test]
fn rule_mrg_5_cancel_and_expiry_move_nothing() {
    let mut w = demo();
    let owl = ctx_as(&w, OLIVIA);
    apply_ok(&mut w, &owl, invite(FELIX, OrgRole::Standard));
    let mut cancelled = w.clone();
    apply_ok(
        &mut cancelled,
        &owl,
        Action::CancelInvite {
            email: FELIX.into(),
        },
    );
    assert!(exists(&cancelled, FINCH));
    let felix = ctx_as(&cancelled, FELIX);
    fails_without_rule(&mut cancelled, &felix, accept(FELIX));
    // Expiry (USR-3): the invitation no longer merges anything.
    apply_ok(&mut w, &owl, Action::AdvanceClock { seconds: days(8) });
    assert!(exists(&w, FINCH));
    let felix = ctx_as(&w, FELIX);
    let r = refused_with(&mut w, &felix, accept(FELIX), "USR-3");
    assert!(r.message.contains("expired on"), "{}", r.message);
    assert_eq!(role_of(&w, FELIX), Some(OrgRole::Owner));
    // The expired invitation stays listed; Owl resends it, and then accepting merges.
    assert!(pending_in(&w, OWL, FELIX));
    assert_eq!(r.fixes.len(), 1);
    assert_eq!(r.fixes[0].by.as_deref(), Some(OLIVIA));
    follow(&mut w, &felix, &r);
    apply_ok(&mut w, &felix, accept(FELIX));
    assert!(!exists(&w, FINCH));
}

#[test]
fn rule_mrg_5_requirements_are_checked_again_when_the_invitation_is_accepted() {
    let mut w = demo();
    let owl = ctx_as(&w, OLIVIA);
    apply_ok(&mut w, &owl, invite(FELIX, OrgRole::Standard));
    // Meanwhile Finch verifies a domain of its own, and Owl's limit shrinks.
    let felix = ctx_as(&w, FELIX);
    for a in [
        Action::AddDomain {
            name: "finch-labs.example".into(),
        },
        Action::PublishDns {
            domain: "finch-labs.example".into(),
        },
        Action::VerifyDomain {
            name: "finch-labs.example".into(),
        },
    ] {
        apply_ok(&mut w, &felix, a);
    }
    let used = w.accounts_toward_limit(&owl.org) as u32;
    apply_ok(&mut w, &owl, set(Setting::AccountLimit(used)));
    let r = refused_with(&mut w, &felix, accept(FELIX), "MRG-1");
    assert!(r.message.contains("finch-labs.example"), "{}", r.message);
    assert!(r.message.contains("(MRG-2)"), "{}", r.message);
    assert!(pending_in(&w, OWL, FELIX), "the invitation stays pending");
    // The Prime's steps are Olivia's (the inviter), the Candidate's Felix's.
    assert!(
        r.fixes
            .iter()
            .any(|f| f.by.as_deref() == Some(OLIVIA) && f.action.name() == "org.set")
    );
    follow(&mut w, &felix, &r);
    apply_ok(&mut w, &felix, accept(FELIX));
    assert!(!exists(&w, FINCH));
}

#[test]
fn rule_mrg_5_an_invitation_the_requirements_refuse_is_not_sent() {
    let mut w = demo();
    let owl = ctx_as(&w, ADAM);
    refused_with(&mut w, &owl, invite(HANA, OrgRole::Administrator), "MRG-1");
    assert!(!pending_in(&w, OWL, HANA));
    // Only the Owner or an Administrator sends one (ORG-3), and never to make an Owner (MRG-5).
    let sam = ctx_as(&w, SAM);
    refused_with(&mut w, &sam, invite(FELIX, OrgRole::Standard), "ORG-3");
    refused_with(&mut w, &owl, invite(FELIX, OrgRole::Owner), "MRG-5");
    // One at a time (USR-3).
    apply_ok(&mut w, &owl, invite(FELIX, OrgRole::Standard));
    refused_with(&mut w, &owl, invite(FELIX, OrgRole::Administrator), "USR-3");
}

#[test]
fn rule_mrg_5_a_merge_invitation_grants_no_access_to_the_primes_accounts() {
    let mut w = demo();
    let owl = ctx_as(&w, OLIVIA);
    let staging = acc(&w, "Owl Staging");
    let r = refused_with(
        &mut w,
        &owl,
        Action::Invite {
            email: FELIX.into(),
            role: OrgRole::Standard,
            accounts: vec![(staging, vec![AccountRole::Developer])],
        },
        "MRG-4",
    );
    follow(&mut w, &owl, &r);
    assert!(pending_in(&w, OWL, FELIX));
}

// ============================================================================================
// MRG-6: merge by import
// ============================================================================================

#[test]
fn rule_mrg_6_merge_by_import_needs_import_users() {
    let mut w = demo();
    let owl = ctx_as(&w, OLIVIA);
    let r = refused_with(&mut w, &owl, import(FINCH, FINCH), "MRG-6");
    assert!(
        r.message
            .contains("Import Users is not enabled for Owl Industries"),
        "{}",
        r.message
    );
    assert!(r.hint.contains("Twilio Support"), "{}", r.hint);
    assert_eq!(
        r.fixes,
        vec![Fix {
            action: set(Setting::BulkImport(true)),
            by: None
        }]
    );
    follow(&mut w, &owl, &r);
    apply_ok(&mut w, &owl, import(FINCH, FINCH));
    assert!(!exists(&w, FINCH));
}

#[test]
fn rule_mrg_6_importing_makes_the_candidate_owner_and_admins_standard_at_once() {
    let mut w = demo();
    let owl = ctx_as(&w, OLIVIA);
    enable_import_users(&mut w, &owl);
    // The role cannot be chosen by import.
    let r = refused_with(
        &mut w,
        &owl,
        Action::Merge {
            candidate: FINCH.into(),
            confirm: FINCH.into(),
            owner_role: OrgRole::Administrator,
        },
        "MRG-6",
    );
    assert!(
        r.hint.contains("invite felix.finch@owl-industries.example"),
        "{}",
        r.hint
    );
    apply_ok(&mut w, &owl, import(FINCH, FINCH));
    assert!(!exists(&w, FINCH));
    assert_eq!(role_of(&w, FELIX), Some(OrgRole::Standard));
    assert_eq!(role_of(&w, FERN), Some(OrgRole::Standard));
    // Standard users cannot start one (ORG-3).
    let mut w = demo();
    let sam = ctx_as(&w, SAM);
    refused_with(&mut w, &sam, import(FINCH, FINCH), "ORG-3");
}

#[test]
fn rule_mrg_6_a_bulk_import_row_naming_a_candidate_owner_merges_that_org() {
    let mut w = demo();
    let owl = ctx_as(&w, OLIVIA);
    enable_import_users(&mut w, &owl);
    let csv = format!(
        "email,first_name,last_name\n{NORA},Nora,Newhire\n{FELIX},Felix,Finch\n{HANA},Hana,Heron\n"
    );
    let out = apply_ok(&mut w, &owl, Action::ImportUsers { csv });
    assert!(!exists(&w, FINCH), "Finch merged at once (no opt-out)");
    assert_eq!(role_of(&w, FELIX), Some(OrgRole::Standard));
    assert_eq!(role_of(&w, FERN), Some(OrgRole::Standard));
    assert_eq!(role_of(&w, NORA), Some(OrgRole::Standard));
    assert_eq!(out.merges.len(), 1);
    // USR-9 rev 2: Heron cannot merge, so Hana's row is rejected with MRG-1's reason.
    let hana = out.report.iter().find(|(e, _)| e == HANA).unwrap();
    let reason = hana.1.as_deref().expect("rejected");
    assert!(
        reason.contains("Heron Logistics has a verified domain of its own"),
        "{reason}"
    );
    assert!(reason.contains("(MRG-1)"), "{reason}");
    assert!(exists(&w, HERON));
    assert!(
        out.message
            .contains("2 imported (merging Finch Analytics), 1 rejected"),
        "{}",
        out.message
    );
}

// ============================================================================================
// USR-2 rev 2, USR-9 rev 2, ORG-6
// ============================================================================================

#[test]
fn rule_usr_2_inviting_another_orgs_owner_is_a_merge_invitation_not_an_alias() {
    let mut w = demo();
    let owl = ctx_as(&w, OLIVIA);
    let out = apply_ok(&mut w, &owl, invite(FELIX, OrgRole::Standard));
    assert!(!out.message.contains("alias"), "{}", out.message);
    assert_eq!(out.merges.len(), 1);
    // A member who is not the Owner is still refused; the hint names the ways that are open.
    let mut w = demo();
    let owl = ctx_as(&w, OLIVIA);
    for a in [
        Action::AddDomain {
            name: "finch-analytics.example".into(),
        },
        Action::PublishDns {
            domain: "finch-analytics.example".into(),
        },
        Action::VerifyDomain {
            name: "finch-analytics.example".into(),
        },
    ] {
        apply_ok(&mut w, &owl, a);
    }
    let r = refused_with(&mut w, &owl, invite(FERN, OrgRole::Standard), "USR-2");
    assert!(
        r.hint
            .contains("invite its Owner, felix.finch@owl-industries.example (MRG-5)"),
        "{}",
        r.hint
    );
    assert!(
        r.hint
            .contains("fern.finch+owlindustries@finch-analytics.example"),
        "{}",
        r.hint
    );
    // The merge it names brings Fern along.
    apply_ok(&mut w, &owl, invite(FELIX, OrgRole::Standard));
    let felix = ctx_as(&w, FELIX);
    apply_ok(&mut w, &felix, accept(FELIX));
    assert_eq!(user(&w, FERN).membership.as_ref().unwrap().org, owl.org);
}

#[test]
fn rule_usr_9_a_row_whose_org_cannot_merge_is_rejected_with_the_reason() {
    let mut w = demo();
    let owl = ctx_as(&w, OLIVIA);
    enable_import_users(&mut w, &owl);
    let used = w.accounts_toward_limit(&owl.org) as u32;
    apply_ok(&mut w, &owl, set(Setting::AccountLimit(used + 1)));
    let csv = format!("email,first_name,last_name\n{FELIX},Felix,Finch\n");
    let out = apply_ok(&mut w, &owl, Action::ImportUsers { csv });
    let reason = out.report[0].1.as_deref().expect("rejected");
    assert!(reason.contains("(MRG-2)"), "{reason}");
    assert!(exists(&w, FINCH));
    assert_eq!(role_of(&w, FELIX), Some(OrgRole::Owner));
}

#[test]
fn rule_org_6_the_hint_names_a_merge_that_would_be_allowed() {
    let mut w = demo();
    let finch = ctx_as(&w, FELIX);
    let r = refused_with(&mut w, &finch, Action::DeleteOrg, "ORG-6");
    assert!(
        r.hint.contains("merge it into Owl Industries"),
        "{}",
        r.hint
    );
    assert!(
        r.hint
            .contains("invites felix.finch@owl-industries.example"),
        "{}",
        r.hint
    );
    // Following it works.
    let owl = ctx_as(&w, OLIVIA);
    apply_ok(&mut w, &owl, invite(FELIX, OrgRole::Standard));
    apply_ok(&mut w, &finch, accept(FELIX));
    assert!(!exists(&w, FINCH));
}

#[test]
fn rule_org_6_the_hint_never_suggests_a_merge_that_mrg_1_refuses() {
    let mut w = demo();
    let heron = ctx_as(&w, HANA);
    let r = refused_with(&mut w, &heron, Action::DeleteOrg, "ORG-6");
    assert!(!r.hint.contains("instead"), "{}", r.hint);
    assert!(
        r.hint.contains("cannot be merged into Owl Industries yet"),
        "{}",
        r.hint
    );
    assert!(
        r.hint
            .contains("remove the TXT record of heron-logistics.example"),
        "{}",
        r.hint
    );
    assert!(!r.hint.contains("tworg "), "{}", r.hint);
}

// ============================================================================================
// The CLI: `user invite` of a Candidate Owner, `user accept`/`user decline`, `org merge`
// ============================================================================================

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn rule_mrg_3_the_cli_prints_the_preview_when_confirm_is_missing_or_wrong() {
    let file = demo_file();
    let path = file.path.clone();
    assert!(
        tworg_cli(&path, &["org", "set", "bulk-import", "on"])
            .status
            .success()
    );
    let before = std::fs::read(&path).unwrap();
    for args in [
        vec!["org", "merge", FINCH],
        vec!["org", "merge", FINCH, "--confirm", "Finch"],
    ] {
        let out = tworg_cli(&path, &args);
        assert_eq!(out.status.code(), Some(3), "a refusal: {}", stderr(&out));
        let err = stderr(&out);
        assert!(
            err.contains("Merge Finch Analytics into Owl Industries (by import):"),
            "{err}"
        );
        assert!(
            err.contains("fern.finch@finch-analytics.example: Administrator → Standard"),
            "{err}"
        );
        assert!(err.contains("refused [MRG-3]"), "{err}");
        assert_eq!(std::fs::read(&path).unwrap(), before, "nothing saved");
    }
    let out = tworg_cli(&path, &["org", "merge", FINCH, "--confirm", FINCH]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("merged 'Finch Analytics' into 'Owl Industries' by import"));
}

#[test]
fn rule_mrg_5_the_cli_invites_accepts_and_declines() {
    let file = demo_file();
    let path = file.path.clone();
    let out = tworg_cli(&path, &["user", "invite", FELIX, "--role", "admin"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("a merge invitation"), "{err}");
    assert!(
        err.contains("Merge Finch Analytics into Owl Industries (by invitation):"),
        "{err}"
    );
    // Visible in both organizations.
    for org in [OWL, FINCH] {
        let out = tworg_cli(&path, &["--org", org, "show", "invitations"]);
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            text.contains("accepting merges Finch Analytics into Owl Industries"),
            "{org}: {text}"
        );
    }
    // Declined: nothing moves.
    let mut declined = path.clone();
    declined.set_file_name("declined.ron");
    std::fs::copy(&path, &declined).unwrap();
    // the world is the snapshot and its journal of changes since (the invitation is in it)
    std::fs::copy(
        tworg::persist::journal_path(&path),
        tworg::persist::journal_path(&declined),
    )
    .unwrap();
    let out = tworg_cli(&declined, &["--as", FELIX, "user", "decline", FELIX]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = tworg_cli(&declined, &["show", "orgs"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains(FINCH));
    // Accepted: merged.
    let out = tworg_cli(&path, &["--as", FELIX, "user", "accept", FELIX]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = tworg_cli(&path, &["show", "orgs"]);
    assert!(!String::from_utf8_lossy(&out.stdout).contains(FINCH));
}

/// ACC-4 / ACC-5 rev 2: an account of another organization's Owner comes only with that
/// organization, by merging it in (MRG-5); the refusal's fixes are that merge.
#[test]
fn rule_acc_4_an_account_of_another_orgs_owner_comes_by_merging_its_org() {
    let mut w = demo();
    let olivia = ctx_as(&w, OLIVIA);
    let felix = ctx_as(&w, FELIX);
    apply_ok(
        &mut w,
        &felix,
        Action::CreateAccount {
            name: "Felix Side Project".into(),
            flex: false,
            owner: None,
        },
    );
    let side = acc(&w, "Felix Side Project");
    let import = Action::ImportAccount { sid: side.clone() };
    let r = refused_with(&mut w, &olivia, import, "ACC-4");
    assert!(
        r.message.contains("merging Finch Analytics"),
        "{}",
        r.message
    );
    assert_eq!(r.fixes.len(), 2, "{:?}", r.fixes);
    for f in &r.fixes {
        let ctx = match &f.by {
            Some(by) => Ctx::new(org_sid(&w, OWL), user_sid(&w, by)),
            None => olivia.clone(),
        };
        apply_ok(&mut w, &ctx, f.action.clone());
    }
    // Finch merged in, and its account with it.
    assert!(w.find_org(FINCH).is_err());
    assert_eq!(
        w.kind_in(account(&w, "Felix Side Project"), &org_sid(&w, OWL)),
        Some(AccountKind::Managed)
    );
}
