//! `tworg render`: the console without a terminal, through the binary; and changes made by
//! another face of the shared session (the SCIM server) appearing live.

use std::process::Command;

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use tworg::console::app::App;
use tworg::console::{drive, screen_text};
use tworg::model::Action;

fn tworg(file: &std::path::Path, args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_tworg"))
        .arg("--file")
        .arg(file)
        .args(args)
        .env_remove("NO_COLOR")
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn render_prints_the_screen_and_never_saves_without_save() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("w.ron");
    std::fs::write(&file, tworg::persist::DEMO_RON).unwrap();
    let (ok, out, err) = tworg(
        &file,
        &[
            "render",
            "--keys",
            "n \"Headless Acct\" enter",
            "--size",
            "80x24",
        ],
    );
    assert!(ok, "{err}");
    assert_eq!(out.lines().count(), 24);
    assert!(out.contains("Headless Acct"), "{out}");
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        tworg::persist::DEMO_RON
    );
    let (ok, _, err) = tworg(
        &file,
        &["render", "--keys", "n \"Saved Acct\" enter", "--save"],
    );
    assert!(ok, "{err}");
    assert!(
        std::fs::read_to_string(&file)
            .unwrap()
            .contains("Saved Acct")
    );
    let (ok, _, err) = tworg(&file, &["render", "--keys", "bogus"]);
    assert!(!ok);
    assert!(err.contains("unknown key 'bogus'"), "{err}");
}

#[test]
fn render_uses_as_and_org() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("w.ron");
    std::fs::write(&file, tworg::persist::DEMO_RON).unwrap();
    let (ok, out, err) = tworg(
        &file,
        &["--as", "sam.standard@owl-industries.example", "render"],
    );
    assert!(ok, "{err}");
    assert!(
        out.contains("(Standard)") && out.contains("Accounts (2)"),
        "{out}"
    );
}

#[test]
fn changes_from_another_face_of_the_session_appear() {
    let mut app = App::demo();
    let mut term = Terminal::new(TestBackend::new(100, 30)).unwrap();
    drive(
        &mut app,
        &mut term,
        &tworg::console::keys::parse_keys("3 / \"sara\" enter").unwrap(),
    );
    assert!(screen_text(term.backend()).contains("active"));
    let ctx = app.ctx.clone();
    app.session
        .lock()
        .unwrap()
        .apply(
            &ctx,
            &Action::Deactivate {
                user: "sara.standard@owl-industries.example".into(),
                confirm_lockout: false,
            },
        )
        .unwrap();
    term.draw(|f| app.render(f)).unwrap();
    assert!(screen_text(term.backend()).contains("deactivated"));
}

#[test]
fn a_read_only_world_refuses_changes_inside_the_modal() {
    let world = tworg::persist::demo_world();
    let org = world.home_org.clone().unwrap();
    let owner = world.owner_of_org(&org).unwrap().sid.clone();
    let session = tworg::session::Session::read_only(world.clone()).shared();
    let mut app = App::new(
        session,
        tworg::model::Ctx::new(org, owner),
        tworg::console::theme::Theme::mono(),
    );
    let mut term = Terminal::new(TestBackend::new(100, 30)).unwrap();
    drive(
        &mut app,
        &mut term,
        // World-changing keys are not offered (tests/read_only.rs); a settings form still
        // opens, and its change is refused inside the modal.
        &tworg::console::keys::parse_keys("4 enter \"Nope\" enter").unwrap(),
    );
    assert!(screen_text(term.backend()).contains("read-only"));
    assert_eq!(app.lock().world, world);
}

/// `App::render_in` draws into a given area what `render` draws on a screen of that size (the
/// walkthrough player draws the console above its caption this way), the form's cursor
/// included, and leaves the rest of the frame alone.
#[test]
fn render_in_draws_the_console_into_an_area_and_nothing_outside_it() {
    use ratatui::backend::Backend;
    use ratatui::layout::{Position, Rect};
    use ratatui::widgets::Paragraph;
    let keys = tworg::console::keys::parse_keys("n \"Area\"").unwrap();
    let mut alone = App::demo();
    let mut t = Terminal::new(TestBackend::new(80, 24)).unwrap();
    drive(&mut alone, &mut t, &keys);
    let mut placed = App::demo();
    for k in keys {
        placed.handle_key(k);
    }
    let area = Rect::new(3, 2, 80, 24);
    let mut big = Terminal::new(TestBackend::new(90, 30)).unwrap();
    big.draw(|f| {
        let full = f.area();
        f.render_widget(Paragraph::new(vec!["x".repeat(90).into(); 30]), full);
        placed.render_in(f, area);
    })
    .unwrap();
    let (want, got) = (t.backend().buffer(), big.backend().buffer());
    for y in 0..30u16 {
        for x in 0..90u16 {
            let inside = area.contains(Position::new(x, y));
            let cell = got[(x, y)].symbol();
            if inside {
                assert_eq!(cell, want[(x - 3, y - 2)].symbol(), "at {x},{y}");
            } else {
                assert_eq!(cell, "x", "outside the area at {x},{y}");
            }
        }
    }
    let mut cursor = t.backend_mut().get_cursor_position().unwrap();
    cursor.x += 3;
    cursor.y += 2;
    assert_eq!(big.backend_mut().get_cursor_position().unwrap(), cursor);
}

/// Each tab's rows are built when it is shown (the first frame does not sort every user): a tab
/// chosen by a key has its rows before the next key, whether or not a frame was drawn between.
#[test]
fn a_chosen_tab_has_its_rows_before_any_frame() {
    let mut app = App::demo();
    for k in tworg::console::keys::parse_keys("3 j").unwrap() {
        app.handle_key(k);
    }
    let users = app.lock().world.members(&app.ctx.org).count();
    assert!(app.cache.users.len() >= users, "{}", app.cache.users.len());
    assert!(app.selected_user().is_some());
}
