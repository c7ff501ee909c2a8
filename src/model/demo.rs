//! The demo world (`assets/demo.ron`), built here through the model's own actions so it can never
//! break a rule. A test checks that the committed file equals what this builds.
//!
//! It lets every rule be shown: Owl Industries (the main org) with a verified and an unverified
//! domain whose record is already published; Finch Analytics, ready to be merged into it; Heron
//! Logistics, which cannot be (it has a verified domain of its own); managed Trial and Full
//! accounts, a HIPAA account with subaccounts, an independent account, a pending import; members
//! of every role and state; and users and accounts outside every org.

use super::action::Setting;
use super::*;

/// The demo world's seed for SIDs and its clock.
pub const DEMO_SEED: u64 = 0x6f77_6c5f_6465_6d6f;
pub const DEMO_CLOCK: &str = "2026-12-14T09:00:00Z";
/// The IdP certificate the SSO walkthrough uses (public; valid for ten years).
pub const DEMO_IDP_CERT: &str = include_str!("../../assets/demo-idp-cert.pem");

struct Builder {
    world: World,
}

impl Builder {
    fn run(&mut self, ctx: &Ctx, action: Action) -> Outcome {
        match self.world.apply(ctx, &action) {
            Ok(o) => o,
            Err(e) => panic!("demo world: {action:?} failed: {e}"),
        }
    }

    fn created(out: &Outcome, kind: SidKind) -> Sid {
        out.created
            .iter()
            .find(|(k, _)| *k == kind)
            .map(|(_, s)| s.clone())
            .expect("created")
    }

    fn user(&self, email: &str) -> Sid {
        self.world
            .user_by_email(email)
            .expect("demo user")
            .sid
            .clone()
    }

    /// A standalone sign-up renamed into an organization of its own.
    fn org(&mut self, name: &str, owner: &str, owner_name: &str) -> (Sid, Ctx) {
        let out = self.world.signup(owner, Some(owner_name)).expect("sign-up");
        let org = Self::created(&out, SidKind::Org);
        let account = Self::created(&out, SidKind::Account);
        let user = Self::created(&out, SidKind::User);
        let ctx = Ctx::new(org.clone(), user);
        self.run(&ctx, Action::RenameOrg { name: name.into() });
        self.run(
            &ctx,
            Action::RenameAccount {
                sid: account.to_string(),
                name: format!("{name} Main"),
            },
        );
        (org, ctx)
    }

    fn verify(&mut self, ctx: &Ctx, domain: &str) {
        self.run(
            ctx,
            Action::AddDomain {
                name: domain.into(),
            },
        );
        self.run(
            ctx,
            Action::PublishDns {
                domain: domain.into(),
            },
        );
        self.run(
            ctx,
            Action::VerifyDomain {
                name: domain.into(),
            },
        );
    }

    fn member(&mut self, ctx: &Ctx, email: &str, name: &str, role: OrgRole) -> Sid {
        self.run(
            ctx,
            Action::Invite {
                email: email.into(),
                role,
                accounts: vec![],
            },
        );
        self.run(
            ctx,
            Action::AddWorldUser {
                email: email.into(),
                name: Some(name.into()),
            },
        );
        self.run(
            ctx,
            Action::AcceptInvite {
                email: email.into(),
            },
        );
        self.user(email)
    }

    fn account(&mut self, ctx: &Ctx, name: &str, flex: bool, owner: Option<&str>) -> String {
        let out = self.run(
            ctx,
            Action::CreateAccount {
                name: name.into(),
                flex,
                owner: owner.map(String::from),
            },
        );
        Self::created(&out, SidKind::Account).to_string()
    }
}

/// Builds the demo world.
pub fn build_demo_world() -> World {
    let mut b = Builder {
        world: World::empty(DEMO_CLOCK.parse().expect("clock"), DEMO_SEED),
    };

    // Finch Analytics signs up first, while owl-industries.example is still nobody's: its Owner's
    // address is on the domain Owl Industries verifies later, which makes it a merge candidate.
    let (_finch, finch) = b.org(
        "Finch Analytics",
        "felix.finch@owl-industries.example",
        "Felix Finch",
    );
    b.verify(&finch, "finch-analytics.example");
    b.member(
        &finch,
        "fern.finch@finch-analytics.example",
        "Fern Finch",
        OrgRole::Administrator,
    );
    b.member(
        &finch,
        "fred.finch@finch-analytics.example",
        "Fred Finch",
        OrgRole::Standard,
    );
    b.account(
        &finch,
        "Finch Reporting",
        false,
        Some("fern.finch@finch-analytics.example"),
    );
    // Finch gives its domain up again (its members stay), so it holds no verified domain.
    let finch_org = finch.org.clone();
    let d = b
        .world
        .orgs
        .get_mut(&finch_org)
        .expect("finch")
        .domains
        .get_mut("finch-analytics.example")
        .expect("domain");
    d.status = DomainStatus::Unverified;
    b.world.dns.remove("_twilio.finch-analytics.example");
    b.world.audit_world(Some(finch_org), "felix.finch@owl-industries.example", "domain.verification-removed", "finch-analytics.example is unverified again: its record was removed and it was re-added unverified");

    // Owl Industries, the main organization.
    let (owl_org, owl) = b.org(
        "Owl Industries",
        "olivia.owl@owl-industries.example",
        "Olivia Owl",
    );
    b.world.home_org = Some(owl_org.clone());
    b.verify(&owl, "owl-industries.example");
    b.run(
        &owl,
        Action::AddDomain {
            name: "owl-labs.example".into(),
        },
    );
    b.run(
        &owl,
        Action::PublishDns {
            domain: "owl-labs.example".into(),
        },
    );
    for s in [
        Setting::Baa(true),
        Setting::SsoEntitlement(true),
        Setting::AccountLimit(12),
    ] {
        b.run(&owl, Action::Set(s));
    }
    b.member(
        &owl,
        "adam.admin@owl-industries.example",
        "Adam Admin",
        OrgRole::Administrator,
    );
    b.member(
        &owl,
        "ava.admin@owl-industries.example",
        "Ava Admin",
        OrgRole::Administrator,
    );
    b.member(
        &owl,
        "sam.standard@owl-industries.example",
        "Sam Standard",
        OrgRole::Standard,
    );
    b.member(
        &owl,
        "sara.standard@owl-industries.example",
        "Sara Standard",
        OrgRole::Standard,
    );
    b.member(
        &owl,
        "dan.departed@owl-industries.example",
        "Dan Departed",
        OrgRole::Standard,
    );
    b.run(
        &owl,
        Action::Deactivate {
            user: "dan.departed@owl-industries.example".into(),
            confirm_lockout: false,
        },
    );

    let main = b
        .world
        .accounts
        .values()
        .find(|a| a.name == "Owl Industries Main")
        .expect("main")
        .sid
        .to_string();
    b.run(
        &owl,
        Action::RenameAccount {
            sid: main.clone(),
            name: "Owl Production".into(),
        },
    );
    b.run(&owl, Action::UpgradeAccount { sid: main.clone() });
    b.run(
        &owl,
        Action::SetHipaa {
            sid: main.clone(),
            on: true,
        },
    );
    b.run(
        &owl,
        Action::CreateSubaccount {
            parent: main.clone(),
            name: Some("Owl Prod EU".into()),
        },
    );
    b.run(
        &owl,
        Action::CreateSubaccount {
            parent: main.clone(),
            name: Some("Owl Prod US".into()),
        },
    );
    let staging = b.account(
        &owl,
        "Owl Staging",
        false,
        Some("sam.standard@owl-industries.example"),
    );
    let flex = b.account(
        &owl,
        "Owl Contact Center",
        true,
        Some("adam.admin@owl-industries.example"),
    );
    b.run(&owl, Action::UpgradeAccount { sid: flex.clone() });
    b.run(
        &owl,
        Action::GrantAccess {
            sid: main.clone(),
            user: "sara.standard@owl-industries.example".into(),
            roles: vec![AccountRole::Developer, AccountRole::BillingManager],
        },
    );
    b.run(
        &owl,
        Action::GrantAccess {
            sid: flex,
            user: "sam.standard@owl-industries.example".into(),
            roles: vec![AccountRole::Support],
        },
    );

    // Outside every org: a partner who shares an account (independent) and collaborates.
    let world_ctx = owl.clone();
    b.run(
        &world_ctx,
        Action::AddWorldUser {
            email: "kai.kestrel@kestrel-partners.example".into(),
            name: Some("Kai Kestrel".into()),
        },
    );
    let partner = Builder::created(
        &b.run(
            &world_ctx,
            Action::AddWorldAccount {
                name: "Kestrel Partner Portal".into(),
                owner: "kai.kestrel@kestrel-partners.example".into(),
                full: true,
            },
        ),
        SidKind::Account,
    );
    b.run(
        &owl,
        Action::LinkAccount {
            sid: partner.to_string(),
        },
    );
    let kai = Ctx::new(
        owl_org.clone(),
        b.user("kai.kestrel@kestrel-partners.example"),
    );
    b.run(
        &kai,
        Action::ConfirmAccount {
            sid: partner.to_string(),
        },
    );
    b.run(
        &owl,
        Action::GrantAccess {
            sid: partner.to_string(),
            user: "adam.admin@owl-industries.example".into(),
            roles: vec![AccountRole::Developer],
        },
    );
    b.run(
        &world_ctx,
        Action::AddWorldUser {
            email: "eve.external@kestrel-partners.example".into(),
            name: Some("Eve External".into()),
        },
    );
    b.run(
        &owl,
        Action::GrantAccess {
            sid: staging,
            user: "eve.external@kestrel-partners.example".into(),
            roles: vec![AccountRole::Developer],
        },
    );

    // A pending import, an importable account, and one that is not importable (owner on an unverified domain).
    b.run(
        &world_ctx,
        Action::AddWorldUser {
            email: "mia.marketing@owl-industries.example".into(),
            name: Some("Mia Marketing".into()),
        },
    );
    let pending = Builder::created(
        &b.run(
            &world_ctx,
            Action::AddWorldAccount {
                name: "Owl Marketing Sandbox".into(),
                owner: "mia.marketing@owl-industries.example".into(),
                full: false,
            },
        ),
        SidKind::Account,
    );
    b.run(
        &owl,
        Action::ImportAccount {
            sid: pending.to_string(),
        },
    );
    b.run(
        &world_ctx,
        Action::AddWorldUser {
            email: "liam.legacy@owl-industries.example".into(),
            name: Some("Liam Legacy".into()),
        },
    );
    b.run(
        &world_ctx,
        Action::AddWorldAccount {
            name: "Owl Legacy Billing".into(),
            owner: "liam.legacy@owl-industries.example".into(),
            full: true,
        },
    );
    b.run(
        &world_ctx,
        Action::AddWorldUser {
            email: "ivy.inventor@owl-labs.example".into(),
            name: Some("Ivy Inventor".into()),
        },
    );
    b.run(
        &world_ctx,
        Action::AddWorldAccount {
            name: "Owl Labs Prototype".into(),
            owner: "ivy.inventor@owl-labs.example".into(),
            full: false,
        },
    );
    b.run(
        &world_ctx,
        Action::AddWorldUser {
            email: "nora.newhire@owl-industries.example".into(),
            name: Some("Nora Newhire".into()),
        },
    );

    // Heron Logistics: cannot be merged, it verified a domain of its own.
    let (_heron, heron) = b.org(
        "Heron Logistics",
        "hana.heron@heron-logistics.example",
        "Hana Heron",
    );
    b.verify(&heron, "heron-logistics.example");

    // Last, so it is still pending when the demo starts: an invitation.
    b.run(
        &owl,
        Action::Invite {
            email: "paula.pending@owl-industries.example".into(),
            role: OrgRole::Standard,
            accounts: vec![(main, vec![AccountRole::Developer])],
        },
    );
    b.world
}
