//! `tworg demo`: lists the walkthroughs, plays one in the real terminal for a class, runs it as
//! an exercise, exports it, or writes each step's screen (`--headless`).
//!
//! The player ([`Player`]) holds no terminal: the terminal loop ([`play`]), the headless runs and
//! the exports all drive it and draw it with [`Player::draw`]. The console runs on a scratch
//! copy of the demo world, never the user's file. It starts paused on step 1 with step 1 played;
//! moving on plays the next step's keys at a readable pace; going back or jumping rebuilds the
//! console and replays the earlier steps instantly, which is exact because everything is
//! deterministic.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context as _, anyhow, bail};
use clap::Args;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{self, Event, KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use super::controls::{Control, Controls, FOOTER};
use super::runner::{apply_setup, fresh_app, play_step};
use super::{Walkthrough, all, check_step, find};
use crate::console::{App, keys, screen_text};
use crate::model::Sid;

/// Time before a played key (a command, a named key).
const KEY_PACE: Duration = Duration::from_millis(450);
/// Time before each character of typed text (`"…"` in the keys).
const TYPE_PACE: Duration = Duration::from_millis(60);

/// A step's keys with the time to wait before each: commands at a pace a class can follow,
/// typed text at typing speed.
pub fn paced_keys(script: &str) -> Result<Vec<(KeyEvent, Duration)>, String> {
    let mut out = Vec::new();
    let mut token = String::new();
    let mut quoted = false;
    let flush = |token: &mut String, out: &mut Vec<(KeyEvent, Duration)>| {
        if token.is_empty() {
            return Ok::<(), String>(());
        }
        let pace = if token.starts_with('"') {
            TYPE_PACE
        } else {
            KEY_PACE
        };
        let keys = keys::parse_keys(token)?;
        for (i, k) in keys.into_iter().enumerate() {
            // the first character of typed text waits like a key, so the field is seen first
            out.push((k, if i == 0 { KEY_PACE } else { pace }));
        }
        token.clear();
        Ok(())
    };
    for c in script.chars() {
        match c {
            '"' => {
                token.push(c);
                quoted = !quoted;
                if !quoted {
                    flush(&mut token, &mut out)?;
                }
            }
            c if c.is_whitespace() && !quoted => flush(&mut token, &mut out)?,
            c => token.push(c),
        }
    }
    if quoted {
        return Err("a quote is not closed".into());
    }
    flush(&mut token, &mut out)?;
    Ok(out)
}
/// Rows the caption pane takes below the console.
pub const CAPTION_ROWS: u16 = 8;
/// The terminal size the tests, `--headless` and the exports use unless `--size` says otherwise.
pub const DEFAULT_SIZE: (u16, u16) = (100, 30);

/// `tworg demo`'s arguments (the CLI parses them; the player reads them).
#[derive(Debug, Args, Default)]
pub struct DemoArgs {
    /// The walkthrough to play (tworg demo --list shows them)
    pub name: Option<String>,
    /// List the walkthroughs with the rule IDs each teaches
    #[arg(long)]
    pub list: bool,
    /// With --list: as JSON
    #[arg(long, requires = "list")]
    pub json: bool,
    /// Play a walkthrough from a file instead (its schema is in the README)
    #[arg(long, value_name = "FILE")]
    pub file: Option<PathBuf>,
    /// Move on by itself, SECONDS after each step (default: time to read the caption)
    #[arg(long, value_name = "SECONDS", num_args = 0..=1, default_missing_value = "0")]
    pub autoplay: Option<f64>,
    /// Show the presenter notes (a pane in the player; printed with --headless)
    #[arg(long)]
    pub notes: bool,
    /// Show each step's screen and model checks (test wording, for authors)
    #[arg(long)]
    pub check: bool,
    /// The learner does each step in the console; the step's facts grade it
    #[arg(long)]
    pub exercise: bool,
    /// Write the walkthrough to stdout as Markdown (md) or an asciicast v2 recording (cast)
    #[arg(long, value_name = "FORMAT", value_parser = ["md", "cast"])]
    pub export: Option<String>,
    /// With --export or --headless: the terminal size, WIDTHxHEIGHT (default 100x30)
    #[arg(long, value_name = "WxH")]
    pub size: Option<String>,
    /// Render each step without a terminal; fails if a step's checks do not hold
    #[arg(long)]
    pub headless: bool,
    /// With --headless: write each step's screen here
    #[arg(long, requires = "headless")]
    pub out: Option<PathBuf>,
}

/// How the player shows a walkthrough.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Seconds a finished step stays before the next (`Some(0.0)`: reading time).
    pub autoplay: Option<f64>,
    pub notes: bool,
    pub check: bool,
}

impl DemoArgs {
    /// Refuses options that the chosen mode would ignore.
    pub fn validate(&self) -> anyhow::Result<()> {
        let only = |on: bool, flag: &str, with: &str| {
            if on {
                bail!("{flag} is not used {with}; tworg demo --help lists what goes together")
            }
            Ok(())
        };
        let mode_option = self.autoplay.is_some()
            || self.notes
            || self.check
            || self.exercise
            || self.export.is_some()
            || self.size.is_some()
            || self.headless;
        if self.list {
            let other = self.name.is_some() || self.file.is_some() || mode_option;
            return only(
                other,
                "a walkthrough or an option other than --json",
                "with --list",
            );
        }
        if self.name.is_some() && self.file.is_some() {
            bail!("give a walkthrough's name or --file, not both");
        }
        let playing = self.name.is_some() || self.file.is_some();
        if !playing {
            return only(
                mode_option,
                "that option",
                "without a walkthrough (NAME or --file)",
            );
        }
        let modes = [self.exercise, self.export.is_some(), self.headless]
            .iter()
            .filter(|m| **m)
            .count();
        if modes > 1 {
            bail!(
                "--exercise, --export and --headless are different ways to run a walkthrough: pick one"
            );
        }
        if let Some(s) = self.autoplay
            && !(0.0..=3600.0).contains(&s)
        {
            bail!("--autoplay takes a number of seconds from 1 to 3600 (or none: reading time)");
        }
        only(
            self.autoplay.is_some() && modes > 0,
            "--autoplay",
            "with --exercise, --export or --headless (it paces the player)",
        )?;
        only(
            self.size.is_some() && !(self.export.is_some() || self.headless),
            "--size",
            "by the player or --exercise (they use the terminal's size)",
        )?;
        only(
            self.check && (self.exercise || self.export.is_some()),
            "--check",
            "with --exercise or --export",
        )?;
        only(
            self.notes && (self.exercise || self.export.is_some()),
            "--notes",
            "with --exercise or --export (the Markdown export always has the notes)",
        )?;
        if let Some(s) = &self.size {
            parse_size(s)?;
        }
        Ok(())
    }
}

/// `WxH`, each at least the console's minimum plus the caption pane.
pub fn parse_size(s: &str) -> anyhow::Result<(u16, u16)> {
    let (w, h) = s
        .split_once(['x', 'X'])
        .and_then(|(w, h)| Some((w.trim().parse::<u16>().ok()?, h.trim().parse::<u16>().ok()?)))
        .ok_or_else(|| anyhow!("--size takes WIDTHxHEIGHT, such as 100x30"))?;
    let (min_w, min_h) = (
        crate::console::MIN_WIDTH,
        crate::console::MIN_HEIGHT + CAPTION_ROWS,
    );
    if w < min_w || h < min_h || w > 500 || h > 300 {
        bail!("--size must be from {min_w}x{min_h} to 500x300");
    }
    Ok((w, h))
}

pub fn demo_cli(args: &DemoArgs) -> anyhow::Result<()> {
    args.validate()?;
    if args.list || (args.name.is_none() && args.file.is_none()) {
        return list(args.json, !args.list);
    }
    let w = match (&args.file, &args.name) {
        (Some(path), _) => super::load_file(path).map_err(|e| anyhow!(e))?,
        (None, Some(name)) => find(name).ok_or_else(|| {
            anyhow!("no walkthrough named '{name}'; tworg demo --list shows them")
        })?,
        (None, None) => unreachable!("checked above"),
    };
    let size = match &args.size {
        Some(s) => parse_size(s)?,
        None => DEFAULT_SIZE,
    };
    let opts = Options {
        autoplay: args.autoplay,
        notes: args.notes,
        check: args.check,
    };
    if args.headless {
        return write_headless(&w, args.out.as_deref(), size, opts);
    }
    if let Some(format) = &args.export {
        let text = match format.as_str() {
            "md" => super::export::markdown(&w, size)?,
            _ => super::export::asciicast(&w, size)?,
        };
        print!("{text}");
        return Ok(());
    }
    if args.exercise {
        return super::exercise::run(&w);
    }
    play(&w, opts)
}

/// `tworg demo --list`.
fn list(json: bool, hint: bool) -> anyhow::Result<()> {
    let ws = all();
    if json {
        let v: Vec<serde_json::Value> = ws
            .iter()
            .map(|w| {
                serde_json::json!({
                    "name": w.name,
                    "title": w.title,
                    "summary": w.summary,
                    "steps": w.steps.len(),
                    "rules": w.rules(),
                })
            })
            .collect();
        println!("{}", serde_json::to_string_pretty(&v)?);
        return Ok(());
    }
    for w in &ws {
        println!("{:<12} {} ({} steps)", w.name, w.title, w.steps.len());
        println!("{:<12} teaches {}", "", w.rules().join(", "));
    }
    if hint {
        println!("\nplay one with: tworg demo NAME (tworg demo --help lists the presenter keys)");
    }
    Ok(())
}

/// `--headless`: every step's screen as text, to DIR or stdout; fails if a step does not hold.
fn write_headless(
    w: &Walkthrough,
    out: Option<&Path>,
    size: (u16, u16),
    opts: Options,
) -> anyhow::Result<()> {
    let results = run_frames(w, size, opts)?;
    if let Some(dir) = out {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    let mut failed = 0;
    for (i, (step, r)) in w.steps.iter().zip(&results).enumerate() {
        let mut text = format!(
            "# {} — step {}/{}\n# {}\n",
            w.title,
            i + 1,
            w.steps.len(),
            step.caption,
        );
        if opts.notes && !step.notes.is_empty() {
            text.push_str(&format!("# notes: {}\n", step.notes));
        }
        text.push_str(&format!("# keys: {}\n\n{}", step.keys, r.screen));
        match out {
            Some(dir) => std::fs::write(dir.join(format!("{}-{:02}.txt", w.name, i + 1)), text)?,
            None => println!("{}", crate::text::escape_lines(&text)),
        }
        for f in &r.failures {
            eprintln!("step {}: {f}", i + 1);
            failed += 1;
        }
    }
    if let Some(dir) = out {
        eprintln!("wrote {} screens to {}", results.len(), dir.display());
    }
    if failed > 0 {
        bail!(
            "{} of '{}' did not hold",
            crate::model::words::count(failed, "check", "checks"),
            w.name
        );
    }
    Ok(())
}

/// One step as the player shows it.
#[derive(Debug, Clone)]
pub struct Frame {
    /// The console's screen (what the step's screen checks read).
    pub screen: String,
    /// The whole player: console and caption pane.
    pub frame: String,
    /// The same, with its styles.
    pub buffer: Buffer,
    /// What did not hold.
    pub failures: Vec<String>,
}

/// Plays every step in turn, as the presenter's → would, and draws each at `size`.
pub fn run_frames(w: &Walkthrough, size: (u16, u16), opts: Options) -> anyhow::Result<Vec<Frame>> {
    let mut p = Player::new(w.clone(), opts, console_size(size))?;
    let mut t = Terminal::new(TestBackend::new(size.0, size.1))?;
    let mut out = Vec::new();
    for i in 0..w.steps.len() {
        if i > 0 {
            p.control(Control::Next)?;
            p.control(Control::Next)?; // the keys played at once
        }
        t.draw(|f| p.draw(f))?;
        out.push(Frame {
            screen: p.screen.clone(),
            frame: screen_text(t.backend()),
            buffer: t.backend().buffer().clone(),
            failures: p.failures.clone(),
        });
    }
    Ok(out)
}

/// The console's size inside a player of `size`.
pub fn console_size(size: (u16, u16)) -> (u16, u16) {
    (size.0.max(1), size.1.saturating_sub(CAPTION_ROWS).max(1))
}

/// The player: where it is in a walkthrough, and the console it drives.
pub struct Player {
    pub w: Walkthrough,
    pub app: App,
    org: Sid,
    /// The step shown (0-based).
    pub step: usize,
    /// Keys of the current step still to play, last first, with the time to wait before each.
    pending: Vec<(KeyEvent, Duration)>,
    /// The step's keys have all been played.
    pub finished: bool,
    /// → after the last step: the end is shown.
    pub at_end: bool,
    /// When the last key was played or the step finished.
    last: Instant,
    /// What did not hold at the end of the step.
    pub failures: Vec<String>,
    /// The console's screen at the end of the step.
    pub screen: String,
    pub opts: Options,
    /// Autoplay paused with `p`.
    pub paused: bool,
    /// `e`: the presenter is using the console.
    pub exploring: bool,
    pub show_notes: bool,
    controls: Controls,
    /// Something to say on the footer line (`there is no step 12`).
    note: Option<String>,
    /// The console's size on screen.
    size: (u16, u16),
}

impl Player {
    /// A player on step 1, its keys played, paused.
    pub fn new(w: Walkthrough, opts: Options, size: (u16, u16)) -> anyhow::Result<Player> {
        let (app, org) = fresh_app();
        let mut p = Player {
            w,
            app,
            org,
            step: 0,
            pending: Vec::new(),
            finished: false,
            at_end: false,
            last: Instant::now(),
            failures: Vec::new(),
            screen: String::new(),
            opts,
            paused: false,
            exploring: false,
            show_notes: opts.notes,
            controls: Controls::default(),
            note: None,
            size,
        };
        p.begin(0, false)?;
        Ok(p)
    }

    /// Rebuilds the console, replays the steps before `step` instantly, makes the step's setup,
    /// then plays its keys: at a pace (`animate`) or at once.
    fn begin(&mut self, step: usize, animate: bool) -> anyhow::Result<()> {
        let step = step.min(self.w.steps.len() - 1);
        if step != self.step + 1 || !animate {
            let (app, org) = fresh_app();
            self.app = app;
            self.org = org;
            let mut scratch = Terminal::new(TestBackend::new(self.size.0, self.size.1))?;
            for s in &self.w.steps[..step] {
                play_step(&mut self.app, &mut scratch, &self.org, s)?;
            }
        }
        self.step = step;
        self.at_end = false;
        self.exploring = false;
        let s = &self.w.steps[step];
        apply_setup(&mut self.app, &self.org, s)?;
        self.pending = paced_keys(&s.keys).map_err(|e| anyhow!(e))?;
        self.pending.reverse();
        self.finished = false;
        self.failures.clear();
        self.last = Instant::now();
        if !animate {
            self.play_rest();
        }
        Ok(())
    }

    /// Plays what is left of the step at once and checks it.
    fn play_rest(&mut self) {
        let mut t =
            Terminal::new(TestBackend::new(self.size.0, self.size.1)).expect("test backend");
        let _ = t.draw(|f| self.app.render(f));
        while let Some((k, _)) = self.pending.pop() {
            self.app.handle_key(k);
            let _ = t.draw(|f| self.app.render(f));
        }
        self.finish();
    }

    fn finish(&mut self) {
        self.screen = self.console_screen();
        let session = self.app.lock();
        self.failures = check_step(
            &self.w.steps[self.step],
            &self.screen,
            &session.world,
            &self.org,
        );
        drop(session);
        self.finished = true;
        self.last = Instant::now();
    }

    /// The console drawn now, at the size it has on screen.
    fn console_screen(&mut self) -> String {
        let (w, h) = self.size;
        let mut t = Terminal::new(TestBackend::new(w, h)).expect("test backend");
        let _ = t.draw(|f| self.app.render(f));
        screen_text(t.backend())
    }

    /// Does what a presenter's control asks.
    pub fn control(&mut self, c: Control) -> anyhow::Result<()> {
        self.note = None;
        let last = self.w.steps.len() - 1;
        match c {
            Control::Next if !self.finished => self.play_rest(),
            Control::Next if self.step < last => self.begin(self.step + 1, true)?,
            Control::Next => self.at_end = true,
            Control::Back if self.at_end => self.at_end = false,
            Control::Back => self.begin(self.step.saturating_sub(1), false)?,
            Control::Jump(n) if (1..=last + 1).contains(&n) => self.begin(n - 1, false)?,
            Control::Jump(n) => {
                self.note = Some(format!("there is no step {n}: steps are 1 to {}", last + 1))
            }
            Control::Restart => self.begin(0, false)?,
            Control::Explore => {
                if !self.finished {
                    self.play_rest();
                }
                self.exploring = true;
            }
            Control::Notes => self.show_notes = !self.show_notes,
            Control::Pause => self.paused = !self.paused,
            Control::Close => {
                if self.show_notes {
                    self.show_notes = false;
                }
            }
            Control::Quit => {}
        }
        Ok(())
    }

    /// A key from the terminal; true when the presenter quits.
    pub fn key(&mut self, k: KeyEvent) -> anyhow::Result<bool> {
        if self.exploring {
            let typing = !self.app.modals.is_empty() || self.app.filtering;
            let ctrl = k.modifiers.contains(KeyModifiers::CONTROL);
            match k.code {
                KeyCode::Char('e') if !typing && !ctrl => self.leave_explore()?,
                KeyCode::Char('e') if ctrl => self
                    .app
                    .handle_key(KeyEvent::new(KeyCode::Char('e'), KeyModifiers::NONE)),
                KeyCode::Char('c') if ctrl => return Ok(true),
                _ => {
                    self.app.handle_key(k);
                    if self.app.quit {
                        self.leave_explore()?;
                    }
                }
            }
            return Ok(false);
        }
        match self.controls.key(k) {
            Some(Control::Quit) => Ok(true),
            Some(c) => self.control(c).map(|_| false),
            None => Ok(false),
        }
    }

    /// Plays the next key of the step, or the whole of a typed text, at once; finishes the step
    /// after its last key. Returns how long the player would have taken (for recordings), or
    /// `None` when no key is left.
    pub fn play_token(&mut self) -> Option<Duration> {
        let (first, mut took) = self.pending.pop()?;
        self.app.handle_key(first);
        while let Some((k, d)) = self.pending.last().copied()
            && d == TYPE_PACE
        {
            self.pending.pop();
            self.app.handle_key(k);
            took += d;
        }
        // let the console draw between keys, as the terminal would
        let _ = self.console_screen();
        if self.pending.is_empty() {
            self.finish();
        }
        Some(took)
    }

    /// Back to the walkthrough from exploring: the step rebuilt as its caption describes it.
    fn leave_explore(&mut self) -> anyhow::Result<()> {
        self.exploring = false;
        self.size.1 = self.size.1.saturating_sub(CAPTION_ROWS - 1).max(1);
        self.begin(self.step, false)
    }

    /// Plays the next key when it is time; moves on by itself under `--autoplay`.
    pub fn tick(&mut self) -> anyhow::Result<()> {
        if self.exploring {
            self.app.tick();
            return Ok(());
        }
        if !self.finished {
            let wait = self.pending.last().map_or(KEY_PACE, |(_, d)| *d);
            if self.last.elapsed() >= wait {
                match self.pending.pop() {
                    Some((k, _)) => {
                        self.app.handle_key(k);
                        self.last = Instant::now();
                    }
                    None => self.finish(),
                }
            }
            return Ok(());
        }
        if let Some(secs) = self.opts.autoplay
            && !self.paused
            && !self.at_end
            && self.last.elapsed() >= self.hold(secs)
        {
            if self.step + 1 < self.w.steps.len() {
                self.begin(self.step + 1, true)?;
            } else {
                self.at_end = true;
            }
        }
        Ok(())
    }

    /// How long a finished step stays under autoplay: the seconds asked, or time to read the
    /// caption aloud (about 2.5 words a second, and 3 seconds to look at the screen).
    fn hold(&self, secs: f64) -> Duration {
        if secs > 0.0 {
            return Duration::from_secs_f64(secs);
        }
        let words = self.w.steps[self.step].caption.split_whitespace().count();
        Duration::from_secs_f64(3.0 + words as f64 / 2.5)
    }

    /// Draws the console above the caption pane (or the console alone while exploring).
    pub fn draw(&mut self, frame: &mut ratatui::Frame) {
        let full = frame.area();
        let bottom_rows = if self.exploring { 1 } else { CAPTION_ROWS };
        let [console_area, caption_area] =
            Layout::vertical([Constraint::Min(1), Constraint::Length(bottom_rows)]).areas(full);
        let size = (console_area.width.max(1), console_area.height.max(1));
        if size != self.size {
            self.size = size;
        }
        self.app.render_in(frame, console_area);
        if self.exploring {
            let line = format!(
                " Exploring step {}'s world: the full console, nothing is saved. e returns to the walkthrough (ctrl-e is the console's e).",
                self.step + 1
            );
            frame.render_widget(
                Paragraph::new(line).style(Style::new().add_modifier(Modifier::REVERSED)),
                caption_area,
            );
            return;
        }
        if self.finished {
            highlight(
                frame.buffer_mut(),
                console_area,
                self.w.steps[self.step].highlights(),
            );
        }
        self.draw_caption(frame, caption_area);
    }

    fn draw_caption(&self, frame: &mut ratatui::Frame, area: Rect) {
        let step = &self.w.steps[self.step];
        let (caption_area, notes_area) = if self.show_notes {
            let [a, b] =
                Layout::horizontal([Constraint::Percentage(60), Constraint::Percentage(40)])
                    .areas(area);
            (a, Some(b))
        } else {
            (area, None)
        };
        let dim = Style::new().add_modifier(Modifier::DIM);
        let state = if let Some(n) = &self.note {
            n.clone()
        } else if let Some(d) = self.controls.typing() {
            format!("go to step {d}_ (enter; esc cancels)")
        } else if self.at_end {
            "The end. ← back · r restart · q quit".to_string()
        } else if !self.finished {
            format!("playing: {}", step.keys)
        } else if self.opts.autoplay.is_some() && self.paused {
            format!("autoplay paused (p resumes) · {FOOTER}")
        } else {
            FOOTER.to_string()
        };
        let mut text = vec![
            Line::from(step.caption.clone()),
            Line::from(Span::styled(state, dim)),
        ];
        if self.opts.check && self.finished {
            text.push(if self.failures.is_empty() {
                Line::from(Span::styled(
                    "checks: ✓ every screen and model check holds",
                    Style::new().add_modifier(Modifier::BOLD),
                ))
            } else {
                Line::from(Span::styled(
                    format!("checks: ✗ {}", self.failures.join("; ")),
                    Style::new().add_modifier(Modifier::BOLD | Modifier::REVERSED),
                ))
            });
        }
        let title = format!(
            " {} — step {} of {} ",
            self.w.title,
            self.step + 1,
            self.w.steps.len()
        );
        frame.render_widget(Clear, area);
        frame.render_widget(
            Paragraph::new(text)
                .wrap(Wrap { trim: true })
                .block(Block::default().borders(Borders::ALL).title(title)),
            caption_area,
        );
        if let Some(notes_area) = notes_area {
            let body = if step.notes.is_empty() {
                "(no notes for this step)".to_string()
            } else {
                step.notes.clone()
            };
            frame.render_widget(
                Paragraph::new(body).wrap(Wrap { trim: true }).block(
                    Block::default()
                        .borders(Borders::ALL)
                        .title(" Presenter notes "),
                ),
                notes_area,
            );
        }
    }
}

/// Marks each occurrence of each text in `area` (reversed and bold), so what a caption names
/// stands out on a projector.
pub fn highlight(buf: &mut Buffer, area: Rect, texts: &[String]) {
    for y in area.y..area.y + area.height {
        // the row's characters with the column each starts at
        let mut chars: Vec<(char, u16)> = Vec::new();
        for x in area.x..area.x + area.width {
            for c in buf[(x, y)].symbol().chars() {
                chars.push((c, x));
            }
        }
        for t in texts {
            let want: Vec<char> = t.chars().collect();
            if want.is_empty() || want.len() > chars.len() {
                continue;
            }
            let mut i = 0;
            while i + want.len() <= chars.len() {
                if chars[i..i + want.len()]
                    .iter()
                    .map(|(c, _)| *c)
                    .eq(want.iter().copied())
                {
                    let (from, to) = (chars[i].1, chars[i + want.len() - 1].1);
                    for x in from..=to {
                        let cell = &mut buf[(x, y)];
                        cell.set_style(
                            cell.style()
                                .add_modifier(Modifier::REVERSED | Modifier::BOLD),
                        );
                    }
                    i += want.len();
                } else {
                    i += 1;
                }
            }
        }
    }
}

/// Plays a walkthrough in the real terminal.
fn play(w: &Walkthrough, opts: Options) -> anyhow::Result<()> {
    let (cols, rows) = ratatui::crossterm::terminal::size().unwrap_or(DEFAULT_SIZE);
    let mut player = Player::new(w.clone(), opts, console_size((cols, rows)))?;
    in_terminal(&mut player, |p, f| p.draw(f), |p, k| p.key(k), |p| p.tick())
}

/// The terminal loop the player and the exercise share: draw, read a key (a press), tick;
/// until the key handler says done. The terminal is restored however it ends.
pub(super) fn in_terminal<S>(
    state: &mut S,
    draw: impl Fn(&mut S, &mut ratatui::Frame),
    key: impl Fn(&mut S, KeyEvent) -> anyhow::Result<bool>,
    tick: impl Fn(&mut S) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let mut terminal = ratatui::try_init().context("cannot open the terminal")?;
    let result = (|| -> anyhow::Result<()> {
        loop {
            terminal.draw(|f| draw(state, f))?;
            if event::poll(Duration::from_millis(50))?
                && let Event::Key(k) = event::read()?
                && k.is_press()
                && key(state, k)?
            {
                return Ok(());
            }
            tick(state)?;
        }
    })();
    ratatui::restore();
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_text_is_paced_as_typing_and_commands_as_keys() {
        let keys = paced_keys("3 i \"ab c\" enter").unwrap();
        let paces: Vec<Duration> = keys.iter().map(|(_, d)| *d).collect();
        assert_eq!(
            paces,
            [
                KEY_PACE, KEY_PACE, KEY_PACE, TYPE_PACE, TYPE_PACE, TYPE_PACE, KEY_PACE
            ]
        );
        let plain: Vec<KeyEvent> = keys.into_iter().map(|(k, _)| k).collect();
        assert_eq!(plain, keys::parse_keys("3 i \"ab c\" enter").unwrap());
        assert!(paced_keys("\"open").is_err());
    }
}
