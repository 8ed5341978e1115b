//! The guard in the fetcher, proved with a stub resolver and a recording connector: every address the fetcher
//! asks to connect to is recorded, only 127.0.0.1 fixtures get a real socket, and each test states exactly which
//! connections were attempted. A guard bug fails an assertion; it never sends a packet anywhere.

use std::sync::Arc;

use livebrief_fetch::{FetchConfig, FetchError, Fetcher, Reason, UNREACHABLE, UrlRefusal, Validators};

use crate::support::{RecordingConnector, Reply, StubResolver, rule, sa, serve, within};

fn resolver() -> Arc<StubResolver> {
    StubResolver::with(&[
        ("rebind.test", &["10.0.0.7"]),
        ("public.test", &["93.184.216.34"]),
        ("metadata.test", &["169.254.169.254"]),
        ("mixed.test", &["93.184.216.34", "10.0.0.1"]),
        ("v6private.test", &["fd12:3456::1"]),
        ("mapped.test", &["::ffff:192.168.0.1"]),
        ("localhost", &["127.0.0.1", "::1"]),
        ("mixed-family.test", &["93.184.216.34", "fd12::1"]),
    ])
}

fn guarded(cfg: FetchConfig, resolver: Arc<StubResolver>, connector: Arc<RecordingConnector>) -> Fetcher {
    Fetcher::with_seams(cfg, resolver, connector).expect("fetcher")
}

fn no_allow() -> FetchConfig {
    FetchConfig {
        allow: Vec::new(),
        ..crate::support::cfg()
    }
}

#[tokio::test]
async fn check_url_refuses_with_the_reason_and_connects_to_nothing() {
    let conn = RecordingConnector::new(&[]);
    let f = guarded(no_allow(), resolver(), conn.clone());
    let cases: &[(&str, &str)] = &[
        (
            "http://rebind.test/feed",
            "refused: rebind.test resolves to 10.0.0.7, a private address",
        ),
        ("http://10.0.0.5/", "refused: 10.0.0.5 is a private address"),
        (
            "http://metadata.test/latest/meta-data",
            "refused: metadata.test resolves to 169.254.169.254, a cloud metadata address",
        ),
        (
            "http://169.254.169.254/latest/meta-data",
            "refused: 169.254.169.254 is a cloud metadata address",
        ),
        (
            "http://[fd00:ec2::254]/",
            "refused: fd00:ec2::254 is a cloud metadata address",
        ),
        (
            "http://mixed.test/",
            "refused: mixed.test resolves to 10.0.0.1, a private address",
        ),
        (
            "http://v6private.test/",
            "refused: v6private.test resolves to fd12:3456::1, a unique-local address",
        ),
        (
            "http://mapped.test/",
            "refused: mapped.test resolves to ::ffff:192.168.0.1, a private address (IPv4-mapped 192.168.0.1)",
        ),
        (
            "http://[::ffff:10.0.0.1]/",
            "refused: ::ffff:10.0.0.1 is a private address (IPv4-mapped 10.0.0.1)",
        ),
        (
            "http://[64:ff9b::a00:1]/",
            "refused: 64:ff9b::a00:1 is a private address (NAT64 10.0.0.1)",
        ),
        (
            "http://[2002:a00:1::1]/",
            "refused: 2002:a00:1::1 is a private address (6to4 10.0.0.1)",
        ),
        (
            "http://localhost:8080/",
            "refused: localhost resolves to 127.0.0.1, a loopback address",
        ),
        // The URL parser's IPv4 forms: hex, octal, one number, short.
        ("http://0x7f.1/", "refused: 127.0.0.1 is a loopback address"),
        ("http://0177.0.0.1/", "refused: 127.0.0.1 is a loopback address"),
        ("http://2130706433/", "refused: 127.0.0.1 is a loopback address"),
        ("http://127.1/", "refused: 127.0.0.1 is a loopback address"),
        ("http://0.0.0.0/", "refused: 0.0.0.0 is an unspecified address"),
        ("http://[::]/", "refused: :: is an unspecified address"),
        (
            "https://100.64.1.1/",
            "refused: 100.64.1.1 is a carrier-grade NAT address",
        ),
        (
            "http://255.255.255.255/",
            "refused: 255.255.255.255 is the broadcast address",
        ),
        ("http://public.test:25/", "refused: port 25 belongs to another protocol"),
        (
            "ftp://public.test/feed",
            "refused: only http and https URLs are fetched, not ftp",
        ),
        (
            "file:///etc/passwd",
            "refused: only http and https URLs are fetched, not file",
        ),
        (
            "gopher://public.test:70/",
            "refused: only http and https URLs are fetched, not gopher",
        ),
        (
            "http://user:secret@public.test/",
            "refused: URLs with a user name or password are not fetched",
        ),
        (
            "http://user@public.test/",
            "refused: URLs with a user name or password are not fetched",
        ),
    ];
    for (url, message) in cases {
        let e = within(f.check_url(url)).await.expect_err(url);
        assert_eq!(e.detail(), *message, "{url}");
        // The caller is told the reason only when it lies in the URL itself (scheme, credentials, port).
        let told = if message.contains(" is ") || message.contains(" resolves to ") {
            UNREACHABLE
        } else {
            message
        };
        assert_eq!(e.to_string(), told, "{url}");
        assert!(e.is_refused() && !e.is_transient(), "{url}: {e:?}");
        assert_eq!(e.code(), "refused");
    }
    assert!(within(f.check_url("http://public.test/feed")).await.is_ok());
    assert!(within(f.check_url("https://public.test:8443/feed")).await.is_ok());
    assert!(within(f.check_url("http://[2606:4700:4700::1111]/")).await.is_ok());
    assert_eq!(conn.attempts(), vec![], "check_url never connects");

    // A rule for a whole network lets its addresses through but not the ports of other protocols; a rule that
    // names its port allows that port.
    let net = guarded(
        FetchConfig {
            allow: vec![rule("10.0.0.0/24"), rule("10.0.0.5:25")],
            ..crate::support::cfg()
        },
        resolver(),
        conn.clone(),
    );
    assert!(
        within(net.check_url("http://rebind.test/feed")).await.is_ok(),
        "10.0.0.7 is allowed"
    );
    let e = within(net.check_url("http://rebind.test:25/"))
        .await
        .expect_err("port 25");
    assert_eq!(e.detail(), "refused: port 25 belongs to another protocol");
    assert!(within(net.check_url("http://10.0.0.5:25/")).await.is_ok(), "named port");
    assert_eq!(conn.attempts(), vec![], "check_url never connects");

    let e = within(f.check_url("http://nxdomain.test/"))
        .await
        .expect_err("no such host");
    assert!(matches!(e, FetchError::Dns { .. }) && e.is_transient(), "{e:?}");
    assert_eq!(e.detail(), "could not resolve nxdomain.test");
    assert_eq!(e.to_string(), UNREACHABLE, "a missing name looks like a refused one");
    for bad in ["not a url", "http://", "/relative/path"] {
        let e = within(f.check_url(bad)).await.expect_err(bad);
        assert!(matches!(e, FetchError::InvalidUrl { .. }), "{bad}: {e:?}");
    }
}

#[tokio::test]
async fn refused_hosts_are_never_connected_to_and_allowed_ones_are_connected_to_as_checked() {
    let conn = RecordingConnector::new(&[]);
    let f = guarded(no_allow(), resolver(), conn.clone());
    for url in [
        "http://rebind.test/",
        "http://metadata.test/",
        "http://mixed.test/",
        "http://[::1]/",
        "http://127.0.0.1/",
    ] {
        let e = within(f.get(url, &Validators::default())).await.expect_err(url);
        assert!(matches!(e, FetchError::Refused { .. }), "{url}: {e:?}");
    }
    assert_eq!(conn.attempts(), vec![]);
    // A public host passes the guard; the stub then refuses the connection without a packet.
    let e = within(f.get("http://public.test/", &Validators::default()))
        .await
        .expect_err("stub network");
    assert!(matches!(e, FetchError::Connect { .. }) && e.is_transient(), "{e:?}");
    assert_eq!(e.detail(), "could not connect to 93.184.216.34:80");
    assert_eq!(e.to_string(), UNREACHABLE, "a closed port looks like a refused address");
    assert_eq!(conn.attempts(), vec![sa("93.184.216.34:80")]);
}

#[tokio::test]
async fn dns_rebinding_is_caught_on_the_address_actually_used() {
    let resolver = StubResolver::with(&[]);
    resolver.answer("flip.test", &["93.184.216.34"]);
    resolver.answer("flip.test", &["10.0.0.7"]);
    let conn = RecordingConnector::new(&[]);
    let f = guarded(no_allow(), resolver.clone(), conn.clone());
    // Checked when the source is added: public then.
    within(f.check_url("http://flip.test/"))
        .await
        .expect("public at check time");
    // Resolved again for the fetch, to a private address: refused, nothing connected.
    let e = within(f.get("http://flip.test/", &Validators::default()))
        .await
        .expect_err("rebound");
    assert_eq!(e.detail(), "refused: flip.test resolves to 10.0.0.7, a private address");
    assert_eq!(conn.attempts(), vec![]);
    assert_eq!(
        *resolver.calls.lock().expect("lock"),
        vec!["flip.test".to_string(), "flip.test".to_string()]
    );
}

#[tokio::test]
async fn without_an_allow_rule_the_local_fixture_is_refused_and_with_the_guard_off_it_is_fetched() {
    let server = serve(|_| async { Reply::ok("hello") }).await;
    let conn = RecordingConnector::new(&[server.addr]);
    let f = guarded(no_allow(), resolver(), conn.clone());
    let e = within(f.get(&server.url("/"), &Validators::default()))
        .await
        .expect_err("loopback");
    assert_eq!(e.detail(), "refused: 127.0.0.1 is a loopback address");
    assert_eq!(conn.attempts(), vec![]);

    let off = guarded(
        FetchConfig {
            guard: false,
            ..no_allow()
        },
        resolver(),
        conn.clone(),
    );
    let got = within(off.get(&server.url("/"), &Validators::default()))
        .await
        .expect("guard off");
    assert_eq!(&got.body[..], b"hello");
    assert_eq!(conn.attempts(), vec![server.addr]);
    // Schemes and credentials are checked even with the guard off.
    let e = within(off.get("file:///etc/passwd", &Validators::default()))
        .await
        .expect_err("file");
    assert!(
        matches!(
            e,
            FetchError::RefusedUrl {
                reason: UrlRefusal::Scheme(_),
                ..
            }
        ),
        "{e:?}"
    );
}

#[tokio::test]
async fn every_redirect_hop_is_checked() {
    let server = serve(|req| async move {
        let to = req.path.trim_start_matches("/to/").to_owned();
        let to = to.replace("%5B", "[").replace("%5D", "]");
        if req.path == "/ok" {
            Reply::ok("fine")
        } else {
            Reply::redirect(302, &to)
        }
    })
    .await;
    let port = server.port();
    // Only this one fixture endpoint is allowed: loopback in general is not.
    let cfg = FetchConfig {
        allow: vec![rule(&format!("127.0.0.1:{port}"))],
        ..no_allow()
    };
    let targets: Vec<(String, &str)> = vec![
        ("http://10.0.0.1/".into(), "refused: 10.0.0.1 is a private address"),
        (
            "http://169.254.169.254/latest/meta-data".into(),
            "refused: 169.254.169.254 is a cloud metadata address",
        ),
        (
            format!("http://[::ffff:127.0.0.1]:{port}/"),
            "refused: ::ffff:127.0.0.1 is a loopback address (IPv4-mapped 127.0.0.1)",
        ),
        (format!("http://[::1]:{port}/"), "refused: ::1 is a loopback address"),
        (
            format!("http://127.0.0.2:{port}/"),
            "refused: 127.0.0.2 is a loopback address",
        ),
        (
            format!("http://127.0.0.1:{}/", port.wrapping_add(1).max(1024)),
            "refused: 127.0.0.1 is a loopback address",
        ),
        (
            "http://rebind.test/".into(),
            "refused: rebind.test resolves to 10.0.0.7, a private address",
        ),
        (
            "http://localhost/".into(),
            "refused: localhost resolves to 127.0.0.1, a loopback address",
        ),
        (
            "http://[fd00:ec2::254]/latest/meta-data".into(),
            "refused: fd00:ec2::254 is a cloud metadata address",
        ),
        ("http://0x7f000001/".into(), "refused: 127.0.0.1 is a loopback address"),
        (
            "http://public.test:22/".into(),
            "refused: port 22 belongs to another protocol",
        ),
        (
            "file:///etc/passwd".into(),
            "refused: only http and https URLs are fetched, not file",
        ),
        (
            "gopher://127.0.0.1:6379/_INFO".into(),
            "refused: only http and https URLs are fetched, not gopher",
        ),
        (
            "http://mixed-family.test/".into(),
            "refused: mixed-family.test resolves to fd12::1, a unique-local address",
        ),
        (
            "http://user:pw@public.test/".into(),
            "refused: URLs with a user name or password are not fetched",
        ),
    ];
    for (target, message) in &targets {
        let conn = RecordingConnector::new(&[server.addr]);
        let f = guarded(cfg.clone(), resolver(), conn.clone());
        let start = server.url(&format!("/to/{target}"));
        let e = within(f.get(&start, &Validators::default())).await.expect_err(target);
        assert_eq!(e.detail(), *message, "redirect to {target}");
        if matches!(e, FetchError::Refused { .. }) {
            assert_eq!(e.to_string(), UNREACHABLE, "redirect to {target}");
        }
        assert!(e.is_refused(), "{target}: {e:?}");
        assert_eq!(
            conn.attempts(),
            vec![server.addr],
            "redirect to {target}: only the fixture was connected to"
        );
    }
    // The same fixture redirecting to itself is followed.
    let conn = RecordingConnector::new(&[server.addr]);
    let f = guarded(cfg, resolver(), conn.clone());
    let got = within(f.get(
        &server.url(&format!("/to/http://127.0.0.1:{port}/ok")),
        &Validators::default(),
    ))
    .await;
    assert_eq!(&got.expect("allowed redirect").body[..], b"fine");
    assert!(conn.attempts().iter().all(|a| *a == server.addr));
}

#[tokio::test]
async fn refusal_reasons_are_typed() {
    let f = guarded(no_allow(), resolver(), RecordingConnector::new(&[]));
    match within(f.check_url("http://[::ffff:169.254.169.254]/")).await {
        Err(FetchError::Refused { refusal, addr, .. }) => {
            assert_eq!(refusal.reason, Reason::CloudMetadata);
            assert_eq!(addr.to_string(), "::ffff:169.254.169.254");
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_connect_that_never_completes_times_out_and_the_next_address_is_tried() {
    let server = serve(|_| async { Reply::ok("second address") }).await;
    let port = server.port();
    let resolver = StubResolver::with(&[
        ("blackhole.test", &["93.184.216.34"]),
        ("fallback.test", &["93.184.216.34", "127.0.0.1"]),
    ]);
    let blackhole = sa(&format!("93.184.216.34:{port}"));
    let conn = RecordingConnector::hanging(&[server.addr], &[blackhole]);
    let cfg = FetchConfig {
        connect_timeout: std::time::Duration::from_millis(300),
        allow: vec![rule(&format!("127.0.0.1:{port}"))],
        ..no_allow()
    };
    let f = guarded(cfg, resolver, conn.clone());

    let e = within(f.get(&format!("http://blackhole.test:{port}/"), &Validators::default()))
        .await
        .expect_err("hang");
    assert_eq!(e.detail(), "timed out after 300 ms while connecting");
    assert_eq!(
        e.to_string(),
        UNREACHABLE,
        "a black-holed address looks like a refused one"
    );
    assert!(e.is_transient());

    let got = within(f.get(&format!("http://fallback.test:{port}/"), &Validators::default()))
        .await
        .expect("fallback");
    assert_eq!(&got.body[..], b"second address");
    assert_eq!(conn.attempts(), vec![blackhole, blackhole, server.addr]);
}
