//! The command line, as the issue names it: `tworg [--file PATH] [--org ORG] [--as USER] [--json] COMMAND`.

use std::path::PathBuf;

pub use crate::walkthrough::player::DemoArgs;
use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "tworg",
    version,
    about = "A keyboard-driven console for governing Twilio Organizations",
    after_help = "Run without a command to open the console."
)]
pub struct Cli {
    /// The world file (default: $TWORG_FILE, else world.ron in the platform data folder)
    #[arg(long, global = true, value_name = "PATH")]
    pub file: Option<PathBuf>,
    /// The organization to act in, by name or OR SID (default: the world's home organization)
    #[arg(long, global = true, value_name = "ORG")]
    pub org: Option<String>,
    /// The acting user, by email or US SID (default: the organization's Owner)
    #[arg(long = "as", global = true, value_name = "USER")]
    pub as_user: Option<String>,
    /// Machine-readable output for show, check and rules, and for refusals
    #[arg(long, global = true)]
    pub json: bool,
    /// Open any world without the power to change it
    #[arg(long, global = true)]
    pub read_only: bool,
    /// Monochrome theme (also when NO_COLOR is set)
    #[arg(long, global = true)]
    pub no_color: bool,
    /// The largest world or journal file read, in bytes or with a unit (512M, 4G; default 2G)
    #[arg(long, global = true, value_name = "SIZE", value_parser = parse_size)]
    pub max_file_size: Option<u64>,
    /// Enable mouse support in the console
    #[arg(long, global = true)]
    pub mouse: bool,
    /// While the console is open, also serve the org's SCIM endpoint at ADDR (e.g. 127.0.0.1:8087);
    /// users provisioned through it appear in the console at once
    #[arg(long, value_name = "ADDR")]
    pub scim: Option<String>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a world file (refuses to overwrite one)
    Init(InitArgs),
    /// Validate the world (snapshot and journal) and print a summary
    Check,
    /// Fold the journal into a new snapshot of the world file
    Compact,
    /// Apply a script of tworg command lines (one per line, `#` comments, `--as`/`--org` per
    /// line) after one load, journalled as one change
    Apply(ApplyArgs),
    /// The difference between two world files in people's terms (who joins or leaves, who gains
    /// or loses access, which accounts move, whom SSO covers, what expires on the way)
    Diff {
        /// The world before
        before: PathBuf,
        /// The world after
        after: PathBuf,
    },
    /// The organization health check: findings with severity, the rule they come from and the
    /// fix as plan lines (every organization, or the one --org names)
    Lint {
        /// Also write every fix's plan lines to FILE, a plan for `tworg apply`
        #[arg(long, value_name = "FILE")]
        plan: Option<PathBuf>,
    },
    /// The numbered steps to make a rehearsed change in the real Twilio Console
    Runbook(RunbookArgs),
    /// Every rule ID with its one-line statement
    Rules,
    /// Show part of the world
    Show {
        #[arg(value_enum)]
        what: ShowWhat,
        /// role-assignments: the user (email or US SID) whose assignments to list
        #[arg(long)]
        user: Option<String>,
        /// role-assignments: the scope (OR or AC SID) whose assignments to list
        #[arg(long)]
        scope: Option<String>,
        /// accounts: the accounts outside the organization, and whether each may be imported
        #[arg(long)]
        outside: bool,
    },
    /// The world's clock
    #[command(subcommand)]
    Clock(ClockCmd),
    /// A new Twilio user signs up (SIGN-*)
    Signup {
        email: String,
        #[arg(long)]
        name: Option<String>,
    },
    /// Users and accounts outside every org, and synthetic worlds
    #[command(subcommand)]
    World(WorldCmd),
    /// The simulated public DNS
    #[command(subcommand)]
    Dns(DnsCmd),
    /// Accounts of the organization
    #[command(subcommand)]
    Account(AccountCmd),
    /// Subaccounts
    #[command(subcommand)]
    Subaccount(SubaccountCmd),
    /// Domains and the sign-up setting
    #[command(subcommand)]
    Domain(DomainCmd),
    /// Users, invitations and roles
    #[command(subcommand)]
    User(UserCmd),
    /// The organization itself
    #[command(subcommand)]
    Org(OrgCmd),
    /// Roles and role assignments (RBAC)
    #[command(subcommand)]
    Role(RoleCmd),
    /// What a user can do on the org's accounts, and through which assignment (RBAC-3)
    Access {
        /// Email or US SID
        user: String,
        /// Only this account (AC SID or name)
        #[arg(long)]
        account: Option<String>,
    },
    /// Single sign-on
    #[command(subcommand)]
    Sso(SsoCmd),
    /// SCIM provisioning
    #[command(subcommand)]
    Scim(ScimCmd),
    /// OAuth apps of the org (client credentials for `tworg serve`)
    #[command(subcommand)]
    Oauth(OauthCmd),
    /// Serve Twilio's REST shapes (OAuth, Organizations API, SCIM, 2010 Accounts) on one listener
    Serve {
        /// HOST:PORT or PORT; loopback unless another address is named; port 0 picks a free one
        #[arg(long, default_value = "127.0.0.1:8088")]
        listen: String,
        /// The URL clients reach this server at, for absolute URLs (default: http://ADDR)
        #[arg(long)]
        public_url: Option<String>,
    },
    /// Render the console headless after feeding it keys, and print the screen
    Render(RenderArgs),
    /// Guided walkthroughs: play one for a class, run it as an exercise, export it
    #[command(after_help = crate::walkthrough::controls::help_text())]
    Demo(DemoArgs),
    /// (internal) save the world repeatedly, for the crash-safety test
    #[command(hide = true)]
    SaveLoop {
        #[arg(long, default_value_t = 1000)]
        times: u32,
    },
}

impl Command {
    /// Commands that serve until stopped: a client going away must not end them.
    pub fn is_server(&self) -> bool {
        matches!(
            self,
            Command::Scim(ScimCmd::Serve { .. }) | Command::Serve { .. }
        )
    }
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Start from the embedded demo world
    #[arg(long, conflicts_with_all = ["org", "owner"])]
    pub demo: bool,
    /// The new organization's name
    #[arg(long = "org", id = "org", value_name = "NAME", requires = "owner")]
    pub org_name: Option<String>,
    /// The Owner's email (with --org: a new organization needs both)
    #[arg(long, value_name = "EMAIL", requires = "org")]
    pub owner: Option<String>,
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("source").required(true).args(["plan", "since"])))]
pub struct RunbookArgs {
    /// A plan (a `tworg apply` script, or - for standard input): its lines are rehearsed on a
    /// copy of the world and each one that would apply becomes steps
    #[arg(long, value_name = "FILE|-")]
    pub plan: Option<String>,
    /// The changes after this line of `tworg show audit` (1-based; 0 for all of them)
    #[arg(long, value_name = "AUDIT_ENTRY")]
    pub since: Option<usize>,
    /// Markdown or a self-contained HTML page
    #[arg(long, value_enum, default_value = "md")]
    pub format: RunbookFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum RunbookFormat {
    Md,
    Html,
}

#[derive(Debug, Args)]
pub struct ApplyArgs {
    /// The script, or - for standard input
    #[arg(value_name = "FILE|-")]
    pub script: String,
    /// Report what each line would do and change nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Apply every line or none: the first line that fails stops the script and nothing is kept
    #[arg(long)]
    pub atomic: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ShowWhat {
    Orgs,
    Accounts,
    Users,
    Domains,
    Invitations,
    Settings,
    Audit,
    Dns,
    RoleAssignments,
}

#[derive(Debug, Subcommand)]
pub enum RoleCmd {
    /// Twilio's role catalogue: general and built-in roles, with what each general role permits
    List,
    /// Assign ROLE (IX SID or name) to USER at a scope; prints role-assignment IY…
    Assign {
        user: String,
        role: String,
        /// OR SID of the organization, or AC SID of an account or subaccount
        #[arg(long)]
        scope: String,
    },
    /// Delete one role assignment
    Unassign { sid: String },
}

#[derive(Debug, Subcommand)]
pub enum ClockCmd {
    /// Advance by DURATION (36h, 7d, 30d) and apply every expiry that falls due
    Advance { duration: String },
}

#[derive(Debug, Subcommand)]
pub enum WorldCmd {
    /// A Twilio user outside every org
    AddUser {
        email: String,
        #[arg(long)]
        name: Option<String>,
    },
    /// An account outside every org
    AddAccount {
        name: String,
        #[arg(long)]
        owner: String,
        #[arg(long)]
        full: bool,
    },
    /// Write a large synthetic world to --file, for scale tests
    Generate {
        #[arg(long)]
        users: usize,
        #[arg(long)]
        accounts: usize,
        #[arg(long, default_value_t = 1)]
        orgs: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
}

#[derive(Debug, Subcommand)]
pub enum DnsCmd {
    /// Add the _twilio TXT record of DOMAIN to the simulated DNS
    Publish { domain: String },
    /// Remove it again
    Unpublish { domain: String },
}

#[derive(Debug, Subcommand)]
pub enum AccountCmd {
    /// Create a managed Trial account in the organization (ACC-1)
    Create {
        /// 1–64 characters
        name: String,
        /// Usage Flex instead of Twilio
        #[arg(long)]
        flex: bool,
        /// Its owner: an active managed member, by email or US SID (default: the acting user)
        #[arg(long)]
        owner: Option<String>,
    },
    /// Import an existing account as managed (the owner confirms)
    Import { sid: String },
    /// Add an existing account as independent (the owner accepts)
    Link { sid: String },
    /// Confirm a pending import or link, as the account's owner
    Confirm { sid: String },
    /// Decline it, as the account's owner
    Decline { sid: String },
    /// Cancel a pending import or link (or relinquish an independent account)
    Cancel { sid: String },
    /// Resend a pending or expired import or link request: a new lifetime (USR-3)
    Resend { sid: String },
    /// Rename an account or subaccount
    Rename {
        sid: String,
        /// 1–64 characters
        name: String,
    },
    /// Transfer a managed main account to another active managed member (ACC-7)
    Transfer {
        sid: String,
        /// The new owner, by email or US SID
        user: String,
    },
    /// Upgrade a Trial account to Full (never back, ACC-9)
    Upgrade { sid: String },
    /// Suspend an account; its subaccounts are suspended with it (ACC-8)
    Suspend { sid: String },
    /// Resume a suspended account and its subaccounts
    Resume { sid: String },
    /// Close an account and its subaccounts; irreversible (ACC-8)
    Close {
        sid: String,
        /// The account's name, typed to confirm
        #[arg(long)]
        confirm: String,
    },
    /// Turn HIPAA on or off for a managed account (needs the executed BAA, HIP-1)
    Hipaa {
        sid: String,
        #[arg(value_enum)]
        state: OnOff,
    },
    /// Grant account roles (admin, developer, billing, support; comma-separated)
    Grant {
        sid: String,
        user: String,
        roles: String,
    },
    /// Revoke every account role USER holds on the account
    Revoke { sid: String, user: String },
    /// Mint the account's auth token for the 2010 REST API (shown once; only a hash is kept)
    AuthToken {
        sid: String,
        /// Replace the current token (the old one stops working)
        #[arg(long)]
        rotate: bool,
    },
    /// API keys of the account for the 2010 REST API
    #[command(subcommand)]
    ApiKey(ApiKeyCmd),
}

#[derive(Debug, Subcommand)]
pub enum ApiKeyCmd {
    /// Create an API key: prints `api-key SK…` and its secret once
    Create {
        sid: String,
        #[arg(long)]
        name: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum OauthCmd {
    /// Create an org OAuth app: prints `oauth-client OQ…` and its secret once (Owner/Admin)
    Create { name: String },
    /// The org's OAuth apps
    List,
    /// Delete an OAuth app; its tokens stop working
    Delete { sid: String },
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum OnOff {
    On,
    Off,
}

#[derive(Debug, Subcommand)]
pub enum SubaccountCmd {
    /// Create a subaccount under a main account (SUB-1, SUB-2)
    Create {
        parent_sid: String,
        /// Up to 64 characters (default: `SubAccount Created at …`, SUB-3)
        name: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum DomainCmd {
    /// Add an email domain; prints the TXT record to publish (DOM-7)
    Add { name: String },
    /// Verify a domain against the simulated DNS (DOM-8)
    Verify { name: String },
    /// Re-check a verified domain's record (DOM-9)
    Recheck { name: String },
    /// Delete a domain (DOM-10)
    Delete {
        name: String,
        /// Acknowledge that the domain's other managed users leave the org
        #[arg(long)]
        yes: bool,
    },
    /// The org's sign-up setting for its verified domains (SIGN-1)
    SignupSetting {
        #[arg(value_enum)]
        setting: SignupArg,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum SignupArg {
    Restricted,
    AutoEnrollment,
    Blocked,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum RoleArg {
    Admin,
    Standard,
}

#[derive(Debug, Subcommand)]
pub enum UserCmd {
    /// Invite EMAIL to the organization (USR-1; the Owner of another org: a merge invitation, MRG-5)
    Invite {
        email: String,
        #[arg(long, value_enum, default_value = "standard")]
        role: RoleArg,
        /// Account access: SID=ROLE[,ROLE] (repeatable)
        #[arg(long = "account", value_name = "SID=ROLES")]
        accounts: Vec<String>,
    },
    /// Accept a pending invitation, as the invitee (a merge invitation merges their organization)
    Accept { email: String },
    /// Decline a pending invitation, as the invitee (a declined merge invitation moves nothing)
    Decline { email: String },
    /// Cancel a pending or expired invitation
    Cancel { email: String },
    /// Resend an invitation: a new lifetime (USR-3)
    Resend { email: String },
    /// Make a member an Administrator or a Standard user (ORG-2)
    Role {
        user: String,
        #[arg(value_enum)]
        role: RoleArg,
        /// Confirm even if no Owner or Administrator could sign in without SSO afterwards (SSO-5)
        #[arg(long)]
        yes: bool,
    },
    /// Sign a managed user out and send a reset link (USR-6)
    ResetPassword { user: String },
    /// Remove a managed user's second factor (USR-6)
    #[command(name = "reset-2fa")]
    Reset2fa { user: String },
    /// Deactivate a managed user: they cannot sign in (USR-7)
    Deactivate {
        user: String,
        /// Confirm even if no Owner or Administrator could sign in without SSO afterwards (SSO-5)
        #[arg(long)]
        yes: bool,
    },
    /// Reactivate a deactivated managed user
    Reactivate { user: String },
    /// Remove a user from the organization; the Twilio user remains (USR-8)
    Remove {
        user: String,
        /// Confirm even if no Owner or Administrator could sign in without SSO afterwards (SSO-5)
        #[arg(long)]
        yes: bool,
    },
    /// Delete the Twilio user itself; accounts are never deleted with it (USR-8)
    Delete {
        user: String,
        /// Confirm even if no Owner or Administrator could sign in without SSO afterwards (SSO-5)
        #[arg(long)]
        yes: bool,
    },
    /// Bulk import from a CSV with header email,first_name,last_name
    Import { csv_file: PathBuf },
}

#[derive(Debug, Subcommand)]
pub enum OrgCmd {
    /// Rename the organization (1–64 characters, ORG-7)
    Rename { name: String },
    /// Make an active managed member the Owner; the Owner only (ORG-5)
    Transfer { user: String },
    /// Always refused: an organization is merged into another instead (ORG-6)
    Delete,
    /// Merge CANDIDATE into this organization by import (MRG-6): needs Import Users; without
    /// --confirm (or with a wrong name) it prints the preview of what would move and is refused.
    /// To merge by invitation, invite the Candidate's Owner: `user invite EMAIL [--role admin]`.
    Merge {
        candidate: String,
        /// The candidate's name (or SID), typed to confirm
        #[arg(long)]
        confirm: Option<String>,
        /// By import the Candidate Owner becomes Standard (MRG-6); `admin` is refused
        #[arg(long, value_enum, default_value = "standard")]
        owner_role: RoleArg,
    },
    /// Set KEY VALUE. Settings: subaccount-limit, invite-days, reset-link-hours,
    /// scim-twilio-rules. Entitlements, changed as a simulated request to Twilio Support (ORG-9):
    /// account-limit, domain-limit, baa, sso-entitlement, bulk-import, multi-verified DOMAIN [on|off]
    Set {
        key: String,
        #[arg(num_args = 1..=2, required = true)]
        value: Vec<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum SsoCmd {
    /// Configure the SAML profile (SSO-1, SSO-2); it is untested until `sso test` passes
    Configure {
        /// The IdP's entity ID
        #[arg(long)]
        entity_id: String,
        /// The IdP's sign-in URL (https://)
        #[arg(long)]
        url: String,
        /// The IdP's X.509 certificate, a PEM file
        #[arg(long)]
        cert: PathBuf,
        /// Confirm replacing the profile while SSO is enforced and no Owner or Administrator can
        /// sign in without it: nobody can sign in until the new profile's test passes (SSO-5)
        #[arg(long)]
        yes: bool,
    },
    /// Run the profile's connection test (SSO-3)
    Test,
    /// Enforce SSO for every managed user of a verified domain (SSO-4)
    Enforce {
        domain: String,
        /// Confirm even if no Owner or Administrator could sign in without SSO (SSO-5)
        #[arg(long)]
        yes: bool,
    },
    /// Stop enforcing SSO on a domain
    Unenforce { domain: String },
    /// Let one user sign in without SSO
    Exempt { user: String },
    /// Remove a user's exemption
    Unexempt {
        user: String,
        /// Confirm even if no Owner or Administrator could sign in without SSO afterwards (SSO-5)
        #[arg(long)]
        yes: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum ScimCmd {
    /// Enable SCIM; prints the bearer token once
    Enable,
    /// Disable SCIM; the token stops working at once
    Disable,
    /// Serve the org's SCIM 2.0 endpoint at http://ADDR/Organizations/{OrgSid}/scim (prints it first)
    Serve {
        /// HOST:PORT or PORT; loopback unless another address is named; port 0 picks a free one
        #[arg(long, default_value = "127.0.0.1:8087")]
        listen: String,
        /// The origin of absolute URLs (Location, meta.location) when clients reach the server
        /// through a proxy, e.g. https://scim.example.test (default: http://ADDR as bound).
        /// The request's Host header is never used.
        #[arg(long, value_name = "URL")]
        public_url: Option<String>,
    },
}

#[derive(Debug, Args)]
pub struct RenderArgs {
    /// Keys to feed, e.g. "j j enter" or '2 a "corp.io" enter'
    #[arg(long, default_value = "")]
    pub keys: String,
    /// Screen size, COLSxROWS
    #[arg(long, default_value = "100x30")]
    pub size: String,
    /// Save the changes the keys made
    #[arg(long)]
    pub save: bool,
}

/// A size in bytes, or with a binary unit: `512K`, `512M`, `4G`, `1T` (also `KiB`, `MB`…).
pub fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (digits, unit) = t.split_at(split);
    let n: u64 = digits
        .parse()
        .map_err(|_| format!("'{s}' is not a size (a number of bytes, or 512M, 4G)"))?;
    let shift = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 0,
        "k" | "kb" | "kib" => 10,
        "m" | "mb" | "mib" => 20,
        "g" | "gb" | "gib" => 30,
        "t" | "tb" | "tib" => 40,
        _ => return Err(format!("'{s}' has an unknown unit (K, M, G or T)")),
    };
    n.checked_mul(1 << shift)
        .filter(|&b| b > 0)
        .ok_or_else(|| format!("'{s}' is not a size tworg can use"))
}
