//! Plain text from the HTML that feeds put in titles and summaries.

use livebrief_extract::dom::{Data, Dom, Tag};

/// Markup beyond this many bytes is not looked at: far more than any title or summary cap needs.
const MAX_MARKUP: usize = 256 * 1024;

/// Plain text of an HTML fragment: tags, comments, scripts and styles removed, entities decoded,
/// whitespace and control characters collapsed to single spaces, at most `max_chars` characters (a cut
/// ends in `…`). The result never contains a tag: markup that was escaped twice is stripped again, and a
/// `<` that would still open a tag is dropped.
pub(crate) fn plain_text(html: &str, max_chars: usize) -> String {
    let html = cut(html, MAX_MARKUP);
    let mut s = strip(html);
    for _ in 0..2 {
        if !has_tag(&s) {
            break;
        }
        s = strip(&s);
    }
    if has_tag(&s) {
        s = drop_tag_openers(&s);
    }
    truncate(&s, max_chars)
}

/// The longest prefix of `s` of at most `max` bytes that ends on a character boundary.
pub(crate) fn cut(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

fn skipped(tag: Tag) -> bool {
    use Tag::*;
    matches!(
        tag,
        Script | Style | Template | Noscript | Iframe | Object | Embed | Svg | Math | Textarea | Select | Head
    )
}

fn block(tag: Tag) -> bool {
    use Tag::*;
    matches!(
        tag,
        P | Div
            | Br
            | Li
            | Ul
            | Ol
            | Dl
            | Dt
            | Dd
            | Tr
            | Td
            | Th
            | Table
            | Caption
            | H1
            | H2
            | H3
            | H4
            | H5
            | H6
            | Blockquote
            | Pre
            | Section
            | Article
            | Header
            | Footer
            | Aside
            | Nav
            | Main
            | Hr
            | Figure
            | Figcaption
            | Img
            | Address
            | Details
            | Summary
    )
}

/// One pass: the text of the parsed fragment, with a space wherever a block starts or ends.
fn strip(html: &str) -> String {
    if !html.contains(['<', '&']) {
        return collapse(html);
    }
    let dom = Dom::parse(html);
    let n = dom.nodes.len();
    // Node ids are in document order and parents come before children: one forward pass gives each node's
    // nearest block ancestor and whether it lies inside a skipped element.
    let mut block_of = vec![0u32; n];
    let mut hidden = vec![false; n];
    let mut raw = String::with_capacity(html.len().min(4096));
    let mut last_block = 0u32;
    for id in 1..n {
        let node = &dom.nodes[id];
        let parent = node.parent as usize;
        let (pb, ph) = if parent < n {
            (block_of[parent], hidden[parent])
        } else {
            (0, false)
        };
        match &node.data {
            Data::Element { tag, .. } => {
                hidden[id] = ph || skipped(*tag);
                block_of[id] = if block(*tag) { id as u32 } else { pb };
                if *tag == Tag::Br || *tag == Tag::Img || *tag == Tag::Hr {
                    raw.push(' ');
                }
            }
            Data::Text(t) => {
                hidden[id] = ph;
                block_of[id] = pb;
                if !ph {
                    if pb != last_block {
                        raw.push(' ');
                        last_block = pb;
                    }
                    raw.push_str(t);
                }
            }
            Data::Document => {}
        }
    }
    collapse(&raw)
}

/// Whitespace and control characters to single spaces, trimmed; text-direction controls dropped.
pub(crate) fn collapse(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars() {
        if c.is_whitespace() || c.is_control() || c == '\u{FEFF}' {
            space = !out.is_empty();
        } else if matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}') {
            // Text-direction overrides and isolates would reorder a title on screen: dropped.
        } else {
            if space {
                out.push(' ');
                space = false;
            }
            out.push(c);
        }
    }
    out
}

fn tag_opener_at(b: &[u8], i: usize) -> bool {
    b[i] == b'<'
        && b.get(i + 1)
            .is_some_and(|&c| c.is_ascii_alphabetic() || matches!(c, b'/' | b'!' | b'?'))
}

/// Whether the text still holds something an HTML parser would read as markup.
pub(crate) fn has_tag(s: &str) -> bool {
    let b = s.as_bytes();
    memchr::memchr_iter(b'<', b).any(|i| tag_opener_at(b, i))
}

fn drop_tag_openers(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    let mut last = 0;
    for i in memchr::memchr_iter(b'<', b) {
        if tag_opener_at(b, i) {
            out.push_str(&s[last..i]);
            last = i + 1;
        }
    }
    out.push_str(&s[last..]);
    collapse(&out)
}

/// At most `max` characters; a cut prefers a word boundary near the end and ends in `…`.
pub(crate) fn truncate(s: &str, max: usize) -> String {
    if max == 0 {
        return String::new();
    }
    match s.char_indices().nth(max) {
        None => s.to_string(),
        Some(_) => {
            // Room for the ellipsis.
            let end = s.char_indices().nth(max - 1).map_or(s.len(), |(i, _)| i);
            let head = &s[..end];
            let head = match head.rfind(' ') {
                Some(sp) if head[..sp].chars().count() * 2 >= max - 1 => &head[..sp],
                _ => head,
            };
            let mut out = head.trim_end().to_string();
            out.push('…');
            out
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_direction_controls_are_dropped_from_titles() {
        assert_eq!(plain_text("Invoice \u{202E}fdp.exe", 100), "Invoice fdp.exe");
        assert_eq!(plain_text("<b>\u{2066}a\u{2069}</b> \u{202A}b\u{202C}", 100), "a b");
        assert_eq!(plain_text("שלום\u{200F} Київ", 100), "שלום\u{200F} Київ");
    }

    #[test]
    fn tags_scripts_entities_and_whitespace() {
        let cases = [
            ("Plain title", "Plain title"),
            ("  A\n\ttitle  with   spaces ", "A title with spaces"),
            ("AT&amp;T &#8212; &quot;quoted&quot;", "AT&T — \"quoted\""),
            ("<b>Bold</b> move<script>alert(1)</script>", "Bold move"),
            ("<p>One</p><p>Two</p>Three<br>Four", "One Two Three Four"),
            ("&lt;b&gt;escaped&lt;/b&gt; twice", "escaped twice"),
            ("a < b and c > d", "a < b and c > d"),
            ("<style>p{}</style><!-- c -->x", "x"),
            ("nul\u{0}and\u{7}bell", "nul and bell"),
            ("unterminated <a href='x", "unterminated"),
        ];
        for (input, want) in cases {
            assert_eq!(plain_text(input, 500), want, "{input:?}");
        }
    }

    #[test]
    fn no_tag_survives() {
        for input in ["&lt;&lt;b&gt;", "&amp;amp;lt;b&amp;amp;gt;x", "<<b>>", "x<y", "<</b>"] {
            let t = plain_text(input, 500);
            assert!(!has_tag(&t), "{input:?} gave {t:?}");
        }
    }

    #[test]
    fn truncation() {
        assert_eq!(truncate("abcdef", 6), "abcdef");
        assert_eq!(truncate("abcdefg", 6), "abcde…");
        assert_eq!(truncate("one two three four", 12), "one two…");
        assert_eq!(truncate("ééééééé", 3), "éé…");
        let long = "word ".repeat(300);
        let t = plain_text(&long, 500);
        assert!(t.chars().count() <= 500 && t.ends_with('…'), "{t}");
    }
}
