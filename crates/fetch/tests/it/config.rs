//! Defaults and configuration checks.

use std::time::Duration;

use livebrief_fetch::{FetchConfig, FetchError, Fetcher, default_user_agent};

#[test]
fn defaults_are_the_documented_ones() {
    let c = FetchConfig::default();
    assert_eq!(c.user_agent, default_user_agent());
    assert_eq!(c.connect_timeout, Duration::from_secs(10));
    assert_eq!(c.total_timeout, Duration::from_secs(30));
    assert_eq!(c.max_redirects, 5);
    assert_eq!(c.max_body_bytes, 8 * 1024 * 1024);
    assert_eq!(c.per_origin_concurrency, 1);
    assert_eq!(c.politeness_delay, Duration::from_secs(1));
    assert_eq!(c.global_concurrency, 32);
    assert!(c.allow.is_empty());
    assert!(c.guard);
    assert!(c.extra_root_certs.is_empty());
    assert!(Fetcher::new(c).is_ok());
}

#[test]
fn impossible_configurations_are_refused() {
    let bad = [
        FetchConfig {
            per_origin_concurrency: 0,
            ..FetchConfig::default()
        },
        FetchConfig {
            global_concurrency: 0,
            ..FetchConfig::default()
        },
        FetchConfig {
            total_timeout: Duration::ZERO,
            ..FetchConfig::default()
        },
        FetchConfig {
            connect_timeout: Duration::ZERO,
            ..FetchConfig::default()
        },
        FetchConfig {
            max_body_bytes: 0,
            ..FetchConfig::default()
        },
        FetchConfig {
            user_agent: "line\nbreak".into(),
            ..FetchConfig::default()
        },
        FetchConfig {
            user_agent: " ".into(),
            ..FetchConfig::default()
        },
    ];
    for c in bad {
        let e = Fetcher::new(c.clone()).expect_err("invalid");
        assert!(matches!(e, FetchError::Config(_)), "{c:?}: {e:?}");
        assert!(e.to_string().starts_with("invalid fetcher configuration: "), "{e}");
    }
}
