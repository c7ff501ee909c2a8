//! `tworg demo`: lists the walkthroughs, plays one in the real terminal with a caption box, or
//! writes each step's screen to files (`--headless --out DIR`).
//!
//! The console runs on a scratch copy of the demo world, never the user's file. Keys are played
//! at a readable pace; `space` pauses, `→` finishes the step, `←` goes back a step (the console is
//! rebuilt and the earlier steps replayed instantly, which is exact because everything is
//! deterministic), `q` quits.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context as _, anyhow, bail};
use clap::Args;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{self, Event, KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use super::runner::{apply_setup, fresh_app, play_step, run_headless};
use super::{Walkthrough, all, check_step, find};
use crate::console::{App, keys, screen_text};
use crate::model::Sid;

/// Time between two played keys.
const KEY_PACE: Duration = Duration::from_millis(450);
/// Time a finished step stays on screen before the next begins.
const STEP_HOLD: Duration = Duration::from_millis(3500);
/// Rows the caption box takes below the console.
const CAPTION_ROWS: u16 = 8;

/// `tworg demo`'s arguments (the CLI parses them; the player reads them).
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// The walkthrough to play
    pub name: Option<String>,
    /// List the walkthroughs
    #[arg(long)]
    pub list: bool,
    /// Render each step without a terminal
    #[arg(long)]
    pub headless: bool,
    /// With --headless: write each step's screen here
    #[arg(long)]
    pub out: Option<PathBuf>,
}

pub fn demo_cli(args: &DemoArgs) -> anyhow::Result<()> {
    if args.list || args.name.is_none() {
        for w in all() {
            println!(
                "{:<12} {} ({} steps) — {}",
                w.name,
                w.title,
                w.steps.len(),
                w.summary
            );
        }
        if args.name.is_none() && !args.list {
            println!("\nplay one with: tworg demo NAME");
        }
        return Ok(());
    }
    let name = args.name.as_deref().expect("checked");
    let w = find(name)
        .ok_or_else(|| anyhow!("no walkthrough named '{name}'; tworg demo --list shows them"))?;
    if args.headless {
        return write_headless(&w, args.out.as_deref());
    }
    play(&w)
}

/// `--headless`: every step's screen as text, to DIR or stdout; fails if a step does not hold.
fn write_headless(w: &Walkthrough, out: Option<&Path>) -> anyhow::Result<()> {
    let results = run_headless(w, 100, 30)?;
    if let Some(dir) = out {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    let mut failed = 0;
    for (i, (step, r)) in w.steps.iter().zip(&results).enumerate() {
        let text = format!(
            "# {} — step {}/{}\n# {}\n# keys: {}\n\n{}",
            w.title,
            i + 1,
            w.steps.len(),
            step.caption,
            step.keys,
            r.screen
        );
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

/// Where the player is.
struct Player<'a> {
    w: &'a Walkthrough,
    app: App,
    org: Sid,
    step: usize,
    /// Keys of the current step still to play.
    pending: Vec<KeyEvent>,
    paused: bool,
    /// When the current step finished (its keys all played).
    finished_at: Option<Instant>,
    last_key: Instant,
    failures: Vec<String>,
    done: bool,
    /// The console's screen at the end of the step (what the step's screen checks read).
    screen: String,
    /// The console's size on screen.
    size: (u16, u16),
}

impl<'a> Player<'a> {
    fn new(w: &'a Walkthrough) -> anyhow::Result<Player<'a>> {
        let (app, org) = fresh_app();
        let mut p = Player {
            w,
            app,
            org,
            step: 0,
            pending: Vec::new(),
            paused: false,
            finished_at: None,
            last_key: Instant::now(),
            failures: Vec::new(),
            done: false,
            screen: String::new(),
            size: (100, 30),
        };
        p.begin(0)?;
        Ok(p)
    }

    /// Rebuilds the console and replays steps before `step` instantly, then queues its keys.
    fn begin(&mut self, step: usize) -> anyhow::Result<()> {
        let (app, org) = fresh_app();
        self.app = app;
        self.org = org;
        let mut scratch = Terminal::new(TestBackend::new(100, 30))?;
        for s in &self.w.steps[..step] {
            play_step(&mut self.app, &mut scratch, &self.org, s)?;
        }
        self.step = step;
        apply_setup(&mut self.app, &self.org, &self.w.steps[step])?;
        self.pending = keys::parse_keys(&self.w.steps[step].keys).map_err(|e| anyhow!(e))?;
        self.pending.reverse();
        self.finished_at = None;
        self.failures.clear();
        self.last_key = Instant::now();
        Ok(())
    }

    /// Plays the next key if it is time; finishes the step when no key is left.
    fn tick(&mut self) -> anyhow::Result<()> {
        if self.paused || self.done {
            return Ok(());
        }
        if let Some(at) = self.finished_at {
            if at.elapsed() >= STEP_HOLD {
                self.next()?;
            }
            return Ok(());
        }
        if self.last_key.elapsed() < KEY_PACE {
            return Ok(());
        }
        match self.pending.pop() {
            Some(k) => {
                self.app.handle_key(k);
                self.last_key = Instant::now();
            }
            None => self.finish(),
        }
        Ok(())
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
        self.finished_at = Some(Instant::now());
    }

    /// `→`: plays what is left of this step at once; if it was done, moves on.
    fn forward(&mut self) -> anyhow::Result<()> {
        if self.finished_at.is_some() {
            return self.next();
        }
        while let Some(k) = self.pending.pop() {
            self.app.handle_key(k);
        }
        self.finish();
        Ok(())
    }

    /// The console drawn now, at the size it has on screen.
    fn console_screen(&mut self) -> String {
        let (w, h) = self.size;
        let mut t = Terminal::new(TestBackend::new(w.max(1), h.max(1))).expect("test backend");
        let _ = t.draw(|f| self.app.render(f));
        screen_text(t.backend())
    }

    fn next(&mut self) -> anyhow::Result<()> {
        if self.step + 1 < self.w.steps.len() {
            self.begin(self.step + 1)
        } else {
            self.done = true;
            Ok(())
        }
    }

    fn back(&mut self) -> anyhow::Result<()> {
        self.done = false;
        self.begin(self.step.saturating_sub(1))
    }
}

/// Draws the console in the area above the caption box, then the caption.
fn draw(frame: &mut ratatui::Frame, p: &mut Player) {
    let [console_area, caption_area] =
        Layout::vertical([Constraint::Min(1), Constraint::Length(CAPTION_ROWS)])
            .areas(frame.area());
    // The console draws into an off-screen buffer of its own size, copied in place.
    let mut inner = Terminal::new(TestBackend::new(
        console_area.width.max(1),
        console_area.height.max(1),
    ))
    .expect("test backend");
    let _ = inner.draw(|f| p.app.render(f));
    p.size = (console_area.width, console_area.height);
    let src = inner.backend().buffer();
    let buf = frame.buffer_mut();
    for y in 0..console_area.height {
        for x in 0..console_area.width {
            buf[(console_area.x + x, console_area.y + y)] = src[(x, y)].clone();
        }
    }
    draw_caption(frame, caption_area, p);
}

fn draw_caption(frame: &mut ratatui::Frame, area: Rect, p: &Player) {
    let step = &p.w.steps[p.step];
    let state = if p.done {
        "finished — ← back · q quit"
    } else if p.paused {
        "paused — space resume · → step · ← back · q quit"
    } else {
        "playing — space pause · → step · ← back · q quit"
    };
    let checks = match (&p.finished_at, p.failures.is_empty()) {
        (None, _) => Span::raw(""),
        (Some(_), true) => Span::styled(
            "  ✓ every check holds",
            Style::new().add_modifier(Modifier::BOLD),
        ),
        (Some(_), false) => Span::styled(
            format!("  ✗ {}", p.failures.join("; ")),
            Style::new().add_modifier(Modifier::BOLD | Modifier::REVERSED),
        ),
    };
    let title = format!(" {} — step {}/{} ", p.w.title, p.step + 1, p.w.steps.len());
    let text = vec![
        Line::from(step.caption.clone()),
        Line::from(vec![
            Span::styled(state, Style::new().add_modifier(Modifier::DIM)),
            checks,
        ]),
    ];
    frame.render_widget(Clear, area);
    frame.render_widget(
        Paragraph::new(text)
            .wrap(Wrap { trim: true })
            .block(Block::default().borders(Borders::ALL).title(title)),
        area,
    );
}

/// Plays a walkthrough in the real terminal.
fn play(w: &Walkthrough) -> anyhow::Result<()> {
    let mut player = Player::new(w)?;
    let mut terminal = ratatui::try_init().context("cannot open the terminal")?;
    let result = (|| -> anyhow::Result<()> {
        loop {
            terminal.draw(|f| draw(f, &mut player))?;
            if event::poll(Duration::from_millis(50))?
                && let Event::Key(k) = event::read()?
                && k.is_press()
            {
                match (k.code, k.modifiers) {
                    (KeyCode::Char('q'), _) | (KeyCode::Esc, _) => return Ok(()),
                    (KeyCode::Char('c'), KeyModifiers::CONTROL) => return Ok(()),
                    (KeyCode::Char(' '), _) => player.paused = !player.paused,
                    (KeyCode::Right, _) => player.forward()?,
                    (KeyCode::Left, _) => player.back()?,
                    _ => {}
                }
            }
            player.tick()?;
        }
    })();
    ratatui::restore();
    result
}
