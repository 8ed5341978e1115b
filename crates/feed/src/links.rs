//! The article links of a watched page (a news site's index that has no feed).
//!
//! No site rules. A link counts when it is outside the page's navigation and boilerplate regions (`nav`,
//! `aside`, the page's own `header` and `footer`, forms, ARIA landmarks of those kinds, and elements whose
//! class or id names a menu, breadcrumb, share bar, pagination, …), stays on the page's site (same
//! registrable domain), is not taxonomy or account plumbing (`/tag/`, `/category/`, `/author/`, `/login`,
//! `/search`, pagination, files), and looks like a story: a date in the path (`/2024/05/01/`,
//! `2024-05-01`), a numeric id (five digits or more, or four beside letters), a slug of three words or more,
//! or a headline-length anchor text (five words) on a path that is more than a section name (three
//! segments deep, or a last segment of two words or with a digit).

use livebrief_extract::dom::{Data, Dom, Tag};
use url::Url;

use crate::discover::{decode_page, document_base};
use crate::text::truncate;
use crate::urls;

/// A link of a watched page that looks like an article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageLink {
    /// Absolute http(s), without fragment.
    pub url: String,
    /// The anchor text, collapsed (or the image's alt text, or the title attribute); may be empty.
    pub text: String,
}

const MAX_LINK_TEXT_CHARS: usize = 300;

/// Class and id words of navigation and boilerplate containers (parts of a class name split at `-`/`_`).
const BOILERPLATE_WORDS: &[&str] = &[
    "nav",
    "navbar",
    "navigation",
    "menu",
    "megamenu",
    "submenu",
    "subnav",
    "breadcrumb",
    "breadcrumbs",
    "footer",
    "sidebar",
    "share",
    "sharing",
    "social",
    "pagination",
    "pager",
    "cookie",
    "cookies",
    "masthead",
    "topbar",
    "toolbar",
    "skip",
    "skiplink",
    "login",
    "signin",
    "newsletter",
    "subscribe",
    "banner",
    "advert",
    "sponsored",
];

const BOILERPLATE_ROLES: &[&str] = &[
    "navigation",
    "banner",
    "contentinfo",
    "complementary",
    "search",
    "menu",
    "menubar",
];

/// Path segments of taxonomy, account, utility and legal pages.
const NOT_STORY_SEGMENTS: &[&str] = &[
    "tag",
    "tags",
    "category",
    "categories",
    "topic",
    "topics",
    "author",
    "authors",
    "login",
    "log-in",
    "signin",
    "sign-in",
    "logout",
    "register",
    "signup",
    "sign-up",
    "subscribe",
    "subscription",
    "subscriptions",
    "account",
    "my-account",
    "profile",
    "user",
    "users",
    "search",
    "share",
    "contact",
    "contacts",
    "contact-us",
    "about",
    "about-us",
    "privacy",
    "privacy-policy",
    "cookie-policy",
    "terms",
    "terms-of-use",
    "terms-of-service",
    "terms-and-conditions",
    "feed",
    "rss",
    "wp-admin",
    "wp-login.php",
    "cart",
    "advertise",
    "advertising",
    "newsletter",
    "newsletters",
    "help",
    "faq",
    "jobs",
    "careers",
    "sitemap",
    "cdn-cgi",
    "static",
    "assets",
];

const FILE_EXTENSIONS: &[&str] = &[
    "jpg", "jpeg", "png", "gif", "webp", "svg", "ico", "pdf", "css", "js", "xml", "rss", "atom", "json", "zip", "gz",
    "mp3", "mp4", "m4a", "avi", "mov", "webm", "ogg", "woff", "woff2", "ttf", "doc", "docx", "xls", "xlsx", "ppt",
    "pptx", "txt", "csv", "epub",
];

/// Query keys of searches, pagination, sharing and account actions.
const NOT_STORY_QUERY_KEYS: &[&str] = &[
    "page",
    "paged",
    "s",
    "q",
    "query",
    "search",
    "share",
    "replytocom",
    "action",
    "login",
    "redirect",
    "sort",
];

const NOT_STORY_RELS: &[&str] = &[
    "tag",
    "author",
    "category",
    "prev",
    "next",
    "license",
    "search",
    "help",
    "privacy-policy",
    "terms-of-service",
];

/// The links of an index page that look like articles, in page order, deduplicated (the first place a URL
/// appears counts; its text is the first headline-like text found for it).
pub fn page_links(html: &[u8], page_url: &str) -> Vec<PageLink> {
    let Some(page) = urls::base(page_url) else {
        return Vec::new();
    };
    let Some(page_host) = page.host_str().map(str::to_ascii_lowercase) else {
        return Vec::new();
    };
    let page_site = urls::site(&page_host).to_string();
    let text = decode_page(html, Some(&page));
    let dom = Dom::parse(&text);
    let base = document_base(&dom, Some(&page));
    let n = dom.nodes.len();

    // Node ids are in document order with parents first: one forward pass marks boilerplate subtrees.
    let mut hidden = vec![false; n];
    let mut in_content = vec![false; n];
    let mut out: Vec<PageLink> = Vec::new();
    // Whether a link's text came from an image's alt or a title attribute rather than the anchor.
    let mut weak_text: Vec<bool> = Vec::new();
    let mut index: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for id in 1..n {
        let parent = dom.nodes[id].parent as usize;
        let (ph, pc) = if parent < n {
            (hidden[parent], in_content[parent])
        } else {
            (false, false)
        };
        let Data::Element { tag, .. } = dom.nodes[id].data else {
            hidden[id] = ph;
            in_content[id] = pc;
            continue;
        };
        in_content[id] = pc || matches!(tag, Tag::Article | Tag::Main);
        hidden[id] = ph || boilerplate(&dom, id as u32, tag, pc);
        if hidden[id] || tag != Tag::A {
            continue;
        }
        let Some(href) = dom.attr(id as u32, "href") else {
            continue;
        };
        let Some(url) = urls::resolve(base.as_ref(), href) else {
            continue;
        };
        let (text, weak) = anchor_text(&dom, id as u32);
        if !same_site(&url, &page_host, &page_site) || same_page(&url, &page) {
            continue;
        }
        let rel = dom.attr(id as u32, "rel").unwrap_or("").to_ascii_lowercase();
        if rel.split_ascii_whitespace().any(|r| NOT_STORY_RELS.contains(&r)) {
            continue;
        }
        if !looks_like_story(&url, &text) {
            continue;
        }
        let url = String::from(url);
        match index.get(&url) {
            Some(&i) => {
                // A picture link often comes before the headline link to the same story: its alt text
                // gives way to anchor text, and a word or two ("Read more") to a longer text.
                let (old, old_weak) = (&out[i].text, weak_text[i]);
                if (old_weak && !weak && !text.is_empty()) || (words(old) < 3 && words(&text) > words(old)) {
                    out[i].text = text;
                    weak_text[i] = weak;
                }
            }
            None => {
                index.insert(url.clone(), out.len());
                out.push(PageLink { url, text });
                weak_text.push(weak);
            }
        }
    }
    out
}

fn words(s: &str) -> usize {
    s.split_whitespace().count()
}

fn boilerplate(dom: &Dom<'_>, id: u32, tag: Tag, in_content: bool) -> bool {
    match tag {
        Tag::Nav | Tag::Aside | Tag::Form | Tag::Script | Tag::Style | Tag::Template | Tag::Noscript | Tag::Head => {
            return true;
        }
        // A header or footer inside an article or the main content is the story's own, not the page's.
        Tag::Header | Tag::Footer if !in_content => return true,
        _ => {}
    }
    if let Some(role) = dom.attr(id, "role")
        && BOILERPLATE_ROLES.contains(&role.trim().to_ascii_lowercase().as_str())
    {
        return true;
    }
    if dom
        .attr(id, "aria-hidden")
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"))
        || dom.attr(id, "hidden").is_some()
    {
        return true;
    }
    let names = [dom.attr(id, "class").unwrap_or(""), dom.attr(id, "id").unwrap_or("")];
    names.iter().flat_map(|v| v.split_ascii_whitespace()).any(|name| {
        let name = name.to_ascii_lowercase();
        name.split(['-', '_']).any(|part| BOILERPLATE_WORDS.contains(&part))
    })
}

/// The anchor's text, or else its image's alt text or its title (then the second value is true).
fn anchor_text(dom: &Dom<'_>, a: u32) -> (String, bool) {
    let mut s = String::new();
    let mut alt = None;
    for d in dom.descendants(a) {
        match &dom.nodes[d as usize].data {
            Data::Text(t) => {
                s.push_str(t);
                s.push(' ');
            }
            Data::Element { tag: Tag::Img, .. } if alt.is_none() => alt = dom.attr(d, "alt"),
            _ => {}
        }
        if s.len() > 4 * MAX_LINK_TEXT_CHARS {
            break;
        }
    }
    let collapse = |t: &str| t.split_whitespace().collect::<Vec<_>>().join(" ");
    let text = collapse(&s);
    if !text.is_empty() {
        return (truncate(&text, MAX_LINK_TEXT_CHARS), false);
    }
    let other = collapse(
        alt.or_else(|| dom.attr(a, "title"))
            .or_else(|| dom.attr(a, "aria-label"))
            .unwrap_or(""),
    );
    (truncate(&other, MAX_LINK_TEXT_CHARS), true)
}

fn same_site(url: &Url, page_host: &str, page_site: &str) -> bool {
    let Some(host) = url.host_str() else { return false };
    let host = host.to_ascii_lowercase();
    host == page_host || urls::site(&host) == page_site
}

fn same_page(url: &Url, page: &Url) -> bool {
    let strip = |u: &Url| {
        let mut s = u.as_str().split('#').next().unwrap_or("").to_string();
        while s.ends_with('/') {
            s.pop();
        }
        s
    };
    strip(url) == strip(page)
}

/// Percent-decoded, lowercased, non-empty path segments.
fn segments(url: &Url) -> Vec<String> {
    url.path_segments()
        .map(|segs| {
            segs.filter(|s| !s.is_empty())
                .map(|s| percent_decode(s).to_lowercase())
                .collect()
        })
        .unwrap_or_default()
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && i + 2 < b.len()
            && let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2]))
        {
            out.push(h * 16 + l);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex(c: u8) -> Option<u8> {
    (c as char).to_digit(16).map(|d| d as u8)
}

/// Words of a slug: runs of letters and digits.
fn slug_words(seg: &str) -> Vec<&str> {
    seg.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect()
}

/// `/2024/05/`, `2024-05-01`, `20240501` somewhere in the path.
fn has_date(segs: &[String]) -> bool {
    let year = |d: &[u8]| {
        d.len() == 4 && d.iter().all(u8::is_ascii_digit) && {
            let y = d.iter().fold(0u32, |a, &c| a * 10 + u32::from(c - b'0'));
            (1990..=2099).contains(&y)
        }
    };
    let month = |d: &[u8]| {
        d.len() == 2
            && d.iter().all(u8::is_ascii_digit)
            && matches!((d[0], d[1]), (b'0', b'1'..=b'9') | (b'1', b'0'..=b'2'))
    };
    for (i, s) in segs.iter().enumerate() {
        let b = s.as_bytes();
        if year(b) && segs.get(i + 1).is_some_and(|m| month(m.as_bytes())) {
            return true;
        }
        let mut start = 0;
        while start < b.len() {
            if !b[start].is_ascii_digit() {
                start += 1;
                continue;
            }
            let len = b[start..].iter().take_while(|c| c.is_ascii_digit()).count();
            let run = &b[start..start + len];
            if len == 8 && year(&run[..4]) && month(&run[4..6]) {
                return true;
            }
            let rest = &b[start..];
            if len == 4 && year(run) && rest.len() >= 8 && rest[4] == b'-' && month(&rest[5..7]) && rest[7] == b'-' {
                return true;
            }
            start += len;
        }
    }
    false
}

/// The longest run of ASCII digits in a segment, and whether the segment also has letters.
fn digit_run(seg: &str) -> (usize, bool) {
    let mut best = 0;
    let mut cur = 0;
    let mut letters = false;
    for c in seg.chars() {
        if c.is_ascii_digit() {
            cur += 1;
            best = best.max(cur);
        } else {
            cur = 0;
            letters |= c.is_alphabetic();
        }
    }
    (best, letters)
}

fn looks_like_story(url: &Url, text: &str) -> bool {
    let segs = segments(url);
    let Some(last) = segs.last() else { return false };
    if segs.iter().any(|s| NOT_STORY_SEGMENTS.contains(&s.as_str())) {
        return false;
    }
    // Pagination: /page/2, /p/3.
    if segs
        .windows(2)
        .any(|w| (w[0] == "page" || w[0] == "p") && w[1].bytes().all(|b| b.is_ascii_digit()))
    {
        return false;
    }
    let (stem, ext) = match last.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => (stem, ext),
        _ => (last.as_str(), ""),
    };
    if FILE_EXTENSIONS.contains(&ext) {
        return false;
    }
    if url
        .query_pairs()
        .any(|(k, _)| NOT_STORY_QUERY_KEYS.contains(&k.to_ascii_lowercase().as_str()))
    {
        return false;
    }
    if has_date(&segs) {
        return true;
    }
    if segs.iter().any(|s| {
        let (run, letters) = digit_run(s);
        run >= 5 || (run >= 4 && letters)
    }) {
        return true;
    }
    let slug = slug_words(stem);
    if slug.len() >= 3 && slug.iter().filter(|w| w.chars().any(char::is_alphabetic)).count() >= 2 {
        return true;
    }
    // A headline-length anchor on a path that is more than a section name (`/world/asia` is one).
    words(text) >= 5 && (segs.len() >= 3 || slug.len() >= 2 || digit_run(stem).0 > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn story(u: &str, text: &str) -> bool {
        looks_like_story(&Url::parse(u).expect("url"), text)
    }

    #[test]
    fn url_shapes() {
        assert!(story("https://e.com/2024/05/01/a", ""));
        assert!(story("https://e.com/news/2024-05-01-flood", ""));
        assert!(story("https://e.com/news/20240501/flood", ""));
        assert!(story("https://e.com/news/12345678", ""));
        assert!(story("https://e.com/news/a1234.html", ""));
        assert!(story("https://e.com/world/president-signs-decree", ""));
        assert!(story(
            "https://e.com/%D0%B2%D0%B8%D0%B1%D1%83%D1%85-%D1%83-%D0%BA%D0%B8%D1%94%D0%B2%D1%96-%D0%B2%D0%BD%D0%BE%D1%87%D1%96",
            ""
        ));
        assert!(!story("https://e.com/world", "Five words in this headline"));
        assert!(!story("https://e.com/world/asia", "Five words in this headline"));
        assert!(story("https://e.com/world/asia/story", "Five words in this headline"));
        assert!(story("https://e.com/story/big-day", "Five words in this headline"));
        assert!(!story("https://e.com/world/europe", "Europe"));
        assert!(!story("https://e.com/tag/war-in-ukraine", ""));
        assert!(!story("https://e.com/author/jane-doe-smith", ""));
        assert!(!story("https://e.com/page/2", ""));
        assert!(!story("https://e.com/news/page/2", "Older posts from this blog here"));
        assert!(!story("https://e.com/files/annual-report-2024.pdf", ""));
        assert!(!story("https://e.com/news/2024", "2024"));
        assert!(!story("https://e.com/", "A very long text for the home page"));
        assert!(!story("https://e.com/?s=war-in-ukraine", ""));
        assert!(!story("https://e.com/world/big-story-here?share=facebook", ""));
    }
}
