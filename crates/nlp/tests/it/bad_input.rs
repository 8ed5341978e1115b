//! Never panics or hangs; unbalanced quotation marks give fewer findings, never the whole text as one quote.

use livebrief_nlp::{default_topics, read};

fn run(text: &str) -> livebrief_nlp::Reading {
    read(text, jiff::civil::Date::constant(2025, 3, 13), &default_topics())
}

#[test]
fn unbalanced_marks_never_swallow_the_article() {
    let mut text = String::from("He said \"this opens and never closes. ");
    for i in 0..500 {
        text.push_str(&format!("Sentence {i} goes on with more words, said someone. "));
    }
    let r = run(&text);
    let total = text.chars().count();
    assert!(
        r.quotes
            .iter()
            .all(|q| q.spans.iter().map(|(a, b)| b - a).sum::<usize>() < total / 4),
        "a quote swallowed the text"
    );
}

#[test]
fn odd_texts_finish() {
    let no_punct = "word ".repeat(200_000); // 1 MB without punctuation
    let t = std::time::Instant::now();
    run(&no_punct);
    eprintln!("1 MB without punctuation: {:?}", t.elapsed());
    run("");
    run("\"\"\"“”«»„‘’'''");
    run("Київ said «це» \"mixed\" scripts 北京 said 東京 “quote”");
    run("\u{0}\u{1}control\u{7f} chars said \u{200b}\"x\u{0}\"");
    let many: String = (0..10_000)
        .map(|i| format!("Official {i} said the number was {i}. "))
        .collect();
    let t = std::time::Instant::now();
    let r = run(&many);
    assert!(r.sentences.len() >= 10_000);
    eprintln!("10,000 sentences: {:?}, {} quotes", t.elapsed(), r.quotes.len());
}

/// Found by the fuzzer: a mixed quote's lead took in earlier quotation marks, which the continuation pass then
/// appended again, so its pieces overlapped. Pieces are in order and apart, always.
#[test]
fn quote_pieces_are_ordered_and_apart() {
    let bytes = include_bytes!("../fuzz-regression-overlapping-spans.bin");
    let text = String::from_utf8_lossy(bytes);
    let n = text.chars().count();
    for q in &run(&text).quotes {
        for w in q.spans.windows(2) {
            assert!(w[0].1 < w[1].0, "pieces overlap or touch out of order: {:?}", q.spans);
        }
        let covered: usize = q.spans.iter().map(|(a, b)| b - a).sum();
        assert!(covered < n, "a quote covers the whole text");
    }
}
