//! Why a layer was refused. Places are 1-based ("polygon 2, ring 1, point 17") as an editor counts them in
//! the file; ring 1 is a polygon's outer ring, ring 2 its first hole.

use std::fmt;

/// A (lon, lat) pair printed as `37.51234 E, 47.90120 N`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LonLat(pub f64, pub f64);

impl fmt::Display for LonLat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (lon, lat) = (self.0, self.1);
        let ew = if lon < 0.0 { 'W' } else { 'E' };
        let ns = if lat < 0.0 { 'S' } else { 'N' };
        write!(f, "{:.5} {ew}, {:.5} {ns}", lon.abs(), lat.abs())
    }
}

/// Where in the layer: polygon, ring and point, 1-based, in the order of the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Place {
    pub polygon: usize,
    pub ring: usize,
    pub point: usize,
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "polygon {}, ring {}, point {}", self.polygon, self.ring, self.point)
    }
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum MapError {
    #[error("the file is {size} bytes; a layer may be at most {limit} bytes")]
    TooLarge { size: usize, limit: usize },
    #[error("the layer has more than {limit} vertices")]
    TooManyVertices { limit: usize },
    #[error("not a GeoJSON or KML file (it should start with {{ or <)")]
    UnknownFormat,
    #[error("a KMZ (zipped KML) file: unzip it and upload the doc.kml inside")]
    Kmz,
    #[error("invalid JSON at line {line}, column {column}: {message}")]
    InvalidJson {
        line: usize,
        column: usize,
        message: String,
    },
    #[error("not GeoJSON at line {line}, column {column}: {message}")]
    NotGeoJson {
        line: usize,
        column: usize,
        message: String,
    },
    #[error("unknown geometry type {found:?} (a layer takes Polygon, MultiPolygon or GeometryCollection)")]
    UnknownGeometryType { found: String },
    #[error("invalid KML at line {line}, column {column}: {message}")]
    InvalidKml {
        line: usize,
        column: usize,
        message: String,
    },
    #[error("the crs member names {name:?}; a layer must be in WGS84 longitude/latitude (CRS84, EPSG:4326)")]
    UnsupportedCrs { name: String },
    #[error("{place}: {reason}")]
    BadPosition { place: Place, reason: String },
    #[error("{place}: coordinates ({lon}, {lat}) are out of range (longitude -180..180, latitude -90..90)")]
    OutOfRange { place: Place, lon: f64, lat: f64 },
    #[error(
        "latitude and longitude look swapped: {place} reads ({lon}, {lat}), a latitude beyond 90, and every \
         position would be in range the other way round; GeoJSON and KML put longitude first"
    )]
    Swapped { place: Place, lon: f64, lat: f64 },
    #[error("polygon {polygon}, ring {ring} crosses {other} near {at}; the ring cannot be repaired safely")]
    SelfIntersection {
        polygon: usize,
        ring: usize,
        /// "itself (points 12 and 40)" or "ring 1 (the outer ring)".
        other: String,
        at: LonLat,
    },
    #[error("polygon {polygon}, ring {ring} (a hole) lies outside its outer ring near {at}")]
    HoleOutside { polygon: usize, ring: usize, at: LonLat },
    #[error("the layer is empty: {detail}")]
    Empty { detail: String },
}

impl MapError {
    /// A stable snake_case code for the API's error table.
    pub fn code(&self) -> &'static str {
        match self {
            MapError::TooLarge { .. } => "too_large",
            MapError::TooManyVertices { .. } => "too_many_vertices",
            MapError::UnknownFormat => "unknown_format",
            MapError::Kmz => "kmz",
            MapError::InvalidJson { .. } => "invalid_json",
            MapError::NotGeoJson { .. } => "not_geojson",
            MapError::UnknownGeometryType { .. } => "unknown_geometry_type",
            MapError::InvalidKml { .. } => "invalid_kml",
            MapError::UnsupportedCrs { .. } => "unsupported_crs",
            MapError::BadPosition { .. } => "bad_position",
            MapError::OutOfRange { .. } => "out_of_range",
            MapError::Swapped { .. } => "lat_lon_swapped",
            MapError::SelfIntersection { .. } => "self_intersection",
            MapError::HoleOutside { .. } => "hole_outside",
            MapError::Empty { .. } => "empty_layer",
        }
    }
}
