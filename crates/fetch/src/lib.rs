//! The fetcher: a safe, polite, robust HTTP client for polling thousands of sources on the open web.
//!
//! One `Fetcher` (cheap to clone) serves every source. Its guarantees:
//!
//! - **Safe (SSRF guard, on by default).** Only `http` and `https` URLs without credentials, and not on a port
//!   that belongs to another protocol (`is_bad_port`). Every host is resolved once per connection, every address
//!   it resolves to is checked with `refusal` (loopback, private, link-local, CGNAT, multicast, broadcast,
//!   reserved, documentation, benchmarking, cloud metadata, unique-local, site-local, Teredo, and IPv4 addresses
//!   carried in IPv6: mapped, compatible, NAT64, 6to4), and the fetcher connects only to an address it checked,
//!   so DNS rebinding cannot slip a private address in between. If any address of a host is refused, the host is
//!   refused. Every redirect hop goes through the same checks. An explicit allow list (`AllowRule`) exempts
//!   chosen networks (and ports). `Fetcher::check_url` runs the same checks without connecting.
//! - **Polite.** A clear `User-Agent`; conditional GET from stored validators (`304` → `not_modified`); at most
//!   `per_origin_concurrency` requests in flight per origin (scheme, host, port) and `politeness_delay` between
//!   the starts of two requests to one origin; `parse_retry_after` for the scheduler (backoff is the model's schedule rule).
//! - **Robust.** At most `global_concurrency` requests in flight; a connect timeout per connection attempt and a
//!   total timeout per fetch (all hops, from connecting to the last body byte; time spent queueing for a permit
//!   or a politeness slot is not counted); at most `max_redirects` redirects, loops detected; a body cap applied
//!   to the bytes received and again to the decoded bytes (gzip, deflate, brotli), so a compression bomb stops
//!   at the cap. A request waits for its origin's permit and its politeness slot before it takes a global
//!   permit, so a hung, slow or rate-limited origin holds at most `per_origin_concurrency` global permits and
//!   delays no other origin beyond that.
//! - **Honest errors.** One `FetchError`: a message an editor can act on, `is_transient`, `retry_after`,
//!   `code`, and the source chain. A refused address, a name that does not resolve and an address that does
//!   not answer all read `UNREACHABLE` ("could not reach the address"), so a caller cannot map internal DNS or
//!   hosts with the fetcher; `FetchError::detail` gives the reason, for the server's log.
//!
//! HTTP/1.1 over hyper's connection API, with the fetcher's own connector (resolve → guard → connect → rustls
//! with the ring provider and the Mozilla roots compiled in) and a small pool of idle keep-alive connections per
//! origin. No proxy settings are read from the environment.

mod decode;
mod error;
mod fetcher;
mod guard;
mod retry;
mod seams;

use std::time::Duration;

pub use error::{BoxError, FetchError, Phase, UNREACHABLE, UrlRefusal};
pub use fetcher::Fetcher;
pub use guard::{AllowRule, AllowRuleError, Embedding, Reason, Refusal, is_bad_port, refusal};
pub use retry::parse_retry_after;
pub use seams::{BoxFuture, Connect, Io, Resolve, SystemResolver, TcpConnector};

/// Where webmasters can read who is fetching their pages (in the default `User-Agent`).
pub const PROJECT_URL: &str = "https://github.com/livebrief/livebrief";

/// The default `User-Agent`: `livebrief/<version> (+<PROJECT_URL>; self-hosted live briefing)`.
pub fn default_user_agent() -> String {
    format!(
        "livebrief/{} (+{PROJECT_URL}; self-hosted live briefing)",
        env!("CARGO_PKG_VERSION")
    )
}

/// How the fetcher behaves. `Default` gives the production values listed on each field.
#[derive(Clone, Debug)]
pub struct FetchConfig {
    /// Sent on every request. Default: `default_user_agent()`.
    pub user_agent: String,
    /// Per connection attempt (and again for the TLS handshake). Default: 10 s.
    pub connect_timeout: Duration,
    /// Per fetch, all hops, from the first connection to the last byte; queueing is not counted. Default: 30 s.
    pub total_timeout: Duration,
    /// Redirects followed; one more is `TooManyRedirects`. Default: 5.
    pub max_redirects: u32,
    /// Largest body accepted, as received and as decoded. Default: 8 MiB.
    pub max_body_bytes: u64,
    /// Requests in flight to one origin (scheme, host, port). Default: 1.
    pub per_origin_concurrency: usize,
    /// Least time between the starts of two requests to one origin. Default: 1 s.
    pub politeness_delay: Duration,
    /// Requests in flight in all. Default: 32.
    pub global_concurrency: usize,
    /// Networks (and ports) exempt from the guard. Default: none.
    pub allow: Vec<AllowRule>,
    /// The SSRF guard (address, port and redirect checks). Default: on. Turning it off is for tests and trusted
    /// networks only; schemes and credentials are checked regardless.
    pub guard: bool,
    /// Certificates (DER) trusted as roots in addition to the compiled-in Mozilla roots, for a private CA.
    /// Default: none.
    pub extra_root_certs: Vec<Vec<u8>>,
}

impl Default for FetchConfig {
    fn default() -> Self {
        FetchConfig {
            user_agent: default_user_agent(),
            connect_timeout: Duration::from_secs(10),
            total_timeout: Duration::from_secs(30),
            max_redirects: 5,
            max_body_bytes: 8 * 1024 * 1024,
            per_origin_concurrency: 1,
            politeness_delay: Duration::from_secs(1),
            global_concurrency: 32,
            allow: Vec::new(),
            guard: true,
            extra_root_certs: Vec::new(),
        }
    }
}

/// What we stored from the last successful fetch of a source.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Validators {
    /// Sent as `If-None-Match`.
    pub etag: Option<String>,
    /// Sent as `If-Modified-Since`.
    pub last_modified: Option<String>,
}

/// A successful fetch: a 2xx with its body, or a 304.
#[derive(Clone, Debug)]
pub struct Fetched {
    /// The URL the body came from, after redirects (without a fragment).
    pub final_url: String,
    pub status: u16,
    /// The server answered 304 to our validators; `body` is empty.
    pub not_modified: bool,
    /// The media type of `Content-Type`, lowercased, without parameters (`text/html`).
    pub content_type: Option<String>,
    /// The `charset` parameter of `Content-Type`, lowercased.
    pub charset: Option<String>,
    /// `ETag` of the response; on a 304 without one, the validator we sent (so it can always be stored as is).
    pub etag: Option<String>,
    /// `Last-Modified` of the response; on a 304 without one, the validator we sent.
    pub last_modified: Option<String>,
    /// The decoded body.
    pub body: bytes::Bytes,
    /// Every URL redirected to, in order (the last is `final_url`).
    pub redirects: Vec<String>,
    /// Wall time of the whole fetch, queueing included.
    pub elapsed: Duration,
}
