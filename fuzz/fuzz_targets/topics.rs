//! Any text as a topic list: it parses or is refused with a line number, never panics; a list that parses
//! prints back to the same list, and classifies any text.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    match livebrief_nlp::parse_topics(&text) {
        Ok(list) => {
            assert!(!list.is_empty() && list.len() <= livebrief_nlp::MAX_TOPICS);
            let again = livebrief_nlp::parse_topics(&livebrief_nlp::format_topics(&list)).expect("prints back");
            assert_eq!(again.len(), list.len());
            let _ = livebrief_nlp::classify(&text, &list, 0.0);
        }
        Err(e) => assert!(e.line <= text.lines().count()),
    }
});
