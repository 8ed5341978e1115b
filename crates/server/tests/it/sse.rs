//! The live stream against a real listener on 127.0.0.1; every read is under a timeout.

use std::net::SocketAddr;
use std::time::Duration;

use axum::http::Method;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::support::TestApp;

const WAIT: Duration = Duration::from_secs(5);

#[derive(Debug)]
pub(crate) struct Event {
    pub(crate) id: Option<i64>,
    pub(crate) kind: String,
    pub(crate) data: String,
}

impl Event {
    pub(crate) fn json(&self) -> Value {
        serde_json::from_str(&self.data).expect("event data is JSON")
    }
}

/// A minimal SSE client: HTTP/1.1 with chunked decoding.
pub(crate) struct SseClient {
    stream: TcpStream,
    raw: Vec<u8>,
    text: String,
    done: bool,
}

impl SseClient {
    async fn connect(addr: SocketAddr, path: &str, last_event_id: Option<i64>) -> (u16, SseClient) {
        match last_event_id {
            Some(id) => Self::connect_with(addr, path, &[("Last-Event-ID", &id.to_string())]).await,
            None => Self::connect_with(addr, path, &[]).await,
        }
    }

    /// Connects with extra request headers (a session cookie, a Last-Event-ID).
    pub(crate) async fn connect_with(addr: SocketAddr, path: &str, headers: &[(&str, &str)]) -> (u16, SseClient) {
        let stream = tokio::time::timeout(WAIT, TcpStream::connect(addr))
            .await
            .expect("connect in time")
            .expect("connect");
        Self::request(stream, addr, path, headers).await
    }

    /// Connects with a small receive buffer, so a reader that does not read soon stops the server's writes.
    async fn connect_small_buffer(addr: SocketAddr, path: &str) -> (u16, SseClient) {
        let socket = tokio::net::TcpSocket::new_v4().expect("socket");
        socket.set_recv_buffer_size(4096).expect("SO_RCVBUF");
        let stream = tokio::time::timeout(WAIT, socket.connect(addr))
            .await
            .expect("connect in time")
            .expect("connect");
        Self::request(stream, addr, path, &[]).await
    }

    async fn request(
        mut stream: TcpStream,
        addr: SocketAddr,
        path: &str,
        headers: &[(&str, &str)],
    ) -> (u16, SseClient) {
        let mut req = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nAccept: text/event-stream\r\n");
        for (k, v) in headers {
            req.push_str(&format!("{k}: {v}\r\n"));
        }
        req.push_str("\r\n");
        stream.write_all(req.as_bytes()).await.expect("write");
        let mut c = SseClient {
            stream,
            raw: Vec::new(),
            text: String::new(),
            done: false,
        };
        let head_end = loop {
            if let Some(i) = c.raw.windows(4).position(|w| w == b"\r\n\r\n") {
                break i;
            }
            assert!(c.read_more().await, "connection closed before headers");
        };
        let head = String::from_utf8_lossy(&c.raw[..head_end]).to_string();
        c.raw.drain(..head_end + 4);
        let status: u16 = head
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .expect("status");
        if status == 200 {
            assert!(
                head.to_ascii_lowercase().contains("content-type: text/event-stream"),
                "{head}"
            );
            assert!(
                head.to_ascii_lowercase().contains("transfer-encoding: chunked"),
                "{head}"
            );
        }
        (status, c)
    }

    async fn read_more(&mut self) -> bool {
        let mut buf = [0u8; 8192];
        match tokio::time::timeout(WAIT, self.stream.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => false,
            Ok(Ok(n)) => {
                self.raw.extend_from_slice(&buf[..n]);
                true
            }
            Err(_) => panic!("no data within {WAIT:?}"),
        }
    }

    fn decode_chunks(&mut self) {
        loop {
            let Some(line_end) = self.raw.windows(2).position(|w| w == b"\r\n") else {
                return;
            };
            let size =
                usize::from_str_radix(String::from_utf8_lossy(&self.raw[..line_end]).trim(), 16).expect("chunk size");
            if size == 0 {
                self.done = true;
                self.raw.clear();
                return;
            }
            if self.raw.len() < line_end + 2 + size + 2 {
                return;
            }
            let chunk = self.raw[line_end + 2..line_end + 2 + size].to_vec();
            self.text.push_str(&String::from_utf8(chunk).expect("utf-8"));
            self.raw.drain(..line_end + 2 + size + 2);
        }
    }

    /// The next block (event or comment), or None when the stream ended.
    pub(crate) async fn next_block(&mut self) -> Option<String> {
        loop {
            self.decode_chunks();
            if let Some(i) = self.text.find("\n\n") {
                let block = self.text[..i].to_string();
                self.text.drain(..i + 2);
                return Some(block);
            }
            if self.done || !self.read_more().await {
                return None;
            }
        }
    }

    /// The next real event, skipping comments (heartbeats) and `retry:` lines.
    pub(crate) async fn next_event(&mut self) -> Option<Event> {
        loop {
            let block = self.next_block().await?;
            let mut e = Event {
                id: None,
                kind: "message".into(),
                data: String::new(),
            };
            let mut has_data = false;
            for line in block.lines() {
                if let Some(v) = line.strip_prefix("id: ") {
                    e.id = v.parse().ok();
                } else if let Some(v) = line.strip_prefix("event: ") {
                    e.kind = v.into();
                } else if let Some(v) = line.strip_prefix("data: ") {
                    e.data.push_str(v);
                    has_data = true;
                }
            }
            if has_data {
                return Some(e);
            }
        }
    }
}

pub(crate) async fn serve(t: &TestApp) -> (SocketAddr, tokio::task::JoinHandle<std::io::Result<()>>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let task = tokio::spawn(livebrief_server::serve(t.state.clone(), listener));
    (addr, task)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn events_arrive_live_and_are_replayed_after_reconnect() {
    let t = TestApp::new().await;
    let tok = t.with_briefing().await;
    t.api(
        Method::POST,
        "/api/v1/briefings",
        Some(&tok),
        Some(json!({"slug": "other", "title": "Other"})),
    )
    .await;
    let (addr, _task) = serve(&t).await;

    let (status, mut a) = SseClient::connect(addr, "/b/war/events", None).await;
    assert_eq!(status, 200);
    // An event in another briefing is not delivered here.
    t.api(
        Method::POST,
        "/api/v1/briefings/other/entries",
        Some(&tok),
        Some(json!({"headline": "Elsewhere"})),
    )
    .await;
    let first = t
        .publish(&tok, "Ceasefire proposal rejected", json!({"topics": ["Diplomacy"]}))
        .await;
    let e = a.next_event().await.expect("event");
    assert_eq!(e.kind, "published");
    let d = e.json();
    assert_eq!(d["entry_id"], first["id"]);
    assert!(
        d["html"]
            .as_str()
            .unwrap_or_default()
            .contains("Ceasefire proposal rejected")
    );
    assert_eq!(d["topics"], json!(["Diplomacy"]));
    let seen = e.id.expect("event id");
    drop(a);

    // While disconnected: a new entry and an edit.
    let second = t.publish(&tok, "Delegation lands", json!({})).await;
    let id = first["id"].as_i64().expect("id");
    t.api(
        Method::PATCH,
        &format!("/api/v1/entries/{id}"),
        Some(&tok),
        Some(json!({"headline": "Ceasefire proposal rejected by aide"})),
    )
    .await;

    let (_, mut b) = SseClient::connect(addr, "/b/war/events", Some(seen)).await;
    let r1 = b.next_event().await.expect("replayed");
    let r2 = b.next_event().await.expect("replayed");
    assert_eq!(
        (r1.kind.as_str(), r1.json()["entry_id"].clone()),
        ("published", second["id"].clone())
    );
    assert_eq!(r2.kind, "updated");
    assert!(r2.json()["html"].as_str().unwrap_or_default().contains("by aide"));
    assert!(r1.id < r2.id && r1.id > Some(seen));
    // Then live again, without duplicates.
    let third = t.publish(&tok, "Third", json!({})).await;
    let live = b.next_event().await.expect("live");
    assert_eq!(live.json()["entry_id"], third["id"]);
    assert!(live.id > r2.id);

    // The page's own cursor works as a query parameter too (EventSource cannot set headers at first).
    let (_, mut c) = SseClient::connect(
        addr,
        &format!("/b/war/events?last_event_id={}", r2.id.expect("id")),
        None,
    )
    .await;
    assert_eq!(c.next_event().await.expect("replay").json()["entry_id"], third["id"]);

    let (status, _) = SseClient::connect(addr, "/b/nope/events", None).await;
    assert_eq!(status, 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn heartbeats_keep_idle_streams_alive() {
    let t = TestApp::new().await;
    t.with_briefing().await;
    let (addr, _task) = serve(&t).await;
    let (_, mut a) = SseClient::connect(addr, "/b/war/events", None).await;
    assert_eq!(a.next_block().await.as_deref(), Some("retry: 3000"));
    // The test config sets a 1 s heartbeat; the read timeout is 5 s.
    assert_eq!(a.next_block().await.as_deref(), Some(": keep-alive"));
    let m = t.get("/metrics").await.text();
    assert!(m.contains("livebrief_sse_subscribers 1"), "{m}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn graceful_shutdown_ends_every_stream() {
    let t = TestApp::new().await;
    let tok = t.with_briefing().await;
    let (addr, task) = serve(&t).await;
    let mut clients = Vec::new();
    for _ in 0..3 {
        clients.push(SseClient::connect(addr, "/b/war/events", None).await.1);
    }
    t.publish(&tok, "Before shutdown", json!({})).await;
    for c in clients.iter_mut() {
        assert_eq!(c.next_event().await.expect("event").kind, "published");
    }
    t.shutdown.cancel();
    for c in clients.iter_mut() {
        assert!(c.next_event().await.is_none(), "stream ended");
    }
    let served = tokio::time::timeout(WAIT, task)
        .await
        .expect("server stopped in time")
        .expect("join");
    assert!(served.is_ok());
    let m = t.get("/metrics").await.text();
    assert!(m.contains("livebrief_sse_subscribers 0"), "{m}");
}

/// An editor's actor, to publish many entries through the app directly (the same path as the API, without HTTP).
async fn bulk_editor(t: &TestApp) -> livebrief_model::Actor {
    let u = t
        .state
        .app
        .create_user("bulk", livebrief_model::Role::Editor, crate::support::PASSWORD)
        .await
        .expect("user");
    livebrief_model::Actor {
        id: u.id,
        name: u.name,
        role: u.role,
    }
}

async fn publish_n(app: &livebrief_app::App, actor: &livebrief_model::Actor, from: usize, n: usize, body: &str) {
    for i in from..from + n {
        app.create_entry(
            actor,
            "war",
            livebrief_app::EntryInput {
                headline: format!("Bulk {i}"),
                body_format: livebrief_model::BodyFormat::Markdown,
                body: format!("Entry {i}. {body}"),
                happened_on: None,
                topics: vec![],
                sources: vec![],
                pinned: false,
                key_event: false,
                status: livebrief_model::Status::Published,
            },
        )
        .await
        .expect("publish");
    }
}

/// Reads `n` events and checks they are the next `n` event ids after `after` (one briefing: SQLite's ids are
/// contiguous), each a `published` of "Bulk {k}" in publishing order. Returns the last id.
async fn expect_contiguous(c: &mut SseClient, after: i64, first_bulk: usize, n: usize) -> i64 {
    let mut prev = after;
    for k in 0..n {
        // Heartbeats keep an idle stream open: a missing event must fail the test, not hang it.
        let e = tokio::time::timeout(Duration::from_secs(10), c.next_event())
            .await
            .unwrap_or_else(|_| panic!("event {k} of {n} did not come within 10 s"))
            .unwrap_or_else(|| panic!("stream ended after {k} of {n} events"));
        let id = e.id.expect("id");
        assert_eq!(
            id,
            prev + 1,
            "event {k} of {n}: id {id} after {prev} (a gap or a duplicate)"
        );
        assert_eq!(e.kind, "published");
        assert_eq!(
            e.json()["headline"],
            format!("Bulk {}", first_bulk + k),
            "event {k} out of order"
        );
        prev = id;
    }
    prev
}

fn resyncs(t: &TestApp) -> u64 {
    let m = t.state.metrics.encode();
    m.lines()
        .find_map(|l| l.strip_prefix("livebrief_sse_resyncs_total "))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or_else(|| panic!("no resync counter in {m}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reader_that_missed_5000_events_gets_every_one_once_then_live() {
    let t = TestApp::new().await;
    let tok = t.with_briefing().await;
    let actor = bulk_editor(&t).await;
    let (addr, _task) = serve(&t).await;
    let first = t.publish(&tok, "Before the gap", json!({})).await;
    let (_, mut a) = SseClient::connect(addr, "/b/war/events", Some(0)).await;
    let e = a.next_event().await.expect("event");
    assert_eq!(e.json()["entry_id"], first["id"]);
    let seen = e.id.expect("id");
    drop(a);

    let started = std::time::Instant::now();
    publish_n(&t.state.app, &actor, 0, 5000, "").await;
    eprintln!("published 5,000 entries in {:?}", started.elapsed());

    // Reconnect, and keep publishing while the replay runs: those must arrive too, once, in order.
    let (status, mut b) = SseClient::connect(addr, "/b/war/events", Some(seen)).await;
    assert_eq!(status, 200);
    let app = t.state.app.clone();
    let more = {
        let actor = actor.clone();
        tokio::spawn(async move { publish_n(&app, &actor, 5000, 200, "").await })
    };
    let started = std::time::Instant::now();
    let last = expect_contiguous(&mut b, seen, 0, 5200).await;
    eprintln!("replayed 5,000 and 200 live in {:?}", started.elapsed());
    more.await.expect("publisher");
    // And then live.
    publish_n(&t.state.app, &actor, 5200, 1, "").await;
    expect_contiguous(&mut b, last, 5200, 1).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_reader_falls_behind_the_channel_and_still_gets_every_event_once() {
    let t = TestApp::new().await;
    t.with_briefing().await;
    let actor = bulk_editor(&t).await;
    let (addr, _task) = serve(&t).await;
    let (_, mut r) = SseClient::connect_small_buffer(addr, "/b/war/events").await;
    assert_eq!(r.next_block().await.as_deref(), Some("retry: 3000"));
    let (_, start) = t.state.app.briefing("war").expect("briefing");
    // Bodies of ~3 KB: the socket buffers hold a few hundred frames, the channel 4,096, so 6,000 published
    // while the reader barely reads make it lag.
    let body = "Lorem ipsum dolor sit amet. ".repeat(110);
    let app = t.state.app.clone();
    let publisher = {
        let actor = actor.clone();
        tokio::spawn(async move { publish_n(&app, &actor, 0, 6000, &body).await })
    };
    // Read a few events slowly while the publisher runs, then nothing until it is done.
    let mut prev = start.0;
    for k in 0..20 {
        prev = expect_contiguous(&mut r, prev, k, 1).await;
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tokio::time::timeout(Duration::from_secs(300), publisher)
        .await
        .expect("published in time")
        .expect("publisher");
    let started = std::time::Instant::now();
    let last = expect_contiguous(&mut r, prev, 20, 5980).await;
    eprintln!("the slow reader read the rest in {:?}", started.elapsed());
    // A lag shows when the stream next reads the channel, so only now.
    assert!(
        resyncs(&t) >= 1,
        "the reader never fell behind: the test did not test the lag"
    );
    publish_n(&t.state.app, &actor, 6000, 1, "").await;
    expect_contiguous(&mut r, last, 6000, 1).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_id_beyond_the_newest_gets_a_reset_then_live_events() {
    let t = TestApp::new().await;
    let tok = t.with_briefing().await;
    let (addr, _task) = serve(&t).await;
    t.publish(&tok, "One", json!({})).await;
    let (_, newest) = t.state.app.briefing("war").expect("briefing");
    let (_, mut c) = SseClient::connect(addr, "/b/war/events", Some(newest.0 + 1000)).await;
    let e = c.next_event().await.expect("reset");
    assert_eq!((e.kind.as_str(), e.id), ("reset", Some(newest.0)));
    let two = t.publish(&tok, "Two", json!({})).await;
    let e = c.next_event().await.expect("live");
    assert_eq!((e.kind.as_str(), e.id), ("published", Some(newest.0 + 1)));
    assert_eq!(e.json()["entry_id"], two["id"]);
    // The reader page reloads on it.
    let js = t.get("/static/live.js").await;
    assert!(js.text().contains("reset: function"), "live.js handles reset");
}
