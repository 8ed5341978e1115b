//! Groups a JSONL of reports and prints `{"id": ..., "development": ...}` per line.
//!
//! ```text
//! cargo run -p livebrief-cluster --release --example group_eval -- REPORTS.jsonl [--threshold 0.3] \
//!     [--entity-weight 0.3] [--date-weight 0.2] [--window 30] [--stem 6] [--near 0.5] > PRED.jsonl
//! python3 ../shared/tools/bcubed.py ../shared/data/grouping/ecbplus-dev.jsonl PRED.jsonl
//! ```
//! Each input line has `id`, `source`, `published` (ISO date or null), `title` and `text`; other fields are ignored.
//! Reports are read with `livebrief_nlp::read` and grouped online in the order of the file.

use jiff::civil::Date;
use livebrief_cluster::{Config, Doc, group_all};
use livebrief_nlp::{DateValue, EntityKind, Reading};

/// The reference date for reading a report that has no publication date. Dates resolved against it are not facts,
/// so [`doc_from_reading`] drops them (see there).
const UNDATED_REFERENCE: Date = jiff::civil::date(2000, 1, 1);

/// What the grouper sees of a report and its reading.
///
/// - `people`, `organizations`, `places`: the names of the reading's entities of that kind.
/// - `speakers`: the resolved names of the quotes' speakers (a quote whose speaker is unnamed adds nothing).
/// - `dates`: the days of the date mentions (`DateValue::Day`; ranges and vague mentions add nothing) and the
///   quotes' statement dates. Without a publication date the reading resolved "Thursday" or "March 13" against a
///   stand-in day, so only mentions that write out their year (a run of four digits in the mention) are kept, and
///   no statement dates.
pub fn doc_from_reading(
    title: &str,
    text: &str,
    published: Option<Date>,
    source: Option<&str>,
    reading: &Reading,
) -> Doc {
    let names = |kind: EntityKind| -> Vec<String> {
        reading
            .entities
            .iter()
            .filter(|e| e.kind == kind)
            .map(|e| e.name.clone())
            .collect()
    };
    let has_year = |s: &str| s.split(|c: char| !c.is_ascii_digit()).any(|run| run.len() == 4);
    let mut dates: Vec<Date> = reading
        .dates
        .iter()
        .filter(|m| published.is_some() || has_year(&m.text))
        .filter_map(|m| match m.value {
            DateValue::Day(d) => Some(d),
            _ => None,
        })
        .collect();
    if published.is_some() {
        dates.extend(reading.quotes.iter().filter_map(|q| q.date));
    }
    dates.sort();
    dates.dedup();
    let mut speakers: Vec<String> = reading
        .quotes
        .iter()
        .filter_map(|q| q.speaker.as_ref().and_then(|s| s.name.clone()))
        .collect();
    speakers.sort();
    speakers.dedup();
    Doc {
        title: title.to_string(),
        text: text.to_string(),
        published,
        source: source.map(str::to_string),
        language: reading.language.to_string(),
        people: names(EntityKind::Person),
        organizations: names(EntityKind::Organization),
        places: names(EntityKind::Place),
        speakers,
        dates,
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .ok_or("usage: group_eval REPORTS.jsonl [--threshold X] ...")?;
    let mut config = Config::default();
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
            "--group-terms" => config.group_terms = value.parse()?,
            "--index-terms" => config.index_terms = value.parse()?,
            _ => return Err(format!("unknown option {flag}").into()),
        }
    }
    let topics = livebrief_nlp::default_topics();
    let mut ids = Vec::new();
    let mut docs = Vec::new();
    for line in std::fs::read_to_string(&path)?.lines() {
        if line.trim().is_empty() {
            continue;
        }
        let r: serde_json::Value = serde_json::from_str(line)?;
        let s = |k: &str| r.get(k).and_then(|v| v.as_str());
        let published: Option<Date> = s("published").and_then(|p| p.get(..10)).and_then(|p| p.parse().ok());
        let (title, text) = (s("title").unwrap_or(""), s("text").unwrap_or(""));
        let full = if title.is_empty() {
            text.to_string()
        } else {
            format!("{title}\n{text}")
        };
        let reading = livebrief_nlp::read(&full, published.unwrap_or(UNDATED_REFERENCE), &topics);
        docs.push(doc_from_reading(title, text, published, s("source"), &reading));
        ids.push(r.get("id").cloned().unwrap_or(serde_json::Value::Null));
    }
    let groups = group_all(&docs, &config);
    let mut out = String::new();
    for (id, g) in ids.iter().zip(&groups) {
        out.push_str(&serde_json::json!({"id": id, "development": g}).to_string());
        out.push('\n');
    }
    print!("{out}");
    eprintln!(
        "{} reports, {} developments",
        docs.len(),
        groups.iter().collect::<std::collections::BTreeSet<_>>().len()
    );
    Ok(())
}
