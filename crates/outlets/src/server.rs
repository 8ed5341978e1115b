//! The outlets on a real listener: a [`Scenario`] says which articles exist and when each is released; an
//! [`OutletServer`] serves them on 127.0.0.1 and lists only what has been released.

use std::collections::{BTreeMap, HashMap};
use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use jiff::Timestamp;
use jiff::civil::Date;
use tokio::net::{TcpListener, TcpStream};
use tokio::task::{JoinHandle, JoinSet};
use tokio::time::Instant;

use crate::corpus::{self, Article, Corpus, Event, FeedKind, Outlet};
use crate::http::{self, Request, Response};
use crate::render;
use crate::stream;

/// What to publish and when.
#[derive(Debug, Clone)]
pub struct Scenario {
    plan: Plan,
    day: Date,
    clock: Clock,
    port: u16,
    feed_limit: usize,
}

#[derive(Debug, Clone)]
enum Plan {
    Demo,
    AllAtOnce,
    Stream(stream::StreamSpec),
}

/// When released articles become visible.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Clock {
    /// Each article appears when its release offset, divided by `speed`, has passed since the server started
    /// (Tokio's clock, so a paused test runtime moves it too). `release_next`/`release_all` can still bring
    /// articles forward.
    Timed { speed: f64 },
    /// Nothing appears until the test calls `release_next` or `release_all`.
    Manual,
}

impl Scenario {
    /// The demo: 12 of the corpus's articles over 88 seconds, the first at 2 s and the second at 6 s, so a
    /// newcomer sees developments form (three outlets on the Odesa strike, three wordings of one Kremlin
    /// statement, a Ukrainian report) within a minute.
    pub fn demo() -> Scenario {
        Scenario::new(Plan::Demo)
    }

    /// Every article of the corpus, all visible from the start (in manual mode, released in publication order).
    pub fn all_at_once() -> Scenario {
        Scenario::new(Plan::AllAtOnce)
    }

    /// A steady stream for a latency benchmark: `rate_per_sec` new articles a second for `duration`, spread
    /// over `outlets` outlets (formats in turn RSS, Atom, JSON Feed, watched page), text made from templates so
    /// that reports differ, grouped into events of one to four reports each. Deterministic.
    pub fn stream(rate_per_sec: f64, duration: Duration, outlets: usize) -> Scenario {
        let mut s = Scenario::new(Plan::Stream(stream::StreamSpec {
            rate_per_sec,
            duration,
            outlets: outlets.max(1),
        }));
        s.feed_limit = 30;
        s
    }

    fn new(plan: Plan) -> Scenario {
        Scenario {
            plan,
            day: corpus::DEFAULT_DAY,
            clock: Clock::Timed { speed: 1.0 },
            port: 0,
            feed_limit: 100,
        }
    }

    /// Lays the scenario on another day (weekdays and dates in the text follow; publication times keep their
    /// time of day). The default is [`corpus::DEFAULT_DAY`].
    pub fn on_day(mut self, day: Date) -> Scenario {
        self.day = day;
        self
    }

    /// Manual release: nothing is visible until `release_next`/`release_all`.
    pub fn manual(mut self) -> Scenario {
        self.clock = Clock::Manual;
        self
    }

    /// Timed release, `speed` times faster than the plan (2.0 releases the demo in 44 s). Non-positive or
    /// non-finite speeds count as 1.
    pub fn speed(mut self, speed: f64) -> Scenario {
        let speed = if speed.is_finite() && speed > 0.0 { speed } else { 1.0 };
        self.clock = Clock::Timed { speed };
        self
    }

    /// Binds this port on 127.0.0.1 instead of an ephemeral one.
    pub fn port(mut self, port: u16) -> Scenario {
        self.port = port;
        self
    }

    /// At most this many items in a feed or on a front page (newest first). Default: 100 (30 for streams).
    pub fn feed_limit(mut self, n: usize) -> Scenario {
        self.feed_limit = n.max(1);
        self
    }

    pub fn clock(&self) -> Clock {
        self.clock
    }

    /// Outlets, events, and articles in release order with their release offsets.
    fn build(&self) -> Built {
        match &self.plan {
            Plan::Demo | Plan::AllAtOnce => {
                let demo = matches!(self.plan, Plan::Demo);
                let c = Corpus::on(self.day);
                let mut planned: Vec<(Article, Duration)> = c
                    .articles
                    .iter()
                    .zip(&c.demo)
                    .filter_map(|(a, d)| match (demo, d) {
                        (true, Some(s)) => Some((a.clone(), Duration::from_secs(u64::from(*s)))),
                        (true, None) => None,
                        (false, _) => Some((a.clone(), Duration::ZERO)),
                    })
                    .collect();
                planned.sort_by_key(|(a, d)| (*d, a.published));
                Built {
                    outlets: c.outlets,
                    events: c.events,
                    planned,
                }
            }
            Plan::Stream(spec) => {
                let s = stream::generate(spec, self.day);
                Built {
                    outlets: s.outlets,
                    events: s.events,
                    planned: s.articles,
                }
            }
        }
    }
}

struct Built {
    outlets: Vec<Outlet>,
    events: Vec<Event>,
    planned: Vec<(Article, Duration)>,
}

/// An article that has been released.
#[derive(Debug, Clone)]
pub struct Released {
    pub article: Arc<Article>,
    /// Absolute URL of its page.
    pub url: String,
    /// When it became visible (Tokio's clock).
    pub released_at: Instant,
    /// When a feed or front page that lists it was first served with a 200 (a poller saw it), if yet.
    pub first_listed: Option<Instant>,
}

/// An article of the plan and when it is due.
#[derive(Debug, Clone)]
pub struct Planned {
    pub article: Arc<Article>,
    pub url: String,
    /// Offset from the start, before the speed factor.
    pub offset: Duration,
}

struct Manual {
    /// Articles brought forward by `release_next`/`release_all` (a prefix of the release order).
    forced: usize,
    forced_at: Vec<Option<Instant>>,
    first_listed: Vec<Option<Instant>>,
}

struct Shared {
    base: String,
    outlets: Vec<Outlet>,
    events: Vec<Event>,
    /// In release order.
    articles: Vec<Arc<Article>>,
    offsets: Vec<Duration>,
    /// Per outlet, indices into `articles` (ascending, so in release order).
    by_outlet: HashMap<String, Vec<usize>>,
    by_path: HashMap<String, usize>,
    start: Instant,
    speed: Option<f64>,
    feed_limit: usize,
    day_start: Timestamp,
    state: Mutex<Manual>,
    requests: Mutex<HashMap<String, u64>>,
}

/// Locks a mutex, taking the data even if a holder panicked (the data are counters and instants, always
/// consistent between statements).
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Shared {
    /// When the clock releases an offset: `None` in manual mode, or when it is too far to represent.
    fn due_after(&self, offset: Duration) -> Option<Instant> {
        let speed = self.speed?;
        self.start
            .checked_add(Duration::try_from_secs_f64(offset.as_secs_f64() / speed).ok()?)
    }

    fn due(&self, i: usize) -> Option<Instant> {
        self.due_after(self.offsets[i])
    }

    /// How many articles (a prefix of the release order) the clock alone has released at `now`.
    fn timed(&self, now: Instant) -> usize {
        self.offsets
            .partition_point(|o| self.due_after(*o).is_some_and(|t| t <= now))
    }

    /// How many articles (a prefix of the release order) are visible at `now`.
    fn visible(&self, now: Instant) -> usize {
        self.timed(now).max(lock(&self.state).forced)
    }

    fn released_at(&self, i: usize, st: &Manual, now: Instant) -> Option<Instant> {
        let timed = self.due(i).filter(|t| *t <= now);
        match (timed, st.forced_at[i]) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// The newest `feed_limit` visible articles of an outlet, newest first, and the time of the newest.
    fn listing(&self, outlet: &str, now: Instant) -> (Vec<usize>, Timestamp) {
        let visible = self.visible(now);
        let Some(all) = self.by_outlet.get(outlet) else {
            return (Vec::new(), self.day_start);
        };
        let n = all.partition_point(|&i| i < visible);
        let shown: Vec<usize> = all[..n].iter().rev().take(self.feed_limit).copied().collect();
        let newest = shown
            .iter()
            .map(|&i| self.articles[i].published)
            .max()
            .unwrap_or(self.day_start);
        (shown, newest)
    }

    fn count(&self, path: &str) {
        *lock(&self.requests).entry(path.to_string()).or_default() += 1;
    }

    fn respond(&self, req: &Request) -> Response {
        if !(req.method.eq_ignore_ascii_case("GET") || req.is_head()) {
            return Response::new(405, "text/plain; charset=utf-8", "method not allowed\n")
                .header("Allow", "GET, HEAD");
        }
        let now = Instant::now();
        let path = req.path.as_str();
        if path == "/" {
            let body = render::index_page(&self.base, &self.outlets);
            return Response::new(200, "text/html; charset=utf-8", body);
        }
        let mut segs = path.trim_start_matches('/').splitn(2, '/');
        let outlet_id = segs.next().unwrap_or("");
        let rest = segs.next().unwrap_or("");
        let Some(outlet) = self.outlets.iter().find(|o| o.id == outlet_id) else {
            return Response::not_found();
        };
        match rest {
            "" => self.listing_response(req, outlet, FeedKind::Page, now),
            "feed" if outlet.kind != FeedKind::Page => self.listing_response(req, outlet, outlet.kind, now),
            _ => {
                let Some(&i) = self.by_path.get(path) else {
                    return Response::not_found();
                };
                if i >= self.visible(now) {
                    return Response::not_found();
                }
                let a = &self.articles[i];
                let (shown, _) = self.listing(outlet_id, now);
                let related: Vec<&Article> = shown
                    .iter()
                    .filter(|&&j| j != i)
                    .map(|&j| self.articles[j].as_ref())
                    .collect();
                let body = render::article_page(&self.base, outlet, a, &related);
                conditional(req, "text/html; charset=utf-8", body, a.published)
            }
        }
    }

    fn listing_response(&self, req: &Request, outlet: &Outlet, kind: FeedKind, now: Instant) -> Response {
        let (shown, newest) = self.listing(&outlet.id, now);
        let items: Vec<&Article> = shown.iter().map(|&i| self.articles[i].as_ref()).collect();
        let body = match kind {
            FeedKind::Page => render::section_page(&self.base, outlet, &items, render::year_of(newest)),
            _ => render::feed(&self.base, outlet, &items, newest),
        };
        let resp = conditional(req, kind.content_type(), body, newest);
        if resp.status == 200 {
            let mut st = lock(&self.state);
            for i in shown {
                st.first_listed[i].get_or_insert(now);
            }
        }
        resp
    }
}

/// A 200 with validators, or a 304 when the request's validators match.
fn conditional(req: &Request, content_type: &str, body: String, last_modified: Timestamp) -> Response {
    let etag = http::etag_of(body.as_bytes());
    let lm = http::http_date(last_modified);
    let resp = if http::not_modified(req, &etag, last_modified) {
        Response::empty(304)
    } else {
        Response::new(200, content_type, body)
    };
    resp.header("ETag", etag)
        .header("Last-Modified", lm)
        .header("Cache-Control", "no-cache")
}

/// Synthetic outlets on 127.0.0.1. Dropping it stops the listener and every connection.
pub struct OutletServer {
    addr: SocketAddr,
    shared: Arc<Shared>,
    task: JoinHandle<()>,
}

impl Drop for OutletServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl std::fmt::Debug for OutletServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OutletServer")
            .field("addr", &self.addr)
            .field("articles", &self.shared.articles.len())
            .finish_non_exhaustive()
    }
}

impl OutletServer {
    /// Binds 127.0.0.1 (port 0 unless the scenario names one) and starts serving; the release clock starts now.
    pub async fn start(scenario: Scenario) -> io::Result<OutletServer> {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, scenario.port)).await?;
        let addr = listener.local_addr()?;
        let built = scenario.build();
        let base = format!("http://{addr}");
        let mut articles = Vec::with_capacity(built.planned.len());
        let mut offsets = Vec::with_capacity(built.planned.len());
        let mut by_outlet: HashMap<String, Vec<usize>> = HashMap::new();
        let mut by_path = HashMap::new();
        for (i, (a, off)) in built.planned.into_iter().enumerate() {
            by_outlet.entry(a.outlet.clone()).or_default().push(i);
            by_path.insert(a.path(), i);
            articles.push(Arc::new(a));
            offsets.push(off);
        }
        let n = articles.len();
        let shared = Arc::new(Shared {
            base,
            outlets: built.outlets,
            events: built.events,
            articles,
            offsets,
            by_outlet,
            by_path,
            start: Instant::now(),
            speed: match scenario.clock {
                Clock::Timed { speed } => Some(speed),
                Clock::Manual => None,
            },
            feed_limit: scenario.feed_limit,
            day_start: corpus::at(scenario.day, 0, 0),
            state: Mutex::new(Manual {
                forced: 0,
                forced_at: vec![None; n],
                first_listed: vec![None; n],
            }),
            requests: Mutex::new(HashMap::new()),
        });
        let task = tokio::spawn(accept_loop(listener, shared.clone()));
        Ok(OutletServer { addr, shared, task })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> &str {
        &self.shared.base
    }

    /// The outlet's front page: `http://127.0.0.1:PORT/{outlet}/`.
    pub fn url(&self, outlet: &str) -> String {
        format!("{}/{outlet}/", self.shared.base)
    }

    /// What to subscribe to: the feed (`/{outlet}/feed`), or for an outlet without one its front page, which is
    /// watched as a page.
    pub fn feed_url(&self, outlet: &str) -> String {
        match self.shared.outlets.iter().find(|o| o.id == outlet) {
            Some(o) if o.kind == FeedKind::Page => self.url(outlet),
            _ => format!("{}/{outlet}/feed", self.shared.base),
        }
    }

    /// The absolute URL of an article's page.
    pub fn article_url(&self, article: &Article) -> String {
        format!("{}{}", self.shared.base, article.path())
    }

    pub fn outlets(&self) -> &[Outlet] {
        &self.shared.outlets
    }

    /// The ground truth: every event the scenario's articles report.
    pub fn events(&self) -> &[Event] {
        &self.shared.events
    }

    /// Every article of the scenario, released or not, in release order.
    pub fn articles(&self) -> impl Iterator<Item = &Article> {
        self.shared.articles.iter().map(|a| a.as_ref())
    }

    /// Every article with its planned release offset, in release order.
    pub fn schedule(&self) -> Vec<Planned> {
        self.shared
            .articles
            .iter()
            .zip(&self.shared.offsets)
            .map(|(a, o)| Planned {
                url: self.article_url(a),
                article: a.clone(),
                offset: *o,
            })
            .collect()
    }

    /// The articles visible now, in release order, with when each was released and first listed.
    pub fn released(&self) -> Vec<Released> {
        let now = Instant::now();
        let st = lock(&self.shared.state);
        let n = self.shared.timed(now).max(st.forced);
        (0..n)
            .map(|i| {
                let a = &self.shared.articles[i];
                Released {
                    url: self.article_url(a),
                    article: a.clone(),
                    released_at: self.shared.released_at(i, &st, now).unwrap_or(now),
                    first_listed: st.first_listed[i],
                }
            })
            .collect()
    }

    /// How many articles are visible now.
    pub fn released_count(&self) -> usize {
        self.shared.visible(Instant::now())
    }

    /// Releases the next article in release order now (in any clock mode) and returns it; `None` when all are
    /// out.
    pub fn release_next(&self) -> Option<Arc<Article>> {
        let now = Instant::now();
        let mut st = lock(&self.shared.state);
        let visible = self.shared.timed(now).max(st.forced);
        if visible >= self.shared.articles.len() {
            return None;
        }
        st.forced = visible + 1;
        st.forced_at[visible].get_or_insert(now);
        Some(self.shared.articles[visible].clone())
    }

    /// Releases every article now.
    pub fn release_all(&self) {
        let now = Instant::now();
        let mut st = lock(&self.shared.state);
        let n = self.shared.articles.len();
        for t in st.forced_at.iter_mut() {
            t.get_or_insert(now);
        }
        st.forced = n;
    }

    /// Requests served for `path` (without the query), any status.
    pub fn requests(&self, path: &str) -> u64 {
        lock(&self.shared.requests).get(path).copied().unwrap_or(0)
    }

    /// Requests served per path, any status.
    pub fn request_counts(&self) -> BTreeMap<String, u64> {
        lock(&self.shared.requests)
            .iter()
            .map(|(k, v)| (k.clone(), *v))
            .collect()
    }
}

async fn accept_loop(listener: TcpListener, shared: Arc<Shared>) {
    let mut conns = JoinSet::new();
    loop {
        while conns.try_join_next().is_some() {}
        let Ok((stream, _)) = listener.accept().await else {
            // Out of file descriptors or a similar passing trouble: wait a moment rather than spin.
            tokio::time::sleep(Duration::from_millis(20)).await;
            continue;
        };
        conns.spawn(serve(stream, shared.clone()));
    }
}

async fn serve(mut stream: TcpStream, shared: Arc<Shared>) {
    let _ = stream.set_nodelay(true);
    let Some(req) = http::read_request(&mut stream).await else {
        return;
    };
    shared.count(&req.path);
    let resp = shared.respond(&req);
    resp.write_to(&mut stream, req.is_head()).await;
}
