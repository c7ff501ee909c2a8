//! What each tab's keys do: open the form, confirmation or picker for the selected row, or
//! apply at once when nothing is destructive. Only parsing and wording here; the rules are the
//! model's.

use super::*;

impl App {
    pub(super) fn tab_command(&mut self, cmd: Cmd) -> Result<(), String> {
        match self.tab {
            Tab::Accounts => self.account_command(cmd),
            Tab::Domains => self.domain_command(cmd),
            Tab::Users => self.user_command(cmd),
            Tab::Settings => self.settings_command(),
        }
    }

    fn account_command(&mut self, cmd: Cmd) -> Result<(), String> {
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
                vec![
                    format!("Confirm that {name} joins the organization?"),
                    "Only the account's owner can (ACC-5): switch with A first.".into(),
                ],
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

    fn domain_command(&mut self, cmd: Cmd) -> Result<(), String> {
        match cmd {
            Cmd::DomAdd => {
                self.open(Modal::Form(Form::new(
                    "Add a domain",
                    FormKind::AddDomain,
                    vec![Field::text(
                        "Domain",
                        "",
                        "e.g. corp.example (no www., DOM-1)",
                    )],
                )));
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
                let idx = SignupSetting::ALL
                    .iter()
                    .position(|s| *s == current)
                    .unwrap_or(0);
                self.open(Modal::Form(
                    Form::new(
                        "Sign-up setting",
                        FormKind::SignupSetting,
                        vec![Field::choice(
                            "Sign-up",
                            vec![
                                ("Restricted", "restricted"),
                                ("Auto-enrollment", "auto-enrollment"),
                                ("Blocked", "blocked"),
                            ],
                            idx,
                            "←/→ to change",
                        )],
                    )
                    .intro(vec![
                        "What happens when someone signs up with an address on a verified domain (SIGN-1..4):".into(),
                        "Restricted: only with an invitation · Auto-enrollment: joins as Standard · Blocked: stays outside.".into(),
                    ]),
                ));
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

    fn open_enforce(&mut self, domain: String, enforced: bool) {
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
            self.open(Modal::Form(
                Form::new(
                    format!("Enforce SSO on {domain}"),
                    FormKind::SsoEnforce(domain),
                    vec![Field::choice(
                        "Confirm lockout",
                        vec![("no", "no"), ("yes", "yes")],
                        0,
                        "yes: enforce even if no Owner or Administrator keeps a password (SSO-5)",
                    )],
                )
                .intro(vec![
                    "Every managed user of the domain must sign in with SSO, except exempted users (SSO-4).".into(),
                ]),
            ));
        }
    }

    fn user_command(&mut self, cmd: Cmd) -> Result<(), String> {
        match cmd {
            Cmd::UsrInvite => {
                self.open(Modal::Form(Form::new(
                    "Invite a user",
                    FormKind::Invite,
                    vec![
                        Field::text("Email", "", "an address on a verified domain (USR-1)"),
                        Field::choice(
                            "Org role",
                            vec![("Standard", "standard"), ("Administrator", "admin")],
                            0,
                            "←/→ to change",
                        ),
                        Field::text(
                            "Accounts",
                            "",
                            "ACCOUNT=ROLES; … (name or SID; roles admin, developer, billing, support)",
                        ),
                    ],
                )));
                return Ok(());
            }
            Cmd::UsrImport => {
                self.open(Modal::Form(
                    Form::new(
                        "Bulk import users from a CSV file",
                        FormKind::ImportCsv,
                        vec![Field::text(
                            "CSV path",
                            "",
                            "a file with the header email,first_name,last_name",
                        )],
                    )
                    .intro(vec![
                        "Existing users of verified domains join as Standard (USR-9).".into(),
                    ]),
                ));
                return Ok(());
            }
            Cmd::UsrSignup => {
                self.open(Modal::Form(
                    Form::new(
                        "Simulate a sign-up",
                        FormKind::Signup,
                        vec![
                            Field::text("Email", "", "the new user's address"),
                            Field::text("Name", "", "optional"),
                        ],
                    )
                    .intro(vec![
                        "A person signs up at twilio.com; the org's sign-up setting decides (SIGN-1..4).".into(),
                    ]),
                ));
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
                    vec![
                        format!("Confirm the request for {name}?"),
                        "Only the account's owner can (ACC-5): switch with A first.".into(),
                    ],
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
                let idx = usize::from(role == Some(OrgRole::Standard));
                self.open(Modal::Form(Form::new(
                    format!("Org role of {email}"),
                    FormKind::SetRole(email),
                    vec![Field::choice(
                        "Org role",
                        vec![("Administrator", "admin"), ("Standard", "standard")],
                        idx,
                        "←/→ to change; the Owner changes by transfer (Settings)",
                    )],
                )));
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
                    self.open(unexempt_form(&email));
                } else {
                    self.act(Action::SsoExempt { user: email });
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn settings_command(&mut self) -> Result<(), String> {
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
                let items = self
                    .member_items(true)
                    .into_iter()
                    .filter(|(_, e)| *e != owner_email)
                    .collect();
                self.open(Modal::Picker(Picker::new(
                    "Transfer organization ownership to…",
                    items,
                    PickThen::TransferOrg,
                )));
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
