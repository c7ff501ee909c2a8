//! Model and file at scale: a world of 100,000 users and 2,000 accounts.
//! Run with `cargo bench --bench model`; the figures are in the README.

use std::sync::LazyLock;

use tworg::model::generate::{GenerateSpec, generate_world};
use tworg::model::{Action, Ctx, OrgRole, World};
use tworg::persist::{from_ron, to_ron};

fn main() {
    divan::main();
}

static BIG: LazyLock<World> = LazyLock::new(|| {
    let w = generate_world(GenerateSpec {
        users: 100_000,
        accounts: 2_000,
        orgs: 1,
        seed: 7,
    });
    w.check_invariants().unwrap(); // as a load does: this also builds the email index
    w
});
static BIG_RON: LazyLock<String> = LazyLock::new(|| to_ron(&BIG));

fn owner_ctx(w: &World) -> Ctx {
    let org = w.home_org.clone().unwrap();
    let owner = w.owner_of_org(&org).unwrap().sid.clone();
    Ctx::new(org, owner)
}

#[divan::bench(sample_count = 10)]
fn generate_100k_users() -> World {
    generate_world(GenerateSpec {
        users: 100_000,
        accounts: 2_000,
        orgs: 1,
        seed: 7,
    })
}

#[divan::bench(sample_count = 10)]
fn serialize_100k_users() -> String {
    to_ron(&BIG)
}

#[divan::bench(sample_count = 10)]
fn parse_and_check_100k_users() -> World {
    from_ron(&BIG_RON, "big.ron").unwrap()
}

#[divan::bench(sample_count = 20)]
fn check_invariants_100k_users() {
    BIG.check_invariants().unwrap();
}

/// One applied action in the large world (an invitation: validates the domain, looks the email
/// up, generates a SID).
#[divan::bench(sample_count = 20)]
fn apply_invite_in_100k_users(bencher: divan::Bencher) {
    let ctx = owner_ctx(&BIG);
    let action = Action::Invite {
        email: "new.person@org0.generated.example".into(),
        role: OrgRole::Standard,
        accounts: vec![],
    };
    bencher
        .with_inputs(|| BIG.clone())
        .bench_local_refs(|w| w.apply(&ctx, &action).unwrap());
}

/// A refused action in the large world (the same invitation on a common domain).
#[divan::bench(sample_count = 20)]
fn refuse_invite_in_100k_users(bencher: divan::Bencher) {
    let ctx = owner_ctx(&BIG);
    let action = Action::Invite {
        email: "someone@gmail.com".into(),
        role: OrgRole::Standard,
        accounts: vec![],
    };
    let mut w = BIG.clone();
    bencher.bench_local(|| w.apply(&ctx, &action).unwrap_err());
}

static MILLION: LazyLock<World> = LazyLock::new(|| {
    let w = generate_world(GenerateSpec {
        users: 1_000_000,
        accounts: 2_000,
        orgs: 10,
        seed: 7,
    });
    w.check_invariants().unwrap(); // as a load does: this also builds the email index
    w
});

/// Finding a user by email in canonical form (SCIM-2): an index lookup, not a scan, so it
/// costs the same with 100,000 users as with 1,000,000.
#[divan::bench(args = [100_000, 1_000_000], sample_count = 20)]
fn user_by_email(bencher: divan::Bencher, users: usize) {
    let w: &World = if users == 100_000 { &BIG } else { &MILLION };
    let email = w
        .users
        .values()
        .nth(users / 2)
        .unwrap()
        .email
        .to_uppercase();
    w.user_by_email(&email).unwrap();
    bencher.bench(|| w.user_by_email(divan::black_box(&email)).is_some());
}
