//! Staging in the console (`Z`): changes go to a scratch copy and are listed, then applied all
//! (`F`), discarded (`V`) or written as a plan (`W`); `H` writes the runbook; the Settings tab has
//! a Health panel (the lint findings of the org).

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use tworg::console::app::App;

const NEW: &str = "new.one@owl-industries.example";

mod console_harness;
use console_harness::Harness as H;

impl H {
    fn invited(&self) -> bool {
        let w = self.world();
        let home = w.home_org.clone().unwrap();
        w.orgs[&home].invitations.for_email(NEW).is_some()
    }
}

fn stage_an_invitation(h: &mut H) {
    h.keys("Z");
    assert!(h.app.handover.is_staging());
    assert!(h.screen().contains("STAGING"), "{}", h.screen());
    h.keys(&format!("3 i \"{NEW}\" enter"));
    assert!(h.invited(), "the scratch copy has the invitation");
    assert_eq!(h.app.handover.staging.as_ref().unwrap().changes.len(), 1);
}

#[test]
fn staged_changes_are_listed_then_applied_all() {
    let mut h = H::sized(120, 40);
    let before = h.world();
    stage_an_invitation(&mut h);
    h.keys("Z");
    let s = h.screen();
    assert!(
        s.contains("1 staged change(s)") && s.contains("user invite"),
        "{s}"
    );
    assert!(s.contains("is invited as Standard"), "the difference: {s}");
    h.keys("esc F");
    assert!(!h.app.handover.is_staging());
    assert!(h.invited(), "applied to the real world");
    assert_ne!(h.world(), before);
    assert_eq!(h.app.handover.recent.len(), 1);
}

#[test]
fn discarding_leaves_the_world_as_it_was() {
    let mut h = H::sized(120, 40);
    let before = h.world();
    stage_an_invitation(&mut h);
    h.keys("V");
    assert!(!h.app.handover.is_staging());
    assert_eq!(h.world(), before);
    assert!(
        h.screen().contains("discarded 1 staged change(s)"),
        "{}",
        h.screen()
    );
}

/// The console's cached rows (and Health findings) belong to one session: after a discard the real
/// world's rows show even when its change count equals the scratch copy's.
#[test]
fn after_a_discard_the_lists_show_the_real_world() {
    let mut h = H::sized(120, 40);
    // one real change, then one staged change: both sessions have made one change
    h.keys("3 i \"first.one@owl-industries.example\" enter");
    stage_an_invitation(&mut h);
    h.keys("V 3");
    assert!(!h.invited());
    let s = h.screen();
    assert!(s.contains("first.one@"), "{s}");
    assert!(
        !s.contains("new.one@"),
        "a discarded change still listed:\n{s}"
    );
}

#[test]
fn staged_changes_written_as_a_plan_parse_and_a_runbook_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("w.ron");
    tworg::persist::WorldFile::create(&path, &tworg::persist::demo_world()).unwrap();
    let (file, world) = tworg::persist::WorldFile::open(&path).unwrap();
    let home = world.home_org.clone().unwrap();
    let owner = world.owner_of_org(&home).unwrap().sid.clone();
    let mut h = H {
        app: App::new(
            tworg::session::Session::new(world, Some(file)).shared(),
            tworg::model::Ctx::new(home, owner),
            tworg::console::theme::Theme::mono(),
        ),
        term: Terminal::new(TestBackend::new(120, 40)).unwrap(),
    };
    stage_an_invitation(&mut h);
    h.keys("W");
    let text = std::fs::read_to_string(dir.path().join("w.ron.staged.tworg")).unwrap();
    let lines = tworg::cli::script::parse_script(&text).expect("the plan parses");
    assert_eq!(lines.len(), 1);
    assert!(text.contains(&format!("user invite {NEW}")), "{text}");
    h.keys("H");
    let s = h.screen();
    assert!(s.contains("Runbook") && s.contains("Invite a user"), "{s}");
    let md = std::fs::read_to_string(dir.path().join("w.ron.runbook.md")).unwrap();
    assert!(
        md.contains("Settings › Organization settings › User management"),
        "{md}"
    );
    // undo is off while staging: the list and the copy stay in step
    h.keys("esc u");
    assert!(h.invited());
    assert!(
        h.screen().contains("undo is off while staging"),
        "{}",
        h.screen()
    );
    // nothing reached the file while staging
    let on_disk = tworg::persist::load(&path).unwrap();
    assert!(
        on_disk.orgs[&on_disk.home_org.clone().unwrap()]
            .invitations
            .for_email(NEW)
            .is_none()
    );
    h.keys("F");
    drop(h);
    let on_disk = tworg::persist::load(&path).unwrap();
    assert!(
        on_disk.orgs[&on_disk.home_org.clone().unwrap()]
            .invitations
            .for_email(NEW)
            .is_some()
    );
}

#[test]
fn a_scratch_world_shows_the_plan_instead_of_writing_it() {
    let mut h = H::sized(120, 40);
    stage_an_invitation(&mut h);
    h.keys("W");
    let s = h.screen();
    assert!(
        s.contains("not written to a file") && s.contains("user invite"),
        "{s}"
    );
}

#[test]
fn the_settings_tab_has_a_health_panel() {
    let mut h = H::sized(120, 40);
    h.keys("4");
    let s = h.screen();
    assert!(s.contains("Health (0 finding(s)"), "{s}");
    // Heron Logistics: its lone Owner is flagged, with the fix as keys and places
    let mut h = H {
        app: {
            let w = tworg::persist::demo_world();
            let heron = w.find_org("Heron Logistics").unwrap().sid.clone();
            let owner = w.owner_of_org(&heron).unwrap().sid.clone();
            App::new(
                tworg::session::Session::new(w, None).shared(),
                tworg::model::Ctx::new(heron, owner),
                tworg::console::theme::Theme::mono(),
            )
        },
        term: Terminal::new(TestBackend::new(160, 40)).unwrap(),
    };
    h.keys("4");
    let s = h.screen();
    assert!(s.contains("Health (1 finding(s)"), "{s}");
    // the fix said the console's way: where to go and which key to press, no command line
    assert!(!s.contains("tworg "), "{s}");
    assert!(s.contains("Users tab (3) → i invite"), "{s}");
}

/// The Health findings follow the setting's explanation in the one detail pane, so J/K reach
/// every step of every fix, and the hint, at any size (at 120x35 the third step and the hint
/// once fell below a panel that did not scroll; at 80x24 the panel was not drawn at all).
#[test]
fn every_health_fix_step_is_reached_by_scrolling() {
    for (width, height) in [(80, 24), (120, 35)] {
        let mut h = H::sized(width, height);
        h.keys("O \"heron\" enter 4");
        let s = h.screen();
        assert!(s.contains("Health (1 finding(s)"), "{s}");
        assert!(s.contains("J/K scroll"), "the pane says it scrolls:\n{s}");
        assert!(!s.contains("hint: invite a second"), "{s}");
        let mut seen = s;
        for _ in 0..30 {
            h.keys("J");
            seen.push_str(&h.screen());
        }
        for part in [
            "fix 1: Settings tab (4)",
            "fix 2: Users tab (3)",
            "fix 3: A act as",
            "hint: invite a second",
        ] {
            assert!(
                seen.contains(part),
                "{part} never shown at {width}x{height}"
            );
        }
        // K goes back to the top of the pane
        h.keys(&"K ".repeat(30));
        assert!(
            h.screen().contains("The organization's name"),
            "{}",
            h.screen()
        );
    }
}

/// The Health panel lints once per change: a frame without a change draws the cached findings;
/// a change, an undo and a redo each bring them up to date.
#[test]
fn the_health_panel_lints_once_per_change() {
    let mut h = H::sized(120, 40);
    h.keys("4");
    assert!(
        h.screen().contains("Health (0 finding(s))"),
        "{}",
        h.screen()
    );
    let cached = |h: &H| {
        h.app
            .cache
            .health
            .borrow()
            .as_ref()
            .map(|v| v.as_ptr() as usize)
    };
    // a change flags the account limit (4 of 5 used) ...
    h.app.act(tworg::model::Action::Set(
        tworg::model::action::Setting::AccountLimit(5),
    ));
    h.keys("esc");
    assert!(
        h.screen().contains("Health (1 finding(s))"),
        "{}",
        h.screen()
    );
    let first = cached(&h);
    assert!(first.is_some(), "drawn from the cache");
    h.keys("j k J K");
    assert_eq!(
        cached(&h),
        first,
        "no change: the same findings, not linted again"
    );
    // ... undo clears it, redo brings it back
    h.keys("u");
    assert!(
        h.screen().contains("Health (0 finding(s))"),
        "{}",
        h.screen()
    );
    h.keys("ctrl-r");
    assert!(
        h.screen().contains("Health (1 finding(s))"),
        "{}",
        h.screen()
    );
}
