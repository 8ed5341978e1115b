//! Daily, weekly and monthly figures over dated layers.

use jiff::civil::{Date, date};
use livebrief_map::{ChangeOptions, Coord, LineString, MultiPolygon, Polygon, area_km2, out, series};

/// A lon-lat box of `w` degrees wide.
fn strip(w: f64) -> MultiPolygon {
    let (x, y) = (36.0, 48.0);
    MultiPolygon(vec![Polygon::new(
        LineString(vec![
            Coord { x, y },
            Coord { x: x + w, y },
            Coord { x: x + w, y: y + 0.1 },
            Coord { x, y: y + 0.1 },
            Coord { x, y },
        ]),
        vec![],
    )])
}

#[test]
fn days_weeks_and_months() {
    // 2025-06-28 (Sat) .. 2025-07-03 (Thu): the front advances 0.01 degrees a day, falls back on 07-02.
    let widths = [0.10, 0.11, 0.12, 0.13, 0.12, 0.14];
    let days: Vec<Date> = (0..6)
        .map(|i| date(2025, 6, 28).checked_add(jiff::Span::new().days(i)).expect("date"))
        .collect();
    let layers: Vec<MultiPolygon> = widths.iter().map(|w| strip(*w)).collect();
    // Given out of order: sorted by date.
    let mut input: Vec<(Date, &MultiPolygon)> = days.iter().copied().zip(layers.iter()).collect();
    input.reverse();
    let s = series(&input, &ChangeOptions::default());
    assert_eq!(s.points.len(), 6);
    assert_eq!(s.points[0].date, date(2025, 6, 28));
    assert!((s.points[5].area_km2 - area_km2(&layers[5])).abs() < 1e-9);
    assert_eq!(s.daily.len(), 5);
    let d4 = &s.daily[3]; // 07-01 -> 07-02: lost a strip
    assert_eq!(
        (d4.from, d4.to, d4.label.as_str()),
        (date(2025, 7, 1), date(2025, 7, 2), "2025-07-02")
    );
    assert!(d4.gained_km2 == 0.0 && d4.lost_km2 > 0.5 && d4.net_km2 < 0.0, "{d4:?}");
    // Weeks: 2025-W26 (Sat, Sun) and 2025-W27 (Mon..Thu), the second from the last layer of the first.
    let w: Vec<&str> = s.weekly.iter().map(|c| c.label.as_str()).collect();
    assert_eq!(w, ["2025-W26", "2025-W27"]);
    assert_eq!(
        (s.weekly[1].from, s.weekly[1].to),
        (date(2025, 6, 29), date(2025, 7, 3))
    );
    // Within the week the ground lost on 07-02 was retaken: the week's change is gained only.
    assert!(s.weekly[1].lost_km2 == 0.0 && s.weekly[1].gained_km2 > 0.0);
    let m: Vec<&str> = s.monthly.iter().map(|c| c.label.as_str()).collect();
    assert_eq!(m, ["2025-06", "2025-07"]);
    let net_sum: f64 = s.daily.iter().map(|c| c.net_km2).sum();
    assert!((net_sum - (s.points[5].area_km2 - s.points[0].area_km2)).abs() < 1e-3);

    let csv = out::series_csv(&s, 603_600.0);
    assert!(csv.starts_with("date,area_km2,share\n2025-06-28,"), "{csv}");
    assert!(csv.contains("\nweek,2025-W27,2025-06-29,2025-07-03,"), "{csv}");
    let json = out::series_json(&s, 603_600.0);
    assert_eq!(json["areas"].as_array().map(Vec::len), Some(6));
    assert_eq!(json["monthly"][1]["label"], "2025-07");
}

#[test]
fn a_date_given_twice_keeps_its_last_layer() {
    let (a, b) = (strip(0.1), strip(0.2));
    let d = date(2025, 7, 1);
    let s = series(&[(d, &a), (d, &b)], &ChangeOptions::default());
    assert_eq!(s.points.len(), 1);
    assert!((s.points[0].area_km2 - area_km2(&b)).abs() < 1e-9);
    assert!(s.daily.is_empty());
}
