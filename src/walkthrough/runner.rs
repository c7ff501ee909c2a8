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
    apply_setup(app, org, step)?;
    drive(app, terminal, &keys);
    let screen = screen_text(terminal.backend());
    let failures = {
        let session = app.lock();
        check_step(step, &screen, &session.world, org)
    };
    Ok(StepResult { screen, failures })
}

/// Makes a step's setup changes as the org's Owner, each through the model; a refused one
/// fails the walkthrough.
pub fn apply_setup(app: &mut App, org: &Sid, step: &Step) -> anyhow::Result<()> {
    if step.setup.is_empty() {
        return Ok(());
    }
    let mut s = app.lock();
    let owner = s
        .world
        .owner_of_org(org)
        .map(|u| u.sid.clone())
        .ok_or_else(|| anyhow!("setup: the organization has no Owner"))?;
    let ctx = crate::model::Ctx::new(org.clone(), owner);
    for setup in &step.setup {
        for action in setup.actions(&s.world, org).map_err(|e| anyhow!(e))? {
            s.apply(&ctx, &action)
                .map_err(|e| anyhow!("setup {action:?}: {e}"))?;
        }
    }
    Ok(())
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
