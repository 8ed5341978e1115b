//! Control maps at the edge: the API (import a dated layer as GeoJSON or KML; the layer, the change between
//! two dates and the area series out), the reader's map page `/b/{slug}/map` (server-rendered: an SVG map of
//! the layer with gained and lost ground in colours and patterns, the figures, a table of changes and an SVG
//! chart of the area over time; all of it without JavaScript; with it, static/map.js draws the same on a vendored
//! Leaflet map), the desk's upload form, and the small SVG map of a live page's map card.

use std::fmt::Write as _;

use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use livebrief_app::maps::{ImportError, MAX_LAYER_BYTES, MapImport, MapNotice, PartPlaces, places_in_change};
use livebrief_map::{Change, MapError, MultiPolygon, Polygon};
use livebrief_model::{Briefing, Date, MapLayer};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::api::ErrorBody;
use crate::auth::{ApiViewer, DeskViewer};
use crate::error::{ApiError, ApiResult};
use crate::pages::{error_page, html_response};
use crate::state::AppState;
use crate::views::BriefingView;

/// The layer a page shows when none is asked for.
pub const DEFAULT_LAYER: &str = "occupied";

fn parse_date(s: &str) -> Result<Date, ApiError> {
    s.parse::<Date>()
        .map_err(|_| ApiError::bad_request(format!("{s:?} is not a date (YYYY-MM-DD)")))
}

fn briefing(state: &AppState, slug: &str) -> Result<Briefing, ApiError> {
    state
        .app
        .briefing(slug)
        .map(|(b, _)| b)
        .ok_or_else(|| ApiError::not_found("briefing"))
}

pub(crate) fn import_error(e: ImportError) -> ApiError {
    match e {
        ImportError::App(e) => e.into(),
        ImportError::Map(MapError::TooLarge { size, limit }) => ApiError::new(
            "payload_too_large",
            format!("the layer is {size} bytes; at most {limit} bytes are accepted"),
        ),
        ImportError::Map(e @ MapError::InvalidJson { .. }) => ApiError::new("invalid_json", e.to_string()),
        ImportError::Map(e) => ApiError::new("invalid_layer", format!("{e} ({})", e.code())),
    }
}

/// A 200 MB upload is refused from its `Content-Length`, before a byte of it is read.
fn refuse_early(headers: &HeaderMap) -> Result<(), ApiError> {
    let len = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    match len {
        Some(n) if n > MAX_LAYER_BYTES as u64 => Err(ApiError::new(
            "payload_too_large",
            format!("the layer is {n} bytes; at most {MAX_LAYER_BYTES} bytes (50 MiB) are accepted"),
        )),
        _ => Ok(()),
    }
}

/// Reads a body up to the layer cap (a chunked body that grows past it is cut off with a 413).
async fn read_capped(body: Body) -> Result<Vec<u8>, ApiError> {
    axum::body::to_bytes(body, MAX_LAYER_BYTES)
        .await
        .map(|b| b.to_vec())
        .map_err(|e| {
            ApiError::new(
                "payload_too_large",
                format!("the layer could not be read within {MAX_LAYER_BYTES} bytes: {e}"),
            )
        })
}

#[derive(Deserialize, IntoParams)]
pub struct ImportParams {
    /// Offer the change from the previous date to the desk as a draft development (default true).
    suggest: Option<bool>,
}

#[derive(Serialize, ToSchema)]
pub struct LayerDto {
    id: i64,
    layer: String,
    date: String,
    /// 1 for the first import of this layer and date, then 2, 3, …
    revision: i32,
    area_km2: f64,
    /// Share of the reference area (Ukraine including Crimea, 603,628 km²), in percent.
    share_pct: f64,
    vertices: u64,
    imported_by: String,
    imported_at: String,
    /// What the repair changed, one note each.
    repairs: Vec<String>,
    /// The layer as GeoJSON.
    geojson_url: String,
}

impl LayerDto {
    fn of(l: &MapLayer, slug: &str) -> LayerDto {
        LayerDto {
            id: l.id.0,
            layer: l.layer.clone(),
            date: l.date.to_string(),
            revision: l.revision,
            area_km2: livebrief_map::out::round(l.area_km2, 2),
            share_pct: livebrief_map::out::round(
                100.0 * livebrief_map::share(l.area_km2, livebrief_map::UKRAINE_KM2),
                3,
            ),
            vertices: l.vertices,
            imported_by: l.imported_by_name.clone(),
            imported_at: crate::views::rfc3339(l.imported_at),
            repairs: l.repairs.clone(),
            geojson_url: format!("/api/v1/briefings/{slug}/map/layers/{}/{}", l.layer, l.date),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct PartDto {
    /// gained or lost.
    kind: &'static str,
    area_km2: f64,
    /// [longitude, latitude] of a point inside the part.
    point: [f64; 2],
    places: Vec<String>,
    nearest: Option<String>,
    sentence: String,
}

impl PartDto {
    fn of(p: &PartPlaces) -> PartDto {
        PartDto {
            kind: if p.gained { "gained" } else { "lost" },
            area_km2: livebrief_map::out::round(p.area_km2, 2),
            point: [p.point.x, p.point.y],
            places: p.inside.clone(),
            nearest: p.nearest.as_ref().map(|(n, d)| format!("{n} ({d:.0} km)")),
            sentence: p.sentence.clone(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ImportDto {
    layer: LayerDto,
    /// Bytes the stored geometry takes (encoding lbmp1).
    stored_bytes: usize,
    /// The change from the previous date, when there is one.
    change: Option<ChangeDto>,
}

#[derive(Serialize, ToSchema)]
pub struct ChangeDto {
    from: String,
    to: String,
    gained_km2: f64,
    lost_km2: f64,
    net_km2: f64,
    slivers_dropped: usize,
    parts: Vec<PartDto>,
}

impl ChangeDto {
    fn of(from: Date, to: Date, c: &Change, places: &[PartPlaces]) -> ChangeDto {
        ChangeDto {
            from: from.to_string(),
            to: to.to_string(),
            gained_km2: livebrief_map::out::round(c.gained_km2, 2),
            lost_km2: livebrief_map::out::round(c.lost_km2, 2),
            net_km2: livebrief_map::out::round(c.net_km2(), 2),
            slivers_dropped: c.slivers_dropped,
            parts: places.iter().map(PartDto::of).collect(),
        }
    }
}

fn import_dto(r: &MapImport, slug: &str) -> ImportDto {
    ImportDto {
        layer: LayerDto::of(&r.layer, slug),
        stored_bytes: r.stored_bytes,
        change: r
            .change
            .as_ref()
            .map(|(from, c, p)| ChangeDto::of(*from, r.layer.date, c, p)),
    }
}

#[utoipa::path(post, path = "/api/v1/briefings/{slug}/map/layers/{layer}/{date}", tag = "maps",
    params(("slug" = String, Path), ("layer" = String, Path, description = "occupied, contested, liberated, …"), ("date" = String, Path, description = "YYYY-MM-DD, not in the future"), ImportParams),
    request_body(content = String, description = "The layer as GeoJSON (FeatureCollection, Feature or geometry; Polygon, MultiPolygon) or KML, at most 50 MiB", content_type = "application/geo+json"),
    responses((status = 201, body = ImportDto, description = "stored; the repair report in `layer.repairs`"), (status = 400, body = ErrorBody, description = "invalid JSON or a bad date"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 413, body = ErrorBody, description = "over 50 MiB, refused from Content-Length before reading"), (status = 422, body = ErrorBody, description = "an unknown geometry, an empty layer, unrepairable geometry, a future date")),
    security(("bearer" = [])))]
async fn import_layer(
    State(state): State<AppState>,
    Path((slug, layer, date)): Path<(String, String, String)>,
    Query(p): Query<ImportParams>,
    ApiViewer(v): ApiViewer,
    headers: HeaderMap,
    body: Body,
) -> ApiResult<(StatusCode, axum::Json<ImportDto>)> {
    let actor = v.user.actor();
    if !matches!(actor.role, livebrief_model::Role::Editor | livebrief_model::Role::Admin) {
        return Err(ApiError::new("forbidden", "only editors may import map layers"));
    }
    briefing(&state, &slug)?;
    let date = parse_date(&date)?;
    refuse_early(&headers)?;
    let bytes = read_capped(body).await?;
    let r = state
        .app
        .import_map_layer(&actor, &slug, &layer, date, bytes, p.suggest.unwrap_or(true))
        .await
        .map_err(import_error)?;
    Ok((StatusCode::CREATED, axum::Json(import_dto(&r, &slug))))
}

fn geojson_response(v: serde_json::Value) -> Response {
    (
        [(header::CONTENT_TYPE, HeaderValue::from_static("application/geo+json"))],
        v.to_string(),
    )
        .into_response()
}

#[utoipa::path(get, path = "/api/v1/briefings/{slug}/map/layers/{layer}/{date}", tag = "maps",
    params(("slug" = String, Path), ("layer" = String, Path), ("date" = String, Path)),
    responses((status = 200, description = "the layer as a GeoJSON FeatureCollection of one MultiPolygon Feature (properties: layer, date, revision, area_km2, vertices)", content_type = "application/geo+json"), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn get_layer(
    State(state): State<AppState>,
    Path((slug, layer, date)): Path<(String, String, String)>,
) -> ApiResult<Response> {
    let b = briefing(&state, &slug)?;
    let date = parse_date(&date)?;
    let l = state
        .app
        .map_layer(b.id, &layer, date)
        .await?
        .ok_or_else(|| ApiError::not_found("layer"))?;
    let mut props = serde_json::Map::new();
    props.insert("layer".into(), l.layer.layer.clone().into());
    props.insert("date".into(), l.layer.date.to_string().into());
    props.insert("revision".into(), l.layer.revision.into());
    props.insert("area_km2".into(), livebrief_map::out::round(l.layer.area_km2, 2).into());
    props.insert("vertices".into(), l.layer.vertices.into());
    Ok(geojson_response(livebrief_map::out::layer_geojson(&l.geometry, props)))
}

#[derive(Deserialize, IntoParams)]
pub struct ChangeParams {
    /// The older date (YYYY-MM-DD); default: the date before `to`.
    from: Option<String>,
    /// The newer date (YYYY-MM-DD); default: the newest.
    to: Option<String>,
    /// json (default: figures and parts with places) or geojson (the parts as features).
    format: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/briefings/{slug}/map/layers/{layer}/change", tag = "maps",
    params(("slug" = String, Path), ("layer" = String, Path), ChangeParams),
    responses((status = 200, body = ChangeDto, description = "gained, lost and net km² with each part and its places (format=json), or the parts as GeoJSON features (format=geojson)"), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn get_change(
    State(state): State<AppState>,
    Path((slug, layer)): Path<(String, String)>,
    Query(p): Query<ChangeParams>,
) -> ApiResult<Response> {
    let b = briefing(&state, &slug)?;
    let dates: Vec<Date> = state
        .app
        .map_dates(b.id, &layer)
        .await?
        .iter()
        .map(|l| l.date)
        .collect();
    let to = match p.to.as_deref() {
        Some(t) => parse_date(t)?,
        None => *dates.last().ok_or_else(|| ApiError::not_found("layer"))?,
    };
    let from = match p.from.as_deref() {
        Some(f) => parse_date(f)?,
        None => *dates
            .iter()
            .rev()
            .find(|d| **d < to)
            .ok_or_else(|| ApiError::not_found("layer for an earlier date"))?,
    };
    let c = state
        .app
        .map_change(b.id, &layer, from, to)
        .await?
        .ok_or_else(|| ApiError::not_found("layer for one of the dates"))?;
    match p.format.as_deref().unwrap_or("json") {
        "geojson" => Ok(geojson_response(livebrief_map::out::change_geojson(&c))),
        "json" => {
            let places = places_in_change(&layer, &c, 50);
            Ok(axum::Json(ChangeDto::of(from, to, &c, &places)).into_response())
        }
        f => Err(ApiError::bad_request(format!("format {f:?}: expected json or geojson"))),
    }
}

#[derive(Deserialize, IntoParams)]
pub struct SeriesParams {
    /// json (default) or csv.
    format: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/briefings/{slug}/map/layers/{layer}/series", tag = "maps",
    params(("slug" = String, Path), ("layer" = String, Path), SeriesParams),
    responses((status = 200, description = "the area on each date and the daily, weekly and monthly changes, as JSON or CSV (format=csv)"), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn get_series(
    State(state): State<AppState>,
    Path((slug, layer)): Path<(String, String)>,
    Query(p): Query<SeriesParams>,
) -> ApiResult<Response> {
    let b = briefing(&state, &slug)?;
    let s = state.app.map_series(b.id, &layer, true).await?;
    if s.points.is_empty() {
        return Err(ApiError::not_found("layer"));
    }
    match p.format.as_deref().unwrap_or("json") {
        "json" => Ok(axum::Json(livebrief_map::out::series_json(&s, livebrief_map::UKRAINE_KM2)).into_response()),
        "csv" => Ok((
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/csv; charset=utf-8"),
            )],
            livebrief_map::out::series_csv(&s, livebrief_map::UKRAINE_KM2),
        )
            .into_response()),
        f => Err(ApiError::bad_request(format!("format {f:?}: expected json or csv"))),
    }
}

#[derive(Serialize, ToSchema)]
pub struct LayerListDto {
    layer: String,
    /// Dates with a layer, oldest first, with their areas.
    dates: Vec<LayerDto>,
}

#[utoipa::path(get, path = "/api/v1/briefings/{slug}/map/layers", tag = "maps",
    params(("slug" = String, Path)),
    responses((status = 200, body = Vec<LayerListDto>), (status = 404, body = ErrorBody)))]
async fn list_layers(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> ApiResult<axum::Json<Vec<LayerListDto>>> {
    let b = briefing(&state, &slug)?;
    let mut out = Vec::new();
    for (name, _) in state.app.map_layer_names(b.id).await? {
        let dates = state.app.map_dates(b.id, &name).await?;
        out.push(LayerListDto {
            dates: dates.iter().map(|l| LayerDto::of(l, &slug)).collect(),
            layer: name,
        });
    }
    Ok(axum::Json(out))
}

/// Adds the map routes to the API router. The import takes bodies up to 50 MiB (the router's cap is for
/// everything else).
pub fn api_routes(r: utoipa_axum::router::OpenApiRouter<AppState>) -> utoipa_axum::router::OpenApiRouter<AppState> {
    use utoipa_axum::routes;
    let import = utoipa_axum::router::OpenApiRouter::new()
        .routes(routes!(import_layer, get_layer))
        .layer(axum::extract::DefaultBodyLimit::max(MAX_LAYER_BYTES));
    r.merge(import)
        .routes(routes!(list_layers))
        .routes(routes!(get_change))
        .routes(routes!(get_series))
}

// ---------------------------------------------------------------------------------------------------------
// Drawing: an equirectangular projection scaled by the cosine of the middle latitude, numbers only in the SVG.

/// Where a map is drawn: a lon/lat box and the picture's size.
#[derive(Debug, Clone, Copy)]
pub struct Frame {
    min_x: f64,
    max_y: f64,
    k: f64,
    kx: f64,
    pub width: f64,
    pub height: f64,
}

impl Frame {
    /// A frame around `bounds` (min lon, min lat, max lon, max lat), `width` pixels wide.
    pub fn around(bounds: [f64; 4], width: f64) -> Frame {
        let [x0, y0, x1, y1] = bounds;
        let pad_x = ((x1 - x0) * 0.08).max(0.05);
        let pad_y = ((y1 - y0) * 0.08).max(0.05);
        let (x0, x1, y0, y1) = (x0 - pad_x, x1 + pad_x, y0 - pad_y, y1 + pad_y);
        let kx = ((y0 + y1) / 2.0).to_radians().cos().max(0.1);
        let w = ((x1 - x0) * kx).max(1e-9);
        let h = (y1 - y0).max(1e-9);
        let k = width / w;
        Frame {
            min_x: x0,
            max_y: y1,
            k,
            kx,
            width,
            height: (h * k).clamp(40.0, width * 1.5),
        }
    }

    fn xy(&self, lon: f64, lat: f64) -> (f64, f64) {
        ((lon - self.min_x) * self.kx * self.k, (self.max_y - lat) * self.k)
    }

    /// An SVG path of polygons (rings closed; holes cut by `fill-rule="evenodd"`).
    pub fn path(&self, polygons: &[Polygon]) -> String {
        let mut d = String::new();
        for p in polygons {
            for ring in std::iter::once(p.exterior()).chain(p.interiors()) {
                for (i, c) in ring.0.iter().enumerate() {
                    let (x, y) = self.xy(c.x, c.y);
                    let _ = write!(d, "{}{:.1} {:.1}", if i == 0 { "M" } else { "L" }, x, y);
                }
                d.push('Z');
            }
        }
        d
    }
}

pub fn bounds(mps: &[&[Polygon]]) -> Option<[f64; 4]> {
    let mut b = [f64::INFINITY, f64::INFINITY, f64::NEG_INFINITY, f64::NEG_INFINITY];
    for ps in mps {
        for p in ps.iter() {
            for c in &p.exterior().0 {
                b = [b[0].min(c.x), b[1].min(c.y), b[2].max(c.x), b[3].max(c.y)];
            }
        }
    }
    b[0].is_finite().then_some(b)
}

/// The patterns gained and lost ground are filled with: colour and texture, so the legend reads without colour.
const PATTERNS: &str = r##"<defs><pattern id="pat-gained" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#c0392b" fill-opacity="0.35"/><line x1="0" y1="0" x2="0" y2="6" stroke="#922b21" stroke-width="2.5"/></pattern><pattern id="pat-lost" width="6" height="6" patternUnits="userSpaceOnUse"><rect width="6" height="6" fill="#2471a3" fill-opacity="0.3"/><circle cx="3" cy="3" r="1.4" fill="#1a5276"/></pattern></defs>"##;

/// A static SVG map: the layer, and gained and lost ground over it. Numbers only: no text from the data.
pub fn svg_map(layer: &MultiPolygon, gained: &[Polygon], lost: &[Polygon], width: f64, label: &str) -> String {
    let Some(b) = bounds(&[&layer.0, gained, lost]) else {
        return String::new();
    };
    let f = Frame::around(b, width);
    let mut s = String::new();
    let _ = write!(
        s,
        r##"<svg xmlns="http://www.w3.org/2000/svg" class="map-svg" viewBox="0 0 {:.0} {:.0}" role="img" aria-label="{}">{PATTERNS}<rect width="100%" height="100%" fill="#f4f1ea"/><path d="{}" fill="#d98880" fill-opacity="0.55" stroke="#7b241c" stroke-width="1" fill-rule="evenodd"/>"##,
        f.width,
        f.height,
        escape(label),
        f.path(&layer.0)
    );
    if !gained.is_empty() {
        let _ = write!(
            s,
            r##"<path d="{}" fill="url(#pat-gained)" stroke="#922b21" stroke-width="1.5" fill-rule="evenodd"/>"##,
            f.path(gained)
        );
    }
    if !lost.is_empty() {
        let _ = write!(
            s,
            r##"<path d="{}" fill="url(#pat-lost)" stroke="#1a5276" stroke-width="1.5" stroke-dasharray="4 2" fill-rule="evenodd"/>"##,
            f.path(lost)
        );
    }
    s.push_str("</svg>");
    s
}

/// An SVG line chart of the area over time, with its extremes labelled.
pub fn svg_chart(points: &[(Date, f64)], width: f64, height: f64) -> String {
    if points.len() < 2 {
        return String::new();
    }
    let (min, max) = points
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), p| (a.min(p.1), b.max(p.1)));
    let span = (max - min).max(1.0);
    let (l, r, t, bm) = (70.0, 10.0, 10.0, 24.0);
    let (w, h) = (width - l - r, height - t - bm);
    let first = points[0].0;
    let days = (points[points.len() - 1].0 - first).get_days().max(1) as f64;
    let xy = |d: Date, v: f64| {
        (
            l + w * ((d - first).get_days() as f64 / days),
            t + h * (1.0 - (v - min) / span),
        )
    };
    let mut line = String::new();
    for (i, (d, v)) in points.iter().enumerate() {
        let (x, y) = xy(*d, *v);
        let _ = write!(line, "{}{x:.1} {y:.1}", if i == 0 { "M" } else { "L" });
    }
    let last = points[points.len() - 1];
    format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" class="chart-svg" viewBox="0 0 {width:.0} {height:.0}" role="img" aria-labelledby="chart-title"><title id="chart-title">Area from {first} ({a0:.0} km²) to {ld} ({a1:.0} km²)</title><line x1="{l}" y1="{t}" x2="{l}" y2="{yb:.0}" stroke="#888"/><line x1="{l}" y1="{yb:.0}" x2="{xr:.0}" y2="{yb:.0}" stroke="#888"/><text x="{tl:.0}" y="{ty0:.0}" font-size="11" text-anchor="end">{max:.0}</text><text x="{tl:.0}" y="{ty1:.0}" font-size="11" text-anchor="end">{min:.0}</text><text x="{l}" y="{yl:.0}" font-size="11">{first}</text><text x="{xr:.0}" y="{yl:.0}" font-size="11" text-anchor="end">{ld}</text><path d="{line}" fill="none" stroke="#7b241c" stroke-width="2"/></svg>"##,
        a0 = points[0].1,
        ld = last.0,
        a1 = last.1,
        yb = t + h,
        xr = l + w,
        tl = l - 4.0,
        ty0 = t + 10.0,
        ty1 = t + h,
        yl = height - 6.0,
    )
}

/// The card a live page shows for a map change: a small map and the figures, at the time the layer's date was
/// first imported.
#[derive(Serialize)]
pub struct MapCardView {
    pub key: String,
    pub time: crate::views::TimeView,
    pub layer: String,
    pub date: String,
    pub area: String,
    pub previous: Option<String>,
    pub gained: Option<String>,
    pub lost: Option<String>,
    pub net: Option<String>,
    pub svg: minijinja::Value,
    pub url: String,
}

impl MapCardView {
    pub fn of(n: &MapNotice, b: &Briefing) -> MapCardView {
        let (gained, lost): (Vec<Polygon>, Vec<Polygon>) = match &n.previous {
            Some((_, _, c)) => (
                c.gained.iter().map(|p| p.polygon.clone()).collect(),
                c.lost.iter().map(|p| p.polygon.clone()).collect(),
            ),
            None => (Vec::new(), Vec::new()),
        };
        let label = format!("Map of the {} area on {}", n.layer.layer, n.layer.date);
        MapCardView {
            key: format!("{}-{}", n.layer.layer, n.layer.date),
            time: crate::views::TimeView::of(n.since),
            layer: n.layer.layer.clone(),
            date: n.layer.date.to_string(),
            area: km2(n.layer.area_km2),
            previous: n.previous.as_ref().map(|(d, _, _)| d.to_string()),
            gained: n.previous.as_ref().map(|(_, _, c)| km2(c.gained_km2)),
            lost: n.previous.as_ref().map(|(_, _, c)| km2(c.lost_km2)),
            net: n.previous.as_ref().map(|(_, _, c)| signed_km2(c.net_km2())),
            svg: minijinja::Value::from_safe_string(svg_map(&n.outline, &gained, &lost, 320.0, &label)),
            url: format!("/b/{}/map?layer={}&date={}", b.slug, n.layer.layer, n.layer.date),
        }
    }
}

/// Escapes text for an SVG attribute.
fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

pub fn km2(v: f64) -> String {
    format!("{} km²", thousands(v, 2))
}

fn signed_km2(v: f64) -> String {
    let s = thousands(v.abs(), 2);
    if v > 0.0 {
        format!("+{s} km²")
    } else if v < 0.0 {
        format!("−{s} km²")
    } else {
        "0 km²".into()
    }
}

/// 113654.42 → "113,654.42" (never "-0.00").
fn thousands(v: f64, places: usize) -> String {
    let v = if v.abs() < 0.5 * 10f64.powi(-(places as i32)) {
        0.0
    } else {
        v
    };
    let s = format!("{v:.places$}");
    let (int, frac) = s.split_once('.').unwrap_or((&s, ""));
    let mut out = String::new();
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 && ch.is_ascii_digit() && !out.ends_with('-') {
            out.push(',');
        }
        out.push(ch);
    }
    if !frac.is_empty() {
        out.push('.');
        out.push_str(frac);
    }
    out
}

// ---------------------------------------------------------------------------------------------------------
// The reader's map page.

#[derive(Deserialize, Default)]
pub struct MapPageQuery {
    layer: Option<String>,
    date: Option<String>,
    from: Option<String>,
}

#[derive(Serialize)]
struct RowView {
    label: String,
    from: String,
    to: String,
    gained: String,
    lost: String,
    net: String,
    url: String,
}

#[derive(Serialize)]
struct PartView {
    kind: &'static str,
    area: String,
    sentence: String,
}

#[derive(Serialize)]
struct PlaceView {
    /// Percentages across and down the map picture.
    left: f64,
    top: f64,
    /// Where the place is (the script's Leaflet map puts its marker there).
    lat: f64,
    lon: f64,
    name: String,
    headline: String,
    url: String,
}

/// `GET /b/{slug}/map`: the layer for a date (the newest by default), its change from the date before (or
/// `from`), the series and the table of changes. Everything is in the HTML; with JavaScript, static/map.js puts
/// a Leaflet map (offline country outlines, the layer and the change from the API) in place of the picture and
/// moves the date without a reload.
pub async fn map_page(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Query(q): Query<MapPageQuery>,
) -> Response {
    match render_map_page(&state, &slug, q).await {
        Ok(html) => html_response(html),
        Err(e) => error_page(&state, e),
    }
}

async fn render_map_page(state: &AppState, slug: &str, q: MapPageQuery) -> Result<String, ApiError> {
    let b = briefing(state, slug)?;
    let names = state.app.map_layer_names(b.id).await?;
    let layer = q
        .layer
        .filter(|l| names.iter().any(|(n, _)| n == l))
        .or_else(|| names.iter().find(|(n, _)| n == DEFAULT_LAYER).map(|(n, _)| n.clone()))
        .or_else(|| names.first().map(|(n, _)| n.clone()));
    let ctx_base = |extra: minijinja::Value| {
        minijinja::context! {
            b => BriefingView::of(&b),
            layers => names.iter().map(|(n, c)| minijinja::context!{ name => n, count => c }).collect::<Vec<_>>(),
            ..extra
        }
    };
    let Some(layer) = layer else {
        return state
            .views
            .render("map.html", ctx_base(minijinja::context! { empty => true }));
    };
    let dates = state.app.map_dates(b.id, &layer).await?;
    let chosen = match q.date.as_deref().map(parse_date).transpose()? {
        Some(d) => dates.iter().rposition(|l| l.date <= d).unwrap_or(0),
        None => dates.len().saturating_sub(1),
    };
    let Some(cur_meta) = dates.get(chosen) else {
        return Err(ApiError::not_found("layer"));
    };
    let from_idx = match q.from.as_deref().map(parse_date).transpose()? {
        Some(d) => dates.iter().position(|l| l.date >= d).filter(|i| *i < chosen),
        None => chosen.checked_sub(1),
    };
    let cur = state
        .app
        .map_layer(b.id, &layer, cur_meta.date)
        .await?
        .ok_or_else(|| ApiError::not_found("layer"))?;
    let change = match from_idx {
        Some(i) => state
            .app
            .map_change(b.id, &layer, dates[i].date, cur_meta.date)
            .await?
            .map(|c| (dates[i].date, c)),
        None => None,
    };
    let places = change
        .as_ref()
        .map(|(_, c)| places_in_change(&layer, c, 12))
        .unwrap_or_default();
    let (gained, lost): (Vec<Polygon>, Vec<Polygon>) = match &change {
        Some((_, c)) => (
            c.gained.iter().map(|p| p.polygon.clone()).collect(),
            c.lost.iter().map(|p| p.polygon.clone()).collect(),
        ),
        None => (Vec::new(), Vec::new()),
    };
    let outline = livebrief_app::maps::simplified(&cur.geometry, 0.002);
    let label = format!("Map of the {layer} area on {}", cur_meta.date);
    let mut svg = svg_map(&outline, &gained, &lost, 900.0, &label);
    let frame = bounds(&[&outline.0, &gained, &lost]).map(|bb| Frame::around(bb, 900.0));
    // Rows of the table: each date against the one before, and the chart: stored figures and areas, so a long
    // series costs no geometry (weekly and monthly figures are the API's, not needed here).
    let series = state.app.map_series(b.id, &layer, false).await?;
    let rows: Vec<RowView> = series
        .daily
        .iter()
        .rev()
        .map(|p| RowView {
            label: p.label.clone(),
            from: p.from.to_string(),
            to: p.to.to_string(),
            gained: km2(p.gained_km2),
            lost: km2(p.lost_km2),
            net: signed_km2(p.net_km2),
            url: format!("/b/{}/map?layer={layer}&date={}", b.slug, p.to),
        })
        .collect();
    let chart = svg_chart(
        &series.points.iter().map(|p| (p.date, p.area_km2)).collect::<Vec<_>>(),
        900.0,
        220.0,
    );
    // The briefing's entries placed by the places their readings name (with coordinates), within the frame.
    let pins = match frame {
        Some(f) => entry_pins(state, &b, &f).await,
        None => Vec::new(),
    };
    if let Some(f) = frame {
        pin_marks(&mut svg, &pins, &f);
    }
    state.views.render(
        "map.html",
        ctx_base(minijinja::context! {
            empty => false,
            layer => layer,
            date => cur_meta.date.to_string(),
            index => chosen,
            dates => dates.iter().map(|l| l.date.to_string()).collect::<Vec<_>>(),
            area => km2(cur_meta.area_km2),
            share => format!("{:.2}", 100.0 * livebrief_map::share(cur_meta.area_km2, livebrief_map::UKRAINE_KM2)),
            revision => cur_meta.revision,
            vertices => cur_meta.vertices,
            from => change.as_ref().map(|(d, _)| d.to_string()),
            gained => change.as_ref().map(|(_, c)| km2(c.gained_km2)),
            lost => change.as_ref().map(|(_, c)| km2(c.lost_km2)),
            net => change.as_ref().map(|(_, c)| signed_km2(c.net_km2())),
            parts => places.iter().map(|p| PartView { kind: if p.gained { "gained" } else { "lost" }, area: km2(p.area_km2), sentence: p.sentence.clone() }).collect::<Vec<_>>(),
            svg => minijinja::Value::from_safe_string(svg),
            chart => minijinja::Value::from_safe_string(chart),
            rows => rows,
            pins => pins,
            api => format!("/api/v1/briefings/{}/map/layers/{layer}", b.slug),
        }),
    )
}

/// The pins drawn into the map picture (numbers only; the links to the entries are in the list under the map,
/// and the script's Leaflet map makes each pin a link).
fn pin_marks(svg: &mut String, pins: &[PlaceView], f: &Frame) {
    let Some(end) = svg.rfind("</svg>") else {
        return;
    };
    let mut marks = String::from(r#"<g class="map-pin-marks" aria-hidden="true">"#);
    for p in pins {
        let _ = write!(
            marks,
            r##"<circle cx="{:.1}" cy="{:.1}" r="6" fill="#fff" stroke="#1b2631" stroke-width="3"/>"##,
            p.left * f.width / 100.0,
            p.top * f.height / 100.0
        );
    }
    marks.push_str("</g>");
    svg.insert_str(end, &marks);
}

async fn entry_pins(state: &AppState, b: &Briefing, f: &Frame) -> Vec<PlaceView> {
    let Ok(page) = state.app.list(&livebrief_store::EntryQuery::public(b.id, 200)).await else {
        return Vec::new();
    };
    let g = livebrief_geo::Gazetteer::embedded();
    let mut out = Vec::new();
    for e in &page.items {
        if e.status != livebrief_model::Status::Published {
            continue;
        }
        let text = format!("{} {}", e.headline, e.body.source);
        // The first known settlement the entry names.
        let found = text
            .split(|c: char| !c.is_alphanumeric() && c != '-' && c != '\'')
            .filter(|w| w.chars().next().is_some_and(char::is_uppercase) && w.chars().count() > 3)
            .find_map(|w| {
                let m = g.matches(w);
                let pl = m.first()?.place;
                Some((pl.name.clone(), f64::from(pl.lon?), f64::from(pl.lat?)))
            });
        if let Some((name, lon, lat)) = found {
            let (x, y) = f.xy(lon, lat);
            if (0.0..=f.width).contains(&x) && (0.0..=f.height).contains(&y) {
                out.push(PlaceView {
                    left: 100.0 * x / f.width,
                    top: 100.0 * y / f.height,
                    lat,
                    lon,
                    name,
                    headline: e.headline.clone(),
                    url: format!("/b/{}/e/{}", b.slug, e.id.0),
                });
            }
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------------------
// The desk's upload form.

/// `GET /desk/b/{slug}/map`: the upload form.
pub async fn desk_form(State(state): State<AppState>, DeskViewer(v): DeskViewer, Path(slug): Path<String>) -> Response {
    let b = match crate::desk::briefing_of(&state, &slug) {
        Ok(b) => b,
        Err(r) => return r,
    };
    desk_page(&state, &v, &b, StatusCode::OK, None, None)
}

fn desk_page(
    state: &AppState,
    v: &crate::auth::Viewer,
    b: &Briefing,
    status: StatusCode,
    error: Option<String>,
    done: Option<ImportDto>,
) -> Response {
    let today = state.app.now().to_zoned(livebrief_model::TimeZone::UTC).date();
    crate::desk::render(
        state,
        status,
        "desk_map.html",
        minijinja::context! {
            b => BriefingView::of(b),
            csrf => crate::desk::csrf_for(state, v),
            today => today.to_string(),
            error => error,
            done => done,
            user => v.user.name.clone(),
        },
    )
}

/// `POST /desk/b/{slug}/map`: a layer from the form (`layer`, `date`, and the file's text in `geojson`).
pub async fn desk_upload(
    State(state): State<AppState>,
    DeskViewer(v): DeskViewer,
    Path(slug): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let b = match crate::desk::briefing_of(&state, &slug) {
        Ok(b) => b,
        Err(r) => return r,
    };
    if let Err(e) = refuse_early(&headers) {
        return desk_page(&state, &v, &b, e.status(), Some(e.message), None);
    }
    let body = match read_capped(body).await {
        Ok(b) => b,
        Err(e) => return desk_page(&state, &v, &b, e.status(), Some(e.message), None),
    };
    let f = crate::newsroom::Fields::parse(&body);
    if let Err(r) = crate::desk::check_csrf(&state, &v, f.get("csrf")) {
        return r;
    }
    let date = match parse_date(f.get("date").trim()) {
        Ok(d) => d,
        Err(e) => return desk_page(&state, &v, &b, e.status(), Some(e.message), None),
    };
    let layer = f.get("layer").trim().to_string();
    let data = f.get("geojson").as_bytes().to_vec();
    match state
        .app
        .import_map_layer(&v.user.actor(), &slug, &layer, date, data, true)
        .await
    {
        Ok(r) => desk_page(&state, &v, &b, StatusCode::OK, None, Some(import_dto(&r, &slug))),
        Err(e) => {
            let e = import_error(e);
            if e.status() == StatusCode::FORBIDDEN {
                return error_page(&state, e);
            }
            desk_page(&state, &v, &b, e.status(), Some(e.message), None)
        }
    }
}
