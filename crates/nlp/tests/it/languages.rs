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
