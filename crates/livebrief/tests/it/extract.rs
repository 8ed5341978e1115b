//! `livebrief extract` and `livebrief eval-extraction` as a user runs them.

use std::io::Write;
use std::process::{Command, Stdio};

use crate::support::BIN;

const PAGE: &str = r#"<html lang="en"><head><title>Bridges reopen | City News</title>
<meta property="og:site_name" content="City News"><meta name="author" content="Ada Writer"></head>
<body><nav><a href="/">Home</a> <a href="/news">News</a></nav><article><h1>Bridges reopen</h1>
<p>The mayor said on Sunday that the city would reopen three bridges closed since the floods, after inspections.</p>
<p>Traffic on the remaining crossings has been heavy for a week, with delays of more than an hour each way.</p>
</article><footer>© City News</footer></body></html>"#;

#[test]
fn extract_prints_text_and_json() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("page.html");
    std::fs::write(&file, PAGE).expect("write");
    let out = Command::new(BIN).args(["extract"]).arg(&file).output().expect("run");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).expect("utf-8");
    assert!(text.starts_with("The mayor said on Sunday"), "{text}");
    assert!(text.contains("\n\nTraffic on the remaining"), "paragraphs kept: {text}");
    assert!(!text.contains("Home") && !text.contains("©"));

    let out = Command::new(BIN)
        .args([
            "extract",
            "--json",
            "--url",
            "https://city.example/2025/03/16/bridges",
            "-",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .and_then(|mut c| {
            c.stdin.take().expect("stdin").write_all(PAGE.as_bytes())?;
            c.wait_with_output()
        })
        .expect("run");
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["title"], "Bridges reopen");
    assert_eq!(v["authors"], serde_json::json!(["Ada Writer"]));
    assert_eq!(v["site_name"], "City News");
    assert_eq!(v["language"], "en");
    assert_eq!(v["published"]["value"], "2025-03-16");
    assert_eq!(v["published"]["source"], "url");
    assert_eq!(v["paragraphs"].as_array().map(Vec::len), Some(2));
    assert_eq!(v["paragraphs"][0]["kind"], "paragraph");
    assert!(v["diagnostics"].as_array().is_some_and(|d| !d.is_empty()));
}

#[test]
fn extract_fails_clearly_without_an_article() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("nav.html");
    std::fs::write(&file, "<nav><a href='/a'>A</a></nav>").expect("write");
    let out = Command::new(BIN).args(["extract"]).arg(&file).output().expect("run");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no article"));
    let missing = Command::new(BIN)
        .args(["extract", "/nonexistent/page.html"])
        .output()
        .expect("run");
    assert!(!missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("/nonexistent/page.html"));
}

#[test]
fn batch_then_evaluate() {
    let dir = tempfile::tempdir().expect("tempdir");
    let pages = dir.path().join("pages");
    std::fs::create_dir(&pages).expect("mkdir");
    std::fs::write(pages.join("one.html"), PAGE).expect("write");
    let mut gz = flate2_write(pages.join("two.html.gz"));
    gz.write_all(PAGE.replace("three bridges", "four bridges").as_bytes())
        .expect("write");
    gz.finish().expect("finish");
    let out_file = dir.path().join("out.jsonl");
    let out = Command::new(BIN)
        .args(["extract", "--batch"])
        .arg(&pages)
        .arg("--out")
        .arg(&out_file)
        .output()
        .expect("run");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("pages/s"));
    let lines: Vec<serde_json::Value> = std::fs::read_to_string(&out_file)
        .expect("read")
        .lines()
        .map(|l| serde_json::from_str(l).expect("json line"))
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[1]["id"], "two");
    assert!(lines[1]["text"].as_str().is_some_and(|t| t.contains("four bridges")));

    let truth = dir.path().join("truth.json");
    let body = "The mayor said on Sunday that the city would reopen three bridges closed since the floods, after inspections.\n\nTraffic on the remaining crossings has been heavy for a week, with delays of more than an hour each way.";
    std::fs::write(
        &truth,
        serde_json::json!({"one": {"articleBody": body}, "two": {"articleBody": body}}).to_string(),
    )
    .expect("write");
    let out = Command::new(BIN)
        .args(["eval-extraction", "--truth"])
        .arg(&truth)
        .arg("--predictions")
        .arg(&out_file)
        .output()
        .expect("run");
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(
        report.contains("pages 2") && report.contains("accuracy 0.5000"),
        "{report}"
    );
    assert!(
        report.contains("precision 0.") && !report.contains("F1 1.0000"),
        "one page differs: {report}"
    );
}

fn flate2_write(path: std::path::PathBuf) -> flate2::write::GzEncoder<std::fs::File> {
    flate2::write::GzEncoder::new(
        std::fs::File::create(path).expect("create"),
        flate2::Compression::fast(),
    )
}
