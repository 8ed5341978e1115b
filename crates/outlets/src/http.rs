//! Just enough HTTP/1.1 for fixtures: read one request head, write one response, close. Raw Tokio, so the
//! farm can hang, trickle and reset where a framework would not let it.

use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

/// Longest time a client may take to send its request head.
pub(crate) const HEAD_TIMEOUT: Duration = Duration::from_secs(10);
const MAX_HEAD_BYTES: usize = 32 * 1024;

/// A request head.
#[derive(Debug, Clone)]
pub(crate) struct Request {
    pub method: String,
    /// The path without the query.
    pub path: String,
    pub headers: Vec<(String, String)>,
}

impl Request {
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub(crate) fn is_head(&self) -> bool {
        self.method.eq_ignore_ascii_case("HEAD")
    }

    /// Whether `Accept-Encoding` lists gzip (without `q=0`).
    pub(crate) fn accepts_gzip(&self) -> bool {
        self.header("accept-encoding").is_some_and(|v| {
            v.split(',').any(|part| {
                let mut it = part.split(';');
                let coding = it.next().unwrap_or("").trim();
                let zero = it.any(|p| matches!(p.trim(), "q=0" | "q=0.0" | "q=0.00" | "q=0.000"));
                (coding.eq_ignore_ascii_case("gzip") || coding == "*") && !zero
            })
        })
    }
}

/// Reads a request head (the body of a GET or HEAD is ignored). `None` when the peer closes, sends too much,
/// sends something that is not HTTP, or takes longer than [`HEAD_TIMEOUT`].
pub(crate) async fn read_request<S: AsyncRead + Unpin>(s: &mut S) -> Option<Request> {
    let mut buf = Vec::with_capacity(1024);
    let mut chunk = [0u8; 2048];
    let end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i;
        }
        if buf.len() > MAX_HEAD_BYTES {
            return None;
        }
        let n = tokio::time::timeout(HEAD_TIMEOUT, s.read(&mut chunk))
            .await
            .ok()?
            .ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let text = std::str::from_utf8(&buf[..end]).ok()?;
    let mut lines = text.split("\r\n");
    let mut first = lines.next()?.split(' ');
    let method = first.next()?.to_string();
    let target = first.next()?;
    if !first.next()?.starts_with("HTTP/1.") {
        return None;
    }
    let path = target.split(['?', '#']).next().unwrap_or("/").to_string();
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    Some(Request { method, path, headers })
}

/// A response to write in one go.
#[derive(Debug, Clone)]
pub(crate) struct Response {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: bytes::Bytes,
}

impl Response {
    pub(crate) fn new(status: u16, content_type: &str, body: impl Into<bytes::Bytes>) -> Response {
        Response {
            status,
            headers: vec![("Content-Type", content_type.to_string())],
            body: body.into(),
        }
    }

    pub(crate) fn empty(status: u16) -> Response {
        Response {
            status,
            headers: Vec::new(),
            body: bytes::Bytes::new(),
        }
    }

    pub(crate) fn not_found() -> Response {
        Response::new(404, "text/plain; charset=utf-8", "not found\n")
    }

    pub(crate) fn header(mut self, name: &'static str, value: impl Into<String>) -> Response {
        self.headers.push((name, value.into()));
        self
    }

    /// The head as bytes (`Content-Length` is the body's; `Connection: close`).
    pub(crate) fn head_bytes(&self) -> Vec<u8> {
        let mut head = format!("HTTP/1.1 {} {}\r\n", self.status, reason(self.status));
        for (k, v) in &self.headers {
            head.push_str(k);
            head.push_str(": ");
            head.push_str(v);
            head.push_str("\r\n");
        }
        // 1xx, 204 and 304 carry no body and no length of their own.
        if !matches!(self.status, 204 | 304) {
            head.push_str(&format!("Content-Length: {}\r\n", self.body.len()));
        }
        head.push_str("Connection: close\r\n\r\n");
        head.into_bytes()
    }

    /// Writes the response (without the body for `HEAD` and for statuses that have none) and shuts down the
    /// write side. Errors are the peer's business: a fixture does not care that a client went away.
    pub(crate) async fn write_to<S: AsyncWrite + Unpin>(&self, s: &mut S, head_only: bool) {
        let mut out = self.head_bytes();
        if !head_only && !matches!(self.status, 204 | 304) {
            out.extend_from_slice(&self.body);
        }
        if s.write_all(&out).await.is_ok() {
            let _ = s.flush().await;
            let _ = s.shutdown().await;
        }
    }
}

pub(crate) fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        302 => "Found",
        304 => "Not Modified",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        404 => "Not Found",
        405 => "Method Not Allowed",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        _ => "Status",
    }
}

/// An HTTP date (RFC 9110 IMF-fixdate).
pub(crate) fn http_date(t: jiff::Timestamp) -> String {
    t.strftime("%a, %d %b %Y %H:%M:%S GMT").to_string()
}

/// Parses an HTTP date in IMF-fixdate or RFC 850/822 form; `None` when it is not one (then it is ignored).
pub(crate) fn parse_http_date(s: &str) -> Option<jiff::Timestamp> {
    jiff::fmt::rfc2822::parse(s.trim()).ok().map(|z| z.timestamp())
}

/// A strong entity tag from the bytes of a body (FNV-1a, 64 bits).
pub(crate) fn etag_of(body: &[u8]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in body {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("\"{h:016x}\"")
}

/// Whether a conditional GET matches the current validators: `If-None-Match` decides when it is sent
/// (weak comparison, `*` matches); otherwise `If-Modified-Since` (at second resolution) does.
pub(crate) fn not_modified(req: &Request, etag: &str, last_modified: jiff::Timestamp) -> bool {
    if let Some(inm) = req.header("if-none-match") {
        let ours = etag.trim_start_matches("W/");
        return inm
            .split(',')
            .map(str::trim)
            .any(|t| t == "*" || t.trim_start_matches("W/") == ours);
    }
    match req.header("if-modified-since").and_then(parse_http_date) {
        Some(since) => last_modified.as_second() <= since.as_second(),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(headers: &[(&str, &str)]) -> Request {
        Request {
            method: "GET".into(),
            path: "/".into(),
            headers: headers.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
        }
    }

    #[test]
    fn dates_round_trip() {
        let t: jiff::Timestamp = "2025-03-20T06:05:00Z".parse().expect("timestamp");
        let s = http_date(t);
        assert_eq!(s, "Thu, 20 Mar 2025 06:05:00 GMT");
        assert_eq!(parse_http_date(&s), Some(t));
        assert_eq!(parse_http_date("yesterday"), None);
    }

    #[test]
    fn conditionals() {
        let t: jiff::Timestamp = "2025-03-20T06:05:00Z".parse().expect("timestamp");
        let e = "\"abc\"";
        assert!(not_modified(&req(&[("If-None-Match", "\"x\", W/\"abc\"")]), e, t));
        assert!(!not_modified(&req(&[("If-None-Match", "\"x\"")]), e, t));
        // If-None-Match wins over If-Modified-Since.
        assert!(!not_modified(
            &req(&[("If-None-Match", "\"x\""), ("If-Modified-Since", &http_date(t))]),
            e,
            t
        ));
        assert!(not_modified(&req(&[("If-Modified-Since", &http_date(t))]), e, t));
        let earlier = http_date(t - jiff::SignedDuration::from_secs(1));
        assert!(!not_modified(&req(&[("If-Modified-Since", &earlier)]), e, t));
        assert!(!not_modified(&req(&[]), e, t));
    }

    #[test]
    fn gzip_acceptance() {
        assert!(req(&[("Accept-Encoding", "br, gzip")]).accepts_gzip());
        assert!(!req(&[("Accept-Encoding", "gzip;q=0, br")]).accepts_gzip());
        assert!(!req(&[]).accepts_gzip());
    }
}
