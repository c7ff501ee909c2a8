//! `tworg apply FILE|-`: a script of CLI lines in the CLI's grammar, applied after one load and
//! journalled as one record; per-line results; `--dry-run`, `--atomic`, `--json`.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;
use tworg::persist::{journal_path, load};

struct World {
    _dir: tempfile::TempDir,
    path: PathBuf,
}

fn demo() -> World {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("w.ron");
    let out = tworg(&path, &["init", "--demo"], None);
    assert!(out.status.success());
    World { _dir: dir, path }
}

fn tworg(path: &Path, args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_tworg"))
        .arg("--file")
        .arg(path)
        .args(args)
        .env_remove("TWORG_FILE")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    input.write_all(stdin.unwrap_or("").as_bytes()).unwrap();
    drop(input);
    child.wait_with_output().unwrap()
}

fn script(w: &World, text: &str) -> PathBuf {
    let p = w.path.with_file_name("script.tworg");
    fs::write(&p, text).unwrap();
    p
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}
fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn files(w: &World) -> (Vec<u8>, Vec<u8>) {
    (
        fs::read(&w.path).unwrap(),
        fs::read(journal_path(&w.path)).unwrap(),
    )
}

const SCRIPT: &str = r#"# verify the lab domain, then invite on it
domain verify owl-labs.example
tworg user invite ivy@owl-labs.example --role admin   # the same line as on the command line
user invite someone@gmail.com
--as sam.standard@owl-industries.example domain add corp.example

org rename "Owl & Co"
"#;

#[test]
fn lines_apply_in_order_with_a_result_each_and_are_journalled_as_one_record() {
    let w = demo();
    let s = script(&w, SCRIPT);
    let out = tworg(&w.path, &["apply", s.to_str().unwrap()], None);
    assert_eq!(out.status.code(), Some(3), "some lines were refused");
    let text = stdout(&out);
    assert!(text.contains("2: verified owl-labs.example"), "{text}");
    assert!(
        text.contains("3: invited ivy@owl-labs.example as Administrator"),
        "a later line sees what an earlier one did: {text}"
    );
    assert!(text.contains("3: invitation NF"), "{text}");
    assert!(text.contains("4: refused [USR-1]"), "{text}");
    assert!(text.contains("5: refused [ORG-3]"), "per-line --as: {text}");
    assert!(text.contains("7: renamed the organization"), "{text}");
    assert!(stderr(&out).contains("applied 3 of 5 line(s) (2 refused)"));
    let journal = fs::read_to_string(journal_path(&w.path)).unwrap();
    assert_eq!(journal.lines().count(), 2, "one record: {journal}");
    assert!(journal.lines().nth(1).unwrap().contains("Batch(changes:["));
    let world = load(&w.path).unwrap();
    let org = world.home_org.clone().unwrap();
    assert_eq!(world.org_name(&org), "Owl & Co");
    assert!(
        world.orgs[&org]
            .invitations
            .values()
            .any(|i| i.email == "ivy@owl-labs.example")
    );
}

#[test]
fn a_dry_run_reports_what_each_line_would_do_and_changes_nothing() {
    let w = demo();
    let before = files(&w);
    let s = script(&w, SCRIPT);
    let out = tworg(&w.path, &["apply", "--dry-run", s.to_str().unwrap()], None);
    assert_eq!(out.status.code(), Some(3));
    let text = stdout(&out);
    assert!(
        text.contains("3: would be: invited ivy@owl-labs.example"),
        "{text}"
    );
    assert!(
        !text.contains("invitation NF"),
        "no SIDs for a dry run: {text}"
    );
    assert!(stderr(&out).contains("nothing was changed"));
    assert_eq!(files(&w), before, "byte for byte");
}

#[test]
fn atomic_keeps_all_or_nothing() {
    let w = demo();
    let before = files(&w);
    let s = script(&w, SCRIPT);
    let out = tworg(&w.path, &["apply", "--atomic", s.to_str().unwrap()], None);
    assert_eq!(out.status.code(), Some(3));
    let text = stdout(&out);
    assert!(text.contains("4: refused [USR-1]"), "{text}");
    assert!(text.contains("5: not run"), "{text}");
    assert_eq!(files(&w), before, "nothing kept");

    let good = script(
        &w,
        "domain verify owl-labs.example\nuser invite ivy@owl-labs.example\n",
    );
    let out = tworg(
        &w.path,
        &["apply", "--atomic", good.to_str().unwrap()],
        None,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("applied 2 of 2"));
}

#[test]
fn a_line_that_does_not_parse_stops_the_script_before_anything_is_applied() {
    let w = demo();
    let before = files(&w);
    let s = script(
        &w,
        "org rename Fine\nuser invite\nfly away\nshow users\nuser invite \"x@y\n--file other.ron org rename X\n",
    );
    let out = tworg(&w.path, &["apply", s.to_str().unwrap()], None);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    for (line, what) in [
        (2, "required arguments were not provided: <EMAIL>"),
        (3, "unrecognized subcommand 'fly'"),
        (4, "does not change the world"),
        (5, "unclosed quote"),
        (6, "--file"),
    ] {
        assert!(
            err.contains(&format!("script.tworg:{line}: ")) && err.contains(what),
            "line {line}: {what}\n{err}"
        );
    }
    assert_eq!(files(&w), before);
}

#[test]
fn a_script_from_stdin_with_json_results() {
    let w = demo();
    let out = tworg(
        &w.path,
        &["--json", "apply", "-"],
        Some(
            "domain verify owl-labs.example\n--org 'Heron Logistics' org rename Crane\nuser invite a@gmail.com\n",
        ),
    );
    assert_eq!(out.status.code(), Some(3));
    let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["ok"], false);
    assert_eq!(v["applied"], 2);
    let lines = v["lines"].as_array().unwrap();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0]["line"], 1);
    assert_eq!(lines[0]["ok"], true);
    assert_eq!(
        lines[1]["message"],
        "renamed the organization 'Heron Logistics' to 'Crane'"
    );
    assert_eq!(lines[2]["refused"], "USR-1");
    assert_eq!(lines[2]["command"], "user invite a@gmail.com");
    let world = load(&w.path).unwrap();
    assert!(world.find_org("Crane").is_ok(), "per-line --org");
}

#[test]
fn a_clean_script_exits_0() {
    let w = demo();
    let out = tworg(
        &w.path,
        &["apply", "-"],
        Some(
            "\n# nothing but comments and changes\nclock advance 1d\n  org rename 'Owl Two'  # trailing comment\n",
        ),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        load(&w.path).unwrap().find_org("Owl Two").unwrap().name,
        "Owl Two"
    );
}

#[test]
fn the_default_actor_follows_an_ownership_transfer_made_by_an_earlier_line() {
    let w = demo();
    let out = tworg(
        &w.path,
        &["apply", "-"],
        Some(
            "org rename Before\norg transfer adam.admin@owl-industries.example\norg rename After\n",
        ),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let world = load(&w.path).unwrap();
    let last = world.audit.last().unwrap();
    assert_eq!(last.action, "org.rename");
    assert_eq!(
        last.actor, "adam.admin@owl-industries.example",
        "the new Owner acts"
    );
}

/// A script saved by an editor that writes a byte order mark reads as the same script.
#[test]
fn a_script_starting_with_a_byte_order_mark_applies() {
    let w = demo();
    let s = script(&w, "\u{feff}org rename \"Owl Two\"\n");
    let out = tworg(&w.path, &["apply", s.to_str().unwrap()], None);
    assert!(out.status.success(), "{}", stderr(&out));
    let world = load(&w.path).unwrap();
    assert_eq!(world.org_name(&world.home_org.clone().unwrap()), "Owl Two");
}
