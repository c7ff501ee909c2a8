//! Plays a walkthrough on a scratch copy of the demo world with no terminal: the same `App` and
//! headless drawing as `tworg render`. The snapshot tests, `tworg demo --headless` and the
//! interactive player (to rebuild a step) all come through here.

use anyhow::anyhow;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use super::{Step, Walkthrough, check_step};
use crate::console::{App, drive, keys, screen_text};
use crate::model::Sid;
use crate::persist::demo_world;

/// The screen after a step, and what did not hold.
#[derive(Debug, Clone)]
pub struct StepResult {
    pub screen: String,
    pub failures: Vec<String>,
}

/// A fresh console on a scratch demo world (never a user's file), acting as its Owner, with a
/// fixed SCIM token so every run is identical.
pub fn fresh_app() -> (App, Sid) {
    let world = demo_world();
    let org = world
        .home_org
        .clone()
        .expect("the demo world has a home org");
    let app = App::on_world(world)
        .with_token_source(|| "tworg_walkthrough_token_0123456789abcdef".into());
    (app, org)
}

/// Feeds one step's keys and checks what must hold afterwards.
pub fn play_step(
    app: &mut App,
    terminal: &mut Terminal<TestBackend>,
    org: &Sid,
    step: &Step,
) -> anyhow::Result<StepResult> {
    let keys = keys::parse_keys(&step.keys).map_err(|e| anyhow!("keys {:?}: {e}", step.keys))?;
    drive(app, terminal, &keys);
    let screen = screen_text(terminal.backend());
    let failures = {
        let session = app.lock();
        check_step(step, &screen, &session.world, org)
    };
    Ok(StepResult { screen, failures })
}

/// Plays every step at a given screen size.
pub fn run_headless(w: &Walkthrough, width: u16, height: u16) -> anyhow::Result<Vec<StepResult>> {
    let (mut app, org) = fresh_app();
    let mut terminal = Terminal::new(TestBackend::new(width, height))?;
    w.steps
        .iter()
        .map(|s| play_step(&mut app, &mut terminal, &org, s))
        .collect()
}
