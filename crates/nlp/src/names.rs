//! People's names across scripts and spellings: "Dmitry Peskov", "Kremlin spokesman Dmitry Peskov",
//! "Дмитро Пєсков" and "Дмитрий Песков" are one person; "Peskov" is him when he is the only Peskov around.
//!
//! [`person_key`] drops roles and titles, transliterates Cyrillic (Ukrainian by the national standard of 2010
//! when the name has і, ї, є or ґ, else Russian by BGN/PCGN), folds case and diacritics, and reduces the name
//! to skeletons that the usual variants share:
//!
//! - the **spelling** (`dmytro pieskov`): the name as one lowercase Latin string; one spelling, one alias.
//! - the **surname** skeleton (`pIskAv`), of the last word: digraphs become one sound (`shch`, `sch` → S, `sh`
//!   → S, `zh` → Z, `ch`/`tsch` → C, `kh`/`gh`/`g`/`h` → h, `ts`/`tz` → c, `ph` → f, `th` → t, `ck`/`c`/`q` → k,
//!   `x` → ks, `w` → v), vowels become three classes (a/o → A; e/i/y/j → I; u → U), and repeats collapse:
//!   Peskov, Pieskov, Peskow and Песков are all `pIskAv`; Zelensky, Zelenskyy, Zelenskiy, Zelenskyi,
//!   Зеленський and Зеленский are all `zIlInskI`. Cyrillic surnames lose a few case endings first
//!   (Пєсковим → Пєсков, Зеленського → Зеленський).
//! - the **given-name** skeleton, of the first word when there are two or more: its consonants only, with `_`
//!   in front when it starts with a vowel (Dmitry, Dmytro, Dmitriy and Дмитрий are `dmtr`; Yury, Yuri, Yuriy and
//!   Юрій are `_r`; Oleksandr and Alexander are `_lksndr`), or an initial (`d.`) for "D." or "D".
//!
//! **The matching rule** ([`PersonKey::relation`]): two names are the same person when their surname
//! skeletons are equal and their given names are compatible: equal skeletons, or one is an initial of the
//! other, or the pair is in a short table of Slavic equivalents whose consonants differ (Mykola/Nikolai,
//! Kostiantyn/Konstantin, …). When one of the two names is a surname alone, the names only *may* be the same
//! person ([`Relation::Surname`]); [`choose`] then takes the one speaker with that surname in the briefing,
//! and nobody when two share it. Middle names and patronymics are ignored. Two different people with the same
//! surname and compatible given names (two Oleksandr Kovalenkos) are not told apart: an editor splits them.

use livebrief_geo::{ru_bgn_pcgn, uk_national_2010};

/// A person's name reduced for matching.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PersonKey {
    /// The name words as written, roles and titles dropped: "Дмитро Пєсков", "Dmitry Peskov".
    pub name: String,
    /// The whole name in lowercase Latin letters, diacritics folded: "dmytro pieskov".
    pub spelling: String,
    /// The surname's skeleton: "pIskAv".
    pub surname: String,
    /// The given name's skeleton ("dmtr") or initial ("d."), when the name has more than a surname.
    pub given: Option<String>,
}

/// What two names say about two people.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Relation {
    /// The same person: equal surnames, compatible given names.
    Same,
    /// Equal surnames, and at least one of the names is a surname alone.
    Surname,
    /// Different people.
    Different,
}

impl PersonKey {
    /// Whether the name has more than a surname.
    pub fn is_full(&self) -> bool {
        self.given.is_some()
    }

    /// Whether the name is written in Latin letters (what an English page prefers to show).
    pub fn is_latin(&self) -> bool {
        !self.name.chars().any(is_cyrillic)
    }

    /// How good a display name this spelling makes: a full name beats a surname, Latin beats Cyrillic.
    pub fn display_rank(&self) -> u8 {
        u8::from(self.is_full()) * 2 + u8::from(self.is_latin())
    }

    pub fn relation(&self, other: &PersonKey) -> Relation {
        if self.surname != other.surname {
            return Relation::Different;
        }
        match (&self.given, &other.given) {
            (Some(a), Some(b)) if given_compatible(a, b) => Relation::Same,
            (Some(_), Some(_)) => Relation::Different,
            _ => Relation::Surname,
        }
    }
}

/// A known speaker as [`choose`] sees it: the keys of its aliases, and whether it is quoted in the briefing
/// at hand.
#[derive(Debug, Clone)]
pub struct Candidate<T> {
    pub id: T,
    pub keys: Vec<PersonKey>,
    pub local: bool,
}

/// The speaker a name belongs to among `candidates`, by the matching rule:
///
/// - a full name goes to the one candidate with a matching full name (none of its full names contradicting
///   it); among several, the one quoted in this briefing, else the one with an identical given-name skeleton;
///   with no such candidate, to the one candidate known only by the surname;
/// - a surname alone goes to the one candidate in this briefing with that surname, and to nobody when two share
///   it or none is there.
///
/// `None`: nobody fits for sure (the caller makes a new speaker).
pub fn choose<T: Copy>(key: &PersonKey, candidates: &[Candidate<T>]) -> Option<T> {
    fn one<T: Copy>(v: &[&Candidate<T>]) -> Option<T> {
        match v {
            [c] => Some(c.id),
            _ => None,
        }
    }
    // Only a candidate's spellings with this surname speak for or against it.
    let relations = |c: &Candidate<T>| {
        c.keys
            .iter()
            .filter(|k| k.surname == key.surname)
            .map(|k| key.relation(k))
            .collect::<Vec<_>>()
    };
    let Some(given) = &key.given else {
        let fits: Vec<&Candidate<T>> = candidates
            .iter()
            .filter(|c| c.local && !relations(c).is_empty())
            .collect();
        return one(&fits);
    };
    // Strong: a full name of the candidate matches, none contradicts. Weak: known by the surname only.
    let mut strong = Vec::new();
    let mut weak = Vec::new();
    for c in candidates {
        let r = relations(c);
        if r.is_empty() || r.contains(&Relation::Different) {
            continue;
        }
        if r.contains(&Relation::Same) {
            strong.push(c);
        } else {
            weak.push(c);
        }
    }
    if !strong.is_empty() {
        if let Some(id) = one(&strong) {
            return Some(id);
        }
        let local: Vec<_> = strong.iter().copied().filter(|c| c.local).collect();
        if let Some(id) = one(&local) {
            return Some(id);
        }
        let pool = if local.is_empty() { &strong } else { &local };
        let exact: Vec<_> = pool
            .iter()
            .copied()
            .filter(|c| c.keys.iter().any(|k| k.given.as_ref() == Some(given)))
            .collect();
        return one(&exact);
    }
    if let Some(id) = one(&weak) {
        return Some(id);
    }
    let local: Vec<_> = weak.iter().copied().filter(|c| c.local).collect();
    one(&local)
}

pub(crate) fn is_cyrillic(c: char) -> bool {
    ('\u{400}'..='\u{4ff}').contains(&c)
}

/// Titles and honorifics in front of a name (English ones come from the lexicon).
const TITLES_UK_RU: &[&str] = &[
    "пан",
    "пані",
    "господин",
    "госпожа",
    "г-н",
    "президент",
    "президента",
    "прем'єр",
    "прем’єр",
    "прем'єр-міністр",
    "прем’єр-міністр",
    "премьер",
    "премьер-министр",
    "міністр",
    "министр",
    "речник",
    "речниця",
    "прессекретар",
    "пресс-секретарь",
    "генерал",
    "мер",
    "голова",
    "посол",
    "депутат",
    "помічник",
    "помощник",
    "радник",
    "советник",
    "спікер",
    "спикер",
    "глава",
];

/// A Ukrainian or Russian title ("міністр", "президента"), lowercase.
pub(crate) fn is_title_uk_ru(lower: &str) -> bool {
    crate::text::stem_with_ending(lower, TITLES_UK_RU, 2)
}

/// Capitalised words before a name that are organisations, places or nationalities, not people.
const NOT_PEOPLE: &[&str] = &[
    "kremlin",
    "white",
    "house",
    "us",
    "u.s.",
    "u.s",
    "uk",
    "u.k.",
    "un",
    "u.n.",
    "nato",
    "eu",
    "russian",
    "ukrainian",
    "american",
    "british",
    "french",
    "german",
    "polish",
    "european",
    "chinese",
    "belarusian",
    "кремль",
    "кремля",
    "кремлю",
    "кремлі",
    "кремле",
    "сша",
    "росії",
    "россии",
    "україни",
    "украины",
    "зсу",
    "нато",
];

const CONNECTORS: &[&str] = &[
    "de", "van", "von", "der", "den", "bin", "al", "da", "di", "du", "le", "la", "del", "ibn", "el",
];

const SUFFIXES: &[&str] = &["jr", "jr.", "sr", "sr.", "ii", "iii", "iv"];

/// Given names whose skeletons differ but which are one name in Ukrainian and Russian.
const GIVEN_EQUIVALENTS: &[(&str, &str)] = &[
    ("Mykola", "Nikolai"),
    ("Kostiantyn", "Konstantin"),
    ("Pylyp", "Filipp"),
    ("Yosyp", "Iosif"),
    ("Hanna", "Anna"),
    ("Kateryna", "Yekaterina"),
    ("Lev", "Leo"),
    ("Yakiv", "Jakob"),
];

fn trim_word(w: &str) -> &str {
    w.trim_matches(|c: char| {
        matches!(
            c,
            ',' | ';' | ':' | '(' | ')' | '[' | ']' | '"' | '“' | '”' | '«' | '»' | '„' | '!' | '?'
        )
    })
}

fn strip_possessive(w: &str) -> Option<&str> {
    ["'s", "’s", "'S", "’S"].iter().find_map(|s| w.strip_suffix(s))
}

fn is_title(lower: &str) -> bool {
    let bare = lower.trim_end_matches('.');
    crate::lexicon::TITLES.contains(&lower)
        || crate::lexicon::TITLES.contains(&bare)
        || crate::lexicon::ROLE_NOUNS.contains(&bare)
        || TITLES_UK_RU.contains(&lower)
}

/// A capitalised word that can be part of a person's name (titles aside).
fn is_name_like(w: &str) -> bool {
    let Some(first) = w.chars().next() else {
        return false;
    };
    let lower = w.to_lowercase();
    first.is_uppercase()
        && w.chars().any(char::is_alphabetic)
        && !w.chars().any(|c| c.is_ascii_digit())
        && strip_possessive(w).is_none()
        && !NOT_PEOPLE.contains(&lower.as_str())
        && !crate::lexicon::ORG_WORDS.contains(&lower.as_str())
        && crate::entities::place_canonical(w).is_none()
}

fn is_name_word(w: &str) -> bool {
    is_name_like(w) && !is_title(&w.to_lowercase())
}

/// The words of a person's name in `text`: the trailing run of name words, after roles, titles and
/// organisations ("Kremlin spokesman Dmitry Peskov" → ["Dmitry", "Peskov"]).
fn name_words(text: &str) -> Vec<&str> {
    let mut words: Vec<&str> = text
        .split_whitespace()
        .map(trim_word)
        .filter(|w| !w.is_empty())
        .collect();
    if let Some(last) = words.last_mut()
        && let Some(bare) = strip_possessive(last)
    {
        *last = bare;
    }
    while words
        .last()
        .is_some_and(|w| SUFFIXES.contains(&w.to_lowercase().as_str()))
    {
        words.pop();
    }
    let mut out: Vec<&str> = Vec::new();
    let mut i = words.len();
    while i > 0 {
        let w = words[i - 1];
        // A surname that is also a title ("Martin Luther King", "Stephen King") follows a name word.
        let surname_title = i == words.len() && i >= 2 && is_name_like(w) && is_name_word(words[i - 2]);
        // "von der" inside a name: connectors between name words.
        let connector = CONNECTORS.contains(&w)
            && !out.is_empty()
            && (0..i - 1)
                .rev()
                .find(|&k| !CONNECTORS.contains(&words[k]))
                .is_some_and(|k| is_name_word(words[k]));
        if !(is_name_word(w) || surname_title || connector) {
            break;
        }
        out.push(w);
        i -= 1;
    }
    out.reverse();
    out
}

/// Folds Latin diacritics and the transliterations' marks to plain letters; drops apostrophes and dots.
fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.to_lowercase().chars() {
        let rep: &str = match c {
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => "a",
            'ç' | 'ć' | 'ĉ' | 'ċ' => "c",
            'č' => "ch",
            'ď' | 'đ' => "d",
            'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ė' | 'ę' | 'ě' => "e",
            'ğ' | 'ģ' => "g",
            'ì' | 'í' | 'î' | 'ï' | 'ī' | 'į' | 'ı' => "i",
            'ķ' => "k",
            'ĺ' | 'ļ' | 'ľ' | 'ł' => "l",
            'ñ' | 'ń' | 'ņ' | 'ň' => "n",
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ő' => "o",
            'ŕ' | 'ř' => "r",
            'ś' | 'ş' | 'ș' => "s",
            'š' => "sh",
            'ť' | 'ţ' | 'ț' => "t",
            'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' | 'ű' | 'ų' => "u",
            'ý' | 'ÿ' => "y",
            'ź' | 'ż' => "z",
            'ž' => "zh",
            'ß' => "ss",
            'æ' => "ae",
            'œ' => "oe",
            c if c.is_ascii_alphabetic() || c == '-' || c == ' ' => {
                out.push(c);
                continue;
            }
            // Apostrophes, the soft and hard signs' marks, dots of initials: not sounds.
            _ => continue,
        };
        out.push_str(rep);
    }
    out
}

/// A few Ukrainian and Russian case endings of a surname, back to the nominative.
fn nominative(surname: &str) -> String {
    let lower = surname.to_lowercase();
    let n = lower.chars().count();
    for (end, adjective) in [
        ("ого", true),
        ("его", true),
        ("ому", true),
        ("ему", true),
        ("им", true),
        ("ым", true),
        ("ові", false),
        ("еві", false),
        ("єві", false),
        ("ом", false),
        ("ем", false),
        ("єм", false),
        ("ём", false),
    ] {
        let Some(stem) = lower.strip_suffix(end) else {
            continue;
        };
        if n - end.chars().count() < 4 {
            continue;
        }
        // -ський, -цький, -ский, -цкий: the adjective's ending comes back.
        if adjective && ["ськ", "цьк", "зьк", "ск", "цк"].iter().any(|s| stem.ends_with(s)) {
            return format!("{stem}ий");
        }
        if adjective
            && !(stem.ends_with("ов")
                || stem.ends_with("ев")
                || stem.ends_with("єв")
                || stem.ends_with("ин")
                || stem.ends_with("ін"))
        {
            continue;
        }
        return stem.to_string();
    }
    if let Some(stem) = lower.strip_suffix('у')
        && ["ов", "ев", "єв", "ин", "ін"].iter().any(|s| stem.ends_with(s))
        && n > 4
    {
        return stem.to_string();
    }
    lower
}

/// Sound units of a folded Latin word: digraphs as one symbol, vowels as three classes, repeats collapsed.
fn units(latin: &str) -> Vec<char> {
    let b: Vec<char> = latin.chars().filter(char::is_ascii_alphabetic).collect();
    let mut out: Vec<char> = Vec::with_capacity(b.len());
    let at = |i: usize, s: &str| s.chars().enumerate().all(|(k, c)| b.get(i + k) == Some(&c));
    let mut i = 0;
    while i < b.len() {
        let (unit, len): (&str, usize) = if at(i, "shch") {
            ("S", 4)
        } else if at(i, "tsch") {
            ("C", 4)
        } else if at(i, "sch") {
            ("S", 3)
        } else if at(i, "zh") {
            ("Z", 2)
        } else if at(i, "sh") {
            ("S", 2)
        } else if at(i, "ch") {
            ("C", 2)
        } else if at(i, "kh") || at(i, "gh") {
            ("h", 2)
        } else if at(i, "ts") || at(i, "tz") {
            ("c", 2)
        } else if at(i, "ph") {
            ("f", 2)
        } else if at(i, "th") {
            ("t", 2)
        } else if at(i, "ck") {
            ("k", 2)
        } else {
            let u = match b[i] {
                'a' | 'o' => "A",
                'e' | 'i' | 'y' | 'j' => "I",
                'u' => "U",
                'w' => "v",
                'g' => "h",
                'q' | 'c' => "k",
                'x' => "ks",
                _ => {
                    out.push(b[i]);
                    i += 1;
                    continue;
                }
            };
            (u, 1)
        };
        out.extend(unit.chars());
        i += len;
    }
    out.dedup();
    out
}

fn is_vowel_unit(c: char) -> bool {
    matches!(c, 'A' | 'I' | 'U')
}

fn given_skeleton(latin: &str, initial: bool) -> Option<String> {
    let u = units(latin);
    let first = *u.first()?;
    if initial {
        return Some(format!("{}.", if is_vowel_unit(first) { '_' } else { first }));
    }
    let mut cons: Vec<char> = u.iter().copied().filter(|c| !is_vowel_unit(*c)).collect();
    cons.dedup();
    let mut s = String::new();
    if is_vowel_unit(first) {
        s.push('_');
    }
    if cons.is_empty() {
        s.extend(u.iter());
    } else {
        s.extend(cons.iter());
    }
    Some(s)
}

/// Whether two given-name keys can be one name: equal, one an initial of the other, or known equivalents.
pub fn given_compatible(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    let first = |s: &str| s.chars().next();
    match (a.strip_suffix('.'), b.strip_suffix('.')) {
        (Some(ia), None) => return first(ia) == first(b),
        (None, Some(ib)) => return first(ib) == first(a),
        (Some(_), Some(_)) => return false,
        (None, None) => {}
    }
    GIVEN_EQUIVALENTS.iter().any(|(x, y)| {
        let (x, y) = (given_skeleton(&fold(x), false), given_skeleton(&fold(y), false));
        (x.as_deref() == Some(a) && y.as_deref() == Some(b)) || (x.as_deref() == Some(b) && y.as_deref() == Some(a))
    })
}

/// The key of a person's name, or `None` when no name is left once roles and titles are dropped (or it is too
/// long to be one person's name).
pub fn person_key(name: &str) -> Option<PersonKey> {
    let words = name_words(name);
    if words.is_empty() || words.len() > 6 {
        return None;
    }
    // Ukrainian when a letter only Ukrainian has is there (or the soft sign of -ський, -цький), else Russian.
    let ukrainian = words.iter().any(|w| {
        w.chars().any(|c| "іїєґІЇЄҐʼ".contains(c)) || ["ськ", "цьк", "зьк"].iter().any(|s| w.to_lowercase().contains(s))
    });
    let to_latin = |w: &str| -> String {
        if w.chars().any(is_cyrillic) {
            fold(&if ukrainian { uk_national_2010(w) } else { ru_bgn_pcgn(w) })
        } else {
            fold(w)
        }
    };
    // The surname: the last word with the connectors before it ("von der Leyen").
    let mut s = words.len() - 1;
    while s > 0 && CONNECTORS.contains(&words[s - 1]) {
        s -= 1;
    }
    let last = words[words.len() - 1];
    let last = if last.chars().any(is_cyrillic) {
        nominative(last)
    } else {
        last.to_string()
    };
    let surname_latin: String = words[s..words.len() - 1]
        .iter()
        .map(|w| to_latin(w))
        .chain(std::iter::once(to_latin(&last)))
        .collect();
    let surname: String = units(&surname_latin).into_iter().collect();
    if surname.is_empty() {
        return None;
    }
    let given = if s > 0 {
        let g = words[0];
        let letters = g.chars().filter(|c| c.is_alphabetic()).count();
        let initial = letters == 1 || (letters <= 2 && g.ends_with('.'));
        given_skeleton(&to_latin(g), initial)
    } else {
        None
    };
    let spelling = words
        .iter()
        .map(|w| to_latin(w))
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    if spelling.is_empty() {
        return None;
    }
    Some(PersonKey {
        name: words.join(" "),
        spelling,
        surname,
        given,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(n: &str) -> PersonKey {
        person_key(n).unwrap_or_else(|| panic!("no key for {n:?}"))
    }

    #[test]
    fn skeletons() {
        assert_eq!(key("Dmitry Peskov").surname, "pIskAv");
        assert_eq!(key("Dmitry Peskov").given.as_deref(), Some("dmtr"));
        assert_eq!(key("Zelenskyy").surname, "zIlInskI");
        assert_eq!(key("Yury Ushakov").given.as_deref(), Some("_r"));
        assert_eq!(key("D. Peskov").given.as_deref(), Some("d."));
        assert_eq!(key("Дмитро Пєсков").spelling, "dmytro pieskov");
        assert_eq!(key("Дмитрий Песков").spelling, "dmitriy peskov");
    }
}
