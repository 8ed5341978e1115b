//! Prometheus metrics, exposed at `/metrics` in the text format.

use std::sync::atomic::AtomicU64;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::Registry;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct StatusLabel {
    pub class: &'static str,
}

const CLASSES: [&str; 5] = ["1xx", "2xx", "3xx", "4xx", "5xx"];

pub struct Metrics {
    registry: Registry,
    pub requests: Family<StatusLabel, Counter>,
    /// The counters of `requests` by class (1xx to 5xx), taken once: counting a response is one atomic add.
    by_class: [Counter; 5],
    pub sse_subscribers: Gauge<i64, std::sync::atomic::AtomicI64>,
    pub events_sent: Counter<u64, AtomicU64>,
    pub sse_resyncs: Counter,
    pub cache_hits: Counter,
    pub cache_misses: Counter,
    pub login_failures: Counter,
}

impl Metrics {
    pub fn new() -> Metrics {
        let mut registry = Registry::with_prefix("livebrief");
        let requests = Family::<StatusLabel, Counter>::default();
        registry.register("http_requests", "HTTP responses by status class", requests.clone());
        let by_class = CLASSES.map(|class| requests.get_or_create(&StatusLabel { class }).clone());
        let sse_subscribers = Gauge::default();
        registry.register(
            "sse_subscribers",
            "Open live-stream connections",
            sse_subscribers.clone(),
        );
        let events_sent = Counter::default();
        registry.register(
            "events_announced",
            "Public events rendered for live streams",
            events_sent.clone(),
        );
        let sse_resyncs = Counter::default();
        registry.register(
            "sse_resyncs",
            "Times a live stream fell behind the channel and went back to the store",
            sse_resyncs.clone(),
        );
        let cache_hits = Counter::default();
        registry.register(
            "page_cache_hits",
            "Pages and feeds served from the render cache",
            cache_hits.clone(),
        );
        let cache_misses = Counter::default();
        registry.register(
            "page_cache_misses",
            "Pages and feeds rendered because the cache was stale",
            cache_misses.clone(),
        );
        let login_failures = Counter::default();
        registry.register("login_failures", "Failed sign-in attempts", login_failures.clone());
        Metrics {
            registry,
            requests,
            by_class,
            sse_subscribers,
            events_sent,
            sse_resyncs,
            cache_hits,
            cache_misses,
            login_failures,
        }
    }

    pub fn observe_status(&self, status: u16) {
        let class = match status {
            100..=199 => 0,
            200..=299 => 1,
            300..=399 => 2,
            400..=499 => 3,
            _ => 4,
        };
        self.by_class[class].inc();
    }

    pub fn encode(&self) -> String {
        let mut out = String::new();
        // Writing to a String cannot fail.
        let _ = prometheus_client::encoding::text::encode(&mut out, &self.registry);
        out
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}
