//! Named entities: people, organisations and places, with every mention linked to one canonical entity
//! and the descriptions the text gives ("Kremlin aide", "Irish Prime Minister").

use crate::lexicon::{ORG_WORDS, PLACES, TITLES, not_a_name};
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
}

/// A place mention linked to the gazetteer.
pub use livebrief_model::reading::Place as GeoPlace;

/// Looks a name up in the gazetteer (after the lexicon's aliases such as "U.S."), choosing among
/// same-named places by what the story says: the countries it names and the oblasts named in it
/// (`livebrief_geo::Gazetteer::resolve_in`).
pub fn geo_place(name: &str, context: &livebrief_geo::Context<'_>) -> Option<GeoPlace> {
    use livebrief_geo::{Gazetteer, PlaceKind, Resolution};
    let key = place_canonical(name).unwrap_or(name);
    let g = Gazetteer::embedded();
    let (p, ambiguous) = match g.resolve_in(key, context) {
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

fn capitalized(word: &str) -> bool {
    word.chars().next().is_some_and(char::is_uppercase)
}

fn lower(w: &str) -> String {
    w.to_lowercase()
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
        .unwrap_or(word)
}

const CONNECTORS: &[&str] = &[
    "de", "van", "von", "bin", "al", "da", "di", "du", "le", "la", "del", "der", "of", "&", "ibn",
];

pub fn place_canonical(name: &str) -> Option<&'static str> {
    PLACES
        .iter()
        .find(|(c, aliases)| *c == name || aliases.contains(&name))
        .map(|(c, _)| *c)
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
    TITLES.contains(&lower(w).as_str())
}

/// Finds name mentions in tokens. `sentence_start[i]` tells whether token i opens a sentence.
pub fn find(s: &str, toks: &[Token], sentence_start: &[bool]) -> Entities {
    let mut raw: Vec<(usize, usize, String, Option<String>)> = Vec::new(); // (first, last, name, description)
    let mut roles: Vec<(usize, usize, String)> = Vec::new();
    // Ukrainian and Russian organisation names by their build (crate::orgs); their names are organisations.
    let cyrillic = crate::quotes::is_cyrillic_text(s);
    // The text's language for the morphological dictionary (Ukrainian and Russian texts only).
    let dictionary = if cyrillic {
        livebrief_morph::Lang::from_code(crate::lang::detect(s))
    } else {
        None
    };
    let org_spans = if cyrillic {
        crate::orgs::find(s, toks)
    } else {
        Vec::new()
    };
    let mut org_names: HashSet<String> = HashSet::new();
    let mut next_org = org_spans.iter().peekable();
    let mut i = 0;
    while i < toks.len() {
        while next_org.next_if(|(a, _)| *a < i).is_some() {}
        if let Some(&&(a, b)) = next_org.peek()
            && a == i
        {
            let name = s[toks[a].start..toks[b].end].to_string();
            org_names.insert(name.clone());
            raw.push((a, b, name, None));
            i = b + 1;
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
        while j + 1 < toks.len() && org_start.is_none_or(|a| a > j + 1) {
            let n = toks[j + 1];
            let nw = n.text(s);
            let adjacent = s[toks[j].end..n.start].chars().all(|c| c == ' ');
            if !adjacent || n.kind != Kind::Word {
                break;
            }
            // In Ukrainian and Russian a country's abbreviation ends the name it follows and starts none:
            // "президент РФ Дмитрий Медведев", "председатель КНР Ху Цзиньтао".
            if cyrillic && (is_abbreviation(toks[j].text(s)) != is_abbreviation(nw)) {
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
        while first <= j && not_a_name(lower(toks[first].text(s)).as_str()) {
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
        let words: Vec<&str> = (first..=j).map(|k| toks[k].text(s)).collect();
        let name = base(&words.join(" ")).to_string();
        if name.chars().count() < 2 {
            i = j + 1;
            continue;
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
        raw.push((first, j, name, description));
        i = j + 1;
    }

    // Group mentions into entities: full names first; surnames and aliases link to them.
    let mut list: Vec<Entity> = Vec::new();
    let mut mentions = Vec::new();
    // The story's countries, in the order it names them (they give "Odessa" its Ukraine or its Texas), and
    // the oblasts it names (which of the many Pokrovske).
    let mut countries: Vec<String> = Vec::new();
    for (_, _, name, _) in &raw {
        let Some(p) = geo_place(name, &livebrief_geo::Context::default()) else {
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
        match livebrief_geo::Gazetteer::embedded().resolve_in(key, &context) {
            livebrief_geo::Resolution::Found(p) => {
                p.kind == livebrief_geo::PlaceKind::City && p.population < WEAK_POSITION_MIN_POPULATION
            }
            livebrief_geo::Resolution::Ambiguous(v) => v
                .iter()
                .all(|p| p.kind == livebrief_geo::PlaceKind::City && p.population < WEAK_POSITION_MIN_POPULATION),
            livebrief_geo::Resolution::NotFound => true,
        }
    };
    let classify = |name: &str, description: &Option<String>, weak: bool| -> Option<EntityKind> {
        if org_names.contains(name) {
            return Some(EntityKind::Organization);
        }
        // A country is a place even after a title ("канцлер Германии", "посол Италии").
        if !name.contains(' ')
            && matches!(
                livebrief_geo::Gazetteer::embedded().resolve_in(place_canonical(name).unwrap_or(name), &context),
                livebrief_geo::Resolution::Found(p) if p.kind == livebrief_geo::PlaceKind::Country
            )
        {
            return Some(EntityKind::Place);
        }
        if place_canonical(name).is_some() {
            return Some(EntityKind::Place);
        }
        // One Ukrainian or Russian word that the morphological dictionary knows only as a person's name
        // (Андрій, Аліна, Толя): a person, before the gazetteer's villages of the same name are asked.
        if let Some(lang) = dictionary
            && !name.contains(' ')
            && !is_abbreviation(name)
        {
            let mut person = false;
            let mut other = false;
            for a in livebrief_morph::lemmas(lang, name) {
                match a.tag.kind {
                    livebrief_morph::Kind::FirstName
                    | livebrief_morph::Kind::Surname
                    | livebrief_morph::Kind::Patronymic => person = true,
                    _ => other = true,
                }
            }
            if person && !other {
                return Some(EntityKind::Person);
            }
        }
        let words_n = name.split_whitespace().count();
        // A name the gazetteer knows is a place, unless it looks like a person (a title or role before it).
        if description.is_none()
            && (words_n == 1 || !name.split_whitespace().any(|w| ORG_WORDS.contains(&lower(w).as_str())))
            && geo_place(name, &context).is_some()
            && !(weak && small_place(name))
        {
            return Some(EntityKind::Place);
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
        // "Ukraine Live Briefing", "Kyiv Independent": names that start with a place are not people.
        if words.first().is_some_and(|w| place_canonical(&capitalize(w)).is_some()) {
            return None;
        }
        if words.len() >= 2 || description.is_some() {
            return Some(EntityKind::Person);
        }
        None
    };
    let mut order: Vec<usize> = (0..raw.len()).collect();
    order.sort_by_key(|&m| std::cmp::Reverse(raw[m].2.split_whitespace().count()));
    let mut assignment: Vec<Option<usize>> = vec![None; raw.len()];
    // The first entity with a name, the first place with a name, the first person with a surname: a mention
    // links through these instead of a scan over all entities.
    let mut by_name: HashMap<String, usize> = HashMap::new();
    let mut place_by_name: HashMap<String, usize> = HashMap::new();
    let mut person_by_surname: HashMap<String, usize> = HashMap::new();
    let mut descriptions_seen: HashSet<(usize, String)> = HashSet::new();
    for &m in &order {
        let (first, last, name, description) = &raw[m];
        let geo = geo_place(name, &context);
        let canonical_place = place_canonical(name)
            .map(str::to_string)
            .or_else(|| geo.as_ref().map(|g| g.name.clone()));
        // Link to an existing entity: same name, same place, or a person's surname / first name.
        let found = [
            by_name.get(name.as_str()),
            canonical_place.as_deref().and_then(|p| place_by_name.get(p)),
            person_by_surname.get(name.as_str()).filter(|_| !name.contains(' ')),
        ]
        .into_iter()
        .flatten()
        .min()
        .copied();
        let idx = match found {
            Some(idx) => idx,
            None => {
                let Some(kind) = classify(name, description, weak_position(*first, *last, name)) else {
                    continue;
                };
                let place = if kind == EntityKind::Place { geo } else { None };
                let name = if kind == EntityKind::Place {
                    canonical_place.unwrap_or_else(|| name.clone())
                } else {
                    name.clone()
                };
                let idx = list.len();
                by_name.entry(name.clone()).or_insert(idx);
                if kind == EntityKind::Place {
                    place_by_name.entry(name.clone()).or_insert(idx);
                }
                if kind == EntityKind::Person
                    && let Some(surname) = name.split_whitespace().last()
                {
                    person_by_surname.entry(surname.to_string()).or_insert(idx);
                }
                list.push(Entity {
                    name,
                    kind,
                    descriptions: Vec::new(),
                    mentions: Vec::new(),
                    place,
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
