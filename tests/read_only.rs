//! `--read-only`: any world opens without the power to change it; keys that would change it
//! disappear from the footer and the help, and pressing them does nothing.

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use tworg::console::keys::parse_keys;
use tworg::console::theme::Theme;
use tworg::console::{App, drive, screen_text};
use tworg::model::Ctx;
use tworg::persist::demo_world;
use tworg::session::Session;

fn read_only_app() -> App {
    let world = demo_world();
    let org = world.home_org.clone().unwrap();
    let owner = world.owner_of_org(&org).unwrap().sid.clone();
    App::new(
        Session::read_only(world).shared(),
        Ctx::new(org, owner),
        Theme::mono(),
    )
}

fn screen(app: &mut App, keys: &str) -> String {
    let mut t = Terminal::new(TestBackend::new(100, 30)).unwrap();
    drive(app, &mut t, &parse_keys(keys).unwrap());
    screen_text(t.backend())
}

#[test]
fn read_only_hides_world_changing_keys_from_footer_and_help() {
    let mut app = read_only_app();
    let footer = screen(&mut app, "");
    assert!(
        footer.contains("/ filter") && footer.contains("A act as"),
        "{footer}"
    );
    assert!(
        !footer.contains("import by SID") && !footer.contains("n new"),
        "{footer}"
    );
    let help = screen(&mut app, "3 ?");
    assert!(help.contains("Help"), "{help}");
    assert!(
        !help.contains("invite") && !help.contains("deactivate"),
        "{help}"
    );

    let mut writable = App::demo();
    assert!(
        screen(&mut writable, "").contains("import by SID"),
        "the same keys show when writable"
    );
}

#[test]
fn read_only_ignores_world_changing_keys_and_changes_nothing() {
    let mut app = read_only_app();
    let before = app.lock().world.clone();
    let s = screen(&mut app, "3 i \"rita@owl-industries.example\" enter 1 n u");
    assert!(
        !s.contains("Invite a user") && !s.contains("Create an account"),
        "{s}"
    );
    assert_eq!(app.lock().world, before);
    assert!(
        !app.lock()
            .world
            .orgs
            .values()
            .any(|o| o.invitations.values().any(|i| i.email.starts_with("rita")))
    );
}
