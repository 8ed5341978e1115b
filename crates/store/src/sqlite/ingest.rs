//! Sources, the items they have shown, and the job queue, in SQLite.

use async_trait::async_trait;
use livebrief_model::job::MAX_ATTEMPTS;
use livebrief_model::{
    BriefingId, Job, JobId, JobState, NewJob, PollState, ReportId, Retry, Source, SourceDraft, SourceId, SourceKind,
    Timestamp,
};
use rusqlite::{OptionalExtension, Row, params};

use super::{SqliteStore, conv_err, opt_ts, ts, us};
use crate::ingest::{IngestStore, ItemsAdded, SeenItem};
use crate::{Result, StoreError};

fn source_from(r: &Row<'_>) -> rusqlite::Result<Source> {
    let kind: String = r.get("kind")?;
    Ok(Source {
        id: SourceId(r.get("id")?),
        briefing_id: BriefingId(r.get("briefing_id")?),
        kind: SourceKind::parse(&kind).ok_or_else(|| conv_err(format!("unknown source kind {kind:?}")))?,
        url: r.get("url")?,
        title: r.get("title")?,
        language: r.get("language")?,
        trust_note: r.get("trust_note")?,
        poll_interval_secs: r.get("poll_interval_secs")?,
        enabled: r.get("enabled")?,
        created_at: ts(r.get("created_at")?)?,
        updated_at: ts(r.get("updated_at")?)?,
        poll: PollState {
            last_polled_at: opt_ts(r.get("last_polled_at")?)?,
            last_success_at: opt_ts(r.get("last_success_at")?)?,
            last_error: r.get("last_error")?,
            last_error_at: opt_ts(r.get("last_error_at")?)?,
            consecutive_failures: r.get("consecutive_failures")?,
            next_poll_at: ts(r.get("next_poll_at")?)?,
            etag: r.get("etag")?,
            last_modified: r.get("last_modified")?,
            items_seen: r.get::<_, i64>("items_seen")?.max(0) as u64,
        },
    })
}

fn job_from(r: &Row<'_>) -> rusqlite::Result<Job> {
    let state: String = r.get("state")?;
    Ok(Job {
        id: JobId(r.get("id")?),
        item: NewJob {
            briefing_id: BriefingId(r.get("briefing_id")?),
            source_id: r.get::<_, Option<i64>>("source_id")?.map(SourceId),
            url: r.get("url")?,
            title: r.get("title")?,
            outlet: r.get("outlet")?,
            published: opt_ts(r.get("published")?)?,
            content: r.get("content")?,
        },
        state: JobState::parse(&state).ok_or_else(|| conv_err(format!("unknown job state {state:?}")))?,
        attempts: r.get("attempts")?,
        run_after: ts(r.get("run_after")?)?,
        last_error: r.get("last_error")?,
        report_id: r.get::<_, Option<i64>>("report_id")?.map(ReportId),
        created_at: ts(r.get("created_at")?)?,
        updated_at: ts(r.get("updated_at")?)?,
    })
}

/// After an update of a claimed job: it matched, or the job is gone, or another claim holds it.
fn claim_held(c: &rusqlite::Connection, id: JobId, updated: usize) -> Result<()> {
    if updated > 0 {
        return Ok(());
    }
    let exists: Option<i64> = c
        .query_row("SELECT id FROM jobs WHERE id = ?", [id.0], |r| r.get(0))
        .optional()?;
    match exists {
        Some(_) => Err(StoreError::Conflict(format!(
            "job #{} was claimed again after this worker's lease ran out",
            id.0
        ))),
        None => Err(StoreError::NotFound),
    }
}

fn taken(url: &str) -> impl Fn(StoreError) -> StoreError + '_ {
    move |e| match e {
        StoreError::Conflict(_) => StoreError::Conflict(format!("the briefing already watches {url}")),
        other => other,
    }
}

#[async_trait]
impl IngestStore for SqliteStore {
    async fn create_source(&self, d: &SourceDraft, at: Timestamp) -> Result<Source> {
        let d = d.clone();
        self.write(move |c| {
            c.execute(
                "INSERT INTO sources (briefing_id, kind, url, title, language, trust_note, poll_interval_secs, enabled,
                 created_at, updated_at, consecutive_failures, next_poll_at, items_seen)
                 VALUES (?,?,?,?,?,?,?,?,?,?,0,?,0)",
                params![
                    d.briefing_id.0,
                    d.kind.as_str(),
                    d.url,
                    d.title,
                    d.language,
                    d.trust_note,
                    d.poll_interval_secs,
                    d.enabled,
                    us(at),
                    us(at),
                    us(at)
                ],
            )
            .map_err(StoreError::from)
            .map_err(taken(&d.url))?;
            let id = c.last_insert_rowid();
            Ok(c.query_row("SELECT * FROM sources WHERE id = ?", [id], source_from)?)
        })
        .await
    }

    async fn update_source(&self, id: SourceId, d: &SourceDraft, at: Timestamp) -> Result<Source> {
        let d = d.clone();
        self.write(move |c| {
            let tx = c.transaction()?;
            let old_url: String = tx.query_row("SELECT url FROM sources WHERE id = ?", [id.0], |r| r.get(0))?;
            tx.execute(
                "UPDATE sources SET kind = ?, url = ?, title = ?, language = ?, trust_note = ?, poll_interval_secs = ?,
                 enabled = ?, updated_at = ? WHERE id = ?",
                params![
                    d.kind.as_str(),
                    d.url,
                    d.title,
                    d.language,
                    d.trust_note,
                    d.poll_interval_secs,
                    d.enabled,
                    us(at),
                    id.0
                ],
            )
            .map_err(StoreError::from)
            .map_err(taken(&d.url))?;
            if old_url != d.url {
                // A new address: poll it now, without the old one's validators or failures.
                tx.execute(
                    "UPDATE sources SET next_poll_at = ?, etag = NULL, last_modified = NULL, consecutive_failures = 0,
                     last_error = NULL WHERE id = ?",
                    params![us(at), id.0],
                )?;
            }
            let s = tx.query_row("SELECT * FROM sources WHERE id = ?", [id.0], source_from)?;
            tx.commit()?;
            Ok(s)
        })
        .await
    }

    async fn delete_source(&self, id: SourceId) -> Result<()> {
        self.write(move |c| {
            let tx = c.transaction()?;
            // What it queued and nobody worked on yet goes with it; its reports (and done jobs) stay.
            tx.execute(
                "DELETE FROM jobs WHERE source_id = ? AND state IN ('queued', 'parked')",
                [id.0],
            )?;
            // Items go by ON DELETE CASCADE, jobs keep their report but lose the source (ON DELETE SET NULL).
            let n = tx.execute("DELETE FROM sources WHERE id = ?", [id.0])?;
            tx.commit()?;
            if n == 0 { Err(StoreError::NotFound) } else { Ok(()) }
        })
        .await
    }

    async fn source(&self, id: SourceId) -> Result<Option<Source>> {
        self.read(move |c| {
            Ok(c.query_row("SELECT * FROM sources WHERE id = ?", [id.0], source_from)
                .optional()?)
        })
        .await
    }

    async fn list_sources(&self, briefing: Option<BriefingId>) -> Result<Vec<Source>> {
        self.read(move |c| {
            let mut st = c.prepare_cached(
                "SELECT * FROM sources WHERE (?1 IS NULL OR briefing_id = ?1) ORDER BY title COLLATE NOCASE, id",
            )?;
            let rows = st.query_map([briefing.map(|b| b.0)], source_from)?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
        .await
    }

    async fn claim_due_sources(&self, now: Timestamp, lease_until: Timestamp, limit: usize) -> Result<Vec<Source>> {
        self.write(move |c| {
            let tx = c.transaction()?;
            let due = {
                let mut st = tx.prepare_cached(
                    "SELECT * FROM sources WHERE enabled = 1 AND next_poll_at <= ? ORDER BY next_poll_at, id LIMIT ?",
                )?;
                let rows = st.query_map(params![us(now), limit as i64], source_from)?;
                rows.collect::<rusqlite::Result<Vec<_>>>()?
            };
            for s in &due {
                tx.execute(
                    "UPDATE sources SET next_poll_at = ? WHERE id = ?",
                    params![us(lease_until), s.id.0],
                )?;
            }
            tx.commit()?;
            Ok(due)
        })
        .await
    }

    async fn next_poll_at(&self) -> Result<Option<Timestamp>> {
        self.read(|c| {
            let v: Option<i64> = c.query_row("SELECT MIN(next_poll_at) FROM sources WHERE enabled = 1", [], |r| {
                r.get(0)
            })?;
            Ok(opt_ts(v)?)
        })
        .await
    }

    async fn add_items(
        &self,
        source: SourceId,
        items: Vec<SeenItem>,
        max_new_jobs: usize,
        at: Timestamp,
    ) -> Result<ItemsAdded> {
        self.write(move |c| {
            let tx = c.transaction()?;
            let mut added = ItemsAdded::default();
            {
                let mut seen = tx.prepare_cached(
                    "INSERT OR IGNORE INTO source_items (source_id, item_key, seen_at) VALUES (?,?,?)",
                )?;
                let mut job = tx.prepare_cached(
                    "INSERT OR IGNORE INTO jobs (briefing_id, source_id, url, title, outlet, published, content, state,
                     attempts, run_after, created_at, updated_at) VALUES (?,?,?,?,?,?,?,'queued',0,?,?,?)",
                )?;
                for it in &items {
                    if seen.execute(params![source.0, it.key, us(at)])? == 0 {
                        continue;
                    }
                    added.new_items += 1;
                    if let Some(j) = it.job.as_ref().filter(|_| added.new_jobs < max_new_jobs as u32) {
                        added.new_jobs += job.execute(params![
                            j.briefing_id.0,
                            j.source_id.map(|s| s.0),
                            j.url,
                            j.title,
                            j.outlet,
                            j.published.map(us),
                            j.content,
                            us(at),
                            us(at),
                            us(at)
                        ])? as u32;
                    }
                }
            }
            tx.commit()?;
            Ok(added)
        })
        .await
    }

    async fn set_poll_state(&self, source: SourceId, url: &str, s: &PollState) -> Result<bool> {
        let s = s.clone();
        let url = url.to_string();
        self.write(move |c| {
            let n = c.execute(
                "UPDATE sources SET last_polled_at = ?, last_success_at = ?, last_error = ?, last_error_at = ?,
                 consecutive_failures = ?, next_poll_at = ?, etag = ?, last_modified = ?, items_seen = ?
                 WHERE id = ? AND url = ?",
                params![
                    s.last_polled_at.map(us),
                    s.last_success_at.map(us),
                    s.last_error,
                    s.last_error_at.map(us),
                    s.consecutive_failures,
                    us(s.next_poll_at),
                    s.etag,
                    s.last_modified,
                    s.items_seen as i64,
                    source.0,
                    url
                ],
            )?;
            if n > 0 {
                return Ok(true);
            }
            let exists: Option<i64> = c
                .query_row("SELECT id FROM sources WHERE id = ?", [source.0], |r| r.get(0))
                .optional()?;
            if exists.is_some() {
                Ok(false)
            } else {
                Err(StoreError::NotFound)
            }
        })
        .await
    }

    async fn claim_jobs(&self, now: Timestamp, lease_until: Timestamp, limit: usize) -> Result<Vec<Job>> {
        self.write(move |c| {
            let tx = c.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            tx.execute(
                "UPDATE jobs SET state = 'parked', lease_until = NULL, updated_at = ?1,
                 last_error = 'its worker stopped during each of ' || attempts || ' attempts'
                 WHERE state = 'running' AND lease_until < ?1 AND attempts >= ?2",
                params![us(now), MAX_ATTEMPTS],
            )?;
            let ids: Vec<i64> = {
                let mut st = tx.prepare_cached(
                    "SELECT id FROM jobs WHERE (state = 'queued' AND run_after <= ?1)
                        OR (state = 'running' AND lease_until < ?1)
                     ORDER BY run_after, id LIMIT ?2",
                )?;
                st.query_map(params![us(now), limit as i64], |r| r.get(0))?
                    .collect::<rusqlite::Result<_>>()?
            };
            let mut out = Vec::with_capacity(ids.len());
            {
                let mut up = tx.prepare_cached(
                    "UPDATE jobs SET state = 'running', attempts = attempts + 1, lease_until = ?, updated_at = ?
                     WHERE id = ?",
                )?;
                let mut get = tx.prepare_cached("SELECT * FROM jobs WHERE id = ?")?;
                for id in ids {
                    up.execute(params![us(lease_until), us(now), id])?;
                    out.push(get.query_row([id], job_from)?);
                }
            }
            tx.commit()?;
            Ok(out)
        })
        .await
    }

    async fn complete_job(&self, job: &Job, report: ReportId, at: Timestamp) -> Result<()> {
        let (id, attempts) = (job.id, job.attempts);
        self.write(move |c| {
            let n = c.execute(
                "UPDATE jobs SET state = 'done', report_id = ?, lease_until = NULL, last_error = NULL, content = NULL,
                 updated_at = ? WHERE id = ? AND state = 'running' AND attempts = ?",
                params![report.0, us(at), id.0, attempts],
            )?;
            claim_held(c, id, n)
        })
        .await
    }

    async fn fail_job(&self, job: &Job, error: &str, retry: Retry, at: Timestamp) -> Result<()> {
        let error = error.to_string();
        let (id, attempts) = (job.id, job.attempts);
        self.write(move |c| {
            let n = match retry {
                Retry::At(t) => c.execute(
                    "UPDATE jobs SET state = 'queued', run_after = ?, lease_until = NULL, last_error = ?, updated_at = ?
                     WHERE id = ? AND state = 'running' AND attempts = ?",
                    params![us(t), error, us(at), id.0, attempts],
                )?,
                Retry::Park => c.execute(
                    "UPDATE jobs SET state = 'parked', lease_until = NULL, last_error = ?, updated_at = ?
                     WHERE id = ? AND state = 'running' AND attempts = ?",
                    params![error, us(at), id.0, attempts],
                )?,
            };
            claim_held(c, id, n)
        })
        .await
    }

    async fn release_running(&self, at: Timestamp) -> Result<u64> {
        self.write(move |c| {
            Ok(c.execute(
                "UPDATE jobs SET state = 'queued', lease_until = NULL, run_after = ?1, updated_at = ?1
                 WHERE state = 'running'",
                [us(at)],
            )? as u64)
        })
        .await
    }

    async fn retry_job(&self, id: JobId, at: Timestamp) -> Result<Job> {
        self.write(move |c| {
            let tx = c.transaction()?;
            let state: String = tx.query_row("SELECT state FROM jobs WHERE id = ?", [id.0], |r| r.get(0))?;
            if state != "parked" {
                return Err(StoreError::Conflict(format!("the job is {state}, not parked")));
            }
            tx.execute(
                "UPDATE jobs SET state = 'queued', attempts = 0, run_after = ?, updated_at = ? WHERE id = ?",
                params![us(at), us(at), id.0],
            )?;
            let j = tx.query_row("SELECT * FROM jobs WHERE id = ?", [id.0], job_from)?;
            tx.commit()?;
            Ok(j)
        })
        .await
    }

    async fn job(&self, id: JobId) -> Result<Option<Job>> {
        self.read(move |c| {
            Ok(c.query_row("SELECT * FROM jobs WHERE id = ?", [id.0], job_from)
                .optional()?)
        })
        .await
    }

    async fn list_jobs(&self, briefing: Option<BriefingId>, state: Option<JobState>, limit: usize) -> Result<Vec<Job>> {
        self.read(move |c| {
            // One statement per filter, so each uses its index (an `?1 IS NULL OR` filter would scan).
            let mut sql = String::from("SELECT * FROM jobs WHERE 1");
            let mut args: Vec<rusqlite::types::Value> = Vec::new();
            if let Some(b) = briefing {
                sql.push_str(" AND briefing_id = ?");
                args.push(b.0.into());
            }
            if let Some(s) = state {
                sql.push_str(" AND state = ?");
                args.push(s.as_str().to_string().into());
            }
            sql.push_str(" ORDER BY updated_at DESC, id DESC LIMIT ?");
            args.push((limit as i64).into());
            let mut st = c.prepare_cached(&sql)?;
            let rows = st.query_map(rusqlite::params_from_iter(args), job_from)?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
        .await
    }

    async fn job_counts(&self, briefing: Option<BriefingId>) -> Result<Vec<(JobState, u64)>> {
        self.read(move |c| {
            let mut st = c.prepare_cached(match briefing {
                Some(_) => "SELECT state, COUNT(*) FROM jobs WHERE briefing_id = ?1 GROUP BY state ORDER BY state",
                None => "SELECT state, COUNT(*) FROM jobs WHERE ?1 IS NULL GROUP BY state ORDER BY state",
            })?;
            let rows = st.query_map([briefing.map(|b| b.0)], |r| {
                let s: String = r.get(0)?;
                let n: i64 = r.get(1)?;
                Ok((
                    JobState::parse(&s).ok_or_else(|| conv_err(format!("unknown job state {s:?}")))?,
                    n.max(0) as u64,
                ))
            })?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
        .await
    }

    async fn next_job_at(&self) -> Result<Option<Timestamp>> {
        self.read(|c| {
            let v: Option<i64> = c.query_row(
                "SELECT MIN(CASE WHEN state = 'queued' THEN run_after ELSE lease_until END) FROM jobs
                 WHERE state IN ('queued', 'running')",
                [],
                |r| r.get(0),
            )?;
            Ok(opt_ts(v)?)
        })
        .await
    }
}
