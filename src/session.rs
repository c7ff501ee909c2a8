//! A session: one world in memory, the file it is saved to (if any), and a change counter. The
//! console and the SCIM server share one `Arc<Mutex<Session>>`, so no update is lost between them.

use std::sync::{Arc, Mutex};

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

#[derive(Debug)]
pub struct Session {
    pub world: World,
    /// Where changes are saved; `None` for a scratch world (headless rendering, walkthroughs).
    file: Option<WorldFile>,
    read_only: bool,
    /// Bumped on every applied change, so views can tell that they must refresh.
    generation: u64,
    /// Whether the last applied change reached the file.
    saved: bool,
}

pub type SharedSession = Arc<Mutex<Session>>;

impl Session {
    pub fn new(world: World, file: Option<WorldFile>) -> Session {
        Session {
            world,
            file,
            read_only: false,
            generation: 0,
            saved: true,
        }
    }

    pub fn read_only(world: World) -> Session {
        Session {
            world,
            file: None,
            read_only: true,
            generation: 0,
            saved: true,
        }
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

    pub fn is_saved(&self) -> bool {
        self.saved
    }

    pub fn file(&self) -> Option<&WorldFile> {
        self.file.as_ref()
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

    /// Replaces the whole world (undo and redo) and saves it.
    pub fn replace_world(&mut self, world: World) -> Result<(), ApplyError> {
        if self.read_only {
            return Err(ApplyError::ReadOnly);
        }
        self.world = world;
        self.generation += 1;
        self.save()?;
        Ok(())
    }

    fn save(&mut self) -> Result<(), StoreError> {
        self.saved = false;
        if let Some(f) = &self.file {
            f.save(&self.world)?;
        }
        self.saved = true;
        Ok(())
    }
}
