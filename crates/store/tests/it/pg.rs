//! The PostgreSQL backend against a real server: `LIVEBRIEF_TEST_DATABASE_URL`, else the local one at
//! `postgres://postgres@127.0.0.1:5432/test`. Each test works in a schema of its own, dropped at its end.
//!
//! Without a server these tests say "skipped: no PostgreSQL at …" and pass, unless `CI` is set: then they
//! fail, so CI really runs them.

use livebrief_model::{Role, Timestamp};
use livebrief_store::testing::{TestSchema as Schema, schema};
use livebrief_store::{PgStore, Store, StoreError};

async fn open(s: &Schema) -> PgStore {
    PgStore::open_in_schema(&s.url, &s.name).await.expect("open PgStore")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pg_passes_conformance() {
    let Some(s) = schema("conformance").await else { return };
    let store = open(&s).await;
    livebrief_store::conformance::run(&store).await;
}

/// Two instances (two pools) on one database, writers on both, the reader on the second.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pg_concurrent_writers_on_two_instances() {
    let Some(s) = schema("concurrency").await else { return };
    let (a, b) = (open(&s).await, open(&s).await);
    livebrief_store::conformance::concurrent_writers(&[&a, &b], "two").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pg_two_instances_migrating_at_once_both_start() {
    let Some(s) = schema("migrate").await else { return };
    let (a, b) = tokio::join!(
        PgStore::open_in_schema(&s.url, &s.name),
        PgStore::open_in_schema(&s.url, &s.name)
    );
    let (a, b) = (a.expect("first instance"), b.expect("second instance"));
    let u = a
        .create_user("ann", Role::Admin, "h", Timestamp::UNIX_EPOCH)
        .await
        .expect("write on one");
    assert_eq!(
        b.user_by_name("ann")
            .await
            .expect("read on the other")
            .map(|(x, _)| x.id),
        Some(u.id)
    );
    // A third start finds every step applied and changes nothing.
    let c = open(&s).await;
    assert_eq!(c.list_users().await.expect("list").len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pg_refuses_a_schema_newer_than_the_build() {
    let Some(s) = schema("newer").await else { return };
    drop(open(&s).await);
    let (client, conn) = s
        .url
        .parse::<tokio_postgres::Config>()
        .expect("url")
        .connect(tokio_postgres::NoTls)
        .await
        .expect("connect");
    tokio::spawn(conn);
    client
        .batch_execute(&format!(
            "INSERT INTO \"{}\".schema_migrations (version) VALUES (999)",
            s.name
        ))
        .await
        .expect("pretend a newer build migrated");
    let err = PgStore::open_in_schema(&s.url, &s.name)
        .await
        .err()
        .expect("a newer schema is refused");
    assert!(err.to_string().contains("newer than this build"), "{err}");
}

#[tokio::test]
async fn pg_bad_url_and_unreachable_server_are_one_line_errors() {
    let err = PgStore::open("postgres://postgres@127.0.0.1:notaport/test")
        .await
        .err()
        .expect("bad url");
    let msg = err.to_string();
    assert!(msg.contains("invalid PostgreSQL URL"), "{msg}");
    assert!(!msg.contains('\n'), "{msg}");

    // Port 1 on the loopback: nothing listens there.
    let err = PgStore::open("postgres://postgres:secret@127.0.0.1:1/test")
        .await
        .err()
        .expect("unreachable");
    let msg = err.to_string();
    assert!(
        msg.contains("cannot connect to PostgreSQL at 127.0.0.1:1/test"),
        "{msg}"
    );
    assert!(!msg.contains('\n') && !msg.contains("secret"), "{msg}");
    // Unavailable, not a broken database: the server answers 503 with Retry-After and nothing is lost.
    assert!(
        matches!(err, StoreError::Unavailable(_)) && err.is_transient(),
        "{err:?}"
    );
}

/// Two briefings written at once through both instances: each keeps its own contiguous sequence, and neither
/// waits on or disturbs the other's.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pg_two_briefings_written_at_once_keep_their_own_sequences() {
    let Some(s) = schema("twobriefings").await else { return };
    let (a, b) = (open(&s).await, open(&s).await);
    let (ab, ba): ([&dyn Store; 2], [&dyn Store; 2]) = ([&a, &b], [&b, &a]);
    tokio::join!(
        livebrief_store::conformance::concurrent_writers(&ab, "left"),
        livebrief_store::conformance::concurrent_writers(&ba, "right"),
    );
    let last = a.last_event_ids().await.expect("last");
    assert_eq!(last.len(), 2);
    for (briefing, id) in last {
        let all = a
            .events_after(briefing, livebrief_model::EventId(0), 10_000)
            .await
            .expect("events");
        assert_eq!(
            all.first().map(|e| e.id.0),
            Some(1),
            "a briefing's sequence starts at 1"
        );
        assert_eq!(id.0, all.len() as i64, "a briefing's ids run 1..=n with no gaps");
    }
}

/// Everything the conformance suite writes on SQLite, moved to PostgreSQL: verified table by table, the same
/// newest event ids, and a second run finds it "already migrated".
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pg_migrate_copies_what_the_conformance_suite_wrote_on_sqlite() {
    use livebrief_store::migrate::{Options, Outcome, check, migrate};
    let Some(s) = schema("migrateconf").await else { return };
    let target = open(&s).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let sqlite = livebrief_store::SqliteStore::open(&dir.path().join("livebrief.db")).expect("open");
    livebrief_store::conformance::run(&sqlite).await;
    let out = migrate(&sqlite, &target, &Options::default()).await.expect("migrate");
    let Outcome::Copied {
        verification,
        replaced: false,
        ..
    } = out
    else {
        panic!("{out:?}")
    };
    assert!(verification.ok(), "{verification}");
    let empty: Vec<_> = verification
        .tables
        .iter()
        .filter(|t| t.source.rows == 0)
        .map(|t| t.table)
        .collect();
    // The suite empties three tables again (sessions end, a topic list is reset, a deleted source takes its items).
    assert!(empty.len() <= 3, "{verification}");
    let (mut a, mut b) = (
        sqlite.last_event_ids().await.expect("ids"),
        target.last_event_ids().await.expect("ids"),
    );
    a.sort();
    b.sort();
    assert_eq!(a, b);
    let again = migrate(&sqlite, &target, &Options::default()).await.expect("again");
    assert!(matches!(&again, Outcome::AlreadyMigrated(v) if v.ok()), "{again:?}");
    assert!(check(&sqlite, &target).await.expect("check").ok());
}

/// A text SQLite stores but PostgreSQL cannot (a NUL character) stops the copy naming the table, column and
/// row; nothing reaches the target.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pg_migrate_names_a_value_postgres_cannot_store_and_copies_nothing() {
    use livebrief_store::migrate::{MigrateError, Options, migrate, target_sums};
    let Some(s) = schema("migratenul").await else { return };
    let target = open(&s).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let sqlite = livebrief_store::SqliteStore::open(&dir.path().join("livebrief.db")).expect("open");
    for name in ["first", "sec\0ond"] {
        sqlite
            .create_user(name, Role::Editor, "h", Timestamp::UNIX_EPOCH)
            .await
            .expect("user");
    }
    let before = target_sums(&target).await.expect("sums");
    let err = migrate(&sqlite, &target, &Options::default())
        .await
        .expect_err("refused");
    assert!(matches!(err, MigrateError::Data(_)), "{err:?}");
    let msg = err.to_string();
    assert!(msg.contains("users row 2 column name") && msg.contains("NUL"), "{msg}");
    assert_eq!(target_sums(&target).await.expect("sums"), before);
    assert!(target.list_users().await.expect("users").is_empty());
}
