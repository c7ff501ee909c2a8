//! The embedded demo world: built by the model, committed as `assets/demo.ron`, valid.

use tworg::model::demo::build_demo_world;
use tworg::persist::{DEMO_RON, demo_world, to_ron};

/// `assets/demo.ron` is exactly what `build_demo_world` produces. Set `TWORG_UPDATE_DEMO=1` to
/// rewrite it after changing the builder.
#[test]
fn demo_asset_matches_builder() {
    let built = to_ron(&build_demo_world());
    if std::env::var_os("TWORG_UPDATE_DEMO").is_some() {
        std::fs::write(
            concat!(env!("CARGO_MANIFEST_DIR"), "/assets/demo.ron"),
            &built,
        )
        .unwrap();
        return;
    }
    assert!(
        built == DEMO_RON,
        "assets/demo.ron is stale: run TWORG_UPDATE_DEMO=1 cargo test --test demo_world"
    );
}

#[test]
fn demo_world_passes_every_invariant() {
    let w = demo_world();
    assert!(w.check_invariants().is_ok());
    assert_eq!(w.orgs.len(), 3);
    assert!(w.home_org.is_some());
}

/// The README's rule table is the code's rule table.
#[test]
fn readme_lists_every_rule_as_the_code_states_it() {
    let readme = include_str!("../README.md");
    for r in tworg::model::rules::ALL {
        let row = format!("| {} | {} |", r.id, r.statement);
        assert!(
            readme.contains(&row),
            "README is missing or has a stale row for {}",
            r.id
        );
    }
}
