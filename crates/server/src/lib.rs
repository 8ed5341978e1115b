//! The HTTP edge of livebrief. Only this crate knows HTTP, HTML, SSE and the JSON wire types.

pub mod api;
mod assets;
pub mod auth;
pub mod cache;
pub mod config;
pub mod conn;
mod desk;
pub mod error;
pub mod feeds;
pub mod maps;
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

use std::convert::Infallible;
use std::future::Ready;
use std::task::{Context, Poll};

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::handler::Handler;
use axum::http::{HeaderValue, Method, Request, header};
use axum::middleware::{from_fn, from_fn_with_state};
use axum::response::{IntoResponse, Response};
use axum::routing::future::RouteFuture;
use axum::routing::{MethodRouter, get, post};
use bytes::Bytes;
use futures_util::future::Either;

pub use config::Config;
pub use state::AppState;

/// A route the server answers: its method and path template (`/b/{slug}/e/{id}`).
pub type Route = (Method, String);

/// The whole application: pages, desk, live stream, feeds, API, operations.
pub fn router(state: AppState) -> Site {
    let router = build()
        .0
        .fallback(ops::fallback)
        .method_not_allowed_fallback(ops::method_not_allowed)
        .layer(DefaultBodyLimit::max(state.config.max_body_bytes))
        .layer(from_fn_with_state(state.clone(), auth::same_origin))
        .layer(from_fn_with_state(state.clone(), ops::edge))
        .with_state(state.clone());
    Site { state, router }
}

/// The application as a service: a cached live page or feed of the current version is answered from
/// memory before routing (`cache::hit`: every reader a CDN misses lands there); every other request goes
/// through the router.
#[derive(Clone)]
pub struct Site {
    state: AppState,
    router: Router,
}

impl Site {
    /// The answer to `req` from the render cache, if it has one (see `cache::hit`).
    pub fn cached<B>(&self, req: &Request<B>) -> Option<Response> {
        cache::hit(&self.state, req)
    }
}

impl<B> tower::Service<Request<B>> for Site
where
    B: http_body::Body<Data = Bytes> + Send + 'static,
    B::Error: Into<axum::BoxError>,
{
    type Response = Response;
    type Error = Infallible;
    type Future = Either<Ready<Result<Response, Infallible>>, RouteFuture<Infallible>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, req: Request<B>) -> Self::Future {
        match self.cached(&req) {
            Some(resp) => Either::Left(std::future::ready(Ok(resp))),
            None => Either::Right(self.router.call(req)),
        }
    }
}

/// Every route of [`router`], listed from the same calls that build it (the API's from its OpenAPI
/// document, which utoipa builds from the same handler list as the API router). The authorisation matrix
/// test (`tests/it/authz.rs`) needs an entry for each.
pub fn routes() -> Vec<Route> {
    build().1
}

/// Routes registered one method at a time, each recorded.
struct Routes {
    router: Router<AppState>,
    list: Vec<Route>,
}

impl Routes {
    fn new(router: Router<AppState>) -> Self {
        Routes {
            router,
            list: Vec::new(),
        }
    }

    fn add(mut self, method: Method, path: &'static str, route: MethodRouter<AppState>) -> Self {
        self.list.push((method, path.to_string()));
        self.router = self.router.route(path, route);
        self
    }

    fn get<H: Handler<T, AppState>, T: 'static>(self, path: &'static str, h: H) -> Self {
        self.add(Method::GET, path, get(h))
    }

    fn post<H: Handler<T, AppState>, T: 'static>(self, path: &'static str, h: H) -> Self {
        self.add(Method::POST, path, post(h))
    }
}

/// The methods and paths of an OpenAPI document.
fn documented(openapi: &utoipa::openapi::OpenApi) -> Vec<Route> {
    let mut out = Vec::new();
    for (path, item) in &openapi.paths.paths {
        for (method, op) in [
            (Method::GET, &item.get),
            (Method::POST, &item.post),
            (Method::PUT, &item.put),
            (Method::PATCH, &item.patch),
            (Method::DELETE, &item.delete),
            (Method::HEAD, &item.head),
            (Method::OPTIONS, &item.options),
            (Method::TRACE, &item.trace),
        ] {
            if op.is_some() {
                out.push((method, path.clone()));
            }
        }
    }
    out
}

/// The router without its state, fallbacks and outer layers, and the list of its routes. Register every
/// route through `Routes` (or, for the API, utoipa's `routes!`): a route added with a bare `Router::route`
/// would be missing from [`routes`] and so from the authorisation matrix.
fn build() -> (Router<AppState>, Vec<Route>) {
    let (api, openapi) = api::router();
    let mut list = documented(&openapi);
    let spec = Bytes::from(
        openapi
            .to_pretty_json()
            .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}")),
    );
    let api = Routes::new(api).get("/api/v1/openapi.json", move || {
        let spec = spec.clone();
        async move {
            (
                [(header::CONTENT_TYPE, HeaderValue::from_static("application/json"))],
                spec,
            )
                .into_response()
        }
    });
    list.extend(api.list);
    let api = api.router.layer(from_fn(api::etag_layer));
    let site = Routes::new(Router::new())
        .get("/", pages::index)
        .get("/b/{slug}", pages::briefing_page)
        .get("/b/{slug}/e/{id}", pages::entry_page)
        .get("/b/{slug}/events", sse::stream)
        .get("/b/{slug}/feed.atom", feeds::atom_feed)
        .get("/b/{slug}/feed.json", feeds::json_feed_handler)
        .get("/b/{slug}/quotes", quotes::quotes_page)
        .get("/b/{slug}/map", maps::map_page)
        .get("/b/{slug}/quotes/{id}", quotes::speaker_page)
        .get("/b/{slug}/quotes/{id}/feed.atom", quotes::feed::speaker_feed)
        .get("/static/{name}", assets::serve)
        .get("/favicon.ico", assets::favicon)
        .get("/login", desk::login_form)
        .post("/login", desk::login)
        .post("/logout", desk::logout)
        .get("/desk", desk::home)
        .post("/desk/briefings", desk::create_briefing)
        .get("/desk/tokens", tokens::page)
        .post("/desk/tokens", tokens::create)
        .post("/desk/tokens/{id}/revoke", tokens::revoke)
        .get("/desk/b/{slug}", desk::briefing)
        .post("/desk/b/{slug}/entries", desk::create_entry)
        .get("/desk/e/{id}/edit", desk::edit_form)
        .post("/desk/e/{id}/edit", desk::edit)
        .get("/desk/e/{id}/revisions", desk::revisions)
        .post("/desk/e/{id}/{action}", desk::action)
        .get("/desk/b/{slug}/inbox", newsroom::inbox::inbox)
        .get("/desk/b/{slug}/events", newsroom::events::stream)
        .get("/desk/b/{slug}/sources", newsroom::sources::show)
        .post("/desk/b/{slug}/sources", newsroom::sources::add)
        .post("/desk/b/{slug}/sources/import", newsroom::sources::import)
        .get("/desk/b/{slug}/sources.opml", newsroom::sources::export)
        .get("/desk/d/{id}", newsroom::development::show)
        .get("/desk/d/{id}/row", newsroom::inbox::row)
        .post("/desk/d/{id}/{action}", newsroom::development::act)
        .post("/desk/sources/{id}/{action}", newsroom::sources::act)
        .post("/desk/jobs/{id}/retry", newsroom::sources::retry_job)
        .get("/desk/speakers", quotes::desk::speakers)
        .get("/desk/b/{slug}/map", maps::desk_form)
        .add(
            Method::POST,
            "/desk/b/{slug}/map",
            post(maps::desk_upload).layer(DefaultBodyLimit::max(livebrief_app::maps::MAX_LAYER_BYTES)),
        )
        .post("/desk/speakers/{id}/{action}", quotes::desk::act)
        .get("/healthz", ops::healthz)
        .get("/readyz", ops::readyz)
        .get("/metrics", ops::metrics);
    list.extend(site.list);
    (site.router.merge(api), list)
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
