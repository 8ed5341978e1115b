//! Replays a kept fuzz corpus through its target's checks, so that what fuzzing once reached stays checked
//! without a fuzzer in the test command. `fuzz/keep.sh TARGET` writes `fuzz/kept/TARGET.b64` (the minimised
//! inputs, one base64 line each). Each crate's integration-test binary includes this file with
//! `#[path = "../../../../fuzz/kept/replay.rs"] mod fuzz_replay;` (the crates' tests share no crate).

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

/// The kept inputs of `target`, read from the workspace's `fuzz/kept/` (`CARGO_MANIFEST_DIR` is the including
/// crate's: this file is compiled as a module of its tests).
fn kept(target: &str) -> Vec<Vec<u8>> {
    let path = format!("{}/../../fuzz/kept/{target}.b64", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    text.lines()
        .enumerate()
        .map(|(i, l)| STANDARD.decode(l).unwrap_or_else(|e| panic!("{path}:{}: {e}", i + 1)))
        .collect()
}

/// Runs `check` on every kept input of `target` (at least `least` of them must be kept); a panic in it
/// fails the test, naming the input's line.
pub fn replay(target: &str, least: usize, check: fn(&[u8])) {
    let inputs = kept(target);
    assert!(inputs.len() >= least, "{target}: only {} inputs kept", inputs.len());
    for (i, bytes) in inputs.iter().enumerate() {
        let r = std::panic::catch_unwind(|| check(bytes));
        assert!(
            r.is_ok(),
            "{target}: kept input {i} (line {}) breaks an invariant",
            i + 1
        );
    }
}
