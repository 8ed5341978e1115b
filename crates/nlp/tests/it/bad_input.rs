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
