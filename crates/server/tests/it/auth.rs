use axum::http::StatusCode;
use livebrief_model::Role;

use crate::support::{PASSWORD, TestApp, form_csrf};

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
