//! The rules of signing in that are not about the password itself: how long a name may be, how a name is
//! written to the log, and how many attempts a client may make.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use jiff::{SignedDuration, Timestamp};
use livebrief_store::{Store, StoreError};

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
/// The counts are in the store ([`Store::reserve_login`]), so the limits hold across every instance on a
/// shared database: a client sent round-robin to three instances gets the same number of tries as one.
/// An attempt is counted when it starts ([`LoginLimiter::reserve`], check and count in one atomic step) and
/// forgiven when it succeeds, so parallel attempts cannot all pass the check before the first failure is
/// recorded (the password check takes tens of milliseconds).
pub struct LoginLimiter {
    store: Arc<dyn Store>,
    per_pair: u32,
    per_address: u32,
    window: SignedDuration,
    /// Attempts since the last pruning of old ones.
    since_prune: AtomicU32,
}

/// Every this many attempts, attempts whose window has passed are deleted from the store.
const PRUNE_EVERY: u32 = 256;

impl LoginLimiter {
    /// `max_failures` per (account, address) pair, [`PER_ADDRESS_FACTOR`] times that per address.
    pub fn new(store: Arc<dyn Store>, max_failures: u32, window: Duration) -> Self {
        LoginLimiter {
            store,
            per_pair: max_failures,
            per_address: max_failures.saturating_mul(PER_ADDRESS_FACTOR),
            window: SignedDuration::try_from(window).unwrap_or(SignedDuration::from_hours(24)),
            since_prune: AtomicU32::new(0),
        }
    }

    /// The pair key and the address key, with their limits. Names are at most [`MAX_NAME_BYTES`] here.
    fn keys(&self, client: &str, name: &str) -> [(String, u32); 2] {
        [
            // The name quoted and escaped (`{:?}`): no NUL or other control character reaches the store
            // (PostgreSQL text cannot hold NUL), and the key stays unambiguous.
            (format!("pair:{client} {:?}", name.to_lowercase()), self.per_pair),
            (format!("addr:{client}"), self.per_address),
        ]
    }

    /// Counts an attempt of `client` on account `name` at `now`, or `Ok(Err(seconds to wait))` when either
    /// the pair or the address is at its limit (then nothing is counted).
    pub async fn reserve(&self, client: &str, name: &str, now: Timestamp) -> Result<Result<Attempt, u64>, StoreError> {
        if self.since_prune.fetch_add(1, Ordering::Relaxed) + 1 >= PRUNE_EVERY {
            self.since_prune.store(0, Ordering::Relaxed);
            let (store, before) = (self.store.clone(), now.checked_sub(self.window).unwrap_or(now));
            tokio::spawn(async move {
                if let Err(e) = store.prune_logins(before).await {
                    tracing::debug!(error = %e, "pruning old sign-in attempts");
                }
            });
        }
        let keys = self.keys(client, name);
        let since = now.checked_sub(self.window).unwrap_or(now);
        match self.store.reserve_login(&keys, since, now).await? {
            Ok(ids) => {
                let [(pair, _), _] = keys;
                Ok(Ok(Attempt {
                    store: self.store.clone(),
                    ids,
                    pair,
                    settled: false,
                }))
            }
            Err(oldest) => {
                let passed = now.duration_since(oldest);
                let left = self.window.checked_sub(passed).unwrap_or(SignedDuration::ZERO);
                Ok(Err(left.as_secs().max(1) as u64))
            }
        }
    }
}

/// A counted sign-in attempt. It stays counted only if it [`failed`](Attempt::failed); one that ends
/// without a verdict (the server was busy, the store failed) is forgiven when dropped.
pub struct Attempt {
    store: Arc<dyn Store>,
    /// The counted attempt under the pair key, then under the address key.
    ids: Vec<i64>,
    pair: String,
    settled: bool,
}

impl Attempt {
    /// A wrong name or password: the attempt stays counted.
    pub fn failed(mut self) {
        self.settled = true;
    }

    /// The right password: the pair's failures are forgotten and this attempt is not counted against the
    /// address (earlier failures from the address stay, so one's own account cannot reset a spray).
    pub async fn succeeded(mut self) {
        self.settled = true;
        let ids: Vec<i64> = self.ids.iter().skip(1).copied().collect();
        if let Err(e) = self.store.forget_logins(&ids, std::slice::from_ref(&self.pair)).await {
            tracing::warn!(error = %e, "forgetting a successful sign-in's attempts");
        }
    }
}

impl Drop for Attempt {
    fn drop(&mut self) {
        if !self.settled {
            let (store, ids) = (self.store.clone(), std::mem::take(&mut self.ids));
            if let Ok(h) = tokio::runtime::Handle::try_current() {
                h.spawn(async move {
                    if let Err(e) = store.forget_logins(&ids, &[]).await {
                        tracing::warn!(error = %e, "forgiving a sign-in attempt without a verdict");
                    }
                });
            }
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

    fn limiter(max: u32, window: u64) -> (LoginLimiter, tempfile::TempDir) {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = livebrief_store::SqliteStore::open(&dir.path().join("t.db")).expect("store");
        (
            LoginLimiter::new(Arc::new(store), max, Duration::from_secs(window)),
            dir,
        )
    }

    fn at(secs: i64) -> Timestamp {
        Timestamp::from_second(1_700_000_000 + secs).expect("time")
    }

    /// Lets the forgiving tasks of dropped attempts run.
    async fn settle() {
        for _ in 0..50 {
            tokio::task::yield_now().await;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    #[tokio::test]
    async fn attempts_are_counted_when_they_start() {
        let (l, _d) = limiter(3, 900);
        let mut held = Vec::new();
        for _ in 0..3 {
            held.push(
                l.reserve("a", "eda", at(0))
                    .await
                    .expect("store")
                    .expect("under the limit"),
            );
        }
        assert!(
            l.reserve("a", "eda", at(1)).await.expect("store").is_err(),
            "three in flight use up the pair's three"
        );
        assert!(
            l.reserve("a", "EDA", at(1)).await.expect("store").is_err(),
            "names are counted case-blind"
        );
        assert!(
            l.reserve("b", "eda", at(1)).await.expect("store").is_ok(),
            "another address is not locked out"
        );
        drop(held);
        settle().await;
        assert!(
            l.reserve("a", "eda", at(2)).await.expect("store").is_ok(),
            "attempts without a verdict are forgiven"
        );
    }

    #[tokio::test]
    async fn failures_lock_the_pair_and_a_spray_locks_the_address() {
        let (l, _d) = limiter(2, 900);
        for _ in 0..2 {
            l.reserve("a", "eda", at(0))
                .await
                .expect("store")
                .expect("allowed")
                .failed();
        }
        let wait = l
            .reserve("a", "eda", at(100))
            .await
            .expect("store")
            .err()
            .expect("locked");
        assert_eq!(wait, 800, "the window's rest from the oldest failure");
        l.reserve("b", "eda", at(100))
            .await
            .expect("store")
            .expect("other address")
            .succeeded()
            .await;
        // The address's looser limit: 2 × 4 = 8 failures over any accounts, two counted already.
        for i in 0..6 {
            l.reserve("a", &format!("user{i}"), at(100))
                .await
                .expect("store")
                .expect("spray allowed so far")
                .failed();
        }
        assert!(
            l.reserve("a", "someone-else", at(100)).await.expect("store").is_err(),
            "the address is at its limit"
        );
        assert!(
            l.reserve("a", "someone-else", at(901)).await.expect("store").is_ok(),
            "the window passed"
        );
    }

    #[tokio::test]
    async fn success_forgets_the_pair_but_not_the_address() {
        let (l, _d) = limiter(2, 900);
        l.reserve("a", "eda", at(0))
            .await
            .expect("store")
            .expect("allowed")
            .failed();
        l.reserve("a", "eda", at(1))
            .await
            .expect("store")
            .expect("allowed")
            .succeeded()
            .await;
        l.reserve("a", "eda", at(2))
            .await
            .expect("store")
            .expect("pair forgotten")
            .failed();
        l.reserve("a", "eda", at(3))
            .await
            .expect("store")
            .expect("one failure since the success")
            .failed();
        assert!(l.reserve("a", "eda", at(4)).await.expect("store").is_err());
        // The address counted three failures and not the success: five more to its eight.
        for i in 0..5 {
            l.reserve("a", &format!("u{i}"), at(5))
                .await
                .expect("store")
                .expect("under eight")
                .failed();
        }
        assert!(
            l.reserve("a", "u9", at(6)).await.expect("store").is_err(),
            "the success was not counted"
        );
    }
}
