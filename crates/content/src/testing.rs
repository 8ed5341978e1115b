//! Test support shared by every crate that shows outside HTML: the hostile-markup corpus and the check
//! that a rendered page or feed carries none of it.

/// Hostile snippets, one per case.
pub fn hostile_corpus() -> Vec<&'static str> {
    include_str!("../testdata/hostile-markup.txt")
        .split("\n#---\n")
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect()
}

const FORBIDDEN_TAGS: &[&str] = &[
    "<script",
    "<svg",
    "<math",
    "<iframe",
    "<object",
    "<embed",
    "<form",
    "<style",
    "<meta",
    "<base",
    "<link",
    "<input",
    "<button",
    "<textarea",
    "<template",
    "<video",
    "<source",
    "<details",
    "<marquee",
    "<body",
    "<noscript",
];

/// Checks that `doc` (a page, a feed, a JSON string with HTML inside, already unescaped where needed) has no
/// active content from the corpus. `allowed_tags` lists tags the surrounding page itself legitimately uses
/// (e.g. its own `<script src>`, `<form>`), which the caller must have removed or accounted for.
pub fn find_active_content(doc: &str) -> Option<String> {
    let lower = doc.to_ascii_lowercase();
    for t in FORBIDDEN_TAGS {
        if let Some(i) = lower.find(t) {
            return Some(format!("tag {t} at {i}: {}", context(doc, i)));
        }
    }
    // Attributes: tokenised like a browser would (quoted values may contain '>' and markup-like text).
    let b = lower.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'<' || !b.get(i + 1).is_some_and(|c| c.is_ascii_alphabetic()) {
            i += 1;
            continue;
        }
        let start = i;
        i += 1;
        while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'>' && b[i] != b'/' {
            i += 1;
        }
        loop {
            while i < b.len() && (b[i].is_ascii_whitespace() || b[i] == b'/') {
                i += 1;
            }
            if i >= b.len() || b[i] == b'>' {
                break;
            }
            let name_start = i;
            while i < b.len() && !b[i].is_ascii_whitespace() && !matches!(b[i], b'=' | b'>' | b'/') {
                i += 1;
            }
            let name = &lower[name_start..i];
            while i < b.len() && b[i].is_ascii_whitespace() {
                i += 1;
            }
            let mut value = String::new();
            if i < b.len() && b[i] == b'=' {
                i += 1;
                while i < b.len() && b[i].is_ascii_whitespace() {
                    i += 1;
                }
                if i < b.len() && (b[i] == b'"' || b[i] == b'\'') {
                    let q = b[i];
                    let v_start = i + 1;
                    i = v_start;
                    while i < b.len() && b[i] != q {
                        i += 1;
                    }
                    value = lower[v_start..i.min(b.len())].to_string();
                    i += 1;
                } else {
                    let v_start = i;
                    while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'>' {
                        i += 1;
                    }
                    value = lower[v_start..i].to_string();
                }
            }
            if name.starts_with("on") && name.len() > 2 {
                return Some(format!("event handler {name}: {}", context(doc, name_start)));
            }
            if matches!(name, "style" | "srcdoc") {
                return Some(format!("{name} attribute: {}", context(doc, name_start)));
            }
            if matches!(
                name,
                "href" | "src" | "action" | "formaction" | "data" | "xlink:href" | "poster" | "background" | "cite"
            ) {
                let v: String = decode_entities(&value)
                    .chars()
                    .filter(|c| !c.is_whitespace() && !c.is_control())
                    .collect();
                if ["javascript:", "vbscript:", "data:"].iter().any(|s| v.starts_with(s)) {
                    return Some(format!("dangerous URL in {name}: {}", context(doc, start)));
                }
            }
        }
    }
    None
}

/// Numeric and the few named character references that can hide a URL scheme.
fn decode_entities(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let end = after
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '#'))
            .unwrap_or(after.len());
        let name = &after[..end];
        let decoded = if let Some(hex) = name.strip_prefix("#x") {
            u32::from_str_radix(hex, 16).ok().and_then(char::from_u32)
        } else if let Some(dec) = name.strip_prefix('#') {
            dec.parse().ok().and_then(char::from_u32)
        } else {
            match name {
                "colon" => Some(':'),
                "tab" => Some('\t'),
                "newline" => Some('\n'),
                "amp" => Some('&'),
                _ => None,
            }
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = after[end..].strip_prefix(';').unwrap_or(&after[end..]);
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

fn context(doc: &str, i: usize) -> String {
    let from = doc.floor_char_boundary(i.saturating_sub(40));
    let to = doc.ceil_char_boundary((i + 60).min(doc.len()));
    doc[from..to].to_string()
}
