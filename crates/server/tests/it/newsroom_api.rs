//! The newsroom loop through the JSON API: developments and decisions, sources, jobs.

use axum::http::{Method, StatusCode};
use livebrief_model::{JobState, NewJob, Retry, Role, SourceId};
use livebrief_store::SeenItem;
use serde_json::json;

use crate::support::TestApp;

/// Synthetic reports written for this test: three outlets on one statement.
const REPORTS: &[(&str, &str, &str, &str)] = &[
    (
        "Wire One",
        "https://one.example/peskov",
        "Kremlin calls talks with US envoy useful",
        "Kremlin spokesman Dmitry Peskov said on Thursday that the talks with US envoy Steve Witkoff in Moscow \
         had been useful and that contacts would continue. “The conversation was useful and frank,” Peskov told reporters.",
    ),
    (
        "Second Daily",
        "https://two.example/peskov",
        "Peskov: Witkoff talks were useful",
        "The talks with US envoy Steve Witkoff in Moscow were useful, Kremlin spokesman Dmitry Peskov told \
         journalists on Thursday, adding that contacts between Moscow and Washington would continue.",
    ),
    (
        "Third Post",
        "https://three.example/peskov",
        "Moscow says contacts with Witkoff to continue",
        "According to Kremlin spokesman Dmitry Peskov, the talks with US envoy Steve Witkoff in Moscow on Thursday \
         were useful and contacts will continue.",
    ),
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn developments_form_from_reports_and_editors_decide_through_the_api() {
    let t = TestApp::new().await;
    let ed = t.with_briefing().await;
    let co = t.user("cora", Role::Contributor).await;
    for (outlet, url, title, text) in REPORTS {
        let r = t
            .api(
                Method::POST,
                "/api/v1/briefings/war/reports",
                Some(&co),
                Some(json!({"text": text, "url": url, "title": title, "source": outlet, "published": "2025-03-13"})),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    }
    let r = t
        .api(Method::GET, "/api/v1/briefings/war/developments", None, None)
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "the desk's view is not public");
    let r = t
        .api(Method::GET, "/api/v1/briefings/war/developments", Some(&co), None)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let list = r.json();
    let devs = list.as_array().expect("array");
    assert_eq!(devs.len(), 1, "{list:#}");
    let d = &devs[0];
    assert_eq!(
        (d["report_count"].as_u64(), d["outlet_count"].as_u64()),
        (Some(3), Some(3))
    );
    assert!(
        d["body"]
            .as_str()
            .unwrap_or_default()
            .contains("Dmitry Peskov said on March 13"),
        "{d:#}"
    );
    assert!(d["draft"]["pieces"].as_array().is_some_and(|p| !p.is_empty()));
    let id = d["id"].as_i64().expect("id");
    let version = d["version"].as_i64().expect("version");

    let r = t
        .api(
            Method::GET,
            "/api/v1/briefings/war/developments?speaker=Dmitry%20Peskov&order=corroborated",
            Some(&co),
            None,
        )
        .await;
    assert_eq!(r.json().as_array().map(Vec::len), Some(1));
    let r = t
        .api(
            Method::GET,
            "/api/v1/briefings/war/developments?place=Odesa",
            Some(&co),
            None,
        )
        .await;
    assert_eq!(r.json().as_array().map(Vec::len), Some(0));
    let r = t
        .api(
            Method::GET,
            "/api/v1/briefings/war/developments?status=bogus",
            Some(&co),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);

    let r = t
        .api(Method::GET, &format!("/api/v1/developments/{id}"), Some(&co), None)
        .await;
    let detail = r.json();
    assert_eq!(detail["reports"].as_array().map(Vec::len), Some(3), "{detail:#}");

    let r = t
        .api(
            Method::POST,
            &format!("/api/v1/developments/{id}/decisions"),
            Some(&co),
            Some(json!({"action": "dismiss", "reason": "no"})),
        )
        .await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::FORBIDDEN, "forbidden".to_string()),
        "contributors do not dismiss"
    );
    let r = t
        .api(
            Method::POST,
            &format!("/api/v1/developments/{id}/decisions"),
            Some(&ed),
            Some(json!({"action": "shout"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = t
        .api(
            Method::POST,
            &format!("/api/v1/developments/{id}/decisions"),
            Some(&ed),
            Some(json!({"action": "approve", "version": version - 1})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text());
    let r = t
        .api(
            Method::POST,
            &format!("/api/v1/developments/{id}/decisions"),
            Some(&ed),
            Some(json!({"action": "approve", "version": version})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let d = r.json();
    assert_eq!(d["status"], "published");
    let entry = d["entry"].as_i64().expect("an entry");
    let r = t
        .api(Method::GET, &format!("/api/v1/entries/{entry}"), None, None)
        .await;
    assert_eq!(r.status, StatusCode::OK, "the entry is public: {}", r.text());
    assert_eq!(r.json()["sources"].as_array().map(Vec::len), Some(3), "{}", r.text());
    let page = t.get("/b/war").await.text();
    assert!(
        page.contains("Dmitry Peskov said on March 13"),
        "the reader's page has it"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sources_are_guarded_listed_changed_and_exported() {
    let t = TestApp::new().await;
    let ed = t.with_briefing().await;
    let co = t.user("cora", Role::Contributor).await;
    for (url, why) in [
        // A refused address reads like one that does not answer (`unreachable.rs`); the URL's own faults are named.
        ("http://10.0.0.1/feed.xml", "could not reach the address"),
        ("http://169.254.169.254/latest/meta-data", "could not reach the address"),
        ("http://[::ffff:127.0.0.1]/rss", "could not reach the address"),
        ("http://93.184.216.34:25/rss", "port"),
        ("file:///etc/passwd", "http"),
        ("not a url", "URL"),
    ] {
        let r = t
            .api(
                Method::POST,
                "/api/v1/briefings/war/sources",
                Some(&ed),
                Some(json!({"url": url, "kind": "feed"})),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{url}: {}", r.text());
        assert!(r.text().contains(why), "{url}: the reason is given: {}", r.text());
    }
    let r = t
        .api(
            Method::POST,
            "/api/v1/briefings/war/sources",
            Some(&co),
            Some(json!({"url": "https://93.184.216.34/feed.xml", "kind": "feed"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "contributors do not add sources");
    // A public address with its kind given is added without a request (and stays disabled: no test polls the world).
    let r = t
        .api(
            Method::POST,
            "/api/v1/briefings/war/sources",
            Some(&ed),
            Some(json!({"url": "https://93.184.216.34/feed.xml", "kind": "feed", "title": "Example <Wire>", "language": "en",
                "trust_note": "wire service", "poll_interval_secs": 120, "enabled": false})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let s = r.json();
    assert_eq!(
        (s["health"].as_str(), s["title"].as_str()),
        (Some("disabled"), Some("Example <Wire>"))
    );
    let id = s["id"].as_i64().expect("id");
    let r = t
        .api(
            Method::POST,
            "/api/v1/briefings/war/sources",
            Some(&ed),
            Some(json!({"url": "https://93.184.216.34/feed.xml", "kind": "feed"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "the same address twice");
    let r = t
        .api(
            Method::PATCH,
            &format!("/api/v1/sources/{id}"),
            Some(&ed),
            Some(json!({"poll_interval_secs": 600, "url": "http://192.168.1.5/x"})),
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a new address is checked too: {}",
        r.text()
    );
    let r = t
        .api(
            Method::PATCH,
            &format!("/api/v1/sources/{id}"),
            Some(&ed),
            Some(json!({"poll_interval_secs": 600})),
        )
        .await;
    assert_eq!(r.json()["poll_interval_secs"], 600);

    let opml = r#"<?xml version="1.0"?><opml version="2.0"><head><title>x</title></head><body>
        <outline text="Wire Two" xmlUrl="https://93.184.216.35/rss"/>
        <outline text="Inside" xmlUrl="http://10.1.2.3/rss"/>
        <outline text="Section page" htmlUrl="https://93.184.216.36/world/"/></body></opml>"#;
    let r = t
        .api(
            Method::POST,
            "/api/v1/briefings/war/sources/opml",
            Some(&ed),
            Some(json!({"opml": opml})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let imp = r.json();
    assert_eq!(imp["added"].as_array().map(Vec::len), Some(2), "{imp:#}");
    assert_eq!(imp["skipped"].as_array().map(Vec::len), Some(1));
    assert!(
        imp["skipped"][0]["reason"]
            .as_str()
            .unwrap_or_default()
            .contains("could not reach the address")
    );
    // Imported sources are enabled: turn them off so that nothing here ever polls.
    for s in imp["added"].as_array().expect("added") {
        let sid = s["id"].as_i64().expect("id");
        t.api(
            Method::PATCH,
            &format!("/api/v1/sources/{sid}"),
            Some(&ed),
            Some(json!({"enabled": false})),
        )
        .await;
    }
    let r = t
        .api(Method::GET, "/api/v1/briefings/war/sources/opml", Some(&co), None)
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.header("content-type").starts_with("text/x-opml"));
    let text = r.text();
    let doc = roxmltree::Document::parse(&text).expect("valid XML");
    let outlines: Vec<_> = doc.descendants().filter(|n| n.has_tag_name("outline")).collect();
    assert_eq!(outlines.len(), 3, "{text}");
    assert!(text.contains("Example &lt;Wire&gt;"), "escaped: {text}");
    let r = t
        .api(Method::GET, "/api/v1/briefings/war/sources", Some(&co), None)
        .await;
    assert_eq!(r.json().as_array().map(Vec::len), Some(3));
    let r = t
        .api(Method::DELETE, &format!("/api/v1/sources/{id}"), Some(&co), None)
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = t
        .api(Method::DELETE, &format!("/api/v1/sources/{id}"), Some(&ed), None)
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    let r = t
        .api(Method::DELETE, &format!("/api/v1/sources/{id}"), Some(&ed), None)
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn parked_jobs_are_listed_and_retried() {
    let t = TestApp::new().await;
    let ed = t.with_briefing().await;
    let store = t.state.app.store().clone();
    let b = t.state.app.briefing("war").expect("briefing").0;
    let r = t
        .api(
            Method::POST,
            "/api/v1/briefings/war/sources",
            Some(&ed),
            Some(json!({"url": "https://93.184.216.34/rss", "kind": "feed", "enabled": false})),
        )
        .await;
    let sid = SourceId(r.json()["id"].as_i64().expect("id"));
    let now = t.state.app.now();
    store
        .add_items(
            sid,
            vec![SeenItem {
                key: "k".into(),
                job: Some(NewJob {
                    briefing_id: b.id,
                    source_id: Some(sid),
                    url: "https://93.184.216.34/a".into(),
                    title: "A".into(),
                    outlet: "Wire".into(),
                    published: None,
                    content: None,
                }),
            }],
            200,
            now,
        )
        .await
        .expect("items");
    let job = store.claim_jobs(now, now, 1).await.expect("claim").remove(0);
    store
        .fail_job(&job, "HTTP 404 Not Found", Retry::Park, now)
        .await
        .expect("park");
    let r = t
        .api(Method::GET, "/api/v1/briefings/war/jobs?state=parked", Some(&ed), None)
        .await;
    let jobs = r.json();
    assert_eq!(jobs.as_array().map(Vec::len), Some(1), "{jobs:#}");
    assert_eq!(jobs[0]["last_error"], "HTTP 404 Not Found");
    let r = t
        .api(
            Method::POST,
            &format!("/api/v1/jobs/{}/retry", job.id.0),
            Some(&ed),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()["state"], JobState::Queued.as_str());
    let r = t
        .api(
            Method::POST,
            &format!("/api/v1/jobs/{}/retry", job.id.0),
            Some(&ed),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "only parked jobs are retried");
}
