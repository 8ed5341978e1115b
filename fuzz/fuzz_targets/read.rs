//! Any text: the reading returns, never panics, and every span lies inside the text, in order; with
//! `-timeout=2` (`fuzz/run.sh read 300 -max_len=65536 -timeout=2`) no input of up to 64 KB takes long (issue 11).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(
    init: {
        // The first reading loads the embedded gazetteer, which is no part of any input's time (the slow-input
        // check, `-timeout=2`, would take it for a hang).
        livebrief_nlp::read("Kyiv", jiff::civil::Date::constant(2025, 3, 13), &livebrief_nlp::default_topics());
    },
    |data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let n = text.chars().count();
    let r = livebrief_nlp::read(&text, jiff::civil::Date::constant(2025, 3, 13), &livebrief_nlp::default_topics());
    for q in &r.quotes {
        for &(a, b) in &q.spans {
            assert!(a <= b && b <= n, "quote span {a}..{b} outside 0..{n}");
        }
        for w in q.spans.windows(2) {
            assert!(w[0].1 < w[1].0, "quote pieces overlap or are out of order: {:?}", q.spans);
        }
        if let Some(s) = &q.speaker {
            assert!(s.span.0 <= s.span.1 && s.span.1 <= n);
        }
        // Unbalanced marks never make the whole text one quote.
        let covered: usize = q.spans.iter().map(|(a, b)| b - a).sum();
        assert!(n < 200 || covered < n, "a quote covers the whole text");
    }
    for &(a, b) in &r.sentences {
        assert!(a <= b && b <= n);
    }
});
