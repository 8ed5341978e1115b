//! The background prior of the document frequencies: how often a word occurs in general English, Ukrainian and
//! Russian, so that the IDF means something from a stream's first report on.
//!
//! The data (`data/df-prior.tsv.gz`, built once by `scripts/build-df-prior.py` from the word lists of wordfreq 3.1.1,
//! CC BY-SA 4.0; see `data/ATTRIBUTION.md`) holds the crate's own terms: lowercased words, function words left out,
//! cut to their first 6 characters, with the frequency of each stem as a token, in centibels. It is compiled in and
//! parsed once per stem length on first use; nothing is read at run time.
//!
//! A token frequency `f` becomes the probability that a report contains the term under a Poisson model of a report
//! of [`REPORT_WORDS`] words: `p = 1 − exp(−f · REPORT_WORDS)`. Content words are bursty (a report that has
//! "earthquake" has it several times), so this overestimates how many reports have them: the prior errs towards
//! lower IDF, never inventing a distinctive word.

use std::io::Read;
use std::sync::OnceLock;

use crate::text::prefix;

const DATA: &[u8] = include_bytes!("../data/df-prior.tsv.gz");

/// The stem length the data is cut to.
pub(crate) const DATA_STEM: usize = 6;

/// The length of the report the prior's probabilities are for, in words (function words included): a short news
/// report. The ECB+ development documents have a median of 227 words, the synthetic newsroom's about 100, wire
/// stories 300-700.
pub(crate) const REPORT_WORDS: f64 = 300.0;

/// Word features (hashed as the grouper hashes a word of this stem length) with the probability that a report of
/// general language contains them, sorted by feature.
#[derive(Debug)]
pub(crate) struct Prior {
    terms: Vec<(u32, f32)>,
}

impl Prior {
    /// The probability that a report of general language has the term; 0 for a term the data does not know (a rare
    /// word, a name, a number, a day).
    pub(crate) fn probability(&self, term: u32) -> f32 {
        match self.terms.binary_search_by_key(&term, |e| e.0) {
            Ok(i) => self.terms[i].1,
            Err(_) => 0.0,
        }
    }

    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.terms.len()
    }

    /// The prior for words cut to `stem` characters (1-6; the data's stems folded to shorter ones, adding up their
    /// frequencies), hashed with `feature`. `None` for longer stems and whole words (0), which the data cannot
    /// tell apart.
    fn build(stem: usize, feature: impl Fn(&str) -> u32) -> Prior {
        let mut text = String::new();
        // The data is compiled in and checked by a test; were it unreadable, the prior would be empty and the IDF
        // would be the stream's alone, as before the prior existed.
        if flate2::read::GzDecoder::new(DATA).read_to_string(&mut text).is_err() {
            text.clear();
        }
        let mut freq: Vec<(u32, f64)> = Vec::new();
        for line in text.lines() {
            let Some((s, cb)) = line.split_once('\t') else { continue };
            let Ok(cb) = cb.trim().parse::<f64>() else { continue };
            freq.push((feature(prefix(s, stem)), 10f64.powf(-cb / 100.0)));
        }
        freq.sort_unstable_by_key(|e| e.0);
        let mut terms: Vec<(u32, f32)> = Vec::with_capacity(freq.len());
        for run in freq.chunk_by(|a, b| a.0 == b.0) {
            let f: f64 = run.iter().map(|e| e.1).sum::<f64>().min(1.0);
            terms.push((run[0].0, (1.0 - (-f * REPORT_WORDS).exp()) as f32));
        }
        Prior { terms }
    }
}

/// The prior for the grouper's stem length, built on first use and shared; `None` where the data's 6-character
/// stems cannot stand for the terms (longer stems, whole words).
pub(crate) fn for_stem(stem: usize) -> Option<&'static Prior> {
    static PRIORS: [OnceLock<Prior>; DATA_STEM + 1] = [const { OnceLock::new() }; DATA_STEM + 1];
    if stem == 0 || stem > DATA_STEM {
        return None;
    }
    Some(PRIORS[stem].get_or_init(|| Prior::build(stem, crate::grouper::word_feature)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(s: &str) -> u32 {
        crate::text::hash_bytes(1, s.as_bytes()) as u32
    }

    #[test]
    fn the_data_reads_and_knows_common_words_from_rare_ones() {
        let p = Prior::build(6, h);
        assert!(p.len() > 30_000, "{}", p.len());
        let people = p.probability(h("people"));
        let strike = p.probability(h("strike"));
        assert!(people > 0.2 && people < 1.0, "{people}");
        assert!(strike > 0.001 && strike < people, "{strike}");
        assert!(p.probability(h("харків")) > 0.0, "Ukrainian is in");
        assert!(p.probability(h("кремль")) > 0.0, "Russian is in");
        assert_eq!(p.probability(h("saltivskyi")), 0.0);
        // Folded to shorter stems, probabilities only grow.
        let p4 = Prior::build(4, h);
        assert!(p4.probability(h("stri")) >= strike);
        assert!(for_stem(0).is_none() && for_stem(8).is_none());
        let word = for_stem(6).expect("a prior for 6-character stems");
        assert!(word.probability(crate::grouper::word_feature("people")) > 0.2);
    }
}
