//! Ukrainian and Russian quotes (tests/golden/quotes-uk.txt and quotes-ru.txt): every expected quote exactly
//! (text, kind, cue, speaker as written and its base form), precision and recall with floors, and every slip
//! named by its case.

use livebrief_nlp::{default_topics, read};

/// One expected quote: kind, text (pieces joined with " … "), cue, speaker as written, base form.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Expected {
    kind: String,
    text: String,
    cue: String,
    speaker: String,
    base: Option<String>,
}

struct Case {
    name: String,
    text: String,
    expected: Vec<Expected>,
}

/// Parses `⟦K:…⟧` (quotes, `⟦+…⟧` a further piece), `{…}` (cues) and `<…>` / `<as written=base>` (speakers)
/// out of a marked-up line; returns the plain text and the expected quotes.
fn parse(name: &str, marked: &str) -> Case {
    let marked = marked.replace('⏎', "\n");
    let mut text = String::new();
    let mut quotes: Vec<(String, Vec<String>)> = Vec::new();
    let (mut cues, mut speakers) = (Vec::new(), Vec::new());
    let mut rest = marked.as_str();
    while let Some(c) = rest.chars().next() {
        let close = match c {
            '⟦' => '⟧',
            '{' => '}',
            '<' => '>',
            _ => {
                text.push(c);
                rest = &rest[c.len_utf8()..];
                continue;
            }
        };
        let body_start = c.len_utf8();
        let end = rest
            .find(close)
            .unwrap_or_else(|| panic!("case {name}: no closing {close}"));
        let body = &rest[body_start..end];
        rest = &rest[end + close.len_utf8()..];
        match c {
            '⟦' => {
                if let Some(piece) = body.strip_prefix('+') {
                    text.push_str(piece);
                    quotes
                        .last_mut()
                        .expect("a piece after a quote")
                        .1
                        .push(piece.to_string());
                } else {
                    let (kind, piece) = body.split_once(':').expect("⟦K:…⟧");
                    let kind = match kind {
                        "d" => "direct",
                        "i" => "indirect",
                        "m" => "mixed",
                        k => panic!("case {name}: kind {k}"),
                    };
                    text.push_str(piece);
                    quotes.push((kind.to_string(), vec![piece.to_string()]));
                }
            }
            '{' => {
                text.push_str(body);
                cues.push(body.to_string());
            }
            _ => {
                let (written, base) = match body.split_once('=') {
                    Some((w, "")) => (w, None),
                    Some((w, b)) => (w, Some(b.to_string())),
                    None => (body, Some(body.trim_matches(|c| matches!(c, '«' | '»')).to_string())),
                };
                text.push_str(written);
                speakers.push((written.to_string(), base));
            }
        }
    }
    assert!(
        cues.len() == quotes.len() && speakers.len() == quotes.len(),
        "case {name}: {} quotes, {} cues, {} speakers",
        quotes.len(),
        cues.len(),
        speakers.len()
    );
    let expected = quotes
        .into_iter()
        .zip(cues)
        .zip(speakers)
        .map(|(((kind, pieces), cue), (speaker, base))| Expected {
            kind,
            text: pieces.iter().map(|p| p.trim()).collect::<Vec<_>>().join(" … "),
            cue,
            speaker,
            base,
        })
        .collect();
    Case {
        name: name.to_string(),
        text,
        expected,
    }
}

fn cases(src: &str) -> Vec<Case> {
    src.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let (name, marked) = l.split_once(" :: ").unwrap_or_else(|| panic!("bad line {l}"));
            parse(name.trim(), marked)
        })
        .collect()
}

/// Precision and recall of exact quotes over the cases, with the slips named.
fn score(cases: &[Case]) -> (f64, f64, Vec<String>) {
    let date = jiff::civil::Date::constant(2025, 3, 13);
    let topics = default_topics();
    let (mut expected_n, mut predicted_n, mut right) = (0, 0, 0);
    let mut slips = Vec::new();
    for c in cases {
        let r = read(&c.text, date, &topics);
        let got: Vec<Expected> = r
            .quotes
            .iter()
            .map(|q| Expected {
                kind: q.kind.as_str().to_string(),
                text: q.text.clone(),
                cue: q.cue.as_ref().map(|(c, _)| c.clone()).unwrap_or_default(),
                speaker: q.speaker.as_ref().map(|s| s.text.clone()).unwrap_or_default(),
                base: q.speaker.as_ref().and_then(|s| s.name.clone()),
            })
            .collect();
        expected_n += c.expected.len();
        predicted_n += got.len();
        for e in &c.expected {
            if got.contains(e) {
                right += 1;
            } else {
                slips.push(format!("{}: missed {e:?}", c.name));
            }
        }
        for g in &got {
            if !c.expected.contains(g) {
                slips.push(format!("{}: unexpected {g:?}", c.name));
            }
        }
    }
    (
        right as f64 / predicted_n.max(1) as f64,
        right as f64 / expected_n.max(1) as f64,
        slips,
    )
}

fn check(lang: &str, src: &str) {
    let cases = cases(src);
    let quotes: usize = cases.iter().map(|c| c.expected.len()).sum();
    let traps = cases.iter().filter(|c| c.expected.is_empty()).count();
    let (p, r, slips) = score(&cases);
    eprintln!(
        "{lang}: {} cases ({traps} with no quote), {quotes} expected quotes; exact precision {p:.3}, recall {r:.3}",
        cases.len()
    );
    for s in &slips {
        eprintln!("  {s}");
    }
    assert!(cases.len() >= 150, "{lang}: only {} cases", cases.len());
    assert!(
        p >= 0.95 && r >= 0.95,
        "{lang}: below the floors (0.95): P {p:.3} R {r:.3}\n{}",
        slips.join("\n")
    );
}

#[test]
fn ukrainian_golden_quotes() {
    check("uk", include_str!("../golden/quotes-uk.txt"));
}

#[test]
fn russian_golden_quotes() {
    check("ru", include_str!("../golden/quotes-ru.txt"));
}

#[test]
fn genitive_names_come_back_to_the_nominative() {
    use livebrief_nlp::genitive_to_nominative as n;
    for (g, want) in [
        ("Пєскова", "Пєсков"),
        ("Зеленського", "Зеленський"),
        ("Захарової", "Захарова"),
        ("Марии", "Мария"),
        ("Захаровой", "Захарова"),
        ("Дмитра", "Дмитро"),
        ("Сергія", "Сергій"),
        ("Путина", "Путин"),
        ("Шойгу", "Шойгу"),
        ("НАТО", "НАТО"),
    ] {
        assert_eq!(n(g), want, "{g}");
    }
}
