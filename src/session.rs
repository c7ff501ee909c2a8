//! A session: one world in memory, the file it is saved to (if any), and a change counter. The
//! console and the SCIM server share one `Arc<Mutex<Session>>`, so no update is lost between them.
//!
//! Every applied change is appended to the world's journal at once (a write of one line, under
//! the session's lock, in the order the changes were applied); it is acknowledged only once the
//! journal is fsynced. [`Session::apply_pending`] hands back a [`Pending`] to wait on *outside*
//! the lock, so concurrent changes share one fsync and no request waits for another's save
//! (the SCIM server); [`Session::apply`] waits itself; in background mode (the console) a syncer
//! thread fsyncs and the header shows when the newest change is on disk. When the journal passes
//! its size threshold it is folded into a new snapshot by a background thread that replays it on
//! its own copy of the snapshot, so compaction never holds the session. A change that is not an
//! action (undo, redo) is made durable by a compaction of the world in memory.
//!
//! A failed append or fsync is not acknowledged, and leaves nothing unacknowledged in memory:
//! the journal is cut back to what is on disk and the world is read again from the files.

use std::sync::mpsc::{self, Sender};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use crate::model::{Action, ActionError, Ctx, Outcome, World};
use crate::persist::journal::{self, Record, RestoreVerb};
use crate::persist::{StoreError, WorldFile};

/// Why `Session::apply` failed.
#[derive(Debug, thiserror::Error)]
pub enum ApplyError {
    /// The model refused or could not apply the action; nothing changed.
    #[error(transparent)]
    Action(#[from] ActionError),
    /// The change could not be made durable; it was not kept in memory either.
    #[error("not saved, so not made: {0}")]
    Save(#[from] StoreError),
    /// The session is read-only.
    #[error("read-only: this world cannot be changed here")]
    ReadOnly,
}

/// A change appended to the journal, durable once [`Pending::wait`] returns `Ok`.
#[must_use = "a change is acknowledged only after waiting for it"]
#[derive(Debug)]
pub struct Pending {
    file: Option<Arc<WorldFile>>,
    seq: u64,
}

impl Pending {
    /// Blocks until the change is on disk (sharing the fsync with concurrent changes).
    pub fn wait(self) -> Result<(), StoreError> {
        match &self.file {
            Some(f) => f.sync_to(self.seq),
            None => Ok(()),
        }
    }
}

/// The console's syncer thread: fsyncs the newest change handed to it.
#[derive(Debug)]
struct Syncer {
    tx: Option<Sender<u64>>,
    error: Arc<Mutex<Option<String>>>,
    thread: Option<JoinHandle<()>>,
}

impl Syncer {
    fn start(file: Arc<WorldFile>) -> Syncer {
        let (tx, rx) = mpsc::channel::<u64>();
        let error = Arc::new(Mutex::new(None));
        let thread_error = Arc::clone(&error);
        let thread = std::thread::spawn(move || {
            while let Ok(mut seq) = rx.recv() {
                while let Ok(newer) = rx.try_recv() {
                    seq = seq.max(newer);
                }
                let result = file.sync_to(seq);
                let mut e = thread_error.lock().unwrap_or_else(|e| e.into_inner());
                *e = result.err().map(|e| e.to_string());
            }
        });
        Syncer {
            tx: Some(tx),
            error,
            thread: Some(thread),
        }
    }

    fn error(&self) -> Option<String> {
        self.error.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    fn finish(&mut self) {
        self.tx.take();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for Syncer {
    fn drop(&mut self) {
        self.finish();
    }
}

/// A compaction running on its own thread.
#[derive(Debug)]
struct Compactor {
    thread: JoinHandle<Result<bool, StoreError>>,
}

#[derive(Debug)]
pub struct Session {
    pub world: World,
    /// Where changes are saved; `None` for a scratch world (headless rendering, walkthroughs).
    file: Option<Arc<WorldFile>>,
    syncer: Option<Syncer>,
    compactor: Option<Compactor>,
    background_compaction: bool,
    read_only: bool,
    /// Bumped on every applied change, so views can tell that they must refresh.
    generation: u64,
    /// Why the last change was not saved (it was undone in memory), or why saving stopped.
    error: Option<String>,
    /// Why the last background compaction did not finish (the journal is intact).
    compaction_error: Option<String>,
}

pub type SharedSession = Arc<Mutex<Session>>;

impl Session {
    pub fn new(world: World, file: Option<WorldFile>) -> Session {
        Session {
            world,
            file: file.map(Arc::new),
            syncer: None,
            compactor: None,
            background_compaction: false,
            read_only: false,
            generation: 0,
            error: None,
            compaction_error: None,
        }
    }

    pub fn read_only(world: World) -> Session {
        Session {
            read_only: true,
            ..Session::new(world, None)
        }
    }

    /// The console's mode: fsyncs happen on a syncer thread (the header shows when the newest
    /// change is on disk), and the journal is compacted in the background.
    pub fn with_background_saves(mut self) -> Session {
        if let Some(f) = &self.file {
            self.syncer = Some(Syncer::start(Arc::clone(f)));
        }
        self.background_compaction = true;
        self
    }

    /// Compacts the journal in the background when it passes its size (the SCIM server).
    pub fn with_background_compaction(mut self) -> Session {
        self.background_compaction = true;
        self
    }

    pub fn shared(self) -> SharedSession {
        Arc::new(Mutex::new(self))
    }

    pub fn is_read_only(&self) -> bool {
        self.read_only
    }

    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// Whether the newest change is on disk (always true without a file).
    pub fn is_saved(&self) -> bool {
        match &self.file {
            Some(f) => self.save_error().is_none() && f.journal().is_durable(),
            None => self.error.is_none(),
        }
    }

    /// Why the last save failed, if it did.
    pub fn save_error(&self) -> Option<String> {
        self.error
            .clone()
            .or_else(|| self.syncer.as_ref().and_then(Syncer::error))
    }

    pub fn file(&self) -> Option<&WorldFile> {
        self.file.as_deref()
    }

    /// Applies an action and appends it to the journal; the change is durable once the returned
    /// [`Pending`] is waited on (do that without holding the session's lock). A refusal changes
    /// neither the world nor the files; a failed append leaves the world as on disk.
    pub fn apply_pending(
        &mut self,
        ctx: &Ctx,
        action: &Action,
    ) -> Result<(Outcome, Pending), ApplyError> {
        self.change_pending(|w| w.apply(ctx, action), || journal::record_of(ctx, action))
    }

    /// A change `f` of the world, journalled as `record`.
    fn change_pending(
        &mut self,
        f: impl FnOnce(&mut World) -> Result<Outcome, ActionError>,
        record: impl FnOnce() -> Record,
    ) -> Result<(Outcome, Pending), ApplyError> {
        if self.read_only {
            return Err(ApplyError::ReadOnly);
        }
        if self
            .file
            .as_ref()
            .is_some_and(|f| f.journal().failure().is_some())
        {
            self.recover();
        }
        let out = f(&mut self.world)?;
        self.generation += 1;
        let Some(file) = self.file.clone() else {
            return Ok((out, Pending { file: None, seq: 0 }));
        };
        match file.journal().append(&record()) {
            Ok(seq) => {
                self.maybe_compact(&file);
                Ok((
                    out,
                    Pending {
                        file: Some(file),
                        seq,
                    },
                ))
            }
            Err(e) => {
                self.recover();
                self.error = Some(e.to_string());
                Err(ApplyError::Save(e))
            }
        }
    }

    /// Applies an action and saves it: on return `Ok` the change is on disk (in background
    /// mode, handed to the syncer). A refusal changes neither the world nor the file.
    pub fn apply(&mut self, ctx: &Ctx, action: &Action) -> Result<Outcome, ApplyError> {
        let (out, pending) = self.apply_pending(ctx, action)?;
        self.settle(pending).map(|_| out)
    }

    /// Makes a pending change durable: hands it to the syncer in background mode, else waits.
    /// Returns its record's sequence number.
    fn settle(&mut self, pending: Pending) -> Result<u64, ApplyError> {
        let seq = pending.seq;
        if let Some(s) = &self.syncer {
            if let Some(tx) = &s.tx {
                let _ = tx.send(seq);
            }
            return Ok(seq);
        }
        match pending.wait() {
            Ok(()) => {
                self.error = None;
                Ok(seq)
            }
            Err(e) => {
                self.recover_if_failed();
                self.error = Some(e.to_string());
                Err(ApplyError::Save(e))
            }
        }
    }

    /// The sequence number of the last change journalled (`None` without a file).
    pub fn last_seq(&self) -> Option<u64> {
        self.file.as_ref().map(|f| f.journal().seq())
    }

    /// The sequence number the snapshot holds changes up to: undo can go back to there.
    pub fn base_seq(&self) -> Option<u64> {
        self.file.as_ref().map(|f| f.journal().base_seq())
    }

    /// The file, to rebuild an earlier world from it on another thread ([`WorldFile::world_at`]).
    pub fn shared_file(&self) -> Option<Arc<WorldFile>> {
        self.file.clone()
    }

    /// Undo or redo from the journal (AUD-1): the world takes the state `at` it had after
    /// record `to` (rebuilt with [`WorldFile::world_at`]), logged as undo or redo, and journalled
    /// as a restore record (no snapshot written, no world kept in memory). Returns the outcome
    /// and the record's sequence number.
    pub fn restore(
        &mut self,
        ctx: &Ctx,
        verb: RestoreVerb,
        to: u64,
        change: usize,
        at: &World,
    ) -> Result<(Outcome, u64), ApplyError> {
        let (out, pending) = self.change_pending(
            |w| journal::apply_restore(w, ctx, verb, at, change),
            || Record::Restore {
                ctx: ctx.clone(),
                verb,
                to,
                change,
            },
        )?;
        let seq = self.settle(pending)?;
        Ok((out, seq))
    }

    /// After a [`Pending::wait`] failed: if the journal stopped, cut it back to what is on disk
    /// and read the world again (another change may have done it already).
    pub fn recover_if_failed(&mut self) {
        if self
            .file
            .as_ref()
            .is_some_and(|f| f.journal().failure().is_some())
        {
            self.recover();
        }
    }

    /// Reads the world again from the files, dropping what was not saved.
    fn recover(&mut self) {
        let Some(file) = &self.file else { return };
        match file.recover() {
            Ok(world) => {
                self.world = world;
                self.generation += 1;
            }
            Err(e) => {
                // The world in memory may hold a change that is not on disk: stop changing it.
                self.read_only = true;
                self.error = Some(format!(
                    "saving failed and the world could not be read back ({e}); reopen it"
                ));
            }
        }
    }

    /// The console polls this: a failure of its syncer thread is recovered from here.
    pub fn poll(&mut self) {
        if let Some(e) = self.syncer.as_ref().and_then(Syncer::error)
            && self
                .file
                .as_ref()
                .is_some_and(|f| f.journal().failure().is_some())
        {
            self.recover();
            self.error = Some(e);
        }
        self.reap_compactor();
    }

    fn reap_compactor(&mut self) {
        if self
            .compactor
            .as_ref()
            .is_some_and(|c| c.thread.is_finished())
            && let Some(c) = self.compactor.take()
            && let Ok(Err(e)) = c.thread.join()
        {
            // not a save error: every change is in the journal; a later compaction retries
            self.compaction_error = Some(e.to_string());
        }
    }

    /// Starts a background compaction when the journal has grown past its size.
    fn maybe_compact(&mut self, file: &Arc<WorldFile>) {
        self.reap_compactor();
        if !self.background_compaction || self.compactor.is_some() || !file.needs_compaction() {
            return;
        }
        let f = Arc::clone(file);
        if let Ok(thread) = std::thread::Builder::new()
            .name("tworg-compact".into())
            .spawn(move || f.compact_from_disk())
        {
            self.compactor = Some(Compactor { thread });
        }
    }

    /// Applies a change the model makes other than an action (undo and redo, AUD-1): it is made
    /// durable by a new snapshot (a compaction of the world in memory).
    pub fn change(
        &mut self,
        f: impl FnOnce(&mut World) -> Result<Outcome, ActionError>,
    ) -> Result<Outcome, ApplyError> {
        if self.read_only {
            return Err(ApplyError::ReadOnly);
        }
        let out = f(&mut self.world)?;
        self.generation += 1;
        if let Some(file) = self.file.clone()
            && let Err(e) = file.compact(&self.world)
        {
            self.recover_after_compaction_failure();
            self.error = Some(e.to_string());
            return Err(ApplyError::Save(e));
        }
        self.error = None;
        Ok(out)
    }

    fn recover_after_compaction_failure(&mut self) {
        // The journal is intact: the world as on disk is the one before the change.
        let Some(file) = &self.file else { return };
        match file.recover() {
            Ok(world) => {
                self.world = world;
                self.generation += 1;
            }
            Err(_) => self.read_only = true,
        }
    }

    /// Blocks until every change is on disk, then folds the journal into a new snapshot (a
    /// clean exit leaves one readable file).
    pub fn flush(&mut self) -> Result<(), String> {
        if let Some(s) = &mut self.syncer {
            s.finish();
            if let Some(e) = s.error() {
                return Err(e);
            }
        }
        if let Some(c) = self.compactor.take() {
            let _ = c.thread.join();
        }
        if let Some(file) = self.file.clone() {
            file.journal().sync_all().map_err(|e| e.to_string())?;
            if file.journal().pending_changes() > 0 {
                file.compact(&self.world).map_err(|e| e.to_string())?;
            }
            if self.background_compaction && self.syncer.is_some() {
                self.syncer = Some(Syncer::start(file));
            }
        }
        self.error.clone().map_or(Ok(()), Err)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::persist::{demo_world, load};

    fn owner_ctx(w: &World) -> Ctx {
        let org = w.home_org.clone().unwrap();
        Ctx::new(org.clone(), w.owner_of_org(&org).unwrap().sid.clone())
    }

    #[test]
    fn background_saves_reach_the_file_after_flush() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("w.ron");
        let file = WorldFile::create(&path, &demo_world()).unwrap();
        let mut s = Session::new(demo_world(), Some(file)).with_background_saves();
        let ctx = owner_ctx(&s.world);
        for i in 0..5 {
            s.apply(
                &ctx,
                &Action::RenameOrg {
                    name: format!("Owl {i}"),
                },
            )
            .unwrap();
        }
        assert_eq!(load(&path).unwrap().org_name(&ctx.org), "Owl 4");
        s.flush().unwrap();
        assert!(s.is_saved());
        assert_eq!(load(&path).unwrap().org_name(&ctx.org), "Owl 4");
        assert!(
            std::fs::read_to_string(&path).unwrap().contains("Owl 4"),
            "a clean exit folds the journal into the snapshot"
        );
    }

    #[test]
    fn a_refusal_changes_nothing_and_bumps_no_generation() {
        let mut s = Session::new(demo_world(), None);
        let ctx = owner_ctx(&s.world);
        let before = s.world.clone();
        assert!(s.apply(&ctx, &Action::DeleteOrg).is_err());
        assert_eq!(s.world, before);
        assert_eq!(s.generation(), 0);
    }
}
