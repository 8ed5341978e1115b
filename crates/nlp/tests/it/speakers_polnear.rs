//! Speakers resolved to the person's fullest name on PolNeAR development quotes whose speaker mention is a
//! pronoun, a name alone or a description (tests/golden/speakers_polnear.tsv: the rows, how they were chosen
//! and what "expected" means). The articles are read in place from ../shared/data/quotes/polnear-dev.jsonl.
//!
//! For each row: the reading's quote that overlaps the gold content most; its resolved speaker name must
//! equal the expected full name, folded for case and diacritics only. `ORG:…` and `GROUP` rows are right
//! when the speaker is not made a person. Reported for each half: `develop` and `measure` are both developed on
//! (`measure` was measured once, at 0.839, before it became a development half on 2026-12-01) and their wrong
//! rows are listed; `measure2` is only measured: its rows are never listed, printed or inspected.

use livebrief_nlp::{Reading, default_topics, read};
use std::collections::HashMap;
use unicode_normalization::UnicodeNormalization;

struct Row {
    half: String,
    article: String,
    content: Vec<(usize, usize)>,
    mention_span: (usize, usize),
    kind: String,
    mention: String,
    expected: String,
}

fn span(s: &str) -> (usize, usize) {
    let (a, b) = s.split_once('-').unwrap_or_else(|| panic!("bad span {s}"));
    (
        a.parse().unwrap_or_else(|_| panic!("bad span {s}")),
        b.parse().unwrap_or_else(|_| panic!("bad span {s}")),
    )
}

fn rows() -> Vec<Row> {
    include_str!("../golden/speakers_polnear.tsv")
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            assert_eq!(f.len(), 7, "bad row: {l}");
            Row {
                half: f[0].to_string(),
                article: f[1].to_string(),
                content: f[2].split(',').map(span).collect(),
                mention_span: span(f[3]),
                kind: f[4].to_string(),
                mention: f[5].to_string(),
                expected: f[6].to_string(),
            }
        })
        .collect()
}

/// Case and diacritics folded: "O’Malley" stays "o’malley", "García" becomes "garcia".
fn fold(s: &str) -> String {
    s.nfd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .collect::<String>()
        .to_lowercase()
}

/// The reading's quote that overlaps the gold content most (code points), if any.
fn overlapping<'r>(r: &'r Reading, gold: &[(usize, usize)]) -> Option<&'r livebrief_nlp::Quote> {
    let overlap = |q: &livebrief_nlp::Quote| -> usize {
        q.spans
            .iter()
            .flat_map(|&(a, b)| gold.iter().map(move |&(c, d)| b.min(d).saturating_sub(a.max(c))))
            .sum()
    };
    r.quotes
        .iter()
        .map(|q| (overlap(q), q))
        .filter(|&(n, _)| n > 0)
        .max_by_key(|&(n, _)| n)
        .map(|(_, q)| q)
}

#[derive(Default)]
struct Tally {
    rows: usize,
    found: usize,
    correct: usize,
}

impl Tally {
    fn share(&self) -> f64 {
        self.correct as f64 / self.found.max(1) as f64
    }
    fn line(&self, what: &str) -> String {
        format!(
            "{what}: {} rows, {} found, {} correct among found ({:.3})",
            self.rows,
            self.found,
            self.correct,
            self.share()
        )
    }
}

#[test]
fn polnear_speakers_resolve_to_full_names() {
    let rows = rows();
    assert!(rows.len() >= 150, "only {} rows", rows.len());
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/data/quotes/polnear-dev.jsonl"
    );
    let Ok(set) = std::fs::read_to_string(path) else {
        assert!(std::env::var_os("CI").is_none(), "CI must have ../shared/data/quotes");
        eprintln!("skipping: {path} not found (outside CI)");
        return;
    };
    let wanted: std::collections::HashSet<&str> = rows.iter().map(|r| r.article.as_str()).collect();
    let mut articles: HashMap<String, (String, jiff::civil::Date)> = HashMap::new();
    for line in set.lines().filter(|l| !l.trim().is_empty()) {
        let rec: serde_json::Value = serde_json::from_str(line).expect("the set is JSON lines");
        let id = rec["id"].as_str().unwrap_or_default();
        if wanted.contains(id) {
            let published = rec["published"]
                .as_str()
                .and_then(|d| d.parse().ok())
                .expect("a publication date");
            articles.insert(
                id.to_string(),
                (rec["text"].as_str().unwrap_or_default().to_string(), published),
            );
        }
    }
    let topics = default_topics();
    let mut readings: HashMap<&str, Reading> = HashMap::new();
    let mut tallies: HashMap<String, Tally> = HashMap::new();
    let mut misses = Vec::new();
    for row in &rows {
        let (text, published) = articles
            .get(&row.article)
            .unwrap_or_else(|| panic!("article {} not in the set", row.article));
        // The golden file and the set agree: the mention is where the row says.
        let chars: Vec<char> = text.chars().collect();
        let at: String = chars[row.mention_span.0..row.mention_span.1].iter().collect();
        assert_eq!(
            at, row.mention,
            "{}: the mention is not at {:?}",
            row.article, row.mention_span
        );
        let r = readings
            .entry(row.article.as_str())
            .or_insert_with(|| read(text, *published, &topics));
        let q = overlapping(r, &row.content);
        let speaker = q.and_then(|q| q.speaker.as_ref());
        let name = speaker.and_then(|s| s.name.clone());
        let right = q.is_some()
            && if row.expected == "GROUP" || row.expected.starts_with("ORG:") {
                speaker.is_none_or(|s| s.kind != "person")
            } else {
                name.as_deref().is_some_and(|n| fold(n) == fold(&row.expected))
            };
        for key in [
            "all".to_string(),
            row.half.clone(),
            format!("{} {}", row.half, row.kind),
        ] {
            let t = tallies.entry(key).or_default();
            t.rows += 1;
            t.found += usize::from(q.is_some());
            t.correct += usize::from(right);
        }
        // (Only the development halves' misses are listed: measure2 is not for tuning.)
        if q.is_some() && !right && matches!(row.half.as_str(), "develop" | "measure") {
            misses.push(format!(
                "  [{}] {} {:?} ({}) → {:?} (mention {:?}, via {}), expected {}",
                row.half,
                row.article,
                row.content,
                row.kind,
                name,
                speaker.map(|s| s.text.as_str()),
                speaker.map_or("-", |s| s.via.as_str()),
                row.expected
            ));
        }
    }
    let mut keys: Vec<&String> = tallies.keys().collect();
    keys.sort();
    for k in keys {
        eprintln!("{}", tallies[k].line(k));
    }
    eprintln!(
        "wrong among found in the development halves (develop, measure):\n{}",
        misses.join("\n")
    );
    let (develop, measure, unseen) = (&tallies["develop"], &tallies["measure"], &tallies["measure2"]);
    // Floors a little under what the reader reaches on the two development halves (1.000, 0.977: one slip in
    // either must not fail the suite), and on measure2 at what it reached when first measured (0.885), so a
    // regression shows there too; measure2 is never listed (see docs/benchmarks.md).
    assert!(
        develop.share() >= 0.97 && measure.share() >= 0.95 && unseen.share() >= 0.87,
        "below the floors: {} / {} / {}",
        develop.line("develop"),
        measure.line("measure"),
        unseen.line("measure2")
    );
}
