//! A session: one world in memory, the file it is saved to (if any), and a change counter. The
//! console and the SCIM server share one `Arc<Mutex<Session>>`, so no update is lost between them.
//!
//! Saving is synchronous by default (the CLI, the SCIM server: a change is on disk before it is
//! acknowledged). The console may turn on background saving, so a world of 100,000 users, whose
//! file takes a few hundred milliseconds to write, never blocks a keystroke: the change is handed
//! to a saver thread at once, which writes the newest world atomically.

use std::sync::mpsc::{self, Sender};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use crate::model::{Action, ActionError, Ctx, Outcome, World};
use crate::persist::{StoreError, WorldFile};

/// Why `Session::apply` failed.
#[derive(Debug, thiserror::Error)]
pub enum ApplyError {
    /// The model refused or could not apply the action; nothing changed.
    #[error(transparent)]
    Action(#[from] ActionError),
    /// The action applied in memory but the file could not be written.
    #[error("applied, but not saved: {0}")]
    Save(#[from] StoreError),
    /// The session is read-only.
    #[error("read-only: this world cannot be changed here")]
    ReadOnly,
}

/// What the saver thread last achieved.
#[derive(Debug, Default)]
struct SaveStatus {
    saved_generation: u64,
    error: Option<String>,
}

/// A thread that writes the newest world handed to it.
#[derive(Debug)]
struct BackgroundSaver {
    tx: Option<Sender<(u64, World)>>,
    status: Arc<Mutex<SaveStatus>>,
    thread: Option<JoinHandle<()>>,
}

impl BackgroundSaver {
    fn start(file: Arc<WorldFile>, generation: u64) -> BackgroundSaver {
        let (tx, rx) = mpsc::channel::<(u64, World)>();
        let status = Arc::new(Mutex::new(SaveStatus {
            saved_generation: generation,
            error: None,
        }));
        let thread_status = Arc::clone(&status);
        let thread = std::thread::spawn(move || {
            while let Ok(mut next) = rx.recv() {
                // Coalesce: only the newest world matters.
                while let Ok(newer) = rx.try_recv() {
                    next = newer;
                }
                let result = file.save(&next.1);
                let mut s = thread_status.lock().expect("save status");
                match result {
                    Ok(()) => {
                        s.saved_generation = next.0;
                        s.error = None;
                    }
                    Err(e) => s.error = Some(e.to_string()),
                }
            }
        });
        BackgroundSaver {
            tx: Some(tx),
            status,
            thread: Some(thread),
        }
    }

    /// Waits until everything handed over is written.
    fn finish(&mut self) {
        self.tx.take();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for BackgroundSaver {
    fn drop(&mut self) {
        self.finish();
    }
}

#[derive(Debug)]
pub struct Session {
    pub world: World,
    /// Where changes are saved; `None` for a scratch world (headless rendering, walkthroughs).
    file: Option<Arc<WorldFile>>,
    saver: Option<BackgroundSaver>,
    read_only: bool,
    /// Bumped on every applied change, so views can tell that they must refresh.
    generation: u64,
    /// Synchronous mode: whether the last applied change reached the file, or why not.
    sync_error: Option<String>,
}

pub type SharedSession = Arc<Mutex<Session>>;

impl Session {
    pub fn new(world: World, file: Option<WorldFile>) -> Session {
        Session {
            world,
            file: file.map(Arc::new),
            saver: None,
            read_only: false,
            generation: 0,
            sync_error: None,
        }
    }

    pub fn read_only(world: World) -> Session {
        Session {
            world,
            file: None,
            saver: None,
            read_only: true,
            generation: 0,
            sync_error: None,
        }
    }

    /// Hands saves to a background thread from now on (the console's mode).
    pub fn with_background_saves(mut self) -> Session {
        if let Some(f) = &self.file {
            self.saver = Some(BackgroundSaver::start(Arc::clone(f), self.generation));
        }
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
        match &self.saver {
            Some(s) => {
                let st = s.status.lock().expect("save status");
                st.error.is_none() && st.saved_generation == self.generation
            }
            None => self.sync_error.is_none(),
        }
    }

    /// Why the last save failed, if it did.
    pub fn save_error(&self) -> Option<String> {
        match &self.saver {
            Some(s) => s.status.lock().expect("save status").error.clone(),
            None => self.sync_error.clone(),
        }
    }

    pub fn file(&self) -> Option<&WorldFile> {
        self.file.as_deref()
    }

    /// Applies an action and saves at once. A refusal changes neither the world nor the file.
    pub fn apply(&mut self, ctx: &Ctx, action: &Action) -> Result<Outcome, ApplyError> {
        if self.read_only {
            return Err(ApplyError::ReadOnly);
        }
        let out = self.world.apply(ctx, action)?;
        self.generation += 1;
        self.save()?;
        Ok(out)
    }

    /// Applies a change the model makes other than an action (undo and redo, AUD-1) and saves.
    pub fn change(
        &mut self,
        f: impl FnOnce(&mut World) -> Result<Outcome, ActionError>,
    ) -> Result<Outcome, ApplyError> {
        if self.read_only {
            return Err(ApplyError::ReadOnly);
        }
        let out = f(&mut self.world)?;
        self.generation += 1;
        self.save()?;
        Ok(out)
    }

    /// Blocks until every change is written (before quitting).
    pub fn flush(&mut self) -> Result<(), String> {
        if let Some(s) = &mut self.saver {
            s.finish();
            if let Some(e) = s.status.lock().expect("save status").error.clone() {
                return Err(e);
            }
            self.saver = self
                .file
                .as_ref()
                .map(|f| BackgroundSaver::start(Arc::clone(f), self.generation));
        }
        self.sync_error.clone().map_or(Ok(()), Err)
    }

    fn save(&mut self) -> Result<(), StoreError> {
        if let Some(saver) = &self.saver {
            if let Some(tx) = &saver.tx {
                let _ = tx.send((self.generation, self.world.clone()));
            }
            return Ok(());
        }
        if let Some(f) = &self.file
            && let Err(e) = f.save(&self.world)
        {
            self.sync_error = Some(e.to_string());
            return Err(e);
        }
        self.sync_error = None;
        Ok(())
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
        s.flush().unwrap();
        assert!(s.is_saved());
        assert_eq!(load(&path).unwrap().org_name(&ctx.org), "Owl 4");
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
