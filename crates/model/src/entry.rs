use jiff::Timestamp;
use jiff::civil::Date;

use crate::{Actor, BriefingId, EventKind, Role, RuleError, UserId};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EntryId(pub i64);

/// Size limits of an entry. Generous, but bounded: a live page must never carry a 10 MB entry.
pub mod limits {
    pub const HEADLINE_CHARS: usize = 300;
    pub const BODY_BYTES: usize = 100 * 1024;
    pub const TOPICS: usize = 12;
    pub const TOPIC_CHARS: usize = 60;
    pub const SOURCES: usize = 20;
    pub const SOURCE_TEXT_CHARS: usize = 300;
    pub const URL_BYTES: usize = 2048;
    pub const NOTE_CHARS: usize = 1000;
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    /// Being written; only the desk sees it.
    Draft,
    /// Submitted by a contributor, waiting for an editor's approval.
    Pending,
    /// Public.
    Published,
    /// Was public, withdrawn with a note; the stub stays public.
    Retracted,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Pending => "pending",
            Status::Published => "published",
            Status::Retracted => "retracted",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "draft" => Status::Draft,
            "pending" => Status::Pending,
            "published" => Status::Published,
            "retracted" => Status::Retracted,
            _ => return None,
        })
    }

    /// Readers see published entries and the stubs of retracted ones.
    pub fn is_public(self) -> bool {
        matches!(self, Status::Published | Status::Retracted)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BodyFormat {
    Markdown,
    Html,
}

impl BodyFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            BodyFormat::Markdown => "markdown",
            BodyFormat::Html => "html",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "markdown" => Some(BodyFormat::Markdown),
            "html" => Some(BodyFormat::Html),
            _ => None,
        }
    }
}

/// An entry's body: what the author wrote and its sanitised HTML rendering.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Body {
    pub format: BodyFormat,
    pub source: String,
    /// Safe HTML, produced by the content crate. Never built from `source` anywhere else.
    pub html: String,
}

/// Where a development was reported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Citation {
    pub outlet: String,
    pub url: String,
    pub title: String,
    pub published_at: Option<Timestamp>,
}

/// A public note attached to a change: the correction shown under an entry, or the reason for a retraction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Correction {
    pub note: String,
    pub at: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub id: EntryId,
    pub briefing_id: BriefingId,
    /// Increments with every change; writes carry the version they started from.
    pub version: i64,
    pub status: Status,
    pub headline: String,
    pub body: Body,
    /// The day the development happened (may differ from the day it was published).
    pub happened_on: Date,
    pub topics: Vec<String>,
    pub sources: Vec<Citation>,
    pub pinned: bool,
    pub key_event: bool,
    pub author_id: UserId,
    pub author_name: String,
    pub created_at: Timestamp,
    pub published_at: Option<Timestamp>,
    /// Last change of any kind, drafts included.
    pub updated_at: Timestamp,
    /// Last change of the public text after publication ("Updated 14:05"); feeds use it as `updated`.
    pub revised_at: Option<Timestamp>,
    pub correction: Option<Correction>,
    pub retraction: Option<Correction>,
}

/// A new entry as its author supplies it (body already rendered by the content crate).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryDraft {
    pub headline: String,
    pub body: Body,
    pub happened_on: Date,
    pub topics: Vec<String>,
    pub sources: Vec<Citation>,
    pub pinned: bool,
    pub key_event: bool,
    /// What the author asks for: `Draft`, `Pending` (submit for review) or `Published`.
    pub status: Status,
}

/// A change of text. `None` fields stay as they are.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EntryEdit {
    pub headline: Option<String>,
    pub body: Option<Body>,
    pub happened_on: Option<Date>,
    pub topics: Option<Vec<String>>,
    pub sources: Option<Vec<Citation>>,
    /// A public correction note. Editing a published entry with a note makes it a correction.
    pub correction_note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    Edit(EntryEdit),
    Submit,
    Publish,
    Approve,
    Pin(bool),
    KeyEvent(bool),
    Retract { note: String },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RevisionAction {
    Create,
    Edit,
    Correct,
    Submit,
    Publish,
    Approve,
    Pin,
    Unpin,
    MarkKeyEvent,
    UnmarkKeyEvent,
    Retract,
}

impl RevisionAction {
    pub fn as_str(self) -> &'static str {
        match self {
            RevisionAction::Create => "create",
            RevisionAction::Edit => "edit",
            RevisionAction::Correct => "correct",
            RevisionAction::Submit => "submit",
            RevisionAction::Publish => "publish",
            RevisionAction::Approve => "approve",
            RevisionAction::Pin => "pin",
            RevisionAction::Unpin => "unpin",
            RevisionAction::MarkKeyEvent => "mark_key_event",
            RevisionAction::UnmarkKeyEvent => "unmark_key_event",
            RevisionAction::Retract => "retract",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        use RevisionAction::*;
        Some(match s {
            "create" => Create,
            "edit" => Edit,
            "correct" => Correct,
            "submit" => Submit,
            "publish" => Publish,
            "approve" => Approve,
            "pin" => Pin,
            "unpin" => Unpin,
            "mark_key_event" => MarkKeyEvent,
            "unmark_key_event" => UnmarkKeyEvent,
            "retract" => Retract,
            _ => return None,
        })
    }
}

/// The state of an entry's content at one revision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snapshot {
    pub status: Status,
    pub headline: String,
    pub body: Body,
    pub happened_on: Date,
    pub topics: Vec<String>,
    pub sources: Vec<Citation>,
    pub pinned: bool,
    pub key_event: bool,
}

/// One kept step of an entry's history. Revisions are never changed or deleted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revision {
    pub entry_id: EntryId,
    /// 1 for the creation, then +1 per change; equals the entry's `version` after the change.
    pub number: i64,
    pub action: RevisionAction,
    pub actor_id: UserId,
    pub actor_name: String,
    pub at: Timestamp,
    pub note: Option<String>,
    pub snapshot: Snapshot,
}

/// The outcome of applying a rule: the entry after the change, its revision and the public event, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub entry: Entry,
    pub revision: Revision,
    pub event: Option<EventKind>,
}

fn check_text(what: &str, s: &str, max_chars: usize, required: bool) -> Result<(), RuleError> {
    let n = s.trim().chars().count();
    if required && n == 0 {
        return Err(RuleError::invalid(format!("{what} must not be empty")));
    }
    if s.chars().count() > max_chars {
        return Err(RuleError::invalid(format!(
            "{what} is longer than {max_chars} characters"
        )));
    }
    if s.chars().any(|c| c.is_control() && c != '\n' && c != '\t' && c != '\r') {
        return Err(RuleError::invalid(format!("{what} contains control characters")));
    }
    if let Some(c) = s.chars().find(|&c| crate::text::is_bidi_control(c)) {
        return Err(RuleError::invalid(format!(
            "{what} contains the text-direction control U+{:04X}, which reorders what readers see",
            c as u32
        )));
    }
    Ok(())
}

fn check_headline(h: &str) -> Result<(), RuleError> {
    check_text("headline", h, limits::HEADLINE_CHARS, true)?;
    if h.contains('\n') {
        return Err(RuleError::invalid("headline must be one line"));
    }
    Ok(())
}

fn check_body(b: &Body) -> Result<(), RuleError> {
    if b.source.len() > limits::BODY_BYTES {
        return Err(RuleError::invalid(format!(
            "body is larger than {} KiB",
            limits::BODY_BYTES / 1024
        )));
    }
    Ok(())
}

fn check_topics(topics: &[String]) -> Result<(), RuleError> {
    if topics.len() > limits::TOPICS {
        return Err(RuleError::invalid(format!("at most {} topics", limits::TOPICS)));
    }
    for t in topics {
        check_text("topic", t, limits::TOPIC_CHARS, true)?;
    }
    Ok(())
}

fn check_sources(sources: &[Citation]) -> Result<(), RuleError> {
    if sources.len() > limits::SOURCES {
        return Err(RuleError::invalid(format!("at most {} sources", limits::SOURCES)));
    }
    for s in sources {
        check_text("source outlet", &s.outlet, limits::SOURCE_TEXT_CHARS, true)?;
        check_text("source title", &s.title, limits::SOURCE_TEXT_CHARS, false)?;
        if s.url.len() > limits::URL_BYTES {
            return Err(RuleError::invalid("source URL is too long"));
        }
        if !s.url.is_empty() {
            let u = url::Url::parse(&s.url)
                .map_err(|_| RuleError::invalid(format!("source URL {:?} is not a URL", s.url)))?;
            if !matches!(u.scheme(), "http" | "https") {
                return Err(RuleError::invalid("source URLs must be http or https"));
            }
        }
    }
    Ok(())
}

fn check_note(note: &str) -> Result<(), RuleError> {
    check_text("note", note, limits::NOTE_CHARS, true)
}

/// Trims, drops empties and duplicates, keeps order.
pub fn normalize_topics(topics: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(topics.len());
    for t in topics {
        let t = t.trim().to_string();
        if !t.is_empty() && !out.iter().any(|o| o.eq_ignore_ascii_case(&t)) {
            out.push(t);
        }
    }
    out
}

impl EntryDraft {
    pub fn validate(&self) -> Result<(), RuleError> {
        check_headline(&self.headline)?;
        check_body(&self.body)?;
        check_topics(&self.topics)?;
        check_sources(&self.sources)?;
        Ok(())
    }

    /// Builds the new entry (id and briefing filled in by the store) after checking who may create it.
    /// Contributors' entries never start public: asking to publish submits them for review instead.
    pub fn into_entry(mut self, briefing_id: BriefingId, actor: &Actor, now: Timestamp) -> Result<Change, RuleError> {
        self.topics = normalize_topics(self.topics);
        self.validate()?;
        let mut status = self.status;
        if status == Status::Retracted {
            return Err(RuleError::invalid("a new entry cannot be retracted"));
        }
        if !actor.role.can_publish() {
            if status == Status::Published {
                status = Status::Pending;
            }
            if self.pinned || self.key_event {
                return Err(RuleError::forbidden("only editors can pin entries or mark key events"));
            }
        }
        let published = status == Status::Published;
        let entry = Entry {
            id: EntryId(0),
            briefing_id,
            version: 1,
            status,
            headline: self.headline.trim().to_string(),
            body: self.body,
            happened_on: self.happened_on,
            topics: self.topics,
            sources: self.sources,
            pinned: self.pinned,
            key_event: self.key_event,
            author_id: actor.id,
            author_name: actor.name.clone(),
            created_at: now,
            published_at: published.then_some(now),
            updated_at: now,
            revised_at: None,
            correction: None,
            retraction: None,
        };
        let revision = entry.revision(1, RevisionAction::Create, actor, now, None);
        Ok(Change {
            event: published.then_some(EventKind::Published),
            entry,
            revision,
        })
    }
}

impl Entry {
    pub fn snapshot(&self) -> Snapshot {
        Snapshot {
            status: self.status,
            headline: self.headline.clone(),
            body: self.body.clone(),
            happened_on: self.happened_on,
            topics: self.topics.clone(),
            sources: self.sources.clone(),
            pinned: self.pinned,
            key_event: self.key_event,
        }
    }

    fn revision(
        &self,
        number: i64,
        action: RevisionAction,
        actor: &Actor,
        at: Timestamp,
        note: Option<String>,
    ) -> Revision {
        Revision {
            entry_id: self.id,
            number,
            action,
            actor_id: actor.id,
            actor_name: actor.name.clone(),
            at,
            note,
            snapshot: self.snapshot(),
        }
    }

    /// The time readers and feeds see as "last updated".
    pub fn public_updated_at(&self) -> Timestamp {
        let mut t = self.published_at.unwrap_or(self.created_at);
        for c in [self.revised_at, self.retraction.as_ref().map(|r| r.at)]
            .into_iter()
            .flatten()
        {
            if c > t {
                t = c;
            }
        }
        t
    }

    /// Applies `action` by `actor` at `now`. Pure: returns the changed entry, the revision to keep and the
    /// public event to announce, or why the change is not allowed.
    pub fn apply(&self, action: Action, actor: &Actor, now: Timestamp) -> Result<Change, RuleError> {
        let editor = actor.role.can_publish();
        let own = actor.id == self.author_id;
        let mut next = self.clone();
        next.version = self.version + 1;
        next.updated_at = now;
        let was_public = self.status == Status::Published;
        let need_editor = |what: &str| -> Result<(), RuleError> {
            if editor {
                Ok(())
            } else {
                Err(RuleError::forbidden(format!("only editors can {what}")))
            }
        };
        let (rev_action, event, note) = match action {
            Action::Edit(edit) => {
                // Who may edit first: a contributor learns nothing about the state of an entry they may not edit.
                let own_unpublished = own && matches!(self.status, Status::Draft | Status::Pending);
                if !(editor || own_unpublished) {
                    return Err(RuleError::forbidden(
                        "contributors can edit only their own entries before they are published",
                    ));
                }
                if self.status == Status::Retracted {
                    return Err(RuleError::Conflict("a retracted entry cannot be edited".into()));
                }
                if let Some(h) = edit.headline {
                    check_headline(&h)?;
                    next.headline = h.trim().to_string();
                }
                if let Some(b) = edit.body {
                    check_body(&b)?;
                    next.body = b;
                }
                if let Some(d) = edit.happened_on {
                    next.happened_on = d;
                }
                if let Some(t) = edit.topics {
                    let t = normalize_topics(t);
                    check_topics(&t)?;
                    next.topics = t;
                }
                if let Some(s) = edit.sources {
                    check_sources(&s)?;
                    next.sources = s;
                }
                let note = match edit
                    .correction_note
                    .map(|n| n.trim().to_string())
                    .filter(|n| !n.is_empty())
                {
                    Some(n) => {
                        check_note(&n)?;
                        if !was_public {
                            return Err(RuleError::invalid(
                                "a correction note applies only to a published entry",
                            ));
                        }
                        Some(n)
                    }
                    None => None,
                };
                if was_public {
                    next.revised_at = Some(now);
                }
                let rev_action = match &note {
                    Some(n) => {
                        next.correction = Some(Correction {
                            note: n.clone(),
                            at: now,
                        });
                        RevisionAction::Correct
                    }
                    None => RevisionAction::Edit,
                };
                (rev_action, was_public.then_some(EventKind::Updated), note)
            }
            Action::Submit => {
                if self.status != Status::Draft {
                    return Err(RuleError::Conflict("only a draft can be submitted".into()));
                }
                if !editor && !own {
                    return Err(RuleError::forbidden("only the author can submit this draft"));
                }
                next.status = Status::Pending;
                (RevisionAction::Submit, None, None)
            }
            Action::Publish | Action::Approve => {
                need_editor("publish entries")?;
                let approve = matches!(action, Action::Approve);
                let expected_ok = if approve {
                    self.status == Status::Pending
                } else {
                    matches!(self.status, Status::Draft | Status::Pending)
                };
                if !expected_ok {
                    return Err(RuleError::Conflict(format!(
                        "cannot {} an entry that is {}",
                        if approve { "approve" } else { "publish" },
                        self.status.as_str()
                    )));
                }
                next.status = Status::Published;
                next.published_at = Some(self.published_at.unwrap_or(now));
                (
                    if approve {
                        RevisionAction::Approve
                    } else {
                        RevisionAction::Publish
                    },
                    Some(EventKind::Published),
                    None,
                )
            }
            Action::Pin(on) => {
                need_editor("pin entries")?;
                if self.status == Status::Retracted && on {
                    return Err(RuleError::Conflict("a retracted entry cannot be pinned".into()));
                }
                if self.pinned == on {
                    return Err(RuleError::Conflict(format!(
                        "the entry is already {}",
                        if on { "pinned" } else { "unpinned" }
                    )));
                }
                next.pinned = on;
                (
                    if on { RevisionAction::Pin } else { RevisionAction::Unpin },
                    was_public.then_some(EventKind::Pinned),
                    None,
                )
            }
            Action::KeyEvent(on) => {
                need_editor("mark key events")?;
                if self.key_event == on {
                    return Err(RuleError::Conflict("nothing to change".into()));
                }
                next.key_event = on;
                (
                    if on {
                        RevisionAction::MarkKeyEvent
                    } else {
                        RevisionAction::UnmarkKeyEvent
                    },
                    was_public.then_some(EventKind::Updated),
                    None,
                )
            }
            Action::Retract { note } => {
                need_editor("retract entries")?;
                let note = note.trim().to_string();
                check_note(&note)?;
                if self.status != Status::Published {
                    return Err(RuleError::Conflict("only a published entry can be retracted".into()));
                }
                next.status = Status::Retracted;
                next.pinned = false;
                next.retraction = Some(Correction {
                    note: note.clone(),
                    at: now,
                });
                (RevisionAction::Retract, Some(EventKind::Retracted), Some(note))
            }
        };
        let revision = next.revision(next.version, rev_action, actor, now, note);
        Ok(Change {
            entry: next,
            revision,
            event,
        })
    }
}

impl Role {
    /// The status a new entry gets when this role asks to publish it.
    pub fn publish_status(self) -> Status {
        if self.can_publish() {
            Status::Published
        } else {
            Status::Pending
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::UserId;

    fn actor(role: Role, id: i64) -> Actor {
        Actor {
            id: UserId(id),
            name: format!("u{id}"),
            role,
        }
    }

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn draft(status: Status) -> EntryDraft {
        EntryDraft {
            headline: "Talks resume".into(),
            body: Body {
                format: BodyFormat::Markdown,
                source: "text".into(),
                html: "<p>text</p>".into(),
            },
            happened_on: Date::constant(2025, 3, 13),
            topics: vec![" Diplomacy ".into(), "diplomacy".into(), "".into()],
            sources: vec![],
            pinned: false,
            key_event: false,
            status,
        }
    }

    #[test]
    fn contributor_publish_becomes_pending() {
        let c = draft(Status::Published)
            .into_entry(BriefingId(1), &actor(Role::Contributor, 2), ts("2025-03-13T10:00:00Z"))
            .unwrap();
        assert_eq!(c.entry.status, Status::Pending);
        assert_eq!(c.event, None);
        assert_eq!(c.entry.topics, vec!["Diplomacy".to_string()]);
    }

    #[test]
    fn correction_keeps_note_and_revises() {
        let ed = actor(Role::Editor, 1);
        let c = draft(Status::Published)
            .into_entry(BriefingId(1), &ed, ts("2025-03-13T10:00:00Z"))
            .unwrap();
        let e = c.entry;
        let later = ts("2025-03-13T11:00:00Z");
        let edit = EntryEdit {
            headline: Some("Talks resume in Riyadh".into()),
            correction_note: Some("Corrected the city.".into()),
            ..Default::default()
        };
        let c2 = e.apply(Action::Edit(edit), &ed, later).unwrap();
        assert_eq!(c2.revision.action, RevisionAction::Correct);
        assert_eq!(c2.event, Some(EventKind::Updated));
        assert_eq!(c2.entry.revised_at, Some(later));
        assert_eq!(c2.entry.public_updated_at(), later);
        assert_eq!(c2.entry.version, 2);
        assert_eq!(c2.revision.number, 2);
        assert_eq!(c2.entry.correction.as_ref().unwrap().note, "Corrected the city.");
    }

    #[test]
    fn contributor_cannot_publish_or_retract() {
        let co = actor(Role::Contributor, 2);
        let c = draft(Status::Pending)
            .into_entry(BriefingId(1), &co, ts("2025-03-13T10:00:00Z"))
            .unwrap();
        assert!(matches!(
            c.entry.apply(Action::Approve, &co, ts("2025-03-13T10:01:00Z")),
            Err(RuleError::Forbidden(_))
        ));
        let ed = actor(Role::Editor, 1);
        let ok = c.entry.apply(Action::Approve, &ed, ts("2025-03-13T10:02:00Z")).unwrap();
        assert_eq!(ok.entry.status, Status::Published);
        assert_eq!(ok.event, Some(EventKind::Published));
        assert!(matches!(
            ok.entry
                .apply(Action::Retract { note: "x".into() }, &co, ts("2025-03-13T10:03:00Z")),
            Err(RuleError::Forbidden(_))
        ));
        assert!(matches!(
            ok.entry
                .apply(Action::Retract { note: " ".into() }, &ed, ts("2025-03-13T10:03:00Z")),
            Err(RuleError::Invalid(_))
        ));
        let r = ok
            .entry
            .apply(
                Action::Retract {
                    note: "Wrong report".into(),
                },
                &ed,
                ts("2025-03-13T10:03:00Z"),
            )
            .unwrap();
        assert_eq!(r.entry.status, Status::Retracted);
        assert!(
            r.entry
                .apply(Action::Edit(EntryEdit::default()), &ed, ts("2025-03-13T10:04:00Z"))
                .is_err()
        );
    }

    #[test]
    fn bad_source_url_rejected() {
        let mut d = draft(Status::Draft);
        d.sources.push(Citation {
            outlet: "X".into(),
            url: "javascript:alert(1)".into(),
            title: String::new(),
            published_at: None,
        });
        assert!(d.validate().is_err());
    }
}
