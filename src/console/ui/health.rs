//! The Health section of the Settings tab's detail pane: the organization's lint findings
//! (`model::lint`), each with its severity, the rule it comes from and its fix said the
//! console's way — the tab, the row and the key of each step (`console::fixes::in_console`),
//! never a command line. It follows the setting's explanation in the one pane J/K scroll, so
//! every finding and every step of its fix can be reached at any size.

use ratatui::text::{Line, Span};

use super::wrap;
use crate::console::app::App;
use crate::console::fixes::in_console;
use crate::model::World;
use crate::model::lint::{self, Severity};

/// The section's lines, wrapped to `width` (so that scrolling counts the rows drawn).
pub fn lines<'a>(app: &App, w: &World, width: usize) -> Vec<Line<'a>> {
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
    let dim = |text: String| {
        wrap(&text, width)
            .into_iter()
            .map(move |l| Line::styled(l, app.theme.dim))
    };
    let mut lines: Vec<Line> = vec![Line::styled(
        format!("Health ({} finding(s))", findings.len()),
        app.theme.title,
    )];
    if findings.is_empty() {
        lines.extend(
            wrap(
                "No findings: nothing a careful administrator would flag.",
                width,
            )
            .into_iter()
            .map(Line::from),
        );
    }
    for (f, steps) in findings.iter() {
        let style = match f.severity {
            Severity::Critical | Severity::Warning => app.theme.title,
            Severity::Notice => app.theme.dim,
        };
        // the severity keeps its style on the first row of the wrapped finding
        let label = f.severity.label();
        let text = format!("{label} [{}] {}", f.source, f.message);
        for (i, row) in wrap(&text, width).into_iter().enumerate() {
            lines.push(match row.strip_prefix(label).filter(|_| i == 0) {
                Some(rest) => Line::from(vec![
                    Span::styled(label.to_string(), style),
                    Span::raw(rest.to_string()),
                ]),
                None => Line::from(row),
            });
        }
        // the steps in order, each as the place to go and the key to press
        let numbered = steps.len() > 1;
        for (i, step) in steps.iter().enumerate() {
            let label = if numbered {
                format!("  fix {}: ", i + 1)
            } else {
                "  fix: ".to_string()
            };
            lines.extend(dim(format!("{label}{step}")));
        }
        if !f.hint.is_empty() {
            lines.extend(dim(format!("  hint: {}", f.hint)));
        }
    }
    lines
}
