//! The decoded table: tags, paradigms (lemma ending + (ending, tag) pairs) and lexemes (stem + paradigm),
//! sorted by stem. See scripts/morph-dict.py for the text format.

use std::collections::HashMap;
use std::io::Read;

use crate::{Analysis, Case, Gender, Kind, Number, Tag};

struct Paradigm {
    lemma_end: Box<str>,
    /// (ending, tag id), sorted by ending.
    ends: Box<[(Box<str>, u16)]>,
}

pub(crate) struct Table {
    tags: Vec<Tag>,
    paradigms: Vec<Paradigm>,
    /// All stems, concatenated; `lexemes` index into it.
    stems: String,
    /// (stem start, stem end, paradigm id), sorted by stem.
    lexemes: Vec<(u32, u32, u32)>,
    /// The longest ending, in bytes.
    max_end: usize,
    /// FNV-1a hash of a stem → the range of `lexemes` with that stem (checked against the stem itself).
    index: HashMap<u64, (u32, u32)>,
}

fn fnv(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

fn parse_tag(s: &str) -> Option<Tag> {
    let mut it = s.split(' ');
    let kind = match it.next()? {
        "N" => Kind::FirstName,
        "S" => Kind::Surname,
        "P" => Kind::Patronymic,
        "G" => Kind::Place,
        "O" => Kind::Organisation,
        "C" => Kind::Common,
        _ => return None,
    };
    let gender = match it.next()? {
        "m" => Gender::Masculine,
        "f" => Gender::Feminine,
        "n" => Gender::Neuter,
        "c" => Gender::Common,
        _ => Gender::Unknown,
    };
    let number = match it.next()? {
        "p" => Number::Plural,
        _ => Number::Singular,
    };
    let case = match it.next()? {
        "nom" => Case::Nominative,
        "gen" => Case::Genitive,
        "dat" => Case::Dative,
        "acc" => Case::Accusative,
        "ins" => Case::Instrumental,
        "loc" => Case::Locative,
        "voc" => Case::Vocative,
        _ => return None,
    };
    Some(Tag {
        kind,
        gender,
        number,
        case,
    })
}

/// The table's spelling of a word: lower case, ё as е, apostrophes as '.
pub(crate) fn normalise(word: &str) -> String {
    word.chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'ё' => 'е',
            '’' | 'ʼ' | '`' | '‘' | '′' => '\'',
            '‐' | '‑' | '–' => '-',
            c => c,
        })
        .collect()
}

impl Table {
    /// Decodes a gzip-compressed table. The data is compiled in and checked by the tests; a malformed line
    /// is skipped rather than trusted.
    pub(crate) fn decode(gz: &[u8]) -> Table {
        let mut text = String::new();
        if flate2::read::GzDecoder::new(gz).read_to_string(&mut text).is_err() {
            text.clear();
        }
        let mut tags = Vec::new();
        let mut paradigms = Vec::new();
        let mut stems = String::new();
        let mut lexemes = Vec::new();
        let mut max_end = 0;
        for line in text.lines() {
            if line.starts_with('#') {
                continue;
            }
            let mut cols = line.split('\t');
            let (Some(a), Some(b)) = (cols.next(), cols.next()) else {
                continue;
            };
            match a {
                "T" => {
                    if let Some(t) = parse_tag(b) {
                        tags.push(t);
                    } else {
                        // Keep ids aligned: an unknown tag still takes its slot.
                        tags.push(Tag {
                            kind: Kind::Common,
                            gender: Gender::Unknown,
                            number: Number::Singular,
                            case: Case::Vocative,
                        });
                    }
                }
                "P" => {
                    let ends: Vec<(Box<str>, u16)> = cols
                        .next()
                        .unwrap_or("")
                        .split(' ')
                        .filter_map(|p| {
                            let (e, t) = p.rsplit_once(':')?;
                            let t: u16 = t.parse().ok()?;
                            ((t as usize) < tags.len()).then(|| (Box::from(e), t))
                        })
                        .collect();
                    max_end = ends.iter().map(|(e, _)| e.len()).fold(max_end, usize::max);
                    paradigms.push(Paradigm {
                        lemma_end: Box::from(b),
                        ends: ends.into_boxed_slice(),
                    });
                }
                stem => {
                    let Ok(p) = b.parse::<u32>() else { continue };
                    let start = stems.len() as u32;
                    stems.push_str(stem);
                    lexemes.push((start, stems.len() as u32, p));
                }
            }
        }
        lexemes.retain(|&(_, _, p)| (p as usize) < paradigms.len());
        // The file is sorted already; sorting again costs little and makes the search safe whatever it holds.
        lexemes.sort_by(|a, b| stems[a.0 as usize..a.1 as usize].cmp(&stems[b.0 as usize..b.1 as usize]));
        stems.shrink_to_fit();
        lexemes.shrink_to_fit();
        let mut index: HashMap<u64, (u32, u32)> = HashMap::with_capacity(lexemes.len());
        let mut i = 0;
        while i < lexemes.len() {
            let (a, b, _) = lexemes[i];
            let stem = &stems[a as usize..b as usize];
            let mut j = i + 1;
            while j < lexemes.len() && &stems[lexemes[j].0 as usize..lexemes[j].1 as usize] == stem {
                j += 1;
            }
            // Two stems with one hash (not seen in these tables): the first keeps the slot.
            index.entry(fnv(stem)).or_insert((i as u32, j as u32));
            i = j;
        }
        Table {
            tags,
            paradigms,
            stems,
            lexemes,
            max_end,
            index,
        }
    }

    pub(crate) fn lexemes(&self) -> usize {
        self.lexemes.len()
    }

    pub(crate) fn heap_bytes(&self) -> usize {
        let par: usize = self
            .paradigms
            .iter()
            .map(|p| {
                size_of::<Paradigm>()
                    + p.lemma_end.len()
                    + p.ends
                        .iter()
                        .map(|(e, _)| e.len() + size_of::<(Box<str>, u16)>())
                        .sum::<usize>()
            })
            .sum();
        self.stems.capacity()
            + self.index.capacity() * (size_of::<(u64, (u32, u32))>() + 1)
            + self.lexemes.capacity() * size_of::<(u32, u32, u32)>()
            + self.tags.capacity() * size_of::<Tag>()
            + par
    }

    fn stem(&self, i: usize) -> &str {
        let (a, b, _) = self.lexemes[i];
        &self.stems[a as usize..b as usize]
    }

    /// Every analysis of `word`.
    pub(crate) fn analyse(&self, word: &str) -> Vec<Analysis> {
        let mut out = Vec::new();
        if word.is_empty() || word.len() > 200 {
            return out;
        }
        let norm = normalise(word);
        let original: Vec<char> = word.chars().collect();
        let same_length = original.len() == norm.chars().count();
        let upper = original.len() > 1 && original.iter().all(|c| !c.is_lowercase());
        for (k, _) in norm.char_indices().chain(std::iter::once((norm.len(), ' '))) {
            if norm.len() - k > self.max_end {
                continue;
            }
            let (stem, end) = norm.split_at(k);
            if stem.is_empty() {
                continue;
            }
            let Some(&(lo, hi)) = self.index.get(&fnv(stem)) else {
                continue;
            };
            if self.stem(lo as usize) != stem {
                continue;
            }
            for i in lo as usize..hi as usize {
                let p = &self.paradigms[self.lexemes[i].2 as usize];
                let from = p.ends.partition_point(|(e, _)| &**e < end);
                for (e, t) in p.ends[from..].iter().take_while(|(e, _)| &**e == end) {
                    let _ = e;
                    let tag = self.tags[*t as usize];
                    let stem_chars = stem.chars().count();
                    let cased_stem: String = if same_length {
                        original[..stem_chars].iter().collect()
                    } else {
                        capitalised(stem, original.first().is_some_and(|c| c.is_uppercase()))
                    };
                    let shape = |ending: &str| {
                        if upper {
                            format!("{cased_stem}{}", ending.to_uppercase())
                        } else {
                            format!("{cased_stem}{ending}")
                        }
                    };
                    // The nominative of the same gender (and number): OpenCorpora keeps a surname's
                    // masculine and feminine forms in one lexeme (Захаров, Захаровой).
                    let nom_of = |number: Number| {
                        p.ends
                            .iter()
                            .find(|(_, t2)| {
                                let g = self.tags[*t2 as usize];
                                g.number == number && g.case == Case::Nominative && g.gender == tag.gender
                            })
                            .map(|(e2, _)| shape(e2))
                    };
                    let lemma = nom_of(Number::Singular).unwrap_or_else(|| shape(&p.lemma_end));
                    let nominative = if tag.number == Number::Singular {
                        lemma.clone()
                    } else {
                        nom_of(tag.number).unwrap_or_else(|| lemma.clone())
                    };
                    let a = Analysis { lemma, nominative, tag };
                    if !out.contains(&a) {
                        out.push(a);
                    }
                }
            }
        }
        out
    }
}

fn capitalised(s: &str, cap: bool) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) if cap => f.to_uppercase().chain(c).collect(),
        _ => s.to_string(),
    }
}
