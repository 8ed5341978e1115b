//! Control-map layers: revisions per (briefing, layer, date), the current one listed, a typed event each.

use livebrief_model::{Actor, BriefingDraft, Date, EventKind, MapLayerId, NewMapLayer, Subject};

use super::at;
use crate::{Store, StoreError};

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
    }
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
