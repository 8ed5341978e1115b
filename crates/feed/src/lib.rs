//! Feeds in: the pure core of the newsroom loop's polling.
//!
//! Bytes and a URL in, values and diagnostics out; no IO, no clock, and no panics on any input (fuzzed):
//!
//! - [`parse_feed`]: RSS 0.9x, RSS 1.0 (RDF), RSS 2.0, Atom and JSON Feed 1.0/1.1 (through feed-rs) into
//!   [`Feed`] and [`Item`]s with stable keys, absolute http(s) links, plain-text titles and checked dates.
//! - [`sniff`]: what a body is (a feed and its format, an HTML page, an OPML list) before parsing it.
//! - [`discover_feeds`]: the feeds a web page announces (`<link rel="alternate" type="application/rss+xml">`).
//! - [`page_links`]: the links of a news index page that look like articles (a watched page).
//! - [`parse_opml`] and [`write_opml`]: subscription lists in and out.
//!
//! Hostile XML is inert: no DTD entity is ever expanded (billion laughs), no external entity is resolved
//! (XXE), bodies over [`MAX_FEED_BYTES`] are refused before any parsing, nesting is never recursed over.

mod cap;
mod dates;
mod decode;
mod discover;
mod feed;
mod links;
mod opml;
mod sniff;
#[doc(hidden)]
pub mod testing;
mod text;
mod urls;

pub use dates::{MAX_YEAR, MIN_YEAR};
pub use discover::discover_feeds;
pub use feed::parse_feed;
pub use links::{PageLink, page_links};
pub use opml::{Outline, parse_opml, write_opml};
pub use sniff::{Kind, sniff};

/// The largest body parsed. Feeds, OPML lists and pages over it are refused (feeds, OPML) or cut (pages)
/// before any parsing, so the memory a parse takes stays a small multiple of this. The fetcher should cap
/// bodies at this size too; a real news feed is rarely over 2 MiB.
pub const MAX_FEED_BYTES: usize = 16 * 1024 * 1024;

/// The most items a feed yields. Past it the newest end of the feed is kept (the first items, or the last
/// ones when the feed runs oldest first) and a diagnostic says how many were dropped.
pub const MAX_ITEMS: usize = 10_000;

/// Titles are cut to this many characters (a cut ends in `…`).
pub const MAX_TITLE_CHARS: usize = 500;

/// Summaries are cut to this many characters (a cut ends in `…`).
pub const MAX_SUMMARY_CHARS: usize = 1_000;

/// Diagnostics kept per parse; one more line says how many were left out.
pub const MAX_DIAGNOSTICS: usize = 50;

/// The syndication formats read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FeedFormat {
    /// RSS 0.90, 0.91, 0.92 (and other 0.9x).
    Rss0,
    /// RSS 1.0 (RDF).
    Rss1,
    /// RSS 2.0 (also `<rss>` with no or an unusual version).
    Rss2,
    Atom,
    /// JSON Feed 1.0 and 1.1.
    JsonFeed,
}

impl FeedFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            FeedFormat::Rss0 => "rss0",
            FeedFormat::Rss1 => "rss1",
            FeedFormat::Rss2 => "rss2",
            FeedFormat::Atom => "atom",
            FeedFormat::JsonFeed => "json_feed",
        }
    }
}

/// A parsed feed. Items are in feed order (most feeds put the newest first; do not rely on it: sort by
/// `published`/`updated` if order matters, and tell new items by [`Item::key`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Feed {
    pub format: FeedFormat,
    /// Plain text.
    pub title: Option<String>,
    /// The site the feed belongs to: an absolute http(s) URL.
    pub site_url: Option<String>,
    /// As the feed says it (`en-us`, `uk`), trimmed.
    pub language: Option<String>,
    pub items: Vec<Item>,
    /// What happened on the way: the encoding used, dates that did not parse or were out of range, links
    /// that were dropped, items over the cap. At most [`MAX_DIAGNOSTICS`] lines plus a count.
    pub diagnostics: Vec<String>,
}

/// One entry of a feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// Stable identity within the feed, unique among its items: the guid/id as written (trimmed), else the
    /// item's absolute URL, else `hash:` and a SHA-256 prefix of title, date and summary.
    pub key: String,
    /// Absolute http(s) URL of the story, resolved against the feed URL (and `xml:base`), without fragment.
    pub url: Option<String>,
    /// Plain text: tags and scripts removed, entities decoded, whitespace collapsed, at most
    /// [`MAX_TITLE_CHARS`]. When the feed gives no title, the start of the summary; never contains a tag.
    pub title: String,
    /// Dates between [`MIN_YEAR`] and [`MAX_YEAR`]; anything else is `None` with a diagnostic.
    pub published: Option<jiff::Timestamp>,
    /// Only when the feed says so (RSS has no updated date, so it is `None` there unless `atom:updated`).
    pub updated: Option<jiff::Timestamp>,
    /// Plain text, at most [`MAX_SUMMARY_CHARS`]: the feed's summary or description, else the start of the
    /// content. HTML sources are reduced to their text; plain-text sources (Atom `type="text"`, JSON
    /// `content_text`) are kept as written, so a literal `<` can appear here, never in a title.
    pub summary: Option<String>,
    /// The full content when the feed carries it (`content:encoded`, Atom `content`, JSON `content_html`),
    /// raw HTML: sanitise before it reaches any page. Plain-text content is escaped into HTML.
    pub content_html: Option<String>,
    /// Plain-text names (or addresses when a feed gives no name), deduplicated, in feed order.
    pub authors: Vec<String>,
    /// The item's own language, else the feed's.
    pub language: Option<String>,
}

/// Why a body could not be read at all. Messy but readable input is not an error: it gives a value with
/// diagnostics.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum FeedError {
    #[error("empty body")]
    Empty,
    #[error("body too large: {size} bytes (the limit is {limit})")]
    TooLarge { size: usize, limit: usize },
    /// The body is something else: `looks_like` says what ("an HTML page", "an OPML subscription list").
    #[error("not a feed: looks like {looks_like}")]
    NotAFeed { looks_like: String },
    #[error("not an OPML file: {reason}")]
    NotOpml { reason: String },
    #[error("malformed XML at line {line}, column {column}: {message}")]
    MalformedXml {
        line: usize,
        column: usize,
        message: String,
    },
    #[error("malformed JSON at line {line}, column {column}: {message}")]
    MalformedJson {
        line: usize,
        column: usize,
        message: String,
    },
    /// The feed parser gave up for another reason (an unsupported JSON Feed version, a broken structure).
    #[error("unreadable feed: {0}")]
    Unreadable(String),
}

/// Collects diagnostics up to [`MAX_DIAGNOSTICS`], then counts.
#[derive(Debug, Default)]
pub(crate) struct Diagnostics {
    lines: Vec<String>,
    dropped: usize,
}

impl Diagnostics {
    pub(crate) fn push(&mut self, line: impl Into<String>) {
        if self.lines.len() < MAX_DIAGNOSTICS {
            self.lines.push(line.into());
        } else {
            self.dropped += 1;
        }
    }

    pub(crate) fn into_vec(mut self) -> Vec<String> {
        if self.dropped > 0 {
            self.lines.push(format!("… and {} more diagnostics", self.dropped));
        }
        self.lines
    }
}
