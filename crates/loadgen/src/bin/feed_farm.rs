//! `feed-farm`: serves a farm of feeds with known behaviours on 127.0.0.1 for the polling benchmark
//! (`bench/poll.sh`). Writes one JSON line per feed (`url`, `behaviour`, `expected`) to `--out`, prints
//! `ready`, and serves until stdin closes.
//!
//! Usage: feed-farm [--feeds 2000] [--listeners 100] --out FEEDS.jsonl

use std::io::Write;

use livebrief_outlets::{Expected, Failure, FarmSpec, FeedFarm};

fn expected(e: Expected) -> String {
    match e {
        Expected::Ok { .. } => "ok".into(),
        Expected::Fails(Failure::Timeout) => "timeout".into(),
        Expected::Fails(Failure::Connection) => "connection".into(),
        Expected::Fails(Failure::NotAFeed) => "not_a_feed".into(),
        Expected::Fails(Failure::TooManyRedirects) => "too_many_redirects".into(),
        Expected::Fails(Failure::Status { status, .. }) => format!("status_{status}"),
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut spec = FarmSpec::default();
    let mut out = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{a} needs a value"));
        match a.as_str() {
            "--feeds" => spec.feeds = value()?.parse()?,
            "--listeners" => spec.listeners = value()?.parse()?,
            "--out" => out = Some(value()?),
            other => return Err(format!("unknown option {other}").into()),
        }
    }
    let out = out.ok_or("--out FILE is required")?;
    let farm = FeedFarm::start(spec).await?;
    let mut f = std::io::BufWriter::new(std::fs::File::create(&out)?);
    for feed in farm.feeds() {
        writeln!(
            f,
            "{{\"url\": \"{}\", \"behaviour\": \"{:?}\", \"expected\": \"{}\"}}",
            feed.url,
            feed.behaviour,
            expected(feed.expected)
        )?;
    }
    f.flush()?;
    println!("ready");
    // Serve until the benchmark closes our stdin.
    tokio::task::spawn_blocking(|| {
        let mut sink = String::new();
        while std::io::stdin().read_line(&mut sink).map(|n| n > 0).unwrap_or(false) {
            sink.clear();
        }
    })
    .await?;
    eprintln!("feed-farm: {} requests served", farm.requests());
    Ok(())
}
