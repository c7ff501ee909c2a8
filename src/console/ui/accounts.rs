//! Accounts tab: the org's accounts with subaccounts nested under them, and the selected
//! account's billing, access and history.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Row, Table, TableState, Wrap};

use super::{block, list_title, short_sid, yes_no};
use crate::console::app::App;
use crate::model::time::format_time;
use crate::model::{AccountType, Usage, World};

pub fn draw(frame: &mut Frame, list: Rect, detail: Rect, app: &App, w: &World) {
    let rows = &app.cache.accounts;
    let l = &app.lists[0];
    if list.height > 0 {
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
                Row::new(vec![
                    name,
                    short_sid(a.sid.as_str()),
                    kind.to_string(),
                    a.status.label().to_string(),
                    type_label(w.main_account(a).account_type).to_string(),
                    yes_no(a.hipaa).to_string(),
                    w.owner_of(a).map(|o| w.email_of(&o)).unwrap_or_default(),
                    subs,
                ])
            })
            .collect();
        let table = Table::new(
            visible,
            [
                Constraint::Min(18),
                Constraint::Length(11),
                Constraint::Length(11),
                Constraint::Length(9),
                Constraint::Length(5),
                Constraint::Length(5),
                Constraint::Fill(1),
                Constraint::Length(4),
            ],
        )
        .header(
            Row::new([
                "Name", "SID", "Kind", "Status", "Type", "HIPAA", "Owner", "Subs",
            ])
            .style(app.theme.header),
        )
        .row_highlight_style(app.theme.selected)
        .highlight_symbol("▶ ")
        .block(block(
            list_title("Accounts", rows.len(), rows.total(), app),
            app,
        ));
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
        Some(r) => detail_lines(w, app, &r.sid),
    };
    let title = if app.zoom {
        "Account detail (Esc returns)"
    } else {
        "Account detail (Enter expands)"
    };
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(block(title.into(), app)),
        detail,
    );
}

fn type_label(t: AccountType) -> &'static str {
    match t {
        AccountType::Trial => "Trial",
        AccountType::Full => "Full",
    }
}

fn detail_lines<'a>(w: &World, app: &App, sid: &crate::model::Sid) -> Vec<Line<'a>> {
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
    let mut access: Vec<String> = Vec::new();
    for acc in [main, a] {
        for (u, r) in w.holders_at(&acc.sid) {
            let via = if acc.sid != a.sid {
                " (on the parent)"
            } else {
                ""
            };
            access.push(format!("{} {}{via}", w.email_of(&u), r.join(", ")));
        }
        if main.sid == a.sid {
            break;
        }
    }
    lines.push(Line::from(format!(
        "Access: {}",
        if access.is_empty() {
            "only the owner and the org's administrators".into()
        } else {
            access.join("; ")
        }
    )));
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
