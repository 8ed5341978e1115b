//! Fixture servers on 127.0.0.1:0 (raw Tokio, so tests can hang, trickle, reset), stub seams, and helpers.
//! Every read in here is under a timeout; every server stops when its handle drops.

use std::collections::HashMap;
use std::future::Future;
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use livebrief_fetch::{AllowRule, BoxFuture, Connect, FetchConfig, Fetcher, Io, Resolve};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinSet;

/// Upper bound for anything a test waits on.
pub const PATIENCE: Duration = Duration::from_secs(10);

/// A request as the fixture saw it.
#[derive(Clone, Debug)]
pub struct Req {
    pub path: String,
    pub headers: Vec<(String, String)>,
}

impl Req {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

pub type Custom = Box<dyn FnOnce(TcpStream) -> BoxFuture<'static, ()> + Send>;

/// What the fixture does with a request.
pub enum Reply {
    /// A complete response with `Content-Length`; the connection stays open for the next request.
    Full {
        status: u16,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
    },
    /// The handler takes the socket (plain HTTP only) and does as it likes.
    Custom(Custom),
}

impl Reply {
    pub fn ok(body: impl Into<Vec<u8>>) -> Reply {
        Reply::Full {
            status: 200,
            headers: vec![("Content-Type".into(), "text/plain; charset=utf-8".into())],
            body: body.into(),
        }
    }
    pub fn status(status: u16, headers: &[(&str, &str)], body: impl Into<Vec<u8>>) -> Reply {
        Reply::Full {
            status,
            headers: headers.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
            body: body.into(),
        }
    }
    pub fn redirect(status: u16, location: &str) -> Reply {
        Reply::status(status, &[("Location", location)], "")
    }
    pub fn custom<F, Fut>(f: F) -> Reply
    where
        F: FnOnce(TcpStream) -> Fut + Send + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        Reply::Custom(Box::new(move |s| Box::pin(f(s))))
    }
}

type Handler = Arc<dyn Fn(Req) -> BoxFuture<'static, Reply> + Send + Sync>;

/// A running fixture. Dropping it stops the server and every connection it holds.
pub struct Server {
    pub addr: SocketAddr,
    /// Connections accepted so far.
    pub connections: Arc<AtomicUsize>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Server {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }
    pub fn port(&self) -> u16 {
        self.addr.port()
    }
}

/// Serves plain HTTP/1.1 with `handler`.
pub async fn serve<F, Fut>(handler: F) -> Server
where
    F: Fn(Req) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Reply> + Send + 'static,
{
    serve_inner(handler, None).await
}

/// Serves HTTPS with `handler` (`Reply::Custom` is not supported there).
pub async fn serve_tls<F, Fut>(handler: F, acceptor: tokio_rustls::TlsAcceptor) -> Server
where
    F: Fn(Req) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Reply> + Send + 'static,
{
    serve_inner(handler, Some(acceptor)).await
}

async fn serve_inner<F, Fut>(handler: F, tls: Option<tokio_rustls::TlsAcceptor>) -> Server
where
    F: Fn(Req) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Reply> + Send + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind fixture");
    let addr = listener.local_addr().expect("fixture address");
    let handler: Handler = Arc::new(move |r| Box::pin(handler(r)));
    let connections = Arc::new(AtomicUsize::new(0));
    let counter = connections.clone();
    let task = tokio::spawn(async move {
        let mut conns = JoinSet::new();
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                break;
            };
            counter.fetch_add(1, Ordering::SeqCst);
            let handler = handler.clone();
            let tls = tls.clone();
            conns.spawn(async move {
                match tls {
                    None => {
                        if let Some((stream, custom)) = conn_loop(stream, &handler).await {
                            custom(stream).await;
                        }
                    }
                    Some(acceptor) => {
                        if let Ok(Ok(s)) = tokio::time::timeout(PATIENCE, acceptor.accept(stream)).await {
                            let _ = conn_loop(s, &handler).await;
                        }
                    }
                }
            });
        }
    });
    Server {
        addr,
        connections,
        task,
    }
}

/// Reads requests and writes full replies until the peer closes or a handler takes the socket.
async fn conn_loop<S: AsyncRead + AsyncWrite + Unpin>(mut s: S, handler: &Handler) -> Option<(S, Custom)> {
    loop {
        let req = read_request(&mut s).await?;
        match handler(req).await {
            Reply::Full { status, headers, body } => {
                let mut head = format!("HTTP/1.1 {status} Fixture\r\nContent-Length: {}\r\n", body.len());
                for (k, v) in headers {
                    head.push_str(&format!("{k}: {v}\r\n"));
                }
                head.push_str("\r\n");
                let mut out = head.into_bytes();
                out.extend_from_slice(&body);
                s.write_all(&out).await.ok()?;
                s.flush().await.ok()?;
            }
            Reply::Custom(f) => return Some((s, f)),
        }
    }
}

async fn read_request<S: AsyncRead + Unpin>(s: &mut S) -> Option<Req> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
        if buf.len() > 64 * 1024 {
            return None;
        }
        let n = tokio::time::timeout(PATIENCE, s.read(&mut chunk)).await.ok()?.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    let text = String::from_utf8_lossy(&buf);
    let mut lines = text.split("\r\n");
    let request_line = lines.next()?;
    let path = request_line.split(' ').nth(1)?.to_owned();
    let headers = lines
        .take_while(|l| !l.is_empty())
        .filter_map(|l| {
            l.split_once(':')
                .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        })
        .collect();
    Some(Req { path, headers })
}

/// A server that accepts connections, reads nothing and never answers; it holds them until dropped.
pub async fn hang_server() -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind fixture");
    let addr = listener.local_addr().expect("fixture address");
    let connections = Arc::new(AtomicUsize::new(0));
    let counter = connections.clone();
    let task = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((stream, _)) = listener.accept().await {
            counter.fetch_add(1, Ordering::SeqCst);
            held.push(stream);
        }
    });
    Server {
        addr,
        connections,
        task,
    }
}

/// Test configuration: fast timeouts, no politeness delay, the fixture range allowed.
pub fn cfg() -> FetchConfig {
    FetchConfig {
        connect_timeout: Duration::from_secs(2),
        total_timeout: Duration::from_secs(5),
        politeness_delay: Duration::ZERO,
        per_origin_concurrency: 4,
        allow: vec![rule("127.0.0.1/32")],
        ..FetchConfig::default()
    }
}

pub fn rule(s: &str) -> AllowRule {
    s.parse().expect("allow rule")
}

pub fn fetcher(cfg: FetchConfig) -> Fetcher {
    Fetcher::new(cfg).expect("fetcher")
}

/// Awaits `f` for at most `PATIENCE`.
pub async fn within<T>(f: impl Future<Output = T>) -> T {
    tokio::time::timeout(PATIENCE, f)
        .await
        .expect("test step took longer than its patience")
}

/// A resolver that answers from a table and fails for anything else; it counts its calls per host. A host can
/// have a sequence of answers (the last one repeats) to play DNS rebinding.
#[derive(Default)]
pub struct StubResolver {
    answers: Mutex<HashMap<String, Vec<Vec<IpAddr>>>>,
    pub calls: Mutex<Vec<String>>,
}

impl StubResolver {
    pub fn with(table: &[(&str, &[&str])]) -> Arc<Self> {
        let r = StubResolver::default();
        for (host, ips) in table {
            r.answer(host, ips);
        }
        Arc::new(r)
    }
    /// Adds one more answer for `host` (answers are given in order, the last repeats).
    pub fn answer(&self, host: &str, ips: &[&str]) {
        let ips = ips.iter().map(|s| s.parse().expect("stub address")).collect();
        self.answers
            .lock()
            .expect("stub lock")
            .entry(host.to_owned())
            .or_default()
            .push(ips);
    }
}

impl Resolve for StubResolver {
    fn resolve(&self, host: &str) -> BoxFuture<'static, io::Result<Vec<IpAddr>>> {
        self.calls.lock().expect("stub lock").push(host.to_owned());
        let mut answers = self.answers.lock().expect("stub lock");
        let result = match answers.get_mut(host) {
            Some(list) if list.len() > 1 => Ok(list.remove(0)),
            Some(list) => Ok(list[0].clone()),
            None => Err(io::Error::new(
                io::ErrorKind::NotFound,
                format!("stub: no such host {host}"),
            )),
        };
        Box::pin(async move { result })
    }
}

/// A connector that records every address it is asked for and opens a real socket only to the fixture
/// addresses it was given (all on 127.0.0.1). Anything else fails without touching the network.
pub struct RecordingConnector {
    real: Vec<SocketAddr>,
    hang: Vec<SocketAddr>,
    pub attempts: Mutex<Vec<SocketAddr>>,
}

impl RecordingConnector {
    pub fn new(real: &[SocketAddr]) -> Arc<Self> {
        Self::hanging(real, &[])
    }
    /// Like `new`, and connecting to an address in `hang` never completes (a black-holed host).
    pub fn hanging(real: &[SocketAddr], hang: &[SocketAddr]) -> Arc<Self> {
        assert!(
            real.iter().all(|a| a.ip() == IpAddr::from([127, 0, 0, 1])),
            "fixtures live on 127.0.0.1 only"
        );
        Arc::new(RecordingConnector {
            real: real.to_vec(),
            hang: hang.to_vec(),
            attempts: Mutex::new(Vec::new()),
        })
    }
    pub fn attempts(&self) -> Vec<SocketAddr> {
        self.attempts.lock().expect("stub lock").clone()
    }
}

impl Connect for RecordingConnector {
    fn connect(&self, addr: SocketAddr) -> BoxFuture<'static, io::Result<Box<dyn Io>>> {
        self.attempts.lock().expect("stub lock").push(addr);
        let real = self.real.contains(&addr);
        let hang = self.hang.contains(&addr);
        Box::pin(async move {
            if hang {
                std::future::pending::<()>().await;
            }
            if real {
                Ok(Box::new(TcpStream::connect(addr).await?) as Box<dyn Io>)
            } else {
                Err(io::Error::new(
                    io::ErrorKind::ConnectionRefused,
                    format!("stub: no network to {addr}"),
                ))
            }
        })
    }
}

pub fn sa(s: &str) -> SocketAddr {
    s.parse().expect("socket address")
}
