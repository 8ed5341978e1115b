//! A farm of feeds for the polling benchmark: thousands of feeds over many listeners on 127.0.0.1 (each port
//! is its own origin), each with one deterministic behaviour from a mix (healthy, conditional, slow, hanging,
//! resetting, garbage, redirecting, failing, rate-limited, huge, compressed) and the outcome a correct poller
//! should record for it.
//!
//! Bodies are made per request from the feed's index and the clock; nothing per feed is kept but its
//! behaviour and a request counter, so 2,000 feeds cost a few hundred kilobytes.

use std::io::{self, Write as _};
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use jiff::Timestamp;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::{JoinHandle, JoinSet};
use tokio::time::Instant;

use crate::http::{self, Request, Response};
use crate::render::esc;

/// What a feed of the farm does when polled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Behaviour {
    /// A valid RSS feed of five items; a new item every `new_item_every`; `ETag`/`Last-Modified`, 304 between
    /// new items.
    NewItems,
    /// A valid RSS feed of three items that never changes; 304 to conditional requests.
    NotModified,
    /// The static feed, answered after `slow_delay` (a few seconds, within a typical timeout).
    Slow,
    /// Accepts the connection, reads the request and never answers (until the client gives up).
    Hang,
    /// Starts a 200 response, then resets the connection mid-body (`SO_LINGER` 0).
    Reset,
    /// A 200 with a feed's `Content-Type` and a body that is not a feed (binary noise or an HTML error page).
    Garbage,
    /// `hops` redirects (301, 302, 307, 308 in turn) to the static feed. More than 5 is too many for the
    /// fetcher's default `max_redirects`.
    Redirect { hops: u8 },
    /// 500 Internal Server Error.
    ServerError,
    /// 429 Too Many Requests with `Retry-After: retry_after_secs`.
    RateLimited,
    /// A valid RSS feed of `huge_items` items (10,000 by default, about 3 MB).
    Huge,
    /// The static feed, gzip-compressed when the request accepts gzip.
    Gzip,
}

/// How a fetch of a farm feed should end: what a poller should record as the source's health.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expected {
    /// A 200 with a feed that parses with at least `min_items` items. `conditional`: a request with the
    /// validators of the last response gets a 304 (until the feed changes). `grows`: new items keep appearing.
    Ok {
        min_items: usize,
        conditional: bool,
        grows: bool,
    },
    /// The fetch or the parse fails, for this reason.
    Fails(Failure),
}

impl Expected {
    pub fn is_ok(self) -> bool {
        matches!(self, Expected::Ok { .. })
    }
}

/// Why a farm feed fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// No answer: the fetch times out (waiting for the response).
    Timeout,
    /// The connection breaks mid-response.
    Connection,
    /// The fetch succeeds but the body is not a feed: parsing fails.
    NotAFeed,
    /// More redirects than the fetcher follows (6 against a default of 5).
    TooManyRedirects,
    /// An error status, and the `Retry-After` it carries, in seconds.
    Status { status: u16, retry_after: Option<u32> },
}

impl Failure {
    /// The `livebrief-fetch` error code the fetch ends with (`FetchError::code`), or `None` when the fetch
    /// succeeds and the parse fails ([`Failure::NotAFeed`]).
    pub fn fetch_code(self) -> Option<&'static str> {
        match self {
            Failure::Timeout => Some("timeout"),
            Failure::Connection => Some("connection"),
            Failure::TooManyRedirects => Some("too_many_redirects"),
            Failure::Status { .. } => Some("http_status"),
            Failure::NotAFeed => None,
        }
    }
}

/// What to run.
#[derive(Debug, Clone)]
pub struct FarmSpec {
    /// How many feeds.
    pub feeds: usize,
    /// How many listeners (ports, so origins) they are spread over: feed `i` is on listener `i % listeners`.
    pub listeners: usize,
    /// Behaviours and their weights; each behaviour gets its share of the feeds (largest remainder, at least
    /// one each when there are enough feeds), then feeds are shuffled with `seed`.
    pub mix: Vec<(Behaviour, u32)>,
    /// How long [`Behaviour::Slow`] waits before answering. Default: 3 s.
    pub slow_delay: Duration,
    /// How often [`Behaviour::NewItems`] gains an item. Default: 30 s.
    pub new_item_every: Duration,
    /// `Retry-After` of [`Behaviour::RateLimited`], in seconds. Default: 120.
    pub retry_after_secs: u32,
    /// Items of [`Behaviour::Huge`]. Default: 10,000.
    pub huge_items: usize,
    pub seed: u64,
    /// The loopback address the listeners bind. Default: 127.0.0.1.
    pub host: Ipv4Addr,
    /// Where to tell of every feed request as it arrives (who polled which feed when). Default: nowhere.
    pub log: Option<tokio::sync::mpsc::UnboundedSender<FarmRequest>>,
}

/// One request for a feed of the farm (redirect hops included), told when its head has arrived.
#[derive(Debug, Clone)]
pub struct FarmRequest {
    pub index: usize,
    pub at: std::time::Instant,
    pub user_agent: String,
}

impl Default for FarmSpec {
    /// 2,000 feeds over 100 ports (20 each) with [`FarmSpec::default_mix`].
    fn default() -> Self {
        FarmSpec {
            feeds: 2_000,
            listeners: 100,
            mix: FarmSpec::default_mix(),
            slow_delay: Duration::from_secs(3),
            new_item_every: Duration::from_secs(30),
            retry_after_secs: 120,
            huge_items: 10_000,
            seed: 0x6661_726d,
            host: Ipv4Addr::LOCALHOST,
            log: None,
        }
    }
}

impl FarmSpec {
    /// `feeds` feeds over `listeners` ports, with the default mix and timings.
    pub fn new(feeds: usize, listeners: usize) -> FarmSpec {
        FarmSpec {
            feeds,
            listeners,
            ..FarmSpec::default()
        }
    }

    /// Per 100 feeds: 40 new items, 25 not modified, 5 slow, 3 hang, 3 reset, 3 garbage, 3 + 3 + 2 redirects of
    /// 1, 2 and 3 hops, 1 of 6 hops, 3 server errors, 3 rate-limited, 1 huge, 5 gzip.
    pub fn default_mix() -> Vec<(Behaviour, u32)> {
        vec![
            (Behaviour::NewItems, 40),
            (Behaviour::NotModified, 25),
            (Behaviour::Slow, 5),
            (Behaviour::Hang, 3),
            (Behaviour::Reset, 3),
            (Behaviour::Garbage, 3),
            (Behaviour::Redirect { hops: 1 }, 3),
            (Behaviour::Redirect { hops: 2 }, 3),
            (Behaviour::Redirect { hops: 3 }, 2),
            (Behaviour::Redirect { hops: 6 }, 1),
            (Behaviour::ServerError, 3),
            (Behaviour::RateLimited, 3),
            (Behaviour::Huge, 1),
            (Behaviour::Gzip, 5),
        ]
    }

    /// What a correct poller records for a feed with this behaviour under this spec.
    pub fn expected(&self, b: Behaviour) -> Expected {
        let ok = |min_items, conditional| Expected::Ok {
            min_items,
            conditional,
            grows: false,
        };
        match b {
            Behaviour::NewItems => Expected::Ok {
                min_items: NEW_ITEMS_SHOWN,
                conditional: true,
                grows: true,
            },
            Behaviour::NotModified | Behaviour::Gzip => ok(STATIC_ITEMS, true),
            Behaviour::Slow => ok(STATIC_ITEMS, false),
            Behaviour::Redirect { hops } if hops <= MAX_REDIRECTS_FOLLOWED => ok(STATIC_ITEMS, true),
            Behaviour::Redirect { .. } => Expected::Fails(Failure::TooManyRedirects),
            Behaviour::Huge => ok(self.huge_items, true),
            Behaviour::Hang => Expected::Fails(Failure::Timeout),
            Behaviour::Reset => Expected::Fails(Failure::Connection),
            Behaviour::Garbage => Expected::Fails(Failure::NotAFeed),
            Behaviour::ServerError => Expected::Fails(Failure::Status {
                status: 500,
                retry_after: None,
            }),
            Behaviour::RateLimited => Expected::Fails(Failure::Status {
                status: 429,
                retry_after: Some(self.retry_after_secs),
            }),
        }
    }

    /// The behaviour of each feed, by index.
    fn assign(&self) -> Vec<Behaviour> {
        let mix: Vec<(Behaviour, u32)> = self.mix.iter().copied().filter(|(_, w)| *w > 0).collect();
        let total: u64 = mix.iter().map(|(_, w)| u64::from(*w)).sum();
        if mix.is_empty() || self.feeds == 0 {
            return vec![Behaviour::NewItems; self.feeds];
        }
        let n = self.feeds as u64;
        let mut counts: Vec<u64> = mix.iter().map(|(_, w)| n * u64::from(*w) / total).collect();
        let mut order: Vec<usize> = (0..mix.len()).collect();
        // Largest remainder first (ties: earlier in the mix).
        order.sort_by_key(|&k| std::cmp::Reverse(n * u64::from(mix[k].1) % total));
        let mut left = n - counts.iter().sum::<u64>();
        for &k in order.iter().cycle() {
            if left == 0 {
                break;
            }
            counts[k] += 1;
            left -= 1;
        }
        // Every behaviour at least once when there are feeds enough, taken from the largest share.
        if self.feeds >= mix.len() {
            for k in 0..mix.len() {
                if counts[k] == 0 {
                    let big = (0..mix.len()).max_by_key(|&j| counts[j]).unwrap_or(0);
                    counts[big] -= 1;
                    counts[k] += 1;
                }
            }
        }
        let mut out: Vec<Behaviour> = mix
            .iter()
            .zip(&counts)
            .flat_map(|((b, _), c)| std::iter::repeat_n(*b, *c as usize))
            .collect();
        let mut state = self.seed;
        for i in (1..out.len()).rev() {
            let j = (splitmix(&mut state) % (i as u64 + 1)) as usize;
            out.swap(i, j);
        }
        out
    }
}

/// The fetcher's default `max_redirects`.
const MAX_REDIRECTS_FOLLOWED: u8 = 5;
const STATIC_ITEMS: usize = 3;
const NEW_ITEMS_SHOWN: usize = 5;

fn splitmix(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// One feed of the farm.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FarmFeed {
    pub index: usize,
    /// `http://127.0.0.1:PORT/feeds/{index}`.
    pub url: String,
    pub behaviour: Behaviour,
    pub expected: Expected,
}

struct FarmShared {
    behaviours: Vec<Behaviour>,
    listeners: usize,
    slow_delay: Duration,
    new_item_every: Duration,
    retry_after_secs: u32,
    huge_items: usize,
    start: Instant,
    /// Wall time at start: item dates and `Last-Modified` of growing feeds count from here.
    start_wall: Timestamp,
    requests: Vec<AtomicU64>,
    total: AtomicU64,
    log: Option<tokio::sync::mpsc::UnboundedSender<FarmRequest>>,
}

/// A running farm. Dropping it stops every listener and connection (hung ones included).
pub struct FeedFarm {
    addrs: Vec<SocketAddr>,
    feeds: Vec<FarmFeed>,
    shared: Arc<FarmShared>,
    tasks: Vec<JoinHandle<()>>,
}

impl Drop for FeedFarm {
    fn drop(&mut self) {
        for t in &self.tasks {
            t.abort();
        }
    }
}

impl std::fmt::Debug for FeedFarm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FeedFarm")
            .field("listeners", &self.addrs.len())
            .field("feeds", &self.feeds.len())
            .finish_non_exhaustive()
    }
}

impl FeedFarm {
    /// Binds `spec.listeners` ports on 127.0.0.1 (at least one) and serves `spec.feeds` feeds over them.
    pub async fn start(spec: FarmSpec) -> io::Result<FeedFarm> {
        let behaviours = spec.assign();
        let listeners_n = spec.listeners.max(1);
        let mut listeners = Vec::with_capacity(listeners_n);
        let mut addrs = Vec::with_capacity(listeners_n);
        for _ in 0..listeners_n {
            let l = TcpListener::bind((spec.host, 0)).await?;
            addrs.push(l.local_addr()?);
            listeners.push(l);
        }
        let feeds = behaviours
            .iter()
            .enumerate()
            .map(|(i, b)| FarmFeed {
                index: i,
                url: format!("http://{}/feeds/{i}", addrs[i % listeners_n]),
                behaviour: *b,
                expected: spec.expected(*b),
            })
            .collect();
        let shared = Arc::new(FarmShared {
            requests: (0..behaviours.len()).map(|_| AtomicU64::new(0)).collect(),
            behaviours,
            listeners: listeners_n,
            slow_delay: spec.slow_delay,
            new_item_every: spec.new_item_every.max(Duration::from_millis(1)),
            retry_after_secs: spec.retry_after_secs,
            huge_items: spec.huge_items,
            start: Instant::now(),
            start_wall: Timestamp::now(),
            total: AtomicU64::new(0),
            log: spec.log.clone(),
        });
        let tasks = listeners
            .into_iter()
            .enumerate()
            .map(|(k, l)| tokio::spawn(accept_loop(l, k, shared.clone())))
            .collect();
        Ok(FeedFarm {
            addrs,
            feeds,
            shared,
            tasks,
        })
    }

    /// Every feed with its URL, behaviour and expected outcome, by index.
    pub fn feeds(&self) -> &[FarmFeed] {
        &self.feeds
    }

    /// The listeners' addresses (listener `k` serves feeds `i` with `i % listeners == k`).
    pub fn addrs(&self) -> &[SocketAddr] {
        &self.addrs
    }

    /// Requests served so far, all feeds (redirect hops count).
    pub fn requests(&self) -> u64 {
        self.shared.total.load(Ordering::Relaxed)
    }

    /// Requests served so far for feed `index` (redirect hops count).
    pub fn requests_for(&self, index: usize) -> u64 {
        self.shared.requests.get(index).map_or(0, |c| c.load(Ordering::Relaxed))
    }
}

async fn accept_loop(listener: TcpListener, k: usize, shared: Arc<FarmShared>) {
    let mut conns = JoinSet::new();
    loop {
        while conns.try_join_next().is_some() {}
        let Ok((stream, _)) = listener.accept().await else {
            // Out of file descriptors or a similar passing trouble: wait a moment rather than spin.
            tokio::time::sleep(Duration::from_millis(20)).await;
            continue;
        };
        conns.spawn(serve(stream, k, shared.clone()));
    }
}

/// `/feeds/{i}`, `/feeds/{i}/hop/{n}`, `/feeds/{i}/final`: the feed and the redirect step (0 for the feed's
/// own URL, `n` for a hop, `u8::MAX` for the target of the redirects).
fn route(path: &str) -> Option<(usize, u8)> {
    let rest = path.strip_prefix("/feeds/")?;
    let mut parts = rest.split('/');
    let i = parts.next()?.parse().ok()?;
    match (parts.next(), parts.next(), parts.next()) {
        (None, _, _) => Some((i, 0)),
        (Some("hop"), Some(n), None) => n.parse().ok().filter(|n| *n > 0).map(|n| (i, n)),
        (Some("final"), None, _) => Some((i, u8::MAX)),
        _ => None,
    }
}

async fn serve(mut stream: TcpStream, k: usize, shared: Arc<FarmShared>) {
    let _ = stream.set_nodelay(true);
    let Some(req) = http::read_request(&mut stream).await else {
        return;
    };
    shared.total.fetch_add(1, Ordering::Relaxed);
    let Some((i, step)) = route(&req.path).filter(|(i, _)| *i < shared.behaviours.len() && i % shared.listeners == k)
    else {
        return Response::not_found().write_to(&mut stream, req.is_head()).await;
    };
    shared.requests[i].fetch_add(1, Ordering::Relaxed);
    if let Some(log) = &shared.log {
        let _ = log.send(FarmRequest {
            index: i,
            at: std::time::Instant::now(),
            user_agent: req.header("user-agent").unwrap_or("").to_string(),
        });
    }
    let base = match stream.local_addr() {
        Ok(a) => format!("http://{a}"),
        Err(_) => return,
    };
    let behaviour = shared.behaviours[i];
    let head = req.is_head();
    match behaviour {
        Behaviour::Redirect { hops } if step != u8::MAX => {
            if step >= hops {
                return Response::not_found().write_to(&mut stream, head).await;
            }
            let next = step + 1;
            let location = if next == hops {
                format!("{base}/feeds/{i}/final")
            } else {
                format!("{base}/feeds/{i}/hop/{next}")
            };
            let status = [301, 302, 307, 308][usize::from(step) % 4];
            Response::new(
                status,
                "text/html; charset=utf-8",
                format!("<a href=\"{location}\">moved</a>\n"),
            )
            .header("Location", location)
            .write_to(&mut stream, head)
            .await
        }
        Behaviour::Redirect { .. } => {
            conditional(&req, static_feed(&base, i), static_date(3))
                .write_to(&mut stream, head)
                .await
        }
        _ if step != 0 => Response::not_found().write_to(&mut stream, head).await,
        Behaviour::NewItems => {
            let every = shared.new_item_every;
            let newest = (shared.start.elapsed().as_nanos() / every.as_nanos().max(1)) as u64 + NEW_ITEMS_SHOWN as u64;
            let first = newest + 1 - NEW_ITEMS_SHOWN as u64;
            let date = |n: u64| {
                let since = every.saturating_mul(u32::try_from(n.saturating_sub(NEW_ITEMS_SHOWN as u64)).unwrap_or(0));
                shared
                    .start_wall
                    .checked_add(jiff::SignedDuration::try_from(since).unwrap_or_default())
                    .unwrap_or(shared.start_wall)
            };
            let body = rss(&base, i, (first..=newest).rev().map(|n| (n, date(n))));
            conditional(&req, body, date(newest)).write_to(&mut stream, head).await
        }
        Behaviour::NotModified => {
            conditional(&req, static_feed(&base, i), static_date(3))
                .write_to(&mut stream, head)
                .await
        }
        Behaviour::Slow => {
            tokio::time::sleep(shared.slow_delay).await;
            Response::new(200, RSS_TYPE, static_feed(&base, i))
                .write_to(&mut stream, head)
                .await
        }
        Behaviour::Hang => {
            // Never answer; hold the socket until the client gives up (or the farm stops).
            let mut sink = [0u8; 512];
            while let Ok(n) = stream.read(&mut sink).await {
                if n == 0 {
                    break;
                }
            }
        }
        Behaviour::Reset => {
            let body = static_feed(&base, i);
            let head_bytes = Response::new(200, RSS_TYPE, body.clone()).head_bytes();
            let cut = body.len() / 3;
            let _ = stream.write_all(&head_bytes).await;
            let _ = stream.write_all(&body.as_bytes()[..cut]).await;
            let _ = stream.flush().await;
            // Closing with linger 0 sends RST instead of FIN: the client sees a reset mid-body.
            let _ = stream.set_zero_linger();
            drop(stream);
        }
        Behaviour::Garbage => {
            Response::new(200, RSS_TYPE, garbage(i))
                .write_to(&mut stream, head)
                .await
        }
        Behaviour::ServerError => {
            Response::new(
                500,
                "text/html; charset=utf-8",
                "<html><body><h1>Internal Server Error</h1></body></html>\n",
            )
            .write_to(&mut stream, head)
            .await
        }
        Behaviour::RateLimited => {
            Response::new(429, "text/plain; charset=utf-8", "slow down\n")
                .header("Retry-After", shared.retry_after_secs.to_string())
                .write_to(&mut stream, head)
                .await
        }
        Behaviour::Huge => {
            let n = shared.huge_items as u64;
            let body = rss(&base, i, (1..=n).rev().map(|k| (k, static_date(k))));
            conditional(&req, body, static_date(n))
                .write_to(&mut stream, head)
                .await
        }
        Behaviour::Gzip => {
            let resp = conditional(&req, static_feed(&base, i), static_date(3));
            let resp = if resp.status == 200 && req.accepts_gzip() {
                let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
                match gz.write_all(&resp.body).and_then(|_| gz.finish()) {
                    Ok(z) => Response { body: z.into(), ..resp }.header("Content-Encoding", "gzip"),
                    Err(_) => resp,
                }
            } else {
                resp
            };
            resp.header("Vary", "Accept-Encoding").write_to(&mut stream, head).await
        }
    }
}

const RSS_TYPE: &str = "application/rss+xml; charset=utf-8";

fn conditional(req: &Request, body: String, last_modified: Timestamp) -> Response {
    let etag = http::etag_of(body.as_bytes());
    let resp = if http::not_modified(req, &etag, last_modified) {
        Response::empty(304)
    } else {
        Response::new(200, RSS_TYPE, body)
    };
    resp.header("ETag", etag)
        .header("Last-Modified", http::http_date(last_modified))
}

/// A fixed date for item `n` of the static feeds (one hour apart from the corpus day's start).
fn static_date(n: u64) -> Timestamp {
    let day = crate::corpus::at(crate::corpus::DEFAULT_DAY, 0, 0);
    day.checked_add(jiff::SignedDuration::from_secs(3600 * (n.min(1_000_000) as i64)))
        .unwrap_or(day)
}

fn static_feed(base: &str, i: usize) -> String {
    rss(base, i, (1..=STATIC_ITEMS as u64).rev().map(|n| (n, static_date(n))))
}

const PLACES: &[&str] = &[
    "Kyiv",
    "Odesa",
    "Kharkiv",
    "Zaporizhzhia",
    "Dnipro",
    "Sumy",
    "Mykolaiv",
    "Kherson",
    "Pokrovsk",
];

/// An RSS 2.0 feed of feed `i` with the given items (number, date), in the given order.
fn rss(base: &str, i: usize, items: impl Iterator<Item = (u64, Timestamp)>) -> String {
    let mut out = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\">\n<channel>\n<title>Farm feed {i}</title>\n\
         <link>{base}/feeds/{i}/</link>\n<description>Synthetic feed {i} of the polling farm</description>\n"
    );
    for (n, date) in items {
        let place = PLACES[(i + n as usize) % PLACES.len()];
        let url = format!("{base}/feeds/{i}/items/{n}");
        out.push_str(&format!(
            "<item><title>Update {n} from {place}: officials report on the situation</title><link>{url}</link>\
             <guid>{url}</guid><pubDate>{date}</pubDate><description>{desc}</description></item>\n",
            url = esc(&url),
            date = date.strftime("%a, %d %b %Y %H:%M:%S +0000"),
            desc = esc(&format!(
                "Officials in {place} gave an update on the situation (item {n} of feed {i})."
            )),
        ));
    }
    out.push_str("</channel>\n</rss>\n");
    out
}

/// A body that is no feed: binary noise for even feeds, an HTML error page for odd ones.
fn garbage(i: usize) -> Vec<u8> {
    if i % 2 == 1 {
        return b"<!DOCTYPE html><html><head><title>Error</title></head><body><h1>Database error</h1>\
                 <p>The service is temporarily unavailable.</p></body></html>\n"
            .to_vec();
    }
    let mut state = i as u64;
    let mut out = vec![0x1f, 0x8b, 0xff, 0x00];
    out.extend((0..2048).map(|_| (splitmix(&mut state) & 0xff) as u8));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mix_is_apportioned_exactly_and_every_behaviour_appears() {
        let spec = FarmSpec::default();
        let a = spec.assign();
        assert_eq!(a.len(), 2_000);
        let count = |b: Behaviour| a.iter().filter(|x| **x == b).count();
        assert_eq!(count(Behaviour::NewItems), 800);
        assert_eq!(count(Behaviour::Huge), 20);
        assert_eq!(count(Behaviour::Redirect { hops: 6 }), 20);
        assert_eq!(a, spec.assign(), "deterministic");
        let small = FarmSpec::new(20, 2).assign();
        for (b, _) in FarmSpec::default_mix() {
            assert!(small.contains(&b), "{b:?} missing from a farm of 20");
        }
        assert_eq!(FarmSpec::new(0, 3).assign(), vec![]);
    }

    #[test]
    fn routes() {
        assert_eq!(route("/feeds/12"), Some((12, 0)));
        assert_eq!(route("/feeds/12/hop/3"), Some((12, 3)));
        assert_eq!(route("/feeds/12/final"), Some((12, u8::MAX)));
        assert_eq!(route("/feeds/12/hop/0"), None);
        assert_eq!(route("/feeds/x"), None);
        assert_eq!(route("/other"), None);
    }
}
