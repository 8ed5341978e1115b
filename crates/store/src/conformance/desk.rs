//! Developments, memberships and desk records: what every backend must do.

use livebrief_model::{
    Actor, BriefingDraft, BriefingId, Date, DevStatus, Draft, EditedText, EntryId, Facets, Piece, PieceField,
    ReportDraft, ReportId, Summary,
};

use super::at;
use crate::{Attach, DevOrder, DevQuery, DevUpdate, FacetKind, NewRecord, Regroup, Store, StoreError, Target};

fn summary(headline: &str, reports: u32, outlets: &[&str], places: &[&str], minute: i64) -> Summary {
    Summary {
        draft: Draft {
            headline: headline.into(),
            body: format!("{headline}, officials said."),
            happened_on: Some(Date::constant(2025, 3, 13)),
            pieces: vec![Piece {
                report_id: ReportId(1),
                field: PieceField::Title,
                span: (0, 3),
                text: "abc".into(),
            }],
        },
        facets: Facets {
            topics: vec!["Diplomacy".into()],
            places: places.iter().map(|s| s.to_string()).collect(),
            speakers: vec![],
            outlets: outlets.iter().map(|s| s.to_string()).collect(),
            languages: vec!["en".into()],
        },
        report_count: reports,
        outlet_count: outlets.len() as u32,
        first_report_at: at(1),
        last_report_at: at(minute),
        earliest_published: Date::constant(2025, 3, 13),
    }
}

fn record(actor: &Actor, action: &str, minute: i64) -> NewRecord {
    NewRecord {
        action: action.into(),
        actor_id: actor.id,
        actor_name: actor.name.clone(),
        at: at(minute),
        detail: String::new(),
    }
}

async fn report(store: &dyn Store, b: BriefingId, n: u32) -> ReportId {
    store
        .save_report(
            &ReportDraft {
                briefing_id: b,
                url: Some(format!("https://desk.example/{n}")),
                title: format!("Report {n}"),
                source: format!("Outlet {n}"),
                published: Date::constant(2025, 3, 13),
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

pub(super) async fn developments(store: &dyn Store, (ed, _co): &(Actor, Actor)) {
    let b = store
        .create_briefing(
            &BriefingDraft {
                slug: "desk-test".into(),
                title: "Desk".into(),
                summary: String::new(),
                language: "en".into(),
            },
            at(0),
        )
        .await
        .expect("briefing")
        .id;
    let r: Vec<ReportId> = {
        let mut v = Vec::new();
        for n in 1..=5 {
            v.push(report(store, b, n).await);
        }
        v
    };
    // Report 1 starts a development; 2 joins it as a near-copy; 3 starts another.
    let d1 = store
        .attach(
            &Attach {
                briefing_id: b,
                report_id: r[0],
                target: Target::New,
                near_duplicate_of: None,
                score: 0.0,
                summary: summary("Talks open", 1, &["Outlet 1"], &["Kyiv"], 1),
            },
            at(1),
        )
        .await
        .expect("new development");
    assert_eq!(
        (d1.status, d1.report_count, d1.draft.headline.as_str()),
        (DevStatus::Open, 1, "Talks open")
    );
    let d1 = store
        .attach(
            &Attach {
                briefing_id: b,
                report_id: r[1],
                target: Target::Existing(d1.id),
                near_duplicate_of: Some(r[0]),
                score: 0.93,
                summary: summary("Talks open", 2, &["Outlet 1", "Outlet 2"], &["Kyiv"], 2),
            },
            at(2),
        )
        .await
        .expect("join");
    assert_eq!((d1.report_count, d1.outlet_count), (2, 2));
    let d2 = store
        .attach(
            &Attach {
                briefing_id: b,
                report_id: r[2],
                target: Target::New,
                near_duplicate_of: None,
                score: 0.0,
                summary: summary("Strike on Odesa", 1, &["Outlet 3"], &["Odesa"], 5),
            },
            at(5),
        )
        .await
        .expect("second development");
    let m = store.membership(r[1]).await.expect("membership").expect("present");
    assert_eq!((m.development_id, m.near_duplicate_of), (d1.id, Some(r[0])));
    assert!((m.score - 0.93).abs() < 1e-6);
    let reports = store.development_reports(d1.id).await.expect("reports");
    assert_eq!(reports.iter().map(|(_, r)| r.id).collect::<Vec<_>>(), vec![r[0], r[1]]);

    // The inbox: newest first, or most corroborated first; facets filter.
    let q = |order, filters: Vec<(FacetKind, String)>| DevQuery {
        briefing_id: b,
        statuses: vec![DevStatus::Open],
        filters,
        order,
        offset: 0,
        limit: 10,
    };
    let ids = |v: Vec<livebrief_model::Development>| v.into_iter().map(|d| d.id).collect::<Vec<_>>();
    assert_eq!(
        ids(store
            .list_developments(&q(DevOrder::Recent, vec![]))
            .await
            .expect("list")),
        vec![d2.id, d1.id]
    );
    assert_eq!(
        ids(store
            .list_developments(&q(DevOrder::Corroborated, vec![]))
            .await
            .expect("list")),
        vec![d1.id, d2.id]
    );
    assert_eq!(
        ids(store
            .list_developments(&q(DevOrder::Recent, vec![(FacetKind::Place, "Odesa".into())]))
            .await
            .expect("filter")),
        vec![d2.id]
    );
    assert!(
        store
            .list_developments(&q(
                DevOrder::Recent,
                vec![
                    (FacetKind::Place, "Odesa".into()),
                    (FacetKind::Outlet, "Outlet 1".into())
                ]
            ))
            .await
            .expect("filter")
            .is_empty(),
        "filters combine"
    );
    let places = store.facet_values(b, FacetKind::Place, 10).await.expect("facets");
    assert_eq!(places, vec![("Kyiv".to_string(), 1), ("Odesa".to_string(), 1)]);

    // A desk change on a stale version is a conflict; the record is kept.
    let edit = DevUpdate {
        id: d1.id,
        version: d1.version,
        status: DevStatus::Open,
        edited: Some(EditedText {
            headline: "Talks open in Riyadh".into(),
            body: "Edited.".into(),
            by: ed.name.clone(),
            at: at(6),
        }),
        entry_id: None,
        dismissed: None,
        reset_since_publish: false,
        record: record(ed, "edit", 6),
    };
    let d1 = store.update_development(&edit).await.expect("edit");
    assert_eq!(d1.text().0, "Talks open in Riyadh");
    assert!(matches!(
        store.update_development(&edit).await,
        Err(StoreError::Conflict(_))
    ));
    // A refreshed summary keeps the editor's text.
    let d1 = store
        .set_summary(
            d1.id,
            &summary("Talks open (3)", 2, &["Outlet 1", "Outlet 2"], &["Kyiv"], 7),
            at(7),
        )
        .await
        .expect("summary");
    assert_eq!(
        (d1.draft.headline.as_str(), d1.text().0),
        ("Talks open (3)", "Talks open in Riyadh")
    );

    // Split report 2 out into a new development, then move it back, then merge d2 into d1.
    let (from, new) = store
        .regroup(&Regroup {
            reports: vec![r[1]],
            from: d1.id,
            from_version: d1.version,
            to: Target::New,
            from_summary: Some(summary("Talks open", 1, &["Outlet 1"], &["Kyiv"], 1)),
            to_summary: summary("Talks, second report", 1, &["Outlet 2"], &["Kyiv"], 2),
            record: record(ed, "split", 8),
        })
        .await
        .expect("split");
    assert_eq!((from.report_count, new.report_count), (1, 1));
    assert_eq!(
        store
            .membership(r[1])
            .await
            .expect("m")
            .expect("present")
            .development_id,
        new.id
    );
    assert!(
        matches!(
            store
                .regroup(&Regroup {
                    reports: vec![r[0]],
                    from: new.id,
                    from_version: new.version,
                    to: Target::Existing(from.id),
                    from_summary: None,
                    to_summary: summary("x", 2, &[], &[], 9),
                    record: record(ed, "move_report", 9),
                })
                .await,
            Err(StoreError::Conflict(_))
        ),
        "a report must be in the development it moves from"
    );
    let (gone, into) = store
        .regroup(&Regroup {
            reports: vec![r[2]],
            from: d2.id,
            from_version: d2.version,
            to: Target::Existing(from.id),
            from_summary: None,
            to_summary: summary("Talks open", 2, &["Outlet 1", "Outlet 3"], &["Kyiv", "Odesa"], 9),
            record: record(ed, "merge", 9),
        })
        .await
        .expect("merge");
    assert_eq!((gone.status, gone.merged_into), (DevStatus::Merged, Some(into.id)));
    assert_eq!(into.report_count, 2);

    // Change numbers: every membership write has one, in commit order, one per transaction; the feed of
    // changes ends with where each report is now, and a failed regrouping numbered nothing.
    let changes: Vec<_> = store
        .membership_changes((0, ReportId(0)), 1000)
        .await
        .expect("changes")
        .into_iter()
        .filter(|c| c.briefing_id == b)
        .collect();
    assert!(
        changes
            .windows(2)
            .all(|w| (w[0].seq, w[0].report_id) < (w[1].seq, w[1].report_id)),
        "in change order: {changes:?}"
    );
    // The newest change of each report is its membership now; each report appears once (its row).
    for ch in &changes {
        let m = store.membership(ch.report_id).await.expect("m").expect("present");
        assert_eq!(m.development_id, ch.development_id, "{ch:?}");
    }
    let last = changes.last().expect("changes").to_owned();
    assert_eq!(
        (last.report_id, last.development_id),
        (r[2], into.id),
        "the merge is the newest change"
    );
    assert_eq!(store.membership_seq().await.expect("seq"), last.seq);
    let page: Vec<_> = store.membership_changes((0, ReportId(0)), 2).await.expect("page");
    let rest = store
        .membership_changes((page[1].seq, page[1].report_id), 1000)
        .await
        .expect("rest");
    assert_eq!(
        page.len() + rest.len(),
        changes.len(),
        "paging by (change, report) loses nothing"
    );
    assert!(
        store
            .membership_changes((last.seq, last.report_id), 10)
            .await
            .expect("after")
            .is_empty(),
        "nothing after the newest"
    );
    // The grouping lock can be taken, released and taken again.
    drop(store.lock_grouping().await.expect("lock"));
    drop(store.lock_grouping().await.expect("lock again"));
    assert!(
        store
            .list_developments(&q(DevOrder::Recent, vec![(FacetKind::Place, "Odesa".into())]))
            .await
            .expect("filter")
            .iter()
            .all(|d| d.id != gone.id),
        "a merged development leaves the facets"
    );

    // Publishing: the entry is linked; later reports are counted as news since publication.
    let entry = store
        .insert_entry(
            super::draft("Talks open", livebrief_model::Status::Published, &[])
                .into_entry(b, ed, at(10))
                .expect("entry"),
        )
        .await
        .expect("insert")
        .0;
    let published = store
        .update_development(&DevUpdate {
            id: into.id,
            version: into.version,
            status: DevStatus::Published,
            edited: into.edited.clone(),
            entry_id: Some(entry.id),
            dismissed: None,
            reset_since_publish: true,
            record: record(ed, "approve", 10),
        })
        .await
        .expect("publish");
    assert_eq!(published.entry_id, Some(entry.id));
    assert_eq!(
        store
            .development_of_entry(entry.id)
            .await
            .expect("by entry")
            .map(|d| d.id),
        Some(into.id)
    );
    assert!(
        store
            .development_of_entry(EntryId(999_999))
            .await
            .expect("none")
            .is_none()
    );
    let later = store
        .attach(
            &Attach {
                briefing_id: b,
                report_id: r[3],
                target: Target::Existing(into.id),
                near_duplicate_of: None,
                score: 0.5,
                summary: summary("Talks open", 3, &["Outlet 1", "Outlet 3", "Outlet 4"], &["Kyiv"], 11),
            },
            at(11),
        )
        .await
        .expect("join after publication");
    assert_eq!((later.status, later.reports_since_publish), (DevStatus::Published, 1));

    let records = store.desk_records(into.id).await.expect("records");
    let actions: Vec<&str> = records.iter().map(|r| r.action.as_str()).collect();
    assert_eq!(
        actions,
        vec!["edit", "split", "merge", "approve"],
        "every desk action is kept, in order"
    );
    assert!(records.iter().all(|r| r.actor_name == ed.name));
    let since = store.memberships_since(at(3)).await.expect("since");
    assert_eq!(
        since.iter().map(|(_, r)| r.id).collect::<Vec<_>>(),
        vec![r[2], r[3]],
        "memberships of reports received since, oldest first"
    );
    assert!(
        !since.iter().any(|(_, x)| x.id == r[4]),
        "a report in no development is not a membership"
    );
}
