//! Reading time is linear in the input: pathological shapes (issue 11) read within a time budget, and doubling
//! the input at most about doubles the time. The budgets are generous (several times what the linear reading
//! takes in a test build, on a loaded two-core machine) and fail the quadratic reading by a wide margin: the
//! 1 MB "Peskov said that Putin said that" text took 48.5 s in a release build before, about 1 s in a test
//! build now.

use std::time::{Duration, Instant};

use livebrief_nlp::{default_topics, read};

fn time(text: &str) -> Duration {
    let topics = default_topics();
    let t = Instant::now();
    std::hint::black_box(read(text, jiff::civil::Date::constant(2025, 3, 13), &topics));
    t.elapsed()
}

fn rep(unit: &str, bytes: usize) -> String {
    unit.repeat(bytes.div_ceil(unit.len()))
}

/// Shapes that made (or could make) a reading scan back or forward over the whole text from every match.
/// A name and a text of about the given number of bytes.
type Shape = (&'static str, fn(usize) -> String);

fn shapes() -> Vec<Shape> {
    vec![
        // One enormous sentence of verbs of saying (the issue's input).
        ("said that", |n| rep("Peskov said that Putin said that ", n)),
        ("verbs only", |n| rep("said ", n)),
        ("relative pronouns", |n| rep("Anna Smith, who said \"yes\", ", n)),
        ("role phrases", |n| {
            rep(
                "The US President Joe Biden said the president said that the president ",
                n,
            )
        }),
        ("open quotation", |n| {
            format!("He said \"{}", rep("word word said Putin, ", n))
        }),
        ("quotes with names", |n| rep("\"We will win,\" said Anna Smith. ", n)),
        ("pronouns", |n| {
            rep(
                "Anna Smith arrived. \"Yes,\" he said. \"No,\" she said. He said it was fine. ",
                n,
            )
        }),
        ("participles", |n| rep("Anna Lee, saying that Bob told ", n)),
        ("appositives", |n| rep("Peskov, the spokesman, said ", n)),
        ("colons", |n| rep("Smith: \"yes\" ", n)),
        ("no punctuation", |n| rep("word ", n)),
        ("quotation marks", |n| rep("\"", n)),
        ("mixed marks", |n| rep("« » „ “ ", n)),
        ("capitalised words", |n| rep("Aaa Bbb Ccc Ddd Eee Fff Ggg ", n)),
        ("dates", |n| rep("On 12 March 2025 and on Monday, and last week, ", n)),
        ("no spaces", |n| rep("a", n)),
        ("many people", |n| {
            let mut s = String::new();
            let mut i = 0u32;
            while s.len() < n {
                let name: String = i.to_string().chars().map(|c| (b'a' + c as u8 - b'0') as char).collect();
                s.push_str(&format!(
                    "Deputy Minister Ivan X{name} met adviser Olga Y{name}. \"Yes,\" the minister said. The Deputy \
                     Minister left. "
                ));
                i += 1;
            }
            s
        }),
    ]
}

#[test]
fn the_issue_input_reads_within_budget() {
    let text = "Peskov said that Putin said that ".repeat(30_000);
    time("Warm up in Kyiv."); // loads the gazetteer
    let t = time(&text);
    eprintln!("{} bytes of \"Peskov said that Putin said that\": {t:?}", text.len());
    assert!(t < Duration::from_secs(3), "1 MB took {t:?}");
}

#[test]
fn pathological_shapes_read_within_budget() {
    time("Warm up in Kyiv.");
    let mut slow = Vec::new();
    for (name, make) in shapes() {
        let text = make(256 * 1024);
        let t = time(&text);
        eprintln!("{name:20} {:>8} B {t:?}", text.len());
        if t > Duration::from_millis(1500) {
            slow.push(format!("{name}: {t:?}"));
        }
    }
    assert!(slow.is_empty(), "slow readings of 256 KB: {slow:?}");
}

#[test]
fn doubling_the_input_at_most_triples_the_time() {
    time("Warm up in Kyiv.");
    let mut superlinear = Vec::new();
    for (name, make) in shapes() {
        let (small_text, large_text) = (make(250 * 1000), make(500 * 1000));
        // Best of three, the two sizes taken in turn so that a busy spell on the machine slows both; a shape
        // that fails is measured up to twice more (a quadratic reading quadruples every time).
        for attempt in 0..3 {
            let (mut small, mut large) = (Duration::MAX, Duration::MAX);
            for _ in 0..3 {
                small = small.min(time(&small_text));
                large = large.min(time(&large_text));
            }
            let ratio = large.as_secs_f64() / small.as_secs_f64();
            eprintln!("{name:20} 250 KB {small:?}, 500 KB {large:?}, x{ratio:.2} (attempt {attempt})");
            // (20 ms of slack: the fastest shapes take a few tens of milliseconds, where scheduling noise counts.)
            if large <= small * 3 + Duration::from_millis(20) {
                break;
            }
            if attempt == 2 {
                superlinear.push(format!("{name}: {small:?} -> {large:?}"));
            }
        }
    }
    assert!(
        superlinear.is_empty(),
        "doubling the input more than tripled the time: {superlinear:?}"
    );
}
