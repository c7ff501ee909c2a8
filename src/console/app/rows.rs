//! Row-aware availability: before a key opens anything, the model is asked whether the acting
//! user may do it at all, and on the selected row. The footer, the help and the key itself
//! use the same answer.

use super::*;
use crate::console::view::setting_label;

impl App {
    /// The selected row's name, as the help's "This row" group names it.
    pub fn selected_row_name_in(&self, w: &World) -> Option<String> {
        Some(match self.tab {
            Tab::Accounts => {
                let sid = self.selected_account()?;
                w.accounts.get(&sid).map(|a| a.name.clone())?
            }
            Tab::Domains => self.selected_domain()?,
            Tab::Users => self.row_key(w, &self.selected_user()?),
            Tab::Settings => setting_label(&self.selected_setting()?),
        })
    }

    /// The key the model knows a Users row by: a user's or invitee's email, a request's SID.
    fn row_key(&self, w: &World, row: &UserRow) -> String {
        match row {
            UserRow::Member(u) | UserRow::External(u) => w.email_of(u),
            UserRow::Invitation(i) => w.orgs[&self.ctx.org]
                .invitations
                .get(i)
                .map(|i| i.email.clone())
                .unwrap_or_default(),
            UserRow::IncomingMerge { prime, inv } => w.orgs[prime]
                .invitations
                .get(inv)
                .map(|i| i.email.clone())
                .unwrap_or_default(),
            UserRow::Request(a) => a.to_string(),
        }
    }

    /// The action a row key would lead to, with what a dialog would ask left blank: what the
    /// model is asked about before the dialog opens.
    fn row_probe(&self, w: &World, cmd: Cmd) -> Option<Action> {
        match self.tab {
            Tab::Accounts => {
                let sid = self.selected_account()?;
                let s = sid.to_string();
                Some(match cmd {
                    Cmd::AccTransfer => Action::TransferAccount {
                        sid: s,
                        user: String::new(),
                    },
                    Cmd::AccHipaa => Action::SetHipaa {
                        on: !w.accounts.get(&sid)?.hipaa,
                        sid: s,
                    },
                    Cmd::AccUpgrade => Action::UpgradeAccount { sid: s },
                    Cmd::AccRename => Action::RenameAccount {
                        sid: s,
                        name: String::new(),
                    },
                    Cmd::AccSub => Action::CreateSubaccount {
                        parent: s,
                        name: None,
                    },
                    Cmd::AccConfirm => Action::ConfirmAccount { sid: s },
                    Cmd::AccDecline => Action::DeclineAccount { sid: s },
                    _ => return None,
                })
            }
            Tab::Users => {
                let row = self.selected_user()?;
                if let UserRow::Request(a) = &row {
                    let sid = a.to_string();
                    return match cmd {
                        Cmd::UsrAccept => Some(Action::ConfirmAccount { sid }),
                        Cmd::UsrDecline => Some(Action::DeclineAccount { sid }),
                        _ => None,
                    };
                }
                // by SID: found by its key, not by a search of the emails
                let UserRow::Member(sid) = &row else {
                    return None;
                };
                let user = sid.to_string();
                Some(match cmd {
                    Cmd::UsrRole => Action::SetRole {
                        user,
                        role: OrgRole::Standard,
                        confirm_lockout: false,
                    },
                    Cmd::UsrRemove => Action::RemoveUser {
                        user,
                        confirm_lockout: false,
                    },
                    Cmd::UsrDelete => Action::DeleteUser {
                        user,
                        confirm_lockout: false,
                    },
                    Cmd::UsrDeactivate => Action::Deactivate {
                        user,
                        confirm_lockout: false,
                    },
                    Cmd::UsrReactivate => Action::Reactivate { user },
                    _ => return None,
                })
            }
            _ => None,
        }
    }

    /// Whether the acting user may use a binding here, on the selected row, and if not the
    /// model's refusal. Asked with the world already locked (drawing).
    pub fn availability_in(&self, w: &World, b: &Binding) -> Result<(), Refusal> {
        if let Need::Cap(cap) = b.need {
            w.permission(&self.ctx, cap)?;
        }
        // Settings that change the organization are org management (ORG-3); the audit log
        // and the simulation rows are open to every member.
        if b.cmd == Cmd::SetOpen
            && let Some(row) = self.selected_setting()
            && !matches!(
                row,
                SettingRow::Audit
                    | SettingRow::Clock
                    | SettingRow::WorldUser
                    | SettingRow::WorldAccount
                    | SettingRow::SsoTest
            )
        {
            w.permission(
                &self.ctx,
                crate::model::Capability::Admin("change settings"),
            )?;
        }
        if b.cmd.on_row()
            && let Some(probe) = self.row_probe(w, b.cmd)
        {
            w.row_permission(&self.ctx, &probe)?;
        }
        Ok(())
    }
}
