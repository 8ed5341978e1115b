//! Any bytes as a watched page: the feeds it announces and its article links, never a panic; every URL
//! is absolute http(s).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| livebrief_feed::testing::check_page(data));
