//! Rules for plain text that people read: what a headline, a name or a title may hold.

/// The explicit bidirectional embedding, override and isolate controls (U+202A–U+202E, U+2066–U+2069).
/// One of them in a headline or a name reorders what follows it on screen ("U+202E" makes `exe.txt`
/// read as `txt.exe`), so text from outside loses them and text an editor writes is refused with them.
/// The implicit marks (U+200E, U+200F, U+061C) stay: they only nudge neutral characters.
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// `s` without bidirectional controls (see [`is_bidi_control`]); borrowed when there are none.
pub fn without_bidi_controls(s: &str) -> std::borrow::Cow<'_, str> {
    if s.chars().any(is_bidi_control) {
        std::borrow::Cow::Owned(s.chars().filter(|&c| !is_bidi_control(c)).collect())
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overrides_and_isolates_go_and_marks_stay() {
        assert_eq!(without_bidi_controls("a\u{202E}cba\u{202C} b"), "acba b");
        assert_eq!(without_bidi_controls("\u{2066}x\u{2069}\u{2067}y\u{2068}"), "xy");
        assert_eq!(without_bidi_controls("שלום\u{200F} ok"), "שלום\u{200F} ok");
        assert!(matches!(without_bidi_controls("plain"), std::borrow::Cow::Borrowed(_)));
    }
}
