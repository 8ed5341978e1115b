use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use livebrief_server::error::CODES;

use crate::support::TestApp;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn openapi_document_matches_the_routes() {
    let t = TestApp::new().await;
    let spec = t.get("/api/v1/openapi.json").await.json();
    assert_eq!(spec["openapi"], "3.1.0");
    let paths = spec["paths"].as_object().expect("paths");
    let mut operations = 0;
    for (path, item) in paths {
        assert!(path.starts_with("/api/v1/"), "{path}");
        for (method, _) in item.as_object().expect("path item") {
            let m = Method::from_bytes(method.to_uppercase().as_bytes()).expect("method");
            let concrete = path.replace("{slug}", "no-such-briefing").replace("{id}", "987654");
            let mut req = Request::builder().method(m.clone()).uri(&concrete);
            if m != Method::GET {
                req = req.header("content-type", "application/json");
            }
            let r = t
                .send(
                    req.body(Body::from(if m == Method::GET { "" } else { "{}" }))
                        .expect("req"),
                )
                .await;
            assert_ne!(
                r.status,
                StatusCode::METHOD_NOT_ALLOWED,
                "{method} {path} is documented but not routed"
            );
            if r.status == StatusCode::NOT_FOUND {
                assert!(
                    !r.text().contains("no route"),
                    "{method} {path} is documented but not routed: {}",
                    r.text()
                );
            }
            operations += 1;
        }
    }
    assert!(operations >= 18, "only {operations} operations documented");
    // Routes the server has are documented (the API router and the spec come from one handler list; this
    // checks the important ones by name).
    for p in [
        "/api/v1/briefings",
        "/api/v1/briefings/{slug}/entries",
        "/api/v1/entries/{id}/revisions",
        "/api/v1/entries/{id}/retract",
        "/api/v1/briefings/{slug}/events",
        "/api/v1/tokens",
        "/api/v1/tokens/{id}",
    ] {
        assert!(paths.contains_key(p), "{p} is not documented");
    }
    let codes = spec["components"]["schemas"]["ErrorCode"]["enum"]
        .as_array()
        .expect("error codes listed");
    assert_eq!(codes.len(), CODES.len());
    assert!(spec["components"]["securitySchemes"]["bearer"].is_object());
}
