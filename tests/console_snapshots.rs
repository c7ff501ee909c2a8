//! Whole screens of the console as plain text (insta), at 100x30 and 80x24, each paired with a
//! plain assertion. Accept new ones with `INSTA_UPDATE=always cargo test`, then read the `.snap`
//! files; under `CI=true` a missing or changed snapshot fails.

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use tworg::console::app::App;
use tworg::console::{drive, keys, screen_text};

const TOKEN: &str = "tworg_test_token_0123456789abcdef0123456789abcdef";

/// The demo world, driven by `script`, drawn at `w`x`h`.
fn screen(w: u16, h: u16, script: &str) -> (Terminal<TestBackend>, App) {
    let mut app = App::demo().with_token_source(|| TOKEN.to_string());
    let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
    drive(&mut app, &mut term, &keys::parse_keys(script).unwrap());
    (term, app)
}

fn snap(name: &str, w: u16, h: u16, script: &str, must: &[&str]) {
    let (term, _) = screen(w, h, script);
    let text = screen_text(term.backend());
    for m in must {
        assert!(text.contains(m), "{name}: missing {m:?} in\n{text}");
    }
    insta::assert_snapshot!(name, term.backend());
}

#[test]
fn tabs_at_both_sizes() {
    for (w, h) in [(100, 30), (80, 24)] {
        snap(
            &format!("accounts_{w}x{h}"),
            w,
            h,
            "",
            &["[1 Accounts]", "Owl Production", "Pending"],
        );
        snap(
            &format!("domains_{w}x{h}"),
            w,
            h,
            "2",
            &["owl-labs.example", "_twilio.owl-industries.example"],
        );
        snap(
            &format!("users_{w}x{h}"),
            w,
            h,
            "3",
            // Eve, the external collaborator, is last: at 80x24 she is below the fold.
            &["paula.pending", "pending", "(import)"],
        );
        snap(
            &format!("settings_{w}x{h}"),
            w,
            h,
            "4",
            &["Organization name", "Owl Industries"],
        );
    }
}

#[test]
fn account_detail_expanded() {
    snap(
        "account_detail_100x30",
        100,
        30,
        "j enter",
        &["Billing its own", "History:"],
    );
}

#[test]
fn help_screen() {
    snap("help_100x30", 100, 30, "?", &["Help", "import by SID"]);
    snap("help_80x24", 80, 24, "3 ?", &["Users tab", "invite"]);
}

#[test]
fn too_small() {
    snap("too_small_40x10", 40, 10, "", &["Terminal too small"]);
}

#[test]
fn standard_user_view() {
    snap(
        "standard_user_accounts_100x30",
        100,
        30,
        "A \"sam.standard\" enter i",
        &[
            "(Standard)",
            "Accounts (2)",
            "import by SID✗",
            "unavailable",
        ],
    );
}

#[test]
fn modals() {
    snap(
        "form_create_account_100x30",
        100,
        30,
        "n \"Owl Research\"",
        &["Create an account", "‹ Twilio ›"],
    );
    snap(
        "form_import_check_100x30",
        100,
        30,
        "i \"AC0000000000000000000000000000000000\"",
        &["Import an account by SID", "✗"],
    );
    snap(
        "form_invite_100x30",
        100,
        30,
        "3 i",
        &["Invite a user", "Org role"],
    );
    snap(
        "form_invite_refused_100x30",
        100,
        30,
        "3 i \"x@gmail.com\" enter",
        &["refused [USR-1]", "x@gmail.com"],
    );
    snap(
        "form_invite_refused_80x24",
        80,
        24,
        "3 i \"x@gmail.com\" enter",
        &["refused [USR-1]"],
    );
    snap(
        "form_close_account_100x30",
        100,
        30,
        "j C",
        &["Close Owl Production", "irreversible"],
    );
    snap(
        "confirm_suspend_100x30",
        100,
        30,
        "j s",
        &["Suspend account", "y/Enter yes"],
    );
    snap(
        "confirm_delete_domain_100x30",
        100,
        30,
        "2 j D",
        &["Delete domain", "acknowledge"],
    );
    snap(
        "picker_act_as_100x30",
        100,
        30,
        "A \"owl\"",
        &["Act as", "adam.admin"],
    );
    snap(
        "message_scim_token_100x30",
        100,
        30,
        "4 / \"SCIM prov\" enter enter y",
        &["shown once", TOKEN],
    );
    snap(
        "form_merge_finch_100x30",
        100,
        30,
        "4 / \"merge\" enter enter \"finch\" enter",
        &["✓ met", "By invitation", "‹ by invitation ›"],
    );
    snap(
        "form_merge_by_import_100x30",
        100,
        30,
        "4 / \"merge\" enter enter \"finch\" enter right",
        &[
            "✗ NOT met [MRG-6]",
            "Not allowed yet [MRG-6]",
            "‹ by import ›",
        ],
    );
    snap(
        "form_invite_merge_100x30",
        100,
        30,
        "3 i \"felix.finch@owl-industries.example\" tab right",
        &[
            "fern.finch@finch-analytics.example: Administrator → Standard",
            "‹ Administrator ›",
        ],
    );
    snap(
        "form_merge_heron_80x24",
        80,
        24,
        "4 / \"merge\" enter enter \"heron\" enter",
        &["✗ NOT met"],
    );
    snap(
        "form_signup_setting_100x30",
        100,
        30,
        "2 S",
        &["Sign-up setting", "‹ Restricted ›"],
    );
    snap(
        "form_invite_accounts_100x30",
        100,
        30,
        "3 i \"n@owl-industries.example\" tab tab \"Owl Production=developer,billing; Nope=admin\"",
        &["→ Owl Production", "✗ no account 'Nope'"],
    );
    snap(
        "form_grant_100x30",
        100,
        30,
        "j +",
        &["Grant access to Owl Production", "Roles"],
    );
    snap(
        "picker_transfer_100x30",
        100,
        30,
        "j t",
        &["Transfer Owl Production to", "sam.standard"],
    );
    snap(
        "form_sso_profile_100x30",
        100,
        30,
        "4 / \"SSO profile\" enter enter",
        &["SSO profile", "Certificate"],
    );
    snap(
        "form_clock_100x30",
        100,
        30,
        "4 / \"clock\" enter enter",
        &["Advance the world clock", "CLK-1"],
    );
    snap(
        "form_help_inside_100x30",
        100,
        30,
        "n f1",
        &["Forms", "next field"],
    );
    snap(
        "message_audit_80x24",
        80,
        24,
        "4 / \"audit\" enter enter",
        &["Audit log (newest first)", "j/k scroll"],
    );
}

#[test]
fn bulk_import_result() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("users.csv");
    std::fs::write(
        &csv,
        "email,first_name,last_name\nnora.newhire@owl-industries.example,Nora,Newhire\nzed@nowhere.example,Zed,Z\n",
    )
    .unwrap();
    let script = format!("4 / \"bulk\" enter enter y 3 I \"{}\" enter", csv.display());
    snap(
        "message_bulk_import_100x30",
        100,
        30,
        &script,
        &["Bulk import result", "rejected"],
    );
}

#[test]
fn monochrome_theme_marks_selection_without_colour() {
    let (term, _) = screen(100, 30, "");
    let buf = term.backend().buffer();
    for cell in buf.content() {
        assert_eq!(cell.fg, ratatui::style::Color::Reset);
        assert_eq!(cell.bg, ratatui::style::Color::Reset);
    }
    assert!(screen_text(term.backend()).contains("▶ "));
}

/// Where the cursor belongs: on the focused field's row, after the `typed` characters in its `[…]`.
fn expected_cursor(text: &str, focused: &str, typed: usize) -> (u16, u16) {
    let row = text
        .lines()
        .position(|l| l.contains(focused))
        .expect("focused field");
    let line = text.lines().nth(row).unwrap();
    let col = line.chars().position(|c| c == '[').expect("a text field") + 1 + typed;
    (col as u16, row as u16)
}

#[test]
fn cursor_sits_in_the_focused_field() {
    let (mut term, _) = screen(100, 30, "3 i \"ab\"");
    let at = expected_cursor(&screen_text(term.backend()), "▸ Email", 2);
    term.backend_mut().assert_cursor_position(at);
    // After Tab the next text field (Accounts, past the Org role choice) has it.
    let (mut term, _) = screen(100, 30, "3 i \"ab\" tab tab \"xyz\"");
    let at = expected_cursor(&screen_text(term.backend()), "▸ Accounts", 3);
    term.backend_mut().assert_cursor_position(at);
}

#[test]
fn resize_redraws_at_the_new_size() {
    let (mut term, mut app) = screen(100, 30, "");
    term.backend_mut().resize(80, 24);
    term.draw(|f| app.render(f)).unwrap();
    assert_eq!(screen_text(term.backend()).lines().count(), 24);
    term.backend_mut().resize(50, 12);
    term.draw(|f| app.render(f)).unwrap();
    assert!(screen_text(term.backend()).contains("Terminal too small"));
}
