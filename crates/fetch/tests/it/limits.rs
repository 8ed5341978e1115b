//! Concurrency limits and politeness, observed by the servers: a gated fixture holds each request until the test
//! releases it, so "at most N in flight" is seen directly, not inferred from timing.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use livebrief_fetch::{FetchConfig, FetchError, Fetcher, Validators};
use tokio::sync::{Semaphore, mpsc};

use crate::support::{Reply, Server, cfg, fetcher, hang_server, serve, within};

/// How long a test waits to be sure that something does *not* happen (a request beyond the limit).
const QUIET: Duration = Duration::from_millis(300);

struct Gated {
    server: Server,
    arrivals: mpsc::UnboundedReceiver<String>,
    release: Arc<Semaphore>,
    max_in_flight: Arc<AtomicUsize>,
}

/// Each request reports its arrival, then waits for one permit of `release` before it is answered.
async fn gated() -> Gated {
    let (tx, arrivals) = mpsc::unbounded_channel();
    let release = Arc::new(Semaphore::new(0));
    let in_flight = Arc::new(AtomicUsize::new(0));
    let max_in_flight = Arc::new(AtomicUsize::new(0));
    let (r, i, m) = (release.clone(), in_flight.clone(), max_in_flight.clone());
    let server = serve(move |req| {
        let (tx, r, i, m) = (tx.clone(), r.clone(), i.clone(), m.clone());
        async move {
            let now = i.fetch_add(1, Ordering::SeqCst) + 1;
            m.fetch_max(now, Ordering::SeqCst);
            let _ = tx.send(req.path.clone());
            if let Ok(p) = tokio::time::timeout(crate::support::PATIENCE, r.acquire())
                .await
                .expect("released in time")
            {
                p.forget();
            }
            i.fetch_sub(1, Ordering::SeqCst);
            Reply::ok(req.path)
        }
    })
    .await;
    Gated {
        server,
        arrivals,
        release,
        max_in_flight,
    }
}

fn spawn_gets(
    f: &Fetcher,
    urls: Vec<String>,
) -> Vec<tokio::task::JoinHandle<Result<livebrief_fetch::Fetched, FetchError>>> {
    urls.into_iter()
        .map(|u| {
            let f = f.clone();
            tokio::spawn(async move { f.get(&u, &Validators::default()).await })
        })
        .collect()
}

async fn expect_arrivals(g: &mut Gated, n: usize) {
    for _ in 0..n {
        within(g.arrivals.recv()).await.expect("an arrival");
    }
    assert!(
        tokio::time::timeout(QUIET, g.arrivals.recv()).await.is_err(),
        "a request beyond the limit arrived"
    );
}

#[tokio::test]
async fn at_most_n_requests_per_origin_are_in_flight_and_other_origins_proceed() {
    let mut g = gated().await;
    let other = serve(|_| async { Reply::ok("other") }).await;
    let f = fetcher(FetchConfig {
        per_origin_concurrency: 2,
        global_concurrency: 16,
        ..cfg()
    });
    let tasks = spawn_gets(&f, (0..6).map(|i| g.server.url(&format!("/{i}"))).collect());

    expect_arrivals(&mut g, 2).await;
    // The origin is saturated; another origin is fetched at once.
    let got = within(f.get(&other.url("/"), &Validators::default()))
        .await
        .expect("other origin");
    assert_eq!(&got.body[..], b"other");

    g.release.add_permits(1);
    expect_arrivals(&mut g, 1).await;
    g.release.add_permits(5);
    for t in tasks {
        within(t).await.expect("task").expect("fetched");
    }
    assert_eq!(g.max_in_flight.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn at_most_n_requests_are_in_flight_in_all() {
    let mut g = gated().await;
    let f = fetcher(FetchConfig {
        per_origin_concurrency: 8,
        global_concurrency: 3,
        ..cfg()
    });
    let tasks = spawn_gets(&f, (0..7).map(|i| g.server.url(&format!("/{i}"))).collect());
    expect_arrivals(&mut g, 3).await;
    g.release.add_permits(7);
    for t in tasks {
        within(t).await.expect("task").expect("fetched");
    }
    assert_eq!(g.max_in_flight.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn requests_to_one_origin_start_at_least_the_politeness_delay_apart() {
    let (tx, mut rx) = mpsc::unbounded_channel();
    let server = serve(move |_| {
        let _ = tx.send(Instant::now());
        async { Reply::ok("x") }
    })
    .await;
    let delay = Duration::from_millis(250);
    let f = fetcher(FetchConfig {
        per_origin_concurrency: 4,
        politeness_delay: delay,
        ..cfg()
    });
    let tasks = spawn_gets(&f, (0..4).map(|i| server.url(&format!("/{i}"))).collect());
    for t in tasks {
        within(t).await.expect("task").expect("fetched");
    }
    let mut starts = Vec::new();
    while let Ok(t) = rx.try_recv() {
        starts.push(t);
    }
    starts.sort();
    assert_eq!(starts.len(), 4);
    for w in starts.windows(2) {
        let gap = w[1] - w[0];
        // Measured at the server, so connection set-up can shift a start by a few milliseconds.
        assert!(gap >= delay - Duration::from_millis(40), "requests {gap:?} apart");
    }
    // A sequential fetch waits its turn too.
    let t = Instant::now();
    within(f.get(&server.url("/later"), &Validators::default()))
        .await
        .expect("later");
    let last = rx.try_recv().expect("arrival");
    assert!(
        last - starts[3] >= delay - Duration::from_millis(40),
        "{:?}",
        last - starts[3]
    );
    assert!(t.elapsed() < Duration::from_secs(3));
}

#[tokio::test]
async fn one_hung_origin_does_not_delay_the_others() {
    let hung = hang_server().await;
    let healthy = serve(|_| async { Reply::ok("fresh") }).await;
    // Two global permits, one per origin: the hung origin can hold only one of them.
    let f = fetcher(FetchConfig {
        per_origin_concurrency: 1,
        global_concurrency: 2,
        total_timeout: Duration::from_secs(2),
        ..cfg()
    });
    let stuck = spawn_gets(
        &f,
        vec![format!("http://{}/a", hung.addr), format!("http://{}/b", hung.addr)],
    );
    let t = Instant::now();
    let fresh = spawn_gets(&f, (0..3).map(|i| healthy.url(&format!("/{i}"))).collect());
    for task in fresh {
        let got = within(task).await.expect("task").expect("healthy origin fetched");
        assert_eq!(&got.body[..], b"fresh");
    }
    assert!(
        t.elapsed() < Duration::from_secs(1),
        "healthy origin took {:?}",
        t.elapsed()
    );
    assert!(
        stuck.iter().all(|s| !s.is_finished()),
        "the hung fetches are still waiting"
    );
    assert!(
        hung.connections.load(Ordering::SeqCst) <= 1,
        "the second hung fetch waits for its origin's permit"
    );

    let mut stuck = stuck.into_iter();
    let first = within(stuck.next().expect("first")).await.expect("task");
    let e = first.expect_err("the first hung fetch times out");
    assert!(matches!(e, FetchError::Timeout { .. }), "{e:?}");
    for rest in stuck {
        rest.abort();
    }
}

#[tokio::test]
async fn waiting_out_a_politeness_delay_holds_no_global_permit() {
    let a = serve(|_| async { Reply::ok("a") }).await;
    let b = serve(|_| async { Reply::ok("b") }).await;
    let delay = Duration::from_secs(2);
    let f = fetcher(FetchConfig {
        global_concurrency: 1,
        per_origin_concurrency: 1,
        politeness_delay: delay,
        ..cfg()
    });
    within(f.get(&a.url("/1"), &Validators::default()))
        .await
        .expect("first to a");
    let t = Instant::now();
    // The second request to `a` waits for its slot; the only global permit stays free for `b`.
    let waiting = spawn_gets(&f, vec![a.url("/2")]);
    // The test runtime has one thread: yielding once lets the spawned fetch run up to its wait for the slot.
    tokio::task::yield_now().await;
    let got = within(f.get(&b.url("/"), &Validators::default())).await.expect("b");
    assert_eq!(&got.body[..], b"b");
    assert!(t.elapsed() < delay / 2, "b waited {:?}", t.elapsed());
    for w in waiting {
        within(w).await.expect("task").expect("second to a");
    }
    assert!(t.elapsed() >= delay - Duration::from_millis(100), "{:?}", t.elapsed());
}
