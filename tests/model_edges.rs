//! Edge cases of the model beyond one rule each: limits that arriving accounts must respect.

use tworg::model::action::Setting;
use tworg::model::{Action, Ctx, World};
use tworg::persist::demo_world;

fn ctx(w: &World, org: &str, email: &str) -> Ctx {
    Ctx::new(
        w.find_org(org).unwrap().sid.clone(),
        w.find_user(email).unwrap().sid.clone(),
    )
}

fn sid_of(w: &World, name: &str) -> String {
    w.accounts
        .values()
        .find(|a| a.name == name)
        .unwrap()
        .sid
        .to_string()
}

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
