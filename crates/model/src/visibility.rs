//! Who sees what of an entry: the one rule every output (pages, feeds, the live stream, the API, the desk)
//! asks, so that none of them shows more than the others.
//!
//! - Editors and admins see everything: every status, the text of retracted entries, the full history with
//!   the names of who changed what.
//! - A contributor sees their own entries in full, and of everyone else's only what readers see.
//! - Readers (anyone else) see published entries, and of a retracted entry only its stub: that it was
//!   retracted, when and why. Drafts and pending entries do not exist for them (answered as not found).
//! - The public history of an entry is what its permalink shows: when it was published, corrected (with
//!   the note and the headline the correction replaced), updated (the time only: an edit without a note is
//!   not announced, so its earlier text is not shown) and retracted (with the note). Never who did it, and
//!   of a retracted entry no headline and no correction note, only the retraction's.

use jiff::Timestamp;

use crate::{Actor, Body, Entry, Revision, RevisionAction, Status};

/// How much of an entry someone sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Visibility {
    /// Nothing: the entry is answered as if it did not exist (404, so ids do not tell what exists).
    Hidden,
    /// What readers see: [`Entry::for_readers`] and [`public_history`].
    Public,
    /// All of it.
    Full,
}

impl Entry {
    /// What `viewer` (`None`: an anonymous reader) may see of this entry.
    pub fn visibility(&self, viewer: Option<&Actor>) -> Visibility {
        match viewer {
            Some(a) if a.role.can_publish() || a.id == self.author_id => Visibility::Full,
            _ if self.status.is_public() => Visibility::Public,
            _ => Visibility::Hidden,
        }
    }

    /// The entry as readers see it. A retracted entry keeps its stub only: id, status, times and the
    /// retraction note; its headline, body, topics, sources, author and correction are withdrawn.
    pub fn for_readers(&self) -> Entry {
        if self.status != Status::Retracted {
            return self.clone();
        }
        Entry {
            headline: String::new(),
            body: Body {
                format: self.body.format,
                source: String::new(),
                html: String::new(),
            },
            topics: Vec::new(),
            sources: Vec::new(),
            author_name: String::new(),
            correction: None,
            ..self.clone()
        }
    }
}

/// One step of an entry's public history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicStep {
    /// The revision this step is (its number is the entry's version after it).
    pub number: i64,
    /// `Publish` (also for an approval or a creation as published), `Correct`, `Edit` or `Retract`.
    pub action: RevisionAction,
    pub at: Timestamp,
    /// The public note of a correction or a retraction.
    pub note: Option<String>,
    /// The headline a correction replaced, when it changed (withdrawn once retracted).
    pub previous_headline: Option<String>,
}

/// The history readers see of `entry` (its revisions in order): nothing from before publication, no
/// pins or key-event marks, no names, and no earlier text of an edit made without a correction note.
pub fn public_history(entry: &Entry, revisions: &[Revision]) -> Vec<PublicStep> {
    let retracted = entry.status == Status::Retracted;
    let mut out = Vec::new();
    let mut public = false;
    // The headline readers last saw.
    let mut shown: Option<&str> = None;
    for r in revisions {
        let action = match r.action {
            RevisionAction::Publish | RevisionAction::Approve => RevisionAction::Publish,
            RevisionAction::Create if r.snapshot.status == Status::Published => RevisionAction::Publish,
            RevisionAction::Correct if public => RevisionAction::Correct,
            RevisionAction::Edit if public => RevisionAction::Edit,
            RevisionAction::Retract => RevisionAction::Retract,
            _ => continue,
        };
        let headline = r.snapshot.headline.as_str();
        let previous = match action {
            RevisionAction::Correct => shown.filter(|p| *p != headline),
            _ => None,
        };
        out.push(PublicStep {
            number: r.number,
            action,
            at: r.at,
            // A retracted entry's correction notes go with its text; the retraction note stays.
            note: match action {
                RevisionAction::Correct if !retracted => r.note.clone(),
                RevisionAction::Retract => r.note.clone(),
                _ => None,
            },
            previous_headline: previous.filter(|_| !retracted).map(str::to_string),
        });
        public = true;
        shown = Some(headline);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Action, BodyFormat, BriefingId, EntryDraft, EntryEdit, Role, UserId};
    use jiff::civil::Date;

    fn actor(role: Role, id: i64) -> Actor {
        Actor {
            id: UserId(id),
            name: format!("u{id}"),
            role,
        }
    }

    fn ts(m: i64) -> Timestamp {
        Timestamp::from_second(1_741_856_400 + m * 60).unwrap()
    }

    fn entry(status: crate::Status, author: &Actor) -> (Entry, Vec<Revision>) {
        let c = EntryDraft {
            headline: "First".into(),
            body: Body {
                format: BodyFormat::Markdown,
                source: "first text".into(),
                html: "<p>first text</p>".into(),
            },
            happened_on: Date::constant(2025, 3, 13),
            topics: vec!["Talks".into()],
            sources: vec![],
            pinned: false,
            key_event: false,
            status,
        }
        .into_entry(BriefingId(1), author, ts(0))
        .unwrap();
        (c.entry, vec![c.revision])
    }

    fn apply(e: &mut Entry, revs: &mut Vec<Revision>, a: Action, by: &Actor, at: i64) {
        let c = e.apply(a, by, ts(at)).unwrap();
        *e = c.entry;
        revs.push(c.revision);
    }

    #[test]
    fn who_sees_what() {
        let ed = actor(Role::Editor, 1);
        let admin = actor(Role::Admin, 2);
        let alice = actor(Role::Contributor, 3);
        let bob = actor(Role::Contributor, 4);
        for status in [Status::Draft, Status::Pending] {
            let (e, _) = entry(status, &alice);
            assert_eq!(e.visibility(None), Visibility::Hidden);
            assert_eq!(e.visibility(Some(&bob)), Visibility::Hidden);
            assert_eq!(e.visibility(Some(&alice)), Visibility::Full);
            assert_eq!(e.visibility(Some(&ed)), Visibility::Full);
            assert_eq!(e.visibility(Some(&admin)), Visibility::Full);
        }
        let (e, _) = entry(Status::Published, &ed);
        assert_eq!(e.visibility(None), Visibility::Public);
        assert_eq!(e.visibility(Some(&bob)), Visibility::Public);
        assert_eq!(e.visibility(Some(&ed)), Visibility::Full);
    }

    #[test]
    fn readers_see_a_retracted_stub_only() {
        let ed = actor(Role::Editor, 1);
        let (mut e, mut revs) = entry(Status::Published, &ed);
        assert_eq!(e.for_readers(), e);
        apply(&mut e, &mut revs, Action::Retract { note: "Wrong.".into() }, &ed, 5);
        let r = e.for_readers();
        assert_eq!(
            (r.headline.as_str(), r.body.source.as_str(), r.body.html.as_str()),
            ("", "", "")
        );
        assert!(r.topics.is_empty() && r.author_name.is_empty());
        assert_eq!(r.retraction.as_ref().map(|n| n.note.as_str()), Some("Wrong."));
    }

    #[test]
    fn public_history_hides_silent_edits_and_names() {
        let ed = actor(Role::Editor, 1);
        let alice = actor(Role::Contributor, 3);
        let (mut e, mut revs) = entry(Status::Draft, &alice);
        let edit = |h: &str, note: Option<&str>| {
            Action::Edit(EntryEdit {
                headline: Some(h.into()),
                correction_note: note.map(str::to_string),
                ..Default::default()
            })
        };
        apply(&mut e, &mut revs, edit("Draft headline", None), &alice, 1);
        apply(&mut e, &mut revs, Action::Submit, &alice, 2);
        apply(&mut e, &mut revs, Action::Approve, &ed, 3);
        apply(&mut e, &mut revs, edit("Silently changed", None), &ed, 4);
        apply(&mut e, &mut revs, Action::Pin(true), &ed, 5);
        apply(&mut e, &mut revs, edit("Corrected", Some("Fixed the name.")), &ed, 6);
        let h = public_history(&e, &revs);
        let actions: Vec<_> = h.iter().map(|s| s.action).collect();
        assert_eq!(
            actions,
            [RevisionAction::Publish, RevisionAction::Edit, RevisionAction::Correct]
        );
        assert_eq!((h[0].note.as_deref(), h[0].previous_headline.as_deref()), (None, None));
        assert_eq!((h[1].note.as_deref(), h[1].previous_headline.as_deref()), (None, None));
        assert_eq!(h[2].previous_headline.as_deref(), Some("Silently changed"));
        assert_eq!(h[2].note.as_deref(), Some("Fixed the name."));

        apply(
            &mut e,
            &mut revs,
            Action::Retract {
                note: "Withdrawn.".into(),
            },
            &ed,
            7,
        );
        let h = public_history(&e, &revs);
        assert_eq!(h.last().map(|s| s.action), Some(RevisionAction::Retract));
        assert_eq!(h.last().and_then(|s| s.note.as_deref()), Some("Withdrawn."));
        assert!(h.iter().all(|s| s.previous_headline.is_none()));
        assert_eq!(
            h.iter().filter(|s| s.note.is_some()).count(),
            1,
            "the retraction note only"
        );
    }
}
