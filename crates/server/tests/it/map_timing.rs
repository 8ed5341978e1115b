//! A measurement, ignored by default: the first (uncached) view of a 60-layer series — the map page and the
//! series API — on a fresh instance over a store that holds the layers. Layers of about 3,000 vertices each,
//! generated from the shared 2025-07-01 DeepState sample by moving stretches of the line a little each day.
//!   cargo test -p livebrief-server --test it map_timing -- --ignored --nocapture
//! `LIVEBRIEF_TIMING_DAYS=200` measures a longer series.
//! Numbers go in docs/benchmarks.md ("The map page and stored layers").

use std::time::Instant;

use axum::http::{Method, Request, StatusCode, header};
use livebrief_map::{Coord, Limits, LineString, MultiPolygon, Polygon, RepairOptions};

use crate::support::TestApp;

/// A small seeded generator (xorshift), so every run imports the same layers.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Moves a stretch of 6 to 60 vertices of the largest ring along its normals, by up to about 1 km.
fn bump(mp: &MultiPolygon, rng: &mut Rng) -> MultiPolygon {
    let mut out = mp.clone();
    let Some((pi, _)) = out.0.iter().enumerate().max_by_key(|(_, p)| p.exterior().0.len()) else {
        return out;
    };
    let ring = &out.0[pi].exterior().0;
    let n = ring.len() - 1;
    let centre = rng.below(n);
    let half = 3 + rng.below(28);
    let amp = if rng.below(2) == 0 { -1.0 } else { 1.0 } * (0.0005 + 0.0085 * rng.unit());
    let mut pts: Vec<Coord> = ring.clone();
    for k in -(half as i64)..=(half as i64) {
        let i = (centre as i64 + k).rem_euclid(n as i64) as usize;
        let (a, b) = (ring[(i + n - 1) % n], ring[(i + 1) % n]);
        let (dx, dy) = (b.x - a.x, b.y - a.y);
        let norm = (dx * dx + dy * dy).sqrt().max(1e-12);
        let w = 0.5 * (1.0 + (std::f64::consts::PI * k as f64 / (half as f64 + 1.0)).cos());
        pts[i].x = ring[i].x + amp * w * (dy / norm) / ring[i].y.to_radians().cos();
        pts[i].y = ring[i].y + amp * w * (-dx / norm);
    }
    pts[n] = pts[0];
    let holes = out.0[pi].interiors().to_vec();
    out.0[pi] = Polygon::new(LineString(pts), holes);
    out
}

fn geojson(mp: &MultiPolygon) -> serde_json::Value {
    livebrief_map::out::layer_geojson(mp, serde_json::Map::new())
}

#[tokio::test]
#[ignore = "a measurement: run it by name with --ignored --nocapture"]
async fn map_timing_first_view_of_a_long_series() {
    let sample = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/deepstate/occupied-2025-07-01.geojson");
    let Ok(bytes) = std::fs::read(&sample) else {
        eprintln!("skipped: no {}", sample.display());
        return;
    };
    let opts = RepairOptions::default();
    let mut layer = livebrief_map::read_layer(&bytes, &Limits::DEFAULT, &opts)
        .expect("the sample reads")
        .geometry;
    let days: usize = std::env::var("LIVEBRIEF_TIMING_DAYS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(60);
    let t = TestApp::new().await;
    let tok = t.with_briefing().await;
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let start = "2025-03-01".parse::<jiff::civil::Date>().expect("date") - jiff::Span::new().days(days as i64);
    let began = Instant::now();
    for day in 0..days {
        for _ in 0..1 + rng.below(6).min(rng.below(6)) {
            // A move that the reader would refuse (a ring crossing itself) is drawn again.
            for _ in 0..20 {
                let trial = bump(&layer, &mut rng);
                let text = geojson(&trial).to_string();
                if livebrief_map::read_layer(text.as_bytes(), &Limits::DEFAULT, &opts).is_ok() {
                    layer = trial;
                    break;
                }
            }
        }
        let date = start + jiff::Span::new().days(day as i64);
        let req = Request::builder()
            .method(Method::POST)
            .uri(format!(
                "/api/v1/briefings/war/map/layers/occupied/{date}?suggest=false"
            ))
            .header(header::AUTHORIZATION, format!("Bearer {tok}"))
            .header(header::CONTENT_TYPE, "application/geo+json")
            .body(axum::body::Body::from(geojson(&layer).to_string()))
            .expect("request");
        let r = t.send(req).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    }
    let vertices: usize = layer
        .0
        .iter()
        .map(|p| p.exterior().0.len() + p.interiors().iter().map(|r| r.0.len()).sum::<usize>())
        .sum();
    println!(
        "imported {days} layers of about {vertices} vertices in {:.2} s",
        began.elapsed().as_secs_f64()
    );

    // A fresh instance over the same store for each first view: nothing computed in memory.
    for round in 1..=2 {
        for (what, path) in [
            ("map page", "/b/war/map"),
            ("series API", "/api/v1/briefings/war/map/layers/occupied/series"),
        ] {
            let fresh = TestApp::on_store(t.state.app.store().clone()).await;
            let at = Instant::now();
            let r = fresh.get(path).await;
            let first = at.elapsed();
            assert_eq!(r.status, StatusCode::OK, "{}", r.text());
            let at = Instant::now();
            let again = fresh.get(path).await;
            let second = at.elapsed();
            assert_eq!(again.body, r.body, "the same answer twice");
            println!(
                "round {round}, {what}: first view on a fresh instance {:.3} s, again {:.3} s",
                first.as_secs_f64(),
                second.as_secs_f64()
            );
        }
    }
}
