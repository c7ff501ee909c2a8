//! Shared by the console's key-driven tests: an [`App`] driven by key scripts on a test
//! terminal, what is on screen, the world behind it, the status line and the open dialog's
//! problem. Each test file adds the lookups it needs in an `impl Harness` of its own.
#![allow(dead_code)]

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use tworg::console::app::App;
use tworg::console::{drive, keys, screen_text};
use tworg::model::World;

pub struct Harness {
    pub app: App,
    pub term: Terminal<TestBackend>,
}

impl Harness {
    /// The demo world at 100x30.
    pub fn new() -> Harness {
        Harness::sized(100, 30)
    }

    /// The demo world at `w` x `h`.
    pub fn sized(w: u16, h: u16) -> Harness {
        Harness::with_app(App::demo(), w, h)
    }

    pub fn with_app(app: App, w: u16, h: u16) -> Harness {
        Harness {
            app,
            term: Terminal::new(TestBackend::new(w, h)).unwrap(),
        }
    }

    /// Plays a key script (`keys::parse_keys`' syntax), drawing a frame after each key.
    pub fn keys(&mut self, script: &str) -> &mut Harness {
        let k = keys::parse_keys(script).unwrap();
        drive(&mut self.app, &mut self.term, &k);
        self
    }

    pub fn screen(&self) -> String {
        screen_text(self.term.backend())
    }

    /// `f` of the world, without copying it.
    pub fn w<R>(&self, f: impl FnOnce(&World) -> R) -> R {
        f(&self.app.lock().world)
    }

    pub fn world(&self) -> World {
        self.app.lock().world.clone()
    }

    /// The status line's text ("" when there is none).
    pub fn status(&self) -> String {
        self.app
            .status
            .as_ref()
            .map(|s| s.text.clone())
            .unwrap_or_default()
    }

    /// The problem the top dialog shows, as one line.
    pub fn top_problem(&self) -> Option<String> {
        self.app
            .modals
            .last()
            .and_then(|m| m.problem())
            .map(|p| p.line())
    }
}
