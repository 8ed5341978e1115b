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
pub fn sanitize(html: &str) -> String {
    // One pass can leave markup that parses differently the second time (a `<p>` inside a `<p>` after a
    // stripped `<marquee>`, found by fuzzing); cleaning again until the output is stable makes the
    // result a fixed point. Two passes settle every case seen; the bound keeps it linear.
    let mut out = cleaner().clean(html).to_string();
    for _ in 0..3 {
        let again = cleaner().clean(&out).to_string();
        if again == out {
            break;
        }
        out = again;
    }
    out
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
