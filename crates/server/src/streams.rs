//! Caps on live streams (`/b/{slug}/events` and `/desk/b/{slug}/events` alike): at most
//! `max_streams_per_client` open at once per client address (as `peer` determines it, trusted proxies
//! respected; an IPv6 client by its /64), and `max_streams` in all. Beyond either, a new stream is answered
//! 429 `too_many_streams` with `Retry-After`, before it costs a subscription or a store read.

use std::collections::HashMap;
use std::sync::Mutex;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;

use crate::error::ApiError;
use crate::peer;
use crate::state::AppState;

/// What a refused stream is told to wait, in seconds.
pub const RETRY_AFTER_SECS: u64 = 5;

pub struct StreamSlots {
    per_client: usize,
    total: usize,
    open: Mutex<Open>,
}

#[derive(Default)]
struct Open {
    total: usize,
    by_client: HashMap<String, usize>,
}

impl StreamSlots {
    pub fn new(per_client: usize, total: usize) -> Self {
        StreamSlots {
            per_client,
            total,
            open: Mutex::new(Open::default()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Open> {
        self.open.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Streams open now, in all and for `client`.
    pub fn open(&self, client: &str) -> (usize, usize) {
        let o = self.lock();
        (o.total, o.by_client.get(client).copied().unwrap_or(0))
    }

    /// A slot for one more stream of `client`, held until the returned guard drops.
    pub fn take(&self, state: &AppState, client: &str) -> Result<StreamSlot, ApiError> {
        let mut o = self.lock();
        let mine = o.by_client.get(client).copied().unwrap_or(0);
        let refuse = |m: String| {
            let mut e = ApiError::new("too_many_streams", m);
            e.retry_after = Some(RETRY_AFTER_SECS);
            e
        };
        if mine >= self.per_client {
            tracing::debug!(client, open = mine, "live stream refused: per-client cap");
            return Err(refuse(format!(
                "{mine} live streams are open from your address already (at most {})",
                self.per_client
            )));
        }
        if o.total >= self.total {
            tracing::warn!(open = o.total, "live stream refused: the server's cap");
            return Err(refuse(format!(
                "the server has {} live streams open, its most",
                o.total
            )));
        }
        o.total += 1;
        *o.by_client.entry(client.to_string()).or_default() += 1;
        Ok(StreamSlot {
            state: state.clone(),
            client: client.to_string(),
        })
    }

    fn give_back(&self, client: &str) {
        let mut o = self.lock();
        o.total = o.total.saturating_sub(1);
        if let Some(n) = o.by_client.get_mut(client) {
            *n -= 1;
            if *n == 0 {
                o.by_client.remove(client);
            }
        }
    }
}

/// One open stream's place under the caps; given back when the stream ends (the guard drops).
pub struct StreamSlot {
    state: AppState,
    client: String,
}

impl Drop for StreamSlot {
    fn drop(&mut self) {
        self.state.streams.give_back(&self.client);
    }
}

/// The key the client is counted under: its address as `peer::client_addr` determines it, by
/// `peer::client_key` ("local" for in-process requests).
pub struct ClientKey(pub String);

impl FromRequestParts<AppState> for ClientKey {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        Ok(ClientKey(peer::client_key(peer::client_of(
            parts,
            &state.config.trusted_proxies,
        ))))
    }
}
