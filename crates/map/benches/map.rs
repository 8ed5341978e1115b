//! Micro-benchmarks on the shared DeepState samples (beside the workspace): reading and repairing a layer,
//! its geodesic area (fresh, and with the previous layer's edge terms kept), and the year's change.
//!   cargo bench -p livebrief-map

use livebrief_map::{ChangeOptions, EdgeAreas, Limits, MultiPolygon, RepairOptions, area_m2, change, read_layer};

fn main() {
    divan::main();
}

fn bytes(name: &str) -> Vec<u8> {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/deepstate")
        .join(name);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn layer(name: &str) -> MultiPolygon {
    read_layer(&bytes(name), &Limits::DEFAULT, &RepairOptions::default())
        .expect("sample")
        .geometry
}

#[divan::bench]
fn read_and_repair(b: divan::Bencher) {
    let data = bytes("occupied-2025-07-01.geojson");
    b.bench(|| read_layer(divan::black_box(&data), &Limits::DEFAULT, &RepairOptions::default()));
}

#[divan::bench]
fn geodesic_area(b: divan::Bencher) {
    let l = layer("occupied-2025-07-01.geojson");
    b.bench(|| area_m2(divan::black_box(&l)));
}

#[divan::bench]
fn geodesic_area_edges_kept(b: divan::Bencher) {
    let l = layer("occupied-2025-07-01.geojson");
    let mut cache = EdgeAreas::new();
    cache.area_m2(&l);
    b.bench_local(|| cache.area_m2(divan::black_box(&l)));
}

#[divan::bench]
fn change_over_a_year(b: divan::Bencher) {
    let (old, new) = (
        layer("occupied-2024-07-08.geojson"),
        layer("occupied-2025-07-01.geojson"),
    );
    b.bench(|| {
        change(
            divan::black_box(&old),
            divan::black_box(&new),
            &ChangeOptions::default(),
        )
    });
}
