//! OPML subscription lists: read (nested outlines flattened, folders become categories) and written (one
//! folder per category).

use quick_xml::events::{BytesStart, Event};

use crate::decode::{decode, strip_declarations, strip_forbidden};
use crate::feed::locate_xml_error;
use crate::sniff::{Markup, first_markup};
use crate::text::{cut, truncate};
use crate::{Diagnostics, FeedError, MAX_FEED_BYTES, MAX_TITLE_CHARS, urls};

/// One subscription of an OPML list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outline {
    /// Plain text (the `title` attribute, else `text`, else the URL), whitespace collapsed, at most
    /// [`MAX_TITLE_CHARS`](crate::MAX_TITLE_CHARS).
    pub title: String,
    /// The feed: an absolute http(s) URL.
    pub xml_url: Option<String>,
    /// The site or page: an absolute http(s) URL. An outline with only this is a watched page.
    pub html_url: Option<String>,
    pub language: Option<String>,
    /// The folders the outline sits in, outermost first, joined with ` / ` (or its own `category` attribute
    /// when it sits in none).
    pub category: Option<String>,
}

/// Folders deeper than this do not add to a category.
const MAX_CATEGORY_DEPTH: usize = 8;
const CATEGORY_SEPARATOR: &str = " / ";

/// Reads an OPML list. Only outlines with a usable URL (`xmlUrl` or `htmlUrl`) are returned, in document
/// order; outlines without one are folders. DTD entities are never expanded.
pub fn parse_opml(bytes: &[u8]) -> Result<Vec<Outline>, FeedError> {
    if bytes.len() > MAX_FEED_BYTES {
        return Err(FeedError::TooLarge {
            size: bytes.len(),
            limit: MAX_FEED_BYTES,
        });
    }
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(FeedError::Empty);
    }
    let mut diags = Diagnostics::default();
    let text = strip_forbidden(decode(bytes, None, &mut diags), &mut diags);
    let text = strip_declarations(text);
    let t = text.trim_start_matches(|c: char| c.is_whitespace() || c == '\u{FEFF}');
    match first_markup(t) {
        Markup::Element(root) if root.local_name().eq_ignore_ascii_case("opml") => {}
        Markup::Element(root) => {
            return Err(FeedError::NotOpml {
                reason: format!("the root element is <{}>", cut(root.name, 60)),
            });
        }
        Markup::HtmlDoctype => {
            return Err(FeedError::NotOpml {
                reason: "it looks like an HTML page".into(),
            });
        }
        Markup::Nothing if t.is_empty() => return Err(FeedError::Empty),
        Markup::Nothing => {
            return Err(FeedError::NotOpml {
                reason: "it has no XML root element".into(),
            });
        }
    }

    let mut reader = quick_xml::Reader::from_str(&text);
    // Each open <outline>: whether it is a folder (its title then sits in `folders`).
    let mut open: Vec<bool> = Vec::new();
    let mut folders: Vec<String> = Vec::new();
    let mut out = Vec::new();
    loop {
        let event = match reader.read_event() {
            Ok(e) => e,
            Err(_) => {
                let (line, column, message) = locate_xml_error(&text).unwrap_or((1, 1, "malformed XML".to_string()));
                return Err(FeedError::MalformedXml { line, column, message });
            }
        };
        match event {
            Event::Start(e) if is_outline(&e) => match outline(&e, &folders) {
                Entry::Feed(o) => {
                    out.push(o);
                    open.push(false);
                }
                Entry::Folder(title) => {
                    folders.push(title);
                    open.push(true);
                }
            },
            Event::Empty(e) if is_outline(&e) => {
                if let Entry::Feed(o) = outline(&e, &folders) {
                    out.push(o);
                }
            }
            Event::End(e) if e.local_name().as_ref() == "outline" => {
                let was_folder = open.pop() == Some(true);
                folders.truncate(folders.len().saturating_sub(usize::from(was_folder)));
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(out)
}

fn is_outline(e: &BytesStart<'_>) -> bool {
    e.local_name().as_ref() == "outline"
}

enum Entry {
    Feed(Outline),
    Folder(String),
}

/// An attribute value as plain text: references decoded (XML's and HTML's named ones; a DTD's never),
/// whitespace collapsed, forbidden characters gone.
fn clean(raw: &str) -> String {
    let s = htmlize::unescape_attribute(raw);
    let mut out = String::with_capacity(s.len());
    for w in s.split(|c: char| c.is_whitespace() || c.is_control()) {
        if w.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}

fn outline(e: &BytesStart<'_>, folders: &[String]) -> Entry {
    let (mut title, mut text, mut xml_url, mut html_url, mut language, mut category) =
        (None, None, None, None, None, None);
    for a in e.attributes().with_checks(false).flatten() {
        let value = || clean(&a.value);
        match a.key.local_name().as_ref() {
            "title" => title = Some(value()),
            "text" => text = Some(value()),
            "xmlUrl" | "xmlurl" | "xmlURL" => xml_url = urls::resolve(None, &value()).map(String::from),
            "htmlUrl" | "htmlurl" | "htmlURL" => html_url = urls::resolve(None, &value()).map(String::from),
            "language" => language = Some(cut(&value(), 35).to_string()).filter(|l| !l.is_empty()),
            "category" => category = Some(value()),
            _ => {}
        }
    }
    let title = title.filter(|t| !t.is_empty()).or(text).unwrap_or_default();
    let title = truncate(&title, MAX_TITLE_CHARS);
    if xml_url.is_none() && html_url.is_none() {
        return Entry::Folder(title);
    }
    let path: Vec<&str> = folders
        .iter()
        .take(MAX_CATEGORY_DEPTH)
        .map(String::as_str)
        .filter(|f| !f.is_empty())
        .collect();
    let category = if path.is_empty() {
        // OPML 2.0: comma-separated, slash-delimited category paths; the first one is taken.
        category.and_then(|c| {
            let first = c.split(',').next().unwrap_or("");
            let parts: Vec<&str> = first.split('/').map(str::trim).filter(|p| !p.is_empty()).collect();
            (!parts.is_empty()).then(|| parts.join(CATEGORY_SEPARATOR))
        })
    } else {
        Some(path.join(CATEGORY_SEPARATOR))
    };
    let title = if title.is_empty() {
        xml_url.clone().or_else(|| html_url.clone()).unwrap_or_default()
    } else {
        title
    };
    Entry::Feed(Outline {
        title,
        xml_url,
        html_url,
        language,
        category: category.map(|c| truncate(&c, MAX_TITLE_CHARS)),
    })
}

/// Escapes text for an XML attribute or element, dropping characters XML 1.0 cannot carry.
fn escape_into(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            c if c < ' ' || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
}

fn write_outline(out: &mut String, o: &Outline, indent: &str) {
    out.push_str(indent);
    out.push_str("<outline text=\"");
    escape_into(out, &o.title);
    out.push_str("\" title=\"");
    escape_into(out, &o.title);
    out.push('"');
    if let Some(u) = &o.xml_url {
        out.push_str(" type=\"rss\" xmlUrl=\"");
        escape_into(out, u);
        out.push('"');
    }
    if let Some(u) = &o.html_url {
        out.push_str(" htmlUrl=\"");
        escape_into(out, u);
        out.push('"');
    }
    if let Some(l) = &o.language {
        out.push_str(" language=\"");
        escape_into(out, l);
        out.push('"');
    }
    out.push_str("/>\n");
}

/// An OPML 2.0 document of the outlines: one folder per category, folders and uncategorised outlines in
/// the order they first appear, outlines in their order within a folder. [`parse_opml`] reads it back
/// to the same outlines in that order.
pub fn write_opml(title: &str, outlines: &[Outline]) -> String {
    let mut out = String::with_capacity(256 + outlines.len() * 160);
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<opml version=\"2.0\">\n  <head>\n    <title>");
    escape_into(&mut out, title);
    out.push_str("</title>\n  </head>\n  <body>\n");
    for group in group_by_category(outlines) {
        match group
            .first()
            .and_then(|o| o.category.as_deref())
            .filter(|c| !c.is_empty())
        {
            Some(cat) => {
                out.push_str("    <outline text=\"");
                escape_into(&mut out, cat);
                out.push_str("\" title=\"");
                escape_into(&mut out, cat);
                out.push_str("\">\n");
                for o in group {
                    write_outline(&mut out, o, "      ");
                }
                out.push_str("    </outline>\n");
            }
            None => {
                for o in group {
                    write_outline(&mut out, o, "    ");
                }
            }
        }
    }
    out.push_str("  </body>\n</opml>\n");
    out
}

/// Groups outlines by category in order of first appearance; uncategorised outlines form one group at the
/// place the first of them appears.
fn group_by_category(outlines: &[Outline]) -> Vec<Vec<&Outline>> {
    let mut index: std::collections::HashMap<Option<&str>, usize> = std::collections::HashMap::new();
    let mut groups: Vec<Vec<&Outline>> = Vec::new();
    for o in outlines {
        let cat = o.category.as_deref().filter(|c| !c.is_empty());
        let i = *index.entry(cat).or_insert_with(|| {
            groups.push(Vec::new());
            groups.len() - 1
        });
        groups[i].push(o);
    }
    groups
}
