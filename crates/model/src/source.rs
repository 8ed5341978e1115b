//! Sources: the feeds and web pages a briefing watches for new reports, with their poll state and health.
//!
//! The schedule is a pure rule: [`PollState::after`] takes what the last poll gave, the time and a random
//! number, and says when to poll next (the interval after a success, exponential backoff with jitter after
//! failures, never sooner than a server's `Retry-After`).

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
                let mut wait = backoff(s.consecutive_failures, interval_secs, random);
                if let Some(ra) = retry_after_secs {
                    wait = wait.max(SignedDuration::from_secs((*ra).clamp(0, MAX_RETRY_AFTER_SECS)));
                }
                s.next_poll_at = now.saturating_add(wait).unwrap_or(now);
            }
        }
        s
    }
}

/// The wait after the `failures`-th failure in a row: the poll interval doubled for each failure beyond the
/// first, capped at [`MAX_BACKOFF_SECS`], with "equal jitter" (between half and all of it) so that sources
/// that failed together do not all come back at once.
pub fn backoff(failures: u32, interval_secs: u32, random: u64) -> SignedDuration {
    let base = i64::from(interval_secs.max(MIN_POLL_SECS));
    let exp = failures.saturating_sub(1).min(30);
    let full = base
        .saturating_mul(1_i64 << exp)
        .min(MAX_BACKOFF_SECS)
        .max(base.min(MAX_BACKOFF_SECS));
    // In milliseconds, so that short intervals get jitter too.
    let full_ms = full * 1000;
    let half = full_ms / 2;
    let jitter = (random % (half as u64 + 1)) as i64;
    SignedDuration::from_millis(half + jitter)
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

    #[test]
    fn jitter_spreads_and_stays_in_bounds() {
        let mut seen = std::collections::BTreeSet::new();
        for r in 0..200u64 {
            let w = backoff(3, 10, r.wrapping_mul(0x9E37_79B9_7F4A_7C15));
            assert!(
                w >= SignedDuration::from_secs(20) && w <= SignedDuration::from_secs(40),
                "{w:?}"
            );
            seen.insert(w.as_millis());
        }
        assert!(seen.len() > 100, "jitter spreads the waits");
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
