//! Who is asking: session cookies, API tokens and CSRF tokens (the sign-in limit is in `signin`).

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, header};
use axum::response::{IntoResponse, Redirect, Response};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use livebrief_model::{Role, Timestamp, User};
use sha2::Sha256;
use subtle::ConstantTimeEq;

use crate::error::ApiError;
use crate::state::AppState;

pub const SESSION_COOKIE: &str = "lb_session";
pub const PRE_SESSION_COOKIE: &str = "lb_pre";
pub const CSRF_HEADER: &str = "x-csrf-token";
/// How long a form stays valid.
pub const CSRF_TTL_SECS: i64 = 12 * 3600;

pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim_matches('"'))
}

pub fn set_cookie(name: &str, value: &str, max_age_secs: i64, secure: bool) -> String {
    format!(
        "{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}{}",
        if secure { "; Secure" } else { "" }
    )
}

/// How the request proved who it is.
#[derive(Debug, Clone)]
pub enum Via {
    /// A browser session; state-changing requests must carry a CSRF token bound to it.
    Session { token: String },
    /// `Authorization: Bearer` API token; not a browser, so no CSRF.
    ApiToken,
}

#[derive(Debug, Clone)]
pub struct Viewer {
    pub user: User,
    pub via: Via,
}

impl Viewer {
    /// What CSRF tokens of this viewer are bound to.
    pub fn csrf_binding(&self) -> Vec<u8> {
        match &self.via {
            Via::Session { token } => livebrief_app::token_hash(token),
            Via::ApiToken => Vec::new(),
        }
    }
}

async fn viewer_from(parts: &Parts, state: &AppState) -> Result<Option<Viewer>, ApiError> {
    if let Some(auth) = parts.headers.get(header::AUTHORIZATION) {
        let token = auth
            .to_str()
            .ok()
            .and_then(|v| v.strip_prefix("Bearer "))
            .ok_or_else(|| ApiError::new("unauthorized", "Authorization must be 'Bearer <token>'"))?;
        return match state.app.api_token_user(token.trim()).await? {
            Some(user) => Ok(Some(Viewer {
                user,
                via: Via::ApiToken,
            })),
            None => Err(ApiError::new("unauthorized", "unknown API token")),
        };
    }
    if let Some(token) = cookie(&parts.headers, SESSION_COOKIE)
        && let Some(user) = state.app.session_user(token).await?
    {
        return Ok(Some(Viewer {
            user,
            via: Via::Session {
                token: token.to_string(),
            },
        }));
    }
    Ok(None)
}

/// The signed-in user, if any. API callers with a bad token get 401 rather than silently nothing.
pub struct MaybeViewer(pub Option<Viewer>);

impl FromRequestParts<AppState> for MaybeViewer {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        Ok(MaybeViewer(viewer_from(parts, state).await?))
    }
}

/// An API caller that must be signed in. Session callers of state-changing methods must send the
/// CSRF token (header `X-CSRF-Token`).
pub struct ApiViewer(pub Viewer);

impl FromRequestParts<AppState> for ApiViewer {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let v = viewer_from(parts, state).await?.ok_or_else(ApiError::unauthorized)?;
        if matches!(v.via, Via::Session { .. }) && !matches!(parts.method, Method::GET | Method::HEAD) {
            let token = parts
                .headers
                .get(CSRF_HEADER)
                .and_then(|h| h.to_str().ok())
                .unwrap_or("");
            state.csrf.verify(token, &v.csrf_binding(), state.app.now())?;
        }
        Ok(ApiViewer(v))
    }
}

/// A desk page visitor: signed in by session, else sent to the login form.
pub struct DeskViewer(pub Viewer);

impl FromRequestParts<AppState> for DeskViewer {
    type Rejection = Response;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        match viewer_from(parts, state).await {
            Ok(Some(v)) => Ok(DeskViewer(v)),
            Ok(None) => {
                let next = parts.uri.path_and_query().map(|p| p.as_str()).unwrap_or("/desk");
                let mut q = url::form_urlencoded::Serializer::new(String::new());
                q.append_pair("next", next);
                Err(Redirect::to(&format!("/login?{}", q.finish())).into_response())
            }
            Err(e) => Err(e.into_response()),
        }
    }
}

pub fn require_role(v: &Viewer, role: Role) -> Result<(), ApiError> {
    if v.user.role >= role {
        Ok(())
    } else {
        Err(ApiError::new("forbidden", format!("this needs the {role} role")))
    }
}

/// CSRF tokens: `{expiry}.{mac}`, the MAC binding the expiry to the session (or pre-session cookie).
/// Stateless, so nothing is stored per form.
pub struct Csrf {
    key: Vec<u8>,
}

impl Csrf {
    pub fn new(key: Vec<u8>) -> Self {
        Csrf { key }
    }

    fn mac(&self, binding: &[u8], expiry: i64) -> Vec<u8> {
        // HMAC takes keys of any length; new_from_slice cannot fail for it.
        let mut m =
            <Hmac<Sha256> as Mac>::new_from_slice(&self.key).unwrap_or_else(|_| unreachable!("hmac accepts any key"));
        m.update(b"livebrief-csrf-v1\0");
        m.update(&expiry.to_be_bytes());
        m.update(binding);
        m.finalize().into_bytes()[..18].to_vec()
    }

    pub fn issue(&self, binding: &[u8], now: Timestamp) -> String {
        let expiry = now.as_second() + CSRF_TTL_SECS;
        format!("{expiry}.{}", URL_SAFE_NO_PAD.encode(self.mac(binding, expiry)))
    }

    pub fn verify(&self, token: &str, binding: &[u8], now: Timestamp) -> Result<(), ApiError> {
        let fail = |m: &str| ApiError::new("csrf_failed", m.to_string());
        if token.is_empty() {
            return Err(fail("the form has no CSRF token; reload the page and try again"));
        }
        let (exp, mac) = token
            .split_once('.')
            .ok_or_else(|| fail("the CSRF token is malformed"))?;
        let exp: i64 = exp.parse().map_err(|_| fail("the CSRF token is malformed"))?;
        let mac = URL_SAFE_NO_PAD
            .decode(mac)
            .map_err(|_| fail("the CSRF token is malformed"))?;
        if !bool::from(mac.ct_eq(&self.mac(binding, exp))) {
            return Err(fail("the CSRF token does not match this session"));
        }
        if exp <= now.as_second() {
            return Err(fail("the form has expired; reload the page and try again"));
        }
        Ok(())
    }
}
