//! The quote tracker: every published quote by speaker. A [`Speaker`] is one person across briefings, known
//! by every spelling the reports used ([`SpeakerAlias`]); a [`TrackedQuote`] is one statement of theirs as a
//! report of a published entry carries it.
//!
//! (A quote's attribution inside a reading is [`crate::reading::Speaker`]: a mention in one text. This
//! `Speaker` is the person the tracker files it under.)

use jiff::Timestamp;
use jiff::civil::Date;

use crate::reading::QuoteKind;
use crate::{Actor, BriefingId, DevelopmentId, EntryId, ReportId, RuleError};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SpeakerId(pub i64);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TrackedQuoteId(pub i64);

/// One spelling of a speaker's name, with the keys the name rules match on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpeakerAlias {
    /// The spelling in lowercase Latin letters ("dmytro pieskov"); unique: one spelling belongs to one speaker.
    pub key: String,
    /// As first written ("Дмитро Пєсков").
    pub spelling: String,
    /// The surname's skeleton.
    pub surname: String,
    /// The given name's skeleton or initial, when the spelling has one.
    pub given: Option<String>,
    /// Published quotes filed under this spelling (as stored; ignored when adding one). Pages show only
    /// spellings that published quotes used, so an unpublished entry gives nothing away.
    pub quote_count: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Speaker {
    pub id: SpeakerId,
    /// The name pages show.
    pub name: String,
    /// An editor chose the name; the machine no longer improves it.
    pub name_locked: bool,
    /// Every spelling, in the order they were first seen.
    pub aliases: Vec<SpeakerAlias>,
    /// Published quotes (in the briefing asked about, or in all).
    pub quote_count: u64,
    /// Merged into another speaker: the page moved there.
    pub merged_into: Option<SpeakerId>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrackedQuote {
    pub id: TrackedQuoteId,
    pub briefing_id: BriefingId,
    pub speaker_id: SpeakerId,
    /// The speaker's display name.
    pub speaker_name: String,
    /// The spelling the report used, as its alias key (a split moves quotes by it).
    pub alias_key: String,
    pub entry_id: EntryId,
    pub development_id: DevelopmentId,
    pub report_id: ReportId,
    pub kind: QuoteKind,
    pub text: String,
    /// The day it was said, when the report says.
    pub said_on: Option<Date>,
    /// The report's publication day.
    pub reported_on: Date,
    /// The outlet and the report's address.
    pub outlet: String,
    pub url: Option<String>,
    /// The entry's topics.
    pub topics: Vec<String>,
    pub recorded_at: Timestamp,
}

impl TrackedQuote {
    /// The day it sorts and is shown by: said, else reported.
    pub fn day(&self) -> Date {
        self.said_on.unwrap_or(self.reported_on)
    }
}

/// The longest display name an editor may give.
pub const SPEAKER_NAME_CHARS: usize = 200;

/// What an editor does to speakers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SpeakerAction {
    /// Everything of this speaker moves to another.
    MergeInto(SpeakerId),
    /// These spellings (and the quotes made under them) leave for a new speaker.
    Split {
        aliases: Vec<String>,
        name: Option<String>,
    },
    Rename(String),
}

impl SpeakerAction {
    pub fn name(&self) -> &'static str {
        match self {
            SpeakerAction::MergeInto(_) => "merge",
            SpeakerAction::Split { .. } => "split",
            SpeakerAction::Rename(_) => "rename",
        }
    }
}

fn check_name(name: &str) -> Result<(), RuleError> {
    if name.trim().is_empty() {
        return Err(RuleError::invalid("a speaker needs a name"));
    }
    if name.chars().count() > SPEAKER_NAME_CHARS {
        return Err(RuleError::invalid(format!(
            "a speaker's name is at most {SPEAKER_NAME_CHARS} characters"
        )));
    }
    if name.chars().any(char::is_control) {
        return Err(RuleError::invalid("a speaker's name is one line of text"));
    }
    if name.chars().any(crate::text::is_bidi_control) {
        return Err(RuleError::invalid(
            "a speaker's name must not hold text-direction controls (U+202A–U+202E, U+2066–U+2069)",
        ));
    }
    Ok(())
}

impl Speaker {
    /// Whether `actor` may do `action` to this speaker: editors only, on a speaker not merged away.
    pub fn check(&self, action: &SpeakerAction, actor: &Actor) -> Result<(), RuleError> {
        if !actor.role.can_publish() {
            return Err(RuleError::forbidden(format!(
                "only editors can {} speakers",
                action.name()
            )));
        }
        if let Some(into) = self.merged_into {
            return Err(RuleError::Conflict(format!(
                "this speaker was merged into speaker #{}; work on that one",
                into.0
            )));
        }
        match action {
            SpeakerAction::MergeInto(other) if *other == self.id => {
                Err(RuleError::invalid("a speaker cannot be merged into itself"))
            }
            SpeakerAction::MergeInto(_) => Ok(()),
            SpeakerAction::Split { aliases, name } => {
                if aliases.is_empty() {
                    return Err(RuleError::invalid("choose the spellings to split off"));
                }
                if let Some(a) = aliases.iter().find(|a| !self.aliases.iter().any(|x| &x.key == *a)) {
                    return Err(RuleError::invalid(format!("“{a}” is not a spelling of this speaker")));
                }
                if aliases.len() >= self.aliases.len() {
                    return Err(RuleError::invalid("leave at least one spelling with the speaker"));
                }
                match name {
                    Some(n) => check_name(n),
                    None => Ok(()),
                }
            }
            SpeakerAction::Rename(name) => check_name(name),
        }
    }
}

/// Where a quote came from and whom it belongs to, before it is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewQuote {
    pub speaker_id: SpeakerId,
    pub alias_key: String,
    pub report_id: ReportId,
    /// Its place among the report's quotes: with the entry and report, what makes recording it again a no-op.
    pub ordinal: u32,
    pub kind: QuoteKind,
    pub text: String,
    pub said_on: Option<Date>,
    pub reported_on: Date,
    pub outlet: String,
    pub url: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Role, UserId};

    fn speaker(aliases: &[&str]) -> Speaker {
        let t = Timestamp::from_second(1_750_000_000).expect("valid");
        Speaker {
            id: SpeakerId(1),
            name: "Dmitry Peskov".into(),
            name_locked: false,
            aliases: aliases
                .iter()
                .map(|a| SpeakerAlias {
                    key: a.to_string(),
                    spelling: a.to_string(),
                    surname: "pIskAv".into(),
                    given: None,
                    quote_count: 0,
                })
                .collect(),
            quote_count: 0,
            merged_into: None,
            created_at: t,
            updated_at: t,
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
    fn editors_only_and_sensible_actions() {
        let s = speaker(&["dmitry peskov", "peskov"]);
        let ed = actor(Role::Editor);
        let rename = SpeakerAction::Rename("Dmitry Peskov".into());
        assert!(matches!(
            s.check(&rename, &actor(Role::Contributor)),
            Err(RuleError::Forbidden(_))
        ));
        assert!(s.check(&rename, &ed).is_ok());
        assert!(s.check(&SpeakerAction::Rename(" ".into()), &ed).is_err());
        assert!(s.check(&SpeakerAction::Rename("x".repeat(201)), &ed).is_err());
        assert!(s.check(&SpeakerAction::MergeInto(SpeakerId(1)), &ed).is_err());
        assert!(s.check(&SpeakerAction::MergeInto(SpeakerId(2)), &ed).is_ok());
        let split = |a: &[&str]| SpeakerAction::Split {
            aliases: a.iter().map(|s| s.to_string()).collect(),
            name: None,
        };
        assert!(s.check(&split(&["peskov"]), &ed).is_ok());
        assert!(
            s.check(&split(&["dmitry peskov", "peskov"]), &ed).is_err(),
            "one spelling stays"
        );
        assert!(s.check(&split(&["lavrov"]), &ed).is_err());
        assert!(s.check(&split(&[]), &ed).is_err());
        let mut merged = s.clone();
        merged.merged_into = Some(SpeakerId(9));
        assert!(matches!(merged.check(&rename, &ed), Err(RuleError::Conflict(_))));
    }
}
