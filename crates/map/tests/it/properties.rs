//! Invariants: an area does not depend on a ring's orientation or starting point; kept edge terms give the
//! same bits; a layer against itself has no change; net change is the difference of areas.

use livebrief_map::{
    ChangeOptions, Coord, EdgeAreas, Limits, LineString, MultiPolygon, Polygon, RepairOptions, area_m2, change,
    change_full, read_geojson,
};
use proptest::prelude::*;

/// A star-shaped ring around (lon, lat): simple by construction, radii in degrees.
fn star(lon: f64, lat: f64, radii: &[f64]) -> Vec<Coord> {
    let n = radii.len();
    radii
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let t = std::f64::consts::TAU * i as f64 / n as f64;
            Coord {
                x: lon + r * t.cos(),
                y: lat + r * t.sin(),
            }
        })
        .collect()
}

fn geojson(rings: &[Vec<Coord>]) -> Vec<u8> {
    let polys: Vec<serde_json::Value> = rings
        .iter()
        .map(|r| {
            let mut pts: Vec<[f64; 2]> = r.iter().map(|c| [c.x, c.y]).collect();
            pts.push(pts[0]);
            serde_json::json!([pts])
        })
        .collect();
    serde_json::to_vec(&serde_json::json!({"type": "MultiPolygon", "coordinates": polys})).expect("json")
}

fn closed(mut pts: Vec<Coord>) -> LineString {
    pts.push(pts[0]);
    LineString(pts)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn area_ignores_orientation_and_start(
        lon in -179.0f64..179.0, lat in -80.0f64..80.0,
        radii in prop::collection::vec(0.001f64..0.5, 3..40),
        shift in 0usize..40,
    ) {
        let ring = star(lon, lat, &radii);
        let a = area_m2(&MultiPolygon(vec![Polygon::new(closed(ring.clone()), vec![])]));
        let mut rev = ring.clone();
        rev.reverse();
        let k = shift % ring.len();
        rev.rotate_left(k);
        let b = area_m2(&MultiPolygon(vec![Polygon::new(closed(rev), vec![])]));
        prop_assert!(a > 0.0);
        prop_assert!((a - b).abs() <= 1e-6 * a.max(1.0), "{} vs {}", a, b);
        // Read from GeoJSON either way round, the layer has the same area.
        let l = read_geojson(&geojson(&[ring]), &Limits::DEFAULT, &RepairOptions { min_polygon_m2: 0.0 }).expect("a star reads");
        prop_assert!((area_m2(&l.geometry) - a).abs() <= 1e-6 * a);
    }

    #[test]
    fn kept_edge_terms_give_the_same_bits(
        radii in prop::collection::vec(0.01f64..0.3, 3..30),
        moved in prop::collection::vec((0usize..30, -0.05f64..0.05), 0..5),
    ) {
        let day1 = star(36.0, 48.0, &radii);
        let mut r2 = radii.clone();
        for (i, d) in moved {
            let i = i % r2.len();
            r2[i] = (r2[i] + d).max(0.005);
        }
        let day2 = star(36.0, 48.0, &r2);
        let mut cache = EdgeAreas::new();
        for ring in [day1, day2] {
            let mp = MultiPolygon(vec![Polygon::new(closed(ring), vec![])]);
            prop_assert_eq!(cache.area_m2(&mp).to_bits(), area_m2(&mp).to_bits());
        }
    }

    /// The overlay is planar in lon/lat: a vertex it inserts where two boundaries cross lies on the straight
    /// segment, not on the geodesic. With edges of a few hundred metres, as in daily layers, that is well
    /// under a m² a crossing (with edges of several km it reaches hundreds of m²; see `change`).
    #[test]
    fn net_change_is_the_difference_of_areas(
        s1 in prop::collection::vec(-0.001f64..0.001, 60..120),
        s2 in prop::collection::vec(-0.001f64..0.001, 60..120),
    ) {
        let walk = |steps: &[f64]| -> Vec<f64> {
            let mut r = 0.04;
            steps.iter().map(|d| { r = (r + d).clamp(0.02, 0.06); r }).collect()
        };
        let (r1, r2) = (walk(&s1), walk(&s2));
        let a = MultiPolygon(vec![Polygon::new(closed(star(36.0, 48.0, &r1)), vec![])]);
        let b = MultiPolygon(vec![Polygon::new(closed(star(36.0, 48.0, &r2)), vec![])]);
        let none = ChangeOptions { min_part_km2: 0.0 };
        let c = change(&a, &b, &none);
        let diff = (area_m2(&b) - area_m2(&a)) / 1e6;
        prop_assert!((c.net_km2() - diff).abs() < 1e-4, "net {} vs {}", c.net_km2(), diff);
        let same = change(&a, &a, &ChangeOptions::default());
        prop_assert!(same.gained.is_empty() && same.lost.is_empty());
    }

    /// A day's layer from the day before: a stretch of the ring moved, the rest the same to the bit, a
    /// second polygon with a hole left alone. The change from the differing edges equals the plain one.
    #[test]
    fn the_change_from_edges_is_the_plain_change(
        steps in prop::collection::vec(-0.0005f64..0.0005, 80..160),
        from in 0usize..160, len in 1usize..40, push in -0.01f64..0.01,
    ) {
        let mut r = 0.05;
        let radii: Vec<f64> = steps.iter().map(|d| { r = (r + d).clamp(0.03, 0.07); r }).collect();
        let mut moved = radii.clone();
        for k in 0..len {
            let i = (from + k) % moved.len();
            moved[i] = (moved[i] + push).max(0.01);
        }
        let island = |pts: Vec<Coord>| Polygon::new(closed(pts), vec![{
            let mut h = star(37.0, 48.0, &[0.01; 12]);
            h.reverse();
            closed(h)
        }]);
        let old = MultiPolygon(vec![Polygon::new(closed(star(36.0, 48.0, &radii)), vec![]), island(star(37.0, 48.0, &[0.03; 12]))]);
        let new = MultiPolygon(vec![Polygon::new(closed(star(36.0, 48.0, &moved)), vec![]), island(star(37.0, 48.0, &[0.03; 12]))]);
        let opts = ChangeOptions { min_part_km2: 0.0 };
        let (fast, full) = (change(&old, &new, &opts), change_full(&old, &new, &opts));
        prop_assert_eq!((fast.gained.len(), fast.lost.len()), (full.gained.len(), full.lost.len()));
        prop_assert!((fast.gained_km2 - full.gained_km2).abs() < 1e-6, "{} vs {}", fast.gained_km2, full.gained_km2);
        prop_assert!((fast.lost_km2 - full.lost_km2).abs() < 1e-6, "{} vs {}", fast.lost_km2, full.lost_km2);
    }
}

#[test]
fn a_change_from_or_to_nothing_is_the_whole_layer() {
    let a = MultiPolygon(vec![Polygon::new(closed(star(36.0, 48.0, &[0.1; 8])), vec![])]);
    let empty = MultiPolygon(vec![]);
    let c = change(&empty, &a, &ChangeOptions::default());
    assert_eq!(c.gained.len(), 1);
    assert!((c.gained_km2 - area_m2(&a) / 1e6).abs() < 1e-9);
    let c = change(&a, &empty, &ChangeOptions::default());
    assert!((c.lost_km2 - area_m2(&a) / 1e6).abs() < 1e-9);
}

#[test]
fn slivers_of_a_change_are_dropped_and_counted() {
    let sq = |x: f64, y: f64, s: f64| {
        Polygon::new(
            LineString(vec![
                Coord { x, y },
                Coord { x: x + s, y },
                Coord { x: x + s, y: y + s },
                Coord { x, y: y + s },
                Coord { x, y },
            ]),
            vec![],
        )
    };
    let old = MultiPolygon(vec![sq(30.0, 50.0, 0.1)]);
    // One big gain (0.1 x 0.05 degrees, about 40 km²) and a sliver of 1e-4 degrees (about 0.08 km²) under a
    // 0.1 km² threshold.
    let new = MultiPolygon(vec![
        sq(30.0, 50.0, 0.1),
        sq(30.2, 50.0, 0.05),
        sq(30.5, 50.0, 0.0001 * 30.0),
    ]);
    let c = change(&old, &new, &ChangeOptions { min_part_km2: 0.1 });
    assert_eq!(
        c.gained.len(),
        1,
        "{:?}",
        c.gained.iter().map(|p| p.area_km2).collect::<Vec<_>>()
    );
    assert_eq!(c.slivers_dropped, 1);
    assert!(c.sliver_km2 > 0.0 && c.sliver_km2 < 0.1);
    assert_eq!(c.lost_km2, 0.0);
}
