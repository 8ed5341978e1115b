//! Prints the gazetteer's load time and the process's resident memory before and after loading it.
//! cargo run --release -p livebrief-geo --example footprint
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
    let g = livebrief_geo::Gazetteer::embedded();
    let took = t.elapsed();
    let after = rss_kib();
    println!(
        "{} places in {:?}; resident memory {:.1} MiB before, {:.1} MiB after (+{:.1} MiB)",
        g.len(),
        took,
        before as f64 / 1024.0,
        after as f64 / 1024.0,
        (after - before) as f64 / 1024.0
    );
}
