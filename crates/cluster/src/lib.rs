//! Online grouping of reports into developments, and near-duplicates.
//!
//! Reports about a fast-moving story arrive from many outlets. A [`Grouper`] decides, one report at a time, whether
//! a report belongs to a development it already holds ([`Grouper::assign`]), learns it once the caller has stored
//! the decision ([`Grouper::insert`]), says when a group should be split or merged as the stream goes on
//! ([`Grouper::split_of`], [`Grouper::merge_of`]), and follows the editor's corrections ([`Grouper::move_doc`],
//! [`Grouper::merge`], [`Grouper::remove`]). It also says when a report is a near-duplicate of one it holds (the same
//! wire story on five sites). Pure: documents in, decisions out; no IO, no clock, no randomness.
//!
//! # The method
//!
//! Single-pass clustering as in topic detection and tracking (Allan, Papka and Lavrenko 1998; Yang, Pierce and
//! Carbonell 1998): each report is compared with the centroids of the groups that are candidates for it and joins
//! the best one if the score reaches [`Config::threshold`], else starts a new group. What is compared:
//!
//! - **Words** (what happened). Runs of letters and digits, lowercased; English, Ukrainian and Russian function
//!   words dropped; cut to their first [`Config::stem`] (6) characters, a language-agnostic truncation stemmer
//!   that folds "strikes/striking" and Ukrainian and Russian case endings (McNamee and Mayfield 2004). Weighted
//!   `(1 + ln tf) · idf`, where a word counts in full within a report's first [`Config::lead_words`] (100) words,
//!   headline included, and `100 / (i + 1)` at position `i` after them: the inverted pyramid of news writing puts
//!   what happened first, and a report's last paragraphs often recall other events ("early on Thursday, a drone
//!   attack had wounded five people on the other side of the city"), which make two events on one city look alike. The IDF is learned online from the reports inserted so far on top of a **background
//!   prior** from general language: `ln((N + m + 1) / (df + m·p + 0.5))`, where `p` is the probability that a
//!   report of general English, Ukrainian or Russian has the word (word frequencies of wordfreq 3.1.1 turned into a
//!   report's chance of holding the word, Poisson over a 300-word report; see the `prior` module and
//!   `data/ATTRIBUTION.md`) and `m` ([`Config::prior_weight`], 100) says how many reports the prior is worth. From
//!   the first report on, "people", "city" and "told" weigh little and a name or a rare word much; as the stream
//!   grows its own counts take over, so it fits the stream's language and subject: in a war briefing "Kharkiv" and
//!   "drone" soon weigh little, "substation" and "Saltivskyi" much. Names, numbers and days have no prior (`p` = 0).
//!   A hundred reports is about a day of a busy briefing: by then the stream's counts weigh as much as general
//!   language's.
//! - **Who and where**: the people, organisations, places and speakers the reading found, one feature each, IDF
//!   weighted the same way (after Kumaran and Allan 2004: named entities as their own vector).
//! - **How many**: numbers and codes in the text ("23", "6.1", "20-13", "mh17"): the same event is reported with
//!   the same counts, a similar one with other counts.
//! - **When**: every day of the report (publication date and the days the text speaks of) as four features of
//!   growing span: the day, its ISO week, its month, its year. With IDF weights a shared day counts most and a
//!   shared year least, without a hand-made decay.
//!
//! Each channel is a unit vector (the heaviest [`Config::doc_terms`] features); a group keeps, per channel, the sum
//! of its members' vectors. The score of a report against a group:
//!
//! 1. the cosine per channel, averaged with the weights [`Config::text_weight`] 0.4, [`Config::entity_weight`],
//!    [`Config::number_weight`] and [`Config::date_weight`] 0.2 each (the words as much as the three facts
//!    together). A channel neither side has is left out; one only one side has counts as 0: a report joins on
//!    evidence both share;
//! 2. at most the text cosine: **the words decide and the facts can only take away**. In a live briefing most
//!    reports of a day share a place, a date and often a speaker; on their own those say little ("two strikes on
//!    Kharkiv on one day", "the Kremlin spokesman on two subjects"), while a report whose words match but whose
//!    counts, names and days do not is probably a similar event;
//! 3. times `1 − date_conflict` (¾) when both are dated and share no day (±1 day, for reports published the day
//!    after): a development is one dated event, and the reports of it speak of its day. A quarter only, because the
//!    days already count once as a channel, and reports more than [`Config::window_days`] apart are not compared at
//!    all: what the conflict decides is a follow-up days or weeks later against another event of the same kind.
//!
//! The threshold 0.2 reads "a fifth of the evidence is shared"; it was not searched for. **While the stream is young
//! the threshold is higher**: `0.2 + cold_start · c / (N + c)` after N reports ([`Config::cold_start`] 0.25,
//! [`Config::cold_start_reports`] c = 50; [`Grouper::threshold_now`]), 0.45 at the first report, 0.37 after twenty,
//! 0.28 after a hundred. The prior knows general language but not the briefing: in the first reports of a war
//! briefing "Kharkiv", "Peskov" and "Kremlin" weigh as much as an event's own words, so two strikes on one city or
//! one spokesman on two subjects score as high as two outlets' reports of one event (0.30-0.39 against 0.39-0.56 in
//! the synthetic newsroom of `livebrief-outlets`); until the stream has taught the grouper its subject, a report
//! joins only on clearer evidence. A split development costs an editor one merge; a mixed one must be untangled.
//!
//! **Maintenance.** Online decisions are final, but the stream keeps teaching. After each report joins a group:
//!
//! - [`Grouper::split_of`]: when the group has come to hold two sets of reports, each closer among itself than to
//!   the other (the members cut in two by average similarity, seeded with the least similar pair; the average
//!   similarity across under [`Config::split_ratio`] (½) of the average within; each part at least two reports), the
//!   smaller part leaves for a new group, so the group keeps its id. The similarity of two reports is the score's
//!   rule applied to the pair (all four channels, at most the words, less on a date conflict), so two events told in
//!   the same words but with other names, counts and days come apart. This is the usual way sibling events merge:
//!   the first report of the second event joins early on a score just above the threshold, and the event's later
//!   reports follow it;
//! - else [`Grouper::merge_of`]: the split's rule turned round, so a merge is never undone by the next split. Two
//!   groups merge when a report of one would on average join the other (the average similarity across reaches the
//!   threshold in force) and the average across is at least [`Config::merge_ratio`] (½) of the average within them:
//!   one event that started as two groups, typically under the cold-start threshold;
//! - then [`Grouper::strays_of`]: the groups of one report that would now join this group, offered again at the
//!   threshold they were refused at (it joins because the group has grown towards it, not because the cold-start
//!   threshold came down since): a report that arrived before its event's other reports, or worded it otherwise.
//!
//! They only say what should change; the caller applies it as it would an editor's split or merge
//! ([`Grouper::move_doc`] to a new id, [`Grouper::merge`]), so the store and the grouper change together.
//! [`group_all`] applies them, and so does the server's desk (to developments still open: once an editor has
//! published or dismissed one, it is theirs).
//!
//! How F1 moves when the threshold and the other parameters move over a wide range is in `docs/benchmarks.md` (and
//! `bench/grouping/sensitivity.sh` prints it again).
//!
//! **Near-duplicates** come first: a report whose estimated Jaccard resemblance of word 4-shingles with a held report
//! reaches [`Config::near_duplicate`] (0.5) is a copy and joins that report's group, whatever the dates
//! ([`Decision::near_duplicate_of`]). Signatures are one-permutation MinHash with optimal densification, found
//! through a banded LSH index ([`NearDuplicateIndex`], [`optimal_bands`]): see the `minhash` module.
//!
//! **Candidates.** A group is found through an inverted index of its heaviest [`Config::index_terms`] words,
//! entities and numbers, so a report is scored only against groups it shares something with. A group stops being a
//! candidate when no day of the report lies within [`Config::window_days`] (90) of the group's days: follow-ups come
//! within weeks; a report on an event months old (a trial, an anniversary) is a new development. Undated reports and
//! groups are always candidates.
//!
//! # Memory
//!
//! Bounded for a long-running server. The prior (about 63,000 stems) is compiled in, parsed on first use and shared by
//! every grouper with the same stem length. A report is kept as at most `doc_terms` (128) hashed features per channel,
//! at most 32 days and one signature of [`Config::num_perm`] (64) values with its LSH bands; its text is not kept.
//! A group keeps at most `group_terms` (512) features per channel. Document frequencies live in a fixed table of
//! [`Config::df_buckets`] counters (4 MiB by default; the hashing trick). At most [`Config::max_docs`] (50,000)
//! reports are held: inserting one more forgets the oldest inserted. [`Grouper::forget_before`] drops the groups
//! whose latest day is before a date, for a server that moves its window along with its clock. Forgetting a report
//! does not uncount its words: document frequencies are statistics of the stream.
//!
//! # Determinism and restarts
//!
//! Hashes are fixed (no random seeds), vectors are kept sorted, ties go to the smaller group id: the same reports in
//! the same order give the same groups on every machine. [`Grouper::insert`] in the original order restores the
//! state after a restart, IDF included (splits and merges are in the stored memberships). The order matters, as it
//! does for any online grouping; the cold-start threshold and the maintenance make it matter less: the hard cases of
//! the synthetic newsroom's 22 reports hold in 1,997 of 2,000 random orders (`livebrief-app`'s `examples/outlets_orders.rs`; before the maintenance: 134 of 200 failed).
//!
//! # Measured
//!
//! On the ECB+ development topics (Cybulska and Vossen 2014, CC BY 3.0; see `examples/group_eval.rs`), on the
//! synthetic multi-outlet streams of the tests (`examples/streams_eval.rs`) and on the synthetic newsroom of
//! `livebrief-outlets` (the app's acceptance test); figures and their sensitivity in `docs/benchmarks.md`.

mod grouper;
mod minhash;
mod prior;
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

impl Doc {
    /// What the grouper sees of a report and its machine reading: its words, who and where it names, whom it
    /// quotes and the days it speaks of.
    ///
    /// - `people`, `organizations`, `places`: the names of the reading's entities of that kind.
    /// - `speakers`: the resolved names of the quotes' speakers (a quote whose speaker is unnamed adds nothing).
    /// - `dates`: the days of the date mentions (`DateValue::Day`; ranges and vague mentions add nothing) and the
    ///   quotes' statement dates. Without a publication date (`published: None`: the server always has one, the
    ///   feed's, the page's or the day the report arrived; `livebrief group` input may not) "Thursday" or "March 13"
    ///   were resolved against a stand-in day, so only mentions that write out their year (a run of four digits)
    ///   are kept, and no statement dates.
    pub fn from_reading(
        title: &str,
        text: &str,
        published: Option<Date>,
        source: Option<&str>,
        reading: &livebrief_model::Reading,
    ) -> Doc {
        use livebrief_model::reading::{DateValue, EntityKind};
        let names = |kind: EntityKind| -> Vec<String> { reading.entities_of(kind).map(|e| e.name.clone()).collect() };
        let has_year = |s: &str| s.split(|c: char| !c.is_ascii_digit()).any(|run| run.len() == 4);
        let mut dates: Vec<Date> = reading
            .dates
            .iter()
            .filter(|m| published.is_some() || has_year(&m.text))
            .filter_map(|m| match m.value {
                DateValue::Day(d) => Some(d),
                _ => None,
            })
            .collect();
        if published.is_some() {
            dates.extend(reading.quotes.iter().filter_map(|q| q.date));
        }
        dates.sort();
        dates.dedup();
        let mut speakers: Vec<String> = reading.speaker_names().into_iter().map(str::to_string).collect();
        speakers.sort();
        speakers.dedup();
        Doc {
            title: title.to_string(),
            text: text.to_string(),
            published,
            source: source.map(str::to_string),
            language: reading.language.clone(),
            people: names(EntityKind::Person),
            organizations: names(EntityKind::Organization),
            places: names(EntityKind::Place),
            speakers,
            dates,
        }
    }
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
    /// How many reports the background prior of the document frequencies is worth (general-language word
    /// frequencies; see the crate documentation). 0: the stream's own counts alone. The prior is kept as 6-character
    /// stems: it applies when [`Config::stem`] is 1-6, not to longer stems or whole words.
    pub prior_weight: f32,
    /// How much higher the threshold is at a stream's first report (see the crate documentation): while the stream
    /// is young its IDF is mostly the general-language prior, which cannot tell the briefing's subject words from
    /// an event's own words.
    pub cold_start: f32,
    /// The extra threshold halves after this many reports: `cold_start · c / (N + c)` after N reports.
    pub cold_start_reports: f32,
    /// A group is split in two ([`Grouper::split_of`]) when the average similarity across the two parts is under this
    /// share of the average similarity within them; 0 never splits.
    pub split_ratio: f32,
    /// Two groups merge ([`Grouper::merge_of`]) when the average similarity across them reaches this share of the
    /// average similarity within them; 0 never merges. Below [`Config::split_ratio`] a merge could be split again.
    pub merge_ratio: f32,
    /// The opening of a report, in words (headline included, stop words counted), whose words count in full; a word
    /// further down at position `i` counts `lead_words / (i + 1)` (the inverted pyramid: a report says what happened
    /// first, and its last paragraphs recall earlier events). 0 counts every word in full.
    pub lead_words: usize,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            threshold: 0.2,
            text_weight: 0.4,
            entity_weight: 0.2,
            number_weight: 0.2,
            date_weight: 0.2,
            date_conflict: 0.25,
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
            prior_weight: 100.0,
            cold_start: 0.25,
            cold_start_reports: 50.0,
            split_ratio: 0.5,
            merge_ratio: 0.5,
            lead_words: 100,
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

    /// Sets one parameter by the name of its command-line flag in the evaluation examples (`--threshold 0.3`,
    /// `--merge 0`, …), for `group_eval`, `streams_eval` and the app's `outlets_orders`.
    pub fn set(&mut self, flag: &str, value: &str) -> Result<(), String> {
        fn num<T: std::str::FromStr>(flag: &str, value: &str) -> Result<T, String> {
            value.parse().map_err(|_| format!("{flag}: not a number: {value}"))
        }
        match flag {
            "--threshold" => self.threshold = num(flag, value)?,
            "--text-weight" => self.text_weight = num(flag, value)?,
            "--entity-weight" => self.entity_weight = num(flag, value)?,
            "--number-weight" => self.number_weight = num(flag, value)?,
            "--date-weight" => self.date_weight = num(flag, value)?,
            "--date-conflict" => self.date_conflict = num(flag, value)?,
            "--window" => self.window_days = num(flag, value)?,
            "--stem" => self.stem = num(flag, value)?,
            "--near" => self.near_duplicate = num(flag, value)?,
            "--doc-terms" => self.doc_terms = num(flag, value)?,
            "--group-terms" => self.group_terms = num(flag, value)?,
            "--index-terms" => self.index_terms = num(flag, value)?,
            "--prior" => self.prior_weight = num(flag, value)?,
            "--cold-start" => self.cold_start = num(flag, value)?,
            "--cold-start-reports" => self.cold_start_reports = num(flag, value)?,
            "--split" => self.split_ratio = num(flag, value)?,
            "--merge" => self.merge_ratio = num(flag, value)?,
            "--lead" => self.lead_words = num(flag, value)?,
            _ => return Err(format!("unknown option {flag}")),
        }
        Ok(())
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
    /// The score of the chosen group, or of the best candidate when none reached the threshold (0 when there was no
    /// candidate). A near-duplicate joins its original's group whatever this score.
    pub score: f32,
    pub signals: Signals,
}

/// Groups documents online, in the given order: each joins the group [`Grouper::assign`] names or starts a new one.
/// Group ids are 0, 1, 2, … in order of creation. Every document is held to the end (`max_docs` is raised to their
/// number), so the result does not depend on eviction.
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
        if let Some(leaving) = g.split_of(gid) {
            let new = next;
            next += 1;
            for d in leaving {
                g.move_doc(d, new);
                out[d as usize] = new;
            }
        } else {
            if let Some((from, into)) = g.merge_of(gid) {
                g.merge(from, into);
                for x in out.iter_mut().filter(|x| **x == from) {
                    *x = into;
                }
            }
            let target = out[i];
            for s in g.strays_of(target) {
                g.merge(s, target);
                for x in out.iter_mut().filter(|x| **x == s) {
                    *x = target;
                }
            }
        }
    }
    out
}
