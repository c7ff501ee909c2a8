//! The Accounts tab's keys: create, rename, upgrade, transfer, close, import, link, subaccounts.

use super::super::*;

impl App {
    pub(super) fn account_command(&mut self, cmd: Cmd) -> Result<(), String> {
        if cmd == Cmd::AccCreate {
            self.open(Modal::Form(Form::new(
                "Create an account",
                FormKind::CreateAccount,
                vec![
                    Field::text("Name", "", "1-64 characters (ACC-1)"),
                    Field::choice(
                        "Usage",
                        vec![("Twilio", "twilio"), ("Flex", "flex")],
                        0,
                        "←/→ to change",
                    ),
                    Field::text("Owner", "", "email of an active member; empty: you"),
                ],
            )));
            return Ok(());
        }
        if cmd == Cmd::AccImport || cmd == Cmd::AccLink {
            let (title, kind, intro) = if cmd == Cmd::AccImport {
                (
                    "Import an account by SID",
                    FormKind::ImportAccount,
                    "The account becomes Pending until its owner confirms (ACC-4, ACC-5).",
                )
            } else {
                (
                    "Link an independent account",
                    FormKind::LinkAccount,
                    "Its outside owner is asked to share it as independent (ACC-6).",
                )
            };
            self.open(Modal::Form(
                Form::new(
                    title,
                    kind,
                    vec![Field::text(
                        "Account SID",
                        "",
                        "AC followed by 32 hex digits",
                    )],
                )
                .intro(vec![intro.into()]),
            ));
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
            Cmd::AccRename => self.open(Modal::Form(Form::new(
                format!("Rename {name}"),
                FormKind::RenameAccount(sid),
                vec![Field::text("Name", &name, "1-64 characters")],
            ))),
            Cmd::AccTransfer => {
                let items = self.member_items(true);
                self.open(Modal::Picker(Picker::new(
                    format!("Transfer {name} to…"),
                    items,
                    PickThen::TransferAccount(sid),
                )));
            }
            Cmd::AccSuspend => self.confirm(
                "Suspend account",
                vec![format!("Suspend {name}? Its subaccounts cannot change status while it is suspended (SUB-5).")],
                Action::SuspendAccount { sid: s },
                true,
            ),
            Cmd::AccResume => self.act(Action::ResumeAccount { sid: s }),
            Cmd::AccClose => self.open(Modal::Form(
                Form::new(
                    format!("Close {name}"),
                    FormKind::CloseAccount(sid),
                    vec![Field::text("Type its name", "", "the account's name, exactly")],
                )
                .intro(vec![
                    "Closing is irreversible and closes its subaccounts too (ACC-8).".into(),
                    format!("Type '{name}' to confirm."),
                ])
                .danger(),
            )),
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
            Cmd::AccSub => self.open(Modal::Form(Form::new(
                format!("New subaccount of {name}"),
                FormKind::Subaccount(sid),
                vec![Field::text("Name", "", "at most 64 characters; empty: a dated default (SUB-3)")],
            ))),
            Cmd::AccGrant => self.open(Modal::Form(Form::new(
                format!("Grant access to {name}"),
                FormKind::Grant(sid),
                vec![
                    Field::text("User", "", "email of a member or an outside user"),
                    Field::text("Roles", "developer", "admin, developer, billing, support (comma-separated; USR-4)"),
                ],
            ))),
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
}
