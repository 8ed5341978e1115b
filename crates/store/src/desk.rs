//! Storage of the desk: developments, which reports belong to which, and the record of every desk action.

use async_trait::async_trait;
use livebrief_model::{
    BriefingId, DeskRecord, DevStatus, Development, DevelopmentId, EditedText, EntryId, Membership, Report, ReportId,
    Summary, Timestamp,
};

use crate::Result;

/// Which facet a desk filter looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FacetKind {
    Topic,
    Place,
    Speaker,
    Outlet,
    Language,
}

impl FacetKind {
    pub const ALL: [FacetKind; 5] = [
        FacetKind::Topic,
        FacetKind::Place,
        FacetKind::Speaker,
        FacetKind::Outlet,
        FacetKind::Language,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            FacetKind::Topic => "topic",
            FacetKind::Place => "place",
            FacetKind::Speaker => "speaker",
            FacetKind::Outlet => "outlet",
            FacetKind::Language => "language",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DevOrder {
    /// Latest report first.
    Recent,
    /// Most outlets first, then latest report.
    Corroborated,
}

#[derive(Debug, Clone)]
pub struct DevQuery {
    pub briefing_id: BriefingId,
    /// Empty: all.
    pub statuses: Vec<DevStatus>,
    /// Every filter must match (exact facet values).
    pub filters: Vec<(FacetKind, String)>,
    pub order: DevOrder,
    pub offset: usize,
    pub limit: usize,
}

/// Where reports go in a regrouping.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Existing(DevelopmentId),
    New,
}

/// A report joining a development (new or existing) as the grouper decided.
#[derive(Debug, Clone)]
pub struct Attach {
    pub briefing_id: BriefingId,
    pub report_id: ReportId,
    pub target: Target,
    pub near_duplicate_of: Option<ReportId>,
    pub score: f32,
    /// The development's summary with the report in it.
    pub summary: Summary,
}

/// Reports moving between developments (merge, split, move), with both sides' new summaries.
#[derive(Debug, Clone)]
pub struct Regroup {
    pub reports: Vec<ReportId>,
    pub from: DevelopmentId,
    /// `from`'s version when the desk acted on it.
    pub from_version: i64,
    pub to: Target,
    /// `None`: `from` is left empty and becomes `Merged` into the target.
    pub from_summary: Option<Summary>,
    pub to_summary: Summary,
    pub record: NewRecord,
}

/// A desk record before it has its id.
#[derive(Debug, Clone)]
pub struct NewRecord {
    pub action: String,
    pub actor_id: livebrief_model::UserId,
    pub actor_name: String,
    pub at: Timestamp,
    pub detail: String,
}

/// A change to one development's desk state (status, editor's text, entry, dismissal), made on `version`.
#[derive(Debug, Clone)]
pub struct DevUpdate {
    pub id: DevelopmentId,
    pub version: i64,
    pub status: DevStatus,
    pub edited: Option<EditedText>,
    pub entry_id: Option<EntryId>,
    pub dismissed: Option<String>,
    /// Reset the count of reports that came after publication (the entry took them).
    pub reset_since_publish: bool,
    pub record: NewRecord,
}

#[async_trait]
pub trait DeskStore: Send + Sync + 'static {
    /// Puts a report into a development (creating it for `Target::New`) and stores the development's new
    /// summary, in one transaction. A report already in a development is moved. Returns the development.
    async fn attach(&self, a: &Attach, at: Timestamp) -> Result<Development>;
    /// Replaces a development's summary (its reports changed elsewhere, e.g. a report was re-read).
    async fn set_summary(&self, id: DevelopmentId, summary: &Summary, at: Timestamp) -> Result<Development>;
    async fn development(&self, id: DevelopmentId) -> Result<Option<Development>>;
    async fn list_developments(&self, q: &DevQuery) -> Result<Vec<Development>>;
    /// The values of one facet among a briefing's live developments, with counts, most common first.
    async fn facet_values(&self, briefing: BriefingId, kind: FacetKind, limit: usize) -> Result<Vec<(String, u64)>>;
    /// A development's reports with their membership, earliest publication first.
    async fn development_reports(&self, id: DevelopmentId) -> Result<Vec<(Membership, Report)>>;
    async fn membership(&self, report: ReportId) -> Result<Option<Membership>>;
    /// Memberships of reports received at or after `since`, oldest first, for rebuilding the grouper.
    async fn memberships_since(&self, since: Timestamp) -> Result<Vec<(Membership, Report)>>;
    /// Applies a desk change and its record; `Conflict` when the development moved past `version`.
    async fn update_development(&self, u: &DevUpdate) -> Result<Development>;
    /// Moves reports between developments with both summaries and the record, in one transaction.
    /// Returns (from, to).
    async fn regroup(&self, r: &Regroup) -> Result<(Development, Development)>;
    /// Every desk action on a development, oldest first.
    async fn desk_records(&self, id: DevelopmentId) -> Result<Vec<DeskRecord>>;
    /// The development an entry was made from.
    async fn development_of_entry(&self, entry: EntryId) -> Result<Option<Development>>;
    /// Held while the grouper or a desk decision changes memberships: one holder at a time across every
    /// process on the store (PostgreSQL: a session advisory lock on a connection of its own, released when the
    /// guard is dropped or the connection ends; SQLite: one process per data directory, nothing to take).
    /// Every membership write ([`DeskStore::attach`], [`DeskStore::regroup`]) must be made under it: that is
    /// what keeps change numbers in commit order.
    async fn lock_grouping(&self) -> Result<GroupingLock>;
    /// The newest membership change number (0 before any).
    async fn membership_seq(&self) -> Result<i64>;
    /// Memberships changed after `after` (a change number and a report id: one change can move many reports), in
    /// change order, at most `limit`: what an instance's grouper catches up on when others grouped or decided
    /// (see [`DeskStore::lock_grouping`]). `(0, ReportId(0))` starts from the beginning.
    async fn membership_changes(&self, after: (i64, ReportId), limit: usize) -> Result<Vec<MembershipChange>>;
}

/// A membership as it is after a change: its change number, the report and the development it is in now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MembershipChange {
    pub seq: i64,
    pub briefing_id: BriefingId,
    pub report_id: ReportId,
    pub development_id: DevelopmentId,
}

/// The grouping lock ([`DeskStore::lock_grouping`]), held until dropped.
pub struct GroupingLock {
    _held: Option<Box<dyn Send + Sync>>,
}

impl GroupingLock {
    /// Nothing to hold: the process is the store's only writer.
    pub fn local() -> Self {
        GroupingLock { _held: None }
    }

    /// Holds `held` (whose `Drop` releases the lock) until the guard is dropped.
    pub fn holding(held: Box<dyn Send + Sync>) -> Self {
        GroupingLock { _held: Some(held) }
    }
}

impl std::fmt::Debug for GroupingLock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self._held.is_some() {
            "GroupingLock(shared)"
        } else {
            "GroupingLock(local)"
        })
    }
}
