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
