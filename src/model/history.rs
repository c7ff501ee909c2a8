//! Undo and redo (AUD-1 rev 2). A face that offers undo keeps snapshots of the world; going back
//! to one is a change of its own: the world takes the snapshot's state, but its audit log stays
//! whole and grows by one entry, `undo` of the entries it reverts (or `redo` of the change it
//! makes again). Nothing removes or rewrites an entry.

use super::error::{ActionError, ActionResult, refuse};
use super::rules;
use super::words::Verb;
use super::*;

impl World {
    /// Undoes everything logged since `before`, the world as it was before the change: the
    /// world takes `before`'s state and logs `undo` naming the entries it reverts.
    pub fn undo(&mut self, ctx: &Ctx, before: &World) -> ActionResult<Outcome> {
        self.check_history(before, Verb::Undo)?;
        let from = before.audit.len();
        if from == self.audit.len() {
            return Err(ActionError::Invalid(
                "nothing was logged since that snapshot: there is nothing to undo".into(),
            ));
        }
        let detail = format!(
            "{} {}",
            Verb::Undo.past(),
            self.describe(from, self.audit.len())
        );
        self.restore(ctx, before, Verb::Undo, detail)
    }

    /// Makes an undone change again: `after` is the world as it was right after the change,
    /// whose entries start at index `change` of the log. Logs `redo` naming that change.
    pub fn redo(&mut self, ctx: &Ctx, after: &World, change: usize) -> ActionResult<Outcome> {
        self.check_history(after, Verb::Redo)?;
        if change >= after.audit.len() {
            return Err(ActionError::Invalid(format!(
                "entry #{} is not a change of that snapshot",
                change + 1
            )));
        }
        let detail = format!(
            "{} {}",
            Verb::Redo.past(),
            after.describe(change, after.audit.len())
        );
        self.restore(ctx, after, Verb::Redo, detail)
    }

    /// The snapshot must be of this world's history (its log a beginning of this one), and at
    /// this world's time: the clock never goes back, nor jumps without an advance (CLK-1).
    fn check_history(&self, snapshot: &World, verb: Verb) -> ActionResult<()> {
        let n = snapshot.audit.len();
        if n > self.audit.len() || snapshot.audit[..] != self.audit[..n] {
            return Err(ActionError::Invalid(format!(
                "that snapshot is not of this world's history, so it cannot be {}",
                verb.participle()
            )));
        }
        if snapshot.clock != self.clock {
            return refuse(
                rules::AUD_1,
                format!(
                    "this would set the world's clock from {} to {}; time only moves forward",
                    time::format_time(self.clock),
                    time::format_time(snapshot.clock)
                ),
                "a clock advance cannot be undone or redone; make the change you want as a new one",
            );
        }
        Ok(())
    }

    /// `#12 user.invite: invited …` or `#12 to #14: user.invite: …; scim.create: …`.
    fn describe(&self, from: usize, to: usize) -> String {
        let entries = &self.audit[from..to];
        let what: Vec<String> = entries
            .iter()
            .map(|e| format!("{}: {}", e.action, e.detail))
            .collect();
        if entries.len() == 1 {
            format!("#{} {}", from + 1, what[0])
        } else {
            format!("#{} to #{}: {}", from + 1, to, what.join("; "))
        }
    }

    /// Takes `snapshot`'s state, keeping the log (and appending `detail` to it) and the SID
    /// counter (no SID is handed out twice).
    fn restore(
        &mut self,
        ctx: &Ctx,
        snapshot: &World,
        verb: Verb,
        detail: String,
    ) -> ActionResult<Outcome> {
        let audit = std::mem::take(&mut self.audit);
        let counter = self.sid_counter.max(snapshot.sid_counter);
        let assignments = self.assignment_counter.max(snapshot.assignment_counter);
        *self = World {
            audit,
            sid_counter: counter,
            assignment_counter: assignments,
            ..snapshot.clone()
        };
        self.audit(ctx, verb.base(), detail.clone());
        Ok(Outcome::msg(detail))
    }
}
