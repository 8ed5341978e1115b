//! What a body is, from its first markup (the root element, a doctype, a JSON object), with the
//! Content-Type as a tie-breaker only: feeds are often served as `text/html` or `text/plain`.

use crate::decode::{charset_param, decode};
use crate::{Diagnostics, FeedFormat};

/// What a fetched body is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Feed(FeedFormat),
    Html,
    Opml,
    Unknown,
}

/// How much of a body is looked at. A DOCTYPE with a long internal subset can push the root further;
/// then the answer comes from the Content-Type alone.
const SNIFF_BYTES: usize = 64 * 1024;

/// Says what `bytes` are, looking at the first 64 KiB. `content_type` is the HTTP header value, if known.
pub fn sniff(bytes: &[u8], content_type: Option<&str>) -> Kind {
    let prefix = &bytes[..bytes.len().min(SNIFF_BYTES)];
    let mut diags = Diagnostics::default();
    let text = decode(prefix, charset_param(content_type), &mut diags);
    sniff_text(&text, content_type)
}

pub(crate) fn sniff_text(text: &str, content_type: Option<&str>) -> Kind {
    let mime = content_type
        .and_then(|c| c.split(';').next())
        .map(|m| m.trim().to_ascii_lowercase())
        .unwrap_or_default();
    let html_type = mime == "text/html" || mime == "application/xhtml+xml";
    let t = text.trim_start_matches(|c: char| c.is_whitespace() || c == '\u{FEFF}');
    if t.starts_with('{') {
        return if json_feed_version(t) || mime == "application/feed+json" {
            Kind::Feed(FeedFormat::JsonFeed)
        } else {
            Kind::Unknown
        };
    }
    match first_markup(t) {
        Markup::HtmlDoctype => Kind::Html,
        Markup::Element(root) => match root.local_name().to_ascii_lowercase().as_str() {
            "rss" => match root.attr("version") {
                Some(v) if v.trim().starts_with("0.9") => Kind::Feed(FeedFormat::Rss0),
                _ => Kind::Feed(FeedFormat::Rss2),
            },
            "rdf" => {
                if root.attrs.contains("my.netscape.com/rdf/simple/0.9") {
                    Kind::Feed(FeedFormat::Rss0)
                } else if root.attrs.contains("purl.org/rss/1.0") || t.contains("purl.org/rss/1.0") {
                    Kind::Feed(FeedFormat::Rss1)
                } else {
                    Kind::Unknown
                }
            }
            "feed" => Kind::Feed(FeedFormat::Atom),
            "entry" if root.attrs.contains("http://www.w3.org/2005/Atom") => Kind::Feed(FeedFormat::Atom),
            "opml" => Kind::Opml,
            "html" | "head" | "body" | "meta" | "link" | "title" | "script" | "style" | "div" | "p" | "span" | "a"
            | "table" | "form" | "header" | "nav" | "main" | "section" | "article" => Kind::Html,
            _ if html_type => Kind::Html,
            _ => Kind::Unknown,
        },
        Markup::Nothing if html_type => Kind::Html,
        Markup::Nothing => Kind::Unknown,
    }
}

/// Whether a JSON body declares a JSON Feed version near its start.
fn json_feed_version(t: &str) -> bool {
    let head = crate::text::cut(t, 16 * 1024);
    head.match_indices("\"version\"").any(|(i, _)| {
        let rest = head[i + 9..].trim_start();
        rest.strip_prefix(':')
            .map(str::trim_start)
            .and_then(|r| r.strip_prefix('"'))
            .is_some_and(|r| {
                r.starts_with("https://jsonfeed.org/version/") || r.starts_with("http://jsonfeed.org/version/")
            })
    })
}

pub(crate) enum Markup<'a> {
    Element(Root<'a>),
    HtmlDoctype,
    Nothing,
}

/// The root element's start tag as written.
pub(crate) struct Root<'a> {
    /// The qualified name (`rss`, `rdf:RDF`).
    pub(crate) name: &'a str,
    /// The raw attribute text between the name and `>`.
    pub(crate) attrs: &'a str,
    /// Byte range of the attribute text in the whole text.
    pub(crate) attrs_span: (usize, usize),
}

impl<'a> Root<'a> {
    pub(crate) fn local_name(&self) -> &'a str {
        self.name.rsplit(':').next().unwrap_or(self.name)
    }

    /// An attribute's raw value (entities not decoded).
    pub(crate) fn attr(&self, name: &str) -> Option<&'a str> {
        attributes(self.attrs).find(|a| a.name == name).map(|a| a.value)
    }
}

pub(crate) struct RawAttr<'a> {
    pub(crate) name: &'a str,
    pub(crate) value: &'a str,
    /// Byte range of `name="value"` within the attribute text.
    pub(crate) span: (usize, usize),
}

/// Attributes of a start tag, leniently (unquoted values, missing values).
pub(crate) fn attributes(s: &str) -> impl Iterator<Item = RawAttr<'_>> {
    let b = s.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < b.len() && (b[i].is_ascii_whitespace() || b[i] == b'/') {
            i += 1;
        }
        if i >= b.len() {
            return None;
        }
        let start = i;
        while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'=' && b[i] != b'/' {
            i += 1;
        }
        let name = &s[start..i];
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        if i >= b.len() || b[i] != b'=' {
            // Avoid looping on a stray byte.
            if i == start {
                i += 1;
            }
            return Some(RawAttr {
                name,
                value: "",
                span: (start, i),
            });
        }
        i += 1;
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        let value = if i < b.len() && (b[i] == b'"' || b[i] == b'\'') {
            let q = b[i];
            let vs = i + 1;
            let ve = memchr::memchr(q, &b[vs..]).map_or(b.len(), |e| vs + e);
            i = (ve + 1).min(b.len());
            &s[vs..ve]
        } else {
            let vs = i;
            while i < b.len() && !b[i].is_ascii_whitespace() {
                i += 1;
            }
            &s[vs..i]
        };
        Some(RawAttr {
            name,
            value,
            span: (start, i),
        })
    })
}

/// Skips the prolog (declarations, processing instructions, comments, a doctype) and reads the first
/// start tag.
pub(crate) fn first_markup(t: &str) -> Markup<'_> {
    let b = t.as_bytes();
    let mut i = 0;
    loop {
        while i < b.len() && (b[i].is_ascii_whitespace() || t[i..].starts_with('\u{FEFF}')) {
            i += if b[i].is_ascii_whitespace() { 1 } else { 3 };
        }
        if i >= b.len() || b[i] != b'<' {
            return Markup::Nothing;
        }
        let rest = &t[i..];
        if rest.starts_with("<?") {
            match memchr::memmem::find(&b[i..], b"?>") {
                Some(e) => i += e + 2,
                None => return Markup::Nothing,
            }
        } else if rest.starts_with("<!--") {
            match memchr::memmem::find(&b[i + 4..], b"-->") {
                Some(e) => i += 4 + e + 3,
                None => return Markup::Nothing,
            }
        } else if rest
            .as_bytes()
            .get(..9)
            .is_some_and(|d| d.eq_ignore_ascii_case(b"<!doctype"))
        {
            // Bytes, not `&str` slices: the ninth byte may fall inside a character (found by fuzzing).
            let after = rest[9..].trim_start();
            if after
                .as_bytes()
                .get(..4)
                .is_some_and(|h| h.eq_ignore_ascii_case(b"html"))
            {
                return Markup::HtmlDoctype;
            }
            // The internal subset may hold `>` inside brackets and quotes.
            let mut depth = 0usize;
            let mut quote = None;
            let mut j = i + 9;
            loop {
                let Some(&c) = b.get(j) else { return Markup::Nothing };
                match (quote, c) {
                    (Some(q), c) if c == q => quote = None,
                    (Some(_), _) => {}
                    (None, b'"' | b'\'') => quote = Some(c),
                    (None, b'[') => depth += 1,
                    (None, b']') => depth = depth.saturating_sub(1),
                    (None, b'>') if depth == 0 => break,
                    _ => {}
                }
                j += 1;
            }
            i = j + 1;
        } else {
            let name_start = i + 1;
            let mut j = name_start;
            while j < b.len() && !b[j].is_ascii_whitespace() && b[j] != b'>' && b[j] != b'/' {
                j += 1;
            }
            if j == name_start {
                return Markup::Nothing;
            }
            let name = &t[name_start..j];
            // The end of the start tag: the first `>` outside quotes.
            let mut quote = None;
            let mut k = j;
            while k < b.len() {
                match (quote, b[k]) {
                    (Some(q), c) if c == q => quote = None,
                    (None, b'"' | b'\'') => quote = Some(b[k]),
                    (None, b'>') => break,
                    _ => {}
                }
                k += 1;
            }
            let attrs_end = if k > j && b.get(k - 1) == Some(&b'/') { k - 1 } else { k };
            return Markup::Element(Root {
                name,
                attrs: &t[j..attrs_end.max(j)],
                attrs_span: (j, attrs_end.max(j)),
            });
        }
    }
}
