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

use super::keymap::{self, Binding, Cmd, KeyCtx, Need};
use super::modal::*;
use super::theme::Theme;
use super::view::{self, AccRow, Rows, SettingRow, UserRow};
use crate::model::action::Setting;
use crate::model::{
    AccountRole, Action, Actor, Ctx, MemberStatus, OrgRole, Outcome, Refusal, Sid, SignupSetting,
    World,
};
use crate::session::{ApplyError, Session, SharedSession};

/// Undo keeps at most this many snapshots of the world.
const UNDO_DEPTH: usize = 50;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    Accounts,
    Domains,
    Users,
    Settings,
}

impl Tab {
    pub const ALL: [Tab; 4] = [Tab::Accounts, Tab::Domains, Tab::Users, Tab::Settings];
    pub fn index(self) -> usize {
        self as usize
    }
    pub fn title(self) -> &'static str {
        match self {
            Tab::Accounts => "Accounts",
            Tab::Domains => "Domains",
            Tab::Users => "Users",
            Tab::Settings => "Settings",
        }
    }
    pub fn key_ctx(self) -> KeyCtx {
        match self {
            Tab::Accounts => KeyCtx::Accounts,
            Tab::Domains => KeyCtx::Domains,
            Tab::Users => KeyCtx::Users,
            Tab::Settings => KeyCtx::Settings,
        }
    }
}

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

/// Selection, scroll and filter of one tab's list.
#[derive(Debug, Clone, Default)]
pub struct ListUi {
    pub sel: usize,
    pub offset: usize,
    pub filter: Input,
}

/// Rows of every tab, rebuilt when the world's generation or the context changes.
#[derive(Debug, Default)]
pub struct Cache {
    generation: Option<u64>,
    ctx: Option<Ctx>,
    pub accounts: Rows<AccRow>,
    pub users: Rows<UserRow>,
    pub domains: Rows<String>,
    pub settings: Rows<SettingRow>,
}

impl Cache {
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

pub struct App {
    pub session: SharedSession,
    pub ctx: Ctx,
    pub theme: Theme,
    pub tab: Tab,
    pub lists: [ListUi; 4],
    /// The detail pane fills the body (Enter; Esc returns).
    pub zoom: bool,
    /// Keys go to the current tab's filter.
    pub filtering: bool,
    pub modals: Vec<Modal>,
    pub status: Option<Status>,
    pub quit: bool,
    pub cache: Cache,
    /// What the header says about the file when the session has none.
    pub file_label: String,
    pub mouse: bool,
    /// Rows of the list as last drawn (for paging and mouse clicks).
    pub page: usize,
    pub list_area: Rect,
    undo: Vec<World>,
    redo: Vec<World>,
    token: TokenSource,
}

impl App {
    pub fn new(session: SharedSession, ctx: Ctx, theme: Theme) -> App {
        let mut app = App {
            session,
            ctx,
            theme,
            tab: Tab::Accounts,
            lists: Default::default(),
            zoom: false,
            filtering: false,
            modals: Vec::new(),
            status: None,
            quit: false,
            cache: Cache::default(),
            file_label: "scratch world (changes are not saved)".into(),
            mouse: false,
            page: 10,
            list_area: Rect::default(),
            undo: Vec::new(),
            redo: Vec::new(),
            token: Box::new(|| crate::cli::random_token().unwrap_or_default()),
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
        self.refresh();
        let area = super::ui::list_area(frame.area(), self);
        self.list_area = area;
        self.page = (area.height as usize).max(1);
        let len = self.cache.len(self.tab);
        let l = &mut self.lists[self.tab.index()];
        l.sel = l.sel.min(len.saturating_sub(1));
        if l.sel < l.offset {
            l.offset = l.sel;
        } else if l.sel >= l.offset + self.page {
            l.offset = l.sel + 1 - self.page;
        }
        l.offset = l.offset.min(len.saturating_sub(self.page.min(len)));
        super::ui::draw(frame, self);
    }

    /// Rebuilds rows after a change (also one made by the SCIM server) and re-applies filters.
    pub fn refresh(&mut self) {
        let session = self.session.clone();
        let s = session.lock().unwrap_or_else(|e| e.into_inner());
        let w = &s.world;
        if !w.orgs.contains_key(&self.ctx.org)
            && let Some(home) = w.home_org.clone().or_else(|| w.orgs.keys().next().cloned())
        {
            let owner = w.owner_of_org(&home).map(|u| u.sid.clone());
            self.ctx = Ctx::new(home, owner.unwrap_or_else(|| self.ctx.actor_sid()));
        }
        if self.cache.generation != Some(s.generation())
            || self.cache.ctx.as_ref() != Some(&self.ctx)
        {
            self.cache.accounts = view::account_rows(w, &self.ctx);
            self.cache.users = view::user_rows(w, &self.ctx.org);
            self.cache.domains = view::domain_rows(w, &self.ctx.org);
            self.cache.settings = view::setting_rows(w, &self.ctx.org);
            self.cache.generation = Some(s.generation());
            self.cache.ctx = Some(self.ctx.clone());
        }
        drop(s);
        self.cache.accounts.set_filter(self.lists[0].filter.value());
        self.cache.domains.set_filter(self.lists[1].filter.value());
        self.cache.users.set_filter(self.lists[2].filter.value());
        self.cache.settings.set_filter(self.lists[3].filter.value());
        for t in Tab::ALL {
            let len = self.cache.len(t);
            let l = &mut self.lists[t.index()];
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
            Some(Modal::Help { .. }) => vec![KeyCtx::Help],
            None if self.filtering => vec![KeyCtx::Filter],
            None => vec![self.tab.key_ctx(), KeyCtx::List, KeyCtx::Global],
        }
    }

    /// Whether the acting user may use a binding, and if not, the model's reason.
    pub fn availability(&self, b: &Binding) -> Result<(), Refusal> {
        match b.need {
            Need::Any => Ok(()),
            Need::Cap(cap) => self.lock().world.permission(&self.ctx, cap),
        }
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
        } else if let Some(b) = keymap::resolve(&self.chain(), &ev) {
            match self.availability(b) {
                Ok(()) => self.command(b.cmd),
                Err(r) => {
                    self.status = Some(Status {
                        kind: StatusKind::Unavailable,
                        text: format!(
                            "unavailable: {} [{}]: {} — {}",
                            b.label, r.rule, r.message, r.hint
                        ),
                    })
                }
            }
        }
        self.refresh();
    }

    /// Pasted text goes to the focused field, if any.
    pub fn paste(&mut self, text: &str) {
        match self.modals.last_mut() {
            Some(Modal::Form(f)) => f.paste(text),
            Some(Modal::Picker(p)) => {
                for c in text.chars().filter(|c| !c.is_control()) {
                    p.filter.handle(tui_input::InputRequest::InsertChar(c));
                }
                p.refilter();
            }
            None if self.filtering => {
                let l = &mut self.lists[self.tab.index()];
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
                    let l = &mut self.lists[self.tab.index()];
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
                self.lists[self.tab.index()].filter.reset();
                self.filtering = false;
            }
            _ => {
                let l = &mut self.lists[self.tab.index()];
                l.filter.handle_event(&Event::Key(ev));
                l.sel = 0;
            }
        }
    }

    fn modal_key(&mut self, ev: KeyEvent) {
        let chain = self.chain();
        let cmd = keymap::resolve(&chain, &ev).map(|b| b.cmd);
        let Some(top) = self.modals.last_mut() else {
            return;
        };
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
            Modal::Help { scroll } => match cmd {
                Some(Cmd::Close) => self.close_modal(),
                Some(Cmd::Down) => *scroll += 1,
                Some(Cmd::Up) => *scroll = scroll.saturating_sub(1),
                _ => {}
            },
        }
    }

    fn close_modal(&mut self) {
        self.modals.pop();
    }

    fn open(&mut self, m: Modal) {
        self.modals.push(m);
    }

    fn info(&mut self, text: impl Into<String>) {
        self.status = Some(Status {
            kind: StatusKind::Info,
            text: text.into(),
        });
    }

    // ---- applying actions ----

    /// Applies an action through the session (which saves), keeping a snapshot for undo.
    pub fn apply(&mut self, action: &Action) -> Result<Outcome, Problem> {
        let session = self.session.clone();
        let mut s = session.lock().unwrap_or_else(|e| e.into_inner());
        let before = s.world.clone();
        let result = s.apply(&self.ctx, action);
        drop(s);
        match result {
            Ok(out) => {
                self.push_undo(before);
                Ok(out)
            }
            Err(ApplyError::Save(e)) => {
                self.push_undo(before);
                Ok(Outcome::msg(format!("applied, but NOT SAVED: {e}")))
            }
            Err(ApplyError::Action(e)) => Err(Problem::from_action(&e)),
            Err(ApplyError::ReadOnly) => Err(Problem::invalid(
                "read-only: this world cannot be changed here",
            )),
        }
    }

    fn push_undo(&mut self, before: World) {
        self.undo.push(before);
        if self.undo.len() > UNDO_DEPTH {
            self.undo.remove(0);
        }
        self.redo.clear();
    }

    /// Shows an outcome: the status line, and a modal for a secret or an import report.
    fn finish(&mut self, out: Outcome) {
        self.status = Some(Status {
            kind: StatusKind::Ok,
            text: out.message.clone(),
        });
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
            let mut lines = vec![
                format!("{ok} imported, {} rejected", out.report.len() - ok),
                String::new(),
            ];
            for (item, reason) in &out.report {
                lines.push(match reason {
                    None => format!("✓ {item}: imported"),
                    Some(r) => format!("✗ {item}: rejected: {r}"),
                });
            }
            self.open(Modal::Message(Message {
                title: "Bulk import result".into(),
                lines,
                scroll: 0,
            }));
        }
    }

    /// Applies at once (non-destructive actions); a refusal goes to the status line.
    fn act(&mut self, action: Action) {
        match self.apply(&action) {
            Ok(out) => self.finish(out),
            Err(p) => {
                self.status = Some(Status {
                    kind: StatusKind::Refused,
                    text: p.line(),
                })
            }
        }
    }

    /// Applies the top modal's action: closes it on success, shows the refusal inside otherwise.
    fn act_in_modal(&mut self, action: Action) {
        match self.apply(&action) {
            Ok(out) => {
                self.close_modal();
                self.finish(out);
            }
            Err(p) => {
                if let Some(m) = self.modals.last_mut() {
                    m.set_problem(p);
                }
            }
        }
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
            pending: Pending::Apply(action),
            danger,
            problem: None,
        }));
    }

    fn confirm_yes(&mut self) {
        let Some(Modal::Confirm(c)) = self.modals.last() else {
            return;
        };
        let action = match c.pending.clone() {
            Pending::Apply(a) => a,
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
        match self.form_action(f) {
            Ok(action) => self.act_in_modal(action),
            Err(p) => {
                if let Some(m) = self.modals.last_mut() {
                    m.set_problem(p);
                }
            }
        }
    }

    /// What a form's fields mean as an action. Only parsing: every rule is the model's.
    fn form_action(&self, f: &Form) -> Result<Action, Problem> {
        let v = |i: usize| f.value(i).trim().to_string();
        let opt = |i: usize| Some(v(i)).filter(|s| !s.is_empty());
        Ok(match &f.kind {
            FormKind::CreateAccount => Action::CreateAccount {
                name: v(0),
                flex: v(1) == "flex",
                owner: opt(2),
            },
            FormKind::ImportAccount => Action::ImportAccount { sid: v(0) },
            FormKind::LinkAccount => Action::LinkAccount { sid: v(0) },
            FormKind::RenameAccount(sid) => Action::RenameAccount {
                sid: sid.to_string(),
                name: v(0),
            },
            FormKind::CloseAccount(sid) => Action::CloseAccount {
                sid: sid.to_string(),
                confirm_name: f.value(0).to_string(),
            },
            FormKind::Subaccount(parent) => Action::CreateSubaccount {
                parent: parent.to_string(),
                name: opt(0),
            },
            FormKind::Grant(sid) => Action::GrantAccess {
                sid: sid.to_string(),
                user: v(0),
                roles: AccountRole::parse_list(&v(1)).map_err(Problem::invalid)?,
            },
            FormKind::AddDomain => Action::AddDomain { name: v(0) },
            FormKind::SignupSetting => Action::SetSignup {
                setting: SignupSetting::parse(&v(0))
                    .ok_or_else(|| Problem::invalid("pick a setting"))?,
            },
            FormKind::SsoEnforce(domain) => Action::SsoEnforce {
                domain: domain.clone(),
                confirm_lockout: v(0) == "yes",
            },
            FormKind::Invite => Action::Invite {
                email: v(0),
                role: OrgRole::parse_assignable(&v(1)).unwrap_or(OrgRole::Standard),
                accounts: self.parse_grants(&v(2))?,
            },
            FormKind::SetRole(user) => Action::SetRole {
                user: user.clone(),
                role: OrgRole::parse_assignable(&v(0)).unwrap_or(OrgRole::Standard),
            },
            FormKind::ImportCsv => {
                let path = v(0);
                if path.is_empty() {
                    return Err(Problem::invalid("type the path of a CSV file"));
                }
                let csv = std::fs::read_to_string(&path)
                    .map_err(|e| Problem::invalid(format!("cannot read {path}: {e}")))?;
                Action::ImportUsers { csv }
            }
            FormKind::Signup => Action::Signup {
                email: v(0),
                name: opt(1),
            },
            FormKind::SsoUnexempt(user) => Action::SsoUnexempt {
                user: user.clone(),
                confirm_lockout: v(0) == "yes",
            },
            FormKind::RenameOrg => Action::RenameOrg { name: v(0) },
            FormKind::SetNumber(key) => {
                Action::Set(Setting::parse(key, &v(0)).map_err(Problem::invalid)?)
            }
            FormKind::SsoConfigure => {
                let cert = v(2);
                let cert_pem = if cert.is_empty() || cert.starts_with("-----BEGIN") {
                    cert
                } else {
                    std::fs::read_to_string(&cert)
                        .map_err(|e| Problem::invalid(format!("cannot read {cert}: {e}")))?
                };
                Action::SsoConfigure {
                    entity_id: v(0),
                    url: v(1),
                    cert_pem,
                }
            }
            FormKind::Merge(candidate) => Action::Merge {
                candidate: candidate.clone(),
                owner_role: OrgRole::parse_assignable(&v(0)).unwrap_or(OrgRole::Standard),
                confirm: f.value(1).to_string(),
            },
            FormKind::Clock => Action::AdvanceClock {
                seconds: crate::model::time::parse_duration(&v(0))
                    .map_err(Problem::invalid)?
                    .as_secs(),
            },
            FormKind::WorldUser => Action::AddWorldUser {
                email: v(0),
                name: opt(1),
            },
            FormKind::WorldAccount => Action::AddWorldAccount {
                name: v(0),
                owner: v(1),
                full: v(2) == "full",
            },
        })
    }

    /// `ACCOUNT=ROLES; ACCOUNT=ROLES`, where ACCOUNT is a SID or an account's exact name. Only
    /// names are resolved here; whether the grant is allowed is the model's call.
    fn parse_grants(&self, text: &str) -> Result<Vec<(String, Vec<AccountRole>)>, Problem> {
        let s = self.lock();
        text.split(';')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(|part| {
                let (acc, roles) = part.split_once('=').ok_or_else(|| {
                    Problem::invalid(format!("write ACCOUNT=ROLES, not '{part}'"))
                })?;
                let acc = acc.trim();
                let sid = s
                    .world
                    .org_accounts(&self.ctx.org)
                    .find(|a| a.name.eq_ignore_ascii_case(acc))
                    .map(|a| a.sid.to_string())
                    .unwrap_or_else(|| acc.to_string());
                Ok((
                    sid,
                    AccountRole::parse_list(roles).map_err(Problem::invalid)?,
                ))
            })
            .collect()
    }

    fn pick(&mut self) {
        let Some(Modal::Picker(p)) = self.modals.last() else {
            return;
        };
        let Some((label, key)) = p.chosen().cloned() else {
            return;
        };
        let then = p.then.clone();
        match then {
            PickThen::ActAs => {
                self.close_modal();
                if let Ok(sid) = Sid::parse(crate::model::SidKind::User, &key) {
                    self.ctx.actor = Actor::User(sid);
                    self.info(format!("now acting as {label}"));
                }
            }
            PickThen::Org => {
                self.close_modal();
                if let Ok(org) = Sid::parse(crate::model::SidKind::Org, &key) {
                    let owner = self.lock().world.owner_of_org(&org).map(|u| u.sid.clone());
                    self.ctx = Ctx::new(org, owner.unwrap_or_else(|| self.ctx.actor_sid()));
                    self.lists = Default::default();
                    self.info(format!("now in {label}, acting as its Owner"));
                }
            }
            PickThen::TransferAccount(sid) => {
                self.close_modal();
                let name = self.account_name(&sid);
                self.confirm(
                    "Transfer account ownership",
                    vec![
                        format!("Make {key} the owner of {name}?"),
                        "The previous owner keeps Administrator access (ACC-7).".into(),
                    ],
                    Action::TransferAccount {
                        sid: sid.to_string(),
                        user: key,
                    },
                    true,
                );
            }
            PickThen::TransferOrg => {
                self.close_modal();
                self.confirm(
                    "Transfer organization ownership",
                    vec![
                        format!("Make {key} the Owner of the organization?"),
                        "You become an Administrator (ORG-5).".into(),
                    ],
                    Action::TransferOrg { user: key },
                    true,
                );
            }
            PickThen::MergeCandidate => {
                self.close_modal();
                self.open(Modal::Form(
                    Form::new(
                        format!("Merge {label} into this organization"),
                        FormKind::Merge(key),
                        vec![
                            Field::choice(
                                "Owner's role",
                                vec![("Standard", "standard"), ("Administrator", "admin")],
                                0,
                                "the role the Candidate's Owner takes here (MRG-4); ←/→ to change",
                            ),
                            Field::text(
                                "Type its name",
                                "",
                                "the Candidate's name, exactly (MRG-3)",
                            ),
                        ],
                    )
                    .danger(),
                ));
            }
            PickThen::Revoke(sid) => {
                self.close_modal();
                let name = self.account_name(&sid);
                self.confirm(
                    "Revoke access",
                    vec![format!("Revoke every role of {key} on {name}?")],
                    Action::RevokeAccess {
                        sid: sid.to_string(),
                        user: key,
                    },
                    true,
                );
            }
            PickThen::Exempt => {
                let exempt = self
                    .lock()
                    .world
                    .find_user(&key)
                    .ok()
                    .and_then(|u| u.membership.as_ref().map(|m| m.sso_exempt))
                    .unwrap_or(false);
                if exempt {
                    self.close_modal();
                    self.open(unexempt_form(&key));
                } else {
                    self.act_in_modal(Action::SsoExempt { user: key });
                }
            }
        }
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
        &mut self.lists[self.tab.index()]
    }

    fn set_tab(&mut self, tab: Tab) {
        self.tab = tab;
        self.zoom = false;
    }

    pub fn selected_account(&self) -> Option<Sid> {
        self.cache
            .accounts
            .get(self.lists[0].sel)
            .map(|r| r.sid.clone())
    }
    pub fn selected_domain(&self) -> Option<String> {
        self.cache.domains.get(self.lists[1].sel).cloned()
    }
    pub fn selected_user(&self) -> Option<UserRow> {
        self.cache.users.get(self.lists[2].sel).cloned()
    }
    pub fn selected_setting(&self) -> Option<SettingRow> {
        self.cache.settings.get(self.lists[3].sel).cloned()
    }

    fn command(&mut self, cmd: Cmd) {
        let len = self.cache.len(self.tab);
        let page = self.page;
        match cmd {
            Cmd::ForceQuit | Cmd::Quit => self.quit = true,
            Cmd::Help => self.open(Modal::Help { scroll: 0 }),
            Cmd::NextTab => self.set_tab(Tab::ALL[(self.tab.index() + 1) % 4]),
            Cmd::PrevTab => self.set_tab(Tab::ALL[(self.tab.index() + 3) % 4]),
            Cmd::Tab(i) => self.set_tab(Tab::ALL[i]),
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
            Cmd::Detail => self.zoom = true,
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

    fn undo(&mut self) {
        let Some(prev) = self.undo.pop() else {
            return self.info("nothing to undo");
        };
        let session = self.session.clone();
        let mut s = session.lock().unwrap_or_else(|e| e.into_inner());
        let current = s.world.clone();
        match s.replace_world(prev) {
            Ok(()) => {
                drop(s);
                self.redo.push(current);
                self.info("undone: the world is back as it was before the last change");
            }
            Err(e) => {
                drop(s);
                self.info(format!("cannot undo: {e}"));
            }
        }
    }

    fn redo(&mut self) {
        let Some(next) = self.redo.pop() else {
            return self.info("nothing to redo");
        };
        let session = self.session.clone();
        let mut s = session.lock().unwrap_or_else(|e| e.into_inner());
        let current = s.world.clone();
        match s.replace_world(next) {
            Ok(()) => {
                drop(s);
                self.undo.push(current);
                self.info("redone");
            }
            Err(e) => {
                drop(s);
                self.info(format!("cannot redo: {e}"));
            }
        }
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

    fn tab_command(&mut self, cmd: Cmd) -> Result<(), String> {
        match self.tab {
            Tab::Accounts => self.account_command(cmd),
            Tab::Domains => self.domain_command(cmd),
            Tab::Users => self.user_command(cmd),
            Tab::Settings => self.settings_command(),
        }
    }

    fn account_command(&mut self, cmd: Cmd) -> Result<(), String> {
        if cmd == Cmd::AccCreate {
            self.open(Modal::Form(Form::new(
                "Create an account",
                FormKind::CreateAccount,
                vec![
                    Field::text("Name", "", "1-64 characters (ACC-1)"),
                    Field::choice(
                        "Usage",
                        vec![("Twilio", "twilio"), ("Flex", "flex")],
                        0,
                        "←/→ to change",
                    ),
                    Field::text("Owner", "", "email of an active member; empty: you"),
                ],
            )));
            return Ok(());
        }
        if cmd == Cmd::AccImport || cmd == Cmd::AccLink {
            let (title, kind, intro) = if cmd == Cmd::AccImport {
                (
                    "Import an account by SID",
                    FormKind::ImportAccount,
                    "The account becomes Pending until its owner confirms (ACC-4, ACC-5).",
                )
            } else {
                (
                    "Link an independent account",
                    FormKind::LinkAccount,
                    "Its outside owner is asked to share it as independent (ACC-6).",
                )
            };
            self.open(Modal::Form(
                Form::new(
                    title,
                    kind,
                    vec![Field::text(
                        "Account SID",
                        "",
                        "AC followed by 32 hex digits",
                    )],
                )
                .intro(vec![intro.into()]),
            ));
            return Ok(());
        }
        let sid = self.selected_account().ok_or("no account selected")?;
        let (name, hipaa, access) = {
            let s = self.lock();
            let a = &s.world.accounts[&sid];
            let access: Vec<(String, String)> = a
                .access
                .iter()
                .map(|(u, roles)| {
                    let email = s.world.email_of(u);
                    let r: Vec<&str> = roles.iter().map(|r| r.label()).collect();
                    (format!("{email} ({})", r.join(", ")), email)
                })
                .collect();
            (a.name.clone(), a.hipaa, access)
        };
        let s = sid.to_string();
        match cmd {
            Cmd::AccConfirm => self.confirm(
                "Confirm as the account's owner",
                vec![
                    format!("Confirm that {name} joins the organization?"),
                    "Only the account's owner can (ACC-5): switch with A first.".into(),
                ],
                Action::ConfirmAccount { sid: s },
                false,
            ),
            Cmd::AccDecline => self.confirm(
                "Decline as the account's owner",
                vec![format!("Decline the request for {name}?")],
                Action::DeclineAccount { sid: s },
                true,
            ),
            Cmd::AccCancel => self.confirm(
                "Cancel or relinquish",
                vec![format!(
                    "Cancel the pending request for {name}, or relinquish it if independent?"
                )],
                Action::CancelAccount { sid: s },
                true,
            ),
            Cmd::AccRename => self.open(Modal::Form(Form::new(
                format!("Rename {name}"),
                FormKind::RenameAccount(sid),
                vec![Field::text("Name", &name, "1-64 characters")],
            ))),
            Cmd::AccTransfer => {
                let items = self.member_items(true);
                self.open(Modal::Picker(Picker::new(
                    format!("Transfer {name} to…"),
                    items,
                    PickThen::TransferAccount(sid),
                )));
            }
            Cmd::AccSuspend => self.confirm(
                "Suspend account",
                vec![format!("Suspend {name}? Its subaccounts cannot change status while it is suspended (SUB-5).")],
                Action::SuspendAccount { sid: s },
                true,
            ),
            Cmd::AccResume => self.act(Action::ResumeAccount { sid: s }),
            Cmd::AccClose => self.open(Modal::Form(
                Form::new(
                    format!("Close {name}"),
                    FormKind::CloseAccount(sid),
                    vec![Field::text("Type its name", "", "the account's name, exactly")],
                )
                .intro(vec![
                    "Closing is irreversible and closes its subaccounts too (ACC-8).".into(),
                    format!("Type '{name}' to confirm."),
                ])
                .danger(),
            )),
            Cmd::AccUpgrade => self.confirm(
                "Upgrade to Full",
                vec![format!("Upgrade {name} from Trial to Full? There is no way back (ACC-9).")],
                Action::UpgradeAccount { sid: s },
                true,
            ),
            Cmd::AccHipaa => self.confirm(
                if hipaa { "Turn HIPAA off" } else { "Turn HIPAA on" },
                vec![format!(
                    "Turn HIPAA {} for {name}? Existing subaccounts do not change (HIP-3).",
                    if hipaa { "off" } else { "on" }
                )],
                Action::SetHipaa { sid: s, on: !hipaa },
                hipaa,
            ),
            Cmd::AccSub => self.open(Modal::Form(Form::new(
                format!("New subaccount of {name}"),
                FormKind::Subaccount(sid),
                vec![Field::text("Name", "", "at most 64 characters; empty: a dated default (SUB-3)")],
            ))),
            Cmd::AccGrant => self.open(Modal::Form(Form::new(
                format!("Grant access to {name}"),
                FormKind::Grant(sid),
                vec![
                    Field::text("User", "", "email of a member or an outside user"),
                    Field::text("Roles", "developer", "admin, developer, billing, support (comma-separated; USR-4)"),
                ],
            ))),
            Cmd::AccRevoke => {
                if access.is_empty() {
                    return Err(format!("nobody has roles on {name}"));
                }
                self.open(Modal::Picker(Picker::new(
                    format!("Revoke access to {name} from…"),
                    access,
                    PickThen::Revoke(sid),
                )));
            }
            _ => {}
        }
        Ok(())
    }

    fn domain_command(&mut self, cmd: Cmd) -> Result<(), String> {
        match cmd {
            Cmd::DomAdd => {
                self.open(Modal::Form(Form::new(
                    "Add a domain",
                    FormKind::AddDomain,
                    vec![Field::text(
                        "Domain",
                        "",
                        "e.g. corp.example (no www., DOM-1)",
                    )],
                )));
                return Ok(());
            }
            Cmd::DomSignup => {
                let current = self
                    .lock()
                    .world
                    .orgs
                    .get(&self.ctx.org)
                    .map(|o| o.signup)
                    .unwrap_or(SignupSetting::Restricted);
                let idx = SignupSetting::ALL
                    .iter()
                    .position(|s| *s == current)
                    .unwrap_or(0);
                self.open(Modal::Form(
                    Form::new(
                        "Sign-up setting",
                        FormKind::SignupSetting,
                        vec![Field::choice(
                            "Sign-up",
                            vec![
                                ("Restricted", "restricted"),
                                ("Auto-enrollment", "auto-enrollment"),
                                ("Blocked", "blocked"),
                            ],
                            idx,
                            "←/→ to change",
                        )],
                    )
                    .intro(vec![
                        "What happens when someone signs up with an address on a verified domain (SIGN-1..4):".into(),
                        "Restricted: only with an invitation · Auto-enrollment: joins as Standard · Blocked: stays outside.".into(),
                    ]),
                ));
                return Ok(());
            }
            _ => {}
        }
        let name = self.selected_domain().ok_or("no domain selected")?;
        let (multi, enforced, leaving) = {
            let s = self.lock();
            let d = &s.world.orgs[&self.ctx.org].domains[&name];
            let leaving: Vec<String> = s
                .world
                .members_on_domain(&self.ctx.org, &name)
                .iter()
                .map(|u| s.world.email_of(u))
                .collect();
            (d.multi_verified, d.sso_enforced, leaving)
        };
        match cmd {
            Cmd::DomVerify => self.act(Action::VerifyDomain { name }),
            Cmd::DomRecheck => self.act(Action::RecheckDomain { name }),
            Cmd::DomPublish => self.act(Action::PublishDns { domain: name }),
            Cmd::DomUnpublish => self.act(Action::UnpublishDns { domain: name }),
            Cmd::DomDelete => {
                let mut lines = vec![format!("Delete {name}? (DOM-10)")];
                if leaving.is_empty() {
                    lines.push(
                        "I acknowledge the deletion; no managed user's address is on it.".into(),
                    );
                } else {
                    lines.push(format!(
                        "I acknowledge that these {} managed user(s) leave the organization:",
                        leaving.len()
                    ));
                    lines.extend(leaving.iter().take(8).map(|e| format!("  {e}")));
                    if leaving.len() > 8 {
                        lines.push(format!("  … and {} more", leaving.len() - 8));
                    }
                }
                self.confirm(
                    "Delete domain",
                    lines,
                    Action::DeleteDomain {
                        name,
                        acknowledged: true,
                    },
                    true,
                );
            }
            Cmd::DomMulti => self.act(Action::Set(Setting::MultiVerified {
                domain: name,
                on: !multi,
            })),
            Cmd::DomEnforce => self.open_enforce(name, enforced),
            _ => {}
        }
        Ok(())
    }

    fn open_enforce(&mut self, domain: String, enforced: bool) {
        if enforced {
            self.confirm(
                "Stop enforcing SSO",
                vec![format!(
                    "Stop enforcing SSO on {domain}? Its users sign in with passwords again."
                )],
                Action::SsoUnenforce { domain },
                true,
            );
        } else {
            self.open(Modal::Form(
                Form::new(
                    format!("Enforce SSO on {domain}"),
                    FormKind::SsoEnforce(domain),
                    vec![Field::choice(
                        "Confirm lockout",
                        vec![("no", "no"), ("yes", "yes")],
                        0,
                        "yes: enforce even if no Owner or Administrator keeps a password (SSO-5)",
                    )],
                )
                .intro(vec![
                    "Every managed user of the domain must sign in with SSO, except exempted users (SSO-4).".into(),
                ]),
            ));
        }
    }

    fn user_command(&mut self, cmd: Cmd) -> Result<(), String> {
        match cmd {
            Cmd::UsrInvite => {
                self.open(Modal::Form(Form::new(
                    "Invite a user",
                    FormKind::Invite,
                    vec![
                        Field::text("Email", "", "an address on a verified domain (USR-1)"),
                        Field::choice(
                            "Org role",
                            vec![("Standard", "standard"), ("Administrator", "admin")],
                            0,
                            "←/→ to change",
                        ),
                        Field::text(
                            "Accounts",
                            "",
                            "ACCOUNT=ROLES; … (name or SID; roles admin, developer, billing, support)",
                        ),
                    ],
                )));
                return Ok(());
            }
            Cmd::UsrImport => {
                self.open(Modal::Form(
                    Form::new(
                        "Bulk import users from a CSV file",
                        FormKind::ImportCsv,
                        vec![Field::text(
                            "CSV path",
                            "",
                            "a file with the header email,first_name,last_name",
                        )],
                    )
                    .intro(vec![
                        "Existing users of verified domains join as Standard (USR-9).".into(),
                    ]),
                ));
                return Ok(());
            }
            Cmd::UsrSignup => {
                self.open(Modal::Form(
                    Form::new(
                        "Simulate a sign-up",
                        FormKind::Signup,
                        vec![
                            Field::text("Email", "", "the new user's address"),
                            Field::text("Name", "", "optional"),
                        ],
                    )
                    .intro(vec![
                        "A person signs up at twilio.com; the org's sign-up setting decides (SIGN-1..4).".into(),
                    ]),
                ));
                return Ok(());
            }
            _ => {}
        }
        let row = self.selected_user().ok_or("no user selected")?;
        let (email, role, exempt) = {
            let s = self.lock();
            let w = &s.world;
            match &row {
                UserRow::Member(u) | UserRow::External(u) => {
                    let user = &w.users[u];
                    let m = user.membership.as_ref();
                    (
                        user.email.clone(),
                        m.map(|m| m.role),
                        m.is_some_and(|m| m.sso_exempt),
                    )
                }
                UserRow::Invitation(i) => {
                    let inv = &w.orgs[&self.ctx.org].invitations[i];
                    (inv.email.clone(), Some(inv.role), false)
                }
            }
        };
        let is_invite = matches!(row, UserRow::Invitation(_));
        let need_invite = || Err::<(), String>("select a pending invitation first".into());
        match cmd {
            Cmd::UsrAccept if is_invite => self.confirm(
                "Accept as the invitee",
                vec![format!("Accept the invitation as {email}?")],
                Action::AcceptInvite { email },
                false,
            ),
            Cmd::UsrResend if is_invite => self.act(Action::ResendInvite { email }),
            Cmd::UsrCancel if is_invite => self.confirm(
                "Cancel invitation",
                vec![format!("Cancel the invitation of {email}?")],
                Action::CancelInvite { email },
                true,
            ),
            Cmd::UsrAccept | Cmd::UsrResend | Cmd::UsrCancel => return need_invite(),
            _ if is_invite => {
                return Err("select a member first (this row is an invitation)".into());
            }
            Cmd::UsrRole => {
                let idx = usize::from(role == Some(OrgRole::Standard));
                self.open(Modal::Form(Form::new(
                    format!("Org role of {email}"),
                    FormKind::SetRole(email),
                    vec![Field::choice(
                        "Org role",
                        vec![("Administrator", "admin"), ("Standard", "standard")],
                        idx,
                        "←/→ to change; the Owner changes by transfer (Settings)",
                    )],
                )));
            }
            Cmd::UsrResetPw => self.confirm(
                "Reset password",
                vec![format!("Send {email} a password reset link (USR-6)?")],
                Action::ResetPassword { user: email },
                false,
            ),
            Cmd::UsrReset2fa => self.confirm(
                "Reset 2FA",
                vec![format!(
                    "Reset {email}'s 2FA? They enrol again at the next sign-in (USR-6)."
                )],
                Action::Reset2fa { user: email },
                true,
            ),
            Cmd::UsrDeactivate => self.confirm(
                "Deactivate user",
                vec![format!(
                    "Deactivate {email}? They cannot sign in until reactivated (USR-7)."
                )],
                Action::Deactivate { user: email },
                true,
            ),
            Cmd::UsrReactivate => self.act(Action::Reactivate { user: email }),
            Cmd::UsrRemove => self.confirm(
                "Remove user",
                vec![format!(
                    "Remove {email} from the organization? The Twilio user remains (USR-8)."
                )],
                Action::RemoveUser { user: email },
                true,
            ),
            Cmd::UsrDelete => self.confirm(
                "Delete user",
                vec![format!("Delete {email}'s Twilio user entirely (USR-8)?")],
                Action::DeleteUser { user: email },
                true,
            ),
            Cmd::UsrExempt => {
                if exempt {
                    self.open(unexempt_form(&email));
                } else {
                    self.act(Action::SsoExempt { user: email });
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn settings_command(&mut self) -> Result<(), String> {
        let row = self.selected_setting().ok_or("no setting selected")?;
        let (org_name, settings, scim, owner_email) = {
            let s = self.lock();
            let o = &s.world.orgs[&self.ctx.org];
            (
                o.name.clone(),
                o.settings.clone(),
                o.scim.clone(),
                s.world
                    .owner_of_org(&o.sid)
                    .map(|u| u.email.clone())
                    .unwrap_or_default(),
            )
        };
        let number = |title: &str, key: &'static str, value: u32| {
            Modal::Form(Form::new(
                title.to_string(),
                FormKind::SetNumber(key),
                vec![Field::text("Value", &value.to_string(), "a whole number")],
            ))
        };
        let toggle = |title: &str, on: bool, setting: Setting| {
            (
                format!("{title}: turn {}", if on { "off" } else { "on" }),
                setting,
            )
        };
        let flag = match row {
            SettingRow::Baa => Some(toggle(
                "BAA on record",
                settings.baa,
                Setting::Baa(!settings.baa),
            )),
            SettingRow::SsoEntitlement => Some(toggle(
                "SSO entitlement",
                settings.sso_entitlement,
                Setting::SsoEntitlement(!settings.sso_entitlement),
            )),
            SettingRow::BulkImport => Some(toggle(
                "Bulk import",
                settings.bulk_import,
                Setting::BulkImport(!settings.bulk_import),
            )),
            SettingRow::ScimTwilioRules => Some(toggle(
                "SCIM Twilio userName rules",
                scim.twilio_rules,
                Setting::ScimTwilioRules(!scim.twilio_rules),
            )),
            _ => None,
        };
        if let Some((title, setting)) = flag {
            self.confirm(
                title.clone(),
                vec![format!("{title}?")],
                Action::Set(setting),
                false,
            );
            return Ok(());
        }
        match row {
            SettingRow::Name => self.open(Modal::Form(Form::new(
                "Rename the organization",
                FormKind::RenameOrg,
                vec![Field::text("Name", &org_name, "1-64 characters (ORG-7)")],
            ))),
            SettingRow::Owner => {
                let items = self
                    .member_items(true)
                    .into_iter()
                    .filter(|(_, e)| *e != owner_email)
                    .collect();
                self.open(Modal::Picker(Picker::new(
                    "Transfer organization ownership to…",
                    items,
                    PickThen::TransferOrg,
                )));
            }
            SettingRow::AccountLimit => self.open(number(
                "Account limit",
                "account-limit",
                settings.account_limit,
            )),
            SettingRow::SubaccountLimit => self.open(number(
                "Subaccount limit",
                "subaccount-limit",
                settings.subaccount_limit,
            )),
            SettingRow::DomainLimit => self.open(number(
                "Domain limit",
                "domain-limit",
                settings.domain_limit,
            )),
            SettingRow::InviteDays => self.open(number(
                "Invitation lifetime (days)",
                "invite-days",
                settings.invite_days,
            )),
            SettingRow::ResetLinkHours => self.open(number(
                "Reset link lifetime (hours)",
                "reset-link-hours",
                settings.reset_link_hours,
            )),
            SettingRow::SsoProfile => {
                let (e, u) = {
                    let s = self.lock();
                    s.world.orgs[&self.ctx.org]
                        .sso
                        .as_ref()
                        .map(|p| (p.entity_id.clone(), p.sign_in_url.clone()))
                        .unwrap_or_default()
                };
                self.open(Modal::Form(
                    Form::new(
                        "SSO profile",
                        FormKind::SsoConfigure,
                        vec![
                            Field::text("IdP entity ID", &e, "the identity provider's entity ID"),
                            Field::text("Sign-in URL", &u, "https://… (SSO-2)"),
                            Field::text(
                                "Certificate",
                                "",
                                "path to the IdP's PEM certificate, e.g. assets/demo-idp-cert.pem",
                            ),
                        ],
                    )
                    .intro(vec![
                        "Needs the SSO entitlement and a verified domain (SSO-1).".into(),
                    ]),
                ));
            }
            SettingRow::SsoTest => self.act(Action::SsoTest),
            SettingRow::SsoEnforce(domain) => {
                let enforced = {
                    let s = self.lock();
                    s.world.orgs[&self.ctx.org]
                        .domains
                        .get(&domain)
                        .is_some_and(|d| d.sso_enforced)
                };
                self.open_enforce(domain, enforced);
            }
            SettingRow::SsoExemptions => {
                let items = self.member_items(false);
                self.open(Modal::Picker(Picker::new(
                    "SSO exemption: pick a member to exempt or un-exempt",
                    items,
                    PickThen::Exempt,
                )));
            }
            SettingRow::Scim => {
                if scim.enabled {
                    self.confirm(
                        "Disable SCIM",
                        vec!["Disable SCIM provisioning? The token stops working.".into()],
                        Action::ScimDisable,
                        true,
                    );
                } else {
                    self.open(Modal::Confirm(Confirm {
                        title: "Enable SCIM".into(),
                        lines: vec![
                            "Enable SCIM provisioning? A bearer token is made and shown once (SCIM-1).".into(),
                        ],
                        pending: Pending::ScimEnable,
                        danger: false,
                        problem: None,
                    }));
                }
            }
            SettingRow::Merge => {
                let items = {
                    let s = self.lock();
                    s.world
                        .orgs
                        .values()
                        .filter(|o| o.sid != self.ctx.org)
                        .map(|o| (o.name.clone(), o.sid.to_string()))
                        .collect()
                };
                self.open(Modal::Picker(Picker::new(
                    "Merge which organization into this one?",
                    items,
                    PickThen::MergeCandidate,
                )));
            }
            SettingRow::Clock => self.open(Modal::Form(
                Form::new(
                    "Advance the world clock",
                    FormKind::Clock,
                    vec![Field::text("By", "1d", "a duration such as 36h, 7d or 30d")],
                )
                .intro(vec![
                    "Every expiry that falls due is applied and logged (CLK-1).".into(),
                ]),
            )),
            SettingRow::Audit => {
                let lines = {
                    let s = self.lock();
                    let org = &self.ctx.org;
                    s.world
                        .audit
                        .iter()
                        .rev()
                        .filter(|e| e.org.as_ref().is_none_or(|o| o == org))
                        .map(|e| {
                            format!(
                                "{}  {}  {}: {}",
                                crate::model::time::format_time(e.at),
                                e.actor,
                                e.action,
                                e.detail
                            )
                        })
                        .collect()
                };
                self.open(Modal::Message(Message {
                    title: "Audit log (newest first)".into(),
                    lines,
                    scroll: 0,
                }));
            }
            SettingRow::WorldUser => self.open(Modal::Form(
                Form::new(
                    "Add a Twilio user outside every org",
                    FormKind::WorldUser,
                    vec![
                        Field::text("Email", "", "the user's address"),
                        Field::text("Name", "", "optional"),
                    ],
                )
                .intro(vec![
                    "Simulation: someone who already has a Twilio login.".into(),
                ]),
            )),
            SettingRow::WorldAccount => self.open(Modal::Form(
                Form::new(
                    "Add an account outside every org",
                    FormKind::WorldAccount,
                    vec![
                        Field::text("Name", "", "1-64 characters"),
                        Field::text("Owner", "", "email of an existing Twilio user"),
                        Field::choice(
                            "Type",
                            vec![("Trial", "trial"), ("Full", "full")],
                            0,
                            "←/→ to change",
                        ),
                    ],
                )
                .intro(vec![
                    "Simulation: an account that can later be imported or linked.".into(),
                ]),
            )),
            SettingRow::DeleteOrg => self.confirm(
                "Delete the organization",
                vec![format!("Delete {org_name}?")],
                Action::DeleteOrg,
                true,
            ),
            _ => {}
        }
        Ok(())
    }
}

fn unexempt_form(email: &str) -> Modal {
    Modal::Form(Form::new(
        format!("Remove the SSO exemption of {email}"),
        FormKind::SsoUnexempt(email.to_string()),
        vec![Field::choice(
            "Confirm lockout",
            vec![("no", "no"), ("yes", "yes")],
            0,
            "yes: even if no Owner or Administrator keeps a password (SSO-5)",
        )],
    ))
}
