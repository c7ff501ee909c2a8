//! The Domains tab's forms: add a domain, the sign-up setting, enforce SSO on a domain.

use super::{Choice, FormSpec, Pick, Text, Values, YesNo};
use crate::console::modal::{Field, Problem};
use crate::model::{Action, Ctx, SignupSetting, World};

/// `a`: a domain to add (then verify).
#[derive(Debug)]
pub struct AddDomain;

impl AddDomain {
    const DOMAIN: Text = Text("Domain");
}

impl FormSpec for AddDomain {
    type Input = String;
    fn title(&self) -> String {
        "Add a domain".into()
    }
    fn fields(&self, _: &World) -> Vec<Field> {
        vec![Self::DOMAIN.field("", "e.g. corp.example (no www., DOM-1)")]
    }
    fn read(&self, v: &Values) -> String {
        v.text(Self::DOMAIN)
    }
    fn action(&self, name: String, _: &World, _: &Ctx) -> Result<Action, Problem> {
        Ok(Action::AddDomain { name })
    }
}

impl Choice for SignupSetting {
    fn label(self) -> &'static str {
        SignupSetting::label(self)
    }
    fn key(self) -> &'static str {
        match self {
            SignupSetting::Restricted => "restricted",
            SignupSetting::AutoEnrollment => "auto-enrollment",
            SignupSetting::Blocked => "blocked",
        }
    }
}

/// What happens when someone signs up with an address on a verified domain (SIGN-1..4).
#[derive(Debug)]
pub struct SetSignup {
    pub current: SignupSetting,
}

impl SetSignup {
    const SETTING: Pick<SignupSetting> = Pick::new("Sign-up", &SignupSetting::ALL);
}

impl FormSpec for SetSignup {
    type Input = SignupSetting;
    fn title(&self) -> String {
        "Sign-up setting".into()
    }
    fn intro(&self) -> Vec<String> {
        vec![
            "What happens when someone signs up with an address on a verified domain (SIGN-1..4):".into(),
            "Restricted: only with an invitation · Auto-enrollment: joins as Standard · Blocked: stays outside.".into(),
        ]
    }
    fn fields(&self, _: &World) -> Vec<Field> {
        vec![Self::SETTING.field(self.current, "←/→ to change")]
    }
    fn read(&self, v: &Values) -> SignupSetting {
        v.pick(Self::SETTING)
    }
    fn action(&self, setting: SignupSetting, _: &World, _: &Ctx) -> Result<Action, Problem> {
        Ok(Action::SetSignup { setting })
    }
}

/// `e`: enforce SSO on the domain, the lock-out confirmed explicitly when asked (SSO-4, SSO-5).
#[derive(Debug)]
pub struct SsoEnforce {
    pub domain: String,
}

/// The explicit confirmation of an SSO lock-out (SSO-5), `no` first.
pub(super) const LOCKOUT: Pick<YesNo> = Pick::new("Confirm lockout", YesNo::ALL);

impl FormSpec for SsoEnforce {
    type Input = YesNo;
    fn title(&self) -> String {
        format!("Enforce SSO on {}", self.domain)
    }
    fn intro(&self) -> Vec<String> {
        vec![
            "Every managed user of the domain must sign in with SSO, except exempted users (SSO-4)."
                .into(),
        ]
    }
    fn fields(&self, _: &World) -> Vec<Field> {
        vec![LOCKOUT.field(
            YesNo::No,
            "yes: enforce even if no Owner or Administrator keeps a password (SSO-5)",
        )]
    }
    fn read(&self, v: &Values) -> YesNo {
        v.pick(LOCKOUT)
    }
    fn action(&self, confirm: YesNo, _: &World, _: &Ctx) -> Result<Action, Problem> {
        Ok(Action::SsoEnforce {
            domain: self.domain.clone(),
            confirm_lockout: confirm.yes(),
        })
    }
}
