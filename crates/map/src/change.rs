//! Ground gained and lost between two layers: new minus old and old minus new (geo's boolean operations,
//! i_overlay underneath), split into parts, each with its geodesic area, a representative point inside it
//! and its bounding box. Parts under the threshold are slivers (the noise of redrawn lines): dropped and
//! counted.
//!
//! The overlay is planar in lon/lat (as shapely's is): where two boundaries cross, the new vertex lies on
//! the straight lon/lat segment rather than on the geodesic. For edges of a kilometre or two, as in daily
//! layers, that moves the part's area by far less than a m² per crossing; for edges of tens of kilometres
//! it can reach a tenth of a km². Areas of the parts are geodesic.

use geo::{BooleanOps, BoundingRect, Coord, InteriorPoint, MultiPolygon, Polygon, Rect};

use crate::area::polygon_area_m2;

#[derive(Debug, Clone, Copy)]
pub struct ChangeOptions {
    /// Parts smaller than this (km²) are dropped and counted. Default 0.01 km².
    pub min_part_km2: f64,
}

impl Default for ChangeOptions {
    fn default() -> Self {
        ChangeOptions { min_part_km2: 0.01 }
    }
}

/// One connected piece of gained or lost ground.
#[derive(Debug, Clone)]
pub struct Part {
    pub polygon: Polygon,
    pub area_km2: f64,
    /// A point inside the part (for a label or a gazetteer look-up).
    pub point: Coord,
    pub bbox: Rect,
}

/// The change from an old layer to a new one.
#[derive(Debug, Clone, Default)]
pub struct Change {
    /// Largest first.
    pub gained: Vec<Part>,
    pub lost: Vec<Part>,
    /// Sums of the kept parts.
    pub gained_km2: f64,
    pub lost_km2: f64,
    /// Parts under the threshold, dropped: how many and their total area.
    pub slivers_dropped: usize,
    pub sliver_km2: f64,
}

impl Change {
    /// Gained less lost, km².
    pub fn net_km2(&self) -> f64 {
        self.gained_km2 - self.lost_km2
    }
}

/// Gained (new minus old) and lost (old minus new) ground.
pub fn change(old: &MultiPolygon, new: &MultiPolygon, opts: &ChangeOptions) -> Change {
    let mut c = Change::default();
    let (gained, lost) = if old.0.is_empty() || new.0.is_empty() {
        (new.clone(), old.clone())
    } else {
        (new.difference(old), old.difference(new))
    };
    c.gained = parts(gained, opts, &mut c);
    c.lost = parts(lost, opts, &mut c);
    c.gained_km2 = c.gained.iter().map(|p| p.area_km2).sum();
    c.lost_km2 = c.lost.iter().map(|p| p.area_km2).sum();
    c
}

fn parts(mp: MultiPolygon, opts: &ChangeOptions, c: &mut Change) -> Vec<Part> {
    let mut out: Vec<Part> = Vec::new();
    for polygon in mp {
        let area_km2 = polygon_area_m2(&polygon) / 1e6;
        if area_km2 < opts.min_part_km2 {
            c.slivers_dropped += 1;
            c.sliver_km2 += area_km2.max(0.0);
            continue;
        }
        let (Some(bbox), Some(point)) = (polygon.bounding_rect(), polygon.interior_point()) else {
            continue;
        };
        out.push(Part {
            polygon,
            area_km2,
            point: point.0,
            bbox,
        });
    }
    out.sort_by(|a, b| b.area_km2.total_cmp(&a.area_km2));
    out
}
