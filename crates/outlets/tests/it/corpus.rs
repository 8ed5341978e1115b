//! The ground truth is consistent: every article reports one event, events have one to four outlets, and the
//! hard cases are what they claim to be.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use livebrief_outlets::{Corpus, FeedKind, HardCase};

/// Jaccard similarity of the word 3-shingles of two texts.
fn similarity(a: &str, b: &str) -> f64 {
    let shingles = |s: &str| -> HashSet<String> {
        let words: Vec<String> = s
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect();
        words.windows(3).map(|w| w.join(" ")).collect()
    };
    let (a, b) = (shingles(a), shingles(b));
    a.intersection(&b).count() as f64 / a.union(&b).count().max(1) as f64
}

#[test]
fn every_article_reports_one_known_event_and_events_have_one_to_four_outlets() {
    let c = Corpus::standard();
    assert_eq!(c.outlets.len(), 4);
    let kinds: BTreeSet<_> = c.outlets.iter().map(|o| format!("{:?}", o.kind)).collect();
    assert_eq!(kinds.len(), 4, "each outlet publishes its own way");
    assert_eq!(c.events.len(), 10);
    assert_eq!(c.articles.len(), 22);
    let mut ids = HashSet::new();
    let mut outlets_per_event: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for a in &c.articles {
        assert!(ids.insert(a.id()), "{} is unique", a.id());
        assert!(c.event(&a.event).is_some(), "{} reports a known event", a.id());
        assert!(c.outlet(&a.outlet).is_some(), "{} has a known outlet", a.id());
        assert!((3..=6).contains(&a.paragraphs.len()), "{}: 3-6 paragraphs", a.id());
        assert!(a.lead().len() > 80, "{}: a real lead", a.id());
        outlets_per_event.entry(&a.event).or_default().insert(&a.outlet);
    }
    for e in &c.events {
        let n = outlets_per_event.get(e.id.as_str()).map_or(0, BTreeSet::len);
        assert!((1..=4).contains(&n), "{}: {n} outlets", e.id);
        let articles: Vec<_> = c.articles_of(&e.id).collect();
        for speaker in &e.speakers {
            let surname = speaker.rsplit(' ').next().unwrap_or(speaker);
            assert!(
                articles
                    .iter()
                    .any(|a| a.text().contains(surname) || a.text().contains("Федоров")),
                "{}: {speaker} is named in its reports",
                e.id
            );
        }
    }
    assert!(
        outlets_per_event.values().any(|o| o.len() == 4),
        "one event has four outlets"
    );
    assert!(
        outlets_per_event.values().any(|o| o.len() == 1),
        "one event has a single outlet"
    );
    assert!(
        c.articles.windows(2).all(|w| w[0].published <= w[1].published),
        "publication order"
    );
    for o in &c.outlets {
        assert!(c.articles.iter().any(|a| a.outlet == o.id), "{} publishes", o.id);
    }
    assert!(c.outlets.iter().any(|o| o.kind == FeedKind::Page && o.id == "regional"));
}

#[test]
fn the_hard_cases_exist_and_are_what_they_claim() {
    let c = Corpus::standard();
    let mut seen = BTreeSet::new();
    for case in &c.hard_cases {
        match case {
            HardCase::Reworded { event, articles } => {
                seen.insert("reworded");
                assert_eq!(articles.len(), 3);
                let arts: Vec<_> = articles.iter().map(|id| c.article(id).expect("article")).collect();
                let outlets: BTreeSet<_> = arts.iter().map(|a| &a.outlet).collect();
                assert_eq!(outlets.len(), 3, "three outlets");
                for a in &arts {
                    assert_eq!(&a.event, event);
                    assert!(a.text().contains("Peskov"));
                }
                for i in 0..3 {
                    for j in i + 1..3 {
                        let s = similarity(&arts[i].text(), &arts[j].text());
                        assert!(
                            s < 0.3,
                            "{} and {} are different wordings ({s:.2})",
                            arts[i].id(),
                            arts[j].id()
                        );
                    }
                }
            }
            HardCase::NearDuplicate { original, copy } => {
                seen.insert("near_duplicate");
                let (a, b) = (c.article(original).expect("original"), c.article(copy).expect("copy"));
                assert_eq!(a.event, b.event);
                assert_ne!(a.outlet, b.outlet);
                assert_ne!(a.text(), b.text(), "not an exact copy");
                assert_ne!(a.title, b.title);
                let s = similarity(&a.text(), &b.text());
                assert!(s > 0.8, "near-verbatim ({s:.2})");
                assert!(a.published < b.published, "the copy comes later");
            }
            HardCase::SameCityTwoStrikes { city, events } => {
                seen.insert("same_city");
                assert_ne!(events[0], events[1]);
                for e in events {
                    let e = c.event(e).expect("event");
                    assert!(e.places.contains(city));
                    assert!(c.articles_of(&e.id).count() >= 2);
                }
                let morning: Vec<_> = c.articles_of(&events[0]).collect();
                let evening: Vec<_> = c.articles_of(&events[1]).collect();
                assert!(
                    morning
                        .iter()
                        .all(|m| evening.iter().all(|e| m.published < e.published))
                );
                assert!(
                    evening.iter().any(|e| e.text().contains("Saltivskyi")),
                    "the evening reports recall the night"
                );
            }
            HardCase::SameSpeakerTwoSubjects { speaker, events } => {
                seen.insert("same_speaker");
                let (a, b) = (c.event(&events[0]).expect("event"), c.event(&events[1]).expect("event"));
                assert!(a.speakers.contains(speaker) && b.speakers.contains(speaker));
                assert_eq!(a.date, b.date, "the same day");
                assert_ne!(a.id, b.id);
            }
            HardCase::OtherLanguage { article, language } => {
                seen.insert("other_language");
                let a = c.article(article).expect("article");
                assert_eq!(&a.language, language);
                assert!(a.text().contains('«') && a.text().contains('»'), "«…» quotes");
                assert!(
                    c.articles_of(&a.event).any(|o| o.language == "en"),
                    "its event has an English report too"
                );
            }
        }
    }
    assert_eq!(seen.len(), 5, "{seen:?}");
}

#[test]
fn the_corpus_can_be_laid_on_another_day() {
    let day = jiff::civil::date(2026, 2, 3);
    let c = Corpus::on(day);
    let a = c
        .article("wire/kremlin-says-it-is-studying-us-truce-proposal")
        .expect("article");
    assert!(a.lead().ends_with("said on Tuesday."), "{}", a.lead());
    assert_eq!(a.published.to_string(), "2026-02-03T09:10:00Z");
    assert!(c.events.iter().all(|e| e.date == day));
}
