//! `tworg demo NAME --export md|cast`: a walkthrough as Markdown (captions, presenter notes,
//! each step's screen as a text block) or as an asciicast v2 recording that `asciinema play`
//! replays: the player as the class would see it, key by key.
//!
//! Both are deterministic (no wall clock in them), so `docs/walkthroughs/*.md` can be compared
//! with a fresh export by a test.

use std::fmt::Write as _;

use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier};

use ratatui::Terminal;
use ratatui::backend::TestBackend;

use super::Walkthrough;
use super::controls::Control;
use super::player::{Options, Player, console_size, run_frames};

/// Seconds each finished step stays in the recording.
pub const CAST_STEP_SECONDS: f64 = 6.0;

/// The Markdown export: the console's screen of each step (at `size` less the caption pane).
pub fn markdown(w: &Walkthrough, size: (u16, u16)) -> anyhow::Result<String> {
    let frames = run_frames(w, size, Options::default())?;
    let mut s = String::new();
    let _ = writeln!(s, "# {}\n", w.title);
    let _ = writeln!(s, "{}\n", w.summary);
    let rules = w.rules();
    if !rules.is_empty() {
        let _ = writeln!(s, "Rules taught: {}.\n", rules.join(", "));
    }
    let _ = writeln!(
        s,
        "Play it with `tworg demo {}`; this file is `tworg demo {} --export md`.\n",
        w.name, w.name
    );
    for (i, (step, f)) in w.steps.iter().zip(&frames).enumerate() {
        let _ = writeln!(s, "## Step {} of {}\n", i + 1, w.steps.len());
        let _ = writeln!(s, "{}\n", step.caption);
        if !step.notes.is_empty() {
            let _ = writeln!(s, "> Presenter notes: {}\n", step.notes);
        }
        for setup in &step.setup {
            let _ = writeln!(s, "- Fast-forward: {}.", setup.describe());
        }
        if !step.setup.is_empty() {
            s.push('\n');
        }
        if !step.keys.is_empty() {
            let _ = writeln!(s, "Keys: `{}`\n", step.keys);
        }
        let _ = writeln!(s, "```text\n{}```\n", fence_safe(&f.screen));
        if !f.failures.is_empty() {
            anyhow::bail!(
                "step {} of {} does not hold: {:?}",
                i + 1,
                w.name,
                f.failures
            );
        }
    }
    Ok(s)
}

/// Keeps a screen from closing the fence early.
fn fence_safe(screen: &str) -> String {
    crate::text::escape_lines(screen).replace("```", "'''")
}

/// The asciicast v2 export: a JSON header line, then `[time, "o", data]` events: each step's
/// caption with the console before its keys, a frame after each key (typed text as one), the
/// finished step held [`CAST_STEP_SECONDS`], as the player shows it when the presenter moves on.
pub fn asciicast(w: &Walkthrough, size: (u16, u16)) -> anyhow::Result<String> {
    let header = serde_json::json!({
        "version": 2,
        "width": size.0,
        "height": size.1,
        "title": format!("tworg demo {} — {}", w.name, w.title),
        "env": {"TERM": "xterm-256color"},
    });
    let mut s = serde_json::to_string(&header)?;
    s.push('\n');
    let mut p = Player::new(w.clone(), Options::default(), console_size(size))?;
    let mut t = Terminal::new(TestBackend::new(size.0, size.1))?;
    let mut time = 0.0;
    let mut frame = |p: &mut Player, time: f64, s: &mut String| -> anyhow::Result<()> {
        t.draw(|f| p.draw(f))?;
        let event = serde_json::json!([round(time), "o", ansi(t.backend().buffer())]);
        s.push_str(&serde_json::to_string(&event)?);
        s.push('\n');
        Ok(())
    };
    frame(&mut p, time, &mut s)?;
    for _ in 1..w.steps.len() {
        time += CAST_STEP_SECONDS;
        p.control(Control::Next)?;
        frame(&mut p, time, &mut s)?;
        while let Some(took) = p.play_token() {
            time += took.as_secs_f64();
            frame(&mut p, time, &mut s)?;
        }
    }
    // the last frame stays before the recording ends
    time += CAST_STEP_SECONDS;
    s.push_str(&serde_json::to_string(&serde_json::json!([
        round(time),
        "o",
        ""
    ]))?);
    s.push('\n');
    Ok(s)
}

/// Times to the millisecond, so the file does not depend on float printing.
fn round(t: f64) -> f64 {
    (t * 1000.0).round() / 1000.0
}

/// A buffer as terminal output: home, clear, then each row with its colours and styles.
pub fn ansi(buf: &Buffer) -> String {
    let mut s = String::from("\x1b[H\x1b[2J");
    for y in 0..buf.area.height {
        let mut last = String::new();
        for x in 0..buf.area.width {
            let cell = &buf[(x, y)];
            let sgr = sgr(cell.fg, cell.bg, cell.modifier);
            if sgr != last {
                s.push_str("\x1b[0m");
                s.push_str(&sgr);
                last = sgr;
            }
            // control characters never reach the recording (the console already scrubs them)
            s.extend(cell.symbol().chars().filter(|c| !c.is_control()));
        }
        s.push_str("\x1b[0m");
        if y + 1 < buf.area.height {
            s.push_str("\r\n");
        }
    }
    s
}

fn sgr(fg: Color, bg: Color, m: Modifier) -> String {
    let mut codes: Vec<String> = Vec::new();
    for (flag, code) in [
        (Modifier::BOLD, "1"),
        (Modifier::DIM, "2"),
        (Modifier::ITALIC, "3"),
        (Modifier::UNDERLINED, "4"),
        (Modifier::REVERSED, "7"),
    ] {
        if m.contains(flag) {
            codes.push(code.into());
        }
    }
    if let Some(c) = color(fg, false) {
        codes.push(c);
    }
    if let Some(c) = color(bg, true) {
        codes.push(c);
    }
    if codes.is_empty() {
        String::new()
    } else {
        format!("\x1b[{}m", codes.join(";"))
    }
}

fn color(c: Color, bg: bool) -> Option<String> {
    let base = if bg { 40 } else { 30 };
    let named = |n: u8| Some((base + n).to_string());
    let bright = |n: u8| Some((base + 60 + n).to_string());
    match c {
        Color::Reset => None,
        Color::Black => named(0),
        Color::Red => named(1),
        Color::Green => named(2),
        Color::Yellow => named(3),
        Color::Blue => named(4),
        Color::Magenta => named(5),
        Color::Cyan => named(6),
        Color::Gray => named(7),
        Color::DarkGray => bright(0),
        Color::LightRed => bright(1),
        Color::LightGreen => bright(2),
        Color::LightYellow => bright(3),
        Color::LightBlue => bright(4),
        Color::LightMagenta => bright(5),
        Color::LightCyan => bright(6),
        Color::White => bright(7),
        Color::Indexed(i) => Some(format!("{};5;{i}", base + 8)),
        Color::Rgb(r, g, b) => Some(format!("{};2;{r};{g};{b}", base + 8)),
    }
}
