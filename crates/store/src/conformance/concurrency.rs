//! What only concurrency shows: several writers of one briefing at once, the order of its events, and a
//! reader that follows the events while they are written.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use futures_util::future::join_all;
use livebrief_model::{Action, BriefingDraft, EntryEdit, EntryId, Event, EventId, EventKind, Role, Status};

use super::{at, draft};
use crate::Store;

const WRITERS: usize = 8;
const ENTRIES_EACH: usize = 6;

/// `WRITERS` tasks publish and then edit entries of one briefing at once, spread over `stores` (instances
/// of one database; one store is fine). Meanwhile a reader on the last store polls "events after the last
/// one I saw" in small pages. Every event must appear once, the briefing's ids must be contiguous and
/// increasing in the order each writer made them, and the reader must have seen exactly what is stored, in
/// order: an id that became visible after a higher one would be skipped by it for good.
///
/// `tag` keeps the briefing's slug and the writer's name apart when a store runs this more than once.
pub async fn concurrent_writers(stores: &[&dyn Store], tag: &str) {
    assert!(!stores.is_empty(), "at least one store");
    let first = stores[0];
    let b = first
        .create_briefing(
            &BriefingDraft {
                slug: format!("{tag}-concurrent"),
                title: "Concurrent".into(),
                summary: String::new(),
                language: "en".into(),
            },
            at(0),
        )
        .await
        .expect("briefing");
    let writer = first
        .create_user(&format!("{tag}-writer"), Role::Editor, "hash", at(0))
        .await
        .expect("user")
        .actor();
    let total = WRITERS * ENTRIES_EACH * 2;

    let writers = (0..WRITERS).map(|w| {
        let store = stores[w % stores.len()];
        let writer = writer.clone();
        async move {
            let mut made: Vec<(EntryId, EventId, EventId)> = Vec::new();
            for i in 0..ENTRIES_EACH {
                let change = draft(&format!("W{w} E{i}"), Status::Published, &["Concurrency"])
                    .into_entry(b.id, &writer, at(i as i64 + 1))
                    .expect("rule");
                let (e, ev) = store.insert_entry(change).await.expect("insert while others write");
                let published = ev.expect("publishing makes an event");
                let edit = EntryEdit {
                    headline: Some(format!("W{w} E{i} edited")),
                    ..Default::default()
                };
                let change = e.apply(Action::Edit(edit), &writer, at(i as i64 + 2)).expect("rule");
                let (_, ev) = store.save_change(change).await.expect("edit while others write");
                let updated = ev.expect("editing a public entry makes an event");
                assert!(
                    published.id < updated.id,
                    "an entry's update event {:?} is not after its publication {:?}",
                    updated.id,
                    published.id
                );
                made.push((e.id, published.id, updated.id));
            }
            made
        }
    });

    let reader_store = stores[stores.len() - 1];
    let reader = async {
        let mut seen: Vec<Event> = Vec::new();
        let mut last = EventId(0);
        let deadline = Instant::now() + Duration::from_secs(30);
        while seen.len() < total {
            let page = reader_store
                .events_after(b.id, last, 7)
                .await
                .expect("events while writing");
            if page.is_empty() {
                assert!(
                    Instant::now() < deadline,
                    "the reader saw {} of {total} events and then nothing more",
                    seen.len()
                );
                tokio::time::sleep(Duration::from_millis(1)).await;
                continue;
            }
            for ev in page {
                assert!(ev.id > last, "event {:?} came after {:?}", ev.id, last);
                last = ev.id;
                seen.push(ev);
            }
        }
        // Whatever comes later must not be older than what was seen.
        assert!(
            reader_store
                .events_after(b.id, last, 100)
                .await
                .expect("events")
                .is_empty(),
            "more events than were written"
        );
        seen
    };

    let (made, seen) = tokio::join!(join_all(writers), reader);

    let all = first.events_after(b.id, EventId(0), 10_000).await.expect("events");
    assert_eq!(all.len(), total, "every write made exactly one event");
    let ids: Vec<i64> = all.iter().map(|e| e.id.0).collect();
    let unique: HashSet<i64> = ids.iter().copied().collect();
    assert_eq!(unique.len(), total, "an event id appears twice: {ids:?}");
    assert!(
        ids.windows(2).all(|w| w[1] == w[0] + 1),
        "event ids of one briefing are not contiguous: {ids:?}"
    );
    assert_eq!(
        seen.iter().map(|e| (e.id, e.kind, e.entry_id())).collect::<Vec<_>>(),
        all.iter().map(|e| (e.id, e.kind, e.entry_id())).collect::<Vec<_>>(),
        "the reader that followed the writes did not see each event once, in order"
    );
    for (entry, published, updated) in made.iter().flatten() {
        let find = |id: EventId| all.iter().find(|e| e.id == id).expect("a returned event is stored");
        assert_eq!(
            (find(*published).kind, find(*published).entry_id()),
            (EventKind::Published, Some(*entry))
        );
        assert_eq!(
            (find(*updated).kind, find(*updated).entry_id()),
            (EventKind::Updated, Some(*entry))
        );
    }
    let last = all.last().map(|e| e.id).expect("events");
    assert!(
        first.last_event_ids().await.expect("last").contains(&(b.id, last)),
        "last_event_ids does not name the newest event"
    );
}
