//! The journal beside the snapshot: changes are appended and replayed on open; a torn last record
//! is dropped with a warning, a damaged one in the middle is an error naming file:line; every
//! state a crash can leave in a compaction opens to the same world; `check` sees the journal; a
//! second writer is kept out even when `.lock` is deleted; old worlds without a journal open.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use tworg::model::{Action, Ctx, World};
use tworg::persist::journal::{self, Record};
use tworg::persist::{
    StoreError, WorldFile, backup_path, demo_world, journal_path, load, load_report, to_ron,
};
use tworg::session::Session;

fn owner_ctx(w: &World) -> Ctx {
    let org = w.home_org.clone().unwrap();
    let owner = w.owner_of_org(&org).unwrap().sid.clone();
    Ctx::new(org, owner)
}

fn rename(i: usize) -> Action {
    Action::RenameOrg {
        name: format!("Owl {i}"),
    }
}

/// A demo world file with `n` renames committed to its journal; returns the world in memory.
fn world_with_changes(dir: &Path, n: usize) -> (PathBuf, World) {
    let path = dir.join("w.ron");
    let mut w = demo_world();
    let file = WorldFile::create(&path, &w).unwrap();
    let ctx = owner_ctx(&w);
    for i in 0..n {
        w.apply(&ctx, &rename(i)).unwrap();
        file.commit(&ctx, &rename(i)).unwrap();
    }
    (path, w)
}

#[test]
fn changes_are_appended_to_the_journal_and_replayed_on_open() {
    let dir = tempfile::tempdir().unwrap();
    let (path, w) = world_with_changes(dir.path(), 3);
    let snapshot = fs::read_to_string(&path).unwrap();
    assert_eq!(snapshot, to_ron(&demo_world()), "the snapshot is untouched");
    let journal = fs::read_to_string(journal_path(&path)).unwrap();
    assert_eq!(
        journal.lines().count(),
        4,
        "a header and one line per change"
    );
    assert!(journal.starts_with("tworg-journal 1 base="));
    assert!(
        journal
            .lines()
            .nth(1)
            .unwrap()
            .contains("RenameOrg(name:\"Owl 0\")")
    );
    let (back, report) = load_report(&path).unwrap();
    assert_eq!(back, w);
    assert_eq!(report.replayed, 3);
    let (_file, back) = WorldFile::open(&path).unwrap();
    assert_eq!(back, w);
}

#[test]
fn a_torn_last_record_is_dropped_with_a_warning_and_cut_by_the_next_writer() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = world_with_changes(dir.path(), 3);
    let jpath = journal_path(&path);
    let full = fs::read(&jpath).unwrap();
    fs::write(&jpath, &full[..full.len() - 7]).unwrap();
    let (w, report) = load_report(&path).unwrap();
    let org = w.home_org.clone().unwrap();
    assert_eq!(
        w.org_name(&org),
        "Owl 1",
        "the torn third change is dropped"
    );
    assert_eq!(report.replayed, 2);
    assert_eq!(report.warnings.len(), 1);
    assert!(
        report.warnings[0].contains("w.ron.journal:4") && report.warnings[0].contains("dropped"),
        "{:?}",
        report.warnings
    );
    // A reader leaves the file alone; the next writer cuts the torn tail and appends after it.
    assert_eq!(fs::read(&jpath).unwrap().len(), full.len() - 7);
    let (file, mut w) = WorldFile::open(&path).unwrap();
    let ctx = owner_ctx(&w);
    w.apply(&ctx, &rename(9)).unwrap();
    file.commit(&ctx, &rename(9)).unwrap();
    drop(file);
    let (back, report) = load_report(&path).unwrap();
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
    assert_eq!(back, w);
}

#[test]
fn a_damaged_record_in_the_middle_is_an_error_naming_file_and_line_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = world_with_changes(dir.path(), 3);
    let jpath = journal_path(&path);
    let text = fs::read_to_string(&jpath).unwrap();
    let damaged = text.replacen("Owl 1", "Owl X", 1);
    fs::write(&jpath, &damaged).unwrap();
    for err in [
        load(&path).unwrap_err(),
        WorldFile::open(&path).unwrap_err(),
    ] {
        assert!(matches!(err, StoreError::Journal { line: 3, .. }), "{err}");
        assert!(err.to_string().contains("w.ron.journal:3:"), "{err}");
    }
    assert_eq!(
        fs::read_to_string(&jpath).unwrap(),
        damaged,
        "never rewritten"
    );
    let out = Command::new(env!("CARGO_BIN_EXE_tworg"))
        .args(["--file", path.to_str().unwrap(), "check"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4));
    assert!(String::from_utf8_lossy(&out.stderr).contains("w.ron.journal:3:"));
}

#[test]
fn a_record_of_a_newer_tworg_is_an_error_not_a_torn_write() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = world_with_changes(dir.path(), 1);
    let jpath = journal_path(&path);
    let mut text = fs::read_to_string(&jpath).unwrap();
    let body = "Apply(ctx:(org:\"OR0\",actor:ScimToken),action:Teleport(to:\"moon\"))";
    // a well-formed line with a valid checksum: only the record is unknown
    let sum = journal::checksum(2, body);
    text.push_str(&format!("2 {sum} {body}\n"));
    fs::write(&jpath, &text).unwrap();
    let err = load(&path).unwrap_err().to_string();
    assert!(
        err.contains("w.ron.journal:3:") && err.contains("newer tworg"),
        "{err}"
    );
}

#[test]
fn a_journal_of_another_snapshot_is_refused_and_kept() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = world_with_changes(dir.path(), 2);
    // someone puts another world in place (a restore, a checkout) while the journal has changes
    let mut other = demo_world();
    other.sid_seed ^= 1;
    fs::write(&path, to_ron(&other)).unwrap();
    let err = WorldFile::open(&path).unwrap_err();
    assert!(matches!(err, StoreError::Mismatch { .. }), "{err}");
    assert!(err.to_string().contains("w.ron.journal"), "{err}");
    assert_eq!(
        fs::read_to_string(journal_path(&path))
            .unwrap()
            .lines()
            .count(),
        3
    );
}

#[test]
fn compaction_folds_the_journal_into_a_new_snapshot_and_keeps_the_old_one_as_bak() {
    let dir = tempfile::tempdir().unwrap();
    let (path, w) = world_with_changes(dir.path(), 3);
    let (file, back) = WorldFile::open(&path).unwrap();
    assert_eq!(back, w);
    file.compact(&back).unwrap();
    assert_eq!(fs::read_to_string(&path).unwrap(), to_ron(&w));
    assert_eq!(
        fs::read_to_string(backup_path(&path)).unwrap(),
        to_ron(&demo_world())
    );
    let j = fs::read_to_string(journal_path(&path)).unwrap();
    assert_eq!(j.lines().count(), 1, "only the header: {j}");
    assert!(j.ends_with("seq=3\n"), "{j}");
    drop(file);
    assert_eq!(load_report(&path).unwrap().1.replayed, 0);
    assert_eq!(load(&path).unwrap(), w);
}

/// Every state a crash can leave in the middle of a compaction opens to the same world: after
/// the `Folded` marker is appended but before the snapshot is renamed, and after the rename but
/// before the journal is replaced. The next writer finishes the compaction.
#[test]
fn a_compaction_interrupted_at_any_step_opens_to_the_same_world() {
    let dir = tempfile::tempdir().unwrap();
    let (path, w) = world_with_changes(dir.path(), 4);
    let jpath = journal_path(&path);
    let journal_before = fs::read_to_string(&jpath).unwrap();
    // the world after two of the four changes, as a compaction that read two would write it
    let mut two = demo_world();
    let ctx = owner_ctx(&two);
    two.apply(&ctx, &rename(0)).unwrap();
    two.apply(&ctx, &rename(1)).unwrap();
    let text = to_ron(&two);
    let hash = journal::sha256_hex(text.as_bytes());
    let marker = journal::encode(
        5,
        &Record::Folded {
            snapshot: hash.clone(),
            upto: 2,
        },
    );
    // 1. the marker is in the journal, the new snapshot is not in place yet
    fs::write(&jpath, journal_before.clone() + &marker).unwrap();
    assert_eq!(load(&path).unwrap(), w);
    // 2. the snapshot is renamed in, the journal not yet replaced
    fs::write(&path, &text).unwrap();
    assert_eq!(load(&path).unwrap(), w);
    let (file, back) = WorldFile::open(&path).unwrap();
    assert_eq!(back, w);
    drop(file);
    let j = fs::read_to_string(&jpath).unwrap();
    assert!(
        j.starts_with(&format!("tworg-journal 1 base={hash} seq=2\n")),
        "the writer finished the compaction: {j}"
    );
    assert_eq!(
        j.lines().count(),
        3,
        "the two changes the snapshot lacks: {j}"
    );
    assert_eq!(load(&path).unwrap(), w);
}

#[test]
fn check_sees_the_journal() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = world_with_changes(dir.path(), 2);
    let out = Command::new(env!("CARGO_BIN_EXE_tworg"))
        .args(["--file", path.to_str().unwrap(), "--json", "check"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["journal"]["replayed"], 2);
    assert_eq!(v["summary"]["home_org"], "Owl 1");
    let out = Command::new(env!("CARGO_BIN_EXE_tworg"))
        .args(["--file", path.to_str().unwrap(), "compact"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("folded 2 change"));
    let out = Command::new(env!("CARGO_BIN_EXE_tworg"))
        .args(["--file", path.to_str().unwrap(), "--json", "check"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["journal"]["replayed"], 0);
    assert_eq!(v["summary"]["home_org"], "Owl 1");
}

#[test]
fn an_old_world_without_a_journal_opens_and_gets_one() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.ron");
    fs::write(&path, to_ron(&demo_world())).unwrap();
    assert_eq!(load(&path).unwrap(), demo_world());
    assert!(!journal_path(&path).exists(), "reading writes nothing");
    let (file, mut w) = WorldFile::open(&path).unwrap();
    assert!(journal_path(&path).exists());
    let ctx = owner_ctx(&w);
    w.apply(&ctx, &rename(1)).unwrap();
    file.commit(&ctx, &rename(1)).unwrap();
    drop(file);
    assert_eq!(load(&path).unwrap(), w);
}

#[test]
fn deleting_the_lock_file_does_not_let_a_second_writer_in() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = world_with_changes(dir.path(), 1);
    let (_first, _) = WorldFile::open(&path).unwrap();
    fs::remove_file(dir.path().join("w.ron.lock")).unwrap();
    let err = WorldFile::open(&path).unwrap_err();
    assert!(matches!(err, StoreError::Locked { .. }), "{err}");
}

#[test]
fn the_scim_token_is_journalled_only_as_its_hash() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("w.ron");
    let w = demo_world();
    let ctx = owner_ctx(&w);
    let mut s = Session::new(w, Some(WorldFile::create(&path, &demo_world()).unwrap()));
    let token = "tworg_0123456789abcdef0123456789abcdef".to_string();
    s.apply(
        &ctx,
        &Action::ScimEnable {
            token: token.clone(),
        },
    )
    .unwrap();
    let journal = fs::read_to_string(journal_path(&path)).unwrap();
    assert!(!journal.contains(&token));
    assert!(journal.contains(&tworg::model::scim::token_hash(&token)));
    let back = load(&path).unwrap();
    assert_eq!(back, s.world);
    assert!(back.scim_token_matches(&ctx.org, &token));
}

#[test]
fn a_background_compaction_replays_on_its_own_copy_while_changes_go_on() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("w.ron");
    let file = WorldFile::create(&path, &demo_world()).unwrap();
    file.set_compaction_threshold(600);
    let mut s = Session::new(demo_world(), Some(file)).with_background_compaction();
    let ctx = owner_ctx(&s.world);
    for i in 0..60 {
        s.apply(&ctx, &rename(i)).unwrap();
    }
    s.flush().unwrap();
    let j = fs::read_to_string(journal_path(&path)).unwrap();
    assert_eq!(j.lines().count(), 1, "{j}");
    assert_eq!(load(&path).unwrap(), s.world);
}

#[test]
fn many_background_compactions_never_lose_a_change() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("w.ron");
    let file = WorldFile::create(&path, &demo_world()).unwrap();
    file.set_compaction_threshold(300);
    let mut s = Session::new(demo_world(), Some(file)).with_background_compaction();
    let ctx = owner_ctx(&s.world);
    for i in 0..200 {
        s.apply(&ctx, &rename(i)).unwrap();
        if i % 50 == 49 {
            // a reader at any moment sees a prefix of the changes
            let seen = load(&path).unwrap();
            assert_eq!(seen, s.world);
        }
    }
    assert_eq!(load(&path).unwrap(), s.world);
}

#[test]
fn restore_records_replay_and_compact_and_never_go_back_before_a_snapshot() {
    use tworg::persist::journal::RestoreVerb;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("w.ron");
    let file = WorldFile::create(&path, &demo_world()).unwrap();
    let mut s = Session::new(demo_world(), Some(file));
    let ctx = owner_ctx(&s.world);
    s.apply(&ctx, &rename(1)).unwrap();
    s.apply(&ctx, &rename(2)).unwrap();
    // undo the second change: the world as it was after record 1
    let before = s.file().unwrap().world_at(1).unwrap();
    let change = before.audit.len();
    s.restore(&ctx, RestoreVerb::Undo, 1, 0, &before).unwrap();
    assert_eq!(s.world.org_name(&ctx.org), "Owl 1");
    // redo it: the world as it was after record 2
    let after = s.file().unwrap().world_at(2).unwrap();
    s.restore(&ctx, RestoreVerb::Redo, 2, change, &after)
        .unwrap();
    assert_eq!(s.world.org_name(&ctx.org), "Owl 2");
    assert_eq!(load(&path).unwrap(), s.world, "restores replay");
    // a background compaction folds them
    assert!(s.file().unwrap().compact_from_disk().unwrap());
    assert_eq!(load(&path).unwrap(), s.world);
    // now records 1 and 2 are in the snapshot: there is no going back to them
    let err = s.file().unwrap().world_at(1).unwrap_err().to_string();
    assert!(err.contains("already folded into the snapshot"), "{err}");
    // a compaction whose snapshot would hold the point a later restore goes back to waits
    s.apply(&ctx, &rename(3)).unwrap(); // seq 6 (5 was the compaction's marker)
    let seq = s.last_seq().unwrap();
    s.apply(&ctx, &rename(4)).unwrap();
    let at = s.file().unwrap().world_at(seq).unwrap();
    s.restore(&ctx, RestoreVerb::Undo, seq, 0, &at).unwrap();
    let journal = s.file().unwrap().journal();
    let (epoch, _) = journal.position();
    let err = journal
        .switch(&"f".repeat(64), seq + 1, epoch, || Ok(()))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("undo goes back before the new snapshot"),
        "{err}"
    );
    assert_eq!(load(&path).unwrap(), s.world, "nothing changed on disk");
}
