//! The organization itself (ORG-5..8), its settings, and the world's clock (CLK-1).

use super::action::Setting;
use super::error::{ActionError, ActionResult, Refusal, refuse};
use super::rules;
use super::words;
use super::*;

/// SUB-6: closed subaccounts are purged this many days after closing.
pub const SUBACCOUNT_PURGE_DAYS: u32 = 30;

pub fn check_org_name(name: &str) -> ActionResult<String> {
    let name = name.trim();
    let len = name.chars().count();
    if len == 0 || len > 64 {
        return refuse(
            rules::ORG_7,
            format!("an organization name must be 1-64 characters, this one has {len}"),
            "choose a name of 1 to 64 characters",
        );
    }
    super::validate::check_text(rules::ORG_7, super::validate::ORG_NAME, name)
}

impl World {
    /// Creates a world's first organization with its Owner (`tworg init --org NAME --owner EMAIL`).
    pub fn init_org(&mut self, name: &str, owner_email: &str) -> ActionResult<Outcome> {
        let name = check_org_name(name)?;
        let out = self.signup(owner_email, None)?;
        let org = out
            .created
            .iter()
            .find(|(k, _)| *k == SidKind::Org)
            .map(|(_, s)| s.clone())
            .ok_or_else(|| {
                ActionError::Invalid(format!(
                    "{owner_email} joined an existing organization instead of creating one"
                ))
            })?;
        self.org_mut(&org).name = name;
        self.home_org = Some(org);
        Ok(out)
    }

    pub(crate) fn rename_org(&mut self, ctx: &Ctx, name: &str) -> ActionResult<Outcome> {
        self.require_admin(ctx, "rename the organization")?;
        let name = check_org_name(name)?;
        let old = std::mem::replace(&mut self.org_mut(&ctx.org).name, name.clone());
        let detail = format!("renamed the organization '{old}' to '{name}'");
        self.audit(ctx, "org.rename", detail.clone());
        Ok(Outcome::msg(detail))
    }

    /// ORG-5, ORG-8, ACC-3: may `target` become the Owner of `org`, whoever asks? Returns the
    /// accounts that join the org with them.
    pub(crate) fn check_new_owner(&self, org: &Sid, target: &User) -> ActionResult<Vec<Sid>> {
        let active_member = self
            .membership_in(&target.sid, org)
            .is_some_and(|m| m.status == MemberStatus::Active);
        if !active_member {
            let deactivated = self
                .membership_in(&target.sid, org)
                .is_some_and(|m| m.status == MemberStatus::Deactivated);
            let refusal = Refusal::new(
                rules::ORG_5,
                format!(
                    "{} is not an active managed member of {}",
                    target.email,
                    self.org_name(org)
                ),
                if deactivated {
                    format!(
                        "ownership goes only to an active member: reactivate {} first",
                        target.email
                    )
                } else {
                    "ownership goes only to an active managed member of this organization"
                        .to_string()
                },
            );
            return Err(if deactivated {
                refusal.fix(Action::Reactivate {
                    user: target.email.clone(),
                })
            } else {
                refusal
            }
            .into());
        }
        // ORG-8: the new Owner's accounts join as managed; check the limit first (ACC-3).
        let joining: Vec<Sid> = self
            .accounts
            .values()
            .filter(|a| a.owner.as_ref() == Some(&target.sid) && a.status != AccountStatus::Closed)
            .filter(|a| {
                a.link
                    .as_ref()
                    .is_none_or(|l| l.org != *org || l.state != LinkState::Managed)
            })
            .map(|a| a.sid.clone())
            .collect();
        // Those that do not count toward this org's limit yet: outside it, or independent in it.
        let newly_counted = joining
            .iter()
            .filter(|a| {
                self.accounts[*a]
                    .link
                    .as_ref()
                    .is_none_or(|l| l.org != *org || !self.counts_toward_limit(l))
            })
            .count();
        self.check_account_limit(org, newly_counted)?;
        self.check_subaccounts_fit(org, &joining)?;
        Ok(joining)
    }

    /// ORG-4, ORG-5, ORG-8.
    pub(crate) fn transfer_org(&mut self, ctx: &Ctx, key: &str) -> ActionResult<Outcome> {
        self.require_owner(ctx, "transfer org ownership")?;
        let target = self.find_user(key)?;
        let previous = ctx.acting_user().cloned().expect("owner is a user");
        if previous == target.sid {
            return refuse(
                rules::ORG_5,
                format!("{} is already the Owner", target.email),
                "choose another member",
            );
        }
        let joining = self.check_new_owner(&ctx.org, target)?;
        let target_sid = target.sid.clone();
        for a in &joining {
            // An account leaving another org (independent or pending there) leaves that org's
            // grants behind; one already in this org keeps them (`relink`).
            let link = Some(OrgLink {
                org: ctx.org.clone(),
                state: LinkState::Managed,
            });
            self.relink(a, link);
        }
        self.user_mut(&previous)
            .membership
            .as_mut()
            .expect("owner")
            .role = OrgRole::Administrator;
        self.user_mut(&target_sid)
            .membership
            .as_mut()
            .expect("member")
            .role = OrgRole::Owner;
        let joined = if joining.is_empty() {
            String::new()
        } else {
            format!(
                "; {} joined as managed",
                words::count(joining.len(), "account of theirs", "accounts of theirs")
            )
        };
        let detail = format!(
            "{} is now the Owner; {} is an Administrator{joined}",
            self.email_of(&target_sid),
            self.email_of(&previous)
        );
        self.audit(ctx, "org.transfer", detail.clone());
        Ok(Outcome::msg(detail))
    }

    /// ORG-6: never from the console.
    pub(crate) fn delete_org(&mut self, ctx: &Ctx) -> ActionResult<Outcome> {
        refuse(
            rules::ORG_6,
            format!(
                "{} cannot be deleted or closed from the console",
                self.org_name(&ctx.org)
            ),
            self.retire_by_merge_hint(&ctx.org),
        )
    }

    /// `org set KEY VALUE`, each with the rule that bounds it. Entitlements are simulated
    /// requests to Twilio Support, logged with the actor `twilio-support` (ORG-9).
    pub(crate) fn set_setting(&mut self, ctx: &Ctx, setting: &Setting) -> ActionResult<Outcome> {
        if setting.is_entitlement() {
            self.require_admin(ctx, "request an entitlement change from Twilio Support")?;
        } else {
            self.require_admin(ctx, "change organization settings")?;
        }
        let org = self.org(&ctx.org)?;
        let positive = |n: u32, what: &str, rule| {
            if n == 0 {
                refuse(
                    rule,
                    format!("{what} must be at least 1"),
                    "give a positive number",
                )
            } else {
                Ok(())
            }
        };
        match setting {
            Setting::AccountLimit(n) => {
                positive(*n, "the account limit", rules::ACC_3)?;
                let used = self.accounts_toward_limit(&ctx.org);
                if (*n as usize) < used {
                    return refuse(
                        rules::ACC_3,
                        format!("{} has {used} managed and pending accounts", org.name),
                        format!("the limit cannot go below {used}"),
                    );
                }
            }
            Setting::SubaccountLimit(n) => {
                positive(*n, "the subaccount limit", rules::SUB_2)?;
                let most = self
                    .org_accounts(&ctx.org)
                    .filter(|a| a.parent.is_none() && a.account_type == AccountType::Full)
                    .map(|p| self.open_subaccounts(&p.sid))
                    .max()
                    .unwrap_or(0);
                if (*n as usize) < most {
                    return refuse(
                        rules::SUB_2,
                        format!("an account already has {most} open subaccounts"),
                        format!("the limit cannot go below {most}"),
                    );
                }
            }
            Setting::DomainLimit(n) => {
                positive(*n, "the domain limit", rules::DOM_6)?;
                if (*n as usize) < org.domains.len() {
                    return refuse(
                        rules::DOM_6,
                        format!(
                            "{} has {}",
                            org.name,
                            words::count(org.domains.len(), "domain", "domains")
                        ),
                        format!("the limit cannot go below {}", org.domains.len()),
                    );
                }
            }
            Setting::InviteDays(n) => positive(*n, "the invitation lifetime", rules::USR_3)?,
            Setting::ResetLinkHours(n) => positive(*n, "the reset link lifetime", rules::USR_6)?,
            Setting::SsoEntitlement(false) if org.domains.values().any(|d| d.sso_enforced) => {
                let enforced: Vec<&Domain> =
                    org.domains.values().filter(|d| d.sso_enforced).collect();
                let names: Vec<&str> = enforced.iter().map(|d| d.name.as_str()).collect();
                let mut r = Refusal::new(
                    rules::SSO_1,
                    format!("SSO is enforced on {}", names.join(", ")),
                    format!("stop enforcing SSO on {} first", names.join(" and ")),
                );
                for d in enforced {
                    r = r.fix(Action::SsoUnenforce {
                        domain: d.name.clone(),
                    });
                }
                return Err(r.into());
            }
            Setting::Baa(false) => {
                let mut hipaa: Vec<&Account> = self
                    .org_accounts(&ctx.org)
                    .filter(|a| a.hipaa && a.status != AccountStatus::Closed)
                    .filter(|a| self.kind_in(a, &ctx.org) == Some(AccountKind::Managed))
                    .collect();
                hipaa.sort_by(|a, b| a.name.cmp(&b.name).then(a.sid.cmp(&b.sid)));
                if !hipaa.is_empty() {
                    let names: Vec<&str> = hipaa.iter().map(|a| a.name.as_str()).collect();
                    let counted = match hipaa.len() {
                        1 => "an account".to_string(),
                        n => format!("{n} accounts"),
                    };
                    let mut r = Refusal::new(
                        rules::ORG_9,
                        format!(
                            "{} has {counted} with HIPAA on, which the BAA covers: {}",
                            org.name,
                            names.join(", ")
                        ),
                        format!(
                            "turn HIPAA off on {} first; then Twilio Support can take the BAA off record",
                            names.join(", ")
                        ),
                    );
                    for a in hipaa {
                        r = r.fix(Action::SetHipaa {
                            sid: a.sid.to_string(),
                            on: false,
                        });
                    }
                    return Err(r.into());
                }
            }
            Setting::MultiVerified { domain, on } => {
                let name = super::domains::normalize_domain(domain)?;
                let Some(d) = org.domains.get(&name) else {
                    return Err(ActionError::NotFound(format!(
                        "{name} is not a domain of {}",
                        org.name
                    )));
                };
                if *on
                    && d.status != DomainStatus::Unverified
                    && org.signup != SignupSetting::Blocked
                {
                    return Err(Refusal::new(
                        rules::SIGN_5,
                        format!(
                            "the sign-up setting is {}, and a multi-verified domain needs Blocked",
                            org.signup.label()
                        ),
                        "set the sign-up setting to Blocked first",
                    )
                    .fix(Action::SetSignup {
                        setting: SignupSetting::Blocked,
                    })
                    .into());
                }
                let others = self
                    .orgs
                    .values()
                    .filter(|o| {
                        o.sid != ctx.org
                            && o.domains
                                .get(&name)
                                .is_some_and(|d| d.status != DomainStatus::Unverified)
                    })
                    .count();
                if !*on && others > 0 {
                    return refuse(
                        rules::DOM_5,
                        format!(
                            "{name} is also verified by {}",
                            words::count(others, "other organization", "other organizations")
                        ),
                        "it stays multi-verified while others hold it",
                    );
                }
            }
            _ => {}
        }
        let o = self.org_mut(&ctx.org);
        let s = &mut o.settings;
        let detail = match setting {
            Setting::AccountLimit(n) => {
                s.account_limit = *n;
                format!("account limit is now {n}")
            }
            Setting::SubaccountLimit(n) => {
                s.subaccount_limit = *n;
                format!("subaccount limit is now {n}")
            }
            Setting::DomainLimit(n) => {
                s.domain_limit = *n;
                format!("domain limit is now {n}")
            }
            Setting::InviteDays(n) => {
                s.invite_days = *n;
                format!(
                    "invitations now last {} (pending ones keep their expiry)",
                    words::days(*n as i64)
                )
            }
            Setting::ResetLinkHours(n) => {
                s.reset_link_hours = *n;
                format!(
                    "reset links now last {}",
                    words::count(*n as usize, "hour", "hours")
                )
            }
            Setting::Baa(on) => {
                s.baa = *on;
                format!("executed BAA on record: {}", on_off(*on))
            }
            Setting::SsoEntitlement(on) => {
                s.sso_entitlement = *on;
                format!("SSO entitlement: {}", on_off(*on))
            }
            Setting::BulkImport(on) => {
                s.bulk_import = *on;
                format!("bulk user import: {}", on_off(*on))
            }
            Setting::ScimTwilioRules(on) => {
                o.scim.twilio_rules = *on;
                format!("SCIM userName/domain rules: {}", on_off(*on))
            }
            Setting::MultiVerified { domain, on } => {
                let name = super::domains::normalize_domain(domain).expect("checked");
                o.domains.get_mut(&name).expect("checked").multi_verified = *on;
                format!("{name} multi-verified: {}", on_off(*on))
            }
        };
        if setting.is_entitlement() {
            // ORG-9: Twilio Support changes it, at the request of the acting administrator.
            let requester = self.actor_label(&ctx.actor);
            let detail = format!("{detail} (simulated Twilio Support request by {requester})");
            self.audit_world(
                Some(ctx.org.clone()),
                "twilio-support",
                "org.set",
                detail.clone(),
            );
            return Ok(Outcome::msg(detail));
        }
        self.audit(ctx, "org.set", detail.clone());
        Ok(Outcome::msg(detail))
    }

    /// CLK-1: moves the clock and applies every expiry that falls due, logging each.
    pub(crate) fn advance_clock(&mut self, seconds: i64) -> ActionResult<Outcome> {
        if seconds <= 0 {
            return Err(ActionError::Invalid(
                "the clock only moves forward; give a positive duration such as 36h or 7d".into(),
            ));
        }
        let from = self.clock;
        self.clock = from
            .checked_add(jiff::SignedDuration::from_secs(seconds))
            .map_err(|_| {
                ActionError::Invalid(format!(
                    "the clock cannot move {seconds} seconds past {}: that is beyond the last date it can show",
                    time::format_time(from)
                ))
            })?;
        let mut events = Vec::new();
        self.expire_invitations(from, &mut events);
        self.expire_reset_links(&mut events);
        self.recheck_all_domains(from, &mut events);
        self.expire_uncertain_domains(&mut events);
        self.expire_sso_certificates(from, &mut events);
        self.purge_closed_subaccounts(&mut events);
        let head = format!(
            "clock advanced from {} to {}",
            time::format_time(from),
            time::format_time(self.clock)
        );
        self.audit_world(None, "clock", "clock.advance", head.clone());
        for (org, e) in &events {
            self.audit_world(org.clone(), "clock", "expiry", e.clone());
        }
        let summary = if events.is_empty() {
            "; nothing fell due".to_string()
        } else {
            format!(
                "; {} applied",
                words::count(events.len(), "expiry", "expiries")
            )
        };
        let mut out = Outcome::msg(format!("{head}{summary}"));
        out.report = events.into_iter().map(|(_, e)| (e, None)).collect();
        Ok(out)
    }

    /// USR-3 rev 2, ACC-4 rev 2: invitations and account requests whose lifetime ends in this
    /// advance expire. They stay listed as expired until resent or cancelled; the advance logs
    /// each (CLK-1).
    fn expire_invitations(
        &mut self,
        from: jiff::Timestamp,
        events: &mut Vec<(Option<Sid>, String)>,
    ) {
        let now = self.clock;
        let due = |t: jiff::Timestamp| from < t && t <= now;
        for org in self.orgs.values() {
            for i in org.invitations.values().filter(|i| due(i.expires_at)) {
                events.push((
                    Some(org.sid.clone()),
                    format!(
                        "the invitation of {} expired; it stays listed as expired until it is resent or cancelled",
                        i.email
                    ),
                ));
            }
        }
        for a in self.accounts.values() {
            let Some(link) = &a.link else { continue };
            if !self.request_expiry(link).is_some_and(due) {
                continue;
            }
            let kind = if matches!(link.state, LinkState::PendingImport { .. }) {
                "import"
            } else {
                "link"
            };
            events.push((
                Some(link.org.clone()),
                format!(
                    "the {kind} request for {} '{}' expired; it stays listed as expired until it is resent or cancelled",
                    a.sid, a.name
                ),
            ));
        }
    }

    fn expire_reset_links(&mut self, events: &mut Vec<(Option<Sid>, String)>) {
        let now = self.clock;
        for u in self.users.values_mut() {
            if u.password_reset_until.is_some_and(|t| t <= now) {
                u.password_reset_until = None;
                events.push((
                    u.membership.as_ref().map(|m| m.org.clone()),
                    format!("the password reset link of {} expired", u.email),
                ));
            }
        }
    }

    /// Twilio re-checks verified domains periodically; the clock does it at the start of the
    /// advance, so a missing record starts its 30 days then (DOM-9).
    fn recheck_all_domains(
        &mut self,
        at: jiff::Timestamp,
        events: &mut Vec<(Option<Sid>, String)>,
    ) {
        let mut changes = Vec::new();
        for org in self.orgs.values() {
            for d in org.domains.values() {
                let present = self.dns_has_record(d);
                match (&d.status, present) {
                    (DomainStatus::Verified, false) => changes.push((
                        org.sid.clone(),
                        d.name.clone(),
                        DomainStatus::VerifiedUncertain {
                            deadline: time::later(at, time::days(super::domains::REVERIFY_DAYS)),
                        },
                    )),
                    (DomainStatus::VerifiedUncertain { .. }, true) => {
                        changes.push((org.sid.clone(), d.name.clone(), DomainStatus::Verified))
                    }
                    _ => {}
                }
            }
        }
        for (org, name, status) in changes {
            let what = match status {
                DomainStatus::Verified => format!("{name} re-verified: its record is back"),
                _ => format!("{name} became verified-uncertain: its record is gone"),
            };
            self.org_mut(&org)
                .domains
                .get_mut(&name)
                .expect("listed")
                .status = status;
            events.push((Some(org), what));
        }
    }

    /// DOM-9: at 0 days the domain goes, with its managed users and the accounts they own.
    fn expire_uncertain_domains(&mut self, events: &mut Vec<(Option<Sid>, String)>) {
        let now = self.clock;
        let due: Vec<(Sid, String)> = self
            .orgs
            .values()
            .flat_map(|o| o.domains.values().filter(move |d| matches!(d.status, DomainStatus::VerifiedUncertain { deadline } if deadline <= now)).map(|d| (o.sid.clone(), d.name.clone())))
            .collect();
        for (org, name) in due {
            let owner = self.owner_of_org(&org).map(|u| u.sid.clone());
            let users: Vec<Sid> = self
                .members_on_domain(&org, &name)
                .into_iter()
                .filter(|u| Some(u) != owner.as_ref())
                .collect();
            // The access the org granted on the leaving accounts stays with the org (`relink`).
            let mut accounts = 0;
            for u in &users {
                for a in self.managed_accounts_owned(&org, u) {
                    self.relink(&a, None);
                    accounts += 1;
                }
                self.detach_member(&org, u);
            }
            self.org_mut(&org).domains.remove(&name);
            events.push((
                Some(org),
                format!(
                    "{name} was not re-verified in time: deleted; {} and {} left the organization",
                    words::count(users.len(), "user", "users"),
                    words::count(accounts, "account", "accounts")
                ),
            ));
        }
    }

    /// SUB-6.
    fn purge_closed_subaccounts(&mut self, events: &mut Vec<(Option<Sid>, String)>) {
        let cutoff = self.clock - time::days(SUBACCOUNT_PURGE_DAYS);
        let purge: Vec<Sid> = self
            .accounts
            .values()
            .filter(|a| a.parent.is_some() && a.closed_at.is_some_and(|t| t <= cutoff))
            .map(|a| a.sid.clone())
            .collect();
        for sid in purge {
            let a = self.accounts.remove(&sid).expect("listed");
            self.drop_assignments_at(&sid);
            let org = self
                .accounts
                .get(a.parent.as_ref().expect("sub"))
                .and_then(|p| p.link.as_ref())
                .map(|l| l.org.clone());
            events.push((
                org,
                format!("closed subaccount {} '{}' was purged", a.sid, a.name),
            ));
        }
    }
}

fn on_off(on: bool) -> &'static str {
    if on { "on" } else { "off" }
}
