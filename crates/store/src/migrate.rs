//! Moving a site from SQLite to PostgreSQL: every table copied with its ids, in one PostgreSQL transaction,
//! verified before it commits.
//!
//! The two schemas are parallel (see `sqlite::MIGRATIONS` and `postgres::MIGRATIONS`) and share their
//! encodings, so a row is copied value for value: the columns come from the PostgreSQL catalogue and must be
//! the SQLite table's columns (a column only PostgreSQL has is computed from SQLite: a briefing's
//! `last_event_seq` is its newest event id, a speaker alias's `id` its `rowid`). [`TABLES`] lists every table
//! in an order that keeps foreign keys satisfied; a SQLite table missing from it stops the copy ("nothing
//! lost" includes tables added later). Ids are kept, so permalinks, event ids (`Last-Event-ID`), report and
//! development ids stay valid; identity columns then continue after the copied maxima and each briefing's
//! event sequence after its newest event.
//!
//! The copy streams: one read transaction on SQLite (one snapshot of every table) feeds batches of rows
//! through a bounded channel into `COPY … FROM STDIN (FORMAT binary)`, table by table. A table's
//! foreign keys are checked at the end of its `COPY` (one statement), so rows that point forward within a
//! table (a development merged into a newer one) are fine.
//!
//! Verification: per table, the row count and a SHA-256 over its rows in primary-key order, each row
//! encoded canonically ([`V::hash_into`]) from the values read back from each database in Rust (no
//! engine-side hashing, whose text and number forms differ). The SQLite side is hashed as it is read for the
//! copy; the PostgreSQL side is read back inside the same transaction, so a mismatch rolls everything back.
//!
//! Re-running: the target is empty (every table of [`TABLES`]) → copy. Otherwise both sides are compared:
//! the same counts and checksums → [`Outcome::AlreadyMigrated`] and nothing changes; different → refused
//! ([`MigrateError::TargetHoldsOtherData`]) unless [`Options::replace`], which empties those tables
//! (`TRUNCATE … RESTART IDENTITY`) in the same transaction before copying. A failure anywhere leaves the
//! target as it was.

use std::collections::HashMap;
use std::fmt;
use std::time::{Duration, Instant};

use bytes::BytesMut;
use sha2::{Digest, Sha256};
use tokio_postgres::Transaction;
use tokio_postgres::binary_copy::BinaryCopyInWriter;
use tokio_postgres::types::{FromSql, IsNull, ToSql, Type, to_sql_checked};

use crate::{PgStore, SqliteStore, StoreError};

/// A table to copy: its name, the columns its rows are ordered by (its primary key, the same on both sides),
/// and the columns only PostgreSQL has, with the SQLite expression that gives their value.
#[derive(Debug)]
pub struct Table {
    pub name: &'static str,
    pub key: &'static [&'static str],
    pub computed: &'static [(&'static str, &'static str)],
}

const fn table(name: &'static str, key: &'static [&'static str]) -> Table {
    Table {
        name,
        key,
        computed: &[],
    }
}

/// Every livebrief table, parents before children.
pub const TABLES: &[Table] = &[
    table("settings", &["key"]),
    table("users", &["id"]),
    table("sessions", &["token_hash"]),
    table("api_tokens", &["id"]),
    Table {
        name: "briefings",
        key: &["id"],
        // PostgreSQL numbers a briefing's events itself: the next one follows the newest copied.
        computed: &[(
            "last_event_seq",
            "(SELECT COALESCE(MAX(e.id), 0) FROM events e WHERE e.briefing_id = briefings.id)",
        )],
    },
    table("briefing_topics", &["briefing_id"]),
    table("entries", &["id"]),
    table("revisions", &["entry_id", "number"]),
    // Before events (an event may name a layer). A revision names the one that superseded it, always a later id:
    // each batch is one COPY, whose foreign-key checks run at its end, so a supersession across batches is
    // the one case that would be refused (rare: a day's layer replaced 500 layers later) — then nothing is copied.
    table("map_layers", &["id"]),
    table("map_changes", &["from_id", "to_id"]),
    // SQLite's ids are global, PostgreSQL's key is (briefing, id): copied ids are unique either way.
    table("events", &["briefing_id", "id"]),
    table("reports", &["id"]),
    table("report_changes", &["id"]),
    table("sources", &["id"]),
    table("source_items", &["source_id", "item_key"]),
    table("jobs", &["id"]),
    table("developments", &["id"]),
    table("development_facets", &["development_id", "kind", "value"]),
    table("memberships", &["report_id"]),
    table("desk_records", &["id"]),
    table("speakers", &["id"]),
    Table {
        name: "speaker_aliases",
        key: &["id"],
        // SQLite orders a speaker's spellings by rowid, PostgreSQL by this id.
        computed: &[("id", "rowid")],
    },
    table("tracked_quotes", &["id"]),
];

/// The advisory lock a migration holds (one at a time per database; "lb" "co" "py" in ASCII).
const MIGRATE_LOCK: i64 = 0x6c62_636f_7079;
/// Rows per batch from SQLite to PostgreSQL, and per fetch when reading PostgreSQL back.
const BATCH_ROWS: usize = 500;
/// A batch is sent early once its values hold this many bytes (reports can be long).
const BATCH_BYTES: usize = 4 << 20;
/// Batches in flight between the SQLite reader and the PostgreSQL writer.
const CHANNEL_BATCHES: usize = 4;

#[derive(Debug, thiserror::Error)]
pub enum MigrateError {
    /// The target has livebrief rows that differ from the source; nothing was changed.
    #[error(
        "the target database already holds different livebrief data ({}); nothing was changed. \
         Migrate into an empty database, or pass --replace to empty its livebrief tables and copy again \
         (in one transaction)",
        .held.iter().map(|(t, n)| format!("{n} in {t}")).collect::<Vec<_>>().join(", ")
    )]
    TargetHoldsOtherData {
        held: Vec<(&'static str, u64)>,
        verification: Verification,
    },
    /// The copy read back differently; it was rolled back.
    #[error("verification failed after copying ({}); the copy was rolled back and the target is unchanged", .0.mismatches().join(", "))]
    Mismatch(Verification),
    /// The schemas are not the ones this build copies.
    #[error("{0}")]
    Schema(String),
    /// A value that cannot be copied as it is.
    #[error("{0}")]
    Data(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<tokio_postgres::Error> for MigrateError {
    fn from(e: tokio_postgres::Error) -> Self {
        MigrateError::Store(e.into())
    }
}

impl From<rusqlite::Error> for MigrateError {
    fn from(e: rusqlite::Error) -> Self {
        MigrateError::Store(e.into())
    }
}

/// Told each table as it is copied: (table, rows).
pub type Progress = dyn Fn(&str, u64) + Sync;

/// What a migration should do beyond copying into an empty target.
#[derive(Default)]
pub struct Options<'a> {
    /// Empty the target's livebrief tables first (in the same transaction) when they hold other data.
    pub replace: bool,
    /// Told each table as it is copied: (table, rows).
    pub progress: Option<&'a Progress>,
}

#[derive(Debug)]
pub enum Outcome {
    /// Copied and verified, then committed.
    Copied {
        verification: Verification,
        /// Whether the target's livebrief tables were emptied first (`--replace`).
        replaced: bool,
        elapsed: Duration,
    },
    /// The target already held exactly the source's data; nothing was written.
    AlreadyMigrated(Verification),
}

/// One table's row count and SHA-256, as read from one database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sum {
    pub rows: u64,
    pub sha256: [u8; 32],
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableCheck {
    pub table: &'static str,
    pub source: Sum,
    pub target: Sum,
}

impl TableCheck {
    pub fn ok(&self) -> bool {
        self.source == self.target
    }
}

/// Per table, the source's and the target's count and checksum.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verification {
    pub tables: Vec<TableCheck>,
}

impl Verification {
    pub fn ok(&self) -> bool {
        self.tables.iter().all(TableCheck::ok)
    }

    /// Rows in the source, all tables.
    pub fn source_rows(&self) -> u64 {
        self.tables.iter().map(|t| t.source.rows).sum()
    }

    /// The tables that differ.
    pub fn mismatches(&self) -> Vec<&'static str> {
        self.tables.iter().filter(|t| !t.ok()).map(|t| t.table).collect()
    }
}

fn hex16(h: &[u8; 32]) -> String {
    h[..8].iter().map(|b| format!("{b:02x}")).collect()
}

/// A table: per livebrief table, the rows and the first 16 hex digits of the SHA-256 on each side.
impl fmt::Display for Verification {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{:<20} {:>12} {:>12}  {:<16}  {:<16}  result",
            "table", "sqlite rows", "pg rows", "sqlite sha256", "pg sha256"
        )?;
        for t in &self.tables {
            writeln!(
                f,
                "{:<20} {:>12} {:>12}  {:<16}  {:<16}  {}",
                t.table,
                t.source.rows,
                t.target.rows,
                hex16(&t.source.sha256),
                hex16(&t.target.sha256),
                if t.ok() { "ok" } else { "MISMATCH" }
            )?;
        }
        let target: u64 = self.tables.iter().map(|t| t.target.rows).sum();
        write!(
            f,
            "{:<20} {:>12} {:>12}  {:<16}  {:<16}  {}",
            "total",
            self.source_rows(),
            target,
            "",
            "",
            if self.ok() { "ok" } else { "MISMATCH" }
        )
    }
}

/// How a column's values are read, written and hashed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Int,
    Real,
    Text,
    Blob,
    Bool,
}

impl Kind {
    fn from_pg(data_type: &str) -> Option<Kind> {
        Some(match data_type {
            "bigint" => Kind::Int,
            "double precision" => Kind::Real,
            "text" => Kind::Text,
            "bytea" => Kind::Blob,
            "boolean" => Kind::Bool,
            _ => return None,
        })
    }

    fn pg_type(self) -> Type {
        match self {
            Kind::Int => Type::INT8,
            Kind::Real => Type::FLOAT8,
            Kind::Text => Type::TEXT,
            Kind::Blob => Type::BYTEA,
            Kind::Bool => Type::BOOL,
        }
    }
}

/// One value of a row, the same whichever database it came from.
#[derive(Debug, Clone, PartialEq)]
enum V {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
    Blob(Vec<u8>),
    Bool(bool),
}

impl V {
    /// The canonical encoding: a tag byte, then big-endian numbers, or a length-prefixed byte string.
    fn hash_into(&self, h: &mut Sha256) {
        match self {
            V::Null => h.update([0u8]),
            V::Int(i) => {
                h.update([1u8]);
                h.update(i.to_be_bytes());
            }
            V::Real(x) => {
                h.update([2u8]);
                h.update(x.to_bits().to_be_bytes());
            }
            V::Text(s) => {
                h.update([3u8]);
                h.update((s.len() as u64).to_be_bytes());
                h.update(s.as_bytes());
            }
            V::Blob(b) => {
                h.update([4u8]);
                h.update((b.len() as u64).to_be_bytes());
                h.update(b);
            }
            V::Bool(b) => h.update([5u8, u8::from(*b)]),
        }
    }

    fn size(&self) -> usize {
        match self {
            V::Text(s) => s.len(),
            V::Blob(b) => b.len(),
            _ => 8,
        }
    }

    /// A SQLite value as a value of the column's kind, strictly: anything PostgreSQL would store differently
    /// is an error naming the table, column and row.
    fn from_sqlite(v: rusqlite::types::ValueRef<'_>, kind: Kind, at: impl Fn() -> String) -> Result<V, MigrateError> {
        use rusqlite::types::ValueRef as R;
        Ok(match (kind, v) {
            (_, R::Null) => V::Null,
            (Kind::Int, R::Integer(i)) => V::Int(i),
            (Kind::Real, R::Real(x)) => V::Real(x),
            (Kind::Real, R::Integer(i)) => V::Real(i as f64),
            (Kind::Bool, R::Integer(i @ (0 | 1))) => V::Bool(i == 1),
            (Kind::Text, R::Text(b)) => {
                let s = std::str::from_utf8(b)
                    .map_err(|_| MigrateError::Data(format!("{}: text that is not UTF-8", at())))?;
                if s.contains('\0') {
                    return Err(MigrateError::Data(format!(
                        "{}: text with a NUL character, which PostgreSQL cannot store",
                        at()
                    )));
                }
                V::Text(s.to_string())
            }
            (Kind::Blob, R::Blob(b) | R::Text(b)) => V::Blob(b.to_vec()),
            (kind, other) => {
                return Err(MigrateError::Data(format!(
                    "{}: a {:?} value where the column holds {kind:?}",
                    at(),
                    other.data_type()
                )));
            }
        })
    }
}

impl ToSql for V {
    fn to_sql(&self, ty: &Type, out: &mut BytesMut) -> Result<IsNull, Box<dyn std::error::Error + Sync + Send>> {
        match self {
            V::Null => Ok(IsNull::Yes),
            V::Int(i) => i.to_sql(ty, out),
            V::Real(x) => x.to_sql(ty, out),
            V::Text(s) => s.to_sql(ty, out),
            V::Blob(b) => b.to_sql(ty, out),
            V::Bool(b) => b.to_sql(ty, out),
        }
    }

    fn accepts(ty: &Type) -> bool {
        [Type::INT8, Type::FLOAT8, Type::TEXT, Type::BYTEA, Type::BOOL].contains(ty)
    }

    to_sql_checked!();
}

impl<'a> FromSql<'a> for V {
    fn from_sql(ty: &Type, raw: &'a [u8]) -> Result<Self, Box<dyn std::error::Error + Sync + Send>> {
        Ok(match *ty {
            Type::INT8 => V::Int(i64::from_sql(ty, raw)?),
            Type::FLOAT8 => V::Real(f64::from_sql(ty, raw)?),
            Type::TEXT => V::Text(String::from_sql(ty, raw)?),
            Type::BYTEA => V::Blob(Vec::<u8>::from_sql(ty, raw)?),
            Type::BOOL => V::Bool(bool::from_sql(ty, raw)?),
            _ => return Err(format!("unexpected column type {ty}").into()),
        })
    }

    fn from_sql_null(_: &Type) -> Result<Self, Box<dyn std::error::Error + Sync + Send>> {
        Ok(V::Null)
    }

    fn accepts(ty: &Type) -> bool {
        <V as ToSql>::accepts(ty)
    }
}

fn quote(ident: &str) -> String {
    format!("\"{}\"", ident.replace('"', "\"\""))
}

/// How one table is read on each side: the columns (PostgreSQL's order and kinds) and the two SELECTs.
#[derive(Debug, Clone)]
struct Layout {
    table: &'static str,
    columns: Vec<(String, Kind)>,
    sqlite_select: String,
    pg_select: String,
    /// Its identity column, if any (continued after the copied maximum).
    identity: Option<String>,
}

/// The SQLite side's tables and their columns.
type SqliteSchema = HashMap<String, Vec<String>>;

async fn sqlite_schema(source: &SqliteStore) -> Result<SqliteSchema, MigrateError> {
    Ok(source
        .read(|c| {
            let mut tables = c.prepare(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'",
            )?;
            let names: Vec<String> = tables.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
            let mut schema = HashMap::new();
            for name in names {
                let mut info = c.prepare(&format!("PRAGMA table_info({})", quote(&name)))?;
                let cols: Vec<String> = info.query_map([], |r| r.get(1))?.collect::<rusqlite::Result<_>>()?;
                schema.insert(name, cols);
            }
            Ok(schema)
        })
        .await?)
}

/// Matches the two schemas against [`TABLES`] and works out how to read each table.
async fn layouts(tx: &Transaction<'_>, sqlite: &SqliteSchema) -> Result<Vec<Layout>, MigrateError> {
    let mut unknown: Vec<&String> = sqlite
        .keys()
        .filter(|t| !TABLES.iter().any(|s| s.name == t.as_str()))
        .collect();
    unknown.sort();
    if !unknown.is_empty() {
        return Err(MigrateError::Schema(format!(
            "the SQLite database has tables this build does not know how to copy ({}); use the livebrief \
             version that wrote it",
            unknown.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
        )));
    }
    let rows = tx
        .query(
            "SELECT table_name::text, column_name::text, data_type::text, is_identity::text
               FROM information_schema.columns
              WHERE table_schema = current_schema()
              ORDER BY table_name, ordinal_position",
            &[],
        )
        .await?;
    let mut pg: HashMap<String, Vec<(String, String, bool)>> = HashMap::new();
    for r in rows {
        let (t, c, ty, id): (String, String, String, String) =
            (r.try_get(0)?, r.try_get(1)?, r.try_get(2)?, r.try_get(3)?);
        pg.entry(t).or_default().push((c, ty, id == "YES"));
    }
    let mut out = Vec::with_capacity(TABLES.len());
    for spec in TABLES {
        let Some(pg_cols) = pg.get(spec.name) else {
            return Err(MigrateError::Schema(format!(
                "the PostgreSQL database has no table {} in its current schema: is it a livebrief database?",
                spec.name
            )));
        };
        let Some(sq_cols) = sqlite.get(spec.name) else {
            return Err(MigrateError::Schema(format!(
                "the SQLite database has no table {}: is it a livebrief database?",
                spec.name
            )));
        };
        let mut columns = Vec::new();
        let mut sqlite_exprs = Vec::new();
        let mut identity = None;
        for (name, ty, is_identity) in pg_cols {
            let kind = Kind::from_pg(ty).ok_or_else(|| {
                MigrateError::Schema(format!(
                    "{}.{name} has type {ty}, which migrate does not copy",
                    spec.name
                ))
            })?;
            let expr = match spec.computed.iter().find(|(c, _)| *c == name.as_str()) {
                Some((_, expr)) => expr.to_string(),
                None if sq_cols.contains(name) => quote(name),
                None => {
                    return Err(MigrateError::Schema(format!(
                        "{}.{name} is in the PostgreSQL schema but not in the SQLite one",
                        spec.name
                    )));
                }
            };
            if *is_identity {
                identity = Some(name.clone());
            }
            sqlite_exprs.push((name.clone(), expr));
            columns.push((name.clone(), kind));
        }
        if let Some(missing) = sq_cols.iter().find(|c| !columns.iter().any(|(n, _)| n == *c)) {
            return Err(MigrateError::Schema(format!(
                "{}.{missing} is in the SQLite schema but not in the PostgreSQL one",
                spec.name
            )));
        }
        let kind_of = |k: &str| columns.iter().find(|(n, _)| n == k).map(|(_, kind)| *kind);
        let mut sqlite_order = Vec::new();
        let mut pg_order = Vec::new();
        for &k in spec.key {
            let kind = kind_of(k).ok_or_else(|| MigrateError::Schema(format!("{}.{k}: no such column", spec.name)))?;
            let expr = sqlite_exprs
                .iter()
                .find(|(n, _)| n == k)
                .map(|(_, e)| e.clone())
                .unwrap_or_else(|| quote(k));
            sqlite_order.push(expr);
            // Text in byte order, as SQLite's BINARY collation orders it.
            pg_order.push(if kind == Kind::Text {
                format!("{} COLLATE \"C\"", quote(k))
            } else {
                quote(k)
            });
        }
        let sqlite_select = format!(
            "SELECT {} FROM {} ORDER BY {}",
            sqlite_exprs
                .iter()
                .map(|(_, e)| e.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            quote(spec.name),
            sqlite_order.join(", ")
        );
        let pg_select = format!(
            "SELECT {} FROM {} ORDER BY {}",
            columns.iter().map(|(n, _)| quote(n)).collect::<Vec<_>>().join(", "),
            quote(spec.name),
            pg_order.join(", ")
        );
        out.push(Layout {
            table: spec.name,
            columns,
            sqlite_select,
            pg_select,
            identity,
        });
    }
    Ok(out)
}

/// What the SQLite reader sends the PostgreSQL writer.
enum Msg {
    Rows(Vec<Vec<V>>),
    /// The table is complete; its count and checksum.
    End(Sum),
}

/// Reads every table from SQLite in one read transaction (one snapshot), hashing each, and, when `send` is
/// given, sends the rows there in batches.
async fn read_source(
    source: &SqliteStore,
    layouts: Vec<Layout>,
    send: Option<tokio::sync::mpsc::Sender<Result<Msg, MigrateError>>>,
) -> Result<Vec<Sum>, MigrateError> {
    source
        .read(move |c| {
            let run = || -> Result<Vec<Sum>, MigrateError> {
                c.execute_batch("BEGIN")?;
                let mut sums = Vec::with_capacity(layouts.len());
                for l in &layouts {
                    let mut stmt = c.prepare(&l.sqlite_select)?;
                    let mut rows = stmt.query([])?;
                    let mut h = Sha256::new();
                    let mut n = 0u64;
                    let mut batch = Vec::with_capacity(BATCH_ROWS);
                    let mut bytes = 0usize;
                    while let Some(r) = rows.next()? {
                        let mut row = Vec::with_capacity(l.columns.len());
                        for (i, (name, kind)) in l.columns.iter().enumerate() {
                            let v = V::from_sqlite(r.get_ref(i)?, *kind, || {
                                format!("{} row {} column {name}", l.table, n + 1)
                            })?;
                            v.hash_into(&mut h);
                            bytes += v.size();
                            row.push(v);
                        }
                        n += 1;
                        if let Some(tx) = &send {
                            batch.push(row);
                            if batch.len() >= BATCH_ROWS || bytes >= BATCH_BYTES {
                                let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH_ROWS));
                                bytes = 0;
                                tx.blocking_send(Ok(Msg::Rows(full))).map_err(|_| stopped())?;
                            }
                        }
                    }
                    let sum = Sum {
                        rows: n,
                        sha256: h.finalize().into(),
                    };
                    if let Some(tx) = &send {
                        if !batch.is_empty() {
                            tx.blocking_send(Ok(Msg::Rows(batch))).map_err(|_| stopped())?;
                        }
                        tx.blocking_send(Ok(Msg::End(sum))).map_err(|_| stopped())?;
                    }
                    sums.push(sum);
                }
                c.execute_batch("COMMIT")?;
                Ok(sums)
            };
            let result = run();
            if !c.is_autocommit() {
                let _ = c.execute_batch("ROLLBACK");
            }
            if let (Err(e), Some(tx)) = (&result, &send) {
                // The writer waits for rows: tell it why none come.
                let _ = tx.blocking_send(Err(MigrateError::Data(e.to_string())));
            }
            Ok(result)
        })
        .await?
}

fn stopped() -> MigrateError {
    MigrateError::Data("the PostgreSQL side stopped".into())
}

/// Reads every table back from PostgreSQL in primary-key order (a portal, `BATCH_ROWS` at a time) and
/// hashes it.
async fn read_target(tx: &Transaction<'_>, layouts: &[Layout]) -> Result<Vec<Sum>, MigrateError> {
    let mut sums = Vec::with_capacity(layouts.len());
    for l in layouts {
        let portal = tx.bind(l.pg_select.as_str(), &[]).await?;
        let mut h = Sha256::new();
        let mut n = 0u64;
        loop {
            let rows = tx.query_portal(&portal, BATCH_ROWS as i32).await?;
            if rows.is_empty() {
                break;
            }
            for r in &rows {
                for i in 0..l.columns.len() {
                    r.try_get::<_, V>(i)?.hash_into(&mut h);
                }
                n += 1;
            }
        }
        sums.push(Sum {
            rows: n,
            sha256: h.finalize().into(),
        });
    }
    Ok(sums)
}

fn verification(layouts: &[Layout], source: Vec<Sum>, target: Vec<Sum>) -> Verification {
    Verification {
        tables: layouts
            .iter()
            .zip(source.into_iter().zip(target))
            .map(|(l, (source, target))| TableCheck {
                table: l.table,
                source,
                target,
            })
            .collect(),
    }
}

async fn compare(source: &SqliteStore, tx: &Transaction<'_>, layouts: &[Layout]) -> Result<Verification, MigrateError> {
    let (s, t) = tokio::join!(read_source(source, layouts.to_vec(), None), read_target(tx, layouts));
    Ok(verification(layouts, s?, t?))
}

/// Copies every table (`COPY … FROM STDIN (FORMAT binary)`) as the SQLite reader streams it; returns the
/// source's sums.
async fn copy(
    source: &SqliteStore,
    tx: &Transaction<'_>,
    layouts: &[Layout],
    progress: Option<&Progress>,
) -> Result<Vec<Sum>, MigrateError> {
    let (send, mut recv) = tokio::sync::mpsc::channel(CHANNEL_BATCHES);
    let reader = read_source(source, layouts.to_vec(), Some(send));
    let writer = async move {
        let result = async {
            for l in layouts {
                let cols: Vec<String> = l.columns.iter().map(|(n, _)| quote(n)).collect();
                let types: Vec<Type> = l.columns.iter().map(|(_, k)| k.pg_type()).collect();
                let sink = tx
                    .copy_in(&format!(
                        "COPY {} ({}) FROM STDIN (FORMAT binary)",
                        quote(l.table),
                        cols.join(", ")
                    ))
                    .await?;
                let writer = BinaryCopyInWriter::new(sink, &types);
                let mut writer = std::pin::pin!(writer);
                let rows = loop {
                    match recv.recv().await {
                        Some(Ok(Msg::Rows(rows))) => {
                            for row in &rows {
                                let values: Vec<&(dyn ToSql + Sync)> =
                                    row.iter().map(|v| v as &(dyn ToSql + Sync)).collect();
                                writer.as_mut().write(&values).await?;
                            }
                        }
                        Some(Ok(Msg::End(sum))) => break sum.rows,
                        Some(Err(e)) => return Err(e),
                        None => return Err(MigrateError::Data("the SQLite reader stopped".into())),
                    }
                };
                let written = writer.finish().await.map_err(|e| copy_error(l.table, e))?;
                if written != rows {
                    return Err(MigrateError::Data(format!(
                        "{}: {rows} rows read, {written} written",
                        l.table
                    )));
                }
                if let Some(p) = progress {
                    p(l.table, rows);
                }
            }
            Ok::<(), MigrateError>(())
        }
        .await;
        // Dropping the receiver stops the reader at its next send.
        drop(recv);
        result
    };
    let (read, written) = tokio::join!(reader, writer);
    match (read, written) {
        (Ok(sums), Ok(())) => Ok(sums),
        // The writer's error is the cause when it stopped first (the reader then only saw it stop).
        (_, Err(e)) => Err(e),
        (Err(e), Ok(())) => Err(e),
    }
}

fn copy_error(table: &str, e: tokio_postgres::Error) -> MigrateError {
    match e.as_db_error() {
        Some(db) => MigrateError::Data(format!(
            "copying {table}: {}{}",
            db.message(),
            db.detail().map(|d| format!(" ({d})")).unwrap_or_default()
        )),
        None => e.into(),
    }
}

/// Sets identity columns after the copied maxima, so new rows continue cleanly.
async fn continue_identities(tx: &Transaction<'_>, layouts: &[Layout]) -> Result<(), MigrateError> {
    for l in layouts {
        if let Some(col) = &l.identity {
            tx.execute(
                &format!(
                    "SELECT setval(pg_get_serial_sequence($1, $2), COALESCE((SELECT MAX({c}) FROM {t}), 0) + 1, false)",
                    c = quote(col),
                    t = quote(l.table)
                ),
                &[&quote(l.table), &col],
            )
            .await?;
        }
    }
    Ok(())
}

/// The tables of `layouts` that hold rows in the target, with their counts.
async fn rows_held(tx: &Transaction<'_>, layouts: &[Layout]) -> Result<Vec<(&'static str, u64)>, MigrateError> {
    let mut held = Vec::new();
    for l in layouts {
        let n: i64 = tx
            .query_one(&format!("SELECT COUNT(*) FROM {}", quote(l.table)), &[])
            .await?
            .try_get(0)?;
        if n > 0 {
            held.push((l.table, n as u64));
        }
    }
    Ok(held)
}

/// Copies the SQLite store `source` into the PostgreSQL store `target` (migrated to the current schema by
/// opening it), in one transaction, verified before it commits. See the module documentation for the rules.
/// The caller makes sure nothing writes to `source` meanwhile (the data directory's lock).
pub async fn migrate(source: &SqliteStore, target: &PgStore, opts: &Options<'_>) -> Result<Outcome, MigrateError> {
    let started = Instant::now();
    let schema = sqlite_schema(source).await?;
    let mut conn = target.conn().await?;
    let tx = conn.transaction().await?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATE_LOCK]).await?;
    let layouts = layouts(&tx, &schema).await?;
    let names: Vec<String> = layouts.iter().map(|l| quote(l.table)).collect();
    // Instances running on the target wait (their reads go on) until this commits or rolls back.
    tx.batch_execute(&format!("LOCK TABLE {} IN SHARE ROW EXCLUSIVE MODE", names.join(", ")))
        .await?;
    let held = rows_held(&tx, &layouts).await?;
    let replaced = !held.is_empty();
    if replaced {
        let v = compare(source, &tx, &layouts).await?;
        if v.ok() {
            return Ok(Outcome::AlreadyMigrated(v));
        }
        if !opts.replace {
            return Err(MigrateError::TargetHoldsOtherData { held, verification: v });
        }
        tx.batch_execute(&format!("TRUNCATE {} RESTART IDENTITY", names.join(", ")))
            .await?;
    }
    let source_sums = copy(source, &tx, &layouts, opts.progress).await?;
    continue_identities(&tx, &layouts).await?;
    let target_sums = read_target(&tx, &layouts).await?;
    let v = verification(&layouts, source_sums, target_sums);
    if !v.ok() {
        return Err(MigrateError::Mismatch(v));
    }
    tx.commit().await?;
    Ok(Outcome::Copied {
        verification: v,
        replaced,
        elapsed: started.elapsed(),
    })
}

/// A read-only transaction that sees one snapshot of the target throughout.
async fn snapshot(conn: &mut tokio_postgres::Client) -> Result<tokio_postgres::Transaction<'_>, MigrateError> {
    Ok(conn
        .build_transaction()
        .isolation_level(tokio_postgres::IsolationLevel::RepeatableRead)
        .read_only(true)
        .start()
        .await?)
}

/// Compares `source` and `target` table by table (counts and checksums) without changing either.
pub async fn check(source: &SqliteStore, target: &PgStore) -> Result<Verification, MigrateError> {
    let schema = sqlite_schema(source).await?;
    let mut conn = target.conn().await?;
    let tx = snapshot(&mut conn).await?;
    let layouts = layouts(&tx, &schema).await?;
    compare(source, &tx, &layouts).await
}

/// The target's per-table counts and checksums alone (tests compare a target before and after).
pub async fn target_sums(target: &PgStore) -> Result<Vec<(&'static str, Sum)>, MigrateError> {
    let mut conn = target.conn().await?;
    let tx = snapshot(&mut conn).await?;
    // The column layout comes from the catalogue alone: a SQLite schema with every known table.
    let schema = pg_columns_as_sqlite(&tx).await?;
    let layouts = layouts(&tx, &schema).await?;
    let sums = read_target(&tx, &layouts).await?;
    Ok(layouts.iter().map(|l| l.table).zip(sums).collect())
}

/// The PostgreSQL tables' columns less the computed ones, in the form [`layouts`] matches SQLite's against.
async fn pg_columns_as_sqlite(tx: &Transaction<'_>) -> Result<SqliteSchema, MigrateError> {
    let rows = tx
        .query(
            "SELECT table_name::text, column_name::text FROM information_schema.columns
              WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position",
            &[],
        )
        .await?;
    let mut out: SqliteSchema = HashMap::new();
    for r in rows {
        let (t, c): (String, String) = (r.try_get(0)?, r.try_get(1)?);
        let Some(spec) = TABLES.iter().find(|s| s.name == t) else {
            continue;
        };
        if !spec.computed.iter().any(|(n, _)| *n == c) {
            out.entry(t).or_default().push(c);
        }
    }
    Ok(out)
}
