//! Reports: the source articles a briefing is written from, each kept with the machine reading of it
//! (quotes and speakers, entities, places, dates, topics) so editors see who said what and where it came from.

use jiff::Timestamp;
use jiff::civil::Date;

use crate::{Actor, BriefingId, Reading, RuleError, UserId};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ReportId(pub i64);

/// The most text one report may carry (a long article is ~100 KB; this leaves room and bounds the reading).
pub const MAX_REPORT_TEXT: usize = 2 * 1024 * 1024;

/// A report as received: its text, where it came from, and its machine reading.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportDraft {
    pub briefing_id: BriefingId,
    /// The article's address; a report with the same address in the same briefing is the same report.
    pub url: Option<String>,
    pub title: String,
    /// The outlet ("Reuters", "RFE/RL"), as the editor or the feed names it.
    pub source: String,
    /// The publication date, the reference for the dates the text speaks of.
    pub published: Date,
    pub text: String,
    /// BCP 47 tag of the text's language as the reading detected it.
    pub language: String,
    pub reading: Reading,
}

/// Who sent a report in or replaced it: a person, or the newsroom loop (no id).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportActor {
    pub id: Option<UserId>,
    pub name: String,
}

impl ReportActor {
    /// The name the newsroom loop (the poller and its job workers) is recorded under.
    pub const NEWSROOM: &'static str = "newsroom";

    /// `None` is the newsroom loop.
    pub fn of(actor: Option<&Actor>) -> ReportActor {
        match actor {
            Some(a) => ReportActor {
                id: Some(a.id),
                name: a.name.clone(),
            },
            None => ReportActor {
                id: None,
                name: Self::NEWSROOM.into(),
            },
        }
    }
}

/// One replacement of a report's text: who, when, and what it replaced (nothing is lost).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportChange {
    pub report_id: ReportId,
    pub by: ReportActor,
    pub at: Timestamp,
    pub previous_title: String,
    pub previous_source: String,
    pub previous_published: Date,
    pub previous_text: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub id: ReportId,
    pub briefing_id: BriefingId,
    pub url: Option<String>,
    pub title: String,
    pub source: String,
    pub published: Date,
    pub text: String,
    pub language: String,
    pub reading: Reading,
    /// When it was first received, and when its text or reading last changed.
    pub received_at: Timestamp,
    pub updated_at: Timestamp,
    /// Who sent it in (`None` for reports kept from before submitters were recorded).
    pub submitted_by: Option<ReportActor>,
    /// Who last replaced its text (at `updated_at`), if anyone did.
    pub changed_by: Option<ReportActor>,
}

impl Report {
    /// Whether `by` (`None`: the newsroom loop) may replace this report's text and reading by sending its
    /// URL again. Its submitter may, editors and admins may, and so may the newsroom loop (an updated story
    /// is read again); anyone else's re-post is refused and changes nothing.
    pub fn may_be_replaced_by(&self, by: Option<&Actor>) -> bool {
        match by {
            None => true,
            Some(a) => a.role.can_publish() || self.submitted_by.as_ref().and_then(|s| s.id) == Some(a.id),
        }
    }
}

impl ReportDraft {
    pub fn validate(&self) -> Result<(), RuleError> {
        if self.text.trim().is_empty() {
            return Err(RuleError::invalid("a report needs its text"));
        }
        if self.text.len() > MAX_REPORT_TEXT {
            return Err(RuleError::invalid(format!(
                "a report's text is at most {} MiB",
                MAX_REPORT_TEXT / (1024 * 1024)
            )));
        }
        if self.title.chars().count() > 500 {
            return Err(RuleError::invalid("a report's title is at most 500 characters"));
        }
        if self.source.chars().count() > 200 {
            return Err(RuleError::invalid("a report's source is at most 200 characters"));
        }
        if let Some(u) = &self.url {
            let parsed =
                url::Url::parse(u).map_err(|_| RuleError::invalid("a report's url must be an absolute URL"))?;
            if !matches!(parsed.scheme(), "http" | "https") || u.len() > 2000 {
                return Err(RuleError::invalid(
                    "a report's url is an http(s) URL of at most 2000 characters",
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Role;

    #[test]
    fn who_may_replace_a_report() {
        let person = |id: i64, role: Role| Actor {
            id: UserId(id),
            name: format!("u{id}"),
            role,
        };
        let alice = person(1, Role::Contributor);
        let bob = person(2, Role::Contributor);
        let ed = person(3, Role::Editor);
        let admin = person(4, Role::Admin);
        let d = draft();
        let report = |submitted_by: Option<ReportActor>| Report {
            id: ReportId(1),
            briefing_id: d.briefing_id,
            url: d.url.clone(),
            title: d.title.clone(),
            source: d.source.clone(),
            published: d.published,
            text: d.text.clone(),
            language: d.language.clone(),
            reading: Reading::default(),
            received_at: Timestamp::UNIX_EPOCH,
            updated_at: Timestamp::UNIX_EPOCH,
            submitted_by,
            changed_by: None,
        };
        let alices = report(Some(ReportActor::of(Some(&alice))));
        assert!(alices.may_be_replaced_by(Some(&alice)));
        assert!(!alices.may_be_replaced_by(Some(&bob)));
        assert!(alices.may_be_replaced_by(Some(&ed)) && alices.may_be_replaced_by(Some(&admin)));
        assert!(
            alices.may_be_replaced_by(None),
            "the newsroom loop reads updated stories again"
        );
        for r in [report(Some(ReportActor::of(None))), report(None)] {
            assert!(!r.may_be_replaced_by(Some(&alice)) && r.may_be_replaced_by(Some(&ed)));
        }
    }

    fn draft() -> ReportDraft {
        ReportDraft {
            briefing_id: BriefingId(1),
            url: Some("https://example.org/a".into()),
            title: "Talks".into(),
            source: "Example".into(),
            published: Date::constant(2025, 3, 13),
            text: "Peskov said the talks went well.".into(),
            language: "en".into(),
            reading: Reading::default(),
        }
    }

    #[test]
    fn rules() {
        assert!(draft().validate().is_ok());
        assert!(
            ReportDraft {
                text: "  ".into(),
                ..draft()
            }
            .validate()
            .is_err()
        );
        assert!(
            ReportDraft {
                url: Some("javascript:alert(1)".into()),
                ..draft()
            }
            .validate()
            .is_err()
        );
        assert!(
            ReportDraft {
                url: Some("not a url".into()),
                ..draft()
            }
            .validate()
            .is_err()
        );
        assert!(ReportDraft { url: None, ..draft() }.validate().is_ok());
        assert!(
            ReportDraft {
                text: "x".repeat(MAX_REPORT_TEXT + 1),
                ..draft()
            }
            .validate()
            .is_err()
        );
    }
}
