//! The seed article (../shared/seed, read in place): all 7 reference quotes with speaker, kind and date;
//! the entities and dates of its README; nothing from the promo paragraph.

use livebrief_nlp::{DateValue, EntityKind, QuoteKind, default_topics, read};

#[test]
fn seed_article_reading_is_complete() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/seed/rferl-live-briefing-2025-03-13.txt"
    );
    let Ok(text) = std::fs::read_to_string(path) else {
        assert!(std::env::var_os("CI").is_none(), "CI must have ../shared/seed");
        eprintln!("skipping: {path} not found (outside CI)");
        return;
    };
    let d = |m, day| jiff::civil::Date::constant(2025, m, day);
    let r = read(&text, d(3, 13), &default_topics());
    let expect: [(&str, &str, QuoteKind, Option<jiff::civil::Date>); 7] = [
        ("time to recover", "Yury Ushakov", QuoteKind::Indirect, Some(d(3, 13))),
        ("temporary respite", "Yury Ushakov", QuoteKind::Direct, Some(d(3, 13))),
        ("Mike Waltz", "Yury Ushakov", QuoteKind::Indirect, Some(d(3, 13))),
        (
            "imitate peaceful actions",
            "Yury Ushakov",
            QuoteKind::Direct,
            Some(d(3, 13)),
        ),
        ("as we speak", "Donald Trump", QuoteKind::Mixed, Some(d(3, 12))),
        ("on its way", "Dmitry Peskov", QuoteKind::Indirect, Some(d(3, 13))),
        ("no way out but cease-fire", "Donald Trump", QuoteKind::Mixed, None),
    ];
    for (phrase, who, kind, date) in expect {
        let q = r
            .quotes
            .iter()
            .find(|q| q.text.contains(phrase))
            .unwrap_or_else(|| panic!("no quote with “{phrase}”"));
        assert_eq!(
            q.speaker.as_ref().and_then(|s| s.name.as_deref()),
            Some(who),
            "speaker of “{phrase}”"
        );
        assert_eq!(q.kind, kind, "kind of “{phrase}”");
        assert_eq!(q.date, date, "date of “{phrase}”");
        // Spans are code points into the text and cover the phrase.
        let covered: String = q
            .spans
            .iter()
            .map(|&(a, b)| text.chars().skip(a).take(b - a).collect::<String>())
            .collect::<Vec<_>>()
            .join(" ");
        assert!(covered.contains(phrase), "spans of “{phrase}” cover {covered:?}");
    }
    assert!(
        r.quotes.iter().all(|q| !q.text.contains("Live Briefing gives you")),
        "the promo is not a quote"
    );
    assert!(
        !r.quotes
            .iter()
            .any(|q| q.text.contains("has rejected any temporary cease-fire")),
        "the opening is reported action"
    );

    let entity = |name: &str| {
        r.entities.iter().find(|e| e.name == name).unwrap_or_else(|| {
            panic!(
                "no entity {name}: {:?}",
                r.entities.iter().map(|e| &e.name).collect::<Vec<_>>()
            )
        })
    };
    for (name, kind) in [
        ("Vladimir Putin", EntityKind::Person),
        ("Yury Ushakov", EntityKind::Person),
        ("Donald Trump", EntityKind::Person),
        ("Mike Waltz", EntityKind::Person),
        ("Micheal Martin", EntityKind::Person),
        ("Dmitry Peskov", EntityKind::Person),
        ("Steve Witkoff", EntityKind::Person),
        ("Kremlin", EntityKind::Organization),
        ("White House", EntityKind::Organization),
        ("RFE/RL", EntityKind::Organization),
        ("Russia", EntityKind::Place),
        ("Ukraine", EntityKind::Place),
        ("United States", EntityKind::Place),
        ("Moscow", EntityKind::Place),
        ("Kyiv", EntityKind::Place),
    ] {
        assert_eq!(entity(name).kind, kind, "{name}");
    }
    let forms = |name: &str| entity(name).mentions.iter().map(|(t, _)| t.clone()).collect::<Vec<_>>();
    assert!(forms("Yury Ushakov").contains(&"Ushakov".to_string()));
    assert!(forms("Donald Trump").iter().any(|f| f == "Trump"));
    assert!(
        forms("Donald Trump").iter().any(|f| f.contains("US President")),
        "“The US President” links to Trump: {:?}",
        forms("Donald Trump")
    );
    assert!(forms("United States").iter().any(|f| f == "U.S.") && forms("United States").iter().any(|f| f == "US"));
    assert!(
        entity("Yury Ushakov")
            .descriptions
            .iter()
            .any(|d| d.contains("Kremlin aide"))
    );
    assert!(
        entity("Micheal Martin")
            .descriptions
            .iter()
            .any(|d| d.contains("Irish Prime Minister"))
    );
    assert!(
        entity("Dmitry Peskov")
            .descriptions
            .iter()
            .any(|d| d.contains("Kremlin spokesman"))
    );

    let date_of = |t: &str| r.dates.iter().find(|m| m.text == t).map(|m| m.value.clone());
    assert_eq!(date_of("March 13"), Some(DateValue::Day(d(3, 13))));
    assert_eq!(date_of("March 12"), Some(DateValue::Day(d(3, 12))));
    assert_eq!(date_of("a day earlier"), Some(DateValue::Day(d(3, 12))));
    assert_eq!(date_of("hours before"), Some(DateValue::Vague));
    assert!(
        !r.dates.iter().any(|m| m.text.contains("30-day")),
        "a duration is not a date"
    );

    assert_eq!(r.topics.first().map(|t| t.slug.as_str()), Some("diplomacy"));
    assert!(r.topics.iter().any(|t| t.slug == "sanctions"));
    assert_eq!(r.language, "en");
}
