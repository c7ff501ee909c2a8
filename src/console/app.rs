//! The console's state and its update: keys in, model actions out. No terminal here, so tests
//! drive it with `handle_key` and draw it into a `TestBackend` with `render`.
//!
//! Every change goes through `Session::apply`; a refusal comes back as data and is shown. The
//! console checks nothing itself: availability is asked of `World::permission`.

use std::sync::MutexGuard;

use ratatui::Frame;
use ratatui::crossterm::event::{
    Event, KeyEvent, KeyEventKind, MouseButton, MouseEvent, MouseEventKind,
};
use ratatui::layout::Rect;
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

use super::forms::{self, FormSpec};
use super::keymap::{self, Binding, Cmd, KeyCtx, Need};
use super::modal::*;
use super::theme::Theme;
use super::view::{self, AccRow, Rows, SettingRow, UserRow};
use crate::model::action::Setting;
use crate::model::{
    Action, Actor, Ctx, MemberStatus, OrgRole, Outcome, Refusal, Sid, SidKind, SignupSetting, World,
};
use crate::persist::journal::RestoreVerb;
use crate::session::{ApplyError, Session, SharedSession};

mod roles;
mod rows;
mod staging;
mod submit;
mod tabs;

/// Undo goes back at most this many changes.
const UNDO_DEPTH: usize = 50;

/// Where undo goes back to. A world saved to a file keeps no copy of itself: the state before a
/// change is rebuilt from the snapshot and the journal when it is undone. A scratch world (no
/// file: tests, walkthroughs, headless rendering) keeps a copy, which is small.
#[derive(Debug)]
enum UndoPoint {
    /// The journal record of the change.
    Record(u64),
    World(Box<World>),
}

/// Where redo goes: the undone change, and the index of its first audit entry.
#[derive(Debug)]
enum RedoPoint {
    Record(u64, usize),
    World(Box<World>, usize),
}

/// An undo or redo whose world is being rebuilt from the files on another thread.
struct PendingRestore {
    verb: RestoreVerb,
    /// The record whose state the world takes.
    to: u64,
    /// Undo: the record being undone (for redo later). Redo: the audit index of the change.
    record: u64,
    change: usize,
    /// What the change was, in words.
    what: String,
    rx: std::sync::mpsc::Receiver<Result<World, String>>,
}

pub use super::keymap::Tab;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusKind {
    Ok,
    Refused,
    Unavailable,
    Info,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    pub kind: StatusKind,
    pub text: String,
}

/// One line of the message log: a result or a refusal, with the world's time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogEntry {
    pub at: String,
    pub kind: StatusKind,
    pub text: String,
}

/// The message log keeps at most this many entries (the oldest go first).
const LOG_DEPTH: usize = 500;

/// Selection, scroll and filter of one tab's list.
#[derive(Debug, Clone, Default)]
pub struct ListUi {
    pub sel: usize,
    pub offset: usize,
    pub filter: Input,
}

/// Selection, scroll and filter of every tab's list, indexed by [`Tab`].
#[derive(Debug, Clone, Default)]
pub struct Lists([ListUi; 4]);

impl std::ops::Index<Tab> for Lists {
    type Output = ListUi;
    fn index(&self, t: Tab) -> &ListUi {
        &self.0[t.index()]
    }
}

impl std::ops::IndexMut<Tab> for Lists {
    fn index_mut(&mut self, t: Tab) -> &mut ListUi {
        &mut self.0[t.index()]
    }
}

/// Rows of the tabs, rebuilt when the world's generation or the context changes — each tab's
/// only when it is shown: at 1,000,000 users the Users tab's sorted rows are a sizeable part of
/// the first frame, which shows the Accounts tab.
#[derive(Debug, Default)]
pub struct Cache {
    generation: Option<u64>,
    sort: view::Sort,
    ctx: Option<Ctx>,
    /// Which tabs' rows are up to date with (generation, sort, ctx); the others are rebuilt
    /// when their tab is shown.
    fresh: [bool; 4],
    pub accounts: Rows<AccRow>,
    pub users: Rows<UserRow>,
    pub domains: Rows<String>,
    pub settings: Rows<SettingRow>,
    /// How many of the org's accounts each user owns or has roles on (the Users tab's Accts
    /// column), counted once per change instead of once per row drawn.
    pub user_accounts: std::collections::HashMap<crate::model::Sid, usize>,
    /// The zoomed account detail's "who can" lines, by account: asking the model for every
    /// administrator of a large org takes milliseconds, so it is asked once per change.
    pub who_can: std::cell::RefCell<Option<(Sid, Vec<String>)>>,
    /// The Health panel's findings, each with its fixes in the console's words: linting an org
    /// of 100,000 users takes tens of milliseconds, so it is done once per change (and only when
    /// the panel is drawn), not once per frame.
    pub health: std::cell::RefCell<Option<HealthFindings>>,
}

/// The lint findings of the org, each with its fixes said as tabs, rows and keys.
pub type HealthFindings = Vec<(crate::model::lint::Finding, Vec<String>)>;

impl Cache {
    /// Forgets every row, so the next refresh rebuilds them: for a new session (staging swaps
    /// the real one for a scratch copy and back), whose change count says nothing of the last.
    pub fn invalidate(&mut self) {
        self.generation = None;
    }

    pub fn len(&self, tab: Tab) -> usize {
        match tab {
            Tab::Accounts => self.accounts.len(),
            Tab::Domains => self.domains.len(),
            Tab::Users => self.users.len(),
            Tab::Settings => self.settings.len(),
        }
    }
}

type TokenSource = Box<dyn FnMut() -> String + Send>;

/// A picker's `(label, key)` rows, or its excluded `(label, why)` rows.
pub(crate) type PickItems = Vec<(String, String)>;

pub struct App {
    pub session: SharedSession,
    pub ctx: Ctx,
    pub theme: Theme,
    pub tab: Tab,
    pub lists: Lists,
    /// The order of the Accounts and Users lists (o changes it).
    pub sort: view::Sort,
    /// The detail pane fills the body (Enter; Esc returns).
    pub zoom: bool,
    /// Keys go to the current tab's filter.
    pub filtering: bool,
    pub modals: Vec<Modal>,
    pub status: Option<Status>,
    /// Every status shown, oldest first (M opens it).
    pub log: std::collections::VecDeque<LogEntry>,
    pub quit: bool,
    pub cache: Cache,
    /// What the header says about the file when the session has none.
    pub file_label: String,
    pub mouse: bool,
    /// The session cannot change (`--read-only`): world-changing keys are not offered.
    read_only: bool,
    /// Shown in the header after the file (the SCIM endpoint the console serves).
    pub header_note: Option<String>,
    /// Staging and the changes of this session, for plans and runbooks (`app/staging.rs`).
    pub handover: staging::Handover,
    /// Lines the detail pane is scrolled by (J/K); back to the top when the row changes.
    pub detail_scroll: usize,
    /// Lines of the detail pane as last drawn (the most it scrolls).
    pub detail_len: std::cell::Cell<usize>,
    /// The tab and row the scroll belongs to.
    detail_of: Option<(Tab, usize)>,
    /// Rows of the list as last drawn (for paging and mouse clicks).
    pub page: usize,
    pub list_area: Rect,
    /// The changes undo goes back over, newest last (AUD-1: undoing is a change of its own),
    /// each with what it was in words (the footer and help name it).
    undo: Vec<(UndoPoint, String)>,
    /// The undone changes redo makes again, with what they were.
    redo: Vec<(RedoPoint, String)>,
    /// The last action applied (the result's title, the row to select after a create).
    last_applied: Option<Action>,
    /// A secret made for a form (an OAuth app's), until the change that uses it is made.
    minted: Option<String>,
    /// An undo or redo waiting for its world to be rebuilt (the terminal console rebuilds on
    /// another thread so keys keep working; headless, it is rebuilt at once).
    pending: Option<PendingRestore>,
    /// Rebuild worlds for undo on another thread (the terminal console).
    pub background_restore: bool,
    token: TokenSource,
}

impl App {
    pub fn new(session: SharedSession, ctx: Ctx, theme: Theme) -> App {
        let read_only = session.lock().map(|s| s.is_read_only()).unwrap_or(false);
        let mut app = App {
            read_only,
            header_note: None,
            handover: Default::default(),
            session,
            ctx,
            theme,
            tab: Tab::Accounts,
            lists: Default::default(),
            sort: Default::default(),
            zoom: false,
            filtering: false,
            modals: Vec::new(),
            status: None,
            log: Default::default(),
            quit: false,
            cache: Cache::default(),
            file_label: "scratch world (changes are not saved)".into(),
            mouse: false,
            detail_scroll: 0,
            detail_len: std::cell::Cell::new(0),
            detail_of: None,
            page: 10,
            list_area: Rect::default(),
            undo: Vec::new(),
            redo: Vec::new(),
            last_applied: None,
            minted: None,
            pending: None,
            background_restore: false,
            token: Box::new(|| crate::target::random_token().unwrap_or_default()),
        };
        app.refresh();
        app
    }

    /// An app on a scratch copy of the demo world, acting as its Owner (tests, benches).
    pub fn demo() -> App {
        let world = crate::persist::demo_world();
        App::on_world(world)
    }

    /// An app on a scratch world, in its home org, acting as the Owner.
    pub fn on_world(world: World) -> App {
        let org = world.home_org.clone().expect("home org");
        let owner = world.owner_of_org(&org).expect("owner").sid.clone();
        App::new(
            Session::new(world, None).shared(),
            Ctx::new(org, owner),
            Theme::mono(),
        )
    }

    pub fn with_token_source(mut self, f: impl FnMut() -> String + Send + 'static) -> App {
        self.token = Box::new(f);
        self
    }

    pub fn lock(&self) -> MutexGuard<'_, Session> {
        self.session.lock().unwrap_or_else(|e| e.into_inner())
    }

    // ---- drawing ----

    /// Draws the whole screen: brings the rows up to date, keeps the selection in view, draws.
    pub fn render(&mut self, frame: &mut Frame) {
        let area = frame.area();
        self.render_in(frame, area);
    }

    /// Draws the console into `area` of the frame, as [`App::render`] draws it on a screen of
    /// that size (the walkthrough player and the exercise draw their caption below it).
    pub fn render_in(&mut self, frame: &mut Frame, screen: Rect) {
        self.refresh();
        let area = super::ui::list_area(screen, self);
        self.list_area = area;
        self.page = (area.height as usize).max(1);
        let len = self.cache.len(self.tab);
        let l = &mut self.lists[self.tab];
        l.sel = l.sel.min(len.saturating_sub(1));
        if l.sel < l.offset {
            l.offset = l.sel;
        } else if l.sel >= l.offset + self.page {
            l.offset = l.sel + 1 - self.page;
        }
        l.offset = l.offset.min(len.saturating_sub(self.page.min(len)));
        let shown = Some((self.tab, l.sel));
        if self.detail_of != shown {
            self.detail_of = shown;
            self.detail_scroll = 0;
        }
        frame.render_widget(ratatui::widgets::Clear, screen);
        super::ui::draw(frame, screen, self);
        // names from a file or a SCIM client may hold bidi and invisible characters
        crate::text::scrub(frame.buffer_mut(), screen);
    }

    /// Rebuilds rows after a change (also one made by the SCIM server) and re-applies filters.
    pub fn refresh(&mut self) {
        let session = self.session.clone();
        let s = session.lock().unwrap_or_else(|e| e.into_inner());
        let w = &s.world;
        // The org is gone (merged into another): follow the acting user to the org they are a
        // member of now, else go home as its Owner.
        let member_of = self
            .ctx
            .acting_user()
            .and_then(|u| w.users.get(u))
            .and_then(|u| u.membership.as_ref())
            .map(|m| m.org.clone());
        if !w.orgs.contains_key(&self.ctx.org) {
            if let Some(org) = member_of.filter(|o| w.orgs.contains_key(o)) {
                self.ctx.org = org;
            } else if let Some(home) = w.home_org.clone().or_else(|| w.orgs.keys().next().cloned())
            {
                let owner = w.owner_of_org(&home).map(|u| u.sid.clone());
                self.ctx = Ctx::new(home, owner.unwrap_or_else(|| self.ctx.actor_sid()));
            }
        }
        if self.cache.generation != Some(s.generation())
            || self.cache.ctx.as_ref() != Some(&self.ctx)
            || self.cache.sort != self.sort
        {
            self.cache.fresh = [false; 4];
            self.cache.who_can = Default::default();
            self.cache.health = Default::default();
            self.cache.generation = Some(s.generation());
            self.cache.sort = self.sort;
            self.cache.ctx = Some(self.ctx.clone());
        }
        if !self.cache.fresh[self.tab.index()] {
            match self.tab {
                Tab::Accounts => self.cache.accounts = view::account_rows(w, &self.ctx, self.sort),
                Tab::Users => {
                    self.cache.users = view::user_rows(w, &self.ctx.org, self.sort);
                    self.cache.user_accounts = view::user_account_counts(w, &self.ctx.org);
                }
                Tab::Domains => self.cache.domains = view::domain_rows(w, &self.ctx.org),
                Tab::Settings => self.cache.settings = view::setting_rows(w, &self.ctx.org),
            }
            self.cache.fresh[self.tab.index()] = true;
        }
        drop(s);
        self.cache
            .accounts
            .set_filter(self.lists[Tab::Accounts].filter.value());
        self.cache
            .domains
            .set_filter(self.lists[Tab::Domains].filter.value());
        self.cache
            .users
            .set_filter(self.lists[Tab::Users].filter.value());
        self.cache
            .settings
            .set_filter(self.lists[Tab::Settings].filter.value());
        // a tab not shown since the last change keeps its selection until it is rebuilt
        for t in Tab::ALL.into_iter().filter(|t| self.cache.fresh[t.index()]) {
            let len = self.cache.len(t);
            let l = &mut self.lists[t];
            l.sel = l.sel.min(len.saturating_sub(1));
        }
    }

    // ---- keys ----

    /// The keymap contexts that apply now, innermost first.
    pub fn chain(&self) -> Vec<KeyCtx> {
        self.chain_at(self.modals.len())
    }

    /// The chain as it would be with only the first `depth` modals open (help shows the keys
    /// of what is under it).
    pub fn chain_at(&self, depth: usize) -> Vec<KeyCtx> {
        match self.modals[..depth.min(self.modals.len())].last() {
            Some(Modal::Form(_)) => vec![KeyCtx::Form],
            Some(Modal::Confirm(_)) => vec![KeyCtx::Confirm],
            Some(Modal::Picker(_)) => vec![KeyCtx::Picker],
            Some(Modal::Message(_)) => vec![KeyCtx::Message],
            Some(Modal::Help(h)) if h.searching => vec![KeyCtx::Filter],
            Some(Modal::Help(_)) => vec![KeyCtx::Help],
            Some(Modal::Log { .. }) => vec![KeyCtx::Log],
            None if self.filtering => vec![KeyCtx::Filter],
            None => vec![self.tab.key_ctx(), KeyCtx::List, KeyCtx::Global],
        }
    }

    /// Whether a binding is offered at all: in read-only mode nothing that changes the world is.
    pub fn offers(&self, b: &Binding) -> bool {
        !(self.read_only && b.changes_world())
    }

    /// Whether the acting user may use a binding, and if not, the model's reason.
    pub fn availability(&self, b: &Binding) -> Result<(), Refusal> {
        self.availability_in(&self.lock().world, b)
    }

    /// One key press. Routing: Ctrl-C, then the top modal, then a filter being typed, then the
    /// keymap along the current chain.
    pub fn handle_key(&mut self, ev: KeyEvent) {
        if ev.kind == KeyEventKind::Release {
            return;
        }
        self.refresh();
        if super::keys::matches("ctrl-c", &ev) {
            self.quit = true;
            return;
        }
        if !self.modals.is_empty() {
            self.modal_key(ev);
        } else if self.filtering {
            self.filter_key(ev);
        } else if let Some(b) = keymap::resolve(&self.chain(), &ev).filter(|b| self.offers(b)) {
            match self.availability(b) {
                Ok(()) => self.command(b.cmd),
                Err(r) => {
                    let p = Problem::from_refusal(&r, &self.lock().world);
                    self.set_status(
                        StatusKind::Unavailable,
                        format!("unavailable: {}: {}", b.label, p.line()),
                    )
                }
            }
        }
        self.refresh();
    }

    /// Pasted text goes to the focused field, if any.
    pub fn paste(&mut self, text: &str) {
        match self.modals.last_mut() {
            Some(Modal::Form(f)) => {
                f.paste(text);
                self.sync_form();
            }
            Some(Modal::Picker(p)) => {
                for c in text.chars().filter(|c| !c.is_control()) {
                    p.filter.handle(tui_input::InputRequest::InsertChar(c));
                }
                p.refilter();
            }
            None if self.filtering => {
                let l = &mut self.lists[self.tab];
                for c in text.chars().filter(|c| !c.is_control()) {
                    l.filter.handle(tui_input::InputRequest::InsertChar(c));
                }
            }
            _ => {}
        }
        self.refresh();
    }

    /// Mouse (only with `--mouse`): the wheel moves the selection, a click selects a row.
    pub fn mouse_event(&mut self, m: MouseEvent) {
        if !self.modals.is_empty() {
            return;
        }
        match m.kind {
            MouseEventKind::ScrollDown => self.command(Cmd::Down),
            MouseEventKind::ScrollUp => self.command(Cmd::Up),
            MouseEventKind::Down(MouseButton::Left) => {
                let a = self.list_area;
                if m.column >= a.x
                    && m.column < a.x + a.width
                    && m.row >= a.y
                    && m.row < a.y + a.height
                {
                    let l = &mut self.lists[self.tab];
                    l.sel = l.offset + (m.row - a.y) as usize;
                }
            }
            _ => {}
        }
        self.refresh();
    }

    fn filter_key(&mut self, ev: KeyEvent) {
        match keymap::resolve(&[KeyCtx::Filter], &ev).map(|b| b.cmd) {
            Some(Cmd::FilterKeep) => self.filtering = false,
            Some(Cmd::FilterClear) => {
                self.lists[self.tab].filter.reset();
                self.filtering = false;
            }
            _ => {
                let l = &mut self.lists[self.tab];
                l.filter.handle_event(&Event::Key(ev));
                l.sel = 0;
            }
        }
    }

    fn modal_key(&mut self, ev: KeyEvent) {
        let chain = if self.help_searching() {
            vec![KeyCtx::Filter]
        } else {
            self.chain()
        };
        let cmd = keymap::resolve(&chain, &ev).map(|b| b.cmd);
        if cmd == Some(Cmd::Help) && !self.help_searching() {
            return self.open(Modal::Help(HelpView::default()));
        }
        let Some(top) = self.modals.last_mut() else {
            return;
        };
        let edited = matches!(top, Modal::Form(_));
        match top {
            Modal::Form(f) => match cmd {
                Some(Cmd::Submit) => self.submit_form(),
                Some(Cmd::Cancel) => self.close_modal(),
                Some(Cmd::NextField) => f.next(true),
                Some(Cmd::PrevField) => f.next(false),
                _ => f.edit(ev),
            },
            Modal::Confirm(_) => match cmd {
                Some(Cmd::Yes) => self.confirm_yes(),
                Some(Cmd::No) => self.close_modal(),
                _ => {}
            },
            Modal::Picker(p) => match cmd {
                Some(Cmd::Down) => p.sel = (p.sel + 1).min(p.shown.len().saturating_sub(1)),
                Some(Cmd::Up) => p.sel = p.sel.saturating_sub(1),
                Some(Cmd::Submit) => self.pick(),
                Some(Cmd::Cancel) => self.close_modal(),
                _ => {
                    p.filter.handle_event(&Event::Key(ev));
                    p.refilter();
                }
            },
            Modal::Message(m) => match cmd {
                Some(Cmd::Close) => self.close_modal(),
                Some(Cmd::Down) => m.scroll = (m.scroll + 1).min(m.lines.len().saturating_sub(1)),
                Some(Cmd::Up) => m.scroll = m.scroll.saturating_sub(1),
                _ => {}
            },
            Modal::Help(h) if h.searching => match cmd {
                Some(Cmd::FilterKeep) => h.searching = false,
                Some(Cmd::FilterClear) => {
                    h.query.reset();
                    h.searching = false;
                }
                _ => {
                    h.query.handle_event(&Event::Key(ev));
                    h.scroll = 0;
                }
            },
            Modal::Help(h) => {
                let page = self.page.max(1);
                match cmd {
                    Some(Cmd::Close) => self.close_modal(),
                    Some(Cmd::Down) => h.scroll += 1,
                    Some(Cmd::Up) => h.scroll = h.scroll.saturating_sub(1),
                    Some(Cmd::PageDown) => h.scroll += page,
                    Some(Cmd::PageUp) => h.scroll = h.scroll.saturating_sub(page),
                    Some(Cmd::Top) => h.scroll = 0,
                    Some(Cmd::Bottom) => h.scroll = usize::MAX / 2,
                    Some(Cmd::Filter) => {
                        h.query.reset();
                        h.searching = true;
                        h.scroll = 0;
                    }
                    _ => {}
                }
            }
            Modal::Log { scroll } => {
                let page = self.page.max(1);
                match cmd {
                    Some(Cmd::Close) => self.close_modal(),
                    Some(Cmd::Down) => *scroll += 1,
                    Some(Cmd::Up) => *scroll = scroll.saturating_sub(1),
                    Some(Cmd::PageDown) => *scroll += page,
                    Some(Cmd::PageUp) => *scroll = scroll.saturating_sub(page),
                    Some(Cmd::Top) => *scroll = 0,
                    Some(Cmd::Bottom) => *scroll = usize::MAX / 2,
                    _ => {}
                }
            }
        }
        if edited {
            self.sync_form();
        }
    }

    /// Keys go to the help's search field.
    fn help_searching(&self) -> bool {
        matches!(self.modals.last(), Some(Modal::Help(h)) if h.searching)
    }

    fn close_modal(&mut self) {
        self.modals.pop();
    }

    fn open(&mut self, m: Modal) {
        self.modals.push(m);
    }

    /// Opens the form `spec` describes, its fields as first shown in the world now.
    fn open_form(&mut self, spec: impl FormSpec) {
        let form = Form::of(spec, &self.lock().world);
        self.open(Modal::Form(form));
    }

    /// Brings the open form's dependent fields up to date after an edit.
    fn sync_form(&mut self) {
        if let Some(Modal::Form(f)) = self.modals.last_mut() {
            let s = self.session.lock().unwrap_or_else(|e| e.into_inner());
            f.spec.sync(&mut f.fields, &s.world);
        }
    }

    /// Shows a result, a refusal or a note on the status line and keeps it in the log.
    pub fn set_status(&mut self, kind: StatusKind, text: String) {
        let at = crate::model::time::format_time(self.lock().world.clock);
        if self.log.len() >= LOG_DEPTH {
            self.log.pop_front();
        }
        self.log.push_back(LogEntry {
            at,
            kind,
            text: text.clone(),
        });
        self.status = Some(Status { kind, text });
    }

    fn info(&mut self, text: impl Into<String>) {
        self.set_status(StatusKind::Info, text.into());
    }

    // ---- applying actions ----

    /// Applies an action through the session (which saves), keeping a snapshot for undo.
    pub fn apply(&mut self, action: &Action) -> Result<Outcome, Problem> {
        if self.pending.is_some() {
            return Err(Problem::invalid(
                "an undo or redo is being prepared; try again in a moment",
            ));
        }
        let session = self.session.clone();
        let mut s = session.lock().unwrap_or_else(|e| e.into_inner());
        // a world with a journal keeps no copy: undo rebuilds the state from the files
        let before = s.last_seq().is_none().then(|| Box::new(s.world.clone()));
        let result = s.apply(&self.ctx, action);
        let seq = s.last_seq();
        drop(s);
        match result {
            Ok(out) => {
                self.record_change(action);
                self.push_undo(
                    match (before, seq) {
                        (Some(w), _) => UndoPoint::World(w),
                        (None, seq) => UndoPoint::Record(seq.unwrap_or(0)),
                    },
                    action.describe(),
                );
                self.last_applied = Some(action.clone());
                Ok(out)
            }
            Err(ApplyError::Save(e)) => Err(Problem::invalid(format!(
                "not saved, so not made (the world is as on disk): {e}"
            ))),
            Err(ApplyError::Action(e)) => {
                let mut p = Problem::from_action(&e, &self.lock().world);
                if let crate::model::ActionError::Refused(r) = &e {
                    p.confirm = r.confirmation_of(action).cloned().map(Box::new);
                }
                Err(p)
            }
            Err(ApplyError::ReadOnly) => Err(Problem::invalid(
                "read-only: this world cannot be changed here",
            )),
        }
    }

    fn push_undo(&mut self, before: UndoPoint, what: String) {
        self.undo.push((before, what));
        if self.undo.len() > UNDO_DEPTH {
            self.undo.remove(0);
        }
        self.redo.clear();
    }

    /// Shows an outcome: the status line, and a modal for a secret or an import report.
    fn finish(&mut self, out: Outcome) {
        self.set_status(StatusKind::Ok, out.message.clone());
        self.select_created(&out);
        if let Some(secret) = self.minted.take()
            && let Some((_, client)) = out.created.iter().find(|(k, _)| *k == SidKind::OAuthClient)
        {
            self.open(Modal::Message(Message {
                title: "OAuth app — client secret shown once".into(),
                lines: vec![
                    "Copy these into the client that will call the organization's APIs now.".into(),
                    "tworg keeps only the secret's hash and cannot show it again.".into(),
                    String::new(),
                    format!("client id      {client}"),
                    format!("client secret  {secret}"),
                ],
                scroll: 0,
            }));
        }
        if let Some(secret) = &out.secret {
            self.open(Modal::Message(Message {
                title: "SCIM bearer token — shown once".into(),
                lines: vec![
                    "Copy this token into your identity provider now.".into(),
                    "tworg keeps only its hash and cannot show it again.".into(),
                    String::new(),
                    secret.clone(),
                ],
                scroll: 0,
            }));
        }
        if !out.report.is_empty() {
            let ok = out.report.iter().filter(|(_, r)| r.is_none()).count();
            let clock = matches!(self.last_applied, Some(Action::AdvanceClock { .. }));
            let mut lines = vec![
                if clock {
                    format!("{} expiries applied", out.report.len())
                } else {
                    format!("{ok} imported, {} rejected", out.report.len() - ok)
                },
                String::new(),
            ];
            for (item, reason) in &out.report {
                lines.push(match reason {
                    None if clock => format!("· {item}"),
                    None => format!("✓ {item}: imported"),
                    Some(r) => format!("✗ {item}: rejected: {r}"),
                });
            }
            self.open(Modal::Message(Message {
                title: self.report_title(),
                lines,
                scroll: 0,
            }));
        }
    }

    /// The title of a result's report: what the last action was.
    fn report_title(&self) -> String {
        match &self.last_applied {
            Some(Action::AdvanceClock { seconds }) => format!(
                "The clock moved {}: what fell due",
                crate::model::action::duration_words(*seconds)
            ),
            Some(Action::ImportUsers { .. }) | None => "Bulk import result".into(),
            Some(a) => format!("Result: {}", a.describe()),
        }
    }

    /// After a create, the new row is selected (in the tab it shows in), wherever the sort put it.
    fn select_created(&mut self, out: &Outcome) {
        self.refresh();
        let sids: Vec<Sid> = out.created.iter().map(|(_, s)| s.clone()).collect();
        let domain = match &self.last_applied {
            Some(Action::AddDomain { name }) => Some(name.trim().to_ascii_lowercase()),
            _ => None,
        };
        let at = match self.tab {
            Tab::Accounts => self.cache.accounts.position(|r| sids.contains(&r.sid)),
            Tab::Users => self.cache.users.position(|r| match r {
                UserRow::Member(s) | UserRow::Invitation(s) | UserRow::External(s) => {
                    sids.contains(s)
                }
                _ => false,
            }),
            Tab::Domains => domain.and_then(|d| self.cache.domains.position(|n| *n == d)),
            Tab::Settings => None,
        };
        if let Some(i) = at {
            self.lists[self.tab].sel = i;
        }
    }

    /// Applies at once (non-destructive actions); a refusal goes to the status line.
    pub fn act(&mut self, action: Action) {
        match self.apply(&action) {
            Ok(out) => self.finish(out),
            Err(p) if p.confirm.is_some() => self.offer_confirmation(p),
            Err(p) => self.set_status(StatusKind::Refused, p.line()),
        }
    }

    /// Applies the top modal's action: closes it on success, shows the refusal inside otherwise.
    fn act_in_modal(&mut self, action: Action) {
        match self.apply(&action) {
            Ok(out) => {
                self.close_modal();
                self.finish(out);
            }
            Err(p) if p.confirm.is_some() => {
                self.close_modal();
                self.offer_confirmation(p);
            }
            Err(p) => {
                self.log_problem(&p);
                if let Some(m) = self.modals.last_mut() {
                    m.set_problem(p);
                }
            }
        }
    }

    /// What undo (or redo) would go back over now, in words: the footer and the help name it.
    pub fn next_undo(&self) -> Option<&str> {
        self.undo.last().map(|(_, w)| w.as_str())
    }
    pub fn next_redo(&self) -> Option<&str> {
        self.redo.last().map(|(_, w)| w.as_str())
    }

    /// A binding's label as shown now: undo and redo name the change they would undo or redo.
    pub fn label_of(&self, b: &Binding) -> String {
        match (b.cmd, self.next_undo(), self.next_redo()) {
            (Cmd::Undo, Some(w), _) => format!("undo: {w}"),
            (Cmd::Redo, _, Some(w)) => format!("redo: {w}"),
            _ => b.label.to_string(),
        }
    }

    /// Keeps a refusal shown inside a dialog in the message log (the dialog may show only
    /// part of its fix).
    fn log_problem(&mut self, p: &Problem) {
        let at = crate::model::time::format_time(self.lock().world.clock);
        if self.log.len() >= LOG_DEPTH {
            self.log.pop_front();
        }
        self.log.push_back(LogEntry {
            at,
            kind: StatusKind::Refused,
            text: p.line(),
        });
    }

    /// The model refused only for want of an explicit confirmation (SSO-5): ask for it, showing
    /// the refusal; yes applies the model's fix, the same action confirmed.
    fn offer_confirmation(&mut self, p: Problem) {
        let Some(action) = p.confirm.clone() else {
            return;
        };
        self.open(Modal::Confirm(Confirm {
            title: "Confirm the SSO lock-out".into(),
            lines: vec!["This needs your explicit confirmation.".into()],
            pending: Pending::Apply(action),
            danger: true,
            problem: Some(p),
        }));
    }

    fn confirm(
        &mut self,
        title: impl Into<String>,
        lines: Vec<String>,
        action: Action,
        danger: bool,
    ) {
        self.open(Modal::Confirm(Confirm {
            title: title.into(),
            lines,
            pending: Pending::Apply(Box::new(action)),
            danger,
            problem: None,
        }));
    }

    fn confirm_yes(&mut self) {
        let Some(Modal::Confirm(c)) = self.modals.last() else {
            return;
        };
        let action = match c.pending.clone() {
            Pending::Apply(a) => *a,
            Pending::ScimEnable => Action::ScimEnable {
                token: (self.token)(),
            },
        };
        self.act_in_modal(action);
    }

    fn submit_form(&mut self) {
        let Some(Modal::Form(f)) = self.modals.last() else {
            return;
        };
        // a secret the form made when it opened (an OAuth app's): shown once if it is created
        self.minted = f.spec.minted().map(str::to_string);
        let action = {
            let s = self.lock();
            f.spec.action(&f.fields, &s.world, &self.ctx)
        };
        match action {
            Ok(action) => self.act_in_modal(action),
            Err(p) => {
                if let Some(m) = self.modals.last_mut() {
                    m.set_problem(p);
                }
            }
        }
    }

    fn org_name(&self, sid: &Sid) -> String {
        self.lock().world.org_name(sid)
    }

    fn account_name(&self, sid: &Sid) -> String {
        self.lock()
            .world
            .accounts
            .get(sid)
            .map(|a| a.name.clone())
            .unwrap_or_else(|| sid.to_string())
    }

    // ---- commands ----

    fn list(&mut self) -> &mut ListUi {
        &mut self.lists[self.tab]
    }

    fn set_tab(&mut self, tab: Tab) {
        self.tab = tab;
        self.zoom = false;
        // a tab's rows are built when it is shown: have them before the next key, drawn or not
        self.refresh();
    }

    pub fn selected_account(&self) -> Option<Sid> {
        self.cache
            .accounts
            .get(self.lists[Tab::Accounts].sel)
            .map(|r| r.sid.clone())
    }
    pub fn selected_domain(&self) -> Option<String> {
        self.cache
            .domains
            .get(self.lists[Tab::Domains].sel)
            .cloned()
    }
    pub fn selected_user(&self) -> Option<UserRow> {
        self.cache.users.get(self.lists[Tab::Users].sel).cloned()
    }
    pub fn selected_setting(&self) -> Option<SettingRow> {
        self.cache
            .settings
            .get(self.lists[Tab::Settings].sel)
            .cloned()
    }

    fn command(&mut self, cmd: Cmd) {
        if self.handover_command(cmd) {
            return;
        }
        let len = self.cache.len(self.tab);
        let page = self.page;
        match cmd {
            Cmd::ForceQuit | Cmd::Quit => self.quit = true,
            Cmd::Help => self.open(Modal::Help(HelpView::default())),
            Cmd::Log => self.open(Modal::Log { scroll: 0 }),
            Cmd::NextTab => self.set_tab(self.tab.next()),
            Cmd::PrevTab => self.set_tab(self.tab.prev()),
            Cmd::Tab(t) => self.set_tab(t),
            Cmd::Undo => self.undo(),
            Cmd::Redo => self.redo(),
            Cmd::ActAs => self.open_act_as(),
            Cmd::SwitchOrg => self.open_orgs(),
            Cmd::Down => {
                let l = self.list();
                l.sel = (l.sel + 1).min(len.saturating_sub(1));
            }
            Cmd::Up => {
                let l = self.list();
                l.sel = l.sel.saturating_sub(1);
            }
            Cmd::Top => self.list().sel = 0,
            Cmd::Bottom => self.list().sel = len.saturating_sub(1),
            Cmd::PageDown => {
                let l = self.list();
                l.sel = (l.sel + page).min(len.saturating_sub(1));
            }
            Cmd::PageUp => {
                let l = self.list();
                l.sel = l.sel.saturating_sub(page);
            }
            Cmd::Sort => {
                self.sort = self.sort.next();
                self.info(format!("lists sorted {}", self.sort.label()));
            }
            Cmd::Detail => self.zoom = true,
            Cmd::DetailDown => {
                self.detail_scroll =
                    (self.detail_scroll + 1).min(self.detail_len.get().saturating_sub(1));
            }
            Cmd::DetailUp => self.detail_scroll = self.detail_scroll.saturating_sub(1),
            Cmd::Back => {
                if self.zoom {
                    self.zoom = false;
                } else {
                    self.list().filter.reset();
                }
            }
            Cmd::Filter => {
                self.list().filter.reset();
                self.filtering = true;
                self.zoom = false;
            }
            c => {
                if let Err(msg) = self.tab_command(c) {
                    self.info(msg);
                }
            }
        }
    }

    /// Undo is a change the model logs (AUD-1): the world goes back to its state from before
    /// the last change, and the log keeps every entry and says what was undone.
    fn undo(&mut self) {
        if self.pending.is_some() {
            return self.info("still preparing the last undo or redo");
        }
        let Some((point, what)) = self.undo.pop() else {
            return self.info("nothing to undo");
        };
        match point {
            UndoPoint::World(before) => {
                let session = self.session.clone();
                let mut s = session.lock().unwrap_or_else(|e| e.into_inner());
                let current = Box::new(s.world.clone());
                let ctx = self.ctx.clone();
                let result = s.change(|w| w.undo(&ctx, &before));
                drop(s);
                match result {
                    Ok(out) => {
                        self.redo
                            .push((RedoPoint::World(current, before.audit.len()), what));
                        self.finish(out);
                    }
                    Err(e) => self.refused_undo(e),
                }
            }
            // the state before record r: everything up to r - 1
            UndoPoint::Record(r) => {
                self.start_restore(RestoreVerb::Undo, r.saturating_sub(1), r, 0, what)
            }
        }
    }

    /// Redo makes the undone change again, logged as `redo` of it.
    fn redo(&mut self) {
        if self.pending.is_some() {
            return self.info("still preparing the last undo or redo");
        }
        let Some((point, what)) = self.redo.pop() else {
            return self.info("nothing to redo");
        };
        match point {
            RedoPoint::World(after, change) => {
                let session = self.session.clone();
                let mut s = session.lock().unwrap_or_else(|e| e.into_inner());
                let current = Box::new(s.world.clone());
                let ctx = self.ctx.clone();
                let result = s.change(|w| w.redo(&ctx, &after, change));
                drop(s);
                match result {
                    Ok(out) => {
                        self.undo.push((UndoPoint::World(current), what));
                        self.finish(out);
                    }
                    Err(e) => self.refused_undo(e),
                }
            }
            // the state right after the undone change
            RedoPoint::Record(r, change) => {
                self.start_restore(RestoreVerb::Redo, r, r, change, what)
            }
        }
    }

    /// Rebuilds the world as it was after record `to` from the snapshot and the journal (on
    /// another thread in the terminal console), then restores it ([`App::tick`] finishes).
    fn start_restore(
        &mut self,
        verb: RestoreVerb,
        to: u64,
        record: u64,
        change: usize,
        what: String,
    ) {
        let (file, base) = {
            let s = self.lock();
            (s.shared_file(), s.base_seq().unwrap_or(0))
        };
        let Some(file) = file else {
            return self.info("nothing to undo");
        };
        if to < base {
            // a compaction folded that change into the snapshot
            self.undo.clear();
            self.redo.clear();
            return self.info(
                "that change is already folded into the saved snapshot and can no longer be undone",
            );
        }
        let (tx, rx) = std::sync::mpsc::channel();
        let work = move || {
            let _ = tx.send(file.world_at(to).map_err(|e| e.to_string()));
        };
        self.pending = Some(PendingRestore {
            verb,
            to,
            record,
            change,
            what,
            rx,
        });
        if self.background_restore {
            std::thread::spawn(work);
            self.info(match verb {
                RestoreVerb::Undo => "undoing… (rebuilding the world from the journal)",
                RestoreVerb::Redo => "redoing… (rebuilding the world from the journal)",
            });
        } else {
            work();
            self.tick();
        }
    }

    /// Finishes an undo or redo whose world is rebuilt; true if the screen changed.
    pub fn tick(&mut self) -> bool {
        let Some(p) = &self.pending else {
            return false;
        };
        let result = match p.rx.try_recv() {
            Ok(r) => r,
            Err(std::sync::mpsc::TryRecvError::Empty) => return false,
            Err(std::sync::mpsc::TryRecvError::Disconnected) => {
                Err("the rebuild stopped".to_string())
            }
        };
        let p = self.pending.take().expect("pending");
        let at = match result {
            Ok(w) => w,
            Err(e) => {
                self.set_status(StatusKind::Refused, format!("cannot go back: {e}"));
                return true;
            }
        };
        let session = self.session.clone();
        let mut s = session.lock().unwrap_or_else(|e| e.into_inner());
        let ctx = self.ctx.clone();
        let change = match p.verb {
            RestoreVerb::Undo => at.audit.len(),
            RestoreVerb::Redo => p.change,
        };
        let result = s.restore(&ctx, p.verb, p.to, change, &at);
        drop(s);
        drop(at);
        release_memory();
        match result {
            Ok((out, seq)) => {
                match p.verb {
                    RestoreVerb::Undo => self
                        .redo
                        .push((RedoPoint::Record(p.record, change), p.what)),
                    RestoreVerb::Redo => self.undo.push((UndoPoint::Record(seq), p.what)),
                }
                self.finish(out);
            }
            Err(e) => self.refused_undo(e),
        }
        true
    }

    fn refused_undo(&mut self, e: ApplyError) {
        let text = match e {
            ApplyError::Action(e) => Problem::from_action(&e, &self.lock().world).line(),
            e => e.to_string(),
        };
        self.set_status(StatusKind::Refused, text);
    }

    fn open_act_as(&mut self) {
        let items = {
            let s = self.lock();
            let w = &s.world;
            let org = &self.ctx.org;
            let mut items: Vec<(String, String)> = w
                .members(org)
                .map(|u| {
                    let m = u.membership.as_ref().expect("member");
                    let state = if m.status == MemberStatus::Active {
                        ""
                    } else {
                        ", deactivated"
                    };
                    (
                        format!("{} ({}{state})", u.email, m.role.label()),
                        u.sid.to_string(),
                    )
                })
                .collect();
            items.extend(
                w.users
                    .values()
                    .filter(|u| w.membership_in(&u.sid, org).is_none())
                    .map(|u| {
                        let where_ = match &u.membership {
                            Some(m) => format!("outside: member of {}", w.org_name(&m.org)),
                            None => "outside: in no organization".into(),
                        };
                        (format!("{} ({where_})", u.email), u.sid.to_string())
                    }),
            );
            items
        };
        self.open(Modal::Picker(Picker::new(
            "Act as… (members first, then outside users)",
            items,
            PickThen::ActAs,
        )));
    }

    fn open_orgs(&mut self) {
        let items = {
            let s = self.lock();
            s.world
                .orgs
                .values()
                .map(|o| (o.name.clone(), o.sid.to_string()))
                .collect()
        };
        self.open(Modal::Picker(Picker::new(
            "Organization",
            items,
            PickThen::Org,
        )));
    }

    /// Active members of the org, for transfers.
    /// Members to hand something to (an account, the organization), by email, and those who
    /// cannot take it with why: the current holder, deactivated members.
    pub(crate) fn member_choices(&self, holder: Option<&str>) -> (PickItems, PickItems) {
        let s = self.lock();
        let mut members: Vec<&crate::model::User> = s.world.members(&self.ctx.org).collect();
        members.sort_by(|a, b| a.email.cmp(&b.email));
        let (mut items, mut excluded) = (Vec::new(), Vec::new());
        for u in members {
            let m = u.membership.as_ref().expect("member");
            let label = format!("{} ({})", u.email, m.role.label());
            if Some(u.email.as_str()) == holder {
                excluded.push((label, "holds it already".to_string()));
            } else if m.status != MemberStatus::Active {
                excluded.push((
                    label,
                    "deactivated: reactivate them first (USR-7)".to_string(),
                ));
            } else {
                items.push((label, u.email.clone()));
            }
        }
        (items, excluded)
    }

    fn member_items(&self, active_only: bool) -> Vec<(String, String)> {
        let s = self.lock();
        s.world
            .members(&self.ctx.org)
            .filter(|u| {
                !active_only
                    || u.membership
                        .as_ref()
                        .is_some_and(|m| m.status == MemberStatus::Active)
            })
            .map(|u| {
                let m = u.membership.as_ref().expect("member");
                let ex = if m.sso_exempt { ", SSO exempt" } else { "" };
                (
                    format!("{} ({}{ex})", u.email, m.role.label()),
                    u.email.clone(),
                )
            })
            .collect()
    }
}

/// Gives the memory of a world rebuilt for undo back to the system (glibc keeps freed memory
/// of other threads' arenas otherwise).
fn release_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim has no preconditions.
    unsafe {
        libc::malloc_trim(0);
    }
}
