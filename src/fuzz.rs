//! The bodies of the fuzz targets (`fuzz/fuzz_targets/*.rs`, run by `scripts/fuzz.sh` with
//! cargo-fuzz), kept in the library so that `cargo test` replays every committed corpus entry
//! and every crash found through the same code (`tests/fuzz_corpus.rs`) without cargo-fuzz.
//!
//! Each takes arbitrary bytes and must not panic, hang or allocate without bound; each also checks
//! what must hold of what it accepted: a world that loads saves and loads again as itself, a
//! refused action leaves the world as it was, an applied one keeps every invariant.

use std::sync::OnceLock;

use serde_json::Value;

use crate::model::{Action, ActionError, World};

/// A target's body: arbitrary bytes in, a panic if something that must hold does not.
pub type Target = fn(&[u8]);

/// The targets by name, as `fuzz/fuzz_targets/NAME.rs` and `fuzz/corpus/NAME/` name them.
pub const TARGETS: [(&str, Target); 6] = [
    ("world_loader", world_loader),
    ("journal_reader", journal_reader),
    ("scim_filter", scim_filter),
    ("scim_patch", scim_patch),
    ("csv_import", csv_import),
    ("apply_script", apply_script),
];

/// The largest input a target reads: a bound on the work one input can ask for.
const MAX_INPUT: usize = 64 * 1024;

fn demo() -> &'static World {
    static DEMO: OnceLock<World> = OnceLock::new();
    DEMO.get_or_init(crate::persist::demo_world)
}

fn text(data: &[u8]) -> Option<&str> {
    if data.len() > MAX_INPUT {
        return None;
    }
    std::str::from_utf8(data).ok()
}

/// Applies `action` to `world`: refused, it changed nothing; applied, every invariant holds.
fn apply_checked(world: &mut World, ctx: &crate::model::Ctx, action: &Action) {
    let before = world.clone();
    match world.apply(ctx, action) {
        Ok(_) => {
            if let Err(v) = world.check_invariants() {
                panic!("{action:?} broke an invariant: {}", v.message);
            }
        }
        Err(e) => {
            assert!(
                *world == before,
                "a refused {action:?} changed the world ({e})"
            );
            if let ActionError::Refused(r) = &e {
                assert!(!r.rule.is_empty() && !r.message.is_empty(), "{r:?}");
            }
        }
    }
}

/// The world loader: bytes as a world file. Whatever loads saves and loads again as itself.
pub fn world_loader(data: &[u8]) {
    let Some(text) = text(data) else {
        return;
    };
    if let Ok(world) = crate::persist::from_ron(text, "fuzz.ron") {
        let saved = crate::persist::to_ron(&world);
        let again = crate::persist::from_ron(&saved, "saved.ron")
            .unwrap_or_else(|e| panic!("a loaded world saved as a file that does not load: {e}"));
        assert!(again == world, "a loaded world changed on a save and load");
    }
}

/// The journal reader: bytes as a journal, replayed on the demo world when they parse.
pub fn journal_reader(data: &[u8]) {
    if data.len() > MAX_INPUT {
        return;
    }
    if let Ok(parsed) = crate::persist::journal::parse(data, "fuzz.journal") {
        let mut world = demo().clone();
        if crate::persist::journal::replay(&mut world, &parsed, 0, "fuzz.journal").is_ok() {
            // a replay applies actions through the model: the invariants hold after it
            if let Err(v) = world.check_invariants() {
                panic!("a replayed journal broke an invariant: {}", v.message);
            }
        }
    }
}

/// The SCIM filter parser: text as a `filter=`; what parses is matched against a user.
pub fn scim_filter(data: &[u8]) {
    let Some(text) = text(data) else {
        return;
    };
    if let Ok(f) = crate::server::filter::parse(text) {
        let w = demo();
        let user = w.users.values().next().expect("the demo has users");
        let resource = crate::server::json::user_resource(w, user, "http://fuzz/scim");
        let _ = f.matches(&resource);
        let _ = f.paths();
    }
}

/// SCIM PATCH: JSON as a PatchOp body, applied to a user's resource, then read as a user.
pub fn scim_patch(data: &[u8]) {
    let Some(text) = text(data) else {
        return;
    };
    let Ok(body) = serde_json::from_str::<Value>(text) else {
        return;
    };
    let w = demo();
    let user = w.users.values().next().expect("the demo has users");
    let mut resource = crate::server::json::user_resource(w, user, "http://fuzz/scim");
    if crate::server::patch::apply(&mut resource, &body).is_ok() {
        let _ = crate::server::json::parse_user(&resource);
    }
}

/// The bulk import: text as a CSV, imported into the demo's home organization by its Owner.
pub fn csv_import(data: &[u8]) {
    let Some(text) = text(data) else {
        return;
    };
    let _ = crate::model::users::parse_import_csv(text);
    let mut world = demo().clone();
    let Ok(ctx) = crate::target::resolve_ctx(&world, None, None) else {
        return;
    };
    apply_checked(
        &mut world,
        &ctx,
        &Action::Set(crate::model::action::Setting::BulkImport(true)),
    );
    apply_checked(
        &mut world,
        &ctx,
        &Action::ImportUsers {
            csv: text.to_string(),
        },
    );
}

/// `tworg apply` scripts: text as a script, each line applied to the demo world in order.
pub fn apply_script(data: &[u8]) {
    let Some(text) = text(data) else {
        return;
    };
    let Ok(lines) = crate::cli::script::parse_script(text) else {
        return;
    };
    let mut world = demo().clone();
    for line in lines.iter().take(64) {
        let Ok(ctx) =
            crate::target::resolve_ctx(&world, line.org.as_deref(), line.as_user.as_deref())
        else {
            continue;
        };
        apply_checked(&mut world, &ctx, &line.action);
    }
}
