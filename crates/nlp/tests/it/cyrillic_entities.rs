//! Ukrainian and Russian runs of capitalised words read for what they are (entities::cyrillic_run and the
//! organisation builds of orgs.rs), on synthetic sentences written for the project.

use livebrief_nlp::{EntityKind, default_topics, read};

/// (kind, mention as written) of every entity mention, in text order.
fn mentions(text: &str) -> Vec<(EntityKind, String)> {
    let r = read(text, jiff::civil::Date::constant(2025, 3, 13), &default_topics());
    let chars: Vec<char> = text.chars().collect();
    let mut out: Vec<(usize, EntityKind, String)> = r
        .entities
        .iter()
        .flat_map(|e| {
            e.mentions
                .iter()
                .map(|m| (m.1.0, e.kind, chars[m.1.0..m.1.1].iter().collect::<String>()))
                .collect::<Vec<_>>()
        })
        .collect();
    out.sort_by_key(|m| m.0);
    out.into_iter().map(|(_, k, t)| (k, t)).collect()
}

fn has(text: &str, kind: EntityKind, mention: &str) -> bool {
    mentions(text).iter().any(|(k, m)| *k == kind && m == mention)
}

#[test]
fn a_country_or_city_before_a_name_is_a_place_of_its_own() {
    let t = "При подписании соглашения министр торговли Китая Чэнь Дэмин заявил о новых планах.";
    assert!(has(t, EntityKind::Place, "Китая"), "{:?}", mentions(t));
    assert!(has(t, EntityKind::Person, "Чэнь Дэмин"), "{:?}", mentions(t));
    let t = "Демонстранты требовали отставки мэра Москвы Юрия Лужкова и новых выборов.";
    assert!(has(t, EntityKind::Place, "Москвы"), "{:?}", mentions(t));
    assert!(has(t, EntityKind::Person, "Юрия Лужкова"), "{:?}", mentions(t));
    let t = "Сьогодні президент України Володимир Зеленський прибув до Варшави.";
    assert!(has(t, EntityKind::Place, "України"), "{:?}", mentions(t));
    assert!(has(t, EntityKind::Person, "Володимир Зеленський"), "{:?}", mentions(t));
    // A person whose first name is also a town stays one person.
    let t = "Вчора Марина Ковальчук виступила на конференції у Львові.";
    assert!(has(t, EntityKind::Person, "Марина Ковальчук"), "{:?}", mentions(t));
}

#[test]
fn places_named_by_an_adjective_of_the_compass_or_of_size() {
    for (t, place) in [
        ("Нефть идёт по трубам из Восточной Сибири в Китай.", "Восточной Сибири"),
        ("Делегація прибула з Південної Кореї у вівторок.", "Південної Кореї"),
        (
            "Громадянина затримали в Об'єднаних Арабських Еміратах минулого тижня.",
            "Об'єднаних Арабських Еміратах",
        ),
        ("Выборы в Новой Зеландии прошли спокойно.", "Новой Зеландии"),
    ] {
        assert!(has(t, EntityKind::Place, place), "{t}: {:?}", mentions(t));
    }
}

#[test]
fn a_sentence_opening_noun_is_not_part_of_the_name_after_it() {
    let t = "Переговоры шли всю ночь. Делегация Белоруссии прибыла в Москву утром.";
    let m = mentions(t);
    assert!(has(t, EntityKind::Place, "Белоруссии"), "{m:?}");
    assert!(!m.iter().any(|(_, x)| x.contains("Делегация")), "{m:?}");
    let t = "Рынок растёт. Инвестиции Европы в регион удвоились.";
    assert!(has(t, EntityKind::Place, "Европы"), "{:?}", mentions(t));
}

#[test]
fn names_that_end_with_a_country_and_runs_of_abbreviations_are_organisations() {
    let t = "На його захист виступила Нацгвардія, а командування Нацгвардії України надіслало лист до суду.";
    assert!(
        has(t, EntityKind::Organization, "Нацгвардії України"),
        "{:?}",
        mentions(t)
    );
    let t = "Керівник ГУ НГУ відмовився від коментарів.";
    assert!(has(t, EntityKind::Organization, "ГУ НГУ"), "{:?}", mentions(t));
    // …and the country alone later is still the place, not a surname of that organisation.
    let t = "Лист підписало командування Нацгвардії України. Про це повідомили в столиці України.";
    let m = mentions(t);
    assert_eq!(m.last(), Some(&(EntityKind::Place, "України".to_string())), "{m:?}");
}

#[test]
fn quoted_names_after_a_kind_of_organisation() {
    let t = "Раніше власник компанії «Діавіта» Сергій Ледін розказав про борги.";
    assert!(has(t, EntityKind::Organization, "Діавіта"), "{:?}", mentions(t));
    assert!(has(t, EntityKind::Person, "Сергій Ледін"), "{:?}", mentions(t));
    let t = "Выступая на съезде партии «Единая Россия», премьер говорил о бюджете.";
    assert!(has(t, EntityKind::Organization, "Единая Россия"), "{:?}", mentions(t));
}

#[test]
fn places_in_cases_the_gazetteer_endings_miss() {
    for (t, mention, name) in [
        ("Біженці з Криму приїхали до Києва.", "Криму", "Crimea"),
        ("Доля правительства Китая в банке выросла.", "Китая", "China"),
        ("Товары из Белоруссии подорожали.", "Белоруссии", "Belarus"),
    ] {
        let r = read(t, jiff::civil::Date::constant(2025, 3, 13), &default_topics());
        assert!(
            r.entities
                .iter()
                .any(|e| e.kind == EntityKind::Place && e.name == name && !e.mentions.is_empty()),
            "{t}: {mention} should be {name}: {:?}",
            r.entities
        );
    }
}

#[test]
fn a_body_and_its_country_clipped_compounds_and_capitalised_heads() {
    for (t, org) in [
        ("Справу розслідує СБ України разом із прокуратурою.", "СБ України"),
        ("Пожежу гасили рятувальники ДСНС України до ранку.", "ДСНС України"),
        ("Ввоз овощей запретил Минсельхоз РФ, это известно.", "Минсельхоз РФ"),
        ("Про це повідомили в Укрзалізниці у вівторок.", "Укрзалізниці"),
        ("Постанову Кабміну оскаржили в суді.", "Кабміну"),
        ("Рішення ухвалила Київрада на сесії.", "Київрада"),
        ("Контракт підписало Харківобленерго минулого тижня.", "Харківобленерго"),
        ("Законопроект внесли до Госдумы в среду.", "Госдумы"),
        (
            "Нову угоду уклало Міністерство доходів і зборів України з банком.",
            "Міністерство доходів і зборів України",
        ),
        (
            "Лист надіслали до Кабінету Міністрів України вчора.",
            "Кабінету Міністрів України",
        ),
        (
            "Про це пише редакція газети « Житомирщина » у своєму числі.",
            "Житомирщина",
        ),
    ] {
        assert!(has(t, EntityKind::Organization, org), "{t}: {:?}", mentions(t));
    }
    // Words of Україна and common words at the start of a sentence are not clipped compounds.
    for t in [
        "Держава має платити вчасно.",
        "Минуло три роки.",
        "Українізація йде повільно.",
    ] {
        assert!(
            !mentions(t).iter().any(|(k, _)| *k == EntityKind::Organization),
            "{t}: {:?}",
            mentions(t)
        );
    }
}

#[test]
fn a_first_name_is_a_person_before_a_village_of_that_name() {
    let t = "Вчора до редакції прийшов Роман і розповів про борги.";
    assert!(has(t, EntityKind::Person, "Роман"), "{:?}", mentions(t));
    // A capital of that name is still the place.
    let t = "Делегація прибула до Києва з Варшави.";
    assert!(has(t, EntityKind::Place, "Варшави"), "{:?}", mentions(t));
}

#[test]
fn street_addresses_regions_and_places_the_dictionary_knows() {
    // (The Russian dictionary tags places; the Ukrainian compilation has no place tag.)
    for (t, place) in [
        (
            "Офіс розташований у Рівному на вул. Київська, 94 поруч із ринком.",
            "вул. Київська, 94",
        ),
        (
            "Перекрили рух на вулиці Професора Підвисоцького до вечора.",
            "вулиці Професора Підвисоцького",
        ),
        (
            "Магазин відкрили на вул. М. Арнаутської в центрі.",
            "вул. М. Арнаутської",
        ),
        (
            "Директор живе в селі Вишневе Київської області з родиною.",
            "Київської області",
        ),
        (
            "Ремонт дороги у смт Муровані Курилівці (Вінницька обл.) коштував мільйон.",
            "Вінницька обл",
        ),
        ("Новости Приморья пишут, что тайфун уже близко.", "Приморья"),
        (
            "Ми гуляли, і згадувався Стрийський парк з його павільйоном.",
            "Стрийський парк",
        ),
        ("Нефть добывают в Поволжье и на Кубани, это известно.", "Кубани"),
    ] {
        assert!(has(t, EntityKind::Place, place), "{t}: {:?}", mentions(t));
    }
    // An adjective alone in an oblique case is not a place; nor a common word opening a sentence.
    for (t, word) in [
        (
            "Він хотів вплинути на рішення керівником Луганського тервідділення.",
            "Луганського",
        ),
        ("Думка не полетіла далі, бо він заснув.", "Думка"),
    ] {
        assert!(!has(t, EntityKind::Place, word), "{t}: {:?}", mentions(t));
    }
}

#[test]
fn a_town_opening_a_sentence_is_a_place_when_the_text_names_it_inside_a_sentence_too() {
    let t = "Покровськ знову під обстрілом. Евакуація з Покровська триває третій день.";
    let m = mentions(t);
    assert_eq!(m.iter().filter(|(k, _)| *k == EntityKind::Place).count(), 2, "{m:?}");
}

#[test]
fn initials_before_and_after_a_surname() {
    let t = "Відкриття зробив О . М . Бутлеров у Казані, а потім А. Купер. Рішення підписав Янукович В. Ф. у квітні.";
    for name in ["О . М . Бутлеров", "А. Купер", "Янукович В. Ф."] {
        assert!(has(t, EntityKind::Person, name), "{name}: {:?}", mentions(t));
    }
    // One capital and a full stop after a word ends a sentence; it is no initial.
    let t = "На дошці написали літеру А. Потім прийшов учитель.";
    assert!(
        !mentions(t).iter().any(|(_, m)| m.contains("А.") || m.contains("Потім")),
        "{:?}",
        mentions(t)
    );
}

#[test]
fn an_organisations_one_word_name_then_a_persons() {
    let t = "Об этом заявил глава Роскосмоса Анатолий Перминов, сообщает агентство.";
    assert!(has(t, EntityKind::Organization, "Роскосмоса"), "{:?}", mentions(t));
    assert!(has(t, EntityKind::Person, "Анатолий Перминов"), "{:?}", mentions(t));
    let t = "Позицию Токио изложил глава МИДа Сэйдзи Маэхара, это известно.";
    assert!(has(t, EntityKind::Organization, "МИДа"), "{:?}", mentions(t));
    assert!(has(t, EntityKind::Person, "Сэйдзи Маэхара"), "{:?}", mentions(t));
}

#[test]
fn initials_that_look_like_function_words_and_surnames_that_open_sentences() {
    let t = "Словник уклали Л . В . Орлова та Т . І . Недозим разом.";
    assert!(has(t, EntityKind::Person, "Т . І . Недозим"), "{:?}", mentions(t));
    // "Музика" is also a surname in the dictionary; opening a sentence, and named nowhere else, it is a word.
    let t = "Музика стихла, і гості пішли додому.";
    assert!(
        !mentions(t).iter().any(|(k, _)| *k == EntityKind::Person),
        "{:?}",
        mentions(t)
    );
}
