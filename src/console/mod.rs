//! The ratatui console: a person administers an organization with the keyboard alone. It drives
//! the shared model through the same actions as the CLI and holds no rule of its own.
//!
//! Layout: [`app`] (state and update, no terminal; `app/tabs.rs` what each tab's keys open,
//! `app/submit.rs` where a pick leads), [`forms`] (each form as data: its fields, the typed input
//! they read back as, the action it builds, its preview), [`keymap`] (the one key table), [`keys`]
//! (key names and the `--keys` syntax), [`modal`] (forms, confirmations, pickers), [`view`] (row
//! models), [`theme`] (colour and monochrome), `ui` (drawing). The terminal loop here and
//! [`render_headless`] drive the same `App`.

pub mod app;
pub mod fixes;
pub mod forms;
pub mod keymap;
pub mod keys;
pub mod modal;
pub mod roles;
pub mod theme;
mod ui;
pub mod view;

use std::time::Duration;

use anyhow::{Context as _, anyhow};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{self, Event};
use ratatui::crossterm::execute;

pub use app::App;
pub use ui::{MIN_HEIGHT, MIN_WIDTH};

use crate::model::{Ctx, World};
use crate::persist::WorldFile;
use crate::session::Session;
use crate::target::{Target, resolve_ctx};
use theme::Theme;

pub struct ConsoleOptions {
    pub read_only: bool,
    pub no_color: bool,
    pub mouse: bool,
    /// Serve the org's SCIM endpoint on this address while the console is open.
    pub scim: Option<String>,
}

impl ConsoleOptions {
    pub fn from_cli_parts(read_only: bool, no_color: bool) -> ConsoleOptions {
        ConsoleOptions {
            read_only,
            no_color,
            mouse: false,
            scim: None,
        }
    }
}

/// Loads the world (locked for writing unless read-only or `lock` is false) and the context.
fn open(
    target: &Target,
    read_only: bool,
    lock: bool,
) -> anyhow::Result<(World, Option<WorldFile>, Ctx)> {
    let (world, file) = if read_only || !lock {
        (target.read().map_err(anyhow::Error::from)?, None)
    } else {
        let (f, w) = target.open().map_err(anyhow::Error::from)?;
        (w, Some(f))
    };
    let ctx = resolve_ctx(&world, target.org.as_deref(), target.as_user.as_deref())
        .map_err(anyhow::Error::from)?;
    Ok((world, file, ctx))
}

/// Restores the terminal when dropped, so `?` and early returns restore it too (a panic is
/// covered by the hook `ratatui::init` installs).
struct TerminalGuard {
    mouse: bool,
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        let mut out = std::io::stdout();
        let _ = execute!(out, event::DisableBracketedPaste);
        if self.mouse {
            let _ = execute!(out, event::DisableMouseCapture);
        }
        ratatui::restore();
    }
}

/// `tworg` with no command: the console on the world file, saving every change at once.
pub fn run_terminal(target: &Target, opts: &ConsoleOptions) -> anyhow::Result<()> {
    // Not a terminal: no screen to draw (nor escape sequences to write into a pipe or a file).
    if !std::io::IsTerminal::is_terminal(&std::io::stdout()) {
        return Err(anyhow!(
            "the console needs a terminal on its standard output; in a pipe or a script use commands such as `tworg show users`"
        ));
    }
    let (world, file, ctx) = open(target, opts.read_only, true)?;
    // Each change is appended to the journal at once and fsynced by a background thread, so a
    // keystroke never waits for the disk; the header shows when the newest change is on disk,
    // and quitting waits for it and compacts.
    let session = if opts.read_only {
        Session::read_only(world)
    } else {
        Session::new(world, file).with_background_saves()
    };
    let shared = session.shared();
    // The SCIM server shares the session: one model, no update lost between the two faces.
    let server = match &opts.scim {
        Some(addr) => {
            let addr = addr.parse().map_err(|_| {
                anyhow!("--scim takes an address such as 127.0.0.1:8087, not '{addr}'")
            })?;
            Some(crate::server::spawn(shared.clone(), ctx.org.clone(), addr)?)
        }
        None => None,
    };
    let mut app = App::new(shared, ctx, Theme::new(opts.no_color));
    if opts.read_only {
        app.file_label = format!("{} · read-only", target.path.display());
    }
    app.header_note = server.as_ref().map(|s| format!("SCIM {}", s.base_url()));
    let result = run_app(app, opts);
    if let Some(s) = server {
        s.shutdown();
    }
    result
}

/// The terminal loop on an app whose session may be shared with another face (the SCIM server
/// serving the same `Arc<Mutex<Session>>`): its changes appear within one poll.
pub fn run_app(mut app: App, opts: &ConsoleOptions) -> anyhow::Result<()> {
    app.mouse = opts.mouse;
    app.background_restore = true;
    let mut terminal = ratatui::try_init().context("cannot open the terminal")?;
    let guard = TerminalGuard { mouse: opts.mouse };
    let mut out = std::io::stdout();
    execute!(out, event::EnableBracketedPaste)?;
    if opts.mouse {
        execute!(out, event::EnableMouseCapture)?;
    }
    let mut seen = None;
    let mut dirty = true;
    loop {
        // Changes by the SCIM server in the shared session, and a finished background save,
        // show up within one poll.
        if app.tick() {
            dirty = true;
        }
        let state = {
            let mut s = app.lock();
            s.poll();
            (s.generation(), s.is_saved())
        };
        if dirty || seen != Some(state) {
            terminal.draw(|f| app.render(f))?;
            seen = Some(state);
            dirty = false;
        }
        if app.quit {
            break;
        }
        fail_for_tests()?;
        if event::poll(Duration::from_millis(250))? {
            match event::read()? {
                Event::Key(k) => app.handle_key(k),
                Event::Paste(s) => app.paste(&s),
                Event::Mouse(m) if app.mouse => app.mouse_event(m),
                _ => {}
            }
            dirty = true;
        }
    }
    drop(terminal);
    drop(guard);
    app.lock()
        .flush()
        .map_err(|e| anyhow!("the last change could not be saved: {e}"))
}

/// `TWORG_FAIL_AFTER_FIRST_FRAME=error|panic` makes the console fail once it has drawn, so the
/// real-terminal tests can check that the terminal is restored after an error and a panic.
fn fail_for_tests() -> anyhow::Result<()> {
    match std::env::var("TWORG_FAIL_AFTER_FIRST_FRAME").as_deref() {
        Ok("error") => Err(anyhow!(
            "failing on purpose (TWORG_FAIL_AFTER_FIRST_FRAME=error)"
        )),
        Ok("panic") => panic!("panicking on purpose (TWORG_FAIL_AFTER_FIRST_FRAME=panic)"),
        _ => Ok(()),
    }
}

/// Parses `COLSxROWS`.
fn parse_size(size: &str) -> anyhow::Result<(u16, u16)> {
    let (w, h) = size
        .split_once(['x', 'X'])
        .ok_or_else(|| anyhow!("--size takes COLSxROWS such as 100x30, not '{size}'"))?;
    let w: u16 = w
        .trim()
        .parse()
        .map_err(|_| anyhow!("bad width in --size '{size}'"))?;
    let h: u16 = h
        .trim()
        .parse()
        .map_err(|_| anyhow!("bad height in --size '{size}'"))?;
    if w == 0 || h == 0 || w > 1000 || h > 1000 {
        return Err(anyhow!("--size must be between 1x1 and 1000x1000"));
    }
    Ok((w, h))
}

/// The screen as plain text: one line per row, trailing spaces trimmed.
pub fn screen_text(backend: &TestBackend) -> String {
    let buf = backend.buffer();
    area_text(buf, buf.area)
}

/// The text of `area` of a drawn buffer, as [`screen_text`] gives a whole screen.
pub fn area_text(buf: &ratatui::buffer::Buffer, area: ratatui::layout::Rect) -> String {
    let area = area.intersection(buf.area);
    let mut out = String::new();
    for y in area.top()..area.bottom() {
        let mut line = String::new();
        for x in area.left()..area.right() {
            line.push_str(buf[(x, y)].symbol());
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// Feeds keys to an app drawn on a test backend, drawing after each key as the terminal would.
pub fn drive(app: &mut App, terminal: &mut Terminal<TestBackend>, keys: &[event::KeyEvent]) {
    let _ = terminal.draw(|f| app.render(f));
    for k in keys {
        if app.quit {
            break;
        }
        app.handle_key(*k);
        let _ = terminal.draw(|f| app.render(f));
    }
}

/// `tworg render`: the console with no terminal. Never saves unless `save`.
pub fn render_headless(
    target: &Target,
    opts: &ConsoleOptions,
    keys: &str,
    size: &str,
    save: bool,
) -> anyhow::Result<String> {
    let (w, h) = parse_size(size)?;
    let keys = keys::parse_keys(keys).map_err(|e| anyhow!("--keys: {e}"))?;
    let (world, file, ctx) = open(target, opts.read_only, save)?;
    let session = if opts.read_only {
        Session::read_only(world)
    } else {
        Session::new(world, file)
    };
    let mut app = App::new(session.shared(), ctx, Theme::new(opts.no_color));
    app.file_label = format!("{} · render: changes are not saved", target.path.display());
    let mut terminal = Terminal::new(TestBackend::new(w, h))?;
    drive(&mut app, &mut terminal, &keys);
    // a clean exit folds the journal into the snapshot
    app.lock()
        .flush()
        .map_err(|e| anyhow!("the last change could not be saved: {e}"))?;
    Ok(screen_text(terminal.backend()))
}
