//! Serialization helpers that keep world files small: default values are left out, and maps keyed
//! by SID are written as lists (the SID is already inside each entry).

use std::collections::BTreeMap;

use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::{Account, Org, Sid, User};

pub fn is_default<T: Default + PartialEq>(value: &T) -> bool {
    *value == T::default()
}

/// Something stored under its own SID.
pub trait Keyed {
    fn key(&self) -> &Sid;
}

impl Keyed for User {
    fn key(&self) -> &Sid {
        &self.sid
    }
}
impl Keyed for Account {
    fn key(&self) -> &Sid {
        &self.sid
    }
}
impl Keyed for Org {
    fn key(&self) -> &Sid {
        &self.sid
    }
}

/// `BTreeMap<Sid, T>` as a list of `T`, in SID order; a SID given twice is an error (ID-2).
pub mod sid_list {
    use super::*;

    pub fn serialize<T: Serialize, S: Serializer>(
        map: &BTreeMap<Sid, T>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        s.collect_seq(map.values())
    }

    pub fn deserialize<'de, T, D>(d: D) -> Result<BTreeMap<Sid, T>, D::Error>
    where
        T: Deserialize<'de> + Keyed,
        D: Deserializer<'de>,
    {
        let items = Vec::<T>::deserialize(d)?;
        let mut map = BTreeMap::new();
        for item in items {
            let key = item.key().clone();
            if map.insert(key.clone(), item).is_some() {
                return Err(D::Error::custom(format!(
                    "the SID {key} is used twice (ID-2)"
                )));
            }
        }
        Ok(map)
    }
}
