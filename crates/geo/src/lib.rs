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

/// Ukraine's oblasts as named in running text, by GeoNames admin1 code: the English names (national and
/// older Russian-based spellings) and the adjective stems of the Ukrainian and Russian names.
const OBLASTS: &[(&str, &[&str], &str, &str)] = &[
    ("01", &["cherkasy", "cherkassy"], "черкаськ", "черкасск"),
    ("02", &["chernihiv", "chernigov"], "чернігівськ", "черниговск"),
    ("03", &["chernivtsi", "chernovtsy"], "чернівецьк", "черновицк"),
    (
        "04",
        &["dnipropetrovsk", "dnepropetrovsk", "dnipro"],
        "дніпропетровськ",
        "днепропетровск",
    ),
    ("05", &["donetsk"], "донецьк", "донецк"),
    (
        "06",
        &["ivano frankivsk", "ivano frankovsk"],
        "івано франківськ",
        "ивано франковск",
    ),
    ("07", &["kharkiv", "kharkov"], "харківськ", "харьковск"),
    ("08", &["kherson"], "херсонськ", "херсонск"),
    (
        "09",
        &["khmelnytskyi", "khmelnytsky", "khmelnitsky", "khmelnitskiy"],
        "хмельницьк",
        "хмельницк",
    ),
    (
        "10",
        &["kirovohrad", "kirovograd", "kropyvnytskyi"],
        "кіровоградськ",
        "кировоградск",
    ),
    ("13", &["kyiv", "kiev"], "київськ", "киевск"),
    ("14", &["luhansk", "lugansk"], "луганськ", "луганск"),
    ("15", &["lviv", "lvov"], "львівськ", "львовск"),
    (
        "16",
        &["mykolaiv", "nikolaev", "nikolayev"],
        "миколаївськ",
        "николаевск",
    ),
    ("17", &["odesa", "odessa"], "одеськ", "одесск"),
    ("18", &["poltava"], "полтавськ", "полтавск"),
    ("19", &["rivne", "rovno"], "рівненськ", "ровенск"),
    ("21", &["sumy"], "сумськ", "сумск"),
    ("22", &["ternopil", "ternopol"], "тернопільськ", "тернопольск"),
    ("23", &["vinnytsia", "vinnytsya", "vinnitsa"], "вінницьк", "винницк"),
    ("24", &["volyn", "volhynia"], "волинськ", "волынск"),
    (
        "25",
        &["zakarpattia", "transcarpathian", "transcarpathia"],
        "закарпатськ",
        "закарпатск",
    ),
    (
        "26",
        &["zaporizhzhia", "zaporizhia", "zaporozhye", "zaporizhzhya"],
        "запорізьк",
        "запорожск",
    ),
    ("27", &["zhytomyr", "zhitomir"], "житомирськ", "житомирск"),
];

/// The oblast a word names when it stands before "Oblast", "region", "область", "області", "области"…:
/// "Donetsk" (Donetsk Oblast), "Донецькій" (Донецькій області), "Запорожской" (Запорожской области). Returns
/// its GeoNames admin1 code ("05").
pub fn ua_oblast(word: &str) -> Option<&'static str> {
    let w = normalize(word);
    if !is_cyrillic(&w) {
        return OBLASTS
            .iter()
            .find(|(_, latin, _, _)| latin.contains(&w.as_str()))
            .map(|(code, ..)| *code);
    }
    const ENDINGS: &[&str] = &["ою", "ої", "ій", "ому", "ого", "ая", "ой", "ую", "ий", "а", "у", "і"];
    ENDINGS.iter().find_map(|e| {
        let stem = w.strip_suffix(e)?;
        OBLASTS
            .iter()
            .find(|(_, _, uk, ru)| *uk == stem || *ru == stem)
            .map(|(code, ..)| *code)
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
    /// Normalised name → place indices, most populous first; `OTHER` marks a name the place does not bear
    /// today (a former name or an exonym).
    index: HashMap<String, Vec<u32>, Fnv>,
}

/// The high bit of an index entry: the name is one of the place's other names.
const OTHER: u32 = 1 << 31;

/// How a name belongs to a place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameKind {
    /// The place's name today, in one of its spellings: Kyiv, Kiev, Київ, Киев.
    Current,
    /// A name the place does not bear today: a former name (Krasnoarmiisk and Красноармейск for Pokrovsk,
    /// Pokrovsk for Engels) or an exonym of another sound (Lemberg for Lviv).
    Other,
}

/// A place a name may refer to, and how the name belongs to it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Match<'g> {
    pub place: &'g Place,
    pub name: NameKind,
}

/// What the text around a name says about where it is, to choose among same-named places.
#[derive(Debug, Clone, Copy, Default)]
pub struct Context<'a> {
    /// The countries the story names (ISO alpha-2).
    pub countries: &'a [&'a str],
    /// First-level regions named nearby, as (country, admin1 code): ("UA", "05") for Donetsk Oblast.
    pub regions: &'a [(&'a str, &'a str)],
}

/// Weights of `Gazetteer::resolve_in`: a place's weight is its population (at least `POPULATION_FLOOR`: GeoNames
/// gives 0 for unknown, and a village's count says little against another's), times `CURRENT` if it bears
/// the name today, times `IN_COUNTRY` if it lies in a country the story names, times `IN_REGION` if it lies in a
/// region named nearby. The heaviest is chosen when it weighs `DOMINANCE` times the next.
const POPULATION_FLOOR: u64 = 500;
const CURRENT: u64 = 100;
const IN_COUNTRY: u64 = 100;
const IN_REGION: u64 = 100;
const DOMINANCE: u64 = 5;

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
        let mut places = Vec::with_capacity(44_000);
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
            let mut current = stored_names(f.get(8).copied());
            current.push(normalize(&place.name));
            if place.kind == PlaceKind::Country {
                current.push(normalize(&place.country));
            }
            current.sort();
            current.dedup();
            let mut other = stored_names(f.get(9).copied());
            other.retain(|k| current.binary_search(k).is_err());
            // Lines are sorted by population, so each list stays most-populous-first.
            for k in current {
                index.entry(k).or_default().push(i);
            }
            for k in other {
                index.entry(k).or_default().push(i | OTHER);
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

    /// Every place, most populous first (the map finds the places inside an area with it).
    pub fn places(&self) -> &[Place] {
        &self.places
    }

    fn exact(&self, key: &str) -> Option<&[u32]> {
        self.index.get(key).map(Vec::as_slice)
    }

    /// Every place a name may refer to: those that bear it today first, then those that bore it once (or
    /// know it as an exonym), each group most populous first. Tries the name, then (for Cyrillic) case
    /// endings removed and vowel alternations undone, then transliterations.
    pub fn matches(&self, name: &str) -> Vec<Match<'_>> {
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
        let mut out: Vec<Match<'_>> = ids
            .unwrap_or_default()
            .iter()
            .map(|&i| Match {
                place: &self.places[(i & !OTHER) as usize],
                name: if i & OTHER == 0 {
                    NameKind::Current
                } else {
                    NameKind::Other
                },
            })
            .collect();
        // Stable: within each group the population order of the index stays.
        out.sort_by_key(|m| m.name == NameKind::Other);
        out
    }

    /// The nominative under which the gazetteer knows a declined Cyrillic name ("риме" → "рим", "тусоне" →
    /// "тусон"), normalised; `None` when the name is known as it is or not at all.
    pub fn nominative_key(&self, name: &str) -> Option<String> {
        let key = normalize(name);
        if key.is_empty() || !is_cyrillic(&key) || self.exact(&key).is_some() {
            return None;
        }
        nominative_candidates(&key)
            .into_iter()
            .find(|k| self.exact(k).is_some())
    }

    /// Every place a name may refer to, in the order of `matches`.
    pub fn lookup(&self, name: &str) -> Vec<&Place> {
        self.matches(name).into_iter().map(|m| m.place).collect()
    }

    /// Picks one place for a name, with the story's country (ISO alpha-2) as the only context.
    pub fn resolve(&self, name: &str, context_country: Option<&str>) -> Resolution<'_> {
        let countries: Vec<&str> = context_country.into_iter().collect();
        self.resolve_in(
            name,
            &Context {
                countries: &countries,
                regions: &[],
            },
        )
    }

    /// Picks one place for a name. A country of that name wins outright. Otherwise each place is weighed:
    /// its population, a hundred times more if it bears the name today (Pokrovsk, Donetsk Oblast, before
    /// Engels, which was called Pokrovsk until 1931; a former name alone still finds its place: Artemivsk →
    /// Bakhmut), a hundred times more if it lies in a country the story names, a hundred times more if it
    /// lies in a region named nearby (which Pokrovske of ten). The heaviest is found when it weighs five
    /// times the next; else the name is ambiguous, the places listed heaviest first.
    pub fn resolve_in(&self, name: &str, context: &Context<'_>) -> Resolution<'_> {
        self.resolve_matches(&self.matches(name), context)
    }

    /// [`Gazetteer::resolve_in`] for the places [`Gazetteer::matches`] gave a name (a caller that asks about one
    /// name in several contexts looks it up once).
    pub fn resolve_matches<'g>(&'g self, found: &[Match<'g>], context: &Context<'_>) -> Resolution<'g> {
        match found {
            [] => return Resolution::NotFound,
            [one] => return Resolution::Found(one.place),
            _ => {}
        }
        if let Some(c) = found.iter().find(|m| m.place.kind == PlaceKind::Country) {
            return Resolution::Found(c.place);
        }
        let weight = |m: &Match<'_>| -> u64 {
            let p = m.place;
            let mut w = p.population.max(POPULATION_FLOOR);
            if m.name == NameKind::Current {
                w *= CURRENT;
            }
            if context.countries.contains(&p.country.as_str()) {
                w *= IN_COUNTRY;
            }
            if context.regions.iter().any(|&(c, a)| c == p.country && a == p.admin1) {
                w *= IN_REGION;
            }
            w
        };
        let mut weighed: Vec<(u64, &Place)> = found.iter().map(|m| (weight(m), m.place)).collect();
        // Heaviest first; ties by population, then by id, so the order never depends on the index.
        weighed.sort_by(|a, b| {
            b.0.cmp(&a.0)
                .then(b.1.population.cmp(&a.1.population))
                .then(a.1.geonameid.cmp(&b.1.geonameid))
        });
        if weighed[0].0 >= DOMINANCE * weighed[1].0 {
            Resolution::Found(weighed[0].1)
        } else {
            Resolution::Ambiguous(weighed.iter().take(5).map(|&(_, p)| p).collect())
        }
    }
}

/// A `|`-separated column of names, as index keys, sorted and deduplicated. Names are stored already
/// normalised (scripts/build-gazetteer.py); ASCII ones are taken as they are, others normalised again so both
/// sides agree whatever the script's Unicode tables.
fn stored_names(column: Option<&str>) -> Vec<String> {
    let mut v: Vec<String> = column
        .into_iter()
        .flat_map(|c| c.split('|'))
        .filter(|n| !n.is_empty())
        .map(|n| {
            if n.bytes()
                .all(|b| b.is_ascii_lowercase() || b == b' ' || b.is_ascii_digit())
            {
                n.to_string()
            } else {
                normalize(n)
            }
        })
        .collect();
    v.sort();
    v.dedup();
    v
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
            // (-й: Китая → Китай, Парагвая → Парагвай.)
            for tail in ["", "а", "я", "ь", "і", "е", "й"] {
                out.push(format!("{s}{tail}"));
            }
        }
    }
    out
}
