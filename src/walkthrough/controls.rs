//! The presenter's keys for `tworg demo NAME`: one table drives dispatch ([`Controls::key`]),
//! the player's footer line and `tworg demo --help`, so they cannot drift apart.
//!
//! The player starts paused on step 1. Space or → moves on (during a step's keys: finishes the
//! step at once), ← goes back with the screen rebuilt to match the caption, digits and Enter (or
//! `g`, digits, Enter) jump to a step, `r` restarts, `e` explores the console on the
//! walkthrough's world and `e` returns, `n` shows the presenter notes, `p` pauses autoplay, `q`
//! quits. Esc only closes what is open (a jump being typed, the notes pane); it never quits.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// What a presenter's key asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Control {
    Next,
    Back,
    /// Jump to step N (1-based, as the presenter types it).
    Jump(usize),
    Restart,
    Explore,
    Notes,
    Pause,
    /// Esc: close what is open.
    Close,
    Quit,
}

/// The presenter's keys: (keys as shown, what they do). The order of `tworg demo --help`.
pub const KEYS: &[(&str, &str)] = &[
    (
        "space, →",
        "next step (while a step plays: finish it at once)",
    ),
    (
        "←",
        "back a step; the screen is rebuilt to match the caption",
    ),
    ("N enter, g N enter", "jump to step N"),
    ("r", "restart from step 1"),
    (
        "e",
        "explore: the full console here; e returns (ctrl-e is the console's e)",
    ),
    ("n", "presenter notes on/off"),
    ("p", "pause or resume --autoplay"),
    (
        "esc",
        "close what is open (a jump being typed, the notes); never quits",
    ),
    ("q, ctrl-c", "quit"),
];

/// `tworg demo --help`'s key list, from [`KEYS`].
pub fn help_text() -> String {
    let width = KEYS
        .iter()
        .map(|(k, _)| k.chars().count())
        .max()
        .unwrap_or(0);
    let mut s = String::from("Presenter keys (tworg demo NAME):\n");
    for (k, what) in KEYS {
        s.push_str(&format!(
            "  {k}{}  {what}\n",
            " ".repeat(width - k.chars().count())
        ));
    }
    s.push_str(
        "\nExercise keys (tworg demo NAME --exercise): the console's own keys, and\n  f5  check this step\n  f6  skip this step\n  ctrl-c  stop and show the score\n",
    );
    s
}

/// The footer of the player: the keys, short.
pub const FOOTER: &str =
    "space/→ next · ← back · g N jump · r restart · e explore · n notes · q quit";

/// Turns keys into controls; keeps a step number being typed.
#[derive(Debug, Default, Clone)]
pub struct Controls {
    /// Digits typed so far (`Some("")` after `g`).
    jump: Option<String>,
}

impl Controls {
    /// The jump being typed, for the footer (`go to step 3…`).
    pub fn typing(&self) -> Option<&str> {
        self.jump.as_deref()
    }

    pub fn key(&mut self, k: KeyEvent) -> Option<Control> {
        let ctrl = k.modifiers.contains(KeyModifiers::CONTROL);
        if ctrl && k.code == KeyCode::Char('c') {
            return Some(Control::Quit);
        }
        if let Some(digits) = &mut self.jump {
            match k.code {
                KeyCode::Char(c) if c.is_ascii_digit() => {
                    if digits.len() < 4 {
                        digits.push(c);
                    }
                    return None;
                }
                KeyCode::Backspace => {
                    digits.pop();
                    return None;
                }
                KeyCode::Enter => {
                    let n = digits.parse().ok();
                    self.jump = None;
                    return n.map(Control::Jump);
                }
                KeyCode::Esc => {
                    self.jump = None;
                    return None;
                }
                // any other key abandons the jump and means itself
                _ => self.jump = None,
            }
        }
        match k.code {
            KeyCode::Char(' ') | KeyCode::Right => Some(Control::Next),
            KeyCode::Left => Some(Control::Back),
            KeyCode::Char(c) if c.is_ascii_digit() => {
                self.jump = Some(c.to_string());
                None
            }
            KeyCode::Char('g') => {
                self.jump = Some(String::new());
                None
            }
            KeyCode::Char('r') => Some(Control::Restart),
            KeyCode::Char('e') => Some(Control::Explore),
            KeyCode::Char('n') => Some(Control::Notes),
            KeyCode::Char('p') => Some(Control::Pause),
            KeyCode::Char('q') => Some(Control::Quit),
            KeyCode::Esc => Some(Control::Close),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::console::keys::parse_keys;

    fn run(keys: &str) -> Vec<Control> {
        let mut c = Controls::default();
        parse_keys(keys)
            .unwrap()
            .into_iter()
            .filter_map(|k| c.key(k))
            .collect()
    }

    #[test]
    fn jumps_by_digits_or_g_and_esc_never_quits() {
        assert_eq!(run("3 enter"), [Control::Jump(3)]);
        assert_eq!(run("g 1 2 enter"), [Control::Jump(12)]);
        assert_eq!(run("g 4 esc"), []);
        assert_eq!(run("esc"), [Control::Close]);
        assert_eq!(run("space right left r e n q"), {
            use Control::*;
            [Next, Next, Back, Restart, Explore, Notes, Quit]
        });
        // a jump abandoned by another key: that key counts
        assert_eq!(run("2 left"), [Control::Back]);
        assert_eq!(run("ctrl-c"), [Control::Quit]);
    }

    #[test]
    fn help_lists_every_key() {
        let h = help_text();
        for (k, what) in KEYS {
            assert!(h.contains(k) && h.contains(what), "{k}");
        }
    }
}
