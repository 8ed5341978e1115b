//! Exact expectations per pass of the quote finder: every quote that the English golden snippets
//! (tests/golden/quotes.txt) give, filed under the pass that found it (known by its evidence, a string that
//! only that pass's source holds) in tests/golden/passes/PASS.txt, one line per quote:
//! `case :: kind | speaker | cue | text`. The normalising pass's file lists the quotes of more than one piece
//! with their pieces (code points). A change in any pass names the pass and the case. After a deliberate
//! change, `LIVEBRIEF_BLESS=1 cargo nextest run -p livebrief-nlp golden_passes` rewrites the files (review
//! the diff).

use livebrief_nlp::{default_topics, read};
use std::collections::BTreeMap;

const SOURCES: &[(&str, &str)] = &[
    ("direct", include_str!("../../src/quotes/direct.rs")),
    ("direct", include_str!("../../src/quotes/mod.rs")),
    ("name_lines", include_str!("../../src/quotes/name_lines.rs")),
    ("indirect", include_str!("../../src/quotes/indirect.rs")),
    ("run_on", include_str!("../../src/quotes/run_on.rs")),
    ("cyrillic", include_str!("../../src/quotes/cyrillic.rs")),
];
const PASSES: &[&str] = &["direct", "name_lines", "indirect", "run_on", "cyrillic", "normalise"];

fn pass_of(evidence: &str) -> &'static str {
    let lit = format!("\"{evidence}\"");
    SOURCES
        .iter()
        .find(|(_, src)| src.contains(&lit))
        .map_or("unknown", |(p, _)| *p)
}

fn cases() -> Vec<(String, String)> {
    include_str!("../golden/quotes.txt")
        .split("\n## ")
        .skip(1)
        .map(|block| {
            let mut lines = block.lines();
            let name = lines.next().unwrap_or_default().trim().to_string();
            let text: Vec<&str> = lines.filter(|l| !l.starts_with(">> ")).collect();
            (name, text.join("\n").trim().to_string())
        })
        .collect()
}

/// Pass → lines, in case order.
fn actual() -> BTreeMap<&'static str, Vec<String>> {
    let date = jiff::civil::Date::constant(2025, 3, 13);
    let topics = default_topics();
    let mut out: BTreeMap<&'static str, Vec<String>> = PASSES.iter().map(|p| (*p, Vec::new())).collect();
    for (name, text) in cases() {
        let r = read(&text, date, &topics);
        for q in &r.quotes {
            let speaker = q
                .speaker
                .as_ref()
                .and_then(|s| s.name.clone())
                .unwrap_or_else(|| "-".into());
            let cue = q.cue.as_ref().map_or("-", |(c, _)| c.as_str());
            let line = format!(
                "{name} :: {} | {speaker} | {cue} | {}",
                q.kind.as_str(),
                q.text.replace('\n', " ")
            );
            out.entry(pass_of(&q.evidence)).or_default().push(line);
            if q.spans.len() > 1 {
                let pieces: Vec<String> = q.spans.iter().map(|s| format!("{}-{}", s.0, s.1)).collect();
                out.entry("normalise").or_default().push(format!(
                    "{name} :: {} pieces {}",
                    q.spans.len(),
                    pieces.join(" ")
                ));
            }
        }
    }
    out
}

#[test]
fn every_pass_finds_exactly_its_golden_quotes() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden/passes");
    let got = actual();
    assert!(
        got.get("unknown").is_none_or(Vec::is_empty),
        "quotes of no known pass: {:?}",
        got.get("unknown")
    );
    if std::env::var_os("LIVEBRIEF_BLESS").is_some() {
        std::fs::create_dir_all(dir).unwrap();
        for p in PASSES {
            let body = got[p].join("\n");
            std::fs::write(
                format!("{dir}/{p}.txt"),
                if body.is_empty() { body } else { body + "\n" },
            )
            .unwrap();
        }
        return;
    }
    let mut slips = Vec::new();
    for p in PASSES {
        let want_text = std::fs::read_to_string(format!("{dir}/{p}.txt")).unwrap_or_default();
        let want: Vec<&str> = want_text.lines().filter(|l| !l.trim().is_empty()).collect();
        let have: Vec<&str> = got[p].iter().map(String::as_str).collect();
        for w in &want {
            if !have.contains(w) {
                slips.push(format!(
                    "pass {p}, case {}: lost `{w}`",
                    w.split(" :: ").next().unwrap_or("")
                ));
            }
        }
        for h in &have {
            if !want.contains(h) {
                slips.push(format!(
                    "pass {p}, case {}: new `{h}`",
                    h.split(" :: ").next().unwrap_or("")
                ));
            }
        }
    }
    let total: usize = got.values().map(Vec::len).sum();
    eprintln!(
        "golden passes: {total} lines; per pass {:?}",
        got.iter().map(|(p, v)| (*p, v.len())).collect::<Vec<_>>()
    );
    assert!(slips.is_empty(), "{} change(s):\n{}", slips.len(), slips.join("\n"));
}
