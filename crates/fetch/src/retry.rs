//! When to try a failing source again: pure functions, the randomness and the clock passed in.

use std::time::{Duration, SystemTime};

/// The wait before the next attempt after `consecutive_failures` failures in a row: exponential
/// (`base × 2^(failures − 1)`, at most `max`) with "equal jitter": the result lies in `[exp / 2, exp]`, placed by
/// `random` (any `u64`, e.g. from `rand`), so sources that failed together spread out while none retries much
/// sooner than its schedule. Zero failures wait nothing. Never more than `max`; non-decreasing in
/// `consecutive_failures` for a fixed `random`.
pub fn backoff(consecutive_failures: u32, base: Duration, max: Duration, random: u64) -> Duration {
    if consecutive_failures == 0 {
        return Duration::ZERO;
    }
    let exp = 1u32
        .checked_shl(consecutive_failures - 1)
        .and_then(|factor| base.checked_mul(factor))
        .map_or(max, |d| d.min(max));
    let nanos = exp.as_nanos();
    let half = nanos / 2;
    // `(nanos - half) × random / 2^64`, in integer arithmetic without overflow: at most `nanos - half`.
    let rest = nanos - half;
    let r = u128::from(random);
    let jitter = (rest >> 64) * r + (((rest & u128::from(u64::MAX)) * r) >> 64);
    let total = half + jitter;
    // `total <= nanos`, which came from a Duration, so the seconds fit in a u64.
    Duration::new((total / 1_000_000_000) as u64, (total % 1_000_000_000) as u32)
}

/// How long a `Retry-After` header value asks to wait, as of `now`: delta-seconds (`"120"`) or an HTTP-date
/// (`"Wed, 21 Oct 2015 07:28:00 GMT"`, and the obsolete RFC 850 and asctime forms); a date in the past is zero.
/// `None` for anything else.
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let v = value.trim();
    if !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) {
        // Longer than u64 seconds is "forever" for any caller.
        return Some(Duration::from_secs(v.parse::<u64>().unwrap_or(u64::MAX)));
    }
    let at = httpdate::parse_http_date(v).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}
