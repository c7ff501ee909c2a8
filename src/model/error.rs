//! Errors of the model. A refusal is data: the rule that refused, what happened, and what would
//! make the action allowed.

use super::rules::Rule;

/// An action the rules do not allow. Nothing was changed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("refused [{rule}]: {message} — {hint}")]
pub struct Refusal {
    /// The ID of the rule that refused, e.g. `ACC-4`.
    pub rule: &'static str,
    /// What is wrong, in a plain sentence.
    pub message: String,
    /// What would make the action allowed.
    pub hint: String,
}

impl Refusal {
    pub fn new(rule: Rule, message: impl Into<String>, hint: impl Into<String>) -> Self {
        Refusal {
            rule: rule.id,
            message: message.into(),
            hint: hint.into(),
        }
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
