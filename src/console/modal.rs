//! Modals are data: a stack whose top gets every key. Each modal carries what to do on submit
//! (its continuation), so a refusal can be shown inside it with everything typed kept.

use ratatui::crossterm::event::{Event, KeyEvent};
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

use crate::model::{Action, ActionError, Refusal, Sid, World};

/// A refusal or an error shown inside a modal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub rule: Option<String>,
    pub message: String,
    pub hint: Option<String>,
    /// The refusal's fixes in the console's words (keys and places), one step each.
    pub fixes: Vec<String>,
    /// The refused action, confirmed, when the refusal only asks for an explicit
    /// confirmation (the model's fix; SSO-5): the console offers it.
    pub confirm: Option<Box<Action>>,
}

impl Problem {
    /// The world names the places of the fixes (an account's name for its SID).
    pub fn from_action(e: &ActionError, w: &World) -> Problem {
        match e {
            ActionError::Refused(r) => Problem::from_refusal(r, w),
            other => Problem::invalid(other.to_string()),
        }
    }
    pub fn from_refusal(r: &Refusal, w: &World) -> Problem {
        Problem {
            rule: Some(r.rule.to_string()),
            message: r.message.clone(),
            hint: Some(r.hint.clone()),
            fixes: r
                .fixes
                .iter()
                .map(|f| super::fixes::in_console(w, f))
                .collect(),
            confirm: None,
        }
    }
    pub fn invalid(message: impl Into<String>) -> Problem {
        Problem {
            rule: None,
            message: message.into(),
            hint: None,
            fixes: Vec::new(),
            confirm: None,
        }
    }
    /// One line: `refused [USR-1]: … — hint`.
    pub fn line(&self) -> String {
        let mut s = match &self.rule {
            Some(r) => format!("refused [{r}]: {}", self.message),
            None => format!("error: {}", self.message),
        };
        if let Some(h) = &self.hint {
            s.push_str(" — ");
            s.push_str(h);
        }
        for f in &self.fixes {
            s.push_str("; fix: ");
            s.push_str(f);
        }
        s
    }
}

/// One field of a form: free text (a tui-input) or a choice among values.
#[derive(Debug, Clone)]
pub struct Field {
    pub label: &'static str,
    pub input: Input,
    /// `(label, value)`; `None` for a text field.
    pub choices: Option<Vec<(String, String)>>,
    pub choice: usize,
    pub hint: &'static str,
    /// What was typed into a choice field to find a choice by its label (cleared by ←/→).
    pub find: String,
}

impl Field {
    /// Made through a form's typed key ([`Text`](super::forms::Text)).
    pub(in crate::console) fn text(label: &'static str, value: &str, hint: &'static str) -> Field {
        Field {
            label,
            input: Input::new(value.to_string()),
            choices: None,
            choice: 0,
            hint,
            find: String::new(),
        }
    }
    /// A choice; made through a form's typed key ([`Pick`](super::forms::Pick),
    /// [`Options`](super::forms::Options)).
    pub(in crate::console) fn options(
        label: &'static str,
        choices: Vec<(String, String)>,
        choice: usize,
        hint: &'static str,
    ) -> Field {
        Field {
            label,
            input: Input::default(),
            choices: Some(choices),
            choice,
            hint,
            find: String::new(),
        }
    }
    /// The text typed, or the value of the chosen option (empty when there is none).
    pub fn value(&self) -> &str {
        match &self.choices {
            Some(c) => c.get(self.choice).map_or("", |c| c.1.as_str()),
            None => self.input.value(),
        }
    }
    pub fn cycle(&mut self, forward: bool) {
        self.find.clear();
        if let Some(c) = &self.choices {
            let n = c.len();
            if n == 0 {
                return;
            }
            self.choice = if forward {
                (self.choice + 1) % n
            } else {
                (self.choice + n - 1) % n
            };
        }
    }
    /// Replaces the choices, keeping the chosen value when it is still offered.
    pub fn set_choices(&mut self, choices: Vec<(String, String)>) {
        let current = self.value().to_string();
        self.choice = choices.iter().position(|c| c.1 == current).unwrap_or(0);
        self.choices = Some(choices);
    }
    /// Type-to-find in a choice field: `text` is what was typed so far; the first choice whose
    /// label contains it (any case) is chosen. Text that matches nothing is not taken.
    fn find_choice(&mut self, text: String) {
        let Some(choices) = &self.choices else {
            return;
        };
        let needle = text.to_lowercase();
        if let Some(i) = choices
            .iter()
            .position(|c| c.0.to_lowercase().contains(&needle))
        {
            self.choice = i;
            self.find = text;
        }
    }
}

/// A form being filled in: its fields, and the [`FormSpec`](super::forms::FormSpec) that
/// reads them back into an action (made with [`Form::of`]).
#[derive(Debug, Clone)]
pub struct Form {
    pub title: String,
    pub intro: Vec<String>,
    pub fields: Vec<Field>,
    pub focus: usize,
    pub problem: Option<Problem>,
    pub danger: bool,
    pub spec: std::sync::Arc<dyn super::forms::AnyForm>,
}

impl Form {
    pub fn focused(&mut self) -> &mut Field {
        &mut self.fields[self.focus]
    }
    pub fn next(&mut self, forward: bool) {
        self.fields[self.focus].find.clear();
        let n = self.fields.len();
        self.focus = if forward {
            (self.focus + 1) % n
        } else {
            (self.focus + n - 1) % n
        };
    }
    /// Gives a key to the focused field: editing keys to a text field; ←/→/Space cycle a
    /// choice, and typing finds a choice by its label (Backspace takes a letter back).
    pub fn edit(&mut self, key: KeyEvent) {
        use ratatui::crossterm::event::{KeyCode, KeyModifiers};
        let f = self.focused();
        if f.choices.is_some() {
            let plain = !key
                .modifiers
                .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
            match key.code {
                KeyCode::Char(' ') if f.find.is_empty() => f.cycle(true),
                KeyCode::Right => f.cycle(true),
                KeyCode::Left => f.cycle(false),
                KeyCode::Char(c) if plain => {
                    let text = format!("{}{c}", f.find);
                    f.find_choice(text);
                }
                KeyCode::Backspace => {
                    let mut text = f.find.clone();
                    text.pop();
                    if text.is_empty() {
                        f.find.clear();
                    } else {
                        f.find_choice(text);
                    }
                }
                _ => {}
            }
        } else {
            f.input.handle_event(&Event::Key(key));
        }
    }
    pub fn paste(&mut self, text: &str) {
        let f = self.focused();
        if f.choices.is_some() {
            let text = format!("{}{}", f.find, text.trim());
            f.find_choice(text);
        } else {
            for c in text.chars().filter(|c| !c.is_control()) {
                f.input.handle(tui_input::InputRequest::InsertChar(c));
            }
        }
    }
}

/// What a confirmation does on yes.
#[derive(Debug, Clone, PartialEq)]
pub enum Pending {
    Apply(Box<Action>),
    /// The token is made at the edge when confirmed, then shown once.
    ScimEnable,
}

#[derive(Debug, Clone)]
pub struct Confirm {
    pub title: String,
    pub lines: Vec<String>,
    pub pending: Pending,
    pub danger: bool,
    pub problem: Option<Problem>,
}

/// The help screen's scroll and search (`/`).
#[derive(Debug, Clone, Default)]
pub struct HelpView {
    pub scroll: usize,
    pub query: Input,
    /// Keys go to the query.
    pub searching: bool,
}

/// What a picker does with the chosen key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PickThen {
    ActAs,
    Org,
    TransferAccount(Sid),
    TransferOrg,
    MergeCandidate,
    Revoke(Sid),
    Exempt,
    /// Import (true) or link (false) the chosen account (`AC` SID), or type one (empty key).
    AddAccount(bool),
    /// Unassign the chosen role assignment (`IY`) of this user (email).
    Unassign(String),
    /// Delete the chosen OAuth app (`OQ`), or create one (empty key).
    OAuthApp,
}

/// A filterable list to choose from (members, orgs, …). Items are `(label, key)`.
#[derive(Debug, Clone)]
pub struct Picker {
    pub title: String,
    pub items: Vec<(String, String)>,
    /// Lowercase labels, made once, so filtering 100,000 users allocates nothing per key.
    hay: Vec<String>,
    pub filter: Input,
    pub shown: Vec<usize>,
    pub sel: usize,
    pub then: PickThen,
    pub problem: Option<Problem>,
    /// Who or what cannot be chosen here, each with why: listed greyed under the choices.
    pub excluded: Vec<(String, String)>,
    /// The excluded entries that match the filter.
    pub excluded_shown: Vec<usize>,
}

/// Whether every character of `query` appears in `hay` in order (both lowercase): `oprod`
/// finds `owl production`.
pub fn fuzzy(hay: &str, query: &str) -> bool {
    let mut h = hay.chars();
    query
        .chars()
        .filter(|c| !c.is_whitespace())
        .all(|q| h.any(|c| c == q))
}

impl Picker {
    pub fn new(title: impl Into<String>, items: Vec<(String, String)>, then: PickThen) -> Picker {
        let shown = (0..items.len()).collect();
        let hay = items.iter().map(|(l, _)| l.to_lowercase()).collect();
        Picker {
            title: title.into(),
            items,
            hay,
            filter: Input::default(),
            shown,
            sel: 0,
            then,
            problem: None,
            excluded: Vec::new(),
            excluded_shown: Vec::new(),
        }
    }
    /// Lists who cannot be chosen, with why (greyed, never selectable).
    pub fn with_excluded(mut self, excluded: Vec<(String, String)>) -> Picker {
        self.excluded_shown = (0..excluded.len()).collect();
        self.excluded = excluded;
        self
    }
    /// Typeahead: rows whose label contains the typed text come first, then the rows that
    /// hold its characters in order (fuzzy).
    pub fn refilter(&mut self) {
        let f = self.filter.value().trim().to_lowercase();
        if f.is_empty() {
            self.shown = (0..self.items.len()).collect();
            self.excluded_shown = (0..self.excluded.len()).collect();
        } else {
            let (mut exact, mut loose) = (Vec::new(), Vec::new());
            for (i, h) in self.hay.iter().enumerate() {
                if h.contains(&f) {
                    exact.push(i);
                } else if fuzzy(h, &f) {
                    loose.push(i);
                }
            }
            exact.extend(loose);
            self.shown = exact;
            self.excluded_shown = (0..self.excluded.len())
                .filter(|&i| fuzzy(&self.excluded[i].0.to_lowercase(), &f))
                .collect();
        }
        self.sel = self.sel.min(self.shown.len().saturating_sub(1));
    }
    pub fn chosen(&self) -> Option<&(String, String)> {
        self.shown.get(self.sel).map(|&i| &self.items[i])
    }
}

#[derive(Debug, Clone)]
pub struct Message {
    pub title: String,
    pub lines: Vec<String>,
    pub scroll: usize,
}

#[derive(Debug, Clone)]
pub enum Modal {
    Form(Form),
    Confirm(Confirm),
    Picker(Picker),
    Message(Message),
    Help(HelpView),
    /// The message log, newest first, scrolled by this many lines.
    Log {
        scroll: usize,
    },
}

impl Modal {
    pub fn problem(&self) -> Option<&Problem> {
        match self {
            Modal::Form(f) => f.problem.as_ref(),
            Modal::Confirm(c) => c.problem.as_ref(),
            Modal::Picker(p) => p.problem.as_ref(),
            _ => None,
        }
    }
    pub fn set_problem(&mut self, p: Problem) {
        match self {
            Modal::Form(f) => f.problem = Some(p),
            Modal::Confirm(c) => c.problem = Some(p),
            Modal::Picker(x) => x.problem = Some(p),
            _ => {}
        }
    }
}
