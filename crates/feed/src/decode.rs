//! Bytes to text for XML and JSON bodies: the byte-order mark, then the HTTP charset and the XML declaration
//! (RFC 7303 puts the HTTP charset first, but a label that says UTF-8 over bytes that are not UTF-8 is
//! believed less than the other label), then valid UTF-8, then chardetng's guess. The text handed on is
//! UTF-8 without a declaration (so the XML reader does not decode a second time), without NULs and other
//! control characters that XML forbids.

use std::borrow::Cow;

use encoding_rs::{Encoding, UTF_8, UTF_16BE, UTF_16LE};

use crate::Diagnostics;

/// The charset parameter of a Content-Type header value.
pub(crate) fn charset_param(content_type: Option<&str>) -> Option<&str> {
    let ct = content_type?;
    ct.split(';').skip(1).find_map(|p| {
        let (k, v) = p.split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("charset")
            .then(|| v.trim().trim_matches(|c| c == '"' || c == '\''))
    })
}

/// The `encoding` of an `<?xml ...?>` declaration at the start of an ASCII-compatible body.
fn declared_encoding(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(1024)];
    let start = head.iter().position(|b| !b.is_ascii_whitespace())?;
    let head = &head[start..];
    if !head.starts_with(b"<?xml") {
        return None;
    }
    let end = memchr::memmem::find(head, b"?>")?;
    let decl = &head[..end];
    let p = memchr::memmem::find(decl, b"encoding")?;
    let rest = &decl[p + 8..];
    let rest = &rest[rest.iter().position(|b| !b.is_ascii_whitespace())?..];
    let rest = rest.strip_prefix(b"=")?;
    let rest = &rest[rest.iter().position(|b| !b.is_ascii_whitespace())?..];
    let quote = *rest.first()?;
    if quote != b'"' && quote != b'\'' {
        return None;
    }
    let rest = &rest[1..];
    let len = memchr::memchr(quote, rest)?;
    Encoding::for_label(&rest[..len])
}

/// UTF-16 without a byte-order mark shows itself in its first character, `<` (XML 1.0, appendix F).
fn utf16_by_pattern(bytes: &[u8]) -> Option<&'static Encoding> {
    match bytes {
        [b'<', 0, b'?' | b'r' | b'f' | b'o' | b'R', 0, ..] => Some(UTF_16LE),
        [0, b'<', 0, b'?' | b'r' | b'f' | b'o' | b'R', ..] => Some(UTF_16BE),
        _ => None,
    }
}

/// Whether bytes that are not valid UTF-8 are still UTF-8 with a few broken sequences: at least as many
/// well-formed multi-byte characters as broken ones. A legacy single-byte body has (almost) none.
fn mostly_utf8(bytes: &[u8]) -> bool {
    let (mut good, mut bad) = (0usize, 0usize);
    for chunk in bytes.utf8_chunks() {
        good += chunk.valid().chars().filter(|c| !c.is_ascii()).count();
        bad += usize::from(!chunk.invalid().is_empty());
    }
    good >= bad.max(1)
}

/// Decodes a feed or OPML body. The diagnostics say which encoding was used and why.
pub(crate) fn decode<'b>(bytes: &'b [u8], http_charset: Option<&str>, diags: &mut Diagnostics) -> Cow<'b, str> {
    let (enc, body, why): (&'static Encoding, &[u8], String) = if let Some((enc, n)) = Encoding::for_bom(bytes) {
        (enc, &bytes[n..], "byte-order mark".into())
    } else if let Some(enc) = utf16_by_pattern(bytes) {
        (enc, bytes, "UTF-16 by its first character".into())
    } else {
        let valid_utf8 = std::str::from_utf8(bytes).is_ok();
        let ascii_only = valid_utf8 && bytes.is_ascii();
        let http = http_charset.and_then(|c| Encoding::for_label(c.trim().as_bytes()));
        let decl = declared_encoding(bytes);
        let mut chosen = None;
        for (label, source) in [(http, "http charset"), (decl, "xml declaration")] {
            let Some(enc) = label else { continue };
            // A body read as ASCII-compatible text cannot be UTF-16 (it would not have matched a pattern).
            let enc = if enc == UTF_16LE || enc == UTF_16BE { UTF_8 } else { enc };
            if enc == UTF_8 && !valid_utf8 && !mostly_utf8(bytes) {
                diags.push(format!("{source} says UTF-8 but the body is not UTF-8; label ignored"));
                continue;
            }
            if chosen.is_none() {
                chosen = Some((enc, source));
            } else if let Some((first, first_source)) = chosen
                && first != enc
            {
                // The two labels disagree. Valid UTF-8 with non-ASCII bytes is strong evidence for UTF-8, and
                // an HTTP ISO-8859-1 (windows-1252 here) is usually a server's default, not a statement.
                let server_default = first == encoding_rs::WINDOWS_1252;
                if (enc == UTF_8 && !ascii_only) || (server_default && enc != UTF_8) {
                    chosen = Some((enc, source));
                    diags.push(format!(
                        "{first_source} says {} but the {source} says {}; read as {}",
                        first.name(),
                        enc.name(),
                        enc.name()
                    ));
                } else {
                    diags.push(format!("{source} says {}; the {first_source} wins", enc.name()));
                }
            }
        }
        match chosen {
            Some((enc, source)) => (enc, bytes, source.to_string()),
            None if valid_utf8 => (UTF_8, bytes, "valid UTF-8".into()),
            None if mostly_utf8(bytes) => (UTF_8, bytes, "UTF-8 with broken sequences".into()),
            None => {
                let mut det = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
                det.feed(bytes, true);
                let enc = det.guess(None, chardetng::Utf8Detection::Allow);
                (enc, bytes, "detected".into())
            }
        }
    };
    diags.push(format!("encoding {} ({why})", enc.name()));
    let (text, had_errors) = enc.decode_without_bom_handling(body);
    if had_errors {
        diags.push("invalid byte sequences were replaced with U+FFFD");
    }
    text
}

/// Characters XML 1.0 forbids (C0 controls other than tab, newline and carriage return; U+FFFE, U+FFFF).
fn forbidden(c: char) -> bool {
    (c < ' ' && !matches!(c, '\t' | '\n' | '\r')) || c == '\u{FFFE}' || c == '\u{FFFF}'
}

/// Removes forbidden characters, counting them.
pub(crate) fn strip_forbidden<'a>(text: Cow<'a, str>, diags: &mut Diagnostics) -> Cow<'a, str> {
    let n = text.chars().filter(|&c| forbidden(c)).count();
    if n == 0 {
        return text;
    }
    diags.push(format!("removed {n} control characters (NUL and others XML forbids)"));
    Cow::Owned(text.chars().filter(|&c| !forbidden(c)).collect())
}

/// Removes XML declarations: the reader would otherwise decode the (already decoded) text again as the
/// declaration says, and quick-xml's decoder panics on a declaration that changes the encoding mid-document.
pub(crate) fn strip_declarations(text: Cow<'_, str>) -> Cow<'_, str> {
    let is_decl = |s: &str, at: usize| {
        s[at..].starts_with("<?xml")
            && s.as_bytes()
                .get(at + 5)
                .is_none_or(|&b| b.is_ascii_whitespace() || b == b'?')
    };
    let finder = memchr::memmem::Finder::new(b"<?xml");
    let count = finder
        .find_iter(text.as_bytes())
        .filter(|&at| is_decl(&text, at))
        .count();
    if count == 0 {
        return text;
    }
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for at in finder.find_iter(text.as_bytes()) {
        if at < last || !is_decl(&text, at) {
            continue;
        }
        out.push_str(&text[last..at]);
        // An unterminated declaration runs to the end (the XML reader would refuse it anyway).
        last = memchr::memmem::find(&text.as_bytes()[at..], b"?>").map_or(text.len(), |e| at + e + 2);
    }
    out.push_str(&text[last..]);
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charset_parameter() {
        assert_eq!(
            charset_param(Some("application/rss+xml; charset=\"KOI8-R\"")),
            Some("KOI8-R")
        );
        assert_eq!(charset_param(Some("text/xml;Charset=utf-8")), Some("utf-8"));
        assert_eq!(charset_param(Some("text/xml")), None);
        assert_eq!(charset_param(None), None);
    }

    #[test]
    fn declarations_go_everywhere_but_look_alikes_stay() {
        let t = strip_declarations(Cow::Borrowed(
            "<?xml version=\"1.0\"?><rss><?xml-stylesheet href=\"x\"?><a><?xml encoding=\"utf-16\"?></a></rss>",
        ));
        assert_eq!(t, "<rss><?xml-stylesheet href=\"x\"?><a></a></rss>");
        assert_eq!(strip_declarations(Cow::Borrowed("<rss><?xml ")), "<rss>");
    }
}
