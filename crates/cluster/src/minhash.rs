//! Near-duplicates: MinHash signatures of word shingles and a banded LSH index over them.
//!
//! A signature is a one-permutation MinHash (Li, Owen and Zhang 2012) with optimal densification (Shrivastava
//! 2017): every shingle is hashed once, the hash picks one of `num_perm` bins and keeps the smallest value per bin,
//! and an empty bin borrows the value of a bin chosen by a fixed hash of its own index. Two signatures agree in a
//! bin with probability equal to the Jaccard resemblance of the two shingle sets, as with `num_perm` independent
//! permutations, at the cost of one hash per shingle instead of `num_perm`.
//!
//! The index cuts a signature into `bands` bands of `rows` values; two documents are candidates when any band is
//! equal (Broder 1997; Leskovec, Rajaraman and Ullman, *Mining of Massive Datasets*, ch. 3). [`optimal_bands`]
//! chooses the bands for a resemblance threshold the way datasketch's `MinHashLSH` does, so that both make the same
//! trade between missed pairs and spurious candidates.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use crate::DocId;
use crate::text::{hash_bytes, mix64, shingles, word_hashes};

/// A MinHash signature: one 32-bit value per bin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature(Box<[u32]>);

impl Signature {
    /// The estimated Jaccard resemblance of the two shingle sets: the share of bins that agree (0 when the lengths
    /// differ).
    pub fn resemblance(&self, other: &Signature) -> f32 {
        if self.0.len() != other.0.len() || self.0.is_empty() {
            return 0.0;
        }
        let same = self.0.iter().zip(other.0.iter()).filter(|(a, b)| a == b).count();
        same as f32 / self.0.len() as f32
    }

    pub fn values(&self) -> &[u32] {
        &self.0
    }
}

/// Computes signatures: shingles of `shingle` words, `num_perm` bins.
#[derive(Debug, Clone, Copy)]
pub struct MinHasher {
    pub shingle: usize,
    pub num_perm: usize,
}

impl MinHasher {
    /// The signature of a text's words, or `None` when it has no words.
    pub fn signature(&self, text: &str) -> Option<Signature> {
        let mut hashes = Vec::with_capacity(text.len() / 5);
        word_hashes(text, &mut hashes);
        self.signature_of_words(&hashes)
    }

    /// The signature of a sequence of word hashes.
    pub(crate) fn signature_of_words(&self, word_hashes: &[u64]) -> Option<Signature> {
        let k = self.num_perm.clamp(1, 1 << 16);
        let mut bins = vec![u32::MAX; k];
        let mut filled = vec![false; k];
        let mut any = false;
        shingles(word_hashes, self.shingle, |h| {
            // The high half picks the bin (Lemire's multiply-shift range reduction), the low half is the value.
            let bin = (((h >> 32) * k as u64) >> 32) as usize;
            let v = h as u32;
            if v <= bins[bin] {
                bins[bin] = v;
                filled[bin] = true;
            }
            any = true;
        });
        if !any {
            return None;
        }
        densify(&mut bins, &filled);
        Some(Signature(bins.into_boxed_slice()))
    }
}

/// Optimal densification: an empty bin copies the bin that a fixed hash sequence of its index hits first among the
/// filled ones, so two documents with the same filled bins fill their empty bins alike.
fn densify(bins: &mut [u32], filled: &[bool]) {
    let k = bins.len();
    for j in 0..k {
        if filled[j] {
            continue;
        }
        let mut from = None;
        for attempt in 0..(64 * k as u64) {
            let r = mix64(((j as u64) << 32) ^ attempt ^ 0x5851_f42d_4c95_7f2d);
            let b = (((r >> 32) * k as u64) >> 32) as usize;
            if filled[b] {
                from = Some(b);
                break;
            }
        }
        // Practically never reached (each attempt hits a filled bin with probability ≥ 1/k): the next filled bin
        // to the right, which exists because the caller saw at least one shingle.
        let b = from.or_else(|| (1..k).map(|d| (j + d) % k).find(|&b| filled[b]));
        if let Some(b) = b {
            bins[j] = bins[b];
        }
    }
}

/// The number of bands and rows per band for `num_perm` values that minimise the sum of the probabilities of a
/// false positive (resemblance below `threshold` yet a candidate) and a false negative (above it yet missed),
/// integrated over the resemblance: the rule of datasketch's `MinHashLSH` with equal weights.
pub fn optimal_bands(threshold: f32, num_perm: usize) -> (usize, usize) {
    let t = f64::from(threshold.clamp(0.01, 0.99));
    let n = num_perm.max(1);
    let mut best = (f64::INFINITY, (1, n));
    for b in 1..=n {
        for r in 1..=n / b {
            let p = |s: f64| 1.0 - (1.0 - s.powi(r as i32)).powi(b as i32);
            let fp = integrate(p, 0.0, t);
            let fn_ = integrate(|s| 1.0 - p(s), t, 1.0);
            if fp + fn_ < best.0 {
                best = (fp + fn_, (b, r));
            }
        }
    }
    best.1
}

/// Composite Simpson's rule on 64 intervals: the integrands are smooth polynomials.
fn integrate(f: impl Fn(f64) -> f64, a: f64, b: f64) -> f64 {
    let n = 64;
    let h = (b - a) / n as f64;
    let mut s = f(a) + f(b);
    for i in 1..n {
        s += f(a + i as f64 * h) * if i % 2 == 1 { 4.0 } else { 2.0 };
    }
    s * h / 3.0
}

/// A hasher for keys that are already hashes (band keys) or small integers (ids): one SplitMix64 round.
#[derive(Default)]
pub(crate) struct U64Hasher(u64);

impl Hasher for U64Hasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        self.0 = hash_bytes(self.0, bytes);
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = mix64(self.0 ^ n);
    }
}

pub(crate) type U64Map<V> = HashMap<u64, V, BuildHasherDefault<U64Hasher>>;

/// The documents of one band bucket; most buckets hold one, which needs no allocation.
#[derive(Debug, Clone)]
enum Bucket {
    One(DocId),
    Many(Vec<DocId>),
}

/// A banded MinHash LSH index of documents by id.
#[derive(Debug, Clone)]
pub struct NearDuplicateIndex {
    bands: usize,
    rows: usize,
    buckets: U64Map<Bucket>,
    signatures: U64Map<Signature>,
}

impl NearDuplicateIndex {
    /// An index that cuts signatures into `bands` bands of `rows` values (`bands × rows` ≤ the signature length;
    /// both at least 1).
    pub fn new(bands: usize, rows: usize) -> Self {
        NearDuplicateIndex {
            bands: bands.max(1),
            rows: rows.max(1),
            buckets: U64Map::default(),
            signatures: U64Map::default(),
        }
    }

    /// An index with room for `docs` documents reserved up front.
    pub fn with_capacity(bands: usize, rows: usize, docs: usize) -> Self {
        let mut index = Self::new(bands, rows);
        index.buckets.reserve(docs.saturating_mul(index.bands));
        index.signatures.reserve(docs);
        index
    }

    pub fn bands(&self) -> (usize, usize) {
        (self.bands, self.rows)
    }

    pub fn len(&self) -> usize {
        self.signatures.len()
    }

    pub fn is_empty(&self) -> bool {
        self.signatures.is_empty()
    }

    pub fn signature(&self, id: DocId) -> Option<&Signature> {
        self.signatures.get(&id)
    }

    fn band_keys<'a>(&'a self, sig: &'a Signature) -> impl Iterator<Item = u64> + 'a {
        let v = sig.values();
        (0..self.bands).filter_map(move |b| {
            let rows = v.get(b * self.rows..(b + 1) * self.rows)?;
            let mut h = mix64(b as u64 ^ 0x2545_f491_4f6c_dd1d);
            for &x in rows {
                h = (h ^ u64::from(x)).wrapping_mul(0x9e37_79b9_7f4a_7c15).rotate_left(29);
            }
            Some(mix64(h))
        })
    }

    /// Adds a document (replacing an earlier signature under the same id).
    pub fn insert(&mut self, id: DocId, sig: Signature) {
        self.remove(id);
        let keys: Vec<u64> = self.band_keys(&sig).collect();
        for key in keys {
            match self.buckets.get_mut(&key) {
                None => {
                    self.buckets.insert(key, Bucket::One(id));
                }
                Some(Bucket::One(other)) => {
                    let other = *other;
                    self.buckets.insert(key, Bucket::Many(vec![other, id]));
                }
                Some(Bucket::Many(ids)) => ids.push(id),
            }
        }
        self.signatures.insert(id, sig);
    }

    pub fn remove(&mut self, id: DocId) {
        let Some(sig) = self.signatures.remove(&id) else {
            return;
        };
        let keys: Vec<u64> = self.band_keys(&sig).collect();
        for key in keys {
            let empty = match self.buckets.get_mut(&key) {
                Some(Bucket::One(x)) => *x == id,
                Some(Bucket::Many(ids)) => {
                    ids.retain(|&x| x != id);
                    if ids.len() == 1 {
                        let last = ids[0];
                        self.buckets.insert(key, Bucket::One(last));
                    }
                    false
                }
                None => false,
            };
            if empty {
                self.buckets.remove(&key);
            }
        }
    }

    /// Every indexed document that shares a band with `sig`, in ascending id order, without repeats.
    pub fn candidates(&self, sig: &Signature, out: &mut Vec<DocId>) {
        out.clear();
        for key in self.band_keys(sig) {
            match self.buckets.get(&key) {
                Some(Bucket::One(x)) => out.push(*x),
                Some(Bucket::Many(ids)) => out.extend_from_slice(ids),
                None => {}
            }
        }
        out.sort_unstable();
        out.dedup();
    }

    /// The candidate with the highest estimated resemblance at or above `threshold` (ties: the smaller id), with that
    /// resemblance.
    pub fn nearest(&self, sig: &Signature, threshold: f32) -> Option<(DocId, f32)> {
        let mut cands = Vec::new();
        self.candidates(sig, &mut cands);
        let mut best: Option<(DocId, f32)> = None;
        for id in cands {
            let Some(other) = self.signatures.get(&id) else {
                continue;
            };
            let r = sig.resemblance(other);
            if r >= threshold && best.is_none_or(|(_, b)| r > b) {
                best = Some((id, r));
            }
        }
        best
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bands_match_datasketch() {
        // datasketch 2.0: MinHashLSH(threshold=0.5, num_perm=128) has b=25, r=5; threshold 0.9 gives b=5, r=25.
        assert_eq!(optimal_bands(0.5, 128), (25, 5));
        assert_eq!(optimal_bands(0.9, 128), (5, 25));
    }

    #[test]
    fn resemblance_estimates_jaccard() {
        let h = MinHasher {
            shingle: 1,
            num_perm: 256,
        };
        // 100 words each, 50 shared: Jaccard 50/150.
        let a: Vec<u64> = (0..100).map(mix64).collect();
        let b: Vec<u64> = (50..150).map(mix64).collect();
        let r = h
            .signature_of_words(&a)
            .unwrap()
            .resemblance(&h.signature_of_words(&b).unwrap());
        assert!((r - 1.0 / 3.0).abs() < 0.1, "{r}");
        let s = h.signature_of_words(&a).unwrap();
        assert_eq!(s.resemblance(&s), 1.0);
    }

    #[test]
    fn index_finds_copies_and_forgets_removed() {
        let h = MinHasher {
            shingle: 3,
            num_perm: 128,
        };
        let text: Vec<u64> = (0..300).map(|i| mix64(i % 257)).collect();
        let mut copy = text.clone();
        copy[150] = 7;
        let other: Vec<u64> = (1000..1300).map(mix64).collect();
        let mut idx = NearDuplicateIndex::new(25, 5);
        idx.insert(1, h.signature_of_words(&text).unwrap());
        idx.insert(2, h.signature_of_words(&other).unwrap());
        let q = h.signature_of_words(&copy).unwrap();
        assert_eq!(idx.nearest(&q, 0.5).map(|x| x.0), Some(1));
        idx.remove(1);
        assert_eq!(idx.nearest(&q, 0.5), None);
        assert_eq!(idx.len(), 1);
    }
}
