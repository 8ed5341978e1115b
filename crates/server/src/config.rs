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
    /// Absolute URL readers reach the server at (feeds and structured data link with it).
    pub base_url: url::Url,
    pub log_format: LogFormat,
    pub log_level: String,
    pub cookie_secure: bool,
    pub max_body_bytes: usize,
    pub sse_heartbeat_secs: u64,
    pub login_max_failures: u32,
    pub login_window_secs: u64,
    pub page_size: usize,
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
    base_url: Option<String>,
    log_format: Option<String>,
    log_level: Option<String>,
    cookie_secure: Option<bool>,
    max_body_bytes: Option<u64>,
    sse_heartbeat_secs: Option<u64>,
    login_max_failures: Option<u32>,
    login_window_secs: Option<u64>,
    page_size: Option<u64>,
}

/// Every option name; the environment variable is `LIVEBRIEF_` + the name in upper case.
pub const KEYS: &[&str] = &[
    "listen",
    "data_dir",
    "base_url",
    "log_format",
    "log_level",
    "cookie_secure",
    "max_body_bytes",
    "sse_heartbeat_secs",
    "login_max_failures",
    "login_window_secs",
    "page_size",
];

impl Config {
    /// Reads `file` (if given; it must then exist) and overlays the `LIVEBRIEF_*` variables from `env`.
    pub fn load(file: Option<&Path>, env: &BTreeMap<String, String>) -> anyhow::Result<Config> {
        let mut raw = match file {
            Some(p) => {
                let text =
                    std::fs::read_to_string(p).with_context(|| format!("reading config file {}", p.display()))?;
                toml::from_str::<Raw>(&text).with_context(|| format!("parsing config file {}", p.display()))?
            }
            None => Raw::default(),
        };
        for (k, v) in env {
            let Some(key) = k.strip_prefix("LIVEBRIEF_") else {
                continue;
            };
            let key = key.to_ascii_lowercase();
            if matches!(key.as_str(), "log" | "config") {
                continue; // read elsewhere: the log filter and the config path
            }
            let num = |v: &str| {
                v.trim()
                    .parse::<u64>()
                    .with_context(|| format!("{k}={v:?} is not a whole number"))
            };
            let boolean = |v: &str| match v.trim() {
                "1" | "true" | "yes" | "on" => Ok(true),
                "0" | "false" | "no" | "off" => Ok(false),
                _ => bail!("{k}={v:?} is not a boolean (true/false)"),
            };
            match key.as_str() {
                "listen" => raw.listen = Some(v.clone()),
                "data_dir" => raw.data_dir = Some(v.clone()),
                "base_url" => raw.base_url = Some(v.clone()),
                "log_format" => raw.log_format = Some(v.clone()),
                "log_level" => raw.log_level = Some(v.clone()),
                "cookie_secure" => raw.cookie_secure = Some(boolean(v)?),
                "max_body_bytes" => raw.max_body_bytes = Some(num(v)?),
                "sse_heartbeat_secs" => raw.sse_heartbeat_secs = Some(num(v)?),
                "login_max_failures" => {
                    raw.login_max_failures = Some(num(v)?.try_into().context("login_max_failures is too large")?)
                }
                "login_window_secs" => raw.login_window_secs = Some(num(v)?),
                "page_size" => raw.page_size = Some(num(v)?),
                _ => bail!(
                    "unknown environment variable {k} (known: {})",
                    KEYS.iter()
                        .map(|k| format!("LIVEBRIEF_{}", k.to_uppercase()))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            }
        }
        raw.validate()
    }
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
        let page_size = self.page_size.unwrap_or(20);
        if !(1..=200).contains(&page_size) {
            bail!("page_size = {page_size}: must be between 1 and 200");
        }
        Ok(Config {
            listen,
            data_dir,
            base_url,
            log_format,
            log_level,
            cookie_secure: self.cookie_secure.unwrap_or(base_s.starts_with("https:")),
            max_body_bytes: max_body_bytes as usize,
            sse_heartbeat_secs,
            login_max_failures,
            login_window_secs,
            page_size: page_size as usize,
        })
    }
}

impl Default for Config {
    fn default() -> Self {
        Raw::default()
            .validate()
            .unwrap_or_else(|e| unreachable!("defaults are valid: {e}"))
    }
}
