//! Twilio's role catalogue (RBAC-1, RBAC-2): the four general account roles with their documented
//! SIDs, and the built-in product roles of Twilio's "Types of roles" page, each with its product
//! group, description, lowest assignable scope and source. The data is `assets/roles.ron`, whose
//! header comments name every source and what is uncertain.

use std::sync::OnceLock;

use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::{AccountRole, Sid, SidKind};

const CATALOGUE_RON: &str = include_str!("../../assets/roles.ron");

/// General roles are the account roles of USR-4; built-in roles are Twilio's product roles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub enum RoleKind {
    General,
    BuiltIn,
}

/// Where a role may be assigned, from widest to narrowest (Twilio's `lowest_level`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
pub enum ScopeLevel {
    Organization,
    Account,
    Subaccount,
}

impl ScopeLevel {
    pub fn label(self) -> &'static str {
        match self {
            ScopeLevel::Organization => "organization",
            ScopeLevel::Account => "account",
            ScopeLevel::Subaccount => "subaccount",
        }
    }
}

/// One role of the catalogue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Role {
    pub sid: Sid,
    pub kind: RoleKind,
    pub name: String,
    pub group: String,
    pub description: String,
    /// The narrowest scope it may be assigned at.
    pub lowest_scope: ScopeLevel,
    pub source: String,
    pub note: Option<String>,
    /// The account role of a general role.
    pub general: Option<AccountRole>,
}

impl Role {
    /// Whether the role may be assigned at `level` (RBAC-2): general roles at account scope only;
    /// built-in roles from the organization down to their lowest scope.
    pub fn assignable_at(&self, level: ScopeLevel) -> bool {
        match self.kind {
            RoleKind::General => level == ScopeLevel::Account,
            RoleKind::BuiltIn => level <= self.lowest_scope,
        }
    }
}

#[derive(Deserialize)]
struct RoleCatalogue {
    roles: Vec<RoleEntry>,
}

#[derive(Deserialize)]
struct RoleEntry {
    kind: RoleKind,
    name: String,
    group: String,
    description: String,
    lowest_scope: ScopeLevel,
    sid: Option<String>,
    source: String,
    note: Option<String>,
}

/// A built-in role without a published SID gets a stable one from its name, so SIDs never
/// change between runs or versions while the name stays.
fn derived_sid(name: &str) -> Sid {
    let digest = Sha256::digest(format!("tworg role {name}").as_bytes());
    let mut bits = [0u8; 16];
    bits.copy_from_slice(&digest[..16]);
    Sid::from_bits(SidKind::Role, u128::from_be_bytes(bits))
}

fn general_role(name: &str) -> Option<AccountRole> {
    AccountRole::ALL.into_iter().find(|r| r.label() == name)
}

/// Every role, general roles first, in the catalogue's order.
pub fn catalogue() -> &'static [Role] {
    static CATALOGUE: OnceLock<Vec<Role>> = OnceLock::new();
    CATALOGUE.get_or_init(|| {
        let file: RoleCatalogue =
            ron::from_str(CATALOGUE_RON).expect("assets/roles.ron is checked by a test");
        file.roles
            .into_iter()
            .map(|e| Role {
                sid: match &e.sid {
                    Some(s) => {
                        Sid::parse(SidKind::Role, s).expect("catalogue SIDs are well formed")
                    }
                    None => derived_sid(&e.name),
                },
                general: (e.kind == RoleKind::General)
                    .then(|| general_role(&e.name))
                    .flatten(),
                kind: e.kind,
                name: e.name,
                group: e.group,
                description: e.description,
                lowest_scope: e.lowest_scope,
                source: e.source,
                note: e.note,
            })
            .collect()
    })
}

pub fn find_by_sid(sid: &Sid) -> Option<&'static Role> {
    catalogue().iter().find(|r| &r.sid == sid)
}

/// The catalogue role of a general account role.
pub fn general(role: AccountRole) -> &'static Role {
    catalogue()
        .iter()
        .find(|r| r.general == Some(role))
        .expect("the catalogue has the four general roles")
}

/// A role by what a person types: its `IX` SID, its name (any case), or a general role's short
/// key (`admin`, `developer`, `billing`, `support`).
pub fn find(input: &str) -> Option<&'static Role> {
    let input = input.trim();
    if Sid::looks_like_sid(input) {
        return Sid::parse(SidKind::Role, input)
            .ok()
            .and_then(|s| find_by_sid(&s));
    }
    catalogue()
        .iter()
        .find(|r| r.name.eq_ignore_ascii_case(input))
        .or_else(|| AccountRole::parse(input).map(general))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_catalogue_loads_with_unique_names_and_sids() {
        let roles = catalogue();
        assert!(roles.len() >= 25, "{} roles", roles.len());
        let mut names: Vec<&str> = roles.iter().map(|r| r.name.as_str()).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), roles.len(), "duplicate role names");
        let mut sids: Vec<&Sid> = roles.iter().map(|r| &r.sid).collect();
        sids.sort();
        sids.dedup();
        assert_eq!(sids.len(), roles.len(), "duplicate role SIDs");
        assert!(roles.iter().all(|r| !r.source.is_empty()));
    }

    #[test]
    fn general_roles_have_the_documented_sids() {
        for (role, n) in [
            (AccountRole::Administrator, 102),
            (AccountRole::Developer, 103),
            (AccountRole::BillingManager, 104),
            (AccountRole::Support, 105),
        ] {
            let expected = format!("IX{:0>32}", n);
            assert_eq!(general(role).sid.as_str(), expected);
            assert_eq!(find(role.key()).map(|r| r.general), Some(Some(role)));
        }
    }

    #[test]
    fn roles_are_found_by_sid_name_and_key() {
        let studio = find("studio admin").expect("Studio Admin is a built-in role");
        assert_eq!(studio.kind, RoleKind::BuiltIn);
        assert_eq!(find(studio.sid.as_str()), Some(studio));
        assert_eq!(find(&studio.sid.as_str().to_lowercase()), Some(studio));
        assert!(find("Chief Llama").is_none());
        assert!(studio.assignable_at(ScopeLevel::Organization));
        assert!(!general(AccountRole::Developer).assignable_at(ScopeLevel::Subaccount));
    }
}
