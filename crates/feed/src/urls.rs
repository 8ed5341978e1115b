//! URLs: resolution against a base, the http(s)-only rule, fragments dropped, and the site a host belongs to.

use url::Url;

/// Longer URLs are refused (browsers and servers give up around here too).
pub(crate) const MAX_URL_BYTES: usize = 4096;

/// An absolute http(s) URL to resolve against, if `s` is one.
pub(crate) fn base(s: &str) -> Option<Url> {
    Url::parse(s.trim()).ok().filter(is_web)
}

fn is_web(u: &Url) -> bool {
    matches!(u.scheme(), "http" | "https") && u.host_str().is_some_and(|h| !h.is_empty())
}

/// `href` resolved against `base`: an absolute http(s) URL without its fragment, or `None`.
pub(crate) fn resolve(base: Option<&Url>, href: &str) -> Option<Url> {
    let href = href.trim();
    if href.is_empty() || href.len() > MAX_URL_BYTES {
        return None;
    }
    let mut u = Url::options().base_url(base).parse(href).ok()?;
    if !is_web(&u) || u.as_str().len() > MAX_URL_BYTES {
        return None;
    }
    u.set_fragment(None);
    Some(u)
}

/// Second-level labels under which country domains register names (`bbc.co.uk`, `abc.net.au`,
/// `pravda.com.ua`). An approximation of the public suffix list that needs no data file; a wrong guess only
/// makes a site look like its parent domain or like a sibling host.
const SECOND_LEVEL: &[&str] = &[
    "ac", "co", "com", "edu", "gov", "gob", "govt", "in", "net", "ne", "or", "org", "mil", "nic", "go", "kiev", "kyiv",
    "msk", "spb", "info", "ltd", "plc", "sch",
];

/// The registrable domain of a host, approximately: the last two labels, or three under a country
/// code's second level. IP addresses are their own site.
pub(crate) fn site(host: &str) -> &str {
    let host = host.trim_end_matches('.');
    if host.parse::<std::net::IpAddr>().is_ok() || host.starts_with('[') {
        return host;
    }
    let dots: Vec<usize> = host.match_indices('.').map(|(i, _)| i).collect();
    let labels = dots.len() + 1;
    if labels <= 2 {
        return host;
    }
    let tld = &host[dots[dots.len() - 1] + 1..];
    let sld = &host[dots[dots.len() - 2] + 1..dots[dots.len() - 1]];
    let keep = if tld.len() == 2 && SECOND_LEVEL.contains(&sld) {
        3
    } else {
        2
    };
    if labels <= keep {
        host
    } else {
        &host[dots[dots.len() - keep] + 1..]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolution() {
        let b = base("https://example.com/news/feed.xml");
        let r = |h: &str| resolve(b.as_ref(), h).map(|u| u.to_string());
        assert_eq!(r("/a/b#frag").as_deref(), Some("https://example.com/a/b"));
        assert_eq!(
            r("story-1.html").as_deref(),
            Some("https://example.com/news/story-1.html")
        );
        assert_eq!(r("//cdn.example.org/x").as_deref(), Some("https://cdn.example.org/x"));
        assert_eq!(r(" http://other.net/ ").as_deref(), Some("http://other.net/"));
        assert_eq!(r("javascript:alert(1)"), None);
        assert_eq!(r("mailto:a@b.c"), None);
        assert_eq!(r("data:text/html,<b>"), None);
        assert_eq!(r(""), None);
        assert_eq!(resolve(None, "/relative"), None);
        assert_eq!(base("ftp://example.com/"), None);
    }

    #[test]
    fn sites() {
        assert_eq!(site("www.example.com"), "example.com");
        assert_eq!(site("example.com"), "example.com");
        assert_eq!(site("news.bbc.co.uk"), "bbc.co.uk");
        assert_eq!(site("www.pravda.com.ua"), "pravda.com.ua");
        assert_eq!(site("a.b.example.de"), "example.de");
        assert_eq!(site("127.0.0.1"), "127.0.0.1");
        assert_eq!(site("localhost"), "localhost");
    }
}
