//! Plays walkthrough steps on a scratch copy of the demo world with no terminal: the same `App`
//! and headless drawing as `tworg render`. The player (to play or rebuild a step), the exercises,
//! the exports and the snapshot tests all come through here.

use anyhow::anyhow;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use super::{Step, check_step};
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

/// Makes a step's setup changes through the model: as the org's Owner (a refusal fails the
/// walkthrough), or as the identity provider with the SCIM token (the answer, allowed or refused,
/// is shown on the console's status line, as Twilio's answer to the IdP).
pub fn apply_setup(app: &mut App, org: &Sid, step: &Step) -> anyhow::Result<()> {
    use crate::console::app::{Status, StatusKind};
    use crate::model::{ActionError, Actor, Ctx};
    for setup in &step.setup {
        let mut s = app.lock();
        let (actions, scim) = setup.actions(&s.world, org).map_err(|e| anyhow!(e))?;
        let ctx = if scim {
            Ctx {
                org: org.clone(),
                actor: Actor::ScimToken,
            }
        } else {
            let owner = s
                .world
                .owner_of_org(org)
                .map(|u| u.sid.clone())
                .ok_or_else(|| anyhow!("setup: the organization has no Owner"))?;
            Ctx::new(org.clone(), owner)
        };
        let mut status = None;
        for action in actions {
            match s.apply(&ctx, &action) {
                Ok(out) if scim => {
                    status = Some(Status {
                        kind: StatusKind::Ok,
                        text: format!("SCIM {}: {}", setup.request(), out.message),
                    })
                }
                Ok(_) => {}
                Err(crate::session::ApplyError::Action(ActionError::Refused(r))) if scim => {
                    status = Some(Status {
                        kind: StatusKind::Refused,
                        text: format!(
                            "SCIM {}: refused [{}]: {}",
                            setup.request(),
                            r.rule,
                            r.message
                        ),
                    })
                }
                Err(e) => return Err(anyhow!("setup {action:?}: {e}")),
            }
        }
        drop(s);
        if status.is_some() {
            app.status = status;
        }
    }
    Ok(())
}
