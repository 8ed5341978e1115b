//! The desk's live stream: `GET /desk/b/{slug}/events`, Server-Sent Events for signed-in members.
//!
//! It carries the app's desk notices for one briefing (a development, a source or a job changed) as small
//! JSON events; the page fetches what it shows of the change (a development's row) from the server, so
//! no outside text travels in the stream. Desk notices are not stored, so there is no replay: a subscriber
//! that falls behind gets a `resync` event and the page offers to refresh. Every stream ends on shutdown
//! and after [`MAX_STREAM`] (the browser reconnects, which checks the session again), and within
//! [`RECHECK`] of its credential ending: a logout, a password change, a revoked or expired API token.

use std::time::Duration;

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use livebrief_app::{DeskChange, DeskNotice};
use livebrief_model::BriefingId;
use tokio::sync::broadcast::{self, error::RecvError};
use tokio_util::sync::CancellationToken;

use crate::auth::{MaybeViewer, Viewer};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::streams::ClientKey;

/// How long one desk stream lives before the browser is asked to reconnect.
pub const MAX_STREAM: Duration = Duration::from_secs(30 * 60);

/// How often an open desk stream checks that the session or API token it was opened with still holds.
pub const RECHECK: Duration = Duration::from_secs(2);

/// One SSE frame for a desk notice.
pub fn frame(n: &DeskNotice) -> Bytes {
    let (kind, id) = match n.change {
        DeskChange::Development(d) => ("development", d.0),
        DeskChange::Source(s) => ("source", s.0),
        DeskChange::Job(j) => ("job", j.0),
    };
    Bytes::from(format!("event: {kind}\ndata: {{\"kind\":\"{kind}\",\"id\":{id}}}\n\n"))
}

struct DeskSubscriber {
    state: AppState,
    viewer: Viewer,
    recheck: tokio::time::Interval,
    rx: broadcast::Receiver<DeskNotice>,
    briefing_id: BriefingId,
    first: Option<Bytes>,
    heartbeat: tokio::time::Interval,
    shutdown: CancellationToken,
    until: tokio::time::Instant,
}

impl DeskSubscriber {
    async fn next(&mut self) -> Option<Bytes> {
        if let Some(b) = self.first.take() {
            return Some(b);
        }
        loop {
            tokio::select! {
                biased;
                _ = self.shutdown.cancelled() => return None,
                _ = tokio::time::sleep_until(self.until) => return None,
                r = self.rx.recv() => match r {
                    Ok(n) if n.briefing_id == self.briefing_id => return Some(frame(&n)),
                    Ok(_) => {}
                    Err(RecvError::Lagged(k)) => {
                        tracing::warn!(missed = k, "desk stream fell behind; asking the page to refresh");
                        return Some(Bytes::from_static(b"event: resync\ndata: {\"kind\":\"resync\"}\n\n"));
                    }
                    Err(RecvError::Closed) => return None,
                },
                _ = self.heartbeat.tick() => return Some(Bytes::from_static(b": keep-alive\n\n")),
                _ = self.recheck.tick() => {
                    if !self.viewer.still_valid(&self.state).await {
                        tracing::info!(user = %self.viewer.user.name, "desk stream ended: its session or token ended");
                        return None;
                    }
                }
            }
        }
    }
}

pub async fn stream(
    State(state): State<AppState>,
    MaybeViewer(viewer): MaybeViewer,
    ClientKey(client): ClientKey,
    Path(slug): Path<String>,
) -> ApiResult<Response> {
    let Some(viewer) = viewer else {
        return Err(ApiError::unauthorized());
    };
    let (briefing, _) = state
        .app
        .briefing(&slug)
        .ok_or_else(|| ApiError::not_found("briefing"))?;
    if state.shutdown.is_cancelled() {
        return Err(ApiError::new("unavailable", "shutting down"));
    }
    let period = Duration::from_secs(state.config.sse_heartbeat_secs.max(1));
    let mut heartbeat = tokio::time::interval_at(tokio::time::Instant::now() + period, period);
    heartbeat.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let slot = state.streams.take(&state, &client)?;
    let mut recheck = tokio::time::interval_at(tokio::time::Instant::now() + RECHECK, RECHECK);
    recheck.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let sub = DeskSubscriber {
        state: state.clone(),
        viewer,
        recheck,
        rx: state.app.subscribe_desk(),
        briefing_id: briefing.id,
        first: Some(Bytes::from_static(b"retry: 3000\n\n")),
        heartbeat,
        shutdown: state.shutdown.clone(),
        until: tokio::time::Instant::now() + MAX_STREAM,
    };
    let body = futures_util::stream::unfold((sub, slot), |(mut sub, slot)| async move {
        sub.next()
            .await
            .map(|b| (Ok::<_, std::convert::Infallible>(b), (sub, slot)))
    });
    Ok((
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("text/event-stream")),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
            (
                header::HeaderName::from_static("x-accel-buffering"),
                HeaderValue::from_static("no"),
            ),
        ],
        Body::from_stream(body),
    )
        .into_response())
}
