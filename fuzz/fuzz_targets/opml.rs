//! Any bytes as an OPML subscription list: outlines or an error, never a panic; an outline's URLs are
//! absolute http(s), and what is written back parses to the same outlines.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| livebrief_feed::testing::check_opml(data));
