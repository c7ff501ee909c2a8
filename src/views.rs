//! Views of the world as tables (column headers and rows of JSON values): `tworg show …` prints
//! them as text or JSON, and walkthrough facts read them. They hold no rule.

use serde_json::{Value, json};

use crate::model::time::{days_left, format_time};
use crate::model::{AccountStatus, DomainStatus, MemberStatus, OrgRole, Sid, World};

/// A view: column headers and rows of JSON values (strings, numbers, booleans, null).
pub struct View {
    pub columns: Vec<&'static str>,
    pub rows: Vec<Vec<Value>>,
}

impl View {
    pub fn to_json(&self) -> Value {
        Value::Array(
            self.rows
                .iter()
                .map(|r| {
                    Value::Object(
                        self.columns
                            .iter()
                            .map(|c| c.to_string())
                            .zip(r.iter().cloned())
                            .collect(),
                    )
                })
                .collect(),
        )
    }

    /// Aligned columns for a terminal, one line per row: every cell is escaped
    /// ([`crate::text::escape`]), so no text in it can break a row or reach the terminal as a
    /// control sequence.
    pub fn to_text(&self) -> String {
        let cell = |v: &Value| match v {
            Value::Null => "-".to_string(),
            Value::String(s) => crate::text::escape(s).into_owned(),
            Value::Bool(b) => {
                if *b {
                    "yes".into()
                } else {
                    "no".into()
                }
            }
            other => other.to_string(),
        };
        let cells: Vec<Vec<String>> = self
            .rows
            .iter()
            .map(|r| r.iter().map(cell).collect())
            .collect();
        let widths: Vec<usize> = (0..self.columns.len())
            .map(|i| {
                cells
                    .iter()
                    .map(|r| r[i].chars().count())
                    .chain([self.columns[i].len()])
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let line = |items: Vec<String>| {
            let last = items.len() - 1;
            items
                .iter()
                .enumerate()
                .map(|(i, s)| {
                    if i == last {
                        s.clone()
                    } else {
                        format!("{s:<w$}", w = widths[i])
                    }
                })
                .collect::<Vec<_>>()
                .join("  ")
        };
        let mut out = line(self.columns.iter().map(|c| c.to_uppercase()).collect());
        out.push('\n');
        for r in cells {
            out.push_str(&line(r));
            out.push('\n');
        }
        out
    }
}

fn role_key(r: OrgRole) -> &'static str {
    r.key()
}

pub fn orgs(w: &World) -> View {
    View {
        columns: vec!["sid", "name", "owner", "members", "accounts", "home"],
        rows: w
            .orgs
            .values()
            .map(|o| {
                vec![
                    json!(o.sid),
                    json!(o.name),
                    json!(w.owner_of_org(&o.sid).map(|u| u.email.clone())),
                    json!(w.members(&o.sid).count()),
                    json!(w.org_accounts(&o.sid).count()),
                    json!(w.home_org.as_ref() == Some(&o.sid)),
                ]
            })
            .collect(),
    }
}

/// Accounts of the org the viewer may see (ORG-3), parents followed by their subaccounts.
pub fn accounts(w: &World, org: &Sid, viewer: Option<&Sid>) -> View {
    let mut rows = Vec::new();
    let visible = |a: &crate::model::Account| viewer.is_none_or(|v| w.can_see_account(v, org, a));
    for a in w
        .org_accounts(org)
        .filter(|a| a.parent.is_none())
        .filter(|a| visible(a))
    {
        let subs = w
            .accounts
            .values()
            .filter(|s| s.parent.as_ref() == Some(&a.sid));
        for acc in std::iter::once(a).chain(subs) {
            rows.push(vec![
                json!(acc.sid),
                json!(acc.name),
                json!(w.kind_in(acc, org).map(|k| k.label().to_ascii_lowercase())),
                json!(acc.status.label()),
                json!(format!("{:?}", w.main_account(acc).account_type)),
                json!(acc.hipaa),
                json!(w.owner_of(acc).map(|o| w.email_of(&o))),
                json!(acc.parent),
            ]);
        }
    }
    View {
        columns: vec![
            "sid", "name", "kind", "status", "type", "hipaa", "owner", "parent",
        ],
        rows,
    }
}

/// Accounts outside the org, by name, with whether each may be imported now and, if not, the
/// rule and reason (`show accounts --outside`).
pub fn accounts_outside(w: &World, ctx: &crate::model::Ctx) -> View {
    let rows = w
        .accounts_outside(ctx)
        .into_iter()
        .map(|(a, may)| {
            vec![
                json!(a.sid),
                json!(a.name),
                json!(a.status.label()),
                json!(w.owner_of(a).map(|o| w.email_of(&o))),
                json!(may.is_ok()),
                json!(may.err().map(|r| format!("[{}] {}", r.rule, r.message))),
            ]
        })
        .collect();
    View {
        columns: vec!["sid", "name", "status", "owner", "importable", "why not"],
        rows,
    }
}

/// Members, then external collaborators (role null).
pub fn users(w: &World, org: &Sid) -> View {
    let mut rows: Vec<Vec<Value>> = w
        .members(org)
        .map(|u| {
            let m = u.membership.as_ref().expect("member");
            let status = match m.status {
                MemberStatus::Active => "active",
                MemberStatus::Deactivated => "deactivated",
            };
            vec![
                json!(u.sid),
                json!(u.email),
                json!(u.name),
                json!(role_key(m.role)),
                json!(status),
                json!(w.sso_required(u)),
            ]
        })
        .collect();
    for u in w.external_collaborators(org) {
        rows.push(vec![
            json!(u.sid),
            json!(u.email),
            json!(u.name),
            Value::Null,
            json!("external"),
            json!(false),
        ]);
    }
    View {
        columns: vec!["sid", "email", "name", "role", "status", "sso"],
        rows,
    }
}

pub fn domains(w: &World, org: &Sid) -> View {
    let rows = w.orgs.get(org).map(|o| {
        o.domains
            .values()
            .map(|d| {
                let left = match &d.status {
                    DomainStatus::VerifiedUncertain { deadline } => {
                        json!(days_left(w.clock, *deadline))
                    }
                    _ => Value::Null,
                };
                vec![
                    json!(d.name),
                    json!(d.status.label()),
                    left,
                    json!(d.sso_enforced),
                    json!(d.multi_verified),
                    json!(w.members_on_domain(org, &d.name).len()),
                    json!(format!("{} = {}", d.txt_host(), d.txt_value())),
                ]
            })
            .collect()
    });
    View {
        columns: vec![
            "name",
            "status",
            "days_left",
            "sso_enforced",
            "multi_verified",
            "users",
            "txt_record",
        ],
        rows: rows.unwrap_or_default(),
    }
}

/// Invitations, then the merge invitations other orgs sent to this org's Owner (MRG-5: a pending
/// merge is visible in both organizations), then account import and link requests (ACC-4,
/// ACC-6): pending or expired (USR-3), each listed until it is accepted, confirmed, declined or
/// cancelled.
pub fn invitations(w: &World, org: &Sid) -> View {
    let invitation = |prime: &Sid, i: &crate::model::Invitation| {
        vec![
            json!(i.sid),
            json!("invitation"),
            json!(i.email),
            json!(role_key(i.role)),
            Value::Null,
            json!(i.status_label(w.clock)),
            json!(format_time(i.sent_at)),
            json!(format_time(i.expires_at)),
            json!(w.email_of(&i.invited_by)),
            json!(w.org_name(prime)),
            json!(w.merge_note(prime, i)),
        ]
    };
    let mut rows: Vec<Vec<Value>> = w
        .orgs
        .get(org)
        .map(|o| o.invitations.values().map(|i| invitation(org, i)).collect())
        .unwrap_or_default();
    rows.extend(
        w.incoming_merge_invitations(org)
            .into_iter()
            .map(|(prime, i)| invitation(&prime.sid, i)),
    );
    rows.extend(w.account_requests(org).into_iter().map(|r| {
        vec![
            json!(r.request),
            json!(r.kind_label()),
            json!(r.owner_email),
            Value::Null,
            json!(r.account),
            json!(r.status_label()),
            json!(format_time(r.sent_at)),
            json!(format_time(r.expires_at)),
            Value::Null,
            json!(w.org_name(org)),
            Value::Null,
        ]
    }));
    View {
        columns: vec![
            "sid",
            "kind",
            "email",
            "role",
            "account",
            "status",
            "sent",
            "expires",
            "invited_by",
            "org",
            "merge",
        ],
        rows,
    }
}

pub fn settings(w: &World, org: &Sid) -> View {
    let Some(o) = w.orgs.get(org) else {
        return View {
            columns: vec!["key", "value"],
            rows: vec![],
        };
    };
    let s = &o.settings;
    let on = |b: bool| json!(if b { "on" } else { "off" });
    let mut rows = vec![
        vec![json!("name"), json!(o.name)],
        vec![json!("sid"), json!(o.sid)],
        vec![
            json!("owner"),
            json!(w.owner_of_org(org).map(|u| u.email.clone())),
        ],
        vec![json!("signup-setting"), json!(o.signup.label())],
        vec![json!("account-limit"), json!(s.account_limit)],
        vec![json!("accounts-used"), json!(w.accounts_toward_limit(org))],
        vec![json!("subaccount-limit"), json!(s.subaccount_limit)],
        vec![json!("domain-limit"), json!(s.domain_limit)],
        vec![json!("invite-days"), json!(s.invite_days)],
        vec![json!("reset-link-hours"), json!(s.reset_link_hours)],
        vec![json!("baa"), on(s.baa)],
        vec![json!("sso-entitlement"), on(s.sso_entitlement)],
        vec![json!("bulk-import"), on(s.bulk_import)],
        vec![
            json!("sso-profile"),
            json!(
                o.sso
                    .as_ref()
                    .map(|p| format!("{} ({})", p.entity_id, p.state(w.clock)))
            ),
        ],
        vec![json!("scim"), on(o.scim.enabled)],
        vec![json!("scim-twilio-rules"), on(o.scim.twilio_rules)],
    ];
    for d in o.domains.values().filter(|d| d.multi_verified) {
        rows.push(vec![json!("multi-verified"), json!(d.name)]);
    }
    View {
        columns: vec!["key", "value"],
        rows,
    }
}

/// The org's audit entries and the world's own (sign-ups, clock, DNS), oldest first.
pub fn audit(w: &World, org: &Sid) -> View {
    View {
        columns: vec!["at", "actor", "action", "detail"],
        rows: w
            .audit
            .iter()
            .filter(|e| e.org.as_ref().is_none_or(|o| o == org))
            .map(|e| {
                vec![
                    json!(format_time(e.at)),
                    json!(e.actor),
                    json!(e.action),
                    json!(e.detail),
                ]
            })
            .collect(),
    }
}

pub fn dns(w: &World) -> View {
    View {
        columns: vec!["host", "type", "value"],
        rows: w
            .dns
            .iter()
            .flat_map(|(h, vals)| {
                vals.iter()
                    .map(move |v| vec![json!(h), json!("TXT"), json!(v)])
            })
            .collect(),
    }
}

/// `tworg check`'s summary.
pub fn summary(w: &World) -> Value {
    json!({
        "version": w.version,
        "clock": format_time(w.clock),
        "orgs": w.orgs.len(),
        "users": w.users.len(),
        "accounts": w.accounts.len(),
        "open_accounts": w.accounts.values().filter(|a| a.status != AccountStatus::Closed).count(),
        "audit_entries": w.audit.len(),
        "home_org": w.home_org.as_ref().map(|h| w.org_name(h)),
    })
}

/// `tworg role list`: the catalogue (RBAC-1, RBAC-2), and for general roles what RBAC-3 lets
/// them do on an account.
pub fn roles() -> View {
    use crate::model::access::ACCOUNT_OPS;
    use crate::model::roles::{RoleKind, catalogue};
    let rows = catalogue()
        .iter()
        .map(|r| {
            let permits: Vec<&str> = match r.general {
                Some(g) => ACCOUNT_OPS
                    .iter()
                    .filter(|op| op.roles.contains(&g))
                    .map(|op| op.what)
                    .collect(),
                None => vec!["see the account; product rights as Twilio documents"],
            };
            vec![
                json!(r.sid),
                json!(match r.kind {
                    RoleKind::General => "general",
                    RoleKind::BuiltIn => "built-in",
                }),
                json!(r.name),
                json!(r.group),
                json!(r.lowest_scope.label()),
                json!(permits.join("; ")),
                json!(r.description),
            ]
        })
        .collect();
    View {
        columns: vec![
            "sid",
            "kind",
            "name",
            "group",
            "lowest_scope",
            "permits",
            "description",
        ],
        rows,
    }
}

/// `tworg show role-assignments --user USER | --scope SID` (RBAC-5 needs one of them).
pub fn role_assignments(
    w: &World,
    org: &Sid,
    user: Option<&str>,
    scope: Option<&str>,
) -> Result<View, crate::model::ActionError> {
    use crate::model::roles::find_by_sid;
    let rows = w
        .list_role_assignments(org, user, scope)?
        .into_iter()
        .map(|a| {
            let scope_type = match (a.scope.kind(), w.accounts.get(&a.scope)) {
                (Some(crate::model::SidKind::Org), _) => "organization",
                (_, Some(acc)) if acc.parent.is_some() => "subaccount",
                _ => "account",
            };
            vec![
                json!(a.sid),
                json!(a.role),
                json!(find_by_sid(&a.role).map(|r| r.name.as_str())),
                json!(a.scope),
                json!(scope_type),
                json!(a.identity),
                json!(w.email_of(&a.identity)),
                json!(w.scope_name(&a.scope)),
            ]
        })
        .collect();
    Ok(View {
        columns: vec![
            "sid",
            "role_sid",
            "role_name",
            "scope",
            "scope_type",
            "identity",
            "email",
            "scope_name",
        ],
        rows,
    })
}

/// `tworg access USER [--account SID]`: every account of the org the user reaches, each way it
/// reaches it, and what that way permits (RBAC-3).
pub fn access(
    w: &World,
    org: &Sid,
    user: &str,
    account: Option<&str>,
) -> Result<View, crate::model::ActionError> {
    use crate::model::access::ACCOUNT_OPS;
    let user = w.find_user(user)?.sid.clone();
    let only = account
        .map(|a| w.find_account(a))
        .transpose()?
        .map(|a| a.sid.clone());
    let mut rows = Vec::new();
    for a in w.org_accounts(org) {
        if only.as_ref().is_some_and(|s| s != &a.sid) {
            continue;
        }
        for path in w.access_paths(&user, org, a) {
            let permits: Vec<&str> = ACCOUNT_OPS
                .iter()
                .filter(|op| path.permits(op.op))
                .map(|op| op.what)
                .collect();
            rows.push(vec![
                json!(a.sid),
                json!(a.name),
                json!(path.role.map(|r| r.name.as_str())),
                json!(path.describe(w)),
                json!(permits.join("; ")),
            ]);
        }
    }
    Ok(View {
        columns: vec!["account", "name", "role", "through", "permits"],
        rows,
    })
}
