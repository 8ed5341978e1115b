//! Control maps through the API, the map page, the desk form and the live stream.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use livebrief_content::testing::{find_active_content, hostile_corpus};
use livebrief_model::Role;
use serde_json::{Value, json};

use crate::support::{PASSWORD, TestApp, form_csrf};

/// A square of `d` degrees at (x, y), its outer ring clockwise (as DeepStateMap's are).
fn square_cw(x: f64, y: f64, d: f64) -> Value {
    json!({"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"name": "front"},
        "geometry": {"type": "Polygon", "coordinates": [[[x, y], [x, y + d], [x + d, y + d], [x + d, y], [x, y]]]}}]})
}

async fn import(t: &TestApp, tok: &str, date: &str, body: Value) -> crate::support::Resp {
    t.api(
        Method::POST,
        &format!("/api/v1/briefings/war/map/layers/occupied/{date}"),
        Some(tok),
        Some(body),
    )
    .await
}

async fn raw(
    t: &TestApp,
    tok: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: impl Into<Body>,
) -> crate::support::Resp {
    let mut b = Request::post(path).header(header::AUTHORIZATION, format!("Bearer {tok}"));
    for (k, v) in headers {
        b = b.header(*k, *v);
    }
    t.send(b.body(body.into()).expect("req")).await
}

#[tokio::test]
async fn import_export_change_and_series() {
    let t = TestApp::new().await;
    let tok = t.with_briefing().await;
    // Orikhiv is at 35.78 E, 47.58 N: day 2 takes ground around it.
    let r = import(&t, &tok, "2025-03-01", square_cw(35.70, 47.30, 0.10)).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let l1 = r.json();
    assert_eq!(l1["layer"]["revision"], 1);
    assert!(
        l1["layer"]["repairs"]
            .as_array()
            .expect("repairs")
            .iter()
            .any(|n| n.as_str().unwrap_or("").contains("reoriented")),
        "the clockwise ring is reported: {l1}"
    );
    let a1 = l1["layer"]["area_km2"].as_f64().expect("area");
    assert!(
        (a1 - 82.9).abs() < 1.5,
        "a 0.1° square at 47.3° N is about 83 km²: {a1}"
    );
    assert!(l1["stored_bytes"].as_u64().expect("bytes") < 64);
    assert!(l1["change"].is_null());

    let r = import(&t, &tok, "2025-03-02", square_cw(35.70, 47.30, 0.35)).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let l2 = r.json();
    let c = &l2["change"];
    assert_eq!(c["from"], "2025-03-01");
    assert!(c["gained_km2"].as_f64().expect("gained") > 700.0, "{c}");
    assert_eq!(c["lost_km2"].as_f64(), Some(0.0));
    let sentence = c["parts"][0]["sentence"].as_str().expect("sentence");
    assert!(sentence.starts_with("Russian forces took about"), "{sentence}");
    assert!(sentence.contains("around Orikhiv"), "{sentence}");

    // The change went to the desk as a report that grouped into a development.
    let devs = t
        .api(Method::GET, "/api/v1/briefings/war/developments", Some(&tok), None)
        .await;
    assert!(
        devs.text().contains("Map: occupied 2025-03-01 to 2025-03-02"),
        "{}",
        devs.text()
    );

    // A correction of day 1 is revision 2; the layer out is the corrected one.
    let r = import(&t, &tok, "2025-03-01", square_cw(35.70, 47.30, 0.12)).await;
    assert_eq!(r.json()["layer"]["revision"], 2, "{}", r.text());
    let g = t.get("/api/v1/briefings/war/map/layers/occupied/2025-03-01").await;
    assert_eq!(g.status, StatusCode::OK);
    assert_eq!(g.header("content-type"), "application/geo+json");
    let gj = g.json();
    assert_eq!(gj["features"][0]["properties"]["revision"], 2, "{gj}");
    let ring = &gj["features"][0]["geometry"]["coordinates"][0][0];
    assert!(ring.as_array().expect("ring").len() >= 5, "{gj}");
    assert_eq!(
        t.get("/api/v1/briefings/war/map/layers/occupied/2025-02-01")
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    let ch = t
        .get("/api/v1/briefings/war/map/layers/occupied/change?from=2025-03-01&to=2025-03-02")
        .await;
    assert_eq!(ch.status, StatusCode::OK, "{}", ch.text());
    assert!(ch.json()["gained_km2"].as_f64().expect("gained") > 700.0);
    let chg = t
        .get("/api/v1/briefings/war/map/layers/occupied/change?format=geojson")
        .await;
    assert_eq!(chg.json()["type"], "FeatureCollection", "{}", chg.text());
    let s = t.get("/api/v1/briefings/war/map/layers/occupied/series").await;
    assert_eq!(s.status, StatusCode::OK, "{}", s.text());
    let csv = t
        .get("/api/v1/briefings/war/map/layers/occupied/series?format=csv")
        .await;
    assert!(csv.header("content-type").starts_with("text/csv"));
    assert!(csv.text().contains("2025-03-02"), "{}", csv.text());
    let list = t.get("/api/v1/briefings/war/map/layers").await.json();
    assert_eq!(list[0]["layer"], "occupied");
    assert_eq!(list[0]["dates"].as_array().map(Vec::len), Some(2));

    // The live stream's poll form: one map_updated event per import, with its card.
    let ev = t.get("/api/v1/briefings/war/events?after=0").await.json();
    let maps: Vec<&Value> = ev["events"]
        .as_array()
        .expect("events")
        .iter()
        .filter(|e| e["kind"] == "map_updated")
        .collect();
    assert_eq!(maps.len(), 3);
    assert_eq!(maps[1]["date"], "2025-03-02");
    assert!(maps[1]["net_km2"].as_f64().expect("net") > 700.0);
    let html = maps[1]["html"].as_str().expect("card");
    assert!(
        html.contains("<svg") && html.contains("pat-gained") && html.contains("Map update"),
        "{html}"
    );

    // The reader's map page: figures, the table and the chart are in the HTML.
    let page = t.get("/b/war/map").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text());
    let body = page.text();
    assert!(body.contains("Map of the front") && body.contains("aria-live=\"polite\""));
    assert!(body.contains("<table class=\"map-changes\"") && body.contains("class=\"chart-svg\""));
    assert!(body.contains("Orikhiv"), "the parts name their places");
    let page = t.get("/b/war/map?date=2025-03-01").await.text();
    assert!(page.contains("id=\"fig-date\">2025-03-01<"));
    assert_eq!(t.get("/b/nowhere/map").await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn bad_layers_are_refused_with_reasons_and_leave_nothing_behind() {
    let t = TestApp::new().await;
    let tok = t.with_briefing().await;
    let path = "/api/v1/briefings/war/map/layers/occupied/2025-03-01";
    let cases: Vec<(&str, &[u8], StatusCode, &str)> = vec![
        (
            "invalid JSON",
            b"{\"type\": \"Polygon\", ",
            StatusCode::BAD_REQUEST,
            "invalid_json",
        ),
        (
            "unknown geometry",
            br#"{"type": "Curve", "coordinates": []}"#,
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_layer",
        ),
        (
            "empty layer",
            br#"{"type": "FeatureCollection", "features": []}"#,
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_layer",
        ),
        (
            "swapped",
            br#"{"type": "Polygon", "coordinates": [[[47.3, 135.7], [47.3, 135.8], [47.4, 135.8], [47.3, 135.7]]]}"#,
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_layer",
        ),
        (
            "not a layer",
            b"hello",
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_layer",
        ),
    ];
    for (what, body, status, code) in cases {
        let r = raw(
            &t,
            &tok,
            path,
            &[("content-type", "application/geo+json")],
            body.to_vec(),
        )
        .await;
        assert_eq!(r.status, status, "{what}: {}", r.text());
        assert_eq!(r.code(), code, "{what}: {}", r.text());
        assert!(
            !r.json()["error"]["message"].as_str().unwrap_or("").is_empty(),
            "{what}: a reason"
        );
    }
    let ok = square_cw(35.7, 47.3, 0.1);
    for (date, status) in [
        ("2025-13-01", StatusCode::BAD_REQUEST),
        ("2025-03-14", StatusCode::UNPROCESSABLE_ENTITY),
    ] {
        let r = import(&t, &tok, date, ok.clone()).await;
        assert_eq!(r.status, status, "{date}: {}", r.text());
    }
    let r = t
        .api(
            Method::POST,
            "/api/v1/briefings/war/map/layers/Occupied!/2025-03-01",
            Some(&tok),
            Some(ok.clone()),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());

    // 200 MB announced: refused from the header, before the body is read (it is never sent here).
    let r = raw(&t, &tok, path, &[("content-length", "209715200")], Body::empty()).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", r.text());
    assert_eq!(r.code(), "payload_too_large");
    assert!(r.json()["error"]["message"].as_str().unwrap_or("").contains("50 MiB"));
    // A body that grows past the cap without announcing its length.
    let big = vec![b' '; livebrief_app::maps::MAX_LAYER_BYTES + 10];
    let stream = futures_util::stream::iter(
        big.chunks(1 << 20)
            .map(|c| Ok::<_, std::io::Error>(bytes::Bytes::copy_from_slice(c)))
            .collect::<Vec<_>>(),
    );
    let r = raw(&t, &tok, path, &[], Body::from_stream(stream)).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", r.text());

    // A contributor may not import.
    let cora = t.user("cora", Role::Contributor).await;
    let r = import(&t, &cora, "2025-03-01", ok.clone()).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text());

    // Nothing of the refused imports was stored, and no event was made.
    assert_eq!(t.get("/api/v1/briefings/war/map/layers").await.json(), json!([]));
    let ev = t.get("/api/v1/briefings/war/events?after=0").await.json();
    assert_eq!(ev["events"].as_array().map(Vec::len), Some(0), "{ev}");
    assert!(t.get("/b/war/map").await.text().contains("No map layers yet"));
}

#[tokio::test]
async fn the_openapi_document_lists_the_map_routes() {
    let t = TestApp::new().await;
    let spec = t.get("/api/v1/openapi.json").await.json();
    for (path, method) in [
        ("/api/v1/briefings/{slug}/map/layers/{layer}/{date}", "post"),
        ("/api/v1/briefings/{slug}/map/layers/{layer}/{date}", "get"),
        ("/api/v1/briefings/{slug}/map/layers/{layer}/change", "get"),
        ("/api/v1/briefings/{slug}/map/layers/{layer}/series", "get"),
        ("/api/v1/briefings/{slug}/map/layers", "get"),
    ] {
        assert!(spec["paths"][path][method].is_object(), "{method} {path} is documented");
    }
    assert!(
        spec["paths"]["/api/v1/briefings/{slug}/map/layers/{layer}/{date}"]["post"]["responses"]["413"].is_object()
    );
}

#[tokio::test]
async fn hostile_property_strings_never_reach_a_page() {
    let t = TestApp::new().await;
    let tok = t.with_briefing().await;
    for (i, h) in hostile_corpus().into_iter().enumerate() {
        let mut layer = square_cw(35.7, 47.3, 0.1 + i as f64 * 0.001);
        layer["features"][0]["properties"] = json!({"name": h, "description": h, "styleUrl": h});
        layer["name"] = json!(h);
        let date = format!("2025-03-{:02}", 1 + i % 12);
        let r = import(&t, &tok, &date, layer).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        if let Some(found) = find_active_content(&r.text()) {
            panic!("the import's answer carries active content: {found}");
        }
    }
    // A KML layer with a hostile name and description.
    for h in hostile_corpus() {
        let esc = h.replace('&', "&amp;").replace('<', "&lt;");
        let kml = format!(
            "<kml><Document><name>{esc}</name><Placemark><name>{esc}</name><description><![CDATA[{h}]]></description><Polygon><outerBoundaryIs><LinearRing><coordinates>35.7,47.3 35.9,47.3 35.9,47.5 35.7,47.3</coordinates></LinearRing></outerBoundaryIs></Polygon></Placemark></Document></kml>"
        );
        let r = raw(
            &t,
            &tok,
            "/api/v1/briefings/war/map/layers/contested/2025-03-01",
            &[],
            kml,
        )
        .await;
        assert!(
            r.status.is_success() || r.status == StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            r.text()
        );
    }
    let mut pages = vec![
        t.get("/b/war/map").await.text(),
        t.get("/b/war/map?layer=contested").await.text(),
    ];
    for d in 1..=12 {
        pages.push(t.get(&format!("/b/war/map?date=2025-03-{d:02}")).await.text());
    }
    let ev = t.get("/api/v1/briefings/war/events?after=0").await.json();
    for e in ev["events"].as_array().expect("events") {
        pages.push(e["html"].as_str().unwrap_or("").to_string());
    }
    for p in &pages {
        // Outside text could land only in the main part (the head and the site's frame are the server's own).
        let main = match (p.find("<main"), p.find("</main>")) {
            (Some(a), Some(b)) => &p[a..b + 7],
            _ => p.as_str(),
        };
        let p = &without_own_scripts(main);
        if let Some(found) = find_active_content(p) {
            panic!("a map page carries active content: {found}");
        }
        for h in hostile_corpus() {
            if h.len() > 12 && h.contains('<') {
                assert!(!p.contains(h), "a hostile string reached a page unescaped: {h}");
            }
        }
    }
}

/// The page without the server's own markup that the checker counts as active: its `<script src="/static/…">`
/// tags, and the SVG drawings, which are built from numbers (each checked here to hold no outside text). Its
/// forms are kept, their form-control tags renamed (`support::page_for_checking`): the checker reads their
/// attributes like any other.
fn without_own_scripts(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    loop {
        let next = [
            ("<script src=\"/static/", "</script>"),
            ("<svg", "</svg>"),
            ("<form", "</form>"),
        ]
        .iter()
        .filter_map(|(open, close)| rest.find(open).map(|i| (i, *close)))
        .min_by_key(|(i, _)| *i);
        let Some((i, close)) = next else { break };
        out.push_str(&rest[..i]);
        let end = rest[i..].find(close).expect("closes") + i + close.len();
        let block = &rest[i..end];
        if close == "</form>" {
            // The page's own form is kept for the checker, its form-control tags renamed so that what it
            // would flag as a tag is not flagged, while every attribute (values, handlers, actions) still is.
            out.push_str(&crate::support::page_for_checking(block));
        }
        if close == "</svg>" {
            let handler = block.split_whitespace().any(|w| w.starts_with("on") && w.contains('='));
            assert!(
                !block.contains("script") && !handler && !block.contains("href"),
                "{block}"
            );
            for h in hostile_corpus() {
                assert!(h.len() < 4 || !block.contains(h), "outside text in a drawing: {h}");
            }
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

#[tokio::test]
async fn editors_upload_on_the_desk_form() {
    let t = TestApp::new().await;
    t.with_briefing().await;
    let cookie = t.login("eda", PASSWORD).await;
    let form = t.get_cookie("/desk/b/war/map", &cookie).await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.text());
    let csrf = form_csrf(&form.text());
    let layer = square_cw(35.7, 47.3, 0.1).to_string();
    let r = t
        .post_form(
            "/desk/b/war/map",
            &cookie,
            &[
                ("csrf", &csrf),
                ("layer", "occupied"),
                ("date", "2025-03-01"),
                ("geojson", &layer),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert!(
        r.text().contains("Stored occupied for 2025-03-01 (revision 1)"),
        "{}",
        r.text()
    );
    assert!(r.text().contains("reoriented"), "the repair report is shown");
    let r = t
        .post_form(
            "/desk/b/war/map",
            &cookie,
            &[
                ("csrf", &csrf),
                ("layer", "occupied"),
                ("date", "2025-03-01"),
                ("geojson", "{\"type\": \"Point\""),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text());
    assert!(r.text().contains("role=\"alert\""));
    let r = t
        .post_form(
            "/desk/b/war/map",
            &cookie,
            &[
                ("csrf", "forged"),
                ("layer", "occupied"),
                ("date", "2025-03-01"),
                ("geojson", &layer),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

/// The desk's upload page (`/desk/b/{slug}/map`) with hostile text in every field it takes and echoes: the
/// layer name, the date, and the file (GeoJSON feature names and properties, KML names, text that is no
/// layer at all); its answers (the import report, the errors) and the page's own form are checked, form
/// attributes included.
#[tokio::test]
async fn hostile_input_on_the_desk_upload_page_is_inert() {
    let t = TestApp::new().await;
    t.with_briefing().await;
    let cookie = t.login("eda", PASSWORD).await;
    let csrf = form_csrf(&t.get_cookie("/desk/b/war/map", &cookie).await.text());
    let mut pages = Vec::new();
    let mut stored = 0;
    for (i, h) in hostile_corpus().into_iter().enumerate() {
        let mut layer = square_cw(35.7, 47.3, 0.1 + i as f64 * 0.001);
        layer["features"][0]["properties"] = json!({"name": h, "description": h});
        layer["name"] = json!(h);
        let esc = h.replace('&', "&amp;").replace('<', "&lt;");
        let kml = format!(
            "<kml><Document><name>{esc}</name><Placemark><name>{esc}</name><description><![CDATA[{h}]]></description><Polygon><outerBoundaryIs><LinearRing><coordinates>35.7,47.3 35.9,47.3 35.9,47.5 35.7,47.3</coordinates></LinearRing></outerBoundaryIs></Polygon></Placemark></Document></kml>"
        );
        let date = format!("2025-02-{:02}", 1 + i % 28);
        let good = layer.to_string();
        for (what, layer_name, date, file) in [
            ("properties", "occupied", date.as_str(), good.as_str()),
            ("KML names", "contested", date.as_str(), kml.as_str()),
            ("layer name", h, date.as_str(), good.as_str()),
            ("date", "occupied", h, good.as_str()),
            ("file", "occupied", date.as_str(), h),
        ] {
            let r = t
                .post_form(
                    "/desk/b/war/map",
                    &cookie,
                    &[
                        ("csrf", &csrf),
                        ("layer", layer_name),
                        ("date", date),
                        ("geojson", file),
                    ],
                )
                .await;
            assert_ne!(r.status, StatusCode::FORBIDDEN, "{what} {i}");
            assert!(!r.status.is_server_error(), "{what} {i}: {}", r.text());
            if r.status == StatusCode::OK {
                stored += 1;
            }
            pages.push((format!("{what} {i}"), r.text()));
        }
    }
    assert!(
        stored >= hostile_corpus().len(),
        "the layers with hostile properties were stored: {stored}"
    );
    pages.push(("the form".into(), t.get_cookie("/desk/b/war/map", &cookie).await.text()));
    for (what, p) in &pages {
        let main = match (p.find("<main"), p.find("</main>")) {
            (Some(a), Some(b)) => &p[a..b + 7],
            _ => p.as_str(),
        };
        assert!(main.contains("<form"), "{what}: the page has its form");
        let checked = without_own_scripts(main);
        assert!(checked.contains("<x-form"), "{what}: the form is checked, not dropped");
        if let Some(found) = find_active_content(&checked) {
            panic!("{what}: the desk's map page carries active content: {found}");
        }
        for h in hostile_corpus() {
            if h.len() > 12 && h.contains('<') {
                assert!(
                    !checked.contains(h),
                    "{what}: a hostile string reached the page unescaped: {h}"
                );
            }
        }
    }
}
