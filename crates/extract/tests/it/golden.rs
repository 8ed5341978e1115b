//! Golden pages: `tests/golden/<case>/input.html` beside `expected.txt` (the article text, then the
//! metadata). Refresh with `UPDATE_EXPECT=1 cargo test -p livebrief-extract golden`.

use std::path::Path;

use livebrief_extract::{Options, extract};

fn render(x: &livebrief_extract::Extraction) -> String {
    let d = &x.document;
    let mut s = String::new();
    for b in &d.blocks {
        s.push_str(&format!("[{}] {}\n", b.kind.as_str(), b.text));
    }
    s.push_str("---\n");
    s.push_str(&format!("title: {}\n", d.title.as_deref().unwrap_or("-")));
    s.push_str(&format!("authors: {}\n", d.authors.join("; ")));
    let date = |f: &Option<livebrief_extract::FoundDate>| {
        f.as_ref()
            .map_or("-".to_string(), |f| format!("{} ({})", f.value, f.source))
    };
    s.push_str(&format!("published: {}\n", date(&d.published)));
    s.push_str(&format!("modified: {}\n", date(&d.modified)));
    s.push_str(&format!("site: {}\n", d.site_name.as_deref().unwrap_or("-")));
    s.push_str(&format!("language: {}\n", d.language.as_deref().unwrap_or("-")));
    s.push_str(&format!("canonical: {}\n", d.canonical_url.as_deref().unwrap_or("-")));
    s.push_str(&format!("image: {}\n", d.lead_image.as_deref().unwrap_or("-")));
    let enc = x
        .diagnostics
        .iter()
        .find(|d| d.starts_with("encoding"))
        .cloned()
        .unwrap_or_default();
    s.push_str(&format!("{enc}\n"));
    s
}

#[test]
fn golden_pages() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
    let update = std::env::var_os("UPDATE_EXPECT").is_some();
    let mut cases: Vec<_> = std::fs::read_dir(&root)
        .expect("tests/golden")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    assert!(cases.len() >= 12, "only {} golden cases", cases.len());
    let mut failures = Vec::new();
    for case in cases {
        let input = std::fs::read(case.join("input.html")).expect("input.html");
        let url = std::fs::read_to_string(case.join("url.txt")).ok();
        let charset = std::fs::read_to_string(case.join("charset.txt")).ok();
        let got = render(&extract(
            &input,
            &Options {
                url: url.as_deref().map(str::trim),
                http_charset: charset.as_deref().map(str::trim),
            },
        ));
        let expected_path = case.join("expected.txt");
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
        if got != expected {
            if update {
                std::fs::write(&expected_path, &got).expect("write expected.txt");
            } else {
                failures.push(format!("== {}\n{}", case.display(), diff(&expected, &got)));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "golden mismatches (UPDATE_EXPECT=1 to accept):\n{}",
        failures.join("\n")
    );
}

/// A line diff: `-` expected, `+` got.
fn diff(expected: &str, got: &str) -> String {
    let e: Vec<&str> = expected.lines().collect();
    let g: Vec<&str> = got.lines().collect();
    let mut out = String::new();
    for l in &e {
        if !g.contains(l) {
            out.push_str(&format!("- {l}\n"));
        }
    }
    for l in &g {
        if !e.contains(l) {
            out.push_str(&format!("+ {l}\n"));
        }
    }
    out
}
