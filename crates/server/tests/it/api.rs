use axum::http::{Method, StatusCode};
use livebrief_model::Role;
use serde_json::json;

use crate::support::TestApp;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn entries_lifecycle_over_the_api() {
    let t = TestApp::new().await;
    let tok = t.with_briefing().await;
    let e = t.publish(&tok, "Talks open", json!({"topics": ["Diplomacy"], "sources": [{"outlet": "Example Wire", "url": "https://example.org/a"}], "happened_on": "2025-03-12"})).await;
    assert_eq!(e["status"], "published");
    assert_eq!(e["happened_on"], "2025-03-12");
    assert_eq!(e["permalink"], format!("/b/war/e/{}", e["id"]));
    let id = e["id"].as_i64().expect("id");

    // Correction through PATCH keeps the old text in revisions.
    let r = t
        .api(
            Method::PATCH,
            &format!("/api/v1/entries/{id}"),
            Some(&tok),
            Some(json!({"headline": "Talks open in Riyadh", "correction_note": "Added the city.", "version": 1})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let e2 = r.json();
    assert_eq!(e2["version"], 2);
    assert_eq!(e2["correction"]["note"], "Added the city.");
    assert!(e2["revised_at"].is_string());
    // The same stale version again conflicts.
    let r = t
        .api(
            Method::PATCH,
            &format!("/api/v1/entries/{id}"),
            Some(&tok),
            Some(json!({"headline": "x", "version": 1})),
        )
        .await;
    assert_eq!((r.status, r.code().as_str()), (StatusCode::CONFLICT, "conflict"));
    let revs = t
        .api(
            Method::GET,
            &format!("/api/v1/entries/{id}/revisions"),
            Some(&tok),
            None,
        )
        .await
        .json();
    let heads: Vec<&str> = revs
        .as_array()
        .expect("array")
        .iter()
        .map(|r| r["headline"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(heads, vec!["Talks open", "Talks open in Riyadh"]);
    // Readers get the history the permalink shows: the correction with the headline it replaced.
    let revs = t.get(&format!("/api/v1/entries/{id}/revisions")).await.json();
    assert_eq!(revs[1]["action"], "correct");
    assert_eq!(revs[1]["previous_headline"], "Talks open");

    // Pin, key event, retract.
    let r = t
        .api(
            Method::POST,
            &format!("/api/v1/entries/{id}/pin"),
            Some(&tok),
            Some(json!({"pinned": true})),
        )
        .await;
    assert_eq!(r.json()["pinned"], true);
    let r = t
        .api(
            Method::POST,
            &format!("/api/v1/entries/{id}/key-event"),
            Some(&tok),
            Some(json!({"key_event": true})),
        )
        .await;
    assert_eq!(r.json()["key_event"], true);
    let r = t
        .api(
            Method::POST,
            &format!("/api/v1/entries/{id}/retract"),
            Some(&tok),
            Some(json!({"note": "Report withdrawn by the outlet."})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()["status"], "retracted");
    assert_eq!(r.json()["pinned"], false, "retraction unpins");

    // Events poll endpoint carries the same stream as SSE.
    let ev = t.get("/api/v1/briefings/war/events?after=0").await.json();
    let kinds: Vec<&str> = ev["events"]
        .as_array()
        .expect("events")
        .iter()
        .map(|e| e["kind"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(kinds, vec!["published", "updated", "pinned", "updated", "retracted"]);
    let last = ev["last_event_id"].as_i64().expect("last");
    let ev = t
        .get(&format!("/api/v1/briefings/war/events?after={last}"))
        .await
        .json();
    assert_eq!(ev["events"].as_array().map(Vec::len), Some(0));
    assert_eq!(ev["last_event_id"].as_i64(), Some(last));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cursor_pagination_and_filters() {
    let t = TestApp::new().await;
    let tok = t.with_briefing().await;
    for i in 0..7 {
        let topics = if i % 2 == 0 {
            json!(["Energy"])
        } else {
            json!(["Sanctions"])
        };
        t.publish(&tok, &format!("E{i}"), json!({"topics": topics})).await;
    }
    let mut seen = Vec::new();
    let mut url = "/api/v1/briefings/war/entries?limit=3".to_string();
    loop {
        let page = t.get(&url).await.json();
        seen.extend(
            page["items"]
                .as_array()
                .expect("items")
                .iter()
                .map(|e| e["headline"].as_str().unwrap_or("").to_string()),
        );
        match page["next_cursor"].as_str() {
            Some(c) => url = format!("/api/v1/briefings/war/entries?limit=3&cursor={c}"),
            None => break,
        }
    }
    assert_eq!(seen, vec!["E6", "E5", "E4", "E3", "E2", "E1", "E0"]);
    let oldest = t.get("/api/v1/briefings/war/entries?order=oldest&limit=2").await.json();
    assert_eq!(oldest["items"][0]["headline"], "E0");
    let energy = t.get("/api/v1/briefings/war/entries?topic=energy").await.json();
    assert_eq!(energy["items"].as_array().map(Vec::len), Some(4));
    let bad = t.get("/api/v1/briefings/war/entries?cursor=nonsense").await;
    assert_eq!(
        (bad.status, bad.code().as_str()),
        (StatusCode::BAD_REQUEST, "bad_request")
    );
    let drafts = t.get("/api/v1/briefings/war/entries?status=draft").await;
    assert_eq!(
        drafts.status,
        StatusCode::UNAUTHORIZED,
        "non-public statuses need a sign-in"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn etag_and_conditional_get() {
    let t = TestApp::new().await;
    let tok = t.with_briefing().await;
    t.publish(&tok, "One", json!({})).await;
    let r = t.get("/api/v1/briefings/war/entries").await;
    let etag = r.header("etag");
    assert!(etag.starts_with('"') && etag.len() > 10, "{etag}");
    let again = t
        .get_with("/api/v1/briefings/war/entries", &[("if-none-match", &etag)])
        .await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    assert!(again.body.is_empty());
    t.publish(&tok, "Two", json!({})).await;
    let changed = t
        .get_with("/api/v1/briefings/war/entries", &[("if-none-match", &etag)])
        .await;
    assert_eq!(changed.status, StatusCode::OK);
    assert_ne!(changed.header("etag"), etag);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn contributors_wait_for_approval() {
    let t = TestApp::new().await;
    let ed = t.with_briefing().await;
    let co = t.user("cora", Role::Contributor).await;
    let r = t
        .api(
            Method::POST,
            "/api/v1/briefings/war/entries",
            Some(&co),
            Some(json!({"headline": "From the field", "body": "Seen."})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    let e = r.json();
    assert_eq!(e["status"], "pending");
    let id = e["id"].as_i64().expect("id");
    assert_eq!(
        t.get("/api/v1/briefings/war/entries").await.json()["items"]
            .as_array()
            .map(Vec::len),
        Some(0)
    );
    assert_eq!(
        t.get(&format!("/api/v1/entries/{id}")).await.status,
        StatusCode::NOT_FOUND,
        "pending entries are not public"
    );
    let r = t
        .api(Method::POST, &format!("/api/v1/entries/{id}/approve"), Some(&co), None)
        .await;
    assert_eq!((r.status, r.code().as_str()), (StatusCode::FORBIDDEN, "forbidden"));
    let r = t
        .api(
            Method::POST,
            &format!("/api/v1/entries/{id}/pin"),
            Some(&co),
            Some(json!({"pinned": true})),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let pending = t
        .api(
            Method::GET,
            "/api/v1/briefings/war/entries?status=pending",
            Some(&ed),
            None,
        )
        .await
        .json();
    assert_eq!(pending["items"][0]["id"].as_i64(), Some(id));
    let r = t
        .api(
            Method::POST,
            &format!("/api/v1/entries/{id}/approve"),
            Some(&ed),
            Some(json!({"version": 1})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()["status"], "published");
    assert_eq!(
        t.get("/api/v1/briefings/war/entries").await.json()["items"][0]["id"].as_i64(),
        Some(id)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_gets_clear_errors_and_loses_nothing() {
    let t = TestApp::new().await;
    let tok = t.with_briefing().await;
    t.publish(&tok, "Kept", json!({})).await;
    let huge = "x".repeat(300 * 1024);
    let r = t
        .api(
            Method::POST,
            "/api/v1/briefings/war/entries",
            Some(&tok),
            Some(json!({"headline": "big", "body": huge})),
        )
        .await;
    assert_eq!(
        (r.status, r.code().as_str()),
        (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large")
    );

    let req = axum::http::Request::post("/api/v1/briefings/war/entries")
        .header("authorization", format!("Bearer {tok}"))
        .header("content-type", "application/json")
        .body(axum::body::Body::from("{\"headline\": \"unterminated"))
        .expect("req");
    let r = t.send(req).await;
    assert_eq!((r.status, r.code().as_str()), (StatusCode::BAD_REQUEST, "invalid_json"));
    let r = t
        .api(
            Method::POST,
            "/api/v1/briefings/war/entries",
            Some(&tok),
            Some(json!({"headline": "x", "surprise": 1})),
        )
        .await;
    assert_eq!(r.code(), "invalid_json", "unknown fields are refused: {}", r.text());
    let req = axum::http::Request::post("/api/v1/briefings/war/entries")
        .header("authorization", format!("Bearer {tok}"))
        .body(axum::body::Body::from("headline=x"))
        .expect("req");
    assert_eq!(t.send(req).await.code(), "unsupported_media_type");

    let r = t
        .api(
            Method::POST,
            "/api/v1/briefings/nope/entries",
            Some(&tok),
            Some(json!({"headline": "x"})),
        )
        .await;
    assert_eq!((r.status, r.code().as_str()), (StatusCode::NOT_FOUND, "not_found"));
    assert_eq!(t.get("/api/v1/briefings/nope").await.status, StatusCode::NOT_FOUND);
    assert_eq!(t.get("/b/nope").await.status, StatusCode::NOT_FOUND);
    assert_eq!(t.get("/api/v1/entries/999999").await.status, StatusCode::NOT_FOUND);

    let r = t
        .api(
            Method::POST,
            "/api/v1/briefings/war/entries",
            None,
            Some(json!({"headline": "x"})),
        )
        .await;
    assert_eq!(
        (r.status, r.code().as_str()),
        (StatusCode::UNAUTHORIZED, "unauthorized")
    );
    let r = t
        .api(
            Method::POST,
            "/api/v1/briefings/war/entries",
            Some("lb_forged"),
            Some(json!({"headline": "x"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let r = t
        .api(
            Method::POST,
            "/api/v1/briefings/war/entries",
            Some(&tok),
            Some(json!({"headline": "  "})),
        )
        .await;
    assert_eq!(
        (r.status, r.code().as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, "validation_failed")
    );
    let r = t
        .api(
            Method::POST,
            "/api/v1/briefings/war/entries",
            Some(&tok),
            Some(json!({"headline": "x", "sources": [{"outlet": "o", "url": "javascript:alert(1)"}]})),
        )
        .await;
    assert_eq!(r.code(), "validation_failed");
    let r = t.api(Method::DELETE, "/api/v1/briefings/war", Some(&tok), None).await;
    assert_eq!(
        (r.status, r.code().as_str()),
        (StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed")
    );
    let r = t.get("/api/v1/nothing-here").await;
    assert_eq!(r.code(), "not_found");

    let items = t.get("/api/v1/briefings/war/entries").await.json();
    let heads: Vec<&str> = items["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|e| e["headline"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(heads, vec!["Kept"], "bad requests changed nothing");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn operations_endpoints_and_security_headers() {
    let t = TestApp::new().await;
    let tok = t.with_briefing().await;
    t.publish(&tok, "One", json!({})).await;
    assert_eq!(t.get("/healthz").await.text(), "ok");
    assert_eq!(t.get("/readyz").await.status, StatusCode::OK);
    t.get("/b/war").await;
    let m = t.get("/metrics").await.text();
    for name in [
        "livebrief_http_requests_total",
        "livebrief_sse_subscribers",
        "livebrief_page_cache_misses_total",
    ] {
        assert!(m.contains(name), "metrics lack {name}:\n{m}");
    }
    for path in [
        "/",
        "/b/war",
        "/api/v1/briefings",
        "/login",
        "/b/war/feed.atom",
        "/nope",
    ] {
        let r = t.get(path).await;
        let csp = r.header("content-security-policy");
        assert!(
            csp.contains("script-src 'self'")
                && !csp.contains("unsafe-inline")
                && csp.contains("frame-ancestors 'none'"),
            "{path}: {csp}"
        );
        assert_eq!(r.header("x-content-type-options"), "nosniff", "{path}");
    }
    let me = t.api(Method::GET, "/api/v1/me", Some(&tok), None).await.json();
    assert_eq!(
        (me["name"].as_str(), me["role"].as_str()),
        (Some("eda"), Some("editor"))
    );
    t.shutdown.cancel();
    assert_eq!(t.get("/readyz").await.status, StatusCode::SERVICE_UNAVAILABLE);
}
