//! The one keymap table. It drives dispatch ([`resolve`]), the footer, the help screen and the
//! README's key table ([`markdown`]), so they cannot drift apart.

use ratatui::crossterm::event::KeyEvent;

use super::keys;
use crate::model::Capability;

/// Where a binding applies. Keys are looked up along a chain of these, innermost first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyCtx {
    Global,
    List,
    Accounts,
    Domains,
    Users,
    Settings,
    Filter,
    Form,
    Confirm,
    Picker,
    Message,
    Help,
    Log,
}

/// The console's four tabs, in the order of the tab bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
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
    pub fn next(self) -> Tab {
        Tab::ALL[(self.index() + 1) % Tab::ALL.len()]
    }
    pub fn prev(self) -> Tab {
        Tab::ALL[(self.index() + Tab::ALL.len() - 1) % Tab::ALL.len()]
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

impl KeyCtx {
    pub fn title(self) -> &'static str {
        match self {
            KeyCtx::Global => "Everywhere",
            KeyCtx::List => "Lists",
            KeyCtx::Accounts => "Accounts tab",
            KeyCtx::Domains => "Domains tab",
            KeyCtx::Users => "Users tab",
            KeyCtx::Settings => "Settings tab",
            KeyCtx::Filter => "Typing a filter",
            KeyCtx::Form => "Forms",
            KeyCtx::Confirm => "Confirmations",
            KeyCtx::Picker => "Pickers",
            KeyCtx::Message => "Messages",
            KeyCtx::Help => "Help",
            KeyCtx::Log => "Message log",
        }
    }
    pub const ALL: [KeyCtx; 13] = [
        KeyCtx::Global,
        KeyCtx::List,
        KeyCtx::Accounts,
        KeyCtx::Domains,
        KeyCtx::Users,
        KeyCtx::Settings,
        KeyCtx::Filter,
        KeyCtx::Form,
        KeyCtx::Confirm,
        KeyCtx::Picker,
        KeyCtx::Message,
        KeyCtx::Help,
        KeyCtx::Log,
    ];
}

/// What a key does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Cmd {
    ForceQuit,
    Quit,
    Help,
    Log,
    NextTab,
    PrevTab,
    Tab(Tab),
    Undo,
    Redo,
    ActAs,
    SwitchOrg,
    Up,
    Down,
    Top,
    Bottom,
    PageUp,
    PageDown,
    Detail,
    Sort,
    DetailDown,
    DetailUp,
    Back,
    Filter,
    FilterKeep,
    FilterClear,
    // accounts
    AccCreate,
    AccImport,
    AccLink,
    AccConfirm,
    AccDecline,
    AccCancel,
    AccRename,
    AccTransfer,
    AccSuspend,
    AccResume,
    AccClose,
    AccUpgrade,
    AccHipaa,
    AccSub,
    AccGrant,
    AccRevoke,
    // domains
    DomAdd,
    DomVerify,
    DomRecheck,
    DomDelete,
    DomPublish,
    DomUnpublish,
    DomSignup,
    DomMulti,
    DomEnforce,
    // users
    UsrInvite,
    UsrAccept,
    UsrDecline,
    UsrResend,
    UsrCancel,
    UsrRole,
    UsrResetPw,
    UsrReset2fa,
    UsrDeactivate,
    UsrReactivate,
    UsrRemove,
    UsrDelete,
    UsrImport,
    UsrSignup,
    UsrExempt,
    UsrAssign,
    UsrUnassign,
    // settings
    SetOpen,
    // staging and handing over (app/staging.rs)
    Stage,
    StageApply,
    StageDiscard,
    StageWrite,
    Runbook,
    // modals
    Submit,
    Cancel,
    NextField,
    PrevField,
    Yes,
    No,
    Close,
}

/// What the acting user needs for a binding to be available (asked of the model).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    Any,
    Cap(Capability),
}

#[derive(Debug, Clone, Copy)]
pub struct Binding {
    pub ctx: KeyCtx,
    pub keys: &'static [&'static str],
    pub cmd: Cmd,
    pub label: &'static str,
    pub need: Need,
    /// Shown in the footer (everything is shown in the help).
    pub footer: bool,
}

const fn b(
    ctx: KeyCtx,
    keys: &'static [&'static str],
    cmd: Cmd,
    label: &'static str,
    footer: bool,
) -> Binding {
    Binding {
        ctx,
        keys,
        cmd,
        label,
        need: Need::Any,
        footer,
    }
}

const fn admin(
    ctx: KeyCtx,
    keys: &'static [&'static str],
    cmd: Cmd,
    label: &'static str,
    what: &'static str,
) -> Binding {
    Binding {
        ctx,
        keys,
        cmd,
        label,
        need: Need::Cap(Capability::Admin(what)),
        footer: true,
    }
}

use Cmd as C;
use KeyCtx as K;

/// The keymap. Order is the order of the footer and the help.
pub const BINDINGS: &[Binding] = &[
    b(K::Global, &["ctrl-c"], C::ForceQuit, "quit (always)", false),
    b(K::Global, &["q"], C::Quit, "quit", true),
    b(K::Global, &["?", "f1"], C::Help, "help", true),
    b(K::Global, &["tab"], C::NextTab, "next tab", false),
    b(K::Global, &["shift-tab"], C::PrevTab, "previous tab", false),
    b(
        K::Global,
        &["1"],
        C::Tab(Tab::Accounts),
        "Accounts tab",
        false,
    ),
    b(
        K::Global,
        &["2"],
        C::Tab(Tab::Domains),
        "Domains tab",
        false,
    ),
    b(K::Global, &["3"], C::Tab(Tab::Users), "Users tab", false),
    b(
        K::Global,
        &["4"],
        C::Tab(Tab::Settings),
        "Settings tab",
        false,
    ),
    b(K::Global, &["M"], C::Log, "message log", true),
    b(K::Global, &["u"], C::Undo, "undo", true),
    b(K::Global, &["ctrl-r"], C::Redo, "redo", false),
    b(K::Global, &["A"], C::ActAs, "act as…", true),
    b(K::Global, &["O"], C::SwitchOrg, "organization…", false),
    b(
        K::Global,
        &["Z"],
        C::Stage,
        "stage changes (again: list them)",
        false,
    ),
    b(
        K::Global,
        &["F"],
        C::StageApply,
        "apply every staged change",
        false,
    ),
    b(
        K::Global,
        &["V"],
        C::StageDiscard,
        "discard the staged changes",
        false,
    ),
    b(
        K::Global,
        &["W"],
        C::StageWrite,
        "write the staged changes as a plan",
        false,
    ),
    b(
        K::Global,
        &["H"],
        C::Runbook,
        "runbook of the staged or recent changes",
        false,
    ),
    b(
        K::Global,
        &["J"],
        C::DetailDown,
        "scroll the detail down",
        false,
    ),
    b(
        K::Global,
        &["K"],
        C::DetailUp,
        "scroll the detail up",
        false,
    ),
    b(K::List, &["j", "down"], C::Down, "down", false),
    b(K::List, &["k", "up"], C::Up, "up", false),
    b(K::List, &["g", "home"], C::Top, "first", false),
    b(K::List, &["G", "end"], C::Bottom, "last", false),
    b(K::List, &["pgdn"], C::PageDown, "page down", false),
    b(K::List, &["pgup"], C::PageUp, "page up", false),
    b(K::List, &["enter"], C::Detail, "detail", false),
    b(K::List, &["o"], C::Sort, "sort by name / SID", false),
    b(K::List, &["esc"], C::Back, "back / clear filter", false),
    b(K::List, &["/"], C::Filter, "filter", true),
    // accounts
    Binding {
        need: Need::Cap(Capability::Member),
        ..b(K::Accounts, &["n"], C::AccCreate, "new", true)
    },
    admin(
        K::Accounts,
        &["i"],
        C::AccImport,
        "import by SID",
        "import accounts",
    ),
    admin(
        K::Accounts,
        &["L"],
        C::AccLink,
        "link independent",
        "link independent accounts",
    ),
    b(K::Accounts, &["c"], C::AccConfirm, "confirm (owner)", true),
    b(K::Accounts, &["x"], C::AccDecline, "decline (owner)", true),
    admin(
        K::Accounts,
        &["X"],
        C::AccCancel,
        "cancel pending / relinquish",
        "cancel pending accounts",
    ),
    b(K::Accounts, &["r"], C::AccRename, "rename", true),
    b(K::Accounts, &["t"], C::AccTransfer, "transfer", true),
    b(K::Accounts, &["s"], C::AccSuspend, "suspend", true),
    b(K::Accounts, &["R"], C::AccResume, "resume", true),
    b(K::Accounts, &["C"], C::AccClose, "close", true),
    b(K::Accounts, &["U"], C::AccUpgrade, "upgrade", true),
    b(K::Accounts, &["h"], C::AccHipaa, "HIPAA on/off", true),
    b(K::Accounts, &["b"], C::AccSub, "new subaccount", true),
    b(K::Accounts, &["+"], C::AccGrant, "grant access", true),
    b(K::Accounts, &["-"], C::AccRevoke, "revoke access", true),
    // domains
    admin(K::Domains, &["n"], C::DomAdd, "add", "manage domains"),
    admin(K::Domains, &["v"], C::DomVerify, "verify", "manage domains"),
    admin(
        K::Domains,
        &["c"],
        C::DomRecheck,
        "re-check",
        "manage domains",
    ),
    admin(K::Domains, &["D"], C::DomDelete, "delete", "manage domains"),
    b(
        K::Domains,
        &["p"],
        C::DomPublish,
        "publish TXT (simulated DNS)",
        true,
    ),
    b(
        K::Domains,
        &["P"],
        C::DomUnpublish,
        "unpublish TXT (simulated DNS)",
        true,
    ),
    admin(
        K::Domains,
        &["S"],
        C::DomSignup,
        "sign-up setting",
        "change the sign-up setting",
    ),
    admin(
        K::Domains,
        &["m"],
        C::DomMulti,
        "multi-verified on/off",
        "change settings",
    ),
    admin(
        K::Domains,
        &["e"],
        C::DomEnforce,
        "SSO enforce on/off",
        "manage SSO",
    ),
    // users
    admin(K::Users, &["i"], C::UsrInvite, "invite", "invite users"),
    b(K::Users, &["a"], C::UsrAccept, "accept (invitee)", true),
    b(K::Users, &["X"], C::UsrDecline, "decline (invitee)", false),
    admin(
        K::Users,
        &["s"],
        C::UsrResend,
        "resend",
        "resend invitations",
    ),
    admin(
        K::Users,
        &["x"],
        C::UsrCancel,
        "cancel invitation",
        "cancel invitations",
    ),
    admin(K::Users, &["r"], C::UsrRole, "role", "change roles"),
    // Account Administrators assign on their accounts too: the model decides (RBAC-3).
    b(K::Users, &["+"], C::UsrAssign, "assign role", true),
    b(K::Users, &["-"], C::UsrUnassign, "unassign role", true),
    admin(
        K::Users,
        &["p"],
        C::UsrResetPw,
        "reset password",
        "reset passwords",
    ),
    admin(K::Users, &["f"], C::UsrReset2fa, "reset 2FA", "reset 2FA"),
    admin(
        K::Users,
        &["d"],
        C::UsrDeactivate,
        "deactivate",
        "deactivate users",
    ),
    admin(
        K::Users,
        &["e"],
        C::UsrReactivate,
        "reactivate",
        "reactivate users",
    ),
    admin(K::Users, &["R"], C::UsrRemove, "remove", "remove users"),
    admin(K::Users, &["D"], C::UsrDelete, "delete", "delete users"),
    admin(
        K::Users,
        &["I"],
        C::UsrImport,
        "bulk import CSV",
        "import users",
    ),
    b(K::Users, &["n"], C::UsrSignup, "simulate sign-up", true),
    admin(
        K::Users,
        &["E"],
        C::UsrExempt,
        "SSO exempt on/off",
        "manage SSO",
    ),
    // settings
    b(K::Settings, &["enter"], C::SetOpen, "change / open", true),
    // filter
    b(K::Filter, &["enter"], C::FilterKeep, "keep filter", true),
    b(K::Filter, &["esc"], C::FilterClear, "clear filter", true),
    // modals
    b(K::Form, &["enter"], C::Submit, "submit", true),
    b(K::Form, &["f1"], C::Help, "help", false),
    b(K::Form, &["esc"], C::Cancel, "cancel", true),
    b(K::Form, &["tab", "down"], C::NextField, "next field", true),
    b(
        K::Form,
        &["shift-tab", "up"],
        C::PrevField,
        "previous field",
        true,
    ),
    b(K::Confirm, &["y", "enter"], C::Yes, "yes, do it", true),
    b(K::Confirm, &["n", "esc"], C::No, "no", true),
    b(K::Confirm, &["?", "f1"], C::Help, "help", false),
    b(K::Picker, &["down"], C::Down, "down", true),
    b(K::Picker, &["up"], C::Up, "up", true),
    b(K::Picker, &["enter"], C::Submit, "choose", true),
    b(K::Picker, &["esc"], C::Cancel, "cancel", true),
    b(K::Picker, &["f1"], C::Help, "help", false),
    b(K::Message, &["esc", "enter", "q"], C::Close, "close", true),
    b(K::Message, &["j", "down"], C::Down, "scroll down", true),
    b(K::Message, &["k", "up"], C::Up, "scroll up", true),
    b(K::Help, &["esc", "?", "q"], C::Close, "close help", true),
    b(K::Help, &["/"], C::Filter, "search", true),
    b(K::Help, &["j", "down"], C::Down, "scroll down", true),
    b(K::Help, &["k", "up"], C::Up, "scroll up", true),
    b(K::Help, &["pgdn"], C::PageDown, "page down", true),
    b(K::Help, &["pgup"], C::PageUp, "page up", true),
    b(K::Help, &["g", "home"], C::Top, "top", true),
    b(K::Help, &["G", "end"], C::Bottom, "bottom", true),
    b(K::Log, &["esc", "q", "M"], C::Close, "close", true),
    b(K::Log, &["j", "down"], C::Down, "scroll down", true),
    b(K::Log, &["k", "up"], C::Up, "scroll up", true),
    b(K::Log, &["pgdn"], C::PageDown, "page down", true),
    b(K::Log, &["pgup"], C::PageUp, "page up", true),
    b(K::Log, &["g", "home"], C::Top, "newest", true),
    b(K::Log, &["G", "end"], C::Bottom, "oldest", true),
    b(K::Log, &["?", "f1"], C::Help, "help", false),
];

impl Cmd {
    /// Whether the command acts on the selected row (the others act on the tab or everywhere).
    pub fn on_row(self) -> bool {
        use Cmd::*;
        !matches!(
            self,
            ForceQuit
                | Quit
                | Help
                | Log
                | NextTab
                | PrevTab
                | Tab(_)
                | Undo
                | Redo
                | ActAs
                | SwitchOrg
                | Up
                | Down
                | Top
                | Bottom
                | PageUp
                | PageDown
                | Detail
                | Sort
                | DetailDown
                | DetailUp
                | Back
                | Filter
                | FilterKeep
                | FilterClear
                | AccCreate
                | AccImport
                | AccLink
                | DomAdd
                | DomSignup
                | UsrInvite
                | UsrImport
                | UsrSignup
                | Submit
                | Cancel
                | NextField
                | PrevField
                | Yes
                | No
                | Close
        )
    }
}

impl Binding {
    /// Whether the command changes the world (hidden in read-only mode). Settings rows open a
    /// view or a form; a form's change is refused by the read-only session itself.
    pub fn changes_world(&self) -> bool {
        use Cmd::*;
        matches!(
            self.cmd,
            Undo | Redo
                | Stage
                | StageApply
                | AccCreate
                | AccImport
                | AccLink
                | AccConfirm
                | AccDecline
                | AccCancel
                | AccRename
                | AccTransfer
                | AccSuspend
                | AccResume
                | AccClose
                | AccUpgrade
                | AccHipaa
                | AccSub
                | AccGrant
                | AccRevoke
                | DomAdd
                | DomVerify
                | DomRecheck
                | DomDelete
                | DomPublish
                | DomUnpublish
                | DomSignup
                | DomMulti
                | DomEnforce
                | UsrInvite
                | UsrAccept
                | UsrDecline
                | UsrResend
                | UsrCancel
                | UsrRole
                | UsrResetPw
                | UsrReset2fa
                | UsrDeactivate
                | UsrReactivate
                | UsrRemove
                | UsrDelete
                | UsrImport
                | UsrSignup
                | UsrExempt
                | UsrAssign
                | UsrUnassign
        )
    }
}

/// The binding a key triggers along a context chain (innermost first).
pub fn resolve(chain: &[KeyCtx], ev: &KeyEvent) -> Option<&'static Binding> {
    chain.iter().find_map(|ctx| {
        BINDINGS
            .iter()
            .filter(|b| b.ctx == *ctx)
            .find(|b| b.keys.iter().any(|k| keys::matches(k, ev)))
    })
}

/// The bindings of one context, in table order.
pub fn of(ctx: KeyCtx) -> impl Iterator<Item = &'static Binding> {
    BINDINGS.iter().filter(move |b| b.ctx == ctx)
}

/// The keys of a binding as people read them: `j/↓`.
pub fn keys_label(b: &Binding) -> String {
    b.keys
        .iter()
        .map(|k| keys::display(k))
        .collect::<Vec<_>>()
        .join("/")
}

/// The key table for the README, one section per context.
pub fn markdown() -> String {
    let mut out = String::new();
    for ctx in KeyCtx::ALL {
        out.push_str(&format!(
            "\n**{}**\n\n| keys | action |\n|---|---|\n",
            ctx.title()
        ));
        for b in of(ctx) {
            let keys = keys_label(b).replace('|', "\\|");
            let who = match b.need {
                Need::Cap(Capability::Admin(_)) => " (Owner or Administrator)",
                Need::Cap(Capability::Owner(_)) => " (Owner)",
                _ => "",
            };
            out.push_str(&format!("| `{keys}` | {}{who} |\n", b.label));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    /// No key is bound twice within one context.
    #[test]
    fn no_key_is_bound_twice_in_a_context() {
        for ctx in KeyCtx::ALL {
            let mut seen = HashSet::new();
            for b in of(ctx) {
                for k in b.keys {
                    let ev = keys::parse_key(k).expect("valid key name");
                    assert!(seen.insert(keys::normalize(&ev)), "{k} twice in {ctx:?}");
                }
            }
        }
    }
}
