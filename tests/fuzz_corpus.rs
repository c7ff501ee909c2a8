//! Replays every committed fuzz input — the corpus `scripts/fuzz.sh` grew and every crash it
//! found (`fuzz/artifacts/`) — through the fuzz targets' bodies (`tworg::fuzz`), so `cargo test`
//! keeps each one fixed without cargo-fuzz.

use std::fs;
use std::path::Path;

#[test]
fn every_committed_fuzz_input_replays_without_a_panic() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let mut replayed = 0;
    for (name, target) in tworg::fuzz::TARGETS {
        let mut inputs = 0;
        for dir in ["corpus", "artifacts"] {
            let Ok(entries) = fs::read_dir(root.join(dir).join(name)) else {
                continue;
            };
            let mut files: Vec<_> = entries.map(|e| e.unwrap().path()).collect();
            files.sort();
            for file in files {
                let data = fs::read(&file).unwrap();
                let run = std::panic::catch_unwind(|| target(&data));
                assert!(run.is_ok(), "{} panicked again", file.display());
                inputs += 1;
            }
        }
        assert!(inputs > 0, "no committed input for the fuzz target {name}");
        replayed += inputs;
    }
    assert!(replayed >= tworg::fuzz::TARGETS.len());
}
