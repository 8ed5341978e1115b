//! The golden-case helper: `tests/<area>/<case>/input.*` beside `expected.txt` (a readable dump), refreshed
//! with `UPDATE_EXPECT=1 cargo test -p livebrief-feed`.

use std::path::{Path, PathBuf};

pub struct Case {
    pub input: Vec<u8>,
    /// `url.txt`, trimmed.
    pub url: String,
    /// `content-type.txt`, trimmed, if present.
    pub content_type: Option<String>,
}

/// Runs `render` on every case of `tests/<area>` and compares with `expected.txt`.
pub fn check(area: &str, min_cases: usize, render: impl Fn(&Case) -> String) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests").join(area);
    let update = std::env::var_os("UPDATE_EXPECT").is_some();
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("{}: {e}", root.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    assert!(
        dirs.len() >= min_cases,
        "only {} cases in {}",
        dirs.len(),
        root.display()
    );
    let mut failures = Vec::new();
    for dir in dirs {
        let input_path = std::fs::read_dir(&dir)
            .expect("case dir")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .find(|p| p.file_stem().is_some_and(|s| s == "input"))
            .unwrap_or_else(|| panic!("{}: no input.*", dir.display()));
        let read = |name: &str| {
            std::fs::read_to_string(dir.join(name))
                .ok()
                .map(|s| s.trim().to_string())
        };
        let case = Case {
            input: std::fs::read(&input_path).expect("input"),
            url: read("url.txt").unwrap_or_default(),
            content_type: read("content-type.txt"),
        };
        let got = render(&case);
        let expected_path = dir.join("expected.txt");
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
        if got != expected || !expected_path.exists() {
            if update {
                std::fs::write(&expected_path, &got).expect("write expected.txt");
            } else {
                failures.push(format!("== {}\n{}", dir.display(), diff(&expected, &got)));
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
    if out.is_empty() {
        out.push_str("(same lines, different order or count)\n");
    }
    out
}
