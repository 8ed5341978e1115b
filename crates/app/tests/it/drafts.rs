//! Drafts are extractive: every claim traces to a report span, the rest is attribution and dates.

use std::collections::BTreeMap;

use livebrief_app::draft::{citations, summarize, verify};
use livebrief_app::{ReportBody, ReportInput, understand};
use livebrief_model::{BriefingId, Date, Report, ReportId, Timestamp};

fn report(id: i64, source: &str, url: Option<&str>, title: &str, published: Date, text: &str) -> Report {
    let u = understand(
        ReportInput {
            url: url.map(str::to_string),
            title: title.into(),
            source: source.into(),
            published: Some(published),
            body: ReportBody::Text(text.into()),
        },
        published,
        &livebrief_nlp::default_topics(),
    );
    let at = Timestamp::from_second(1_741_860_000 + id * 60).expect("valid");
    Report {
        id: ReportId(id),
        briefing_id: BriefingId(1),
        url: url.map(str::to_string),
        title: u.title,
        source: u.source,
        published: u.published,
        text: u.text,
        language: u.language,
        reading: u.reading,
        received_at: at,
        updated_at: at,
        submitted_by: None,
        changed_by: None,
    }
}

fn shared(path: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared")
        .join(path)
}

#[test]
fn the_seed_article_drafts_an_attributed_dated_development() {
    let text = std::fs::read_to_string(shared("seed/rferl-live-briefing-2025-03-13.txt")).expect("the seed article");
    let r = report(1, "RFE/RL", None, "", Date::constant(2025, 3, 13), &text);
    let s = summarize(&[&r]).expect("a summary");
    let d = &s.draft;
    verify(d, &[&r]).unwrap_or_else(|e| panic!("{e}\n{d:#?}"));
    assert!(
        d.body.starts_with("Kremlin aide Yury Ushakov said on March 13 that "),
        "{}",
        d.body
    );
    assert!(
        d.body.contains("temporary respite"),
        "the direct quote follows: {}",
        d.body
    );
    assert_eq!(d.happened_on, Some(Date::constant(2025, 3, 13)));
    assert!(
        d.headline
            .starts_with("A senior aide to President Vladimir Putin has rejected"),
        "without a title the lead sentence, cut short, heads it: {}",
        d.headline
    );
    assert!(d.headline.chars().count() < 160, "{}", d.headline);
    assert_eq!((s.report_count, s.outlet_count), (1, 1));
    assert!(
        s.facets.speakers.contains(&"Yury Ushakov".to_string()),
        "{:?}",
        s.facets
    );
    assert!(s.facets.places.iter().any(|p| p == "Kyiv"), "{:?}", s.facets);
    assert_eq!(
        s.facets.topics.first().map(String::as_str),
        Some("Diplomacy and cease-fire talks")
    );
}

/// Three outlets, three wordings of one statement (synthetic text written for this test).
#[test]
fn three_outlets_make_one_draft_with_three_sources() {
    let day = Date::constant(2025, 3, 14);
    let a = report(
        1,
        "Wire One",
        Some("https://one.example/talks"),
        "Kremlin says talks with US envoy 'useful' - Wire One",
        day,
        "Kremlin spokesman Dmitry Peskov said on Friday that the talks with the US envoy in Moscow had been useful. \
         The envoy left Moscow in the evening. “The conversation was useful and frank,” Peskov told reporters.",
    );
    let b = report(
        2,
        "Second Daily",
        Some("https://second.example/peskov"),
        "Peskov: talks with envoy were useful",
        day,
        "The talks with the American envoy were useful, Kremlin spokesman Dmitry Peskov told journalists on \
         Friday. He did not give details.",
    );
    let c = report(
        3,
        "Third Post",
        Some("https://third.example/3"),
        "Moscow calls envoy meeting useful",
        day,
        "Moscow described Friday's meeting with a US envoy as useful. According to Kremlin spokesman Dmitry \
         Peskov, the sides agreed to keep talking.",
    );
    let s = summarize(&[&c, &a, &b]).expect("summary");
    verify(&s.draft, &[&a, &b, &c]).unwrap_or_else(|e| panic!("{e}\n{:#?}", s.draft));
    assert_eq!((s.report_count, s.outlet_count), (3, 3));
    assert!(
        s.draft.body.contains("Dmitry Peskov said on March 14"),
        "the statement three outlets carry leads, dated: {}",
        s.draft.body
    );
    assert_eq!(
        s.draft.headline, "Kremlin says talks with US envoy 'useful'",
        "the outlet's name is cut off"
    );
    let cites = citations(&[&c, &a, &b]);
    assert_eq!(cites.len(), 3);
    assert_eq!(s.earliest_published, day);
}

#[test]
fn a_report_without_quotes_is_drafted_from_its_lead_and_other_languages_keep_their_own() {
    let r = report(
        7,
        "Regional News",
        Some("https://regional.example/strike"),
        "",
        Date::constant(2025, 3, 13),
        "03/13/25 08:00 AM\nA drone strike damaged a substation in the city overnight, cutting power to several \
         districts. Repair crews worked through the morning.",
    );
    let s = summarize(&[&r]).expect("summary");
    verify(&s.draft, &[&r]).unwrap_or_else(|e| panic!("{e}\n{:#?}", s.draft));
    assert!(
        s.draft.body.starts_with("A drone strike damaged a substation"),
        "{}",
        s.draft.body
    );

    let uk = report(
        8,
        "Українська служба",
        Some("https://uk.example/1"),
        "Пєсков про переговори",
        Date::constant(2025, 3, 13),
        "«Розмова була корисною і відвертою», — заявив речник Кремля Дмитро Пєсков у четвер. Деталей він не навів.",
    );
    let s = summarize(&[&uk]).expect("summary");
    verify(&s.draft, &[&uk]).unwrap_or_else(|e| panic!("{e}\n{:#?}", s.draft));
    assert!(
        !s.draft.body.contains("said"),
        "no English scaffold around Ukrainian words: {}",
        s.draft.body
    );
}

/// Every draft of every event in the grouping set (772 real news reports of 66 events; ECB+, CC BY 3.0)
/// traces each claim to a report span.
#[test]
fn every_draft_of_a_real_set_traces_to_its_reports() {
    let path = shared("data/grouping/ecbplus-dev.jsonl");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut groups: BTreeMap<String, Vec<Report>> = BTreeMap::new();
    for (i, line) in text.lines().enumerate() {
        let v: serde_json::Value = serde_json::from_str(line).expect("json line");
        let s = |k: &str| v.get(k).and_then(|x| x.as_str()).unwrap_or_default().to_string();
        let published = s("published").parse().unwrap_or(Date::constant(2010, 1, 1));
        let body = format!("{}\n{}", s("title"), s("text"));
        let r = report(i as i64 + 1, &s("source"), None, "", published, &body);
        groups.entry(s("cluster")).or_default().push(r);
    }
    let mut with_quote = 0;
    for (cluster, reports) in &groups {
        let refs: Vec<&Report> = reports.iter().collect();
        let s = summarize(&refs).expect("summary");
        verify(&s.draft, &refs).unwrap_or_else(|e| panic!("{cluster}: {e}\n{:#?}", s.draft));
        assert!(
            !s.draft.headline.is_empty() && !s.draft.body.is_empty(),
            "{cluster}: {:#?}",
            s.draft
        );
        with_quote += usize::from(s.draft.body.contains(" said "));
        if std::env::var("DUMP_DRAFTS").is_ok() {
            println!(
                "{cluster} [{}]\n  H: {}\n  B: {}\n",
                reports.len(),
                s.draft.headline,
                s.draft.body
            );
        }
    }
    assert_eq!(groups.len(), 66);
    assert!(with_quote > 10, "attributed drafts: {with_quote} of 66");
}
