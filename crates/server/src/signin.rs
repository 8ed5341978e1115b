//! The rules of signing in that are not about the password itself: how long a name may be, how a name is
//! written to the log, and how many attempts a client may make.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Longest sign-in name looked at, in bytes. A user name is at most 64 characters of at most 4 bytes each
/// (`User::validate_name`), so no account has a longer one; a longer name is refused before the limiter,
/// the store and the hash see it, and is never echoed or logged.
pub const MAX_NAME_BYTES: usize = 256;

/// How a sign-in name is written to the log: escaped (`{:?}`: a newline cannot start a forged line, an
/// ESC cannot drive the terminal) and cut to [`MAX_NAME_BYTES`].
pub fn log_name(name: &str) -> String {
    let mut end = name.len().min(MAX_NAME_BYTES);
    while !name.is_char_boundary(end) {
        end -= 1;
    }
    let cut = if end < name.len() { "…" } else { "" };
    format!("{:?}{cut}", &name[..end])
}

/// How many more failures an address may have than one (account, address) pair: a password spray over
/// many accounts from one address stops here, while a shared address (an office behind NAT) can still
/// mistype a few times per person.
pub const PER_ADDRESS_FACTOR: u32 = 4;

/// Counts sign-in attempts in a sliding window, per (account, client address) pair and, more loosely, per
/// client address. Never per account alone: that would let anyone lock any account out with a few wrong
/// passwords.
///
/// An attempt is counted when it starts ([`LoginLimiter::reserve`], check and count under one lock) and
/// forgiven when it succeeds, so parallel attempts cannot all pass the check before the first failure is
/// recorded (the password check takes tens of milliseconds).
pub struct LoginLimiter {
    per_pair: u32,
    per_address: u32,
    window: Duration,
    attempts: Mutex<HashMap<String, Vec<Instant>>>,
}

/// Beyond this many keys, the ones whose window has passed are forgotten on the next attempt.
const PRUNE_ABOVE: usize = 100_000;

impl LoginLimiter {
    /// `max_failures` per (account, address) pair, [`PER_ADDRESS_FACTOR`] times that per address.
    pub fn new(max_failures: u32, window: Duration) -> Self {
        LoginLimiter {
            per_pair: max_failures,
            per_address: max_failures.saturating_mul(PER_ADDRESS_FACTOR),
            window,
            attempts: Mutex::new(HashMap::new()),
        }
    }

    /// The pair key and the address key, with their limits. Names are at most [`MAX_NAME_BYTES`] here.
    fn keys(&self, client: &str, name: &str) -> [(String, u32); 2] {
        [
            (format!("pair:{client}\0{}", name.to_lowercase()), self.per_pair),
            (format!("addr:{client}"), self.per_address),
        ]
    }

    /// Counts an attempt of `client` on account `name`, or `Err(seconds to wait)` when either the pair or
    /// the address is at its limit (then nothing is counted).
    pub fn reserve(&self, client: &str, name: &str) -> Result<Attempt<'_>, u64> {
        let now = Instant::now();
        let keys = self.keys(client, name);
        let mut map = self.attempts.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() > PRUNE_ABOVE {
            // Bound memory under a spray of names and addresses: forget keys whose window has passed.
            map.retain(|_, v| v.last().is_some_and(|t| now.duration_since(*t) < self.window));
        }
        let mut wait = 0;
        for (k, limit) in &keys {
            if let Some(v) = map.get_mut(k) {
                v.retain(|t| now.duration_since(*t) < self.window);
                if v.len() >= *limit as usize {
                    let oldest = v.first().copied().unwrap_or(now);
                    wait = wait.max(self.window.saturating_sub(now.duration_since(oldest)).as_secs().max(1));
                }
            }
        }
        if wait > 0 {
            return Err(wait);
        }
        for (k, _) in &keys {
            map.entry(k.clone()).or_default().push(now);
        }
        Ok(Attempt {
            limiter: self,
            keys: keys.map(|(k, _)| k),
            at: now,
            settled: false,
        })
    }

    /// Takes back the count of one attempt from `keys`.
    fn forgive(&self, keys: &[String], at: Instant) {
        let mut map = self.attempts.lock().unwrap_or_else(|p| p.into_inner());
        for k in keys {
            if let Some(v) = map.get_mut(k) {
                if let Some(i) = v.iter().position(|t| *t == at) {
                    v.remove(i);
                }
                if v.is_empty() {
                    map.remove(k);
                }
            }
        }
    }
}

/// A counted sign-in attempt. It stays counted only if it [`failed`](Attempt::failed); one that ends
/// without a verdict (the server was busy, the store failed) is forgiven when dropped.
pub struct Attempt<'a> {
    limiter: &'a LoginLimiter,
    /// The pair key, then the address key.
    keys: [String; 2],
    at: Instant,
    settled: bool,
}

impl Attempt<'_> {
    /// A wrong name or password: the attempt stays counted.
    pub fn failed(mut self) {
        self.settled = true;
    }

    /// The right password: the pair's failures are forgotten and this attempt is not counted against the
    /// address (earlier failures from the address stay, so one's own account cannot reset a spray).
    pub fn succeeded(mut self) {
        self.settled = true;
        let mut map = self.limiter.attempts.lock().unwrap_or_else(|p| p.into_inner());
        map.remove(&self.keys[0]);
        drop(map);
        self.limiter.forgive(&self.keys[1..], self.at);
    }
}

impl Drop for Attempt<'_> {
    fn drop(&mut self) {
        if !self.settled {
            self.limiter.forgive(&self.keys, self.at);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_logged_escaped_and_cut() {
        assert_eq!(log_name("eda"), "\"eda\"");
        let forged = "eve\n2026-01-01T00:00:00Z INFO signed in user=admin\x1b[2K\r";
        let shown = log_name(forged);
        assert!(!shown.chars().any(char::is_control), "{shown}");
        assert_eq!(
            shown,
            "\"eve\\n2026-01-01T00:00:00Z INFO signed in user=admin\\u{1b}[2K\\r\""
        );
        let long = "é".repeat(1000);
        let shown = log_name(&long);
        assert!(shown.len() <= MAX_NAME_BYTES + 8, "{}", shown.len());
        assert!(shown.ends_with('…'));
    }

    #[test]
    fn attempts_are_counted_when_they_start() {
        let l = LoginLimiter::new(3, Duration::from_secs(900));
        let held: Vec<_> = (0..3)
            .map(|_| l.reserve("a", "eda").expect("under the limit"))
            .collect();
        assert!(
            l.reserve("a", "eda").is_err(),
            "three in flight use up the pair's three"
        );
        assert!(l.reserve("a", "EDA").is_err(), "names are counted case-blind");
        assert!(l.reserve("b", "eda").is_ok(), "another address is not locked out");
        drop(held);
        assert!(l.reserve("a", "eda").is_ok(), "attempts without a verdict are forgiven");
    }

    #[test]
    fn failures_lock_the_pair_and_a_spray_locks_the_address() {
        let l = LoginLimiter::new(2, Duration::from_secs(900));
        for _ in 0..2 {
            l.reserve("a", "eda").expect("allowed").failed();
        }
        let wait = l.reserve("a", "eda").err().expect("locked");
        assert!((1..=900).contains(&wait), "{wait}");
        l.reserve("b", "eda").expect("other address").succeeded();
        // The address's looser limit: 2 × 4 = 8 failures over any accounts, two counted already.
        for i in 0..6 {
            l.reserve("a", &format!("user{i}"))
                .expect("spray allowed so far")
                .failed();
        }
        assert!(l.reserve("a", "someone-else").is_err(), "the address is at its limit");
    }

    #[test]
    fn success_forgets_the_pair_but_not_the_address() {
        let l = LoginLimiter::new(2, Duration::from_secs(900));
        l.reserve("a", "eda").expect("allowed").failed();
        l.reserve("a", "eda").expect("allowed").succeeded();
        l.reserve("a", "eda").expect("pair forgotten").failed();
        l.reserve("a", "eda").expect("one failure since the success").failed();
        assert!(l.reserve("a", "eda").is_err());
        let map = l.attempts.lock().expect("lock");
        assert_eq!(map.get("addr:a").map(Vec::len), Some(3), "the success was not counted");
    }
}
