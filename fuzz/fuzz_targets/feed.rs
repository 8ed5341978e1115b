//! Any bytes as a feed, under any declared content type: a value or an error, never a panic; every item
//! has a key, keys are unique, URLs are absolute http(s), titles hold no tag.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| livebrief_feed::testing::check_feed(data));
