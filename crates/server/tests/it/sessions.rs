//! Issue 11, items 5 and 8: login CSRF (pre-session cookie, token purposes, Origin and Sec-Fetch-Site) and
//! API tokens that end (listing, expiry, revocation, password changes), with the desk streams they opened.

use std::time::{Duration, Instant};

use axum::http::{Method, StatusCode};
use livebrief_model::Role;
use serde_json::json;

use crate::sse::SseClient;
use crate::support::{PASSWORD, TestApp, form_csrf, post_form_to, serve};

/// How long an open stream may outlive the credential it was opened with (the bound).
const STREAM_END_BOUND: Duration = Duration::from_secs(5);

/// Reads the stream until it ends; how long that took. Panics if it is still open after twice the bound.
async fn time_to_end(stream: &mut SseClient) -> Duration {
    let start = Instant::now();
    let ended = tokio::time::timeout(STREAM_END_BOUND * 2, async {
        while stream.next_block().await.is_some() {}
    })
    .await;
    assert!(
        ended.is_ok(),
        "the stream was still open after {:?}",
        STREAM_END_BOUND * 2
    );
    start.elapsed()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_desk_token_minted_with_a_bearer_token_cannot_sign_anyone_in() {
    let t = TestApp::new().await;
    // The attacker's own account and API token.
    let attacker = t.user("mallory", Role::Contributor).await;
    let desk = t
        .get_with("/desk", &[("authorization", &format!("Bearer {attacker}"))])
        .await;
    assert_eq!(desk.status, StatusCode::OK);
    let minted = form_csrf(&desk.text());
    let fields = [("csrf", minted.as_str()), ("name", "mallory"), ("password", PASSWORD)];
    // A cross-site form carries no pre-session cookie of the victim's browser that the token is bound to.
    let r = t.post_form("/login", "", &fields).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text());
    assert!(r.header("set-cookie").is_empty(), "no session was made");
    // Nor does the desk token pass with some pre-session cookie: it is bound to another value and purpose.
    let (pre, _) = t.login_form().await;
    let r = t.post_form("/login", &pre, &fields).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text());
    // The login form's own token without its cookie is refused too.
    let (_, login_csrf) = t.login_form().await;
    let r = t
        .post_form(
            "/login",
            "",
            &[("csrf", &login_csrf), ("name", "mallory"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text());
    // The real flow: GET /login, then POST with its cookie and token.
    let r = t
        .post_form(
            "/login",
            &pre,
            &[
                ("csrf", &t.login_form_with(&pre).await),
                ("name", "mallory"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_login_token_is_not_a_desk_token() {
    let t = TestApp::new().await;
    t.user("eda", Role::Editor).await;
    let session = t.login("eda", PASSWORD).await;
    // A login form fetched with the session cookie: its token is bound to the pre-session cookie, for signing in.
    let (pre, login_csrf) = t.login_form().await;
    let cookie = format!("{session}; {pre}");
    let r = t
        .post_form(
            "/desk/briefings",
            &cookie,
            &[("csrf", &login_csrf), ("title", "T"), ("slug", "t")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text());
    let desk_csrf = form_csrf(&t.get_cookie("/desk", &session).await.text());
    let r = t
        .post_form(
            "/desk/briefings",
            &cookie,
            &[("csrf", &desk_csrf), ("title", "T"), ("slug", "t"), ("language", "en")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cross_site_form_posts_are_refused() {
    let t = TestApp::new().await;
    t.user("eda", Role::Editor).await;
    let addr = serve(&t).await;
    let (pre, csrf) = t.login_form().await;
    let fields = [("csrf", csrf.as_str()), ("name", "eda"), ("password", PASSWORD)];
    let origin_here = format!("http://{addr}");
    for (headers, expected) in [
        (vec![("Cookie", pre.as_str()), ("Origin", "https://evil.example")], 403),
        (vec![("Cookie", pre.as_str()), ("Origin", "null")], 403),
        (vec![("Cookie", pre.as_str()), ("Sec-Fetch-Site", "cross-site")], 403),
        // The configured base URL's origin, the Host's, and no Origin at all are this site.
        (
            vec![("Cookie", pre.as_str()), ("Origin", "https://briefs.example.org")],
            303,
        ),
        (
            vec![
                ("Cookie", pre.as_str()),
                ("Origin", origin_here.as_str()),
                ("Sec-Fetch-Site", "same-origin"),
            ],
            303,
        ),
        (vec![("Cookie", pre.as_str())], 303),
    ] {
        let r = post_form_to(addr, "/login", &headers, &fields).await;
        assert_eq!(r.status.as_u16(), expected, "{headers:?}: {}", r.text());
    }
    // A signed-in editor's desk form, posted from another site with the right token, is refused as well.
    let session = t.login("eda", PASSWORD).await;
    let desk_csrf = form_csrf(&t.get_cookie("/desk", &session).await.text());
    let r = post_form_to(
        addr,
        "/desk/briefings",
        &[("Cookie", &session), ("Sec-Fetch-Site", "cross-site")],
        &[("csrf", &desk_csrf), ("title", "T"), ("slug", "t")],
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(t.state.app.briefing("t").is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tokens_are_listed_with_their_dates_and_never_their_secret() {
    let t = TestApp::new().await;
    let first = t.user("eda", Role::Editor).await;
    let r = t
        .api(
            Method::POST,
            "/api/v1/tokens",
            Some(&first),
            Some(json!({"name": "wire", "expires_in_days": 30})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let created = r.json();
    let secret = created["token"].as_str().expect("secret").to_string();
    assert!(secret.starts_with(created["prefix"].as_str().expect("prefix")));
    assert_eq!(
        created["expires_at"], "2025-04-12T09:00:00Z",
        "30 days from the clock's now"
    );
    let r = t
        .api(
            Method::POST,
            "/api/v1/tokens",
            Some(&first),
            Some(json!({"name": "x", "expires_in_days": 400})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "at most a year");
    t.tick(120);
    assert_eq!(
        t.api(Method::GET, "/api/v1/me", Some(&secret), None).await.status,
        StatusCode::OK
    );
    let r = t.api(Method::GET, "/api/v1/tokens", Some(&secret), None).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(!r.text().contains(&secret), "the secret is never listed");
    assert!(!r.text().contains(&first), "the secret is never listed");
    let list = r.json();
    let list = list.as_array().expect("list");
    assert_eq!(list.len(), 2);
    let wire = &list[0];
    assert_eq!(wire["name"], "wire");
    assert_eq!(wire["user"], "eda");
    assert_eq!(wire["created_at"], "2025-03-13T09:00:00Z");
    assert_eq!(wire["last_used_at"], "2025-03-13T09:02:00Z");
    assert_eq!(wire["expires_at"], "2025-04-12T09:00:00Z");
    assert_eq!(wire["state"], "active");
    assert_eq!(wire["prefix"].as_str().map(str::len), Some(9));
    assert_eq!(list[1]["expires_at"], "2025-06-11T09:00:00Z", "the default is 90 days");
    // Another user sees only their own; an admin may see all.
    let other = t.user("cole", Role::Contributor).await;
    let r = t.api(Method::GET, "/api/v1/tokens", Some(&other), None).await;
    assert_eq!(r.json().as_array().map(Vec::len), Some(1));
    assert_eq!(
        t.api(Method::GET, "/api/v1/tokens?all=true", Some(&other), None)
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let admin = t.user("ada", Role::Admin).await;
    let r = t.api(Method::GET, "/api/v1/tokens?all=true", Some(&admin), None).await;
    assert_eq!(r.json().as_array().map(Vec::len), Some(4));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_token_is_refused() {
    let t = TestApp::new().await;
    let tok = t.user("eda", Role::Editor).await;
    let r = t
        .api(
            Method::POST,
            "/api/v1/tokens",
            Some(&tok),
            Some(json!({"name": "short", "expires_in_days": 1})),
        )
        .await;
    let short = r.json()["token"].as_str().expect("token").to_string();
    t.tick(23 * 3600);
    assert_eq!(
        t.api(Method::GET, "/api/v1/me", Some(&short), None).await.status,
        StatusCode::OK
    );
    t.tick(3600);
    let r = t.api(Method::GET, "/api/v1/me", Some(&short), None).await;
    assert_eq!(
        (r.status, r.code().as_str()),
        (StatusCode::UNAUTHORIZED, "unauthorized")
    );
    let list = t.api(Method::GET, "/api/v1/tokens", Some(&tok), None).await.json();
    assert_eq!(list[0]["state"], "expired");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoked_token_is_refused_and_its_desk_stream_ends_within_five_seconds() {
    let t = TestApp::new().await;
    let keeper = t.with_briefing().await;
    let r = t
        .api(
            Method::POST,
            "/api/v1/tokens",
            Some(&keeper),
            Some(json!({"name": "streamer"})),
        )
        .await;
    let (id, tok) = (
        r.json()["id"].as_i64().expect("id"),
        r.json()["token"].as_str().expect("token").to_string(),
    );
    let (addr, _task) = crate::sse::serve(&t).await;
    let bearer = format!("Bearer {tok}");
    let (status, mut stream) = SseClient::connect_with(addr, "/desk/b/war/events", &[("Authorization", &bearer)]).await;
    assert_eq!(status, 200);
    assert_eq!(stream.next_block().await.as_deref(), Some("retry: 3000"));
    // Someone else cannot revoke it (it is not theirs to see).
    let other = t.user("cole", Role::Contributor).await;
    let r = t
        .api(Method::DELETE, &format!("/api/v1/tokens/{id}"), Some(&other), None)
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = t
        .api(Method::DELETE, &format!("/api/v1/tokens/{id}"), Some(&keeper), None)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()["state"], "revoked");
    let r = t.api(Method::GET, "/api/v1/me", Some(&tok), None).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "the next call after revocation");
    let took = time_to_end(&mut stream).await;
    assert!(
        took <= STREAM_END_BOUND,
        "the revoked token's stream ended after {took:?}"
    );
    eprintln!("revoked token's desk stream ended after {took:?}");
    // The other token of the same account still works.
    assert_eq!(
        t.api(Method::GET, "/api/v1/me", Some(&keeper), None).await.status,
        StatusCode::OK
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_password_change_ends_tokens_sessions_and_their_streams() {
    let t = TestApp::new().await;
    let tok = t.with_briefing().await;
    let session = t.login("eda", PASSWORD).await;
    let (addr, _task) = crate::sse::serve(&t).await;
    let (status, mut by_session) = SseClient::connect_with(addr, "/desk/b/war/events", &[("Cookie", &session)]).await;
    assert_eq!(status, 200);
    let bearer = format!("Bearer {tok}");
    let (status, mut by_token) =
        SseClient::connect_with(addr, "/desk/b/war/events", &[("Authorization", &bearer)]).await;
    assert_eq!(status, 200);
    t.state
        .app
        .set_password("eda", "a brand new password")
        .await
        .expect("password changed");
    let r = t.api(Method::GET, "/api/v1/me", Some(&tok), None).await;
    assert_eq!(
        r.status,
        StatusCode::UNAUTHORIZED,
        "tokens made under the old password end"
    );
    assert_eq!(t.get_cookie("/desk", &session).await.status, StatusCode::SEE_OTHER);
    let (a, b) = tokio::join!(time_to_end(&mut by_session), time_to_end(&mut by_token));
    assert!(
        a <= STREAM_END_BOUND && b <= STREAM_END_BOUND,
        "streams ended after {a:?} and {b:?}"
    );
    let list = t.state.app.store().list_api_tokens(None).await.expect("list");
    assert!(list.iter().all(|x| x.superseded), "listed as superseded");
    // A token made after the change works.
    let u = t
        .state
        .app
        .store()
        .user_by_name("eda")
        .await
        .expect("read")
        .expect("user")
        .0;
    let fresh = t.state.app.create_api_token(u.id, "after").await.expect("token");
    assert_eq!(
        t.api(Method::GET, "/api/v1/me", Some(&fresh), None).await.status,
        StatusCode::OK
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logging_out_ends_the_sessions_desk_stream() {
    let t = TestApp::new().await;
    t.with_briefing().await;
    let session = t.login("eda", PASSWORD).await;
    let (addr, _task) = crate::sse::serve(&t).await;
    let (status, mut stream) = SseClient::connect_with(addr, "/desk/b/war/events", &[("Cookie", &session)]).await;
    assert_eq!(status, 200);
    let csrf = form_csrf(&t.get_cookie("/desk", &session).await.text());
    assert_eq!(
        t.post_form("/logout", &session, &[("csrf", &csrf)]).await.status,
        StatusCode::SEE_OTHER
    );
    let took = time_to_end(&mut stream).await;
    assert!(took <= STREAM_END_BOUND, "ended after {took:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_desk_tokens_page_lists_and_revokes() {
    let t = TestApp::new().await;
    let mine = t.user("eda", Role::Editor).await;
    let theirs = t.user("cole", Role::Contributor).await;
    let session = t.login("eda", PASSWORD).await;
    let page = t.get_cookie("/desk/tokens", &session).await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.text();
    assert!(html.contains("Your tokens") && html.contains("lb_"), "{html}");
    assert!(!html.contains(&mine), "never the secret");
    assert!(!html.contains("cole"), "only one's own");
    let csrf = form_csrf(&html);
    let list = t.api(Method::GET, "/api/v1/tokens", Some(&mine), None).await.json();
    let id = list[0]["id"].as_i64().expect("id");
    let theirs_id = t.api(Method::GET, "/api/v1/tokens", Some(&theirs), None).await.json()[0]["id"]
        .as_i64()
        .expect("id");
    // Without the form's token: refused.
    let r = t
        .post_form(&format!("/desk/tokens/{id}/revoke"), &session, &[("csrf", "")])
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // Someone else's: not found.
    let r = t
        .post_form(
            &format!("/desk/tokens/{theirs_id}/revoke"),
            &session,
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = t
        .post_form(&format!("/desk/tokens/{id}/revoke"), &session, &[("csrf", &csrf)])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    assert_eq!(
        t.api(Method::GET, "/api/v1/me", Some(&mine), None).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        t.api(Method::GET, "/api/v1/me", Some(&theirs), None).await.status,
        StatusCode::OK
    );
    let html = t.get_cookie("/desk/tokens?done=revoked", &session).await.text();
    assert!(html.contains("Token revoked.") && html.contains("revoked"), "{html}");
    // A new one from the page, with its expiry.
    let r = t
        .post_form(
            "/desk/tokens",
            &session,
            &[("csrf", &csrf), ("name", "desk made"), ("expires_in_days", "7")],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.text().contains("shown once"), "{}", r.text());
    // An admin sees everyone's.
    t.user("ada", Role::Admin).await;
    let admin = t.login("ada", PASSWORD).await;
    let html = t.get_cookie("/desk/tokens", &admin).await.text();
    assert!(
        html.contains("Everyone") && html.contains("cole") && html.contains("eda"),
        "{html}"
    );
}
