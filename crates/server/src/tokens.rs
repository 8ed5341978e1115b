//! API tokens: listing, creating and revoking them, on the desk (`/desk/tokens`) and in the API
//! (`/api/v1/tokens`). A token's secret is shown once when it is made; afterwards only its first
//! characters (`prefix`) are ever shown. The rules are in docs/security.md, "API tokens and sessions".

// Desk handlers return `Result<Response, Response>`: the error arm is the finished error page.
#![allow(clippy::result_large_err)]

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use axum::{Form, Json};
use livebrief_model::{ApiToken, Role};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::api::{ApiJson, ErrorBody};
use crate::auth::{ApiViewer, DeskViewer, Viewer, require_role};
use crate::desk::{PageResult, check_csrf, csrf_for, fail, render};
use crate::error::ApiResult;
use crate::state::AppState;
use crate::views::rfc3339;

/// An API token as the API lists it: never the secret.
#[derive(Serialize, ToSchema)]
pub struct TokenDto {
    id: i64,
    name: String,
    /// The owner's user name.
    user: String,
    /// The secret's first characters, to tell tokens apart.
    prefix: String,
    /// RFC 3339.
    created_at: String,
    last_used_at: Option<String>,
    /// When it stops working (RFC 3339); null only for a token stored without an expiry.
    expires_at: Option<String>,
    revoked_at: Option<String>,
    /// `active`, `expired`, `revoked` or `superseded` (the owner's password changed since).
    state: String,
}

impl TokenDto {
    fn of(t: &ApiToken, now: livebrief_model::Timestamp) -> Self {
        TokenDto {
            id: t.id,
            name: t.name.clone(),
            user: t.user_name.clone(),
            prefix: t.prefix.clone(),
            created_at: rfc3339(t.created_at),
            last_used_at: t.last_used_at.map(rfc3339),
            expires_at: t.expires_at.map(rfc3339),
            revoked_at: t.revoked_at.map(rfc3339),
            state: t.state(now).to_string(),
        }
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenInput {
    name: String,
    /// Days until the token stops working: 1 to 365, default 90.
    #[serde(default)]
    expires_in_days: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct TokenCreated {
    id: i64,
    name: String,
    /// Shown once; only its hash is stored.
    token: String,
    prefix: String,
    /// RFC 3339.
    expires_at: Option<String>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TokenListParams {
    /// Admins: everyone's tokens, not only their own.
    #[serde(default)]
    all: bool,
}

#[utoipa::path(get, path = "/api/v1/tokens", tag = "accounts", params(TokenListParams),
    responses((status = 200, body = [TokenDto]), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)), security(("bearer" = [])))]
async fn list_tokens(
    State(state): State<AppState>,
    ApiViewer(v): ApiViewer,
    Query(q): Query<TokenListParams>,
) -> ApiResult<Json<Vec<TokenDto>>> {
    let now = state.app.now();
    let list = state.app.api_tokens(&v.user, q.all).await?;
    Ok(Json(list.iter().map(|t| TokenDto::of(t, now)).collect()))
}

#[utoipa::path(post, path = "/api/v1/tokens", tag = "accounts", request_body = TokenInput,
    responses((status = 201, body = TokenCreated), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
async fn create_token(
    State(state): State<AppState>,
    ApiViewer(v): ApiViewer,
    ApiJson(i): ApiJson<TokenInput>,
) -> ApiResult<(StatusCode, Json<TokenCreated>)> {
    require_role(&v, Role::Contributor)?;
    let (token, t) = state.app.issue_api_token(v.user.id, &i.name, i.expires_in_days).await?;
    Ok((
        StatusCode::CREATED,
        Json(TokenCreated {
            id: t.id,
            name: t.name,
            token,
            prefix: t.prefix,
            expires_at: t.expires_at.map(rfc3339),
        }),
    ))
}

/// Revokes one of your tokens (admins: anyone's). Requests with it are refused from then on, and its open
/// desk streams end within a few seconds.
#[utoipa::path(delete, path = "/api/v1/tokens/{id}", tag = "accounts", params(("id" = i64, Path)),
    responses((status = 200, body = TokenDto), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn revoke_token(
    State(state): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<i64>,
) -> ApiResult<Json<TokenDto>> {
    let t = state.app.revoke_api_token(&v.user, id).await?;
    Ok(Json(TokenDto::of(&t, state.app.now())))
}

/// Adds the token routes to the API router.
pub fn api_routes(r: OpenApiRouter<AppState>) -> OpenApiRouter<AppState> {
    r.routes(routes!(list_tokens, create_token))
        .routes(routes!(revoke_token))
}

/// A token on the desk page.
#[derive(Serialize)]
struct TokenRow {
    #[serde(flatten)]
    t: TokenDto,
    created: String,
    last_used: String,
    expires: String,
    active: bool,
}

async fn tokens_page(
    state: &AppState,
    v: &Viewer,
    status: StatusCode,
    notice: Option<&str>,
    new_token: Option<&str>,
    error: Option<&str>,
) -> PageResult {
    let admin = v.user.role.can_manage_users();
    let now = state.app.now();
    let human = |t: livebrief_model::Timestamp| t.strftime("%Y-%m-%d %H:%M UTC").to_string();
    let list = state.app.api_tokens(&v.user, admin).await.map_err(|e| fail(state, e))?;
    let rows: Vec<TokenRow> = list
        .iter()
        .map(|t| TokenRow {
            t: TokenDto::of(t, now),
            created: human(t.created_at),
            last_used: t.last_used_at.map(human).unwrap_or_else(|| "never".into()),
            expires: t.expires_at.map(human).unwrap_or_else(|| "never".into()),
            active: t.is_active(now),
        })
        .collect();
    Ok(render(
        state,
        status,
        "desk_tokens.html",
        minijinja::context! {
            csrf => csrf_for(state, v),
            tokens => rows,
            admin => admin,
            me => v.user.name.clone(),
            notice => notice,
            new_token => new_token,
            error => error,
            default_days => livebrief_app::API_TOKEN_DEFAULT_DAYS,
            max_days => livebrief_app::API_TOKEN_MAX_DAYS,
        },
    ))
}

#[derive(Deserialize)]
pub struct PageQuery {
    done: Option<String>,
}

pub async fn page(State(state): State<AppState>, DeskViewer(v): DeskViewer, Query(q): Query<PageQuery>) -> PageResult {
    let notice = (q.done.as_deref() == Some("revoked")).then_some("Token revoked.");
    tokens_page(&state, &v, StatusCode::OK, notice, None, None).await
}

#[derive(Deserialize)]
pub struct CreateForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    expires_in_days: String,
}

pub async fn create(State(state): State<AppState>, DeskViewer(v): DeskViewer, Form(f): Form<CreateForm>) -> PageResult {
    check_csrf(&state, &v, &f.csrf)?;
    let days = match f.expires_in_days.trim() {
        "" => None,
        d => match d.parse::<i64>() {
            Ok(n) => Some(n),
            Err(_) => {
                let msg = format!("“{d}” is not a number of days");
                return tokens_page(&state, &v, StatusCode::UNPROCESSABLE_ENTITY, None, None, Some(&msg)).await;
            }
        },
    };
    match state.app.issue_api_token(v.user.id, &f.name, days).await {
        Ok((token, _)) => {
            tokens_page(
                &state,
                &v,
                StatusCode::OK,
                Some("API token created."),
                Some(&token),
                None,
            )
            .await
        }
        Err(livebrief_app::AppError::Invalid(m)) => {
            tokens_page(&state, &v, StatusCode::UNPROCESSABLE_ENTITY, None, None, Some(&m)).await
        }
        Err(e) => Err(fail(&state, e)),
    }
}

#[derive(Deserialize)]
pub struct RevokeForm {
    #[serde(default)]
    csrf: String,
}

pub async fn revoke(
    State(state): State<AppState>,
    DeskViewer(v): DeskViewer,
    Path(id): Path<i64>,
    Form(f): Form<RevokeForm>,
) -> PageResult {
    check_csrf(&state, &v, &f.csrf)?;
    state
        .app
        .revoke_api_token(&v.user, id)
        .await
        .map_err(|e| fail(&state, e))?;
    Ok(Redirect::to("/desk/tokens?done=revoked").into_response())
}
