//! Forms as data. Each form is a struct (what it acts on: an account's SID, a user's email)
//! implementing [`FormSpec`]: its title and fields, how the fields read back as a typed input
//! (fields named by typed keys, choices as enums), the [`Action`] the input builds, and what the
//! form previews while it is filled in. Adding a form is one struct in its family's file, plus
//! the keymap's row for its key and that command's arm in `app/tabs` (`self.open_form(…)` with
//! the selected row); the modal ([`Form`]), its keys, submit and drawing are shared.
//!
//! A form only parses: whether the action is allowed is the model's answer when it is applied
//! (a refusal is shown inside the form, everything typed kept).
//!
//! Families: [`accounts`] (create, import and link, rename, close, subaccount, grant),
//! [`domains`] (add, sign-up setting, enforce SSO), [`users`] (invite, org role, CSV import,
//! sign-up, SSO un-exemption, role assignment), [`settings`] (the organization's settings, OAuth
//! apps, the clock and the simulated world outside it), [`merge`] (merging an organization in).

use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;

use super::modal::{Field, Form, Problem};
use crate::model::{Action, Ctx, World};

/// Declares a typed choice: an enum whose variants each say the label a form shows and the key
/// its field keeps, with `ALL` in the order shown.
macro_rules! choice {
    ($(#[$m:meta])* $vis:vis enum $name:ident {
        $($(#[$vm:meta])* $v:ident => ($label:literal, $key:literal)),+ $(,)?
    }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        $vis enum $name {
            $($(#[$vm])* $v),+
        }
        impl $name {
            /// Every choice, in the order shown.
            pub const ALL: &[$name] = &[$($name::$v),+];
        }
        impl $crate::console::forms::Choice for $name {
            fn label(self) -> &'static str {
                match self {
                    $($name::$v => $label),+
                }
            }
            fn key(self) -> &'static str {
                match self {
                    $($name::$v => $key),+
                }
            }
        }
    };
}

pub mod accounts;
pub mod domains;
pub mod merge;
pub mod settings;
pub mod users;

/// One form: what it shows, how its fields read back, and the action they build.
pub trait FormSpec: fmt::Debug + Send + Sync + Sized + 'static {
    /// What the fields mean, typed: read from the fields on every preview and on submit.
    type Input;
    fn title(&self) -> String;
    /// Lines above the fields.
    fn intro(&self) -> Vec<String> {
        Vec::new()
    }
    /// Drawn as a dangerous change (a warning title).
    fn danger(&self) -> bool {
        false
    }
    /// The fields as first shown, in order; each named by its key.
    fn fields(&self, w: &World) -> Vec<Field>;
    /// The fields' values, typed. Never fails: what does not parse stays in the input as
    /// data, so the preview can show it and [`FormSpec::action`] can refuse it.
    fn read(&self, v: &Values) -> Self::Input;
    /// The action the input builds, or why it cannot be built. Only parsing: the rules are
    /// the model's.
    fn action(&self, input: Self::Input, w: &World, ctx: &Ctx) -> Result<Action, Problem>;
    /// Lines computed from what is typed, shown under the intro (checks, previews).
    fn preview(&self, _input: &Self::Input, _w: &World, _ctx: &Ctx) -> Vec<String> {
        Vec::new()
    }
    /// Brings fields that depend on others up to date after an edit (the choices of one
    /// field following another's value).
    fn sync(&self, _fields: &mut [Field], _w: &World) {}
    /// A secret the form made when it opened (an OAuth app's), shown once after its change.
    fn minted(&self) -> Option<&str> {
        None
    }
}

/// A [`FormSpec`] with its input type erased, as a [`Form`] keeps it.
pub trait AnyForm: fmt::Debug + Send + Sync {
    fn action(&self, fields: &[Field], w: &World, ctx: &Ctx) -> Result<Action, Problem>;
    fn preview(&self, fields: &[Field], w: &World, ctx: &Ctx) -> Vec<String>;
    fn sync(&self, fields: &mut [Field], w: &World);
    fn minted(&self) -> Option<&str>;
}

impl<F: FormSpec> AnyForm for F {
    fn action(&self, fields: &[Field], w: &World, ctx: &Ctx) -> Result<Action, Problem> {
        FormSpec::action(self, self.read(&Values(fields)), w, ctx)
    }
    fn preview(&self, fields: &[Field], w: &World, ctx: &Ctx) -> Vec<String> {
        FormSpec::preview(self, &self.read(&Values(fields)), w, ctx)
    }
    fn sync(&self, fields: &mut [Field], w: &World) {
        FormSpec::sync(self, fields, w)
    }
    fn minted(&self) -> Option<&str> {
        FormSpec::minted(self)
    }
}

impl Form {
    /// The form of `spec`, its fields as first shown in the world `w`.
    pub fn of<F: FormSpec>(spec: F, w: &World) -> Form {
        let fields = spec.fields(w);
        debug_assert!(
            fields
                .iter()
                .enumerate()
                .all(|(i, f)| fields[..i].iter().all(|g| g.label != f.label)),
            "a form's fields are named by their labels: each label once"
        );
        Form {
            title: spec.title(),
            intro: spec.intro(),
            danger: spec.danger(),
            fields,
            focus: 0,
            problem: None,
            spec: Arc::new(spec),
        }
    }
}

/// The name of a text field (its label, unique in its form).
#[derive(Debug, Clone, Copy)]
pub struct Text(pub &'static str);

impl Text {
    /// The field, holding `value`; `hint` is shown while it has the focus.
    pub fn field(self, value: &str, hint: &'static str) -> Field {
        Field::text(self.0, value, hint)
    }
}

/// A choice among a fixed set, typed: a form reads back a `C`, never a string.
pub trait Choice: Copy + PartialEq + 'static {
    /// What the form shows.
    fn label(self) -> &'static str;
    /// The value the field keeps (stable; what a choice is found by).
    fn key(self) -> &'static str;
}

/// The name of a choice field whose choices are the values of `C`.
#[derive(Debug)]
pub struct Pick<C: 'static> {
    pub label: &'static str,
    /// The choices, in the order shown; the first is taken when none is chosen.
    pub choices: &'static [C],
    _c: PhantomData<C>,
}

impl<C: 'static> Clone for Pick<C> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<C: 'static> Copy for Pick<C> {}

impl<C: Choice> Pick<C> {
    pub const fn new(label: &'static str, choices: &'static [C]) -> Pick<C> {
        Pick {
            label,
            choices,
            _c: PhantomData,
        }
    }
    /// The field, `chosen` chosen (else the first choice).
    pub fn field(self, chosen: C, hint: &'static str) -> Field {
        let at = self.choices.iter().position(|c| *c == chosen).unwrap_or(0);
        Field::options(
            self.label,
            self.choices
                .iter()
                .map(|c| (c.label().to_string(), c.key().to_string()))
                .collect(),
            at,
            hint,
        )
    }
}

/// The name of a choice field whose choices are made at run time (scopes, roles: SIDs).
#[derive(Debug, Clone, Copy)]
pub struct Options(pub &'static str);

impl Options {
    pub fn field(self, choices: Vec<(String, String)>, hint: &'static str) -> Field {
        Field::options(self.0, choices, 0, hint)
    }
    /// The field in `fields` (for [`FormSpec::sync`]).
    pub fn of(self, fields: &mut [Field]) -> Option<&mut Field> {
        fields.iter_mut().find(|f| f.label == self.0)
    }
}

/// A form's fields, read by their keys.
pub struct Values<'a>(&'a [Field]);

impl Values<'_> {
    fn get(&self, label: &str) -> Option<&Field> {
        self.0.iter().find(|f| f.label == label)
    }
    /// The text as typed, spaces kept (names typed to confirm).
    pub fn raw(&self, k: Text) -> &str {
        self.get(k.0).map_or("", Field::value)
    }
    /// The text, trimmed.
    pub fn text(&self, k: Text) -> String {
        self.raw(k).trim().to_string()
    }
    /// The text, trimmed; `None` when empty.
    pub fn opt(&self, k: Text) -> Option<String> {
        Some(self.text(k)).filter(|s| !s.is_empty())
    }
    /// The choice made.
    pub fn pick<C: Choice>(&self, k: Pick<C>) -> C {
        let chosen = self.get(k.label).map_or("", Field::value);
        *k.choices
            .iter()
            .find(|c| c.key() == chosen)
            .unwrap_or(&k.choices[0])
    }
    /// The value of the option chosen (empty when there is none).
    pub fn option(&self, k: Options) -> &str {
        self.get(k.0).map_or("", Field::value)
    }
}

choice! {
    /// `no` or `yes`: an explicit confirmation asked in a form (SSO-5's lock-out).
    pub enum YesNo {
        No => ("no", "no"),
        Yes => ("yes", "yes"),
    }
}

impl YesNo {
    pub fn yes(self) -> bool {
        self == YesNo::Yes
    }
}

/// The org roles an invitation, a role change or a merge gives.
impl Choice for crate::model::OrgRole {
    fn label(self) -> &'static str {
        crate::model::OrgRole::label(self)
    }
    fn key(self) -> &'static str {
        crate::model::OrgRole::key(self)
    }
}

/// Reads a file named in a form; the error as the form shows it.
fn read_file(path: &str) -> Result<String, Problem> {
    crate::persist::read_text(std::path::Path::new(path))
        .map_err(|e| Problem::invalid(format!("cannot read {e}")))
}

#[cfg(test)]
mod tests {
    use super::accounts::{CreateAccount, Usage};
    use super::merge::{Merge, Route};
    use super::users::{GrantEntry, parse_grants};
    use super::*;
    use crate::model::{AccountRole, OrgRole};

    fn demo() -> (World, Ctx) {
        let app = crate::console::App::demo();
        let w = app.lock().world.clone();
        (w, app.ctx.clone())
    }

    /// A field is read by its key, whatever its place: reordering fields changes no reading.
    #[test]
    fn fields_are_read_by_key_and_choices_as_their_type() {
        let (w, ctx) = demo();
        let spec = CreateAccount;
        let mut fields = spec.fields(&w);
        fields[0].input = "  Acme Labs ".into();
        fields[1].cycle(true);
        fields.reverse();
        let i = spec.read(&Values(&fields));
        assert_eq!(i.name, "Acme Labs");
        assert_eq!(i.usage, Usage::Flex);
        assert_eq!(i.owner, None);
        let Ok(Action::CreateAccount { flex: true, .. }) = FormSpec::action(&spec, i, &w, &ctx)
        else {
            panic!("a Flex account")
        };
    }

    #[test]
    fn a_choice_is_found_by_its_key_and_shown_by_its_label() {
        let (w, _) = demo();
        let spec = Merge {
            candidate: "OR0".into(),
            name: "Other".into(),
        };
        let mut fields = spec.fields(&w);
        assert_eq!(fields[0].choices.as_ref().unwrap()[1].0, "by import");
        fields[0].cycle(true);
        fields[1].cycle(true);
        fields[2].input = " Other".into();
        let i = spec.read(&Values(&fields));
        assert_eq!(i.route, Route::Import);
        assert_eq!(i.owner_role, OrgRole::Administrator);
        assert_eq!(
            i.confirm, " Other",
            "a name typed to confirm keeps its spaces"
        );
    }

    /// `ACCOUNT=ROLES` is parsed once: the preview and the action read the same entries.
    #[test]
    fn grants_are_parsed_once_into_entries_with_their_errors() {
        let e = parse_grants(" Owl Production=developer,billing ; nope ; X=wizard;");
        assert_eq!(
            e[0],
            Ok(GrantEntry {
                account: "Owl Production".into(),
                roles: Ok(vec![AccountRole::Developer, AccountRole::BillingManager]),
            })
        );
        assert_eq!(e[1], Err("nope".into()));
        assert!(matches!(&e[2], Ok(g) if g.account == "X" && g.roles.is_err()));
        assert_eq!(e.len(), 3);
    }
}
