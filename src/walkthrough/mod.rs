//! Walkthroughs (`tworg demo`): data files, each a title, a summary and steps. A step has a
//! caption read aloud to a class (what happens and why, naming the rule), optional presenter
//! notes, the keys to play (the `tworg render --keys` syntax), optional setups (changes made
//! through the model first, a fast-forward the caption names), and what must be true afterwards:
//! text on the console and facts about the model. The shipped files are `assets/walkthroughs/`;
//! a trainer's own is loaded with `--file` ([`load_file`]). The README documents the schema
//! ("Walkthrough files"). The same files are the snapshot tests and the exercises' grading, so a
//! demo can never drift from the product.
//!
//! [`player`] plays one for a class ([`controls`]: the presenter's keys), [`exercise`] lets a
//! learner do it, [`export`] writes Markdown or an asciicast, [`runner`] plays steps headless.

pub mod controls;
pub mod exercise;
pub mod export;
pub mod facts;
pub mod player;
pub mod runner;

use serde::Deserialize;

pub use facts::Fact;

/// One walkthrough, as written in its RON file (the schema is in the README, "Walkthrough files").
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
    /// What happens and why, naming the rule: read aloud to a class.
    pub caption: String,
    /// For the presenter only (`--notes`, the Markdown export): what to point at, what to ask.
    #[serde(default)]
    pub notes: String,
    /// Keys to play, in the `--keys` syntax (`j j enter "typed" tab`).
    #[serde(default)]
    pub keys: String,
    /// Text that must be on the screen afterwards.
    #[serde(default)]
    pub screen: Vec<String>,
    /// Text the player highlights on the screen (default: the `screen` texts).
    #[serde(default)]
    pub highlight: Vec<String>,
    /// Facts about the model that must hold afterwards.
    #[serde(default)]
    pub facts: Vec<Fact>,
    /// Changes made before the keys, for what would take too long to type; the caption says so.
    #[serde(default)]
    pub setup: Vec<Setup>,
    /// For `--exercise`: the hint shown after two failed tries (default: the step's keys).
    #[serde(default)]
    pub hint: Option<String>,
}

impl Step {
    /// What the player highlights.
    pub fn highlights(&self) -> &[String] {
        if self.highlight.is_empty() {
            &self.screen
        } else {
            &self.highlight
        }
    }
}

impl Walkthrough {
    /// The rule IDs its captions name, in the order of the rule table.
    pub fn rules(&self) -> Vec<&'static str> {
        let named: std::collections::BTreeSet<String> = self
            .steps
            .iter()
            .flat_map(|s| rule_ids_in(&s.caption))
            .collect();
        crate::model::rules::ALL
            .iter()
            .filter(|r| named.contains(r.id))
            .map(|r| r.id)
            .collect()
    }
}

/// The words of `text` shaped like a rule ID (`ACC-4`, `RBAC-2`).
pub fn rule_ids_in(text: &str) -> Vec<String> {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
        .filter_map(|w| {
            let (family, n) = w.split_once('-')?;
            let ok = (2..=5).contains(&family.len())
                && family.chars().all(|c| c.is_ascii_uppercase())
                && !n.is_empty()
                && n.chars().all(|c| c.is_ascii_digit());
            ok.then(|| w.to_string())
        })
        .collect()
}

/// A change a step makes before its keys, through the model like any other change (so every
/// rule holds): a fast-forward, not a shortcut around the model. The caption names it.
#[derive(Debug, Clone, Deserialize)]
pub enum Setup {
    /// As the org's Owner: assigns `user` the first `count` built-in roles of the catalogue that
    /// may be assigned at `scope` (the org's name or an account's name), in the catalogue's order.
    AssignBuiltIn {
        user: String,
        scope: String,
        count: usize,
    },
    /// The identity provider, with the org's SCIM token, creates a user (`POST /Users`). A
    /// refusal is shown on the console's status line, as Twilio's answer to the IdP.
    ScimCreate {
        user_name: String,
        #[serde(default)]
        given_name: Option<String>,
        #[serde(default)]
        family_name: Option<String>,
        #[serde(default)]
        external_id: Option<String>,
    },
    /// The identity provider sets `active` (`PATCH /Users/{id}`) of the member `user` (an email).
    ScimActive { user: String, active: bool },
    /// The identity provider deletes the member `user` (`DELETE /Users/{id}`).
    ScimDelete { user: String },
}

impl Setup {
    /// The actions this setup applies in `org`, and whether they are made with the SCIM token
    /// (else as the Owner).
    pub fn actions(
        &self,
        w: &crate::model::World,
        org: &crate::model::Sid,
    ) -> Result<(Vec<crate::model::Action>, bool), String> {
        use crate::model::Action;
        use crate::model::ScimEmail;
        use crate::model::roles::{self, RoleKind, ScopeLevel};
        use crate::model::scim::ScimUserData;
        let member = |email: &str| {
            w.user_by_email(email)
                .ok_or_else(|| format!("setup: no user {email}"))
        };
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
                let picked: Vec<Action> = roles::catalogue()
                    .iter()
                    .filter(|r| r.kind == RoleKind::BuiltIn && r.assignable_at(level))
                    .take(*count)
                    .map(|r| Action::AssignRole {
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
                Ok((picked, false))
            }
            Setup::ScimCreate {
                user_name,
                given_name,
                family_name,
                external_id,
            } => Ok((
                vec![Action::ScimCreateUser {
                    user: ScimUserData {
                        user_name: user_name.clone(),
                        external_id: external_id.clone(),
                        given_name: given_name.clone(),
                        family_name: family_name.clone(),
                        emails: vec![ScimEmail {
                            value: user_name.clone(),
                            kind: Some("work".into()),
                            primary: true,
                        }],
                        ..ScimUserData::default()
                    },
                }],
                true,
            )),
            Setup::ScimActive { user, active } => {
                let u = member(user)?;
                let mut data = w.scim_view(u);
                data.active = Some(*active);
                Ok((
                    vec![Action::ScimReplaceUser {
                        id: u.sid.to_string(),
                        user: data,
                        patch: true,
                    }],
                    true,
                ))
            }
            Setup::ScimDelete { user } => Ok((
                vec![Action::ScimDeleteUser {
                    id: member(user)?.sid.to_string(),
                }],
                true,
            )),
        }
    }

    /// The SCIM request as an IdP sends it (for the console's status line).
    pub fn request(&self) -> &'static str {
        match self {
            Setup::AssignBuiltIn { .. } => "role assignment",
            Setup::ScimCreate { .. } => "POST /Users",
            Setup::ScimActive { .. } => "PATCH /Users/{id}",
            Setup::ScimDelete { .. } => "DELETE /Users/{id}",
        }
    }

    /// What it does, in words, for the Markdown export.
    pub fn describe(&self) -> String {
        match self {
            Setup::AssignBuiltIn { user, scope, count } => {
                format!("{user} is given {count} built-in roles at {scope}")
            }
            Setup::ScimCreate { user_name, .. } => {
                format!("the identity provider sends POST /Users for {user_name}")
            }
            Setup::ScimActive { user, active } => {
                format!("the identity provider sends PATCH active={active} for {user}")
            }
            Setup::ScimDelete { user } => {
                format!("the identity provider sends DELETE for {user}")
            }
        }
    }
}

/// The walkthroughs shipped in the binary, in teaching order.
macro_rules! shipped {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!("../../assets/walkthroughs/", $name, ".ron")))),*]
    };
}
const FILES: &[(&str, &str)] = shipped![
    "tour",
    "ids",
    "domains",
    "clock",
    "import",
    "subaccounts",
    "merge",
    "merge-import",
    "hipaa",
    "roles",
    "sso",
    "scim",
    "signup",
    "offboarding",
    "audit",
    "handover",
];

/// Parses one shipped walkthrough.
pub fn parse(name: &str, text: &str) -> Result<Walkthrough, String> {
    parse_file(&format!("assets/walkthroughs/{name}.ron"), name, text)
}

/// Parses a walkthrough file; errors read `file:line:col: sentence`.
pub fn parse_file(file: &str, name: &str, text: &str) -> Result<Walkthrough, String> {
    let text = crate::text::without_bom(text);
    let mut w: Walkthrough = ron::from_str(text).map_err(|e| {
        let p = e.span.start;
        format!(
            "{file}:{}:{}: {}",
            p.line,
            p.col,
            sentence(&e.code.to_string())
        )
    })?;
    w.name = name.to_string();
    let at = |needle: &str| {
        let (line, col) = position_of(text, needle);
        format!("{file}:{line}:{col}")
    };
    if w.steps.is_empty() {
        return Err(format!(
            "{}: a walkthrough needs at least one step.",
            at("steps")
        ));
    }
    for (i, s) in w.steps.iter().enumerate() {
        if let Err(e) = player::paced_keys(&s.keys) {
            return Err(format!("{}: step {}: {}", at(&s.keys), i + 1, sentence(&e)));
        }
        for id in rule_ids_in(&s.caption) {
            if crate::model::rules::find(&id).is_none() {
                return Err(format!(
                    "{}: step {} names {id}, which is not a rule (tworg rules lists them).",
                    at(&id),
                    i + 1
                ));
            }
        }
        if s.caption.trim().is_empty() {
            return Err(format!("{}: step {} has no caption.", at("caption"), i + 1));
        }
    }
    Ok(w)
}

/// Loads a trainer's walkthrough file (`tworg demo --file my.ron`).
pub fn load_file(path: &std::path::Path) -> Result<Walkthrough, String> {
    // a regular file within --max-file-size, UTF-8 (errors name the file, line and column)
    let text = crate::persist::read_text(path).map_err(|e| format!("{e}."))?;
    let name = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "walkthrough".into());
    parse_file(&path.display().to_string(), &name, &text)
}

/// A message as a sentence: capital letter, full stop.
fn sentence(s: &str) -> String {
    let s = s.trim();
    let mut out: String = s.chars().take(1).flat_map(char::to_uppercase).collect();
    out.push_str(&s[s.chars().next().map_or(0, char::len_utf8)..]);
    if !out.ends_with(['.', '!', '?']) {
        out.push('.');
    }
    out
}

/// 1-based line and column of the first occurrence of `needle` (1:1 when absent).
fn position_of(text: &str, needle: &str) -> (usize, usize) {
    let Some(at) = (!needle.is_empty()).then(|| text.find(needle)).flatten() else {
        return (1, 1);
    };
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
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
    fn every_shipped_walkthrough_parses() {
        let all = super::all();
        assert_eq!(all.len(), 16);
        assert!(
            all.iter()
                .all(|w| !w.title.is_empty() && !w.steps.is_empty())
        );
        assert!(super::find("MERGE").is_some());
    }
}
