//! Any bytes as a feed, under any declared content type: a value or an error, never a panic; every item
//! has a key, keys are unique, URLs are absolute http(s), titles hold no tag.
#![no_main]
use libfuzzer_sys::fuzz_target;

const TYPES: [Option<&str>; 5] = [
    None,
    Some("application/rss+xml"),
    Some("application/atom+xml; charset=windows-1251"),
    Some("application/feed+json"),
    Some("text/html; charset=utf-8"),
];

fuzz_target!(|data: &[u8]| {
    let (kind, body) = data.split_first().map_or((0, data), |(k, rest)| (*k as usize, rest));
    let content_type = TYPES[kind % TYPES.len()];
    let _ = livebrief_feed::sniff(body, content_type);
    if let Ok(feed) = livebrief_feed::parse_feed(body, "https://example.org/news/feed.xml", content_type) {
        let mut keys = std::collections::HashSet::new();
        for item in &feed.items {
            assert!(!item.key.is_empty(), "an item without a key");
            assert!(keys.insert(item.key.clone()), "duplicate key {:?}", item.key);
            if let Some(u) = &item.url {
                assert!(u.starts_with("http://") || u.starts_with("https://"), "{u:?}");
            }
            let t = item.title.as_bytes();
            let opens_tag = t.windows(2).any(|w| w[0] == b'<' && (w[1].is_ascii_alphabetic() || b"/!?".contains(&w[1])));
            assert!(!opens_tag, "a tag in the title {:?}", item.title);
            assert!(item.title.chars().count() <= livebrief_feed::MAX_TITLE_CHARS + 1);
        }
    }
});
