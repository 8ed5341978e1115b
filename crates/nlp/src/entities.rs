//! Named entities: people, organisations and places, with every mention linked to one canonical entity
//! and the descriptions the text gives ("Kremlin aide", "Irish Prime Minister").

use crate::lexicon::{ORG_WORDS, PLACES, TITLES, not_a_name};
use crate::memo::{Memo, memo};
use crate::text::{Kind, Token};
use std::collections::{HashMap, HashSet};

pub use livebrief_model::reading::EntityKind;

#[derive(Debug, Clone)]
pub struct Entity {
    pub name: String,
    pub kind: EntityKind,
    pub descriptions: Vec<String>,
    /// Byte spans of the mentions, in text order.
    pub mentions: Vec<(usize, usize)>,
    /// For places: the gazetteer entry.
    pub place: Option<GeoPlace>,
    /// For people: the role phrases the text attaches to them, lowercased and without dots, for linking
    /// descriptions such as "the Florida senator" ("retired neurosurgeon" before the name, "the Republican
    /// senator" in apposition after it, and the descriptions).
    pub roles: Vec<String>,
    /// For people: the gender a courtesy title gives (Mr., Mrs., Ms.), for pronouns.
    pub gender: Option<Gender>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gender {
    Male,
    Female,
}

/// The given names of the 1990 US Census lists and their gender (crates/nlp/data/given-names.txt, built by
/// scripts/build-given-names.py), read once.
fn given_names() -> &'static HashMap<&'static str, Gender> {
    static NAMES: std::sync::OnceLock<HashMap<&'static str, Gender>> = std::sync::OnceLock::new();
    NAMES.get_or_init(|| {
        include_str!("../data/given-names.txt")
            .lines()
            .filter(|l| !l.starts_with('#'))
            .filter_map(|l| {
                let (name, g) = l.split_once('\t')?;
                let g = match g {
                    "f" => Gender::Female,
                    "m" => Gender::Male,
                    _ => return None,
                };
                Some((name, g))
            })
            .collect()
    })
}

/// A person's gender from the name alone: the given name's (Hillary, Marco), else the ending of a Slavic surname
/// in Latin letters ("-ova", "-eva", "-ska" are women's: Zakharova; "-ov", "-ev", "-sky" men's: Peskov).
pub fn gender_of_name(name: &str) -> Option<Gender> {
    let words: Vec<&str> = name.split_whitespace().collect();
    if words.len() >= 2
        && let Some(&g) = given_names().get(words[0].to_lowercase().as_str())
    {
        return Some(g);
    }
    let surname = words.last()?.to_lowercase();
    if ["ova", "eva", "yeva", "skaya", "ska"]
        .iter()
        .any(|e| surname.ends_with(e))
        && surname.len() > 5
    {
        Some(Gender::Female)
    } else if ["ov", "ev", "yev", "sky", "skiy", "skyi", "ski"]
        .iter()
        .any(|e| surname.ends_with(e))
        && surname.len() > 4
    {
        Some(Gender::Male)
    } else {
        None
    }
}

/// Words that end a role phrase in apposition: "John Smith, the Republican senator from Ohio, said".
const ROLE_PHRASE_STOPS: &[&str] = &[
    "who", "which", "that", "of", "for", "at", "in", "on", "to", "with", "from", "and", "or", "but", "since", "said",
    "says", "told", "is", "was", "has", "had", "will", "would", "whose", "whom", "as", "by",
];

/// A noun for one person ("senator", "neurosurgeon", "spokesman"; "sen."): what heads a role phrase.
pub fn person_noun(w: &str) -> bool {
    let w = w.trim_end_matches('.');
    crate::lexicon::PERSON_NOUNS.contains(&w) || matches!(w, "sen" | "rep" | "gov" | "gen" | "adm" | "col" | "capt")
}

fn is_determiner(w: &str) -> bool {
    matches!(w, "the" | "a" | "an" | "his" | "her" | "its" | "their" | "our")
}

/// The role phrase right before a name, ending with a person noun: "retired neurosurgeon Ben Carson",
/// "conservative activist Bob Klaus", "Republican presidential candidate Ben Carson" (at most six words, no
/// function words, determiners or possessives).
fn role_before(s: &str, toks: &[Token], name_first: usize) -> Option<String> {
    let mut words: Vec<String> = Vec::new();
    let mut k = name_first;
    while k > 0 && words.len() < 6 {
        let p = toks[k - 1];
        if p.kind != Kind::Word || !s[p.end..toks[k].start].chars().all(|c| c == ' ') {
            break;
        }
        let w = lower(p.text(s));
        if words.is_empty() && !person_noun(&w) {
            return None;
        }
        // (A capitalised adjective stays: "Republican presidential candidate"; a lowercase function word ends it.)
        if is_determiner(&w)
            || ROLE_PHRASE_STOPS.contains(&w.as_str())
            || (not_a_name(&w) && !capitalized(p.text(s)) && !person_noun(&w))
            || w.ends_with("'s")
            || w.ends_with("’s")
        {
            break;
        }
        words.push(w.replace('.', ""));
        k -= 1;
    }
    words.reverse();
    (!words.is_empty()).then(|| words.join(" "))
}

/// The role phrase in apposition right after a name: "Lael Brainard, a Fed governor,", "Geoff Garin, a
/// Democratic pollster working for …" (its words up to the last person noun before a stop; possessives left out).
fn appositive(s: &str, toks: &[Token], name_last: usize) -> Option<String> {
    if toks.get(name_last + 1).is_none_or(|t| t.text(s) != ",") {
        return None;
    }
    let mut k = name_last + 2;
    if toks.get(k).is_some_and(|t| is_determiner(&lower(t.text(s)))) {
        k += 1;
    }
    let mut words: Vec<String> = Vec::new();
    let mut head = None;
    while k < toks.len() && words.len() < 7 {
        let t = toks[k];
        if t.kind != Kind::Word {
            break;
        }
        let w = lower(t.text(s));
        if ROLE_PHRASE_STOPS.contains(&w.as_str()) {
            break;
        }
        if !(w.ends_with("'s") || w.ends_with("’s")) {
            words.push(w.replace('.', ""));
            if person_noun(&w) {
                head = Some(words.len());
            }
        }
        k += 1;
    }
    let n = head?;
    words.truncate(n);
    Some(words.join(" "))
}

/// A place mention linked to the gazetteer.
pub use livebrief_model::reading::Place as GeoPlace;

/// Looks a name up in the gazetteer (after the lexicon's aliases such as "U.S."), choosing among
/// same-named places by what the story says: the countries it names and the oblasts named in it
/// (`livebrief_geo::Gazetteer::resolve_in`).
pub fn geo_place(name: &str, context: &livebrief_geo::Context<'_>) -> Option<GeoPlace> {
    use livebrief_geo::{PlaceKind, Resolution};
    let key = place_canonical(name).unwrap_or(name);
    let resolution = resolve(key, context);
    let (p, ambiguous) = match resolution {
        Resolution::Found(p) => (p, false),
        Resolution::Ambiguous(v) => (v[0], true),
        Resolution::NotFound => return None,
    };
    // Small places that share a common word are not worth the risk: "Hope", "Liberty", "Independence".
    if p.kind == PlaceKind::City && p.population < 15_000 && !matches!(p.country.as_str(), "UA" | "RU" | "BY" | "MD") {
        return None;
    }
    Some(GeoPlace {
        geonameid: p.geonameid,
        name: p.name.clone(),
        lat: p.lat,
        lon: p.lon,
        country: p.country.clone(),
        region: p.region().map(str::to_string),
        ambiguous,
    })
}

/// See `find`: a single Cyrillic word at the start of a sentence or of a quotation is a place only if it
/// names a town at least this big.
const WEAK_POSITION_MIN_POPULATION: u64 = 10_000;

/// Words that make the word before them an oblast: "Donetsk Oblast", "Донецькій області", "Донецкой области".
const OBLAST_WORDS: &[&str] = &[
    "oblast",
    "region",
    "province",
    "область",
    "області",
    "областю",
    "обл",
    "области",
    "областью",
];

/// The oblasts a text names ("Donetsk Oblast", "Запорізькій області"), as (country, admin1) pairs in order.
fn oblasts_named(s: &str, toks: &[Token]) -> Vec<(&'static str, &'static str)> {
    let mut out = Vec::new();
    for (i, t) in toks.iter().enumerate().skip(1) {
        let prev = toks[i - 1];
        if t.kind != Kind::Word
            || prev.kind != Kind::Word
            || !s[prev.end..t.start].chars().all(|c| c == ' ')
            || !OBLAST_WORDS.contains(&lower(t.text(s)).as_str())
        {
            continue;
        }
        if let Some(code) = livebrief_geo::ua_oblast(prev.text(s))
            && !out.contains(&("UA", code))
        {
            out.push(("UA", code));
        }
    }
    out
}

/// A name mention: token range [first, last] and the entity it belongs to.
#[derive(Debug, Clone, Copy)]
pub struct Mention {
    pub start: usize,
    pub end: usize,
    pub entity: usize,
}

pub struct Entities {
    pub list: Vec<Entity>,
    pub mentions: Vec<Mention>,
}

pub(crate) fn capitalized(word: &str) -> bool {
    word.chars().next().is_some_and(char::is_uppercase)
}

fn lower(w: &str) -> String {
    crate::text::lowercase(w)
}

fn capitalize(w: &str) -> String {
    let mut c = w.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

/// Strips a possessive: "Trump's" → "Trump".
fn base(word: &str) -> &str {
    word.strip_suffix("'s")
        .or_else(|| word.strip_suffix("’s"))
        .or_else(|| word.strip_suffix('\''))
        .or_else(|| word.strip_suffix('’'))
        .unwrap_or(word)
}

const CONNECTORS: &[&str] = &[
    "de", "van", "von", "bin", "al", "da", "di", "du", "le", "la", "del", "der", "of", "&", "ibn",
];

/// How `short` (two words or more) may be a shorter form of the person named `long`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ShorterForm {
    /// The same first and last word ("Hillary Clinton" of "Hillary Rodham Clinton", "Donald Trump" of "Donald J.
    /// Trump"), or an initial for the first word ("D. Trump").
    FirstAndLast,
    /// Its last words ("Vargas Llosa" of "Mario Vargas Llosa"): only when the longer form came first, as a
    /// story introduces a person (else "Vermonter Bernie Sanders" would be Bernie Sanders's fullest name).
    LastWords,
}

fn shorter_form_of(long: &str, short: &[&str]) -> Option<ShorterForm> {
    let long: Vec<&str> = long.split_whitespace().collect();
    // (A longer run of capitals than a name has is a run of words, not a fuller name.)
    if short.len() < 2 || short.len() >= long.len() || long.len() > 4 {
        return None;
    }
    let first_and_last = short.first() == long.first() && short.last() == long.last();
    let initial = short[0].len() == 2
        && short[0].ends_with('.')
        && long[0].chars().next() == short[0].chars().next()
        && short.last() == long.last()
        && short.len() == 2;
    if first_and_last || initial {
        Some(ShorterForm::FirstAndLast)
    } else if long.ends_with(short) {
        Some(ShorterForm::LastWords)
    } else {
        None
    }
}

pub fn place_canonical(name: &str) -> Option<&'static str> {
    // (Names in Latin letters are only compared with the list: quicker than remembering them.)
    if !name.chars().any(crate::names::is_cyrillic) {
        return listed_place(name);
    }
    memo(|m| &mut m.canonical, name, || place_canonical_uncached(name))
}

/// The lexicon's place whose name or alias is exactly `name`.
fn listed_place(name: &str) -> Option<&'static str> {
    PLACES
        .iter()
        .find(|(c, aliases)| *c == name || aliases.contains(&name))
        .map(|(c, _)| *c)
}

fn place_canonical_uncached(name: &str) -> Option<&'static str> {
    let exact = listed_place;
    // A Ukrainian or Russian place in another case: by the morphological dictionary ("Европы", "Китая"), else
    // by a case ending after the alias or its stem ("Криму", "Крыма").
    exact(name).or_else(|| declined_alias(name)).or_else(|| {
        // (Only where some alias shares the word's first two letters: the dictionary is asked for little.)
        let head: String = name.chars().take(2).collect();
        let possible = PLACES
            .iter()
            .any(|(_, aliases)| aliases.iter().any(|a| a.starts_with(head.as_str())));
        if possible {
            cyrillic_place_lemmas(name).find_map(|l| exact(&l))
        } else {
            None
        }
    })
}

/// A one-word Cyrillic alias of the lexicon's places with a case ending: the alias, or the alias without its
/// last vowel or soft sign, then one of the common endings.
fn declined_alias(name: &str) -> Option<&'static str> {
    const ENDINGS: &[&str] = &[
        "у", "ю", "а", "я", "і", "ї", "и", "ы", "е", "ом", "ем", "ою", "ею", "ой", "ей", "ові", "еві",
    ];
    if name.contains(' ') || !name.chars().next().is_some_and(crate::names::is_cyrillic) || name.chars().count() < 4 {
        return None;
    }
    PLACES.iter().find_map(|(c, aliases)| {
        aliases.iter().find_map(|a| {
            let stems = [Some(*a), a.strip_suffix(['а', 'я', 'ь', 'й'])];
            stems
                .into_iter()
                .flatten()
                .any(|st| name.strip_prefix(st).is_some_and(|e| ENDINGS.contains(&e)))
                .then_some(*c)
        })
    })
}

/// The lemmas that the morphological dictionaries give a one-word Cyrillic name as a place, other than the
/// name itself (Ukrainian first).
fn cyrillic_place_lemmas(name: &str) -> impl Iterator<Item = String> + use<'_> {
    let cyrillic = !name.contains(' ') && name.chars().next().is_some_and(crate::names::is_cyrillic);
    [livebrief_morph::Lang::Uk, livebrief_morph::Lang::Ru]
        .into_iter()
        .filter(move |_| cyrillic)
        .flat_map(move |lang| livebrief_morph::lemmas(lang, name))
        .filter(move |a| a.tag.kind == livebrief_morph::Kind::Place && a.lemma != name)
        .map(|a| a.lemma)
}

/// Adjectives that open the names of countries and regions in Ukrainian and Russian ("Південна Корея",
/// "Восточной Сибири", "Об'єднаних Арабських Еміратах", "Соединённые Штаты", "Новой Зеландии", "Малая
/// Азия"): stems of the compass points and of a few words that name places, and whole forms of the short ones.
const GEO_ADJECTIVE_STEMS: &[&str] = &[
    "північн",
    "південн",
    "східн",
    "західн",
    "центральн",
    "северн",
    "южн",
    "восточн",
    "западн",
    "нижн",
    "верхн",
    "соединённ",
    "соединенн",
    "объединённ",
    "объединенн",
    "об'єднан",
    "об’єднан",
    "сполучен",
];
const GEO_ADJECTIVE_FORMS: &[&str] = &[
    "новий",
    "нова",
    "нової",
    "новій",
    "нову",
    "новою",
    "нове",
    "нового",
    "новому",
    "новый",
    "новая",
    "новой",
    "новую",
    "новое",
    "новом",
    "нових",
    "новых",
    "мала",
    "малої",
    "малій",
    "малу",
    "малий",
    "малого",
    "малая",
    "малой",
    "малую",
    "малый",
    "велика",
    "великої",
    "великій",
    "велику",
    "великий",
    "великого",
    "великая",
    "великой",
    "великую",
    "великий",
];

fn geo_adjective(lower: &str) -> bool {
    GEO_ADJECTIVE_FORMS.contains(&lower) || GEO_ADJECTIVE_STEMS.iter().any(|st| lower.starts_with(st))
}

/// The gazetteer's choice for a name in a context (`Gazetteer::resolve_in`), its candidates looked up once per
/// name per text (see [`Memo`]).
fn resolve(name: &str, context: &livebrief_geo::Context<'_>) -> livebrief_geo::Resolution<'static> {
    let g = livebrief_geo::Gazetteer::embedded();
    let found = memo(|m| &mut m.matches, name, || g.matches(name));
    g.resolve_matches(&found, context)
}

/// [`geo_place`] without the story's context, remembered (see [`Memo`]).
fn geo_default(name: &str) -> Option<GeoPlace> {
    memo(
        |m| &mut m.geo,
        name,
        || geo_place(name, &livebrief_geo::Context::default()),
    )
}

/// What the morphological dictionary knows a Ukrainian or Russian word as: (a person's name, anything else, a
/// first name in particular). Remembered per text (see [`Memo`]).
fn dictionary_kinds(lang: livebrief_morph::Lang, w: &str) -> (bool, bool, bool) {
    let k = dictionary_facts(lang, w);
    (k.person, k.other, k.first_name)
}

/// A word the morphological dictionary knows as a place's name.
fn dictionary_place(lang: livebrief_morph::Lang, w: &str) -> bool {
    dictionary_facts(lang, w).place
}

#[derive(Clone, Copy, Default)]
pub(crate) struct DictionaryFacts {
    person: bool,
    first_name: bool,
    place: bool,
    other: bool,
}

fn dictionary_facts(lang: livebrief_morph::Lang, w: &str) -> DictionaryFacts {
    fn uk(m: &mut Memo) -> &mut HashMap<String, DictionaryFacts> {
        &mut m.dictionary_uk
    }
    fn ru(m: &mut Memo) -> &mut HashMap<String, DictionaryFacts> {
        &mut m.dictionary_ru
    }
    let table = match lang {
        livebrief_morph::Lang::Uk => uk,
        livebrief_morph::Lang::Ru => ru,
    };
    memo(table, w, || {
        let mut k = DictionaryFacts::default();
        for a in livebrief_morph::lemmas(lang, w) {
            match a.tag.kind {
                livebrief_morph::Kind::FirstName => {
                    k.person = true;
                    k.first_name = true;
                }
                livebrief_morph::Kind::Surname | livebrief_morph::Kind::Patronymic => k.person = true,
                livebrief_morph::Kind::Place => {
                    k.place = true;
                    k.other = true;
                }
                _ => k.other = true,
            }
        }
        k
    })
}

/// One word that names a country (in any case: "Китая", "України").
pub(crate) fn is_country(w: &str) -> bool {
    memo(|m| &mut m.country, w, || is_country_uncached(w))
}

fn is_country_uncached(w: &str) -> bool {
    let country = |key: &str| matches!(resolve(key, &livebrief_geo::Context::default()), livebrief_geo::Resolution::Found(p) if p.kind == livebrief_geo::PlaceKind::Country);
    country(place_canonical(w).unwrap_or(w))
}

/// A country, or a city of 100,000 people or more, by this name (without the story's context).
fn large_place(name: &str) -> bool {
    memo(|m| &mut m.large, name, || large_place_uncached(name))
}

fn large_place_uncached(name: &str) -> bool {
    let key = place_canonical(name).unwrap_or(name);
    let large = |p: &livebrief_geo::Place| p.kind == livebrief_geo::PlaceKind::Country || p.population >= 100_000;
    match resolve(key, &livebrief_geo::Context::default()) {
        livebrief_geo::Resolution::Found(p) => large(p),
        livebrief_geo::Resolution::Ambiguous(v) => v.iter().any(|p| large(p)),
        livebrief_geo::Resolution::NotFound => false,
    }
}

/// A Ukrainian or Russian clipped compound that names a body or a company: a clipped stem of a state word
/// before the rest ("Укрзалізниця", "Мінюст", "Минфин", "Держгеокадастр", "Роскосмос", "Госдума",
/// "Нацбанк", "Кабмін") or a clipped stem of an industry after it ("Харківобленерго", "Нафтогаз", "Газпром",
/// "Київрада", "Приватбанк", "Ростелеком"). Not an adjective ("Український", "Державна"), not a place.
fn compound_organisation(name: &str, weak: bool) -> bool {
    const FRONT: &[&str] = &[
        "укр",
        "мін",
        "мин",
        "держ",
        "гос",
        "рос",
        "нац",
        "кабмін",
        "кабмин",
        "генпрокурат",
        "облради",
    ];
    const BACK: &[&str] = &[
        "енерго",
        "энерго",
        "газ",
        "газу",
        "газом",
        "газа",
        "пром",
        "прому",
        "прома",
        "промом",
        "рада",
        "ради",
        "раді",
        "раду",
        "радою",
        "банк",
        "банку",
        "банка",
        "банком",
        "буд",
        "буду",
        "будом",
        "телеком",
        "телекому",
        "телекома",
        "трансу",
        "транс",
        "космос",
        "космосу",
        "космоса",
        "зв'язку",
        "связи",
        "авто",
        "атом",
        "атому",
        "атома",
    ];
    let lower = lower(name);
    let letters = lower.chars().count();
    if letters < 5
        || crate::orgs::adjective_like(&lower)
        || is_title(name)
        || crate::names::is_title_uk_ru(&lower)
        || known_place(name)
    {
        return false;
    }
    // (Not the words of Україна and Господь; at the start of a sentence, where common words are capitalised too,
    // "Держава", "Минуло", "Росіяни", only a clipped stem before five letters or more.)
    if ["украї", "украи", "господ"].iter().any(|p| lower.starts_with(p)) {
        return false;
    }
    let least = if weak { 5 } else { 3 };
    FRONT.iter().any(|f| {
        lower.strip_prefix(f).is_some_and(|rest| {
            let n = rest.chars().count();
            (n >= least || (f.starts_with("каб") && n <= 2))
                && rest.chars().all(|c| c.is_alphabetic() || c == '\'' || c == '’')
        })
    }) || BACK.iter().any(|b| {
        lower
            .strip_suffix(b)
            .is_some_and(|front| front.chars().count() >= 3 && !front.ends_with('-'))
    })
}

/// A name the lexicon or the gazetteer knows as a place (without the story's context).
fn known_place(name: &str) -> bool {
    memo(
        |m| &mut m.known,
        name,
        || place_canonical(name).is_some() || geo_default(name).is_some(),
    )
}

/// Lowercase words that follow a place named by an adjective and belong to its name (Ukrainian and Russian, in
/// their cases): область, район, край, площа, вулиця, проспект, острів, море, озеро, річка.
const PLACE_DESCRIPTORS: &[&str] = &[
    // Landmarks named by an adjective: "Стрийський парк", "Андріївський узвіз", "Волинським шляхом", "Замковій
    // горі", "Химкинского леса".
    "парк",
    "парку",
    "парком",
    "сквер",
    "скверу",
    "сквері",
    "скверик",
    "шлях",
    "шляху",
    "шляхом",
    "гора",
    "гори",
    "горі",
    "гору",
    "горою",
    "горы",
    "горе",
    "ліс",
    "лісу",
    "лісі",
    "лес",
    "леса",
    "лесу",
    "лесе",
    "шосе",
    "шоссе",
    "канал",
    "каналу",
    "каналі",
    "канала",
    "затока",
    "затоки",
    "затоці",
    "залив",
    "залива",
    "заливе",
    "обл",
    "область",
    "області",
    "областю",
    "области",
    "областью",
    "район",
    "району",
    "районі",
    "районом",
    "района",
    "районе",
    "край",
    "краю",
    "крае",
    "края",
    "краем",
    "площа",
    "площі",
    "площу",
    "площею",
    "площадь",
    "площади",
    "площадью",
    "вулиця",
    "вулиці",
    "вулицю",
    "вулицею",
    "улица",
    "улицы",
    "улице",
    "улицу",
    "улицей",
    "проспект",
    "проспекту",
    "проспекті",
    "проспекта",
    "проспекте",
    "острів",
    "острова",
    "острові",
    "остров",
    "острове",
    "море",
    "моря",
    "морі",
    "морем",
    "морю",
    "озеро",
    "озера",
    "озері",
    "озере",
    "річка",
    "річки",
    "річці",
    "річку",
    "река",
    "реки",
    "реке",
    "реку",
    "рекой",
    "півострів",
    "півострова",
    "півострові",
    "полуостров",
    "полуострова",
    "полуострове",
    "округ",
    "округа",
    "округу",
    "окрузі",
    "округе",
    "республіка",
    "республіки",
    "республіці",
    "республика",
    "республики",
    "республике",
];

/// Words for streets and squares before their names, whole (in their cases) or cut short with a full stop.
const STREET_WORDS: &[&str] = &[
    "вулиця",
    "вулиці",
    "вулицю",
    "вулицею",
    "проспект",
    "проспекту",
    "проспекті",
    "проспектом",
    "провулок",
    "провулку",
    "провулка",
    "провулком",
    "площа",
    "площі",
    "площу",
    "площею",
    "бульвар",
    "бульвару",
    "бульварі",
    "бульваром",
    "узвіз",
    "узвозу",
    "узвозі",
    "улица",
    "улицы",
    "улице",
    "улицу",
    "улицей",
    "проспекта",
    "проспекте",
    "переулок",
    "переулка",
    "переулке",
    "площадь",
    "площади",
    "площадью",
    "бульвара",
    "бульваре",
];
const STREET_ABBREVIATIONS: &[&str] = &["вул", "просп", "пров", "пл", "бульв", "ул", "пер", "пр-т"];

/// A street address in a Ukrainian or Russian text: a street word ("вулиця", "вул.", "просп.") at `i`, its
/// name of one to three capitalised words or initials ("вул. М. Арнаутської", "вулиці Професора
/// Підвисоцького"), and a house number after a comma ("вул. Київська, 94"). The last token, if any.
fn street_address(s: &str, toks: &[Token], i: usize) -> Option<usize> {
    let t = toks[i];
    if t.kind != Kind::Word {
        return None;
    }
    let w = t.text(s);
    let lw = lower(w);
    let mut k = i + 1;
    if STREET_ABBREVIATIONS.contains(&lw.as_str()) {
        if toks.get(k)?.text(s) != "." || toks[k].start != t.end {
            return None;
        }
        k += 1;
    } else if !STREET_WORDS.contains(&lw.as_str()) || capitalized(w) {
        return None;
    }
    let spaced = |a: usize, b: usize| s[toks[a].end..toks[b].start].chars().all(|c| c == ' ');
    let mut last = None;
    let mut names = 0;
    while names < 3 && k < toks.len() && spaced(k - 1, k) {
        let n = toks[k];
        if n.kind != Kind::Word || !capitalized(n.text(s)) || not_a_name(&lower(n.text(s))) {
            break;
        }
        // An initial and its full stop: "М. Арнаутської".
        if n.text(s).chars().count() == 1 && toks.get(k + 1).is_some_and(|d| d.text(s) == "." && d.start == n.end) {
            k += 2;
            continue;
        }
        last = Some(k);
        names += 1;
        k += 1;
    }
    let last = last?;
    // ", 94": the house number.
    if toks
        .get(last + 1)
        .is_some_and(|c| c.text(s) == "," && c.start == toks[last].end)
        && toks
            .get(last + 2)
            .is_some_and(|n| n.kind == Kind::Number && spaced(last + 1, last + 2))
    {
        return Some(last + 2);
    }
    Some(last)
}

/// An abbreviation with a case ending in small letters: "МИДа", "ЦИКу", "МВДшник" is not (three small letters
/// at most after two capitals or more).
fn inflected_abbreviation(w: &str) -> bool {
    let capitals = w.chars().take_while(|c| c.is_uppercase()).count();
    let rest = w.chars().count() - capitals;
    capitals >= 2 && (1..=2).contains(&rest) && w.chars().skip(capitals).all(|c| c.is_lowercase())
}

/// One capital Cyrillic letter: an initial when a full stop follows.
fn is_initial(w: &str) -> bool {
    let mut c = w.chars();
    matches!((c.next(), c.next()), (Some(l), None) if l.is_uppercase() && crate::names::is_cyrillic(l))
}

/// "НАТО", "РФ", "USA": two or more letters, all capitals.
fn is_abbreviation(w: &str) -> bool {
    w.chars().count() >= 2 && w.chars().all(char::is_uppercase)
}

/// "XXI", "VII": a century or a number, not an abbreviation.
fn is_roman_numeral(w: &str) -> bool {
    !w.is_empty() && w.chars().all(|c| matches!(c, 'I' | 'V' | 'X' | 'L' | 'C' | 'D' | 'M'))
}

fn is_title(w: &str) -> bool {
    static SET: std::sync::OnceLock<HashSet<&'static str>> = std::sync::OnceLock::new();
    SET.get_or_init(|| TITLES.iter().copied().collect())
        .contains(lower(w).as_str())
}

/// Tokens in a paragraph written in Title Case or capitals (a headline; Latin script): at least four words of
/// four letters or more, all capitalised.
fn title_case_tokens(s: &str, toks: &[Token]) -> Vec<bool> {
    let mut out = vec![false; toks.len()];
    let mut start = 0;
    while start < toks.len() {
        let end = toks[start..]
            .iter()
            .position(|t| t.kind == Kind::Break)
            .map_or(toks.len(), |p| start + p);
        // (Letters counted in bytes for ASCII words, the common case; a paragraph with a long Cyrillic word is
        // no Latin headline, and is left at the first such word.)
        let letters = |w: &str| {
            if w.is_ascii() {
                w.bytes().filter(u8::is_ascii_alphabetic).count()
            } else {
                w.chars().filter(|c| c.is_alphabetic()).count()
            }
        };
        let mut long: Vec<&str> = Vec::new();
        let mut latin = true;
        for w in toks[start..end]
            .iter()
            .filter(|t| t.kind == Kind::Word)
            .map(|t| t.text(s))
        {
            // ("3-Word" is neither a capital nor a small letter.)
            if letters(w) < 4 || !w.chars().next().is_some_and(char::is_alphabetic) {
                continue;
            }
            if !w.is_ascii() && w.chars().any(|c| c.is_alphabetic() && c >= '\u{400}') {
                latin = false;
                break;
            }
            long.push(w);
        }
        if latin && long.len() >= 4 && long.iter().all(|w| capitalized(w)) {
            out[start..end].iter_mut().for_each(|x| *x = true);
        }
        start = end + 1;
    }
    out
}

/// A Ukrainian or Russian run of capitalised words `first..=last` (two or more, titles already off), read
/// for what it is rather than taken as one person's name. Returns the run's new bounds and, when known, its
/// kind:
///
/// - a place named by an adjective of the compass or of size before a name ("Південної Кореї", "Восточной
///   Сибири", "Новой Зеландии") is one place;
/// - a place followed by a person's name or another place is two names, the run ends after the place:
///   "(министр торговли) Китая Чэнь Дэмин", "(мэра) Москвы Юрия Лужкова", "Крыма Россией" (the genitive of
///   a country or city before a name is the most common way to say whose official someone is);
/// - a sentence's first word that no dictionary knows, before a name that one does, is an ordinary noun
///   capitalised by the sentence: "Делегация Белоруссии", "Голос Америки:" start at the second word;
/// - a name that ends with a country or city and starts with words that are neither a person's nor a
///   place's is an organisation named after it ("Нацгвардії України", "Сильної України").
fn cyrillic_run(
    s: &str,
    toks: &[Token],
    sentence_start: &[bool],
    lang: livebrief_morph::Lang,
    first: usize,
    last: usize,
) -> (usize, usize, Option<EntityKind>) {
    let word = |k: usize| toks[k].text(s);
    let text = |a: usize, b: usize| &s[toks[a].start..toks[b].end];
    // A name with initials is a person's as it stands.
    if (first..=last).any(|k| is_initial(word(k))) {
        return (first, last, Some(EntityKind::Person));
    }
    let words = (first..=last).filter(|&k| toks[k].kind == Kind::Word).count();
    let head = lower(word(first));
    let (first_person, first_other, _) = dictionary_kinds(lang, word(first));
    if words <= 4
        && geo_adjective(&head)
        && !first_person
        && !(first..=last).any(|k| crate::orgs::is_head(&lower(word(k))))
    {
        return (first, last, Some(EntityKind::Place));
    }
    // A place, then a person's name or a place.
    if !first_person {
        for k in first..last {
            if toks[k + 1].kind != Kind::Word || !known_place(text(first, k)) {
                continue;
            }
            let (_, _, next_first_name) = dictionary_kinds(lang, word(k + 1));
            // (Two or more words after a country: a name the dictionary lacks, "Китая Чэнь Дэмин".)
            let country_then_name = last - k >= 2 && k == first && is_country(word(first));
            if next_first_name || country_then_name || known_place(text(k + 1, last)) {
                return (first, k, None);
            }
        }
        // An organisation's one-word name, then a person's: "(глава) Роскосмоса Анатолий Перминов",
        // "(министра) Минкомсвязи Игоря Щеголёва", "(глава) МИДа Сэйдзи Маэхара".
        let head_word = word(first);
        let org_word =
            compound_organisation(head_word, false) || crate::orgs::is_head(&head) || inflected_abbreviation(head_word);
        if org_word && first < last && toks[first + 1].kind == Kind::Word {
            let (_, _, next_first_name) = dictionary_kinds(lang, word(first + 1));
            if next_first_name || last - first >= 2 {
                return (first, first, Some(EntityKind::Organization));
            }
        }
    }
    // An ordinary noun opening the sentence.
    let opens = sentence_start.get(first).copied().unwrap_or(false)
        || first
            .checked_sub(1)
            .is_some_and(|p| matches!(toks[p].kind, Kind::QuoteMark | Kind::Break));
    // (A village named like the word does not keep it: "Новини Кіровоградщини" are news, not Novyny.)
    if opens
        && !first_person
        && (!first_other || dictionary_place(lang, word(first)))
        && !is_abbreviation(word(first))
        && !crate::orgs::adjective_like(&head)
        && place_canonical(word(first)).is_none()
        && !large_place(word(first))
        && (first + 1..=last).any(|k| {
            let (person, _, _) = dictionary_kinds(lang, word(k));
            person
                || known_place(word(k))
                || dictionary_place(lang, word(k))
                || compound_organisation(word(k), false)
                || is_abbreviation(word(k))
        })
    {
        return cyrillic_run_rest(s, toks, lang, first + 1, last);
    }
    cyrillic_run_rest(s, toks, lang, first, last)
}

/// The last case of [`cyrillic_run`]: a name ending with a place, led by words of no person and no place.
fn cyrillic_run_rest(
    s: &str,
    toks: &[Token],
    lang: livebrief_morph::Lang,
    first: usize,
    last: usize,
) -> (usize, usize, Option<EntityKind>) {
    if first >= last {
        return (first, last, None);
    }
    let word = |k: usize| toks[k].text(s);
    let ends_with_place = known_place(word(last));
    let country = ends_with_place && is_country(word(last));
    let leaders_plain = (first..last).all(|k| {
        let (person, _, _) = dictionary_kinds(lang, word(k));
        !person && !known_place(word(k)) && !is_abbreviation(word(k))
    });
    // (An adjective before a town is usually a two-word place: "Петропавлівській Борщагівці"; before a
    // country, a party or a movement: "Сильної України".)
    if ends_with_place && leaders_plain && (country || !crate::orgs::adjective_like(&lower(word(first)))) {
        return (first, last, Some(EntityKind::Organization));
    }
    (first, last, None)
}

/// A raw mention of `find`: (first token, last token, name as written, description).
type RawMention = (usize, usize, String, Option<String>);
/// Per raw mention: the role phrase before the name, the appositive after it, and a courtesy title's gender.
type Around = (Option<String>, Option<String>, Option<Gender>);

/// Records tokens `a..=b` as a mention that is a name and nothing more (no role, appositive or description), its
/// name in `kind` (the organisations' or the places' names).
fn plain_mention(
    s: &str,
    toks: &[Token],
    (a, b): (usize, usize),
    kind: &mut HashSet<String>,
    raw: &mut Vec<RawMention>,
    around: &mut Vec<Around>,
) {
    let name = s[toks[a].start..toks[b].end].to_string();
    kind.insert(name.clone());
    raw.push((a, b, name, None));
    around.push((None, None, None));
}

/// Finds name mentions in tokens. `sentence_start[i]` tells whether token i opens a sentence; `language` is
/// the text's (`lang::detect`).
pub fn find(s: &str, toks: &[Token], sentence_start: &[bool], language: &str) -> Entities {
    let mut raw: Vec<RawMention> = Vec::new();
    let mut around: Vec<Around> = Vec::new();
    let mut roles: Vec<(usize, usize, String)> = Vec::new();
    // Ukrainian and Russian organisation names by their build (crate::orgs); their names are organisations.
    let cyrillic = crate::quotes::is_cyrillic_text(s);
    // The text's language for the morphological dictionary (Ukrainian and Russian texts only).
    let dictionary = if cyrillic {
        livebrief_morph::Lang::from_code(language)
    } else {
        None
    };
    let org_spans = if cyrillic {
        crate::orgs::find(s, toks)
    } else {
        Vec::new()
    };
    let mut org_names: HashSet<String> = HashSet::new();
    let mut place_names: HashSet<String> = HashSet::new();
    let mut next_org = org_spans.iter().peekable();
    // How often each word is written (built when first needed: "First Last of X" below).
    let mut word_counts: Option<HashMap<&str, usize>> = None;
    let mut i = 0;
    while i < toks.len() {
        while next_org.next_if(|(a, _)| *a < i).is_some() {}
        if let Some(&&(a, b)) = next_org.peek()
            && a == i
        {
            plain_mention(s, toks, (a, b), &mut org_names, &mut raw, &mut around);
            i = b + 1;
            continue;
        }
        if cyrillic && let Some(last) = street_address(s, toks, i) {
            plain_mention(s, toks, (i, last), &mut place_names, &mut raw, &mut around);
            i = last + 1;
            continue;
        }
        let t = toks[i];
        let w = t.text(s);
        if t.kind != Kind::Word || !capitalized(w) {
            i += 1;
            continue;
        }
        // Extend over capitalised words and connectors (up to an organisation name found by its build).
        let org_start = next_org.peek().map(|&&(a, _)| a);
        let mut j = i;
        let mut abbreviation_of_country = false;
        while j + 1 < toks.len() && org_start.is_none_or(|a| a > j + 1) {
            let n = toks[j + 1];
            let nw = n.text(s);
            // A middle initial: "Donald J. Trump" (Ukrainian and Russian initials below).
            if !cyrillic
                && nw == "."
                && n.start == toks[j].end
                && toks[j].text(s).chars().count() == 1
                && j > i
                && j + 2 < toks.len()
                && toks[j + 2].kind == Kind::Word
                && capitalized(toks[j + 2].text(s))
                && s[n.end..toks[j + 2].start].chars().all(|c| c == ' ')
            {
                j += 2;
                continue;
            }
            let adjacent = s[toks[j].end..n.start].chars().all(|c| c == ' ');
            // Initials in a Ukrainian or Russian name, before or after the surname, written with or without
            // spaces: "О. М. Бутлеров", "А . Купер", "Януковича В. Ф.". Before a surname they open the run;
            // after one there are two of them (one capital and a full stop after a word is as often a
            // letter ending a sentence: "Літера А. Потім"), and the last full stop ends the name.
            if cyrillic && nw == "." && adjacent && is_initial(toks[j].text(s)) {
                let spaced = |a: usize, b: usize| s[toks[a].end..toks[b].start].chars().all(|c| c == ' ');
                let word_after_dot = |d: usize| {
                    toks.get(d + 1)
                        .filter(|w| w.kind == Kind::Word && capitalized(w.text(s)) && spaced(d, d + 1))
                        .map(|_| d + 1)
                };
                let after_surname = toks[i..j]
                    .iter()
                    .any(|t| t.kind == Kind::Word && !is_initial(t.text(s)));
                if !after_surname {
                    // (The next initial may look like a function word: "Т . І . Недозим", "Ю . В . Романюк".)
                    let next_initial =
                        |w: usize| is_initial(toks[w].text(s)) && toks.get(w + 1).is_some_and(|d| d.text(s) == ".");
                    if word_after_dot(j + 1).is_some_and(|w| next_initial(w) || !not_a_name(&lower(toks[w].text(s)))) {
                        j += 2;
                        continue;
                    }
                    break;
                }
                // After a surname: this initial, then more, each with its full stop.
                let mut last_dot = j + 1;
                let mut count = 1;
                while let Some(w) = word_after_dot(last_dot)
                    && is_initial(toks[w].text(s))
                    && toks.get(w + 1).is_some_and(|d| d.text(s) == "." && spaced(w, w + 1))
                {
                    last_dot = w + 1;
                    count += 1;
                }
                if count >= 2 {
                    j = last_dot;
                } else {
                    j -= 1;
                }
                break;
            }
            if !adjacent || n.kind != Kind::Word {
                break;
            }
            // A body's abbreviation or clipped name and its country are one name: "СБ України", "ДСНС України",
            // "МЧС России", "Минсельхоз РФ", "Госдепартамента США".
            let body = toks[j].text(s);
            if cyrillic
                && j == i
                && capitalized(nw)
                && ((is_abbreviation(body) && !is_abbreviation(nw) && place_canonical(body).is_none())
                    || (!is_abbreviation(body)
                        && !sentence_start.get(j).copied().unwrap_or(false)
                        && (compound_organisation(body, false) || inflected_abbreviation(body))))
                && is_country(nw)
            {
                j += 1;
                abbreviation_of_country = true;
                break;
            }
            // In Ukrainian and Russian a country's abbreviation ends the name it follows and starts none:
            // "президент РФ Дмитрий Медведев", "председатель КНР Ху Цзиньтао".
            if cyrillic && (is_abbreviation(toks[j].text(s)) != is_abbreviation(nw)) {
                break;
            }
            // Nor does a name run from one script into another ("Пользователи Facebook").
            let latin = |w: &str| w.chars().next().is_some_and(|c| c.is_ascii_alphabetic());
            if cyrillic && latin(toks[j].text(s)) != latin(nw) {
                break;
            }
            // Nor into a place named by an adjective and a descriptor: "Вишневе Київської області".
            if cyrillic
                && crate::orgs::adjective_like(&lower(nw))
                && toks
                    .get(j + 2)
                    .is_some_and(|d| d.kind == Kind::Word && PLACE_DESCRIPTORS.contains(&d.text(s)))
            {
                break;
            }
            if capitalized(nw) && !base(toks[j].text(s)).ne(toks[j].text(s)) {
                j += 1;
            } else if CONNECTORS.contains(&nw)
                && j + 2 < toks.len()
                && capitalized(toks[j + 2].text(s))
                && toks[j + 2].kind == Kind::Word
            {
                j += 2;
            } else {
                break;
            }
        }
        // A place named by an adjective keeps the descriptor after it, as one name: "Київської області",
        // "Приморского края", "Тверской площади" (not a descriptor before it: "городе Москве" is "Москве").
        if cyrillic
            && i == j
            && let Some(n) = toks.get(j + 1)
            && n.kind == Kind::Word
            && s[toks[j].end..n.start].chars().all(|c| c == ' ')
            && PLACE_DESCRIPTORS.contains(&n.text(s))
            && crate::orgs::adjective_like(&lower(w))
            && !not_a_name(&lower(w))
        {
            plain_mention(s, toks, (j, j + 1), &mut place_names, &mut raw, &mut around);
            i = j + 2;
            continue;
        }
        // Everything up to the last title word is a description ("U.S. President", "Irish Prime Minister");
        // then sentence-initial function words go.
        // A sequence that ends with a title is a role mention: "The US President", "the Prime Minister".
        if is_title(toks[j].text(s)) {
            let role: Vec<&str> = (i..=j)
                .map(|k| toks[k].text(s))
                .filter(|w| !not_a_name(lower(w).as_str()) || is_title(w))
                .collect();
            if !role.is_empty() {
                roles.push((i, j, role.join(" ")));
            }
            i = j + 1;
            continue;
        }
        let mut first = i;
        let mut description: Vec<&str> = Vec::new();
        if let Some(last_title) = (i..j).rev().find(|&k| is_title(toks[k].text(s))) {
            description = (i..=last_title)
                .map(|k| toks[k].text(s))
                .filter(|w| !matches!(lower(w).as_str(), "the" | "a" | "an"))
                .collect();
            first = last_title + 1;
        }
        // (An initial is not the function word it looks like: "А. Купер", "В. Ющенка".)
        while first <= j
            && not_a_name(lower(toks[first].text(s)).as_str())
            && !(is_initial(toks[first].text(s)) && toks.get(first + 1).is_some_and(|d| d.text(s) == "."))
        {
            first += 1;
        }
        if first > j {
            // Only titles: a role mention such as "The US President"; linked later if one person fits.
            if !description.is_empty() && is_title(toks[j].text(s)) {
                roles.push((i, j, description.join(" ")));
            }
            i = j + 1;
            continue;
        }
        // Ukrainian and Russian runs of capitals that are not one name, or one of another kind (see
        // `cyrillic_run`): the run may end earlier, start later, or be a place or an organisation.
        let mut run_kind = abbreviation_of_country.then_some(EntityKind::Organization);
        if let Some(lang) = dictionary
            && first < j
            && !abbreviation_of_country
        {
            let (f, l, kind) = cyrillic_run(s, toks, sentence_start, lang, first, j);
            first = f;
            j = l;
            run_kind = kind;
        }
        // English "First Last of Organisation" ("David Woodard of Clemson University", "Ted Cruz of Texas"): a
        // person's name and the organisation or place they speak for are two names, when the words before "of"
        // are a person's name: two or three, no organisation word, no place, and a known given name first, a
        // middle initial, or a surname the text also uses alone ("Armenian Patriarchate of Jerusalem" stays).
        let run_end = j;
        let mut of_tail: Option<(usize, String)> = None;
        if !cyrillic && let Some(o) = (first + 1..j).find(|&k| toks[k].text(s) == "of") {
            let head = &s[toks[first].start..toks[o - 1].end];
            let head_words: Vec<&str> = head.split_whitespace().collect();
            let surname = toks[o - 1].text(s);
            // (The text's words are counted once, on the first such run: the cost stays linear.)
            let mut used_alone = || {
                let counts = word_counts.get_or_insert_with(|| {
                    let mut c: HashMap<&str, usize> = HashMap::new();
                    for t in toks.iter().filter(|t| t.kind == Kind::Word) {
                        *c.entry(base(t.text(s))).or_default() += 1;
                    }
                    c
                });
                counts.get(base(surname)).copied().unwrap_or(0) >= 2
            };
            if (2..=3).contains(&head_words.len())
                && (given_names().contains_key(lower(head_words[0]).as_str())
                    || head_words.iter().any(|w| w.len() == 2 && w.ends_with('.'))
                    || used_alone())
                && !head_words.iter().any(|w| ORG_WORDS.contains(&lower(w).as_str()))
                && !known_place(head)
            {
                of_tail = Some((o + 1, base(&s[toks[o + 1].start..toks[j].end]).to_string()));
                j = o - 1;
            }
        }
        // (The dot of a middle initial joins its letter: "Donald J. Trump".)
        let mut words: Vec<String> = Vec::new();
        for t in &toks[first..=j] {
            match (t.text(s), words.last_mut()) {
                (".", Some(w)) => w.push('.'),
                (w, _) => words.push(w.to_string()),
            }
        }
        let name = base(&words.join(" ")).to_string();
        if name.chars().count() < 2 {
            i = j + 1;
            continue;
        }
        match run_kind {
            Some(EntityKind::Place) => {
                place_names.insert(name.clone());
            }
            Some(EntityKind::Organization) => {
                org_names.insert(name.clone());
            }
            _ => {}
        }
        // Lowercase role words before the name: "Kremlin aide Yury Ushakov", "US national-security adviser".
        let mut k = i;
        let mut pre: Vec<&str> = Vec::new();
        while k > 0 && pre.len() < 5 {
            let p = toks[k - 1];
            let pw = p.text(s);
            if p.kind != Kind::Word || !s[p.end..toks[k].start].chars().all(|c| c == ' ') {
                break;
            }
            let lw = lower(pw);
            if crate::lexicon::ROLE_NOUNS.contains(&lw.as_str())
                || is_title(pw)
                || (capitalized(pw) && !not_a_name(lw.as_str()))
                || matches!(
                    lw.as_str(),
                    "special"
                        | "senior"
                        | "top"
                        | "chief"
                        | "national-security"
                        | "national"
                        | "security"
                        | "foreign"
                        | "policy"
                        | "press"
                )
            {
                pre.push(pw);
                k -= 1;
            } else {
                break;
            }
        }
        pre.reverse();
        let mut desc: Vec<&str> = pre;
        desc.extend(description.iter().copied());
        let description = (!desc.is_empty()).then(|| desc.join(" ")).filter(|d| {
            d.split_whitespace()
                .any(|w| crate::lexicon::ROLE_NOUNS.contains(&lower(w).as_str()) || is_title(w))
        });
        let honorific = (i..first).find_map(|k| match lower(toks[k].text(s)).trim_end_matches('.') {
            "mr" => Some(Gender::Male),
            "mrs" | "ms" => Some(Gender::Female),
            _ => None,
        });
        around.push((role_before(s, toks, i), appositive(s, toks, run_end), honorific));
        raw.push((first, j, name, description));
        if let Some((tail_first, tail)) = of_tail {
            if !known_place(&tail) {
                org_names.insert(tail.clone());
            }
            raw.push((tail_first, run_end, tail, None));
            around.push((None, None, None));
        }
        i = run_end + 1;
    }

    // Group mentions into entities: full names first; surnames and aliases link to them.
    let mut list: Vec<Entity> = Vec::new();
    let mut mentions = Vec::new();
    // The story's countries, in the order it names them (they give "Odessa" its Ukraine or its Texas), and
    // the oblasts it names (which of the many Pokrovske).
    let mut countries: Vec<String> = Vec::new();
    for (_, _, name, _) in &raw {
        let Some(p) = geo_default(name) else {
            continue;
        };
        if let Some(c) = livebrief_geo::Gazetteer::embedded()
            .lookup(&p.name)
            .first()
            .filter(|g| g.kind == livebrief_geo::PlaceKind::Country)
            && !countries.contains(&c.country)
        {
            countries.push(c.country.clone());
        }
    }
    let countries: Vec<&str> = countries.iter().map(String::as_str).collect();
    let regions = oblasts_named(s, toks);
    let context = livebrief_geo::Context {
        countries: &countries,
        regions: &regions,
    };
    // The story's places, by name, each looked up once.
    let geo_memo: std::cell::RefCell<HashMap<String, Option<GeoPlace>>> = Default::default();
    let geo_in = |name: &str| -> Option<GeoPlace> {
        if let Some(g) = geo_memo.borrow().get(name) {
            return g.clone();
        }
        let g = geo_place(name, &context);
        geo_memo.borrow_mut().insert(name.to_string(), g.clone());
        g
    };
    // A village named like a common word ("Веселе", "Надія", "Велике" from "Велика") must not make every
    // capitalised occurrence of that word a place. Where a capital says nothing, at the start of a sentence
    // or of a quotation («Відродження», a farm; «Рідне місто», a party), one Cyrillic word is a place only
    // if it names a town of `WEAK_POSITION_MIN_POPULATION` or more; elsewhere in the text it still may be.
    let weak_position = |first: usize, last: usize, name: &str| -> bool {
        first == last
            && name.chars().any(|c| ('\u{400}'..='\u{4ff}').contains(&c))
            && (sentence_start.get(first).copied().unwrap_or(false)
                || first.checked_sub(1).is_some_and(|k| toks[k].kind == Kind::QuoteMark))
    };
    let small_place = |name: &str| -> bool {
        let key = place_canonical(name).unwrap_or(name);
        match resolve(key, &context) {
            livebrief_geo::Resolution::Found(p) => {
                p.kind == livebrief_geo::PlaceKind::City && p.population < WEAK_POSITION_MIN_POPULATION
            }
            livebrief_geo::Resolution::Ambiguous(v) => v
                .iter()
                .all(|p| p.kind == livebrief_geo::PlaceKind::City && p.population < WEAK_POSITION_MIN_POPULATION),
            livebrief_geo::Resolution::NotFound => true,
        }
    };
    // The places the text names where a capital means a name (inside a sentence): a word at the start of a
    // sentence is a town only if the text names that town elsewhere too, or it is a large one.
    let places_inside: HashSet<String> = if dictionary.is_some() {
        raw.iter()
            .filter(|r| r.0 == r.1 && !weak_position(r.0, r.1, &r.2))
            .filter_map(|r| geo_in(&r.2).map(|g| g.name))
            .collect()
    } else {
        HashSet::new()
    };
    // The words of the names the text writes inside sentences (where a capital means a name).
    let names_inside: HashSet<String> = raw
        .iter()
        .filter(|r| !weak_position(r.0, r.1, &r.2))
        .flat_map(|r| r.2.split_whitespace().map(str::to_string))
        .collect();
    let weak_town =
        |name: &str| -> bool { !large_place(name) && !geo_in(name).is_some_and(|g| places_inside.contains(&g.name)) };
    let classify = |name: &str, description: &Option<String>, weak: bool| -> Option<EntityKind> {
        if org_names.contains(name) {
            return Some(EntityKind::Organization);
        }
        if place_names.contains(name) {
            return Some(EntityKind::Place);
        }
        // A country is a place even after a title ("канцлер Германии", "посол Италии").
        if !name.contains(' ')
            && matches!(
                resolve(place_canonical(name).unwrap_or(name), &context),
                livebrief_geo::Resolution::Found(p) if p.kind == livebrief_geo::PlaceKind::Country
            )
        {
            return Some(EntityKind::Place);
        }
        if place_canonical(name).is_some() {
            return Some(EntityKind::Place);
        }
        // One Ukrainian or Russian word that the morphological dictionary knows only as a person's name
        // (Андрій, Аліна, Толя): a person, before the gazetteer's villages of the same name are asked; a first
        // name that is also a place is the person unless the place is a country or a city of 100,000 or more
        // (Роман, Марина are villages too; Софія is also a capital).
        if let Some(lang) = dictionary
            && !name.contains(' ')
            && !is_abbreviation(name)
        {
            let (person, other, first_name) = dictionary_kinds(lang, name);
            // (A word opening a sentence that the dictionary knows only as a surname is a person only if the
            // text uses it as a name inside a sentence too: "Люди", "Музика", "Станом" open sentences.)
            if person && !other && (first_name || !weak || names_inside.contains(name)) {
                return Some(EntityKind::Person);
            }
            if person && !other {
                return None;
            }
            // A word the dictionary knows as a place (and not as a person's name) is one whether or not the
            // gazetteer has it ("Приморья", "Кубани"); where a capital says nothing (the start of a sentence or
            // a quotation), only a large town or one the text names elsewhere: «Відродження» names a farm.
            let place = dictionary_place(lang, name);
            if place && !person && !(weak && weak_town(name)) {
                return Some(EntityKind::Place);
            }
            // An adjective in an oblique case alone ("керівником Луганського тервідділення", "Петрового
            // долота") is not a place's name: a place named by an adjective has its noun after it.
            if !place
                && ["ого", "ому", "ої", "ими", "ыми", "его", "ему"]
                    .iter()
                    .any(|e| lower(name).ends_with(e))
                && crate::orgs::adjective_like(&lower(name))
            {
                return None;
            }
            if first_name && !weak && !large_place(name) {
                return Some(EntityKind::Person);
            }
            // A head noun of organisations written with a capital inside a sentence is one by name:
            // "у Церкві", "рішення Академії", "Укрзалізниці", "Госдумы".
            if !person && !weak && crate::orgs::is_head(&lower(name)) {
                return Some(EntityKind::Organization);
            }
            if !person && compound_organisation(name, weak) {
                return Some(EntityKind::Organization);
            }
        }
        let words_n = name.split_whitespace().count();
        // A name the gazetteer knows is a place, unless it looks like a person (a title or role before it).
        // (Not a Ukrainian or Russian abbreviation the lexicon does not list as a place: the gazetteer matches
        // "СБ", "ОДА", "НАН" only by the accident of a transliteration.)
        if description.is_none()
            && (words_n == 1 || !name.split_whitespace().any(|w| ORG_WORDS.contains(&lower(w).as_str())))
            && !(dictionary.is_some() && is_abbreviation(name))
            && geo_in(name).is_some()
            // (At the start of a sentence or a quotation a Ukrainian or Russian word is a place only if it names
            // a country, a city of 100,000 or more, or a town the text names inside a sentence too: "Думка",
            // "Мала", "Були" open sentences and match villages only by accident.)
            && !(weak && if dictionary.is_some() { weak_town(name) } else { small_place(name) })
        {
            return Some(EntityKind::Place);
        }
        // In a Ukrainian or Russian text a name left in Latin letters is a brand, an outlet or a company
        // (Facebook, Philips, World Fashion Channel): people and places are written in Cyrillic there.
        if dictionary.is_some()
            && description.is_none()
            && name.chars().any(|c| c.is_ascii_alphabetic())
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, ' ' | '.' | '-' | '&' | '\''))
            && !is_roman_numeral(name)
        {
            return Some(EntityKind::Organization);
        }
        // Two or more abbreviations in a row ("ГУ НГУ", "ГУ ДСНС"): a body and its parent.
        if dictionary.is_some()
            && name.contains(' ')
            && name
                .split_whitespace()
                .all(|w| is_abbreviation(w) && !is_roman_numeral(w))
        {
            return Some(EntityKind::Organization);
        }
        let words: Vec<String> = name.split_whitespace().map(lower).collect();
        if words.iter().any(|w| ORG_WORDS.contains(&w.as_str()))
            || name.chars().filter(|c| c.is_uppercase()).count() >= 2
                && !name.contains(' ')
                && name.chars().count() <= 6
                && !is_roman_numeral(name)
        {
            return Some(EntityKind::Organization);
        }
        // "Bureau of Labor Statistics", "Armenian Patriarchate of Jerusalem", "Sons of Trump": an English name
        // joined by "of" is not a person's (one that is was split above) but a body's, or a title's.
        if !cyrillic && name.split_whitespace().any(|w| w == "of") {
            return Some(EntityKind::Organization);
        }
        // "Ukraine Live Briefing", "Kyiv Independent": names that start with a place are not people.
        if words.first().is_some_and(|w| place_canonical(&capitalize(w)).is_some()) {
            return None;
        }
        if words.len() >= 2 || description.is_some() {
            return Some(EntityKind::Person);
        }
        None
    };
    // A headline in Title Case ("Rand Paul Scores Direct Hit On Donald Trump") runs its words together: there a
    // run of capitals names a person or an organisation only if the rest of the text does; it is read last.
    let headline = title_case_tokens(s, toks);
    // There, a run may end with a name the text uses outside headlines ("… Wide Open For Bernie Sanders" when
    // "Sanders" is a name in the story): cut to its last two words, it may make a person ("Cecile Richards: I'm
    // Sick Of …"); other headline runs make no person or organisation.
    let body_names: HashSet<String> = raw
        .iter()
        .filter(|r| !headline[r.0])
        .filter_map(|r| r.2.split_whitespace().last().map(str::to_string))
        .collect();
    let mut headline_name = vec![false; raw.len()];
    for (m, r) in raw.iter_mut().enumerate() {
        if !headline[r.0] || !r.2.split_whitespace().last().is_some_and(|w| body_names.contains(w)) {
            continue;
        }
        let words: Vec<&str> = r.2.split_whitespace().collect();
        if words.len() > 2 {
            let Some(k) = (r.0..r.1).rev().find(|&k| toks[k].kind == Kind::Word) else {
                continue;
            };
            if not_a_name(&lower(toks[k].text(s))) {
                continue;
            }
            r.0 = k;
            r.2 = words[words.len() - 2..].join(" ");
        }
        headline_name[m] = r.2.contains(' ');
    }
    let mut order: Vec<usize> = (0..raw.len()).collect();
    order.sort_by_key(|&m| {
        (
            headline[raw[m].0] && !headline_name[m],
            std::cmp::Reverse(raw[m].2.split_whitespace().count()),
        )
    });
    // Paragraph of every token (a shared surname goes to the fuller name of its own paragraph first).
    let mut paragraph_of = Vec::with_capacity(toks.len());
    let mut p = 0usize;
    for t in toks {
        if t.kind == Kind::Break {
            p += 1;
        }
        paragraph_of.push(p);
    }
    let mut assignment: Vec<Option<usize>> = vec![None; raw.len()];
    // The first entity with a name, the first place with a name, the first person with a surname: a mention
    // links through these instead of a scan over all entities.
    let mut by_name: HashMap<String, usize> = HashMap::new();
    let mut place_by_name: HashMap<String, usize> = HashMap::new();
    let mut person_by_surname: HashMap<String, usize> = HashMap::new();
    // Every person with a surname (in order), and with a given name: a shorter form of a name joins the person
    // that the longer form made ("Donald Trump" is "Donald J. Trump", "Suu Kyi" is "Aung San Suu Kyi").
    let mut persons_by_surname: HashMap<String, Vec<usize>> = HashMap::new();
    let mut persons_by_given: HashMap<String, Vec<usize>> = HashMap::new();
    // Whether the mention that made an entity opened a sentence (its first word may be any capitalised word:
    // "Rival Hillary Clinton", of which "Hillary Clinton" is not a shorter form).
    let mut made_at_sentence_start: Vec<bool> = Vec::new();
    // The first token of the mention that made each entity, and the first token where each name is written.
    let mut made_at: Vec<usize> = Vec::new();
    let mut first_of_name: HashMap<&str, usize> = HashMap::new();
    for (first, _, name, _) in &raw {
        first_of_name.entry(name.as_str()).or_insert(*first);
    }
    let mut descriptions_seen: HashSet<(usize, String)> = HashSet::new();
    let mut by_first_name: Vec<(usize, usize)> = Vec::new();
    for &m in &order {
        let (first, last, name, description) = &raw[m];
        let geo = geo_in(name);
        let canonical_place = place_canonical(name)
            .map(str::to_string)
            .or_else(|| geo.as_ref().map(|g| g.name.clone()));
        // Link to an existing entity: same name, same place, or a person's surname / first name.
        let surname_of = person_by_surname.get(name.as_str()).filter(|_| !name.contains(' '));
        let found = [
            by_name.get(name.as_str()),
            canonical_place.as_deref().and_then(|p| place_by_name.get(p)),
            surname_of,
        ]
        .into_iter()
        .flatten()
        .min()
        .copied();
        // A title makes a surname the person's ("Mr. Mitchell" after "George J. Mitchell"), not a place's.
        let found = match (description, surname_of) {
            (Some(_), Some(&e)) => Some(e),
            _ => found,
        };
        let words: Vec<&str> = name.split_whitespace().collect();
        // A shorter form of a longer person's name: the same given name and surname without the middle
        // ("Hillary Clinton", "Hillary Rodham Clinton"), or the name's last words ("Vargas Llosa").
        let shorter_form =
            || {
                let surname = words.last()?;
                persons_by_surname.get(*surname)?.iter().copied().find(|&e| {
                    match shorter_form_of(&list[e].name, &words) {
                        Some(ShorterForm::FirstAndLast) => true,
                        Some(ShorterForm::LastWords) => {
                            !made_at_sentence_start[e] && made_at[e] < first_of_name[name.as_str()]
                        }
                        None => false,
                    }
                })
            };
        // A first name alone, not at the start of a sentence (where any word is capitalised): the one person
        // with that given name ("Carly" after "Carly Fiorina").
        let given_name = || {
            if words.len() != 1 || sentence_start.get(*first).copied().unwrap_or(true) || canonical_place.is_some() {
                return None;
            }
            match persons_by_given.get(name.as_str()).map(Vec::as_slice) {
                Some(&[one]) => Some(one),
                _ => None,
            }
        };
        // (Shorter forms and first names in Latin letters: the Ukrainian and Russian reading brings names to
        // their base form first, in `quotes::cyrillic`.)
        let latin = name.chars().all(|c| !c.is_alphabetic() || c < '\u{400}');
        let found = found.or_else(|| {
            (latin && words.len() >= 2 && canonical_place.is_none())
                .then(shorter_form)
                .flatten()
        });
        // (A first name that would name nothing else joins its person only if the text says more of that
        // person: checked below.)
        if found.is_none()
            && latin
            && let Some(e) = given_name()
            && classify(name, description, weak_position(*first, *last, name)).is_none()
        {
            by_first_name.push((m, e));
            continue;
        }
        let idx = match found {
            Some(idx) => idx,
            None => {
                let Some(kind) = classify(name, description, weak_position(*first, *last, name)) else {
                    continue;
                };
                if headline[*first] && kind != EntityKind::Place && !headline_name[m] {
                    continue;
                }
                let place = if kind == EntityKind::Place { geo } else { None };
                let name = if kind == EntityKind::Place {
                    canonical_place.unwrap_or_else(|| name.clone())
                } else {
                    name.clone()
                };
                let idx = list.len();
                made_at_sentence_start.push(sentence_start.get(*first).copied().unwrap_or(false));
                made_at.push(*first);
                by_name.entry(name.clone()).or_insert(idx);
                if kind == EntityKind::Place {
                    place_by_name.entry(name.clone()).or_insert(idx);
                }
                if kind == EntityKind::Person
                    && let Some(surname) = name.split_whitespace().last()
                {
                    person_by_surname.entry(surname.to_string()).or_insert(idx);
                    persons_by_surname.entry(surname.to_string()).or_default().push(idx);
                    let mut parts = name.split_whitespace();
                    if let (Some(given), Some(_)) = (parts.next(), parts.next())
                        && !given.ends_with('.')
                        && given.chars().count() > 1
                    {
                        persons_by_given.entry(given.to_string()).or_default().push(idx);
                    }
                }
                list.push(Entity {
                    name,
                    kind,
                    descriptions: Vec::new(),
                    mentions: Vec::new(),
                    place,
                    roles: Vec::new(),
                    gender: None,
                });
                idx
            }
        };
        if let Some(d) = description
            && descriptions_seen.insert((idx, d.clone()))
        {
            list[idx].descriptions.push(d.clone());
        }
        assignment[m] = Some(idx);
    }
    // A surname that two people share ("Clinton" after "Hillary Clinton" and "Bill Clinton") is the one whose
    // fuller name came last in the same paragraph, else the one the text names in full most often (on a tie,
    // first): the person the story is about.
    let shared = |name: &str| persons_by_surname.get(name).is_some_and(|p| p.len() > 1);
    let fuller = |k: usize| -> Option<(&str, usize)> {
        let e = assignment[k]?;
        let name = &raw[k].2;
        let surname = name.split_whitespace().last().filter(|_| name.contains(' '))?;
        (shared(surname) && persons_by_surname[surname].contains(&e)).then_some((surname, e))
    };
    let mut full_mentions: HashMap<usize, (usize, usize)> = HashMap::new(); // entity -> (count, first raw index)
    for k in 0..raw.len() {
        if let Some((_, e)) = fuller(k) {
            full_mentions.entry(e).or_insert((0, k)).0 += 1;
        }
    }
    let mut last_fuller: HashMap<&str, (usize, usize)> = HashMap::new(); // surname -> (entity, paragraph)
    let mut chosen: Vec<(usize, usize)> = Vec::new();
    let mut dominant_of: HashMap<&str, Option<usize>> = HashMap::new();
    for k in 0..raw.len() {
        if let Some((surname, e)) = fuller(k) {
            last_fuller.insert(surname, (e, paragraph_of[raw[k].0]));
            continue;
        }
        let name = raw[k].2.as_str();
        if name.contains(' ') || !shared(name) || !assignment[k].is_some_and(|e| persons_by_surname[name].contains(&e))
        {
            continue;
        }
        let here = paragraph_of[raw[k].0];
        let nearby = last_fuller.get(name).filter(|&&(_, p)| p == here).map(|&(e, _)| e);
        let dominant = *dominant_of.entry(name).or_insert_with(|| {
            persons_by_surname[name]
                .iter()
                .copied()
                .filter_map(|e| full_mentions.get(&e).map(|&(n, first)| (e, n, first)))
                .max_by_key(|&(_, n, first)| (n, std::cmp::Reverse(first)))
                .map(|(e, _, _)| e)
        });
        if let Some(e) = nearby.or(dominant) {
            chosen.push((k, e));
        }
    }
    for (k, e) in chosen {
        assignment[k] = Some(e);
    }
    // What the text says about each person, from every mention of them.
    let mut roles_seen: HashSet<(usize, String)> = HashSet::new();
    for (k, (before, after, gender)) in around.into_iter().enumerate() {
        let Some(e) = assignment[k].filter(|&e| list[e].kind == EntityKind::Person) else {
            continue;
        };
        let titles = raw[k].3.as_deref().map(|d| d.to_lowercase().replace('.', ""));
        for role in [before, after, titles].into_iter().flatten() {
            if roles_seen.insert((e, role.clone())) {
                list[e].roles.push(role);
            }
        }
        if list[e].gender.is_none() {
            list[e].gender = gender;
        }
    }
    // A person whose courtesy title says nothing: the gender of the given name, or of a Slavic surname's ending.
    for e in list
        .iter_mut()
        .filter(|e| e.kind == EntityKind::Person && e.gender.is_none())
    {
        e.gender = gender_of_name(&e.name);
    }
    // A first name alone joins the person with that given name when the text says more of them than a name (a
    // title, a role): "Bernie" is Senator Bernie Sanders; "Pew" is not "Pew Research".
    for (m, e) in by_first_name {
        if !list[e].roles.is_empty() || list[e].gender.is_some() || !list[e].descriptions.is_empty() {
            assignment[m] = Some(e);
        }
    }
    // Role mentions ("The US President") join the one person whose description fits: among the persons whose
    // descriptions have the role's rarest word, found through an index of description words.
    let norm = |x: &str| x.to_lowercase().replace('.', "");
    let described: Vec<Vec<Vec<String>>> = list
        .iter()
        .map(|e| {
            let descriptions = if e.kind == EntityKind::Person {
                &e.descriptions[..]
            } else {
                &[]
            };
            descriptions
                .iter()
                .map(|d| norm(d).split_whitespace().map(str::to_string).collect())
                .collect()
        })
        .collect();
    let mut by_word: HashMap<&str, Vec<usize>> = HashMap::new();
    for (k, descriptions) in described.iter().enumerate() {
        for w in descriptions.iter().flatten() {
            let persons = by_word.entry(w.as_str()).or_default();
            if persons.last() != Some(&k) {
                persons.push(k);
            }
        }
    }
    let mut fitting: HashMap<Vec<String>, Option<usize>> = HashMap::new();
    for (first, last, role) in roles {
        let want: Vec<String> = role.split_whitespace().map(norm).collect();
        let one = match fitting.get(&want) {
            Some(&one) => one,
            None => {
                let candidates = want
                    .iter()
                    .map(|w| by_word.get(w.as_str()).map_or(&[][..], |v| &v[..]))
                    .min_by_key(|v| v.len())
                    .unwrap_or(&[]);
                let mut fits = candidates.iter().copied().filter(|&k| {
                    described[k]
                        .iter()
                        .any(|d| want.iter().all(|w| d.iter().any(|x| x == w)))
                });
                let one = match (fits.next(), fits.next()) {
                    (Some(e), None) => Some(e),
                    _ => None,
                };
                fitting.insert(want, one);
                one
            }
        };
        if let Some(e) = one {
            let start = toks[first].start;
            let start = if lower(toks[first].text(s)) == "the" && first < last {
                toks[first + 1].start
            } else {
                start
            };
            list[e].mentions.push((start, toks[last].end));
            mentions.push(Mention {
                start,
                end: toks[last].end,
                entity: e,
            });
        }
    }
    for (m, (first, last, _, _)) in raw.iter().enumerate() {
        if let Some(e) = assignment[m] {
            let start = toks[*first].start;
            let end = start + base(&s[start..toks[*last].end]).len();
            list[e].mentions.push((start, end));
            mentions.push(Mention { start, end, entity: e });
        }
    }
    for e in &mut list {
        e.mentions.sort();
    }
    mentions.sort_by_key(|m| m.start);
    // One mention per run of capitalised words: mentions are apart (the reader's binary searches rely on it).
    debug_assert!(mentions.windows(2).all(|w| w[0].end <= w[1].start));
    Entities { list, mentions }
}
