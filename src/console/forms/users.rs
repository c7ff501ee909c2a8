//! The Users tab's forms: invite (with account grants), org role, bulk import from CSV, a
//! simulated sign-up, removing an SSO exemption, assigning a role (RBAC-2).

use super::domains::LOCKOUT;
use super::{FormSpec, Options, Pick, Text, Values, YesNo};
use crate::console::modal::{Field, Problem};
use crate::console::roles::{role_choices, scope_choices};
use crate::model::{AccountRole, Action, Ctx, OrgRole, Sid, SidKind, World};

const EMAIL: Text = Text("Email");
const NAME: Text = Text("Name");
const ORG_ROLE_HINT: &str = "←/→ to change";

/// One `ACCOUNT=ROLES` entry of the invite form, parsed once for the preview and the action.
#[derive(Debug, Clone, PartialEq)]
pub struct GrantEntry {
    /// The account as typed: an exact name (any case) or a SID.
    pub account: String,
    pub roles: Result<Vec<AccountRole>, String>,
}

/// `ACCOUNT=ROLES; ACCOUNT=ROLES`: each entry, or the entry as typed when it has no `=`.
pub fn parse_grants(text: &str) -> Vec<Result<GrantEntry, String>> {
    text.split(';')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|part| match part.split_once('=') {
            None => Err(part.to_string()),
            Some((acc, roles)) => Ok(GrantEntry {
                account: acc.trim().to_string(),
                roles: AccountRole::parse_list(roles),
            }),
        })
        .collect()
}

/// `n`: an invitation to the organization, with roles on its accounts.
#[derive(Debug)]
pub struct Invite;

pub struct InviteInput {
    pub email: String,
    pub role: OrgRole,
    pub accounts: Vec<Result<GrantEntry, String>>,
}

impl Invite {
    const ROLE: Pick<OrgRole> = Pick::new("Org role", &[OrgRole::Standard, OrgRole::Administrator]);
    const ACCOUNTS: Text = Text("Accounts");
}

impl FormSpec for Invite {
    type Input = InviteInput;
    fn title(&self) -> String {
        "Invite a user".into()
    }
    fn fields(&self, _: &World) -> Vec<Field> {
        vec![
            EMAIL.field("", "an address on a verified domain (USR-1)"),
            Self::ROLE.field(OrgRole::Standard, ORG_ROLE_HINT),
            Self::ACCOUNTS.field(
                "",
                "ACCOUNT=ROLES; … (name or SID; roles admin, developer, billing, support)",
            ),
        ]
    }
    fn read(&self, v: &Values) -> InviteInput {
        InviteInput {
            email: v.text(EMAIL),
            role: v.pick(Self::ROLE),
            accounts: parse_grants(&v.text(Self::ACCOUNTS)),
        }
    }
    /// Only names are resolved here (to SIDs); whether the grant is allowed is the model's call.
    fn action(&self, i: InviteInput, w: &World, ctx: &Ctx) -> Result<Action, Problem> {
        let accounts = i
            .accounts
            .into_iter()
            .map(|entry| {
                let e = entry.map_err(|part| {
                    Problem::invalid(format!("write ACCOUNT=ROLES, not '{part}'"))
                })?;
                let sid = w
                    .org_accounts(&ctx.org)
                    .find(|a| a.name.eq_ignore_ascii_case(&e.account))
                    .map(|a| a.sid.to_string())
                    .unwrap_or(e.account);
                Ok((sid, e.roles.map_err(Problem::invalid)?))
            })
            .collect::<Result<_, Problem>>()?;
        Ok(Action::Invite {
            email: i.email,
            role: i.role,
            accounts,
        })
    }
    /// The Owner of another organization: inviting them is a merge invitation (MRG-5); and how
    /// each `ACCOUNT=ROLES` entry resolves.
    fn preview(&self, i: &InviteInput, w: &World, ctx: &Ctx) -> Vec<String> {
        let mut v = Vec::new();
        if let Some(p) = w.merge_invitation_preview(ctx, &i.email, i.role) {
            v.push(format!(
                "{} is the Owner of {}: this is a merge invitation; accepting merges {} into {} (MRG-5).",
                p.candidate_owner, p.candidate_name, p.candidate_name, p.prime_name
            ));
            v.extend(p.lines());
        }
        v.extend(i.accounts.iter().map(|entry| match entry {
            Err(part) => format!("✗ '{part}': write ACCOUNT=ROLES"),
            Ok(e) => {
                let found = w.org_accounts(&ctx.org).find(|a| {
                    a.name.eq_ignore_ascii_case(&e.account)
                        || a.sid.as_str().eq_ignore_ascii_case(&e.account)
                });
                match (found, &e.roles) {
                    (Some(a), Ok(r)) => {
                        let r: Vec<&str> = r.iter().map(|r| r.label()).collect();
                        format!("→ {} ({}): {}", a.name, a.sid, r.join(", "))
                    }
                    (None, _) => format!("✗ no account '{}' in this organization", e.account),
                    (_, Err(err)) => format!("✗ {err}"),
                }
            }
        }));
        v
    }
}

/// `R`: the member's org role; the Owner changes by transfer.
#[derive(Debug)]
pub struct SetRole {
    pub email: String,
    pub current: Option<OrgRole>,
}

impl SetRole {
    const ROLE: Pick<OrgRole> = Pick::new("Org role", &[OrgRole::Administrator, OrgRole::Standard]);
}

impl FormSpec for SetRole {
    type Input = OrgRole;
    fn title(&self) -> String {
        format!("Org role of {}", self.email)
    }
    fn fields(&self, _: &World) -> Vec<Field> {
        vec![Self::ROLE.field(
            self.current.unwrap_or(OrgRole::Administrator),
            "←/→ to change; the Owner changes by transfer (Settings)",
        )]
    }
    fn read(&self, v: &Values) -> OrgRole {
        v.pick(Self::ROLE)
    }
    fn action(&self, role: OrgRole, _: &World, _: &Ctx) -> Result<Action, Problem> {
        Ok(Action::SetRole {
            user: self.email.clone(),
            role,
            confirm_lockout: false,
        })
    }
}

/// `I`: users from a CSV file (USR-9).
#[derive(Debug)]
pub struct ImportCsv;

impl ImportCsv {
    const PATH: Text = Text("CSV path");
}

impl FormSpec for ImportCsv {
    type Input = String;
    fn title(&self) -> String {
        "Bulk import users from a CSV file".into()
    }
    fn intro(&self) -> Vec<String> {
        vec!["Existing users of verified domains join as Standard (USR-9).".into()]
    }
    fn fields(&self, _: &World) -> Vec<Field> {
        vec![Self::PATH.field("", "a file with the header email,first_name,last_name")]
    }
    fn read(&self, v: &Values) -> String {
        v.text(Self::PATH)
    }
    fn action(&self, path: String, _: &World, _: &Ctx) -> Result<Action, Problem> {
        if path.is_empty() {
            return Err(Problem::invalid("type the path of a CSV file"));
        }
        Ok(Action::ImportUsers {
            csv: super::read_file(&path)?,
        })
    }
}

/// A person signs up at twilio.com (simulation); the sign-up setting decides.
#[derive(Debug)]
pub struct Signup;

/// An email and an optional name: a sign-up, or a Twilio user added outside every org.
pub struct Person {
    pub email: String,
    pub name: Option<String>,
}

/// The email and name fields of a person.
pub(super) fn person_fields(email_hint: &'static str) -> Vec<Field> {
    vec![EMAIL.field("", email_hint), NAME.field("", "optional")]
}

pub(super) fn read_person(v: &Values) -> Person {
    Person {
        email: v.text(EMAIL),
        name: v.opt(NAME),
    }
}

impl FormSpec for Signup {
    type Input = Person;
    fn title(&self) -> String {
        "Simulate a sign-up".into()
    }
    fn intro(&self) -> Vec<String> {
        vec![
            "A person signs up at twilio.com; the org's sign-up setting decides (SIGN-1..4)."
                .into(),
        ]
    }
    fn fields(&self, _: &World) -> Vec<Field> {
        person_fields("the new user's address")
    }
    fn read(&self, v: &Values) -> Person {
        read_person(v)
    }
    fn action(&self, p: Person, _: &World, _: &Ctx) -> Result<Action, Problem> {
        Ok(Action::Signup {
            email: p.email,
            name: p.name,
        })
    }
}

/// Removing a member's SSO exemption, the lock-out confirmed explicitly when asked (SSO-5).
#[derive(Debug)]
pub struct SsoUnexempt {
    pub email: String,
}

impl FormSpec for SsoUnexempt {
    type Input = YesNo;
    fn title(&self) -> String {
        format!("Remove the SSO exemption of {}", self.email)
    }
    fn fields(&self, _: &World) -> Vec<Field> {
        vec![LOCKOUT.field(
            YesNo::No,
            "yes: even if no Owner or Administrator keeps a password (SSO-5)",
        )]
    }
    fn read(&self, v: &Values) -> YesNo {
        v.pick(LOCKOUT)
    }
    fn action(&self, confirm: YesNo, _: &World, _: &Ctx) -> Result<Action, Problem> {
        Ok(Action::SsoUnexempt {
            user: self.email.clone(),
            confirm_lockout: confirm.yes(),
        })
    }
}

/// `+`: a new role assignment (IY) for the user: a scope, then a role the catalogue allows
/// there (RBAC-2); the role choices follow the scope.
#[derive(Debug)]
pub struct AssignRole {
    pub email: String,
    pub org: Sid,
}

/// The scope and the role chosen, as SIDs (empty when there is none).
pub struct Assignment {
    pub scope: String,
    pub role: String,
}

impl AssignRole {
    const SCOPE: Options = Options("Scope");
    const ROLE: Options = Options("Role");
}

/// The role choices for a scope given as typed (a SID), none for anything else.
fn scope_roles(w: &World, scope: &str) -> Vec<(String, String)> {
    Sid::parse_any(scope)
        .map(|s| role_choices(w, &s))
        .unwrap_or_default()
}

impl FormSpec for AssignRole {
    type Input = Assignment;
    fn title(&self) -> String {
        format!("Assign a role to {}", self.email)
    }
    fn intro(&self) -> Vec<String> {
        vec![
            "A new role assignment (IY) of the role at the scope; assignments are never edited (RBAC-1).".into(),
        ]
    }
    fn fields(&self, w: &World) -> Vec<Field> {
        let scopes = scope_choices(w, &self.org);
        let roles = scope_roles(w, scopes.first().map_or("", |c| c.1.as_str()));
        vec![
            Self::SCOPE.field(
                scopes,
                "the organization, a managed account or a subaccount; ←/→ or type to find",
            ),
            Self::ROLE.field(
                roles,
                "only the roles assignable at this scope (RBAC-2); ←/→ or type to find",
            ),
        ]
    }
    fn read(&self, v: &Values) -> Assignment {
        Assignment {
            scope: v.option(Self::SCOPE).trim().to_string(),
            role: v.option(Self::ROLE).trim().to_string(),
        }
    }
    fn action(&self, a: Assignment, _: &World, _: &Ctx) -> Result<Action, Problem> {
        if a.role.is_empty() {
            return Err(Problem::invalid("choose a scope that has roles to assign"));
        }
        Ok(Action::AssignRole {
            user: self.email.clone(),
            role: a.role,
            scope: a.scope,
        })
    }
    /// The chosen role: what it is, its description, what a general role permits (the RBAC-3
    /// table), and what the user already holds at the scope.
    fn preview(&self, a: &Assignment, w: &World, _: &Ctx) -> Vec<String> {
        use crate::model::access::ACCOUNT_OPS;
        use crate::model::roles::{self, RoleKind};
        let mut v = Vec::new();
        let role = Sid::parse(SidKind::Role, &a.role)
            .ok()
            .and_then(|s| roles::find_by_sid(&s));
        match role {
            None => v.push("No role of the catalogue can be assigned at this scope.".into()),
            Some(r) => {
                v.push(match r.kind {
                    RoleKind::General => format!(
                        "{} · general role · assigned on a main account, reaches its subaccounts",
                        r.name
                    ),
                    RoleKind::BuiltIn => format!(
                        "{} · built-in role · {} · assignable down to {} scope",
                        r.name,
                        r.group,
                        r.lowest_scope.label()
                    ),
                });
                v.push(r.description.clone());
                if let Some(g) = r.general {
                    let ops: Vec<_> = ACCOUNT_OPS
                        .iter()
                        .filter(|op| op.roles.contains(&g))
                        .map(|op| op.op)
                        .collect();
                    v.push(format!(
                        "Its holder may, on the account and its subaccounts (RBAC-3): {}",
                        crate::console::roles::ops_text(&ops)
                    ));
                }
            }
        }
        if let (Some(user), Ok(scope)) = (w.user_by_email(&self.email), Sid::parse_any(&a.scope)) {
            let held = w.role_names_at(&user.sid, &scope);
            if !held.is_empty() {
                v.push(format!("Already held here: {}", held.join(", ")));
            }
        }
        v
    }
    /// Keeps the role choices to the roles assignable at the chosen scope.
    fn sync(&self, fields: &mut [Field], w: &World) {
        let scope = Self::SCOPE
            .of(fields)
            .map(|f| f.value().to_string())
            .unwrap_or_default();
        let choices = scope_roles(w, &scope);
        if let Some(role) = Self::ROLE.of(fields)
            && role.choices.as_ref() != Some(&choices)
        {
            role.set_choices(choices);
        }
    }
}
