//! One folder per case under tests/golden: `input.geojson` or `input.kml`, and `expected.txt`, a readable dump
//! of the layer (area, polygons, rings, repairs) or of the refusal (code and message). Refresh with
//! `UPDATE_EXPECT=1 cargo nextest run -p livebrief-map golden`.

use std::fmt::Write;
use std::path::Path;

use livebrief_map::{Limits, RepairOptions, area_km2, read_layer};

fn dump(bytes: &[u8]) -> String {
    let mut s = String::new();
    match read_layer(bytes, &Limits::DEFAULT, &RepairOptions::default()) {
        Err(e) => {
            let _ = writeln!(s, "refused: {}\n{e}", e.code());
        }
        Ok(layer) => {
            let _ = writeln!(s, "area_km2: {:.4}", area_km2(&layer.geometry));
            let r = &layer.repairs;
            let _ = writeln!(
                s,
                "polygons: {} in, {} out; vertices: {}",
                r.polygons_in, r.polygons_out, r.vertices
            );
            if let Some(crs) = &r.crs {
                let _ = writeln!(s, "crs: {crs}");
            }
            for (i, p) in layer.geometry.0.iter().enumerate() {
                for (k, ring) in std::iter::once(p.exterior()).chain(p.interiors()).enumerate() {
                    let pts: Vec<String> = ring.0.iter().map(|c| format!("{} {}", c.x, c.y)).collect();
                    let _ = writeln!(s, "polygon {} ring {}: {}", i + 1, k + 1, pts.join(", "));
                }
            }
            let notes = r.notes();
            if notes.is_empty() {
                let _ = writeln!(s, "repairs: none");
            }
            for n in notes {
                let _ = writeln!(s, "repair: {n}");
            }
        }
    }
    s
}

#[test]
fn golden_cases() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
    let update = std::env::var_os("UPDATE_EXPECT").is_some();
    let mut dirs: Vec<_> = std::fs::read_dir(&root)
        .expect("golden dir")
        .flatten()
        .map(|e| e.path())
        .collect();
    dirs.sort();
    assert!(dirs.len() >= 30, "golden cases: {}", dirs.len());
    let mut failures = Vec::new();
    for d in &dirs {
        let input = ["input.geojson", "input.kml"]
            .iter()
            .map(|n| d.join(n))
            .find(|p| p.exists())
            .unwrap_or_else(|| panic!("{}: no input", d.display()));
        let got = dump(&std::fs::read(&input).expect("input"));
        let exp_path = d.join("expected.txt");
        if update {
            std::fs::write(&exp_path, &got).expect("write expected");
            continue;
        }
        let want = std::fs::read_to_string(&exp_path).unwrap_or_default();
        if got != want {
            failures.push(format!("== {}\n-- expected\n{want}-- got\n{got}", d.display()));
        }
    }
    assert!(
        failures.is_empty(),
        "golden mismatches (UPDATE_EXPECT=1 to accept):\n{}",
        failures.join("\n")
    );
}

#[test]
fn a_file_over_the_byte_cap_is_refused_before_reading() {
    let limits = Limits {
        max_bytes: 1000,
        max_vertices: 10,
    };
    // Not even JSON: the size is checked first.
    let e = read_layer(&[b'x'; 1001], &limits, &RepairOptions::default()).unwrap_err();
    assert_eq!(e.code(), "too_large", "{e}");
    assert!(e.to_string().contains("1001 bytes"), "{e}");
}

#[test]
fn a_layer_over_the_vertex_cap_is_refused() {
    let limits = Limits {
        max_bytes: 1 << 20,
        max_vertices: 4,
    };
    let doc = br#"{"type":"Polygon","coordinates":[[[30,50],[30.1,50],[30.1,50.1],[30,50.1],[30,50]]]}"#;
    let e = read_layer(doc, &limits, &RepairOptions::default()).unwrap_err();
    assert_eq!(e.code(), "too_many_vertices", "{e}");
    let kml = b"<kml><Polygon><outerBoundaryIs><LinearRing><coordinates>30,50 30.1,50 30.1,50.1 30,50.1 30,50</coordinates></LinearRing></outerBoundaryIs></Polygon></kml>";
    let e = read_layer(kml, &limits, &RepairOptions::default()).unwrap_err();
    assert_eq!(e.code(), "too_many_vertices", "{e}");
}

#[test]
fn unknown_formats_and_kmz_are_told_apart() {
    let o = RepairOptions::default();
    assert_eq!(
        read_layer(b"PK\x03\x04rest", &Limits::DEFAULT, &o).unwrap_err().code(),
        "kmz"
    );
    assert_eq!(
        read_layer(b"lon,lat\n30,50\n", &Limits::DEFAULT, &o)
            .unwrap_err()
            .code(),
        "unknown_format"
    );
    assert_eq!(
        read_layer(b"", &Limits::DEFAULT, &o).unwrap_err().code(),
        "unknown_format"
    );
}
