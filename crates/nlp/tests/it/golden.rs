//! The golden snippets (tests/golden/quotes.txt): precision and recall of quotes and of speaker
//! attribution, with floors, and a per-case report on failure.

use livebrief_nlp::{QuoteKind, default_topics, read};

struct Case {
    name: String,
    text: String,
    expected: Vec<(String, String, String)>, // kind, speaker, phrase
}

fn cases() -> Vec<Case> {
    let src = include_str!("../golden/quotes.txt");
    let mut out: Vec<Case> = Vec::new();
    for block in src.split("\n## ").skip(1) {
        let mut lines = block.lines();
        let name = lines.next().unwrap_or_default().trim().to_string();
        let mut text = Vec::new();
        let mut expected = Vec::new();
        for l in lines {
            if let Some(e) = l.strip_prefix(">> ") {
                if e.trim() == "none" {
                    continue;
                }
                let parts: Vec<String> = e.split('|').map(|p| p.trim().to_string()).collect();
                assert_eq!(parts.len(), 3, "case {name}: bad expectation {e}");
                expected.push((parts[0].clone(), parts[1].clone(), parts[2].clone()));
            } else {
                text.push(l);
            }
        }
        out.push(Case {
            name,
            text: text.join("\n").trim().to_string(),
            expected,
        });
    }
    out
}

#[test]
fn golden_quotes_precision_and_recall() {
    let cases = cases();
    assert!(cases.len() >= 60, "only {} golden cases", cases.len());
    let date = jiff::civil::Date::constant(2025, 3, 13);
    let (mut expected_n, mut found_n, mut predicted_n, mut predicted_right, mut speaker_right) = (0, 0, 0, 0, 0);
    let mut kind_right = 0;
    let mut report = Vec::new();
    for c in &cases {
        let r = read(&c.text, date, &default_topics());
        predicted_n += r.quotes.len();
        expected_n += c.expected.len();
        for (kind, speaker, phrase) in &c.expected {
            let hit = r.quotes.iter().find(|q| q.text.contains(phrase.as_str()));
            match hit {
                Some(q) => {
                    found_n += 1;
                    let kind_ok = q.kind.as_str() == kind || (kind == "mixed" && q.kind == QuoteKind::Direct);
                    let name = q.speaker.as_ref().and_then(|s| s.name.clone());
                    let speaker_ok = match (speaker.as_str(), &name) {
                        ("unknown", None) => true,
                        ("unknown", Some(_)) => q.speaker.as_ref().is_some_and(|s| s.kind != "person"),
                        (want, Some(n)) => n.contains(want) || want.contains(n.as_str()),
                        (_, None) => false,
                    };
                    if speaker_ok {
                        speaker_right += 1;
                    }
                    if kind_ok {
                        kind_right += 1;
                    }
                    if !(kind_ok && speaker_ok) {
                        report.push(format!(
                            "{}: “{phrase}” found as {} by {:?}, expected {kind} by {speaker}",
                            c.name,
                            q.kind.as_str(),
                            name
                        ));
                    }
                }
                None => report.push(format!(
                    "{}: missed “{phrase}” ({kind}, {speaker}); got {:?}",
                    c.name,
                    r.quotes.iter().map(|q| q.text.clone()).collect::<Vec<_>>()
                )),
            }
        }
        let extra = r
            .quotes
            .iter()
            .filter(|q| !c.expected.iter().any(|(_, _, p)| q.text.contains(p.as_str())))
            .count();
        predicted_right += r.quotes.len() - extra;
        if extra > 0 {
            report.push(format!(
                "{}: {extra} unexpected quote(s): {:?}",
                c.name,
                r.quotes.iter().map(|q| q.text.clone()).collect::<Vec<_>>()
            ));
        }
    }
    let precision = predicted_right as f64 / predicted_n.max(1) as f64;
    let recall = found_n as f64 / expected_n.max(1) as f64;
    let speaker = speaker_right as f64 / found_n.max(1) as f64;
    let kind = kind_right as f64 / found_n.max(1) as f64;
    eprintln!(
        "golden: {} cases, {expected_n} expected quotes; precision {precision:.3}, recall {recall:.3}, speaker accuracy {speaker:.3}, kind accuracy {kind:.3}",
        cases.len()
    );
    for r in &report {
        eprintln!("  {r}");
    }
    assert!(
        precision >= 0.97 && recall >= 0.97 && speaker >= 0.97 && kind >= 0.97,
        "below the floors (0.97, at most one slip in 65 cases): P {precision:.3} R {recall:.3} speaker {speaker:.3} kind {kind:.3}\n{}",
        report.join("\n")
    );
}
