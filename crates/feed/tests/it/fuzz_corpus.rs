//! The corpus the feed fuzz targets kept (`fuzz/corpus/{feed,opml,page}`, minimised, committed) replayed
//! through the same checks (`livebrief_feed::testing`), so what fuzzing once found stays found without a
//! fuzzer in the test command.

use std::path::PathBuf;

fn corpus(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/corpus").join(target);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("entry").path())
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let bytes = std::fs::read(&p).expect("read");
            (p, bytes)
        })
        .collect()
}

fn replay(target: &str, check: fn(&[u8])) {
    let inputs = corpus(target);
    assert!(inputs.len() >= 20, "{target}: only {} inputs kept", inputs.len());
    for (path, bytes) in &inputs {
        let r = std::panic::catch_unwind(|| check(bytes));
        assert!(r.is_ok(), "{target}: {} breaks an invariant", path.display());
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
