//! Online grouping of reports into developments (placeholder docs, expanded below).

mod grouper;
mod minhash;
mod stop;
mod text;
mod vector;

pub use grouper::Grouper;
pub use minhash::{MinHasher, NearDuplicateIndex, Signature, optimal_bands};

use jiff::civil::Date;

/// What the grouper sees of one report.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Doc {
    pub title: String,
    pub text: String,
    pub published: Option<Date>,
    /// The outlet, e.g. "reuters.com".
    pub source: Option<String>,
    /// BCP 47, "en", "uk", "ru".
    pub language: String,
    /// Canonical names from the machine reading.
    pub people: Vec<String>,
    pub organizations: Vec<String>,
    /// Canonical place names.
    pub places: Vec<String>,
    /// Names of the people quoted.
    pub speakers: Vec<String>,
    /// Days the text speaks of (statement dates, resolved date mentions).
    pub dates: Vec<Date>,
}

/// A report's id (the store's report id).
pub type DocId = u64;
/// A group's id, chosen by the caller (the store's development id).
pub type GroupId = u64;

/// The grouper's parameters. `Default` gives the principled defaults documented at the crate level.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// A report joins the best-scoring group when its score reaches this; else it starts a new one.
    pub threshold: f32,
    /// Weight of the words (TF-IDF cosine to the group's centroid) in the score.
    pub text_weight: f32,
    /// Weight of the named people, organisations, places and speakers (who, where).
    pub entity_weight: f32,
    /// Weight of the numbers and codes in the text (how many).
    pub number_weight: f32,
    /// Weight of the days: publication date and the days the text speaks of (when).
    pub date_weight: f32,
    /// The share of the score taken away when the report and the group are both dated and share no day (±1): a
    /// development is one event, and reports of it speak of its day. 1 keeps them apart whatever the words say.
    pub date_conflict: f32,
    /// A group stops being a candidate for a report none of whose days lies within this many days of the group's
    /// days.
    pub window_days: i64,
    /// Words are cut to this many characters before counting (truncation stemming; 0 keeps whole words).
    pub stem: usize,
    /// The heaviest terms kept per report.
    pub doc_terms: usize,
    /// The heaviest terms kept per group centroid.
    pub group_terms: usize,
    /// A group is found through this many of its heaviest terms and entities.
    pub index_terms: usize,
    /// Words per shingle for near-duplicates.
    pub shingle: usize,
    /// MinHash bins per signature.
    pub num_perm: usize,
    /// Estimated Jaccard resemblance of shingles at or above which a report is a near-duplicate.
    pub near_duplicate: f32,
    /// LSH bands and rows; `None` chooses them with [`optimal_bands`] for `near_duplicate` and `num_perm`.
    pub bands: Option<(usize, usize)>,
    /// At most this many reports are held; the oldest inserted is forgotten first.
    pub max_docs: usize,
    /// Counters of the hashed document-frequency table.
    pub df_buckets: usize,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            threshold: 0.2,
            text_weight: 0.4,
            entity_weight: 0.2,
            number_weight: 0.2,
            date_weight: 0.2,
            date_conflict: 0.5,
            window_days: 90,
            stem: 6,
            doc_terms: 128,
            group_terms: 512,
            index_terms: 32,
            shingle: 4,
            num_perm: 64,
            near_duplicate: 0.5,
            bands: None,
            max_docs: 50_000,
            df_buckets: 1 << 20,
        }
    }
}

impl Config {
    /// The channel weights, negative ones read as 0.
    pub(crate) fn channel_weights(&self) -> [f32; 4] {
        [
            self.text_weight,
            self.entity_weight,
            self.number_weight,
            self.date_weight,
        ]
        .map(|w| w.max(0.0))
    }

    /// The LSH bands and rows in use.
    pub fn lsh_bands(&self) -> (usize, usize) {
        self.bands
            .unwrap_or_else(|| optimal_bands(self.near_duplicate, self.num_perm))
    }
}

/// How a report's days relate to a group's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateEvidence {
    /// One of them is undated.
    Unknown,
    /// They share a day (±1).
    Agree,
    /// Both dated, no day shared.
    Disagree,
}

/// Why a decision was taken: the signals for the best group.
#[derive(Debug, Clone, PartialEq)]
pub struct Signals {
    /// TF-IDF cosine of the words to the group's centroid.
    pub text: f32,
    /// Cosine of the named people, organisations, places and speakers, when both sides have some.
    pub entities: Option<f32>,
    /// Cosine of the numbers, when both sides have some.
    pub numbers: Option<f32>,
    /// Cosine of the time granules (day, week, month, year), when both sides are dated.
    pub when: Option<f32>,
    /// Whether the report and the group share a day (±1).
    pub dates: DateEvidence,
    /// Estimated resemblance to the near-duplicate, when there is one.
    pub resemblance: Option<f32>,
    /// Groups scored.
    pub candidates: usize,
}

/// Which group a report belongs to.
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    /// The group to join; `None`: start a new one.
    pub group: Option<GroupId>,
    /// A held report this one is a near-duplicate of (then `group` is that report's group).
    pub near_duplicate_of: Option<DocId>,
    /// The score of the best group (0 when there was no candidate).
    pub score: f32,
    pub signals: Signals,
}

/// Groups documents online, in the given order: each joins the group [`Grouper::assign`] names or starts a new one.
/// Group ids are 0, 1, 2, … in order of creation.
pub fn group_all(docs: &[Doc], config: &Config) -> Vec<GroupId> {
    let mut g = Grouper::new(Config {
        max_docs: config.max_docs.max(docs.len()),
        ..config.clone()
    });
    let mut next: GroupId = 0;
    let mut out = Vec::with_capacity(docs.len());
    for (i, doc) in docs.iter().enumerate() {
        let gid = g.assign(doc).group.unwrap_or_else(|| {
            next += 1;
            next - 1
        });
        g.insert(i as DocId, doc, gid);
        out.push(gid);
    }
    out
}
