//! Modals: forms (tui-input fields, the cursor in the focused one), confirmations, pickers,
//! messages and help, each drawn over a cleared, centered box.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

use super::wrap;
use crate::console::app::App;
use crate::console::keymap::KeyCtx;
use crate::console::modal::*;
use crate::model::World;

const LABEL_W: usize = 16;

pub fn draw(frame: &mut Frame, area: Rect, app: &App, w: &World, m: &Modal) {
    match m {
        Modal::Form(f) => form(frame, area, app, w, f),
        Modal::Confirm(c) => confirm(frame, area, app, c),
        Modal::Picker(p) => picker(frame, area, app, p),
        Modal::Message(msg) => message(frame, area, app, msg),
        Modal::Help(h) => super::help::draw(frame, area, app, w, h),
        Modal::Log { scroll } => log(frame, area, app, *scroll),
    }
}

/// A centered box of `height` inner lines, cleared, with a title; returns the inner area.
fn boxed(
    frame: &mut Frame,
    area: Rect,
    app: &App,
    title: &str,
    danger: bool,
    height: usize,
) -> Rect {
    let width = area.width.saturating_sub(4).min(86);
    let height = (height as u16 + 2).min(area.height.saturating_sub(2));
    let rect = area.centered(Constraint::Length(width), Constraint::Length(height));
    frame.render_widget(Clear, rect);
    let title = if danger {
        format!(" ⚠ {title} ")
    } else {
        format!(" {title} ")
    };
    let style = if danger {
        app.theme.bad
    } else {
        app.theme.title
    };
    let block = Block::bordered().title(Span::styled(title, style));
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    inner
}

fn inner_width(area: Rect) -> usize {
    area.width.saturating_sub(4).min(86).saturating_sub(2) as usize
}

fn problem_lines(app: &App, p: &Option<Problem>, width: usize) -> Vec<Line<'static>> {
    let Some(p) = p else {
        return vec![];
    };
    let mut lines = Vec::new();
    let head = match &p.rule {
        Some(r) => format!("refused [{r}]: {}", p.message),
        None => format!("error: {}", p.message),
    };
    lines.extend(
        wrap(&head, width)
            .into_iter()
            .map(|l| Line::from(Span::styled(l, app.theme.bad))),
    );
    if let Some(h) = &p.hint {
        lines.extend(
            wrap(&format!("→ {h}"), width)
                .into_iter()
                .map(|l| Line::from(Span::styled(l, app.theme.warn))),
        );
    }
    // the first steps of the fix; the message log (M) keeps them all
    const SHOWN: usize = 2;
    let mut fixes: Vec<String> = p
        .fixes
        .iter()
        .take(SHOWN)
        .map(|f| format!("fix: {f}"))
        .collect();
    if p.fixes.len() > SHOWN {
        fixes.push(format!(
            "  and {} more steps (the message log, M, lists every step)",
            p.fixes.len() - SHOWN
        ));
    }
    for f in fixes {
        lines.extend(
            wrap(&f, width)
                .into_iter()
                .map(|l| Line::from(Span::styled(l, app.theme.warn))),
        );
    }
    lines.push(Line::from(if p.confirm.is_some() {
        // The model asks only for an explicit confirmation; yes gives it.
        "Nothing was changed yet; yes goes ahead anyway."
    } else {
        "Nothing was changed; fix the input and press Enter again."
    }));
    lines
}

fn key_line(app: &App, text: &str) -> Line<'static> {
    Line::from(Span::styled(text.to_string(), app.theme.dim))
}

fn form(frame: &mut Frame, area: Rect, app: &App, w: &World, f: &Form) {
    let width = inner_width(area);
    let mut lines: Vec<Line> = Vec::new();
    // what the form computes from what is typed: a check, a preview
    let preview = f.spec.preview(&f.fields, w, &app.ctx);
    for t in f.intro.iter().chain(preview.iter()) {
        lines.extend(wrap(t, width).into_iter().map(Line::from));
    }
    if !lines.is_empty() {
        lines.push(Line::from(""));
    }
    let first_field = lines.len();
    let input_w = width.saturating_sub(LABEL_W + 4).max(4);
    let mut cursor = None;
    for (i, field) in f.fields.iter().enumerate() {
        let focused = i == f.focus;
        let marker = if focused { "▸ " } else { "  " };
        let label = format!("{marker}{:<LABEL_W$}", field.label);
        let style = if focused {
            app.theme.focus
        } else {
            Style::new()
        };
        let value = match &field.choices {
            Some(choices) => {
                let chosen = choices.get(field.choice).map_or("(none)", |c| c.0.as_str());
                let chosen = format!("‹ {chosen} ›");
                let all: Vec<&str> = choices.iter().map(|c| c.0.as_str()).collect();
                let all = format!("  ({})", all.join(" / "));
                // A long list shows where the choice is in it rather than every choice.
                let used = label.chars().count() + chosen.chars().count();
                let rest = if !field.find.is_empty() {
                    format!("  find: {}", field.find)
                } else if used + all.chars().count() <= width {
                    all
                } else {
                    format!("  ({} of {})", field.choice + 1, choices.len())
                };
                Line::from(vec![
                    Span::raw(label),
                    Span::styled(chosen, style),
                    Span::styled(rest, app.theme.dim),
                ])
            }
            None => {
                let scroll = field.input.visual_scroll(input_w.saturating_sub(1));
                let text: String = field
                    .input
                    .value()
                    .chars()
                    .skip(scroll)
                    .take(input_w)
                    .collect();
                let pad = input_w.saturating_sub(text.chars().count());
                if focused {
                    cursor = Some((i, field.input.visual_cursor().saturating_sub(scroll)));
                }
                Line::from(vec![
                    Span::raw(label),
                    Span::raw("["),
                    Span::styled(format!("{text}{}", " ".repeat(pad)), style),
                    Span::raw("]"),
                ])
            }
        };
        lines.push(value);
    }
    lines.push(Line::from(""));
    if let Some(field) = f.fields.get(f.focus) {
        lines.extend(
            wrap(&format!("{}: {}", field.label, field.hint), width)
                .into_iter()
                .map(|l| Line::from(Span::styled(l, app.theme.dim))),
        );
    }
    lines.extend(problem_lines(app, &f.problem, width));
    lines.push(key_line(app, &keymap_hints(KeyCtx::Form)));
    let inner = boxed(frame, area, app, &f.title, f.danger, lines.len());
    // Keep the fields in view when the box is shorter than its content.
    let overflow = lines.len().saturating_sub(inner.height as usize);
    let skip = overflow.min(first_field);
    frame.render_widget(
        Paragraph::new(lines.into_iter().skip(skip).collect::<Vec<_>>()),
        inner,
    );
    if let Some((i, col)) = cursor {
        let y = inner.y as usize + first_field - skip + i;
        let x = inner.x as usize + LABEL_W + 2 + 1 + col;
        if y < (inner.y + inner.height) as usize {
            frame.set_cursor_position((x as u16, y as u16));
        }
    }
}

fn confirm(frame: &mut Frame, area: Rect, app: &App, c: &Confirm) {
    let width = inner_width(area);
    let mut lines: Vec<Line> = Vec::new();
    for t in &c.lines {
        lines.extend(wrap(t, width).into_iter().map(Line::from));
    }
    lines.push(Line::from(""));
    lines.extend(problem_lines(app, &c.problem, width));
    lines.push(key_line(app, &keymap_hints(KeyCtx::Confirm)));
    let inner = boxed(frame, area, app, &c.title, c.danger, lines.len());
    frame.render_widget(Paragraph::new(lines), inner);
}

fn picker(frame: &mut Frame, area: Rect, app: &App, p: &Picker) {
    let width = inner_width(area);
    let list_h = (area.height as usize).saturating_sub(10).clamp(3, 12);
    let mut lines: Vec<Line> = Vec::new();
    let input_w = width.saturating_sub(10);
    let scroll = p.filter.visual_scroll(input_w.saturating_sub(1));
    let text: String = p
        .filter
        .value()
        .chars()
        .skip(scroll)
        .take(input_w)
        .collect();
    lines.push(Line::from(vec![
        Span::raw("Filter: "),
        Span::styled(
            format!(
                "{text}{}",
                " ".repeat(input_w.saturating_sub(text.chars().count()))
            ),
            app.theme.focus,
        ),
    ]));
    let start = p.sel.saturating_sub(list_h.saturating_sub(1));
    for (n, &i) in p.shown.iter().enumerate().skip(start).take(list_h) {
        let label: String = p.items[i].0.chars().take(width.saturating_sub(2)).collect();
        if n == p.sel {
            lines.push(Line::from(Span::styled(
                format!("▶ {label}"),
                app.theme.selected,
            )));
        } else {
            lines.push(Line::from(format!("  {label}")));
        }
    }
    if p.shown.is_empty() {
        lines.push(Line::from("  (nothing matches)"));
    }
    lines.push(Line::from(Span::styled(
        format!("{} of {}", p.shown.len(), p.items.len()),
        app.theme.dim,
    )));
    // who cannot be chosen, greyed, with why (as many as the box holds)
    if !p.excluded_shown.is_empty() {
        let room = (area.height as usize)
            .saturating_sub(lines.len() + 10)
            .max(2);
        lines.push(Line::from(Span::styled(
            format!("Not available here ({}):", p.excluded_shown.len()),
            app.theme.dim,
        )));
        let mut used = 0;
        for &i in &p.excluded_shown {
            let (label, why) = &p.excluded[i];
            let wrapped = wrap(&format!("  ✗ {label} — {why}"), width);
            if used + wrapped.len() > room {
                lines.push(Line::from(Span::styled(
                    "  … (type to narrow)".to_string(),
                    app.theme.dim,
                )));
                break;
            }
            used += wrapped.len();
            lines.extend(
                wrapped
                    .into_iter()
                    .map(|l| Line::from(Span::styled(l, app.theme.dim))),
            );
        }
    }
    lines.extend(problem_lines(app, &p.problem, width));
    lines.push(key_line(app, &keymap_hints(KeyCtx::Picker)));
    let inner = boxed(frame, area, app, &p.title, false, lines.len());
    frame.render_widget(Paragraph::new(lines), inner);
    let col = p.filter.visual_cursor().saturating_sub(scroll);
    frame.set_cursor_position((inner.x + 8 + col as u16, inner.y));
}

fn message(frame: &mut Frame, area: Rect, app: &App, m: &Message) {
    let width = inner_width(area);
    let max = (area.height as usize).saturating_sub(5);
    let mut wrapped: Vec<String> = Vec::new();
    for t in &m.lines {
        wrapped.extend(wrap(t, width));
    }
    let mut lines: Vec<Line> = wrapped
        .iter()
        .skip(m.scroll)
        .take(max)
        .map(|l| Line::from(l.clone()))
        .collect();
    if wrapped.len() > max {
        lines.push(key_line(
            app,
            &format!(
                "lines {}-{} of {} · {}",
                m.scroll + 1,
                (m.scroll + max).min(wrapped.len()),
                wrapped.len(),
                keymap_hints(KeyCtx::Message)
            ),
        ));
    } else {
        lines.push(key_line(app, &keymap_hints(KeyCtx::Message)));
    }
    let inner = boxed(frame, area, app, &m.title, false, lines.len());
    frame.render_widget(Paragraph::new(lines), inner);
}

/// The keys of a modal's context from the keymap, as one hint line (`j/↓ scroll down · …`).
fn keymap_hints(ctx: KeyCtx) -> String {
    use crate::console::keymap;
    keymap::of(ctx)
        .filter(|b| b.footer)
        .map(|b| format!("{} {}", keymap::keys_label(b), b.label))
        .collect::<Vec<_>>()
        .join(" · ")
}

/// The message log: every result and refusal with the world's time, newest first, wrapped.
fn log(frame: &mut Frame, area: Rect, app: &App, scroll: usize) {
    use crate::console::app::StatusKind;
    let t = &app.theme;
    let width = inner_width(area);
    let max = (area.height as usize).saturating_sub(5).max(1);
    let mut wrapped: Vec<Line> = Vec::new();
    for e in app.log.iter().rev() {
        let (mark, style) = match e.kind {
            StatusKind::Ok => ("✓", t.ok),
            StatusKind::Refused => ("✗", t.bad),
            StatusKind::Unavailable => ("✗", t.warn),
            StatusKind::Info => ("·", Style::new()),
        };
        let head = format!("{} {mark} ", e.at);
        let indent = head.chars().count();
        for (i, l) in wrap(&e.text, width.saturating_sub(indent).max(8))
            .into_iter()
            .enumerate()
        {
            let lead = if i == 0 {
                head.clone()
            } else {
                " ".repeat(indent)
            };
            wrapped.push(Line::from(vec![
                Span::styled(lead, t.dim),
                Span::styled(l, style),
            ]));
        }
    }
    if wrapped.is_empty() {
        wrapped.push(Line::from(Span::styled("no messages yet", t.dim)));
    }
    let total = wrapped.len();
    let skip = scroll.min(total.saturating_sub(max));
    let mut lines: Vec<Line> = wrapped.into_iter().skip(skip).take(max).collect();
    // the keys are in the footer below, from the keymap
    lines.push(key_line(
        app,
        &format!("lines {}-{} of {total}", skip + 1, (skip + max).min(total)),
    ));
    let title = format!("Message log — {} messages, newest first", app.log.len());
    let inner = boxed(frame, area, app, &title, false, lines.len());
    frame.render_widget(Paragraph::new(lines), inner);
}
