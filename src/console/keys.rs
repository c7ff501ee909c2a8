//! Key names: the one syntax shared by the keymap table, the footer, the help screen and
//! `tworg render --keys`. Tokens are separated by spaces: a single character (`j`, `G`, `?`), a
//! named key (`enter`, `esc`, `tab`, `shift-tab`, `up`, `pgdn`, `space`, `f1`, …), a modifier
//! chord (`ctrl-c`, `alt-b`), or `"typed text"` in double quotes, which types each character.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// Named keys: (name, code). The first name of a code is the one shown to people.
const NAMED: &[(&str, KeyCode)] = &[
    ("enter", KeyCode::Enter),
    ("return", KeyCode::Enter),
    ("esc", KeyCode::Esc),
    ("escape", KeyCode::Esc),
    ("tab", KeyCode::Tab),
    ("shift-tab", KeyCode::BackTab),
    ("backtab", KeyCode::BackTab),
    ("backspace", KeyCode::Backspace),
    ("delete", KeyCode::Delete),
    ("del", KeyCode::Delete),
    ("up", KeyCode::Up),
    ("down", KeyCode::Down),
    ("left", KeyCode::Left),
    ("right", KeyCode::Right),
    ("home", KeyCode::Home),
    ("end", KeyCode::End),
    ("pgup", KeyCode::PageUp),
    ("pageup", KeyCode::PageUp),
    ("pgdn", KeyCode::PageDown),
    ("pagedown", KeyCode::PageDown),
    ("space", KeyCode::Char(' ')),
];

/// Parses one key name such as `j`, `G`, `enter`, `ctrl-c` or `f1`.
pub fn parse_key(name: &str) -> Result<KeyEvent, String> {
    if name.chars().count() == 1 {
        let c = name.chars().next().expect("one char");
        return Ok(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
    }
    let lower = name.to_ascii_lowercase();
    if let Some((_, code)) = NAMED.iter().find(|(n, _)| *n == lower) {
        return Ok(KeyEvent::new(*code, KeyModifiers::NONE));
    }
    if let Some(n) = lower.strip_prefix('f').and_then(|d| d.parse::<u8>().ok())
        && (1..=12).contains(&n)
    {
        return Ok(KeyEvent::new(KeyCode::F(n), KeyModifiers::NONE));
    }
    for (prefix, m) in [
        ("ctrl-", KeyModifiers::CONTROL),
        ("alt-", KeyModifiers::ALT),
        ("shift-", KeyModifiers::SHIFT),
    ] {
        if lower.starts_with(prefix) {
            let rest = &name[prefix.len()..];
            let mut k = parse_key(rest)?;
            if m == KeyModifiers::SHIFT
                && let KeyCode::Char(c) = k.code
            {
                k.code = KeyCode::Char(c.to_ascii_uppercase());
                return Ok(k);
            }
            if let KeyCode::Char(c) = k.code {
                k.code = KeyCode::Char(c.to_ascii_lowercase());
            }
            k.modifiers |= m;
            return Ok(k);
        }
    }
    Err(format!(
        "unknown key '{name}' (use a single character, a name such as enter, esc, tab, up, pgdn, space, f1, a chord such as ctrl-c, or \"text\" in double quotes)"
    ))
}

/// Parses a whole `--keys` script into key events.
pub fn parse_keys(script: &str) -> Result<Vec<KeyEvent>, String> {
    let mut out = Vec::new();
    let mut chars = script.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
            continue;
        }
        if c == '"' {
            chars.next();
            let mut closed = false;
            while let Some(c) = chars.next() {
                match c {
                    '"' => {
                        closed = true;
                        break;
                    }
                    '\\' => {
                        if let Some(n) = chars.next() {
                            out.push(KeyEvent::new(KeyCode::Char(n), KeyModifiers::NONE));
                        }
                    }
                    c => out.push(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)),
                }
            }
            if !closed {
                return Err("a quoted text is not closed with \"".into());
            }
            continue;
        }
        let mut token = String::new();
        while let Some(&c) = chars.peek() {
            if c.is_whitespace() {
                break;
            }
            token.push(c);
            chars.next();
        }
        out.push(parse_key(&token)?);
    }
    Ok(out)
}

/// A key as the keymap compares it: Shift is folded into the character, BackTab has no Shift.
pub fn normalize(ev: &KeyEvent) -> (KeyCode, KeyModifiers) {
    let mut m = ev.modifiers & (KeyModifiers::CONTROL | KeyModifiers::ALT | KeyModifiers::SHIFT);
    let code = match ev.code {
        KeyCode::Tab if m.contains(KeyModifiers::SHIFT) => KeyCode::BackTab,
        c => c,
    };
    if matches!(code, KeyCode::Char(_) | KeyCode::BackTab) {
        m.remove(KeyModifiers::SHIFT);
    }
    (code, m)
}

/// Whether an event is the key a keymap name stands for.
pub fn matches(name: &str, ev: &KeyEvent) -> bool {
    parse_key(name).is_ok_and(|k| normalize(&k) == normalize(ev))
}

/// How a key name is shown in the footer and the help (`Enter`, `Ctrl-C`, `PgDn`).
pub fn display(name: &str) -> String {
    match name {
        "enter" => "Enter".into(),
        "esc" => "Esc".into(),
        "tab" => "Tab".into(),
        "shift-tab" => "Shift-Tab".into(),
        "up" => "↑".into(),
        "down" => "↓".into(),
        "left" => "←".into(),
        "right" => "→".into(),
        "home" => "Home".into(),
        "end" => "End".into(),
        "pgup" => "PgUp".into(),
        "pgdn" => "PgDn".into(),
        "space" => "Space".into(),
        "backspace" => "Backspace".into(),
        n if n.starts_with("ctrl-") => format!("Ctrl-{}", n[5..].to_ascii_uppercase()),
        n if n.starts_with('f') && n.len() > 1 && n[1..].parse::<u8>().is_ok() => {
            n.to_ascii_uppercase()
        }
        n => n.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_names_chords_and_text() {
        let keys = parse_keys(r#"j G enter ctrl-c shift-tab "a b" f1 pgdn"#).unwrap();
        assert_eq!(keys.len(), 10);
        assert_eq!(keys[0].code, KeyCode::Char('j'));
        assert_eq!(keys[1].code, KeyCode::Char('G'));
        assert_eq!(keys[2].code, KeyCode::Enter);
        assert_eq!(
            normalize(&keys[3]),
            (KeyCode::Char('c'), KeyModifiers::CONTROL)
        );
        assert_eq!(keys[4].code, KeyCode::BackTab);
        assert_eq!(keys[6].code, KeyCode::Char(' '));
        assert_eq!(keys[8].code, KeyCode::F(1));
        assert!(parse_keys("bogus").is_err());
        assert!(parse_keys("\"open").is_err());
    }

    #[test]
    fn shift_is_folded_into_characters() {
        let ev = KeyEvent::new(KeyCode::Char('G'), KeyModifiers::SHIFT);
        assert!(matches("G", &ev));
        let bt = KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT);
        assert!(matches("shift-tab", &bt));
    }
}
