//! Control maps, the use cases: importing a dated layer (read, validate and repair through `livebrief_map`,
//! encode, store with its event in one transaction, announce), reading layers back, the change between two
//! dates, the area series, and the gazetteer's places in each gained or lost part ("Russian forces took about
//! 4.2 km² around Robotyne"), offered to the desk as a report that groups into a draft development.
//!
//! Geometry is stored as `lbmp1`: coordinates quantised to 1e-7 degree (about 1 cm), delta-encoded per ring,
//! zigzag varints. A daily front-line layer of 3,000 vertices takes about 3 bytes a vertex (GeoJSON text
//! takes about 40). Areas are measured on the decoded geometry, so what is stored is what was measured.

use std::collections::HashMap;
use std::sync::Arc;

use geo::{Contains, Distance, Haversine, Point, Simplify};
use livebrief_map::{
    Change, ChangeOptions, Coord, LineString, MapError, MultiPolygon, Period, PeriodChange, Polygon, RepairOptions,
    Repairs, Series, SeriesPoint,
};
use livebrief_model::map::check_layer_date;
use livebrief_model::{
    Actor, Briefing, BriefingId, ChangeFigures, Date, LayerChange, MapCard, MapLayer, MapLayerId, NewMapLayer, Role,
    Timestamp,
};
use livebrief_store::Order;

use crate::{App, AppError, ReportBody, ReportInput, Result, jiff_utc};

/// The name of the stored geometry encoding.
pub const ENCODING: &str = "lbmp1";

/// The largest layer accepted (bytes of GeoJSON or KML).
pub const MAX_LAYER_BYTES: usize = 50 * 1024 * 1024;

const SCALE: f64 = 1e7;

/// Encodes a multipolygon as `lbmp1` (see the module documentation). Rings keep their closing point.
pub fn encode(mp: &MultiPolygon) -> Vec<u8> {
    let mut out = Vec::with_capacity(16 + mp.0.iter().map(polygon_len).sum::<usize>() * 4);
    put(&mut out, mp.0.len() as u64);
    for p in &mp.0 {
        put(&mut out, 1 + p.interiors().len() as u64);
        for ring in std::iter::once(p.exterior()).chain(p.interiors()) {
            put(&mut out, ring.0.len() as u64);
            let (mut px, mut py) = (0i64, 0i64);
            for c in &ring.0 {
                let (x, y) = ((c.x * SCALE).round() as i64, (c.y * SCALE).round() as i64);
                put(&mut out, zig(x - px));
                put(&mut out, zig(y - py));
                (px, py) = (x, y);
            }
        }
    }
    out
}

fn polygon_len(p: &Polygon) -> usize {
    p.exterior().0.len() + p.interiors().iter().map(|r| r.0.len()).sum::<usize>()
}

/// Decodes `lbmp1`; `None` for bytes that are not (truncated, trailing bytes, absurd counts).
pub fn decode(bytes: &[u8]) -> Option<MultiPolygon> {
    let mut at = 0usize;
    let n = get(bytes, &mut at)? as usize;
    // Every count needs at least a byte: a count beyond the bytes left is a lie.
    let mut polys = Vec::with_capacity(n.min(bytes.len()));
    for _ in 0..n {
        let rings = get(bytes, &mut at)? as usize;
        if rings == 0 || rings > bytes.len() {
            return None;
        }
        let mut rs: Vec<LineString> = Vec::with_capacity(rings);
        for _ in 0..rings {
            let len = get(bytes, &mut at)? as usize;
            if len > bytes.len() {
                return None;
            }
            let (mut x, mut y) = (0i64, 0i64);
            let mut cs = Vec::with_capacity(len);
            for _ in 0..len {
                x = x.checked_add(unzig(get(bytes, &mut at)?))?;
                y = y.checked_add(unzig(get(bytes, &mut at)?))?;
                cs.push(Coord {
                    x: x as f64 / SCALE,
                    y: y as f64 / SCALE,
                });
            }
            rs.push(LineString(cs));
        }
        let exterior = rs.remove(0);
        polys.push(Polygon::new(exterior, rs));
    }
    (at == bytes.len()).then_some(MultiPolygon(polys))
}

fn zig(v: i64) -> u64 {
    ((v << 1) ^ (v >> 63)) as u64
}

fn unzig(v: u64) -> i64 {
    ((v >> 1) as i64) ^ -((v & 1) as i64)
}

fn put(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn get(b: &[u8], at: &mut usize) -> Option<u64> {
    let mut v = 0u64;
    for shift in (0..64).step_by(7) {
        let byte = *b.get(*at)?;
        *at += 1;
        v |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return Some(v);
        }
    }
    None
}

/// The number of vertices (closing points not counted).
pub fn vertex_count(mp: &MultiPolygon) -> u64 {
    mp.0.iter()
        .map(|p| {
            std::iter::once(p.exterior())
                .chain(p.interiors())
                .map(|r| r.0.len().saturating_sub(1) as u64)
                .sum::<u64>()
        })
        .sum()
}

/// The geometry simplified for a small drawing (Ramer–Douglas–Peucker, `tolerance` in degrees); rings
/// that collapse are left out.
pub fn simplified(mp: &MultiPolygon, tolerance: f64) -> MultiPolygon {
    MultiPolygon(
        mp.simplify(tolerance)
            .0
            .into_iter()
            .filter(|p| p.exterior().0.len() >= 4)
            .collect(),
    )
}

/// Changes computed from stored layer revisions, which never change (a correction is a new revision with a new
/// id): a reader's page reuses what the import or an earlier reader computed. Bounded: emptied when it holds
/// more than `CACHE_MAX`. (Series are not kept here: their figures are stored, see [`App::map_series`].)
#[derive(Default)]
pub(crate) struct MapCache {
    changes: std::sync::Mutex<HashMap<(MapLayerId, MapLayerId), Arc<Change>>>,
    /// Held while missing change figures are computed, so that readers arriving together at a long series
    /// whose figures are not stored yet compute them once, not once each.
    filling: tokio::sync::Mutex<()>,
}

const CACHE_MAX: usize = 256;

impl MapCache {
    fn change(&self, old: MapLayerId, new: MapLayerId) -> Option<Arc<Change>> {
        self.changes
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&(old, new))
            .cloned()
    }
    fn put_change(&self, old: MapLayerId, new: MapLayerId, c: Arc<Change>) {
        let mut m = self.changes.lock().unwrap_or_else(|p| p.into_inner());
        if m.len() >= CACHE_MAX {
            m.clear();
        }
        m.insert((old, new), c);
    }
}

/// The figures of a change, as stored.
pub fn figures(c: &Change) -> ChangeFigures {
    let n = |v: usize| u32::try_from(v).unwrap_or(u32::MAX);
    ChangeFigures {
        gained_km2: c.gained_km2,
        lost_km2: c.lost_km2,
        gained_parts: n(c.gained.len()),
        lost_parts: n(c.lost.len()),
        slivers_dropped: n(c.slivers_dropped),
    }
}

/// A stored layer with its geometry decoded.
#[derive(Debug, Clone)]
pub struct LoadedLayer {
    pub layer: MapLayer,
    pub geometry: MultiPolygon,
}

/// What an import did.
#[derive(Debug, Clone)]
pub struct MapImport {
    pub layer: MapLayer,
    pub repairs: Repairs,
    /// Bytes the stored geometry takes.
    pub stored_bytes: usize,
    /// The change from the layer's previous date, when there is one.
    pub change: Option<(Date, Change, Vec<PartPlaces>)>,
}

/// Why an import was refused: the layer (with the map crate's reasons) or the request.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error(transparent)]
    Map(#[from] MapError),
    #[error(transparent)]
    App(#[from] AppError),
}

/// A gained or lost part with the places that name it.
#[derive(Debug, Clone)]
pub struct PartPlaces {
    pub gained: bool,
    pub area_km2: f64,
    /// The point inside the part.
    pub point: Coord,
    /// Settlements inside the part, most populous first (at most five).
    pub inside: Vec<String>,
    /// When none is inside: the nearest settlement and its distance in km.
    pub nearest: Option<(String, f64)>,
    /// The sentence for the desk.
    pub sentence: String,
}

/// The gazetteer's settlements in or near each part of a change (largest parts first, at most `max_parts`).
pub fn places_in_change(layer: &str, c: &Change, max_parts: usize) -> Vec<PartPlaces> {
    let g = livebrief_geo::Gazetteer::embedded();
    let towns: Vec<(&str, Point, u64)> = g
        .places()
        .iter()
        .filter(|p| p.kind == livebrief_geo::PlaceKind::City)
        .filter_map(|p| {
            Some((
                p.name.as_str(),
                Point::new(f64::from(p.lon?), f64::from(p.lat?)),
                p.population,
            ))
        })
        .collect();
    let parts = c
        .gained
        .iter()
        .map(|p| (true, p))
        .chain(c.lost.iter().map(|p| (false, p)));
    let mut parts: Vec<_> = parts.collect();
    parts.sort_by(|a, b| b.1.area_km2.total_cmp(&a.1.area_km2));
    parts
        .into_iter()
        .take(max_parts)
        .map(|(gained, part)| {
            let b = part.bbox;
            let mut inside: Vec<(&str, u64)> = towns
                .iter()
                .filter(|(_, pt, _)| {
                    pt.x() >= b.min().x && pt.x() <= b.max().x && pt.y() >= b.min().y && pt.y() <= b.max().y
                })
                .filter(|(_, pt, _)| part.polygon.contains(pt))
                .map(|(n, _, pop)| (*n, *pop))
                .collect();
            inside.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
            inside.dedup_by(|a, b| a.0 == b.0);
            let inside: Vec<String> = inside.into_iter().take(5).map(|(n, _)| n.to_string()).collect();
            let here = Point::from(part.point);
            let nearest = if inside.is_empty() {
                towns
                    .iter()
                    .map(|(n, pt, _)| (*n, Haversine.distance(here, *pt) / 1000.0))
                    .min_by(|a, b| a.1.total_cmp(&b.1))
                    .map(|(n, d)| (n.to_string(), d))
            } else {
                None
            };
            let sentence = sentence(layer, gained, part.area_km2, &inside, nearest.as_ref());
            PartPlaces {
                gained,
                area_km2: part.area_km2,
                point: part.point,
                inside,
                nearest,
                sentence,
            }
        })
        .collect()
}

/// "Russian forces took about 4.2 km² around Robotyne." The subject depends on the layer's name: `occupied`
/// grows when Russian forces advance, `liberated` when Ukrainian forces do; other layers are named as such.
pub fn sentence(layer: &str, gained: bool, km2: f64, inside: &[String], nearest: Option<&(String, f64)>) -> String {
    let size = if km2 >= 10.0 {
        format!("{km2:.0}")
    } else {
        format!("{km2:.1}")
    };
    let verb = match (layer, gained) {
        ("occupied", true) => "Russian forces took about".to_string(),
        ("occupied", false) => "Ukrainian forces retook about".to_string(),
        ("liberated", true) => "Ukrainian forces liberated about".to_string(),
        ("liberated", false) => "Russian forces retook about".to_string(),
        (l, true) => format!("The {l} area grew by about"),
        (l, false) => format!("The {l} area shrank by about"),
    };
    let place = match (inside, nearest) {
        ([one], _) => format!("around {one}"),
        ([first, second, ..], _) => format!("around {first} and {second}"),
        ([], Some((n, d))) if *d < 1.0 => format!("at {n}"),
        ([], Some((n, d))) => format!("{d:.0} km from {n}"),
        ([], None) => "on the front".to_string(),
    };
    format!("{verb} {size} km² {place}.")
}

impl App {
    /// Imports a layer for a date: editors only; the bytes (GeoJSON or KML) are read, validated and repaired,
    /// the result stored as a new revision with its `map_updated` event in one transaction, and announced.
    /// With `suggest`, the change from the previous date goes to the desk as a report (see [`Self::suggest_change`]).
    pub async fn import_map_layer(
        &self,
        actor: &Actor,
        slug: &str,
        layer: &str,
        date: Date,
        bytes: Vec<u8>,
        suggest: bool,
    ) -> std::result::Result<MapImport, ImportError> {
        if !matches!(actor.role, Role::Editor | Role::Admin) {
            return Err(AppError::Forbidden("only editors may import map layers".into()).into());
        }
        let (b, _) = self.find_briefing(slug).await.ok_or(AppError::NotFound("briefing"))?;
        // The latest date anywhere on Earth (UTC+14): a Kyiv desk's "today" begins two or three hours before
        // UTC's, and a layer dated today must not be refused as "in the future" then.
        let today = (self.now() + jiff::SignedDuration::from_hours(14))
            .to_zoned(jiff_utc())
            .date();
        check_layer_date(layer, date, today).map_err(AppError::from)?;
        // Reading and repairing is CPU work (tens of milliseconds for a large layer): off the async threads.
        let read = tokio::task::spawn_blocking(move || -> std::result::Result<_, MapError> {
            let limits = livebrief_map::Limits {
                max_bytes: MAX_LAYER_BYTES,
                ..livebrief_map::Limits::DEFAULT
            };
            let l = livebrief_map::read_layer(&bytes, &limits, &RepairOptions::default())?;
            let encoded = encode(&l.geometry);
            // What is stored is what is measured: the area of the decoded (quantised) geometry.
            let decoded = decode(&encoded).unwrap_or_else(|| l.geometry.clone());
            let area = livebrief_map::area_km2(&decoded);
            Ok((l.repairs, encoded, decoded, area))
        })
        .await
        .map_err(|e| AppError::Invalid(format!("the layer could not be read: {e}")))?;
        let (repairs, encoded, geometry, area_km2) = read?;
        if geometry.0.is_empty() {
            return Err(MapError::Empty {
                detail: "no polygon is left after repair".into(),
            }
            .into());
        }
        // The change from the previous date's layer and the next date's change from this one: their figures are
        // stored with the layer (a series reads them), the first is the import's answer and the live card's.
        let prev = self.previous_layer(b.id, layer, date).await?;
        let next = self.next_layer(b.id, layer, date).await?;
        let (geometry, prev, next, change_prev, change_next) = tokio::task::spawn_blocking(move || {
            let opts = ChangeOptions::default();
            let cp = prev
                .as_ref()
                .map(|p| livebrief_map::change(&p.geometry, &geometry, &opts));
            let cn = next
                .as_ref()
                .map(|n| livebrief_map::change(&geometry, &n.geometry, &opts));
            (geometry, prev, next, cp, cn)
        })
        .await
        .map_err(|e| AppError::Invalid(format!("the change could not be computed: {e}")))?;
        let new = NewMapLayer {
            briefing_id: b.id,
            layer: layer.to_string(),
            date,
            encoding: ENCODING.into(),
            geometry: encoded,
            area_km2,
            vertices: vertex_count(&geometry),
            repairs: repairs.notes(),
            imported_by: actor.id,
            imported_by_name: actor.name.clone(),
            change_from_previous: prev
                .as_ref()
                .zip(change_prev.as_ref())
                .map(|(p, c)| (p.layer.id, figures(c))),
            change_to_next: next
                .as_ref()
                .zip(change_next.as_ref())
                .map(|(n, c)| (n.layer.id, figures(c))),
        };
        let stored_bytes = new.geometry.len();
        let saved = {
            let _w = self.write_lock.lock().await;
            let (saved, ev) = self
                .store
                .save_map_layer(&new, self.now())
                .await
                .map_err(AppError::from)?;
            if let (Some(p), Some(c)) = (&prev, &change_prev) {
                self.map_cache.put_change(p.layer.id, saved.id, Arc::new(c.clone()));
            }
            if let (Some(n), Some(c)) = (&next, change_next) {
                self.map_cache.put_change(saved.id, n.layer.id, Arc::new(c));
            }
            let notice = self.map_notice(&b, &saved, Some(geometry.clone()), None).await;
            self.publish_map(b.clone(), ev, notice).await;
            saved
        };
        tracing::info!(layer_id = saved.id.0, briefing = %slug, layer, %date, revision = saved.revision,
            area_km2, vertices = saved.vertices, bytes = stored_bytes, actor = %actor.name, "map layer imported");
        // The weekly and monthly figures the new layer starts or ends (usually its week's and its month's change),
        // so that the series API reads stored figures too. The layer is stored whatever happens here: figures
        // missing now are computed when first asked for.
        if let Err(e) = self.map_series(b.id, layer, true).await {
            tracing::warn!(error = %e, briefing = %slug, layer, "storing the weekly and monthly map figures");
        }
        let change = prev.zip(change_prev).map(|(p, c)| {
            let places = places_in_change(layer, &c, 8);
            (p.layer.date, c, places)
        });
        if suggest
            && let Some((from, c, places)) = &change
            && let Err(e) = self.suggest_change(actor, &b, layer, *from, date, c, places).await
        {
            tracing::warn!(error = %e, briefing = %slug, layer, "offering a map change to the desk");
        }
        Ok(MapImport {
            layer: saved,
            repairs,
            stored_bytes,
            change,
        })
    }

    /// The newest layer before `date`.
    async fn previous_layer(&self, b: BriefingId, layer: &str, date: Date) -> Result<Option<LoadedLayer>> {
        let metas = self.store.map_layers(b, layer, false).await?;
        match metas.iter().rev().find(|l| l.date < date) {
            Some(m) => self.map_layer(b, layer, m.date).await,
            None => Ok(None),
        }
    }

    /// The oldest layer after `date`.
    async fn next_layer(&self, b: BriefingId, layer: &str, date: Date) -> Result<Option<LoadedLayer>> {
        let metas = self.store.map_layers(b, layer, false).await?;
        match metas.iter().find(|l| l.date > date) {
            Some(m) => self.map_layer(b, layer, m.date).await,
            None => Ok(None),
        }
    }

    /// Offers a map change to the desk the way every development starts: as a report (titled with the layer
    /// and the dates, its text the sentences about each part, the map page as its address), grouped into a
    /// development whose extractive draft the editor approves, edits or dismisses.
    #[allow(clippy::too_many_arguments)]
    async fn suggest_change(
        &self,
        actor: &Actor,
        b: &Briefing,
        layer: &str,
        from: Date,
        to: Date,
        c: &Change,
        places: &[PartPlaces],
    ) -> Result<()> {
        if places.is_empty() {
            return Ok(());
        }
        let mut text = format!(
            "Between {from} and {to} the {layer} area changed by a net {:+.1} km² ({:.1} km² gained, {:.1} km² lost).\n\n",
            c.net_km2(),
            c.gained_km2,
            c.lost_km2
        );
        for p in places {
            text.push_str(&p.sentence);
            text.push('\n');
        }
        let input = ReportInput {
            url: Some(format!(
                "https://map.invalid/b/{}/map?layer={layer}&date={to}&from={from}",
                b.slug
            )),
            title: format!("Map: {layer} {from} to {to}"),
            source: "livebrief map".into(),
            published: Some(to),
            body: ReportBody::Text(text),
        };
        let (report, _) = self.add_report(actor, &b.slug, input).await?;
        self.group_report(&report).await?;
        Ok(())
    }

    /// The current layer of a date, decoded.
    pub async fn map_layer(&self, b: BriefingId, layer: &str, date: Date) -> Result<Option<LoadedLayer>> {
        match self.store.map_layer(b, layer, date).await? {
            Some(l) => Ok(Some(loaded(l)?)),
            None => Ok(None),
        }
    }

    /// The current layers of every date (without geometry), oldest first.
    pub async fn map_dates(&self, b: BriefingId, layer: &str) -> Result<Vec<MapLayer>> {
        Ok(self.store.map_layers(b, layer, false).await?)
    }

    /// The briefing's layer names with their number of dates.
    pub async fn map_layer_names(&self, b: BriefingId) -> Result<Vec<(String, u64)>> {
        Ok(self.store.map_layer_names(b).await?)
    }

    /// Every revision of a layer on a date.
    pub async fn map_layer_revisions(&self, b: BriefingId, layer: &str, date: Date) -> Result<Vec<MapLayer>> {
        Ok(self.store.map_layer_revisions(b, layer, date).await?)
    }

    /// The change between two dates' layers (`None` when either is missing).
    pub async fn map_change(&self, b: BriefingId, layer: &str, from: Date, to: Date) -> Result<Option<Arc<Change>>> {
        let (Some(old), Some(new)) = (
            self.store.map_layer(b, layer, from).await?,
            self.store.map_layer(b, layer, to).await?,
        ) else {
            return Ok(None);
        };
        if let Some(c) = self.map_cache.change(old.id, new.id) {
            return Ok(Some(c));
        }
        let (old_id, new_id) = (old.id, new.id);
        let (old, new) = (loaded(old)?, loaded(new)?);
        let c = tokio::task::spawn_blocking(move || {
            livebrief_map::change(&old.geometry, &new.geometry, &ChangeOptions::default())
        })
        .await
        .map_err(|e| AppError::Invalid(format!("the change could not be computed: {e}")))?;
        let c = Arc::new(c);
        self.map_cache.put_change(old_id, new_id, c.clone());
        Ok(Some(c))
    }

    /// Areas and daily changes of every date of a layer, and with `periods` the weekly and monthly ones too,
    /// from the stored figures: nothing is computed for a pair of layers whose change is stored. Figures that
    /// are missing — layers stored before figures were kept, a week's or month's change asked for the first time,
    /// a pair an import raced past — are computed once and stored.
    pub async fn map_series(&self, b: BriefingId, layer: &str, periods: bool) -> Result<Series> {
        let metas = self.store.map_layers(b, layer, false).await?;
        let dates: Vec<Date> = metas.iter().map(|l| l.date).collect();
        let kinds: &[Period] = if periods {
            &[Period::Day, Period::Week, Period::Month]
        } else {
            &[Period::Day]
        };
        let plan: Vec<(Period, String, usize, usize)> = kinds
            .iter()
            .flat_map(|p| {
                livebrief_map::spans(&dates, *p)
                    .into_iter()
                    .map(move |(label, from, to)| (*p, label, from, to))
            })
            .collect();
        let pairs: Vec<(MapLayerId, MapLayerId)> =
            plan.iter().map(|(_, _, a, z)| (metas[*a].id, metas[*z].id)).collect();
        let mut known = self.stored_changes(b, layer).await?;
        if pairs.iter().any(|k| !known.contains_key(k)) {
            let _turn = self.map_cache.filling.lock().await;
            // Another reader may have stored them while this one waited.
            known = self.stored_changes(b, layer).await?;
            let mut missing: Vec<(MapLayerId, MapLayerId)> =
                pairs.iter().copied().filter(|k| !known.contains_key(k)).collect();
            missing.sort_unstable();
            missing.dedup();
            if !missing.is_empty() {
                let computed = self.compute_changes(b, layer, &missing).await?;
                self.store.save_layer_changes(&computed).await?;
                tracing::info!(
                    briefing = b.0,
                    layer,
                    computed = computed.len(),
                    "map change figures stored"
                );
                known.extend(computed.into_iter().map(|c| ((c.from, c.to), c.figures)));
            }
        }
        let mut s = Series {
            points: metas
                .iter()
                .map(|l| SeriesPoint {
                    date: l.date,
                    area_km2: l.area_km2,
                })
                .collect(),
            ..Series::default()
        };
        for ((period, label, a, z), pair) in plan.into_iter().zip(pairs) {
            let Some(f) = known.get(&pair) else { continue };
            let pc = PeriodChange {
                period,
                label,
                from: dates[a],
                to: dates[z],
                gained_km2: f.gained_km2,
                lost_km2: f.lost_km2,
                net_km2: f.net_km2(),
                gained_parts: f.gained_parts as usize,
                lost_parts: f.lost_parts as usize,
                slivers_dropped: f.slivers_dropped as usize,
            };
            match period {
                Period::Day => s.daily.push(pc),
                Period::Week => s.weekly.push(pc),
                Period::Month => s.monthly.push(pc),
            }
        }
        Ok(s)
    }

    async fn stored_changes(
        &self,
        b: BriefingId,
        layer: &str,
    ) -> Result<HashMap<(MapLayerId, MapLayerId), ChangeFigures>> {
        Ok(self
            .store
            .layer_changes(b, layer)
            .await?
            .into_iter()
            .map(|c| ((c.from, c.to), c.figures))
            .collect())
    }

    /// The changes of these pairs of layer revisions: from the cache where an import or a page computed them,
    /// else from the stored geometry.
    async fn compute_changes(
        &self,
        b: BriefingId,
        layer: &str,
        pairs: &[(MapLayerId, MapLayerId)],
    ) -> Result<Vec<LayerChange>> {
        let mut out = Vec::with_capacity(pairs.len());
        let mut todo = Vec::new();
        for &(from, to) in pairs {
            match self.map_cache.change(from, to) {
                Some(c) => out.push(LayerChange {
                    from,
                    to,
                    figures: figures(&c),
                }),
                None => todo.push((from, to)),
            }
        }
        if todo.is_empty() {
            return Ok(out);
        }
        // The layers these pairs name: a few by id (an import's week and month), many at once (a series stored
        // before figures were kept), and any revision superseded since by its id.
        let mut wanted: Vec<MapLayerId> = todo.iter().flat_map(|(a, z)| [*a, *z]).collect();
        wanted.sort_unstable();
        wanted.dedup();
        let mut stored: HashMap<MapLayerId, MapLayer> = if wanted.len() > 16 {
            self.store
                .map_layers(b, layer, true)
                .await?
                .into_iter()
                .filter(|l| wanted.binary_search(&l.id).is_ok())
                .map(|l| (l.id, l))
                .collect()
        } else {
            HashMap::new()
        };
        for id in &wanted {
            if !stored.contains_key(id)
                && let Some(l) = self.store.map_layer_by_id(*id).await?
            {
                stored.insert(*id, l);
            }
        }
        let mut geometry: HashMap<MapLayerId, MultiPolygon> = HashMap::new();
        for id in todo.iter().flat_map(|(a, z)| [*a, *z]) {
            if let Some(l) = stored.remove(&id) {
                geometry.insert(id, loaded(l)?.geometry);
            }
        }
        let computed = tokio::task::spawn_blocking(move || {
            let opts = ChangeOptions::default();
            todo.into_iter()
                .filter_map(|(from, to)| {
                    let c = livebrief_map::change(geometry.get(&from)?, geometry.get(&to)?, &opts);
                    Some(LayerChange {
                        from,
                        to,
                        figures: figures(&c),
                    })
                })
                .collect::<Vec<_>>()
        })
        .await
        .map_err(|e| AppError::Invalid(format!("the changes could not be computed: {e}")))?;
        out.extend(computed);
        Ok(out)
    }

    /// What a live page shows of a stored layer: its figures, the change from the date before, and the
    /// geometry simplified for a small drawing. `since`: when the layer's date was first imported, if known.
    pub(crate) async fn map_notice(
        &self,
        b: &Briefing,
        l: &MapLayer,
        geometry: Option<MultiPolygon>,
        since: Option<Timestamp>,
    ) -> Option<Arc<MapNotice>> {
        let geometry = match geometry {
            Some(g) => g,
            None => decode(&l.geometry)?,
        };
        let since = match since {
            Some(t) => t,
            None if l.revision <= 1 => l.imported_at,
            None => self
                .store
                .map_layer_revisions(b.id, &l.layer, l.date)
                .await
                .ok()
                .and_then(|r| r.first().map(|f| f.imported_at))
                .unwrap_or(l.imported_at),
        };
        let prev = self.previous_layer(b.id, &l.layer, l.date).await.ok().flatten();
        let change = match prev {
            Some(p) => {
                let c = match self.map_cache.change(p.layer.id, l.id) {
                    Some(c) => c,
                    None => {
                        let g = geometry.clone();
                        let c = tokio::task::spawn_blocking(move || {
                            livebrief_map::change(&p.geometry, &g, &ChangeOptions::default())
                        })
                        .await
                        .ok()?;
                        let c = Arc::new(c);
                        self.map_cache.put_change(p.layer.id, l.id, c.clone());
                        c
                    }
                };
                Some((p.layer.date, p.layer.area_km2, c))
            }
            None => None,
        };
        Some(Arc::new(MapNotice {
            layer: MapLayer {
                geometry: Vec::new(),
                ..l.clone()
            },
            since,
            outline: simplified(&geometry, 0.01),
            previous: change,
        }))
    }

    /// The notice of a stored layer revision, for replay.
    pub(crate) async fn map_notice_by_id(&self, b: &Briefing, id: MapLayerId) -> Option<Arc<MapNotice>> {
        let l = self.store.map_layer_by_id(id).await.ok().flatten()?;
        self.map_notice(b, &l, None, None).await
    }

    /// The live page's map cards: the current layer of every (layer, date) of the briefing (without geometry),
    /// placed at its first import, in stream order strictly after `after` (a first import's time and id), at
    /// most `limit`. [`Self::map_card`] makes the card of one that is shown.
    pub async fn map_cards(
        &self,
        b: BriefingId,
        order: Order,
        after: Option<(Timestamp, MapLayerId)>,
        limit: usize,
    ) -> Result<Vec<MapCard>> {
        Ok(self.store.map_cards(b, order, after, limit).await?)
    }

    /// What a live page shows of a map card (`None` when its layer cannot be read).
    pub async fn map_card(&self, b: &Briefing, card: &MapCard) -> Option<Arc<MapNotice>> {
        let l = self.store.map_layer_by_id(card.layer.id).await.ok().flatten()?;
        self.map_notice(b, &l, None, Some(card.first_at)).await
    }
}

/// A stored layer as a live page shows it.
#[derive(Debug, Clone)]
pub struct MapNotice {
    /// Without its geometry.
    pub layer: MapLayer,
    /// When the layer's date was first imported: the card's place in the stream (a correction replaces the card
    /// where it stands).
    pub since: Timestamp,
    /// The geometry simplified for a small drawing.
    pub outline: MultiPolygon,
    /// The previous date, its area and the change from it.
    pub previous: Option<(Date, f64, Arc<Change>)>,
}

fn loaded(l: MapLayer) -> Result<LoadedLayer> {
    let geometry = decode(&l.geometry)
        .ok_or_else(|| AppError::Invalid(format!("the stored geometry of layer {} is unreadable", l.id.0)))?;
    Ok(LoadedLayer { layer: l, geometry })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encoding_round_trips_to_a_centimetre() {
        let ring = LineString(vec![
            Coord { x: 35.1234567, y: 47.5 },
            Coord { x: 35.2, y: 47.5000001 },
            Coord {
                x: -179.9999999,
                y: -89.9,
            },
            Coord { x: 35.1234567, y: 47.5 },
        ]);
        let mp = MultiPolygon(vec![Polygon::new(ring.clone(), vec![ring])]);
        let back = decode(&encode(&mp)).expect("decodes");
        assert_eq!(back.0.len(), 1);
        assert_eq!(back.0[0].interiors().len(), 1);
        for (a, b) in mp.0[0].exterior().0.iter().zip(&back.0[0].exterior().0) {
            assert!((a.x - b.x).abs() < 1e-7 && (a.y - b.y).abs() < 1e-7, "{a:?} {b:?}");
        }
        assert!(decode(&encode(&mp)[..5]).is_none(), "truncated");
        let mut long = encode(&mp);
        long.push(0);
        assert!(decode(&long).is_none(), "trailing bytes");
        assert!(decode(&[0xff; 20]).is_none());
    }

    #[test]
    fn sentences_name_the_place() {
        let s = sentence("occupied", true, 4.21, &["Robotyne".into()], None);
        assert_eq!(s, "Russian forces took about 4.2 km² around Robotyne.");
        let s = sentence("occupied", false, 12.6, &[], Some(&("Pokrovsk".into(), 7.4)));
        assert_eq!(s, "Ukrainian forces retook about 13 km² 7 km from Pokrovsk.");
    }
}
