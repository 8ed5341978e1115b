//! `livebrief migrate --from sqlite:PATH --to postgres://…`: a SQLite site moved to PostgreSQL
//! (`livebrief_store::migrate` does the copying and the verification).

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use livebrief_store::migrate::{self, MigrateError, Options, Outcome};
use livebrief_store::{PgStore, SqliteStore, is_postgres_url};

pub const LONG_ABOUT: &str = "\
Copy a SQLite site into PostgreSQL: every table (settings, accounts, sessions, API tokens, briefings, entries with
their revisions and events, reports and their changes, sources and their items, jobs, developments with their
facets, memberships and desk records, speakers, spellings and quotes) with the same ids, so permalinks, event ids
(Last-Event-ID), report and development ids stay valid; new rows on PostgreSQL continue after the copied ones.

It runs in one PostgreSQL transaction: either everything is copied or nothing. Before committing it compares
every table on both sides, row count and a SHA-256 over the rows in primary-key order, prints the table and
exits non-zero on any difference (the copy is then rolled back).

The SQLite data directory's lock is taken, so a running server must be stopped first. The PostgreSQL schema is
brought up to date first, as a server start would.

Running it again is safe:
  - the target's livebrief tables are empty: the site is copied;
  - the target holds exactly the same data (same counts and checksums): \"already migrated\", nothing changes;
  - the target holds other or different data (another site, or writes made on PostgreSQL since): refused,
    nothing changes, unless --replace, which empties the target's livebrief tables and copies again, in the
    same transaction. Stop the instances serving that database before --replace.

--check compares without changing anything.

Examples:
  livebrief migrate --from sqlite:/var/lib/livebrief --to postgres://livebrief@db.internal/livebrief
  livebrief migrate --from sqlite:/var/lib/livebrief --to postgres://livebrief@db.internal/livebrief --check";

/// The data directory and the database file that `sqlite:PATH` names (PATH a data directory or its
/// `livebrief.db`).
fn sqlite_path(from: &str) -> anyhow::Result<(PathBuf, PathBuf)> {
    let Some(path) = from.strip_prefix("sqlite://").or_else(|| from.strip_prefix("sqlite:")) else {
        bail!("--from takes sqlite:PATH (a data directory or its livebrief.db file), not {from:?}");
    };
    if path.is_empty() {
        bail!("--from sqlite:PATH needs a path");
    }
    let path = Path::new(path);
    if path.is_dir() {
        let db = path.join("livebrief.db");
        if !db.is_file() {
            bail!("no livebrief database in {} (no livebrief.db there)", path.display());
        }
        return Ok((path.to_path_buf(), db));
    }
    if !path.is_file() {
        bail!("no SQLite database at {}", path.display());
    }
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    Ok((dir, path.to_path_buf()))
}

pub async fn run(from: &str, to: &str, replace: bool, check: bool) -> anyhow::Result<()> {
    if !is_postgres_url(to) {
        bail!("--to takes a postgres:// or postgresql:// URL");
    }
    let (data_dir, db) = sqlite_path(from)?;
    let _lock = crate::lock_dir(
        &data_dir,
        "stop it first: migrate copies a data directory that nothing writes to meanwhile",
    )?;
    let source = SqliteStore::open(&db).with_context(|| format!("opening database {}", db.display()))?;
    // The store's errors are one line and never carry the password.
    let target = PgStore::open(to)
        .await
        .map_err(|e| anyhow::anyhow!("opening the target database: {e}"))?;
    let place = target.place().to_string();

    if check {
        let v = migrate::check(&source, &target)
            .await
            .map_err(|e| anyhow::anyhow!("checking {} against {place}: {e}", db.display()))?;
        println!("{v}");
        if !v.ok() {
            bail!("{} and {place} differ ({})", db.display(), v.mismatches().join(", "));
        }
        println!("{} and {place} hold the same data", db.display());
        return Ok(());
    }

    let progress = |table: &str, rows: u64| eprintln!("copied {table}: {rows} rows");
    let outcome = migrate::migrate(
        &source,
        &target,
        &Options {
            replace,
            progress: Some(&progress),
        },
    )
    .await;
    match outcome {
        Ok(Outcome::Copied {
            verification,
            replaced,
            elapsed,
        }) => {
            println!("{verification}");
            let rows = verification.source_rows();
            let secs = elapsed.as_secs_f64();
            println!(
                "migrated {} to {place}{}: {rows} rows in {secs:.2} s ({:.0} rows/s), verified",
                db.display(),
                if replaced {
                    " (its livebrief tables emptied first)"
                } else {
                    ""
                },
                rows as f64 / secs.max(1e-9)
            );
            Ok(())
        }
        Ok(Outcome::AlreadyMigrated(v)) => {
            println!("{v}");
            println!(
                "already migrated: {place} holds exactly the data of {}; nothing changed",
                db.display()
            );
            Ok(())
        }
        Err(e) => {
            if let MigrateError::TargetHoldsOtherData { verification: v, .. } | MigrateError::Mismatch(v) = &e {
                println!("{v}");
            }
            Err(anyhow::anyhow!("migrating {} to {place}: {e}", db.display()))
        }
    }
}
