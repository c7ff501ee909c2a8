//! Users: sign-up (SIGN-*), invitations (USR-1..3), roles, resets, deactivation, removal and
//! bulk import (USR-4..9).

use std::collections::BTreeSet;

use super::accounts::check_account_roles;
use super::action::Setting;
use super::error::{ActionError, ActionResult, Refusal, refuse};
use super::lookup::{check_email, valid_email};
use super::rules;
use super::sso::{SignInChange, UserChange};
use super::time::{days, hours};
use super::words::{self, Verb};
use super::*;

/// A display name from an email's local part: `ada.lovelace@x` → `Ada Lovelace`.
pub fn name_from_email(email: &str) -> String {
    let local = email.split('@').next().unwrap_or(email);
    let name = local
        .split(['.', '_', '-', '+'])
        .filter(|p| !p.is_empty())
        .map(|p| {
            let mut c = p.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect::<String>())
                .unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(" ");
    // a local part of separators only (`-@…`) names no one: the address stands for the name
    if name.is_empty() {
        email.to_string()
    } else {
        name
    }
}

impl World {
    pub(crate) fn insert_user(&mut self, email: &str, name: Option<&str>) -> Sid {
        let sid = self.new_sid(SidKind::User);
        let email = super::names::display_form(email);
        let name = name
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map(String::from)
            .unwrap_or_else(|| name_from_email(&email));
        self.users.insert(
            sid.clone(),
            User {
                sid: sid.clone(),
                email,
                name,
                created_at: self.clock,
                membership: None,
                two_factor: TwoFactor::Enrolled,
                password_reset_until: None,
                scim: ScimAttributes::default(),
            },
        );
        self.index_user(&sid);
        sid
    }

    /// The email of a new Twilio user (its rule: USR-1, SIGN-1), as it will be stored; an
    /// existing user with the same email in canonical form is that user (SCIM-2).
    fn check_new_email(&self, email: &str, rule: rules::Rule) -> ActionResult<String> {
        let email = check_email(rule, email).map_err(|(r, _)| r)?;
        if let Some(u) = self.user_by_email(&email) {
            return Err(ActionError::Invalid(format!(
                "a Twilio user with email {} already exists ({})",
                u.email, u.sid
            )));
        }
        Ok(email)
    }

    /// Makes a user a member (the one place membership is granted). USR-5 rev 2: a member never
    /// owns an independent account of its org, so theirs become managed (callers check that they
    /// fit first, [`World::check_join_fits`]); an invitation of the org for their email is done
    /// with. Returns the accounts that became managed.
    pub(crate) fn join(&mut self, user: &Sid, org: &Sid, role: OrgRole) -> Vec<Sid> {
        let now = self.clock;
        let u = self.user_mut(user);
        u.membership = Some(Membership {
            org: org.clone(),
            role,
            status: MemberStatus::Active,
            sso_exempt: false,
            joined_at: now,
        });
        let email = u.email.clone();
        self.org_mut(org).invitations.remove_email(&email);
        let accounts = self.independent_accounts_owned(org, user);
        for a in &accounts {
            self.account_mut(a).link = Some(OrgLink {
                org: org.clone(),
                state: LinkState::Managed,
            });
        }
        accounts
    }

    /// Independent main accounts of `org` owned by `user` (USR-5).
    pub fn independent_accounts_owned(&self, org: &Sid, user: &Sid) -> Vec<Sid> {
        self.accounts
            .values()
            .filter(|a| a.parent.is_none() && a.owner.as_ref() == Some(user))
            .filter(|a| {
                a.link
                    .as_ref()
                    .is_some_and(|l| &l.org == org && l.state == LinkState::Independent)
            })
            .map(|a| a.sid.clone())
            .collect()
    }

    /// USR-5 rev 2, ACC-3, SUB-2: `users` joining `ctx.org` bring their independent accounts of
    /// it in as managed; refused when those would not fit.
    pub(crate) fn check_join_fits(&self, ctx: &Ctx, users: &[Sid]) -> ActionResult<()> {
        let accounts: Vec<Sid> = users
            .iter()
            .flat_map(|u| self.independent_accounts_owned(&ctx.org, u))
            .collect();
        if accounts.is_empty() {
            return Ok(());
        }
        let org = self.org(&ctx.org)?;
        let limit = org.settings.account_limit as usize;
        let used = self.accounts_toward_limit(&ctx.org);
        if used + accounts.len() > limit {
            let emails: Vec<String> = users.iter().map(|u| self.email_of(u)).collect();
            let names: Vec<&str> = accounts
                .iter()
                .map(|a| self.accounts[a].name.as_str())
                .collect();
            let needed = used + accounts.len();
            let r = super::error::Refusal::new(
                rules::ACC_3,
                format!(
                    "{} {} the independent {} {} of {}, which {} managed when they join (USR-5); {used} of the limit of {limit} are used, so they do not fit",
                    emails.join(", "),
                    words::noun(emails.len(), "owns", "own"),
                    words::noun(names.len(), "account", "accounts"),
                    names.join(", "),
                    org.name,
                    words::noun(names.len(), "becomes", "become")
                ),
                format!(
                    "ask Twilio Support to raise the account limit to {needed}, or relinquish the independent {} first",
                    words::noun(names.len(), "account", "accounts")
                ),
            );
            let set = Action::Set(super::action::Setting::AccountLimit(needed as u32));
            return Err(match self.admin_by(ctx) {
                Some(by) => r.fix_by(by, set),
                None => r.fix(set),
            }
            .into());
        }
        self.check_subaccounts_fit(&ctx.org, &accounts)
    }

    /// `; their independent account X became managed (USR-5)`, or nothing.
    pub(crate) fn became_managed_note(&self, accounts: &[Sid]) -> String {
        if accounts.is_empty() {
            return String::new();
        }
        let names: Vec<String> = accounts
            .iter()
            .map(|a| format!("'{}'", self.accounts[a].name))
            .collect();
        format!(
            "; their independent account{} {} became managed (USR-5)",
            if names.len() == 1 { "" } else { "s" },
            names.join(", ")
        )
    }

    /// Takes a user out of an org: membership and every access the org granted (USR-8).
    pub(crate) fn detach_member(&mut self, org: &Sid, user: &Sid) {
        let u = self.user_mut(user);
        u.membership = None;
        // SCIM-2: the org's SCIM identifiers (externalId, a userName of its own) stay with it.
        u.scim.external_id = None;
        u.scim.user_name = None;
        self.drop_assignments_in_org(org, user);
    }

    /// Managed main accounts of `org` owned by `user`, closed ones left out: a closed account
    /// keeps only its history and no longer counts as one its owner owns (ACC-8 rev 2).
    pub fn managed_accounts_owned(&self, org: &Sid, user: &Sid) -> Vec<Sid> {
        self.accounts
            .values()
            .filter(|a| a.owner.as_ref() == Some(user) && a.status != AccountStatus::Closed)
            .filter(|a| {
                a.link
                    .as_ref()
                    .is_some_and(|l| &l.org == org && l.state == LinkState::Managed)
            })
            .map(|a| a.sid.clone())
            .collect()
    }

    /// Adds to `refusal` the hand-over of org ownership (ORG-5) to the first active Administrator,
    /// or else the first active Standard member, done by the Owner; nothing when there is nobody.
    pub(crate) fn hand_over_ownership(&self, org: &Sid, refusal: Refusal) -> Refusal {
        let Some(owner) = self.owner_of_org(org) else {
            return refusal;
        };
        let successor = self
            .members(org)
            .filter_map(|u| Some((u, u.membership.as_ref()?)))
            .filter(|(_, m)| m.role != OrgRole::Owner && m.status == MemberStatus::Active)
            .min_by_key(|(u, m)| (m.role, u.sid.clone()));
        match successor {
            Some((u, _)) => refusal.fix_by(
                owner.email.clone(),
                Action::TransferOrg {
                    user: u.email.clone(),
                },
            ),
            None => refusal,
        }
    }

    /// A Twilio user outside every org.
    pub(crate) fn add_world_user(
        &mut self,
        email: &str,
        name: Option<&str>,
    ) -> ActionResult<Outcome> {
        let email = self.check_new_email(email, rules::USR_1)?;
        let name = super::validate::check_opt(rules::USR_1, super::validate::USER_NAME, name)?;
        let sid = self.insert_user(&email, name.as_deref());
        let detail = format!(
            "added Twilio user {} ({sid}) outside every organization",
            self.email_of(&sid)
        );
        self.audit_world(None, "world", "world.add-user", detail.clone());
        Ok(Outcome::msg(detail).created(SidKind::User, sid))
    }

    /// The org whose verified (or verified-uncertain, DOM-9) domain a sign-up email falls on, if
    /// any (SIGN-1).
    fn signup_org(&self, email: &str) -> Option<Sid> {
        self.orgs
            .values()
            .find(|o| {
                self.domain_of_email(o, email)
                    .is_some_and(|d| d.status != DomainStatus::Unverified)
            })
            .map(|o| o.sid.clone())
    }

    /// A new Twilio user signs up (SIGN-1..4). Without joining an org, Twilio creates the user,
    /// a first Trial account and the user's own organization.
    pub(crate) fn signup(&mut self, email: &str, name: Option<&str>) -> ActionResult<Outcome> {
        let email = self.check_new_email(email, rules::SIGN_1)?;
        let name = super::validate::check_opt(rules::SIGN_1, super::validate::USER_NAME, name)?;
        let name = name.as_deref();
        if let Some(org_sid) = self.signup_org(&email) {
            let org = &self.orgs[&org_sid];
            let setting = org.signup;
            let owner = self.owner_of_org(&org_sid).map(|u| u.email.clone());
            // DOM-9 rev 2: while the domain is verified-uncertain, no user of it joins.
            if setting != SignupSetting::Blocked
                && let Some(r) = self.unverified_domain_refusal(
                    &org_sid,
                    &email,
                    rules::DOM_9,
                    &format!("signing up as {email}"),
                    owner.clone(),
                )
            {
                return Err(r.into());
            }
            let now = self.clock;
            let (invitation, expired): (Vec<_>, Vec<_>) = org
                .invitations
                .for_email(&email)
                .into_iter()
                .cloned()
                .partition(|i| !i.is_expired(now));
            match (setting, invitation.into_iter().next()) {
                (SignupSetting::Restricted, None) => {
                    let (message, hint, fix) = match expired.first() {
                        Some(i) => (
                            format!(
                                "{} is Restricted: the invitation of {email} expired on {}, and without a pending one they cannot sign up",
                                org.name,
                                time::format_date(i.expires_at)
                            ),
                            format!(
                                "ask an administrator of {} to resend the invitation",
                                org.name
                            ),
                            Action::ResendInvite {
                                email: email.clone(),
                            },
                        ),
                        None => (
                            format!(
                                "{} is Restricted: {email} cannot sign up without an invitation",
                                org.name
                            ),
                            format!("ask an administrator of {} to invite {email}", org.name),
                            Action::Invite {
                                email: email.clone(),
                                role: OrgRole::Standard,
                                accounts: vec![],
                            },
                        ),
                    };
                    let r = super::error::Refusal::new(rules::SIGN_2, message, hint);
                    return Err(match owner {
                        Some(o) => r.fix_by(o, fix),
                        None => r,
                    }
                    .into());
                }
                // A pending invitation is honoured under Auto-enrollment too (its role and
                // account grants), rather than left to expire.
                (SignupSetting::Restricted | SignupSetting::AutoEnrollment, Some(inv)) => {
                    let sid = self.insert_user(&email, name);
                    self.consume_invitation(&org_sid, &inv, &sid);
                    let detail = format!(
                        "{email} signed up with a pending invitation and joined {} as {}",
                        self.org_name(&org_sid),
                        inv.role.label()
                    );
                    self.audit_world(Some(org_sid), &email, "signup", detail.clone());
                    return Ok(Outcome::msg(detail).created(SidKind::User, sid));
                }
                (SignupSetting::AutoEnrollment, None) => {
                    let sid = self.insert_user(&email, name);
                    self.join(&sid, &org_sid, OrgRole::Standard);
                    let detail = format!(
                        "{email} signed up and was auto-enrolled in {} as Standard",
                        self.org_name(&org_sid)
                    );
                    self.audit_world(Some(org_sid), &email, "signup", detail.clone());
                    return Ok(Outcome::msg(detail).created(SidKind::User, sid));
                }
                (SignupSetting::Blocked, _) => {} // SIGN-4: falls through to a standalone sign-up
            }
        }
        Ok(self.standalone_signup(&email, name))
    }

    /// User + first Trial account + own organization, as Twilio does for a sign-up (SIGN-4).
    fn standalone_signup(&mut self, email: &str, name: Option<&str>) -> Outcome {
        let user = self.insert_user(email, name);
        let org = self.new_sid(SidKind::Org);
        let display = self.users[&user].name.clone();
        let mut org_name = format!("{display}'s organization");
        if org_name.chars().count() > 64 {
            org_name = "My organization".into();
        }
        self.orgs.insert(
            org.clone(),
            Org {
                sid: org.clone(),
                name: org_name.clone(),
                created_at: self.clock,
                domains: Default::default(),
                invitations: Default::default(),
                signup: SignupSetting::Restricted,
                settings: OrgSettings::default(),
                sso: None,
                scim: ScimSettings::default(),
            },
        );
        self.join(&user, &org, OrgRole::Owner);
        let account = self.new_sid(SidKind::Account);
        self.accounts.insert(
            account.clone(),
            Account {
                sid: account.clone(),
                name: "My first Twilio account".into(),
                owner: Some(user.clone()),
                parent: None,
                status: AccountStatus::Active,
                closed_at: None,
                account_type: AccountType::Trial,
                usage: Usage::Twilio,
                hipaa: false,
                created_at: self.clock,
                updated_at: None,
                link: Some(OrgLink {
                    org: org.clone(),
                    state: LinkState::Managed,
                }),
                legacy_access: Default::default(),
            },
        );
        let detail = format!(
            "{email} signed up: new user {user}, Trial account {account}, and their own organization '{org_name}' {org}"
        );
        self.audit_world(Some(org.clone()), email, "signup", detail.clone());
        Outcome::msg(detail)
            .created(SidKind::User, user)
            .created(SidKind::Account, account)
            .created(SidKind::Org, org)
    }

    /// Joins the invitee and applies the invitation's account grants. Returns the invitee's
    /// independent accounts that became managed (USR-5).
    fn consume_invitation(&mut self, org: &Sid, inv: &Invitation, user: &Sid) -> Vec<Sid> {
        self.org_mut(org).invitations.remove(&inv.sid);
        let converted = self.join(user, org, inv.role);
        for (account, roles) in &inv.accounts {
            let still_in_org = self
                .accounts
                .get(account)
                .is_some_and(|a| self.kind_in(a, org).is_some());
            if still_in_org {
                self.set_general_roles(user, account, roles);
            }
        }
        converted
    }

    fn invitation_for<'a>(&'a self, ctx: &Ctx, email: &str) -> ActionResult<&'a Invitation> {
        self.org(&ctx.org)?
            .invitations
            .for_email(email)
            .ok_or_else(|| {
                ActionError::NotFound(format!(
                    "no invitation for {} in {}",
                    super::names::visible(email.trim()),
                    self.org_name(&ctx.org)
                ))
            })
    }

    /// USR-1, USR-2, USR-3, USR-4, USR-5.
    pub(crate) fn invite(
        &mut self,
        ctx: &Ctx,
        email: &str,
        role: OrgRole,
        accounts: &[(String, Vec<AccountRole>)],
    ) -> ActionResult<Outcome> {
        self.require_admin(ctx, "invite users")?;
        let email = match check_email(rules::USR_1, email) {
            Ok(email) => email,
            Err((mut refusal, cleaned)) if !cleaned.is_empty() => {
                // The address typed cleanly is offered when it could be invited: after the
                // steps that verify its domain, if those are in this org's hands.
                let domain = self.unverified_domain_refusal(
                    &ctx.org,
                    &cleaned,
                    rules::USR_1,
                    "inviting",
                    None,
                );
                match domain {
                    Some(d) if d.fixes.is_empty() => {}
                    d => {
                        refusal.fixes.extend(d.into_iter().flat_map(|d| d.fixes));
                        refusal = refusal.fix(Action::Invite {
                            email: cleaned,
                            role,
                            accounts: accounts.to_vec(),
                        });
                    }
                }
                return Err(refusal.into());
            }
            Err((refusal, _)) => return Err(refusal.into()),
        };
        // USR-2 rev 2: inviting the Owner of another organization is a merge invitation (MRG-5).
        if let Some(cand) = self.merge_candidate_of(&ctx.org, &email) {
            return self.invite_merge(ctx, &email, role, accounts, &cand);
        }
        let domain = World::email_domain(&email).unwrap_or_default();
        if super::domains::is_common_domain(&domain) {
            return refuse(
                rules::USR_1,
                format!("{domain} is a common public email domain"),
                "invite people by their company address on a verified domain",
            );
        }
        if let Some(r) = self.unverified_domain_refusal(
            &ctx.org,
            &email,
            rules::USR_1,
            &format!("inviting {email}"),
            None,
        ) {
            return Err(r.into());
        }
        let org = self.org(&ctx.org)?;
        if role == OrgRole::Owner {
            return refuse(
                rules::ORG_1,
                "an invitation cannot make someone Owner",
                "invite them as Administrator or Standard, then transfer org ownership to them",
            );
        }
        if let Some(u) = self.user_by_email(&email)
            && let Some(m) = &u.membership
        {
            if m.org == ctx.org {
                return refuse(
                    rules::USR_2,
                    format!("{email} is already a member of {}", org.name),
                    "change their role instead",
                );
            }
            return refuse(
                rules::USR_2,
                format!(
                    "{email} belongs to another organization ({})",
                    self.org_name(&m.org)
                ),
                self.usr2_member_hint(&ctx.org, &email, &m.org),
            );
        }
        self.check_not_pending(ctx, &email)?;
        let mut grants = std::collections::BTreeMap::new();
        for (key, roles) in accounts {
            let account = self.account_in_org(ctx, key)?;
            if account.parent.is_some() {
                return refuse(
                    rules::SUB_4,
                    format!("{} is a subaccount", account.name),
                    "grant access on its parent account; it reaches the subaccounts",
                );
            }
            if self.kind_in(account, &ctx.org) != Some(AccountKind::Managed) {
                return refuse(
                    rules::USR_5,
                    format!("{} is not a managed account", account.name),
                    "invitations grant access to managed accounts only",
                );
            }
            grants.insert(account.sid.clone(), check_account_roles(roles)?);
        }
        let (sid, lifetime) = self.send_invitation(ctx, &email, role, grants)?;
        let detail = format!(
            "invited {email} as {} (expires in {})",
            role.label(),
            words::days(lifetime as i64)
        );
        self.audit(ctx, "user.invite", detail.clone());
        Ok(Outcome::msg(detail).created(SidKind::Notification, sid))
    }

    /// USR-3's fix for an invitation already listed (pending or expired): `by` (the acting user
    /// when `None`) resends it, after the steps that verify its domain again if it needs them.
    pub(crate) fn with_resend(
        &self,
        org: &Sid,
        email: &str,
        by: Option<String>,
        r: Refusal,
    ) -> Refusal {
        let resend = Action::ResendInvite {
            email: email.to_string(),
        };
        self.with_resend_of(org, Some((email, rules::USR_1)), by, r, resend)
    }

    /// USR-3's fix for an expired invitation or request: `by` (the acting user when `None`)
    /// takes `resend`. A resend waits for the domain of `on` (an email, and the rule that asks
    /// for its domain: USR-1, ACC-4) as the first sending did, so when that domain is not
    /// verified any more the steps that verify it come first.
    pub(crate) fn with_resend_of(
        &self,
        org: &Sid,
        on: Option<(&str, rules::Rule)>,
        by: Option<String>,
        mut r: Refusal,
        resend: Action,
    ) -> Refusal {
        if let Some((email, rule)) = on
            && let Some(d) =
                self.unverified_domain_refusal(org, email, rule, "resending", by.clone())
        {
            r.fixes.extend(d.fixes);
        }
        match by {
            Some(by) => r.fix_by(by, resend),
            None => r.fix(resend),
        }
    }

    /// USR-3: one invitation per address, pending or expired (an expired one is resent).
    pub(crate) fn check_not_pending(&self, ctx: &Ctx, email: &str) -> ActionResult<()> {
        let Some(i) = self.org(&ctx.org)?.invitations.for_email(email) else {
            return Ok(());
        };
        let message = if i.is_expired(self.clock) {
            format!(
                "an invitation for {email} expired on {} and is still listed",
                time::format_date(i.expires_at)
            )
        } else {
            format!("an invitation for {email} is already pending")
        };
        let r = Refusal::new(
            rules::USR_3,
            message,
            "resend it instead, which gives it a new lifetime",
        );
        Err(self.with_resend(&ctx.org, email, None, r).into())
    }

    /// Records a checked invitation; returns its SID and lifetime in days.
    pub(crate) fn send_invitation(
        &mut self,
        ctx: &Ctx,
        email: &str,
        role: OrgRole,
        grants: std::collections::BTreeMap<Sid, BTreeSet<AccountRole>>,
    ) -> ActionResult<(Sid, u32)> {
        let lifetime = self.org(&ctx.org)?.settings.invite_days;
        let inviter = ctx
            .acting_user()
            .cloned()
            .or_else(|| self.owner_of_org(&ctx.org).map(|u| u.sid.clone()))
            .expect("org has an owner");
        let sid = self.new_sid(SidKind::Notification);
        let inv = Invitation {
            sid: sid.clone(),
            email: email.to_string(),
            role,
            accounts: grants,
            invited_by: inviter,
            sent_at: self.clock,
            expires_at: time::later(self.clock, days(lifetime)),
        };
        self.org_mut(&ctx.org).invitations.insert(sid.clone(), inv);
        Ok((sid, lifetime))
    }

    /// USR-3: the invitee accepts (creating their Twilio user if they have none). Accepting
    /// completes later, so it re-checks (rev 2): the invitation has not expired (USR-3), its
    /// domain is still verified (USR-1, DOM-9), and the invitee's independent accounts, which
    /// become managed (USR-5), fit the limit (ACC-3). Accepting a merge invitation merges the
    /// invitee's organization (MRG-5), with the merge's own checks.
    pub(crate) fn accept_invite(&mut self, ctx: &Ctx, email: &str) -> ActionResult<Outcome> {
        if let Some((prime, inv, cand)) = self.merge_invitation_to_accept(ctx, email) {
            return self.accept_merge(&prime, &inv, &cand);
        }
        let inv = self.invitation_for(ctx, email)?.clone();
        if inv.is_expired(self.clock) {
            let r = super::error::Refusal::new(
                rules::USR_3,
                format!(
                    "the invitation of {} expired on {}",
                    inv.email,
                    time::format_date(inv.expires_at)
                ),
                "an administrator resends it, which gives it a new lifetime; then accept it",
            );
            return Err(self
                .with_resend(&ctx.org, &inv.email, self.admin_by(ctx), r)
                .into());
        }
        if let Some(r) = self.unverified_domain_refusal(
            &ctx.org,
            &inv.email,
            rules::USR_1,
            &format!("accepting the invitation of {}", inv.email),
            self.admin_by(ctx),
        ) {
            return Err(r.into());
        }
        let existing = self
            .user_by_email(&inv.email)
            .map(|u| (u.sid.clone(), u.membership.clone()));
        if let Some((_, Some(m))) = &existing {
            return refuse(
                rules::USR_2,
                format!(
                    "{} has joined {} since being invited",
                    inv.email,
                    self.org_name(&m.org)
                ),
                "a user belongs to one organization; cancel this invitation and invite an alias",
            );
        }
        if let Some((sid, _)) = &existing {
            self.check_join_fits(ctx, std::slice::from_ref(sid))?;
        }
        let (user, created) = match existing {
            Some((sid, _)) => (sid, false),
            None => (self.insert_user(&inv.email, None), true),
        };
        let converted = self.consume_invitation(&ctx.org, &inv, &user);
        let detail = format!(
            "{} accepted the invitation and joined as {}{}",
            inv.email,
            inv.role.label(),
            self.became_managed_note(&converted)
        );
        let ctx_invitee = Ctx {
            org: ctx.org.clone(),
            actor: Actor::User(user.clone()),
        };
        self.audit(&ctx_invitee, "user.accept", detail.clone());
        let out = Outcome::msg(detail);
        Ok(if created {
            out.created(SidKind::User, user)
        } else {
            out
        })
    }

    pub(crate) fn cancel_invite(&mut self, ctx: &Ctx, email: &str) -> ActionResult<Outcome> {
        self.require_admin(ctx, "cancel invitations")?;
        let inv = self.invitation_for(ctx, email)?.clone();
        self.org_mut(&ctx.org).invitations.remove(&inv.sid);
        let detail = format!("cancelled the invitation of {}", inv.email);
        self.audit(ctx, "user.cancel", detail.clone());
        Ok(Outcome::msg(detail))
    }

    /// USR-3: resending restarts the lifetime, also of an expired invitation; the domain must
    /// still be verified (USR-1).
    pub(crate) fn resend_invite(&mut self, ctx: &Ctx, email: &str) -> ActionResult<Outcome> {
        self.require_admin(ctx, "resend invitations")?;
        let inv = self.invitation_for(ctx, email)?.clone();
        if let Some(r) = self.unverified_domain_refusal(
            &ctx.org,
            &inv.email,
            rules::USR_1,
            &format!("resending the invitation of {}", inv.email),
            None,
        ) {
            return Err(r.into());
        }
        let org = self.org(&ctx.org)?;
        let expires = time::later(self.clock, days(org.settings.invite_days));
        let now = self.clock;
        self.org_mut(&ctx.org)
            .invitations
            .renew(&inv.sid, now, expires);
        let detail = format!(
            "resent the invitation of {}; it expires {}",
            inv.email,
            time::format_time(expires)
        );
        self.audit(ctx, "user.resend", detail.clone());
        Ok(Outcome::msg(detail))
    }

    /// ORG-2, ORG-1, USR-5, SSO-5.
    /// The checks of a role change that do not depend on the new role.
    pub(crate) fn role_precheck(&self, ctx: &Ctx, key: &str) -> ActionResult<(&User, &Membership)> {
        self.require_admin(ctx, "change org roles")?;
        let user = self.find_user(key)?;
        let Some(m) = self.membership_in(&user.sid, &ctx.org) else {
            return refuse(
                rules::USR_5,
                format!(
                    "{} is not a member of {}",
                    user.email,
                    self.org_name(&ctx.org)
                ),
                "external users never get an org role; invite them first",
            );
        };
        if m.role == OrgRole::Owner {
            return Err(self
                .hand_over_ownership(
                    &ctx.org,
                    Refusal::new(
                        rules::ORG_1,
                        format!("{} is the Owner", user.email),
                        "transfer org ownership to someone else first",
                    ),
                )
                .into());
        }
        Ok((user, m))
    }

    pub(crate) fn set_role(
        &mut self,
        ctx: &Ctx,
        key: &str,
        role: OrgRole,
        confirm_lockout: bool,
    ) -> ActionResult<Outcome> {
        let (user, m) = self.role_precheck(ctx, key)?;
        if role == OrgRole::Owner {
            let refusal = Refusal::new(
                rules::ORG_1,
                "there is exactly one Owner",
                format!("transfer org ownership to {} instead", user.email),
            );
            let transfer = Action::TransferOrg {
                user: user.email.clone(),
            };
            let Some(owner) = self.owner_of_org(&ctx.org) else {
                return Err(refusal.into());
            };
            // The transfer is offered when it could be made: after the steps that let this user
            // become the Owner (ORG-5: reactivate them), if there are any.
            return Err(match self.check_new_owner(&ctx.org, user) {
                Ok(_) => refusal.fix_by(owner.email.clone(), transfer),
                Err(ActionError::Refused(first)) if !first.fixes.is_empty() => {
                    let mut refusal = refusal;
                    for f in first.fixes {
                        let by = f.by.unwrap_or_else(|| owner.email.clone());
                        refusal = refusal.fix_by(by, f.action);
                    }
                    refusal.fix_by(owner.email.clone(), transfer)
                }
                Err(_) => refusal,
            }
            .into());
        }
        if m.role == role {
            return refuse(
                rules::ORG_2,
                format!("{} is already {}", user.email, role.label()),
                "nothing to change",
            );
        }
        let sid = user.sid.clone();
        let email = user.email.clone();
        self.check_lockout(
            ctx,
            &SignInChange {
                user: Some((sid.clone(), UserChange::Role(role))),
                ..SignInChange::default()
            },
            confirm_lockout,
            || Action::SetRole {
                user: key.into(),
                role,
                confirm_lockout: true,
            },
        )?;
        self.user_mut(&sid)
            .membership
            .as_mut()
            .expect("member")
            .role = role;
        let detail = format!("{email} is now {}", role.label());
        self.audit(ctx, "user.role", detail.clone());
        Ok(Outcome::msg(detail))
    }

    /// A managed member for USR-6/USR-7 actions (external users are refused).
    fn managed_user(
        &self,
        ctx: &Ctx,
        key: &str,
        rule: rules::Rule,
        what: &str,
    ) -> ActionResult<Sid> {
        let user = self.find_user(key)?;
        if self.membership_in(&user.sid, &ctx.org).is_none() {
            return refuse(
                rule,
                format!(
                    "{} is not a managed user of {}",
                    user.email,
                    self.org_name(&ctx.org)
                ),
                format!("only managed users can {what}"),
            );
        }
        Ok(user.sid.clone())
    }

    /// USR-6.
    pub(crate) fn reset_password(&mut self, ctx: &Ctx, key: &str) -> ActionResult<Outcome> {
        self.require_admin(ctx, "reset passwords")?;
        let sid = self.managed_user(ctx, key, rules::USR_6, "have their password reset")?;
        let until = time::later(
            self.clock,
            hours(self.org(&ctx.org)?.settings.reset_link_hours),
        );
        self.user_mut(&sid).password_reset_until = Some(until);
        let detail = format!(
            "{} was signed out and sent a reset link valid until {}",
            self.email_of(&sid),
            time::format_time(until)
        );
        self.audit(ctx, "user.reset-password", detail.clone());
        Ok(Outcome::msg(detail))
    }

    /// USR-6.
    pub(crate) fn reset_2fa(&mut self, ctx: &Ctx, key: &str) -> ActionResult<Outcome> {
        self.require_admin(ctx, "reset 2FA")?;
        let sid = self.managed_user(ctx, key, rules::USR_6, "have their 2FA reset")?;
        self.user_mut(&sid).two_factor = TwoFactor::EnrolmentRequired;
        let detail = format!(
            "{}'s 2FA factor was removed; they enrol again at next sign-in",
            self.email_of(&sid)
        );
        self.audit(ctx, "user.reset-2fa", detail.clone());
        Ok(Outcome::msg(detail))
    }

    /// USR-7, SSO-5.
    /// The checks of a deactivation or reactivation that depend only on the user and the
    /// acting user.
    pub(crate) fn member_status_precheck(
        &self,
        ctx: &Ctx,
        key: &str,
        to: MemberStatus,
    ) -> ActionResult<Sid> {
        let verb = if to == MemberStatus::Active {
            Verb::Reactivate
        } else {
            Verb::Deactivate
        };
        self.require_admin(ctx, &format!("{} users", verb.base()))?;
        let sid =
            self.managed_user(ctx, key, rules::USR_7, &format!("be {}", verb.participle()))?;
        let m = self.membership_in(&sid, &ctx.org).expect("member").clone();
        if m.role == OrgRole::Owner && to == MemberStatus::Deactivated {
            return Err(self
                .hand_over_ownership(
                    &ctx.org,
                    Refusal::new(
                        rules::USR_7,
                        format!(
                            "{} is the Org Owner and cannot be deactivated",
                            self.email_of(&sid)
                        ),
                        "transfer org ownership first",
                    ),
                )
                .into());
        }
        Ok(sid)
    }

    pub(crate) fn set_member_status(
        &mut self,
        ctx: &Ctx,
        key: &str,
        to: MemberStatus,
        confirm_lockout: bool,
    ) -> ActionResult<Outcome> {
        let verb = if to == MemberStatus::Active {
            Verb::Reactivate
        } else {
            Verb::Deactivate
        };
        let sid = self.member_status_precheck(ctx, key, to)?;
        let m = self.membership_in(&sid, &ctx.org).expect("member").clone();
        if m.status == to {
            return refuse(
                rules::USR_7,
                format!(
                    "{} is already {}",
                    self.email_of(&sid),
                    if to == MemberStatus::Active {
                        "active"
                    } else {
                        "deactivated"
                    }
                ),
                "nothing to change",
            );
        }
        if to == MemberStatus::Deactivated {
            self.check_lockout(
                ctx,
                &SignInChange {
                    user: Some((sid.clone(), UserChange::Deactivated)),
                    ..SignInChange::default()
                },
                confirm_lockout,
                || Action::Deactivate {
                    user: key.into(),
                    confirm_lockout: true,
                },
            )?;
        }
        self.user_mut(&sid)
            .membership
            .as_mut()
            .expect("member")
            .status = to;
        let detail = format!("{} {}", verb.past(), self.email_of(&sid));
        self.audit(ctx, &format!("user.{}", verb.base()), detail.clone());
        Ok(Outcome::msg(detail))
    }

    /// USR-8: remove (keeps the Twilio user) or delete (removes it; never the accounts). SSO-5.
    /// The checks of a removal or deletion that depend only on the user and the acting user.
    pub(crate) fn remove_precheck(&self, ctx: &Ctx, key: &str, delete: bool) -> ActionResult<Sid> {
        let verb = if delete { Verb::Delete } else { Verb::Remove };
        self.require_admin(ctx, &format!("{} users", verb.base()))?;
        let sid = self.managed_user(
            ctx,
            key,
            rules::USR_8,
            &format!("be {} by this organization", verb.participle()),
        )?;
        let email = self.email_of(&sid);
        if self
            .membership_in(&sid, &ctx.org)
            .is_some_and(|m| m.role == OrgRole::Owner)
        {
            return Err(self
                .hand_over_ownership(
                    &ctx.org,
                    Refusal::new(
                        rules::USR_8,
                        format!("{email} is the Org Owner"),
                        "transfer org ownership first",
                    ),
                )
                .into());
        }
        Ok(sid)
    }

    pub(crate) fn remove_user(
        &mut self,
        ctx: &Ctx,
        key: &str,
        delete: bool,
        confirm_lockout: bool,
    ) -> ActionResult<Outcome> {
        let verb = if delete { Verb::Delete } else { Verb::Remove };
        let sid = self.remove_precheck(ctx, key, delete)?;
        let email = self.email_of(&sid);
        let owned = self.managed_accounts_owned(&ctx.org, &sid);
        if !owned.is_empty() {
            let names: Vec<&str> = owned
                .iter()
                .map(|a| self.accounts[a].name.as_str())
                .collect();
            let to = self.owner_of_org(&ctx.org).map(|o| o.email.clone());
            let mut refusal = Refusal::new(
                rules::USR_8,
                format!(
                    "{email} owns the managed {} {}",
                    words::noun(names.len(), "account", "accounts"),
                    names.join(", ")
                ),
                match &to {
                    Some(to) => format!(
                        "transfer {} to another member first, such as {to}",
                        words::noun(names.len(), "it", "them")
                    ),
                    None => format!(
                        "transfer {} to another member first",
                        words::noun(names.len(), "it", "them")
                    ),
                },
            );
            if let Some(to) = to {
                for a in &owned {
                    refusal = refusal.fix(Action::TransferAccount {
                        sid: a.to_string(),
                        user: to.clone(),
                    });
                }
            }
            return Err(refusal.into());
        }
        if delete
            && let Some(a) = self
                .accounts
                .values()
                .find(|a| a.owner.as_ref() == Some(&sid) && a.status != AccountStatus::Closed)
        {
            return refuse(
                rules::USR_8,
                format!(
                    "{email} still owns the account {} ({}) outside the organization",
                    a.name, a.sid
                ),
                "deleting a user never deletes accounts; remove them from the org instead",
            );
        }
        self.check_lockout(
            ctx,
            &SignInChange {
                user: Some((sid.clone(), UserChange::Leaves)),
                ..SignInChange::default()
            },
            confirm_lockout,
            || {
                let user = key.into();
                if delete {
                    Action::DeleteUser {
                        user,
                        confirm_lockout: true,
                    }
                } else {
                    Action::RemoveUser {
                        user,
                        confirm_lockout: true,
                    }
                }
            },
        )?;
        self.detach_member(&ctx.org, &sid);
        if delete {
            self.drop_assignments_of(&sid);
            if let Some(gone) = self.users.remove(&sid) {
                self.unindex_user(&gone);
                self.index_count();
            }
        }
        let detail = if delete {
            format!("deleted the user {email}; their accounts stay")
        } else {
            format!("removed {email} from the organization; the Twilio user remains")
        };
        self.audit(ctx, &format!("user.{}", verb.base()), detail.clone());
        Ok(Outcome::msg(detail))
    }

    /// USR-9: bulk import from CSV text with header `email,first_name,last_name`.
    pub(crate) fn import_users(&mut self, ctx: &Ctx, csv: &str) -> ActionResult<Outcome> {
        self.require_admin(ctx, "bulk import users")?;
        let org = self.org(&ctx.org)?;
        if !org.settings.bulk_import {
            return Err(Refusal::new(
                rules::USR_9,
                format!("bulk import is not enabled for {}", org.name),
                "ask Twilio Support to enable Import Users first",
            )
            .fix(Action::Set(Setting::BulkImport(true)))
            .into());
        }
        if !org.domains.values().any(Domain::is_verified) {
            return refuse(
                rules::USR_9,
                format!("{} has no verified domain", org.name),
                "verify a domain first",
            );
        }
        // USR-9 rev 2: bulk import without invitation is one of the things an org with a
        // multi-verified domain cannot do.
        if let Some(d) = org
            .domains
            .values()
            .find(|d| d.multi_verified && d.status != DomainStatus::Unverified)
        {
            let shared = self.orgs.values().any(|o| {
                o.sid != org.sid
                    && o.domains
                        .get(&d.name)
                        .is_some_and(|x| x.status != DomainStatus::Unverified)
            });
            let message = format!(
                "{} is multi-verified, and an organization with a multi-verified domain cannot bulk import users without invitation",
                d.name
            );
            let r = if shared {
                super::error::Refusal::new(
                    rules::USR_9,
                    message,
                    format!(
                        "{} stays multi-verified while other organizations hold it: invite the users one by one instead",
                        d.name
                    ),
                )
            } else {
                super::error::Refusal::new(
                    rules::USR_9,
                    message,
                    format!(
                        "turn multi-verified off for {} (no other organization holds it), or invite the users one by one",
                        d.name
                    ),
                )
                .fix(Action::Set(super::action::Setting::MultiVerified {
                    domain: d.name.clone(),
                    on: false,
                }))
            };
            return Err(r.into());
        }
        let rows = parse_import_csv(csv).map_err(|m| super::error::Refusal::new(rules::USR_9, m, "fix the file: header email,first_name,last_name and three fields a row; nothing was imported"))?;
        let mut report = Vec::new();
        let mut seen = BTreeSet::new();
        let mut to_join = Vec::new();
        // USR-9 rev 2: rows naming the Owner of another organization merge it (MRG-6).
        let mut to_merge = Vec::new();
        // USR-5 rev 2, ACC-3: independent accounts of joining users become managed.
        let limit = org.settings.account_limit as usize;
        let mut used = self.accounts_toward_limit(&ctx.org);
        for row in &rows {
            let mut reason = self.import_rejection(org, row, &seen);
            if reason.is_none()
                && let Some(cand) = self.merge_candidate_of(&ctx.org, &row.email)
            {
                // Checked when it is applied, after the joins (MRG-1, MRG-2).
                seen.insert(super::names::canonical(&row.email));
                to_merge.push((report.len(), cand));
            } else if reason.is_none() {
                let sid = self.user_by_email(&row.email).expect("checked").sid.clone();
                let own = self.independent_accounts_owned(&ctx.org, &sid);
                if used + own.len() > limit {
                    reason = Some(format!(
                        "owns {} of the organization, which would become managed past the account limit of {limit} (ACC-3, USR-5)",
                        words::count(own.len(), "independent account", "independent accounts")
                    ));
                } else if let Err(e) = self.check_subaccounts_fit(&ctx.org, &own) {
                    reason = Some(e.to_string());
                } else {
                    used += own.len();
                    seen.insert(super::names::canonical(&row.email));
                    to_join.push(sid);
                }
            }
            report.push((row.email.clone(), reason));
        }
        let mut converted = Vec::new();
        for u in &to_join {
            converted.extend(self.join(u, &ctx.org, OrgRole::Standard));
        }
        let mut merges = Vec::new();
        for (row, cand) in to_merge {
            match self.import_row_merge(ctx, &cand) {
                Ok(preview) => merges.push(preview),
                Err(reason) => report[row].1 = Some(reason),
            }
        }
        let imported = report.iter().filter(|(_, r)| r.is_none()).count();
        let merged = if merges.is_empty() {
            String::new()
        } else {
            let names: Vec<&str> = merges.iter().map(|p| p.candidate_name.as_str()).collect();
            format!(" (merging {})", names.join(", "))
        };
        let detail = format!(
            "bulk import: {imported} imported{merged}, {} rejected{}",
            rows.len() - imported,
            self.became_managed_note(&converted)
        );
        self.audit(ctx, "user.import", detail.clone());
        Ok(Outcome {
            message: detail,
            report,
            merges,
            ..Outcome::default()
        })
    }

    fn import_rejection(
        &self,
        org: &Org,
        row: &ImportRow,
        seen: &BTreeSet<String>,
    ) -> Option<String> {
        if let Some(problem) = super::names::name_problem(&row.email) {
            return Some(format!("the address {problem} (SCIM-2)"));
        }
        if !valid_email(&row.email) {
            return Some("not a valid email address".into());
        }
        if let Some(p) = super::validate::text_problem(super::validate::FIRST_NAME, &row.first_name)
            .or_else(|| super::validate::text_problem(super::validate::LAST_NAME, &row.last_name))
        {
            return Some(p);
        }
        if seen.contains(&super::names::canonical(&row.email)) {
            return Some("appears twice in the file".into());
        }
        // The Owner of another organization: the row merges it, checked when it is applied.
        if self.merge_candidate_of(&org.sid, &row.email).is_some() {
            return None;
        }
        if let Some(d) = self.domain_of_email(org, &row.email)
            && matches!(d.status, DomainStatus::VerifiedUncertain { .. })
        {
            return Some(format!(
                "{} is verified-uncertain: no user of it can be added until it is verified again (DOM-9)",
                d.name
            ));
        }
        if !self.on_verified_domain(org, &row.email) {
            return Some(format!(
                "{} is not a verified domain of the organization (USR-1)",
                World::email_domain(&row.email).unwrap_or_default()
            ));
        }
        let Some(user) = self.user_by_email(&row.email) else {
            return Some("no existing Twilio user has this email; invite them instead".into());
        };
        match &user.membership {
            Some(m) if m.org == org.sid => Some("already a member".into()),
            Some(m) => Some(format!(
                "belongs to another organization, {} (USR-2)",
                self.org_name(&m.org)
            )),
            None => None,
        }
    }
}

/// One row of a bulk-import CSV.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportRow {
    pub email: String,
    pub first_name: String,
    pub last_name: String,
}

/// Parses the bulk-import CSV strictly: the exact header, three fields a row, simple quoting.
pub fn parse_import_csv(text: &str) -> Result<Vec<ImportRow>, String> {
    let text = crate::text::without_bom(text);
    let mut lines = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty());
    let Some((_, header)) = lines.next() else {
        return Err("the file is empty".into());
    };
    let header: Vec<String> = split_csv_line(header)
        .map_err(|e| format!("line 1: {e}"))?
        .iter()
        .map(|h| h.trim().to_ascii_lowercase())
        .collect();
    if header != ["email", "first_name", "last_name"] {
        return Err(format!(
            "the header is '{}', not 'email,first_name,last_name'",
            header.join(",")
        ));
    }
    lines
        .map(|(i, line)| {
            let fields = split_csv_line(line).map_err(|e| format!("line {}: {e}", i + 1))?;
            if fields.len() != 3 {
                return Err(format!("line {} has {} fields, not 3", i + 1, fields.len()));
            }
            Ok(ImportRow {
                email: fields[0].trim().to_string(),
                first_name: fields[1].trim().to_string(),
                last_name: fields[2].trim().to_string(),
            })
        })
        .collect()
}

fn split_csv_line(line: &str) -> Result<Vec<String>, String> {
    let mut fields = Vec::new();
    let mut cur = String::new();
    let mut chars = line.trim_end_matches('\r').chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', false) if cur.is_empty() => quoted = true,
            ('"', true) if chars.peek() == Some(&'"') => {
                chars.next();
                cur.push('"');
            }
            ('"', true) => quoted = false,
            ('"', false) => return Err("a quote inside an unquoted field".into()),
            (',', false) => fields.push(std::mem::take(&mut cur)),
            (c, _) => cur.push(c),
        }
    }
    if quoted {
        return Err("an unterminated quote".into());
    }
    fields.push(cur);
    Ok(fields)
}
