//! The Health panel of the Settings tab: the organization's lint findings (`model::lint`), each
//! with its severity, the rule it comes from and its fix as plan lines for `tworg apply`.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::block;
use crate::console::app::App;
use crate::model::World;
use crate::model::lint::{self, Severity};

/// Splits the Settings tab's detail area: the setting above, the Health panel below.
pub fn split(detail: Rect) -> (Rect, Rect) {
    if detail.height < 10 {
        return (detail, Rect::default());
    }
    let [top, bottom] =
        Layout::vertical([Constraint::Percentage(45), Constraint::Percentage(55)]).areas(detail);
    (top, bottom)
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App, w: &World) {
    if area.height == 0 {
        return;
    }
    let findings = lint::lint_org(w, &app.ctx.org);
    let mut lines: Vec<Line> = Vec::new();
    if findings.is_empty() {
        lines.push(Line::from(
            "No findings: nothing a careful administrator would flag.",
        ));
    }
    let org = (w.home_org.as_ref() != Some(&app.ctx.org)).then(|| w.org_name(&app.ctx.org));
    for f in &findings {
        let style = match f.severity {
            Severity::Critical | Severity::Warning => app.theme.title,
            Severity::Notice => app.theme.dim,
        };
        lines.push(Line::from(vec![
            Span::styled(format!("{} ", f.severity.label()), style),
            Span::raw(format!("[{}] {}", f.source, f.message)),
        ]));
        for fix in &f.fixes {
            if let Ok(l) = crate::plan::fix_line(fix, org.as_deref()) {
                lines.push(Line::from(Span::styled(
                    format!("  fix: tworg {l}"),
                    app.theme.dim,
                )));
            }
        }
        if f.fixes.is_empty() && !f.hint.is_empty() {
            lines.push(Line::from(Span::styled(
                format!("  hint: {}", f.hint),
                app.theme.dim,
            )));
        }
    }
    let title = format!("Health ({} finding(s); tworg lint)", findings.len());
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(ratatui::widgets::Wrap { trim: false })
            .block(block(title, app)),
        area,
    );
}
