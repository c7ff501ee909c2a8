//! Role assignments (RBAC-1): each grant of a role is an `IY` assignment of (identity, role,
//! scope), never edited. They are kept in one store with indexes by identity and by scope, so
//! "what does this user hold" and "who holds what here" never walk every assignment.

use std::collections::{BTreeMap, BTreeSet};

use jiff::Timestamp;
use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::Sid;

/// One assignment: `identity` (a `US` user) holds `role` (an `IX` role) at `scope` (an `OR`
/// organization, or an `AC` account or subaccount).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoleAssignment {
    pub sid: Sid,
    pub identity: Sid,
    pub role: Sid,
    pub scope: Sid,
    pub created_at: Timestamp,
}

/// Every role assignment of the world. Saved as a list in SID order; the indexes are rebuilt on
/// load and kept in step by `insert` and `remove`, the only ways in and out.
#[derive(Debug, Clone, Default)]
pub struct RoleAssignments {
    by_sid: BTreeMap<Sid, RoleAssignment>,
    by_identity: BTreeMap<Sid, BTreeSet<Sid>>,
    by_scope: BTreeMap<Sid, BTreeSet<Sid>>,
}

impl PartialEq for RoleAssignments {
    fn eq(&self, other: &Self) -> bool {
        // The indexes follow from the assignments.
        self.by_sid == other.by_sid
    }
}

impl RoleAssignments {
    pub fn is_empty(&self) -> bool {
        self.by_sid.is_empty()
    }
    pub fn len(&self) -> usize {
        self.by_sid.len()
    }
    pub fn get(&self, sid: &Sid) -> Option<&RoleAssignment> {
        self.by_sid.get(sid)
    }
    pub fn contains(&self, sid: &Sid) -> bool {
        self.by_sid.contains_key(sid)
    }
    /// Every assignment, in SID order.
    pub fn iter(&self) -> impl Iterator<Item = &RoleAssignment> {
        self.by_sid.values()
    }
    /// The assignments `identity` holds, anywhere, in SID order.
    pub fn of_identity<'a>(&'a self, identity: &Sid) -> impl Iterator<Item = &'a RoleAssignment> {
        self.indexed(self.by_identity.get(identity))
    }
    /// The assignments made at `scope`, in SID order.
    pub fn at_scope<'a>(&'a self, scope: &Sid) -> impl Iterator<Item = &'a RoleAssignment> {
        self.indexed(self.by_scope.get(scope))
    }
    /// The assignment of exactly (identity, role, scope), if any (RBAC-1: at most one).
    pub fn find(&self, identity: &Sid, role: &Sid, scope: &Sid) -> Option<&RoleAssignment> {
        self.of_identity(identity)
            .find(|a| &a.role == role && &a.scope == scope)
    }

    fn indexed<'a>(
        &'a self,
        sids: Option<&'a BTreeSet<Sid>>,
    ) -> impl Iterator<Item = &'a RoleAssignment> {
        sids.into_iter()
            .flatten()
            .filter_map(|s| self.by_sid.get(s))
    }

    pub fn insert(&mut self, a: RoleAssignment) {
        self.by_identity
            .entry(a.identity.clone())
            .or_default()
            .insert(a.sid.clone());
        self.by_scope
            .entry(a.scope.clone())
            .or_default()
            .insert(a.sid.clone());
        self.by_sid.insert(a.sid.clone(), a);
    }

    pub fn remove(&mut self, sid: &Sid) -> Option<RoleAssignment> {
        let a = self.by_sid.remove(sid)?;
        for (index, key) in [
            (&mut self.by_identity, &a.identity),
            (&mut self.by_scope, &a.scope),
        ] {
            if let Some(set) = index.get_mut(key) {
                set.remove(sid);
                if set.is_empty() {
                    index.remove(key);
                }
            }
        }
        Some(a)
    }

    /// Removes the assignments of `identity` that `drop` picks; returns them.
    pub fn remove_of_identity(
        &mut self,
        identity: &Sid,
        drop: impl FnMut(&RoleAssignment) -> bool,
    ) -> Vec<RoleAssignment> {
        let picked = Self::pick(self.of_identity(identity), drop);
        self.remove_all(&picked)
    }

    /// Removes every assignment at `scope`; returns them.
    pub fn remove_at_scope(&mut self, scope: &Sid) -> Vec<RoleAssignment> {
        let picked = Self::pick(self.at_scope(scope), |_| true);
        self.remove_all(&picked)
    }

    fn pick<'a>(
        candidates: impl Iterator<Item = &'a RoleAssignment>,
        mut drop: impl FnMut(&RoleAssignment) -> bool,
    ) -> Vec<Sid> {
        candidates
            .filter(|a| drop(a))
            .map(|a| a.sid.clone())
            .collect()
    }

    fn remove_all(&mut self, sids: &[Sid]) -> Vec<RoleAssignment> {
        sids.iter().filter_map(|s| self.remove(s)).collect()
    }
}

impl Serialize for RoleAssignments {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.by_sid.values())
    }
}

impl<'de> Deserialize<'de> for RoleAssignments {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let mut store = RoleAssignments::default();
        for a in Vec::<RoleAssignment>::deserialize(d)? {
            if store.contains(&a.sid) {
                return Err(D::Error::custom(format!(
                    "the SID {} is used twice (ID-2)",
                    a.sid
                )));
            }
            store.insert(a);
        }
        Ok(store)
    }
}
