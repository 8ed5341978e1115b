//! Proper nouns of Ukrainian and Russian back to their base form, by a real morphological dictionary: the
//! proper-noun part (first names, surnames, patronymics, places, organisations, and a few common nouns that
//! head multi-word names) of the OpenCorpora (Russian) and dict_uk / LanguageTool (Ukrainian) dictionaries
//! as compiled by pymorphy3, extracted by `scripts/morph-dict.sh` into `data/{ru,uk}.tsv.gz` (see
//! `data/README.md` for the sources and their licences).
//!
//! The tables are compiled in (`include_bytes!`) and decoded once, on first use, into a sorted stem array;
//! a word is looked up by trying each split into stem + ending against the stem array and the stem's
//! paradigms. Pure: no IO.
//!
//! - [`lemmas`]: every analysis of one word (lemma, kind, gender, number, case).
//! - [`base_of_name`] ([`base_of_name_as`] with a case hint, [`base_of_name_in`] in a known case): a multi-word name in any case back to the nominative ("Володимира Зеленського" →
//!   "Володимир Зеленський", "Российской Федерации" → "Российская Федерация"). Adjectives are not in the
//!   tables: their agreement with the head noun is done by ending rules (see [`base_of_name_as`]).

mod adj;
mod table;

use std::sync::OnceLock;

use table::Table;

const RU: &[u8] = include_bytes!("../data/ru.tsv.gz");
const UK: &[u8] = include_bytes!("../data/uk.tsv.gz");

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    Uk,
    Ru,
}

impl Lang {
    /// `uk` and `ru` (BCP 47 primary subtags, as the reader reports the language); anything else is `None`.
    pub fn from_code(code: &str) -> Option<Lang> {
        match code.split(['-', '_']).next().unwrap_or("") {
            "uk" => Some(Lang::Uk),
            "ru" => Some(Lang::Ru),
            _ => None,
        }
    }
}

/// What a lexeme names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    FirstName,
    Surname,
    Patronymic,
    Place,
    Organisation,
    /// A common noun that heads multi-word names (федерация, міністерство): never a name on its own.
    Common,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Gender {
    Masculine,
    Feminine,
    Neuter,
    /// Either (OpenCorpora's ms-f: surnames such as Шевченко, plural surnames).
    Common,
    Unknown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Number {
    Singular,
    Plural,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Case {
    Nominative,
    Genitive,
    Accusative,
    Dative,
    Instrumental,
    Locative,
    Vocative,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Tag {
    pub kind: Kind,
    pub gender: Gender,
    pub number: Number,
    pub case: Case,
}

/// One reading of a word.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Analysis {
    /// The lexeme's lemma (nominative singular; nominative plural for plural-only lexemes), cased as the
    /// word was (Пєскова → Пєсков, ПЄСКОВА → ПЄСКОВ).
    pub lemma: String,
    /// The nominative of the same number (Штатов → Штаты; for a singular form, the lemma).
    pub nominative: String,
    pub tag: Tag,
}

fn table(lang: Lang) -> &'static Table {
    static RU_T: OnceLock<Table> = OnceLock::new();
    static UK_T: OnceLock<Table> = OnceLock::new();
    match lang {
        Lang::Ru => RU_T.get_or_init(|| Table::decode(RU)),
        Lang::Uk => UK_T.get_or_init(|| Table::decode(UK)),
    }
}

/// Decodes both tables now (otherwise the first lookup in each language does). Returns the number of
/// lexemes loaded.
pub fn load() -> usize {
    table(Lang::Ru).lexemes() + table(Lang::Uk).lexemes()
}

/// Approximate heap bytes the two decoded tables hold.
pub fn heap_bytes() -> usize {
    table(Lang::Ru).heap_bytes() + table(Lang::Uk).heap_bytes()
}

/// Every analysis of `word` in the proper-noun table of `lang`, case-insensitively. Empty for words the
/// table does not know (common words, adjectives, foreign names it lacks).
pub fn lemmas(lang: Lang, word: &str) -> impl Iterator<Item = Analysis> + use<> {
    table(lang).analyse(word).into_iter()
}

/// A name of one or more words back to its base form in `lang`, or the words as written (joined by spaces)
/// where the dictionary cannot tell.
pub fn base_of_name(lang: Lang, words: &[&str]) -> String {
    base_of_name_as(lang, words, None).unwrap_or_else(|| words.join(" "))
}

/// [`base_of_name`] with a hint for the case the name is in (`Some(Case::Genitive)` after "За словами"),
/// `None` where the dictionary knows none of the inflected words.
///
/// The name's agreeing part is brought back: the adjectives before the first noun and that noun
/// ("Российской Федерации", "Приморского края"), or a run of first name, patronymic and surname ("Дмитрия
/// Сергеевича Пескова"); words after it keep their form ("Министерства обороны России" → "Министерство
/// обороны России"). The case and number chosen are the ones every dictionary word of that part can be in,
/// preferring the hinted case, then singular over plural, then the nominative, genitive, accusative, dative,
/// instrumental, locative and vocative in that order, and for a person one gender for all parts (masculine
/// first). Adjectives take the nominative ending of the head's gender and number by rules
/// (-ой/-ей → -ая/-яя, -ого → -ий/-ый; Ukrainian -ої → -а, -ого → -ий).
pub fn base_of_name_as(lang: Lang, words: &[&str], hint: Option<Case>) -> Option<String> {
    base(lang, words, hint, false)
}

/// [`base_of_name_as`] for a name known to be in `case`: only readings in that case count, `None` when the
/// dictionary has none (НАТО has no genitive reading: it is not the vocative of Ната).
pub fn base_of_name_in(lang: Lang, words: &[&str], case: Case) -> Option<String> {
    base(lang, words, Some(case), true)
}

fn base(lang: Lang, words: &[&str], hint: Option<Case>, strict: bool) -> Option<String> {
    let t = table(lang);
    // Vocatives are left out (Нато is the vocative of Ната, not НАТО), and so are short words in capitals:
    // abbreviations (ЕС, НАТО, США) do not decline.
    let analyses: Vec<Vec<Analysis>> = words
        .iter()
        .map(|w| {
            if w.chars().count() <= 5 && w.chars().all(|c| !c.is_lowercase()) {
                return Vec::new();
            }
            let mut a = t.analyse(w);
            a.retain(|a| a.tag.case != Case::Vocative && (!strict || Some(a.tag.case) == hint));
            a
        })
        .collect();
    // The agreeing part: leading adjectives + the first noun, or a run of person-name parts.
    let person = |a: &Analysis| matches!(a.tag.kind, Kind::FirstName | Kind::Surname | Kind::Patronymic);
    // A word the table knows (an adjectival surname or place: Приморский) that ends as an adjective and
    // comes before a noun that is not a person's name is that noun's adjective ("Приморского края").
    let adjective_before_noun = |i: usize| {
        adj::is_adjective(lang, words[i]) && analyses.get(i + 1).is_some_and(|next| next.iter().any(|a| !person(a)))
    };
    let first_noun = (0..words.len()).find(|&i| !analyses[i].is_empty() && !adjective_before_noun(i))?;
    if (0..first_noun).any(|i| !adj::is_adjective(lang, words[i]) && !is_initial(words[i])) {
        // A word before the first known noun that is neither an adjective nor an initial: not a name we can
        // parse ("МЧС России", "Ху Цзиньтао").
        return None;
    }
    let mut end = first_noun + 1;
    if analyses[first_noun].iter().any(person) {
        while end < words.len() && (analyses[end].iter().any(person) || is_initial(words[end])) {
            end += 1;
        }
    }
    let nouns: Vec<usize> = (first_noun..end).filter(|&i| !analyses[i].is_empty()).collect();
    let is_person = nouns.len() > 1 || analyses[first_noun].iter().all(person);
    // Candidate states: (number, case, gender), ranked.
    let rank_case = |c: Case| c as usize;
    type Rank = (usize, usize, usize, usize, usize, usize);
    let mut best: Option<(Rank, Vec<&Analysis>)> = None;
    for cand in &analyses[first_noun] {
        let st = (cand.tag.number, cand.tag.case);
        let gender = cand.tag.gender;
        let mut chosen = vec![cand];
        let mut ok = true;
        for &i in nouns.iter().skip(1) {
            let pick = analyses[i]
                .iter()
                .filter(|a| {
                    (a.tag.number, a.tag.case) == st
                        && (!is_person || compatible(a.tag.gender, gender))
                        && (!is_person || person(a))
                })
                .min_by_key(|a| alternation(words[i], &a.nominative));
            match pick {
                Some(a) => chosen.push(a),
                None => {
                    ok = false;
                    break;
                }
            }
        }
        if !ok {
            continue;
        }
        let g_rank = match gender {
            Gender::Masculine => 0,
            Gender::Common | Gender::Unknown => 1,
            Gender::Feminine => 2,
            Gender::Neuter => 3,
        };
        let rank = (
            usize::from(hint.is_some() && Some(st.1) != hint),
            usize::from(st.0 == Number::Plural),
            rank_case(st.1),
            g_rank,
            usize::from(is_person && !person(cand)),
            alternation(words[first_noun], &cand.nominative),
        );
        if best.as_ref().is_none_or(|(r, _)| rank < *r) {
            best = Some((rank, chosen));
        }
    }
    let (_, chosen) = best?;
    let head = chosen[0];
    let mut out: Vec<String> = Vec::with_capacity(words.len());
    for w in &words[..first_noun] {
        if is_initial(w) {
            out.push((*w).to_string());
        } else {
            out.push(adj::nominative(lang, w, head.tag.gender, head.tag.number));
        }
    }
    let mut k = 0;
    for (i, w) in words.iter().enumerate().take(end).skip(first_noun) {
        if analyses[i].is_empty() {
            out.push((*w).to_string());
        } else {
            out.push(chosen[k].nominative.clone());
            k += 1;
        }
    }
    out.extend(words[end..].iter().map(|w| (*w).to_string()));
    Some(out.join(" "))
}

/// How many letters of `word` before its last two the nominative does not keep: 0 for Лаврова → Лавров, 2
/// for Лаврова → Лаврів (a Ukrainian vowel alternation). Among equally ranked readings the one that keeps the
/// word's letters wins (Антона → Антон, not Антін); a reading with no rival keeps its alternation (Харкова →
/// Харків, Федора → Федір).
fn alternation(word: &str, nominative: &str) -> usize {
    let n = word.chars().count().saturating_sub(2);
    let kept = word
        .chars()
        .flat_map(char::to_lowercase)
        .zip(nominative.chars().flat_map(char::to_lowercase))
        .take(n)
        .take_while(|(a, b)| a == b)
        .count();
    n - kept
}

fn compatible(a: Gender, b: Gender) -> bool {
    a == b || matches!(a, Gender::Common | Gender::Unknown) || matches!(b, Gender::Common | Gender::Unknown)
}

/// "А.", "В.В.": initials keep their form.
fn is_initial(w: &str) -> bool {
    w.ends_with('.') && w.chars().filter(|c| c.is_alphabetic()).count() <= 3
}
