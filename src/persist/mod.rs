//! The world file: RON with a `version` field, saved atomically (temp file, fsync, rename) with
//! the previous file kept as `<name>.bak`, guarded by an OS lock so one process writes at a time.
//! A file that cannot be read is reported with its name, line and column, and never overwritten.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::model::{WORLD_VERSION, World};

/// The embedded demo world.
pub const DEMO_RON: &str = include_str!("../../assets/demo.ron");

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{path}: cannot read: {source}")]
    Read { path: String, source: io::Error },
    #[error("{path}:{line}:{col}: {message}")]
    Parse {
        path: String,
        line: usize,
        col: usize,
        message: String,
    },
    #[error(
        "{path}: world file version {found} is not supported (this tworg reads versions 1 to {WORLD_VERSION}); upgrade tworg"
    )]
    Version { path: String, found: u32 },
    #[error("{path}:{line}:{col}: the world breaks an invariant: {message}")]
    Invariant {
        path: String,
        line: usize,
        col: usize,
        message: String,
    },
    #[error(
        "{path} is locked by another tworg process; close it there first (reading with `tworg show` still works)"
    )]
    Locked { path: String },
    #[error("{path}: cannot write: {source}")]
    Write { path: String, source: io::Error },
    #[error(
        "{path} already exists; tworg never overwrites a world file (remove it or choose another --file)"
    )]
    Exists { path: String },
}

/// The world as RON text: pretty, stable order (BTreeMaps), `\n` line ends, a final newline.
pub fn to_ron(world: &World) -> String {
    let cfg = ron::ser::PrettyConfig::new()
        .new_line("\n".to_string())
        .indentor("    ".to_string());
    let mut s = ron::ser::to_string_pretty(world, cfg).expect("a world always serializes");
    s.push('\n');
    s
}

#[derive(Deserialize)]
struct Header {
    version: u32,
}

/// Migrates older file versions to the current one, as text. Version 1 is the first; when the
/// format changes, a step `1 → 2` goes here.
fn migrate(text: &str, version: u32) -> String {
    debug_assert!(version <= WORLD_VERSION);
    text.to_string()
}

/// Parses and validates world text; `name` labels messages.
pub fn from_ron(text: &str, name: &str) -> Result<World, StoreError> {
    let parse_err = |e: ron::error::SpannedError| StoreError::Parse {
        path: name.to_string(),
        line: e.span.start.line,
        col: e.span.start.col,
        message: e.code.to_string(),
    };
    if text.trim().is_empty() {
        return Err(StoreError::Parse {
            path: name.into(),
            line: 1,
            col: 1,
            message: "the file is empty".into(),
        });
    }
    let header: Header = ron::from_str(text).map_err(parse_err)?;
    if header.version == 0 || header.version > WORLD_VERSION {
        return Err(StoreError::Version {
            path: name.into(),
            found: header.version,
        });
    }
    let text = migrate(text, header.version);
    let mut world: World = ron::from_str(&text).map_err(parse_err)?;
    world.fill_request_expiries();
    world.migrate_legacy_access();
    world.check_invariants().map_err(|v| {
        let (line, col) = locate(&text, &v.locate);
        StoreError::Invariant {
            path: name.into(),
            line,
            col,
            message: v.message,
        }
    })?;
    Ok(world)
}

/// 1-based line and column of the first occurrence of `needle` (1:1 if absent).
fn locate(text: &str, needle: &str) -> (usize, usize) {
    let Some(at) = (!needle.is_empty()).then(|| text.find(needle)).flatten() else {
        return (1, 1);
    };
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let col = before
        .rsplit('\n')
        .next()
        .map(|l| l.chars().count())
        .unwrap_or(0)
        + 1;
    (line, col)
}

/// The embedded demo world.
pub fn demo_world() -> World {
    from_ron(DEMO_RON, "assets/demo.ron").expect("the embedded demo world is valid")
}

/// Reads a world without locking it (for `show`, `check`, `--read-only`).
pub fn load(path: &Path) -> Result<World, StoreError> {
    let text = fs::read_to_string(path).map_err(|source| StoreError::Read {
        path: path.display().to_string(),
        source,
    })?;
    from_ron(&text, &path.display().to_string())
}

fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_default();
    name.push(suffix);
    path.with_file_name(name)
}

/// `<file>.bak`: the previous world.
pub fn backup_path(path: &Path) -> PathBuf {
    sibling(path, ".bak")
}

fn lock_path(path: &Path) -> PathBuf {
    sibling(path, ".lock")
}

/// A world file held for writing: the OS lock lives as long as this value.
#[derive(Debug)]
pub struct WorldFile {
    path: PathBuf,
    _lock: File,
}

impl WorldFile {
    fn lock(path: &Path) -> Result<File, StoreError> {
        let display = path.display().to_string();
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .mode(0o600)
            .open(lock_path(path))
            .map_err(|source| StoreError::Write {
                path: display.clone(),
                source,
            })?;
        match file.try_lock() {
            Ok(()) => Ok(file),
            Err(fs::TryLockError::WouldBlock) => Err(StoreError::Locked { path: display }),
            Err(fs::TryLockError::Error(source)) => Err(StoreError::Write {
                path: display,
                source,
            }),
        }
    }

    /// Locks and loads an existing world file.
    pub fn open(path: &Path) -> Result<(WorldFile, World), StoreError> {
        let lock = WorldFile::lock(path)?;
        let world = load(path)?;
        Ok((
            WorldFile {
                path: path.to_path_buf(),
                _lock: lock,
            },
            world,
        ))
    }

    /// Creates a new world file; refuses if one exists.
    pub fn create(path: &Path, world: &World) -> Result<WorldFile, StoreError> {
        if path.exists() {
            return Err(StoreError::Exists {
                path: path.display().to_string(),
            });
        }
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            fs::create_dir_all(dir).map_err(|source| StoreError::Write {
                path: path.display().to_string(),
                source,
            })?;
        }
        let lock = WorldFile::lock(path)?;
        let file = WorldFile {
            path: path.to_path_buf(),
            _lock: lock,
        };
        file.save(world)?;
        Ok(file)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Saves atomically: a crash at any moment leaves either the old or the new world.
    pub fn save(&self, world: &World) -> Result<(), StoreError> {
        save_atomic(&self.path, &to_ron(world)).map_err(|source| StoreError::Write {
            path: self.path.display().to_string(),
            source,
        })
    }
}

/// Temp file in the same folder (mode 0600), fsync, keep the old file as `.bak` (a hard link, so
/// the current name never disappears), rename over, fsync the folder.
fn save_atomic(path: &Path, text: &str) -> io::Result<()> {
    let tmp = sibling(path, &format!(".tmp{}", std::process::id()));
    let result = (|| {
        let mut f = OpenOptions::new()
            .create(true)
            .truncate(true)
            .write(true)
            .mode(0o600)
            .open(&tmp)?;
        f.write_all(text.as_bytes())?;
        f.sync_all()?;
        drop(f);
        if path.exists() {
            let bak = backup_path(path);
            let _ = fs::remove_file(&bak);
            if fs::hard_link(path, &bak).is_err() {
                fs::copy(path, &bak)?;
            }
        }
        fs::rename(&tmp, path)?;
        let dir = path
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        File::open(dir)?.sync_all()
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// Where the world lives by default: `$TWORG_FILE`, else `world.ron` in the platform data folder.
pub fn default_path() -> PathBuf {
    if let Some(p) = std::env::var_os("TWORG_FILE").filter(|p| !p.is_empty()) {
        return PathBuf::from(p);
    }
    directories::ProjectDirs::from("", "", "tworg")
        .map(|d| d.data_dir().join("world.ron"))
        .unwrap_or_else(|| PathBuf::from("world.ron"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locate_finds_line_and_column() {
        assert_eq!(locate("a\nbcX", "X"), (2, 3));
        assert_eq!(locate("abc", "zz"), (1, 1));
    }

    #[test]
    fn demo_round_trips() {
        let w = demo_world();
        assert_eq!(from_ron(&to_ron(&w), "x").unwrap(), w);
    }
}
