//! The shared DeepState samples (../shared/data/deepstate, beside the workspace; never copied into the
//! repository): their areas are GeographicLib's to 0.01 km², and the two paths of this crate agree with
//! geographiclib-rs's own `PolygonArea` on every ring.

use std::path::PathBuf;

use geographiclib_rs::{Geodesic, PolygonArea, Winding};
use livebrief_map::{
    ChangeOptions, EdgeAreas, Layer, Limits, RepairOptions, area_km2, area_m2, change, change_full, read_layer,
};

pub fn sample(name: &str) -> Vec<u8> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/deepstate");
    let path = dir.join(name);
    std::fs::read(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (the shared data lies beside the workspace)", path.display()))
}

pub fn layer(name: &str) -> Layer {
    read_layer(&sample(name), &Limits::DEFAULT, &RepairOptions::default()).expect("sample reads")
}

/// GeographicLib's figures (Karney), from the samples' README and Python's geographiclib 2.1.
#[test]
fn sample_areas_are_geographiclibs_to_a_hundredth_of_a_km2() {
    for (name, want) in [
        ("occupied-2024-07-08.geojson", 109_360.87),
        ("occupied-2025-07-01.geojson", 113_654.42),
    ] {
        let l = layer(name);
        let got = area_km2(&l.geometry);
        assert!((got - want).abs() < 0.005 + 1e-9, "{name}: {got:.4} km², want {want}");
        // The files' outer rings run clockwise: every ring was turned round, nothing else changed.
        let r = &l.repairs;
        assert!(r.rings_reoriented > 0, "{name}: {r:?}");
        assert_eq!(
            (
                r.duplicate_points_removed,
                r.rings_closed,
                r.spikes_removed,
                r.polygons_unioned,
                r.slivers_dropped
            ),
            (0, 0, 0, 0, 0),
            "{name}: {r:?}"
        );
        assert_eq!(r.crs.as_deref(), Some("urn:ogc:def:crs:OGC:1.3:CRS84"));
    }
}

#[test]
fn both_area_paths_equal_polygon_area_ring_by_ring() {
    let g = Geodesic::wgs84();
    for name in ["occupied-2024-07-08.geojson", "occupied-2025-07-01.geojson"] {
        let l = layer(name);
        let mut reference = 0.0;
        for p in &l.geometry.0 {
            for (k, ring) in std::iter::once(p.exterior()).chain(p.interiors()).enumerate() {
                let mut pa = PolygonArea::new(&g, Winding::CounterClockwise);
                for c in &ring.0[..ring.0.len() - 1] {
                    pa.add_point(c.y, c.x);
                }
                let (_, a, _) = pa.compute(true);
                let ours = livebrief_map::ring_area_m2(ring);
                assert!((a - ours).abs() < 1e-3, "{name} ring: PolygonArea {a} vs {ours}");
                reference += if k == 0 { a.abs() } else { -a.abs() };
            }
        }
        let plain = area_m2(&l.geometry);
        assert!(
            (plain - reference).abs() < 1e-2,
            "{name}: {plain} vs PolygonArea {reference}"
        );
        let mut cache = EdgeAreas::new();
        let first = cache.area_m2(&l.geometry);
        let again = cache.area_m2(&l.geometry);
        assert_eq!(first.to_bits(), plain.to_bits(), "kept terms give the same bits");
        assert_eq!(again.to_bits(), plain.to_bits());
        assert!(cache.reused > 2000, "the second pass reused edges: {}", cache.reused);
    }
}

#[test]
fn the_year_between_the_samples() {
    let (a, b) = (
        layer("occupied-2024-07-08.geojson"),
        layer("occupied-2025-07-01.geojson"),
    );
    let c = change(&a.geometry, &b.geometry, &ChangeOptions::default());
    let (aa, ab) = (area_km2(&a.geometry), area_km2(&b.geometry));
    // Net ground equals the difference of the areas, less the slivers dropped on either side.
    assert!(
        (c.net_km2() - (ab - aa)).abs() <= c.sliver_km2 + 0.01,
        "net {} vs {} (slivers {})",
        c.net_km2(),
        ab - aa,
        c.sliver_km2
    );
    assert!(
        c.gained_km2 > 4000.0 && c.gained_km2 > c.lost_km2,
        "{} / {}",
        c.gained_km2,
        c.lost_km2
    );
    assert!(!c.gained.is_empty() && !c.lost.is_empty());
    for p in c.gained.iter().chain(&c.lost) {
        assert!(p.area_km2 >= 0.01);
        let (min, max) = (p.bbox.min(), p.bbox.max());
        assert!(min.x <= p.point.x && p.point.x <= max.x && min.y <= p.point.y && p.point.y <= max.y);
    }
    assert!(
        c.gained.windows(2).all(|w| w[0].area_km2 >= w[1].area_km2),
        "largest first"
    );
    // The change from the edges that differ is the plain pair of differences.
    let full = change_full(&a.geometry, &b.geometry, &ChangeOptions::default());
    assert_eq!((c.gained.len(), c.lost.len()), (full.gained.len(), full.lost.len()));
    assert!((c.gained_km2 - full.gained_km2).abs() < 1e-4 && (c.lost_km2 - full.lost_km2).abs() < 1e-4);
    // Reversed, gained and lost swap.
    let r = change(&b.geometry, &a.geometry, &ChangeOptions::default());
    assert!((r.gained_km2 - c.lost_km2).abs() < 0.01 && (r.lost_km2 - c.gained_km2).abs() < 0.01);
}
