//! Places. A gazetteer built from GeoNames (see data/ATTRIBUTION.md) is compiled into the binary and
//! parsed on first use; lookups accept English, Ukrainian and Russian spellings, old names
//! (Dnipropetrovsk → Dnipro, Artemivsk → Bakhmut), Ukrainian and Russian case endings (Києві → Київ,
//! Харкові → Харків, Москве → Москва) and transliterations (Ukrainian national standard of 2010, BGN/PCGN
//! for Russian). Pure: no IO.

mod translit;

use std::collections::HashMap;
use std::io::Read;
use std::sync::OnceLock;

pub use translit::{ru_bgn_pcgn, uk_national_2010};

const DATA: &[u8] = include_bytes!("../data/gazetteer.tsv.gz");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlaceKind {
    Country,
    City,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Place {
    pub geonameid: u32,
    pub kind: PlaceKind,
    pub name: String,
    /// Coordinates (cities only).
    pub lat: Option<f32>,
    pub lon: Option<f32>,
    /// ISO 3166 alpha-2.
    pub country: String,
    /// GeoNames first-level administrative code.
    pub admin1: String,
    pub population: u64,
}

impl Place {
    /// The first-level region's name where known (Ukraine's oblasts).
    pub fn region(&self) -> Option<&'static str> {
        (self.country == "UA").then(|| ua_region(&self.admin1)).flatten()
    }
}

/// Ukraine's first-level divisions by GeoNames admin1 code.
pub fn ua_region(code: &str) -> Option<&'static str> {
    Some(match code {
        "01" => "Cherkasy Oblast",
        "02" => "Chernihiv Oblast",
        "03" => "Chernivtsi Oblast",
        "04" => "Dnipropetrovsk Oblast",
        "05" => "Donetsk Oblast",
        "06" => "Ivano-Frankivsk Oblast",
        "07" => "Kharkiv Oblast",
        "08" => "Kherson Oblast",
        "09" => "Khmelnytskyi Oblast",
        "10" => "Kirovohrad Oblast",
        "11" => "Autonomous Republic of Crimea",
        "12" => "Kyiv (city)",
        "13" => "Kyiv Oblast",
        "14" => "Luhansk Oblast",
        "15" => "Lviv Oblast",
        "16" => "Mykolaiv Oblast",
        "17" => "Odesa Oblast",
        "18" => "Poltava Oblast",
        "19" => "Rivne Oblast",
        "20" => "Sevastopol (city)",
        "21" => "Sumy Oblast",
        "22" => "Ternopil Oblast",
        "23" => "Vinnytsia Oblast",
        "24" => "Volyn Oblast",
        "25" => "Zakarpattia Oblast",
        "26" => "Zaporizhzhia Oblast",
        "27" => "Zhytomyr Oblast",
        _ => return None,
    })
}

/// FNV-1a: the index's keys are short names, where it is several times faster than SipHash; the data is
/// ours, so hash flooding is not a concern.
#[derive(Clone, Copy, Default)]
pub struct Fnv;

pub struct FnvHasher(u64);

impl std::hash::BuildHasher for Fnv {
    type Hasher = FnvHasher;
    fn build_hasher(&self) -> FnvHasher {
        FnvHasher(0xcbf2_9ce4_8422_2325)
    }
}

impl std::hash::Hasher for FnvHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ b as u64).wrapping_mul(0x100_0000_01b3);
        }
    }
}

pub struct Gazetteer {
    places: Vec<Place>,
    /// Normalised name → place indices, most populous first.
    index: HashMap<String, Vec<u32>, Fnv>,
}

/// How a name resolved.
#[derive(Debug, Clone, PartialEq)]
pub enum Resolution<'g> {
    Found(&'g Place),
    /// Several places of comparable size and nothing in the context to choose: listed, best first.
    Ambiguous(Vec<&'g Place>),
    NotFound,
}

/// Lowercase, apostrophes and dashes dropped or unified, so "Kyiv", "KYIV" and "Kyiv’s" meet.
pub fn normalize(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let name = name.trim();
    // A possessive is not part of the name: "Kyiv's" → "kyiv".
    let name = ["'s", "'S", "’s", "’S"]
        .iter()
        .find_map(|suffix| name.strip_suffix(suffix))
        .unwrap_or(name);
    for c in name.chars() {
        match c {
            '\'' | '’' | 'ʼ' | '`' | 'ʹ' => {}
            '-' | '‐' | '–' => out.push(' '),
            c => out.extend(c.to_lowercase()),
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn is_cyrillic(s: &str) -> bool {
    s.chars().any(|c| ('\u{400}'..='\u{4ff}').contains(&c))
}

impl Gazetteer {
    /// The gazetteer compiled into the binary, parsed once.
    pub fn embedded() -> &'static Gazetteer {
        static G: OnceLock<Gazetteer> = OnceLock::new();
        G.get_or_init(|| Gazetteer::parse(&embedded_text()))
    }

    /// Parses the TSV form (see scripts/build-gazetteer.py); malformed lines are skipped.
    pub fn parse(text: &str) -> Gazetteer {
        let mut places = Vec::with_capacity(42_000);
        let mut index: HashMap<String, Vec<u32>, Fnv> = HashMap::with_capacity_and_hasher(200_000, Fnv);
        for line in text.lines() {
            if line.starts_with('#') || line.is_empty() {
                continue;
            }
            let f: Vec<&str> = line.split('\t').collect();
            if f.len() < 9 {
                continue;
            }
            let Ok(geonameid) = f[0].parse() else { continue };
            let place = Place {
                geonameid,
                kind: if f[1] == "country" {
                    PlaceKind::Country
                } else {
                    PlaceKind::City
                },
                name: f[2].to_string(),
                lat: f[3].parse().ok(),
                lon: f[4].parse().ok(),
                country: f[5].to_string(),
                admin1: f[6].to_string(),
                population: f[7].parse().unwrap_or(0),
            };
            let i = places.len() as u32;
            // Alternate names are stored already normalised (scripts/build-gazetteer.py); ASCII ones are
            // taken as they are, others normalised again so both sides agree whatever the script's Unicode tables.
            let mut keys: Vec<String> = std::iter::once(normalize(&place.name))
                .chain(f[8].split('|').filter(|n| !n.is_empty()).map(|n| {
                    if n.bytes()
                        .all(|b| b.is_ascii_lowercase() || b == b' ' || b.is_ascii_digit())
                    {
                        n.to_string()
                    } else {
                        normalize(n)
                    }
                }))
                .collect();
            if place.kind == PlaceKind::Country {
                keys.push(normalize(&place.country));
            }
            keys.sort();
            keys.dedup();
            for k in keys {
                // Lines are sorted by population, so each list stays most-populous-first.
                index.entry(k).or_default().push(i);
            }
            places.push(place);
        }
        Gazetteer { places, index }
    }

    pub fn len(&self) -> usize {
        self.places.len()
    }

    pub fn is_empty(&self) -> bool {
        self.places.is_empty()
    }

    fn exact(&self, key: &str) -> Option<&[u32]> {
        self.index.get(key).map(Vec::as_slice)
    }

    /// Every place a name may refer to, most populous first. Tries the name, then (for Cyrillic) case
    /// endings removed and vowel alternations undone, then transliterations.
    pub fn lookup(&self, name: &str) -> Vec<&Place> {
        let key = normalize(name);
        if key.is_empty() {
            return Vec::new();
        }
        let ids = self.exact(&key).or_else(|| {
            if is_cyrillic(&key) {
                nominative_candidates(&key)
                    .iter()
                    .find_map(|k| self.exact(k))
                    .or_else(|| {
                        self.exact(&normalize(&uk_national_2010(name)))
                            .or_else(|| self.exact(&normalize(&ru_bgn_pcgn(name))))
                    })
            } else {
                None
            }
        });
        ids.map(|ids| ids.iter().map(|&i| &self.places[i as usize]).collect())
            .unwrap_or_default()
    }

    /// Picks one place for a name: the one in `context_country` (ISO alpha-2) if any, else the most
    /// populous when it clearly dominates, else ambiguous.
    pub fn resolve(&self, name: &str, context_country: Option<&str>) -> Resolution<'_> {
        let found = self.lookup(name);
        match found.as_slice() {
            [] => Resolution::NotFound,
            [one] => Resolution::Found(one),
            many => {
                if let Some(c) = many.iter().find(|p| p.kind == PlaceKind::Country) {
                    return Resolution::Found(c);
                }
                if let Some(cc) = context_country
                    && let Some(p) = many.iter().find(|p| p.country == cc)
                {
                    return Resolution::Found(p);
                }
                // Lists are most populous first.
                if many[0].population >= 5 * many[1].population.max(1) {
                    Resolution::Found(many[0])
                } else {
                    Resolution::Ambiguous(many.iter().take(5).copied().collect())
                }
            }
        }
    }
}

/// The embedded data as text. The data is compiled in and checked by tests; were it unreadable, the
/// gazetteer would be empty rather than the program failing.
pub fn embedded_text() -> String {
    let mut text = String::with_capacity(6 << 20);
    if flate2::read::GzDecoder::new(DATA).read_to_string(&mut text).is_err() {
        text.clear();
    }
    text
}

/// Nominative forms a declined Ukrainian or Russian place name may come from: "києві" → "київ",
/// "харкові" → "харків", "москве" → "москва", "одесі" → "одеса", "донецька" → "донецьк".
fn nominative_candidates(word: &str) -> Vec<String> {
    const ENDINGS: &[&str] = &[
        "ові", "еві", "єві", "ою", "ею", "єю", "ом", "ем", "ого", "ому", "ой", "ей", "у", "ю", "і", "ї", "а", "я", "е",
        "и", "ы",
    ];
    let mut out = Vec::new();
    for e in ENDINGS {
        let Some(stem) = word.strip_suffix(e) else { continue };
        if stem.chars().count() < 3 {
            continue;
        }
        let mut stems = vec![stem.to_string()];
        // Ukrainian alternations in the last syllable: Києв- ↔ Київ, Харков- ↔ Харків, Львов- ↔ Львів.
        for (from, to) in [('є', 'ї'), ('о', 'і'), ('е', 'і')] {
            if let Some(pos) = stem.rfind(from) {
                let mut alt = stem.to_string();
                alt.replace_range(pos..pos + from.len_utf8(), &to.to_string());
                stems.push(alt);
            }
        }
        for s in stems {
            for tail in ["", "а", "я", "ь", "і", "е"] {
                out.push(format!("{s}{tail}"));
            }
        }
    }
    out
}
