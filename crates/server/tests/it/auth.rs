use axum::http::StatusCode;
use livebrief_model::Role;

use crate::support::{PASSWORD, TestApp, form_csrf, post_form_to, serve};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_sets_a_safe_session_cookie_and_logout_ends_it() {
    let t = TestApp::new().await;
    t.user("eda", Role::Editor).await;
    assert_eq!(
        t.get("/desk").await.status,
        StatusCode::SEE_OTHER,
        "the desk needs a sign-in"
    );
    let (pre, csrf) = t.login_form().await;
    let r = t
        .post_form(
            "/login",
            &pre,
            &[
                ("csrf", &csrf),
                ("name", "eda"),
                ("password", PASSWORD),
                ("next", "https://evil.example/"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.header("location"), "/desk", "never redirect off-site");
    let set = r.header("set-cookie");
    assert!(
        set.contains("HttpOnly") && set.contains("SameSite=Lax") && set.contains("Path=/"),
        "{set}"
    );
    let session = set.split(';').next().expect("cookie").to_string();
    let desk = t.get_cookie("/desk", &session).await;
    assert_eq!(desk.status, StatusCode::OK);
    assert!(desk.text().contains("Signed in as <strong>eda</strong>"));
    assert_eq!(desk.header("cache-control"), "no-store");

    let csrf = form_csrf(&desk.text());
    let r = t.post_form("/logout", &session, &[("csrf", &csrf)]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        t.get_cookie("/desk", &session).await.status,
        StatusCode::SEE_OTHER,
        "session ended"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn csrf_missing_forged_or_expired_is_refused() {
    let t = TestApp::new().await;
    t.user("eda", Role::Editor).await;
    let session = t.login("eda", PASSWORD).await;
    let fields = |csrf: &str| {
        vec![
            ("csrf", csrf.to_string()),
            ("title", "New".to_string()),
            ("slug", "new".to_string()),
            ("language", "en".to_string()),
        ]
    };
    let post = |csrf: String| {
        let session = session.clone();
        let f = fields(&csrf);
        let t = &t;
        async move {
            let refs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
            t.post_form("/desk/briefings", &session, &refs).await
        }
    };
    let r = post(String::new()).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "missing token");
    let r = post("99999999999.AAAAAAAAAAAAAAAAAAAAAAAA".into()).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "forged token");
    // A token issued for another session is refused too.
    let other = t.login("eda", PASSWORD).await;
    let other_csrf = form_csrf(&t.get_cookie("/desk", &other).await.text());
    assert_eq!(
        post(other_csrf).await.status,
        StatusCode::FORBIDDEN,
        "token of another session"
    );
    let csrf = form_csrf(&t.get_cookie("/desk", &session).await.text());
    t.tick(13 * 3600);
    assert_eq!(post(csrf).await.status, StatusCode::FORBIDDEN, "expired token");
    let fresh = form_csrf(&t.get_cookie("/desk", &session).await.text());
    let r = post(fresh).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    assert!(t.get("/b/new").await.status.is_success(), "the valid form did its work");
    assert_eq!(t.state.app.briefings().len(), 1, "refused forms created nothing");

    // The login form itself is protected.
    let (pre, _) = t.login_form().await;
    let r = t
        .post_form(
            "/login",
            &pre,
            &[("csrf", "1.x"), ("name", "eda"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn repeated_wrong_passwords_are_rate_limited() {
    let t = TestApp::with_config(|c| c.login_max_failures = 3).await;
    t.user("eda", Role::Editor).await;
    let (pre, csrf) = t.login_form().await;
    for i in 0..3 {
        let r = t
            .post_form(
                "/login",
                &pre,
                &[("csrf", &csrf), ("name", "eda"), ("password", "wrong password here")],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "attempt {i}");
        assert!(r.text().contains("Wrong user name or password"));
    }
    let r = t
        .post_form(
            "/login",
            &pre,
            &[("csrf", &csrf), ("name", "eda"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "even the right password waits");
    let wait: u64 = r.header("retry-after").parse().expect("Retry-After seconds");
    assert!(wait > 0 && wait <= 900, "{wait}");
    let metrics = t.get("/metrics").await.text();
    assert!(metrics.contains("livebrief_login_failures_total 3"), "{metrics}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn api_with_session_cookie_needs_csrf_header() {
    let t = TestApp::new().await;
    let tok = t.with_briefing().await;
    let _ = tok;
    let session = t.login("eda", PASSWORD).await;
    let req = |csrf: Option<&str>| {
        let mut b = axum::http::Request::post("/api/v1/briefings/war/entries")
            .header("cookie", &session)
            .header("content-type", "application/json");
        if let Some(c) = csrf {
            b = b.header("x-csrf-token", c);
        }
        b.body(axum::body::Body::from(r#"{"headline": "via cookie"}"#))
            .expect("req")
    };
    let r = t.send(req(None)).await;
    assert_eq!((r.status, r.code().as_str()), (StatusCode::FORBIDDEN, "csrf_failed"));
    let csrf = form_csrf(&t.get_cookie("/desk", &session).await.text());
    let r = t.send(req(Some(&csrf))).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
}

/// A wrong-password sign-in of `eda` over a real connection, with extra headers; the status.
async fn wrong_password(addr: std::net::SocketAddr, pre: &str, csrf: &str, headers: &[(&str, &str)]) -> StatusCode {
    let mut h = vec![("Cookie", pre)];
    h.extend_from_slice(headers);
    let fields = [("csrf", csrf), ("name", "eda"), ("password", "wrong password here")];
    post_form_to(addr, "/login", &h, &fields).await.status
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn parallel_wrong_passwords_get_the_limit_not_one_try_each() {
    let t = TestApp::new().await;
    t.user("eda", Role::Editor).await;
    let (pre, csrf) = t.login_form().await;
    let addr = serve(&t).await;
    let tries: Vec<_> = (0..40)
        .map(|_| {
            let (pre, csrf) = (pre.clone(), csrf.clone());
            tokio::spawn(async move { wrong_password(addr, &pre, &csrf, &[]).await })
        })
        .collect();
    let mut statuses = Vec::new();
    for t in tries {
        statuses.push(t.await.expect("task"));
    }
    let unauthorized = statuses.iter().filter(|s| **s == StatusCode::UNAUTHORIZED).count();
    let limited = statuses.iter().filter(|s| **s == StatusCode::TOO_MANY_REQUESTS).count();
    assert!((1..=5).contains(&unauthorized), "{statuses:?}");
    assert_eq!(unauthorized + limited, 40, "{statuses:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_overlong_name_is_refused_without_being_echoed() {
    let t = TestApp::with_config(|c| c.max_body_bytes = 2 * 1024 * 1024).await;
    t.user("eda", Role::Editor).await;
    let (pre, csrf) = t.login_form().await;
    let name = "x".repeat(900 * 1024);
    let r = t
        .post_form(
            "/login",
            &pre,
            &[("csrf", &csrf), ("name", &name), ("password", "wrong password here")],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.text().contains("at most 64 characters"), "{}", r.text());
    assert!(!r.text().contains(&"x".repeat(300)), "the name is echoed");
    assert!(r.body.len() < 64 * 1024, "{} bytes", r.body.len());
    let metrics = t.get("/metrics").await.text();
    assert!(
        metrics.contains("livebrief_login_failures_total 0"),
        "never checked: {metrics}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hostile_next_after_sign_in_goes_to_the_desk() {
    let t = TestApp::new().await;
    t.user("eda", Role::Editor).await;
    for next in [
        "/desk\n/evil",
        "/\t/evil.example/phish",
        "/%2F/evil.example",
        "/desk/b/war",
    ] {
        let (pre, csrf) = t.login_form().await;
        let r = t
            .post_form(
                "/login",
                &pre,
                &[("csrf", &csrf), ("name", "eda"), ("password", PASSWORD), ("next", next)],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{next:?}: {}", r.text());
        let expected = if next == "/desk/b/war" { next } else { "/desk" };
        assert_eq!(r.header("location"), expected, "{next:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failures_from_one_address_do_not_lock_the_account_for_another() {
    let t = TestApp::with_config(|c| c.trusted_proxies = vec!["127.0.0.1".parse().expect("network")]).await;
    t.user("eda", Role::Editor).await;
    let (pre, csrf) = t.login_form().await;
    let addr = serve(&t).await;
    let from_a = [("X-Forwarded-For", "203.0.113.7")];
    for i in 0..5 {
        assert_eq!(
            wrong_password(addr, &pre, &csrf, &from_a).await,
            StatusCode::UNAUTHORIZED,
            "try {i}"
        );
    }
    assert_eq!(
        wrong_password(addr, &pre, &csrf, &from_a).await,
        StatusCode::TOO_MANY_REQUESTS,
        "A is locked"
    );
    let right = [("csrf", csrf.as_str()), ("name", "eda"), ("password", PASSWORD)];
    let r = post_form_to(
        addr,
        "/login",
        &[("Cookie", &pre), ("X-Forwarded-For", "198.51.100.9")],
        &right,
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "B signs in: {}", r.text());
    // A client behind the proxy cannot pick its address by writing its own header first.
    let r = post_form_to(
        addr,
        "/login",
        &[("Cookie", &pre), ("X-Forwarded-For", "198.51.100.9, 203.0.113.7")],
        &right,
    )
    .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "still A: {}", r.text());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forwarded_for_is_ignored_from_an_untrusted_peer() {
    let t = TestApp::new().await;
    t.user("eda", Role::Editor).await;
    let (pre, csrf) = t.login_form().await;
    let addr = serve(&t).await;
    for i in 0..5 {
        let from = format!("203.0.113.{i}");
        let status = wrong_password(addr, &pre, &csrf, &[("X-Forwarded-For", &from)]).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "try {i}");
    }
    let right = [("csrf", csrf.as_str()), ("name", "eda"), ("password", PASSWORD)];
    let r = post_form_to(
        addr,
        "/login",
        &[("Cookie", &pre), ("X-Forwarded-For", "198.51.100.9")],
        &right,
    )
    .await;
    assert_eq!(
        r.status,
        StatusCode::TOO_MANY_REQUESTS,
        "all from 127.0.0.1: {}",
        r.text()
    );
}

/// Log lines written by the test's subscriber.
#[derive(Clone, Default)]
struct Captured(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("lock").extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

// One thread: the subscriber is this thread's default, and the handler runs here.
#[tokio::test]
async fn a_sign_in_name_cannot_forge_log_lines() {
    let log = Captured::default();
    let sink = log.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_ansi(false)
        .with_writer(move || sink.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let t = TestApp::new().await;
    t.user("eda", Role::Editor).await;
    let (pre, csrf) = t.login_form().await;
    let name = "eve\n2026-01-01T00:00:00Z  INFO livebrief_server::desk: signed in user=admin\x1b[2K";
    let r = t
        .post_form(
            "/login",
            &pre,
            &[("csrf", &csrf), ("name", name), ("password", "wrong password here")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let text = String::from_utf8(log.0.lock().expect("lock").clone()).expect("utf-8");
    assert!(!text.contains('\x1b'), "{text}");
    let failed: Vec<&str> = text.lines().filter(|l| l.contains("failed sign-in")).collect();
    assert_eq!(failed.len(), 1, "{text}");
    assert!(
        failed[0].contains(r#"eve\n2026"#) && failed[0].contains(r"\u{1b}[2K"),
        "{text}"
    );
    assert!(
        !text.lines().any(|l| l.starts_with("2026-01-01")),
        "a forged line: {text}"
    );
}
