//! The newsroom loop's intake: sources are polled on their schedule, new items become durable jobs, and each
//! job fetches the page, extracts and reads it, stores the report and groups it into a development.
//!
//! Architecture invariant: nothing a source sends is trusted. Bodies come through the fetcher (SSRF guard,
//! size caps, timeouts), are parsed by pure code that never panics, and reach the store only as plain text
//! and readings; titles are plain text; a feed's HTML is only ever extracted, never shown. One slow or dead
//! source only holds its own poll (and its origin's fetch slot).

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use jiff::SignedDuration;
use livebrief_fetch::{FetchError, Fetcher, Validators};
use livebrief_model::{
    Date, Job, JobState, NewJob, PollOutcome, Report, ReportDraft, Retry, Source, SourceKind, TimeZone, Timestamp,
};
use livebrief_store::{ItemsAdded, SeenItem};
use tokio::sync::{Notify, Semaphore};
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use crate::desk::DeskChange;
use crate::draft::words;
use crate::pipeline::{ReportBody, ReportInput, understand};
use crate::{App, AppError, Result};

/// How the intake works. `Default` gives production values.
#[derive(Debug, Clone)]
pub struct IngestConfig {
    /// Article jobs worked on at once.
    pub workers: usize,
    /// Sources polled at once (each still waits for its origin's fetch slot).
    pub poll_concurrency: usize,
    /// New items fetched per poll at most, the newest first; the rest are remembered as seen.
    pub max_new_per_poll: usize,
    /// Items older than this when first seen are remembered, not fetched (a new source does not bring its
    /// whole archive to the desk).
    pub backfill: SignedDuration,
    /// How long a worker holds a job, or a poller a source, before another may take it (a crashed
    /// worker's job, or a killed instance's sources, come back).
    pub lease: SignedDuration,
    /// Feed content shorter than this many words is not used in place of an unreachable page.
    pub min_feed_words: usize,
}

impl Default for IngestConfig {
    fn default() -> Self {
        IngestConfig {
            workers: 4,
            poll_concurrency: 256,
            max_new_per_poll: 200,
            backfill: SignedDuration::from_hours(48),
            lease: SignedDuration::from_mins(5),
            min_feed_words: 40,
        }
    }
}

/// What one poll did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PollReport {
    pub source: Source,
    pub outcome: PollOutcome,
    pub added: ItemsAdded,
}

/// What one job did.
#[derive(Debug, Clone)]
pub enum JobOutcome {
    Done { job: Job, report: Box<Report> },
    Retrying { job: Job, error: String },
    Parked { job: Job, error: String },
}

pub struct Ingest {
    app: Arc<App>,
    fetcher: Fetcher,
    config: IngestConfig,
    /// Wakes the workers (new jobs) and the scheduler (new or changed sources).
    jobs_ready: Notify,
    sources_changed: Notify,
    /// Sources being polled now: never two polls of one source at once.
    polling: Mutex<HashSet<livebrief_model::SourceId>>,
}

/// A source being polled: never two polls of one source at once. Released when dropped (also when the task
/// holding it is aborted).
struct PollClaim {
    ingest: Arc<Ingest>,
    id: livebrief_model::SourceId,
}

impl PollClaim {
    /// `None` when the source is being polled already.
    fn new(ingest: &Arc<Ingest>, id: livebrief_model::SourceId) -> Option<PollClaim> {
        let fresh = ingest.polling.lock().unwrap_or_else(|e| e.into_inner()).insert(id);
        fresh.then(|| PollClaim {
            ingest: ingest.clone(),
            id,
        })
    }
}

impl Drop for PollClaim {
    fn drop(&mut self) {
        self.ingest
            .polling
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&self.id);
    }
}

/// Why a job failed, and whether trying again can help.
struct Failure {
    message: String,
    transient: bool,
    retry_after_secs: Option<i64>,
}

/// The seconds a server asked to wait, as the model's schedule rules take them.
fn retry_after_secs(e: &FetchError) -> Option<i64> {
    e.retry_after().map(|d| d.as_secs().min(i64::MAX as u64) as i64)
}

/// Logs why a fetch of `url` failed when the caller is told less (`FetchError::detail`: the refused address, the
/// name that did not resolve, the address that did not answer), escaped so that nothing from the URL or the
/// network can write a log line of its own.
pub(crate) fn log_fetch_detail(url: &str, e: &FetchError) {
    if e.is_unreachable() {
        tracing::info!(url = ?url, detail = ?e.detail(), code = e.code(), "could not reach the address");
    }
}

impl From<FetchError> for Failure {
    fn from(e: FetchError) -> Self {
        Failure {
            message: e.to_string(),
            transient: e.is_transient(),
            retry_after_secs: retry_after_secs(&e),
        }
    }
}

impl From<AppError> for Failure {
    fn from(e: AppError) -> Self {
        let transient = matches!(&e, AppError::Store(s) if s.is_transient());
        Failure {
            message: e.to_string(),
            transient,
            retry_after_secs: None,
        }
    }
}

impl Ingest {
    pub fn new(app: Arc<App>, fetcher: Fetcher, config: IngestConfig) -> Arc<Ingest> {
        Arc::new(Ingest {
            app,
            fetcher,
            config,
            jobs_ready: Notify::new(),
            sources_changed: Notify::new(),
            polling: Mutex::new(HashSet::new()),
        })
    }

    pub fn app(&self) -> &Arc<App> {
        &self.app
    }

    pub fn fetcher(&self) -> &Fetcher {
        &self.fetcher
    }

    /// Tells the scheduler that sources changed (one was added or edited): it looks again at once.
    pub fn sources_changed(&self) {
        self.sources_changed.notify_one();
    }

    /// Polls one source now: fetch (conditionally), parse, remember its items, queue jobs for new ones, and
    /// record the outcome on the source (its health and next poll).
    pub async fn poll(self: &Arc<Self>, source: &Source) -> Result<PollReport> {
        let _claim = PollClaim::new(self, source.id)
            .ok_or_else(|| AppError::Conflict(format!("source #{} is being polled", source.id.0)))?;
        self.poll_inner(source).await
    }

    async fn poll_inner(&self, source: &Source) -> Result<PollReport> {
        let validators = Validators {
            etag: source.poll.etag.clone(),
            last_modified: source.poll.last_modified.clone(),
        };
        let (outcome, items) = match self.fetcher.get(&source.url, &validators).await {
            Err(e) => (
                PollOutcome::Failed {
                    error: {
                        log_fetch_detail(&source.url, &e);
                        e.to_string()
                    },
                    retry_after_secs: retry_after_secs(&e),
                },
                Vec::new(),
            ),
            Ok(f) if f.not_modified => (PollOutcome::NotModified, Vec::new()),
            Ok(f) => {
                let ctype = f.content_type.as_ref().map(|t| match &f.charset {
                    Some(c) => format!("{t}; charset={c}"),
                    None => t.clone(),
                });
                let body = f.body.clone();
                let final_url = f.final_url.clone();
                let kind = source.kind;
                // Parsing is CPU work on untrusted bytes: off the async threads.
                let parsed = tokio::task::spawn_blocking(move || match kind {
                    SourceKind::Feed => livebrief_feed::parse_feed(&body, &final_url, ctype.as_deref())
                        .map(|feed| {
                            feed.items
                                .into_iter()
                                .map(|i| (i.key, i.url, i.title, i.published.or(i.updated), i.content_html))
                                .collect::<Vec<_>>()
                        })
                        .map_err(|e| e.to_string()),
                    SourceKind::Page => Ok(livebrief_feed::page_links(&body, &final_url)
                        .into_iter()
                        .map(|l| (l.url.clone(), Some(l.url), l.text, None, None))
                        .collect()),
                })
                .await
                .map_err(|e| e.to_string())
                .and_then(|r| r);
                match parsed {
                    Ok(items) => (
                        PollOutcome::Fetched {
                            new_items: 0,
                            etag: f.etag,
                            last_modified: f.last_modified,
                        },
                        items,
                    ),
                    Err(e) => (
                        PollOutcome::Failed {
                            error: e,
                            retry_after_secs: None,
                        },
                        Vec::new(),
                    ),
                }
            }
        };
        let now = self.app.now();
        let cutoff = now.checked_sub(self.config.backfill).unwrap_or(now);
        // The newest first, so a cap keeps the latest news.
        let mut items = items;
        items.sort_by_key(|i| std::cmp::Reverse(i.3));
        let seen: Vec<SeenItem> = items
            .into_iter()
            .map(|(key, url, title, published, content)| {
                // A date in the future is a feed's mistake (or a time zone's): it is read as now.
                let published = published.map(|p| p.min(now));
                let fresh = published.is_none_or(|p| p >= cutoff);
                let job = url.filter(|_| fresh).map(|url| NewJob {
                    briefing_id: source.briefing_id,
                    source_id: Some(source.id),
                    url,
                    title,
                    outlet: source.title.clone(),
                    published,
                    content,
                });
                SeenItem { key, job }
            })
            .collect();
        let added = if seen.is_empty() {
            ItemsAdded::default()
        } else {
            // New items beyond the cap (counted among items not seen before) are remembered, not fetched.
            self.app
                .store()
                .add_items(source.id, seen, self.config.max_new_per_poll, now)
                .await?
        };
        let outcome = match outcome {
            PollOutcome::Fetched {
                etag, last_modified, ..
            } => PollOutcome::Fetched {
                new_items: added.new_items,
                etag,
                last_modified,
            },
            other => other,
        };
        let state = source
            .poll
            .after(&outcome, source.poll_interval_secs, self.app.now(), rand::random());
        if !self.app.store().set_poll_state(source.id, &source.url, &state).await? {
            tracing::info!(
                source_id = source.id.0,
                "the source's address changed during the poll; its new state stays"
            );
        }
        if added.new_jobs > 0 {
            self.jobs_ready.notify_waiters();
            self.jobs_ready.notify_one();
        }
        match &outcome {
            PollOutcome::Failed { error, .. } => {
                tracing::warn!(source_id = source.id.0, url = %source.url, error = %error, failures = state.consecutive_failures, "poll failed")
            }
            _ => tracing::debug!(
                source_id = source.id.0,
                new_items = added.new_items,
                new_jobs = added.new_jobs,
                "polled"
            ),
        }
        self.app.desk_notify(source.briefing_id, DeskChange::Source(source.id));
        let mut source = source.clone();
        source.poll = state;
        Ok(PollReport { source, outcome, added })
    }

    /// Polls the given sources concurrently (at most `poll_concurrency` at once); `done` is called after each.
    pub async fn poll_many(self: &Arc<Self>, sources: Vec<Source>, done: impl Fn(&PollReport)) -> Vec<PollReport> {
        let limit = Arc::new(Semaphore::new(self.config.poll_concurrency.max(1)));
        let mut set = JoinSet::new();
        for s in sources {
            let me = self.clone();
            let limit = limit.clone();
            set.spawn(async move {
                let _permit = limit.acquire_owned().await;
                me.poll(&s).await
            });
        }
        let mut out = Vec::new();
        while let Some(r) = set.join_next().await {
            match r {
                Ok(Ok(report)) => {
                    done(&report);
                    out.push(report);
                }
                Ok(Err(e)) => tracing::error!(error = %e, "poll could not be recorded"),
                Err(e) => tracing::error!(error = %e, "poll task failed"),
            }
        }
        out
    }

    /// Claims up to `limit` due jobs, each held for the lease.
    async fn claim_jobs(&self, limit: usize) -> Result<Vec<Job>> {
        let now = self.app.now();
        let lease = now.checked_add(self.config.lease).unwrap_or(now);
        Ok(self.app.store().claim_jobs(now, lease, limit).await?)
    }

    /// Claims one due job and works it. `None` when no job is due.
    pub async fn work_one(&self) -> Result<Option<JobOutcome>> {
        let Some(job) = self.claim_jobs(1).await?.into_iter().next() else {
            return Ok(None);
        };
        Ok(Some(self.work(job).await?))
    }

    /// Fetches, extracts, reads, stores and groups one job's article; a failure retries later or parks.
    pub async fn work(&self, job: Job) -> Result<JobOutcome> {
        let store = self.app.store().clone();
        // A job never outlives its lease: past it another worker may take the job again.
        let budget = Duration::try_from(self.config.lease)
            .unwrap_or(Duration::from_secs(300))
            .mul_f64(0.8);
        let outcome = match tokio::time::timeout(budget, self.article(&job)).await {
            Ok(r) => r,
            Err(_) => Err(Failure {
                message: format!("reading the article took longer than {} s", budget.as_secs()),
                transient: true,
                retry_after_secs: None,
            }),
        };
        match outcome {
            Ok(report) => {
                store.complete_job(&job, report.id, self.app.now()).await?;
                self.app.desk_notify(job.item.briefing_id, DeskChange::Job(job.id));
                Ok(JobOutcome::Done {
                    job,
                    report: Box::new(report),
                })
            }
            Err(f) => {
                let retry = job.retry(f.transient, f.retry_after_secs, self.app.now(), rand::random());
                store.fail_job(&job, &f.message, retry.clone(), self.app.now()).await?;
                self.app.desk_notify(job.item.briefing_id, DeskChange::Job(job.id));
                Ok(match retry {
                    Retry::At(_) => {
                        tracing::info!(job_id = job.id.0, url = %job.item.url, error = %f.message, "article failed; will retry");
                        JobOutcome::Retrying { job, error: f.message }
                    }
                    Retry::Park => {
                        tracing::warn!(job_id = job.id.0, url = %job.item.url, error = %f.message, "article parked");
                        JobOutcome::Parked { job, error: f.message }
                    }
                })
            }
        }
    }

    async fn article(&self, job: &Job) -> Result<Report, Failure> {
        let fetched = self.fetcher.get(&job.item.url, &Validators::default()).await;
        if let Err(e) = &fetched {
            log_fetch_detail(&job.item.url, e);
        }
        let body = match fetched {
            Ok(f) => ReportBody::Html {
                bytes: f.body.to_vec(),
                http_charset: f.charset,
            },
            // The page cannot be had, but the feed carried the article: use that rather than lose it.
            Err(e) if !e.is_transient() || job.attempts >= livebrief_model::job::MAX_ATTEMPTS => {
                let usable = job.item.content.as_deref().is_some_and(|c| {
                    words(&livebrief_content::plain_text(&livebrief_content::sanitize(c))) >= self.config.min_feed_words
                });
                match (usable, &job.item.content) {
                    (true, Some(c)) => ReportBody::Html {
                        bytes: c.clone().into_bytes(),
                        http_charset: Some("utf-8".into()),
                    },
                    _ => return Err(e.into()),
                }
            }
            Err(e) => return Err(e.into()),
        };
        let briefing = self
            .app
            .briefing_by_id(job.item.briefing_id)
            .ok_or_else(|| Failure::from(AppError::NotFound("briefing")))?;
        let topics = self.app.topic_list(&briefing).await?.1;
        let today = self.app.now().to_zoned(TimeZone::UTC).date();
        let published: Option<Date> = job.item.published.map(|t| t.to_zoned(TimeZone::UTC).date());
        let input = ReportInput {
            url: Some(job.item.url.clone()),
            title: job.item.title.clone(),
            source: job.item.outlet.clone(),
            published,
            body,
        };
        let u = tokio::task::spawn_blocking(move || understand(input, today, &topics))
            .await
            .map_err(|e| Failure {
                message: format!("the article could not be read: {e}"),
                transient: false,
                retry_after_secs: None,
            })?;
        if words(&u.text) < 5 {
            return Err(Failure {
                message: "no article text found on the page".into(),
                transient: false,
                retry_after_secs: None,
            });
        }
        let draft = ReportDraft {
            briefing_id: job.item.briefing_id,
            url: Some(job.item.url.clone()),
            title: u.title.chars().take(500).collect(),
            source: u.source.chars().take(200).collect(),
            published: u.published,
            text: u.text,
            language: u.language,
            reading: u.reading,
        };
        draft.validate().map_err(|e| Failure::from(AppError::from(e)))?;
        // The newsroom loop (no actor) may replace what it reads again: an updated story.
        let report = self
            .app
            .store()
            .save_report(&draft, None, self.app.now())
            .await
            .map_err(|e| Failure::from(AppError::from(e)))?
            .into_report();
        self.app.group_report(&report).await?;
        Ok(report)
    }

    /// Runs the intake until `shutdown`: the scheduler polls due sources, `workers` tasks work the jobs.
    pub async fn run(self: Arc<Self>, shutdown: CancellationToken) {
        // On a store one process owns (SQLite: the binary holds the data directory's lock), what is marked
        // running was held by a process that is gone. A store shared with other instances (it has a change
        // feed) keeps their leases: a running job is theirs until its lease lapses, then anyone's.
        if self.app.store().change_feed().is_none() {
            match self.app.store().release_running(self.app.now()).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(jobs = n, "jobs of a stopped process put back in the queue"),
                Err(e) => tracing::error!(error = %e, "releasing jobs"),
            }
        }
        let mut tasks = JoinSet::new();
        for _ in 0..self.config.workers.max(1) {
            let me = self.clone();
            let stop = shutdown.clone();
            tasks.spawn(async move { me.worker(stop).await });
        }
        let me = self.clone();
        let stop = shutdown.clone();
        tasks.spawn(async move { me.scheduler(stop).await });
        while tasks.join_next().await.is_some() {}
    }

    async fn worker(self: Arc<Self>, stop: CancellationToken) {
        loop {
            if stop.is_cancelled() {
                return;
            }
            match self.claim_jobs(1).await {
                Ok(jobs) if !jobs.is_empty() => {
                    for job in jobs {
                        let (id, url) = (job.id, job.item.url.clone());
                        let me = self.clone();
                        // Its own task: a panic in reading or grouping fails this job (its lease runs out and it
                        // is retried, then parked), not the worker.
                        match tokio::spawn(async move { me.work(job).await }).await {
                            Ok(Ok(_)) => {}
                            Ok(Err(e)) => tracing::error!(job_id = id.0, error = %e, "job could not be recorded"),
                            Err(e) => tracing::error!(job_id = id.0, url = %url, error = %e, "job task panicked"),
                        }
                    }
                    continue;
                }
                Ok(_) => {}
                Err(e) => tracing::error!(error = %e, "job worker"),
            }
            let wait = self.until(self.app.store().next_job_at().await.ok().flatten());
            tokio::select! {
                _ = stop.cancelled() => return,
                _ = self.jobs_ready.notified() => {}
                _ = tokio::time::sleep(wait) => {}
            }
        }
    }

    async fn scheduler(self: Arc<Self>, stop: CancellationToken) {
        let mut polls: JoinSet<Option<livebrief_model::SourceId>> = JoinSet::new();
        let mut cooling: std::collections::HashMap<livebrief_model::SourceId, Timestamp> = Default::default();
        loop {
            if stop.is_cancelled() {
                polls.abort_all();
                return;
            }
            // Claimed with a lease: another instance on the same database does not poll them meanwhile, and
            // if this one dies they are due again for anyone when the lease lapses. Only as many as there is
            // room for, so no source waits out a lease unpolled.
            let room = self.config.poll_concurrency.max(1).saturating_sub(polls.len()).min(512);
            let now = self.app.now();
            let lease_until = now.checked_add(self.config.lease).unwrap_or(now);
            let due = if room == 0 {
                Vec::new()
            } else {
                match self.app.store().claim_due_sources(now, lease_until, room).await {
                    Ok(d) => d,
                    Err(e) => {
                        tracing::error!(error = %e, "scheduler");
                        Vec::new()
                    }
                }
            };
            for s in due {
                if polls.len() >= self.config.poll_concurrency.max(1) {
                    break;
                }
                if cooling.get(&s.id).is_some_and(|until| *until > self.app.now()) {
                    continue;
                }
                // Claimed here, before the task starts, so the next round never polls it twice; the claim
                // goes with the task and ends with it (also when the task is aborted).
                let Some(claim) = PollClaim::new(&self, s.id) else {
                    continue;
                };
                let me = self.clone();
                polls.spawn(async move {
                    let _claim = claim;
                    match me.poll_inner(&s).await {
                        Ok(_) => None,
                        Err(e) => {
                            // The poll could not be recorded (the store failed): its schedule did not move, so
                            // hold it back here rather than polling it again at once.
                            tracing::error!(source_id = s.id.0, error = %e, "poll could not be recorded");
                            Some(s.id)
                        }
                    }
                });
            }
            let wait = self.until(self.app.store().next_poll_at().await.ok().flatten());
            tokio::select! {
                _ = stop.cancelled() => { polls.abort_all(); return; }
                _ = self.sources_changed.notified() => {}
                Some(done) = polls.join_next(), if !polls.is_empty() => {
                    let now = self.app.now();
                    if let Ok(Some(id)) = done {
                        cooling.insert(id, now.checked_add(SignedDuration::from_secs(60)).unwrap_or(now));
                    }
                    cooling.retain(|_, until| *until > now);
                }
                _ = tokio::time::sleep(wait) => {}
            }
        }
    }

    /// How long to sleep until `at` (at least 10 ms, at most a second: the clock may be a test's).
    fn until(&self, at: Option<Timestamp>) -> Duration {
        let now = self.app.now();
        at.map(|t| t.duration_since(now))
            .and_then(|d| Duration::try_from(d).ok())
            .unwrap_or(Duration::from_secs(1))
            .clamp(Duration::from_millis(10), Duration::from_secs(1))
    }

    /// Works every job that is due now until none is left (the CLI's `poll --once`); `done` after each.
    pub async fn drain(self: &Arc<Self>, done: impl Fn(&JobOutcome)) -> Result<usize> {
        let mut n = 0;
        loop {
            let jobs = self.claim_jobs(self.config.workers.max(1)).await?;
            if jobs.is_empty() {
                return Ok(n);
            }
            let mut set = JoinSet::new();
            for j in jobs {
                let me = self.clone();
                set.spawn(async move { me.work(j).await });
            }
            while let Some(r) = set.join_next().await {
                match r {
                    Ok(Ok(o)) => {
                        n += 1;
                        done(&o);
                    }
                    Ok(Err(e)) => tracing::error!(error = %e, "job could not be recorded"),
                    Err(e) => tracing::error!(error = %e, "job task failed"),
                }
            }
        }
    }

    /// The desk's "retry" on a parked job.
    pub async fn retry_job(&self, actor: &livebrief_model::Actor, id: livebrief_model::JobId) -> Result<Job> {
        if !actor.role.can_publish() {
            return Err(AppError::Forbidden("only editors can retry jobs".into()));
        }
        let job = self.app.store().retry_job(id, self.app.now()).await?;
        self.jobs_ready.notify_one();
        self.app.desk_notify(job.item.briefing_id, DeskChange::Job(job.id));
        tracing::info!(job_id = id.0, actor = %actor.name, "parked job retried");
        Ok(job)
    }

    pub async fn jobs(
        &self,
        briefing: Option<livebrief_model::BriefingId>,
        state: Option<JobState>,
        limit: usize,
    ) -> Result<Vec<Job>> {
        Ok(self.app.store().list_jobs(briefing, state, limit).await?)
    }
}
