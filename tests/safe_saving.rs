//! Saving safely: temporary files under random names created with O_EXCL|O_NOFOLLOW (a planted
//! file or symlink is never written through), stray temporary files removed by the next writer,
//! a symlinked world saved through to its target, owner and mode kept, errors naming the file
//! that failed, and a failed save neither acknowledged nor kept in memory.

use std::fs;
use std::os::unix::fs::{MetadataExt, PermissionsExt, symlink};
use std::process::{Command, Stdio};

use tworg::model::{Action, Ctx, World};
use tworg::persist::{WorldFile, demo_world, journal_path, load, to_ron};

fn owner_ctx(w: &World) -> Ctx {
    let org = w.home_org.clone().unwrap();
    let owner = w.owner_of_org(&org).unwrap().sid.clone();
    Ctx::new(org, owner)
}

fn rename(name: &str) -> Action {
    Action::RenameOrg { name: name.into() }
}

/// Opens `path`, applies a rename, commits it and compacts (a full save of the snapshot).
fn change_and_compact(path: &std::path::Path, name: &str) -> World {
    let (file, mut w) = WorldFile::open(path).unwrap();
    let ctx = owner_ctx(&w);
    w.apply(&ctx, &rename(name)).unwrap();
    file.commit(&ctx, &rename(name)).unwrap();
    file.compact(&w).unwrap();
    w
}

#[test]
fn stray_temp_files_are_removed_by_the_next_writer_and_planted_links_are_not_followed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("w.ron");
    drop(WorldFile::create(&path, &demo_world()).unwrap());
    let victim = dir.path().join("victim.txt");
    fs::write(&victim, "precious").unwrap();
    // what a crashed writer leaves, and what an attacker plants at the old predictable names
    fs::write(dir.path().join(".w.ron.AbCdEf012345.tmp"), "half a world").unwrap();
    fs::write(dir.path().join(".w.ron.journal.AbCdEf012345.tmp"), "half").unwrap();
    symlink(
        &victim,
        dir.path().join(format!("w.ron.tmp{}", std::process::id())),
    )
    .unwrap();
    symlink(&victim, dir.path().join("w.ron.tmp1")).unwrap();
    fs::write(dir.path().join("other.ron.tmp7"), "not ours").unwrap();
    change_and_compact(&path, "Owl Saved");
    let names: Vec<String> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert!(
        !names
            .iter()
            .any(|n| n.starts_with(".w.ron") || n.starts_with("w.ron.tmp")),
        "strays removed: {names:?}"
    );
    assert!(
        names.contains(&"other.ron.tmp7".to_string()),
        "another world's file stays"
    );
    assert_eq!(fs::read_to_string(&victim).unwrap(), "precious");
    assert!(fs::read_to_string(&path).unwrap().contains("Owl Saved"));
}

#[test]
fn a_symlinked_world_is_saved_through_to_its_target() {
    let dir = tempfile::tempdir().unwrap();
    let real_dir = dir.path().join("real");
    fs::create_dir(&real_dir).unwrap();
    let target = real_dir.join("world.ron");
    drop(WorldFile::create(&target, &demo_world()).unwrap());
    let link = dir.path().join("w.ron");
    symlink(&target, &link).unwrap();
    let w = change_and_compact(&link, "Through The Link");
    assert!(
        fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink(),
        "the link stays a link"
    );
    assert_eq!(fs::read_to_string(&target).unwrap(), to_ron(&w));
    assert!(real_dir.join("world.ron.journal").exists());
    assert!(real_dir.join("world.ron.bak").exists());
    assert!(!dir.path().join("w.ron.journal").exists());
    assert_eq!(load(&link).unwrap(), w);
    assert_eq!(load(&target).unwrap(), w);
    // a writer through the link and one on the target are the same writer
    let (_held, _) = WorldFile::open(&link).unwrap();
    assert!(WorldFile::open(&target).is_err());
}

#[test]
fn an_existing_files_mode_and_owner_are_kept() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("w.ron");
    drop(WorldFile::create(&path, &demo_world()).unwrap());
    assert_eq!(
        fs::metadata(&path).unwrap().mode() & 0o777,
        0o600,
        "new files are 0600"
    );
    fs::set_permissions(&path, fs::Permissions::from_mode(0o640)).unwrap();
    // SAFETY: geteuid has no preconditions.
    let root = unsafe { libc::geteuid() } == 0;
    if root {
        std::os::unix::fs::chown(&path, Some(4242), Some(4343)).unwrap();
    }
    change_and_compact(&path, "Owl Kept");
    let m = fs::metadata(&path).unwrap();
    assert_eq!(m.mode() & 0o777, 0o640);
    if root {
        assert_eq!(
            (m.uid(), m.gid()),
            (4242, 4343),
            "a root save keeps the owner"
        );
    }
}

#[test]
fn a_world_readable_by_others_gets_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("w.ron");
    drop(WorldFile::create(&path, &demo_world()).unwrap());
    fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
    let (_f, _w, report) = WorldFile::open_report(&path).unwrap();
    assert!(
        report
            .warnings
            .iter()
            .any(|w| w.contains("readable by every user") && w.contains("0644")),
        "{:?}",
        report.warnings
    );
}

#[test]
fn errors_name_the_file_that_failed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("w.ron");
    fs::write(&path, to_ron(&demo_world())).unwrap();
    fs::create_dir(dir.path().join("w.ron.lock")).unwrap();
    let err = WorldFile::open(&path).unwrap_err().to_string();
    assert!(err.contains("w.ron.lock:"), "{err}");
    fs::remove_dir(dir.path().join("w.ron.lock")).unwrap();
    fs::create_dir(journal_path(&path)).unwrap();
    let err = WorldFile::open(&path).unwrap_err().to_string();
    assert!(err.contains("w.ron.journal:"), "{err}");
}

/// Disk full under `scim serve` (a file-size limit: writes past it fail with EFBIG): the create
/// is answered 500 naming the journal, the user is neither in memory nor written later, and the
/// server goes on answering.
#[test]
fn a_failed_save_is_not_acknowledged_and_not_kept_in_memory() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("w.ron");
    let bin = env!("CARGO_BIN_EXE_tworg");
    let run = |args: &[&str]| {
        let out = Command::new(bin)
            .arg("--file")
            .arg(&path)
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        out
    };
    run(&["init", "--demo"]);
    let v: serde_json::Value =
        serde_json::from_slice(&run(&["--json", "scim", "enable"]).stdout).unwrap();
    let token = v["secret"].as_str().unwrap().to_string();
    run(&["compact"]);
    let journal_len = fs::metadata(journal_path(&path)).unwrap().len();
    assert!(journal_len < 512);
    // the journal as it is fits, one more record does not
    let limit = journal_len + 16;
    let mut cmd = Command::new(bin);
    cmd.arg("--file")
        .arg(&path)
        .args(["scim", "serve", "--listen", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    // SAFETY: only async-signal-safe calls between fork and exec.
    unsafe {
        std::os::unix::process::CommandExt::pre_exec(&mut cmd, move || {
            libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
            let r = libc::rlimit {
                rlim_cur: limit,
                rlim_max: limit,
            };
            if libc::setrlimit(libc::RLIMIT_FSIZE, &r) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let mut child = KillOnDrop(cmd.spawn().unwrap());
    let mut line = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(child.0.stdout.take().unwrap()),
        &mut line,
    )
    .unwrap();
    let url = line.trim().strip_prefix("http://").unwrap().to_string();
    let (addr, base) = url.split_once('/').unwrap();
    let request = |method: &str, path: &str, body: Option<&str>| -> (u16, String) {
        use std::io::{Read, Write};
        let mut s = std::net::TcpStream::connect(addr).unwrap();
        let body = body.unwrap_or("");
        write!(
            s,
            "{method} /{base}{path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nAuthorization: Bearer {token}\r\nContent-Type: application/scim+json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        )
        .unwrap();
        let mut out = String::new();
        s.read_to_string(&mut out).unwrap();
        let status = out.split_whitespace().nth(1).unwrap().parse().unwrap();
        (status, out)
    };
    let user = r#"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"full.disk@owl-industries.example","emails":[{"value":"full.disk@owl-industries.example","primary":true}]}"#;
    let (status, body) = request("POST", "/Users", Some(user));
    assert_eq!(status, 500, "{body}");
    assert!(body.contains("w.ron.journal"), "names the journal: {body}");
    let filter = "/Users?filter=userName%20eq%20%22full.disk@owl-industries.example%22";
    let (status, body) = request("GET", filter, None);
    assert_eq!(status, 200);
    assert!(body.contains("\"totalResults\":0"), "not in memory: {body}");
    let (status, _) = request("POST", "/Users", Some(user));
    assert_eq!(status, 500, "still full, still refused");
    drop(child);
    let world = load(&path).unwrap();
    assert!(
        world
            .user_by_email("full.disk@owl-industries.example")
            .is_none()
    );
    assert_eq!(
        fs::metadata(journal_path(&path)).unwrap().len(),
        journal_len,
        "no partial record left"
    );
}

/// Kills the child when the test ends, passed or failed.
struct KillOnDrop(std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}
