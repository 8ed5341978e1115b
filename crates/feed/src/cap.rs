//! The item cap, applied before feed-rs sees the text: its model takes about a kilobyte per entry, so a
//! 16 MiB body of empty `<item/>`s would otherwise cost gigabytes. When a feed has more than twice
//! [`MAX_ITEMS`] items, the middle ones are cut out of the text, keeping [`MAX_ITEMS`] at each end; after
//! parsing, the end that is newest is kept.

use std::borrow::Cow;

use quick_xml::events::Event;

use crate::{FeedFormat, MAX_ITEMS};

/// The text with the middle items removed, and the number of items it had, when there were too many.
pub(crate) fn cut_middle_items(text: Cow<'_, str>, format: FeedFormat) -> (Cow<'_, str>, Option<usize>) {
    let keep = MAX_ITEMS;
    let starts = if format == FeedFormat::JsonFeed {
        json_item_starts(&text, keep)
    } else {
        // A cheap upper bound first: most feeds stop here.
        let finder = |pat: &[u8]| memchr::memmem::find_iter(text.as_bytes(), pat).count();
        if finder(b"<item") + finder(b"<entry") + finder(b":item") + finder(b":entry") <= 2 * keep {
            return (text, None);
        }
        xml_item_starts(&text, keep)
    };
    let Some((total, cut_from, cut_to)) = starts else {
        return (text, None);
    };
    let mut out = String::with_capacity(cut_from + text.len() - cut_to);
    out.push_str(&text[..cut_from]);
    out.push_str(&text[cut_to..]);
    (Cow::Owned(out), Some(total))
}

/// For more than `2 * keep` items: the count, the offset where item `keep` starts and the offset where
/// item `total - keep` starts (so cutting between them leaves `keep` items at each end).
fn xml_item_starts(text: &str, keep: usize) -> Option<(usize, usize, usize)> {
    let mut offsets = Vec::new();
    let total = scan_xml(text, |_, _| {})?;
    if total <= 2 * keep {
        return None;
    }
    let wanted = [keep, total - keep];
    scan_xml(text, |i, at| {
        if wanted.contains(&i) {
            offsets.push(at);
        }
    })?;
    (offsets.len() == 2).then(|| (total, offsets[0], offsets[1]))
}

/// Calls `seen(index, offset)` for every item or entry element that is not inside another; returns how
/// many there were, or `None` if the XML is malformed (then feed-rs reports the error).
fn scan_xml(text: &str, mut seen: impl FnMut(usize, usize)) -> Option<usize> {
    let mut reader = quick_xml::Reader::from_str(text);
    let mut count = 0;
    let mut inside = 0usize;
    loop {
        let at = usize::try_from(reader.buffer_position()).ok()?;
        let event = reader.read_event().ok()?;
        let is_item = |name: &[u8]| name == b"item" || name == b"entry";
        match event {
            Event::Start(e) => {
                if inside > 0 {
                    inside += 1;
                } else if is_item(e.local_name().as_ref().as_bytes()) {
                    seen(count, at);
                    count += 1;
                    inside = 1;
                }
            }
            Event::Empty(e) if inside == 0 && is_item(e.local_name().as_ref().as_bytes()) => {
                seen(count, at);
                count += 1;
            }
            Event::End(_) if inside > 0 => inside -= 1,
            Event::Eof => return Some(count),
            _ => {}
        }
    }
}

/// The same for a JSON Feed's top-level `items` array. Offsets are where an element starts; the cut
/// runs from element `keep` to element `total - keep`, so the commas stay right.
fn json_item_starts(text: &str, keep: usize) -> Option<(usize, usize, usize)> {
    let b = text.as_bytes();
    // Find the top-level "items" array: a depth-1 key followed by ':' and '['.
    let mut depth = 0usize;
    let mut i = 0;
    let mut last_key: Option<(usize, usize)> = None;
    let mut array_start = None;
    while i < b.len() {
        match b[i] {
            b'"' => {
                let start = i + 1;
                i = skip_string(b, i)?;
                if depth == 1 {
                    last_key = Some((start, i - 1));
                }
                continue;
            }
            b'{' | b'[' => {
                if depth == 1 && b[i] == b'[' && last_key.is_some_and(|(s, e)| &b[s..e] == b"items") {
                    array_start = Some(i);
                    break;
                }
                depth += 1;
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            b',' if depth == 1 => last_key = None,
            _ => {}
        }
        i += 1;
    }
    let array_start = array_start?;
    // Element starts: the first non-space byte after '[' and after each depth-0 comma.
    let mut starts = Vec::new();
    let mut depth = 0usize;
    let mut i = array_start + 1;
    let mut expect_element = true;
    while i < b.len() {
        let c = b[i];
        if expect_element && !c.is_ascii_whitespace() {
            if c == b']' && depth == 0 {
                break;
            }
            starts.push(i);
            expect_element = false;
        }
        match c {
            b'"' => {
                i = skip_string(b, i)?;
                continue;
            }
            b'{' | b'[' => depth += 1,
            b'}' | b']' if depth == 0 => break,
            b'}' | b']' => depth -= 1,
            b',' if depth == 0 => expect_element = true,
            _ => {}
        }
        i += 1;
    }
    let total = starts.len();
    (total > 2 * keep).then(|| (total, starts[keep], starts[total - keep]))
}

/// The index just past the string that starts at `i` (a `"`).
fn skip_string(b: &[u8], i: usize) -> Option<usize> {
    let mut j = i + 1;
    while j < b.len() {
        match b[j] {
            b'\\' => j += 2,
            b'"' => return Some(j + 1),
            _ => j += 1,
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_cut_keeps_both_ends_and_valid_commas() {
        let items: Vec<String> = (0..7)
            .map(|i| format!("{{\"id\": \"{i}\", \"x\": [1, {{\"a\": \"]\"}}]}}"))
            .collect();
        let doc = format!(
            "{{\"title\": \"t, [x]\", \"items\": [ {} ], \"version\": \"v\"}}",
            items.join(" , ")
        );
        let (total, from, to) = json_item_starts(&doc, 2).expect("cut");
        assert_eq!(total, 7);
        let cut = format!("{}{}", &doc[..from], &doc[to..]);
        let ids: Vec<&str> = cut
            .match_indices("\"id\": \"")
            .map(|(i, _)| &cut[i + 7..i + 8])
            .collect();
        assert_eq!(ids, ["0", "1", "5", "6"]);
        assert!(cut.contains("\"version\": \"v\""));
        assert!(json_item_starts(&doc, 4).is_none());
    }

    #[test]
    fn xml_cut_counts_only_outer_items() {
        let items: String = (0..7)
            .map(|i| format!("<item><guid>{i}</guid><entry/><item/></item>"))
            .collect();
        let doc = format!("<rss><channel>{items}<item/></channel></rss>");
        let (total, from, to) = xml_item_starts(&doc, 3).expect("cut");
        assert_eq!(total, 8);
        let cut = format!("{}{}", &doc[..from], &doc[to..]);
        assert_eq!(cut.matches("<guid>").count(), 5, "{cut}");
        assert!(cut.ends_with("<item/></channel></rss>"));
    }
}
