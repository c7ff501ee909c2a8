//! The role-assignment keys of the Users tab (RBAC-1..5): opening the assign form
//! (`forms::users::AssignRole`) and unassigning one of the user's assignments after saying what
//! it would take away. Whether it is allowed is the model's answer.

use super::*;
use crate::console::roles::{assignments_by_scope, unassign_effects};

/// Accounts an unassign confirmation describes at most; the rest are counted.
const EFFECT_ACCOUNTS: usize = 6;

impl App {
    /// `+`: the form to assign a role to `email`.
    pub(super) fn open_assign(&mut self, email: String) {
        let org = self.ctx.org.clone();
        self.open_form(forms::users::AssignRole { email, org });
    }

    /// `-`: a picker of the user's assignments in this org.
    pub(super) fn open_unassign(&mut self, email: String, user: &Sid) -> Result<(), String> {
        let items: Vec<(String, String)> = {
            let s = self.lock();
            assignments_by_scope(&s.world, &self.ctx.org, user)
                .into_iter()
                .flat_map(|g| {
                    g.roles.into_iter().map(move |(name, iy)| {
                        (format!("{name} · {} · {iy}", g.heading), iy.to_string())
                    })
                })
                .collect()
        };
        if items.is_empty() {
            return Err(format!(
                "{email} holds no role assignment in this organization"
            ));
        }
        self.open(Modal::Picker(Picker::new(
            format!("Unassign a role from {email}"),
            items,
            PickThen::Unassign(email),
        )));
        Ok(())
    }

    /// The confirmation of an unassignment: what it is and what it would take away.
    pub(super) fn confirm_unassign(&mut self, email: &str, iy: String) {
        let lines = {
            let s = self.lock();
            let w = &s.world;
            let Ok(sid) = Sid::parse(crate::model::SidKind::RoleAssignment, &iy) else {
                return;
            };
            let Some(a) = w.role_assignments.get(&sid) else {
                return;
            };
            let role = crate::model::roles::find_by_sid(&a.role)
                .map_or("a role".to_string(), |r| r.name.clone());
            let mut lines = vec![
                format!(
                    "Delete the assignment of {role} to {email} on {} ({iy})?",
                    w.scope_name(&a.scope)
                ),
                "Assignments are never edited: deleting one is the change (RBAC-1).".into(),
            ];
            let effects = unassign_effects(w, &self.ctx.org, &sid, EFFECT_ACCOUNTS);
            if !effects.is_empty() {
                lines.push(String::new());
                lines.push(format!("What changes for {email} (RBAC-3):"));
                lines.extend(effects.into_iter().map(|l| format!("  {l}")));
            }
            lines
        };
        self.confirm(
            "Unassign a role",
            lines,
            Action::UnassignRole { sid: iy },
            true,
        );
    }
}
