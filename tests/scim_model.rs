//! Twilio's SCIM rules in the model (SCIM-2, SCIM-3, SCIM-4, USR-2, USR-8), without HTTP.

use tworg::model::action::Setting;
use tworg::model::scim::{ScimUserData, is_uniqueness};
use tworg::model::{Action, ActionError, Actor, Ctx, MemberStatus, ScimEmail, Sid, World};
use tworg::persist;

const TOKEN: &str = "model-token-0123456789abcdef0123456789abcdef";

fn setup(org_name: &str) -> (World, Ctx) {
    let mut w = persist::demo_world();
    let org = w.find_org(org_name).unwrap().sid.clone();
    let owner = Ctx::new(org.clone(), w.owner_of_org(&org).unwrap().sid.clone());
    w.apply(
        &owner,
        &Action::ScimEnable {
            token: TOKEN.into(),
        },
    )
    .unwrap();
    (
        w,
        Ctx {
            org,
            actor: Actor::ScimToken,
        },
    )
}

fn data(email: &str) -> ScimUserData {
    ScimUserData {
        user_name: email.into(),
        display_name: Some("New Person".into()),
        given_name: Some("New".into()),
        family_name: Some("Person".into()),
        emails: vec![ScimEmail {
            value: email.into(),
            kind: Some("work".into()),
            primary: true,
        }],
        active: Some(true),
        ..ScimUserData::default()
    }
}

fn create(w: &mut World, ctx: &Ctx, d: ScimUserData) -> Result<Sid, ActionError> {
    let out = w.apply(ctx, &Action::ScimCreateUser { user: d })?;
    Ok(out.created.last().unwrap().1.clone())
}

fn replace(w: &mut World, ctx: &Ctx, sid: &Sid, d: ScimUserData) -> Result<(), ActionError> {
    w.apply(
        ctx,
        &Action::ScimReplaceUser {
            id: sid.to_string(),
            user: d,
            patch: false,
        },
    )
    .map(|_| ())
}

fn rule(e: ActionError) -> &'static str {
    e.rule().unwrap_or_else(|| panic!("not a refusal: {e}"))
}

#[test]
fn create_makes_a_standard_member_audited_as_the_token() {
    let (mut w, ctx) = setup("Owl Industries");
    let sid = create(&mut w, &ctx, data("new.person@owl-industries.example")).unwrap();
    let u = &w.users[&sid];
    assert_eq!(u.email, "new.person@owl-industries.example");
    assert_eq!(u.name, "New Person");
    let m = u.membership.as_ref().unwrap();
    assert_eq!(m.org, ctx.org);
    assert_eq!(m.status, MemberStatus::Active);
    let last = w.audit.last().unwrap();
    assert_eq!(last.actor, "scim-token");
    assert_eq!(last.action, "scim.create");
    w.check_invariants().unwrap();
}

#[test]
fn scim2_username_must_be_the_primary_email_on_a_verified_domain() {
    let (mut w, ctx) = setup("Owl Industries");
    // not an email
    let mut d = data("x@owl-industries.example");
    d.user_name = "not-an-email".into();
    assert_eq!(rule(create(&mut w, &ctx, d).unwrap_err()), "SCIM-2");
    // primary email differs from userName
    let mut d = data("a@owl-industries.example");
    d.emails[0].value = "b@owl-industries.example".into();
    assert_eq!(rule(create(&mut w, &ctx, d).unwrap_err()), "SCIM-2");
    // no email
    let mut d = data("a@owl-industries.example");
    d.emails.clear();
    assert_eq!(rule(create(&mut w, &ctx, d).unwrap_err()), "SCIM-2");
    // two emails, none primary
    let mut d = data("a@owl-industries.example");
    d.emails[0].primary = false;
    d.emails.push(ScimEmail {
        value: "a2@owl-industries.example".into(),
        kind: None,
        primary: false,
    });
    assert_eq!(rule(create(&mut w, &ctx, d).unwrap_err()), "SCIM-2");
    // unverified domain (owl-labs.example is unverified), and a domain the org never added
    for email in ["a@owl-labs.example", "a@elsewhere.example"] {
        let e = create(&mut w, &ctx, data(email)).unwrap_err();
        assert_eq!(rule(e.clone()), "SCIM-2");
        assert!(e.to_string().contains("not a verified domain"), "{e}");
    }
    // case-insensitive match of userName and email is fine
    let mut d = data("Case.Person@Owl-Industries.example");
    d.emails[0].value = "case.person@owl-industries.example".into();
    create(&mut w, &ctx, d).unwrap();
}

#[test]
fn scim2_rules_can_be_switched_off_for_conformance_suites() {
    let (mut w, ctx) = setup("Owl Industries");
    let owner = Ctx::new(
        ctx.org.clone(),
        w.owner_of_org(&ctx.org).unwrap().sid.clone(),
    );
    w.apply(&owner, &Action::Set(Setting::ScimTwilioRules(false)))
        .unwrap();
    let mut d = data("random@4f1c.example.com");
    d.user_name = "r4nd0m-user".into();
    let sid = create(&mut w, &ctx, d).unwrap();
    assert_eq!(w.users[&sid].email, "random@4f1c.example.com");
    assert_eq!(World::scim_user_name(&w.users[&sid]), "r4nd0m-user");
    // uniqueness still holds, case-insensitively
    let mut d = data("other@4f1c.example.com");
    d.user_name = "R4ND0M-USER".into();
    let e = create(&mut w, &ctx, d).unwrap_err();
    assert!(
        matches!(&e, ActionError::Refused(r) if is_uniqueness(r)),
        "{e}"
    );
    // a user still needs an email
    let mut d = data("x@y.example");
    d.user_name = "no-email".into();
    d.emails.clear();
    assert_eq!(rule(create(&mut w, &ctx, d).unwrap_err()), "SCIM-2");
}

#[test]
fn scim2_username_and_external_id_are_unique() {
    let (mut w, ctx) = setup("Owl Industries");
    let mut d = data("one@owl-industries.example");
    d.external_id = Some("ext-1".into());
    create(&mut w, &ctx, d).unwrap();
    // the same userName in other case
    let e = create(&mut w, &ctx, data("ONE@owl-industries.example")).unwrap_err();
    assert!(
        matches!(&e, ActionError::Refused(r) if is_uniqueness(r)),
        "{e}"
    );
    // an existing member created outside SCIM
    let e = create(&mut w, &ctx, data("sam.standard@owl-industries.example")).unwrap_err();
    assert!(
        matches!(&e, ActionError::Refused(r) if is_uniqueness(r)),
        "{e}"
    );
    // the same externalId
    let mut d = data("two@owl-industries.example");
    d.external_id = Some("ext-1".into());
    let e = create(&mut w, &ctx, d).unwrap_err();
    assert!(
        matches!(&e, ActionError::Refused(r) if is_uniqueness(r) && r.message.contains("externalId")),
        "{e}"
    );
}

#[test]
fn a_twilio_user_outside_every_org_joins_and_a_member_of_another_org_is_refused() {
    let (mut w, ctx) = setup("Owl Industries");
    // a Twilio user outside every org (added by the world, not by the SCIM token)
    let owner = w.owner_of_org(&ctx.org).unwrap().sid.clone();
    let out = w
        .apply(
            &tworg::model::Ctx::new(ctx.org.clone(), owner),
            &Action::AddWorldUser {
                email: "loner@owl-industries.example".into(),
                name: None,
            },
        )
        .unwrap();
    let loner = out.created[0].1.clone();
    let sid = create(&mut w, &ctx, data("loner@owl-industries.example")).unwrap();
    assert_eq!(sid, loner, "the existing Twilio user joins");
    assert_eq!(w.users.len(), persist::demo_world().users.len() + 1);
    // felix.finch@owl-industries.example owns Finch Analytics
    let e = create(&mut w, &ctx, data("felix.finch@owl-industries.example")).unwrap_err();
    assert_eq!(rule(e), "USR-2");
}

#[test]
fn scim3_active_false_deactivates_and_delete_removes_from_the_org_only() {
    let (mut w, ctx) = setup("Owl Industries");
    let sid = create(&mut w, &ctx, data("leaver@owl-industries.example")).unwrap();
    let mut d = data("leaver@owl-industries.example");
    d.active = Some(false);
    replace(&mut w, &ctx, &sid, d).unwrap();
    assert_eq!(
        w.users[&sid].membership.as_ref().unwrap().status,
        MemberStatus::Deactivated
    );
    w.apply(
        &ctx,
        &Action::ScimDeleteUser {
            id: sid.to_string(),
        },
    )
    .unwrap();
    let u = &w.users[&sid];
    assert!(u.membership.is_none(), "removed from the org");
    assert_eq!(
        u.email, "leaver@owl-industries.example",
        "the Twilio user remains"
    );
    assert_eq!(w.audit.last().unwrap().action, "scim.delete");
    // gone from SCIM
    assert!(matches!(
        w.apply(
            &ctx,
            &Action::ScimDeleteUser {
                id: sid.to_string()
            }
        ),
        Err(ActionError::NotFound(_))
    ));
    // and can be provisioned again: the Twilio user joins once more
    assert_eq!(
        create(&mut w, &ctx, data("leaver@owl-industries.example")).unwrap(),
        sid
    );
}

#[test]
fn scim4_the_owner_cannot_be_changed_deactivated_or_removed() {
    let (mut w, ctx) = setup("Owl Industries");
    let owner = w.owner_of_org(&ctx.org).unwrap().clone();
    let mut d = w.scim_view(&owner);
    // an identical PUT changes nothing and is fine
    replace(&mut w, &ctx, &owner.sid, d.clone()).unwrap();
    d.display_name = Some("Someone Else".into());
    assert_eq!(
        rule(replace(&mut w, &ctx, &owner.sid, d.clone()).unwrap_err()),
        "SCIM-4"
    );
    let mut d = w.scim_view(&owner);
    d.active = Some(false);
    assert_eq!(
        rule(replace(&mut w, &ctx, &owner.sid, d).unwrap_err()),
        "SCIM-4"
    );
    let e = w
        .apply(
            &ctx,
            &Action::ScimDeleteUser {
                id: owner.sid.to_string(),
            },
        )
        .unwrap_err();
    assert_eq!(rule(e), "SCIM-4");
    assert_eq!(w.owner_of_org(&ctx.org).unwrap(), &owner);
}

#[test]
fn scim4_a_deactivated_user_is_updated_only_by_reactivating() {
    let (mut w, ctx) = setup("Owl Industries");
    // dan.departed is deactivated in the demo world
    let dan = w
        .find_user("dan.departed@owl-industries.example")
        .unwrap()
        .clone();
    let mut d = w.scim_view(&dan);
    assert_eq!(d.active, Some(false));
    d.display_name = Some("Dan Returned".into());
    assert_eq!(
        rule(replace(&mut w, &ctx, &dan.sid, d.clone()).unwrap_err()),
        "SCIM-4"
    );
    d.active = Some(true);
    replace(&mut w, &ctx, &dan.sid, d).unwrap();
    let u = &w.users[&dan.sid];
    assert_eq!(u.membership.as_ref().unwrap().status, MemberStatus::Active);
    assert_eq!(u.name, "Dan Returned");
    assert!(w.audit.last().unwrap().detail.contains("reactivated"));
}

#[test]
fn usr8_a_user_who_owns_a_managed_account_cannot_be_deleted() {
    let (mut w, ctx) = setup("Owl Industries");
    let owner_of_account = w
        .members(&ctx.org)
        .find(|u| {
            u.membership.as_ref().unwrap().role != tworg::model::OrgRole::Owner
                && !w.managed_accounts_owned(&ctx.org, &u.sid).is_empty()
        })
        .expect("the demo world has a member owning a managed account")
        .sid
        .clone();
    let e = w
        .apply(
            &ctx,
            &Action::ScimDeleteUser {
                id: owner_of_account.to_string(),
            },
        )
        .unwrap_err();
    assert_eq!(rule(e), "USR-8");
}

#[test]
fn scim_needs_scim_enabled() {
    let (mut w, ctx) = setup("Owl Industries");
    let owner = Ctx::new(
        ctx.org.clone(),
        w.owner_of_org(&ctx.org).unwrap().sid.clone(),
    );
    w.apply(&owner, &Action::ScimDisable).unwrap();
    let e = create(&mut w, &ctx, data("x@owl-industries.example")).unwrap_err();
    assert_eq!(rule(e), "SCIM-1");
    assert!(!w.scim_token_matches(&ctx.org, TOKEN));
}

#[test]
fn lengths_are_checked() {
    let (mut w, ctx) = setup("Owl Industries");
    let mut d = data("long@owl-industries.example");
    d.display_name = Some("x".repeat(256));
    assert!(matches!(
        create(&mut w, &ctx, d),
        Err(ActionError::Invalid(_))
    ));
    let mut d = data("long@owl-industries.example");
    d.external_id = Some("e".repeat(256));
    assert!(matches!(
        create(&mut w, &ctx, d),
        Err(ActionError::Invalid(_))
    ));
}
