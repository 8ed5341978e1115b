//! Reports in over the API: read on arrival and stored with their reading.

use axum::http::{Method, StatusCode};
use livebrief_model::Role;
use serde_json::{Value, json};

use crate::support::TestApp;

/// A synthetic report written for this test.
const REPORT: &str = "Kremlin spokesman Dmitry Peskov spoke to reporters in Moscow on Wednesday.\n\n\
“We need to understand what the American side proposes,” Peskov said. He added on Wednesday that \
the talks would continue in Riyadh.\n\nUkraine's Foreign Minister Andriy Sybiha said Kyiv had \
accepted the 30-day cease-fire proposal.";

fn quote_by<'a>(reading: &'a Value, phrase: &str) -> &'a Value {
    reading["quotes"]
        .as_array()
        .expect("quotes")
        .iter()
        .find(|q| q["text"].as_str().is_some_and(|t| t.contains(phrase)))
        .unwrap_or_else(|| panic!("no quote with {phrase:?} in {reading}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_report_is_read_and_stored_with_its_reading() {
    let t = TestApp::new().await;
    let editor = t.with_briefing().await;
    let contributor = t.user("cole", Role::Contributor).await;

    let r = t
        .api(
            Method::POST,
            "/api/v1/briefings/war/reports",
            Some(&contributor),
            Some(
                json!({"text": REPORT, "url": "https://example.org/peskov", "title": "Kremlin on the talks",
                        "source": "Example Wire", "published": "2025-03-13"}),
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let rep = r.json();
    let id = rep["id"].as_i64().expect("id");
    assert_eq!(
        (rep["briefing"].as_str(), rep["published"].as_str()),
        (Some("war"), Some("2025-03-13"))
    );
    assert_eq!(rep["language"], "en");
    assert_eq!(rep["text"], REPORT);
    let direct = quote_by(&rep["reading"], "American side proposes");
    assert_eq!(direct["kind"], "direct");
    assert_eq!(direct["speaker"]["name"], "Dmitry Peskov");
    let indirect = quote_by(&rep["reading"], "talks would continue");
    assert_eq!(indirect["kind"], "indirect");
    assert_eq!(
        indirect["speaker"]["name"], "Dmitry Peskov",
        "the pronoun resolves to Peskov"
    );
    assert_eq!(
        indirect["date"], "2025-03-12",
        "the statement's date: the Wednesday before publication"
    );
    assert!(rep["quote_count"].as_u64().expect("count") >= 3);
    // Spans are code points into the stored text.
    let chars: Vec<char> = REPORT.chars().collect();
    let span = &direct["spans"][0];
    let (a, b) = (
        span[0].as_u64().expect("a") as usize,
        span[1].as_u64().expect("b") as usize,
    );
    assert!(chars[a..b].iter().collect::<String>().contains("American side"));

    // The stored reading comes back unchanged, to anyone on the desk.
    let got = t
        .api(Method::GET, &format!("/api/v1/reports/{id}"), Some(&editor), None)
        .await;
    assert_eq!(got.status, StatusCode::OK);
    assert_eq!(got.json()["reading"], rep["reading"]);

    // The outlet updated its story: same URL, same report, new reading.
    let updated = format!("{REPORT}\n\n“There is no agreement yet,” Peskov told state television.");
    let r = t
        .api(
            Method::POST,
            "/api/v1/briefings/war/reports",
            Some(&editor),
            Some(json!({"text": updated, "url": "https://example.org/peskov", "published": "2025-03-13"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let again = r.json();
    assert_eq!(again["id"], id);
    assert_eq!(
        quote_by(&again["reading"], "no agreement yet")["speaker"]["name"],
        "Dmitry Peskov"
    );

    // An HTML page: text, title, date and site come from the page.
    let page = r#"<!doctype html><html><head><title>Kyiv accepts truce | Example Times</title>
        <meta property="og:title" content="Kyiv accepts the truce proposal">
        <meta property="og:site_name" content="Example Times">
        <meta property="article:published_time" content="2025-03-12T09:30:00Z"></head>
        <body><nav><a href="/">Home</a> <a href="/world">World</a></nav><article><h1>Kyiv accepts the truce proposal</h1>
        <p>Ukraine's Foreign Minister Andriy Sybiha said on Tuesday that Kyiv had accepted the proposal for a
        30-day cease-fire after talks in Jeddah.</p>
        <p>“The ball is now in Russia's court,” Sybiha told reporters after the meeting in Saudi Arabia.</p>
        </article><footer>© Example Times</footer></body></html>"#;
    let r = t
        .api(
            Method::POST,
            "/api/v1/briefings/war/reports",
            Some(&editor),
            Some(json!({"html": page, "url": "https://example.org/kyiv-accepts"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let html_rep = r.json();
    assert_eq!(html_rep["title"], "Kyiv accepts the truce proposal");
    assert_eq!(html_rep["source"], "Example Times");
    assert_eq!(
        html_rep["published"], "2025-03-12",
        "the page's date is the reference date"
    );
    assert!(
        !html_rep["text"].as_str().expect("text").contains("Home"),
        "navigation is not the article"
    );
    let q = quote_by(&html_rep["reading"], "ball is now in Russia");
    assert_eq!(q["speaker"]["name"], "Andriy Sybiha");
    let places: Vec<&str> = html_rep["reading"]["places"]
        .as_array()
        .expect("places")
        .iter()
        .filter_map(|p| p["name"].as_str())
        .collect();
    assert!(places.iter().any(|p| p.contains("Jeddah")), "{places:?}");

    // Newest first, without text and reading in the list.
    let list = t
        .api(
            Method::GET,
            "/api/v1/briefings/war/reports?limit=10",
            Some(&editor),
            None,
        )
        .await
        .json();
    let ids: Vec<i64> = list
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|r| r["id"].as_i64())
        .collect();
    assert_eq!(ids, vec![html_rep["id"].as_i64().expect("id"), id]);
    assert!(list[0].get("reading").is_none() && list[0].get("text").is_none());
    assert_eq!(list[1]["quote_count"], again["quote_count"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reports_are_for_the_desk_and_bad_ones_get_clear_errors() {
    let t = TestApp::new().await;
    let editor = t.with_briefing().await;
    let post = |body: Value, token: Option<String>| {
        let t = &t;
        async move {
            t.api(
                Method::POST,
                "/api/v1/briefings/war/reports",
                token.as_deref(),
                Some(body),
            )
            .await
        }
    };
    // Not public: reading them or adding one needs a signed-in member of the desk.
    let r = post(json!({"text": REPORT}), None).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(t.get("/api/v1/reports/1").await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        t.get("/api/v1/briefings/war/reports").await.status,
        StatusCode::UNAUTHORIZED
    );
    // Bad input: a clear error, nothing stored.
    for (body, code) in [
        (json!({}), "validation_failed"),
        (json!({"text": "a", "html": "<p>a</p>"}), "validation_failed"),
        (json!({"text": "   "}), "validation_failed"),
        (
            json!({"text": REPORT, "url": "javascript:alert(1)"}),
            "validation_failed",
        ),
        (json!({"text": REPORT, "published": "13 March"}), "validation_failed"),
        (json!({"text": REPORT, "colour": "red"}), "invalid_json"),
    ] {
        let r = post(body.clone(), Some(editor.clone())).await;
        assert_eq!(r.code(), code, "{body}: {}", r.text());
    }
    let r = t
        .api(
            Method::POST,
            "/api/v1/briefings/nowhere/reports",
            Some(&editor),
            Some(json!({"text": REPORT})),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let list = t
        .api(Method::GET, "/api/v1/briefings/war/reports", Some(&editor), None)
        .await;
    assert_eq!(list.json(), json!([]), "nothing was stored");
    assert_eq!(
        t.api(Method::GET, "/api/v1/reports/999", Some(&editor), None)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    // Hostile text is stored as text: the reading's JSON carries it, nothing renders it as markup.
    let hostile = "<script>alert(1)</script> “We will win,” said <b>Ivan Sokol</b>.";
    let r = post(
        json!({"text": hostile, "published": "2025-03-13"}),
        Some(editor.clone()),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    assert_eq!(
        r.headers.get("content-type").and_then(|v| v.to_str().ok()),
        Some("application/json")
    );
    assert_eq!(r.json()["text"], hostile);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_briefing_defines_its_own_topics_and_reports_are_read_with_them() {
    let t = TestApp::new().await;
    let editor = t.with_briefing().await;
    let contributor = t.user("cole", Role::Contributor).await;
    // The definitions are the desk's: not for anonymous readers.
    assert_eq!(
        t.get("/api/v1/briefings/war/topics").await.status,
        StatusCode::UNAUTHORIZED
    );
    // The defaults, in the text form an editor can start from; contributors may read them.
    let d = t
        .api(Method::GET, "/api/v1/briefings/war/topics", Some(&contributor), None)
        .await
        .json();
    assert_eq!(d["custom"], false);
    assert!(d["text"].as_str().expect("text").contains("diplomacy |"));
    let list = "# the grid\nenergy | Energy and the grid | blackout:2, substation:2, power plant:3, grid\n\
                talks | Talks | negotiat, envoy";
    // Editors only, and a list that does not parse is refused with its line.
    let r = t
        .api(
            Method::PUT,
            "/api/v1/briefings/war/topics",
            Some(&contributor),
            Some(json!({"text": list})),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = t
        .api(
            Method::PUT,
            "/api/v1/briefings/war/topics",
            Some(&editor),
            Some(json!({"text": "energy | Energy"})),
        )
        .await;
    assert_eq!(r.code(), "validation_failed");
    assert!(r.text().contains("line 1"), "{}", r.text());
    let r = t
        .api(
            Method::PUT,
            "/api/v1/briefings/war/topics",
            Some(&editor),
            Some(json!({"text": list})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let set = r.json();
    assert_eq!(set["custom"], true);
    assert_eq!(
        set["topics"][0]["terms"][2],
        json!({"term": "power plant", "weight": 3.0})
    );

    // A report is now read with the briefing's own topics, each with its evidence.
    let text = "A blackout hit Odesa overnight after a drone struck a substation, the regional governor said. \
                Repair crews said the grid would be unstable for days, and the power plant nearby was shut.";
    let r = t
        .api(
            Method::POST,
            "/api/v1/briefings/war/reports",
            Some(&editor),
            Some(json!({"text": text, "published": "2025-03-13"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let topics = r.json()["reading"]["topics"].clone();
    let slugs: Vec<&str> = topics
        .as_array()
        .expect("topics")
        .iter()
        .filter_map(|t| t["topic"].as_str())
        .collect();
    assert_eq!(slugs, vec!["energy"], "only the briefing's own topics: {topics}");
    let evidence: Vec<&str> = topics[0]["evidence"]
        .as_array()
        .expect("evidence")
        .iter()
        .filter_map(|e| e["term"].as_str())
        .collect();
    assert_eq!(evidence, vec!["blackout", "substation", "power plant", "grid"]);

    // An empty list goes back to the defaults.
    let r = t
        .api(
            Method::PUT,
            "/api/v1/briefings/war/topics",
            Some(&editor),
            Some(json!({"text": ""})),
        )
        .await;
    assert_eq!(r.json()["custom"], false);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_report_has_an_owner_and_another_contributor_cannot_replace_it() {
    let t = TestApp::new().await;
    let editor = t.with_briefing().await;
    let alice = t.user("alice", Role::Contributor).await;
    let bob = t.user("bob", Role::Contributor).await;
    let post = |token: String, text: &'static str| {
        let t = &t;
        async move {
            t.api(
                Method::POST,
                "/api/v1/briefings/war/reports",
                Some(&token),
                Some(json!({"text": text, "url": "https://example.org/owned", "published": "2025-03-13"})),
            )
            .await
        }
    };
    let r = post(alice.clone(), REPORT).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let id = r.json()["id"].as_i64().expect("id");
    assert!(r.json().get("submitted_by").is_none(), "owners are for editors");

    // Bob re-posts Alice's URL: refused with the stored report's id, and nothing changes.
    let r = post(bob.clone(), "Bob's replacement text, which must not be stored.").await;
    assert_eq!(
        (r.status, r.code().as_str()),
        (StatusCode::CONFLICT, "conflict"),
        "{}",
        r.text()
    );
    assert_eq!(r.json()["error"]["existing_id"], id);
    let got = t
        .api(Method::GET, &format!("/api/v1/reports/{id}"), Some(&editor), None)
        .await
        .json();
    assert_eq!(got["text"], REPORT, "the text is Alice's");
    assert_eq!(got["submitted_by"]["name"], "alice");
    assert!(got.get("changed_by").is_none());
    assert_eq!(got["changes"], json!([]));

    // Alice may replace her own; an editor may replace anyone's; each change is recorded, nothing lost.
    let r = post(alice.clone(), "Alice's updated text of the story, read again.").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    t.tick(60);
    let r = post(editor.clone(), "The editor's text of the story, read again.").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let got = t
        .api(Method::GET, &format!("/api/v1/reports/{id}"), Some(&editor), None)
        .await
        .json();
    assert_eq!(got["text"], "The editor's text of the story, read again.");
    assert_eq!(got["submitted_by"]["name"], "alice", "the submitter stays");
    assert_eq!(got["changed_by"]["name"], "eda");
    let changes: Vec<(&str, &str)> = got["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .map(|c| {
            (
                c["by"]["name"].as_str().unwrap_or(""),
                c["previous_text"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        changes,
        vec![
            ("alice", REPORT),
            ("eda", "Alice's updated text of the story, read again.")
        ]
    );
    // Contributors do not see owners or changes.
    let r = t
        .api(Method::GET, &format!("/api/v1/reports/{id}"), Some(&bob), None)
        .await;
    assert!(r.json().get("submitted_by").is_none() && r.json().get("changes").is_none());
}
