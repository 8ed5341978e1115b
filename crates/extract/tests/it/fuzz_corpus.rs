//! What the `extract` fuzz target reached, kept (`fuzz/keep.sh extract` writes `fuzz/kept/extract.b64`: the
//! minimised inputs up to 400 bytes, one base64 line each) and replayed through the target's checks, so
//! what fuzzing once reached stays checked without a fuzzer in the test command.

#[path = "../../../../fuzz/kept/replay.rs"]
mod fuzz_replay;

use livebrief_extract::{Options, extract};

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
    fuzz_replay::replay("extract", 50, check);
}
