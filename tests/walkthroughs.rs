//! Every walkthrough is a test: each step is an insta snapshot of the player as a class sees it
//! at 100x30 (the console above the caption pane, with the `--check` line), and each step's
//! screen and model checks must hold on the console as it is drawn there, so a demo can never
//! drift from the product and the caption pane never hides what a caption names.

use tworg::walkthrough::controls::Control;
use tworg::walkthrough::exercise::{Exercise, Grade, Outcome};
use tworg::walkthrough::player::{DEFAULT_SIZE, Options, Player, console_size, run_frames};
use tworg::walkthrough::{self, Walkthrough};

fn check_opts() -> Options {
    Options {
        check: true,
        ..Options::default()
    }
}

fn check(name: &str) {
    let w = walkthrough::find(name).expect("shipped walkthrough");
    let frames = run_frames(&w, DEFAULT_SIZE, check_opts()).expect("the walkthrough plays");
    assert_eq!(frames.len(), w.steps.len());
    for (i, (step, f)) in w.steps.iter().zip(&frames).enumerate() {
        assert!(
            f.failures.is_empty(),
            "{name} step {}: {:?}\n{}",
            i + 1,
            f.failures,
            f.frame
        );
        assert!(
            !step.screen.is_empty() || !step.facts.is_empty(),
            "{name} step {} checks nothing",
            i + 1
        );
        assert!(
            f.frame.contains("checks: ✓"),
            "{name} step {}: the check line shows\n{}",
            i + 1,
            f.frame
        );
        insta::assert_snapshot!(format!("{name}_{:02}", i + 1), f.frame, &step.caption);
    }
}

#[test]
fn walkthrough_tour() {
    check("tour");
}

#[test]
fn walkthrough_domains() {
    check("domains");
}

#[test]
fn walkthrough_import() {
    check("import");
}

#[test]
fn walkthrough_merge() {
    check("merge");
}

#[test]
fn walkthrough_merge_import() {
    check("merge-import");
}

#[test]
fn walkthrough_hipaa() {
    check("hipaa");
}

#[test]
fn walkthrough_roles() {
    check("roles");
}

#[test]
fn walkthrough_sso() {
    check("sso");
}

#[test]
fn walkthrough_signup() {
    check("signup");
}

#[test]
fn walkthrough_offboarding() {
    check("offboarding");
}

#[test]
fn walkthrough_handover() {
    check("handover");
}

#[test]
fn walkthrough_ids() {
    check("ids");
}

#[test]
fn walkthrough_clock() {
    check("clock");
}

#[test]
fn walkthrough_subaccounts() {
    check("subaccounts");
}

#[test]
fn walkthrough_scim() {
    check("scim");
}

#[test]
fn walkthrough_audit() {
    check("audit");
}

/// Each walkthrough but the tour shows a refusal, with its rule, before the allowed path.
#[test]
fn every_walkthrough_shows_a_refusal_before_the_allowed_path() {
    for w in walkthrough::all() {
        if w.name == "tour" {
            continue;
        }
        let first_refusal = w
            .steps
            .iter()
            .position(|s| s.screen.iter().any(|t| t.contains("refused [")));
        assert!(first_refusal.is_some(), "{} shows no refusal", w.name);
        assert!(
            first_refusal < Some(w.steps.len() - 1),
            "{}: the refusal comes before the allowed path",
            w.name
        );
    }
}

fn tour() -> Walkthrough {
    walkthrough::find("tour").unwrap()
}

fn frame_of(p: &mut Player) -> String {
    let mut t = ratatui::Terminal::new(ratatui::backend::TestBackend::new(
        DEFAULT_SIZE.0,
        DEFAULT_SIZE.1,
    ))
    .unwrap();
    t.draw(|f| p.draw(f)).unwrap();
    tworg::console::screen_text(t.backend())
}

/// Going back, jumping, restarting and returning from exploring all rebuild the screen the
/// caption describes: the same frame as reaching that step by moving on.
#[test]
fn back_jump_restart_and_explore_replay_the_step_the_caption_describes() {
    let w = walkthrough::find("domains").unwrap();
    let frames = run_frames(&w, DEFAULT_SIZE, Options::default()).unwrap();
    let mut p = Player::new(w.clone(), Options::default(), console_size(DEFAULT_SIZE)).unwrap();
    assert_eq!(p.step, 0);
    assert!(p.finished, "step 1 is shown played, paused");
    assert_eq!(frame_of(&mut p), frames[0].frame);
    p.control(Control::Jump(4)).unwrap();
    assert_eq!(frame_of(&mut p), frames[3].frame);
    p.control(Control::Back).unwrap();
    assert_eq!(frame_of(&mut p), frames[2].frame);
    // explore: the console takes the screen; changes there are dropped on return
    p.control(Control::Explore).unwrap();
    assert!(p.exploring);
    let explored = frame_of(&mut p);
    assert!(
        explored.contains("e returns to the walkthrough"),
        "{explored}"
    );
    let key = |s: &str| tworg::console::keys::parse_keys(s).unwrap();
    for k in key("3") {
        p.key(k).unwrap();
    }
    assert!(frame_of(&mut p).contains("[3 Users]"));
    for k in key("e") {
        p.key(k).unwrap();
    }
    assert!(!p.exploring);
    assert_eq!(frame_of(&mut p), frames[2].frame);
    // past the last step: the end, from which ← and r still work
    p.control(Control::Jump(w.steps.len())).unwrap();
    p.control(Control::Next).unwrap();
    assert!(frame_of(&mut p).contains("The end."));
    p.control(Control::Restart).unwrap();
    assert_eq!(frame_of(&mut p), frames[0].frame);
    p.control(Control::Jump(99)).unwrap();
    assert!(frame_of(&mut p).contains("there is no step 99"));
}

/// The presenter sees no test wording unless --check.
#[test]
fn no_test_wording_without_check() {
    let frames = run_frames(&tour(), DEFAULT_SIZE, Options::default()).unwrap();
    assert!(frames.iter().all(|f| !f.frame.contains("checks:")));
}

/// Rules the captions name, over the rule table.
#[test]
fn walkthroughs_teach_every_rule_family_and_60_percent_of_rule_ids() {
    use std::collections::BTreeSet;
    let all = walkthrough::all();
    let taught: BTreeSet<&str> = all.iter().flat_map(|w| w.rules()).collect();
    let table = tworg::model::rules::ALL;
    let family = |id: &str| id.rsplit_once('-').unwrap().0.to_string();
    let families: BTreeSet<String> = table.iter().map(|r| family(r.id)).collect();
    let taught_families: BTreeSet<String> = taught.iter().map(|id| family(id)).collect();
    let missing: Vec<&String> = families.difference(&taught_families).collect();
    assert!(
        missing.is_empty(),
        "families no walkthrough teaches: {missing:?}"
    );
    let percent = taught.len() * 100 / table.len();
    assert!(
        taught.len() * 100 >= table.len() * 60,
        "{} of {} rule IDs ({percent} %) are named in a caption; at least 60 % must be",
        taught.len(),
        table.len()
    );
}

/// A learner who does each step passes them all; one who does something else is told what is
/// missing, then given the hint after two tries.
#[test]
fn an_exercise_is_passed_by_a_scripted_learner_and_failed_by_a_wrong_one() {
    let w = walkthrough::find("domains").unwrap();
    let size = console_size(DEFAULT_SIZE);
    let mut good = Exercise::new(w.clone(), size).unwrap();
    for (i, step) in w.steps.iter().enumerate() {
        good.type_keys(&step.keys).unwrap();
        assert_eq!(
            good.check().unwrap(),
            Grade::Passed(i + 1),
            "step {}",
            i + 1
        );
    }
    assert!(good.done());
    assert_eq!(
        good.score(),
        format!("Score: {n} of {n} steps passed.", n = w.steps.len())
    );

    let mut wrong = Exercise::new(w.clone(), size).unwrap();
    // invites someone on the verified domain instead of gmail.com: no refusal on screen
    wrong
        .type_keys("3 i \"rita@owl-industries.example\" enter")
        .unwrap();
    let Grade::Missing { missing, hint } = wrong.check().unwrap() else {
        panic!("a wrong step passed");
    };
    assert!(
        missing.iter().any(|m| m.contains("refused [")),
        "{missing:?}"
    );
    assert_eq!(hint, None, "no hint on the first try");
    let Grade::Missing { hint, .. } = wrong.check().unwrap() else {
        panic!("a wrong step passed");
    };
    assert!(hint.unwrap().contains("rita@gmail.com"));
    assert_eq!(wrong.step, 0);
    // now the learner follows the hint, and closes the refusal before asking for a grade: what
    // the step names was on the screen, so it counts
    wrong
        .type_keys("esc 3 i \"rita@gmail.com\" enter esc")
        .unwrap();
    assert_eq!(wrong.check().unwrap(), Grade::Passed(1));
    assert_eq!(
        wrong.outcomes,
        [Outcome::Passed {
            tries: 3,
            hinted: true
        }]
    );
    wrong.skip().unwrap();
    assert!(
        wrong
            .score()
            .starts_with("Score: 1 of 6 steps passed (1 after a hint), 1 skipped")
    );
}

/// The asciicast export: a v2 header, then frames in time order that replay every step: each
/// step's caption appears, and its last frame shows what the step's checks expect.
#[test]
fn the_cast_header_is_asciicast_v2_and_its_frames_replay_the_steps() {
    let w = walkthrough::find("import").unwrap();
    let cast = walkthrough::export::asciicast(&w, (120, 34)).unwrap();
    let mut lines = cast.lines();
    let header: serde_json::Value = serde_json::from_str(lines.next().unwrap()).unwrap();
    assert_eq!(header["version"], 2);
    assert_eq!(header["width"], 120);
    assert_eq!(header["height"], 34);
    let events: Vec<serde_json::Value> = lines.map(|l| serde_json::from_str(l).unwrap()).collect();
    let mut last = -1.0;
    for e in &events {
        let t = e[0].as_f64().unwrap();
        assert!(t >= last, "times never go back");
        last = t;
        assert_eq!(e[1], "o");
    }
    assert_eq!(
        events.last().unwrap()[2],
        "",
        "the recording ends after a hold"
    );
    let frames: Vec<String> = events[..events.len() - 1]
        .iter()
        .map(|e| strip_ansi(e[2].as_str().unwrap()))
        .collect();
    assert!(frames.iter().all(|f| f.lines().count() == 34));
    let mut at = 0;
    for (i, step) in w.steps.iter().enumerate() {
        let title = format!("step {} of {}", i + 1, w.steps.len());
        let of_step: Vec<&String> = frames[at..]
            .iter()
            .take_while(|f| f.contains(&title))
            .collect();
        assert!(!of_step.is_empty(), "no frame of {title}");
        at += of_step.len();
        let end = of_step.last().unwrap();
        for s in &step.screen {
            assert!(
                end.contains(s.as_str()),
                "{title} ends without {s:?}\n{end}"
            );
        }
        if i > 0 {
            assert!(
                of_step.len() > 1,
                "{title}: its keys are played frame by frame"
            );
        }
    }
    assert_eq!(at, frames.len(), "every frame belongs to a step, in order");
}

fn strip_ansi(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            for d in chars.by_ref() {
                if d.is_ascii_alphabetic() {
                    break;
                }
            }
        } else if c != '\r' {
            out.push(c);
        }
    }
    out
}

/// `docs/walkthroughs/NAME.md` is `tworg demo NAME --export md`; `TWORG_UPDATE_DOCS=1` rewrites
/// them.
#[test]
fn the_markdown_export_of_every_walkthrough_is_committed() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/walkthroughs");
    let update = std::env::var_os("TWORG_UPDATE_DOCS").is_some();
    let mut stale = Vec::new();
    for w in walkthrough::all() {
        let md = walkthrough::export::markdown(&w, DEFAULT_SIZE).unwrap();
        let path = dir.join(format!("{}.md", w.name));
        if update {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(&path, &md).unwrap();
        } else if std::fs::read_to_string(&path).ok().as_deref() != Some(md.as_str()) {
            stale.push(path.display().to_string());
        }
    }
    assert!(
        stale.is_empty(),
        "out of date (TWORG_UPDATE_DOCS=1 cargo test --test walkthroughs rewrites them): {stale:?}"
    );
}

/// A trainer's file: errors name the file, line and column in a sentence.
#[test]
fn a_walkthrough_file_loads_and_its_errors_say_where() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("mine.ron");
    std::fs::write(
        &good,
        r#"(
    title: "Mine",
    summary: "One step.",
    steps: [
        (
            caption: "The Users tab (USR-5).",
            notes: "Point at the external collaborator.",
            keys: "3",
            screen: ["Users ("],
        ),
    ],
)"#,
    )
    .unwrap();
    let w = walkthrough::load_file(&good).unwrap();
    assert_eq!(w.name, "mine");
    assert_eq!(w.rules(), ["USR-5"]);
    let bad = dir.path().join("bad.ron");
    std::fs::write(
        &bad,
        "(\n    title: \"Mine\",\n    summary: 3,\n    steps: [],\n)",
    )
    .unwrap();
    let e = walkthrough::load_file(&bad).unwrap_err();
    assert!(e.starts_with(&format!("{}:3:", bad.display())), "{e}");
    assert!(e.ends_with('.'), "{e}");
    std::fs::write(
        &bad,
        "(\n    title: \"Mine\",\n    summary: \"s\",\n    steps: [(caption: \"See RULE-9.\", keys: \"3\")],\n)",
    )
    .unwrap();
    let e = walkthrough::load_file(&bad).unwrap_err();
    assert!(
        e.contains(":4:") && e.contains("RULE-9, which is not a rule"),
        "{e}"
    );
    std::fs::write(
        &bad,
        "(\n    title: \"Mine\",\n    summary: \"s\",\n    steps: [(caption: \"c\", keys: \"nosuchkey\")],\n)",
    )
    .unwrap();
    let e = walkthrough::load_file(&bad).unwrap_err();
    assert!(
        e.contains(":4:") && e.contains("Unknown key 'nosuchkey'"),
        "{e}"
    );
}

fn bin() -> std::path::PathBuf {
    std::env::var_os("TWORG_BIN")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::path::PathBuf::from(env!("CARGO_BIN_EXE_tworg")))
}

fn demo(args: &[&str]) -> std::process::Output {
    std::process::Command::new(bin())
        .arg("demo")
        .args(args)
        .output()
        .unwrap()
}

/// `tworg demo --list --json`: each walkthrough with the rule IDs its captions name.
#[test]
fn demo_list_names_the_rules_each_walkthrough_teaches() {
    let out = demo(&["--list", "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let list = v.as_array().unwrap();
    assert_eq!(list.len(), walkthrough::all().len());
    let sub = list.iter().find(|w| w["name"] == "subaccounts").unwrap();
    let rules: Vec<&str> = sub["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap())
        .collect();
    for id in ["SUB-1", "SUB-2", "SUB-3", "SUB-5", "SUB-6", "CLK-1"] {
        assert!(rules.contains(&id), "{rules:?}");
    }
    let text = demo(&["--list"]);
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("SCIM-1, SCIM-2, SCIM-3, SCIM-4"), "{text}");
}

/// Options that the chosen mode would ignore are refused, not silently dropped.
#[test]
fn demo_refuses_options_its_mode_ignores() {
    for args in [
        &["tour", "--size", "80x30"][..],
        &["tour", "--exercise", "--autoplay"],
        &["tour", "--export", "md", "--notes"],
        &["tour", "--headless", "--export", "cast"],
        &["--list", "tour"],
        &["--notes"],
        &["tour", "--out", "x"],
        &["tour", "--file", "x.ron"],
        &["tour", "--export", "md", "--size", "10x10"],
    ] {
        let out = demo(args);
        assert!(!out.status.success(), "{args:?} was accepted");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            !err.is_empty() && !err.contains("panicked"),
            "{args:?}: {err}"
        );
    }
}

/// `tworg demo --help` lists the presenter's keys.
#[test]
fn demo_help_lists_the_presenter_keys() {
    let out = demo(&["--help"]);
    let help = String::from_utf8_lossy(&out.stdout);
    for (keys, what) in walkthrough::controls::KEYS {
        assert!(help.contains(keys) && help.contains(what), "{keys}\n{help}");
    }
    assert!(help.contains("f5  check this step"), "{help}");
}

/// A trainer's file through the CLI: played headless with its notes, or its error in one line.
#[test]
fn demo_file_plays_headless_with_notes_and_reports_errors_by_position() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("class.ron");
    std::fs::write(
        &path,
        "(\n  title: \"Class\",\n  summary: \"s\",\n  steps: [(caption: \"Users (USR-5).\", notes: \"Ask who Eve is.\", keys: \"3\", screen: [\"Users (\"])],\n)",
    )
    .unwrap();
    let out = demo(&["--file", path.to_str().unwrap(), "--headless", "--notes"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("# notes: Ask who Eve is."), "{text}");
    std::fs::write(
        &path,
        "(\n  title: \"Class\",\n  summary: \"s\"\n  steps: [],\n)",
    )
    .unwrap();
    let out = demo(&["--file", path.to_str().unwrap(), "--headless"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!("{}:4:", path.display())),
        "file:line:col\n{err}"
    );
}

/// `--export cast --size`: the header carries the size asked for.
#[test]
fn demo_export_cast_takes_a_size() {
    let out = demo(&["import", "--export", "cast", "--size", "90x28"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let header: serde_json::Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
    assert_eq!(
        (header["width"].as_u64(), header["height"].as_u64()),
        (Some(90), Some(28))
    );
}

/// What a step names is highlighted on screen (reversed), so the class can find it.
#[test]
fn the_player_highlights_what_a_step_names() {
    let w = walkthrough::find("tour").unwrap();
    let frames = run_frames(&w, DEFAULT_SIZE, Options::default()).unwrap();
    let f = &frames[2]; // Users: eve.external highlighted
    let buf = &f.buffer;
    let (x, y) = (0..buf.area.height)
        .find_map(|y| {
            let row: String = (0..buf.area.width).map(|x| buf[(x, y)].symbol()).collect();
            row.find("eve.external")
                .map(|i| (row[..i].chars().count() as u16, y))
        })
        .expect("eve.external on screen");
    assert!(
        buf[(x, y)]
            .modifier
            .contains(ratatui::style::Modifier::REVERSED),
        "highlighted"
    );
}
