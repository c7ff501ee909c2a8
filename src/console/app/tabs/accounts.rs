//! The Accounts tab's keys: create, rename, upgrade, transfer, close, import, link, subaccounts.

use super::super::*;

impl App {
    pub(super) fn account_command(&mut self, cmd: Cmd) -> Result<(), String> {
        if cmd == Cmd::AccCreate {
            self.open_form(forms::accounts::CreateAccount);
            return Ok(());
        }
        if cmd == Cmd::AccImport || cmd == Cmd::AccLink {
            self.open_account_picker(cmd == Cmd::AccImport);
            return Ok(());
        }
        let sid = self.selected_account().ok_or("no account selected")?;
        let (name, hipaa, access) = {
            let s = self.lock();
            let a = &s.world.accounts[&sid];
            let access: Vec<(String, String)> = s
                .world
                .holders_at(&a.sid)
                .into_iter()
                .map(|(u, roles)| {
                    let email = s.world.email_of(&u);
                    (format!("{email} ({})", roles.join(", ")), email)
                })
                .collect();
            (a.name.clone(), a.hipaa, access)
        };
        let s = sid.to_string();
        match cmd {
            Cmd::AccConfirm => self.confirm(
                "Confirm as the account's owner",
                // the model refused already if the acting user is not the owner (ACC-5)
                vec![format!("Confirm that {name} joins the organization?")],
                Action::ConfirmAccount { sid: s },
                false,
            ),
            Cmd::AccDecline => self.confirm(
                "Decline as the account's owner",
                vec![format!("Decline the request for {name}?")],
                Action::DeclineAccount { sid: s },
                true,
            ),
            Cmd::AccCancel => self.confirm(
                "Cancel or relinquish",
                vec![format!(
                    "Cancel the pending request for {name}, or relinquish it if independent?"
                )],
                Action::CancelAccount { sid: s },
                true,
            ),
            Cmd::AccRename => self.open_form(forms::accounts::RenameAccount { sid, name }),
            Cmd::AccTransfer => {
                let holder = {
                    let s = self.lock();
                    let w = &s.world;
                    w.accounts.get(&sid).and_then(|a| w.owner_of(a)).map(|o| w.email_of(&o))
                };
                let (items, excluded) = self.member_choices(holder.as_deref());
                self.open(Modal::Picker(
                    Picker::new(
                        format!("Transfer {name} to…"),
                        items,
                        PickThen::TransferAccount(sid),
                    )
                    .with_excluded(excluded),
                ));
            }
            Cmd::AccSuspend => self.confirm(
                "Suspend account",
                vec![format!("Suspend {name}? Its subaccounts cannot change status while it is suspended (SUB-5).")],
                Action::SuspendAccount { sid: s },
                true,
            ),
            Cmd::AccResume => self.act(Action::ResumeAccount { sid: s }),
            Cmd::AccClose => self.open_form(forms::accounts::CloseAccount { sid, name }),
            Cmd::AccUpgrade => self.confirm(
                "Upgrade to Full",
                vec![format!("Upgrade {name} from Trial to Full? There is no way back (ACC-9).")],
                Action::UpgradeAccount { sid: s },
                true,
            ),
            Cmd::AccHipaa => self.confirm(
                if hipaa { "Turn HIPAA off" } else { "Turn HIPAA on" },
                vec![format!(
                    "Turn HIPAA {} for {name}? Existing subaccounts do not change (HIP-3).",
                    if hipaa { "off" } else { "on" }
                )],
                Action::SetHipaa { sid: s, on: !hipaa },
                hipaa,
            ),
            Cmd::AccSub => self.open_form(forms::accounts::Subaccount {
                parent: sid,
                parent_name: name,
            }),
            Cmd::AccGrant => self.open_form(forms::accounts::Grant { sid, name }),
            Cmd::AccRevoke => {
                if access.is_empty() {
                    return Err(format!("nobody has roles on {name}"));
                }
                self.open(Modal::Picker(Picker::new(
                    format!("Revoke access to {name} from…"),
                    access,
                    PickThen::Revoke(sid),
                )));
            }
            _ => {}
        }
        Ok(())
    }

    /// Import or link: a picker of the accounts outside the organization, the importable ones
    /// to choose and the others greyed with the model's reason; or type a SID.
    pub(crate) fn open_account_picker(&mut self, import: bool) {
        let (mut items, excluded) = {
            let s = self.lock();
            let w = &s.world;
            let mut items = Vec::new();
            let mut excluded = Vec::new();
            for (a, may) in w.accounts_outside(&self.ctx) {
                let owner = w.owner_of(a).map(|o| w.email_of(&o)).unwrap_or_default();
                let label = format!("{} ({owner}) {}", a.name, a.sid);
                match may {
                    // a link asks the owner to share it as independent: its own checks decide
                    Err(r) if import => {
                        excluded.push((label, format!("[{}] {}", r.rule, r.message)))
                    }
                    _ => items.push((label, a.sid.to_string())),
                }
            }
            (items, excluded)
        };
        items.push(("Type an account SID…".into(), String::new()));
        let title = if import {
            "Import an account (outside the organization)"
        } else {
            "Link an independent account (outside the organization)"
        };
        self.open(Modal::Picker(
            Picker::new(title, items, PickThen::AddAccount(import)).with_excluded(excluded),
        ));
    }

    /// The import or link form, its SID filled in when one was chosen.
    pub(crate) fn open_add_account(&mut self, import: bool, sid: &str) {
        self.open_form(forms::accounts::AddAccount {
            import,
            sid: sid.to_string(),
        });
    }
}
