//! Ukrainian and Russian reports: quotation marks and cue verbs of their own, declined place names.

use livebrief_nlp::{EntityKind, QuoteKind, default_topics, read};

fn run(text: &str) -> livebrief_nlp::Reading {
    read(text, jiff::civil::Date::constant(2025, 3, 13), &default_topics())
}

#[test]
fn ukrainian_report() {
    let r = run(
        "Вибухи пролунали у Києві та Харкові вночі, повідомив мер Віталій Кличко. «Ми відновимо світло до ранку», — сказав Кличко.",
    );
    assert_eq!(r.language, "uk");
    let place = |name: &str| {
        r.entities
            .iter()
            .find(|e| e.kind == EntityKind::Place && e.name == name)
            .unwrap_or_else(|| panic!("no {name}: {:?}", r.entities))
    };
    let kyiv = place("Kyiv");
    assert_eq!(kyiv.mentions[0].0, "Києві");
    let geo = kyiv.place.as_ref().expect("gazetteer entry");
    assert_eq!(
        (geo.country.as_str(), geo.region.as_deref()),
        ("UA", Some("Kyiv (city)"))
    );
    assert!(geo.lat.is_some_and(|l| (l - 50.45).abs() < 0.1));
    assert_eq!(place("Kharkiv").mentions[0].0, "Харкові");
    let direct = r
        .quotes
        .iter()
        .find(|q| q.kind == QuoteKind::Direct)
        .expect("direct quote");
    assert!(direct.text.contains("відновимо світло"));
    assert!(
        direct
            .speaker
            .as_ref()
            .and_then(|s| s.name.as_deref())
            .is_some_and(|n| n.contains("Кличко"))
    );
    assert!(
        r.quotes
            .iter()
            .any(|q| q.kind == QuoteKind::Indirect && q.text.contains("Вибухи"))
    );
}

#[test]
fn russian_report() {
    let r = run("В Москве заявили, что переговоры продолжатся. «Мы готовы к диалогу», — заявил Дмитрий Песков.");
    assert_eq!(r.language, "ru");
    let moscow = r
        .entities
        .iter()
        .find(|e| e.name == "Moscow")
        .expect("Moscow from «Москве»");
    assert_eq!(moscow.place.as_ref().map(|p| p.country.as_str()), Some("RU"));
    let q = r
        .quotes
        .iter()
        .find(|q| q.text.contains("готовы к диалогу"))
        .expect("quote");
    assert_eq!(q.kind, QuoteKind::Direct);
    assert_eq!(
        q.speaker.as_ref().and_then(|s| s.name.as_deref()),
        Some("Дмитрий Песков")
    );
}

#[test]
fn place_spellings_link_to_one_entity() {
    let r = run("Officials in Kyiv said the strike hit a power plant near Kiev, and Kharkiv reported damage too.");
    let kyiv: Vec<_> = r.entities.iter().filter(|e| e.name == "Kyiv").collect();
    assert_eq!(kyiv.len(), 1, "Kyiv and Kiev are one place: {:?}", r.entities);
    assert_eq!(kyiv[0].mentions.len(), 2);
}

fn place_of<'r>(r: &'r livebrief_nlp::Reading, name: &str) -> &'r livebrief_nlp::GeoPlace {
    r.entities
        .iter()
        .find(|e| e.kind == EntityKind::Place && e.name == name)
        .and_then(|e| e.place.as_ref())
        .unwrap_or_else(|| panic!("no place {name}: {:?}", r.entities))
}

#[test]
fn war_map_places_the_town_of_today_and_the_village_of_the_oblast_named() {
    // No country named: Pokrovsk is the town in Donetsk Oblast, not Engels (Pokrovsk until 1931).
    let r = run("Fighting continued near Pokrovsk overnight, the general staff said.");
    let p = place_of(&r, "Pokrovsk");
    assert_eq!(
        (p.geonameid, p.country.as_str(), p.region.as_deref(), p.ambiguous),
        (704422, "UA", Some("Donetsk Oblast"), false)
    );
    // A former name finds the renamed town, named as it is today.
    let r = run("Troops were seen near Krasnoarmiisk on Monday.");
    let p = place_of(&r, "Pokrovsk");
    assert_eq!((p.geonameid, p.ambiguous), (704422, false));
    // In Ukrainian, Красноармійськ is also what two Russian towns are called today: the story's country
    // puts Pokrovsk first.
    let r = run("Російські війська наступають на Красноармійськ на сході України.");
    assert_eq!(place_of(&r, "Pokrovsk").geonameid, 704422);
    // Ten villages are called Pokrovske; the oblast named in the text picks one.
    let r = run("Окупанти обстріляли село Покровське в Луганській області.");
    let p = place_of(&r, "Pokrovske");
    assert_eq!((p.region.as_deref(), p.ambiguous), (Some("Luhansk Oblast"), false));
    // A village of 839 people, declined, with its coordinates.
    let r = run("ЗСУ просунулися у Старомайорському, заявили в Силах оборони.");
    let p = place_of(&r, "Staromaiorske");
    assert!(p.lat.is_some_and(|l| (l - 47.75).abs() < 0.05), "{p:?}");
}

#[test]
fn a_village_named_like_a_common_word_does_not_make_the_word_a_place() {
    // "Велика" opens a sentence and would be the village Велике; «Відродження» opens a quotation and names
    // a farm, not the village of that name.
    let r = run("Велика кількість людей прийшла на мітинг. Позов подало господарство «Відродження» з Одеси.");
    assert!(
        r.entities
            .iter()
            .all(|e| e.kind != EntityKind::Place || e.name == "Odesa"),
        "{:?}",
        r.entities
    );
    assert_eq!(place_of(&r, "Odesa").country, "UA");
}
