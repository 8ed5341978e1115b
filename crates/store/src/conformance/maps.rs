//! Control-map layers: revisions per (briefing, layer, date), the current one listed, a typed event each;
//! change figures per pair of revisions; the live page's map cards.

use livebrief_model::{
    Actor, BriefingDraft, BriefingId, ChangeFigures, Date, EventId, EventKind, LayerChange, MapLayerId, NewMapLayer,
    Subject,
};

use super::at;
use crate::{Order, Store, StoreError};

fn layer(b: livebrief_model::BriefingId, name: &str, date: Date, bytes: &[u8], area: f64, by: &Actor) -> NewMapLayer {
    NewMapLayer {
        briefing_id: b,
        layer: name.into(),
        date,
        encoding: "test".into(),
        geometry: bytes.to_vec(),
        area_km2: area,
        vertices: bytes.len() as u64,
        repairs: vec![
            "2 rings turned counter-clockwise".into(),
            "1 closing point added".into(),
        ],
        imported_by: by.id,
        imported_by_name: by.name.clone(),
        change_from_previous: None,
        change_to_next: None,
    }
}

/// Figures that tell pairs apart and round-trip exactly (0.1 + 0.2 is not 0.3).
fn figures(n: u32) -> ChangeFigures {
    ChangeFigures {
        gained_km2: f64::from(n) + 0.1 + 0.2,
        lost_km2: f64::from(n) / 3.0,
        gained_parts: n,
        lost_parts: n + 1,
        slivers_dropped: n + 2,
    }
}

async fn changes_of(store: &dyn Store, b: BriefingId, layer: &str) -> Vec<(MapLayerId, MapLayerId, ChangeFigures)> {
    let mut v: Vec<_> = store
        .layer_changes(b, layer)
        .await
        .expect("changes")
        .into_iter()
        .map(|c| (c.from, c.to, c.figures))
        .collect();
    v.sort_by_key(|c| (c.0, c.1));
    v
}

/// Change figures: stored with the import (from the previous date, to the next), a correction's new pairs
/// replace the old ones in what is read, later figures are added but never overwrite, a pair naming no layer
/// stores nothing. And the map cards of the live page: one per (layer, date), the current revision placed at
/// the first import, in either order, after a position, limited.
pub(super) async fn changes_and_cards(store: &dyn Store, (ed, _co): &(Actor, Actor)) {
    let b = store
        .create_briefing(
            &BriefingDraft {
                slug: "front-changes".into(),
                title: "Front".into(),
                summary: "s".into(),
                language: "en".into(),
            },
            at(0),
        )
        .await
        .expect("briefing");
    let (d1, d2, d3) = (
        Date::constant(2025, 7, 1),
        Date::constant(2025, 7, 2),
        Date::constant(2025, 7, 3),
    );
    let (l1, _) = store
        .save_map_layer(&layer(b.id, "occupied", d1, b"one", 10.0, ed), at(1))
        .await
        .expect("save");
    let mut n2 = layer(b.id, "occupied", d2, b"two", 11.0, ed);
    n2.change_from_previous = Some((l1.id, figures(1)));
    let (l2, _) = store.save_map_layer(&n2, at(2)).await.expect("save");
    assert_eq!(
        changes_of(store, b.id, "occupied").await,
        vec![(l1.id, l2.id, figures(1))],
        "the import's change from the previous date is stored with it, figures exact"
    );
    let mut n3 = layer(b.id, "occupied", d3, b"three", 12.0, ed);
    n3.change_from_previous = Some((l2.id, figures(2)));
    let (l3, _) = store.save_map_layer(&n3, at(3)).await.expect("save");
    let (c1, _) = store
        .save_map_layer(&layer(b.id, "contested", d1, b"c", 1.0, ed), at(3))
        .await
        .expect("save");

    // A correction of day 2: its own change and day 3's change from it replace the old pairs in what is read.
    let mut n2b = layer(b.id, "occupied", d2, b"two, corrected", 11.5, ed);
    n2b.change_from_previous = Some((l1.id, figures(4)));
    n2b.change_to_next = Some((l3.id, figures(5)));
    let (l2b, _) = store.save_map_layer(&n2b, at(4)).await.expect("save");
    assert_eq!(l2b.revision, 2);
    assert_eq!(
        changes_of(store, b.id, "occupied").await,
        vec![(l1.id, l2b.id, figures(4)), (l2b.id, l3.id, figures(5))]
    );

    // Figures computed later (a week's change, a layer stored before figures were kept) are added; a pair that
    // has figures keeps them.
    store
        .save_layer_changes(&[
            LayerChange {
                from: l1.id,
                to: l3.id,
                figures: figures(6),
            },
            LayerChange {
                from: l1.id,
                to: l2b.id,
                figures: figures(7),
            },
        ])
        .await
        .expect("save changes");
    store.save_layer_changes(&[]).await.expect("nothing to save");
    let mut want = vec![
        (l1.id, l2b.id, figures(4)),
        (l1.id, l3.id, figures(6)),
        (l2b.id, l3.id, figures(5)),
    ];
    want.sort_by_key(|c| (c.0, c.1));
    assert_eq!(changes_of(store, b.id, "occupied").await, want);
    // A pair naming no layer: refused, and the batch's other pair is not stored either.
    let nowhere = MapLayerId(c1.id.0 + 10_000);
    assert!(
        store
            .save_layer_changes(&[
                LayerChange {
                    from: l2b.id,
                    to: l1.id,
                    figures: figures(8),
                },
                LayerChange {
                    from: l3.id,
                    to: nowhere,
                    figures: figures(8),
                },
            ])
            .await
            .is_err()
    );
    assert_eq!(
        changes_of(store, b.id, "occupied").await.len(),
        3,
        "nothing of the batch"
    );
    // An import whose change names no layer stores nothing and makes no event.
    let events = store.events_after(b.id, EventId(0), 100).await.expect("events").len();
    let mut bad = layer(b.id, "occupied", Date::constant(2025, 7, 4), b"four", 13.0, ed);
    bad.change_from_previous = Some((nowhere, figures(9)));
    assert!(store.save_map_layer(&bad, at(5)).await.is_err());
    assert!(
        store
            .map_layer(b.id, "occupied", Date::constant(2025, 7, 4))
            .await
            .expect("read")
            .is_none()
    );
    assert_eq!(
        store.events_after(b.id, EventId(0), 100).await.expect("events").len(),
        events
    );
    assert!(changes_of(store, b.id, "contested").await.is_empty());
    assert!(store.layer_changes(b.id, "occ\0upied").await.expect("read").is_empty());

    // Map cards: day 3 and the contested layer share a time (the later id first when newest first); day 2 is
    // its correction, placed at its first import.
    let key = |c: &livebrief_model::MapCard| (c.layer.id, c.first_id, c.first_at);
    let all = store
        .map_cards(b.id, Order::NewestFirst, None, 10)
        .await
        .expect("cards");
    assert_eq!(
        all.iter().map(key).collect::<Vec<_>>(),
        vec![
            (c1.id, c1.id, at(3)),
            (l3.id, l3.id, at(3)),
            (l2b.id, l2.id, at(2)),
            (l1.id, l1.id, at(1)),
        ]
    );
    assert_eq!(
        (all[2].layer.revision, all[2].layer.date, all[2].layer.area_km2),
        (2, d2, 11.5),
        "the current revision"
    );
    assert!(all.iter().all(|c| c.layer.geometry.is_empty()), "without geometry");
    let ids = |v: Vec<livebrief_model::MapCard>| v.into_iter().map(|c| c.layer.id).collect::<Vec<_>>();
    assert_eq!(
        ids(store
            .map_cards(b.id, Order::NewestFirst, Some((at(3), c1.id)), 10)
            .await
            .expect("cards")),
        vec![l3.id, l2b.id, l1.id]
    );
    assert_eq!(
        ids(store
            .map_cards(b.id, Order::NewestFirst, Some((at(3), MapLayerId(i64::MIN))), 10)
            .await
            .expect("cards")),
        vec![l2b.id, l1.id],
        "strictly after the position"
    );
    assert_eq!(
        ids(store
            .map_cards(b.id, Order::OldestFirst, Some((at(2), l2.id)), 10)
            .await
            .expect("cards")),
        vec![l3.id, c1.id]
    );
    assert_eq!(
        ids(store.map_cards(b.id, Order::OldestFirst, None, 2).await.expect("cards")),
        vec![l1.id, l2b.id]
    );
    let other = store
        .create_briefing(
            &BriefingDraft {
                slug: "front-empty".into(),
                title: "Empty".into(),
                summary: "s".into(),
                language: "en".into(),
            },
            at(0),
        )
        .await
        .expect("briefing");
    assert!(
        store
            .map_cards(other.id, Order::NewestFirst, None, 10)
            .await
            .expect("cards")
            .is_empty()
    );
}

pub(super) async fn layers(store: &dyn Store, (ed, _co): &(Actor, Actor)) {
    let b = store
        .create_briefing(
            &BriefingDraft {
                slug: "front".into(),
                title: "Front".into(),
                summary: "s".into(),
                language: "en".into(),
            },
            at(0),
        )
        .await
        .expect("briefing");
    let d1 = Date::constant(2025, 7, 1);
    let d2 = Date::constant(2025, 7, 2);
    let before = store
        .events_after(b.id, livebrief_model::EventId(0), 100)
        .await
        .expect("events")
        .len();

    let (l1, ev1) = store
        .save_map_layer(&layer(b.id, "occupied", d1, b"\x00\x01geo", 100.5, ed), at(1))
        .await
        .expect("save");
    assert_eq!((l1.revision, l1.superseded_by, l1.date), (1, None, d1));
    assert_eq!(
        l1.geometry,
        b"\x00\x01geo".to_vec(),
        "geometry bytes round-trip (a NUL included)"
    );
    assert_eq!(
        l1.repairs,
        vec![
            "2 rings turned counter-clockwise".to_string(),
            "1 closing point added".into()
        ]
    );
    assert_eq!(
        (l1.area_km2, l1.vertices, l1.imported_by, l1.imported_at),
        (100.5, 5, ed.id, at(1))
    );
    assert_eq!(
        (ev1.kind, ev1.subject, ev1.entry_id()),
        (EventKind::MapUpdated, Subject::MapLayer(l1.id), None)
    );

    let (l2, _) = store
        .save_map_layer(&layer(b.id, "occupied", d2, b"day2", 101.25, ed), at(2))
        .await
        .expect("save");
    let (c1, _) = store
        .save_map_layer(&layer(b.id, "contested", d1, b"c", 3.0, ed), at(2))
        .await
        .expect("save");
    // A correction of day 1: the first import stays as revision 1.
    let (l1b, ev3) = store
        .save_map_layer(&layer(b.id, "occupied", d1, b"fixed", 100.75, ed), at(3))
        .await
        .expect("save");
    assert_eq!(l1b.revision, 2);
    assert!(ev3.id > ev1.id);

    let cur = store
        .map_layer(b.id, "occupied", d1)
        .await
        .expect("read")
        .expect("current");
    assert_eq!(
        (cur.id, cur.geometry.as_slice(), cur.area_km2),
        (l1b.id, &b"fixed"[..], 100.75)
    );
    let revs = store
        .map_layer_revisions(b.id, "occupied", d1)
        .await
        .expect("revisions");
    assert_eq!(
        revs.iter().map(|r| (r.id, r.revision)).collect::<Vec<_>>(),
        vec![(l1.id, 1), (l1b.id, 2)]
    );
    assert_eq!(revs[0].superseded_by, Some(l1b.id));
    assert_eq!(
        revs[0].geometry,
        b"\x00\x01geo".to_vec(),
        "the superseded revision keeps its geometry"
    );
    assert_eq!(
        store.map_layer_by_id(l1.id).await.expect("read").map(|l| l.revision),
        Some(1)
    );
    assert!(
        store
            .map_layer_by_id(MapLayerId(l1b.id.0 + 1000))
            .await
            .expect("read")
            .is_none()
    );

    let list = store.map_layers(b.id, "occupied", true).await.expect("list");
    assert_eq!(
        list.iter().map(|l| (l.date, l.id)).collect::<Vec<_>>(),
        vec![(d1, l1b.id), (d2, l2.id)]
    );
    assert_eq!(list[1].geometry, b"day2".to_vec());
    let meta = store.map_layers(b.id, "occupied", false).await.expect("list");
    assert!(
        meta.iter().all(|l| l.geometry.is_empty()),
        "no geometry when not asked for"
    );
    assert_eq!(meta[0].area_km2, 100.75);
    assert!(
        store
            .map_layers(b.id, "liberated", true)
            .await
            .expect("list")
            .is_empty()
    );
    assert!(
        store
            .map_layer(b.id, "occupied", Date::constant(2025, 7, 3))
            .await
            .expect("read")
            .is_none()
    );
    assert!(store.map_layer(b.id, "occ\0upied", d1).await.expect("read").is_none());
    assert_eq!(
        store.map_layer_names(b.id).await.expect("names"),
        vec![("contested".to_string(), 1), ("occupied".to_string(), 2)]
    );
    assert_eq!(
        store
            .map_layer(b.id, "contested", d1)
            .await
            .expect("read")
            .map(|l| l.id),
        Some(c1.id)
    );

    // The events: one per import, in order, each about its layer; entries' events are untouched.
    let evs = store
        .events_after(b.id, livebrief_model::EventId(0), 100)
        .await
        .expect("events");
    let maps: Vec<_> = evs.iter().skip(before).map(|e| (e.kind, e.subject)).collect();
    assert_eq!(
        maps,
        vec![
            (EventKind::MapUpdated, Subject::MapLayer(l1.id)),
            (EventKind::MapUpdated, Subject::MapLayer(l2.id)),
            (EventKind::MapUpdated, Subject::MapLayer(c1.id)),
            (EventKind::MapUpdated, Subject::MapLayer(l1b.id)),
        ]
    );

    // Nothing half-done: a layer of an unknown briefing or importer stores nothing and makes no event.
    let mut bad = layer(b.id, "occupied", d2, b"x", 1.0, ed);
    bad.imported_by = livebrief_model::UserId(987_654);
    assert!(matches!(
        store.save_map_layer(&bad, at(4)).await,
        Err(StoreError::Conflict(_) | StoreError::NotFound)
    ));
    assert_eq!(
        store.map_layer(b.id, "occupied", d2).await.expect("read").map(|l| l.id),
        Some(l2.id)
    );
    assert_eq!(
        store
            .events_after(b.id, livebrief_model::EventId(0), 100)
            .await
            .expect("events")
            .len(),
        evs.len()
    );
}
