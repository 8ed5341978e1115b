//! The one error of the fetcher, with messages an editor can act on and a classification for the scheduler.

use std::fmt;
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use crate::guard::Refusal;

/// A boxed error kept as the source of a variant (so the public API does not expose hyper's or rustls' types).
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// What the fetcher was doing when its time ran out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Phase {
    Resolving,
    Connecting,
    TlsHandshake,
    WaitingForResponse,
    ReadingBody,
}

impl fmt::Display for Phase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Phase::Resolving => "resolving the host name",
            Phase::Connecting => "connecting",
            Phase::TlsHandshake => "in the TLS handshake",
            Phase::WaitingForResponse => "waiting for the response",
            Phase::ReadingBody => "reading the body",
        })
    }
}

/// Why a URL is refused before any address is looked at.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum UrlRefusal {
    /// Only `http` and `https` are fetched.
    Scheme(String),
    /// URLs with a user name or password are refused (not stripped): a source URL carrying credentials is a
    /// mistake or a trick either way.
    Userinfo,
    /// A port that belongs to another protocol (see `is_bad_port`).
    Port(u16),
}

impl fmt::Display for UrlRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UrlRefusal::Scheme(s) => write!(f, "only http and https URLs are fetched, not {s}"),
            UrlRefusal::Userinfo => f.write_str("URLs with a user name or password are not fetched"),
            UrlRefusal::Port(p) => write!(f, "port {p} belongs to another protocol"),
        }
    }
}

/// What the caller is told when an address is refused by the guard, a host name does not resolve, or a
/// connection cannot be made (refused, or timed out while resolving or connecting): one message for all, so
/// that the answer cannot tell a private address from a missing name or a closed port (an attacker could map
/// internal DNS and hosts with it). `FetchError::detail` keeps the reason for the server's log.
pub const UNREACHABLE: &str = "could not reach the address";

/// Everything that can go wrong in a fetch. `Display` is what a caller (an editor, the API, a source's health)
/// may be shown: "timed out after 30 s while reading the body", "body larger than 8 MiB", "refused: only http
/// and https URLs are fetched, not file" — but for everything that depends on where a host resolves or whether
/// an address answers, the one `UNREACHABLE` message. `detail` is the full reason ("refused: intranet.example
/// resolves to 10.0.0.5, a private address", "could not connect to 127.0.0.1:81"), for the server's log only;
/// the source chain keeps the underlying error.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FetchError {
    /// The configuration cannot work (a zero limit, a user agent that is not a header value, a bad certificate).
    #[error("invalid fetcher configuration: {0}")]
    Config(String),
    #[error("not a valid URL: {url:?} ({reason})")]
    InvalidUrl { url: String, reason: String },
    /// The URL itself is refused (scheme, credentials, port).
    #[error("refused: {reason}")]
    RefusedUrl { url: String, reason: UrlRefusal },
    /// The guard refused an address the host resolved to (or the host is that address).
    #[error("{UNREACHABLE}")]
    Refused {
        host: String,
        addr: IpAddr,
        refusal: Refusal,
    },
    #[error("{UNREACHABLE}")]
    Dns {
        host: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{UNREACHABLE}")]
    Connect {
        addr: SocketAddr,
        #[source]
        source: std::io::Error,
    },
    #[error("{}", timeout_message(*after, *phase))]
    Timeout { after: Duration, phase: Phase },
    #[error("TLS with {host} failed")]
    Tls {
        host: String,
        #[source]
        source: std::io::Error,
    },
    /// The connection broke: reset, closed mid-body, or the request could not be sent.
    #[error("connection to {origin} broke")]
    Connection {
        origin: String,
        #[source]
        source: BoxError,
    },
    /// The server's answer is not valid HTTP/1.1.
    #[error("{origin} did not answer with valid HTTP")]
    Protocol {
        origin: String,
        #[source]
        source: BoxError,
    },
    #[error("more than {max} redirects")]
    TooManyRedirects { max: u32, chain: Vec<String> },
    #[error("redirect loop: {url} was already visited")]
    RedirectLoop { url: String, chain: Vec<String> },
    /// A redirect whose `Location` is missing or not a URL.
    #[error("HTTP {status} redirect without a usable Location")]
    BadRedirect { status: u16, location: Option<String> },
    /// The body (as sent, or once decoded) is larger than `max_body_bytes`.
    #[error("body larger than {}", human_size(*limit))]
    BodyTooLarge { limit: u64 },
    #[error("cannot decode the {encoding} body")]
    BadEncoding {
        encoding: String,
        #[source]
        source: std::io::Error,
    },
    /// A status other than 2xx, 304 or a followed redirect.
    #[error("HTTP {status}{}{}", status_reason(*status), retry_note(*retry_after))]
    Http { status: u16, retry_after: Option<Duration> },
}

impl FetchError {
    /// Whether trying again later may succeed: network trouble, timeouts, 408/425/429 and most 5xx. Refusals,
    /// bad URLs, TLS certificate errors, redirect trouble, oversized or undecodable bodies and other 4xx are not.
    pub fn is_transient(&self) -> bool {
        match self {
            FetchError::Dns { .. }
            | FetchError::Connect { .. }
            | FetchError::Timeout { .. }
            | FetchError::Connection { .. } => true,
            // rustls reports protocol and certificate errors as InvalidData; anything else is the transport.
            FetchError::Tls { source, .. } => source.kind() != std::io::ErrorKind::InvalidData,
            FetchError::Http { status, .. } => {
                matches!(status, 408 | 425 | 429) || (*status >= 500 && !matches!(status, 501 | 505))
            }
            FetchError::Config(_)
            | FetchError::InvalidUrl { .. }
            | FetchError::RefusedUrl { .. }
            | FetchError::Refused { .. }
            | FetchError::Protocol { .. }
            | FetchError::TooManyRedirects { .. }
            | FetchError::RedirectLoop { .. }
            | FetchError::BadRedirect { .. }
            | FetchError::BodyTooLarge { .. }
            | FetchError::BadEncoding { .. } => false,
        }
    }

    /// How long the server asked us to wait (`Retry-After` on an error status).
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            FetchError::Http { retry_after, .. } => *retry_after,
            _ => None,
        }
    }

    /// The full reason, for the server's log (never for a caller: see `UNREACHABLE`). Where `Display` gives
    /// `UNREACHABLE`, this names the host, the address and why; elsewhere it is `Display`'s message. It may
    /// hold text from the URL and the network: log it escaped (`?`).
    pub fn detail(&self) -> String {
        match self {
            FetchError::Refused { host, addr, refusal } => {
                format!("refused: {}", refused_message(host, *addr, refusal))
            }
            FetchError::Dns { host, .. } => format!("could not resolve {host}"),
            FetchError::Connect { addr, .. } => format!("could not connect to {addr}"),
            FetchError::Timeout { after, phase } => {
                format!("timed out after {} while {phase}", human_duration(*after))
            }
            other => other.to_string(),
        }
    }

    /// Whether the caller is told only `UNREACHABLE` (the guard refused an address, a name did not resolve, or
    /// no connection could be made).
    pub fn is_unreachable(&self) -> bool {
        match self {
            FetchError::Refused { .. } | FetchError::Dns { .. } | FetchError::Connect { .. } => true,
            FetchError::Timeout { phase, .. } => matches!(phase, Phase::Resolving | Phase::Connecting),
            _ => false,
        }
    }

    /// Whether the guard refused the URL or an address (as opposed to the fetch failing).
    pub fn is_refused(&self) -> bool {
        matches!(self, FetchError::Refused { .. } | FetchError::RefusedUrl { .. })
    }

    /// A stable snake_case name of the kind of error, for logs, metrics and stored source states.
    pub fn code(&self) -> &'static str {
        match self {
            FetchError::Config(_) => "config",
            FetchError::InvalidUrl { .. } => "invalid_url",
            FetchError::RefusedUrl { .. } | FetchError::Refused { .. } => "refused",
            FetchError::Dns { .. } => "dns",
            FetchError::Connect { .. } => "connect",
            FetchError::Timeout { .. } => "timeout",
            FetchError::Tls { .. } => "tls",
            FetchError::Connection { .. } => "connection",
            FetchError::Protocol { .. } => "protocol",
            FetchError::TooManyRedirects { .. } => "too_many_redirects",
            FetchError::RedirectLoop { .. } => "redirect_loop",
            FetchError::BadRedirect { .. } => "bad_redirect",
            FetchError::BodyTooLarge { .. } => "body_too_large",
            FetchError::BadEncoding { .. } => "bad_encoding",
            FetchError::Http { .. } => "http_status",
        }
    }
}

fn timeout_message(after: Duration, phase: Phase) -> String {
    match phase {
        Phase::Resolving | Phase::Connecting => UNREACHABLE.to_string(),
        _ => format!("timed out after {} while {phase}", human_duration(after)),
    }
}

fn refused_message(host: &str, addr: IpAddr, refusal: &Refusal) -> String {
    let literal = host.trim_start_matches('[').trim_end_matches(']');
    if literal.parse::<IpAddr>().is_ok_and(|ip| ip == addr) {
        format!("{addr} is {refusal}")
    } else {
        format!("{host} resolves to {addr}, {refusal}")
    }
}

fn status_reason(status: u16) -> String {
    http::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .map(|r| format!(" {r}"))
        .unwrap_or_default()
}

fn retry_note(retry_after: Option<Duration>) -> String {
    retry_after
        .map(|d| format!(" (retry after {})", human_duration(d)))
        .unwrap_or_default()
}

/// "10 s", "1.5 s", "250 ms", "2 min", "3 h".
pub(crate) fn human_duration(d: Duration) -> String {
    let ms = d.as_millis();
    if ms < 1000 {
        format!("{ms} ms")
    } else if !ms.is_multiple_of(1000) && ms < 60_000 {
        format!("{:.1} s", d.as_secs_f64())
    } else if d.as_secs() < 120 || !d.as_secs().is_multiple_of(60) {
        format!("{} s", d.as_secs())
    } else if d.as_secs() < 7200 || !d.as_secs().is_multiple_of(3600) {
        format!("{} min", d.as_secs() / 60)
    } else {
        format!("{} h", d.as_secs() / 3600)
    }
}

/// "8 MiB", "512 KiB", "1000 bytes".
pub(crate) fn human_size(n: u64) -> String {
    const KIB: u64 = 1024;
    const MIB: u64 = 1024 * 1024;
    const GIB: u64 = 1024 * 1024 * 1024;
    if n >= GIB && n.is_multiple_of(GIB) {
        format!("{} GiB", n / GIB)
    } else if n >= MIB && n.is_multiple_of(MIB) {
        format!("{} MiB", n / MIB)
    } else if n >= KIB && n.is_multiple_of(KIB) {
        format!("{} KiB", n / KIB)
    } else if n >= MIB {
        format!("{:.1} MiB", n as f64 / MIB as f64)
    } else {
        format!("{n} bytes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_and_sizes_read_naturally() {
        assert_eq!(human_duration(Duration::from_secs(10)), "10 s");
        assert_eq!(human_duration(Duration::from_millis(1500)), "1.5 s");
        assert_eq!(human_duration(Duration::from_millis(250)), "250 ms");
        assert_eq!(human_duration(Duration::from_secs(90)), "90 s");
        assert_eq!(human_duration(Duration::from_secs(300)), "5 min");
        assert_eq!(human_duration(Duration::from_secs(7200)), "2 h");
        assert_eq!(human_size(8 * 1024 * 1024), "8 MiB");
        assert_eq!(human_size(512 * 1024), "512 KiB");
        assert_eq!(human_size(1000), "1000 bytes");
        assert_eq!(human_size(1024 * 1024 + 1), "1.0 MiB");
    }
}
