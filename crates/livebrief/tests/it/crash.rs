//! Durability: a client publishes as fast as it can, the server is killed with SIGKILL mid-stream and
//! restarted; every entry that got a 2xx is there, intact.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::support::{Server, account_with_token, http};

#[test]
fn acknowledged_entries_survive_sigkill() {
    let dir = tempfile::tempdir().expect("tempdir");
    let token = account_with_token(dir.path(), "wire", "editor");
    let mut server = Server::start(dir.path(), &[]);
    let addr = server.addr;
    let auth = format!("Bearer {token}");
    let r = http(
        addr,
        "POST",
        "/api/v1/briefings",
        &[("Authorization", &auth)],
        Some(r#"{"slug": "crash", "title": "Crash test"}"#),
    )
    .expect("briefing");
    assert_eq!(r.status, 201, "{}", r.body);

    let acked: Arc<Mutex<Vec<(i64, String)>>> = Arc::default();
    let stop = Arc::new(AtomicBool::new(false));
    let writers: Vec<_> = (0..4)
        .map(|w| {
            let (acked, stop, auth) = (acked.clone(), stop.clone(), auth.clone());
            std::thread::spawn(move || {
                let deadline = Instant::now() + Duration::from_secs(30);
                let mut n = 0;
                while !stop.load(Ordering::Relaxed) && Instant::now() < deadline {
                    let headline = format!("writer {w} entry {n}");
                    let body = format!(r#"{{"headline": "{headline}", "body": "Body of {headline} with **markdown**.", "topics": ["t{w}"]}}"#);
                    match http(addr, "POST", "/api/v1/briefings/crash/entries", &[("Authorization", &auth)], Some(&body)) {
                        Ok(r) if (200..300).contains(&r.status) => {
                            let v: serde_json::Value = serde_json::from_str(&r.body).expect("2xx carries the entry");
                            acked.lock().expect("lock").push((v["id"].as_i64().expect("id"), headline));
                        }
                        Ok(r) => panic!("unexpected status {}: {}", r.status, r.body),
                        Err(_) => break, // the server died under us: expected
                    }
                    n += 1;
                }
            })
        })
        .collect();

    // Kill once enough entries are acknowledged (or after a while), mid-stream.
    let t0 = Instant::now();
    while acked.lock().expect("lock").len() < 1000 && t0.elapsed() < Duration::from_secs(20) {
        std::thread::sleep(Duration::from_millis(5));
    }
    server.signal("KILL");
    server.wait_exit(10);
    stop.store(true, Ordering::Relaxed);
    for w in writers {
        w.join().expect("writer");
    }
    let acked = acked.lock().expect("lock").clone();
    assert!(
        acked.len() >= 50,
        "only {} entries were acknowledged before the kill",
        acked.len()
    );

    let server = Server::start(dir.path(), &[]);
    let mut found = 0;
    for (id, headline) in &acked {
        let r = http(server.addr, "GET", &format!("/api/v1/entries/{id}"), &[], None).expect("get");
        assert_eq!(r.status, 200, "acknowledged entry {id} is missing after SIGKILL");
        let v: serde_json::Value = serde_json::from_str(&r.body).expect("json");
        assert_eq!(v["headline"].as_str(), Some(headline.as_str()), "entry {id} intact");
        assert_eq!(
            v["body_html"].as_str(),
            Some(format!("<p>Body of {headline} with <strong>markdown</strong>.</p>\n").as_str())
        );
        // The full history is the desk's (readers get the public one, without text): asked as the editor.
        let revs = http(
            server.addr,
            "GET",
            &format!("/api/v1/entries/{id}/revisions"),
            &[("Authorization", &auth)],
            None,
        )
        .expect("revisions");
        assert!(revs.body.contains(headline.as_str()), "revision of {id} kept");
        found += 1;
    }
    assert_eq!(found, acked.len());
    eprintln!(
        "crash test: {} acknowledged entries, all present after SIGKILL",
        acked.len()
    );
}
