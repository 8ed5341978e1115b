//! The quote tracker: speakers with their spellings, quotes filed under them, merges and splits.

use livebrief_model::reading::QuoteKind;
use livebrief_model::{
    Action, Actor, BriefingDraft, BriefingId, Date, DevelopmentId, Draft, Entry, EntryId, Facets, NewQuote,
    ReportDraft, ReportId, SpeakerAlias, SpeakerId, Status, Summary,
};

use super::{at, draft};
use crate::{Attach, QuoteQuery, Store, StoreError, Target};

fn alias(key: &str, surname: &str, given: Option<&str>) -> SpeakerAlias {
    SpeakerAlias {
        key: key.into(),
        spelling: key.to_uppercase(),
        surname: surname.into(),
        given: given.map(str::to_string),
        quote_count: 0,
    }
}

fn quote(speaker: SpeakerId, key: &str, report: ReportId, ordinal: u32, said: Option<Date>, text: &str) -> NewQuote {
    NewQuote {
        speaker_id: speaker,
        alias_key: key.into(),
        report_id: report,
        ordinal,
        kind: if ordinal.is_multiple_of(2) {
            QuoteKind::Direct
        } else {
            QuoteKind::Indirect
        },
        text: text.into(),
        said_on: said,
        reported_on: Date::constant(2025, 3, 14),
        outlet: "Example Wire".into(),
        url: Some(format!("https://example.org/{}", report.0)),
    }
}

async fn briefing(store: &dyn Store, slug: &str) -> BriefingId {
    store
        .create_briefing(
            &BriefingDraft {
                slug: slug.into(),
                title: slug.into(),
                summary: String::new(),
                language: "en".into(),
            },
            at(0),
        )
        .await
        .expect("briefing")
        .id
}

async fn report(store: &dyn Store, b: BriefingId, n: u32) -> ReportId {
    store
        .save_report(
            &ReportDraft {
                briefing_id: b,
                url: Some(format!("https://quotes.example/{}/{n}", b.0)),
                title: format!("Report {n}"),
                source: "Example Wire".into(),
                published: Date::constant(2025, 3, 14),
                text: format!("Text of report {n}."),
                language: "en".into(),
                reading: Default::default(),
            },
            None,
            at(i64::from(n)),
        )
        .await
        .expect("report")
        .into_report()
        .id
}

async fn development(store: &dyn Store, b: BriefingId, r: ReportId) -> DevelopmentId {
    let summary = Summary {
        draft: Draft::default(),
        facets: Facets::default(),
        report_count: 1,
        outlet_count: 1,
        first_report_at: at(1),
        last_report_at: at(1),
        earliest_published: Date::constant(2025, 3, 14),
    };
    store
        .attach(
            &Attach {
                briefing_id: b,
                report_id: r,
                target: Target::New,
                near_duplicate_of: None,
                score: 0.0,
                summary,
            },
            at(1),
        )
        .await
        .expect("development")
        .id
}

async fn entry(store: &dyn Store, b: BriefingId, actor: &Actor, status: Status, topics: &[&str]) -> Entry {
    let change = draft("Talks", status, topics)
        .into_entry(b, actor, at(2))
        .expect("rule");
    store.insert_entry(change).await.expect("entry").0
}

fn ids(q: &[livebrief_model::TrackedQuote]) -> Vec<i64> {
    q.iter().map(|q| q.id.0).collect()
}

pub(super) async fn tracker(store: &dyn Store, (ed, co): &(Actor, Actor)) {
    let b = briefing(store, "quotes-test").await;
    let other = briefing(store, "quotes-other").await;
    let (r1, r2, r3) = (
        report(store, b, 1).await,
        report(store, b, 2).await,
        report(store, other, 3).await,
    );
    let d = development(store, b, r1).await;
    let d_other = development(store, other, r3).await;
    let e1 = entry(store, b, ed, Status::Published, &["Diplomacy"]).await;
    let pending = entry(store, b, co, Status::Published, &["Diplomacy"]).await;
    assert_eq!(pending.status, Status::Pending);
    let e3 = entry(store, other, ed, Status::Published, &[]).await;

    // Speakers and their spellings: one spelling, one speaker.
    let peskov = store
        .create_speaker("Dmitry Peskov", &alias("dmitry peskov", "pIskAv", Some("dmtr")), at(3))
        .await
        .expect("speaker");
    assert_eq!(
        (peskov.name.as_str(), peskov.aliases.len(), peskov.quote_count),
        ("Dmitry Peskov", 1, 0)
    );
    assert!(matches!(
        store
            .create_speaker("Someone", &alias("dmitry peskov", "pIskAv", None), at(3))
            .await,
        Err(StoreError::Conflict(_))
    ));
    assert!(
        store
            .add_alias(peskov.id, &alias("peskov", "pIskAv", None), at(4))
            .await
            .expect("add")
    );
    assert!(
        !store
            .add_alias(peskov.id, &alias("peskov", "pIskAv", None), at(4))
            .await
            .expect("again"),
        "adding a speaker's own spelling again is a no-op"
    );
    let lavrov = store
        .create_speaker("Sergei Lavrov", &alias("sergei lavrov", "lAvrAv", Some("srh")), at(5))
        .await
        .expect("speaker");
    assert!(matches!(
        store
            .add_alias(lavrov.id, &alias("peskov", "pIskAv", None), at(5))
            .await,
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(
        store.speaker_by_alias("peskov").await.expect("read").map(|s| s.id),
        Some(peskov.id)
    );
    assert!(store.speaker_by_alias("nobody").await.expect("read").is_none());
    let got = store.speaker(peskov.id).await.expect("read").expect("there");
    assert_eq!(
        got.aliases
            .iter()
            .map(|a| (a.key.as_str(), a.given.as_deref()))
            .collect::<Vec<_>>(),
        vec![("dmitry peskov", Some("dmtr")), ("peskov", None)],
        "spellings in the order seen, with their keys"
    );

    // Recording an entry's quotes, again and again.
    let (d13, d12) = (Date::constant(2025, 3, 13), Date::constant(2025, 3, 12));
    let set = vec![
        quote(peskov.id, "dmitry peskov", r1, 0, Some(d13), "The talks were useful."),
        quote(lavrov.id, "sergei lavrov", r1, 1, Some(d12), "Moscow is ready."),
        quote(peskov.id, "peskov", r2, 0, None, "No comment."),
    ];
    let first = store.record_quotes(e1.id, d, &set, at(6)).await.expect("record");
    assert_eq!(first.len(), 3);
    assert!(
        first
            .iter()
            .all(|q| q.briefing_id == b && q.entry_id == e1.id && q.development_id == d)
    );
    let again = store.record_quotes(e1.id, d, &set, at(7)).await.expect("again");
    assert_eq!(ids(&again), ids(&first), "recording again does not duplicate");
    assert_eq!(again, first, "nor change anything");
    let mut changed = set.clone();
    changed[0].text = "The talks were very useful.".into();
    changed.remove(1);
    let third = store.record_quotes(e1.id, d, &changed, at(8)).await.expect("changed");
    assert_eq!(third.len(), 2, "a quote no longer there goes");
    assert!(
        third
            .iter()
            .any(|q| q.id == first[0].id && q.text == "The talks were very useful.")
    );
    store.record_quotes(e1.id, d, &set, at(9)).await.expect("restore");
    // A pending entry's quotes are kept, not shown.
    store
        .record_quotes(
            pending.id,
            d,
            &[quote(peskov.id, "peskov", r2, 1, Some(d13), "Pending words.")],
            at(9),
        )
        .await
        .expect("pending");
    assert_eq!(store.entry_quotes(pending.id).await.expect("read").len(), 1);
    // Quotes come from the entry's briefing, and go to live speakers.
    assert!(matches!(
        store
            .record_quotes(e1.id, d, &[quote(peskov.id, "peskov", r3, 0, None, "x")], at(9))
            .await,
        Err(StoreError::Conflict(_))
    ));
    assert!(store.record_quotes(EntryId(987_654), d, &set, at(9)).await.is_err());

    // Listing: published only, newest first (day said, else reported), filters, pages.
    let list = |q: QuoteQuery| async move { store.list_quotes(&q).await.expect("list") };
    let all = list(QuoteQuery::new(b, 50)).await;
    assert_eq!(
        all.items.iter().map(|q| q.text.as_str()).collect::<Vec<_>>(),
        vec!["No comment.", "The talks were useful.", "Moscow is ready."]
    );
    assert!(all.next.is_none());
    assert_eq!(all.items[0].said_on, None);
    assert_eq!(all.items[0].day(), Date::constant(2025, 3, 14));
    assert_eq!(all.items[0].topics, vec!["Diplomacy".to_string()], "the entry's topics");
    assert_eq!(all.items[0].speaker_name, "Dmitry Peskov");
    assert_eq!(all.items[1].kind, QuoteKind::Direct);
    assert_eq!(
        all.items[1].url.as_deref(),
        Some(format!("https://example.org/{}", r1.0).as_str())
    );
    let by_speaker = list(QuoteQuery {
        speaker: Some(lavrov.id),
        ..QuoteQuery::new(b, 50)
    })
    .await;
    assert_eq!(
        by_speaker.items.iter().map(|q| q.speaker_id).collect::<Vec<_>>(),
        vec![lavrov.id]
    );
    assert_eq!(
        list(QuoteQuery {
            topic: Some("diplomacy".into()),
            ..QuoteQuery::new(b, 50)
        })
        .await
        .items
        .len(),
        3
    );
    assert!(
        list(QuoteQuery {
            topic: Some("Energy".into()),
            ..QuoteQuery::new(b, 50)
        })
        .await
        .items
        .is_empty()
    );
    let dated = list(QuoteQuery {
        from: Some(d13),
        to: Some(d13),
        ..QuoteQuery::new(b, 50)
    })
    .await;
    assert_eq!(
        dated.items.iter().map(|q| q.text.as_str()).collect::<Vec<_>>(),
        vec!["The talks were useful."],
        "date filters look at the day said"
    );
    assert_eq!(
        list(QuoteQuery {
            to: Some(d12),
            ..QuoteQuery::new(b, 50)
        })
        .await
        .items
        .len(),
        1
    );
    let p1 = list(QuoteQuery::new(b, 2)).await;
    assert_eq!(p1.items.len(), 2);
    let p2 = list(QuoteQuery {
        before: p1.next,
        ..QuoteQuery::new(b, 2)
    })
    .await;
    assert_eq!(ids(&p2.items), vec![all.items[2].id.0]);
    assert!(p2.next.is_none());

    // Speakers of a briefing, candidates by surname.
    let speakers = store.briefing_speakers(b).await.expect("speakers");
    assert_eq!(
        speakers.iter().map(|s| (s.id, s.quote_count)).collect::<Vec<_>>(),
        vec![(peskov.id, 2), (lavrov.id, 1)],
        "published quotes only, most quoted first"
    );
    let counts = store.speaker(peskov.id).await.expect("read").expect("there").aliases;
    assert_eq!(
        counts
            .iter()
            .map(|a| (a.key.as_str(), a.quote_count))
            .collect::<Vec<_>>(),
        vec![("dmitry peskov", 1), ("peskov", 1)],
        "published quotes per spelling (the pending one does not count)"
    );
    let cands = store.speakers_by_surname("pIskAv", b).await.expect("candidates");
    assert_eq!(
        cands.iter().map(|(s, l)| (s.id, *l)).collect::<Vec<_>>(),
        vec![(peskov.id, true)]
    );
    let cands = store.speakers_by_surname("pIskAv", other).await.expect("candidates");
    assert_eq!(
        cands.iter().map(|(s, l)| (s.id, *l)).collect::<Vec<_>>(),
        vec![(peskov.id, false)]
    );
    // A person is one speaker across briefings.
    store
        .record_quotes(
            e3.id,
            d_other,
            &[quote(peskov.id, "dmitry peskov", r3, 0, Some(d13), "Elsewhere.")],
            at(10),
        )
        .await
        .expect("other briefing");
    assert_eq!(
        store
            .speaker(peskov.id)
            .await
            .expect("read")
            .expect("there")
            .quote_count,
        3
    );
    assert_eq!(
        list(QuoteQuery::new(b, 50)).await.items.len(),
        3,
        "each briefing lists its own"
    );

    // Editors rename, merge and split.
    let renamed = store
        .set_speaker_name(peskov.id, "Dmitry S. Peskov", true, at(11))
        .await
        .expect("rename");
    assert!(renamed.name_locked && renamed.name == "Dmitry S. Peskov");
    let kept = store
        .set_speaker_name(peskov.id, "Dmitry Peskov", false, at(11))
        .await
        .expect("rename");
    assert!(kept.name_locked, "a lock stays once an editor chose the name");
    let merged = store.merge_speakers(lavrov.id, peskov.id, at(12)).await.expect("merge");
    assert_eq!(merged.id, peskov.id);
    assert_eq!(merged.aliases.len(), 3);
    assert_eq!(merged.quote_count, 4);
    let gone = store.speaker(lavrov.id).await.expect("read").expect("kept");
    assert_eq!(
        gone.merged_into,
        Some(peskov.id),
        "the merged speaker remembers where it went"
    );
    assert!(gone.aliases.is_empty());
    assert_eq!(
        store
            .speaker_by_alias("sergei lavrov")
            .await
            .expect("read")
            .map(|s| s.id),
        Some(peskov.id)
    );
    assert!(matches!(
        store.merge_speakers(lavrov.id, peskov.id, at(12)).await,
        Err(StoreError::Conflict(_))
    ));
    assert!(matches!(
        store.merge_speakers(peskov.id, peskov.id, at(12)).await,
        Err(StoreError::Conflict(_))
    ));
    assert!(matches!(
        store
            .record_quotes(e1.id, d, &[quote(lavrov.id, "sergei lavrov", r1, 0, None, "x")], at(12))
            .await,
        Err(StoreError::Conflict(_))
    ));
    let live: Vec<SpeakerId> = store
        .list_speakers(0, 100)
        .await
        .expect("list")
        .iter()
        .map(|s| s.id)
        .collect();
    assert!(live.contains(&peskov.id) && !live.contains(&lavrov.id));

    let split = store
        .split_speaker(peskov.id, &["sergei lavrov".to_string()], "Sergei Lavrov", at(13))
        .await
        .expect("split");
    assert_eq!(split.name, "Sergei Lavrov");
    assert_eq!(
        split.aliases.iter().map(|a| a.key.as_str()).collect::<Vec<_>>(),
        vec!["sergei lavrov"]
    );
    assert_eq!(split.quote_count, 1, "its quotes went with the spelling");
    let after = list(QuoteQuery {
        speaker: Some(split.id),
        ..QuoteQuery::new(b, 50)
    })
    .await;
    assert_eq!(
        after.items.iter().map(|q| q.text.as_str()).collect::<Vec<_>>(),
        vec!["Moscow is ready."]
    );
    assert_eq!(
        store
            .speaker(peskov.id)
            .await
            .expect("read")
            .expect("there")
            .quote_count,
        3
    );
    assert!(matches!(
        store
            .split_speaker(split.id, &["sergei lavrov".to_string()], "X", at(14))
            .await,
        Err(StoreError::Conflict(_))
    ));
    assert!(matches!(
        store
            .split_speaker(peskov.id, &["sergei lavrov".to_string()], "X", at(14))
            .await,
        Err(StoreError::Conflict(_))
    ));
    // A merge chain points straight at the end.
    store
        .merge_speakers(peskov.id, split.id, at(15))
        .await
        .expect("merge back");
    assert_eq!(
        store.speaker(lavrov.id).await.expect("read").expect("kept").merged_into,
        Some(split.id)
    );

    // Retracting an entry hides its quotes.
    let retract = e1
        .apply(Action::Retract { note: "Wrong.".into() }, ed, at(16))
        .expect("rule");
    store.save_change(retract).await.expect("retract");
    assert!(list(QuoteQuery::new(b, 50)).await.items.is_empty());
    assert!(store.briefing_speakers(b).await.expect("speakers").is_empty());
    assert_eq!(
        store.entry_quotes(e1.id).await.expect("kept").len(),
        3,
        "kept, not shown"
    );
}
