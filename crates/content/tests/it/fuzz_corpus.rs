//! What the `sanitize` fuzz target reached, kept (`fuzz/keep.sh sanitize` writes `fuzz/kept/sanitize.b64`:
//! the minimised inputs up to 400 bytes, one base64 line each) and replayed through the target's checks.

#[path = "../../../../fuzz/kept/replay.rs"]
mod fuzz_replay;

use livebrief_content::testing::find_active_content;
use livebrief_model::BodyFormat;

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
    fuzz_replay::replay("sanitize", 50, check);
}
