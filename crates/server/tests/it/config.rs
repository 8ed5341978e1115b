use std::collections::BTreeMap;

use livebrief_server::Config;
use livebrief_server::config::{KEYS, LogFormat};

fn env(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

#[test]
fn file_then_environment() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("livebrief.toml");
    std::fs::write(
        &file,
        "listen = \"127.0.0.1:9000\"\npage_size = 30\nlog_format = \"json\"\n",
    )
    .expect("write");
    let c = Config::load(
        Some(&file),
        &env(&[
            ("LIVEBRIEF_PAGE_SIZE", "40"),
            ("LIVEBRIEF_BASE_URL", "https://news.example.org/live"),
        ]),
    )
    .expect("valid");
    assert_eq!(c.listen.to_string(), "127.0.0.1:9000");
    assert_eq!(c.page_size, 40, "environment wins over the file");
    assert_eq!(c.log_format, LogFormat::Json);
    assert_eq!(c.base_url.as_str(), "https://news.example.org/live/");
    assert!(c.cookie_secure, "https base URL implies secure cookies");
    let c = Config::load(
        None,
        &env(&[
            ("LIVEBRIEF_FETCH_ALLOW", "127.0.0.1/32, [::1]:8091"),
            ("LIVEBRIEF_INGEST", "off"),
            ("LIVEBRIEF_FETCH_POLITENESS_MS", "0"),
        ]),
    )
    .expect("valid");
    assert_eq!(
        c.fetch.allow,
        vec!["127.0.0.1/32".to_string(), "[::1]:8091".to_string()]
    );
    assert!(!c.ingest);
    assert_eq!(c.fetch.fetch_config().allow.len(), 2);
    assert_eq!(c.fetch.fetch_config().politeness_delay, std::time::Duration::ZERO);
}

#[test]
fn trusted_proxies_from_the_file_or_the_environment() {
    assert!(
        Config::default().trusted_proxies.is_empty(),
        "nobody is trusted by default"
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("livebrief.toml");
    std::fs::write(&file, "trusted_proxies = [\"127.0.0.1\", \"10.0.0.0/8\"]\n").expect("write");
    let c = Config::load(Some(&file), &env(&[])).expect("valid");
    let shown: Vec<String> = c.trusted_proxies.iter().map(|n| n.to_string()).collect();
    assert_eq!(shown, ["127.0.0.1/32", "10.0.0.0/8"]);
    let c = Config::load(None, &env(&[("LIVEBRIEF_TRUSTED_PROXIES", "::1, fd00::/8")])).expect("valid");
    let shown: Vec<String> = c.trusted_proxies.iter().map(|n| n.to_string()).collect();
    assert_eq!(shown, ["::1/128", "fd00::/8"]);
}

#[test]
fn invalid_values_are_clear_errors() {
    let cases: &[(&[(&str, &str)], &str)] = &[
        (&[("LIVEBRIEF_LISTEN", "localhost")], "listen"),
        (&[("LIVEBRIEF_PAGE_SIZE", "0")], "page_size"),
        (&[("LIVEBRIEF_PAGE_SIZE", "many")], "LIVEBRIEF_PAGE_SIZE"),
        (&[("LIVEBRIEF_BASE_URL", "ftp://x")], "base_url"),
        (&[("LIVEBRIEF_LOG_FORMAT", "xml")], "log_format"),
        (&[("LIVEBRIEF_COOKIE_SECURE", "perhaps")], "boolean"),
        (&[("LIVEBRIEF_MAX_BODY_BYTES", "1")], "max_body_bytes"),
        (&[("LIVEBRIEF_TYPO", "1")], "unknown environment variable"),
        (&[("LIVEBRIEF_FETCH_ALLOW", "127.0.0.1/32, localhost")], "fetch_allow"),
        (&[("LIVEBRIEF_FETCH_PER_ORIGIN", "0")], "fetch_per_origin"),
        (&[("LIVEBRIEF_INGEST", "maybe")], "LIVEBRIEF_INGEST"),
        (&[("LIVEBRIEF_USER_AGENT", "a\nb")], "user_agent"),
        (
            &[("LIVEBRIEF_TRUSTED_PROXIES", "127.0.0.1, proxy.local")],
            "trusted_proxies",
        ),
        (&[("LIVEBRIEF_TRUSTED_PROXIES", "10.0.0.0/40")], "trusted_proxies"),
    ];
    for (vars, expect) in cases {
        let err = Config::load(None, &env(vars)).expect_err("invalid");
        assert!(format!("{err:#}").contains(expect), "{vars:?}: {err:#}");
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("bad.toml");
    std::fs::write(&file, "lisen = \"x\"\n").expect("write");
    let err = Config::load(Some(&file), &env(&[])).expect_err("unknown key");
    assert!(format!("{err:#}").contains("lisen"), "{err:#}");
    let err = Config::load(Some(&dir.path().join("missing.toml")), &env(&[])).expect_err("missing file");
    assert!(format!("{err:#}").contains("missing.toml"), "{err:#}");
}

#[test]
fn every_option_is_documented() {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/configuration.md"))
        .expect("docs/configuration.md");
    for k in KEYS {
        assert!(
            doc.contains(&format!("`{k}`")),
            "docs/configuration.md does not document `{k}`"
        );
        assert!(
            doc.contains(&format!("LIVEBRIEF_{}", k.to_uppercase())),
            "docs/configuration.md lacks LIVEBRIEF_{}",
            k.to_uppercase()
        );
    }
    let defaults = Config::default();
    assert_eq!(defaults.listen.to_string(), "127.0.0.1:8080");
}

#[test]
fn connection_and_stream_limits_have_defaults_and_ranges() {
    let c = Config::default();
    assert_eq!(
        (
            c.header_timeout_secs,
            c.body_timeout_secs,
            c.idle_timeout_secs,
            c.send_timeout_secs,
            c.shutdown_grace_secs
        ),
        (10, 30, 60, 30, 10)
    );
    assert_eq!(
        (c.max_connections, c.max_streams_per_client, c.max_streams),
        (4096, 16, 2048)
    );
    let c = Config::load(
        None,
        &env(&[
            ("LIVEBRIEF_MAX_STREAMS_PER_CLIENT", "64"),
            ("LIVEBRIEF_SHUTDOWN_GRACE_SECS", "0"),
        ]),
    )
    .expect("valid");
    assert_eq!((c.max_streams_per_client, c.shutdown_grace_secs), (64, 0));
    for (var, value, name) in [
        ("LIVEBRIEF_HEADER_TIMEOUT_SECS", "0", "header_timeout_secs"),
        ("LIVEBRIEF_BODY_TIMEOUT_SECS", "0", "body_timeout_secs"),
        ("LIVEBRIEF_IDLE_TIMEOUT_SECS", "4000", "idle_timeout_secs"),
        ("LIVEBRIEF_SEND_TIMEOUT_SECS", "0", "send_timeout_secs"),
        ("LIVEBRIEF_SHUTDOWN_GRACE_SECS", "601", "shutdown_grace_secs"),
        ("LIVEBRIEF_MAX_CONNECTIONS", "0", "max_connections"),
        ("LIVEBRIEF_MAX_STREAMS_PER_CLIENT", "0", "max_streams_per_client"),
        ("LIVEBRIEF_MAX_STREAMS", "0", "max_streams"),
    ] {
        let err = Config::load(None, &env(&[(var, value)])).expect_err("out of range");
        assert!(format!("{err:#}").contains(name), "{var}={value}: {err:#}");
    }
}
