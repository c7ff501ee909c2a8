//! One validation layer for every way data enters (issue 12): a file, a CLI argument, a console
//! form, a CSV row, a SCIM request. Text with control, bidi-override or invisible characters is
//! refused with the field named; lengths are Twilio's; emails are addresses; every SID of a file
//! points at what exists; role sets are valid (USR-4). Refusals are data (a rule, a sentence, a
//! hint), and a refused action changes neither the world nor the file.

mod fixture;

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

use fixture::*;
use tworg::model::scim::ScimUserData;
use tworg::model::*;

fn tworg(path: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tworg"))
        .arg("--file")
        .arg(path)
        .args(args)
        .env_remove("TWORG_FILE")
        .output()
        .unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn demo_text() -> String {
    fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/demo.ron")).unwrap()
}

/// Loads `text` as a world file: refused with exit 4, `w.ron:LINE:COL: …` containing `needle`,
/// the file untouched.
fn file_refused(text: &str, needle: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("w.ron");
    fs::write(&path, text).unwrap();
    for args in [
        &["check"][..],
        &["clock", "advance", "1d"],
        &["show", "users"],
    ] {
        let out = tworg(&path, args);
        assert_eq!(out.status.code(), Some(4), "{args:?}: {}", stderr(&out));
        let err = stderr(&out);
        assert!(err.contains(needle), "{err}");
        let pos = err.split("w.ron:").nth(1).unwrap_or_default();
        let mut parts = pos.splitn(3, ':');
        assert!(
            parts.next().unwrap().parse::<usize>().is_ok()
                && parts.next().unwrap().parse::<usize>().is_ok(),
            "file:line:col: {err}"
        );
        assert_eq!(fs::read_to_string(&path).unwrap(), text);
        assert!(!dir.path().join("w.ron.journal").exists());
    }
    tworg::persist::from_ron(text, "w.ron")
        .unwrap_err()
        .to_string()
}

// ---------------------------------------------------------------------------------------------
// Files
// ---------------------------------------------------------------------------------------------

#[test]
fn a_control_character_in_a_users_name_in_the_file_is_refused() {
    let text = demo_text().replacen("name: \"Olivia Owl\"", "name: \"Olivia\\u{0}Owl\"", 1);
    let err = file_refused(
        &text,
        "the user's name 'Olivia<U+0000>Owl' contains the control character U+0000",
    );
    assert!(err.starts_with("w.ron:"), "{err}");
    let text = demo_text().replacen(
        "name: \"Olivia Owl\"",
        "name: \"Olivia\\u{1b}]0;PWNED\\u{7}\"",
        1,
    );
    file_refused(&text, "control character U+001B");
    let text = demo_text().replacen("name: \"Olivia Owl\"", "name: \"Olivia\\u{202e}lwO\"", 1);
    file_refused(&text, "invisible character U+202E");
}

#[test]
fn a_name_longer_than_twilio_allows_is_refused_in_the_file() {
    let long = "O".repeat(256);
    let text = demo_text().replacen("name: \"Olivia Owl\"", &format!("name: \"{long}\""), 1);
    file_refused(&text, "the user's name must be 1 to 255 characters");
}

#[test]
fn emails_that_are_not_addresses_are_refused_in_the_file() {
    let text = demo_text().replacen(
        "email: \"olivia.owl@owl-industries.example\"",
        "email: \"not an email\"",
        1,
    );
    file_refused(&text, "'not an email' is not a valid email address");
    let text = demo_text().replacen(
        "email: \"olivia.owl@owl-industries.example\"",
        "email: \"\"",
        1,
    );
    file_refused(&text, "the email must be 2 to 160 characters");
}

#[test]
fn usr_4_an_invitation_with_an_invalid_role_set_is_refused_in_the_file() {
    let text = demo_text().replacen(
        "                            Developer,\n                        ],\n                    },\n                    invited_by",
        "                            Administrator,\n                            Developer,\n                        ],\n                    },\n                    invited_by",
        1,
    );
    assert_ne!(text, demo_text());
    file_refused(&text, "grants an invalid set of roles");
}

#[test]
fn dangling_sids_in_an_invitation_are_refused_in_the_file() {
    let text = demo_text().replacen(
        "\"AC325e8d0656a7f29b4c2f93c358184950\": [\n                            Developer,",
        "\"AC00000000000000000000000000000000\": [\n                            Developer,",
        1,
    );
    assert_ne!(text, demo_text());
    file_refused(&text, "which is not an account of the file");
    let text = demo_text().replacen(
        "invited_by: \"USf333f44cf80ef7542166eafed2bcd2c7\"",
        "invited_by: \"US00000000000000000000000000000000\"",
        1,
    );
    file_refused(&text, "who is not a user of the file");
}

#[test]
fn a_malformed_sid_in_the_audit_is_refused_in_the_file() {
    let text = demo_text().replacen(
        "org: Some(\"OR98fbd44f861f220be799238fd3152578\"),\n            actor",
        "org: Some(\"ORnot-a-sid\"),\n            actor",
        1,
    );
    assert_ne!(text, demo_text());
    file_refused(&text, "an audit entry names 'ORnot-a-sid'");
}

// ---------------------------------------------------------------------------------------------
// Actions: every face calls them
// ---------------------------------------------------------------------------------------------

#[test]
fn acc_1_an_account_name_with_an_escape_sequence_is_refused_with_the_field_named() {
    let mut w = demo();
    let ctx = ctx_as(&w, OLIVIA);
    let r = refused_with(
        &mut w,
        &ctx,
        Action::CreateAccount {
            name: "Ops\u{1b}]0;PWNED\u{7}".into(),
            flex: false,
            owner: None,
        },
        "ACC-1",
    );
    assert!(r.message.contains("the account name"), "{}", r.message);
    assert!(r.message.contains("U+001B"), "{}", r.message);
    apply_ok(
        &mut w,
        &ctx,
        Action::CreateAccount {
            name: "Ops".into(),
            flex: false,
            owner: None,
        },
    );
}

#[test]
fn org_7_an_organization_name_with_a_bidi_override_is_refused() {
    let mut w = demo();
    let ctx = ctx_as(&w, OLIVIA);
    let r = refused_with(
        &mut w,
        &ctx,
        Action::RenameOrg {
            name: "Owl \u{202e}seirtsudnI".into(),
        },
        "ORG-7",
    );
    assert!(r.message.contains("the organization name"), "{}", r.message);
    apply_ok(
        &mut w,
        &ctx,
        Action::RenameOrg {
            name: "Owl Holdings".into(),
        },
    );
}

#[test]
fn sign_1_a_name_with_a_line_break_is_refused_at_sign_up() {
    let mut w = demo();
    let ctx = ctx_as(&w, OLIVIA);
    let r = refused_with(
        &mut w,
        &ctx,
        Action::Signup {
            email: "new.person@gmail.example".into(),
            name: Some("New\nPerson | Owner | active".into()),
        },
        "SIGN-1",
    );
    assert!(r.message.contains("the user's name"), "{}", r.message);
    assert!(r.message.contains("U+000A"), "{}", r.message);
}

#[test]
fn scim_2_a_display_name_with_an_escape_sequence_is_refused() {
    let mut w = demo();
    let owner = ctx_as(&w, OLIVIA);
    apply_ok(
        &mut w,
        &owner,
        Action::ScimEnable {
            token: "u".repeat(40),
        },
    );
    let scim = Ctx {
        org: org_sid(&w, OWL),
        actor: Actor::ScimToken,
    };
    let user = |display: &str| ScimUserData {
        user_name: "nina.new@owl-industries.example".into(),
        display_name: Some(display.into()),
        emails: vec![ScimEmail {
            value: "nina.new@owl-industries.example".into(),
            kind: Some("work".into()),
            primary: true,
        }],
        ..ScimUserData::default()
    };
    let r = refused_with(
        &mut w,
        &scim,
        Action::ScimCreateUser {
            user: user("Nina\u{1b}]0;PWNED\u{7}\u{1b}[2J"),
        },
        "SCIM-2",
    );
    assert!(r.message.contains("displayName"), "{}", r.message);
    refused_with(
        &mut w,
        &scim,
        Action::ScimCreateUser {
            user: user("Nina\nforged | row"),
        },
        "SCIM-2",
    );
    apply_ok(
        &mut w,
        &scim,
        Action::ScimCreateUser {
            user: user("Nina New"),
        },
    );
}

#[test]
fn the_cli_refuses_an_account_name_with_an_escape_sequence_and_leaves_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("w.ron");
    assert!(tworg(&path, &["init", "--demo"]).status.success());
    let before = fs::read(&path).unwrap();
    let journal = fs::read(dir.path().join("w.ron.journal")).unwrap();
    let out = tworg(&path, &["account", "create", "Ops\u{1b}]0;PWNED\u{7}"]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("[ACC-1]"), "{err}");
    assert!(err.contains("the account name"), "{err}");
    assert!(
        !err.contains('\u{1b}'),
        "the refusal itself is escaped: {err:?}"
    );
    assert_eq!(fs::read(&path).unwrap(), before);
    assert_eq!(fs::read(dir.path().join("w.ron.journal")).unwrap(), journal);
}

#[test]
fn a_csv_row_with_a_one_letter_first_name_is_rejected() {
    let mut w = demo();
    let ctx = ctx_as(&w, OLIVIA);
    w.apply(
        &ctx,
        &Action::Set(tworg::model::action::Setting::BulkImport(true)),
    )
    .ok();
    let csv = "email,first_name,last_name\nnew.one@owl-industries.example,A,Person\nnew.two@owl-industries.example,Bo\u{7},Person\n";
    if let Ok(out) = w.apply(
        &ctx,
        &Action::ImportUsers {
            csv: csv.to_string(),
        },
    ) {
        let report = format!("{:?}", out.report);
        assert!(
            report.contains("the first name must be 2 to 255"),
            "{report}"
        );
        assert!(report.contains("control character U+0007"), "{report}");
        assert!(w.user_by_email("new.one@owl-industries.example").is_none());
        assert!(w.user_by_email("new.two@owl-industries.example").is_none());
    } else {
        panic!("the import should report its rows");
    }
}

// ---------------------------------------------------------------------------------------------
// Unix manners: no colour or escape sequence in output that is not a terminal, NO_COLOR honoured
// ---------------------------------------------------------------------------------------------

#[test]
fn output_that_is_not_a_terminal_has_no_escape_sequences() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("w.ron");
    assert!(tworg(&path, &["init", "--demo"]).status.success());
    for no_color in [false, true] {
        for args in [
            &["show", "users"][..],
            &["check"],
            &["rules"],
            &["--help"],
            &["show", "nothing-of-that-name"],
            &["render", "--keys", "2"],
            &[],
        ] {
            let mut cmd = Command::new(env!("CARGO_BIN_EXE_tworg"));
            cmd.arg("--file").arg(&path).args(args);
            cmd.env_remove("TWORG_FILE").env("CLICOLOR_FORCE", "");
            if no_color {
                cmd.env("NO_COLOR", "1");
            } else {
                cmd.env_remove("NO_COLOR");
            }
            let out = cmd.output().unwrap();
            for stream in [&out.stdout, &out.stderr] {
                assert!(
                    !stream.contains(&0x1b),
                    "{args:?} wrote an escape sequence: {}",
                    String::from_utf8_lossy(stream)
                );
            }
        }
    }
    // the console itself refuses to draw into a pipe, and says what to use instead
    let out = tworg(&path, &[]);
    assert_eq!(out.status.code(), Some(4));
    assert!(
        stderr(&out).contains("needs a terminal"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_user_named_after_an_address_of_separators_still_has_a_name() {
    // a name made from `-@…` was empty, and the world then failed its own load check
    let mut w = demo();
    let ctx = ctx_as(&w, OLIVIA);
    apply_ok(
        &mut w,
        &ctx,
        Action::Signup {
            email: "-@gmail.example".into(),
            name: None,
        },
    );
    let text = tworg::persist::to_ron(&w);
    tworg::persist::from_ron(&text, "w.ron").expect("the world loads again");
}
