//! `cluster-bench`: livebrief instances sharing one PostgreSQL database, measured from outside (issue 12,
//! `bench/cluster.sh`). Every subcommand makes a briefing of its own, prints its numbers, and exits non-zero
//! when a target is missed or a check fails.
//!
//! - `cross`: an entry published on the first instance, timed to a reader on each other instance.
//! - `failover`: readers on every instance, publishers on all but the last, the last instance SIGKILLed; its
//!   readers reconnect to the others with `Last-Event-ID` after the server's `retry:` (as `EventSource`
//!   does); every reader must end with each event id 1..=last exactly once.
//! - `takeover`: a farm of slow feeds polled by every instance; the last instance is SIGKILLed while it
//!   polls, and each source it held is timed until another instance polls it (the lease).
//! - `fanout`: N subscribers spread over the instances; single publishes, then publishing at rising rates;
//!   delivery latency, memory per subscriber per instance, PostgreSQL CPU.
//!
//! Common options: `--addrs A,B,C` (instances, in order), `--token T` (an editor's API token).

use std::collections::{BTreeMap, HashMap};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use livebrief_loadgen::http::{Reply, request};
use livebrief_loadgen::procfs;
use livebrief_loadgen::sse::{self, Kind};
use livebrief_outlets::{Behaviour, FarmRequest, FarmSpec, FeedFarm};

type Res<T> = Result<T, String>;

const API_TIMEOUT: Duration = Duration::from_secs(30);

/// Options as `--key value` pairs.
struct Opts(BTreeMap<String, String>);

impl Opts {
    fn parse(args: impl Iterator<Item = String>) -> Res<Opts> {
        let mut m = BTreeMap::new();
        let mut it = args;
        while let Some(k) = it.next() {
            let key = k.strip_prefix("--").ok_or(format!("expected --option, got {k}"))?;
            let v = it.next().ok_or(format!("{k} needs a value"))?;
            m.insert(key.to_string(), v);
        }
        Ok(Opts(m))
    }
    fn str(&self, k: &str) -> Res<String> {
        self.0.get(k).cloned().ok_or(format!("--{k} is required"))
    }
    fn num<T: std::str::FromStr>(&self, k: &str, default: T) -> Res<T>
    where
        T::Err: std::fmt::Display,
    {
        match self.0.get(k) {
            None => Ok(default),
            Some(v) => v.parse().map_err(|e| format!("--{k} {v}: {e}")),
        }
    }
    fn list<T: std::str::FromStr>(&self, k: &str) -> Res<Vec<T>>
    where
        T::Err: std::fmt::Display,
    {
        self.str(k)?
            .split(',')
            .map(|v| v.trim().parse().map_err(|e| format!("--{k} {v}: {e}")))
            .collect()
    }
}

/// What every subcommand needs: the instances and an editor's token.
struct Cluster {
    addrs: Vec<SocketAddr>,
    auth: String,
}

impl Cluster {
    fn of(o: &Opts) -> Res<Cluster> {
        let addrs: Vec<SocketAddr> = o.list("addrs")?;
        if addrs.is_empty() {
            return Err("--addrs needs at least one instance".into());
        }
        Ok(Cluster {
            addrs,
            auth: format!("Bearer {}", o.str("token")?),
        })
    }

    async fn api(&self, at: usize, method: &str, path: &str, body: Option<&str>) -> Res<Reply> {
        request(
            self.addrs[at],
            method,
            path,
            &[("Authorization", &self.auth)],
            body,
            API_TIMEOUT,
        )
        .await
    }

    /// A new briefing named after the scenario and this process.
    async fn briefing(&self, what: &str) -> Res<String> {
        let slug = format!("{what}-{}", std::process::id());
        let r = self
            .api(
                0,
                "POST",
                "/api/v1/briefings",
                Some(&format!(
                    r#"{{"slug": "{slug}", "title": "Cluster benchmark: {what}"}}"#
                )),
            )
            .await?;
        if r.status != 201 {
            return Err(format!("creating briefing {slug}: {} {}", r.status, r.body));
        }
        Ok(slug)
    }

    /// The newest event id of a briefing, as instance `at` reads it from the store.
    async fn last_event_id(&self, at: usize, slug: &str) -> Res<i64> {
        let r = self
            .api(at, "GET", &format!("/api/v1/briefings/{slug}/events?after=0"), None)
            .await?;
        r.json_int("last_event_id")
            .ok_or(format!("no last_event_id in {} {}", r.status, r.body))
    }
}

/// Publishes one entry on instance `addr`; the reply (201 with the entry's id on success).
async fn publish(addr: SocketAddr, auth: &str, slug: &str, headline: &str) -> Res<Reply> {
    let body = format!(r#"{{"headline": "{headline}", "body": "Measuring delivery across instances."}}"#);
    request(
        addr,
        "POST",
        &format!("/api/v1/briefings/{slug}/entries"),
        &[("Authorization", auth)],
        Some(&body),
        API_TIMEOUT,
    )
    .await
}

fn kill(pid: u32) -> Res<()> {
    let ok = std::process::Command::new("kill")
        .args(["-KILL", &pid.to_string()])
        .status()
        .map_err(|e| format!("kill: {e}"))?
        .success();
    if ok {
        Ok(())
    } else {
        Err(format!("kill -KILL {pid} failed"))
    }
}

fn pct(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((p / 100.0) * (sorted.len() as f64 - 1.0)).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// A line of the summary table `bench/cluster.sh` prints: `= what | value | target`.
fn result(what: &str, value: impl std::fmt::Display, target: &str) {
    println!("= {what} | {value} | {target}");
}

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let cmd = args.next().unwrap_or_default();
    let run = async {
        let o = Opts::parse(args)?;
        match cmd.as_str() {
            "cross" => cross(&o).await,
            "failover" => failover(&o).await,
            "takeover" => takeover(&o).await,
            "fanout" => fanout(&o).await,
            _ => Err("usage: cluster-bench cross|failover|takeover|fanout --addrs A,B,C --token T [options]".into()),
        }
    };
    if let Err(e) = run.await {
        eprintln!("cluster-bench {cmd}: {e}");
        std::process::exit(1);
    }
}

// ---------------------------------------------------------------------------------------------------------
// cross: publish on the first instance, read on the others.

/// Readers on every instance but the first; `--rounds` publishes on the first, each timed from sending the
/// request to its arrival on each reader. Target: under 1 s.
async fn cross(o: &Opts) -> Res<()> {
    let c = Cluster::of(o)?;
    if c.addrs.len() < 2 {
        return Err("cross needs two instances or more".into());
    }
    let rounds: usize = o.num("rounds", 20)?;
    let slug = c.briefing("cross").await?;
    let path = format!("/b/{slug}/events");
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<(usize, i64, Instant)>();
    let mut readers = Vec::new();
    for (k, addr) in c.addrs.iter().enumerate().skip(1) {
        let mut r = sse::Reader::open(*addr, &path, None, None).await?;
        let tx = tx.clone();
        readers.push(tokio::spawn(async move {
            let mut evs = Vec::new();
            while let Ok(true) = r.read(&mut evs).await {
                let now = Instant::now();
                for e in evs.drain(..) {
                    if let (Kind::Published, Some(id)) = (e.kind, e.entry_id) {
                        let _ = tx.send((k, id, now));
                    }
                }
            }
        }));
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let mut lat: BTreeMap<usize, Vec<Duration>> = BTreeMap::new();
    for round in 0..rounds {
        let t0 = Instant::now();
        let r = publish(c.addrs[0], &c.auth, &slug, &format!("Cross-instance round {round}")).await?;
        let id = r
            .json_int("id")
            .filter(|_| r.status == 201)
            .ok_or(format!("publish: {} {}", r.status, r.body))?;
        let mut waiting = c.addrs.len() - 1;
        let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
        while waiting > 0 {
            match tokio::time::timeout_at(deadline, rx.recv()).await {
                Ok(Some((k, got, at))) if got == id => {
                    lat.entry(k).or_default().push(at - t0);
                    waiting -= 1;
                }
                Ok(Some(_)) => {}
                _ => {
                    return Err(format!(
                        "round {round}: entry {id} did not reach every instance within 5 s"
                    ));
                }
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    for r in readers {
        r.abort();
    }
    let mut worst = Duration::ZERO;
    for (k, mut l) in lat {
        l.sort();
        worst = worst.max(*l.last().unwrap_or(&Duration::ZERO));
        result(
            &format!("published on 1, read on {}: p50 / max", k + 1),
            format!(
                "{:.1} / {:.1} ms",
                ms(pct(&l, 50.0)),
                ms(*l.last().unwrap_or(&Duration::ZERO))
            ),
            "< 1 s",
        );
        println!(
            "cross: published on instance 1, read on instance {}: {} rounds, p50 {:.1} ms, max {:.1} ms (from sending the publish)",
            k + 1,
            l.len(),
            ms(pct(&l, 50.0)),
            ms(*l.last().unwrap_or(&Duration::ZERO))
        );
    }
    if worst >= Duration::from_secs(1) {
        return Err(format!(
            "slowest cross-instance delivery {:.0} ms: target < 1 s",
            ms(worst)
        ));
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------------------
// failover: SIGKILL the last instance under load.

/// What one reader received, in order, and how its connections went.
#[derive(Default)]
struct ReaderLog {
    ids: Vec<(i64, Instant)>,
    resets: usize,
    reconnects: usize,
    /// When its stream on another instance opened after the kill (readers of the killed instance).
    moved_at: Option<Instant>,
    errors: Vec<String>,
}

/// One reader in the way of `EventSource`: open, read, and when the stream ends wait the server's `retry:`
/// and open again with `Last-Event-ID` (the newest id it received), on `addrs[next]` after its first
/// instance is gone.
async fn resilient_reader(
    home: SocketAddr,
    fallback: SocketAddr,
    path: String,
    home_dead: Arc<AtomicBool>,
    stop: Arc<AtomicBool>,
    log: Arc<Mutex<ReaderLog>>,
    opened: Arc<AtomicUsize>,
) {
    let mut last: Option<i64> = None;
    let mut retry = Duration::from_millis(3000);
    let mut first = true;
    let mut evs = Vec::new();
    while !stop.load(Ordering::Relaxed) {
        let moved = home_dead.load(Ordering::Relaxed);
        let addr = if moved { fallback } else { home };
        match sse::Reader::open(addr, &path, last, None).await {
            Ok(mut r) => {
                if first {
                    opened.fetch_add(1, Ordering::SeqCst);
                    first = false;
                } else {
                    let mut l = log.lock().unwrap_or_else(|e| e.into_inner());
                    l.reconnects += 1;
                    if moved && l.moved_at.is_none() {
                        l.moved_at = Some(Instant::now());
                    }
                }
                // Until the stream ends or breaks (the instance died).
                while let Ok(open) = r.read(&mut evs).await {
                    let now = Instant::now();
                    let mut l = log.lock().unwrap_or_else(|e| e.into_inner());
                    for e in evs.drain(..) {
                        if e.kind == Kind::Reset {
                            l.resets += 1;
                        }
                        if let Some(id) = e.id {
                            l.ids.push((id, now));
                            last = Some(id);
                        }
                    }
                    drop(l);
                    if let Some(ms) = r.retry_ms() {
                        retry = Duration::from_millis(ms);
                    }
                    if !open {
                        break;
                    }
                }
            }
            Err(e) => log.lock().unwrap_or_else(|e| e.into_inner()).errors.push(e),
        }
        if stop.load(Ordering::Relaxed) {
            break;
        }
        // The stream ended (the instance died) or could not open: as EventSource, wait and reconnect.
        tokio::time::sleep(retry).await;
    }
}

async fn failover(o: &Opts) -> Res<()> {
    let c = Cluster::of(o)?;
    if c.addrs.len() < 3 {
        return Err("failover needs three instances".into());
    }
    let victim_pid: u32 = o.num("kill-pid", 0)?;
    if victim_pid == 0 {
        return Err("--kill-pid (the last instance's pid) is required".into());
    }
    let per_instance: usize = o.num("readers", 100)?;
    let rate: f64 = o.num("rate", 10.0)?;
    let before = Duration::from_secs_f64(o.num("before", 3.0)?);
    let after = Duration::from_secs_f64(o.num("after", 2.0)?);
    let target = Duration::from_secs_f64(o.num("target", 15.0)?);
    let n = c.addrs.len();
    let victim = n - 1;
    let slug = c.briefing("failover").await?;
    // From the start: every reader must end with 1..=last.
    let path = format!("/b/{slug}/events?last_event_id=0");
    let home_dead = Arc::new(AtomicBool::new(false));
    let stop = Arc::new(AtomicBool::new(false));
    let opened = Arc::new(AtomicUsize::new(0));
    let mut logs = Vec::new();
    let mut tasks = Vec::new();
    for i in 0..per_instance * n {
        let home = i % n;
        let survivors: Vec<usize> = (0..n).filter(|k| *k != victim).collect();
        let fallback = if home == victim {
            survivors[(i / n) % survivors.len()]
        } else {
            home
        };
        let log = Arc::new(Mutex::new(ReaderLog::default()));
        logs.push((home, log.clone()));
        tasks.push(tokio::spawn(resilient_reader(
            c.addrs[home],
            c.addrs[fallback],
            path.clone(),
            if home == victim {
                home_dead.clone()
            } else {
                Arc::new(AtomicBool::new(false))
            },
            stop.clone(),
            log,
            opened.clone(),
        )));
    }
    let t = Instant::now();
    while opened.load(Ordering::SeqCst) < per_instance * n {
        if t.elapsed() > Duration::from_secs(30) {
            return Err(format!(
                "only {} of {} readers opened their stream",
                opened.load(Ordering::SeqCst),
                per_instance * n
            ));
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    // Publishers on every instance but the victim, `rate` a second each, until `publishing` ends.
    let publishing = Arc::new(AtomicBool::new(true));
    let acked = Arc::new(AtomicUsize::new(0));
    let failed = Arc::new(Mutex::new(Vec::<String>::new()));
    let mut pubs = Vec::new();
    for k in (0..n).filter(|k| *k != victim) {
        let (addr, auth, slug) = (c.addrs[k], c.auth.clone(), slug.clone());
        let (publishing, acked, failed) = (publishing.clone(), acked.clone(), failed.clone());
        pubs.push(tokio::spawn(async move {
            let mut every = tokio::time::interval(Duration::from_secs_f64(1.0 / rate));
            let mut i = 0;
            while publishing.load(Ordering::Relaxed) {
                every.tick().await;
                match publish(addr, &auth, &slug, &format!("instance {} entry {i}", k + 1)).await {
                    Ok(r) if r.status == 201 => {
                        acked.fetch_add(1, Ordering::SeqCst);
                    }
                    Ok(r) => failed
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .push(format!("{} {}", r.status, r.body)),
                    Err(e) => failed.lock().unwrap_or_else(|e| e.into_inner()).push(e),
                }
                i += 1;
            }
        }));
    }
    tokio::time::sleep(before).await;
    let acked_at_kill = acked.load(Ordering::SeqCst);
    kill(victim_pid)?;
    let t_kill = Instant::now();
    home_dead.store(true, Ordering::SeqCst);
    tokio::time::sleep(after).await;
    publishing.store(false, Ordering::SeqCst);
    for p in pubs {
        let _ = p.await;
    }
    let t_stop = Instant::now();
    let last = c.last_event_id(0, &slug).await?;
    let acked = acked.load(Ordering::SeqCst);

    // Wait until every reader holds every id up to `last`, or well past the target.
    let deadline = t_kill + target + Duration::from_secs(15);
    let done = |logs: &[(usize, Arc<Mutex<ReaderLog>>)]| {
        logs.iter().all(|(_, l)| {
            let l = l.lock().unwrap_or_else(|e| e.into_inner());
            l.ids.last().is_some_and(|(id, _)| *id >= last)
        })
    };
    while !done(&logs) && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // A little longer, so a duplicate after the last id would be seen too.
    tokio::time::sleep(Duration::from_millis(500)).await;
    stop.store(true, Ordering::SeqCst);
    for t in &tasks {
        t.abort();
    }

    // Per reader: exactly 1..=last, each once, and when that became true.
    let mut bad = Vec::new();
    let mut converged = Duration::ZERO;
    let mut moved = Vec::new();
    let (mut resets, mut reconnects, mut dups, mut missing) = (0, 0, 0, 0);
    for (i, (home, l)) in logs.iter().enumerate() {
        let l = l.lock().unwrap_or_else(|e| e.into_inner());
        resets += l.resets;
        reconnects += l.reconnects;
        let mut first_seen: HashMap<i64, Instant> = HashMap::new();
        let mut dup = 0;
        for (id, at) in &l.ids {
            if first_seen.insert(*id, *at).is_some() {
                dup += 1;
            }
        }
        let miss = (1..=last).filter(|id| !first_seen.contains_key(id)).count();
        let extra = first_seen.keys().filter(|id| !(1..=last).contains(*id)).count();
        dups += dup;
        missing += miss;
        if dup > 0 || miss > 0 || extra > 0 || l.resets > 0 {
            bad.push(format!(
                "reader {i} (instance {}): {dup} duplicates, {miss} missing, {extra} unknown ids, {} resets, errors {:?}",
                home + 1,
                l.resets,
                l.errors.iter().take(2).collect::<Vec<_>>()
            ));
        }
        let complete = (1..=last)
            .filter_map(|id| first_seen.get(&id))
            .max()
            .copied()
            .unwrap_or(t_kill);
        converged = converged.max(complete.saturating_duration_since(t_kill));
        if *home == victim {
            match l.moved_at {
                Some(at) => moved.push(at.saturating_duration_since(t_kill)),
                None => bad.push(format!(
                    "reader {i} of the killed instance never reopened its stream elsewhere"
                )),
            }
        }
    }
    moved.sort();
    let failed = failed.lock().unwrap_or_else(|e| e.into_inner()).clone();
    println!(
        "failover: {} readers ({per_instance} per instance), publishing {rate}/s on each of {} instances; instance {} SIGKILLed after {:.1} s ({acked_at_kill} entries acknowledged), publishing went on {:.1} s more",
        logs.len(),
        n - 1,
        victim + 1,
        before.as_secs_f64(),
        (t_stop - t_kill).as_secs_f64()
    );
    println!(
        "failover: {acked} publishes acknowledged, {} failed; newest event id {last}",
        failed.len()
    );
    println!(
        "failover: readers of the killed instance reopened elsewhere after p50 {:.2} s, max {:.2} s (the stream's retry: 3 s, as EventSource waits); {reconnects} reconnects in all",
        pct(&moved, 50.0).as_secs_f64(),
        moved.last().copied().unwrap_or_default().as_secs_f64()
    );
    println!(
        "failover: every reader held ids 1..={last} {:.2} s after the kill; {dups} duplicates, {missing} missing, {resets} resets over all readers",
        converged.as_secs_f64()
    );
    result(
        "SIGKILL of one instance: every reader gap-free, duplicate-free after",
        format!("{:.2} s", converged.as_secs_f64()),
        "≤ 15 s",
    );
    result(
        "  (readers, duplicates, missing, resets)",
        format!("{}, {dups}, {missing}, {resets}", logs.len()),
        "0 duplicates, 0 missing",
    );
    result(
        "  killed instance's readers reopened elsewhere: p50 / max",
        format!(
            "{:.2} / {:.2} s",
            pct(&moved, 50.0).as_secs_f64(),
            moved.last().copied().unwrap_or_default().as_secs_f64()
        ),
        "retry: 3 s",
    );
    if !failed.is_empty() {
        bad.push(format!(
            "publishes to live instances failed: {:?}",
            &failed[..failed.len().min(3)]
        ));
    }
    if last != acked as i64 {
        bad.push(format!(
            "{acked} publishes acknowledged but the newest event id is {last} (each publish is one event)"
        ));
    }
    if converged > target {
        bad.push(format!(
            "converged {:.2} s after the kill: target {:.0} s",
            converged.as_secs_f64(),
            target.as_secs_f64()
        ));
    }
    if bad.is_empty() {
        println!("failover: every reader has a gap-free, duplicate-free sequence");
        Ok(())
    } else {
        Err(bad[..bad.len().min(10)].join("\n"))
    }
}

// ---------------------------------------------------------------------------------------------------------
// takeover: a killed instance's sources come back within the lease.

async fn takeover(o: &Opts) -> Res<()> {
    let c = Cluster::of(o)?;
    if c.addrs.len() < 2 {
        return Err("takeover needs two instances or more".into());
    }
    let victim_pid: u32 = o.num("kill-pid", 0)?;
    let victim_agent = o.str("killed-agent")?;
    let feeds: usize = o.num("feeds", 30)?;
    let slow = Duration::from_millis(o.num("slow-ms", 4000)?);
    let interval: u32 = o.num("interval", 5)?;
    let lease = Duration::from_secs(o.num("lease", 20)?);
    let warmup = Duration::from_secs(o.num("warmup", 15)?);
    let host: Ipv4Addr = o.num("farm-host", Ipv4Addr::new(127, 0, 0, 2))?;
    if victim_pid == 0 {
        return Err("--kill-pid is required".into());
    }
    let (log_tx, mut log_rx) = tokio::sync::mpsc::unbounded_channel::<FarmRequest>();
    let farm = FeedFarm::start(FarmSpec {
        feeds,
        listeners: feeds,
        mix: vec![(Behaviour::Slow, 1)],
        slow_delay: slow,
        host,
        log: Some(log_tx),
        ..FarmSpec::default()
    })
    .await
    .map_err(|e| format!("starting the feed farm on {host}: {e}"))?;
    let slug = c.briefing("takeover").await?;
    let mut source_ids = Vec::new();
    for f in farm.feeds() {
        let r = c
            .api(
                0,
                "POST",
                &format!("/api/v1/briefings/{slug}/sources"),
                Some(&format!(
                    r#"{{"url": "{}", "kind": "feed", "title": "Farm feed {}", "poll_interval_secs": {interval}}}"#,
                    f.url, f.index
                )),
            )
            .await?;
        if r.status != 201 {
            return Err(format!("adding source {}: {} {}", f.url, r.status, r.body));
        }
        source_ids.push(r.json_int("id").ok_or("source without id")?);
    }
    let mut seen: Vec<FarmRequest> = Vec::new();
    let drain = |rx: &mut tokio::sync::mpsc::UnboundedReceiver<FarmRequest>, seen: &mut Vec<FarmRequest>| {
        while let Ok(r) = rx.try_recv() {
            seen.push(r);
        }
    };
    tokio::time::sleep(warmup).await;
    // Kill while the victim holds polls: requests of its agent younger than the slow answer are in flight.
    let give_up = Instant::now() + Duration::from_secs(30);
    let (t_kill, held) = loop {
        drain(&mut log_rx, &mut seen);
        let now = Instant::now();
        let held: Vec<(usize, Instant)> = seen
            .iter()
            .filter(|r| {
                r.user_agent.contains(&victim_agent) && now.duration_since(r.at) + Duration::from_millis(300) < slow
            })
            .map(|r| (r.index, r.at))
            .collect();
        if held.len() >= 2 || (now > give_up && !held.is_empty()) {
            kill(victim_pid)?;
            break (Instant::now(), held);
        }
        if now > give_up + Duration::from_secs(30) {
            return Err(format!(
                "no poll by an agent with {victim_agent:?} in flight (agents seen: {:?})",
                seen.iter()
                    .map(|r| r.user_agent.clone())
                    .collect::<std::collections::BTreeSet<_>>()
            ));
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    // Each held source, until someone else polls it (or well past the lease).
    let deadline = t_kill + lease + Duration::from_secs(20);
    let mut repolled: BTreeMap<usize, (Instant, String)> = BTreeMap::new();
    while repolled.len() < held.len() && Instant::now() < deadline {
        drain(&mut log_rx, &mut seen);
        for r in seen.iter().filter(|r| r.at > t_kill) {
            if held.iter().any(|(i, _)| *i == r.index) {
                repolled.entry(r.index).or_insert((r.at, r.user_agent.clone()));
            }
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    drain(&mut log_rx, &mut seen);
    for id in &source_ids {
        let _ = c.api(0, "DELETE", &format!("/api/v1/sources/{id}"), None).await;
    }
    drop(farm);

    // Who polled, and never two polls of one source at once (a slow answer takes `slow`; the victim's last
    // polls were cut by the kill).
    let mut by_agent: BTreeMap<String, usize> = BTreeMap::new();
    let mut per_feed: BTreeMap<usize, Vec<&FarmRequest>> = BTreeMap::new();
    for r in &seen {
        *by_agent.entry(r.user_agent.clone()).or_default() += 1;
        per_feed.entry(r.index).or_default().push(r);
    }
    let mut overlaps = 0;
    for reqs in per_feed.values_mut() {
        reqs.sort_by_key(|r| r.at);
        for w in reqs.windows(2) {
            let cut_by_kill = w[0].user_agent.contains(&victim_agent) && w[0].at + slow > t_kill;
            if w[1].at < w[0].at + slow && !cut_by_kill {
                overlaps += 1;
            }
        }
    }
    println!(
        "takeover: {} slow feeds ({} ms each) polled every {interval} s by {} instances, lease {} s; polls per instance: {}",
        feeds,
        slow.as_millis(),
        by_agent.len(),
        lease.as_secs(),
        by_agent
            .iter()
            .map(|(a, n)| format!("{a:?} {n}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let mut since_kill = Vec::new();
    let mut since_claim = Vec::new();
    let mut bad = Vec::new();
    for (i, claimed) in &held {
        match repolled.get(i) {
            Some((at, agent)) => {
                since_kill.push(at.saturating_duration_since(t_kill));
                since_claim.push(at.saturating_duration_since(*claimed));
                if agent.contains(&victim_agent) {
                    bad.push(format!("feed {i} polled again by the killed instance's agent?"));
                }
            }
            None => bad.push(format!(
                "feed {i}, held by the killed instance, not polled again within the lease + 20 s"
            )),
        }
    }
    since_kill.sort();
    since_claim.sort();
    println!(
        "takeover: {} sources were being polled by the killed instance; polled again by another after {} s from the kill (max {:.1} s), {} s from the killed claim (lease {} s)",
        held.len(),
        since_kill
            .iter()
            .map(|d| format!("{:.1}", d.as_secs_f64()))
            .collect::<Vec<_>>()
            .join(", "),
        since_kill.last().copied().unwrap_or_default().as_secs_f64(),
        since_claim
            .iter()
            .map(|d| format!("{:.1}", d.as_secs_f64()))
            .collect::<Vec<_>>()
            .join(", "),
        lease.as_secs()
    );
    println!("takeover: overlapping polls of one source: {overlaps}");
    result(
        "killed instance's sources polled again by another: max after the kill",
        format!(
            "{:.1} s ({} sources)",
            since_kill.last().copied().unwrap_or_default().as_secs_f64(),
            held.len()
        ),
        &format!("≤ lease ({} s)", lease.as_secs()),
    );
    result("  polls of one source at once", overlaps, "0");
    // Due again when the lease lapses; the scheduler looks at least once a second.
    if since_kill.last().is_some_and(|d| *d > lease + Duration::from_secs(2)) {
        bad.push(format!(
            "slowest takeover {:.1} s after the kill: beyond the lease of {} s",
            since_kill.last().copied().unwrap_or_default().as_secs_f64(),
            lease.as_secs()
        ));
    }
    if overlaps > 0 {
        bad.push(format!(
            "{overlaps} polls of a source while another poll of it was in flight"
        ));
    }
    if bad.is_empty() { Ok(()) } else { Err(bad.join("\n")) }
}

// ---------------------------------------------------------------------------------------------------------
// fanout: many subscribers over the instances.

/// Arrivals of `published` events at one subscriber: (entry id, when).
type Arrivals = Arc<Mutex<Vec<(i64, Instant)>>>;

async fn subscriber(
    addr: SocketAddr,
    path: String,
    source: Option<IpAddr>,
    ready: Arc<AtomicUsize>,
    ended: Arc<AtomicUsize>,
    arrivals: Arrivals,
) {
    let mut r = match sse::Reader::open(addr, &path, None, source).await {
        Ok(r) => r,
        Err(e) => {
            eprintln!("subscriber to {addr}: {e}");
            ended.fetch_add(1, Ordering::SeqCst);
            return;
        }
    };
    ready.fetch_add(1, Ordering::SeqCst);
    let mut evs = Vec::new();
    while let Ok(true) = r.read(&mut evs).await {
        let now = Instant::now();
        if evs.is_empty() {
            continue;
        }
        let mut a = arrivals.lock().unwrap_or_else(|e| e.into_inner());
        for e in evs.drain(..) {
            if let (Kind::Published, Some(id)) = (e.kind, e.entry_id) {
                a.push((id, now));
            }
        }
    }
    ended.fetch_add(1, Ordering::SeqCst);
}

/// CPU seconds per second spent by the backends of `db` over `secs`.
async fn pg_rate(db: &str, over: Duration) -> f64 {
    let before = procfs::pg_ticks(db);
    tokio::time::sleep(over).await;
    procfs::pg_cpu_secs(&before, &procfs::pg_ticks(db)) / over.as_secs_f64()
}

/// Latencies of the publishes in `sent` over every subscriber, and how many (publish, subscriber) pairs
/// never arrived.
fn collect(all: &[Arrivals], sent: &HashMap<i64, Instant>) -> (Vec<Duration>, usize) {
    let mut lat = Vec::with_capacity(all.len() * sent.len());
    let mut missing = 0;
    for a in all {
        let got: Vec<(i64, Instant)> = std::mem::take(&mut *a.lock().unwrap_or_else(|e| e.into_inner()));
        let mut seen = 0;
        for (id, at) in got {
            if let Some(t0) = sent.get(&id) {
                lat.push(at.saturating_duration_since(*t0));
                seen += 1;
            }
        }
        missing += sent.len().saturating_sub(seen);
    }
    lat.sort();
    (lat, missing)
}

async fn fanout(o: &Opts) -> Res<()> {
    let c = Cluster::of(o)?;
    let pids: Vec<u32> = o.list("pids")?;
    if pids.len() != c.addrs.len() {
        return Err("--pids needs one pid per instance, in the order of --addrs".into());
    }
    let subscribers: usize = o.num("subscribers", 15_000)?;
    let rounds: usize = o.num("rounds", 5)?;
    let rates: Vec<f64> = o
        .list("rates")
        .unwrap_or_else(|_| vec![1.0, 2.0, 5.0, 10.0, 20.0, 50.0]);
    let step = Duration::from_secs_f64(o.num("step-secs", 10.0)?);
    let source_ips: u8 = o.num("source-ips", 1)?;
    let pg_db = o.str("pg-db").ok();
    let target = Duration::from_millis(o.num("target-ms", 500)?);
    let n = c.addrs.len();
    let slug = c.briefing("fanout").await?;
    let path = format!("/b/{slug}/events");
    // Every instance knows the briefing before its memory is read.
    for k in 0..n {
        let _ = request(c.addrs[k], "GET", &format!("/b/{slug}"), &[], None, API_TIMEOUT).await?;
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    let rss_idle: Vec<Option<u64>> = pids.iter().map(|p| procfs::rss_kib(*p)).collect();
    // The database's own background with no reader: the instances' schedulers, the LISTEN keep-alive.
    let idle = Duration::from_secs(5);
    let pg_baseline = match &pg_db {
        Some(db) => Some(pg_rate(db, idle).await),
        None => None,
    };

    let ready = Arc::new(AtomicUsize::new(0));
    let ended = Arc::new(AtomicUsize::new(0));
    let mut arrivals: Vec<Arrivals> = Vec::with_capacity(subscribers);
    let mut tasks = Vec::with_capacity(subscribers);
    let t_connect = Instant::now();
    let pg_connect = pg_db.as_deref().map(procfs::pg_ticks);
    for i in 0..subscribers {
        let a: Arrivals = Arc::default();
        arrivals.push(a.clone());
        let source =
            (source_ips > 1).then(|| IpAddr::V4(Ipv4Addr::new(127, 0, 0, 1 + (i % source_ips as usize) as u8)));
        tasks.push(tokio::spawn(subscriber(
            c.addrs[i % n],
            path.clone(),
            source,
            ready.clone(),
            ended.clone(),
            a,
        )));
        // Paced, so no listen backlog overflows.
        if tasks.len() % 200 == 0 {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
    while ready.load(Ordering::SeqCst) < subscribers {
        if ended.load(Ordering::SeqCst) > 0 {
            return Err(format!(
                "{} subscribers failed to open (of {subscribers}; {} open)",
                ended.load(Ordering::SeqCst),
                ready.load(Ordering::SeqCst)
            ));
        }
        if t_connect.elapsed() > Duration::from_secs(180) {
            return Err(format!(
                "only {} of {subscribers} subscribers open after 180 s",
                ready.load(Ordering::SeqCst)
            ));
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let connect_time = t_connect.elapsed();
    tokio::time::sleep(Duration::from_secs(2)).await;
    // A stream that opens reads the store once (what it missed since the page): wait until the database is
    // back to its background, and count what the openings cost it.
    if let (Some(db), Some(base), Some(before)) = (&pg_db, pg_baseline, &pg_connect) {
        let quiet_by = Instant::now() + Duration::from_secs(60);
        while pg_rate(db, Duration::from_secs(1)).await > base * 2.0 + 0.005 && Instant::now() < quiet_by {}
        let cpu = procfs::pg_cpu_secs(before, &procfs::pg_ticks(db)) - base * t_connect.elapsed().as_secs_f64();
        println!(
            "fanout: PostgreSQL CPU for {subscribers} streams opening: {:.0} ms above its background ({:.1} s until quiet)",
            cpu * 1e3,
            t_connect.elapsed().as_secs_f64()
        );
        result(
            "PostgreSQL CPU per 1,000 readers opening a stream",
            format!("{:.0} ms", cpu.max(0.0) * 1e3 / (subscribers as f64 / 1000.0)),
            "",
        );
    }
    let rss_open: Vec<Option<u64>> = pids.iter().map(|p| procfs::rss_kib(*p)).collect();
    println!(
        "fanout: {subscribers} subscribers over {n} instances ({} each), all open in {:.1} s",
        subscribers / n,
        connect_time.as_secs_f64()
    );
    let mut worst_kib = 0.0f64;
    for k in 0..n {
        let streams = (0..subscribers).filter(|i| i % n == k).count();
        if let (Some(a), Some(b)) = (rss_idle[k], rss_open[k]) {
            let per = b.saturating_sub(a) as f64 / streams as f64;
            worst_kib = worst_kib.max(per);
            println!(
                "fanout: instance {} RSS {:.1} MiB idle, {:.1} MiB with {streams} streams: {per:.1} KiB per subscriber",
                k + 1,
                a as f64 / 1024.0,
                b as f64 / 1024.0
            );
        }
    }

    result(
        &format!(
            "memory per subscriber ({} per instance), worst instance",
            subscribers / n
        ),
        format!("{worst_kib:.1} KiB"),
        "≤ 20 KiB",
    );
    // PostgreSQL with every stream open and nothing published, against the same before any stream opened:
    // readers are served from the instances' memory, so the difference is what readers cost the database.
    let servers_ticks = || pids.iter().filter_map(|p| procfs::cpu_ticks(*p)).sum::<u64>();
    let my_ticks = || procfs::cpu_ticks(std::process::id()).unwrap_or(0);
    let (s0, m0, t_idle) = (servers_ticks(), my_ticks(), Instant::now());
    let readers_pg = match (&pg_db, pg_baseline) {
        (Some(db), Some(base)) => {
            let with = pg_rate(db, idle).await;
            println!(
                "fanout: PostgreSQL backends of {db}, nothing published: {:.2} ms CPU/s without readers, {:.2} ms/s with {subscribers}",
                base * 1e3,
                with * 1e3
            );
            result(
                "PostgreSQL CPU per 1,000 idle readers (with minus without)",
                format!(
                    "{:.3} ms/s ({:.2} vs {:.2} ms/s)",
                    (with - base) * 1e3 / (subscribers as f64 / 1000.0),
                    with * 1e3,
                    base * 1e3
                ),
                "",
            );
            Some(base)
        }
        _ => {
            tokio::time::sleep(idle).await;
            None
        }
    };
    let idle_wall = t_idle.elapsed().as_secs_f64();
    let servers_idle = servers_ticks().saturating_sub(s0) as f64 / procfs::TICKS_PER_SEC / idle_wall;
    let me_idle = my_ticks().saturating_sub(m0) as f64 / procfs::TICKS_PER_SEC / idle_wall;
    println!(
        "fanout: {subscribers} streams open, nothing published: servers {:.0} ms CPU/s in all, load generator {:.0} ms/s",
        servers_idle * 1e3,
        me_idle * 1e3
    );
    result(
        &format!("servers' CPU with {subscribers} idle streams (heartbeats, watchdogs)"),
        format!("{:.0} ms/s", servers_idle * 1e3),
        "",
    );

    // Single publishes, one at a time, each on the next instance.
    let mut all = Vec::new();
    for round in 0..rounds {
        let k = round % n;
        let t0 = Instant::now();
        let r = publish(c.addrs[k], &c.auth, &slug, &format!("Fan-out round {round}")).await?;
        let id = r
            .json_int("id")
            .filter(|_| r.status == 201)
            .ok_or(format!("publish: {} {}", r.status, r.body))?;
        let sent = HashMap::from([(id, t0)]);
        let deadline = Instant::now() + Duration::from_secs(10);
        let arrived = || {
            arrivals
                .iter()
                .filter(|a| {
                    a.lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .iter()
                        .any(|(i, _)| *i == id)
                })
                .count()
        };
        while arrived() < subscribers && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let (lat, missing) = collect(&arrivals, &sent);
        let p99 = pct(&lat, 99.0);
        println!(
            "fanout: round {round} (published on instance {}): delivered {}/{subscribers}, p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
            k + 1,
            lat.len(),
            ms(pct(&lat, 50.0)),
            ms(p99),
            ms(lat.last().copied().unwrap_or_default())
        );
        if missing > 0 {
            return Err(format!("round {round}: {missing} subscribers missed the entry"));
        }
        all.extend(lat);
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    all.sort();
    result(
        &format!("one publish to {subscribers} subscribers: p50 / p99 / max"),
        format!(
            "{:.0} / {:.0} / {:.0} ms",
            ms(pct(&all, 50.0)),
            ms(pct(&all, 99.0)),
            ms(all.last().copied().unwrap_or_default())
        ),
        "p99 < 500 ms",
    );
    println!(
        "fanout: one publish to {subscribers} subscribers, all rounds: p50 {:.1} ms, p90 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        ms(pct(&all, 50.0)),
        ms(pct(&all, 90.0)),
        ms(pct(&all, 99.0)),
        ms(all.last().copied().unwrap_or_default())
    );

    // Publishing at rising rates, round-robin over the instances, while everyone reads.
    let mut sustained = None;
    for &rate in &rates {
        let sent: Arc<Mutex<HashMap<i64, Instant>>> = Arc::default();
        let errors = Arc::new(AtomicUsize::new(0));
        let pg_before = pg_db.as_deref().map(procfs::pg_ticks);
        let cpu_before: Vec<Option<u64>> = pids.iter().map(|p| procfs::cpu_ticks(*p)).collect();
        let me_before = my_ticks();
        let t0 = Instant::now();
        let mut every = tokio::time::interval(Duration::from_secs_f64(1.0 / rate));
        let mut pubs = tokio::task::JoinSet::new();
        let mut i = 0usize;
        while t0.elapsed() < step {
            every.tick().await;
            let (addr, auth, slug) = (c.addrs[i % n], c.auth.clone(), slug.clone());
            let (sent, errors) = (sent.clone(), errors.clone());
            pubs.spawn(async move {
                let t = Instant::now();
                match publish(addr, &auth, &slug, &format!("Rate {rate} entry {i}")).await {
                    Ok(r) if r.status == 201 => match r.json_int("id") {
                        Some(id) => {
                            sent.lock().unwrap_or_else(|e| e.into_inner()).insert(id, t);
                        }
                        None => {
                            errors.fetch_add(1, Ordering::SeqCst);
                        }
                    },
                    _ => {
                        errors.fetch_add(1, Ordering::SeqCst);
                    }
                }
            });
            i += 1;
        }
        while pubs.join_next().await.is_some() {}
        let publish_secs = t0.elapsed().as_secs_f64();
        // Let the last ones arrive.
        let sent = std::mem::take(&mut *sent.lock().unwrap_or_else(|e| e.into_inner()));
        let want = sent.len() * subscribers;
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let have: usize = arrivals
                .iter()
                .map(|a| a.lock().unwrap_or_else(|e| e.into_inner()).len())
                .sum();
            if have >= want || Instant::now() > deadline {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let wall = t0.elapsed().as_secs_f64();
        let (lat, missing) = collect(&arrivals, &sent);
        let pg = match (&pg_db, &pg_before) {
            (Some(db), Some(b)) => Some(procfs::pg_cpu_secs(b, &procfs::pg_ticks(db))),
            _ => None,
        };
        let server_cpu: f64 = pids
            .iter()
            .zip(&cpu_before)
            .filter_map(|(p, b)| Some(procfs::cpu_ticks(*p)?.saturating_sub((*b)?)))
            .sum::<u64>() as f64
            / procfs::TICKS_PER_SEC;
        let me_cpu = my_ticks().saturating_sub(me_before) as f64 / procfs::TICKS_PER_SEC;
        // What one publish cost above the idle streams' own: its delivery to every subscriber.
        let per_publish = |cpu: f64, idle: f64| (cpu - idle * wall).max(0.0) * 1e3 / sent.len().max(1) as f64;
        let p99 = pct(&lat, 99.0);
        let achieved = sent.len() as f64 / publish_secs;
        println!(
            "fanout: rate {rate}/s: {} publishes in {:.1} s ({achieved:.1}/s acknowledged, {} failed), {} deliveries: p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms, {missing} missing; servers {:.0} % CPU{}",
            sent.len(),
            publish_secs,
            errors.load(Ordering::SeqCst),
            lat.len(),
            ms(pct(&lat, 50.0)),
            ms(p99),
            ms(lat.last().copied().unwrap_or_default()),
            server_cpu / wall * 100.0,
            match (pg, readers_pg) {
                (Some(cpu), Some(base)) => format!(
                    "; PostgreSQL {:.1} ms CPU/s = {:.2} ms/s per 1,000 readers, {:.2} ms per publish above its idle {:.1} ms/s",
                    cpu * 1e3 / wall,
                    cpu * 1e3 / wall / (subscribers as f64 / 1000.0),
                    (cpu - base * wall).max(0.0) * 1e3 / sent.len().max(1) as f64,
                    base * 1e3
                ),
                _ => String::new(),
            }
        );
        result(
            &format!("  at {rate} publishes/s: p99 delivery (missing)"),
            format!("{:.0} ms ({missing})", ms(p99)),
            "p99 < 500 ms",
        );
        if let (Some(cpu), Some(base)) = (pg, readers_pg) {
            result(
                &format!("  PostgreSQL CPU at {rate}/s: per 1,000 readers; per publish above idle"),
                format!(
                    "{:.2} ms/s; {:.2} ms",
                    cpu * 1e3 / wall / (subscribers as f64 / 1000.0),
                    (cpu - base * wall).max(0.0) * 1e3 / sent.len().max(1) as f64
                ),
                "",
            );
        }
        result(
            &format!("  CPU per publish at {rate}/s: servers; load generator (per delivery)"),
            format!(
                "{:.0}; {:.0} ms ({:.1}; {:.1} µs)",
                per_publish(server_cpu, servers_idle),
                per_publish(me_cpu, me_idle),
                per_publish(server_cpu, servers_idle) * 1e3 / subscribers as f64,
                per_publish(me_cpu, me_idle) * 1e3 / subscribers as f64
            ),
            "",
        );
        let ok = missing == 0 && errors.load(Ordering::SeqCst) == 0 && p99 < target && achieved >= rate * 0.9;
        if !ok {
            break;
        }
        sustained = Some(rate);
    }
    let ended_early = ended.load(Ordering::SeqCst);
    for t in tasks {
        t.abort();
    }
    result(
        &format!(
            "publishes/s sustained to {subscribers} subscribers with p99 < {} ms",
            target.as_millis()
        ),
        sustained.map_or("none".to_string(), |r| format!("{r}")),
        "",
    );
    match sustained {
        Some(r) => println!(
            "fanout: sustained {r} publishes/s to {subscribers} subscribers with p99 < {} ms",
            target.as_millis()
        ),
        None => println!("fanout: no rate kept p99 under {} ms", target.as_millis()),
    }
    let mut bad = Vec::new();
    if ended_early > 0 {
        bad.push(format!("{ended_early} streams ended during the run"));
    }
    if pct(&all, 99.0) >= target {
        bad.push(format!(
            "single-publish p99 {:.0} ms: target < {} ms",
            ms(pct(&all, 99.0)),
            target.as_millis()
        ));
    }
    if worst_kib > o.num("kib-target", f64::INFINITY)? {
        bad.push(format!("{worst_kib:.1} KiB per subscriber on the worst instance"));
    }
    if bad.is_empty() { Ok(()) } else { Err(bad.join("\n")) }
}
