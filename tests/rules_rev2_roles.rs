//! Rules of revision 2 about identifiers and roles: ID-1's new prefixes and the role catalogue.

mod fixture;

use fixture::*;
use tworg::model::roles;
use tworg::model::*;

#[test]
fn rule_id_1_rev2_role_assignment_and_credential_prefixes_are_sids() {
    for (prefix, kind) in [
        ("IX", SidKind::Role),
        ("IY", SidKind::RoleAssignment),
        ("OQ", SidKind::OAuthClient),
        ("SK", SidKind::ApiKey),
    ] {
        let sid = Sid::parse_any(&format!("{}{}", prefix.to_lowercase(), "A".repeat(32)))
            .expect("a well-formed SID of a rev-2 prefix");
        assert_eq!(sid.kind(), Some(kind));
        assert_eq!(sid.as_str(), format!("{prefix}{}", "a".repeat(32)));
    }
    // Any other prefix is still refused.
    let refusal = Sid::parse_any(&format!("ZZ{}", "0".repeat(32))).unwrap_err();
    assert_eq!(refusal.rule, "ID-1");
    // Importing by a role SID names the kind that was expected.
    let mut w = demo();
    let ctx = ctx_as(&w, OLIVIA);
    let general = roles::general(AccountRole::Administrator).sid.to_string();
    refused_with(&mut w, &ctx, Action::ImportAccount { sid: general }, "ID-1");
}

fn assign(user: &str, role: &str, scope: String) -> Action {
    Action::AssignRole {
        user: user.into(),
        role: role.into(),
        scope,
    }
}

fn home(w: &World) -> String {
    org_sid(w, OWL).to_string()
}

#[test]
fn rule_rbac_1_every_grant_is_an_assignment_never_made_twice() {
    let mut w = demo();
    let olivia = ctx_as(&w, OLIVIA);
    let owl = home(&w);
    // The demo's grants are assignments with the documented general role SIDs.
    let prod = account(&w, "Owl Production").sid.clone();
    let sara = user_sid(&w, SARA);
    let held: Vec<&str> = w
        .role_assignments
        .of_identity(&sara)
        .map(|a| a.role.as_str())
        .collect();
    assert!(
        held.contains(&"IX00000000000000000000000000000103"),
        "{held:?}"
    );
    assert!(
        held.contains(&"IX00000000000000000000000000000104"),
        "{held:?}"
    );
    // A built-in role at organization scope: a new IY assignment.
    let out = apply_ok(&mut w, &olivia, assign(SAM, "Studio Admin", owl.clone()));
    let iy = created(&out, SidKind::RoleAssignment);
    assert_eq!(iy.kind(), Some(SidKind::RoleAssignment));
    // The same (identity, role, scope) again is refused, whether by name or by SID.
    let studio = roles::find("Studio Admin").unwrap().sid.to_string();
    refused_with(&mut w, &olivia, assign(SAM, &studio, owl.clone()), "RBAC-1");
    refused_with(
        &mut w,
        &olivia,
        assign(SARA, "developer", prod.to_string()),
        "RBAC-1",
    );
    // Changing a grant deletes and creates: Sara's Developer assignment is replaced, never edited.
    let dev_before = w
        .role_assignments
        .find(&sara, &roles::general(AccountRole::Developer).sid, &prod)
        .unwrap()
        .sid
        .clone();
    apply_ok(
        &mut w,
        &olivia,
        Action::GrantAccess {
            sid: prod.to_string(),
            user: SARA.into(),
            roles: vec![AccountRole::Administrator],
        },
    );
    assert!(!w.role_assignments.contains(&dev_before));
    assert_eq!(
        w.general_roles(&sara, &prod),
        [AccountRole::Administrator].into()
    );
    // Unassigning removes exactly one.
    apply_ok(
        &mut w,
        &olivia,
        Action::UnassignRole {
            sid: iy.to_string(),
        },
    );
    assert!(!w.role_assignments.contains(&iy));
}

#[test]
fn rule_rbac_2_scopes_and_the_50_role_cap() {
    let mut w = demo();
    let olivia = ctx_as(&w, OLIVIA);
    let owl = home(&w);
    let eu = acc(&w, "Owl Prod EU");
    // A general role on a subaccount is refused; its fix assigns it on the main account.
    let r = refused_with(
        &mut w,
        &olivia,
        assign(SAM, "Developer", eu.clone()),
        "RBAC-2",
    );
    assert_eq!(r.fixes.len(), 1);
    apply_ok(&mut w, &olivia, r.fixes[0].action.clone());
    let prod = account(&w, "Owl Production").sid.clone();
    assert!(
        w.general_roles(&user_sid(&w, SAM), &prod)
            .contains(&AccountRole::Developer)
    );
    // A built-in role may go down to a subaccount.
    apply_ok(&mut w, &olivia, assign(SAM, "Studio Viewer", eu.clone()));
    // At most 50 built-in roles per user, across scopes.
    let built_in: Vec<String> = roles::catalogue()
        .iter()
        .filter(|r| r.kind == roles::RoleKind::BuiltIn)
        .map(|r| r.sid.to_string())
        .collect();
    let scopes = [
        owl.clone(),
        acc(&w, "Owl Production"),
        acc(&w, "Owl Staging"),
    ];
    let mut held = 1; // Studio Viewer on Owl Prod EU
    'fill: for scope in &scopes {
        for role in &built_in {
            if held == 50 {
                break 'fill;
            }
            apply_ok(&mut w, &olivia, assign(SARA, role, scope.clone()));
            held += 1;
        }
    }
    // Sara holds 49; Sam one: give Sara the 50th, then the 51st is refused.
    apply_ok(&mut w, &olivia, assign(SARA, "Studio Viewer", eu.clone()));
    let next = built_in
        .iter()
        .find(|r| {
            w.role_assignments
                .find(
                    &user_sid(&w, SARA),
                    &Sid::parse_any(r).unwrap(),
                    &Sid::parse_any(&eu).unwrap(),
                )
                .is_none()
        })
        .unwrap()
        .clone();
    refused_with(&mut w, &olivia, assign(SARA, &next, eu), "RBAC-2");
}

#[test]
fn rule_rbac_3_account_roles_permit_what_the_matrix_says() {
    let mut w = demo();
    let olivia = ctx_as(&w, OLIVIA);
    let sara = ctx_as(&w, SARA);
    let center = acc(&w, "Owl Contact Center");
    let rename = |sid: &str, name: &str| Action::RenameAccount {
        sid: sid.into(),
        name: name.into(),
    };
    // Sara holds no role on Adam's Owl Contact Center: someone else's account (ORG-3).
    refused_with(&mut w, &sara, rename(&center, "CC"), "ORG-3");
    // Sam holds Support there: it only reads, and the refusal names the role that would permit.
    let sam = ctx_as(&w, SAM);
    let r = refused_with(&mut w, &sam, rename(&center, "CC"), "RBAC-3");
    assert!(r.hint.contains("Administrator"), "{}", r.hint);
    // Made the account's Administrator, Sara renames it and grants on it.
    apply_ok(
        &mut w,
        &olivia,
        Action::GrantAccess {
            sid: center.clone(),
            user: SARA.into(),
            roles: vec![AccountRole::Administrator],
        },
    );
    apply_ok(&mut w, &sara, rename(&center, "Owl Contact Centre"));
    apply_ok(
        &mut w,
        &sara,
        Action::GrantAccess {
            sid: center.clone(),
            user: AVA.into(),
            roles: vec![AccountRole::Support],
        },
    );
    // ...but does not close it: closing is the owner's.
    refused_with(
        &mut w,
        &sara,
        Action::CloseAccount {
            sid: center.clone(),
            confirm_name: "Owl Contact Centre".into(),
        },
        "RBAC-3",
    );
    // Sara is Developer + Billing Manager on Owl Production: subaccounts yes, rename no.
    let prod = acc(&w, "Owl Production");
    apply_ok(
        &mut w,
        &sara,
        Action::CreateSubaccount {
            parent: prod.clone(),
            name: Some("Sara's sandbox".into()),
        },
    );
    refused_with(&mut w, &sara, rename(&prod, "Prod"), "RBAC-3");
    // A Billing Manager upgrades.
    let staging = acc(&w, "Owl Staging");
    apply_ok(
        &mut w,
        &olivia,
        Action::GrantAccess {
            sid: staging.clone(),
            user: SARA.into(),
            roles: vec![AccountRole::BillingManager],
        },
    );
    apply_ok(&mut w, &sara, Action::UpgradeAccount { sid: staging });
}

#[test]
fn rule_rbac_4_built_in_roles_for_members_and_leaving_drops_assignments() {
    let mut w = demo();
    let olivia = ctx_as(&w, OLIVIA);
    let owl = home(&w);
    let staging = acc(&w, "Owl Staging");
    // Eve is an external collaborator: a general role yes (she has Developer), a built-in no.
    refused_with(
        &mut w,
        &olivia,
        assign(EVE, "Studio Admin", staging.clone()),
        "RBAC-4",
    );
    // Sam leaves the org: every assignment he held there goes.
    apply_ok(&mut w, &olivia, assign(SAM, "Studio Admin", owl.clone()));
    apply_ok(
        &mut w,
        &olivia,
        Action::TransferAccount {
            sid: staging,
            user: OLIVIA.into(),
        },
    );
    let sam = user_sid(&w, SAM);
    assert!(w.role_assignments.of_identity(&sam).count() >= 2);
    apply_ok(
        &mut w,
        &olivia,
        Action::RemoveUser {
            user: SAM.into(),
            confirm_lockout: false,
        },
    );
    assert_eq!(w.role_assignments.of_identity(&sam).count(), 0);
}

#[test]
fn rule_rbac_5_the_role_must_exist_and_the_scope_be_in_the_org() {
    let mut w = demo();
    let olivia = ctx_as(&w, OLIVIA);
    let owl = home(&w);
    refused_with(
        &mut w,
        &olivia,
        assign(SAM, "Chief Llama", owl.clone()),
        "RBAC-5",
    );
    refused_with(
        &mut w,
        &olivia,
        assign(SAM, &format!("IX{}", "f".repeat(32)), owl.clone()),
        "RBAC-5",
    );
    let heron = org_sid(&w, HERON).to_string();
    refused_with(
        &mut w,
        &olivia,
        assign(SAM, "Studio Admin", heron),
        "RBAC-5",
    );
    let legacy = acc(&w, "Owl Legacy Billing");
    refused_with(
        &mut w,
        &olivia,
        assign(SAM, "Studio Admin", legacy),
        "RBAC-5",
    );
    apply_ok(&mut w, &olivia, assign(SAM, "Studio Admin", owl.clone()));
}

#[test]
fn rule_rbac_1_files_from_before_keep_every_grant_as_an_assignment() {
    let v1 = include_str!("fixtures/demo-v1.ron");
    assert!(v1.contains("version: 1,") && v1.contains("access: {"));
    let w = tworg::persist::from_ron(v1, "demo-v1.ron").expect("a version 1 file loads");
    assert_eq!(w.version, WORLD_VERSION);
    let grant = |name: &str, user: &str| {
        w.grants_on(&account(&w, name).sid)
            .get(&user_sid(&w, user))
            .cloned()
            .unwrap_or_default()
    };
    assert_eq!(
        grant("Owl Production", SARA),
        [AccountRole::Developer, AccountRole::BillingManager].into()
    );
    assert_eq!(
        grant("Owl Contact Center", SAM),
        [AccountRole::Support].into()
    );
    assert_eq!(grant("Owl Staging", EVE), [AccountRole::Developer].into());
    assert_eq!(
        grant("Kestrel Partner Portal", ADAM),
        [AccountRole::Developer].into()
    );
    assert!(w.accounts.values().all(|a| a.legacy_access.is_empty()));
    // Saved again, it is a current file with the assignments and no per-account access.
    let again = tworg::persist::to_ron(&w);
    assert!(again.contains(&format!("version: {WORLD_VERSION},")));
    assert!(again.contains("role_assignments: ["));
    assert!(!again.contains("access: {"));
    assert_eq!(tworg::persist::from_ron(&again, "again.ron").unwrap(), w);
}

/// The CLI faces of RBAC: the catalogue, assigning, listing (RBAC-5) and effective access.
#[test]
fn rule_rbac_5_the_cli_lists_assignments_only_by_identity_or_scope() {
    let file = demo_file();
    let tworg = |args: &[&str]| tworg_cli(&file.path, args);
    let list = tworg(&["--json", "role", "list"]);
    let roles: serde_json::Value = serde_json::from_slice(&list.stdout).unwrap();
    assert_eq!(roles[0]["sid"], "IX00000000000000000000000000000102");
    assert_eq!(roles[0]["name"], "Administrator");
    let refused = tworg(&["show", "role-assignments"]);
    assert_eq!(refused.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&refused.stderr).starts_with("refused [RBAC-5]"));
    let w = demo();
    let owl = org_sid(&w, OWL).to_string();
    let out = tworg(&["role", "assign", SAM, "Studio Admin", "--scope", &owl]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let line = String::from_utf8_lossy(&out.stdout);
    assert!(line.starts_with("role-assignment IY"), "{line}");
    let listed = tworg(&["--json", "show", "role-assignments", "--user", SAM]);
    let rows: serde_json::Value = serde_json::from_slice(&listed.stdout).unwrap();
    let names: Vec<&str> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["role_name"].as_str().unwrap())
        .collect();
    assert!(
        names.contains(&"Studio Admin") && names.contains(&"Support"),
        "{names:?}"
    );
    let access = tworg(&["--json", "access", SAM]);
    let paths: serde_json::Value = serde_json::from_slice(&access.stdout).unwrap();
    assert!(
        paths
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["name"] == "Owl Staging" && p["through"] == "account owner"),
        "{paths}"
    );
}

/// ACC-8 holds for built-in roles too: nobody assigns a role on a closed account (a general
/// role there was already refused); an open one is assigned.
#[test]
fn rule_acc_8_no_built_in_role_is_assigned_on_a_closed_account() {
    let mut w = demo();
    let olivia = ctx_as(&w, OLIVIA);
    let staging = acc(&w, "Owl Staging");
    apply_ok(
        &mut w,
        &olivia,
        assign(ADAM, "Studio Viewer", staging.clone()),
    );
    let center = acc(&w, "Owl Contact Center");
    apply_ok(
        &mut w,
        &olivia,
        Action::CloseAccount {
            sid: center.clone(),
            confirm_name: "Owl Contact Center".into(),
        },
    );
    let r = refused_with(
        &mut w,
        &olivia,
        assign(ADAM, "Studio Viewer", center),
        "ACC-8",
    );
    assert!(r.message.contains("assign roles on"), "{}", r.message);
}

/// RBAC-4: a deactivated member is reactivated (the fix), not invited again (USR-2 refuses that).
#[test]
fn rule_rbac_4_a_deactivated_member_is_reactivated_first() {
    let mut w = demo();
    let olivia = ctx_as(&w, OLIVIA);
    let owl = home(&w);
    let r = refused_with(
        &mut w,
        &olivia,
        assign(DAN, "Studio Viewer", owl.clone()),
        "RBAC-4",
    );
    assert_eq!(r.fixes.len(), 1);
    apply_ok(&mut w, &olivia, r.fixes[0].action.clone());
    apply_ok(&mut w, &olivia, assign(DAN, "Studio Viewer", owl));
}

/// ACC-8 is said before who may act: a Standard user asking for a change to a closed account
/// hears that nobody can make it, not a fix "as the Owner" that ACC-8 would refuse.
#[test]
fn rule_acc_8_a_closed_account_is_named_before_who_may_change_it() {
    let mut w = demo();
    let olivia = ctx_as(&w, OLIVIA);
    let staging = acc(&w, "Owl Staging");
    apply_ok(
        &mut w,
        &olivia,
        Action::CloseAccount {
            sid: staging.clone(),
            confirm_name: "Owl Staging".into(),
        },
    );
    let sam = ctx_as(&w, SAM);
    let r = refused_with(
        &mut w,
        &sam,
        Action::SetHipaa {
            sid: staging,
            on: true,
        },
        "ACC-8",
    );
    assert!(r.fixes.is_empty());
}

/// RBAC-3's refusal on a subaccount speaks of that subaccount ("suspend, resume or close it"),
/// not of "subaccounts of it", which it has none of.
#[test]
fn rule_rbac_3_a_refusal_on_a_subaccount_names_it_plainly() {
    let mut w = demo();
    let sara = ctx_as(&w, SARA);
    let us = acc(&w, "Owl Prod US");
    let r = refused_with(&mut w, &sara, Action::SuspendAccount { sid: us }, "RBAC-3");
    assert!(
        r.message.contains("suspend, resume or close it"),
        "{}",
        r.message
    );
    assert!(!r.message.contains("subaccounts of"), "{}", r.message);
}
