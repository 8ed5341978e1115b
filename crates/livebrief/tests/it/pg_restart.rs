//! PostgreSQL restarted under write load (issue 12). A private PostgreSQL cluster of the test's own (initdb,
//! pg_ctl on a free port; never the machine's shared server) serves one `livebrief serve`, while two writers
//! publish continuously and two readers follow the live stream. The cluster is restarted three ways: `pg_ctl
//! restart -m fast`, `-m immediate` (a crash: no shutdown checkpoint), and stop, a pause, start. Every write's
//! outcome is recorded: 201 with its entry id, 503 with `Retry-After`, anything else. Then: no answer but 201
//! and 503 (with `Retry-After`), every acknowledged entry is in the store, the instance took writes again by
//! itself after each restart, and each reader holds every event id 1..=last exactly once.
//!
//! Needs PostgreSQL's server binaries (`initdb`, `pg_ctl`): `LIVEBRIEF_PG_BINDIR`, else the newest
//! `/usr/lib/postgresql/*/bin`, else `initdb` on the `PATH`. Without them the test says "skipped" and passes,
//! unless `CI` is set. Run as root, the cluster runs as the `postgres` user (`runuser`), as initdb requires.
//! Prints one line per restart (`pg-restart: …`), which `bench/cluster.sh` reports.

use std::io::Read;
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use livebrief_loadgen::sse::{Event, Kind, Parser};

use crate::support::{Server, account_with_token_on, http};

/// A PostgreSQL cluster in a temporary directory, stopped (immediately) and removed on drop.
struct PrivateCluster {
    bin: PathBuf,
    dir: tempfile::TempDir,
    port: u16,
    as_postgres: bool,
    /// The server's options (`pg_ctl -o`): its port, its socket directory, loopback only.
    opts: String,
}

fn pg_bindir() -> Option<PathBuf> {
    let has = |d: &Path| d.join("initdb").is_file() && d.join("pg_ctl").is_file();
    if let Some(d) = std::env::var_os("LIVEBRIEF_PG_BINDIR") {
        return Some(PathBuf::from(d)).filter(|d| has(d));
    }
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .filter_map(|e| Some((e.file_name().to_str()?.parse().ok()?, e.path().join("bin"))))
        .filter(|(_, d)| has(d))
        .collect();
    versions.sort();
    if let Some((_, d)) = versions.pop() {
        return Some(d);
    }
    std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .find(|d| has(d))
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

impl PrivateCluster {
    /// A fresh cluster, started; `None` (after saying why) when PostgreSQL's binaries are not installed
    /// and `CI` is unset.
    fn start() -> Option<PrivateCluster> {
        let Some(bin) = pg_bindir() else {
            let msg = "PostgreSQL server binaries (initdb, pg_ctl) not found: set LIVEBRIEF_PG_BINDIR";
            assert!(
                std::env::var_os("CI").is_none(),
                "{msg}; CI is set, so this test must run"
            );
            eprintln!("skipped: {msg}");
            return None;
        };
        let dir = tempfile::tempdir().expect("tempdir");
        let as_postgres = is_root();
        if as_postgres {
            // initdb refuses to run as root: the cluster is the postgres user's.
            let ok = Command::new("chown")
                .args(["postgres:postgres", &dir.path().display().to_string()])
                .status()
                .expect("chown");
            assert!(ok.success(), "chown of the cluster directory to postgres");
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let opts = format!(
            "-p {port} -k {} -c listen_addresses=127.0.0.1 -c max_connections=40",
            dir.path().display()
        );
        let c = PrivateCluster {
            bin,
            dir,
            port,
            as_postgres,
            opts,
        };
        let data = c.data().display().to_string();
        c.run(
            "initdb",
            &["-D", &data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"],
        );
        c.start_server();
        Some(c)
    }

    /// Starts the server (with its options every time: a plain `pg_ctl start` would take the default port).
    fn start_server(&self) {
        self.pg_ctl(&["start", "-w", "-t", "30", "-o", &self.opts, "-l", &self.log()]);
    }

    fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    fn log(&self) -> String {
        self.dir.path().join("postgres.log").display().to_string()
    }

    fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    fn run(&self, tool: &str, args: &[&str]) {
        let exe = self.bin.join(tool).display().to_string();
        let mut cmd = if self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--", &exe]);
            c
        } else {
            Command::new(&exe)
        };
        let out = cmd
            .args(args)
            .output()
            .unwrap_or_else(|e| panic!("running {tool}: {e}"));
        assert!(
            out.status.success(),
            "{tool} {args:?} failed: {}{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr),
            std::fs::read_to_string(self.log()).unwrap_or_default()
        );
    }

    fn pg_ctl(&self, args: &[&str]) {
        let data = self.data().display().to_string();
        let mut all = vec!["-D", data.as_str()];
        all.extend_from_slice(args);
        self.run("pg_ctl", &all);
    }
}

impl Drop for PrivateCluster {
    fn drop(&mut self) {
        let data = self.data().display().to_string();
        let exe = self.bin.join("pg_ctl").display().to_string();
        let mut cmd = if self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--", &exe]);
            c
        } else {
            Command::new(&exe)
        };
        let _ = cmd.args(["-D", &data, "stop", "-m", "immediate", "-w"]).output();
    }
}

/// One write's outcome.
#[derive(Debug, Clone)]
enum Outcome {
    /// 201: the entry's id and headline.
    Created(i64, String),
    /// 503 and its `Retry-After`.
    Refused(Option<String>),
    /// Any other status (with the body), or no HTTP answer at all.
    Other(String),
}

/// A live-stream reader that reconnects with `Last-Event-ID` when its stream ends, as `EventSource` does.
fn reader(addr: SocketAddr, path: String, stop: Arc<AtomicBool>, log: Arc<Mutex<Vec<Event>>>) {
    let mut last: Option<i64> = None;
    while !stop.load(Ordering::Relaxed) {
        let Ok(mut s) = TcpStream::connect_timeout(&addr, Duration::from_secs(5)) else {
            std::thread::sleep(Duration::from_millis(500));
            continue;
        };
        let _ = s.set_read_timeout(Some(Duration::from_millis(200)));
        let resume = last.map(|id| format!("Last-Event-ID: {id}\r\n")).unwrap_or_default();
        let req = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nAccept: text/event-stream\r\n{resume}\r\n");
        if std::io::Write::write_all(&mut s, req.as_bytes()).is_err() {
            continue;
        }
        let mut head = Vec::new();
        let mut parser: Option<Parser> = None;
        let mut buf = [0u8; 8192];
        let mut events = Vec::new();
        while !stop.load(Ordering::Relaxed) {
            let n = match s.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) => continue,
                Err(_) => break,
            };
            match &mut parser {
                Some(p) => {
                    if !p.take(&buf[..n]) {
                        break;
                    }
                }
                None => {
                    head.extend_from_slice(&buf[..n]);
                    if let Some(end) = head.windows(4).position(|w| w == b"\r\n\r\n") {
                        let text = String::from_utf8_lossy(&head[..end]).to_ascii_lowercase();
                        assert!(text.starts_with("http/1.1 200"), "stream refused: {text}");
                        let mut p = Parser::chunked(text.contains("transfer-encoding: chunked"));
                        p.take(&head[end + 4..]);
                        parser = Some(p);
                    }
                }
            }
            if let Some(p) = &mut parser {
                p.parse(&mut events);
                let mut l = log.lock().expect("lock");
                for e in events.drain(..) {
                    if let Some(id) = e.id {
                        last = Some(id);
                    }
                    l.push(e);
                }
            }
        }
        std::thread::sleep(Duration::from_millis(500));
    }
}

/// The index in `outcomes` of the first 201 at or after `from`, waiting up to `secs`.
fn first_success_after(outcomes: &Mutex<Vec<(Instant, Outcome)>>, from: Instant, secs: u64) -> Option<Instant> {
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        if let Some((at, _)) = outcomes
            .lock()
            .expect("lock")
            .iter()
            .find(|(at, o)| *at >= from && matches!(o, Outcome::Created(..)))
        {
            return Some(*at);
        }
        if Instant::now() > deadline {
            return None;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn writes_survive_postgres_restarts_and_the_instance_recovers_by_itself() {
    let t_test = Instant::now();
    let Some(pg) = PrivateCluster::start() else { return };
    let url = pg.url();
    let data = tempfile::tempdir().expect("tempdir");
    let db = ["--database", url.as_str()];
    let token = account_with_token_on(data.path(), &db, "wire", "editor");
    let auth = format!("Bearer {token}");
    let server = Server::start(data.path(), &db);
    let addr = server.addr;
    let r = http(
        addr,
        "POST",
        "/api/v1/briefings",
        &[("Authorization", &auth)],
        Some(r#"{"slug": "restart", "title": "PostgreSQL restarts"}"#),
    )
    .expect("briefing");
    assert_eq!(r.status, 201, "{}", r.body);

    let stop = Arc::new(AtomicBool::new(false));
    let readers: Vec<_> = (0..2)
        .map(|_| {
            let log: Arc<Mutex<Vec<Event>>> = Arc::default();
            let (stop, l) = (stop.clone(), log.clone());
            let t = std::thread::spawn(move || reader(addr, "/b/restart/events?last_event_id=0".into(), stop, l));
            (t, log)
        })
        .collect();

    let outcomes: Arc<Mutex<Vec<(Instant, Outcome)>>> = Arc::default();
    let writing = Arc::new(AtomicBool::new(true));
    let writers: Vec<_> = (0..2)
        .map(|w| {
            let (outcomes, writing, auth) = (outcomes.clone(), writing.clone(), auth.clone());
            std::thread::spawn(move || {
                let mut n = 0;
                while writing.load(Ordering::Relaxed) {
                    let headline = format!("writer {w} entry {n}");
                    let body = format!(r#"{{"headline": "{headline}", "body": "Written while PostgreSQL restarts."}}"#);
                    let o = match http(
                        addr,
                        "POST",
                        "/api/v1/briefings/restart/entries",
                        &[("Authorization", &auth)],
                        Some(&body),
                    ) {
                        Ok(r) if r.status == 201 => {
                            let v: serde_json::Value = serde_json::from_str(&r.body).expect("201 carries the entry");
                            Outcome::Created(v["id"].as_i64().expect("id"), headline)
                        }
                        Ok(r) if r.status == 503 => Outcome::Refused(r.retry_after),
                        Ok(r) => Outcome::Other(format!("{} {}", r.status, r.body)),
                        Err(e) => Outcome::Other(format!("no answer: {e}")),
                    };
                    let refused = !matches!(o, Outcome::Created(..));
                    outcomes.lock().expect("lock").push((Instant::now(), o));
                    n += 1;
                    // As a client honouring Retry-After would, but quicker, to see the recovery closely.
                    std::thread::sleep(Duration::from_millis(if refused { 100 } else { 10 }));
                }
            })
        })
        .collect();

    let count = |from: Instant, to: Instant| {
        let o = outcomes.lock().expect("lock");
        let mut c = (0, 0, 0);
        for (at, x) in o.iter().filter(|(at, _)| *at >= from && *at < to) {
            let _ = at;
            match x {
                Outcome::Created(..) => c.0 += 1,
                Outcome::Refused(_) => c.1 += 1,
                Outcome::Other(_) => c.2 += 1,
            }
        }
        c
    };
    assert!(
        first_success_after(&outcomes, t_test, 20).is_some(),
        "no write succeeded before the restarts"
    );
    std::thread::sleep(Duration::from_millis(700));
    let mut refused_in_pause = 0;
    for mode in ["fast", "immediate", "stop-pause-start"] {
        let t0 = Instant::now();
        match mode {
            "stop-pause-start" => {
                pg.pg_ctl(&["stop", "-m", "fast", "-w"]);
                std::thread::sleep(Duration::from_secs(3));
                pg.start_server();
            }
            m => pg.pg_ctl(&["restart", "-m", m, "-w", "-t", "30", "-o", &pg.opts, "-l", &pg.log()]),
        }
        let t_up = Instant::now();
        let back = first_success_after(&outcomes, t_up, 20).unwrap_or_else(|| {
            panic!("after `{mode}` the instance took no write within 20 s: it did not recover by itself")
        });
        std::thread::sleep(Duration::from_millis(700));
        let (ok, refused, other) = count(t0, Instant::now());
        for (_, o) in outcomes.lock().expect("lock").iter().filter(|(at, _)| *at >= t0) {
            if let Outcome::Other(s) = o {
                eprintln!("pg-restart: {mode}: answered {s}");
            }
        }
        if mode == "stop-pause-start" {
            refused_in_pause = refused;
        }
        eprintln!(
            "pg-restart: {mode:<16} PostgreSQL down/restarting {:.2} s, first acknowledged write {:.2} s after it was back; writes meanwhile: {ok} acknowledged, {refused} refused 503, {other} other",
            (t_up - t0).as_secs_f64(),
            (back.saturating_duration_since(t_up)).as_secs_f64()
        );
    }
    writing.store(false, Ordering::SeqCst);
    for w in writers {
        w.join().expect("writer");
    }

    // Outcomes: 201 or 503 with Retry-After, nothing else.
    let outcomes = outcomes.lock().expect("lock").clone();
    let others: Vec<&String> = outcomes
        .iter()
        .filter_map(|(_, o)| match o {
            Outcome::Other(s) => Some(s),
            _ => None,
        })
        .collect();
    assert!(
        others.is_empty(),
        "answers other than 201 and 503: {:?}",
        &others[..others.len().min(5)]
    );
    let refused: Vec<&Option<String>> = outcomes
        .iter()
        .filter_map(|(_, o)| match o {
            Outcome::Refused(r) => Some(r),
            _ => None,
        })
        .collect();
    assert!(
        refused
            .iter()
            .all(|r| r.as_deref().is_some_and(|v| v.parse::<u32>().is_ok())),
        "every 503 carries Retry-After"
    );
    assert!(
        refused_in_pause > 0,
        "no write was refused while PostgreSQL was stopped for 3 s: the test did not test"
    );
    // Every acknowledged write is there, intact.
    let acked: Vec<(i64, &String)> = outcomes
        .iter()
        .filter_map(|(_, o)| match o {
            Outcome::Created(id, h) => Some((*id, h)),
            _ => None,
        })
        .collect();
    for (id, headline) in &acked {
        let r = http(addr, "GET", &format!("/api/v1/entries/{id}"), &[], None).expect("get");
        assert_eq!(r.status, 200, "acknowledged entry {id} is missing after the restarts");
        let v: serde_json::Value = serde_json::from_str(&r.body).expect("json");
        assert_eq!(v["headline"].as_str(), Some(headline.as_str()), "entry {id} intact");
    }
    // Readers: every event once, in order, up to the newest (some refused writes may have committed: a 503
    // says "not known to be written", and what did commit is an event like any other).
    let r = http(addr, "GET", "/api/v1/briefings/restart/events?after=0", &[], None).expect("events");
    let v: serde_json::Value = serde_json::from_str(&r.body).expect("json");
    let last = v["last_event_id"].as_i64().expect("last_event_id");
    assert!(
        last >= acked.len() as i64,
        "{} acknowledged but the newest event is {last}",
        acked.len()
    );
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline
        && !readers
            .iter()
            .all(|(_, l)| l.lock().expect("lock").iter().any(|e| e.id == Some(last)))
    {
        std::thread::sleep(Duration::from_millis(50));
    }
    std::thread::sleep(Duration::from_millis(300));
    stop.store(true, Ordering::SeqCst);
    for (i, (t, log)) in readers.into_iter().enumerate() {
        t.join().expect("reader");
        let log = log.lock().expect("lock");
        assert!(
            log.iter().all(|e| e.kind != Kind::Reset),
            "reader {i} was told to reset"
        );
        let ids: Vec<i64> = log.iter().filter_map(|e| e.id).collect();
        assert_eq!(
            ids,
            (1..=last).collect::<Vec<_>>(),
            "reader {i}: every event once, in order"
        );
    }
    eprintln!(
        "pg-restart: {} writes: {} acknowledged (all present afterwards), {} refused 503 with Retry-After, {} other; {} committed though refused; both readers got events 1..={last} once each; test took {:.1} s",
        outcomes.len(),
        acked.len(),
        refused.len(),
        others.len(),
        last - acked.len() as i64,
        t_test.elapsed().as_secs_f64()
    );
    drop(server);
}
