//! Developments: what many reports say about one event, grouped by the machine and brought to the desk as a
//! draft. An editor approves (the draft becomes an entry through the same path as a hand-written one), edits,
//! merges, splits, moves reports between developments, or dismisses with a reason. Every desk action is kept
//! as a [`DeskRecord`] with who and when.
//!
//! The draft is extractive: every claim in it is a sentence, clause or quote taken from one of the reports,
//! and [`Draft::pieces`] says which report and which span, so the desk (and a test) can trace each one.

use jiff::Timestamp;
use jiff::civil::Date;

use crate::reading::{Span, span_text};
use crate::{Actor, BriefingId, EntryId, ReportId, RuleError, UserId, limits};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DevelopmentId(pub i64);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DevStatus {
    /// On the desk, waiting for an editor.
    Open,
    /// Became an entry (published, or pending an editor's approval when a contributor sent it).
    Published,
    /// Set aside with a reason.
    Dismissed,
    /// Joined another development (`merged_into`).
    Merged,
}

impl DevStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            DevStatus::Open => "open",
            DevStatus::Published => "published",
            DevStatus::Dismissed => "dismissed",
            DevStatus::Merged => "merged",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "open" => DevStatus::Open,
            "published" => DevStatus::Published,
            "dismissed" => DevStatus::Dismissed,
            "merged" => DevStatus::Merged,
            _ => return None,
        })
    }
}

/// Which part of a report a piece of a draft was taken from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PieceField {
    Title,
    Text,
}

impl PieceField {
    pub fn as_str(self) -> &'static str {
        match self {
            PieceField::Title => "title",
            PieceField::Text => "text",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "title" => PieceField::Title,
            "text" => PieceField::Text,
            _ => return None,
        })
    }
}

/// One claim of a draft and where it came from: `text` is exactly the report's `field` at `span`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Piece {
    pub report_id: ReportId,
    pub field: PieceField,
    pub span: Span,
    pub text: String,
}

impl Piece {
    /// Whether the piece is what the report says at its span (`title` and `text` are the report's).
    pub fn traces_to(&self, title: &str, text: &str) -> bool {
        let src = match self.field {
            PieceField::Title => title,
            PieceField::Text => text,
        };
        span_text(src, self.span) == Some(self.text.as_str())
    }
}

/// A machine-written draft in the briefing's style: a headline and one or two dated, attributed sentences.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Draft {
    pub headline: String,
    pub body: String,
    /// The day the development happened, as its reports date it.
    pub happened_on: Option<Date>,
    /// Every claim in the headline and body, traced to a report span. The rest of the text is attribution
    /// ("said on March 13 that") and dates, never a claim.
    pub pieces: Vec<Piece>,
}

/// What the desk filters developments by.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Facets {
    /// Topic labels.
    pub topics: Vec<String>,
    pub places: Vec<String>,
    pub speakers: Vec<String>,
    /// The outlets that reported it.
    pub outlets: Vec<String>,
    pub languages: Vec<String>,
}

/// An editor's own words for a development; once there, a refreshed machine draft never overwrites them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EditedText {
    pub headline: String,
    pub body: String,
    pub by: String,
    pub at: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Development {
    pub id: DevelopmentId,
    pub briefing_id: BriefingId,
    pub status: DevStatus,
    /// Bumped by every change; a desk action made on an older version is a conflict.
    pub version: i64,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    /// When its first and latest reports arrived.
    pub first_report_at: Timestamp,
    pub last_report_at: Timestamp,
    /// The earliest publication date among its reports.
    pub earliest_published: Date,
    pub report_count: u32,
    /// Distinct outlets: its corroboration.
    pub outlet_count: u32,
    pub draft: Draft,
    pub edited: Option<EditedText>,
    pub entry_id: Option<EntryId>,
    /// Why it was dismissed.
    pub dismissed: Option<String>,
    pub merged_into: Option<DevelopmentId>,
    /// Reports that arrived after it was published (the entry may want them as sources).
    pub reports_since_publish: u32,
    pub facets: Facets,
}

impl Development {
    /// The headline and body the desk shows and publishes: the editor's, else the machine's.
    pub fn text(&self) -> (&str, &str) {
        match &self.edited {
            Some(e) => (&e.headline, &e.body),
            None => (&self.draft.headline, &self.draft.body),
        }
    }

    /// Whether the desk still works on it.
    pub fn is_live(&self) -> bool {
        matches!(self.status, DevStatus::Open | DevStatus::Published)
    }
}

/// What a development's reports add up to, recomputed when they change: the machine draft, the facets, the
/// corroboration and the dates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    pub draft: Draft,
    pub facets: Facets,
    pub report_count: u32,
    pub outlet_count: u32,
    pub first_report_at: Timestamp,
    pub last_report_at: Timestamp,
    pub earliest_published: Date,
}

/// A desk action, for the permission and state rules and for the record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeskAction {
    /// Edit the draft's headline and body (contributors too).
    Edit {
        headline: String,
        body: String,
    },
    /// Make it an entry (a contributor's goes to review).
    Approve,
    /// Update the published entry with the development's current sources.
    UpdateEntry,
    Dismiss {
        reason: String,
    },
    Reopen,
    /// Merge this development into another.
    MergeInto(DevelopmentId),
    /// Take these reports out into a new development.
    Split(Vec<ReportId>),
    /// Move one report of this development to another.
    MoveReport {
        report: ReportId,
        to: DevelopmentId,
    },
}

impl DeskAction {
    pub fn name(&self) -> &'static str {
        match self {
            DeskAction::Edit { .. } => "edit",
            DeskAction::Approve => "approve",
            DeskAction::UpdateEntry => "update_entry",
            DeskAction::Dismiss { .. } => "dismiss",
            DeskAction::Reopen => "reopen",
            DeskAction::MergeInto(_) => "merge",
            DeskAction::Split(_) => "split",
            DeskAction::MoveReport { .. } => "move_report",
        }
    }
}

/// Limits of a dismissal reason and an edited text.
pub const REASON_CHARS: usize = 500;

impl Development {
    /// Whether `actor` may do `action` to this development in its current state. Contributors may edit and
    /// send drafts for review; only editors publish, dismiss, merge, split and move.
    pub fn check(&self, action: &DeskAction, actor: &Actor) -> Result<(), RuleError> {
        let editor_only = !matches!(action, DeskAction::Edit { .. } | DeskAction::Approve);
        if editor_only && !actor.role.can_publish() {
            return Err(RuleError::forbidden(format!(
                "only editors can {} developments",
                action.name().replace('_', " ")
            )));
        }
        match (self.status, action) {
            (DevStatus::Merged, _) => Err(RuleError::Conflict(
                "this development was merged into another; work on that one".into(),
            )),
            (DevStatus::Dismissed, DeskAction::Reopen) => Ok(()),
            (DevStatus::Dismissed, _) => Err(RuleError::Conflict(
                "this development was dismissed; reopen it first".into(),
            )),
            (_, DeskAction::Reopen) => Err(RuleError::Conflict("only a dismissed development is reopened".into())),
            (DevStatus::Published, DeskAction::Approve) => Err(RuleError::Conflict(
                "this development is already an entry; update the entry instead".into(),
            )),
            (DevStatus::Open, DeskAction::UpdateEntry) => {
                Err(RuleError::Conflict("this development has no entry yet".into()))
            }
            (DevStatus::Published, DeskAction::Dismiss { .. }) => Err(RuleError::Conflict(
                "a published development is not dismissed; retract its entry instead".into(),
            )),
            (DevStatus::Published, DeskAction::MergeInto(_)) => Err(RuleError::Conflict(
                "a published development cannot be merged away; merge the other one into it".into(),
            )),
            (_, DeskAction::Dismiss { reason }) if reason.trim().is_empty() => {
                Err(RuleError::invalid("say why the development is dismissed"))
            }
            (_, DeskAction::Dismiss { reason }) if reason.chars().count() > REASON_CHARS => Err(RuleError::invalid(
                format!("a reason is at most {REASON_CHARS} characters"),
            )),
            (_, DeskAction::Edit { headline, body }) => {
                if headline.trim().is_empty() {
                    return Err(RuleError::invalid("a development needs a headline"));
                }
                if headline.chars().count() > limits::HEADLINE_CHARS {
                    return Err(RuleError::invalid(format!(
                        "a headline is at most {} characters",
                        limits::HEADLINE_CHARS
                    )));
                }
                if body.len() > limits::BODY_BYTES {
                    return Err(RuleError::invalid("the text is too long"));
                }
                Ok(())
            }
            (_, DeskAction::MergeInto(other)) if *other == self.id => {
                Err(RuleError::invalid("a development cannot be merged into itself"))
            }
            (_, DeskAction::MoveReport { to, .. }) if *to == self.id => {
                Err(RuleError::invalid("the report is already in this development"))
            }
            (_, DeskAction::Split(reports)) if reports.is_empty() => {
                Err(RuleError::invalid("choose the reports to split off"))
            }
            (_, DeskAction::Split(reports)) if reports.len() as u32 >= self.report_count => {
                Err(RuleError::invalid("leave at least one report in the development"))
            }
            _ => Ok(()),
        }
    }
}

/// What the desk did, kept for good: who, when, what, to which development.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeskRecord {
    pub id: i64,
    pub briefing_id: BriefingId,
    pub development_id: DevelopmentId,
    pub action: String,
    pub actor_id: UserId,
    pub actor_name: String,
    pub at: Timestamp,
    /// The action's particulars in words ("into #12", "reason: duplicate of an earlier entry").
    pub detail: String,
}

/// How a report belongs to its development.
#[derive(Debug, Clone, PartialEq)]
pub struct Membership {
    pub report_id: ReportId,
    pub development_id: DevelopmentId,
    /// The report it is a near-copy of (the same wire story on another site), when it is one.
    pub near_duplicate_of: Option<ReportId>,
    /// How strongly it matched when it joined (0 for the first report).
    pub score: f32,
    pub added_at: Timestamp,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Role;

    fn dev(status: DevStatus) -> Development {
        let t = Timestamp::from_second(1_750_000_000).expect("valid");
        Development {
            id: DevelopmentId(1),
            briefing_id: BriefingId(1),
            status,
            version: 1,
            created_at: t,
            updated_at: t,
            first_report_at: t,
            last_report_at: t,
            earliest_published: Date::constant(2025, 3, 13),
            report_count: 3,
            outlet_count: 3,
            draft: Draft::default(),
            edited: None,
            entry_id: None,
            dismissed: None,
            merged_into: None,
            reports_since_publish: 0,
            facets: Facets::default(),
        }
    }

    fn actor(role: Role) -> Actor {
        Actor {
            id: UserId(1),
            name: "x".into(),
            role,
        }
    }

    #[test]
    fn contributors_draft_editors_decide() {
        let c = actor(Role::Contributor);
        let e = actor(Role::Editor);
        let d = dev(DevStatus::Open);
        let edit = DeskAction::Edit {
            headline: "H".into(),
            body: "B".into(),
        };
        assert!(d.check(&edit, &c).is_ok());
        assert!(
            d.check(&DeskAction::Approve, &c).is_ok(),
            "a contributor sends it for review"
        );
        for a in [
            DeskAction::Dismiss { reason: "dup".into() },
            DeskAction::MergeInto(DevelopmentId(2)),
            DeskAction::Split(vec![ReportId(1)]),
        ] {
            assert!(matches!(d.check(&a, &c), Err(RuleError::Forbidden(_))), "{a:?}");
            assert!(d.check(&a, &e).is_ok(), "{a:?}");
        }
    }

    #[test]
    fn states_allow_what_makes_sense() {
        let e = actor(Role::Editor);
        assert!(dev(DevStatus::Published).check(&DeskAction::Approve, &e).is_err());
        assert!(dev(DevStatus::Published).check(&DeskAction::UpdateEntry, &e).is_ok());
        assert!(dev(DevStatus::Open).check(&DeskAction::UpdateEntry, &e).is_err());
        assert!(dev(DevStatus::Dismissed).check(&DeskAction::Approve, &e).is_err());
        assert!(dev(DevStatus::Dismissed).check(&DeskAction::Reopen, &e).is_ok());
        assert!(dev(DevStatus::Open).check(&DeskAction::Reopen, &e).is_err());
        assert!(dev(DevStatus::Merged).check(&DeskAction::Reopen, &e).is_err());
        assert!(
            dev(DevStatus::Published)
                .check(&DeskAction::MergeInto(DevelopmentId(2)), &e)
                .is_err()
        );
        assert!(
            dev(DevStatus::Open)
                .check(&DeskAction::Dismiss { reason: " ".into() }, &e)
                .is_err()
        );
        assert!(
            dev(DevStatus::Open)
                .check(&DeskAction::MergeInto(DevelopmentId(1)), &e)
                .is_err()
        );
        assert!(
            dev(DevStatus::Open)
                .check(&DeskAction::Split(vec![ReportId(1), ReportId(2), ReportId(3)]), &e)
                .is_err(),
            "a split leaves at least one report"
        );
    }

    #[test]
    fn pieces_trace_to_their_span() {
        let p = Piece {
            report_id: ReportId(1),
            field: PieceField::Text,
            span: (6, 10),
            text: "said".into(),
        };
        assert!(p.traces_to("T", "Peskó said so"));
        assert!(!p.traces_to("T", "Peskov said so"));
    }
}
