//! Files written safely: temporary files under random names created with `O_EXCL|O_NOFOLLOW`
//! (a planted file or symlink is never written through), atomic replacement that keeps an
//! existing file's owner and mode, a symlinked world saved through to its target, and stray
//! temporary files from a crash removed by the next writer.

use std::fs::{self, File, Metadata, OpenOptions};
use std::io;
use std::os::unix::fs::{MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use tempfile::NamedTempFile;

use super::StoreError;

/// How many random characters a temporary file's name carries.
const RAND_CHARS: usize = 12;
const TEMP_SUFFIX: &str = ".tmp";

/// Follows the symlinks of `path` itself (not only of its folders), so a symlinked world is read
/// and saved through to its target and its journal, lock and backup live beside the target. A
/// dangling link resolves to where its target would be.
pub fn resolve(path: &Path) -> io::Result<PathBuf> {
    let mut p = path.to_path_buf();
    for _ in 0..40 {
        match fs::symlink_metadata(&p) {
            Ok(m) if m.file_type().is_symlink() => {
                let t = fs::read_link(&p)?;
                p = if t.is_absolute() {
                    t
                } else {
                    p.parent().unwrap_or(Path::new("")).join(t)
                };
            }
            _ => return Ok(p),
        }
    }
    Err(io::Error::other("too many levels of symbolic links"))
}

/// The folder a file lives in (`.` for a bare name).
pub fn dir_of(path: &Path) -> &Path {
    path.parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// `<name><suffix>` beside `path`.
pub fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_default();
    name.push(suffix);
    path.with_file_name(name)
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// A new temporary file beside `path`: `.<name>.<12 random chars>.tmp`, mode 0600, created with
/// `O_CREAT|O_EXCL|O_NOFOLLOW` so nothing planted at that name is opened.
pub fn temp_beside(path: &Path) -> Result<NamedTempFile, StoreError> {
    let dir = dir_of(path);
    tempfile::Builder::new()
        .prefix(&format!(".{}.", file_name(path)))
        .suffix(TEMP_SUFFIX)
        .rand_bytes(RAND_CHARS)
        .make_in(dir, |p| {
            OpenOptions::new()
                .read(true)
                .write(true)
                .create_new(true)
                .mode(0o600)
                .custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC)
                .open(p)
        })
        .map_err(|source| StoreError::Write {
            path: format!("{}/.{}.*{TEMP_SUFFIX}", dir.display(), file_name(path)),
            source,
        })
}

/// Whether `name` is a temporary file tworg makes for the file called `stem`: ours
/// (`.<stem>.<random>.tmp`) or an older tworg's (`<stem>.tmp<pid>`).
pub fn is_stray_temp(name: &str, stem: &str) -> bool {
    if let Some(rest) = name
        .strip_prefix('.')
        .and_then(|n| n.strip_prefix(stem))
        .and_then(|n| n.strip_prefix('.'))
        .and_then(|n| n.strip_suffix(TEMP_SUFFIX))
    {
        return rest.len() == RAND_CHARS && rest.chars().all(|c| c.is_ascii_alphanumeric());
    }
    name.strip_prefix(stem)
        .and_then(|n| n.strip_prefix(".tmp"))
        .is_some_and(|pid| !pid.is_empty() && pid.chars().all(|c| c.is_ascii_digit()))
}

/// Removes the temporary files a crashed writer left beside each of `files` (call it holding the
/// world's lock, so no running writer's temporary file is taken). Returns how many were removed.
pub fn remove_stray_temps(files: &[&Path]) -> usize {
    let mut removed = 0;
    let Some(first) = files.first() else {
        return 0;
    };
    let Ok(entries) = fs::read_dir(dir_of(first)) else {
        return 0;
    };
    let stems: Vec<String> = files.iter().map(|f| file_name(f)).collect();
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if stems.iter().any(|s| is_stray_temp(&name, s)) && fs::remove_file(e.path()).is_ok() {
            removed += 1;
        }
    }
    removed
}

/// Gives `tmp` the owner and mode of the file it is about to replace (owner only where the OS
/// allows it: root may, others keep their own).
pub fn keep_owner_and_mode(tmp: &File, old: &Metadata) -> io::Result<()> {
    // SAFETY: geteuid has no preconditions.
    let euid = unsafe { libc::geteuid() };
    if old.uid() != euid || old.gid() != tmp.metadata()?.gid() {
        let uid = (euid == 0).then_some(old.uid());
        // A non-root user may still give the file a group it belongs to; ignore a refusal.
        let r = std::os::unix::fs::fchown(tmp, uid, Some(old.gid()));
        if euid == 0 {
            r?;
        }
    }
    tmp.set_permissions(fs::Permissions::from_mode(old.mode() & 0o777))
}

/// A warning when a world file may be read by every user of the machine.
pub fn readable_by_others(path: &Path) -> Option<String> {
    let m = fs::metadata(path).ok()?;
    (m.mode() & 0o004 != 0).then(|| {
        format!(
            "{} is readable by every user of this machine (mode {:04o}); the world names people and accounts",
            path.display(),
            m.mode() & 0o7777
        )
    })
}

/// fsyncs a folder, so a rename in it is durable.
pub fn sync_dir(dir: &Path) -> Result<(), StoreError> {
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|source| StoreError::Write {
            path: dir.display().to_string(),
            source,
        })
}

/// Writes `bytes` to a new temporary file beside `target` with `target`'s owner and mode (0600
/// for a new file) and fsyncs it; the caller renames it into place.
pub fn write_temp(target: &Path, bytes: &[u8]) -> Result<NamedTempFile, StoreError> {
    use std::io::Write;
    let mut tmp = temp_beside(target)?;
    let tmp_name = tmp.path().display().to_string();
    let werr = |source| StoreError::Write {
        path: tmp_name.clone(),
        source,
    };
    if let Ok(old) = fs::metadata(target) {
        keep_owner_and_mode(tmp.as_file(), &old).map_err(werr)?;
    }
    tmp.write_all(bytes).map_err(werr)?;
    tmp.as_file().sync_all().map_err(werr)?;
    Ok(tmp)
}

/// Renames a written temporary file over `target` (keeping the old file as `bak`, a hard link,
/// when asked) and fsyncs the folder: a crash at any moment leaves the old or the new file.
pub fn install(tmp: NamedTempFile, target: &Path, bak: Option<&Path>) -> Result<(), StoreError> {
    if let Some(bak) = bak
        && target.exists()
    {
        let _ = fs::remove_file(bak);
        if fs::hard_link(target, bak).is_err() {
            fs::copy(target, bak).map_err(|source| StoreError::Write {
                path: bak.display().to_string(),
                source,
            })?;
        }
    }
    tmp.persist(target).map_err(|e| StoreError::Write {
        path: target.display().to_string(),
        source: e.error,
    })?;
    sync_dir(dir_of(target))
}

/// Replaces `target` atomically with `bytes` (see [`write_temp`] and [`install`]).
pub fn replace(target: &Path, bytes: &[u8], bak: Option<&Path>) -> Result<(), StoreError> {
    let tmp = write_temp(target, bytes)?;
    install(tmp, target, bak)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stray_temp_names() {
        assert!(is_stray_temp(".w.ron.abcdefABC123.tmp", "w.ron"));
        assert!(is_stray_temp("w.ron.tmp4242", "w.ron"));
        assert!(!is_stray_temp(".w.ron.abc.tmp", "w.ron"));
        assert!(!is_stray_temp("w.ron.bak", "w.ron"));
        assert!(!is_stray_temp(".w.ron.journal.abcdefABC123.tmp", "w.ron"));
        assert!(is_stray_temp(
            ".w.ron.journal.abcdefABC123.tmp",
            "w.ron.journal"
        ));
    }
}
