//! Role assignments in the console (RBAC-1..5): the choices of the assign form, a user's
//! assignments grouped by scope and effective access, who holds roles reaching an account, and
//! what deleting an assignment would take away. Every answer is the model's (`access_paths`,
//! `who_can`, `Access::permits`, `Role::assignable_at`); only wording and ordering live here.

use std::collections::{BTreeMap, BTreeSet};

use crate::model::access::{ACCOUNT_OPS, Access, AccessPath, AccountOp};
use crate::model::roles::{self, Role, RoleKind, ScopeLevel};
use crate::model::{Account, AccountKind, AccountStatus, Sid, SidKind, World};

/// The level of a scope, by what it is: the organization, a main account or a subaccount.
pub fn scope_level(w: &World, scope: &Sid) -> Option<ScopeLevel> {
    match scope.kind() {
        Some(SidKind::Org) => Some(ScopeLevel::Organization),
        Some(SidKind::Account) => w.accounts.get(scope).map(|a| {
            if a.parent.is_some() {
                ScopeLevel::Subaccount
            } else {
                ScopeLevel::Account
            }
        }),
        _ => None,
    }
}

/// The org's accounts in the Accounts tab's order: each main account, then its subaccounts.
fn accounts_in_order<'a>(w: &'a World, org: &'a Sid) -> Vec<&'a Account> {
    let mut mains = Vec::new();
    let mut subs: BTreeMap<&Sid, Vec<&Account>> = BTreeMap::new();
    for a in w.org_accounts(org) {
        match &a.parent {
            Some(p) => subs.entry(p).or_default().push(a),
            None => mains.push(a),
        }
    }
    let mut out = Vec::new();
    for m in mains {
        out.push(m);
        out.extend(subs.remove(&m.sid).unwrap_or_default());
    }
    out
}

fn status_note(a: &Account) -> &'static str {
    match a.status {
        AccountStatus::Active => "",
        AccountStatus::Suspended => ", suspended",
        AccountStatus::Closed => ", closed",
    }
}

/// Where an assignment can be made (RBAC-2): the organization, then each managed main account
/// followed by its subaccounts, as `(label, SID)`. Whether the acting user may assign there is
/// the model's answer on submit.
pub fn scope_choices(w: &World, org: &Sid) -> Vec<(String, String)> {
    let mut out = vec![(
        format!("{} (organization)", w.org_name(org)),
        org.to_string(),
    )];
    for a in accounts_in_order(w, org) {
        if w.kind_in(a, org) != Some(AccountKind::Managed) {
            continue;
        }
        let label = match a.parent.as_ref().and_then(|p| w.accounts.get(p)) {
            Some(p) => format!("{} (subaccount of {}{})", a.name, p.name, status_note(a)),
            None => format!("{} (account{})", a.name, status_note(a)),
        };
        out.push((label, a.sid.to_string()));
    }
    out
}

/// A role as the role picker shows it: its name and its product group (or "general role").
pub fn role_label(r: &Role) -> String {
    match r.kind {
        RoleKind::General => format!("{} (general role)", r.name),
        RoleKind::BuiltIn => format!("{} ({})", r.name, r.group),
    }
}

/// The roles of the catalogue that may be assigned at `scope` (RBAC-2), in its order, as
/// `(label, IX SID)`.
pub fn role_choices(w: &World, scope: &Sid) -> Vec<(String, String)> {
    let Some(level) = scope_level(w, scope) else {
        return Vec::new();
    };
    roles::catalogue()
        .iter()
        .filter(|r| r.assignable_at(level))
        .map(|r| (role_label(r), r.sid.to_string()))
        .collect()
}

/// The heading of a scope in a user's Role assignments: `Account · Owl Production`.
pub fn scope_heading(w: &World, org: &Sid, scope: &Sid) -> String {
    let name = w.scope_name(scope);
    match (scope_level(w, scope), w.accounts.get(scope)) {
        (Some(ScopeLevel::Organization), _) => format!("Organization · {name}"),
        (Some(ScopeLevel::Subaccount), Some(a)) => {
            let parent = a
                .parent
                .as_ref()
                .map(|p| w.scope_name(p))
                .unwrap_or_default();
            format!("Subaccount · {name} (of {parent})")
        }
        (_, Some(a)) => match w.kind_in(a, org) {
            Some(AccountKind::Managed) | None => format!("Account · {name}"),
            Some(k) => format!("Account · {name} ({})", k.label().to_lowercase()),
        },
        _ => name,
    }
}

/// One scope of a user's assignments, with each role held there and its assignment.
pub struct ScopeGroup {
    pub scope: Sid,
    pub heading: String,
    /// `(role name, IY SID)` in the catalogue's order.
    pub roles: Vec<(&'static str, Sid)>,
}

/// One assignment held: the role's place in the catalogue (for ordering), its name, the `IY`.
type Held = (Option<usize>, &'static str, Sid);

/// A user's role assignments in `org`, grouped by scope as Twilio's Role Assignments tab does:
/// the organization first, then each account followed by its subaccounts.
pub fn assignments_by_scope(w: &World, org: &Sid, user: &Sid) -> Vec<ScopeGroup> {
    let position = |r: &Sid| roles::catalogue().iter().position(|c| &c.sid == r);
    let mut by_scope: BTreeMap<Sid, Vec<Held>> = BTreeMap::new();
    for a in w.role_assignments.of_identity(user) {
        if w.org_of_scope(&a.scope).as_ref() != Some(org) {
            continue;
        }
        let name = roles::find_by_sid(&a.role).map_or("(unknown role)", |r| r.name.as_str());
        by_scope
            .entry(a.scope.clone())
            .or_default()
            .push((position(&a.role), name, a.sid.clone()));
    }
    let mut order: Vec<Sid> = Vec::new();
    if by_scope.contains_key(org) {
        order.push(org.clone());
    }
    order.extend(
        accounts_in_order(w, org)
            .into_iter()
            .map(|a| a.sid.clone())
            .filter(|s| by_scope.contains_key(s)),
    );
    order
        .into_iter()
        .map(|scope| {
            let mut held = by_scope.remove(&scope).unwrap_or_default();
            held.sort();
            ScopeGroup {
                heading: scope_heading(w, org, &scope),
                roles: held.into_iter().map(|(_, n, iy)| (n, iy)).collect(),
                scope,
            }
        })
        .collect()
}

/// The operations of the RBAC-3 table that some of `paths` permits, in the table's order.
pub fn permitted(paths: &[Access]) -> Vec<AccountOp> {
    ACCOUNT_OPS
        .iter()
        .filter(|r| paths.iter().any(|p| p.permits(r.op)))
        .map(|r| r.op)
        .collect()
}

/// `see it; rename it; upgrade it` (what follows "may"), or `do everything` when the RBAC-3
/// table has nothing more.
pub fn ops_text(ops: &[AccountOp]) -> String {
    if ops.len() == ACCOUNT_OPS.len() {
        return "do everything".into();
    }
    if ops.is_empty() {
        return "do nothing".into();
    }
    ops.iter()
        .map(|o| format!("{} it", o.rule().what))
        .collect::<Vec<_>>()
        .join("; ")
}

/// How a user reaches one account, and what that lets them do.
pub struct AccountAccess {
    pub name: String,
    pub paths: Vec<Access>,
    pub ops: Vec<AccountOp>,
}

/// Every account of `org` the user reaches, in the Accounts tab's order, each with its paths.
pub fn effective_access(w: &World, org: &Sid, user: &Sid) -> Vec<AccountAccess> {
    accounts_in_order(w, org)
        .into_iter()
        .filter_map(|a| {
            let paths = w.access_paths(user, org, a);
            (!paths.is_empty()).then(|| AccountAccess {
                name: a.name.clone(),
                ops: permitted(&paths),
                paths,
            })
        })
        .collect()
}

/// The assignment a path goes through, if any.
fn through(a: &Access) -> Option<&Sid> {
    match &a.path {
        AccessPath::Direct(iy) | AccessPath::Parent(iy) | AccessPath::Organization(iy) => Some(iy),
        AccessPath::OrgRole(_) | AccessPath::Owner => None,
    }
}

/// A path in a few words: `org Administrator`, `account owner`, `Developer on the parent`.
pub fn path_short(a: &Access) -> String {
    let role = a.role.map_or("", |r| r.name.as_str());
    match &a.path {
        AccessPath::OrgRole(r) => format!("org {}", r.label()),
        AccessPath::Owner => "account owner".into(),
        AccessPath::Direct(_) => role.to_string(),
        AccessPath::Parent(_) => format!("{role} on the parent"),
        AccessPath::Organization(_) => format!("{role} at organization scope"),
    }
}

/// Who holds a role that reaches `account` (on it, on its parent, at organization scope), each
/// once in SID order with the roles and where they are held.
pub fn holders_reaching(w: &World, org: &Sid, account: &Account) -> Vec<(Sid, Vec<String>)> {
    let main = w.main_account(account);
    let mut users: BTreeSet<Sid> = BTreeSet::new();
    for scope in [&account.sid, &main.sid, org] {
        users.extend(
            w.role_assignments
                .at_scope(scope)
                .map(|a| a.identity.clone()),
        );
    }
    users
        .into_iter()
        .filter_map(|u| {
            let held: Vec<String> = w
                .access_paths(&u, org, account)
                .iter()
                .filter(|p| p.role.is_some())
                .map(path_short)
                .collect();
            (!held.is_empty()).then_some((u, held))
        })
        .collect()
}

/// The operations the console asks "who can" about for an account: the main ones of the RBAC-3
/// table (for a subaccount, its status instead of subaccounts and billing, which are its
/// parent's).
pub fn who_can_ops(account: &Account) -> &'static [(AccountOp, &'static str)] {
    if account.parent.is_some() {
        &[
            (AccountOp::Rename, "rename"),
            (AccountOp::ManageAccess, "grant roles"),
            (AccountOp::SubaccountStatus, "suspend, resume, close"),
        ]
    } else {
        &[
            (AccountOp::Rename, "rename"),
            (AccountOp::ManageAccess, "grant roles"),
            (AccountOp::CreateSubaccount, "create subaccounts"),
            (AccountOp::Upgrade, "upgrade"),
        ]
    }
}

/// Who `who_can` found, in few words: the org's Owner and Administrators counted (they reach
/// every managed account), everyone else by email with the role that permits it.
pub fn who_text(w: &World, who: &[(Sid, Access)]) -> String {
    use crate::model::OrgRole;
    use crate::model::words::count;
    let org_role = |r: OrgRole| {
        who.iter()
            .filter(|(_, a)| a.path == AccessPath::OrgRole(r))
            .count()
    };
    let (owners, admins) = (org_role(OrgRole::Owner), org_role(OrgRole::Administrator));
    let mut parts = Vec::new();
    match (owners, admins) {
        (0, 0) => {}
        (0, n) => parts.push(format!(
            "org {}",
            count(n, "Administrator", "Administrators")
        )),
        (_, 0) => parts.push("org Owner".into()),
        (_, n) => parts.push(format!(
            "org Owner and {}",
            count(n, "Administrator", "Administrators")
        )),
    }
    parts.extend(
        who.iter()
            .filter(|(_, a)| !matches!(a.path, AccessPath::OrgRole(_)))
            .map(|(u, a)| format!("{} ({})", w.email_of(u), path_short(a))),
    );
    if parts.is_empty() {
        "nobody".into()
    } else {
        parts.join(", ")
    }
}

/// What deleting assignment `iy` would change for its holder, account by account: what no other
/// path still permits, or that no access is left. At most `max` accounts, then a count.
pub fn unassign_effects(w: &World, org: &Sid, iy: &Sid, max: usize) -> Vec<String> {
    let Some(assignment) = w.role_assignments.get(iy) else {
        return Vec::new();
    };
    let user = &assignment.identity;
    let mut lines = Vec::new();
    let mut accounts = 0;
    for a in accounts_in_order(w, org) {
        let paths = w.access_paths(user, org, a);
        if !paths.iter().any(|p| through(p) == Some(iy)) {
            continue;
        }
        accounts += 1;
        if accounts > max {
            continue;
        }
        let before = permitted(&paths);
        let left: Vec<Access> = paths
            .into_iter()
            .filter(|p| through(p) != Some(iy))
            .collect();
        let after = permitted(&left);
        let lost: Vec<AccountOp> = before.into_iter().filter(|o| !after.contains(o)).collect();
        let mut kept: Vec<String> = left.iter().take(3).map(path_short).collect();
        if left.len() > 3 {
            kept.push(format!("and {} more", left.len() - 3));
        }
        if left.is_empty() {
            lines.push(format!("{}: loses all access", a.name));
        } else if lost.is_empty() {
            lines.push(format!(
                "{}: may still do the same, through {}",
                a.name,
                kept.join(", ")
            ));
        } else {
            lines.push(format!("{}: may no longer {}", a.name, ops_text(&lost)));
            lines.push(format!(
                "  may still {} (through {})",
                ops_text(&after),
                kept.join(", ")
            ));
        }
    }
    if accounts > max {
        lines.push(format!(
            "… and {}",
            crate::model::words::count(accounts - max, "more account", "more accounts")
        ));
    }
    lines
}
