//! Reading throughput: the full reading (sentences, quotes and speakers, entities, dates, topics) of a
//! 1,000-word article, built from the project's own golden snippets. Target: < 5 ms on one core.
//! Run: cargo bench -p livebrief-nlp

use livebrief_nlp::{default_topics, read};

fn main() {
    divan::main();
}

/// About 1,000 words of synthetic news text (the golden snippets, in order, as paragraphs).
fn article() -> String {
    let src = include_str!("../tests/golden/quotes.txt");
    let mut out = String::new();
    let mut words = 0;
    'outer: loop {
        for block in src.split("\n## ").skip(1) {
            for line in block.lines().skip(1).filter(|l| !l.starts_with(">>")) {
                if line.trim().is_empty() {
                    continue;
                }
                out.push_str(line.trim());
                out.push_str("\n\n");
                words += line.split_whitespace().count();
                if words >= 1000 {
                    break 'outer;
                }
            }
        }
    }
    out
}

#[divan::bench]
fn read_1000_words(bencher: divan::Bencher) {
    let text = article();
    let topics = default_topics();
    let date = jiff::civil::Date::constant(2025, 3, 13);
    // The gazetteer loads once per process (measured in crates/geo's bench); keep it out of this one.
    read("Kyiv", date, &topics);
    bencher
        .counter(divan::counter::ItemsCount::new(1usize))
        .bench(|| read(divan::black_box(&text), date, &topics));
}

/// About 1,000 words of Ukrainian or Russian news text: the golden cases (tests/golden/quotes-uk.txt,
/// quotes-ru.txt) without their markup, as paragraphs.
fn cyrillic_article(src: &str) -> String {
    let mut out = String::new();
    let mut words = 0;
    'outer: loop {
        for line in src.lines().filter(|l| !l.starts_with('#')) {
            let Some((_, marked)) = line.split_once(" :: ") else {
                continue;
            };
            let mut plain = String::new();
            let mut rest = marked;
            while let Some(c) = rest.chars().next() {
                rest = &rest[c.len_utf8()..];
                match c {
                    '⟦' => {
                        // "⟦K:" or "⟦+"
                        let skip = rest.find([':', '+']).map_or(0, |i| i + 1);
                        rest = &rest[skip..];
                    }
                    '⟧' | '{' | '}' | '<' => {}
                    '=' | '>' => {
                        if c == '=' {
                            rest = &rest[rest.find('>').map_or(0, |i| i + 1)..];
                        }
                    }
                    '⏎' => plain.push_str("\n\n"),
                    c => plain.push(c),
                }
            }
            out.push_str(plain.trim());
            out.push_str("\n\n");
            words += plain.split_whitespace().count();
            if words >= 1000 {
                break 'outer;
            }
        }
    }
    out
}

fn bench_text(bencher: divan::Bencher, text: &str) {
    let topics = default_topics();
    let date = jiff::civil::Date::constant(2025, 3, 13);
    read("Київ", date, &topics);
    bencher
        .counter(divan::counter::ItemsCount::new(1usize))
        .bench(|| read(divan::black_box(text), date, &topics));
}

#[divan::bench]
fn read_1000_words_uk(bencher: divan::Bencher) {
    bench_text(
        bencher,
        &cyrillic_article(include_str!("../tests/golden/quotes-uk.txt")),
    );
}

#[divan::bench]
fn read_1000_words_ru(bencher: divan::Bencher) {
    bench_text(
        bencher,
        &cyrillic_article(include_str!("../tests/golden/quotes-ru.txt")),
    );
}
