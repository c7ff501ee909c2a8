//! Key-driven tests of the console without a terminal: every action of the CLI, done with keys,
//! and refusals (the model unchanged, the modal still open with what was typed).

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use tworg::console::app::{App, StatusKind, Tab};
use tworg::console::modal::Modal;
use tworg::model::{AccountKind, AccountStatus, AccountType, DomainStatus, MemberStatus, OrgRole};

const TOKEN: &str = "tworg_test_token_0123456789abcdef0123456789abcdef";

mod console_harness;
use console_harness::Harness as H;

/// The demo console, with SCIM tokens that are always this one.
fn demo(w: u16, h: u16) -> H {
    H::with_app(App::demo().with_token_source(|| TOKEN.to_string()), w, h)
}

impl H {
    fn sid(&self, name: &str) -> String {
        self.w(|w| {
            w.accounts
                .values()
                .find(|a| a.name == name)
                .unwrap()
                .sid
                .to_string()
        })
    }
    fn account(&self, name: &str) -> tworg::model::Account {
        self.w(|w| {
            w.accounts
                .values()
                .find(|a| a.name == name)
                .cloned()
                .unwrap()
        })
    }
    fn kind(&self, name: &str) -> Option<AccountKind> {
        let a = self.account(name);
        self.w(|w| w.kind_in(&a, &self.app.ctx.org))
    }
    fn member(&self, email: &str) -> Option<tworg::model::Membership> {
        self.w(|w| w.user_by_email(email).and_then(|u| u.membership.clone()))
    }
    /// Selects the account row with this name (filter, keep, then clears nothing).
    fn select(&mut self, text: &str) -> &mut H {
        self.keys(&format!("/ \"{text}\" enter"))
    }
    /// A row key the model refuses on the selected row: no dialog opens, the status shows
    /// the refusal at once, nothing changes.
    fn refused_at_once(&mut self, keys: &str, rule: &str) -> &mut H {
        let before = self.world();
        self.keys(keys);
        assert!(
            self.app.modals.is_empty(),
            "a dialog opened:\n{}",
            self.screen()
        );
        let st = self.app.status.clone().expect("a status");
        assert_eq!(st.kind, StatusKind::Unavailable);
        assert!(st.text.contains(&format!("[{rule}]")), "{}", st.text);
        assert_eq!(self.world(), before, "a refusal changes nothing");
        self
    }
    /// The refusal must leave the world exactly as it was and keep the modal open.
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

fn backspaces(n: usize) -> String {
    vec!["backspace"; n].join(" ")
}

// ---- frame, navigation, conventions ----

#[test]
fn tabs_switch_with_tab_shift_tab_and_digits() {
    let mut h = demo(100, 30);
    h.keys("tab");
    assert_eq!(h.app.tab, Tab::Domains);
    h.keys("shift-tab shift-tab");
    assert_eq!(h.app.tab, Tab::Settings);
    h.keys("3");
    assert_eq!(h.app.tab, Tab::Users);
    h.keys("1");
    assert_eq!(h.app.tab, Tab::Accounts);
}

#[test]
fn navigation_keys_move_the_selection() {
    let mut h = demo(100, 30);
    h.keys("j j");
    assert_eq!(h.app.lists[Tab::Accounts].sel, 2);
    h.keys("k");
    assert_eq!(h.app.lists[Tab::Accounts].sel, 1);
    h.keys("G");
    assert_eq!(h.app.lists[Tab::Accounts].sel, 6);
    h.keys("g");
    assert_eq!(h.app.lists[Tab::Accounts].sel, 0);
    h.keys("down pgdn");
    assert_eq!(h.app.lists[Tab::Accounts].sel, 6);
    h.keys("pgup");
    assert_eq!(h.app.lists[Tab::Accounts].sel, 0);
    h.keys("enter");
    assert!(h.app.zoom);
    h.keys("esc");
    assert!(!h.app.zoom);
}

#[test]
fn q_quits_but_not_while_typing_and_ctrl_c_always_quits() {
    let mut h = demo(100, 30);
    h.keys("n \"q\"");
    assert!(!h.app.quit);
    let Some(Modal::Form(f)) = h.app.modals.last() else {
        panic!("form")
    };
    assert_eq!(f.fields[f.focus].value(), "q");
    h.keys("ctrl-c");
    assert!(h.app.quit);
    let mut h = demo(100, 30);
    h.keys("/ \"q\"");
    assert!(!h.app.quit, "q types into the filter");
    h.keys("enter q");
    assert!(h.app.quit);
}

#[test]
fn release_events_are_ignored() {
    let mut h = demo(100, 30);
    let mut ev = KeyEvent::new(KeyCode::Char('j'), KeyModifiers::NONE);
    ev.kind = KeyEventKind::Release;
    h.app.handle_key(ev);
    assert_eq!(h.app.lists[Tab::Accounts].sel, 0);
}

#[test]
fn filter_narrows_any_list_and_esc_clears_it() {
    let mut h = demo(100, 30);
    h.keys("3 / \"admin\"");
    assert_eq!(h.app.cache.users.len(), 2);
    h.keys("enter");
    assert!(!h.app.filtering);
    assert!(h.screen().contains("filter: admin"));
    h.keys("esc");
    // 6 members, Paula's invitation, Mia's import request (listed with the invitations), Eve.
    assert_eq!(h.app.cache.users.len(), 9);
}

#[test]
fn help_lists_the_keys_of_the_context() {
    let mut h = demo(100, 30);
    h.keys("?");
    let s = h.screen();
    assert!(s.contains("Accounts tab"));
    assert!(s.contains("import by SID"));
    h.keys("esc");
    assert!(h.app.modals.is_empty());
}

#[test]
fn undo_and_redo_applied_changes() {
    let mut h = demo(100, 30);
    h.keys("n \"Undo Me\" enter");
    assert!(h.w(|w| w.accounts.values().any(|a| a.name == "Undo Me")));
    h.keys("u");
    assert!(!h.w(|w| w.accounts.values().any(|a| a.name == "Undo Me")));
    h.keys("ctrl-r");
    assert!(h.w(|w| w.accounts.values().any(|a| a.name == "Undo Me")));
}

#[test]
fn paste_goes_into_the_focused_field() {
    let mut h = demo(100, 30);
    h.keys("n");
    h.app.paste("Pasted Name");
    let Some(Modal::Form(f)) = h.app.modals.last() else {
        panic!("form")
    };
    assert_eq!(f.fields[f.focus].value(), "Pasted Name");
}

// ---- who is acting ----

#[test]
fn a_standard_user_sees_only_their_accounts_and_admin_actions_are_unavailable() {
    let mut h = demo(100, 30);
    h.keys("A \"sam.standard\" enter");
    assert_eq!(h.app.cache.accounts.len(), 2);
    let before = h.world();
    h.keys("i");
    assert!(h.app.modals.is_empty());
    assert_eq!(h.app.status.as_ref().unwrap().kind, StatusKind::Unavailable);
    assert!(h.status().contains("[ORG-3]"), "{}", h.status());
    assert!(h.screen().contains("import by SID✗"));
    assert_eq!(h.world(), before);
    h.keys("?");
    assert!(h.screen().contains("✗ [ORG-3]"), "{}", h.screen());
}

#[test]
fn organization_switcher_changes_the_org_and_actor() {
    let mut h = demo(100, 30);
    h.keys("O \"heron\" enter");
    assert!(h.screen().contains("Heron Logistics"));
    assert!(
        h.screen()
            .contains("hana.heron@heron-logistics.example (Owner)")
    );
}

// ---- accounts ----

#[test]
fn create_account_and_refusal_keeps_the_modal() {
    let mut h = demo(100, 30);
    h.keys("n");
    h.refused_in_modal("enter", "ACC-1");
    h.keys("\"Owl Research\" tab right tab \"sam.standard@owl-industries.example\" enter");
    assert!(h.app.modals.is_empty());
    let a = h.account("Owl Research");
    assert_eq!(a.usage, tworg::model::Usage::Flex);
    assert_eq!(
        h.w(|w| w.email_of(a.owner.as_ref().unwrap())),
        "sam.standard@owl-industries.example"
    );
}

#[test]
fn import_by_sid_checks_as_typed_then_imports() {
    let mut h = demo(100, 30);
    let legacy = h.sid("Owl Legacy Billing");
    let proto = h.sid("Owl Labs Prototype");
    // the picker lists the accounts outside the org: importable ones to choose, the others
    // greyed with the model's reason
    h.keys("i");
    let screen = h.screen();
    assert!(screen.contains("Owl Legacy Billing"), "{screen}");
    assert!(screen.contains("Not available here"), "{screen}");
    assert!(screen.contains("[ACC-4]"), "{screen}");
    // typeahead narrows both lists
    h.keys("\"labs\"");
    assert!(
        h.screen().contains("✗ Owl Labs Prototype"),
        "{}",
        h.screen()
    );
    h.keys(&format!("{} \"legacy\" enter", backspaces(4)));
    assert!(h.screen().contains("can be imported"), "{}", h.screen());
    h.keys("enter");
    assert_eq!(h.kind("Owl Legacy Billing"), Some(AccountKind::Pending));
    // or type a SID: checked as typed
    h.keys(&format!("i \"{}\" enter", &legacy[..10]));
    h.keys(&format!("{} \"{}\"", backspaces(40), &proto[..10]));
    assert!(h.screen().contains("[ID-1]"), "{}", h.screen());
    h.keys(&format!("{} \"{proto}\"", backspaces(10)));
    assert!(h.screen().contains("✗ refused [ACC-4]"));
    h.refused_in_modal("enter", "ACC-4");
    let Some(Modal::Form(f)) = h.app.modals.last() else {
        panic!("form")
    };
    assert_eq!(f.fields[f.focus].value(), proto, "what was typed is kept");
}

#[test]
fn link_confirm_and_decline_as_the_owner() {
    let mut h = demo(100, 30);
    let proto = h.sid("Owl Labs Prototype");
    h.keys(&format!("L \"{proto}\" enter enter"));
    assert_eq!(h.kind("Owl Labs Prototype"), Some(AccountKind::Pending));
    // The Owner cannot confirm for the account's owner.
    // not the owner: the model refuses before any dialog opens
    h.select("Prototype");
    h.refused_at_once("c", "ACC-5");
    h.keys("A \"ivy.inventor\" enter");
    h.select("Prototype").keys("c y");
    assert_eq!(h.kind("Owl Labs Prototype"), Some(AccountKind::Independent));
    // Mia declines her pending import.
    h.keys("A \"mia.marketing\" enter");
    h.select("Sandbox").keys("x y");
    assert!(h.account("Owl Marketing Sandbox").link.is_none());
}

#[test]
fn cancel_a_pending_import() {
    let mut h = demo(100, 30);
    h.select("Sandbox").keys("X y");
    assert!(h.account("Owl Marketing Sandbox").link.is_none());
}

#[test]
fn rename_transfer_suspend_resume_close_upgrade_hipaa() {
    let mut h = demo(100, 30);
    h.select("Staging")
        .keys(&format!("r {} \"Owl QA\" enter", backspaces(20)));
    assert_eq!(h.account("Owl QA").status, AccountStatus::Active);
    h.keys("esc").select("Owl QA").keys("U y");
    assert_eq!(h.account("Owl QA").account_type, AccountType::Full);
    h.keys("t \"adam\" enter y");
    let owner = h.account("Owl QA").owner.unwrap();
    assert_eq!(
        h.w(|w| w.email_of(&owner)),
        "adam.admin@owl-industries.example"
    );
    h.keys("s y");
    assert_eq!(h.account("Owl QA").status, AccountStatus::Suspended);
    h.keys("R");
    assert_eq!(h.account("Owl QA").status, AccountStatus::Active);
    h.keys("h y");
    assert!(h.account("Owl QA").hipaa);
    h.keys("C \"wrong\"");
    h.refused_in_modal("enter", "ACC-8");
    h.keys(&format!("{} \"Owl QA\" enter", backspaces(5)));
    assert_eq!(h.account("Owl QA").status, AccountStatus::Closed);
}

#[test]
fn subaccounts_and_access() {
    let mut h = demo(100, 30);
    h.select("Owl Production").keys("b \"Owl Prod APAC\" enter");
    assert_eq!(
        h.account("Owl Prod APAC").parent.map(|p| p.to_string()),
        Some(h.sid("Owl Production"))
    );
    h.keys("esc").select("Owl Production");
    h.keys("+ \"ava.admin@owl-industries.example\" enter");
    let ava = h.w(|w| {
        w.user_by_email("ava.admin@owl-industries.example")
            .unwrap()
            .sid
            .clone()
    });
    assert!(h.w(|w| {
        w.grants_on(
            &w.accounts
                .values()
                .find(|a| a.name == "Owl Production")
                .unwrap()
                .sid
                .clone(),
        )
        .contains_key(&ava)
    }));
    h.keys("- \"ava\" enter y");
    assert!(!h.w(|w| {
        w.grants_on(
            &w.accounts
                .values()
                .find(|a| a.name == "Owl Production")
                .unwrap()
                .sid
                .clone(),
        )
        .contains_key(&ava)
    }));
    h.keys("+ \"eve.external@kestrel-partners.example\" tab ctrl-u \"owner\"");
    h.keys("enter");
    assert!(h.top_problem().unwrap().contains("unknown account role"));
}

// ---- domains ----

fn domain(h: &H, name: &str) -> Option<tworg::model::Domain> {
    h.w(|w| w.orgs[&h.app.ctx.org].domains.get(name).cloned())
}

#[test]
fn add_publish_verify_recheck_unpublish_delete() {
    let mut h = demo(100, 30);
    h.keys("2 n \"www.corp.example\"");
    h.refused_in_modal("enter", "DOM-1");
    h.keys(&format!("{} \"owl-new.example\" enter", backspaces(30)));
    assert!(domain(&h, "owl-new.example").is_some());
    h.select("owl-new").keys("v");
    assert!(h.status().contains("[DOM-8]"), "{}", h.status());
    h.keys("p v");
    assert_eq!(
        domain(&h, "owl-new.example").unwrap().status,
        DomainStatus::Verified
    );
    assert!(h.screen().contains("Simulated DNS"));
    h.keys("P c");
    assert!(matches!(
        domain(&h, "owl-new.example").unwrap().status,
        DomainStatus::VerifiedUncertain { .. }
    ));
    assert!(h.screen().contains("days left"));
    h.keys("D y");
    assert!(domain(&h, "owl-new.example").is_none());
}

#[test]
fn signup_setting_multi_verified_and_enforcement_refusal() {
    let mut h = demo(100, 30);
    h.keys("2 S right enter");
    assert_eq!(
        h.w(|w| w.orgs[&h.app.ctx.org].signup),
        tworg::model::SignupSetting::AutoEnrollment
    );
    h.keys("S right enter");
    h.keys("m");
    assert!(domain(&h, "owl-industries.example").unwrap().multi_verified);
    h.keys("e");
    h.refused_in_modal("enter", "SSO-3");
}

// ---- users ----

#[test]
fn invite_with_accounts_accept_resend_cancel() {
    let mut h = demo(100, 30);
    h.keys("3 i \"x@gmail.com\"");
    h.refused_in_modal("enter", "USR-1");
    h.keys(&format!(
        "{} \"nina@owl-industries.example\" tab right tab \"Owl Production=developer,billing\" enter",
        backspaces(20)
    ));
    assert!(h.app.modals.is_empty(), "{:?}", h.top_problem());
    let inv = h.w(|w| {
        w.orgs[&h.app.ctx.org]
            .invitations
            .values()
            .find(|i| i.email == "nina@owl-industries.example")
            .cloned()
            .unwrap()
    });
    assert_eq!(inv.role, OrgRole::Administrator);
    assert_eq!(inv.accounts.len(), 1);
    h.select("nina").keys("s");
    assert!(h.status().contains("nina"), "{}", h.status());
    h.keys("a y");
    assert_eq!(
        h.member("nina@owl-industries.example").unwrap().role,
        OrgRole::Administrator
    );
    h.keys("esc").select("paula").keys("x y");
    assert!(h.w(|w| w.orgs[&h.app.ctx.org].invitations.is_empty()));
}

#[test]
fn role_resets_deactivate_reactivate_remove_delete() {
    let mut h = demo(100, 30);
    h.keys("3").select("sara.standard").keys("r right enter");
    assert_eq!(
        h.member("sara.standard@owl-industries.example")
            .unwrap()
            .role,
        OrgRole::Administrator
    );
    h.keys("p y f y");
    let sara = h.w(|w| {
        w.user_by_email("sara.standard@owl-industries.example")
            .cloned()
            .unwrap()
    });
    assert!(sara.password_reset_until.is_some());
    assert_eq!(sara.two_factor, tworg::model::TwoFactor::EnrolmentRequired);
    h.keys("d y");
    assert_eq!(
        h.member("sara.standard@owl-industries.example")
            .unwrap()
            .status,
        MemberStatus::Deactivated
    );
    h.keys("e");
    assert_eq!(
        h.member("sara.standard@owl-industries.example")
            .unwrap()
            .status,
        MemberStatus::Active
    );
    h.keys("esc").select("ava.admin").keys("R y");
    assert!(h.member("ava.admin@owl-industries.example").is_none());
    h.keys("esc").select("dan.departed").keys("D y");
    assert!(h.w(|w| {
        w.user_by_email("dan.departed@owl-industries.example")
            .is_none()
    }));
    // The Owner cannot be removed (USR-8).
    h.keys("esc").select("olivia");
    h.refused_at_once("R", "USR-8");
}

#[test]
fn bulk_import_shows_what_was_imported_and_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("users.csv");
    std::fs::write(
        &csv,
        "email,first_name,last_name\nnora.newhire@owl-industries.example,Nora,Newhire\nzed@nowhere.example,Zed,Z\n",
    )
    .unwrap();
    let mut h = demo(100, 30);
    h.keys(&format!("3 I \"{}\"", csv.display()));
    h.refused_in_modal("enter", "USR-9");
    h.keys("esc 4").select("bulk").keys("enter y 3");
    h.keys(&format!("I \"{}\" enter", csv.display()));
    let s = h.screen();
    assert!(s.contains("Bulk import result"), "{s}");
    assert!(s.contains("✓ nora.newhire@owl-industries.example: imported"));
    assert!(s.contains("✗ zed@nowhere.example: rejected"));
    assert!(h.member("nora.newhire@owl-industries.example").is_some());
}

#[test]
fn simulated_signup_and_sso_exemption() {
    let mut h = demo(100, 30);
    h.keys("3 n \"zoe@owl-industries.example\"");
    h.refused_in_modal("enter", "SIGN-2");
    h.keys(&format!(
        "{} \"zoe@elsewhere.example\" enter",
        backspaces(30)
    ));
    assert!(h.w(|w| w.user_by_email("zoe@elsewhere.example").is_some()));
    h.select("adam.admin").keys("E");
    assert!(
        h.member("adam.admin@owl-industries.example")
            .unwrap()
            .sso_exempt
    );
    h.keys("E enter");
    assert!(
        !h.member("adam.admin@owl-industries.example")
            .unwrap()
            .sso_exempt
    );
}

// ---- settings ----

#[test]
fn org_name_transfer_and_limits() {
    let mut h = demo(100, 30);
    h.keys(&format!(
        "4 enter {} \"Owl Holdings\" enter",
        backspaces(20)
    ));
    assert_eq!(h.w(|w| w.orgs[&h.app.ctx.org].name.clone()), "Owl Holdings");
    h.select("account limit")
        .keys(&format!("enter {} \"20\" enter", backspaces(4)));
    assert_eq!(h.w(|w| w.orgs[&h.app.ctx.org].settings.account_limit), 20);
    h.keys("esc")
        .select("subaccount")
        .keys("enter ctrl-u \"x\" enter");
    assert!(h.top_problem().unwrap().contains("whole number"));
    h.keys("esc esc")
        .select("Owner")
        .keys("enter \"adam\" enter y");
    assert_eq!(
        h.member("adam.admin@owl-industries.example").unwrap().role,
        OrgRole::Owner
    );
    assert_eq!(
        h.member("olivia.owl@owl-industries.example").unwrap().role,
        OrgRole::Administrator
    );
}

#[test]
fn baa_sso_profile_test_enforce_and_scim() {
    let mut h = demo(100, 30);
    // ORG-9: the BAA stays on record while Owl Production and its subaccounts have HIPAA on.
    h.keys("4").select("BAA");
    h.refused_in_modal("enter y", "ORG-9");
    assert!(h.w(|w| w.orgs[&h.app.ctx.org].settings.baa));
    let cert = concat!(env!("CARGO_MANIFEST_DIR"), "/assets/demo-idp-cert.pem");
    h.keys("esc esc")
        .select("SSO profile")
        .keys("enter \"http://idp\"");
    h.refused_in_modal("enter", "SSO-2");
    h.keys(&format!(
        "{} \"https://idp.example/entity\" tab \"https://idp.example/sso\" tab \"{cert}\" enter",
        backspaces(20)
    ));
    assert!(h.app.modals.is_empty(), "{:?}", h.top_problem());
    h.keys("esc").select("connection test").keys("enter");
    assert!(h.w(|w| w.orgs[&h.app.ctx.org].sso.as_ref().unwrap().tested));
    h.keys("esc").select("enforced on").keys("enter");
    // SSO-5: refused as asked; the console offers the confirmation, and yes enforces.
    h.refused_in_modal("enter", "SSO-5");
    h.keys("y");
    assert!(
        domain(&h, "owl-industries.example").unwrap().sso_enforced,
        "{:?}",
        h.top_problem()
    );
    h.keys("esc").select("SCIM provisioning").keys("enter y");
    assert!(h.screen().contains(TOKEN), "the token is shown once");
    assert!(h.w(|w| w.orgs[&h.app.ctx.org].scim.enabled));
    h.keys("esc enter y");
    assert!(!h.w(|w| w.orgs[&h.app.ctx.org].scim.enabled));
}

#[test]
fn merge_lists_requirements_and_merges_by_invitation() {
    let mut h = demo(100, 30);
    h.keys("4").select("Merge").keys("enter \"heron\" enter");
    assert!(h.screen().contains("✗ NOT met"));
    // By invitation (the default route): Heron's Owner cannot be invited (MRG-1).
    h.refused_in_modal("enter", "MRG-1");
    h.keys("esc enter \"finch\" enter");
    let s = h.screen();
    assert!(s.contains("Requirements:") && s.contains("✓ met"), "{s}");
    assert!(s.contains("By invitation"), "{s}");
    // By import, Import Users is off (MRG-6).
    h.refused_in_modal("right tab tab \"Finch Analytics\" enter", "MRG-6");
    // Back to by invitation, as Administrator: the invitation is sent, nothing moves yet.
    h.keys("shift-tab shift-tab left tab right enter");
    assert!(h.w(|w| w.find_org("Finch Analytics").is_ok()));
    let pending = h.w(|w| {
        w.find_org("Owl Industries")
            .unwrap()
            .invitations
            .values()
            .find(|i| i.email == "felix.finch@owl-industries.example")
            .map(|i| i.role)
    });
    assert_eq!(pending, Some(OrgRole::Administrator));
    // The Users tab shows it as a merge invitation; accepting as the invitee merges.
    h.keys("3").select("merge");
    assert!(h.screen().contains("(merge invite)"), "{}", h.screen());
    h.keys("a y");
    assert!(
        h.w(|w| w.find_org("Finch Analytics").is_err()),
        "{}",
        h.status()
    );
    assert_eq!(
        h.member("felix.finch@owl-industries.example")
            .map(|m| m.role),
        Some(OrgRole::Administrator)
    );
    assert_eq!(
        h.member("fern.finch@finch-analytics.example")
            .map(|m| m.role),
        Some(OrgRole::Standard)
    );
}

#[test]
fn a_merge_invitation_shows_in_the_candidate_and_can_be_declined_there() {
    let mut h = demo(100, 48);
    // The invite form recognises Finch's Owner and shows the merge preview (MRG-3, MRG-5).
    h.keys("3 i \"felix.finch@owl-industries.example\"");
    let s = h.screen();
    assert!(s.contains("is the Owner of Finch Analytics"), "{s}");
    assert!(
        s.contains("Merge Finch Analytics into Owl Industries"),
        "{s}"
    );
    h.keys("enter");
    // In Finch Analytics, its Owner sees it and declines: nothing moves.
    h.keys("O \"Finch\" enter 3 G");
    assert!(h.screen().contains("incoming"), "{}", h.screen());
    h.keys("X y");
    assert!(h.w(|w| w.find_org("Finch Analytics").is_ok()));
    assert!(h.status().contains("nothing moved"), "{}", h.status());
    let pending = h.w(|w| w.find_org("Owl Industries").unwrap().invitations.len());
    assert_eq!(pending, 1, "only Paula's invitation is left");
}

#[test]
fn merge_by_import_needs_import_users_and_the_name_typed() {
    let mut h = demo(100, 48);
    h.app
        .apply(&tworg::model::Action::Set(
            tworg::model::action::Setting::BulkImport(true),
        ))
        .unwrap();
    h.keys("4")
        .select("Merge")
        .keys("enter \"finch\" enter right");
    assert!(
        h.screen().contains("By import it merges at once"),
        "{}",
        h.screen()
    );
    // The Owner's role cannot be chosen by import (MRG-6).
    h.refused_in_modal("tab right tab \"Finch Analytics\" enter", "MRG-6");
    h.refused_in_modal(
        &format!("shift-tab left tab {} \"Finch\" enter", backspaces(15)),
        "MRG-3",
    );
    h.keys(&format!("{} \"Finch Analytics\" enter", backspaces(5)));
    assert!(h.w(|w| w.find_org("Finch Analytics").is_err()));
    assert_eq!(
        h.member("felix.finch@owl-industries.example")
            .map(|m| m.role),
        Some(OrgRole::Standard)
    );
}

#[test]
fn clock_audit_world_simulation_and_delete_org() {
    let mut h = demo(100, 30);
    let before = h.w(|w| w.clock);
    h.keys("4")
        .select("clock")
        .keys(&format!("enter {} \"7d\" enter", backspaces(4)));
    assert_eq!(
        h.w(|w| w.clock),
        before + jiff::SignedDuration::from_hours(24 * 7)
    );
    h.keys("esc").select("Audit").keys("enter");
    assert!(h.screen().contains("Audit log"), "{}", h.screen());
    h.keys("esc esc")
        .select("Twilio user outside")
        .keys("enter \"walt@walrus.example\" enter");
    assert!(h.w(|w| w.user_by_email("walt@walrus.example").is_some()));
    h.keys("esc")
        .select("account outside")
        .keys("enter \"Walrus Main\" tab \"walt@walrus.example\" enter");
    assert!(h.account("Walrus Main").link.is_none());
    h.keys("esc")
        .select("Delete the organization")
        .keys("enter");
    h.refused_in_modal("y", "ORG-6");
}

#[test]
fn mouse_wheel_scrolls_and_click_selects() {
    use ratatui::crossterm::event::{MouseButton, MouseEvent, MouseEventKind};
    let mut h = demo(100, 30);
    h.keys("");
    let ev = |kind, column, row| MouseEvent {
        kind,
        column,
        row,
        modifiers: KeyModifiers::NONE,
    };
    h.app.mouse_event(ev(MouseEventKind::ScrollDown, 10, 10));
    assert_eq!(h.app.lists[Tab::Accounts].sel, 1);
    let area = h.app.list_area;
    h.app.mouse_event(ev(
        MouseEventKind::Down(MouseButton::Left),
        area.x + 2,
        area.y + 4,
    ));
    assert_eq!(h.app.lists[Tab::Accounts].sel, 4);
}

// ---- the two model functions the console asks ----

#[test]
fn permission_gives_the_same_refusal_as_the_action() {
    use tworg::model::{Action, Capability, Ctx};
    let w = tworg::persist::demo_world();
    let org = w.home_org.clone().unwrap();
    let sam = w
        .user_by_email("sam.standard@owl-industries.example")
        .unwrap()
        .sid
        .clone();
    let ctx = Ctx::new(org.clone(), sam);
    let asked = w
        .permission(&ctx, Capability::Admin("invite users"))
        .unwrap_err();
    let tried = w
        .clone()
        .apply(
            &ctx,
            &Action::Invite {
                email: "x@owl-industries.example".into(),
                role: OrgRole::Standard,
                accounts: vec![],
            },
        )
        .unwrap_err();
    assert_eq!(tried.rule(), Some(asked.rule));
    assert!(w.permission(&ctx, Capability::Member).is_ok());
    let owner = w.owner_of_org(&org).unwrap().sid.clone();
    assert!(
        w.permission(&Ctx::new(org, owner), Capability::Owner("transfer"))
            .is_ok()
    );
}

#[test]
fn check_import_agrees_with_import() {
    use tworg::model::{Action, Ctx};
    let w = tworg::persist::demo_world();
    let org = w.home_org.clone().unwrap();
    let ctx = Ctx::new(org.clone(), w.owner_of_org(&org).unwrap().sid.clone());
    for a in w.accounts.values() {
        let checked = w
            .check_import(&ctx, a.sid.as_str())
            .map(|_| ())
            .map_err(|e| e.to_string());
        let applied = w
            .clone()
            .apply(
                &ctx,
                &Action::ImportAccount {
                    sid: a.sid.to_string(),
                },
            )
            .map(|_| ())
            .map_err(|e| e.to_string());
        assert_eq!(checked, applied, "{}", a.name);
    }
}

/// A filter that starts with a character of several bytes is not a SID being typed: Enter
/// in the import picker answers instead of crashing (it cut the text at byte 2).
#[test]
fn the_import_picker_takes_a_filter_in_any_script() {
    let mut h = demo(100, 30);
    let before = h.world();
    h.keys(r#"1 i "漢字x" enter"#);
    assert_eq!(h.world(), before, "nothing was imported");
    h.keys("esc esc");
    assert!(h.screen().contains("Accounts"));
}
