//! The reading as JSON, one format for the CLI, the API and the store.

use serde_json::{Value, json};

use crate::{DateValue, EntityKind, Reading};

/// A resolved date as JSON: a day, a range, or unresolved.
pub fn date_value(v: &DateValue) -> Value {
    match v {
        DateValue::Day(d) => json!({"date": d.to_string()}),
        DateValue::Range(a, b) => json!({"from": a.to_string(), "to": b.to_string()}),
        DateValue::Vague => json!({"unresolved": true}),
    }
}

/// The reading as the JSON document of `livebrief read --json` and of the reports API: spans are half-open
/// code-point offsets into `text`.
///
/// A quote's `speaker` keeps the mention as written beside the person it stands for:
/// - `text` and `span`: the mention the quote is attributed to, as written ("he", "Trump", "the Florida
///   senator", "officials");
/// - `name`: the resolved speaker, a person under the fullest name the text gives ("Donald J. Trump" for
///   "Mr. Trump", "he" or "the candidate"), an organisation's name, or `null` when the text names nobody (an
///   unnamed group or person: "officials", "a spokesman", "they");
/// - `kind`: `person`, `organization` (also for an unnamed one: "the ministry" without a named ministry), or
///   `unknown`;
/// - `resolved_by`: how — `name`, `first name`, `pronoun`, `relative pronoun`, `role` (a description that
///   matched a role phrase the text gave the person), `role: the person the text is about`, `inherited` (a
///   quotation that continues the previous one).
///
/// A statement quoted in several pieces says how they relate:
/// - `parts`: `"joined"` when `spans` holds more than one piece of one statement by one speaker — a quotation
///   interrupted by its attribution (`"A," he said, "B."`), continued after it in the same paragraph (`"A," he
///   said. "B."`) or running over several paragraphs; `text` joins the pieces with " … ", and what lies between
///   them is not the speaker's. `null` for a quote of one piece.
/// - `continues`: for a quotation of its own that carries on an earlier quote's speaker (the next paragraph,
///   or after a reported statement), the index in `quotes` of the quote it continues; else `null`.
pub fn reading_json(r: &Reading, published: &str, text: &str) -> Value {
    let continues = continued_quotes(r);
    json!({
        "published": published,
        "language": r.language,
        "text_length": text.chars().count(),
        "sentences": r.sentences.iter().map(|s| json!([s.0, s.1])).collect::<Vec<_>>(),
        "quotes": r.quotes.iter().zip(&continues).map(|(q, continues)| json!({
            "kind": q.kind.as_str(),
            "text": q.text,
            "spans": q.spans.iter().map(|s| json!([s.0, s.1])).collect::<Vec<_>>(),
            "parts": (q.spans.len() > 1).then_some("joined"),
            "continues": continues,
            "cue": q.cue.as_ref().map(|(t, s)| json!({"text": t, "span": [s.0, s.1]})),
            "speaker": q.speaker.as_ref().map(|s| json!({"name": s.name, "span": [s.span.0, s.span.1], "text": s.text, "kind": s.kind, "resolved_by": s.via})),
            "date": q.date.map(|d| d.to_string()),
            "evidence": q.evidence,
        })).collect::<Vec<_>>(),
        "entities": r.entities.iter().map(|e| json!({
            "name": e.name,
            "base": crate::base::entity_base_of(&r.language, &e.mentions, &e.name, e.kind == EntityKind::Place),
            "kind": e.kind.as_str(),
            "descriptions": e.descriptions,
            "mentions": e.mentions.iter().map(|(t, s)| json!({"text": t, "span": [s.0, s.1]})).collect::<Vec<_>>(),
            "place": e.place.as_ref().map(|p| json!({"geonameid": p.geonameid, "name": p.name, "lat": p.lat, "lon": p.lon, "country": p.country, "region": p.region, "ambiguous": p.ambiguous})),
        })).collect::<Vec<_>>(),
        "places": r.entities.iter().filter(|e| e.kind == crate::EntityKind::Place).map(|e| json!({
            "name": e.name,
            "mentions": e.mentions.iter().map(|(t, _)| t.clone()).collect::<Vec<_>>(),
            "geonameid": e.place.as_ref().map(|p| p.geonameid),
            "lat": e.place.as_ref().and_then(|p| p.lat),
            "lon": e.place.as_ref().and_then(|p| p.lon),
            "country": e.place.as_ref().map(|p| p.country.clone()),
            "region": e.place.as_ref().and_then(|p| p.region.as_deref()),
            "ambiguous": e.place.as_ref().is_some_and(|p| p.ambiguous),
        })).collect::<Vec<_>>(),
        "dates": r.dates.iter().map(|d| json!({"text": d.text, "span": [d.span.0, d.span.1], "kind": d.kind, "value": date_value(&d.value)})).collect::<Vec<_>>(),
        "topics": r.topics.iter().map(|t| json!({"topic": t.slug, "label": t.label, "score": (t.score * 100.0).round() / 100.0, "evidence": t.evidence.iter().map(|(term, n)| json!({"term": term, "count": n})).collect::<Vec<_>>()})).collect::<Vec<_>>(),
    })
}

/// For each quote, the index of the quote it continues: a quote found as continuing the previous speaker carries
/// that quote's speaker mention, so it continues the nearest earlier quote attributed to the same mention.
fn continued_quotes(r: &Reading) -> Vec<Option<usize>> {
    r.quotes
        .iter()
        .enumerate()
        .map(|(i, q)| {
            let mention = q
                .speaker
                .as_ref()
                .filter(|_| q.evidence == crate::quotes::CONTINUES_PREVIOUS)?
                .span;
            r.quotes[..i]
                .iter()
                .rposition(|p| p.speaker.as_ref().is_some_and(|s| s.span == mention))
        })
        .collect()
}

/// [`reading_json`] as compact JSON text, the form the store keeps.
pub fn reading_json_text(r: &Reading, published: &str, text: &str) -> String {
    reading_json(r, published, text).to_string()
}
