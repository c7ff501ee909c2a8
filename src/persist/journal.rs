//! The journal, `<world>.journal` beside the snapshot: every change applied since the snapshot
//! was written, one RON record a line, each with a sequence number and a checksum. A change is
//! acknowledged once its record is appended and fsynced; on open the world is the snapshot with
//! the journal replayed (the model is deterministic: the clock and the SID generator are the
//! world's, so the same actions give the same world).
//!
//! ```text
//! tworg-journal 1 base=<SHA-256 of the snapshot, hex> seq=<last sequence number it holds>
//! <seq> <checksum> <RON record>
//! …
//! ```
//!
//! The checksum is the first 16 hex digits of the SHA-256 of `<seq> <RON record>`. A record is
//! `Apply(ctx: …, action: …)`, an applied change, or `Folded(snapshot: "<hex>", upto: N)`, written
//! by a compaction just before it renames a new snapshot into place: the snapshot with that hash
//! holds every record up to `N`. So a crash at any point of a compaction leaves a pair that opens
//! to the same world.

use std::fs::File;
use std::io;
use std::ops::RangeInclusive;
use std::os::unix::fs::{FileExt, MetadataExt};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::StoreError;
use crate::model::{Action, ActionError, Ctx, World};

pub const MAGIC: &str = "tworg-journal";
pub const JOURNAL_VERSION: u32 = 1;

/// One line of the journal after the header.
#[allow(clippy::large_enum_variant)] // records live one at a time, or briefly in a parsed journal
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Record {
    /// A change applied through the model.
    Apply { ctx: Ctx, action: Action },
    /// Changes applied together (`tworg apply`): one line, so a crash keeps all or none.
    Batch { changes: Vec<Record> },
    /// Undo or redo (AUD-1): the world takes the state it had after record `to` of this journal
    /// (its log kept whole, see `World::undo`/`World::redo`); `change` is the audit index of the
    /// change a redo makes again. Replay rebuilds that state on the way.
    Restore {
        ctx: Ctx,
        verb: RestoreVerb,
        to: u64,
        #[serde(default)]
        change: usize,
    },
    /// The snapshot whose SHA-256 is `snapshot` holds every record up to `upto`.
    Folded { snapshot: String, upto: u64 },
}

/// Which way a [`Record::Restore`] goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RestoreVerb {
    Undo,
    Redo,
}

/// Applies a restore on `world`, given the world as it was at its point.
pub fn apply_restore(
    world: &mut World,
    ctx: &Ctx,
    verb: RestoreVerb,
    at: &World,
    change: usize,
) -> Result<crate::model::Outcome, ActionError> {
    match verb {
        RestoreVerb::Undo => world.undo(ctx, at),
        RestoreVerb::Redo => world.redo(ctx, at, change),
    }
}

impl Record {
    /// A change (not a compaction marker).
    pub fn is_change(&self) -> bool {
        !matches!(self, Record::Folded { .. })
    }
}

/// The first line: which snapshot the records apply to, and the last sequence number that
/// snapshot holds.
#[derive(Debug, Clone, PartialEq)]
pub struct Header {
    pub base: String,
    pub seq: u64,
}

impl Header {
    pub fn line(&self) -> String {
        format!(
            "{MAGIC} {JOURNAL_VERSION} base={} seq={}\n",
            self.base, self.seq
        )
    }

    fn parse(line: &str) -> Option<Header> {
        let mut parts = line.split(' ');
        if parts.next()? != MAGIC || parts.next()?.parse::<u32>().ok()? != JOURNAL_VERSION {
            return None;
        }
        let base = parts.next()?.strip_prefix("base=")?;
        let seq = parts.next()?.strip_prefix("seq=")?.parse().ok()?;
        let well_formed = base.len() == 64 && base.bytes().all(|b| b.is_ascii_hexdigit());
        (well_formed && parts.next().is_none()).then(|| Header {
            base: base.to_string(),
            seq,
        })
    }
}

/// SHA-256 of bytes, as lowercase hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[(b >> 4) as usize] as char);
        s.push(DIGITS[(b & 15) as usize] as char);
    }
    s
}

/// The checksum of a line: the first 16 hex digits of the SHA-256 of `<seq> <body>`.
pub fn checksum(seq: u64, body: &str) -> String {
    let mut h = Sha256::new();
    h.update(seq.to_string().as_bytes());
    h.update(b" ");
    h.update(body.as_bytes());
    hex(&h.finalize()[..8])
}

/// One record as a line, with its final `\n`.
pub fn encode(seq: u64, record: &Record) -> String {
    let body = ron::to_string(record).expect("a record always serializes");
    debug_assert!(!body.contains('\n'), "RON escapes line breaks in strings");
    format!("{seq} {} {body}\n", checksum(seq, &body))
}

/// A record read back, with where it was.
#[derive(Debug, Clone)]
pub struct Entry {
    pub seq: u64,
    pub record: Record,
    /// 1-based line number in the file.
    pub line: usize,
    /// Byte offset where the line starts.
    pub start: u64,
}

/// A journal file as read: its header, its good records, and what was dropped.
#[derive(Debug, Clone)]
pub struct Parsed {
    pub header: Header,
    pub entries: Vec<Entry>,
    /// Bytes up to the end of the last good record.
    pub valid_len: u64,
    /// Why a torn last record was dropped.
    pub torn: Option<String>,
}

impl Parsed {
    /// Which records the snapshot whose hash is `snapshot` does not hold yet: those after the
    /// last `Folded` naming it, else all records when the header names it. `None` if the journal
    /// belongs to another snapshot.
    pub fn replay_after(&self, snapshot: &str) -> Option<u64> {
        let folded = self.entries.iter().rev().find_map(|e| match &e.record {
            Record::Folded { snapshot: s, upto } if s == snapshot => Some(*upto),
            _ => None,
        });
        match folded {
            Some(upto) => Some(upto.max(if self.header.base == snapshot {
                self.header.seq
            } else {
                0
            })),
            None => (self.header.base == snapshot).then_some(self.header.seq),
        }
    }

    /// The applied changes after sequence number `after`.
    pub fn changes_after(&self, after: u64) -> impl Iterator<Item = &Entry> {
        self.entries
            .iter()
            .filter(move |e| e.seq > after && e.record.is_change())
    }

    pub fn last_seq(&self) -> u64 {
        self.entries.last().map_or(self.header.seq, |e| e.seq)
    }
}

/// Reads journal bytes. A last record that is cut short or fails its checksum (a write the crash
/// interrupted) is dropped and reported in `torn`; a bad record before the last is an error that
/// names the file and line, as is a record whose checksum holds but which this tworg cannot read.
pub fn parse(bytes: &[u8], name: &str) -> Result<Parsed, StoreError> {
    let err = |line: usize, message: String| StoreError::Journal {
        path: name.to_string(),
        line,
        message,
    };
    let header_end = bytes
        .iter()
        .position(|&b| b == b'\n')
        .ok_or_else(|| err(1, "the journal has no complete header line".into()))?;
    let header = std::str::from_utf8(&bytes[..header_end])
        .ok()
        .and_then(Header::parse)
        .ok_or_else(|| {
            err(
                1,
                format!(
                    "not a tworg journal header (expected `{MAGIC} {JOURNAL_VERSION} base=… seq=…`)"
                ),
            )
        })?;
    let mut entries = Vec::new();
    let mut pos = header_end + 1;
    let mut line = 1;
    let mut last_seq = header.seq;
    let mut torn = None;
    while pos < bytes.len() {
        line += 1;
        let (end, complete) = match bytes[pos..].iter().position(|&b| b == b'\n') {
            Some(i) => (pos + i, true),
            None => (bytes.len(), false),
        };
        let is_last = end + 1 >= bytes.len();
        let text = std::str::from_utf8(&bytes[pos..end]).ok();
        let split = text.and_then(|t| {
            let mut it = t.splitn(3, ' ');
            let seq = it.next()?.parse::<u64>().ok()?;
            let sum = it.next()?;
            let body = it.next()?;
            Some((seq, sum, body))
        });
        let intact = complete && split.is_some_and(|(seq, sum, body)| checksum(seq, body) == sum);
        if !intact {
            let why = if complete {
                "its checksum does not match"
            } else {
                "it is cut short"
            };
            if is_last {
                torn = Some(format!(
                    "{name}:{line}: the last record was dropped: {why} (a write interrupted by a crash; that change was never acknowledged)"
                ));
                break;
            }
            return Err(err(
                line,
                format!(
                    "record damaged in the middle of the journal: {why}; tworg will not guess what follows (restore the file, or move it aside to open the snapshot alone)"
                ),
            ));
        }
        let (seq, _, body) = split.expect("intact");
        if seq <= last_seq {
            return Err(err(
                line,
                format!("sequence number {seq} does not follow {last_seq}"),
            ));
        }
        let record: Record = ron::from_str(body).map_err(|e| {
            err(
                line,
                format!(
                    "a record this tworg cannot read ({}); was it written by a newer tworg?",
                    e.code
                ),
            )
        })?;
        entries.push(Entry {
            seq,
            record,
            line,
            start: pos as u64,
        });
        last_seq = seq;
        pos = end + 1;
    }
    let valid_len = match &torn {
        Some(_) => pos as u64,
        None => bytes.len() as u64,
    };
    Ok(Parsed {
        header,
        entries,
        valid_len,
        torn,
    })
}

/// The prefix of a SCIM token replaced by its hash in a journal record.
const HASHED: &str = "sha256:";

/// The record of an applied change. No secret is written in clear: the SCIM bearer token of
/// `ScimEnable` is recorded as `sha256:<its hash>`, which is all the world keeps of it.
pub fn record_of(ctx: &Ctx, action: &Action) -> Record {
    let action = match action {
        Action::ScimEnable { token } => Action::ScimEnable {
            token: format!("{HASHED}{}", crate::model::scim::token_hash(token)),
        },
        other => other.clone(),
    };
    Record::Apply {
        ctx: ctx.clone(),
        action,
    }
}

/// Applies a recorded change: as the action it is, except that a hashed SCIM token is put back
/// as the hash it is (the model would hash it again).
fn apply_record(world: &mut World, ctx: &Ctx, action: &Action) -> Result<(), ActionError> {
    world.apply(ctx, action)?;
    if let Action::ScimEnable { token } = action
        && let Some(hash) = token.strip_prefix(HASHED)
        && let Some(org) = world.orgs.get_mut(&ctx.org)
    {
        org.scim.token_sha256 = Some(hash.to_string());
    }
    Ok(())
}

/// Replays the changes after `after` on `world`; a record the model refuses is an error naming
/// its line (the journal does not belong to this snapshot, or another tworg wrote it).
pub fn replay(
    world: &mut World,
    parsed: &Parsed,
    after: u64,
    name: &str,
) -> Result<usize, StoreError> {
    replay_until(world, parsed, after, u64::MAX, name)
}

/// [`replay`], stopping after record `until`: the world as it was then.
pub fn replay_until(
    world: &mut World,
    parsed: &Parsed,
    after: u64,
    until: u64,
    name: &str,
) -> Result<usize, StoreError> {
    let entries: Vec<&Entry> = parsed
        .changes_after(after)
        .filter(|e| e.seq <= until)
        .collect();
    // The points restores go back to, each kept (one copy) from when replay passes it until
    // the last restore that needs it.
    let mut last_use: std::collections::BTreeMap<u64, usize> = std::collections::BTreeMap::new();
    for (i, e) in entries.iter().enumerate() {
        if let Record::Restore { to, .. } = &e.record {
            last_use.insert(*to, i);
        }
    }
    let mut kept: std::collections::BTreeMap<u64, World> = std::collections::BTreeMap::new();
    let err = |e: &Entry, what: String| StoreError::Journal {
        path: name.to_string(),
        line: e.line,
        message: what,
    };
    let mut n = 0;
    for (i, e) in entries.iter().enumerate() {
        // keep the state at each point this replay has now passed (everything up to it applied)
        let passed: Vec<u64> = last_use
            .keys()
            .filter(|t| **t < e.seq && !kept.contains_key(t) && **t >= after)
            .copied()
            .collect();
        for t in passed {
            kept.insert(t, world.clone());
        }
        let changes: &[Record] = match &e.record {
            Record::Batch { changes } => changes,
            single => std::slice::from_ref(single),
        };
        for (k, c) in changes.iter().enumerate() {
            match c {
                Record::Apply { ctx, action } => {
                    apply_record(world, ctx, action).map_err(|x| {
                        err(
                            e,
                            format!(
                                "record {}{} ({}) does not apply to the world before it: {x}",
                                e.seq,
                                if changes.len() > 1 {
                                    format!(", change {} of the batch", k + 1)
                                } else {
                                    String::new()
                                },
                                action.name()
                            ),
                        )
                    })?;
                }
                Record::Restore {
                    ctx,
                    verb,
                    to,
                    change,
                } => {
                    let at = kept.get(to).ok_or_else(|| {
                        err(
                            e,
                            format!(
                                "record {} goes back to record {to}, which this journal does not hold",
                                e.seq
                            ),
                        )
                    })?;
                    apply_restore(world, ctx, *verb, at, *change).map_err(|x| {
                        err(
                            e,
                            format!("record {} ({verb:?}) does not apply: {x}", e.seq),
                        )
                    })?;
                    if last_use.get(to) == Some(&i) {
                        kept.remove(to);
                    }
                }
                _ => continue,
            }
            n += 1;
        }
    }
    Ok(n)
}

/// The journal as written, read back by a compaction.
#[derive(Debug)]
pub struct Written {
    pub bytes: Vec<u8>,
    pub seq: u64,
    pub epoch: u64,
}

/// What a writer knows of its open journal.
#[derive(Debug)]
struct State {
    file: Arc<File>,
    /// (device, inode) of `file`, to notice the journal being replaced or removed behind us.
    id: (u64, u64),
    /// Bytes written (all good records).
    len: u64,
    /// The last sequence number written (records and markers).
    seq: u64,
    header: Header,
    /// Where each record after the header starts (for compaction, which keeps the records a
    /// new snapshot does not hold).
    starts: Vec<Line>,
    /// How many of those are changes (not markers).
    changes: usize,
    /// Bumped by every recovery: a compaction that read the journal before one is abandoned.
    epoch: u64,
    /// A write or fsync failed and the file was not brought back: no more appends.
    failed: Option<String>,
    /// Sequence numbers whose records were cut off after a failure: never acknowledged.
    lost: Vec<RangeInclusive<u64>>,
}

#[derive(Debug, Clone, Copy)]
struct Line {
    seq: u64,
    start: u64,
    marker: bool,
    /// A restore's point: the state after that record must be rebuildable from the snapshot.
    restore_to: Option<u64>,
}

fn restore_to(record: &Record) -> Option<u64> {
    match record {
        Record::Restore { to, .. } => Some(*to),
        _ => None,
    }
}

#[derive(Debug, Default, Clone, Copy)]
struct Durable {
    seq: u64,
    len: u64,
}

/// A journal open for appending, held with an OS lock (so a second writer is refused even if
/// the `.lock` file is deleted). Appends are ordered by the caller; fsyncs are shared: a waiter
/// whose record a concurrent fsync covered does not fsync again (group commit).
#[derive(Debug)]
pub struct Journal {
    path: PathBuf,
    state: Mutex<State>,
    durable: Mutex<Durable>,
}

fn file_id(m: &std::fs::Metadata) -> (u64, u64) {
    (m.dev(), m.ino())
}

/// Takes the OS lock on an open journal file.
pub fn lock_file(file: &File, path: &Path, world: &str) -> Result<(), StoreError> {
    match file.try_lock() {
        Ok(()) => Ok(()),
        Err(std::fs::TryLockError::WouldBlock) => Err(StoreError::Locked {
            path: world.to_string(),
        }),
        Err(std::fs::TryLockError::Error(source)) => Err(StoreError::Write {
            path: path.display().to_string(),
            source,
        }),
    }
}

impl Journal {
    /// A journal over an open, locked file whose first `len` bytes are `parsed`.
    pub fn new(path: PathBuf, file: File, parsed: &Parsed) -> Result<Journal, StoreError> {
        let id = file
            .metadata()
            .map(|m| file_id(&m))
            .map_err(|source| StoreError::Write {
                path: path.display().to_string(),
                source,
            })?;
        let durable = Durable {
            seq: parsed.last_seq(),
            len: parsed.valid_len,
        };
        Ok(Journal {
            state: Mutex::new(State {
                file: Arc::new(file),
                id,
                len: parsed.valid_len,
                seq: parsed.last_seq(),
                header: parsed.header.clone(),
                starts: parsed
                    .entries
                    .iter()
                    .map(|e| Line {
                        seq: e.seq,
                        start: e.start,
                        marker: matches!(e.record, Record::Folded { .. }),
                        restore_to: restore_to(&e.record),
                    })
                    .collect(),
                changes: parsed
                    .entries
                    .iter()
                    .filter(|e| e.record.is_change())
                    .count(),
                epoch: 0,
                failed: None,
                lost: Vec::new(),
            }),
            durable: Mutex::new(durable),
            path,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn durable_guard(&self) -> MutexGuard<'_, Durable> {
        self.durable.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn werr(&self, source: io::Error) -> StoreError {
        StoreError::Write {
            path: self.path.display().to_string(),
            source,
        }
    }

    /// Bytes in the journal.
    pub fn len(&self) -> u64 {
        self.state().len
    }

    pub fn is_empty(&self) -> bool {
        let s = self.state();
        s.len == s.header.line().len() as u64
    }

    /// The hash of the snapshot the journal applies to, and the last sequence number it holds.
    pub fn header(&self) -> Header {
        self.state().header.clone()
    }

    /// The last sequence number written.
    pub fn seq(&self) -> u64 {
        self.state().seq
    }

    /// Changes written since the snapshot (every record but compaction markers).
    pub fn pending_changes(&self) -> usize {
        self.state().changes
    }

    /// The sequence number the snapshot holds records up to: a restore can go back to this
    /// point or later.
    pub fn base_seq(&self) -> u64 {
        self.state().header.seq
    }

    /// Why appending stopped, if it did.
    pub fn failure(&self) -> Option<String> {
        self.state().failed.clone()
    }

    /// Appends a record (not yet durable: see [`Journal::sync_to`]) and returns its sequence
    /// number. On failure the file is cut back to before it, so no partial record stays.
    pub fn append(&self, record: &Record) -> Result<u64, StoreError> {
        let mut s = self.state();
        self.append_locked(&mut s, record)
    }

    fn append_locked(&self, s: &mut State, record: &Record) -> Result<u64, StoreError> {
        if let Some(f) = &s.failed {
            return Err(self.werr(io::Error::other(format!(
                "the journal stopped taking changes after an earlier failure: {f}"
            ))));
        }
        // Someone replaced or removed the journal: our appends would go nowhere anyone reads.
        match std::fs::metadata(&self.path) {
            Ok(m) if file_id(&m) == s.id => {}
            _ => {
                let msg = "the journal was replaced or removed by someone else; this session stops writing (reopen the world)";
                s.failed = Some(msg.into());
                return Err(self.werr(io::Error::other(msg)));
            }
        }
        let seq = s.seq + 1;
        let line = encode(seq, record);
        if let Err(e) = s.file.write_all_at(line.as_bytes(), s.len) {
            if let Err(e2) = s.file.set_len(s.len) {
                s.failed = Some(format!("{e}; then it could not be cut back: {e2}"));
            }
            return Err(self.werr(e));
        }
        let marker = matches!(record, Record::Folded { .. });
        s.starts.push(Line {
            seq,
            start: s.len,
            marker,
            restore_to: restore_to(record),
        });
        s.changes += usize::from(!marker);
        s.len += line.len() as u64;
        s.seq = seq;
        Ok(seq)
    }

    /// Waits until the record `seq` is on disk, fsyncing if no one else has covered it.
    pub fn sync_to(&self, seq: u64) -> Result<(), StoreError> {
        let mut d = self.durable_guard();
        let (file, target) = {
            let s = self.state();
            if s.lost.iter().any(|r| r.contains(&seq)) {
                return Err(self.werr(io::Error::other(
                    "this change was cut from the journal after a failed write",
                )));
            }
            if d.seq >= seq {
                return Ok(());
            }
            if let Some(f) = &s.failed {
                return Err(self.werr(io::Error::other(f.clone())));
            }
            (
                Arc::clone(&s.file),
                Durable {
                    seq: s.seq,
                    len: s.len,
                },
            )
        };
        if let Err(e) = file.sync_data() {
            // After a failed fsync the kernel's copy cannot be trusted: stop until recovered.
            self.state().failed = Some(format!("fsync failed: {e}"));
            return Err(self.werr(e));
        }
        *d = target;
        Ok(())
    }

    /// Everything written is on disk.
    pub fn sync_all(&self) -> Result<(), StoreError> {
        let seq = self.seq();
        self.sync_to(seq)
    }

    pub fn is_durable(&self) -> bool {
        let seq = self.seq();
        self.durable_guard().seq >= seq
    }

    /// After a failure: cuts the file back to what is known to be on disk, so appending can go
    /// on (the caller reloads its world from the files). The records cut off are reported lost
    /// to their waiters.
    pub fn recover(&self) -> Result<(), StoreError> {
        let d = self.durable_guard();
        let mut s = self.state();
        s.file.set_len(d.len).map_err(|e| self.werr(e))?;
        s.file.sync_data().map_err(|e| self.werr(e))?;
        if s.seq > d.seq {
            let lost = d.seq + 1..=s.seq;
            s.lost.push(lost);
        }
        s.len = d.len;
        // Sequence numbers are not reused, so a lost change is never mistaken for a later one.
        s.starts.retain(|l| l.start < d.len);
        s.changes = s.starts.iter().filter(|l| !l.marker).count();
        s.failed = None;
        s.epoch += 1;
        Ok(())
    }

    /// The switch of a compaction, appends held throughout: appends and fsyncs the `Folded`
    /// marker (the snapshot `base` holds every record up to `upto`), runs `between` (which
    /// renames that snapshot into place), then replaces the journal with one whose header names
    /// `base` and which holds the records after `upto`, copied as they are.
    pub fn switch(
        &self,
        base: &str,
        upto: u64,
        epoch: u64,
        between: impl FnOnce() -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        let mut d = self.durable_guard();
        let mut s = self.state();
        if s.epoch != epoch {
            return Err(self.werr(io::Error::other(
                "a failed write was recovered while compacting; the compaction was abandoned",
            )));
        }
        // an undo appended meanwhile that goes back before the new snapshot could not be
        // replayed on it: fold it in a later compaction instead
        if s.starts
            .iter()
            .any(|l| l.seq > upto && l.restore_to.is_some_and(|to| to < upto))
        {
            return Err(self.werr(io::Error::other(
                "an undo goes back before the new snapshot; the compaction waits for a later one",
            )));
        }
        // the Folded marker: the snapshot about to be renamed in holds everything up to `upto`
        self.append_locked(
            &mut s,
            &Record::Folded {
                snapshot: base.to_string(),
                upto,
            },
        )?;
        if let Err(e) = s.file.sync_data() {
            s.failed = Some(format!("fsync failed: {e}"));
            return Err(self.werr(e));
        }
        *d = Durable {
            seq: s.seq,
            len: s.len,
        };
        between()?;
        // the records the new snapshot does not hold, as written (no markers)
        let header = Header {
            base: base.to_string(),
            seq: upto,
        };
        let mut bytes = header.line().into_bytes();
        let mut starts = Vec::new();
        for (i, l) in s.starts.iter().enumerate() {
            if l.seq <= upto || l.marker {
                continue;
            }
            let end = s.starts.get(i + 1).map_or(s.len, |n| n.start);
            starts.push(Line {
                seq: l.seq,
                start: bytes.len() as u64,
                marker: false,
                restore_to: l.restore_to,
            });
            let at = bytes.len();
            bytes.resize(at + (end - l.start) as usize, 0);
            s.file
                .read_exact_at(&mut bytes[at..], l.start)
                .map_err(|e| self.werr(e))?;
        }
        let tmp = super::fsutil::write_temp(&self.path, &bytes)?;
        lock_file(tmp.as_file(), tmp.path(), &self.path.display().to_string())?;
        let file = tmp.as_file().try_clone().map_err(|e| self.werr(e))?;
        super::fsutil::install(tmp, &self.path, None)?;
        let id = file
            .metadata()
            .map(|m| file_id(&m))
            .map_err(|e| self.werr(e))?;
        s.file = Arc::new(file);
        s.id = id;
        s.len = bytes.len() as u64;
        s.header = header;
        s.changes = starts.len();
        s.starts = starts;
        *d = Durable {
            seq: s.seq,
            len: s.len,
        };
        Ok(())
    }

    /// The journal's bytes as written so far and the last sequence number among them (for a
    /// background compaction, which replays them on its own copy of the snapshot).
    pub fn read_written(&self) -> Result<Written, StoreError> {
        let s = self.state();
        let mut bytes = vec![0u8; s.len as usize];
        s.file
            .read_exact_at(&mut bytes, 0)
            .map_err(|e| self.werr(e))?;
        Ok(Written {
            bytes,
            seq: s.seq,
            epoch: s.epoch,
        })
    }

    /// The recovery epoch and last sequence number, read together.
    pub fn position(&self) -> (u64, u64) {
        let s = self.state();
        (s.epoch, s.seq)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Sid;

    fn rec(name: &str) -> Record {
        Record::Apply {
            ctx: Ctx::new(
                Sid::parse_any("OR00000000000000000000000000000001").unwrap(),
                Sid::parse_any("US00000000000000000000000000000001").unwrap(),
            ),
            action: Action::RenameOrg { name: name.into() },
        }
    }

    fn journal(records: &[Record]) -> Vec<u8> {
        let mut s = Header {
            base: "a".repeat(64),
            seq: 4,
        }
        .line();
        for (i, r) in records.iter().enumerate() {
            s.push_str(&encode(5 + i as u64, r));
        }
        s.into_bytes()
    }

    #[test]
    fn records_are_one_line_even_with_line_breaks_in_strings() {
        let line = encode(1, &rec("two\nlines"));
        assert_eq!(line.matches('\n').count(), 1);
        let p = parse(&journal(&[rec("two\nlines"), rec("b")]), "j").unwrap();
        assert_eq!(p.entries[0].record, rec("two\nlines"));
        assert_eq!(p.last_seq(), 6);
    }

    #[test]
    fn a_torn_last_record_is_dropped_and_a_damaged_middle_one_is_an_error() {
        let full = journal(&[rec("a"), rec("b")]);
        let cut = &full[..full.len() - 5];
        let p = parse(cut, "j").unwrap();
        assert_eq!(p.entries.len(), 1);
        assert!(p.torn.as_deref().unwrap().contains("j:3"));
        assert_eq!(p.valid_len as usize, journal(&[rec("a")]).len());

        let mut bad = full.clone();
        let at = journal(&[]).len() + 25;
        bad[at] ^= 1;
        let e = parse(&bad, "j").unwrap_err().to_string();
        assert!(e.starts_with("j:2:"), "{e}");
    }

    #[test]
    fn folded_markers_decide_what_to_replay() {
        let mut p = parse(&journal(&[rec("a"), rec("b")]), "j").unwrap();
        let base = "a".repeat(64);
        assert_eq!(p.replay_after(&base), Some(4));
        assert_eq!(p.replay_after(&"b".repeat(64)), None);
        p.entries.push(Entry {
            seq: 7,
            record: Record::Folded {
                snapshot: "b".repeat(64),
                upto: 6,
            },
            line: 4,
            start: 0,
        });
        assert_eq!(p.replay_after(&"b".repeat(64)), Some(6));
        assert_eq!(p.replay_after(&base), Some(4));
    }
}
