//! The Accounts tab's forms: create, import or link by SID, rename, close, subaccount, grant.

use super::{FormSpec, Pick, Text, Values};
use crate::console::modal::{Field, Problem};
use crate::model::{AccountRole, Action, Ctx, Sid, SidKind, World};

const NAME: Text = Text("Name");

choice! {
    /// What a new account is used for.
    pub enum Usage {
        Twilio => ("Twilio", "twilio"),
        Flex => ("Flex", "flex"),
    }
}

/// `n`: a new account of the organization.
#[derive(Debug)]
pub struct CreateAccount;

pub struct NewAccount {
    pub name: String,
    pub usage: Usage,
    pub owner: Option<String>,
}

impl CreateAccount {
    const USAGE: Pick<Usage> = Pick::new("Usage", Usage::ALL);
    const OWNER: Text = Text("Owner");
}

impl FormSpec for CreateAccount {
    type Input = NewAccount;
    fn title(&self) -> String {
        "Create an account".into()
    }
    fn fields(&self, _: &World) -> Vec<Field> {
        vec![
            NAME.field("", "1-64 characters (ACC-1)"),
            Self::USAGE.field(Usage::Twilio, "←/→ to change"),
            Self::OWNER.field("", "email of an active member; empty: you"),
        ]
    }
    fn read(&self, v: &Values) -> NewAccount {
        NewAccount {
            name: v.text(NAME),
            usage: v.pick(Self::USAGE),
            owner: v.opt(Self::OWNER),
        }
    }
    fn action(&self, i: NewAccount, _: &World, _: &Ctx) -> Result<Action, Problem> {
        Ok(Action::CreateAccount {
            name: i.name,
            flex: i.usage == Usage::Flex,
            owner: i.owner,
        })
    }
}

/// `i` / `L`: import (ACC-4) or link (ACC-6) an account from outside by its SID, checked as
/// it is typed.
#[derive(Debug)]
pub struct AddAccount {
    pub import: bool,
    /// The SID chosen in the picker (empty: typed here).
    pub sid: String,
}

impl AddAccount {
    const SID: Text = Text("Account SID");
}

impl FormSpec for AddAccount {
    type Input = String;
    fn title(&self) -> String {
        if self.import {
            "Import an account by SID"
        } else {
            "Link an independent account"
        }
        .into()
    }
    fn intro(&self) -> Vec<String> {
        vec![
            if self.import {
                "The account becomes Pending until its owner confirms (ACC-4, ACC-5)."
            } else {
                "Its outside owner is asked to share it as independent (ACC-6)."
            }
            .into(),
        ]
    }
    fn fields(&self, _: &World) -> Vec<Field> {
        vec![Self::SID.field(&self.sid, "AC followed by 32 hex digits")]
    }
    fn read(&self, v: &Values) -> String {
        v.text(Self::SID)
    }
    fn action(&self, sid: String, _: &World, _: &Ctx) -> Result<Action, Problem> {
        Ok(if self.import {
            Action::ImportAccount { sid }
        } else {
            Action::LinkAccount { sid }
        })
    }
    fn preview(&self, sid: &String, w: &World, ctx: &Ctx) -> Vec<String> {
        if sid.is_empty() {
            return vec!["The SID is checked as you type.".into()];
        }
        if let Err(r) = Sid::parse(SidKind::Account, sid) {
            return vec![format!("✗ [{}] {}", r.rule, r.message)];
        }
        let owner =
            |a: &crate::model::Account| a.owner.as_ref().map(|o| w.email_of(o)).unwrap_or_default();
        let found = if self.import {
            w.check_import(ctx, sid)
                .map(|a| format!("✓ {} (owner {}) can be imported", a.name, owner(a)))
        } else {
            w.find_account(sid)
                .map(|a| format!("found: {} (owner {})", a.name, owner(a)))
        };
        vec![found.unwrap_or_else(|e| format!("✗ {}", Problem::from_action(&e, w).line()))]
    }
}

/// `r`: a new name for the account.
#[derive(Debug)]
pub struct RenameAccount {
    pub sid: Sid,
    pub name: String,
}

impl FormSpec for RenameAccount {
    type Input = String;
    fn title(&self) -> String {
        format!("Rename {}", self.name)
    }
    fn fields(&self, _: &World) -> Vec<Field> {
        vec![NAME.field(&self.name, "1-64 characters")]
    }
    fn read(&self, v: &Values) -> String {
        v.text(NAME)
    }
    fn action(&self, name: String, _: &World, _: &Ctx) -> Result<Action, Problem> {
        Ok(Action::RenameAccount {
            sid: self.sid.to_string(),
            name,
        })
    }
}

/// `c`: closing, confirmed by typing the account's name (ACC-8).
#[derive(Debug)]
pub struct CloseAccount {
    pub sid: Sid,
    pub name: String,
}

impl CloseAccount {
    const CONFIRM: Text = Text("Type its name");
}

impl FormSpec for CloseAccount {
    /// The name as typed, spaces kept: the model compares it exactly.
    type Input = String;
    fn title(&self) -> String {
        format!("Close {}", self.name)
    }
    fn intro(&self) -> Vec<String> {
        vec![
            "Closing is irreversible and closes its subaccounts too (ACC-8).".into(),
            format!("Type '{}' to confirm.", self.name),
        ]
    }
    fn danger(&self) -> bool {
        true
    }
    fn fields(&self, _: &World) -> Vec<Field> {
        vec![Self::CONFIRM.field("", "the account's name, exactly")]
    }
    fn read(&self, v: &Values) -> String {
        v.raw(Self::CONFIRM).to_string()
    }
    fn action(&self, confirm_name: String, _: &World, _: &Ctx) -> Result<Action, Problem> {
        Ok(Action::CloseAccount {
            sid: self.sid.to_string(),
            confirm_name,
        })
    }
}

/// `s`: a subaccount of the selected account.
#[derive(Debug)]
pub struct Subaccount {
    pub parent: Sid,
    pub parent_name: String,
}

impl FormSpec for Subaccount {
    type Input = Option<String>;
    fn title(&self) -> String {
        format!("New subaccount of {}", self.parent_name)
    }
    fn fields(&self, _: &World) -> Vec<Field> {
        vec![NAME.field("", "at most 64 characters; empty: a dated default (SUB-3)")]
    }
    fn read(&self, v: &Values) -> Option<String> {
        v.opt(NAME)
    }
    fn action(&self, name: Option<String>, _: &World, _: &Ctx) -> Result<Action, Problem> {
        Ok(Action::CreateSubaccount {
            parent: self.parent.to_string(),
            name,
        })
    }
}

/// `g`: roles on the account for a member or an outside user (USR-4).
#[derive(Debug)]
pub struct Grant {
    pub sid: Sid,
    pub name: String,
}

pub struct GrantInput {
    pub user: String,
    pub roles: Result<Vec<AccountRole>, String>,
}

impl Grant {
    const USER: Text = Text("User");
    const ROLES: Text = Text("Roles");
}

impl FormSpec for Grant {
    type Input = GrantInput;
    fn title(&self) -> String {
        format!("Grant access to {}", self.name)
    }
    fn fields(&self, _: &World) -> Vec<Field> {
        vec![
            Self::USER.field("", "email of a member or an outside user"),
            Self::ROLES.field(
                "developer",
                "admin, developer, billing, support (comma-separated; USR-4)",
            ),
        ]
    }
    fn read(&self, v: &Values) -> GrantInput {
        GrantInput {
            user: v.text(Self::USER),
            roles: AccountRole::parse_list(&v.text(Self::ROLES)),
        }
    }
    fn action(&self, i: GrantInput, _: &World, _: &Ctx) -> Result<Action, Problem> {
        Ok(Action::GrantAccess {
            sid: self.sid.to_string(),
            user: i.user,
            roles: i.roles.map_err(Problem::invalid)?,
        })
    }
}
