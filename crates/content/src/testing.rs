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
    // Attributes inside tags: event handlers and dangerous URL schemes.
    let bytes = lower.as_bytes();
    let mut i = 0;
    while let Some(lt) = lower[i..].find('<') {
        let start = i + lt;
        let end = lower[start..]
            .find('>')
            .map(|g| start + g)
            .unwrap_or(lower.len());
        let tag = &lower[start..end];
        for (pos, _) in tag
            .match_indices(" on")
            .chain(tag.match_indices("\ton"))
            .chain(tag.match_indices("\non"))
        {
            let rest = &tag[pos + 3..];
            let name_len = rest.bytes().take_while(|b| b.is_ascii_alphabetic()).count();
            if name_len > 0 && rest[name_len..].trim_start().starts_with('=') {
                return Some(format!("event handler: {}", context(doc, start + pos)));
            }
        }
        for attr in [
            "href=",
            "src=",
            "action=",
            "formaction=",
            "data=",
            "srcdoc=",
            "xlink:href=",
            "style=",
        ] {
            for (pos, _) in tag.match_indices(attr) {
                if attr == "style=" || attr == "srcdoc=" {
                    return Some(format!("{attr} attribute: {}", context(doc, start + pos)));
                }
                let v = tag[pos + attr.len()..].trim_start_matches(['"', '\'', ' ']);
                let v: String = v.chars().filter(|c| !c.is_whitespace()).collect();
                if ["javascript:", "vbscript:", "data:", "java&"]
                    .iter()
                    .any(|s| v.starts_with(s))
                {
                    return Some(format!("dangerous URL: {}", context(doc, start + pos)));
                }
            }
        }
        i = end.min(bytes.len());
        if i >= lower.len() {
            break;
        }
    }
    None
}

fn context(doc: &str, i: usize) -> String {
    let from = doc.floor_char_boundary(i.saturating_sub(40));
    let to = doc.ceil_char_boundary((i + 60).min(doc.len()));
    doc[from..to].to_string()
}
