//! The live stream: `GET /b/{slug}/events` as Server-Sent Events.
//!
//! One hub task renders each public event once (JSON with the entry's HTML) and fans the bytes out to
//! every subscriber through a broadcast channel. A subscriber subscribes first, then reads what it missed
//! (after `Last-Event-ID`, or `?last_event_id=`, which the page sets from the version it was rendered at) from
//! the store page by page until a page comes back short, then sends live frames with ids above the last one
//! sent; one that falls behind the channel (`Lagged`) goes back to the store from its last id the same way.
//! So nothing is skipped or sent twice. When replay is impossible (an id beyond the briefing's newest, a store
//! error) the stream sends a `reset` event, on which the page reloads. Streams end on shutdown.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use livebrief_app::Notice;
use livebrief_model::{Briefing, BriefingId, EventId};
use serde::Deserialize;
use tokio::sync::broadcast::{self, error::RecvError};
use tokio_util::sync::CancellationToken;

use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::streams::ClientKey;
use crate::views::{EntryView, rfc3339};

const HUB_CAPACITY: usize = 4096;
/// Stored events read per step of a replay (a replay goes on, page by page, until it is caught up).
const REPLAY_PAGE: usize = 500;

pub struct Frame {
    pub briefing_id: BriefingId,
    pub id: EventId,
    /// The whole SSE event, ready to write.
    pub bytes: Bytes,
    /// The hub itself lost events: every subscriber must catch up from the store.
    pub resync: bool,
}

pub struct Hub {
    tx: broadcast::Sender<Arc<Frame>>,
}

impl Hub {
    pub fn new() -> Hub {
        Hub {
            tx: broadcast::channel(HUB_CAPACITY).0,
        }
    }
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<Frame>> {
        self.tx.subscribe()
    }
}

impl Default for Hub {
    fn default() -> Self {
        Self::new()
    }
}

/// The JSON an event carries, in the stream and in the poll API alike.
pub fn event_payload(state: &AppState, n: &Notice) -> serde_json::Value {
    let mut v = serde_json::json!({
        "event_id": n.event.id.0,
        "kind": n.event.kind.as_str(),
        "at": rfc3339(n.event.at),
    });
    // A map layer: its card (a small map and the figures).
    if let Some(m) = &n.map {
        let card = crate::maps::MapCardView::of(m, &n.briefing);
        let html = state
            .views
            .render("map_card.html", minijinja::context! { m => &card })
            .unwrap_or_default();
        v["layer"] = m.layer.layer.clone().into();
        v["date"] = m.layer.date.to_string().into();
        v["revision"] = m.layer.revision.into();
        v["area_km2"] = livebrief_map::out::round(m.layer.area_km2, 2).into();
        if let Some((from, _, c)) = &m.previous {
            v["from"] = from.to_string().into();
            v["gained_km2"] = livebrief_map::out::round(c.gained_km2, 2).into();
            v["lost_km2"] = livebrief_map::out::round(c.lost_km2, 2).into();
            v["net_km2"] = livebrief_map::out::round(c.net_km2(), 2).into();
        }
        v["map_key"] = card.key.into();
        v["permalink"] = card.url.into();
        v["html"] = html.into();
        return v;
    }
    // Readers' view: a retracted entry is its stub here as on the page (`Entry::for_readers`).
    match n.entry.as_ref().map(livebrief_model::Entry::for_readers) {
        Some(e) => {
            let view = EntryView::of(&e, &n.briefing);
            let html = state
                .views
                .render("entry_fragment.html", minijinja::context! { e => view })
                .unwrap_or_default();
            v["entry_id"] = e.id.0.into();
            v["version"] = e.version.into();
            v["status"] = e.status.as_str().into();
            v["pinned"] = e.pinned.into();
            v["key_event"] = e.key_event.into();
            v["headline"] = e.headline.clone().into();
            v["topics"] = e.topics.clone().into();
            v["published_at"] = e.published_at.map(rfc3339).into();
            v["permalink"] = format!("/b/{}/e/{}", n.briefing.slug, e.id.0).into();
            v["html"] = html.into();
        }
        None => {
            v["title"] = n.briefing.title.clone().into();
            v["summary"] = n.briefing.summary.clone().into();
        }
    }
    v
}

fn sse_bytes(state: &AppState, n: &Notice) -> Bytes {
    let payload = event_payload(state, n);
    Bytes::from(format!(
        "id: {}\nevent: {}\ndata: {}\n\n",
        n.event.id.0,
        n.event.kind.as_str(),
        payload
    ))
}

/// Renders every notice from the app bus once and broadcasts it to the live streams.
pub fn start_hub(state: AppState) {
    let mut rx = state.app.subscribe();
    tokio::spawn(async move {
        loop {
            tokio::select! {
                _ = state.shutdown.cancelled() => break,
                r = rx.recv() => match r {
                    Ok(n) => {
                        let frame = Frame { briefing_id: n.briefing.id, id: n.event.id, bytes: sse_bytes(&state, &n), resync: false };
                        state.metrics.events_sent.inc();
                        let _ = state.hub.tx.send(Arc::new(frame));
                    }
                    Err(RecvError::Lagged(k)) => {
                        tracing::warn!(missed = k, "live hub fell behind; subscribers will resync from the store");
                        let _ = state.hub.tx.send(Arc::new(Frame { briefing_id: BriefingId(0), id: EventId(0), bytes: Bytes::new(), resync: true }));
                    }
                    Err(RecvError::Closed) => break,
                }
            }
        }
    });
}

#[derive(Deserialize)]
pub struct StreamQuery {
    last_event_id: Option<i64>,
}

struct Subscriber {
    state: AppState,
    briefing: Briefing,
    rx: broadcast::Receiver<Arc<Frame>>,
    /// The newest event id this stream has sent (or the position it started from).
    last: EventId,
    /// Reading from the store until caught up; live frames wait in `rx` meanwhile (and are skipped by id).
    replaying: bool,
    /// The stream ends once `pending` is empty.
    ended: bool,
    pending: VecDeque<Bytes>,
    heartbeat: tokio::time::Interval,
    shutdown: CancellationToken,
}

impl Subscriber {
    /// One page of stored events after `last`. A short page means caught up: the receiver was subscribed
    /// before the read, so everything committed after it is in the channel (or makes it lag).
    async fn replay_page(&mut self) {
        match self.state.app.replay(&self.briefing, self.last, REPLAY_PAGE).await {
            Ok(notices) => {
                if notices.len() < REPLAY_PAGE {
                    self.replaying = false;
                }
                for n in notices {
                    self.last = n.event.id;
                    self.pending.push_back(sse_bytes(&self.state, &n));
                }
            }
            Err(e) => {
                // Going on would skip events: tell the page to reload, and end the stream.
                tracing::error!(error = %e, "replaying events for a live stream; sending reset");
                self.pending.push_back(reset_bytes(None));
                self.ended = true;
            }
        }
    }

    fn fell_behind(&mut self) {
        self.state.metrics.sse_resyncs.inc();
        self.replaying = true;
    }

    async fn next(&mut self) -> Option<Bytes> {
        loop {
            if let Some(b) = self.pending.pop_front() {
                return Some(b);
            }
            if self.ended || self.shutdown.is_cancelled() {
                return None;
            }
            if self.replaying {
                self.replay_page().await;
                continue;
            }
            tokio::select! {
                biased;
                _ = self.shutdown.cancelled() => return None,
                r = self.rx.recv() => match r {
                    Ok(f) if f.resync => self.fell_behind(),
                    Ok(f) if f.briefing_id == self.briefing.id && f.id > self.last => {
                        self.last = f.id;
                        return Some(f.bytes.clone());
                    }
                    Ok(_) => {}
                    Err(RecvError::Lagged(_)) => self.fell_behind(),
                    Err(RecvError::Closed) => return None,
                },
                _ = self.heartbeat.tick() => return Some(Bytes::from_static(b": keep-alive\n\n")),
            }
        }
    }
}

/// The `reset` event: replay from the reader's position is impossible, the page must reload. With an id, the
/// stream goes on live from there (for clients that do not reload).
fn reset_bytes(at: Option<EventId>) -> Bytes {
    match at {
        Some(id) => Bytes::from(format!(
            "id: {}\nevent: reset\ndata: {{\"event_id\":{}}}\n\n",
            id.0, id.0
        )),
        None => Bytes::from_static(b"event: reset\ndata: {}\n\n"),
    }
}

/// Decrements the subscriber gauge however the stream ends.
struct Gauge(AppState);
impl Drop for Gauge {
    fn drop(&mut self) {
        self.0.metrics.sse_subscribers.dec();
    }
}

pub async fn stream(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Query(q): Query<StreamQuery>,
    ClientKey(client): ClientKey,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let (briefing, version) = state
        .app
        .find_briefing(&slug)
        .await
        .ok_or_else(|| ApiError::not_found("briefing"))?;
    if state.shutdown.is_cancelled() {
        return Err(ApiError::new("unavailable", "shutting down"));
    }
    // Counted before anything costs: a subscription, a replay from the store.
    let slot = state.streams.take(&state, &client)?;
    let rx = state.hub.subscribe();
    let from_header = headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<i64>().ok());
    let resume = from_header.or(q.last_event_id).filter(|v| *v >= 0);
    let period = Duration::from_secs(state.config.sse_heartbeat_secs);
    let mut heartbeat = tokio::time::interval_at(tokio::time::Instant::now() + period, period);
    heartbeat.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut pending = VecDeque::from([Bytes::from_static(b"retry: 3000\n\n")]);
    let mut last = resume.map(EventId).unwrap_or(version);
    if last > version {
        // Beyond the newest event this instance knows: ask the store (another instance may have written it).
        let newest = state
            .app
            .store()
            .last_event_ids()
            .await
            .map_err(livebrief_app::AppError::from)?
            .into_iter()
            .find(|(b, _)| *b == briefing.id)
            .map(|(_, id)| id)
            .unwrap_or(EventId(0));
        if last > newest {
            // From another database, or a briefing recreated: nothing to replay from. Go on from the newest.
            pending.push_back(reset_bytes(Some(newest)));
            last = newest;
        }
    }
    let sub = Subscriber {
        shutdown: state.shutdown.clone(),
        state: state.clone(),
        briefing,
        rx,
        last,
        // Always look in the store first: also an event written between reading `version` and subscribing.
        replaying: true,
        ended: false,
        pending,
        heartbeat,
    };
    state.metrics.sse_subscribers.inc();
    let gauge = (Gauge(state.clone()), slot);
    let body = futures_util::stream::unfold((sub, gauge), |(mut sub, g)| async move {
        sub.next()
            .await
            .map(|b| (Ok::<_, std::convert::Infallible>(b), (sub, g)))
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
