//! End-to-end tests of the `tworg` binary on temporary worlds.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

struct World {
    _dir: tempfile::TempDir,
    path: PathBuf,
}

fn demo() -> World {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("w.ron");
    let out = tworg(&path, &["init", "--demo"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    World { _dir: dir, path }
}

fn tworg(path: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tworg"))
        .arg("--file")
        .arg(path)
        .args(args)
        .env_remove("TWORG_FILE")
        .output()
        .unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}
fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn json(path: &Path, args: &[&str]) -> Value {
    let mut a = vec!["--json"];
    a.extend_from_slice(args);
    let out = tworg(path, &a);
    assert!(out.status.success(), "{}", stderr(&out));
    serde_json::from_str(&stdout(&out)).unwrap()
}

#[test]
fn a_refused_command_exits_3_and_leaves_the_file_byte_identical() {
    let w = demo();
    let before = fs::read(&w.path).unwrap();
    let out = tworg(&w.path, &["user", "invite", "someone@gmail.com"]);
    assert_eq!(out.status.code(), Some(3));
    assert!(
        stderr(&out).starts_with("refused [USR-1]"),
        "{}",
        stderr(&out)
    );
    assert_eq!(fs::read(&w.path).unwrap(), before);
    assert!(
        !tworg::persist::backup_path(&w.path).exists(),
        "nothing was saved, so no .bak either"
    );
}

#[test]
fn a_refusal_with_json_is_machine_readable() {
    let w = demo();
    let out = tworg(&w.path, &["--json", "org", "delete"]);
    assert_eq!(out.status.code(), Some(3));
    let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["refused"], "ORG-6");
    assert!(v["message"].as_str().unwrap().contains("cannot be deleted"));
}

#[test]
fn creating_prints_one_kind_sid_line_each() {
    let w = demo();
    let out = tworg(&w.path, &["account", "create", "Owl Analytics"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let line = stdout(&out);
    assert!(
        line.starts_with("account AC") && line.trim().len() == "account ".len() + 34,
        "{line}"
    );
    let out = tworg(&w.path, &["signup", "newbie@fresh-start.example"]);
    let lines: Vec<_> = stdout(&out)
        .lines()
        .map(|l| l.split(' ').next().unwrap().to_string())
        .collect();
    assert_eq!(
        lines,
        ["user", "account", "org"],
        "a standalone sign-up creates all three"
    );
}

#[test]
fn show_json_has_the_documented_fields() {
    let w = demo();
    let accounts = json(&w.path, &["show", "accounts"]);
    let first = &accounts[0];
    for field in [
        "sid", "name", "kind", "status", "type", "hipaa", "owner", "parent",
    ] {
        assert!(first.get(field).is_some(), "accounts.{field}");
    }
    assert!(
        accounts
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["kind"] == "pending")
    );
    assert!(
        accounts
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["kind"] == "independent")
    );
    let users = json(&w.path, &["show", "users"]);
    for field in ["sid", "email", "name", "role", "status"] {
        assert!(users[0].get(field).is_some(), "users.{field}");
    }
    assert!(
        users
            .as_array()
            .unwrap()
            .iter()
            .any(|u| u["role"].is_null()),
        "external collaborators have no role"
    );
    let domains = json(&w.path, &["show", "domains"]);
    for field in ["name", "status", "days_left"] {
        assert!(domains[0].get(field).is_some(), "domains.{field}");
    }
    let orgs = json(&w.path, &["show", "orgs"]);
    for field in ["sid", "name", "owner"] {
        assert!(orgs[0].get(field).is_some(), "orgs.{field}");
    }
}

#[test]
fn rules_lists_every_rule_id() {
    let w = demo();
    let rules = json(&w.path, &["rules"]);
    let ids: Vec<&str> = rules
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), tworg::model::rules::ALL.len());
    for id in [
        "ID-1", "ORG-8", "ACC-10", "SUB-6", "DOM-11", "SIGN-5", "USR-9", "SSO-5", "SCIM-4",
        "MRG-4", "HIP-3", "CLK-1", "AUD-1",
    ] {
        assert!(ids.contains(&id), "{id}");
    }
}

#[test]
fn init_refuses_to_overwrite_and_exits_4() {
    let w = demo();
    let before = fs::read(&w.path).unwrap();
    let out = tworg(&w.path, &["init", "--demo"]);
    assert_eq!(out.status.code(), Some(4));
    assert!(stderr(&out).contains("already exists"));
    assert_eq!(fs::read(&w.path).unwrap(), before);
}

#[test]
fn init_with_org_and_owner_creates_a_fresh_world() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("fresh.ron");
    let out = tworg(
        &path,
        &[
            "init",
            "--org",
            "Wren Works",
            "--owner",
            "wanda@wren-works.example",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("org OR"));
    let orgs = json(&path, &["show", "orgs"]);
    assert_eq!(orgs[0]["name"], "Wren Works");
    assert_eq!(orgs[0]["owner"], "wanda@wren-works.example");
}

#[test]
fn a_file_that_does_not_parse_exits_4_with_position_and_stays() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("broken.ron");
    fs::write(&path, "(version: 1, clock: ").unwrap();
    let out = tworg(&path, &["account", "create", "X"]);
    assert_eq!(out.status.code(), Some(4));
    assert!(stderr(&out).contains("broken.ron:1:"), "{}", stderr(&out));
    assert_eq!(fs::read_to_string(&path).unwrap(), "(version: 1, clock: ");
}

#[test]
fn a_locked_file_exits_4_naming_the_file() {
    let w = demo();
    let (_held, _) = tworg::persist::WorldFile::open(&w.path).unwrap();
    let out = tworg(&w.path, &["account", "create", "X"]);
    assert_eq!(out.status.code(), Some(4));
    assert!(stderr(&out).contains("locked"), "{}", stderr(&out));
    assert!(
        tworg(&w.path, &["show", "accounts"]).status.success(),
        "reading stays possible"
    );
}

#[test]
fn usage_errors_exit_2() {
    let w = demo();
    assert_eq!(
        tworg(&w.path, &["account", "frobnicate"]).status.code(),
        Some(2)
    );
    assert_eq!(
        tworg(&w.path, &["clock", "advance", "soon"]).status.code(),
        Some(2)
    );
    assert_eq!(
        tworg(&w.path, &["org", "set", "colour", "blue"])
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn a_full_import_flow_from_the_shell() {
    let w = demo();
    let accounts = json(&w.path, &["show", "accounts", "--org", "Owl Industries"]);
    assert!(
        !accounts
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["name"] == "Owl Legacy Billing")
    );
    // The importable account lives outside every org; find its SID in the file.
    let world = tworg::persist::load(&w.path).unwrap();
    let sid = world
        .accounts
        .values()
        .find(|a| a.name == "Owl Legacy Billing")
        .unwrap()
        .sid
        .to_string();
    let out = tworg(&w.path, &["account", "import", &sid]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = tworg(
        &w.path,
        &[
            "--as",
            "liam.legacy@owl-industries.example",
            "account",
            "confirm",
            &sid,
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let accounts = json(&w.path, &["show", "accounts"]);
    let row = accounts
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["sid"] == sid.as_str())
        .unwrap();
    assert_eq!(row["kind"], "managed");
    let users = json(&w.path, &["show", "users"]);
    let liam = users
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["email"] == "liam.legacy@owl-industries.example")
        .unwrap();
    assert_eq!(
        liam["role"], "standard",
        "the confirming owner joined as Standard (ACC-5)"
    );
}

#[test]
fn clock_advance_applies_expiries() {
    let w = demo();
    let statuses = |w: &World| -> Vec<String> {
        json(&w.path, &["show", "invitations"])
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["status"].as_str().unwrap().to_string())
            .collect()
    };
    // Paula's invitation and Mia's import request.
    assert_eq!(statuses(&w), ["pending", "pending"]);
    let out = tworg(&w.path, &["clock", "advance", "8d"]);
    assert!(out.status.success());
    assert!(
        stdout(&out).contains("paula.pending@owl-industries.example expired"),
        "{}",
        stdout(&out)
    );
    // USR-3 rev 2: they stay listed, expired.
    assert_eq!(statuses(&w), ["expired", "expired"]);
}

#[test]
fn scim_enable_prints_the_token_once_and_stores_only_its_hash() {
    let w = demo();
    let out = tworg(&w.path, &["scim", "enable"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let token = stdout(&out).lines().next().unwrap().to_string();
    assert!(token.len() >= 32);
    // the world on disk: the snapshot and the journal of changes since
    let text = fs::read_to_string(&w.path).unwrap()
        + &fs::read_to_string(tworg::persist::journal_path(&w.path)).unwrap();
    assert!(!text.contains(&token), "the secret is not in the files");
    assert!(text.contains(&tworg::model::scim::token_hash(&token)));
}

#[test]
fn check_validates_and_summarises() {
    let w = demo();
    let v = json(&w.path, &["check"]);
    assert_eq!(v["ok"], true);
    assert_eq!(v["summary"]["orgs"], 3);
}

#[test]
fn world_generate_builds_a_large_valid_world() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.ron");
    let out = tworg(
        &path,
        &[
            "world",
            "generate",
            "--users",
            "2000",
            "--accounts",
            "100",
            "--orgs",
            "2",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let v = json(&path, &["check"]);
    assert_eq!(v["summary"]["users"], 2000);
    assert_eq!(v["summary"]["orgs"], 2);
}

#[test]
fn read_only_refuses_every_change_and_still_shows() {
    let w = demo();
    let before = fs::read(&w.path).unwrap();
    let out = tworg(&w.path, &["--read-only", "account", "create", "X"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("read-only"), "{}", stderr(&out));
    assert_eq!(fs::read(&w.path).unwrap(), before);
    assert!(
        tworg(&w.path, &["--read-only", "show", "users"])
            .status
            .success()
    );
}

#[test]
fn a_closed_pipe_ends_a_printing_command_quietly() {
    use std::io::Read;
    use std::os::unix::process::ExitStatusExt;
    use std::process::Stdio;
    // Far more rows than a pipe holds, so the writer is still writing when the reader goes away.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.ron");
    let out = tworg(
        &path,
        &["world", "generate", "--users", "5000", "--accounts", "50"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let mut child = Command::new(env!("CARGO_BIN_EXE_tworg"))
        .arg("--file")
        .arg(&path)
        .args(["show", "users"])
        .env_remove("TWORG_FILE")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 16];
    child.stdout.take().unwrap().read_exact(&mut first).unwrap(); // then the pipe closes
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_ne!(out.status.code(), Some(101), "{stderr}");
    assert!(
        out.status.success() || out.status.signal() == Some(SIGPIPE),
        "{:?}",
        out.status
    );
}

/// The signal a write to a closed pipe raises (13 on Linux).
const SIGPIPE: i32 = 13;

/// Runs tworg on a fresh HOME with no file given: the default location.
fn tworg_fresh_home(home: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tworg"))
        .args(args)
        .env_remove("TWORG_FILE")
        .env_remove("XDG_DATA_HOME")
        .env("HOME", home)
        .output()
        .unwrap()
}

#[test]
fn check_on_the_default_location_creates_the_demo_world_like_every_other_command() {
    let home = tempfile::tempdir().unwrap();
    let out = tworg_fresh_home(home.path(), &["check"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("created"), "{}", stderr(&out));
    assert!(stdout(&out).contains(": ok"), "{}", stdout(&out));
    // and again: it reopens it
    let again = tworg_fresh_home(home.path(), &["check"]);
    assert!(again.status.success(), "{}", stderr(&again));
    assert!(!stderr(&again).contains("created"), "{}", stderr(&again));
}

#[test]
fn init_with_an_owner_but_no_org_is_refused_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("w.ron");
    let out = tworg(&path, &["init", "--owner", "ann@example.com"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("--org"), "{}", stderr(&out));
    assert!(!path.exists(), "nothing is written");
}

#[test]
fn a_refusal_prints_its_fixes_as_command_lines() {
    let w = demo();
    let out = tworg(&w.path, &["user", "invite", "ivy@owl-labs.example"]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("fix: tworg domain verify owl-labs.example"),
        "{}",
        stderr(&out)
    );
    let out = tworg(
        &w.path,
        &["--json", "user", "invite", "ivy@owl-labs.example"],
    );
    let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["fixes"][0], "tworg domain verify owl-labs.example");
}

/// `--help` says what every command does: a subcommand without a line is a gap in the manual.
#[test]
fn every_command_says_what_it_does() {
    use clap::CommandFactory;
    fn walk(cmd: &clap::Command, path: &str, missing: &mut Vec<String>) {
        for sub in cmd.get_subcommands() {
            if sub.is_hide_set() || sub.get_name() == "help" {
                continue;
            }
            let here = format!("{path} {}", sub.get_name());
            if sub.get_about().is_none() {
                missing.push(here.clone());
            }
            walk(sub, &here, missing);
        }
    }
    let mut missing = Vec::new();
    walk(&tworg::cli::args::Cli::command(), "tworg", &mut missing);
    assert!(missing.is_empty(), "commands without help: {missing:?}");
}

/// A fix printed for a refusal in another organization than the home one says `--org`, so that
/// run as printed it acts there (it acted on the home organization).
#[test]
fn a_fix_in_another_organization_names_it() {
    let w = demo();
    let out = tworg(
        &w.path,
        &["--org", "Finch Analytics", "show", "accounts", "--json"],
    );
    let accounts: Value = serde_json::from_slice(&out.stdout).unwrap();
    let sid = accounts[0]["sid"].as_str().unwrap().to_string();
    let hipaa = ["--org", "Finch Analytics", "account", "hipaa", &sid, "on"];
    let out = tworg(&w.path, &hipaa);
    assert_eq!(out.status.code(), Some(3));
    let err = stderr(&out);
    assert!(
        err.contains("fix: tworg org set baa on --org 'Finch Analytics'"),
        "{err}"
    );
    let out = tworg(
        &w.path,
        &["org", "set", "baa", "on", "--org", "Finch Analytics"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let out = tworg(&w.path, &hipaa);
    assert!(
        out.status.success(),
        "the fix was taken where it was meant: {}",
        stderr(&out)
    );
}
