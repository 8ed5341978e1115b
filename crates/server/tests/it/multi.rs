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

/// Synthetic reports written for this test: three outlets on one statement, then a wire story that a fourth
/// outlet runs word for word.
const STATEMENT: &[(&str, &str, &str)] = &[
    (
        "Wire One",
        "https://one.example/peskov",
        "Kremlin spokesman Dmitry Peskov said on Thursday that the talks with US envoy Steve Witkoff in Moscow \
         had been useful and that contacts would continue. “The conversation was useful and frank,” Peskov told reporters.",
    ),
    (
        "Second Daily",
        "https://two.example/peskov",
        "The talks with US envoy Steve Witkoff in Moscow were useful, Kremlin spokesman Dmitry Peskov told \
         journalists on Thursday, adding that contacts between Moscow and Washington would continue.",
    ),
    (
        "Third Post",
        "https://three.example/peskov",
        "According to Kremlin spokesman Dmitry Peskov, the talks with US envoy Steve Witkoff in Moscow on Thursday \
         were useful and contacts will continue, while the date of a new meeting has not been set.",
    ),
];

async fn post_report(t: &TestApp, tok: &str, outlet: &str, url: &str, text: &str) -> i64 {
    let r = t
        .api(
            Method::POST,
            "/api/v1/briefings/war/reports",
            Some(tok),
            Some(json!({"text": text, "url": url, "title": "", "source": outlet, "published": "2025-03-13"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    r.json()["id"].as_i64().expect("report id")
}

async fn development_of(store: &PgStore, report: i64) -> i64 {
    use livebrief_store::DeskStore;
    store
        .membership(livebrief_model::ReportId(report))
        .await
        .expect("membership")
        .expect("the report is grouped")
        .development_id
        .0
}

/// Grouping and desk decisions on two instances keep one desk: an editor's split on B is known to A's grouper
/// when the next report comes in there (a near-duplicate of the report split off follows it to its new
/// development, not the development A's grouper last saw it in).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn grouping_on_two_instances_follows_the_desk_on_either() {
    let Some(s) = schema("grouping").await else { return };
    let (a, store) = instance(&s).await;
    let (b, _) = instance(&s).await;
    let tok = a.with_briefing().await;
    // Reports come in on both instances.
    let mut ids = Vec::new();
    for (i, (outlet, url, text)) in STATEMENT.iter().enumerate() {
        let on = if i % 2 == 0 { &a } else { &b };
        ids.push(post_report(on, &tok, outlet, url, text).await);
    }
    let dev = development_of(&store, ids[0]).await;
    for &r in &ids {
        assert_eq!(
            development_of(&store, r).await,
            dev,
            "one statement, one development, whichever instance grouped the report"
        );
    }
    // An editor on B splits the third report off.
    let version = b
        .api(Method::GET, &format!("/api/v1/developments/{dev}"), Some(&tok), None)
        .await
        .json()["development"]["version"]
        .as_i64()
        .expect("version");
    let r = b
        .api(
            Method::POST,
            &format!("/api/v1/developments/{dev}/decisions"),
            Some(&tok),
            Some(json!({"action": "split", "reports": [ids[2]], "version": version})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let split_to = development_of(&store, ids[2]).await;
    assert_ne!(split_to, dev, "the split moved it");
    // A fourth outlet runs the third report word for word; it arrives on A, whose grouper held the third
    // report in the first development before the split.
    let mut desk_on_b = b.state.app.subscribe_desk();
    let copy = post_report(&a, &tok, "Fourth Wire", "https://four.example/peskov", STATEMENT[2].2).await;
    assert_eq!(
        development_of(&store, copy).await,
        split_to,
        "a near-duplicate joins its original where the desk put it, on any instance"
    );
    // B's desk view hears of it (the desk's live updates follow other instances).
    let heard = tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            let n = desk_on_b.recv().await.expect("desk bus");
            if n.change == livebrief_app::DeskChange::Development(livebrief_model::DevelopmentId(split_to)) {
                return n;
            }
        }
    })
    .await
    .expect("B's desk view heard of A's grouping within 5 s");
    assert_eq!(heard.briefing_id, livebrief_model::BriefingId(1));
    // And the other way round: reports grouped on A are known to B's grouper.
    let copy2 = post_report(&b, &tok, "Fifth Wire", "https://five.example/peskov", STATEMENT[0].2).await;
    assert_eq!(development_of(&store, copy2).await, dev);
}

/// The sign-in limit counts attempts on every instance: a client sent round-robin gets no more tries.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_limits_hold_across_instances() {
    let Some(s) = schema("logins").await else { return };
    let (a, _) = instance(&s).await;
    let (b, _) = instance(&s).await;
    a.user("eda", livebrief_model::Role::Editor).await;
    // A name with a NUL and other control characters is an ordinary wrong name (PostgreSQL text holds no NUL:
    // the limiter's keys never carry one).
    let (pre, csrf) = b.login_form().await;
    let r = b
        .post_form(
            "/login",
            &pre,
            &[
                ("csrf", &csrf),
                ("name", "ed\0a\u{1b}"),
                ("password", "wrong password here"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.text());
    // The default limit is five failures per (account, address) in the window.
    for i in 0..5 {
        let on = if i % 2 == 0 { &a } else { &b };
        let (pre, csrf) = on.login_form().await;
        let r = on
            .post_form(
                "/login",
                &pre,
                &[("csrf", &csrf), ("name", "eda"), ("password", "wrong password here")],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "attempt {i}: {}", r.text());
    }
    for on in [&a, &b] {
        let (pre, csrf) = on.login_form().await;
        let r = on
            .post_form(
                "/login",
                &pre,
                &[("csrf", &csrf), ("name", "eda"), ("password", crate::support::PASSWORD)],
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::TOO_MANY_REQUESTS,
            "five failures over two instances"
        );
    }
}

/// PostgreSQL text cannot hold a NUL (SQLite can): a NUL anywhere in a request is refused or treated as not
/// found, never a 500. Every route of the router, with each path parameter, common query parameters and every
/// usual JSON field carrying a NUL, as an editor.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_nul_in_any_input_is_never_a_server_error_on_postgresql() {
    let Some(s) = schema("nul").await else { return };
    let (a, _) = instance(&s).await;
    let tok = a.with_briefing().await;
    let nul = "a\u{0}b";
    let body = json!({
        "text": nul, "headline": nul, "body": nul, "title": nul, "summary": nul, "slug": nul, "url": nul,
        "name": nul, "source": nul, "language": nul, "published": nul, "topics": [nul], "note": nul,
        "correction": nul, "reason": nul, "action": nul, "kind": nul, "password": nul, "role": nul,
        "reports": [1], "speaker": nul,
    });
    let query = "?q=a%00b&topic=a%00b&speaker=a%00b&place=a%00b&outlet=a%00b&status=a%00b&language=a%00b\
                 &before=a%00b&after=a%00b&cursor=a%00b&order=a%00b";
    let mut failures = Vec::new();
    for (method, path) in livebrief_server::routes() {
        let mut p = String::new();
        let mut in_param = false;
        for c in path.chars() {
            match c {
                '{' => {
                    in_param = true;
                    p.push_str("a%00b");
                }
                '}' => in_param = false,
                c if !in_param => p.push(c),
                _ => {}
            }
        }
        for (uri, json_body) in [(format!("{p}{query}"), None), (p.clone(), Some(body.clone()))] {
            if json_body.is_some() && method == Method::GET {
                continue;
            }
            let r = a.api(method.clone(), &uri, Some(&tok), json_body).await;
            if r.status.is_server_error() {
                failures.push(format!("{method} {uri}: {} {}", r.status, r.text()));
            }
        }
        // The same with the parameters made real where the path has none.
        if !path.contains('{') && method != Method::GET {
            let r = a.api(method.clone(), &path, Some(&tok), Some(body.clone())).await;
            if r.status.is_server_error() {
                failures.push(format!("{method} {path}: {} {}", r.status, r.text()));
            }
        }
    }
    // And in the places a real briefing's routes read text from.
    for (method, uri) in [
        (Method::GET, "/b/war?topic=a%00b"),
        (Method::GET, "/b/war/feed.atom?topic=a%00b"),
        (Method::GET, "/api/v1/briefings/war/entries?topic=a%00b"),
        (
            Method::GET,
            "/api/v1/briefings/war/developments?speaker=a%00b&place=a%00b",
        ),
        (Method::GET, "/api/v1/quotes?speaker=a%00b&q=a%00b"),
    ] {
        let r = a.api(method.clone(), uri, Some(&tok), None).await;
        if r.status.is_server_error() {
            failures.push(format!("{method} {uri}: {} {}", r.status, r.text()));
        }
    }
    for (path, field) in [
        ("/api/v1/briefings/war/reports", "text"),
        ("/api/v1/briefings/war/reports", "source"),
        ("/api/v1/briefings/war/reports", "title"),
        ("/api/v1/briefings/war/reports", "url"),
        ("/api/v1/briefings/war/entries", "body"),
        ("/api/v1/briefings/war/entries", "headline"),
        ("/api/v1/briefings/war/sources", "url"),
        ("/api/v1/briefings/war/sources", "title"),
    ] {
        let mut b = json!({
            "text": "Kremlin spokesman Dmitry Peskov said on Thursday the talks were useful.",
            "source": "Wire", "title": "Talks", "url": "https://one.example/a", "published": "2025-03-13",
            "headline": "Talks", "body": "Delegations met.", "kind": "feed",
        });
        b[field] = json!(nul);
        let r = a.api(Method::POST, path, Some(&tok), Some(b)).await;
        if r.status.is_server_error() {
            failures.push(format!("POST {path} with a NUL in {field}: {} {}", r.status, r.text()));
        }
    }
    assert!(
        failures.is_empty(),
        "{} server errors:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
