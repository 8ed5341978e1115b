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

/// "In the future" means a date that has begun nowhere yet: at 22:30 UTC it is already the next day in Kyiv
/// (and further east), so that day's layer is taken; the day after is refused.
#[tokio::test]
async fn a_layer_dated_today_anywhere_on_earth_is_not_in_the_future() {
    let t = TestApp::new().await; // 2025-03-13T09:00Z
    let tok = t.with_briefing().await;
    let ok = square_cw(35.7, 47.3, 0.1);
    let r = import(&t, &tok, "2025-03-15", ok.clone()).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    assert!(r.text().contains("in the future"), "{}", r.text());
    t.tick(13 * 3600 + 30 * 60); // 22:30 UTC: 00:30 on the 14th in Kyiv
    let r = import(&t, &tok, "2025-03-14", ok.clone()).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let r = import(&t, &tok, "2025-03-15", ok).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
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

/// Where each item of the live page's stream stands: `e:{headline}` for an entry, `m:{date}` for a map card.
fn stream_order(html: &str) -> Vec<String> {
    let start = html.find("id=\"entries\"").expect("the stream");
    let end = html[start..].find("</section>").expect("its end") + start;
    let part = &html[start..end];
    let mut out = Vec::new();
    let mut rest = part;
    while let Some(i) = rest.find("<article") {
        let tag_end = rest[i..].find('>').expect("tag") + i;
        let tag = &rest[i..tag_end];
        if let Some(k) = tag.find("data-map-key=\"occupied-") {
            out.push(format!("m:{}", &tag[k + 23..k + 33]));
        } else {
            let h = rest[tag_end..].find("class=\"entry-headline\"").expect("headline") + tag_end;
            let text = &rest[h..];
            let a = text.find('>').expect(">") + 1;
            let b = text.find("</h2>").expect("</h2>");
            out.push(format!("e:{}", &text[a..b]));
        }
        rest = &rest[tag_end..];
    }
    out
}

/// The link to the next page of the stream.
fn next_link(html: &str) -> Option<String> {
    let i = html.find("class=\"older\" href=\"")? + "class=\"older\" href=\"".len();
    Some(html[i..i + html[i..].find('"')?].replace("&amp;", "&"))
}

/// A reader who reloads (or comes later, or reads without JavaScript) sees the map cards the open pages got over
/// SSE, among the entries at the time of their date's first import, in both orders and across pages; a corrected
/// date keeps its place with the corrected figures; the cached page follows a new layer; topic pages and the
/// feeds stay entries only.
#[tokio::test]
async fn map_cards_stand_in_the_live_page_after_a_reload() {
    let t = TestApp::new().await; // five items a page
    let tok = t.with_briefing().await;
    t.publish(&tok, "A", json!({})).await;
    assert_eq!(
        import(&t, &tok, "2025-03-01", square_cw(35.70, 47.30, 0.10))
            .await
            .status,
        StatusCode::CREATED
    );
    t.tick(60);
    t.publish(&tok, "B", json!({"topics": ["Energy"]})).await;
    let r = import(&t, &tok, "2025-03-02", square_cw(35.70, 47.30, 0.20)).await;
    assert_eq!(r.status, StatusCode::CREATED);
    let net_before = r.json()["change"]["net_km2"].as_f64().expect("net");
    t.tick(60);
    for h in ["C", "D", "E", "F"] {
        t.publish(&tok, h, json!({})).await;
    }
    let first = t.get("/b/war").await.text();
    assert_eq!(stream_order(&first), ["e:F", "e:E", "e:D", "e:C", "m:2025-03-02"]);
    // The no-JS page carries the whole card: the drawing and the figures.
    assert!(first.contains("Map update: the occupied area on 2025-03-02"), "{first}");
    assert!(first.contains("class=\"map-thumb\"><svg") && first.contains("since 2025-03-01:"));
    let next = next_link(&first).expect("older entries");
    assert!(next.contains(".m"), "the page ends at a card: {next}");
    let second = t.get(&next).await.text();
    assert_eq!(stream_order(&second), ["e:B", "m:2025-03-01", "e:A"]);
    assert!(next_link(&second).is_none(), "nothing older");

    let oldest = t.get("/b/war?order=oldest").await.text();
    assert_eq!(
        stream_order(&oldest),
        ["e:A", "m:2025-03-01", "e:B", "m:2025-03-02", "e:C"]
    );
    let later = t.get(&next_link(&oldest).expect("later entries")).await.text();
    assert_eq!(stream_order(&later), ["e:D", "e:E", "e:F"]);
    assert!(next_link(&later).is_none());

    // A correction of day 1: its card keeps its place with the new revision's figures, and day 2's card (and the
    // series) counts from the corrected day.
    let r = import(&t, &tok, "2025-03-01", square_cw(35.70, 47.30, 0.15)).await;
    assert_eq!(r.json()["layer"]["revision"], 2);
    let area = r.json()["layer"]["area_km2"].as_f64().expect("area");
    let second = t.get(&next).await.text();
    assert_eq!(stream_order(&second), ["e:B", "m:2025-03-01", "e:A"]);
    let area_text = format!("Area {}", thousands(area));
    assert!(second.contains(&area_text), "{area_text} in {second}");
    let series = t.get("/api/v1/briefings/war/map/layers/occupied/series").await.json();
    let net_after = series["daily"][0]["net_km2"].as_f64().expect("net");
    assert!(net_after < net_before - 50.0, "{net_before} → {net_after}");
    let first = t.get("/b/war").await.text();
    assert!(
        first.contains(&format!("net +{} km²", thousands(net_after))),
        "day 2's card counts from the corrected day 1 ({net_after}): {first}"
    );

    // The cached default page follows a new layer at once: its card is on top.
    t.tick(60);
    assert_eq!(
        import(&t, &tok, "2025-03-03", square_cw(35.70, 47.30, 0.25))
            .await
            .status,
        StatusCode::CREATED
    );
    let top = t.get("/b/war").await.text();
    assert_eq!(stream_order(&top)[..2], ["m:2025-03-03", "e:F"]);
    assert_eq!(stream_order(&top).len(), 5);

    // A topic page has no map cards (they have no topics); the feeds list entries only.
    assert_eq!(stream_order(&t.get("/b/war?topic=Energy").await.text()), ["e:B"]);
    for feed in ["/b/war/feed.atom", "/b/war/feed.json"] {
        let f = t.get(feed).await.text();
        assert!(f.contains("F: body text") && !f.contains("Map update"), "{feed}: {f}");
    }
    assert_eq!(t.get("/b/war?cursor=12.mx").await.status, StatusCode::BAD_REQUEST);
}

/// "12,345.67": how the page writes a figure.
fn thousands(v: f64) -> String {
    let s = format!("{:.2}", v.abs());
    let (int, frac) = s.split_once('.').expect("point");
    let mut out = String::new();
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    format!("{out}.{frac}")
}

/// The current layers of `occupied` by date, decoded, as the store holds them.
async fn stored_layers(t: &TestApp) -> Vec<(livebrief_model::MapLayer, livebrief_map::MultiPolygon)> {
    let (b, _) = t.state.app.briefing("war").expect("briefing");
    t.state
        .app
        .store()
        .map_layers(b.id, "occupied", true)
        .await
        .expect("layers")
        .into_iter()
        .map(|l| {
            let g = livebrief_app::maps::decode(&l.geometry).expect("decodes");
            (l, g)
        })
        .collect()
}

/// The stored change figures between current layers, by (from date, to date), each checked against the change
/// computed afresh from the two layers' geometry.
async fn stored_figures(t: &TestApp) -> Vec<(String, String)> {
    let (b, _) = t.state.app.briefing("war").expect("briefing");
    let layers = stored_layers(t).await;
    let find = |id: livebrief_model::MapLayerId| layers.iter().find(|(l, _)| l.id == id).expect("a current layer");
    let mut out = Vec::new();
    for c in t
        .state
        .app
        .store()
        .layer_changes(b.id, "occupied")
        .await
        .expect("changes")
    {
        let ((from, old), (to, new)) = (find(c.from), find(c.to));
        let fresh = livebrief_map::change(old, new, &livebrief_map::ChangeOptions::default());
        assert_eq!(
            c.figures,
            livebrief_app::maps::figures(&fresh),
            "{} to {}",
            from.date,
            to.date
        );
        out.push((from.date.to_string(), to.date.to_string()));
    }
    out.sort();
    out
}

fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
    v.iter()
        .map(|(a, b)| (format!("2025-{a}"), format!("2025-{b}")))
        .collect()
}

/// Each import stores its date's change from the previous date, the next date's change from it, and the week's
/// and month's changes it ends, with the layer; a correction stores its own and the next date's; an import between
/// two dates too. Every stored figure equals a fresh computation, and the series API, read from them, equals the
/// map crate's series computed from the geometry.
#[tokio::test]
async fn change_figures_are_stored_with_each_import() {
    let t = TestApp::new().await;
    let tok = t.with_briefing().await;
    // 2025-03-01 and 03-02 are the end of ISO week 9, 03-03 and 03-04 the start of week 10.
    for (date, size) in [("2025-03-01", 0.10), ("2025-03-02", 0.20), ("2025-03-04", 0.30)] {
        let r = import(&t, &tok, date, square_cw(35.70, 47.30, size)).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    }
    assert_eq!(
        stored_figures(&t).await,
        pairs(&[("03-01", "03-02"), ("03-01", "03-04"), ("03-02", "03-04")]),
        "daily, the month's (03-01 to 03-04) and week 10's (03-02 to 03-04)"
    );
    // Between two dates: its change, the next date's from it, and week 10's now from 03-02 to 03-04 through it.
    let r = import(&t, &tok, "2025-03-03", square_cw(35.70, 47.30, 0.25)).await;
    assert_eq!(r.json()["change"]["from"], "2025-03-02", "{}", r.text());
    let figures = stored_figures(&t).await;
    for want in pairs(&[("03-02", "03-03"), ("03-03", "03-04")]) {
        assert!(figures.contains(&want), "{want:?} in {figures:?}");
    }
    // A correction of 03-02: its change from 03-01, 03-03's from it and week 10's from it; the old revision's
    // pairs are not read.
    let r = import(&t, &tok, "2025-03-02", square_cw(35.70, 47.30, 0.12)).await;
    assert_eq!(r.json()["layer"]["revision"], 2);
    assert_eq!(
        stored_figures(&t).await,
        pairs(&[
            ("03-01", "03-02"),
            ("03-01", "03-04"),
            ("03-02", "03-03"),
            ("03-02", "03-04"),
            ("03-03", "03-04")
        ]),
        "daily, week 9's (the first daily), week 10's (03-02 to 03-04), the month's"
    );
    let layers = stored_layers(&t).await;
    let refs: Vec<_> = layers.iter().map(|(l, g)| (l.date, g)).collect();
    let expect = livebrief_map::out::series_json(
        &livebrief_map::series(&refs, &livebrief_map::ChangeOptions::default()),
        livebrief_map::UKRAINE_KM2,
    );
    let got = t.get("/api/v1/briefings/war/map/layers/occupied/series").await.json();
    assert_eq!(got["daily"].as_array().map(Vec::len), Some(3), "{got}");
    assert_eq!(got["weekly"].as_array().map(Vec::len), Some(2), "{got}");
    assert_eq!(got, expect);
}

/// Layers stored before figures were kept (none stored for them): the first view computes the missing ones and
/// stores them; the page shows what is stored (a pair given made-up figures shows them).
#[tokio::test]
async fn figures_missing_for_older_layers_are_computed_once_and_stored() {
    let t = TestApp::new().await;
    t.with_briefing().await;
    let store = t.state.app.store().clone();
    let (b, _) = t.state.app.briefing("war").expect("briefing");
    let (eda, _) = store.user_by_name("eda").await.expect("read").expect("eda");
    let mut ids = Vec::new();
    for (day, size) in [(1, 0.10), (2, 0.20), (3, 0.25)] {
        let bytes = square_cw(35.70, 47.30, size).to_string();
        let g = livebrief_map::read_layer(
            bytes.as_bytes(),
            &livebrief_map::Limits::DEFAULT,
            &livebrief_map::RepairOptions::default(),
        )
        .expect("layer")
        .geometry;
        let geometry = livebrief_app::maps::encode(&g);
        let decoded = livebrief_app::maps::decode(&geometry).expect("decodes");
        let new = livebrief_model::NewMapLayer {
            briefing_id: b.id,
            layer: "occupied".into(),
            date: livebrief_model::Date::constant(2025, 3, day),
            encoding: livebrief_app::maps::ENCODING.into(),
            geometry,
            area_km2: livebrief_map::area_km2(&decoded),
            vertices: 4,
            repairs: Vec::new(),
            imported_by: eda.id,
            imported_by_name: eda.name.clone(),
            change_from_previous: None,
            change_to_next: None,
        };
        let (l, _) = store.save_map_layer(&new, t.state.app.now()).await.expect("save");
        ids.push(l.id);
    }
    assert!(stored_figures(&t).await.is_empty(), "as before the migration");
    let made_up = livebrief_model::ChangeFigures {
        gained_km2: 12345.67,
        lost_km2: 0.5,
        gained_parts: 1,
        lost_parts: 1,
        slivers_dropped: 0,
    };
    store
        .save_layer_changes(&[livebrief_model::LayerChange {
            from: ids[0],
            to: ids[1],
            figures: made_up,
        }])
        .await
        .expect("save");
    let page = t.get("/b/war/map").await.text();
    assert!(
        page.contains("12,345.67 km²"),
        "the page reads the stored figures: {page}"
    );
    // The map page needs the daily figures only: the missing one was computed and stored.
    let stored = store.layer_changes(b.id, "occupied").await.expect("changes");
    assert_eq!(stored.len(), 2, "{stored:?}");
    let computed = stored.iter().find(|c| c.from == ids[1]).expect("02 to 03");
    assert_eq!(computed.to, ids[2]);
    assert!(
        (computed.figures.gained_km2 - 0.0225e4 * 0.83).abs() < 30.0,
        "{computed:?}"
    );
    // The series API adds the month's (03-01 to 03-03; week 9's and week 10's are daily pairs).
    let s = t.get("/api/v1/briefings/war/map/layers/occupied/series").await.json();
    assert_eq!(s["daily"][0]["gained_km2"], 12345.67, "{s}");
    assert_eq!(store.layer_changes(b.id, "occupied").await.expect("changes").len(), 3);
    // Asked again: nothing new to compute, the same answer.
    assert_eq!(
        t.get("/api/v1/briefings/war/map/layers/occupied/series").await.json(),
        s
    );
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
