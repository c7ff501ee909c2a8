//! The README's examples run as pasted. Every `tworg …` line of a ```sh block runs against a
//! fresh demo world (one world per block, lines in order, `TWORG_FILE` pointing at it, in a
//! scratch folder). A line whose comment says `refused [RULE-ID]` must be refused by that rule
//! (exit 3, stderr naming it); every other line must succeed. The refusal quoted under "Every
//! refusal names its rule" must be what tworg prints.
//!
//! Not run here: the interactive walkthrough player and exercises (`tworg demo NAME` without
//! `--headless`, `--list` or `--export`) and `scim serve` / `serve`, servers that run until stopped (the SCIM and SDK tests start them).

use std::path::Path;
use std::process::{Command, Output};

const README: &str = include_str!("../README.md");

/// The ```sh blocks of the README, each as its lines.
fn sh_blocks() -> Vec<Vec<&'static str>> {
    let mut blocks = Vec::new();
    let mut current: Option<Vec<&str>> = None;
    for line in README.lines() {
        match (&mut current, line.trim_start().starts_with("```")) {
            (None, true) if line.trim() == "```sh" => current = Some(Vec::new()),
            (Some(_), true) => blocks.push(current.take().expect("open block")),
            (Some(lines), false) => lines.push(line),
            _ => {}
        }
    }
    blocks
}

/// Splits a shell line into words, honouring single and double quotes (no escapes are used in
/// the README), and drops a trailing `# comment`. Returns the words and the comment.
fn shell_words(line: &str) -> (Vec<String>, String) {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut quote: Option<char> = None;
    for (i, c) in line.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => word.push(c),
            (None, '\'' | '"') => {
                quote = Some(c);
                in_word = true;
            }
            (None, '#') if !in_word => return (words, line[i + 1..].trim().to_string()),
            (None, c) if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            (None, c) => {
                word.push(c);
                in_word = true;
            }
        }
    }
    if in_word {
        words.push(word);
    }
    (words, String::new())
}

/// The rule a comment says the line is refused by (`refused [USR-1]: …`).
fn expected_refusal(comment: &str) -> Option<&str> {
    let rest = comment.split("refused [").nth(1)?;
    rest.split(']').next()
}

fn is_skipped(args: &[String]) -> bool {
    let a: Vec<&str> = args.iter().map(String::as_str).collect();
    let interactive_demo = a.first() == Some(&"demo")
        && !["--headless", "--list", "--export"]
            .iter()
            .any(|f| a.contains(f));
    let server = a.contains(&"serve");
    interactive_demo || server
}

fn tworg(dir: &Path, world: &Path, args: &[String]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tworg"))
        .args(args)
        .current_dir(dir)
        .env("TWORG_FILE", world)
        .output()
        .expect("tworg runs")
}

#[test]
fn every_readme_example_runs_as_pasted() {
    let mut ran = 0;
    for block in sh_blocks() {
        let dir = tempfile::tempdir().unwrap();
        let world = dir.path().join("world.ron");
        let init = tworg(dir.path(), &world, &["init".into(), "--demo".into()]);
        assert!(init.status.success(), "init --demo failed");
        for line in block {
            let (words, comment) = shell_words(line);
            if words.first().map(String::as_str) != Some("tworg") {
                continue;
            }
            let args = &words[1..];
            if is_skipped(args) {
                continue;
            }
            let out = tworg(dir.path(), &world, args);
            let stderr = String::from_utf8_lossy(&out.stderr);
            match expected_refusal(&comment) {
                Some(rule) => {
                    assert_eq!(
                        out.status.code(),
                        Some(3),
                        "README line `{line}` should be refused by {rule}; stderr: {stderr}"
                    );
                    assert!(
                        stderr.starts_with(&format!("refused [{rule}]")),
                        "README line `{line}` should be refused by {rule}; stderr: {stderr}"
                    );
                }
                None => assert!(
                    out.status.success(),
                    "README line `{line}` failed ({:?}): {stderr}",
                    out.status.code()
                ),
            }
            ran += 1;
        }
    }
    assert!(
        ran >= 10,
        "only {ran} README lines ran: did the blocks move?"
    );
}

#[test]
fn the_refusal_the_readme_quotes_is_what_tworg_prints() {
    let quoted = README
        .lines()
        .find(|l| l.starts_with("refused ["))
        .expect("README quotes a refusal");
    let rule = expected_refusal(quoted).expect("it names a rule");
    // The first-session line refused by the same rule, run on a fresh demo world.
    let line = sh_blocks()
        .into_iter()
        .flatten()
        .find(|l| expected_refusal(&shell_words(l).1) == Some(rule))
        .expect("a README example is refused by the quoted rule");
    let (words, _) = shell_words(line);
    let dir = tempfile::tempdir().unwrap();
    let world = dir.path().join("world.ron");
    tworg(dir.path(), &world, &["init".into(), "--demo".into()]);
    let out = tworg(dir.path(), &world, &words[1..]);
    let printed = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        printed.lines().next(),
        Some(quoted),
        "README quotes a stale refusal"
    );
    // and its fix, the line after it
    let fix = README
        .lines()
        .skip_while(|l| *l != quoted)
        .nth(1)
        .expect("the quoted fix");
    assert_eq!(
        printed.lines().nth(1),
        Some(fix),
        "README quotes a stale fix"
    );
}

#[test]
fn shell_words_split_like_a_shell() {
    let (w, c) = shell_words(r#"tworg org merge "Finch Analytics" --confirm 'A B'   # merged"#);
    assert_eq!(
        w,
        [
            "tworg",
            "org",
            "merge",
            "Finch Analytics",
            "--confirm",
            "A B"
        ]
    );
    assert_eq!(c, "merged");
    assert_eq!(expected_refusal("refused [MRG-1]: it has"), Some("MRG-1"));
}
