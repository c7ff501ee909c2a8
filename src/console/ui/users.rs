//! Users tab: members, invitations and account requests, and external collaborators.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Row, Table, TableState, Wrap};

use super::{block, list_title};
use crate::console::app::App;
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
    let l = &app.lists[2];
    if list.height > 0 {
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
                    Row::new(vec![
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
                    ])
                }
                UserRow::Invitation(i) => {
                    let inv = &org.invitations[i];
                    Row::new(vec![
                        "(invited)".to_string(),
                        inv.email.clone(),
                        inv.role.label().to_string(),
                        inv.status_label(w.clock).to_string(),
                        "-".to_string(),
                        "-".to_string(),
                        inv.accounts.len().to_string(),
                    ])
                }
                UserRow::Request(a) => match request_of(w, &org.sid, a) {
                    Some(r) => Row::new(vec![
                        format!("({}) {}", r.kind_label(), r.account_name),
                        r.owner_email.clone(),
                        "-".to_string(),
                        r.status_label().to_string(),
                        "-".to_string(),
                        "-".to_string(),
                        "1".to_string(),
                    ]),
                    None => Row::new(vec![String::new()]),
                },
                UserRow::External(sid) => {
                    let u = &w.users[sid];
                    Row::new(vec![
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
                    ])
                }
            })
            .collect();
        let table = Table::new(
            visible,
            [
                Constraint::Fill(1),
                Constraint::Fill(2),
                Constraint::Length(13),
                Constraint::Length(11),
                Constraint::Length(8),
                Constraint::Length(8),
                Constraint::Length(5),
            ],
        )
        .header(
            Row::new(["Name", "Email", "Org role", "Status", "SSO", "2FA", "Accts"])
                .style(app.theme.header),
        )
        .row_highlight_style(app.theme.selected)
        .highlight_symbol("▶ ")
        .block(block(
            list_title("Users", rows.len(), rows.total(), app),
            app,
        ));
        let mut state = TableState::default()
            .with_selected((!rows.is_empty()).then(|| l.sel.saturating_sub(l.offset)));
        frame.render_stateful_widget(table, list, &mut state);
    }
    let lines = match rows.get(l.sel) {
        None => vec![Line::from("No user matches.")],
        Some(r) => detail_lines(w, &org.sid, r),
    };
    let title = if app.zoom {
        "User detail (Esc returns)"
    } else {
        "User detail (Enter expands)"
    };
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(block(title.into(), app)),
        detail,
    );
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

fn detail_lines<'a>(w: &World, org: &Sid, row: &UserRow) -> Vec<Line<'a>> {
    let mut lines = Vec::new();
    let roles_on = |user: &Sid| -> Vec<String> {
        accounts_of(w, org, user)
            .map(|a| {
                let mut r: Vec<&str> = w.role_names_at(user, &a.sid);
                if a.owner.as_ref() == Some(user) {
                    r.insert(0, "owner");
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
            lines.push(Line::from(
                "a accepts as the invitee · s resends · x cancels",
            ));
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

/// `Accounts: A (Developer); B (owner)`, or `none`.
fn accounts_line(acc: &[String]) -> Line<'static> {
    let list = if acc.is_empty() {
        "none".to_string()
    } else {
        acc.join("; ")
    };
    Line::from(format!("Accounts: {list}"))
}
