//! Safe rendering of entry bodies.
//!
//! Architecture invariant: every piece of HTML that reaches a page or a feed went through [`sanitize`]
//! (directly or via [`render`]). The allow-list is small on purpose: text structure, links and images over
//! http(s), simple tables. No scripts, styles, event handlers, forms, frames, SVG or MathML.

pub mod testing;

use std::collections::HashSet;
use std::sync::OnceLock;

use livebrief_model::{Body, BodyFormat};

/// Renders what an author wrote into a [`Body`] with safe HTML.
pub fn render(format: BodyFormat, source: &str) -> Body {
    let html = match format {
        BodyFormat::Markdown => markdown_to_html(source),
        BodyFormat::Html => source.to_string(),
    };
    Body {
        format,
        source: source.to_string(),
        html: sanitize(&html),
    }
}

fn markdown_to_html(src: &str) -> String {
    use pulldown_cmark::{Options, Parser, html};
    let opts = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    let mut out = String::with_capacity(src.len() * 2);
    html::push_html(&mut out, Parser::new_ext(src, opts));
    out
}

fn cleaner() -> &'static ammonia::Builder<'static> {
    static B: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    B.get_or_init(|| {
        let tags: HashSet<&str> = [
            "p",
            "br",
            "hr",
            "strong",
            "em",
            "b",
            "i",
            "u",
            "s",
            "del",
            "ins",
            "sub",
            "sup",
            "small",
            "mark",
            "a",
            "abbr",
            "q",
            "cite",
            "code",
            "pre",
            "blockquote",
            "ul",
            "ol",
            "li",
            "h3",
            "h4",
            "h5",
            "h6",
            "figure",
            "figcaption",
            "img",
            "table",
            "thead",
            "tbody",
            "tfoot",
            "tr",
            "th",
            "td",
            "caption",
            "time",
            "span",
        ]
        .into_iter()
        .collect();
        let mut b = ammonia::Builder::default();
        b.tags(tags)
            .clean_content_tags(
                [
                    "script", "style", "template", "noscript", "iframe", "object", "svg", "math",
                ]
                .into_iter()
                .collect(),
            )
            .url_schemes(["http", "https", "mailto"].into_iter().collect())
            .link_rel(Some("noopener noreferrer nofollow ugc"))
            .url_relative(ammonia::UrlRelative::Deny)
            .generic_attributes(["lang", "title"].into_iter().collect())
            .tag_attributes(
                [
                    ("a", ["href", "hreflang"].into_iter().collect()),
                    ("img", ["src", "alt", "width", "height"].into_iter().collect()),
                    ("abbr", HashSet::new()),
                    ("q", ["cite"].into_iter().collect()),
                    ("blockquote", ["cite"].into_iter().collect()),
                    ("time", ["datetime"].into_iter().collect()),
                    ("th", ["colspan", "rowspan", "scope"].into_iter().collect()),
                    ("td", ["colspan", "rowspan"].into_iter().collect()),
                    ("ol", ["start"].into_iter().collect()),
                ]
                .into_iter()
                .collect(),
            )
            .strip_comments(true)
            // ammonia checks the schemes of the URL attributes it knows (href, src), not `cite`: a `cite` is
            // kept only as an absolute http(s) URL, so `javascript:` and the like never reach a page or a feed.
            .attribute_filter(|_element, attribute, value| {
                if attribute == "cite" {
                    let v = value.trim_start().to_ascii_lowercase();
                    return (v.starts_with("https://") || v.starts_with("http://")).then(|| value.into());
                }
                Some(value.into())
            });
        b
    })
}

/// Cleans untrusted HTML down to the allow-list. Idempotent: `sanitize(sanitize(x)) == sanitize(x)`.
/// Elements nested deeper than [`MAX_NESTING`] lose their tags (their text stays), so the cost stays
/// linear in the input.
pub fn sanitize(html: &str) -> String {
    let html = cap_nesting(html);
    // One pass can leave markup that parses differently the second time (a `<p>` inside a `<p>` after a
    // stripped `<marquee>`, found by fuzzing); cleaning again until the output is stable makes the
    // result a fixed point. Two passes settle every case seen; the bound keeps it linear.
    let mut out = cleaner().clean(&html).to_string();
    for _ in 0..3 {
        let again = cleaner().clean(&out).to_string();
        if again == out {
            break;
        }
        out = again;
    }
    out
}

/// The deepest element nesting handed to the HTML parser. Its tree builder looks through the stack of open
/// elements for start and end tags, so markup nested n deep costs n²: 16 KB of `<div>` took 0.25 s to
/// clean and 64 KB 4 s; 1 MB of `> ` in Markdown (a blockquote in a blockquote …) would have taken an hour
/// (issue 11, quadratic inputs). Bodies people write nest a few levels.
pub const MAX_NESTING: usize = 32;

/// Elements that cannot nest inside themselves without a container element between (the parser closes
/// the open one), and void elements: not counted as nesting.
const NOT_NESTING: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr", "p", "li",
    "dt", "dd", "tr", "td", "th", "option", "optgroup", "thead", "tbody", "tfoot", "colgroup", "caption", "rb", "rt",
    "rtc", "rp",
];

/// `html` with the start and end tags of elements nested deeper than [`MAX_NESTING`] removed (their text
/// kept). One linear pass over the tags as the HTML tokenizer sees them (a quoted attribute value hides a
/// `>`, a comment hides tags; an unterminated tag or comment hides the rest from both); what it gets
/// wrong can only drop more tags or fewer, and its output is sanitised like any other input.
pub fn cap_nesting(html: &str) -> std::borrow::Cow<'_, str> {
    let b = html.as_bytes();
    if b.iter().filter(|c| **c == b'<').count() <= MAX_NESTING {
        return std::borrow::Cow::Borrowed(html);
    }
    let mut out = String::new();
    let (mut copied, mut i) = (0, 0);
    let (mut depth, mut dropped) = (0usize, 0usize);
    while let Some(off) = b[i..].iter().position(|c| *c == b'<') {
        let lt = i + off;
        let rest = &b[lt + 1..];
        // Comments and other markup declarations (`<!doctype>`, `<?xml>`): skipped whole.
        if rest.starts_with(b"!--") {
            match find(b, lt + 4, b"-->") {
                Some(end) => i = end + 3,
                None => break,
            }
            continue;
        }
        let closing = rest.first() == Some(&b'/');
        let name_start = lt + 1 + usize::from(closing);
        let starts_tag = b.get(name_start).is_some_and(u8::is_ascii_alphabetic);
        if !starts_tag {
            if matches!(rest.first(), Some(b'!' | b'?')) || closing {
                match b[lt..].iter().position(|c| *c == b'>') {
                    Some(gt) => i = lt + gt + 1,
                    None => break,
                }
            } else {
                i = lt + 1;
            }
            continue;
        }
        let Some(gt) = tag_end(b, name_start) else {
            break;
        };
        let name_end = b[name_start..gt]
            .iter()
            .position(|c| c.is_ascii_whitespace() || *c == b'/')
            .map_or(gt, |p| name_start + p);
        let name = html[name_start..name_end].to_ascii_lowercase();
        let self_closing = gt > 0 && b[gt - 1] == b'/';
        i = gt + 1;
        if NOT_NESTING.contains(&name.as_str()) || (self_closing && !closing) {
            continue;
        }
        let drop = if closing {
            if dropped > 0 {
                dropped -= 1;
                true
            } else {
                depth = depth.saturating_sub(1);
                false
            }
        } else if depth >= MAX_NESTING {
            dropped += 1;
            true
        } else {
            depth += 1;
            false
        };
        if drop {
            out.push_str(&html[copied..lt]);
            copied = gt + 1;
        }
    }
    if copied == 0 {
        return std::borrow::Cow::Borrowed(html);
    }
    out.push_str(&html[copied..]);
    std::borrow::Cow::Owned(out)
}

/// Where `needle` starts in `b` at or after `from`.
fn find(b: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    b.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| from + p)
}

/// The `>` that ends the tag whose name starts at `from`: not one inside a quoted attribute value (a quote
/// opens a value only right after `=` and optional spaces, as the tokenizer reads it). `None` when the
/// tag never ends (the tokenizer then reads the rest of the input as this tag).
fn tag_end(b: &[u8], from: usize) -> Option<usize> {
    let mut i = from;
    while i < b.len() {
        match b[i] {
            b'>' => return Some(i),
            b'=' => {
                i += 1;
                while i < b.len() && b[i].is_ascii_whitespace() {
                    i += 1;
                }
                if let Some(q @ (b'"' | b'\'')) = b.get(i).copied() {
                    // Past the closing quote.
                    i += 2 + b[i + 1..].iter().position(|c| *c == q)?;
                }
            }
            _ => i += 1,
        }
    }
    None
}

/// Plain text of sanitised HTML (as produced by [`sanitize`]): tags dropped, the entities that the
/// serializer writes decoded, block ends turned into line breaks. For excerpts, feeds and structured data.
pub fn plain_text(safe_html: &str) -> String {
    let mut out = String::with_capacity(safe_html.len());
    let mut rest = safe_html;
    while let Some(lt) = rest.find('<') {
        push_decoded(&mut out, &rest[..lt]);
        let Some(gt) = rest[lt..].find('>') else {
            rest = "";
            break;
        };
        let tag = &rest[lt + 1..lt + gt];
        let name = tag
            .trim_start_matches('/')
            .split(|c: char| c.is_whitespace() || c == '/')
            .next()
            .unwrap_or("");
        if matches!(
            name,
            "br" | "p" | "li" | "h3" | "h4" | "h5" | "h6" | "blockquote" | "tr" | "pre" | "figcaption"
        ) && (tag.starts_with('/') || name == "br")
            && !out.ends_with('\n')
        {
            out.push('\n');
        }
        rest = &rest[lt + gt + 1..];
    }
    push_decoded(&mut out, rest);
    let collapsed: Vec<&str> = out.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    collapsed.join("\n")
}

fn push_decoded(out: &mut String, text: &str) {
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp..];
        let (ch, len) = [
            ("&amp;", '&'),
            ("&lt;", '<'),
            ("&gt;", '>'),
            ("&quot;", '"'),
            ("&#39;", '\''),
            ("&nbsp;", '\u{a0}'),
        ]
        .iter()
        .find(|(e, _)| after.starts_with(e))
        .map(|(e, c)| (*c, e.len()))
        .unwrap_or(('&', 1));
        out.push(ch);
        rest = &after[len..];
    }
    out.push_str(rest);
}

/// The first `max_chars` characters of `text`, cut at a word boundary, with an ellipsis when cut.
pub fn excerpt(text: &str, max_chars: usize) -> String {
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= max_chars {
        return flat;
    }
    let cut: String = flat.chars().take(max_chars).collect();
    let cut = match cut.rfind(' ') {
        Some(i) if i > max_chars / 2 => cut[..i].to_string(),
        _ => cut,
    };
    format!("{}…", cut.trim_end_matches(|c: char| c.is_ascii_punctuation()))
}
