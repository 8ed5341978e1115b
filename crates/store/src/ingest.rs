//! Storage of the ingest pipeline: sources with their poll state, the items each has shown, and the durable
//! job queue.

use async_trait::async_trait;
use livebrief_model::{
    BriefingId, Job, JobId, JobState, NewJob, PollState, ReportId, Retry, Source, SourceDraft, SourceId, Timestamp,
};

use crate::Result;

/// An item a poll found: its identity in the source, and the job to make when it is new (`None`: remember it
/// as seen without fetching it, e.g. an old item in a first poll).
#[derive(Debug, Clone)]
pub struct SeenItem {
    pub key: String,
    pub job: Option<NewJob>,
}

/// What storing a poll's items did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ItemsAdded {
    /// Items this source had not shown before.
    pub new_items: u32,
    /// Jobs made; fewer than the new items when an address was already queued (the same article in two feeds).
    pub new_jobs: u32,
}

#[async_trait]
pub trait IngestStore: Send + Sync + 'static {
    /// `Conflict` when the briefing already watches the address.
    async fn create_source(&self, draft: &SourceDraft, at: Timestamp) -> Result<Source>;
    /// Changes what the editor describes; the poll state stays (a changed address is polled at once).
    async fn update_source(&self, id: SourceId, draft: &SourceDraft, at: Timestamp) -> Result<Source>;
    /// Removes the source and what it has seen; its jobs and reports stay.
    async fn delete_source(&self, id: SourceId) -> Result<()>;
    async fn source(&self, id: SourceId) -> Result<Option<Source>>;
    /// All sources, or one briefing's, by title.
    async fn list_sources(&self, briefing: Option<BriefingId>) -> Result<Vec<Source>>;
    /// Claims up to `limit` enabled sources whose next poll is due at `now`, the most overdue first, until
    /// `lease_until`: their next poll moves there, so no other process (instance) polls them meanwhile;
    /// recording the poll (`set_poll_state`) sets the real schedule. A claim never recorded (its process
    /// died) lapses at `lease_until` and the source is due again for anyone.
    async fn claim_due_sources(&self, now: Timestamp, lease_until: Timestamp, limit: usize) -> Result<Vec<Source>>;
    /// The earliest next poll of any enabled source.
    async fn next_poll_at(&self) -> Result<Option<Timestamp>>;
    /// Remembers items of a poll and queues a job for each new one that carries a job, at most `max_new_jobs`
    /// (in the given order; new items beyond are remembered as seen), in one transaction. One job per address
    /// and briefing, whatever source shows it.
    async fn add_items(
        &self,
        source: SourceId,
        items: Vec<SeenItem>,
        max_new_jobs: usize,
        at: Timestamp,
    ) -> Result<ItemsAdded>;
    /// Records a poll's outcome on the source, unless its address changed since the poll began (`url` is the
    /// address polled): then nothing is written and `false` returned, so the new address keeps its fresh state.
    async fn set_poll_state(&self, source: SourceId, url: &str, state: &PollState) -> Result<bool>;

    /// Takes up to `limit` jobs that are due (queued and `run_after <= now`, or running with a lease that
    /// ended before `now`: a worker that died), marks them running until `lease_until`, counts the attempt. A
    /// job whose lease ran out after its last allowed attempt is parked instead (whatever it does kills its
    /// worker).
    async fn claim_jobs(&self, now: Timestamp, lease_until: Timestamp, limit: usize) -> Result<Vec<Job>>;
    /// Marks a claimed job done. `Conflict` when the claim is no longer this one's (its lease ran out and the
    /// job was claimed again): the other claim decides.
    async fn complete_job(&self, job: &Job, report: ReportId, at: Timestamp) -> Result<()>;
    /// Records a claimed job's failure: back in the queue at the retry time, or parked. `Conflict` as above.
    async fn fail_job(&self, job: &Job, error: &str, retry: Retry, at: Timestamp) -> Result<()>;
    /// Puts every running job back in the queue (at start, when this process owns the loop: any lease held is
    /// a dead process's). Returns how many.
    async fn release_running(&self, at: Timestamp) -> Result<u64>;
    /// A parked job back in the queue with its attempts reset (the desk's "retry").
    async fn retry_job(&self, id: JobId, at: Timestamp) -> Result<Job>;
    async fn job(&self, id: JobId) -> Result<Option<Job>>;
    /// Newest first; all briefings when `briefing` is `None`.
    async fn list_jobs(&self, briefing: Option<BriefingId>, state: Option<JobState>, limit: usize) -> Result<Vec<Job>>;
    /// How many jobs are in each state.
    async fn job_counts(&self, briefing: Option<BriefingId>) -> Result<Vec<(JobState, u64)>>;
    /// When the next queued job is due (a worker sleeps until then or until woken).
    async fn next_job_at(&self) -> Result<Option<Timestamp>>;
}
