//! The Domains tab's keys: add, verify, remove, enforce SSO.

use super::super::*;

impl App {
    pub(super) fn domain_command(&mut self, cmd: Cmd) -> Result<(), String> {
        match cmd {
            Cmd::DomAdd => {
                self.open_form(forms::domains::AddDomain);
                return Ok(());
            }
            Cmd::DomSignup => {
                let current = self
                    .lock()
                    .world
                    .orgs
                    .get(&self.ctx.org)
                    .map(|o| o.signup)
                    .unwrap_or(SignupSetting::Restricted);
                self.open_form(forms::domains::SetSignup { current });
                return Ok(());
            }
            _ => {}
        }
        let name = self.selected_domain().ok_or("no domain selected")?;
        let (multi, enforced, leaving) = {
            let s = self.lock();
            let d = &s.world.orgs[&self.ctx.org].domains[&name];
            let leaving: Vec<String> = s
                .world
                .members_on_domain(&self.ctx.org, &name)
                .iter()
                .map(|u| s.world.email_of(u))
                .collect();
            (d.multi_verified, d.sso_enforced, leaving)
        };
        match cmd {
            Cmd::DomVerify => self.act(Action::VerifyDomain { name }),
            Cmd::DomRecheck => self.act(Action::RecheckDomain { name }),
            Cmd::DomPublish => self.act(Action::PublishDns { domain: name }),
            Cmd::DomUnpublish => self.act(Action::UnpublishDns { domain: name }),
            Cmd::DomDelete => {
                let mut lines = vec![format!("Delete {name}? (DOM-10)")];
                if leaving.is_empty() {
                    lines.push(
                        "I acknowledge the deletion; no managed user's address is on it.".into(),
                    );
                } else {
                    lines.push(if leaving.len() == 1 {
                        "I acknowledge that this managed user leaves the organization:".into()
                    } else {
                        format!(
                            "I acknowledge that these {} managed users leave the organization:",
                            leaving.len()
                        )
                    });
                    lines.extend(leaving.iter().take(8).map(|e| format!("  {e}")));
                    if leaving.len() > 8 {
                        lines.push(format!("  … and {} more", leaving.len() - 8));
                    }
                }
                self.confirm(
                    "Delete domain",
                    lines,
                    Action::DeleteDomain {
                        name,
                        acknowledged: true,
                    },
                    true,
                );
            }
            Cmd::DomMulti => self.act(Action::Set(Setting::MultiVerified {
                domain: name,
                on: !multi,
            })),
            Cmd::DomEnforce => self.open_enforce(name, enforced),
            _ => {}
        }
        Ok(())
    }

    pub(super) fn open_enforce(&mut self, domain: String, enforced: bool) {
        if enforced {
            self.confirm(
                "Stop enforcing SSO",
                vec![format!(
                    "Stop enforcing SSO on {domain}? Its users sign in with passwords again."
                )],
                Action::SsoUnenforce { domain },
                true,
            );
        } else {
            self.open_form(forms::domains::SsoEnforce { domain });
        }
    }
}
