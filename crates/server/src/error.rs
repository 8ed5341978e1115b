//! The one error type of the HTTP edge. Codes are stable API: add, never rename.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use livebrief_app::AppError;

/// Every error code the API can return, with its HTTP status. Listed once, here, and in the OpenAPI document.
pub const CODES: &[(&str, u16, &str)] = &[
    ("bad_request", 400, "The request is malformed (query, form or path)."),
    (
        "invalid_json",
        400,
        "The body is not valid JSON or does not match the schema.",
    ),
    (
        "validation_failed",
        422,
        "The values break a rule (length, format, state).",
    ),
    ("unauthorized", 401, "No valid session or API token."),
    ("bad_credentials", 401, "Wrong user name or password."),
    ("forbidden", 403, "Your role may not do this."),
    (
        "csrf_failed",
        403,
        "The form's CSRF token is missing, forged or expired; reload the form.",
    ),
    (
        "invalid_layer",
        422,
        "The map layer cannot be used: an unknown geometry, an empty layer, unrepairable geometry (the message names the place and the reason).",
    ),
    ("not_found", 404, "No such briefing, entry or route."),
    ("method_not_allowed", 405, "The route exists but not for this method."),
    (
        "request_timeout",
        408,
        "The request body did not arrive in time; the connection is closed.",
    ),
    ("conflict", 409, "The resource changed meanwhile or the name is taken."),
    (
        "payload_too_large",
        413,
        "The body is larger than the configured limit.",
    ),
    ("unsupported_media_type", 415, "Send application/json."),
    ("rate_limited", 429, "Too many failed attempts; wait before retrying."),
    (
        "too_many_streams",
        429,
        "Too many live streams open from your address, or in all; close one or retry later.",
    ),
    ("internal", 500, "Something failed on our side; it was logged."),
    (
        "unavailable",
        503,
        "The server is shutting down, not ready, or busy; try again later.",
    ),
];

#[derive(Debug)]
pub struct ApiError {
    pub code: &'static str,
    pub message: String,
    pub retry_after: Option<u64>,
    /// With a `conflict` over something that exists already (a report's URL): its id.
    pub existing_id: Option<i64>,
}

impl ApiError {
    pub fn new(code: &'static str, message: impl Into<String>) -> Self {
        debug_assert!(CODES.iter().any(|(c, ..)| *c == code), "unlisted error code {code}");
        ApiError {
            code,
            message: message.into(),
            retry_after: None,
            existing_id: None,
        }
    }
    pub fn status(&self) -> StatusCode {
        CODES
            .iter()
            .find(|(c, ..)| *c == self.code)
            .and_then(|(_, s, _)| StatusCode::from_u16(*s).ok())
            .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }
    pub fn not_found(what: &str) -> Self {
        ApiError::new("not_found", format!("{what} not found"))
    }
    pub fn unauthorized() -> Self {
        ApiError::new("unauthorized", "sign in or send an API token")
    }
    pub fn bad_request(m: impl Into<String>) -> Self {
        ApiError::new("bad_request", m)
    }
    pub fn internal(e: impl std::fmt::Display) -> Self {
        tracing::error!(error = %e, "internal error");
        ApiError::new("internal", "internal error")
    }
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        match e {
            AppError::NotFound(what) => ApiError::not_found(what),
            AppError::Invalid(m) => ApiError::new("validation_failed", m),
            AppError::Forbidden(m) => ApiError::new("forbidden", m),
            AppError::Conflict(m) => ApiError::new("conflict", m),
            AppError::ReportTaken { id, message } => {
                let mut e = ApiError::new("conflict", message);
                e.existing_id = Some(id.0);
                e
            }
            AppError::BadCredentials => ApiError::new("bad_credentials", "wrong user name or password"),
            AppError::Busy => {
                let mut e = ApiError::new("unavailable", "The server is busy; try again in a moment.");
                e.retry_after = Some(1);
                e
            }
            AppError::Unavailable(m) => {
                tracing::warn!(error = %m, "store unavailable; answered 503");
                let mut e = ApiError::new("unavailable", "The database is unavailable; try again in a moment.");
                e.retry_after = Some(2);
                e
            }
            AppError::Store(e) => ApiError::internal(e),
        }
    }
}

impl From<livebrief_store::StoreError> for ApiError {
    fn from(e: livebrief_store::StoreError) -> Self {
        AppError::from(e).into()
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        let mut body = serde_json::json!({"error": {"code": self.code, "message": self.message}});
        if let Some(id) = self.existing_id {
            body["error"]["existing_id"] = id.into();
        }
        let mut resp = (status, axum::Json(body)).into_response();
        if let Some(s) = self.retry_after {
            resp.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(s));
        }
        resp
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
