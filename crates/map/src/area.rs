//! Ellipsoidal (WGS84) geodesic areas: Karney's algorithm as GeographicLib's `PolygonArea` runs it. Each edge
//! contributes S12, the area between the geodesic and the equator, from the inverse problem
//! (geographiclib-rs's `_gen_inverse` with `PolygonArea`'s own mask); crossings of the prime meridian are
//! counted and the sum reduced as `PolygonArea::compute` does. Doing the sum here, rather than through
//! `PolygonArea`, lets [`EdgeAreas`] keep each edge's term: consecutive daily layers share most of their
//! edges, and an edge's term depends on its two endpoints only, so the result is the same to the bit. The
//! tests hold both paths to `PolygonArea` and the shared samples to GeographicLib's figures.

use std::collections::HashMap;
use std::sync::OnceLock;

use geo::{LineString, MultiPolygon, Polygon};
use geographiclib_rs::{Geodesic, capability as caps};

/// Ukraine including Crimea, km² (the reference DeepState divides by).
pub const UKRAINE_KM2: f64 = 603_600.0;

/// `PolygonArea`'s mask.
const MASK: u64 = caps::LATITUDE | caps::LONGITUDE | caps::DISTANCE | caps::AREA | caps::LONG_UNROLL;

fn wgs84() -> &'static Geodesic {
    static G: OnceLock<Geodesic> = OnceLock::new();
    G.get_or_init(Geodesic::wgs84)
}

/// One edge's term: S12 (m²) and its prime-meridian transit (-1, 0, 1).
fn edge(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> (f64, i8) {
    #[allow(non_snake_case)]
    let (.., S12) = wgs84()._gen_inverse(lat1, lon1, lat2, lon2, MASK);
    (S12, transit(lon1, lon2))
}

/// GeographicLib's `transit`: 1 or -1 when the edge crosses the prime meridian eastwards or westwards.
fn transit(lon1: f64, lon2: f64) -> i8 {
    let lon12 = ang_diff(lon1, lon2);
    let (lon1, lon2) = (ang_normalize(lon1), ang_normalize(lon2));
    if lon12 > 0.0 && ((lon1 < 0.0 && lon2 >= 0.0) || (lon1 > 0.0 && lon2 == 0.0)) {
        1
    } else if lon12 < 0.0 && lon1 >= 0.0 && lon2 < 0.0 {
        -1
    } else {
        0
    }
}

/// IEEE remainder by 360, mapped to (-180, 180].
fn ang_normalize(x: f64) -> f64 {
    let y = x - 360.0 * (x / 360.0).round_ties_even();
    if y == -180.0 { 180.0 } else { y }
}

/// y - x reduced to [-180, 180] (its sign is all `transit` needs).
fn ang_diff(x: f64, y: f64) -> f64 {
    let (s, t) = two_sum(ang_normalize(-x), ang_normalize(y));
    let d = ang_normalize(s);
    if d == 180.0 && t > 0.0 { -180.0 + t } else { d + t }
}

fn two_sum(u: f64, v: f64) -> (f64, f64) {
    let s = u + v;
    let up = s - v;
    let vpp = s - up;
    (s, -((up - u) + (vpp - v)))
}

/// `PolygonArea::compute(sign = true)` for a counter-clockwise-positive ring: the sum of the terms reduced
/// by the ellipsoid's area.
fn reduce(sum: f64, crossings: i64) -> f64 {
    let total = wgs84().area();
    let mut area = sum % total;
    if crossings % 2 != 0 {
        area += if area < 0.0 { total / 2.0 } else { -total / 2.0 };
    }
    // GeographicLib's sum is clockwise-positive.
    area = -area;
    if area > total / 2.0 {
        area -= total;
    } else if area <= -total / 2.0 {
        area += total;
    }
    area
}

/// Signed geodesic area of a closed ring in m² (counter-clockwise positive). An open ring is taken as closed.
pub fn ring_area_m2(ring: &LineString) -> f64 {
    ring_with(ring, |a, b| edge(a.y, a.x, b.y, b.x))
}

fn ring_with(ring: &LineString, mut term: impl FnMut(geo::Coord, geo::Coord) -> (f64, i8)) -> f64 {
    let c = &ring.0;
    let n = if c.len() > 1 && c.first() == c.last() {
        c.len() - 1
    } else {
        c.len()
    };
    if n < 3 {
        return 0.0;
    }
    let (mut sum, mut crossings) = (0.0, 0i64);
    for i in 0..n {
        let (s, t) = term(c[i], c[(i + 1) % n]);
        sum += s;
        crossings += i64::from(t);
    }
    reduce(sum, crossings)
}

/// Geodesic area of a polygon in m²: its outer ring less its holes, whatever their orientation.
pub fn polygon_area_m2(p: &Polygon) -> f64 {
    ring_area_m2(p.exterior()).abs() - p.interiors().iter().map(|r| ring_area_m2(r).abs()).sum::<f64>()
}

/// Geodesic area of a layer in m² (polygons assumed not to overlap, as the repair leaves them).
pub fn area_m2(mp: &MultiPolygon) -> f64 {
    mp.0.iter().map(polygon_area_m2).sum::<f64>() + 0.0
}

/// Geodesic area of a layer in km².
pub fn area_km2(mp: &MultiPolygon) -> f64 {
    area_m2(mp) / 1e6
}

/// `area_km2` as a share (0..1) of `reference_km2` (e.g. [`UKRAINE_KM2`]).
pub fn share(area_km2: f64, reference_km2: f64) -> f64 {
    if reference_km2 > 0.0 {
        area_km2 / reference_km2
    } else {
        0.0
    }
}

/// A fast hasher for keys of coordinate bits (not hash-flooding resistant; keys come from a layer that has
/// been validated, and a collision only costs time).
#[derive(Default, Clone, Copy)]
pub(crate) struct FastHash;

impl std::hash::BuildHasher for FastHash {
    type Hasher = FastHasher;
    fn build_hasher(&self) -> FastHasher {
        FastHasher(0)
    }
}

pub(crate) struct FastHasher(u64);

impl std::hash::Hasher for FastHasher {
    fn finish(&self) -> u64 {
        // A final avalanche (splitmix64's), so that the low bits the table uses depend on every input bit.
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut b = [0u8; 8];
            b[..chunk.len()].copy_from_slice(chunk);
            self.write_u64(u64::from_le_bytes(b));
        }
    }
    fn write_u64(&mut self, v: u64) {
        self.0 = (self.0.rotate_left(5) ^ v).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
}

/// Geodesic areas of a sequence of similar layers (a daily series): each edge's term is kept from one
/// layer to the next, so a layer costs an inverse geodesic only for the edges that changed. Results equal
/// [`area_m2`]'s to the bit. Memory: the edges of a few layers (older ones are forgotten).
#[derive(Default)]
pub struct EdgeAreas {
    /// Edge -> (S12, transit, the layer that last used it).
    terms: HashMap<[u64; 4], (f64, i8, u64), FastHash>,
    layer: u64,
    /// Edges computed and edges reused, since the start.
    pub computed: u64,
    pub reused: u64,
}

impl EdgeAreas {
    pub fn new() -> Self {
        Self::default()
    }

    /// The geodesic area of `mp` in m², as [`area_m2`]; call it on each layer in turn.
    pub fn area_m2(&mut self, mp: &MultiPolygon) -> f64 {
        self.layer += 1;
        let layer = self.layer;
        let mut used = 0usize;
        let mut ring = |r: &LineString| -> f64 {
            ring_with(r, |a, b| {
                used += 1;
                let key = [a.x.to_bits(), a.y.to_bits(), b.x.to_bits(), b.y.to_bits()];
                let e = self.terms.entry(key).or_insert_with(|| {
                    let (s, t) = edge(a.y, a.x, b.y, b.x);
                    (s, t, 0)
                });
                if e.2 == 0 {
                    self.computed += 1;
                } else {
                    self.reused += 1;
                }
                e.2 = layer;
                (e.0, e.1)
            })
        };
        let mut total = 0.0;
        for p in &mp.0 {
            total += ring(p.exterior()).abs();
            for h in p.interiors() {
                total -= ring(h).abs();
            }
        }
        // Keep the edges of this layer and the one before; forget older ones once they outnumber them.
        if self.terms.len() > 4 * used.max(1024) {
            self.terms.retain(|_, v| v.2 + 1 >= layer);
        }
        total
    }
}
