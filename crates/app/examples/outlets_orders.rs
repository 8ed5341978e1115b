//! The synthetic newsroom's 22 articles (`livebrief_outlets::Corpus::standard()`), read and grouped as the server
//! groups them, in many random orders: how often the corpus's hard cases break, and B-cubed against its events.
//! The acceptance test (`tests/it/ingest.rs`) sees the orders its four job workers happen to produce; this sees all.
//!
//! ```text
//! cargo run -p livebrief-app --release --example outlets_orders -- [ORDERS (300)] [--threshold 0.3 ...]
//! ```

use std::collections::{BTreeMap, BTreeSet};

use livebrief_app::pipeline::{ReportBody, ReportInput, understand};
use livebrief_outlets::{Corpus, HardCase};

fn main() -> Result<(), String> {
    let mut args = std::env::args().skip(1);
    let orders: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(300);
    let mut config = livebrief_app::grouping::config();
    while let Some(flag) = args.next() {
        let value = args.next().ok_or_else(|| format!("{flag} needs a value"))?;
        config.set(&flag, &value)?;
    }
    let corpus = Corpus::standard();
    let topics = livebrief_nlp::default_topics();
    let docs: Vec<livebrief_cluster::Doc> = corpus
        .articles
        .iter()
        .map(|a| {
            let day = a.published.to_zoned(jiff::tz::TimeZone::UTC).date();
            let u = understand(
                ReportInput {
                    url: None,
                    title: a.title.clone(),
                    source: a.outlet.clone(),
                    published: Some(day),
                    body: ReportBody::Text(a.text()),
                },
                day,
                &topics,
            );
            livebrief_cluster::Doc::from_reading(&u.title, &u.text, Some(day), Some(&a.outlet), &u.reading)
        })
        .collect();
    let ids: Vec<String> = corpus.articles.iter().map(|a| a.id()).collect();
    let events: Vec<&str> = corpus.articles.iter().map(|a| a.event.as_str()).collect();
    let mut broken: BTreeMap<String, u64> = BTreeMap::new();
    let (mut failing, mut f1_sum, mut f1_min) = (0u64, 0.0f64, 1.0f64);
    for seed in 0..orders {
        // A seeded Fisher-Yates shuffle (xorshift64*), the same orders on every machine.
        let mut order: Vec<usize> = (0..docs.len()).collect();
        let mut x = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
        for i in (1..order.len()).rev() {
            x ^= x >> 12;
            x ^= x << 25;
            x ^= x >> 27;
            let j = (x.wrapping_mul(0x2545_f491_4f6c_dd1d) % (i as u64 + 1)) as usize;
            order.swap(i, j);
        }
        let shuffled: Vec<livebrief_cluster::Doc> = order.iter().map(|&i| docs[i].clone()).collect();
        let groups = livebrief_cluster::group_all(&shuffled, &config);
        let mut dev: BTreeMap<&str, u64> = BTreeMap::new();
        for (k, &i) in order.iter().enumerate() {
            dev.insert(ids[i].as_str(), groups[k]);
        }
        let of_event = |e: &str| -> BTreeSet<u64> {
            ids.iter()
                .zip(&events)
                .filter(|(_, ev)| **ev == e)
                .map(|(id, _)| dev[id.as_str()])
                .collect()
        };
        let mut bad = Vec::new();
        for case in &corpus.hard_cases {
            match case {
                HardCase::Reworded { articles, .. } => {
                    if articles.iter().map(|a| dev[a.as_str()]).collect::<BTreeSet<_>>().len() != 1 {
                        bad.push("reworded statement split".to_string());
                    }
                }
                HardCase::NearDuplicate { original, copy } => {
                    if dev[original.as_str()] != dev[copy.as_str()] {
                        bad.push("copy apart from its original".to_string());
                    }
                }
                HardCase::SameCityTwoStrikes { events: [a, b], .. }
                | HardCase::SameSpeakerTwoSubjects { events: [a, b], .. } => {
                    if !of_event(a).is_disjoint(&of_event(b)) {
                        bad.push(format!("{a} merged with {b}"));
                    }
                }
                HardCase::OtherLanguage { .. } => {}
            }
        }
        if !bad.is_empty() {
            failing += 1;
            if std::env::var("OUTLETS_ORDERS_SHOW").is_ok() {
                println!("order {seed}: {bad:?}");
                for (k, &i) in order.iter().enumerate() {
                    println!("  {:>2} {:<70} -> {}", k, ids[i], groups[k]);
                }
            }
        }
        for b in bad {
            *broken.entry(b).or_default() += 1;
        }
        // B-cubed against the corpus's events.
        let (mut p, mut r) = (0.0, 0.0);
        for (i, id) in ids.iter().enumerate() {
            let g = dev[id.as_str()];
            let same_g: Vec<usize> = (0..ids.len()).filter(|&j| dev[ids[j].as_str()] == g).collect();
            let both = same_g.iter().filter(|&&j| events[j] == events[i]).count() as f64;
            p += both / same_g.len() as f64;
            r += both / events.iter().filter(|e| **e == events[i]).count() as f64;
        }
        let (p, r) = (p / ids.len() as f64, r / ids.len() as f64);
        let f1 = 2.0 * p * r / (p + r);
        f1_sum += f1;
        f1_min = f1_min.min(f1);
    }
    println!(
        "{orders} orders: {failing} break a hard case; B-cubed F1 mean {:.3}, worst {f1_min:.3}",
        f1_sum / orders as f64
    );
    for (what, n) in broken {
        println!("  {what}: {n}");
    }
    Ok(())
}
