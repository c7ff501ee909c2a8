//! Durability at scale (issue 11): a durable change (applied, journalled, fsynced) in worlds of
//! 1,000 and 100,000 users against a bare append+fsync of the same bytes; a SCIM create over
//! loopback at both sizes, and a GET alone and during 50 concurrent creates; loading a world
//! against a typed RON parse of the same file. `cargo bench --bench durability`; the figures are
//! in the README, measured by `scripts/bench-scale.sh` in one run. Benchmarks only measure:
//! nothing here asserts a timing.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::os::unix::fs::FileExt;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, LazyLock};

use tworg::model::generate::{GenerateSpec, generate_world};
use tworg::model::{Action, Ctx, OrgRole, World};
use tworg::persist::journal::{encode, record_of};
use tworg::persist::{WorldFile, load, to_ron};
use tworg::server::{self, ServerHandle};
use tworg::session::{Session, SharedSession};

fn main() {
    divan::main();
}

const TOKEN: &str = "bench-token-0123456789abcdef0123456789abcdef";

fn world(users: usize) -> World {
    generate_world(GenerateSpec {
        users,
        accounts: (users / 50).max(10),
        orgs: 1,
        seed: 11,
    })
}

fn owner_ctx(w: &World) -> Ctx {
    let org = w.home_org.clone().unwrap();
    let owner = w.owner_of_org(&org).unwrap().sid.clone();
    Ctx::new(org, owner)
}

fn invite(n: usize) -> Action {
    Action::Invite {
        email: format!("bench.{n}@org0.generated.example"),
        role: OrgRole::Standard,
        accounts: vec![],
    }
}

static DIR: LazyLock<tempfile::TempDir> = LazyLock::new(|| tempfile::tempdir().unwrap());
static SEQ: AtomicUsize = AtomicUsize::new(0);

/// A world of `users` in a new file, opened for writing.
fn session(users: usize) -> Session {
    let w = world(users);
    w.check_invariants().unwrap(); // as a load does: this also builds the email index
    let path = DIR.path().join(format!(
        "w{users}-{}.ron",
        SEQ.fetch_add(1, Ordering::Relaxed)
    ));
    let file = WorldFile::create(&path, &w).unwrap();
    Session::new(w, Some(file))
}

/// Apply an invitation, append it to the journal and fsync: what the CLI, the SCIM server and
/// the console do for every change.
#[divan::bench(args = [1_000, 100_000], sample_count = 60, sample_size = 1)]
fn durable_change(b: divan::Bencher, users: usize) {
    let mut s = session(users);
    let ctx = owner_ctx(&s.world);
    let mut n = 0;
    b.bench_local(|| {
        n += 1;
        s.apply(&ctx, &invite(n)).unwrap();
    });
}

/// The same bytes (one invitation's journal line) appended and fsynced, with no world at all.
#[divan::bench(sample_count = 60, sample_size = 1)]
fn bare_append_fsync(b: divan::Bencher) {
    let w = tworg::persist::demo_world();
    let line = encode(1, &record_of(&owner_ctx(&w), &invite(1)));
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(true)
        .read(true)
        .write(true)
        .open(DIR.path().join("bare.journal"))
        .unwrap();
    let mut at = 0u64;
    b.bench_local(|| {
        file.write_all_at(line.as_bytes(), at).unwrap();
        at += line.len() as u64;
        file.sync_data().unwrap();
    });
}

/// A SCIM server over a world of `users` with SCIM on.
struct Scim {
    _server: ServerHandle,
    addr: SocketAddr,
    base: String,
    _session: SharedSession,
}

fn scim(users: usize) -> Scim {
    let mut s = session(users);
    let ctx = owner_ctx(&s.world);
    s.apply(
        &ctx,
        &Action::ScimEnable {
            token: TOKEN.into(),
        },
    )
    .unwrap();
    let shared = s.shared();
    let server = server::spawn(
        shared.clone(),
        ctx.org.clone(),
        "127.0.0.1:0".parse().unwrap(),
    )
    .unwrap();
    Scim {
        addr: server.addr(),
        base: format!("/Organizations/{}/scim", ctx.org),
        _server: server,
        _session: shared,
    }
}

fn request(addr: SocketAddr, method: &str, path: &str, body: &str) -> u16 {
    let mut s = TcpStream::connect(addr).unwrap();
    let _ = s.set_nodelay(true);
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nAuthorization: Bearer {TOKEN}\r\nContent-Type: application/scim+json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut out = Vec::new();
    s.read_to_end(&mut out).unwrap();
    String::from_utf8_lossy(&out)
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0)
}

fn user_body(email: &str) -> String {
    format!(
        r#"{{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"{email}","emails":[{{"value":"{email}","type":"work","primary":true}}],"active":true}}"#
    )
}

static CREATED: AtomicUsize = AtomicUsize::new(0);

fn create(s: &Scim) -> u16 {
    let n = CREATED.fetch_add(1, Ordering::Relaxed);
    request(
        s.addr,
        "POST",
        &format!("{}/Users", s.base),
        &user_body(&format!("scim.{n}@org0.generated.example")),
    )
}

/// `POST /Users` over loopback: parse, apply, journal, fsync, answer 201.
#[divan::bench(args = [1_000, 100_000], sample_count = 60, sample_size = 1)]
fn scim_create(b: divan::Bencher, users: usize) {
    let s = scim(users);
    b.bench_local(|| assert_eq!(create(&s), 201));
}

/// `GET /Users/{id}` in a world of 100,000 users: alone, and while 50 clients create users
/// without pause (it must not wait for their saves).
#[divan::bench(args = [0, 50], sample_count = 200, sample_size = 1)]
fn scim_get_during_creates(b: divan::Bencher, creators: usize) {
    let s = Arc::new(scim(100_000));
    let id = {
        let sess = s._session.lock().unwrap();
        sess.world.users.keys().nth(500).unwrap().to_string()
    };
    let stop = Arc::new(AtomicBool::new(false));
    let threads: Vec<_> = (0..creators)
        .map(|_| {
            let (s, stop) = (s.clone(), stop.clone());
            std::thread::spawn(move || {
                // every create must succeed, or the GETs would be measured against no load
                while !stop.load(Ordering::Relaxed) {
                    assert_eq!(create(&s), 201);
                }
            })
        })
        .collect();
    let path = format!("{}/Users/{id}", s.base);
    b.bench_local(|| assert_eq!(request(s.addr, "GET", &path, ""), 200));
    stop.store(true, Ordering::Relaxed);
    for t in threads {
        t.join().unwrap();
    }
}

/// 50 clients creating 1,000 users between them in a world of 100,000: the throughput an
/// identity provider pushing in parallel gets (and what favouring reads costs it).
#[divan::bench(sample_count = 10, sample_size = 1)]
fn scim_1000_creates_by_50_clients(b: divan::Bencher) {
    let s = Arc::new(scim(100_000));
    b.bench_local(|| {
        let left = Arc::new(AtomicUsize::new(1_000));
        let threads: Vec<_> = (0..50)
            .map(|_| {
                let (s, left) = (s.clone(), left.clone());
                std::thread::spawn(move || {
                    while left
                        .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| n.checked_sub(1))
                        .is_ok()
                    {
                        assert_eq!(create(&s), 201);
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
    });
}

static BIG_FILE: LazyLock<std::path::PathBuf> = LazyLock::new(|| {
    let path = DIR.path().join("big.ron");
    drop(WorldFile::create(&path, &world(100_000)).unwrap());
    path
});

/// Loading a world of 100,000 users: read, one parse, migrations, every invariant.
#[divan::bench(sample_count = 40)]
fn load_100k(b: divan::Bencher) {
    let path = &*BIG_FILE;
    b.bench_local(|| load(path).unwrap());
}

/// A typed RON parse of the same file's text, and nothing else (the floor for a load).
#[divan::bench(sample_count = 40)]
fn typed_parse_100k(b: divan::Bencher) {
    let text = std::fs::read_to_string(&*BIG_FILE).unwrap();
    b.bench_local(|| ron::from_str::<World>(&text).unwrap());
}

/// Serializing the same world (what a compaction writes).
#[divan::bench(sample_count = 10)]
fn serialize_100k(b: divan::Bencher) {
    let w = load(&BIG_FILE).unwrap();
    b.bench_local(|| to_ron(&w));
}
