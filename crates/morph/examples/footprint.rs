//! Prints the two tables' load time and the process's resident memory before and after loading them.
//! cargo run --release -p livebrief-morph --example footprint
fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmRSS:"))
                .and_then(|v| v.split_whitespace().next()?.parse().ok())
        })
        .unwrap_or(0)
}

fn main() {
    let before = rss_kib();
    let t = std::time::Instant::now();
    let n = livebrief_morph::load();
    let took = t.elapsed();
    let after = rss_kib();
    println!(
        "{n} lexemes in {took:?}; heap held {:.1} MiB; resident memory {:.1} MiB before, {:.1} MiB after (+{:.1} MiB)",
        livebrief_morph::heap_bytes() as f64 / (1 << 20) as f64,
        before as f64 / 1024.0,
        after as f64 / 1024.0,
        after.saturating_sub(before) as f64 / 1024.0
    );
}
