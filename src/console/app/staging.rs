//! Staging and handing over in the console. `Z` starts staging: the console swaps its session for
//! a scratch copy of the world (nothing is saved), every change made is listed (`Z` again shows
//! the list and the difference it makes), then `F` applies them all to the real world, `V`
//! discards them, `W` writes them out as a plan for `tworg apply`. `H` writes the runbook of the
//! staged changes (or, not staging, of the changes made in this session) next to the world file
//! (a scratch world has no file: the plan and the runbook are shown only).
//! The rules stay in the model: staged changes are applied by the model to the copy, and again
//! to the real world when applied for good.

use std::path::PathBuf;

use super::*;
use crate::model::diff;

/// What the console keeps to hand a rehearsal over.
#[derive(Default)]
pub struct Handover {
    /// While staging: the real session, the world when staging began, the staged changes.
    pub staging: Option<Staged>,
    /// Changes applied to the real world in this session, in order (for the runbook).
    pub recent: Vec<(Ctx, Action)>,
}

pub struct Staged {
    real: SharedSession,
    real_label: String,
    before: World,
    pub changes: Vec<(Ctx, Action)>,
}

impl Handover {
    pub fn is_staging(&self) -> bool {
        self.staging.is_some()
    }
}

impl App {
    /// Called by [`App::apply`] after a change the model applied.
    pub(super) fn record_change(&mut self, action: &Action) {
        let change = (self.ctx.clone(), action.clone());
        match &mut self.handover.staging {
            Some(s) => s.changes.push(change),
            None => self.handover.recent.push(change),
        }
    }

    /// The staging and hand-over keys (and undo/redo while staging); `false` for other keys.
    pub(super) fn handover_command(&mut self, cmd: Cmd) -> bool {
        match cmd {
            Cmd::Stage => self.stage_or_list(),
            Cmd::StageApply => self.stage_apply(),
            Cmd::StageDiscard => self.stage_discard(),
            Cmd::StageWrite => self.stage_write(),
            Cmd::Runbook => self.write_runbook(),
            Cmd::Undo | Cmd::Redo if self.handover.is_staging() => self
                .info("undo is off while staging: V discards every staged change, F applies them"),
            _ => return false,
        }
        true
    }

    fn stage_or_list(&mut self) {
        if self.read_only {
            return self.info("read-only: nothing can be staged here");
        }
        if let Some(s) = &self.handover.staging {
            let world = self.lock().world.clone();
            let mut lines = vec![format!("{} staged change(s):", s.changes.len())];
            for (i, (ctx, a)) in s.changes.iter().enumerate() {
                lines.push(format!("  {}. {}", i + 1, plan_line(&world, ctx, a)));
            }
            lines.push(String::new());
            lines.push("The difference they make:".into());
            lines.extend(diff::diff(&s.before, &world).lines());
            lines.push(String::new());
            lines.push("F applies them all, V discards them, W writes them as a plan, H writes their runbook.".into());
            return self.open(Modal::Message(Message {
                title: "Staged changes".into(),
                lines,
                scroll: 0,
            }));
        }
        let world = self.lock().world.clone();
        let scratch = Session::new(world.clone(), None).shared();
        let real = std::mem::replace(&mut self.session, scratch);
        self.cache.invalidate();
        let label = std::mem::replace(
            &mut self.file_label,
            "STAGING: changes go to a scratch copy (Z lists them, F applies, V discards)".into(),
        );
        self.handover.staging = Some(Staged {
            real,
            real_label: label,
            before: world,
            changes: Vec::new(),
        });
        self.undo.clear();
        self.redo.clear();
        self.refresh();
        self.info("staging: changes now go to a scratch copy and are listed (Z)");
    }

    /// Leaves staging: the real session back, undo history restarted.
    fn unstage(&mut self) -> Option<Staged> {
        let mut s = self.handover.staging.take()?;
        self.session = s.real.clone();
        self.cache.invalidate();
        self.file_label = std::mem::take(&mut s.real_label);
        self.undo.clear();
        self.redo.clear();
        self.refresh();
        Some(s)
    }

    fn stage_apply(&mut self) {
        let Some(s) = self.unstage() else {
            return self.info("not staging: Z starts");
        };
        let total = s.changes.len();
        for (i, (ctx, a)) in s.changes.iter().enumerate() {
            let result = self.lock().apply(ctx, a);
            match result {
                Ok(_) => self.handover.recent.push((ctx.clone(), a.clone())),
                Err(e) => {
                    let why = match e {
                        ApplyError::Action(e) => e.to_string(),
                        ApplyError::Save(e) => format!("not saved: {e}"),
                        ApplyError::ReadOnly => "read-only".into(),
                    };
                    self.refresh();
                    self.status = Some(Status {
                        kind: StatusKind::Refused,
                        text: format!(
                            "applied {i} of {total} staged change(s); change {} stopped: {why}",
                            i + 1
                        ),
                    });
                    return;
                }
            }
        }
        self.refresh();
        self.info(format!("applied {total} staged change(s) to the world"));
    }

    fn stage_discard(&mut self) {
        match self.unstage() {
            Some(s) => self.info(format!(
                "discarded {} staged change(s); the world is as before",
                s.changes.len()
            )),
            None => self.info("not staging: Z starts"),
        }
    }

    fn stage_write(&mut self) {
        let Some(s) = &self.handover.staging else {
            return self.info("not staging: Z starts");
        };
        let world = self.lock().world.clone();
        let mut text = String::from("# staged in the tworg console; run with: tworg apply FILE\n");
        for (ctx, a) in &s.changes {
            text.push_str(&plan_line(&world, ctx, a));
            text.push('\n');
        }
        let count = s.changes.len();
        match self.handover_path("staged.tworg") {
            Some(path) => match std::fs::write(&path, text) {
                Ok(()) => self.info(format!(
                    "wrote {count} staged change(s) as a plan to {}",
                    path.display()
                )),
                Err(e) => self.info(format!("cannot write {}: {e}", path.display())),
            },
            None => self.open(Modal::Message(Message {
                title: "The plan (a scratch world: not written to a file)".into(),
                lines: text.lines().map(String::from).collect(),
                scroll: 0,
            })),
        }
    }

    fn write_runbook(&mut self) {
        let (changes, what) = match &self.handover.staging {
            Some(s) => (s.changes.clone(), "the staged changes"),
            None => (self.handover.recent.clone(), "this session's changes"),
        };
        if changes.is_empty() {
            return self.info(format!("no change to write a runbook of ({what})"));
        }
        let world = self.lock().world.clone();
        let book = crate::runbook::from_changes(&format!("Runbook of {what}"), &world, &changes);
        let text = book.to_markdown();
        let written = match self.handover_path("runbook.md") {
            Some(path) => match std::fs::write(&path, &text) {
                Ok(()) => format!("written to {}", path.display()),
                Err(e) => format!("not written: {e}"),
            },
            None => "a scratch world: not written to a file".to_string(),
        };
        self.open(Modal::Message(Message {
            title: format!("Runbook — {written}"),
            lines: text.lines().map(String::from).collect(),
            scroll: 0,
        }));
    }

    /// `<world file>.<suffix>` beside the world file; `None` for a scratch world (no file).
    fn handover_path(&self, suffix: &str) -> Option<PathBuf> {
        let session = match &self.handover.staging {
            Some(s) => s.real.clone(),
            None => self.session.clone(),
        };
        let p = session
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .file()
            .map(|f| f.path().to_path_buf())?;
        let mut name = p.file_name().unwrap_or_default().to_os_string();
        name.push(format!(".{suffix}"));
        Some(p.with_file_name(name))
    }
}

/// A change as a plan line: `--org` unless it is the home org, `--as` the acting user.
fn plan_line(w: &World, ctx: &Ctx, a: &Action) -> String {
    let org = (w.home_org.as_ref() != Some(&ctx.org)).then(|| w.org_name(&ctx.org));
    let by = ctx.acting_user().map(|u| w.email_of(u));
    match crate::plan::line(a, org.as_deref(), by.as_deref()) {
        Ok(l) => l,
        Err(why) => format!("# {} ({why})", a.name()),
    }
}
