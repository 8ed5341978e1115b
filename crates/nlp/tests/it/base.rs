//! Entities' base forms in the text's language (the JSON's `base`), by the morphological dictionary.

use livebrief_nlp::{default_topics, entity_base, genitive_to_nominative, place_base, read, reading_json};

#[test]
fn base_forms_of_ukrainian_and_russian_names() {
    for (lang, mention, base) in [
        ("uk", "Володимира Зеленського", "Володимир Зеленський"),
        ("uk", "Москві", "Москва"),
        ("uk", "Верховної Ради", "Верховна Рада"),
        ("ru", "Российской Федерации", "Российская Федерация"),
        ("ru", "Дмитрия Пескова", "Дмитрий Песков"),
        ("ru", "Аризоны", "Аризона"),
        ("ru", "МЧС России", "МЧС России"),
        // English and unknown names: as written.
        ("en", "Volodymyr Zelensky's", "Volodymyr Zelensky's"),
        ("ru", "Ху Цзиньтао", "Ху Цзиньтао"),
    ] {
        assert_eq!(entity_base(lang, mention), base, "{lang} {mention}");
    }
}

#[test]
fn places_the_dictionary_lacks_come_back_to_the_gazetteers_nominative() {
    assert_eq!(place_base("ru", "Тусоне"), "Тусон");
    assert_eq!(place_base("ru", "Лахоре"), "Лахор");
    // Known as written, or not at all: as written.
    assert_eq!(place_base("ru", "Тусон"), "Тусон");
    assert_eq!(place_base("ru", "Зыбзыбске"), "Зыбзыбске");
    assert_eq!(place_base("en", "Tucson"), "Tucson");
}

#[test]
fn the_dictionary_comes_before_the_suffix_rules() {
    // The suffix rules alone gave Порошенк, Шевченк, Николая.
    assert_eq!(genitive_to_nominative("Порошенка"), "Порошенко");
    assert_eq!(genitive_to_nominative("Шевченка"), "Шевченко");
    assert_eq!(genitive_to_nominative("Николая"), "Николай");
    assert_eq!(genitive_to_nominative("Пєскова"), "Пєсков");
    assert_eq!(genitive_to_nominative("НАТО"), "НАТО");
    // Letters of neither language: Russian first (not Лаврів, Антін), Ukrainian when Russian lacks it.
    assert_eq!(genitive_to_nominative("Лаврова"), "Лавров");
    assert_eq!(genitive_to_nominative("Антона"), "Антон");
    assert_eq!(genitive_to_nominative("Миколи"), "Микола");
    assert_eq!(genitive_to_nominative("Зеленського"), "Зеленський");
}

#[test]
fn every_entity_of_the_json_has_a_base() {
    let text = "За словами Дмитра Пєскова, переговори в Москві тривали до ранку. Пєсков додав, що Кремль чекає.";
    let r = read(text, jiff::civil::Date::constant(2025, 3, 13), &default_topics());
    let j = reading_json(&r, "2025-03-13", text);
    let ents = j["entities"].as_array().expect("entities");
    assert!(!ents.is_empty());
    for e in ents {
        assert!(e["base"].is_string(), "{e}");
    }
    let bases: Vec<&str> = ents.iter().filter_map(|e| e["base"].as_str()).collect();
    assert!(bases.contains(&"Москва"), "{bases:?}");
}
