//! Article extraction: from a news page's bytes to the article's text and metadata.
//!
//! Pure: `extract(bytes, &Options)` takes the page and what is known about it (URL, HTTP charset) and
//! returns an [`Extraction`]: the document plus diagnostics. It never reads the clock, the network or the
//! disk, and never panics on any input (fuzzed).

mod content;
pub mod dom;
mod encoding;
pub mod eval;
mod meta;

pub use encoding::{EncodingSource, decode};

/// What is known about a page besides its bytes.
#[derive(Debug, Clone, Default)]
pub struct Options<'a> {
    /// The page's URL: resolves relative links and gives a date when the path has one.
    pub url: Option<&'a str>,
    /// The charset parameter of the HTTP Content-Type header.
    pub http_charset: Option<&'a str>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockKind {
    Paragraph,
    Heading,
    ListItem,
    Blockquote,
    Preformatted,
    TableRow,
}

impl BlockKind {
    pub fn as_str(self) -> &'static str {
        match self {
            BlockKind::Paragraph => "paragraph",
            BlockKind::Heading => "heading",
            BlockKind::ListItem => "list_item",
            BlockKind::Blockquote => "blockquote",
            BlockKind::Preformatted => "preformatted",
            BlockKind::TableRow => "table_row",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    pub kind: BlockKind,
    pub text: String,
}

/// A date found on the page, with where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundDate {
    /// As written (an RFC 3339 timestamp, a date, …).
    pub raw: String,
    /// Normalised: `YYYY-MM-DD` or an RFC 3339 timestamp.
    pub value: String,
    pub source: &'static str,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Document {
    pub title: Option<String>,
    pub authors: Vec<String>,
    pub published: Option<FoundDate>,
    pub modified: Option<FoundDate>,
    pub site_name: Option<String>,
    pub language: Option<String>,
    pub canonical_url: Option<String>,
    pub lead_image: Option<String>,
    pub description: Option<String>,
    pub blocks: Vec<Block>,
}

impl Document {
    /// The article as plain text, one block per paragraph.
    pub fn text(&self) -> String {
        let mut s = String::new();
        for b in &self.blocks {
            if !s.is_empty() {
                s.push_str("\n\n");
            }
            s.push_str(&b.text);
        }
        s
    }
}

#[derive(Debug, Clone, Default)]
pub struct Extraction {
    pub document: Document,
    /// What happened on the way: the encoding used, the strategy that won, why nothing was found.
    pub diagnostics: Vec<String>,
}

/// Largest input read; beyond it the page is cut (and a diagnostic says so).
pub const MAX_INPUT_BYTES: usize = 64 * 1024 * 1024;

pub fn extract(bytes: &[u8], opts: &Options<'_>) -> Extraction {
    let mut diagnostics = Vec::new();
    let bytes = if bytes.len() > MAX_INPUT_BYTES {
        diagnostics.push(format!("input cut at {MAX_INPUT_BYTES} bytes (was {})", bytes.len()));
        &bytes[..MAX_INPUT_BYTES]
    } else {
        bytes
    };
    let tld = opts
        .url
        .and_then(|u| url::Url::parse(u).ok())
        .and_then(|u| u.host_str().and_then(|h| h.rsplit('.').next().map(str::to_string)));
    let (text, enc, source) = decode(bytes, opts.http_charset, tld.as_deref());
    diagnostics.push(format!("encoding {} ({})", enc.name(), source.as_str()));
    extract_str(&text, opts, diagnostics)
}

/// Extraction from text already decoded.
pub fn extract_str(html: &str, opts: &Options<'_>, mut diagnostics: Vec<String>) -> Extraction {
    let dom = dom::Dom::parse(html);
    if dom.depth_capped {
        diagnostics.push(format!("nesting deeper than {} elements was flattened", dom::MAX_DEPTH));
    }
    let (mut document, hints) = meta::metadata(&dom, opts.url);
    let (blocks, why) = content::article(&dom, &document, &hints);
    diagnostics.extend(why);
    document.blocks = blocks;
    if document.blocks.is_empty() {
        diagnostics.push("no article found: the page has no block of running text".into());
    }
    Extraction { document, diagnostics }
}
