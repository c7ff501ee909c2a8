//! The role-assignment keys of the Users tab (RBAC-1..5): the assign form (a scope, then a role
//! the catalogue allows there) and unassigning one of the user's assignments after saying what
//! it would take away. Whether it is allowed is the model's answer.

use super::*;
use crate::console::roles::{assignments_by_scope, role_choices, scope_choices, unassign_effects};

/// Accounts an unassign confirmation describes at most; the rest are counted.
const EFFECT_ACCOUNTS: usize = 6;

impl App {
    /// `+`: the form to assign a role to `email`.
    pub(super) fn open_assign(&mut self, email: String) {
        let (scopes, roles) = {
            let s = self.lock();
            let scopes = scope_choices(&s.world, &self.ctx.org);
            let roles = scope_roles(&s.world, scopes.first().map_or("", |c| c.1.as_str()));
            (scopes, roles)
        };
        self.open(Modal::Form(
            Form::new(
                format!("Assign a role to {email}"),
                FormKind::AssignRole(email),
                vec![
                    Field::options(
                        "Scope",
                        scopes,
                        0,
                        "the organization, a managed account or a subaccount; ←/→ or type to find",
                    ),
                    Field::options(
                        "Role",
                        roles,
                        0,
                        "only the roles assignable at this scope (RBAC-2); ←/→ or type to find",
                    ),
                ],
            )
            .intro(vec![
                "A new role assignment (IY) of the role at the scope; assignments are never edited (RBAC-1).".into(),
            ]),
        ));
    }

    /// Keeps the assign form's role choices to the roles assignable at the chosen scope.
    pub(super) fn sync_form(&mut self) {
        let Some(Modal::Form(f)) = self.modals.last() else {
            return;
        };
        if !matches!(f.kind, FormKind::AssignRole(_)) {
            return;
        }
        let choices = scope_roles(&self.lock().world, f.value(0));
        if let Some(Modal::Form(f)) = self.modals.last_mut()
            && f.fields[1].choices.as_ref() != Some(&choices)
        {
            f.fields[1].set_choices(choices);
        }
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

/// The role choices for a scope given as typed (a SID), none for anything else.
fn scope_roles(w: &World, scope: &str) -> Vec<(String, String)> {
    Sid::parse_any(scope)
        .map(|s| role_choices(w, &s))
        .unwrap_or_default()
}
