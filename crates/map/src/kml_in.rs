//! KML in: every `Polygon` (in a Placemark, a MultiGeometry, nested or not) with its `outerBoundaryIs` and
//! `innerBoundaryIs` rings; other geometries (Point, LineString, Model, gx:Track) ignored and counted.
//! Element names are matched by local name, so `kml:Polygon` works too. The text is UTF-8 (KML's encoding);
//! XML declarations are blanked before parsing (quick-xml's decoder panics on one that switches encoding),
//! entities of a DTD are never expanded.

use geo::Coord;
use quick_xml::events::Event;

use crate::error::{MapError, Place};
use crate::{Limits, Raw};

#[derive(Clone, Copy, PartialEq)]
enum Boundary {
    None,
    Outer,
    Inner,
}

/// The polygon being read: its outer ring (once seen) and its holes.
type Open = (Option<Vec<Coord>>, Vec<Vec<Coord>>);

pub(crate) fn read(bytes: &[u8], limits: &Limits) -> Result<Raw, MapError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = String::from_utf8_lossy(bytes);
    let text = blank_declarations(&text);
    let mut reader = quick_xml::Reader::from_str(&text);
    let mut raw = Raw::default();
    let mut budget = limits.max_vertices;
    let mut polygon: Option<Open> = None;
    let mut polygon_depth = 0usize;
    let mut boundary = Boundary::None;
    let mut in_coordinates = false;
    let mut coords_text = String::new();
    let mut depth = 0usize;
    let mut saw_root = false;
    loop {
        let event = match reader.read_event() {
            Ok(e) => e,
            Err(e) => {
                let at = usize::try_from(reader.error_position()).unwrap_or(0);
                let (line, column) = line_column(&text, at);
                return Err(MapError::InvalidKml {
                    line,
                    column,
                    message: e.to_string(),
                });
            }
        };
        match event {
            Event::Start(e) => {
                depth += 1;
                saw_root = true;
                let name = e.local_name();
                match name.as_ref() {
                    "Polygon" if polygon.is_none() => {
                        polygon = Some((None, Vec::new()));
                        polygon_depth = depth;
                    }
                    "outerBoundaryIs" => boundary = Boundary::Outer,
                    "innerBoundaryIs" => boundary = Boundary::Inner,
                    "coordinates" => {
                        in_coordinates = true;
                        coords_text.clear();
                    }
                    n if polygon.is_none() && is_other_geometry(n) => {
                        raw.ignore(n);
                    }
                    _ => {}
                }
            }
            Event::Empty(e) => {
                saw_root = true;
                let name = e.local_name();
                if polygon.is_none() && is_other_geometry(name.as_ref()) {
                    raw.ignore(name.as_ref());
                }
            }
            Event::Text(t) if in_coordinates => {
                coords_text.push_str(&t.xml10_content());
            }
            Event::CData(t) if in_coordinates => coords_text.push_str(&t.xml10_content()),
            Event::End(e) => {
                let name = e.local_name();
                match name.as_ref() {
                    "coordinates" if in_coordinates => {
                        in_coordinates = false;
                        if let Some((outer, holes)) = polygon.as_mut() {
                            let ring_no = match boundary {
                                Boundary::Outer => 1,
                                Boundary::Inner => holes.len() + 2,
                                Boundary::None => 0,
                            };
                            if ring_no > 0 {
                                let place = |point| Place {
                                    polygon: raw.polygons.len() + 1,
                                    ring: ring_no,
                                    point,
                                };
                                let ring = parse_coordinates(
                                    &coords_text,
                                    &mut budget,
                                    limits,
                                    &place,
                                    &mut raw.heights_dropped,
                                )?;
                                match boundary {
                                    Boundary::Outer if outer.is_none() => *outer = Some(ring),
                                    // A second outer ring in one Polygon: KML allows one; keep it as a polygon of its own.
                                    Boundary::Outer => raw.polygons.push(vec![ring]),
                                    _ => holes.push(ring),
                                }
                            }
                        }
                    }
                    "outerBoundaryIs" | "innerBoundaryIs" => boundary = Boundary::None,
                    "Polygon" if polygon.is_some() && depth == polygon_depth => {
                        if let Some((outer, holes)) = polygon.take() {
                            match outer {
                                Some(o) => {
                                    let mut rings = vec![o];
                                    rings.extend(holes);
                                    raw.polygons.push(rings);
                                }
                                None if holes.is_empty() => raw.ignore("Polygon without outerBoundaryIs"),
                                None => {
                                    return Err(MapError::BadPosition {
                                        place: Place {
                                            polygon: raw.polygons.len() + 1,
                                            ring: 1,
                                            point: 0,
                                        },
                                        reason: "a Polygon with innerBoundaryIs but no outerBoundaryIs".into(),
                                    });
                                }
                            }
                        }
                    }
                    _ => {}
                }
                depth = depth.saturating_sub(1);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !saw_root {
        return Err(MapError::InvalidKml {
            line: 1,
            column: 1,
            message: "no XML element".into(),
        });
    }
    Ok(raw)
}

fn is_other_geometry(name: &str) -> bool {
    matches!(
        name,
        "Point" | "LineString" | "LinearRing" | "Model" | "Track" | "MultiTrack"
    )
}

/// `lon,lat[,alt]` tuples separated by white space; white space next to a comma (`30.5, 50.4`) is tolerated.
fn parse_coordinates(
    text: &str,
    budget: &mut usize,
    limits: &Limits,
    place: &dyn Fn(usize) -> Place,
    heights: &mut usize,
) -> Result<Vec<Coord>, MapError> {
    // Join "a, " and "a ," into "a,b".
    let mut joined = String::with_capacity(text.len());
    let mut pending_space = false;
    for c in text.chars() {
        if c.is_whitespace() {
            pending_space = true;
            continue;
        }
        if pending_space && c != ',' && !joined.ends_with(',') && !joined.is_empty() {
            joined.push(' ');
        }
        pending_space = false;
        joined.push(c);
    }
    let mut out = Vec::new();
    for (i, tuple) in joined.split(' ').filter(|t| !t.is_empty()).enumerate() {
        if *budget == 0 {
            return Err(MapError::TooManyVertices {
                limit: limits.max_vertices,
            });
        }
        *budget -= 1;
        let mut nums = tuple.split(',');
        let mut num = || -> Result<Option<f64>, MapError> {
            match nums.next() {
                None => Ok(None),
                Some(s) => match s.parse::<f64>() {
                    Ok(v) if v.is_finite() => Ok(Some(v)),
                    _ => Err(MapError::BadPosition {
                        place: place(i + 1),
                        reason: format!("{s:?} is not a number (KML coordinates are lon,lat[,alt])"),
                    }),
                },
            }
        };
        let (Some(lon), Some(lat)) = (num()?, num()?) else {
            return Err(MapError::BadPosition {
                place: place(i + 1),
                reason: format!("{tuple:?} needs longitude and latitude (lon,lat[,alt])"),
            });
        };
        if num()?.is_some() {
            *heights += 1;
        }
        out.push(Coord { x: lon, y: lat });
    }
    Ok(out)
}

/// XML declarations (`<?xml ...?>`) replaced by spaces, so offsets stay those of the file.
fn blank_declarations(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains("<?xml") {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("<?xml") {
        let after = rest.as_bytes().get(at + 5);
        if !after.is_none_or(|&b| b.is_ascii_whitespace() || b == b'?') {
            out.push_str(&rest[..at + 5]);
            rest = &rest[at + 5..];
            continue;
        }
        out.push_str(&rest[..at]);
        let end = rest[at..].find("?>").map_or(rest.len(), |e| at + e + 2);
        out.extend(std::iter::repeat_n(' ', rest[at..end].len()));
        rest = &rest[end..];
    }
    out.push_str(rest);
    std::borrow::Cow::Owned(out)
}

fn line_column(text: &str, at: usize) -> (usize, usize) {
    let at = at.min(text.len());
    let before = text.as_bytes().get(..at).unwrap_or_default();
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let start = before.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    let column = String::from_utf8_lossy(&before[start..]).chars().count() + 1;
    (line, column)
}
