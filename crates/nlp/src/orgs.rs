//! Ukrainian and Russian organisation names, found by how they are built rather than by capitals alone:
//!
//! - a legal form and a quoted name: `ТОВ «Бюро Ейнштейн»`, `ООО "Ромашка"`, `ДП «НАЕК «Енергоатом»` (nested
//!   quotes, the closing marks often merged into one);
//! - a head noun of an organisation ("партія", "комітет", "міністерство", "суд", "рада", "фонд" …) with the
//!   capitalised adjectives before it and a short complement after it: `Партії регіонів`, `Антимонопольний
//!   комітет`, `Вищий господарський суд України`, `Министерство обороны России`, `Верховної Ради`.
//!
//! - a quoted name after a lowercase noun for a kind of organisation: `компанія «Діавіта»`, `партии «Единая
//!   Россия»`, `газети «Житомирщина»` (the name inside the marks).
//!
//! A name is written with a capital on its first word, so a span starts at a capitalised word (or a legal
//! form). The complement after a head is at most two lowercase words in an oblique case (checked by their
//! endings) and one capitalised word (usually a country: `України`, `России`, `РФ`).
//! Pure: tokens in, token ranges out.

use crate::entities::capitalized;
use crate::text::{Kind, Token};

/// Legal forms of companies and public bodies (Ukrainian, Russian) that precede a quoted name.
const LEGAL_FORMS: &[&str] = &[
    "ТОВ", "ТзОВ", "ПП", "ДП", "ПАТ", "ПрАТ", "ВАТ", "ЗАТ", "АТ", "НВП", "ТД", "КП", "СП", "МП", "НАК", "ДК", "ФГ",
    "СФГ", "ОСББ", "ГО", "БФ", "ООО", "ОАО", "ЗАО", "ПАО", "АО", "НАО", "ГУП", "ФГУП", "МУП", "НКО", "АНО", "ФГБУ",
    "ГБУ", "МБУ", "ИП",
];

/// Head nouns of organisation names, as the start of their inflected forms (long enough not to be the start
/// of common words of another meaning).
const HEAD_STEMS: &[&str] = &[
    // Ukrainian
    "міністерств",
    "відомств",
    "служб",
    "парті",
    "комітет",
    "комісі",
    "фонд",
    "агентств",
    "спілк",
    "асоціаці",
    "інститут",
    "університет",
    "академі",
    "управлінн",
    "департамент",
    "інспекці",
    "прокуратур",
    "поліці",
    "церкв",
    "театр",
    "музе",
    "корпораці",
    "концерн",
    "компані",
    "об'єднанн",
    "об’єднанн",
    "організаці",
    "палат",
    "держадміністраці",
    "адміністраці",
    "кабінет",
    "митниц",
    "казначейств",
    "товариств",
    "кооператив",
    "комбінат",
    "гімназі",
    "ліце",
    "коледж",
    "лікарн",
    "клінік",
    "телеканал",
    "видавництв",
    "агенці",
    "уряд",
    "верховн",
    "міськрад",
    "облрад",
    "райрад",
    "держслужб",
    "нацполіці",
    "нацбанк",
    "укрзалізниц",
    // Russian
    "министерств",
    "ведомств",
    "парти",
    "комитет",
    "комисси",
    "ассоциаци",
    "институт",
    "университет",
    "академи",
    "управлени",
    "инспекци",
    "полици",
    "корпораци",
    "компани",
    "объединени",
    "организаци",
    "администраци",
    "правительств",
    "таможн",
    "обществ",
    "гимнази",
    "лице",
    "колледж",
    "больниц",
    "клиник",
    "издательств",
    "госдум",
    "конгресс",
    "сенат",
    "парламент",
];

/// Short head nouns, matched as whole inflected forms: their stems are the start of too many other words.
const HEAD_FORMS: &[&str] = &[
    "рада",
    "ради",
    "раді",
    "раду",
    "радою",
    "суд",
    "суду",
    "суді",
    "судом",
    "суда",
    "суде",
    "совет",
    "совета",
    "совету",
    "советом",
    "совете",
    "фронт",
    "фронту",
    "фронта",
    "фронтом",
    "фронте",
    "банк",
    "банку",
    "банка",
    "банком",
    "банке",
    "союз",
    "союзу",
    "союза",
    "союзом",
    "союзе",
    "центр",
    "центру",
    "центра",
    "центром",
    "центре",
    "дума",
    "думы",
    "думи",
    "думе",
    "думу",
    "думой",
    "рух",
    "руху",
    "рухом",
    "блок",
    "блоку",
    "блока",
    "блоком",
    "блоці",
    "блоке",
    "завод",
    "заводу",
    "завода",
    "заводом",
    "заводі",
    "заводе",
    "школа",
    "школи",
    "школы",
    "школі",
    "школе",
    "школу",
    "бюро",
    "штаб",
    "штабу",
    "штаба",
    "штабом",
    "штабі",
    "штабе",
    "мвс",
    "мвд",
];

/// Endings of oblique-case nouns and adjectives that can follow a head as its complement ("партія
/// регіонів", "служба безпеки", "министерство обороны", "комітет з питань" is not taken: a preposition ends
/// the name).
const COMPLEMENT_ENDINGS: &[&str] = &[
    "ів", "їв", "ей", "ій", "ої", "ого", "их", "іх", "ки", "ги", "хи", "ці", "ни", "ди", "ри", "пи", "би", "зи", "си",
    "ння", "ття", "ства", "цтва", "ії", "ы", "ов", "ев", "ой", "его", "ых", "ии", "ения", "ания", "ті",
];

fn is_cyrillic_word(w: &str) -> bool {
    w.chars().next().is_some_and(crate::names::is_cyrillic)
}

pub(crate) fn is_head(lower: &str) -> bool {
    HEAD_FORMS.contains(&lower) || HEAD_STEMS.iter().any(|h| lower.starts_with(h))
}

/// An adjective before a head ("Вищий", "Антимонопольний", "Верховної", "Національна", "Национальный"): the
/// endings of full adjectives only, so that a noun opening a sentence ("Сесія", "Рішення") is not taken.
pub(crate) fn adjective_like(lower: &str) -> bool {
    const ENDINGS: &[&str] = &[
        "ий", "ій", "ый", "ой", "ого", "ому", "ої", "ій", "их", "іх", "ым", "им", "ая", "яя", "ое", "ее", "ую", "юю",
        "ой", "на", "ська", "цька", "зька", "ова", "ева", "ьна", "не", "ське", "цьке", "ове", "ні", "ські", "цькі",
        "ної", "ного", "ному",
    ];
    lower.chars().count() > 3 && ENDINGS.iter().any(|e| lower.ends_with(e))
}

fn complement(lower: &str) -> bool {
    lower.chars().count() > 2 && COMPLEMENT_ENDINGS.iter().any(|e| lower.ends_with(e))
}

/// Lowercase nouns for kinds of organisations (the start of their inflected forms, Ukrainian and Russian)
/// after which a quoted name is that organisation's: `компанії «Діавіта»`, `партии «Единая Россия»`.
const KIND_STEMS: &[&str] = &[
    "компані",
    "компани",
    "фірм",
    "фирм",
    "підприємств",
    "предприяти",
    "корпораці",
    "корпораци",
    "концерн",
    "холдинг",
    "банк",
    "парті",
    "парти",
    "газет",
    "журнал",
    "телеканал",
    "агентств",
    "агенств",
    "видавництв",
    "издательств",
    "фонд",
    "організаці",
    "организаци",
    "об'єднанн",
    "об’єднанн",
    "объединени",
    "асоціаці",
    "ассоциаци",
    "товариств",
    "обществ",
    "завод",
    "комбінат",
    "комбинат",
    "фабрик",
    "клуб",
    "рух",
    "движени",
    "спілк",
    "союз",
    "гурт",
    "групи",
    "группы",
    "кооператив",
    "радіостанці",
    "радиостанци",
    "телекомпані",
    "телекомпани",
    "видання",
    "издани",
    "інтернет-видання",
    "интернет-издани",
    "блок",
    "корпус",
];

fn kind_noun(lower: &str) -> bool {
    // The stem and an ending of at most three letters ("компаніями"; not "банкетом").
    crate::text::stem_with_ending(lower, KIND_STEMS, 3)
}

/// Nouns for works, words, vehicles and places (the start of their forms), after which a quoted name is a
/// title, a phrase, a craft or a place, not an organisation: `фільм «…»`, `гасло «…»`, `шаттл «Дискавери»`,
/// `аэропорт «Домодедово»`.
const WORK_STEMS: &[&str] = &[
    "книг",
    "книжк",
    "фільм",
    "фильм",
    "роман",
    "пісн",
    "песн",
    "вірш",
    "стих",
    "поем",
    "поэм",
    "вистав",
    "спектакл",
    "опер",
    "картин",
    "альбом",
    "кліп",
    "клип",
    "серіал",
    "сериал",
    "назв",
    "назван",
    "гасл",
    "лозунг",
    "слоган",
    "слов",
    "фраз",
    "статт",
    "стать",
    "рубрик",
    "розділ",
    "раздел",
    "закон",
    "указ",
    "постанов",
    "постановлени",
    "операці",
    "операци",
    "проект",
    "проєкт",
    "програм",
    "концепці",
    "концепци",
    "стратегі",
    "стратеги",
    "конкурс",
    "фестивал",
    "виставк",
    "выставк",
    "акці",
    "акци",
    "премі",
    "преми",
    "номінаці",
    "номинаци",
    "категорі",
    "категори",
    "тем",
    "тема",
    "пам'ятник",
    "памятник",
    "корабл",
    "корабел",
    "судн",
    "літак",
    "самолет",
    "ракет",
    "модел",
    "марк",
    "сорт",
    "гр",
    "игр",
    "шаттл",
    "станці",
    "станци",
    "модул",
    "автомобіл",
    "автомобил",
    "машин",
    "супутник",
    "спутник",
    "апарат",
    "аппарат",
    "марш",
    "турнір",
    "турнир",
    "чемпіонат",
    "чемпионат",
    "матч",
    "телескоп",
    "човн",
    "лодк",
    "носител",
    "аеропорт",
    "аэропорт",
    "бізнес-центр",
    "бизнес-центр",
    "промзон",
    "мікрорайон",
    "микрорайон",
    "урочищ",
];

/// A quoted name: after a kind noun (`компанії «Діавіта»`, at most six words), or on its own, at most three
/// words, not after a noun for a work or a word (`«Прозорро»`, `«Жилбудсервіс» уклав`: in Ukrainian and
/// Russian the conventional names of companies, parties, outlets and brands are written in quotation marks,
/// the titles of works too, which the noun before them usually tells). `q` is the opening mark; the name
/// (without its marks) as a token range.
fn quoted_after_kind_noun(s: &str, toks: &[Token], q: usize) -> Option<(usize, usize)> {
    if toks[q].kind != Kind::QuoteMark || !matches!(toks[q].text(s), "«" | "„" | "“" | "\"") {
        return None;
    }
    let before = q.checked_sub(1).map(|p| toks[p]).filter(|n| n.kind == Kind::Word);
    let lower_before = before.map(|n| n.text(s).to_lowercase());
    let after_kind = before.is_some_and(|n| s[n.end..toks[q].start].chars().all(|c| c == ' '))
        && lower_before.as_deref().is_some_and(kind_noun);
    let after_work = lower_before
        .as_deref()
        .is_some_and(|l| crate::text::stem_with_ending(l, WORK_STEMS, 4));
    if !after_kind && after_work {
        return None;
    }
    let most = if after_kind { 6 } else { 3 };
    let first = q + 1;
    let w = toks.get(first)?;
    // (Texts tokenised with spaces around punctuation write "« Житомирщина »".)
    if w.kind != Kind::Word
        || !capitalized(w.text(s))
        || !matches!(&s[toks[q].end..w.start], "" | " ")
        || (!after_kind && crate::lexicon::not_a_name(&w.text(s).to_lowercase()))
    {
        return None;
    }
    // The name runs to the closing mark: at most six words, no sentence inside.
    let mut k = first;
    while k < toks.len() && k <= first + 8 {
        let t = toks[k];
        match t.kind {
            Kind::Break => return None,
            Kind::QuoteMark if matches!(t.text(s), "»" | "“" | "”" | "\"") => {
                let words = toks[first..k].iter().filter(|t| t.kind == Kind::Word).count();
                return (1..=most).contains(&words).then_some((first, k - 1));
            }
            Kind::QuoteMark => return None,
            Kind::Punct if matches!(t.text(s), "." | "!" | "?" | ";" | ":" | ",") => return None,
            _ => {}
        }
        k += 1;
    }
    None
}

/// Token ranges (first, last, inclusive) of organisation names in a Cyrillic text, in order and apart.
pub fn find(s: &str, toks: &[Token]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let adjacent = |a: usize, b: usize| s[toks[a].end..toks[b].start].chars().all(|c| c == ' ');
    let word = |k: usize| toks[k].kind == Kind::Word;
    let mut i = 0;
    while i < toks.len() {
        if let Some((a, b)) = quoted_after_kind_noun(s, toks, i) {
            out.push((a, b));
            i = b + 1;
            continue;
        }
        let w = toks[i].text(s);
        if !word(i) || !is_cyrillic_word(w) || !capitalized(w) {
            i += 1;
            continue;
        }
        if let Some(last) = quoted_after_legal_form(s, toks, i) {
            out.push((i, last));
            i = last + 1;
            continue;
        }
        if let Some(last) = headed_name(s, toks, i, &adjacent, &word) {
            out.push((i, last));
            i = last + 1;
            continue;
        }
        i += 1;
    }
    out
}

/// `ТОВ «Назва»`: the legal form at `i`, a quotation mark, the name, and every closing mark that follows.
fn quoted_after_legal_form(s: &str, toks: &[Token], i: usize) -> Option<usize> {
    if !LEGAL_FORMS.contains(&toks[i].text(s)) {
        return None;
    }
    let open = i + 1;
    if toks.get(open)?.kind != Kind::QuoteMark || s[toks[i].end..toks[open].start].chars().any(|c| c != ' ') {
        return None;
    }
    let opening = |t: &str| matches!(t, "«" | "„" | "“" | "\"");
    let closing = |t: &str| matches!(t, "»" | "“" | "”" | "\"");
    let mut depth = 1;
    let mut k = open + 1;
    let mut words = 0;
    while k < toks.len() && k <= open + 16 {
        let t = toks[k];
        match t.kind {
            Kind::Break => return None,
            Kind::QuoteMark => {
                let m = t.text(s);
                // A straight quote closes when one is open; a « opens a nested name.
                if closing(m) && (m != "\"" || depth > 0) && words > 0 {
                    let mut last = k;
                    depth -= 1;
                    while depth > 0
                        && toks
                            .get(last + 1)
                            .is_some_and(|n| n.kind == Kind::QuoteMark && closing(n.text(s)))
                    {
                        last += 1;
                        depth -= 1;
                    }
                    if depth == 0 || !toks.get(last + 1).is_some_and(|n| n.kind == Kind::Word) {
                        return Some(last);
                    }
                } else if opening(m) {
                    depth += 1;
                }
            }
            Kind::Word | Kind::Number => words += 1,
            Kind::Punct => {
                if matches!(t.text(s), "." | "!" | "?" | ";") && !toks.get(k + 1).is_some_and(|n| n.kind == Kind::Word)
                {
                    return None;
                }
            }
        }
        k += 1;
    }
    None
}

/// Capitalised adjectives, a head noun (capitalised, or lowercase after a capitalised adjective), then a
/// complement of up to two lowercase oblique words and one capitalised word.
fn headed_name(
    s: &str,
    toks: &[Token],
    i: usize,
    adjacent: &dyn Fn(usize, usize) -> bool,
    word: &dyn Fn(usize) -> bool,
) -> Option<usize> {
    let lower = |k: usize| toks[k].text(s).to_lowercase();
    // Up to three adjectives before the head; the first is capitalised, the others may not be
    // ("Вищий господарський суд", "Верховної Ради").
    let mut head = None;
    for (k, t) in toks.iter().enumerate().skip(i).take(4) {
        if !word(k) || (k > i && !adjacent(k - 1, k)) || !is_cyrillic_word(t.text(s)) {
            break;
        }
        let l = t.text(s).to_lowercase();
        if is_head(&l) {
            head = Some(k);
            break;
        }
        if !adjective_like(&l) {
            break;
        }
    }
    let head = head?;
    let mut last = head;
    // The complement: lowercase oblique words, then perhaps one capitalised word.
    // (Two complements may be joined by "і", "та", "и": "Міністерство доходів і зборів", "Министерство
    // экономического развития и торговли".)
    let oblique = |k: usize| {
        k < toks.len()
            && word(k)
            && adjacent(k - 1, k)
            && is_cyrillic_word(toks[k].text(s))
            && !capitalized(toks[k].text(s))
            && complement(&lower(k))
            && !crate::lexicon::not_a_name(&lower(k))
    };
    let mut lowers = 0;
    while lowers < 3 {
        if oblique(last + 1) {
            last += 1;
            lowers += 1;
        } else if lowers > 0
            && last + 2 < toks.len()
            && word(last + 1)
            && adjacent(last, last + 1)
            && matches!(toks[last + 1].text(s), "і" | "та" | "и" | "й")
            && oblique(last + 2)
        {
            last += 2;
            lowers += 1;
        } else {
            break;
        }
    }
    let capital = |k: usize| {
        k < toks.len()
            && word(k)
            && adjacent(k - 1, k)
            && capitalized(toks[k].text(s))
            && is_cyrillic_word(toks[k].text(s))
            && !crate::lexicon::not_a_name(&lower(k))
    };
    if capital(last + 1) {
        last += 1;
        // …and the country it belongs to: "Кабінету Міністрів України", "Адміністрації Президента України".
        if capital(last + 1) && crate::entities::is_country(toks[last + 1].text(s)) {
            last += 1;
        }
    }
    // The territory in a body's official name: "Печерського райсуду м. Києва", "Господарського суду міста
    // Києва", "Апеляційного суду Луганської області".
    let lower_at = |k: usize| toks.get(k).map(|t| t.text(s).to_lowercase());
    let city_word = matches!(lower_at(last + 1).as_deref(), Some("міста" | "города"))
        && capital(last + 2)
        && adjacent(last + 1, last + 2);
    let city_short = matches!(lower_at(last + 1).as_deref(), Some("м" | "г"))
        && toks.get(last + 2).is_some_and(|d| d.text(s) == ".")
        && last + 3 < toks.len()
        && word(last + 3)
        && capitalized(toks[last + 3].text(s))
        && s[toks[last + 2].end..toks[last + 3].start].chars().all(|c| c == ' ');
    let region = capital(last + 1)
        && adjective_like(&lower(last + 1))
        && matches!(
            lower_at(last + 2).as_deref(),
            Some("області" | "области" | "району" | "района")
        );
    // (The capitalised complement may already be the region's adjective: "суд Луганської" + "області".)
    let region_noun = |k: usize| {
        matches!(
            lower_at(k).as_deref(),
            Some("області" | "области" | "району" | "района")
        )
    };
    if city_word {
        last += 2;
    } else if city_short {
        last += 3;
    } else if region {
        last += 2;
    } else if last > head
        && capitalized(toks[last].text(s))
        && adjective_like(&lower(last))
        && region_noun(last + 1)
        && adjacent(last, last + 1)
    {
        last += 1;
    }
    // A head alone at the start of a sentence ("Суд визнав …") is a common noun, not a name: a name has an
    // adjective or a complement.
    if head == i && last == head {
        return None;
    }
    Some(last)
}

#[cfg(test)]
mod tests {
    use super::find;
    use crate::text::tokenize;

    fn names(s: &str) -> Vec<String> {
        let toks = tokenize(s);
        find(s, &toks)
            .into_iter()
            .map(|(a, b)| s[toks[a].start..toks[b].end].to_string())
            .collect()
    }

    #[test]
    fn legal_forms_with_quoted_names() {
        assert_eq!(
            names("Засновником є ТОВ «Сонячна Долина» з Полтави."),
            ["ТОВ «Сонячна Долина»"]
        );
        assert_eq!(names("Контракт отримало ДП «НАЕК «Атом»."), ["ДП «НАЕК «Атом»"]);
        assert_eq!(names("Акции ООО \"Ромашка\" проданы."), ["ООО \"Ромашка\""]);
        assert_eq!(names("ПАТ «А «Б»» та інші"), ["ПАТ «А «Б»»"]);
    }

    #[test]
    fn quoted_names_after_a_kind_of_organisation() {
        assert_eq!(
            names("Раніше власник компанії «Діавіта» Сергій Ледін розказав."),
            ["Діавіта"]
        );
        assert_eq!(
            names("Выступая на съезде партии «Единая Россия», он сказал."),
            ["Единая Россия"]
        );
        assert_eq!(names("Про це пише газета «Вечірній Київ»."), ["Вечірній Київ"]);
        // On its own, a short quoted name; not a title after a noun for a work, not a phrase.
        assert_eq!(names("Тендер виграв «Жилбудсервіс» у травні."), ["Жилбудсервіс"]);
        assert!(names("Він подивився фільм «Тіні забутих предків» учора.").is_empty());
        assert!(names("Він сказав «Ми переможемо» і пішов.").is_empty());
        assert!(names("Компанія «заснована давно».").is_empty());
        assert!(names("Банк «Ми, люди, працюємо тут».").is_empty());
    }

    #[test]
    fn headed_names() {
        assert_eq!(names("Депутати Партії регіонів голосували."), ["Партії регіонів"]);
        assert_eq!(
            names("Рішення ухвалив Антимонопольний комітет України вчора."),
            ["Антимонопольний комітет України"]
        );
        assert_eq!(
            names("Позов розглянув Вищий господарський суд України."),
            ["Вищий господарський суд України"]
        );
        assert_eq!(
            names("Заявление Министерства обороны России прозвучало утром."),
            ["Министерства обороны России"]
        );
        assert_eq!(names("Сесія Верховної Ради триває."), ["Верховної Ради"]);
        assert_eq!(
            names("Про це свідчить рішення Господарського суду міста Києва від 17 грудня."),
            ["Господарського суду міста Києва"]
        );
        assert_eq!(
            names("Справу передали до Окружного суду м. Києва вчора."),
            ["Окружного суду м. Києва"]
        );
        assert_eq!(
            names("Позов розглянув Апеляційний суд Луганської області вчора."),
            ["Апеляційний суд Луганської області"]
        );
    }

    #[test]
    fn common_nouns_and_other_words_are_not_names() {
        assert!(names("Суд визнав його винним.").is_empty());
        assert!(names("Партія ухвалила рішення.").is_empty());
        assert!(names("Київ і Харків.").is_empty());
        assert!(names("ТОВ без назви.").is_empty());
        assert!(names("ТОВ «").is_empty());
        assert!(names("«»«»«").is_empty());
    }
}
