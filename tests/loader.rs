//! The loader refuses what it should (issue 12): duplicate map keys, files that are not regular
//! files, files over the size limit, bytes that are not UTF-8, versions it does not read. Each
//! error is `file:line:col: sentence` (or `file: sentence` for the file itself), exit 4, and the
//! file is left byte for byte as it was.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn tworg(path: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tworg"))
        .arg("--file")
        .arg(path)
        .args(args)
        .env_remove("TWORG_FILE")
        .output()
        .unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn demo_text() -> String {
    fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/demo.ron")).unwrap()
}

/// Writes `text` as a world file and runs `tworg check` on it: exit 4, the error, the file
/// untouched.
fn refused(text: &[u8], args: &[&str]) -> (String, PathBuf, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("w.ron");
    fs::write(&path, text).unwrap();
    let mut a = args.to_vec();
    a.push("check");
    let out = tworg(&path, &a);
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    assert_eq!(fs::read(&path).unwrap(), text, "the file is untouched");
    // a changing command is refused the same way and writes nothing either
    let mut a = args.to_vec();
    a.extend(["clock", "advance", "1d"]);
    let out = tworg(&path, &a);
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    assert_eq!(fs::read(&path).unwrap(), text, "the file is untouched");
    assert!(!dir.path().join("w.ron.journal").exists());
    (stderr(&out), path, dir)
}

/// The line and column of the first `needle` in `text`, 1-based.
fn position(text: &str, needle: &str, nth: usize) -> (usize, usize) {
    let at = text.match_indices(needle).nth(nth).unwrap().0;
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().unwrap().chars().count() + 1;
    (line, col)
}

#[test]
fn a_domain_given_twice_is_refused_not_last_one_wins() {
    let text = demo_text();
    // the verified domain, then the same key again as Unverified
    let entry = "                \"owl-industries.example\": (\n                    sid: \"DNabaaafb806297e5f0cebaa71bd6bb6a7\",\n                    name: \"owl-industries.example\",\n                    status: Verified,";
    assert!(text.contains(entry));
    let doubled = text.replacen(
        entry,
        &format!(
            "{}\n                    token: \"a19c733a96416d4908aa327b88c68ad5\",\n                    added_at: \"2026-12-14T09:00:00Z\",\n                ),\n{}",
            entry,
            entry.replace("Verified", "Unverified")
        ),
        1,
    );
    let (err, _, _) = refused(doubled.as_bytes(), &[]);
    let (line, _) = position(&doubled, "\"owl-industries.example\": (", 1);
    assert!(
        err.contains(&format!("w.ron:{line}:")),
        "the second key's line {line}: {err}"
    );
    assert!(
        err.contains("\"owl-industries.example\" is given twice"),
        "{err}"
    );
}

#[test]
fn an_access_entry_given_twice_is_refused() {
    // version 1 kept general roles per account: a doubled user entry turned Developer into
    // Administrator
    let text = fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/demo-v1.ron"
    ))
    .unwrap();
    let at = text.find("access: {\n").unwrap() + "access: {\n".len();
    let end = at + text[at..].find("],\n").unwrap() + "],\n".len();
    let entry = &text[at..end];
    let doubled = format!("{}{}{}", &text[..end], entry, &text[end..]);
    let (err, _, _) = refused(doubled.as_bytes(), &[]);
    assert!(err.contains("is given twice"), "{err}");
    assert!(err.contains("w.ron:"), "{err}");
}

#[test]
fn a_dns_name_given_twice_is_refused() {
    let text = demo_text();
    let doubled = text.replacen(
        "    dns: {\n",
        "    dns: {\n        \"_twilio.owl-industries.example\": [],\n",
        1,
    );
    let (err, _, _) = refused(doubled.as_bytes(), &[]);
    assert!(err.contains("is given twice"), "{err}");
}

#[test]
fn dev_zero_is_refused_before_a_byte_is_read() {
    let out = tworg(Path::new("/dev/zero"), &["check"]);
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("/dev/zero: not a regular file (a character device)"),
        "{}",
        stderr(&out)
    );
    let out = tworg(Path::new("/dev/urandom"), &["show", "users"]);
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
}

#[test]
fn a_fifo_and_a_folder_are_refused_without_blocking() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("w.ron");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    // nobody writes to the FIFO: a reader that opened it blocking would wait for ever
    let out = tworg(&fifo, &["check"]);
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("not a regular file (a FIFO)"),
        "{}",
        stderr(&out)
    );
    let out = tworg(dir.path(), &["check"]);
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("not a regular file (a folder)"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_file_over_the_size_limit_is_refused_and_the_limit_can_be_raised() {
    let text = demo_text();
    let (err, path, _dir) = refused(text.as_bytes(), &["--max-file-size", "1K"]);
    assert!(
        err.contains(&format!(
            "w.ron: the file is {} bytes, over the limit of 1024 bytes; pass --max-file-size to raise it",
            text.len()
        )),
        "{err}"
    );
    let out = tworg(&path, &["--max-file-size", "1M", "check"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = tworg(&path, &["--max-file-size", "lots", "check"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn the_default_size_limit_allows_a_world_of_a_million_users() {
    // a world of 1,000,000 users is about 462 MB (scripts/bench-scale.sh)
    const { assert!(tworg::persist::DEFAULT_MAX_FILE_SIZE >= 2 * 462_000_000) };
}

#[test]
fn bytes_that_are_not_utf8_are_reported_by_line_and_column() {
    let text = demo_text();
    let at = text.find("Owl Industries").unwrap();
    let mut bytes = text.as_bytes().to_vec();
    bytes[at + 4] = 0xff;
    let (line, col) = position(&text, "Owl Industries", 0);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("w.ron");
    fs::write(&path, &bytes).unwrap();
    let out = tworg(&path, &["check"]);
    assert_eq!(out.status.code(), Some(4));
    let err = stderr(&out);
    assert!(
        err.contains(&format!(
            "w.ron:{line}:{}: the file is not UTF-8 text",
            col + 4
        )),
        "{err}"
    );
    assert_eq!(fs::read(&path).unwrap(), bytes);
}

#[test]
fn an_unsupported_version_is_reported_by_line_and_column() {
    let current = format!("version: {},", tworg::model::WORLD_VERSION);
    assert!(demo_text().contains(&current));
    let text = demo_text().replacen(&current, "version: 99,", 1);
    let (line, col) = position(&text, "version", 0);
    let (err, _, _) = refused(text.as_bytes(), &[]);
    assert!(
        err.contains(&format!(
            "w.ron:{line}:{col}: world file version 99 is not supported"
        )),
        "{err}"
    );
}
