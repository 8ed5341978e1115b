//! Bytes to text: BOM, then the HTTP charset, then `<meta charset>` / `http-equiv`, then valid UTF-8, then
//! chardetng's guess (which knows windows-1251, KOI8-R and friends).

use std::borrow::Cow;

use encoding_rs::{Encoding, UTF_8};

/// Where the encoding came from, for diagnostics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EncodingSource {
    Bom,
    Http,
    Meta,
    Utf8,
    Detected,
}

impl EncodingSource {
    pub fn as_str(self) -> &'static str {
        match self {
            EncodingSource::Bom => "bom",
            EncodingSource::Http => "http",
            EncodingSource::Meta => "meta",
            EncodingSource::Utf8 => "utf-8 (valid)",
            EncodingSource::Detected => "detected",
        }
    }
}

/// Looks for a charset in the first 4 KiB: `<meta charset=...>` or
/// `<meta http-equiv="content-type" content="...; charset=...">`.
pub fn meta_charset(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = bytes[..bytes.len().min(4096)].to_ascii_lowercase();
    let mut i = 0;
    while let Some(off) = memchr::memmem::find(&head[i..], b"<meta") {
        let start = i + off;
        let end = memchr::memchr(b'>', &head[start..]).map_or(head.len(), |e| start + e);
        let tag = &head[start..end];
        if let Some(p) = memchr::memmem::find(tag, b"charset") {
            let rest = &tag[p + 7..];
            let rest = rest.iter().position(|&b| b != b' ').map_or(&rest[..0], |k| &rest[k..]);
            if let Some(rest) = rest.strip_prefix(b"=") {
                let rest: &[u8] = rest
                    .iter()
                    .position(|&b| !matches!(b, b' ' | b'"' | b'\''))
                    .map_or(&[], |k| &rest[k..]);
                let len = rest
                    .iter()
                    .position(|&b| matches!(b, b'"' | b'\'' | b' ' | b';' | b'/' | b'>'))
                    .unwrap_or(rest.len());
                if let Some(enc) = Encoding::for_label(&rest[..len]) {
                    // A page that says UTF-16 in ASCII-compatible bytes is not UTF-16 (WHATWG).
                    return Some(if enc == encoding_rs::UTF_16LE || enc == encoding_rs::UTF_16BE {
                        UTF_8
                    } else {
                        enc
                    });
                }
            }
        }
        i = end.max(start + 5);
        if i >= head.len() {
            break;
        }
    }
    None
}

/// Decodes `bytes` to text. `http_charset` is the charset parameter of a Content-Type header, if known;
/// `tld` (e.g. `ua`) helps the detector.
pub fn decode<'b>(
    bytes: &'b [u8],
    http_charset: Option<&str>,
    tld: Option<&str>,
) -> (Cow<'b, str>, &'static Encoding, EncodingSource) {
    if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        let (text, _) = enc.decode_without_bom_handling(&bytes[bom_len..]);
        return (text, enc, EncodingSource::Bom);
    }
    if let Some(enc) = http_charset.and_then(|c| Encoding::for_label(c.trim().as_bytes())) {
        let (text, _) = enc.decode_without_bom_handling(bytes);
        return (text, enc, EncodingSource::Http);
    }
    if let Some(enc) = meta_charset(bytes) {
        let (text, _) = enc.decode_without_bom_handling(bytes);
        return (text, enc, EncodingSource::Meta);
    }
    if let Ok(s) = std::str::from_utf8(bytes) {
        return (Cow::Borrowed(s), UTF_8, EncodingSource::Utf8);
    }
    let mut det = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    det.feed(bytes, true);
    let enc = det.guess(tld.map(str::as_bytes), chardetng::Utf8Detection::Allow);
    let (text, _) = enc.decode_without_bom_handling(bytes);
    (text, enc, EncodingSource::Detected)
}
