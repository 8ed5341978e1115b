//! Small edges a probe found open (issue 11): who reads `/metrics`, HSTS, the page cache and query
//! strings, and text-direction controls in headlines.

use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Method, Request, StatusCode};
use livebrief_model::Role;
use serde_json::json;

use crate::support::TestApp;

/// A GET as if it came over the listener from `peer`.
async fn get_from(t: &TestApp, path: &str, peer: &str, headers: &[(&str, &str)]) -> crate::support::Resp {
    let mut b = Request::get(path);
    for (k, v) in headers {
        b = b.header(*k, *v);
    }
    let mut req = b.body(Body::empty()).expect("req");
    req.extensions_mut()
        .insert(ConnectInfo(peer.parse::<SocketAddr>().expect("addr")));
    t.send(req).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_are_for_the_metrics_networks_and_admins() {
    let t = TestApp::with_config(|c| c.trusted_proxies = vec!["127.0.0.1".parse().expect("net")]).await;
    let admin = t.user("ada", Role::Admin).await;
    let editor = t.user("eda", Role::Editor).await;
    let counters = |r: &crate::support::Resp| r.text().contains("livebrief_");

    // Loopback (a scraper on the machine) and in-process callers read them.
    let local = get_from(&t, "/metrics", "127.0.0.1:40000", &[]).await;
    assert_eq!(local.status, StatusCode::OK);
    assert!(counters(&local), "{}", local.text());
    let v6 = get_from(&t, "/metrics", "[::1]:40000", &[]).await;
    assert_eq!(v6.status, StatusCode::OK);

    // A client elsewhere, directly or through the trusted proxy, does not.
    let far = get_from(&t, "/metrics", "203.0.113.7:40000", &[]).await;
    assert_eq!(far.status, StatusCode::UNAUTHORIZED);
    assert!(!counters(&far));
    let proxied = get_from(&t, "/metrics", "127.0.0.1:40000", &[("x-forwarded-for", "203.0.113.7")]).await;
    assert_eq!(
        proxied.status,
        StatusCode::UNAUTHORIZED,
        "the proxy's client is not local"
    );
    // A client cannot pretend to be local through a header an untrusted peer sent.
    let forged = get_from(&t, "/metrics", "203.0.113.7:40000", &[("x-forwarded-for", "127.0.0.1")]).await;
    assert_eq!(forged.status, StatusCode::UNAUTHORIZED);

    // Signed-in: an editor is refused, an admin reads them from anywhere.
    let ed = get_from(
        &t,
        "/metrics",
        "203.0.113.7:40000",
        &[("authorization", &format!("Bearer {editor}"))],
    )
    .await;
    assert_eq!(ed.status, StatusCode::FORBIDDEN);
    let ad = get_from(
        &t,
        "/metrics",
        "203.0.113.7:40000",
        &[("authorization", &format!("Bearer {admin}"))],
    )
    .await;
    assert_eq!(ad.status, StatusCode::OK);
    assert!(counters(&ad));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_empty_metrics_network_list_leaves_admins_only() {
    let t = TestApp::with_config(|c| c.metrics_networks = Vec::new()).await;
    let r = get_from(&t, "/metrics", "127.0.0.1:40000", &[]).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hsts_is_sent_when_the_site_is_https_and_only_then() {
    let https = TestApp::new().await; // the tests' base URL is https
    let r = https.get("/").await;
    assert_eq!(r.header("strict-transport-security"), "max-age=63072000");
    let http = TestApp::with_config(|c| c.base_url = "http://briefs.example.org/".parse().expect("url")).await;
    assert!(http.get("/").await.headers.get("strict-transport-security").is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_query_string_does_not_bypass_the_page_cache() {
    let t = TestApp::new().await;
    let tok = t.with_briefing().await;
    t.publish(&tok, "First", json!({})).await;
    let hits = |m: &str| -> u64 {
        m.lines()
            .find_map(|l| l.strip_prefix("livebrief_page_cache_hits_total "))
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(0)
    };
    let first = t.get("/b/war").await;
    assert_eq!(first.status, StatusCode::OK);
    let before = hits(&t.get("/metrics").await.text());
    for q in [
        "?x=1",
        "?utm_source=mail&x=2",
        "?order=newest",
        "?topic=&cursor=",
        "?order=+newest+",
    ] {
        let r = t.get(&format!("/b/war{q}")).await;
        assert_eq!(r.status, StatusCode::OK, "{q}");
        assert_eq!(r.body, first.body, "{q} is the default view, served from the cache");
        assert_eq!(r.header("etag"), first.header("etag"), "{q}");
    }
    let after = hits(&t.get("/metrics").await.text());
    assert_eq!(after - before, 5, "each default view was a cache hit");
    // A real filter is still its own rendering.
    let oldest = t.get("/b/war?order=oldest").await;
    assert_eq!(oldest.status, StatusCode::OK);
    assert!(
        oldest.header("etag").is_empty(),
        "filtered views are rendered, not cached"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn text_direction_overrides_are_refused_in_headlines_and_never_reach_a_page() {
    let t = TestApp::new().await;
    let tok = t.with_briefing().await;
    let r = t
        .api(
            Method::POST,
            "/api/v1/briefings/war/entries",
            Some(&tok),
            Some(json!({"headline": "Invoice \u{202E}fdp.exe", "body": "x", "status": "published"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    assert!(r.text().contains("U+202E"), "{}", r.text());
    for bad in ["\u{2066}isolated\u{2069}", "embed\u{202B}ded"] {
        let r = t
            .api(
                Method::POST,
                "/api/v1/briefings/war/entries",
                Some(&tok),
                Some(json!({"headline": bad, "body": "x"})),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad:?}");
    }
    // Right-to-left text itself, and the implicit marks, are fine.
    let ok = t.publish(&tok, "שלום\u{200F} and Київ", json!({})).await;
    assert!(ok["id"].as_i64().is_some());

    // Briefing titles and summaries too.
    let r = t
        .api(
            Method::POST,
            "/api/v1/briefings",
            Some(&tok),
            Some(json!({"slug": "spoof", "title": "War \u{202E}gnikaerb", "language": "en"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    assert!(t.get("/b/spoof").await.status == StatusCode::NOT_FOUND);
}

/// The largest resident set this process has had, in KiB (`VmHWM`), or `None` off Linux.
fn peak_rss_kib() -> Option<u64> {
    std::fs::read_to_string("/proc/self/status")
        .ok()?
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

/// Sixty sign-ins at once from sixty addresses (through a trusted proxy), each with an unknown name so that
/// each would hash: at most `PASSWORD_CHECKS` hashes (19 MiB each) run at once and `PASSWORD_QUEUE` wait,
/// the rest are told to come back (503), and the process's peak memory grows by a bounded amount. Before
/// the bound, sixty hashes ran at once (0.9 GB to 2.0 GB in the probe).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sixty_sign_ins_at_once_are_bounded_in_memory_and_answered() {
    use livebrief_app::{PASSWORD_CHECKS, PASSWORD_QUEUE};
    let t = TestApp::with_config(|c| c.trusted_proxies = vec!["127.0.0.1".parse().expect("net")]).await;
    t.user("eda", Role::Editor).await;
    let (pre, csrf) = t.login_form().await;
    let addr = crate::support::serve(&t).await;
    // One sign-in first, so the hashing code and its buffers are counted in the baseline.
    let warm = crate::support::post_form_to(
        addr,
        "/login",
        &[("Cookie", pre.as_str()), ("X-Forwarded-For", "198.51.100.250")],
        &[
            ("csrf", csrf.as_str()),
            ("name", "nobody-warm"),
            ("password", "wrong password here"),
        ],
    )
    .await;
    assert_eq!(warm.status, StatusCode::UNAUTHORIZED);
    let base = peak_rss_kib();
    let tries: Vec<_> = (0..60)
        .map(|i| {
            let (pre, csrf) = (pre.clone(), csrf.clone());
            tokio::spawn(async move {
                let from = format!("198.51.100.{i}");
                let name = format!("nobody-{i}");
                crate::support::post_form_to(
                    addr,
                    "/login",
                    &[("Cookie", pre.as_str()), ("X-Forwarded-For", from.as_str())],
                    &[
                        ("csrf", csrf.as_str()),
                        ("name", name.as_str()),
                        ("password", "wrong password here"),
                    ],
                )
                .await
                .status
            })
        })
        .collect();
    let mut statuses = Vec::new();
    for t in tries {
        statuses.push(t.await.expect("task"));
    }
    let checked = statuses.iter().filter(|s| **s == StatusCode::UNAUTHORIZED).count();
    let busy = statuses
        .iter()
        .filter(|s| **s == StatusCode::SERVICE_UNAVAILABLE)
        .count();
    assert_eq!(checked + busy, 60, "every sign-in is answered 401 or 503: {statuses:?}");
    assert!(checked >= PASSWORD_CHECKS, "{statuses:?}");
    assert!(
        busy >= 60 - (PASSWORD_CHECKS + PASSWORD_QUEUE) * 3,
        "most are turned away at once: {statuses:?}"
    );
    if let (Some(base), Some(peak)) = (base, peak_rss_kib()) {
        let grew_mib = peak.saturating_sub(base) / 1024;
        // Two work areas of 19 MiB (one per password-check thread) and slack; before, every check left its
        // own 19 MiB behind (+342 MiB here) and sixty at once would be over 1 GiB.
        assert!(grew_mib < 80, "peak memory grew by {grew_mib} MiB");
        eprintln!("sixty sign-ins: {checked} checked, {busy} turned away, peak memory +{grew_mib} MiB");
    }
}

/// What a CDN in front may keep (issue 12, cache-friendly reading): the live page, feeds and anonymous API
/// reads are public for a few seconds and may be served stale while revalidated; a signed-in caller's
/// view is private; every one carries a validator.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reader_outputs_are_cacheable_by_a_shared_cache_and_personal_ones_are_not() {
    let t = TestApp::new().await;
    let tok = t.with_briefing().await;
    t.publish(&tok, "First", json!({})).await;
    for (path, want) in [
        ("/b/war", "public, max-age=5, stale-while-revalidate=30"),
        ("/b/war/feed.atom", "public, max-age=30, stale-while-revalidate=300"),
        ("/b/war/feed.json", "public, max-age=30, stale-while-revalidate=300"),
        (
            "/api/v1/briefings/war/entries",
            "public, max-age=2, stale-while-revalidate=10",
        ),
        (
            "/api/v1/briefings/war/events?after=0",
            "public, max-age=2, stale-while-revalidate=10",
        ),
    ] {
        let r = t.get(path).await;
        assert_eq!(r.status, StatusCode::OK, "{path}");
        assert_eq!(r.header("cache-control"), want, "{path}");
        assert!(!r.header("etag").is_empty(), "{path} has a validator");
        let again = t.get_with(path, &[("if-none-match", &r.header("etag"))]).await;
        assert_eq!(again.status, StatusCode::NOT_MODIFIED, "{path} revalidates");
    }
    let api = t.get("/api/v1/briefings/war/entries").await;
    assert_eq!(api.header("vary"), "Authorization, Cookie");
    let mine = t
        .api(Method::GET, "/api/v1/briefings/war/entries", Some(&tok), None)
        .await;
    assert_eq!(mine.header("cache-control"), "private, no-cache");
}

/// A database that cannot be reached (PostgreSQL restarting) or is busy is a 503 with `Retry-After`, not a
/// 500: nothing was written, and clients and load balancers know to try again.
#[test]
fn an_unreachable_or_busy_database_is_a_503_with_retry_after() {
    use axum::response::IntoResponse;
    use livebrief_server::error::ApiError;
    use livebrief_store::StoreError;
    let down = ApiError::from(StoreError::Unavailable(
        "cannot connect to PostgreSQL at db:5432/x".into(),
    ))
    .into_response();
    assert_eq!(down.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(
        down.headers().get("retry-after").and_then(|v| v.to_str().ok()),
        Some("2")
    );
    let broken = ApiError::from(StoreError::Backend("disk I/O error".into())).into_response();
    assert_eq!(
        broken.status(),
        StatusCode::INTERNAL_SERVER_ERROR,
        "a real failure stays a 500"
    );
    assert!(broken.headers().get("retry-after").is_none());
}
