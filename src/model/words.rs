//! The words messages are made of (AUD-1: plain, correct English). Every verb a message
//! conjugates is written out here in each form it takes; no message builds a verb form by
//! cutting or gluing letters.

/// A verb some action's messages and audit entries conjugate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Verb {
    Suspend,
    Resume,
    Close,
    Deactivate,
    Reactivate,
    Remove,
    Delete,
    Undo,
    Redo,
}

impl Verb {
    /// Every verb of the table.
    pub const ALL: [Verb; 9] = [
        Verb::Suspend,
        Verb::Resume,
        Verb::Close,
        Verb::Deactivate,
        Verb::Reactivate,
        Verb::Remove,
        Verb::Delete,
        Verb::Undo,
        Verb::Redo,
    ];

    /// (base, simple past, past participle)
    const fn forms(self) -> (&'static str, &'static str, &'static str) {
        match self {
            Verb::Suspend => ("suspend", "suspended", "suspended"),
            Verb::Resume => ("resume", "resumed", "resumed"),
            Verb::Close => ("close", "closed", "closed"),
            Verb::Deactivate => ("deactivate", "deactivated", "deactivated"),
            Verb::Reactivate => ("reactivate", "reactivated", "reactivated"),
            Verb::Remove => ("remove", "removed", "removed"),
            Verb::Delete => ("delete", "deleted", "deleted"),
            Verb::Undo => ("undo", "undid", "undone"),
            Verb::Redo => ("redo", "redid", "redone"),
        }
    }

    /// `suspend`: "cannot suspend", "account.suspend".
    pub const fn base(self) -> &'static str {
        self.forms().0
    }

    /// `suspended` (`undid`): "suspended Owl Staging".
    pub const fn past(self) -> &'static str {
        self.forms().1
    }

    /// `suspended` (`undone`): "cannot be suspended".
    pub const fn participle(self) -> &'static str {
        self.forms().2
    }
}

/// `1 user`, `3 users`: a count with its noun in the right number.
pub fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", noun(n, one, many))
}

/// `1 day`, `30 days` (a negative count reads as 0 days).
pub fn days(n: i64) -> String {
    count(usize::try_from(n).unwrap_or(0), "day", "days")
}

/// The word for `n` things: `one` for 1, else `many` ("account"/"accounts", "it"/"them").
pub fn noun<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 { one } else { many }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_form_is_a_word_of_its_own() {
        for v in Verb::ALL {
            for form in [v.base(), v.past(), v.participle()] {
                assert!(form.chars().all(|c| c.is_ascii_lowercase()), "{form}");
            }
            assert_ne!(v.base(), v.past());
        }
        assert_eq!(Verb::Undo.past(), "undid");
        assert_eq!(count(1, "user", "users"), "1 user");
        assert_eq!(count(0, "user", "users"), "0 users");
    }
}
