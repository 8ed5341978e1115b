use axum::http::{Method, StatusCode};
use serde_json::json;

use crate::support::TestApp;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn atom_and_json_feed_with_correction_times() {
    let t = TestApp::new().await;
    let tok = t.with_briefing().await;
    let a = t
        .publish(&tok, "Talks & \"truce\" <maybe>", json!({"topics": ["Diplomacy"]}))
        .await;
    t.publish(&tok, "Second", json!({})).await;
    t.tick(600);
    let id = a["id"].as_i64().expect("id");
    let r = t
        .api(
            Method::PATCH,
            &format!("/api/v1/entries/{id}"),
            Some(&tok),
            Some(json!({"body": "Corrected body.", "correction_note": "Fixed a date."})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);

    let atom = t.get("/b/war/feed.atom").await;
    assert!(atom.header("content-type").starts_with("application/atom+xml"));
    let text = atom.text();
    let doc = roxmltree::Document::parse(&text).expect("well-formed XML");
    let feed = doc.root_element();
    assert_eq!(feed.tag_name().namespace(), Some("http://www.w3.org/2005/Atom"));
    let child = |n: roxmltree::Node<'_, '_>, name: &str| {
        n.children()
            .find(|c| c.tag_name().name() == name)
            .and_then(|c| c.text())
            .map(str::to_string)
    };
    assert_eq!(child(feed, "id").as_deref(), Some("https://briefs.example.org/b/war"));
    let entries: Vec<_> = feed.children().filter(|c| c.tag_name().name() == "entry").collect();
    assert_eq!(entries.len(), 2);
    let corrected = entries
        .iter()
        .find(|e| child(**e, "title").as_deref() == Some("Talks & \"truce\" <maybe>"))
        .expect("escaped title round-trips");
    let published = child(*corrected, "published").expect("published");
    let updated = child(*corrected, "updated").expect("updated");
    assert!(
        updated > published,
        "a correction moves <updated>: {published} vs {updated}"
    );
    assert_eq!(
        child(feed, "updated"),
        Some(updated.clone()),
        "feed updated is the newest change"
    );
    let content = child(*corrected, "content").expect("content");
    assert!(content.contains("Corrected body.") && content.contains("Fixed a date."));

    let jf = t.get("/b/war/feed.json").await;
    assert!(jf.header("content-type").starts_with("application/feed+json"));
    let v = jf.json();
    assert_eq!(v["version"], "https://jsonfeed.org/version/1.1");
    assert_eq!(v["feed_url"], "https://briefs.example.org/b/war/feed.json");
    let item = v["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|i| i["id"].as_str().is_some_and(|s| s.ends_with(&format!("/e/{id}"))))
        .expect("item");
    assert!(item["date_modified"].as_str() > item["date_published"].as_str());
    assert_eq!(item["tags"], json!(["Diplomacy"]));
    assert_eq!(t.get("/b/nope/feed.atom").await.status, StatusCode::NOT_FOUND);
}
