use std::ops::Deref;
use std::sync::Arc;
use std::time::Duration;

use livebrief_app::{App, Ingest, IngestConfig};
use tokio_util::sync::CancellationToken;

use crate::auth::Csrf;
use crate::cache::PageCache;
use crate::config::Config;
use crate::metrics::Metrics;
use crate::signin::LoginLimiter;
use crate::sse::Hub;
use crate::streams::StreamSlots;
use crate::views::Views;

/// Everything a request handler can reach. Cheap to clone.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

pub struct Shared {
    pub app: Arc<App>,
    /// Sources, the poller and the ingest jobs (its loop runs only when `config.ingest` is on).
    pub ingest: Arc<Ingest>,
    pub config: Config,
    pub views: Views,
    pub cache: PageCache,
    pub metrics: Metrics,
    pub limiter: LoginLimiter,
    pub csrf: Csrf,
    pub hub: Hub,
    /// The caps on open live streams, per client address and in all.
    pub streams: StreamSlots,
    /// Cancelled on graceful shutdown; every live stream ends when it is.
    pub shutdown: CancellationToken,
}

impl Deref for AppState {
    type Target = Shared;
    fn deref(&self) -> &Shared {
        &self.0
    }
}

impl AppState {
    /// Builds the state and starts the task that renders public events for the live streams.
    pub async fn new(app: Arc<App>, config: Config, shutdown: CancellationToken) -> anyhow::Result<AppState> {
        let fetcher = livebrief_fetch::Fetcher::new(config.fetch.fetch_config())?;
        Self::with_fetcher(app, config, shutdown, fetcher).await
    }

    /// Like `new`, with the fetcher given (tests pass one built on a stub resolver and connector,
    /// `livebrief_fetch::Fetcher::with_seams`); `config.fetch` is then not read.
    pub async fn with_fetcher(
        app: Arc<App>,
        config: Config,
        shutdown: CancellationToken,
        fetcher: livebrief_fetch::Fetcher,
    ) -> anyhow::Result<AppState> {
        let mut secret = vec![0u8; 32];
        rand::RngCore::fill_bytes(&mut rand::rng(), &mut secret);
        let key = app.store().setting_or_init("csrf_key", secret).await?;
        let ingest = Ingest::new(
            app.clone(),
            fetcher,
            IngestConfig {
                workers: config.ingest_workers,
                lease: jiff::SignedDuration::from_secs(config.ingest_lease_secs as i64),
                ..IngestConfig::default()
            },
        );
        let state = AppState(Arc::new(Shared {
            ingest,
            views: Views::new(crate::assets::version())?,
            cache: PageCache::default(),
            metrics: Metrics::new(),
            limiter: LoginLimiter::new(
                app.store().clone(),
                config.login_max_failures,
                Duration::from_secs(config.login_window_secs),
            ),
            csrf: Csrf::new(key),
            hub: Hub::new(),
            streams: StreamSlots::new(config.max_streams_per_client, config.max_streams),
            shutdown,
            config,
            app,
        }));
        crate::sse::start_hub(state.clone());
        if state.config.ingest {
            tokio::spawn(state.ingest.clone().run(state.shutdown.clone()));
        }
        Ok(state)
    }
}
