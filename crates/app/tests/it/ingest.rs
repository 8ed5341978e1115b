//! The newsroom loop with real parts: synthetic outlets over HTTP on 127.0.0.1, the fetcher with its guard
//! (the fixture's own address allowed), the poller, the job workers, the store and the grouper.

use std::sync::Arc;
use std::time::Duration;

use livebrief_app::{App, Ingest, IngestConfig, ManualClock, SourceInput};
use livebrief_fetch::{FetchConfig, Fetcher};
use livebrief_model::{BriefingDraft, Role, SourceKind, Timestamp};
use livebrief_outlets::{OutletServer, Scenario};
use livebrief_store::SqliteStore;

struct Loop {
    ingest: Arc<Ingest>,
    editor: livebrief_model::Actor,
    server: OutletServer,
    path: std::path::PathBuf,
    _dir: tempfile::TempDir,
}

fn fetcher_for(server: &OutletServer) -> Fetcher {
    Fetcher::new(FetchConfig {
        allow: vec![
            format!("127.0.0.1:{}", server.addr().port())
                .parse()
                .expect("allow rule"),
        ],
        politeness_delay: Duration::ZERO,
        per_origin_concurrency: 8,
        total_timeout: Duration::from_secs(10),
        ..FetchConfig::default()
    })
    .expect("fetcher")
}

async fn start(scenario: Scenario) -> Loop {
    let server = OutletServer::start(scenario).await.expect("outlets");
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("db");
    let store = SqliteStore::open(&path).expect("open");
    // The outlets publish on 2025-03-20; the desk reads them that evening.
    let clock = Arc::new(ManualClock::new(
        "2025-03-20T20:00:00Z".parse::<Timestamp>().expect("ts"),
    ));
    let app = App::new(Arc::new(store), clock).await.expect("app");
    let editor = app
        .create_user("ed", Role::Editor, "correct horse battery")
        .await
        .expect("user")
        .actor();
    app.create_briefing(
        &editor,
        BriefingDraft {
            slug: "war".into(),
            title: "War".into(),
            summary: String::new(),
            language: "en".into(),
        },
    )
    .await
    .expect("briefing");
    let ingest = Ingest::new(app, fetcher_for(&server), IngestConfig::default());
    Loop {
        ingest,
        editor,
        server,
        path,
        _dir: dir,
    }
}

async fn add_outlets(l: &Loop) {
    for o in l.server.outlets() {
        // No kind given: the source is fetched once to tell a feed from a page to watch.
        let s = l
            .ingest
            .add_source(&l.editor, "war", SourceInput::url(l.server.url(&o.id)))
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", o.id));
        let expect = if o.id == "regional" {
            SourceKind::Page
        } else {
            SourceKind::Feed
        };
        assert_eq!(s.kind, expect, "{}: {s:?}", o.id);
        assert!(s.title.starts_with(&o.name), "the source's own title: {}", s.title);
    }
}

async fn poll_all(l: &Loop) -> Vec<livebrief_app::PollReport> {
    let sources = l.ingest.sources(Some("war")).await.expect("sources");
    tokio::time::timeout(Duration::from_secs(30), l.ingest.poll_many(sources, |_| {}))
        .await
        .expect("polls finish")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn items_arriving_over_time_are_picked_up_and_a_restart_resumes_the_queue() {
    let l = start(Scenario::all_at_once().manual()).await;
    add_outlets(&l).await;
    let first = l.server.release_next().expect("an article");
    let polls = poll_all(&l).await;
    assert_eq!(polls.iter().map(|p| p.added.new_jobs).sum::<u32>(), 1, "{polls:?}");
    for _ in 0..3 {
        l.server.release_next();
    }
    poll_all(&l).await;
    let app = l.ingest.app().clone();
    // A worker takes a job and dies before finishing it (its lease runs out).
    let now = app.now();
    let taken = app.store().claim_jobs(now, now, 10).await.expect("claim");
    assert_eq!(taken.len(), 4, "{} released so far", l.server.released_count());
    drop(l.ingest);
    // A new process on the same store picks the jobs up again.
    let store = SqliteStore::open(&l.path).expect("reopen");
    let clock = Arc::new(ManualClock::new(
        now.checked_add(jiff::SignedDuration::from_mins(10)).expect("ts"),
    ));
    let app2 = App::new(Arc::new(store), clock).await.expect("app");
    let ingest2 = Ingest::new(app2.clone(), fetcher_for(&l.server), IngestConfig::default());
    let n = tokio::time::timeout(Duration::from_secs(60), ingest2.drain(|_| {}))
        .await
        .expect("in time")
        .expect("drain");
    assert_eq!(n, 4, "the expired leases are worked again");
    let reports = app2
        .store()
        .list_reports(app2.briefing("war").expect("b").0.id, None, 10)
        .await
        .expect("r");
    assert_eq!(reports.len(), 4);
    assert!(
        reports
            .iter()
            .any(|r| r.url.as_deref() == Some(l.server.article_url(&first).as_str()))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_background_loop_polls_on_its_own() {
    let l = start(Scenario::all_at_once()).await;
    let app = l.ingest.app().clone();
    for o in l.server.outlets() {
        l.ingest
            .add_source(
                &l.editor,
                "war",
                SourceInput {
                    poll_interval_secs: Some(1),
                    ..SourceInput::url(l.server.url(&o.id))
                },
            )
            .await
            .expect("source");
    }
    let mut desk = app.subscribe_desk();
    let stop = tokio_util::sync::CancellationToken::new();
    let task = tokio::spawn(l.ingest.clone().run(stop.clone()));
    let want = l.server.articles().count();
    let b = app.briefing("war").expect("b").0;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    loop {
        let n = app.store().list_reports(b.id, None, 100).await.expect("r").len();
        if n == want {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{n} of {want} reports after 60 s"
        );
        // Woken by the desk's notices, not by sleeping.
        let _ = tokio::time::timeout(Duration::from_secs(5), desk.recv()).await;
    }
    stop.cancel();
    tokio::time::timeout(Duration::from_secs(10), task)
        .await
        .expect("the loop stops")
        .expect("joined");
}
