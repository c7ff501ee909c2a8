//! The difference between two worlds in people's terms: who joins or leaves an organization, who
//! gains or loses access to which account and through which role (the access paths of
//! `access.rs`), which accounts move, whom SSO covers, which invitations, requests and domains
//! expire on the way. `tworg apply --dry-run` shows it for a plan, `tworg diff` between two files;
//! it is computed from the two worlds only, so a dry run and the real apply give the same one.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::access::AccessPath;
use super::*;

/// What part of the world a difference is about, in the order they are listed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Section {
    Clock,
    Organizations,
    Members,
    Access,
    Accounts,
    Sso,
    Invitations,
    Domains,
    Settings,
}

impl Section {
    pub fn label(self) -> &'static str {
        match self {
            Section::Clock => "Clock",
            Section::Organizations => "Organizations",
            Section::Members => "Who joins or leaves",
            Section::Access => "Account access",
            Section::Accounts => "Accounts",
            Section::Sso => "SSO",
            Section::Invitations => "Invitations and requests",
            Section::Domains => "Domains",
            Section::Settings => "Settings",
        }
    }
}

/// One difference: who or what (`subject`), and what happens to it (`change`), in an org.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Entry {
    pub section: Section,
    /// The organization's name, when the difference is inside one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub org: Option<String>,
    pub subject: String,
    pub change: String,
}

/// Every difference between a world and a later one, in a stable order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct WorldDiff {
    pub entries: Vec<Entry>,
}

impl WorldDiff {
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The difference as text, one section after another, for every face.
    pub fn lines(&self) -> Vec<String> {
        if self.entries.is_empty() {
            return vec!["No difference.".to_string()];
        }
        let mut out = Vec::new();
        let mut section = None;
        for e in &self.entries {
            if section != Some(e.section) {
                section = Some(e.section);
                out.push(format!("{}:", e.section.label()));
            }
            match &e.org {
                Some(o) => out.push(format!("  [{o}] {}: {}", e.subject, e.change)),
                None => out.push(format!("  {}: {}", e.subject, e.change)),
            }
        }
        out
    }
}

struct Diff<'a> {
    a: &'a World,
    b: &'a World,
    out: BTreeSet<Entry>,
}

impl Diff<'_> {
    fn push(&mut self, section: Section, org: Option<&Sid>, subject: String, change: String) {
        let org = org.map(|o| {
            self.b
                .orgs
                .get(o)
                .or_else(|| self.a.orgs.get(o))
                .map(|x| x.name.clone())
                .unwrap_or_else(|| o.to_string())
        });
        self.out.insert(Entry {
            section,
            org,
            subject,
            change,
        });
    }

    fn email(&self, u: &Sid) -> String {
        self.b
            .users
            .get(u)
            .or_else(|| self.a.users.get(u))
            .map(|x| x.email.clone())
            .unwrap_or_else(|| u.to_string())
    }

    fn account_name(&self, acc: &Sid) -> String {
        self.b
            .accounts
            .get(acc)
            .or_else(|| self.a.accounts.get(acc))
            .map(|x| format!("{} ({})", x.name, x.sid))
            .unwrap_or_else(|| acc.to_string())
    }

    fn org_name(&self, o: &Sid) -> String {
        self.b
            .orgs
            .get(o)
            .or_else(|| self.a.orgs.get(o))
            .map(|x| x.name.clone())
            .unwrap_or_else(|| o.to_string())
    }
}

/// What differs from `a` to `b` (`b` is the later world).
pub fn diff(a: &World, b: &World) -> WorldDiff {
    let mut d = Diff {
        a,
        b,
        out: BTreeSet::new(),
    };
    clock(&mut d);
    orgs(&mut d);
    members(&mut d);
    access(&mut d);
    accounts(&mut d);
    sso(&mut d);
    invitations(&mut d);
    domains(&mut d);
    settings(&mut d);
    WorldDiff {
        entries: d.out.into_iter().collect(),
    }
}

fn clock(d: &mut Diff) {
    if d.a.clock != d.b.clock {
        let secs = d.b.clock.as_second() - d.a.clock.as_second();
        let span = if secs % 86_400 == 0 {
            format!("{} day(s)", secs / 86_400)
        } else if secs % 3600 == 0 {
            format!("{} hour(s)", secs / 3600)
        } else {
            format!("{secs} second(s)")
        };
        d.push(
            Section::Clock,
            None,
            "the clock".into(),
            format!(
                "moves {span}, {} → {}",
                time::format_time(d.a.clock),
                time::format_time(d.b.clock)
            ),
        );
    }
}

fn orgs(d: &mut Diff) {
    let all: BTreeSet<&Sid> = d.a.orgs.keys().chain(d.b.orgs.keys()).collect();
    for o in all {
        match (d.a.orgs.get(o), d.b.orgs.get(o)) {
            (None, Some(n)) => d.push(
                Section::Organizations,
                None,
                n.name.clone(),
                "is created".into(),
            ),
            (Some(old), None) => {
                // a merged-away Candidate's Owner is now in the Prime
                let into = d.a.owner_of_org(o).and_then(|u| {
                    let m = d.b.users.get(&u.sid)?.membership.as_ref()?;
                    Some(d.org_name(&m.org))
                });
                let change = match into {
                    Some(p) => format!("is merged into {p} and is gone"),
                    None => "is gone".into(),
                };
                d.push(Section::Organizations, None, old.name.clone(), change);
            }
            (Some(old), Some(new)) => {
                if old.name != new.name {
                    d.push(
                        Section::Organizations,
                        Some(o),
                        old.name.clone(),
                        format!("is renamed {}", new.name),
                    );
                }
                let (oa, ob) = (d.a.owner_of_org(o), d.b.owner_of_org(o));
                if oa.map(|u| &u.sid) != ob.map(|u| &u.sid) {
                    let new_owner = ob.map(|u| u.email.clone()).unwrap_or("nobody".into());
                    d.push(
                        Section::Organizations,
                        Some(o),
                        "ownership".into(),
                        format!(
                            "goes from {} to {new_owner}",
                            oa.map(|u| u.email.clone()).unwrap_or("nobody".into())
                        ),
                    );
                }
            }
            (None, None) => {}
        }
    }
}

fn members(d: &mut Diff) {
    let all: BTreeSet<&Sid> = d.a.users.keys().chain(d.b.users.keys()).collect();
    for u in all {
        let ma = d.a.users.get(u).and_then(|x| x.membership.as_ref());
        let mb = d.b.users.get(u).and_then(|x| x.membership.as_ref());
        let email = d.email(u);
        let (sa, sb) = (d.a.users.get(u), d.b.users.get(u));
        match (ma, mb) {
            (Some(a), Some(b)) if a.org == b.org => {
                if a.role != b.role {
                    let reach = if b.role.is_admin() && !a.role.is_admin() {
                        ", and with it every managed account"
                    } else if a.role.is_admin() && !b.role.is_admin() {
                        ", and with it the reach to every managed account"
                    } else {
                        ""
                    };
                    let verb = if b.role.is_admin() && !a.role.is_admin() {
                        "gains"
                    } else if a.role.is_admin() && !b.role.is_admin() {
                        "loses"
                    } else {
                        "changes"
                    };
                    d.push(
                        Section::Members,
                        Some(&b.org),
                        email.clone(),
                        format!(
                            "becomes {} (was {}): {verb} org role{reach}",
                            b.role.label(),
                            a.role.label()
                        ),
                    );
                }
                if a.status != b.status {
                    let change = match b.status {
                        MemberStatus::Deactivated => "is deactivated and can no longer sign in",
                        MemberStatus::Active => "is reactivated and can sign in again",
                    };
                    d.push(Section::Members, Some(&b.org), email.clone(), change.into());
                }
            }
            (a, b) => {
                if let Some(a) = a {
                    let change = match (sb, b) {
                        (None, _) => format!("leaves as {} and is deleted", a.role.label()),
                        (Some(_), Some(b)) => {
                            format!(
                                "leaves as {} (moves to {})",
                                a.role.label(),
                                d.org_name(&b.org)
                            )
                        }
                        (Some(_), None) => format!(
                            "leaves as {} (stays a Twilio user outside any org)",
                            a.role.label()
                        ),
                    };
                    d.push(Section::Members, Some(&a.org), email.clone(), change);
                }
                if let Some(b) = b {
                    let from = match (sa, a) {
                        (None, _) => " (a new Twilio user)".to_string(),
                        (Some(_), Some(a)) => format!(" (from {})", d.org_name(&a.org)),
                        (Some(_), None) => String::new(),
                    };
                    d.push(
                        Section::Members,
                        Some(&b.org),
                        email.clone(),
                        format!("joins as {}{from}", b.role.label()),
                    );
                }
                if sa.is_some() && sb.is_none() && a.is_none() {
                    d.push(Section::Members, None, email, "is deleted".into());
                }
            }
        }
    }
}

/// How a user reaches an account, in people's terms, without SIDs: "Developer on the account".
fn path_label(w: &World, access: &access::Access) -> Option<String> {
    let role = access.role.map(|r| r.name.as_str()).unwrap_or("a role");
    let scope = |iy: &Sid| {
        w.role_assignments
            .get(iy)
            .map(|a| w.scope_name(&a.scope))
            .unwrap_or_default()
    };
    Some(match &access.path {
        // an org role reaches every managed account: the member entry says so once
        AccessPath::OrgRole(_) => return None,
        AccessPath::Owner => "as the account's owner".to_string(),
        AccessPath::Direct(_) => format!("as {role} on the account"),
        AccessPath::Parent(iy) => format!("as {role} on the parent {}", scope(iy)),
        AccessPath::Organization(iy) => format!("as {role} on the organization {}", scope(iy)),
    })
}

/// The (user → ways in) of one account in one world, org roles left out.
fn ways_in(w: &World, acc: &Sid) -> BTreeMap<Sid, BTreeSet<String>> {
    let mut out = BTreeMap::<Sid, BTreeSet<String>>::new();
    let Some(account) = w.accounts.get(acc) else {
        return out;
    };
    if account.status == AccountStatus::Closed {
        return out;
    }
    let main = w.main_account(account);
    let org = w.link_of(account).map(|l| l.org.clone());
    let mut candidates: BTreeSet<Sid> = BTreeSet::new();
    candidates.extend(main.owner.clone());
    for scope in [&account.sid, &main.sid] {
        candidates.extend(
            w.role_assignments
                .at_scope(scope)
                .map(|a| a.identity.clone()),
        );
    }
    if let Some(o) = &org {
        candidates.extend(w.role_assignments.at_scope(o).map(|a| a.identity.clone()));
    }
    // an account in no org: its owner and roles on it still reach it
    let org_sid = org.unwrap_or_else(|| Sid::from_bits(SidKind::Org, 0));
    for u in candidates {
        let labels: BTreeSet<String> = w
            .access_paths(&u, &org_sid, account)
            .iter()
            .filter_map(|p| path_label(w, p))
            .collect();
        if !labels.is_empty() {
            out.insert(u, labels);
        }
    }
    out
}

fn access(d: &mut Diff) {
    let all: BTreeSet<&Sid> = d.a.accounts.keys().chain(d.b.accounts.keys()).collect();
    for acc in all {
        let (wa, wb) = (ways_in(d.a, acc), ways_in(d.b, acc));
        if wa == wb {
            continue;
        }
        let org =
            d.b.accounts
                .get(acc)
                .and_then(|a| d.b.link_of(a))
                .or_else(|| d.a.accounts.get(acc).and_then(|a| d.a.link_of(a)))
                .map(|l| l.org.clone());
        let users: BTreeSet<&Sid> = wa.keys().chain(wb.keys()).collect();
        let empty = BTreeSet::new();
        for u in users {
            let (pa, pb) = (wa.get(u).unwrap_or(&empty), wb.get(u).unwrap_or(&empty));
            for gained in pb.difference(pa) {
                let change = format!("gains access to {} {gained}", d.account_name(acc));
                d.push(Section::Access, org.as_ref(), d.email(u), change);
            }
            for lost in pa.difference(pb) {
                let change = format!("loses access to {} {lost}", d.account_name(acc));
                d.push(Section::Access, org.as_ref(), d.email(u), change);
            }
        }
    }
}

fn account_where(w: &World, a: &Account) -> String {
    match w.link_of(a) {
        None => "in no organization".to_string(),
        Some(l) => format!(
            "{} in {}",
            match l.state.kind() {
                AccountKind::Managed => "managed",
                AccountKind::Independent => "independent",
                AccountKind::Pending => "pending",
            },
            w.org_name(&l.org)
        ),
    }
}

fn accounts(d: &mut Diff) {
    let all: BTreeSet<&Sid> = d.a.accounts.keys().chain(d.b.accounts.keys()).collect();
    for acc in all {
        let name = d.account_name(acc);
        let (a, b) = (d.a.accounts.get(acc), d.b.accounts.get(acc));
        let org = b
            .and_then(|x| d.b.link_of(x))
            .or_else(|| a.and_then(|x| d.a.link_of(x)))
            .map(|l| l.org.clone());
        let mut changes = Vec::new();
        match (a, b) {
            (None, Some(b)) => changes.push(format!(
                "is created, {}{}",
                account_where(d.b, b),
                b.parent
                    .as_ref()
                    .map(|p| format!(", under {}", d.account_name(p)))
                    .unwrap_or_default()
            )),
            (Some(_), None) => changes.push("is purged".to_string()),
            (Some(a), Some(b)) => {
                // where it is, by org SID and kind (a renamed org moves nothing)
                let place =
                    |w: &World, x: &Account| w.link_of(x).map(|l| (l.org.clone(), l.state.kind()));
                if a.parent.is_none() && place(d.a, a) != place(d.b, b) {
                    let (wa, wb) = (account_where(d.a, a), account_where(d.b, b));
                    changes.push(format!("moves: {wa} → {wb}"));
                }
                if a.owner != b.owner {
                    changes.push(format!(
                        "changes owner: {} → {}",
                        a.owner.as_ref().map(|u| d.email(u)).unwrap_or("-".into()),
                        b.owner.as_ref().map(|u| d.email(u)).unwrap_or("-".into())
                    ));
                }
                if a.status != b.status {
                    changes.push(format!("{} → {}", a.status.label(), b.status.label()));
                }
                if a.account_type != b.account_type {
                    changes.push("is upgraded to Full".to_string());
                }
                if a.hipaa != b.hipaa {
                    changes.push(format!("HIPAA {}", if b.hipaa { "on" } else { "off" }));
                }
                if a.name != b.name {
                    changes.push(format!("is renamed from {}", a.name));
                }
            }
            (None, None) => {}
        }
        for c in changes {
            d.push(Section::Accounts, org.as_ref(), name.clone(), c);
        }
    }
}

fn sso(d: &mut Diff) {
    let all: BTreeSet<&Sid> = d.a.users.keys().chain(d.b.users.keys()).collect();
    for u in all {
        let ra = d.a.users.get(u).is_some_and(|x| d.a.sso_required(x));
        let rb = d.b.users.get(u).is_some_and(|x| d.b.sso_required(x));
        if ra == rb {
            continue;
        }
        let org =
            d.b.users
                .get(u)
                .and_then(|x| x.membership.as_ref())
                .or_else(|| d.a.users.get(u).and_then(|x| x.membership.as_ref()))
                .map(|m| m.org.clone());
        let change = if rb {
            "SSO will cover them: they sign in through the IdP only"
        } else {
            "SSO no longer covers them"
        };
        d.push(Section::Sso, org.as_ref(), d.email(u), change.into());
    }
    for (o, ob) in &d.b.orgs {
        let pa = d.a.orgs.get(o).and_then(|x| x.sso.as_ref());
        let pb = ob.sso.as_ref();
        let now_a = d.a.clock;
        let now_b = d.b.clock;
        let change = match (pa, pb) {
            (None, Some(_)) => Some("an SSO profile is configured".to_string()),
            (Some(_), None) => Some("the SSO profile is removed".to_string()),
            (Some(x), Some(y))
                if x.entity_id != y.entity_id || x.certificate_pem != y.certificate_pem =>
            {
                Some("the SSO profile is replaced".to_string())
            }
            (Some(x), Some(y)) if x.state(now_a) != y.state(now_b) => {
                Some(format!("the SSO profile becomes {}", y.state(now_b)))
            }
            _ => None,
        };
        if let Some(c) = change {
            d.push(Section::Sso, Some(o), "profile".into(), c);
        }
    }
}

fn invitations(d: &mut Diff) {
    for (o, ob) in &d.b.orgs {
        let oa = d.a.orgs.get(o);
        let old: BTreeMap<&Sid, &Invitation> = oa
            .map(|x| x.invitations.iter().collect())
            .unwrap_or_default();
        let new: BTreeMap<&Sid, &Invitation> = ob.invitations.iter().collect();
        for (sid, i) in &new {
            match old.get(sid) {
                None => d.push(
                    Section::Invitations,
                    Some(o),
                    i.email.clone(),
                    format!(
                        "is invited as {} ({} {})",
                        i.role.label(),
                        if i.is_expired(d.b.clock) {
                            "and the invitation expires on the way,"
                        } else {
                            "expires"
                        },
                        time::format_time(i.expires_at)
                    ),
                ),
                Some(before) => {
                    if !before.is_expired(d.a.clock) && i.is_expired(d.b.clock) {
                        d.push(
                            Section::Invitations,
                            Some(o),
                            i.email.clone(),
                            format!(
                                "the invitation expires on the way ({})",
                                time::format_time(i.expires_at)
                            ),
                        );
                    } else if before.expires_at != i.expires_at {
                        d.push(
                            Section::Invitations,
                            Some(o),
                            i.email.clone(),
                            format!(
                                "the invitation is resent (expires {})",
                                time::format_time(i.expires_at)
                            ),
                        );
                    }
                }
            }
        }
        for (sid, i) in &old {
            if !new.contains_key(sid) {
                let joined =
                    d.b.find_user(&i.email)
                        .ok()
                        .and_then(|u| u.membership.as_ref())
                        .is_some_and(|m| &m.org == o);
                let change = if joined {
                    "the invitation is accepted"
                } else {
                    "the invitation is withdrawn (cancelled, declined or gone)"
                };
                d.push(
                    Section::Invitations,
                    Some(o),
                    i.email.clone(),
                    change.into(),
                );
            }
        }
    }
    // account import and link requests
    for (acc, b) in &d.b.accounts {
        let Some(lb) = &b.link else { continue };
        let Some((_, _, Some(exp_b))) = lb.state.request() else {
            continue;
        };
        let before =
            d.a.accounts
                .get(acc)
                .and_then(|a| a.link.as_ref())
                .and_then(|l| l.state.request())
                .and_then(|(_, _, e)| e);
        let what = match lb.state {
            LinkState::PendingLink { .. } => "the link request",
            _ => "the import request",
        };
        let change = match before {
            Some(exp_a) if exp_a > d.a.clock && exp_b <= d.b.clock => Some(format!(
                "{what} expires on the way ({})",
                time::format_time(exp_b)
            )),
            Some(exp_a) if exp_a != exp_b => Some(format!(
                "{what} is resent (expires {})",
                time::format_time(exp_b)
            )),
            None => Some(format!(
                "{what} is sent (expires {})",
                time::format_time(exp_b)
            )),
            _ => None,
        };
        if let Some(c) = change {
            d.push(Section::Invitations, Some(&lb.org), d.account_name(acc), c);
        }
    }
}

fn domains(d: &mut Diff) {
    let all: BTreeSet<&Sid> = d.a.orgs.keys().chain(d.b.orgs.keys()).collect();
    for o in all {
        let empty = BTreeMap::new();
        let da = d.a.orgs.get(o).map(|x| &x.domains).unwrap_or(&empty);
        let db = d.b.orgs.get(o).map(|x| &x.domains).unwrap_or(&empty);
        let names: BTreeSet<&String> = da.keys().chain(db.keys()).collect();
        for n in names {
            let change = match (da.get(n), db.get(n)) {
                (None, Some(_)) => "is added (unverified)".to_string(),
                (Some(a), None) => match a.status {
                    DomainStatus::VerifiedUncertain { deadline } if deadline <= d.b.clock => {
                        format!(
                            "its 30-day grace ends on the way ({}): it is deleted",
                            time::format_time(deadline)
                        )
                    }
                    _ if d.b.orgs.contains_key(o) => "is deleted".to_string(),
                    _ => continue,
                },
                (Some(a), Some(b)) => {
                    let mut c = Vec::new();
                    if a.status != b.status {
                        c.push(match &b.status {
                            DomainStatus::VerifiedUncertain { deadline } => format!(
                                "its record is gone: verified-uncertain, deleted on {} unless re-verified",
                                time::format_date(*deadline)
                            ),
                            s => format!("becomes {}", s.label()),
                        });
                    }
                    if a.sso_enforced != b.sso_enforced {
                        c.push(if b.sso_enforced {
                            "SSO is enforced on it".to_string()
                        } else {
                            "SSO is no longer enforced on it".to_string()
                        });
                    }
                    if a.multi_verified != b.multi_verified {
                        c.push(format!(
                            "multi-verified {}",
                            if b.multi_verified { "on" } else { "off" }
                        ));
                    }
                    if c.is_empty() {
                        continue;
                    }
                    c.join("; ")
                }
                (None, None) => continue,
            };
            d.push(Section::Domains, Some(o), n.clone(), change);
        }
    }
    let hosts: BTreeSet<&String> = d.a.dns.keys().chain(d.b.dns.keys()).collect();
    for h in hosts {
        if d.a.dns.get(h) != d.b.dns.get(h) {
            let change = if d.b.dns.get(h).is_some_and(|v| !v.is_empty()) {
                "the TXT record is published"
            } else {
                "the TXT record is removed"
            };
            d.push(Section::Domains, None, h.clone(), change.into());
        }
    }
}

fn settings(d: &mut Diff) {
    for (o, ob) in &d.b.orgs {
        let Some(oa) = d.a.orgs.get(o) else { continue };
        let (a, b) = (&oa.settings, &ob.settings);
        let mut c: Vec<(&str, String, String)> = Vec::new();
        let mut num = |k: &'static str, x: u32, y: u32| {
            if x != y {
                c.push((k, x.to_string(), y.to_string()));
            }
        };
        num("account limit", a.account_limit, b.account_limit);
        num("subaccount limit", a.subaccount_limit, b.subaccount_limit);
        num("domain limit", a.domain_limit, b.domain_limit);
        num("invitation days", a.invite_days, b.invite_days);
        num("reset link hours", a.reset_link_hours, b.reset_link_hours);
        let onoff = |v: bool| if v { "on" } else { "off" }.to_string();
        for (k, x, y) in [
            ("BAA", a.baa, b.baa),
            ("SSO entitlement", a.sso_entitlement, b.sso_entitlement),
            ("Import Users", a.bulk_import, b.bulk_import),
            ("SCIM", oa.scim.enabled, ob.scim.enabled),
        ] {
            if x != y {
                c.push((k, onoff(x), onoff(y)));
            }
        }
        if oa.signup != ob.signup {
            c.push((
                "sign-up setting",
                oa.signup.label().to_string(),
                ob.signup.label().to_string(),
            ));
        }
        for (k, x, y) in c {
            d.push(
                Section::Settings,
                Some(o),
                k.to_string(),
                format!("{x} → {y}"),
            );
        }
    }
}
