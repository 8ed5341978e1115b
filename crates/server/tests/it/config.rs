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
fn the_ingest_lease_is_five_minutes_and_outlasts_a_poll() {
    assert_eq!(Config::default().ingest_lease_secs, 300);
    let c = Config::load(
        None,
        &env(&[
            ("LIVEBRIEF_INGEST_LEASE_SECS", "20"),
            ("LIVEBRIEF_FETCH_TIMEOUT_SECS", "10"),
        ]),
    )
    .expect("valid");
    assert_eq!(c.ingest_lease_secs, 20);
    for (vars, expect) in [
        (&[("LIVEBRIEF_INGEST_LEASE_SECS", "9")][..], "between 10 and 86400"),
        (&[("LIVEBRIEF_INGEST_LEASE_SECS", "86401")][..], "between 10 and 86400"),
        (
            &[("LIVEBRIEF_INGEST_LEASE_SECS", "soon")][..],
            "LIVEBRIEF_INGEST_LEASE_SECS",
        ),
        // The default fetch timeout is 20 s: a 30 s lease could lapse while a poll is still waiting.
        (
            &[("LIVEBRIEF_INGEST_LEASE_SECS", "30")][..],
            "at least twice fetch_timeout_secs (20)",
        ),
        (
            &[
                ("LIVEBRIEF_INGEST_LEASE_SECS", "20"),
                ("LIVEBRIEF_FETCH_TIMEOUT_SECS", "11"),
            ][..],
            "at least twice fetch_timeout_secs (11)",
        ),
    ] {
        let err = Config::load(None, &env(vars)).expect_err("invalid lease");
        let err = format!("{err:#}");
        assert!(
            err.contains("ingest_lease_secs") || err.contains("LIVEBRIEF_INGEST_LEASE_SECS"),
            "{err}"
        );
        assert!(err.contains(expect), "{vars:?}: {err}");
    }
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

/// The config reader on thousands of mangled files and variables (seeded, so a failure repeats): each is
/// a config or an error that says what is wrong, never a panic.
#[test]
fn mangled_files_and_variables_are_errors_never_panics() {
    let docs = include_str!("../../../../docs/configuration.md");
    let example = docs
        .split("```toml\n")
        .nth(1)
        .and_then(|s| s.split("```").next())
        .expect("the documented example");
    assert!(Config::load(None, &env(&[])).is_ok());
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("livebrief.toml");
    let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let pieces: &[&[u8]] = &[
        b"\"",
        b"'",
        b"=",
        b"[",
        b"]",
        b"{",
        b"}",
        b"\n",
        b"#",
        b"\\",
        b"\\u{0}",
        b"-1",
        b"99999999999999999999",
        b"1e309",
        b"nan",
        b"true",
        b"\xff\xfe",
        b"\xc3",
        b"[[x]]",
        b"listen",
        b"base_url",
        b"trusted_proxies",
        b"::",
        b"/129",
        b"0x",
        b"\t",
        b"\r",
        b"\"\"\"",
    ];
    let (mut ok, mut refused) = (0, 0);
    for _ in 0..1500 {
        let mut bytes = example.as_bytes().to_vec();
        for _ in 0..1 + next() % 4 {
            let at = (next() as usize) % (bytes.len() + 1);
            match next() % 3 {
                0 => {
                    let p = pieces[(next() as usize) % pieces.len()];
                    bytes.splice(at..at, p.iter().copied());
                }
                1 if at < bytes.len() => {
                    let end = (at + 1 + (next() as usize) % 12).min(bytes.len());
                    bytes.drain(at..end);
                }
                _ if at < bytes.len() => bytes[at] = next() as u8,
                _ => {}
            }
        }
        std::fs::write(&file, &bytes).expect("write");
        let value = String::from_utf8_lossy(&bytes[..bytes.len().min(40)]).into_owned();
        let key = [
            "LIVEBRIEF_LISTEN",
            "LIVEBRIEF_PAGE_SIZE",
            "LIVEBRIEF_TRUSTED_PROXIES",
            "LIVEBRIEF_FETCH_ALLOW",
        ][(next() as usize) % 4];
        for vars in [env(&[]), env(&[(key, value.as_str())])] {
            let got = std::panic::catch_unwind(|| Config::load(Some(&file), &vars))
                .unwrap_or_else(|_| panic!("panicked on {:?} with {vars:?}", String::from_utf8_lossy(&bytes)));
            match got {
                Ok(_) => ok += 1,
                Err(e) => {
                    assert!(!format!("{e:#}").trim().is_empty());
                    refused += 1;
                }
            }
        }
    }
    assert!(
        ok > 0 && refused > 0,
        "both outcomes seen: {ok} read, {refused} refused"
    );
}

#[test]
fn database_url_selects_postgres_from_the_file_or_the_environment() {
    assert_eq!(
        Config::load(None, &env(&[])).expect("valid").database_url,
        None,
        "SQLite by default"
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("livebrief.toml");
    std::fs::write(&file, "database_url = \"postgresql://lb@db:5432/live\"\n").expect("write");
    let c = Config::load(Some(&file), &env(&[])).expect("valid");
    assert_eq!(c.database_url.as_deref(), Some("postgresql://lb@db:5432/live"));
    let c = Config::load(
        Some(&file),
        &env(&[("LIVEBRIEF_DATABASE_URL", "postgres://lb:pw@other/live")]),
    )
    .expect("valid");
    assert_eq!(
        c.database_url.as_deref(),
        Some("postgres://lb:pw@other/live"),
        "environment wins"
    );
    let err = Config::load(None, &env(&[("LIVEBRIEF_DATABASE_URL", "mysql://lb:secret@db/live")]))
        .expect_err("another scheme is refused");
    let msg = format!("{err:#}");
    assert!(msg.contains("database_url") && !msg.contains("secret"), "{msg}");
    assert_eq!(
        livebrief_server::config::redact_url("postgres://lb:secret@db/live"),
        "postgres://lb:***@db/live"
    );
}

/// What the `config` fuzz target reached, kept (`fuzz/keep.sh config` writes `fuzz/kept/config.b64`: the
/// minimised inputs up to 400 bytes, one base64 line each) and replayed through the target's own check
/// (`config::check_any_config`).
#[test]
fn the_config_fuzz_corpus_holds() {
    crate::fuzz_replay::replay("config", 50, livebrief_server::config::check_any_config);
}
