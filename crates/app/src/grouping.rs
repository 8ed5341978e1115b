//! Reports into developments: the grouper's view of a report, and the one online grouping the server, the
//! poller and `livebrief group` all use.

use livebrief_cluster::{Config, Doc};
use livebrief_model::reading::{DateValue, EntityKind};
use livebrief_model::{Date, Reading, Report};

use crate::draft::outlet_of;

/// What the grouper sees of a report: its words, who and where it names, whom it quotes and the days it speaks
/// of. Without a publication date (`published: None`, only from `livebrief group` input: the server always
/// has one, the feed's, the page's or the day it arrived), only dates that carry their own year count, since
/// "on Wednesday" means nothing without a reference day.
pub fn doc_from_reading(
    title: &str,
    text: &str,
    published: Option<Date>,
    source: Option<&str>,
    reading: &Reading,
) -> Doc {
    let names = |kind: EntityKind| -> Vec<String> { reading.entities_of(kind).map(|e| e.name.clone()).collect() };
    let has_year = |s: &str| s.split(|c: char| !c.is_ascii_digit()).any(|run| run.len() == 4);
    let mut dates: Vec<Date> = reading
        .dates
        .iter()
        .filter(|m| published.is_some() || has_year(&m.text))
        .filter_map(|m| match m.value {
            DateValue::Day(d) => Some(d),
            _ => None,
        })
        .collect();
    if published.is_some() {
        dates.extend(reading.quotes.iter().filter_map(|q| q.date));
    }
    dates.sort();
    dates.dedup();
    let mut speakers: Vec<String> = reading.speaker_names().into_iter().map(str::to_string).collect();
    speakers.sort();
    speakers.dedup();
    Doc {
        title: title.to_string(),
        text: text.to_string(),
        published,
        source: source.map(str::to_string),
        language: reading.language.clone(),
        people: names(EntityKind::Person),
        organizations: names(EntityKind::Organization),
        places: names(EntityKind::Place),
        speakers,
        dates,
    }
}

/// A stored report as the grouper sees it.
pub fn doc_of(r: &Report) -> Doc {
    doc_from_reading(&r.title, &r.text, Some(r.published), Some(&outlet_of(r)), &r.reading)
}

/// The grouper's settings: the crate's principled defaults.
pub fn config() -> Config {
    Config::default()
}
