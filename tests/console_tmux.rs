//! The console in a real terminal (tmux): it starts on the world file, a change made with keys
//! is saved, `q` quits and the terminal is restored. Skipped when tmux is not installed.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

struct Tmux {
    socket: String,
}

impl Tmux {
    fn run(&self, args: &[&str]) -> String {
        let out = Command::new("tmux")
            .args(["-L", &self.socket])
            .args(args)
            .output()
            .expect("tmux");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }
    fn screen(&self) -> String {
        self.run(&["capture-pane", "-p", "-t", "t"])
    }
    /// Polls the pane until `text` shows (never a fixed sleep).
    fn wait_for(&self, text: &str) -> String {
        let start = Instant::now();
        loop {
            let s = self.screen();
            if s.contains(text) {
                return s;
            }
            assert!(
                start.elapsed() < Duration::from_secs(60),
                "timed out waiting for {text:?}:\n{s}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-L", &self.socket, "kill-server"])
            .output();
    }
}

fn start(tmux: &Tmux, file: &Path, env: &str) {
    let cmd = format!(
        "env -u NO_COLOR {env} {} --file {}; echo EXITED $?; stty -a; echo STTY-DONE; sleep 60",
        binary(),
        file.display()
    );
    tmux.run(&[
        "new-session",
        "-d",
        "-s",
        "t",
        "-x",
        "100",
        "-y",
        "30",
        &cmd,
    ]);
}

fn tmux_missing() -> bool {
    let missing = Command::new("tmux").arg("-V").output().is_err();
    if missing {
        eprintln!("tmux not installed: skipped");
    }
    missing
}

fn binary() -> String {
    std::env::var("TWORG_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_tworg").to_string())
}

#[test]
fn console_in_a_real_terminal_saves_quits_and_restores() {
    if tmux_missing() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("w.ron");
    std::fs::write(&file, tworg::persist::DEMO_RON).unwrap();
    let tmux = Tmux {
        socket: format!("tworg-console-{}", std::process::id()),
    };
    start(&tmux, &file, "");
    tmux.wait_for("[1 Accounts]");
    tmux.run(&["send-keys", "-t", "t", "n"]);
    tmux.wait_for("Create an account");
    tmux.run(&["send-keys", "-t", "t", "-l", "Terminal Acct"]);
    tmux.run(&["send-keys", "-t", "t", "Enter"]);
    tmux.wait_for("created");
    tmux.run(&["send-keys", "-t", "t", "q"]);
    tmux.wait_for("EXITED 0");
    let after = tmux.wait_for("STTY-DONE");
    assert!(
        after.contains("icanon") && after.contains(" echo"),
        "terminal restored:\n{after}"
    );
    assert!(!after.contains("-icanon"), "{after}");
    assert!(
        std::fs::read_to_string(&file)
            .unwrap()
            .contains("Terminal Acct")
    );
}

#[test]
fn the_terminal_is_restored_after_a_panic() {
    if tmux_missing() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("w.ron");
    std::fs::write(&file, tworg::persist::DEMO_RON).unwrap();
    let tmux = Tmux {
        socket: format!("tworg-console-panic-{}", std::process::id()),
    };
    start(&tmux, &file, "TWORG_TEST_PANIC=1 RUST_BACKTRACE=0");
    tmux.wait_for("[1 Accounts]");
    tmux.run(&["send-keys", "-t", "t", "F12"]);
    tmux.wait_for("EXITED 101");
    let after = tmux.wait_for("STTY-DONE");
    assert!(
        after.contains("icanon") && !after.contains("-icanon"),
        "{after}"
    );
    assert!(!after.contains("EXITED 0"));
}
