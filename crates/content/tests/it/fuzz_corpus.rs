//! What the `sanitize` fuzz target reached, kept (`fuzz/keep.sh sanitize` writes `fuzz/kept/sanitize.b64`:
//! the minimised inputs up to 400 bytes, one base64 line each) and replayed through the target's checks.

use livebrief_content::testing::find_active_content;
use livebrief_model::BodyFormat;

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

/// The checks of `fuzz/fuzz_targets/sanitize.rs`: in both formats the rendering has no active content and
/// sanitising it again changes nothing.
fn check(data: &[u8]) {
    let Ok(s) = std::str::from_utf8(data) else { return };
    for format in [BodyFormat::Html, BodyFormat::Markdown] {
        let body = livebrief_content::render(format, s);
        if let Some(found) = find_active_content(&body.html) {
            panic!("active content survived: {found}");
        }
        assert_eq!(
            livebrief_content::sanitize(&body.html),
            body.html,
            "sanitising is idempotent"
        );
    }
}

#[test]
fn the_sanitize_corpus_holds() {
    replay("sanitize", 50, check);
}
