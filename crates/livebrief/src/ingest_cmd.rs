//! `livebrief source …`, `livebrief poll --once` and `livebrief group`: the newsroom loop from the command line.

use std::io::{BufRead, Write};
use std::path::Path;
use std::sync::Arc;

use anyhow::{Context, bail};
use indicatif::{ProgressBar, ProgressStyle};
use livebrief_app::{App, Ingest, IngestConfig, JobOutcome, ReportBody, ReportInput, SourceInput, understand};
use livebrief_model::{Actor, Date, PollOutcome, Role, SourceKind, UserId};
use livebrief_server::Config;
use serde_json::Value;

/// The CLI acts as the instance's operator.
fn operator() -> Actor {
    Actor {
        id: UserId(0),
        name: "cli".into(),
        role: Role::Admin,
    }
}

pub fn ingest_for(app: Arc<App>, config: &Config) -> anyhow::Result<Arc<Ingest>> {
    let fetcher = livebrief_fetch::Fetcher::new(config.fetch.fetch_config()).context("setting up the fetcher")?;
    Ok(Ingest::new(
        app,
        fetcher,
        IngestConfig {
            workers: config.ingest_workers,
            lease: jiff::SignedDuration::from_secs(config.ingest_lease_secs as i64),
            ..IngestConfig::default()
        },
    ))
}

/// The briefing a source command is for: the one named, else the only one there is.
fn briefing_slug(app: &App, given: Option<&str>) -> anyhow::Result<String> {
    if let Some(s) = given {
        app.briefing(s).with_context(|| format!("no briefing {s:?}"))?;
        return Ok(s.to_string());
    }
    match app.briefings().as_slice() {
        [b] => Ok(b.slug.clone()),
        [] => bail!("there is no briefing yet: create one with `livebrief briefing SLUG --title TITLE`"),
        many => bail!(
            "say which briefing with --briefing ({})",
            many.iter().map(|b| b.slug.as_str()).collect::<Vec<_>>().join(", ")
        ),
    }
}

pub struct AddArgs<'a> {
    pub url: &'a str,
    pub briefing: Option<&'a str>,
    pub kind: Option<&'a str>,
    pub title: Option<&'a str>,
    pub language: Option<&'a str>,
    pub trust_note: Option<&'a str>,
    pub interval: Option<u32>,
}

pub async fn add(ingest: &Arc<Ingest>, a: AddArgs<'_>) -> anyhow::Result<()> {
    let slug = briefing_slug(ingest.app(), a.briefing)?;
    let kind = match a.kind {
        None => None,
        Some(k) => Some(SourceKind::parse(k).with_context(|| format!("--kind {k:?}: expected feed or page"))?),
    };
    let added = ingest
        .add_source(
            &operator(),
            &slug,
            SourceInput {
                kind,
                title: a.title.unwrap_or_default().to_string(),
                language: a.language.map(str::to_string),
                trust_note: a.trust_note.unwrap_or_default().to_string(),
                poll_interval_secs: a.interval,
                ..SourceInput::url(a.url)
            },
        )
        .await;
    let s = match added {
        Ok(s) => s,
        // The desk and the API are told only that the address could not be reached; the operator at the
        // command line is told why the guard refused it (what the server's log would say).
        Err(e) if e.to_string().contains(livebrief_fetch::UNREACHABLE) => match ingest.fetcher().check_url(a.url).await
        {
            Err(f) if f.is_refused() || f.is_unreachable() => anyhow::bail!("{e} ({})", f.detail()),
            _ => return Err(e.into()),
        },
        Err(e) => return Err(e.into()),
    };
    println!(
        "added source #{} to {slug}: {} ({}, {})",
        s.id.0,
        s.title,
        s.kind.as_str(),
        s.url
    );
    Ok(())
}

pub async fn list(ingest: &Arc<Ingest>, briefing: Option<&str>) -> anyhow::Result<()> {
    let sources = ingest.sources(briefing).await?;
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "{:>5}  {:<8} {:<5} {:>6} {:>7}  {:<40} url",
        "id", "health", "kind", "every", "items", "title"
    )?;
    for s in sources {
        writeln!(
            out,
            "{:>5}  {:<8} {:<5} {:>5}s {:>7}  {:<40} {}",
            s.id.0,
            s.health().as_str(),
            s.kind.as_str(),
            s.poll_interval_secs,
            s.poll.items_seen,
            s.title.chars().take(40).collect::<String>(),
            s.url
        )?;
        if let Some(e) = &s.poll.last_error {
            writeln!(out, "       last error: {e}")?;
        }
    }
    Ok(())
}

pub async fn import(ingest: &Arc<Ingest>, file: &Path, briefing: Option<&str>) -> anyhow::Result<()> {
    let slug = briefing_slug(ingest.app(), briefing)?;
    let bytes = std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
    let r = ingest.import_opml(&operator(), &slug, &bytes).await?;
    println!("imported {} sources into {slug}", r.added.len());
    for (what, why) in &r.skipped {
        println!("skipped {what}: {why}");
    }
    Ok(())
}

pub async fn export(ingest: &Arc<Ingest>, briefing: Option<&str>) -> anyhow::Result<()> {
    print!("{}", ingest.export_opml(briefing).await?);
    Ok(())
}

fn bar(len: u64, what: &str) -> ProgressBar {
    let pb = ProgressBar::new(len);
    pb.set_style(
        ProgressStyle::with_template(&format!("{{spinner}} {what} [{{bar:30}}] {{pos}}/{{len}} {{msg}}"))
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    pb
}

/// Polls every enabled source once, then (unless `sources_only`) works the jobs that brought until none is left.
pub async fn poll_once(ingest: &Arc<Ingest>, briefing: Option<&str>, sources_only: bool) -> anyhow::Result<()> {
    let sources: Vec<_> = ingest
        .sources(briefing)
        .await?
        .into_iter()
        .filter(|s| s.enabled)
        .collect();
    let started = std::time::Instant::now();
    let pb = bar(sources.len() as u64, "polling");
    let reports = ingest
        .poll_many(sources, |r| {
            pb.inc(1);
            pb.set_message(r.source.title.chars().take(30).collect::<String>());
        })
        .await;
    pb.finish_and_clear();
    let failed: Vec<_> = reports
        .iter()
        .filter_map(|r| match &r.outcome {
            PollOutcome::Failed { error, .. } => Some((r.source.title.as_str(), error.as_str())),
            _ => None,
        })
        .collect();
    let new_jobs: u32 = reports.iter().map(|r| r.added.new_jobs).sum();
    let not_modified = reports.iter().filter(|r| r.outcome == PollOutcome::NotModified).count();
    println!(
        "polled {} sources in {:.1} s: {} new items, {} articles to fetch, {} not modified, {} failed",
        reports.len(),
        started.elapsed().as_secs_f64(),
        reports.iter().map(|r| r.added.new_items).sum::<u32>(),
        new_jobs,
        not_modified,
        failed.len()
    );
    for (title, e) in failed.iter().take(20) {
        println!("  {title}: {e}");
    }
    if failed.len() > 20 {
        println!("  … and {} more (livebrief source list)", failed.len() - 20);
    }
    if sources_only {
        return Ok(());
    }
    let counts = ingest.app().store().job_counts(None).await?;
    let queued: u64 = counts
        .iter()
        .filter(|(s, _)| {
            matches!(
                s,
                livebrief_model::JobState::Queued | livebrief_model::JobState::Running
            )
        })
        .map(|(_, n)| n)
        .sum();
    let pb = bar(queued, "articles");
    let done = std::sync::atomic::AtomicUsize::new(0);
    let parked = std::sync::atomic::AtomicUsize::new(0);
    let n = ingest
        .drain(|o| {
            pb.inc(1);
            match o {
                JobOutcome::Done { report, .. } => {
                    done.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    pb.set_message(report.title.chars().take(40).collect::<String>());
                }
                JobOutcome::Parked { .. } => {
                    parked.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                }
                JobOutcome::Retrying { .. } => {}
            }
        })
        .await?;
    pb.finish_and_clear();
    println!(
        "worked {n} articles: {} read and grouped, {} parked (see the desk), the rest retry later",
        done.into_inner(),
        parked.into_inner()
    );
    Ok(())
}

/// One report of a `group` input line.
struct Line {
    id: Value,
    source: Option<String>,
    published: Option<Date>,
    title: String,
    text: String,
}

fn parse_line(n: usize, line: &str) -> anyhow::Result<Line> {
    let v: Value = serde_json::from_str(line).with_context(|| format!("line {n}: not JSON"))?;
    let s = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
    let id = v
        .get("id")
        .cloned()
        .filter(|i| !i.is_null())
        .with_context(|| format!("line {n}: no \"id\""))?;
    let published = match s("published") {
        Some(p) if !p.trim().is_empty() => Some(
            p.get(..10)
                .and_then(|d| d.parse::<Date>().ok())
                .with_context(|| format!("line {n}: \"published\" {p:?} is not a date"))?,
        ),
        _ => None,
    };
    Ok(Line {
        id,
        source: s("source").filter(|x| !x.is_empty()),
        published,
        title: s("title").unwrap_or_default(),
        text: s("text").with_context(|| format!("line {n}: no \"text\""))?,
    })
}

/// Groups reports (JSON lines: id, source, published, title, text) as the server does as they arrive, and
/// prints `{"id": …, "development": …}` per report, in input order.
pub fn group(file: &Path) -> anyhow::Result<()> {
    let reader: Box<dyn BufRead> = if file == Path::new("-") {
        Box::new(std::io::stdin().lock())
    } else {
        Box::new(std::io::BufReader::new(
            std::fs::File::open(file).with_context(|| format!("opening {}", file.display()))?,
        ))
    };
    let mut lines = Vec::new();
    for (i, l) in reader.lines().enumerate() {
        let l = l.with_context(|| format!("reading {}", file.display()))?;
        if !l.trim().is_empty() {
            lines.push(parse_line(i + 1, &l)?);
        }
    }
    // Reading is the costly part and independent per report: across the cores, in input order.
    let topics = livebrief_nlp::default_topics();
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get()).max(1);
    let chunk = lines.len().div_ceil(threads).max(1);
    let docs: Vec<livebrief_cluster::Doc> = std::thread::scope(|scope| {
        let handles: Vec<_> = lines
            .chunks(chunk)
            .map(|part| {
                let topics = &topics;
                scope.spawn(move || {
                    part.iter()
                        .map(|l| {
                            // Without a date the text is read against a fixed day, and only dates that carry
                            // their own year are used for grouping (see `Doc::from_reading`).
                            let reference = l.published.unwrap_or(Date::constant(2000, 1, 1));
                            // The title is read with the text (it is often the lead) and weighed apart.
                            let full = if l.title.is_empty() {
                                l.text.clone()
                            } else {
                                format!("{}\n{}", l.title, l.text)
                            };
                            let u = understand(
                                ReportInput {
                                    url: None,
                                    title: l.title.clone(),
                                    source: l.source.clone().unwrap_or_default(),
                                    published: Some(reference),
                                    body: ReportBody::Text(full),
                                },
                                reference,
                                topics,
                            );
                            livebrief_cluster::Doc::from_reading(
                                &l.title,
                                &l.text,
                                l.published,
                                l.source.as_deref(),
                                &u.reading,
                            )
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles.into_iter().flat_map(|h| h.join().unwrap_or_default()).collect()
    });
    let groups = livebrief_cluster::group_all(&docs, &livebrief_app::grouping::config());
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for (l, g) in lines.iter().zip(groups) {
        writeln!(out, "{}", serde_json::json!({"id": l.id, "development": g}))?;
    }
    out.flush()?;
    Ok(())
}
