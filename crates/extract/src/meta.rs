//! Page metadata in order of trust: JSON-LD, then Open Graph and other meta tags, then `<time>`, then the
//! URL, then dates written in the visible text.

use serde_json::Value;

use crate::dom::{Dom, Tag};
use crate::{Document, FoundDate};

/// What the metadata pass also hands to content extraction.
pub struct Hints {
    /// schema.org `articleBody`, when the page publishes it.
    pub ld_body: Option<String>,
}

/// Whitespace collapsed and character references decoded (JSON-LD and meta values often carry `&#163;`).
fn clean(s: &str) -> String {
    let decoded = if s.contains('&') {
        htmlize::unescape(s)
    } else {
        std::borrow::Cow::Borrowed(s)
    };
    decoded.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn non_empty(s: Option<String>) -> Option<String> {
    s.map(|s| clean(&s)).filter(|s| !s.is_empty())
}

/// Normalises a date or timestamp string; None when it is not one.
pub fn normalize_date(raw: &str) -> Option<String> {
    let s = raw.trim();
    if s.len() < 8 || s.len() > 40 {
        return None;
    }
    if let Ok(ts) = s.parse::<jiff::Timestamp>() {
        return Some(ts.to_string());
    }
    if let Ok(z) = s.parse::<jiff::Zoned>() {
        return Some(z.timestamp().to_string());
    }
    // 2019-11-19T13:03:00-0500 (offset without colon) and 2019-11-19 13:03:00.
    let fixed = if s.len() > 5
        && matches!(s.as_bytes()[s.len() - 5], b'+' | b'-')
        && s[s.len() - 4..].bytes().all(|b| b.is_ascii_digit())
    {
        format!("{}:{}", &s[..s.len() - 2], &s[s.len() - 2..])
    } else {
        s.replacen(' ', "T", 1)
    };
    if let Ok(ts) = fixed.parse::<jiff::Timestamp>() {
        return Some(ts.to_string());
    }
    if let Ok(dt) = fixed.parse::<jiff::civil::DateTime>() {
        return Some(dt.date().to_string());
    }
    if let Ok(d) = s.get(..10).unwrap_or("").parse::<jiff::civil::Date>() {
        return Some(d.to_string());
    }
    None
}

fn found(raw: &str, source: &'static str) -> Option<FoundDate> {
    normalize_date(raw).map(|value| FoundDate {
        raw: raw.trim().to_string(),
        value,
        source,
    })
}

/// A date in a URL path: /2025/03/13/, /2025-03-13, /20250313/.
pub fn date_in_url(url: &str) -> Option<String> {
    let path = url::Url::parse(url).ok()?.path().to_string();
    let b = path.as_bytes();
    let digits = |s: &[u8]| s.iter().all(u8::is_ascii_digit);
    for i in 0..b.len() {
        if b[i] != b'/' && b[i] != b'-' && b[i] != b'_' {
            continue;
        }
        let rest = &b[i + 1..];
        let try_date = |y: &[u8], m: &[u8], d: &[u8]| -> Option<String> {
            let y: i16 = std::str::from_utf8(y).ok()?.parse().ok()?;
            let m: i8 = std::str::from_utf8(m).ok()?.parse().ok()?;
            let d: i8 = std::str::from_utf8(d).ok()?.parse().ok()?;
            if !(1990..=2100).contains(&y) {
                return None;
            }
            jiff::civil::Date::new(y, m, d).ok().map(|d| d.to_string())
        };
        if rest.len() >= 10
            && digits(&rest[..4])
            && matches!(rest[4], b'/' | b'-')
            && digits(&rest[5..7])
            && rest[7] == rest[4]
            && digits(&rest[8..10])
            && rest.get(10).is_none_or(|c| !c.is_ascii_digit())
            && let Some(d) = try_date(&rest[..4], &rest[5..7], &rest[8..10])
        {
            return Some(d);
        }
        if rest.len() >= 8
            && digits(&rest[..8])
            && rest.get(8).is_none_or(|c| !c.is_ascii_digit())
            && let Some(d) = try_date(&rest[..4], &rest[4..6], &rest[6..8])
        {
            return Some(d);
        }
    }
    None
}

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

fn month_of(word: &str) -> Option<i8> {
    let w = word.trim_end_matches('.').to_ascii_lowercase();
    if w.len() < 3 {
        return None;
    }
    MONTHS
        .iter()
        .position(|m| m.starts_with(&w) && (w.len() == 3 || *m == w || (w == "sept")))
        .map(|i| i as i8 + 1)
}

/// "March 13, 2025", "13 March 2025", "Mar. 13, 2025" in running text.
pub fn date_in_text(text: &str) -> Option<String> {
    let words: Vec<&str> = text
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty())
        .collect();
    for i in 0..words.len() {
        let num = |w: &str| w.trim_end_matches(|c: char| !c.is_ascii_digit()).parse::<i32>().ok();
        if let Some(m) = month_of(words[i]) {
            if let (Some(d), Some(y)) = (
                words.get(i + 1).and_then(|w| num(w)),
                words.get(i + 2).and_then(|w| num(w)),
            ) && (1990..=2100).contains(&y)
                && let Ok(date) = jiff::civil::Date::new(y as i16, m, d as i8)
            {
                return Some(date.to_string());
            }
            if i > 0
                && let (Some(d), Some(y)) = (num(words[i - 1]), words.get(i + 1).and_then(|w| num(w)))
                && (1990..=2100).contains(&y)
                && let Ok(date) = jiff::civil::Date::new(y as i16, m, d as i8)
            {
                return Some(date.to_string());
            }
        }
    }
    None
}

#[derive(Default)]
struct Ld {
    headline: Option<String>,
    published: Option<String>,
    modified: Option<String>,
    authors: Vec<String>,
    publisher: Option<String>,
    image: Option<String>,
    body: Option<String>,
    language: Option<String>,
}

fn ld_str(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Array(a) => a.iter().find_map(ld_str),
        Value::Object(o) => o
            .get("url")
            .or_else(|| o.get("name"))
            .or_else(|| o.get("@id"))
            .and_then(ld_str),
        _ => None,
    }
}

fn ld_names(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) => out.push(s.clone()),
        Value::Array(a) => a.iter().for_each(|x| ld_names(x, out)),
        Value::Object(o) => {
            if let Some(n) = o.get("name").and_then(Value::as_str) {
                out.push(n.to_string());
            }
        }
        _ => {}
    }
}

fn is_article_type(t: &Value) -> bool {
    let check = |s: &str| {
        s.ends_with("Article")
            || matches!(
                s,
                "BlogPosting" | "LiveBlogPosting" | "Report" | "SocialMediaPosting" | "Review"
            )
    };
    match t {
        Value::String(s) => check(s),
        Value::Array(a) => a.iter().any(|x| x.as_str().is_some_and(check)),
        _ => false,
    }
}

fn walk_ld(v: &Value, ld: &mut Ld, depth: usize) {
    if depth > 8 {
        return;
    }
    match v {
        Value::Array(a) => a.iter().for_each(|x| walk_ld(x, ld, depth + 1)),
        Value::Object(o) => {
            if let Some(g) = o.get("@graph") {
                walk_ld(g, ld, depth + 1);
            }
            if o.get("@type").is_some_and(is_article_type) {
                let set = |slot: &mut Option<String>, key: &str| {
                    if slot.is_none() {
                        *slot = o.get(key).and_then(ld_str).filter(|s| !s.trim().is_empty());
                    }
                };
                set(&mut ld.headline, "headline");
                set(&mut ld.published, "datePublished");
                set(&mut ld.modified, "dateModified");
                set(&mut ld.image, "image");
                set(&mut ld.body, "articleBody");
                set(&mut ld.language, "inLanguage");
                if ld.publisher.is_none() {
                    ld.publisher = o
                        .get("publisher")
                        .and_then(|p| p.get("name"))
                        .and_then(Value::as_str)
                        .map(String::from);
                }
                if ld.authors.is_empty()
                    && let Some(a) = o.get("author")
                {
                    ld_names(a, &mut ld.authors);
                }
            }
            if let Some(m) = o
                .get("mainEntity")
                .or_else(|| o.get("mainEntityOfPage"))
                .filter(|m| m.is_object())
            {
                walk_ld(m, ld, depth + 1);
            }
        }
        _ => {}
    }
}

/// A date written near the top of the page's visible text (first 3,000 characters of the body).
fn visible_date(dom: &Dom<'_>) -> Option<FoundDate> {
    let body = dom.find(Tag::Body).unwrap_or(0);
    let mut text = String::new();
    let mut it = dom.descendants(body);
    while let Some(n) = it.next() {
        if matches!(
            dom.tag(n),
            Some(Tag::Script | Tag::Style | Tag::Noscript | Tag::Template | Tag::Svg)
        ) {
            it.skip_subtree(n);
            continue;
        }
        if let Some(t) = dom.text(n) {
            text.push_str(t);
            text.push(' ');
            if text.len() > 3000 {
                break;
            }
        }
    }
    date_in_text(&text).map(|value| FoundDate {
        raw: value.clone(),
        value,
        source: "text",
    })
}

pub fn metadata(dom: &Dom<'_>, url: Option<&str>) -> (Document, Hints) {
    let mut ld = Ld::default();
    let mut metas: Vec<(String, String)> = Vec::new();
    let mut title_tag = None;
    let mut canonical = None;
    let mut lang = None;
    let mut first_h1 = None;
    let mut time_dates: Vec<(bool, String)> = Vec::new();
    for n in dom.descendants(0) {
        match dom.tag(n) {
            Some(Tag::Html) => lang = dom.attr(n, "lang").map(String::from),
            Some(Tag::Title) if title_tag.is_none() => title_tag = Some(dom.text_content(n)),
            Some(Tag::Meta) => {
                let key = dom
                    .attr(n, "property")
                    .or_else(|| dom.attr(n, "name"))
                    .or_else(|| dom.attr(n, "itemprop"))
                    .or_else(|| dom.attr(n, "http-equiv"));
                if let (Some(k), Some(v)) = (key, dom.attr(n, "content")) {
                    metas.push((k.to_ascii_lowercase(), v.to_string()));
                }
            }
            Some(Tag::Link)
                if canonical.is_none() && dom.attr(n, "rel").is_some_and(|r| r.eq_ignore_ascii_case("canonical")) =>
            {
                canonical = dom.attr(n, "href").map(String::from);
            }
            Some(Tag::Script)
                if dom
                    .attr(n, "type")
                    .is_some_and(|t| t.eq_ignore_ascii_case("application/ld+json")) =>
            {
                let text = dom.text_content(n);
                if let Ok(v) = serde_json::from_str::<Value>(text.trim()) {
                    walk_ld(&v, &mut ld, 0);
                }
            }
            Some(Tag::Time) => {
                if let Some(dt) = dom.attr(n, "datetime") {
                    let preferred = dom.attr(n, "itemprop").is_some_and(|p| p.contains("datePublished"))
                        || dom.attr(n, "pubdate").is_some();
                    time_dates.push((preferred, dt.to_string()));
                }
            }
            Some(Tag::H1) if first_h1.is_none() => {
                first_h1 = Some(clean(&dom.text_content(n))).filter(|s| !s.is_empty())
            }
            _ => {}
        }
    }
    let meta = |keys: &[&str]| {
        keys.iter().find_map(|k| {
            metas
                .iter()
                .find(|(mk, v)| mk == k && !v.trim().is_empty())
                .map(|(_, v)| v.clone())
        })
    };

    let mut doc = Document { ..Default::default() };
    doc.title = non_empty(ld.headline.clone())
        .or_else(|| non_empty(meta(&["og:title", "twitter:title"])))
        .or(first_h1)
        .or_else(|| non_empty(title_tag));
    doc.site_name = non_empty(meta(&["og:site_name", "application-name"])).or_else(|| non_empty(ld.publisher.clone()));
    doc.description = non_empty(meta(&["og:description", "description", "twitter:description"]));
    doc.lead_image =
        non_empty(meta(&["og:image", "og:image:url", "twitter:image"])).or_else(|| non_empty(ld.image.clone()));
    doc.canonical_url = non_empty(canonical).or_else(|| non_empty(meta(&["og:url"])));
    doc.language = non_empty(lang)
        .or_else(|| non_empty(ld.language.clone()))
        .or_else(|| non_empty(meta(&["content-language", "og:locale"])));
    let mut authors: Vec<String> = ld.authors.iter().map(|a| clean(a)).filter(|a| !a.is_empty()).collect();
    if authors.is_empty()
        && let Some(a) = meta(&[
            "author",
            "article:author",
            "parsely-author",
            "sailthru.author",
            "dc.creator",
        ])
        && !a.starts_with("http")
    {
        authors = a.split([',', ';']).map(clean).filter(|s| !s.is_empty()).collect();
    }
    authors.dedup();
    doc.authors = authors;

    let base = url
        .and_then(|u| url::Url::parse(u).ok())
        .or_else(|| doc.canonical_url.as_deref().and_then(|u| url::Url::parse(u).ok()));
    if let Some(b) = &base {
        for slot in [&mut doc.lead_image, &mut doc.canonical_url] {
            if let Some(v) = slot.as_ref()
                && let Ok(abs) = b.join(v)
            {
                *slot = Some(abs.to_string());
            }
        }
    }

    doc.published = ld
        .published
        .as_deref()
        .and_then(|d| found(d, "json-ld"))
        .or_else(|| {
            meta(&[
                "article:published_time",
                "og:published_time",
                "datepublished",
                "pubdate",
                "publishdate",
                "date",
                "dc.date.issued",
                "dc.date",
                "sailthru.date",
                "parsely-pub-date",
                "publish-date",
            ])
            .and_then(|d| found(&d, "meta"))
        })
        .or_else(|| {
            let mut t = time_dates.clone();
            t.sort_by_key(|(preferred, _)| !preferred);
            t.iter().find_map(|(_, d)| found(d, "time"))
        })
        .or_else(|| {
            url.and_then(date_in_url).map(|value| FoundDate {
                raw: value.clone(),
                value,
                source: "url",
            })
        })
        .or_else(|| visible_date(dom));
    doc.modified = ld.modified.as_deref().and_then(|d| found(d, "json-ld")).or_else(|| {
        meta(&[
            "article:modified_time",
            "og:updated_time",
            "datemodified",
            "last-modified",
            "dc.date.modified",
        ])
        .and_then(|d| found(&d, "meta"))
    });
    (doc, Hints { ld_body: ld.body })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(normalize_date("2025-03-13").as_deref(), Some("2025-03-13"));
        assert_eq!(
            normalize_date("2025-03-13T10:00:00Z").as_deref(),
            Some("2025-03-13T10:00:00Z")
        );
        assert_eq!(
            normalize_date("2019-11-19T13:03:00-0500").as_deref(),
            Some("2019-11-19T18:03:00Z")
        );
        assert_eq!(normalize_date("yesterday"), None);
        assert_eq!(
            date_in_url("https://example.org/news/2025/03/13/talks.html").as_deref(),
            Some("2025-03-13")
        );
        assert_eq!(
            date_in_url("https://example.org/a-20250313-b").as_deref(),
            Some("2025-03-13")
        );
        assert_eq!(date_in_url("https://example.org/story/12345678901"), None);
        assert_eq!(
            date_in_text("Published March 13, 2025 at 10:00").as_deref(),
            Some("2025-03-13")
        );
        assert_eq!(date_in_text("Updated 13 Mar 2025").as_deref(), Some("2025-03-13"));
        assert_eq!(date_in_text("In March the talks"), None);
    }
}
