//! Semantic styles. The monochrome theme (`NO_COLOR`, `--no-color`) uses only bold, dim,
//! reversed and underline; every state also has a text cue (`▶`, `✓`, `✗`, `refused`), so
//! nothing relies on colour alone.

use ratatui::style::{Color, Modifier, Style};

#[derive(Debug, Clone, Copy)]
pub struct Theme {
    pub mono: bool,
    pub title: Style,
    pub dim: Style,
    pub selected: Style,
    pub tab_active: Style,
    pub key: Style,
    pub ok: Style,
    pub bad: Style,
    pub warn: Style,
    pub focus: Style,
    pub header: Style,
}

impl Theme {
    pub fn new(mono: bool) -> Theme {
        if mono { Theme::mono() } else { Theme::color() }
    }

    pub fn color() -> Theme {
        Theme {
            mono: false,
            title: Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD),
            dim: Style::new().fg(Color::DarkGray),
            selected: Style::new().bg(Color::Blue).fg(Color::White),
            tab_active: Style::new()
                .fg(Color::Yellow)
                .add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
            key: Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD),
            ok: Style::new().fg(Color::Green),
            bad: Style::new().fg(Color::Red).add_modifier(Modifier::BOLD),
            warn: Style::new().fg(Color::Yellow),
            focus: Style::new().bg(Color::DarkGray).fg(Color::White),
            header: Style::new().add_modifier(Modifier::BOLD),
        }
    }

    pub fn mono() -> Theme {
        let plain = Style::new();
        Theme {
            mono: true,
            title: plain.add_modifier(Modifier::BOLD),
            dim: plain.add_modifier(Modifier::DIM),
            selected: plain.add_modifier(Modifier::REVERSED),
            tab_active: plain.add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
            key: plain.add_modifier(Modifier::BOLD),
            ok: plain,
            bad: plain.add_modifier(Modifier::BOLD),
            warn: plain.add_modifier(Modifier::BOLD),
            focus: plain.add_modifier(Modifier::UNDERLINED),
            header: plain.add_modifier(Modifier::BOLD),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn monochrome_uses_no_colour() {
        let t = Theme::mono();
        for s in [
            t.title,
            t.dim,
            t.selected,
            t.tab_active,
            t.key,
            t.ok,
            t.bad,
            t.warn,
            t.focus,
        ] {
            assert_eq!(s.fg, None);
            assert_eq!(s.bg, None);
        }
    }
}
