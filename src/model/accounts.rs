//! Accounts and subaccounts: ACC-*, SUB-*, HIP-*, and account access (USR-4, USR-5).

use std::collections::{BTreeMap, BTreeSet};

use super::access::AccountOp;
use super::action::Setting;
use super::error::{ActionError, ActionResult, Refusal, refuse};
use super::rules;
use super::time::default_subaccount_name;
use super::words::{self, Verb};
use super::*;

const NAME_MAX: usize = 64;

fn check_account_name(name: &str, rule: rules::Rule) -> ActionResult<String> {
    let name = name.trim();
    let len = name.chars().count();
    if len == 0 || len > NAME_MAX {
        return refuse(
            rule,
            format!("an account name must be 1-{NAME_MAX} characters, this one has {len}"),
            "choose a shorter or non-empty name",
        );
    }
    super::validate::check_text(rule, super::validate::ACCOUNT_NAME, name)
}

/// USR-4: Administrator excludes the others; only Developer + Billing Manager combine.
pub fn check_account_roles(roles: &[AccountRole]) -> ActionResult<BTreeSet<AccountRole>> {
    let set: BTreeSet<AccountRole> = roles.iter().copied().collect();
    if set.is_empty() {
        return refuse(
            rules::USR_4,
            "no account role given",
            "give one of admin, developer, billing, support",
        );
    }
    let pair: BTreeSet<AccountRole> = [AccountRole::Developer, AccountRole::BillingManager].into();
    if set.len() > 1 && set != pair {
        let names: Vec<&str> = set.iter().map(|r| r.label()).collect();
        let hint = if set.contains(&AccountRole::Administrator) {
            "Administrator already covers the other roles: give Administrator alone"
        } else {
            "only Developer and Billing Manager may be combined"
        };
        return refuse(
            rules::USR_4,
            format!("the roles {} cannot be combined", names.join(" + ")),
            hint,
        );
    }
    Ok(set)
}

/// A pending import (ACC-4) or link (ACC-6) request of an account, as listed with the
/// invitations: it expires and is resent like an invitation (USR-3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountRequest {
    /// The request's `NF` SID.
    pub request: Sid,
    pub account: Sid,
    pub account_name: String,
    /// An import (managed once confirmed) or a link (independent once confirmed).
    pub import: bool,
    pub owner_email: String,
    pub sent_at: Timestamp,
    pub expires_at: Timestamp,
    pub expired: bool,
}

impl AccountRequest {
    /// `import` or `link`.
    pub fn kind_label(&self) -> &'static str {
        if self.import { "import" } else { "link" }
    }
    /// `pending` or `expired`.
    pub fn status_label(&self) -> &'static str {
        if self.expired { "expired" } else { "pending" }
    }
}

impl World {
    /// When a pending request expires: its own expiry or, for a request from a file written before
    /// requests expired, its sending time plus the org's invitation lifetime (USR-3).
    pub fn request_expiry(&self, link: &OrgLink) -> Option<Timestamp> {
        let (_, since, expires) = link.state.request()?;
        Some(expires.unwrap_or_else(|| {
            let days = self
                .orgs
                .get(&link.org)
                .map_or(OrgSettings::default().invite_days, |o| {
                    o.settings.invite_days
                });
            time::later(since, time::days(days))
        }))
    }

    /// Whether a link is a pending request that has expired (ACC-4 rev 2, USR-3).
    pub fn request_expired(&self, link: &OrgLink) -> bool {
        self.request_expiry(link).is_some_and(|t| t <= self.clock)
    }

    /// Gives requests from files written before requests expired their expiry: sent time plus
    /// the org's invitation lifetime (run once, when a file is loaded).
    pub fn fill_request_expiries(&mut self) {
        let fills: Vec<(Sid, Timestamp)> = self
            .accounts
            .values()
            .filter_map(|a| {
                let link = a.link.as_ref()?;
                match link.state.request()? {
                    (_, _, None) => Some((a.sid.clone(), self.request_expiry(link)?)),
                    _ => None,
                }
            })
            .collect();
        for (sid, t) in fills {
            if let Some(OrgLink {
                state:
                    LinkState::PendingImport { expires_at, .. }
                    | LinkState::PendingLink { expires_at, .. },
                ..
            }) = self.accounts.get_mut(&sid).and_then(|a| a.link.as_mut())
            {
                *expires_at = Some(t);
            }
        }
    }

    /// ACC-3: managed accounts and requests still pending count; independent accounts and
    /// expired requests do not (an expired request is re-counted when it is resent).
    pub fn counts_toward_limit(&self, link: &OrgLink) -> bool {
        link.state.counts_toward_limit() && !self.request_expired(link)
    }

    /// The org's import and link requests, pending and expired, in account SID order.
    pub fn account_requests(&self, org: &Sid) -> Vec<AccountRequest> {
        self.accounts
            .values()
            .filter_map(|a| {
                let link = a.link.as_ref().filter(|l| &l.org == org)?;
                let (request, since, _) = link.state.request()?;
                let expires_at = self.request_expiry(link)?;
                Some(AccountRequest {
                    request: request.clone(),
                    account: a.sid.clone(),
                    account_name: a.name.clone(),
                    import: matches!(link.state, LinkState::PendingImport { .. }),
                    owner_email: a
                        .owner
                        .as_ref()
                        .map(|o| self.email_of(o))
                        .unwrap_or_default(),
                    sent_at: since,
                    expires_at,
                    expired: expires_at <= self.clock,
                })
            })
            .collect()
    }

    /// ACC-8 rev 2: a closed account keeps only its history.
    pub(crate) fn refuse_closed(&self, account: &Account, what: &str) -> ActionResult<()> {
        if account.status != AccountStatus::Closed {
            return Ok(());
        }
        let when = account
            .closed_at
            .map(|t| format!(" on {}", time::format_date(t)))
            .unwrap_or_default();
        refuse(
            rules::ACC_8,
            format!(
                "{} was closed{when}: a closed account keeps only its history, so nobody can {what} it",
                account.name
            ),
            "closing is irreversible; nothing in tworg or Twilio reopens a closed account",
        )
    }

    /// ACC-3: room for `extra` more managed or pending accounts.
    pub(crate) fn check_account_limit(&self, org: &Sid, extra: usize) -> ActionResult<()> {
        let limit = self.org(org)?.settings.account_limit as usize;
        let used = self.accounts_toward_limit(org);
        if used + extra > limit {
            let raised = (used + extra) as u32;
            return Err(Refusal::new(
                rules::ACC_3,
                format!(
                    "{} already has {used} managed and pending accounts of its limit of {limit}",
                    self.org_name(org)
                ),
                format!(
                    "close or cancel an account, or ask Twilio Support to raise the account limit to {raised}"
                ),
            )
            .fix(Action::Set(Setting::AccountLimit(raised)))
            .into());
        }
        Ok(())
    }

    /// Moves an account to `link` (or out of every org). An account leaving an org leaves behind
    /// every role that org granted on it and its subaccounts, to members and external
    /// collaborators alike: relinquishing (ACC-6), a domain expiring (DOM-9), a new Owner's
    /// accounts joining their org (ORG-8). One that stays in its org keeps them.
    pub(crate) fn relink(&mut self, account: &Sid, link: Option<OrgLink>) {
        let from = self.accounts[account].link.as_ref().map(|l| l.org.clone());
        let leaves = from.is_some() && from != link.as_ref().map(|l| l.org.clone());
        self.account_mut(account).link = link;
        if leaves {
            self.drop_assignments_on_account(account);
        }
    }

    /// Open subaccounts of a main account.
    pub fn open_subaccounts(&self, parent: &Sid) -> usize {
        self.accounts
            .values()
            .filter(|a| a.parent.as_ref() == Some(parent) && a.status != AccountStatus::Closed)
            .count()
    }

    /// SUB-2 for accounts arriving in `org` (import, merge, a new Owner's accounts): each Full
    /// parent's open subaccounts must fit the org's subaccount limit.
    pub(crate) fn check_subaccounts_fit(&self, org: &Sid, accounts: &[Sid]) -> ActionResult<()> {
        let limit = self.org(org)?.settings.subaccount_limit as usize;
        for sid in accounts {
            let open = self.open_subaccounts(sid);
            if open > limit {
                let name = self
                    .accounts
                    .get(sid)
                    .map(|a| a.name.as_str())
                    .unwrap_or("an account");
                return Err(Refusal::new(
                    rules::SUB_2,
                    format!(
                        "{name} has {open} open subaccounts, over the limit of {limit} in {}",
                        self.org_name(org)
                    ),
                    format!("raise the subaccount limit to {open}, or close subaccounts first"),
                )
                .fix(Action::Set(Setting::SubaccountLimit(open as u32)))
                .into());
            }
        }
        Ok(())
    }

    fn insert_account(
        &mut self,
        name: String,
        owner: Option<Sid>,
        parent: Option<Sid>,
        usage: Usage,
        link: Option<OrgLink>,
    ) -> Sid {
        let sid = self.new_sid(SidKind::Account);
        let account = Account {
            sid: sid.clone(),
            name,
            owner,
            parent,
            status: AccountStatus::Active,
            closed_at: None,
            account_type: AccountType::Trial,
            usage,
            hipaa: false,
            created_at: self.clock,
            updated_at: None,
            link,
            legacy_access: BTreeMap::new(),
        };
        self.accounts.insert(sid.clone(), account);
        sid
    }

    /// An account outside every org, as before orgs existed.
    pub(crate) fn add_world_account(
        &mut self,
        name: &str,
        owner: &str,
        full: bool,
    ) -> ActionResult<Outcome> {
        let name = check_account_name(name, rules::ACC_1)?;
        let owner = self.find_user(owner)?.sid.clone();
        // ORG-8: an Org Owner's accounts are always managed by their org.
        let link = self.users[&owner]
            .membership
            .as_ref()
            .filter(|m| m.role == OrgRole::Owner)
            .map(|m| OrgLink {
                org: m.org.clone(),
                state: LinkState::Managed,
            });
        if let Some(l) = &link {
            self.check_account_limit(&l.org, 1)?;
        }
        let sid = self.insert_account(name.clone(), Some(owner.clone()), None, Usage::Twilio, link);
        if full {
            self.account_mut(&sid).account_type = AccountType::Full;
        }
        let detail = format!("account {sid} '{name}' owned by {}", self.email_of(&owner));
        self.audit_world(None, "world", "world.add-account", detail.clone());
        Ok(Outcome::msg(format!("added {detail}")).created(SidKind::Account, sid))
    }

    /// ACC-1, ACC-2, ACC-3.
    pub(crate) fn create_account(
        &mut self,
        ctx: &Ctx,
        name: &str,
        flex: bool,
        owner: Option<&str>,
    ) -> ActionResult<Outcome> {
        self.require_member(ctx, "create accounts")?;
        let name = check_account_name(name, rules::ACC_1)?;
        let owner_sid = match (owner, ctx.acting_user()) {
            (Some(key), _) => {
                let user = self.find_user(key)?;
                if Some(&user.sid) != ctx.acting_user() {
                    self.require_admin(ctx, "create accounts for someone else")?;
                }
                let active_member = self
                    .membership_in(&user.sid, &ctx.org)
                    .is_some_and(|m| m.status == MemberStatus::Active);
                if !active_member {
                    let deactivated = self
                        .membership_in(&user.sid, &ctx.org)
                        .is_some_and(|m| m.status == MemberStatus::Deactivated);
                    let refusal = Refusal::new(
                        rules::ACC_1,
                        format!(
                            "{} is not an active managed member of {}",
                            user.email,
                            self.org_name(&ctx.org)
                        ),
                        if deactivated {
                            format!(
                                "reactivate {} first, or choose an active member as owner",
                                user.email
                            )
                        } else {
                            format!(
                                "invite {} to the organization first, or choose an active member as owner",
                                user.email
                            )
                        },
                    );
                    return Err(if deactivated {
                        refusal.fix(Action::Reactivate {
                            user: user.email.clone(),
                        })
                    } else {
                        refusal
                    }
                    .into());
                }
                user.sid.clone()
            }
            (None, Some(actor)) => actor.clone(),
            (None, None) => self
                .owner_of_org(&ctx.org)
                .map(|u| u.sid.clone())
                .ok_or_else(|| ActionError::Invalid("the org has no owner".into()))?,
        };
        self.check_account_limit(&ctx.org, 1)?;
        let usage = if flex { Usage::Flex } else { Usage::Twilio };
        let link = OrgLink {
            org: ctx.org.clone(),
            state: LinkState::Managed,
        };
        let sid = self.insert_account(
            name.clone(),
            Some(owner_sid.clone()),
            None,
            usage,
            Some(link),
        );
        let detail = format!(
            "created {sid} '{name}' ({usage:?}, Trial) owned by {}",
            self.email_of(&owner_sid)
        );
        self.audit(ctx, "account.create", detail.clone());
        Ok(Outcome::msg(detail).created(SidKind::Account, sid))
    }

    /// Checks shared by import and link: an existing open main account in no org.
    fn check_addable(&self, ctx: &Ctx, key: &str) -> ActionResult<&Account> {
        let sid = Sid::parse(SidKind::Account, key)?;
        let Some(account) = self.accounts.get(&sid) else {
            return refuse(
                rules::ACC_4,
                format!("no account {sid} exists"),
                "check the SID in the account's Console > Account > General settings",
            );
        };
        if account.parent.is_some() {
            return refuse(
                rules::ACC_4,
                format!("{} is a subaccount", account.name),
                "add its parent account instead",
            );
        }
        if account.status == AccountStatus::Closed {
            return refuse(
                rules::ACC_4,
                format!("{} is closed", account.name),
                "closed accounts cannot be added to an organization",
            );
        }
        if let Some(link) = &account.link
            && self.request_expired(link)
        {
            // USR-3: an expired request stays until it is resent or cancelled.
            let sid = account.sid.to_string();
            let when = self
                .request_expiry(link)
                .map(time::format_date)
                .unwrap_or_default();
            return Err(if link.org == ctx.org {
                let r = Refusal::new(
                    rules::USR_3,
                    format!(
                        "{} already has a request in this organization that expired on {when}",
                        account.name
                    ),
                    "resend that request instead",
                );
                self.with_request_resend(&ctx.org, account, None, r).into()
            } else {
                let other = self.org_name(&link.org);
                let r = Refusal::new(
                    rules::ACC_4,
                    format!(
                        "{} has a request from {other} that expired on {when} and is still listed there",
                        account.name
                    ),
                    format!("an administrator of {other} cancels that request first"),
                );
                match self.owner_of_org(&link.org) {
                    Some(o) => r.fix_by(o.email.clone(), Action::CancelAccount { sid }),
                    None => r,
                }
                .into()
            });
        }
        if let Some(link) = account.link.as_ref().filter(|l| l.org != ctx.org)
            && link.state == LinkState::Managed
            && let Some(owner) = account.owner.as_ref().map(|o| self.email_of(o))
            && self.merge_candidate_of(&ctx.org, &owner).as_ref() == Some(&link.org)
        {
            let message = format!(
                "{} is managed by {}, whose Owner owns it",
                account.name,
                self.org_name(&link.org)
            );
            return Err(self
                .merge_route_refusal(ctx, rules::ACC_4, &owner, message)
                .into());
        }
        if let Some(link) = &account.link {
            let place = if link.org == ctx.org {
                "this organization".to_string()
            } else {
                self.org_name(&link.org)
            };
            let state = match link.state.kind() {
                AccountKind::Pending => "already pending in",
                AccountKind::Managed => "already managed by",
                AccountKind::Independent => "already linked to",
            };
            return refuse(
                rules::ACC_4,
                format!("{} is {state} {place}", account.name),
                "an account belongs to at most one organization",
            );
        }
        Ok(account)
    }

    /// ACC-4: import by SID; becomes Pending until the owner confirms.
    pub(crate) fn import_account(&mut self, ctx: &Ctx, key: &str) -> ActionResult<Outcome> {
        let account = self.check_import(ctx, key)?;
        let owner = self.user(account.owner.as_ref().expect("main account has an owner"))?;
        let (sid, name, owner_email) = (
            account.sid.clone(),
            account.name.clone(),
            owner.email.clone(),
        );
        let request = self.open_request(ctx, &sid, true);
        let detail =
            format!("import of {sid} '{name}' requested; pending until {owner_email} confirms");
        self.audit(ctx, "account.import", detail.clone());
        Ok(Outcome::msg(detail).created(SidKind::Notification, request))
    }

    /// Every check of an import by SID (ACC-3, ACC-4) without changing anything, so a form can
    /// tell as the SID is typed whether the import would be accepted.
    pub fn check_import(&self, ctx: &Ctx, key: &str) -> ActionResult<&Account> {
        self.require_admin(ctx, "import accounts")?;
        let account = self.check_addable(ctx, key)?;
        let owner = self.user(account.owner.as_ref().expect("main account has an owner"))?;
        let what = format!("importing {} (owned by {})", account.name, owner.email);
        if let Some(r) =
            self.unverified_domain_refusal(&ctx.org, &owner.email, rules::ACC_4, &what, None)
        {
            return Err(r.into());
        }
        self.check_room_for(ctx, &account.sid)?;
        Ok(account)
    }

    /// The main accounts outside the context's org, by name, each with whether it may be
    /// imported now (the very checks of an import) — what an import form and `show accounts
    /// --outside` list: the importable ones and, for the others, the refusal.
    pub fn accounts_outside(&self, ctx: &Ctx) -> Vec<(&Account, Result<(), Refusal>)> {
        let mut out: Vec<(&Account, Result<(), Refusal>)> = self
            .accounts
            .values()
            .filter(|a| a.parent.is_none())
            .filter(|a| self.link_of(a).is_none_or(|l| l.org != ctx.org))
            .map(|a| {
                let may = match self.check_import(ctx, a.sid.as_str()) {
                    Ok(_) => Ok(()),
                    Err(ActionError::Refused(r)) => Err(r),
                    Err(e) => Err(Refusal::new(rules::ACC_4, e.to_string(), "")),
                };
                (a, may)
            })
            .collect();
        out.sort_by(|(a, _), (b, _)| {
            (a.name.to_lowercase(), &a.sid).cmp(&(b.name.to_lowercase(), &b.sid))
        });
        out
    }

    /// ACC-3, SUB-2: room in the org for one more pending account and its subaccounts.
    fn check_room_for(&self, ctx: &Ctx, sid: &Sid) -> ActionResult<()> {
        self.check_account_limit(&ctx.org, 1)?;
        self.check_subaccounts_fit(&ctx.org, std::slice::from_ref(sid))
    }

    /// A request sent now expires after the org's invitation lifetime (ACC-4 rev 2, USR-3).
    fn request_lifetime_end(&self, org: &Sid) -> Timestamp {
        let days = self
            .orgs
            .get(org)
            .map_or(OrgSettings::default().invite_days, |o| {
                o.settings.invite_days
            });
        time::later(self.clock, time::days(days))
    }

    /// Makes an account pending in the org: an import (ACC-4) or a link (ACC-6). Returns the
    /// request's `NF` SID.
    fn open_request(&mut self, ctx: &Ctx, sid: &Sid, import: bool) -> Sid {
        let request = self.new_sid(SidKind::Notification);
        let since = self.clock;
        let expires_at = Some(self.request_lifetime_end(&ctx.org));
        let state = if import {
            LinkState::PendingImport {
                request: request.clone(),
                since,
                expires_at,
            }
        } else {
            LinkState::PendingLink {
                request: request.clone(),
                since,
                expires_at,
            }
        };
        self.account_mut(sid).link = Some(OrgLink {
            org: ctx.org.clone(),
            state,
        });
        request
    }

    /// ACC-6: invite an outside owner to share an account as independent.
    pub(crate) fn link_account(&mut self, ctx: &Ctx, key: &str) -> ActionResult<Outcome> {
        self.require_admin(ctx, "link independent accounts")?;
        let account = self.check_addable(ctx, key)?;
        let owner = self.user(account.owner.as_ref().expect("main account has an owner"))?;
        if self.membership_in(&owner.sid, &ctx.org).is_some() {
            return refuse(
                rules::ACC_6,
                format!(
                    "{} is owned by {}, a member of this organization",
                    account.name, owner.email
                ),
                "an independent account belongs to someone outside the org; import this account instead",
            );
        }
        let (sid, name, owner_email) = (
            account.sid.clone(),
            account.name.clone(),
            owner.email.clone(),
        );
        // ACC-3: a pending link is a pending account until its owner accepts.
        self.check_room_for(ctx, &sid)?;
        let request = self.open_request(ctx, &sid, false);
        let detail =
            format!("{owner_email} invited to share {sid} '{name}' as an independent account");
        self.audit(ctx, "account.link", detail.clone());
        Ok(Outcome::msg(detail).created(SidKind::Notification, request))
    }

    /// SUB-4: a subaccount follows its parent; a request is answered or cancelled on the parent.
    fn refuse_subaccount_of_request(&self, account: &Account, what: &str) -> ActionResult<()> {
        match account.parent.as_ref().and_then(|p| self.accounts.get(p)) {
            Some(parent) => refuse(
                rules::SUB_4,
                format!(
                    "{} is a subaccount of {}; it has no owner of its own and follows its parent",
                    account.name, parent.name
                ),
                format!("{what} the parent account instead ({})", parent.sid),
            ),
            None => Ok(()),
        }
    }

    /// The pending account and its owner, for confirm/decline, acting as that owner (ACC-5).
    pub(crate) fn pending_for_owner(
        &self,
        ctx: &Ctx,
        key: &str,
        what: &str,
    ) -> ActionResult<(Sid, Sid, bool)> {
        let account = self.account_in_org(ctx, key)?;
        self.refuse_subaccount_of_request(account, what)?;
        let link = self.link_of(account).expect("in org");
        let is_import = match link.state {
            LinkState::PendingImport { .. } => true,
            LinkState::PendingLink { .. } => false,
            _ => {
                return refuse(
                    rules::ACC_5,
                    format!("{} is not pending", account.name),
                    "only a pending import or link can be confirmed or declined",
                );
            }
        };
        let owner = account.owner.clone().expect("main account");
        if ctx.acting_user() != Some(&owner) {
            let owner_email = self.email_of(&owner);
            let again = if what == "confirm" {
                Action::ConfirmAccount {
                    sid: account.sid.to_string(),
                }
            } else {
                Action::DeclineAccount {
                    sid: account.sid.to_string(),
                }
            };
            return Err(Refusal::new(
                rules::ACC_5,
                format!("only the account's owner, {owner_email}, can {what} it"),
                format!("{owner_email} must {what} it themselves"),
            )
            .fix_by(owner_email, again)
            .into());
        }
        Ok((account.sid.clone(), owner, is_import))
    }

    /// USR-3's fix for an account's expired request: `by` resends it, after the steps that make
    /// room for it under the account limit (ACC-3) and verify the owner's domain again when it
    /// is an import (ACC-4).
    fn with_request_resend(
        &self,
        org: &Sid,
        account: &Account,
        by: Option<String>,
        r: Refusal,
    ) -> Refusal {
        let is_import = account
            .link
            .as_ref()
            .is_some_and(|l| matches!(l.state, LinkState::PendingImport { .. }));
        let owner = account.owner.as_ref().map(|o| self.email_of(o));
        let on = owner
            .as_deref()
            .filter(|_| is_import)
            .map(|email| (email, rules::ACC_4));
        let resend = Action::ResendAccount {
            sid: account.sid.to_string(),
        };
        // An expired request stopped counting toward the limit; resending counts it again.
        let mut r = r;
        if let Err(ActionError::Refused(full)) = self.check_account_limit(org, 1) {
            r.fixes.extend(full.fixes);
        }
        self.with_resend_of(org, on, by, r, resend)
    }

    /// USR-3 (ACC-4 rev 2): an expired request cannot complete until it is resent.
    fn refuse_expired_request(&self, ctx: &Ctx, sid: &Sid) -> ActionResult<()> {
        let account = &self.accounts[sid];
        let Some(link) = account.link.as_ref().filter(|l| self.request_expired(l)) else {
            return Ok(());
        };
        let kind = if matches!(link.state, LinkState::PendingImport { .. }) {
            "import"
        } else {
            "link"
        };
        let when = self
            .request_expiry(link)
            .map(time::format_date)
            .unwrap_or_default();
        let r = Refusal::new(
            rules::USR_3,
            format!("the {kind} request for {} expired on {when}", account.name),
            "an administrator resends it, which gives it a new lifetime; then confirm it",
        );
        Err(self
            .with_request_resend(&ctx.org, account, self.admin_by(ctx), r)
            .into())
    }

    /// ACC-5 / ACC-6: the owner confirms; an import becomes managed, a link independent.
    /// Completing later re-checks what starting checked (rev 2): the request has not expired
    /// (USR-3), an import's owner is still on a verified domain (ACC-4, DOM-9), and the owner's
    /// independent accounts, which become managed when they join (USR-5), fit the limit (ACC-3).
    pub(crate) fn confirm_account(&mut self, ctx: &Ctx, key: &str) -> ActionResult<Outcome> {
        let (sid, owner, is_import) = self.pending_for_owner(ctx, key, "confirm")?;
        self.refuse_expired_request(ctx, &sid)?;
        let name = self.accounts[&sid].name.clone();
        let owner_email = self.email_of(&owner);
        let membership = self.users[&owner].membership.clone();
        if is_import {
            let what = format!("confirming the import of {name}");
            if let Some(r) = self.unverified_domain_refusal(
                &ctx.org,
                &owner_email,
                rules::ACC_4,
                &what,
                self.admin_by(ctx),
            ) {
                return Err(r.into());
            }
            if let Some(m) = membership.as_ref().filter(|m| m.org != ctx.org)
                && m.role == OrgRole::Owner
            {
                let message = format!(
                    "{owner_email} is the Owner of {}: confirming {name} would take them out of it",
                    self.org_name(&m.org)
                );
                return Err(self
                    .merge_route_refusal(ctx, rules::ACC_5, &owner_email, message)
                    .into());
            }
            if let Some(m) = membership.as_ref().filter(|m| m.org != ctx.org) {
                return refuse(
                    rules::USR_2,
                    format!(
                        "{owner_email} belongs to {} and cannot join {}",
                        self.org_name(&m.org),
                        self.org_name(&ctx.org)
                    ),
                    "a user belongs to at most one organization; decline, or leave the other org first",
                );
            }
            if membership.is_none() {
                self.check_join_fits(ctx, std::slice::from_ref(&owner))?;
            }
        } else if membership.as_ref().is_some_and(|m| m.org == ctx.org) {
            return refuse(
                rules::ACC_6,
                "the owner is now a member of this organization",
                "cancel the link and import the account instead",
            );
        }
        let detail = if is_import {
            let joined = membership.is_none();
            let converted = if joined {
                self.join(&owner, &ctx.org, OrgRole::Standard)
            } else {
                Vec::new()
            };
            self.account_mut(&sid).link = Some(OrgLink {
                org: ctx.org.clone(),
                state: LinkState::Managed,
            });
            format!(
                "{sid} '{name}' is now managed{}{}",
                if joined {
                    "; its owner joined as a Standard member"
                } else {
                    ""
                },
                self.became_managed_note(&converted)
            )
        } else {
            self.account_mut(&sid).link = Some(OrgLink {
                org: ctx.org.clone(),
                state: LinkState::Independent,
            });
            format!("{sid} '{name}' is now an independent account of the organization")
        };
        self.audit(ctx, "account.confirm", detail.clone());
        Ok(Outcome::msg(detail))
    }

    /// ACC-4, ACC-6 rev 2: an administrator resends a pending or expired request, which restarts
    /// its lifetime. Resending re-checks what sending checked.
    pub(crate) fn resend_account(&mut self, ctx: &Ctx, key: &str) -> ActionResult<Outcome> {
        self.require_admin(ctx, "resend account requests")?;
        let account = self.account_in_org(ctx, key)?;
        self.refuse_subaccount_of_request(account, "resend")?;
        let link = self.link_of(account).expect("in org").clone();
        let Some((request, _, _)) = link.state.request() else {
            return refuse(
                rules::ACC_5,
                format!(
                    "{} is {}, not a pending request",
                    account.name,
                    link.state.kind().label().to_ascii_lowercase()
                ),
                "only a pending or expired import or link request can be resent",
            );
        };
        let request = request.clone();
        let is_import = matches!(link.state, LinkState::PendingImport { .. });
        let (sid, name) = (account.sid.clone(), account.name.clone());
        let owner = account.owner.clone().expect("main account");
        let owner_email = self.email_of(&owner);
        if is_import {
            let what = format!("resending the import of {name}");
            if let Some(r) =
                self.unverified_domain_refusal(&ctx.org, &owner_email, rules::ACC_4, &what, None)
            {
                return Err(r.into());
            }
        } else if self.membership_in(&owner, &ctx.org).is_some() {
            return Err(Refusal::new(
                rules::ACC_6,
                format!("{owner_email}, the owner of {name}, is now a member of this organization"),
                "cancel the link and import the account instead",
            )
            .fix(Action::CancelAccount {
                sid: sid.to_string(),
            })
            .fix(Action::ImportAccount {
                sid: sid.to_string(),
            })
            .into());
        }
        // ACC-3: an expired request stopped counting; resending counts it again.
        if self.request_expired(&link) {
            self.check_room_for(ctx, &sid)?;
        }
        let now = self.clock;
        let expires = self.request_lifetime_end(&ctx.org);
        let new_state = if is_import {
            LinkState::PendingImport {
                request,
                since: now,
                expires_at: Some(expires),
            }
        } else {
            LinkState::PendingLink {
                request,
                since: now,
                expires_at: Some(expires),
            }
        };
        self.account_mut(&sid).link = Some(OrgLink {
            org: ctx.org.clone(),
            state: new_state,
        });
        let detail = format!(
            "resent the {} request for {sid} '{name}' to {owner_email}; it expires {}",
            if is_import { "import" } else { "link" },
            time::format_time(expires)
        );
        self.audit(ctx, "account.resend", detail.clone());
        Ok(Outcome::msg(detail))
    }

    /// ACC-5: the owner declines; the request disappears.
    /// ACC-4, ACC-5 rev 2: an account of another organization's Owner comes only with that
    /// organization, by merging it in (MRG-5). The fix is the merge invitation and its
    /// acceptance when the merge is possible, else the merge's own blockers and their fixes.
    fn merge_route_refusal(
        &self,
        ctx: &Ctx,
        rule: rules::Rule,
        owner_email: &str,
        message: String,
    ) -> Refusal {
        let other = self
            .merge_candidate_of(&ctx.org, owner_email)
            .map(|o| self.org_name(&o))
            .unwrap_or_default();
        let message = format!(
            "{message}; it can come to {} only by merging {other} into it (MRG-5)",
            self.org_name(&ctx.org)
        );
        let preview = self.merge_invitation_preview(ctx, owner_email, OrgRole::Standard);
        match preview.as_ref().and_then(|p| p.refusal()) {
            Some(blocked) => Refusal {
                rule: rule.id,
                message: format!(
                    "{message}; that merge is not possible yet: {}",
                    blocked.message
                ),
                hint: blocked.hint,
                fixes: blocked.fixes,
            },
            None => {
                let invite = Action::Invite {
                    email: owner_email.to_string(),
                    role: OrgRole::Standard,
                    accounts: vec![],
                };
                let refusal = Refusal::new(
                    rule,
                    message,
                    format!(
                        "invite {owner_email}, the Owner of {other}, to merge it in; when they accept, {other} and its accounts join"
                    ),
                );
                let refusal = match (
                    self.invitation_step(&ctx.org, owner_email, invite),
                    self.admin_by(ctx),
                ) {
                    (None, _) => refusal,
                    (Some(step), Some(admin)) => refusal.fix_by(admin, step),
                    (Some(step), None) => refusal.fix(step),
                };
                refusal.fix_by(
                    owner_email,
                    Action::AcceptInvite {
                        email: owner_email.to_string(),
                    },
                )
            }
        }
    }

    /// The step before `email` can accept an invitation to `org`: `invite` when none is listed,
    /// a resend when the listed one expired (USR-3), nothing when one is pending.
    pub(crate) fn invitation_step(&self, org: &Sid, email: &str, invite: Action) -> Option<Action> {
        let listed = self.orgs.get(org)?.invitations.for_email(email);
        match listed {
            None => Some(invite),
            Some(i) if i.is_expired(self.clock) => Some(Action::ResendInvite {
                email: email.to_string(),
            }),
            Some(_) => None,
        }
    }

    pub(crate) fn decline_account(&mut self, ctx: &Ctx, key: &str) -> ActionResult<Outcome> {
        let (sid, _, _) = self.pending_for_owner(ctx, key, "decline")?;
        self.account_mut(&sid).link = None;
        let detail = format!("the owner declined {sid} '{}'", self.accounts[&sid].name);
        self.audit(ctx, "account.decline", detail.clone());
        Ok(Outcome::msg(detail))
    }

    /// ACC-5: an administrator cancels a pending import or link; ACC-6: or relinquishes an
    /// independent account.
    pub(crate) fn cancel_account(&mut self, ctx: &Ctx, key: &str) -> ActionResult<Outcome> {
        self.require_admin(ctx, "cancel pending accounts")?;
        let account = self.account_in_org(ctx, key)?;
        self.refuse_subaccount_of_request(account, "cancel or relinquish")?;
        let (sid, name) = (account.sid.clone(), account.name.clone());
        let detail = match self.kind_in(account, &ctx.org) {
            Some(AccountKind::Pending) => {
                format!("cancelled the pending request for {sid} '{name}'")
            }
            Some(AccountKind::Independent) => {
                format!("relinquished access to the independent account {sid} '{name}'")
            }
            _ => {
                return refuse(
                    rules::ACC_5,
                    format!("{name} is managed, not pending"),
                    "only pending accounts can be cancelled; close a managed account instead",
                );
            }
        };
        self.relink(&sid, None);
        self.audit(ctx, "account.cancel", detail.clone());
        Ok(Outcome::msg(detail))
    }

    /// The checks of a rename that do not depend on the new name.
    pub(crate) fn rename_precheck(&self, ctx: &Ctx, key: &str) -> ActionResult<&Account> {
        let account = self.managed_account(ctx, key, "rename")?;
        // What no one may do is said before who may (ACC-8): the fix is then never refused.
        self.refuse_closed(account, "rename")?;
        self.require_account_op(ctx, account, AccountOp::Rename)?;
        Ok(account)
    }

    pub(crate) fn rename_account(
        &mut self,
        ctx: &Ctx,
        key: &str,
        name: &str,
    ) -> ActionResult<Outcome> {
        let account = self.rename_precheck(ctx, key)?;
        let rule = if account.parent.is_some() {
            rules::SUB_3
        } else {
            rules::ACC_1
        };
        let new_name = check_account_name(name, rule)?;
        let sid = account.sid.clone();
        let old = std::mem::replace(&mut self.account_mut(&sid).name, new_name.clone());
        let detail = format!("renamed {sid} '{old}' to '{new_name}'");
        self.audit(ctx, "account.rename", detail.clone());
        Ok(Outcome::msg(detail))
    }

    /// ACC-7, USR-5.
    /// The checks of a transfer that depend only on the account and the acting user: asked
    /// before a face opens its dialog, and first by the transfer itself.
    pub(crate) fn transfer_precheck(&self, ctx: &Ctx, key: &str) -> ActionResult<&Account> {
        let account = self.managed_account(ctx, key, "transfer ownership of")?;
        if account.parent.is_some() {
            return refuse(
                rules::SUB_4,
                format!(
                    "{} is a subaccount and has no owner of its own",
                    account.name
                ),
                "transfer its parent account instead",
            );
        }
        // ORG-3: handing account ownership on is org management, even for the account's owner.
        if let (Actor::User(u), Some(m)) = (&ctx.actor, self.actor_membership(ctx))
            && !m.role.is_admin()
        {
            let even = if self.owner_of(account).as_ref() == Some(u) {
                ", even for its owner"
            } else {
                ""
            };
            let mut r = Refusal::new(
                rules::ORG_3,
                format!(
                    "{} is a Standard user; transferring the ownership of {} is org management{even}",
                    self.email_of(u),
                    account.name
                ),
                "ask an Administrator or the Owner to transfer it, or to make you an Administrator",
            );
            if let Some(owner) = self.owner_of_org(&ctx.org) {
                r = r.fix_by(
                    owner.email.clone(),
                    Action::SetRole {
                        user: self.email_of(u),
                        role: OrgRole::Administrator,
                        confirm_lockout: false,
                    },
                );
            }
            return Err(r.into());
        }
        self.refuse_closed(account, "transfer")?;
        self.require_admin(ctx, "transfer account ownership")?;
        Ok(account)
    }

    pub(crate) fn transfer_account(
        &mut self,
        ctx: &Ctx,
        key: &str,
        new_owner: &str,
    ) -> ActionResult<Outcome> {
        let account = self.transfer_precheck(ctx, key)?;
        let target = self.find_user(new_owner)?;
        let org_name = self.org_name(&ctx.org);
        match self.membership_in(&target.sid, &ctx.org) {
            None => return Err(self.transfer_to_outsider(ctx, target, &org_name).into()),
            Some(m) if m.status != MemberStatus::Active => {
                return Err(Refusal::new(
                    rules::ACC_7,
                    format!("{} is deactivated", target.email),
                    format!(
                        "reactivate {} first, or choose an active member",
                        target.email
                    ),
                )
                .fix(Action::Reactivate {
                    user: target.email.clone(),
                })
                .into());
            }
            _ => {}
        }
        let previous = account.owner.clone().expect("main account");
        if previous == target.sid {
            return refuse(
                rules::ACC_7,
                format!("{} already owns {}", target.email, account.name),
                "choose another member",
            );
        }
        let (sid, target_sid) = (account.sid.clone(), target.sid.clone());
        self.account_mut(&sid).owner = Some(target_sid.clone());
        // The new owner holds no role on what it owns; the previous one keeps Administrator (ACC-7).
        self.set_general_roles(&target_sid, &sid, &BTreeSet::new());
        self.set_general_roles(&previous, &sid, &[AccountRole::Administrator].into());
        let detail = format!(
            "{sid} '{}' now owned by {}; {} keeps Administrator access",
            self.accounts[&sid].name,
            self.email_of(&target_sid),
            self.email_of(&previous)
        );
        self.audit(ctx, "account.transfer", detail.clone());
        Ok(Outcome::msg(detail))
    }

    /// ACC-7: the new owner of a managed account is not a member of the org. Someone on a
    /// verified domain who belongs to no org can be invited first; nobody else can own it.
    fn transfer_to_outsider(&self, ctx: &Ctx, target: &User, org_name: &str) -> Refusal {
        let email = target.email.clone();
        let message = |why: &str| {
            format!(
                "{email} is not a member of {org_name}{why}; a managed account's owner must be an active managed member of the organization"
            )
        };
        if let Some(m) = &target.membership {
            return Refusal::new(
                rules::ACC_7,
                message(&format!(" (they belong to {})", self.org_name(&m.org))),
                format!("choose an active member of {org_name}"),
            );
        }
        let org = self.orgs.get(&ctx.org);
        if !org.is_some_and(|o| self.on_verified_domain(o, &email)) {
            let why = if self
                .external_collaborators(&ctx.org)
                .any(|u| u.sid == target.sid)
            {
                " (an external collaborator)"
            } else {
                ""
            };
            return Refusal::new(
                rules::ACC_7,
                message(why),
                format!(
                    "choose an active member of {org_name}; only people on its verified domains can be invited to become members"
                ),
            );
        }
        let pending = org.is_some_and(|o| o.invitations.for_email(&email).is_some());
        let mut r = Refusal::new(
            rules::ACC_7,
            message(""),
            if pending {
                format!("have {email} accept their invitation first, then transfer")
            } else {
                format!("invite {email} and have them accept first, then transfer")
            },
        );
        if !pending {
            r = r.fix(Action::Invite {
                email: email.clone(),
                role: OrgRole::Standard,
                accounts: vec![],
            });
        }
        r.fix_by(email.clone(), Action::AcceptInvite { email })
    }

    /// ACC-9.
    /// Every check of an upgrade (it takes no input).
    pub(crate) fn upgrade_precheck(&self, ctx: &Ctx, key: &str) -> ActionResult<&Account> {
        let account = self.managed_account(ctx, key, "upgrade")?;
        self.refuse_closed(account, "upgrade")?;
        if account.parent.is_some() {
            return refuse(
                rules::ACC_10,
                format!("{} is a subaccount and bills to its parent", account.name),
                "upgrade the parent account",
            );
        }
        if account.account_type == AccountType::Full {
            return refuse(
                rules::ACC_9,
                format!("{} is already Full", account.name),
                "an account goes Trial -> Full only, never back",
            );
        }
        self.require_account_op(ctx, account, AccountOp::Upgrade)?;
        Ok(account)
    }

    pub(crate) fn upgrade_account(&mut self, ctx: &Ctx, key: &str) -> ActionResult<Outcome> {
        let account = self.upgrade_precheck(ctx, key)?;
        let sid = account.sid.clone();
        self.account_mut(&sid).account_type = AccountType::Full;
        let detail = format!(
            "upgraded {sid} '{}' from Trial to Full",
            self.accounts[&sid].name
        );
        self.audit(ctx, "account.upgrade", detail.clone());
        Ok(Outcome::msg(detail))
    }

    /// ACC-8, SUB-5: suspend, resume, close (with the name typed).
    pub(crate) fn set_account_status(
        &mut self,
        ctx: &Ctx,
        key: &str,
        to: AccountStatus,
        confirm: Option<&String>,
    ) -> ActionResult<Outcome> {
        let verb = match to {
            AccountStatus::Suspended => Verb::Suspend,
            AccountStatus::Active => Verb::Resume,
            AccountStatus::Closed => Verb::Close,
        };
        let account = self.managed_account(ctx, key, verb.base())?;
        let op = match (account.parent.is_some(), to) {
            (true, _) => AccountOp::SubaccountStatus,
            (false, AccountStatus::Closed) => AccountOp::Close,
            (false, _) => AccountOp::SuspendResume,
        };
        self.refuse_closed(account, verb.base())?;
        self.require_account_op(ctx, account, op)?;
        if let Some(parent) = account.parent.as_ref().and_then(|p| self.accounts.get(p))
            && parent.status == AccountStatus::Suspended
        {
            return Err(Refusal::new(
                rules::SUB_5,
                format!(
                    "the parent {} is suspended, so {} cannot change status",
                    parent.name, account.name
                ),
                format!("resume the parent account {} first", parent.name),
            )
            .fix(Action::ResumeAccount {
                sid: parent.sid.to_string(),
            })
            .into());
        }
        let from = account.status;
        let allowed = matches!(
            (from, to),
            (AccountStatus::Active, AccountStatus::Suspended)
                | (AccountStatus::Suspended, AccountStatus::Active)
                | (
                    AccountStatus::Active | AccountStatus::Suspended,
                    AccountStatus::Closed
                )
        );
        if !allowed {
            let hint = if from == AccountStatus::Closed {
                "closing is irreversible"
            } else {
                "active <-> suspended; active or suspended -> closed"
            };
            return refuse(
                rules::ACC_8,
                format!(
                    "{} is {} and cannot be {}",
                    account.name,
                    from.label(),
                    verb.participle()
                ),
                hint,
            );
        }
        if to == AccountStatus::Closed && confirm.map(|c| c.trim()) != Some(account.name.as_str()) {
            return Err(Refusal::new(
                rules::ACC_8,
                format!("closing {} needs its name typed to confirm", account.name),
                format!("type the account's name exactly: {}", account.name),
            )
            .fix(Action::CloseAccount {
                sid: account.sid.to_string(),
                confirm_name: account.name.clone(),
            })
            .into());
        }
        let sid = account.sid.clone();
        let children: Vec<Sid> = self
            .accounts
            .values()
            .filter(|a| a.parent.as_ref() == Some(&sid) && a.status != AccountStatus::Closed)
            .filter(|a| to != AccountStatus::Active || a.status == AccountStatus::Suspended)
            .map(|a| a.sid.clone())
            .collect();
        let now = self.clock;
        for s in children.iter().chain(std::iter::once(&sid)) {
            let a = self.account_mut(s);
            a.status = to;
            if to == AccountStatus::Closed {
                a.closed_at = Some(now);
            }
        }
        let cascade = if children.is_empty() {
            String::new()
        } else {
            format!(
                " with {}",
                words::count(children.len(), "subaccount", "subaccounts")
            )
        };
        let detail = format!(
            "{} {sid} '{}'{cascade}",
            verb.past(),
            self.accounts[&sid].name
        );
        self.audit(ctx, &format!("account.{}", verb.base()), detail.clone());
        Ok(Outcome::msg(detail))
    }

    /// HIP-1, HIP-2.
    /// Every check of a HIPAA change: it depends only on the account, the acting user and the
    /// org's BAA, so a face asks it before anything opens.
    pub(crate) fn hipaa_precheck(&self, ctx: &Ctx, key: &str, on: bool) -> ActionResult<&Account> {
        let account = self.managed_account(ctx, key, "change HIPAA on")?;
        self.refuse_closed(account, "change HIPAA on")?;
        self.require_admin(ctx, "change HIPAA designation")?;
        if on && !self.org(&ctx.org)?.settings.baa {
            return Err(Refusal::new(
                rules::HIP_1,
                format!("{} has no executed BAA on record", self.org_name(&ctx.org)),
                "ask Twilio Support to record the executed BAA first",
            )
            .fix(Action::Set(Setting::Baa(true)))
            .into());
        }
        if account.hipaa == on {
            return refuse(
                rules::HIP_2,
                format!(
                    "HIPAA is already {} for {}",
                    if on { "on" } else { "off" },
                    account.name
                ),
                "nothing to change",
            );
        }
        Ok(account)
    }

    pub(crate) fn set_hipaa(&mut self, ctx: &Ctx, key: &str, on: bool) -> ActionResult<Outcome> {
        let account = self.hipaa_precheck(ctx, key, on)?;
        let sid = account.sid.clone();
        self.account_mut(&sid).hipaa = on;
        let detail = format!(
            "HIPAA {} for {sid} '{}'{}",
            if on { "on" } else { "off" },
            self.accounts[&sid].name,
            // HIP-3: a main account's subaccounts keep their own flag.
            if self.accounts[&sid].parent.is_none() {
                " (existing subaccounts unchanged)"
            } else {
                ""
            }
        );
        self.audit(ctx, "account.hipaa", detail.clone());
        Ok(Outcome::msg(detail))
    }

    /// USR-4, USR-5, ACC-6: grant account roles to a member or an external user.
    pub(crate) fn grant_access(
        &mut self,
        ctx: &Ctx,
        key: &str,
        user: &str,
        roles: &[AccountRole],
    ) -> ActionResult<Outcome> {
        let account = self.account_in_org(ctx, key)?;
        if account.parent.is_some() {
            let parent = self.main_account(account);
            return Err(Refusal::new(
                rules::SUB_4,
                format!("{} is a subaccount", account.name),
                format!(
                    "grant access on its parent account {}; it reaches the subaccounts",
                    parent.name
                ),
            )
            .fix(Action::GrantAccess {
                sid: parent.sid.to_string(),
                user: user.to_string(),
                roles: roles.to_vec(),
            })
            .into());
        }
        let kind = self.kind_in(account, &ctx.org);
        if kind == Some(AccountKind::Pending) {
            return refuse(
                rules::ACC_5,
                format!("{} is pending", account.name),
                "wait until its owner confirms",
            );
        }
        self.refuse_closed(account, "grant access to")?;
        self.require_account_op(ctx, account, AccountOp::ManageAccess)?;
        let target = self.find_user(user)?;
        let is_member = self.membership_in(&target.sid, &ctx.org).is_some();
        let org = self.org(&ctx.org)?;
        if !is_member && self.on_verified_domain(org, &target.email) {
            check_account_roles(roles)?;
            // USR-5 rev 2: someone of the org's own domain joins as a member, with the access.
            let r = Refusal::new(
                rules::USR_5,
                format!(
                    "{} is on {}, a verified domain of {}: they are invited as a member, not granted access as an external collaborator",
                    target.email,
                    World::email_domain(&target.email).unwrap_or_default(),
                    org.name
                ),
                format!(
                    "invite {} with this access to {}; it applies when they accept",
                    target.email, account.name
                ),
            );
            let r = if let Some(m) = &target.membership {
                Refusal {
                    hint: format!(
                        "{} belongs to {}, and a user belongs to one organization: grant the access to a member of {} instead",
                        target.email,
                        self.org_name(&m.org),
                        org.name
                    ),
                    ..r
                }
            } else {
                let invite = Action::Invite {
                    email: target.email.clone(),
                    role: OrgRole::Standard,
                    // An invitation grants managed accounts only; on an independent one the
                    // grant follows once they are a member.
                    accounts: if kind == Some(AccountKind::Managed) {
                        vec![(account.sid.to_string(), roles.to_vec())]
                    } else {
                        vec![]
                    },
                };
                let step = self.invitation_step(&ctx.org, &target.email, invite);
                let r = match (step, self.admin_by(ctx)) {
                    (None, _) => r,
                    (Some(a), Some(by)) => r.fix_by(by, a),
                    (Some(a), None) => r.fix(a),
                };
                r.fix_by(
                    target.email.clone(),
                    Action::AcceptInvite {
                        email: target.email.clone(),
                    },
                )
            };
            return Err(r.into());
        }
        if !is_member && kind != Some(AccountKind::Managed) {
            return refuse(
                rules::USR_5,
                format!(
                    "{} is an external user and {} is not a managed account",
                    target.email, account.name
                ),
                "external users can be granted access to managed accounts only",
            );
        }
        if account.owner.as_ref() == Some(&target.sid) {
            return refuse(
                rules::USR_4,
                format!("{} owns {} already", target.email, account.name),
                "the owner has every right; grant roles to someone else",
            );
        }
        let set = check_account_roles(roles)?;
        let (sid, target_sid) = (account.sid.clone(), target.sid.clone());
        let labels: Vec<&str> = set.iter().map(|r| r.label()).collect();
        self.set_general_roles(&target_sid, &sid, &set);
        let detail = format!(
            "{} granted {} on {sid} '{}'{}",
            self.email_of(&target_sid),
            labels.join(" + "),
            self.accounts[&sid].name,
            if is_member {
                ""
            } else {
                " (external collaborator)"
            }
        );
        self.audit(ctx, "account.grant", detail.clone());
        Ok(Outcome::msg(detail))
    }

    pub(crate) fn revoke_access(
        &mut self,
        ctx: &Ctx,
        key: &str,
        user: &str,
    ) -> ActionResult<Outcome> {
        let account = self.account_in_org(ctx, key)?;
        self.require_account_op(ctx, account, AccountOp::ManageAccess)?;
        let target = self.find_user(user)?;
        if self.general_roles(&target.sid, &account.sid).is_empty() {
            return Err(ActionError::NotFound(format!(
                "{} has no granted access to {}",
                target.email, account.name
            )));
        }
        let (sid, target_sid) = (account.sid.clone(), target.sid.clone());
        self.set_general_roles(&target_sid, &sid, &BTreeSet::new());
        let detail = format!(
            "revoked {}'s access to {sid} '{}'",
            self.email_of(&target_sid),
            self.accounts[&sid].name
        );
        self.audit(ctx, "account.revoke", detail.clone());
        Ok(Outcome::msg(detail))
    }

    /// SUB-1, SUB-2, SUB-3, HIP-3.
    /// The checks of a new subaccount that depend only on its parent and the acting user.
    pub(crate) fn subaccount_precheck(
        &self,
        ctx: &Ctx,
        parent_key: &str,
        name: Option<&str>,
    ) -> ActionResult<&Account> {
        let parent = self.managed_account(ctx, parent_key, "create subaccounts under")?;
        self.require_account_op(ctx, parent, AccountOp::CreateSubaccount)?;
        if parent.parent.is_some() {
            let main = self.main_account(parent);
            return Err(Refusal::new(
                rules::SUB_1,
                format!(
                    "{} is a subaccount; a subaccount cannot have subaccounts",
                    parent.name
                ),
                format!("create it under the main account {}", main.name),
            )
            .fix(Action::CreateSubaccount {
                parent: main.sid.to_string(),
                name: name.map(String::from),
            })
            .into());
        }
        match parent.status {
            AccountStatus::Closed => {
                return refuse(
                    rules::ACC_8,
                    format!("{} is closed", parent.name),
                    "closed accounts cannot change",
                );
            }
            AccountStatus::Suspended => {
                return Err(Refusal::new(
                    rules::SUB_5,
                    format!("{} is suspended", parent.name),
                    format!("resume {} first", parent.name),
                )
                .fix(Action::ResumeAccount {
                    sid: parent.sid.to_string(),
                })
                .into());
            }
            AccountStatus::Active => {}
        }
        Ok(parent)
    }

    pub(crate) fn create_subaccount(
        &mut self,
        ctx: &Ctx,
        parent_key: &str,
        name: Option<&str>,
    ) -> ActionResult<Outcome> {
        let parent = self.subaccount_precheck(ctx, parent_key, name)?;
        let limit = match parent.account_type {
            AccountType::Trial => 1,
            AccountType::Full => self.org(&ctx.org)?.settings.subaccount_limit as usize,
        };
        let open = self.open_subaccounts(&parent.sid);
        if open >= limit {
            let (hint, fix) = if parent.account_type == AccountType::Trial {
                (
                    format!("upgrade {} to Full, or close a subaccount", parent.name),
                    Action::UpgradeAccount {
                        sid: parent.sid.to_string(),
                    },
                )
            } else {
                (
                    format!(
                        "close a subaccount, or raise the subaccount limit to {}",
                        open + 1
                    ),
                    Action::Set(Setting::SubaccountLimit(open as u32 + 1)),
                )
            };
            return Err(Refusal::new(
                rules::SUB_2,
                format!(
                    "{} ({:?}) already has {open} of {limit} open subaccounts",
                    parent.name, parent.account_type
                ),
                hint,
            )
            .fix(fix)
            .into());
        }
        let name = match name.map(str::trim).filter(|n| !n.is_empty()) {
            Some(n) => check_account_name(n, rules::SUB_3)?,
            None => default_subaccount_name(self.clock),
        };
        let (parent_sid, hipaa, usage) = (parent.sid.clone(), parent.hipaa, parent.usage);
        let sid = self.insert_account(name.clone(), None, Some(parent_sid.clone()), usage, None);
        self.account_mut(&sid).hipaa = hipaa;
        let detail = format!(
            "created subaccount {sid} '{name}' under {parent_sid}{}",
            if hipaa {
                " (HIPAA, inherited from the parent)"
            } else {
                ""
            }
        );
        self.audit(ctx, "subaccount.create", detail.clone());
        Ok(Outcome::msg(detail).created(SidKind::Account, sid))
    }
}
