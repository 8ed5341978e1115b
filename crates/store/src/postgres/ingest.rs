//! Sources, the items they have shown, and the job queue, in PostgreSQL.

use async_trait::async_trait;
use livebrief_model::job::MAX_ATTEMPTS;
use livebrief_model::{
    BriefingId, Job, JobId, JobState, NewJob, PollState, ReportId, Retry, Source, SourceDraft, SourceId, SourceKind,
    Timestamp,
};
use tokio_postgres::{GenericClient, Row};

use super::{Params, PgStore, conv_err, next_arg, opt_ts, refs, ts, us};
use crate::ingest::{IngestStore, ItemsAdded, SeenItem};
use crate::{Result, StoreError};

fn source_from(r: &Row) -> Result<Source> {
    let kind: String = r.try_get("kind")?;
    Ok(Source {
        id: SourceId(r.try_get("id")?),
        briefing_id: BriefingId(r.try_get("briefing_id")?),
        kind: SourceKind::parse(&kind).ok_or_else(|| conv_err(format!("unknown source kind {kind:?}")))?,
        url: r.try_get("url")?,
        title: r.try_get("title")?,
        language: r.try_get("language")?,
        trust_note: r.try_get("trust_note")?,
        poll_interval_secs: r.try_get::<_, i64>("poll_interval_secs")?.clamp(0, u32::MAX as i64) as u32,
        enabled: r.try_get("enabled")?,
        created_at: ts(r.try_get("created_at")?)?,
        updated_at: ts(r.try_get("updated_at")?)?,
        poll: PollState {
            last_polled_at: opt_ts(r.try_get("last_polled_at")?)?,
            last_success_at: opt_ts(r.try_get("last_success_at")?)?,
            last_error: r.try_get("last_error")?,
            last_error_at: opt_ts(r.try_get("last_error_at")?)?,
            consecutive_failures: r.try_get::<_, i64>("consecutive_failures")?.clamp(0, u32::MAX as i64) as u32,
            next_poll_at: ts(r.try_get("next_poll_at")?)?,
            etag: r.try_get("etag")?,
            last_modified: r.try_get("last_modified")?,
            items_seen: r.try_get::<_, i64>("items_seen")?.max(0) as u64,
        },
    })
}

fn job_from(r: &Row) -> Result<Job> {
    let state: String = r.try_get("state")?;
    Ok(Job {
        id: JobId(r.try_get("id")?),
        item: NewJob {
            briefing_id: BriefingId(r.try_get("briefing_id")?),
            source_id: r.try_get::<_, Option<i64>>("source_id")?.map(SourceId),
            url: r.try_get("url")?,
            title: r.try_get("title")?,
            outlet: r.try_get("outlet")?,
            published: opt_ts(r.try_get("published")?)?,
            content: r.try_get("content")?,
        },
        state: JobState::parse(&state).ok_or_else(|| conv_err(format!("unknown job state {state:?}")))?,
        attempts: r.try_get::<_, i64>("attempts")?.clamp(0, u32::MAX as i64) as u32,
        run_after: ts(r.try_get("run_after")?)?,
        last_error: r.try_get("last_error")?,
        report_id: r.try_get::<_, Option<i64>>("report_id")?.map(ReportId),
        created_at: ts(r.try_get("created_at")?)?,
        updated_at: ts(r.try_get("updated_at")?)?,
    })
}

/// After an update of a claimed job: it matched, or the job is gone, or another claim holds it.
async fn claim_held<C: GenericClient + Sync>(c: &C, id: JobId, updated: u64) -> Result<()> {
    if updated > 0 {
        return Ok(());
    }
    let exists = c.query_opt("SELECT id FROM jobs WHERE id = $1", &[&id.0]).await?;
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
impl IngestStore for PgStore {
    async fn create_source(&self, d: &SourceDraft, at: Timestamp) -> Result<Source> {
        let c = self.conn().await?;
        let row = c
            .query_one(
                "INSERT INTO sources (briefing_id, kind, url, title, language, trust_note, poll_interval_secs, enabled,
                 created_at, updated_at, consecutive_failures, next_poll_at, items_seen)
                 VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$9,0,$9,0) RETURNING *",
                &[
                    &d.briefing_id.0,
                    &d.kind.as_str(),
                    &d.url,
                    &d.title,
                    &d.language,
                    &d.trust_note,
                    &i64::from(d.poll_interval_secs),
                    &d.enabled,
                    &us(at),
                ],
            )
            .await
            .map_err(StoreError::from)
            .map_err(taken(&d.url))?;
        source_from(&row)
    }

    async fn update_source(&self, id: SourceId, d: &SourceDraft, at: Timestamp) -> Result<Source> {
        let mut c = self.conn().await?;
        let tx = c.transaction().await?;
        let old_url: String = tx
            .query_opt("SELECT url FROM sources WHERE id = $1 FOR UPDATE", &[&id.0])
            .await?
            .ok_or(StoreError::NotFound)?
            .try_get(0)?;
        tx.execute(
            "UPDATE sources SET kind = $1, url = $2, title = $3, language = $4, trust_note = $5,
             poll_interval_secs = $6, enabled = $7, updated_at = $8 WHERE id = $9",
            &[
                &d.kind.as_str(),
                &d.url,
                &d.title,
                &d.language,
                &d.trust_note,
                &i64::from(d.poll_interval_secs),
                &d.enabled,
                &us(at),
                &id.0,
            ],
        )
        .await
        .map_err(StoreError::from)
        .map_err(taken(&d.url))?;
        if old_url != d.url {
            // A new address: poll it now, without the old one's validators or failures.
            tx.execute(
                "UPDATE sources SET next_poll_at = $1, etag = NULL, last_modified = NULL, consecutive_failures = 0,
                 last_error = NULL WHERE id = $2",
                &[&us(at), &id.0],
            )
            .await?;
        }
        let s = source_from(&tx.query_one("SELECT * FROM sources WHERE id = $1", &[&id.0]).await?)?;
        tx.commit().await?;
        Ok(s)
    }

    async fn delete_source(&self, id: SourceId) -> Result<()> {
        let mut c = self.conn().await?;
        let tx = c.transaction().await?;
        // What it queued and nobody worked on yet goes with it; its reports (and done jobs) stay.
        tx.execute(
            "DELETE FROM jobs WHERE source_id = $1 AND state IN ('queued', 'parked')",
            &[&id.0],
        )
        .await?;
        // Items go by ON DELETE CASCADE, jobs keep their report but lose the source (ON DELETE SET NULL).
        let n = tx.execute("DELETE FROM sources WHERE id = $1", &[&id.0]).await?;
        tx.commit().await?;
        if n == 0 { Err(StoreError::NotFound) } else { Ok(()) }
    }

    async fn source(&self, id: SourceId) -> Result<Option<Source>> {
        let c = self.conn().await?;
        c.query_opt("SELECT * FROM sources WHERE id = $1", &[&id.0])
            .await?
            .as_ref()
            .map(source_from)
            .transpose()
    }

    async fn list_sources(&self, briefing: Option<BriefingId>) -> Result<Vec<Source>> {
        let c = self.conn().await?;
        c.query(
            "SELECT * FROM sources WHERE ($1::BIGINT IS NULL OR briefing_id = $1)
             ORDER BY lower(title) COLLATE \"C\", id",
            &[&briefing.map(|b| b.0)],
        )
        .await?
        .iter()
        .map(source_from)
        .collect()
    }

    async fn claim_due_sources(&self, now: Timestamp, lease_until: Timestamp, limit: usize) -> Result<Vec<Source>> {
        let c = self.conn().await?;
        // SKIP LOCKED: two instances claiming at once take different sources, never the same one.
        let mut due = c
            .query(
                "WITH due AS (SELECT id FROM sources WHERE enabled AND next_poll_at <= $1
                    ORDER BY next_poll_at, id LIMIT $3 FOR UPDATE SKIP LOCKED)
                 UPDATE sources SET next_poll_at = $2 FROM due WHERE sources.id = due.id RETURNING sources.*",
                &[&us(now), &us(lease_until), &(limit as i64)],
            )
            .await?
            .iter()
            .map(source_from)
            .collect::<Result<Vec<_>>>()?;
        due.sort_by_key(|s| s.id);
        Ok(due)
    }

    async fn next_poll_at(&self) -> Result<Option<Timestamp>> {
        let c = self.conn().await?;
        let v: Option<i64> = c
            .query_one("SELECT MIN(next_poll_at) FROM sources WHERE enabled", &[])
            .await?
            .try_get(0)?;
        opt_ts(v)
    }

    async fn add_items(
        &self,
        source: SourceId,
        items: Vec<SeenItem>,
        max_new_jobs: usize,
        at: Timestamp,
    ) -> Result<ItemsAdded> {
        let mut c = self.conn().await?;
        let tx = c.transaction().await?;
        let seen = tx
            .prepare(
                "INSERT INTO source_items (source_id, item_key, seen_at) VALUES ($1,$2,$3)
                 ON CONFLICT DO NOTHING",
            )
            .await?;
        let job = tx
            .prepare(
                "INSERT INTO jobs (briefing_id, source_id, url, title, outlet, published, content, state,
                 attempts, run_after, created_at, updated_at) VALUES ($1,$2,$3,$4,$5,$6,$7,'queued',0,$8,$8,$8)
                 ON CONFLICT DO NOTHING",
            )
            .await?;
        let mut added = ItemsAdded::default();
        for it in &items {
            if tx.execute(&seen, &[&source.0, &it.key, &us(at)]).await? == 0 {
                continue;
            }
            added.new_items += 1;
            if let Some(j) = it.job.as_ref().filter(|_| added.new_jobs < max_new_jobs as u32) {
                added.new_jobs += tx
                    .execute(
                        &job,
                        &[
                            &j.briefing_id.0,
                            &j.source_id.map(|s| s.0),
                            &j.url,
                            &j.title,
                            &j.outlet,
                            &j.published.map(us),
                            &j.content,
                            &us(at),
                        ],
                    )
                    .await? as u32;
            }
        }
        tx.commit().await?;
        Ok(added)
    }

    async fn set_poll_state(&self, source: SourceId, url: &str, s: &PollState) -> Result<bool> {
        let c = self.conn().await?;
        let n = c
            .execute(
                "UPDATE sources SET last_polled_at = $1, last_success_at = $2, last_error = $3, last_error_at = $4,
                 consecutive_failures = $5, next_poll_at = $6, etag = $7, last_modified = $8, items_seen = $9
                 WHERE id = $10 AND url = $11",
                &[
                    &s.last_polled_at.map(us),
                    &s.last_success_at.map(us),
                    &s.last_error,
                    &s.last_error_at.map(us),
                    &i64::from(s.consecutive_failures),
                    &us(s.next_poll_at),
                    &s.etag,
                    &s.last_modified,
                    &(s.items_seen as i64),
                    &source.0,
                    &url,
                ],
            )
            .await?;
        if n > 0 {
            return Ok(true);
        }
        match c
            .query_opt("SELECT id FROM sources WHERE id = $1", &[&source.0])
            .await?
        {
            Some(_) => Ok(false),
            None => Err(StoreError::NotFound),
        }
    }

    async fn claim_jobs(&self, now: Timestamp, lease_until: Timestamp, limit: usize) -> Result<Vec<Job>> {
        let mut c = self.conn().await?;
        let tx = c.transaction().await?;
        tx.execute(
            "UPDATE jobs SET state = 'parked', lease_until = NULL, updated_at = $1,
             last_error = 'its worker stopped during each of ' || attempts || ' attempts'
             WHERE state = 'running' AND lease_until < $1 AND attempts >= $2",
            &[&us(now), &i64::from(MAX_ATTEMPTS)],
        )
        .await?;
        // SKIP LOCKED: another instance claiming at the same moment takes other jobs, never the same one.
        let ids: Vec<i64> = tx
            .query(
                "SELECT id FROM jobs WHERE (state = 'queued' AND run_after <= $1)
                    OR (state = 'running' AND lease_until < $1)
                 ORDER BY run_after, id LIMIT $2 FOR UPDATE SKIP LOCKED",
                &[&us(now), &(limit as i64)],
            )
            .await?
            .iter()
            .map(|r| r.try_get(0))
            .collect::<Result<_, _>>()?;
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            let row = tx
                .query_one(
                    "UPDATE jobs SET state = 'running', attempts = attempts + 1, lease_until = $1, updated_at = $2
                     WHERE id = $3 RETURNING *",
                    &[&us(lease_until), &us(now), &id],
                )
                .await?;
            out.push(job_from(&row)?);
        }
        tx.commit().await?;
        Ok(out)
    }

    async fn complete_job(&self, job: &Job, report: ReportId, at: Timestamp) -> Result<()> {
        let c = self.conn().await?;
        let n = c
            .execute(
                "UPDATE jobs SET state = 'done', report_id = $1, lease_until = NULL, last_error = NULL, content = NULL,
                 updated_at = $2 WHERE id = $3 AND state = 'running' AND attempts = $4",
                &[&report.0, &us(at), &job.id.0, &i64::from(job.attempts)],
            )
            .await?;
        claim_held(&*c, job.id, n).await
    }

    async fn fail_job(&self, job: &Job, error: &str, retry: Retry, at: Timestamp) -> Result<()> {
        let c = self.conn().await?;
        let attempts = i64::from(job.attempts);
        let n = match retry {
            Retry::At(t) => {
                c.execute(
                    "UPDATE jobs SET state = 'queued', run_after = $1, lease_until = NULL, last_error = $2,
                     updated_at = $3 WHERE id = $4 AND state = 'running' AND attempts = $5",
                    &[&us(t), &error, &us(at), &job.id.0, &attempts],
                )
                .await?
            }
            Retry::Park => {
                c.execute(
                    "UPDATE jobs SET state = 'parked', lease_until = NULL, last_error = $1, updated_at = $2
                     WHERE id = $3 AND state = 'running' AND attempts = $4",
                    &[&error, &us(at), &job.id.0, &attempts],
                )
                .await?
            }
        };
        claim_held(&*c, job.id, n).await
    }

    async fn release_running(&self, at: Timestamp) -> Result<u64> {
        let c = self.conn().await?;
        Ok(c.execute(
            "UPDATE jobs SET state = 'queued', lease_until = NULL, run_after = $1, updated_at = $1
             WHERE state = 'running'",
            &[&us(at)],
        )
        .await?)
    }

    async fn retry_job(&self, id: JobId, at: Timestamp) -> Result<Job> {
        let mut c = self.conn().await?;
        let tx = c.transaction().await?;
        let state: String = tx
            .query_opt("SELECT state FROM jobs WHERE id = $1 FOR UPDATE", &[&id.0])
            .await?
            .ok_or(StoreError::NotFound)?
            .try_get(0)?;
        if state != "parked" {
            return Err(StoreError::Conflict(format!("the job is {state}, not parked")));
        }
        let j = job_from(
            &tx.query_one(
                "UPDATE jobs SET state = 'queued', attempts = 0, run_after = $1, updated_at = $1 WHERE id = $2
                 RETURNING *",
                &[&us(at), &id.0],
            )
            .await?,
        )?;
        tx.commit().await?;
        Ok(j)
    }

    async fn job(&self, id: JobId) -> Result<Option<Job>> {
        let c = self.conn().await?;
        c.query_opt("SELECT * FROM jobs WHERE id = $1", &[&id.0])
            .await?
            .as_ref()
            .map(job_from)
            .transpose()
    }

    async fn list_jobs(&self, briefing: Option<BriefingId>, state: Option<JobState>, limit: usize) -> Result<Vec<Job>> {
        let mut sql = String::from("SELECT * FROM jobs WHERE TRUE");
        let mut args: Params = Vec::new();
        if let Some(b) = briefing {
            let p = next_arg(&mut args, Box::new(b.0));
            sql.push_str(&format!(" AND briefing_id = {p}"));
        }
        if let Some(s) = state {
            let p = next_arg(&mut args, Box::new(s.as_str().to_string()));
            sql.push_str(&format!(" AND state = {p}"));
        }
        let p = next_arg(&mut args, Box::new(limit as i64));
        sql.push_str(&format!(" ORDER BY updated_at DESC, id DESC LIMIT {p}"));
        let c = self.conn().await?;
        c.query(&sql, &refs(&args)).await?.iter().map(job_from).collect()
    }

    async fn job_counts(&self, briefing: Option<BriefingId>) -> Result<Vec<(JobState, u64)>> {
        let c = self.conn().await?;
        let rows = match briefing {
            Some(b) => {
                c.query(
                    "SELECT state, COUNT(*) FROM jobs WHERE briefing_id = $1 GROUP BY state ORDER BY state COLLATE \"C\"",
                    &[&b.0],
                )
                .await?
            }
            None => {
                c.query(
                    "SELECT state, COUNT(*) FROM jobs GROUP BY state ORDER BY state COLLATE \"C\"",
                    &[],
                )
                .await?
            }
        };
        rows.iter()
            .map(|r| {
                let s: String = r.try_get(0)?;
                let n: i64 = r.try_get(1)?;
                Ok((
                    JobState::parse(&s).ok_or_else(|| conv_err(format!("unknown job state {s:?}")))?,
                    n.max(0) as u64,
                ))
            })
            .collect()
    }

    async fn next_job_at(&self) -> Result<Option<Timestamp>> {
        let c = self.conn().await?;
        let v: Option<i64> = c
            .query_one(
                "SELECT MIN(CASE WHEN state = 'queued' THEN run_after ELSE lease_until END) FROM jobs
                 WHERE state IN ('queued', 'running')",
                &[],
            )
            .await?
            .try_get(0)?;
        opt_ts(v)
    }
}
