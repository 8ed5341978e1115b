//! `livebrief read`: the reading of one report, human-readable or JSON.

use std::io::Write;
use std::path::Path;

use anyhow::Context;
use livebrief_nlp::{date_value, default_topics, reading_json};
use serde_json::Value;

use livebrief_app::{ReportBody, ReportInput, Understood, understand};

use crate::extract_cmd::read_input;

pub fn run(
    file: &Path,
    published: &str,
    url: Option<&str>,
    html: bool,
    as_json: bool,
    topics: Option<&Path>,
) -> anyhow::Result<()> {
    let topics = match topics {
        Some(p) => {
            let text = std::fs::read_to_string(p).with_context(|| format!("reading the topic list {}", p.display()))?;
            livebrief_nlp::parse_topics(&text).with_context(|| format!("the topic list {}", p.display()))?
        }
        None => default_topics(),
    };
    let date: jiff::civil::Date = published
        .parse()
        .with_context(|| format!("--published {published:?} is not a date (YYYY-MM-DD)"))?;
    let bytes = read_input(file)?;
    let body = if html {
        ReportBody::Html {
            bytes,
            http_charset: None,
        }
    } else {
        ReportBody::Text(String::from_utf8_lossy(&bytes).into_owned())
    };
    let input = ReportInput {
        url: url.map(str::to_string),
        title: String::new(),
        source: String::new(),
        published: Some(date),
        body,
    };
    let Understood { text, reading: r, .. } = understand(input, date, &topics);
    let mut out = std::io::stdout().lock();
    if as_json {
        serde_json::to_writer_pretty(&mut out, &reading_json(&r, published, &text))?;
        writeln!(out)?;
        return Ok(());
    }
    writeln!(
        out,
        "language: {}   sentences: {}   published: {published}",
        r.language,
        r.sentences.len()
    )?;
    writeln!(out, "\nquotes ({}):", r.quotes.len())?;
    for q in &r.quotes {
        let who = q.speaker.as_ref().map_or("unknown".to_string(), |s| {
            format!("{} [{}: “{}”]", s.name.as_deref().unwrap_or("unknown"), s.via, s.text)
        });
        let when = q.date.map_or("date unknown".to_string(), |d| d.to_string());
        writeln!(out, "  {:8} {who}, {when}\n           “{}”", q.kind.as_str(), q.text)?;
    }
    writeln!(out, "\nentities:")?;
    for e in &r.entities {
        let d = if e.descriptions.is_empty() {
            String::new()
        } else {
            format!(" ({})", e.descriptions.join("; "))
        };
        let forms: Vec<&str> = e.mentions.iter().map(|(t, _)| t.as_str()).collect();
        let geo = e.place.as_ref().map_or(String::new(), |p| {
            format!(
                " [{}{}{}]",
                p.country,
                p.region.as_ref().map_or(String::new(), |r| format!(", {r}")),
                p.lat
                    .zip(p.lon)
                    .map_or(String::new(), |(a, b)| format!(", {a:.2} {b:.2}"))
            )
        });
        writeln!(out, "  {:12} {}{d}{geo}: {}", e.kind.as_str(), e.name, forms.join(", "))?;
    }
    writeln!(out, "\ndates:")?;
    for d in &r.dates {
        writeln!(out, "  {:9} “{}” -> {}", d.kind, d.text, date_value(&d.value))?;
    }
    writeln!(out, "\ntopics:")?;
    for t in &r.topics {
        let ev: Vec<String> = t.evidence.iter().map(|(term, n)| format!("{term}×{n}")).collect();
        writeln!(out, "  {:.1} {} ({})", t.score, t.label, ev.join(", "))?;
    }
    Ok(())
}

/// Scores quote attribution on an annotated set (PolNeAR-style JSON lines) with the metric of
/// ../shared/data/quotes/README.md, reading every article in-process.
pub fn evaluate(set: &Path, limit: Option<usize>) -> anyhow::Result<()> {
    use livebrief_nlp::eval::{Gold, Predicted, Tally};
    let text = String::from_utf8(read_input(set)?).context("the set is not UTF-8")?;
    let topics = default_topics();
    let mut tally = Tally::default();
    let mut articles = 0;
    let mut read_time = std::time::Duration::ZERO;
    for (n, line) in text.lines().enumerate() {
        if limit.is_some_and(|l| articles >= l) {
            break;
        }
        if line.trim().is_empty() {
            continue;
        }
        let rec: Value = serde_json::from_str(line).with_context(|| format!("line {} of {}", n + 1, set.display()))?;
        let body = rec["text"].as_str().unwrap_or_default();
        let published: jiff::civil::Date = rec["published"]
            .as_str()
            .unwrap_or("2016-01-01")
            .parse()
            .unwrap_or(jiff::civil::Date::constant(2016, 1, 1));
        let gold = Gold::of_record(&rec);
        let t = std::time::Instant::now();
        let r = livebrief_nlp::read(body, published, &topics);
        read_time += t.elapsed();
        let preds = Predicted::of_reading(&r);
        tally.add_article(&gold, &preds);
        articles += 1;
    }
    let r = tally.report();
    println!(
        "direct_or_mixed: gold {} matched {} recall {:.3} speaker {:.3}",
        tally.direct.gold, tally.direct.matched, r.direct_recall, r.direct_speaker
    );
    println!(
        "indirect: gold {} matched {} recall {:.3} speaker {:.3}",
        tally.indirect.gold, tally.indirect.matched, r.indirect_recall, r.indirect_speaker
    );
    println!(
        "articles {articles}, predictions {}, gold {}",
        tally.predictions, tally.all.gold
    );
    println!(
        "quote P {:.3} R {:.3} F1 {:.3}; speaker accuracy {:.3}; attribution F1 {:.3}",
        r.precision, r.recall, r.f1, r.speaker_accuracy, r.attribution_f1
    );
    eprintln!(
        "read {articles} articles in {:.3} s ({:.2} ms per article)",
        read_time.as_secs_f64(),
        read_time.as_secs_f64() * 1e3 / articles.max(1) as f64
    );
    Ok(())
}
