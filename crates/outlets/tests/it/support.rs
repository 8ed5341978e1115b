//! A plain HTTP/1.1 client for the fixtures (one request per connection, read to the end), the fetcher set up
//! for 127.0.0.1, and a timeout for every wait.

use std::future::Future;
use std::time::Duration;

use livebrief_fetch::{FetchConfig, Fetcher};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Upper bound for anything a test waits on.
pub const PATIENCE: Duration = Duration::from_secs(20);

/// Awaits `f` for at most `PATIENCE`.
pub async fn within<T>(f: impl Future<Output = T>) -> T {
    tokio::time::timeout(PATIENCE, f)
        .await
        .expect("test step took longer than its patience")
}

#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Resp {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    pub fn text(&self) -> String {
        String::from_utf8(self.body.clone()).expect("utf-8 body")
    }
}

/// `GET url` with extra headers; the response read to the end of the connection.
pub async fn get(url: &str, headers: &[(&str, &str)]) -> Resp {
    within(get_inner("GET", url, headers)).await
}

pub async fn request(method: &str, url: &str, headers: &[(&str, &str)]) -> Resp {
    within(get_inner(method, url, headers)).await
}

async fn get_inner(method: &str, url: &str, headers: &[(&str, &str)]) -> Resp {
    let rest = url.strip_prefix("http://").expect("http URL");
    let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let path = if path.is_empty() { "/" } else { path };
    let mut s = TcpStream::connect(host).await.expect("connect");
    let mut req = format!("{method} {path} HTTP/1.1\r\nHost: {host}\r\n");
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    s.write_all(req.as_bytes()).await.expect("write request");
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).await.expect("read response");
    let end = buf.windows(4).position(|w| w == b"\r\n\r\n").expect("response head");
    let head = String::from_utf8_lossy(&buf[..end]).into_owned();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .expect("status line");
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    let body = buf[end + 4..].to_vec();
    if let Some(len) = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse::<usize>().ok())
        && method != "HEAD"
        && status != 304
    {
        assert_eq!(body.len(), len, "Content-Length matches the body");
    }
    Resp { status, headers, body }
}

/// The fetcher with the fixture range allowed, no politeness delay and short timeouts.
pub fn fetcher(total_timeout: Duration) -> Fetcher {
    Fetcher::new(FetchConfig {
        connect_timeout: Duration::from_secs(2),
        total_timeout,
        politeness_delay: Duration::ZERO,
        per_origin_concurrency: 16,
        global_concurrency: 64,
        allow: vec!["127.0.0.1/32".parse().expect("allow rule")],
        ..FetchConfig::default()
    })
    .expect("fetcher")
}
