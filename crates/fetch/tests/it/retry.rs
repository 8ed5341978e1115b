//! `parse_retry_after`: pure, the clock passed in. (Backoff is the model's schedule rule, tested there.)

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use livebrief_fetch::parse_retry_after;

const S: fn(u64) -> Duration = Duration::from_secs;

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
