//! `livebrief read` as a user runs it, and `eval-quotes` agreeing with the reference scorer.

use std::process::Command;

use crate::support::BIN;

const REPORT: &str = "Kremlin aide Boris Lanov said on March 12 that the proposal was unacceptable.\n\n\"We will not accept a pause that helps only one side,\" Lanov said. \"Nothing more.\"\n\nThe talks in Geneva resume next week, the foreign ministry said.";

#[test]
fn read_prints_json_with_code_point_spans() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("report.txt");
    std::fs::write(&file, REPORT).expect("write");
    let out = Command::new(BIN)
        .args(["read"])
        .arg(&file)
        .args(["--published", "2025-03-13", "--json"])
        .output()
        .expect("run");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let quotes = v["quotes"].as_array().expect("quotes");
    assert_eq!(quotes.len(), 3, "{quotes:?}");
    let chars: Vec<char> = REPORT.chars().collect();
    for q in quotes {
        for s in q["spans"].as_array().expect("spans") {
            let (a, b) = (
                s[0].as_u64().expect("start") as usize,
                s[1].as_u64().expect("end") as usize,
            );
            assert!(a < b && b <= chars.len());
        }
    }
    assert_eq!(quotes[0]["kind"], "indirect");
    assert_eq!(quotes[0]["speaker"]["name"], "Boris Lanov");
    assert_eq!(quotes[0]["date"], "2025-03-12");
    assert_eq!(quotes[1]["kind"], "direct");
    assert_eq!(
        quotes[1]["speaker"]["name"], "Boris Lanov",
        "the surname links to the full name"
    );
    assert_eq!(
        quotes[1]["spans"].as_array().map(Vec::len),
        Some(2),
        "the second sentence continues the quote"
    );
    let cue = &quotes[1]["cue"];
    let (a, b) = (
        cue["span"][0].as_u64().expect("a") as usize,
        cue["span"][1].as_u64().expect("b") as usize,
    );
    assert_eq!(chars[a..b].iter().collect::<String>(), "said");
    assert!(
        v["entities"]
            .as_array()
            .expect("entities")
            .iter()
            .any(|e| e["name"] == "Geneva" && e["kind"] == "place")
    );
    assert_eq!(v["language"], "en");

    let human = Command::new(BIN)
        .args(["read"])
        .arg(&file)
        .args(["--published", "2025-03-13"])
        .output()
        .expect("run");
    assert!(String::from_utf8_lossy(&human.stdout).contains("Boris Lanov"));
    let bad = Command::new(BIN)
        .args(["read"])
        .arg(&file)
        .args(["--published", "13/03/2025"])
        .output()
        .expect("run");
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("--published"));
}

#[test]
fn read_takes_a_topic_list_and_prints_the_defaults_to_start_from() {
    let dir = tempfile::tempdir().expect("tempdir");
    let defaults = Command::new(BIN).arg("topics").output().expect("run");
    assert!(defaults.status.success());
    let text = String::from_utf8_lossy(&defaults.stdout).into_owned();
    assert!(text.lines().any(|l| l.starts_with("diplomacy | ")), "{text}");
    let report = dir.path().join("report.txt");
    std::fs::write(
        &report,
        "A blackout hit Odesa after a strike on a substation; talks resume next week.",
    )
    .expect("write");
    let own = dir.path().join("topics.txt");
    std::fs::write(&own, "energy | Energy | blackout:2, substation:2\n").expect("write");
    let out = Command::new(BIN)
        .arg("read")
        .arg(&report)
        .args(["--published", "2025-03-13", "--json", "--topics"])
        .arg(&own)
        .output()
        .expect("run");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let topics: Vec<&str> = v["topics"]
        .as_array()
        .expect("topics")
        .iter()
        .filter_map(|t| t["topic"].as_str())
        .collect();
    assert_eq!(
        topics,
        vec!["energy"],
        "only the given list, not the default diplomacy topic"
    );
    std::fs::write(&own, "energy | Energy\n").expect("write");
    let bad = Command::new(BIN)
        .arg("read")
        .arg(&report)
        .args(["--published", "2025-03-13", "--topics"])
        .arg(&own)
        .output()
        .expect("run");
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("line 1"));
}

#[test]
fn eval_quotes_agrees_with_the_reference_scorer() {
    let shared = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared");
    let set = format!("{shared}/data/quotes/polnear-dev.jsonl");
    let tool = format!("{shared}/tools/quote_eval.py");
    if !std::path::Path::new(&set).exists() || Command::new("python3").arg("--version").output().is_err() {
        assert!(std::env::var_os("CI").is_none(), "CI must have ../shared and python3");
        eprintln!("skipping: {set} or python3 not available (outside CI)");
        return;
    }
    let ours = Command::new(BIN)
        .args(["eval-quotes", "--set", &set, "--limit", "25"])
        .output()
        .expect("run");
    assert!(ours.status.success());
    let reference = Command::new("python3")
        .args([
            tool.as_str(),
            set.as_str(),
            "--limit",
            "25",
            "--",
            BIN,
            "read",
            "{}",
            "--published",
            "{date}",
            "--json",
        ])
        .output()
        .expect("run reference");
    assert!(
        reference.status.success(),
        "{}",
        String::from_utf8_lossy(&reference.stderr)
    );
    let last = |b: &[u8]| {
        String::from_utf8_lossy(b)
            .lines()
            .find(|l| l.starts_with("quote P"))
            .map(String::from)
            .expect("summary line")
    };
    assert_eq!(last(&ours.stdout), last(&reference.stdout), "the two scorers disagree");
    let kinds = |b: &[u8]| {
        String::from_utf8_lossy(b)
            .lines()
            .filter(|l| l.starts_with("direct_or_mixed") || l.starts_with("indirect"))
            .map(String::from)
            .collect::<Vec<_>>()
    };
    assert_eq!(kinds(&ours.stdout), kinds(&reference.stdout));
}
