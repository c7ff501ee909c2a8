//! Role assignments in the console (RBAC-1..5), driven by keys: the assign form (scope, then
//! only the roles assignable there), its refusals (the model unchanged, the form open with what
//! was chosen), unassigning with a confirmation that says what would be lost, the Users filter
//! on role and scope names, and the user and account details. Screens are insta snapshots.

use tworg::console::modal::Modal;
use tworg::model::Sid;
use tworg::model::roles::{self, RoleKind};

const SARA: &str = "sara.standard@owl-industries.example";
const SAM: &str = "sam.standard@owl-industries.example";
const EVE: &str = "eve.external@kestrel-partners.example";

mod console_harness;
use console_harness::Harness as H;

impl H {
    fn user(&self, email: &str) -> Sid {
        self.w(|w| w.user_by_email(email).unwrap().sid.clone())
    }
    fn scope(&self, name: &str) -> Sid {
        self.w(|w| {
            if w.org_name(&self.app.ctx.org) == name {
                return self.app.ctx.org.clone();
            }
            w.accounts
                .values()
                .find(|a| a.name == name)
                .unwrap()
                .sid
                .clone()
        })
    }
    /// The role names `email` holds at the scope named `scope`.
    fn held(&self, email: &str, scope: &str) -> Vec<String> {
        let (u, s) = (self.user(email), self.scope(scope));
        self.w(|w| {
            w.role_names_at(&u, &s)
                .into_iter()
                .map(String::from)
                .collect()
        })
    }
    /// The open form's field `i`: (chosen label, value, every choice's label).
    fn field(&self, i: usize) -> (String, String, Vec<String>) {
        let Some(Modal::Form(f)) = self.app.modals.last() else {
            panic!("no form open:\n{}", self.screen())
        };
        let field = &f.fields[i];
        let choices = field.choices.clone().unwrap_or_default();
        (
            choices
                .get(field.choice)
                .map(|c| c.0.clone())
                .unwrap_or_default(),
            field.value().to_string(),
            choices.into_iter().map(|c| c.0).collect(),
        )
    }
    /// Selects the user row matching `text` in the Users tab.
    fn select_user(&mut self, text: &str) -> &mut H {
        self.keys(&format!("3 / \"{text}\" enter"))
    }
    /// The refusal must leave the world as it was and keep the modal open, showing the rule.
    fn refused_in_modal(&mut self, keys: &str, rule: &str) {
        let before = self.world();
        self.keys(keys);
        let p = self.top_problem().expect("a problem inside the modal");
        assert!(p.contains(&format!("[{rule}]")), "{p}");
        assert_eq!(self.world(), before, "a refusal changes nothing");
        assert!(
            self.screen().contains(&format!("refused [{rule}]")),
            "{}",
            self.screen()
        );
    }
}

fn general_names() -> Vec<String> {
    roles::catalogue()
        .iter()
        .filter(|r| r.kind == RoleKind::General)
        .map(|r| r.name.clone())
        .collect()
}

/// Whether a choice label is one of the general roles.
fn is_general(label: &str) -> bool {
    general_names()
        .iter()
        .any(|n| label.starts_with(&format!("{n} (general role)")))
}

// ---- the assign form ----

#[test]
fn the_role_choices_follow_the_scope() {
    let mut h = H::new();
    h.select_user("sara").keys("+");
    // The organization first: built-in roles only (RBAC-2).
    let (scope, _, scopes) = h.field(0);
    assert_eq!(scope, "Owl Industries (organization)");
    assert_eq!(
        scopes,
        [
            "Owl Industries (organization)",
            "Owl Production (account)",
            "Owl Prod US (subaccount of Owl Production)",
            "Owl Prod EU (subaccount of Owl Production)",
            "Owl Contact Center (account)",
            "Owl Staging (account)",
        ],
        "the org, then each managed main account followed by its subaccounts; no independent or pending account"
    );
    let (_, _, at_org) = h.field(1);
    assert!(!at_org.iter().any(|l| is_general(l)), "{at_org:?}");
    assert_eq!(
        at_org.len(),
        roles::catalogue()
            .iter()
            .filter(|r| r.kind == RoleKind::BuiltIn)
            .count()
    );
    // A main account offers the general roles too; a subaccount does not.
    h.keys("right");
    let (_, _, at_account) = h.field(1);
    assert!(at_account.iter().any(|l| is_general(l)), "{at_account:?}");
    assert_eq!(at_account.len(), roles::catalogue().len());
    h.keys("right");
    let (scope, _, at_sub) = h.field(1);
    assert!(!at_sub.iter().any(|l| is_general(l)), "{scope}: {at_sub:?}");
    // Each choice is asked of the catalogue: the role is assignable at that level.
    for label in at_sub {
        let name = label.rsplit_once(" (").unwrap().0;
        let r = roles::find(name).unwrap();
        assert!(r.assignable_at(roles::ScopeLevel::Subaccount), "{name}");
    }
}

#[test]
fn typing_finds_a_choice_and_the_chosen_role_is_kept_when_still_offered() {
    let mut h = H::new();
    h.select_user("sara").keys("+ \"staging\"");
    assert_eq!(h.field(0).0, "Owl Staging (account)");
    assert!(h.screen().contains("find: staging"), "{}", h.screen());
    // Backspace takes a letter back; ←/→ clears what was typed.
    h.keys("backspace");
    assert!(h.screen().contains("find: stagin"));
    h.keys("tab \"numbers configuration editor\"");
    let (role, value, _) = h.field(1);
    assert!(role.starts_with("Numbers Configuration Editor"), "{role}");
    assert!(
        h.screen().contains("assignable down to"),
        "the description of the chosen role is shown:\n{}",
        h.screen()
    );
    // Back to the organization: the built-in role is still offered there, and still chosen.
    h.keys("shift-tab \"owl industries\"");
    assert_eq!(h.field(0).0, "Owl Industries (organization)");
    assert_eq!(h.field(1).1, value);
    // Text that matches nothing is not taken.
    h.keys("\"zzz\"");
    assert_eq!(h.field(0).0, "Owl Industries (organization)");
}

#[test]
fn assigning_a_built_in_role_at_a_subaccount() {
    let mut h = H::new();
    h.select_user("sam.standard")
        .keys("+ \"prod eu\" tab \"studio admin\" enter");
    assert!(h.app.modals.is_empty(), "{:?}", h.top_problem());
    assert_eq!(h.held(SAM, "Owl Prod EU"), ["Studio Admin"]);
    assert!(
        h.status().contains("assigned Studio Admin to sam.standard"),
        "{}",
        h.status()
    );
    // The new IY is in the detail, under its scope.
    let iy = h.w(|w| {
        w.role_assignments
            .of_identity(&w.user_by_email(SAM).unwrap().sid)
            .find(|a| roles::find_by_sid(&a.role).unwrap().name == "Studio Admin")
            .unwrap()
            .sid
            .to_string()
    });
    h.keys("enter");
    let s = h.screen();
    assert!(
        s.contains("Subaccount · Owl Prod EU (of Owl Production)"),
        "{s}"
    );
    assert!(s.contains(&format!("Studio Admin  {iy}")), "{s}");
    // u undoes it like any change.
    h.keys("esc u");
    assert!(h.held(SAM, "Owl Prod EU").is_empty());
}

#[test]
fn a_general_role_on_a_main_account_is_a_grant() {
    let mut h = H::new();
    h.select_user("sam.standard")
        .keys("+ \"production\" tab \"developer\" enter");
    assert!(h.app.modals.is_empty(), "{:?}", h.top_problem());
    assert_eq!(h.held(SAM, "Owl Production"), ["Developer"]);
}

#[test]
fn refusals_show_their_rule_and_keep_the_form() {
    let mut h = H::new();
    // ORG-3: a Standard user cannot manage access to someone else's account.
    h.keys("A \"sara.standard\" enter")
        .select_user("sara")
        .keys("+ \"contact\" tab \"administrator\"");
    h.refused_in_modal("enter", "ORG-3");
    assert!(
        h.top_problem().unwrap().contains("Administrator role"),
        "the hint names the role that would permit it"
    );
    assert_eq!(
        h.field(0).0,
        "Owl Contact Center (account)",
        "what was chosen is kept"
    );
    // ORG-3: organization roles are assigned by the Owner and Administrators.
    h.keys("shift-tab \"owl industries\"");
    h.refused_in_modal("enter", "ORG-3");
    // RBAC-4: built-in roles are for managed members, not external collaborators.
    h.keys("esc A \"olivia\" enter")
        .select_user("eve.external")
        .keys("+ \"staging\" tab \"studio admin\"");
    h.refused_in_modal("enter", "RBAC-4");
    // RBAC-1: the same assignment twice.
    h.keys("esc")
        .select_user("sara")
        .keys("+ \"production\" tab \"billing manager\"");
    h.refused_in_modal("enter", "RBAC-1");
    assert!(
        h.held(EVE, "Owl Staging")
            .contains(&"Developer".to_string())
    );
}

#[test]
fn invitations_and_requests_have_no_assignments_to_change() {
    let mut h = H::new();
    h.select_user("paula").keys("+");
    assert!(h.app.modals.is_empty());
    assert!(
        h.status().contains("select a member first"),
        "{}",
        h.status()
    );
    h.keys("esc").select_user("mia").keys("-");
    assert!(h.app.modals.is_empty());
    assert!(
        h.status().contains("select a member first"),
        "{}",
        h.status()
    );
    h.keys("esc").select_user("ava.admin").keys("-");
    assert!(h.app.modals.is_empty());
    assert!(
        h.status().contains("holds no role assignment"),
        "{}",
        h.status()
    );
}

// ---- unassigning ----

#[test]
fn unassign_asks_first_and_says_what_would_be_lost() {
    let mut h = H::new();
    h.select_user("sara").keys("-");
    let s = h.screen();
    assert!(s.contains("Unassign a role from sara.standard"), "{s}");
    assert!(
        s.contains("Billing Manager · Account · Owl Production · IY"),
        "{s}"
    );
    h.keys("\"billing\" enter");
    let s = h.screen();
    assert!(
        s.contains("Delete the assignment of Billing Manager"),
        "{s}"
    );
    // Billing Manager is what lets her upgrade; Developer stays.
    assert!(
        s.contains("Owl Production: may no longer upgrade it"),
        "{s}"
    );
    assert!(
        s.contains("may still see it; create subaccounts under it; manage API credentials of it"),
        "{s}"
    );
    assert!(s.contains("Owl Prod EU: may no longer upgrade it"), "{s}");
    let before = h.world();
    h.keys("n");
    assert_eq!(h.world(), before, "no changes nothing");
    assert!(h.app.modals.is_empty());
    h.keys("- \"billing\" enter y");
    assert_eq!(h.held(SARA, "Owl Production"), ["Developer"]);
    assert!(
        h.status().contains("unassigned Billing Manager"),
        "{}",
        h.status()
    );
    // The last one: she loses Owl Production and its subaccounts altogether.
    h.keys("-");
    h.keys("enter");
    assert!(
        h.screen().contains("Owl Production: loses all access"),
        "{}",
        h.screen()
    );
    h.keys("y");
    assert!(h.held(SARA, "Owl Production").is_empty());
}

#[test]
fn unassign_refused_keeps_the_confirmation() {
    let mut h = H::new();
    // Sara holds Billing Manager and Developer on Owl Production: neither manages its users.
    h.keys("A \"sara.standard\" enter")
        .select_user("sara")
        .keys("- \"billing\" enter");
    h.refused_in_modal("y", "RBAC-3");
    assert!(
        h.top_problem().unwrap().contains("Administrator role"),
        "{:?}",
        h.top_problem()
    );
}

// ---- the Users filter ----

#[test]
fn the_users_filter_matches_role_and_scope_names() {
    let mut h = H::new();
    let shown = |h: &H| -> Vec<String> {
        (0..h.app.cache.users.len())
            .filter_map(|i| h.app.cache.users.get(i).cloned())
            .map(|r| match r {
                tworg::console::view::UserRow::Member(s)
                | tworg::console::view::UserRow::External(s) => h.w(|w| w.email_of(&s)),
                other => format!("{other:?}"),
            })
            .collect()
    };
    h.keys("3 / \"billing manager\" enter");
    assert_eq!(shown(&h), [SARA]);
    h.keys("/ \"owl contact center\" enter");
    // Sam holds Support on it; Adam owns it (ownership is no role assignment).
    assert_eq!(shown(&h), [SAM]);
    h.keys("/ \"owl staging\" enter");
    assert_eq!(shown(&h), [EVE]);
    h.keys("esc")
        .select_user("sam.standard")
        .keys("+ \"prod eu\" tab \"studio admin\" enter esc");
    h.keys("/ \"studio admin\" enter");
    assert_eq!(shown(&h), [SAM]);
    h.keys("/ \"prod eu\" enter");
    assert_eq!(shown(&h), [SAM]);
}

// ---- details ----

#[test]
fn the_user_detail_groups_assignments_by_scope_with_effective_access() {
    let mut h = H::new();
    h.select_user("sara").keys("enter");
    let s = h.screen();
    for want in [
        "Role assignments (2; + assigns, - unassigns):",
        "  Account · Owl Production",
        "    Developer  IY",
        "    Billing Manager  IY",
        "Effective access (RBAC-3):",
        "  Owl Production: may see it; create subaccounts under it; upgrade it;",
        "through Developer, assigned on the parent Owl Production",
    ] {
        assert!(s.contains(want), "missing {want:?}:\n{s}");
    }
    insta::assert_snapshot!("user_detail_roles_100x30", s);
}

#[test]
fn the_account_detail_says_who_holds_roles_and_who_can() {
    let mut h = H::new();
    h.keys("/ \"Prod EU\" enter enter");
    let s = h.screen();
    for want in [
        "Roles on it:",
        "sara.standard@owl-industries.example — Billing Manager on the parent, Developer on the parent",
        "Who can (RBAC-3):",
        "  rename: org Owner and 2 Administrators",
    ] {
        assert!(s.contains(want), "missing {want:?}:\n{s}");
    }
    h.keys("esc / \"Staging\" enter enter");
    let s = h.screen();
    assert!(
        s.contains("eve.external@kestrel-partners.example — Developer"),
        "{s}"
    );
    assert!(
        s.contains("rename: org Owner and 2 Administrators, sam.standard@owl-industries.example (account owner)"),
        "{s}"
    );
    // The external collaborator's Developer role lets her create subaccounts, not rename.
    assert!(
        s.contains("owner), eve.external@kestrel-partners.example (Developer)"),
        "{s}"
    );
    insta::assert_snapshot!("account_detail_roles_100x30", s);
    // After a change the answer is asked again, not kept from before.
    h.keys("esc")
        .select_user("sara")
        .keys("+ \"staging\" tab \"administrator\" enter esc 1 enter");
    assert!(
        h.screen()
            .contains("sara.standard@owl-industries.example (Administrator)"),
        "{}",
        h.screen()
    );
    // A built-in role at organization scope reaches every managed account.
    h.keys("esc")
        .select_user("sam.standard")
        .keys("+ tab \"studio admin\" enter 1 / \"Owl Production\" enter enter");
    assert!(
        h.screen()
            .contains("sam.standard@owl-industries.example — Studio Admin at organization scope"),
        "{}",
        h.screen()
    );
}

#[test]
fn a_long_detail_scrolls_with_j_and_k() {
    let mut h = H::new();
    // The detail pane under the list is short: Sara's does not fit.
    h.select_user("sara");
    assert!(h.screen().contains("J/K scroll"), "{}", h.screen());
    let top = h.screen();
    h.keys("J J J");
    assert_eq!(h.app.detail_scroll, 3);
    assert_ne!(h.screen(), top);
    h.keys("K K K K");
    assert_eq!(h.app.detail_scroll, 0);
    assert_eq!(h.screen(), top);
    // Another row starts at its top.
    h.keys("J J esc j");
    assert_eq!(h.app.detail_scroll, 0);
}

// ---- screens ----

#[test]
fn form_and_confirmation_screens() {
    let mut h = H::new();
    h.select_user("sara")
        .keys("+ \"production\" tab \"administrator\"");
    insta::assert_snapshot!("form_assign_role_100x30", h.screen());
    h.keys("esc - \"developer\" enter");
    insta::assert_snapshot!("confirm_unassign_100x30", h.screen());
}
