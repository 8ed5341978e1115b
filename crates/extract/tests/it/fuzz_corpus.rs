//! What the `extract` fuzz target reached, kept (`fuzz/keep.sh extract` writes `fuzz/kept/extract.b64`: the
//! minimised inputs up to 400 bytes, one base64 line each) and replayed through the target's checks, so
//! what fuzzing once reached stays checked without a fuzzer in the test command.

use livebrief_extract::{Options, extract};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

fn kept(target: &str) -> Vec<Vec<u8>> {
    let path = format!("{}/../../fuzz/kept/{target}.b64", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    text.lines()
        .enumerate()
        .map(|(i, l)| STANDARD.decode(l).unwrap_or_else(|e| panic!("{path}:{}: {e}", i + 1)))
        .collect()
}

fn replay(target: &str, least: usize, check: fn(&[u8])) {
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

/// The checks of `fuzz/fuzz_targets/extract.rs`: a first line under 200 bytes is the URL; the extractor
/// returns, and its text is bounded by its input.
fn check(data: &[u8]) {
    let (url, html) = match data.iter().position(|&b| b == b'\n') {
        Some(i) if i < 200 => (std::str::from_utf8(&data[..i]).ok(), &data[i + 1..]),
        _ => (None, data),
    };
    let x = extract(
        html,
        &Options {
            url,
            http_charset: None,
        },
    );
    let text = x.document.text();
    assert!(
        text.len() <= html.len() * 4 + 16,
        "output {} for input {}",
        text.len(),
        html.len()
    );
}

#[test]
fn the_extract_corpus_holds() {
    replay("extract", 50, check);
}
