//! The newsroom loop with real parts: synthetic outlets over HTTP on 127.0.0.1, the fetcher with its guard
//! (the fixture's own address allowed), the poller, the job workers, the store and the grouper.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::Duration;

use livebrief_app::{App, Ingest, IngestConfig, ManualClock, SourceInput};
use livebrief_fetch::{FetchConfig, Fetcher};
use livebrief_model::{BriefingDraft, JobState, PollOutcome, Report, Role, SourceKind, Timestamp};
use livebrief_outlets::{HardCase, OutletServer, Scenario};
use livebrief_store::{DevOrder, DevQuery, SqliteStore};

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

async fn drain(l: &Loop) -> usize {
    tokio::time::timeout(Duration::from_secs(60), l.ingest.drain(|_| {}))
        .await
        .expect("jobs finish")
        .expect("drain")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn outlets_become_reports_and_developments_with_drafts() {
    let l = start(Scenario::all_at_once()).await;
    add_outlets(&l).await;
    let polls = poll_all(&l).await;
    assert_eq!(polls.len(), 4);
    for p in &polls {
        assert!(matches!(p.outcome, PollOutcome::Fetched { .. }), "{p:?}");
        assert!(p.added.new_jobs > 0, "{p:?}");
    }
    let worked = drain(&l).await;
    let app = l.ingest.app();
    let store = app.store();
    let counts = store.job_counts(None).await.expect("counts");
    assert_eq!(
        counts,
        vec![(JobState::Done, worked as u64)],
        "every article read: {counts:?}"
    );
    assert_eq!(worked, l.server.articles().count(), "one job per article");

    // Every article is one report, with the outlet as its source and its page's text.
    let b = app.briefing("war").expect("b").0;
    let reports = store.list_reports(b.id, None, 100).await.expect("reports");
    assert_eq!(reports.len(), worked);
    let by_url: BTreeMap<&str, &Report> = reports
        .iter()
        .filter_map(|r| r.url.as_deref().map(|u| (u, r)))
        .collect();
    for a in l.server.articles() {
        let r = by_url
            .get(l.server.article_url(a).as_str())
            .unwrap_or_else(|| panic!("no report for {}", a.id()));
        assert!(
            r.text.contains(
                a.lead()
                    .split_whitespace()
                    .take(6)
                    .collect::<Vec<_>>()
                    .join(" ")
                    .as_str()
            ),
            "{}: the article's lead is in the text: {}",
            a.id(),
            r.text
        );
        assert!(
            !r.text.contains("cookie"),
            "{}: boilerplate stays out: {}",
            a.id(),
            r.text
        );
        assert_eq!(r.published, a.published.to_zoned(livebrief_model::TimeZone::UTC).date());
    }

    // Developments against the corpus's ground truth.
    let devs = app
        .developments(&DevQuery {
            briefing_id: b.id,
            statuses: vec![],
            filters: vec![],
            order: DevOrder::Recent,
            offset: 0,
            limit: 100,
        })
        .await
        .expect("developments");
    let mut dev_of: BTreeMap<String, i64> = BTreeMap::new();
    for a in l.server.articles() {
        let r = by_url[l.server.article_url(a).as_str()];
        let m = store
            .membership(r.id)
            .await
            .expect("m")
            .expect("every report is grouped");
        dev_of.insert(a.id(), m.development_id.0);
    }
    let corpus = livebrief_outlets::Corpus::standard();
    let mut report = String::new();
    for ev in &corpus.events {
        let ds: BTreeSet<i64> = corpus.articles_of(&ev.id).map(|a| dev_of[&a.id()]).collect();
        report.push_str(&format!("{}: {:?}\n", ev.id, ds));
    }
    for case in &corpus.hard_cases {
        match case {
            HardCase::Reworded { articles, .. } => {
                let ds: BTreeSet<i64> = articles.iter().map(|a| dev_of[a]).collect();
                assert_eq!(
                    ds.len(),
                    1,
                    "one statement reworded by outlets is one development:\n{report}"
                );
            }
            HardCase::NearDuplicate { original, copy } => {
                assert_eq!(dev_of[original], dev_of[copy], "a copy joins its original:\n{report}");
                // Four workers read in any order: the copy may be read before its original, and then the
                // original is the one that comes second and is marked. Either way one points at the other.
                let report_of = |id: &str| {
                    let a = corpus.article(id).unwrap_or_else(|| panic!("no article {id}"));
                    by_url[l.server.article_url(a).as_str()]
                };
                let (o, c) = (report_of(original), report_of(copy));
                let mo = store.membership(o.id).await.expect("m").expect("grouped");
                let mc = store.membership(c.id).await.expect("m").expect("grouped");
                assert!(
                    mc.near_duplicate_of == Some(o.id) || mo.near_duplicate_of == Some(c.id),
                    "one of the pair is marked a near-duplicate of the other: {mo:?} {mc:?}"
                );
            }
            HardCase::SameCityTwoStrikes { events, .. } | HardCase::SameSpeakerTwoSubjects { events, .. } => {
                let a: BTreeSet<i64> = corpus.articles_of(&events[0]).map(|x| dev_of[&x.id()]).collect();
                let b: BTreeSet<i64> = corpus.articles_of(&events[1]).map(|x| dev_of[&x.id()]).collect();
                assert!(a.is_disjoint(&b), "{case:?} stay apart:\n{report}");
            }
            HardCase::OtherLanguage { .. } => {}
        }
    }
    // Every draft traces its claims to its reports; corroboration is the number of outlets.
    for d in &devs {
        let v = app.development(d.id).await.expect("view");
        let refs: Vec<&Report> = v.reports.iter().map(|(_, r)| r).collect();
        if d.status == livebrief_model::DevStatus::Merged {
            // Merged into another by the grouper: its reports moved, its last draft stays as history.
            assert!(refs.is_empty(), "a merged development holds no reports: #{}", d.id.0);
            assert!(
                v.records.iter().any(|r| r.action == "merge"),
                "#{}: {:?}",
                d.id.0,
                v.records
            );
            continue;
        }
        livebrief_app::draft::verify(&d.draft, &refs).unwrap_or_else(|e| {
            let ids: Vec<i64> = refs.iter().map(|r| r.id.0).collect();
            panic!(
                "development #{} ({:?}, reports {ids:?}): {e}\n{:#?}\n{:#?}",
                d.id.0, d.status, d.draft, v.records
            )
        });
        let outlets: BTreeSet<&str> = refs.iter().map(|r| r.source.as_str()).collect();
        assert_eq!(d.outlet_count as usize, outlets.len());
    }

    // Polling again: validators give 304s, nothing new; the loop is idempotent.
    let again = poll_all(&l).await;
    for p in &again {
        assert!(
            matches!(
                p.outcome,
                PollOutcome::NotModified | PollOutcome::Fetched { new_items: 0, .. }
            ),
            "{p:?}"
        );
        assert_eq!(p.added.new_jobs, 0);
    }
    assert!(
        again.iter().any(|p| p.outcome == PollOutcome::NotModified),
        "conditional GET is used"
    );
    for s in l.ingest.sources(Some("war")).await.expect("sources") {
        assert_eq!(s.health().as_str(), "healthy", "{s:?}");
    }
}
