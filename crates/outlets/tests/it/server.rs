//! The server: release over time (manual and Tokio's clock), valid feeds in four formats, validators and 304s,
//! counters, 404s, and many clients at once.

use std::collections::BTreeSet;
use std::time::Duration;

use livebrief_feed::{FeedFormat, discover_feeds, page_links, parse_feed};
use livebrief_outlets::{Corpus, FeedKind, OutletServer, Scenario};

use crate::support::{get, request, within};

async fn start(s: Scenario) -> OutletServer {
    within(OutletServer::start(s)).await.expect("start outlets")
}

/// The article URLs an outlet lists now (feed items, or the watched page's article links).
async fn listed(server: &OutletServer, outlet: &str) -> Vec<String> {
    let url = server.feed_url(outlet);
    let r = get(&url, &[]).await;
    assert_eq!(r.status, 200, "{url}");
    let kind = server.outlets().iter().find(|o| o.id == outlet).expect("outlet").kind;
    if kind == FeedKind::Page {
        return page_links(&r.body, &url).into_iter().map(|l| l.url).collect();
    }
    let feed = parse_feed(&r.body, &url, r.header("content-type")).expect("feed parses");
    feed.items.into_iter().map(|i| i.url.expect("item URL")).collect()
}

#[tokio::test]
async fn manual_release_lists_articles_one_by_one_and_pages_appear_with_them() {
    let server = start(Scenario::all_at_once().manual()).await;
    assert_eq!(server.released_count(), 0);
    for o in ["wire", "daily", "post", "regional"] {
        assert!(
            listed(&server, o).await.is_empty(),
            "{o} lists nothing before a release"
        );
    }
    let first = server.articles().next().expect("an article").clone();
    let page = server.article_url(&first);
    assert_eq!(get(&page, &[]).await.status, 404, "not out yet");

    let released = server.release_next().expect("one released");
    assert_eq!(*released, first);
    assert_eq!(server.released_count(), 1);
    assert_eq!(listed(&server, &first.outlet).await, vec![page.clone()]);
    assert_eq!(get(&page, &[]).await.status, 200);

    let second = server.release_next().expect("two released");
    assert_ne!(*second, first);
    assert!(
        listed(&server, &second.outlet)
            .await
            .contains(&server.article_url(&second))
    );

    server.release_all();
    assert_eq!(server.released_count(), 22);
    assert!(server.release_next().is_none());
    let mut all = BTreeSet::new();
    for o in ["wire", "daily", "post", "regional"] {
        all.extend(listed(&server, o).await);
    }
    let expected: BTreeSet<String> = server.articles().map(|a| server.article_url(a)).collect();
    assert_eq!(all, expected, "every article is listed by its outlet");
}

#[tokio::test(start_paused = true)]
async fn the_demo_releases_twelve_articles_over_ninety_seconds_the_first_within_ten() {
    let server = start(Scenario::demo()).await;
    assert_eq!(server.schedule().len(), 12);
    assert_eq!(server.released_count(), 0);
    tokio::time::advance(Duration::from_secs(10)).await;
    assert!(server.released_count() >= 2, "{}", server.released_count());
    tokio::time::advance(Duration::from_secs(50)).await;
    let at_a_minute = server.released_count();
    assert!((7..12).contains(&at_a_minute), "{at_a_minute}");
    tokio::time::advance(Duration::from_secs(30)).await;
    assert_eq!(server.released_count(), 12);
    let released = server.released();
    assert!(released.windows(2).all(|w| w[0].released_at <= w[1].released_at));
    // The demo shows developments forming: three outlets on one strike, three wordings of one statement.
    let c = Corpus::standard();
    let demo_events: Vec<&str> = released.iter().map(|r| r.article.event.as_str()).collect();
    for case_event in ["odesa-port-strike", "peskov-ceasefire-questions"] {
        assert_eq!(
            demo_events.iter().filter(|e| **e == case_event).count(),
            3,
            "{case_event}"
        );
    }
    assert!(released.iter().any(|r| r.article.language == "uk"));
    assert!(released.iter().all(|r| c.article(&r.article.id()).is_some()));
}

#[tokio::test]
async fn a_speed_factor_shortens_the_schedule() {
    let server = start(Scenario::demo().speed(1_000_000.0)).await;
    // 88 s at a millionfold speed is 88 µs: everything is out by the time the first request is answered.
    let r = get(&server.feed_url("wire"), &[]).await;
    assert_eq!(r.status, 200);
    assert_eq!(server.released_count(), 12);
}

#[tokio::test]
async fn feeds_are_valid_in_their_formats_with_absolute_urls_and_titles() {
    let server = start(Scenario::all_at_once()).await;
    let c = Corpus::standard();
    for (outlet, format, ctype) in [
        ("wire", Some(FeedFormat::Rss2), "application/rss+xml; charset=utf-8"),
        ("daily", Some(FeedFormat::Atom), "application/atom+xml; charset=utf-8"),
        (
            "post",
            Some(FeedFormat::JsonFeed),
            "application/feed+json; charset=utf-8",
        ),
        ("regional", None, "text/html; charset=utf-8"),
    ] {
        let url = server.feed_url(outlet);
        let r = get(&url, &[]).await;
        assert_eq!(r.status, 200);
        assert_eq!(r.header("content-type"), Some(ctype), "{outlet}");
        let expected: BTreeSet<String> = c
            .articles
            .iter()
            .filter(|a| a.outlet == outlet)
            .map(|a| format!("{}{}", server.base_url(), a.path()))
            .collect();
        match format {
            Some(format) => {
                let feed = parse_feed(&r.body, &url, r.header("content-type")).expect("parses");
                assert_eq!(feed.format, format);
                assert!(
                    feed.diagnostics.iter().all(|d| !d.contains("date")),
                    "{:?}",
                    feed.diagnostics
                );
                let mut urls = BTreeSet::new();
                for item in &feed.items {
                    let u = item.url.clone().expect("every item has a URL");
                    assert!(u.starts_with(server.base_url()), "absolute: {u}");
                    assert!(!item.title.is_empty());
                    assert!(item.published.is_some(), "dated");
                    let article = c
                        .articles
                        .iter()
                        .find(|a| u.ends_with(&a.path()))
                        .expect("a corpus article");
                    assert_eq!(item.title, article.title);
                    assert_eq!(item.published, Some(article.published));
                    urls.insert(u);
                }
                assert_eq!(urls, expected, "{outlet}");
                // The front page announces the feed.
                let front = get(&server.url(outlet), &[]).await;
                assert_eq!(discover_feeds(&front.body, &server.url(outlet)), vec![url.clone()]);
            }
            None => {
                let links = page_links(&r.body, &url);
                let urls: BTreeSet<String> = links.iter().map(|l| l.url.clone()).collect();
                assert_eq!(urls, expected, "the watched page lists exactly the stories");
                assert!(links.iter().all(|l| !l.text.is_empty()));
                assert!(discover_feeds(&r.body, &url).is_empty(), "no feed to discover");
                assert_eq!(
                    get(&format!("{}/regional/feed", server.base_url()), &[]).await.status,
                    404
                );
            }
        }
    }
}

#[tokio::test]
async fn conditional_requests_get_304_until_a_new_article_is_released() {
    let server = start(Scenario::all_at_once().manual()).await;
    server.release_next();
    let wire_first = server
        .articles()
        .position(|a| a.outlet == "wire")
        .expect("a wire article");
    while server.released_count() <= wire_first {
        server.release_next();
    }
    for outlet in ["wire", "daily", "post", "regional"] {
        let url = server.feed_url(outlet);
        let r = get(&url, &[]).await;
        let etag = r.header("etag").expect("ETag").to_string();
        let lm = r.header("last-modified").expect("Last-Modified").to_string();
        assert!(etag.starts_with('"') && etag.ends_with('"'), "{etag}");
        let again = get(&url, &[("If-None-Match", &etag)]).await;
        assert_eq!(again.status, 304, "{outlet}");
        assert!(again.body.is_empty());
        assert_eq!(again.header("etag"), Some(etag.as_str()));
        assert_eq!(get(&url, &[("If-Modified-Since", &lm)]).await.status, 304);
        assert_eq!(get(&url, &[("If-None-Match", "\"other\"")]).await.status, 200);
        let head = request("HEAD", &url, &[]).await;
        assert_eq!(head.status, 200);
        assert!(head.body.is_empty());
    }
    let url = server.feed_url("wire");
    let etag = get(&url, &[]).await.header("etag").expect("ETag").to_string();
    let next_wire = server
        .articles()
        .skip(wire_first + 1)
        .position(|a| a.outlet == "wire")
        .expect("another");
    for _ in 0..=next_wire {
        server.release_next();
    }
    let r = get(&url, &[("If-None-Match", &etag)]).await;
    assert_eq!(r.status, 200, "a new item changes the feed");
    assert_ne!(r.header("etag"), Some(etag.as_str()));
}

#[tokio::test]
async fn requests_are_counted_and_listing_is_recorded() {
    let server = start(Scenario::all_at_once().manual()).await;
    let a = server.release_next().expect("released");
    let released = server.released();
    assert_eq!(released.len(), 1);
    assert!(released[0].first_listed.is_none(), "nobody has polled yet");
    let feed = server.feed_url(&a.outlet);
    get(&feed, &[]).await;
    get(&feed, &[]).await;
    get(&server.article_url(&a), &[]).await;
    get(&format!("{}/nowhere/at/all", server.base_url()), &[]).await;
    let path = feed.trim_start_matches(server.base_url());
    assert_eq!(server.requests(path), 2);
    assert_eq!(server.requests(&a.path()), 1);
    assert_eq!(server.request_counts().get("/nowhere/at/all"), Some(&1));
    let released = server.released();
    let listed = released[0].first_listed.expect("listed once polled");
    assert!(listed >= released[0].released_at);
}

#[tokio::test]
async fn unknown_paths_and_methods_are_refused() {
    let server = start(Scenario::all_at_once()).await;
    let base = server.base_url().to_string();
    for path in ["/nowhere", "/wire/no-such-story", "/regional/feed", "/wire/feed/extra"] {
        assert_eq!(get(&format!("{base}{path}"), &[]).await.status, 404, "{path}");
    }
    assert_eq!(request("POST", &format!("{base}/wire/feed"), &[]).await.status, 405);
    let index = get(&format!("{base}/"), &[]).await;
    assert_eq!(index.status, 200);
    for o in ["wire", "daily", "post", "regional"] {
        assert!(index.text().contains(&server.url(o)), "the index links {o}");
    }
}

#[tokio::test]
async fn many_clients_at_once_are_all_served() {
    let server = start(Scenario::all_at_once()).await;
    let urls: Vec<String> = server
        .articles()
        .map(|a| server.article_url(a))
        .chain(["wire", "daily", "post", "regional"].map(|o| server.feed_url(o)))
        .collect();
    let mut set = tokio::task::JoinSet::new();
    for i in 0..300 {
        let url = urls[i % urls.len()].clone();
        set.spawn(async move { get(&url, &[]).await.status });
    }
    let statuses = within(set.join_all()).await;
    assert_eq!(statuses.len(), 300);
    assert!(statuses.iter().all(|s| *s == 200), "{statuses:?}");
}

#[tokio::test]
async fn a_stream_spreads_grouped_reports_over_outlets_and_records_release_instants() {
    let server = start(Scenario::stream(40.0, Duration::from_secs(5), 6).manual()).await;
    let schedule = server.schedule();
    assert_eq!(schedule.len(), 200);
    assert_eq!(schedule[40].offset, Duration::from_secs(1));
    assert_eq!(server.outlets().len(), 6);
    assert!(server.events().len() >= 50 && server.events().len() <= 200);
    for _ in 0..100 {
        server.release_next();
    }
    let released = server.released();
    assert_eq!(released.len(), 100);
    assert!(released.windows(2).all(|w| w[0].released_at <= w[1].released_at));
    let mut total = 0;
    for o in server.outlets() {
        let urls = listed(&server, &o.id).await;
        assert!(urls.len() <= 30, "feed_limit");
        total += urls.len();
    }
    assert!(total >= 90, "{total}");
    // Every listed story can be fetched, and reads as a story.
    let r = get(&released[99].url, &[]).await;
    assert_eq!(r.status, 200);
    assert!(
        r.text()
            .contains(&released[99].article.title.replace('\'', "&#39;").replace('"', "&quot;"))
    );
}
