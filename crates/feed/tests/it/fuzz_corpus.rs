//! What the feed fuzz targets found, kept (`fuzz/keep.sh` writes `fuzz/kept/{feed,opml,page}.b64`: the
//! minimised inputs up to 400 bytes, one base64 line each) and replayed through the same checks
//! (`livebrief_feed::testing`), so what fuzzing once reached stays checked without a fuzzer in the test
//! command.

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

fn replay(target: &str, check: fn(&[u8])) {
    let inputs = kept(target);
    assert!(inputs.len() >= 100, "{target}: only {} inputs kept", inputs.len());
    for (i, bytes) in inputs.iter().enumerate() {
        let r = std::panic::catch_unwind(|| check(bytes));
        assert!(
            r.is_ok(),
            "{target}: kept input {} (line {}) breaks an invariant",
            i,
            i + 1
        );
    }
}

#[test]
fn the_feed_corpus_holds() {
    replay("feed", livebrief_feed::testing::check_feed);
}

#[test]
fn the_opml_corpus_holds() {
    replay("opml", livebrief_feed::testing::check_opml);
}

#[test]
fn the_page_corpus_holds() {
    replay("page", livebrief_feed::testing::check_page);
}
