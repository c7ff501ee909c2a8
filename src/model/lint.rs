//! The organization health check (`tworg lint`, the console's Health panel): what a careful
//! administrator would flag in an organization, each finding with its severity, the rule or
//! Twilio document it comes from, and its fix as actions (each face writes them its own way; the
//! CLI as plan lines that `tworg apply` accepts). Applying a finding's fixes clears it.

use std::collections::BTreeSet;

use serde::Serialize;

use super::action::Setting;
use super::error::Fix;
use super::roles::{self, RoleKind};
use super::*;

/// Invitations and requests that expire within this many hours are flagged (USR-3).
pub const EXPIRY_WARNING_HOURS: i64 = 48;
/// An IdP certificate expiring within this many days is flagged (SSO-6).
pub const CERT_WARNING_DAYS: i64 = 30;
/// A user holding more than this many built-in roles is flagged (RBAC-2's limit is 50).
pub const BUILT_IN_WARNING: usize = 40;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Critical,
    Warning,
    Notice,
}

impl Severity {
    pub fn label(self) -> &'static str {
        match self {
            Severity::Critical => "critical",
            Severity::Warning => "warning",
            Severity::Notice => "notice",
        }
    }
}

/// What a finding is about; `key` is its stable name in JSON and tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum Check {
    SinglePointOfFailure,
    SsoNotEnforced,
    DomainInGrace,
    CertificateExpiring,
    InvitationExpiring,
    RequestExpiring,
    OutsiderAdminOnIndependent,
    ExternalAdministrator,
    AccountLimitNear,
    TrialSubaccountFull,
    DeactivatedOwner,
    BuiltInRolesNearLimit,
    HipaaWithoutBaa,
}

impl Check {
    pub const ALL: [Check; 13] = [
        Check::SinglePointOfFailure,
        Check::SsoNotEnforced,
        Check::DomainInGrace,
        Check::CertificateExpiring,
        Check::InvitationExpiring,
        Check::RequestExpiring,
        Check::OutsiderAdminOnIndependent,
        Check::ExternalAdministrator,
        Check::AccountLimitNear,
        Check::TrialSubaccountFull,
        Check::DeactivatedOwner,
        Check::BuiltInRolesNearLimit,
        Check::HipaaWithoutBaa,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Check::SinglePointOfFailure => "single-point-of-failure",
            Check::SsoNotEnforced => "sso-not-enforced",
            Check::DomainInGrace => "domain-in-grace",
            Check::CertificateExpiring => "certificate-expiring",
            Check::InvitationExpiring => "invitation-expiring",
            Check::RequestExpiring => "request-expiring",
            Check::OutsiderAdminOnIndependent => "outsider-admin-on-independent",
            Check::ExternalAdministrator => "external-administrator",
            Check::AccountLimitNear => "account-limit-near",
            Check::TrialSubaccountFull => "trial-subaccount-full",
            Check::DeactivatedOwner => "deactivated-owner",
            Check::BuiltInRolesNearLimit => "built-in-roles-near-limit",
            Check::HipaaWithoutBaa => "hipaa-without-baa",
        }
    }

    /// The severity, and the rule ID or Twilio document the finding comes from.
    pub fn meta(self) -> (Severity, &'static str) {
        match self {
            Check::SinglePointOfFailure => (Severity::Warning, "ORG-1, SSO-5"),
            Check::SsoNotEnforced => (Severity::Notice, "SSO-4"),
            Check::DomainInGrace => (Severity::Critical, "DOM-9"),
            Check::CertificateExpiring => (Severity::Warning, "SSO-6"),
            Check::InvitationExpiring => (Severity::Notice, "USR-3"),
            Check::RequestExpiring => (Severity::Notice, "ACC-4, USR-3"),
            Check::OutsiderAdminOnIndependent => (Severity::Warning, "ACC-6, RBAC-3"),
            Check::ExternalAdministrator => (Severity::Warning, "USR-5, RBAC-3"),
            Check::AccountLimitNear => (Severity::Notice, "ACC-3, ORG-9"),
            Check::TrialSubaccountFull => (Severity::Notice, "SUB-2"),
            Check::DeactivatedOwner => (Severity::Warning, "USR-7, ACC-7"),
            Check::BuiltInRolesNearLimit => (Severity::Notice, "RBAC-2"),
            Check::HipaaWithoutBaa => (Severity::Critical, "HIP-1"),
        }
    }
}

/// One finding in one organization.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub check: Check,
    pub severity: Severity,
    /// The rule IDs or Twilio document it comes from.
    pub source: &'static str,
    pub org: Sid,
    /// Who or what it is about: an email, an account, a domain.
    pub subject: String,
    /// What is wrong, in a plain sentence.
    pub message: String,
    /// The steps that clear it, in order, performed in the org (by its Owner unless `by` says).
    pub fixes: Vec<Fix>,
    /// What to do, in words, when the fix is a choice or needs something tworg cannot hold
    /// (a new certificate file, a real colleague's address).
    pub hint: String,
}

struct Lint<'a> {
    w: &'a World,
    org: &'a Org,
    out: Vec<Finding>,
}

impl Lint<'_> {
    fn add(&mut self, check: Check, subject: String, message: String, fixes: Vec<Action>) {
        self.add_hint(check, subject, message, fixes, String::new());
    }
    fn add_hint(
        &mut self,
        check: Check,
        subject: String,
        message: String,
        fixes: Vec<Action>,
        hint: String,
    ) {
        self.add_fixes(
            check,
            subject,
            message,
            fixes
                .into_iter()
                .map(|action| Fix { action, by: None })
                .collect(),
            hint,
        );
    }
    fn add_fixes(
        &mut self,
        check: Check,
        subject: String,
        message: String,
        fixes: Vec<Fix>,
        hint: String,
    ) {
        let (severity, source) = check.meta();
        self.out.push(Finding {
            check,
            severity,
            source,
            org: self.org.sid.clone(),
            subject,
            message,
            fixes,
            hint,
        });
    }
}

/// Every finding in every organization of the world, org by org in SID order.
pub fn lint(w: &World) -> Vec<Finding> {
    w.orgs.keys().flat_map(|o| lint_org(w, o)).collect()
}

/// Every finding in one organization, in the order of [`Check::ALL`], then by subject.
pub fn lint_org(w: &World, org: &Sid) -> Vec<Finding> {
    let Some(o) = w.orgs.get(org) else {
        return Vec::new();
    };
    let mut l = Lint {
        w,
        org: o,
        out: Vec::new(),
    };
    single_point_of_failure(&mut l);
    sso_not_enforced(&mut l);
    domain_in_grace(&mut l);
    certificate_expiring(&mut l);
    invitations_expiring(&mut l);
    requests_expiring(&mut l);
    outsider_admins(&mut l);
    account_limits(&mut l);
    deactivated_owners(&mut l);
    built_in_roles(&mut l);
    hipaa_without_baa(&mut l);
    l.out
        .sort_by(|a, b| (a.check, &a.subject, &a.message).cmp(&(b.check, &b.subject, &b.message)));
    l.out
}

fn role_of(u: &User) -> &Membership {
    u.membership.as_ref().expect("a member")
}

fn active(m: &Membership) -> bool {
    m.status == MemberStatus::Active
}

fn single_point_of_failure(l: &mut Lint) {
    let (w, org) = (l.w, l.org);
    let members: Vec<&User> = w.members(&org.sid).collect();
    let backup = members.iter().any(|u| {
        let m = role_of(u);
        m.role == OrgRole::Administrator && active(m) && !w.sso_required(u)
    });
    if backup {
        return;
    }
    let Some(owner) = w.owner_of_org(&org.sid) else {
        return;
    };
    let message = format!(
        "{} has one Owner ({}) and no active Administrator who can sign in without SSO: if the Owner is locked out, nobody can manage the organization",
        org.name, owner.email
    );
    // an active Administrator under SSO: exempt them; else promote the first active Standard member
    let admin_under_sso = members.iter().find(|u| {
        let m = role_of(u);
        m.role == OrgRole::Administrator && active(m)
    });
    let standard = members.iter().find(|u| {
        let m = role_of(u);
        m.role == OrgRole::Standard && active(m)
    });
    let mut fixes = Vec::new();
    let mut hint = String::new();
    if let Some(a) = admin_under_sso {
        fixes.push(Action::SsoExempt {
            user: a.email.clone(),
        });
    } else if let Some(s) = standard {
        fixes.push(Action::SetRole {
            user: s.email.clone(),
            role: OrgRole::Administrator,
            confirm_lockout: false,
        });
        if w.sso_required(s) {
            fixes.push(Action::SsoExempt {
                user: s.email.clone(),
            });
        }
        hint = format!(
            "make a trusted member an Administrator ({} is the first active Standard member)",
            s.email
        );
    } else if let Some(d) = org.domains.values().find(|d| d.is_verified()) {
        let email = format!("second.admin@{}", d.name);
        hint = format!(
            "invite a second Administrator on {}: replace {email} with a real colleague's address",
            d.name
        );
        let mut steps = vec![
            Fix {
                action: Action::AddWorldUser {
                    email: email.clone(),
                    name: Some("Second Admin".into()),
                },
                by: None,
            },
            Fix {
                action: Action::Invite {
                    email: email.clone(),
                    role: OrgRole::Administrator,
                    accounts: vec![],
                },
                by: None,
            },
            Fix {
                action: Action::AcceptInvite {
                    email: email.clone(),
                },
                by: Some(email.clone()),
            },
        ];
        if w.find_user(&email).is_ok() {
            steps.remove(0);
        }
        l.add_fixes(
            Check::SinglePointOfFailure,
            org.name.clone(),
            message,
            steps,
            hint,
        );
        return;
    } else {
        hint = "verify a domain of the organization, then invite a second Administrator".into();
    }
    l.add_hint(
        Check::SinglePointOfFailure,
        org.name.clone(),
        message,
        fixes,
        hint,
    );
}

fn sso_not_enforced(l: &mut Lint) {
    let (w, org) = (l.w, l.org);
    let Some(p) = &org.sso else { return };
    if p.expired(w.clock) {
        return; // the certificate finding comes first
    }
    for d in org.domains.values() {
        if d.is_verified() && !d.sso_enforced {
            let mut fixes = Vec::new();
            if !p.tested {
                fixes.push(Action::SsoTest);
            }
            // keep a break-glass Administrator (SSO-5): one who can sign in without SSO once
            // the domain is enforced; else exempt the first active one of the domain
            let admins: Vec<&User> = w
                .members(&org.sid)
                .filter(|u| {
                    let m = role_of(u);
                    m.role == OrgRole::Administrator && active(m)
                })
                .collect();
            let outside = admins.iter().any(|u| {
                !w.sso_required(u)
                    && (role_of(u).sso_exempt
                        || w.domain_of_email(org, &u.email).map(|x| &x.name) != Some(&d.name))
            });
            if !outside && let Some(a) = admins.first() {
                fixes.push(Action::SsoExempt {
                    user: a.email.clone(),
                });
            }
            fixes.push(Action::SsoEnforce {
                domain: d.name.clone(),
                confirm_lockout: false,
            });
            l.add(
                Check::SsoNotEnforced,
                d.name.clone(),
                format!(
                    "SSO is configured{} but not enforced on the verified domain {}: its users can still sign in with a password",
                    if p.tested { "" } else { " (untested)" },
                    d.name
                ),
                fixes,
            );
        }
    }
}

fn domain_in_grace(l: &mut Lint) {
    let (w, org) = (l.w, l.org);
    for d in org.domains.values() {
        if let DomainStatus::VerifiedUncertain { deadline } = d.status {
            let days = time::days_left(w.clock, deadline);
            l.add_hint(
                Check::DomainInGrace,
                d.name.clone(),
                format!(
                    "the TXT record of {} is gone: {days} day(s) left of its 30-day grace; then the domain is deleted and its managed users leave",
                    d.name
                ),
                vec![
                    Action::PublishDns {
                        domain: d.name.clone(),
                    },
                    Action::RecheckDomain {
                        name: d.name.clone(),
                    },
                ],
                format!("publish {} = {} again, then re-check", d.txt_host(), d.txt_value()),
            );
        }
    }
}

fn certificate_expiring(l: &mut Lint) {
    let (w, org) = (l.w, l.org);
    let Some(p) = &org.sso else { return };
    let days = time::days_left(w.clock, p.certificate_not_after);
    if days > CERT_WARNING_DAYS {
        return;
    }
    let message = if p.expired(w.clock) {
        format!(
            "the IdP certificate expired on {}: users under SSO cannot sign in",
            time::format_date(p.certificate_not_after)
        )
    } else {
        format!(
            "the IdP certificate expires on {} ({days} day(s) left)",
            time::format_date(p.certificate_not_after)
        )
    };
    l.add_hint(
        Check::CertificateExpiring,
        p.entity_id.clone(),
        message,
        vec![],
        format!(
            "get a new certificate from the IdP, configure SSO again with it (entity ID {}, sign-in URL {}), then test the connection",
            p.entity_id, p.sign_in_url
        ),
    );
}

fn soon(w: &World, at: Timestamp) -> bool {
    at.as_second() - w.clock.as_second() <= EXPIRY_WARNING_HOURS * 3600
}

fn invitations_expiring(l: &mut Lint) {
    let (w, org) = (l.w, l.org);
    let mut found: Vec<(String, Timestamp, bool)> = org
        .invitations
        .values()
        .filter(|i| soon(w, i.expires_at))
        .map(|i| (i.email.clone(), i.expires_at, i.is_expired(w.clock)))
        .collect();
    found.sort();
    for (email, at, expired) in found {
        let message = if expired {
            format!(
                "the invitation of {email} expired on {} and cannot be accepted",
                time::format_time(at)
            )
        } else {
            format!(
                "the invitation of {email} expires on {}",
                time::format_time(at)
            )
        };
        l.add(
            Check::InvitationExpiring,
            email.clone(),
            message,
            vec![Action::ResendInvite { email }],
        );
    }
}

fn requests_expiring(l: &mut Lint) {
    let w = l.w;
    for r in w.account_requests(&l.org.sid) {
        if !soon(w, r.expires_at) {
            continue;
        }
        let message = format!(
            "the {} request of {} (owner {}) {} {}",
            r.kind_label(),
            r.account_name,
            r.owner_email,
            if r.expired {
                "expired on"
            } else {
                "expires on"
            },
            time::format_time(r.expires_at)
        );
        l.add(
            Check::RequestExpiring,
            r.account.to_string(),
            message,
            vec![Action::ResendAccount {
                sid: r.account.to_string(),
            }],
        );
    }
}

fn outsider_admins(l: &mut Lint) {
    let (w, org) = (l.w, l.org);
    let admin = roles::general(AccountRole::Administrator).sid.clone();
    for a in w.accounts.values() {
        if a.parent.is_some() || a.status == AccountStatus::Closed {
            continue;
        }
        let Some(link) = a.link.as_ref().filter(|l| l.org == org.sid) else {
            continue;
        };
        let kind = link.state.kind();
        if kind == AccountKind::Pending {
            continue;
        }
        let holders: BTreeSet<&Sid> = w
            .role_assignments
            .at_scope(&a.sid)
            .filter(|r| r.role == admin)
            .map(|r| &r.identity)
            .filter(|u| w.membership_in(u, &org.sid).is_none())
            .collect();
        for u in holders {
            let email = w.email_of(u);
            if kind == AccountKind::Independent {
                l.add(
                    Check::OutsiderAdminOnIndependent,
                    email.clone(),
                    format!(
                        "{email}, who is not a member of {}, holds Administrator on the independent account {} ({})",
                        org.name, a.name, a.sid
                    ),
                    vec![Action::RevokeAccess {
                        sid: a.sid.to_string(),
                        user: email,
                    }],
                );
            } else {
                l.add(
                    Check::ExternalAdministrator,
                    email.clone(),
                    format!(
                        "the external collaborator {email} holds Administrator on {} ({}): they can manage its users and subaccounts",
                        a.name, a.sid
                    ),
                    vec![Action::GrantAccess {
                        sid: a.sid.to_string(),
                        user: email,
                        roles: vec![AccountRole::Developer],
                    }],
                );
            }
        }
    }
}

fn account_limits(l: &mut Lint) {
    let (w, org) = (l.w, l.org);
    let used = w.accounts_toward_limit(&org.sid) as u32;
    let limit = org.settings.account_limit;
    if limit > 0 && used + 1 >= limit && used * 10 >= limit * 8 {
        l.add_hint(
            Check::AccountLimitNear,
            org.name.clone(),
            format!(
                "{used} of {limit} accounts are managed or pending: new, imported and merged accounts will soon be refused"
            ),
            vec![Action::Set(Setting::AccountLimit(limit + 10))],
            "ask Twilio Support to raise the account limit (ORG-9), or close accounts no longer used".into(),
        );
    }
    for a in w.org_accounts(&org.sid) {
        if a.parent.is_none()
            && a.status != AccountStatus::Closed
            && a.account_type == AccountType::Trial
            && w.kind_in(a, &org.sid) == Some(AccountKind::Managed)
            && w.open_subaccounts(&a.sid) >= 1
        {
            l.add(
                Check::TrialSubaccountFull,
                a.sid.to_string(),
                format!(
                    "{} is a Trial account with its one subaccount: no other can be created until it is upgraded",
                    a.name
                ),
                vec![Action::UpgradeAccount {
                    sid: a.sid.to_string(),
                }],
            );
        }
    }
}

fn deactivated_owners(l: &mut Lint) {
    let (w, org) = (l.w, l.org);
    let Some(owner) = w.owner_of_org(&org.sid) else {
        return;
    };
    for a in w.org_accounts(&org.sid) {
        if a.parent.is_some() || a.status == AccountStatus::Closed {
            continue;
        }
        let Some(u) = a.owner.as_ref().and_then(|o| w.users.get(o)) else {
            continue;
        };
        let deactivated = w
            .membership_in(&u.sid, &org.sid)
            .is_some_and(|m| m.status == MemberStatus::Deactivated);
        if deactivated && w.kind_in(a, &org.sid) == Some(AccountKind::Managed) {
            l.add(
                Check::DeactivatedOwner,
                u.email.clone(),
                format!(
                    "{} is deactivated and still owns {} ({}): nobody can act as its owner",
                    u.email, a.name, a.sid
                ),
                vec![Action::TransferAccount {
                    sid: a.sid.to_string(),
                    user: owner.email.clone(),
                }],
            );
        }
    }
}

fn built_in_roles(l: &mut Lint) {
    let (w, org) = (l.w, l.org);
    for u in w.members(&org.sid) {
        let built_in: Vec<&RoleAssignment> = w
            .role_assignments
            .of_identity(&u.sid)
            .filter(|a| roles::find_by_sid(&a.role).is_some_and(|r| r.kind == RoleKind::BuiltIn))
            .collect();
        if built_in.len() > BUILT_IN_WARNING {
            let mut sids: Vec<&Sid> = built_in.iter().map(|a| &a.sid).collect();
            sids.sort();
            let excess = sids.len() - BUILT_IN_WARNING;
            l.add_hint(
                Check::BuiltInRolesNearLimit,
                u.email.clone(),
                format!(
                    "{} holds {} built-in roles, {} the limit of {} (RBAC-2)",
                    u.email,
                    built_in.len(),
                    if built_in.len() >= access::BUILT_IN_MAX {
                        "at"
                    } else {
                        "close to"
                    },
                    access::BUILT_IN_MAX
                ),
                sids.iter()
                    .rev()
                    .take(excess)
                    .map(|s| Action::UnassignRole { sid: s.to_string() })
                    .collect(),
                "review the assignments; the fixes unassign the ones with the highest SIDs".into(),
            );
        }
    }
}

fn hipaa_without_baa(l: &mut Lint) {
    let (w, org) = (l.w, l.org);
    if org.settings.baa {
        return;
    }
    let hipaa: Vec<&Account> = w
        .org_accounts(&org.sid)
        .filter(|a| a.hipaa && a.status != AccountStatus::Closed)
        .collect();
    if let Some(first) = hipaa.first() {
        let names: Vec<String> = hipaa.iter().map(|a| a.name.clone()).collect();
        l.add_hint(
            Check::HipaaWithoutBaa,
            first.sid.to_string(),
            format!(
                "{} account(s) have HIPAA on ({}) and {} has no executed BAA on record",
                hipaa.len(),
                names.join(", "),
                org.name
            ),
            vec![Action::Set(Setting::Baa(true))],
            "execute the BAA with Twilio, then ask Twilio Support to record it (ORG-9)".into(),
        );
    }
}
