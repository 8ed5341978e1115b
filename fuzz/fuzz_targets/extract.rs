//! Any bytes, any URL: the extractor returns, never panics, and its output is bounded by its input.
#![no_main]
use libfuzzer_sys::fuzz_target;
use livebrief_extract::{Options, extract};

fuzz_target!(|data: &[u8]| {
    let (url, html) = match data.iter().position(|&b| b == b'\n') {
        Some(i) if i < 200 => (std::str::from_utf8(&data[..i]).ok(), &data[i + 1..]),
        _ => (None, data),
    };
    let x = extract(html, &Options { url, http_charset: None });
    let text = x.document.text();
    // Decoding can at most triple a byte (a lone byte becomes U+FFFD), and references expand a little.
    assert!(text.len() <= html.len() * 4 + 16, "output {} for input {}", text.len(), html.len());
});
