//! Any text as an entry body: the rendering is always free of active content and idempotent.
#![no_main]
use libfuzzer_sys::fuzz_target;
use livebrief_content::testing::find_active_content;
use livebrief_model::BodyFormat;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else { return };
    for format in [BodyFormat::Html, BodyFormat::Markdown] {
        let body = livebrief_content::render(format, s);
        if let Some(found) = find_active_content(&body.html) {
            panic!("active content survived: {found}");
        }
        assert_eq!(livebrief_content::sanitize(&body.html), body.html, "sanitising is idempotent");
    }
});
