use axum::http::StatusCode;
use livebrief_model::Role;

use crate::support::{PASSWORD, TestApp, form_csrf};

async fn desk_csrf(t: &TestApp, session: &str, path: &str) -> String {
    form_csrf(&t.get_cookie(path, session).await.text())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn editor_composes_previews_publishes_corrects_and_retracts() {
    let t = TestApp::new().await;
    t.with_briefing().await;
    let s = t.login("eda", PASSWORD).await;
    let csrf = desk_csrf(&t, &s, "/desk/b/war").await;
    let fields = |action: &'static str, csrf: &str| -> Vec<(String, String)> {
        vec![
            ("csrf".into(), csrf.to_string()),
            ("action".into(), action.into()),
            ("headline".into(), "Kremlin aide rejects truce".into()),
            (
                "body".into(),
                "He called it **a respite**.<script>alert(1)</script>".into(),
            ),
            ("body_format".into(), "markdown".into()),
            ("happened_on".into(), "2025-03-13".into()),
            ("topics".into(), "Diplomacy, Sanctions".into()),
            (
                "sources".into(),
                "Example Wire | https://example.org/a | A report".into(),
            ),
            ("key_event".into(), "1".into()),
        ]
    };
    let (tr, sr) = (&t, &s);
    let post = |f: Vec<(String, String)>| async move {
        let refs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        tr.post_form("/desk/b/war/entries", sr, &refs).await
    };
    let preview = post(fields("preview", &csrf)).await;
    assert_eq!(preview.status, StatusCode::OK);
    let html = preview.text();
    assert!(html.contains("<strong>a respite</strong>"), "preview renders Markdown");
    assert!(!html.contains("<script>alert"), "preview is sanitised");
    assert_eq!(
        t.get("/api/v1/briefings/war/entries").await.json()["items"]
            .as_array()
            .map(Vec::len),
        Some(0),
        "preview publishes nothing"
    );

    let r = post(fields("publish", &csrf)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let page = t.get("/b/war").await.text();
    assert!(page.contains("Kremlin aide rejects truce"));
    assert!(page.contains("Key event"));
    let e = &t.get("/api/v1/briefings/war/entries").await.json()["items"][0];
    let id = e["id"].as_i64().expect("id");
    assert_eq!(e["topics"], serde_json::json!(["Diplomacy", "Sanctions"]));
    assert_eq!(e["sources"][0]["url"], "https://example.org/a");

    // Edit with a public correction note.
    let edit = t.get_cookie(&format!("/desk/e/{id}/edit"), &s).await;
    assert_eq!(edit.status, StatusCode::OK);
    assert!(edit.text().contains("Correction note"));
    let csrf = form_csrf(&edit.text());
    let r = t
        .post_form(
            &format!("/desk/e/{id}/edit"),
            &s,
            &[
                ("csrf", &csrf),
                ("action", "save"),
                ("version", "1"),
                ("headline", "Kremlin aide rejects temporary truce"),
                ("body", "He called it a respite."),
                ("body_format", "markdown"),
                ("happened_on", "2025-03-13"),
                ("topics", "Diplomacy"),
                ("sources", ""),
                ("correction_note", "The headline now says the truce was temporary."),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let page = t.get("/b/war").await.text();
    assert!(page.contains("Kremlin aide rejects temporary truce"));
    assert!(
        page.contains("The headline now says the truce was temporary."),
        "correction note shown"
    );
    assert!(page.contains("Updated <time"), "updated time shown");
    let permalink = t.get(&format!("/b/war/e/{id}")).await.text();
    assert!(
        permalink.contains("Previous headline: “Kremlin aide rejects truce”"),
        "history keeps the old text"
    );
    let revs = t.get_cookie(&format!("/desk/e/{id}/revisions"), &s).await.text();
    assert!(revs.contains("#1 create") && revs.contains("#2 correct"), "{revs}");

    // A stale edit is refused with a message, not lost silently.
    let r = t
        .post_form(
            &format!("/desk/e/{id}/edit"),
            &s,
            &[
                ("csrf", &csrf),
                ("action", "save"),
                ("version", "1"),
                ("headline", "stale"),
                ("body", "x"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.text().contains("reload"));

    // Pin, then retract with a note.
    let csrf = desk_csrf(&t, &s, "/desk/b/war").await;
    let r = t.post_form(&format!("/desk/e/{id}/pin"), &s, &[("csrf", &csrf)]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(t.get("/b/war").await.text().contains("id=\"pinned\""));
    let r = t
        .post_form(
            &format!("/desk/e/{id}/retract"),
            &s,
            &[("csrf", &csrf), ("note", "The outlet withdrew the report.")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let page = t.get("/b/war").await.text();
    assert!(page.contains("Retracted entry") && page.contains("The outlet withdrew the report."));
    assert!(
        !page.contains("He called it a respite"),
        "retracted text is gone from the public page"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn contributor_submits_and_editor_approves_in_the_desk() {
    let t = TestApp::new().await;
    t.with_briefing().await;
    t.user("cora", Role::Contributor).await;
    let c = t.login("cora", PASSWORD).await;
    let page = t.get_cookie("/desk/b/war", &c).await.text();
    assert!(
        page.contains("Submit for review") && !page.contains(">Publish</button>"),
        "contributors cannot publish"
    );
    let csrf = form_csrf(&page);
    let r = t
        .post_form(
            "/desk/b/war/entries",
            &c,
            &[
                ("csrf", &csrf),
                ("action", "submit"),
                ("headline", "Sirens in the capital"),
                ("body", "Heard at 03:00."),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    assert!(
        !t.get("/b/war").await.text().contains("Sirens in the capital"),
        "not public before approval"
    );

    let e = t.login("eda", PASSWORD).await;
    let desk = t.get_cookie("/desk/b/war", &e).await.text();
    assert!(desk.contains("Waiting for approval (1)"), "editor sees the queue");
    let id = t
        .state
        .app
        .list(&livebrief_store::EntryQuery {
            statuses: vec![],
            ..livebrief_store::EntryQuery::public(livebrief_model::BriefingId(1), 10)
        })
        .await
        .expect("list")
        .items[0]
        .id
        .0;
    let r = t
        .post_form(
            &format!("/desk/e/{id}/approve"),
            &e,
            &[("csrf", &form_csrf(&desk)), ("version", "1")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    assert!(t.get("/b/war").await.text().contains("Sirens in the capital"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn editor_creates_briefing_and_api_token_in_the_desk() {
    let t = TestApp::new().await;
    t.user("eda", Role::Editor).await;
    let s = t.login("eda", PASSWORD).await;
    let csrf = desk_csrf(&t, &s, "/desk").await;
    let r = t
        .post_form(
            "/desk/briefings",
            &s,
            &[
                ("csrf", &csrf),
                ("title", "Energy watch"),
                ("slug", "energy"),
                ("summary", "Grid news"),
                ("language", "en"),
            ],
        )
        .await;
    assert_eq!(r.header("location"), "/desk/b/energy");
    let r = t
        .post_form(
            "/desk/briefings",
            &s,
            &[
                ("csrf", &csrf),
                ("title", "Again"),
                ("slug", "energy"),
                ("language", "en"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    let r = t
        .post_form("/desk/tokens", &s, &[("csrf", &csrf), ("name", "importer")])
        .await;
    let html = r.text();
    let i = html.find("<code class=\"token\">").expect("token shown once");
    let token = &html[i + 20..i + 20 + html[i + 20..].find('<').expect("end")];
    let me = t
        .api(axum::http::Method::GET, "/api/v1/me", Some(token), None)
        .await
        .json();
    assert_eq!(me["name"], "eda");
}
