//! The evaluation set (../shared/data/extraction, read in place, never copied): a floor on F1 so a
//! regression fails CI. The set is also checked on pages nobody here has seen, so the floor guards the
//! method, not tuning.

use std::io::Read;
use std::path::Path;

use livebrief_extract::{Options, eval, extract};

const F1_FLOOR: f64 = 0.97;

#[test]
fn dev_set_f1_stays_above_the_floor() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/extraction");
    let truth_path = dir.join("ground-truth.json");
    let Ok(truth_text) = std::fs::read_to_string(&truth_path) else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must have ../shared/data/extraction"
        );
        eprintln!("skipping: {} not found (outside CI)", truth_path.display());
        return;
    };
    let truth: serde_json::Value = serde_json::from_str(&truth_text).expect("ground truth JSON");
    let mut scores = Vec::new();
    for (id, v) in truth.as_object().expect("object") {
        let mut html = Vec::new();
        let f = std::fs::File::open(dir.join("html").join(format!("{id}.html.gz"))).expect("page");
        flate2::read::GzDecoder::new(f).read_to_end(&mut html).expect("gunzip");
        let x = extract(
            &html,
            &Options {
                url: v["url"].as_str(),
                http_charset: None,
            },
        );
        scores.push(eval::score_page(
            v["articleBody"].as_str().unwrap_or(""),
            &x.document.text(),
        ));
    }
    let s = eval::summarize(&scores);
    eprintln!(
        "dev set: P {:.4} R {:.4} F1 {:.4} accuracy {:.4} over {} pages",
        s.precision, s.recall, s.f1, s.accuracy, s.pages
    );
    assert_eq!(s.pages, 88);
    assert!(s.f1 >= F1_FLOOR, "F1 {:.4} fell below {F1_FLOOR}", s.f1);
}
