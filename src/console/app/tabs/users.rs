//! The Users tab's keys: invite, change role, deactivate, remove, exempt, grants.

use super::super::*;

impl App {
    pub(super) fn user_command(&mut self, cmd: Cmd) -> Result<(), String> {
        match cmd {
            Cmd::UsrInvite => {
                self.open_form(forms::users::Invite);
                return Ok(());
            }
            Cmd::UsrImport => {
                self.open_form(forms::users::ImportCsv);
                return Ok(());
            }
            Cmd::UsrSignup => {
                self.open_form(forms::users::Signup);
                return Ok(());
            }
            _ => {}
        }
        let row = self.selected_user().ok_or("no user selected")?;
        let (email, role, exempt) = {
            let s = self.lock();
            let w = &s.world;
            match &row {
                UserRow::Member(u) | UserRow::External(u) => {
                    let user = &w.users[u];
                    let m = user.membership.as_ref();
                    (
                        user.email.clone(),
                        m.map(|m| m.role),
                        m.is_some_and(|m| m.sso_exempt),
                    )
                }
                UserRow::Invitation(i) => {
                    let inv = &w.orgs[&self.ctx.org].invitations[i];
                    (inv.email.clone(), Some(inv.role), false)
                }
                UserRow::IncomingMerge { prime, inv } => {
                    let inv = &w.orgs[prime].invitations[inv];
                    (inv.email.clone(), Some(inv.role), false)
                }
                UserRow::Request(a) => (a.to_string(), None, false),
            }
        };
        if let UserRow::Request(a) = &row {
            let sid = a.to_string();
            let name = {
                let s = self.lock();
                s.world
                    .accounts
                    .get(a)
                    .map(|a| a.name.clone())
                    .unwrap_or_default()
            };
            match cmd {
                Cmd::UsrAccept => self.confirm(
                    "Confirm as the account's owner",
                    vec![format!("Confirm the request for {name}?")],
                    Action::ConfirmAccount { sid },
                    false,
                ),
                Cmd::UsrDecline => self.confirm(
                    "Decline as the account's owner",
                    vec![format!("Decline the request for {name}?")],
                    Action::DeclineAccount { sid },
                    true,
                ),
                Cmd::UsrResend => self.act(Action::ResendAccount { sid }),
                Cmd::UsrCancel => self.confirm(
                    "Cancel request",
                    vec![format!("Cancel the request for {name}?")],
                    Action::CancelAccount { sid },
                    true,
                ),
                _ => return Err("select a member first (this row is an account request)".into()),
            }
            return Ok(());
        }
        let incoming = match &row {
            UserRow::IncomingMerge { prime, .. } => Some(self.org_name(prime)),
            _ => None,
        };
        let is_invite = matches!(row, UserRow::Invitation(_)) || incoming.is_some();
        let merge_note = {
            let s = self.lock();
            match &row {
                UserRow::Invitation(i) => s
                    .world
                    .merge_note(&self.ctx.org, &s.world.orgs[&self.ctx.org].invitations[i]),
                UserRow::IncomingMerge { prime, inv } => s
                    .world
                    .merge_note(prime, &s.world.orgs[prime].invitations[inv]),
                _ => None,
            }
        };
        let need_invite = || Err::<(), String>("select a pending invitation first".into());
        match cmd {
            Cmd::UsrAccept if is_invite => {
                let mut lines = vec![format!("Accept the invitation as {email}?")];
                if let Some(note) = &merge_note {
                    lines.push(format!("It is a merge invitation: {note} (MRG-5)."));
                }
                self.confirm(
                    "Accept as the invitee",
                    lines,
                    Action::AcceptInvite { email },
                    false,
                )
            }
            Cmd::UsrDecline if is_invite => {
                let mut lines = vec![format!("Decline the invitation as {email}?")];
                if merge_note.is_some() {
                    lines.push("It is a merge invitation: declined, nothing moves (MRG-5).".into());
                }
                self.confirm(
                    "Decline as the invitee",
                    lines,
                    Action::DeclineInvite { email },
                    true,
                )
            }
            Cmd::UsrResend | Cmd::UsrCancel if incoming.is_some() => {
                return Err(format!(
                    "{} sent this invitation: only it can resend or cancel it; X declines it",
                    incoming.unwrap_or_default()
                ));
            }
            Cmd::UsrResend if is_invite => self.act(Action::ResendInvite { email }),
            Cmd::UsrCancel if is_invite => self.confirm(
                "Cancel invitation",
                vec![format!("Cancel the invitation of {email}?")],
                Action::CancelInvite { email },
                true,
            ),
            Cmd::UsrAccept | Cmd::UsrDecline | Cmd::UsrResend | Cmd::UsrCancel => {
                return need_invite();
            }
            _ if is_invite => {
                return Err("select a member first (this row is an invitation)".into());
            }
            Cmd::UsrAssign => self.open_assign(email),
            Cmd::UsrUnassign => {
                if let UserRow::Member(u) | UserRow::External(u) = &row {
                    self.open_unassign(email, u)?;
                }
            }
            Cmd::UsrRole => {
                self.open_form(forms::users::SetRole {
                    email,
                    current: role,
                });
            }
            Cmd::UsrResetPw => self.confirm(
                "Reset password",
                vec![format!("Send {email} a password reset link (USR-6)?")],
                Action::ResetPassword { user: email },
                false,
            ),
            Cmd::UsrReset2fa => self.confirm(
                "Reset 2FA",
                vec![format!(
                    "Reset {email}'s 2FA? They enrol again at the next sign-in (USR-6)."
                )],
                Action::Reset2fa { user: email },
                true,
            ),
            Cmd::UsrDeactivate => self.confirm(
                "Deactivate user",
                vec![format!(
                    "Deactivate {email}? They cannot sign in until reactivated (USR-7)."
                )],
                Action::Deactivate {
                    user: email,
                    confirm_lockout: false,
                },
                true,
            ),
            Cmd::UsrReactivate => self.act(Action::Reactivate { user: email }),
            Cmd::UsrRemove => self.confirm(
                "Remove user",
                vec![format!(
                    "Remove {email} from the organization? The Twilio user remains (USR-8)."
                )],
                Action::RemoveUser {
                    user: email,
                    confirm_lockout: false,
                },
                true,
            ),
            Cmd::UsrDelete => self.confirm(
                "Delete user",
                vec![format!("Delete {email}'s Twilio user entirely (USR-8)?")],
                Action::DeleteUser {
                    user: email,
                    confirm_lockout: false,
                },
                true,
            ),
            Cmd::UsrExempt => {
                if exempt {
                    self.open_form(forms::users::SsoUnexempt { email });
                } else {
                    self.act(Action::SsoExempt { user: email });
                }
            }
            _ => {}
        }
        Ok(())
    }
}
