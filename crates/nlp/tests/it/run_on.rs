//! Quotes that run on: how the JSON relates their pieces (`parts` for one quote of several pieces,
//! `continues` for a quote of its own that carries on an earlier one), and whose they are not.

use livebrief_nlp::{default_topics, read, reading_json};
use serde_json::Value;

fn quotes(text: &str) -> Vec<Value> {
    let r = read(text, jiff::civil::Date::constant(2025, 3, 13), &default_topics());
    let j = reading_json(&r, "2025-03-13", text);
    j["quotes"].as_array().expect("quotes").clone()
}

/// The text of a span of code points.
fn piece(text: &str, span: &Value) -> String {
    let (a, b) = (span[0].as_u64().unwrap() as usize, span[1].as_u64().unwrap() as usize);
    text.chars().skip(a).take(b - a).collect()
}

#[test]
fn a_quote_continued_after_its_attribution_is_one_quote_of_joined_parts() {
    let text = "Mayor Vitali Klitschko spoke on Tuesday. \"The shelters are open,\" he said. \"Every metro station \
                will stay open all night.\"";
    let q = quotes(text);
    assert_eq!(q.len(), 1, "{q:?}");
    assert_eq!(q[0]["parts"], "joined");
    assert!(q[0]["continues"].is_null());
    let spans = q[0]["spans"].as_array().unwrap();
    assert_eq!(spans.len(), 2);
    assert_eq!(piece(text, &spans[0]), "\"The shelters are open,\"");
    assert_eq!(
        piece(text, &spans[1]),
        "\"Every metro station will stay open all night.\""
    );
}

#[test]
fn a_quote_interrupted_by_its_attribution_is_joined() {
    let text = "\"The first stage is a halt to strikes,\" the envoy Mark Dale said, \"and the second is a full \
                cease-fire.\"";
    let q = quotes(text);
    assert_eq!(q.len(), 1, "{q:?}");
    assert_eq!(q[0]["parts"], "joined");
    assert_eq!(q[0]["spans"].as_array().unwrap().len(), 2);
}

#[test]
fn a_quote_of_one_piece_has_neither_parts_nor_continues() {
    let text = "\"The convoy reached the city at dawn,\" Marchenko said.";
    let q = quotes(text);
    assert_eq!(q.len(), 1, "{q:?}");
    assert!(q[0]["parts"].is_null() && q[0]["continues"].is_null(), "{}", q[0]);
}

#[test]
fn a_quoted_paragraph_after_an_attributed_one_continues_it() {
    let text = "\"We lost power at midnight,\" said Iryna Koval, a resident of the district.\n\n\"The generators ran \
                until six in the morning and then stopped.\"\n\n\"The water supply will be restored by Friday,\" said \
                Mayor Ivan Sokol.";
    let q = quotes(text);
    assert_eq!(q.len(), 3, "{q:?}");
    assert!(q[0]["continues"].is_null());
    assert_eq!(q[1]["continues"], 0, "{}", q[1]);
    assert!(q[1]["parts"].is_null());
    assert_eq!(q[1]["speaker"]["name"], "Iryna Koval");
    assert!(q[2]["continues"].is_null(), "{}", q[2]);
}

#[test]
fn a_quoted_paragraph_continues_the_nearest_quote_of_the_same_mention() {
    let text = "\"The bridge will reopen in May,\" said Mayor Ivan Petrenko.\n\nThe prime minister said the grid had \
                held through the night.\n\n\"Repairs will take weeks, not days, and every region will share the \
                outages.\"";
    let q = quotes(text);
    assert_eq!(q.len(), 3, "{q:?}");
    assert_eq!(q[1]["kind"], "indirect");
    assert_eq!(q[2]["continues"], 1, "{}", q[2]);
}

#[test]
fn a_quoted_paragraph_after_one_naming_its_speaker_continues_no_quote() {
    let text = "Volodymyr Zelensky addressed the nation late on Sunday.\n\n“We will rebuild every house and every \
                school that Russia destroyed.”";
    let q = quotes(text);
    assert_eq!(q.len(), 1, "{q:?}");
    assert_eq!(q[0]["speaker"]["name"], "Volodymyr Zelensky");
    assert_eq!(q[0]["cue"]["text"], "addressed");
    assert!(q[0]["continues"].is_null() && q[0]["parts"].is_null(), "{}", q[0]);
}

#[test]
fn a_quoted_paragraph_after_two_speakers_is_neither_ones() {
    // The reported statement's speaker is one of two; the quoted paragraph after it may be either's.
    for text in [
        "Olena Shapoval and her colleague Petro Ivanenko said the hospital had lost power twice.\n\n\"We carried \
         the patients down to the basement in the dark. Nobody panicked.\"",
        "Olena Shapoval and Petro Ivanenko said the hospital had lost power twice. \"We carried the patients down \
         to the basement in the dark.\"",
    ] {
        let q = quotes(text);
        assert!(
            q.iter().all(|q| !q["text"].as_str().unwrap().contains("carried")),
            "{q:?}"
        );
    }
    // One speaker: the paragraph is hers.
    let text = "Olena Shapoval said the hospital had lost power twice.\n\n\"We carried the patients down to the \
                basement in the dark. Nobody panicked.\"";
    let q = quotes(text);
    assert!(
        q.iter()
            .any(|q| q["text"].as_str().unwrap().contains("carried") && q["speaker"]["name"] == "Olena Shapoval"),
        "{q:?}"
    );
}
