//! A live-stream reader: opens `GET /b/{slug}/events` (with `Last-Event-ID` when resuming, as a browser's
//! `EventSource` does on a reconnect), checks the 200, and parses the stream into events: the transfer
//! coding, then `id:`, `event:`, `retry:` and the entry id carried in `data:`. Comments (keep-alives) are
//! skipped.

use std::net::{IpAddr, SocketAddr};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};

use crate::http::{Dechunk, json_int};

/// What one event said.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Event {
    /// `id:`, when the event had one.
    pub id: Option<i64>,
    pub kind: Kind,
    /// `"entry_id":N` in the event's data, when there.
    pub entry_id: Option<i64>,
}

/// The event types the benchmarks tell apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Published,
    /// The stream cannot replay from the reader's position: a page reloads.
    Reset,
    Other,
}

/// An open live stream.
pub struct Reader {
    stream: TcpStream,
    parser: Parser,
}

/// The stream's bytes (after the response head) into events.
#[derive(Debug, Default)]
pub struct Parser {
    chunked: Option<Dechunk>,
    /// Decoded stream bytes not yet parsed into whole events.
    pending: Vec<u8>,
    /// The server's `retry:` (milliseconds), once it has sent one.
    pub retry_ms: Option<u64>,
}

/// Connects to `addr`, from `source` when given (to spread many client sockets over loopback addresses).
pub async fn connect(addr: SocketAddr, source: Option<IpAddr>) -> std::io::Result<TcpStream> {
    match source {
        None => TcpStream::connect(addr).await,
        Some(ip) => {
            let sock = if ip.is_ipv4() {
                TcpSocket::new_v4()?
            } else {
                TcpSocket::new_v6()?
            };
            sock.bind(SocketAddr::new(ip, 0))?;
            sock.connect(addr).await
        }
    }
}

impl Reader {
    /// Opens the stream at `path`, resuming after `last_event_id` when given. An answer other than 200 is an
    /// error naming its status.
    pub async fn open(
        addr: SocketAddr,
        path: &str,
        last_event_id: Option<i64>,
        source: Option<IpAddr>,
    ) -> Result<Reader, String> {
        let mut stream = connect(addr, source)
            .await
            .map_err(|e| format!("connect {addr}: {e}"))?;
        let resume = last_event_id
            .map(|id| format!("Last-Event-ID: {id}\r\n"))
            .unwrap_or_default();
        stream
            .write_all(
                format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nAccept: text/event-stream\r\n{resume}\r\n").as_bytes(),
            )
            .await
            .map_err(|e| format!("write: {e}"))?;
        let mut head = Vec::with_capacity(512);
        let mut byte = [0u8; 512];
        let end = loop {
            if let Some(i) = head.windows(4).position(|w| w == b"\r\n\r\n") {
                break i;
            }
            if head.len() > 16 * 1024 {
                return Err("response head too long".into());
            }
            let n = stream.read(&mut byte).await.map_err(|e| format!("read: {e}"))?;
            if n == 0 {
                return Err("closed before the response head".into());
            }
            head.extend_from_slice(&byte[..n]);
        };
        let text = String::from_utf8_lossy(&head[..end]).to_ascii_lowercase();
        let status = text.split_whitespace().nth(1).unwrap_or("?").to_string();
        if status != "200" {
            return Err(format!("status {status}"));
        }
        let mut parser = Parser::chunked(text.contains("transfer-encoding: chunked"));
        parser.take(&head[end + 4..]);
        Ok(Reader { stream, parser })
    }

    /// The server's `retry:` (milliseconds), once it has sent one.
    pub fn retry_ms(&self) -> Option<u64> {
        self.parser.retry_ms
    }

    /// Waits for bytes and appends every whole event they complete to `out`. `Ok(false)` when the stream
    /// ended (the server closed it or the last chunk came).
    pub async fn read(&mut self, out: &mut Vec<Event>) -> Result<bool, String> {
        let mut buf = [0u8; 4096];
        let n = self.stream.read(&mut buf).await.map_err(|e| format!("read: {e}"))?;
        let open = n > 0 && self.parser.take(&buf[..n]);
        self.parser.parse(out);
        Ok(open)
    }
}

impl Parser {
    /// A parser of a stream whose response head said `Transfer-Encoding: chunked` (or not).
    pub fn chunked(chunked: bool) -> Parser {
        Parser {
            chunked: chunked.then(Dechunk::default),
            ..Parser::default()
        }
    }

    /// Takes stream bytes in (decoding the transfer coding); false once the last chunk came.
    pub fn take(&mut self, bytes: &[u8]) -> bool {
        match &mut self.chunked {
            Some(d) => d.feed(bytes, &mut self.pending),
            None => {
                self.pending.extend_from_slice(bytes);
                true
            }
        }
    }

    /// Appends every whole event taken in so far to `out`.
    pub fn parse(&mut self, out: &mut Vec<Event>) {
        let mut start = 0;
        while let Some(len) = memchr::memmem::find(&self.pending[start..], b"\n\n") {
            let frame = &self.pending[start..start + len];
            start += len + 2;
            let mut id = None;
            let mut kind = None;
            let mut entry_id = None;
            let mut comment_only = true;
            for line in frame.split(|b| *b == b'\n') {
                let line = line.strip_suffix(b"\r").unwrap_or(line);
                if line.starts_with(b":") || line.is_empty() {
                    continue;
                }
                if let Some(v) = line.strip_prefix(b"retry:") {
                    self.retry_ms = std::str::from_utf8(v).ok().and_then(|s| s.trim().parse().ok());
                    continue;
                }
                comment_only = false;
                if let Some(v) = line.strip_prefix(b"id:") {
                    id = std::str::from_utf8(v).ok().and_then(|s| s.trim().parse().ok());
                } else if let Some(v) = line.strip_prefix(b"event:") {
                    kind = Some(match v.trim_ascii() {
                        b"published" => Kind::Published,
                        b"reset" => Kind::Reset,
                        _ => Kind::Other,
                    });
                } else if let Some(v) = line.strip_prefix(b"data:") {
                    entry_id = entry_id.or_else(|| json_int(v, "entry_id"));
                }
            }
            if !comment_only {
                out.push(Event {
                    id,
                    kind: kind.unwrap_or(Kind::Other),
                    entry_id,
                });
            }
        }
        self.pending.drain(..start);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_events_across_reads() {
        let wire: &[u8] = b"retry: 3000\n\n: keep-alive\n\nid: 7\nevent: published\ndata: {\"at\":\"x\",\"entry_id\":42,\"html\":\"<p>\\\"entry_id\\\":9</p>\"}\n\nid: 8\nevent: reset\ndata: {\"event_id\":8}\n\n";
        for cut in 0..wire.len() {
            let mut r = Parser::default();
            let mut out = Vec::new();
            r.take(&wire[..cut]);
            r.parse(&mut out);
            r.take(&wire[cut..]);
            r.parse(&mut out);
            assert_eq!(r.retry_ms, Some(3000));
            assert_eq!(
                out,
                vec![
                    Event {
                        id: Some(7),
                        kind: Kind::Published,
                        entry_id: Some(42)
                    },
                    Event {
                        id: Some(8),
                        kind: Kind::Reset,
                        entry_id: None
                    }
                ],
                "cut at {cut}"
            );
        }
    }
}
