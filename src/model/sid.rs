//! SIDs: a two-letter prefix and 32 lowercase hex digits (ID-1, ID-2).

use serde::{Deserialize, Serialize};
use std::fmt;

use super::error::Refusal;
use super::rules;

/// The kinds of SID the world holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SidKind {
    Org,
    Account,
    User,
    Domain,
    Notification,
    /// `IX`: a role of the catalogue (RBAC-1).
    Role,
    /// `IY`: a role assignment (RBAC-1).
    RoleAssignment,
    /// `OQ`: an OAuth client of an org OAuth app.
    OAuthClient,
    /// `SK`: an API key.
    ApiKey,
}

impl SidKind {
    pub const ALL: [SidKind; 9] = [
        SidKind::Org,
        SidKind::Account,
        SidKind::User,
        SidKind::Domain,
        SidKind::Notification,
        SidKind::Role,
        SidKind::RoleAssignment,
        SidKind::OAuthClient,
        SidKind::ApiKey,
    ];

    pub fn prefix(self) -> &'static str {
        match self {
            SidKind::Org => "OR",
            SidKind::Account => "AC",
            SidKind::User => "US",
            SidKind::Domain => "DN",
            SidKind::Notification => "NF",
            SidKind::Role => "IX",
            SidKind::RoleAssignment => "IY",
            SidKind::OAuthClient => "OQ",
            SidKind::ApiKey => "SK",
        }
    }

    /// The word the CLI prints before a created SID (`invitation NF…`, `role-assignment IY…`).
    pub fn key(self) -> &'static str {
        match self {
            SidKind::Org => "org",
            SidKind::Account => "account",
            SidKind::User => "user",
            SidKind::Domain => "domain",
            SidKind::Notification => "invitation",
            SidKind::Role => "role",
            SidKind::RoleAssignment => "role-assignment",
            SidKind::OAuthClient => "oauth-client",
            SidKind::ApiKey => "api-key",
        }
    }

    pub fn noun(self) -> &'static str {
        match self {
            SidKind::Org => "organization",
            SidKind::Account => "account",
            SidKind::User => "user",
            SidKind::Domain => "domain",
            SidKind::Notification => "invitation",
            SidKind::Role => "role",
            SidKind::RoleAssignment => "role assignment",
            SidKind::OAuthClient => "OAuth client",
            SidKind::ApiKey => "API key",
        }
    }
}

/// A well-formed SID, stored with an upper-case prefix and lowercase hex (`AC0123…`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Sid(String);

impl Sid {
    /// Parses user input of a given kind, case-insensitively (ID-1, ID-2).
    pub fn parse(kind: SidKind, input: &str) -> Result<Sid, Refusal> {
        let sid = Sid::parse_any(input)?;
        if sid.kind() != Some(kind) {
            return Err(Refusal::new(
                rules::ID_1,
                format!("'{}' is not {} SID", input.trim(), article_noun(kind)),
                format!(
                    "{} SIDs start with {} followed by 32 hex digits",
                    kind.noun(),
                    kind.prefix()
                ),
            ));
        }
        Ok(sid)
    }

    /// Parses any SID of a known prefix.
    pub fn parse_any(input: &str) -> Result<Sid, Refusal> {
        let s = input.trim();
        let well_formed = s.len() == 34
            && s.is_ascii()
            && SidKind::ALL
                .iter()
                .any(|k| s[..2].eq_ignore_ascii_case(k.prefix()))
            && s[2..].chars().all(|c| c.is_ascii_hexdigit());
        if !well_formed {
            return Err(Refusal::new(
                rules::ID_1,
                format!("'{s}' is not a well-formed SID"),
                "a SID is a two-letter prefix (OR, AC, US, DN, NF, IX, IY, OQ, SK) followed by 32 hex digits, 34 characters in all",
            ));
        }
        Ok(Sid(format!(
            "{}{}",
            s[..2].to_ascii_uppercase(),
            s[2..].to_ascii_lowercase()
        )))
    }

    /// Builds a SID from a kind and 128 bits, as the generator does.
    pub fn from_bits(kind: SidKind, bits: u128) -> Sid {
        Sid(format!("{}{:032x}", kind.prefix(), bits))
    }

    pub fn kind(&self) -> Option<SidKind> {
        SidKind::ALL
            .iter()
            .copied()
            .find(|k| self.0.starts_with(k.prefix()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// True when the stored text is exactly what `parse_any` would produce (checked on load).
    pub fn is_canonical(&self) -> bool {
        // what `parse_any` would give back unchanged, without building it (the load checks
        // every SID of the file)
        let b = self.0.as_bytes();
        b.len() == 34
            && SidKind::ALL
                .iter()
                .any(|k| b[..2] == *k.prefix().as_bytes())
            && b[2..]
                .iter()
                .all(|c| matches!(c, b'0'..=b'9' | b'a'..=b'f'))
    }

    /// Whether a piece of user input is meant as a SID (34 letters and digits, two letters first),
    /// as opposed to an email or a name.
    pub fn looks_like_sid(input: &str) -> bool {
        let s = input.trim();
        s.len() == 34
            && s.chars().all(|c| c.is_ascii_alphanumeric())
            && s[..2].chars().all(|c| c.is_ascii_alphabetic())
    }
}

fn article_noun(kind: SidKind) -> String {
    match kind {
        SidKind::Org | SidKind::Account => format!("an {}", kind.noun()),
        _ => format!("a {}", kind.noun()),
    }
}

impl fmt::Display for Sid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// splitmix64: a bijective mixer, so distinct counters give distinct outputs.
pub fn splitmix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// 128 deterministic bits from a seed and a counter.
pub fn bits128(seed: u64, counter: u64) -> u128 {
    let hi = splitmix64(seed ^ splitmix64(counter.wrapping_mul(2)));
    let lo = splitmix64(seed ^ splitmix64(counter.wrapping_mul(2).wrapping_add(1)));
    ((hi as u128) << 64) | lo as u128
}

#[cfg(test)]
mod canonical_tests {
    use super::*;

    #[test]
    fn is_canonical_agrees_with_parse_any() {
        let good = Sid::from_bits(SidKind::User, 0xabc);
        let hex = &good.as_str()[2..];
        for text in [
            good.as_str().to_string(),
            format!("us{hex}"),
            format!("US{}", hex.to_uppercase()),
            format!("ZZ{hex}"),
            format!("US{}", &hex[1..]),
            format!("US{}g", &hex[1..]),
            format!(" US{hex}"),
            "US".to_string(),
            String::new(),
        ] {
            let sid = Sid(text.clone());
            let round_trip = Sid::parse_any(&text).is_ok_and(|s| s == sid);
            assert_eq!(sid.is_canonical(), round_trip, "{text:?}");
        }
    }
}
