//! The change feed across instances: every transaction that writes a public event (or creates a briefing)
//! sends `pg_notify` with ids only (`e:{briefing}:{event}`, `b:{briefing}`), delivered when it commits; one
//! dedicated connection per store LISTENs and forwards them on a broadcast channel. Payloads are tiny whatever
//! the entry's size (NOTIFY payloads are capped at 8 KB): receivers read the rest from the store. When the
//! LISTEN connection drops (the backend was terminated, PostgreSQL restarted) it reconnects with backoff and
//! sends `Resync` once listening again, as it does on first connect: what committed meanwhile is in the store.

use std::sync::{Arc, Weak};
use std::time::Duration;

use futures_util::StreamExt;
use livebrief_model::{BriefingId, EventId};
use tokio::sync::broadcast;
use tokio_postgres::{AsyncMessage, GenericClient, NoTls};

use super::{PgStore, Pool, conv_err, quote_ident};
use crate::{DeskKind, FeedItem, Result};

/// The channel: one per schema, so instances on other schemas of the database do not hear these (a stray
/// notification would be harmless anyway: receivers only read what the store holds). Names are capped at 63.
const CHANNEL_SQL: &str = "left('livebrief:' || current_schema(), 63)";
const FEED_CAPACITY: usize = 4096;
const MAX_BACKOFF: Duration = Duration::from_secs(5);

/// Queues a notification in the caller's transaction.
pub(super) async fn notify<C: GenericClient + Sync>(tx: &C, payload: &str) -> Result<()> {
    tx.execute(&format!("SELECT pg_notify({CHANNEL_SQL}, $1)"), &[&payload])
        .await?;
    Ok(())
}

fn parse(payload: &str) -> Option<FeedItem> {
    let mut it = payload.split(':');
    let (kind, briefing) = (it.next()?, BriefingId(it.next()?.parse().ok()?));
    match (kind, it.next(), it.next(), it.next(), it.next()) {
        ("e", Some(ev), None, _, _) => Some(FeedItem::Event(briefing, EventId(ev.parse().ok()?))),
        ("b", None, None, _, _) => Some(FeedItem::Briefing(briefing)),
        ("d", Some(what), Some(id), Some(origin), None) => Some(FeedItem::Desk {
            origin: origin.parse().ok()?,
            briefing,
            kind: DeskKind::from_letter(what)?,
            id: id.parse().ok()?,
        }),
        _ => None,
    }
}

/// The payload of a desk announcement: `d:{briefing}:{kind}:{id}:{origin}`.
pub(super) fn desk_payload(origin: u64, briefing: BriefingId, kind: DeskKind, id: i64) -> String {
    format!("d:{}:{}:{id}:{origin}", briefing.0, kind.letter())
}

impl PgStore {
    /// A receiver of the change feed; the first call starts the listener task.
    pub(super) fn feed(&self) -> broadcast::Receiver<FeedItem> {
        let mut started = false;
        let tx = self.pool.feed.get_or_init(|| {
            started = true;
            broadcast::channel(FEED_CAPACITY).0
        });
        let rx = tx.subscribe();
        if started {
            tokio::spawn(listen(Arc::downgrade(&self.pool), tx.clone()));
        }
        rx
    }

    /// The backend pid of the change feed's LISTEN connection while it is connected (for operators and tests).
    pub fn listener_pid(&self) -> Option<i32> {
        *self.pool.listener_pid.lock().unwrap_or_else(|p| p.into_inner())
    }
}

fn set_pid(pool: &Weak<Pool>, pid: Option<i32>) {
    if let Some(p) = pool.upgrade() {
        *p.listener_pid.lock().unwrap_or_else(|p| p.into_inner()) = pid;
    }
}

/// Listens until the store is dropped, reconnecting with backoff.
async fn listen(pool: Weak<Pool>, tx: broadcast::Sender<FeedItem>) {
    let mut delay = Duration::from_millis(100);
    loop {
        let Some((config, schema, place)) = pool
            .upgrade()
            .map(|p| (p.config.clone(), p.schema.clone(), p.place.clone()))
        else {
            return;
        };
        let started = tokio::time::Instant::now();
        let r = session(config, schema, &pool, &tx).await;
        set_pid(&pool, None);
        if pool.strong_count() == 0 {
            return;
        }
        match r {
            Ok(()) => tracing::warn!(database = %place, "the change feed's LISTEN connection closed; reconnecting"),
            Err(e) => tracing::warn!(database = %place, error = %e, "the change feed could not listen; retrying"),
        }
        if started.elapsed() > Duration::from_secs(10) {
            delay = Duration::from_millis(100);
        }
        tokio::time::sleep(delay).await;
        delay = (delay * 2).min(MAX_BACKOFF);
    }
}

/// One LISTEN connection, until it ends (or the store is dropped).
async fn session(
    mut config: tokio_postgres::Config,
    schema: Option<String>,
    pool: &Weak<Pool>,
    tx: &broadcast::Sender<FeedItem>,
) -> Result<()> {
    config.application_name("livebrief-listener");
    config.keepalives(true);
    config.keepalives_idle(Duration::from_secs(30));
    let (client, mut connection) = config
        .connect(NoTls)
        .await
        .map_err(|e| conv_err(format!("change feed: cannot connect to PostgreSQL: {e}")))?;
    let (ntx, mut nrx) = tokio::sync::mpsc::unbounded_channel::<String>();
    let driver = tokio::spawn(async move {
        let mut messages = futures_util::stream::poll_fn(move |cx| connection.poll_message(cx));
        while let Some(Ok(m)) = messages.next().await {
            if let AsyncMessage::Notification(n) = m
                && ntx.send(n.payload().to_string()).is_err()
            {
                break;
            }
        }
    });
    let listening = async {
        if let Some(s) = &schema {
            client
                .batch_execute(&format!("SET search_path TO {}", quote_ident(s)))
                .await?;
        }
        let channel: String = client
            .query_one(&format!("SELECT {CHANNEL_SQL}"), &[])
            .await?
            .try_get(0)?;
        client
            .batch_execute(&format!("LISTEN {}", quote_ident(&channel)))
            .await?;
        let pid: i32 = client.query_one("SELECT pg_backend_pid()", &[]).await?.try_get(0)?;
        Ok::<_, crate::StoreError>(pid)
    };
    let pid = match listening.await {
        Ok(pid) => pid,
        Err(e) => {
            driver.abort();
            return Err(e);
        }
    };
    set_pid(pool, Some(pid));
    // Listening from here on; whatever committed before is in the store.
    let _ = tx.send(FeedItem::Resync);
    let mut alive = tokio::time::interval(Duration::from_secs(5));
    loop {
        tokio::select! {
            n = nrx.recv() => match n {
                Some(payload) => {
                    if let Some(item) = parse(&payload) {
                        let _ = tx.send(item);
                    }
                }
                None => break,
            },
            _ = alive.tick() => if pool.strong_count() == 0 { break },
        }
    }
    driver.abort();
    drop(client);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payloads() {
        assert_eq!(parse("e:3:17"), Some(FeedItem::Event(BriefingId(3), EventId(17))));
        assert_eq!(parse("b:4"), Some(FeedItem::Briefing(BriefingId(4))));
        let d = desk_payload(u64::MAX, BriefingId(5), DeskKind::Job, 12);
        assert_eq!(
            parse(&d),
            Some(FeedItem::Desk {
                origin: u64::MAX,
                briefing: BriefingId(5),
                kind: DeskKind::Job,
                id: 12
            })
        );
        assert_eq!(parse("d:5:x:12:1"), None);
        assert_eq!(parse("d:5:d:12"), None);
        assert_eq!(parse("e:3"), None);
        assert_eq!(parse("x:1:2"), None);
        assert_eq!(parse("b:1:2"), None);
    }
}
