//! Organization API access in the console's Settings tab: an OAuth app (client credentials for
//! `tworg serve`) is created from a form and its secret shown once, deleted after a
//! confirmation, and refused to a Standard user before any dialog opens (ORG-3).

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use tworg::console::app::App;
use tworg::console::modal::Modal;
use tworg::console::{drive, keys, screen_text};
use tworg::model::credentials::secret_hash;

const ROW: &str = "4 / \"API access\" enter";

fn run(app: &mut App, term: &mut Terminal<TestBackend>, script: &str) -> String {
    drive(app, term, &keys::parse_keys(script).unwrap());
    screen_text(term.backend())
}

fn apps(app: &App) -> Vec<(String, String, String)> {
    let s = app.lock();
    s.world
        .oauth_apps_of(&app.ctx.org)
        .into_iter()
        .map(|(sid, a)| (sid.to_string(), a.name.clone(), a.secret_sha256.clone()))
        .collect()
}

#[test]
fn an_oauth_app_is_created_with_its_secret_shown_once_and_deleted_after_asking() {
    let mut app = App::demo();
    let mut term = Terminal::new(TestBackend::new(120, 35)).unwrap();
    assert!(apps(&app).is_empty());
    let screen = run(&mut app, &mut term, ROW);
    assert!(
        screen.contains("Organization API access (OAuth apps)"),
        "{screen}"
    );
    assert!(screen.contains("0 apps"), "{screen}");

    // Enter: the picker offers to create one; its form takes a name
    let screen = run(
        &mut app,
        &mut term,
        "enter enter \"Provisioning bot\" enter",
    );
    let created = apps(&app);
    assert_eq!(created.len(), 1, "{screen}");
    let (client, name, hash) = &created[0];
    assert_eq!(name, "Provisioning bot");
    assert!(client.starts_with("OQ"));
    // the secret is on screen once, and only its hash is in the world
    let Some(Modal::Message(m)) = app.modals.last() else {
        panic!("no secret shown:\n{screen}")
    };
    assert!(m.title.contains("shown once"), "{}", m.title);
    let text = m.lines.join("\n");
    assert!(text.contains(client.as_str()), "{text}");
    let secret = m
        .lines
        .iter()
        .find_map(|l| l.strip_prefix("client secret"))
        .map(str::trim)
        .expect("the secret's line")
        .to_string();
    assert_eq!(&secret_hash(&secret), hash);
    assert!(!format!("{:?}", app.lock().world).contains(&secret));
    let screen = run(&mut app, &mut term, "esc");
    assert!(!screen.contains(&secret), "shown once:\n{screen}");
    assert!(screen.contains("1 app"), "{screen}");

    // a refused name keeps the form, names the field and changes nothing
    let screen = run(&mut app, &mut term, "enter enter enter");
    assert!(screen.contains("name"), "{screen}");
    assert_eq!(apps(&app).len(), 1);
    run(&mut app, &mut term, "esc");

    // Enter again: pick the app to delete it, after a confirmation
    let screen = run(&mut app, &mut term, "enter down enter");
    assert!(screen.contains("Its tokens stop working"), "{screen}");
    assert_eq!(apps(&app).len(), 1, "nothing deleted before yes");
    run(&mut app, &mut term, "y");
    assert!(apps(&app).is_empty());
}

#[test]
fn a_standard_user_is_refused_before_any_dialog_opens() {
    let mut app = App::demo();
    let mut term = Terminal::new(TestBackend::new(120, 35)).unwrap();
    let screen = run(
        &mut app,
        &mut term,
        &format!("A \"sam.standard\" enter {ROW} enter"),
    );
    assert!(app.modals.is_empty(), "a dialog opened:\n{screen}");
    let status = app.status.clone().expect("a status").text;
    assert!(status.contains("[ORG-3]"), "{status}");
    assert!(apps(&app).is_empty());
}
