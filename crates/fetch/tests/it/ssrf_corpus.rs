//! The SSRF corpus (`data/ssrf-corpus.txt`): every URL is checked as a source is when added, then fetched
//! through the stub resolver and the recording connector. A refused URL gives the same refusal both ways
//! and no connection attempt; an allowed one is connected to exactly at the address its name resolved to
//! (the stub refuses it, so no packet leaves). Refused and unreachable look alike to the caller in what
//! matters to an attacker: a refused address is never connected to, so its answer cannot tell an open
//! port from a closed one, or a live host from a dead one; and the caller is told `UNREACHABLE` both for a
//! refused address and for an allowed one the stub network refuses (the corpus's verdicts are the `detail`
//! the server logs).

use std::sync::Arc;

use livebrief_fetch::{FetchConfig, FetchError, Fetcher, UNREACHABLE, Validators};

use crate::support::{RecordingConnector, StubResolver, within};

const CORPUS: &str = include_str!("data/ssrf-corpus.txt");

fn resolver() -> Arc<StubResolver> {
    StubResolver::with(&[
        ("localhost", &["127.0.0.1", "::1"]),
        // A name with its root dot is the same name to DNS; the guard checks what it resolves to.
        ("localhost.", &["127.0.0.1"]),
        ("metadata.google.internal", &["169.254.169.254"]),
        ("rebind.test", &["10.0.0.7"]),
        ("mixed.test", &["93.184.216.34", "10.0.0.1"]),
        ("mixed-v6.test", &["2606:4700:4700::1111", "::1"]),
        // Mixed families: a public A record with a private AAAA record, and the other way round.
        ("mixed-family.test", &["93.184.216.34", "fd12::1"]),
        ("mixed-family-6.test", &["2606:4700:4700::1111", "10.0.0.1"]),
        ("mixed-family-mapped.test", &["93.184.216.34", "::ffff:169.254.169.254"]),
        ("v6only.test", &["fd12::1"]),
        ("public.test", &["93.184.216.34"]),
        ("xn--80ak6aa92e.test", &["93.184.216.34"]),
    ])
}

fn cases() -> Vec<(&'static str, &'static str)> {
    CORPUS
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            l.split_once('\t')
                .unwrap_or_else(|| panic!("no tab in corpus line {l:?}"))
        })
        .collect()
}

#[tokio::test]
async fn the_corpus_is_refused_or_passed_as_written_and_refused_urls_are_never_connected_to() {
    let cases = cases();
    assert!(cases.len() >= 40, "the corpus has {} cases", cases.len());
    let cfg = FetchConfig {
        allow: Vec::new(),
        ..crate::support::cfg()
    };
    let mut wrong = Vec::new();
    for (url, want) in &cases {
        let conn = RecordingConnector::new(&[]);
        let f = Fetcher::with_seams(cfg.clone(), resolver(), conn.clone()).expect("fetcher");
        let checked = within(f.check_url(url)).await;
        let fetched = within(f.get(url, &Validators::default())).await;
        let attempts = conn.attempts();
        if *want == "ok" {
            if let Err(e) = &checked {
                wrong.push(format!("{url}: want ok, check_url said {e}"));
            }
            match &fetched {
                Err(e @ FetchError::Connect { .. }) if attempts.len() == 1 => {
                    let ip = attempts[0].ip();
                    if !e.detail().contains(&ip.to_string()) || livebrief_fetch::refusal(ip).is_some() {
                        wrong.push(format!("{url}: connected to {ip}: {}", e.detail()));
                    }
                    if e.to_string() != UNREACHABLE {
                        wrong.push(format!("{url}: unreachable, yet the caller is told {e}"));
                    }
                }
                other => wrong.push(format!(
                    "{url}: want one stub connection, got {other:?} after {attempts:?}"
                )),
            }
        } else {
            let said = |r: &Result<_, FetchError>| match r {
                Err(e) if e.is_refused() && !e.is_transient() && e.code() == "refused" => e.detail(),
                Err(e) => format!("not a refusal: {e:?}"),
                Ok(_) => "passed".to_string(),
            };
            // What the caller sees: the refusal of an address is the message of an unreachable one.
            for e in [checked.as_ref().err(), fetched.as_ref().err()].into_iter().flatten() {
                if matches!(e, FetchError::Refused { .. }) && e.to_string() != UNREACHABLE {
                    wrong.push(format!("{url}: the caller is told {e}"));
                }
            }
            let (c, g) = (said(&checked), said(&fetched.map(|_| ())));
            if c != *want || g != *want {
                wrong.push(format!("{url}: want {want:?}, check_url said {c:?}, get said {g:?}"));
            }
            if !attempts.is_empty() {
                wrong.push(format!("{url}: refused, yet {attempts:?} were connected to"));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {} cases wrong:\n{}",
        wrong.len(),
        cases.len(),
        wrong.join("\n")
    );
}
