//! Domains tab: status with days left, SSO, managed users; the TXT record to publish.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Row, Table, TableState};

use super::{block, draw_detail, list_title, position, yes_no};
use crate::console::app::{App, Tab};
use crate::model::time::{days_left, format_time};
use crate::model::{DomainStatus, World};

pub fn draw(frame: &mut Frame, list: Rect, detail: Rect, app: &App, w: &World) {
    let Some(org) = w.orgs.get(&app.ctx.org) else {
        return;
    };
    let rows = &app.cache.domains;
    let l = &app.lists[Tab::Domains];
    if list.height > 0 {
        let visible: Vec<Row> = rows
            .window(l.offset, app.page)
            .filter_map(|name| org.domains.get(name))
            .map(|d| {
                Row::new(vec![
                    d.name.clone(),
                    status(w, &d.status),
                    yes_no(d.sso_enforced).to_string(),
                    yes_no(d.multi_verified).to_string(),
                    w.members_on_domain(&org.sid, &d.name).len().to_string(),
                ])
            })
            .collect();
        let title = format!(
            "{} · sign-up setting: {} (S)",
            list_title("Domains", rows.len(), rows.total(), app),
            org.signup.label()
        );
        let table = Table::new(
            visible,
            [
                Constraint::Fill(3),
                Constraint::Fill(3),
                Constraint::Length(4),
                Constraint::Length(5),
                Constraint::Length(13),
            ],
        )
        .header(
            Row::new(["Domain", "Status", "SSO", "Multi", "Managed users"]).style(app.theme.header),
        )
        .row_highlight_style(app.theme.selected)
        .highlight_symbol("▶ ")
        .highlight_spacing(ratatui::widgets::HighlightSpacing::Always)
        .block(
            block(title, app).title_bottom(Line::from(position(app, rows.len())).right_aligned()),
        );
        let mut state = TableState::default()
            .with_selected((!rows.is_empty()).then(|| l.sel.saturating_sub(l.offset)));
        frame.render_stateful_widget(table, list, &mut state);
    }
    let lines: Vec<Line> = match rows.get(l.sel).and_then(|n| org.domains.get(n)) {
        None => vec![Line::from(
            "No domain. n adds one; then publish its TXT record and verify it.",
        )],
        Some(d) => {
            let published = w.dns_has_record(d);
            vec![
                Line::from(format!("{}  {}", d.name, d.sid)),
                Line::from(format!("  TXT host  {}", d.txt_host())),
                Line::from(format!("  TXT value {}", d.txt_value())),
                Line::from("  TTL       3600"),
                Line::from(format!(
                    "Status: {} · SSO enforced: {} · multi-verified (Twilio Support): {} · managed users: {}",
                    status(w, &d.status),
                    yes_no(d.sso_enforced),
                    yes_no(d.multi_verified),
                    w.members_on_domain(&org.sid, &d.name).len()
                )),
                Line::from(format!(
                    "Simulated DNS (not real DNS): the record is {} — p publishes, P unpublishes.",
                    if published {
                        "PUBLISHED"
                    } else {
                        "not published"
                    }
                )),
                Line::from(format!("Added {}", format_time(d.added_at))),
            ]
        }
    };
    let title = if app.zoom {
        "Domain: publish this TXT record, then verify (DOM-7, DOM-8) · Esc returns"
    } else {
        "Domain: publish this TXT record, then verify (DOM-7, DOM-8) · Enter expands"
    };
    draw_detail(frame, detail, app, title, lines);
}

fn status(w: &World, s: &DomainStatus) -> String {
    match s {
        DomainStatus::VerifiedUncertain { deadline } => {
            format!(
                "verified-uncertain ({} left)",
                crate::model::words::days(days_left(w.clock, *deadline))
            )
        }
        other => other.label().to_string(),
    }
}
