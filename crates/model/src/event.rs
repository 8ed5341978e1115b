use jiff::Timestamp;

use crate::{BriefingId, EntryId};

/// Position in the public change stream. Monotonic across the whole instance, so a reader that
/// reconnects with the last id it saw gets exactly what it missed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EventId(pub i64);

/// Public changes that readers see. Changes to drafts make no event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventKind {
    /// An entry became public.
    Published,
    /// A public entry's text, flags or correction changed.
    Updated,
    /// A public entry was withdrawn; it stays as a stub with the note.
    Retracted,
    /// A public entry was pinned or unpinned.
    Pinned,
    /// The briefing's own title or summary changed.
    BriefingUpdated,
}

impl EventKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Published => "published",
            EventKind::Updated => "updated",
            EventKind::Retracted => "retracted",
            EventKind::Pinned => "pinned",
            EventKind::BriefingUpdated => "briefing_updated",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "published" => EventKind::Published,
            "updated" => EventKind::Updated,
            "retracted" => EventKind::Retracted,
            "pinned" => EventKind::Pinned,
            "briefing_updated" => EventKind::BriefingUpdated,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub id: EventId,
    pub briefing_id: BriefingId,
    pub kind: EventKind,
    pub entry_id: Option<EntryId>,
    pub at: Timestamp,
}
