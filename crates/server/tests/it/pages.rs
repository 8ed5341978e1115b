use axum::http::{Method, StatusCode};
use serde_json::json;

use crate::support::TestApp;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn live_page_structure_and_structured_data() {
    let t = TestApp::new().await;
    let tok = t.with_briefing().await;
    t.publish(&tok, "Old news", json!({"topics": ["Energy"]})).await;
    let key = t
        .publish(&tok, "Talks open", json!({"key_event": true, "topics": ["Diplomacy"]}))
        .await;
    t.publish(&tok, "Read this first", json!({"pinned": true})).await;
    t.publish(&tok, "Latest", json!({"topics": ["Diplomacy"]})).await;

    let r = t.get("/b/war").await;
    assert_eq!(r.status, StatusCode::OK);
    let html = r.text();
    // Landmarks, headings, live region, skip link, lang.
    for needle in [
        "<html lang=\"en\">",
        "<main id=\"main\"",
        "<header class=\"site-header\">",
        "<footer class=\"site-footer\">",
        "aria-live=\"polite\"",
        "class=\"skip-link\" href=\"#main\"",
        "<h1>War in Ukraine</h1>",
    ] {
        assert!(html.contains(needle), "page lacks {needle}");
    }
    // Pinned first, then the stream newest first; key events navigation.
    let pinned = html.find("Read this first").expect("pinned shown");
    let latest = html.find(">Latest</h2>").expect("latest shown");
    let old = html.find(">Old news</h2>").expect("old shown");
    assert!(pinned < latest && latest < old, "order: pinned, newest, oldest");
    assert!(html.contains("aria-labelledby=\"key-events-h\""));
    assert!(html.contains(&format!("href=\"/b/war/e/{}\" data-anchor", key["id"])));
    assert_eq!(html.matches("id=\"e-").count(), 4, "each entry once");
    // Times: machine-readable and absolute without JavaScript.
    assert!(html.contains("<time datetime=\"2025-03-13T09:0"));
    assert!(html.contains("13 Mar 2025, 09:0"));
    // No inline script: only the external script and a JSON-LD data block.
    assert_eq!(html.matches("<script").count(), 2);
    assert!(html.contains("<script src=\"/static/live.js?v="));
    // schema.org LiveBlogPosting.
    let start = html.find("<script type=\"application/ld+json\">").expect("json-ld")
        + "<script type=\"application/ld+json\">".len();
    let end = start + html[start..].find("</script>").expect("end");
    let ld: serde_json::Value = serde_json::from_str(&html[start..end]).expect("valid JSON-LD");
    assert_eq!(ld["@type"], "LiveBlogPosting");
    assert_eq!(ld["url"], "https://briefs.example.org/b/war");
    let updates = ld["liveBlogUpdate"].as_array().expect("updates");
    assert_eq!(updates.len(), 4);
    assert!(
        updates
            .iter()
            .all(|u| u["@type"] == "BlogPosting" && u["datePublished"].is_string() && u["headline"].is_string())
    );
    // Stylesheet is served and prints cleanly.
    let css = t.get("/static/app.css").await;
    assert!(css.text().contains("@media print"));
    assert!(css.header("cache-control").contains("immutable"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pagination_order_and_topics_work_without_javascript() {
    let t = TestApp::new().await;
    let tok = t.with_briefing().await;
    for i in 0..12 {
        let topics = if i % 3 == 0 {
            json!(["Energy"])
        } else {
            json!(["Fighting"])
        };
        t.publish(&tok, &format!("Update number {i:02}"), json!({"topics": topics}))
            .await;
    }
    // Page size is 5 in tests: follow "Older entries" links to the end.
    let mut url = "/b/war".to_string();
    let mut seen = Vec::new();
    for _ in 0..10 {
        let html = t.get(&url).await.text();
        for part in html.split(">Update number ").skip(1) {
            if part[2..].starts_with("</h2>") {
                seen.push(part[..2].to_string());
            }
        }
        match html.find("class=\"older\" href=\"") {
            Some(i) => {
                let rest = &html[i + "class=\"older\" href=\"".len()..];
                url = rest[..rest.find('"').expect("end")].replace("&amp;", "&");
            }
            None => break,
        }
    }
    let expected: Vec<String> = (0..12).rev().map(|i| format!("{i:02}")).collect();
    assert_eq!(seen, expected, "every entry exactly once, newest first");

    let oldest = t.get("/b/war?order=oldest").await.text();
    assert!(oldest.find("Update number 00").expect("00") < oldest.find("Update number 01").expect("01"));
    assert!(
        oldest.contains("data-live=\"0\""),
        "the live insertion is off in oldest-first order"
    );
    let energy = t.get("/b/war?topic=Energy").await.text();
    assert_eq!(energy.matches("<article").count(), 4, "four Energy entries");
    assert!(energy.contains("Updates on Energy"));
    assert_eq!(t.get("/b/war?cursor=garbage").await.status, StatusCode::BAD_REQUEST);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cached_page_revalidates_and_changes_on_publish() {
    let t = TestApp::new().await;
    let tok = t.with_briefing().await;
    t.publish(&tok, "First", json!({})).await;
    let a = t.get("/b/war").await;
    let etag = a.header("etag");
    assert!(!etag.is_empty());
    let b = t.get("/b/war").await;
    assert_eq!(a.body, b.body, "same version, same bytes");
    assert_eq!(
        t.get_with("/b/war", &[("if-none-match", &etag)]).await.status,
        StatusCode::NOT_MODIFIED
    );
    let metrics = t.get("/metrics").await.text();
    assert!(metrics.contains("livebrief_page_cache_hits_total 2"), "{metrics}");

    let second = t.publish(&tok, "Second", json!({})).await;
    let c = t.get_with("/b/war", &[("if-none-match", &etag)]).await;
    assert_eq!(c.status, StatusCode::OK, "a publish invalidates the cached page");
    assert!(c.text().contains("Second"));
    // An edit (not only a publish) invalidates too.
    let id = second["id"].as_i64().expect("id");
    t.api(
        Method::PATCH,
        &format!("/api/v1/entries/{id}"),
        Some(&tok),
        Some(json!({"headline": "Second, edited"})),
    )
    .await;
    assert!(t.get("/b/war").await.text().contains("Second, edited"));
    assert!(t.get("/b/war/feed.atom").await.text().contains("Second, edited"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn permalinks_land_on_the_entry_and_in_context() {
    let t = TestApp::new().await;
    let tok = t.with_briefing().await;
    let mut ids = Vec::new();
    for i in 0..9 {
        ids.push(
            t.publish(&tok, &format!("Item {i}"), json!({})).await["id"]
                .as_i64()
                .expect("id"),
        );
    }
    let r = t.get(&format!("/b/war/e/{}", ids[1])).await;
    assert_eq!(r.status, StatusCode::OK);
    let html = r.text();
    assert!(html.contains("Item 1"));
    let i = html.find("See this update in the live briefing").expect("context link");
    let before = &html[..i];
    let href = &before[before.rfind("href=\"").expect("href") + 6..];
    let href = href[..href.find('"').expect("end")].replace("&amp;", "&");
    let (path, anchor) = href.split_once('#').expect("anchor");
    assert_eq!(anchor, format!("e-{}", ids[1]));
    let ctx = t.get(path).await.text();
    assert!(
        ctx.contains(&format!("id=\"e-{}\"", ids[1])),
        "the in-context page holds the entry deep in the history"
    );
    assert_eq!(
        t.get(&format!("/b/other/e/{}", ids[1])).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(t.get("/b/war/e/123456").await.status, StatusCode::NOT_FOUND);
    assert_eq!(t.get("/b/war/e/notanumber").await.status, StatusCode::BAD_REQUEST);
}

/// A cached page or feed is answered before routing (`Site::cached`); what it answers is exactly what the
/// routed handler answers from the same cache (a query sends the request through the router): the same
/// bytes, the same headers (security headers included), the same 304, the same counts in the metrics.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cached_hit_before_routing_answers_as_the_router_does() {
    use axum::body::Body;
    use axum::http::Request;
    let t = TestApp::new().await;
    let tok = t.with_briefing().await;
    t.publish(&tok, "First", json!({})).await;
    let count = |m: &str, name: &str| -> u64 {
        m.lines()
            .find_map(|l| l.strip_prefix(name)?.strip_prefix(' '))
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(0)
    };
    let before_hit = |path: &str| t.router.cached(&Request::get(path).body(Body::empty()).expect("req"));
    for path in ["/b/war", "/b/war/feed.atom", "/b/war/feed.json"] {
        assert!(before_hit(path).is_none(), "{path}: nothing cached yet");
        let first = t.get(path).await; // rendered by the router's handler
        assert_eq!(first.status, StatusCode::OK, "{path}");
        assert!(before_hit(path).is_some(), "{path} is answered before routing now");
        let routed_path = format!("{path}?utm_source=mail");
        assert!(before_hit(&routed_path).is_none(), "a query goes through the router");

        let m0 = t.get("/metrics").await.text();
        let hit = t.get(path).await;
        let m1 = t.get("/metrics").await.text();
        let routed = t.get(&routed_path).await;
        let m2 = t.get("/metrics").await.text();
        for r in [&first, &routed] {
            assert_eq!(hit.status, r.status, "{path}");
            assert_eq!(hit.headers, r.headers, "{path}: the same headers");
            assert_eq!(hit.body, r.body, "{path}: the same bytes");
        }
        for (name, hit_adds) in [
            ("livebrief_page_cache_hits_total", 1),
            ("livebrief_http_requests_total{class=\"2xx\"}", 2), // the hit and the /metrics read
        ] {
            assert_eq!(count(&m1, name) - count(&m0, name), hit_adds, "{path}: {name}");
            assert_eq!(
                count(&m2, name) - count(&m1, name),
                hit_adds,
                "{path}: {name} when routed"
            );
        }
        for h in [
            "content-security-policy",
            "x-frame-options",
            "strict-transport-security",
            "etag",
        ] {
            assert!(!hit.header(h).is_empty(), "{path} lacks {h}");
        }

        let etag = hit.header("etag");
        let not_modified = t.get_with(path, &[("if-none-match", &etag)]).await;
        let routed_nm = t.get_with(&routed_path, &[("if-none-match", &etag)]).await;
        assert_eq!(not_modified.status, StatusCode::NOT_MODIFIED, "{path}");
        // The router adds `content-length: 0`, which hyper leaves off a 304 on the wire.
        let mut routed_nm_headers = routed_nm.headers.clone();
        routed_nm_headers.remove("content-length");
        assert_eq!(not_modified.headers, routed_nm_headers, "{path}: the same 304");
        assert!(not_modified.body.is_empty());
        let weak_or_listed = format!("\"other\", W/{etag}");
        let r = t.get_with(path, &[("if-none-match", &weak_or_listed)]).await;
        assert_eq!(r.status, StatusCode::NOT_MODIFIED, "{path}: a weak tag in a list");
        let r = t.get_with(path, &[("if-none-match", "\"other\"")]).await;
        assert_eq!(r.status, StatusCode::OK, "{path}: another tag");
    }
    // What the hit path leaves to the router: HEAD, an escaped slug, a trailing slash, other methods.
    let head = t.send(Request::head("/b/war").body(Body::empty()).expect("req")).await;
    assert_eq!(head.status, StatusCode::OK);
    assert!(head.body.is_empty());
    assert_eq!(t.get("/b/w%61r").await.body, t.get("/b/war").await.body);
    assert_eq!(t.get("/b/war/").await.status, StatusCode::NOT_FOUND);
    assert_eq!(t.get("/b/nope").await.status, StatusCode::NOT_FOUND);
    assert!(before_hit("/b/war/feed.rss").is_none());
    let post = t.send(Request::post("/b/war").body(Body::empty()).expect("req")).await;
    assert_eq!(post.status, StatusCode::METHOD_NOT_ALLOWED);

    // A publish changes the version: the next request is not a hit but a fresh rendering.
    t.publish(&tok, "Second", json!({})).await;
    assert!(before_hit("/b/war").is_none(), "the cached page is stale at once");
    assert!(t.get("/b/war").await.text().contains("Second"));
    assert!(before_hit("/b/war").is_some());
}

/// One request on a kept-alive connection; the response head's lines (without `date`) and its body.
async fn exchange(s: &mut tokio::net::TcpStream, path: &str, extra: &str) -> (Vec<String>, Vec<u8>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let wait = std::time::Duration::from_secs(5);
    let req = format!("GET {path} HTTP/1.1\r\nHost: briefs.example.org\r\n{extra}\r\n");
    s.write_all(req.as_bytes()).await.expect("write");
    let mut raw = Vec::new();
    let mut buf = [0u8; 8192];
    let end = loop {
        if let Some(i) = raw.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        let n = tokio::time::timeout(wait, s.read(&mut buf))
            .await
            .expect("in time")
            .expect("read");
        assert!(n > 0, "closed before a response");
        raw.extend_from_slice(&buf[..n]);
    };
    let head = String::from_utf8_lossy(&raw[..end]).into_owned();
    let mut lines: Vec<String> = head
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with("date:"))
        .map(str::to_string)
        .collect();
    lines[1..].sort();
    let len: usize = lines
        .iter()
        .find_map(|l| l.strip_prefix("content-length: "))
        .map_or(0, |v| v.parse().expect("length"));
    let mut body = raw[end..].to_vec();
    while body.len() < len {
        let n = tokio::time::timeout(wait, s.read(&mut buf))
            .await
            .expect("in time")
            .expect("read");
        assert!(n > 0, "closed inside the body");
        body.extend_from_slice(&buf[..n]);
    }
    assert_eq!(body.len(), len, "nothing after the body");
    (lines, body)
}

/// Over a real connection (`conn` answers a hit before it touches the body or the router): the hit and the
/// routed answer are the same on the wire, 200 and 304, and the connection stays usable.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cached_hit_is_the_same_on_the_wire() {
    let t = TestApp::new().await;
    let tok = t.with_briefing().await;
    t.publish(&tok, "First", json!({})).await;
    let addr = crate::support::serve(&t).await;
    let mut s = tokio::net::TcpStream::connect(addr).await.expect("connect");
    for path in ["/b/war", "/b/war/feed.atom"] {
        let (first_head, first_body) = exchange(&mut s, path, "").await;
        assert_eq!(first_head[0], "HTTP/1.1 200 OK", "{path}");
        let (hit_head, hit_body) = exchange(&mut s, path, "").await;
        let (routed_head, routed_body) = exchange(&mut s, &format!("{path}?x=1"), "").await;
        assert_eq!(hit_head, first_head, "{path}");
        assert_eq!(hit_head, routed_head, "{path}");
        assert_eq!(hit_body, first_body, "{path}");
        assert_eq!(hit_body, routed_body, "{path}");
        assert_eq!(hit_body, t.get(path).await.body.to_vec(), "{path}");
        let etag = hit_head
            .iter()
            .find_map(|l| l.strip_prefix("etag: "))
            .expect("etag")
            .to_string();
        let inm = format!("If-None-Match: {etag}\r\n");
        let (nm_head, nm_body) = exchange(&mut s, path, &inm).await;
        let (routed_nm_head, _) = exchange(&mut s, &format!("{path}?x=1"), &inm).await;
        assert_eq!(nm_head[0], "HTTP/1.1 304 Not Modified", "{path}");
        assert!(nm_body.is_empty());
        assert_eq!(nm_head, routed_nm_head, "{path}");
    }
}
