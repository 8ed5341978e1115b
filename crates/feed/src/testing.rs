//! What must hold for any input, as functions that panic when it does not: the fuzz targets
//! (`fuzz/fuzz_targets/{feed,opml,page}.rs`) call them on generated inputs, and the test suite replays
//! the corpus those runs kept (`fuzz/corpus/`), so an input that once broke an invariant stays checked.

const CONTENT_TYPES: [Option<&str>; 5] = [
    None,
    Some("application/rss+xml"),
    Some("application/atom+xml; charset=windows-1251"),
    Some("application/feed+json"),
    Some("text/html; charset=utf-8"),
];

fn absolute_http(u: &str) -> bool {
    u.starts_with("http://") || u.starts_with("https://")
}

/// The first byte picks a declared content type, the rest is the body: it sniffs, and it parses to a
/// feed or an error; every item has a key, keys are unique, URLs are absolute http(s), titles are
/// bounded and open no tag.
pub fn check_feed(data: &[u8]) {
    let (kind, body) = data.split_first().map_or((0, data), |(k, rest)| (*k as usize, rest));
    let content_type = CONTENT_TYPES[kind % CONTENT_TYPES.len()];
    let _ = crate::sniff(body, content_type);
    let Ok(feed) = crate::parse_feed(body, "https://example.org/news/feed.xml", content_type) else {
        return;
    };
    let mut keys = std::collections::HashSet::new();
    for item in &feed.items {
        assert!(!item.key.is_empty(), "an item without a key");
        assert!(keys.insert(item.key.as_str()), "duplicate key {:?}", item.key);
        if let Some(u) = &item.url {
            assert!(absolute_http(u), "item URL {u:?}");
        }
        let t = item.title.as_bytes();
        let opens_tag = t
            .windows(2)
            .any(|w| w[0] == b'<' && (w[1].is_ascii_alphabetic() || b"/!?".contains(&w[1])));
        assert!(!opens_tag, "a tag in the title {:?}", item.title);
        assert!(
            item.title.chars().count() <= crate::MAX_TITLE_CHARS + 1,
            "title too long"
        );
    }
    if let Some(u) = &feed.site_url {
        assert!(absolute_http(u), "site URL {u:?}");
    }
}

/// Outlines or an error; outline URLs are absolute http(s), and what is written back parses to as many
/// outlines.
pub fn check_opml(data: &[u8]) {
    let Ok(outlines) = crate::parse_opml(data) else { return };
    for o in &outlines {
        for u in [&o.xml_url, &o.html_url].into_iter().flatten() {
            assert!(absolute_http(u), "outline URL {u:?}");
        }
    }
    let again = crate::parse_opml(crate::write_opml("t", &outlines).as_bytes()).expect("written OPML parses");
    assert_eq!(again.len(), outlines.len(), "OPML round trip");
}

/// A watched page's announced feeds and article links are absolute http(s).
pub fn check_page(data: &[u8]) {
    let page = "https://example.org/news/";
    for u in crate::discover_feeds(data, page) {
        assert!(absolute_http(&u), "feed link {u:?}");
    }
    for l in crate::page_links(data, page) {
        assert!(absolute_http(&l.url), "article link {:?}", l.url);
    }
}
