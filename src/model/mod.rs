//! The world model: Twilio users, accounts, organizations, the simulated DNS, the clock and the
//! audit log, with every rule of `RULES.md` enforced by the actions in the submodules.
//!
//! Every mutation goes through [`World::apply`] with an [`Action`]; it either applies fully or
//! returns an [`ActionError`] and leaves the world untouched. Actions check first and mutate after,
//! so a refusal never needs to roll anything back.

pub mod access;
pub mod accounts;
pub mod action;
mod apply;
pub mod assignments;
pub mod credentials;
pub mod demo;
pub mod diff;
pub mod domains;
pub mod error;
pub mod generate;
mod history;
pub mod invariants;
pub mod invitations;
pub mod lint;
pub mod lookup;
pub mod merge;
pub mod names;
pub mod org;
pub mod roles;
pub mod rules;
pub mod scim;
pub mod sid;
pub mod sso;
pub mod time;
pub mod users;
pub mod validate;
pub mod words;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

pub use action::{Action, Actor, Ctx, Outcome};
pub use assignments::{RoleAssignment, RoleAssignments};
pub use error::{ActionError, ActionResult, Fix, Refusal};
pub use lookup::Capability;
pub use sid::{Sid, SidKind};

pub(crate) mod serde_compact;

/// The current world file format.
pub const WORLD_VERSION: u32 = 4;

/// The whole simulated world: what one world file holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct World {
    /// File format version; see `persist::migrate`.
    pub version: u32,
    /// The world's clock (CLK-1). It moves only when an action advances it.
    pub clock: Timestamp,
    /// Seed and counter of the deterministic SID generator (ID-2).
    pub sid_seed: u64,
    pub sid_counter: u64,
    /// The counter of role assignment SIDs (RBAC-1), apart from `sid_counter` so that granting
    /// a role does not shift every SID made after it.
    #[serde(default, skip_serializing_if = "serde_compact::is_default")]
    pub assignment_counter: u64,
    /// The organization `init` created; the default for `--org`.
    pub home_org: Option<Sid>,
    #[serde(with = "serde_compact::sid_list")]
    pub users: BTreeMap<Sid, User>,
    #[serde(with = "serde_compact::sid_list")]
    pub accounts: BTreeMap<Sid, Account>,
    #[serde(with = "serde_compact::sid_list")]
    pub orgs: BTreeMap<Sid, Org>,
    /// Every role assignment (RBAC-1), with its indexes. Version 2 on; version 1 kept general
    /// roles per account (`Account::legacy_access`).
    #[serde(default, skip_serializing_if = "RoleAssignments::is_empty")]
    pub role_assignments: RoleAssignments,
    /// OAuth apps, auth tokens and API keys, as hashes (version 3 on).
    #[serde(default, skip_serializing_if = "credentials::Credentials::is_empty")]
    pub credentials: credentials::Credentials,
    /// The simulated public DNS: TXT records by host name.
    #[serde(default, with = "serde_compact::unique_map")]
    pub dns: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    pub audit: Vec<AuditEntry>,
    /// Lookups by canonical email, SCIM userName and externalId (SCIM-2); derived from
    /// `users`, never saved.
    #[serde(skip)]
    index: names::UserIndex,
}

/// A Twilio user: a login (email + name), possibly a member of one organization.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct User {
    pub sid: Sid,
    pub email: String,
    pub name: String,
    pub created_at: Timestamp,
    /// Membership in an organization (USR-2: at most one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub membership: Option<Membership>,
    #[serde(default, skip_serializing_if = "serde_compact::is_default")]
    pub two_factor: TwoFactor,
    /// Set by a password reset (USR-6): the reset link's expiry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password_reset_until: Option<Timestamp>,
    /// Attributes a SCIM client may set (SCIM-2).
    #[serde(default, skip_serializing_if = "serde_compact::is_default")]
    pub scim: ScimAttributes,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Membership {
    pub org: Sid,
    pub role: OrgRole,
    pub status: MemberStatus,
    #[serde(default, skip_serializing_if = "serde_compact::is_default")]
    pub sso_exempt: bool,
    pub joined_at: Timestamp,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum OrgRole {
    Owner,
    Administrator,
    Standard,
}

impl OrgRole {
    pub fn label(self) -> &'static str {
        match self {
            OrgRole::Owner => "Owner",
            OrgRole::Administrator => "Administrator",
            OrgRole::Standard => "Standard",
        }
    }
    pub fn key(self) -> &'static str {
        match self {
            OrgRole::Owner => "owner",
            OrgRole::Administrator => "admin",
            OrgRole::Standard => "standard",
        }
    }
    pub fn is_admin(self) -> bool {
        matches!(self, OrgRole::Owner | OrgRole::Administrator)
    }
    /// Parses `admin` / `standard` (the roles an invitation or role change may give).
    pub fn parse_assignable(s: &str) -> Option<OrgRole> {
        match s.trim().to_ascii_lowercase().as_str() {
            "admin" | "administrator" => Some(OrgRole::Administrator),
            "standard" => Some(OrgRole::Standard),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum MemberStatus {
    Active,
    Deactivated,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum TwoFactor {
    #[default]
    Enrolled,
    /// Reset by an administrator: enrolment is required at the next sign-in (USR-6).
    EnrolmentRequired,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScimAttributes {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub given_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub family_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locale: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timezone: Option<String>,
    /// Bumped by every change through SCIM; the weak ETag.
    #[serde(default, skip_serializing_if = "serde_compact::is_default")]
    pub version: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_modified: Option<Timestamp>,
    /// The SCIM `userName` when it differs from the email (only with `scim-twilio-rules off`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_name: Option<String>,
    /// The SCIM `displayName` (the user's `name` follows it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// The SCIM `emails`; the primary one is the Twilio user's email.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub emails: Vec<ScimEmail>,
}

/// One SCIM email of a user.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScimEmail {
    pub value: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(default, skip_serializing_if = "serde_compact::is_default")]
    pub primary: bool,
}

/// A Twilio account or subaccount.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Account {
    pub sid: Sid,
    pub name: String,
    /// The owner of a main account; `None` for a subaccount (SUB-4).
    pub owner: Option<Sid>,
    /// The parent of a subaccount (SUB-1).
    pub parent: Option<Sid>,
    pub status: AccountStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed_at: Option<Timestamp>,
    pub account_type: AccountType,
    pub usage: Usage,
    pub hipaa: bool,
    pub created_at: Timestamp,
    /// When the account last changed (name, status, type, owner, HIPAA, its organization
    /// link): the REST faces' `date_updated`. `None` until its first change, and in files
    /// written before it was kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<Timestamp>,
    /// How a main account relates to an organization; subaccounts follow their parent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<OrgLink>,
    /// Account roles as files of version 1 kept them (USR-4, USR-5). Read only: on load each
    /// becomes a role assignment (`World::migrate_legacy_access`) and this stays empty.
    #[serde(
        rename = "access",
        default,
        skip_serializing,
        deserialize_with = "serde_compact::unique_map::deserialize"
    )]
    pub legacy_access: BTreeMap<Sid, BTreeSet<AccountRole>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrgLink {
    pub org: Sid,
    pub state: LinkState,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum LinkState {
    Managed,
    Independent,
    /// Import by SID awaiting the owner's confirmation (ACC-4, ACC-5).
    PendingImport {
        request: Sid,
        /// When the request was sent (or last resent).
        since: Timestamp,
        /// When it expires (ACC-4, USR-3). `None` only in files written before requests
        /// expired; loading fills it in (`persist`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        expires_at: Option<Timestamp>,
    },
    /// Invitation of an outside owner to share the account as independent (ACC-6).
    PendingLink {
        request: Sid,
        since: Timestamp,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        expires_at: Option<Timestamp>,
    },
}

/// The kind of an account as the console shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum AccountKind {
    Managed,
    Independent,
    Pending,
}

impl AccountKind {
    pub fn label(self) -> &'static str {
        match self {
            AccountKind::Managed => "Managed",
            AccountKind::Independent => "Independent",
            AccountKind::Pending => "Pending",
        }
    }
}

impl LinkState {
    pub fn kind(&self) -> AccountKind {
        match self {
            LinkState::Managed => AccountKind::Managed,
            LinkState::Independent => AccountKind::Independent,
            LinkState::PendingImport { .. } | LinkState::PendingLink { .. } => AccountKind::Pending,
        }
    }
    /// Counts toward the account limit (ACC-3), not knowing the clock: use
    /// [`World::counts_toward_limit`], which also leaves out expired requests.
    pub fn counts_toward_limit(&self) -> bool {
        !matches!(self, LinkState::Independent)
    }
    /// The pending request behind this state: `(request SID, sent, expiry)`.
    pub fn request(&self) -> Option<(&Sid, Timestamp, Option<Timestamp>)> {
        match self {
            LinkState::PendingImport {
                request,
                since,
                expires_at,
            }
            | LinkState::PendingLink {
                request,
                since,
                expires_at,
            } => Some((request, *since, *expires_at)),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AccountStatus {
    Active,
    Suspended,
    Closed,
}

impl AccountStatus {
    pub fn label(self) -> &'static str {
        match self {
            AccountStatus::Active => "active",
            AccountStatus::Suspended => "suspended",
            AccountStatus::Closed => "closed",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AccountType {
    Trial,
    Full,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Usage {
    Twilio,
    Flex,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum AccountRole {
    Administrator,
    Developer,
    BillingManager,
    Support,
}

impl AccountRole {
    pub const ALL: [AccountRole; 4] = [
        AccountRole::Administrator,
        AccountRole::Developer,
        AccountRole::BillingManager,
        AccountRole::Support,
    ];
    pub fn label(self) -> &'static str {
        match self {
            AccountRole::Administrator => "Administrator",
            AccountRole::Developer => "Developer",
            AccountRole::BillingManager => "Billing Manager",
            AccountRole::Support => "Support",
        }
    }
    pub fn key(self) -> &'static str {
        match self {
            AccountRole::Administrator => "admin",
            AccountRole::Developer => "developer",
            AccountRole::BillingManager => "billing",
            AccountRole::Support => "support",
        }
    }
    pub fn parse(s: &str) -> Option<AccountRole> {
        let norm: String = s
            .trim()
            .to_ascii_lowercase()
            .chars()
            .filter(|c| c.is_ascii_alphabetic())
            .collect();
        match norm.as_str() {
            "admin" | "administrator" => Some(AccountRole::Administrator),
            "developer" | "dev" => Some(AccountRole::Developer),
            "billing" | "billingmanager" => Some(AccountRole::BillingManager),
            "support" => Some(AccountRole::Support),
            _ => None,
        }
    }
    /// Parses a comma-separated list such as `developer,billing`.
    pub fn parse_list(s: &str) -> Result<Vec<AccountRole>, String> {
        s.split(',')
            .filter(|p| !p.trim().is_empty())
            .map(|p| {
                AccountRole::parse(p).ok_or_else(|| {
                    format!(
                        "unknown account role '{}' (admin, developer, billing, support)",
                        p.trim()
                    )
                })
            })
            .collect()
    }
}

/// An organization.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Org {
    pub sid: Sid,
    pub name: String,
    pub created_at: Timestamp,
    #[serde(
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        with = "serde_compact::unique_map"
    )]
    pub domains: BTreeMap<String, Domain>,
    #[serde(default, skip_serializing_if = "invitations::Invitations::is_none")]
    pub invitations: invitations::Invitations,
    pub signup: SignupSetting,
    #[serde(default)]
    pub settings: OrgSettings,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sso: Option<SsoProfile>,
    #[serde(default)]
    pub scim: ScimSettings,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Domain {
    pub sid: Sid,
    pub name: String,
    pub status: DomainStatus,
    /// The 32-hex verification token (DOM-7).
    pub token: String,
    pub added_at: Timestamp,
    #[serde(default, skip_serializing_if = "serde_compact::is_default")]
    pub multi_verified: bool,
    #[serde(default, skip_serializing_if = "serde_compact::is_default")]
    pub sso_enforced: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum DomainStatus {
    Unverified,
    Verified,
    /// The record disappeared; the domain is deleted at `deadline` unless re-verified (DOM-9).
    VerifiedUncertain {
        deadline: Timestamp,
    },
}

impl DomainStatus {
    pub fn label(&self) -> &'static str {
        match self {
            DomainStatus::Unverified => "unverified",
            DomainStatus::Verified => "verified",
            DomainStatus::VerifiedUncertain { .. } => "verified-uncertain",
        }
    }
}

impl Domain {
    pub fn txt_host(&self) -> String {
        format!("_twilio.{}", self.name)
    }
    pub fn txt_value(&self) -> String {
        format!("twilio-domain-verification={}", self.token)
    }
    pub fn is_verified(&self) -> bool {
        self.status == DomainStatus::Verified
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Invitation {
    pub sid: Sid,
    pub email: String,
    pub role: OrgRole,
    #[serde(
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        with = "serde_compact::unique_map"
    )]
    pub accounts: BTreeMap<Sid, BTreeSet<AccountRole>>,
    pub invited_by: Sid,
    pub sent_at: Timestamp,
    pub expires_at: Timestamp,
}

impl Invitation {
    /// USR-3: expired once the clock reaches its expiry; it stays listed until resent or cancelled.
    pub fn is_expired(&self, now: Timestamp) -> bool {
        self.expires_at <= now
    }
    /// `pending` or `expired`.
    pub fn status_label(&self, now: Timestamp) -> &'static str {
        if self.is_expired(now) {
            "expired"
        } else {
            "pending"
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SignupSetting {
    /// `INVITATION_ONLY`
    Restricted,
    /// `AUTO_MEMBERSHIP`
    AutoEnrollment,
    /// `NO_MEMBERSHIP`
    Blocked,
}

impl SignupSetting {
    pub const ALL: [SignupSetting; 3] = [
        SignupSetting::Restricted,
        SignupSetting::AutoEnrollment,
        SignupSetting::Blocked,
    ];
    pub fn label(self) -> &'static str {
        match self {
            SignupSetting::Restricted => "Restricted",
            SignupSetting::AutoEnrollment => "Auto-enrollment",
            SignupSetting::Blocked => "Blocked",
        }
    }
    pub fn api_name(self) -> &'static str {
        match self {
            SignupSetting::Restricted => "INVITATION_ONLY",
            SignupSetting::AutoEnrollment => "AUTO_MEMBERSHIP",
            SignupSetting::Blocked => "NO_MEMBERSHIP",
        }
    }
    pub fn parse(s: &str) -> Option<SignupSetting> {
        match s.trim().to_ascii_lowercase().replace('_', "-").as_str() {
            "restricted" | "invitation-only" => Some(SignupSetting::Restricted),
            "auto-enrollment" | "auto" | "auto-membership" => Some(SignupSetting::AutoEnrollment),
            "blocked" | "no-membership" => Some(SignupSetting::Blocked),
            _ => None,
        }
    }
}

/// Org settings and entitlements, with the defaults of RULES.md.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct OrgSettings {
    pub account_limit: u32,
    pub subaccount_limit: u32,
    pub domain_limit: u32,
    pub invite_days: u32,
    pub reset_link_hours: u32,
    /// An executed BAA is on record (HIP-1).
    pub baa: bool,
    pub sso_entitlement: bool,
    pub bulk_import: bool,
}

impl Default for OrgSettings {
    fn default() -> Self {
        OrgSettings {
            account_limit: 10,
            subaccount_limit: 1000,
            domain_limit: 100,
            invite_days: 7,
            reset_link_hours: 24,
            baa: false,
            sso_entitlement: false,
            bulk_import: false,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SsoProfile {
    pub entity_id: String,
    pub sign_in_url: String,
    /// The IdP's public certificate (not a secret).
    pub certificate_pem: String,
    pub certificate_not_after: Timestamp,
    /// The last connection test passed (SSO-3); cleared when the profile is replaced (SSO-5)
    /// or its certificate expires on the world's clock (SSO-6).
    pub tested: bool,
}

impl SsoProfile {
    /// The certificate has expired at `now` (SSO-6).
    pub fn expired(&self, now: Timestamp) -> bool {
        self.certificate_not_after <= now
    }
    /// Someone can sign in through it: tested and not expired (SSO-5, SSO-6).
    pub fn usable(&self, now: Timestamp) -> bool {
        self.tested && !self.expired(now)
    }
    /// `tested`, `untested`, or `certificate expired on YYYY-MM-DD`, for every face.
    pub fn state(&self, now: Timestamp) -> String {
        if self.expired(now) {
            format!(
                "certificate expired on {}",
                time::format_date(self.certificate_not_after)
            )
        } else if self.tested {
            "tested".into()
        } else {
            "untested".into()
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ScimSettings {
    pub enabled: bool,
    /// SHA-256 of the bearer token, hex (SCIM-1). The token itself is never stored.
    pub token_sha256: Option<String>,
    /// Twilio's userName rules (SCIM-2); off only for conformance suites with random addresses.
    pub twilio_rules: bool,
}

impl Default for ScimSettings {
    fn default() -> Self {
        ScimSettings {
            enabled: false,
            token_sha256: None,
            twilio_rules: true,
        }
    }
}

/// One line of the audit log (AUD-1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditEntry {
    pub at: Timestamp,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org: Option<Sid>,
    pub actor: String,
    pub action: String,
    pub detail: String,
}
