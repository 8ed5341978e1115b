//! Validation and repair of a layer as read. Repaired where it is safe, each change counted in [`Repairs`]:
//! duplicate consecutive points removed, unclosed rings closed, spikes (a ring going out and straight back)
//! removed, rings of no area dropped, outer rings turned counter-clockwise and holes clockwise (RFC 7946;
//! the DeepState files have them the other way), polygons that overlap or share an edge unioned, polygons
//! under the sliver threshold dropped. Refused where it is not ([`MapError`]): positions out of range or
//! latitude and longitude swapped, a ring crossing itself or another ring of its polygon (said where), a
//! hole outside its outer ring, nothing left.
//!
//! Crossings are found by a sweep over the segments' x-ranges with exact predicates (geo's robust kernel):
//! proper crossings and collinear overlaps, and touches at a vertex checked for whether the two chains
//! through it cross. Coordinates are never moved except where polygons are unioned (i_overlay, through geo's
//! `unary_union`, on the overlapping polygons only), so a valid layer's area is the file's to the bit.

use std::fmt;

use geo::algorithm::line_intersection::{LineIntersection, line_intersection};
use geo::coordinate_position::{CoordPos, CoordinatePosition};
use geo::kernels::{Kernel, Orientation, RobustKernel};
use geo::{BoundingRect, Coord, Line, LineString, MultiPolygon, Polygon, Rect, unary_union};

use crate::area::polygon_area_m2;
use crate::error::{LonLat, MapError, Place};
use crate::{Layer, Raw};

/// What the repair may do.
#[derive(Debug, Clone, Copy)]
pub struct RepairOptions {
    /// Polygons smaller than this (m²) are slivers: dropped and counted. Default 100 m².
    pub min_polygon_m2: f64,
}

impl Default for RepairOptions {
    fn default() -> Self {
        RepairOptions { min_polygon_m2: 100.0 }
    }
}

/// What the repair changed (all zero for a clean RFC 7946 layer) and what the reader noticed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Repairs {
    /// Polygons as read, and in the result.
    pub polygons_in: usize,
    pub polygons_out: usize,
    /// Vertices in the result (closing points not counted).
    pub vertices: usize,
    pub duplicate_points_removed: usize,
    pub rings_closed: usize,
    pub spikes_removed: usize,
    /// Rings with fewer than three distinct points or no area (an outer ring takes its polygon with it).
    pub degenerate_rings_dropped: usize,
    pub rings_reoriented: usize,
    /// Polygons that overlapped or shared an edge with another, unioned.
    pub polygons_unioned: usize,
    pub slivers_dropped: usize,
    pub sliver_area_m2: f64,
    /// Positions whose height (third number) was dropped.
    pub heights_dropped: usize,
    /// The `crs` member, if the file had one (accepted: it named WGS84).
    pub crs: Option<String>,
    /// Geometries that are not areas (points, lines), by type: ignored.
    pub ignored: Vec<(String, usize)>,
}

impl Repairs {
    /// One line per change, for an editor: empty when nothing was changed.
    pub fn notes(&self) -> Vec<String> {
        let mut out = Vec::new();
        let say = |out: &mut Vec<String>, n: usize, what: &str| {
            if n > 0 {
                out.push(format!("{n} {what}"));
            }
        };
        say(
            &mut out,
            self.rings_reoriented,
            "ring(s) reoriented (outer rings counter-clockwise, holes clockwise)",
        );
        say(
            &mut out,
            self.duplicate_points_removed,
            "duplicate consecutive point(s) removed",
        );
        say(&mut out, self.rings_closed, "unclosed ring(s) closed");
        say(
            &mut out,
            self.spikes_removed,
            "spike(s) removed (a ring going out and straight back)",
        );
        say(&mut out, self.degenerate_rings_dropped, "ring(s) without area dropped");
        say(
            &mut out,
            self.polygons_unioned,
            "overlapping or touching polygon(s) unioned",
        );
        if self.slivers_dropped > 0 {
            out.push(format!(
                "{} sliver polygon(s) dropped ({:.1} m² in all)",
                self.slivers_dropped, self.sliver_area_m2
            ));
        }
        say(
            &mut out,
            self.heights_dropped,
            "height value(s) dropped (3-D positions)",
        );
        for (kind, n) in &self.ignored {
            out.push(format!(
                "{n} {kind} geometr{} ignored (not an area)",
                if *n == 1 { "y" } else { "ies" }
            ));
        }
        out
    }
}

impl fmt::Display for Repairs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let notes = self.notes();
        if notes.is_empty() {
            return f.write_str("no repairs");
        }
        f.write_str(&notes.join("; "))
    }
}

/// A ring being repaired: its points without the closing one, and where it came from (1-based).
struct Ring {
    pts: Vec<Coord>,
    polygon: usize,
    ring: usize,
}

pub(crate) fn repair(raw: Raw, opts: &RepairOptions) -> Result<Layer, MapError> {
    let mut rep = Repairs {
        polygons_in: raw.polygons.len(),
        heights_dropped: raw.heights_dropped,
        crs: raw.crs.clone(),
        ignored: raw.ignored.clone(),
        ..Repairs::default()
    };
    if raw.polygons.is_empty() {
        let detail = if raw.ignored.is_empty() {
            "no Polygon or MultiPolygon in it".to_string()
        } else {
            let kinds: Vec<String> = raw.ignored.iter().map(|(k, n)| format!("{n} {k}")).collect();
            format!("no Polygon or MultiPolygon in it, only {}", kinds.join(", "))
        };
        return Err(MapError::Empty { detail });
    }
    check_ranges(&raw)?;

    // Rings cleaned, closed, spikes out; degenerate ones dropped (an outer ring with its polygon).
    let mut polys: Vec<Vec<Ring>> = Vec::with_capacity(raw.polygons.len());
    for (pi, poly) in raw.polygons.into_iter().enumerate() {
        let mut rings = Vec::with_capacity(poly.len());
        for (ri, coords) in poly.into_iter().enumerate() {
            let pts = clean_ring(coords, &mut rep);
            if pts.len() < 3 || collinear(&pts) {
                rep.degenerate_rings_dropped += 1;
                if ri == 0 {
                    break;
                }
                continue;
            }
            rings.push(Ring {
                pts,
                polygon: pi + 1,
                ring: ri + 1,
            });
        }
        if rings.first().is_some_and(|r| r.ring == 1) {
            polys.push(rings);
        }
    }
    if polys.is_empty() {
        return Err(MapError::Empty {
            detail: "every ring had fewer than three distinct points or no area".into(),
        });
    }

    // Orientation: outer counter-clockwise, holes clockwise.
    for rings in &mut polys {
        for (k, r) in rings.iter_mut().enumerate() {
            let ccw = planar_area2(&r.pts) > 0.0;
            if ccw != (k == 0) {
                r.pts.reverse();
                rep.rings_reoriented += 1;
            }
        }
    }

    let geo_polys: Vec<Polygon> = polys
        .iter()
        .map(|rings| {
            let mut ls = rings.iter().map(|r| closed(&r.pts));
            let outer = ls.next().unwrap_or_else(|| LineString(Vec::new()));
            Polygon::new(outer, ls.collect())
        })
        .collect();

    let overlaps = crossings(&polys)?;
    check_holes(&polys, &geo_polys)?;
    let groups = overlap_groups(&polys, &geo_polys, overlaps);

    let mut out: Vec<Polygon> = Vec::with_capacity(geo_polys.len());
    let mut taken = vec![false; geo_polys.len()];
    for g in &groups {
        let members: Vec<&Polygon> = g.iter().map(|&i| &geo_polys[i]).collect();
        rep.polygons_unioned += members.len();
        for &i in g {
            taken[i] = true;
        }
        let snap = Snap::new(&members);
        for p in unary_union(members.iter().copied()) {
            out.push(oriented(snap.apply(p), &mut rep));
        }
    }
    for (i, p) in geo_polys.into_iter().enumerate() {
        if !taken[i] {
            out.push(p);
        }
    }

    // Slivers.
    let mut kept = Vec::with_capacity(out.len());
    for p in out {
        // A union can leave a degenerate ring behind: not a polygon, not a hole.
        if p.exterior().0.len() < 4 {
            rep.degenerate_rings_dropped += 1;
            continue;
        }
        let p = if p.interiors().iter().any(|h| h.0.len() < 4) {
            let (ext, mut holes) = p.into_inner();
            holes.retain(|h| h.0.len() >= 4);
            Polygon::new(ext, holes)
        } else {
            p
        };
        // The geodesic area only for polygons that may be slivers: a rough planar figure first (within a
        // few per cent at these sizes), with a wide margin.
        if rough_area_m2(&p) > 4.0 * opts.min_polygon_m2 + 1.0 {
            kept.push(p);
            continue;
        }
        let a = polygon_area_m2(&p);
        if a < opts.min_polygon_m2 {
            rep.slivers_dropped += 1;
            rep.sliver_area_m2 += a.max(0.0);
        } else {
            kept.push(p);
        }
    }
    if kept.is_empty() {
        return Err(MapError::Empty {
            detail: format!(
                "every polygon is a sliver under {} m² ({} dropped)",
                opts.min_polygon_m2, rep.slivers_dropped
            ),
        });
    }
    rep.polygons_out = kept.len();
    rep.vertices = kept
        .iter()
        .map(|p| p.exterior().0.len() - 1 + p.interiors().iter().map(|r| r.0.len() - 1).sum::<usize>())
        .sum();
    Ok(Layer {
        geometry: MultiPolygon(kept),
        repairs: rep,
    })
}

/// Out of range, or latitude and longitude swapped: every position in range the other way round, and a
/// latitude beyond 90 that says so.
fn check_ranges(raw: &Raw) -> Result<(), MapError> {
    let mut first_bad: Option<(Place, Coord)> = None;
    let mut swapped_ok = true;
    for (pi, poly) in raw.polygons.iter().enumerate() {
        for (ri, ring) in poly.iter().enumerate() {
            for (k, c) in ring.iter().enumerate() {
                if !c.x.is_finite() || !c.y.is_finite() {
                    return Err(MapError::BadPosition {
                        place: Place {
                            polygon: pi + 1,
                            ring: ri + 1,
                            point: k + 1,
                        },
                        reason: "a coordinate is not a finite number".into(),
                    });
                }
                let in_range = c.x.abs() <= 180.0 && c.y.abs() <= 90.0;
                if !in_range && first_bad.is_none() {
                    first_bad = Some((
                        Place {
                            polygon: pi + 1,
                            ring: ri + 1,
                            point: k + 1,
                        },
                        *c,
                    ));
                }
                swapped_ok &= c.y.abs() <= 180.0 && c.x.abs() <= 90.0;
            }
        }
    }
    match first_bad {
        None => Ok(()),
        Some((place, c)) if swapped_ok && c.y.abs() > 90.0 => Err(MapError::Swapped {
            place,
            lon: c.x,
            lat: c.y,
        }),
        Some((place, c)) => Err(MapError::OutOfRange {
            place,
            lon: c.x,
            lat: c.y,
        }),
    }
}

/// Duplicates out, the closing point off (counted when it was missing), spikes out.
fn clean_ring(coords: Vec<Coord>, rep: &mut Repairs) -> Vec<Coord> {
    let mut pts: Vec<Coord> = Vec::with_capacity(coords.len());
    let was_closed = coords.len() > 1 && coords.first() == coords.last();
    for c in coords {
        if pts.last() == Some(&c) {
            rep.duplicate_points_removed += 1;
        } else {
            pts.push(c);
        }
    }
    if pts.len() > 1 && pts.first() == pts.last() {
        pts.pop();
    }
    if !was_closed && pts.len() >= 3 {
        rep.rings_closed += 1;
    }
    // Spikes: b in a-b-c with c back along b-a (collinear, turning round). Removing one can make another,
    // so this works as a stack around the ring.
    let mut out: Vec<Coord> = Vec::with_capacity(pts.len());
    for c in pts {
        push_unspiked(&mut out, c, rep);
    }
    // Across the closing point: the last two and the first, and the last and the first two.
    loop {
        let n = out.len();
        if n < 3 {
            break;
        }
        if out[n - 1] == out[0] {
            out.pop();
            rep.duplicate_points_removed += 1;
        } else if is_spike(out[n - 2], out[n - 1], out[0]) {
            out.pop();
            rep.spikes_removed += 1;
        } else if is_spike(out[n - 1], out[0], out[1]) {
            out.remove(0);
            rep.spikes_removed += 1;
        } else {
            break;
        }
    }
    out
}

fn push_unspiked(out: &mut Vec<Coord>, c: Coord, rep: &mut Repairs) {
    loop {
        let n = out.len();
        if n >= 1 && out[n - 1] == c {
            rep.duplicate_points_removed += 1;
            return;
        }
        if n >= 2 && is_spike(out[n - 2], out[n - 1], c) {
            out.pop();
            rep.spikes_removed += 1;
            continue;
        }
        break;
    }
    out.push(c);
}

/// a -> b -> c turns straight back (c on the line a-b, on a's side of b).
fn is_spike(a: Coord, b: Coord, c: Coord) -> bool {
    RobustKernel::orient2d(a, b, c) == Orientation::Collinear && {
        let (u, v) = (a - b, c - b);
        u.x * v.x + u.y * v.y > 0.0
    }
}

/// The planar area in degrees² (outer ring less holes), scaled by the length of a degree at the outer
/// ring's mean latitude: rough (spherical, a few per cent off at a polygon's scale), good only for telling
/// a sliver from a field.
fn rough_area_m2(p: &Polygon) -> f64 {
    let pts = &p.exterior().0;
    if pts.is_empty() {
        return 0.0;
    }
    let lat = pts.iter().map(|c| c.y).sum::<f64>() / pts.len() as f64;
    let deg2 = planar_area2(pts).abs() / 2.0
        - p.interiors()
            .iter()
            .map(|r| planar_area2(&r.0).abs() / 2.0)
            .sum::<f64>();
    let deg = 111_320.0;
    deg2 * deg * deg * lat.to_radians().cos().max(0.0)
}

/// Every point on one line: a ring without area (a bow tie has no planar area either, but crosses itself).
fn collinear(pts: &[Coord]) -> bool {
    let (a, b) = (pts[0], pts[1]);
    pts[2..]
        .iter()
        .all(|&c| RobustKernel::orient2d(a, b, c) == Orientation::Collinear)
}

/// Twice the planar signed area (lon/lat as x/y), counter-clockwise positive. For orientation only.
fn planar_area2(pts: &[Coord]) -> f64 {
    let n = pts.len();
    let mut s = 0.0;
    for i in 0..n {
        let (a, b) = (pts[i], pts[(i + 1) % n]);
        s += (a.x - pts[0].x) * (b.y - pts[0].y) - (b.x - pts[0].x) * (a.y - pts[0].y);
    }
    s
}

fn closed(pts: &[Coord]) -> LineString {
    let mut v = Vec::with_capacity(pts.len() + 1);
    v.extend_from_slice(pts);
    if let Some(&f) = pts.first() {
        v.push(f);
    }
    LineString(v)
}

fn oriented(p: Polygon, rep: &mut Repairs) -> Polygon {
    let (ext, ints) = p.into_inner();
    let fix = |ls: LineString, ccw: bool| -> LineString {
        let mut pts = ls.0;
        if pts.len() > 1 && pts.first() == pts.last() {
            pts.pop();
        }
        if (planar_area2(&pts) > 0.0) != ccw {
            pts.reverse();
        }
        closed(&pts)
    };
    let _ = rep;
    Polygon::new(fix(ext, true), ints.into_iter().map(|r| fix(r, false)).collect())
}

/// i_overlay works on an integer grid: vertices it returns are the input's moved by up to a grid step
/// (about 1e-10 degrees for a layer's extent). Those that are within 1e-9 degrees of an input vertex get
/// that vertex back, so unioning leaves untouched stretches of boundary exactly as they were.
struct Snap {
    grid: std::collections::HashMap<(i64, i64), Vec<Coord>>,
}

impl Snap {
    const TOL: f64 = 1e-9;
    const CELL: f64 = 1e-7;

    fn key(c: Coord) -> (i64, i64) {
        ((c.x / Self::CELL).floor() as i64, (c.y / Self::CELL).floor() as i64)
    }

    fn new(polys: &[&Polygon]) -> Snap {
        let mut grid: std::collections::HashMap<(i64, i64), Vec<Coord>> = std::collections::HashMap::new();
        for p in polys {
            for r in std::iter::once(p.exterior()).chain(p.interiors()) {
                for &c in &r.0 {
                    grid.entry(Self::key(c)).or_default().push(c);
                }
            }
        }
        Snap { grid }
    }

    fn coord(&self, c: Coord) -> Coord {
        let (kx, ky) = Self::key(c);
        for dx in -1..=1 {
            for dy in -1..=1 {
                if let Some(v) = self.grid.get(&(kx + dx, ky + dy))
                    && let Some(&o) = v
                        .iter()
                        .find(|o| (o.x - c.x).abs() <= Self::TOL && (o.y - c.y).abs() <= Self::TOL)
                {
                    return o;
                }
            }
        }
        c
    }

    fn apply(&self, p: Polygon) -> Polygon {
        let (ext, ints) = p.into_inner();
        let fix = |ls: LineString| LineString(ls.0.into_iter().map(|c| self.coord(c)).collect());
        Polygon::new(fix(ext), ints.into_iter().map(fix).collect())
    }
}

/// A segment of the sweep: ring `r` (index into the flat ring list), from point `i` to `i + 1`.
#[derive(Clone, Copy)]
struct Seg {
    a: Coord,
    b: Coord,
    r: u32,
    i: u32,
    min_x: f64,
    max_x: f64,
}

/// Finds where rings cross or touch. Within a polygon a crossing refuses the layer; between polygons a
/// crossing, a shared stretch or an overlap at a touching point makes the pair overlapping. Returns the
/// overlapping pairs (polygon indices).
fn crossings(polys: &[Vec<Ring>]) -> Result<Vec<(usize, usize)>, MapError> {
    let rings: Vec<(usize, &Ring)> = polys
        .iter()
        .enumerate()
        .flat_map(|(p, rs)| rs.iter().map(move |r| (p, r)))
        .collect();
    let mut segs: Vec<Seg> = Vec::new();
    for (ri, (_, ring)) in rings.iter().enumerate() {
        let n = ring.pts.len();
        for i in 0..n {
            let (a, b) = (ring.pts[i], ring.pts[(i + 1) % n]);
            segs.push(Seg {
                a,
                b,
                r: ri as u32,
                i: i as u32,
                min_x: a.x.min(b.x),
                max_x: a.x.max(b.x),
            });
        }
    }
    segs.sort_by(|s, t| s.min_x.total_cmp(&t.min_x));
    let mut overlaps: Vec<(usize, usize)> = Vec::new();
    // The segments the sweep line is over: (max x, min y, max y, index), small to move about.
    let mut active: Vec<(f64, f64, f64, u32)> = Vec::new();
    for (k, s) in segs.iter().enumerate() {
        active.retain(|t| t.0 >= s.min_x);
        let (s_lo, s_hi) = (s.a.y.min(s.b.y), s.a.y.max(s.b.y));
        for &(_, t_lo, t_hi, ti) in &active {
            if t_hi < s_lo || t_lo > s_hi {
                continue;
            }
            let t = &segs[ti as usize];
            let (ps, pt) = (rings[s.r as usize].0, rings[t.r as usize].0);
            if ps != pt && overlaps.contains(&(ps.min(pt), ps.max(pt))) {
                continue;
            }
            if s.r == t.r && adjacent(s.i, t.i, rings[s.r as usize].1.pts.len() as u32) {
                continue;
            }
            let Some(x) = line_intersection(Line::new(s.a, s.b), Line::new(t.a, t.b)) else {
                continue;
            };
            let contact = match x {
                LineIntersection::SinglePoint {
                    is_proper: true,
                    intersection,
                } => Contact::Cross(intersection),
                LineIntersection::Collinear { intersection } => Contact::Shared(intersection.start),
                LineIntersection::SinglePoint { intersection, .. } => touch(&rings, s, t, intersection),
            };
            let at = match contact {
                Contact::None => continue,
                Contact::Cross(at) | Contact::Shared(at) => at,
                Contact::Overlap(at) => at,
            };
            if ps == pt {
                let (rs, rt) = (rings[s.r as usize].1, rings[t.r as usize].1);
                if matches!(contact, Contact::Overlap(_)) {
                    // Two rings of one polygon whose insides meet at a touching point: fine unless they cross,
                    // which `touch` reports as Cross.
                    continue;
                }
                let other = if s.r == t.r {
                    let (i, j) = (s.i.min(t.i) + 1, s.i.max(t.i) + 1);
                    format!("itself (between points {i}-{} and {j}-{})", i + 1, j + 1)
                } else {
                    format!("ring {}", rs.ring.min(rt.ring))
                };
                return Err(MapError::SelfIntersection {
                    polygon: rs.polygon,
                    ring: rs.ring.max(rt.ring),
                    other,
                    at: LonLat(at.x, at.y),
                });
            }
            overlaps.push((ps.min(pt), ps.max(pt)));
        }
        active.push((s.max_x, s_lo, s_hi, k as u32));
    }
    Ok(overlaps)
}

fn adjacent(i: u32, j: u32, n: u32) -> bool {
    i == j || (i + 1) % n == j || (j + 1) % n == i
}

enum Contact {
    None,
    /// The boundaries cross.
    Cross(Coord),
    /// They share a stretch.
    Shared(Coord),
    /// They touch at a point where the insides on the left of both overlap.
    Overlap(Coord),
}

/// Two segments meet at one point that is an endpoint of one or both: do the chains through it cross, or do
/// the insides (left of each ring, as oriented) overlap there?
fn touch(rings: &[(usize, &Ring)], s: &Seg, t: &Seg, p: Coord) -> Contact {
    let chain = |seg: &Seg| -> (Coord, Coord) {
        let pts = &rings[seg.r as usize].1.pts;
        let n = pts.len();
        let i = seg.i as usize;
        if p == seg.a {
            (pts[(i + n - 1) % n], pts[(i + 1) % n])
        } else if p == seg.b {
            (seg.a, pts[(i + 2) % n])
        } else {
            (seg.a, seg.b)
        }
    };
    let (s_prev, s_next) = chain(s);
    let (t_prev, t_next) = chain(t);
    // Crossing: t's two neighbours strictly on different sides of s's chain.
    let side = |x: Coord| in_wedge(p, s_next, s_prev, x);
    match (side(t_prev), side(t_next)) {
        (Some(a), Some(b)) if a != b => return Contact::Cross(p),
        _ => {}
    }
    // The insides are left of the rings: at p, the counter-clockwise wedge from the outgoing to the
    // incoming direction. Two open wedges overlap when one's start lies in the other or they start alike.
    let overlap = same_dir(p, s_next, t_next)
        || in_wedge(p, s_next, s_prev, t_next) == Some(true)
        || in_wedge(p, t_next, t_prev, s_next) == Some(true);
    if overlap { Contact::Overlap(p) } else { Contact::None }
}

fn same_dir(p: Coord, a: Coord, b: Coord) -> bool {
    RobustKernel::orient2d(p, a, b) == Orientation::Collinear && {
        let (u, v) = (a - p, b - p);
        u.x * v.x + u.y * v.y > 0.0
    }
}

/// Angle of direction `x` around `p`, counted counter-clockwise from direction `from`, compared with that
/// of `to`: `Some(true)` strictly inside the wedge from `from` to `to`, `Some(false)` strictly outside,
/// `None` on one of its rays.
fn in_wedge(p: Coord, from: Coord, to: Coord, x: Coord) -> Option<bool> {
    if same_dir(p, x, from) || same_dir(p, x, to) {
        return None;
    }
    // Half-turn of a direction relative to `from`: 0 for [0, 180), 1 for [180, 360).
    let half = |v: Coord| -> u8 {
        match RobustKernel::orient2d(p, from, v) {
            Orientation::CounterClockwise => 0,
            Orientation::Clockwise => 1,
            Orientation::Collinear => {
                if same_dir(p, from, v) {
                    0
                } else {
                    1
                }
            }
        }
    };
    // Is the angle of u less than that of v?
    let less = |u: Coord, v: Coord| -> bool {
        let (hu, hv) = (half(u), half(v));
        if hu != hv {
            return hu < hv;
        }
        RobustKernel::orient2d(p, u, v) == Orientation::CounterClockwise
    };
    if same_dir(p, from, to) {
        // A full turn less one ray.
        return Some(true);
    }
    Some(less(x, to))
}

/// Every hole lies inside its outer ring (rings of a polygon do not cross, checked before).
fn check_holes(polys: &[Vec<Ring>], geo_polys: &[Polygon]) -> Result<(), MapError> {
    for (rings, gp) in polys.iter().zip(geo_polys) {
        let shell = Polygon::new(gp.exterior().clone(), Vec::new());
        for h in rings.iter().skip(1) {
            if let Some(c) = h.pts.iter().find_map(|c| match shell.coordinate_position(c) {
                CoordPos::Outside => Some(Some(*c)),
                CoordPos::Inside => Some(None),
                _ => None,
            }) && let Some(c) = c
            {
                return Err(MapError::HoleOutside {
                    polygon: h.polygon,
                    ring: h.ring,
                    at: LonLat(c.x, c.y),
                });
            }
        }
    }
    Ok(())
}

/// Groups of polygons to union: pairs found overlapping at their boundaries, and polygons lying inside
/// another without touching it. Each group's indices are sorted; groups come in order of their first.
fn overlap_groups(polys: &[Vec<Ring>], geo_polys: &[Polygon], mut pairs: Vec<(usize, usize)>) -> Vec<Vec<usize>> {
    let n = polys.len();
    let touched: std::collections::HashSet<(usize, usize)> = pairs.iter().copied().collect();
    let boxes: Vec<Option<Rect>> = geo_polys.iter().map(|p| p.bounding_rect()).collect();
    // Containment without contact: candidates by bounding boxes, sorted by min x.
    let mut order: Vec<usize> = (0..n).filter(|&i| boxes[i].is_some()).collect();
    order.sort_by(|&a, &b| {
        let (ra, rb) = (boxes[a].map_or(0.0, |r| r.min().x), boxes[b].map_or(0.0, |r| r.min().x));
        ra.total_cmp(&rb)
    });
    for (k, &a) in order.iter().enumerate() {
        let Some(ba) = boxes[a] else { continue };
        for &b in &order[k + 1..] {
            let Some(bb) = boxes[b] else { continue };
            if bb.min().x > ba.max().x {
                break;
            }
            if bb.min().y > ba.max().y || bb.max().y < ba.min().y {
                continue;
            }
            let key = (a.min(b), a.max(b));
            if touched.contains(&key) {
                continue;
            }
            if inside(&polys[b][0].pts, &geo_polys[a]) || inside(&polys[a][0].pts, &geo_polys[b]) {
                pairs.push(key);
            }
        }
    }
    // Union-find over the pairs.
    let mut parent: Vec<usize> = (0..n).collect();
    fn find(parent: &mut [usize], mut x: usize) -> usize {
        while parent[x] != x {
            parent[x] = parent[parent[x]];
            x = parent[x];
        }
        x
    }
    for (a, b) in pairs {
        let (ra, rb) = (find(&mut parent, a), find(&mut parent, b));
        if ra != rb {
            parent[ra.max(rb)] = ra.min(rb);
        }
    }
    let mut groups: std::collections::BTreeMap<usize, Vec<usize>> = std::collections::BTreeMap::new();
    for i in 0..n {
        let r = find(&mut parent, i);
        groups.entry(r).or_default().push(i);
    }
    groups.into_values().filter(|g| g.len() > 1).collect()
}

/// The first point of `pts` not on `poly`'s boundary is inside it.
fn inside(pts: &[Coord], poly: &Polygon) -> bool {
    pts.iter()
        .find_map(|c| match poly.coordinate_position(c) {
            CoordPos::Inside => Some(true),
            CoordPos::Outside => Some(false),
            _ => None,
        })
        .unwrap_or(false)
}
