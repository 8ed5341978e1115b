//! `parse_feed`: decode, sniff, hand the text to feed-rs, and turn its model into ours with keys, absolute
//! links, plain-text titles and checked dates.

use std::borrow::Cow;
use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use feed_rs::model;
use sha2::{Digest, Sha256};
use url::Url;

use crate::cap::cut_middle_items;
use crate::dates::{DateProblem, MAX_YEAR, MIN_YEAR, parse_date};
use crate::decode::{charset_param, decode, strip_declarations, strip_forbidden};
use crate::sniff::{Kind, Markup, attributes, first_markup, sniff_text};
use crate::text::{collapse, cut, plain_text, truncate};
use crate::{
    Diagnostics, Feed, FeedError, FeedFormat, Item, MAX_DIAGNOSTICS, MAX_FEED_BYTES, MAX_ITEMS, MAX_SUMMARY_CHARS,
    MAX_TITLE_CHARS, urls,
};

/// A title made from the summary, when the feed gives none, is at most this long.
const FALLBACK_TITLE_CHARS: usize = 140;
/// Longer guids are replaced by their hash in the key.
const MAX_KEY_BYTES: usize = 1024;

/// Parses a feed body. `feed_url` is where it was fetched from (relative links resolve against it);
/// `content_type` is the HTTP header value, if known (its charset is honoured).
///
/// Errors only when nothing can be read: an empty or oversized body, something that is not a feed (an
/// HTML page, an OPML list), malformed XML or JSON. Anything less (bad dates, odd links, wrong encodings,
/// control characters) gives the feed with diagnostics.
pub fn parse_feed(bytes: &[u8], feed_url: &str, content_type: Option<&str>) -> Result<Feed, FeedError> {
    if bytes.len() > MAX_FEED_BYTES {
        return Err(FeedError::TooLarge {
            size: bytes.len(),
            limit: MAX_FEED_BYTES,
        });
    }
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(FeedError::Empty);
    }
    let mut diags = Diagnostics::default();
    let text = decode(bytes, charset_param(content_type), &mut diags);
    let text = strip_forbidden(text, &mut diags);
    if text
        .trim_matches(|c: char| c.is_whitespace() || c == '\u{FEFF}')
        .is_empty()
    {
        return Err(FeedError::Empty);
    }
    let format = match sniff_text(&text, content_type) {
        Kind::Feed(f) => f,
        Kind::Html => return Err(not_a_feed("an HTML page")),
        Kind::Opml => return Err(not_a_feed("an OPML subscription list")),
        Kind::Unknown => return Err(not_a_feed(&describe(&text))),
    };
    let text = strip_declarations(text);
    let text = fix_rss_version(text, format, &mut diags);
    let text = fix_rss090(text, format);
    let (text, total_items) = cut_middle_items(text, format);
    let base = urls::base(feed_url);
    if base.is_none() {
        diags.push(format!(
            "feed URL {:?} is not an absolute http(s) URL; relative links are dropped",
            cut(feed_url, 200)
        ));
    }

    let date_notes = Arc::new(Mutex::new(DateNotes::default()));
    let notes = Arc::clone(&date_notes);
    let parser = feed_rs::parser::Builder::new()
        .base_uri(base.as_ref().map(Url::as_str))
        .sanitize_content(false)
        // An empty id means "the feed gave none"; keys are made below, by our rules.
        .id_generator(|_, _, _| String::new())
        .timestamp_parser(move |raw| {
            let parsed = parse_date(raw);
            if let Err(problem) = parsed
                && let Ok(mut n) = notes.lock()
            {
                n.note(raw, problem);
            }
            let ts = parsed.ok()?;
            chrono::DateTime::from_timestamp(ts.as_second(), u32::try_from(ts.subsec_nanosecond()).ok()?)
        })
        .build();
    // feed-rs is total on almost every input; the rest (an overflow in a podcast duration, say) must not
    // take the caller down with it.
    let parsed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| parser.parse(text.as_bytes())));
    let model = match parsed {
        Ok(Ok(model)) => model,
        Ok(Err(e)) => return Err(map_error(e, &text)),
        Err(_) => return Err(FeedError::Unreadable("the feed parser failed on this input".into())),
    };
    if let Ok(n) = date_notes.lock() {
        n.report(&mut diags);
    }
    Ok(convert(model, format, base.as_ref(), total_items, diags))
}

fn not_a_feed(what: &str) -> FeedError {
    FeedError::NotAFeed {
        looks_like: what.to_string(),
    }
}

/// What a body that is neither feed, page nor OPML looks like.
fn describe(text: &str) -> String {
    let t = text.trim_start_matches(|c: char| c.is_whitespace() || c == '\u{FEFF}');
    if t.starts_with('{') || t.starts_with('[') {
        return "JSON that is not a JSON Feed (no jsonfeed.org version)".into();
    }
    match first_markup(t) {
        Markup::Element(root) => format!("XML whose root element is <{}>", cut(root.name, 60)),
        _ if t.starts_with('<') => "markup without a root element".into(),
        _ => "plain text or binary data".into(),
    }
}

/// feed-rs reads `<rss>` only with version 2.0, 0.91, 0.92 or an empty one; a missing version or `2.00`
/// is common and means the same, so the root tag is given a version it knows.
fn fix_rss_version<'a>(text: Cow<'a, str>, format: FeedFormat, diags: &mut Diagnostics) -> Cow<'a, str> {
    if !matches!(format, FeedFormat::Rss0 | FeedFormat::Rss2) {
        return text;
    }
    let Markup::Element(root) = first_markup(&text) else {
        return text;
    };
    if root.local_name() != "rss" {
        return text;
    }
    let version = root.attr("version");
    if matches!(version, Some("2.0" | "0.91" | "0.92" | "")) {
        return text;
    }
    let to = if format == FeedFormat::Rss0 { "0.92" } else { "2.0" };
    diags.push(match version {
        Some(v) => format!("rss version {:?} read as {to}", cut(v, 20)),
        None => format!("rss without a version read as {to}"),
    });
    let (a0, a1) = root.attrs_span;
    let mut attrs = String::with_capacity(a1 - a0 + 20);
    let mut last = 0;
    for a in attributes(root.attrs) {
        if a.name == "version" {
            attrs.push_str(&root.attrs[last..a.span.0]);
            last = a.span.1;
        }
    }
    attrs.push_str(&root.attrs[last..]);
    let mut out = String::with_capacity(text.len() + 20);
    out.push_str(&text[..a0]);
    out.push_str(" version=\"");
    out.push_str(to);
    out.push('"');
    out.push_str(&attrs);
    out.push_str(&text[a1..]);
    Cow::Owned(out)
}

/// RSS 0.90 is RSS 1.0's RDF shape in Netscape's namespace, which feed-rs does not know: its elements are
/// read as RSS 1.0's.
fn fix_rss090(text: Cow<'_, str>, format: FeedFormat) -> Cow<'_, str> {
    const NETSCAPE: &str = "http://my.netscape.com/rdf/simple/0.9/";
    if format == FeedFormat::Rss0 && text.contains(NETSCAPE) {
        Cow::Owned(text.replace(NETSCAPE, "http://purl.org/rss/1.0/"))
    } else {
        text
    }
}

/// Dates that did not parse or were out of range, gathered by the timestamp parser.
#[derive(Default)]
struct DateNotes {
    lines: Vec<String>,
    more: usize,
}

impl DateNotes {
    fn note(&mut self, raw: &str, problem: DateProblem) {
        if self.lines.len() >= MAX_DIAGNOSTICS / 2 {
            self.more += 1;
            return;
        }
        let raw = cut(raw.trim(), 80);
        self.lines.push(match problem {
            DateProblem::Unparseable => format!("unreadable date {raw:?} ignored"),
            DateProblem::OutOfRange(_) => format!("date {raw:?} is outside the years {MIN_YEAR}..={MAX_YEAR}; ignored"),
        });
    }

    fn report(&self, diags: &mut Diagnostics) {
        for l in &self.lines {
            diags.push(l.clone());
        }
        if self.more > 0 {
            diags.push(format!("… and {} more bad dates", self.more));
        }
    }
}

fn map_error(e: feed_rs::parser::ParseFeedError, text: &str) -> FeedError {
    use feed_rs::parser::{ParseErrorKind, ParseFeedError as E};
    match e {
        E::JsonSerde(e) => {
            let msg = e.to_string();
            let msg = msg.find(" at line ").map_or(msg.as_str(), |i| &msg[..i]).to_string();
            FeedError::MalformedJson {
                line: e.line(),
                column: e.column(),
                message: msg,
            }
        }
        E::JsonUnsupportedVersion(v) => {
            FeedError::Unreadable(format!("unsupported JSON Feed version {:?}", cut(&v, 80)))
        }
        E::XmlReader(xe) => {
            let (line, column, message) = locate_xml_error(text).unwrap_or_else(|| {
                let (line, column) = line_col(text, text.len());
                let m = xe.to_string();
                let m = m.strip_prefix("Parser error: ").unwrap_or(&m).to_string();
                (line, column, m)
            });
            FeedError::MalformedXml { line, column, message }
        }
        E::ParseError(ParseErrorKind::NoFeedRoot) => FeedError::Unreadable("no feed root element".into()),
        E::ParseError(k) => FeedError::Unreadable(k.to_string()),
        E::IoError(e) => FeedError::Unreadable(e.to_string()),
    }
}

/// Where a plain XML reader first fails on `text`, as line, column (1-based, in characters) and message.
pub(crate) fn locate_xml_error(text: &str) -> Option<(usize, usize, String)> {
    let mut reader = quick_xml::Reader::from_str(text);
    let mut depth = 0usize;
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Eof) => {
                return (depth > 0).then(|| {
                    let (l, c) = line_col(text, text.len());
                    (l, c, "the document ends inside an element".to_string())
                });
            }
            Ok(quick_xml::events::Event::Start(_)) => depth += 1,
            Ok(quick_xml::events::Event::End(_)) => depth = depth.saturating_sub(1),
            Ok(_) => {}
            Err(e) => {
                let pos = usize::try_from(reader.error_position())
                    .unwrap_or(usize::MAX)
                    .min(text.len());
                let (l, c) = line_col(text, pos);
                return Some((l, c, e.to_string()));
            }
        }
    }
}

fn line_col(text: &str, pos: usize) -> (usize, usize) {
    let mut pos = pos.min(text.len());
    while !text.is_char_boundary(pos) {
        pos -= 1;
    }
    let before = &text[..pos];
    let line = memchr::memchr_iter(b'\n', before.as_bytes()).count() + 1;
    let line_start = memchr::memrchr(b'\n', before.as_bytes()).map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

fn to_jiff(t: Option<chrono::DateTime<chrono::Utc>>) -> Option<jiff::Timestamp> {
    let t = t?;
    jiff::Timestamp::new(t.timestamp(), i32::try_from(t.timestamp_subsec_nanos()).ok()?).ok()
}

fn non_empty(s: String) -> Option<String> {
    (!s.is_empty()).then_some(s)
}

fn clean_language(l: Option<&str>) -> Option<String> {
    l.map(|l| cut(l.trim(), 35).to_string()).filter(|l| !l.is_empty())
}

/// Link relations that are not the story itself.
fn is_story_link(l: &model::Link) -> bool {
    l.target.is_none()
        && l.rel
            .as_deref()
            .is_none_or(|r| r.eq_ignore_ascii_case("alternate") || r.is_empty())
}

fn convert(
    m: model::Feed,
    format: FeedFormat,
    base: Option<&Url>,
    total_items: Option<usize>,
    mut diags: Diagnostics,
) -> Feed {
    let rss = matches!(format, FeedFormat::Rss0 | FeedFormat::Rss1 | FeedFormat::Rss2);
    let title = m
        .title
        .map(|t| plain_text(&t.content, MAX_TITLE_CHARS))
        .and_then(non_empty);
    let site_url = m
        .links
        .iter()
        .filter(|l| is_story_link(l))
        .find_map(|l| urls::resolve(base, &l.href))
        .map(String::from);
    let language = clean_language(m.language.as_deref());

    let total = m.entries.len();
    let mut items = Vec::with_capacity(total.min(MAX_ITEMS));
    let mut seen = HashSet::new();
    let mut duplicates = 0usize;
    let mut dropped_links = 0usize;
    for (i, e) in m.entries.into_iter().enumerate() {
        let item = convert_item(e, rss, base, language.as_deref(), &mut dropped_links);
        if seen.insert(item.key.clone()) {
            items.push(item);
        } else {
            duplicates += 1;
            if duplicates <= 3 {
                diags.push(format!(
                    "item {}: key {:?} repeats an earlier item; dropped",
                    i + 1,
                    cut(&item.key, 120)
                ));
            }
        }
    }
    if duplicates > 3 {
        diags.push(format!(
            "{duplicates} items in all repeated an earlier key and were dropped"
        ));
    }
    if dropped_links > 0 {
        diags.push(format!(
            "{dropped_links} item links were not http(s) URLs (or could not be resolved) and were dropped"
        ));
    }
    if let Some(n) = total_items {
        diags.push(format!(
            "feed has {n} items; only the {MAX_ITEMS} at each end were read"
        ));
    }
    if items.len() > MAX_ITEMS {
        let n = items.len();
        let date = |it: &Item| it.published.or(it.updated);
        let oldest_first =
            matches!((items.first().and_then(date), items.last().and_then(date)), (Some(a), Some(b)) if b > a);
        if oldest_first {
            items.drain(..n - MAX_ITEMS);
        } else {
            items.truncate(MAX_ITEMS);
        }
        diags.push(format!(
            "{n} items; kept the {MAX_ITEMS} at the feed's newest end ({})",
            if oldest_first {
                "the last ones: it runs oldest first"
            } else {
                "the first ones"
            }
        ));
    }
    Feed {
        format,
        title,
        site_url,
        language,
        items,
        diagnostics: diags.into_vec(),
    }
}

fn convert_item(
    e: model::Entry,
    rss: bool,
    base: Option<&Url>,
    feed_language: Option<&str>,
    dropped_links: &mut usize,
) -> Item {
    let mut url = None;
    let mut had_link = false;
    for l in e.links.iter().filter(|l| is_story_link(l)) {
        had_link = true;
        if let Some(u) = urls::resolve(base, &l.href) {
            url = Some(String::from(u));
            break;
        }
    }
    let id = e.id.trim();
    // An RSS guid is a permalink unless it says otherwise; with no <link> it is the best URL there is.
    if url.is_none() && rss && (id.starts_with("http://") || id.starts_with("https://")) {
        url = urls::resolve(None, id).map(String::from);
    }
    if url.is_none() && had_link {
        *dropped_links += 1;
    }

    // Plain-text sources (Atom `type="text"`, JSON `content_text`) are kept as written, collapsed; HTML
    // sources are reduced to their text.
    let text_of = |body: &str, content_type: &str| {
        if content_type == "text/plain" {
            truncate(&collapse(body), MAX_SUMMARY_CHARS)
        } else {
            plain_text(body, MAX_SUMMARY_CHARS)
        }
    };
    let content_type = |c: &model::Content| c.content_type.essence().to_string();
    let summary = e
        .summary
        .as_ref()
        .map(|s| text_of(&s.content, &s.content_type.essence().to_string()))
        .and_then(non_empty);
    let content_html = e.content.as_ref().and_then(|c| {
        let body = c.body.as_deref()?.trim();
        if body.is_empty() {
            None
        } else if content_type(c) == "text/plain" {
            Some(escape_html(body))
        } else {
            Some(body.to_string())
        }
    });
    let summary = summary.or_else(|| {
        let c = e.content.as_ref()?;
        non_empty(text_of(c.body.as_deref()?, &content_type(c)))
    });
    let mut title = e
        .title
        .as_ref()
        .map(|t| plain_text(&t.content, MAX_TITLE_CHARS))
        .unwrap_or_default();
    if title.is_empty()
        && let Some(s) = &summary
    {
        // Through `plain_text` again: a plain-text summary may hold a `<` that looks like a tag.
        title = plain_text(s, FALLBACK_TITLE_CHARS);
    }
    let published = to_jiff(e.published);
    let mut updated = to_jiff(e.updated);
    // feed-rs copies an RSS item's pubDate into `updated`; RSS has no such date of its own.
    if rss && updated == published {
        updated = None;
    }

    let key = if !id.is_empty() {
        if id.len() > MAX_KEY_BYTES {
            hash_key(&[id])
        } else {
            id.to_string()
        }
    } else if let Some(u) = &url {
        u.clone()
    } else {
        let date = published.or(updated).map(|t| t.to_string()).unwrap_or_default();
        hash_key(&[
            &title,
            &date,
            summary.as_deref().unwrap_or(""),
            content_html.as_deref().unwrap_or(""),
        ])
    };

    let mut authors: Vec<String> = Vec::new();
    for p in &e.authors {
        let name = p
            .name
            .as_deref()
            .filter(|n| !n.trim().is_empty())
            .or(p.email.as_deref())
            .unwrap_or("");
        let name = plain_text(name, 200);
        // RSS writes `address (Name)`; feed-rs keeps the parenthesised name.
        let name = match name.strip_prefix('(').and_then(|n| n.strip_suffix(')')) {
            Some(inner) if !inner.trim().is_empty() => inner.trim().to_string(),
            _ => name,
        };
        if !name.is_empty() && !authors.contains(&name) {
            authors.push(name);
        }
    }

    Item {
        key,
        url,
        title,
        published,
        updated,
        summary,
        content_html,
        authors,
        language: clean_language(e.language.as_deref()).or_else(|| feed_language.map(str::to_string)),
    }
}

/// `hash:` and the first 128 bits of SHA-256 over the parts, each ended by a NUL: stable across versions.
fn hash_key(parts: &[&str]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p.as_bytes());
        h.update([0u8]);
    }
    let d = h.finalize();
    let mut s = String::with_capacity(5 + 32);
    s.push_str("hash:");
    for b in &d[..16] {
        s.push_str(&format!("{b:02x}"));
    }
    s
}

fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}
