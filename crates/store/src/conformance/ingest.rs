//! Sources, items and jobs: what every backend must do.

use livebrief_model::{
    BriefingDraft, BriefingId, JobState, NewJob, PollOutcome, ReportDraft, Retry, SourceDraft, SourceKind,
};

use super::at;
use crate::{SeenItem, Store, StoreError};

fn source(briefing: BriefingId, url: &str) -> SourceDraft {
    SourceDraft {
        briefing_id: briefing,
        kind: SourceKind::Feed,
        url: url.into(),
        title: format!("Feed {url}"),
        language: Some("en".into()),
        trust_note: "wire service".into(),
        poll_interval_secs: 60,
        enabled: true,
    }
}

fn item(briefing: BriefingId, key: &str, url: &str) -> SeenItem {
    SeenItem {
        key: key.into(),
        job: Some(NewJob {
            briefing_id: briefing,
            source_id: None,
            url: url.into(),
            title: format!("Title {key}"),
            outlet: "Wire".into(),
            published: Some(at(1)),
            content: Some("<p>feed copy</p>".into()),
        }),
    }
}

pub(super) async fn sources_and_jobs(store: &dyn Store) {
    let b = store
        .create_briefing(
            &BriefingDraft {
                slug: "ingest-test".into(),
                title: "Ingest".into(),
                summary: String::new(),
                language: "en".into(),
            },
            at(0),
        )
        .await
        .expect("briefing");
    let s1 = store
        .create_source(&source(b.id, "https://a.example/feed"), at(0))
        .await
        .expect("source");
    assert_eq!(s1.poll.next_poll_at, at(0), "a new source is due at once");
    assert!(matches!(
        store
            .create_source(&source(b.id, "https://a.example/feed"), at(0))
            .await,
        Err(StoreError::Conflict(_))
    ));
    let s2 = store
        .create_source(
            &SourceDraft {
                title: "Another".into(),
                ..source(b.id, "https://b.example/rss")
            },
            at(0),
        )
        .await
        .expect("second source");
    let mut off = source(b.id, "https://c.example/off");
    off.enabled = false;
    let s3 = store.create_source(&off, at(0)).await.expect("disabled source");
    // A claim until `now` itself leaves the schedule as it was (the lease is checked below).
    let due: Vec<_> = store
        .claim_due_sources(at(0), at(0), 10)
        .await
        .expect("due")
        .into_iter()
        .map(|s| s.id)
        .collect();
    assert_eq!(due.len(), 2, "disabled sources are never due");
    assert!(due.contains(&s1.id) && due.contains(&s2.id) && !due.contains(&s3.id));
    assert_eq!(store.list_sources(Some(b.id)).await.expect("list").len(), 3);

    // A poll: three items, one of them also in the other feed (same article address).
    let added = store
        .add_items(
            s1.id,
            vec![
                item(b.id, "g1", "https://a.example/1"),
                item(b.id, "g2", "https://a.example/2"),
                SeenItem {
                    key: "old".into(),
                    job: None,
                },
            ],
            10,
            at(1),
        )
        .await
        .expect("items");
    assert_eq!((added.new_items, added.new_jobs), (3, 2));
    let again = store
        .add_items(s1.id, vec![item(b.id, "g1", "https://a.example/1")], 10, at(2))
        .await
        .expect("again");
    assert_eq!(
        (again.new_items, again.new_jobs),
        (0, 0),
        "an item seen before is not new"
    );
    let other = store
        .add_items(s2.id, vec![item(b.id, "x9", "https://a.example/2")], 10, at(2))
        .await
        .expect("other feed");
    assert_eq!(
        (other.new_items, other.new_jobs),
        (1, 0),
        "the same address in another feed is one job"
    );
    let state = s1.poll.after(
        &PollOutcome::Fetched {
            new_items: added.new_items,
            etag: Some("\"v1\"".into()),
            last_modified: Some("Thu, 13 Mar 2025 10:00:00 GMT".into()),
        },
        60,
        at(1),
        0,
    );
    assert!(store.set_poll_state(s1.id, &s1.url, &state).await.expect("poll state"));
    let got = store.source(s1.id).await.expect("get").expect("exists");
    assert_eq!(got.poll, state);
    assert_eq!(
        store.next_poll_at().await.expect("next"),
        Some(at(0)),
        "s2 is still due"
    );
    assert!(
        !store
            .claim_due_sources(at(1), at(1), 10)
            .await
            .expect("due")
            .iter()
            .any(|s| s.id == s1.id)
    );

    // Jobs: claimed once, a crashed worker's lease runs out, failures retry then park, the desk retries.
    let claimed = store.claim_jobs(at(3), at(4), 10).await.expect("claim");
    assert_eq!(claimed.len(), 2);
    assert!(claimed.iter().all(|j| j.state == JobState::Running && j.attempts == 1));
    assert!(
        store.claim_jobs(at(3), at(4), 10).await.expect("claim").is_empty(),
        "running jobs are held"
    );
    let reclaimed = store.claim_jobs(at(5), at(6), 10).await.expect("after the lease");
    assert_eq!(reclaimed.len(), 2, "an expired lease returns the job to the queue");
    assert!(reclaimed.iter().all(|j| j.attempts == 2));
    let (j1, j2) = (&reclaimed[0], &reclaimed[1]);
    assert_eq!(j1.id, claimed[0].id);
    assert_eq!(j1.id, claimed[0].id);
    assert_eq!(j1.item.content.as_deref(), Some("<p>feed copy</p>"));
    let report = store
        .save_report(
            &ReportDraft {
                briefing_id: b.id,
                url: Some(j1.item.url.clone()),
                title: "T".into(),
                source: "Wire".into(),
                published: livebrief_model::Date::constant(2025, 3, 13),
                text: "Text.".into(),
                language: "en".into(),
                reading: Default::default(),
            },
            None,
            at(5),
        )
        .await
        .expect("report")
        .into_report();
    // The first claim of j1 lost its lease: it no longer decides the job's outcome.
    let stale = claimed.iter().find(|j| j.id == j1.id).expect("first claim");
    assert!(matches!(
        store.fail_job(stale, "late", Retry::Park, at(5)).await,
        Err(StoreError::Conflict(_))
    ));
    store.complete_job(j1, report.id, at(5)).await.expect("done");
    store
        .fail_job(j2, "timed out", Retry::At(at(8)), at(5))
        .await
        .expect("fail");
    assert!(
        store.claim_jobs(at(7), at(9), 10).await.expect("claim").is_empty(),
        "not before its retry time"
    );
    assert_eq!(store.next_job_at().await.expect("next"), Some(at(8)));
    let again = store.claim_jobs(at(8), at(9), 10).await.expect("claim");
    assert_eq!((again.len(), again[0].attempts), (1, 3));
    store
        .fail_job(&again[0], "HTTP 404 Not Found", Retry::Park, at(8))
        .await
        .expect("park");
    let parked = store.job(j2.id).await.expect("get").expect("exists");
    assert_eq!(
        (parked.state, parked.last_error.as_deref()),
        (JobState::Parked, Some("HTTP 404 Not Found"))
    );
    assert!(
        store.claim_jobs(at(100), at(101), 10).await.expect("claim").is_empty(),
        "parked jobs wait"
    );
    let done = store.job(j1.id).await.expect("get").expect("exists");
    assert_eq!((done.state, done.report_id), (JobState::Done, Some(report.id)));
    assert_eq!(done.item.content, None, "a done job drops the feed's copy");
    let counts = store.job_counts(Some(b.id)).await.expect("counts");
    assert!(
        counts.contains(&(JobState::Done, 1)) && counts.contains(&(JobState::Parked, 1)),
        "{counts:?}"
    );
    assert_eq!(
        store
            .list_jobs(Some(b.id), Some(JobState::Parked), 10)
            .await
            .expect("list")
            .len(),
        1
    );
    let retried = store.retry_job(j2.id, at(20)).await.expect("retry");
    assert_eq!((retried.state, retried.attempts), (JobState::Queued, 0));
    assert!(matches!(
        store.retry_job(j2.id, at(20)).await,
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(store.claim_jobs(at(20), at(21), 10).await.expect("claim").len(), 1);
    // A restart puts what a dead process held back in the queue.
    assert_eq!(store.release_running(at(22)).await.expect("release"), 1);
    // A job whose worker keeps dying is parked once its attempts are spent, not claimed forever.
    let mut last = Vec::new();
    for round in 0..livebrief_model::job::MAX_ATTEMPTS as i64 + 1 {
        last = store
            .claim_jobs(at(30 + 2 * round), at(31 + 2 * round), 10)
            .await
            .expect("claim");
    }
    assert!(last.is_empty(), "{last:?}");
    let dead = store.job(j2.id).await.expect("get").expect("exists");
    assert_eq!(dead.state, JobState::Parked);
    assert!(
        dead.last_error
            .as_deref()
            .unwrap_or_default()
            .contains("worker stopped"),
        "{dead:?}"
    );

    // At most so many new jobs per poll; the rest are remembered as seen. Items seen before do not count.
    let capped = store
        .add_items(
            s2.id,
            [
                item(b.id, "x9", "https://a.example/2"),
                item(b.id, "c1", "https://c.example/1"),
                item(b.id, "c2", "https://c.example/2"),
                item(b.id, "c3", "https://c.example/3"),
            ]
            .into_iter()
            .map(|mut i| {
                if let Some(j) = i.job.as_mut() {
                    j.source_id = Some(s2.id);
                }
                i
            })
            .collect(),
            2,
            at(40),
        )
        .await
        .expect("capped");
    assert_eq!((capped.new_items, capped.new_jobs), (3, 2));

    // Editing a source's address polls it anew; deleting keeps its jobs.
    let mut d = s1.draft();
    d.url = "https://a.example/new-feed".into();
    let moved = store.update_source(s1.id, &d, at(30)).await.expect("update");
    assert_eq!((moved.poll.next_poll_at, moved.poll.etag.clone()), (at(30), None));
    // A poll of the old address that ends after the change does not undo it.
    assert!(!store.set_poll_state(s1.id, &s1.url, &state).await.expect("stale poll"));
    assert_eq!(
        store.source(s1.id).await.expect("get").expect("exists").poll,
        moved.poll
    );
    assert!(matches!(
        store
            .update_source(s1.id, &source(b.id, "https://b.example/rss"), at(31))
            .await,
        Err(StoreError::Conflict(_))
    ));
    let queued: Vec<_> = store
        .list_jobs(Some(b.id), Some(JobState::Queued), 10)
        .await
        .expect("queued")
        .into_iter()
        .filter(|j| j.item.source_id == Some(s2.id))
        .collect();
    assert_eq!(queued.len(), 2);
    store.delete_source(s2.id).await.expect("delete s2");
    for j in queued {
        assert!(
            store.job(j.id).await.expect("get").is_none(),
            "a removed source's queue goes with it"
        );
    }
    store.delete_source(s1.id).await.expect("delete");
    assert!(store.source(s1.id).await.expect("get").is_none());
    assert!(
        store.job(j1.id).await.expect("get").is_some(),
        "done jobs outlive their source"
    );
    assert!(matches!(store.delete_source(s1.id).await, Err(StoreError::NotFound)));

    // A claim is a lease: a second poller (another instance) does not get the source while it runs; a
    // claim whose poll is never recorded (the instance died) lapses and the source is due for anyone.
    let s4 = store
        .create_source(&source(b.id, "https://d.example/rss"), at(20))
        .await
        .expect("fourth source");
    let ids = |v: Vec<livebrief_model::Source>| v.into_iter().map(|s| s.id).collect::<Vec<_>>();
    let first = ids(store.claim_due_sources(at(20), at(22), 10).await.expect("claim"));
    assert!(first.contains(&s4.id), "{first:?}");
    let second = ids(store.claim_due_sources(at(21), at(23), 10).await.expect("claim"));
    assert!(!second.contains(&s4.id), "claimed by the first poller: {second:?}");
    let lapsed = ids(store.claim_due_sources(at(22), at(24), 10).await.expect("claim"));
    assert!(lapsed.contains(&s4.id), "the first claim lapsed: {lapsed:?}");
    let limited = store.claim_due_sources(at(30), at(31), 0).await.expect("claim none");
    assert!(limited.is_empty(), "a limit of 0 claims nothing");
}
