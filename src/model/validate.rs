//! One validation layer for every way text enters the world: a file being loaded, a CLI argument,
//! a console form, a CSV row, a SCIM or REST request. Each face hands the text to an action; the
//! action checks it here (so every face gets the same answer), and the loader checks a whole
//! world with [`World::check_inputs`].
//!
//! - **Emails and userNames**: the canonical form of SCIM-2 rev 2 ([`super::names`]), a valid
//!   address, 2 to 160 characters (Twilio's limit for an email).
//! - **Names**: lengths as Twilio documents them (a person's name 1 to 255 characters, a first
//!   name 2 to 255, account and organization names 1 to 64, ACC-1 and ORG-7); control
//!   characters (C0, C1, DEL, line breaks), bidi overrides and invisible characters are refused
//!   with the field named, so no name can forge a table row, recolour a terminal or pass for
//!   another.
//! - **SIDs and role sets**: well formed, pointing at what exists, in every map of a file (the
//!   audit included), account roles forming a valid set (USR-4).

use super::error::{ActionResult, Refusal};
use super::names::{self, is_invisible};
use super::rules::{self, Rule};
use super::*;

/// A field of text that enters the world: what it is called in messages, and its length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field {
    /// How a message names it: `the account name`.
    pub label: &'static str,
    /// Its length in characters, after surrounding whitespace is trimmed.
    pub min: usize,
    pub max: usize,
}

/// A Twilio user's name (first and last name together, as the console shows it).
pub const USER_NAME: Field = Field {
    label: "the user's name",
    min: 1,
    max: 255,
};
/// A first name (the bulk import's `first_name`, SCIM's `name.givenName`): 2 to 255.
pub const FIRST_NAME: Field = Field {
    label: "the first name",
    min: 2,
    max: 255,
};
/// A last name (the bulk import's `last_name`, SCIM's `name.familyName`).
pub const LAST_NAME: Field = Field {
    label: "the last name",
    min: 1,
    max: 255,
};
/// An email address, and a SCIM userName that is one: 2 to 160 characters.
pub const EMAIL: Field = Field {
    label: "the email",
    min: 2,
    max: 160,
};
/// An account's friendly name (ACC-1).
pub const ACCOUNT_NAME: Field = Field {
    label: "the account name",
    min: 1,
    max: 64,
};
/// An organization's name (ORG-7).
pub const ORG_NAME: Field = Field {
    label: "the organization name",
    min: 1,
    max: 64,
};

/// A credential's friendly name: an OAuth app's or an API key's.
pub const CREDENTIAL_NAME: Field = Field {
    label: "the credential's name",
    min: 1,
    max: 64,
};

/// A character that must not be in a name: a control character (C0, C1, DEL, line breaks,
/// tab) or an invisible one (zero-width, bidi marks, overrides and isolates).
pub fn is_forbidden(c: char) -> bool {
    c.is_control() || is_invisible(c)
}

/// What is wrong with `value` as `field`, in a sentence naming the field; `None` if nothing.
pub fn text_problem(field: Field, value: &str) -> Option<String> {
    let t = value.trim();
    let ascii = t.is_ascii();
    // in ASCII only a control character is forbidden (no invisible character is ASCII)
    let forbidden = if ascii {
        t.chars().find(char::is_ascii_control)
    } else {
        t.chars().find(|&c| is_forbidden(c))
    };
    if let Some(c) = forbidden {
        let kind = if c.is_control() {
            "the control character"
        } else {
            "the invisible character"
        };
        return Some(format!(
            "{} '{}' contains {kind} U+{:04X}",
            field.label,
            names::visible(t),
            c as u32
        ));
    }
    let n = if ascii { t.len() } else { t.chars().count() };
    if n < field.min || n > field.max {
        let shown: String = names::visible(t).chars().take(40).collect();
        let more = if n > 40 { "…" } else { "" };
        return Some(format!(
            "{} must be {} to {} characters; '{shown}{more}' has {n}",
            field.label, field.min, field.max
        ));
    }
    None
}

/// Checks `value` as `field` under `rule`: the trimmed text, or the refusal (data: the rule, a
/// sentence naming the field, what to do).
pub fn check_text(rule: Rule, field: Field, value: &str) -> ActionResult<String> {
    match text_problem(field, value) {
        None => Ok(value.trim().to_string()),
        Some(problem) => Err(Refusal::new(
            rule,
            problem,
            format!(
                "give {} of {} to {} visible characters, without control or invisible characters",
                field.label, field.min, field.max
            ),
        )
        .into()),
    }
}

/// [`check_text`] for an optional value (absent is allowed).
pub fn check_opt(rule: Rule, field: Field, value: Option<&str>) -> ActionResult<Option<String>> {
    value.map(|v| check_text(rule, field, v)).transpose()
}

/// What is wrong with an email (or a userName that is one), in a sentence; `None` if nothing.
pub fn email_problem(value: &str) -> Option<String> {
    if let Some(p) = names::name_problem(value) {
        return Some(format!("the email '{}' {p}", names::visible(value.trim())));
    }
    if let Some(p) = text_problem(EMAIL, value) {
        return Some(p);
    }
    if !super::lookup::valid_email(value) {
        return Some(format!(
            "'{}' is not a valid email address",
            names::visible(value.trim())
        ));
    }
    None
}

/// Where a problem found in a loaded world is, and what it is.
fn at(message: String, locate: &str) -> invariants::Violation {
    invariants::Violation {
        message,
        locate: locate.to_string(),
    }
}

impl World {
    /// The inputs of a whole world, as the loader checks them: every user's email and name,
    /// every account, organization and domain name, every invitation (its email, who sent it,
    /// the accounts it names and their role sets, USR-4), every SID the audit names, every DNS
    /// record. The first problem found, in a stable order, located in the file.
    pub fn check_inputs(&self) -> Result<(), invariants::Violation> {
        for u in self.users.values() {
            if let Some(p) = email_problem(&u.email) {
                return Err(at(format!("user {}: {p}", u.sid), u.sid.as_str()));
            }
            if let Some(p) = text_problem(USER_NAME, &u.name) {
                return Err(at(format!("user {}: {p}", u.sid), u.sid.as_str()));
            }
            let s = &u.scim;
            for (label, v) in [
                ("the SCIM displayName", &s.display_name),
                ("the SCIM givenName", &s.given_name),
                ("the SCIM familyName", &s.family_name),
                ("the SCIM externalId", &s.external_id),
                ("the SCIM userName", &s.user_name),
                ("the SCIM locale", &s.locale),
                ("the SCIM timezone", &s.timezone),
            ] {
                let field = Field {
                    label,
                    min: 1,
                    max: 255,
                };
                if let Some(p) = v.as_deref().and_then(|v| text_problem(field, v)) {
                    return Err(at(format!("user {}: {p}", u.sid), u.sid.as_str()));
                }
            }
            for e in &s.emails {
                if let Some(p) = email_problem(&e.value) {
                    return Err(at(format!("user {}: {p}", u.sid), u.sid.as_str()));
                }
            }
        }
        for a in self.accounts.values() {
            if let Some(p) = text_problem(ACCOUNT_NAME, &a.name) {
                return Err(at(
                    format!("account {}: {p} (ACC-1)", a.sid),
                    a.sid.as_str(),
                ));
            }
            if let Some(o) = &a.owner
                && (!o.is_canonical() || o.kind() != Some(SidKind::User))
            {
                return Err(at(
                    format!(
                        "account {}: its owner '{o}' is not a user SID (ID-1)",
                        a.sid
                    ),
                    a.sid.as_str(),
                ));
            }
        }
        let c = &self.credentials;
        let names = c.oauth_apps.iter().map(|(sid, a)| (sid, &a.name));
        for (sid, name) in names.chain(c.api_keys.iter().map(|(sid, k)| (sid, &k.name))) {
            if let Some(p) = text_problem(CREDENTIAL_NAME, name) {
                return Err(at(format!("credential {sid}: {p}"), sid.as_str()));
            }
        }
        for o in self.orgs.values() {
            if let Some(p) = text_problem(ORG_NAME, &o.name) {
                return Err(at(
                    format!("organization {}: {p} (ORG-7)", o.sid),
                    o.sid.as_str(),
                ));
            }
            for i in o.invitations.values() {
                let here = i.sid.as_str();
                if let Some(p) = email_problem(&i.email) {
                    return Err(at(format!("invitation {}: {p} (USR-1)", i.sid), here));
                }
                if !self.users.contains_key(&i.invited_by) {
                    return Err(at(
                        format!(
                            "invitation {} was sent by {}, who is not a user of the file",
                            i.sid, i.invited_by
                        ),
                        here,
                    ));
                }
                for (acc, roles) in &i.accounts {
                    if !self.accounts.contains_key(acc) {
                        return Err(at(
                            format!(
                                "invitation {} grants roles on {acc}, which is not an account of the file",
                                i.sid
                            ),
                            here,
                        ));
                    }
                    let roles: Vec<AccountRole> = roles.iter().copied().collect();
                    if let Err(e) = super::accounts::check_account_roles(&roles) {
                        return Err(at(
                            format!(
                                "invitation {} grants an invalid set of roles on {acc}: {e} ({})",
                                i.sid,
                                rules::USR_4.id
                            ),
                            here,
                        ));
                    }
                }
            }
        }
        for (host, values) in &self.dns {
            if let Some(c) = host
                .chars()
                .chain(values.iter().flat_map(|v| v.chars()))
                .find(|&c| is_forbidden(c))
            {
                return Err(at(
                    format!(
                        "the DNS record of '{}' contains the character U+{:04X}",
                        names::visible(host),
                        c as u32
                    ),
                    host,
                ));
            }
        }
        for e in &self.audit {
            if let Some(o) = &e.org
                && (!o.is_canonical() || o.kind() != Some(SidKind::Org))
            {
                return Err(at(
                    format!("an audit entry names '{o}', which is not an organization SID (ID-1)"),
                    o.as_str(),
                ));
            }
            // entries are written by tworg from checked text: a control character was put there
            if let Some(c) = [&e.actor, &e.action, &e.detail]
                .iter()
                .flat_map(|s| s.chars())
                .find(|c| c.is_control() || matches!(*c as u32, 0x202A..=0x202E | 0x2066..=0x2069))
            {
                return Err(at(
                    format!(
                        "an audit entry of {} contains the control character U+{:04X}",
                        time::format_time(e.at),
                        c as u32
                    ),
                    &e.detail,
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_refused_with_the_field_named() {
        let p = text_problem(ACCOUNT_NAME, "Ops\u{1b}]0;PWNED\u{7}").unwrap();
        assert!(p.starts_with("the account name 'Ops<U+001B>"), "{p}");
        assert!(p.contains("control character U+001B"), "{p}");
        let p = text_problem(USER_NAME, "Ann\u{202e}lah").unwrap();
        assert!(p.contains("invisible character U+202E"), "{p}");
        let p = text_problem(ORG_NAME, &"x".repeat(65)).unwrap();
        assert!(p.contains("must be 1 to 64 characters"), "{p}");
        assert!(p.ends_with("has 65"), "{p}");
        assert_eq!(text_problem(FIRST_NAME, "Al"), None);
        assert!(text_problem(FIRST_NAME, "A").is_some());
        assert_eq!(text_problem(USER_NAME, "Zoë Ångström"), None);
    }

    #[test]
    fn emails_are_checked_for_form_and_length() {
        assert_eq!(email_problem("ann@owl-industries.example"), None);
        assert!(email_problem("not an email").is_some());
        assert!(email_problem("").is_some());
        let long = format!("{}@owl.example", "a".repeat(150));
        assert!(email_problem(&long).unwrap().contains("2 to 160"));
        assert!(email_problem("an\u{200b}n@owl.example").is_some());
    }
}
