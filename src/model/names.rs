//! One canonical form for every email and SCIM userName (SCIM-2 rev 2), in every face: the
//! console, the CLI, SCIM and files. Two spellings that fold to the same form are one name.
//!
//! - The **canonical form** (what names are matched and kept unique by): surrounding whitespace
//!   trimmed, Unicode NFC, full case folding (`ß` and `SS` fold alike, `Ä` and `A`+`◌̈` too).
//! - The **stored form** of an email (what a user's `email` holds and faces show): trimmed,
//!   NFC and lowercase, so `Straße@…` keeps its `ß` while matching `STRASSE@…`. Files written
//!   before kept ASCII-lowercase addresses, which are already in this form; old files load as
//!   they are, and two users whose emails fold alike are an invariant violation.
//! - **Refused** (by the rule of the action: USR-1 invite and add, SIGN-1 sign-up, SCIM-2, the
//!   bulk import's report): control characters, invisible characters (zero-width, bidi
//!   controls, soft hyphen and the rest of Unicode's default-ignorable and format characters),
//!   and compatibility variants such as fullwidth `ａ` or the ligature `ﬁ`. NFC keeps those
//!   apart from `a` and `fi`, so rather than fold them (NFKC) tworg asks for the plain letter:
//!   a name is then one name or refused, and the canonical form stays RULES.md's NFC + folding.
//!
//! Lookups by email, SCIM userName and externalId go through an index kept beside the users
//! (never saved), so finding a user by email stays fast in a world of a million users.

use std::collections::{BTreeSet, HashMap};
use std::sync::RwLock;

use caseless::Caseless;
use unicode_normalization::UnicodeNormalization;

use super::*;

/// Full case folding of the NFC form: how two names compare (no trimming; see [`canonical`]).
pub fn fold(s: &str) -> String {
    if s.is_ascii() {
        return s.to_ascii_lowercase();
    }
    s.chars().nfd().default_case_fold().nfc().collect()
}

/// The canonical form of an email or userName: trimmed, NFC, fully case-folded.
pub fn canonical(s: &str) -> String {
    fold(s.trim())
}

/// Whether two spellings are one name.
pub fn same_name(a: &str, b: &str) -> bool {
    if a.is_ascii() && b.is_ascii() {
        // the canonical form of ASCII is its trimmed lowercase: compare bytes, build nothing
        return ascii_trimmed(a.as_bytes()).eq_ignore_ascii_case(ascii_trimmed(b.as_bytes()));
    }
    canonical(a) == canonical(b)
}

/// ASCII text without the leading and trailing characters `str::trim` removes (tab to carriage
/// return, and space).
fn ascii_trimmed(s: &[u8]) -> &[u8] {
    let ws = |b: &u8| matches!(b, 0x09..=0x0d | b' ');
    let start = s.iter().position(|b| !ws(b)).unwrap_or(s.len());
    let end = s.iter().rposition(|b| !ws(b)).map_or(start, |i| i + 1);
    &s[start..end]
}

/// The form an email is stored and shown in: trimmed, NFC, lowercase.
pub fn display_form(s: &str) -> String {
    let t = s.trim();
    if t.is_ascii() {
        return t.to_ascii_lowercase();
    }
    let lower = t.nfc().collect::<String>().to_lowercase();
    lower.nfc().collect()
}

/// NFC, trimmed: the form of a case-exact identifier (a SCIM externalId).
pub fn nfc_trimmed(s: &str) -> String {
    let t = s.trim();
    if t.is_ascii() {
        return t.to_string();
    }
    t.nfc().collect()
}

/// Characters a person cannot see: Unicode's default-ignorable code points and the format
/// characters (zero-width spaces and joiners, bidi marks and controls, the soft hyphen,
/// variation selectors, tags, fillers).
pub fn is_invisible(c: char) -> bool {
    // the first is U+00AD: most text (every ASCII name and email) is answered here
    (c as u32) >= 0x00AD
        && matches!(
            c as u32,
            0x00AD
                | 0x034F
                | 0x061C
                | 0x0600..=0x0605
                | 0x06DD
                | 0x070F
                | 0x0890..=0x0891
                | 0x08E2
                | 0x115F..=0x1160
                | 0x17B4..=0x17B5
                | 0x180B..=0x180F
                | 0x200B..=0x200F
                | 0x202A..=0x202E
                | 0x2060..=0x206F
                | 0x3164
                | 0xFE00..=0xFE0F
                | 0xFEFF
                | 0xFFA0
                | 0xFFF0..=0xFFFB
                | 0x110BD
                | 0x110CD
                | 0x13430..=0x1343F
                | 0x1BCA0..=0x1BCA3
                | 0x1D173..=0x1D17A
                | 0xE0000..=0xE0FFF
        )
}

/// `U+200B`
fn code(c: char) -> String {
    format!("U+{:04X}", c as u32)
}

/// The text with every control and invisible character written as `<U+200B>`, for messages.
pub fn visible(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_control() || is_invisible(c) {
                format!("<{}>", code(c))
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// What keeps `s` (trimmed) from being one name, in words; `None` when nothing does.
pub fn name_problem(s: &str) -> Option<String> {
    let t = s.trim();
    if t.is_ascii() {
        // no invisible character or compatibility form is ASCII: only a control can be wrong
        let c = t.chars().find(char::is_ascii_control)?;
        return Some(format!("contains the control character {}", code(c)));
    }
    if let Some(c) = t.chars().find(|c| c.is_control()) {
        return Some(format!("contains the control character {}", code(c)));
    }
    if let Some(c) = t.chars().find(|c| is_invisible(*c)) {
        return Some(format!(
            "contains the invisible character {}, which would make it look like another name",
            code(c)
        ));
    }
    for c in t.chars() {
        let nfc: String = std::iter::once(c).nfc().collect();
        let nfkc: String = std::iter::once(c).nfkc().collect();
        if nfc != nfkc {
            return Some(format!(
                "contains '{c}' ({}), a compatibility form (fullwidth, ligature or the like) of '{nfkc}'",
                code(c)
            ));
        }
    }
    None
}

/// The name with its problems taken out: invisible and control characters dropped,
/// compatibility forms replaced by their plain letters (for a refusal's fix).
pub fn cleaned(s: &str) -> String {
    s.trim()
        .chars()
        .filter(|c| !c.is_control() && !is_invisible(*c))
        .collect::<String>()
        .nfkc()
        .collect()
}

/// Lookups by canonical email, SCIM userName and externalId. Derived from the users, never
/// saved: built on first use (or by the invariant check on load) and kept up to date by the
/// model's own changes to users. Entries are checked against the user when found, so one left
/// behind by a change never gives a wrong answer.
#[derive(Default)]
pub(crate) struct UserIndex(RwLock<Option<Built>>);

#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Built {
    /// How many users the index was built or kept for: a different count means users were
    /// added or removed behind its back, and it is built again.
    users: usize,
    email: HashMap<String, Sid>,
    /// Canonical SCIM userNames that differ from the user's email.
    user_name: HashMap<String, BTreeSet<Sid>>,
    /// SCIM externalIds (NFC; they are case-exact).
    external_id: HashMap<String, BTreeSet<Sid>>,
}

impl Built {
    fn add(&mut self, u: &User) {
        self.email
            .entry(canonical(&u.email))
            .or_insert(u.sid.clone());
        self.add_scim_names(u);
    }

    /// The user's SCIM userName and externalId, if any.
    fn add_scim_names(&mut self, u: &User) {
        if let Some(n) = &u.scim.user_name {
            self.user_name
                .entry(canonical(n))
                .or_default()
                .insert(u.sid.clone());
        }
        if let Some(x) = &u.scim.external_id {
            self.external_id
                .entry(nfc_trimmed(x))
                .or_default()
                .insert(u.sid.clone());
        }
    }

    fn remove(&mut self, u: &User) {
        let key = canonical(&u.email);
        if self.email.get(&key) == Some(&u.sid) {
            self.email.remove(&key);
        }
        if let Some(n) = &u.scim.user_name
            && let Some(set) = self.user_name.get_mut(&canonical(n))
        {
            set.remove(&u.sid);
        }
        if let Some(x) = &u.scim.external_id
            && let Some(set) = self.external_id.get_mut(&nfc_trimmed(x))
        {
            set.remove(&u.sid);
        }
    }

    /// The index of `users`; the first problem found is two users whose emails fold alike.
    fn of(users: &BTreeMap<Sid, User>) -> (Built, Option<(Sid, Sid)>) {
        let mut b = Built {
            users: users.len(),
            email: HashMap::with_capacity(users.len()),
            ..Built::default()
        };
        let mut clash = None;
        for u in users.values() {
            // each email folded once: the key that finds a clash is the key inserted
            match b.email.entry(canonical(&u.email)) {
                std::collections::hash_map::Entry::Occupied(other) => {
                    if clash.is_none() {
                        clash = Some((other.get().clone(), u.sid.clone()));
                    }
                }
                std::collections::hash_map::Entry::Vacant(slot) => {
                    slot.insert(u.sid.clone());
                }
            }
            b.add_scim_names(u);
        }
        (b, clash)
    }
}

impl Clone for UserIndex {
    fn clone(&self) -> Self {
        UserIndex(RwLock::new(
            self.0.read().unwrap_or_else(|e| e.into_inner()).clone(),
        ))
    }
}

/// Derived data: two worlds with the same users are equal whatever their indexes hold.
impl PartialEq for UserIndex {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl std::fmt::Debug for UserIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("UserIndex")
    }
}

impl World {
    /// Runs `f` on an index that is current (built now if it is missing or stale).
    fn with_index<R>(&self, f: impl FnOnce(&Built) -> R) -> R {
        {
            let guard = self.index.0.read().unwrap_or_else(|e| e.into_inner());
            if let Some(b) = guard.as_ref().filter(|b| b.users == self.users.len()) {
                return f(b);
            }
        }
        let mut guard = self.index.0.write().unwrap_or_else(|e| e.into_inner());
        if guard.as_ref().is_none_or(|b| b.users != self.users.len()) {
            *guard = Some(Built::of(&self.users).0);
        }
        f(guard.as_ref().expect("built"))
    }

    /// The index, if built, for the model's own changes to users.
    fn index_mut(&mut self) -> Option<&mut Built> {
        self.index
            .0
            .get_mut()
            .unwrap_or_else(|e| e.into_inner())
            .as_mut()
    }

    /// After a user was added or changed (its email, SCIM userName or externalId).
    pub(crate) fn index_user(&mut self, sid: &Sid) {
        let Some(u) = self.users.get(sid).cloned() else {
            return;
        };
        let users = self.users.len();
        if let Some(b) = self.index_mut() {
            b.add(&u);
            b.users = users;
        }
    }

    /// Before a user is removed or changed: forgets what the index holds for `user`.
    pub(crate) fn unindex_user(&mut self, user: &User) {
        if let Some(b) = self.index_mut() {
            b.remove(user);
        }
    }

    /// After a user was removed.
    pub(crate) fn index_count(&mut self) {
        let users = self.users.len();
        if let Some(b) = self.index_mut() {
            b.users = users;
        }
    }

    /// The user whose email is this one in canonical form (SCIM-2): `Änna@x`, `ÄNNA@x` and the
    /// decomposed `A`+`◌̈`+`nna@x` find the same user.
    pub fn user_by_email(&self, email: &str) -> Option<&User> {
        let key = canonical(email);
        let sid = self.with_index(|b| b.email.get(&key).cloned())?;
        self.users.get(&sid).filter(|u| canonical(&u.email) == key)
    }

    /// The members of `org` whose SCIM userName is `name` in canonical form, in SID order.
    pub fn scim_users_named<'a>(&'a self, org: &Sid, name: &str) -> Vec<&'a User> {
        let key = canonical(name);
        let mut sids: BTreeSet<Sid> = self.with_index(|b| {
            let mut s: BTreeSet<Sid> = b.user_name.get(&key).cloned().unwrap_or_default();
            s.extend(b.email.get(&key).cloned());
            s
        });
        sids.retain(|s| {
            self.membership_in(s, org).is_some()
                && self
                    .users
                    .get(s)
                    .is_some_and(|u| canonical(&World::scim_user_name(u)) == key)
        });
        sids.iter().filter_map(|s| self.users.get(s)).collect()
    }

    /// The members of `org` whose SCIM externalId is `id` (case-exact, NFC), in SID order.
    pub fn scim_users_with_external_id<'a>(&'a self, org: &Sid, id: &str) -> Vec<&'a User> {
        let key = nfc_trimmed(id);
        let sids = self.with_index(|b| b.external_id.get(&key).cloned().unwrap_or_default());
        sids.iter()
            .filter(|s| self.membership_in(s, org).is_some())
            .filter_map(|s| self.users.get(s))
            .filter(|u| u.scim.external_id.as_deref().map(nfc_trimmed) == Some(key.clone()))
            .collect()
    }

    /// The invariant check's part (SCIM-2): no two users whose emails fold alike. Builds the
    /// index while at it; in debug builds, also checks that a kept index was kept right.
    pub(crate) fn check_canonical_emails(&self) -> Result<(), (String, String)> {
        let (built, clash) = Built::of(&self.users);
        if let Some((a, b)) = clash {
            let (ea, eb) = (self.email_of(&a), self.email_of(&b));
            return Err((
                format!(
                    "two users share the email {}: {} ({a}) and {} ({b}) are one name once case and Unicode form are set aside (SCIM-2)",
                    canonical(&eb),
                    visible(&ea),
                    visible(&eb)
                ),
                eb,
            ));
        }
        let mut guard = self.index.0.write().unwrap_or_else(|e| e.into_inner());
        if cfg!(debug_assertions)
            && let Some(kept) = guard.as_ref()
            && kept.users == self.users.len()
            && kept.email != built.email
        {
            let missing = built
                .email
                .keys()
                .find(|k| kept.email.get(*k) != built.email.get(*k))
                .cloned()
                .unwrap_or_default();
            return Err((
                format!("internal: the email index missed a change to {missing}"),
                missing,
            ));
        }
        *guard = Some(built);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_that_fold_alike_are_one_name() {
        let nfc = "\u{c4}nna@x.example";
        let nfd = "A\u{308}nna@x.example";
        assert_ne!(nfc, nfd);
        assert!(same_name(nfc, nfd));
        assert!(same_name("\u{e4}nna@x.example", nfd));
        assert!(same_name("stra\u{df}e@x.example", "STRASSE@X.example"));
        assert!(same_name("  ann@x.example ", "Ann@X.Example"));
        assert!(!same_name("ann@x.example", "anna@x.example"));
        assert!(same_name("\u{b}ann@x.example\t", "ANN@x.example"));
        assert!(same_name(" ", ""));
        assert_eq!(
            display_form(" Stra\u{df}e@X.example "),
            "stra\u{df}e@x.example"
        );
        assert_eq!(display_form(nfd), "\u{e4}nna@x.example");
    }

    #[test]
    fn invisible_control_and_compatibility_characters_are_named() {
        for bad in [
            "an\u{200b}na@x.example",
            "an\u{200d}na@x.example",
            "\u{202e}anna@x.example",
            "an\u{ad}na@x.example",
            "an\u{7}na@x.example",
            "an\u{7f}na@x.example",
            "an\u{feff}na@x.example",
            "\u{ff41}nna@x.example",
            "\u{fb01}nn@x.example",
        ] {
            assert!(name_problem(bad).is_some(), "{}", visible(bad));
            assert!(name_problem(&cleaned(bad)).is_none(), "{}", visible(bad));
        }
        for good in [
            "anna@x.example",
            "\u{e4}nna@x.example",
            "A\u{308}nna@x.example",
            "stra\u{df}e@x.example",
            "\u{5f20}@x.example",
        ] {
            assert_eq!(name_problem(good), None, "{good}");
        }
        assert_eq!(cleaned("\u{ff41}n\u{200b}na@x.example"), "anna@x.example");
        assert_eq!(visible("a\u{200b}b"), "a<U+200B>b");
    }
}
