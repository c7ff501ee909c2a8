//! Undo and redo in the console on a world with a file (issue 11): no copy of the world is kept
//! per change; the state to go back to is rebuilt from the snapshot and the journal, and undo
//! and redo are journalled as restore records (AUD-1: changes of their own), so what is on disk
//! replays to the same world — after a crash, and after a compaction.

use std::path::PathBuf;

use tworg::console::app::App;
use tworg::model::{Action, Ctx, World};
use tworg::persist::{WorldFile, demo_world, journal_path, load};
use tworg::session::Session;

mod console_harness;
use console_harness::Harness;

/// The console on a world with a file in a temporary folder.
struct H {
    _dir: tempfile::TempDir,
    path: PathBuf,
    console: Harness,
}

fn owner_ctx(w: &World) -> Ctx {
    let org = w.home_org.clone().unwrap();
    let owner = w.owner_of_org(&org).unwrap().sid.clone();
    Ctx::new(org, owner)
}

impl H {
    fn new() -> H {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("w.ron");
        let file = WorldFile::create(&path, &demo_world()).unwrap();
        let world = demo_world();
        let ctx = owner_ctx(&world);
        let app = App::new(
            Session::new(world, Some(file)).shared(),
            ctx,
            tworg::console::theme::Theme::mono(),
        );
        H {
            _dir: dir,
            path,
            console: Harness::with_app(app, 100, 30),
        }
    }
    fn has(&self, name: &str) -> bool {
        self.w(|w| w.accounts.values().any(|a| a.name == name))
    }
}

impl std::ops::Deref for H {
    type Target = Harness;
    fn deref(&self) -> &Harness {
        &self.console
    }
}

impl std::ops::DerefMut for H {
    fn deref_mut(&mut self) -> &mut Harness {
        &mut self.console
    }
}

#[test]
fn undo_and_redo_rebuild_the_world_from_the_journal_and_are_journalled() {
    let mut h = H::new();
    h.keys("n \"First\" enter");
    h.keys("n \"Second\" enter");
    assert!(h.has("First") && h.has("Second"));
    h.keys("u");
    assert!(h.has("First") && !h.has("Second"), "{}", h.status());
    h.keys("u");
    assert!(!h.has("First") && !h.has("Second"), "{}", h.status());
    h.keys("ctrl-r");
    assert!(h.has("First") && !h.has("Second"), "{}", h.status());
    let w = h.world();
    let actions: Vec<&str> = w
        .audit
        .iter()
        .rev()
        .take(5)
        .map(|e| e.action.as_str())
        .collect();
    assert_eq!(
        actions,
        ["redo", "undo", "undo", "account.create", "account.create"]
    );
    // undo and redo are records of the journal, not new snapshots
    let journal = std::fs::read_to_string(journal_path(&h.path)).unwrap();
    assert_eq!(journal.matches("Restore(").count(), 3, "{journal}");
    assert_eq!(
        std::fs::read_to_string(&h.path).unwrap(),
        tworg::persist::to_ron(&demo_world()),
        "no snapshot was written"
    );
    // what is on disk replays to the same world (a reader, or the next open after a crash)
    assert_eq!(load(&h.path).unwrap(), w);
    // undo of the redo
    h.keys("u");
    assert!(!h.has("First"), "{}", h.status());
    assert_eq!(load(&h.path).unwrap(), h.world());
    // a clean exit folds it all into the snapshot
    h.app.lock().flush().unwrap();
    assert_eq!(load(&h.path).unwrap(), h.world());
    assert!(
        !std::fs::read_to_string(journal_path(&h.path))
            .unwrap()
            .contains("Restore(")
    );
}

#[test]
fn a_change_folded_into_the_snapshot_can_no_longer_be_undone() {
    let mut h = H::new();
    h.keys("n \"Kept\" enter");
    let w = h.world();
    // a compaction (as on a size threshold) folds the change into the snapshot
    h.app.lock().file().unwrap().compact(&w).unwrap();
    h.keys("u");
    assert!(h.has("Kept"));
    assert!(
        h.status().contains("folded into the saved snapshot"),
        "{}",
        h.status()
    );
}

#[test]
fn changes_made_by_another_face_between_are_undone_with_the_change() {
    // the SCIM server shares the session: undoing the console's change goes back to the world
    // as it was before it, as the snapshot-based undo did
    let mut h = H::new();
    h.keys("n \"Mine\" enter");
    {
        let mut s = h.app.lock();
        let ctx = owner_ctx(&s.world);
        s.apply(
            &ctx,
            &Action::RenameOrg {
                name: "Renamed Meanwhile".into(),
            },
        )
        .unwrap();
    }
    h.keys("u");
    let w = h.world();
    assert!(!h.has("Mine"));
    assert_eq!(w.org_name(w.home_org.as_ref().unwrap()), "Owl Industries");
    assert_eq!(load(&h.path).unwrap(), w);
}
