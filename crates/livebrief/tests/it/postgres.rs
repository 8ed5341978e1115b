//! The binary on PostgreSQL: `serve --database postgres://…` starts, takes a briefing and an entry through
//! the API and serves them. Uses `LIVEBRIEF_TEST_DATABASE_URL`, else the local server; without one the test
//! says "skipped: no PostgreSQL at …" and passes, unless `CI` is set.

use std::io::Write;
use std::process::Stdio;

use livebrief_store::PgStore;
use livebrief_store::testing::TestSchema;

use crate::support::{Server, http, livebrief};

/// A fresh, migrated schema, and the URL that puts a connection in it.
fn schema() -> Option<(TestSchema, String)> {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let s = rt.block_on(livebrief_store::testing::schema("bin"))?;
    rt.block_on(PgStore::open_in_schema(&s.url, &s.name))
        .unwrap_or_else(|e| panic!("creating the test schema: {e}"));
    let db = s.url_in_schema();
    Some((s, db))
}

#[test]
fn serve_on_postgres_creates_and_serves_a_briefing() {
    let Some((_schema, db)) = schema() else { return };
    let dir = tempfile::tempdir().expect("tempdir");

    let mut add = livebrief(dir.path())
        .args([
            "--database",
            &db,
            "user",
            "add",
            "pg-admin",
            "--role",
            "admin",
            "--password-stdin",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    add.stdin
        .take()
        .expect("stdin")
        .write_all(b"a long enough password\n")
        .expect("write");
    let out = add.wait_with_output().expect("run");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = livebrief(dir.path())
        .args(["--database", &db, "token", "pg-admin", "--name", "test"])
        .output()
        .expect("token");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let token = String::from_utf8(out.stdout).expect("utf-8").trim().to_string();
    let auth = format!("Bearer {token}");

    let server = Server::start(dir.path(), &["--database", &db]);
    let r = http(
        server.addr,
        "POST",
        "/api/v1/briefings",
        &[("Authorization", &auth)],
        Some(r#"{"slug": "pg-live", "title": "On PostgreSQL"}"#),
    )
    .expect("create briefing");
    assert_eq!(r.status, 201, "{}", r.body);
    for headline in ["First from PostgreSQL", "Second from PostgreSQL"] {
        let r = http(
            server.addr,
            "POST",
            "/api/v1/briefings/pg-live/entries",
            &[("Authorization", &auth)],
            Some(&format!(r#"{{"headline": "{headline}"}}"#)),
        )
        .expect("publish");
        assert_eq!(r.status, 201, "{}", r.body);
    }
    let page = http(server.addr, "GET", "/b/pg-live", &[], None).expect("page");
    assert_eq!(page.status, 200);
    assert!(page.body.contains("On PostgreSQL") && page.body.contains("Second from PostgreSQL"));

    // The briefing's own event sequence: 1, 2, and "after 1" is the second alone.
    let r = http(
        server.addr,
        "GET",
        "/api/v1/briefings/pg-live/events?after=1",
        &[],
        None,
    )
    .expect("events");
    assert_eq!(r.status, 200, "{}", r.body);
    let v: serde_json::Value = serde_json::from_str(&r.body).expect("json");
    assert_eq!(v["last_event_id"], 2, "{v}");
    assert_eq!(v["events"].as_array().map(Vec::len), Some(1), "{v}");

    // Everything went to PostgreSQL: no SQLite file in the data directory.
    assert!(!dir.path().join("livebrief.db").exists());
    drop(server);

    // A bad URL stops the command with one line naming the problem.
    let out = livebrief(dir.path())
        .args([
            "--database",
            "postgres://nobody:hunter2@127.0.0.1:1/none",
            "user",
            "list",
        ])
        .output()
        .expect("run");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("cannot connect to PostgreSQL at 127.0.0.1:1/none"),
        "{err}"
    );
    assert!(!err.contains("hunter2"), "{err}");
    let out = livebrief(dir.path())
        .args(["--database", "mysql://x/y", "user", "list"])
        .output()
        .expect("run");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("database_url"));
}
