//! Writing: a layer and a change as GeoJSON (RFC 7946: outer rings counter-clockwise, no `crs`), a series
//! as CSV and as JSON. Areas are rounded to 0.0001 km² (100 m²), shares to 1e-6.

use serde_json::{Map, Value, json};

use crate::change::{Change, Part};
use crate::series::{PeriodChange, Series};
use crate::{LineString, MultiPolygon, Polygon, area_km2};

fn ring(ls: &LineString) -> Value {
    Value::Array(ls.0.iter().map(|c| json!([c.x, c.y])).collect())
}

fn polygon(p: &Polygon) -> Value {
    let mut rings = vec![ring(p.exterior())];
    rings.extend(p.interiors().iter().map(ring));
    Value::Array(rings)
}

/// `{"type": "MultiPolygon", "coordinates": ...}`.
pub fn multipolygon_geometry(mp: &MultiPolygon) -> Value {
    json!({"type": "MultiPolygon", "coordinates": mp.0.iter().map(polygon).collect::<Vec<_>>()})
}

pub fn round(x: f64, places: i32) -> f64 {
    let f = 10f64.powi(places);
    (x * f).round() / f
}

/// A layer as a FeatureCollection of one Feature; `properties` are the caller's (date, layer name), and
/// `area_km2` is added.
pub fn layer_geojson(mp: &MultiPolygon, properties: Map<String, Value>) -> Value {
    let mut props = properties;
    props.insert("area_km2".into(), json!(round(area_km2(mp), 4)));
    json!({
        "type": "FeatureCollection",
        "features": [{"type": "Feature", "properties": props, "geometry": multipolygon_geometry(mp)}],
    })
}

fn part_feature(p: &Part, kind: &str) -> Value {
    json!({
        "type": "Feature",
        "properties": {
            "change": kind,
            "area_km2": round(p.area_km2, 4),
            "point": [p.point.x, p.point.y],
            "bbox": [p.bbox.min().x, p.bbox.min().y, p.bbox.max().x, p.bbox.max().y],
        },
        "geometry": {"type": "Polygon", "coordinates": polygon(&p.polygon)},
    })
}

/// The change as a FeatureCollection: one Polygon feature per part with `change` ("gained" or "lost") and
/// `area_km2`; the totals as foreign members (`gained_km2`, `lost_km2`, `net_km2`, `slivers_dropped`).
pub fn change_geojson(c: &Change) -> Value {
    let features: Vec<Value> = c
        .gained
        .iter()
        .map(|p| part_feature(p, "gained"))
        .chain(c.lost.iter().map(|p| part_feature(p, "lost")))
        .collect();
    json!({
        "type": "FeatureCollection",
        "gained_km2": round(c.gained_km2, 4),
        "lost_km2": round(c.lost_km2, 4),
        "net_km2": round(c.net_km2(), 4),
        "slivers_dropped": c.slivers_dropped,
        "features": features,
    })
}

/// The change's figures and parts (no geometry) as JSON, as `livebrief map diff --json` prints it.
pub fn change_json(c: &Change) -> Value {
    let part = |p: &Part| {
        json!({
            "area_km2": round(p.area_km2, 4),
            "point": [p.point.x, p.point.y],
            "bbox": [p.bbox.min().x, p.bbox.min().y, p.bbox.max().x, p.bbox.max().y],
        })
    };
    json!({
        "gained_km2": round(c.gained_km2, 4),
        "lost_km2": round(c.lost_km2, 4),
        "net_km2": round(c.net_km2(), 4),
        "slivers_dropped": c.slivers_dropped,
        "sliver_km2": round(c.sliver_km2, 6),
        "gained": c.gained.iter().map(part).collect::<Vec<_>>(),
        "lost": c.lost.iter().map(part).collect::<Vec<_>>(),
    })
}

/// `date,area_km2,share` per layer, then a blank line and
/// `period,label,from,to,gained_km2,lost_km2,net_km2,gained_parts,lost_parts,slivers_dropped` per change.
pub fn series_csv(s: &Series, reference_km2: f64) -> String {
    let mut out = String::from("date,area_km2,share\n");
    for p in &s.points {
        out.push_str(&format!(
            "{},{:.4},{:.6}\n",
            p.date,
            p.area_km2,
            crate::share(p.area_km2, reference_km2)
        ));
    }
    out.push_str("\nperiod,label,from,to,gained_km2,lost_km2,net_km2,gained_parts,lost_parts,slivers_dropped\n");
    for c in s.daily.iter().chain(&s.weekly).chain(&s.monthly) {
        out.push_str(&format!(
            "{},{},{},{},{:.4},{:.4},{:.4},{},{},{}\n",
            c.period.as_str(),
            c.label,
            c.from,
            c.to,
            c.gained_km2,
            c.lost_km2,
            c.net_km2,
            c.gained_parts,
            c.lost_parts,
            c.slivers_dropped
        ));
    }
    out
}

fn period_json(c: &PeriodChange) -> Value {
    json!({
        "label": c.label,
        "from": c.from.to_string(),
        "to": c.to.to_string(),
        "gained_km2": round(c.gained_km2, 4),
        "lost_km2": round(c.lost_km2, 4),
        "net_km2": round(c.net_km2, 4),
        "gained_parts": c.gained_parts,
        "lost_parts": c.lost_parts,
        "slivers_dropped": c.slivers_dropped,
    })
}

/// `{"reference_km2", "areas": [{date, area_km2, share}], "daily": [...], "weekly": [...], "monthly": [...]}`.
pub fn series_json(s: &Series, reference_km2: f64) -> Value {
    json!({
        "reference_km2": reference_km2,
        "areas": s.points.iter().map(|p| json!({
            "date": p.date.to_string(),
            "area_km2": round(p.area_km2, 4),
            "share": round(crate::share(p.area_km2, reference_km2), 6),
        })).collect::<Vec<_>>(),
        "daily": s.daily.iter().map(period_json).collect::<Vec<_>>(),
        "weekly": s.weekly.iter().map(period_json).collect::<Vec<_>>(),
        "monthly": s.monthly.iter().map(period_json).collect::<Vec<_>>(),
    })
}
