//! Gazetteer load time (decompress + parse + index; target < 100 ms) and lookup time.
//! Run: cargo bench -p livebrief-geo

use livebrief_geo::{Gazetteer, embedded_text};

fn main() {
    divan::main();
}

#[divan::bench(sample_count = 10)]
fn load_embedded() -> Gazetteer {
    Gazetteer::parse(&embedded_text())
}

#[divan::bench]
fn lookup_declined_cyrillic(bencher: divan::Bencher) {
    let g = Gazetteer::embedded();
    bencher.bench(|| g.lookup(divan::black_box("Харкові")).len());
}
