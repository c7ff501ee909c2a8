//! Twilio's official SDKs and CLI, unmodified, drive a world through `tworg serve`
//! (`tests/sdk/`): the Python SDK, the Node SDK, and twilio-cli through a TLS-terminating
//! CONNECT proxy on loopback. The SDKs are installed by `.ci/run` under `target/sdk` (or
//! `TWORG_SDK_DIR`); without them these tests fail under `CI=true` and are skipped, loudly,
//! otherwise.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

fn tworg(file: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_tworg"));
    c.arg("--file").arg(file);
    c
}

fn run_json(file: &Path, args: &[&str]) -> serde_json::Value {
    let out = tworg(file)
        .arg("--json")
        .args(args)
        .output()
        .expect("run tworg");
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("json")
}

fn sdk_dir() -> PathBuf {
    std::env::var_os("TWORG_SDK_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target/sdk"))
}

/// `Some(path)` when the tool is installed; otherwise fails under CI, else skips loudly.
fn require(what: &str, path: PathBuf) -> Option<PathBuf> {
    if path.exists() {
        return Some(path);
    }
    let msg = format!(
        "{what} is not installed at {} — run the installs of .ci/run (or set TWORG_SDK_DIR)",
        path.display()
    );
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("{msg}");
    }
    eprintln!("\n!!!!!!!! SKIPPED: {msg} !!!!!!!!\n");
    None
}

/// A demo world with an OAuth app, an auth token for the Full main account Owl Production, an
/// API key for the Trial main account Owl Staging, and SCIM on; the environment the scenarios
/// read.
struct World {
    _dir: tempfile::TempDir,
    file: PathBuf,
    env: Vec<(String, String)>,
}

// the demo world's SIDs (assets/demo.ron is deterministic)
const ORG: &str = "OR0ccf6a980392ab6b4f1fe6aca1927135";
const MAIN: &str = "AC325e8d0656a7f29b4c2f93c358184950"; // Owl Production, Full
const TRIAL: &str = "AC82d8bcf96faddddc70f1fbefa3ab9fe2"; // Owl Staging, Trial
const OTHER: &str = "AC613dee6f49fd21d411c6ce6490445fb3"; // Owl Contact Center
const USER: &str = "US264363e9d7ef596c6f9a8104aa96bf49"; // sam.standard

fn world() -> World {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("w.ron");
    let out = tworg(&file).args(["init", "--demo"]).output().unwrap();
    assert!(out.status.success());
    let oauth = run_json(&file, &["oauth", "create", "sdk-tests"]);
    let token = run_json(&file, &["account", "auth-token", MAIN]);
    let key = run_json(&file, &["account", "api-key", "create", TRIAL]);
    run_json(&file, &["scim", "enable"]);
    let s = |v: &serde_json::Value| v["secret"].as_str().unwrap().to_string();
    let created = |v: &serde_json::Value| v["created"][0]["sid"].as_str().unwrap().to_string();
    let env = vec![
        ("TWORG_ORG", ORG.to_string()),
        ("TWORG_CLIENT_ID", created(&oauth)),
        ("TWORG_CLIENT_SECRET", s(&oauth)),
        ("TWORG_MAIN", MAIN.to_string()),
        ("TWORG_MAIN_TOKEN", s(&token)),
        ("TWORG_TRIAL", TRIAL.to_string()),
        ("TWORG_TRIAL_KEY", created(&key)),
        ("TWORG_TRIAL_SECRET", s(&key)),
        ("TWORG_OTHER", OTHER.to_string()),
        ("TWORG_USER", USER.to_string()),
        ("TWORG_DOMAIN", "owl-industries.example".to_string()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    World {
        _dir: dir,
        file,
        env,
    }
}

/// The server, stopped (SIGTERM) when dropped, also when a test fails.
struct Server(Option<Child>);

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(mut child) = self.0.take() {
            unsafe {
                libc::kill(child.id() as i32, libc::SIGTERM);
            }
            let _ = child.wait();
        }
    }
}

fn serve(file: &Path, extra: &[&str]) -> (Server, String) {
    let mut child = tworg(file)
        .args(["serve", "--listen", "127.0.0.1:0"])
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn tworg serve");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .expect("read the URL");
    (Server(Some(child)), line.trim().to_string())
}

fn stop(mut server: Server) {
    let mut child = server.0.take().expect("running");
    unsafe {
        libc::kill(child.id() as i32, libc::SIGTERM);
    }
    let status = child.wait().expect("wait");
    assert!(status.success(), "tworg serve stopped with {status}");
}

fn scenario(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/sdk")
        .join(name)
}

/// Runs a scenario and checks it passed; then the world file holds what it did.
fn run_scenario(mut cmd: Command, w: &World, url: &str) {
    let out = cmd
        .envs(w.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .env("TWORG_URL", url)
        .output()
        .expect("run the scenario");
    let text = format!(
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "the scenario failed:\n{text}");
    assert!(text.contains("all steps passed"), "{text}");
}

/// After a scenario: the file is valid, and the changes were audited with the credentials as
/// actor.
fn check_after(w: &World) {
    let out = tworg(&w.file).arg("check").output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(&w.file).unwrap()
        + &std::fs::read_to_string(w.file.with_extension("ron.journal")).unwrap_or_default();
    let client = &w
        .env
        .iter()
        .find(|(k, _)| k == "TWORG_CLIENT_ID")
        .unwrap()
        .1;
    assert!(text.contains(client.as_str()), "the OAuth app acted");
    assert!(text.contains("python-sdk") || text.contains("node-sdk"));
}

#[test]
fn python_sdk_drives_a_world() {
    let Some(python) = require(
        "the Python SDK (pip twilio)",
        sdk_dir().join("venv/bin/python"),
    ) else {
        return;
    };
    let w = world();
    let (child, url) = serve(&w.file, &[]);
    let mut cmd = Command::new(python);
    cmd.arg(scenario("scenario.py"));
    run_scenario(cmd, &w, &url);
    stop(child);
    check_after(&w);
}

#[test]
fn node_sdk_drives_a_world() {
    let dir = sdk_dir().join("node");
    let Some(_) = require("the Node SDK (npm twilio)", dir.join("node_modules/twilio")) else {
        return;
    };
    let w = world();
    let (server, url) = serve(&w.file, &[]);
    let mut cmd = Command::new("node");
    cmd.arg(scenario("scenario.js"))
        .env("NODE_PATH", dir.join("node_modules"));
    run_scenario(cmd, &w, &url);
    stop(server);
    check_after(&w);
}

/// A test CA and a certificate for `*.twilio.com` it signed, made now with `openssl`.
fn test_ca(dir: &Path) -> (PathBuf, PathBuf, PathBuf) {
    let (ca, ca_key) = (dir.join("ca.pem"), dir.join("ca.key"));
    let (cert, key, csr, ext) = (
        dir.join("srv.pem"),
        dir.join("srv.key"),
        dir.join("srv.csr"),
        dir.join("ext"),
    );
    std::fs::write(
        &ext,
        "subjectAltName=DNS:api.twilio.com,DNS:*.twilio.com\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n",
    )
    .unwrap();
    let openssl = |args: &[&str]| {
        let out = Command::new("openssl")
            .args(args)
            .output()
            .expect("openssl");
        assert!(
            out.status.success(),
            "openssl {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    let p = |p: &Path| p.to_str().unwrap().to_string();
    openssl(&[
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        &p(&ca_key),
        "-out",
        &p(&ca),
        "-days",
        "2",
        "-subj",
        "/CN=tworg test CA",
    ]);
    openssl(&[
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        &p(&key),
        "-out",
        &p(&csr),
        "-subj",
        "/CN=api.twilio.com",
    ]);
    openssl(&[
        "x509",
        "-req",
        "-in",
        &p(&csr),
        "-CA",
        &p(&ca),
        "-CAkey",
        &p(&ca_key),
        "-CAcreateserial",
        "-out",
        &p(&cert),
        "-days",
        "2",
        "-extfile",
        &p(&ext),
    ]);
    (ca, cert, key)
}

#[test]
fn twilio_cli_drives_a_world_through_a_tls_proxy() {
    let bin = sdk_dir().join("node/node_modules/.bin/twilio");
    let Some(bin) = require("twilio-cli (npm twilio-cli)", bin) else {
        return;
    };
    let w = world();
    let (server, url) = serve(&w.file, &[]);
    let dir = tempfile::tempdir().unwrap();
    let (ca, cert, key) = test_ca(dir.path());
    let mut proxy = Server(Some(
        Command::new("python3")
            .arg(scenario("proxy.py"))
            .arg(url.strip_prefix("http://").unwrap())
            .arg(&cert)
            .arg(&key)
            .stdout(Stdio::piped())
            .spawn()
            .expect("start the proxy"),
    ));
    let mut port = String::new();
    BufReader::new(proxy.0.as_mut().unwrap().stdout.take().unwrap())
        .read_line(&mut port)
        .unwrap();
    let env = |k: &str| w.env.iter().find(|(n, _)| n == k).unwrap().1.clone();
    let home = dir.path().join("home");
    std::fs::create_dir_all(&home).unwrap();
    // (success, stdout, stdout + stderr)
    let cli = |args: &[&str]| -> (bool, String, String) {
        let out = Command::new(&bin)
            .args(args)
            .env("HOME", &home)
            .env("HTTPS_PROXY", format!("http://127.0.0.1:{}", port.trim()))
            .env("NODE_EXTRA_CA_CERTS", &ca)
            .env("TWILIO_ACCOUNT_SID", env("TWORG_MAIN"))
            .env("TWILIO_AUTH_TOKEN", env("TWORG_MAIN_TOKEN"))
            .env_remove("TWILIO_API_KEY")
            .env_remove("TWILIO_API_SECRET")
            .output()
            .expect("run twilio-cli");
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        let all = format!("{stdout}{}", String::from_utf8_lossy(&out.stderr));
        (out.status.success(), stdout, all)
    };
    let json = |text: &str| -> serde_json::Value {
        let start = text.find('[').expect("a JSON array");
        let end = text.rfind(']').unwrap();
        serde_json::from_str(&text[start..=end]).expect("json")
    };
    let (ok, out, all) = cli(&[
        "api:core:accounts:create",
        "--friendly-name",
        "cli-sub",
        "-o",
        "json",
    ]);
    assert!(ok, "{all}");
    let created = json(&out);
    let sid = created[0]["sid"].as_str().unwrap().to_string();
    assert_eq!(created[0]["ownerAccountSid"], env("TWORG_MAIN").as_str());
    let (ok, out, all) = cli(&["api:core:accounts:list", "-o", "json"]);
    assert!(ok, "{all}");
    assert!(
        json(&out)
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["sid"] == sid.as_str())
    );
    let (ok, out, all) = cli(&[
        "api:core:accounts:update",
        "--sid",
        &sid,
        "--status",
        "suspended",
        "-o",
        "json",
    ]);
    assert!(ok, "{all}");
    assert_eq!(json(&out)[0]["status"], "suspended");
    let (ok, out, all) = cli(&["api:core:accounts:fetch", "--sid", &sid, "-o", "json"]);
    assert!(ok, "{all}");
    assert_eq!(json(&out)[0]["friendlyName"], "cli-sub");
    // an account the credentials do not reach: Twilio's 20404, as twilio-cli prints it
    let (ok, out, all) = cli(&["api:core:accounts:fetch", "--sid", &env("TWORG_OTHER")]);
    assert!(!ok, "{out}");
    assert!(all.contains("Error code 20404 from Twilio"), "{all}");
    drop(proxy);
    stop(server);
}
