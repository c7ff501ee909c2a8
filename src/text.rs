//! Text on its way to a terminal. Names, emails and every other piece of text a user, a file or a
//! SCIM client supplied may hold characters a terminal acts on rather than shows: ESC starting a
//! control sequence (`ESC]0;…` sets the window title, `CSI 2J` clears the screen), other C0 and
//! C1 controls, line breaks that start a forged table row, bidi overrides and isolates that
//! reorder what follows, and invisible format characters that make one name look like another.
//!
//! [`escape`] is the one place such text is made harmless for a terminal: each of those
//! characters is written visibly, as `\n`, `\r`, `\t` or `\u{1b}` (Rust's notation), and all
//! other text is left as it is. The CLI prints every line of text through it ([`outln!`],
//! [`errln!`], tables cell by cell); `--json` output is never passed through it (serde's escaping
//! keeps it exact). The console draws through ratatui, which drops control characters; [`scrub`]
//! takes what ratatui keeps (bidi and invisible characters) out of every frame it draws.

use std::borrow::Cow;
use std::fmt::Write as _;

/// Text read from a file a person wrote, without the byte order mark an editor or a
/// spreadsheet's "UTF-8" export may put first (world files, scripts, CSVs, walkthroughs).
pub fn without_bom(text: &str) -> &str {
    text.strip_prefix('\u{feff}').unwrap_or(text)
}

/// Whether a terminal could act on `c` instead of showing it, or a reader could not see it: C0
/// and C1 controls (ESC, CR, LF, TAB, NEL, CSI…), DEL, the line and paragraph separators, bidi
/// marks, embeddings, overrides and isolates, zero-width and other default-ignorable characters.
pub fn needs_escape(c: char) -> bool {
    c.is_control() || matches!(c, '\u{2028}' | '\u{2029}') || crate::model::names::is_invisible(c)
}

/// One line of text, safe to print on a terminal: every character [`needs_escape`] says a
/// terminal could act on is written visibly (`\n`, `\r`, `\t`, else `\u{hex}`), so the result
/// holds no control character, no line break and no invisible character. Text that needs
/// nothing is returned as it is, without a copy.
pub fn escape(s: &str) -> Cow<'_, str> {
    let Some(first) = s.find(needs_escape) else {
        return Cow::Borrowed(s);
    };
    let mut out = String::with_capacity(s.len() + 8);
    out.push_str(&s[..first]);
    for c in s[first..].chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if needs_escape(c) => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Text tworg itself laid out in lines (a rendered screen, clap's message): each line escaped,
/// the line breaks between them kept.
pub fn escape_lines(s: &str) -> Cow<'_, str> {
    if !s.contains(|c: char| c != '\n' && needs_escape(c)) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(
        s.split('\n')
            .map(|line| escape(line))
            .collect::<Vec<_>>()
            .join("\n"),
    )
}

/// Takes out of a drawn screen every character [`needs_escape`] names. ratatui already drops
/// control characters, but it keeps zero-width ones (a bidi override rides along in the cell
/// before it); a cell is one column wide, so the console shows no escape and drops them. Only
/// the cells of `area` (where the console drew) are looked at.
pub fn scrub(buf: &mut ratatui::buffer::Buffer, area: ratatui::layout::Rect) {
    let area = area.intersection(buf.area);
    for p in area.positions() {
        let cell = &mut buf[p];
        let symbol = cell.symbol();
        if symbol.is_ascii() || !symbol.contains(needs_escape) {
            continue;
        }
        let kept: String = symbol.chars().filter(|&c| !needs_escape(c)).collect();
        cell.set_symbol(if kept.is_empty() { " " } else { &kept });
    }
}

/// `println!` for text meant for a person: the formatted line goes through [`escape`].
#[macro_export]
macro_rules! outln {
    ($($arg:tt)*) => {
        ::std::println!("{}", $crate::text::escape(&::std::format!($($arg)*)))
    };
}

/// `eprintln!` for text meant for a person: the formatted line goes through [`escape`].
#[macro_export]
macro_rules! errln {
    ($($arg:tt)*) => {
        ::std::eprintln!("{}", $crate::text::escape(&::std::format!($($arg)*)))
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_left_alone_and_not_copied() {
        for s in [
            "",
            "Ada Lovelace",
            "anna@owl-labs.example",
            "Zoë 李 ß",
            "a\\nb",
        ] {
            assert!(matches!(escape(s), Cow::Borrowed(_)), "{s}");
        }
    }

    #[test]
    fn terminal_controls_are_written_visibly() {
        assert_eq!(escape("\u{1b}]0;PWNED\u{7}"), "\\u{1b}]0;PWNED\\u{7}");
        assert_eq!(escape("\u{1b}[2J"), "\\u{1b}[2J");
        assert_eq!(escape("a\nb\r\tc"), "a\\nb\\r\\tc");
        assert_eq!(escape("\u{9b}2J"), "\\u{9b}2J", "C1 CSI");
        assert_eq!(escape("\u{85}"), "\\u{85}", "NEL");
        assert_eq!(escape("x\u{7f}"), "x\\u{7f}", "DEL");
        assert_eq!(escape("a\u{2028}b"), "a\\u{2028}b");
    }

    #[test]
    fn bidi_and_invisible_characters_are_written_visibly() {
        assert_eq!(escape("\u{202e}gnp.exe"), "\\u{202e}gnp.exe");
        assert_eq!(escape("a\u{2066}b\u{2069}"), "a\\u{2066}b\\u{2069}");
        assert_eq!(escape("an\u{200b}na"), "an\\u{200b}na");
        assert_eq!(escape("\u{feff}x"), "\\u{feff}x");
        assert_eq!(escape("\u{61c}"), "\\u{61c}");
    }

    #[test]
    fn escaped_text_holds_nothing_a_terminal_acts_on() {
        let all: String = (0u32..0x3000).filter_map(char::from_u32).collect();
        let e = escape(&all);
        assert!(!e.chars().any(needs_escape));
    }

    #[test]
    fn a_drawn_screen_keeps_no_bidi_or_invisible_character() {
        use ratatui::buffer::Buffer;
        use ratatui::layout::Rect;
        let mut buf = Buffer::empty(Rect::new(0, 0, 20, 1));
        buf.set_string(
            0,
            0,
            "ab\u{202e}cd\u{200b}e\u{1b}[2J",
            ratatui::style::Style::new(),
        );
        let area = buf.area;
        scrub(&mut buf, area);
        let line: String = buf.content.iter().map(|c| c.symbol()).collect();
        assert!(!line.contains(needs_escape), "{line:?}");
        assert!(line.starts_with("abcde[2J"), "{line:?}");
    }

    #[test]
    fn lines_keep_their_breaks() {
        assert_eq!(escape_lines("a\nb"), "a\nb");
        assert_eq!(escape_lines("a\u{1b}[2J\nb\r"), "a\\u{1b}[2J\nb\\r");
    }
}
