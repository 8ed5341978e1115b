//! SSE fan-out benchmark: opens N live-stream subscribers to a running livebrief, publishes one entry
//! per round through the API, and measures when each subscriber receives it. Reports latency
//! percentiles and the server's memory per subscriber (from /proc/PID/status).
//!
//! sse-fanout --addr 127.0.0.1:8080 --slug demo --token TOKEN --subscribers 5000 --rounds 5 --server-pid PID

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::{Notify, mpsc};

struct Args {
    addr: SocketAddr,
    slug: String,
    token: String,
    subscribers: usize,
    rounds: usize,
    server_pid: Option<u32>,
}

fn parse_args() -> Result<Args, String> {
    let mut a = std::env::args().skip(1);
    let mut addr = None;
    let mut slug = None;
    let mut token = None;
    let mut subscribers = 5000;
    let mut rounds = 5;
    let mut server_pid = None;
    while let Some(k) = a.next() {
        let mut v = || a.next().ok_or(format!("{k} needs a value"));
        match k.as_str() {
            "--addr" => addr = Some(v()?.parse().map_err(|e| format!("--addr: {e}"))?),
            "--slug" => slug = Some(v()?),
            "--token" => token = Some(v()?),
            "--subscribers" => subscribers = v()?.parse().map_err(|e| format!("--subscribers: {e}"))?,
            "--rounds" => rounds = v()?.parse().map_err(|e| format!("--rounds: {e}"))?,
            "--server-pid" => server_pid = Some(v()?.parse().map_err(|e| format!("--server-pid: {e}"))?),
            other => return Err(format!("unknown argument {other}")),
        }
    }
    Ok(Args {
        addr: addr.ok_or("--addr is required")?,
        slug: slug.ok_or("--slug is required")?,
        token: token.ok_or("--token is required")?,
        subscribers,
        rounds,
        server_pid,
    })
}

fn rss_kib(pid: u32) -> Option<u64> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    s.lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
}

/// One subscriber: connects, waits for the stream to open, then reports the time of every `published` event.
async fn subscriber(
    addr: SocketAddr,
    path: String,
    ready: Arc<AtomicUsize>,
    all_ready: Arc<Notify>,
    target: usize,
    tx: mpsc::UnboundedSender<(usize, Instant)>,
) -> Result<(), String> {
    let mut s = TcpStream::connect(addr).await.map_err(|e| format!("connect: {e}"))?;
    s.write_all(format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nAccept: text/event-stream\r\n\r\n").as_bytes())
        .await
        .map_err(|e| format!("write: {e}"))?;
    let mut buf = vec![0u8; 16 * 1024];
    let mut seen = Vec::new();
    // Headers and the initial retry line.
    loop {
        let n = s.read(&mut buf).await.map_err(|e| format!("read: {e}"))?;
        if n == 0 {
            return Err("closed before the stream opened".into());
        }
        seen.extend_from_slice(&buf[..n]);
        if seen.windows(9).any(|w| w == b"retry: 30") {
            break;
        }
    }
    if ready.fetch_add(1, Ordering::SeqCst) + 1 == target {
        all_ready.notify_one();
    }
    let mut round = 0;
    let mut tail: Vec<u8> = Vec::new();
    loop {
        let n = s.read(&mut buf).await.map_err(|e| format!("read: {e}"))?;
        if n == 0 {
            return Ok(());
        }
        let now = Instant::now();
        tail.extend_from_slice(&buf[..n]);
        while let Some(i) = tail.windows(16).position(|w| w == b"event: published") {
            let _ = tx.send((round, now));
            round += 1;
            tail.drain(..i + 16);
        }
        if tail.len() > 64 {
            tail.drain(..tail.len() - 16);
        }
    }
}

async fn publish(addr: SocketAddr, slug: &str, token: &str, round: usize) -> Result<u16, String> {
    let body = format!(r#"{{"headline": "Fan-out round {round}", "body": "Measuring delivery to every subscriber."}}"#);
    let req = format!(
        "POST /api/v1/briefings/{slug}/entries HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let mut s = TcpStream::connect(addr).await.map_err(|e| e.to_string())?;
    s.write_all(req.as_bytes()).await.map_err(|e| e.to_string())?;
    let mut resp = Vec::new();
    s.read_to_end(&mut resp).await.map_err(|e| e.to_string())?;
    let text = String::from_utf8_lossy(&resp);
    text.split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .ok_or_else(|| format!("bad response: {text}"))
}

fn pct(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((p / 100.0) * (sorted.len() as f64 - 1.0)).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

#[tokio::main]
async fn main() {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("sse-fanout: {e}");
            std::process::exit(2);
        }
    };
    let path = format!("/b/{}/events", args.slug);
    let rss_before = args.server_pid.and_then(rss_kib);
    let ready = Arc::new(AtomicUsize::new(0));
    let all_ready = Arc::new(Notify::new());
    let (tx, mut rx) = mpsc::unbounded_channel();
    let t_connect = Instant::now();
    let mut handles = Vec::with_capacity(args.subscribers);
    for _ in 0..args.subscribers {
        handles.push(tokio::spawn(subscriber(
            args.addr,
            path.clone(),
            ready.clone(),
            all_ready.clone(),
            args.subscribers,
            tx.clone(),
        )));
        // Pace the connects a little so the listen backlog never overflows.
        if handles.len() % 200 == 0 {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
    drop(tx);
    if tokio::time::timeout(Duration::from_secs(60), all_ready.notified())
        .await
        .is_err()
    {
        let ended = handles.iter().filter(|h| h.is_finished()).count();
        eprintln!(
            "only {} of {} subscribers connected ({ended} failed)",
            ready.load(Ordering::SeqCst),
            args.subscribers
        );
        std::process::exit(1);
    }
    let connect_time = t_connect.elapsed();
    // Let the server settle, then read its memory with every stream open.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let rss_after = args.server_pid.and_then(rss_kib);

    let mut all = Vec::new();
    let mut worst_round = Duration::ZERO;
    for round in 0..args.rounds {
        let t0 = Instant::now();
        let status = publish(args.addr, &args.slug, &args.token, round)
            .await
            .unwrap_or_else(|e| {
                eprintln!("publish failed: {e}");
                std::process::exit(1)
            });
        if status != 201 {
            eprintln!("publish answered {status}");
            std::process::exit(1);
        }
        let mut lat = Vec::with_capacity(args.subscribers);
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        while lat.len() < args.subscribers {
            match tokio::time::timeout_at(deadline, rx.recv()).await {
                Ok(Some((r, at))) if r == round => lat.push(at.saturating_duration_since(t0)),
                Ok(Some(_)) => {}
                Ok(None) | Err(_) => break,
            }
        }
        lat.sort();
        let p99 = pct(&lat, 99.0);
        worst_round = worst_round.max(p99);
        println!(
            "round {round}: delivered {}/{}  p50 {:.1} ms  p99 {:.1} ms  max {:.1} ms",
            lat.len(),
            args.subscribers,
            pct(&lat, 50.0).as_secs_f64() * 1e3,
            p99.as_secs_f64() * 1e3,
            lat.last().copied().unwrap_or_default().as_secs_f64() * 1e3
        );
        if lat.len() < args.subscribers {
            eprintln!(
                "round {round}: {} subscribers missed the event",
                args.subscribers - lat.len()
            );
            std::process::exit(1);
        }
        all.extend(lat);
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    all.sort();
    println!(
        "subscribers: {}  (all connected in {:.2} s)",
        args.subscribers,
        connect_time.as_secs_f64()
    );
    println!(
        "all rounds: p50 {:.1} ms  p90 {:.1} ms  p99 {:.1} ms  max {:.1} ms  (worst round p99 {:.1} ms)",
        pct(&all, 50.0).as_secs_f64() * 1e3,
        pct(&all, 90.0).as_secs_f64() * 1e3,
        pct(&all, 99.0).as_secs_f64() * 1e3,
        all.last().copied().unwrap_or_default().as_secs_f64() * 1e3,
        worst_round.as_secs_f64() * 1e3
    );
    if let (Some(b), Some(a)) = (rss_before, rss_after) {
        println!(
            "server RSS: {:.1} MiB before, {:.1} MiB with {} streams open: {:.1} KiB per subscriber",
            b as f64 / 1024.0,
            a as f64 / 1024.0,
            args.subscribers,
            (a.saturating_sub(b)) as f64 / args.subscribers as f64
        );
    }
    for h in handles {
        h.abort();
    }
}
