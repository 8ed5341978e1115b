//! The render cache: a briefing's live page and feeds, rendered once per version (the id of its newest public
//! event) and then answered from memory, and the hit path that answers them before routing.
//!
//! Architecture invariant: a cached rendering is served only while its version is the briefing's version in
//! `App` (one read of its map per request), and any public change bumps that version, on this instance or,
//! through the change feed, on another: a cached page is never stale. A hit answers exactly what the routed
//! handler would (the same `Cached::respond`, its headers built once per rendering with the edge's security
//! headers in them), counted in the same metrics.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, Method, Request, StatusCode, header};
use axum::response::Response;
use bytes::Bytes;
use livebrief_model::{Briefing, EventId};

use crate::error::ApiError;
use crate::state::AppState;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CacheKind {
    Page,
    Atom,
    JsonFeed,
}

impl CacheKind {
    const ALL: usize = 3;

    fn index(self) -> usize {
        self as usize
    }
}

/// One cached rendering of a briefing: which cache slot, and how it is served.
pub struct Rendition {
    pub kind: CacheKind,
    pub content_type: &'static str,
    pub cache_control: &'static str,
}

/// A rendering with the complete headers of its two answers, built once.
pub struct Cached {
    pub version: EventId,
    pub body: Bytes,
    pub etag: HeaderValue,
    /// The 200's headers: type, length, validator, caching and the security headers.
    ok: HeaderMap,
    /// The 304's: the same without the type.
    not_modified: HeaderMap,
}

impl Cached {
    pub fn new(version: EventId, body: Bytes, etag: HeaderValue, r: &Rendition, https: bool) -> Cached {
        let mut not_modified = HeaderMap::with_capacity(8);
        not_modified.insert(header::ETAG, etag.clone());
        not_modified.insert(header::CACHE_CONTROL, HeaderValue::from_static(r.cache_control));
        crate::ops::add_security_headers(&mut not_modified, https);
        let mut ok = not_modified.clone();
        ok.insert(header::CONTENT_TYPE, HeaderValue::from_static(r.content_type));
        ok.insert(header::CONTENT_LENGTH, HeaderValue::from(body.len()));
        Cached {
            version,
            body,
            etag,
            ok,
            not_modified,
        }
    }

    /// The bytes with their headers, or a 304 when the client has them.
    pub fn respond(&self, req: &HeaderMap) -> Response {
        let (status, headers, body) = if if_none_match(req, &self.etag) {
            (StatusCode::NOT_MODIFIED, &self.not_modified, Body::empty())
        } else {
            (StatusCode::OK, &self.ok, Body::from(self.body.clone()))
        };
        let mut resp = Response::new(body);
        *resp.status_mut() = status;
        *resp.headers_mut() = headers.clone();
        resp
    }
}

fn if_none_match(headers: &HeaderMap, etag: &HeaderValue) -> bool {
    headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(',')
                .any(|t| t.trim() == "*" || t.trim().trim_start_matches("W/") == etag.to_str().unwrap_or(""))
        })
}

/// The newest rendering of each kind, by briefing slug.
#[derive(Default)]
pub struct PageCache {
    map: RwLock<HashMap<String, [Option<Arc<Cached>>; CacheKind::ALL]>>,
}

impl PageCache {
    pub fn get(&self, kind: CacheKind, slug: &str, version: EventId) -> Option<Arc<Cached>> {
        let map = self.map.read().unwrap_or_else(|p| p.into_inner());
        map.get(slug)?[kind.index()]
            .as_ref()
            .filter(|c| c.version == version)
            .cloned()
    }

    pub fn put(&self, kind: CacheKind, slug: &str, c: Cached) -> Arc<Cached> {
        let c = Arc::new(c);
        let mut map = self.map.write().unwrap_or_else(|p| p.into_inner());
        let slot = &mut map.entry(slug.to_string()).or_default()[kind.index()];
        // Never replace a newer rendering with an older one (two renders may race).
        if slot.as_ref().is_none_or(|s| s.version <= c.version) {
            *slot = Some(c.clone());
        }
        c
    }
}

/// Serves a rendering of the briefing's current version, from the cache when it is fresh.
pub async fn serve_versioned<F, Fut>(
    state: &AppState,
    r: &Rendition,
    b: &Briefing,
    version: EventId,
    headers: &HeaderMap,
    render: F,
) -> Result<Response, ApiError>
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = Result<String, ApiError>>,
{
    if let Some(c) = state.cache.get(r.kind, &b.slug, version) {
        state.metrics.cache_hits.inc();
        return Ok(c.respond(headers));
    }
    state.metrics.cache_misses.inc();
    let body = render().await?;
    let etag = HeaderValue::from_str(&format!(
        "\"{:?}-{}-{}-{}\"",
        r.kind, b.id.0, version.0, state.views.asset_version
    ))
    .map_err(ApiError::internal)?;
    let https = state.config.base_url.scheme() == "https";
    let c = state
        .cache
        .put(r.kind, &b.slug, Cached::new(version, Bytes::from(body), etag, r, https));
    Ok(c.respond(headers))
}

/// Answers a `GET` of a cached rendering of the current version (`/b/{slug}`, `/b/{slug}/feed.atom`,
/// `/b/{slug}/feed.json`, without a query) from memory, before routing; `None` sends the request through the
/// router, whose handlers answer every other case (a query, a stale or missing rendering, an unknown slug)
/// and fill the cache.
pub fn hit<B>(state: &AppState, req: &Request<B>) -> Option<Response> {
    if req.method() != Method::GET || req.uri().query().is_some() {
        return None;
    }
    let rest = req.uri().path().strip_prefix("/b/")?;
    let (slug, kind) = match rest.split_once('/') {
        None => (rest, CacheKind::Page),
        Some((slug, "feed.atom")) => (slug, CacheKind::Atom),
        Some((slug, "feed.json")) => (slug, CacheKind::JsonFeed),
        Some(_) => return None,
    };
    // A slug with an escape goes the long way: the router decodes it.
    if slug.is_empty() || slug.contains('%') {
        return None;
    }
    let c = state.cache.get(kind, slug, state.app.version(slug)?)?;
    state.metrics.cache_hits.inc();
    let resp = c.respond(req.headers());
    state.metrics.observe_status(resp.status().as_u16());
    Some(resp)
}
