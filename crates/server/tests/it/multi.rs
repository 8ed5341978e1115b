//! Several instances on one PostgreSQL database (a schema of its own per test): events, briefings and replay
//! across instances, and recovery when an instance's LISTEN connection is killed. Without a server these say
//! "skipped" and pass, unless `CI` is set.

use std::sync::Arc;
use std::time::Duration;

use axum::http::{Method, StatusCode};
use livebrief_store::PgStore;
use livebrief_store::testing::TestSchema as Schema;
use serde_json::json;

use crate::sse::{SseClient, serve};
use crate::support::TestApp;

/// A schema of its own for this test's instances (`multi_` + tag).
async fn schema(tag: &str) -> Option<Schema> {
    livebrief_store::testing::schema(&format!("multi_{tag}")).await
}

async fn instance(s: &Schema) -> (TestApp, Arc<PgStore>) {
    let store = Arc::new(PgStore::open_in_schema(&s.url, &s.name).await.expect("open PgStore"));
    (TestApp::on_store(store.clone()).await, store)
}

/// Reads `n` events, checking their ids are the next `n` after `after` (a briefing's ids on PostgreSQL are
/// contiguous): no gap, no duplicate. Returns them.
async fn next_n(c: &mut SseClient, after: i64, n: usize) -> Vec<crate::sse::Event> {
    let mut out: Vec<crate::sse::Event> = Vec::new();
    for k in 0..n {
        // Heartbeats keep an idle stream open: a missing event must fail the test, not hang it.
        let e = tokio::time::timeout(Duration::from_secs(10), c.next_event())
            .await
            .unwrap_or_else(|_| panic!("event {k} of {n} did not come within 10 s"))
            .unwrap_or_else(|| panic!("the stream ended after {k} of {n}"));
        let prev = out.last().and_then(|e| e.id).unwrap_or(after);
        assert_eq!(
            e.id,
            Some(prev + 1),
            "event {k} of {n} after {prev}: a gap or a duplicate"
        );
        out.push(e);
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_share_briefings_events_and_replay() {
    let Some(s) = schema("share").await else { return };
    let (a, _) = instance(&s).await;
    let (b, _) = instance(&s).await;
    // A briefing created on A is served by B at once (no waiting for the notification).
    let tok = a.with_briefing().await;
    let page = b.get("/b/war").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text());
    assert!(page.text().contains("War in Ukraine"));
    let cached_on_b = |b: &TestApp| {
        let req = axum::http::Request::get("/b/war")
            .body(axum::body::Body::empty())
            .expect("req");
        b.router.cached(&req).is_some()
    };
    assert!(cached_on_b(&b), "B answers its page from its render cache");

    let (addr_a, _ta) = serve(&a).await;
    let (addr_b, _tb) = serve(&b).await;
    let (_, mut on_a) = SseClient::connect_with(addr_a, "/b/war/events?last_event_id=0", &[]).await;
    let (_, mut on_b) = SseClient::connect_with(addr_b, "/b/war/events?last_event_id=0", &[]).await;

    // A 9 KB entry published on A reaches B's reader whole (the notification carries ids only).
    let big = "Shelling reported overnight near the river crossing. ".repeat(170);
    assert!(big.len() > 9000);
    let r = a
        .api(
            Method::POST,
            "/api/v1/briefings/war/entries",
            Some(&tok),
            Some(json!({"headline": "Long dispatch", "body": big})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let started = std::time::Instant::now();
    let e = &next_n(&mut on_b, 0, 1).await[0];
    eprintln!("A's publish reached B's reader in {:?}", started.elapsed());
    assert_eq!(e.kind, "published");
    assert_eq!(e.json()["entry_id"], r.json()["id"]);
    assert!(
        e.json()["html"]
            .as_str()
            .unwrap_or_default()
            .matches("river crossing")
            .count()
            >= 170
    );
    next_n(&mut on_a, 0, 1).await;
    // B's cached page changed with the event: B's next reader gets the entry, not the cached page.
    assert!(!cached_on_b(&b), "B's cached page is stale as soon as B has the event");
    assert!(b.get("/b/war").await.text().contains("Long dispatch"));
    assert!(cached_on_b(&b));

    // Both instances publish at once: each reader gets all 40 events, once each, in id order.
    let (ta, tb) = (tok.clone(), b.user("edb", livebrief_model::Role::Editor).await);
    let (pa, pb) = (Arc::new(a), Arc::new(b));
    let jobs: Vec<_> = [(pa.clone(), ta, "A"), (pb.clone(), tb, "B")]
        .into_iter()
        .map(|(t, tok, who)| {
            tokio::spawn(async move {
                for i in 0..20 {
                    let r = t
                        .api(
                            Method::POST,
                            "/api/v1/briefings/war/entries",
                            Some(&tok),
                            Some(json!({"headline": format!("{who} {i}")})),
                        )
                        .await;
                    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
                }
            })
        })
        .collect();
    for j in jobs {
        j.await.expect("publisher");
    }
    let from_a: Vec<String> = next_n(&mut on_a, 1, 40).await.iter().map(|e| e.data.clone()).collect();
    let from_b: Vec<String> = next_n(&mut on_b, 1, 40).await.iter().map(|e| e.data.clone()).collect();
    for who in ["A", "B"] {
        for i in 0..20 {
            let h = format!("\"headline\":\"{who} {i}\"");
            assert_eq!(from_b.iter().filter(|d| d.contains(&h)).count(), 1, "{h} once on B");
        }
    }
    assert_eq!(from_a.len(), from_b.len());

    // A title changed on A: B's briefing list follows, and B's reader hears of it.
    let r = pa
        .api(
            Method::PATCH,
            "/api/v1/briefings/war",
            Some(&tok),
            Some(json!({"title": "War in Ukraine, day 1,000"})),
        )
        .await;
    assert!(r.status.is_success(), "{} {}", r.status, r.text());
    let e = &next_n(&mut on_b, 41, 1).await[0];
    assert_eq!(e.kind, "briefing_updated");
    assert_eq!(
        pb.state.app.briefing("war").expect("known").0.title,
        "War in Ukraine, day 1,000"
    );
    let page = pb.get("/b/war").await;
    assert!(
        page.text().contains("War in Ukraine, day 1,000"),
        "B's cached page was refreshed"
    );

    // Last-Event-ID replay on B of what A wrote.
    let (_, mut again) = SseClient::connect_with(addr_b, "/b/war/events", &[("Last-Event-ID", "40")]).await;
    let replayed = next_n(&mut again, 40, 2).await;
    assert_eq!(replayed[1].kind, "briefing_updated");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_listen_connection_loses_no_event() {
    let Some(s) = schema("kill").await else { return };
    let (a, _) = instance(&s).await;
    let (b, b_store) = instance(&s).await;
    let tok = a.with_briefing().await;
    let (addr_b, _tb) = serve(&b).await;
    let (_, mut on_b) = SseClient::connect_with(addr_b, "/b/war/events?last_event_id=0", &[]).await;
    a.publish(&tok, "Before", json!({})).await;
    next_n(&mut on_b, 0, 1).await;

    let pid = b_store.listener_pid().expect("B listens");
    let (killer, conn) = s
        .url
        .parse::<tokio_postgres::Config>()
        .expect("url")
        .connect(tokio_postgres::NoTls)
        .await
        .expect("connect");
    tokio::spawn(conn);
    let killed: bool = killer
        .query_one("SELECT pg_terminate_backend($1)", &[&pid])
        .await
        .expect("terminate")
        .get(0);
    assert!(killed);
    // Published while B is not listening: only B's catch-up from the store can bring these.
    for i in 0..5 {
        a.publish(&tok, &format!("While down {i}"), json!({})).await;
    }
    let got = next_n(&mut on_b, 1, 5).await;
    for (i, e) in got.iter().enumerate() {
        assert_eq!(e.json()["headline"], format!("While down {i}"));
    }
    let new_pid = b_store.listener_pid();
    assert!(
        new_pid.is_some() && new_pid != Some(pid),
        "B listens again, on a new connection"
    );
    // And live again.
    a.publish(&tok, "After", json!({})).await;
    let e = &next_n(&mut on_b, 6, 1).await[0];
    assert_eq!(e.json()["headline"], "After");
    // Nothing twice: no further event is waiting.
    assert!(
        tokio::time::timeout(Duration::from_millis(1500), on_b.next_event())
            .await
            .is_err(),
        "an event came twice"
    );
}
