use jiff::Timestamp;

use crate::{BriefingId, EntryId, MapLayerId};

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
    /// A map layer was imported (or a day's layer replaced).
    MapUpdated,
}

impl EventKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Published => "published",
            EventKind::Updated => "updated",
            EventKind::Retracted => "retracted",
            EventKind::Pinned => "pinned",
            EventKind::BriefingUpdated => "briefing_updated",
            EventKind::MapUpdated => "map_updated",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "published" => EventKind::Published,
            "updated" => EventKind::Updated,
            "retracted" => EventKind::Retracted,
            "pinned" => EventKind::Pinned,
            "briefing_updated" => EventKind::BriefingUpdated,
            "map_updated" => EventKind::MapUpdated,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub id: EventId,
    pub briefing_id: BriefingId,
    pub kind: EventKind,
    pub subject: Subject,
    pub at: Timestamp,
}

impl Event {
    /// The entry the event is about, if it is about one.
    pub fn entry_id(&self) -> Option<EntryId> {
        match self.subject {
            Subject::Entry(id) => Some(id),
            _ => None,
        }
    }
}

/// What an event is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Subject {
    /// The briefing itself (its title or summary).
    Briefing,
    Entry(EntryId),
    /// A stored map layer revision.
    MapLayer(MapLayerId),
}

impl Subject {
    /// From the stored columns (at most one is set).
    pub fn from_ids(entry: Option<i64>, layer: Option<i64>) -> Subject {
        match (entry, layer) {
            (Some(e), _) => Subject::Entry(EntryId(e)),
            (None, Some(l)) => Subject::MapLayer(MapLayerId(l)),
            (None, None) => Subject::Briefing,
        }
    }
    /// The stored columns: (entry id, layer id).
    pub fn ids(self) -> (Option<i64>, Option<i64>) {
        match self {
            Subject::Briefing => (None, None),
            Subject::Entry(e) => (Some(e.0), None),
            Subject::MapLayer(l) => (None, Some(l.0)),
        }
    }
}
