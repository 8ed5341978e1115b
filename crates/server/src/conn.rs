//! Serving connections: one hyper HTTP/1.1 connection per socket, with the limits that keep slow and idle
//! clients from holding the server (issue 11): a connection count, timeouts on the request head, the
//! request body, idle keep-alive and blocked writes, and a shutdown that ends within a grace period even
//! when a client never finishes its request. docs/security.md, "Connections and streams", has the rules.
//!
//! `axum::serve` has none of these knobs, so connections are served here: every socket gets a task that
//! drives hyper's connection beside a watchdog, which closes the connection when one of the bounds passes.

use std::convert::Infallible;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{HeaderValue, Request, Response, header};
use axum::response::IntoResponse;
use bytes::Bytes;
use http_body::Frame;
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;
use tokio::time::{Instant, Sleep};
use tokio_util::sync::CancellationToken;
use tower::ServiceExt;

use crate::Site;
use crate::config::Config;
use crate::error::ApiError;
use crate::state::AppState;

/// The connection limits, from the config.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// A request head (request line and headers) must arrive in full within this, from its first byte
    /// (or, on a new connection, from the connection's start).
    pub header_timeout: Duration,
    /// A request body must arrive in full within this, from the end of its head.
    pub body_timeout: Duration,
    /// A kept-alive connection with no request in flight is closed after this.
    pub idle_timeout: Duration,
    /// A connection whose client has not taken a byte of its response (writes blocked) for this long is
    /// closed: a live stream to a client that stopped reading.
    pub send_timeout: Duration,
    /// After shutdown starts, requests in flight have this long to finish; then the connections still
    /// open are closed and `serve` returns.
    pub shutdown_grace: Duration,
    /// Connections open at once; beyond, new ones wait in the listen queue.
    pub max_connections: usize,
}

impl Limits {
    pub fn of(c: &Config) -> Limits {
        Limits {
            header_timeout: Duration::from_secs(c.header_timeout_secs),
            body_timeout: Duration::from_secs(c.body_timeout_secs),
            idle_timeout: Duration::from_secs(c.idle_timeout_secs),
            send_timeout: Duration::from_secs(c.send_timeout_secs),
            shutdown_grace: Duration::from_secs(c.shutdown_grace_secs),
            max_connections: c.max_connections,
        }
    }
}

/// Serves `router` on `listener` until `shutdown` is cancelled; then stops accepting, lets requests in
/// flight finish for `limits.shutdown_grace` (live streams end at once, as they watch the same token),
/// closes whatever is still open, and returns.
pub async fn serve_with(
    site: Site,
    listener: TcpListener,
    limits: Limits,
    shutdown: CancellationToken,
) -> io::Result<()> {
    let slots = Arc::new(Semaphore::new(limits.max_connections));
    let mut tasks = JoinSet::new();
    loop {
        while tasks.try_join_next().is_some() {}
        let permit = tokio::select! {
            _ = shutdown.cancelled() => break,
            p = slots.clone().acquire_owned() => match p {
                Ok(p) => p,
                Err(_) => break,
            },
        };
        let (sock, peer) = tokio::select! {
            _ = shutdown.cancelled() => break,
            r = listener.accept() => match r {
                Ok(x) => x,
                Err(e) => {
                    // Out of descriptors or a connection reset before it was accepted: wait a little rather
                    // than spin, as hyper's and axum's servers do.
                    tracing::warn!(error = %e, "accepting a connection");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
        };
        let _ = sock.set_nodelay(true);
        let (site, shutdown) = (site.clone(), shutdown.clone());
        tasks.spawn(async move {
            connection(sock, peer, site, limits, shutdown).await;
            drop(permit);
        });
    }
    drop(listener);
    let open = tasks.len();
    if open > 0 {
        tracing::info!(open, grace = ?limits.shutdown_grace, "waiting for requests in flight");
    }
    let drained = tokio::time::timeout(limits.shutdown_grace, async {
        while tasks.join_next().await.is_some() {}
    })
    .await;
    if drained.is_err() {
        tracing::warn!(
            open = tasks.len(),
            "shutdown grace period over: closing the connections still open"
        );
        tasks.abort_all();
        while tasks.join_next().await.is_some() {}
    }
    Ok(())
}

/// Serves the application with the connection limits of its config until its shutdown token is cancelled.
pub async fn serve(state: AppState, listener: TcpListener) -> io::Result<()> {
    let limits = Limits::of(&state.config);
    let shutdown = state.shutdown.clone();
    serve_with(crate::router(state), listener, limits, shutdown).await
}

/// One connection: hyper's HTTP/1.1 state machine and the watchdog, until either ends it.
async fn connection(sock: TcpStream, peer: SocketAddr, site: Site, limits: Limits, shutdown: CancellationToken) {
    let watch = Arc::new(Watch::new());
    let io = TokioIo::new(Watched {
        inner: sock,
        watch: watch.clone(),
    });
    let svc_watch = watch.clone();
    let svc = hyper::service::service_fn(move |req: Request<Incoming>| {
        let (site, watch) = (site.clone(), svc_watch.clone());
        async move { Ok::<_, Infallible>(handle(req, peer, site, watch, limits).await) }
    });
    let mut builder = hyper::server::conn::http1::Builder::new();
    // Our watchdog keeps the head and idle clocks (hyper's own head timer would need a timer and measures
    // idle keep-alive time and a slow head as one).
    builder.keep_alive(true).header_read_timeout(None);
    let conn = builder.serve_connection(io, svc);
    let mut conn = std::pin::pin!(conn);
    // The watchdog sleeps until the next moment a bound could pass, not on a fixed tick: an open live stream
    // costs one wake-up per the shortest timeout (10 s by default) instead of four a second.
    let check = tokio::time::sleep_until(watch.next_check(&limits, Instant::now()));
    let mut check = std::pin::pin!(check);
    let mut draining = false;
    loop {
        tokio::select! {
            r = conn.as_mut() => {
                if let Err(e) = r {
                    tracing::debug!(%peer, error = %e, "connection ended with an error");
                }
                return;
            }
            _ = shutdown.cancelled(), if !draining => {
                // Idle connections close now; one with a request in flight closes after its response.
                conn.as_mut().graceful_shutdown();
                draining = true;
            }
            _ = check.as_mut() => {
                let now = Instant::now();
                if let Some(why) = watch.overdue(&limits, now) {
                    tracing::debug!(%peer, why, "closing connection");
                    return;
                }
                check.as_mut().reset(watch.next_check(&limits, now));
            }
        }
    }
}

/// One request: the client's address for the handlers, the body under its deadline, and the response
/// body tracked so the connection knows when it is idle again. A cached page or feed is answered at once.
async fn handle(
    mut req: Request<Incoming>,
    peer: SocketAddr,
    site: Site,
    watch: Arc<Watch>,
    limits: Limits,
) -> Response<Tracked> {
    let in_flight = watch.request_started();
    if let Some(resp) = site.cached(&req) {
        return resp.map(|body| Tracked {
            body,
            _in_flight: in_flight,
        });
    }
    req.extensions_mut().insert(ConnectInfo(peer));
    let late = Arc::new(AtomicBool::new(false));
    let req = req.map(|b| Body::new(DeadlineBody::new(b, limits.body_timeout, late.clone())));
    let resp = match site.oneshot(req).await {
        Ok(r) => r,
        Err(never) => match never {},
    };
    let resp = if late.load(Ordering::Relaxed) {
        tracing::info!(%peer, "request body too slow: answered 408 and closing");
        let mut r = ApiError::new(
            "request_timeout",
            format!(
                "the request body did not arrive within {} s",
                limits.body_timeout.as_secs()
            ),
        )
        .into_response();
        r.headers_mut()
            .insert(header::CONNECTION, HeaderValue::from_static("close"));
        r
    } else {
        resp
    };
    resp.map(|body| Tracked {
        body,
        _in_flight: in_flight,
    })
}

/// A response body that holds its request's [`InFlight`] until it is sent in full (or dropped).
struct Tracked {
    body: Body,
    _in_flight: InFlight,
}

impl http_body::Body for Tracked {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Self::Data>, Self::Error>>> {
        Pin::new(&mut self.body).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.body.size_hint()
    }
}

/// What the watchdog knows of a connection.
struct Watch {
    state: Mutex<WatchState>,
}

struct WatchState {
    /// Requests whose response has not been sent in full.
    in_flight: usize,
    /// Responses sent in full on this connection.
    served: u64,
    /// When the connection last became idle (opened, or its last response ended).
    idle_since: Instant,
    /// When the first byte of the next request head arrived, while idle.
    head_started: Option<Instant>,
    /// Since when a write has been waiting for the client to take bytes.
    write_blocked_since: Option<Instant>,
}

impl Watch {
    fn new() -> Watch {
        Watch {
            state: Mutex::new(WatchState {
                in_flight: 0,
                served: 0,
                idle_since: Instant::now(),
                head_started: None,
                write_blocked_since: None,
            }),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, WatchState> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn read_bytes(&self) {
        let mut s = self.lock();
        if s.in_flight == 0 && s.head_started.is_none() {
            s.head_started = Some(Instant::now());
        }
    }

    fn write_progress(&self, blocked: bool) {
        let mut s = self.lock();
        if blocked {
            s.write_blocked_since.get_or_insert_with(Instant::now);
        } else {
            s.write_blocked_since = None;
        }
    }

    /// A request head arrived; the guard marks its response done when dropped.
    fn request_started(self: &Arc<Self>) -> InFlight {
        let mut s = self.lock();
        s.in_flight += 1;
        s.head_started = None;
        InFlight(self.clone())
    }

    /// Why the connection should be closed now, if it should.
    fn overdue(&self, limits: &Limits, now: Instant) -> Option<&'static str> {
        let s = self.lock();
        if let Some(t) = s.write_blocked_since
            && now.duration_since(t) >= limits.send_timeout
        {
            return Some("the client stopped reading its response");
        }
        if s.in_flight > 0 {
            return None;
        }
        match s.head_started {
            Some(t) if now.duration_since(t) >= limits.header_timeout => {
                Some("the request head did not arrive in time")
            }
            Some(_) => None,
            // A new connection owes its first request within the head timeout; a kept-alive one may wait
            // for the idle timeout.
            None if s.served == 0 && now.duration_since(s.idle_since) >= limits.header_timeout => {
                Some("no request on a new connection")
            }
            None if now.duration_since(s.idle_since) >= limits.idle_timeout => Some("idle keep-alive connection"),
            None => None,
        }
    }

    /// When to look again: the earliest moment a running clock reaches its bound, and no later than the
    /// shortest bound from `now`, since a clock that starts after `now` (a write that blocks, a request head
    /// that begins, an idle spell after a response) cannot reach its bound before that.
    fn next_check(&self, limits: &Limits, now: Instant) -> Instant {
        let s = self.lock();
        let mut at = now + limits.header_timeout.min(limits.idle_timeout).min(limits.send_timeout);
        if let Some(t) = s.write_blocked_since {
            at = at.min(t + limits.send_timeout);
        }
        if s.in_flight == 0 {
            at = at.min(match s.head_started {
                Some(t) => t + limits.header_timeout,
                None if s.served == 0 => s.idle_since + limits.header_timeout,
                None => s.idle_since + limits.idle_timeout,
            });
        }
        // Never a busy loop, whatever the clocks say.
        at.max(now + Duration::from_millis(1))
    }
}

/// A request in flight; dropped with its response body (sent in full, or the connection closed).
struct InFlight(Arc<Watch>);

impl Drop for InFlight {
    fn drop(&mut self) {
        let mut s = self.0.lock();
        s.in_flight = s.in_flight.saturating_sub(1);
        s.served += 1;
        if s.in_flight == 0 {
            s.idle_since = Instant::now();
            s.head_started = None;
        }
    }
}

/// The socket, telling the watchdog when bytes arrive and when writes block.
struct Watched {
    inner: TcpStream,
    watch: Arc<Watch>,
}

impl AsyncRead for Watched {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let r = Pin::new(&mut self.inner).poll_read(cx, buf);
        if matches!(r, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            self.watch.read_bytes();
        }
        r
    }
}

impl AsyncWrite for Watched {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        let r = Pin::new(&mut self.inner).poll_write(cx, buf);
        self.watch.write_progress(r.is_pending());
        r
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let r = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        self.watch.write_progress(r.is_pending());
        r
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// A request body that must arrive in full before its deadline; past it, the body fails (the handler sees
/// a body error) and `late` tells the connection to answer 408 and close.
struct DeadlineBody {
    inner: Incoming,
    deadline: Pin<Box<Sleep>>,
    late: Arc<AtomicBool>,
}

impl DeadlineBody {
    fn new(inner: Incoming, within: Duration, late: Arc<AtomicBool>) -> Self {
        DeadlineBody {
            inner,
            deadline: Box::pin(tokio::time::sleep(within)),
            late,
        }
    }
}

#[derive(Debug)]
struct BodyTimeout;

impl std::fmt::Display for BodyTimeout {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the request body did not arrive in time")
    }
}

impl std::error::Error for BodyTimeout {}

impl http_body::Body for DeadlineBody {
    type Data = Bytes;
    type Error = Box<dyn std::error::Error + Send + Sync>;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Self::Data>, Self::Error>>> {
        if let Poll::Ready(r) = Pin::new(&mut self.inner).poll_frame(cx) {
            return Poll::Ready(r.map(|f| f.map_err(Into::into)));
        }
        if self.deadline.as_mut().poll(cx).is_ready() {
            self.late.store(true, Ordering::Relaxed);
            return Poll::Ready(Some(Err(Box::new(BodyTimeout))));
        }
        Poll::Pending
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.inner.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits() -> Limits {
        Limits {
            header_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(30),
            idle_timeout: Duration::from_secs(60),
            send_timeout: Duration::from_secs(30),
            shutdown_grace: Duration::from_secs(10),
            max_connections: 10,
        }
    }

    #[test]
    fn the_watchdog_wakes_when_a_bound_can_pass_and_not_before() {
        let l = limits();
        let w = Arc::new(Watch::new());
        let t0 = w.lock().idle_since;
        // A new connection owes its first request head within the head timeout.
        assert_eq!(w.next_check(&l, t0), t0 + l.header_timeout);
        assert_eq!(
            w.overdue(&l, t0 + l.header_timeout),
            Some("no request on a new connection")
        );
        // A live stream in flight: nothing runs, so the next look is one shortest bound away.
        let flight = w.request_started();
        let t1 = t0 + Duration::from_secs(3);
        assert_eq!(w.next_check(&l, t1), t1 + l.header_timeout);
        assert_eq!(w.overdue(&l, t1 + Duration::from_secs(3600)), None);
        // A write blocks: the send bound from then on.
        w.write_progress(true);
        let blocked = w.lock().write_blocked_since.expect("blocked");
        assert_eq!(
            w.next_check(&l, blocked),
            blocked + l.header_timeout.min(l.send_timeout)
        );
        assert_eq!(
            w.overdue(&l, blocked + l.send_timeout),
            Some("the client stopped reading its response")
        );
        w.write_progress(false);
        drop(flight);
        // Idle after a response: the idle bound, checked no later than the head bound from now.
        let idle = w.lock().idle_since;
        assert_eq!(w.next_check(&l, idle), idle + l.header_timeout);
        assert_eq!(w.overdue(&l, idle + l.idle_timeout), Some("idle keep-alive connection"));
        // Past every bound already: a millisecond, never a busy loop.
        let late = idle + Duration::from_secs(3600);
        assert_eq!(w.next_check(&l, late), late + Duration::from_millis(1));
    }
}
