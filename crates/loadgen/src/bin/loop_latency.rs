//! `loop-latency`: from a report appearing in a polled feed to its draft on the desk, at a sustained rate.
//!
//! Synthetic outlets (crates/outlets, `Scenario::stream`) publish `--rate` new articles a second for
//! `--seconds` over `--outlets` outlets on 127.0.0.1. The newsroom loop runs as the server runs it
//! (`Ingest::run`: the scheduler polls every source each `--interval` seconds, the workers fetch, extract,
//! read, store and group; SQLite on disk with `synchronous=FULL`), watched through the desk's own notices. For
//! every article: the time from its release (it is in its feed from then on) to the moment its report is in a
//! development with a refreshed draft (the job is done and the desk told). Prints percentiles, with the part
//! spent waiting for the next poll shown apart.
//!
//! The synthetic outlets share one local origin (127.0.0.1:PORT/{outlet}/…); in the field each outlet is its own
//! origin with its own politeness budget, so the per-origin limits are lifted here (`--politeness-ms`, default 0,
//! and 64 requests in flight to the one origin) and the default global limits stay.
//!
//! Usage: loop-latency [--rate 10] [--seconds 60] [--outlets 24] [--interval 1] [--politeness-ms 0] [--workers 4]

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use livebrief_app::{App, DeskChange, Ingest, IngestConfig, SourceInput, SystemClock};
use livebrief_fetch::{FetchConfig, Fetcher};
use livebrief_model::{Actor, BriefingDraft, JobId, Role, SourceKind, UserId};
use livebrief_outlets::{FeedKind, OutletServer, Scenario};
use livebrief_store::{DeskStore, IngestStore, SqliteStore};
use tokio::time::Instant;

struct Args {
    rate: f64,
    seconds: u64,
    outlets: usize,
    interval: u32,
    politeness_ms: u64,
    workers: usize,
}

fn args() -> Result<Args, String> {
    let mut a = Args {
        rate: 10.0,
        seconds: 60,
        outlets: 24,
        interval: 1,
        politeness_ms: 0,
        workers: 4,
    };
    let mut it = std::env::args().skip(1);
    while let Some(k) = it.next() {
        let v = it.next().ok_or_else(|| format!("{k} needs a value"))?;
        let bad = |e: &dyn std::fmt::Display| format!("{k} {v}: {e}");
        match k.as_str() {
            "--rate" => a.rate = v.parse().map_err(|e| bad(&e))?,
            "--seconds" => a.seconds = v.parse().map_err(|e| bad(&e))?,
            "--outlets" => a.outlets = v.parse().map_err(|e| bad(&e))?,
            "--interval" => a.interval = v.parse().map_err(|e| bad(&e))?,
            "--politeness-ms" => a.politeness_ms = v.parse().map_err(|e| bad(&e))?,
            "--workers" => a.workers = v.parse().map_err(|e| bad(&e))?,
            _ => return Err(format!("unknown option {k}")),
        }
    }
    Ok(a)
}

fn pct(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

#[tokio::main(flavor = "multi_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let a = args()?;
    let dir = std::env::temp_dir().join(format!("livebrief-latency-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let store = Arc::new(SqliteStore::open(&dir.join("livebrief.db"))?);
    let app = App::new(store.clone(), Arc::new(SystemClock)).await?;
    let op = Actor {
        id: UserId(0),
        name: "bench".into(),
        role: Role::Admin,
    };
    app.create_briefing(
        &op,
        BriefingDraft {
            slug: "bench".into(),
            title: "Latency benchmark".into(),
            summary: String::new(),
            language: "en".into(),
        },
    )
    .await?;
    let today = jiff::Zoned::now().date();
    let server =
        OutletServer::start(Scenario::stream(a.rate, Duration::from_secs(a.seconds), a.outlets).on_day(today)).await?;
    let fetcher = Fetcher::new(FetchConfig {
        allow: vec![format!("127.0.0.1:{}", server.addr().port()).parse()?],
        politeness_delay: Duration::from_millis(a.politeness_ms),
        per_origin_concurrency: 64,
        ..FetchConfig::default()
    })?;
    let ingest = Ingest::new(
        app.clone(),
        fetcher,
        IngestConfig {
            workers: a.workers,
            ..IngestConfig::default()
        },
    );
    for o in server.outlets() {
        let kind = if o.kind == FeedKind::Page {
            SourceKind::Page
        } else {
            SourceKind::Feed
        };
        ingest
            .add_source(
                &op,
                "bench",
                SourceInput {
                    kind: Some(kind),
                    title: o.name.clone(),
                    poll_interval_secs: Some(a.interval),
                    ..SourceInput::url(server.feed_url(&o.id))
                },
            )
            .await?;
    }
    let planned = server.schedule().len();
    println!(
        "{} articles at {}/s over {} s from {} outlets; poll every {} s, politeness {} ms, {} workers",
        planned, a.rate, a.seconds, a.outlets, a.interval, a.politeness_ms, a.workers
    );
    let mut desk = app.subscribe_desk();
    let stop = tokio_util::sync::CancellationToken::new();
    let loop_task = tokio::spawn(ingest.clone().run(stop.clone()));

    // A job is done when its report is grouped and its development's draft refreshed: that moment, per URL.
    let mut done_at: HashMap<String, Instant> = HashMap::new();
    let deadline = Instant::now() + Duration::from_secs(a.seconds + 60);
    while done_at.len() < planned && Instant::now() < deadline {
        match tokio::time::timeout(Duration::from_secs(5), desk.recv()).await {
            Ok(Ok(n)) => {
                if let DeskChange::Job(JobId(id)) = n.change {
                    let at = Instant::now();
                    if let Some(j) = store.job(JobId(id)).await?
                        && j.report_id.is_some()
                    {
                        done_at.entry(j.item.url).or_insert(at);
                    }
                }
            }
            Ok(Err(tokio::sync::broadcast::error::RecvError::Lagged(n))) => {
                return Err(format!("the benchmark fell {n} notices behind; its numbers would be wrong").into());
            }
            Ok(Err(e)) => return Err(e.into()),
            Err(_) => {}
        }
    }
    stop.cancel();
    let _ = tokio::time::timeout(Duration::from_secs(10), loop_task).await;

    let mut total = Vec::new();
    let mut waiting = Vec::new();
    let mut processing = Vec::new();
    for r in server.released() {
        let Some(done) = done_at.get(&r.url) else { continue };
        total.push(done.duration_since(r.released_at).as_secs_f64());
        if let Some(listed) = r.first_listed {
            waiting.push(listed.saturating_duration_since(r.released_at).as_secs_f64());
            processing.push(done.saturating_duration_since(listed).as_secs_f64());
        }
    }
    for v in [&mut total, &mut waiting, &mut processing] {
        v.sort_by(f64::total_cmp);
    }
    let line = |name: &str, v: &[f64]| {
        println!(
            "{name:<34} n={:<4} p50 {:.2} s  p95 {:.2} s  p99 {:.2} s  max {:.2} s",
            v.len(),
            pct(v, 0.5),
            pct(v, 0.95),
            pct(v, 0.99),
            v.last().copied().unwrap_or(f64::NAN)
        )
    };
    line("appeared in feed -> draft on desk", &total);
    line("  of which waiting for the poll", &waiting);
    line("  of which fetch, read, group, draft", &processing);
    let b = app.briefing("bench").ok_or("briefing")?.0;
    let devs = store
        .list_developments(&livebrief_store::DevQuery {
            briefing_id: b.id,
            statuses: vec![],
            filters: vec![],
            order: livebrief_store::DevOrder::Recent,
            offset: 0,
            limit: 100_000,
        })
        .await?;
    println!(
        "{} of {} reports on the desk, in {} developments",
        total.len(),
        planned,
        devs.len()
    );
    let _ = std::fs::remove_dir_all(&dir);
    if total.len() < planned {
        return Err(format!("only {} of {planned} reports reached the desk in time", total.len()).into());
    }
    Ok(())
}
