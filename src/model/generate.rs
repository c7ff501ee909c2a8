//! A large synthetic world for scale tests and benchmarks (`tworg world generate`). Built
//! directly rather than through actions, so 100,000 users take well under a second; the result
//! is checked against every invariant like any loaded file.

use std::collections::BTreeMap;

use super::sid::splitmix64;
use super::*;

/// Sizes of a generated world.
#[derive(Debug, Clone, Copy)]
pub struct GenerateSpec {
    pub users: usize,
    pub accounts: usize,
    pub orgs: usize,
    pub seed: u64,
}

const FIRST: &[&str] = &[
    "Ada", "Bo", "Cy", "Dee", "Eli", "Fay", "Gus", "Hal", "Ivo", "Jo", "Kit", "Lu", "Mo", "Ned",
    "Oda", "Pia", "Quin", "Rae", "Sol", "Tam", "Uma", "Vic", "Wes", "Xia", "Yul", "Zoe",
];
const LAST: &[&str] = &[
    "Alder", "Birch", "Cedar", "Dogwood", "Elm", "Fir", "Ginkgo", "Hazel", "Ilex", "Juniper",
    "Kauri", "Larch", "Maple", "Nutmeg", "Oak", "Pine", "Quince", "Rowan", "Spruce", "Teak",
    "Ulmus", "Vine", "Willow", "Yew", "Zelkova",
];

/// Builds a world of `spec.orgs` organizations (at least 1) sharing the users and accounts.
pub fn generate_world(spec: GenerateSpec) -> World {
    let clock = demo::DEMO_CLOCK.parse().expect("clock");
    let mut w = World::empty(clock, spec.seed);
    let orgs = spec.orgs.max(1);
    let users = spec.users.max(orgs);
    let mut org_sids = Vec::new();
    for i in 0..orgs {
        let sid = w.new_sid(SidKind::Org);
        let domain = format!("org{i}.generated.example");
        let dsid = w.new_sid(SidKind::Domain);
        let token = w.new_token();
        let per_org_accounts = spec.accounts / orgs + 1;
        let settings = OrgSettings {
            account_limit: per_org_accounts.max(10) as u32,
            ..OrgSettings::default()
        };
        let mut domains = BTreeMap::new();
        let d = Domain {
            sid: dsid,
            name: domain.clone(),
            status: DomainStatus::Verified,
            token,
            added_at: clock,
            multi_verified: false,
            sso_enforced: false,
        };
        w.dns.insert(d.txt_host(), vec![d.txt_value()]);
        domains.insert(domain, d);
        let name = format!("Generated Org {i}");
        w.orgs.insert(
            sid.clone(),
            Org {
                sid: sid.clone(),
                name,
                created_at: clock,
                domains,
                invitations: Default::default(),
                signup: SignupSetting::Restricted,
                settings,
                sso: None,
                scim: ScimSettings::default(),
            },
        );
        org_sids.push(sid);
    }
    w.home_org = org_sids.first().cloned();
    // Users round-robin over orgs; the first user of each org is its Owner, every 20th an Administrator.
    let mut members: Vec<Vec<Sid>> = vec![Vec::new(); orgs];
    for i in 0..users {
        let o = i % orgs;
        let r = splitmix64(spec.seed ^ i as u64);
        let first = FIRST[(r % FIRST.len() as u64) as usize];
        let last = LAST[((r >> 16) % LAST.len() as u64) as usize];
        let sid = w.new_sid(SidKind::User);
        let role = match members[o].len() {
            0 => OrgRole::Owner,
            n if n % 20 == 0 => OrgRole::Administrator,
            _ => OrgRole::Standard,
        };
        let status = if r.is_multiple_of(97) && role != OrgRole::Owner {
            MemberStatus::Deactivated
        } else {
            MemberStatus::Active
        };
        let email = format!(
            "{}.{}{i}@org{o}.generated.example",
            first.to_ascii_lowercase(),
            last.to_ascii_lowercase()
        );
        w.users.insert(
            sid.clone(),
            User {
                sid: sid.clone(),
                email,
                name: format!("{first} {last}"),
                created_at: clock,
                membership: Some(Membership {
                    org: org_sids[o].clone(),
                    role,
                    status,
                    sso_exempt: false,
                    joined_at: clock,
                }),
                two_factor: TwoFactor::Enrolled,
                password_reset_until: None,
                scim: ScimAttributes::default(),
            },
        );
        members[o].push(sid);
    }
    for i in 0..spec.accounts {
        let o = i % orgs;
        // Owners are members other than the Org Owner, so ORG-8 holds trivially.
        let pool = &members[o];
        let owner = if pool.len() > 1 {
            pool[1 + (splitmix64(spec.seed ^ (i as u64) << 1) as usize % (pool.len() - 1))].clone()
        } else {
            pool[0].clone()
        };
        let sid = w.new_sid(SidKind::Account);
        w.accounts.insert(
            sid.clone(),
            Account {
                sid,
                name: format!("Generated Account {i}"),
                owner: Some(owner),
                parent: None,
                status: AccountStatus::Active,
                closed_at: None,
                account_type: if i % 3 == 0 {
                    AccountType::Full
                } else {
                    AccountType::Trial
                },
                usage: if i % 10 == 0 {
                    Usage::Flex
                } else {
                    Usage::Twilio
                },
                hipaa: false,
                created_at: clock,
                updated_at: None,
                link: Some(OrgLink {
                    org: org_sids[o].clone(),
                    state: LinkState::Managed,
                }),
                legacy_access: BTreeMap::new(),
            },
        );
    }
    w
}
