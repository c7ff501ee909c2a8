//! Lookups and shared checks used by every action: finding users, accounts and orgs from what a
//! person types, role checks (ORG-3, ORG-4), SID generation (ID-2) and the audit log (AUD-1).

use jiff::Timestamp;

use super::error::{ActionError, ActionResult, Refusal, refuse};
use super::rules;
use super::*;

impl World {
    /// An empty world at a given time, with a seed for its SID generator.
    pub fn empty(clock: Timestamp, sid_seed: u64) -> World {
        World {
            version: WORLD_VERSION,
            clock,
            sid_seed,
            sid_counter: 0,
            home_org: None,
            users: BTreeMap::new(),
            accounts: BTreeMap::new(),
            orgs: BTreeMap::new(),
            dns: BTreeMap::new(),
            audit: Vec::new(),
        }
    }

    /// A fresh SID of a kind, unique in the world (ID-2). Deterministic: it depends only on the
    /// world's seed and counter, so tests and snapshots are repeatable.
    pub fn new_sid(&mut self, kind: SidKind) -> Sid {
        loop {
            self.sid_counter += 1;
            let sid = Sid::from_bits(kind, sid::bits128(self.sid_seed, self.sid_counter));
            if !self.sid_exists(&sid) {
                return sid;
            }
        }
    }

    /// A fresh 32-hex token (domain verification, DOM-7).
    pub fn new_token(&mut self) -> String {
        self.sid_counter += 1;
        format!(
            "{:032x}",
            sid::bits128(self.sid_seed ^ 0x0074_6f6b_656e, self.sid_counter)
        )
    }

    /// Whether a SID is taken. Looks only where that kind of SID lives, so generating SIDs stays
    /// cheap in a world of 100,000 users.
    pub fn sid_exists(&self, sid: &Sid) -> bool {
        match sid.kind() {
            Some(SidKind::User) => self.users.contains_key(sid),
            Some(SidKind::Account) => self.accounts.contains_key(sid),
            Some(SidKind::Org) => self.orgs.contains_key(sid),
            Some(SidKind::Domain) => self
                .orgs
                .values()
                .any(|o| o.domains.values().any(|d| &d.sid == sid)),
            Some(SidKind::Notification) => {
                self.orgs.values().any(|o| o.invitations.contains_key(sid))
                    || self.accounts.values().any(|a| match &a.link {
                        Some(OrgLink {
                            state:
                                LinkState::PendingImport { request, .. }
                                | LinkState::PendingLink { request, .. },
                            ..
                        }) => request == sid,
                        _ => false,
                    })
            }
            None => false,
        }
    }

    // ---- finding things ----

    pub fn org(&self, sid: &Sid) -> ActionResult<&Org> {
        self.orgs
            .get(sid)
            .ok_or_else(|| ActionError::NotFound(format!("no organization {sid}")))
    }

    pub(crate) fn org_mut(&mut self, sid: &Sid) -> &mut Org {
        self.orgs.get_mut(sid).expect("org checked before mutation")
    }

    /// An organization by SID or by name (case-insensitive).
    pub fn find_org(&self, key: &str) -> ActionResult<&Org> {
        let key = key.trim();
        if Sid::looks_like_sid(key) {
            let sid = Sid::parse(SidKind::Org, key)?;
            return self.org(&sid);
        }
        self.orgs
            .values()
            .find(|o| o.name.eq_ignore_ascii_case(key))
            .ok_or_else(|| ActionError::NotFound(format!("no organization named '{key}'")))
    }

    /// A user by email (case-insensitive) or `US` SID.
    pub fn find_user(&self, key: &str) -> ActionResult<&User> {
        let key = key.trim();
        if Sid::looks_like_sid(key) {
            let sid = Sid::parse(SidKind::User, key)?;
            return self
                .users
                .get(&sid)
                .ok_or_else(|| ActionError::NotFound(format!("no user {sid}")));
        }
        self.user_by_email(key)
            .ok_or_else(|| ActionError::NotFound(format!("no Twilio user with email {key}")))
    }

    pub fn user_by_email(&self, email: &str) -> Option<&User> {
        let email = email.trim();
        self.users
            .values()
            .find(|u| u.email.eq_ignore_ascii_case(email))
    }

    pub fn user(&self, sid: &Sid) -> ActionResult<&User> {
        self.users
            .get(sid)
            .ok_or_else(|| ActionError::NotFound(format!("no user {sid}")))
    }

    pub(crate) fn user_mut(&mut self, sid: &Sid) -> &mut User {
        self.users
            .get_mut(sid)
            .expect("user checked before mutation")
    }

    /// An account by `AC` SID (ID-1).
    pub fn find_account(&self, key: &str) -> ActionResult<&Account> {
        let sid = Sid::parse(SidKind::Account, key)?;
        self.accounts
            .get(&sid)
            .ok_or_else(|| ActionError::NotFound(format!("no account {sid} in this world")))
    }

    pub(crate) fn account_mut(&mut self, sid: &Sid) -> &mut Account {
        self.accounts
            .get_mut(sid)
            .expect("account checked before mutation")
    }

    /// The email of a user SID, for messages.
    pub fn email_of(&self, sid: &Sid) -> String {
        self.users
            .get(sid)
            .map(|u| u.email.clone())
            .unwrap_or_else(|| sid.to_string())
    }

    /// The main account of an account: itself, or its parent.
    pub fn main_account<'a>(&'a self, account: &'a Account) -> &'a Account {
        account
            .parent
            .as_ref()
            .and_then(|p| self.accounts.get(p))
            .unwrap_or(account)
    }

    /// How an account relates to an org, following a subaccount to its parent.
    pub fn link_of<'a>(&'a self, account: &'a Account) -> Option<&'a OrgLink> {
        self.main_account(account).link.as_ref()
    }

    /// The owner of an account, following a subaccount to its parent (SUB-4).
    pub fn owner_of(&self, account: &Account) -> Option<Sid> {
        self.main_account(account).owner.clone()
    }

    /// The account's kind in `org`, if it belongs to it.
    pub fn kind_in(&self, account: &Account, org: &Sid) -> Option<AccountKind> {
        self.link_of(account)
            .filter(|l| &l.org == org)
            .map(|l| l.state.kind())
    }

    /// Every account (main and sub) linked to `org`, in SID order.
    pub fn org_accounts<'a>(&'a self, org: &'a Sid) -> impl Iterator<Item = &'a Account> + 'a {
        self.accounts
            .values()
            .filter(move |a| self.link_of(a).is_some_and(|l| &l.org == org))
    }

    /// Managed plus pending main accounts that count toward the limit (ACC-3).
    pub fn accounts_toward_limit(&self, org: &Sid) -> usize {
        self.accounts
            .values()
            .filter(|a| a.parent.is_none() && a.status != AccountStatus::Closed)
            .filter(|a| {
                a.link
                    .as_ref()
                    .is_some_and(|l| &l.org == org && l.state.counts_toward_limit())
            })
            .count()
    }

    /// Members of an org, in SID order.
    pub fn members<'a>(&'a self, org: &'a Sid) -> impl Iterator<Item = &'a User> + 'a {
        self.users
            .values()
            .filter(move |u| u.membership.as_ref().is_some_and(|m| &m.org == org))
    }

    /// External collaborators of an org: users with access to one of its accounts who are not
    /// its members (USR-5), in SID order, each once.
    pub fn external_collaborators<'a>(
        &'a self,
        org: &'a Sid,
    ) -> impl Iterator<Item = &'a User> + 'a {
        let sids: BTreeSet<&Sid> = self
            .org_accounts(org)
            .flat_map(|a| a.access.keys())
            .filter(|u| self.membership_in(u, org).is_none())
            .collect();
        sids.into_iter().filter_map(|s| self.users.get(s))
    }

    pub fn membership_in<'a>(&'a self, user: &Sid, org: &Sid) -> Option<&'a Membership> {
        self.users
            .get(user)?
            .membership
            .as_ref()
            .filter(|m| &m.org == org)
    }

    /// The Org Owner (ORG-1).
    pub fn owner_of_org<'a>(&'a self, org: &'a Sid) -> Option<&'a User> {
        self.members(org).find(|u| {
            u.membership
                .as_ref()
                .is_some_and(|m| m.role == OrgRole::Owner)
        })
    }

    /// The email domain of an address (after the last `@`), lowercased.
    pub fn email_domain(email: &str) -> Option<String> {
        let (local, domain) = email.trim().rsplit_once('@')?;
        (!local.is_empty() && !domain.is_empty()).then(|| domain.to_ascii_lowercase())
    }

    /// The org's domain that an email belongs to, matched exactly (DOM-11).
    pub fn domain_of_email<'a>(&self, org: &'a Org, email: &str) -> Option<&'a Domain> {
        let d = World::email_domain(email)?;
        org.domains.get(&d)
    }

    /// Whether an email is on a `verified` domain of the org (USR-1, ACC-4, MRG-1).
    pub fn on_verified_domain(&self, org: &Org, email: &str) -> bool {
        self.domain_of_email(org, email)
            .is_some_and(|d| d.is_verified())
    }

    /// Whether SSO applies to a user: a member on a domain with SSO enforced who is not exempt
    /// (SSO-4). Enforcement stays in force while the domain is verified-uncertain and goes only
    /// with the domain itself (DOM-9).
    pub fn sso_required(&self, user: &User) -> bool {
        let Some(m) = &user.membership else {
            return false;
        };
        let Some(org) = self.orgs.get(&m.org) else {
            return false;
        };
        !m.sso_exempt
            && self
                .domain_of_email(org, &user.email)
                .is_some_and(|d| d.sso_enforced)
    }

    /// The accounts a user may see in an org: all of them for the Owner and Administrators, their
    /// own and granted ones (and their subaccounts) for anybody else (ORG-3).
    pub fn can_see_account(&self, viewer: &Sid, org: &Sid, account: &Account) -> bool {
        if self
            .membership_in(viewer, org)
            .is_some_and(|m| m.role.is_admin() && m.status == MemberStatus::Active)
        {
            return true;
        }
        let main = self.main_account(account);
        main.owner.as_ref() == Some(viewer)
            || main.access.contains_key(viewer)
            || account.access.contains_key(viewer)
    }

    // ---- who may act ----

    /// The acting user's active membership in the context's org.
    pub(crate) fn actor_membership(&self, ctx: &Ctx) -> Option<&Membership> {
        match &ctx.actor {
            Actor::User(u) => self
                .membership_in(u, &ctx.org)
                .filter(|m| m.status == MemberStatus::Active),
            Actor::ScimToken => None,
        }
    }

    /// Org management is for the Owner and Administrators (ORG-3, ORG-4).
    pub(crate) fn require_admin(&self, ctx: &Ctx, what: &str) -> ActionResult<()> {
        self.org(&ctx.org)?;
        match &ctx.actor {
            Actor::ScimToken => Ok(()),
            Actor::User(u) => match self.actor_membership(ctx) {
                Some(m) if m.role.is_admin() => Ok(()),
                Some(_) => refuse(
                    rules::ORG_3,
                    format!("{} is a Standard user and cannot {what}", self.email_of(u)),
                    "ask an Administrator or the Owner to do it, or to make you an Administrator",
                ),
                None => refuse(
                    rules::ORG_4,
                    format!(
                        "{} is not an active member of {} and cannot {what}",
                        self.email_of(u),
                        self.org_name(&ctx.org)
                    ),
                    "an Administrator or the Owner of this organization must do it",
                ),
            },
        }
    }

    /// Only the Owner (ORG-4).
    pub(crate) fn require_owner(&self, ctx: &Ctx, what: &str) -> ActionResult<()> {
        self.require_admin(ctx, what)?;
        match self.actor_membership(ctx) {
            Some(m) if m.role == OrgRole::Owner => Ok(()),
            _ => refuse(
                rules::ORG_4,
                format!("only the Owner of {} can {what}", self.org_name(&ctx.org)),
                format!(
                    "ask the Owner ({}) to do it",
                    self.owner_of_org(&ctx.org)
                        .map(|u| u.email.as_str())
                        .unwrap_or("none")
                ),
            ),
        }
    }

    /// Any active member: creating accounts is open to Standard users too (ORG-3).
    pub(crate) fn require_member(&self, ctx: &Ctx, what: &str) -> ActionResult<()> {
        self.org(&ctx.org)?;
        match (&ctx.actor, self.actor_membership(ctx)) {
            (Actor::ScimToken, _) | (_, Some(_)) => Ok(()),
            (Actor::User(u), None) => refuse(
                rules::ORG_3,
                format!(
                    "{} is not an active member of {} and cannot {what}",
                    self.email_of(u),
                    self.org_name(&ctx.org)
                ),
                "act as a member of this organization (--as)",
            ),
        }
    }

    /// Whether the acting user holds a capability, asked before an action is tried so a face can
    /// show it as unavailable with the reason. The same checks the actions themselves run.
    pub fn permission(&self, ctx: &Ctx, cap: Capability) -> Result<(), Refusal> {
        let res = match cap {
            Capability::Member => self.require_member(ctx, "do this"),
            Capability::Admin(what) => self.require_admin(ctx, what),
            Capability::Owner(what) => self.require_owner(ctx, what),
        };
        match res {
            Ok(()) => Ok(()),
            Err(ActionError::Refused(r)) => Err(r),
            Err(e) => Err(Refusal::new(
                rules::ORG_4,
                e.to_string(),
                "pick another organization",
            )),
        }
    }

    /// Managing one account: the Owner and Administrators, or the account's own owner (ORG-3).
    pub(crate) fn require_account_manager(
        &self,
        ctx: &Ctx,
        account: &Account,
        what: &str,
    ) -> ActionResult<()> {
        if let (Actor::User(u), Some(m)) = (&ctx.actor, self.actor_membership(ctx))
            && !m.role.is_admin()
        {
            if self.owner_of(account).as_ref() == Some(u) {
                return Ok(());
            }
            return refuse(
                rules::ORG_3,
                format!(
                    "{} is a Standard user and cannot {what} {}, which belongs to someone else",
                    self.email_of(u),
                    account.name
                ),
                "ask an Administrator, or the account's owner",
            );
        }
        self.require_admin(ctx, what)
    }

    pub fn org_name(&self, org: &Sid) -> String {
        self.orgs
            .get(org)
            .map(|o| o.name.clone())
            .unwrap_or_else(|| org.to_string())
    }

    /// The account must belong to the context's org (any kind).
    pub(crate) fn account_in_org<'a>(&'a self, ctx: &Ctx, key: &str) -> ActionResult<&'a Account> {
        let account = self.find_account(key)?;
        if self.link_of(account).is_none_or(|l| l.org != ctx.org) {
            return Err(ActionError::NotFound(format!(
                "account {} ({}) is not in {}",
                account.sid,
                account.name,
                self.org_name(&ctx.org)
            )));
        }
        Ok(account)
    }

    /// The account must be a managed account of the context's org; independent and pending ones
    /// allow only access changes (ACC-6) or confirmation (ACC-5).
    pub(crate) fn managed_account<'a>(
        &'a self,
        ctx: &Ctx,
        key: &str,
        what: &str,
    ) -> ActionResult<&'a Account> {
        let account = self.account_in_org(ctx, key)?;
        match self.kind_in(account, &ctx.org) {
            Some(AccountKind::Managed) => Ok(account),
            Some(AccountKind::Independent) => refuse(
                rules::ACC_6,
                format!(
                    "{} is an independent account; the organization cannot {what} it",
                    account.name
                ),
                "only its owner can; the organization may grant or relinquish access",
            ),
            _ => refuse(
                rules::ACC_5,
                format!(
                    "{} is pending: its owner has not confirmed yet, so you cannot {what} it",
                    account.name
                ),
                "wait for the owner to confirm (tworg account confirm SID --as OWNER), or cancel it",
            ),
        }
    }

    /// A member of the context's org, by email or SID.
    pub(crate) fn member_of_ctx<'a>(&'a self, ctx: &Ctx, key: &str) -> ActionResult<&'a User> {
        let user = self.find_user(key)?;
        if self.membership_in(&user.sid, &ctx.org).is_none() {
            return Err(ActionError::NotFound(format!(
                "{} is not a member of {}",
                user.email,
                self.org_name(&ctx.org)
            )));
        }
        Ok(user)
    }

    // ---- audit ----

    pub fn actor_label(&self, actor: &Actor) -> String {
        match actor {
            Actor::User(u) => self.email_of(u),
            Actor::ScimToken => "scim-token".into(),
        }
    }

    /// Appends to the audit log (AUD-1).
    pub(crate) fn audit(&mut self, ctx: &Ctx, action: &str, detail: impl Into<String>) {
        let actor = self.actor_label(&ctx.actor);
        self.audit.push(AuditEntry {
            at: self.clock,
            org: Some(ctx.org.clone()),
            actor,
            action: action.into(),
            detail: detail.into(),
        });
    }

    /// An audit entry of the world itself (sign-ups, the clock, DNS).
    pub(crate) fn audit_world(
        &mut self,
        org: Option<Sid>,
        actor: &str,
        action: &str,
        detail: impl Into<String>,
    ) {
        self.audit.push(AuditEntry {
            at: self.clock,
            org,
            actor: actor.into(),
            action: action.into(),
            detail: detail.into(),
        });
    }
}

/// What an action needs of the acting user (see [`World::permission`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Capability {
    /// Any active member of the org.
    Member,
    /// The Owner or an Administrator; the text says what, for the reason.
    Admin(&'static str),
    /// Only the Owner.
    Owner(&'static str),
}

/// A basic email check shared by invitations, sign-ups and SCIM.
pub fn valid_email(email: &str) -> bool {
    let e = email.trim();
    let Some((local, domain)) = e.rsplit_once('@') else {
        return false;
    };
    !local.is_empty()
        && e.len() <= 254
        && !e.chars().any(|c| c.is_whitespace() || c.is_control())
        && !local.contains('@')
        && super::domains::validate_host(domain).is_ok()
}

/// Refusal for an email that is not an address.
pub(crate) fn bad_email(rule: rules::Rule, email: &str) -> Refusal {
    Refusal::new(
        rule,
        format!("'{}' is not a valid email address", email.trim()),
        "write it as name@domain.tld",
    )
}
