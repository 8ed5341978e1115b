use jiff::Timestamp;

use crate::RuleError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BriefingId(pub i64);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Briefing {
    pub id: BriefingId,
    pub slug: String,
    pub title: String,
    pub summary: String,
    /// BCP 47 language tag of the briefing's text, e.g. `en`, `uk`.
    pub language: String,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

/// What a person supplies to create or edit a briefing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BriefingDraft {
    pub slug: String,
    pub title: String,
    pub summary: String,
    pub language: String,
}

impl BriefingDraft {
    pub fn validate(&self) -> Result<(), RuleError> {
        validate_slug(&self.slug)?;
        let title = self.title.trim();
        if title.is_empty() || title.chars().count() > 200 {
            return Err(RuleError::invalid("a title is 1 to 200 characters"));
        }
        if self.title.chars().any(char::is_control) {
            return Err(RuleError::invalid("a title is one line of text"));
        }
        if self.summary.chars().count() > 2000 {
            return Err(RuleError::invalid("a summary is at most 2000 characters"));
        }
        if self
            .summary
            .chars()
            .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
        {
            return Err(RuleError::invalid("a summary must not hold control characters"));
        }
        if let Some(c) = (self.title.chars().chain(self.summary.chars())).find(|&c| crate::text::is_bidi_control(c)) {
            return Err(RuleError::invalid(format!(
                "a title or summary must not hold the text-direction control U+{:04X}, which reorders what readers see",
                c as u32
            )));
        }
        let lang_ok = !self.language.is_empty()
            && self.language.len() <= 35
            && self
                .language
                .split('-')
                .all(|p| !p.is_empty() && p.len() <= 8 && p.chars().all(|c| c.is_ascii_alphanumeric()));
        if !lang_ok {
            return Err(RuleError::invalid("language must be a BCP 47 tag such as en or uk-UA"));
        }
        Ok(())
    }
}

/// Slugs name briefings in URLs: 1 to 80 of `a-z`, `0-9` and `-`, not starting or ending with `-`.
pub fn validate_slug(slug: &str) -> Result<(), RuleError> {
    let ok = !slug.is_empty()
        && slug.len() <= 80
        && slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !slug.starts_with('-')
        && !slug.ends_with('-');
    if ok {
        Ok(())
    } else {
        Err(RuleError::invalid(
            "a slug is 1 to 80 lowercase letters, digits and inner hyphens",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert!(validate_slug("ukraine-live").is_ok());
        assert!(validate_slug("").is_err());
        assert!(validate_slug("-x").is_err());
        assert!(validate_slug("Ukraine").is_err());
        assert!(validate_slug("a/b").is_err());
    }
}
