//! The dictionary's load time (decoding both tables, on first use) and a lookup's cost.
//! Run: cargo bench -p livebrief-morph --bench load

use livebrief_morph::{Lang, base_of_name, lemmas};

fn main() {
    // The first decode, measured once (divan would measure the cached table after the first iteration).
    let t = std::time::Instant::now();
    let n = livebrief_morph::load();
    eprintln!(
        "load: {n} lexemes in {:.1} ms, {:.1} MiB held",
        t.elapsed().as_secs_f64() * 1e3,
        livebrief_morph::heap_bytes() as f64 / (1 << 20) as f64
    );
    divan::main();
}

#[divan::bench]
fn lemmas_uk() -> usize {
    lemmas(Lang::Uk, divan::black_box("Зеленського")).count()
}

#[divan::bench]
fn base_of_name_ru() -> String {
    base_of_name(Lang::Ru, divan::black_box(&["Российской", "Федерации"]))
}
