//! The online grouper: features of a report, groups with bounded centroids, candidates, scoring.

use std::collections::{BTreeMap, HashMap, VecDeque};

use jiff::civil::Date;

use crate::minhash::{MinHasher, NearDuplicateIndex, Signature, U64Map};
use crate::prior::{self, Prior};
use crate::stop::is_stop;
use crate::text::{hash_bytes, mix64, numbers, prefix, words};
use crate::vector::{Sparse, add, dot, keep_top, norm, normalize, top_terms};
use crate::{Config, DateEvidence, Decision, Doc, DocId, GroupId, Signals};

/// A group's latest members looked at when checking whether it holds two developments.
const SPLIT_MAX: usize = 64;

/// The groups closest in words to a group that [`Grouper::merge_of`] measures.
const MERGE_CANDIDATES: usize = 4;

/// A group's latest members compared pairwise by [`Grouper::merge_of`]: averages over 32 × 32 pairs are steady, and
/// the check stays cheap after every insert.
const MERGE_MAX: usize = 32;

/// At most this many distinct days are kept per report and per group.
const MAX_DAYS: usize = 32;

/// Cuts a set of `n` items with pairwise similarities `sim` in two, seeded with items `a` and `b`: each item goes to
/// the side it is on average more similar to, until nothing moves (at most 16 rounds). The sides, then the sum and
/// count of the pair similarities within the sides and across them.
fn bisect(sim: &[f32], n: usize, a: usize, b: usize) -> (Vec<bool>, f64, usize, f64, usize) {
    let mut side: Vec<bool> = (0..n)
        .map(|k| k != a && (k == b || sim[k * n + b] > sim[k * n + a]))
        .collect();
    for _ in 0..16 {
        let mean_to = |k: usize, part: bool, side: &[bool]| {
            let (mut s, mut c) = (0f32, 0usize);
            for j in 0..n {
                if j != k && side[j] == part {
                    s += sim[k * n + j];
                    c += 1;
                }
            }
            if c == 0 { 0.0 } else { s / c as f32 }
        };
        let next: Vec<bool> = (0..n)
            .map(|k| mean_to(k, true, &side) > mean_to(k, false, &side))
            .collect();
        if next == side {
            break;
        }
        side = next;
    }
    let (mut within, mut wn, mut cross, mut cn) = (0f64, 0usize, 0f64, 0usize);
    for i in 0..n {
        for j in i + 1..n {
            if side[i] == side[j] {
                within += f64::from(sim[i * n + j]);
                wn += 1;
            } else {
                cross += f64::from(sim[i * n + j]);
                cn += 1;
            }
        }
    }
    (side, within, wn, cross, cn)
}

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
    /// General-language document frequencies of words, worth `Config::prior_weight` reports.
    prior: Option<&'static Prior>,
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

/// The feature of a word (already cut to its stem).
pub(crate) fn word_feature(stem: &str) -> u32 {
    feature(SEED_WORD, stem)
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

/// How much a word at `position` (0 = the headline's first word, stop words counted) counts: in full within the
/// first `lead` words, `lead / (position + 1)` after them; in full everywhere when `lead` is 0.
fn lead_weight(lead: f32, position: usize) -> f32 {
    if lead > 0.0 {
        (lead / (position as f32 + 1.0)).min(1.0)
    } else {
        1.0
    }
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
            prior: if config.prior_weight > 0.0 {
                prior::for_stem(config.stem)
            } else {
                None
            },
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

    /// Inverse document frequency, learned from the stream on top of a background prior worth `m` reports
    /// (`Config::prior_weight`): `ln((N + m + 1) / (df + m·p + 0.5))`, where `p` is the probability that a report of
    /// general language has the term (0 for names, numbers, days and rare words), never below zero.
    fn idf(&self, term: u32) -> f32 {
        let n = self.seen as f64;
        let df = f64::from(self.df[self.bucket(term)]).min(n);
        let (m, p) = match self.prior {
            Some(prior) => (
                f64::from(self.config.prior_weight.max(0.0)),
                f64::from(prior.probability(term)),
            ),
            None => (0.0, 0.0),
        };
        ((n + m + 1.0) / (df + m * p + 0.5)).ln().max(0.0) as f32
    }

    /// Sublinear term frequency (1 + ln tf) times IDF, the heaviest `doc_terms` kept, unit length. Appends the
    /// distinct features to `all`.
    fn vector(&self, feats: Vec<u32>, all: &mut Vec<u32>) -> Sparse {
        self.weighted_vector(feats.into_iter().map(|t| (t, 1.0)).collect(), all)
    }

    /// [`Grouper::vector`] of occurrences that count less than once: a term's frequency is the sum of its
    /// occurrences' weights, sublinear above 1 (`1 + ln tf`) and as it is below.
    fn weighted_vector(&self, mut feats: Vec<(u32, f32)>, all: &mut Vec<u32>) -> Sparse {
        feats.sort_unstable_by_key(|&(t, _)| t);
        let mut v: Sparse = Vec::new();
        for run in feats.chunk_by(|a, b| a.0 == b.0) {
            all.push(run[0].0);
            let tf: f32 = run.iter().map(|&(_, w)| w).sum();
            let tf = if tf > 1.0 { 1.0 + tf.ln() } else { tf };
            let w = tf * self.idf(run[0].0);
            if w > 0.0 {
                v.push((run[0].0, w));
            }
        }
        keep_top(&mut v, self.config.doc_terms);
        normalize(&mut v);
        v
    }

    fn features(&self, doc: &Doc) -> Features {
        let mut word_hashes = Vec::new();
        let mut words_f: Vec<(u32, f32)> = Vec::new();
        let mut numbers_f: Vec<u32> = Vec::new();
        let mut buf = String::new();
        // The inverted pyramid: the headline and the lead say what happened; a word further down counts less.
        let lead = self.config.lead_words as f32;
        let mut position = 0usize;
        for part in [doc.title.as_str(), doc.text.as_str()] {
            words(part, &mut buf, |w| {
                word_hashes.push(hash_bytes(0, w.as_bytes()));
                if !is_stop(w) {
                    words_f.push((word_feature(prefix(w, self.config.stem)), lead_weight(lead, position)));
                }
                position += 1;
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
            self.weighted_vector(words_f, &mut terms),
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
    /// has is left out; one that only one side has counts as 0), at most the text cosine, less `date_conflict`
    /// when both are dated and share no day.
    fn score(&self, f: &Features, group: &Group) -> (f32, Signals) {
        self.score_with_text(f, group, self.text_cosine(&f.vectors[TEXT], group))
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
    fn text_cosine(&self, words: &Sparse, group: &Group) -> f32 {
        let n = group.norms[TEXT];
        if n > 0.0 {
            (dot(words, &group.centroid[TEXT]) / n).clamp(0.0, 1.0)
        } else {
            0.0
        }
    }

    /// The threshold in force: [`Config::threshold`] plus the cold-start extra, `cold_start · c / (N + c)` after N
    /// reports, which fades as the stream's own counts take over from the prior.
    pub fn threshold_now(&self) -> f32 {
        self.threshold_after(self.seen)
    }

    /// The threshold in force after `n` reports.
    fn threshold_after(&self, n: u64) -> f32 {
        let c = f64::from(self.config.cold_start_reports.max(0.0));
        let extra = if c > 0.0 {
            f64::from(self.config.cold_start.max(0.0)) * c / (n as f64 + c)
        } else {
            0.0
        };
        self.config.threshold + extra as f32
    }

    /// Which group a report belongs to, if any; changes nothing.
    pub fn assign(&self, doc: &Doc) -> Decision {
        let f = self.features(doc);
        self.decide(&f)
    }

    fn decide(&self, f: &Features) -> Decision {
        self.decide_except(f, None, self.threshold_now())
    }

    /// [`Grouper::decide`] with one group left out of the candidates: the group of a report that stands alone, when
    /// it is offered to the others again ([`Grouper::strays_of`]).
    fn decide_except(&self, f: &Features, except: Option<GroupId>, threshold: f32) -> Decision {
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
        if let Some(x) = except {
            cands.retain(|&g| g != x);
        }
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
            let text = self.text_cosine(&f.vectors[TEXT], group);
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
                let group = (score >= threshold).then_some(gid);
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

    /// The other groups listed under a group's index terms, in ascending id order.
    fn neighbours(&self, group: GroupId, g: &Group) -> Vec<GroupId> {
        let mut out: Vec<GroupId> = g
            .keys
            .iter()
            .filter_map(|k| self.index.get(k))
            .flatten()
            .copied()
            .filter(|&o| o != group)
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    /// The reports standing alone that now belong to this group: the groups of one report, found through the group's
    /// index terms, that would join this group if their report arrived now (its best candidate, at the threshold in
    /// force). A report that started a development of its own while the stream had not yet taught the grouper its
    /// subject, or before the development's other reports came, is offered again each time a group it shares terms
    /// with grows. Changes nothing; the caller merges each into `group` with [`Grouper::merge`].
    pub fn strays_of(&self, group: GroupId) -> Vec<GroupId> {
        let Some(g) = self.groups.get(&group) else {
            return Vec::new();
        };
        let mut lone = self.neighbours(group, g);
        lone.retain(|o| self.groups.get(o).is_some_and(|h| h.members.len() == 1));
        let mut out = Vec::new();
        for o in lone {
            let Some(d) = self
                .groups
                .get(&o)
                .and_then(|h| h.members.first())
                .and_then(|m| self.docs.get(m))
            else {
                continue;
            };
            // Offered again at the bar it was refused at: it joins because the group has grown towards it, not
            // because the cold-start threshold has come down since.
            let threshold = self.threshold_now().max(self.threshold_after(d.seq));
            // The score is at most the text cosine: most lone reports stop here, before their features are copied.
            if self.text_cosine(&d.vectors[TEXT], g) < threshold {
                continue;
            }
            let f = Features {
                vectors: d.vectors.clone(),
                days: d.days.clone(),
                signature: None,
                terms: Vec::new(),
            };
            if self.decide_except(&f, Some(o), threshold).group == Some(group) {
                out.push(o);
            }
        }
        out
    }

    /// Whether a group has come to describe the same event as another: `(from, into)`, the group to merge into the
    /// other (the smaller into the larger; ties: the newer id into the older). Changes nothing; the caller merges with
    /// [`Grouper::merge`], as it would an editor's merge.
    ///
    /// The rule is [`Grouper::split_of`]'s turned round, so that a merge is never undone by the next split: two groups
    /// merge when the average similarity of a report of one to a report of the other (the score's rule, see
    /// `pair_matrix`) reaches [`Config::merge_ratio`] of the average similarity within them. A report alone in its
    /// group is measured against the other group's own cohesion. Of the groups sharing index terms with this one, the
    /// `MERGE_CANDIDATES` (4) closest in words (centroid cosine) are measured, each on its latest 32 members, when the
    /// average word similarity across (from the centroids) does not already rule the merge out; the one with the
    /// highest ratio is chosen.
    pub fn merge_of(&self, group: GroupId) -> Option<(GroupId, GroupId)> {
        let ratio = self.config.merge_ratio;
        if ratio <= 0.0 {
            return None;
        }
        let g = self.groups.get(&group)?;
        if g.norms[TEXT] <= 0.0 {
            return None;
        }
        let cands = self.neighbours(group, g);
        let threshold = self.threshold_now();
        let mut near: Vec<(f32, GroupId)> = cands
            .into_iter()
            .filter_map(|o| {
                let h = self.groups.get(&o)?;
                let d = dot(&g.centroid[TEXT], &h.centroid[TEXT]);
                // The centroids are sums of unit vectors, so this is the average word similarity of a report of one
                // to a report of the other, a bound of the average pair similarity: below the threshold, no merge.
                let across = d / (g.members.len() * h.members.len()).max(1) as f32;
                (h.norms[TEXT] > 0.0 && across >= threshold).then(|| (d / (g.norms[TEXT] * h.norms[TEXT]), o))
            })
            .collect();
        // Closest first; ties to the smaller id.
        near.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        near.truncate(MERGE_CANDIDATES);

        if near.is_empty() {
            return None;
        }
        let threshold = f64::from(threshold);
        let mine = self.latest(g, MERGE_MAX);
        let mut best: Option<(f64, GroupId)> = None;
        for (_, o) in near {
            let Some(h) = self.groups.get(&o) else { continue };
            let mut both = mine.clone();
            both.extend(self.latest(h, MERGE_MAX));
            let (a, n) = (mine.len(), both.len());
            if a < 2 && n - a < 2 {
                // Two lone reports: whether one belongs with the other is the assignment's call, already made.
                continue;
            }
            let sim = self.pair_matrix(&both);
            let (mut within, mut wn, mut cross) = (0f64, 0usize, 0f64);
            for x in 0..n {
                for y in x + 1..n {
                    let v = f64::from(sim[x * n + y]);
                    if (x < a) == (y < a) {
                        within += v;
                        wn += 1;
                    } else {
                        cross += v;
                    }
                }
            }
            let within = within / wn as f64;
            let cross = cross / (a * (n - a)) as f64;
            let r = if within > 0.0 { cross / within } else { 0.0 };
            if cross >= threshold && r >= f64::from(ratio) && best.is_none_or(|(b, _)| r > b) {
                best = Some((r, o));
            }
        }
        let (_, other) = best?;
        let (n, m) = (g.members.len(), self.groups.get(&other).map_or(0, |h| h.members.len()));
        Some(if n > m || (n == m && group < other) {
            (other, group)
        } else {
            (group, other)
        })
    }

    /// A group's latest `n` members.
    fn latest<'a>(&'a self, g: &Group, n: usize) -> Vec<&'a Stored> {
        g.members
            .iter()
            .rev()
            .take(n)
            .filter_map(|m| self.docs.get(m))
            .collect()
    }

    /// How alike each two of a set of held reports are, by the rule of the score: the weighted mean of the channel
    /// cosines (a channel neither has left out, one only one has counts 0), at most the text cosine, less
    /// `date_conflict` when both are dated and share no day. An `n × n` matrix, row-major, 0 on the diagonal.
    ///
    /// The cosines are accumulated through postings (term → the reports that have it), so the cost is the shared
    /// terms' pairs rather than a merge of two vectors per pair.
    // `k` names a channel in three arrays at once.
    #[allow(clippy::needless_range_loop)]
    fn pair_matrix(&self, docs: &[&Stored]) -> Vec<f32> {
        let n = docs.len();
        let weights = self.config.channel_weights();
        let mut cos = vec![[0f32; CHANNELS]; n * n];
        let mut postings: Vec<(u32, u32, f32)> = Vec::new();
        for k in 0..CHANNELS {
            postings.clear();
            for (i, d) in docs.iter().enumerate() {
                postings.extend(d.vectors[k].iter().map(|&(t, w)| (t, i as u32, w)));
            }
            postings.sort_unstable_by_key(|p| (p.0, p.1));
            for run in postings.chunk_by(|a, b| a.0 == b.0) {
                for (x, a) in run.iter().enumerate() {
                    for b in &run[x + 1..] {
                        cos[a.1 as usize * n + b.1 as usize][k] += a.2 * b.2;
                    }
                }
            }
        }
        let days: Vec<Vec<i64>> = docs
            .iter()
            .map(|d| d.days.iter().map(|&x| day_number(x)).collect())
            .collect();
        let conflict = 1.0 - self.config.date_conflict.clamp(0.0, 1.0);
        let mut sim = vec![0f32; n * n];
        for a in 0..n {
            for b in a + 1..n {
                let c = &cos[a * n + b];
                let (mut sum, mut total) = (0.0f32, 0.0f32);
                for k in 0..CHANNELS {
                    let (x, y) = (docs[a].vectors[k].is_empty(), docs[b].vectors[k].is_empty());
                    if x && y {
                        continue;
                    }
                    total += weights[k];
                    if !x && !y {
                        sum += weights[k] * c[k].clamp(0.0, 1.0);
                    }
                }
                let text = c[TEXT].clamp(0.0, 1.0);
                let mut v = if total > 0.0 { (sum / total).min(text) } else { 0.0 };
                if !days[a].is_empty() && !days[b].is_empty() && !numbers_meet(&days[a], &days[b]) {
                    v *= conflict;
                }
                sim[a * n + b] = v;
                sim[b * n + a] = v;
            }
        }
        sim
    }

    /// Whether a group has come to hold two developments: the reports that should leave it, if any (the caller moves
    /// them to a new group with [`Grouper::move_doc`], as it would an editor's split). Changes nothing.
    ///
    /// The group's members (at most 64, the latest) are cut in two by average similarity (`pair_matrix`: all four
    /// channels, the score's rule), seeded with the two least similar members. The cut stands when each part has at least two reports and the average
    /// similarity across the parts is under half the average similarity within them: two sets of reports, each
    /// closer among itself than to the other, as happens when the first report of a second event joined a group
    /// early, on a score just above the threshold, and the event's later reports followed it. The smaller part leaves
    /// (ties: the part without the group's first member), so the group keeps its id.
    pub fn split_of(&self, group: GroupId) -> Option<Vec<DocId>> {
        let ratio = self.config.split_ratio;
        if ratio <= 0.0 {
            return None;
        }
        let g = self.groups.get(&group)?;
        let members: Vec<(DocId, &Stored)> = g
            .members
            .iter()
            .rev()
            .take(SPLIT_MAX)
            .filter_map(|m| self.docs.get(m).map(|d| (*m, d)))
            .collect();
        let n = members.len();
        if n < 4 {
            return None;
        }
        let docs: Vec<&Stored> = members.iter().map(|m| m.1).collect();
        let sim = self.pair_matrix(&docs);
        // Seeds: the least similar pair (ties: the first found, members in a fixed order).
        let (mut a, mut b, mut lo) = (0, 1, f32::INFINITY);
        for i in 0..n {
            for j in i + 1..n {
                if sim[i * n + j] < lo {
                    (a, b, lo) = (i, j, sim[i * n + j]);
                }
            }
        }
        let (side, within, wn, cross, cn) = bisect(&sim, n, a, b);
        let ones = side.iter().filter(|&&x| x).count();
        if ones < 2 || n - ones < 2 || wn == 0 || cn == 0 {
            return None;
        }
        if cross / cn as f64 >= f64::from(ratio) * (within / wn as f64) {
            return None;
        }
        // The part that leaves: the smaller; on a tie, the one without the group's first member.
        let first = g.members.first().copied();
        let part_of_first = members.iter().position(|m| Some(m.0) == first).map(|k| side[k]);
        let leaving_side = if ones * 2 < n {
            true
        } else if ones * 2 > n {
            false
        } else {
            !part_of_first.unwrap_or(false)
        };
        let mut leaving: Vec<DocId> = (0..n)
            .filter(|&k| side[k] == leaving_side)
            .map(|k| members[k].0)
            .collect();
        leaving.sort_unstable();
        Some(leaving)
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

/// Days since 1970-01-01 (proleptic Gregorian; Hinnant's `days_from_civil`): cheap arithmetic for comparing days in
/// the pairwise loops, where `Date::since` would dominate.
fn day_number(d: Date) -> i64 {
    let (m, day) = (i64::from(d.month()), i64::from(d.day()));
    let y = i64::from(d.year()) - i64::from(m <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Whether two sorted lists of day numbers share a day (±1), in one pass over both.
fn numbers_meet(a: &[i64], b: &[i64]) -> bool {
    let (mut i, mut j) = (0, 0);
    while let (Some(&p), Some(&q)) = (a.get(i), b.get(j)) {
        if (p - q).abs() <= 1 {
            return true;
        }
        if p < q {
            i += 1;
        } else {
            j += 1;
        }
    }
    false
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
        assert_eq!(
            day_number(jiff::civil::date(9999, 12, 31)) - day_number(jiff::civil::date(-9999, 1, 1)),
            7_304_483
        );
    }

    #[test]
    fn day_numbers_agree_with_jiff() {
        let epoch = jiff::civil::date(1970, 1, 1);
        let mut d = jiff::civil::date(1899, 12, 25);
        while d < jiff::civil::date(2101, 3, 5) {
            assert_eq!(day_number(d), i64::from(d.since(epoch).unwrap().get_days()), "{d}");
            d = d.checked_add(jiff::Span::new().days(7)).unwrap();
        }
    }

    #[test]
    fn days_meet_within_one_day() {
        let d = |m, day| day_number(jiff::civil::date(2025, m, day));
        assert!(numbers_meet(&[d(3, 1), d(3, 13)], &[d(3, 14)]));
        assert!(numbers_meet(&[d(3, 14)], &[d(2, 1), d(3, 13)]));
        assert!(!numbers_meet(&[d(3, 1), d(3, 12)], &[d(3, 14), d(4, 1)]));
        assert!(numbers_meet(&[d(2, 28)], &[d(3, 1)]));
        assert!(!numbers_meet(&[], &[d(3, 1)]));
    }
}
