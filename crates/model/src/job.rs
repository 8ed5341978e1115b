//! Jobs: the durable work of the ingest pipeline. A new item from a source becomes a job (fetch the page,
//! extract, read, store the report, group it); jobs live in the store, so a restart resumes them. A job that
//! keeps failing is parked with its error for the desk to see and retry.

use std::time::Duration;

use jiff::{SignedDuration, Timestamp};

use crate::{BriefingId, ReportId, SourceId};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct JobId(pub i64);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum JobState {
    /// Waiting for a worker (after `run_after`).
    Queued,
    /// A worker holds it until its lease ends; an expired lease (a crash) puts it back in the queue.
    Running,
    Done,
    /// Failed [`MAX_ATTEMPTS`] times, or for a reason retrying cannot fix; waits for the desk.
    Parked,
}

impl JobState {
    pub fn as_str(self) -> &'static str {
        match self {
            JobState::Queued => "queued",
            JobState::Running => "running",
            JobState::Done => "done",
            JobState::Parked => "parked",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "queued" => JobState::Queued,
            "running" => JobState::Running,
            "done" => JobState::Done,
            "parked" => JobState::Parked,
            _ => return None,
        })
    }
}

/// Attempts before a job is parked.
pub const MAX_ATTEMPTS: u32 = 5;
/// The first retry waits this long; each further one twice as long (with jitter), at most [`MAX_RETRY_SECS`].
pub const FIRST_RETRY_SECS: i64 = 10;
pub const MAX_RETRY_SECS: i64 = 3600;

/// An item to fetch, as the poller found it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewJob {
    pub briefing_id: BriefingId,
    pub source_id: Option<SourceId>,
    /// The article's address; one job (and one report) per address and briefing, whatever feeds carry it.
    pub url: String,
    /// The title the feed gave (plain text).
    pub title: String,
    /// The outlet to credit (the source's title).
    pub outlet: String,
    pub published: Option<Timestamp>,
    /// The article as the feed carried it (HTML), used when the page itself cannot be had.
    pub content: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    pub id: JobId,
    pub item: NewJob,
    pub state: JobState,
    pub attempts: u32,
    pub run_after: Timestamp,
    pub last_error: Option<String>,
    pub report_id: Option<ReportId>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

/// What to do with a job that failed at `now`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Retry {
    At(Timestamp),
    Park,
}

impl Job {
    /// After a failure (its attempt already counted in `attempts`): retry later with backoff and jitter while
    /// the error is transient and attempts remain, else park.
    pub fn retry(&self, transient: bool, retry_after_secs: Option<i64>, now: Timestamp, random: u64) -> Retry {
        if !transient || self.attempts >= MAX_ATTEMPTS {
            return Retry::Park;
        }
        let wait = crate::source::backoff(
            self.attempts,
            Duration::from_secs(FIRST_RETRY_SECS as u64),
            Duration::from_secs(MAX_RETRY_SECS as u64),
            random,
        );
        let mut wait = SignedDuration::try_from(wait).unwrap_or(SignedDuration::MAX);
        if let Some(ra) = retry_after_secs {
            wait = wait.max(SignedDuration::from_secs(ra.clamp(0, MAX_RETRY_SECS)));
        }
        Retry::At(now.saturating_add(wait).unwrap_or(now))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job(attempts: u32) -> Job {
        let t = Timestamp::from_second(1_750_000_000).expect("valid");
        Job {
            id: JobId(1),
            item: NewJob {
                briefing_id: BriefingId(1),
                source_id: None,
                url: "https://example.org/a".into(),
                title: "A".into(),
                outlet: "Example".into(),
                published: None,
                content: None,
            },
            state: JobState::Running,
            attempts,
            run_after: t,
            last_error: None,
            report_id: None,
            created_at: t,
            updated_at: t,
        }
    }

    #[test]
    fn transient_failures_retry_with_growing_waits_then_park() {
        let now = Timestamp::from_second(1_750_000_100).expect("valid");
        let mut last = SignedDuration::ZERO;
        for a in 1..MAX_ATTEMPTS {
            let Retry::At(at) = job(a).retry(true, None, now, u64::MAX) else {
                panic!("attempt {a} retries")
            };
            let wait = at.duration_since(now);
            assert!(wait > last, "attempt {a}: {wait:?} after {last:?}");
            last = wait;
        }
        assert_eq!(job(MAX_ATTEMPTS).retry(true, None, now, 0), Retry::Park);
        assert_eq!(
            job(1).retry(false, None, now, 0),
            Retry::Park,
            "permanent errors park at once"
        );
        let Retry::At(at) = job(1).retry(true, Some(600), now, 0) else {
            panic!("retries")
        };
        assert_eq!(
            at.duration_since(now),
            SignedDuration::from_secs(600),
            "Retry-After is honoured"
        );
    }

    #[test]
    fn states_round_trip() {
        for s in [JobState::Queued, JobState::Running, JobState::Done, JobState::Parked] {
            assert_eq!(JobState::parse(s.as_str()), Some(s));
        }
    }
}
