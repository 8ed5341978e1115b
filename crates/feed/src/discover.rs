//! Feed autodiscovery: the feeds a page announces with `<link rel="alternate" type="...">`.

use livebrief_extract::dom::{Dom, Tag};
use url::Url;

use crate::text::cut;
use crate::{MAX_FEED_BYTES, urls};

const FEED_TYPES: &[&str] = &[
    "application/rss+xml",
    "application/atom+xml",
    "application/feed+json",
    "application/rdf+xml",
    "application/x.atom+xml",
    "application/x-atom+xml",
    "application/x-rss+xml",
];

/// The decoded text of an HTML page (BOM, `<meta charset>`, valid UTF-8, then a guess helped by the TLD).
pub(crate) fn decode_page<'b>(html: &'b [u8], page: Option<&Url>) -> std::borrow::Cow<'b, str> {
    let html = &html[..html.len().min(MAX_FEED_BYTES)];
    let tld = page.and_then(|u| u.host_str()).and_then(|h| h.rsplit('.').next());
    livebrief_extract::decode(html, None, tld).0
}

/// The URL relative links resolve against: the first `<base href>`, if it is an http(s) URL, else the page.
pub(crate) fn document_base(dom: &Dom<'_>, page: Option<&Url>) -> Option<Url> {
    let href = dom
        .descendants(0)
        .find(|&n| dom.tag(n) == Some(Tag::Base) && dom.attr(n, "href").is_some());
    href.and_then(|n| urls::resolve(page, dom.attr(n, "href")?))
        .or_else(|| page.cloned())
}

/// The feeds a page announces, absolute, deduplicated, in page order, except that comment feeds come last
/// (a blog's home page lists "Comments Feed" beside its posts' feed). Empty when the page announces none.
pub fn discover_feeds(html: &[u8], page_url: &str) -> Vec<String> {
    let page = urls::base(page_url);
    let text = decode_page(html, page.as_ref());
    let dom = Dom::parse(&text);
    let base = document_base(&dom, page.as_ref());
    let mut feeds: Vec<String> = Vec::new();
    let mut comments: Vec<String> = Vec::new();
    for n in dom.descendants(0) {
        if !matches!(dom.tag(n), Some(Tag::Link | Tag::A)) {
            continue;
        }
        let rel = dom.attr(n, "rel").unwrap_or("").to_ascii_lowercase();
        if !rel.split_ascii_whitespace().any(|r| r == "alternate" || r == "feed") {
            continue;
        }
        let ty = dom.attr(n, "type").unwrap_or("");
        let ty = ty.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
        if !FEED_TYPES.contains(&ty.as_str()) {
            continue;
        }
        let Some(url) = dom.attr(n, "href").and_then(|h| urls::resolve(base.as_ref(), h)) else {
            continue;
        };
        let url = String::from(url);
        if feeds.contains(&url) || comments.contains(&url) {
            continue;
        }
        let title = cut(dom.attr(n, "title").unwrap_or(""), 300).to_lowercase();
        let path = url.to_ascii_lowercase();
        if title.contains("comment") || path.contains("/comments/") || path.contains("comments/feed") {
            comments.push(url);
        } else {
            feeds.push(url);
        }
    }
    feeds.extend(comments);
    feeds
}
