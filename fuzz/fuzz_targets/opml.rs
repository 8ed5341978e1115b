//! Any bytes as an OPML subscription list: outlines or an error, never a panic; an outline's URLs are
//! absolute http(s), and what is written back parses to the same outlines.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(outlines) = livebrief_feed::parse_opml(data) {
        for o in &outlines {
            for u in [&o.xml_url, &o.html_url].into_iter().flatten() {
                assert!(u.starts_with("http://") || u.starts_with("https://"), "{u:?}");
            }
        }
        let again = livebrief_feed::parse_opml(livebrief_feed::write_opml("t", &outlines).as_bytes())
            .expect("written OPML parses");
        assert_eq!(again.len(), outlines.len());
    }
});
