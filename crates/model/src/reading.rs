//! The machine reading of a report: who said what (quotes with kind, cue, speaker and date), who and what is
//! named (people, organisations, places with their gazetteer entry), which days the text speaks of, and its
//! topics with their evidence.
//!
//! The reading crate produces it, the store keeps it (versioned, see [`READING_VERSION`]), and grouping,
//! drafts and the quote tracker read it back. Spans are half-open offsets in Unicode code points into the
//! report's text.

use jiff::civil::Date;

/// The version of the reading's shape. The store writes it with every reading; a reading stored by an older
/// version is read back through its own decoder or re-read from the report's text.
pub const READING_VERSION: u32 = 1;

/// Half-open code-point offsets into the report's text.
pub type Span = (usize, usize);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum QuoteKind {
    /// The speaker's own words between quotation marks.
    Direct,
    /// Reported speech: "X said that …".
    Indirect,
    /// Reported speech that quotes some of the words.
    Mixed,
}

impl QuoteKind {
    pub fn as_str(self) -> &'static str {
        match self {
            QuoteKind::Direct => "direct",
            QuoteKind::Indirect => "indirect",
            QuoteKind::Mixed => "mixed",
        }
    }

    pub fn parse(s: &str) -> Option<QuoteKind> {
        Some(match s {
            "direct" => QuoteKind::Direct,
            "indirect" => QuoteKind::Indirect,
            "mixed" => QuoteKind::Mixed,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EntityKind {
    Person,
    Organization,
    Place,
}

impl EntityKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EntityKind::Person => "person",
            EntityKind::Organization => "organization",
            EntityKind::Place => "place",
        }
    }

    pub fn parse(s: &str) -> Option<EntityKind> {
        Some(match s {
            "person" => EntityKind::Person,
            "organization" => EntityKind::Organization,
            "place" => EntityKind::Place,
            _ => return None,
        })
    }
}

/// Who a quote is attributed to.
#[derive(Debug, Clone, PartialEq)]
pub struct Speaker {
    /// The resolved canonical name, or `None` when the text does not make it clear.
    pub name: Option<String>,
    /// The mention the quote is attributed to ("he", "Ushakov", "the spokesman").
    pub span: Span,
    pub text: String,
    /// `person`, `organization` or `unknown`.
    pub kind: String,
    /// How the name was resolved: `name`, `pronoun`, `role`, `inherited`, …
    pub via: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Quote {
    pub kind: QuoteKind,
    /// The quoted or reported words (pieces joined with " … ").
    pub text: String,
    pub spans: Vec<Span>,
    /// The verb of saying and where it is.
    pub cue: Option<(String, Span)>,
    pub speaker: Option<Speaker>,
    /// The day the statement was made, when the text gives it.
    pub date: Option<Date>,
    /// Which pattern found it.
    pub evidence: String,
}

/// A place's gazetteer entry.
#[derive(Debug, Clone, PartialEq)]
pub struct Place {
    pub geonameid: u32,
    pub name: String,
    pub lat: Option<f32>,
    pub lon: Option<f32>,
    /// ISO 3166 alpha-2.
    pub country: String,
    pub region: Option<String>,
    /// Several places share the name and nothing in the story picked one; this is the most populous.
    pub ambiguous: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Entity {
    pub name: String,
    pub kind: EntityKind,
    /// Roles and titles the text gives ("Kremlin aide", "US national-security adviser").
    pub descriptions: Vec<String>,
    /// Every mention as written, with its span, in text order.
    pub mentions: Vec<(String, Span)>,
    pub place: Option<Place>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DateValue {
    Day(Date),
    Range(Date, Date),
    /// Relative but not resolvable ("hours before", "recently").
    Vague,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DateMention {
    pub text: String,
    pub span: Span,
    /// `absolute`, `weekday`, `relative`, `range`, `vague`.
    pub kind: String,
    pub value: DateValue,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TopicScore {
    pub slug: String,
    pub label: String,
    pub score: f32,
    /// (term, count)
    pub evidence: Vec<(String, usize)>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Reading {
    /// BCP 47 tag of the language the text is in, as detected.
    pub language: String,
    pub sentences: Vec<Span>,
    pub quotes: Vec<Quote>,
    pub entities: Vec<Entity>,
    pub dates: Vec<DateMention>,
    pub topics: Vec<TopicScore>,
}

impl Reading {
    /// The entities of one kind.
    pub fn entities_of(&self, kind: EntityKind) -> impl Iterator<Item = &Entity> {
        self.entities.iter().filter(move |e| e.kind == kind)
    }

    /// The names of the people quoted, each once, in order of first quote.
    pub fn speaker_names(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for q in &self.quotes {
            if let Some(n) = q.speaker.as_ref().and_then(|s| s.name.as_deref())
                && !out.contains(&n)
            {
                out.push(n);
            }
        }
        out
    }

    /// The days the text speaks of: resolved date mentions and the dates of its statements, sorted, each once.
    pub fn days(&self) -> Vec<Date> {
        let mut out: Vec<Date> = self
            .dates
            .iter()
            .filter_map(|d| match d.value {
                DateValue::Day(day) => Some(day),
                _ => None,
            })
            .chain(self.quotes.iter().filter_map(|q| q.date))
            .collect();
        out.sort();
        out.dedup();
        out
    }
}

/// A code-point span of `text` as a string slice (`None` when out of range).
pub fn span_text(text: &str, (a, b): Span) -> Option<&str> {
    if a > b {
        return None;
    }
    let mut it = text.char_indices().map(|(i, _)| i).chain(std::iter::once(text.len()));
    let start = it.nth(a)?;
    let end = if b == a { start } else { it.nth(b - a - 1)? };
    text.get(start..end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn span_text_counts_code_points() {
        let t = "Київ said «так»";
        assert_eq!(span_text(t, (0, 4)), Some("Київ"));
        assert_eq!(span_text(t, (10, 15)), Some("«так»"));
        assert_eq!(span_text(t, (15, 15)), Some(""));
        assert_eq!(span_text(t, (14, 16)), None);
        assert_eq!(span_text(t, (3, 2)), None);
    }

    #[test]
    fn kinds_round_trip() {
        for k in [QuoteKind::Direct, QuoteKind::Indirect, QuoteKind::Mixed] {
            assert_eq!(QuoteKind::parse(k.as_str()), Some(k));
        }
        for k in [EntityKind::Person, EntityKind::Organization, EntityKind::Place] {
            assert_eq!(EntityKind::parse(k.as_str()), Some(k));
        }
        assert_eq!(QuoteKind::parse("other"), None);
    }
}
