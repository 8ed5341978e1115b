//! Reports: the source articles a briefing is written from, each kept with the machine reading of it
//! (quotes and speakers, entities, places, dates, topics) so editors see who said what and where it came from.

use jiff::Timestamp;
use jiff::civil::Date;

use crate::{BriefingId, Reading, RuleError};

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
