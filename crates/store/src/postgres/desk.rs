//! Developments, memberships and desk records in PostgreSQL.

use async_trait::async_trait;
use livebrief_model::{
    BriefingId, DeskRecord, DevStatus, Development, DevelopmentId, EntryId, Facets, Membership, Report, ReportId,
    Summary, Timestamp, UserId,
};
use tokio_postgres::{GenericClient, Row};

use super::{Params, PgStore, conv_err, next_arg, refs, report_from, ts, us};
use crate::codec;
use crate::desk::{
    Attach, DeskStore, DevOrder, DevQuery, DevUpdate, FacetKind, GroupingLock, MembershipChange, NewRecord, Regroup,
    Target,
};
use crate::sqlite::date_from;
use crate::{Result, StoreError};

fn count(v: i64) -> u32 {
    v.clamp(0, u32::MAX as i64) as u32
}

fn dev_from(r: &Row) -> Result<Development> {
    let status: String = r.try_get("status")?;
    let draft: String = r.try_get("draft")?;
    let edited: Option<String> = r.try_get("edited")?;
    let facets: String = r.try_get("facets")?;
    Ok(Development {
        id: DevelopmentId(r.try_get("id")?),
        briefing_id: BriefingId(r.try_get("briefing_id")?),
        status: DevStatus::parse(&status).ok_or_else(|| conv_err(format!("unknown development status {status:?}")))?,
        version: r.try_get("version")?,
        created_at: ts(r.try_get("created_at")?)?,
        updated_at: ts(r.try_get("updated_at")?)?,
        first_report_at: ts(r.try_get("first_report_at")?)?,
        last_report_at: ts(r.try_get("last_report_at")?)?,
        earliest_published: date_from(r.try_get("earliest_published")?)?,
        report_count: count(r.try_get("report_count")?),
        outlet_count: count(r.try_get("outlet_count")?),
        draft: codec::decode_draft(&draft).map_err(|e| conv_err(e.to_string()))?,
        edited: edited
            .as_deref()
            .map(codec::decode_edited)
            .transpose()
            .map_err(|e| conv_err(e.to_string()))?,
        entry_id: r.try_get::<_, Option<i64>>("entry_id")?.map(EntryId),
        dismissed: r.try_get("dismissed")?,
        merged_into: r.try_get::<_, Option<i64>>("merged_into")?.map(DevelopmentId),
        reports_since_publish: count(r.try_get("reports_since_publish")?),
        facets: codec::decode_facets(&facets).map_err(|e| conv_err(e.to_string()))?,
    })
}

fn membership_from(r: &Row) -> Result<Membership> {
    Ok(Membership {
        report_id: ReportId(r.try_get("m_report_id")?),
        development_id: DevelopmentId(r.try_get("m_development_id")?),
        near_duplicate_of: r.try_get::<_, Option<i64>>("m_near_duplicate_of")?.map(ReportId),
        score: r.try_get::<_, f64>("m_score")? as f32,
        added_at: ts(r.try_get("m_added_at")?)?,
    })
}

const MEMBERSHIP_COLS: &str = "m.report_id AS m_report_id, m.development_id AS m_development_id,
    m.near_duplicate_of AS m_near_duplicate_of, m.score AS m_score, m.added_at AS m_added_at";

async fn get_dev<C: GenericClient + Sync>(tx: &C, id: DevelopmentId) -> Result<Development> {
    dev_from(
        &tx.query_opt("SELECT * FROM developments WHERE id = $1", &[&id.0])
            .await?
            .ok_or(StoreError::NotFound)?,
    )
}

/// Reads a development and holds its row until the transaction ends, so a version check stays true.
async fn lock_dev<C: GenericClient + Sync>(tx: &C, id: DevelopmentId) -> Result<Development> {
    dev_from(
        &tx.query_opt("SELECT * FROM developments WHERE id = $1 FOR UPDATE", &[&id.0])
            .await?
            .ok_or(StoreError::NotFound)?,
    )
}

fn facet_rows(f: &Facets) -> Vec<(FacetKind, &str)> {
    let mut out = Vec::new();
    for (kind, values) in [
        (FacetKind::Topic, &f.topics),
        (FacetKind::Place, &f.places),
        (FacetKind::Speaker, &f.speakers),
        (FacetKind::Outlet, &f.outlets),
        (FacetKind::Language, &f.languages),
    ] {
        for v in values {
            out.push((kind, v.as_str()));
        }
    }
    out
}

/// Writes a summary over a development row (and its facet rows); bumps the version.
async fn write_summary<C: GenericClient + Sync>(tx: &C, id: DevelopmentId, s: &Summary, at: Timestamp) -> Result<()> {
    let n = tx
        .execute(
            "UPDATE developments SET version = version + 1, updated_at = $1, first_report_at = $2,
             last_report_at = $3, earliest_published = $4, report_count = $5, outlet_count = $6, draft = $7,
             facets = $8 WHERE id = $9",
            &[
                &us(at),
                &us(s.first_report_at),
                &us(s.last_report_at),
                &s.earliest_published.to_string(),
                &i64::from(s.report_count),
                &i64::from(s.outlet_count),
                &codec::encode_draft(&s.draft),
                &codec::encode_facets(&s.facets),
                &id.0,
            ],
        )
        .await?;
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    tx.execute("DELETE FROM development_facets WHERE development_id = $1", &[&id.0])
        .await?;
    for (k, v) in facet_rows(&s.facets) {
        tx.execute(
            "INSERT INTO development_facets (development_id, kind, value) VALUES ($1,$2,$3) ON CONFLICT DO NOTHING",
            &[&id.0, &k.as_str(), &v],
        )
        .await?;
    }
    Ok(())
}

async fn create_dev<C: GenericClient + Sync>(
    tx: &C,
    briefing: BriefingId,
    s: &Summary,
    at: Timestamp,
) -> Result<DevelopmentId> {
    let row = tx
        .query_one(
            "INSERT INTO developments (briefing_id, status, version, created_at, updated_at, first_report_at,
             last_report_at, earliest_published, report_count, outlet_count, draft, reports_since_publish, facets)
             VALUES ($1, 'open', 0, $2, $2, $3, $4, $5, 0, 0, '', 0, '{}') RETURNING id",
            &[
                &briefing.0,
                &us(at),
                &us(s.first_report_at),
                &us(s.last_report_at),
                &s.earliest_published.to_string(),
            ],
        )
        .await?;
    let id = DevelopmentId(row.try_get(0)?);
    write_summary(tx, id, s, at).await?;
    Ok(id)
}

async fn insert_record<C: GenericClient + Sync>(
    tx: &C,
    briefing: BriefingId,
    dev: DevelopmentId,
    r: &NewRecord,
) -> Result<()> {
    tx.execute(
        "INSERT INTO desk_records (briefing_id, development_id, action, actor_id, actor_name, at, detail)
         VALUES ($1,$2,$3,$4,$5,$6,$7)",
        &[
            &briefing.0,
            &dev.0,
            &r.action,
            &r.actor_id.0,
            &r.actor_name,
            &us(r.at),
            &r.detail,
        ],
    )
    .await?;
    Ok(())
}

fn check_version(d: &Development, version: i64) -> Result<()> {
    if d.version != version {
        return Err(StoreError::Conflict(format!(
            "development #{} changed since (version {} now, not {version}); reload and try again",
            d.id.0, d.version
        )));
    }
    Ok(())
}

#[async_trait]
impl DeskStore for PgStore {
    async fn attach(&self, a: &Attach, at: Timestamp) -> Result<Development> {
        let mut c = self.conn().await?;
        let tx = c.transaction().await?;
        let previous: Option<i64> = tx
            .query_opt(
                "SELECT development_id FROM memberships WHERE report_id = $1",
                &[&a.report_id.0],
            )
            .await?
            .map(|r| r.try_get(0))
            .transpose()?;
        let id = match a.target {
            Target::New => create_dev(&tx, a.briefing_id, &a.summary, at).await?,
            Target::Existing(id) => {
                let d = lock_dev(&tx, id).await?;
                if d.briefing_id != a.briefing_id {
                    return Err(StoreError::Conflict("the development is in another briefing".into()));
                }
                write_summary(&tx, id, &a.summary, at).await?;
                if d.status == DevStatus::Published && previous != Some(id.0) {
                    tx.execute(
                        "UPDATE developments SET reports_since_publish = reports_since_publish + 1 WHERE id = $1",
                        &[&id.0],
                    )
                    .await?;
                }
                id
            }
        };
        tx.execute(
            "INSERT INTO memberships (report_id, development_id, near_duplicate_of, score, added_at, seq)
             VALUES ($1,$2,$3,$4,$5, (SELECT COALESCE(MAX(seq), 0) + 1 FROM memberships))
             ON CONFLICT (report_id) DO UPDATE SET development_id = excluded.development_id,
             near_duplicate_of = excluded.near_duplicate_of, score = excluded.score, seq = excluded.seq",
            &[
                &a.report_id.0,
                &id.0,
                &a.near_duplicate_of.map(|r| r.0),
                &f64::from(a.score),
                &us(at),
            ],
        )
        .await?;
        let d = get_dev(&tx, id).await?;
        tx.commit().await?;
        Ok(d)
    }

    async fn set_summary(&self, id: DevelopmentId, summary: &Summary, at: Timestamp) -> Result<Development> {
        let mut c = self.conn().await?;
        let tx = c.transaction().await?;
        write_summary(&tx, id, summary, at).await?;
        let d = get_dev(&tx, id).await?;
        tx.commit().await?;
        Ok(d)
    }

    async fn development(&self, id: DevelopmentId) -> Result<Option<Development>> {
        let c = self.conn().await?;
        c.query_opt("SELECT * FROM developments WHERE id = $1", &[&id.0])
            .await?
            .as_ref()
            .map(dev_from)
            .transpose()
    }

    async fn list_developments(&self, q: &DevQuery) -> Result<Vec<Development>> {
        if q.filters.iter().any(|(_, v)| super::holds_nul(v)) {
            return Ok(Vec::new());
        }
        let mut sql = String::from("SELECT d.* FROM developments d WHERE d.briefing_id = $1");
        let mut args: Params = vec![Box::new(q.briefing_id.0)];
        if !q.statuses.is_empty() {
            let list = q
                .statuses
                .iter()
                .map(|s| next_arg(&mut args, Box::new(s.as_str().to_string())))
                .collect::<Vec<_>>();
            sql.push_str(&format!(" AND d.status IN ({})", list.join(",")));
        }
        for (kind, value) in &q.filters {
            let k = next_arg(&mut args, Box::new(kind.as_str().to_string()));
            let v = next_arg(&mut args, Box::new(value.clone()));
            sql.push_str(&format!(
                " AND EXISTS (SELECT 1 FROM development_facets f WHERE f.development_id = d.id
                  AND f.kind = {k} AND f.value = {v})"
            ));
        }
        sql.push_str(match q.order {
            DevOrder::Recent => " ORDER BY d.last_report_at DESC, d.id DESC",
            DevOrder::Corroborated => " ORDER BY d.outlet_count DESC, d.last_report_at DESC, d.id DESC",
        });
        let l = next_arg(&mut args, Box::new(q.limit as i64));
        let o = next_arg(&mut args, Box::new(q.offset as i64));
        sql.push_str(&format!(" LIMIT {l} OFFSET {o}"));
        let c = self.conn().await?;
        c.query(&sql, &refs(&args)).await?.iter().map(dev_from).collect()
    }

    async fn facet_values(&self, briefing: BriefingId, kind: FacetKind, limit: usize) -> Result<Vec<(String, u64)>> {
        let c = self.conn().await?;
        c.query(
            "SELECT f.value, COUNT(*) AS n FROM development_facets f JOIN developments d ON d.id = f.development_id
             WHERE d.briefing_id = $1 AND d.status IN ('open', 'published') AND f.kind = $2
             GROUP BY f.value ORDER BY n DESC, f.value COLLATE \"C\" LIMIT $3",
            &[&briefing.0, &kind.as_str(), &(limit as i64)],
        )
        .await?
        .iter()
        .map(|r| Ok((r.try_get::<_, String>(0)?, r.try_get::<_, i64>(1)?.max(0) as u64)))
        .collect()
    }

    async fn development_reports(&self, id: DevelopmentId) -> Result<Vec<(Membership, Report)>> {
        let c = self.conn().await?;
        c.query(
            &format!(
                "SELECT r.*, {MEMBERSHIP_COLS} FROM memberships m JOIN reports r ON r.id = m.report_id
                 WHERE m.development_id = $1 ORDER BY r.published COLLATE \"C\", r.received_at, r.id"
            ),
            &[&id.0],
        )
        .await?
        .iter()
        .map(|r| Ok((membership_from(r)?, report_from(r)?)))
        .collect()
    }

    async fn membership(&self, report: ReportId) -> Result<Option<Membership>> {
        let c = self.conn().await?;
        c.query_opt(
            &format!("SELECT {MEMBERSHIP_COLS} FROM memberships m WHERE m.report_id = $1"),
            &[&report.0],
        )
        .await?
        .as_ref()
        .map(membership_from)
        .transpose()
    }

    async fn memberships_since(&self, since: Timestamp) -> Result<Vec<(Membership, Report)>> {
        let c = self.conn().await?;
        c.query(
            &format!(
                "SELECT r.*, {MEMBERSHIP_COLS} FROM memberships m JOIN reports r ON r.id = m.report_id
                 WHERE r.received_at >= $1 ORDER BY r.received_at, r.id"
            ),
            &[&us(since)],
        )
        .await?
        .iter()
        .map(|r| Ok((membership_from(r)?, report_from(r)?)))
        .collect()
    }

    async fn update_development(&self, u: &DevUpdate) -> Result<Development> {
        let mut c = self.conn().await?;
        let tx = c.transaction().await?;
        let d = lock_dev(&tx, u.id).await?;
        check_version(&d, u.version)?;
        tx.execute(
            "UPDATE developments SET version = version + 1, updated_at = $1, status = $2, edited = $3,
             entry_id = $4, dismissed = $5,
             reports_since_publish = CASE WHEN $6 THEN 0 ELSE reports_since_publish END
             WHERE id = $7",
            &[
                &us(u.record.at),
                &u.status.as_str(),
                &u.edited.as_ref().map(codec::encode_edited),
                &u.entry_id.map(|e| e.0),
                &u.dismissed,
                &u.reset_since_publish,
                &u.id.0,
            ],
        )
        .await?;
        insert_record(&tx, d.briefing_id, u.id, &u.record).await?;
        let d = get_dev(&tx, u.id).await?;
        tx.commit().await?;
        Ok(d)
    }

    async fn regroup(&self, r: &Regroup) -> Result<(Development, Development)> {
        let mut c = self.conn().await?;
        let tx = c.transaction().await?;
        let from = lock_dev(&tx, r.from).await?;
        check_version(&from, r.from_version)?;
        let at = r.record.at;
        let to = match r.to {
            Target::New => create_dev(&tx, from.briefing_id, &r.to_summary, at).await?,
            Target::Existing(id) => {
                let d = lock_dev(&tx, id).await?;
                if d.briefing_id != from.briefing_id {
                    return Err(StoreError::Conflict(
                        "the developments are in different briefings".into(),
                    ));
                }
                if matches!(d.status, DevStatus::Merged) {
                    return Err(StoreError::Conflict(format!(
                        "development #{} was merged into another",
                        id.0
                    )));
                }
                write_summary(&tx, id, &r.to_summary, at).await?;
                if d.status == DevStatus::Published {
                    // Moved in after publication: news for the entry, as a new report would be.
                    tx.execute(
                        "UPDATE developments SET reports_since_publish = reports_since_publish + $1 WHERE id = $2",
                        &[&(r.reports.len() as i64), &id.0],
                    )
                    .await?;
                }
                id
            }
        };
        let seq: i64 = tx
            .query_one("SELECT COALESCE(MAX(seq), 0) + 1 FROM memberships", &[])
            .await?
            .try_get(0)?;
        for rep in &r.reports {
            let n = tx
                .execute(
                    "UPDATE memberships SET development_id = $1, near_duplicate_of = NULL, seq = $4
                     WHERE report_id = $2 AND development_id = $3",
                    &[&to.0, &rep.0, &r.from.0, &seq],
                )
                .await?;
            if n == 0 {
                return Err(StoreError::Conflict(format!(
                    "report #{} is not in development #{}",
                    rep.0, r.from.0
                )));
            }
        }
        match &r.from_summary {
            Some(s) => write_summary(&tx, r.from, s, at).await?,
            None => {
                let left: i64 = tx
                    .query_one(
                        "SELECT COUNT(*) FROM memberships WHERE development_id = $1",
                        &[&r.from.0],
                    )
                    .await?
                    .try_get(0)?;
                if left != 0 {
                    return Err(StoreError::Conflict(format!(
                        "development #{} still has {left} reports",
                        r.from.0
                    )));
                }
                tx.execute(
                    "UPDATE developments SET status = 'merged', merged_into = $1, version = version + 1,
                     updated_at = $2 WHERE id = $3",
                    &[&to.0, &us(at), &r.from.0],
                )
                .await?;
                tx.execute("DELETE FROM development_facets WHERE development_id = $1", &[&r.from.0])
                    .await?;
            }
        }
        insert_record(&tx, from.briefing_id, r.from, &r.record).await?;
        if to != r.from {
            insert_record(&tx, from.briefing_id, to, &r.record).await?;
        }
        let out = (get_dev(&tx, r.from).await?, get_dev(&tx, to).await?);
        tx.commit().await?;
        Ok(out)
    }

    async fn desk_records(&self, id: DevelopmentId) -> Result<Vec<DeskRecord>> {
        let c = self.conn().await?;
        c.query(
            "SELECT * FROM desk_records WHERE development_id = $1 ORDER BY id",
            &[&id.0],
        )
        .await?
        .iter()
        .map(|r| {
            Ok(DeskRecord {
                id: r.try_get("id")?,
                briefing_id: BriefingId(r.try_get("briefing_id")?),
                development_id: DevelopmentId(r.try_get("development_id")?),
                action: r.try_get("action")?,
                actor_id: UserId(r.try_get("actor_id")?),
                actor_name: r.try_get("actor_name")?,
                at: ts(r.try_get("at")?)?,
                detail: r.try_get("detail")?,
            })
        })
        .collect()
    }

    async fn development_of_entry(&self, entry: EntryId) -> Result<Option<Development>> {
        let c = self.conn().await?;
        c.query_opt("SELECT * FROM developments WHERE entry_id = $1", &[&entry.0])
            .await?
            .as_ref()
            .map(dev_from)
            .transpose()
    }

    async fn lock_grouping(&self) -> Result<GroupingLock> {
        self.grouping_lock().await
    }

    async fn membership_seq(&self) -> Result<i64> {
        let c = self.conn().await?;
        Ok(
            c.query_one("SELECT COALESCE(MAX(seq), 0)::BIGINT FROM memberships", &[])
                .await?
                .try_get(0)?,
        )
    }

    async fn membership_changes(&self, after: (i64, ReportId), limit: usize) -> Result<Vec<MembershipChange>> {
        let c = self.conn().await?;
        c.query(
            "SELECT m.seq, r.briefing_id, m.report_id, m.development_id FROM memberships m
             JOIN reports r ON r.id = m.report_id WHERE (m.seq, m.report_id) > ($1, $2)
             ORDER BY m.seq, m.report_id LIMIT $3",
            &[&after.0, &after.1.0, &(limit as i64)],
        )
        .await?
        .iter()
        .map(|r| {
            Ok(MembershipChange {
                seq: r.try_get(0)?,
                briefing_id: BriefingId(r.try_get(1)?),
                report_id: ReportId(r.try_get(2)?),
                development_id: DevelopmentId(r.try_get(3)?),
            })
        })
        .collect()
    }
}
