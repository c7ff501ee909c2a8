//! An organization's invitations, by SID, with an index by canonical email (SCIM-2's form), so
//! that USR-3's "one invitation per address" and every "is this address invited?" is a lookup
//! instead of a scan: `tworg apply` of 10,000 invitations was quadratic without it.
//!
//! Reads go through `Deref` to the map; every change goes through the methods here, which keep
//! the index in step. The file holds the map only; the index is rebuilt when it is read.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::ops::Deref;

use jiff::Timestamp;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::Invitation;
use super::names::canonical;
use super::sid::Sid;

#[derive(Debug, Clone, Default)]
pub struct Invitations {
    by_sid: BTreeMap<Sid, Invitation>,
    /// Canonical email → the SIDs invited at it (one, unless an old file holds more).
    by_email: HashMap<String, BTreeSet<Sid>>,
}

impl Invitations {
    /// The invitation for an address, compared in canonical form (the first by SID if an old
    /// file holds several).
    pub fn for_email(&self, email: &str) -> Option<&Invitation> {
        let sids = self.by_email.get(&canonical(email))?;
        sids.first().and_then(|sid| self.by_sid.get(sid))
    }

    /// No invitation at all (the file leaves the field out).
    pub fn is_none(&self) -> bool {
        self.by_sid.is_empty()
    }

    pub fn insert(&mut self, sid: Sid, invitation: Invitation) {
        if let Some(old) = self.by_sid.remove(&sid) {
            self.unindex(&old);
        }
        self.by_email
            .entry(canonical(&invitation.email))
            .or_default()
            .insert(sid.clone());
        self.by_sid.insert(sid, invitation);
    }

    pub fn remove(&mut self, sid: &Sid) -> Option<Invitation> {
        let removed = self.by_sid.remove(sid)?;
        self.unindex(&removed);
        Some(removed)
    }

    /// Removes every invitation for an address (the person joined).
    pub fn remove_email(&mut self, email: &str) {
        if let Some(sids) = self.by_email.remove(&canonical(email)) {
            for sid in sids {
                self.by_sid.remove(&sid);
            }
        }
    }

    /// Resending: a new sent time and expiry (the address, and so the index, stay).
    pub fn renew(&mut self, sid: &Sid, sent_at: Timestamp, expires_at: Timestamp) {
        if let Some(i) = self.by_sid.get_mut(sid) {
            i.sent_at = sent_at;
            i.expires_at = expires_at;
        }
    }

    fn unindex(&mut self, invitation: &Invitation) {
        let key = canonical(&invitation.email);
        if let Some(sids) = self.by_email.get_mut(&key) {
            sids.remove(&invitation.sid);
            if sids.is_empty() {
                self.by_email.remove(&key);
            }
        }
    }
}

impl Deref for Invitations {
    type Target = BTreeMap<Sid, Invitation>;
    fn deref(&self) -> &Self::Target {
        &self.by_sid
    }
}

impl FromIterator<(Sid, Invitation)> for Invitations {
    fn from_iter<I: IntoIterator<Item = (Sid, Invitation)>>(iter: I) -> Self {
        let mut all = Invitations::default();
        for (sid, invitation) in iter {
            all.insert(sid, invitation);
        }
        all
    }
}

impl PartialEq for Invitations {
    fn eq(&self, other: &Self) -> bool {
        self.by_sid == other.by_sid
    }
}

impl Serialize for Invitations {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.by_sid.serialize(s)
    }
}

impl<'de> Deserialize<'de> for Invitations {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(
            crate::model::serde_compact::unique_map::deserialize::<Sid, Invitation, D>(d)?
                .into_iter()
                .collect(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::OrgRole;
    use crate::model::sid::SidKind;

    fn invitation(n: u128, email: &str) -> (Sid, Invitation) {
        let sid = Sid::from_bits(SidKind::Notification, n);
        let inv = Invitation {
            sid: sid.clone(),
            email: email.into(),
            role: OrgRole::Standard,
            accounts: Default::default(),
            invited_by: Sid::from_bits(SidKind::User, 1),
            sent_at: Timestamp::UNIX_EPOCH,
            expires_at: Timestamp::UNIX_EPOCH,
        };
        (sid, inv)
    }

    #[test]
    fn an_address_is_found_in_canonical_form_and_forgotten_when_removed() {
        let (a, ia) = invitation(1, "Anna@Example.com");
        let (b, ib) = invitation(2, "ÄNNA@example.com");
        let mut all: Invitations = [(a.clone(), ia), (b.clone(), ib)].into_iter().collect();
        assert_eq!(
            all.for_email(" anna@example.COM ").map(|i| &i.sid),
            Some(&a)
        );
        assert_eq!(all.for_email("änna@example.com").map(|i| &i.sid), Some(&b));
        all.remove(&a);
        assert!(all.for_email("anna@example.com").is_none());
        all.remove_email("Änna@Example.com");
        assert!(all.is_none());
    }

    #[test]
    fn an_old_file_with_two_invitations_for_one_address_answers_the_first_by_sid() {
        let (a, ia) = invitation(7, "dup@example.com");
        let (b, ib) = invitation(3, "DUP@example.com");
        let mut all: Invitations = [(a.clone(), ia), (b.clone(), ib)].into_iter().collect();
        assert_eq!(all.for_email("dup@example.com").map(|i| &i.sid), Some(&b));
        all.remove(&b);
        assert_eq!(all.for_email("dup@example.com").map(|i| &i.sid), Some(&a));
    }

    #[test]
    fn the_file_holds_the_map_and_reading_it_rebuilds_the_index() {
        let all: Invitations = [invitation(1, "x@example.com")].into_iter().collect();
        let text = ron::to_string(&all).unwrap();
        let back: Invitations = ron::from_str(&text).unwrap();
        assert_eq!(back, all);
        assert!(back.for_email("X@example.com").is_some());
    }
}
