//! `livebrief read FILE --published DATE --json` for a plain-text file, without building the server: the
//! NER scorer can run it on every document of a set at a fraction of the binary's build time.
//!
//! `cargo build --release -p livebrief-nlp --example read_json`
//! `python3 ../shared/tools/ner_eval.py ../shared/data/ner/factru-dev.jsonl -- $CARGO_TARGET_DIR/release/examples/read_json {} 2016-01-01`

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [file, published] = args.as_slice() else {
        eprintln!("usage: read_json FILE YYYY-MM-DD");
        std::process::exit(2);
    };
    let text = String::from_utf8_lossy(&std::fs::read(file).expect("read FILE")).into_owned();
    let date: jiff::civil::Date = published.parse().expect("a date YYYY-MM-DD");
    let r = livebrief_nlp::read(&text, date, &livebrief_nlp::default_topics());
    println!("{}", livebrief_nlp::reading_json(&r, published, &text));
}
