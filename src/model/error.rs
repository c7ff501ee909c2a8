//! Errors of the model. A refusal is data: the rule that refused, what happened, and what would
//! make the action allowed.

use super::action::Action;
use super::rules::Rule;

/// An action the rules do not allow. Nothing was changed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("refused [{rule}]: {message} — {hint}")]
pub struct Refusal {
    /// The ID of the rule that refused, e.g. `ACC-4`.
    pub rule: &'static str,
    /// What is wrong, in a plain sentence.
    pub message: String,
    /// What would make the action allowed, in words.
    pub hint: String,
    /// The same as data: the steps that, done in order, make the refused action allowed (or
    /// refused for another, named reason). Empty when nothing in tworg can change it (the hint
    /// then says who can) or when the fix is a choice only a person can make.
    pub fixes: Vec<Fix>,
}

/// One step of a refusal's fix: an action, performed by `by` (an email or SID of the world;
/// `None`: the same acting user, in the same organization). Each face renders it in its own terms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    pub action: Action,
    pub by: Option<String>,
}

impl Fix {
    /// The step in plain words, naming who takes it when that is someone else
    /// (`verify the domain owl.example`, `olivia@owl.example: confirm …`).
    pub fn describe(&self) -> String {
        match &self.by {
            Some(by) => format!("{by}: {}", self.action.describe()),
            None => self.action.describe(),
        }
    }
}

impl Refusal {
    pub fn new(rule: Rule, message: impl Into<String>, hint: impl Into<String>) -> Self {
        Refusal {
            rule: rule.id,
            message: message.into(),
            hint: hint.into(),
            fixes: Vec::new(),
        }
    }
    /// Adds a step the refused user can take themselves.
    pub fn fix(mut self, action: Action) -> Self {
        self.fixes.push(Fix { action, by: None });
        self
    }
    /// When this refusal only asks for an explicit confirmation of `action` (SSO-5), the
    /// confirmed action a face may offer: the refusal's one fix is exactly that.
    pub fn confirmation_of(&self, action: &Action) -> Option<&Action> {
        match self.fixes.as_slice() {
            [
                Fix {
                    action: fix,
                    by: None,
                },
            ] if action.with_lockout_confirmed().as_ref() == Some(fix) => Some(fix),
            _ => None,
        }
    }
    /// Gives every step that names no performer to `by` (when the refused actor cannot take them,
    /// as the SCIM token cannot verify a domain).
    pub fn by_default(mut self, by: &str) -> Self {
        for f in self.fixes.iter_mut().filter(|f| f.by.is_none()) {
            f.by = Some(by.to_string());
        }
        self
    }
    /// Adds a step someone else must take (the account's owner, the invited user).
    pub fn fix_by(mut self, by: impl Into<String>, action: Action) -> Self {
        self.fixes.push(Fix {
            action,
            by: Some(by.into()),
        });
        self
    }
}

/// Why an action did not apply. In every case the world is unchanged.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ActionError {
    #[error(transparent)]
    Refused(#[from] Refusal),
    /// The action names something the world does not hold.
    #[error("not found: {0}")]
    NotFound(String),
    /// The input is malformed in a way no rule covers (an empty CSV path, an unknown setting).
    #[error("invalid: {0}")]
    Invalid(String),
}

impl ActionError {
    /// The refusing rule's ID, if a rule refused.
    pub fn rule(&self) -> Option<&'static str> {
        match self {
            ActionError::Refused(r) => Some(r.rule),
            _ => None,
        }
    }
}

pub type ActionResult<T> = Result<T, ActionError>;

/// Shorthand for `Err(Refusal::new(..).into())`.
pub fn refuse<T>(
    rule: Rule,
    message: impl Into<String>,
    hint: impl Into<String>,
) -> ActionResult<T> {
    Err(ActionError::Refused(Refusal::new(rule, message, hint)))
}
