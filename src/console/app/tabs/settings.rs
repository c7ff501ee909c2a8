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
        // ORG-9: an entitlement is asked of Twilio Support; the model says which settings are.
        let support = |s: &Setting| {
            s.is_entitlement().then(|| {
                "A simulated request to Twilio Support, made by you; the audit log names twilio-support (ORG-9).".to_string()
            })
        };
        let number = |title: &str, key: &'static str, value: u32| {
            let form = Form::new(
                title.to_string(),
                FormKind::SetNumber(key),
                vec![Field::text("Value", &value.to_string(), "a whole number")],
            );
            let intro = Setting::parse(key, &value.to_string())
                .ok()
                .and_then(|s| support(&s));
            Modal::Form(match intro {
                Some(line) => form.intro(vec![line]),
                None => form,
            })
        };
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
            lines.extend(support(&setting));
            self.confirm(title.clone(), lines, Action::Set(setting), false);
            return Ok(());
        }
        match row {
            SettingRow::Name => self.open(Modal::Form(Form::new(
                "Rename the organization",
                FormKind::RenameOrg,
                vec![Field::text("Name", &org_name, "1-64 characters (ORG-7)")],
            ))),
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
            SettingRow::AccountLimit => self.open(number(
                "Account limit",
                "account-limit",
                settings.account_limit,
            )),
            SettingRow::SubaccountLimit => self.open(number(
                "Subaccount limit",
                "subaccount-limit",
                settings.subaccount_limit,
            )),
            SettingRow::DomainLimit => self.open(number(
                "Domain limit",
                "domain-limit",
                settings.domain_limit,
            )),
            SettingRow::InviteDays => self.open(number(
                "Invitation lifetime (days)",
                "invite-days",
                settings.invite_days,
            )),
            SettingRow::ResetLinkHours => self.open(number(
                "Reset link lifetime (hours)",
                "reset-link-hours",
                settings.reset_link_hours,
            )),
            SettingRow::SsoProfile => {
                let (e, u) = {
                    let s = self.lock();
                    s.world.orgs[&self.ctx.org]
                        .sso
                        .as_ref()
                        .map(|p| (p.entity_id.clone(), p.sign_in_url.clone()))
                        .unwrap_or_default()
                };
                self.open(Modal::Form(
                    Form::new(
                        "SSO profile",
                        FormKind::SsoConfigure,
                        vec![
                            Field::text("IdP entity ID", &e, "the identity provider's entity ID"),
                            Field::text("Sign-in URL", &u, "https://… (SSO-2)"),
                            Field::text(
                                "Certificate",
                                "",
                                "path to the IdP's PEM certificate, or demo for the demo IdP's",
                            ),
                        ],
                    )
                    .intro(vec![
                        "Needs the SSO entitlement and a verified domain (SSO-1).".into(),
                    ]),
                ));
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
            SettingRow::Clock => self.open(Modal::Form(
                Form::new(
                    "Advance the world clock",
                    FormKind::Clock,
                    vec![Field::text("By", "1d", "a duration such as 36h, 7d or 30d")],
                )
                .intro(vec![
                    "Every expiry that falls due is applied and logged (CLK-1).".into(),
                ]),
            )),
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
            SettingRow::WorldUser => self.open(Modal::Form(
                Form::new(
                    "Add a Twilio user outside every org",
                    FormKind::WorldUser,
                    vec![
                        Field::text("Email", "", "the user's address"),
                        Field::text("Name", "", "optional"),
                    ],
                )
                .intro(vec![
                    "Simulation: someone who already has a Twilio login.".into(),
                ]),
            )),
            SettingRow::WorldAccount => self.open(Modal::Form(
                Form::new(
                    "Add an account outside every org",
                    FormKind::WorldAccount,
                    vec![
                        Field::text("Name", "", "1-64 characters"),
                        Field::text("Owner", "", "email of an existing Twilio user"),
                        Field::choice(
                            "Type",
                            vec![("Trial", "trial"), ("Full", "full")],
                            0,
                            "←/→ to change",
                        ),
                    ],
                )
                .intro(vec![
                    "Simulation: an account that can later be imported or linked.".into(),
                ]),
            )),
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
