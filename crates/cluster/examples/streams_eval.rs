//! The synthetic multi-outlet streams of the tests (`tests/it/fixtures.rs`), grouped with the given settings: B-cubed
//! F1 over ten shuffles, after 150 background events (as `streams::a_mixed_stream_with_wire_copies_groups_by_event`)
//! and without them (a cold start).
//!
//! ```text
//! cargo run -p livebrief-cluster --release --example streams_eval -- [--threshold 0.2] [--prior 100] ...
//! ```
//! Takes the flags of `group_eval`.

#[allow(dead_code)]
#[path = "../tests/it/fixtures.rs"]
mod fixtures;

use livebrief_cluster::{Config, group_all};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut config = Config::default();
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let value = args.next().ok_or_else(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--threshold" => config.threshold = value.parse()?,
            "--text-weight" => config.text_weight = value.parse()?,
            "--entity-weight" => config.entity_weight = value.parse()?,
            "--number-weight" => config.number_weight = value.parse()?,
            "--date-weight" => config.date_weight = value.parse()?,
            "--date-conflict" => config.date_conflict = value.parse()?,
            "--window" => config.window_days = value.parse()?,
            "--stem" => config.stem = value.parse()?,
            "--near" => config.near_duplicate = value.parse()?,
            "--doc-terms" => config.doc_terms = value.parse()?,
            "--prior" => config.prior_weight = value.parse()?,
            "--cold-start" => config.cold_start = value.parse()?,
            "--cold-start-reports" => config.cold_start_reports = value.parse()?,
            "--split" => config.split_ratio = value.parse()?,
            "--merge" => config.merge_threshold = value.parse()?,
            _ => return Err(format!("unknown option {flag}").into()),
        }
    }
    for background in [150, 0] {
        let (mut sum, mut worst) = (0.0f64, 1.0f64);
        for seed in 1..=10u64 {
            let stream = fixtures::stream(5, seed);
            let mut all = fixtures::background(background, seed);
            let skip = all.len();
            all.extend(stream.iter().map(|(d, _)| d.clone()));
            let truth: Vec<usize> = stream.iter().map(|(_, e)| *e).collect();
            let groups = group_all(&all, &config)[skip..].to_vec();
            let (_, _, f) = fixtures::bcubed(&truth, &groups);
            sum += f;
            worst = worst.min(f);
        }
        println!(
            "synthetic streams, {background} background events: mean B-cubed F1 {:.3}, worst {worst:.3}",
            sum / 10.0
        );
    }
    Ok(())
}
