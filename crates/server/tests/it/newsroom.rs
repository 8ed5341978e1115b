//! The desk pages of the newsroom loop: inbox, development, sources and jobs, the desk's live stream, and
//! hostile text from reports and sources on all of them. Reports are synthetic, written for these tests.

use axum::http::StatusCode;
use livebrief_app::{ReportBody, ReportInput};
use livebrief_model::{Actor, Date, Development, DevelopmentId, Report, Role};
use livebrief_store::{DevOrder, DevQuery, FacetKind};

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
    let t = TestApp::new().await;
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
