//! The world file: round trips, clear errors for bad files that are never overwritten, the lock,
//! `.bak`, and mode 0600.

use std::fs;
use std::os::unix::fs::PermissionsExt;

use tworg::model::{Action, Ctx, WORLD_VERSION, World};
use tworg::persist::{
    self, StoreError, WorldFile, backup_path, demo_world, from_ron, load, to_ron,
};

fn owner_ctx(w: &World) -> Ctx {
    let org = w.home_org.clone().unwrap();
    let owner = w.owner_of_org(&org).unwrap().sid.clone();
    Ctx::new(org, owner)
}

#[test]
fn demo_world_round_trips_through_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("w.ron");
    let w = demo_world();
    WorldFile::create(&path, &w).unwrap();
    assert_eq!(load(&path).unwrap(), w);
    assert_eq!(
        to_ron(&load(&path).unwrap()),
        fs::read_to_string(&path).unwrap(),
        "output is deterministic"
    );
}

/// The version is read from the file's first 4 KiB: a character that straddles that boundary
/// (a name in any script) must not stop the world from loading.
#[test]
fn a_character_across_the_first_4_kib_does_not_stop_a_load() {
    let w = demo_world();
    let text = to_ron(&w);
    let (head, rest) = text.split_at(text.find("version: 4,\n").unwrap() + "version: 4,\n".len());
    for pad in ["", " "] {
        let comment = format!("    //{pad} {}\n", "ß".repeat(2100));
        let crafted = format!("{head}{comment}{rest}");
        assert!(!crafted.is_char_boundary(4096) || !crafted.is_char_boundary(4095));
        let loaded = tworg::persist::from_ron(&crafted, "crafted").expect("it loads");
        assert_eq!(loaded, w);
    }
}

/// A world file saved by an editor that writes a byte order mark loads as the same world.
#[test]
fn a_world_file_starting_with_a_byte_order_mark_loads() {
    let w = demo_world();
    let text = format!("\u{feff}{}", to_ron(&w));
    assert_eq!(tworg::persist::from_ron(&text, "bom").expect("it loads"), w);
}

#[test]
fn saves_are_mode_0600_and_keep_the_previous_world_as_bak() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("w.ron");
    let mut w = demo_world();
    let file = WorldFile::create(&path, &w).unwrap();
    let first = fs::read_to_string(&path).unwrap();
    w.apply(
        &owner_ctx(&w),
        &Action::RenameOrg {
            name: "Owl Renamed".into(),
        },
    )
    .unwrap();
    file.save(&w).unwrap();
    assert_eq!(fs::read_to_string(backup_path(&path)).unwrap(), first);
    assert!(fs::read_to_string(&path).unwrap().contains("Owl Renamed"));
    assert_eq!(
        fs::metadata(&path).unwrap().permissions().mode() & 0o777,
        0o600
    );
    let leftovers: Vec<_> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.contains(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "no temp file left: {leftovers:?}");
}

fn assert_bad_file(text: &str, expect: impl Fn(&StoreError) -> bool) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.ron");
    fs::write(&path, text).unwrap();
    let err = WorldFile::open(&path).unwrap_err();
    assert!(expect(&err), "unexpected error: {err}");
    let msg = err.to_string();
    assert!(msg.contains("bad.ron"), "names the file: {msg}");
    assert_eq!(
        fs::read_to_string(&path).unwrap(),
        text,
        "the file is left untouched"
    );
    assert!(!backup_path(&path).exists());
}

#[test]
fn an_empty_file_fails_clearly_and_is_left_untouched() {
    assert_bad_file("", |e| {
        matches!(
            e,
            StoreError::Parse {
                line: 1,
                col: 1,
                ..
            }
        )
    });
}

#[test]
fn a_garbage_file_fails_with_line_and_column() {
    assert_bad_file("this is not a world\n", |e| {
        matches!(e, StoreError::Parse { line: 1, .. })
    });
}

#[test]
fn a_truncated_file_fails_with_line_and_column() {
    let full = to_ron(&demo_world());
    let cut = &full[..full.len() / 2];
    assert_bad_file(
        cut,
        |e| matches!(e, StoreError::Parse { line, .. } if *line > 1),
    );
}

#[test]
fn a_wrong_version_fails_and_names_the_version() {
    let current = format!("version: {WORLD_VERSION},");
    let text = to_ron(&demo_world()).replacen(&current, "version: 99,", 1);
    assert!(text.contains("version: 99,"));
    assert_bad_file(&text, |e| {
        matches!(e, StoreError::Version { found: 99, .. })
    });
}

#[test]
fn a_world_breaking_an_invariant_is_refused_with_its_location() {
    // Two Owners in Owl Industries breaks ORG-1.
    let text = to_ron(&demo_world()).replacen("role: Administrator", "role: Owner", 1);
    assert_bad_file(
        &text,
        |e| matches!(e, StoreError::Invariant { message, line, .. } if message.contains("ORG-1") && *line > 1),
    );
}

#[test]
fn an_account_changed_before_it_was_created_is_refused() {
    let text = to_ron(&demo_world());
    let at = text.find("updated_at: Some(\"").unwrap() + "updated_at: Some(\"".len();
    let text = format!("{}2001-01-01T00:00:00Z{}", &text[..at], &text[at + 20..]);
    assert_bad_file(
        &text,
        |e| matches!(e, StoreError::Invariant { message, .. } if message.contains("changed before it was created")),
    );
}

#[test]
fn a_locked_file_is_refused_to_a_second_writer_but_readable() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("w.ron");
    let _first = WorldFile::create(&path, &demo_world()).unwrap();
    let err = WorldFile::open(&path).unwrap_err();
    assert!(matches!(err, StoreError::Locked { .. }), "{err}");
    assert!(err.to_string().contains("w.ron"));
    assert!(load(&path).is_ok(), "reading stays possible");
}

#[test]
fn init_refuses_to_overwrite_an_existing_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("w.ron");
    fs::write(&path, "keep me").unwrap();
    assert!(matches!(
        WorldFile::create(&path, &demo_world()),
        Err(StoreError::Exists { .. })
    ));
    assert_eq!(fs::read_to_string(&path).unwrap(), "keep me");
}

#[test]
fn unknown_fields_are_errors_not_silently_dropped() {
    let current = format!("version: {WORLD_VERSION},");
    let text =
        to_ron(&demo_world()).replacen(&current, &format!("{current}\n    colour: \"blue\","), 1);
    let err = from_ron(&text, "x.ron").unwrap_err();
    assert!(err.to_string().contains("colour"), "{err}");
}

#[test]
fn the_default_path_honours_tworg_file() {
    // SAFETY: single-threaded use of the variable within this test binary's one test touching it.
    unsafe { std::env::set_var("TWORG_FILE", "/tmp/some-world.ron") };
    assert_eq!(
        persist::default_path(),
        std::path::PathBuf::from("/tmp/some-world.ron")
    );
    unsafe { std::env::remove_var("TWORG_FILE") };
}

#[test]
fn a_version_3_file_loads_and_its_accounts_have_not_changed_since_created() {
    let v3 = include_str!("fixtures/demo-v3.ron");
    assert!(v3.contains("version: 3,") && !v3.contains("updated_at"));
    let w = from_ron(v3, "demo-v3.ron").expect("a version 3 file loads");
    assert_eq!(w.version, WORLD_VERSION);
    assert!(w.accounts.values().all(|a| a.updated_at.is_none()));
    // the same world but for the dates the demo's changes set
    let mut now = demo_world();
    for a in now.accounts.values_mut() {
        a.updated_at = None;
    }
    assert_eq!(w.accounts, now.accounts);
}
