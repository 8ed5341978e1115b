//! Report understanding: who said what, about whom, where and when.
//!
//! `read(text, published, &topics)` returns a [`Reading`]: sentences, quotes with kind, cue, speaker (the
//! mention as written and the person it stands for, under the fullest name the text gives: `speakers`) and
//! date, entities with every mention, dates resolved against the publication date, topics with evidence,
//! and the language. Pure: no IO, no clock. Spans are half-open offsets in Unicode code points into the
//! text as given.
//!
//! # Cost
//!
//! A reading takes time linear in the length of the text (issue 11: a megabyte of "Peskov said that Putin
//! said that" took 48.5 s, and now takes about half a second; `examples/slow_inputs.rs` prints the time by size
//! for two dozen pathological shapes). What keeps it linear:
//!
//! - **Sentences are bounded**: at most [`MAX_SENTENCE_TOKENS`] tokens (400; the longest sentence of the
//!   development sets, PolNeAR, factRuEval, NER-UK and ECB+, has about 250). A longer run without a sentence
//!   end (a page without punctuation, a list run together) is cut into pieces of that many tokens. Every
//!   search for a speaker, a verb of saying, a clause end or an appositive stays inside its sentence (most
//!   also within a fixed number of tokens), so the quote rules' work per sentence is bounded by a function of
//!   that limit (quadratic in the sentence's tokens at worst) and the text costs at most a constant per token.
//! - **Quotations are bounded**: quotation marks pair within a paragraph (or paragraphs that open with a
//!   mark), and a quotation has at most 6,000 bytes of content; only one of at most 800 bytes keeps a
//!   sentence from ending inside it.
//! - **No rescans of the whole text per finding**: whatever a finding looks up among all the quotes,
//!   quotation marks, mentions or dates of the text (the direct quotes a statement may lie inside, the marks
//!   a mixed quote takes in, the earlier quote an unattributed one continues, the mention a speaker
//!   overlaps, the person before a pronoun, the dates of a statement's sentence) is found by binary search in
//!   lists kept in text order, or through an index; never by a scan over the whole list for each finding.
//! - **Entities through indexes**: a name links to an entity through maps of names, place names, surnames
//!   and given names; a role phrase ("the US President", "the minister said") is matched against the persons
//!   whose descriptions or role phrases have its head noun, or its rarest word, not against every entity.
//! - **Speakers through bounded look-backs** (`speakers`): a pronoun looks at most 24 person mentions back, a
//!   description's "person the text is about" counts the last 16.
//! - **Bounded lookarounds**: role words before a name (five), a name that signs a quotation after a dash or
//!   in brackets (four words), a parenthesis after a name (eight tokens), the adjunct after a verb of saying
//!   (forty tokens); the words a sentence says its statement was made "earlier" with are looked at once per
//!   sentence, not once per quote in it.
//!
//! `tests/it/slow_inputs.rs` holds the time budgets and checks that doubling the input at most triples the
//! time; the fuzz target `read` (`fuzz/run.sh read`) runs with a two-second limit per input.

mod base;
mod dates;
mod entities;
pub mod eval;
mod json;
mod lang;
mod lexicon;
mod memo;
pub mod names;
mod orgs;
mod quotes;
mod speakers;
mod text;
mod topics;

pub use base::{entity_base, place_base};
pub use dates::DateValue;
pub use entities::{EntityKind, GeoPlace};
pub use json::{date_value, reading_json, reading_json_text};
pub use lang::detect as detect_language;
pub use names::{Candidate, PersonKey, Relation, choose, person_key};
pub use quotes::{QuoteKind, genitive_to_nominative};
pub use text::MAX_SENTENCE_TOKENS;
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
    memo::forget();
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
    let language = lang::detect(text);
    let ents = entities::find(text, &toks, &sentence_start, language);
    let date_mentions = dates::find(text, &toks, published);
    let raw = quotes::find(text, &toks, &sent_toks);

    let mut speakers = speakers::Resolver::new(text, &toks, &ents, &inside, &sent_bytes);
    // Whether a sentence says its statement was made "earlier", computed once per sentence.
    let mut said_earlier: Vec<Option<bool>> = vec![None; sent_toks.len()];
    let mut quotes_out: Vec<Quote> = Vec::new();
    let mut last_date: Option<Date> = None;
    for q in &raw {
        let speaker = q.speaker.map(|np| {
            let r = speakers.resolve(np, q.inherited, q.base.as_deref());
            Speaker {
                name: r.name,
                span: idx.span((np.start, np.end)),
                text: text[np.start..np.end].to_string(),
                kind: r.kind.to_string(),
                via: r.via.to_string(),
            }
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
        // (Date mentions are apart and in order: those of the sentence are found by binary search.)
        let in_sentence = date_mentions[date_mentions.partition_point(|m| m.start < sa)..]
            .iter()
            .take_while(|m| m.start < sb)
            .find(|m| outside(m) && matches!(m.value, DateValue::Day(_)));
        let says_earlier = |(sa, sb): (usize, usize)| {
            text[sa..sb]
                .to_lowercase()
                .split_whitespace()
                .any(|w| matches!(w, "earlier" | "previously" | "once"))
        };
        let earlier = in_sentence.is_none()
            && match said_earlier.get_mut(q.sentence) {
                Some(Some(known)) => *known,
                Some(slot) => *slot.insert(says_earlier((sa, sb))),
                None => says_earlier((sa, sb)),
            };
        let date = match in_sentence.map(|m| &m.value) {
            Some(DateValue::Day(d)) => Some(*d),
            _ if earlier => None,
            _ => last_date.or(Some(published)),
        };
        if in_sentence.is_some() {
            last_date = date;
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
        language: language.to_string(),
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
