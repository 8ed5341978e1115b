//! The quote tracker over HTTP: the quotes page and its filters, the speaker page, the Atom feed per speaker,
//! the JSON API, the desk's speaker page, and hostile text in all of them. Reports are synthetic, written for
//! these tests; they go in through the reports API and their developments are approved by an editor.

use std::collections::{BTreeMap, BTreeSet};

use axum::http::{Method, StatusCode};
use livebrief_content::testing::{find_active_content, hostile_corpus};
use livebrief_model::{Actor, DeskAction, DevStatus, ReportId, SpeakerAction, SpeakerId};
use serde_json::{Value, json};

use crate::support::{PASSWORD, TestApp, form_csrf};

async fn editor(t: &TestApp) -> Actor {
    let (u, _) = t
        .state
        .app
        .store()
        .user_by_name("eda")
        .await
        .expect("read")
        .expect("the editor");
    u.actor()
}

/// Adds a report through the API and approves a development of it alone; returns the entry id.
async fn report_entry(t: &TestApp, tok: &str, ed: &Actor, url: &str, outlet: &str, published: &str, text: &str) -> i64 {
    titled_entry(t, tok, ed, url, outlet, published, "", text).await
}

#[allow(clippy::too_many_arguments)]
async fn titled_entry(
    t: &TestApp,
    tok: &str,
    ed: &Actor,
    url: &str,
    outlet: &str,
    published: &str,
    title: &str,
    text: &str,
) -> i64 {
    let r = t
        .api(
            Method::POST,
            "/api/v1/briefings/war/reports",
            Some(tok),
            Some(json!({"text": text, "url": url, "source": outlet, "published": published, "title": title})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let id = ReportId(r.json()["id"].as_i64().expect("report id"));
    let app = &t.state.app;
    let m = app.store().membership(id).await.expect("read").expect("grouped");
    let mut d = app.development(m.development_id).await.expect("dev").development;
    if d.report_count > 1 {
        d = app
            .desk_act(ed, d.id, None, DeskAction::Split(vec![id]))
            .await
            .expect("split");
    }
    assert_eq!(d.status, DevStatus::Open);
    let d = app
        .desk_act(ed, d.id, None, DeskAction::Approve)
        .await
        .expect("approve");
    t.tick(60);
    d.entry_id.expect("entry").0
}

struct Seeded {
    tok: String,
    peskov: i64,
    lavrov: i64,
    /// Entry ids by report: en, uk, lavrov, later.
    entries: Vec<i64>,
}

async fn seed(t: &TestApp) -> Seeded {
    let tok = t.with_briefing().await;
    let ed = editor(t).await;
    let en = report_entry(
        t,
        &tok,
        &ed,
        "https://wire.example/peskov-talks",
        "Wire One",
        "2025-03-13",
        "Kremlin spokesman Dmitry Peskov said on Thursday that cease-fire talks with the United States would \
         continue. “We are ready for dialogue, but not on any terms,” Peskov told reporters.",
    )
    .await;
    let uk = report_entry(
        t,
        &tok,
        &ed,
        "https://uk.example/pieskov",
        "Ukrainska Pravda",
        "2025-03-13",
        "Речник Кремля Дмитро Пєсков заявив, що переговори зі США тривають. «Ми готові до діалогу, але не на \
         будь-яких умовах», — сказав Дмитро Пєсков журналістам.",
    )
    .await;
    let lavrov = report_entry(
        t,
        &tok,
        &ed,
        "https://wire.example/lavrov-sanctions",
        "Wire Three",
        "2025-03-14",
        "Foreign Minister Sergei Lavrov said new sanctions on Russian banks would not change Moscow's course. \
         “Sanctions have never worked against us,” Lavrov said.",
    )
    .await;
    let later = report_entry(
        t,
        &tok,
        &ed,
        "https://wire.example/peskov-proposal",
        "Wire Two",
        "2025-03-14",
        "Peskov said the Kremlin had not yet received the written proposal. “We will study it carefully,” \
         Peskov said.",
    )
    .await;
    let speakers = t.get("/api/v1/briefings/war/speakers").await.json();
    let id_of = |name: &str| {
        speakers
            .as_array()
            .expect("list")
            .iter()
            .find(|s| s["name"] == name)
            .and_then(|s| s["id"].as_i64())
            .unwrap_or_else(|| panic!("no speaker {name}: {speakers:#}"))
    };
    Seeded {
        peskov: id_of("Dmitry Peskov"),
        lavrov: id_of("Sergei Lavrov"),
        tok,
        entries: vec![en, uk, lavrov, later],
    }
}

/// Every quote of the briefing through the API, following `next_before`.
async fn api_quotes(t: &TestApp, filters: &str) -> Vec<Value> {
    let mut out = Vec::new();
    let mut before: Option<String> = None;
    loop {
        let mut url = format!("/api/v1/briefings/war/quotes?limit=3{filters}");
        if let Some(b) = &before {
            url.push_str(&format!("&before={b}"));
        }
        let r = t.get(&url).await;
        assert_eq!(r.status, StatusCode::OK, "{url}: {}", r.text());
        let v = r.json();
        out.extend(v["items"].as_array().expect("items").iter().cloned());
        match v["next_before"].as_str() {
            Some(b) => before = Some(b.to_string()),
            None => return out,
        }
        assert!(out.len() < 1000, "pages end");
    }
}

fn count(html: &str, needle: &str) -> usize {
    html.matches(needle).count()
}

/// The values of `attr="…"` on elements with `class="{class}"`, in order.
fn hrefs_of(html: &str, class: &str) -> Vec<String> {
    html.split(&format!("class=\"{class}\" href=\""))
        .skip(1)
        .map(|rest| rest[..rest.find('"').expect("closing quote")].replace("&amp;", "&"))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quotes_page_filters_speaker_page_feed_and_api() {
    let t = TestApp::new().await;
    let s = seed(&t).await;
    let all = api_quotes(&t, "").await;
    assert_eq!(all.len(), 8, "two quotes from each of four reports");
    let days: Vec<&str> = all
        .iter()
        .map(|q| q["said_on"].as_str().or(q["reported_on"].as_str()).expect("a day"))
        .collect();
    assert!(days.windows(2).all(|w| w[0] >= w[1]), "newest first: {days:?}");
    let by_speaker = |id: i64| all.iter().filter(|q| q["speaker"]["id"] == id).count();
    assert_eq!((by_speaker(s.peskov), by_speaker(s.lavrov)), (6, 2));

    // The live page links the tracker.
    assert!(t.get("/b/war").await.text().contains("href=\"/b/war/quotes\""));

    // The page: newest first, paged (5 a page in tests), every quote linking its entry and speaker.
    let first = t.get("/b/war/quotes").await;
    assert_eq!(first.status, StatusCode::OK);
    let html = first.text();
    assert!(html.contains("<h1>Who said what</h1>"));
    assert_eq!(count(&html, "<li class=\"quote "), 5);
    let next = hrefs_of(&html, "older");
    assert_eq!(next.len(), 1, "an older page");
    let second = t.get(&next[0]).await.text();
    assert_eq!(count(&second, "<li class=\"quote "), 3);
    assert!(hrefs_of(&second, "older").is_empty());
    let mut entry_links: Vec<String> = hrefs_of(&html, "quote-entry");
    entry_links.extend(hrefs_of(&second, "quote-entry"));
    let want: Vec<String> = all.iter().map(|q| format!("/b/war/e/{}", q["entry"]["id"])).collect();
    assert_eq!(
        entry_links, want,
        "the page and the API list the same quotes in the same order"
    );
    for e in &s.entries {
        assert!(entry_links.contains(&format!("/b/war/e/{e}")), "entry {e} has quotes");
        assert_eq!(
            t.get(&format!("/b/war/e/{e}")).await.status,
            StatusCode::OK,
            "the link lands"
        );
    }
    assert!(
        html.contains("href=\"https://wire.example/peskov-proposal\""),
        "the source is linked"
    );

    // Filters: speaker, topic, dates; they survive paging.
    let lav = t.get(&format!("/b/war/quotes?speaker={}", s.lavrov)).await.text();
    assert_eq!(count(&lav, "<li class=\"quote "), 2);
    assert_eq!(
        hrefs_of(&lav, "quote-speaker"),
        vec![format!("/b/war/quotes/{}", s.lavrov); 2]
    );
    assert!(lav.contains(&format!("<option value=\"{}\" selected>", s.lavrov)));
    let peskov_page1 = t.get(&format!("/b/war/quotes?speaker={}", s.peskov)).await.text();
    let more = hrefs_of(&peskov_page1, "older");
    assert!(more[0].contains(&format!("speaker={}", s.peskov)) && more[0].contains("before="));
    assert_eq!(count(&t.get(&more[0]).await.text(), "<li class=\"quote "), 1);

    let entries = t.get("/api/v1/briefings/war/entries?limit=100").await.json();
    let mut with_topic: BTreeMap<String, BTreeSet<i64>> = BTreeMap::new();
    for e in entries["items"].as_array().expect("entries") {
        for topic in e["topics"].as_array().expect("topics") {
            with_topic
                .entry(topic.as_str().expect("topic").to_string())
                .or_default()
                .insert(e["id"].as_i64().expect("id"));
        }
    }
    assert!(!with_topic.is_empty(), "the reports have topics");
    for (topic, ids) in &with_topic {
        let expected = all
            .iter()
            .filter(|q| ids.contains(&q["entry"]["id"].as_i64().expect("id")))
            .count();
        let enc: String = url::form_urlencoded::byte_serialize(topic.as_bytes()).collect();
        assert_eq!(
            api_quotes(&t, &format!("&topic={enc}")).await.len(),
            expected,
            "{topic}"
        );
        let page = t.get(&format!("/b/war/quotes?topic={enc}")).await.text();
        assert_eq!(count(&page, "<li class=\"quote "), expected.min(5), "{topic}");
    }

    let on_14: Vec<Value> = all.iter().filter(|q| q["said_on"] == "2025-03-14").cloned().collect();
    assert!(!on_14.is_empty());
    let dated = api_quotes(&t, "&from=2025-03-14&to=2025-03-14").await;
    assert_eq!(
        dated.iter().map(|q| q["id"].clone()).collect::<Vec<_>>(),
        on_14.iter().map(|q| q["id"].clone()).collect::<Vec<_>>()
    );
    let page = t.get("/b/war/quotes?from=2025-03-14&to=2025-03-14").await.text();
    assert_eq!(count(&page, "<li class=\"quote "), on_14.len().min(5));
    assert!(page.contains("value=\"2025-03-14\""), "the form keeps the dates");
    assert_eq!(
        count(
            &t.get("/b/war/quotes?from=2025-03-15").await.text(),
            "<li class=\"quote "
        ),
        0
    );

    // Bad filters are 400s; unknown briefings and speakers 404s.
    for bad in [
        "?from=yesterday",
        "?speaker=peskov",
        "?before=x",
        "?from=2025-03-14&to=2025-03-13",
    ] {
        assert_eq!(
            t.get(&format!("/b/war/quotes{bad}")).await.status,
            StatusCode::BAD_REQUEST,
            "{bad}"
        );
    }
    assert_eq!(t.get("/b/nope/quotes").await.status, StatusCode::NOT_FOUND);
    assert_eq!(t.get("/b/war/quotes/987654").await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        t.get("/b/war/quotes/987654/feed.atom").await.status,
        StatusCode::NOT_FOUND
    );

    // The speaker page: name, other spellings, quotes with date, kind, outlet and entry.
    let sp = t.get(&format!("/b/war/quotes/{}", s.peskov)).await;
    assert_eq!(sp.status, StatusCode::OK);
    let sp = sp.text();
    assert!(sp.contains("<h1>Dmitry Peskov</h1>"));
    for alias in ["Дмитро Пєсков", "Peskov"] {
        assert!(sp.contains(&format!("<li>{alias}</li>")), "{alias} is listed");
    }
    assert_eq!(count(&sp, "<li class=\"quote "), 5);
    assert!(sp.contains("6 quotes in this briefing"));
    let rest = t.get(&hrefs_of(&sp, "older")[0]).await.text();
    assert_eq!(count(&rest, "<li class=\"quote "), 1);
    assert!(format!("{sp}{rest}").contains("Ми готові до діалогу"));
    assert!(sp.contains("<time datetime=\"2025-03-1"));
    assert!(sp.contains("Direct quote") && sp.contains("Reported speech"));
    assert!(hrefs_of(&sp, "quote-entry").iter().all(|h| h.starts_with("/b/war/e/")));
    assert!(sp.contains(&format!("href=\"/b/war/quotes/{}/feed.atom\"", s.peskov)));

    // The Atom feed of the speaker.
    let r = t.get(&format!("/b/war/quotes/{}/feed.atom", s.peskov)).await;
    assert!(r.header("content-type").starts_with("application/atom+xml"));
    let text = r.text();
    let doc = roxmltree::Document::parse(&text).expect("well-formed XML");
    let feed = doc.root_element();
    assert_eq!(feed.tag_name().namespace(), Some("http://www.w3.org/2005/Atom"));
    let child = |n: roxmltree::Node<'_, '_>, name: &str| {
        n.children()
            .find(|c| c.tag_name().name() == name)
            .and_then(|c| c.text())
            .map(str::to_string)
    };
    assert_eq!(
        child(feed, "id").as_deref(),
        Some(format!("https://briefs.example.org/b/war/quotes/{}", s.peskov).as_str())
    );
    let items: Vec<_> = feed.children().filter(|c| c.tag_name().name() == "entry").collect();
    assert_eq!(items.len(), 6);
    let ids: BTreeSet<String> = items.iter().map(|e| child(*e, "id").expect("id")).collect();
    assert_eq!(ids.len(), 6, "ids are unique");
    for e in &items {
        assert!(child(*e, "title").expect("title").starts_with("Dmitry Peskov: "));
        assert!(child(*e, "updated").is_some());
        let alt = e
            .children()
            .find(|c| c.tag_name().name() == "link" && c.attribute("rel") == Some("alternate"))
            .and_then(|c| c.attribute("href"))
            .expect("a link to the entry");
        assert!(alt.starts_with("https://briefs.example.org/b/war/e/"), "{alt}");
        assert!(child(*e, "content").expect("content").contains("<blockquote>"));
    }

    // The API's speakers.
    let speakers = t.get("/api/v1/briefings/war/speakers").await.json();
    assert_eq!(
        speakers
            .as_array()
            .expect("list")
            .iter()
            .map(|x| (x["id"].as_i64().expect("id"), x["quote_count"].as_u64().expect("n")))
            .collect::<Vec<_>>(),
        vec![(s.peskov, 6), (s.lavrov, 2)]
    );
    let one = t.get(&format!("/api/v1/speakers/{}", s.peskov)).await.json();
    assert_eq!(one["name"], "Dmitry Peskov");
    let aliases: Vec<&str> = one["aliases"]
        .as_array()
        .expect("aliases")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(
        aliases.contains(&"Дмитро Пєсков") && aliases.contains(&"Peskov"),
        "{aliases:?}"
    );
    let r = t.get("/api/v1/speakers/987654").await;
    assert_eq!((r.status, r.code().as_str()), (StatusCode::NOT_FOUND, "not_found"));
    let r = t.get("/api/v1/briefings/war/quotes?from=never").await;
    assert_eq!((r.status, r.code().as_str()), (StatusCode::BAD_REQUEST, "bad_request"));
    assert_eq!(
        t.get("/api/v1/briefings/nope/quotes").await.status,
        StatusCode::NOT_FOUND
    );

    // Retracting an entry takes its quotes off the page, the API and the feed.
    let later = s.entries[3];
    let r = t
        .api(
            Method::POST,
            &format!("/api/v1/entries/{later}/retract"),
            Some(&s.tok),
            Some(json!({"note": "Misattributed."})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let left = api_quotes(&t, "").await;
    assert_eq!(left.len(), 6);
    assert!(left.iter().all(|q| q["entry"]["id"] != later));
    let html = t.get("/b/war/quotes").await.text();
    assert!(!html.contains(&format!("/b/war/e/{later}\"")));
    let text = t.get(&format!("/b/war/quotes/{}/feed.atom", s.peskov)).await.text();
    let doc = roxmltree::Document::parse(&text).expect("XML");
    assert_eq!(
        doc.root_element()
            .children()
            .filter(|c| c.tag_name().name() == "entry")
            .count(),
        4
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn desk_merges_splits_and_renames_speakers() {
    let t = TestApp::new().await;
    let s = seed(&t).await;
    // Signed out: to the login form.
    let r = t.get("/desk/speakers").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(r.header("location").starts_with("/login"));

    let cookie = t.login("eda", PASSWORD).await;
    let page = t.get_cookie("/desk/speakers", &cookie).await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.text();
    assert!(html.contains("Dmitry Peskov") && html.contains("Sergei Lavrov"));
    assert!(
        html.contains("(dmytro pieskov, 2)"),
        "every spelling with its published quotes"
    );
    let csrf = form_csrf(&html);

    // Without the CSRF token nothing happens.
    let r = t
        .post_form(
            &format!("/desk/speakers/{}/rename", s.peskov),
            &cookie,
            &[("name", "X")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    let r = t
        .post_form(
            &format!("/desk/speakers/{}/rename", s.peskov),
            &cookie,
            &[("csrf", &csrf), ("name", "Dmitry S. Peskov")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let one = t.get(&format!("/api/v1/speakers/{}", s.peskov)).await.json();
    assert_eq!(one["name"], "Dmitry S. Peskov");

    // Merge Lavrov into Peskov (a mistake), then split him off again.
    let r = t
        .post_form(
            &format!("/desk/speakers/{}/merge", s.lavrov),
            &cookie,
            &[("csrf", &csrf), ("into", &format!("#{}", s.peskov))],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let moved = t.get(&format!("/b/war/quotes/{}", s.lavrov)).await;
    assert_eq!(moved.status, StatusCode::PERMANENT_REDIRECT);
    assert_eq!(moved.header("location"), format!("/b/war/quotes/{}", s.peskov));
    let moved = t.get(&format!("/api/v1/speakers/{}", s.lavrov)).await;
    assert_eq!(moved.status, StatusCode::PERMANENT_REDIRECT);
    assert_eq!(moved.header("location"), format!("/api/v1/speakers/{}", s.peskov));
    let feed = t.get(&format!("/b/war/quotes/{}/feed.atom", s.lavrov)).await;
    assert_eq!(feed.header("location"), format!("/b/war/quotes/{}/feed.atom", s.peskov));
    assert_eq!(
        t.get("/api/v1/briefings/war/speakers")
            .await
            .json()
            .as_array()
            .map(Vec::len),
        Some(1)
    );
    let r = t
        .post_form(
            &format!("/desk/speakers/{}/merge", s.lavrov),
            &cookie,
            &[("csrf", &csrf), ("into", &s.peskov.to_string())],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "a merged speaker is not merged again");

    let r = t
        .post_form(
            &format!("/desk/speakers/{}/split", s.peskov),
            &cookie,
            &[("csrf", &csrf), ("alias", "sergei lavrov"), ("name", "")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let speakers = t.get("/api/v1/briefings/war/speakers").await.json();
    let list = speakers.as_array().expect("list");
    assert_eq!(list.len(), 2);
    let lavrov = list.iter().find(|x| x["name"] == "Sergei Lavrov").expect("split off");
    assert_eq!(lavrov["quote_count"], 2, "his quotes went with his spelling");
    assert_ne!(lavrov["id"], s.lavrov, "a new speaker");
    let r = t
        .post_form(
            &format!("/desk/speakers/{}/split", s.peskov),
            &cookie,
            &[
                ("csrf", &csrf),
                ("alias", "dmitry peskov"),
                ("alias", "dmytro pieskov"),
                ("alias", "peskov"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "one spelling stays");
    assert_eq!(
        t.post_form("/desk/speakers/1/unknown", &cookie, &[("csrf", &csrf)])
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    // Contributors see the speakers, without the forms, and may not act.
    t.state
        .app
        .create_user("cole", livebrief_model::Role::Contributor, PASSWORD)
        .await
        .expect("user");
    let cc = t.login("cole", PASSWORD).await;
    let html = t.get_cookie("/desk/speakers", &cc).await.text();
    assert!(html.contains("Dmitry S. Peskov") && !html.contains("/rename\""));
    let r = t
        .post_form(
            &format!("/desk/speakers/{}/rename", s.peskov),
            &cc,
            &[
                ("csrf", &form_csrf(&t.get_cookie("/desk", &cc).await.text())),
                ("name", "Nope"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(
        t.get(&format!("/api/v1/speakers/{}", s.peskov)).await.json()["name"],
        "Dmitry S. Peskov"
    );
}

/// The parts of a quote page where outside text lands.
fn outside_regions(html: &str) -> String {
    let mut out = String::new();
    for (open, close) in [
        ("<title", "</title>"),
        ("<h1", "</h1>"),
        ("<h2", "</h2>"),
        ("<select", "</select>"),
        ("<nav class=\"panel speaker-index\"", "</nav>"),
        ("<ul class=\"aliases\"", "</ul>"),
        ("<ul class=\"speaker-aliases\"", "</ul>"),
        ("<ol class=\"quote-list\"", "</ol>"),
    ] {
        let mut rest = html;
        while let Some(i) = rest.find(open) {
            let end = i + rest[i..].find(close).unwrap_or_else(|| panic!("{open} closes")) + close.len();
            out.push_str(&rest[i..end]);
            out.push('\n');
            rest = &rest[end..];
        }
    }
    out
}

fn check(what: &str, doc: &str) {
    if let Some(found) = find_active_content(doc) {
        panic!("{what} carries active content: {found}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_text_never_reaches_a_quote_page_or_feed() {
    let t = TestApp::new().await;
    let tok = t.with_briefing().await;
    let ed = editor(&t).await;
    let corpus = hostile_corpus();
    let lines: Vec<String> = corpus
        .iter()
        .map(|c| c.chars().filter(|c| !c.is_control()).take(180).collect())
        .collect();
    for (k, chunk) in lines.chunks(10).enumerate() {
        let text: String = chunk
            .iter()
            .map(|l| format!("“{l},” Dmitry Peskov told reporters.\n\nDmitry Peskov said that {l}\n\n"))
            .collect();
        // (A report of markup only drafts no headline of its own: it gets a title.)
        titled_entry(
            &t,
            &tok,
            &ed,
            &format!("https://example.org/h{k}?a=\"><script>alert(1)</script>"),
            &chunk[0],
            "2025-03-13",
            &format!("Peskov on talks, part {k}"),
            &text,
        )
        .await;
    }
    // Hostile topics (the filter's choices) come from entries an editor wrote.
    for l in lines.iter().take(12) {
        t.publish(
            &tok,
            "Topics",
            json!({"topics": [l.chars().take(50).collect::<String>()]}),
        )
        .await;
    }
    let speakers = t.get("/api/v1/briefings/war/speakers").await.json();
    let id = speakers[0]["id"].as_i64().expect("a speaker");
    let quotes = api_quotes(&t, "").await;
    assert!(
        quotes.len() >= lines.len() / 2,
        "most hostile quotes were read: {}",
        quotes.len()
    );
    // An editor's hostile name too.
    t.state
        .app
        .speaker_act(
            &ed,
            SpeakerId(id),
            SpeakerAction::Rename("<img src=x onerror=alert(1)>Peskov".into()),
        )
        .await
        .expect("rename");

    let mut pages = vec![
        "/b/war/quotes".to_string(),
        format!("/b/war/quotes/{id}"),
        format!("/b/war/quotes?speaker={id}"),
    ];
    let mut url = "/b/war/quotes".to_string();
    loop {
        let html = t.get(&url).await.text();
        match hrefs_of(&html, "older").into_iter().next() {
            Some(next) => {
                pages.push(next.clone());
                url = next;
            }
            None => break,
        }
    }
    let mut shown = 0;
    for p in &pages {
        let r = t.get(p).await;
        assert_eq!(r.status, StatusCode::OK, "{p}");
        let html = r.text();
        check(p, &outside_regions(&html));
        assert!(!html.contains("<img src=x"), "{p}: the name is text");
        shown += count(&html, "&lt;");
    }
    assert!(shown > 0, "the markup is shown as text");
    let page = t.get("/b/war/quotes").await.text();
    assert!(page.contains("&lt;img src=x onerror=alert(1)&gt;Peskov"));
    assert!(
        page.contains("<option value=\"&lt;script&gt;alert(&#39;xss-script&#39;)&lt;/script&gt;\""),
        "topics are choices as text"
    );

    let atom = t.get(&format!("/b/war/quotes/{id}/feed.atom")).await.text();
    let doc = roxmltree::Document::parse(&atom).expect("the feed stays well-formed under hostile input");
    for n in doc.descendants().filter(|n| n.tag_name().name() == "content") {
        let html = n.text().unwrap_or_default();
        // The feed's own markup: blockquote, p and links to the source and entry.
        let outside: String = html
            .split("<blockquote>")
            .nth(1)
            .and_then(|s| s.split("</blockquote>").next())
            .unwrap_or_default()
            .to_string();
        check("Atom quote", &outside);
        check("Atom content", html);
    }
    let title = doc
        .descendants()
        .find(|n| n.tag_name().name() == "title")
        .and_then(|n| n.text())
        .expect("title");
    assert!(
        title.starts_with("<img src=x onerror=alert(1)>Peskov"),
        "titles are text: {title}"
    );

    let s = t.login("eda", PASSWORD).await;
    let desk = t.get_cookie("/desk/speakers", &s).await.text();
    check("desk speakers", &outside_regions(&desk));
    assert!(!desk.contains("<img src=x"), "the desk shows the name as text");
}
