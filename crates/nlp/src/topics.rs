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

#[derive(Debug, Clone)]
pub struct TopicScore {
    pub slug: String,
    pub label: String,
    pub score: f32,
    /// (term, count)
    pub evidence: Vec<(String, usize)>,
}

/// Scores every topic on the text; topics below `min_score` are left out. Sorted, best first.
pub fn classify(text: &str, topics: &[TopicDef], min_score: f32) -> Vec<TopicScore> {
    let lower = text.to_lowercase();
    let words = lower
        .split(|c: char| !(c.is_alphanumeric() || c == '-'))
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
                .filter(|(i, _)| lower[..*i].chars().next_back().is_none_or(|c| !c.is_alphanumeric()))
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
