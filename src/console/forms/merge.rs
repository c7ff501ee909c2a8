//! Merging another organization (the Candidate) into this one: by invitation of its Owner
//! (MRG-5) or at once by import (MRG-6), previewed as it is filled in. Which route is allowed is
//! the model's call.

use super::{FormSpec, Pick, Text, Values};
use crate::console::modal::{Field, Problem};
use crate::model::{Action, ActionError, Ctx, OrgRole, World};

choice! {
    /// How the Candidate comes in.
    pub enum Route {
        Invitation => ("by invitation", "invitation"),
        Import => ("by import", "import"),
    }
}

#[derive(Debug)]
pub struct Merge {
    /// The Candidate's SID, as chosen.
    pub candidate: String,
    pub name: String,
}

pub struct MergeInput {
    pub route: Route,
    pub owner_role: OrgRole,
    /// The Candidate's name as typed (by import), spaces kept: the model compares it exactly.
    pub confirm: String,
}

impl Merge {
    const ROUTE: Pick<Route> = Pick::new("Route", Route::ALL);
    const ROLE: Pick<OrgRole> =
        Pick::new("Owner's role", &[OrgRole::Standard, OrgRole::Administrator]);
    const CONFIRM: Text = Text("Type its name");

    /// The email of the Candidate's Owner.
    fn owner(&self, w: &World) -> Option<String> {
        w.find_org(&self.candidate)
            .ok()
            .and_then(|o| w.owner_of_org(&o.sid))
            .map(|u| u.email.clone())
    }
}

impl FormSpec for Merge {
    type Input = MergeInput;
    fn title(&self) -> String {
        format!("Merge {} into this organization", self.name)
    }
    fn danger(&self) -> bool {
        true
    }
    fn fields(&self, _: &World) -> Vec<Field> {
        vec![
            Self::ROUTE.field(
                Route::Invitation,
                "invitation: its Owner accepts (MRG-5) · import: at once, needs Import Users (MRG-6)",
            ),
            Self::ROLE.field(
                OrgRole::Standard,
                "the role the Candidate's Owner takes here (MRG-4); by import always Standard (MRG-6); ←/→ to change",
            ),
            Self::CONFIRM.field(
                "",
                "by import: the Candidate's name, exactly (MRG-3); by invitation: not needed",
            ),
        ]
    }
    fn read(&self, v: &Values) -> MergeInput {
        MergeInput {
            route: v.pick(Self::ROUTE),
            owner_role: v.pick(Self::ROLE),
            confirm: v.raw(Self::CONFIRM).to_string(),
        }
    }
    /// By invitation: the invitation of the Candidate's Owner (MRG-5); by import: the merge
    /// itself (MRG-6).
    fn action(&self, i: MergeInput, w: &World, _: &Ctx) -> Result<Action, Problem> {
        Ok(match i.route {
            Route::Import => Action::Merge {
                candidate: self.candidate.clone(),
                owner_role: i.owner_role,
                confirm: i.confirm,
            },
            Route::Invitation => Action::Invite {
                email: self
                    .owner(w)
                    .ok_or_else(|| Problem::invalid(format!("{} has no Owner", self.candidate)))?,
                role: i.owner_role,
                accounts: vec![],
            },
        })
    }
    fn preview(&self, i: &MergeInput, w: &World, ctx: &Ctx) -> Vec<String> {
        let by_import = i.route == Route::Import;
        let preview = if by_import {
            w.import_preview(ctx, &self.candidate)
        } else {
            w.find_org(&self.candidate).and_then(|c| {
                let owner = w.owner_of_org(&c.sid).map(|u| u.email.clone());
                w.merge_invitation_preview(ctx, &owner.unwrap_or_default(), i.owner_role)
                    .ok_or_else(|| ActionError::NotFound(format!("{} has no Owner", c.name)))
            })
        };
        let p = match preview {
            Err(e) => return vec![Problem::from_action(&e, w).line()],
            Ok(p) => p,
        };
        // Refused as it stands: what is unmet and the route, before what would move.
        if let Some(r) = p.refusal() {
            let mut v: Vec<String> = p
                .requirement_lines()
                .into_iter()
                .filter(|l| l.contains("✗"))
                .collect();
            let met = p.requirements.iter().filter(|r| r.met).count();
            v.push(format!("  ({met} other requirements met)"));
            v.push(format!("Not allowed yet [{}]: {}", r.rule, r.hint));
            return v;
        }
        // The title names the Candidate: the preview's own heading is left out.
        let mut v: Vec<String> = p.lines().into_iter().skip(1).collect();
        v.push(if by_import {
            format!(
                "By import it merges at once; the Owner and Administrators become Standard. Type '{}' to confirm (MRG-3, MRG-6).",
                p.candidate_name
            )
        } else {
            format!(
                "By invitation: {} is invited as {}; the merge happens when they accept (MRG-5).",
                p.candidate_owner,
                i.owner_role.label()
            )
        });
        v
    }
}
