//! Micro-benchmarks: a near-duplicate signature, one `assign` against a grouper that holds 5,000 reports, and the
//! maintenance after an insert (`split_of`, `merge_of`, `strays_of`).
//! `cargo bench -p livebrief-cluster`

use jiff::civil::date;
use livebrief_cluster::{Config, Doc, Grouper, MinHasher};

fn main() {
    divan::main();
}

/// A made-up report of `n` words from a Zipf-like vocabulary of 5,000 pseudo-words (deterministic).
fn text(seed: u64, n: usize) -> String {
    let mut x = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    let mut out = String::new();
    for _ in 0..n {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        // rank ~ 5000^u: small ranks much more often than large ones
        let u = (x >> 11) as f64 / (1u64 << 53) as f64;
        let rank = 5000f64.powf(u) as u64;
        out.push_str(&format!("w{rank} "));
    }
    out
}

fn doc(seed: u64) -> Doc {
    Doc {
        title: text(seed ^ 1, 10),
        text: text(seed, 300),
        published: Some(date(2025, 3, 1 + (seed % 28) as i8)),
        language: "en".into(),
        places: vec![format!("Town {}", seed % 40)],
        people: vec![format!("Person {}", seed % 300)],
        ..Doc::default()
    }
}

#[divan::bench]
fn signature_300_words(b: divan::Bencher) {
    let t = text(7, 300);
    let h = MinHasher {
        shingle: 4,
        num_perm: 64,
    };
    b.bench(|| h.signature(divan::black_box(&t)));
}

#[divan::bench]
fn assign_among_5000(b: divan::Bencher) {
    let mut g = Grouper::new(Config::default());
    for i in 0..5000u64 {
        g.insert(i, &doc(i), i / 4);
    }
    let d = doc(99_999);
    b.bench(|| g.assign(divan::black_box(&d)));
}

#[divan::bench(sample_count = 20, sample_size = 10)]
fn insert_into_5000(b: divan::Bencher) {
    let mut g = Grouper::new(Config::default());
    for i in 0..5000u64 {
        g.insert(i, &doc(i), i / 4);
    }
    let docs: Vec<Doc> = (0..200).map(|i| doc(50_000 + i)).collect();
    let mut i = 0usize;
    b.bench_local(|| {
        i += 1;
        g.insert(10_000 + i as u64, divan::black_box(&docs[i % docs.len()]), 7);
    });
}

/// The maintenance after an insert: whether a group of 64 reports (the most `split_of` looks at) holds two events,
/// among 5,000 reports.
#[divan::bench]
fn split_of_64_among_5000(b: divan::Bencher) {
    let mut g = Grouper::new(Config::default());
    for i in 0..5000u64 {
        g.insert(i, &doc(i), if i < 64 { 7_000 } else { i / 4 });
    }
    b.bench(|| g.split_of(divan::black_box(7_000)));
}

/// Whether a group of four describes the same event as another, among 5,000 reports that all share vocabulary.
#[divan::bench]
fn merge_of_among_5000(b: divan::Bencher) {
    let mut g = Grouper::new(Config::default());
    for i in 0..5000u64 {
        g.insert(i, &doc(i), i / 4);
    }
    b.bench(|| g.merge_of(divan::black_box(17)));
}

/// The costliest merge check: a group of 64 reports (the most `merge_of` looks at) measured against its nearest groups,
/// one of them also of 64, among 5,000 reports that all share vocabulary.
#[divan::bench]
fn merge_of_64_among_5000(b: divan::Bencher) {
    let mut g = Grouper::new(Config::default());
    for i in 0..5000u64 {
        let group = match i {
            0..64 => 7_000,
            64..128 => 7_001,
            _ => i / 4,
        };
        g.insert(i, &doc(i), group);
    }
    b.bench(|| g.merge_of(divan::black_box(7_000)));
}

/// Whether lone reports now belong to a group of four, among 5,000 reports of which 1,000 stand alone.
#[divan::bench]
fn strays_of_among_5000(b: divan::Bencher) {
    let mut g = Grouper::new(Config::default());
    for i in 0..5000u64 {
        g.insert(i, &doc(i), if i < 1000 { 100_000 + i } else { i / 4 });
    }
    b.bench(|| g.strays_of(divan::black_box(1_000 / 4 + 17)));
}
