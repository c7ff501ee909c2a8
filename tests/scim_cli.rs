//! `tworg scim serve`: prints the base URL first, serves the chosen org, stops on SIGTERM/Ctrl-C.

mod scim_server;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use scim_server::raw;

fn tworg(file: &std::path::Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_tworg"));
    c.arg("--file").arg(file);
    c
}

fn run(file: &std::path::Path, args: &[&str]) -> String {
    let out = tworg(file).args(args).output().expect("run tworg");
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn serve(file: &std::path::Path, extra: &[&str]) -> (std::process::Child, String) {
    let mut child = tworg(file)
        .args(extra)
        .args(["scim", "serve", "--listen", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .expect("read the URL");
    (child, line.trim().to_string())
}

fn stop(mut child: std::process::Child) -> std::process::ExitStatus {
    unsafe {
        libc::kill(child.id() as i32, libc::SIGTERM);
    }
    child.wait().expect("wait")
}

#[test]
fn serve_prints_the_url_serves_the_org_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("w.ron");
    run(&file, &["init", "--demo"]);
    let enabled: serde_json::Value = serde_json::from_str(&run(
        &file,
        &["--org", "Heron Logistics", "--json", "scim", "enable"],
    ))
    .unwrap();
    let token = enabled["secret"].as_str().unwrap().to_string();
    let (child, url) = serve(&file, &["--org", "Heron Logistics"]);
    let rest = url.strip_prefix("http://").expect("an http URL");
    let (addr, path) = rest.split_once('/').unwrap();
    assert!(addr.starts_with("127.0.0.1:"), "{url}");
    assert!(
        path.starts_with("Organizations/OR") && path.ends_with("/scim"),
        "{url}"
    );
    let addr: std::net::SocketAddr = addr.parse().unwrap();
    let auth = format!("Bearer {token}");
    let body = scim_server::user_body("new.heron@heron-logistics.example").to_string();
    let r = raw(
        addr,
        "POST",
        &format!("/{path}/Users"),
        &[
            ("Authorization", &auth),
            ("Content-Type", "application/scim+json"),
        ],
        Some(body.as_bytes()),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(stop(child).code(), Some(0), "a clean stop");
    // saved, in the right org, audited as the token
    let w = tworg::persist::load(&file).unwrap();
    let u = w.find_user("new.heron@heron-logistics.example").unwrap();
    let heron = w.find_org("Heron Logistics").unwrap();
    assert_eq!(u.membership.as_ref().unwrap().org, heron.sid);
    assert_eq!(w.audit.last().unwrap().actor, "scim-token");
    // the lock is released: the CLI can write again
    run(&file, &["--org", "Heron Logistics", "scim", "disable"]);
}

#[test]
fn serve_refuses_an_org_without_scim_and_read_only_refuses_changes() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("w.ron");
    run(&file, &["init", "--demo"]);
    let out = tworg(&file)
        .args(["scim", "serve", "--listen", "127.0.0.1:0"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("SCIM-1"));

    let enabled: serde_json::Value =
        serde_json::from_str(&run(&file, &["--json", "scim", "enable"])).unwrap();
    let token = enabled["secret"].as_str().unwrap().to_string();
    let (child, url) = serve(&file, &["--read-only"]);
    let rest = url.strip_prefix("http://").unwrap();
    let (addr, path) = rest.split_once('/').unwrap();
    let addr: std::net::SocketAddr = addr.parse().unwrap();
    let auth = format!("Bearer {token}");
    let r = raw(
        addr,
        "GET",
        &format!("/{path}/Users"),
        &[("Authorization", &auth)],
        None,
    );
    assert_eq!(r.status, 200);
    let body = scim_server::user_body("ro@owl-industries.example").to_string();
    let r = raw(
        addr,
        "POST",
        &format!("/{path}/Users"),
        &[("Authorization", &auth)],
        Some(body.as_bytes()),
    );
    assert_eq!(r.status, 403, "{}", r.body);
    stop(child);
}
