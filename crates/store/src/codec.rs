//! Stored documents: the typed values the store keeps as JSON text, with their version, written and read
//! back here so that every backend keeps the same form.
//!
//! A reading is stored as `{"v": 1, "language": …, "quotes": […], …}`. Version 0 is the form stored before
//! versions existed (the JSON of `livebrief read --json`, which has the same fields plus some derived ones);
//! it reads back through the same decoder. A version newer than this build knows is an error, never a
//! silently empty reading.

use livebrief_model::reading::{
    DateMention, DateValue, Entity, EntityKind, Place, Quote, QuoteKind, READING_VERSION, Reading, Span, Speaker,
    TopicScore,
};
use livebrief_model::{Date, Draft, EditedText, Facets, Piece, PieceField, ReportId, Timestamp};
use serde::{Deserialize, Serialize};

#[derive(Debug, thiserror::Error)]
pub enum CodecError {
    #[error("stored reading is not valid JSON: {0}")]
    Json(#[from] serde_json::Error),
    #[error("stored reading has version {0}, newer than this build knows ({READING_VERSION}); upgrade livebrief")]
    TooNew(u32),
    #[error("stored reading: {0}")]
    Invalid(String),
}

#[derive(Serialize, Deserialize)]
struct ReadingDoc {
    #[serde(default)]
    v: u32,
    #[serde(default)]
    language: String,
    #[serde(default)]
    sentences: Vec<Span>,
    #[serde(default)]
    quotes: Vec<QuoteDoc>,
    #[serde(default)]
    entities: Vec<EntityDoc>,
    #[serde(default)]
    dates: Vec<DateDoc>,
    #[serde(default)]
    topics: Vec<TopicDoc>,
}

#[derive(Serialize, Deserialize)]
struct TextSpan {
    text: String,
    span: Span,
}

#[derive(Serialize, Deserialize)]
struct QuoteDoc {
    kind: String,
    text: String,
    spans: Vec<Span>,
    cue: Option<TextSpan>,
    speaker: Option<SpeakerDoc>,
    date: Option<String>,
    #[serde(default)]
    evidence: String,
}

#[derive(Serialize, Deserialize)]
struct SpeakerDoc {
    name: Option<String>,
    span: Span,
    text: String,
    kind: String,
    resolved_by: String,
}

#[derive(Serialize, Deserialize)]
struct EntityDoc {
    name: String,
    kind: String,
    #[serde(default)]
    descriptions: Vec<String>,
    #[serde(default)]
    mentions: Vec<TextSpan>,
    place: Option<PlaceDoc>,
}

#[derive(Serialize, Deserialize)]
struct PlaceDoc {
    geonameid: u32,
    name: String,
    lat: Option<f32>,
    lon: Option<f32>,
    country: String,
    region: Option<String>,
    #[serde(default)]
    ambiguous: bool,
}

#[derive(Serialize, Deserialize)]
struct DateDoc {
    text: String,
    span: Span,
    kind: String,
    value: DateValueDoc,
}

#[derive(Serialize, Deserialize, Default)]
struct DateValueDoc {
    #[serde(skip_serializing_if = "Option::is_none")]
    date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    from: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    to: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    unresolved: Option<bool>,
}

#[derive(Serialize, Deserialize)]
struct TopicDoc {
    topic: String,
    label: String,
    score: f32,
    #[serde(default)]
    evidence: Vec<TermCount>,
}

#[derive(Serialize, Deserialize)]
struct TermCount {
    term: String,
    count: usize,
}

fn date(s: &str) -> Result<Date, CodecError> {
    s.parse()
        .map_err(|_| CodecError::Invalid(format!("{s:?} is not a date")))
}

/// The reading as the JSON text the store keeps.
pub fn encode_reading(r: &Reading) -> String {
    let doc = ReadingDoc {
        v: READING_VERSION,
        language: r.language.clone(),
        sentences: r.sentences.clone(),
        quotes: r
            .quotes
            .iter()
            .map(|q| QuoteDoc {
                kind: q.kind.as_str().to_string(),
                text: q.text.clone(),
                spans: q.spans.clone(),
                cue: q.cue.as_ref().map(|(t, s)| TextSpan {
                    text: t.clone(),
                    span: *s,
                }),
                speaker: q.speaker.as_ref().map(|s| SpeakerDoc {
                    name: s.name.clone(),
                    span: s.span,
                    text: s.text.clone(),
                    kind: s.kind.clone(),
                    resolved_by: s.via.clone(),
                }),
                date: q.date.map(|d| d.to_string()),
                evidence: q.evidence.clone(),
            })
            .collect(),
        entities: r
            .entities
            .iter()
            .map(|e| EntityDoc {
                name: e.name.clone(),
                kind: e.kind.as_str().to_string(),
                descriptions: e.descriptions.clone(),
                mentions: e
                    .mentions
                    .iter()
                    .map(|(t, s)| TextSpan {
                        text: t.clone(),
                        span: *s,
                    })
                    .collect(),
                place: e.place.as_ref().map(|p| PlaceDoc {
                    geonameid: p.geonameid,
                    name: p.name.clone(),
                    lat: p.lat,
                    lon: p.lon,
                    country: p.country.clone(),
                    region: p.region.clone(),
                    ambiguous: p.ambiguous,
                }),
            })
            .collect(),
        dates: r
            .dates
            .iter()
            .map(|d| DateDoc {
                text: d.text.clone(),
                span: d.span,
                kind: d.kind.clone(),
                value: match &d.value {
                    DateValue::Day(x) => DateValueDoc {
                        date: Some(x.to_string()),
                        ..Default::default()
                    },
                    DateValue::Range(a, b) => DateValueDoc {
                        from: Some(a.to_string()),
                        to: Some(b.to_string()),
                        ..Default::default()
                    },
                    DateValue::Vague => DateValueDoc {
                        unresolved: Some(true),
                        ..Default::default()
                    },
                },
            })
            .collect(),
        topics: r
            .topics
            .iter()
            .map(|t| TopicDoc {
                topic: t.slug.clone(),
                label: t.label.clone(),
                score: t.score,
                evidence: t
                    .evidence
                    .iter()
                    .map(|(term, count)| TermCount {
                        term: term.clone(),
                        count: *count,
                    })
                    .collect(),
            })
            .collect(),
    };
    // Serialising plain structs of strings and numbers cannot fail (no maps with non-string keys).
    serde_json::to_string(&doc).unwrap_or_default()
}

/// A stored reading back as the typed value.
pub fn decode_reading(text: &str) -> Result<Reading, CodecError> {
    let doc: ReadingDoc = serde_json::from_str(text)?;
    if doc.v > READING_VERSION {
        return Err(CodecError::TooNew(doc.v));
    }
    let quotes = doc
        .quotes
        .into_iter()
        .map(|q| {
            Ok(Quote {
                kind: QuoteKind::parse(&q.kind)
                    .ok_or_else(|| CodecError::Invalid(format!("unknown quote kind {:?}", q.kind)))?,
                text: q.text,
                spans: q.spans,
                cue: q.cue.map(|c| (c.text, c.span)),
                speaker: q.speaker.map(|s| Speaker {
                    name: s.name,
                    span: s.span,
                    text: s.text,
                    kind: s.kind,
                    via: s.resolved_by,
                }),
                date: q.date.as_deref().map(date).transpose()?,
                evidence: q.evidence,
            })
        })
        .collect::<Result<_, CodecError>>()?;
    let entities = doc
        .entities
        .into_iter()
        .map(|e| {
            Ok(Entity {
                kind: EntityKind::parse(&e.kind)
                    .ok_or_else(|| CodecError::Invalid(format!("unknown entity kind {:?}", e.kind)))?,
                name: e.name,
                descriptions: e.descriptions,
                mentions: e.mentions.into_iter().map(|m| (m.text, m.span)).collect(),
                place: e.place.map(|p| Place {
                    geonameid: p.geonameid,
                    name: p.name,
                    lat: p.lat,
                    lon: p.lon,
                    country: p.country,
                    region: p.region,
                    ambiguous: p.ambiguous,
                }),
            })
        })
        .collect::<Result<_, CodecError>>()?;
    let dates = doc
        .dates
        .into_iter()
        .map(|d| {
            let value = match (d.value.date, d.value.from, d.value.to) {
                (Some(x), _, _) => DateValue::Day(date(&x)?),
                (None, Some(a), Some(b)) => DateValue::Range(date(&a)?, date(&b)?),
                _ => DateValue::Vague,
            };
            Ok(DateMention {
                text: d.text,
                span: d.span,
                kind: d.kind,
                value,
            })
        })
        .collect::<Result<_, CodecError>>()?;
    Ok(Reading {
        language: doc.language,
        sentences: doc.sentences,
        quotes,
        entities,
        dates,
        topics: doc
            .topics
            .into_iter()
            .map(|t| TopicScore {
                slug: t.topic,
                label: t.label,
                score: t.score,
                evidence: t.evidence.into_iter().map(|e| (e.term, e.count)).collect(),
            })
            .collect(),
    })
}

// Drafts, editors' texts and facets of developments.

#[derive(Serialize, Deserialize)]
struct PieceDoc {
    report: i64,
    field: String,
    span: Span,
    text: String,
}

#[derive(Serialize, Deserialize)]
struct DraftDoc {
    headline: String,
    body: String,
    happened_on: Option<String>,
    pieces: Vec<PieceDoc>,
}

/// A draft as the JSON text the store keeps.
pub fn encode_draft(d: &Draft) -> String {
    let doc = DraftDoc {
        headline: d.headline.clone(),
        body: d.body.clone(),
        happened_on: d.happened_on.map(|x| x.to_string()),
        pieces: d
            .pieces
            .iter()
            .map(|p| PieceDoc {
                report: p.report_id.0,
                field: p.field.as_str().to_string(),
                span: p.span,
                text: p.text.clone(),
            })
            .collect(),
    };
    // Plain structs of strings and numbers: serialising cannot fail.
    serde_json::to_string(&doc).unwrap_or_default()
}

pub fn decode_draft(text: &str) -> Result<Draft, CodecError> {
    let doc: DraftDoc = serde_json::from_str(text)?;
    Ok(Draft {
        headline: doc.headline,
        body: doc.body,
        happened_on: doc.happened_on.as_deref().map(date).transpose()?,
        pieces: doc
            .pieces
            .into_iter()
            .map(|p| {
                Ok(Piece {
                    report_id: ReportId(p.report),
                    field: PieceField::parse(&p.field)
                        .ok_or_else(|| CodecError::Invalid(format!("unknown draft field {:?}", p.field)))?,
                    span: p.span,
                    text: p.text,
                })
            })
            .collect::<Result<_, CodecError>>()?,
    })
}

#[derive(Serialize, Deserialize)]
struct EditedDoc {
    headline: String,
    body: String,
    by: String,
    at: i64,
}

pub fn encode_edited(e: &EditedText) -> String {
    serde_json::to_string(&EditedDoc {
        headline: e.headline.clone(),
        body: e.body.clone(),
        by: e.by.clone(),
        at: e.at.as_microsecond(),
    })
    .unwrap_or_default()
}

pub fn decode_edited(text: &str) -> Result<EditedText, CodecError> {
    let doc: EditedDoc = serde_json::from_str(text)?;
    Ok(EditedText {
        headline: doc.headline,
        body: doc.body,
        by: doc.by,
        at: Timestamp::from_microsecond(doc.at).map_err(|e| CodecError::Invalid(e.to_string()))?,
    })
}

#[derive(Serialize, Deserialize, Default)]
struct FacetsDoc {
    #[serde(default)]
    topics: Vec<String>,
    #[serde(default)]
    places: Vec<String>,
    #[serde(default)]
    speakers: Vec<String>,
    #[serde(default)]
    outlets: Vec<String>,
    #[serde(default)]
    languages: Vec<String>,
}

pub fn encode_facets(f: &Facets) -> String {
    serde_json::to_string(&FacetsDoc {
        topics: f.topics.clone(),
        places: f.places.clone(),
        speakers: f.speakers.clone(),
        outlets: f.outlets.clone(),
        languages: f.languages.clone(),
    })
    .unwrap_or_default()
}

pub fn decode_facets(text: &str) -> Result<Facets, CodecError> {
    let d: FacetsDoc = serde_json::from_str(text)?;
    Ok(Facets {
        topics: d.topics,
        places: d.places,
        speakers: d.speakers,
        outlets: d.outlets,
        languages: d.languages,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Reading {
        Reading {
            language: "en".into(),
            sentences: vec![(0, 40), (41, 80)],
            quotes: vec![Quote {
                kind: QuoteKind::Mixed,
                text: "traveling to Russia".into(),
                spans: vec![(10, 29)],
                cue: Some(("said".into(), (5, 9))),
                speaker: Some(Speaker {
                    name: Some("Donald Trump".into()),
                    span: (0, 5),
                    text: "Trump".into(),
                    kind: "person".into(),
                    via: "name".into(),
                }),
                date: Some(Date::constant(2025, 3, 12)),
                evidence: "speaker-verb-that".into(),
            }],
            entities: vec![Entity {
                name: "Kyiv".into(),
                kind: EntityKind::Place,
                descriptions: vec![],
                mentions: vec![("Києві".into(), (50, 55))],
                place: Some(Place {
                    geonameid: 703448,
                    name: "Kyiv".into(),
                    lat: Some(50.45),
                    lon: Some(30.52),
                    country: "UA".into(),
                    region: Some("Kyiv (city)".into()),
                    ambiguous: false,
                }),
            }],
            dates: vec![
                DateMention {
                    text: "March 12".into(),
                    span: (30, 38),
                    kind: "absolute".into(),
                    value: DateValue::Day(Date::constant(2025, 3, 12)),
                },
                DateMention {
                    text: "last week".into(),
                    span: (60, 69),
                    kind: "range".into(),
                    value: DateValue::Range(Date::constant(2025, 3, 3), Date::constant(2025, 3, 9)),
                },
                DateMention {
                    text: "hours before".into(),
                    span: (70, 82),
                    kind: "vague".into(),
                    value: DateValue::Vague,
                },
            ],
            topics: vec![TopicScore {
                slug: "diplomacy".into(),
                label: "Diplomacy".into(),
                score: 3.5,
                evidence: vec![("talks".into(), 2)],
            }],
        }
    }

    #[test]
    fn round_trip() {
        let r = sample();
        let text = encode_reading(&r);
        assert!(text.starts_with("{\"v\":1,"), "{text}");
        assert_eq!(decode_reading(&text).expect("decodes"), r);
    }

    #[test]
    fn drafts_edits_and_facets_round_trip() {
        let d = Draft {
            headline: "Kremlin rejects a pause".into(),
            body: "Kremlin aide Yury Ushakov said on March 13 that it was “a respite”.".into(),
            happened_on: Some(Date::constant(2025, 3, 13)),
            pieces: vec![Piece {
                report_id: ReportId(4),
                field: PieceField::Text,
                span: (3, 9),
                text: "a respite".into(),
            }],
        };
        assert_eq!(decode_draft(&encode_draft(&d)).expect("draft"), d);
        let e = EditedText {
            headline: "H".into(),
            body: "B".into(),
            by: "editor".into(),
            at: Timestamp::from_second(1_750_000_000).expect("valid"),
        };
        assert_eq!(decode_edited(&encode_edited(&e)).expect("edited"), e);
        let f = Facets {
            topics: vec!["Diplomacy".into()],
            places: vec!["Kyiv".into()],
            speakers: vec!["Yury Ushakov".into()],
            outlets: vec!["Wire".into()],
            languages: vec!["en".into()],
        };
        assert_eq!(decode_facets(&encode_facets(&f)).expect("facets"), f);
        assert!(decode_draft(r#"{"headline":"","body":"","happened_on":null,"pieces":[{"report":1,"field":"x","span":[0,1],"text":""}]}"#).is_err());
    }

    #[test]
    fn unversioned_readings_decode_and_newer_ones_are_refused() {
        let legacy = r#"{"published":"2025-03-13","language":"en","text_length":10,"sentences":[[0,10]],
            "quotes":[{"kind":"direct","text":"x","spans":[[1,2]],"cue":null,"speaker":null,"date":"2025-03-13","evidence":"e"}],
            "entities":[],"places":[],"dates":[],"topics":[]}"#;
        let r = decode_reading(legacy).expect("legacy form");
        assert_eq!(r.quotes.len(), 1);
        assert_eq!(r.quotes[0].date, Some(Date::constant(2025, 3, 13)));
        assert!(matches!(decode_reading(r#"{"v": 99}"#), Err(CodecError::TooNew(99))));
        assert!(decode_reading("not json").is_err());
        assert!(
            decode_reading(
                r#"{"v":1,"quotes":[{"kind":"shouted","text":"","spans":[],"cue":null,"speaker":null,"date":null}]}"#
            )
            .is_err()
        );
    }
}
