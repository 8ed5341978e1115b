//! Configuration: one TOML file plus `LIVEBRIEF_*` environment overrides, validated into [`Config`].
//! Every option is documented in docs/configuration.md (a test keeps the two in step).

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use serde::Deserialize;

#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub listen: SocketAddr,
    pub data_dir: PathBuf,
    /// A `postgres://` or `postgresql://` URL: the PostgreSQL backend. `None`: SQLite in `data_dir`.
    pub database_url: Option<String>,
    /// Absolute URL readers reach the server at (feeds and structured data link with it).
    pub base_url: url::Url,
    pub log_format: LogFormat,
    pub log_level: String,
    pub cookie_secure: bool,
    pub max_body_bytes: usize,
    pub sse_heartbeat_secs: u64,
    pub login_max_failures: u32,
    pub login_window_secs: u64,
    /// Reverse proxies whose `X-Forwarded-For` names the client (see `peer::client_addr`); empty: the
    /// peer is the client.
    pub trusted_proxies: Vec<crate::peer::Network>,
    /// Client networks that may read `/metrics` without signing in (admins always may).
    pub metrics_networks: Vec<crate::peer::Network>,
    pub page_size: usize,
    /// Poll sources and work the ingest jobs while serving.
    pub ingest: bool,
    pub ingest_workers: usize,
    /// How long an instance holds a claimed source (or article job) before another may take it: a killed
    /// instance's work comes back after this (see `livebrief_app::IngestConfig::lease`).
    pub ingest_lease_secs: u64,
    pub fetch: FetchOptions,
    /// A request head must arrive within this many seconds (see `conn::Limits`).
    pub header_timeout_secs: u64,
    /// A request body must arrive within this many seconds of its head.
    pub body_timeout_secs: u64,
    /// An idle kept-alive connection is closed after this many seconds.
    pub idle_timeout_secs: u64,
    /// A connection whose client takes no byte of its response for this many seconds is closed.
    pub send_timeout_secs: u64,
    /// On shutdown, requests in flight get this many seconds; then open connections are closed.
    pub shutdown_grace_secs: u64,
    /// Connections open at once.
    pub max_connections: usize,
    /// Live streams (public and desk) open at once per client address (an IPv6 client by its /64).
    pub max_streams_per_client: usize,
    /// Live streams open at once in all.
    pub max_streams: usize,
}

/// How the fetcher reaches sources (see `livebrief_fetch::FetchConfig`).
#[derive(Debug, Clone, PartialEq)]
pub struct FetchOptions {
    pub user_agent: String,
    pub guard: bool,
    /// Networks (and ports) exempt from the SSRF guard, as written (`127.0.0.1/32`, `[::1]:8091`).
    pub allow: Vec<String>,
    pub timeout_secs: u64,
    pub connect_timeout_secs: u64,
    pub max_body_bytes: u64,
    pub per_origin: usize,
    pub politeness_ms: u64,
    pub concurrency: usize,
}

impl FetchOptions {
    /// The fetcher's configuration (allow rules were checked when the options were loaded).
    pub fn fetch_config(&self) -> livebrief_fetch::FetchConfig {
        livebrief_fetch::FetchConfig {
            user_agent: self.user_agent.clone(),
            connect_timeout: std::time::Duration::from_secs(self.connect_timeout_secs),
            total_timeout: std::time::Duration::from_secs(self.timeout_secs),
            max_body_bytes: self.max_body_bytes,
            per_origin_concurrency: self.per_origin,
            politeness_delay: std::time::Duration::from_millis(self.politeness_ms),
            global_concurrency: self.concurrency,
            allow: self.allow.iter().filter_map(|a| a.parse().ok()).collect(),
            guard: self.guard,
            ..Default::default()
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

/// The file's shape: every key optional, unknown keys refused.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    listen: Option<String>,
    data_dir: Option<String>,
    database_url: Option<String>,
    base_url: Option<String>,
    log_format: Option<String>,
    log_level: Option<String>,
    cookie_secure: Option<bool>,
    max_body_bytes: Option<u64>,
    sse_heartbeat_secs: Option<u64>,
    login_max_failures: Option<u32>,
    login_window_secs: Option<u64>,
    trusted_proxies: Option<Vec<String>>,
    metrics_networks: Option<Vec<String>>,
    page_size: Option<u64>,
    ingest: Option<bool>,
    ingest_workers: Option<u64>,
    ingest_lease_secs: Option<u64>,
    user_agent: Option<String>,
    fetch_guard: Option<bool>,
    fetch_allow: Option<String>,
    fetch_timeout_secs: Option<u64>,
    fetch_connect_timeout_secs: Option<u64>,
    fetch_max_body_bytes: Option<u64>,
    fetch_per_origin: Option<u64>,
    fetch_politeness_ms: Option<u64>,
    fetch_concurrency: Option<u64>,
    header_timeout_secs: Option<u64>,
    body_timeout_secs: Option<u64>,
    idle_timeout_secs: Option<u64>,
    send_timeout_secs: Option<u64>,
    shutdown_grace_secs: Option<u64>,
    max_connections: Option<u64>,
    max_streams_per_client: Option<u64>,
    max_streams: Option<u64>,
}

/// What an option's value is, to read it from an environment variable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    Number,
    Boolean,
    /// A list of text; comma-separated in an environment variable.
    List,
}

/// Every option and its kind; the environment variable is `LIVEBRIEF_` + the name in upper case. The one list
/// the environment, the documentation test and the file's shape are checked against.
pub const OPTIONS: &[(&str, Kind)] = &[
    ("listen", Kind::Text),
    ("data_dir", Kind::Text),
    ("database_url", Kind::Text),
    ("base_url", Kind::Text),
    ("log_format", Kind::Text),
    ("log_level", Kind::Text),
    ("cookie_secure", Kind::Boolean),
    ("max_body_bytes", Kind::Number),
    ("sse_heartbeat_secs", Kind::Number),
    ("login_max_failures", Kind::Number),
    ("login_window_secs", Kind::Number),
    ("trusted_proxies", Kind::List),
    ("metrics_networks", Kind::List),
    ("page_size", Kind::Number),
    ("ingest", Kind::Boolean),
    ("ingest_workers", Kind::Number),
    ("ingest_lease_secs", Kind::Number),
    ("user_agent", Kind::Text),
    ("fetch_guard", Kind::Boolean),
    ("fetch_allow", Kind::Text),
    ("fetch_timeout_secs", Kind::Number),
    ("fetch_connect_timeout_secs", Kind::Number),
    ("fetch_max_body_bytes", Kind::Number),
    ("fetch_per_origin", Kind::Number),
    ("fetch_politeness_ms", Kind::Number),
    ("fetch_concurrency", Kind::Number),
    ("header_timeout_secs", Kind::Number),
    ("body_timeout_secs", Kind::Number),
    ("idle_timeout_secs", Kind::Number),
    ("send_timeout_secs", Kind::Number),
    ("shutdown_grace_secs", Kind::Number),
    ("max_connections", Kind::Number),
    ("max_streams_per_client", Kind::Number),
    ("max_streams", Kind::Number),
];

/// Every option name.
pub const KEYS: &[&str] = &{
    let mut k = [""; OPTIONS.len()];
    let mut i = 0;
    while i < OPTIONS.len() {
        k[i] = OPTIONS[i].0;
        i += 1;
    }
    k
};

impl Config {
    /// Reads `file` (if given; it must then exist) and overlays the `LIVEBRIEF_*` variables from `env`.
    pub fn load(file: Option<&Path>, env: &BTreeMap<String, String>) -> anyhow::Result<Config> {
        match file {
            Some(p) => {
                let text =
                    std::fs::read_to_string(p).with_context(|| format!("reading config file {}", p.display()))?;
                Self::read(Some((&text, p)), env)
            }
            None => Self::read(None, env),
        }
    }

    /// The configuration in `text` (a TOML file's contents) with the `LIVEBRIEF_*` variables of `env` over it:
    /// what `load` does once it has read the file (the `config` fuzz target and its kept corpus use this).
    pub fn from_toml_str(text: &str, env: &BTreeMap<String, String>) -> anyhow::Result<Config> {
        Self::read(Some((text, Path::new("livebrief.toml"))), env)
    }

    fn read(file: Option<(&str, &Path)>, env: &BTreeMap<String, String>) -> anyhow::Result<Config> {
        let mut table = match file {
            Some((text, p)) => {
                toml::from_str::<toml::Table>(text).with_context(|| format!("parsing config file {}", p.display()))?
            }
            None => toml::Table::new(),
        };
        for (k, v) in env {
            let Some(key) = k.strip_prefix("LIVEBRIEF_") else {
                continue;
            };
            let key = key.to_ascii_lowercase();
            if matches!(key.as_str(), "log" | "config") {
                continue; // read elsewhere: the log filter and the config path
            }
            let Some(&(name, kind)) = OPTIONS.iter().find(|(n, _)| *n == key) else {
                bail!(
                    "unknown environment variable {k} (known: {})",
                    KEYS.iter()
                        .map(|k| format!("LIVEBRIEF_{}", k.to_uppercase()))
                        .collect::<Vec<_>>()
                        .join(", ")
                );
            };
            let value = match kind {
                Kind::Text => toml::Value::String(v.clone()),
                Kind::Number => toml::Value::Integer(
                    v.trim()
                        .parse::<i64>()
                        .ok()
                        .filter(|n| *n >= 0)
                        .with_context(|| format!("{k}={v:?} is not a whole number"))?,
                ),
                Kind::Boolean => toml::Value::Boolean(match v.trim() {
                    "1" | "true" | "yes" | "on" => true,
                    "0" | "false" | "no" | "off" => false,
                    _ => bail!("{k}={v:?} is not a boolean (true/false)"),
                }),
                Kind::List => toml::Value::Array(
                    v.split(',')
                        .map(str::trim)
                        .filter(|s| !s.is_empty())
                        .map(|s| toml::Value::String(s.to_string()))
                        .collect(),
                ),
            };
            table.insert(name.to_string(), value);
        }
        let raw: Raw = toml::Value::Table(table).try_into().with_context(|| match file {
            Some((_, p)) => format!("config file {} or LIVEBRIEF_* variables", p.display()),
            None => "LIVEBRIEF_* variables".to_string(),
        })?;
        raw.validate()
    }
}

/// The `config` fuzz target's check, also replayed over its kept corpus by the tests: `data` is TOML text, then
/// after a line `---` one `LIVEBRIEF_*=value` variable a line. Reading it gives a configuration or an error,
/// never a panic, and a configuration it gives keeps its own bounds and builds a fetcher.
#[doc(hidden)]
pub fn check_any_config(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let (toml_text, vars) = match text.split_once("\n---\n") {
        Some((t, v)) => (t, v),
        None => (text.as_ref(), ""),
    };
    let env: BTreeMap<String, String> = vars
        .lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    if let Ok(c) = Config::from_toml_str(toml_text, &env) {
        assert!(
            (1024..=64 * 1024 * 1024).contains(&c.max_body_bytes),
            "{}",
            c.max_body_bytes
        );
        assert!((1..=300).contains(&c.sse_heartbeat_secs));
        assert!(c.login_max_failures >= 1 && c.login_window_secs >= 1);
        assert!(matches!(c.base_url.scheme(), "http" | "https"));
        let _ = c.fetch.fetch_config();
    }
    // Whatever the file says, an empty environment and no file is the default configuration.
    let _ = Config::from_toml_str("", &BTreeMap::new()).expect("the empty file is a configuration");
}

impl Raw {
    fn validate(self) -> anyhow::Result<Config> {
        let listen_s = self.listen.unwrap_or_else(|| "127.0.0.1:8080".into());
        let listen: SocketAddr = listen_s
            .parse()
            .with_context(|| format!("listen = {listen_s:?} is not an address like 127.0.0.1:8080"))?;
        let data_dir = PathBuf::from(self.data_dir.unwrap_or_else(|| "./data".into()));
        if data_dir.as_os_str().is_empty() {
            bail!("data_dir must not be empty");
        }
        let database_url = match self.database_url.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(u) if livebrief_store::is_postgres_url(u) => Some(u.to_string()),
            Some(u) => bail!(
                "database_url = {:?}: expected a postgres:// or postgresql:// URL (leave it unset for SQLite in data_dir)",
                redact_url(u)
            ),
        };
        let base_s = self.base_url.unwrap_or_else(|| format!("http://{listen}/"));
        let mut base_url =
            url::Url::parse(&base_s).with_context(|| format!("base_url = {base_s:?} is not an absolute URL"))?;
        if !matches!(base_url.scheme(), "http" | "https") || base_url.cannot_be_a_base() {
            bail!("base_url = {base_s:?} must be an http(s) URL");
        }
        if !base_url.path().ends_with('/') {
            let p = format!("{}/", base_url.path());
            base_url.set_path(&p);
        }
        let log_format = match self.log_format.as_deref().unwrap_or("text") {
            "text" => LogFormat::Text,
            "json" => LogFormat::Json,
            other => bail!("log_format = {other:?}: expected \"text\" or \"json\""),
        };
        let log_level = self.log_level.unwrap_or_else(|| "info".into());
        if tracing_subscriber::EnvFilter::try_new(&log_level).is_err() {
            bail!("log_level = {log_level:?} is not a level or filter (e.g. info, livebrief_server=debug)");
        }
        let max_body_bytes = self.max_body_bytes.unwrap_or(1024 * 1024);
        if !(1024..=64 * 1024 * 1024).contains(&max_body_bytes) {
            bail!("max_body_bytes = {max_body_bytes}: must be between 1 KiB and 64 MiB");
        }
        let sse_heartbeat_secs = self.sse_heartbeat_secs.unwrap_or(15);
        if !(1..=300).contains(&sse_heartbeat_secs) {
            bail!("sse_heartbeat_secs = {sse_heartbeat_secs}: must be between 1 and 300");
        }
        let login_max_failures = self.login_max_failures.unwrap_or(5);
        if login_max_failures == 0 {
            bail!("login_max_failures must be at least 1");
        }
        let login_window_secs = self.login_window_secs.unwrap_or(900);
        if login_window_secs == 0 {
            bail!("login_window_secs must be at least 1");
        }
        let trusted_proxies = self
            .trusted_proxies
            .unwrap_or_default()
            .iter()
            .map(|p| p.parse::<crate::peer::Network>())
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| anyhow::anyhow!("trusted_proxies: {e}"))?;
        let metrics_networks = self
            .metrics_networks
            .unwrap_or_else(|| vec!["127.0.0.0/8".into(), "::1".into()])
            .iter()
            .map(|p| p.parse::<crate::peer::Network>())
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| anyhow::anyhow!("metrics_networks: {e}"))?;
        let page_size = self.page_size.unwrap_or(20);
        if !(1..=200).contains(&page_size) {
            bail!("page_size = {page_size}: must be between 1 and 200");
        }
        let ingest_workers = self.ingest_workers.unwrap_or(4);
        if !(1..=64).contains(&ingest_workers) {
            bail!("ingest_workers = {ingest_workers}: must be between 1 and 64");
        }
        let allow: Vec<String> = self
            .fetch_allow
            .unwrap_or_default()
            .split(',')
            .map(|a| a.trim().to_string())
            .filter(|a| !a.is_empty())
            .collect();
        for a in &allow {
            if a.parse::<livebrief_fetch::AllowRule>().is_err() {
                bail!("fetch_allow: {a:?} is not a network (e.g. 127.0.0.1/32, 10.1.0.0/16:8080, [::1]:8091)");
            }
        }
        let range = |name: &str, v: u64, lo: u64, hi: u64| -> anyhow::Result<u64> {
            if (lo..=hi).contains(&v) {
                Ok(v)
            } else {
                bail!("{name} = {v}: must be between {lo} and {hi}")
            }
        };
        let user_agent = self.user_agent.unwrap_or_else(livebrief_fetch::default_user_agent);
        if user_agent.trim().is_empty() || user_agent.len() > 300 || user_agent.chars().any(char::is_control) {
            bail!("user_agent must be one line of at most 300 characters");
        }
        let fetch = FetchOptions {
            user_agent,
            guard: self.fetch_guard.unwrap_or(true),
            allow,
            timeout_secs: range("fetch_timeout_secs", self.fetch_timeout_secs.unwrap_or(20), 1, 600)?,
            connect_timeout_secs: range(
                "fetch_connect_timeout_secs",
                self.fetch_connect_timeout_secs.unwrap_or(10),
                1,
                120,
            )?,
            max_body_bytes: range(
                "fetch_max_body_bytes",
                self.fetch_max_body_bytes.unwrap_or(8 * 1024 * 1024),
                1024,
                256 * 1024 * 1024,
            )?,
            per_origin: range("fetch_per_origin", self.fetch_per_origin.unwrap_or(2), 1, 64)? as usize,
            politeness_ms: range(
                "fetch_politeness_ms",
                self.fetch_politeness_ms.unwrap_or(1000),
                0,
                60_000,
            )?,
            concurrency: range("fetch_concurrency", self.fetch_concurrency.unwrap_or(256), 1, 1024)? as usize,
        };
        let ingest_lease_secs = range("ingest_lease_secs", self.ingest_lease_secs.unwrap_or(300), 10, 86_400)?;
        if ingest_lease_secs < 2 * fetch.timeout_secs {
            // A poll is one fetch (bounded by its timeout) plus parsing and storing: it must end well inside
            // its lease, or another instance polls the same source meanwhile.
            bail!(
                "ingest_lease_secs = {ingest_lease_secs}: must be at least twice fetch_timeout_secs ({}), so a poll ends inside its lease",
                fetch.timeout_secs
            );
        }
        let max_streams = range("max_streams", self.max_streams.unwrap_or(2048), 1, 1_000_000)? as usize;
        let max_streams_per_client = range(
            "max_streams_per_client",
            self.max_streams_per_client.unwrap_or(16),
            1,
            1_000_000,
        )? as usize;
        Ok(Config {
            header_timeout_secs: range("header_timeout_secs", self.header_timeout_secs.unwrap_or(10), 1, 300)?,
            body_timeout_secs: range("body_timeout_secs", self.body_timeout_secs.unwrap_or(30), 1, 3600)?,
            idle_timeout_secs: range("idle_timeout_secs", self.idle_timeout_secs.unwrap_or(60), 1, 3600)?,
            send_timeout_secs: range("send_timeout_secs", self.send_timeout_secs.unwrap_or(30), 1, 3600)?,
            shutdown_grace_secs: range("shutdown_grace_secs", self.shutdown_grace_secs.unwrap_or(10), 0, 600)?,
            max_connections: range("max_connections", self.max_connections.unwrap_or(4096), 1, 1_000_000)? as usize,
            max_streams,
            max_streams_per_client,
            ingest: self.ingest.unwrap_or(true),
            ingest_workers: ingest_workers as usize,
            ingest_lease_secs,
            fetch,
            listen,
            data_dir,
            database_url,
            base_url,
            log_format,
            log_level,
            cookie_secure: self.cookie_secure.unwrap_or(base_s.starts_with("https:")),
            max_body_bytes: max_body_bytes as usize,
            sse_heartbeat_secs,
            login_max_failures,
            login_window_secs,
            trusted_proxies,
            metrics_networks,
            page_size: page_size as usize,
        })
    }
}

/// A database URL fit for logs and `livebrief config`: any password replaced by `***`.
pub fn redact_url(u: &str) -> String {
    match url::Url::parse(u) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("***"));
            parsed.to_string()
        }
        Ok(_) => u.to_string(),
        // Not a URL we can take apart: show the scheme only.
        Err(_) => format!("{}…", u.split("://").next().unwrap_or("")),
    }
}

impl Default for Config {
    fn default() -> Self {
        Raw::default()
            .validate()
            .unwrap_or_else(|e| unreachable!("defaults are valid: {e}"))
    }
}
