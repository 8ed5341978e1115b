//! The desk pages of the newsroom loop: inbox, development, sources and jobs, the desk's live stream, and
//! hostile text from reports and sources on all of them. Reports are synthetic, written for these tests.

use axum::http::StatusCode;
use livebrief_app::{ReportBody, ReportInput};
use livebrief_content::testing::{find_active_content, hostile_corpus};
use livebrief_model::source::PollOutcome;
use livebrief_model::{
    Actor, Date, DeskAction, Development, DevelopmentId, JobState, NewJob, Report, Retry, Role, Source, SourceDraft,
    SourceKind,
};
use livebrief_store::{DevOrder, DevQuery, FacetKind, SeenItem};

use crate::sse::SseClient;
use crate::support::{PASSWORD, Resp, TestApp, form_csrf};

/// A wire story about a strike on Kharkiv's power grid, as one outlet ran it.
const WIRE: &str = "Kharkiv Mayor Ihor Terekhov said on Thursday that a Russian drone strike had damaged a power \
substation in the city overnight.\n\n“The city is without heating in three districts,” Terekhov said. Repair crews \
were working at the substation on Thursday morning, he added.\n\nThe regional governor said two people were hurt \
in the attack on Kharkiv.";

/// The same wire story as a second outlet ran it: a near-copy.
const WIRE_COPY: &str = "Kharkiv Mayor Ihor Terekhov said on Thursday that a Russian drone strike had damaged a \
power substation in the city overnight.\n\n“The city is without heating in three districts,” Terekhov said. Repair \
crews were working at the substation on Thursday morning, he added.\n\nThe regional governor said two people were \
injured in the attack on Kharkiv.";

/// A third outlet's version of the same event, later.
const WIRE_THIRD: &str = "Kharkiv Mayor Ihor Terekhov said on Thursday that a Russian drone strike had damaged a \
power substation in the city overnight.\n\n“The city is without heating in three districts,” Terekhov said. Repair \
crews were working at the substation on Thursday morning, he added.\n\nHeating returned to one district by noon, \
the regional governor said of the attack on Kharkiv.";

/// Stories that cannot join another: each is dated years from the others (the grouper's window is 90 days).
fn lone_story(i: usize) -> (String, String, String) {
    let (place, speaker, topic) = [
        ("Lviv", "Andriy Sadovyi", "a new bridge over the river"),
        ("Odesa", "Hennadiy Trukhanov", "the reopening of the port"),
        ("Dnipro", "Borys Filatov", "a tram line to the airport"),
        ("Poltava", "Oleksandr Mamai", "a school built with donations"),
        ("Chernihiv", "Vladyslav Atroshenko", "repairs to the theatre"),
    ][i % 5];
    let text = format!(
        "{place} Mayor {speaker} said on Monday that the city council had approved {topic}.\n\n“This is what \
         people asked us for,” {} told reporters in {place} on Monday.",
        speaker.split(' ').next_back().unwrap_or(speaker)
    );
    (
        format!("{place} approves {topic}"),
        text,
        format!("{}-03-02", 2001 + 3 * i),
    )
}

pub async fn editor_actor(t: &TestApp, name: &str) -> Actor {
    let (u, _) = t
        .state
        .app
        .store()
        .user_by_name(name)
        .await
        .expect("store")
        .expect("user");
    u.actor()
}

/// Adds a report to `war` and returns it with the development it joined.
pub async fn add(
    t: &TestApp,
    actor: &Actor,
    title: &str,
    outlet: &str,
    url: &str,
    published: &str,
    text: &str,
) -> (Report, Development) {
    let (r, _) = t
        .state
        .app
        .add_report(
            actor,
            "war",
            ReportInput {
                url: Some(url.to_string()),
                title: title.to_string(),
                source: outlet.to_string(),
                published: Some(published.parse::<Date>().expect("date")),
                body: ReportBody::Text(text.to_string()),
            },
        )
        .await
        .expect("report added");
    let d = dev_of(t, &r).await;
    t.tick(60);
    (r, d)
}

pub async fn dev_of(t: &TestApp, r: &Report) -> Development {
    let m = t
        .state
        .app
        .store()
        .membership(r.id)
        .await
        .expect("store")
        .expect("grouped");
    dev(t, m.development_id).await
}

pub async fn dev(t: &TestApp, id: DevelopmentId) -> Development {
    t.state
        .app
        .store()
        .development(id)
        .await
        .expect("store")
        .expect("development")
}

/// The development ids of the inbox rows on a page, in order.
fn row_ids(html: &str) -> Vec<i64> {
    html.split("<li class=\"dev-row")
        .skip(1)
        .filter_map(|s| {
            let i = s.find("data-development-id=\"")? + "data-development-id=\"".len();
            s[i..i + s[i..].find('"')?].parse().ok()
        })
        .collect()
}

/// The HTML-escaped form of `s` as templates write it.
fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

fn location(r: &Resp) -> String {
    r.header("location")
}

/// The wire story from two outlets (one development) and three lone stories (one each).
async fn newsroom(t: &TestApp) -> (Actor, Development, Vec<(Report, Development)>) {
    t.with_briefing().await;
    let eda = editor_actor(t, "eda").await;
    let (_, a) = add(
        t,
        &eda,
        "Drone strike cuts heating in Kharkiv",
        "Kyiv Ledger",
        "https://ledger.example/kharkiv",
        "2025-03-13",
        WIRE,
    )
    .await;
    let (r2, a2) = add(
        t,
        &eda,
        "Kharkiv substation hit by drone",
        "Eastern Wire",
        "https://wire.example/kharkiv",
        "2025-03-13",
        WIRE_COPY,
    )
    .await;
    assert_eq!(a.id, a2.id, "the same wire story from two outlets is one development");
    let a = dev_of(t, &r2).await;
    assert_eq!((a.report_count, a.outlet_count), (2, 2));
    let mut lone = Vec::new();
    for i in 0..3 {
        let (title, text, day) = lone_story(i);
        lone.push(
            add(
                t,
                &eda,
                &title,
                &format!("City Paper {i}"),
                &format!("https://city{i}.example/story"),
                &day,
                &text,
            )
            .await,
        );
    }
    for (r, d) in &lone {
        assert_eq!(d.report_count, 1, "report #{} stands alone", r.id.0);
    }
    (eda, a, lone)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn inbox_lists_developments_with_corroboration_filters_tabs_and_pages() {
    let t = desk_app().await;
    let (_, wire, lone) = newsroom(&t).await;
    let s = t.login("eda", PASSWORD).await;

    let r = t.get_cookie("/desk/b/war/inbox", &s).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.header("cache-control"), "no-store");
    let html = r.text();
    let ids = row_ids(&html);
    // Latest report first: the lone stories came last, newest on top.
    let expected: Vec<i64> = lone.iter().rev().map(|(_, d)| d.id.0).chain([wire.id.0]).collect();
    assert_eq!(ids, expected);
    assert!(html.contains("2 outlets</strong>"), "corroboration shown");
    assert!(
        html.contains(&format!(
            "<article class=\"dev\" aria-labelledby=\"dh-{}\" lang=\"en\">",
            wire.id.0
        )),
        "a row says its language"
    );
    assert!(html.contains("2 reports"));
    assert!(html.contains(&esc(wire.text().0)), "the draft headline");
    assert!(html.contains(&esc(wire.text().1)), "the draft body");
    assert!(html.contains("data-action=\"approve\"") && html.contains("data-action=\"dismiss\""));
    assert!(html.contains("id=\"inbox-list\"") && html.contains("data-stream=\"/desk/b/war/events\""));
    assert!(
        html.contains("href=\"/desk/b/war/inbox\" id=\"inbox-refresh\""),
        "a Refresh link without JS"
    );
    assert!(html.contains("/static/inbox.js"));

    // Most corroborated first.
    let ids = row_ids(&t.get_cookie("/desk/b/war/inbox?order=corroborated", &s).await.text());
    assert_eq!(ids.first(), Some(&wire.id.0));
    assert_eq!(ids.len(), 4);

    // Every filter shows exactly the developments whose facet has the value.
    let b = t.state.app.briefing("war").expect("briefing").0;
    let all = t
        .state
        .app
        .developments(&DevQuery {
            briefing_id: b.id,
            statuses: vec![],
            filters: vec![],
            order: DevOrder::Recent,
            offset: 0,
            limit: 100,
        })
        .await
        .expect("list");
    let mut checked = 0;
    for kind in [
        FacetKind::Place,
        FacetKind::Speaker,
        FacetKind::Outlet,
        FacetKind::Topic,
        FacetKind::Language,
    ] {
        let values = t.state.app.store().facet_values(b.id, kind, 50).await.expect("facets");
        for (value, _) in values.iter().take(4) {
            let mut q = url::form_urlencoded::Serializer::new(String::new());
            q.append_pair(kind.as_str(), value);
            let page = t.get_cookie(&format!("/desk/b/war/inbox?{}", q.finish()), &s).await;
            assert_eq!(page.status, StatusCode::OK);
            let html = page.text();
            let mut got = row_ids(&html);
            got.sort();
            let mut want: Vec<i64> = all
                .iter()
                .filter(|d| {
                    let f = &d.facets;
                    match kind {
                        FacetKind::Place => &f.places,
                        FacetKind::Speaker => &f.speakers,
                        FacetKind::Outlet => &f.outlets,
                        FacetKind::Topic => &f.topics,
                        FacetKind::Language => &f.languages,
                    }
                    .contains(value)
                })
                .map(|d| d.id.0)
                .collect();
            want.sort();
            assert!(!want.is_empty());
            assert_eq!(got, want, "{} = {value}", kind.as_str());
            assert!(
                html.contains(&format!("<option value=\"{}\" selected>", esc(value))),
                "the select shows the filter"
            );
            checked += 1;
        }
    }
    assert!(
        checked >= 8,
        "places, speakers, outlets and languages were offered ({checked})"
    );
    // Outlets filter by name; `source` names them too.
    let only_wire = row_ids(&t.get_cookie("/desk/b/war/inbox?source=Eastern+Wire", &s).await.text());
    assert_eq!(only_wire, vec![wire.id.0]);
    let lviv = row_ids(&t.get_cookie("/desk/b/war/inbox?place=Lviv", &s).await.text());
    assert_eq!(lviv, vec![lone[0].1.id.0], "a place filter");

    // Pages: two at a time, "More" carries the order and size on.
    let first = t
        .get_cookie("/desk/b/war/inbox?order=corroborated&limit=2", &s)
        .await
        .text();
    assert_eq!(row_ids(&first).len(), 2);
    let i = first
        .find("id=\"inbox-more\"")
        .map(|_| ())
        .and(first.find("rel=\"next\""));
    assert!(i.is_some(), "a More link");
    assert!(first.contains("href=\"/desk/b/war/inbox?order=corroborated&amp;offset=2&amp;limit=2\""));
    let second = t
        .get_cookie("/desk/b/war/inbox?order=corroborated&offset=2&limit=2", &s)
        .await
        .text();
    let mut both = row_ids(&first);
    both.extend(row_ids(&second));
    assert_eq!(both.len(), 4);
    assert!(!second.contains("id=\"inbox-more\""), "the last page has no More");
    assert!(second.contains(">First page</a>"));

    // Tabs: nothing dismissed or published yet; a bad parameter is a clear error.
    let dismissed = t.get_cookie("/desk/b/war/inbox?status=dismissed", &s).await.text();
    assert!(row_ids(&dismissed).is_empty() && dismissed.contains("No dismissed developments"));
    assert!(dismissed.contains("aria-current=\"page\">Dismissed</a>"));
    let bad = t.get_cookie("/desk/b/war/inbox?order=sideways", &s).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.text().contains("recent or corroborated"));

    // Signed out: to the sign-in form.
    let r = t.get("/desk/b/war/inbox").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(location(&r).starts_with("/login?next="));

    // The desk home and the briefing's desk page link here with a summary.
    let home = t.get_cookie("/desk", &s).await.text();
    assert!(home.contains("href=\"/desk/b/war/inbox\""), "{home}");
    assert!(home.contains("Inbox: 4 open developments"));
    let desk = t.get_cookie("/desk/b/war", &s).await.text();
    assert!(desk.contains("Inbox: 4 open developments") && desk.contains("0 sources"));
}

/// Posts a desk form with the session's CSRF token from `page`.
async fn post(t: &TestApp, s: &str, path: &str, csrf: &str, fields: &[(&str, &str)]) -> Resp {
    let mut all: Vec<(&str, &str)> = vec![("csrf", csrf)];
    all.extend_from_slice(fields);
    t.post_form(path, s, &all).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn development_page_shows_reports_quotes_provenance_and_record() {
    let t = desk_app().await;
    let (_, wire, _) = newsroom(&t).await;
    let s = t.login("eda", PASSWORD).await;
    let path = format!("/desk/d/{}", wire.id.0);
    let r = t.get_cookie(&path, &s).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.header("cache-control"), "no-store");
    let html = r.text();
    assert!(html.contains(&format!("<h1 id=\"dev-h\">{}</h1>", esc(wire.text().0))));
    assert!(html.contains("2 outlets</strong>") && html.contains("Reported by: Kyiv Ledger, Eastern Wire"));
    let reports = t.state.app.development(wire.id).await.expect("view").reports;
    assert_eq!(reports.len(), 2);
    for (m, rep) in &reports {
        assert!(html.contains(&format!("id=\"r-{}\" data-report-id=\"{}\"", rep.id.0, rep.id.0)));
        assert!(html.contains(&format!(
            "<a href=\"{}\" rel=\"nofollow noopener noreferrer\">{}</a>",
            rep.url.as_deref().unwrap_or_default(),
            esc(&rep.title)
        )));
        assert!(html.contains(&format!("<span class=\"outlet\">{}</span>", rep.source)));
        assert!(html.contains("published <time datetime=\"2025-03-13\">13 March 2025</time>"));
        if let Some(n) = m.near_duplicate_of {
            assert!(html.contains(&format!("near-duplicate of <a href=\"#r-{}\">#{}</a>", n.0, n.0)));
        }
        // Quotes are marked in the text, with who said them.
        assert!(html.contains(&format!(
            "<mark class=\"quote quote-direct\" id=\"q-{}-2\">“The city is without heating in three districts,”</mark><span class=\"quote-speaker\"> [Ihor Terekhov]</span>",
            rep.id.0
        )), "{html}");
    }
    assert!(
        reports.iter().any(|(m, _)| m.near_duplicate_of.is_some()),
        "the second outlet's copy is marked as a near-duplicate"
    );
    assert!(html.contains("near-duplicate of"));
    // Every claim of the draft is a numbered note that names its report and span.
    assert!(!wire.draft.pieces.is_empty());
    for (i, p) in wire.draft.pieces.iter().enumerate() {
        let note = format!(
            "<li id=\"note-{}\">“{}”: report <a href=\"#r-{}\">#{}</a>",
            i + 1,
            esc(&p.text),
            p.report_id.0,
            p.report_id.0
        );
        assert!(html.contains(&note), "{note}");
        assert!(
            html.contains(&format!("characters {}–{}</li>", p.span.0, p.span.1))
                || html.contains(&format!("characters {}–{} <", p.span.0, p.span.1))
        );
    }
    assert!(
        html.contains("<sup class=\"note-ref\"><a href=\"#note-1\">"),
        "the draft refers to its notes"
    );
    assert!(html.contains("No decisions yet."));

    // The record names who did what.
    let csrf = form_csrf(&html);
    let r = post(
        &t,
        &s,
        &format!("{path}/edit"),
        &csrf,
        &[
            ("version", &wire.version.to_string()),
            ("headline", "Drone strike leaves Kharkiv districts without heating"),
            ("body", "Mayor Ihor Terekhov said three districts had no heating."),
            ("then", "save"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let html = t.get_cookie(&path, &s).await.text();
    assert!(html.contains("<strong>edit</strong> by eda"), "{html}");
    assert!(html.contains("Edited by eda"));
    assert!(html.contains("<h1 id=\"dev-h\">Drone strike leaves Kharkiv districts without heating</h1>"));
    // The machine draft and its notes stay visible below the editor's text.
    assert!(html.contains(&esc(&wire.draft.headline)));

    assert_eq!(t.get_cookie("/desk/d/9999", &s).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_desk_action_works_through_its_form() {
    let t = desk_app().await;
    let (eda, wire, lone) = newsroom(&t).await;
    let s = t.login("eda", PASSWORD).await;
    let w = wire.id.0;
    let page = t.get_cookie(&format!("/desk/d/{w}"), &s).await.text();
    let csrf = form_csrf(&page);
    let v = |d: &Development| d.version.to_string();

    // No CSRF token, no action.
    let r = t
        .post_form(&format!("/desk/d/{w}/approve"), &s, &[("version", &v(&wire))])
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.text().contains("CSRF"));
    assert_eq!(dev(&t, wire.id).await.version, wire.version, "nothing changed");

    // Edit.
    let r = post(
        &t,
        &s,
        &format!("/desk/d/{w}/edit"),
        &csrf,
        &[
            ("version", &v(&wire)),
            ("headline", "Drone strike leaves Kharkiv districts without heating"),
            ("body", "Mayor Ihor Terekhov said three districts had no heating."),
            ("then", "save"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    assert_eq!(location(&r), format!("/desk/d/{w}?done=saved&dev={w}"));
    let after = t.get_cookie(&location(&r), &s).await.text();
    assert!(after.contains(&format!("Your text of development #{w} is saved.")));

    // The form of the old version is refused, with a way to reload.
    let r = post(
        &t,
        &s,
        &format!("/desk/d/{w}/approve"),
        &csrf,
        &[("version", &v(&wire))],
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    let html = r.text();
    assert!(
        html.contains("Changed since you opened it")
            && html.contains(&format!("<a href=\"/desk/d/{w}\">Reload and look again</a>")),
        "{html}"
    );
    let wire = dev(&t, wire.id).await;
    assert_eq!(wire.status.as_str(), "open");

    // A value the rules refuse comes back on the page with what was typed.
    let r = post(
        &t,
        &s,
        &format!("/desk/d/{w}/edit"),
        &csrf,
        &[
            ("version", &v(&wire)),
            ("headline", "  "),
            ("body", "Typed text to keep"),
            ("then", "save"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text().contains("role=\"alert\">a development needs a headline")
            && r.text().contains(">Typed text to keep</textarea>")
    );

    // Dismiss needs a reason; then reopen.
    let (l0, l1, l2) = (&lone[0].1, &lone[1].1, &lone[2].1);
    let r = post(
        &t,
        &s,
        &format!("/desk/d/{}/dismiss", l0.id.0),
        &csrf,
        &[("version", &v(l0)), ("reason", " ")],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("say why"));
    let r = post(
        &t,
        &s,
        &format!("/desk/d/{}/dismiss", l0.id.0),
        &csrf,
        &[("version", &v(l0)), ("reason", "Local news, not for this briefing")],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let l0 = dev(&t, l0.id).await;
    assert_eq!(
        (l0.status.as_str(), l0.dismissed.as_deref()),
        ("dismissed", Some("Local news, not for this briefing"))
    );
    let tab = t.get_cookie("/desk/b/war/inbox?status=dismissed", &s).await.text();
    assert_eq!(row_ids(&tab), vec![l0.id.0]);
    assert!(tab.contains("Dismissed: Local news, not for this briefing") && tab.contains("data-action=\"reopen\""));
    let r = post(
        &t,
        &s,
        &format!("/desk/d/{}/reopen", l0.id.0),
        &csrf,
        &[("version", &v(&l0))],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let l0 = dev(&t, l0.id).await;
    assert_eq!(l0.status.as_str(), "open");
    let page = t.get_cookie(&format!("/desk/d/{}", l0.id.0), &s).await.text();
    assert!(page.contains("<strong>dismiss</strong> by eda") && page.contains("<strong>reopen</strong> by eda"));
    assert!(page.contains("reason: Local news, not for this briefing"));

    // Merge one lone story into another, by typed number.
    let r = post(
        &t,
        &s,
        &format!("/desk/d/{}/merge", l1.id.0),
        &csrf,
        &[("version", &v(l1)), ("into", ""), ("into_id", &format!("#{}", l2.id.0))],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    assert_eq!(
        location(&r),
        format!("/desk/d/{0}?done=merged&dev={0}&from={1}", l2.id.0, l1.id.0)
    );
    let merged = dev(&t, l1.id).await;
    assert_eq!((merged.status.as_str(), merged.merged_into), ("merged", Some(l2.id)));
    let l2 = dev(&t, l2.id).await;
    assert_eq!(l2.report_count, 2);
    let gone = t.get_cookie(&format!("/desk/d/{}", l1.id.0), &s).await.text();
    assert!(gone.contains(&format!(
        "merged into <a href=\"/desk/d/{0}\">development #{0}</a>",
        l2.id.0
    )));
    assert!(
        !gone.contains("data-action=\"approve\""),
        "nothing to decide on a merged development"
    );
    assert!(
        !row_ids(&t.get_cookie("/desk/b/war/inbox", &s).await.text()).contains(&l1.id.0),
        "merged ones are hidden"
    );

    // Split the merged-in report off again, ticking it.
    let moved_in = &lone[1].0;
    let r = post(
        &t,
        &s,
        &format!("/desk/d/{}/split", l2.id.0),
        &csrf,
        &[("version", &v(&l2)), ("report", &moved_in.id.0.to_string())],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let split = dev_of(&t, moved_in).await;
    assert_ne!(split.id, l2.id);
    assert_eq!(
        location(&r),
        format!("/desk/d/{0}?done=split&dev={0}&from={1}", split.id.0, l2.id.0)
    );
    assert_eq!(dev(&t, l2.id).await.report_count, 1);
    assert_eq!(split.report_count, 1);

    // Approve: the entry is on the public page.
    let r = post(
        &t,
        &s,
        &format!("/desk/d/{w}/approve"),
        &csrf,
        &[("version", &v(&wire))],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let wire = dev(&t, wire.id).await;
    let entry = wire.entry_id.expect("an entry");
    assert_eq!(
        location(&r),
        format!("/desk/d/{w}?done=approved&dev={w}&entry={}", entry.0)
    );
    assert_eq!(wire.status.as_str(), "published");
    let public = t.get("/b/war").await.text();
    assert!(
        public.contains("Drone strike leaves Kharkiv districts without heating"),
        "published on the live page"
    );
    let page = t.get_cookie(&format!("/desk/d/{w}"), &s).await.text();
    assert!(page.contains(&format!(
        "Entry #{} (published) · <a href=\"/b/war/e/{}\">on the live page</a>",
        entry.0, entry.0
    )));
    assert!(row_ids(&t.get_cookie("/desk/b/war/inbox?status=published", &s).await.text()).contains(&w));

    // A third outlet reports it after publication: the inbox says so, and "update entry" cites it.
    let (r3, joined) = add(
        &t,
        &eda,
        "Kharkiv heating partly back",
        "Frontline Daily",
        "https://frontline.example/kharkiv",
        "2025-03-13",
        WIRE_THIRD,
    )
    .await;
    assert_eq!(joined.id, wire.id, "the third outlet's version joins the development");
    assert_eq!(joined.reports_since_publish, 1);
    let tab = t.get_cookie("/desk/b/war/inbox?status=published", &s).await.text();
    assert!(tab.contains("1 new report since published") && tab.contains("data-action=\"update-entry\""));
    let r = post(
        &t,
        &s,
        &format!("/desk/d/{w}/update-entry"),
        &csrf,
        &[("version", &v(&joined)), ("next", "/desk/b/war/inbox?status=published")],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    assert_eq!(
        location(&r),
        format!(
            "/desk/b/war/inbox?status=published&done=updated&dev={w}&entry={}",
            entry.0
        )
    );
    let wire = dev(&t, wire.id).await;
    assert_eq!(wire.reports_since_publish, 0);
    let e = t.state.app.entry(entry).await.expect("entry");
    assert_eq!(e.sources.len(), 3, "the entry cites every outlet");
    assert!(
        t.get_cookie(&location(&r), &s)
            .await
            .text()
            .contains("now cites every report")
    );

    // Move the third report to another development; the page stays on the one it left.
    let r = post(
        &t,
        &s,
        &format!("/desk/d/{w}/move"),
        &csrf,
        &[
            ("version", &v(&wire)),
            ("report", &r3.id.0.to_string()),
            ("to", &l0.id.0.to_string()),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    assert_eq!(
        location(&r),
        format!(
            "/desk/d/{w}?done=moved&dev={w}&entry={}&report={}&to={}",
            entry.0, r3.id.0, l0.id.0
        )
    );
    assert_eq!(dev_of(&t, &r3).await.id, l0.id);
    assert_eq!(dev(&t, wire.id).await.report_count, 2);

    // Save and publish in one go, from the inbox (back to it), and a `next` off the desk is ignored.
    let l0 = dev(&t, l0.id).await;
    let r = post(
        &t,
        &s,
        &format!("/desk/d/{}/edit", l0.id.0),
        &csrf,
        &[
            ("version", &v(&l0)),
            ("headline", "Lviv council approves a bridge"),
            ("body", "The council approved it."),
            ("then", "approve"),
            ("next", "/desk/b/war/inbox"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    assert!(
        location(&r).starts_with("/desk/b/war/inbox?done=approved&dev="),
        "{}",
        location(&r)
    );
    assert_eq!(dev(&t, l0.id).await.status.as_str(), "published");
    assert!(t.get("/b/war").await.text().contains("Lviv council approves a bridge"));
    let split = dev(&t, split.id).await;
    let r = post(
        &t,
        &s,
        &format!("/desk/d/{}/dismiss", split.id.0),
        &csrf,
        &[("version", &v(&split)), ("reason", "dup"), ("next", "//evil.example/x")],
    )
    .await;
    assert_eq!(location(&r), format!("/desk/d/{0}?done=dismissed&dev={0}", split.id.0));
    let r = post(&t, &s, "/desk/d/1/fly", &csrf, &[]).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn contributors_send_for_review_and_cannot_dismiss_or_merge() {
    let t = desk_app().await;
    let (_, wire, lone) = newsroom(&t).await;
    t.user("cora", Role::Contributor).await;
    let c = t.login("cora", PASSWORD).await;
    let inbox = t.get_cookie("/desk/b/war/inbox", &c).await.text();
    assert!(inbox.contains(">Send for review</button>") && !inbox.contains("data-action=\"dismiss\""));
    let w = wire.id.0;
    let page = t.get_cookie(&format!("/desk/d/{w}"), &c).await.text();
    assert!(
        !page.contains(&format!("action=\"/desk/d/{w}/merge\""))
            && !page.contains(&format!("action=\"/desk/d/{w}/dismiss\""))
    );
    assert!(!page.contains("action=\"/desk/d/1/split\"") && !page.contains("/move\""));
    assert!(page.contains("Save and send for review"));
    let csrf = form_csrf(&page);
    let v = wire.version.to_string();
    for (action, extra) in [
        ("dismiss", ("reason", "no")),
        ("merge", ("into", "2")),
        ("split", ("report", "1")),
        ("reopen", ("x", "")),
    ] {
        let r = post(
            &t,
            &c,
            &format!("/desk/d/{w}/{action}"),
            &csrf,
            &[("version", &v), extra],
        )
        .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{action}");
        assert!(
            r.text().contains("Not allowed") && r.text().contains("only editors"),
            "{action}: {}",
            r.text()
        );
    }
    let r = post(&t, &c, &format!("/desk/d/{w}/approve"), &csrf, &[("version", &v)]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    assert!(location(&r).starts_with(&format!("/desk/d/{w}?done=sent")));
    let entry = dev(&t, wire.id).await.entry_id.expect("entry");
    assert_eq!(
        t.state.app.entry(entry).await.expect("entry").status.as_str(),
        "pending"
    );
    assert!(
        !t.get("/b/war").await.text().contains(&esc(wire.text().0)),
        "not public before an editor approves"
    );
    assert!(t.get_cookie(&location(&r), &c).await.text().contains("sent for review"));
    let desk = t.get_cookie("/desk/b/war", &c).await.text();
    assert!(desk.contains("Waiting for approval (1)"));
    let _ = lone;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_row_fragment_answers_for_the_view_it_is_asked_for() {
    let t = desk_app().await;
    let (_, wire, _) = newsroom(&t).await;
    let s = t.login("eda", PASSWORD).await;
    let w = wire.id.0;
    let r = t.get_cookie(&format!("/desk/d/{w}/row?status=open"), &s).await;
    assert_eq!(r.status, StatusCode::OK);
    let html = r.text();
    assert!(
        html.trim_start().starts_with("<li class=\"dev-row status-open\""),
        "{html}"
    );
    assert!(!html.contains("<html") && html.contains(&format!("data-development-id=\"{w}\"")));
    assert!(
        html.contains("name=\"next\" value=\"/desk/b/war/inbox\""),
        "quick actions return to the inbox"
    );
    for q in ["status=dismissed", "status=published", "place=Lviv", "outlet=Nobody"] {
        let r = t.get_cookie(&format!("/desk/d/{w}/row?{q}"), &s).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{q}");
    }
    let r = t
        .get_cookie(
            &format!("/desk/d/{w}/row?status=open&place=Kharkiv&outlet=Eastern+Wire"),
            &s,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.text()
            .contains("name=\"next\" value=\"/desk/b/war/inbox?place=Kharkiv&amp;outlet=Eastern+Wire\"")
    );
    assert_eq!(t.get(&format!("/desk/d/{w}/row")).await.status, StatusCode::SEE_OTHER);
}

async fn source(t: &TestApp, title: &str, url: &str, kind: SourceKind, enabled: bool) -> Source {
    let b = t.state.app.briefing("war").expect("briefing").0;
    t.state
        .app
        .store()
        .create_source(
            &SourceDraft {
                briefing_id: b.id,
                kind,
                url: url.into(),
                title: title.into(),
                language: Some("uk".into()),
                trust_note: String::new(),
                poll_interval_secs: 300,
                enabled,
            },
            t.state.app.now(),
        )
        .await
        .expect("source")
}

/// Records a poll of `s` with this outcome.
async fn polled(t: &TestApp, s: &Source, outcome: PollOutcome) -> Source {
    let st = s.poll.after(&outcome, s.poll_interval_secs, t.state.app.now(), 0);
    t.state
        .app
        .store()
        .set_poll_state(s.id, &s.url, &st)
        .await
        .expect("poll state");
    t.state.app.store().source(s.id).await.expect("store").expect("source")
}

fn fetched() -> PollOutcome {
    PollOutcome::Fetched {
        new_items: 3,
        etag: None,
        last_modified: None,
    }
}

fn failed(error: &str) -> PollOutcome {
    PollOutcome::Failed {
        error: error.into(),
        retry_after_secs: None,
    }
}

/// A test app without the poller and job workers: these tests make the sources' and jobs' states themselves,
/// and nothing may fetch or change them meanwhile.
async fn desk_app() -> TestApp {
    TestApp::with_config(|c| c.ingest = false).await
}

/// A desk app whose fetcher may reach 127.0.0.1 (sources there pass the guard; nothing is fetched).
async fn with_loopback() -> TestApp {
    TestApp::with_config(|c| {
        c.ingest = false;
        c.fetch.allow = vec!["127.0.0.1/32".into()];
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sources_page_lists_health_and_errors_and_refuses_private_addresses() {
    let t = with_loopback().await;
    t.with_briefing().await;
    let ok = source(
        &t,
        "Kyiv Ledger feed",
        "https://ledger.example/feed.xml",
        SourceKind::Feed,
        true,
    )
    .await;
    polled(&t, &ok, fetched()).await;
    let bad = source(
        &t,
        "Eastern Wire feed",
        "https://wire.example/rss",
        SourceKind::Feed,
        true,
    )
    .await;
    polled(&t, &bad, failed("HTTP 503 Service Unavailable")).await;
    source(&t, "Old feed", "https://old.example/feed", SourceKind::Feed, false).await;
    source(
        &t,
        "Frontline front page",
        "https://frontline.example/",
        SourceKind::Page,
        true,
    )
    .await;
    let s = t.login("eda", PASSWORD).await;

    let r = t.get_cookie("/desk/b/war/sources", &s).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.header("cache-control"), "no-store");
    let html = r.text();
    for (id, health, label) in [(ok.id, "healthy", "Healthy"), (bad.id, "failing", "Failing")] {
        assert!(html.contains(&format!(
            "id=\"s-{}\" data-source-id=\"{}\" data-health=\"{health}\"",
            id.0, id.0
        )));
        assert!(html.contains(&format!(
            "<span class=\"health health-{health}\"><span class=\"health-icon\" aria-hidden=\"true\">"
        )));
        assert!(
            html.contains(&format!("</span> {label}</span>")),
            "health in words, not colour alone"
        );
    }
    assert!(html.contains("</span> Disabled</span>") && html.contains("</span> New</span>"));
    assert!(
        html.contains("<dd class=\"source-error\">HTTP 503 Service Unavailable"),
        "the last error"
    );
    assert!(html.contains("1 failed poll in a row"));
    assert!(html.contains("<dt>Items seen</dt><dd>3</dd>"));
    assert!(html.contains("<dt>Polled</dt><dd>every 5 min</dd>"));
    assert!(html.contains("<dt>Kind</dt><dd>page</dd>"));
    assert!(
        html.contains("</span> 1 healthy</span> · ")
            && html.contains("</span> 1 failing</span>")
            && html.contains("</span> 1 disabled</span>")
    );
    assert!(html.contains("<dt>Last success</dt><dd><time") && html.contains("<dt>Next poll</dt><dd><time"));
    let desk = t.get_cookie("/desk/b/war", &s).await.text();
    assert!(
        desk.contains("4 sources</a> (1 healthy · 1 new · 1 failing · 1 disabled)"),
        "{desk}"
    );

    // A private address is refused by the guard, before anything is sent; the page says only that the address
    // could not be reached (as for one that does not answer: `unreachable.rs`).
    let csrf = form_csrf(&html);
    for kind in ["", "feed"] {
        let r = post(
            &t,
            &s,
            "/desk/b/war/sources",
            &csrf,
            &[
                ("url", "http://10.0.0.1/feed"),
                ("kind", kind),
                ("title", ""),
                ("poll_interval_secs", "300"),
            ],
        )
        .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
        let html = r.text();
        let err = &html[html.find("id=\"sources-error\">").expect("an error")..];
        let err = &err[..err.find("</p>").expect("p")];
        assert!(
            err.contains("could not reach the address") && !err.contains("private"),
            "{err}"
        );
        assert!(
            html.contains("value=\"http://10.0.0.1/feed\""),
            "the form keeps the address"
        );
    }
    let r = post(
        &t,
        &s,
        "/desk/b/war/sources",
        &csrf,
        &[("url", "not a url"), ("kind", "feed")],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = post(
        &t,
        &s,
        "/desk/b/war/sources",
        &csrf,
        &[
            ("url", "http://127.0.0.1:47/feed.xml"),
            ("kind", "feed"),
            ("poll_interval_secs", "soon"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("not a number of seconds"));
    assert_eq!(
        t.state.ingest.sources(Some("war")).await.expect("sources").len(),
        4,
        "nothing was added"
    );

    // An address the guard allows, of a given kind: added without fetching.
    let r = post(
        &t,
        &s,
        "/desk/b/war/sources",
        &csrf,
        &[
            ("url", "http://127.0.0.1:47/feed.xml"),
            ("kind", "feed"),
            ("title", "Local fixture"),
            ("language", "en"),
            ("trust_note", "Test feed"),
            ("poll_interval_secs", "600"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    assert_eq!(location(&r), "/desk/b/war/sources?done=added");
    let added = t
        .state
        .ingest
        .sources(Some("war"))
        .await
        .expect("sources")
        .into_iter()
        .find(|x| x.title == "Local fixture")
        .expect("added");
    assert_eq!(
        (
            added.poll_interval_secs,
            added.trust_note.as_str(),
            added.language.as_deref()
        ),
        (600, "Test feed", Some("en"))
    );
    assert!(t.get_cookie(&location(&r), &s).await.text().contains("Source added"));

    // Disable, enable, edit, remove.
    let id = added.id.0;
    let r = post(&t, &s, &format!("/desk/sources/{id}/disable"), &csrf, &[]).await;
    assert_eq!(
        (r.status, location(&r).as_str()),
        (StatusCode::SEE_OTHER, "/desk/b/war/sources?done=disabled")
    );
    assert!(
        !t.state
            .app
            .store()
            .source(added.id)
            .await
            .expect("store")
            .expect("source")
            .enabled
    );
    let r = post(&t, &s, &format!("/desk/sources/{id}/enable"), &csrf, &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = post(
        &t,
        &s,
        &format!("/desk/sources/{id}/edit"),
        &csrf,
        &[
            ("url", "http://127.0.0.1:47/feed.xml"),
            ("title", "Local fixture, renamed"),
            ("kind", "page"),
            ("language", ""),
            ("poll_interval_secs", "120"),
            ("trust_note", ""),
            ("enabled", "1"),
        ],
    )
    .await;
    assert_eq!(
        (r.status, location(&r).as_str()),
        (StatusCode::SEE_OTHER, "/desk/b/war/sources?done=source_saved")
    );
    let edited = t
        .state
        .app
        .store()
        .source(added.id)
        .await
        .expect("store")
        .expect("source");
    assert_eq!(
        (
            edited.title.as_str(),
            edited.kind,
            edited.poll_interval_secs,
            edited.enabled
        ),
        ("Local fixture, renamed", SourceKind::Page, 120, true)
    );
    let r = post(
        &t,
        &s,
        &format!("/desk/sources/{id}/edit"),
        &csrf,
        &[
            ("url", "http://10.0.0.1/x"),
            ("title", "x"),
            ("kind", "feed"),
            ("enabled", "1"),
        ],
    )
    .await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a changed address is checked too"
    );
    assert!(r.text().contains("could not reach the address"));
    let r = post(
        &t,
        &s,
        &format!("/desk/sources/{id}/edit"),
        &csrf,
        &[
            ("url", "http://127.0.0.1:47/feed.xml"),
            ("title", "x"),
            ("poll_interval_secs", "-5"),
            ("enabled", "1"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("the poll interval is a number of seconds"));
    let r = post(&t, &s, &format!("/desk/sources/{id}/delete"), &csrf, &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(t.state.app.store().source(added.id).await.expect("store").is_none());

    // Contributors see the sources and their health, and nothing to change them with.
    t.user("cora", Role::Contributor).await;
    let c = t.login("cora", PASSWORD).await;
    let page = t.get_cookie("/desk/b/war/sources", &c).await.text();
    assert!(page.contains("HTTP 503 Service Unavailable") && page.contains("Only editors add or change sources."));
    assert!(
        !page.contains("id=\"add-source\"") && !page.contains("/desk/sources/") && !page.contains("id=\"import-opml\"")
    );
    let r = post(
        &t,
        &c,
        "/desk/b/war/sources",
        &form_csrf(&t.get_cookie("/desk", &c).await.text()),
        &[("url", "http://127.0.0.1:47/other.xml"), ("kind", "feed")],
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.text().contains("only editors can add sources"));
    let r = post(
        &t,
        &c,
        &format!("/desk/sources/{}/disable", ok.id.0),
        &form_csrf(&t.get_cookie("/desk", &c).await.text()),
        &[],
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn opml_export_is_valid_and_import_adds_sources() {
    let t = with_loopback().await;
    t.with_briefing().await;
    source(
        &t,
        "Kyiv Ledger feed",
        "https://ledger.example/feed.xml",
        SourceKind::Feed,
        true,
    )
    .await;
    source(
        &t,
        "Frontline front page",
        "https://frontline.example/",
        SourceKind::Page,
        true,
    )
    .await;
    let s = t.login("eda", PASSWORD).await;

    let r = t.get_cookie("/desk/b/war/sources.opml", &s).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.header("content-type"), "text/x-opml; charset=utf-8");
    assert_eq!(
        r.header("content-disposition"),
        "attachment; filename=\"war-sources.opml\""
    );
    let text = r.text();
    let doc = roxmltree::Document::parse(&text).expect("well-formed OPML");
    assert_eq!(doc.root_element().tag_name().name(), "opml");
    let outlines: Vec<(Option<&str>, Option<&str>, Option<&str>)> = doc
        .descendants()
        .filter(|n| n.has_tag_name("outline"))
        .map(|n| {
            (
                n.attribute("text").or(n.attribute("title")),
                n.attribute("xmlUrl"),
                n.attribute("htmlUrl"),
            )
        })
        .collect();
    assert!(
        outlines.contains(&(Some("Kyiv Ledger feed"), Some("https://ledger.example/feed.xml"), None)),
        "{outlines:?}"
    );
    assert!(
        outlines.contains(&(Some("Frontline front page"), None, Some("https://frontline.example/"))),
        "{outlines:?}"
    );
    assert!(
        t.get_cookie("/desk/b/war/sources", &s)
            .await
            .text()
            .contains("href=\"/desk/b/war/sources.opml\" download")
    );

    // Import: two new feeds, one already watched, one refused by the guard.
    let opml = r#"<?xml version="1.0"?><opml version="2.0"><head><title>Mine</title></head><body>
        <outline text="Fixture A" type="rss" xmlUrl="http://127.0.0.1:9001/a.xml"/>
        <outline text="Fixture B" type="rss" xmlUrl="http://127.0.0.1:9001/b.xml" language="uk"/>
        <outline text="Ledger again" type="rss" xmlUrl="https://ledger.example/feed.xml"/>
        <outline text="Inside" type="rss" xmlUrl="http://10.0.0.1/c.xml"/>
        </body></opml>"#;
    let csrf = form_csrf(&t.get_cookie("/desk/b/war/sources", &s).await.text());
    let r = post(&t, &s, "/desk/b/war/sources/import", &csrf, &[("opml", opml)]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let html = r.text();
    assert!(html.contains("Imported 2 sources; 2 skipped."), "{html}");
    assert!(html.contains("<li>Fixture A</li>") && html.contains("<li>Fixture B</li>"));
    let skipped = &html[html.find("class=\"skipped\"").expect("skipped list")..];
    assert!(
        skipped.contains("http://10.0.0.1/c.xml: ")
            && skipped[..skipped.find("</ul>").expect("ul")].contains("could not reach the address")
    );
    let all = t.state.ingest.sources(Some("war")).await.expect("sources");
    assert_eq!(all.len(), 4);
    assert!(
        all.iter()
            .any(|x| x.title == "Fixture B" && x.language.as_deref() == Some("uk"))
    );

    // Nothing pasted, or not OPML: said on the page, the text kept.
    let r = post(&t, &s, "/desk/b/war/sources/import", &csrf, &[("opml", "  ")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = post(
        &t,
        &s,
        "/desk/b/war/sources/import",
        &csrf,
        &[("opml", "this is not a list")],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    assert!(r.text().contains(">this is not a list</textarea>"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn parked_jobs_are_listed_and_retried() {
    let t = desk_app().await;
    t.with_briefing().await;
    let src = source(
        &t,
        "Eastern Wire feed",
        "https://wire.example/rss",
        SourceKind::Feed,
        true,
    )
    .await;
    let store = t.state.app.store().clone();
    let now = t.state.app.now();
    store
        .add_items(
            src.id,
            vec![SeenItem {
                key: "gone-1".into(),
                job: Some(NewJob {
                    briefing_id: src.briefing_id,
                    source_id: Some(src.id),
                    url: "https://wire.example/gone".into(),
                    title: "A story that is gone".into(),
                    outlet: "Eastern Wire".into(),
                    published: None,
                    content: None,
                }),
            }],
            200,
            now,
        )
        .await
        .expect("items");
    let lease = now.checked_add(jiff::SignedDuration::from_mins(5)).expect("time");
    let job = store
        .claim_jobs(now, lease, 10)
        .await
        .expect("claim")
        .pop()
        .expect("a job");
    store.fail_job(&job, "HTTP 404", Retry::Park, now).await.expect("park");
    let s = t.login("eda", PASSWORD).await;

    let html = t.get_cookie("/desk/b/war/sources", &s).await.text();
    assert!(html.contains(&format!("id=\"job-{}\" data-job-id=\"{}\"", job.id.0, job.id.0)));
    assert!(html.contains("A story that is gone") && html.contains("<p class=\"source-error\">HTTP 404</p>"));
    assert!(html.contains("https://wire.example/gone · 1 attempt ·"));
    assert!(
        html.contains("<span data-job-state=\"parked\">1 parked</span>")
            && html.contains("<span data-job-state=\"queued\">0 queued</span>")
    );
    assert!(html.contains("Parked (1)") && html.contains("data-action=\"retry\""));
    let desk = t.get_cookie("/desk/b/war", &s).await.text();
    assert!(desk.contains("href=\"/desk/b/war/sources#jobs\" data-summary=\"parked\">1 parked job</a>"));

    t.user("cora", Role::Contributor).await;
    let c = t.login("cora", PASSWORD).await;
    let page = t.get_cookie("/desk/b/war/sources", &c).await.text();
    assert!(page.contains("HTTP 404") && !page.contains("data-action=\"retry\""));
    let r = post(
        &t,
        &c,
        &format!("/desk/jobs/{}/retry", job.id.0),
        &form_csrf(&t.get_cookie("/desk", &c).await.text()),
        &[],
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    let r = post(
        &t,
        &s,
        &format!("/desk/jobs/{}/retry", job.id.0),
        &form_csrf(&html),
        &[],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    assert_eq!(location(&r), "/desk/b/war/sources?done=retried#jobs");
    let again = store.job(job.id).await.expect("store").expect("job");
    assert_eq!((again.state, again.attempts), (JobState::Queued, 0));
    let html = t.get_cookie("/desk/b/war/sources?done=retried", &s).await.text();
    assert!(html.contains("The job is queued again.") && html.contains("No parked jobs."));
    assert!(html.contains("<span data-job-state=\"queued\">1 queued</span>"));
    let r = post(&t, &s, "/desk/jobs/999/retry", &form_csrf(&html), &[]).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_desk_stream_tells_signed_in_members_what_changed() {
    let t = desk_app().await;
    let tok = t.with_briefing().await;
    t.api(
        axum::http::Method::POST,
        "/api/v1/briefings",
        Some(&tok),
        Some(serde_json::json!({"slug": "other", "title": "Other"})),
    )
    .await;
    let eda = editor_actor(&t, "eda").await;
    let s = t.login("eda", PASSWORD).await;
    let (addr, _task) = crate::sse::serve(&t).await;

    let (status, _) = SseClient::connect_with(addr, "/desk/b/war/events", &[]).await;
    assert_eq!(status, 401, "signed-in members only");
    let (status, _) = SseClient::connect_with(addr, "/desk/b/nope/events", &[("Cookie", &s)]).await;
    assert_eq!(status, 404);
    let (status, mut a) = SseClient::connect_with(addr, "/desk/b/war/events", &[("Cookie", &s)]).await;
    assert_eq!(status, 200);
    assert_eq!(a.next_block().await.as_deref(), Some("retry: 3000"));

    // A report in another briefing is not announced here; one in this briefing is.
    t.state
        .app
        .add_report(
            &eda,
            "other",
            ReportInput {
                url: None,
                title: "Elsewhere".into(),
                source: "Other Paper".into(),
                published: Some("2025-03-13".parse().expect("date")),
                body: ReportBody::Text("The council of another city met on Monday.".into()),
            },
        )
        .await
        .expect("report");
    let (_, d) = add(
        &t,
        &eda,
        "Drone strike cuts heating in Kharkiv",
        "Kyiv Ledger",
        "https://ledger.example/kharkiv",
        "2025-03-13",
        WIRE,
    )
    .await;
    let e = a.next_event().await.expect("an event");
    assert_eq!(e.kind, "development");
    assert_eq!(e.json(), serde_json::json!({"kind": "development", "id": d.id.0}));

    // A desk decision and a source change are announced too.
    t.state
        .app
        .desk_act(
            &eda,
            d.id,
            Some(d.version),
            DeskAction::Dismiss { reason: "test".into() },
        )
        .await
        .expect("dismiss");
    let e = a.next_event().await.expect("an event");
    assert_eq!(
        (e.kind.as_str(), e.json()["id"].as_i64()),
        ("development", Some(d.id.0))
    );
    let src = source(&t, "Ledger", "https://ledger.example/feed.xml", SourceKind::Feed, true).await;
    t.state.ingest.delete_source(&eda, src.id).await.expect("delete");
    let e = a.next_event().await.expect("an event");
    assert_eq!((e.kind.as_str(), e.json()["id"].as_i64()), ("source", Some(src.id.0)));

    // Idle streams get heartbeats; shutdown ends them.
    assert_eq!(a.next_block().await.as_deref(), Some(": keep-alive"));
    t.shutdown.cancel();
    assert_eq!(a.next_block().await, None, "the stream ends on shutdown");
}

/// Regions of a desk page that hold only outside text (titles, headings, drafts, reports, sources, jobs,
/// notes, records, notices, option lists): no tag of the corpus may appear in them at all.
fn outside_regions(html: &str) -> String {
    let mut out = String::new();
    for (open, close) in [
        ("<title", "</title>"),
        ("<h1", "</h1>"),
        ("<article", "</article>"),
        ("<ol class=\"notes\"", "</ol>"),
        ("<ol class=\"records\"", "</ol>"),
        ("<p class=\"draft-headline\"", "</p>"),
        ("<p class=\"draft-body\"", "</p>"),
        ("<p class=\"notice\"", "</p>"),
        ("<p class=\"form-error\"", "</p>"),
        ("<section class=\"panel import-report\"", "</section>"),
        ("<select", "</select>"),
        ("<textarea", "</textarea>"),
    ] {
        let mut rest = html;
        while let Some(i) = rest.find(open) {
            let end = i + rest[i..].find(close).unwrap_or_else(|| panic!("{open} closes")) + close.len();
            let region = &rest[i..end];
            // A region starts with the page's own tag; what is inside it is the outside text.
            let inner = &region[region.find('>').map_or(0, |j| j + 1)..];
            out.push_str(inner);
            out.push('\n');
            rest = &rest[end..];
        }
    }
    out
}

/// The page with its own form controls, disclosure widgets and script tags renamed, so the checker sees every
/// attribute and tag that is left (values of fields hold outside text too).
fn own_markup_renamed(html: &str) -> String {
    let mut s = html.to_string();
    for (own, renamed) in [
        ("<script src=\"/static/", "<own-script src=\"/static/"),
        ("<form ", "<own-form "),
        ("<input ", "<own-input "),
        ("<button", "<own-button"),
        ("<textarea ", "<own-textarea "),
        ("<details", "<own-details"),
    ] {
        s = s.replace(own, renamed);
    }
    s
}

fn check_desk_page(what: &str, html: &str) {
    if let Some(found) = find_active_content(&outside_regions(html)) {
        panic!("{what}: outside text carries active content: {found}");
    }
    // The head is the page's own (its title is an outside region above); the body's main part is checked whole.
    let main = &html[html.find("<main").unwrap_or(0)..html.find("</main>").unwrap_or(html.len())];
    if let Some(found) = find_active_content(&own_markup_renamed(main)) {
        panic!("{what}: the page carries active content: {found}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_text_from_reports_and_sources_never_reaches_a_desk_page() {
    let t = with_loopback().await;
    t.with_briefing().await;
    let eda = editor_actor(&t, "eda").await;
    let corpus = hostile_corpus();
    // A topic whose label is markup, so facet lists and chips carry it too.
    t.state
        .app
        .set_topics(
            &eda,
            "war",
            "evil | <img src=x onerror=alert('topic')> | minister:3, council:3\npower | \"><script>alert(1)</script> | power:3, substation:3",
        )
        .await
        .expect("topics");
    let mut devs = Vec::new();
    for (i, case) in corpus.iter().enumerate() {
        let line: String = case.chars().filter(|c| !c.is_control()).take(200).collect();
        let text = format!(
            "Minister Ivan Petrenko said on Monday that {line}.\n\n“{line},” Petrenko told the council on Monday.\n\n{case}"
        );
        let (_, d) = add(
            &t,
            &eda,
            &format!("H{i} {line}"),
            &line,
            &format!("https://example.org/{i}?q=\"><script>alert(1)</script>"),
            &format!("{}-03-02", 1990 + i),
            &text,
        )
        .await;
        devs.push(d);
    }
    devs.dedup_by_key(|d| d.id);
    // An editor's text and a dismissal reason with markup; a merge list with hostile headlines.
    let first = dev(&t, devs[0].id).await;
    let edited = t
        .state
        .app
        .desk_act(
            &eda,
            first.id,
            Some(first.version),
            DeskAction::Edit {
                headline: corpus[0].chars().take(200).collect(),
                body: corpus[1].to_string(),
            },
        )
        .await
        .expect("edit");
    let last = dev(&t, devs[devs.len() - 1].id).await;
    t.state
        .app
        .desk_act(
            &eda,
            last.id,
            Some(last.version),
            DeskAction::Dismiss {
                reason: corpus[2].chars().take(400).collect(),
            },
        )
        .await
        .expect("dismiss");

    // Sources and jobs whose titles, addresses, notes and errors are hostile.
    let store = t.state.app.store().clone();
    let b = t.state.app.briefing("war").expect("briefing").0;
    for (i, case) in corpus.iter().enumerate().take(12) {
        let line: String = case.chars().filter(|c| !c.is_control()).take(190).collect();
        let src = store
            .create_source(
                &SourceDraft {
                    briefing_id: b.id,
                    kind: SourceKind::Feed,
                    url: format!("https://example.org/feed{i}?x=\"><script>alert(1)</script>"),
                    title: format!("S{i} {line}"),
                    language: None,
                    trust_note: case.to_string(),
                    poll_interval_secs: 300,
                    enabled: i % 3 != 0,
                },
                t.state.app.now(),
            )
            .await
            .expect("source");
        polled(&t, &src, failed(case)).await;
        let now = t.state.app.now();
        store
            .add_items(
                src.id,
                vec![SeenItem {
                    key: format!("k{i}"),
                    job: Some(NewJob {
                        briefing_id: b.id,
                        source_id: Some(src.id),
                        url: format!("https://example.org/a{i}?\"><img src=x onerror=alert(1)>"),
                        title: line.clone(),
                        outlet: line.clone(),
                        published: None,
                        content: Some(case.to_string()),
                    }),
                }],
                200,
                now,
            )
            .await
            .expect("items");
        let lease = now.checked_add(jiff::SignedDuration::from_mins(5)).expect("time");
        for job in store.claim_jobs(now, lease, 10).await.expect("claim") {
            store.fail_job(&job, case, Retry::Park, now).await.expect("park");
        }
    }

    let s = t.login("eda", PASSWORD).await;
    let mut pages = vec![
        "/desk".to_string(),
        "/desk/b/war".to_string(),
        "/desk/b/war/inbox".to_string(),
        "/desk/b/war/inbox?status=dismissed".to_string(),
        "/desk/b/war/inbox?order=corroborated&limit=100".to_string(),
        "/desk/b/war/sources".to_string(),
    ];
    let topics = store.facet_values(b.id, FacetKind::Topic, 50).await.expect("facets");
    assert!(
        topics.iter().any(|(v, _)| v.contains("onerror")),
        "a hostile topic label is offered: {topics:?}"
    );
    for (v, _) in &topics {
        let mut q = url::form_urlencoded::Serializer::new(String::new());
        q.append_pair("topic", v);
        pages.push(format!("/desk/b/war/inbox?{}", q.finish()));
    }
    for d in &devs {
        pages.push(format!("/desk/d/{}", d.id.0));
        pages.push(format!(
            "/desk/d/{}/row?status={}",
            d.id.0,
            dev(&t, d.id).await.status.as_str()
        ));
    }
    let mut shown = 0;
    for p in &pages {
        let r = t.get_cookie(p, &s).await;
        assert!(r.status == StatusCode::OK, "{p}: {}", r.status);
        let html = r.text();
        check_desk_page(p, &html);
        shown += html.matches("&lt;script").count();
    }
    assert!(shown > corpus.len(), "the hostile text is shown as text ({shown})");
    let dev_page = t.get_cookie(&format!("/desk/d/{}", edited.id.0), &s).await.text();
    assert!(
        dev_page.contains("<mark class=\"quote"),
        "quotes are marked in hostile reports too"
    );

    // An OPML import whose outlines carry markup, and a refused address with markup in its reason.
    let csrf = form_csrf(&t.get_cookie("/desk/b/war/sources", &s).await.text());
    let opml = r#"<?xml version="1.0"?><opml version="2.0"><head><title>x</title></head><body>
        <outline text="&lt;script&gt;alert(1)&lt;/script&gt;" xmlUrl="http://127.0.0.1:47/ok.xml"/>
        <outline text="&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" xmlUrl="http://10.0.0.1/&quot;&gt;&lt;svg onload=alert(1)&gt;"/>
        </body></opml>"#;
    let r = post(&t, &s, "/desk/b/war/sources/import", &csrf, &[("opml", opml)]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert!(r.text().contains("Imported 1 source; 1 skipped."));
    check_desk_page("OPML import result", &r.text());
    let r = post(
        &t,
        &s,
        "/desk/b/war/sources",
        &csrf,
        &[
            ("url", "http://10.0.0.1/\"><script>alert(1)</script>"),
            ("kind", "feed"),
            ("title", "<img src=x onerror=alert(1)>"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    check_desk_page("refused source", &r.text());
    // A refused edit with markup in what was typed comes back escaped.
    let d = dev(&t, devs[1].id).await;
    let r = post(
        &t,
        &s,
        &format!("/desk/d/{}/edit", d.id.0),
        &csrf,
        &[
            ("version", &d.version.to_string()),
            ("headline", ""),
            ("body", "</textarea><script>alert(1)</script>"),
            ("then", "save"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    check_desk_page("refused edit", &r.text());
}
