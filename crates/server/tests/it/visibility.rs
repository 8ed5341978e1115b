//! Who sees what (docs/security.md, "Who sees what"): retracted entries are stubs in every public output,
//! the public history has no silent edits and no names, and contributors see no one else's drafts.

use axum::http::{Method, StatusCode};
use livebrief_model::Role;
use serde_json::json;

use crate::sse::{SseClient, serve};
use crate::support::{PASSWORD, TestApp};

/// Every public output, as an anonymous reader gets it.
async fn public_outputs(t: &TestApp, id: i64) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for path in [
        format!("/api/v1/entries/{id}"),
        format!("/api/v1/entries/{id}/revisions"),
        "/api/v1/briefings/war/entries".to_string(),
        "/api/v1/briefings/war/events?after=0".to_string(),
        format!("/b/war/e/{id}"),
        "/b/war".to_string(),
        "/b/war?order=oldest".to_string(),
        "/b/war/feed.atom".to_string(),
        "/b/war/feed.json".to_string(),
    ] {
        let r = t.get(&path).await;
        assert_eq!(r.status, StatusCode::OK, "{path}: {}", r.text());
        out.push((path, r.text()));
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_retracted_entry_is_its_stub_in_every_public_output() {
    let t = TestApp::new().await;
    let ed = t.with_briefing().await;
    let e = t
        .publish(
            &ed,
            "Zanzibar ceasefire signed",
            json!({"body": "Quokkas confirm the Zanzibar deal.", "topics": ["Zanzibarian"],
                   "sources": [{"outlet": "Zanzibar Wire", "url": "https://example.org/zanzibar"}]}),
        )
        .await;
    let id = e["id"].as_i64().expect("id");
    let r = t
        .api(
            Method::PATCH,
            &format!("/api/v1/entries/{id}"),
            Some(&ed),
            Some(
                json!({"body": "Quokkas confirm the Zanzibar deal today.", "correction_note": "Zanzibar date added."}),
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    // A reader connected to the live stream before the retraction.
    let (addr, _server) = serve(&t).await;
    let (status, mut live) = SseClient::connect_with(addr, "/b/war/events", &[]).await;
    assert_eq!(status, 200);
    let r = t
        .api(
            Method::POST,
            &format!("/api/v1/entries/{id}/retract"),
            Some(&ed),
            Some(json!({"note": "The outlet withdrew its report."})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());

    let ev = loop {
        let ev = live.next_event().await.expect("the retraction arrives");
        if ev.kind == "retracted" {
            break ev;
        }
    };
    assert!(
        !ev.data.contains("Zanzibar") && !ev.data.contains("Quokka"),
        "{}",
        ev.data
    );
    assert!(ev.data.contains("The outlet withdrew its report."), "{}", ev.data);
    // Replay after a reconnect carries the same stub.
    let (_, mut replay) = SseClient::connect_with(addr, "/b/war/events", &[("Last-Event-ID", "0")]).await;
    let first = replay.next_event().await.expect("replayed");
    assert!(!first.data.contains("Zanzibar"), "{}", first.data);

    for (path, body) in public_outputs(&t, id).await {
        for secret in ["Zanzibar", "Quokka", "eda"] {
            assert!(
                !body.contains(secret),
                "{path} shows {secret:?} of a retracted entry:\n{body}"
            );
        }
    }
    let api = t.get(&format!("/api/v1/entries/{id}")).await.json();
    assert_eq!(api["status"], "retracted");
    assert_eq!((api["headline"].as_str(), api["body"].as_str()), (Some(""), Some("")));
    assert_eq!(api["retraction"]["note"], "The outlet withdrew its report.");
    let page = t.get(&format!("/b/war/e/{id}")).await.text();
    assert!(
        page.contains("<title>Retracted entry · War in Ukraine</title>"),
        "{page}"
    );
    assert!(page.contains("The outlet withdrew its report."));

    // A contributor reads it as readers do; the desk sees the text.
    let co = t.user("cora", Role::Contributor).await;
    let r = t
        .api(Method::GET, &format!("/api/v1/entries/{id}"), Some(&co), None)
        .await;
    assert_eq!(r.json()["headline"], "");
    let r = t
        .api(Method::GET, &format!("/api/v1/entries/{id}"), Some(&ed), None)
        .await;
    assert_eq!(r.json()["headline"], "Zanzibar ceasefire signed");
    let r = t
        .api(Method::GET, &format!("/api/v1/entries/{id}/revisions"), Some(&ed), None)
        .await;
    assert!(r.text().contains("Quokkas confirm") && r.text().contains("\"actor\":\"eda\""));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_public_history_has_no_silent_edits_and_no_names() {
    let t = TestApp::new().await;
    let ed = t.with_briefing().await;
    let e = t
        .publish(&ed, "Talks open", json!({"body": "First Wombat text."}))
        .await;
    let id = e["id"].as_i64().expect("id");
    // A silent edit (no correction note), then a correction.
    for patch in [
        json!({"headline": "Talks open early", "body": "Second text."}),
        json!({"headline": "Talks open in Riyadh", "correction_note": "Added the city."}),
    ] {
        let r = t
            .api(Method::PATCH, &format!("/api/v1/entries/{id}"), Some(&ed), Some(patch))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        t.tick(60);
    }
    let revs = t.get(&format!("/api/v1/entries/{id}/revisions")).await;
    let text = revs.text();
    assert!(
        !text.contains("Wombat"),
        "a silent edit's earlier text is not public: {text}"
    );
    assert!(!text.contains("eda") && !text.contains("actor"), "no names: {text}");
    let revs = revs.json();
    let steps: Vec<(&str, Option<&str>, Option<&str>)> = revs
        .as_array()
        .expect("array")
        .iter()
        .map(|r| {
            (
                r["action"].as_str().unwrap_or(""),
                r["note"].as_str(),
                r["previous_headline"].as_str(),
            )
        })
        .collect();
    assert_eq!(
        steps,
        [
            ("publish", None, None),
            ("edit", None, None),
            ("correct", Some("Added the city."), Some("Talks open early")),
        ]
    );
    // The permalink shows the same history.
    let page = t.get(&format!("/b/war/e/{id}")).await.text();
    assert!(page.contains("<strong>Updated</strong>") && page.contains("<strong>Corrected</strong>"));
    assert!(page.contains("Previous headline: “Talks open early”"), "{page}");
    assert!(!page.contains("Previous headline: “Talks open”"), "{page}");
    // The desk keeps everything.
    let r = t
        .api(Method::GET, &format!("/api/v1/entries/{id}/revisions"), Some(&ed), None)
        .await;
    assert!(r.text().contains("First Wombat text.") && r.text().contains("\"actor\":\"eda\""));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn contributors_see_only_their_own_drafts_and_pending_entries() {
    let t = TestApp::new().await;
    let ed = t.with_briefing().await;
    let alice = t.user("alice", Role::Contributor).await;
    let bob = t.user("bob", Role::Contributor).await;
    let mut ids = Vec::new();
    for (headline, status) in [("Alice draft Ocelot", "draft"), ("Alice pending Ocelot", "pending")] {
        let r = t
            .api(
                Method::POST,
                "/api/v1/briefings/war/entries",
                Some(&alice),
                Some(json!({"headline": headline, "body": "Ocelot text", "status": status})),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        assert_eq!(r.json()["status"], status);
        ids.push(r.json()["id"].as_i64().expect("id"));
    }
    let bob_s = t.login("bob", PASSWORD).await;
    let alice_s = t.login("alice", PASSWORD).await;
    for id in &ids {
        for (who, token) in [("bob", Some(bob.as_str())), ("anonymous", None)] {
            for path in [
                format!("/api/v1/entries/{id}"),
                format!("/api/v1/entries/{id}/revisions"),
            ] {
                let r = t.api(Method::GET, &path, token, None).await;
                assert_eq!(r.status, StatusCode::NOT_FOUND, "{who} {path}: {}", r.text());
            }
        }
        for path in [format!("/desk/e/{id}/edit"), format!("/desk/e/{id}/revisions")] {
            let r = t.get_cookie(&path, &bob_s).await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "bob {path}");
            assert!(!r.text().contains("Ocelot"));
            assert_eq!(
                t.get_cookie(&path, &alice_s).await.status,
                StatusCode::OK,
                "alice {path}"
            );
        }
        // Changing it is "not found" too, not "forbidden".
        let r = t
            .api(
                Method::PATCH,
                &format!("/api/v1/entries/{id}"),
                Some(&bob),
                Some(json!({"headline": "Bob was here"})),
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text());
        let r = t
            .api(Method::GET, &format!("/api/v1/entries/{id}"), Some(&alice), None)
            .await;
        assert_eq!(r.status, StatusCode::OK);
        let r = t
            .api(Method::GET, &format!("/api/v1/entries/{id}"), Some(&ed), None)
            .await;
        assert_eq!(r.status, StatusCode::OK);
    }
    for status in ["draft", "pending", "all"] {
        let path = format!("/api/v1/briefings/war/entries?status={status}");
        let r = t.api(Method::GET, &path, Some(&bob), None).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        assert!(!r.text().contains("Ocelot"), "bob {path}: {}", r.text());
        let r = t.api(Method::GET, &path, Some(&alice), None).await;
        assert!(r.text().contains("Ocelot"), "alice {path}: {}", r.text());
        let r = t.api(Method::GET, &path, Some(&ed), None).await;
        assert!(r.text().contains("Ocelot"), "editor {path}: {}", r.text());
    }
    let desk = t.get_cookie("/desk/b/war", &bob_s).await.text();
    assert!(!desk.contains("Ocelot"), "bob's desk lists alice's drafts");
    assert!(
        !desk.contains(&format!("/desk/e/{}/edit", ids[0])),
        "no link to a page bob may not open"
    );
    let desk = t.get_cookie("/desk/b/war", &alice_s).await.text();
    assert!(desk.contains("Alice draft Ocelot") && desk.contains("Alice pending Ocelot"));

    // Someone else's published entry: readable as readers read it, not openable on the desk.
    let e = t.publish(&ed, "Editor's Lynx update", json!({})).await;
    let id = e["id"].as_i64().expect("id");
    let r = t.get_cookie(&format!("/desk/e/{id}/edit"), &bob_s).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let desk = t.get_cookie("/desk/b/war", &bob_s).await.text();
    assert!(
        desk.contains("Lynx") && !desk.contains(&format!("/desk/e/{id}/edit")),
        "{desk}"
    );
    let desk = t.get_cookie("/desk/b/war", &alice_s).await.text();
    assert!(
        desk.contains(&format!("/desk/e/{}/edit", ids[0])),
        "alice edits her own draft"
    );
    let r = t
        .api(Method::GET, &format!("/api/v1/entries/{id}"), Some(&bob), None)
        .await;
    assert_eq!(r.json()["headline"], "Editor's Lynx update");
}
