//! Edge cases of the model beyond one rule each: limits that arriving accounts must respect, the
//! SCIM token's reach, invitations under Auto-enrollment, grants that stay with their org.

mod fixture;

use fixture::{acc as sid_of, ctx_in as ctx};
use tworg::model::Action;
use tworg::model::action::Setting;
use tworg::persist::demo_world;

/// A merge may not bring in a Full account with more open subaccounts than the Prime allows.
#[test]
fn merging_respects_the_primes_subaccount_limit() {
    let mut w = demo_world();
    let finch = ctx(&w, "Finch Analytics", "felix.finch@owl-industries.example");
    let owl = ctx(&w, "Owl Industries", "olivia.owl@owl-industries.example");
    let reporting = sid_of(&w, "Finch Reporting");
    w.apply(
        &finch,
        &Action::UpgradeAccount {
            sid: reporting.clone(),
        },
    )
    .unwrap();
    for name in ["Finch A", "Finch B"] {
        w.apply(
            &finch,
            &Action::CreateSubaccount {
                parent: reporting.clone(),
                name: Some(name.into()),
            },
        )
        .unwrap();
    }
    let eu = sid_of(&w, "Owl Prod EU");
    w.apply(
        &owl,
        &Action::CloseAccount {
            sid: eu,
            confirm_name: "Owl Prod EU".into(),
        },
    )
    .unwrap();
    w.apply(&owl, &Action::Set(Setting::SubaccountLimit(1)))
        .unwrap();

    // Merging by import needs Import Users (MRG-6).
    w.apply(&owl, &Action::Set(Setting::BulkImport(true)))
        .unwrap();
    let before = w.clone();
    let merge = Action::Merge {
        candidate: "Finch Analytics".into(),
        confirm: "Finch Analytics".into(),
        owner_role: tworg::model::OrgRole::Standard,
    };
    let err = w.apply(&owl, &merge).unwrap_err();
    assert_eq!(err.rule(), Some("SUB-2"), "{err}");
    assert_eq!(w, before);

    w.apply(&owl, &Action::Set(Setting::SubaccountLimit(2)))
        .unwrap();
    w.apply(&owl, &merge).unwrap();
    assert!(w.find_org("Finch Analytics").is_err());
    assert!(w.check_invariants().is_ok());
}

/// The SCIM bearer token provisions users and nothing else, even through `World::apply`.
#[test]
fn the_scim_token_cannot_perform_org_management() {
    let mut w = demo_world();
    let org = w.home_org.clone().unwrap();
    let token = tworg::model::Ctx {
        org,
        actor: tworg::model::Actor::ScimToken,
    };
    let before = w.clone();
    for action in [
        Action::Set(Setting::Baa(false)),
        Action::RenameOrg {
            name: "Taken".into(),
        },
        Action::DeleteOrg,
    ] {
        let err = w.apply(&token, &action).unwrap_err();
        assert_eq!(err.rule(), Some("SCIM-1"), "{action:?}: {err}");
    }
    assert_eq!(w, before);
}

/// Under Auto-enrollment a sign-up with a pending invitation joins with the invited role and
/// account grants, and the invitation is used up.
#[test]
fn auto_enrollment_honours_a_pending_invitation() {
    let mut w = demo_world();
    let owl = ctx(&w, "Owl Industries", "olivia.owl@owl-industries.example");
    w.apply(
        &owl,
        &Action::SetSignup {
            setting: tworg::model::SignupSetting::AutoEnrollment,
        },
    )
    .unwrap();
    w.apply(
        &owl,
        &Action::Invite {
            email: "ivan@owl-industries.example".into(),
            role: tworg::model::OrgRole::Administrator,
            accounts: vec![],
        },
    )
    .unwrap();
    w.apply(
        &owl,
        &Action::Signup {
            email: "ivan@owl-industries.example".into(),
            name: None,
        },
    )
    .unwrap();
    let ivan = w.user_by_email("ivan@owl-industries.example").unwrap();
    assert_eq!(
        ivan.membership.as_ref().unwrap().role,
        tworg::model::OrgRole::Administrator
    );
    assert!(
        !w.orgs[&owl.org]
            .invitations
            .values()
            .any(|i| i.email == "ivan@owl-industries.example")
    );
    // Without an invitation, Auto-enrollment still joins as Standard (SIGN-3).
    w.apply(
        &owl,
        &Action::Signup {
            email: "jo@owl-industries.example".into(),
            name: None,
        },
    )
    .unwrap();
    assert_eq!(
        w.user_by_email("jo@owl-industries.example")
            .unwrap()
            .membership
            .as_ref()
            .unwrap()
            .role,
        tworg::model::OrgRole::Standard
    );
}

/// ORG-8 takes a new Owner's accounts into their org, even one independent in another org; the
/// access that other org granted its members stays behind.
#[test]
fn a_new_owners_independent_account_joins_without_the_other_orgs_grants() {
    let mut w = demo_world();
    let heron = ctx(&w, "Heron Logistics", "hana.heron@heron-logistics.example");
    for action in [
        Action::AddDomain {
            name: "kestrel-partners.example".into(),
        },
        Action::PublishDns {
            domain: "kestrel-partners.example".into(),
        },
        Action::VerifyDomain {
            name: "kestrel-partners.example".into(),
        },
        Action::Invite {
            email: "kai.kestrel@kestrel-partners.example".into(),
            role: tworg::model::OrgRole::Standard,
            accounts: vec![],
        },
        Action::AcceptInvite {
            email: "kai.kestrel@kestrel-partners.example".into(),
        },
        Action::TransferOrg {
            user: "kai.kestrel@kestrel-partners.example".into(),
        },
    ] {
        w.apply(&heron, &action)
            .unwrap_or_else(|e| panic!("{action:?}: {e}"));
    }
    let portal = w
        .accounts
        .values()
        .find(|a| a.name == "Kestrel Partner Portal")
        .unwrap();
    let link = portal.link.as_ref().unwrap();
    assert_eq!(link.org, heron.org);
    assert_eq!(link.state, tworg::model::LinkState::Managed);
    let adam = w
        .find_user("adam.admin@owl-industries.example")
        .unwrap()
        .sid
        .clone();
    assert!(
        !w.grants_on(&portal.sid).contains_key(&adam),
        "Owl's grant to Adam stayed with Owl"
    );
    assert!(w.check_invariants().is_ok());
}
