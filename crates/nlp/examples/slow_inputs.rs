//! Times `read` on pathological shapes at growing sizes: `cargo run --release -p livebrief-nlp --example
//! slow_inputs [SHAPE|all|issue] [MAX_BYTES]` (`issue`: the input repeated 1,000 to 30,000 times).
//! Prints bytes, seconds and the ratio to the previous size (about 2 when linear, about 4 when quadratic).

use std::time::Instant;

/// A name and a text of about the given number of bytes.
type Shape = (&'static str, fn(usize) -> String);

fn shapes() -> Vec<Shape> {
    fn rep(unit: &str, bytes: usize) -> String {
        unit.repeat(bytes.div_ceil(unit.len()))
    }
    vec![
        ("said-that", |n| rep("Peskov said that Putin said that ", n)),
        ("no-punct", |n| rep("word ", n)),
        ("quote-marks", |n| rep("\"", n)),
        ("quote-marks-spaced", |n| rep("\" ", n)),
        ("caps", |n| {
            let mut s = String::new();
            let mut i = 0u32;
            while s.len() < n {
                let a = (b'A' + (i % 26) as u8) as char;
                let b = (b'a' + ((i / 26) % 26) as u8) as char;
                s.push(a);
                s.push(b);
                s.push(b);
                s.push(' ');
                i += 1;
            }
            s
        }),
        ("he-said", |n| {
            rep(
                "Anna Smith arrived. \"Yes,\" he said. \"No,\" she said. He said it was fine. ",
                n,
            )
        }),
        ("quotes-names", |n| rep("\"We will win,\" said Anna Smith. ", n)),
        ("dates", |n| rep("On 12 March 2025 and on Monday, and last week, ", n)),
        ("no-spaces", |n| rep("a", n)),
        ("guillemets", |n| rep("« » „ “ ", n)),
        ("guillemets-words", |n| rep("«Мы победим» — сказал Песков. „Ja“ ", n)),
        ("cue-only", |n| rep("said ", n)),
        ("according", |n| rep("according to ", n)),
        ("open-quote-words", |n| {
            let mut s = String::from("He said \"");
            s.push_str(&rep("word word said Putin, ", n));
            s
        }),
        ("dots", |n| rep(". ", n)),
        ("cap-run-sentences", |n| rep("Aaa Bbb Ccc Ddd Eee. ", n)),
        ("the-president", |n| {
            rep(
                "The US President Joe Biden said the president said that the president ",
                n,
            )
        }),
        ("who-said", |n| rep("Anna Smith, who said \"yes\", ", n)),
        ("colon-quotes", |n| rep("Smith: \"yes\" ", n)),
        ("dash", |n| rep("— yes — ", n)),
        ("nested", |n| rep("\"'«„", n)),
        ("apostrophes", |n| rep("Putin's ", n)),
        ("many-people", |n| {
            // Distinct people with descriptions, and role phrases that fit several or none.
            let mut s = String::new();
            let mut i = 0u32;
            while s.len() < n {
                let name: String = i.to_string().chars().map(|c| (b'a' + c as u8 - b'0') as char).collect();
                s.push_str(&format!(
                    "Deputy Minister Ivan X{name} met adviser Olga Y{name}. \"Yes,\" the minister said. The Deputy Minister left. "
                ));
                i += 1;
            }
            s
        }),
        ("comma-saying", |n| rep("Anna Lee, saying that Bob told ", n)),
        ("and-said", |n| rep("Anna Smith praised him and said that ", n)),
        ("who-spoke", |n| rep("a man who spoke said ", n)),
        ("caps-said", |n| rep("Aaa Bbb Ccc said Ddd ", n)),
        ("comma-names", |n| rep("Peskov, the spokesman, said ", n)),
        ("asked-whether", |n| rep("asked whether he said ", n)),
        ("quoted-commas", |n| rep("\"a b c d,\" said X, \"e f g\" ", n)),
        ("long-words", |n| {
            let long = "a".repeat(2000);
            rep(
                &format!("Peskov said that {long} said that Putin, saying {long} and said "),
                n,
            )
        }),
        ("long-caps", |n| {
            let long = format!("A{}", "a".repeat(2000));
            rep(&format!("{long} {long}, who said that {long} said, \"{long}\" "), n)
        }),
        ("format-chars", |n| rep("\u{200b}\u{200b}\u{200b}\"a\" ", n)),
    ]
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).is_some_and(|a| a == "issue") {
        // The input: "Peskov said that Putin said that " repeated N times.
        let topics = livebrief_nlp::default_topics();
        let date = jiff::civil::Date::constant(2025, 3, 13);
        livebrief_nlp::read("Warm up in Kyiv.", date, &topics);
        for n in [1_000, 2_000, 4_000, 8_000, 16_000, 30_000] {
            let text = "Peskov said that Putin said that ".repeat(n);
            let t = Instant::now();
            livebrief_nlp::read(&text, date, &topics);
            println!("N = {n:>6} ({:>7} B): {:.3} s", text.len(), t.elapsed().as_secs_f64());
        }
        return;
    }
    let only = args.get(1).filter(|s| *s != "all").cloned();
    let max: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(1 << 20);
    let topics = livebrief_nlp::default_topics();
    let date = jiff::civil::Date::constant(2025, 3, 13);
    // The first reading loads the gazetteer: not part of any timing.
    livebrief_nlp::read("Warm up in Kyiv.", date, &topics);
    for (name, make) in shapes() {
        if only.as_deref().is_some_and(|o| o != name) {
            continue;
        }
        let mut prev: Option<f64> = None;
        let mut n = 32 * 1024;
        while n <= max {
            let text = make(n);
            let t = Instant::now();
            let r = livebrief_nlp::read(&text, date, &topics);
            let s = t.elapsed().as_secs_f64();
            println!(
                "{name:20} {:>8} B {:>8.3} s  x{:<5.1} quotes {} entities {} dates {}",
                text.len(),
                s,
                prev.map_or(0.0, |p| s / p.max(1e-6)),
                r.quotes.len(),
                r.entities.len(),
                r.dates.len()
            );
            prev = Some(s);
            if s > 20.0 {
                break;
            }
            n *= 2;
        }
    }
}
