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

/// The reference date for reading a report that has no publication date. Dates resolved against it are not facts,
/// so [`Doc::from_reading`] drops them (see there).
const UNDATED_REFERENCE: Date = jiff::civil::date(2000, 1, 1);

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .ok_or("usage: group_eval REPORTS.jsonl [--threshold X] ...")?;
    let mut config = Config::default();
    // The server reads a fetched page's text (its title apart); `livebrief group` reads the title with the text.
    let text_only = std::env::var("GROUP_EVAL_TEXT_ONLY").is_ok();
    while let Some(flag) = args.next() {
        let value = args.next().ok_or_else(|| format!("{flag} needs a value"))?;
        config.set(&flag, &value)?;
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
        let full = if title.is_empty() || text_only {
            text.to_string()
        } else {
            format!("{title}\n{text}")
        };
        let reading = livebrief_nlp::read(&full, published.unwrap_or(UNDATED_REFERENCE), &topics);
        docs.push(Doc::from_reading(title, text, published, s("source"), &reading));
        ids.push(r.get("id").cloned().unwrap_or(serde_json::Value::Null));
    }
    if let Ok(path) = std::env::var("GROUP_EVAL_DUMP") {
        let mut out = String::new();
        for (id, d) in ids.iter().zip(&docs) {
            out.push_str(&serde_json::json!({"id": id, "title": d.title, "text": d.text,
                "published": d.published.map(|p| p.to_string()), "people": d.people, "organizations": d.organizations,
                "places": d.places, "speakers": d.speakers, "dates": d.dates.iter().map(|x| x.to_string()).collect::<Vec<_>>()}).to_string());
            out.push('\n');
        }
        std::fs::write(path, out)?;
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
