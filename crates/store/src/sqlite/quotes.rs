//! Speakers, their spellings and tracked quotes in SQLite.

use std::collections::HashSet;

use async_trait::async_trait;
use livebrief_model::reading::QuoteKind;
use livebrief_model::{
    BriefingId, DevelopmentId, EntryId, NewQuote, ReportId, Speaker, SpeakerAlias, SpeakerId, Timestamp, TrackedQuote,
    TrackedQuoteId,
};
use rusqlite::types::Value as SqlValue;
use rusqlite::{Connection, OptionalExtension, Row, params, params_from_iter};

use super::{SqliteStore, conv_err, date_from, topics_from, ts, us};
use crate::quotes::{QuoteCursor, QuotePage, QuoteQuery, QuoteStore};
use crate::{Result, StoreError};

/// The public quotes of a speaker, in one briefing or all.
const PUBLIC: &str = "e.status = 'published'";

fn alias_from(r: &Row<'_>) -> rusqlite::Result<SpeakerAlias> {
    Ok(SpeakerAlias {
        key: r.get("key")?,
        spelling: r.get("spelling")?,
        surname: r.get("surname")?,
        given: r.get("given")?,
        quote_count: r.get::<_, i64>("n")?.max(0) as u64,
    })
}

/// A speaker with its spellings; `count` is the quote count the caller computed.
fn load_speaker(c: &Connection, id: SpeakerId, count: Option<u64>) -> Result<Option<Speaker>> {
    let row = c
        .query_row(
            "SELECT id, name, name_locked, merged_into, created_at, updated_at FROM speakers WHERE id = ?",
            [id.0],
            |r| {
                Ok((
                    r.get::<_, String>(1)?,
                    r.get::<_, bool>(2)?,
                    r.get::<_, Option<i64>>(3)?,
                    ts(r.get(4)?)?,
                    ts(r.get(5)?)?,
                ))
            },
        )
        .optional()?;
    let Some((name, name_locked, merged_into, created_at, updated_at)) = row else {
        return Ok(None);
    };
    let mut st = c.prepare_cached(&format!(
        "SELECT a.key, a.spelling, a.surname, a.given,
           (SELECT COUNT(*) FROM tracked_quotes q JOIN entries e ON e.id = q.entry_id
            WHERE q.speaker_id = a.speaker_id AND q.alias_key = a.key AND {PUBLIC}) AS n
         FROM speaker_aliases a WHERE a.speaker_id = ? ORDER BY a.rowid"
    ))?;
    let aliases = st
        .query_map([id.0], alias_from)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let quote_count = match count {
        Some(n) => n,
        None => c
            .query_row(
                &format!(
                    "SELECT COUNT(*) FROM tracked_quotes q JOIN entries e ON e.id = q.entry_id
                 WHERE q.speaker_id = ? AND {PUBLIC}"
                ),
                [id.0],
                |r| r.get::<_, i64>(0),
            )?
            .max(0) as u64,
    };
    Ok(Some(Speaker {
        id,
        name,
        name_locked,
        aliases,
        quote_count,
        merged_into: merged_into.map(SpeakerId),
        created_at,
        updated_at,
    }))
}

fn must_speaker(c: &Connection, id: SpeakerId) -> Result<Speaker> {
    load_speaker(c, id, None)?.ok_or(StoreError::NotFound)
}

fn live_speaker(c: &Connection, id: SpeakerId) -> Result<Speaker> {
    let s = must_speaker(c, id)?;
    if let Some(into) = s.merged_into {
        return Err(StoreError::Conflict(format!(
            "speaker #{} was merged into speaker #{}",
            id.0, into.0
        )));
    }
    Ok(s)
}

fn insert_alias(c: &Connection, speaker: SpeakerId, a: &SpeakerAlias, at: Timestamp) -> Result<()> {
    c.execute(
        "INSERT INTO speaker_aliases (key, speaker_id, spelling, surname, given, created_at) VALUES (?,?,?,?,?,?)",
        params![a.key, speaker.0, a.spelling, a.surname, a.given, us(at)],
    )
    .map_err(|e| match StoreError::from(e) {
        StoreError::Conflict(_) => StoreError::Conflict(format!("the spelling “{}” belongs to another speaker", a.key)),
        other => other,
    })?;
    Ok(())
}

fn new_speaker(c: &Connection, name: &str, at: Timestamp) -> Result<SpeakerId> {
    c.execute(
        "INSERT INTO speakers (name, name_locked, created_at, updated_at) VALUES (?, 0, ?, ?)",
        params![name, us(at), us(at)],
    )?;
    Ok(SpeakerId(c.last_insert_rowid()))
}

const QUOTE_COLS: &str = "q.id, q.briefing_id, q.speaker_id, s.name AS speaker_name, q.alias_key, q.entry_id,
    q.development_id, q.report_id, q.kind, q.text, q.said_on, q.reported_on, q.outlet, q.url, e.topics AS topics,
    q.recorded_at";

fn quote_from(r: &Row<'_>) -> rusqlite::Result<TrackedQuote> {
    let kind: String = r.get("kind")?;
    Ok(TrackedQuote {
        id: TrackedQuoteId(r.get("id")?),
        briefing_id: BriefingId(r.get("briefing_id")?),
        speaker_id: SpeakerId(r.get("speaker_id")?),
        speaker_name: r.get("speaker_name")?,
        alias_key: r.get("alias_key")?,
        entry_id: EntryId(r.get("entry_id")?),
        development_id: DevelopmentId(r.get("development_id")?),
        report_id: ReportId(r.get("report_id")?),
        kind: QuoteKind::parse(&kind).ok_or_else(|| conv_err(format!("unknown quote kind {kind:?}")))?,
        text: r.get("text")?,
        said_on: r
            .get::<_, Option<String>>("said_on")?
            .as_deref()
            .map(date_from)
            .transpose()?,
        reported_on: date_from(&r.get::<_, String>("reported_on")?)?,
        outlet: r.get("outlet")?,
        url: r.get("url")?,
        topics: topics_from(&r.get::<_, String>("topics")?)?,
        recorded_at: ts(r.get("recorded_at")?)?,
    })
}

fn entry_quotes(c: &Connection, entry: EntryId) -> Result<Vec<TrackedQuote>> {
    let mut st = c.prepare_cached(&format!(
        "SELECT {QUOTE_COLS} FROM tracked_quotes q JOIN speakers s ON s.id = q.speaker_id
         JOIN entries e ON e.id = q.entry_id WHERE q.entry_id = ? ORDER BY q.report_id, q.ordinal"
    ))?;
    let rows = st.query_map([entry.0], quote_from)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

#[async_trait]
impl QuoteStore for SqliteStore {
    async fn speaker_by_alias(&self, key: &str) -> Result<Option<Speaker>> {
        let key = key.to_string();
        self.read(move |c| {
            let id: Option<i64> = c
                .query_row(
                    "SELECT a.speaker_id FROM speaker_aliases a JOIN speakers s ON s.id = a.speaker_id
                     WHERE a.key = ? AND s.merged_into IS NULL",
                    [key],
                    |r| r.get(0),
                )
                .optional()?;
            match id {
                Some(id) => load_speaker(c, SpeakerId(id), None),
                None => Ok(None),
            }
        })
        .await
    }

    async fn speakers_by_surname(&self, surname: &str, briefing: BriefingId) -> Result<Vec<(Speaker, bool)>> {
        let surname = surname.to_string();
        self.read(move |c| {
            let mut st = c.prepare_cached(
                "SELECT DISTINCT a.speaker_id,
                   EXISTS (SELECT 1 FROM tracked_quotes q WHERE q.speaker_id = a.speaker_id AND q.briefing_id = ?)
                 FROM speaker_aliases a JOIN speakers s ON s.id = a.speaker_id
                 WHERE a.surname = ? AND s.merged_into IS NULL ORDER BY a.speaker_id",
            )?;
            let ids = st
                .query_map(params![briefing.0, surname], |r| {
                    Ok((SpeakerId(r.get(0)?), r.get::<_, bool>(1)?))
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            let mut out = Vec::with_capacity(ids.len());
            for (id, local) in ids {
                if let Some(s) = load_speaker(c, id, None)? {
                    out.push((s, local));
                }
            }
            Ok(out)
        })
        .await
    }

    async fn create_speaker(&self, name: &str, alias: &SpeakerAlias, at: Timestamp) -> Result<Speaker> {
        let (name, alias) = (name.to_string(), alias.clone());
        self.write(move |c| {
            let tx = c.transaction()?;
            let id = new_speaker(&tx, &name, at)?;
            insert_alias(&tx, id, &alias, at)?;
            let s = must_speaker(&tx, id)?;
            tx.commit()?;
            Ok(s)
        })
        .await
    }

    async fn add_alias(&self, speaker: SpeakerId, alias: &SpeakerAlias, at: Timestamp) -> Result<bool> {
        let alias = alias.clone();
        self.write(move |c| {
            let tx = c.transaction()?;
            live_speaker(&tx, speaker)?;
            let owner: Option<i64> = tx
                .query_row(
                    "SELECT speaker_id FROM speaker_aliases WHERE key = ?",
                    [&alias.key],
                    |r| r.get(0),
                )
                .optional()?;
            let added = match owner {
                Some(o) if o == speaker.0 => false,
                Some(_) => {
                    return Err(StoreError::Conflict(format!(
                        "the spelling “{}” belongs to another speaker",
                        alias.key
                    )));
                }
                None => {
                    insert_alias(&tx, speaker, &alias, at)?;
                    tx.execute(
                        "UPDATE speakers SET updated_at = ? WHERE id = ?",
                        params![us(at), speaker.0],
                    )?;
                    true
                }
            };
            tx.commit()?;
            Ok(added)
        })
        .await
    }

    async fn set_speaker_name(&self, id: SpeakerId, name: &str, locked: bool, at: Timestamp) -> Result<Speaker> {
        let name = name.to_string();
        self.write(move |c| {
            let tx = c.transaction()?;
            live_speaker(&tx, id)?;
            tx.execute(
                "UPDATE speakers SET name = ?, name_locked = (name_locked OR ?), updated_at = ? WHERE id = ?",
                params![name, locked, us(at), id.0],
            )?;
            let s = must_speaker(&tx, id)?;
            tx.commit()?;
            Ok(s)
        })
        .await
    }

    async fn record_quotes(
        &self,
        entry: EntryId,
        development: DevelopmentId,
        quotes: &[NewQuote],
        at: Timestamp,
    ) -> Result<Vec<TrackedQuote>> {
        let quotes = quotes.to_vec();
        self.write(move |c| {
            let tx = c.transaction()?;
            let briefing: i64 =
                tx.query_row("SELECT briefing_id FROM entries WHERE id = ?", [entry.0], |r| r.get(0))?;
            let mut kept: HashSet<i64> = HashSet::new();
            {
                let mut up = tx.prepare_cached(
                    "INSERT INTO tracked_quotes (briefing_id, speaker_id, alias_key, entry_id, development_id,
                       report_id, ordinal, kind, text, said_on, reported_on, day, outlet, url, recorded_at)
                     VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)
                     ON CONFLICT (entry_id, report_id, ordinal) DO UPDATE SET speaker_id = excluded.speaker_id,
                       alias_key = excluded.alias_key, development_id = excluded.development_id,
                       kind = excluded.kind, text = excluded.text, said_on = excluded.said_on,
                       reported_on = excluded.reported_on, day = excluded.day, outlet = excluded.outlet,
                       url = excluded.url
                     RETURNING id",
                )?;
                for q in &quotes {
                    let report_briefing: Option<i64> = tx
                        .query_row("SELECT briefing_id FROM reports WHERE id = ?", [q.report_id.0], |r| {
                            r.get(0)
                        })
                        .optional()?;
                    if report_briefing != Some(briefing) {
                        return Err(StoreError::Conflict(format!(
                            "report #{} is not a report of the entry's briefing",
                            q.report_id.0
                        )));
                    }
                    live_speaker(&tx, q.speaker_id)?;
                    let id: i64 = up.query_row(
                        params![
                            briefing,
                            q.speaker_id.0,
                            q.alias_key,
                            entry.0,
                            development.0,
                            q.report_id.0,
                            q.ordinal,
                            q.kind.as_str(),
                            q.text,
                            q.said_on.map(|d| d.to_string()),
                            q.reported_on.to_string(),
                            q.said_on.unwrap_or(q.reported_on).to_string(),
                            q.outlet,
                            q.url,
                            us(at)
                        ],
                        |r| r.get(0),
                    )?;
                    kept.insert(id);
                }
            }
            let existing: Vec<i64> = tx
                .prepare_cached("SELECT id FROM tracked_quotes WHERE entry_id = ?")?
                .query_map([entry.0], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            for id in existing.into_iter().filter(|id| !kept.contains(id)) {
                tx.execute("DELETE FROM tracked_quotes WHERE id = ?", [id])?;
            }
            let out = entry_quotes(&tx, entry)?;
            tx.commit()?;
            Ok(out)
        })
        .await
    }

    async fn list_quotes(&self, q: &QuoteQuery) -> Result<QuotePage> {
        let q = q.clone();
        self.read(move |c| {
            let mut sql = format!(
                "SELECT {QUOTE_COLS} FROM tracked_quotes q JOIN speakers s ON s.id = q.speaker_id
                 JOIN entries e ON e.id = q.entry_id WHERE q.briefing_id = ? AND {PUBLIC}"
            );
            let mut args: Vec<SqlValue> = vec![SqlValue::Integer(q.briefing_id.0)];
            if let Some(s) = q.speaker {
                sql.push_str(" AND q.speaker_id = ?");
                args.push(SqlValue::Integer(s.0));
            }
            if let Some(t) = &q.topic {
                sql.push_str(" AND EXISTS (SELECT 1 FROM json_each(e.topics) WHERE lower(value) = lower(?))");
                args.push(SqlValue::Text(t.clone()));
            }
            if let Some(d) = q.from {
                sql.push_str(" AND q.said_on >= ?");
                args.push(SqlValue::Text(d.to_string()));
            }
            if let Some(d) = q.to {
                sql.push_str(" AND q.said_on <= ?");
                args.push(SqlValue::Text(d.to_string()));
            }
            if let Some(cur) = q.before {
                sql.push_str(" AND (q.day, q.id) < (?, ?)");
                args.push(SqlValue::Text(cur.day.to_string()));
                args.push(SqlValue::Integer(cur.id.0));
            }
            let limit = q.limit.clamp(1, 200);
            sql.push_str(" ORDER BY q.day DESC, q.id DESC LIMIT ?");
            args.push(SqlValue::Integer(limit as i64 + 1));
            let mut st = c.prepare_cached(&sql)?;
            let mut items = st
                .query_map(params_from_iter(args), quote_from)?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            let next = if items.len() > limit {
                items.truncate(limit);
                items.last().map(|x| QuoteCursor { day: x.day(), id: x.id })
            } else {
                None
            };
            Ok(QuotePage { items, next })
        })
        .await
    }

    async fn entry_quotes(&self, entry: EntryId) -> Result<Vec<TrackedQuote>> {
        self.read(move |c| entry_quotes(c, entry)).await
    }

    async fn briefing_speakers(&self, briefing: BriefingId) -> Result<Vec<Speaker>> {
        self.read(move |c| {
            let mut st = c.prepare_cached(&format!(
                "SELECT q.speaker_id, COUNT(*) AS n FROM tracked_quotes q JOIN entries e ON e.id = q.entry_id
                 WHERE q.briefing_id = ? AND {PUBLIC} GROUP BY q.speaker_id"
            ))?;
            let counts = st
                .query_map([briefing.0], |r| {
                    Ok((SpeakerId(r.get(0)?), r.get::<_, i64>(1)?.max(0) as u64))
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            let mut out = Vec::with_capacity(counts.len());
            for (id, n) in counts {
                if let Some(s) = load_speaker(c, id, Some(n))? {
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
        })
        .await
    }

    async fn speaker(&self, id: SpeakerId) -> Result<Option<Speaker>> {
        self.read(move |c| load_speaker(c, id, None)).await
    }

    async fn list_speakers(&self, offset: usize, limit: usize) -> Result<Vec<Speaker>> {
        self.read(move |c| {
            let mut st = c.prepare_cached(
                "SELECT id FROM speakers WHERE merged_into IS NULL ORDER BY lower(name), id LIMIT ? OFFSET ?",
            )?;
            let ids = st
                .query_map(params![limit.min(1000) as i64, offset as i64], |r| {
                    Ok(SpeakerId(r.get(0)?))
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            let mut out = Vec::with_capacity(ids.len());
            for id in ids {
                if let Some(s) = load_speaker(c, id, None)? {
                    out.push(s);
                }
            }
            Ok(out)
        })
        .await
    }

    async fn merge_speakers(&self, from: SpeakerId, into: SpeakerId, at: Timestamp) -> Result<Speaker> {
        self.write(move |c| {
            if from == into {
                return Err(StoreError::Conflict("a speaker cannot be merged into itself".into()));
            }
            let tx = c.transaction()?;
            live_speaker(&tx, from)?;
            live_speaker(&tx, into)?;
            tx.execute(
                "UPDATE speaker_aliases SET speaker_id = ? WHERE speaker_id = ?",
                [into.0, from.0],
            )?;
            tx.execute(
                "UPDATE tracked_quotes SET speaker_id = ? WHERE speaker_id = ?",
                [into.0, from.0],
            )?;
            // Pages that pointed at `from` now point straight at `into`.
            tx.execute(
                "UPDATE speakers SET merged_into = ? WHERE merged_into = ?",
                [into.0, from.0],
            )?;
            tx.execute(
                "UPDATE speakers SET merged_into = ?, updated_at = ? WHERE id = ?",
                params![into.0, us(at), from.0],
            )?;
            tx.execute(
                "UPDATE speakers SET updated_at = ? WHERE id = ?",
                params![us(at), into.0],
            )?;
            let s = must_speaker(&tx, into)?;
            tx.commit()?;
            Ok(s)
        })
        .await
    }

    async fn split_speaker(&self, from: SpeakerId, aliases: &[String], name: &str, at: Timestamp) -> Result<Speaker> {
        let (aliases, name) = (aliases.to_vec(), name.to_string());
        self.write(move |c| {
            let tx = c.transaction()?;
            let s = live_speaker(&tx, from)?;
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
            let id = new_speaker(&tx, &name, at)?;
            for a in &leaving {
                tx.execute(
                    "UPDATE speaker_aliases SET speaker_id = ? WHERE key = ? AND speaker_id = ?",
                    params![id.0, a, from.0],
                )?;
                tx.execute(
                    "UPDATE tracked_quotes SET speaker_id = ? WHERE alias_key = ? AND speaker_id = ?",
                    params![id.0, a, from.0],
                )?;
            }
            tx.execute(
                "UPDATE speakers SET updated_at = ? WHERE id = ?",
                params![us(at), from.0],
            )?;
            let out = must_speaker(&tx, id)?;
            tx.commit()?;
            Ok(out)
        })
        .await
    }
}
