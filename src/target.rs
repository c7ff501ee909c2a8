//! What every face (CLI, console, servers, walkthroughs) needs to open a world and act in it:
//! the [`Target`] (file, org, actor), [`resolve_ctx`], the [`Failure`] of a command and
//! [`random_token`]. It lives outside `cli/` so that no face imports another.

use std::io::Read;
use std::path::PathBuf;

use crate::errln;
use crate::model::{ActionError, Ctx, Refusal, World};
use crate::persist::{self, StoreError, WorldFile};

/// A failure of a command, with its exit status.
#[derive(Debug)]
pub enum Failure {
    Usage(String),
    Action(ActionError),
    /// A refusal with its fixes already written as command lines for where they act.
    Refused(Refusal, Vec<String>),
    File(StoreError),
    Other(anyhow::Error),
    /// Already reported (a script's lines): exit with this status.
    Exit(u8),
}

impl From<StoreError> for Failure {
    fn from(e: StoreError) -> Self {
        Failure::File(e)
    }
}
impl From<ActionError> for Failure {
    fn from(e: ActionError) -> Self {
        Failure::Action(e)
    }
}
impl From<anyhow::Error> for Failure {
    fn from(e: anyhow::Error) -> Self {
        Failure::Other(e)
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Usage(m) => f.write_str(m),
            Failure::Action(e) => write!(f, "{e}"),
            Failure::Refused(r, _) => write!(f, "{r}"),
            Failure::File(e) => write!(f, "{e}"),
            Failure::Other(e) => write!(f, "{e:#}"),
            Failure::Exit(code) => write!(f, "exit status {code}"),
        }
    }
}

/// At the edges (console, servers) a failure is an error like any other.
impl From<Failure> for anyhow::Error {
    fn from(f: Failure) -> Self {
        match f {
            Failure::Other(e) => e,
            other => anyhow::anyhow!(other.to_string()),
        }
    }
}

/// Global options that choose the file, the org and the actor.
pub struct Target {
    pub path: PathBuf,
    /// The path came from the default location, so a missing file is created from the demo world.
    pub default_location: bool,
    pub org: Option<String>,
    pub as_user: Option<String>,
}

impl Target {
    /// On first use of the default location, the demo world is written there.
    pub fn ensure_exists(&self) -> Result<(), Failure> {
        if self.default_location && !self.path.exists() {
            WorldFile::create(&self.path, &persist::demo_world())?;
            errln!("tworg: created {} from the demo world", self.path.display());
        }
        Ok(())
    }

    /// Loads without locking (reading stays possible while another process writes).
    pub fn read(&self) -> Result<World, Failure> {
        self.ensure_exists()?;
        Ok(persist::load(&self.path)?)
    }

    /// Locks and loads for writing.
    pub fn open(&self) -> Result<(WorldFile, World), Failure> {
        self.ensure_exists()?;
        Ok(WorldFile::open(&self.path)?)
    }
}

/// Resolves `--org` and `--as` into an action context.
pub fn resolve_ctx(
    world: &World,
    org: Option<&str>,
    as_user: Option<&str>,
) -> Result<Ctx, Failure> {
    let org_sid = match org {
        Some(key) => world.find_org(key)?.sid.clone(),
        None => match &world.home_org {
            Some(h) => h.clone(),
            None => world.orgs.keys().next().cloned().ok_or_else(|| {
                Failure::Usage("the world has no organization; create one with tworg init".into())
            })?,
        },
    };
    let actor = match as_user {
        Some(key) => world.find_user(key)?.sid.clone(),
        None => world
            .owner_of_org(&org_sid)
            .map(|u| u.sid.clone())
            .ok_or_else(|| Failure::Usage("the organization has no Owner".into()))?,
    };
    Ok(Ctx::new(org_sid, actor))
}

/// Random bytes from the OS, for the SCIM bearer token (secrets come from the edge, not the model).
pub fn random_token() -> Result<String, Failure> {
    let mut buf = [0u8; 24];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut buf))
        .map_err(|e| Failure::Other(e.into()))?;
    Ok(format!(
        "tworg_{}",
        buf.iter().map(|b| format!("{b:02x}")).collect::<String>()
    ))
}
