//! The console's memory over changes (issue 11): a console on a world file of `USERS` users
//! (100,000 by default) makes 100 changes through its own `apply`, then undoes one; it prints
//! the process's resident memory after the first change, after the 100th, and after the undo.
//! Before the journal each change kept a copy of the world for undo. `cargo bench --bench
//! console_memory`; prints figures, asserts nothing.

use tworg::console::app::App;
use tworg::model::generate::{GenerateSpec, generate_world};
use tworg::model::{Action, Ctx};
use tworg::persist::WorldFile;
use tworg::session::Session;

fn rss_mb() -> f64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: f64 = statm
        .split_whitespace()
        .nth(1)
        .and_then(|p| p.parse().ok())
        .unwrap_or(0.0);
    pages * 4096.0 / 1e6
}

fn main() {
    if std::env::args().any(|a| a == "--list" || a == "--test") {
        return;
    }
    let users = std::env::var("USERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let world = generate_world(GenerateSpec {
        users,
        accounts: users / 20,
        orgs: 1,
        seed: 3,
    });
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("w.ron");
    let file = WorldFile::create(&path, &world).unwrap();
    let org = world.home_org.clone().unwrap();
    let owner = world.owner_of_org(&org).unwrap().sid.clone();
    let mut app = App::new(
        Session::new(world, Some(file))
            .with_background_saves()
            .shared(),
        Ctx::new(org, owner),
        tworg::console::theme::Theme::mono(),
    );
    let change = |app: &mut App, i: usize| {
        app.apply(&Action::RenameOrg {
            name: format!("Org {i}"),
        })
        .unwrap();
        app.refresh();
    };
    change(&mut app, 0);
    let first = rss_mb();
    for i in 1..100 {
        change(&mut app, i);
    }
    let hundred = rss_mb();
    app.handle_key(tworg::console::keys::parse_key("u").unwrap());
    app.refresh();
    let undone = rss_mb();
    println!(
        "console on {users} users: RSS after 1 change {first:.0} MB, after 100 changes {hundred:.0} MB ({:.2}x), after an undo {undone:.0} MB",
        hundred / first
    );
}
