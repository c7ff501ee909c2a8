//! The help screen: the keymap of the context it was opened from, with what the acting user may
//! not do marked unavailable and the model's reason.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

use crate::console::app::App;
use crate::console::keymap::{self, Need};
use crate::model::World;

pub fn draw(frame: &mut Frame, area: Rect, app: &App, w: &World, scroll: usize) {
    let rect = area.centered(Constraint::Percentage(94), Constraint::Percentage(92));
    frame.render_widget(Clear, rect);
    let block = Block::bordered().title(Span::styled(
        " Help — keys here (Esc closes) ",
        app.theme.title,
    ));
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    let mut lines: Vec<Line> = Vec::new();
    let chain = app.chain_at(app.modals.len().saturating_sub(1));
    for ctx in chain {
        lines.push(Line::from(Span::styled(
            ctx.title().to_string(),
            app.theme.header,
        )));
        for b in keymap::of(ctx).filter(|b| app.offers(b)) {
            let keys = format!("  {:<16}", keymap::keys_label(b));
            let why = match b.need {
                Need::Any => None,
                Need::Cap(c) => w.permission(&app.ctx, c).err(),
            };
            let mut spans = vec![
                Span::styled(keys, app.theme.key),
                Span::raw(b.label.to_string()),
            ];
            if let Some(r) = why {
                spans.push(Span::styled(
                    format!("  ✗ unavailable [{}]: {}", r.rule, r.message),
                    app.theme.dim,
                ));
            }
            lines.push(Line::from(spans));
        }
    }
    lines.push(Line::from(Span::styled(
        "Every change is saved at once; u undoes it. Refusals name the rule (tworg rules lists them).",
        app.theme.dim,
    )));
    let max_scroll = lines.len().saturating_sub(inner.height as usize);
    let skip = scroll.min(max_scroll);
    frame.render_widget(
        Paragraph::new(lines.into_iter().skip(skip).collect::<Vec<_>>()),
        inner,
    );
}
