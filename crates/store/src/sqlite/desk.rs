//! Developments, memberships and desk records in SQLite.

use async_trait::async_trait;
use livebrief_model::{
    BriefingId, DeskRecord, DevStatus, Development, DevelopmentId, EntryId, Facets, Membership, Report, ReportId,
    Summary, Timestamp, UserId,
};
use rusqlite::types::Value as SqlValue;
use rusqlite::{OptionalExtension, Row, Transaction, params, params_from_iter};

use super::{SqliteStore, conv_err, date_from, report_from, ts, us};
use crate::codec;
use crate::desk::{
    Attach, DeskStore, DevOrder, DevQuery, DevUpdate, FacetKind, GroupingLock, MembershipChange, NewRecord, Regroup,
    Target,
};
use crate::{Result, StoreError};

fn dev_from(r: &Row<'_>) -> rusqlite::Result<Development> {
    let status: String = r.get("status")?;
    let draft: String = r.get("draft")?;
    let edited: Option<String> = r.get("edited")?;
    let facets: String = r.get("facets")?;
    Ok(Development {
        id: DevelopmentId(r.get("id")?),
        briefing_id: BriefingId(r.get("briefing_id")?),
        status: DevStatus::parse(&status).ok_or_else(|| conv_err(format!("unknown development status {status:?}")))?,
        version: r.get("version")?,
        created_at: ts(r.get("created_at")?)?,
        updated_at: ts(r.get("updated_at")?)?,
        first_report_at: ts(r.get("first_report_at")?)?,
        last_report_at: ts(r.get("last_report_at")?)?,
        earliest_published: date_from(&r.get::<_, String>("earliest_published")?)?,
        report_count: r.get("report_count")?,
        outlet_count: r.get("outlet_count")?,
        draft: codec::decode_draft(&draft).map_err(|e| conv_err(e.to_string()))?,
        edited: edited
            .as_deref()
            .map(codec::decode_edited)
            .transpose()
            .map_err(|e| conv_err(e.to_string()))?,
        entry_id: r.get::<_, Option<i64>>("entry_id")?.map(EntryId),
        dismissed: r.get("dismissed")?,
        merged_into: r.get::<_, Option<i64>>("merged_into")?.map(DevelopmentId),
        reports_since_publish: r.get("reports_since_publish")?,
        facets: codec::decode_facets(&facets).map_err(|e| conv_err(e.to_string()))?,
    })
}

fn membership_from(r: &Row<'_>) -> rusqlite::Result<Membership> {
    Ok(Membership {
        report_id: ReportId(r.get("m_report_id")?),
        development_id: DevelopmentId(r.get("m_development_id")?),
        near_duplicate_of: r.get::<_, Option<i64>>("m_near_duplicate_of")?.map(ReportId),
        score: r.get::<_, f64>("m_score")? as f32,
        added_at: ts(r.get("m_added_at")?)?,
    })
}

const MEMBERSHIP_COLS: &str = "m.report_id AS m_report_id, m.development_id AS m_development_id,
    m.near_duplicate_of AS m_near_duplicate_of, m.score AS m_score, m.added_at AS m_added_at";

fn get_dev(tx: &Transaction<'_>, id: DevelopmentId) -> Result<Development> {
    Ok(tx.query_row("SELECT * FROM developments WHERE id = ?", [id.0], dev_from)?)
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
fn write_summary(tx: &Transaction<'_>, id: DevelopmentId, s: &Summary, at: Timestamp) -> Result<()> {
    let n = tx.execute(
        "UPDATE developments SET version = version + 1, updated_at = ?, first_report_at = ?, last_report_at = ?,
         earliest_published = ?, report_count = ?, outlet_count = ?, draft = ?, facets = ? WHERE id = ?",
        params![
            us(at),
            us(s.first_report_at),
            us(s.last_report_at),
            s.earliest_published.to_string(),
            s.report_count,
            s.outlet_count,
            codec::encode_draft(&s.draft),
            codec::encode_facets(&s.facets),
            id.0
        ],
    )?;
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    tx.execute("DELETE FROM development_facets WHERE development_id = ?", [id.0])?;
    let mut ins =
        tx.prepare_cached("INSERT OR IGNORE INTO development_facets (development_id, kind, value) VALUES (?,?,?)")?;
    for (k, v) in facet_rows(&s.facets) {
        ins.execute(params![id.0, k.as_str(), v])?;
    }
    Ok(())
}

fn create_dev(tx: &Transaction<'_>, briefing: BriefingId, s: &Summary, at: Timestamp) -> Result<DevelopmentId> {
    tx.execute(
        "INSERT INTO developments (briefing_id, status, version, created_at, updated_at, first_report_at,
         last_report_at, earliest_published, report_count, outlet_count, draft, reports_since_publish, facets)
         VALUES (?, 'open', 0, ?, ?, ?, ?, ?, 0, 0, '', 0, '{}')",
        params![
            briefing.0,
            us(at),
            us(at),
            us(s.first_report_at),
            us(s.last_report_at),
            s.earliest_published.to_string()
        ],
    )?;
    let id = DevelopmentId(tx.last_insert_rowid());
    write_summary(tx, id, s, at)?;
    Ok(id)
}

fn insert_record(tx: &Transaction<'_>, briefing: BriefingId, dev: DevelopmentId, r: &NewRecord) -> Result<()> {
    tx.execute(
        "INSERT INTO desk_records (briefing_id, development_id, action, actor_id, actor_name, at, detail)
         VALUES (?,?,?,?,?,?,?)",
        params![
            briefing.0,
            dev.0,
            r.action,
            r.actor_id.0,
            r.actor_name,
            us(r.at),
            r.detail
        ],
    )?;
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
impl DeskStore for SqliteStore {
    async fn attach(&self, a: &Attach, at: Timestamp) -> Result<Development> {
        let a = a.clone();
        self.write(move |c| {
            let tx = c.transaction()?;
            let previous: Option<i64> = tx
                .query_row(
                    "SELECT development_id FROM memberships WHERE report_id = ?",
                    [a.report_id.0],
                    |r| r.get(0),
                )
                .optional()?;
            let id = match a.target {
                Target::New => create_dev(&tx, a.briefing_id, &a.summary, at)?,
                Target::Existing(id) => {
                    let d = get_dev(&tx, id)?;
                    if d.briefing_id != a.briefing_id {
                        return Err(StoreError::Conflict("the development is in another briefing".into()));
                    }
                    write_summary(&tx, id, &a.summary, at)?;
                    if d.status == DevStatus::Published && previous != Some(id.0) {
                        tx.execute(
                            "UPDATE developments SET reports_since_publish = reports_since_publish + 1 WHERE id = ?",
                            [id.0],
                        )?;
                    }
                    id
                }
            };
            tx.execute(
                "INSERT INTO memberships (report_id, development_id, near_duplicate_of, score, added_at, seq)
                 VALUES (?,?,?,?,?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM memberships))
                 ON CONFLICT (report_id) DO UPDATE SET development_id = excluded.development_id,
                 near_duplicate_of = excluded.near_duplicate_of, score = excluded.score, seq = excluded.seq",
                params![
                    a.report_id.0,
                    id.0,
                    a.near_duplicate_of.map(|r| r.0),
                    f64::from(a.score),
                    us(at)
                ],
            )?;
            let d = get_dev(&tx, id)?;
            tx.commit()?;
            Ok(d)
        })
        .await
    }

    async fn set_summary(&self, id: DevelopmentId, summary: &Summary, at: Timestamp) -> Result<Development> {
        let s = summary.clone();
        self.write(move |c| {
            let tx = c.transaction()?;
            write_summary(&tx, id, &s, at)?;
            let d = get_dev(&tx, id)?;
            tx.commit()?;
            Ok(d)
        })
        .await
    }

    async fn development(&self, id: DevelopmentId) -> Result<Option<Development>> {
        self.read(move |c| {
            Ok(c.query_row("SELECT * FROM developments WHERE id = ?", [id.0], dev_from)
                .optional()?)
        })
        .await
    }

    async fn list_developments(&self, q: &DevQuery) -> Result<Vec<Development>> {
        let q = q.clone();
        self.read(move |c| {
            let mut sql = String::from("SELECT d.* FROM developments d WHERE d.briefing_id = ?");
            let mut args: Vec<SqlValue> = vec![SqlValue::Integer(q.briefing_id.0)];
            if !q.statuses.is_empty() {
                sql.push_str(" AND d.status IN (");
                sql.push_str(&vec!["?"; q.statuses.len()].join(","));
                sql.push(')');
                args.extend(q.statuses.iter().map(|s| SqlValue::Text(s.as_str().into())));
            }
            for (kind, value) in &q.filters {
                sql.push_str(
                    " AND EXISTS (SELECT 1 FROM development_facets f WHERE f.development_id = d.id
                      AND f.kind = ? AND f.value = ?)",
                );
                args.push(SqlValue::Text(kind.as_str().into()));
                args.push(SqlValue::Text(value.clone()));
            }
            sql.push_str(match q.order {
                DevOrder::Recent => " ORDER BY d.last_report_at DESC, d.id DESC",
                DevOrder::Corroborated => " ORDER BY d.outlet_count DESC, d.last_report_at DESC, d.id DESC",
            });
            sql.push_str(" LIMIT ? OFFSET ?");
            args.push(SqlValue::Integer(q.limit as i64));
            args.push(SqlValue::Integer(q.offset as i64));
            let mut st = c.prepare_cached(&sql)?;
            let rows = st.query_map(params_from_iter(args), dev_from)?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
        .await
    }

    async fn facet_values(&self, briefing: BriefingId, kind: FacetKind, limit: usize) -> Result<Vec<(String, u64)>> {
        self.read(move |c| {
            let mut st = c.prepare_cached(
                "SELECT f.value, COUNT(*) AS n FROM development_facets f JOIN developments d ON d.id = f.development_id
                 WHERE d.briefing_id = ? AND d.status IN ('open', 'published') AND f.kind = ?
                 GROUP BY f.value ORDER BY n DESC, f.value LIMIT ?",
            )?;
            let rows = st.query_map(params![briefing.0, kind.as_str(), limit as i64], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?.max(0) as u64))
            })?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
        .await
    }

    async fn development_reports(&self, id: DevelopmentId) -> Result<Vec<(Membership, Report)>> {
        self.read(move |c| {
            let mut st = c.prepare_cached(&format!(
                "SELECT r.*, {MEMBERSHIP_COLS} FROM memberships m JOIN reports r ON r.id = m.report_id
                 WHERE m.development_id = ? ORDER BY r.published, r.received_at, r.id"
            ))?;
            let rows = st.query_map([id.0], |r| Ok((membership_from(r)?, report_from(r)?)))?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
        .await
    }

    async fn membership(&self, report: ReportId) -> Result<Option<Membership>> {
        self.read(move |c| {
            Ok(c.query_row(
                &format!("SELECT {MEMBERSHIP_COLS} FROM memberships m WHERE m.report_id = ?"),
                [report.0],
                membership_from,
            )
            .optional()?)
        })
        .await
    }

    async fn memberships_since(&self, since: Timestamp) -> Result<Vec<(Membership, Report)>> {
        self.read(move |c| {
            let mut st = c.prepare_cached(&format!(
                "SELECT r.*, {MEMBERSHIP_COLS} FROM memberships m JOIN reports r ON r.id = m.report_id
                 WHERE r.received_at >= ? ORDER BY r.received_at, r.id"
            ))?;
            let rows = st.query_map([us(since)], |r| Ok((membership_from(r)?, report_from(r)?)))?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
        .await
    }

    async fn update_development(&self, u: &DevUpdate) -> Result<Development> {
        let u = u.clone();
        self.write(move |c| {
            let tx = c.transaction()?;
            let d = get_dev(&tx, u.id)?;
            check_version(&d, u.version)?;
            tx.execute(
                "UPDATE developments SET version = version + 1, updated_at = ?, status = ?, edited = ?, entry_id = ?,
                 dismissed = ?, reports_since_publish = CASE WHEN ? THEN 0 ELSE reports_since_publish END
                 WHERE id = ?",
                params![
                    us(u.record.at),
                    u.status.as_str(),
                    u.edited.as_ref().map(codec::encode_edited),
                    u.entry_id.map(|e| e.0),
                    u.dismissed,
                    u.reset_since_publish,
                    u.id.0
                ],
            )?;
            insert_record(&tx, d.briefing_id, u.id, &u.record)?;
            let d = get_dev(&tx, u.id)?;
            tx.commit()?;
            Ok(d)
        })
        .await
    }

    async fn regroup(&self, r: &Regroup) -> Result<(Development, Development)> {
        let r = r.clone();
        self.write(move |c| {
            let tx = c.transaction()?;
            let from = get_dev(&tx, r.from)?;
            check_version(&from, r.from_version)?;
            let at = r.record.at;
            let to = match r.to {
                Target::New => create_dev(&tx, from.briefing_id, &r.to_summary, at)?,
                Target::Existing(id) => {
                    let d = get_dev(&tx, id)?;
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
                    write_summary(&tx, id, &r.to_summary, at)?;
                    if d.status == DevStatus::Published {
                        // Moved in after publication: news for the entry, as a new report would be.
                        tx.execute(
                            "UPDATE developments SET reports_since_publish = reports_since_publish + ? WHERE id = ?",
                            params![r.reports.len() as i64, id.0],
                        )?;
                    }
                    id
                }
            };
            {
                let seq: i64 = tx.query_row("SELECT COALESCE(MAX(seq), 0) + 1 FROM memberships", [], |x| x.get(0))?;
                let mut mv = tx.prepare_cached(
                    "UPDATE memberships SET development_id = ?, near_duplicate_of = NULL, seq = ?
                     WHERE report_id = ? AND development_id = ?",
                )?;
                for rep in &r.reports {
                    if mv.execute(params![to.0, seq, rep.0, r.from.0])? == 0 {
                        return Err(StoreError::Conflict(format!(
                            "report #{} is not in development #{}",
                            rep.0, r.from.0
                        )));
                    }
                }
            }
            match &r.from_summary {
                Some(s) => write_summary(&tx, r.from, s, at)?,
                None => {
                    let left: i64 = tx.query_row(
                        "SELECT COUNT(*) FROM memberships WHERE development_id = ?",
                        [r.from.0],
                        |x| x.get(0),
                    )?;
                    if left != 0 {
                        return Err(StoreError::Conflict(format!(
                            "development #{} still has {left} reports",
                            r.from.0
                        )));
                    }
                    tx.execute(
                        "UPDATE developments SET status = 'merged', merged_into = ?, version = version + 1,
                         updated_at = ? WHERE id = ?",
                        params![to.0, us(at), r.from.0],
                    )?;
                    tx.execute("DELETE FROM development_facets WHERE development_id = ?", [r.from.0])?;
                }
            }
            insert_record(&tx, from.briefing_id, r.from, &r.record)?;
            if to != r.from {
                insert_record(&tx, from.briefing_id, to, &r.record)?;
            }
            let out = (get_dev(&tx, r.from)?, get_dev(&tx, to)?);
            tx.commit()?;
            Ok(out)
        })
        .await
    }

    async fn desk_records(&self, id: DevelopmentId) -> Result<Vec<DeskRecord>> {
        self.read(move |c| {
            let mut st = c.prepare_cached("SELECT * FROM desk_records WHERE development_id = ? ORDER BY id")?;
            let rows = st.query_map([id.0], |r| {
                Ok(DeskRecord {
                    id: r.get("id")?,
                    briefing_id: BriefingId(r.get("briefing_id")?),
                    development_id: DevelopmentId(r.get("development_id")?),
                    action: r.get("action")?,
                    actor_id: UserId(r.get("actor_id")?),
                    actor_name: r.get("actor_name")?,
                    at: ts(r.get("at")?)?,
                    detail: r.get("detail")?,
                })
            })?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
        .await
    }

    async fn development_of_entry(&self, entry: EntryId) -> Result<Option<Development>> {
        self.read(move |c| {
            Ok(
                c.query_row("SELECT * FROM developments WHERE entry_id = ?", [entry.0], dev_from)
                    .optional()?,
            )
        })
        .await
    }

    async fn lock_grouping(&self) -> Result<GroupingLock> {
        // One process per data directory (the data-directory lock): the caller's own lock is enough.
        Ok(GroupingLock::local())
    }

    async fn membership_seq(&self) -> Result<i64> {
        self.read(|c| Ok(c.query_row("SELECT COALESCE(MAX(seq), 0) FROM memberships", [], |r| r.get(0))?))
            .await
    }

    async fn membership_changes(&self, after: (i64, ReportId), limit: usize) -> Result<Vec<MembershipChange>> {
        self.read(move |c| {
            let mut st = c.prepare_cached(
                "SELECT m.seq, r.briefing_id, m.report_id, m.development_id FROM memberships m
                 JOIN reports r ON r.id = m.report_id WHERE (m.seq, m.report_id) > (?, ?)
                 ORDER BY m.seq, m.report_id LIMIT ?",
            )?;
            let rows = st
                .query_map(params![after.0, after.1.0, limit as i64], |r| {
                    Ok(MembershipChange {
                        seq: r.get(0)?,
                        briefing_id: BriefingId(r.get(1)?),
                        report_id: ReportId(r.get(2)?),
                        development_id: DevelopmentId(r.get(3)?),
                    })
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(rows)
        })
        .await
    }
}
