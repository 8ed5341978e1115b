//! Storage of the quote tracker: speakers (global: a person is a person across briefings) with their
//! spellings, and the quotes of entries filed under them. Readers only ever see quotes whose entry is
//! published; a pending or retracted entry's quotes are kept but not listed.

use async_trait::async_trait;
use livebrief_model::{
    BriefingId, Date, DevelopmentId, EntryId, NewQuote, Speaker, SpeakerAlias, SpeakerId, Timestamp, TrackedQuote,
    TrackedQuoteId,
};

use crate::Result;

/// Where a page of quotes continues: the day and id of the last quote shown (newest first).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuoteCursor {
    pub day: Date,
    pub id: TrackedQuoteId,
}

/// Which published quotes of a briefing to list, newest first (by the day said, else reported).
#[derive(Debug, Clone)]
pub struct QuoteQuery {
    pub briefing_id: BriefingId,
    pub speaker: Option<SpeakerId>,
    /// An entry topic (case-insensitive).
    pub topic: Option<String>,
    /// Said on or after / on or before (quotes without a known day never match a date filter).
    pub from: Option<Date>,
    pub to: Option<Date>,
    pub before: Option<QuoteCursor>,
    pub limit: usize,
}

impl QuoteQuery {
    pub fn new(briefing_id: BriefingId, limit: usize) -> Self {
        QuoteQuery {
            briefing_id,
            speaker: None,
            topic: None,
            from: None,
            to: None,
            before: None,
            limit,
        }
    }
}

#[derive(Debug, Clone)]
pub struct QuotePage {
    pub items: Vec<TrackedQuote>,
    pub next: Option<QuoteCursor>,
}

#[async_trait]
pub trait QuoteStore: Send + Sync + 'static {
    /// The (live) speaker a spelling belongs to.
    async fn speaker_by_alias(&self, key: &str) -> Result<Option<Speaker>>;
    /// Live speakers with a spelling of this surname skeleton, each with whether it has quotes in `briefing`
    /// (any entry status: the desk's own briefing counts before publication).
    async fn speakers_by_surname(&self, surname: &str, briefing: BriefingId) -> Result<Vec<(Speaker, bool)>>;
    /// A new speaker known by one spelling. `Conflict` when the spelling belongs to someone already.
    async fn create_speaker(&self, name: &str, alias: &SpeakerAlias, at: Timestamp) -> Result<Speaker>;
    /// Adds a spelling to a speaker: `true` when added, `false` when it was already theirs, `Conflict` when it
    /// is another speaker's.
    async fn add_alias(&self, speaker: SpeakerId, alias: &SpeakerAlias, at: Timestamp) -> Result<bool>;
    /// Changes the display name; `locked` (an editor chose it) keeps the machine from improving it later.
    async fn set_speaker_name(&self, id: SpeakerId, name: &str, locked: bool, at: Timestamp) -> Result<Speaker>;
    /// Makes `quotes` the entry's quotes (made from `development`), in one transaction: a quote recorded before
    /// (same report and ordinal) keeps its id and takes the new values; the entry's quotes not in the list go.
    /// Recording the same list again changes nothing.
    async fn record_quotes(
        &self,
        entry: EntryId,
        development: DevelopmentId,
        quotes: &[NewQuote],
        at: Timestamp,
    ) -> Result<Vec<TrackedQuote>>;
    /// Published quotes, newest first.
    async fn list_quotes(&self, q: &QuoteQuery) -> Result<QuotePage>;
    /// Every quote of an entry, whatever its status (for the desk and tests).
    async fn entry_quotes(&self, entry: EntryId) -> Result<Vec<TrackedQuote>>;
    /// The speakers with published quotes in a briefing; `quote_count` counts those. Most quoted first.
    async fn briefing_speakers(&self, briefing: BriefingId) -> Result<Vec<Speaker>>;
    /// A speaker (merged ones too: `merged_into` says where they went); `quote_count` counts published quotes in
    /// every briefing.
    async fn speaker(&self, id: SpeakerId) -> Result<Option<Speaker>>;
    /// Live speakers by name, `offset` and `limit` for paging; counts as in [`QuoteStore::speaker`].
    async fn list_speakers(&self, offset: usize, limit: usize) -> Result<Vec<Speaker>>;
    /// Moves every spelling and quote of `from` to `into` and marks `from` merged into it. Returns `into`.
    async fn merge_speakers(&self, from: SpeakerId, into: SpeakerId, at: Timestamp) -> Result<Speaker>;
    /// Moves the spellings `aliases` of `from`, and its quotes made under them, to a new speaker called `name`.
    /// Returns the new speaker.
    async fn split_speaker(&self, from: SpeakerId, aliases: &[String], name: &str, at: Timestamp) -> Result<Speaker>;
}
