//! Users tab: members, invitations and account requests, and external collaborators.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Row, Table, TableState};

use super::{block, column_widths, draw_detail, ellipsize, list_title, position, wrap};
use crate::console::app::{App, Tab};
use crate::console::roles;
use crate::console::view::UserRow;
use crate::model::accounts::AccountRequest;
use crate::model::time::format_time;
use crate::model::{MemberStatus, Sid, TwoFactor, World};

/// Accounts of the org a user owns or has roles on.
fn accounts_of<'a>(
    w: &'a World,
    org: &'a Sid,
    user: &'a Sid,
) -> impl Iterator<Item = &'a crate::model::Account> + 'a {
    w.org_accounts(org).filter(move |a| {
        a.owner.as_ref() == Some(user)
            || w.role_assignments
                .at_scope(&a.sid)
                .any(|r| &r.identity == user)
    })
}

pub fn draw(frame: &mut Frame, list: Rect, detail: Rect, app: &App, w: &World) {
    let Some(org) = w.orgs.get(&app.ctx.org) else {
        return;
    };
    let rows = &app.cache.users;
    let l = &app.lists[Tab::Users];
    if list.height > 0 {
        let constraints = [
            Constraint::Fill(1),
            Constraint::Fill(2),
            Constraint::Length(13),
            Constraint::Length(11),
            Constraint::Length(8),
            Constraint::Length(8),
            Constraint::Length(5),
        ];
        let widths = column_widths(list, &constraints);
        let visible: Vec<Row> = rows
            .window(l.offset, app.page)
            .map(|r| match r {
                UserRow::Member(sid) => {
                    let u = &w.users[sid];
                    let m = u.membership.as_ref().expect("member");
                    let sso = if m.sso_exempt {
                        "exempt"
                    } else if w.sso_required(u) {
                        "required"
                    } else {
                        "-"
                    };
                    vec![
                        u.name.clone(),
                        u.email.clone(),
                        m.role.label().to_string(),
                        match m.status {
                            MemberStatus::Active => "active",
                            MemberStatus::Deactivated => "deactivated",
                        }
                        .to_string(),
                        sso.to_string(),
                        two_fa(u.two_factor).to_string(),
                        app.cache
                            .user_accounts
                            .get(sid)
                            .copied()
                            .unwrap_or(0)
                            .to_string(),
                    ]
                }
                UserRow::Invitation(i) => {
                    let inv = &org.invitations[i];
                    let merge = w.merge_candidate_of(&org.sid, &inv.email).is_some();
                    vec![
                        if merge { "(merge invite)" } else { "(invited)" }.to_string(),
                        inv.email.clone(),
                        inv.role.label().to_string(),
                        inv.status_label(w.clock).to_string(),
                        "-".to_string(),
                        "-".to_string(),
                        inv.accounts.len().to_string(),
                    ]
                }
                UserRow::IncomingMerge { prime, inv } => {
                    let inv = &w.orgs[prime].invitations[inv];
                    vec![
                        "(merge invite)".to_string(),
                        inv.email.clone(),
                        inv.role.label().to_string(),
                        if inv.is_expired(w.clock) {
                            "expired"
                        } else {
                            "incoming"
                        }
                        .to_string(),
                        "-".to_string(),
                        "-".to_string(),
                        "-".to_string(),
                    ]
                }
                UserRow::Request(a) => match request_of(w, &org.sid, a) {
                    Some(r) => {
                        vec![
                            format!("({}) {}", r.kind_label(), r.account_name),
                            r.owner_email.clone(),
                            "-".to_string(),
                            r.status_label().to_string(),
                            "-".to_string(),
                            "-".to_string(),
                            "1".to_string(),
                        ]
                    }
                    None => vec![String::new()],
                },
                UserRow::External(sid) => {
                    let u = &w.users[sid];
                    vec![
                        u.name.clone(),
                        u.email.clone(),
                        "external".to_string(),
                        "no member".to_string(),
                        "-".to_string(),
                        "-".to_string(),
                        app.cache
                            .user_accounts
                            .get(sid)
                            .copied()
                            .unwrap_or(0)
                            .to_string(),
                    ]
                }
            })
            .map(|cells: Vec<String>| Row::new(ellipsize(cells, &widths)))
            .collect();
        let table = Table::new(visible, constraints)
            .highlight_spacing(ratatui::widgets::HighlightSpacing::Always)
            .header(
                Row::new(["Name", "Email", "Org role", "Status", "SSO", "2FA", "Accts"])
                    .style(app.theme.header),
            )
            .row_highlight_style(app.theme.selected)
            .highlight_symbol("▶ ")
            .block(
                block(list_title("Users", rows.len(), rows.total(), app), app)
                    .title_bottom(Line::from(position(app, rows.len())).right_aligned()),
            );
        let mut state = TableState::default()
            .with_selected((!rows.is_empty()).then(|| l.sel.saturating_sub(l.offset)));
        frame.render_stateful_widget(table, list, &mut state);
    }
    let lines = match rows.get(l.sel) {
        None => vec![Line::from("No user matches.")],
        Some(r) => detail_lines(w, &org.sid, r, detail.width.saturating_sub(2) as usize),
    };
    let title = if app.zoom {
        "User detail (Esc returns)"
    } else {
        "User detail (Enter expands)"
    };
    draw_detail(frame, detail, app, title, lines);
}

/// The import or link request of an account of the org, if it has one.
fn request_of(w: &World, org: &Sid, account: &Sid) -> Option<AccountRequest> {
    w.account_requests(org)
        .into_iter()
        .find(|r| &r.account == account)
}

fn two_fa(t: TwoFactor) -> &'static str {
    match t {
        TwoFactor::Enrolled => "enrolled",
        TwoFactor::EnrolmentRequired => "reset",
    }
}

fn detail_lines<'a>(w: &World, org: &Sid, row: &UserRow, width: usize) -> Vec<Line<'a>> {
    let mut lines = Vec::new();
    let roles_on = |user: &Sid| -> Vec<String> {
        accounts_of(w, org, user)
            .map(|a| {
                let held = w.role_names_at(user, &a.sid);
                // Many roles are counted here; the Role assignments below name each.
                let mut r: Vec<String> = if held.len() > 3 {
                    vec![format!("{} roles", held.len())]
                } else {
                    held.iter().map(|n| n.to_string()).collect()
                };
                if a.owner.as_ref() == Some(user) {
                    r.insert(0, "owner".into());
                }
                format!("{} ({})", a.name, r.join(", "))
            })
            .collect()
    };
    match row {
        UserRow::Member(sid) | UserRow::External(sid) => {
            let u = &w.users[sid];
            lines.push(Line::from(format!("{} <{}>  {}", u.name, u.email, u.sid)));
            match &u.membership {
                Some(m) if &m.org == org => lines.push(Line::from(format!(
                    "{} · {} · joined {} · SSO {} · 2FA {}",
                    m.role.label(),
                    if m.status == MemberStatus::Active {
                        "active"
                    } else {
                        "deactivated (cannot sign in)"
                    },
                    format_time(m.joined_at),
                    if m.sso_exempt {
                        "exempt"
                    } else if w.sso_required(u) {
                        "required"
                    } else {
                        "not required"
                    },
                    two_fa(u.two_factor)
                ))),
                _ => lines.push(Line::from(
                    "External collaborator: account roles only, never an org role (USR-5)",
                )),
            }
            if let Some(until) = u.password_reset_until {
                lines.push(Line::from(format!(
                    "Password reset link valid until {}",
                    format_time(until)
                )));
            }
            let acc = roles_on(sid);
            lines.push(accounts_line(&acc));
            lines.extend(role_lines(w, org, sid, width));
        }
        UserRow::Invitation(i) => {
            let inv = &w.orgs[org].invitations[i];
            lines.push(Line::from(format!("Invitation {}  {}", inv.email, inv.sid)));
            lines.push(Line::from(format!(
                "as {} · sent {} by {} · expires {}",
                inv.role.label(),
                format_time(inv.sent_at),
                w.email_of(&inv.invited_by),
                format_time(inv.expires_at)
            )));
            let acc: Vec<String> = inv
                .accounts
                .iter()
                .map(|(a, roles)| {
                    let name = w.accounts.get(a).map(|a| a.name.as_str()).unwrap_or("?");
                    let r: Vec<&str> = roles.iter().map(|r| r.label()).collect();
                    format!("{name} ({})", r.join(", "))
                })
                .collect();
            lines.push(accounts_line(&acc));
            if inv.is_expired(w.clock) {
                lines.push(Line::from(
                    "Expired: it cannot be accepted until it is resent (USR-3)",
                ));
            }
            let merge = w.merge_note(org, inv);
            if let Some(note) = &merge {
                lines.push(Line::from(format!(
                    "Merge invitation: {note} (MRG-5); declined, cancelled or expired, nothing moves"
                )));
            }
            lines.push(Line::from(
                "a accepts as the invitee · X declines · s resends · x cancels",
            ));
            if merge.is_some() {
                merge_preview_lines(w, org, inv, &mut lines);
            }
        }
        UserRow::IncomingMerge { prime, inv } => {
            let inv = &w.orgs[prime].invitations[inv];
            lines.push(Line::from(format!(
                "Merge invitation from {} to {}, the Owner of this organization  {}",
                w.org_name(prime),
                inv.email,
                inv.sid
            )));
            lines.push(Line::from(format!(
                "as {} · sent {} by {} · expires {}",
                inv.role.label(),
                format_time(inv.sent_at),
                w.email_of(&inv.invited_by),
                format_time(inv.expires_at)
            )));
            if let Some(note) = w.merge_note(prime, inv) {
                lines.push(Line::from(format!(
                    "{}: only {} can resend or cancel it",
                    capitalized(&note),
                    w.org_name(prime)
                )));
            }
            lines.push(Line::from(
                "a accepts as the invitee (merges now) · X declines (nothing moves)",
            ));
            merge_preview_lines(w, prime, inv, &mut lines);
        }
        UserRow::Request(a) => {
            let Some(r) = request_of(w, org, a) else {
                return lines;
            };
            let (title, effect) = if r.import {
                (
                    "Import request",
                    "Confirming makes it managed; an owner outside the org joins as Standard (ACC-5)",
                )
            } else {
                (
                    "Link request",
                    "Confirming shares it as an independent account (ACC-6)",
                )
            };
            lines.push(Line::from(format!(
                "{title} {} for {} ({})",
                r.request, r.account_name, r.account
            )));
            lines.push(Line::from(format!(
                "to its owner {} · sent {} · {} {}",
                r.owner_email,
                format_time(r.sent_at),
                if r.expired { "expired" } else { "expires" },
                format_time(r.expires_at)
            )));
            lines.push(Line::from(effect));
            if r.expired {
                lines.push(Line::from(
                    "Expired: it cannot be confirmed until it is resent (USR-3)",
                ));
            }
            lines.push(Line::from(
                "a confirms as the owner (act as them first) · s resends · x cancels",
            ));
        }
    }
    lines
}

/// Paths shown per account in the effective access; the rest are counted.
const PATHS_SHOWN: usize = 4;

/// The user's role assignments grouped by scope, as Twilio's Role Assignments tab shows them,
/// then the effective access: each account reached, what may be done there and through which
/// path (RBAC-3; the model's `access_paths`).
fn role_lines(w: &World, org: &Sid, user: &Sid, width: usize) -> Vec<Line<'static>> {
    let mut text: Vec<String> = Vec::new();
    let groups = roles::assignments_by_scope(w, org, user);
    let n: usize = groups.iter().map(|g| g.roles.len()).sum();
    if n == 0 {
        text.push("Role assignments: none (+ assigns one)".into());
    } else {
        text.push(format!("Role assignments ({n}; + assigns, - unassigns):"));
        for g in groups {
            text.push(format!("  {}", g.heading));
            for (name, iy) in g.roles {
                text.push(format!("    {name}  {iy}"));
            }
        }
    }
    let access = roles::effective_access(w, org, user);
    if access.is_empty() {
        text.push("Effective access: no account".into());
    } else {
        text.push("Effective access (RBAC-3):".into());
        for a in access {
            text.push(format!("  {}: may {}", a.name, roles::ops_text(&a.ops)));
            for p in a.paths.iter().take(PATHS_SHOWN) {
                text.push(format!("    through {}", p.describe(w)));
            }
            if a.paths.len() > PATHS_SHOWN {
                text.push(format!(
                    "    … and {} more, each under Role assignments",
                    a.paths.len() - PATHS_SHOWN
                ));
            }
        }
    }
    // Wrapped here so a long path keeps its indentation.
    text.iter()
        .flat_map(|t| wrap(t, width))
        .map(Line::from)
        .collect()
}

/// The preview of the merge a merge invitation would make (MRG-3).
fn merge_preview_lines(
    w: &World,
    prime: &Sid,
    inv: &crate::model::Invitation,
    lines: &mut Vec<Line<'_>>,
) {
    let ctx = crate::model::Ctx::new(prime.clone(), inv.invited_by.clone());
    if let Some(p) = w.merge_invitation_preview(&ctx, &inv.email, inv.role) {
        lines.extend(p.lines().into_iter().map(Line::from));
    }
}

fn capitalized(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// `Accounts: A (Developer); B (owner)`, or `none`.
fn accounts_line(acc: &[String]) -> Line<'static> {
    let list = if acc.is_empty() {
        "none".to_string()
    } else {
        acc.join("; ")
    };
    Line::from(format!("Accounts: {list}"))
}
