//! Operations: health, readiness, metrics, and the edge middleware (security headers, status counts).

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::ApiError;
use crate::pages::error_page;
use crate::state::AppState;

/// No inline script anywhere (JSON-LD is data, not script); frames refused.
const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' https: data:; \
    connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

pub async fn edge(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let mut resp = next.run(req).await;
    state.metrics.observe_status(resp.status().as_u16());
    add_security_headers(resp.headers_mut(), state.config.base_url.scheme() == "https");
    resp
}

/// The headers every response carries (`edge` adds them; the render cache builds them in once).
pub fn add_security_headers(h: &mut HeaderMap, https: bool) {
    if https {
        // Two years, this host only: subdomains may be other people's sites.
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=63072000"),
        );
    }
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("strict-origin-when-cross-origin"),
    );
    h.insert(
        HeaderName::from_static("cross-origin-opener-policy"),
        HeaderValue::from_static("same-origin"),
    );
}

pub async fn healthz() -> &'static str {
    "ok"
}

pub async fn readyz(State(state): State<AppState>) -> Response {
    if state.shutdown.is_cancelled() {
        return (StatusCode::SERVICE_UNAVAILABLE, "shutting down").into_response();
    }
    match state.app.store().last_event_ids().await {
        Ok(_) => "ready".into_response(),
        Err(e) => {
            tracing::error!(error = %e, "readiness check: store unavailable");
            (StatusCode::SERVICE_UNAVAILABLE, "store unavailable").into_response()
        }
    }
}

/// The counters, for a scraper on an allowed network (`metrics_networks`, loopback by default) or an
/// admin; anyone else is told to sign in (401) or that this is not for them (403). In-process requests
/// (tests, no listener) count as local.
pub async fn metrics(State(state): State<AppState>, req: Request) -> Response {
    let (mut parts, _) = req.into_parts();
    let client = crate::peer::client_of(&parts, &state.config.trusted_proxies);
    let local = client.is_none_or(|ip| state.config.metrics_networks.iter().any(|n| n.contains(ip)));
    if !local {
        use axum::extract::FromRequestParts;
        let allowed = match crate::auth::ApiViewer::from_request_parts(&mut parts, &state).await {
            Ok(crate::auth::ApiViewer(v)) => crate::auth::require_role(&v, livebrief_model::Role::Admin),
            Err(e) => Err(e),
        };
        if let Err(e) = allowed {
            return e.into_response();
        }
    }
    let body = state.metrics.encode();
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        body,
    )
        .into_response()
}

pub async fn fallback(State(state): State<AppState>, req: Request) -> Response {
    let path = req.uri().path().to_string();
    let e = ApiError::new("not_found", format!("no route for {path}"));
    if path.starts_with("/api/") {
        e.into_response()
    } else {
        error_page(&state, e)
    }
}

pub async fn method_not_allowed(req: Request) -> Response {
    ApiError::new(
        "method_not_allowed",
        format!("{} is not allowed on {}", req.method(), req.uri().path()),
    )
    .into_response()
}
