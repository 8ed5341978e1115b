//! HTTP behaviour against local fixture servers: statuses, validators, encodings, caps, timeouts, broken
//! connections, redirects, Retry-After.

use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime};

use livebrief_fetch::{FetchConfig, FetchError, Phase, Validators};
use tokio::io::AsyncWriteExt;

use crate::support::{Reply, cfg, fetcher, hang_server, serve, within};

fn none() -> Validators {
    Validators::default()
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(data).expect("gzip");
    e.finish().expect("gzip")
}

#[tokio::test]
async fn a_200_carries_body_type_charset_validators_and_sends_our_headers() {
    let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
    let s = seen.clone();
    let server = serve(move |req| {
        s.lock().expect("lock").push(req.clone());
        async move {
            Reply::status(
                200,
                &[
                    ("Content-Type", "application/rss+xml; charset=\"ISO-8859-1\""),
                    ("ETag", "\"v1\""),
                    ("Last-Modified", "Wed, 21 Oct 2015 07:28:00 GMT"),
                ],
                "<rss/>",
            )
        }
    })
    .await;
    let f = fetcher(cfg());
    let got = within(f.get(&server.url("/feed.xml?x=1#frag"), &none()))
        .await
        .expect("200");
    assert_eq!(got.status, 200);
    assert!(!got.not_modified);
    assert_eq!(&got.body[..], b"<rss/>");
    assert_eq!(got.content_type.as_deref(), Some("application/rss+xml"));
    assert_eq!(got.charset.as_deref(), Some("iso-8859-1"));
    assert_eq!(got.etag.as_deref(), Some("\"v1\""));
    assert_eq!(got.last_modified.as_deref(), Some("Wed, 21 Oct 2015 07:28:00 GMT"));
    assert_eq!(got.final_url, server.url("/feed.xml?x=1"));
    assert!(got.redirects.is_empty());
    assert!(got.elapsed < Duration::from_secs(5));

    let req = seen.lock().expect("lock")[0].clone();
    assert_eq!(req.path, "/feed.xml?x=1");
    assert_eq!(
        req.header("host"),
        Some(format!("127.0.0.1:{}", server.port()).as_str())
    );
    assert_eq!(req.header("accept-encoding"), Some("gzip, br, deflate"));
    let ua = req.header("user-agent").expect("user agent");
    assert!(
        ua.starts_with(&format!("livebrief/{} (+https://", env!("CARGO_PKG_VERSION"))),
        "{ua}"
    );
    assert!(ua.ends_with("; self-hosted live briefing)"), "{ua}");
    assert!(req.header("if-none-match").is_none() && req.header("if-modified-since").is_none());
    assert!(req.header("accept").is_some_and(|a| a.contains("application/rss+xml")));
}

#[tokio::test]
async fn the_user_agent_is_configurable() {
    let server = serve(|req| async move { Reply::ok(req.header("user-agent").unwrap_or_default().to_owned()) }).await;
    let f = fetcher(FetchConfig {
        user_agent: "newsroom-bot/2 (+https://news.example)".into(),
        ..cfg()
    });
    let got = within(f.get(&server.url("/"), &none())).await.expect("200");
    assert_eq!(&got.body[..], b"newsroom-bot/2 (+https://news.example)");
}

#[tokio::test]
async fn conditional_get_with_etag_and_last_modified_gives_not_modified() {
    const LM: &str = "Wed, 21 Oct 2015 07:28:00 GMT";
    let server = serve(|req| async move {
        let inm = req.header("if-none-match").map(str::to_owned);
        let ims = req.header("if-modified-since").map(str::to_owned);
        match (req.path.as_str(), inm.as_deref(), ims.as_deref()) {
            ("/etag", Some("\"v1\""), _) => Reply::status(304, &[("ETag", "\"v1\"")], ""),
            ("/etag", _, _) => Reply::status(200, &[("ETag", "\"v1\"")], "first"),
            ("/lm", _, Some(LM)) => Reply::status(304, &[], ""),
            ("/lm", _, _) => Reply::status(200, &[("Last-Modified", LM)], "first"),
            _ => Reply::status(404, &[], ""),
        }
    })
    .await;
    let f = fetcher(cfg());

    let first = within(f.get(&server.url("/etag"), &none())).await.expect("first");
    assert_eq!((&first.body[..], first.not_modified), (&b"first"[..], false));
    let v = Validators {
        etag: first.etag.clone(),
        last_modified: first.last_modified.clone(),
    };
    let again = within(f.get(&server.url("/etag"), &v)).await.expect("304");
    assert!(again.not_modified);
    assert_eq!(again.status, 304);
    assert!(again.body.is_empty());
    assert_eq!(again.etag.as_deref(), Some("\"v1\""));

    let first = within(f.get(&server.url("/lm"), &none())).await.expect("first");
    let v = Validators {
        etag: None,
        last_modified: first.last_modified.clone(),
    };
    let again = within(f.get(&server.url("/lm"), &v)).await.expect("304");
    assert!(again.not_modified);
    // The 304 did not repeat Last-Modified: the one we sent comes back, ready to be stored again.
    assert_eq!(again.last_modified.as_deref(), Some(LM));

    // A stored validator that is not a header value is skipped, not an error.
    let v = Validators {
        etag: Some("bad\nvalue".into()),
        last_modified: None,
    };
    let got = within(f.get(&server.url("/etag"), &v)).await.expect("unconditional");
    assert!(!got.not_modified);
}

#[tokio::test]
async fn gzip_brotli_and_deflate_bodies_are_decoded() {
    let text = b"The quick brown fox jumps over the lazy dog. ".repeat(40);
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    z.write_all(&text).expect("zlib");
    let zlib = z.finish().expect("zlib");
    let mut r = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
    r.write_all(&text).expect("deflate");
    let raw = r.finish().expect("deflate");
    let gz = gzip(&text);
    let br = include_bytes!("data/hello.br").to_vec();
    let server = serve(move |req| {
        let (enc, body) = match req.path.as_str() {
            "/gzip" => ("gzip", gz.clone()),
            "/br" => ("br", br.clone()),
            "/zlib" => ("deflate", zlib.clone()),
            "/raw" => ("deflate", raw.clone()),
            _ => ("identity", b"plain".to_vec()),
        };
        async move { Reply::status(200, &[("Content-Encoding", enc)], body) }
    })
    .await;
    let f = fetcher(cfg());
    for path in ["/gzip", "/zlib", "/raw"] {
        let got = within(f.get(&server.url(path), &none())).await.expect(path);
        assert_eq!(&got.body[..], &text[..], "{path}");
    }
    let got = within(f.get(&server.url("/br"), &none())).await.expect("br");
    assert_eq!(
        &got.body[..],
        b"Brotli body: the quick brown fox jumps over the lazy dog. The quick brown fox jumps over the lazy dog.\n"
    );
    let got = within(f.get(&server.url("/identity"), &none()))
        .await
        .expect("identity");
    assert_eq!(&got.body[..], b"plain");
}

#[tokio::test]
async fn a_body_that_does_not_decode_is_a_bad_encoding() {
    let server = serve(|req| async move {
        match req.path.as_str() {
            "/zstd" => Reply::status(200, &[("Content-Encoding", "zstd")], "whatever"),
            _ => Reply::status(200, &[("Content-Encoding", "gzip")], "this is not gzip"),
        }
    })
    .await;
    let f = fetcher(cfg());
    for path in ["/garbage", "/zstd"] {
        let e = within(f.get(&server.url(path), &none())).await.expect_err(path);
        assert!(
            matches!(e, FetchError::BadEncoding { .. }) && !e.is_transient(),
            "{path}: {e:?}"
        );
        assert_eq!(e.code(), "bad_encoding");
    }
}

#[tokio::test]
async fn compression_bombs_stop_at_the_cap() {
    let gzip_bomb = gzip(&vec![0u8; 64 << 20]);
    assert!(gzip_bomb.len() < 128 * 1024, "{} bytes", gzip_bomb.len());
    let brotli_bomb = include_bytes!("data/zeros-64MiB.br").to_vec();
    let server = serve(move |req| {
        let (enc, body) = if req.path == "/br" {
            ("br", brotli_bomb.clone())
        } else {
            ("gzip", gzip_bomb.clone())
        };
        async move { Reply::status(200, &[("Content-Encoding", enc)], body) }
    })
    .await;
    let f = fetcher(FetchConfig {
        max_body_bytes: 1 << 20,
        ..cfg()
    });
    for path in ["/gz", "/br"] {
        let t = Instant::now();
        let e = within(f.get(&server.url(path), &none())).await.expect_err(path);
        assert_eq!(e.to_string(), "body larger than 1 MiB", "{path}");
        assert!(matches!(e, FetchError::BodyTooLarge { limit: 1048576 }) && !e.is_transient());
        assert!(t.elapsed() < Duration::from_secs(3), "{path}: {:?}", t.elapsed());
    }
}

/// A server that streams `total` bytes (without a length, or with one) and reports how many it got to write.
async fn firehose(total: u64, declare_length: bool) -> (crate::support::Server, tokio::sync::mpsc::Receiver<u64>) {
    let (tx, rx) = tokio::sync::mpsc::channel(4);
    let server = serve(move |_| {
        let tx = tx.clone();
        async move {
            Reply::custom(move |mut s| async move {
                let head = if declare_length {
                    format!("HTTP/1.1 200 OK\r\nContent-Length: {total}\r\n\r\n")
                } else {
                    "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n".to_owned()
                };
                let written = Arc::new(AtomicU64::new(0));
                if s.write_all(head.as_bytes()).await.is_ok() {
                    let chunk = vec![b'x'; 64 * 1024];
                    while written.load(Ordering::Relaxed) < total {
                        if s.write_all(&chunk).await.is_err() {
                            break;
                        }
                        written.fetch_add(chunk.len() as u64, Ordering::Relaxed);
                    }
                }
                let _ = tx.send(written.load(Ordering::Relaxed)).await;
            })
        }
    })
    .await;
    (server, rx)
}

#[tokio::test]
async fn a_100_mb_body_is_cut_at_the_cap_quickly_and_the_server_stops_sending() {
    const HUNDRED_MB: u64 = 100_000_000;
    let f = fetcher(cfg()); // default cap: 8 MiB
    let (server, mut written) = firehose(HUNDRED_MB, false).await;
    let t = Instant::now();
    let e = within(f.get(&server.url("/big"), &none())).await.expect_err("too big");
    assert_eq!(e.to_string(), "body larger than 8 MiB");
    assert!(t.elapsed() < Duration::from_secs(4), "{:?}", t.elapsed());
    // The fetcher dropped the connection: the server's writes failed long before 100 MB.
    let sent = within(written.recv()).await.expect("server report");
    assert!(sent < 40 << 20, "server wrote {sent} bytes");

    // With the length declared, nothing is read at all.
    let (server, mut written) = firehose(HUNDRED_MB, true).await;
    let e = within(f.get(&server.url("/big"), &none())).await.expect_err("too big");
    assert!(matches!(e, FetchError::BodyTooLarge { .. }), "{e:?}");
    let sent = within(written.recv()).await.expect("server report");
    assert!(sent < 40 << 20, "server wrote {sent} bytes");
}

#[tokio::test]
async fn a_server_that_never_answers_times_out() {
    let server = hang_server().await;
    let f = fetcher(FetchConfig {
        total_timeout: Duration::from_millis(500),
        ..cfg()
    });
    let t = Instant::now();
    let e = within(f.get(&format!("http://{}/", server.addr), &none()))
        .await
        .expect_err("hang");
    assert_eq!(e.to_string(), "timed out after 500 ms while waiting for the response");
    assert!(
        matches!(
            e,
            FetchError::Timeout {
                phase: Phase::WaitingForResponse,
                ..
            }
        ) && e.is_transient()
    );
    assert!(
        t.elapsed() >= Duration::from_millis(500) && t.elapsed() < Duration::from_secs(3),
        "{:?}",
        t.elapsed()
    );
}

#[tokio::test]
async fn a_slow_body_hits_the_total_timeout() {
    let server = serve(|_| async {
        Reply::custom(|mut s| async move {
            if s.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n")
                .await
                .is_err()
            {
                return;
            }
            // One byte every 50 ms: 50 s for the whole body, if anyone waited (the fetcher does not).
            for _ in 0..1000 {
                if s.write_all(b"x").await.is_err() {
                    return;
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        })
    })
    .await;
    let f = fetcher(FetchConfig {
        total_timeout: Duration::from_secs(1),
        ..cfg()
    });
    let t = Instant::now();
    let e = within(f.get(&server.url("/slow"), &none())).await.expect_err("slow");
    assert_eq!(e.to_string(), "timed out after 1 s while reading the body");
    assert!(t.elapsed() < Duration::from_secs(3), "{:?}", t.elapsed());
}

#[tokio::test]
async fn a_connection_reset_or_closed_mid_body_is_a_transient_connection_error() {
    let server = serve(|req| async move {
        let reset = req.path == "/reset";
        Reply::custom(move |mut s| async move {
            let _ = s.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n").await;
            let _ = s.write_all(&[b'x'; 1000]).await;
            let _ = s.flush().await;
            if reset {
                // SO_LINGER 0: close sends RST instead of FIN.
                let _ = socket2::SockRef::from(&s).set_linger(Some(Duration::ZERO));
            }
            drop(s);
        })
    })
    .await;
    let f = fetcher(cfg());
    for path in ["/reset", "/closed"] {
        let e = within(f.get(&server.url(path), &none())).await.expect_err(path);
        assert!(matches!(e, FetchError::Connection { .. }), "{path}: {e:?}");
        assert!(e.is_transient(), "{path}");
        assert!(e.to_string().starts_with("connection to http://127.0.0.1:"), "{e}");
        assert!(std::error::Error::source(&e).is_some(), "the cause is kept");
    }
}

#[tokio::test]
async fn connection_refused_is_a_transient_connect_error() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr").port()
    };
    let f = fetcher(cfg());
    let e = within(f.get(&format!("http://127.0.0.1:{port}/"), &none()))
        .await
        .expect_err("refused");
    assert!(matches!(e, FetchError::Connect { .. }) && e.is_transient(), "{e:?}");
    assert_eq!(e.detail(), format!("could not connect to 127.0.0.1:{port}"));
    assert_eq!(e.to_string(), livebrief_fetch::UNREACHABLE);
}

/// `/r/N` redirects to `/r/N-1`, `/r/0` to `/final`.
async fn redirect_chain() -> crate::support::Server {
    serve(|req| async move {
        let path = req.path.clone();
        if let Some(n) = path.strip_prefix("/r/").and_then(|n| n.parse::<u32>().ok()) {
            let next = if n == 0 {
                "/final".to_owned()
            } else {
                format!("/r/{}", n - 1)
            };
            let status = [301, 302, 303, 307, 308][n as usize % 5];
            return Reply::redirect(status, &next);
        }
        match path.as_str() {
            "/final" => Reply::ok("arrived"),
            "/loop/a" => Reply::redirect(302, "/loop/b"),
            "/loop/b" => Reply::redirect(302, "/loop/a#again"),
            _ => Reply::status(404, &[], ""),
        }
    })
    .await
}

#[tokio::test]
async fn redirects_are_followed_up_to_five_and_the_sixth_is_refused() {
    let server = redirect_chain().await;
    let f = fetcher(cfg());
    let got = within(f.get(&server.url("/r/4"), &none()))
        .await
        .expect("five redirects");
    assert_eq!(&got.body[..], b"arrived");
    assert_eq!(got.redirects.len(), 5);
    assert_eq!(got.redirects.last(), Some(&server.url("/final")));
    assert_eq!(got.final_url, server.url("/final"));

    let e = within(f.get(&server.url("/r/5"), &none()))
        .await
        .expect_err("six redirects");
    assert_eq!(e.to_string(), "more than 5 redirects");
    match e {
        FetchError::TooManyRedirects { max: 5, chain } => assert_eq!(chain.len(), 6),
        other => panic!("{other:?}"),
    }
    assert!(
        !within(f.get(&server.url("/r/5"), &none()))
            .await
            .expect_err("again")
            .is_transient()
    );
}

#[tokio::test]
async fn a_redirect_loop_is_detected() {
    let server = redirect_chain().await;
    let f = fetcher(cfg());
    let e = within(f.get(&server.url("/loop/a"), &none())).await.expect_err("loop");
    assert_eq!(
        e.to_string(),
        format!("redirect loop: {} was already visited", server.url("/loop/a"))
    );
    assert!(matches!(e, FetchError::RedirectLoop { .. }) && !e.is_transient());
}

#[tokio::test]
async fn relative_and_scheme_relative_redirects_resolve_against_the_current_url() {
    let port = Arc::new(std::sync::OnceLock::new());
    let p = port.clone();
    let server = serve(move |req| {
        let port: u16 = *p.get().expect("port set");
        async move {
            match req.path.as_str() {
                "/dir/page" => Reply::redirect(302, "../other?q=1"),
                "/other?q=1" => Reply::redirect(301, &format!("//127.0.0.1:{port}/final")),
                "/final" => Reply::ok("arrived"),
                "/nolocation" => Reply::status(302, &[], ""),
                _ => Reply::status(404, &[], ""),
            }
        }
    })
    .await;
    port.set(server.port()).expect("once");
    let f = fetcher(cfg());
    let got = within(f.get(&server.url("/dir/page"), &none()))
        .await
        .expect("relative");
    assert_eq!(got.redirects, vec![server.url("/other?q=1"), server.url("/final")]);
    assert_eq!(&got.body[..], b"arrived");

    let e = within(f.get(&server.url("/nolocation"), &none()))
        .await
        .expect_err("no location");
    assert_eq!(e.to_string(), "HTTP 302 redirect without a usable Location");
}

#[tokio::test]
async fn error_statuses_carry_retry_after_in_both_forms() {
    let in_90_s = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(90));
    let server = serve(move |req| {
        let date = in_90_s.clone();
        async move {
            match req.path.as_str() {
                "/429" => Reply::status(429, &[("Retry-After", "120")], "slow down"),
                "/503" => Reply::status(503, &[("Retry-After", date.as_str())], "maintenance"),
                "/410" => Reply::status(410, &[], "gone"),
                _ => Reply::status(404, &[], "no"),
            }
        }
    })
    .await;
    let f = fetcher(cfg());
    let e = within(f.get(&server.url("/429"), &none())).await.expect_err("429");
    assert_eq!(e.to_string(), "HTTP 429 Too Many Requests (retry after 2 min)");
    assert_eq!(e.retry_after(), Some(Duration::from_secs(120)));
    assert!(e.is_transient());
    assert_eq!(e.code(), "http_status");

    let e = within(f.get(&server.url("/503"), &none())).await.expect_err("503");
    let wait = e.retry_after().expect("date form");
    assert!(
        wait > Duration::from_secs(85) && wait <= Duration::from_secs(90),
        "{wait:?}"
    );
    assert!(e.is_transient());

    for (path, status) in [("/410", 410), ("/404", 404)] {
        let e = within(f.get(&server.url(path), &none())).await.expect_err(path);
        assert!(
            matches!(e, FetchError::Http { status: s, retry_after: None } if s == status),
            "{e:?}"
        );
        assert!(!e.is_transient());
    }
}

#[tokio::test]
async fn keep_alive_connections_are_reused_and_a_stale_one_is_replaced() {
    let server = serve(|_| async { Reply::ok("x") }).await;
    let f = fetcher(cfg());
    for _ in 0..4 {
        within(f.get(&server.url("/again"), &none())).await.expect("again");
    }
    assert_eq!(server.connections.load(std::sync::atomic::Ordering::SeqCst), 1);

    // A server that answers with keep-alive and then closes anyway: every fetch still succeeds, on a new
    // connection, whether the close was noticed before the next request or only when it failed.
    let server = serve(|_| async {
        Reply::custom(|mut s| async move {
            let _ = s.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok").await;
            let _ = s.flush().await;
        })
    })
    .await;
    for _ in 0..5 {
        let got = within(f.get(&server.url("/"), &none()))
            .await
            .expect("fresh connection");
        assert_eq!(&got.body[..], b"ok");
    }
    assert_eq!(server.connections.load(std::sync::atomic::Ordering::SeqCst), 5);
}
