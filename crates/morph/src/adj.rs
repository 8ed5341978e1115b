//! Adjectives in names ("Российской Федерации", "Приморского края", "Верховної Ради"): the tables hold nouns
//! only, so an adjective takes the nominative ending of its head noun's gender and number by rules.

use crate::{Gender, Lang, Number};

/// Oblique and nominative adjective endings, longest first.
const RU_ENDS: &[&str] = &[
    "ого", "его", "ому", "ему", "ыми", "ими", "ым", "им", "ой", "ей", "ую", "юю", "ых", "их", "ом", "ем", "ая", "яя",
    "ое", "ее", "ые", "ие", "ый", "ий",
];
const UK_ENDS: &[&str] = &[
    "ього", "ьому", "ього", "ьої", "ого", "ому", "ими", "іми", "ім", "им", "ій", "ої", "єї", "ую", "юю", "их", "іх",
    "ий", "а", "я", "е", "є", "і", "у", "ю",
];

fn ends(lang: Lang) -> &'static [&'static str] {
    match lang {
        Lang::Ru => RU_ENDS,
        Lang::Uk => UK_ENDS,
    }
}

/// Capitalised and ending as an adjective does (at least three letters before the ending).
pub(crate) fn is_adjective(lang: Lang, word: &str) -> bool {
    if !word.chars().next().is_some_and(char::is_uppercase) {
        return false;
    }
    let lower = word.to_lowercase();
    split(lang, &lower).is_some()
}

fn split(lang: Lang, lower: &str) -> Option<(&str, &'static str)> {
    // Ukrainian short endings (-а, -і, -у) are too common in nouns; they count only after a typical
    // adjective suffix (-ськ-, -цьк-, -н-, -ов-, -ев-, -їв-).
    ends(lang).iter().find_map(|e| {
        let stem = lower.strip_suffix(e)?;
        if stem.chars().count() < 3 {
            return None;
        }
        if lang == Lang::Uk && e.chars().count() == 1 {
            let ok = ["ськ", "цьк", "зьк", "н", "ов", "ев", "їв", "ин", "ій"]
                .iter()
                .any(|s| stem.ends_with(s));
            if !ok {
                return None;
            }
        }
        Some((stem, *e))
    })
}

fn velar_or_sibilant(c: char) -> bool {
    matches!(c, 'г' | 'к' | 'х' | 'ж' | 'ш' | 'ч' | 'щ')
}

/// The nominative of an adjective agreeing with a head of `gender` and `number`, cased as written; the word
/// as written when it does not end as an adjective.
pub(crate) fn nominative(lang: Lang, word: &str, gender: Gender, number: Number) -> String {
    let lower = word.to_lowercase();
    let Some((stem, end)) = split(lang, &lower) else {
        return word.to_string();
    };
    let last = stem.chars().last().unwrap_or(' ');
    let new_end = match lang {
        Lang::Ru => {
            let soft = !velar_or_sibilant(last) && matches!(end.chars().next(), Some('е' | 'ю' | 'я'))
                || (!velar_or_sibilant(last) && end.starts_with('и'));
            let hard_i = velar_or_sibilant(last) || soft;
            match (number, gender) {
                (Number::Plural, _) => {
                    if hard_i {
                        "ие"
                    } else {
                        "ые"
                    }
                }
                (_, Gender::Feminine) => {
                    if soft {
                        "яя"
                    } else {
                        "ая"
                    }
                }
                (_, Gender::Neuter) => {
                    if soft {
                        "ее"
                    } else {
                        "ое"
                    }
                }
                _ => {
                    if hard_i {
                        "ий"
                    } else {
                        "ый"
                    }
                }
            }
        }
        Lang::Uk => {
            let soft = end.starts_with('ь')
                || matches!(end, "ім" | "іх" | "іми" | "єї" | "юю" | "я" | "є")
                || (end == "ій" && gender != Gender::Feminine);
            match (number, gender) {
                (Number::Plural, _) => "і",
                (_, Gender::Feminine) => {
                    if soft {
                        "я"
                    } else {
                        "а"
                    }
                }
                (_, Gender::Neuter) => {
                    if soft {
                        "є"
                    } else {
                        "е"
                    }
                }
                _ => {
                    if soft {
                        "ій"
                    } else {
                        "ий"
                    }
                }
            }
        }
    };
    // Soft Ukrainian stems: синього → синій (the ь belongs to the ending, not the stem).
    let mut out: String = word.chars().take(stem.chars().count()).collect();
    let upper = word.chars().count() > 1 && word.chars().all(|c| !c.is_lowercase());
    if upper {
        out.push_str(&new_end.to_uppercase());
    } else {
        out.push_str(new_end);
    }
    out
}
