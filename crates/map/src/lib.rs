//! Territorial control maps, the pure core: bytes in, values out.
//!
//! - [`read_layer`] (GeoJSON or KML, sniffed), [`read_geojson`], [`read_kml`]: a control layer as one
//!   [`MultiPolygon`] in lon/lat (WGS84), validated and repaired where that is safe, with a [`Repairs`]
//!   report of what changed; refused with a typed [`MapError`] where it is not.
//! - [`area_m2`], [`area_km2`], [`share`]: ellipsoidal (WGS84) geodesic areas, Karney's algorithm
//!   (GeographicLib's, through geographiclib-rs); [`EdgeAreas`] reuses the per-edge terms of edges a layer
//!   shares with the previous one (bit-identical results).
//! - [`change`]: gained (new minus old) and lost (old minus new) ground as parts with areas, slivers dropped and
//!   counted; [`series`]: daily, weekly and monthly figures over dated layers.
//! - [`out`]: GeoJSON of a layer and of a change, CSV and JSON of a series.
//!
//! No IO, no clock: the caller reads files and passes dates. Never panics on any input (the readers and the
//! repair are fuzzed; see `testing`).

mod area;
mod change;
mod error;
mod geojson_in;
mod kml_in;
pub mod out;
mod repair;
mod series;
pub mod testing;

pub use area::{EdgeAreas, UKRAINE_KM2, area_km2, area_m2, polygon_area_m2, ring_area_m2, share};
pub use change::{Change, ChangeOptions, Part, change, change_full};
pub use error::{LonLat, MapError, Place};
pub use geo::{Coord, LineString, MultiPolygon, Polygon, Rect};
pub use repair::{RepairOptions, Repairs};
pub use series::{Period, PeriodChange, Series, SeriesPoint, series, spans};

/// Size and shape caps, checked before any work (bytes) and while reading (vertices). Config-free: the
/// server passes its own.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Largest input accepted, in bytes.
    pub max_bytes: usize,
    /// Most vertices in one layer.
    pub max_vertices: usize,
}

impl Limits {
    /// 64 MiB and two million vertices: a daily layer of the whole front is well under 1 MiB.
    pub const DEFAULT: Limits = Limits {
        max_bytes: 64 * 1024 * 1024,
        max_vertices: 2_000_000,
    };
}

impl Default for Limits {
    fn default() -> Self {
        Limits::DEFAULT
    }
}

/// A layer as read: the repaired geometry and what was done to it.
#[derive(Debug, Clone)]
pub struct Layer {
    /// Outer rings counter-clockwise, holes clockwise, rings closed, polygons not overlapping.
    pub geometry: MultiPolygon,
    pub repairs: Repairs,
}

/// The input format, sniffed from the first bytes by [`read_layer`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    GeoJson,
    Kml,
}

/// GeoJSON (`{`) or KML (`<`), by the first byte that is not white space or a byte-order mark.
pub fn sniff(bytes: &[u8]) -> Option<Format> {
    let b = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match b.iter().find(|c| !c.is_ascii_whitespace()) {
        Some(b'{') | Some(b'[') => Some(Format::GeoJson),
        Some(b'<') => Some(Format::Kml),
        _ => None,
    }
}

/// Reads a layer from GeoJSON or KML (sniffed), then validates and repairs it.
pub fn read_layer(bytes: &[u8], limits: &Limits, opts: &RepairOptions) -> Result<Layer, MapError> {
    check_size(bytes, limits)?;
    match sniff(bytes) {
        Some(Format::GeoJson) => read_geojson(bytes, limits, opts),
        Some(Format::Kml) => read_kml(bytes, limits, opts),
        None if bytes.starts_with(b"PK\x03\x04") => Err(MapError::Kmz),
        None => Err(MapError::UnknownFormat),
    }
}

/// Reads a GeoJSON layer (FeatureCollection, Feature or bare geometry; Polygon, MultiPolygon and
/// GeometryCollections of them), then validates and repairs it.
pub fn read_geojson(bytes: &[u8], limits: &Limits, opts: &RepairOptions) -> Result<Layer, MapError> {
    check_size(bytes, limits)?;
    let raw = geojson_in::read(bytes, limits)?;
    repair::repair(raw, opts)
}

/// Reads a KML layer (Placemarks with Polygon or MultiGeometry, outerBoundaryIs/innerBoundaryIs), then
/// validates and repairs it.
pub fn read_kml(bytes: &[u8], limits: &Limits, opts: &RepairOptions) -> Result<Layer, MapError> {
    check_size(bytes, limits)?;
    let raw = kml_in::read(bytes, limits)?;
    repair::repair(raw, opts)
}

fn check_size(bytes: &[u8], limits: &Limits) -> Result<(), MapError> {
    if bytes.len() > limits.max_bytes {
        return Err(MapError::TooLarge {
            size: bytes.len(),
            limit: limits.max_bytes,
        });
    }
    Ok(())
}

/// What a reader hands to the repair: polygons as rings of (lon, lat) in document order, unvalidated.
#[derive(Debug, Default)]
pub(crate) struct Raw {
    /// Each polygon: its outer ring, then its holes.
    pub polygons: Vec<Vec<Vec<Coord>>>,
    /// Positions that had a third (height) or further number, dropped.
    pub heights_dropped: usize,
    /// The `crs` member's name, if any (accepted only when it names WGS84 lon/lat).
    pub crs: Option<String>,
    /// Geometries that are not areas (points, lines), by type: ignored.
    pub ignored: Vec<(String, usize)>,
}

impl Raw {
    pub(crate) fn ignore(&mut self, kind: &str) {
        match self.ignored.iter_mut().find(|(k, _)| k == kind) {
            Some((_, n)) => *n += 1,
            None => self.ignored.push((kind.to_string(), 1)),
        }
    }
}
