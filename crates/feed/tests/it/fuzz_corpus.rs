//! What the feed fuzz targets found, kept (`fuzz/keep.sh` writes `fuzz/kept/{feed,opml,page}.b64`: the
//! minimised inputs up to 400 bytes, one base64 line each) and replayed through the same checks
//! (`livebrief_feed::testing`), so what fuzzing once reached stays checked without a fuzzer in the test
//! command.

#[path = "../../../../fuzz/kept/replay.rs"]
mod fuzz_replay;

#[test]
fn the_feed_corpus_holds() {
    fuzz_replay::replay("feed", 100, livebrief_feed::testing::check_feed);
}

#[test]
fn the_opml_corpus_holds() {
    fuzz_replay::replay("opml", 100, livebrief_feed::testing::check_opml);
}

#[test]
fn the_page_corpus_holds() {
    fuzz_replay::replay("page", 100, livebrief_feed::testing::check_page);
}
