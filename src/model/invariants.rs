//! Invariants that hold after every action and are checked when a file is loaded.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use super::*;

/// A broken invariant: what is wrong, and a SID or name to locate it in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    pub message: String,
    /// Text to search the file for, to report a line and column.
    pub locate: String,
}

/// Names the lifetime of the SIDs a checker keeps (the world's own, borrowed).
fn sid_checker<'a, F>(f: F) -> F
where
    F: FnMut(&'a Sid, Option<&Sid>, SidKind) -> Result<(), Violation>,
{
    f
}

fn v(message: String, locate: impl Into<String>) -> Violation {
    Violation {
        message,
        locate: locate.into(),
    }
}

impl World {
    /// Every invariant; the first violation found, in a stable order.
    pub fn check_invariants(&self) -> Result<(), Violation> {
        let rest = || -> Result<(), Violation> {
            self.check_inputs()?;
            self.check_orgs()?;
            self.check_users()?;
            self.check_accounts()?;
            self.check_role_assignments()
        };
        // The SID check and the others only read; in a large world they run side by side (a
        // quarter of a load at 100,000 users). Either way the SID check's violation is the one
        // reported when both find one, so the answer does not depend on the threads.
        if self.users.len() < 20_000 {
            self.check_sids()?;
            return rest();
        }
        let (sids, rest) = std::thread::scope(|s| {
            let sids = s.spawn(|| self.check_sids());
            let rest = rest();
            (sids.join(), rest)
        });
        sids.unwrap_or_else(|panic| std::panic::resume_unwind(panic))?;
        rest
    }

    /// RBAC-1, RBAC-2, RBAC-4, USR-4, USR-5: every assignment names a user, a role of the
    /// catalogue and a scope that exist; general roles sit on main accounts of an org, never
    /// with their owner, in valid role sets; built-in roles on members of the scope's org, at
    /// most 50 each; a member's assignments stay inside its org; externals only on managed
    /// accounts; no (identity, role, scope) twice.
    fn check_role_assignments(&self) -> Result<(), Violation> {
        use super::roles::{self, RoleKind, ScopeLevel};
        let mut seen = BTreeSet::new();
        let mut built_in: BTreeMap<&Sid, usize> = BTreeMap::new();
        for a in self.role_assignments.iter() {
            let here = a.sid.as_str();
            if !a.sid.is_canonical() || a.sid.kind() != Some(SidKind::RoleAssignment) {
                return Err(v(format!("{} is not a role assignment SID", a.sid), here));
            }
            let Some(user) = self.users.get(&a.identity) else {
                return Err(v(format!("{} names no user ({})", a.sid, a.identity), here));
            };
            let Some(role) = roles::find_by_sid(&a.role) else {
                return Err(v(
                    format!("{} names no role of the catalogue ({})", a.sid, a.role),
                    here,
                ));
            };
            let Some(org) = self.org_of_scope(&a.scope) else {
                return Err(v(
                    format!("{} is on {}, which is in no organization", a.sid, a.scope),
                    here,
                ));
            };
            if !seen.insert((&a.identity, &a.role, &a.scope)) {
                return Err(v(
                    format!("{} holds {} on {} twice", user.email, role.name, a.scope),
                    here,
                ));
            }
            // A member of the scope's org, or (general roles only) an external collaborator there.
            let member_of = user
                .membership
                .as_ref()
                .map(|m| &m.org)
                .filter(|o| *o == &org);
            let account = self.accounts.get(&a.scope);
            let level = match account {
                None => ScopeLevel::Organization,
                Some(acc) if acc.parent.is_some() => ScopeLevel::Subaccount,
                Some(_) => ScopeLevel::Account,
            };
            if !role.assignable_at(level) {
                return Err(v(
                    format!(
                        "{} is assigned at {} scope ({})",
                        role.name,
                        level.label(),
                        a.sid
                    ),
                    here,
                ));
            }
            match role.kind {
                RoleKind::BuiltIn => {
                    if member_of.is_none() {
                        return Err(v(
                            format!(
                                "{} holds the built-in role {} outside its organization",
                                user.email, role.name
                            ),
                            here,
                        ));
                    }
                    *built_in.entry(&a.identity).or_default() += 1;
                }
                RoleKind::General => {
                    let acc = account.expect("general roles are on accounts");
                    if acc.owner.as_ref() == Some(&a.identity) {
                        return Err(v(
                            format!(
                                "{} owns {} and also holds {} on it",
                                user.email, acc.name, role.name
                            ),
                            here,
                        ));
                    }
                    if member_of.is_none() && self.kind_in(acc, &org) != Some(AccountKind::Managed)
                    {
                        return Err(v(
                            format!(
                                "external collaborator {} holds {} on {}, which is not managed",
                                user.email, role.name, acc.name
                            ),
                            here,
                        ));
                    }
                }
            }
        }
        if let Some((u, n)) = built_in
            .iter()
            .find(|(_, n)| **n > super::access::BUILT_IN_MAX)
        {
            return Err(v(
                format!("{} holds {n} built-in roles, over 50", self.email_of(u)),
                u.as_str(),
            ));
        }
        // USR-4: each user's general roles on an account form a valid set.
        let mut sets: BTreeMap<(&Sid, &Sid), Vec<AccountRole>> = BTreeMap::new();
        for a in self.role_assignments.iter() {
            if let Some(g) = roles::find_by_sid(&a.role).and_then(|r| r.general) {
                sets.entry((&a.identity, &a.scope)).or_default().push(g);
            }
        }
        for ((u, acc), set) in sets {
            if super::accounts::check_account_roles(&set).is_err() {
                return Err(v(
                    format!(
                        "{} holds an invalid set of roles on {acc}",
                        self.email_of(u)
                    ),
                    acc.as_str(),
                ));
            }
        }
        Ok(())
    }

    /// SIDs well formed, of the right kind, matching their keys, and unique (ID-1, ID-2).
    fn check_sids(&self) -> Result<(), Violation> {
        // borrowed SIDs in a hash set: no copy of every SID, no tree of a million strings
        let mut seen: HashSet<&Sid> =
            HashSet::with_capacity(self.users.len() + self.accounts.len() + self.orgs.len());
        let mut check = sid_checker(|sid, key, kind| {
            if !sid.is_canonical() || sid.kind() != Some(kind) {
                return Err(v(
                    format!("'{sid}' is not a well-formed {} SID (ID-1)", kind.noun()),
                    sid.as_str(),
                ));
            }
            if key.is_some_and(|k| k != sid) {
                return Err(v(
                    format!("the entry keyed {} holds the SID {sid}", key.unwrap()),
                    sid.as_str(),
                ));
            }
            if !seen.insert(sid) {
                return Err(v(
                    format!("the SID {sid} is used twice (ID-2)"),
                    sid.as_str(),
                ));
            }
            Ok(())
        });
        for (k, u) in &self.users {
            check(&u.sid, Some(k), SidKind::User)?;
        }
        for (k, a) in &self.accounts {
            check(&a.sid, Some(k), SidKind::Account)?;
        }
        for (k, o) in &self.orgs {
            check(&o.sid, Some(k), SidKind::Org)?;
            for d in o.domains.values() {
                check(&d.sid, None, SidKind::Domain)?;
            }
            for (k, i) in o.invitations.iter() {
                check(&i.sid, Some(k), SidKind::Notification)?;
            }
        }
        for a in self.accounts.values() {
            if let Some(OrgLink {
                state:
                    LinkState::PendingImport { request, .. } | LinkState::PendingLink { request, .. },
                ..
            }) = &a.link
            {
                check(request, None, SidKind::Notification)?;
            }
        }
        // SCIM-2: emails are unique in their canonical form
        self.check_canonical_emails()
            .map_err(|(message, locate)| v(message, locate))
    }

    /// One Owner per org (ORG-1), names (ORG-7), limits (ACC-3, DOM-6), SIGN-5.
    fn check_orgs(&self) -> Result<(), Violation> {
        if let Some(h) = &self.home_org
            && !self.orgs.contains_key(h)
        {
            return Err(v(
                format!("the home organization {h} does not exist"),
                h.as_str(),
            ));
        }
        // one pass over the users and one over the accounts, not one per org
        let mut owners_of: HashMap<&Sid, usize> = HashMap::new();
        for m in self.users.values().filter_map(|u| u.membership.as_ref()) {
            if m.role == OrgRole::Owner {
                *owners_of.entry(&m.org).or_default() += 1;
            }
        }
        let mut toward_limit: HashMap<&Sid, usize> = HashMap::new();
        for a in self.accounts.values() {
            if a.parent.is_none()
                && a.status != AccountStatus::Closed
                && let Some(l) = &a.link
                && self.counts_toward_limit(l)
            {
                *toward_limit.entry(&l.org).or_default() += 1;
            }
        }
        for o in self.orgs.values() {
            let owners = owners_of.get(&o.sid).copied().unwrap_or(0);
            if owners != 1 {
                return Err(v(
                    format!(
                        "{} has {owners} Owners; exactly one is required (ORG-1)",
                        o.name
                    ),
                    o.sid.as_str(),
                ));
            }
            let len = o.name.chars().count();
            if len == 0 || len > 64 {
                return Err(v(
                    format!(
                        "the organization name '{}' is not 1-64 characters (ORG-7)",
                        o.name
                    ),
                    o.sid.as_str(),
                ));
            }
            let used = toward_limit.get(&o.sid).copied().unwrap_or(0);
            if used > o.settings.account_limit as usize {
                return Err(v(
                    format!(
                        "{} has {used} accounts, over its limit of {} (ACC-3)",
                        o.name, o.settings.account_limit
                    ),
                    o.sid.as_str(),
                ));
            }
            if o.domains.len() > o.settings.domain_limit as usize {
                return Err(v(
                    format!("{} has more domains than its limit (DOM-6)", o.name),
                    o.sid.as_str(),
                ));
            }
            for (k, d) in &o.domains {
                if k != &d.name || super::domains::normalize_domain(k).as_deref() != Ok(k.as_str())
                {
                    return Err(v(
                        format!("the domain '{k}' is not a normalized host name (DOM-1)"),
                        k.clone(),
                    ));
                }
                if d.token.len() != 32 || !d.token.chars().all(|c| c.is_ascii_hexdigit()) {
                    return Err(v(
                        format!("the token of {k} is not 32 hex digits (DOM-7)"),
                        d.sid.as_str(),
                    ));
                }
            }
            if o.signup != SignupSetting::Blocked
                && o.domains
                    .values()
                    .any(|d| d.multi_verified && d.is_verified())
            {
                return Err(v(
                    format!(
                        "{} is {} with a multi-verified domain (SIGN-5)",
                        o.name,
                        o.signup.label()
                    ),
                    o.sid.as_str(),
                ));
            }
        }
        Ok(())
    }

    /// A user in at most one existing org (USR-2).
    fn check_users(&self) -> Result<(), Violation> {
        for u in self.users.values() {
            if let Some(m) = &u.membership
                && !self.orgs.contains_key(&m.org)
            {
                return Err(v(
                    format!("{} is a member of {}, which does not exist", u.email, m.org),
                    u.sid.as_str(),
                ));
            }
        }
        Ok(())
    }

    /// Owners of managed accounts are members (ACC-7, USR-5); subaccounts under main accounts
    /// (SUB-1, SUB-4); subaccount limits (SUB-2); ORG-8.
    fn check_accounts(&self) -> Result<(), Violation> {
        // open subaccounts per parent, and main accounts per owner, in one pass each
        let mut open_subaccounts: HashMap<&Sid, usize> = HashMap::new();
        let mut owned: HashMap<&Sid, Vec<&Account>> = HashMap::new();
        for a in self.accounts.values() {
            if let Some(p) = &a.parent
                && a.status != AccountStatus::Closed
            {
                *open_subaccounts.entry(p).or_default() += 1;
            }
            if let Some(o) = &a.owner {
                owned.entry(o).or_default().push(a);
            }
        }
        for a in self.accounts.values() {
            if a.status == AccountStatus::Closed && a.closed_at.is_none() {
                return Err(v(
                    format!("closed account {} has no closing time", a.sid),
                    a.sid.as_str(),
                ));
            }
            if a.updated_at.is_some_and(|t| t < a.created_at) {
                return Err(v(
                    format!("account {} changed before it was created", a.sid),
                    a.sid.as_str(),
                ));
            }
            match &a.parent {
                Some(p) => {
                    let Some(parent) = self.accounts.get(p) else {
                        return Err(v(
                            format!("subaccount {} has a parent {p} that does not exist", a.sid),
                            a.sid.as_str(),
                        ));
                    };
                    if parent.parent.is_some() {
                        return Err(v(
                            format!(
                                "subaccount {}'s parent {p} is itself a subaccount (SUB-1)",
                                a.sid
                            ),
                            a.sid.as_str(),
                        ));
                    }
                    if a.owner.is_some() || a.link.is_some() {
                        return Err(v(
                            format!(
                                "subaccount {} has an owner or org link of its own (SUB-4)",
                                a.sid
                            ),
                            a.sid.as_str(),
                        ));
                    }
                }
                None => {
                    let owner = a.owner.as_ref().and_then(|o| self.users.get(o));
                    // ACC-8 rev 2: a closed account keeps only its history; its owner may have
                    // left the org or been deleted since.
                    if a.status == AccountStatus::Closed && a.owner.is_some() && owner.is_none() {
                        continue;
                    }
                    let Some(owner) = owner else {
                        return Err(v(
                            format!("account {} has no existing owner", a.sid),
                            a.sid.as_str(),
                        ));
                    };
                    if let Some(l) = &a.link {
                        if !self.orgs.contains_key(&l.org) {
                            return Err(v(
                                format!(
                                    "account {} links to {}, which does not exist",
                                    a.sid, l.org
                                ),
                                a.sid.as_str(),
                            ));
                        }
                        let member = owner.membership.as_ref().is_some_and(|m| m.org == l.org);
                        if l.state == LinkState::Managed
                            && !member
                            && a.status != AccountStatus::Closed
                        {
                            return Err(v(
                                format!(
                                    "managed account {}'s owner {} is not a member of its org",
                                    a.sid, owner.email
                                ),
                                a.sid.as_str(),
                            ));
                        }
                        if l.state == LinkState::Independent && member {
                            return Err(v(
                                format!(
                                    "{} is a member of {} and owns {}, an independent account of it; a member's accounts are managed (USR-5)",
                                    owner.email,
                                    self.org_name(&l.org),
                                    a.sid
                                ),
                                a.sid.as_str(),
                            ));
                        }
                    }
                    let open = open_subaccounts.get(&a.sid).copied().unwrap_or(0);
                    let limit = match (a.account_type, &a.link) {
                        (AccountType::Trial, _) => 1,
                        (AccountType::Full, Some(l)) => self
                            .orgs
                            .get(&l.org)
                            .map(|o| o.settings.subaccount_limit as usize)
                            .unwrap_or(1000),
                        (AccountType::Full, None) => 1000,
                    };
                    if open > limit {
                        return Err(v(
                            format!(
                                "account {} has {open} open subaccounts, over {limit} (SUB-2)",
                                a.sid
                            ),
                            a.sid.as_str(),
                        ));
                    }
                }
            }
        }
        let mut owner_of: HashMap<&Sid, &Sid> = HashMap::new();
        for u in self.users.values() {
            if let Some(m) = &u.membership
                && m.role == OrgRole::Owner
            {
                owner_of.entry(&m.org).or_insert(&u.sid);
            }
        }
        for o in self.orgs.values() {
            let Some(owner) = owner_of.get(&o.sid) else {
                continue;
            };
            let accounts = owned.get(owner).map_or(&[][..], Vec::as_slice);
            if let Some(a) = accounts.iter().find(|a| {
                a.status != AccountStatus::Closed
                    && a.link
                        .as_ref()
                        .is_none_or(|l| l.org != o.sid || l.state != LinkState::Managed)
            }) {
                return Err(v(
                    format!(
                        "account {} is owned by the Owner of {} but is not managed by it (ORG-8)",
                        a.sid, o.name
                    ),
                    a.sid.as_str(),
                ));
            }
        }
        Ok(())
    }
}
