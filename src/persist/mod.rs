//! The world on disk: a RON snapshot with a `version` field (the canonical, readable, diffable
//! world) and beside it a journal of the changes applied since (`journal.rs`). A change is
//! acknowledged once its journal record is fsynced; compaction folds the journal into a new
//! snapshot, written atomically with the previous one kept as `<name>.bak`. One writer at a time
//! (OS locks on `<name>.lock` and on the journal). A file that cannot be read is reported with
//! its name and line, and never overwritten.

pub mod fsutil;
pub mod journal;

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::model::{Action, Ctx, WORLD_VERSION, World};
use fsutil::sibling;
use journal::{Header, Journal, Parsed, Record};

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
        "{path}:{line}:{col}: world file version {found} is not supported (this tworg reads versions 1 to {WORLD_VERSION}); upgrade tworg"
    )]
    Version {
        path: String,
        line: usize,
        col: usize,
        found: u32,
    },
    /// Only regular files are read: a device (`/dev/zero`), a FIFO or a folder is refused
    /// before a byte is read from it.
    #[error("{path}: not a regular file ({kind}); tworg reads worlds only from regular files")]
    NotRegular { path: String, kind: &'static str },
    #[error(
        "{path}: the file is {size} bytes, over the limit of {limit} bytes; pass --max-file-size to raise it"
    )]
    TooLarge { path: String, size: u64, limit: u64 },
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
    /// A journal record that cannot be used, by line.
    #[error("{path}:{line}: {message}")]
    Journal {
        path: String,
        line: usize,
        message: String,
    },
    /// The journal was written for another snapshot than the one beside it.
    #[error(
        "{journal}: this journal belongs to another version of {world} (it names snapshot {base}…); tworg will not guess which to trust: restore the snapshot it was written for (see {world}.bak), or move the journal aside to open the snapshot alone"
    )]
    Mismatch {
        journal: String,
        world: String,
        base: String,
    },
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

/// Migrates older file versions to the current one, as text. Version 1 is the first; `1 → 2`
/// happens on the parsed world (`migrate_legacy_access`); `2 → 3` added `credentials` (OAuth
/// apps, auth tokens, API keys) and `3 → 4` accounts' `updated_at`: both absent from older
/// files, so their text reads as it is.
fn migrate(text: &str, version: u32) -> std::borrow::Cow<'_, str> {
    debug_assert!(version <= WORLD_VERSION);
    std::borrow::Cow::Borrowed(text)
}

/// The `version` a world file declares, read from its first lines without parsing the rest
/// (`version` is the first field tworg writes). `None` if it is not there.
fn declared_version(text: &str) -> Option<u32> {
    let head = &text[..text.floor_char_boundary(4096)];
    let at = head.find("version")?;
    let rest = head[at + "version".len()..]
        .trim_start()
        .strip_prefix(':')?;
    let digits: String = rest
        .trim_start()
        .chars()
        .take_while(|c| c.is_ascii_digit())
        .collect();
    digits.parse().ok()
}

/// Parses and validates world text in one pass; `name` labels messages.
pub fn from_ron(text: &str, name: &str) -> Result<World, StoreError> {
    let world = parse_world(text, name)?;
    check_world(world, || text, name)
}

/// Parses world text in one pass (the version is read from its first lines, not by a parse of
/// its own), without checking invariants.
fn parse_world(text: &str, name: &str) -> Result<World, StoreError> {
    let text = crate::text::without_bom(text);
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
    let version_err = |found| {
        let (line, col) = locate(text, "version");
        StoreError::Version {
            path: name.into(),
            line,
            col,
            found,
        }
    };
    let declared = declared_version(text);
    if let Some(v) = declared
        && (v == 0 || v > WORLD_VERSION)
    {
        return Err(version_err(v));
    }
    let text = match declared {
        Some(v) if v < WORLD_VERSION => migrate(text, v),
        _ => std::borrow::Cow::Borrowed(text),
    };
    let mut world: World = ron::from_str(&text).map_err(parse_err)?;
    if world.version == 0 || world.version > WORLD_VERSION {
        return Err(version_err(world.version));
    }
    world.fill_request_expiries();
    world.migrate_legacy_access();
    Ok(world)
}

/// Checks a parsed world's invariants; `text` gives the file's text again, to locate a
/// violation (only then: the text need not be kept while the world is checked).
fn check_world<T: AsRef<str>>(
    world: World,
    text: impl FnOnce() -> T,
    name: &str,
) -> Result<World, StoreError> {
    world.check_invariants().map_err(|v| {
        let (line, col) = locate(text().as_ref(), &v.locate);
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

/// `<file>.bak`: the previous snapshot.
pub fn backup_path(path: &Path) -> PathBuf {
    sibling(
        &fsutil::resolve(path).unwrap_or_else(|_| path.to_path_buf()),
        ".bak",
    )
}

/// `<file>.journal`: the changes applied since the snapshot.
pub fn journal_path(path: &Path) -> PathBuf {
    sibling(
        &fsutil::resolve(path).unwrap_or_else(|_| path.to_path_buf()),
        ".journal",
    )
}

fn lock_path(target: &Path) -> PathBuf {
    sibling(target, ".lock")
}

/// What loading found besides the world.
#[derive(Debug, Clone, Default)]
pub struct LoadReport {
    pub snapshot_bytes: u64,
    pub journal_bytes: u64,
    /// Changes replayed from the journal.
    pub replayed: usize,
    /// Things dropped or repaired (a torn last record), each a sentence naming the file.
    pub warnings: Vec<String>,
}

/// Prints load warnings to stderr.
pub fn print_warnings(report: &LoadReport) {
    for w in &report.warnings {
        crate::errln!("tworg: warning: {w}");
    }
}

/// The largest world file (snapshot or journal) read by default: 2 GiB, room for a world of a
/// million users (about 460 MB) four times over. `--max-file-size` changes it.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 2 << 30;

static MAX_FILE_SIZE: AtomicU64 = AtomicU64::new(DEFAULT_MAX_FILE_SIZE);

/// Sets the largest file read (`--max-file-size`), for the whole process.
pub fn set_max_file_size(bytes: u64) {
    MAX_FILE_SIZE.store(bytes, Ordering::Relaxed);
}

/// The largest file read.
pub fn max_file_size() -> u64 {
    MAX_FILE_SIZE.load(Ordering::Relaxed)
}

/// Checks an open file before reading it: a regular file no larger than the limit.
fn check_readable(file: &File, name: &str) -> Result<(), StoreError> {
    let meta = file.metadata().map_err(|source| StoreError::Read {
        path: name.to_string(),
        source,
    })?;
    let ft = meta.file_type();
    if !ft.is_file() {
        use std::os::unix::fs::FileTypeExt;
        let kind = if ft.is_dir() {
            "a folder"
        } else if ft.is_char_device() {
            "a character device"
        } else if ft.is_block_device() {
            "a block device"
        } else if ft.is_fifo() {
            "a FIFO"
        } else if ft.is_socket() {
            "a socket"
        } else {
            "not a file"
        };
        return Err(StoreError::NotRegular {
            path: name.to_string(),
            kind,
        });
    }
    let limit = max_file_size();
    if meta.len() > limit {
        return Err(StoreError::TooLarge {
            path: name.to_string(),
            size: meta.len(),
            limit,
        });
    }
    Ok(())
}

/// Reads an open file checked by [`check_readable`], never past the limit (a file that grows
/// while it is read is refused as too large).
fn read_checked(mut file: &File, name: &str) -> Result<Vec<u8>, StoreError> {
    check_readable(file, name)?;
    let limit = max_file_size();
    let mut bytes = Vec::new();
    let read_err = |source| StoreError::Read {
        path: name.to_string(),
        source,
    };
    Read::by_ref(&mut file)
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(read_err)?;
    if bytes.len() as u64 > limit {
        return Err(StoreError::TooLarge {
            path: name.to_string(),
            size: bytes.len() as u64,
            limit,
        });
    }
    Ok(bytes)
}

/// Opens a file for reading without blocking on a FIFO (its type is checked before any read).
fn open_for_reading(path: &Path) -> io::Result<File> {
    OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_CLOEXEC)
        .open(path)
}

/// Reads a regular file of at most [`max_file_size`] bytes: a device, FIFO or folder is
/// refused before a byte is read.
pub fn read_limited(path: &Path, name: &str) -> Result<Vec<u8>, StoreError> {
    let file = open_for_reading(path).map_err(|source| StoreError::Read {
        path: name.to_string(),
        source,
    })?;
    read_checked(&file, name)
}

/// [`read_limited`], `Ok(None)` when the file does not exist.
fn read_limited_if_exists(path: &Path, name: &str) -> Result<Option<Vec<u8>>, StoreError> {
    match open_for_reading(path) {
        Ok(file) => read_checked(&file, name).map(Some),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(StoreError::Read {
            path: name.to_string(),
            source,
        }),
    }
}

/// An input file (a CSV, a script, a certificate) as text: a regular file within the size limit,
/// UTF-8, its first invalid byte reported by line and column.
pub fn read_text(path: &Path) -> Result<String, StoreError> {
    let name = path.display().to_string();
    let bytes = read_limited(path, &name)?;
    String::from_utf8(bytes).map_err(|e| utf8_error(e.as_bytes(), e.utf8_error(), &name))
}

/// `file:line:col` of the first byte that is not UTF-8.
fn utf8_error(bytes: &[u8], e: std::str::Utf8Error, name: &str) -> StoreError {
    let text = String::from_utf8_lossy(&bytes[..e.valid_up_to()]);
    StoreError::Parse {
        path: name.to_string(),
        line: text.matches('\n').count() + 1,
        col: text.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1,
        message: format!(
            "the file is not UTF-8 text (byte {} is not)",
            e.valid_up_to() + 1
        ),
    }
}

fn read_snapshot_bytes(target: &Path, name: &str) -> Result<Vec<u8>, StoreError> {
    read_limited(target, name)
}

/// Parses snapshot bytes in one pass, without checking invariants.
fn parse_bytes(bytes: &[u8], name: &str) -> Result<World, StoreError> {
    let text = std::str::from_utf8(bytes).map_err(|e| utf8_error(bytes, e, name))?;
    parse_world(text, name)
}

/// Parses snapshot bytes and, when `hash` is asked for, hashes them on a second thread meanwhile
/// (the journal names its snapshot by that hash). The bytes go before the world is checked, so
/// a load peaks at the bytes or at the checks, not both.
fn parse_snapshot(
    bytes: Vec<u8>,
    hash: bool,
    target: &Path,
    name: &str,
) -> Result<(World, Option<String>), StoreError> {
    let (world, hash) = std::thread::scope(|s| {
        let hasher = hash.then(|| s.spawn(|| journal::sha256_hex(&bytes)));
        let world = parse_bytes(&bytes, name);
        (
            world,
            hasher.map(|h| h.join().expect("hashing never panics")),
        )
    });
    drop(bytes);
    let world = check_world(
        world?,
        || fs::read_to_string(target).unwrap_or_default(),
        name,
    )?;
    Ok((world, hash))
}

/// Reads the snapshot: its parsed world, hash and size.
fn read_snapshot(target: &Path, name: &str) -> Result<(World, String, u64), StoreError> {
    let bytes = read_snapshot_bytes(target, name)?;
    let len = bytes.len() as u64;
    let (world, hash) = parse_snapshot(bytes, true, target, name)?;
    Ok((world, hash.expect("hashed"), len))
}

/// Which records to replay on the snapshot `hash`, or the mismatch error.
fn replay_point(parsed: &Parsed, hash: &str, jname: &str, name: &str) -> Result<u64, StoreError> {
    parsed
        .replay_after(hash)
        .ok_or_else(|| StoreError::Mismatch {
            journal: jname.to_string(),
            world: name.to_string(),
            base: parsed.header.base[..12].to_string(),
        })
}

/// Reads a world (snapshot + journal) without locking it, for `show`, `check`, `--read-only`.
pub fn load(path: &Path) -> Result<World, StoreError> {
    let (world, report) = load_report(path)?;
    print_warnings(&report);
    Ok(world)
}

/// [`load`], with what it found.
pub fn load_report(path: &Path) -> Result<(World, LoadReport), StoreError> {
    let name = path.display().to_string();
    let target = fsutil::resolve(path).map_err(|source| StoreError::Read {
        path: name.clone(),
        source,
    })?;
    let jpath = sibling(&target, ".journal");
    let jname = jpath.display().to_string();
    // A writer may be compacting: the snapshot and the journal are then briefly of two
    // generations. Read both again until they agree, and parse the snapshot only then.
    let mut attempt = 0;
    loop {
        attempt += 1;
        let bytes = read_snapshot_bytes(&target, &name)?;
        let mut report = LoadReport {
            snapshot_bytes: bytes.len() as u64,
            ..LoadReport::default()
        };
        let jbytes = read_limited_if_exists(&jpath, &jname)?.unwrap_or_default();
        if jbytes.is_empty() {
            // no journal: nothing to match, so no hash to compute
            return Ok((parse_snapshot(bytes, false, &target, &name)?.0, report));
        }
        report.journal_bytes = jbytes.len() as u64;
        let parsed = journal::parse(&jbytes, &jname)?;
        drop(jbytes);
        if parsed.entries.iter().all(|e| !e.record.is_change()) {
            // no change to replay: the snapshot alone is the world, whatever the journal names
            let (world, _) = parse_snapshot(bytes, false, &target, &name)?;
            report.warnings.extend(parsed.torn);
            return Ok((world, report));
        }
        let (mut world, hash) = parse_snapshot(bytes, true, &target, &name)?;
        let after = match replay_point(&parsed, &hash.expect("hashed"), &jname, &name) {
            Ok(a) => a,
            Err(e) if attempt >= 20 => return Err(e),
            Err(_) => {
                std::thread::sleep(std::time::Duration::from_millis(25));
                continue;
            }
        };
        report.replayed = journal::replay(&mut world, &parsed, after, &jname)?;
        report.warnings.extend(parsed.torn);
        return Ok((world, report));
    }
}

/// How large a journal may grow before it is folded into a new snapshot: 1 MiB, or an eighth of
/// the snapshot when that is more (replaying it stays a small part of a load).
/// `TWORG_COMPACT_BYTES` overrides it (tests).
pub fn compaction_threshold(snapshot_bytes: u64) -> u64 {
    if let Some(n) = std::env::var("TWORG_COMPACT_BYTES")
        .ok()
        .and_then(|v| v.parse().ok())
    {
        return n;
    }
    (1 << 20).max(snapshot_bytes / 8)
}

/// A world held for writing: the OS locks live as long as this value. Changes are appended to
/// the journal ([`WorldFile::append`], [`WorldFile::sync_to`]); [`WorldFile::compact`] folds
/// them into a new snapshot.
#[derive(Debug)]
pub struct WorldFile {
    /// As given, for messages.
    path: PathBuf,
    /// The snapshot, symlinks followed: a symlinked world is saved through to its target.
    target: PathBuf,
    journal: Journal,
    _lock: File,
    /// One compaction at a time.
    compaction: Mutex<()>,
    snapshot_bytes: AtomicU64,
    /// The journal size that triggers a compaction; 0: [`compaction_threshold`].
    threshold: AtomicU64,
}

impl WorldFile {
    fn lock(target: &Path, name: &str) -> Result<File, StoreError> {
        let lp = lock_path(target);
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .mode(0o600)
            .custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC)
            .open(&lp)
            .map_err(|source| StoreError::Write {
                path: lp.display().to_string(),
                source,
            })?;
        match file.try_lock() {
            Ok(()) => Ok(file),
            Err(fs::TryLockError::WouldBlock) => Err(StoreError::Locked {
                path: name.to_string(),
            }),
            Err(fs::TryLockError::Error(source)) => Err(StoreError::Write {
                path: lp.display().to_string(),
                source,
            }),
        }
    }

    /// Locks and loads an existing world: snapshot + journal. Prints warnings to stderr.
    pub fn open(path: &Path) -> Result<(WorldFile, World), StoreError> {
        let (file, world, report) = WorldFile::open_report(path)?;
        print_warnings(&report);
        Ok((file, world))
    }

    /// [`WorldFile::open`], with what it found. Removes temporary files a crash left behind,
    /// cuts a torn last record off the journal, finishes a compaction a crash interrupted, and
    /// starts a journal for a world that has none.
    pub fn open_report(path: &Path) -> Result<(WorldFile, World, LoadReport), StoreError> {
        let name = path.display().to_string();
        let target = fsutil::resolve(path).map_err(|source| StoreError::Read {
            path: name.clone(),
            source,
        })?;
        let lock = WorldFile::lock(&target, &name)?;
        let jpath = sibling(&target, ".journal");
        let jname = jpath.display().to_string();
        let mut report = LoadReport::default();
        let strays = fsutil::remove_stray_temps(&[&target, &jpath]);
        if strays > 0 {
            report.warnings.push(format!(
                "removed {strays} temporary file(s) an interrupted save left beside {name}"
            ));
        }
        let (mut world, hash, snapshot_bytes) = read_snapshot(&target, &name)?;
        report.snapshot_bytes = snapshot_bytes;
        report.warnings.extend(fsutil::readable_by_others(&target));
        let existing = match OpenOptions::new()
            .read(true)
            .write(true)
            .custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC)
            .open(&jpath)
        {
            Ok(f) => Some(f),
            Err(e) if e.kind() == io::ErrorKind::NotFound => None,
            Err(source) => {
                return Err(StoreError::Read {
                    path: jname,
                    source,
                });
            }
        };
        let (jfile, parsed) = match existing {
            Some(f) => {
                journal::lock_file(&f, &jpath, &name)?;
                let bytes = read_checked(&f, &jname)?;
                if bytes.is_empty() {
                    drop(f);
                    new_journal(&jpath, &hash, 0, &[], &name)?
                } else {
                    let parsed = journal::parse(&bytes, &jname)?;
                    let after = replay_point(&parsed, &hash, &jname, &name)?;
                    report.replayed = journal::replay(&mut world, &parsed, after, &jname)?;
                    report.journal_bytes = parsed.valid_len;
                    if let Some(t) = &parsed.torn {
                        report.warnings.push(t.clone());
                    }
                    if parsed.header.base != hash {
                        // A compaction renamed the snapshot in but did not replace the journal.
                        let keep = kept_lines(&bytes, &parsed, after);
                        drop(f);
                        new_journal(&jpath, &hash, after, &keep, &name)?
                    } else {
                        if parsed.torn.is_some() {
                            f.set_len(parsed.valid_len)
                                .and_then(|()| f.sync_all())
                                .map_err(|source| StoreError::Write {
                                    path: jname.clone(),
                                    source,
                                })?;
                        }
                        (f, parsed)
                    }
                }
            }
            None => new_journal(&jpath, &hash, 0, &[], &name)?,
        };
        let journal = Journal::new(jpath, jfile, &parsed)?;
        Ok((
            WorldFile {
                path: path.to_path_buf(),
                target,
                journal,
                _lock: lock,
                compaction: Mutex::new(()),
                snapshot_bytes: AtomicU64::new(snapshot_bytes),
                threshold: AtomicU64::new(0),
            },
            world,
            report,
        ))
    }

    /// Creates a new world file (snapshot and empty journal); refuses if one exists.
    pub fn create(path: &Path, world: &World) -> Result<WorldFile, StoreError> {
        let name = path.display().to_string();
        if fs::symlink_metadata(path).is_ok() && path.exists() {
            return Err(StoreError::Exists { path: name });
        }
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            fs::create_dir_all(dir).map_err(|source| StoreError::Write {
                path: dir.display().to_string(),
                source,
            })?;
        }
        let target = fsutil::resolve(path).map_err(|source| StoreError::Read {
            path: name.clone(),
            source,
        })?;
        let lock = WorldFile::lock(&target, &name)?;
        let text = to_ron(world);
        let hash = journal::sha256_hex(text.as_bytes());
        let tmp = fsutil::write_temp(&target, text.as_bytes())?;
        // never over a file that appeared meanwhile
        tmp.persist_noclobber(&target)
            .map_err(|e| match e.error.kind() {
                io::ErrorKind::AlreadyExists => StoreError::Exists { path: name.clone() },
                _ => StoreError::Write {
                    path: name.clone(),
                    source: e.error,
                },
            })?;
        fsutil::sync_dir(fsutil::dir_of(&target))?;
        let jpath = sibling(&target, ".journal");
        let (jfile, parsed) = new_journal(&jpath, &hash, 0, &[], &name)?;
        Ok(WorldFile {
            path: path.to_path_buf(),
            journal: Journal::new(jpath, jfile, &parsed)?,
            target,
            _lock: lock,
            compaction: Mutex::new(()),
            snapshot_bytes: AtomicU64::new(text.len() as u64),
            threshold: AtomicU64::new(0),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn journal(&self) -> &Journal {
        &self.journal
    }

    /// Appends an applied change to the journal (durable after [`WorldFile::sync_to`]).
    pub fn append(&self, ctx: &Ctx, action: &Action) -> Result<u64, StoreError> {
        self.journal.append(&journal::record_of(ctx, action))
    }

    /// Waits until the change `seq` is on disk.
    pub fn sync_to(&self, seq: u64) -> Result<(), StoreError> {
        self.journal.sync_to(seq)
    }

    /// Appends and fsyncs one applied change: once this returns, the change survives a crash.
    pub fn commit(&self, ctx: &Ctx, action: &Action) -> Result<(), StoreError> {
        let seq = self.append(ctx, action)?;
        self.sync_to(seq)
    }

    /// Appends and fsyncs changes applied together as one record: a crash keeps all or none.
    pub fn commit_batch(&self, changes: &[(Ctx, Action)]) -> Result<(), StoreError> {
        let record = Record::Batch {
            changes: changes
                .iter()
                .map(|(ctx, action)| journal::record_of(ctx, action))
                .collect(),
        };
        let seq = self.journal.append(&record)?;
        self.sync_to(seq)
    }

    /// Whether the journal has grown past the size at which it is folded into the snapshot.
    pub fn needs_compaction(&self) -> bool {
        let threshold = match self.threshold.load(Ordering::Relaxed) {
            0 => compaction_threshold(self.snapshot_bytes.load(Ordering::Relaxed)),
            n => n,
        };
        self.journal.pending_changes() > 0 && self.journal.len() > threshold
    }

    /// Sets the journal size that triggers a compaction (tests, benchmarks).
    pub fn set_compaction_threshold(&self, bytes: u64) {
        self.threshold.store(bytes, Ordering::Relaxed);
    }

    /// Saves `world` as the new snapshot: it must hold every change appended so far (the
    /// caller keeps appends out meanwhile). Changes that are not actions (undo, a replaced
    /// world) are made durable this way.
    pub fn save(&self, world: &World) -> Result<(), StoreError> {
        self.compact(world)
    }

    /// Folds the journal into a new snapshot of `world` (which must hold every change appended
    /// so far): the snapshot is written to a temporary file and fsynced, a `Folded` marker is
    /// appended to the journal, the snapshot is renamed into place (the old one kept as
    /// `.bak`), and the journal is replaced by an empty one naming it.
    pub fn compact(&self, world: &World) -> Result<(), StoreError> {
        let _one = self.compaction.lock().unwrap_or_else(|e| e.into_inner());
        let text = to_ron(world);
        let (epoch, upto) = self.journal.position();
        self.install_snapshot(&text, upto, epoch)
    }

    fn install_snapshot(&self, text: &str, upto: u64, epoch: u64) -> Result<(), StoreError> {
        let hash = journal::sha256_hex(text.as_bytes());
        let header = self.journal.header();
        if header.base == hash && self.journal.pending_changes() == 0 {
            return Ok(());
        }
        let tmp = fsutil::write_temp(&self.target, text.as_bytes())?;
        let bak = sibling(&self.target, ".bak");
        self.journal.switch(&hash, upto, epoch, || {
            fsutil::install(tmp, &self.target, Some(&bak))
        })?;
        self.snapshot_bytes
            .store(text.len() as u64, Ordering::Relaxed);
        Ok(())
    }

    /// Compacts without the world in memory: replays the journal written so far on a copy of
    /// the snapshot read from disk, on the calling thread, while changes go on being appended
    /// (they are held only for the final switch). Returns false if another compaction runs.
    pub fn compact_from_disk(&self) -> Result<bool, StoreError> {
        let Ok(_one) = self.compaction.try_lock() else {
            return Ok(false);
        };
        let jname = self.journal.path().display().to_string();
        let name = self.path.display().to_string();
        let written = self.journal.read_written()?;
        let parsed = journal::parse(&written.bytes, &jname)?;
        drop(written.bytes);
        let (mut world, hash, _) = read_snapshot(&self.target, &name)?;
        let after = replay_point(&parsed, &hash, &jname, &name)?;
        journal::replay(&mut world, &parsed, after, &jname)?;
        let text = to_ron(&world);
        drop(world);
        self.install_snapshot(&text, written.seq, written.epoch)?;
        Ok(true)
    }

    /// The world as it was after the change `seq` (the snapshot and the journal up to it),
    /// rebuilt from the files on the calling thread: what undo and redo go back to. Refused for a
    /// change already folded into the snapshot.
    pub fn world_at(&self, seq: u64) -> Result<World, StoreError> {
        let _no_compaction = self.compaction.lock().unwrap_or_else(|e| e.into_inner());
        let jname = self.journal.path().display().to_string();
        let name = self.path.display().to_string();
        let written = self.journal.read_written()?;
        let parsed = journal::parse(&written.bytes, &jname)?;
        drop(written.bytes);
        let (mut world, hash, _) = read_snapshot(&self.target, &name)?;
        let after = replay_point(&parsed, &hash, &jname, &name)?;
        if seq < after {
            return Err(StoreError::Journal {
                path: jname,
                line: 1,
                message: format!(
                    "change {seq} is already folded into the snapshot (it holds changes up to {after}); it can no longer be gone back to"
                ),
            });
        }
        journal::replay_until(&mut world, &parsed, after, seq, &jname)?;
        Ok(world)
    }

    /// After a failed append or fsync: cuts the journal back to what is on disk and reads the
    /// world again from the files, so nothing unacknowledged stays in memory.
    pub fn recover(&self) -> Result<World, StoreError> {
        self.journal.recover()?;
        let jname = self.journal.path().display().to_string();
        let name = self.path.display().to_string();
        let written = self.journal.read_written()?;
        let parsed = journal::parse(&written.bytes, &jname)?;
        let (mut world, hash, _) = read_snapshot(&self.target, &name)?;
        let after = replay_point(&parsed, &hash, &jname, &name)?;
        journal::replay(&mut world, &parsed, after, &jname)?;
        Ok(world)
    }
}

/// The lines of the changes after `after`, as they are in `bytes`.
fn kept_lines(bytes: &[u8], parsed: &Parsed, after: u64) -> Vec<u8> {
    let mut out = Vec::new();
    for (i, e) in parsed.entries.iter().enumerate() {
        if e.seq > after && e.record.is_change() {
            let end = parsed
                .entries
                .get(i + 1)
                .map_or(parsed.valid_len, |n| n.start);
            out.extend_from_slice(&bytes[e.start as usize..end as usize]);
        }
    }
    out
}

/// Writes a journal (header naming snapshot `base` holding records up to `seq`, then `records`
/// as they are) to a temporary file, locks it and renames it into place.
fn new_journal(
    jpath: &Path,
    base: &str,
    seq: u64,
    records: &[u8],
    world: &str,
) -> Result<(File, Parsed), StoreError> {
    let mut bytes = Header {
        base: base.to_string(),
        seq,
    }
    .line()
    .into_bytes();
    bytes.extend_from_slice(records);
    let tmp = fsutil::write_temp(jpath, &bytes)?;
    journal::lock_file(tmp.as_file(), tmp.path(), world)?;
    let file = tmp
        .as_file()
        .try_clone()
        .map_err(|source| StoreError::Write {
            path: jpath.display().to_string(),
            source,
        })?;
    fsutil::install(tmp, jpath, None)?;
    let parsed = journal::parse(&bytes, &jpath.display().to_string())?;
    Ok((file, parsed))
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

    #[test]
    fn the_declared_version_is_read_from_the_first_lines() {
        assert_eq!(declared_version("(\n    version: 12,\n"), Some(12));
        assert_eq!(declared_version("(clock: 1)"), None);
    }
}
