//! The domain model of livebrief.
//!
//! Pure values and the rules that change them: no IO, no clock (every rule takes `now`), no wire formats.
//! Storage, HTTP and rendering live in outer crates and convert to and from these types.

mod account;
mod briefing;
pub mod development;
mod entry;
mod event;
pub mod job;
pub mod map;
pub mod quotes;
pub mod reading;
mod report;
pub mod source;
pub mod text;
mod visibility;

pub use account::{Actor, ApiToken, NewApiToken, Role, User, UserId};
pub use briefing::{Briefing, BriefingDraft, BriefingId, validate_slug};
pub use development::{
    DeskAction, DeskRecord, DevStatus, Development, DevelopmentId, Draft, EditedText, Facets, Membership, Piece,
    PieceField, Summary,
};
pub use entry::{
    Action, Body, BodyFormat, Change, Citation, Correction, Entry, EntryDraft, EntryEdit, EntryId, Revision,
    RevisionAction, Snapshot, Status, limits,
};
pub use event::{Event, EventId, EventKind, Subject};
pub use job::{Job, JobId, JobState, NewJob, Retry};
pub use map::{ChangeFigures, LayerChange, MapCard, MapLayer, MapLayerId, NewMapLayer};
pub use quotes::{
    NewQuote, SPEAKER_NAME_CHARS, Speaker, SpeakerAction, SpeakerAlias, SpeakerId, TrackedQuote, TrackedQuoteId,
};
pub use reading::{READING_VERSION, Reading};
pub use report::{MAX_REPORT_TEXT, Report, ReportActor, ReportChange, ReportDraft, ReportId};
pub use source::{Health, PollOutcome, PollState, Source, SourceDraft, SourceId, SourceKind, backoff};
pub use visibility::{PublicStep, Visibility, public_history};

pub use jiff::Timestamp;
pub use jiff::civil::Date;
pub use jiff::tz::TimeZone;

/// Why a requested change is not allowed or not valid. Carries a message for the person who asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RuleError {
    #[error("{0}")]
    Invalid(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    Conflict(String),
}

impl RuleError {
    pub(crate) fn invalid(msg: impl Into<String>) -> Self {
        RuleError::Invalid(msg.into())
    }
    pub(crate) fn forbidden(msg: impl Into<String>) -> Self {
        RuleError::Forbidden(msg.into())
    }
}
