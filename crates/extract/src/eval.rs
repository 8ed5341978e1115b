//! The article-extraction benchmark's metric (scrapinghub/article-extraction-benchmark), as defined in
//! ../shared/data/extraction/README.md: 4-token shingles of `\w+` tokens, per-page counts normalised so
//! each page weighs the same, precision and recall averaged over pages, F1 of the averages, and accuracy
//! as the share of pages whose token lists are identical.

use std::collections::HashMap;

/// Maximal runs of word characters (letters, digits, underscore), case kept.
pub fn tokens(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        let word = c.is_alphanumeric() || c == '_';
        match (word, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                out.push(&text[s..i]);
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push(&text[s..]);
    }
    out
}

fn shingles<'t>(toks: &[&'t str]) -> HashMap<Vec<&'t str>, u32> {
    let mut m = HashMap::new();
    if toks.is_empty() {
        return m;
    }
    if toks.len() < 4 {
        *m.entry(toks.to_vec()).or_insert(0) += 1;
        return m;
    }
    for w in toks.windows(4) {
        *m.entry(w.to_vec()).or_insert(0) += 1;
    }
    m
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PageScore {
    pub tp: f64,
    pub fp: f64,
    pub fn_: f64,
    pub exact: bool,
}

impl PageScore {
    pub fn precision(&self) -> f64 {
        if self.fp == 0.0 && self.fn_ == 0.0 {
            1.0
        } else if self.tp + self.fp == 0.0 {
            0.0
        } else {
            self.tp / (self.tp + self.fp)
        }
    }
    pub fn recall(&self) -> f64 {
        if self.fp == 0.0 && self.fn_ == 0.0 {
            1.0
        } else if self.tp + self.fn_ == 0.0 {
            0.0
        } else {
            self.tp / (self.tp + self.fn_)
        }
    }
}

pub fn score_page(truth: &str, prediction: &str) -> PageScore {
    let tt = tokens(truth);
    let pt = tokens(prediction);
    let ts = shingles(&tt);
    let ps = shingles(&pt);
    let (mut tp, mut fp, mut fn_) = (0u64, 0u64, 0u64);
    for (k, &t) in &ts {
        let p = ps.get(k).copied().unwrap_or(0);
        tp += t.min(p) as u64;
        fn_ += t.saturating_sub(p) as u64;
    }
    for (k, &p) in &ps {
        let t = ts.get(k).copied().unwrap_or(0);
        fp += p.saturating_sub(t) as u64;
    }
    let total = (tp + fp + fn_) as f64;
    let norm = |x: u64| if total > 0.0 { x as f64 / total } else { 0.0 };
    PageScore {
        tp: norm(tp),
        fp: norm(fp),
        fn_: norm(fn_),
        exact: tt == pt,
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Summary {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    pub accuracy: f64,
    pub pages: usize,
}

pub fn summarize(scores: &[PageScore]) -> Summary {
    let mean = |v: Vec<f64>| {
        if v.is_empty() {
            0.0
        } else {
            v.iter().sum::<f64>() / v.len() as f64
        }
    };
    let precision = mean(
        scores
            .iter()
            .filter(|s| s.tp + s.fp > 0.0)
            .map(PageScore::precision)
            .collect(),
    );
    let recall = mean(
        scores
            .iter()
            .filter(|s| s.tp + s.fn_ > 0.0)
            .map(PageScore::recall)
            .collect(),
    );
    let f1 = if precision + recall > 0.0 {
        2.0 * precision * recall / (precision + recall)
    } else {
        0.0
    };
    let accuracy = if scores.is_empty() {
        0.0
    } else {
        scores.iter().filter(|s| s.exact).count() as f64 / scores.len() as f64
    };
    Summary {
        precision,
        recall,
        f1,
        accuracy,
        pages: scores.len(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metric_edge_cases() {
        assert_eq!(
            tokens("Kyiv's 30-day cease-fire, Київ!"),
            vec!["Kyiv", "s", "30", "day", "cease", "fire", "Київ"]
        );
        let same = score_page("one two three four five", "one two three four five");
        assert_eq!((same.precision(), same.recall(), same.exact), (1.0, 1.0, true));
        let none = score_page("one two three four five", "");
        assert_eq!((none.precision(), none.recall()), (0.0, 0.0));
        assert_eq!(
            none.tp + none.fp,
            0.0,
            "an empty prediction is left out of the precision mean"
        );
        let half = score_page("a b c d e", "a b c d x y");
        // truth shingles: abcd, bcde; prediction: abcd, bcdx, cdxy -> tp 1, fp 2, fn 1, each / 4
        assert!((half.precision() - 1.0 / 3.0).abs() < 1e-9);
        assert!((half.recall() - 0.5).abs() < 1e-9);
        let short = score_page("hi there", "hi there");
        assert!(short.exact && short.precision() == 1.0);
        let s = summarize(&[same, none, half]);
        assert!((s.precision - (1.0 + 1.0 / 3.0) / 2.0).abs() < 1e-9);
        assert!((s.recall - (1.0 + 0.0 + 0.5) / 3.0).abs() < 1e-9);
        assert!((s.accuracy - 1.0 / 3.0).abs() < 1e-9);
    }
}
