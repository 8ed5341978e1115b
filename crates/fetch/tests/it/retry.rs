//! `backoff` and `parse_retry_after`: pure, the clock and the randomness passed in.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use livebrief_fetch::{backoff, parse_retry_after};

const S: fn(u64) -> Duration = Duration::from_secs;

#[test]
fn backoff_doubles_from_the_base_with_jitter_in_the_upper_half() {
    let (base, max) = (S(60), S(6 * 3600));
    assert_eq!(backoff(0, base, max, 12345), Duration::ZERO);
    // random = 0 gives the lower edge (half), u64::MAX the upper edge (just under the full step).
    assert_eq!(backoff(1, base, max, 0), S(30));
    assert_eq!(backoff(2, base, max, 0), S(60));
    assert_eq!(backoff(3, base, max, 0), S(120));
    assert!(backoff(1, base, max, u64::MAX) > S(59) && backoff(1, base, max, u64::MAX) <= S(60));
    assert_eq!(backoff(1, base, max, 1 << 63), S(45));
    // Capped: 60 s × 2^9 = 8.5 h > 6 h.
    assert_eq!(backoff(10, base, max, 0), S(3 * 3600));
    assert!(backoff(10, base, max, u64::MAX) <= max);
    // No overflow anywhere.
    assert_eq!(backoff(u32::MAX, base, max, 0), S(3 * 3600));
    assert_eq!(backoff(64, base, max, 0), S(3 * 3600));
    assert!(backoff(40, Duration::MAX, Duration::MAX, u64::MAX) <= Duration::MAX);
    assert_eq!(backoff(3, S(100), S(10), 0), S(5), "a base above the cap is the cap");
}

#[test]
fn property_backoff_is_bounded_and_monotone() {
    let mut seed = 7u64;
    let mut next = || {
        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        seed
    };
    for _ in 0..2000 {
        let base = Duration::from_millis(next() % 120_000 + 1);
        let max = base + Duration::from_millis(next() % 86_400_000);
        let random = next();
        let mut last = Duration::ZERO;
        for n in 0..70 {
            let d = backoff(n, base, max, random);
            assert!(d <= max, "{n} {base:?} {max:?}");
            assert!(d >= last, "not monotone at {n}: {last:?} then {d:?}");
            if n > 0 {
                let step = base
                    .checked_mul(1u32.checked_shl(n - 1).unwrap_or(u32::MAX))
                    .unwrap_or(max)
                    .min(max);
                assert!(
                    d >= step / 2 && d <= step,
                    "{n}: {d:?} outside [{:?}, {step:?}]",
                    step / 2
                );
            }
            last = d;
        }
    }
}

#[test]
fn retry_after_in_seconds_and_as_a_date() {
    let now = UNIX_EPOCH + S(1_445_412_480); // Wed, 21 Oct 2015 07:28:00 GMT
    assert_eq!(parse_retry_after("120", now), Some(S(120)));
    assert_eq!(parse_retry_after(" 0 ", now), Some(S(0)));
    assert_eq!(parse_retry_after("99999999999999999999999", now), Some(S(u64::MAX)));
    assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:30:00 GMT", now), Some(S(120)));
    assert_eq!(
        parse_retry_after("Wednesday, 21-Oct-15 07:29:00 GMT", now),
        Some(S(60)),
        "RFC 850"
    );
    assert_eq!(
        parse_retry_after("Wed Oct 21 07:28:30 2015", now),
        Some(S(30)),
        "asctime"
    );
    assert_eq!(
        parse_retry_after("Wed, 21 Oct 2015 07:00:00 GMT", now),
        Some(S(0)),
        "past dates wait nothing"
    );
    for bad in ["", "-5", "1.5", "soon", "120 s", "Wed, 32 Oct 2015 07:30:00 GMT"] {
        assert_eq!(parse_retry_after(bad, now), None, "{bad:?}");
    }
    assert!(parse_retry_after("120", SystemTime::now()).is_some());
}
