//! Sources: the feeds and web pages a briefing watches for new reports, with their poll state and health.
//!
//! The schedule is a pure rule: [`PollState::after`] takes what the last poll gave, the time and a random
//! number, and says when to poll next (the interval after a success, exponential backoff with jitter after
//! failures, never sooner than a server's `Retry-After`).

use std::time::Duration;

use jiff::{SignedDuration, Timestamp};

use crate::{BriefingId, RuleError};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SourceId(pub i64);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SourceKind {
    /// RSS, Atom or JSON Feed.
    Feed,
    /// A web page (a section front, a live page) watched for new article links.
    Page,
}

impl SourceKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SourceKind::Feed => "feed",
            SourceKind::Page => "page",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "feed" => SourceKind::Feed,
            "page" => SourceKind::Page,
            _ => return None,
        })
    }
}

/// Poll intervals: at least a second (the latency benchmark and local fixtures use short ones), at most a day.
pub const MIN_POLL_SECS: u32 = 1;
pub const MAX_POLL_SECS: u32 = 24 * 3600;
/// Five minutes: often enough for a live story, polite to any server.
pub const DEFAULT_POLL_SECS: u32 = 300;
/// The longest a failing source waits between attempts.
pub const MAX_BACKOFF_SECS: i64 = 6 * 3600;
/// The longest a `Retry-After` is honoured for (a server asking for a week is asked again in a day).
pub const MAX_RETRY_AFTER_SECS: i64 = 24 * 3600;
/// Consecutive failures after which a source is `Down` rather than `Failing`.
pub const DOWN_AFTER_FAILURES: u32 = 3;

/// A source as an editor describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceDraft {
    pub briefing_id: BriefingId,
    pub kind: SourceKind,
    pub url: String,
    pub title: String,
    /// BCP 47 tag of what it publishes in, when known.
    pub language: Option<String>,
    /// What the desk should know about it ("state media", "verified local channel").
    pub trust_note: String,
    pub poll_interval_secs: u32,
    pub enabled: bool,
}

impl SourceDraft {
    pub fn validate(&self) -> Result<(), RuleError> {
        let u = url::Url::parse(&self.url)
            .map_err(|e| RuleError::invalid(format!("a source's address must be an absolute URL ({e})")))?;
        if !matches!(u.scheme(), "http" | "https") {
            return Err(RuleError::invalid("a source's address is an http or https URL"));
        }
        if u.host_str().is_none_or(str::is_empty) {
            return Err(RuleError::invalid("a source's address needs a host"));
        }
        if self.url.len() > 2000 {
            return Err(RuleError::invalid("a source's address is at most 2000 characters"));
        }
        if self.title.chars().count() > 200 {
            return Err(RuleError::invalid("a source's title is at most 200 characters"));
        }
        if self.trust_note.chars().count() > 1000 {
            return Err(RuleError::invalid("a trust note is at most 1000 characters"));
        }
        if let Some(l) = &self.language
            && (l.is_empty() || l.len() > 35 || !l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
        {
            return Err(RuleError::invalid(format!(
                "{l:?} is not a language tag (e.g. en, uk, ru)"
            )));
        }
        if !(MIN_POLL_SECS..=MAX_POLL_SECS).contains(&self.poll_interval_secs) {
            return Err(RuleError::invalid(format!(
                "the poll interval is between {MIN_POLL_SECS} second and {} hours",
                MAX_POLL_SECS / 3600
            )));
        }
        Ok(())
    }
}

/// What the poller knows of a source: when it last tried, what happened, and when to try next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PollState {
    pub last_polled_at: Option<Timestamp>,
    pub last_success_at: Option<Timestamp>,
    /// The last failure's message, kept until the next success.
    pub last_error: Option<String>,
    pub last_error_at: Option<Timestamp>,
    pub consecutive_failures: u32,
    pub next_poll_at: Timestamp,
    /// Validators for a conditional GET.
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    /// Items seen in all polls so far (each once).
    pub items_seen: u64,
}

impl PollState {
    pub fn new(now: Timestamp) -> Self {
        PollState {
            last_polled_at: None,
            last_success_at: None,
            last_error: None,
            last_error_at: None,
            consecutive_failures: 0,
            next_poll_at: now,
            etag: None,
            last_modified: None,
            items_seen: 0,
        }
    }

    /// The state after a poll that ended at `now`. `random` is any random number (the jitter's source).
    pub fn after(&self, outcome: &PollOutcome, interval_secs: u32, now: Timestamp, random: u64) -> PollState {
        let interval = SignedDuration::from_secs(i64::from(interval_secs.max(MIN_POLL_SECS)));
        let mut s = self.clone();
        s.last_polled_at = Some(now);
        match outcome {
            PollOutcome::Fetched {
                new_items,
                etag,
                last_modified,
            } => {
                s.last_success_at = Some(now);
                s.last_error = None;
                s.consecutive_failures = 0;
                s.etag = etag.clone();
                s.last_modified = last_modified.clone();
                s.items_seen += u64::from(*new_items);
                s.next_poll_at = now.saturating_add(interval).unwrap_or(now);
            }
            PollOutcome::NotModified => {
                s.last_success_at = Some(now);
                s.last_error = None;
                s.consecutive_failures = 0;
                s.next_poll_at = now.saturating_add(interval).unwrap_or(now);
            }
            PollOutcome::Failed {
                error,
                retry_after_secs,
            } => {
                s.consecutive_failures = s.consecutive_failures.saturating_add(1);
                s.last_error = Some(error.clone());
                s.last_error_at = Some(now);
                let base = Duration::from_secs(u64::from(interval_secs.max(MIN_POLL_SECS)));
                let max = Duration::from_secs(MAX_BACKOFF_SECS as u64).max(base);
                let mut wait = signed(backoff(s.consecutive_failures, base, max, random));
                if let Some(ra) = retry_after_secs {
                    wait = wait.max(SignedDuration::from_secs((*ra).clamp(0, MAX_RETRY_AFTER_SECS)));
                }
                s.next_poll_at = now.saturating_add(wait).unwrap_or(now);
            }
        }
        s
    }
}

/// Exponential backoff with "equal jitter": the `consecutive_failures`-th failure in a row waits
/// `base × 2^(failures−1)`, at most `max`, of which the upper half is random (`random`: any random number), so
/// that sources that failed together do not all come back at once while none retries much sooner than its
/// schedule. Zero failures wait nothing; never more than `max`; non-decreasing in the failures for a fixed
/// `random`; no overflow for any input.
pub fn backoff(consecutive_failures: u32, base: Duration, max: Duration, random: u64) -> Duration {
    if consecutive_failures == 0 {
        return Duration::ZERO;
    }
    let step = 1u32
        .checked_shl(consecutive_failures - 1)
        .and_then(|factor| base.checked_mul(factor))
        .map_or(max, |d| d.min(max));
    let nanos = step.as_nanos();
    let half = nanos / 2;
    // `(nanos − half) × random / 2^64` in integer arithmetic without overflow: at most `nanos − half`.
    let rest = nanos - half;
    let r = u128::from(random);
    let jitter = (rest >> 64) * r + (((rest & u128::from(u64::MAX)) * r) >> 64);
    let total = half + jitter;
    // `total <= nanos`, which came from a Duration, so the seconds fit in a u64.
    Duration::new((total / 1_000_000_000) as u64, (total % 1_000_000_000) as u32)
}

fn signed(d: Duration) -> SignedDuration {
    SignedDuration::try_from(d).unwrap_or(SignedDuration::MAX)
}

/// What one poll of a source gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PollOutcome {
    Fetched {
        /// Items not seen before.
        new_items: u32,
        etag: Option<String>,
        last_modified: Option<String>,
    },
    /// 304: nothing new since the validators.
    NotModified,
    Failed {
        /// For the desk: what went wrong, in words.
        error: String,
        /// The server asked to wait this long.
        retry_after_secs: Option<i64>,
    },
}

/// How a source is doing, as the desk shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Health {
    /// Enabled, not polled yet.
    New,
    /// The last poll worked.
    Healthy,
    /// The last poll (or two) failed; it is retried with backoff.
    Failing,
    /// [`DOWN_AFTER_FAILURES`] or more failures in a row.
    Down,
    Disabled,
}

impl Health {
    pub fn as_str(self) -> &'static str {
        match self {
            Health::New => "new",
            Health::Healthy => "healthy",
            Health::Failing => "failing",
            Health::Down => "down",
            Health::Disabled => "disabled",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    pub id: SourceId,
    pub briefing_id: BriefingId,
    pub kind: SourceKind,
    pub url: String,
    pub title: String,
    pub language: Option<String>,
    pub trust_note: String,
    pub poll_interval_secs: u32,
    pub enabled: bool,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub poll: PollState,
}

impl Source {
    pub fn health(&self) -> Health {
        if !self.enabled {
            Health::Disabled
        } else if self.poll.last_polled_at.is_none() {
            Health::New
        } else if self.poll.consecutive_failures == 0 {
            Health::Healthy
        } else if self.poll.consecutive_failures < DOWN_AFTER_FAILURES {
            Health::Failing
        } else {
            Health::Down
        }
    }

    /// The draft this source was made from, to edit it.
    pub fn draft(&self) -> SourceDraft {
        SourceDraft {
            briefing_id: self.briefing_id,
            kind: self.kind,
            url: self.url.clone(),
            title: self.title.clone(),
            language: self.language.clone(),
            trust_note: self.trust_note.clone(),
            poll_interval_secs: self.poll_interval_secs,
            enabled: self.enabled,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: i64) -> Timestamp {
        Timestamp::from_second(1_750_000_000 + s).expect("valid")
    }

    fn draft() -> SourceDraft {
        SourceDraft {
            briefing_id: BriefingId(1),
            kind: SourceKind::Feed,
            url: "https://example.org/feed.xml".into(),
            title: "Example".into(),
            language: Some("uk".into()),
            trust_note: String::new(),
            poll_interval_secs: DEFAULT_POLL_SECS,
            enabled: true,
        }
    }

    #[test]
    fn drafts_are_checked() {
        assert!(draft().validate().is_ok());
        for bad in [
            SourceDraft {
                url: "ftp://example.org/x".into(),
                ..draft()
            },
            SourceDraft {
                url: "not a url".into(),
                ..draft()
            },
            SourceDraft {
                poll_interval_secs: 0,
                ..draft()
            },
            SourceDraft {
                poll_interval_secs: MAX_POLL_SECS + 1,
                ..draft()
            },
            SourceDraft {
                language: Some("en US".into()),
                ..draft()
            },
            SourceDraft {
                title: "x".repeat(201),
                ..draft()
            },
        ] {
            assert!(bad.validate().is_err(), "{bad:?}");
        }
    }

    #[test]
    fn success_polls_again_after_the_interval_and_failures_back_off() {
        let s = PollState::new(t(0));
        let ok = s.after(
            &PollOutcome::Fetched {
                new_items: 3,
                etag: Some("\"a\"".into()),
                last_modified: None,
            },
            60,
            t(10),
            7,
        );
        assert_eq!((ok.next_poll_at, ok.items_seen, ok.consecutive_failures), (t(70), 3, 0));
        assert_eq!(ok.etag.as_deref(), Some("\"a\""));
        let fail = PollOutcome::Failed {
            error: "timed out".into(),
            retry_after_secs: None,
        };
        let mut st = ok.clone();
        let mut waits = Vec::new();
        for i in 0..12 {
            st = st.after(&fail, 60, t(100 + i), u64::MAX);
            waits.push(st.next_poll_at.duration_since(t(100 + i)).as_secs());
        }
        // Full jitter end (random = MAX gives at most the full wait): 60, 120, 240, … capped at six hours.
        assert!(waits.windows(2).all(|w| w[0] <= w[1]), "{waits:?}");
        assert!(waits[0] >= 30 && waits[0] <= 60, "{waits:?}");
        assert!(*waits.last().expect("some") <= MAX_BACKOFF_SECS, "{waits:?}");
        assert!(*waits.last().expect("some") >= MAX_BACKOFF_SECS / 2, "{waits:?}");
        assert_eq!(st.consecutive_failures, 12);
        assert_eq!(st.etag.as_deref(), Some("\"a\""), "validators survive failures");
        // A success clears the error and the count.
        let back = st.after(&PollOutcome::NotModified, 60, t(200), 0);
        assert_eq!((back.consecutive_failures, back.last_error.as_deref()), (0, None));
    }

    #[test]
    fn retry_after_is_honoured_within_a_day() {
        let s = PollState::new(t(0));
        let st = s.after(
            &PollOutcome::Failed {
                error: "429".into(),
                retry_after_secs: Some(3600),
            },
            60,
            t(0),
            0,
        );
        assert_eq!(st.next_poll_at, t(3600));
        let st = s.after(
            &PollOutcome::Failed {
                error: "503".into(),
                retry_after_secs: Some(30 * 24 * 3600),
            },
            60,
            t(0),
            0,
        );
        assert_eq!(st.next_poll_at, t(MAX_RETRY_AFTER_SECS));
    }

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
    fn health_follows_the_poll_state() {
        let mut s = Source {
            id: SourceId(1),
            briefing_id: BriefingId(1),
            kind: SourceKind::Feed,
            url: "https://example.org/feed".into(),
            title: "x".into(),
            language: None,
            trust_note: String::new(),
            poll_interval_secs: 60,
            enabled: true,
            created_at: t(0),
            updated_at: t(0),
            poll: PollState::new(t(0)),
        };
        assert_eq!(s.health(), Health::New);
        let fail = PollOutcome::Failed {
            error: "reset".into(),
            retry_after_secs: None,
        };
        s.poll = s.poll.after(&fail, 60, t(1), 0);
        assert_eq!(s.health(), Health::Failing);
        for i in 0..DOWN_AFTER_FAILURES {
            s.poll = s.poll.after(&fail, 60, t(2 + i64::from(i)), 0);
        }
        assert_eq!(s.health(), Health::Down);
        s.poll = s.poll.after(&PollOutcome::NotModified, 60, t(100), 0);
        assert_eq!(s.health(), Health::Healthy);
        s.enabled = false;
        assert_eq!(s.health(), Health::Disabled);
    }
}
