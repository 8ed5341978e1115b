//! The online grouper: features of a report, groups with bounded centroids, candidates, scoring.

use std::collections::{BTreeMap, HashMap, VecDeque};

use jiff::civil::Date;

use crate::minhash::{MinHasher, NearDuplicateIndex, Signature, U64Map};
use crate::stop::is_stop;
use crate::text::{hash_bytes, mix64, numbers, prefix, words};
use crate::vector::{Sparse, add, dot, keep_top, norm, normalize, top_terms};
use crate::{Config, DateEvidence, Decision, Doc, DocId, GroupId, Signals};

/// At most this many distinct days are kept per report and per group.
const MAX_DAYS: usize = 32;

/// The evidence channels: what the words say, who and where, how many, when.
pub(crate) const TEXT: usize = 0;
pub(crate) const ENTITIES: usize = 1;
pub(crate) const NUMBERS: usize = 2;
pub(crate) const WHEN: usize = 3;
const CHANNELS: usize = 4;

/// One IDF-weighted unit vector per channel.
type Vectors = [Sparse; CHANNELS];

/// What the grouper keeps of a report.
#[derive(Debug, Clone)]
struct Stored {
    group: GroupId,
    /// Insertion sequence number, for eviction of the oldest.
    seq: u64,
    vectors: Vectors,
    days: Vec<Date>,
}

#[derive(Debug, Clone, Default)]
struct Group {
    members: Vec<DocId>,
    /// Per channel, the sum of the members' vectors (the heaviest `group_terms` kept).
    centroid: Vectors,
    /// The centroids' lengths.
    norms: [f32; CHANNELS],
    /// Distinct days with the number of members that speak of them, sorted by day.
    days: Vec<(Date, u32)>,
    /// The terms under which the inverted index lists this group.
    keys: Vec<u32>,
}

impl Group {
    fn add(&mut self, v: &Vectors, days: &[Date], group_terms: usize) {
        for ((c, x), n) in self.centroid.iter_mut().zip(v).zip(self.norms.iter_mut()) {
            *c = add(c, x);
            keep_top(c, group_terms);
            *n = norm(c);
        }
        add_days(&mut self.days, days);
    }
}

/// A report as the scorer sees it.
struct Features {
    vectors: Vectors,
    days: Vec<Date>,
    signature: Option<Signature>,
    /// Every distinct feature of every channel, for the document frequencies.
    terms: Vec<u32>,
}

/// Online grouping of reports into developments. See the crate documentation for the method.
#[derive(Debug, Clone)]
pub struct Grouper {
    config: Config,
    minhasher: MinHasher,
    /// Document frequencies, hashed into a fixed number of counters (the hashing trick): bounded memory for an
    /// unbounded vocabulary.
    df: Vec<u32>,
    /// Reports seen (inserted), the N of the IDF.
    seen: u64,
    docs: U64Map<Stored>,
    groups: BTreeMap<GroupId, Group>,
    /// term → groups whose centroid has it among its heaviest terms.
    index: HashMap<u32, Vec<GroupId>>,
    near: NearDuplicateIndex,
    order: VecDeque<(u64, DocId)>,
    next_seq: u64,
}

// Each kind of feature hashes with its own seed, so that "kyiv" the word and Kyiv the place are different features.
const SEED_WORD: u64 = 1;
const SEED_NUMBER: u64 = 2;
const SEED_PERSON: u64 = 3;
const SEED_ORGANIZATION: u64 = 4;
const SEED_PLACE: u64 = 5;
const SEED_SPEAKER: u64 = 6;
const SEED_DAY: u64 = 7;
const SEED_WEEK: u64 = 8;
const SEED_MONTH: u64 = 9;
const SEED_YEAR: u64 = 10;

fn feature(seed: u64, s: &str) -> u32 {
    (hash_bytes(seed << 56, s.as_bytes()) >> 32) as u32
}

/// Lowercase, spaces collapsed.
fn normalize_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for w in name.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(w.chars().flat_map(char::to_lowercase));
    }
    out
}

/// A day as four features of growing span: the day, its ISO week, its month, its year. With IDF weights a shared
/// day counts most and a shared year least, so "when" needs no hand-made decay.
fn time_granules(d: Date) -> [u32; 4] {
    let w = d.iso_week_date();
    let h = |seed: u64, v: i64| (mix64((seed << 56) ^ (v as u64)) >> 32) as u32;
    [
        h(SEED_DAY, i64::from(d.year()) * 400 + i64::from(d.day_of_year())),
        h(SEED_WEEK, i64::from(w.year()) * 60 + i64::from(w.week())),
        h(SEED_MONTH, i64::from(d.year()) * 13 + i64::from(d.month())),
        h(SEED_YEAR, i64::from(d.year())),
    ]
}

impl Grouper {
    pub fn new(config: Config) -> Self {
        let (bands, rows) = config.lsh_bands();
        let buckets = config.df_buckets.clamp(1, 1 << 26);
        Grouper {
            minhasher: MinHasher {
                shingle: config.shingle,
                num_perm: config.num_perm,
            },
            near: NearDuplicateIndex::new(bands, rows),
            df: vec![0; buckets],
            seen: 0,
            docs: U64Map::default(),
            groups: BTreeMap::new(),
            index: HashMap::new(),
            order: VecDeque::new(),
            next_seq: 0,
            config,
        }
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Reports held.
    pub fn len(&self) -> usize {
        self.docs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.docs.is_empty()
    }

    /// The group a report is in, if it is held.
    pub fn group_of(&self, id: DocId) -> Option<GroupId> {
        self.docs.get(&id).map(|d| d.group)
    }

    /// The reports of a group, in the order they joined it.
    pub fn members(&self, group: GroupId) -> &[DocId] {
        self.groups.get(&group).map_or(&[], |g| &g.members)
    }

    /// The groups held, in ascending id order.
    pub fn groups(&self) -> impl Iterator<Item = GroupId> + '_ {
        self.groups.keys().copied()
    }

    fn bucket(&self, term: u32) -> usize {
        ((u64::from(term) * self.df.len() as u64) >> 32) as usize
    }

    /// Inverse document frequency, learned from the stream: `ln((N + 1) / (df + 0.5))`, never below zero.
    fn idf(&self, term: u32) -> f32 {
        let n = self.seen as f64;
        let df = f64::from(self.df[self.bucket(term)]).min(n);
        ((n + 1.0) / (df + 0.5)).ln().max(0.0) as f32
    }

    /// Sublinear term frequency (1 + ln tf) times IDF over sorted feature ids, the heaviest `doc_terms` kept, unit
    /// length. Appends the distinct features to `all`.
    fn vector(&self, mut feats: Vec<u32>, all: &mut Vec<u32>) -> Sparse {
        feats.sort_unstable();
        let mut v: Sparse = Vec::new();
        for run in feats.chunk_by(|a, b| a == b) {
            all.push(run[0]);
            let w = (1.0 + (run.len() as f32).ln()) * self.idf(run[0]);
            if w > 0.0 {
                v.push((run[0], w));
            }
        }
        keep_top(&mut v, self.config.doc_terms);
        normalize(&mut v);
        v
    }

    fn features(&self, doc: &Doc) -> Features {
        let mut word_hashes = Vec::new();
        let mut words_f: Vec<u32> = Vec::new();
        let mut numbers_f: Vec<u32> = Vec::new();
        let mut buf = String::new();
        for part in [doc.title.as_str(), doc.text.as_str()] {
            words(part, &mut buf, |w| {
                word_hashes.push(hash_bytes(0, w.as_bytes()));
                if !is_stop(w) {
                    words_f.push(feature(SEED_WORD, prefix(w, self.config.stem)));
                }
            });
            numbers(part, |n| numbers_f.push(feature(SEED_NUMBER, n)));
        }
        let signature = self.minhasher.signature_of_words(&word_hashes);

        let mut ents: Vec<u32> = Vec::new();
        for (seed, names) in [
            (SEED_PERSON, &doc.people),
            (SEED_ORGANIZATION, &doc.organizations),
            (SEED_PLACE, &doc.places),
            (SEED_SPEAKER, &doc.speakers),
        ] {
            ents.extend(
                names
                    .iter()
                    .filter(|n| !n.trim().is_empty())
                    .map(|n| feature(seed, &normalize_name(n))),
            );
        }
        // An entity counts once per report, however often it is named.
        ents.sort_unstable();
        ents.dedup();

        let mut days: Vec<Date> = doc.dates.iter().copied().chain(doc.published).collect();
        days.sort_unstable();
        days.dedup();
        if days.len() > MAX_DAYS {
            // Keep the days nearest the publication date (or the latest ones when undated).
            let anchor = doc.published.or(days.last().copied());
            if let Some(a) = anchor {
                days.sort_by_key(|d| (day_distance(*d, a), *d));
                days.truncate(MAX_DAYS);
                days.sort_unstable();
            }
        }
        let mut when: Vec<u32> = Vec::with_capacity(days.len() * 4);
        for d in &days {
            when.extend(time_granules(*d));
        }
        when.sort_unstable();
        when.dedup();

        let mut terms = Vec::new();
        let vectors = [
            self.vector(words_f, &mut terms),
            self.vector(ents, &mut terms),
            self.vector(numbers_f, &mut terms),
            self.vector(when, &mut terms),
        ];
        terms.sort_unstable();
        terms.dedup();
        Features {
            vectors,
            days,
            signature,
            terms,
        }
    }

    /// Whether a group is a candidate for a report with these days: some day of the report lies within the window
    /// around the group's days. An undated report or group is always a candidate.
    fn in_window(&self, days: &[Date], group: &Group) -> bool {
        let (Some(first), Some(last)) = (group.days.first(), group.days.last()) else {
            return true;
        };
        if days.is_empty() {
            return true;
        }
        let w = self.config.window_days;
        days.iter()
            .any(|&d| (d >= first.0 || day_distance(d, first.0) <= w) && (d <= last.0 || day_distance(d, last.0) <= w))
    }

    fn date_evidence(days: &[Date], group: &Group) -> DateEvidence {
        if days.is_empty() || group.days.is_empty() {
            return DateEvidence::Unknown;
        }
        let agree = days.iter().any(|&d| {
            let i = group.days.partition_point(|(g, _)| *g < d);
            [i.checked_sub(1), Some(i)]
                .into_iter()
                .flatten()
                .filter_map(|j| group.days.get(j))
                .any(|(g, _)| day_distance(d, *g) <= 1)
        });
        if agree {
            DateEvidence::Agree
        } else {
            DateEvidence::Disagree
        }
    }

    /// The score of a report against a group: the weighted mean of the channel cosines (a channel that neither side
    /// has is left out; one that only one side has counts as 0), at most the text cosine, halved (`date_conflict`)
    /// when both are dated and share no day.
    fn score(&self, f: &Features, group: &Group) -> (f32, Signals) {
        self.score_with_text(f, group, self.text_cosine(f, group))
    }

    fn score_with_text(&self, f: &Features, group: &Group, text: f32) -> (f32, Signals) {
        let weights = self.config.channel_weights();
        let mut cos = [None; CHANNELS];
        let (mut sum, mut total) = (0.0f32, 0.0f32);
        for k in 0..CHANNELS {
            if k == TEXT {
                cos[TEXT] = Some(text);
            }
            let (a, b) = (&f.vectors[k], &group.centroid[k]);
            if a.is_empty() && b.is_empty() {
                continue;
            }
            total += weights[k];
            if k == TEXT {
                sum += weights[k] * cos[TEXT].unwrap_or(0.0);
            } else if !a.is_empty() && !b.is_empty() && group.norms[k] > 0.0 {
                // Report vectors have unit length.
                let c = (dot(a, b) / group.norms[k]).clamp(0.0, 1.0);
                cos[k] = Some(c);
                sum += weights[k] * c;
            }
        }
        let mut score = if total > 0.0 { sum / total } else { 0.0 };
        // The words decide; the facts can only take away: a report whose words match a group but whose who, where,
        // how many and when do not, scores below its text.
        score = score.min(cos[TEXT].unwrap_or(0.0));
        let dates = Self::date_evidence(&f.days, group);
        if dates == DateEvidence::Disagree {
            score *= 1.0 - self.config.date_conflict.clamp(0.0, 1.0);
        }
        let signals = Signals {
            text: cos[TEXT].unwrap_or(0.0),
            entities: cos[ENTITIES],
            numbers: cos[NUMBERS],
            when: cos[WHEN],
            dates,
            resemblance: None,
            candidates: 0,
        };
        (score, signals)
    }

    /// The text cosine, an upper bound of the score.
    fn text_cosine(&self, f: &Features, group: &Group) -> f32 {
        let n = group.norms[TEXT];
        if n > 0.0 {
            (dot(&f.vectors[TEXT], &group.centroid[TEXT]) / n).clamp(0.0, 1.0)
        } else {
            0.0
        }
    }

    /// Which group a report belongs to, if any; changes nothing.
    pub fn assign(&self, doc: &Doc) -> Decision {
        let f = self.features(doc);
        self.decide(&f)
    }

    fn decide(&self, f: &Features) -> Decision {
        // A near-duplicate of a held report is the same story: it goes where that report is.
        if let Some(sig) = &f.signature
            && let Some((dup, r)) = self.near.nearest(sig, self.config.near_duplicate)
            && let Some(stored) = self.docs.get(&dup)
            && let Some(group) = self.groups.get(&stored.group)
        {
            let (score, mut signals) = self.score(f, group);
            signals.resemblance = Some(r);
            signals.candidates = 1;
            return Decision {
                group: Some(stored.group),
                near_duplicate_of: Some(dup),
                score,
                signals,
            };
        }
        let mut cands: Vec<GroupId> = Vec::new();
        for (t, _) in f.vectors[TEXT]
            .iter()
            .chain(&f.vectors[ENTITIES])
            .chain(&f.vectors[NUMBERS])
        {
            if let Some(gs) = self.index.get(t) {
                cands.extend_from_slice(gs);
            }
        }
        cands.sort_unstable();
        cands.dedup();
        let mut best: Option<(f32, GroupId, Signals)> = None;
        let mut n = 0;
        for gid in cands {
            let Some(group) = self.groups.get(&gid) else { continue };
            if !self.in_window(&f.days, group) {
                continue;
            }
            n += 1;
            // The score is at most the text cosine: a group whose text cannot beat the best so far is not scored
            // further (candidates come in ascending id order, and ties go to the smaller id).
            let text = self.text_cosine(f, group);
            if best.as_ref().is_some_and(|(b, _, _)| text <= *b) {
                continue;
            }
            let (score, signals) = self.score_with_text(f, group, text);
            if best.as_ref().is_none_or(|(b, _, _)| score > *b) {
                best = Some((score, gid, signals));
            }
        }
        match best {
            Some((score, gid, mut signals)) => {
                signals.candidates = n;
                let group = (score >= self.config.threshold).then_some(gid);
                Decision {
                    group,
                    near_duplicate_of: None,
                    score,
                    signals,
                }
            }
            None => Decision {
                group: None,
                near_duplicate_of: None,
                score: 0.0,
                signals: Signals {
                    text: 0.0,
                    entities: None,
                    numbers: None,
                    when: None,
                    dates: DateEvidence::Unknown,
                    resemblance: None,
                    candidates: 0,
                },
            },
        }
    }

    /// Adds a report to a group (creating the group if new). A report already held under this id is replaced.
    /// Learns the report's terms into the document frequencies. When more than `max_docs` reports are held, the
    /// oldest inserted is forgotten.
    pub fn insert(&mut self, id: DocId, doc: &Doc, group: GroupId) {
        self.remove(id);
        let f = self.features(doc);
        for &t in &f.terms {
            let b = self.bucket(t);
            self.df[b] = self.df[b].saturating_add(1);
        }
        self.seen += 1;
        if let Some(sig) = f.signature {
            self.near.insert(id, sig);
        }
        let seq = self.next_seq;
        self.next_seq += 1;
        self.order.push_back((seq, id));
        let stored = Stored {
            group,
            seq,
            vectors: f.vectors,
            days: f.days,
        };
        let g = self.groups.entry(group).or_default();
        g.members.push(id);
        g.add(&stored.vectors, &stored.days, self.config.group_terms);
        self.docs.insert(id, stored);
        self.reindex(group);
        self.evict();
    }

    fn evict(&mut self) {
        while self.docs.len() > self.config.max_docs.max(1) {
            let Some((seq, id)) = self.order.pop_front() else { break };
            if self.docs.get(&id).is_some_and(|d| d.seq == seq) {
                self.remove(id);
            }
        }
        // Drop stale entries of replaced or removed reports so the queue stays as long as the reports held.
        if self.order.len() > 2 * self.docs.len() + 64 {
            let docs = &self.docs;
            self.order
                .retain(|(seq, id)| docs.get(id).is_some_and(|d| d.seq == *seq));
        }
    }

    /// Recomputes a group's centroid, days and index keys from its members (after one left), or drops it when empty.
    fn rebuild(&mut self, gid: GroupId) {
        let Some(g) = self.groups.get_mut(&gid) else { return };
        if g.members.is_empty() {
            let keys = std::mem::take(&mut g.keys);
            self.groups.remove(&gid);
            self.unindex(gid, &keys);
            return;
        }
        let mut fresh = Group {
            keys: std::mem::take(&mut g.keys),
            ..Group::default()
        };
        for m in &g.members {
            if let Some(d) = self.docs.get(m) {
                fresh.add(&d.vectors, &d.days, self.config.group_terms);
            }
        }
        fresh.members = std::mem::take(&mut g.members);
        *g = fresh;
        self.reindex(gid);
    }

    fn unindex(&mut self, gid: GroupId, keys: &[u32]) {
        for k in keys {
            if let Some(v) = self.index.get_mut(k) {
                v.retain(|&x| x != gid);
                if v.is_empty() {
                    self.index.remove(k);
                }
            }
        }
    }

    fn reindex(&mut self, gid: GroupId) {
        let Some(g) = self.groups.get(&gid) else { return };
        let n = self.config.index_terms;
        let mut keys = top_terms(&g.centroid[TEXT], n);
        keys.extend(top_terms(&g.centroid[ENTITIES], n));
        keys.extend(top_terms(&g.centroid[NUMBERS], n));
        keys.sort_unstable();
        keys.dedup();
        let old = g.keys.clone();
        if old == keys {
            return;
        }
        self.unindex(gid, &old);
        for &k in &keys {
            self.index.entry(k).or_default().push(gid);
        }
        if let Some(g) = self.groups.get_mut(&gid) {
            g.keys = keys;
        }
    }

    /// Moves a held report to another group (an editor's correction; a new group id splits it off).
    pub fn move_doc(&mut self, id: DocId, to: GroupId) {
        let Some(d) = self.docs.get_mut(&id) else { return };
        let from = d.group;
        if from == to {
            return;
        }
        d.group = to;
        let (vectors, days) = (d.vectors.clone(), d.days.clone());
        if let Some(g) = self.groups.get_mut(&from) {
            g.members.retain(|&m| m != id);
        }
        self.rebuild(from);
        let g = self.groups.entry(to).or_default();
        g.members.push(id);
        g.add(&vectors, &days, self.config.group_terms);
        self.reindex(to);
    }

    /// Merges group `from` into group `into` (an editor's merge of two developments).
    pub fn merge(&mut self, from: GroupId, into: GroupId) {
        if from == into {
            return;
        }
        let Some(g) = self.groups.get(&from) else { return };
        let members = g.members.clone();
        let keys = g.keys.clone();
        for m in &members {
            if let Some(d) = self.docs.get_mut(m) {
                d.group = into;
            }
        }
        self.groups.remove(&from);
        self.unindex(from, &keys);
        let g = self.groups.entry(into).or_default();
        g.members.extend(members);
        self.rebuild(into);
    }

    /// Forgets a report (its terms stay counted in the document frequencies: they are statistics of the stream).
    pub fn remove(&mut self, id: DocId) {
        let Some(d) = self.docs.remove(&id) else { return };
        self.near.remove(id);
        if let Some(g) = self.groups.get_mut(&d.group) {
            g.members.retain(|&m| m != id);
        }
        self.rebuild(d.group);
    }

    /// Forgets every group whose latest day is before `day` (undated groups stay until `max_docs` pushes them
    /// out). Returns the number of reports forgotten. The server calls it as its clock moves on.
    pub fn forget_before(&mut self, day: Date) -> usize {
        let old: Vec<GroupId> = self
            .groups
            .iter()
            .filter(|(_, g)| g.days.last().is_some_and(|(d, _)| *d < day))
            .map(|(id, _)| *id)
            .collect();
        let mut n = 0;
        for gid in old {
            let members = self.groups.get(&gid).map(|g| g.members.clone()).unwrap_or_default();
            for m in members {
                self.docs.remove(&m);
                self.near.remove(m);
                n += 1;
            }
            if let Some(g) = self.groups.remove(&gid) {
                self.unindex(gid, &g.keys);
            }
        }
        n
    }
}

fn day_distance(a: Date, b: Date) -> i64 {
    // `Date::since` fails only for spans beyond jiff's range, which civil dates cannot reach; fall back to "far".
    a.since(b).map_or(i64::MAX, |s| i64::from(s.get_days()).abs())
}

/// Adds a report's days to a group's day counts, keeping at most `MAX_DAYS` (the ones most members speak of; ties:
/// the later day).
fn add_days(days: &mut Vec<(Date, u32)>, new: &[Date]) {
    for &d in new {
        match days.binary_search_by_key(&d, |e| e.0) {
            Ok(i) => days[i].1 += 1,
            Err(i) => days.insert(i, (d, 1)),
        }
    }
    if days.len() > MAX_DAYS {
        days.sort_by(|a, b| b.1.cmp(&a.1).then(b.0.cmp(&a.0)));
        days.truncate(MAX_DAYS);
        days.sort_by_key(|e| e.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_granules_at_the_ends_of_the_calendar() {
        for d in [
            jiff::civil::date(-9999, 1, 1),
            jiff::civil::date(9999, 12, 31),
            jiff::civil::date(2025, 3, 13),
        ] {
            let g = time_granules(d);
            assert_eq!(g.len(), 4);
        }
        assert_eq!(
            day_distance(jiff::civil::date(-9999, 1, 1), jiff::civil::date(9999, 12, 31)),
            7_304_483
        );
    }
}
