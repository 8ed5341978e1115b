//! The quote-attribution metric of ../shared/data/quotes/README.md (the same definition as the reference
//! scorer ../shared/tools/quote_eval.py, which this must agree with).

/// A set of code points as sorted, merged half-open intervals.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CharSet(Vec<(usize, usize)>);

impl CharSet {
    pub fn new(spans: &[(usize, usize)]) -> Self {
        let mut v: Vec<(usize, usize)> = spans.iter().copied().filter(|(a, b)| b > a).collect();
        v.sort();
        let mut out: Vec<(usize, usize)> = Vec::with_capacity(v.len());
        for (a, b) in v {
            match out.last_mut() {
                Some(last) if a <= last.1 => last.1 = last.1.max(b),
                _ => out.push((a, b)),
            }
        }
        CharSet(out)
    }
    pub fn len(&self) -> usize {
        self.0.iter().map(|(a, b)| b - a).sum()
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    pub fn intersection(&self, o: &CharSet) -> usize {
        let (mut i, mut j, mut n) = (0, 0, 0);
        while i < self.0.len() && j < o.0.len() {
            let (a, b) = self.0[i];
            let (c, d) = o.0[j];
            let lo = a.max(c);
            let hi = b.min(d);
            if hi > lo {
                n += hi - lo;
            }
            if b < d { i += 1 } else { j += 1 }
        }
        n
    }
    pub fn jaccard(&self, o: &CharSet) -> f64 {
        if self.is_empty() || o.is_empty() {
            return 0.0;
        }
        let inter = self.intersection(o);
        inter as f64 / (self.len() + o.len() - inter) as f64
    }
}

pub struct Gold {
    pub content: CharSet,
    pub direct: bool,
    pub speech: bool,
    pub source: Option<CharSet>,
    pub source_text: Option<String>,
}

pub struct Predicted {
    pub content: CharSet,
    pub speaker_span: CharSet,
    /// The speaker's resolved name and mention text, as one string (what the reference joins).
    pub speaker_names: String,
}

/// `{"spans": [[a, b], …]}` as intervals (missing or malformed: none).
fn spans_of(v: &serde_json::Value) -> Vec<(usize, usize)> {
    v.get("spans")
        .and_then(serde_json::Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|s| Some((s.get(0)?.as_u64()? as usize, s.get(1)?.as_u64()? as usize)))
                .collect()
        })
        .unwrap_or_default()
}

impl Gold {
    /// The gold attributions of one record of the quotes set (`attributions`: `content`, `kind`, `speech`, `source`).
    pub fn of_record(rec: &serde_json::Value) -> Vec<Gold> {
        rec["attributions"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|g| Gold {
                        content: CharSet::new(&spans_of(&g["content"])),
                        direct: g["kind"].as_str() == Some("direct_or_mixed"),
                        speech: g["speech"].as_bool().unwrap_or(false),
                        source: g
                            .get("source")
                            .filter(|s| !s.is_null())
                            .map(|s| CharSet::new(&spans_of(s))),
                        source_text: g
                            .get("source")
                            .and_then(|s| s.get("text"))
                            .and_then(serde_json::Value::as_str)
                            .map(String::from),
                    })
                    .collect()
            })
            .unwrap_or_default()
    }
}

impl Predicted {
    /// The quotes of a reading as the metric sees them.
    pub fn of_reading(r: &livebrief_model::Reading) -> Vec<Predicted> {
        r.quotes
            .iter()
            .map(|q| Predicted {
                content: CharSet::new(&q.spans),
                speaker_span: q.speaker.as_ref().map(|s| CharSet::new(&[s.span])).unwrap_or_default(),
                speaker_names: q
                    .speaker
                    .as_ref()
                    .map(|s| format!("{} {}", s.name.as_deref().unwrap_or(""), s.text))
                    .unwrap_or_default(),
            })
            .collect()
    }
}

const PRON: &[&str] = &[
    "he", "she", "they", "it", "we", "i", "you", "him", "her", "them", "his", "its", "their",
];

/// Counters: gold, matched, speaker right (judged), speaker judged, attribution true positives.
#[derive(Debug, Clone, Copy, Default)]
pub struct Counts {
    pub gold: usize,
    pub matched: usize,
    pub speaker_right: usize,
    pub speaker_judged: usize,
    pub attribution_tp: usize,
}

#[derive(Debug, Clone, Copy, Default)]
pub struct Tally {
    pub all: Counts,
    pub direct: Counts,
    pub indirect: Counts,
    pub predictions: usize,
}

impl Tally {
    pub fn add_article(&mut self, gold: &[Gold], preds: &[Predicted]) {
        let speech: Vec<&Gold> = gold.iter().filter(|g| g.speech).collect();
        let other: Vec<&Gold> = gold.iter().filter(|g| !g.speech).collect();
        let preds: Vec<&Predicted> = preds.iter().filter(|p| !p.content.is_empty()).collect();
        let mut pairs: Vec<(f64, usize, usize)> = Vec::new();
        for (i, p) in preds.iter().enumerate() {
            for (j, g) in speech.iter().enumerate() {
                let s = p.content.jaccard(&g.content);
                if s >= 0.5 {
                    pairs.push((s, i, j));
                }
            }
        }
        // Greedy one-to-one by overlap; ties as Python's reverse tuple sort (higher indices first).
        pairs.sort_by(|a, b| b.0.total_cmp(&a.0).then(b.1.cmp(&a.1)).then(b.2.cmp(&a.2)));
        let mut used_p = vec![false; preds.len()];
        let mut used_g = vec![false; speech.len()];
        let mut matches = Vec::new();
        for (_, i, j) in pairs {
            if used_p[i] || used_g[j] {
                continue;
            }
            used_p[i] = true;
            used_g[j] = true;
            matches.push((i, j));
        }
        let ignored = preds
            .iter()
            .enumerate()
            .filter(|(i, p)| !used_p[*i] && other.iter().any(|o| p.content.jaccard(&o.content) >= 0.5))
            .count();
        self.predictions += preds.len() - ignored;
        for g in &speech {
            self.all.gold += 1;
            if g.direct {
                self.direct.gold += 1
            } else {
                self.indirect.gold += 1
            }
        }
        for (i, j) in matches {
            let g = speech[j];
            let p = preds[i];
            let judged = g.source.is_some();
            let right = match (&g.source, &g.source_text) {
                (Some(src), name) => {
                    let last = name
                        .as_deref()
                        .and_then(|n| n.split_whitespace().last())
                        .unwrap_or("")
                        .to_lowercase();
                    p.speaker_span.intersection(src) > 0
                        || (!last.is_empty()
                            && !PRON.contains(&last.as_str())
                            && p.speaker_names.to_lowercase().contains(&last))
                }
                (None, _) => true,
            };
            for c in [
                &mut self.all,
                if g.direct { &mut self.direct } else { &mut self.indirect },
            ] {
                c.matched += 1;
                c.speaker_judged += judged as usize;
                c.speaker_right += (right && judged) as usize;
                c.attribution_tp += right as usize;
            }
        }
    }

    pub fn report(&self) -> Report {
        let ratio = |a: usize, b: usize| if b == 0 { 0.0 } else { a as f64 / b as f64 };
        let f1 = |p: f64, r: f64| if p + r > 0.0 { 2.0 * p * r / (p + r) } else { 0.0 };
        let p = ratio(self.all.matched, self.predictions);
        let r = ratio(self.all.matched, self.all.gold);
        let ap = ratio(self.all.attribution_tp, self.predictions);
        let ar = ratio(self.all.attribution_tp, self.all.gold);
        Report {
            precision: p,
            recall: r,
            f1: f1(p, r),
            speaker_accuracy: ratio(self.all.speaker_right, self.all.speaker_judged),
            attribution_f1: f1(ap, ar),
            direct_recall: ratio(self.direct.matched, self.direct.gold),
            direct_speaker: ratio(self.direct.speaker_right, self.direct.speaker_judged),
            indirect_recall: ratio(self.indirect.matched, self.indirect.gold),
            indirect_speaker: ratio(self.indirect.speaker_right, self.indirect.speaker_judged),
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub struct Report {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    pub speaker_accuracy: f64,
    pub attribution_f1: f64,
    pub direct_recall: f64,
    pub direct_speaker: f64,
    pub indirect_recall: f64,
    pub indirect_speaker: f64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charset_jaccard() {
        let a = CharSet::new(&[(0, 10), (5, 12)]);
        assert_eq!(a.len(), 12);
        let b = CharSet::new(&[(6, 18)]);
        assert_eq!(a.intersection(&b), 6);
        assert!((a.jaccard(&b) - 6.0 / 18.0).abs() < 1e-12);
        assert_eq!(CharSet::new(&[]).jaccard(&a), 0.0);
    }
}
