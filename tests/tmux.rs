//! Real-terminal tests: the tworg binary (the release build when `TWORG_BIN` is set, as `.ci/run`
//! does) inside tmux. Each test runs on its own tmux server socket and a temporary world, types a
//! flow, reads the screen with `capture-pane`, quits, and checks the saved file with `tworg show`.
//!
//! Without tmux these tests fail under `CI=true` (CI installs it) and are skipped with a note
//! elsewhere.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

fn bin() -> PathBuf {
    std::env::var_os("TWORG_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_tworg")))
}

fn have_tmux() -> bool {
    let ok = Command::new("tmux")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "tmux is required under CI=true (.ci/run installs it)"
        );
        eprintln!("tmux is not installed: skipping the real-terminal test");
    }
    ok
}

/// One tmux server with one session, torn down on drop.
struct Tmux {
    socket: String,
}

impl Tmux {
    fn start(dir: &Path, command: &str) -> Tmux {
        let socket = format!(
            "tworg-test-{}-{}",
            std::process::id(),
            dir.file_name().unwrap().to_string_lossy()
        );
        let t = Tmux { socket };
        let status = t
            .cmd()
            .args([
                "new-session",
                "-d",
                "-s",
                "t",
                "-x",
                "100",
                "-y",
                "30",
                "-c",
            ])
            .arg(dir)
            .arg(command)
            .env("TERM", "xterm-256color")
            .status()
            .unwrap();
        assert!(status.success(), "tmux new-session failed");
        t
    }

    fn cmd(&self) -> Command {
        let mut c = Command::new("tmux");
        c.args(["-L", &self.socket, "-f", "/dev/null"]);
        c
    }

    /// Sends tmux key names (`Enter`, `Escape`, `j`, `C-c`).
    fn keys(&self, keys: &[&str]) {
        assert!(
            self.cmd()
                .args(["send-keys", "-t", "=t:"])
                .args(keys)
                .status()
                .unwrap()
                .success()
        );
        std::thread::sleep(Duration::from_millis(150));
    }

    /// Types text literally.
    fn type_text(&self, text: &str) {
        assert!(
            self.cmd()
                .args(["send-keys", "-t", "=t:", "-l", text])
                .status()
                .unwrap()
                .success()
        );
        std::thread::sleep(Duration::from_millis(150));
    }

    fn capture(&self, session: &str) -> String {
        let out = self
            .cmd()
            // `=NAME:` names the session exactly (a bare name may resolve to another one).
            .args(["capture-pane", "-p", "-t", &format!("={session}:")])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Waits until the screen shows `text`; panics with the screen after 10 s.
    fn wait_for(&self, text: &str) -> String {
        self.wait_for_in("t", text)
    }

    fn wait_for_in(&self, session: &str, text: &str) -> String {
        let start = Instant::now();
        loop {
            let screen = self.capture(session);
            if screen.contains(text) {
                return screen;
            }
            if start.elapsed() > Duration::from_secs(10) {
                panic!("timed out waiting for {text:?}; the screen is:\n{screen}");
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.cmd().arg("kill-server").status();
    }
}

fn init_world(dir: &Path) -> PathBuf {
    let path = dir.join("w.ron");
    let out = Command::new(bin())
        .arg("--file")
        .arg(&path)
        .args(["init", "--demo"])
        .output()
        .unwrap();
    assert!(out.status.success());
    path
}

fn show_json(path: &Path, what: &str) -> serde_json::Value {
    let out = Command::new(bin())
        .arg("--file")
        .arg(path)
        .args(["--json", "show", what])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The shell after tworg: cooked mode and echo are back (stty reads the terminal).
fn assert_cooked_mode(t: &Tmux, when: &str) {
    t.type_text(
        "stty -a | tr ' ' '\\n' | grep -x -e icanon -e echo | tr '\\n' ' '; echo STTY-DONE",
    );
    t.keys(&["Enter"]);
    let screen = t.wait_for("STTY-DONE\n");
    assert!(
        screen.contains("icanon echo"),
        "{when}: cooked mode and echo restored\n{screen}"
    );
}

/// The console on `path` (with `extra` options), then its exit status as `LABEL=N`, then a shell
/// to look at the terminal with.
fn console_then_shell(path: &Path, extra: &str, label: &str) -> String {
    format!(
        "{} --file {} {extra}; echo {label}=$?; exec sh",
        bin().display(),
        path.display()
    )
}

fn console_command(path: &Path) -> String {
    console_then_shell(path, "", "TWORG-EXIT")
}

#[test]
fn tmux_invite_a_user_and_find_it_in_the_saved_file() {
    if !have_tmux() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = init_world(dir.path());
    let t = Tmux::start(dir.path(), &console_command(&path));
    t.wait_for("Owl Industries");
    t.keys(&["3"]);
    t.wait_for("Users (");
    t.keys(&["i"]);
    t.wait_for("Invite a user");
    t.type_text("rita@owl-industries.example");
    t.keys(&["Enter"]);
    t.wait_for("invited rita@owl-industries.example");
    t.keys(&["q"]);
    t.wait_for("TWORG-EXIT=0");
    assert_cooked_mode(&t, "after q");
    let invitations = show_json(&path, "invitations");
    assert!(
        invitations
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["email"] == "rita@owl-industries.example"),
        "{invitations}"
    );
}

#[test]
fn tmux_import_an_account_and_find_it_pending_in_the_saved_file() {
    if !have_tmux() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = init_world(dir.path());
    let world = tworg::persist::load(&path).unwrap();
    let sid = world
        .accounts
        .values()
        .find(|a| a.name == "Owl Legacy Billing")
        .unwrap()
        .sid
        .to_string();
    let t = Tmux::start(dir.path(), &console_command(&path));
    t.wait_for("Accounts (");
    t.keys(&["i"]);
    // the picker lists the accounts outside the org; the typed SID picks it, the form checks it
    t.wait_for("Import an account (outside");
    t.type_text(&sid);
    t.keys(&["Enter"]);
    t.wait_for("can be imported");
    t.keys(&["Enter"]);
    t.wait_for("requested");
    let screen = t.wait_for("Owl Legacy Billing");
    assert!(screen.contains("Pending"), "{screen}");
    t.keys(&["q"]);
    t.wait_for("TWORG-EXIT=0");
    let accounts = show_json(&path, "accounts");
    let row = accounts
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["sid"] == sid.as_str())
        .expect("imported account listed");
    assert_eq!(row["kind"], "pending");
}

/// After the console exits on an error (and on a panic), the shell works: input echoes, the
/// line discipline is back to cooked mode, and the alternate screen is gone.
#[test]
fn tmux_the_terminal_is_usable_after_an_error_and_a_panic() {
    if !have_tmux() {
        return;
    }
    for how in ["error", "panic"] {
        let dir = tempfile::tempdir().unwrap();
        let path = init_world(dir.path());
        let command = format!(
            "TWORG_FAIL_AFTER_FIRST_FRAME={how} {}",
            console_command(&path)
        );
        let t = Tmux::start(dir.path(), &command);
        let screen = t.wait_for("TWORG-EXIT=");
        assert!(
            !screen.contains("TWORG-EXIT=0"),
            "{how}: the console reports failure\n{screen}"
        );
        assert!(
            !screen.contains("Accounts ("),
            "{how}: the console's screen is gone (alternate screen left)\n{screen}"
        );
        assert_cooked_mode(&t, how);
    }
}

#[test]
fn tmux_a_second_instance_on_the_same_file_is_refused_clearly() {
    if !have_tmux() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = init_world(dir.path());
    let t = Tmux::start(dir.path(), &console_command(&path));
    t.wait_for("Owl Industries");
    let second = console_then_shell(&path, "", "SECOND-EXIT");
    assert!(
        t.cmd()
            .args(["new-session", "-d", "-s", "second", "-x", "100", "-y", "30"])
            .arg(&second)
            .status()
            .unwrap()
            .success()
    );
    let screen = t.wait_for_in("second", "SECOND-EXIT=");
    assert!(
        screen.contains("locked by another tworg process"),
        "{screen}"
    );
    assert!(
        screen.contains("SECOND-EXIT=4"),
        "exit status 4: the file could not be locked\n{screen}"
    );
    t.keys(&["q"]);
    t.wait_for("TWORG-EXIT=0");
}

/// `tworg --scim ADDR` serves the org's SCIM endpoint from the console's own session: a user
/// provisioned over HTTP appears in the Users tab without a restart, and is in the saved file.
#[test]
fn tmux_a_user_provisioned_over_scim_appears_in_the_console_live() {
    if !have_tmux() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = init_world(dir.path());
    let out = Command::new(bin())
        .arg("--file")
        .arg(&path)
        .args(["--json", "scim", "enable"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let token = serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()["secret"]
        .as_str()
        .unwrap()
        .to_string();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let addr = format!("127.0.0.1:{port}");
    let command = console_then_shell(&path, &format!("--scim {addr}"), "TWORG-EXIT");
    let t = Tmux::start(dir.path(), &command);
    let screen = t.wait_for("SCIM http://");
    assert!(
        screen.contains(&format!("SCIM http://{addr}/")),
        "the header names the endpoint\n{screen}"
    );
    t.keys(&["3"]);
    t.wait_for("Users (");

    let world = tworg::persist::load(&path).unwrap();
    let org = world.home_org.clone().unwrap();
    let body = r#"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"scim.person@owl-industries.example","name":{"givenName":"Scim","familyName":"Person"},"emails":[{"value":"scim.person@owl-industries.example","primary":true,"type":"work"}],"active":true}"#;
    let request = format!(
        "POST /Organizations/{org}/scim/Users HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\nContent-Type: application/scim+json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let mut stream = std::net::TcpStream::connect(&addr).unwrap();
    std::io::Write::write_all(&mut stream, request.as_bytes()).unwrap();
    let mut response = String::new();
    std::io::Read::read_to_string(&mut stream, &mut response).unwrap();
    assert!(response.starts_with("HTTP/1.1 201"), "{response}");

    t.wait_for("scim.person@owl-industries");
    t.keys(&["q"]);
    t.wait_for("TWORG-EXIT=0");
    let users = show_json(&path, "users");
    assert!(
        users
            .as_array()
            .unwrap()
            .iter()
            .any(|u| u["email"] == "scim.person@owl-industries.example"),
        "{users}"
    );
}

/// The walkthrough player in a real terminal: paused on step 1 five seconds after it starts (it
/// never moves on by itself without --autoplay), `g 3 Enter` shows step 3 as its caption
/// describes it, `e` opens the full console on that step's world and `e` comes back, Esc does not
/// quit, `q` does.
#[test]
fn tmux_the_demo_player_starts_paused_jumps_and_explores() {
    if !have_tmux() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let command = format!(
        "{} demo domains; echo DEMO-EXIT=$?; exec sh",
        bin().display()
    );
    let t = Tmux::start(dir.path(), &command);
    t.wait_for("step 1 of 6");
    std::thread::sleep(Duration::from_secs(5));
    let screen = t.capture("t");
    assert!(
        screen.contains("step 1 of 6") && screen.contains("space/→ next"),
        "paused on step 1 after five seconds\n{screen}"
    );
    assert!(
        screen.contains("refused [USR-1]"),
        "step 1 is shown played\n{screen}"
    );
    t.keys(&["g", "3", "Enter"]);
    let screen = t.wait_for("step 3 of 6");
    assert!(
        screen.contains("owl-research.example"),
        "the screen matches step 3's caption\n{screen}"
    );
    t.keys(&["Escape"]);
    t.keys(&["e"]);
    t.wait_for("e returns to the walkthrough");
    t.keys(&["3"]);
    t.wait_for("[3 Users]");
    t.keys(&["e"]);
    let screen = t.wait_for("step 3 of 6");
    assert!(
        screen.contains("[2 Domains]") && !screen.contains("e returns to the walkthrough"),
        "back on step 3 as its caption describes it\n{screen}"
    );
    t.keys(&["q"]);
    t.wait_for("DEMO-EXIT=0");
}

/// The `tworg` lines of the README's section `heading` (its first ```sh block), as pasted.
fn readme_lines(heading: &str) -> Vec<String> {
    let readme = include_str!("../README.md");
    let section = readme
        .split(&format!("## {heading}\n"))
        .nth(1)
        .unwrap_or_else(|| panic!("README has no section {heading:?}"));
    let block = section
        .split("```sh\n")
        .nth(1)
        .and_then(|b| b.split("```").next())
        .expect("an sh block");
    block
        .lines()
        .filter(|l| l.starts_with("tworg"))
        .map(String::from)
        .collect()
}

/// The README's install step and first session, typed into a real shell as pasted, on a fresh
/// HOME with no `TWORG_FILE`: the default location. `cargo install --locked --path .` is not run
/// here (it builds the crate again, minutes); the binary under test is put on `PATH` as it
/// would. Each line must exit 0, or 3 when its comment says it is refused.
#[test]
fn tmux_the_readme_first_session_runs_as_pasted_on_a_fresh_home() {
    if !have_tmux() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let bin_dir = dir.path().join("bin");
    std::fs::create_dir_all(&home).unwrap();
    std::fs::create_dir_all(&bin_dir).unwrap();
    std::os::unix::fs::symlink(bin(), bin_dir.join("tworg")).unwrap();
    let shell = format!(
        "env -u TWORG_FILE -u XDG_DATA_HOME HOME={} PATH={}:/usr/bin:/bin sh",
        home.display(),
        bin_dir.display()
    );
    let t = Tmux::start(dir.path(), &shell);
    let mut lines = readme_lines("Install and first run");
    lines.extend(readme_lines("A first session in the shell"));
    assert!(lines.len() >= 8, "{lines:?}");
    for (i, line) in lines.iter().enumerate() {
        t.type_text(line);
        t.keys(&["Enter"]);
        t.type_text(&format!("echo README-LINE-{i}=$?"));
        t.keys(&["Enter"]);
        let want = if line.contains("refused [") { 3 } else { 0 };
        let screen = t.wait_for(&format!("README-LINE-{i}={want}"));
        assert!(
            !screen.contains(&format!("README-LINE-{i}={}", 1 - want.min(1))),
            "{line}:\n{screen}"
        );
    }
    // the first command created the demo world at the default location
    let created = std::fs::read_dir(home.join(".local/share/tworg"))
        .map(|d| d.count())
        .unwrap_or(0);
    assert!(created > 0, "no world under the fresh HOME");
}
