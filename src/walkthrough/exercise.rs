//! `tworg demo NAME --exercise`: the learner does each step themselves in the real console, on
//! a scratch copy of the demo world. The caption is the task; `f5` grades it by the step's own
//! checks: its facts about the model, as they are now, and the texts it names on the screen, seen
//! at any moment since the step began (a learner may close the refusal they caused before asking
//! for a grade). The answer is passed, or what is still missing, with a hint (the step's `hint`,
//! else its keys) after two failed tries. `f6` skips a step. The score is shown at the end and
//! printed when the console closes.

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::{Constraint, Layout};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use super::Walkthrough;
use super::player::{CAPTION_ROWS, console_size};
use super::runner::{apply_setup, fresh_app};
use crate::console::{App, keys, screen_text};
use crate::model::Sid;

/// Failed tries before the hint is shown.
pub const TRIES_BEFORE_HINT: usize = 2;

/// How a step ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Passed on try `tries`; `hinted` when the hint had been shown.
    Passed {
        tries: usize,
        hinted: bool,
    },
    Skipped,
}

/// What the last `f5` said.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Grade {
    /// Step N passed (1-based).
    Passed(usize),
    /// What is still missing, and the hint once the learner has tried twice.
    Missing {
        missing: Vec<String>,
        hint: Option<String>,
    },
}

pub struct Exercise {
    pub w: Walkthrough,
    pub app: App,
    org: Sid,
    /// The step being done (0-based); `steps.len()` when finished.
    pub step: usize,
    /// Failed checks of this step so far.
    pub tries: usize,
    pub outcomes: Vec<Outcome>,
    pub last: Option<Grade>,
    /// Which of the step's screen texts have been on the screen since it began.
    seen: Vec<bool>,
    size: (u16, u16),
}

impl Exercise {
    pub fn new(w: Walkthrough, size: (u16, u16)) -> anyhow::Result<Exercise> {
        let (app, org) = fresh_app();
        let mut e = Exercise {
            w,
            app,
            org,
            step: 0,
            tries: 0,
            outcomes: Vec::new(),
            last: None,
            seen: Vec::new(),
            size,
        };
        e.start_step()?;
        Ok(e)
    }

    pub fn done(&self) -> bool {
        self.step >= self.w.steps.len()
    }

    fn start_step(&mut self) -> anyhow::Result<()> {
        self.tries = 0;
        self.seen.clear();
        if let Some(s) = self.w.steps.get(self.step) {
            self.seen = vec![false; s.screen.len()];
            apply_setup(&mut self.app, &self.org, s)?;
        }
        Ok(())
    }

    /// Notes which of the step's screen texts a drawn screen shows.
    fn observe(&mut self, screen: &str) {
        if let Some(s) = self.w.steps.get(self.step) {
            for (seen, text) in self.seen.iter_mut().zip(&s.screen) {
                *seen |= screen.contains(text.as_str());
            }
        }
    }

    /// Types keys into the console, as the learner would (the `--keys` syntax).
    pub fn type_keys(&mut self, script: &str) -> anyhow::Result<()> {
        let mut t = Terminal::new(TestBackend::new(self.size.0, self.size.1))?;
        let _ = t.draw(|f| self.app.render(f));
        for k in keys::parse_keys(script).map_err(|e| anyhow::anyhow!(e))? {
            self.app.handle_key(k);
            let _ = t.draw(|f| self.app.render(f));
            let screen = screen_text(t.backend());
            self.observe(&screen);
        }
        Ok(())
    }

    /// `f5`: grades the step by its checks.
    pub fn check(&mut self) -> anyhow::Result<Grade> {
        let Some(step) = self.w.steps.get(self.step).cloned() else {
            anyhow::bail!("the exercise is finished");
        };
        let mut t = Terminal::new(TestBackend::new(self.size.0, self.size.1))?;
        let _ = t.draw(|f| self.app.render(f));
        let screen = screen_text(t.backend());
        self.observe(&screen);
        let mut missing: Vec<String> = step
            .screen
            .iter()
            .zip(&self.seen)
            .filter(|(_, seen)| !**seen)
            .map(|(t, _)| format!("the screen has not shown {t:?} yet"))
            .collect();
        {
            let s = self.app.lock();
            missing.extend(
                step.facts
                    .iter()
                    .filter_map(|f| f.check(&s.world, &self.org).err()),
            );
        }
        let grade = if missing.is_empty() {
            self.outcomes.push(Outcome::Passed {
                tries: self.tries + 1,
                hinted: self.tries >= TRIES_BEFORE_HINT,
            });
            let n = self.step + 1;
            self.step += 1;
            self.start_step()?;
            Grade::Passed(n)
        } else {
            self.tries += 1;
            let hint = (self.tries >= TRIES_BEFORE_HINT).then(|| {
                step.hint
                    .clone()
                    .unwrap_or_else(|| format!("the keys are: {}", step.keys))
            });
            Grade::Missing { missing, hint }
        };
        self.last = Some(grade.clone());
        Ok(grade)
    }

    /// `f6`: skips the step (it scores nothing).
    pub fn skip(&mut self) -> anyhow::Result<()> {
        if self.done() {
            return Ok(());
        }
        self.outcomes.push(Outcome::Skipped);
        self.step += 1;
        self.last = None;
        self.start_step()
    }

    /// `Score: 4 of 6 steps passed (1 after a hint), 1 skipped.`
    pub fn score(&self) -> String {
        let passed = self
            .outcomes
            .iter()
            .filter(|o| matches!(o, Outcome::Passed { .. }))
            .count();
        let hinted = self
            .outcomes
            .iter()
            .filter(|o| matches!(o, Outcome::Passed { hinted: true, .. }))
            .count();
        let skipped = self.outcomes.len() - passed;
        let mut s = format!("Score: {passed} of {} steps passed", self.w.steps.len());
        if hinted > 0 {
            s.push_str(&format!(" ({hinted} after a hint)"));
        }
        if skipped > 0 {
            s.push_str(&format!(", {skipped} skipped"));
        }
        let left = self.w.steps.len() - self.outcomes.len();
        if left > 0 {
            s.push_str(&format!(", {left} not done"));
        }
        s.push('.');
        s
    }

    /// A key from the terminal; true when the learner stops.
    pub fn key(&mut self, k: KeyEvent) -> anyhow::Result<bool> {
        let ctrl = k.modifiers.contains(KeyModifiers::CONTROL);
        match k.code {
            KeyCode::Char('c') if ctrl => return Ok(true),
            KeyCode::Char('q') if self.done() => return Ok(true),
            _ if self.done() => {}
            KeyCode::F(5) => {
                self.check()?;
            }
            KeyCode::F(6) => self.skip()?,
            _ => {
                self.app.handle_key(k);
                // the console's own quit ends the exercise too
                if self.app.quit {
                    return Ok(true);
                }
            }
        }
        Ok(false)
    }

    pub fn draw(&mut self, frame: &mut ratatui::Frame) {
        let [console_area, task_area] =
            Layout::vertical([Constraint::Min(1), Constraint::Length(CAPTION_ROWS)])
                .areas(frame.area());
        self.size = (console_area.width.max(1), console_area.height.max(1));
        self.app.render_in(frame, console_area);
        let screen = crate::console::area_text(frame.buffer_mut(), console_area);
        self.observe(&screen);
        let bold = Style::new().add_modifier(Modifier::BOLD);
        let dim = Style::new().add_modifier(Modifier::DIM);
        let n = self.w.steps.len();
        let (title, mut lines) = if self.done() {
            (
                format!(" Exercise: {} — finished ", self.w.title),
                vec![
                    Line::from(Span::styled(self.score(), bold)),
                    Line::from(Span::styled("q quits", dim)),
                ],
            )
        } else {
            (
                format!(
                    " Exercise: {} — step {} of {n} ",
                    self.w.title,
                    self.step + 1
                ),
                vec![Line::from(format!(
                    "Your task: {}",
                    self.w.steps[self.step].caption
                ))],
            )
        };
        match &self.last {
            Some(Grade::Passed(k)) if !self.done() => lines.push(Line::from(Span::styled(
                format!("✓ step {k} passed. On to the next one."),
                bold,
            ))),
            Some(Grade::Missing { missing, hint }) => {
                lines.push(Line::from(Span::styled(
                    format!("Not yet: {}.", missing.join("; ")),
                    bold,
                )));
                if let Some(h) = hint {
                    lines.push(Line::from(format!("Hint: {h}")));
                }
            }
            _ => {}
        }
        if !self.done() {
            lines.push(Line::from(Span::styled(
                "f5 check this step · f6 skip · ctrl-c stop (the console's keys work as usual)",
                dim,
            )));
        }
        frame.render_widget(Clear, task_area);
        frame.render_widget(
            Paragraph::new(lines)
                .wrap(Wrap { trim: true })
                .block(Block::default().borders(Borders::ALL).title(title)),
            task_area,
        );
    }
}

/// Runs an exercise in the real terminal, then prints the score.
pub fn run(w: &Walkthrough) -> anyhow::Result<()> {
    let size = ratatui::crossterm::terminal::size().unwrap_or(super::player::DEFAULT_SIZE);
    let mut ex = Exercise::new(w.clone(), console_size(size))?;
    super::player::in_terminal(
        &mut ex,
        |ex, f| ex.draw(f),
        |ex, k| ex.key(k),
        |ex| {
            ex.app.tick();
            Ok(())
        },
    )?;
    println!("{}: {}", w.title, ex.score());
    Ok(())
}
