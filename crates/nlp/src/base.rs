//! Base forms by the morphological dictionary (`livebrief-morph`): an entity's base form in the text's
//! language (the JSON's `base`), and genitive names back to the nominative before the suffix rules.

use livebrief_morph::{Case, Lang, base_of_name_as, base_of_name_in};

/// The base form of an entity named `mention` in a text in `language` (Пєскова → Пєсков is not assumed:
/// a lone surname is read as written unless the dictionary knows no nominative reading of it): Ukrainian
/// and Russian names by the dictionary, anything else as written.
pub fn entity_base(language: &str, mention: &str) -> String {
    let words: Vec<&str> = mention.split_whitespace().collect();
    match Lang::from_code(language) {
        Some(lang) if !words.is_empty() => base_of_name_as(lang, &words, None).unwrap_or_else(|| words.join(" ")),
        _ => mention.to_string(),
    }
}

/// A name's genitive back to the nominative by the dictionary, in the language its letters say (Russian,
/// then Ukrainian when they say neither); `None` when the dictionary has no genitive reading of it (НАТО is not the vocative of
/// Ната).
pub fn dictionary_genitive(word: &str) -> Option<String> {
    crate::memo::memo(|m| &mut m.genitive, word, || dictionary_genitive_uncached(word))
}

fn dictionary_genitive_uncached(word: &str) -> Option<String> {
    let uk = word.chars().any(|c| "іїєґІЇЄҐ".contains(c));
    let ru = word.chars().any(|c| "ыэъёЫЭЪЁ".contains(c));
    let langs: &[Lang] = match (uk, ru) {
        (true, false) => &[Lang::Uk],
        (false, true) => &[Lang::Ru],
        // Neither: Russian first. A Ukrainian name without і, ї, є or ґ (Дмитра, Миколи, Зеленського) is
        // not in the Russian table and falls through to the Ukrainian one, while a Russian name read in
        // the Ukrainian table can come back with a Ukrainian vowel (Лаврова → Лаврів, Антона → Антін).
        _ => &[Lang::Ru, Lang::Uk],
    };
    langs.iter().find_map(|&l| base_of_name_in(l, &[word], Case::Genitive))
}

/// A one-word place in a Ukrainian or Russian text back to the nominative under which the gazetteer knows it,
/// where the dictionary has no reading ("Тусоне" → "Тусон", "Лахоре" → "Лахор"); as written otherwise.
pub fn place_base(language: &str, mention: &str) -> String {
    let words: Vec<&str> = mention.split_whitespace().collect();
    let Some(lang) = Lang::from_code(language) else {
        return mention.to_string();
    };
    if let Some(b) = base_of_name_as(lang, &words, None) {
        return b;
    }
    let lower = mention.to_lowercase();
    match livebrief_geo::Gazetteer::embedded().nominative_key(mention) {
        // The key is the lowercase stem and a new ending: the mention's own letters for the stem keep its capitals.
        Some(key) if words.len() == 1 && livebrief_geo::normalize(mention) == lower => {
            let stem = key.chars().zip(lower.chars()).take_while(|(a, b)| a == b).count();
            mention.chars().take(stem).chain(key.chars().skip(stem)).collect()
        }
        _ => words.join(" "),
    }
}

/// An entity's base form from its mentions: the base most of them share, the earliest on a tie (an entity
/// whose first mention swallowed a word, "СМИ Беларуси", is still "Беларусь" when its other mentions say
/// so); the entity's name when it has no mention. A place's one-word mentions the dictionary does not know
/// come back to the gazetteer's nominative ([`place_base`]).
pub fn entity_base_of<S>(language: &str, mentions: &[(String, S)], name: &str, place: bool) -> String {
    let mut bases: Vec<(String, usize)> = Vec::new();
    for (text, _) in mentions {
        let b = if place {
            place_base(language, text)
        } else {
            entity_base(language, text)
        };
        match bases.iter_mut().find(|(x, _)| *x == b) {
            Some((_, n)) => *n += 1,
            None => bases.push((b, 1)),
        }
    }
    // max_by_key keeps the last of equals: search in reverse so that the earliest wins a tie.
    bases
        .into_iter()
        .rev()
        .max_by_key(|(_, n)| *n)
        .map_or_else(|| name.to_string(), |(b, _)| b)
}
