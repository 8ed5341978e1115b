//! The `Fetcher`: limits, the guarded connector, the pool, one request per hop, redirects.

use std::collections::{HashMap, HashSet};
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant, SystemTime};

use bytes::Bytes;
use http::header::{self, HeaderMap, HeaderValue};
use http_body_util::{BodyExt, Empty};
use hyper::client::conn::http1::{self, SendRequest};
use hyper_util::rt::TokioIo;
use tokio::sync::Semaphore;
use url::{Host, Position, Url};

use crate::decode::Decoder;
use crate::error::{FetchError, Phase, UrlRefusal};
use crate::guard::{is_bad_port, refusal};
use crate::retry::parse_retry_after;
use crate::seams::{Connect, Io, Resolve, SystemResolver, TcpConnector};
use crate::{FetchConfig, Fetched, Validators};

const ACCEPT: &str = "application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, \
                      text/html;q=0.9, */*;q=0.8";
const ACCEPT_ENCODING: &str = "gzip, br, deflate";
/// An idle keep-alive connection older than this is not reused (servers commonly close after 5–60 s).
const POOL_IDLE: Duration = Duration::from_secs(30);
/// Past this many remembered origins, the ones not in use and past their politeness slot are forgotten.
const ORIGIN_SWEEP_AT: usize = 4096;

/// Scheme, host and port: the unit of politeness and of connection reuse.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Origin {
    https: bool,
    host: String,
    port: u16,
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}://{}:{}",
            if self.https { "https" } else { "http" },
            self.host,
            self.port
        )
    }
}

/// One hop's request, read off its URL.
struct Target {
    origin: Origin,
    host: Host<String>,
    host_header: String,
    path_and_query: String,
}

impl Target {
    fn of(url: &Url) -> Result<Self, FetchError> {
        let invalid = |reason: &str| FetchError::InvalidUrl {
            url: url.to_string(),
            reason: reason.into(),
        };
        let host = url.host().ok_or_else(|| invalid("no host"))?.to_owned();
        let host_str = url.host_str().ok_or_else(|| invalid("no host"))?;
        let port = url.port_or_known_default().ok_or_else(|| invalid("no port"))?;
        let host_header = match url.port() {
            Some(p) => format!("{host_str}:{p}"),
            None => host_str.to_owned(),
        };
        Ok(Target {
            origin: Origin {
                https: url.scheme() == "https",
                host: host_str.to_owned(),
                port,
            },
            host,
            host_header,
            path_and_query: url[Position::BeforePath..Position::AfterQuery].to_owned(),
        })
    }
}

/// An origin's limiter: permits for concurrency, and the earliest start of the next request.
struct OriginState {
    permits: Arc<Semaphore>,
    next_start: Mutex<Option<Instant>>,
}

struct Idle {
    since: Instant,
    sender: SendRequest<Empty<Bytes>>,
}

struct Inner {
    cfg: FetchConfig,
    resolver: Arc<dyn Resolve>,
    connector: Arc<dyn Connect>,
    tls: tokio_rustls::TlsConnector,
    user_agent: HeaderValue,
    global: Semaphore,
    origins: Mutex<HashMap<Origin, Arc<OriginState>>>,
    pool: Mutex<HashMap<Origin, Vec<Idle>>>,
}

/// The HTTP client for sources. Cheap to clone: clones share the limits, the pool and the seams.
#[derive(Clone)]
pub struct Fetcher {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Fetcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Fetcher")
            .field("cfg", &self.inner.cfg)
            .finish_non_exhaustive()
    }
}

/// What one hop ended with.
enum Hop {
    Done(Fetched),
    Redirect { status: u16, location: Option<String> },
}

/// Where a hop is, for the timeout message (shared with the future that the timeout drops).
struct PhaseCell(AtomicU8);

impl PhaseCell {
    fn new() -> Self {
        PhaseCell(AtomicU8::new(0))
    }
    fn set(&self, p: Phase) {
        let n = match p {
            Phase::Resolving => 0,
            Phase::Connecting => 1,
            Phase::TlsHandshake => 2,
            Phase::WaitingForResponse => 3,
            Phase::ReadingBody => 4,
        };
        self.0.store(n, Ordering::Relaxed);
    }
    fn get(&self) -> Phase {
        match self.0.load(Ordering::Relaxed) {
            0 => Phase::Resolving,
            1 => Phase::Connecting,
            2 => Phase::TlsHandshake,
            3 => Phase::WaitingForResponse,
            _ => Phase::ReadingBody,
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // Nothing panics while holding these locks; if something did, the data (a map of limiters or idle
    // connections) is still consistent.
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Fetcher {
    /// A fetcher with the system resolver and plain TCP.
    pub fn new(cfg: FetchConfig) -> Result<Self, FetchError> {
        Self::with_seams(cfg, Arc::new(SystemResolver), Arc::new(TcpConnector))
    }

    /// A fetcher with its own resolver and connector (tests; a custom DNS).
    pub fn with_seams(
        cfg: FetchConfig,
        resolver: Arc<dyn Resolve>,
        connector: Arc<dyn Connect>,
    ) -> Result<Self, FetchError> {
        let bad = |m: &str| Err(FetchError::Config(m.to_owned()));
        if cfg.connect_timeout.is_zero() || cfg.total_timeout.is_zero() {
            return bad("timeouts must be longer than zero");
        }
        if cfg.max_body_bytes == 0 {
            return bad("max_body_bytes must be at least 1");
        }
        let max_permits = Semaphore::MAX_PERMITS;
        if !(1..=max_permits).contains(&cfg.per_origin_concurrency)
            || !(1..=max_permits).contains(&cfg.global_concurrency)
        {
            return bad("per_origin_concurrency and global_concurrency must be at least 1");
        }
        let user_agent = match HeaderValue::from_str(&cfg.user_agent) {
            Ok(v) if !cfg.user_agent.trim().is_empty() => v,
            _ => return bad("user_agent must be a non-empty header value (visible ASCII)"),
        };
        let mut roots = rustls::RootCertStore {
            roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
        };
        for der in &cfg.extra_root_certs {
            roots
                .add(rustls::pki_types::CertificateDer::from(der.clone()))
                .map_err(|e| FetchError::Config(format!("extra root certificate: {e}")))?;
        }
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut tls = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| FetchError::Config(format!("TLS: {e}")))?
            .with_root_certificates(roots)
            .with_no_client_auth();
        tls.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(Fetcher {
            inner: Arc::new(Inner {
                global: Semaphore::new(cfg.global_concurrency),
                cfg,
                resolver,
                connector,
                tls: tokio_rustls::TlsConnector::from(Arc::new(tls)),
                user_agent,
                origins: Mutex::new(HashMap::new()),
                pool: Mutex::new(HashMap::new()),
            }),
        })
    }

    /// The configuration in force.
    pub fn config(&self) -> &FetchConfig {
        &self.inner.cfg
    }

    /// Resolves the URL's host and runs every check a fetch would, without connecting: for rejecting a source,
    /// with the reason, when it is added. A later fetch checks again (DNS answers change).
    pub async fn check_url(&self, url: &str) -> Result<(), FetchError> {
        let url = parse_url(url)?;
        let target = Target::of(&url)?;
        let timeout = self.inner.cfg.connect_timeout;
        match tokio::time::timeout(timeout, self.resolve_checked(&target)).await {
            Ok(r) => r.map(|_| ()),
            Err(_) => Err(FetchError::Timeout {
                after: timeout,
                phase: Phase::Resolving,
            }),
        }
    }

    /// GETs `url`, following redirects, sending `validators` as conditional headers (on every hop: they describe
    /// the representation we hold of this source, wherever it now lives). A 2xx or a 304 is `Ok`; every other
    /// outcome is a `FetchError`.
    pub async fn get(&self, url: &str, validators: &Validators) -> Result<Fetched, FetchError> {
        let started = Instant::now();
        let mut url = parse_url(url)?;
        let mut redirects: Vec<String> = Vec::new();
        let mut visited: HashSet<String> = HashSet::from([url.to_string()]);
        let mut remaining = self.inner.cfg.total_timeout;
        loop {
            let target = Target::of(&url)?;
            match self.hop(&target, validators, &mut remaining).await? {
                Hop::Done(mut fetched) => {
                    fetched.final_url = url.to_string();
                    fetched.redirects = redirects;
                    fetched.elapsed = started.elapsed();
                    return Ok(fetched);
                }
                Hop::Redirect { status, location } => {
                    let Some(mut next) = location.as_deref().and_then(|l| url.join(l).ok()) else {
                        return Err(FetchError::BadRedirect { status, location });
                    };
                    next.set_fragment(None);
                    check_url_form(&next)?;
                    if visited.contains(next.as_str()) {
                        redirects.push(next.to_string());
                        return Err(FetchError::RedirectLoop {
                            url: next.to_string(),
                            chain: redirects,
                        });
                    }
                    if redirects.len() >= self.inner.cfg.max_redirects as usize {
                        redirects.push(next.to_string());
                        return Err(FetchError::TooManyRedirects {
                            max: self.inner.cfg.max_redirects,
                            chain: redirects,
                        });
                    }
                    tracing::debug!(from = %url, to = %next, status, "redirect");
                    visited.insert(next.to_string());
                    redirects.push(next.to_string());
                    url = next;
                }
            }
        }
    }

    /// One request: wait for the origin's permit, then its politeness slot and a global permit; then do the
    /// exchange within what is left of the total timeout.
    async fn hop(&self, target: &Target, v: &Validators, remaining: &mut Duration) -> Result<Hop, FetchError> {
        let state = self.origin_state(&target.origin);
        // The semaphores are never closed, so acquiring cannot fail.
        let _origin_permit = state.permits.acquire().await.map_err(|_| closed())?;
        // Sleep until the origin's next slot holding no global permit, then take one and claim the slot; if
        // another request to the origin claimed it meanwhile, give the permit back and wait again.
        let _global_permit = loop {
            let next = *lock(&state.next_start);
            if let Some(t) = next {
                tokio::time::sleep_until(t.into()).await;
            }
            let permit = self.inner.global.acquire().await.map_err(|_| closed())?;
            let mut next = lock(&state.next_start);
            let now = Instant::now();
            if next.is_none_or(|t| t <= now) {
                *next = Some(now + self.inner.cfg.politeness_delay);
                break permit;
            }
        };

        let phase = PhaseCell::new();
        let t0 = Instant::now();
        let result = tokio::time::timeout(*remaining, self.exchange(target, v, &phase)).await;
        *remaining = remaining.saturating_sub(t0.elapsed());
        match result {
            Ok(r) => r,
            Err(_) => Err(FetchError::Timeout {
                after: self.inner.cfg.total_timeout,
                phase: phase.get(),
            }),
        }
    }

    fn origin_state(&self, origin: &Origin) -> Arc<OriginState> {
        let mut map = lock(&self.inner.origins);
        if map.len() >= ORIGIN_SWEEP_AT && !map.contains_key(origin) {
            let now = Instant::now();
            // Only this map holds an idle origin's state; an origin in use or still in its delay stays.
            map.retain(|_, s| Arc::strong_count(s) > 1 || lock(&s.next_start).is_some_and(|t| t > now));
        }
        map.entry(origin.clone())
            .or_insert_with(|| {
                Arc::new(OriginState {
                    permits: Arc::new(Semaphore::new(self.inner.cfg.per_origin_concurrency)),
                    next_start: Mutex::new(None),
                })
            })
            .clone()
    }

    async fn exchange(&self, target: &Target, v: &Validators, phase: &PhaseCell) -> Result<Hop, FetchError> {
        let (mut sender, reused) = match self.take_idle(&target.origin).await {
            Some(s) => (s, true),
            None => (self.open(target, phase).await?, false),
        };
        phase.set(Phase::WaitingForResponse);
        let response = match sender.send_request(self.request(target, v)?).await {
            Ok(r) => r,
            // A kept-alive connection the server closed meanwhile: once more on a new one (GET is idempotent).
            Err(e) if reused => {
                tracing::debug!(origin = %target.origin, error = %e, "pooled connection failed; reconnecting");
                sender = self.open(target, phase).await?;
                phase.set(Phase::WaitingForResponse);
                sender
                    .send_request(self.request(target, v)?)
                    .await
                    .map_err(|e| hyper_error(&target.origin, e))?
            }
            Err(e) => return Err(hyper_error(&target.origin, e)),
        };
        let status = response.status().as_u16();
        let (parts, body) = response.into_parts();
        let headers = &parts.headers;
        if matches!(status, 301 | 302 | 303 | 307 | 308) {
            let location = headers
                .get(header::LOCATION)
                .map(|l| String::from_utf8_lossy(l.as_bytes()).into_owned());
            return Ok(Hop::Redirect { status, location });
        }
        let etag = header_string(headers, header::ETAG);
        let last_modified = header_string(headers, header::LAST_MODIFIED);
        let (content_type, charset) = media_type(headers);
        if status == 304 {
            return Ok(Hop::Done(Fetched {
                final_url: String::new(),
                status,
                not_modified: true,
                content_type,
                charset,
                etag: etag.or_else(|| v.etag.clone()),
                last_modified: last_modified.or_else(|| v.last_modified.clone()),
                body: Bytes::new(),
                redirects: Vec::new(),
                elapsed: Duration::ZERO,
            }));
        }
        if !(200..300).contains(&status) {
            let retry_after = headers
                .get(header::RETRY_AFTER)
                .and_then(|h| h.to_str().ok())
                .and_then(|h| parse_retry_after(h, SystemTime::now()));
            return Err(FetchError::Http { status, retry_after });
        }

        phase.set(Phase::ReadingBody);
        let limit = self.inner.cfg.max_body_bytes;
        let declared = headers
            .get(header::CONTENT_LENGTH)
            .and_then(|h| h.to_str().ok())
            .and_then(|h| h.trim().parse::<u64>().ok());
        if declared.is_some_and(|n| n > limit) {
            return Err(FetchError::BodyTooLarge { limit });
        }
        let encoding = headers
            .get(header::CONTENT_ENCODING)
            .map(|h| String::from_utf8_lossy(h.as_bytes()).into_owned());
        let reserve = usize::try_from(declared.unwrap_or(0)).unwrap_or(0);
        let mut decoder = Decoder::new(encoding.as_deref(), limit, reserve)?;
        let mut body = body;
        let mut received: u64 = 0;
        while let Some(frame) = body.frame().await {
            let frame = frame.map_err(|e| hyper_error(&target.origin, e))?;
            if let Ok(data) = frame.into_data() {
                received = received.saturating_add(data.len() as u64);
                if received > limit {
                    return Err(FetchError::BodyTooLarge { limit });
                }
                decoder.write(&data)?;
            }
        }
        let body = decoder.finish()?;
        self.put_idle(&target.origin, sender);
        Ok(Hop::Done(Fetched {
            final_url: String::new(),
            status,
            not_modified: false,
            content_type,
            charset,
            etag,
            last_modified,
            body,
            redirects: Vec::new(),
            elapsed: Duration::ZERO,
        }))
    }

    fn request(&self, target: &Target, v: &Validators) -> Result<http::Request<Empty<Bytes>>, FetchError> {
        let mut req = http::Request::builder()
            .method(http::Method::GET)
            .uri(target.path_and_query.as_str())
            .header(header::HOST, target.host_header.as_str())
            .header(header::USER_AGENT, self.inner.user_agent.clone())
            .header(header::ACCEPT, ACCEPT)
            .header(header::ACCEPT_ENCODING, ACCEPT_ENCODING)
            .body(Empty::new())
            .map_err(|e| FetchError::InvalidUrl {
                url: format!("{}{}", target.origin, target.path_and_query),
                reason: e.to_string(),
            })?;
        // A stored validator that is not a valid header value is skipped: the fetch is then unconditional.
        if let Some(etag) = v.etag.as_deref().and_then(|e| HeaderValue::from_str(e).ok()) {
            req.headers_mut().insert(header::IF_NONE_MATCH, etag);
        }
        if let Some(lm) = v.last_modified.as_deref().and_then(|e| HeaderValue::from_str(e).ok()) {
            req.headers_mut().insert(header::IF_MODIFIED_SINCE, lm);
        }
        Ok(req)
    }

    /// The host's addresses, every one checked by the guard (unless it is off).
    async fn resolve_checked(&self, target: &Target) -> Result<Vec<SocketAddr>, FetchError> {
        let host = &target.origin.host;
        let port = target.origin.port;
        let ips: Vec<IpAddr> = match &target.host {
            Host::Ipv4(a) => vec![IpAddr::V4(*a)],
            Host::Ipv6(a) => vec![IpAddr::V6(*a)],
            Host::Domain(d) => {
                let ips = self.inner.resolver.resolve(d).await.map_err(|source| FetchError::Dns {
                    host: host.clone(),
                    source,
                })?;
                if ips.is_empty() {
                    return Err(FetchError::Dns {
                        host: host.clone(),
                        source: std::io::Error::new(std::io::ErrorKind::NotFound, "no addresses"),
                    });
                }
                ips
            }
        };
        let addrs: Vec<SocketAddr> = ips.into_iter().map(|ip| SocketAddr::new(ip, port)).collect();
        if self.inner.cfg.guard {
            for addr in &addrs {
                let rules = || self.inner.cfg.allow.iter().filter(|r| r.matches(*addr));
                // A rule that names its port lets that port through; one for a whole network still keeps the
                // ports of other protocols out.
                if rules().any(|r| r.port().is_some()) {
                    continue;
                }
                let allowed = rules().next().is_some();
                if let Some(refusal) = refusal(addr.ip()).filter(|_| !allowed) {
                    tracing::info!(host = %host, addr = %addr.ip(), reason = %refusal, "refused");
                    return Err(FetchError::Refused {
                        host: host.clone(),
                        addr: addr.ip(),
                        refusal,
                    });
                }
                if is_bad_port(port) {
                    return Err(FetchError::RefusedUrl {
                        url: format!("{}", target.origin),
                        reason: UrlRefusal::Port(port),
                    });
                }
            }
        }
        Ok(addrs)
    }

    /// A new connection: resolve, check, connect to a checked address, TLS for https, HTTP/1.1 handshake.
    async fn open(&self, target: &Target, phase: &PhaseCell) -> Result<SendRequest<Empty<Bytes>>, FetchError> {
        let cfg = &self.inner.cfg;
        phase.set(Phase::Resolving);
        let addrs = self.resolve_checked(target).await?;
        phase.set(Phase::Connecting);
        let mut stream: Option<Box<dyn Io>> = None;
        let mut last_error = None;
        for addr in addrs {
            match tokio::time::timeout(cfg.connect_timeout, self.inner.connector.connect(addr)).await {
                Ok(Ok(s)) => {
                    stream = Some(s);
                    break;
                }
                Ok(Err(source)) => last_error = Some(FetchError::Connect { addr, source }),
                Err(_) => {
                    last_error = Some(FetchError::Timeout {
                        after: cfg.connect_timeout,
                        phase: Phase::Connecting,
                    })
                }
            }
        }
        let Some(mut stream) = stream else {
            return Err(last_error.unwrap_or_else(closed));
        };
        if target.origin.https {
            phase.set(Phase::TlsHandshake);
            let name = server_name(&target.host).map_err(|source| FetchError::Tls {
                host: target.origin.host.clone(),
                source,
            })?;
            let tls = match tokio::time::timeout(cfg.connect_timeout, self.inner.tls.connect(name, stream)).await {
                Ok(Ok(s)) => s,
                Ok(Err(source)) => {
                    return Err(FetchError::Tls {
                        host: target.origin.host.clone(),
                        source,
                    });
                }
                Err(_) => {
                    return Err(FetchError::Timeout {
                        after: cfg.connect_timeout,
                        phase: Phase::TlsHandshake,
                    });
                }
            };
            stream = Box::new(tls);
        }
        let (sender, conn) = http1::handshake(TokioIo::new(stream))
            .await
            .map_err(|e| hyper_error(&target.origin, e))?;
        let origin = target.origin.to_string();
        tokio::spawn(async move {
            if let Err(e) = conn.await {
                tracing::debug!(origin, error = %e, "connection ended with an error");
            }
        });
        Ok(sender)
    }

    async fn take_idle(&self, origin: &Origin) -> Option<SendRequest<Empty<Bytes>>> {
        loop {
            let idle = {
                let mut pool = lock(&self.inner.pool);
                let list = pool.get_mut(origin)?;
                let idle = list.pop();
                if list.is_empty() {
                    pool.remove(origin);
                }
                idle?
            };
            if idle.since.elapsed() > POOL_IDLE || idle.sender.is_closed() {
                continue;
            }
            let mut sender = idle.sender;
            // Ready at once unless the connection is closing; never wait on a pooled connection.
            if let Ok(Ok(())) = tokio::time::timeout(Duration::from_millis(100), sender.ready()).await {
                return Some(sender);
            }
        }
    }

    fn put_idle(&self, origin: &Origin, sender: SendRequest<Empty<Bytes>>) {
        if sender.is_closed() {
            return;
        }
        let mut pool = lock(&self.inner.pool);
        let now = Instant::now();
        if pool.len() >= ORIGIN_SWEEP_AT && !pool.contains_key(origin) {
            pool.retain(|_, list| {
                list.retain(|i| now.duration_since(i.since) <= POOL_IDLE && !i.sender.is_closed());
                !list.is_empty()
            });
        }
        let list = pool.entry(origin.clone()).or_default();
        list.retain(|i| now.duration_since(i.since) <= POOL_IDLE && !i.sender.is_closed());
        if list.len() < self.inner.cfg.per_origin_concurrency {
            list.push(Idle { since: now, sender });
        }
    }
}

/// Parses a URL the fetcher may fetch: http(s), no credentials, a host; the fragment is dropped.
fn parse_url(input: &str) -> Result<Url, FetchError> {
    let mut url = Url::parse(input.trim()).map_err(|e| FetchError::InvalidUrl {
        url: input.to_owned(),
        reason: e.to_string(),
    })?;
    check_url_form(&url)?;
    url.set_fragment(None);
    Ok(url)
}

fn check_url_form(url: &Url) -> Result<(), FetchError> {
    let refused = |reason| {
        Err(FetchError::RefusedUrl {
            url: url.to_string(),
            reason,
        })
    };
    match url.scheme() {
        "http" | "https" => {}
        other => return refused(UrlRefusal::Scheme(other.to_owned())),
    }
    if !url.username().is_empty() || url.password().is_some() {
        return refused(UrlRefusal::Userinfo);
    }
    if url.host().is_none() {
        return Err(FetchError::InvalidUrl {
            url: url.to_string(),
            reason: "no host".into(),
        });
    }
    Ok(())
}

fn server_name(host: &Host<String>) -> std::io::Result<rustls::pki_types::ServerName<'static>> {
    Ok(match host {
        Host::Ipv4(a) => rustls::pki_types::ServerName::IpAddress(IpAddr::V4(*a).into()),
        Host::Ipv6(a) => rustls::pki_types::ServerName::IpAddress(IpAddr::V6(*a).into()),
        Host::Domain(d) => rustls::pki_types::ServerName::try_from(d.clone())
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e))?,
    })
}

fn header_string(headers: &HeaderMap, name: header::HeaderName) -> Option<String> {
    headers
        .get(name)
        .and_then(|h| h.to_str().ok())
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
}

/// `text/html; charset="UTF-8"` → (`text/html`, `utf-8`).
fn media_type(headers: &HeaderMap) -> (Option<String>, Option<String>) {
    let Some(ct) = headers
        .get(header::CONTENT_TYPE)
        .map(|h| String::from_utf8_lossy(h.as_bytes()).into_owned())
    else {
        return (None, None);
    };
    let mut parts = ct.split(';');
    let essence = parts
        .next()
        .map(|m| m.trim().to_ascii_lowercase())
        .filter(|m| !m.is_empty());
    let charset = parts.find_map(|p| {
        let (k, v) = p.split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("charset")
            .then(|| v.trim().trim_matches('"').trim().to_ascii_lowercase())
    });
    (essence, charset.filter(|c| !c.is_empty()))
}

/// hyper's errors: a response that is not HTTP is a protocol error; everything else is the connection breaking.
fn hyper_error(origin: &Origin, e: hyper::Error) -> FetchError {
    if e.is_parse() || e.is_parse_status() {
        FetchError::Protocol {
            origin: origin.to_string(),
            source: Box::new(e),
        }
    } else {
        FetchError::Connection {
            origin: origin.to_string(),
            source: Box::new(e),
        }
    }
}

/// For the cases that cannot happen (a closed semaphore, no address to connect to after a non-empty check).
fn closed() -> FetchError {
    FetchError::Connection {
        origin: String::new(),
        source: "internal: nothing to connect to".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(ct: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::CONTENT_TYPE, HeaderValue::from_str(ct).unwrap());
        h
    }

    #[test]
    fn media_type_and_charset() {
        assert_eq!(
            media_type(&headers("Text/HTML; Charset=\"UTF-8\"")),
            (Some("text/html".into()), Some("utf-8".into()))
        );
        assert_eq!(
            media_type(&headers("application/rss+xml")),
            (Some("application/rss+xml".into()), None)
        );
        assert_eq!(
            media_type(&headers("text/xml; q=1; charset=windows-1251")).1.as_deref(),
            Some("windows-1251")
        );
        assert_eq!(media_type(&HeaderMap::new()), (None, None));
    }

    #[test]
    fn targets_keep_the_host_header_and_origin() {
        let t = Target::of(&Url::parse("https://Example.org:8443/a/b?c=d#e").unwrap()).unwrap();
        assert_eq!(t.host_header, "example.org:8443");
        assert_eq!(t.path_and_query, "/a/b?c=d");
        assert_eq!(t.origin.to_string(), "https://example.org:8443");
        let t = Target::of(&Url::parse("http://[::1]/").unwrap()).unwrap();
        assert_eq!(t.host_header, "[::1]");
        assert_eq!(t.origin.port, 80);
    }

    #[test]
    fn request_targets_the_url_parser_leaves_raw_are_accepted_by_http() {
        for u in [
            "http://x/a|b^c[d]?q=[1]|{x}&cat[]=2",
            "http://x/%7Bok%7D?a=b'c",
            "http://x/ü?ä=ö",
        ] {
            let url = Url::parse(u).unwrap();
            let t = Target::of(&url).unwrap();
            assert!(
                t.path_and_query.parse::<http::Uri>().is_ok(),
                "{u} → {}",
                t.path_and_query
            );
        }
    }
}
