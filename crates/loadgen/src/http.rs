//! One HTTP/1.1 request per connection (`Connection: close`), every step under a timeout.

use std::net::SocketAddr;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// A response: status, the headers the benchmarks look at, and the body (de-chunked).
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub retry_after: Option<String>,
    pub body: String,
}

impl Reply {
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// The whole number after `"key":` in the JSON body (the first one), if any.
    pub fn json_int(&self, key: &str) -> Option<i64> {
        json_int(self.body.as_bytes(), key)
    }
}

/// The whole number after `"key":` in compact JSON (the first occurrence), if any.
pub fn json_int(json: &[u8], key: &str) -> Option<i64> {
    let mut pat = [0u8; 64];
    let k = key.as_bytes();
    if k.len() + 3 > pat.len() {
        return None;
    }
    pat[0] = b'"';
    pat[1..=k.len()].copy_from_slice(k);
    pat[k.len() + 1..k.len() + 3].copy_from_slice(b"\":");
    let pat = &pat[..k.len() + 3];
    let at = memchr::memmem::find(json, pat)? + pat.len();
    let rest = &json[at..];
    let rest = &rest[rest.iter().take_while(|b| **b == b' ').count()..];
    let neg = rest.first() == Some(&b'-');
    let digits = &rest[usize::from(neg)..];
    let n = digits.iter().take_while(|b| b.is_ascii_digit()).count();
    let v: i64 = std::str::from_utf8(&digits[..n]).ok()?.parse().ok()?;
    Some(if neg { -v } else { v })
}

/// Sends `method path` with `headers` and an optional JSON body to `addr`; waits at most `timeout` in all.
pub async fn request(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<&str>,
    timeout: Duration,
) -> Result<Reply, String> {
    tokio::time::timeout(timeout, request_inner(addr, method, path, headers, body))
        .await
        .map_err(|_| format!("{method} {path}: no answer within {timeout:?}"))?
}

async fn request_inner(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<&str>,
) -> Result<Reply, String> {
    let req = request_bytes(addr, method, path, headers, body);
    let mut s = TcpStream::connect(addr)
        .await
        .map_err(|e| format!("connect {addr}: {e}"))?;
    s.write_all(req.as_bytes()).await.map_err(|e| format!("write: {e}"))?;
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).await.map_err(|e| format!("read: {e}"))?;
    parse_reply(&raw)
}

/// The bytes of one `Connection: close` request, with `body` as JSON.
pub fn request_bytes(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<&str>,
) -> String {
    let mut req = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    if let Some(b) = body {
        req.push_str(&format!(
            "Content-Type: application/json\r\nContent-Length: {}\r\n",
            b.len()
        ));
    }
    req.push_str("\r\n");
    if let Some(b) = body {
        req.push_str(b);
    }
    req
}

/// A whole response read to the connection's end: status, `Retry-After`, and the body de-chunked.
pub fn parse_reply(raw: &[u8]) -> Result<Reply, String> {
    let end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| format!("no response head in {} bytes", raw.len()))?;
    let head = String::from_utf8_lossy(&raw[..end]);
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| "no status line".to_string())?;
    let mut chunked = false;
    let mut retry_after = None;
    for l in lines {
        if let Some((k, v)) = l.split_once(':') {
            let (k, v) = (k.trim(), v.trim());
            if k.eq_ignore_ascii_case("transfer-encoding") && v.eq_ignore_ascii_case("chunked") {
                chunked = true;
            } else if k.eq_ignore_ascii_case("retry-after") {
                retry_after = Some(v.to_string());
            }
        }
    }
    let rest = &raw[end + 4..];
    let body = if chunked {
        let mut d = Dechunk::default();
        let mut out = Vec::new();
        d.feed(rest, &mut out);
        out
    } else {
        rest.to_vec()
    };
    Ok(Reply {
        status,
        retry_after,
        body: String::from_utf8_lossy(&body).into_owned(),
    })
}

/// A streaming decoder of the chunked transfer coding: bytes in, the payload out, in any split.
#[derive(Debug, Default)]
pub struct Dechunk {
    state: ChunkState,
    size_line: Vec<u8>,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
enum ChunkState {
    /// Reading the hex size line up to its `\n`.
    #[default]
    Size,
    /// This many payload bytes to go.
    Data(usize),
    /// The `\r\n` after a chunk's payload: this many bytes to skip.
    Crlf(u8),
    /// The last chunk was seen.
    Done,
}

impl Dechunk {
    /// Decodes `input`, appending the payload to `out`. Returns false once the last chunk has arrived.
    pub fn feed(&mut self, mut input: &[u8], out: &mut Vec<u8>) -> bool {
        while !input.is_empty() {
            match self.state {
                ChunkState::Done => return false,
                ChunkState::Size => {
                    let Some(nl) = input.iter().position(|b| *b == b'\n') else {
                        self.size_line.extend_from_slice(input);
                        return true;
                    };
                    self.size_line.extend_from_slice(&input[..nl]);
                    input = &input[nl + 1..];
                    let line = String::from_utf8_lossy(&self.size_line);
                    let hex = line.trim().split(';').next().unwrap_or("").trim().to_string();
                    self.size_line.clear();
                    match usize::from_str_radix(&hex, 16) {
                        Ok(0) => {
                            self.state = ChunkState::Done;
                            return false;
                        }
                        Ok(n) => self.state = ChunkState::Data(n),
                        Err(_) => {
                            self.state = ChunkState::Done;
                            return false;
                        }
                    }
                }
                ChunkState::Data(n) => {
                    let k = n.min(input.len());
                    out.extend_from_slice(&input[..k]);
                    input = &input[k..];
                    self.state = if k == n {
                        ChunkState::Crlf(2)
                    } else {
                        ChunkState::Data(n - k)
                    };
                }
                ChunkState::Crlf(n) => {
                    input = &input[1..];
                    self.state = if n <= 1 {
                        ChunkState::Size
                    } else {
                        ChunkState::Crlf(n - 1)
                    };
                }
            }
        }
        self.state != ChunkState::Done
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dechunks_in_any_split() {
        let wire = b"5\r\nhello\r\n7;ext=1\r\n, world\r\n0\r\n\r\n";
        for cut in 0..wire.len() {
            let mut d = Dechunk::default();
            let mut out = Vec::new();
            d.feed(&wire[..cut], &mut out);
            let more = d.feed(&wire[cut..], &mut out);
            assert!(!more);
            assert_eq!(out, b"hello, world", "cut at {cut}");
        }
    }

    #[test]
    fn reads_a_reply() {
        let r = parse_reply(
            b"HTTP/1.1 503 Service Unavailable\r\nRetry-After: 2\r\ntransfer-encoding: chunked\r\n\r\nb\r\n{\"id\": -12}\r\n0\r\n\r\n",
        )
        .expect("reply");
        assert_eq!(r.status, 503);
        assert_eq!(r.retry_after.as_deref(), Some("2"));
        assert_eq!(r.json_int("id"), Some(-12));
        assert_eq!(r.json_int("other"), None);
    }
}
