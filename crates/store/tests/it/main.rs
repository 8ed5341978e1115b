mod pg;

use livebrief_store::{SqliteStore, Store};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_passes_conformance() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = SqliteStore::open(&dir.path().join("livebrief.db")).expect("open");
    livebrief_store::conformance::run(&store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_reopens_with_data_and_migrations_applied_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("livebrief.db");
    {
        let store = SqliteStore::open(&path).expect("open");
        store
            .create_user(
                "a",
                livebrief_model::Role::Admin,
                "h",
                livebrief_model::Timestamp::UNIX_EPOCH,
            )
            .await
            .expect("user");
    }
    let store = SqliteStore::open(&path).expect("reopen");
    assert!(store.user_by_name("a").await.expect("read").is_some());
}

#[test]
fn opening_a_directory_is_a_clear_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let err = SqliteStore::open(dir.path())
        .err()
        .expect("a directory is not a database");
    assert!(!err.to_string().is_empty());
}
