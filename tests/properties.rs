//! Property test: random sequences of random actions, by random acting users (members of any
//! org, outside users, the SCIM token) in random orgs of the demo world, mixing valid and invalid
//! input. After every step the invariants hold, a refused step left the world exactly as it was,
//! an applied change was logged (AUD-1), and at the end the world survives a RON round trip.
//!
//! `PROPTEST_CASES` overrides the number of cases (64 by default, to keep `cargo test` quick),
//! `PROPTEST_MAX_STEPS` the length of a sequence (40), and `PROPTEST_RNG_SEED` the seed: it is
//! fixed by default, so `cargo test` and CI are repeatable; set another seed to explore.

mod fixture;

use proptest::prelude::*;
use tworg::model::action::Setting;
use tworg::model::demo::DEMO_IDP_CERT;
use tworg::model::*;

/// Addresses that are not (yet) users: on verified, unverified, other orgs', common and
/// sub-domains, an alias, and some that are not addresses at all.
const NEW_EMAILS: &[&str] = &[
    "new.one@owl-industries.example",
    "new.two@owl-industries.example",
    "alias+finch@owl-industries.example",
    "new.three@owl-industries.example",
    "new.four@owl-industries.example",
    "NEW.FIVE@Owl-Industries.example",
    "lab.rat@owl-labs.example",
    "fresh@finch-analytics.example",
    "crane@heron-logistics.example",
    "someone@gmail.com",
    "deep@stage.owl-industries.example",
    "ops@owl-ops.example",
    "not-an-email",
    "",
    "two@@owl-industries.example",
    // SCIM-2: spellings of one name (NFC, NFD, ß/SS, case) and ones that cannot be a name
    "\u{c4}nna@owl-industries.example",
    "a\u{308}nna@owl-industries.example",
    "stra\u{df}e@owl-industries.example",
    "STRASSE@owl-industries.example",
    "an\u{200b}na@owl-industries.example",
    "\u{ff41}nna@owl-industries.example",
];

const DOMAINS: &[&str] = &[
    "owl-industries.example",
    "owl-labs.example",
    "finch-analytics.example",
    "heron-logistics.example",
    "owl-ops.example",
    "stage.owl-industries.example",
    "HTTPS://Owl-Ops.Example/path",
    "www.owl-ops.example",
    "gmail.com",
    "localhost",
    "",
];

const NAMES: &[&str] = &[
    "Owl Staging",
    "New Project",
    "",
    "   ",
    "Finch Analytics",
    "Heron Logistics",
    "Owl Industries",
    "ÄÖÜ 漢字",
    "0123456789012345678901234567890123456789012345678901234567890123",
    "01234567890123456789012345678901234567890123456789012345678901234",
];

const DURATIONS: &[i64] = &[3600, 86_400, 7 * 86_400, 30 * 86_400, 31 * 86_400, 0, -60];

/// One random step, as numbers resolved against the world when it runs, so SIDs, emails and
/// names come from the world as it is at that moment.
#[derive(Debug, Clone)]
struct Step {
    kind: u8,
    actor: usize,
    /// `None`: the acting user's own org (the home org for outsiders); otherwise any org.
    org: Option<usize>,
    a: usize,
    b: usize,
    c: usize,
    flag: bool,
}

fn step() -> impl Strategy<Value = Step> {
    (
        0u8..61,
        any::<usize>(),
        prop::option::weighted(0.25, any::<usize>()),
        any::<usize>(),
        any::<usize>(),
        any::<usize>(),
        any::<bool>(),
    )
        .prop_map(|(kind, actor, org, a, b, c, flag)| Step {
            kind,
            actor,
            org,
            a,
            b,
            c,
            flag,
        })
}

fn nth<T: Clone>(items: &[T], i: usize) -> Option<T> {
    (!items.is_empty()).then(|| items[i % items.len()].clone())
}

/// Resolves a step's numbers against the world.
struct Resolver<'a> {
    w: &'a World,
}

impl Resolver<'_> {
    fn user_emails(&self) -> Vec<String> {
        self.w.users.values().map(|u| u.email.clone()).collect()
    }

    /// Half the time an existing user's email (sometimes in upper case), else a new or bad one.
    fn email(&self, i: usize) -> String {
        if i.is_multiple_of(2)
            && let Some(e) = nth(&self.user_emails(), i / 2)
        {
            return if i.is_multiple_of(6) {
                e.to_ascii_uppercase()
            } else {
                e
            };
        }
        NEW_EMAILS[(i / 2) % NEW_EMAILS.len()].to_string()
    }

    /// Mostly a SID of the world (sometimes upper-cased), else a malformed or missing one.
    fn account(&self, i: usize) -> String {
        let sids: Vec<String> = self.w.accounts.keys().map(|s| s.to_string()).collect();
        match i % 10 {
            0 => "AC123".into(),
            1 => format!("AC{}", "0".repeat(32)),
            2 => format!("US{}", "1".repeat(32)),
            3 => nth(&sids, i / 10)
                .map(|s| format!("ac{}", s[2..].to_ascii_uppercase()))
                .unwrap_or_default(),
            _ => nth(&sids, i / 10).unwrap_or_default(),
        }
    }

    fn account_name(&self, sid: &str) -> Option<String> {
        self.w.find_account(sid).ok().map(|a| a.name.clone())
    }

    fn domain(&self, i: usize) -> String {
        let mut all: Vec<String> = DOMAINS.iter().map(|d| d.to_string()).collect();
        for o in self.w.orgs.values() {
            all.extend(o.domains.keys().cloned());
        }
        nth(&all, i).unwrap_or_default()
    }

    fn name(&self, i: usize) -> String {
        NAMES[i % NAMES.len()].to_string()
    }

    fn org_key(&self, i: usize) -> String {
        let orgs: Vec<&Org> = self.w.orgs.values().collect();
        match i % 5 {
            0 => "Nowhere Inc".into(),
            1 => nth(&orgs, i / 5)
                .map(|o| o.sid.to_string())
                .unwrap_or_default(),
            _ => nth(&orgs, i / 5)
                .map(|o| o.name.clone())
                .unwrap_or_default(),
        }
    }

    fn roles(&self, i: usize) -> Vec<AccountRole> {
        let all = AccountRole::ALL;
        match i % 6 {
            0 => vec![],
            1 => vec![AccountRole::Developer, AccountRole::BillingManager],
            2 => vec![all[(i / 6) % 4], all[(i / 24) % 4]],
            _ => vec![all[(i / 6) % 4]],
        }
    }

    fn role(&self, i: usize) -> OrgRole {
        [OrgRole::Standard, OrgRole::Administrator, OrgRole::Owner][i % 3]
    }

    fn ctx(&self, s: &Step) -> Ctx {
        let users: Vec<&User> = self.w.users.values().collect();
        let orgs: Vec<Sid> = self.w.orgs.keys().cloned().collect();
        // A third of the steps are by an Org Owner in their own org, so that management
        // actions get far enough to change things.
        if s.actor % 3 == 1 {
            let home = self.w.home_org.clone().unwrap_or_else(|| orgs[0].clone());
            let org = if (s.actor / 3).is_multiple_of(2) {
                &home
            } else {
                &orgs[(s.actor / 6) % orgs.len()]
            };
            if let Some(owner) = self.w.owner_of_org(org) {
                return Ctx::new(org.clone(), owner.sid.clone());
            }
        }
        let user = users[s.actor % users.len()];
        let org = match s.org {
            Some(i) => orgs[i % orgs.len()].clone(),
            None => user
                .membership
                .as_ref()
                .map(|m| m.org.clone())
                .or_else(|| self.w.home_org.clone())
                .unwrap_or_else(|| orgs[0].clone()),
        };
        if s.actor.is_multiple_of(23) || ((52..=54).contains(&s.kind) && !s.actor.is_multiple_of(4))
        {
            Ctx {
                org,
                actor: Actor::ScimToken,
            }
        } else {
            Ctx::new(org, user.sid.clone())
        }
    }

    /// The owner of a pending account answers in the org that asked (ACC-5, ACC-6); the invitee
    /// of a merge invitation answers from their own organization (MRG-5).
    fn owner_ctx(&self, s: &Step, action: &Action) -> Option<Ctx> {
        if let Action::AcceptInvite { email } | Action::DeclineInvite { email } = action {
            let u = self.w.user_by_email(email)?;
            let org = u.membership.as_ref()?.org.clone();
            return (s.flag && s.kind >= 59).then(|| Ctx::new(org, u.sid.clone()));
        }
        let (Action::ConfirmAccount { sid } | Action::DeclineAccount { sid }) = action else {
            return None;
        };
        if !s.flag {
            return None;
        }
        let a = self.w.find_account(sid).ok()?;
        Some(Ctx::new(a.link.as_ref()?.org.clone(), a.owner.clone()?))
    }

    /// A SCIM user whose userName is its primary email (or, now and then, not).
    fn scim_data(&self, email: &str, s: &Step) -> scim::ScimUserData {
        scim::ScimUserData {
            user_name: if s.c.is_multiple_of(7) {
                "someone.else@owl-industries.example".into()
            } else {
                email.into()
            },
            external_id: (!s.b.is_multiple_of(3)).then(|| format!("ext-{}", s.b % 4)),
            emails: vec![ScimEmail {
                value: email.into(),
                kind: None,
                primary: true,
            }],
            active: (s.a.is_multiple_of(4)).then_some(s.flag),
            ..Default::default()
        }
    }

    /// A member of the context's org (as SCIM id and data), or a user of another org.
    fn scim_member(&self, ctx: &Ctx, i: usize) -> (String, scim::ScimUserData) {
        let members: Vec<&User> = if i.is_multiple_of(5) {
            self.w.users.values().collect()
        } else {
            self.w.members(&ctx.org).collect()
        };
        match nth(&members, i / 5) {
            Some(u) => (u.sid.to_string(), self.w.scim_view(u)),
            None => (
                format!("US{}", "0".repeat(32)),
                scim::ScimUserData::default(),
            ),
        }
    }

    fn setting(&self, s: &Step) -> Setting {
        let n = [0u32, 1, 2, 3, 5, 12, 100, 1000][s.b % 8];
        match s.a % 10 {
            0 => Setting::AccountLimit(n),
            1 => Setting::SubaccountLimit(n),
            2 => Setting::DomainLimit(n),
            3 => Setting::InviteDays(n),
            4 => Setting::ResetLinkHours(n),
            5 => Setting::Baa(s.flag),
            6 => Setting::SsoEntitlement(s.flag),
            7 => Setting::BulkImport(s.flag),
            8 => Setting::MultiVerified {
                domain: self.domain(s.c),
                on: s.flag,
            },
            _ => Setting::ScimTwilioRules(s.flag),
        }
    }

    fn csv(&self, s: &Step) -> String {
        if s.a.is_multiple_of(5) {
            return "email,name\nbroken".into();
        }
        let mut csv = String::from("email,first_name,last_name\n");
        for k in 0..(s.b % 4) {
            csv.push_str(&format!(
                "{},First,Last\n",
                self.email(s.c.wrapping_add(k * 7))
            ));
        }
        csv
    }

    fn action(&self, s: &Step, ctx: &Ctx) -> Action {
        use Action::*;
        let acc = self.account(s.a);
        let email = self.email(s.b);
        match s.kind {
            0 => Signup {
                email,
                name: s.flag.then(|| self.name(s.c)),
            },
            1 => AddWorldUser { email, name: None },
            2 => AddWorldAccount {
                name: self.name(s.c),
                owner: email,
                full: s.flag,
            },
            3 => PublishDns {
                domain: self.domain(s.a),
            },
            4 => UnpublishDns {
                domain: self.domain(s.a),
            },
            5 => AdvanceClock {
                seconds: DURATIONS[s.a % DURATIONS.len()],
            },
            6 => CreateAccount {
                name: self.name(s.c),
                flex: s.flag,
                owner: (s.a.is_multiple_of(3)).then_some(email),
            },
            7 => ImportAccount { sid: acc },
            8 => LinkAccount { sid: acc },
            9 => ConfirmAccount { sid: acc },
            10 => DeclineAccount { sid: acc },
            11 => CancelAccount { sid: acc },
            12 => RenameAccount {
                sid: acc,
                name: self.name(s.c),
            },
            13 => TransferAccount {
                sid: acc,
                user: email,
            },
            14 => UpgradeAccount { sid: acc },
            15 => SuspendAccount { sid: acc },
            16 => ResumeAccount { sid: acc },
            17 => {
                let confirm_name = if s.flag {
                    self.account_name(&acc).unwrap_or_default()
                } else {
                    self.name(s.c)
                };
                CloseAccount {
                    sid: acc,
                    confirm_name,
                }
            }
            18 => SetHipaa {
                sid: acc,
                on: s.flag,
            },
            19 => GrantAccess {
                sid: acc,
                user: email,
                roles: self.roles(s.c),
            },
            20 => RevokeAccess {
                sid: acc,
                user: email,
            },
            21 => CreateSubaccount {
                parent: acc,
                name: s.flag.then(|| self.name(s.c)),
            },
            22 => AddDomain {
                name: self.domain(s.a),
            },
            23 => VerifyDomain {
                name: self.domain(s.a),
            },
            24 => RecheckDomain {
                name: self.domain(s.a),
            },
            25 => DeleteDomain {
                name: self.domain(s.a),
                acknowledged: s.flag,
            },
            26 => SetSignup {
                setting: SignupSetting::ALL[s.a % 3],
            },
            27 => Invite {
                email: if s.flag {
                    email
                } else {
                    NEW_EMAILS[s.b % NEW_EMAILS.len()].to_string()
                },
                role: self.role(s.c),
                accounts: if s.flag {
                    vec![(acc, self.roles(s.c / 3))]
                } else {
                    vec![]
                },
            },
            28..=30 => {
                let pending: Vec<String> = self
                    .w
                    .orgs
                    .get(&ctx.org)
                    .map(|o| o.invitations.values().map(|i| i.email.clone()).collect())
                    .unwrap_or_default();
                let email = if s.flag {
                    nth(&pending, s.a).unwrap_or(email)
                } else {
                    email
                };
                match s.kind {
                    28 => AcceptInvite { email },
                    29 => CancelInvite { email },
                    _ => ResendInvite { email },
                }
            }
            31 => SetRole {
                user: email,
                role: self.role(s.c),
                confirm_lockout: s.flag,
            },
            32 => ResetPassword { user: email },
            33 => Reset2fa { user: email },
            34 => Deactivate {
                user: email,
                confirm_lockout: s.flag,
            },
            35 => Reactivate { user: email },
            36 => RemoveUser {
                user: email,
                confirm_lockout: s.flag,
            },
            37 => DeleteUser {
                user: email,
                confirm_lockout: s.flag,
            },
            38 => ImportUsers { csv: self.csv(s) },
            39 => RenameOrg {
                name: self.name(s.c),
            },
            40 => TransferOrg { user: email },
            41 => DeleteOrg,
            42 => {
                let candidate = self.org_key(s.a);
                let confirm = if s.flag || s.b.is_multiple_of(3) {
                    self.w
                        .find_org(&candidate)
                        .map(|o| o.name.clone())
                        .unwrap_or_default()
                } else {
                    self.name(s.c)
                };
                Merge {
                    candidate,
                    confirm,
                    owner_role: if s.c.is_multiple_of(5) {
                        OrgRole::Owner
                    } else {
                        self.role(s.c % 2)
                    },
                }
            }
            43 => Set(self.setting(s)),
            44 => SsoConfigure {
                entity_id: if s.c.is_multiple_of(5) {
                    ""
                } else {
                    "https://idp.example/saml"
                }
                .into(),
                url: if s.c.is_multiple_of(7) {
                    "http://idp.example/sso"
                } else {
                    "https://idp.example/sso"
                }
                .into(),
                cert_pem: match s.a % 4 {
                    0 => "garbage".into(),
                    1 => include_str!("fixtures/expired-idp-cert.pem").into(),
                    _ => DEMO_IDP_CERT.into(),
                },
                confirm_lockout: s.flag,
            },
            45 => SsoTest,
            46 => SsoEnforce {
                domain: self.domain(s.a),
                confirm_lockout: s.flag,
            },
            47 => SsoUnenforce {
                domain: self.domain(s.a),
            },
            48 => SsoExempt { user: email },
            49 => SsoUnexempt {
                user: email,
                confirm_lockout: s.flag,
            },
            50 => ScimEnable {
                token: if s.flag {
                    "t".repeat(40)
                } else {
                    "short".into()
                },
            },
            51 => ScimDisable,
            52 => ScimCreateUser {
                user: self.scim_data(&email, s),
            },
            53 => {
                let (id, mut user) = self.scim_member(ctx, s.a);
                match s.c % 4 {
                    0 => user.active = Some(s.flag),
                    1 => user.display_name = Some(self.name(s.b)),
                    2 => user = self.scim_data(&email, s),
                    _ => user.external_id = Some(format!("ext-{}", s.b % 3)),
                }
                ScimReplaceUser {
                    id,
                    user,
                    patch: s.flag,
                }
            }
            54 => ScimDeleteUser {
                id: self.scim_member(ctx, s.a).0,
            },
            55 => ResendAccount { sid: acc },
            // RBAC: a role of the catalogue (or a general key, or nonsense) at the org or an
            // account; unassigning one of the world's assignments.
            56 => {
                let catalogue = tworg::model::roles::catalogue();
                let role = match s.c % 5 {
                    0 => "admin".to_string(),
                    1 => "Chief Llama".to_string(),
                    _ => catalogue[s.c % catalogue.len()].sid.to_string(),
                };
                let scope = if s.flag { ctx.org.to_string() } else { acc };
                AssignRole {
                    user: email,
                    role,
                    scope,
                }
            }
            57 => UnassignRole {
                sid: nth(
                    &self
                        .w
                        .role_assignments
                        .iter()
                        .map(|a| a.sid.to_string())
                        .collect::<Vec<_>>(),
                    s.a,
                )
                .unwrap_or_else(|| format!("IY{}", "0".repeat(32))),
            },
            // MRG-5: inviting another org's Owner is a merge invitation.
            58 => {
                let owners: Vec<String> = self
                    .w
                    .orgs
                    .keys()
                    .filter_map(|o| self.w.owner_of_org(o).map(|u| u.email.clone()))
                    .collect();
                Invite {
                    email: nth(&owners, s.a).unwrap_or(email),
                    role: self.role(s.c),
                    accounts: if s.b.is_multiple_of(7) {
                        vec![(acc, vec![AccountRole::Developer])]
                    } else {
                        vec![]
                    },
                }
            }
            // Answering a merge invitation (any org's), or now and then another address.
            _ => {
                let merging: Vec<String> = self
                    .w
                    .orgs
                    .values()
                    .flat_map(|o| {
                        o.invitations
                            .values()
                            .filter(|i| self.w.merge_candidate_of(&o.sid, &i.email).is_some())
                            .map(|i| i.email.clone())
                    })
                    .collect();
                let email = if s.b.is_multiple_of(5) {
                    email
                } else {
                    nth(&merging, s.a).unwrap_or(email)
                };
                if s.kind == 59 {
                    AcceptInvite { email }
                } else {
                    DeclineInvite { email }
                }
            }
        }
    }
}

/// Properties the world file's invariants do not check: SCIM identifiers unique per org (SCIM-2),
/// subaccount status follows a closed or
/// suspended parent (ACC-8, SUB-5), role sets that USR-4 allows, no grants of their own on
/// subaccounts (SUB-4), and no owner listed among the grantees of their own account.
fn accounts_are_sound(w: &World) -> Result<(), String> {
    // SCIM-2: userName and externalId are unique among an org's members, and no two members
    // share an email in canonical form (NFC, full case folding).
    for org in w.orgs.keys() {
        let mut names = std::collections::BTreeSet::new();
        let mut ids = std::collections::BTreeSet::new();
        let mut emails = std::collections::BTreeSet::new();
        for u in w.members(org) {
            if !emails.insert(tworg::model::names::canonical(&u.email)) {
                return Err(format!(
                    "two members of {org} share the canonical email of {} (SCIM-2)",
                    u.email
                ));
            }
            if !names.insert(tworg::model::names::canonical(&World::scim_user_name(u))) {
                return Err(format!(
                    "two members of {org} share the userName of {}",
                    u.email
                ));
            }
            if let Some(x) = &u.scim.external_id
                && !ids.insert(x.clone())
            {
                return Err(format!(
                    "two members of {org} share the externalId {x} (SCIM-2)"
                ));
            }
        }
    }
    for a in w.accounts.values() {
        // ACC-8 cascades and SUB-5: a closed parent's subaccounts are closed, a suspended
        // parent's are not active.
        if let Some(p) = a.parent.as_ref().and_then(|p| w.accounts.get(p)) {
            let bad = match p.status {
                AccountStatus::Closed => a.status != AccountStatus::Closed,
                AccountStatus::Suspended => a.status == AccountStatus::Active,
                AccountStatus::Active => false,
            };
            if bad {
                return Err(format!(
                    "subaccount {} is {} under {} {} (ACC-8, SUB-5)",
                    a.name,
                    a.status.label(),
                    p.status.label(),
                    p.name
                ));
            }
        }
        let grants = w.grants_on(&a.sid);
        if a.parent.is_some() && !grants.is_empty() {
            return Err(format!(
                "subaccount {} has grants of its own (SUB-4)",
                a.name
            ));
        }
        for (u, roles) in &grants {
            let list: Vec<AccountRole> = roles.iter().copied().collect();
            if tworg::model::accounts::check_account_roles(&list).is_err() {
                return Err(format!(
                    "{} holds {roles:?} on {} (USR-4)",
                    w.email_of(u),
                    a.name
                ));
            }
            if a.owner.as_ref() == Some(u) {
                return Err(format!(
                    "{} owns {} and is also a grantee",
                    w.email_of(u),
                    a.name
                ));
            }
            if !w.users.contains_key(u) {
                return Err(format!(
                    "{} has a grant for a user that does not exist",
                    a.name
                ));
            }
        }
    }
    Ok(())
}

/// USR-5 rev 2: no member owns an independent account of its org.
fn no_member_owns_an_independent_account(w: &World) -> Result<(), String> {
    for a in w.accounts.values() {
        let (Some(link), Some(owner)) = (&a.link, a.owner.as_ref().and_then(|o| w.users.get(o)))
        else {
            continue;
        };
        if link.state == LinkState::Independent
            && owner.membership.as_ref().is_some_and(|m| m.org == link.org)
        {
            return Err(format!(
                "{} is a member of {} and owns its independent account {} (USR-5)",
                owner.email,
                w.org_name(&link.org),
                a.name
            ));
        }
    }
    Ok(())
}

/// USR-1, ACC-4, DOM-9 rev 2: nobody joins an existing org through an invitation, an import, a
/// sign-up, a bulk import or SCIM (under Twilio's rules) unless their email's domain was
/// `verified` there when they joined. Merges (MRG-4) move whole orgs, and SCIM with Twilio's
/// rules off takes any domain but a verified-uncertain one.
fn joins_only_on_verified_domains(
    before: &World,
    after: &World,
    action: &Action,
) -> Result<(), String> {
    if matches!(action, Action::Merge { .. }) {
        return Ok(());
    }
    for u in after.users.values() {
        let Some(m) = &u.membership else { continue };
        let Some(org) = before.orgs.get(&m.org) else {
            continue; // a sign-up's own new org
        };
        let was_member = before
            .users
            .get(&u.sid)
            .and_then(|b| b.membership.as_ref())
            .is_some_and(|bm| bm.org == m.org);
        if was_member {
            continue;
        }
        // Arrived with their organization, which merged in (MRG-4: by invitation, MRG-5, or by
        // import, MRG-6, including a bulk-import row): members move whatever their domain.
        let merged_in = before
            .users
            .get(&u.sid)
            .and_then(|b| b.membership.as_ref())
            .is_some_and(|bm| !after.orgs.contains_key(&bm.org));
        if merged_in {
            continue;
        }
        let status = before
            .domain_of_email(org, &u.email)
            .map(|d| d.status.clone());
        let scim_relaxed =
            matches!(action, Action::ScimCreateUser { .. }) && !org.scim.twilio_rules;
        let ok = if scim_relaxed {
            !matches!(status, Some(DomainStatus::VerifiedUncertain { .. }))
        } else {
            status == Some(DomainStatus::Verified)
        };
        if !ok {
            return Err(format!(
                "{} joined {} by {} while its domain was {:?}",
                u.email,
                org.name,
                action.name(),
                status
            ));
        }
    }
    Ok(())
}

/// A refusal's fixes, followed in order by whom they name on a copy of the world, are each
/// allowed, in whatever state the random steps reached and not only in the states
/// `tests/hints.rs` sets up. As there, a fix that is the refused action itself, corrected or
/// done by someone who may, may still fail for another reason (the Owner may import accounts,
/// but not a malformed SID), never for the same rule.
fn fixes_are_allowed(w: &World, refused: &Ctx, action: &Action, r: &Refusal) -> Result<(), String> {
    let mut w = w.clone();
    for fix in &r.fixes {
        let ctx = match &fix.by {
            None => refused.clone(),
            Some(by) => {
                let u = w.find_user(by).map_err(|e| {
                    format!(
                        "[{}] a fix names {by}, who is not in the world: {e}",
                        r.rule
                    )
                })?;
                let org = u
                    .membership
                    .as_ref()
                    .map_or_else(|| refused.org.clone(), |m| m.org.clone());
                Ctx::new(org, u.sid.clone())
            }
        };
        let same_kind = std::mem::discriminant(&fix.action) == std::mem::discriminant(action);
        match w.apply(&ctx, &fix.action) {
            // Letting time pass applies every expiry that falls due (CLK-1), which may change
            // who can take the later steps: the steps were right when the refusal was given.
            Ok(_) if matches!(fix.action, Action::AdvanceClock { .. }) => return Ok(()),
            Ok(_) => {}
            Err(e) if same_kind && e.rule() != Some(r.rule) => return Ok(()),
            Err(e) => {
                return Err(format!(
                    "the fix {:?} of a [{}] refusal ({}) is not allowed: {e}",
                    fix.action, r.rule, r.message
                ));
            }
        }
    }
    Ok(())
}

/// Steps per case: up to 40, or `PROPTEST_MAX_STEPS` for deeper runs.
fn max_steps() -> usize {
    std::env::var("PROPTEST_MAX_STEPS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(40)
}

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(64)
}

/// A fixed seed unless `PROPTEST_RNG_SEED` names one.
fn seed() -> proptest::test_runner::RngSeed {
    std::env::var("PROPTEST_RNG_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .map_or(
            proptest::test_runner::RngSeed::Fixed(0x7477_6f72_6700),
            proptest::test_runner::RngSeed::Fixed,
        )
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: cases(),
        rng_seed: seed(),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn random_actions_keep_every_invariant(steps in prop::collection::vec(step(), 1..=max_steps())) {
        // The demo world, with SCIM on in its home org so that SCIM steps can apply.
        let mut w = fixture::demo();
        let home = w.home_org.clone().expect("home org");
        let owner = w.owner_of_org(&home).expect("owner").sid.clone();
        w.apply(&Ctx::new(home, owner), &Action::ScimEnable { token: "t".repeat(40) })
            .expect("SCIM on");
        let mut log: Vec<String> = Vec::new();
        let start = w.clone();
        let mut journal = tworg::persist::journal::Header { base: "0".repeat(64), seq: 0 }.line();
        for s in &steps {
            let (ctx, action) = {
                let r = Resolver { w: &w };
                let ctx = r.ctx(s);
                let action = r.action(s, &ctx);
                (r.owner_ctx(s, &action).unwrap_or(ctx), action)
            };
            let before = w.clone();
            let result = w.apply(&ctx, &action);
            log.push(format!(
                "as {} in {}: {action:?} -> {}",
                w.actor_label(&ctx.actor),
                before.org_name(&ctx.org),
                match &result {
                    Ok(o) => format!("ok: {}", o.message),
                    Err(e) => format!("err: {e}"),
                }
            ));
            if result.is_ok() {
                let seq = journal.lines().count() as u64;
                journal.push_str(&tworg::persist::journal::encode(seq, &tworg::persist::journal::record_of(&ctx, &action)));
            }
            match &result {
                Err(e) => {
                    prop_assert!(w == before, "a failed step changed the world:\n{}", log.join("\n"));
                    if let Some(id) = e.rule() {
                        prop_assert!(rules::find(id).is_some(), "unknown rule {id}");
                    }
                    if let ActionError::Refused(r) = e
                        && let Err(problem) = fixes_are_allowed(&before, &ctx, &action, r)
                    {
                        prop_assert!(false, "{problem}\n{}", log.join("\n"));
                    }
                }
                Ok(_) => {
                    if w != before {
                        prop_assert!(
                            w.audit.len() > before.audit.len(),
                            "an applied change was not logged (AUD-1):\n{}",
                            log.join("\n")
                        );
                        prop_assert!(w.audit[..before.audit.len()] == before.audit[..], "the audit log was rewritten");
                        prop_assert!(
                            w.audit[before.audit.len()..].iter().all(|e| e.at == w.clock && !e.actor.is_empty() && !e.action.is_empty()),
                            "an audit entry without time, actor or action"
                        );
                    }
                    prop_assert!(w.clock >= before.clock, "the clock went back");
                    if let Err(problem) = joins_only_on_verified_domains(&before, &w, &action) {
                        prop_assert!(false, "{problem}\n{}", log.join("\n"));
                    }
                }
            }
            if let Err(problem) = accounts_are_sound(&w) {
                prop_assert!(false, "{problem}\n{}", log.join("\n"));
            }
            if let Err(problem) = no_member_owns_an_independent_account(&w) {
                prop_assert!(false, "{problem}\n{}", log.join("\n"));
            }
            if let Err(v) = w.check_invariants() {
                prop_assert!(false, "invariant broken: {}\n{}", v.message, log.join("\n"));
            }
        }
        // Replaying the journal of the applied steps on the first world gives the same world.
        let parsed = tworg::persist::journal::parse(journal.as_bytes(), "j").expect("the journal reads back");
        let mut replayed = start;
        let replay = tworg::persist::journal::replay(&mut replayed, &parsed, 0, "j");
        prop_assert!(replay.is_ok(), "replay failed: {:?}\n{}", replay.err().map(|e| e.to_string()), log.join("\n"));
        prop_assert!(replayed == w, "replaying the journal gave another world:\n{}", log.join("\n"));
        let text = tworg::persist::to_ron(&w);
        let back = tworg::persist::from_ron(&text, "round-trip");
        prop_assert!(back.is_ok(), "the world does not load back: {:?}", back.err().map(|e| e.to_string()));
        prop_assert!(back.unwrap() == w, "the world changed in a RON round trip");
    }
}

/// Cases of the plan property: each runs the binary three times, so fewer than the model's.
fn plan_cases() -> u32 {
    std::env::var("PROPTEST_PLAN_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(12)
}

/// The random steps as a plan: each step whose action has a plan line, with `--org` and `--as`
/// as SIDs, checked to parse back to the same action. Steps run on `w` as they are written, so
/// that later steps name what earlier ones made.
fn plan_of(w: &mut World, steps: &[Step]) -> String {
    let mut text = String::new();
    for s in steps {
        let (ctx, action) = {
            let r = Resolver { w };
            let ctx = r.ctx(s);
            let action = r.action(s, &ctx);
            (r.owner_ctx(s, &action).unwrap_or(ctx), action)
        };
        let Some(user) = ctx.acting_user() else {
            continue;
        };
        let Ok(line) = tworg::plan::line(&action, Some(ctx.org.as_str()), Some(user.as_str()))
        else {
            continue;
        };
        // the line parses back to the action it was written from (a SCIM token is made anew)
        let parsed = tworg::cli::script::parse_script(&line)
            .unwrap_or_else(|e| panic!("the plan line {line:?} does not parse: {e:?}"));
        assert_eq!(parsed.len(), 1, "{line}");
        if !matches!(action, Action::ScimEnable { .. }) {
            assert_eq!(parsed[0].action, action, "{line}");
        }
        let _ = w.apply(&ctx, &action);
        text.push_str(&line);
        text.push('\n');
    }
    text
}

fn files_of(path: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    let dir = path.parent().expect("dir");
    let mut v: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .expect("dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.is_file())
        .map(|p| (p.display().to_string(), std::fs::read(&p).expect("read")))
        .collect();
    v.sort();
    v
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: plan_cases(),
        rng_seed: seed(),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    /// A plan's dry run changes nothing on disk, byte for byte, and the difference it prints is
    /// the difference between the world before and the world after `tworg apply` of the plan.
    #[test]
    fn a_dry_runs_diff_is_the_applied_diff(steps in prop::collection::vec(step(), 1..=20)) {
        let file = fixture::demo_file();
        let mut w = fixture::demo();
        let plan = plan_of(&mut w, &steps);
        let dir = file.path.parent().expect("dir").to_path_buf();
        let plan_path = dir.join("plan.tworg");
        std::fs::write(&plan_path, &plan).expect("plan");
        let plan_arg = plan_path.display().to_string();

        let bytes = files_of(&file.path);
        let dry = fixture::tworg_cli(&file.path, &["--json", "apply", &plan_arg, "--dry-run"]);
        prop_assert!(files_of(&file.path) == bytes, "a dry run changed the files");
        let dry: serde_json::Value = serde_json::from_slice(&dry.stdout).expect("dry-run json");
        let dry_diff = dry["diff"].clone();

        // the world before, kept aside: the snapshot and its journal
        let before = dir.join("before.ron");
        std::fs::copy(&file.path, &before).expect("copy");
        let journal = tworg::persist::journal_path(&file.path);
        if journal.exists() {
            std::fs::copy(&journal, tworg::persist::journal_path(&before)).expect("copy journal");
        }
        let out = fixture::tworg_cli(&file.path, &["apply", &plan_arg]);
        prop_assert!(matches!(out.status.code(), Some(0 | 2 | 3)), "apply: {out:?}");
        let diff = fixture::tworg_cli(&file.path, &["--json", "diff", &before.display().to_string(), &file.path.display().to_string()]);
        prop_assert!(diff.status.success(), "diff: {diff:?}");
        let diff: serde_json::Value = serde_json::from_slice(&diff.stdout).expect("diff json");
        prop_assert_eq!(&dry_diff, &diff["diff"], "plan:\n{}", plan);
    }
}
