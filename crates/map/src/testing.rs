//! What the fuzz targets check, callable from tests (the kept corpus is replayed through the same checks).

use crate::{Limits, MapError, RepairOptions, area_m2, read_geojson, read_kml};

/// Any bytes as GeoJSON: a layer or a typed error, never a panic; a layer's invariants hold.
pub fn check_geojson(data: &[u8]) {
    check(read_geojson(data, &small(), &RepairOptions::default()));
}

/// Any bytes as KML: the same.
pub fn check_kml(data: &[u8]) {
    check(read_kml(data, &small(), &RepairOptions::default()));
}

fn small() -> Limits {
    Limits {
        max_bytes: 1 << 20,
        max_vertices: 100_000,
    }
}

fn check(r: Result<crate::Layer, MapError>) {
    let layer = match r {
        Ok(l) => l,
        Err(e) => {
            // Every refusal has a message and a code.
            assert!(!e.to_string().is_empty() && !e.code().is_empty());
            return;
        }
    };
    assert!(!layer.geometry.0.is_empty(), "a layer has polygons");
    for p in &layer.geometry.0 {
        for r in std::iter::once(p.exterior()).chain(p.interiors()) {
            assert!(r.0.len() >= 4, "rings are closed with three distinct points");
            assert_eq!(r.0.first(), r.0.last(), "rings are closed");
            for c in &r.0 {
                assert!(c.x.abs() <= 180.0 && c.y.abs() <= 90.0, "in range");
            }
        }
    }
    let a = area_m2(&layer.geometry);
    assert!(a.is_finite() && a >= 0.0, "area {a}");
    // The change of a layer against itself is nothing (no sliver counted as ground).
    let c = crate::change(&layer.geometry, &layer.geometry, &crate::ChangeOptions::default());
    assert!(
        c.gained.is_empty() && c.lost.is_empty(),
        "a layer changed against itself"
    );
}
