//! Drawing. Reads the app, never changes it. The frame: header, tabs, the tab's body, status
//! line, footer; then the modal stack on top; below a minimum size, a "too small" screen.

mod accounts;
mod domains;
mod health;
mod help;
mod modal;
mod settings;
mod users;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use super::app::{App, StatusKind, Tab};
use super::keymap::{self, KeyCtx};
use crate::model::{MemberStatus, World};

pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 16;

struct Areas {
    header: Rect,
    tabs: Rect,
    body: Rect,
    status: Rect,
    footer: Rect,
}

fn areas(area: Rect, app: &App) -> Areas {
    // A long status (a refusal with its hint) takes a second line rather than being cut.
    let status_len = app
        .status
        .as_ref()
        .map_or(0, |s| s.text.chars().count() + 3);
    let status_h = if status_len > area.width as usize {
        2
    } else {
        1
    };
    let [header, tabs, body, status, footer] = area.layout(&Layout::vertical([
        Constraint::Length(2),
        Constraint::Length(1),
        Constraint::Fill(1),
        Constraint::Length(status_h),
        Constraint::Length(2),
    ]));
    Areas {
        header,
        tabs,
        body,
        status,
        footer,
    }
}

/// The list block and the detail block of a tab's body.
fn body_split(body: Rect, app: &App) -> (Rect, Rect) {
    if app.zoom {
        return (Rect::new(body.x, body.y, body.width, 0), body);
    }
    let detail = (body.height * 2 / 5).max(5);
    let [list, det] = body.layout(&Layout::vertical([
        Constraint::Fill(1),
        Constraint::Length(detail),
    ]));
    (list, det)
}

/// Where the list's rows are drawn (inside the border, below the column headers).
pub fn list_area(area: Rect, app: &App) -> Rect {
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        return Rect::default();
    }
    let (list, _) = body_split(areas(area, app).body, app);
    let inner = Block::bordered().inner(list);
    let header = u16::from(app.tab != Tab::Settings);
    Rect::new(
        inner.x,
        inner.y + header.min(inner.height),
        inner.width,
        inner.height.saturating_sub(header),
    )
}

/// Draws the console into `area` (the whole frame, or the player's console above its caption).
pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        return too_small(frame, area);
    }
    let a = areas(area, app);
    let s = app.lock();
    let w = &s.world;
    let file = s.file().map(|f| {
        let p = f.path().display().to_string();
        match (s.is_saved(), s.save_error()) {
            (true, _) => format!("{p} · saved"),
            (false, Some(e)) => format!("{p} · NOT SAVED: {e}"),
            (false, None) => format!("{p} · saving…"),
        }
    });
    header(frame, a.header, app, w, file);
    tabs(frame, a.tabs, app);
    let (list, detail) = body_split(a.body, app);
    match app.tab {
        Tab::Accounts => accounts::draw(frame, list, detail, app, w),
        Tab::Domains => domains::draw(frame, list, detail, app, w),
        Tab::Users => users::draw(frame, list, detail, app, w),
        Tab::Settings => settings::draw(frame, list, detail, app, w),
    }
    status(frame, a.status, app);
    footer(frame, a.footer, app, w);
    for m in &app.modals {
        modal::draw(frame, area, app, w, m);
    }
}

fn too_small(frame: &mut Frame, area: Rect) {
    let lines = vec![
        Line::from("Terminal too small"),
        Line::from(format!(
            "{}x{} here; tworg needs at least {MIN_WIDTH}x{MIN_HEIGHT}.",
            area.width, area.height
        )),
        Line::from("Enlarge the window, or press q to quit."),
    ];
    frame.render_widget(
        Paragraph::new(lines).wrap(ratatui::widgets::Wrap { trim: true }),
        area,
    );
}

fn header(frame: &mut Frame, area: Rect, app: &App, w: &World, file: Option<String>) {
    let t = &app.theme;
    let org = w.org_name(&app.ctx.org);
    let actor = app.ctx.actor_sid();
    let role = match w.membership_in(&actor, &app.ctx.org) {
        Some(m) if m.status == MemberStatus::Deactivated => {
            format!("{}, deactivated", m.role.label())
        }
        Some(m) => m.role.label().to_string(),
        None => "outside this org".into(),
    };
    let mut file = file.unwrap_or_else(|| app.file_label.clone());
    if let Some(note) = &app.header_note {
        file.push_str(" · ");
        file.push_str(note);
    }
    let lines = vec![
        Line::from(vec![
            Span::styled(format!(" {org}"), t.title),
            Span::raw("  ·  acting as "),
            Span::styled(w.email_of(&actor), t.header),
            Span::raw(format!(" ({role})")),
        ]),
        Line::from(vec![
            Span::raw(format!(
                " clock {}",
                crate::model::time::format_time(w.clock)
            )),
            Span::styled(format!("  ·  {file}"), t.dim),
        ]),
    ];
    frame.render_widget(Paragraph::new(lines), area);
}

fn tabs(frame: &mut Frame, area: Rect, app: &App) {
    let t = &app.theme;
    let mut spans = vec![Span::raw(" ")];
    for tab in Tab::ALL {
        let label = format!("{} {}", tab.index() + 1, tab.title());
        if tab == app.tab {
            spans.push(Span::styled(format!("[{label}]"), t.tab_active));
        } else {
            spans.push(Span::raw(format!(" {label} ")));
        }
        spans.push(Span::raw(" "));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn status(frame: &mut Frame, area: Rect, app: &App) {
    let t = &app.theme;
    let line = match &app.status {
        None => Line::from(Span::styled(" ready", t.dim)),
        Some(s) => {
            let (mark, style) = match s.kind {
                StatusKind::Ok => ("✓ ", t.ok),
                StatusKind::Refused => ("", t.bad),
                StatusKind::Unavailable => ("✗ ", t.warn),
                StatusKind::Info => ("· ", Style::new()),
            };
            let text = format!(" {mark}{}", s.text);
            let lines = fit_status(&text, area)
                .into_iter()
                .map(|l| Line::from(Span::styled(l, style)))
                .collect::<Vec<_>>();
            return frame.render_widget(Paragraph::new(lines), area);
        }
    };
    frame.render_widget(Paragraph::new(line), area);
}

/// The status text as it fits the status area, never cut silently: when it is longer, it
/// ends with a pointer to the message log, which holds it whole.
pub(crate) const MORE: &str = " …(M for more)";

fn fit_status(text: &str, area: Rect) -> Vec<String> {
    let width = area.width as usize;
    let lines = wrap(text, width.max(1));
    if lines.len() <= area.height as usize {
        return lines;
    }
    // keep whole words of the lines that fit, then the pointer
    let mut kept: Vec<String> = lines.into_iter().take(area.height as usize).collect();
    if let Some(last) = kept.last_mut() {
        let room = width.saturating_sub(MORE.chars().count());
        let mut cut: String = last.chars().take(room).collect();
        if let Some(i) = cut.rfind(' ').filter(|_| last.chars().count() > room) {
            cut.truncate(i);
        }
        *last = format!("{cut}{MORE}");
    }
    kept
}

/// One item of the footer: its key, label, and whether it is unavailable here.
struct FooterItem {
    keys: String,
    label: String,
    ok: bool,
}

impl FooterItem {
    fn width(&self) -> usize {
        self.keys.chars().count() + 1 + self.label.chars().count() + usize::from(!self.ok) + 2
    }
}

/// The keys that work here, from the keymap, in the style of k9s and lazygit: `?` and `q`
/// always, then the innermost context's (the selected row's actions first), each whole, on
/// at most the footer's lines; what does not fit is in the help, and the footer says so.
/// Unavailable ones are dimmed and marked `✗` (the help says why).
fn footer(frame: &mut Frame, area: Rect, app: &App, w: &World) {
    let t = &app.theme;
    let chain = app.chain();
    let mut items: Vec<FooterItem> = Vec::new();
    let global = chain.contains(&KeyCtx::Global);
    if chain == [KeyCtx::Filter] {
        items.push(FooterItem {
            keys: String::new(),
            label: "type to filter".into(),
            ok: true,
        });
    }
    for ctx in &chain {
        for b in keymap::of(*ctx).filter(|b| {
            b.footer
                && app.offers(b)
                && !(global && matches!(b.cmd, keymap::Cmd::Help | keymap::Cmd::Quit))
        }) {
            items.push(FooterItem {
                keys: keymap::keys_label(b),
                label: app.label_of(b),
                ok: app.availability_in(w, b).is_ok(),
            });
        }
    }
    let width = area.width as usize;
    let mut lines: Vec<Vec<Span>> = vec![vec![Span::raw(" ")]];
    let mut used = 1;
    let push = |lines: &mut Vec<Vec<Span<'static>>>, used: &mut usize, it: &FooterItem| {
        let line = lines.last_mut().expect("a line");
        if !it.keys.is_empty() {
            line.push(Span::styled(
                it.keys.clone(),
                if it.ok { t.key } else { t.dim },
            ));
            line.push(Span::raw(" "));
        }
        let label = if it.ok {
            format!("{}  ", it.label)
        } else {
            format!("{}✗  ", it.label)
        };
        line.push(Span::styled(
            label,
            if it.ok { Style::new() } else { t.dim },
        ));
        *used += it.width();
    };
    // `?` and `q` first, always
    let fixed: Vec<FooterItem> = if global {
        vec![
            FooterItem {
                keys: "?".into(),
                label: "help".into(),
                ok: true,
            },
            FooterItem {
                keys: "q".into(),
                label: "quit".into(),
                ok: true,
            },
        ]
    } else {
        Vec::new()
    };
    for it in &fixed {
        push(&mut lines, &mut used, it);
    }
    let more = "… more in ? help";
    let rows = area.height.max(1) as usize;
    let mut left_out = false;
    for (i, it) in items.iter().enumerate() {
        let last_line = lines.len() == rows;
        // on the last line, keep room for the pointer to the help unless this is the last item
        let reserve = if last_line && i + 1 < items.len() {
            more.chars().count()
        } else {
            0
        };
        if used + it.width() + reserve > width {
            if last_line {
                left_out = true;
                break;
            }
            lines.push(vec![Span::raw(" ")]);
            used = 1;
        }
        push(&mut lines, &mut used, it);
    }
    if left_out && let Some(l) = lines.last_mut() {
        l.push(Span::styled(more, t.dim));
    }
    frame.render_widget(
        Paragraph::new(lines.into_iter().map(Line::from).collect::<Vec<_>>()),
        area,
    );
}

/// Draws a tab's detail pane, scrolled by J/K when its lines are more than it shows (its bottom
/// border says so then).
fn draw_detail(frame: &mut Frame, area: Rect, app: &App, title: &str, lines: Vec<Line<'_>>) {
    let shown = area.height.saturating_sub(2) as usize;
    app.detail_len.set(lines.len());
    let scroll = app.detail_scroll.min(lines.len().saturating_sub(1));
    let mut frame_block = block(title.to_string(), app);
    if lines.len() > shown {
        frame_block = frame_block
            .title_bottom(Line::from(Span::styled(" J/K scroll ", app.theme.dim)).right_aligned());
    }
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(ratatui::widgets::Wrap { trim: false })
            .scroll((scroll as u16, 0))
            .block(frame_block),
        area,
    );
}

/// A bordered block whose title marks focus with text, not only colour.
fn block<'a>(title: String, app: &App) -> Block<'a> {
    Block::bordered().title(Span::styled(format!(" {title} "), app.theme.title))
}

/// The list block's title: name, counts, filter.
fn list_title(name: &str, shown: usize, total: usize, app: &App) -> String {
    let f = app.lists[app.tab].filter.value();
    let sort = if app.sort != crate::console::view::Sort::Name {
        format!(" · {}", app.sort.label())
    } else {
        String::new()
    };
    if app.filtering {
        format!("{name} {shown}/{total} · filter: {f}▏{sort}")
    } else if !f.is_empty() {
        format!("{name} {shown}/{total} · filter: {f} (Esc clears){sort}")
    } else {
        format!("{name} ({total}){sort}")
    }
}

/// The selected row's position among the shown rows, for the list's bottom border (`3/7`), as
/// k9s and lazygit show it.
pub(crate) fn position(app: &App, shown: usize) -> String {
    let at = if shown == 0 {
        0
    } else {
        app.lists[app.tab].sel.min(shown - 1) + 1
    };
    format!(" {at}/{shown} ")
}

/// First characters of a SID, enough to tell rows apart; the detail shows it whole.
/// The widths a table gives its columns in `list` (inside its border, after the highlight
/// symbol), as ratatui lays them out.
pub(crate) fn column_widths(list: Rect, constraints: &[Constraint]) -> Vec<usize> {
    let inner = Block::bordered().inner(list);
    let area = Rect::new(0, 0, inner.width.saturating_sub(2), 1);
    Layout::horizontal(constraints.to_vec())
        .flex(ratatui::layout::Flex::Start)
        .spacing(1)
        .split(area)
        .iter()
        .map(|r| r.width as usize)
        .collect()
}

/// Cells cut to their column's width end with `…` instead of being cut silently.
pub(crate) fn ellipsize(cells: Vec<String>, widths: &[usize]) -> Vec<String> {
    cells
        .into_iter()
        .zip(widths.iter().copied().chain(std::iter::repeat(usize::MAX)))
        .map(|(c, w)| {
            if c.chars().count() <= w || w == 0 {
                c
            } else {
                let mut s: String = c.chars().take(w.saturating_sub(1)).collect();
                s.push('…');
                s
            }
        })
        .collect()
}

fn short_sid(s: &str) -> String {
    format!("{}…", &s[..s.len().min(10)])
}

fn yes_no(b: bool) -> &'static str {
    if b { "yes" } else { "no" }
}

/// Simple word wrap for modal text (lines never exceed `width`).
pub(crate) fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(10);
    let mut out = Vec::new();
    for para in text.split('\n') {
        // Continuation lines keep the paragraph's indentation.
        let indent: String = para.chars().take_while(|c| *c == ' ').collect();
        let mut line = indent.clone();
        for word in para.trim_start_matches(' ').split(' ') {
            let wl = word.chars().count();
            let ll = line.chars().count();
            if ll > indent.len() && ll + 1 + wl > width {
                out.push(std::mem::replace(&mut line, indent.clone()));
            }
            if line.len() > indent.len() {
                line.push(' ');
            }
            if wl + indent.len() > width {
                let chars: Vec<char> = word.chars().collect();
                for chunk in chars.chunks(width.saturating_sub(indent.len()).max(1)) {
                    if line.len() > indent.len() {
                        out.push(std::mem::replace(&mut line, indent.clone()));
                    }
                    line.extend(chunk.iter());
                }
            } else {
                line.push_str(word);
            }
        }
        out.push(line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::wrap;

    #[test]
    fn wrap_keeps_indentation_and_width() {
        let lines = wrap("  one two three four five six", 12);
        assert!(
            lines
                .iter()
                .all(|l| l.chars().count() <= 12 && l.starts_with("  ")),
            "{lines:?}"
        );
        assert_eq!(wrap("", 20), vec![String::new()]);
    }
}
