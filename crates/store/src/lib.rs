//! Persistence behind one interface, [`Store`].
//!
//! Architecture invariant: only this crate knows SQL. Callers speak in model types; every write that
//! changes an entry stores the new state, its revision and its public event in one transaction, so a
//! reader can never see an entry without its history or miss the event that announced it.
//!
//! The SQLite backend is the default (one file in the data directory, WAL, `synchronous=FULL`: a write
//! that returned is on disk). The PostgreSQL backend ([`PgStore`]) implements the same trait for several
//! instances on one database; both pass [`conformance::run`].

pub mod codec;
pub mod conformance;
pub mod desk;
pub mod ingest;
pub mod maps;
pub mod migrate;
mod postgres;
pub mod quotes;
mod sqlite;
#[doc(hidden)]
pub mod testing;

use async_trait::async_trait;
use livebrief_model::{
    Actor, ApiToken, Briefing, BriefingDraft, BriefingId, Change, Entry, EntryId, Event, EventId, NewApiToken, Report,
    ReportChange, ReportDraft, ReportId, Revision, Role, Status, Timestamp, User, UserId,
};

pub use desk::{
    Attach, DeskStore, DevOrder, DevQuery, DevUpdate, FacetKind, GroupingLock, MembershipChange, NewRecord, Regroup,
    Target,
};
pub use ingest::{IngestStore, ItemsAdded, SeenItem};
pub use maps::MapStore;
pub use postgres::{PgStore, is_postgres_url};
pub use quotes::{QuoteCursor, QuotePage, QuoteQuery, QuoteStore};
pub use sqlite::SqliteStore;

/// One item of a store's change feed ([`Store::change_feed`]), written by any process on the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeedItem {
    /// A public event was committed.
    Event(BriefingId, EventId),
    /// A briefing was created.
    Briefing(BriefingId),
    /// The feed may have missed items (its connection was down, or it just started): catch up from the store.
    Resync,
    /// Something changed on a briefing's desk (not public), announced by the process `origin`
    /// ([`Store::announce_desk`]).
    Desk {
        origin: u64,
        briefing: BriefingId,
        kind: DeskKind,
        id: i64,
    },
}

/// What a desk announcement is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeskKind {
    Development,
    Source,
    Job,
}

impl DeskKind {
    pub fn letter(self) -> char {
        match self {
            DeskKind::Development => 'd',
            DeskKind::Source => 's',
            DeskKind::Job => 'j',
        }
    }

    pub fn from_letter(c: &str) -> Option<Self> {
        match c {
            "d" => Some(DeskKind::Development),
            "s" => Some(DeskKind::Source),
            "j" => Some(DeskKind::Job),
            _ => None,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    /// A unique name is taken, or the row changed since it was read.
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("database error: {0}")]
    Backend(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// The database cannot be reached (PostgreSQL down or restarting): nothing was written; try again.
    #[error("database unavailable: {0}")]
    Unavailable(String),
}

impl StoreError {
    /// Worth retrying: the database was busy or the connection dropped.
    pub fn is_transient(&self) -> bool {
        match self {
            StoreError::Unavailable(_) => true,
            StoreError::Backend(e) if e.is::<tokio_postgres::Error>() => e
                .downcast_ref::<tokio_postgres::Error>()
                .is_some_and(postgres::is_transient),
            StoreError::Backend(e) => e
                .downcast_ref::<rusqlite::Error>()
                .and_then(|e| e.sqlite_error_code())
                .is_some_and(|c| {
                    matches!(
                        c,
                        rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked
                    )
                }),
            _ => false,
        }
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    NewestFirst,
    OldestFirst,
}

/// Position after which a page continues: the sort time and id of the last entry shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    pub at: Timestamp,
    pub id: EntryId,
}

#[derive(Debug, Clone)]
pub struct EntryQuery {
    pub briefing_id: BriefingId,
    /// Which statuses to include; empty means all.
    pub statuses: Vec<Status>,
    pub order: Order,
    pub after: Option<Cursor>,
    pub limit: usize,
    /// Entries that carry this topic (case-insensitive).
    pub topic: Option<String>,
    pub pinned: Option<bool>,
    pub key_event: Option<bool>,
    /// When set, entries that are not public (drafts, pending) are included only if this user wrote them:
    /// what a contributor may see (see `Entry::visibility`).
    pub private_of: Option<UserId>,
}

impl EntryQuery {
    /// What readers see: published entries and retraction stubs, newest first.
    pub fn public(briefing_id: BriefingId, limit: usize) -> Self {
        EntryQuery {
            briefing_id,
            statuses: vec![Status::Published, Status::Retracted],
            order: Order::NewestFirst,
            after: None,
            limit,
            topic: None,
            pinned: None,
            key_event: None,
            private_of: None,
        }
    }
}

/// What `Store::save_report` did.
#[derive(Debug, Clone, PartialEq)]
pub enum ReportSaved {
    /// A new report.
    Created(Report),
    /// The report with this URL, its text and reading replaced.
    Replaced(Report),
    /// The report with this URL, unchanged: the sender may not replace it.
    Kept(Report),
}

impl ReportSaved {
    pub fn report(&self) -> &Report {
        match self {
            ReportSaved::Created(r) | ReportSaved::Replaced(r) | ReportSaved::Kept(r) => r,
        }
    }
    pub fn into_report(self) -> Report {
        match self {
            ReportSaved::Created(r) | ReportSaved::Replaced(r) | ReportSaved::Kept(r) => r,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Page {
    pub items: Vec<Entry>,
    /// Where the next page starts, when there is one.
    pub next: Option<Cursor>,
}

/// The time an entry sorts by: publication, or creation for entries never published.
pub fn sort_time(e: &Entry) -> Timestamp {
    e.published_at.unwrap_or(e.created_at)
}

#[async_trait]
/// Everything a backend stores: entries and accounts here, the ingest pipeline ([`IngestStore`]), the desk
/// ([`DeskStore`]) and the quote tracker ([`QuoteStore`]) in their own traits.
pub trait Store: IngestStore + DeskStore + QuoteStore + MapStore + Send + Sync + 'static {
    /// The value under `key`, or `init` stored there if there was none. Used for instance secrets.
    async fn setting_or_init(&self, key: &str, init: Vec<u8>) -> Result<Vec<u8>>;

    async fn create_user(&self, name: &str, role: Role, password_hash: &str, at: Timestamp) -> Result<User>;
    async fn set_password(&self, id: UserId, password_hash: &str) -> Result<()>;
    /// The user and their password hash.
    async fn user_by_name(&self, name: &str) -> Result<Option<(User, String)>>;
    async fn user(&self, id: UserId) -> Result<Option<User>>;
    async fn list_users(&self) -> Result<Vec<User>>;

    async fn create_session(&self, token_hash: &[u8], user: UserId, at: Timestamp, expires: Timestamp) -> Result<()>;
    /// The user of a live session (not expired at `now`).
    async fn session_user(&self, token_hash: &[u8], now: Timestamp) -> Result<Option<User>>;
    async fn delete_session(&self, token_hash: &[u8]) -> Result<()>;
    async fn delete_expired_sessions(&self, now: Timestamp) -> Result<u64>;

    /// Stores a new API token (its hash) under the owner's current password; returns its id.
    async fn create_api_token(&self, token: &NewApiToken) -> Result<i64>;
    /// The owner of an active token and the token: not revoked, not expired at `now`, and made since the
    /// owner's password last changed.
    async fn api_token_user(&self, token_hash: &[u8], now: Timestamp) -> Result<Option<(User, ApiToken)>>;
    /// Records that the token authenticated a request at `at`.
    async fn touch_api_token(&self, id: i64, at: Timestamp) -> Result<()>;
    /// The tokens of `user`, or everyone's; newest first. Revoked and expired ones too.
    async fn list_api_tokens(&self, user: Option<UserId>) -> Result<Vec<ApiToken>>;
    async fn api_token(&self, id: i64) -> Result<Option<ApiToken>>;
    /// Revokes a token (a second revocation keeps the first time); `NotFound` when there is no such token.
    async fn revoke_api_token(&self, id: i64, at: Timestamp) -> Result<ApiToken>;

    async fn create_briefing(&self, draft: &BriefingDraft, at: Timestamp) -> Result<Briefing>;
    /// Changes title, summary and language (the slug stays) and records a `briefing_updated` event.
    async fn update_briefing(&self, id: BriefingId, draft: &BriefingDraft, at: Timestamp) -> Result<(Briefing, Event)>;
    async fn briefing(&self, id: BriefingId) -> Result<Option<Briefing>>;

    /// Stores a report with its reading, sent in by `by` (`None`: the newsroom loop). A report with the same
    /// URL in the same briefing is the same report: when `Report::may_be_replaced_by(by)` (checked in the same
    /// transaction), its text and reading are replaced, its id kept, and a [`ReportChange`] keeps what was
    /// replaced; otherwise nothing changes and the stored report comes back as `Kept`.
    async fn save_report(&self, draft: &ReportDraft, by: Option<&Actor>, at: Timestamp) -> Result<ReportSaved>;
    async fn report(&self, id: ReportId) -> Result<Option<Report>>;
    /// The replacements of a report's text, oldest first.
    async fn report_changes(&self, id: ReportId) -> Result<Vec<ReportChange>>;
    /// A briefing's own topic list (the text format of `livebrief_nlp::parse_topics`), if it has one.
    async fn briefing_topics(&self, id: BriefingId) -> Result<Option<String>>;
    /// Sets a briefing's topic list; `None` goes back to the default topics.
    async fn set_briefing_topics(&self, id: BriefingId, list: Option<&str>, at: Timestamp) -> Result<()>;
    /// Newest first, before `before` when given.
    async fn list_reports(&self, briefing: BriefingId, before: Option<ReportId>, limit: usize) -> Result<Vec<Report>>;
    async fn briefing_by_slug(&self, slug: &str) -> Result<Option<Briefing>>;
    async fn list_briefings(&self) -> Result<Vec<Briefing>>;

    /// Stores a new entry (`change` from `EntryDraft::into_entry`): assigns its id, keeps revision 1 and
    /// the event, if any.
    async fn insert_entry(&self, change: Change) -> Result<(Entry, Option<Event>)>;
    /// Stores a change made from version `change.entry.version - 1`. `Conflict` if the entry moved on.
    async fn save_change(&self, change: Change) -> Result<(Entry, Option<Event>)>;
    async fn entry(&self, id: EntryId) -> Result<Option<Entry>>;
    async fn list_entries(&self, q: &EntryQuery) -> Result<Page>;
    /// Revisions of an entry, oldest first.
    async fn revisions(&self, id: EntryId) -> Result<Vec<Revision>>;
    /// Topics used by public entries of a briefing, with counts, most used first.
    async fn topics(&self, briefing: BriefingId) -> Result<Vec<(String, u64)>>;

    /// Public events of a briefing after `after`, oldest first, at most `limit`.
    async fn events_after(&self, briefing: BriefingId, after: EventId, limit: usize) -> Result<Vec<Event>>;
    /// The newest event id of every briefing that has one.
    async fn last_event_ids(&self) -> Result<Vec<(BriefingId, EventId)>>;

    /// What other processes on the same database write, as it commits: `None` for a backend that one process
    /// owns (SQLite). The feed carries ids only; the receiver reads what they name from the store.
    fn change_feed(&self) -> Option<tokio::sync::broadcast::Receiver<FeedItem>> {
        None
    }

    /// Tells the other processes on the database that something changed on a briefing's desk
    /// ([`FeedItem::Desk`] on their change feeds; `origin` lets the sender skip its own). Nothing for a
    /// backend that one process owns.
    async fn announce_desk(&self, _origin: u64, _briefing: BriefingId, _kind: DeskKind, _id: i64) -> Result<()> {
        Ok(())
    }

    /// Counts a sign-in attempt under every key (`(key, limit)`), unless a key already has `limit` attempts at
    /// or after `since`: then nothing is counted and the answer is `Err(oldest)`, the time of that key's
    /// oldest attempt in the window (the caller says how long to wait). Check and count are one atomic step
    /// across every process on the store. `Ok` carries the ids of the counted attempts.
    async fn reserve_login(
        &self,
        keys: &[(String, u32)],
        since: Timestamp,
        at: Timestamp,
    ) -> Result<std::result::Result<Vec<i64>, Timestamp>>;
    /// Takes back the attempts `ids`, and every attempt counted under `clear` (a success clears its pair).
    async fn forget_logins(&self, ids: &[i64], clear: &[String]) -> Result<()>;
    /// Forgets attempts older than `before` (their window has passed). Returns how many.
    async fn prune_logins(&self, before: Timestamp) -> Result<u64>;
}
