//! The farm's feeds do what they claim: fetched with livebrief-fetch and parsed with livebrief-feed, each ends
//! as its `expected` outcome says.

use std::collections::BTreeMap;
use std::time::Duration;

use livebrief_feed::parse_feed;
use livebrief_fetch::{FetchError, Fetched, Validators};
use livebrief_outlets::{Behaviour, Expected, Failure, FarmSpec, FeedFarm};

use crate::support::{fetcher, get, within};

fn small_spec() -> FarmSpec {
    FarmSpec {
        feeds: 42,
        listeners: 5,
        slow_delay: Duration::from_millis(300),
        new_item_every: Duration::from_millis(150),
        ..FarmSpec::default()
    }
}

#[tokio::test]
async fn every_feed_of_a_small_farm_ends_as_expected() {
    let farm = within(FeedFarm::start(small_spec())).await.expect("farm");
    assert_eq!(farm.feeds().len(), 42);
    assert_eq!(farm.addrs().len(), 5);
    let mut per_class: BTreeMap<String, usize> = BTreeMap::new();
    for f in farm.feeds() {
        *per_class.entry(format!("{:?}", f.behaviour)).or_default() += 1;
        assert!(f.url.starts_with("http://127.0.0.1:"));
        assert!(
            f.url.contains(&farm.addrs()[f.index % 5].to_string()),
            "feed i on listener i % 5"
        );
    }
    assert_eq!(
        per_class.len(),
        FarmSpec::default_mix().len(),
        "every behaviour present: {per_class:?}"
    );

    let fetch = fetcher(Duration::from_secs(2));
    let mut set = tokio::task::JoinSet::new();
    for f in farm.feeds().iter().cloned() {
        let fetch = fetch.clone();
        set.spawn(async move {
            let first = fetch.get(&f.url, &Validators::default()).await;
            let second = match &first {
                Ok(r) => Some(
                    fetch
                        .get(
                            &f.url,
                            &Validators {
                                etag: r.etag.clone(),
                                last_modified: r.last_modified.clone(),
                            },
                        )
                        .await,
                ),
                Err(_) => None,
            };
            (f, first, second)
        });
    }
    let results = within(set.join_all()).await;
    for (f, first, second) in results {
        check(&f.url, f.behaviour, f.expected, first, second);
    }
    assert!(farm.requests() >= 42);
}

fn check(
    url: &str,
    behaviour: Behaviour,
    expected: Expected,
    first: Result<Fetched, FetchError>,
    second: Option<Result<Fetched, FetchError>>,
) {
    let what = format!("{url} ({behaviour:?})");
    match expected {
        Expected::Ok {
            min_items,
            conditional,
            grows: _,
        } => {
            let r = first.unwrap_or_else(|e| panic!("{what}: {e}"));
            assert_eq!(r.status, 200, "{what}");
            let feed =
                parse_feed(&r.body, &r.final_url, r.content_type.as_deref()).unwrap_or_else(|e| panic!("{what}: {e}"));
            assert!(feed.items.len() >= min_items, "{what}: {} items", feed.items.len());
            assert!(feed.items.iter().all(|i| i.url.is_some() && !i.title.is_empty()));
            if let Behaviour::Redirect { hops } = behaviour {
                assert_eq!(r.redirects.len(), usize::from(hops), "{what}");
            }
            let again = second
                .expect("a second fetch")
                .unwrap_or_else(|e| panic!("{what}: {e}"));
            if conditional {
                // A growing feed may have gained an item in between; it must then have changed its validators.
                assert!(
                    again.not_modified || again.etag != r.etag,
                    "{what}: the validators give a 304 while nothing changed"
                );
            } else {
                assert!(!again.not_modified, "{what}");
            }
        }
        Expected::Fails(Failure::NotAFeed) => {
            let r = first.unwrap_or_else(|e| panic!("{what}: the fetch itself succeeds: {e}"));
            assert_eq!(r.status, 200);
            assert!(parse_feed(&r.body, url, r.content_type.as_deref()).is_err(), "{what}");
        }
        Expected::Fails(failure) => {
            let e = first.err().unwrap_or_else(|| panic!("{what}: should fail"));
            assert_eq!(Some(e.code()), failure.fetch_code(), "{what}: {e}");
            match failure {
                Failure::Status { status, retry_after } => {
                    assert!(
                        matches!(e, FetchError::Http { status: s, .. } if s == status),
                        "{what}: {e}"
                    );
                    assert_eq!(e.retry_after(), retry_after.map(|s| Duration::from_secs(u64::from(s))));
                }
                Failure::Timeout | Failure::Connection => assert!(e.is_transient(), "{what}"),
                Failure::TooManyRedirects | Failure::NotAFeed => {}
            }
        }
    }
}

#[tokio::test]
async fn a_growing_feed_gains_items_over_time() {
    let spec = FarmSpec {
        feeds: 1,
        listeners: 1,
        mix: vec![(Behaviour::NewItems, 1)],
        new_item_every: Duration::from_millis(50),
        ..FarmSpec::default()
    };
    let farm = within(FeedFarm::start(spec)).await.expect("farm");
    let url = farm.feeds()[0].url.clone();
    let fetch = fetcher(Duration::from_secs(2));
    let first = within(fetch.get(&url, &Validators::default())).await.expect("fetch");
    let keys = |body: &[u8]| -> Vec<String> {
        parse_feed(body, &url, None)
            .expect("feed")
            .items
            .into_iter()
            .map(|i| i.key)
            .collect()
    };
    let before = keys(&first.body);
    let v = Validators {
        etag: first.etag.clone(),
        last_modified: first.last_modified.clone(),
    };
    // Poll with validators until the feed changes (a new item every 50 ms).
    let changed = within(async {
        loop {
            let r = fetch.get(&url, &v).await.expect("fetch");
            if !r.not_modified {
                break r;
            }
        }
    })
    .await;
    let after = keys(&changed.body);
    assert_eq!(after.len(), 5);
    assert_ne!(after[0], before[0], "a newer item heads the feed");
    assert!(before.contains(&after[4]) || after.iter().all(|k| !before.contains(k)));
}

#[tokio::test]
async fn misbehaviours_at_the_socket_level() {
    let spec = FarmSpec {
        feeds: 3,
        listeners: 1,
        mix: vec![(Behaviour::Reset, 1), (Behaviour::Gzip, 1), (Behaviour::Hang, 1)],
        seed: 1,
        ..FarmSpec::default()
    };
    let farm = within(FeedFarm::start(spec)).await.expect("farm");
    let url_of = |b: Behaviour| {
        farm.feeds()
            .iter()
            .find(|f| f.behaviour == b)
            .expect("feed")
            .url
            .clone()
    };

    // Reset: a 200 head and part of the body, then RST: fewer bytes than the Content-Length announced.
    let reset = url_of(Behaviour::Reset);
    let mut s = within(tokio::net::TcpStream::connect(
        reset.trim_start_matches("http://").split('/').next().expect("host"),
    ))
    .await
    .expect("connect");
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let path = &reset[reset.find("/feeds").expect("path")..];
    s.write_all(format!("GET {path} HTTP/1.1\r\nHost: x\r\n\r\n").as_bytes())
        .await
        .expect("write");
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let ended = within(async {
        loop {
            match s.read(&mut chunk).await {
                Ok(0) => break Ok(()),
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
                Err(e) => break Err(e),
            }
        }
    })
    .await;
    let text = String::from_utf8_lossy(&buf);
    assert!(text.starts_with("HTTP/1.1 200"), "{text}");
    let announced: usize = text
        .lines()
        .find_map(|l| l.strip_prefix("Content-Length: "))
        .and_then(|v| v.trim().parse().ok())
        .expect("Content-Length");
    let got = buf.len() - text.find("\r\n\r\n").expect("head end") - 4;
    assert!(got < announced, "cut mid-body ({got} of {announced})");
    assert!(
        ended.is_err() || got < announced,
        "a reset or a short body, never a complete response"
    );

    // Gzip: compressed for a client that accepts it, plain for one that does not.
    let gz = url_of(Behaviour::Gzip);
    let zipped = get(&gz, &[("Accept-Encoding", "gzip")]).await;
    assert_eq!(zipped.header("content-encoding"), Some("gzip"));
    assert_eq!(&zipped.body[..2], &[0x1f, 0x8b]);
    let plain = get(&gz, &[]).await;
    assert_eq!(plain.header("content-encoding"), None);
    assert!(plain.text().starts_with("<?xml"));

    // Hang: the server reads the request and never answers; the client's timeout is what ends it.
    let hang = url_of(Behaviour::Hang);
    let host = hang
        .trim_start_matches("http://")
        .split('/')
        .next()
        .expect("host")
        .to_string();
    let mut s = within(tokio::net::TcpStream::connect(host)).await.expect("connect");
    s.write_all(b"GET /feeds/2 HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .expect("write");
    let mut one = [0u8; 1];
    let waited = tokio::time::timeout(Duration::from_millis(300), s.read(&mut one)).await;
    assert!(waited.is_err(), "no answer: {waited:?}");
}

#[tokio::test]
async fn the_default_farm_is_two_thousand_feeds_over_a_hundred_origins() {
    let farm = within(FeedFarm::start(FarmSpec::default())).await.expect("farm");
    assert_eq!(farm.feeds().len(), 2_000);
    let ports: std::collections::BTreeSet<u16> = farm.addrs().iter().map(|a| a.port()).collect();
    assert_eq!(ports.len(), 100, "one origin per listener");
    let mut per_port: BTreeMap<u16, usize> = BTreeMap::new();
    for f in farm.feeds() {
        let port = f
            .url
            .trim_start_matches("http://127.0.0.1:")
            .split('/')
            .next()
            .expect("port");
        *per_port.entry(port.parse().expect("port number")).or_default() += 1;
    }
    assert!(per_port.values().all(|n| *n == 20), "20 feeds per origin");
    let first = |b: Behaviour| farm.feeds().iter().find(|f| f.behaviour == b).expect("present");

    let huge = first(Behaviour::Huge);
    let r = get(&huge.url, &[]).await;
    assert_eq!(r.status, 200);
    let feed = parse_feed(&r.body, &huge.url, r.header("content-type")).expect("huge feed parses");
    assert_eq!(feed.items.len(), 10_000);
    assert_eq!(
        huge.expected,
        Expected::Ok {
            min_items: 10_000,
            conditional: true,
            grows: false
        }
    );

    let limited = get(&first(Behaviour::RateLimited).url, &[]).await;
    assert_eq!((limited.status, limited.header("retry-after")), (429, Some("120")));
    assert_eq!(get(&first(Behaviour::ServerError).url, &[]).await.status, 500);
    let six = first(Behaviour::Redirect { hops: 6 });
    assert_eq!(six.expected, Expected::Fails(Failure::TooManyRedirects));
    let hop = get(&six.url, &[]).await;
    assert_eq!(hop.status, 301);
    assert!(
        hop.header("location")
            .expect("Location")
            .ends_with(&format!("/feeds/{}/hop/1", six.index))
    );
    assert_eq!(farm.requests_for(six.index), 1);
}
