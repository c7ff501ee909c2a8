//! The help screen, from the one keymap: the keys of the place it was opened from, grouped
//! (everywhere, this tab, this row — or the dialog's own), in columns, searchable with `/`,
//! paged with PageUp/PageDown/g/G. What the acting user may not do here is marked `✗` with the
//! model's reason, wrapped, never cut.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

use super::wrap;
use crate::console::app::App;
use crate::console::keymap::{self, Binding, KeyCtx};
use crate::console::modal::HelpView;
use crate::model::World;

/// Widest a column gets; narrower screens get fewer columns.
const COLUMN: usize = 46;

/// The groups of the help, each with its bindings, innermost last.
pub fn groups(app: &App, w: &World) -> Vec<(String, Vec<&'static Binding>)> {
    let chain = app.chain_at(app.modals.len().saturating_sub(1));
    let offered = |ctx: KeyCtx| {
        keymap::of(ctx)
            .filter(|b| app.offers(b))
            .collect::<Vec<_>>()
    };
    let mut out = Vec::new();
    if chain.contains(&KeyCtx::Global) {
        let tab = app.tab;
        let (row, whole): (Vec<_>, Vec<_>) = offered(tab.key_ctx())
            .into_iter()
            .partition(|b| b.cmd.on_row());
        // the selected row's actions first, then the tab's, then what works everywhere
        if !row.is_empty() {
            let name = app
                .selected_row_name_in(w)
                .unwrap_or_else(|| "no row selected".into());
            out.push((format!("This row: {name}"), row));
        }
        if !whole.is_empty() {
            out.push((format!("This tab: {}", tab.title()), whole));
        }
        let mut everywhere = offered(KeyCtx::Global);
        everywhere.extend(offered(KeyCtx::List));
        out.push(("Everywhere".to_string(), everywhere));
    } else {
        for ctx in chain {
            out.push((ctx.title().to_string(), offered(ctx)));
        }
    }
    out
}

/// The help's lines, each group a header then its keys, at `width`; filtered by `query`.
fn lines(app: &App, w: &World, width: usize, query: &str) -> Vec<Line<'static>> {
    let t = &app.theme;
    let q = query.to_lowercase();
    let mut out = Vec::new();
    for (title, bindings) in groups(app, w) {
        let mut group = Vec::new();
        for b in bindings {
            let keys = keymap::keys_label(b);
            let why = app.availability_in(w, b).err();
            let reason = why.map(|r| format!("✗ [{}] {}", r.rule, r.message));
            let label = app.label_of(b);
            let hay = format!("{keys} {label} {}", reason.clone().unwrap_or_default());
            if !q.is_empty()
                && !hay.to_lowercase().contains(&q)
                && !title.to_lowercase().contains(&q)
            {
                continue;
            }
            let key_w = 10.max(keys.chars().count() + 1);
            let label_w = width.saturating_sub(key_w + 1).max(8);
            for (i, l) in wrap(&label, label_w).into_iter().enumerate() {
                let k = if i == 0 { keys.clone() } else { String::new() };
                group.push(Line::from(vec![
                    Span::styled(format!(" {k:<key_w$}"), t.key),
                    Span::styled(
                        l,
                        if reason.is_some() {
                            t.dim
                        } else {
                            Style::new()
                        },
                    ),
                ]));
            }
            if let Some(r) = &reason {
                for l in wrap(r, width.saturating_sub(3).max(8)) {
                    group.push(Line::from(Span::styled(format!("   {l}"), t.dim)));
                }
            }
        }
        if !group.is_empty() {
            out.push(Line::from(Span::styled(title, t.header)));
            out.extend(group);
            out.push(Line::from(""));
        }
    }
    for l in wrap(
        "Every change is saved at once; u undoes it. Refusals name the rule; M shows every message.",
        width.max(10),
    ) {
        out.push(Line::from(Span::styled(l, t.dim)));
    }
    out
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App, w: &World, h: &HelpView) {
    let rect = area.centered(Constraint::Percentage(96), Constraint::Percentage(94));
    frame.render_widget(Clear, rect);
    let block = Block::bordered().title(Span::styled(
        " Help — keys here (Esc closes) ",
        app.theme.title,
    ));
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    let [body, bar] = inner.layout(&Layout::vertical([
        Constraint::Fill(1),
        Constraint::Length(1),
    ]));
    let cols = (body.width as usize / COLUMN).clamp(1, 4);
    let col_w = body.width as usize / cols;
    let all = lines(app, w, col_w.saturating_sub(1), h.query.value());
    let height = body.height as usize;
    let per_page = (height * cols).max(1);
    let max_scroll = all.len().saturating_sub(per_page);
    let skip = h.scroll.min(max_scroll);
    let shown: Vec<Line> = all.iter().skip(skip).take(per_page).cloned().collect();
    let areas = body.layout_vec(&Layout::horizontal(vec![Constraint::Fill(1); cols]));
    for (i, chunk) in shown.chunks(height.max(1)).enumerate() {
        if let Some(a) = areas.get(i) {
            frame.render_widget(Paragraph::new(chunk.to_vec()), *a);
        }
    }
    let t = &app.theme;
    let pos = format!(
        "lines {}-{} of {}",
        (skip + 1).min(all.len()),
        (skip + per_page).min(all.len()),
        all.len()
    );
    let bar_line = if h.searching || !h.query.value().is_empty() {
        Line::from(vec![
            Span::styled("/", t.key),
            Span::raw(h.query.value().to_string()),
            Span::styled(
                if h.searching {
                    "▏ Enter keeps, Esc clears"
                } else {
                    ""
                },
                t.dim,
            ),
            Span::styled(format!("   {pos}"), t.dim),
        ])
    } else {
        // whole items only, as many as fit before the position
        let mut spans = Vec::new();
        let mut used = pos.chars().count();
        for b in keymap::of(KeyCtx::Help).filter(|b| b.footer) {
            let keys = keymap::keys_label(b);
            let label = format!(" {}  ", b.label);
            let wd = keys.chars().count() + label.chars().count();
            if used + wd > bar.width as usize {
                break;
            }
            used += wd;
            spans.push(Span::styled(keys, t.key));
            spans.push(Span::raw(label));
        }
        spans.push(Span::styled(pos, t.dim));
        Line::from(spans)
    };
    frame.render_widget(Paragraph::new(bar_line), bar);
}
