//! The HTTP edge of livebrief. Only this crate knows HTTP, HTML, SSE and the JSON wire types.

pub mod api;
mod assets;
pub mod auth;
pub mod config;
pub mod conn;
mod desk;
pub mod error;
pub mod feeds;
mod metrics;
mod newsroom;
mod newsroom_api;
pub mod ops;
pub mod pages;
pub mod peer;
pub mod quotes;
pub mod signin;
pub mod sse;
pub mod state;
pub mod streams;
pub mod tokens;
pub mod views;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderValue, header};
use axum::middleware::{from_fn, from_fn_with_state};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use bytes::Bytes;

pub use config::Config;
pub use state::AppState;

/// The whole application as one router: pages, desk, live stream, feeds, API, operations.
pub fn router(state: AppState) -> Router {
    let (api, openapi) = api::router();
    let spec = Bytes::from(
        openapi
            .to_pretty_json()
            .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}")),
    );
    let api = api
        .route(
            "/api/v1/openapi.json",
            get(move || {
                let spec = spec.clone();
                async move {
                    (
                        [(header::CONTENT_TYPE, HeaderValue::from_static("application/json"))],
                        spec,
                    )
                        .into_response()
                }
            }),
        )
        .layer(from_fn(api::etag_layer));
    Router::new()
        .route("/", get(pages::index))
        .route("/b/{slug}", get(pages::briefing_page))
        .route("/b/{slug}/e/{id}", get(pages::entry_page))
        .route("/b/{slug}/events", get(sse::stream))
        .route("/b/{slug}/feed.atom", get(feeds::atom_feed))
        .route("/b/{slug}/feed.json", get(feeds::json_feed_handler))
        .route("/b/{slug}/quotes", get(quotes::quotes_page))
        .route("/b/{slug}/quotes/{id}", get(quotes::speaker_page))
        .route("/b/{slug}/quotes/{id}/feed.atom", get(quotes::feed::speaker_feed))
        .route("/static/{name}", get(assets::serve))
        .route("/favicon.ico", get(assets::favicon))
        .route("/login", get(desk::login_form).post(desk::login))
        .route("/logout", post(desk::logout))
        .route("/desk", get(desk::home))
        .route("/desk/briefings", post(desk::create_briefing))
        .route("/desk/tokens", get(tokens::page).post(tokens::create))
        .route("/desk/tokens/{id}/revoke", post(tokens::revoke))
        .route("/desk/b/{slug}", get(desk::briefing))
        .route("/desk/b/{slug}/entries", post(desk::create_entry))
        .route("/desk/e/{id}/edit", get(desk::edit_form).post(desk::edit))
        .route("/desk/e/{id}/revisions", get(desk::revisions))
        .route("/desk/e/{id}/{action}", post(desk::action))
        .route("/desk/b/{slug}/inbox", get(newsroom::inbox::inbox))
        .route("/desk/b/{slug}/events", get(newsroom::events::stream))
        .route(
            "/desk/b/{slug}/sources",
            get(newsroom::sources::show).post(newsroom::sources::add),
        )
        .route("/desk/b/{slug}/sources/import", post(newsroom::sources::import))
        .route("/desk/b/{slug}/sources.opml", get(newsroom::sources::export))
        .route("/desk/d/{id}", get(newsroom::development::show))
        .route("/desk/d/{id}/row", get(newsroom::inbox::row))
        .route("/desk/d/{id}/{action}", post(newsroom::development::act))
        .route("/desk/sources/{id}/{action}", post(newsroom::sources::act))
        .route("/desk/jobs/{id}/retry", post(newsroom::sources::retry_job))
        .route("/desk/speakers", get(quotes::desk::speakers))
        .route("/desk/speakers/{id}/{action}", post(quotes::desk::act))
        .route("/healthz", get(ops::healthz))
        .route("/readyz", get(ops::readyz))
        .route("/metrics", get(ops::metrics))
        .merge(api)
        .fallback(ops::fallback)
        .method_not_allowed_fallback(ops::method_not_allowed)
        .layer(DefaultBodyLimit::max(state.config.max_body_bytes))
        .layer(from_fn_with_state(state.clone(), auth::same_origin))
        .layer(from_fn_with_state(state.clone(), ops::edge))
        .with_state(state)
}

/// Serves until the state's shutdown token is cancelled, then lets requests in flight finish for
/// `shutdown_grace_secs` (live streams end at once), closes what is still open, and returns. Slow and
/// idle clients are cut off by the limits in `conn`.
pub async fn serve(state: AppState, listener: tokio::net::TcpListener) -> std::io::Result<()> {
    conn::serve(state, listener).await
}

/// Sets up logging as the config says; `LIVEBRIEF_LOG` (an env-filter) overrides the level.
pub fn init_logging(config: &Config) {
    use tracing_subscriber::EnvFilter;
    let filter = std::env::var("LIVEBRIEF_LOG")
        .ok()
        .and_then(|f| EnvFilter::try_new(f).ok())
        .unwrap_or_else(|| EnvFilter::new(&config.log_level));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = match config.log_format {
        config::LogFormat::Json => builder.json().flatten_event(true).try_init(),
        config::LogFormat::Text => builder.try_init(),
    };
}
