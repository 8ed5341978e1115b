//! What `/proc` says of processes: resident memory, CPU time, and the PostgreSQL backends serving a database.

/// Resident set size of `pid`, KiB.
pub fn rss_kib(pid: u32) -> Option<u64> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    s.lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
}

/// Clock ticks per second of `/proc/PID/stat` times (`USER_HZ`, 100 on Linux for every architecture we run).
pub const TICKS_PER_SEC: f64 = 100.0;

/// User plus system CPU time of `pid` so far, in clock ticks.
pub fn cpu_ticks(pid: u32) -> Option<u64> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name is in parentheses and may hold spaces: fields count from after its last `)`.
    let rest = &s[s.rfind(')')? + 2..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    // After the name: state (field 3) is f[0]; utime (14) is f[11], stime (15) f[12].
    let utime: u64 = f.get(11)?.parse().ok()?;
    let stime: u64 = f.get(12)?.parse().ok()?;
    Some(utime + stime)
}

/// Pids of the PostgreSQL backends connected to database `db` (their process title names it:
/// `postgres: [CLUSTER:] USER DB HOST(PORT) STATE`).
pub fn pg_backends(db: &str) -> Vec<u32> {
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    dir.filter_map(Result::ok)
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            std::fs::read(format!("/proc/{pid}/cmdline"))
                .is_ok_and(|c| backend_of(&String::from_utf8_lossy(&c)) == Some(db))
        })
        .collect()
}

/// The database a backend's process title names, if it is a backend's.
fn backend_of(title: &str) -> Option<&str> {
    let mut words = title.split([' ', '\0']).filter(|w| !w.is_empty());
    if words.next() != Some("postgres:") {
        return None;
    }
    // Debian titles carry the cluster's name first (`15/main:`); auxiliary processes have no user and db.
    let mut rest = words.skip_while(|w| w.ends_with(':'));
    let _user = rest.next()?;
    rest.next()
}

/// CPU ticks per backend of `db`, to take differences over a run (a backend that exits between two
/// samples loses its last share; the benchmarks' connections live for the whole run).
pub fn pg_ticks(db: &str) -> std::collections::HashMap<u32, u64> {
    pg_backends(db)
        .into_iter()
        .filter_map(|pid| Some((pid, cpu_ticks(pid)?)))
        .collect()
}

/// CPU seconds spent by `db`'s backends between two samples (backends new in `after` count from zero).
pub fn pg_cpu_secs(before: &std::collections::HashMap<u32, u64>, after: &std::collections::HashMap<u32, u64>) -> f64 {
    let ticks: u64 = after
        .iter()
        .map(|(pid, t)| t.saturating_sub(before.get(pid).copied().unwrap_or(0)))
        .sum();
    ticks as f64 / TICKS_PER_SEC
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_this_process() {
        let me = std::process::id();
        assert!(rss_kib(me).is_some_and(|k| k > 0));
        assert!(cpu_ticks(me).is_some());
        assert!(pg_backends("no such database here").is_empty());
    }

    #[test]
    fn tells_backends_by_their_title() {
        assert_eq!(
            backend_of("postgres: 15/main: postgres livebrief_bench 127.0.0.1(40000) idle\0\0"),
            Some("livebrief_bench")
        );
        assert_eq!(backend_of("postgres: postgres test [local] SELECT"), Some("test"));
        assert_eq!(backend_of("postgres: 15/main: checkpointer \0\0\0"), None);
        assert_eq!(backend_of("/usr/lib/postgresql/15/bin/postgres -D x"), None);
    }
}
