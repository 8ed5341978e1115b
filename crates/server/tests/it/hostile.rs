//! Every hostile snippet goes in through every field an outsider or editor controls, and every page and
//! feed that shows it is checked for active content.

use axum::http::{Method, StatusCode};
use livebrief_content::testing::{find_active_content, hostile_corpus};
use serde_json::json;

use livebrief_model::Role;

use crate::support::{PASSWORD, TestApp, form_csrf, page_for_checking};

/// The parts of a page where outside text lands: the title, headings, summary, navigation lists
/// (key events, topics) and every entry. The page's own markup around them is not outside input.
fn outside_regions(html: &str) -> String {
    let mut out = String::new();
    for (open, close) in [
        ("<title", "</title>"),
        ("<h1", "</h1>"),
        ("<p class=\"summary\"", "</p>"),
        ("<nav", "</nav>"),
        ("<article", "</article>"),
    ] {
        let mut rest = html;
        while let Some(i) = rest.find(open) {
            let end = i + rest[i..].find(close).unwrap_or_else(|| panic!("{open} closes")) + close.len();
            out.push_str(&rest[i..end]);
            out.push('\n');
            rest = &rest[end..];
        }
    }
    // The JSON-LD block must stay one data block: no closing tag inside.
    if let Some(i) = html.find("<script type=\"application/ld+json\">") {
        let block = &html[i + 35..i + html[i..].find("</script>").expect("closes")];
        assert!(!block.contains('<'), "JSON-LD contains raw markup");
        serde_json::from_str::<serde_json::Value>(block).expect("JSON-LD stays valid JSON");
    }
    out
}

fn check(what: &str, doc: &str) {
    if let Some(found) = find_active_content(doc) {
        panic!("{what} carries active content: {found}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_markup_never_reaches_a_page_or_feed() {
    let t = TestApp::new().await;
    let tok = t.with_briefing().await;
    let mut rx = t.state.hub.subscribe();
    let corpus = hostile_corpus();
    let mut ids = Vec::new();
    for (i, case) in corpus.iter().enumerate() {
        let one_line: String = case.chars().filter(|c| !c.is_control()).take(250).collect();
        let format = if i % 2 == 0 { "html" } else { "markdown" };
        let r = t
            .api(
                Method::POST,
                "/api/v1/briefings/war/entries",
                Some(&tok),
                Some(json!({
                    "headline": format!("H{i} {one_line}"),
                    "body": case,
                    "body_format": format,
                    "topics": [one_line.chars().take(50).collect::<String>()],
                    "sources": [{"outlet": one_line.chars().take(100).collect::<String>(), "url": "https://example.org/x?a=\"><script>alert(1)</script>", "title": one_line}],
                    "key_event": i % 5 == 0,
                    "pinned": i == 3,
                })),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "case {i}: {}", r.text());
        let e = r.json();
        check(
            &format!("API body_html of case {i}"),
            e["body_html"].as_str().unwrap_or_default(),
        );
        ids.push(e["id"].as_i64().expect("id"));
    }
    // A correction note with markup too.
    t.api(
        Method::PATCH,
        &format!("/api/v1/entries/{}", ids[0]),
        Some(&tok),
        Some(json!({"correction_note": corpus[1]})),
    )
    .await;

    // Live stream payloads.
    // The hub renders on its own task: wait (bounded) for a frame per publish, then take what else came.
    let check_frame = |f: &livebrief_server::sse::Frame| {
        let text = String::from_utf8_lossy(&f.bytes).to_string();
        let data = text.lines().find_map(|l| l.strip_prefix("data: ")).expect("data line");
        let v: serde_json::Value = serde_json::from_str(data).expect("JSON");
        check("SSE html", v["html"].as_str().unwrap_or_default());
    };
    let mut frames = 0;
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(20);
    while frames < corpus.len() {
        match tokio::time::timeout_at(deadline, rx.recv()).await {
            Ok(Ok(f)) => check_frame(&f),
            _ => break,
        }
        frames += 1;
    }
    while let Ok(f) = rx.try_recv() {
        check_frame(&f);
        frames += 1;
    }
    assert!(frames >= corpus.len(), "the hub rendered every publish ({frames})");

    let mut pages = vec![
        "/b/war".to_string(),
        "/b/war?order=oldest".to_string(),
        "/".to_string(),
        "/b/war/quotes".to_string(),
    ];
    pages.extend(ids.iter().map(|id| format!("/b/war/e/{id}")));
    for p in &pages {
        let r = t.get(p).await;
        assert_eq!(r.status, StatusCode::OK, "{p}");
        check(p, &outside_regions(&r.text()));
    }
    let mut url = "/b/war".to_string();
    while let Some(i) = t.get(&url).await.text().find("class=\"older\" href=\"") {
        let html = t.get(&url).await.text();
        let rest = &html[i + "class=\"older\" href=\"".len()..];
        url = rest[..rest.find('"').expect("end")].replace("&amp;", "&");
        check(&url, &outside_regions(&t.get(&url).await.text()));
    }

    let atom = t.get("/b/war/feed.atom").await.text();
    let doc = roxmltree::Document::parse(&atom).expect("feed stays well-formed under hostile input");
    for c in doc.descendants().filter(|n| n.tag_name().name() == "content") {
        check("Atom content", c.text().unwrap_or_default());
    }
    let jf = t.get("/b/war/feed.json").await.json();
    for item in jf["items"].as_array().expect("items") {
        check(
            "JSON Feed content_html",
            item["content_html"].as_str().unwrap_or_default(),
        );
    }

    // A briefing whose own title and summary are hostile.
    let r = t
        .api(Method::POST, "/api/v1/briefings", Some(&tok), Some(json!({"slug": "evil", "title": "<script>alert(1)</script><img src=x onerror=alert(2)>", "summary": corpus[..6].join(" ")})))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let evil = t.get("/b/evil").await.text();
    check("hostile briefing page", &outside_regions(&evil));
    assert!(
        evil.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "the title is shown as text"
    );
    let index = t.get("/").await.text();
    check("index", &outside_regions(&index));
    check(
        "index list",
        &index[index.find("<main").expect("main")..index.find("</main>").expect("main end")],
    );

    // The desk shows the same entries to a signed-in editor.
    let s = t.login("eda", crate::support::PASSWORD).await;
    let desk = t.get_cookie("/desk/b/war", &s).await.text();
    // The desk page has its own forms; what must be inert is every entry it shows.
    let articles: Vec<&str> = desk
        .split("<article")
        .skip(1)
        .map(|a| &a[..a.find("</article>").expect("article closes")])
        .collect();
    assert_eq!(articles.len(), corpus.len(), "the desk shows every entry");
    for a in articles {
        check("desk entry", a);
    }
    let revs = t.get_cookie(&format!("/desk/e/{}/revisions", ids[0]), &s).await.text();
    check("revisions", &outside_regions(&revs));
}

/// Checks a whole desk page: its main part with the page's own forms read too (`page_for_checking`), and no
/// hostile snippet in it as it was written.
fn check_page(what: &str, html: &str) {
    let page = page_for_checking(html);
    check(what, &page);
    for h in hostile_corpus() {
        let one_line: String = h.chars().filter(|c| !c.is_control()).collect();
        for s in [h, one_line.as_str()] {
            if s.len() > 12 && s.contains('<') {
                assert!(
                    !page.contains(s),
                    "{what}: a hostile snippet reached the page as written: {s}"
                );
            }
        }
    }
}

/// Token names are free text (1 to 100 characters on one line) that their owner types and an admin sees on
/// `/desk/tokens` with everyone's tokens; the form's answers echo what was typed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_token_names_are_inert_on_the_tokens_page() {
    let t = TestApp::new().await;
    t.user("ada", Role::Admin).await;
    let dave_token = t.user("dave", Role::Contributor).await;
    let dave = t.login("dave", PASSWORD).await;
    let ada = t.login("ada", PASSWORD).await;
    let corpus = hostile_corpus();
    let mut created = 0;
    for (i, h) in corpus.iter().enumerate() {
        let name: String = h.chars().filter(|c| !c.is_control()).take(100).collect();
        let page = t.get_cookie("/desk/tokens", &dave).await;
        assert_eq!(page.status, StatusCode::OK);
        let csrf = form_csrf(&page.text());
        // Through the desk's form: the answer lists the new token by its name.
        let r = t
            .post_form("/desk/tokens", &dave, &[("csrf", &csrf), ("name", &name)])
            .await;
        if name.trim().is_empty() {
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{name:?}");
        } else {
            assert_eq!(r.status, StatusCode::OK, "{name:?}: {}", r.text());
            created += 1;
        }
        check_page(&format!("the answer to token name {i}"), &r.text());
        // Through the API.
        let r = t
            .api(
                Method::POST,
                "/api/v1/tokens",
                Some(&dave_token),
                Some(json!({"name": format!("api {name}").chars().take(100).collect::<String>()})),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        created += 1;
        // What the form echoes when it refuses: the name as typed (several lines, or too long), and the days.
        for (field, value) in [
            ("name", h.to_string()),
            ("name", h.repeat(20)),
            ("expires_in_days", h.to_string()),
        ] {
            let mut fields = vec![("csrf", csrf.clone()), ("name", format!("refused {i}"))];
            match field {
                "name" => fields[1].1 = value,
                _ => fields.push((field, value)),
            }
            let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let r = t.post_form("/desk/tokens", &dave, &fields).await;
            check_page(&format!("the answer refusing {field} {i}"), &r.text());
        }
    }
    // The owner sees their tokens; an admin sees everyone's, with the owner.
    for (who, cookie) in [("dave", &dave), ("ada", &ada)] {
        let page = t.get_cookie("/desk/tokens", cookie).await;
        assert_eq!(page.status, StatusCode::OK);
        let html = page.text();
        let rows = html.matches("<tr id=\"token-").count();
        assert!(rows >= created, "{who} sees {rows} of {created} tokens");
        check_page(&format!("{who}'s tokens page"), &html);
    }
}
