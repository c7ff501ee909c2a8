//! Facts about the model that a walkthrough step asserts, written in plain words in the RON files:
//! `AccountKind(account: "Owl Legacy Billing", kind: "pending")`.

use serde::Deserialize;

use crate::model::{DomainStatus, MemberStatus, Sid, World};

#[derive(Debug, Clone, Deserialize)]
pub enum Fact {
    /// `managed`, `independent`, `pending`, `none` (not in the org) or `absent` (no such account,
    /// or purged). `account` is a name or SID.
    AccountKind {
        account: String,
        kind: String,
    },
    /// `active`, `suspended`, `closed`.
    AccountStatus {
        account: String,
        status: String,
    },
    AccountHipaa {
        account: String,
        on: bool,
    },
    /// The owner's email.
    AccountOwner {
        account: String,
        owner: String,
    },
    /// `owner`, `admin`, `standard`, or `none` (not a member of the org).
    UserRole {
        user: String,
        role: String,
    },
    /// `active`, `deactivated`, or `absent` (no such Twilio user).
    UserStatus {
        user: String,
        status: String,
    },
    /// Whether SSO applies to the user.
    UserSso {
        user: String,
        required: bool,
    },
    /// `unverified`, `verified`, `verified-uncertain`, `sso-enforced`, or `absent`.
    DomainStatus {
        domain: String,
        status: String,
    },
    /// `Restricted`, `Auto-enrollment`, `Blocked`.
    Signup(String),
    Invitation {
        email: String,
        pending: bool,
    },
    OrgExists {
        org: String,
        exists: bool,
    },
    /// A setting as `tworg show settings` prints it: `Setting(key: "baa", value: "on")`.
    Setting {
        key: String,
        value: String,
    },
    /// Some audit entry's detail contains this text.
    Audited(String),
    /// Whether `user` holds `role` (a role name) at `scope` (the org's or an account's name).
    RoleAssignment {
        user: String,
        role: String,
        scope: String,
        held: bool,
    },
    /// How many built-in role assignments `user` holds, across all scopes (RBAC-2).
    BuiltInRoles {
        user: String,
        count: usize,
    },
}

impl Fact {
    /// Checks the fact in `org`; the error says what was found instead.
    pub fn check(&self, w: &World, org: &Sid) -> Result<(), String> {
        let expect = |what: String, want: &str, got: String| {
            if got.eq_ignore_ascii_case(want) {
                Ok(())
            } else {
                Err(format!("{what}: expected {want}, found {got}"))
            }
        };
        match self {
            Fact::AccountKind { account, kind } => {
                let got = match find_account(w, account) {
                    Err(_) => "absent".into(),
                    Ok(a) => w
                        .kind_in(a, org)
                        .map(|k| k.label().to_ascii_lowercase())
                        .unwrap_or_else(|| "none".into()),
                };
                expect(format!("kind of {account}"), kind, got)
            }
            Fact::AccountStatus { account, status } => expect(
                format!("status of {account}"),
                status,
                find_account(w, account)?.status.label().into(),
            ),
            Fact::AccountHipaa { account, on } => expect(
                format!("HIPAA of {account}"),
                &on.to_string(),
                find_account(w, account)?.hipaa.to_string(),
            ),
            Fact::AccountOwner { account, owner } => {
                let a = find_account(w, account)?;
                expect(
                    format!("owner of {account}"),
                    owner,
                    w.owner_of(a)
                        .map(|o| w.email_of(&o))
                        .unwrap_or_else(|| "none".into()),
                )
            }
            Fact::UserRole { user, role } => {
                let got = w
                    .user_by_email(user)
                    .and_then(|u| w.membership_in(&u.sid, org))
                    .map(|m| m.role.key().to_string())
                    .unwrap_or_else(|| "none".into());
                expect(format!("role of {user}"), role, got)
            }
            Fact::UserStatus { user, status } => {
                let got = match w.user_by_email(user) {
                    None => "absent".to_string(),
                    Some(u) => match u.membership.as_ref().map(|m| m.status) {
                        Some(MemberStatus::Deactivated) => "deactivated".into(),
                        _ => "active".into(),
                    },
                };
                expect(format!("status of {user}"), status, got)
            }
            Fact::UserSso { user, required } => {
                let u = w
                    .user_by_email(user)
                    .ok_or_else(|| format!("no user {user}"))?;
                expect(
                    format!("SSO for {user}"),
                    &required.to_string(),
                    w.sso_required(u).to_string(),
                )
            }
            Fact::DomainStatus { domain, status } => {
                let got = match w.orgs.get(org).and_then(|o| o.domains.get(domain)) {
                    None => "absent".to_string(),
                    Some(d)
                        if d.sso_enforced
                            && d.status == DomainStatus::Verified
                            && status == "sso-enforced" =>
                    {
                        "sso-enforced".into()
                    }
                    Some(d) => d.status.label().into(),
                };
                expect(format!("status of {domain}"), status, got)
            }
            Fact::Signup(setting) => expect(
                "sign-up setting".into(),
                setting,
                w.orgs
                    .get(org)
                    .map(|o| o.signup.label().to_string())
                    .unwrap_or_default(),
            ),
            Fact::Invitation { email, pending } => {
                let got = w.orgs.get(org).is_some_and(|o| {
                    o.invitations
                        .values()
                        .any(|i| crate::model::names::same_name(&i.email, email))
                });
                expect(
                    format!("invitation of {email} pending"),
                    &pending.to_string(),
                    got.to_string(),
                )
            }
            Fact::OrgExists { org: name, exists } => expect(
                format!("organization {name} exists"),
                &exists.to_string(),
                w.find_org(name).is_ok().to_string(),
            ),
            Fact::Setting { key, value } => {
                let view = crate::views::settings(w, org);
                let got = view
                    .rows
                    .iter()
                    .find(|r| r[0].as_str() == Some(key.as_str()))
                    .map(|r| {
                        r[1].as_str()
                            .map(String::from)
                            .unwrap_or_else(|| r[1].to_string())
                    })
                    .unwrap_or_else(|| "absent".into());
                expect(format!("setting {key}"), value, got)
            }
            Fact::RoleAssignment {
                user,
                role,
                scope,
                held,
            } => {
                let u = w
                    .user_by_email(user)
                    .ok_or_else(|| format!("no user {user}"))?;
                let scope_sid = if w.org_name(org).eq_ignore_ascii_case(scope) {
                    org.clone()
                } else {
                    find_account(w, scope)?.sid.clone()
                };
                let got = w
                    .role_names_at(&u.sid, &scope_sid)
                    .iter()
                    .any(|n| n.eq_ignore_ascii_case(role));
                expect(
                    format!("{user} holds {role} on {scope}"),
                    &held.to_string(),
                    got.to_string(),
                )
            }
            Fact::BuiltInRoles { user, count } => {
                let u = w
                    .user_by_email(user)
                    .ok_or_else(|| format!("no user {user}"))?;
                let got = w
                    .role_assignments
                    .of_identity(&u.sid)
                    .filter(|a| {
                        crate::model::roles::find_by_sid(&a.role)
                            .is_some_and(|r| r.kind == crate::model::roles::RoleKind::BuiltIn)
                    })
                    .count();
                expect(
                    format!("built-in roles of {user}"),
                    &count.to_string(),
                    got.to_string(),
                )
            }
            Fact::Audited(text) => {
                if w.audit.iter().any(|e| e.detail.contains(text.as_str())) {
                    Ok(())
                } else {
                    Err(format!("no audit entry mentions {text:?}"))
                }
            }
        }
    }
}

fn find_account<'a>(w: &'a World, key: &str) -> Result<&'a crate::model::Account, String> {
    w.find_account(key)
        .ok()
        .or_else(|| {
            w.accounts
                .values()
                .find(|a| a.name.eq_ignore_ascii_case(key))
        })
        .ok_or_else(|| format!("no account {key}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::persist::demo_world;

    #[test]
    fn facts_hold_and_fail_on_the_demo_world() {
        let w = demo_world();
        let org = w.home_org.clone().unwrap();
        assert!(
            Fact::AccountKind {
                account: "Owl Marketing Sandbox".into(),
                kind: "pending".into()
            }
            .check(&w, &org)
            .is_ok()
        );
        assert!(
            Fact::AccountKind {
                account: "Owl Legacy Billing".into(),
                kind: "none".into()
            }
            .check(&w, &org)
            .is_ok()
        );
        let err = Fact::UserRole {
            user: "sam.standard@owl-industries.example".into(),
            role: "admin".into(),
        }
        .check(&w, &org)
        .unwrap_err();
        assert!(err.contains("found standard"), "{err}");
        assert!(
            Fact::DomainStatus {
                domain: "owl-labs.example".into(),
                status: "unverified".into()
            }
            .check(&w, &org)
            .is_ok()
        );
        assert!(
            Fact::Setting {
                key: "baa".into(),
                value: "on".into()
            }
            .check(&w, &org)
            .is_ok()
        );
        assert!(
            Fact::OrgExists {
                org: "Finch Analytics".into(),
                exists: true
            }
            .check(&w, &org)
            .is_ok()
        );
        assert!(
            Fact::Invitation {
                email: "paula.pending@owl-industries.example".into(),
                pending: true
            }
            .check(&w, &org)
            .is_ok()
        );
    }
}
