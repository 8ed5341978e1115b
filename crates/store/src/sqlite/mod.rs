use std::path::Path;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use async_trait::async_trait;
use livebrief_model::{
    Actor, ApiToken, Body, BodyFormat, Briefing, BriefingDraft, BriefingId, Change, Citation, Correction, Date, Entry,
    EntryId, Event, EventId, EventKind, NewApiToken, Report, ReportActor, ReportChange, ReportDraft, ReportId,
    Revision, RevisionAction, Role, Snapshot, Status, Subject, Timestamp, User, UserId,
};
use rusqlite::types::Value as SqlValue;
use rusqlite::{Connection, OpenFlags, OptionalExtension, Row, params};
use serde_json::{Value, json};

use crate::{Cursor, EntryQuery, Order, Page, ReportSaved, Result, Store, StoreError, sort_time};

mod desk;
mod ingest;
mod maps;
mod quotes;

const MIGRATIONS: &[&str] = &[
    r#"
CREATE TABLE settings (key TEXT PRIMARY KEY, value BLOB NOT NULL);
CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE TABLE sessions (
    token_hash BLOB PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY,
    token_hash BLOB NOT NULL UNIQUE,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    last_used_at INTEGER
);
CREATE TABLE briefings (
    id INTEGER PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    summary TEXT NOT NULL,
    language TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE TABLE entries (
    id INTEGER PRIMARY KEY,
    briefing_id INTEGER NOT NULL REFERENCES briefings(id),
    version INTEGER NOT NULL,
    status TEXT NOT NULL,
    headline TEXT NOT NULL,
    body_format TEXT NOT NULL,
    body_source TEXT NOT NULL,
    body_html TEXT NOT NULL,
    happened_on TEXT NOT NULL,
    topics TEXT NOT NULL,
    sources TEXT NOT NULL,
    pinned INTEGER NOT NULL,
    key_event INTEGER NOT NULL,
    author_id INTEGER NOT NULL,
    author_name TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    published_at INTEGER,
    updated_at INTEGER NOT NULL,
    revised_at INTEGER,
    correction_note TEXT,
    correction_at INTEGER,
    retraction_note TEXT,
    retraction_at INTEGER,
    sort_at INTEGER NOT NULL
);
CREATE INDEX entries_by_briefing ON entries(briefing_id, status, sort_at, id);
CREATE TABLE revisions (
    entry_id INTEGER NOT NULL REFERENCES entries(id),
    number INTEGER NOT NULL,
    action TEXT NOT NULL,
    actor_id INTEGER NOT NULL,
    actor_name TEXT NOT NULL,
    at INTEGER NOT NULL,
    note TEXT,
    snapshot TEXT NOT NULL,
    PRIMARY KEY (entry_id, number)
) WITHOUT ROWID;
CREATE TABLE events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    briefing_id INTEGER NOT NULL REFERENCES briefings(id),
    kind TEXT NOT NULL,
    entry_id INTEGER,
    at INTEGER NOT NULL
);
CREATE INDEX events_by_briefing ON events(briefing_id, id);
"#,
    r#"
CREATE TABLE reports (
    id INTEGER PRIMARY KEY,
    briefing_id INTEGER NOT NULL REFERENCES briefings(id),
    url TEXT,
    title TEXT NOT NULL,
    source TEXT NOT NULL,
    published TEXT NOT NULL,
    text TEXT NOT NULL,
    language TEXT NOT NULL,
    reading TEXT NOT NULL,
    received_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX reports_by_url ON reports(briefing_id, url) WHERE url IS NOT NULL;
CREATE INDEX reports_by_briefing ON reports(briefing_id, id);
CREATE TABLE briefing_topics (
    briefing_id INTEGER PRIMARY KEY REFERENCES briefings(id),
    list TEXT NOT NULL,
    updated_at INTEGER NOT NULL
);
"#,
    r#"
CREATE TABLE sources (
    id INTEGER PRIMARY KEY,
    briefing_id INTEGER NOT NULL REFERENCES briefings(id),
    kind TEXT NOT NULL,
    url TEXT NOT NULL,
    title TEXT NOT NULL,
    language TEXT,
    trust_note TEXT NOT NULL,
    poll_interval_secs INTEGER NOT NULL,
    enabled INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    last_polled_at INTEGER,
    last_success_at INTEGER,
    last_error TEXT,
    last_error_at INTEGER,
    consecutive_failures INTEGER NOT NULL,
    next_poll_at INTEGER NOT NULL,
    etag TEXT,
    last_modified TEXT,
    items_seen INTEGER NOT NULL,
    UNIQUE (briefing_id, url)
);
CREATE INDEX sources_due ON sources(enabled, next_poll_at);
CREATE TABLE source_items (
    source_id INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
    item_key TEXT NOT NULL,
    seen_at INTEGER NOT NULL,
    PRIMARY KEY (source_id, item_key)
) WITHOUT ROWID;
CREATE TABLE jobs (
    id INTEGER PRIMARY KEY,
    briefing_id INTEGER NOT NULL REFERENCES briefings(id),
    source_id INTEGER REFERENCES sources(id) ON DELETE SET NULL,
    url TEXT NOT NULL,
    title TEXT NOT NULL,
    outlet TEXT NOT NULL,
    published INTEGER,
    content TEXT,
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    run_after INTEGER NOT NULL,
    lease_until INTEGER,
    last_error TEXT,
    report_id INTEGER REFERENCES reports(id),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (briefing_id, url)
);
CREATE INDEX jobs_ready ON jobs(state, run_after);
CREATE INDEX jobs_by_briefing ON jobs(briefing_id, state, updated_at);
CREATE INDEX jobs_by_source ON jobs(source_id, state);
CREATE TABLE developments (
    id INTEGER PRIMARY KEY,
    briefing_id INTEGER NOT NULL REFERENCES briefings(id),
    status TEXT NOT NULL,
    version INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    first_report_at INTEGER NOT NULL,
    last_report_at INTEGER NOT NULL,
    earliest_published TEXT NOT NULL,
    report_count INTEGER NOT NULL,
    outlet_count INTEGER NOT NULL,
    draft TEXT NOT NULL,
    edited TEXT,
    entry_id INTEGER REFERENCES entries(id),
    dismissed TEXT,
    merged_into INTEGER REFERENCES developments(id),
    reports_since_publish INTEGER NOT NULL,
    facets TEXT NOT NULL
);
CREATE INDEX developments_by_recency ON developments(briefing_id, status, last_report_at);
CREATE INDEX developments_by_entry ON developments(entry_id) WHERE entry_id IS NOT NULL;
CREATE TABLE development_facets (
    development_id INTEGER NOT NULL REFERENCES developments(id),
    kind TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (development_id, kind, value)
) WITHOUT ROWID;
CREATE INDEX facets_by_value ON development_facets(kind, value, development_id);
CREATE TABLE memberships (
    report_id INTEGER PRIMARY KEY REFERENCES reports(id),
    development_id INTEGER NOT NULL REFERENCES developments(id),
    near_duplicate_of INTEGER REFERENCES reports(id),
    score REAL NOT NULL,
    added_at INTEGER NOT NULL
);
CREATE INDEX memberships_by_development ON memberships(development_id);
CREATE TABLE desk_records (
    id INTEGER PRIMARY KEY,
    briefing_id INTEGER NOT NULL REFERENCES briefings(id),
    development_id INTEGER NOT NULL REFERENCES developments(id),
    action TEXT NOT NULL,
    actor_id INTEGER NOT NULL,
    actor_name TEXT NOT NULL,
    at INTEGER NOT NULL,
    detail TEXT NOT NULL
);
CREATE INDEX desk_records_by_development ON desk_records(development_id, id);
CREATE INDEX reports_by_received ON reports(received_at);
"#,
    // The quote tracker: speakers (global), their spellings, and the quotes of entries filed under them.
    r#"
CREATE TABLE speakers (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    name_locked INTEGER NOT NULL,
    merged_into INTEGER REFERENCES speakers(id),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX speakers_by_name ON speakers(merged_into, lower(name));
CREATE TABLE speaker_aliases (
    key TEXT NOT NULL UNIQUE,
    speaker_id INTEGER NOT NULL REFERENCES speakers(id),
    spelling TEXT NOT NULL,
    surname TEXT NOT NULL,
    given TEXT,
    created_at INTEGER NOT NULL
);
CREATE INDEX speaker_aliases_by_speaker ON speaker_aliases(speaker_id);
CREATE INDEX speaker_aliases_by_surname ON speaker_aliases(surname);
CREATE TABLE tracked_quotes (
    id INTEGER PRIMARY KEY,
    briefing_id INTEGER NOT NULL REFERENCES briefings(id),
    speaker_id INTEGER NOT NULL REFERENCES speakers(id),
    alias_key TEXT NOT NULL,
    entry_id INTEGER NOT NULL REFERENCES entries(id),
    development_id INTEGER NOT NULL REFERENCES developments(id),
    report_id INTEGER NOT NULL REFERENCES reports(id),
    ordinal INTEGER NOT NULL,
    kind TEXT NOT NULL,
    text TEXT NOT NULL,
    said_on TEXT,
    reported_on TEXT NOT NULL,
    day TEXT NOT NULL,
    outlet TEXT NOT NULL,
    url TEXT,
    recorded_at INTEGER NOT NULL,
    UNIQUE (entry_id, report_id, ordinal)
);
CREATE INDEX tracked_quotes_by_briefing ON tracked_quotes(briefing_id, day, id);
CREATE INDEX tracked_quotes_by_speaker ON tracked_quotes(speaker_id, day, id);
"#,
    // Reports have owners (issue 11, item 10): who sent each in and who last replaced it (a NULL id is the
    // newsroom loop; an empty submitter name, a report from before this), and every replacement with the
    // text it replaced.
    r#"
ALTER TABLE reports ADD COLUMN submitted_by INTEGER REFERENCES users(id);
ALTER TABLE reports ADD COLUMN submitted_by_name TEXT NOT NULL DEFAULT '';
ALTER TABLE reports ADD COLUMN changed_by INTEGER REFERENCES users(id);
ALTER TABLE reports ADD COLUMN changed_by_name TEXT;
CREATE TABLE report_changes (
    id INTEGER PRIMARY KEY,
    report_id INTEGER NOT NULL REFERENCES reports(id),
    actor_id INTEGER REFERENCES users(id),
    actor_name TEXT NOT NULL,
    at INTEGER NOT NULL,
    previous_title TEXT NOT NULL,
    previous_source TEXT NOT NULL,
    previous_published TEXT NOT NULL,
    previous_text TEXT NOT NULL
);
CREATE INDEX report_changes_by_report ON report_changes(report_id, id);
"#,
    // API tokens that end (issue 11): a prefix to tell them apart, expiry, revocation, and the owner's
    // credential generation (a password change raises it, and tokens of an older generation stop working).
    // Tokens from before this had no expiry: they get 90 days from the upgrade.
    r#"
ALTER TABLE users ADD COLUMN credential_generation INTEGER NOT NULL DEFAULT 0;
ALTER TABLE api_tokens ADD COLUMN prefix TEXT NOT NULL DEFAULT '';
ALTER TABLE api_tokens ADD COLUMN expires_at INTEGER;
ALTER TABLE api_tokens ADD COLUMN revoked_at INTEGER;
ALTER TABLE api_tokens ADD COLUMN credential_generation INTEGER NOT NULL DEFAULT 0;
CREATE INDEX api_tokens_by_user ON api_tokens(user_id, id);
UPDATE api_tokens SET expires_at = CAST(strftime('%s', 'now') AS INTEGER) * 1000000 + 90 * 86400 * 1000000
    WHERE expires_at IS NULL;
"#,
    // Membership change numbers (issue 12), as in the PostgreSQL schema: the same contract on both backends.
    r#"
ALTER TABLE memberships ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
CREATE INDEX memberships_by_seq ON memberships(seq);
"#,
    // Control-map layers (issue 9), as in the PostgreSQL schema. Events get a typed subject: an entry or a layer.
    r#"
CREATE TABLE map_layers (
    id INTEGER PRIMARY KEY,
    briefing_id INTEGER NOT NULL REFERENCES briefings(id),
    layer TEXT NOT NULL,
    day TEXT NOT NULL,
    revision INTEGER NOT NULL,
    superseded_by INTEGER REFERENCES map_layers(id),
    encoding TEXT NOT NULL,
    geometry BLOB NOT NULL,
    area_km2 REAL NOT NULL,
    vertices INTEGER NOT NULL,
    repairs TEXT NOT NULL,
    imported_by INTEGER NOT NULL REFERENCES users(id),
    imported_by_name TEXT NOT NULL,
    imported_at INTEGER NOT NULL,
    UNIQUE (briefing_id, layer, day, revision)
);
CREATE UNIQUE INDEX map_layers_current ON map_layers(briefing_id, layer, day) WHERE superseded_by IS NULL;
ALTER TABLE events ADD COLUMN layer_id INTEGER REFERENCES map_layers(id);
"#,
    // Change figures between two layer revisions (issue 9), as in the PostgreSQL schema: a date's change from
    // the previous date is stored when a layer is imported (and the next date's, from it), weekly and monthly
    // ones and those of layers stored before this when first asked for. Revisions never change, so a pair's
    // figures do not either: a correction is a new revision, hence new pairs.
    r#"
CREATE TABLE map_changes (
    from_id INTEGER NOT NULL REFERENCES map_layers(id),
    to_id INTEGER NOT NULL REFERENCES map_layers(id),
    gained_km2 REAL NOT NULL,
    lost_km2 REAL NOT NULL,
    gained_parts INTEGER NOT NULL,
    lost_parts INTEGER NOT NULL,
    slivers_dropped INTEGER NOT NULL,
    PRIMARY KEY (from_id, to_id)
);
CREATE INDEX map_changes_to ON map_changes(to_id);
"#,
];

const READERS: usize = 4;

/// SQLite backend: one writer connection, a few reader connections (WAL lets them read while it writes).
/// Calls run on Tokio's blocking pool.
#[derive(Clone)]
pub struct SqliteStore {
    inner: Arc<Inner>,
}

struct Inner {
    writer: Mutex<Connection>,
    /// One writer at a time, and as many readers as there are connections: taken before a blocking thread is.
    write_turn: Arc<tokio::sync::Semaphore>,
    read_turns: Arc<tokio::sync::Semaphore>,
    readers: Vec<Mutex<Connection>>,
    next_reader: AtomicUsize,
    /// Sign-in attempts. One process owns a SQLite store, so they are kept in its memory: counting one is not
    /// worth an fsync'd commit (a burst of sign-ins would queue on the writer), and a restart forgets them.
    logins: Mutex<LoginBook>,
}

/// Sign-in attempts by key: (id, time in microseconds), oldest first.
#[derive(Default)]
struct LoginBook {
    next_id: i64,
    by_key: std::collections::HashMap<String, Vec<(i64, i64)>>,
}

impl LoginBook {
    fn reserve(&mut self, keys: &[(String, u32)], since: i64, at: i64) -> std::result::Result<Vec<i64>, i64> {
        let mut oldest_full: Option<i64> = None;
        for (key, limit) in keys {
            let within: Vec<i64> = self
                .by_key
                .get(key)
                .map(|v| v.iter().map(|a| a.1).filter(|t| *t >= since).collect())
                .unwrap_or_default();
            if within.len() >= *limit as usize {
                let o = within.iter().copied().min().unwrap_or(at);
                oldest_full = Some(oldest_full.map_or(o, |x| x.min(o)));
            }
        }
        if let Some(o) = oldest_full {
            return Err(o);
        }
        let mut ids = Vec::with_capacity(keys.len());
        for (key, _) in keys {
            self.next_id += 1;
            self.by_key.entry(key.clone()).or_default().push((self.next_id, at));
            ids.push(self.next_id);
        }
        Ok(ids)
    }

    fn forget(&mut self, ids: &[i64], clear: &[String]) {
        for key in clear {
            self.by_key.remove(key);
        }
        if !ids.is_empty() {
            self.by_key.retain(|_, v| {
                v.retain(|a| !ids.contains(&a.0));
                !v.is_empty()
            });
        }
    }

    fn prune(&mut self, before: i64) -> u64 {
        let mut n = 0;
        self.by_key.retain(|_, v| {
            let len = v.len();
            v.retain(|a| a.1 >= before);
            n += (len - v.len()) as u64;
            !v.is_empty()
        });
        n
    }
}

fn backend(e: impl std::error::Error + Send + Sync + 'static) -> StoreError {
    StoreError::Backend(Box::new(e))
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        match e {
            rusqlite::Error::QueryReturnedNoRows => StoreError::NotFound,
            rusqlite::Error::SqliteFailure(f, ref msg) if f.code == rusqlite::ErrorCode::ConstraintViolation => {
                StoreError::Conflict(msg.clone().unwrap_or_else(|| "constraint violated".into()))
            }
            other => backend(other),
        }
    }
}

fn configure(conn: &Connection) -> rusqlite::Result<()> {
    conn.busy_timeout(Duration::from_secs(10))?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    // FULL: a commit is fsynced before it returns, so an acknowledged write survives power loss too.
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    Ok(())
}

fn migrate(conn: &mut Connection) -> rusqlite::Result<()> {
    let current: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(current as usize) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", (i + 1) as i64)?;
        tx.commit()?;
    }
    Ok(())
}

impl SqliteStore {
    /// Opens (creating if needed) the database file at `path` and applies pending migrations.
    pub fn open(path: &Path) -> Result<Self> {
        let mut writer = Connection::open(path)?;
        configure(&writer)?;
        migrate(&mut writer)?;
        let current: i64 = writer.pragma_query_value(None, "user_version", |r| r.get(0))?;
        if current as usize > MIGRATIONS.len() {
            return Err(StoreError::Backend(
                format!(
                    "database schema version {current} is newer than this build knows ({}); upgrade livebrief",
                    MIGRATIONS.len()
                )
                .into(),
            ));
        }
        let mut readers = Vec::with_capacity(READERS);
        for _ in 0..READERS {
            let r =
                Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
            r.busy_timeout(Duration::from_secs(10))?;
            readers.push(Mutex::new(r));
        }
        Ok(SqliteStore {
            inner: Arc::new(Inner {
                writer: Mutex::new(writer),
                write_turn: Arc::new(tokio::sync::Semaphore::new(1)),
                read_turns: Arc::new(tokio::sync::Semaphore::new(READERS)),
                readers,
                next_reader: AtomicUsize::new(0),
                logins: Mutex::default(),
            }),
        })
    }

    pub(crate) async fn read<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T> + Send + 'static,
    {
        let inner = self.inner.clone();
        // Waiting for a connection is done here, as a task, so a burst of calls waits without holding a
        // blocking thread each (the pool's threads are for SQLite's work, not for queueing).
        let turn = inner.read_turns.clone().acquire_owned().await.map_err(backend)?;
        tokio::task::spawn_blocking(move || {
            let _turn = turn;
            let start = inner.next_reader.fetch_add(1, Ordering::Relaxed);
            // Take a free reader if there is one, else wait for the one in turn.
            for k in 0..inner.readers.len() {
                if let Ok(conn) = inner.readers[(start + k) % inner.readers.len()].try_lock() {
                    return f(&conn);
                }
            }
            let conn = lock(&inner.readers[start % inner.readers.len()]);
            f(&conn)
        })
        .await
        .map_err(backend)?
    }

    async fn write<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T> + Send + 'static,
    {
        let inner = self.inner.clone();
        let turn = inner.write_turn.clone().acquire_owned().await.map_err(backend)?;
        tokio::task::spawn_blocking(move || {
            let _turn = turn;
            let mut conn = lock(&inner.writer);
            f(&mut conn)
        })
        .await
        .map_err(backend)?
    }
}

/// A poisoned lock only means another thread panicked while holding it; SQLite's own state is
/// transactional, so the connection is still sound.
fn lock(m: &Mutex<Connection>) -> std::sync::MutexGuard<'_, Connection> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

pub(crate) fn us(t: Timestamp) -> i64 {
    t.as_microsecond()
}

pub(crate) fn ts(v: i64) -> rusqlite::Result<Timestamp> {
    Timestamp::from_microsecond(v)
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Integer, Box::new(e)))
}

fn opt_ts(v: Option<i64>) -> rusqlite::Result<Option<Timestamp>> {
    v.map(ts).transpose()
}

pub(crate) fn conv_err(msg: String) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, msg.into())
}

/// The columns [`api_token_from`] reads, from `api_tokens t JOIN users u`.
const API_TOKEN_COLUMNS: &str = "t.id AS t_id, t.user_id AS t_user_id, u.name AS t_user_name, t.name AS t_name, \
     t.prefix AS t_prefix, t.created_at AS t_created_at, t.last_used_at AS t_last_used_at, \
     t.expires_at AS t_expires_at, t.revoked_at AS t_revoked_at, \
     t.credential_generation <> u.credential_generation AS t_superseded";

fn api_token_from(r: &Row<'_>) -> rusqlite::Result<ApiToken> {
    Ok(ApiToken {
        id: r.get("t_id")?,
        user_id: UserId(r.get("t_user_id")?),
        user_name: r.get("t_user_name")?,
        name: r.get("t_name")?,
        prefix: r.get("t_prefix")?,
        created_at: ts(r.get("t_created_at")?)?,
        last_used_at: opt_ts(r.get("t_last_used_at")?)?,
        expires_at: opt_ts(r.get("t_expires_at")?)?,
        revoked_at: opt_ts(r.get("t_revoked_at")?)?,
        superseded: r.get("t_superseded")?,
    })
}

fn user_from(r: &Row<'_>) -> rusqlite::Result<User> {
    let role: String = r.get("role")?;
    Ok(User {
        id: UserId(r.get("id")?),
        name: r.get("name")?,
        role: role.parse().map_err(conv_err)?,
        created_at: ts(r.get("created_at")?)?,
    })
}

fn report_from(r: &Row<'_>) -> rusqlite::Result<Report> {
    let published: String = r.get("published")?;
    Ok(Report {
        id: ReportId(r.get("id")?),
        briefing_id: BriefingId(r.get("briefing_id")?),
        url: r.get("url")?,
        title: r.get("title")?,
        source: r.get("source")?,
        published: published
            .parse()
            .map_err(|e| rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e)))?,
        text: r.get("text")?,
        language: r.get("language")?,
        reading: crate::codec::decode_reading(&r.get::<_, String>("reading")?).map_err(|e| conv_err(e.to_string()))?,
        received_at: ts(r.get("received_at")?)?,
        updated_at: ts(r.get("updated_at")?)?,
        submitted_by: Some(report_actor(r.get("submitted_by")?, r.get("submitted_by_name")?))
            .filter(|a| a.id.is_some() || !a.name.is_empty()),
        changed_by: r
            .get::<_, Option<String>>("changed_by_name")?
            .map(|name| -> rusqlite::Result<ReportActor> { Ok(report_actor(r.get("changed_by")?, name)) })
            .transpose()?,
    })
}

fn report_actor(id: Option<i64>, name: String) -> ReportActor {
    ReportActor {
        id: id.map(UserId),
        name,
    }
}

fn date_of(s: &str) -> rusqlite::Result<Date> {
    s.parse()
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e)))
}

fn briefing_from(r: &Row<'_>) -> rusqlite::Result<Briefing> {
    Ok(Briefing {
        id: BriefingId(r.get("id")?),
        slug: r.get("slug")?,
        title: r.get("title")?,
        summary: r.get("summary")?,
        language: r.get("language")?,
        created_at: ts(r.get("created_at")?)?,
        updated_at: ts(r.get("updated_at")?)?,
    })
}

pub(crate) fn sources_json(sources: &[Citation]) -> String {
    Value::Array(
        sources
            .iter()
            .map(|s| {
                json!({"outlet": s.outlet, "url": s.url, "title": s.title,
                       "published_at": s.published_at.map(us)})
            })
            .collect(),
    )
    .to_string()
}

pub(crate) fn sources_from(text: &str) -> rusqlite::Result<Vec<Citation>> {
    let v: Value = serde_json::from_str(text).map_err(|e| conv_err(e.to_string()))?;
    let arr = v.as_array().ok_or_else(|| conv_err("sources is not an array".into()))?;
    arr.iter()
        .map(|s| {
            let str_of = |k: &str| s.get(k).and_then(Value::as_str).unwrap_or_default().to_string();
            Ok(Citation {
                outlet: str_of("outlet"),
                url: str_of("url"),
                title: str_of("title"),
                published_at: opt_ts(s.get("published_at").and_then(Value::as_i64))?,
            })
        })
        .collect()
}

pub(crate) fn topics_json(t: &[String]) -> String {
    Value::Array(t.iter().map(|s| Value::String(s.clone())).collect()).to_string()
}

pub(crate) fn topics_from(text: &str) -> rusqlite::Result<Vec<String>> {
    serde_json::from_str(text).map_err(|e| conv_err(e.to_string()))
}

pub(crate) fn date_from(s: &str) -> rusqlite::Result<Date> {
    s.parse().map_err(|e: jiff::Error| conv_err(e.to_string()))
}

pub(crate) fn status_from(s: &str) -> rusqlite::Result<Status> {
    Status::parse(s).ok_or_else(|| conv_err(format!("unknown status {s}")))
}

pub(crate) fn format_from(s: &str) -> rusqlite::Result<BodyFormat> {
    BodyFormat::parse(s).ok_or_else(|| conv_err(format!("unknown body format {s}")))
}

pub(crate) fn correction(note: Option<String>, at: Option<i64>) -> rusqlite::Result<Option<Correction>> {
    Ok(match (note, at) {
        (Some(note), Some(at)) => Some(Correction { note, at: ts(at)? }),
        _ => None,
    })
}

pub(crate) const ENTRY_COLS: &str = "id, briefing_id, version, status, headline, body_format, body_source, body_html, happened_on, \
     topics, sources, pinned, key_event, author_id, author_name, created_at, published_at, updated_at, revised_at, \
     correction_note, correction_at, retraction_note, retraction_at";

fn entry_from(r: &Row<'_>) -> rusqlite::Result<Entry> {
    Ok(Entry {
        id: EntryId(r.get(0)?),
        briefing_id: BriefingId(r.get(1)?),
        version: r.get(2)?,
        status: status_from(&r.get::<_, String>(3)?)?,
        headline: r.get(4)?,
        body: Body {
            format: format_from(&r.get::<_, String>(5)?)?,
            source: r.get(6)?,
            html: r.get(7)?,
        },
        happened_on: date_from(&r.get::<_, String>(8)?)?,
        topics: topics_from(&r.get::<_, String>(9)?)?,
        sources: sources_from(&r.get::<_, String>(10)?)?,
        pinned: r.get(11)?,
        key_event: r.get(12)?,
        author_id: UserId(r.get(13)?),
        author_name: r.get(14)?,
        created_at: ts(r.get(15)?)?,
        published_at: opt_ts(r.get(16)?)?,
        updated_at: ts(r.get(17)?)?,
        revised_at: opt_ts(r.get(18)?)?,
        correction: correction(r.get(19)?, r.get(20)?)?,
        retraction: correction(r.get(21)?, r.get(22)?)?,
    })
}

pub(crate) fn snapshot_json(s: &Snapshot) -> String {
    json!({
        "status": s.status.as_str(),
        "headline": s.headline,
        "body_format": s.body.format.as_str(),
        "body_source": s.body.source,
        "body_html": s.body.html,
        "happened_on": s.happened_on.to_string(),
        "topics": s.topics,
        "sources": serde_json::from_str::<Value>(&sources_json(&s.sources)).unwrap_or(Value::Null),
        "pinned": s.pinned,
        "key_event": s.key_event,
    })
    .to_string()
}

pub(crate) fn snapshot_from(text: &str) -> rusqlite::Result<Snapshot> {
    let v: Value = serde_json::from_str(text).map_err(|e| conv_err(e.to_string()))?;
    let s = |k: &str| v.get(k).and_then(Value::as_str).unwrap_or_default().to_string();
    Ok(Snapshot {
        status: status_from(&s("status"))?,
        headline: s("headline"),
        body: Body {
            format: format_from(&s("body_format"))?,
            source: s("body_source"),
            html: s("body_html"),
        },
        happened_on: date_from(&s("happened_on"))?,
        topics: v
            .get("topics")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_str).map(String::from).collect())
            .unwrap_or_default(),
        sources: sources_from(&v.get("sources").map(Value::to_string).unwrap_or_else(|| "[]".into()))?,
        pinned: v.get("pinned").and_then(Value::as_bool).unwrap_or(false),
        key_event: v.get("key_event").and_then(Value::as_bool).unwrap_or(false),
    })
}

fn event_from(r: &Row<'_>) -> rusqlite::Result<Event> {
    let kind: String = r.get(2)?;
    Ok(Event {
        id: EventId(r.get(0)?),
        briefing_id: BriefingId(r.get(1)?),
        kind: EventKind::parse(&kind).ok_or_else(|| conv_err(format!("unknown event kind {kind}")))?,
        subject: Subject::from_ids(r.get(3)?, r.get(5)?),
        at: ts(r.get(4)?)?,
    })
}

fn insert_revision(tx: &rusqlite::Transaction<'_>, entry_id: EntryId, rev: &Revision) -> rusqlite::Result<()> {
    tx.execute(
        "INSERT INTO revisions (entry_id, number, action, actor_id, actor_name, at, note, snapshot) VALUES (?,?,?,?,?,?,?,?)",
        params![
            entry_id.0,
            rev.number,
            rev.action.as_str(),
            rev.actor_id.0,
            rev.actor_name,
            us(rev.at),
            rev.note,
            snapshot_json(&rev.snapshot)
        ],
    )?;
    Ok(())
}

pub(crate) fn insert_event(
    tx: &rusqlite::Transaction<'_>,
    briefing: BriefingId,
    kind: EventKind,
    subject: Subject,
    at: Timestamp,
) -> rusqlite::Result<Event> {
    tx.execute(
        "INSERT INTO events (briefing_id, kind, entry_id, layer_id, at) VALUES (?,?,?,?,?)",
        params![briefing.0, kind.as_str(), subject.ids().0, subject.ids().1, us(at)],
    )?;
    Ok(Event {
        id: EventId(tx.last_insert_rowid()),
        briefing_id: briefing,
        kind,
        subject,
        at,
    })
}

/// The mutable columns of an entry, in the order the INSERT and UPDATE statements bind them.
fn entry_values(e: &Entry) -> Vec<SqlValue> {
    let int = |v: i64| SqlValue::Integer(v);
    let opt = |v: Option<i64>| v.map_or(SqlValue::Null, SqlValue::Integer);
    let text = |v: String| SqlValue::Text(v);
    let opt_text = |v: Option<String>| v.map_or(SqlValue::Null, SqlValue::Text);
    vec![
        int(e.version),
        text(e.status.as_str().into()),
        text(e.headline.clone()),
        text(e.body.format.as_str().into()),
        text(e.body.source.clone()),
        text(e.body.html.clone()),
        text(e.happened_on.to_string()),
        text(topics_json(&e.topics)),
        text(sources_json(&e.sources)),
        int(e.pinned as i64),
        int(e.key_event as i64),
        int(us(e.created_at)),
        opt(e.published_at.map(us)),
        int(us(e.updated_at)),
        opt(e.revised_at.map(us)),
        opt_text(e.correction.as_ref().map(|c| c.note.clone())),
        opt(e.correction.as_ref().map(|c| us(c.at))),
        opt_text(e.retraction.as_ref().map(|c| c.note.clone())),
        opt(e.retraction.as_ref().map(|c| us(c.at))),
        int(us(sort_time(e))),
    ]
}

#[async_trait]
impl Store for SqliteStore {
    async fn setting_or_init(&self, key: &str, init: Vec<u8>) -> Result<Vec<u8>> {
        let key = key.to_string();
        self.write(move |c| {
            c.execute(
                "INSERT OR IGNORE INTO settings (key, value) VALUES (?, ?)",
                params![key, init],
            )?;
            Ok(c.query_row("SELECT value FROM settings WHERE key = ?", [key], |r| r.get(0))?)
        })
        .await
    }

    async fn create_user(&self, name: &str, role: Role, password_hash: &str, at: Timestamp) -> Result<User> {
        let (name, hash) = (name.to_string(), password_hash.to_string());
        self.write(move |c| {
            c.execute(
                "INSERT INTO users (name, role, password_hash, created_at) VALUES (?,?,?,?)",
                params![name, role.as_str(), hash, us(at)],
            )
            .map_err(|e| match StoreError::from(e) {
                StoreError::Conflict(_) => StoreError::Conflict(format!("user {name} exists")),
                other => other,
            })?;
            Ok(User {
                id: UserId(c.last_insert_rowid()),
                name,
                role,
                created_at: at,
            })
        })
        .await
    }

    async fn set_password(&self, id: UserId, password_hash: &str) -> Result<()> {
        let hash = password_hash.to_string();
        self.write(move |c| {
            let n = c.execute(
                "UPDATE users SET password_hash = ?, credential_generation = credential_generation + 1 WHERE id = ?",
                params![hash, id.0],
            )?;
            // A new password ends every session of that account, and its API tokens (of an older generation).
            c.execute("DELETE FROM sessions WHERE user_id = ?", [id.0])?;
            if n == 0 { Err(StoreError::NotFound) } else { Ok(()) }
        })
        .await
    }

    async fn user_by_name(&self, name: &str) -> Result<Option<(User, String)>> {
        let name = name.to_string();
        self.read(move |c| {
            Ok(c.query_row("SELECT * FROM users WHERE name = ?", [name], |r| {
                Ok((user_from(r)?, r.get("password_hash")?))
            })
            .optional()?)
        })
        .await
    }

    async fn user(&self, id: UserId) -> Result<Option<User>> {
        self.read(move |c| {
            Ok(c.query_row("SELECT * FROM users WHERE id = ?", [id.0], user_from)
                .optional()?)
        })
        .await
    }

    async fn list_users(&self) -> Result<Vec<User>> {
        self.read(|c| {
            let mut st = c.prepare("SELECT * FROM users ORDER BY name")?;
            let rows = st.query_map([], user_from)?.collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(rows)
        })
        .await
    }

    async fn create_session(&self, token_hash: &[u8], user: UserId, at: Timestamp, expires: Timestamp) -> Result<()> {
        let h = token_hash.to_vec();
        self.write(move |c| {
            c.execute(
                "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES (?,?,?,?)",
                params![h, user.0, us(at), us(expires)],
            )?;
            Ok(())
        })
        .await
    }

    async fn session_user(&self, token_hash: &[u8], now: Timestamp) -> Result<Option<User>> {
        let h = token_hash.to_vec();
        self.read(move |c| {
            Ok(c.query_row(
                "SELECT u.* FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ? AND s.expires_at > ?",
                params![h, us(now)],
                user_from,
            )
            .optional()?)
        })
        .await
    }

    async fn delete_session(&self, token_hash: &[u8]) -> Result<()> {
        let h = token_hash.to_vec();
        self.write(move |c| {
            c.execute("DELETE FROM sessions WHERE token_hash = ?", [h])?;
            Ok(())
        })
        .await
    }

    async fn delete_expired_sessions(&self, now: Timestamp) -> Result<u64> {
        self.write(move |c| Ok(c.execute("DELETE FROM sessions WHERE expires_at <= ?", [us(now)])? as u64))
            .await
    }

    async fn create_api_token(&self, t: &NewApiToken) -> Result<i64> {
        let t = t.clone();
        self.write(move |c| {
            let n = c.execute(
                "INSERT INTO api_tokens (token_hash, user_id, name, created_at, prefix, expires_at, credential_generation)
                 SELECT ?, id, ?, ?, ?, ?, credential_generation FROM users WHERE id = ?",
                params![t.hash, t.name, us(t.created_at), t.prefix, t.expires_at.map(us), t.user.0],
            )?;
            if n == 0 {
                return Err(StoreError::NotFound);
            }
            Ok(c.last_insert_rowid())
        })
        .await
    }

    async fn api_token_user(&self, token_hash: &[u8], now: Timestamp) -> Result<Option<(User, ApiToken)>> {
        let h = token_hash.to_vec();
        self.read(move |c| {
            Ok(c.query_row(
                &format!(
                    "SELECT {API_TOKEN_COLUMNS}, u.* FROM api_tokens t JOIN users u ON u.id = t.user_id
                     WHERE t.token_hash = ? AND t.revoked_at IS NULL
                       AND (t.expires_at IS NULL OR t.expires_at > ?)
                       AND t.credential_generation = u.credential_generation"
                ),
                params![h, us(now)],
                |r| Ok((user_from(r)?, api_token_from(r)?)),
            )
            .optional()?)
        })
        .await
    }

    async fn touch_api_token(&self, id: i64, at: Timestamp) -> Result<()> {
        self.write(move |c| {
            c.execute(
                "UPDATE api_tokens SET last_used_at = ? WHERE id = ?",
                params![us(at), id],
            )?;
            Ok(())
        })
        .await
    }

    async fn list_api_tokens(&self, user: Option<UserId>) -> Result<Vec<ApiToken>> {
        self.read(move |c| {
            let mut st = c.prepare(&format!(
                "SELECT {API_TOKEN_COLUMNS} FROM api_tokens t JOIN users u ON u.id = t.user_id
                 WHERE ?1 IS NULL OR t.user_id = ?1 ORDER BY t.id DESC"
            ))?;
            let rows = st
                .query_map([user.map(|u| u.0)], api_token_from)?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(rows)
        })
        .await
    }

    async fn api_token(&self, id: i64) -> Result<Option<ApiToken>> {
        self.read(move |c| {
            Ok(c.query_row(
                &format!(
                    "SELECT {API_TOKEN_COLUMNS} FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.id = ?"
                ),
                [id],
                api_token_from,
            )
            .optional()?)
        })
        .await
    }

    async fn revoke_api_token(&self, id: i64, at: Timestamp) -> Result<ApiToken> {
        self.write(move |c| {
            c.execute(
                "UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
                params![us(at), id],
            )?;
            Ok(c.query_row(
                &format!(
                    "SELECT {API_TOKEN_COLUMNS} FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.id = ?"
                ),
                [id],
                api_token_from,
            )?)
        })
        .await
    }

    async fn create_briefing(&self, d: &BriefingDraft, at: Timestamp) -> Result<Briefing> {
        let d = d.clone();
        self.write(move |c| {
            c.execute(
                "INSERT INTO briefings (slug, title, summary, language, created_at, updated_at) VALUES (?,?,?,?,?,?)",
                params![d.slug, d.title, d.summary, d.language, us(at), us(at)],
            )
            .map_err(|e| match StoreError::from(e) {
                StoreError::Conflict(_) => StoreError::Conflict(format!("a briefing with slug {} exists", d.slug)),
                other => other,
            })?;
            Ok(Briefing {
                id: BriefingId(c.last_insert_rowid()),
                slug: d.slug,
                title: d.title,
                summary: d.summary,
                language: d.language,
                created_at: at,
                updated_at: at,
            })
        })
        .await
    }

    async fn update_briefing(&self, id: BriefingId, d: &BriefingDraft, at: Timestamp) -> Result<(Briefing, Event)> {
        let d = d.clone();
        self.write(move |c| {
            let tx = c.transaction()?;
            let n = tx.execute(
                "UPDATE briefings SET title = ?, summary = ?, language = ?, updated_at = ? WHERE id = ?",
                params![d.title, d.summary, d.language, us(at), id.0],
            )?;
            if n == 0 {
                return Err(StoreError::NotFound);
            }
            let ev = insert_event(&tx, id, EventKind::BriefingUpdated, Subject::Briefing, at)?;
            let b = tx.query_row("SELECT * FROM briefings WHERE id = ?", [id.0], briefing_from)?;
            tx.commit()?;
            Ok((b, ev))
        })
        .await
    }

    async fn save_report(&self, d: &ReportDraft, by: Option<&Actor>, at: Timestamp) -> Result<ReportSaved> {
        let d = d.clone();
        let by = by.cloned();
        let reading = crate::codec::encode_reading(&d.reading);
        self.write(move |c| {
            let tx = c.transaction()?;
            let who = ReportActor::of(by.as_ref());
            let existing: Option<Report> = match &d.url {
                Some(u) => tx
                    .query_row(
                        "SELECT * FROM reports WHERE briefing_id = ? AND url = ?",
                        params![d.briefing_id.0, u],
                        report_from,
                    )
                    .optional()?,
                None => None,
            };
            let saved = match existing {
                Some(old) if !old.may_be_replaced_by(by.as_ref()) => return Ok(ReportSaved::Kept(old)),
                Some(old) => {
                    tx.execute(
                        "INSERT INTO report_changes (report_id, actor_id, actor_name, at, previous_title,
                         previous_source, previous_published, previous_text) VALUES (?,?,?,?,?,?,?,?)",
                        params![
                            old.id.0,
                            who.id.map(|u| u.0),
                            who.name,
                            us(at),
                            old.title,
                            old.source,
                            old.published.to_string(),
                            old.text
                        ],
                    )?;
                    tx.execute(
                        "UPDATE reports SET title = ?, source = ?, published = ?, text = ?, language = ?, reading = ?,
                         updated_at = ?, changed_by = ?, changed_by_name = ? WHERE id = ?",
                        params![
                            d.title,
                            d.source,
                            d.published.to_string(),
                            d.text,
                            d.language,
                            reading,
                            us(at),
                            who.id.map(|u| u.0),
                            who.name,
                            old.id.0
                        ],
                    )?;
                    ReportSaved::Replaced
                }
                None => {
                    tx.execute(
                        "INSERT INTO reports (briefing_id, url, title, source, published, text, language, reading,
                         received_at, updated_at, submitted_by, submitted_by_name) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                        params![
                            d.briefing_id.0,
                            d.url,
                            d.title,
                            d.source,
                            d.published.to_string(),
                            d.text,
                            d.language,
                            reading,
                            us(at),
                            us(at),
                            who.id.map(|u| u.0),
                            who.name
                        ],
                    )?;
                    ReportSaved::Created
                }
            };
            let id: i64 = match &d.url {
                Some(u) => tx.query_row(
                    "SELECT id FROM reports WHERE briefing_id = ? AND url = ?",
                    params![d.briefing_id.0, u],
                    |r| r.get(0),
                )?,
                None => tx.last_insert_rowid(),
            };
            let r = tx.query_row("SELECT * FROM reports WHERE id = ?", [id], report_from)?;
            tx.commit()?;
            Ok(saved(r))
        })
        .await
    }

    async fn report_changes(&self, id: ReportId) -> Result<Vec<ReportChange>> {
        self.read(move |c| {
            let mut st = c.prepare_cached(
                "SELECT report_id, actor_id, actor_name, at, previous_title, previous_source, previous_published,
                 previous_text FROM report_changes WHERE report_id = ? ORDER BY id",
            )?;
            let rows = st.query_map([id.0], |r| {
                Ok(ReportChange {
                    report_id: ReportId(r.get(0)?),
                    by: report_actor(r.get(1)?, r.get(2)?),
                    at: ts(r.get(3)?)?,
                    previous_title: r.get(4)?,
                    previous_source: r.get(5)?,
                    previous_published: date_of(&r.get::<_, String>(6)?)?,
                    previous_text: r.get(7)?,
                })
            })?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })
        .await
    }

    async fn briefing_topics(&self, id: BriefingId) -> Result<Option<String>> {
        self.read(move |c| {
            Ok(
                c.query_row("SELECT list FROM briefing_topics WHERE briefing_id = ?", [id.0], |r| {
                    r.get(0)
                })
                .optional()?,
            )
        })
        .await
    }

    async fn set_briefing_topics(&self, id: BriefingId, list: Option<&str>, at: Timestamp) -> Result<()> {
        let list = list.map(str::to_string);
        self.write(move |c| {
            match list {
                Some(l) => c.execute(
                    "INSERT INTO briefing_topics (briefing_id, list, updated_at) VALUES (?, ?, ?)
                     ON CONFLICT(briefing_id) DO UPDATE SET list = excluded.list, updated_at = excluded.updated_at",
                    params![id.0, l, us(at)],
                )?,
                None => c.execute("DELETE FROM briefing_topics WHERE briefing_id = ?", [id.0])?,
            };
            Ok(())
        })
        .await
    }

    async fn report(&self, id: ReportId) -> Result<Option<Report>> {
        self.read(move |c| {
            Ok(c.query_row("SELECT * FROM reports WHERE id = ?", [id.0], report_from)
                .optional()?)
        })
        .await
    }

    async fn list_reports(&self, briefing: BriefingId, before: Option<ReportId>, limit: usize) -> Result<Vec<Report>> {
        self.read(move |c| {
            let mut st =
                c.prepare_cached("SELECT * FROM reports WHERE briefing_id = ? AND id < ? ORDER BY id DESC LIMIT ?")?;
            let rows = st.query_map(
                params![briefing.0, before.map_or(i64::MAX, |b| b.0), limit.min(1000) as i64],
                report_from,
            )?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })
        .await
    }

    async fn briefing(&self, id: BriefingId) -> Result<Option<Briefing>> {
        self.read(move |c| {
            Ok(
                c.query_row("SELECT * FROM briefings WHERE id = ?", [id.0], briefing_from)
                    .optional()?,
            )
        })
        .await
    }

    async fn briefing_by_slug(&self, slug: &str) -> Result<Option<Briefing>> {
        let slug = slug.to_string();
        self.read(move |c| {
            Ok(
                c.query_row("SELECT * FROM briefings WHERE slug = ?", [slug], briefing_from)
                    .optional()?,
            )
        })
        .await
    }

    async fn list_briefings(&self) -> Result<Vec<Briefing>> {
        self.read(|c| {
            let mut st = c.prepare("SELECT * FROM briefings ORDER BY updated_at DESC, id DESC")?;
            let rows = st.query_map([], briefing_from)?.collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(rows)
        })
        .await
    }

    async fn insert_entry(&self, change: Change) -> Result<(Entry, Option<Event>)> {
        self.write(move |c| {
            let tx = c.transaction()?;
            let mut e = change.entry;
            let exists: bool =
                tx.query_row("SELECT EXISTS(SELECT 1 FROM briefings WHERE id = ?)", [e.briefing_id.0], |r| r.get(0))?;
            if !exists {
                return Err(StoreError::NotFound);
            }
            tx.execute(
                &format!(
                    "INSERT INTO entries (briefing_id, author_id, author_name, version, status, headline, body_format, \
                     body_source, body_html, happened_on, topics, sources, pinned, key_event, created_at, published_at, \
                     updated_at, revised_at, correction_note, correction_at, retraction_note, retraction_at, sort_at) \
                     VALUES ({}, {}, ?, {})",
                    e.briefing_id.0,
                    e.author_id.0,
                    vec!["?"; 20].join(",")
                ),
                rusqlite::params_from_iter(
                    std::iter::once(SqlValue::Text(e.author_name.clone())).chain(entry_values(&e)),
                ),
            )?;
            e.id = EntryId(tx.last_insert_rowid());
            let mut rev = change.revision;
            rev.entry_id = e.id;
            insert_revision(&tx, e.id, &rev)?;
            let ev = change.event.map(|k| insert_event(&tx, e.briefing_id, k, Subject::Entry(e.id), e.updated_at)).transpose()?;
            tx.commit()?;
            Ok((e, ev))
        })
        .await
    }

    async fn save_change(&self, change: Change) -> Result<(Entry, Option<Event>)> {
        self.write(move |c| {
            let tx = c.transaction()?;
            let e = change.entry;
            let n = tx.execute(
                &format!(
                    "UPDATE entries SET version = ?1, status = ?2, headline = ?3, body_format = ?4, body_source = ?5, \
                     body_html = ?6, happened_on = ?7, topics = ?8, sources = ?9, pinned = ?10, key_event = ?11, \
                     created_at = ?12, published_at = ?13, updated_at = ?14, revised_at = ?15, correction_note = ?16, \
                     correction_at = ?17, retraction_note = ?18, retraction_at = ?19, sort_at = ?20 \
                     WHERE id = {} AND version = {}",
                    e.id.0,
                    e.version - 1
                ),
                rusqlite::params_from_iter(entry_values(&e)),
            )?;
            if n == 0 {
                let exists: bool =
                    tx.query_row("SELECT EXISTS(SELECT 1 FROM entries WHERE id = ?)", [e.id.0], |r| {
                        r.get(0)
                    })?;
                return Err(if exists {
                    StoreError::Conflict("the entry was changed by someone else; reload and try again".into())
                } else {
                    StoreError::NotFound
                });
            }
            insert_revision(&tx, e.id, &change.revision)?;
            let ev = change
                .event
                .map(|k| insert_event(&tx, e.briefing_id, k, Subject::Entry(e.id), e.updated_at))
                .transpose()?;
            tx.commit()?;
            Ok((e, ev))
        })
        .await
    }

    async fn entry(&self, id: EntryId) -> Result<Option<Entry>> {
        self.read(move |c| {
            Ok(c.query_row(
                &format!("SELECT {ENTRY_COLS} FROM entries WHERE id = ?"),
                [id.0],
                entry_from,
            )
            .optional()?)
        })
        .await
    }

    async fn list_entries(&self, q: &EntryQuery) -> Result<Page> {
        let q = q.clone();
        self.read(move |c| {
            let mut sql = format!("SELECT {ENTRY_COLS} FROM entries WHERE briefing_id = ?");
            let mut args: Vec<Box<dyn rusqlite::ToSql>> = vec![Box::new(q.briefing_id.0)];
            if !q.statuses.is_empty() {
                sql.push_str(&format!(" AND status IN ({})", vec!["?"; q.statuses.len()].join(",")));
                for s in &q.statuses {
                    args.push(Box::new(s.as_str()));
                }
            }
            if let Some(t) = &q.topic {
                sql.push_str(" AND EXISTS (SELECT 1 FROM json_each(entries.topics) WHERE lower(value) = lower(?))");
                args.push(Box::new(t.clone()));
            }
            if let Some(p) = q.pinned {
                sql.push_str(" AND pinned = ?");
                args.push(Box::new(p));
            }
            if let Some(k) = q.key_event {
                sql.push_str(" AND key_event = ?");
                args.push(Box::new(k));
            }
            if let Some(u) = q.private_of {
                sql.push_str(" AND (status IN ('published', 'retracted') OR author_id = ?)");
                args.push(Box::new(u.0));
            }
            let (cmp, dir) = match q.order {
                Order::NewestFirst => ("<", "DESC"),
                Order::OldestFirst => (">", "ASC"),
            };
            if let Some(cur) = q.after {
                sql.push_str(&format!(" AND (sort_at, id) {cmp} (?, ?)"));
                args.push(Box::new(us(cur.at)));
                args.push(Box::new(cur.id.0));
            }
            sql.push_str(&format!(" ORDER BY sort_at {dir}, id {dir} LIMIT ?"));
            let limit = q.limit.clamp(1, 500);
            args.push(Box::new((limit + 1) as i64));
            let mut st = c.prepare_cached(&sql)?;
            let mut items = st
                .query_map(rusqlite::params_from_iter(args.iter().map(|b| b.as_ref())), entry_from)?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            let next = if items.len() > limit {
                items.truncate(limit);
                items.last().map(|e| Cursor {
                    at: sort_time(e),
                    id: e.id,
                })
            } else {
                None
            };
            Ok(Page { items, next })
        })
        .await
    }

    async fn revisions(&self, id: EntryId) -> Result<Vec<Revision>> {
        self.read(move |c| {
            let mut st = c.prepare_cached(
                "SELECT entry_id, number, action, actor_id, actor_name, at, note, snapshot FROM revisions \
                 WHERE entry_id = ? ORDER BY number",
            )?;
            let rows = st
                .query_map([id.0], |r| {
                    let action: String = r.get(2)?;
                    Ok(Revision {
                        entry_id: EntryId(r.get(0)?),
                        number: r.get(1)?,
                        action: RevisionAction::parse(&action)
                            .ok_or_else(|| conv_err(format!("unknown action {action}")))?,
                        actor_id: UserId(r.get(3)?),
                        actor_name: r.get(4)?,
                        at: ts(r.get(5)?)?,
                        note: r.get(6)?,
                        snapshot: snapshot_from(&r.get::<_, String>(7)?)?,
                    })
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(rows)
        })
        .await
    }

    async fn topics(&self, briefing: BriefingId) -> Result<Vec<(String, u64)>> {
        self.read(move |c| {
            let mut st = c.prepare_cached(
                "SELECT j.value, COUNT(*) AS n FROM entries e, json_each(e.topics) j \
                 WHERE e.briefing_id = ? AND e.status = 'published' GROUP BY lower(j.value) ORDER BY n DESC, j.value",
            )?;
            let rows = st
                .query_map([briefing.0], |r| {
                    Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)? as u64))
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(rows)
        })
        .await
    }

    async fn events_after(&self, briefing: BriefingId, after: EventId, limit: usize) -> Result<Vec<Event>> {
        self.read(move |c| {
            let mut st = c.prepare_cached(
                "SELECT id, briefing_id, kind, entry_id, at, layer_id FROM events WHERE briefing_id = ? AND id > ? ORDER BY id LIMIT ?",
            )?;
            let rows = st
                .query_map(params![briefing.0, after.0, limit.min(10_000) as i64], event_from)?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(rows)
        })
        .await
    }

    async fn last_event_ids(&self) -> Result<Vec<(BriefingId, EventId)>> {
        self.read(|c| {
            let mut st = c.prepare("SELECT briefing_id, MAX(id) FROM events GROUP BY briefing_id")?;
            let rows = st
                .query_map([], |r| Ok((BriefingId(r.get(0)?), EventId(r.get(1)?))))?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(rows)
        })
        .await
    }

    async fn reserve_login(
        &self,
        keys: &[(String, u32)],
        since: Timestamp,
        at: Timestamp,
    ) -> Result<std::result::Result<Vec<i64>, Timestamp>> {
        Ok(self
            .inner
            .logins
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .reserve(keys, us(since), us(at))
            .map_err(|oldest| Timestamp::from_microsecond(oldest).unwrap_or(at)))
    }

    async fn forget_logins(&self, ids: &[i64], clear: &[String]) -> Result<()> {
        self.inner
            .logins
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .forget(ids, clear);
        Ok(())
    }

    async fn prune_logins(&self, before: Timestamp) -> Result<u64> {
        Ok(self
            .inner
            .logins
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .prune(us(before)))
    }
}
