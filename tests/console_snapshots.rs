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
            &["paula.pending", "pending", "(import"],
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
    snap("help_80x24", 80, 24, "3 ?", &["This tab: Users", "invite"]);
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
        "i \"AC0000000000000000000000000000000000\" enter",
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
        "j j j C",
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
        "j j j +",
        &["Grant access to Owl Production", "Roles"],
    );
    snap(
        "picker_transfer_100x30",
        100,
        30,
        "j j j t",
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
        &["Audit log (newest first)", "j/↓ scroll down"],
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

/// The three sizes of issue 13: every tab, the help and the message log.
const SIZES: [(u16, u16); 3] = [(80, 24), (120, 35), (200, 50)];

/// The footer's two lines (the last two of the screen).
fn footer_lines(text: &str) -> Vec<String> {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(2)..]
        .iter()
        .map(|l| l.to_string())
        .collect()
}

#[test]
fn every_tab_help_and_log_at_three_sizes() {
    for (w, h) in SIZES {
        for (tab, key, must) in [
            ("accounts", "1", "Owl Production"),
            ("domains", "2", "owl-labs.example"),
            ("users", "3", "olivia.owl"),
            ("settings", "4", "Organization name"),
        ] {
            let name = format!("sized_{tab}_{w}x{h}");
            snap(&name, w, h, key, &[must]);
            let (term, _) = screen(w, h, key);
            let text = screen_text(term.backend());
            let footer = footer_lines(&text).join("\n");
            // the footer always offers ? and q, first
            assert!(footer.starts_with(" ? help  q quit"), "{name}:\n{footer}");
        }
        snap(
            &format!("sized_help_{w}x{h}"),
            w,
            h,
            "?",
            if w >= 120 {
                &[
                    "This row: Kestrel Partner Portal",
                    "This tab: Accounts",
                    "Everywhere",
                ][..]
            } else {
                &["This row: Kestrel Partner Portal", "lines 1-"][..]
            },
        );
        // paged: G goes to the last page, where what works everywhere is
        snap(
            &format!("sized_help_end_{w}x{h}"),
            w,
            h,
            "? G",
            &["sort by name / SID", "Every change is saved"],
        );
        // searched: / narrows the help to what matches
        snap(
            &format!("sized_help_search_{w}x{h}"),
            w,
            h,
            "? / \"undo\" enter",
            &["/undo", "u "],
        );
        // a refusal, then the log: every result and refusal with its time, wrapped
        snap(
            &format!("sized_log_{w}x{h}"),
            w,
            h,
            "3 i \"x@gmail.com\" enter esc A \"sam.standard\" enter 1 i M",
            &[
                "Message log",
                "refused [USR-1]",
                "[ORG-3]",
                "2026-12-14 09:00",
            ],
        );
    }
}

#[test]
fn at_120x35_the_footer_cuts_no_item_and_says_when_more_are_in_help() {
    for key in ["1", "2", "3", "4", "3 A \"sam.standard\" enter"] {
        let (term, app) = screen(120, 35, key);
        let text = screen_text(term.backend());
        let footer = footer_lines(&text);
        // every item of the footer is a whole binding of the keymap: its label, or its label
        // with ✗, is on the screen in one piece
        let chain = app.chain();
        for ctx in chain {
            for b in tworg::console::keymap::of(ctx).filter(|b| b.footer) {
                let label = app.label_of(b);
                let whole = footer.iter().any(|l| l.contains(&label));
                let first_word = label.split(' ').next().unwrap();
                let part = footer
                    .iter()
                    .any(|l| l.trim_end().ends_with(first_word) && !l.contains(&label));
                assert!(
                    whole || !part,
                    "{key}: '{label}' is cut:\n{}",
                    footer.join("\n")
                );
            }
        }
        assert!(
            footer[0].starts_with(" ? help  q quit"),
            "{}",
            footer.join("\n")
        );
        assert!(footer.iter().all(|l| l.chars().count() <= 120));
    }
}

#[test]
fn a_refused_row_action_opens_no_dialog_and_says_why_at_once() {
    // transfer or HIPAA on an independent account, a subaccount under a subaccount, confirming
    // when not the owner, removing the Owner, Settings as a Standard user
    for (script, rule) in [
        ("/ \"Kestrel\" enter t", "ACC-6"),
        ("/ \"Kestrel\" enter h", "ACC-6"),
        ("/ \"Prod EU\" enter b", "SUB-1"),
        ("/ \"Marketing\" enter c", "ACC-5"),
        ("3 / \"olivia\" enter R", "USR-8"),
        ("A \"sam.standard\" enter 4 enter", "ORG-3"),
    ] {
        let (term, app) = screen(120, 35, script);
        assert!(app.modals.is_empty(), "{script}: a dialog opened");
        let status = app.status.clone().expect("a status");
        assert!(
            status.text.contains(&format!("[{rule}]")),
            "{script}: {}",
            status.text
        );
        let text = screen_text(term.backend());
        assert!(text.contains(&format!("[{rule}]")), "{script}:\n{text}");
        // and the help marks it on this row, with the reason
        let (term, _) = screen(120, 35, &format!("{script} ?"));
        let help = screen_text(term.backend());
        assert!(help.contains(&format!("✗ [{rule}]")), "{script}:\n{help}");
    }
}

/// The Health panel where it shows (120x35 and 200x50): Heron Logistics' lone Owner, its fix as
/// tabs, rows and keys (the console's words; tests/hints.rs checks no CLI syntax shows).
#[test]
fn the_health_panel_with_a_finding() {
    for (w, h) in [(120, 35), (200, 50)] {
        snap(
            &format!("health_heron_{w}x{h}"),
            w,
            h,
            "O \"heron\" enter 4",
            &[
                "Health (1 finding(s))",
                "warning [ORG-1, SSO-5]",
                "fix 1: Settings tab (4) →",
            ],
        );
    }
}
