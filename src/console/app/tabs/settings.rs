//! The Settings tab's key: change the selected setting.

use super::super::*;

impl App {
    pub(super) fn settings_command(&mut self) -> Result<(), String> {
        let row = self.selected_setting().ok_or("no setting selected")?;
        let (org_name, settings, scim, owner_email) = {
            let s = self.lock();
            let o = &s.world.orgs[&self.ctx.org];
            (
                o.name.clone(),
                o.settings.clone(),
                o.scim.clone(),
                s.world
                    .owner_of_org(&o.sid)
                    .map(|u| u.email.clone())
                    .unwrap_or_default(),
            )
        };
        let number = |title, key, value| forms::settings::SetNumber { title, key, value };
        let toggle = |title: &str, on: bool, setting: Setting| {
            (
                format!("{title}: turn {}", if on { "off" } else { "on" }),
                setting,
            )
        };
        let flag = match row {
            SettingRow::Baa => Some(toggle(
                "BAA on record",
                settings.baa,
                Setting::Baa(!settings.baa),
            )),
            SettingRow::SsoEntitlement => Some(toggle(
                "SSO entitlement",
                settings.sso_entitlement,
                Setting::SsoEntitlement(!settings.sso_entitlement),
            )),
            SettingRow::BulkImport => Some(toggle(
                "Import Users (bulk import)",
                settings.bulk_import,
                Setting::BulkImport(!settings.bulk_import),
            )),
            SettingRow::ScimTwilioRules => Some(toggle(
                "SCIM Twilio userName rules",
                scim.twilio_rules,
                Setting::ScimTwilioRules(!scim.twilio_rules),
            )),
            _ => None,
        };
        if let Some((title, setting)) = flag {
            let mut lines = vec![format!("{title}?")];
            lines.extend(forms::settings::support_note(&setting));
            self.confirm(title.clone(), lines, Action::Set(setting), false);
            return Ok(());
        }
        match row {
            SettingRow::Name => self.open_form(forms::settings::RenameOrg { name: org_name }),
            SettingRow::Owner => {
                let (items, excluded) = self.member_choices(Some(&owner_email));
                self.open(Modal::Picker(
                    Picker::new(
                        "Transfer organization ownership to…",
                        items,
                        PickThen::TransferOrg,
                    )
                    .with_excluded(excluded),
                ));
            }
            SettingRow::AccountLimit => self.open_form(number(
                "Account limit",
                "account-limit",
                settings.account_limit,
            )),
            SettingRow::SubaccountLimit => self.open_form(number(
                "Subaccount limit",
                "subaccount-limit",
                settings.subaccount_limit,
            )),
            SettingRow::DomainLimit => self.open_form(number(
                "Domain limit",
                "domain-limit",
                settings.domain_limit,
            )),
            SettingRow::InviteDays => self.open_form(number(
                "Invitation lifetime (days)",
                "invite-days",
                settings.invite_days,
            )),
            SettingRow::ResetLinkHours => self.open_form(number(
                "Reset link lifetime (hours)",
                "reset-link-hours",
                settings.reset_link_hours,
            )),
            SettingRow::SsoProfile => {
                let (entity_id, url) = {
                    let s = self.lock();
                    s.world.orgs[&self.ctx.org]
                        .sso
                        .as_ref()
                        .map(|p| (p.entity_id.clone(), p.sign_in_url.clone()))
                        .unwrap_or_default()
                };
                self.open_form(forms::settings::SsoConfigure { entity_id, url });
            }
            SettingRow::SsoTest => self.act(Action::SsoTest),
            SettingRow::SsoEnforce(domain) => {
                let enforced = {
                    let s = self.lock();
                    s.world.orgs[&self.ctx.org]
                        .domains
                        .get(&domain)
                        .is_some_and(|d| d.sso_enforced)
                };
                self.open_enforce(domain, enforced);
            }
            SettingRow::SsoExemptions => {
                let items = self.member_items(false);
                self.open(Modal::Picker(Picker::new(
                    "SSO exemption: pick a member to exempt or un-exempt",
                    items,
                    PickThen::Exempt,
                )));
            }
            SettingRow::Scim => {
                if scim.enabled {
                    self.confirm(
                        "Disable SCIM",
                        vec!["Disable SCIM provisioning? The token stops working.".into()],
                        Action::ScimDisable,
                        true,
                    );
                } else {
                    self.open(Modal::Confirm(Confirm {
                        title: "Enable SCIM".into(),
                        lines: vec![
                            "Enable SCIM provisioning? A bearer token is made and shown once (SCIM-1).".into(),
                        ],
                        pending: Pending::ScimEnable,
                        danger: false,
                        problem: None,
                    }));
                }
            }
            SettingRow::OAuthApps => {
                let mut items = vec![("+ create an OAuth app…".to_string(), String::new())];
                items.extend(
                    self.lock()
                        .world
                        .oauth_apps_of(&self.ctx.org)
                        .into_iter()
                        .map(|(sid, a)| (format!("delete {}  {sid}", a.name), sid.to_string())),
                );
                self.open(Modal::Picker(Picker::new(
                    "Organization API access: create an OAuth app, or pick one to delete",
                    items,
                    PickThen::OAuthApp,
                )));
            }
            SettingRow::Merge => {
                let items = {
                    let s = self.lock();
                    s.world
                        .orgs
                        .values()
                        .filter(|o| o.sid != self.ctx.org)
                        .map(|o| (o.name.clone(), o.sid.to_string()))
                        .collect()
                };
                self.open(Modal::Picker(Picker::new(
                    "Merge which organization into this one?",
                    items,
                    PickThen::MergeCandidate,
                )));
            }
            SettingRow::Clock => self.open_form(forms::settings::Clock),
            SettingRow::Audit => {
                let lines = {
                    let s = self.lock();
                    let org = &self.ctx.org;
                    s.world
                        .audit
                        .iter()
                        .rev()
                        .filter(|e| e.org.as_ref().is_none_or(|o| o == org))
                        .map(|e| {
                            format!(
                                "{}  {}  {}: {}",
                                crate::model::time::format_time(e.at),
                                e.actor,
                                e.action,
                                e.detail
                            )
                        })
                        .collect()
                };
                self.open(Modal::Message(Message {
                    title: "Audit log (newest first)".into(),
                    lines,
                    scroll: 0,
                }));
            }
            SettingRow::WorldUser => self.open_form(forms::settings::WorldUser),
            SettingRow::WorldAccount => self.open_form(forms::settings::WorldAccount),
            SettingRow::DeleteOrg => self.confirm(
                "Delete the organization",
                vec![format!("Delete {org_name}?")],
                Action::DeleteOrg,
                true,
            ),
            _ => {}
        }
        Ok(())
    }
}
