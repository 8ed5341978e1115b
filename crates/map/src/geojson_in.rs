//! GeoJSON in (RFC 7946 and its common deviations) through the `geojson` crate: a FeatureCollection, a
//! Feature or a bare geometry; Polygon, MultiPolygon and GeometryCollections (nested) of them. Points and
//! lines are not areas: ignored and counted. A `crs` member (GeoJSON 2008) is accepted when it names WGS84
//! lon/lat. Heights (third numbers) are dropped and counted. Positions are checked here only for shape
//! (two finite numbers); ranges, rings and orientation are the repair's.

use geo::Coord;
use geojson::{GeoJson, Geometry, GeometryValue, JsonObject, Position};

use crate::error::{MapError, Place};
use crate::{Limits, Raw};

pub(crate) fn read(bytes: &[u8], limits: &Limits) -> Result<Raw, MapError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let doc: GeoJson = serde_json::from_slice(bytes).map_err(json_error)?;
    let mut raw = Raw::default();
    let mut budget = limits.max_vertices;
    match &doc {
        GeoJson::FeatureCollection(fc) => {
            check_crs(fc.foreign_members.as_ref(), &mut raw)?;
            for f in &fc.features {
                check_crs(f.foreign_members.as_ref(), &mut raw)?;
                if let Some(g) = &f.geometry {
                    geometry(g, &mut raw, &mut budget, limits, 0)?;
                }
            }
        }
        GeoJson::Feature(f) => {
            check_crs(f.foreign_members.as_ref(), &mut raw)?;
            if let Some(g) = &f.geometry {
                geometry(g, &mut raw, &mut budget, limits, 0)?;
            }
        }
        GeoJson::Geometry(g) => geometry(g, &mut raw, &mut budget, limits, 0)?,
    }
    Ok(raw)
}

/// serde_json's error, told apart: broken JSON, or JSON that is not GeoJSON (an unknown geometry type
/// has its own error).
fn json_error(e: serde_json::Error) -> MapError {
    let (line, column) = (e.line(), e.column());
    let text = e.to_string();
    // serde_json appends " at line L column C"; the error carries them separately.
    let message = match text.rfind(" at line ") {
        Some(i) => text[..i].to_string(),
        None => text,
    };
    match e.classify() {
        serde_json::error::Category::Data => {
            if message.starts_with("unknown variant `") && message.contains("`MultiPolygon`") {
                let found = message["unknown variant `".len()..]
                    .split('`')
                    .next()
                    .unwrap_or_default()
                    .to_string();
                return MapError::UnknownGeometryType { found };
            }
            MapError::NotGeoJson { line, column, message }
        }
        _ => MapError::InvalidJson { line, column, message },
    }
}

/// GeoJSON 2008's `crs`: `{"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}}`.
fn check_crs(members: Option<&JsonObject>, raw: &mut Raw) -> Result<(), MapError> {
    let Some(crs) = members.and_then(|m| m.get("crs")) else {
        return Ok(());
    };
    if crs.is_null() {
        return Ok(());
    }
    let name = crs
        .get("properties")
        .and_then(|p| p.get("name").or_else(|| p.get("href")))
        .and_then(|n| n.as_str())
        .unwrap_or("")
        .to_string();
    let n = name.to_ascii_uppercase();
    let wgs84 = n.ends_with("CRS84")
        || n.ends_with(":4326")
        || n.ends_with("::4326")
        || n.ends_with("/4326")
        || n == "EPSG4326"
        || n.replace(' ', "") == "WGS84";
    if !wgs84 {
        return Err(MapError::UnsupportedCrs {
            name: if name.is_empty() { crs.to_string() } else { name },
        });
    }
    raw.crs = Some(name);
    Ok(())
}

/// GeometryCollections nest; serde_json's recursion limit bounds the depth already, this is belt and braces.
const MAX_DEPTH: usize = 64;

fn geometry(g: &Geometry, raw: &mut Raw, budget: &mut usize, limits: &Limits, depth: usize) -> Result<(), MapError> {
    check_crs(g.foreign_members.as_ref(), raw)?;
    match &g.value {
        GeometryValue::Polygon { coordinates } => polygon(coordinates, raw, budget, limits),
        GeometryValue::MultiPolygon { coordinates } => {
            for p in coordinates {
                polygon(p, raw, budget, limits)?;
            }
            Ok(())
        }
        GeometryValue::GeometryCollection { geometries } => {
            if depth >= MAX_DEPTH {
                return Err(MapError::NotGeoJson {
                    line: 0,
                    column: 0,
                    message: format!("GeometryCollections nested deeper than {MAX_DEPTH}"),
                });
            }
            for g in geometries {
                geometry(g, raw, budget, limits, depth + 1)?;
            }
            Ok(())
        }
        other => {
            raw.ignore(other.type_name());
            Ok(())
        }
    }
}

fn polygon(rings: &[Vec<Position>], raw: &mut Raw, budget: &mut usize, limits: &Limits) -> Result<(), MapError> {
    let number = raw.polygons.len() + 1;
    let mut out = Vec::with_capacity(rings.len());
    for (r, ring) in rings.iter().enumerate() {
        if ring.len() > *budget {
            return Err(MapError::TooManyVertices {
                limit: limits.max_vertices,
            });
        }
        *budget -= ring.len();
        let mut coords = Vec::with_capacity(ring.len());
        for (i, p) in ring.iter().enumerate() {
            let s = p.as_slice();
            let place = Place {
                polygon: number,
                ring: r + 1,
                point: i + 1,
            };
            if s.len() < 2 {
                return Err(MapError::BadPosition {
                    place,
                    reason: format!("a position needs longitude and latitude, found {} number(s)", s.len()),
                });
            }
            if s.len() > 2 {
                raw.heights_dropped += 1;
            }
            coords.push(Coord { x: s[0], y: s[1] });
        }
        out.push(coords);
    }
    raw.polygons.push(out);
    Ok(())
}
