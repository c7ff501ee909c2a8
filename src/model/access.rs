//! Access to accounts through role assignments (RBAC-1..5): the one table of what the account's
//! owner and each general role may do on an account (RBAC-3), the check every account action
//! calls, the queries a rehearsal needs (what can this user do here, and through which
//! assignment; who can do this here), and assigning and unassigning roles.

use std::collections::BTreeSet;

use super::error::{ActionError, ActionResult, Refusal, refuse};
use super::roles::{self, Role, RoleKind, ScopeLevel};
use super::rules;
use super::*;

/// RBAC-2: a user holds at most this many built-in role assignments across all scopes.
pub const BUILT_IN_MAX: usize = 50;

/// What an account action needs (RBAC-3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum AccountOp {
    /// See the account (every role reaches this).
    View,
    /// Project settings: rename.
    Rename,
    /// User management on the account: grant and revoke roles.
    ManageAccess,
    /// Create subaccounts (in the Console, or through the API with API credentials).
    CreateSubaccount,
    /// Suspend, resume or close a subaccount.
    SubaccountStatus,
    /// Billing: upgrade Trial to Full.
    Upgrade,
    /// API credentials: auth tokens and API keys.
    Credentials,
    /// Suspend or resume the main account.
    SuspendResume,
    /// Close the main account.
    Close,
}

/// One row of the RBAC-3 table: besides the org's Owner and Administrators (who may do all of it
/// on every managed account), who may do `op` on an account.
pub struct OpRule {
    pub op: AccountOp,
    /// What it is, for messages and help: "rename".
    pub what: &'static str,
    /// The account's owner may.
    pub owner: bool,
    /// These general roles on the account (or its parent) may.
    pub roles: &'static [AccountRole],
}

use AccountRole::{Administrator as ADMIN, BillingManager as BILLING, Developer as DEV, Support};

/// RBAC-3, after Twilio's account roles permission matrix: the only place these permissions
/// are written. The checks, `tworg access`, `tworg role list` and the console read it.
pub const ACCOUNT_OPS: &[OpRule] = &[
    OpRule {
        op: AccountOp::View,
        what: "see",
        owner: true,
        roles: &[ADMIN, DEV, BILLING, Support],
    },
    OpRule {
        op: AccountOp::Rename,
        what: "rename",
        owner: true,
        roles: &[ADMIN],
    },
    OpRule {
        op: AccountOp::ManageAccess,
        what: "grant and revoke roles on",
        owner: true,
        roles: &[ADMIN],
    },
    OpRule {
        op: AccountOp::CreateSubaccount,
        what: "create subaccounts under",
        owner: true,
        roles: &[ADMIN, DEV],
    },
    OpRule {
        op: AccountOp::SubaccountStatus,
        what: "suspend, resume or close subaccounts of",
        owner: true,
        roles: &[ADMIN],
    },
    OpRule {
        op: AccountOp::Upgrade,
        what: "upgrade",
        owner: true,
        roles: &[ADMIN, BILLING],
    },
    OpRule {
        op: AccountOp::Credentials,
        what: "manage API credentials of",
        owner: true,
        roles: &[ADMIN, DEV],
    },
    OpRule {
        op: AccountOp::SuspendResume,
        what: "suspend or resume",
        owner: true,
        roles: &[],
    },
    OpRule {
        op: AccountOp::Close,
        what: "close",
        owner: true,
        roles: &[],
    },
];

impl OpRule {
    /// What the operation does, said of `account` itself: on a subaccount, changing its status
    /// is said plainly (the table's words speak of a main account's subaccounts).
    fn what_on(&self, account: &Account) -> &'static str {
        match self.op {
            AccountOp::SubaccountStatus if account.parent.is_some() => "suspend, resume or close",
            _ => self.what,
        }
    }
}

impl AccountOp {
    pub fn rule(self) -> &'static OpRule {
        ACCOUNT_OPS
            .iter()
            .find(|r| r.op == self)
            .expect("every operation has a row")
    }
}

/// How a user reaches an account (the path `tworg access` shows).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum AccessPath {
    /// As the org's Owner or an Administrator: every managed account.
    OrgRole(OrgRole),
    /// As the account's owner (of the parent, for a subaccount).
    Owner,
    /// A role assigned on the account itself.
    Direct(Sid),
    /// A role assigned on the parent account, reaching its subaccounts.
    Parent(Sid),
    /// A built-in role assigned at organization scope.
    Organization(Sid),
}

/// One way a user has access: the role (none for the org roles and ownership) and the path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Access {
    pub role: Option<&'static Role>,
    pub path: AccessPath,
}

impl Access {
    /// What this access permits, by the RBAC-3 table; built-in roles permit seeing the account
    /// (their product rights are outside tworg's model).
    pub fn permits(&self, op: AccountOp) -> bool {
        let rule = op.rule();
        match (&self.path, self.role) {
            (AccessPath::OrgRole(_), _) => true,
            (AccessPath::Owner, _) => rule.owner,
            (_, Some(role)) => match role.general {
                Some(g) => rule.roles.contains(&g),
                None => op == AccountOp::View,
            },
            (_, None) => false,
        }
    }

    /// "Administrator, assigned on Owl Production (IY…)", for people.
    pub fn describe(&self, w: &World) -> String {
        let role = self.role.map(|r| r.name.as_str()).unwrap_or_default();
        let scope_name = |iy: &Sid| {
            w.role_assignments
                .get(iy)
                .map(|a| w.scope_name(&a.scope))
                .unwrap_or_default()
        };
        match &self.path {
            AccessPath::OrgRole(r) => format!("org {}", r.label()),
            AccessPath::Owner => "account owner".to_string(),
            AccessPath::Direct(iy) => format!("{role}, assigned on {} ({iy})", scope_name(iy)),
            AccessPath::Parent(iy) => {
                format!("{role}, assigned on the parent {} ({iy})", scope_name(iy))
            }
            AccessPath::Organization(iy) => {
                format!(
                    "{role}, assigned on the organization {} ({iy})",
                    scope_name(iy)
                )
            }
        }
    }
}

impl World {
    /// The name of a scope: an org's or an account's.
    pub fn scope_name(&self, scope: &Sid) -> String {
        match scope.kind() {
            Some(SidKind::Org) => self.org_name(scope),
            _ => self
                .accounts
                .get(scope)
                .map(|a| a.name.clone())
                .unwrap_or_else(|| scope.to_string()),
        }
    }

    /// The org a scope belongs to: the org itself, or the org an account is linked to.
    pub fn org_of_scope(&self, scope: &Sid) -> Option<Sid> {
        match scope.kind() {
            Some(SidKind::Org) => self.orgs.contains_key(scope).then(|| scope.clone()),
            Some(SidKind::Account) => {
                let a = self.accounts.get(scope)?;
                self.link_of(a).map(|l| l.org.clone())
            }
            _ => None,
        }
    }

    /// Every way `user` reaches `account` in `org`, widest first (RBAC-3's effective access).
    pub fn access_paths(&self, user: &Sid, org: &Sid, account: &Account) -> Vec<Access> {
        let mut paths = Vec::new();
        let managed = self.kind_in(account, org) == Some(AccountKind::Managed);
        if let Some(m) = self.membership_in(user, org)
            && m.role.is_admin()
            && m.status == MemberStatus::Active
            && managed
        {
            paths.push(Access {
                role: None,
                path: AccessPath::OrgRole(m.role),
            });
        }
        let main = self.main_account(account);
        if main.owner.as_ref() == Some(user) {
            paths.push(Access {
                role: None,
                path: AccessPath::Owner,
            });
        }
        for a in self.role_assignments.of_identity(user) {
            let role = roles::find_by_sid(&a.role);
            let path = if a.scope == account.sid {
                AccessPath::Direct(a.sid.clone())
            } else if a.scope == main.sid && main.sid != account.sid {
                AccessPath::Parent(a.sid.clone())
            } else if &a.scope == org && managed {
                AccessPath::Organization(a.sid.clone())
            } else {
                continue;
            };
            paths.push(Access { role, path });
        }
        paths.sort_by(|a, b| a.path.cmp(&b.path));
        paths
    }

    /// The first path by which `user` may do `op` on `account`, if any.
    pub fn permitted_by(
        &self,
        user: &Sid,
        org: &Sid,
        account: &Account,
        op: AccountOp,
    ) -> Option<Access> {
        self.access_paths(user, org, account)
            .into_iter()
            .find(|a| a.permits(op))
    }

    /// Who may do `op` on `account`, each with the path that permits it, in SID order.
    pub fn who_can(&self, org: &Sid, account: &Account, op: AccountOp) -> Vec<(Sid, Access)> {
        let main = self.main_account(account);
        let mut candidates: BTreeSet<Sid> = self
            .members(org)
            .filter(|u| u.membership.as_ref().is_some_and(|m| m.role.is_admin()))
            .map(|u| u.sid.clone())
            .collect();
        candidates.extend(main.owner.clone());
        for scope in [&account.sid, &main.sid, org] {
            candidates.extend(
                self.role_assignments
                    .at_scope(scope)
                    .map(|a| a.identity.clone()),
            );
        }
        candidates
            .into_iter()
            .filter_map(|u| Some((u.clone(), self.permitted_by(&u, org, account, op)?)))
            .collect()
    }

    /// The role names `user` holds at exactly `scope`, in the catalogue's order.
    pub fn role_names_at(&self, user: &Sid, scope: &Sid) -> Vec<&'static str> {
        let held: BTreeSet<&Sid> = self
            .role_assignments
            .of_identity(user)
            .filter(|a| &a.scope == scope)
            .map(|a| &a.role)
            .collect();
        roles::catalogue()
            .iter()
            .filter(|r| held.contains(&r.sid))
            .map(|r| r.name.as_str())
            .collect()
    }

    /// Who holds which roles at exactly `scope`: each user once, in SID order, with role names.
    pub fn holders_at(&self, scope: &Sid) -> Vec<(Sid, Vec<&'static str>)> {
        let users: BTreeSet<Sid> = self
            .role_assignments
            .at_scope(scope)
            .map(|a| a.identity.clone())
            .collect();
        users
            .into_iter()
            .map(|u| {
                let names = self.role_names_at(&u, scope);
                (u, names)
            })
            .collect()
    }

    /// The general roles granted on a main account, by user (USR-4's role sets), in SID order.
    pub fn grants_on(
        &self,
        account: &Sid,
    ) -> std::collections::BTreeMap<Sid, BTreeSet<AccountRole>> {
        let mut grants = std::collections::BTreeMap::<Sid, BTreeSet<AccountRole>>::new();
        for a in self.role_assignments.at_scope(account) {
            if let Some(g) = roles::find_by_sid(&a.role).and_then(|r| r.general) {
                grants.entry(a.identity.clone()).or_default().insert(g);
            }
        }
        grants
    }

    /// The general roles `user` holds on a main account (USR-4's role set).
    pub fn general_roles(&self, user: &Sid, account: &Sid) -> BTreeSet<AccountRole> {
        self.role_assignments
            .of_identity(user)
            .filter(|a| &a.scope == account)
            .filter_map(|a| roles::find_by_sid(&a.role)?.general)
            .collect()
    }

    /// Whether `user` holds any role on the account, its parent, or (built-in) the org.
    pub fn holds_any_role(&self, user: &Sid, org: &Sid, account: &Account) -> bool {
        self.access_paths(user, org, account)
            .iter()
            .any(|a| a.role.is_some())
    }

    /// RBAC-3: may the acting user do `op` on `account`? The org's Owner and Administrators may
    /// on every managed account; others as the table says. A Standard user with no role on the
    /// account is refused by ORG-3 (it is someone else's account), one whose role does not
    /// permit it by RBAC-3; both name the role that would.
    pub(crate) fn require_account_op(
        &self,
        ctx: &Ctx,
        account: &Account,
        op: AccountOp,
    ) -> ActionResult<()> {
        if let Actor::Account(holder) = &ctx.actor {
            return self.require_credentials_reach(holder, account, op);
        }
        let Actor::User(u) = &ctx.actor else {
            return Ok(());
        };
        if self.permitted_by(u, &ctx.org, account, op).is_some() {
            return Ok(());
        }
        let rule = op.rule();
        let Some(m) = self.membership_in(u, &ctx.org) else {
            if !self.holds_any_role(u, &ctx.org, account) {
                return self
                    .require_admin(ctx, &format!("{} {}", rule.what_on(account), account.name));
            }
            return Err(self.rbac_refusal(&ctx.org, u, account, rule).into());
        };
        if m.role.is_admin() && m.status == MemberStatus::Active {
            // An org admin reaches every managed account; other kinds have their own rules.
            return Ok(());
        }
        if m.status != MemberStatus::Active {
            return self.require_admin(ctx, &format!("{} {}", rule.what_on(account), account.name));
        }
        if !self.holds_any_role(u, &ctx.org, account) {
            return refuse(
                rules::ORG_3,
                format!(
                    "{} is a Standard user and cannot {} {}, which belongs to someone else",
                    self.email_of(u),
                    rule.what_on(account),
                    account.name
                ),
                match rule.roles {
                    [] => "ask an Administrator or the account's owner to do it".to_string(),
                    _ => format!(
                        "ask an Administrator or the account's owner to do it, or to give you {} on it",
                        permitting_roles(rule)
                    ),
                },
            );
        }
        Err(self.rbac_refusal(&ctx.org, u, account, rule).into())
    }

    fn rbac_refusal(&self, org: &Sid, user: &Sid, account: &Account, rule: &OpRule) -> Refusal {
        let held: Vec<String> = self
            .access_paths(user, org, account)
            .iter()
            .filter_map(|a| a.role.map(|r| r.name.clone()))
            .collect();
        Refusal::new(
            rules::RBAC_3,
            format!(
                "{} holds {} on {}, which does not let them {} it",
                self.email_of(user),
                held.join(" and "),
                account.name,
                rule.what_on(account)
            ),
            match rule.roles {
                [] => "only the account's owner or an org Administrator may: ask one of them"
                    .to_string(),
                _ => format!(
                    "{} on the account permits it: ask an Administrator or the account's owner",
                    permitting_roles(rule)
                ),
            },
        )
    }
}

/// "the Administrator or Billing Manager role" / "only the account's owner".
fn permitting_roles(rule: &OpRule) -> String {
    let names: Vec<&str> = rule.roles.iter().map(|r| r.label()).collect();
    match names.as_slice() {
        [] => "only the account's owner (or an org Administrator)".to_string(),
        [one] => format!("the {one} role"),
        [init @ .., last] => format!("the {} or {last} role", init.join(", ")),
    }
}

// ---- assigning and unassigning (RBAC-1, RBAC-2, RBAC-4, RBAC-5) ----

impl World {
    /// Creates one assignment; the caller has checked every rule.
    pub(crate) fn add_assignment(&mut self, identity: &Sid, role: &Sid, scope: &Sid) -> Sid {
        let sid = self.new_sid(SidKind::RoleAssignment);
        self.role_assignments.insert(RoleAssignment {
            sid: sid.clone(),
            identity: identity.clone(),
            role: role.clone(),
            scope: scope.clone(),
            created_at: self.clock,
        });
        sid
    }

    /// Sets a user's general roles on a main account to exactly `set`: assignments are never
    /// edited, so roles no longer held are deleted and new ones created (RBAC-1).
    pub(crate) fn set_general_roles(
        &mut self,
        user: &Sid,
        account: &Sid,
        set: &BTreeSet<AccountRole>,
    ) {
        self.role_assignments.remove_of_identity(user, |a| {
            &a.scope == account
                && roles::find_by_sid(&a.role)
                    .and_then(|r| r.general)
                    .is_some_and(|g| !set.contains(&g))
        });
        let held = self.general_roles(user, account);
        for g in set.difference(&held) {
            let role = roles::general(*g).sid.clone();
            self.add_assignment(user, &role, account);
        }
    }

    /// Drops every assignment `user` holds in `org` (the org itself, its accounts and their
    /// subaccounts): a user leaving the org loses what the org granted (USR-8, RBAC-4).
    pub(crate) fn drop_assignments_in_org(&mut self, org: &Sid, user: &Sid) {
        let in_org: Vec<Sid> = self
            .role_assignments
            .of_identity(user)
            .filter(|a| self.org_of_scope(&a.scope).is_none_or(|o| &o == org))
            .map(|a| a.sid.clone())
            .collect();
        self.role_assignments
            .remove_of_identity(user, |a| in_org.contains(&a.sid));
    }

    /// Drops every assignment on an account and its subaccounts (an account leaving its org
    /// leaves the org's grants behind).
    pub(crate) fn drop_assignments_on_account(&mut self, account: &Sid) {
        let subaccounts: Vec<Sid> = self
            .accounts
            .values()
            .filter(|a| a.parent.as_ref() == Some(account))
            .map(|a| a.sid.clone())
            .collect();
        for scope in std::iter::once(account).chain(&subaccounts) {
            self.role_assignments.remove_at_scope(scope);
        }
    }

    /// Drops every assignment of a user who no longer exists (USR-8 delete).
    pub(crate) fn drop_assignments_of(&mut self, user: &Sid) {
        self.role_assignments.remove_of_identity(user, |_| true);
    }

    /// Drops every assignment at a scope that no longer exists (a purged subaccount, a merged
    /// organization).
    pub(crate) fn drop_assignments_at(&mut self, scope: &Sid) {
        self.role_assignments.remove_at_scope(scope);
    }

    /// Files of version 1 kept general roles per account: each becomes an assignment.
    pub fn migrate_legacy_access(&mut self) {
        let legacy: Vec<(Sid, Sid, BTreeSet<AccountRole>)> = self
            .accounts
            .values_mut()
            .flat_map(|a| {
                let sid = a.sid.clone();
                std::mem::take(&mut a.legacy_access)
                    .into_iter()
                    .map(move |(u, set)| (sid.clone(), u, set))
            })
            .collect();
        for (account, user, set) in legacy {
            for g in set {
                let role = roles::general(g).sid.clone();
                self.add_assignment(&user, &role, &account);
            }
        }
        self.version = WORLD_VERSION;
    }

    /// RBAC-1..5 and USR-5: `tworg role assign USER ROLE --scope SID`.
    pub(crate) fn assign_role(
        &mut self,
        ctx: &Ctx,
        user_key: &str,
        role_key: &str,
        scope_key: &str,
    ) -> ActionResult<Outcome> {
        let Some(role) = roles::find(role_key) else {
            return Err(Refusal::new(
                rules::RBAC_5,
                format!("there is no role '{}'", role_key.trim()),
                "choose a role of the catalogue (the role list shows every one with its SID)",
            )
            .into());
        };
        let scope = Sid::parse_any(scope_key)?;
        let level = self.scope_level(ctx, &scope)?;
        if let Some(general) = role.general {
            // A general role is the account role of USR-4: granting it is the same change.
            if level != ScopeLevel::Account {
                return Err(self.general_scope_refusal(role, &scope, level, user_key));
            }
            let user = self.find_user(user_key)?.sid.clone();
            let mut set = self.general_roles(&user, &scope);
            if !set.insert(general) {
                return self.duplicate_refusal(&user, role, &scope);
            }
            let roles: Vec<AccountRole> = set.into_iter().collect();
            let out = self.grant_access(ctx, scope.as_str(), user_key, &roles)?;
            let created = self
                .role_assignments
                .find(&user, &role.sid, &scope)
                .map(|a| a.sid.clone())
                .expect("granted");
            return Ok(out.created(SidKind::RoleAssignment, created));
        }
        // Built-in roles.
        if !role.assignable_at(level) {
            return refuse(
                rules::RBAC_2,
                format!(
                    "{} can be assigned down to {} scope only, not at {} scope",
                    role.name,
                    role.lowest_scope.label(),
                    level.label()
                ),
                "assign it on the parent account or the organization",
            );
        }
        match level {
            ScopeLevel::Organization => self.require_admin(ctx, "assign organization roles")?,
            _ => {
                let account = self.accounts.get(&scope).expect("scope checked");
                // ACC-8 first: nobody, however permitted, grants roles on a closed account.
                self.refuse_closed(account, "assign roles on")?;
                self.require_account_op(ctx, account, AccountOp::ManageAccess)?;
            }
        }
        let user = self.find_user(user_key)?;
        let membership = self.membership_in(&user.sid, &ctx.org);
        if membership.is_none_or(|m| m.status != MemberStatus::Active) {
            let message = format!(
                "{} is not an active managed member of {}; built-in roles are for managed users only",
                user.email,
                self.org_name(&ctx.org)
            );
            // A deactivated member is reactivated, not invited again (USR-2).
            if membership.is_some_and(|m| m.status == MemberStatus::Deactivated) {
                let r = Refusal::new(
                    rules::RBAC_4,
                    message,
                    format!("reactivate {} first", user.email),
                );
                let reactivate = Action::Reactivate {
                    user: user.email.clone(),
                };
                return Err(match self.admin_by(ctx) {
                    Some(by) => r.fix_by(by, reactivate),
                    None => r.fix(reactivate),
                }
                .into());
            }
            return refuse(
                rules::RBAC_4,
                message,
                "give an external collaborator a general account role instead, or invite them",
            );
        }
        let user = user.sid.clone();
        if self
            .role_assignments
            .find(&user, &role.sid, &scope)
            .is_some()
        {
            return self.duplicate_refusal(&user, role, &scope);
        }
        let built_in = self
            .role_assignments
            .of_identity(&user)
            .filter(|a| roles::find_by_sid(&a.role).is_some_and(|r| r.kind == RoleKind::BuiltIn))
            .count();
        if built_in >= BUILT_IN_MAX {
            return refuse(
                rules::RBAC_2,
                format!(
                    "{} already holds {built_in} built-in role assignments, the most a user may hold",
                    self.email_of(&user)
                ),
                "unassign a built-in role first",
            );
        }
        let sid = self.add_assignment(&user, &role.sid, &scope);
        let detail = format!(
            "assigned {} to {} on {} ({sid})",
            role.name,
            self.email_of(&user),
            self.scope_name(&scope)
        );
        self.audit(ctx, "role.assign", detail.clone());
        Ok(Outcome::msg(detail).created(SidKind::RoleAssignment, sid))
    }

    /// RBAC-5: the assignments in `org` of an identity, or at a scope (one of them is needed,
    /// Twilio's error 25203), in SID order. `identity` is an email or a `US` SID.
    pub fn list_role_assignments(
        &self,
        org: &Sid,
        identity: Option<&str>,
        scope: Option<&str>,
    ) -> ActionResult<Vec<&RoleAssignment>> {
        let in_org = |a: &&RoleAssignment| self.org_of_scope(&a.scope).as_ref() == Some(org);
        match (identity, scope) {
            (None, None) => refuse(
                rules::RBAC_5,
                "listing role assignments needs an identity or a scope to filter by",
                "name a user, or a scope (the organization or one of its accounts)",
            ),
            (Some(user), scope) => {
                let user = self.find_user(user)?.sid.clone();
                let scope = scope.map(Sid::parse_any).transpose()?;
                Ok(self
                    .role_assignments
                    .of_identity(&user)
                    .filter(in_org)
                    .filter(|a| scope.as_ref().is_none_or(|s| &a.scope == s))
                    .collect())
            }
            (None, Some(scope)) => {
                let scope = Sid::parse_any(scope)?;
                Ok(self
                    .role_assignments
                    .at_scope(&scope)
                    .filter(in_org)
                    .collect())
            }
        }
    }

    /// RBAC-1: `tworg role unassign IY…` deletes one assignment.
    pub(crate) fn unassign_role(&mut self, ctx: &Ctx, key: &str) -> ActionResult<Outcome> {
        let sid = Sid::parse(SidKind::RoleAssignment, key)?;
        let Some(a) = self.role_assignments.get(&sid).cloned() else {
            return Err(ActionError::NotFound(format!("no role assignment {sid}")));
        };
        if self.org_of_scope(&a.scope).as_ref() != Some(&ctx.org) {
            return Err(ActionError::NotFound(format!(
                "role assignment {sid} is not in {}",
                self.org_name(&ctx.org)
            )));
        }
        match self.accounts.get(&a.scope) {
            Some(account) => self.require_account_op(ctx, account, AccountOp::ManageAccess)?,
            None => self.require_admin(ctx, "unassign organization roles")?,
        }
        self.role_assignments.remove(&sid);
        let role = roles::find_by_sid(&a.role)
            .map(|r| r.name.as_str())
            .unwrap_or("a role");
        let detail = format!(
            "unassigned {role} from {} on {} ({sid})",
            self.email_of(&a.identity),
            self.scope_name(&a.scope)
        );
        self.audit(ctx, "role.unassign", detail.clone());
        Ok(Outcome::msg(detail))
    }

    /// RBAC-5 (25200): the scope is the org itself or one of its managed accounts; which level.
    fn scope_level(&self, ctx: &Ctx, scope: &Sid) -> ActionResult<ScopeLevel> {
        let outside = || {
            Refusal::new(
                rules::RBAC_5,
                format!("{scope} is not a scope in {}", self.org_name(&ctx.org)),
                "choose the organization or one of its managed accounts or subaccounts",
            )
        };
        match scope.kind() {
            Some(SidKind::Org) if scope == &ctx.org => Ok(ScopeLevel::Organization),
            Some(SidKind::Account) => {
                let a = self.accounts.get(scope).ok_or_else(outside)?;
                if self.kind_in(a, &ctx.org) != Some(AccountKind::Managed)
                    && !(a.parent.is_none()
                        && self.kind_in(a, &ctx.org) == Some(AccountKind::Independent))
                {
                    return Err(outside().into());
                }
                Ok(if a.parent.is_some() {
                    ScopeLevel::Subaccount
                } else {
                    ScopeLevel::Account
                })
            }
            _ => Err(outside().into()),
        }
    }

    fn general_scope_refusal(
        &self,
        role: &Role,
        scope: &Sid,
        level: ScopeLevel,
        user_key: &str,
    ) -> ActionError {
        let r = Refusal::new(
            rules::RBAC_2,
            format!(
                "{} is a general role: it is assigned on a main account, not at {} scope",
                role.name,
                level.label()
            ),
            "assign it on the main account; it reaches the subaccounts",
        );
        let main = self
            .accounts
            .get(scope)
            .map(|a| self.main_account(a).sid.clone());
        match main {
            Some(main) if level == ScopeLevel::Subaccount => r
                .fix(Action::AssignRole {
                    user: user_key.to_string(),
                    role: role.sid.to_string(),
                    scope: main.to_string(),
                })
                .into(),
            _ => r.into(),
        }
    }

    fn duplicate_refusal(&self, user: &Sid, role: &Role, scope: &Sid) -> ActionResult<Outcome> {
        refuse(
            rules::RBAC_1,
            format!(
                "{} already holds {} on {}",
                self.email_of(user),
                role.name,
                self.scope_name(scope)
            ),
            "an assignment is never made twice; nothing to change",
        )
    }
}
