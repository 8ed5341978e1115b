//! Refused and unreachable look alike to the caller (issue 11): a source whose host resolves to a private
//! address, a name that does not resolve, a 127.0.0.1 port nothing listens on and a public address that does not
//! answer give the same status and the same body through the API and the desk, and the same source health; the
//! reason is in the server's log only, escaped. The fetcher runs on a stub resolver and a recording connector:
//! only the closed 127.0.0.1 port gets a real `connect` (refused by the kernel), every other address is refused by
//! the stub without a packet, and the test checks that no refused address was ever asked for.

use std::collections::HashMap;
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};

use axum::http::{Method, StatusCode};
use livebrief_fetch::{BoxFuture, Connect, FetchConfig, Fetcher, Io, Resolve, UNREACHABLE};
use serde_json::json;

use crate::support::{PASSWORD, TestApp, form_csrf};

/// Answers from a table that the test changes between requests; a name not in it does not resolve.
#[derive(Default)]
struct Names(Mutex<HashMap<String, Vec<IpAddr>>>);

impl Names {
    fn set(&self, host: &str, ips: &[&str]) {
        let ips = ips.iter().map(|s| s.parse().expect("address")).collect();
        self.0.lock().expect("lock").insert(host.to_owned(), ips);
    }
    fn clear(&self, host: &str) {
        self.0.lock().expect("lock").remove(host);
    }
}

impl Resolve for Names {
    fn resolve(&self, host: &str) -> BoxFuture<'static, io::Result<Vec<IpAddr>>> {
        let r = self
            .0
            .lock()
            .expect("lock")
            .get(host)
            .cloned()
            .ok_or_else(|| io::Error::new(io::ErrorKind::NotFound, format!("stub: no such host {host}")));
        Box::pin(async move { r })
    }
}

/// Records every address asked for; connects for real only to 127.0.0.1, refuses the rest without a packet.
#[derive(Default)]
struct Recorder(Mutex<Vec<SocketAddr>>);

impl Connect for Recorder {
    fn connect(&self, addr: SocketAddr) -> BoxFuture<'static, io::Result<Box<dyn Io>>> {
        self.0.lock().expect("lock").push(addr);
        Box::pin(async move {
            if addr.ip() == IpAddr::from([127, 0, 0, 1]) {
                Ok(Box::new(tokio::net::TcpStream::connect(addr).await?) as Box<dyn Io>)
            } else {
                Err(io::Error::new(
                    io::ErrorKind::ConnectionRefused,
                    format!("stub: no network to {addr}"),
                ))
            }
        })
    }
}

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl io::Write for Captured {
    fn write(&mut self, b: &[u8]) -> io::Result<usize> {
        self.0.lock().expect("lock").extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

const HOST: &str = "feeds.example";

/// What `HOST` is, in each case the caller must not be able to tell apart.
const CASES: &[(&str, &[&str])] = &[
    ("a private address", &["10.0.0.7"]),
    ("cloud metadata", &["169.254.169.254"]),
    ("a public A and a private AAAA record", &["93.184.216.34", "fd12::1"]),
    ("no such name", &[]),
    ("a 127.0.0.1 port nothing listens on", &["127.0.0.1"]),
    ("a public address that does not answer", &["93.184.216.34"]),
];

/// The address is refused by the guard (as opposed to allowed and then not answering).
fn refused(ips: &[&str]) -> bool {
    ips.iter()
        .any(|ip| ip.starts_with("10.") || ip.starts_with("169.254") || ip.starts_with("fd"))
}

// One thread: the log subscriber is this thread's default, and the handlers run here.
#[tokio::test]
async fn refused_and_unreachable_addresses_give_the_caller_one_answer_and_the_log_the_reason() {
    let log = Captured::default();
    let sink = log.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_ansi(false)
        .with_writer(move || sink.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    // A port on 127.0.0.1 that nothing listens on, allowed by a rule (as a trusted network would be).
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr").port()
    };
    let names = Arc::new(Names::default());
    let recorder = Arc::new(Recorder::default());
    let fetcher = Fetcher::with_seams(
        FetchConfig {
            allow: vec![format!("127.0.0.1:{port}").parse().expect("rule")],
            connect_timeout: std::time::Duration::from_secs(5),
            ..FetchConfig::default()
        },
        names.clone(),
        recorder.clone(),
    )
    .expect("fetcher");
    let t = TestApp::with_fetcher(fetcher).await;
    let ed = t.with_briefing().await;
    let session = t.login("eda", PASSWORD).await;
    let url = format!("http://{HOST}:{port}/feed.xml");

    // A source added while its name resolved to a public address (its kind given: no request is made).
    names.set(HOST, &["93.184.216.34"]);
    let r = t
        .api(
            Method::POST,
            "/api/v1/briefings/war/sources",
            Some(&ed),
            Some(json!({"url": url, "kind": "feed", "enabled": false})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let source_id = r.json()["id"].as_i64().expect("id");
    // The address to add next: a different path, so it is no duplicate.
    let new_url = format!("http://{HOST}:{port}/other.xml");

    let mut answers: Vec<(&str, String)> = Vec::new();
    for (case, ips) in CASES {
        if ips.is_empty() {
            names.clear(HOST);
        } else {
            names.set(HOST, ips);
        }
        // The API, the address probed (no kind given).
        let r = t
            .api(
                Method::POST,
                "/api/v1/briefings/war/sources",
                Some(&ed),
                Some(json!({"url": new_url})),
            )
            .await;
        answers.push((case, format!("API probe: {} {}", r.status, r.text())));
        // The API, the address checked only (kind given): a refused address or a missing name is found out
        // before any request, and must read like the probe's answer.
        if refused(ips) || ips.is_empty() {
            let r = t
                .api(
                    Method::POST,
                    "/api/v1/briefings/war/sources",
                    Some(&ed),
                    Some(json!({"url": new_url, "kind": "feed"})),
                )
                .await;
            answers.push((case, format!("API probe: {} {}", r.status, r.text())));
        }
        // The desk's form.
        let page = t.get_cookie("/desk/b/war/sources", &session).await.text();
        let csrf = form_csrf(&page);
        let r = t
            .post_form(
                "/desk/b/war/sources",
                &session,
                &[
                    ("csrf", &csrf),
                    ("url", &new_url),
                    ("kind", ""),
                    ("title", ""),
                    ("poll_interval_secs", "300"),
                ],
            )
            .await;
        let html = r.text();
        let at = html
            .find("id=\"sources-error\">")
            .unwrap_or_else(|| panic!("{case}: no error: {html}"));
        let error = &html[at..at + html[at..].find("</p>").expect("end of the error")];
        answers.push((case, format!("desk: {} {error}", r.status)));
        // The source's health after a poll, in the API and on the desk.
        let source = t
            .state
            .ingest
            .sources(Some("war"))
            .await
            .expect("sources")
            .into_iter()
            .find(|s| s.id.0 == source_id)
            .expect("the source");
        t.state.ingest.poll(&source).await.expect("poll recorded");
        let list = t
            .api(Method::GET, "/api/v1/briefings/war/sources", Some(&ed), None)
            .await
            .json();
        let listed = list["items"]
            .as_array()
            .or(list.as_array())
            .expect("a list")
            .iter()
            .find(|s| s["id"].as_i64() == Some(source_id))
            .expect("listed")
            .clone();
        answers.push((case, format!("health: {}", listed["last_error"])));
        let page = t.get_cookie("/desk/b/war/sources", &session).await.text();
        let at = page
            .find("<dd class=\"source-error\">")
            .expect("the last error on the desk");
        answers.push((
            case,
            format!("desk health: {}", &page[at..at + page[at..].find("</dd>").expect("dd")]),
        ));
    }

    let first: Vec<&String> = answers
        .iter()
        .filter(|(c, _)| *c == CASES[0].0)
        .map(|(_, a)| a)
        .collect();
    assert!(
        first[0].starts_with("API probe: 422 ")
            && first[0].contains(&format!("{new_url} could not be fetched: {UNREACHABLE}")),
        "{first:?}"
    );
    assert!(first.iter().any(|a| a.starts_with("desk: 422 ")), "{first:?}");
    assert_eq!(first.last().map(|a| a.contains(UNREACHABLE)), Some(true), "{first:?}");
    for (case, _) in CASES {
        let mine: Vec<&String> = answers.iter().filter(|(c, _)| c == case).map(|(_, a)| a).collect();
        for a in &mine {
            for leak in [
                "10.0.0.7",
                "169.254",
                "fd12",
                "127.0.0.1",
                "93.184",
                "private",
                "resolve",
                "connect",
            ] {
                assert!(!a.contains(leak), "{case}: the answer names {leak:?}: {a}");
            }
        }
        let mut kinds: Vec<&str> = Vec::new();
        for a in &mine {
            let kind = a.split(':').next().expect("kind");
            if !kinds.contains(&kind) {
                kinds.push(kind);
            }
            // Every answer of a kind is the same as the first case's answer of that kind.
            let want = first
                .iter()
                .find(|f| f.split(':').next() == Some(kind))
                .expect("the first case has every kind");
            assert_eq!(*a, *want, "{case} reads differently from {}", CASES[0].0);
        }
        assert_eq!(kinds, ["API probe", "desk", "health", "desk health"], "{case}");
    }

    // Nothing refused was ever asked for: only the public address (refused by the stub) and the closed port.
    for a in recorder.0.lock().expect("lock").iter() {
        assert!(
            *a == SocketAddr::from(([127, 0, 0, 1], port)) || *a == SocketAddr::from(([93, 184, 216, 34], port)),
            "connected to {a}"
        );
    }

    // The log has each reason, escaped.
    let text = String::from_utf8(log.0.lock().expect("lock").clone()).expect("utf-8");
    for reason in [
        format!("refused: {HOST} resolves to 10.0.0.7, a private address"),
        format!("refused: {HOST} resolves to 169.254.169.254, a cloud metadata address"),
        format!("refused: {HOST} resolves to fd12::1, a unique-local address"),
        format!("could not resolve {HOST}"),
        format!("could not connect to 127.0.0.1:{port}"),
        format!("could not connect to 93.184.216.34:{port}"),
    ] {
        assert!(
            text.contains(&format!("detail=\"{reason}\"")),
            "{reason} not logged: {text}"
        );
    }
}
