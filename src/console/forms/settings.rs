//! The Settings tab's forms: the organization's name, its numeric settings, the SSO profile,
//! an OAuth app, the world clock, and the simulated world outside every organization (a user, an account).

use super::users::{Person, person_fields, read_person};
use super::{FormSpec, Pick, Text, Values};
use crate::console::modal::{Field, Problem};
use crate::model::action::Setting;
use crate::model::{Action, Ctx, World};

const NAME: Text = Text("Name");

/// ORG-9: an entitlement is asked of Twilio Support; the model says which settings are.
pub fn support_note(s: &Setting) -> Option<String> {
    s.is_entitlement().then(|| {
        "A simulated request to Twilio Support, made by you; the audit log names twilio-support (ORG-9).".to_string()
    })
}

/// The organization's new name (ORG-7).
#[derive(Debug)]
pub struct RenameOrg {
    pub name: String,
}

impl FormSpec for RenameOrg {
    type Input = String;
    fn title(&self) -> String {
        "Rename the organization".into()
    }
    fn fields(&self, _: &World) -> Vec<Field> {
        vec![NAME.field(&self.name, "1-64 characters (ORG-7)")]
    }
    fn read(&self, v: &Values) -> String {
        v.text(NAME)
    }
    fn action(&self, name: String, _: &World, _: &Ctx) -> Result<Action, Problem> {
        Ok(Action::RenameOrg { name })
    }
}

/// A numeric setting (a limit, a lifetime), by its key as [`Setting::parse`] reads it.
#[derive(Debug)]
pub struct SetNumber {
    pub title: &'static str,
    pub key: &'static str,
    pub value: u32,
}

impl SetNumber {
    const VALUE: Text = Text("Value");
}

impl FormSpec for SetNumber {
    /// The setting, or why the text is not one.
    type Input = Result<Setting, String>;
    fn title(&self) -> String {
        self.title.into()
    }
    fn intro(&self) -> Vec<String> {
        Setting::parse(self.key, &self.value.to_string())
            .ok()
            .and_then(|s| support_note(&s))
            .into_iter()
            .collect()
    }
    fn fields(&self, _: &World) -> Vec<Field> {
        vec![Self::VALUE.field(&self.value.to_string(), "a whole number")]
    }
    fn read(&self, v: &Values) -> Result<Setting, String> {
        Setting::parse(self.key, &v.text(Self::VALUE))
    }
    fn action(&self, s: Result<Setting, String>, _: &World, _: &Ctx) -> Result<Action, Problem> {
        Ok(Action::Set(s.map_err(Problem::invalid)?))
    }
}

/// The SSO profile: the IdP's entity ID, sign-in URL and certificate (SSO-1, SSO-2).
#[derive(Debug)]
pub struct SsoConfigure {
    pub entity_id: String,
    pub url: String,
}

pub struct SsoProfile {
    pub entity_id: String,
    pub url: String,
    /// A PEM, a path to one, `demo`, or empty.
    pub cert: String,
}

impl SsoConfigure {
    const ENTITY_ID: Text = Text("IdP entity ID");
    const URL: Text = Text("Sign-in URL");
    const CERT: Text = Text("Certificate");
}

impl FormSpec for SsoConfigure {
    type Input = SsoProfile;
    fn title(&self) -> String {
        "SSO profile".into()
    }
    fn intro(&self) -> Vec<String> {
        vec!["Needs the SSO entitlement and a verified domain (SSO-1).".into()]
    }
    fn fields(&self, _: &World) -> Vec<Field> {
        vec![
            Self::ENTITY_ID.field(&self.entity_id, "the identity provider's entity ID"),
            Self::URL.field(&self.url, "https://… (SSO-2)"),
            Self::CERT.field(
                "",
                "path to the IdP's PEM certificate, or demo for the demo IdP's",
            ),
        ]
    }
    fn read(&self, v: &Values) -> SsoProfile {
        SsoProfile {
            entity_id: v.text(Self::ENTITY_ID),
            url: v.text(Self::URL),
            cert: v.text(Self::CERT),
        }
    }
    fn action(&self, p: SsoProfile, _: &World, _: &Ctx) -> Result<Action, Problem> {
        let cert_pem = if p.cert.is_empty() || p.cert.starts_with("-----BEGIN") {
            p.cert
        } else if p.cert == "demo" {
            // The demo IdP's certificate, for walkthroughs and trainers without an IdP.
            crate::model::demo::DEMO_IDP_CERT.to_string()
        } else {
            super::read_file(&p.cert)?
        };
        Ok(Action::SsoConfigure {
            entity_id: p.entity_id,
            url: p.url,
            cert_pem,
            confirm_lockout: false,
        })
    }
}

/// Advance the world clock; what falls due is applied (CLK-1).
#[derive(Debug)]
pub struct Clock;

impl Clock {
    const BY: Text = Text("By");
}

impl FormSpec for Clock {
    /// Seconds, or why the text is not a duration.
    type Input = Result<i64, String>;
    fn title(&self) -> String {
        "Advance the world clock".into()
    }
    fn intro(&self) -> Vec<String> {
        vec!["Every expiry that falls due is applied and logged (CLK-1).".into()]
    }
    fn fields(&self, _: &World) -> Vec<Field> {
        vec![Self::BY.field("1d", "a duration such as 36h, 7d or 30d")]
    }
    fn read(&self, v: &Values) -> Result<i64, String> {
        crate::model::time::parse_duration(&v.text(Self::BY)).map(|d| d.as_secs())
    }
    fn action(&self, s: Result<i64, String>, _: &World, _: &Ctx) -> Result<Action, Problem> {
        Ok(Action::AdvanceClock {
            seconds: s.map_err(Problem::invalid)?,
        })
    }
}

/// Simulation: someone who already has a Twilio login, outside every organization.
#[derive(Debug)]
pub struct WorldUser;

impl FormSpec for WorldUser {
    type Input = Person;
    fn title(&self) -> String {
        "Add a Twilio user outside every org".into()
    }
    fn intro(&self) -> Vec<String> {
        vec!["Simulation: someone who already has a Twilio login.".into()]
    }
    fn fields(&self, _: &World) -> Vec<Field> {
        person_fields("the user's address")
    }
    fn read(&self, v: &Values) -> Person {
        read_person(v)
    }
    fn action(&self, p: Person, _: &World, _: &Ctx) -> Result<Action, Problem> {
        Ok(Action::AddWorldUser {
            email: p.email,
            name: p.name,
        })
    }
}

choice! {
    /// An account's type: Trial, or Full (upgraded).
    pub enum AccountType {
        Trial => ("Trial", "trial"),
        Full => ("Full", "full"),
    }
}

/// Simulation: an account outside every organization, to import or link later.
#[derive(Debug)]
pub struct WorldAccount;

pub struct OutsideAccount {
    pub name: String,
    pub owner: String,
    pub kind: AccountType,
}

impl WorldAccount {
    const OWNER: Text = Text("Owner");
    const TYPE: Pick<AccountType> = Pick::new("Type", AccountType::ALL);
}

impl FormSpec for WorldAccount {
    type Input = OutsideAccount;
    fn title(&self) -> String {
        "Add an account outside every org".into()
    }
    fn intro(&self) -> Vec<String> {
        vec!["Simulation: an account that can later be imported or linked.".into()]
    }
    fn fields(&self, _: &World) -> Vec<Field> {
        vec![
            NAME.field("", "1-64 characters"),
            Self::OWNER.field("", "email of an existing Twilio user"),
            Self::TYPE.field(AccountType::Trial, "←/→ to change"),
        ]
    }
    fn read(&self, v: &Values) -> OutsideAccount {
        OutsideAccount {
            name: v.text(NAME),
            owner: v.text(Self::OWNER),
            kind: v.pick(Self::TYPE),
        }
    }
    fn action(&self, a: OutsideAccount, _: &World, _: &Ctx) -> Result<Action, Problem> {
        Ok(Action::AddWorldAccount {
            name: a.name,
            owner: a.owner,
            full: a.kind == AccountType::Full,
        })
    }
}

/// An OAuth app (client credentials); its secret is made when the form opens and shown once
/// when the app is created: the model keeps only its hash.
#[derive(Debug)]
pub struct CreateOAuthApp {
    pub secret: String,
}

impl FormSpec for CreateOAuthApp {
    type Input = String;
    fn title(&self) -> String {
        "Create an OAuth app (client credentials)".into()
    }
    fn intro(&self) -> Vec<String> {
        vec![
            "Its client ID (OQ…) and secret are shown once; tworg keeps only a hash of the secret."
                .into(),
        ]
    }
    fn fields(&self, _: &World) -> Vec<Field> {
        vec![NAME.field("", "1-64 characters, e.g. Provisioning bot")]
    }
    fn read(&self, v: &Values) -> String {
        v.text(NAME)
    }
    fn action(&self, name: String, _: &World, _: &Ctx) -> Result<Action, Problem> {
        Ok(Action::CreateOAuthApp {
            name,
            secret_sha256: crate::model::credentials::secret_hash(&self.secret),
        })
    }
    fn minted(&self) -> Option<&str> {
        Some(&self.secret)
    }
}
