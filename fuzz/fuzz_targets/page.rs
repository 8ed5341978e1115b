//! Any bytes as a watched page: the feeds it announces and its article links, never a panic; every URL
//! is absolute http(s).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let page = "https://example.org/news/";
    for u in livebrief_feed::discover_feeds(data, page) {
        assert!(u.starts_with("http://") || u.starts_with("https://"), "{u:?}");
    }
    for l in livebrief_feed::page_links(data, page) {
        assert!(l.url.starts_with("http://") || l.url.starts_with("https://"), "{:?}", l.url);
    }
});
