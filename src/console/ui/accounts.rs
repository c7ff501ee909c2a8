//! Accounts tab: the org's accounts with subaccounts nested under them, and the selected
//! account's billing, access and history.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Row, Table, TableState};

use super::{
    block, column_widths, draw_detail, ellipsize, list_title, position, short_sid, wrap, yes_no,
};
use crate::console::app::{App, Tab};
use crate::console::roles;
use crate::model::time::format_time;
use crate::model::{Account, AccountKind, AccountType, Usage, World};

pub fn draw(frame: &mut Frame, list: Rect, detail: Rect, app: &App, w: &World) {
    let rows = &app.cache.accounts;
    let l = &app.lists[Tab::Accounts];
    if list.height > 0 {
        let constraints = [
            Constraint::Min(18),
            Constraint::Length(11),
            Constraint::Length(11),
            Constraint::Length(9),
            Constraint::Length(5),
            Constraint::Length(5),
            Constraint::Fill(1),
            Constraint::Length(4),
        ];
        let widths = column_widths(list, &constraints);
        let visible: Vec<Row> = rows
            .window(l.offset, app.page)
            .map(|r| {
                let a = &w.accounts[&r.sid];
                let kind = w.kind_in(a, &app.ctx.org).map(|k| k.label()).unwrap_or("-");
                let name = if r.sub {
                    format!("└ {}", a.name)
                } else {
                    a.name.clone()
                };
                let subs = if r.sub {
                    String::new()
                } else {
                    w.accounts
                        .values()
                        .filter(|s| s.parent.as_ref() == Some(&a.sid))
                        .count()
                        .to_string()
                };
                Row::new(ellipsize(
                    vec![
                        name,
                        short_sid(a.sid.as_str()),
                        kind.to_string(),
                        a.status.label().to_string(),
                        type_label(w.main_account(a).account_type).to_string(),
                        yes_no(a.hipaa).to_string(),
                        w.owner_of(a).map(|o| w.email_of(&o)).unwrap_or_default(),
                        subs,
                    ],
                    &widths,
                ))
            })
            .collect();
        let table = Table::new(visible, constraints)
            .highlight_spacing(ratatui::widgets::HighlightSpacing::Always)
            .header(
                Row::new([
                    "Name", "SID", "Kind", "Status", "Type", "HIPAA", "Owner", "Subs",
                ])
                .style(app.theme.header),
            )
            .row_highlight_style(app.theme.selected)
            .highlight_symbol("▶ ")
            .block(
                block(list_title("Accounts", rows.len(), rows.total(), app), app)
                    .title_bottom(Line::from(position(app, rows.len())).right_aligned()),
            );
        let mut state = TableState::default()
            .with_selected((!rows.is_empty()).then(|| l.sel.saturating_sub(l.offset)));
        frame.render_stateful_widget(table, list, &mut state);
    }
    let lines = match rows.get(l.sel) {
        None => vec![Line::from(if rows.total() == 0 {
            "No accounts you may see in this organization. n creates one."
        } else {
            "No account matches the filter."
        })],
        Some(r) => detail_lines(w, app, &r.sid, detail.width.saturating_sub(2) as usize),
    };
    let title = if app.zoom {
        "Account detail (Esc returns)"
    } else {
        "Account detail (Enter expands)"
    };
    draw_detail(frame, detail, app, title, lines);
}

/// Who holds a role reaching the account (on it, on its parent, at organization scope), and who
/// can do its main operations (RBAC-3), both asked of the model. Wrapped to `width`, keeping
/// indentation.
fn access_lines(w: &World, app: &App, a: &Account, width: usize) -> Vec<Line<'static>> {
    let org = &app.ctx.org;
    let mut text: Vec<String> = Vec::new();
    let holders = roles::holders_reaching(w, org, a);
    if holders.is_empty() {
        text.push("Roles on it: none".into());
    } else {
        text.push("Roles on it:".into());
        for (u, held) in holders {
            text.push(format!("  {} — {}", w.email_of(&u), held.join(", ")));
        }
    }
    if w.kind_in(a, org) == Some(AccountKind::Managed) {
        if app.zoom {
            text.extend(who_can_lines(w, app, a));
        } else {
            text.push("Who can (RBAC-3): Enter expands".into());
        }
    }
    text.iter()
        .flat_map(|t| wrap(t, width))
        .map(Line::from)
        .collect()
}

/// Who can do the account's main operations (the model's `who_can`), asked once per change of
/// the world and kept in the app's cache.
fn who_can_lines(w: &World, app: &App, a: &Account) -> Vec<String> {
    if let Some((sid, lines)) = app.cache.who_can.borrow().as_ref()
        && sid == &a.sid
    {
        return lines.clone();
    }
    let org = &app.ctx.org;
    let mut lines = vec!["Who can (RBAC-3):".to_string()];
    for (op, label) in roles::who_can_ops(a) {
        lines.push(format!(
            "  {label}: {}",
            roles::who_text(w, &w.who_can(org, a, *op))
        ));
    }
    *app.cache.who_can.borrow_mut() = Some((a.sid.clone(), lines.clone()));
    lines
}

fn type_label(t: AccountType) -> &'static str {
    match t {
        AccountType::Trial => "Trial",
        AccountType::Full => "Full",
    }
}

fn detail_lines<'a>(w: &World, app: &App, sid: &crate::model::Sid, width: usize) -> Vec<Line<'a>> {
    let a = &w.accounts[sid];
    let main = w.main_account(a);
    let kind = w.kind_in(a, &app.ctx.org).map(|k| k.label()).unwrap_or("-");
    let usage = match main.usage {
        Usage::Twilio => "Twilio",
        Usage::Flex => "Flex",
    };
    let mut lines = vec![
        Line::from(format!("{}  {}", a.name, a.sid)),
        Line::from(format!(
            "{kind} · {} · {} · {usage} · HIPAA {} · created {}",
            a.status.label(),
            type_label(main.account_type),
            if a.hipaa { "on" } else { "off" },
            format_time(a.created_at)
        )),
    ];
    let owner = w.owner_of(a).map(|o| w.email_of(&o)).unwrap_or_default();
    let billing = match &a.parent {
        Some(p) => format!("via its parent {} {} (ACC-10)", main.name, p),
        None if kind == "Managed" => {
            format!("its own ({} account, ACC-10)", type_label(a.account_type))
        }
        None => "its owner's, outside the organization".into(),
    };
    lines.push(Line::from(format!("Owner {owner} · Billing {billing}")));
    if let Some(r) = w
        .account_requests(&app.ctx.org)
        .into_iter()
        .find(|r| r.account == main.sid)
    {
        lines.push(Line::from(format!(
            "{} request {} · sent {} · {} {}{}",
            if r.import { "Import" } else { "Link" },
            r.status_label(),
            format_time(r.sent_at),
            if r.expired { "expired" } else { "expires" },
            format_time(r.expires_at),
            if r.expired {
                " · resend it from the Users tab (USR-3)"
            } else {
                ""
            }
        )));
    }
    lines.extend(access_lines(w, app, a, width));
    lines.push(Line::from("History:"));
    let sid_text = a.sid.as_str();
    let history: Vec<_> = w
        .audit
        .iter()
        .filter(|e| e.detail.contains(sid_text) || e.detail.contains(&format!("'{}'", a.name)))
        .collect();
    for e in history.iter().rev().take(12) {
        lines.push(Line::from(format!(
            "  {}  {}  {}",
            format_time(e.at),
            e.action,
            e.actor
        )));
    }
    if history.is_empty() {
        lines.push(Line::from("  (none recorded)"));
    }
    lines
}
