//! Ground gained and lost between two layers: new minus old and old minus new (geo's boolean operations,
//! i_overlay underneath), split into parts, each with its geodesic area, a representative point inside it
//! and its bounding box. Parts under the threshold are slivers (the noise of redrawn lines): dropped and
//! counted.
//!
//! The overlay is planar in lon/lat (as shapely's is): where two boundaries cross, the new vertex lies on
//! the straight lon/lat segment rather than on the geodesic. For edges of a kilometre or two, as in daily
//! layers, that moves the part's area by far less than a m² per crossing; for edges of tens of kilometres
//! it can reach a tenth of a km². Areas of the parts are geodesic.
//!
//! Consecutive daily layers share most of their boundary, and a boundary edge that both layers have, in the
//! same direction, bounds neither difference. So [`change`] overlays only the edges that differ: the new
//! layer's edges it does not share, and the old layer's reversed. Their winding number is one inside
//! new-minus-old, minus one inside old-minus-new and zero elsewhere (for layers as the repair leaves them:
//! outer rings counter-clockwise, holes clockwise, polygons not overlapping), so the overlay with the fill
//! rules Positive and Negative gives gained and lost ground from a few hundred segments instead of
//! thousands. [`change_full`] is the plain pair of boolean differences; the tests hold the two together.

use std::collections::HashMap;

use geo::{BooleanOps, BoundingRect, Coord, InteriorPoint, LineString, MultiPolygon, Polygon, Rect};
use i_overlay::core::fill_rule::FillRule;
use i_overlay::core::overlay_rule::OverlayRule;
use i_overlay::float::overlay::{FloatOverlay, OverlayOptions};

use crate::area::FastHash;

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

/// Gained (new minus old) and lost (old minus new) ground, from the edges the layers do not share.
pub fn change(old: &MultiPolygon, new: &MultiPolygon, opts: &ChangeOptions) -> Change {
    if old.0.is_empty() || new.0.is_empty() || !oriented(old) || !oriented(new) {
        return change_full(old, new, opts);
    }
    match from_edges(old, new) {
        Some((gained, lost)) => finish(gained, lost, opts),
        None => change_full(old, new, opts),
    }
}

/// Gained and lost ground as two boolean differences of the whole layers.
pub fn change_full(old: &MultiPolygon, new: &MultiPolygon, opts: &ChangeOptions) -> Change {
    let (gained, lost) = if old.0.is_empty() || new.0.is_empty() {
        (new.clone(), old.clone())
    } else {
        (new.difference(old), old.difference(new))
    };
    finish(gained, lost, opts)
}

fn finish(gained: MultiPolygon, lost: MultiPolygon, opts: &ChangeOptions) -> Change {
    let mut c = Change::default();
    c.gained = parts(gained, opts, &mut c);
    c.lost = parts(lost, opts, &mut c);
    // `+ 0.0`: an empty float sum is -0.0, which would print as "-0.0000".
    c.gained_km2 = c.gained.iter().map(|p| p.area_km2).sum::<f64>() + 0.0;
    c.lost_km2 = c.lost.iter().map(|p| p.area_km2).sum::<f64>() + 0.0;
    c
}

/// Outer rings counter-clockwise, holes clockwise (planar signed area in lon/lat).
fn oriented(mp: &MultiPolygon) -> bool {
    let ccw = |r: &LineString| {
        let c = &r.0;
        let mut s = 0.0;
        for w in c.windows(2) {
            s += (w[0].x - c[0].x) * (w[1].y - c[0].y) - (w[1].x - c[0].x) * (w[0].y - c[0].y);
        }
        s > 0.0
    };
    mp.0.iter()
        .all(|p| ccw(p.exterior()) && p.interiors().iter().all(|h| !ccw(h)))
}

fn key(c: Coord) -> [u64; 2] {
    [c.x.to_bits(), c.y.to_bits()]
}

/// The edges that differ, chained into closed paths, overlaid with the fill rules Positive (gained) and
/// Negative (lost). `None` if the edges do not chain (they always do for closed rings; belt and braces).
fn from_edges(old: &MultiPolygon, new: &MultiPolygon) -> Option<(MultiPolygon, MultiPolygon)> {
    // Directed edge -> (count in new less count in old, from, to).
    let n_edges: usize = [old, new]
        .iter()
        .flat_map(|mp| &mp.0)
        .map(|p| p.exterior().0.len() + p.interiors().iter().map(|r| r.0.len()).sum::<usize>())
        .sum();
    let mut edges: HashMap<[u64; 4], (i32, Coord, Coord), FastHash> =
        HashMap::with_capacity_and_hasher(n_edges, FastHash);
    let mut add = |mp: &MultiPolygon, sign: i32| {
        for p in &mp.0 {
            for r in std::iter::once(p.exterior()).chain(p.interiors()) {
                for w in r.0.windows(2) {
                    let (a, b) = (w[0], w[1]);
                    if a == b {
                        continue;
                    }
                    let [ax, ay] = key(a);
                    let [bx, by] = key(b);
                    edges.entry([ax, ay, bx, by]).or_insert((0, a, b)).0 += sign;
                }
            }
        }
    };
    add(new, 1);
    add(old, -1);
    // Outgoing edges by start vertex: a surplus in new as it runs, a surplus in old reversed.
    let mut out: HashMap<[u64; 2], Vec<Coord>, FastHash> = HashMap::default();
    let mut total = 0usize;
    for (n, a, b) in edges.into_values() {
        let (from, to) = if n > 0 { (a, b) } else { (b, a) };
        for _ in 0..n.unsigned_abs() {
            out.entry(key(from)).or_default().push(to);
            total += 1;
        }
    }
    if total == 0 {
        return Some((MultiPolygon(vec![]), MultiPolygon(vec![])));
    }
    // Closed paths: in a graph where every vertex has as many edges in as out, a walk from a vertex can
    // only end where it began.
    let mut starts: Vec<[u64; 2]> = out.keys().copied().collect();
    starts.sort_unstable();
    let mut paths: Vec<Vec<[f64; 2]>> = Vec::new();
    let mut used = 0usize;
    for s in starts {
        while let Some(first) = out.get_mut(&s).and_then(Vec::pop) {
            let start = Coord {
                x: f64::from_bits(s[0]),
                y: f64::from_bits(s[1]),
            };
            let mut path = vec![[start.x, start.y]];
            let mut cur = first;
            used += 1;
            while key(cur) != s {
                path.push([cur.x, cur.y]);
                cur = out.get_mut(&key(cur)).and_then(Vec::pop)?;
                used += 1;
                if used > total {
                    return None;
                }
            }
            if path.len() >= 3 {
                paths.push(path);
            }
        }
    }
    if paths.is_empty() {
        return Some((MultiPolygon(vec![]), MultiPolygon(vec![])));
    }
    let mut overlay = FloatOverlay::with_subj_custom(&paths, OverlayOptions::ogc(), Default::default());
    let gained = overlay.overlay(OverlayRule::Subject, FillRule::Positive);
    let lost = overlay.overlay(OverlayRule::Subject, FillRule::Negative);
    Some((to_multipolygon(gained), to_multipolygon(lost)))
}

fn to_multipolygon(shapes: Vec<Vec<Vec<[f64; 2]>>>) -> MultiPolygon {
    MultiPolygon(
        shapes
            .into_iter()
            .filter_map(|shape| {
                let mut rings = shape.into_iter().map(|path| {
                    let mut pts: Vec<Coord> = path.into_iter().map(|[x, y]| Coord { x, y }).collect();
                    if let Some(&f) = pts.first() {
                        pts.push(f);
                    }
                    LineString(pts)
                });
                let outer = rings.next()?;
                Some(Polygon::new(outer, rings.collect()))
            })
            .collect(),
    )
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
