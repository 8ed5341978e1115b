//! What the `read` and `topics` fuzz targets reached, kept (`fuzz/keep.sh read topics` writes
//! `fuzz/kept/{read,topics}.b64`: the minimised inputs up to 400 bytes, one base64 line each) and replayed
//! through the targets' checks.

#[path = "../../../../fuzz/kept/replay.rs"]
mod fuzz_replay;

/// The checks of `fuzz/fuzz_targets/read.rs`: every span inside the text and in order, no quote covering a
/// whole long text.
fn check_read(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let n = text.chars().count();
    let r = livebrief_nlp::read(
        &text,
        jiff::civil::Date::constant(2025, 3, 13),
        &livebrief_nlp::default_topics(),
    );
    for q in &r.quotes {
        for &(a, b) in &q.spans {
            assert!(a <= b && b <= n, "quote span {a}..{b} outside 0..{n}");
        }
        for w in q.spans.windows(2) {
            assert!(
                w[0].1 < w[1].0,
                "quote pieces overlap or are out of order: {:?}",
                q.spans
            );
        }
        if let Some(s) = &q.speaker {
            assert!(s.span.0 <= s.span.1 && s.span.1 <= n);
        }
        let covered: usize = q.spans.iter().map(|(a, b)| b - a).sum();
        assert!(n < 200 || covered < n, "a quote covers the whole text");
    }
    for &(a, b) in &r.sentences {
        assert!(a <= b && b <= n);
    }
}

/// The checks of `fuzz/fuzz_targets/topics.rs`: a list parses and prints back, or is refused with a line
/// number inside the text.
fn check_topics(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    match livebrief_nlp::parse_topics(&text) {
        Ok(list) => {
            assert!(!list.is_empty() && list.len() <= livebrief_nlp::MAX_TOPICS);
            let again = livebrief_nlp::parse_topics(&livebrief_nlp::format_topics(&list)).expect("prints back");
            assert_eq!(again.len(), list.len());
            let _ = livebrief_nlp::classify(&text, &list, 0.0);
        }
        Err(e) => assert!(e.line <= text.lines().count()),
    }
}

#[test]
fn the_read_corpus_holds() {
    fuzz_replay::replay("read", 50, check_read);
}

#[test]
fn the_topics_corpus_holds() {
    fuzz_replay::replay("topics", 50, check_topics);
}
