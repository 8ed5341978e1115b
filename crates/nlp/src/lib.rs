//! Report understanding: who said what, about whom, where and when.
//!
//! `read(text, published, &topics)` returns a [`Reading`]: sentences, quotes with kind, cue, speaker and
//! date, entities with every mention, dates resolved against the publication date, topics with evidence,
//! and the language. Pure: no IO, no clock. Spans are half-open offsets in Unicode code points into the
//! text as given.

mod dates;
mod entities;
pub mod eval;
mod json;
mod lang;
mod lexicon;
pub mod names;
mod quotes;
mod text;
mod topics;

pub use dates::DateValue;
pub use entities::{EntityKind, GeoPlace};
pub use json::{date_value, reading_json, reading_json_text};
pub use names::{Candidate, PersonKey, Relation, choose, person_key};
pub use quotes::QuoteKind;
pub use topics::{
    MAX_TERMS, MAX_TOPICS, TopicDef, TopicListError, TopicScore, classify, default_topics, format_topics, parse_topics,
};

use jiff::civil::Date;
pub use livebrief_model::reading::{DateMention, Entity, Quote, Reading, Span, Speaker};

/// Byte offsets to code-point offsets.
struct CharIndex {
    /// byte offset of every char, plus the end
    bytes: Vec<usize>,
}

impl CharIndex {
    fn new(s: &str) -> Self {
        let mut bytes: Vec<usize> = s.char_indices().map(|(b, _)| b).collect();
        bytes.push(s.len());
        CharIndex { bytes }
    }
    fn at(&self, byte: usize) -> usize {
        self.bytes.partition_point(|&b| b < byte)
    }
    fn span(&self, (a, b): (usize, usize)) -> Span {
        (self.at(a), self.at(b))
    }
}

pub fn read(text: &str, published: Date, topics: &[TopicDef]) -> Reading {
    let toks = text::tokenize(text);
    // Sentences do not end inside a quotation: "… cease-fire. If needed, we will …" is one statement.
    let mut inside = vec![false; toks.len()];
    for m in quotes::pair_marks(text, &toks) {
        if m.pieces.len() == 1 && m.pieces[0].1 - m.pieces[0].0 <= 800 {
            for x in inside.iter_mut().take(m.close).skip(m.open + 1) {
                *x = true;
            }
        }
    }
    let sent_bytes = text::sentences(text, &toks, &inside);
    // Sentences as token ranges.
    let mut sent_toks = Vec::with_capacity(sent_bytes.len());
    let mut ti = 0;
    for &(a, b) in &sent_bytes {
        while ti < toks.len() && toks[ti].start < a {
            ti += 1;
        }
        let first = ti;
        while ti < toks.len() && toks[ti].end <= b {
            ti += 1;
        }
        sent_toks.push((first, ti));
    }
    let mut sentence_start = vec![false; toks.len()];
    for &(a, _) in &sent_toks {
        if a < toks.len() {
            sentence_start[a] = true;
        }
    }
    let idx = CharIndex::new(text);
    let ents = entities::find(text, &toks, &sentence_start);
    let date_mentions = dates::find(text, &toks, published);
    let raw = quotes::find(text, &toks, &sent_toks);

    let person_mentions: Vec<&entities::Mention> = ents
        .mentions
        .iter()
        .filter(|m| ents.list[m.entity].kind == EntityKind::Person)
        .collect();
    let mut quotes_out: Vec<Quote> = Vec::new();
    let mut last_speaker: Option<(usize, usize)> = None; // (entity, sentence)
    let mut last_date: Option<Date> = None;
    for q in &raw {
        let speaker = q.speaker.map(|np| {
            let span_text = text[np.start..np.end].to_string();
            // A person among the overlapping mentions wins ("Kremlin spokesman Pavel Orlov" is Orlov).
            let overlapping = ents
                .mentions
                .iter()
                .filter(|m| m.start < np.end && np.start < m.end)
                .max_by_key(|m| (ents.list[m.entity].kind == EntityKind::Person, m.start));
            let (entity, via) = match np.kind {
                _ if q.inherited => (last_speaker.map(|(e, _)| e), "inherited"),
                quotes::NpKind::Name => (overlapping.map(|m| m.entity), "name"),
                quotes::NpKind::Pronoun => {
                    let lw = span_text.to_lowercase();
                    if lw == "who" {
                        // "Eva Stone, who said …": the person just before.
                        (
                            person_mentions
                                .iter()
                                .rev()
                                .find(|m| m.end <= np.start)
                                .map(|m| m.entity),
                            "relative pronoun",
                        )
                    } else if matches!(lw.as_str(), "he" | "she") {
                        // The previous quote's speaker if recent, else the nearest person mentioned before.
                        let recent = last_speaker
                            .filter(|&(_, s)| q.sentence.saturating_sub(s) <= 3)
                            .map(|(e, _)| e);
                        let nearest = person_mentions
                            .iter()
                            .rev()
                            .find(|m| m.end <= np.start)
                            .map(|m| m.entity);
                        (recent.or(nearest), "pronoun")
                    } else {
                        (None, "pronoun")
                    }
                }
                quotes::NpKind::Role => {
                    // "the US President": the one person whose description has the role noun and modifiers.
                    let words: Vec<String> = span_text
                        .split_whitespace()
                        .map(|w| w.trim_end_matches("'s").to_lowercase())
                        .filter(|w| !matches!(w.as_str(), "the" | "a" | "an"))
                        .collect();
                    let head = words.last().cloned().unwrap_or_default();
                    let norm = |s: &str| s.to_lowercase().replace('.', "");
                    let matches: Vec<usize> = ents
                        .list
                        .iter()
                        .enumerate()
                        .filter(|(_, e)| e.kind == EntityKind::Person)
                        .filter(|(_, e)| {
                            e.descriptions.iter().any(|d| {
                                let d = norm(d);
                                d.split_whitespace().any(|w| w == head) && words.iter().all(|w| d.contains(&norm(w)))
                            })
                        })
                        .map(|(i, _)| i)
                        .collect();
                    let org = ents.list.iter().position(|e| {
                        e.kind == EntityKind::Organization && words.iter().any(|w| e.name.to_lowercase() == *w)
                    });
                    if matches.len() == 1 {
                        (Some(matches[0]), "role")
                    } else {
                        (org, "role")
                    }
                }
            };
            let (name, kind) = match entity {
                Some(e) => (Some(ents.list[e].name.clone()), ents.list[e].kind.as_str()),
                None if np.kind == quotes::NpKind::Name => {
                    (Some(span_text.trim_end_matches("'s").to_string()), "person")
                }
                None => (None, "unknown"),
            };
            (
                Speaker {
                    name,
                    span: idx.span((np.start, np.end)),
                    text: span_text,
                    kind: kind.to_string(),
                    via: via.to_string(),
                },
                entity,
            )
        });
        // The statement's date: a date in the sentence outside the quoted content; none when the text says
        // it was said "earlier"; else the date of the previous statement in context, else publication.
        let (sa, sb) = sent_toks
            .get(q.sentence)
            .map(|&(a, b)| {
                (
                    toks.get(a).map_or(0, |t| t.start),
                    toks.get(b.saturating_sub(1)).map_or(0, |t| t.end),
                )
            })
            .unwrap_or((0, 0));
        let outside = |m: &dates::DateMention| {
            m.start >= sa && m.end <= sb && !q.spans.iter().any(|&(x, y)| m.start < y && x < m.end)
        };
        let in_sentence = date_mentions
            .iter()
            .find(|m| outside(m) && matches!(m.value, DateValue::Day(_)));
        let earlier = text[sa..sb]
            .to_lowercase()
            .split_whitespace()
            .any(|w| matches!(w, "earlier" | "previously" | "once"))
            && in_sentence.is_none();
        let date = match in_sentence.map(|m| &m.value) {
            Some(DateValue::Day(d)) => Some(*d),
            _ if earlier => None,
            _ => last_date.or(Some(published)),
        };
        if in_sentence.is_some() {
            last_date = date;
        }
        let (speaker, entity) = match speaker {
            Some((s, e)) => (Some(s), e),
            None => (None, None),
        };
        if let Some(e) = entity {
            last_speaker = Some((e, q.sentence));
        }
        let spans: Vec<Span> = q.spans.iter().map(|&sp| idx.span(sp)).collect();
        let qtext = q
            .spans
            .iter()
            .map(|&(a, b)| text[a..b].trim())
            .collect::<Vec<_>>()
            .join(" … ");
        quotes_out.push(Quote {
            kind: q.kind,
            text: qtext,
            spans,
            cue: q
                .cue
                .map(|c| (toks[c].text(text).to_string(), idx.span((toks[c].start, toks[c].end)))),
            speaker,
            date,
            evidence: q.evidence.to_string(),
        });
    }

    Reading {
        language: lang::detect(text).to_string(),
        sentences: sent_bytes.iter().map(|&sp| idx.span(sp)).collect(),
        quotes: quotes_out,
        entities: ents
            .list
            .iter()
            .map(|e| Entity {
                name: e.name.clone(),
                kind: e.kind,
                descriptions: e.descriptions.clone(),
                mentions: e
                    .mentions
                    .iter()
                    .map(|&(a, b)| (text[a..b].to_string(), idx.span((a, b))))
                    .collect(),
                place: e.place.clone(),
            })
            .collect(),
        dates: date_mentions
            .into_iter()
            .map(|m| DateMention {
                text: text[m.start..m.end].to_string(),
                span: idx.span((m.start, m.end)),
                kind: m.kind.to_string(),
                value: m.value,
            })
            .collect(),
        topics: topics::classify(text, topics, 2.0),
    }
}
