//! Crash safety: a writer process saving repeatedly is killed with SIGKILL at random moments;
//! after every kill the file is a complete world (the one before or after a save).

use std::process::{Command, Stdio};
use std::time::Duration;

use tworg::persist::{WorldFile, demo_world, load};

#[test]
fn a_writer_killed_at_random_moments_always_leaves_a_complete_world() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("w.ron");
    drop(WorldFile::create(&path, &demo_world()).unwrap());
    let mut seed: u64 = 0x5eed;
    let mut clocks = Vec::new();
    for _ in 0..25 {
        let mut child = Command::new(env!("CARGO_BIN_EXE_tworg"))
            .args([
                "--file",
                path.to_str().unwrap(),
                "save-loop",
                "--times",
                "100000",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        seed = tworg::model::sid::splitmix64(seed);
        std::thread::sleep(Duration::from_millis(20 + seed % 120));
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        let world = load(&path).unwrap_or_else(|e| panic!("after a kill the file must load: {e}"));
        assert!(world.check_invariants().is_ok());
        clocks.push(world.clock);
    }
    assert!(
        clocks.windows(2).all(|w| w[0] <= w[1]),
        "each run continued from the last saved world"
    );
    assert!(
        clocks.last() > clocks.first(),
        "the writer made progress between kills"
    );
}
