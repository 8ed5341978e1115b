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
        config.set(&flag, &value)?;
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
