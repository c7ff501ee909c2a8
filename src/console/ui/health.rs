//! The Health panel of the Settings tab: the organization's lint findings (`model::lint`), each
//! with its severity, the rule it comes from and its fix said the console's way — the tab, the
//! row and the key of each step (`console::fixes::in_console`), never a command line.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::block;
use crate::console::app::App;
use crate::console::fixes::in_console;
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
    // linted once per change (the cache is emptied when the world or the context changes)
    let mut cached = app.cache.health.borrow_mut();
    let findings = cached.get_or_insert_with(|| {
        lint::lint_org(w, &app.ctx.org)
            .into_iter()
            .map(|f| {
                let steps = f.fixes.iter().map(|fix| in_console(w, fix)).collect();
                (f, steps)
            })
            .collect()
    });
    let mut lines: Vec<Line> = Vec::new();
    if findings.is_empty() {
        lines.push(Line::from(
            "No findings: nothing a careful administrator would flag.",
        ));
    }
    for (f, steps) in findings.iter() {
        let style = match f.severity {
            Severity::Critical | Severity::Warning => app.theme.title,
            Severity::Notice => app.theme.dim,
        };
        lines.push(Line::from(vec![
            Span::styled(format!("{} ", f.severity.label()), style),
            Span::raw(format!("[{}] {}", f.source, f.message)),
        ]));
        // the steps in order, each as the place to go and the key to press
        let numbered = steps.len() > 1;
        for (i, step) in steps.iter().enumerate() {
            let label = if numbered {
                format!("  fix {}: ", i + 1)
            } else {
                "  fix: ".to_string()
            };
            lines.push(Line::from(Span::styled(
                format!("{label}{step}"),
                app.theme.dim,
            )));
        }
        if !f.hint.is_empty() {
            lines.push(Line::from(Span::styled(
                format!("  hint: {}", f.hint),
                app.theme.dim,
            )));
        }
    }
    let title = format!("Health ({} finding(s))", findings.len());
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(ratatui::widgets::Wrap { trim: false })
            .block(block(title, app)),
        area,
    );
}
