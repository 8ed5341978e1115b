//! An explainable topic classifier: weighted cue terms per topic, each hit reported as evidence.
//! A briefing can pass its own topic list; [`default_topics`] is the war briefing's.

use crate::lexicon::TOPICS;

#[derive(Debug, Clone)]
pub struct TopicDef {
    pub slug: String,
    pub label: String,
    /// (lowercase term or word prefix, weight)
    pub terms: Vec<(String, f32)>,
}

pub fn default_topics() -> Vec<TopicDef> {
    TOPICS
        .iter()
        .map(|(slug, label, terms)| TopicDef {
            slug: slug.to_string(),
            label: label.to_string(),
            terms: terms.iter().map(|(t, w)| (t.to_string(), *w)).collect(),
        })
        .collect()
}

/// Why a topic list was refused, with the line it is about (1-based).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopicListError {
    pub line: usize,
    pub message: String,
}

impl std::fmt::Display for TopicListError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for TopicListError {}

/// Most topics one list may have, and most terms per topic.
pub const MAX_TOPICS: usize = 50;
pub const MAX_TERMS: usize = 200;

/// Reads a briefing's own topic list, one topic per line: `slug | Label | term, term:weight, prefix…`.
/// A term matches at the start of a word, so `negotiat` matches "negotiations"; its weight (default 1,
/// at most 10) is what one mention adds. Blank lines and lines starting with `#` are ignored.
///
/// ```text
/// # energy and the grid
/// energy | Energy | power plant:3, blackout:2, substation:2, grid
/// ```
pub fn parse_topics(text: &str) -> Result<Vec<TopicDef>, TopicListError> {
    let mut out: Vec<TopicDef> = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let err = |m: String| TopicListError { line, message: m };
        let l = raw.trim();
        if l.is_empty() || l.starts_with('#') {
            continue;
        }
        let parts: Vec<&str> = l.splitn(3, '|').map(str::trim).collect();
        let [slug, label, terms] = parts[..] else {
            return Err(err("write `slug | Label | term, term:weight, …`".into()));
        };
        let slug_ok = !slug.is_empty()
            && slug.len() <= 40
            && slug
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if !slug_ok {
            return Err(err(format!("slug {slug:?}: 1 to 40 of a-z, 0-9 and -")));
        }
        if out.iter().any(|t| t.slug == slug) {
            return Err(err(format!("topic {slug:?} is defined twice")));
        }
        if label.is_empty() || label.chars().count() > 80 {
            return Err(err("a label is 1 to 80 characters".into()));
        }
        let mut defs = Vec::new();
        for t in terms.split(',').map(str::trim).filter(|t| !t.is_empty()) {
            let (term, weight) = match t.rsplit_once(':') {
                Some((term, w)) => {
                    let w: f32 = w
                        .trim()
                        .parse()
                        .map_err(|_| err(format!("term {t:?}: the weight after ':' is a number")))?;
                    (term.trim(), w)
                }
                None => (t, 1.0),
            };
            if !(weight > 0.0 && weight <= 10.0) {
                return Err(err(format!("term {t:?}: a weight is more than 0 and at most 10")));
            }
            let term = term.to_lowercase();
            if term.is_empty() || term.chars().count() > 60 {
                return Err(err(format!("term {t:?}: 1 to 60 characters")));
            }
            defs.push((term, weight));
        }
        if defs.is_empty() {
            return Err(err(format!("topic {slug:?} has no terms")));
        }
        if defs.len() > MAX_TERMS {
            return Err(err(format!("topic {slug:?} has more than {MAX_TERMS} terms")));
        }
        out.push(TopicDef {
            slug: slug.to_string(),
            label: label.to_string(),
            terms: defs,
        });
        if out.len() > MAX_TOPICS {
            return Err(err(format!("a list has at most {MAX_TOPICS} topics")));
        }
    }
    if out.is_empty() {
        return Err(TopicListError {
            line: 0,
            message: "the list has no topics".into(),
        });
    }
    Ok(out)
}

/// A topic list in the format [`parse_topics`] reads (the defaults, to start a briefing's own list from).
pub fn format_topics(topics: &[TopicDef]) -> String {
    let mut s = String::new();
    for t in topics {
        let terms: Vec<String> = t
            .terms
            .iter()
            // (A term with a colon always carries its weight, so the colon reads back as part of it.)
            .map(|(term, w)| {
                if *w == 1.0 && !term.contains(':') {
                    term.clone()
                } else {
                    format!("{term}:{w}")
                }
            })
            .collect();
        s.push_str(&format!("{} | {} | {}\n", t.slug, t.label, terms.join(", ")));
    }
    s
}

pub use livebrief_model::reading::TopicScore;

/// Scores every topic on the text; topics below `min_score` are left out. Sorted, best first.
pub fn classify(text: &str, topics: &[TopicDef], min_score: f32) -> Vec<TopicScore> {
    let lower = crate::text::lowercase(text);
    let words = lower
        .split(|c: char| !(crate::text::alphanumeric(c) || c == '-'))
        .filter(|w| !w.is_empty())
        .count()
        .max(1);
    let mut out = Vec::new();
    for t in topics {
        let mut score = 0.0;
        let mut evidence = Vec::new();
        for (term, w) in &t.terms {
            let n = lower
                .match_indices(term.as_str())
                .filter(|(i, _)| {
                    lower[..*i]
                        .chars()
                        .next_back()
                        .is_none_or(|c| !crate::text::alphanumeric(c))
                })
                .count();
            if n > 0 {
                score += w * (1.0 + (n as f32).ln());
                evidence.push((term.clone(), n));
            }
        }
        // Long texts mention everything once; normalise gently by length.
        let score = score / (1.0 + (words as f32 / 400.0)).sqrt();
        if score >= min_score {
            out.push(TopicScore {
                slug: t.slug.clone(),
                label: t.label.clone(),
                score,
                evidence,
            });
        }
    }
    out.sort_by(|a, b| b.score.total_cmp(&a.score));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn topic_lists_round_trip_and_refuse_bad_lines() {
        let defaults = default_topics();
        let back = parse_topics(&format_topics(&defaults)).expect("the defaults parse");
        assert_eq!(back.len(), defaults.len());
        for (a, b) in back.iter().zip(&defaults) {
            assert_eq!((&a.slug, &a.label, &a.terms), (&b.slug, &b.label, &b.terms));
        }
        let own = parse_topics("# grid\nenergy | Energy | Power Plant:3, blackout:2.5, grid\n\n").expect("parses");
        assert_eq!(
            own[0].terms,
            vec![
                ("power plant".into(), 3.0),
                ("blackout".into(), 2.5),
                ("grid".into(), 1.0)
            ]
        );
        for (bad, line) in [
            ("energy | Energy", 1),
            ("Energy! | Energy | grid", 1),
            ("energy | Energy | grid:x", 1),
            ("energy | Energy | grid:0", 1),
            ("energy | Energy | grid:11", 1),
            ("energy |  | grid", 1),
            ("energy | Energy | ,", 1),
            ("a | A | x\na | B | y", 2),
            ("# only a comment", 0),
        ] {
            let e = parse_topics(bad).expect_err(bad);
            assert_eq!(e.line, line, "{bad}: {e}");
        }
        let many: String = (0..=MAX_TOPICS).map(|i| format!("t{i} | T | x\n")).collect();
        assert!(parse_topics(&many).is_err());
    }

    #[test]
    fn a_briefings_own_topics_classify_with_evidence() {
        let own = parse_topics("energy | Energy | blackout:2, substation:2, grid").expect("parses");
        let r = classify(
            "A blackout hit Odesa after a strike on a substation; the grid is unstable.",
            &own,
            0.5,
        );
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].slug, "energy");
        let terms: Vec<&str> = r[0].evidence.iter().map(|(t, _)| t.as_str()).collect();
        assert_eq!(terms, vec!["blackout", "substation", "grid"]);
    }
}
