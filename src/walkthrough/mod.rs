//! Guided walkthroughs (`tworg demo`): data files in `assets/walkthroughs/`, each a title, a
//! summary and steps. A step has a caption (what happens and why, naming the rule), the keys to
//! play (the `tworg render --keys` syntax), and what must be true afterwards: text on screen and
//! facts about the model. The same files are the console's snapshot tests, so a demo can never
//! drift from the product.

pub mod facts;
pub mod player;
pub mod runner;

use serde::Deserialize;

pub use facts::Fact;

/// One walkthrough, as written in its RON file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Walkthrough {
    /// The file stem, filled in on load (`merge`).
    #[serde(skip)]
    pub name: String,
    pub title: String,
    pub summary: String,
    pub steps: Vec<Step>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// What happens and why, naming the rule.
    pub caption: String,
    /// Keys to play, in the `--keys` syntax (`j j enter "typed" tab`).
    #[serde(default)]
    pub keys: String,
    /// Text that must be on the screen afterwards.
    #[serde(default)]
    pub screen: Vec<String>,
    /// Facts about the model that must hold afterwards.
    #[serde(default)]
    pub facts: Vec<Fact>,
    /// Changes made before the keys, for what would take too long to type; the caption says so.
    #[serde(default)]
    pub setup: Vec<Setup>,
}

/// A change a step makes before its keys, as the org's Owner, through `World::apply` like any
/// other change (so every rule holds): a fast-forward, not a shortcut around the model.
#[derive(Debug, Clone, Deserialize)]
pub enum Setup {
    /// Assigns `user` the first `count` built-in roles of the catalogue that may be assigned at
    /// `scope` (the org's name or an account's name), in the catalogue's order.
    AssignBuiltIn {
        user: String,
        scope: String,
        count: usize,
    },
}

impl Setup {
    /// The actions this setup applies, resolved in `org`.
    pub fn actions(
        &self,
        w: &crate::model::World,
        org: &crate::model::Sid,
    ) -> Result<Vec<crate::model::Action>, String> {
        use crate::model::roles::{self, RoleKind, ScopeLevel};
        match self {
            Setup::AssignBuiltIn { user, scope, count } => {
                let (sid, level) = if w.org_name(org).eq_ignore_ascii_case(scope) {
                    (org.to_string(), ScopeLevel::Organization)
                } else {
                    let a = w
                        .org_accounts(org)
                        .find(|a| a.name.eq_ignore_ascii_case(scope))
                        .ok_or_else(|| format!("setup: no scope named {scope:?}"))?;
                    let level = if a.parent.is_some() {
                        ScopeLevel::Subaccount
                    } else {
                        ScopeLevel::Account
                    };
                    (a.sid.to_string(), level)
                };
                let picked: Vec<crate::model::Action> = roles::catalogue()
                    .iter()
                    .filter(|r| r.kind == RoleKind::BuiltIn && r.assignable_at(level))
                    .take(*count)
                    .map(|r| crate::model::Action::AssignRole {
                        user: user.clone(),
                        role: r.sid.to_string(),
                        scope: sid.clone(),
                    })
                    .collect();
                if picked.len() < *count {
                    return Err(format!(
                        "setup: only {} built-in roles can be assigned at {scope}",
                        picked.len()
                    ));
                }
                Ok(picked)
            }
        }
    }
}

/// The walkthroughs shipped in the binary, in teaching order.
const FILES: &[(&str, &str)] = &[
    ("tour", include_str!("../../assets/walkthroughs/tour.ron")),
    (
        "domains",
        include_str!("../../assets/walkthroughs/domains.ron"),
    ),
    (
        "import",
        include_str!("../../assets/walkthroughs/import.ron"),
    ),
    ("merge", include_str!("../../assets/walkthroughs/merge.ron")),
    ("hipaa", include_str!("../../assets/walkthroughs/hipaa.ron")),
    ("roles", include_str!("../../assets/walkthroughs/roles.ron")),
    ("sso", include_str!("../../assets/walkthroughs/sso.ron")),
    (
        "signup",
        include_str!("../../assets/walkthroughs/signup.ron"),
    ),
    (
        "offboarding",
        include_str!("../../assets/walkthroughs/offboarding.ron"),
    ),
];

/// Parses one walkthrough file.
pub fn parse(name: &str, text: &str) -> Result<Walkthrough, String> {
    let mut w: Walkthrough =
        ron::from_str(text).map_err(|e| format!("assets/walkthroughs/{name}.ron:{e}"))?;
    w.name = name.to_string();
    if w.steps.is_empty() {
        return Err(format!("{name}: a walkthrough needs at least one step"));
    }
    Ok(w)
}

/// Every walkthrough, in order.
pub fn all() -> Vec<Walkthrough> {
    FILES
        .iter()
        .map(|(n, t)| parse(n, t).expect("shipped walkthroughs parse"))
        .collect()
}

/// One walkthrough by name.
pub fn find(name: &str) -> Option<Walkthrough> {
    all()
        .into_iter()
        .find(|w| w.name.eq_ignore_ascii_case(name.trim()))
}

/// A step's screen and fact checks, as a list of failures (empty when the step holds).
pub fn check_step(
    step: &Step,
    screen: &str,
    world: &crate::model::World,
    org: &crate::model::Sid,
) -> Vec<String> {
    let mut failures: Vec<String> = step
        .screen
        .iter()
        .filter(|t| !screen.contains(t.as_str()))
        .map(|t| format!("the screen does not show {t:?}"))
        .collect();
    failures.extend(step.facts.iter().filter_map(|f| f.check(world, org).err()));
    failures
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_shipped_walkthrough_parses_and_has_nine() {
        let all = super::all();
        assert_eq!(all.len(), 9);
        assert!(
            all.iter()
                .all(|w| !w.title.is_empty() && !w.steps.is_empty())
        );
        assert!(super::find("MERGE").is_some());
    }
}
