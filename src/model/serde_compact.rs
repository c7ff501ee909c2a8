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

    /// Inserts each entry as it is read (no list of them all first, so a load holds one copy).
    pub fn deserialize<'de, T, D>(d: D) -> Result<BTreeMap<Sid, T>, D::Error>
    where
        T: Deserialize<'de> + Keyed,
        D: Deserializer<'de>,
    {
        struct Entries<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de> + Keyed> serde::de::Visitor<'de> for Entries<T> {
            type Value = BTreeMap<Sid, T>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a list of entries")
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<Self::Value, A::Error> {
                let mut map = BTreeMap::new();
                while let Some(item) = seq.next_element::<T>()? {
                    let key = item.key().clone();
                    if map.insert(key.clone(), item).is_some() {
                        return Err(A::Error::custom(format!(
                            "the SID {key} is used twice (ID-2)"
                        )));
                    }
                }
                Ok(map)
            }
        }
        d.deserialize_seq(Entries(std::marker::PhantomData))
    }
}

/// A map whose keys are unique in the file: a key given twice is an error naming it, not a
/// silent "last one wins" (a doubled domain entry would otherwise turn Verified into
/// Unverified, a doubled access entry Developer into Administrator).
pub mod unique_map {
    use super::*;
    use std::fmt::Display;

    pub fn serialize<K: Serialize, V: Serialize, S: Serializer>(
        map: &BTreeMap<K, V>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        map.serialize(s)
    }

    pub fn deserialize<'de, K, V, D>(d: D) -> Result<BTreeMap<K, V>, D::Error>
    where
        K: Deserialize<'de> + Ord + Display,
        V: Deserialize<'de>,
        D: Deserializer<'de>,
    {
        struct Entries<K, V>(std::marker::PhantomData<(K, V)>);
        impl<'de, K, V> serde::de::Visitor<'de> for Entries<K, V>
        where
            K: Deserialize<'de> + Ord + Display,
            V: Deserialize<'de>,
        {
            type Value = BTreeMap<K, V>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a map")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut access: A,
            ) -> Result<Self::Value, A::Error> {
                let mut map = BTreeMap::new();
                while let Some(key) = access.next_key::<K>()? {
                    if map.contains_key(&key) {
                        return Err(A::Error::custom(format!(
                            "the key \"{key}\" is given twice in this map; each key may appear once"
                        )));
                    }
                    let value = access.next_value::<V>()?;
                    map.insert(key, value);
                }
                Ok(map)
            }
        }
        d.deserialize_map(Entries(std::marker::PhantomData))
    }
}
