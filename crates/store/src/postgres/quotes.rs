//! Speakers, their spellings and tracked quotes in PostgreSQL.

use std::collections::HashSet;

use async_trait::async_trait;
use livebrief_model::reading::QuoteKind;
use livebrief_model::{
    BriefingId, DevelopmentId, EntryId, NewQuote, ReportId, Speaker, SpeakerAlias, SpeakerId, Timestamp, TrackedQuote,
    TrackedQuoteId,
};
use tokio_postgres::{GenericClient, Row};

use super::{Params, PgStore, conv_err, next_arg, refs, ts, us};
use crate::quotes::{QuoteCursor, QuotePage, QuoteQuery, QuoteStore};
use crate::sqlite::{date_from, topics_from};
use crate::{Result, StoreError};

/// The public quotes of a speaker, in one briefing or all.
const PUBLIC: &str = "e.status = 'published'";

fn alias_from(r: &Row) -> Result<SpeakerAlias> {
    Ok(SpeakerAlias {
        key: r.try_get("key")?,
        spelling: r.try_get("spelling")?,
        surname: r.try_get("surname")?,
        given: r.try_get("given")?,
        quote_count: r.try_get::<_, i64>("n")?.max(0) as u64,
    })
}

/// A speaker with its spellings; `count` is the quote count the caller computed.
async fn load_speaker<C: GenericClient + Sync>(c: &C, id: SpeakerId, count: Option<u64>) -> Result<Option<Speaker>> {
    let Some(row) = c
        .query_opt(
            "SELECT name, name_locked, merged_into, created_at, updated_at FROM speakers WHERE id = $1",
            &[&id.0],
        )
        .await?
    else {
        return Ok(None);
    };
    let aliases = c
        .query(
            &format!(
                "SELECT a.key, a.spelling, a.surname, a.given,
                   (SELECT COUNT(*) FROM tracked_quotes q JOIN entries e ON e.id = q.entry_id
                    WHERE q.speaker_id = a.speaker_id AND q.alias_key = a.key AND {PUBLIC}) AS n
                 FROM speaker_aliases a WHERE a.speaker_id = $1 ORDER BY a.id"
            ),
            &[&id.0],
        )
        .await?
        .iter()
        .map(alias_from)
        .collect::<Result<Vec<_>>>()?;
    let quote_count = match count {
        Some(n) => n,
        None => c
            .query_one(
                &format!(
                    "SELECT COUNT(*) FROM tracked_quotes q JOIN entries e ON e.id = q.entry_id
                     WHERE q.speaker_id = $1 AND {PUBLIC}"
                ),
                &[&id.0],
            )
            .await?
            .try_get::<_, i64>(0)?
            .max(0) as u64,
    };
    Ok(Some(Speaker {
        id,
        name: row.try_get(0)?,
        name_locked: row.try_get(1)?,
        aliases,
        quote_count,
        merged_into: row.try_get::<_, Option<i64>>(2)?.map(SpeakerId),
        created_at: ts(row.try_get(3)?)?,
        updated_at: ts(row.try_get(4)?)?,
    }))
}

async fn must_speaker<C: GenericClient + Sync>(c: &C, id: SpeakerId) -> Result<Speaker> {
    load_speaker(c, id, None).await?.ok_or(StoreError::NotFound)
}

async fn live_speaker<C: GenericClient + Sync>(c: &C, id: SpeakerId) -> Result<Speaker> {
    let s = must_speaker(c, id).await?;
    if let Some(into) = s.merged_into {
        return Err(StoreError::Conflict(format!(
            "speaker #{} was merged into speaker #{}",
            id.0, into.0
        )));
    }
    Ok(s)
}

async fn insert_alias<C: GenericClient + Sync>(
    c: &C,
    speaker: SpeakerId,
    a: &SpeakerAlias,
    at: Timestamp,
) -> Result<()> {
    c.execute(
        "INSERT INTO speaker_aliases (key, speaker_id, spelling, surname, given, created_at) VALUES ($1,$2,$3,$4,$5,$6)",
        &[&a.key, &speaker.0, &a.spelling, &a.surname, &a.given, &us(at)],
    )
    .await
    .map_err(|e| match StoreError::from(e) {
        StoreError::Conflict(_) => StoreError::Conflict(format!("the spelling “{}” belongs to another speaker", a.key)),
        other => other,
    })?;
    Ok(())
}

async fn new_speaker<C: GenericClient + Sync>(c: &C, name: &str, at: Timestamp) -> Result<SpeakerId> {
    let row = c
        .query_one(
            "INSERT INTO speakers (name, name_locked, created_at, updated_at) VALUES ($1, FALSE, $2, $2) RETURNING id",
            &[&name, &us(at)],
        )
        .await?;
    Ok(SpeakerId(row.try_get(0)?))
}

const QUOTE_COLS: &str = "q.id, q.briefing_id, q.speaker_id, s.name AS speaker_name, q.alias_key, q.entry_id,
    q.development_id, q.report_id, q.kind, q.text, q.said_on, q.reported_on, q.outlet, q.url, e.topics AS topics,
    q.recorded_at";

fn quote_from(r: &Row) -> Result<TrackedQuote> {
    let kind: String = r.try_get("kind")?;
    Ok(TrackedQuote {
        id: TrackedQuoteId(r.try_get("id")?),
        briefing_id: BriefingId(r.try_get("briefing_id")?),
        speaker_id: SpeakerId(r.try_get("speaker_id")?),
        speaker_name: r.try_get("speaker_name")?,
        alias_key: r.try_get("alias_key")?,
        entry_id: EntryId(r.try_get("entry_id")?),
        development_id: DevelopmentId(r.try_get("development_id")?),
        report_id: ReportId(r.try_get("report_id")?),
        kind: QuoteKind::parse(&kind).ok_or_else(|| conv_err(format!("unknown quote kind {kind:?}")))?,
        text: r.try_get("text")?,
        said_on: r.try_get::<_, Option<&str>>("said_on")?.map(date_from).transpose()?,
        reported_on: date_from(r.try_get("reported_on")?)?,
        outlet: r.try_get("outlet")?,
        url: r.try_get("url")?,
        topics: topics_from(r.try_get("topics")?)?,
        recorded_at: ts(r.try_get("recorded_at")?)?,
    })
}

async fn entry_quotes<C: GenericClient + Sync>(c: &C, entry: EntryId) -> Result<Vec<TrackedQuote>> {
    c.query(
        &format!(
            "SELECT {QUOTE_COLS} FROM tracked_quotes q JOIN speakers s ON s.id = q.speaker_id
             JOIN entries e ON e.id = q.entry_id WHERE q.entry_id = $1 ORDER BY q.report_id, q.ordinal"
        ),
        &[&entry.0],
    )
    .await?
    .iter()
    .map(quote_from)
    .collect()
}

#[async_trait]
impl QuoteStore for PgStore {
    async fn speaker_by_alias(&self, key: &str) -> Result<Option<Speaker>> {
        let c = self.conn().await?;
        let id: Option<i64> = c
            .query_opt(
                "SELECT a.speaker_id FROM speaker_aliases a JOIN speakers s ON s.id = a.speaker_id
                 WHERE a.key = $1 AND s.merged_into IS NULL",
                &[&key],
            )
            .await?
            .map(|r| r.try_get(0))
            .transpose()?;
        match id {
            Some(id) => load_speaker(&*c, SpeakerId(id), None).await,
            None => Ok(None),
        }
    }

    async fn speakers_by_surname(&self, surname: &str, briefing: BriefingId) -> Result<Vec<(Speaker, bool)>> {
        let c = self.conn().await?;
        let ids = c
            .query(
                "SELECT DISTINCT a.speaker_id,
                   EXISTS (SELECT 1 FROM tracked_quotes q WHERE q.speaker_id = a.speaker_id AND q.briefing_id = $1)
                 FROM speaker_aliases a JOIN speakers s ON s.id = a.speaker_id
                 WHERE a.surname = $2 AND s.merged_into IS NULL ORDER BY a.speaker_id",
                &[&briefing.0, &surname],
            )
            .await?
            .iter()
            .map(|r| Ok((SpeakerId(r.try_get(0)?), r.try_get::<_, bool>(1)?)))
            .collect::<Result<Vec<_>>>()?;
        let mut out = Vec::with_capacity(ids.len());
        for (id, local) in ids {
            if let Some(s) = load_speaker(&*c, id, None).await? {
                out.push((s, local));
            }
        }
        Ok(out)
    }

    async fn create_speaker(&self, name: &str, alias: &SpeakerAlias, at: Timestamp) -> Result<Speaker> {
        let mut c = self.conn().await?;
        let tx = c.transaction().await?;
        let id = new_speaker(&tx, name, at).await?;
        insert_alias(&tx, id, alias, at).await?;
        let s = must_speaker(&tx, id).await?;
        tx.commit().await?;
        Ok(s)
    }

    async fn add_alias(&self, speaker: SpeakerId, alias: &SpeakerAlias, at: Timestamp) -> Result<bool> {
        let mut c = self.conn().await?;
        let tx = c.transaction().await?;
        live_speaker(&tx, speaker).await?;
        let owner: Option<i64> = tx
            .query_opt("SELECT speaker_id FROM speaker_aliases WHERE key = $1", &[&alias.key])
            .await?
            .map(|r| r.try_get(0))
            .transpose()?;
        let added = match owner {
            Some(o) if o == speaker.0 => false,
            Some(_) => {
                return Err(StoreError::Conflict(format!(
                    "the spelling “{}” belongs to another speaker",
                    alias.key
                )));
            }
            None => {
                insert_alias(&tx, speaker, alias, at).await?;
                tx.execute(
                    "UPDATE speakers SET updated_at = $1 WHERE id = $2",
                    &[&us(at), &speaker.0],
                )
                .await?;
                true
            }
        };
        tx.commit().await?;
        Ok(added)
    }

    async fn set_speaker_name(&self, id: SpeakerId, name: &str, locked: bool, at: Timestamp) -> Result<Speaker> {
        let mut c = self.conn().await?;
        let tx = c.transaction().await?;
        live_speaker(&tx, id).await?;
        tx.execute(
            "UPDATE speakers SET name = $1, name_locked = (name_locked OR $2), updated_at = $3 WHERE id = $4",
            &[&name, &locked, &us(at), &id.0],
        )
        .await?;
        let s = must_speaker(&tx, id).await?;
        tx.commit().await?;
        Ok(s)
    }

    async fn record_quotes(
        &self,
        entry: EntryId,
        development: DevelopmentId,
        quotes: &[NewQuote],
        at: Timestamp,
    ) -> Result<Vec<TrackedQuote>> {
        let mut c = self.conn().await?;
        let tx = c.transaction().await?;
        let briefing: i64 = tx
            .query_opt("SELECT briefing_id FROM entries WHERE id = $1", &[&entry.0])
            .await?
            .ok_or(StoreError::NotFound)?
            .try_get(0)?;
        let up = tx
            .prepare(
                "INSERT INTO tracked_quotes (briefing_id, speaker_id, alias_key, entry_id, development_id,
                   report_id, ordinal, kind, text, said_on, reported_on, day, outlet, url, recorded_at)
                 VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15)
                 ON CONFLICT (entry_id, report_id, ordinal) DO UPDATE SET speaker_id = excluded.speaker_id,
                   alias_key = excluded.alias_key, development_id = excluded.development_id,
                   kind = excluded.kind, text = excluded.text, said_on = excluded.said_on,
                   reported_on = excluded.reported_on, day = excluded.day, outlet = excluded.outlet,
                   url = excluded.url
                 RETURNING id",
            )
            .await?;
        let mut kept: HashSet<i64> = HashSet::new();
        for q in quotes {
            let report_briefing: Option<i64> = tx
                .query_opt("SELECT briefing_id FROM reports WHERE id = $1", &[&q.report_id.0])
                .await?
                .map(|r| r.try_get(0))
                .transpose()?;
            if report_briefing != Some(briefing) {
                return Err(StoreError::Conflict(format!(
                    "report #{} is not a report of the entry's briefing",
                    q.report_id.0
                )));
            }
            live_speaker(&tx, q.speaker_id).await?;
            let id: i64 = tx
                .query_one(
                    &up,
                    &[
                        &briefing,
                        &q.speaker_id.0,
                        &q.alias_key,
                        &entry.0,
                        &development.0,
                        &q.report_id.0,
                        &i64::from(q.ordinal),
                        &q.kind.as_str(),
                        &q.text,
                        &q.said_on.map(|d| d.to_string()),
                        &q.reported_on.to_string(),
                        &q.said_on.unwrap_or(q.reported_on).to_string(),
                        &q.outlet,
                        &q.url,
                        &us(at),
                    ],
                )
                .await?
                .try_get(0)?;
            kept.insert(id);
        }
        let existing: Vec<i64> = tx
            .query("SELECT id FROM tracked_quotes WHERE entry_id = $1", &[&entry.0])
            .await?
            .iter()
            .map(|r| r.try_get(0))
            .collect::<Result<_, _>>()?;
        for id in existing.into_iter().filter(|id| !kept.contains(id)) {
            tx.execute("DELETE FROM tracked_quotes WHERE id = $1", &[&id]).await?;
        }
        let out = entry_quotes(&tx, entry).await?;
        tx.commit().await?;
        Ok(out)
    }

    async fn list_quotes(&self, q: &QuoteQuery) -> Result<QuotePage> {
        let mut sql = format!(
            "SELECT {QUOTE_COLS} FROM tracked_quotes q JOIN speakers s ON s.id = q.speaker_id
             JOIN entries e ON e.id = q.entry_id WHERE q.briefing_id = $1 AND {PUBLIC}"
        );
        let mut args: Params = vec![Box::new(q.briefing_id.0)];
        if let Some(s) = q.speaker {
            let p = next_arg(&mut args, Box::new(s.0));
            sql.push_str(&format!(" AND q.speaker_id = {p}"));
        }
        if let Some(t) = &q.topic {
            let p = next_arg(&mut args, Box::new(t.clone()));
            sql.push_str(&format!(
                " AND EXISTS (SELECT 1 FROM jsonb_array_elements_text(e.topics::jsonb) AS t(value)
                  WHERE lower(t.value) = lower({p}))"
            ));
        }
        if let Some(d) = q.from {
            let p = next_arg(&mut args, Box::new(d.to_string()));
            sql.push_str(&format!(" AND q.said_on COLLATE \"C\" >= {p}"));
        }
        if let Some(d) = q.to {
            let p = next_arg(&mut args, Box::new(d.to_string()));
            sql.push_str(&format!(" AND q.said_on COLLATE \"C\" <= {p}"));
        }
        if let Some(cur) = q.before {
            let a = next_arg(&mut args, Box::new(cur.day.to_string()));
            let b = next_arg(&mut args, Box::new(cur.id.0));
            sql.push_str(&format!(" AND (q.day COLLATE \"C\", q.id) < ({a}, {b})"));
        }
        let limit = q.limit.clamp(1, 200);
        let l = next_arg(&mut args, Box::new(limit as i64 + 1));
        sql.push_str(&format!(" ORDER BY q.day COLLATE \"C\" DESC, q.id DESC LIMIT {l}"));
        let c = self.conn().await?;
        let mut items = c
            .query(&sql, &refs(&args))
            .await?
            .iter()
            .map(quote_from)
            .collect::<Result<Vec<_>>>()?;
        let next = if items.len() > limit {
            items.truncate(limit);
            items.last().map(|x| QuoteCursor { day: x.day(), id: x.id })
        } else {
            None
        };
        Ok(QuotePage { items, next })
    }

    async fn entry_quotes(&self, entry: EntryId) -> Result<Vec<TrackedQuote>> {
        let c = self.conn().await?;
        entry_quotes(&*c, entry).await
    }

    async fn briefing_speakers(&self, briefing: BriefingId) -> Result<Vec<Speaker>> {
        let c = self.conn().await?;
        let counts = c
            .query(
                &format!(
                    "SELECT q.speaker_id, COUNT(*) AS n FROM tracked_quotes q JOIN entries e ON e.id = q.entry_id
                     WHERE q.briefing_id = $1 AND {PUBLIC} GROUP BY q.speaker_id"
                ),
                &[&briefing.0],
            )
            .await?
            .iter()
            .map(|r| Ok((SpeakerId(r.try_get(0)?), r.try_get::<_, i64>(1)?.max(0) as u64)))
            .collect::<Result<Vec<_>>>()?;
        let mut out = Vec::with_capacity(counts.len());
        for (id, n) in counts {
            if let Some(s) = load_speaker(&*c, id, Some(n)).await? {
                out.push(s);
            }
        }
        out.sort_by(|a, b| {
            b.quote_count
                .cmp(&a.quote_count)
                .then_with(|| a.name.to_lowercase().cmp(&b.name.to_lowercase()))
                .then(a.id.cmp(&b.id))
        });
        Ok(out)
    }

    async fn speaker(&self, id: SpeakerId) -> Result<Option<Speaker>> {
        let c = self.conn().await?;
        load_speaker(&*c, id, None).await
    }

    async fn list_speakers(&self, offset: usize, limit: usize) -> Result<Vec<Speaker>> {
        let c = self.conn().await?;
        let ids = c
            .query(
                "SELECT id FROM speakers WHERE merged_into IS NULL ORDER BY lower(name) COLLATE \"C\", id
                 LIMIT $1 OFFSET $2",
                &[&(limit.min(1000) as i64), &(offset as i64)],
            )
            .await?
            .iter()
            .map(|r| Ok(SpeakerId(r.try_get(0)?)))
            .collect::<Result<Vec<_>>>()?;
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(s) = load_speaker(&*c, id, None).await? {
                out.push(s);
            }
        }
        Ok(out)
    }

    async fn merge_speakers(&self, from: SpeakerId, into: SpeakerId, at: Timestamp) -> Result<Speaker> {
        if from == into {
            return Err(StoreError::Conflict("a speaker cannot be merged into itself".into()));
        }
        let mut c = self.conn().await?;
        let tx = c.transaction().await?;
        // Both rows locked, in id order (two merges of the same pair cannot deadlock).
        tx.execute(
            "SELECT id FROM speakers WHERE id IN ($1, $2) ORDER BY id FOR UPDATE",
            &[&from.0, &into.0],
        )
        .await?;
        live_speaker(&tx, from).await?;
        live_speaker(&tx, into).await?;
        tx.execute(
            "UPDATE speaker_aliases SET speaker_id = $1 WHERE speaker_id = $2",
            &[&into.0, &from.0],
        )
        .await?;
        tx.execute(
            "UPDATE tracked_quotes SET speaker_id = $1 WHERE speaker_id = $2",
            &[&into.0, &from.0],
        )
        .await?;
        // Pages that pointed at `from` now point straight at `into`.
        tx.execute(
            "UPDATE speakers SET merged_into = $1 WHERE merged_into = $2",
            &[&into.0, &from.0],
        )
        .await?;
        tx.execute(
            "UPDATE speakers SET merged_into = $1, updated_at = $2 WHERE id = $3",
            &[&into.0, &us(at), &from.0],
        )
        .await?;
        tx.execute("UPDATE speakers SET updated_at = $1 WHERE id = $2", &[&us(at), &into.0])
            .await?;
        let s = must_speaker(&tx, into).await?;
        tx.commit().await?;
        Ok(s)
    }

    async fn split_speaker(&self, from: SpeakerId, aliases: &[String], name: &str, at: Timestamp) -> Result<Speaker> {
        let mut c = self.conn().await?;
        let tx = c.transaction().await?;
        tx.execute("SELECT id FROM speakers WHERE id = $1 FOR UPDATE", &[&from.0])
            .await?;
        let s = live_speaker(&tx, from).await?;
        if aliases.is_empty() {
            return Err(StoreError::Conflict("no spelling to split off".into()));
        }
        if let Some(a) = aliases.iter().find(|a| !s.aliases.iter().any(|x| &x.key == *a)) {
            return Err(StoreError::Conflict(format!(
                "“{a}” is not a spelling of speaker #{}",
                from.0
            )));
        }
        let leaving: HashSet<&String> = aliases.iter().collect();
        if s.aliases.iter().all(|x| leaving.contains(&x.key)) {
            return Err(StoreError::Conflict("a speaker keeps at least one spelling".into()));
        }
        let id = new_speaker(&tx, name, at).await?;
        for a in &leaving {
            tx.execute(
                "UPDATE speaker_aliases SET speaker_id = $1 WHERE key = $2 AND speaker_id = $3",
                &[&id.0, a, &from.0],
            )
            .await?;
            tx.execute(
                "UPDATE tracked_quotes SET speaker_id = $1 WHERE alias_key = $2 AND speaker_id = $3",
                &[&id.0, a, &from.0],
            )
            .await?;
        }
        tx.execute("UPDATE speakers SET updated_at = $1 WHERE id = $2", &[&us(at), &from.0])
            .await?;
        let out = must_speaker(&tx, id).await?;
        tx.commit().await?;
        Ok(out)
    }
}
