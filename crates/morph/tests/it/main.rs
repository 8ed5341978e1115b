//! The proper-noun tables and the name base forms, on examples written for these tests.

use livebrief_morph::{Case, Gender, Kind, Lang, Number, base_of_name, base_of_name_as, base_of_name_in, lemmas};

fn has(lang: Lang, word: &str, lemma: &str, kind: Kind, case: Case) -> bool {
    lemmas(lang, word).any(|a| a.lemma == lemma && a.tag.kind == kind && a.tag.case == case)
}

#[test]
fn surnames_keep_both_genders() {
    // Пєскова: the genitive of Пєсков and the nominative of Пєскова.
    assert!(has(Lang::Uk, "Пєскова", "Пєсков", Kind::Surname, Case::Genitive));
    assert!(has(Lang::Uk, "Пєскова", "Пєскова", Kind::Surname, Case::Nominative));
    assert!(lemmas(Lang::Uk, "Пєскова").any(|a| a.tag.gender == Gender::Feminine));
    assert!(has(Lang::Ru, "Пескова", "Песков", Kind::Surname, Case::Genitive));
    assert!(has(
        Lang::Uk,
        "Зеленського",
        "Зеленський",
        Kind::Surname,
        Case::Genitive
    ));
    assert!(has(Lang::Uk, "Захаровій", "Захарова", Kind::Surname, Case::Dative));
}

#[test]
fn first_names_patronymics_places_organisations() {
    assert!(has(
        Lang::Uk,
        "Володимира",
        "Володимир",
        Kind::FirstName,
        Case::Genitive
    ));
    assert!(has(Lang::Ru, "Дмитрия", "Дмитрий", Kind::FirstName, Case::Genitive));
    assert!(has(Lang::Uk, "Дмитра", "Дмитро", Kind::FirstName, Case::Genitive));
    assert!(has(
        Lang::Ru,
        "Сергеевича",
        "Сергеевич",
        Kind::Patronymic,
        Case::Genitive
    ));
    assert!(has(Lang::Ru, "Москве", "Москва", Kind::Place, Case::Locative));
    assert!(has(Lang::Ru, "России", "Россия", Kind::Place, Case::Genitive));
    assert!(has(Lang::Uk, "Москві", "Москва", Kind::Place, Case::Locative));
    assert!(has(Lang::Uk, "Києва", "Київ", Kind::Place, Case::Genitive));
    assert!(has(Lang::Uk, "Харкові", "Харків", Kind::Place, Case::Locative));
    assert!(lemmas(Lang::Ru, "Газпрома").any(|a| a.tag.kind == Kind::Organisation));
}

#[test]
fn case_of_the_word_is_kept() {
    assert!(lemmas(Lang::Ru, "москве").any(|a| a.lemma == "москва"));
    assert!(lemmas(Lang::Ru, "МОСКВЕ").any(|a| a.lemma == "МОСКВА"));
    assert!(lemmas(Lang::Ru, "Королёва").any(|a| a.lemma == "Королёв"));
    assert!(lemmas(Lang::Uk, "Зеленського").all(|a| a.lemma.starts_with('З')));
}

#[test]
fn common_words_are_not_in_the_tables() {
    for (lang, w) in [
        (Lang::Ru, "Так"),
        (Lang::Ru, "Хотя"),
        (Lang::Ru, "Когда"),
        (Lang::Uk, "Коли"),
        (Lang::Uk, "Так"),
        (Lang::Uk, "Проте"),
        (Lang::Ru, "Заявил"),
        (Lang::Uk, "Заявив"),
        (Lang::Uk, "Однак"),
    ] {
        assert_eq!(lemmas(lang, w).count(), 0, "{w}");
    }
    // Head nouns are there, but only as kind Common, never as a name.
    assert!(lemmas(Lang::Ru, "Федерации").all(|a| a.tag.kind == Kind::Common));
}

#[test]
fn multi_word_names() {
    let b = |lang, s: &str| base_of_name(lang, &s.split(' ').collect::<Vec<_>>());
    assert_eq!(b(Lang::Uk, "Володимира Зеленського"), "Володимир Зеленський");
    assert_eq!(b(Lang::Ru, "Дмитрия Пескова"), "Дмитрий Песков");
    assert_eq!(b(Lang::Ru, "Дмитрия Сергеевича Пескова"), "Дмитрий Сергеевич Песков");
    assert_eq!(b(Lang::Uk, "Дмитра Пєскова"), "Дмитро Пєсков");
    assert_eq!(b(Lang::Ru, "Марии Захаровой"), "Мария Захарова");
    assert_eq!(b(Lang::Ru, "Российской Федерации"), "Российская Федерация");
    assert_eq!(b(Lang::Ru, "Приморского края"), "Приморский край");
    assert_eq!(b(Lang::Ru, "Соединенных Штатов"), "Соединенные Штаты");
    assert_eq!(
        b(Lang::Ru, "Министерства обороны России"),
        "Министерство обороны России"
    );
    assert_eq!(b(Lang::Uk, "Верховної Ради"), "Верховна Рада");
    assert_eq!(b(Lang::Uk, "Москві"), "Москва");
    // Equal readings: the one that keeps the word's vowels (Антон, Лавров; not Антін, Лаврів); a reading
    // with no rival keeps its alternation (Харків, Федір).
    assert_eq!(b(Lang::Uk, "Антона Лаврова"), "Антон Лавров");
    assert_eq!(b(Lang::Uk, "Харкова"), "Харків");
    assert_eq!(b(Lang::Uk, "Федора Шевченка"), "Федір Шевченко");
    assert_eq!(b(Lang::Ru, "Аризоны"), "Аризона");
    assert_eq!(b(Lang::Ru, "Алексея Кудрина"), "Алексей Кудрин");
    assert_eq!(
        base_of_name_as(Lang::Ru, &["А.", "Кудрина"], Some(Case::Genitive)).as_deref(),
        Some("А. Кудрин")
    );
    // Unknown: as written.
    assert_eq!(b(Lang::Ru, "Ху Цзиньтао"), "Ху Цзиньтао");
    assert_eq!(b(Lang::Ru, "МЧС России"), "МЧС России");
    assert_eq!(b(Lang::Uk, "НАТО"), "НАТО");
    assert_eq!(b(Lang::Ru, "США"), "США");
}

#[test]
fn ambiguous_surname_follows_the_hint() {
    // Alone, Пєскова is read as written (a woman's surname in the nominative); after "За словами" the
    // caller knows it is a genitive.
    assert_eq!(base_of_name(Lang::Uk, &["Пєскова"]), "Пєскова");
    assert_eq!(
        base_of_name_as(Lang::Uk, &["Пєскова"], Some(Case::Genitive)).as_deref(),
        Some("Пєсков")
    );
    assert_eq!(base_of_name_as(Lang::Ru, &["Цзиньтао"], None), None);
    // In a known case, only readings in that case: Нато is a vocative (of Ната), never a genitive.
    assert_eq!(base_of_name_in(Lang::Uk, &["Нато"], Case::Genitive), None);
    assert_eq!(
        base_of_name_in(Lang::Uk, &["Пєскова"], Case::Genitive).as_deref(),
        Some("Пєсков")
    );
}

#[test]
fn plural_forms_keep_their_number() {
    assert!(lemmas(Lang::Ru, "Штатов").any(|a| a.tag.number == Number::Plural && a.nominative == "Штаты"));
}

#[test]
fn never_panics_on_arbitrary_strings() {
    // A seeded generator over a mixed alphabet: Cyrillic, Latin, digits, marks, apostrophes, emoji, and
    // letters whose lower case is longer than the upper (İ).
    let alphabet: Vec<char> = "абвгґдеєёжзиіїйклмнопрстуфхцчшщьюяыэъАБВЕЁІЇЄҐЯZzİß'’ʼ-‐ .,0😀\u{301}\u{0}"
        .chars()
        .collect();
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for _ in 0..20_000 {
        let len = (next() % 24) as usize;
        let s: String = (0..len)
            .map(|_| alphabet[(next() % alphabet.len() as u64) as usize])
            .collect();
        let words: Vec<&str> = s.split(' ').collect();
        for lang in [Lang::Uk, Lang::Ru] {
            let _ = lemmas(lang, &s).count();
            let _ = base_of_name(lang, &words);
            let _ = base_of_name_as(lang, &words, Some(Case::Genitive));
        }
    }
    let long = "Пєскова".repeat(100);
    assert_eq!(lemmas(Lang::Uk, &long).count(), 0);
}

#[test]
fn tables_are_loaded_and_small() {
    let n = livebrief_morph::load();
    assert!(n > 60_000, "{n} lexemes");
    let bytes = livebrief_morph::heap_bytes();
    assert!(bytes < 16 << 20, "{bytes} bytes");
}
