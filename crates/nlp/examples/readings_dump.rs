//! Regression check for changes that must not alter any reading: prints the quote-attribution figures of
//! `livebrief eval-quotes` on a PolNeAR-style set, and writes every reading (as `livebrief read --json`
//! prints it) of the given JSON-lines sets and text files to a dump file, to compare with `cmp` before and
//! after a change.
//!
//! `cargo run --release -p livebrief-nlp --example readings_dump -- OUT QUOTES.jsonl [MORE.jsonl | TEXT.txt …]`

use livebrief_nlp::eval::{Gold, Predicted, Tally};
use serde_json::Value;
use std::io::Write;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (out_path, inputs) = args.split_first().expect("OUT and at least one input");
    let mut out = std::io::BufWriter::new(std::fs::File::create(out_path).expect("create OUT"));
    let topics = livebrief_nlp::default_topics();
    let mut read_time = std::time::Duration::ZERO;
    for (fi, path) in inputs.iter().enumerate() {
        let data = std::fs::read_to_string(path).expect("read input");
        let records: Vec<Value> = if path.ends_with(".jsonl") {
            data.lines()
                .filter(|l| !l.trim().is_empty())
                .map(|l| serde_json::from_str(l).expect("JSON line"))
                .collect()
        } else {
            vec![serde_json::json!({ "text": data, "published": "2025-03-13" })]
        };
        let mut tally = Tally::default();
        for rec in &records {
            let body = rec["text"].as_str().unwrap_or_default();
            let published_s = rec["published"].as_str().unwrap_or("2016-01-01");
            let published: jiff::civil::Date = published_s.parse().unwrap_or(jiff::civil::Date::constant(2016, 1, 1));
            let t = std::time::Instant::now();
            let r = livebrief_nlp::read(body, published, &topics);
            read_time += t.elapsed();
            writeln!(out, "{}", livebrief_nlp::reading_json_text(&r, published_s, body)).unwrap();
            if fi == 0 {
                let gold = Gold::of_record(rec);
                let preds = Predicted::of_reading(&r);
                tally.add_article(&gold, &preds);
            }
        }
        if fi == 0 {
            let r = tally.report();
            println!(
                "{path}: {} articles; quote P {:.3} R {:.3} F1 {:.3}; speaker accuracy {:.3}; attribution F1 {:.3}; \
                 direct+mixed recall {:.3}; indirect recall {:.3}",
                records.len(),
                r.precision,
                r.recall,
                r.f1,
                r.speaker_accuracy,
                r.attribution_f1,
                r.direct_recall,
                r.indirect_recall
            );
        } else {
            println!("{path}: {} readings", records.len());
        }
    }
    eprintln!("read time {:.3} s", read_time.as_secs_f64());
}
