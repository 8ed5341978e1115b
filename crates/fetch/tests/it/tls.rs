//! HTTPS through rustls against a local TLS fixture whose test CA is trusted only when configured.

use std::sync::Arc;

use livebrief_fetch::{FetchConfig, FetchError, Validators};

use tokio::io::AsyncWriteExt;

use crate::support::{Reply, cfg, fetcher, serve_tls, within};

fn acceptor() -> tokio_rustls::TlsAcceptor {
    let cert = rustls::pki_types::CertificateDer::from(include_bytes!("data/leaf.der").to_vec());
    let key = rustls::pki_types::PrivateKeyDer::Pkcs8(include_bytes!("data/leaf.key.der").to_vec().into());
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("protocol versions")
        .with_no_client_auth()
        .with_single_cert(vec![cert], key)
        .expect("server certificate");
    tokio_rustls::TlsAcceptor::from(Arc::new(config))
}

#[tokio::test]
async fn https_with_a_trusted_root_works_and_an_unknown_issuer_is_a_tls_error() {
    let server = serve_tls(|_| async { Reply::ok("secure") }, acceptor()).await;
    let url = format!("https://127.0.0.1:{}/feed", server.port());

    let trusting = fetcher(FetchConfig {
        extra_root_certs: vec![include_bytes!("data/ca.der").to_vec()],
        ..cfg()
    });
    let got = within(trusting.get(&url, &Validators::default())).await.expect("https");
    assert_eq!(&got.body[..], b"secure");
    assert_eq!(got.final_url, url);

    // Only the compiled-in public roots: the test CA is unknown.
    let e = within(fetcher(cfg()).get(&url, &Validators::default()))
        .await
        .expect_err("untrusted");
    assert!(matches!(e, FetchError::Tls { .. }), "{e:?}");
    assert_eq!(e.to_string(), "TLS with 127.0.0.1 failed");
    assert!(!e.is_transient(), "a certificate problem does not fix itself");
    let cause = std::error::Error::source(&e).expect("cause").to_string();
    assert!(cause.contains("UnknownIssuer"), "{cause}");
}

#[tokio::test]
async fn https_to_a_plain_http_server_is_a_tls_error() {
    // A plain HTTP server answers the ClientHello with a 400, as real ones do.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let server = tokio::spawn(async move {
        if let Ok((mut s, _)) = listener.accept().await {
            let _ = s
                .write_all(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                .await;
        }
    });
    let e = within(fetcher(cfg()).get(&format!("https://127.0.0.1:{port}/"), &Validators::default()))
        .await
        .expect_err("not TLS");
    assert!(matches!(e, FetchError::Tls { .. }), "{e:?}");
    assert!(!e.is_transient(), "{e:?}");
    within(server).await.expect("fixture ends");
}

#[test]
fn a_bad_extra_root_is_a_configuration_error() {
    let e = livebrief_fetch::Fetcher::new(FetchConfig {
        extra_root_certs: vec![b"not DER".to_vec()],
        ..cfg()
    })
    .expect_err("bad root");
    assert!(matches!(e, FetchError::Config(_)), "{e:?}");
}
