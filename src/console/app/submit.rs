//! What a chosen picker item means: where a pick leads next (a confirmation, a form, the
//! action itself). What a submitted form means is the form's own (`console/forms`).

use super::*;

impl App {
    pub(super) fn pick(&mut self) {
        let Some(Modal::Picker(p)) = self.modals.last() else {
            return;
        };
        // a SID typed into the import or link picker goes to the form as typed
        if let PickThen::AddAccount(import) = p.then {
            let typed = p.filter.value().trim().to_string();
            // (`get`: the filter may start with a character of several bytes)
            let starts_ac =
                typed.len() > 2 && typed.get(..2).is_some_and(|p| p.eq_ignore_ascii_case("AC"));
            let looks_typed = starts_ac
                && !p
                    .chosen()
                    .is_some_and(|(l, _)| l.to_lowercase().contains(&typed.to_lowercase()));
            let key = match p.chosen() {
                // a SID being typed is not a fuzzy match for another account's
                _ if looks_typed => typed,
                Some((_, k)) if !k.is_empty() => k.clone(),
                _ if starts_ac => typed,
                _ => String::new(),
            };
            self.close_modal();
            return self.open_add_account(import, &key);
        }
        let Some((label, key)) = p.chosen().cloned() else {
            return;
        };
        let then = p.then.clone();
        match then {
            PickThen::ActAs => {
                self.close_modal();
                if let Ok(sid) = Sid::parse(crate::model::SidKind::User, &key) {
                    self.ctx.actor = Actor::User(sid);
                    self.info(format!("now acting as {label}"));
                }
            }
            PickThen::Org => {
                self.close_modal();
                if let Ok(org) = Sid::parse(crate::model::SidKind::Org, &key) {
                    let owner = self.lock().world.owner_of_org(&org).map(|u| u.sid.clone());
                    self.ctx = Ctx::new(org, owner.unwrap_or_else(|| self.ctx.actor_sid()));
                    self.lists = Default::default();
                    self.info(format!("now in {label}, acting as its Owner"));
                }
            }
            PickThen::TransferAccount(sid) => {
                self.close_modal();
                let name = self.account_name(&sid);
                self.confirm(
                    "Transfer account ownership",
                    vec![
                        format!("Make {key} the owner of {name}?"),
                        "The previous owner keeps Administrator access (ACC-7).".into(),
                    ],
                    Action::TransferAccount {
                        sid: sid.to_string(),
                        user: key,
                    },
                    true,
                );
            }
            PickThen::TransferOrg => {
                self.close_modal();
                self.confirm(
                    "Transfer organization ownership",
                    vec![
                        format!("Make {key} the Owner of the organization?"),
                        "You become an Administrator (ORG-5).".into(),
                    ],
                    Action::TransferOrg { user: key },
                    true,
                );
            }
            PickThen::MergeCandidate => {
                self.close_modal();
                self.open_form(forms::merge::Merge {
                    candidate: key,
                    name: label,
                });
            }
            PickThen::Revoke(sid) => {
                self.close_modal();
                let name = self.account_name(&sid);
                self.confirm(
                    "Revoke access",
                    vec![format!("Revoke every role of {key} on {name}?")],
                    Action::RevokeAccess {
                        sid: sid.to_string(),
                        user: key,
                    },
                    true,
                );
            }
            PickThen::AddAccount(_) => {}
            PickThen::Unassign(email) => {
                self.close_modal();
                self.confirm_unassign(&email, key);
            }
            PickThen::OAuthApp if key.is_empty() => {
                self.close_modal();
                let secret = (self.token)();
                self.open_form(forms::settings::CreateOAuthApp { secret });
            }
            PickThen::OAuthApp => {
                self.close_modal();
                self.confirm(
                    "Delete the OAuth app",
                    vec![format!(
                        "Delete the OAuth app {key}? Its tokens stop working."
                    )],
                    Action::DeleteOAuthApp { sid: key },
                    true,
                );
            }
            PickThen::Exempt => {
                let exempt = self
                    .lock()
                    .world
                    .find_user(&key)
                    .ok()
                    .and_then(|u| u.membership.as_ref().map(|m| m.sso_exempt))
                    .unwrap_or(false);
                if exempt {
                    self.close_modal();
                    self.open_form(forms::users::SsoUnexempt { email: key });
                } else {
                    self.act_in_modal(Action::SsoExempt { user: key });
                }
            }
        }
    }
}
