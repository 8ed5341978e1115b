//! Who is asking: session cookies, API tokens and CSRF tokens (the sign-in limit is in `signin`).

use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, header};
use axum::middleware::Next;
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
    /// The SHA-256 of the secret the request was signed in with (session cookie or API token): what its
    /// CSRF tokens are bound to, and what a live stream checks again to end when the credential ends.
    pub key: Vec<u8>,
}

impl Viewer {
    /// What CSRF tokens of this viewer are bound to: the hash of its own credential, never empty (a form
    /// on a desk page viewed with an API token is bound to that token, not to nothing).
    pub fn csrf_binding(&self) -> Vec<u8> {
        self.key.clone()
    }

    /// Whether the credential this viewer signed in with still holds (not logged out, revoked, expired or
    /// ended by a password change). Store errors count as "still holds": a stream is not cut for a hiccup.
    pub async fn still_valid(&self, state: &AppState) -> bool {
        let r = match self.via {
            Via::Session { .. } => state.app.session_user_by_hash(&self.key).await,
            Via::ApiToken => state.app.api_token_user_by_hash(&self.key).await,
        };
        !matches!(r, Ok(None))
    }
}

async fn viewer_from(parts: &Parts, state: &AppState) -> Result<Option<Viewer>, ApiError> {
    if let Some(auth) = parts.headers.get(header::AUTHORIZATION) {
        let token = auth
            .to_str()
            .ok()
            .and_then(|v| v.strip_prefix("Bearer "))
            .ok_or_else(|| ApiError::new("unauthorized", "Authorization must be 'Bearer <token>'"))?;
        let token = token.trim();
        return match state.app.api_token_user(token).await? {
            Some(user) => Ok(Some(Viewer {
                user,
                via: Via::ApiToken,
                key: livebrief_app::token_hash(token),
            })),
            None => Err(ApiError::new("unauthorized", "unknown, revoked or expired API token")),
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
            key: livebrief_app::token_hash(token),
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

/// What a CSRF token is for. A token of one purpose is never accepted for the other: a desk form's token
/// (bound to a session or an API token) cannot sign anyone in, and the login form's cannot change anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// The sign-in form, bound to the pre-session cookie.
    Login,
    /// Forms and API calls of a signed-in viewer, bound to its credential.
    Session,
}

impl Purpose {
    fn label(self) -> &'static [u8] {
        match self {
            Purpose::Login => b"livebrief-csrf-v2\0login\0",
            Purpose::Session => b"livebrief-csrf-v2\0session\0",
        }
    }
}

/// CSRF tokens: `{expiry}.{mac}`, the MAC binding purpose and expiry to the session (or the pre-session
/// cookie). Stateless, so nothing is stored per form. An empty binding is never issued nor accepted.
pub struct Csrf {
    key: Vec<u8>,
}

impl Csrf {
    pub fn new(key: Vec<u8>) -> Self {
        Csrf { key }
    }

    fn mac(&self, purpose: Purpose, binding: &[u8], expiry: i64) -> Vec<u8> {
        // HMAC takes keys of any length; new_from_slice cannot fail for it.
        let mut m =
            <Hmac<Sha256> as Mac>::new_from_slice(&self.key).unwrap_or_else(|_| unreachable!("hmac accepts any key"));
        m.update(purpose.label());
        m.update(&expiry.to_be_bytes());
        m.update(binding);
        m.finalize().into_bytes()[..18].to_vec()
    }

    /// A token for a signed-in viewer's forms (`binding` is [`Viewer::csrf_binding`]).
    pub fn issue(&self, binding: &[u8], now: Timestamp) -> String {
        self.issue_for(Purpose::Session, binding, now)
    }

    /// Checks a signed-in viewer's form token.
    pub fn verify(&self, token: &str, binding: &[u8], now: Timestamp) -> Result<(), ApiError> {
        self.verify_for(Purpose::Session, token, binding, now)
    }

    pub fn issue_for(&self, purpose: Purpose, binding: &[u8], now: Timestamp) -> String {
        let expiry = now.as_second() + CSRF_TTL_SECS;
        format!(
            "{expiry}.{}",
            URL_SAFE_NO_PAD.encode(self.mac(purpose, binding, expiry))
        )
    }

    pub fn verify_for(&self, purpose: Purpose, token: &str, binding: &[u8], now: Timestamp) -> Result<(), ApiError> {
        let fail = |m: &str| ApiError::new("csrf_failed", m.to_string());
        if binding.is_empty() {
            return Err(fail(match purpose {
                Purpose::Login => "the sign-in form's cookie is missing; open the sign-in page and try again",
                Purpose::Session => "this form is not bound to a session; reload the page and try again",
            }));
        }
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
        if !bool::from(mac.ct_eq(&self.mac(purpose, binding, exp))) {
            return Err(fail("the CSRF token does not match this session"));
        }
        if exp <= now.as_second() {
            return Err(fail("the form has expired; reload the page and try again"));
        }
        Ok(())
    }
}

/// Refuses a state-changing request (any method but GET, HEAD and OPTIONS) that a browser says came from
/// another site: `Sec-Fetch-Site: cross-site`, or an `Origin` that is neither the configured `base_url`'s
/// origin nor the `Host` the request was sent to (`Origin: null` included). Clients that send neither
/// header (API scripts, old browsers) are judged by the CSRF token alone.
pub async fn same_origin(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS)
        && let Err(e) = check_origin(req.headers(), &state.config.base_url)
    {
        tracing::warn!(
            path = %req.uri().path(),
            origin = ?req.headers().get(header::ORIGIN),
            fetch_site = ?req.headers().get("sec-fetch-site"),
            "cross-site request refused"
        );
        return if req.uri().path().starts_with("/api/") {
            e.into_response()
        } else {
            crate::pages::error_page(&state, e)
        };
    }
    next.run(req).await
}

/// The rule of [`same_origin`], on the headers alone.
pub fn check_origin(headers: &HeaderMap, base: &url::Url) -> Result<(), ApiError> {
    let refuse = |why: &str| ApiError::new("csrf_failed", format!("cross-site request refused: {why}"));
    if headers
        .get("sec-fetch-site")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("cross-site"))
    {
        return Err(refuse("the browser says it came from another site"));
    }
    let Some(origin) = headers.get(header::ORIGIN) else {
        return Ok(());
    };
    let origin = origin.to_str().unwrap_or("").trim();
    if origin.eq_ignore_ascii_case(&base.origin().ascii_serialization()) {
        return Ok(());
    }
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).map(str::trim);
    let origin_authority = url::Url::parse(origin)
        .ok()
        .filter(|u| matches!(u.scheme(), "http" | "https"))
        .and_then(|u| {
            let h = u.host_str()?.to_ascii_lowercase();
            Some(match u.port() {
                Some(p) => format!("{h}:{p}"),
                None => h,
            })
        });
    match (origin_authority, host) {
        (Some(a), Some(h)) if a.eq_ignore_ascii_case(h) => Ok(()),
        _ => Err(refuse("its Origin is not this site")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(list: &[(&str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in list {
            h.append(
                header::HeaderName::from_bytes(k.as_bytes()).expect("name"),
                v.parse().expect("value"),
            );
        }
        h
    }

    #[test]
    fn cross_site_requests_are_refused_and_same_site_ones_pass() {
        let base: url::Url = "https://briefs.example.org/".parse().expect("url");
        for ok in [
            vec![],
            vec![("origin", "https://briefs.example.org")],
            vec![("origin", "http://127.0.0.1:8080"), ("host", "127.0.0.1:8080")],
            vec![
                ("sec-fetch-site", "same-origin"),
                ("origin", "https://briefs.example.org"),
            ],
            vec![("sec-fetch-site", "none")],
        ] {
            assert!(check_origin(&headers(&ok), &base).is_ok(), "{ok:?}");
        }
        for bad in [
            vec![("sec-fetch-site", "cross-site")],
            vec![("origin", "https://evil.example")],
            vec![("origin", "null")],
            vec![("origin", "https://evil.example"), ("host", "briefs.example.org")],
            vec![("origin", "http://127.0.0.1:9999"), ("host", "127.0.0.1:8080")],
            vec![
                ("sec-fetch-site", "cross-site"),
                ("origin", "https://briefs.example.org"),
            ],
        ] {
            assert!(check_origin(&headers(&bad), &base).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn csrf_tokens_of_one_purpose_do_not_pass_for_the_other() {
        let c = Csrf::new(b"key".to_vec());
        let now = Timestamp::from_second(1_700_000_000).expect("ts");
        let login = c.issue_for(Purpose::Login, b"pre-cookie-value", now);
        assert!(c.verify_for(Purpose::Login, &login, b"pre-cookie-value", now).is_ok());
        assert!(
            c.verify_for(Purpose::Session, &login, b"pre-cookie-value", now)
                .is_err()
        );
        let session = c.issue(b"session-hash", now);
        assert!(c.verify(&session, b"session-hash", now).is_ok());
        assert!(c.verify_for(Purpose::Login, &session, b"session-hash", now).is_err());
        // Nothing is bound to an empty value.
        let empty = c.issue_for(Purpose::Login, b"", now);
        assert!(c.verify_for(Purpose::Login, &empty, b"", now).is_err());
    }
}
