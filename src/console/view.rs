//! Row models of the four tabs. A list holds the keys of its rows (SIDs, names) and a lowercase
//! search text per row; filtering keeps indices into it. Nothing here copies the world, and
//! rows are rebuilt only when the world's generation or the acting context changes.

use std::collections::BTreeMap;

use crate::model::{Ctx, MemberStatus, Sid, World};

/// The rows of one list and which of them the filter shows.
#[derive(Debug, Clone)]
pub struct Rows<T> {
    pub items: Vec<T>,
    hay: Vec<String>,
    shown: Vec<u32>,
    filter: String,
}

impl<T> Default for Rows<T> {
    fn default() -> Self {
        Rows::new(Vec::new(), Vec::new())
    }
}

impl<T> Rows<T> {
    pub fn new(items: Vec<T>, hay: Vec<String>) -> Rows<T> {
        debug_assert_eq!(items.len(), hay.len());
        let shown = (0..items.len() as u32).collect();
        Rows {
            items,
            hay,
            shown,
            filter: String::new(),
        }
    }

    /// Shows the rows whose text contains `filter` (case-insensitive). Cheap when unchanged.
    pub fn set_filter(&mut self, filter: &str) {
        let f = filter.trim().to_lowercase();
        if f == self.filter {
            return;
        }
        self.shown = if f.is_empty() {
            (0..self.items.len() as u32).collect()
        } else {
            self.hay
                .iter()
                .enumerate()
                .filter(|(_, h)| h.contains(&f))
                .map(|(i, _)| i as u32)
                .collect()
        };
        self.filter = f;
    }

    /// The `n`th shown row.
    pub fn get(&self, n: usize) -> Option<&T> {
        self.shown.get(n).map(|&i| &self.items[i as usize])
    }

    pub fn len(&self) -> usize {
        self.shown.len()
    }

    pub fn is_empty(&self) -> bool {
        self.shown.is_empty()
    }

    pub fn total(&self) -> usize {
        self.items.len()
    }

    /// The position among the shown rows of the first row that matches.
    pub fn position(&self, f: impl Fn(&T) -> bool) -> Option<usize> {
        self.shown.iter().position(|&i| f(&self.items[i as usize]))
    }

    /// The shown rows from `start`, at most `n`.
    pub fn window(&self, start: usize, n: usize) -> impl Iterator<Item = &T> {
        self.shown
            .iter()
            .skip(start)
            .take(n)
            .map(|&i| &self.items[i as usize])
    }
}

/// The order of the lists: by name (the default) or as the world holds them (by SID).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    #[default]
    Name,
    Sid,
}

impl Sort {
    pub fn next(self) -> Sort {
        match self {
            Sort::Name => Sort::Sid,
            Sort::Sid => Sort::Name,
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Sort::Name => "by name",
            Sort::Sid => "by SID",
        }
    }
}

/// An account row; subaccounts follow their parent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccRow {
    pub sid: Sid,
    pub sub: bool,
}

/// A row of the Users tab.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UserRow {
    Member(Sid),
    /// An invitation, pending or expired (its NF SID); to another org's Owner, a merge
    /// invitation (MRG-5).
    Invitation(Sid),
    /// A merge invitation another org (`prime`) sent to this org's Owner (MRG-5): shown in both.
    IncomingMerge {
        prime: Sid,
        inv: Sid,
    },
    /// An account import or link request, pending or expired (the account's AC SID).
    Request(Sid),
    /// Has access to an account of the org but is no member (USR-5).
    External(Sid),
}

/// A row of the Settings tab: each opens its own modal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SettingRow {
    Name,
    Owner,
    AccountLimit,
    SubaccountLimit,
    DomainLimit,
    InviteDays,
    ResetLinkHours,
    Baa,
    SsoEntitlement,
    BulkImport,
    SsoProfile,
    SsoTest,
    SsoEnforce(String),
    SsoExemptions,
    Scim,
    ScimTwilioRules,
    /// The org's OAuth apps (client credentials for its APIs): create one, or delete one.
    OAuthApps,
    Merge,
    Clock,
    Audit,
    WorldUser,
    WorldAccount,
    DeleteOrg,
}

/// Accounts of the org that the acting user may see (ORG-3), parents then their subaccounts.
pub fn account_rows(w: &World, ctx: &Ctx, sort: Sort) -> Rows<AccRow> {
    let viewer = ctx.acting_user();
    let visible =
        |a: &crate::model::Account| viewer.is_none_or(|v| w.can_see_account(v, &ctx.org, a));
    let mut subs: BTreeMap<&Sid, Vec<&crate::model::Account>> = BTreeMap::new();
    let mut mains = Vec::new();
    for a in w.org_accounts(&ctx.org) {
        match &a.parent {
            Some(p) => subs.entry(p).or_default().push(a),
            None => mains.push(a),
        }
    }
    if sort == Sort::Name {
        let by_name = |a: &&crate::model::Account, b: &&crate::model::Account| {
            (a.name.to_lowercase(), &a.sid).cmp(&(b.name.to_lowercase(), &b.sid))
        };
        mains.sort_by(by_name);
        for v in subs.values_mut() {
            v.sort_by(by_name);
        }
    }
    let (mut items, mut hay) = (Vec::new(), Vec::new());
    for m in mains.into_iter().filter(|a| visible(a)) {
        for (a, sub) in std::iter::once((m, false))
            .chain(subs.get(&m.sid).into_iter().flatten().map(|s| (*s, true)))
        {
            let owner = w.owner_of(a).map(|o| w.email_of(&o)).unwrap_or_default();
            hay.push(format!("{} {} {}", a.name, a.sid, owner).to_lowercase());
            items.push(AccRow {
                sid: a.sid.clone(),
                sub,
            });
        }
    }
    Rows::new(items, hay)
}

/// Members, then invitations (this org's, then merge invitations other orgs sent to its Owner)
/// and account requests (pending or expired), then external collaborators.
pub fn user_rows(w: &World, org: &Sid, sort: Sort) -> Rows<UserRow> {
    let (mut items, mut hay) = (Vec::new(), Vec::new());
    let mut members: Vec<&crate::model::User> = w.members(org).collect();
    if sort == Sort::Name {
        // once per change, never per frame; emails compare as stored (no copies at 1M users)
        members.sort_unstable_by(|a, b| a.email.cmp(&b.email).then_with(|| a.sid.cmp(&b.sid)));
    }
    for u in members {
        let m = u.membership.as_ref().expect("member");
        let status = match m.status {
            MemberStatus::Active => "active",
            MemberStatus::Deactivated => "deactivated",
        };
        hay.push(
            format!(
                "{} {} {} {}{}",
                u.name,
                u.email,
                m.role.label(),
                status,
                role_words(w, org, &u.sid)
            )
            .to_lowercase(),
        );
        items.push(UserRow::Member(u.sid.clone()));
    }
    if let Some(o) = w.orgs.get(org) {
        let mut invitations: Vec<_> = o.invitations.values().collect();
        if sort == Sort::Name {
            invitations.sort_by(|a, b| a.email.cmp(&b.email));
        }
        for i in invitations {
            let mut granted = String::new();
            for (account, roles) in &i.accounts {
                granted.push(' ');
                granted.push_str(&w.scope_name(account));
                for r in roles {
                    granted.push(' ');
                    granted.push_str(r.label());
                }
            }
            let merge = if w.merge_candidate_of(org, &i.email).is_some() {
                " merge"
            } else {
                ""
            };
            hay.push(
                format!(
                    "{} invited {} {}{merge}{granted}",
                    i.email,
                    i.role.label(),
                    i.status_label(w.clock)
                )
                .to_lowercase(),
            );
            items.push(UserRow::Invitation(i.sid.clone()));
        }
    }
    for (prime, i) in w.incoming_merge_invitations(org) {
        hay.push(format!("{} merge invitation from {}", i.email, prime.name).to_lowercase());
        items.push(UserRow::IncomingMerge {
            prime: prime.sid.clone(),
            inv: i.sid.clone(),
        });
    }
    for r in w.account_requests(org) {
        hay.push(
            format!(
                "{} {} {} request {}",
                r.owner_email,
                r.account_name,
                r.kind_label(),
                r.status_label()
            )
            .to_lowercase(),
        );
        items.push(UserRow::Request(r.account.clone()));
    }
    for u in w.external_collaborators(org) {
        hay.push(
            format!(
                "{} {} external{}",
                u.name,
                u.email,
                role_words(w, org, &u.sid)
            )
            .to_lowercase(),
        );
        items.push(UserRow::External(u.sid.clone()));
    }
    Rows::new(items, hay)
}

/// What the Users filter also matches, as Twilio's user search does: the name of each role the
/// user holds in `org` and of the scope it is held at (` Developer Owl Production`).
fn role_words(w: &World, org: &Sid, user: &Sid) -> String {
    let mut words = String::new();
    for a in w.role_assignments.of_identity(user) {
        if w.org_of_scope(&a.scope).as_ref() != Some(org) {
            continue;
        }
        if let Some(r) = crate::model::roles::find_by_sid(&a.role) {
            words.push(' ');
            words.push_str(&r.name);
        }
        words.push(' ');
        words.push_str(&w.scope_name(&a.scope));
    }
    words
}

pub fn domain_rows(w: &World, org: &Sid) -> Rows<String> {
    let names: Vec<String> = w
        .orgs
        .get(org)
        .map(|o| o.domains.keys().cloned().collect())
        .unwrap_or_default();
    let hay = names.clone();
    Rows::new(names, hay)
}

pub fn setting_rows(w: &World, org: &Sid) -> Rows<SettingRow> {
    use SettingRow::*;
    let mut items = vec![
        Name,
        Owner,
        AccountLimit,
        SubaccountLimit,
        DomainLimit,
        InviteDays,
        ResetLinkHours,
        Baa,
        SsoEntitlement,
        BulkImport,
        SsoProfile,
        SsoTest,
    ];
    if let Some(o) = w.orgs.get(org) {
        items.extend(
            o.domains
                .values()
                // Enforcement stays in force on a verified-uncertain domain (DOM-9), so it
                // stays here to be lifted.
                .filter(|d| d.is_verified() || d.sso_enforced)
                .map(|d| SsoEnforce(d.name.clone())),
        );
    }
    items.extend([
        SsoExemptions,
        Scim,
        ScimTwilioRules,
        OAuthApps,
        Merge,
        Clock,
        Audit,
        WorldUser,
        WorldAccount,
        DeleteOrg,
    ]);
    let hay = items
        .iter()
        .map(|r| setting_label(r).to_lowercase())
        .collect();
    Rows::new(items, hay)
}

pub fn setting_label(r: &SettingRow) -> String {
    use SettingRow::*;
    match r {
        Name => "Organization name".into(),
        Owner => "Owner (transfer ownership)".into(),
        AccountLimit => "Account limit (Twilio Support)".into(),
        SubaccountLimit => "Subaccount limit".into(),
        DomainLimit => "Domain limit (Twilio Support)".into(),
        InviteDays => "Invitation lifetime (days)".into(),
        ResetLinkHours => "Reset link lifetime (hours)".into(),
        Baa => "BAA on record (Twilio Support)".into(),
        SsoEntitlement => "SSO entitlement (Twilio Support)".into(),
        BulkImport => "Import Users, bulk (Twilio Support)".into(),
        SsoProfile => "SSO profile".into(),
        SsoTest => "SSO connection test".into(),
        SsoEnforce(d) => format!("SSO enforced on {d}"),
        SsoExemptions => "SSO exemptions".into(),
        Scim => "SCIM provisioning".into(),
        ScimTwilioRules => "SCIM Twilio userName rules".into(),
        OAuthApps => "Organization API access (OAuth apps)".into(),
        Merge => "Merge another organization into this one".into(),
        Clock => "World clock (simulation)".into(),
        Audit => "Audit log".into(),
        WorldUser => "Add a Twilio user outside every org (simulation)".into(),
        WorldAccount => "Add an account outside every org (simulation)".into(),
        DeleteOrg => "Delete the organization".into(),
    }
}

/// How many of the org's accounts each user owns or has roles on, in one pass over them.
pub fn user_account_counts(w: &World, org: &Sid) -> std::collections::HashMap<Sid, usize> {
    let mut counts = std::collections::HashMap::new();
    for a in w.org_accounts(org) {
        if let Some(o) = &a.owner {
            *counts.entry(o.clone()).or_default() += 1;
        }
        let holders: std::collections::BTreeSet<&Sid> = w
            .role_assignments
            .at_scope(&a.sid)
            .map(|r| &r.identity)
            .collect();
        for u in holders {
            if a.owner.as_ref() != Some(u) {
                *counts.entry(u.clone()).or_default() += 1;
            }
        }
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::persist::demo_world;

    #[test]
    fn filter_keeps_indices_and_is_case_insensitive() {
        let w = demo_world();
        let org = w.home_org.clone().unwrap();
        let mut rows = user_rows(&w, &org, Sort::Name);
        let all = rows.len();
        rows.set_filter("ADAM");
        assert_eq!(rows.len(), 1);
        rows.set_filter("");
        assert_eq!(rows.len(), all);
    }
}
