//! What a submitted form or a chosen picker item means: parsing what was typed into a model
//! action (every rule stays the model's), and where a pick leads next.

use super::*;

impl App {
    /// What a form's fields mean as an action. Only parsing: every rule is the model's.
    pub(super) fn form_action(&self, f: &Form) -> Result<Action, Problem> {
        let v = |i: usize| f.value(i).trim().to_string();
        let opt = |i: usize| Some(v(i)).filter(|s| !s.is_empty());
        Ok(match &f.kind {
            FormKind::CreateAccount => Action::CreateAccount {
                name: v(0),
                flex: v(1) == "flex",
                owner: opt(2),
            },
            FormKind::ImportAccount => Action::ImportAccount { sid: v(0) },
            FormKind::LinkAccount => Action::LinkAccount { sid: v(0) },
            FormKind::RenameAccount(sid) => Action::RenameAccount {
                sid: sid.to_string(),
                name: v(0),
            },
            FormKind::CloseAccount(sid) => Action::CloseAccount {
                sid: sid.to_string(),
                confirm_name: f.value(0).to_string(),
            },
            FormKind::Subaccount(parent) => Action::CreateSubaccount {
                parent: parent.to_string(),
                name: opt(0),
            },
            FormKind::Grant(sid) => Action::GrantAccess {
                sid: sid.to_string(),
                user: v(0),
                roles: AccountRole::parse_list(&v(1)).map_err(Problem::invalid)?,
            },
            FormKind::AddDomain => Action::AddDomain { name: v(0) },
            FormKind::SignupSetting => Action::SetSignup {
                setting: SignupSetting::parse(&v(0))
                    .ok_or_else(|| Problem::invalid("pick a setting"))?,
            },
            FormKind::SsoEnforce(domain) => Action::SsoEnforce {
                domain: domain.clone(),
                confirm_lockout: v(0) == "yes",
            },
            FormKind::Invite => Action::Invite {
                email: v(0),
                role: OrgRole::parse_assignable(&v(1)).unwrap_or(OrgRole::Standard),
                accounts: self.parse_grants(&v(2))?,
            },
            FormKind::SetRole(user) => Action::SetRole {
                user: user.clone(),
                role: OrgRole::parse_assignable(&v(0)).unwrap_or(OrgRole::Standard),
                confirm_lockout: false,
            },
            FormKind::AssignRole(user) => {
                if v(1).is_empty() {
                    return Err(Problem::invalid("choose a scope that has roles to assign"));
                }
                Action::AssignRole {
                    user: user.clone(),
                    role: v(1),
                    scope: v(0),
                }
            }
            FormKind::ImportCsv => {
                let path = v(0);
                if path.is_empty() {
                    return Err(Problem::invalid("type the path of a CSV file"));
                }
                let csv = crate::persist::read_text(std::path::Path::new(&path))
                    .map_err(|e| Problem::invalid(format!("cannot read {e}")))?;
                Action::ImportUsers { csv }
            }
            FormKind::Signup => Action::Signup {
                email: v(0),
                name: opt(1),
            },
            FormKind::SsoUnexempt(user) => Action::SsoUnexempt {
                user: user.clone(),
                confirm_lockout: v(0) == "yes",
            },
            FormKind::RenameOrg => Action::RenameOrg { name: v(0) },
            FormKind::SetNumber(key) => {
                Action::Set(Setting::parse(key, &v(0)).map_err(Problem::invalid)?)
            }
            FormKind::SsoConfigure => {
                let cert = v(2);
                let cert_pem = if cert.is_empty() || cert.starts_with("-----BEGIN") {
                    cert
                } else if cert == "demo" {
                    // The demo IdP's certificate, for walkthroughs and trainers without an IdP.
                    crate::model::demo::DEMO_IDP_CERT.to_string()
                } else {
                    crate::persist::read_text(std::path::Path::new(&cert))
                        .map_err(|e| Problem::invalid(format!("cannot read {e}")))?
                };
                Action::SsoConfigure {
                    entity_id: v(0),
                    url: v(1),
                    cert_pem,
                    confirm_lockout: false,
                }
            }
            // By invitation: the invitation of the Candidate's Owner (MRG-5); by import: the
            // merge itself (MRG-6). Which one is allowed is the model's call.
            FormKind::Merge(candidate) if v(0) == "import" => Action::Merge {
                candidate: candidate.clone(),
                owner_role: OrgRole::parse_assignable(&v(1)).unwrap_or(OrgRole::Standard),
                confirm: f.value(2).to_string(),
            },
            FormKind::Merge(candidate) => {
                let s = self.lock();
                let owner = s
                    .world
                    .find_org(candidate)
                    .ok()
                    .and_then(|o| s.world.owner_of_org(&o.sid))
                    .map(|u| u.email.clone())
                    .ok_or_else(|| Problem::invalid(format!("{candidate} has no Owner")))?;
                Action::Invite {
                    email: owner,
                    role: OrgRole::parse_assignable(&v(1)).unwrap_or(OrgRole::Standard),
                    accounts: vec![],
                }
            }
            FormKind::Clock => Action::AdvanceClock {
                seconds: crate::model::time::parse_duration(&v(0))
                    .map_err(Problem::invalid)?
                    .as_secs(),
            },
            FormKind::WorldUser => Action::AddWorldUser {
                email: v(0),
                name: opt(1),
            },
            FormKind::WorldAccount => Action::AddWorldAccount {
                name: v(0),
                owner: v(1),
                full: v(2) == "full",
            },
            FormKind::CreateOAuthApp { secret } => Action::CreateOAuthApp {
                name: v(0),
                secret_sha256: crate::model::credentials::secret_hash(secret),
            },
        })
    }

    /// `ACCOUNT=ROLES; ACCOUNT=ROLES`, where ACCOUNT is a SID or an account's exact name. Only
    /// names are resolved here; whether the grant is allowed is the model's call.
    pub(super) fn parse_grants(
        &self,
        text: &str,
    ) -> Result<Vec<(String, Vec<AccountRole>)>, Problem> {
        let s = self.lock();
        text.split(';')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(|part| {
                let (acc, roles) = part.split_once('=').ok_or_else(|| {
                    Problem::invalid(format!("write ACCOUNT=ROLES, not '{part}'"))
                })?;
                let acc = acc.trim();
                let sid = s
                    .world
                    .org_accounts(&self.ctx.org)
                    .find(|a| a.name.eq_ignore_ascii_case(acc))
                    .map(|a| a.sid.to_string())
                    .unwrap_or_else(|| acc.to_string());
                Ok((
                    sid,
                    AccountRole::parse_list(roles).map_err(Problem::invalid)?,
                ))
            })
            .collect()
    }

    pub(super) fn pick(&mut self) {
        let Some(Modal::Picker(p)) = self.modals.last() else {
            return;
        };
        // a SID typed into the import or link picker goes to the form as typed
        if let PickThen::AddAccount(import) = p.then {
            let typed = p.filter.value().trim().to_string();
            let looks_typed = typed.len() > 2
                && typed[..2].eq_ignore_ascii_case("AC")
                && !p
                    .chosen()
                    .is_some_and(|(l, _)| l.to_lowercase().contains(&typed.to_lowercase()));
            let key = match p.chosen() {
                // a SID being typed is not a fuzzy match for another account's
                _ if looks_typed => typed,
                Some((_, k)) if !k.is_empty() => k.clone(),
                _ if typed.len() > 2 && typed[..2].eq_ignore_ascii_case("AC") => typed,
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
                self.open(Modal::Form(
                    Form::new(
                        format!("Merge {label} into this organization"),
                        FormKind::Merge(key),
                        vec![
                            Field::choice(
                                "Route",
                                vec![("by invitation", "invitation"), ("by import", "import")],
                                0,
                                "invitation: its Owner accepts (MRG-5) · import: at once, needs Import Users (MRG-6)",
                            ),
                            Field::choice(
                                "Owner's role",
                                vec![("Standard", "standard"), ("Administrator", "admin")],
                                0,
                                "the role the Candidate's Owner takes here (MRG-4); by import always Standard (MRG-6); ←/→ to change",
                            ),
                            Field::text(
                                "Type its name",
                                "",
                                "by import: the Candidate's name, exactly (MRG-3); by invitation: not needed",
                            ),
                        ],
                    )
                    .danger(),
                ));
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
                self.open(Modal::Form(
                    Form::new(
                        "Create an OAuth app (client credentials)",
                        FormKind::CreateOAuthApp { secret },
                        vec![Field::text("Name", "", "1-64 characters, e.g. Provisioning bot")],
                    )
                    .intro(vec![
                        "Its client ID (OQ…) and secret are shown once; tworg keeps only a hash of the secret.".into(),
                    ]),
                ));
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
                    self.open(unexempt_form(&key));
                } else {
                    self.act_in_modal(Action::SsoExempt { user: key });
                }
            }
        }
    }
}
