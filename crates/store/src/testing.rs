//! A PostgreSQL schema of its own for a test, shared by every crate's PostgreSQL tests (the store's, the
//! server's, the binary's). The server is `LIVEBRIEF_TEST_DATABASE_URL`, else the local one at
//! [`DEFAULT_URL`]. Without a server the tests say "skipped: no PostgreSQL at …" and pass, unless `CI` is
//! set: then they fail, so CI really runs them.

use std::sync::atomic::{AtomicUsize, Ordering};

use crate::PgStore;

pub const DEFAULT_URL: &str = "postgres://postgres@127.0.0.1:5432/test";

/// The test server's URL.
pub fn url() -> String {
    std::env::var("LIVEBRIEF_TEST_DATABASE_URL").unwrap_or_else(|_| DEFAULT_URL.to_string())
}

/// A uniquely named schema, dropped when this goes (also when the test panicked).
pub struct TestSchema {
    pub url: String,
    pub name: String,
}

impl TestSchema {
    /// The URL whose connections work in this schema (`search_path` set), for a process of its own.
    pub fn url_in_schema(&self) -> String {
        let sep = if self.url.contains('?') { '&' } else { '?' };
        format!("{}{sep}options=-csearch_path%3D{}", self.url, self.name)
    }
}

impl Drop for TestSchema {
    fn drop(&mut self) {
        let (url, name) = (self.url.clone(), self.name.clone());
        // Its own thread and runtime: Drop cannot await, and may run during a panic or inside a runtime.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            if let Err(e) = rt.block_on(PgStore::drop_schema(&url, &name)) {
                eprintln!("could not drop test schema {name}: {e}");
            }
        })
        .join();
    }
}

/// A fresh schema name on the test server (the schema is made by the first store opened in it), or `None`
/// (after saying so) when there is no server and `CI` is unset.
pub async fn schema(tag: &str) -> Option<TestSchema> {
    static N: AtomicUsize = AtomicUsize::new(0);
    let url = url();
    let config: tokio_postgres::Config = url.parse().expect("LIVEBRIEF_TEST_DATABASE_URL is a PostgreSQL URL");
    if let Err(e) = config.connect(tokio_postgres::NoTls).await {
        let msg = format!("no PostgreSQL at {url} ({e})");
        assert!(
            std::env::var_os("CI").is_none(),
            "{msg}; CI is set, so the PostgreSQL tests must run"
        );
        eprintln!("skipped: {msg}");
        return None;
    }
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    let name = format!(
        "lbtest_{tag}_{}_{}_{nanos}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    );
    Some(TestSchema { url, name })
}
