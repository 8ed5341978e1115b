//! Words, hashes and shingles. Everything the grouper keeps of a text is a hash of it.

/// The finaliser of SplitMix64 (Steele, Lea and Flood 2014): a bijection on `u64` whose output bits each depend on
/// every input bit. Used to derive independent hashes from one.
#[inline]
pub(crate) fn mix64(mut x: u64) -> u64 {
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// A fixed 64-bit hash of bytes (FNV-1a, then mixed): stable across runs, builds and platforms, so that the
/// grouping of a stream never depends on a random seed.
#[inline]
pub(crate) fn hash_bytes(seed: u64, bytes: &[u8]) -> u64 {
    let mut h = 0xcbf2_9ce4_8422_2325u64 ^ seed;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    mix64(h)
}

/// Words of a text: maximal runs of letters and digits, lowercased; apostrophes inside a word are dropped
/// ("Kremlin's" → "kremlins"). Calls `f` with each word; `buf` is reused to avoid an allocation per word.
pub(crate) fn words(text: &str, buf: &mut String, mut f: impl FnMut(&str)) {
    buf.clear();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        // ASCII, most of every text, byte by byte; anything else char by char.
        let (c, len) = if b < 0x80 {
            (char::from(b), 1)
        } else {
            // `i` only ever advances by whole chars, so it is a char boundary and a char starts here.
            match text[i..].chars().next() {
                Some(c) => (c, c.len_utf8()),
                None => break,
            }
        };
        i += len;
        if c.is_ascii_alphanumeric() {
            buf.push(c.to_ascii_lowercase());
        } else if !c.is_ascii() && c.is_alphanumeric() {
            buf.extend(c.to_lowercase());
        } else if matches!(c, '\'' | '’' | 'ʼ')
            && !buf.is_empty()
            && text[i..].chars().next().is_some_and(char::is_alphanumeric)
        {
            // inside a word: skip the mark
        } else if !buf.is_empty() {
            f(buf);
            buf.clear();
        }
    }
    if !buf.is_empty() {
        f(buf);
        buf.clear();
    }
}

/// `hash_bytes(0, word)` of every word [`words`] yields, computed on the fly without building the words: the hot loop
/// of near-duplicate signatures.
pub(crate) fn word_hashes(text: &str, out: &mut Vec<u64>) {
    const BASIS: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    let bytes = text.as_bytes();
    let (mut h, mut open) = (BASIS, false);
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b.is_ascii_alphanumeric() {
            h = (h ^ u64::from(b.to_ascii_lowercase())).wrapping_mul(PRIME);
            open = true;
            i += 1;
            continue;
        }
        let (c, len) = if b < 0x80 {
            (char::from(b), 1)
        } else {
            // `i` only ever advances by whole chars, so a char starts here.
            match text[i..].chars().next() {
                Some(c) => (c, c.len_utf8()),
                None => break,
            }
        };
        i += len;
        if !c.is_ascii() && c.is_alphanumeric() {
            let mut enc = [0u8; 4];
            for l in c.to_lowercase() {
                for &x in l.encode_utf8(&mut enc).as_bytes() {
                    h = (h ^ u64::from(x)).wrapping_mul(PRIME);
                }
            }
            open = true;
        } else if matches!(c, '\'' | '’' | 'ʼ') && open && text[i..].chars().next().is_some_and(char::is_alphanumeric)
        {
            // inside a word: skip the mark
        } else if open {
            out.push(mix64(h));
            (h, open) = (BASIS, false);
        }
    }
    if open {
        out.push(mix64(h));
    }
}

/// Numbers and other tokens with digits, as written between spaces: digits with the marks that join them
/// ("6.1", "20-13", "85,000", "2/3") and letters attached ("mh17", "su-25"), lowercased, without edge
/// punctuation. Quantities and codes are facts of an event: the same event is reported with the same ones.
pub(crate) fn numbers(text: &str, mut f: impl FnMut(&str)) {
    for raw in text.split(|c: char| !(c.is_alphanumeric() || matches!(c, '.' | ',' | '-' | '/' | ':'))) {
        let tok = raw.trim_matches(|c: char| !c.is_alphanumeric());
        if tok.chars().any(|c| c.is_ascii_digit()) {
            if tok.is_ascii() && !tok.bytes().any(|b| b.is_ascii_uppercase()) {
                f(tok);
            } else {
                f(&tok.to_lowercase());
            }
        }
    }
}

/// The first `n` characters of a word (all of it when `n` is 0): truncation stemming, language-agnostic.
#[inline]
pub(crate) fn prefix(word: &str, n: usize) -> &str {
    if n == 0 {
        return word;
    }
    match word.char_indices().nth(n) {
        Some((i, _)) => &word[..i],
        None => word,
    }
}

/// Hashes of the word `k`-shingles of a sequence of word hashes (one shingle of all words when there are fewer
/// than `k`, none when there are no words). A shingle's hash depends on its words and their order.
pub(crate) fn shingles(word_hashes: &[u64], k: usize, mut f: impl FnMut(u64)) {
    let k = k.max(1);
    if word_hashes.is_empty() {
        return;
    }
    if word_hashes.len() < k {
        f(combine(word_hashes));
        return;
    }
    for w in word_hashes.windows(k) {
        f(combine(w));
    }
}

#[inline]
fn combine(ws: &[u64]) -> u64 {
    let mut h = 0x9e37_79b9_7f4a_7c15u64;
    for &w in ws {
        h = (h.rotate_left(23) ^ w).wrapping_mul(0xff51_afd7_ed55_8ccd);
    }
    mix64(h)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_split_and_lowercase() {
        let mut out = Vec::new();
        words(
            "Kremlin's aide, Yury USHAKOV: «Київ» 6.0",
            &mut String::new(),
            |w| out.push(w.to_string()),
        );
        assert_eq!(out, ["kremlins", "aide", "yury", "ushakov", "київ", "6", "0"]);
    }

    #[test]
    fn numbers_keep_their_marks() {
        let mut out = Vec::new();
        numbers("A 6.1 quake; 20-13 win, $2.6 million, MH17 (1,200 km) on 12/3.", |n| {
            out.push(n.to_string())
        });
        assert_eq!(out, ["6.1", "20-13", "2.6", "mh17", "1,200", "12/3"]);
    }

    #[test]
    fn word_hashes_are_the_hashes_of_words() {
        let text = "Kremlin's aide, Yury USHAKOV: «Київ» 6.0 — Straße İstanbul ǅ";
        let mut expected = Vec::new();
        words(text, &mut String::new(), |w| expected.push(hash_bytes(0, w.as_bytes())));
        let mut got = Vec::new();
        word_hashes(text, &mut got);
        assert_eq!(got, expected);
    }

    #[test]
    fn prefix_counts_chars() {
        assert_eq!(prefix("харкові", 5), "харко");
        assert_eq!(prefix("war", 5), "war");
        assert_eq!(prefix("earthquakes", 0), "earthquakes");
    }

    #[test]
    fn shingles_short_and_long() {
        let mut n = 0;
        shingles(&[1, 2], 4, |_| n += 1);
        assert_eq!(n, 1);
        let mut v = Vec::new();
        shingles(&[1, 2, 3, 4, 5], 4, |h| v.push(h));
        assert_eq!(v.len(), 2);
        assert_ne!(v[0], v[1]);
        shingles(&[], 4, |_| panic!("no words, no shingles"));
    }
}
