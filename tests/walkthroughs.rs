//! Every walkthrough is a test: each step's screen is an insta snapshot (the same headless
//! drawing as `tworg render` and `tworg demo --headless`), and each step's screen and model
//! checks must hold, so a demo can never drift from the product.

use tworg::walkthrough::{self, runner::run_headless};

fn check(name: &str) {
    let w = walkthrough::find(name).expect("shipped walkthrough");
    let results = run_headless(&w, 100, 30).expect("the walkthrough plays");
    assert_eq!(results.len(), w.steps.len());
    for (i, (step, r)) in w.steps.iter().zip(&results).enumerate() {
        assert!(
            r.failures.is_empty(),
            "{name} step {}: {:?}\n{}",
            i + 1,
            r.failures,
            r.screen
        );
        assert!(
            !step.screen.is_empty() || !step.facts.is_empty(),
            "{name} step {} checks nothing",
            i + 1
        );
        insta::assert_snapshot!(format!("{name}_{:02}", i + 1), r.screen, &step.caption);
    }
}

#[test]
fn walkthrough_tour() {
    check("tour");
}

#[test]
fn walkthrough_domains() {
    check("domains");
}

#[test]
fn walkthrough_import() {
    check("import");
}

#[test]
fn walkthrough_merge() {
    check("merge");
}

#[test]
fn walkthrough_hipaa() {
    check("hipaa");
}

#[test]
fn walkthrough_roles() {
    check("roles");
}

#[test]
fn walkthrough_sso() {
    check("sso");
}

#[test]
fn walkthrough_signup() {
    check("signup");
}

#[test]
fn walkthrough_offboarding() {
    check("offboarding");
}

/// Each walkthrough but the tour shows a refusal, with its rule, before the allowed path.
#[test]
fn every_walkthrough_shows_a_refusal_before_the_allowed_path() {
    for w in walkthrough::all() {
        if w.name == "tour" {
            continue;
        }
        let first_refusal = w
            .steps
            .iter()
            .position(|s| s.screen.iter().any(|t| t.starts_with("refused [")));
        assert!(first_refusal.is_some(), "{} shows no refusal", w.name);
        assert!(
            first_refusal < Some(w.steps.len() - 1),
            "{}: the refusal comes before the allowed path",
            w.name
        );
    }
}
