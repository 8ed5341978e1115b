//! The synthetic newsroom: four outlets, ten events of one simulated day of the war and the cease-fire talks,
//! twenty-two articles, and the ground truth (which event each article reports, and the hard cases a desk meets).
//!
//! All text was written for this crate (see `text.rs`); nothing is copied from an outlet. Dates in the text are
//! relative to the publication date ("on Thursday", "overnight"), so the corpus can be laid on any day
//! ([`Corpus::on`]); [`Corpus::standard`] lays it on [`DEFAULT_DAY`].

mod text;

use jiff::civil::{Date, Weekday};
use jiff::{Timestamp, tz::TimeZone};

/// The day the standard corpus happens on: Thursday, 20 March 2025 (publication times are UTC).
pub const DEFAULT_DAY: Date = jiff::civil::date(2025, 3, 20);

/// How an outlet publishes its list of stories.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FeedKind {
    /// RSS 2.0 at `/{outlet}/feed`.
    Rss,
    /// Atom 1.0 at `/{outlet}/feed`.
    Atom,
    /// JSON Feed 1.1 at `/{outlet}/feed`.
    JsonFeed,
    /// No feed: the section page `/{outlet}/` lists the stories and is watched as a page.
    Page,
}

impl FeedKind {
    /// The `Content-Type` the list is served with.
    pub fn content_type(self) -> &'static str {
        match self {
            FeedKind::Rss => "application/rss+xml; charset=utf-8",
            FeedKind::Atom => "application/atom+xml; charset=utf-8",
            FeedKind::JsonFeed => "application/feed+json; charset=utf-8",
            FeedKind::Page => "text/html; charset=utf-8",
        }
    }
}

/// A publisher.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outlet {
    /// The first path segment of everything it serves (`wire`).
    pub id: String,
    /// As it signs its pages and feeds (`Meridian Wire`).
    pub name: String,
    pub kind: FeedKind,
    /// Its main language (BCP 47); single articles may differ.
    pub language: String,
}

/// Something that happened, reported by one or more articles: the ground truth of grouping.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub id: String,
    /// One line, as a desk would write the development.
    pub summary: String,
    /// The day it happened (or was said).
    pub date: Date,
    pub places: Vec<String>,
    /// The people quoted or paraphrased about it.
    pub speakers: Vec<String>,
}

/// One report as an outlet published it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Article {
    /// The outlet's id.
    pub outlet: String,
    /// The last path segment; unique within the outlet.
    pub slug: String,
    /// The id of the [`Event`] it reports.
    pub event: String,
    /// BCP 47 (`en`, `uk`).
    pub language: String,
    pub title: String,
    /// A wire dateline put before the lead on the page (`ODESA, March 20 (Meridian Wire) -`); not in
    /// [`Article::paragraphs`].
    pub dateline: Option<String>,
    /// The byline (a person, or the agency a story was taken from).
    pub author: String,
    pub section: String,
    pub published: Timestamp,
    /// The body, lead first, as plain text.
    pub paragraphs: Vec<String>,
}

impl Article {
    /// `{outlet}/{slug}`: unique in a scenario.
    pub fn id(&self) -> String {
        format!("{}/{}", self.outlet, self.slug)
    }

    /// The URL path it is served at: `/{outlet}/{slug}`.
    pub fn path(&self) -> String {
        format!("/{}/{}", self.outlet, self.slug)
    }

    /// The first paragraph.
    pub fn lead(&self) -> &str {
        self.paragraphs.first().map_or("", String::as_str)
    }

    /// The body as plain text, paragraphs separated by a blank line.
    pub fn text(&self) -> String {
        self.paragraphs.join("\n\n")
    }
}

/// A situation that makes grouping or reading hard, with the articles or events that make it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HardCase {
    /// One statement, reworded by several outlets: one event.
    Reworded { event: String, articles: Vec<String> },
    /// A story republished almost verbatim by a second site: one event, and a near-duplicate pair.
    NearDuplicate { original: String, copy: String },
    /// Two different strikes on one city on different nights: two events that share a place and vocabulary.
    SameCityTwoStrikes { city: String, events: [String; 2] },
    /// One speaker on two subjects the same day: two events that share a speaker and a date.
    SameSpeakerTwoSubjects { speaker: String, events: [String; 2] },
    /// A report in another language than the rest of its event's reports.
    OtherLanguage { article: String, language: String },
}

/// The corpus laid on one day.
#[derive(Debug, Clone)]
pub struct Corpus {
    pub day: Date,
    pub outlets: Vec<Outlet>,
    pub events: Vec<Event>,
    /// In publication order.
    pub articles: Vec<Article>,
    pub hard_cases: Vec<HardCase>,
    /// Seconds after start at which the demo releases an article, by index into `articles`.
    pub(crate) demo: Vec<Option<u16>>,
}

impl Corpus {
    /// The corpus on [`DEFAULT_DAY`].
    pub fn standard() -> Corpus {
        Corpus::on(DEFAULT_DAY)
    }

    /// The corpus with its publication day set to `day` (weekdays and dates in the text follow).
    pub fn on(day: Date) -> Corpus {
        let words = DayWords::new(day);
        let outlets = text::OUTLETS
            .iter()
            .map(|o| Outlet {
                id: o.id.into(),
                name: o.name.into(),
                kind: o.kind,
                language: o.language.into(),
            })
            .collect::<Vec<_>>();
        let events = text::EVENTS
            .iter()
            .map(|e| Event {
                id: e.id.into(),
                summary: e.summary.into(),
                date: day.saturating_add(jiff::Span::new().days(i64::from(e.day))),
                places: e.places.iter().map(|s| s.to_string()).collect(),
                speakers: e.speakers.iter().map(|s| s.to_string()).collect(),
            })
            .collect();
        let mut specs: Vec<&text::ArticleSpec> = text::ARTICLES.iter().collect();
        specs.sort_by_key(|a| a.at);
        let mut articles = Vec::with_capacity(specs.len());
        let mut demo = Vec::with_capacity(specs.len());
        for a in specs {
            let name = outlets
                .iter()
                .find(|o| o.id == a.outlet)
                .map_or("", |o| o.name.as_str());
            articles.push(Article {
                outlet: a.outlet.into(),
                slug: a.slug.into(),
                event: a.event.into(),
                language: a.language.into(),
                title: a.title.into(),
                dateline: a.dateline.map(|city| format!("{city}, {} ({name}) -", words.date)),
                author: a.author.into(),
                section: a.section.into(),
                published: at(day, a.at.0, a.at.1),
                paragraphs: a.paragraphs.iter().map(|p| words.fill(p)).collect(),
            });
            demo.push(a.demo);
        }
        Corpus {
            day,
            outlets,
            events,
            articles,
            hard_cases: hard_cases(),
            demo,
        }
    }

    pub fn outlet(&self, id: &str) -> Option<&Outlet> {
        self.outlets.iter().find(|o| o.id == id)
    }

    pub fn event(&self, id: &str) -> Option<&Event> {
        self.events.iter().find(|e| e.id == id)
    }

    /// The article with this [`Article::id`] (`wire/drones-hit-kharkiv-apartment-block`).
    pub fn article(&self, id: &str) -> Option<&Article> {
        self.articles.iter().find(|a| a.id() == id)
    }

    /// The articles reporting `event`, in publication order.
    pub fn articles_of<'a>(&'a self, event: &'a str) -> impl Iterator<Item = &'a Article> + 'a {
        self.articles.iter().filter(move |a| a.event == event)
    }
}

fn hard_cases() -> Vec<HardCase> {
    let s = |x: &str| x.to_string();
    vec![
        HardCase::Reworded {
            event: s("peskov-ceasefire-questions"),
            articles: vec![
                s("wire/kremlin-says-it-is-studying-us-truce-proposal"),
                s("daily/moscow-will-not-rush-answer-on-ceasefire-says-peskov"),
                s("post/kremlin-raises-questions-over-us-cease-fire-plan"),
            ],
        },
        HardCase::NearDuplicate {
            original: s("wire/russian-drones-hit-odesa-port-and-power-facility"),
            copy: s("regional/overnight-drone-attack-hits-odesa-port"),
        },
        HardCase::SameCityTwoStrikes {
            city: s("Kharkiv"),
            events: [s("kharkiv-drone-strike-overnight"), s("kharkiv-missile-strike-evening")],
        },
        HardCase::SameSpeakerTwoSubjects {
            speaker: s("Dmitry Peskov"),
            events: [s("peskov-ceasefire-questions"), s("peskov-european-troops")],
        },
        HardCase::OtherLanguage {
            article: s("regional/zaporizhzhia-aviabomby-troie-poranenykh"),
            language: s("uk"),
        },
    ]
}

/// `day` at `hour:minute` UTC.
pub(crate) fn at(day: Date, hour: i8, minute: i8) -> Timestamp {
    day.to_datetime(jiff::civil::time(hour, minute, 0, 0))
        .to_zoned(TimeZone::UTC)
        .map_or(Timestamp::UNIX_EPOCH, |z| z.timestamp())
}

/// The words a day gives the text.
pub(crate) struct DayWords {
    pub today: &'static str,
    pub yesterday: &'static str,
    /// `March 20`.
    pub date: String,
    pub uk_today: &'static str,
    pub uk_date: String,
}

impl DayWords {
    pub(crate) fn new(day: Date) -> DayWords {
        DayWords {
            today: weekday(day.weekday()),
            yesterday: weekday(day.weekday().wrapping_sub(1)),
            date: format!("{} {}", MONTHS[month_index(day)], day.day()),
            uk_today: uk_weekday(day.weekday()),
            uk_date: format!("{} {}", day.day(), UK_MONTHS_GENITIVE[month_index(day)]),
        }
    }

    pub(crate) fn fill(&self, s: &str) -> String {
        s.replace("{today}", self.today)
            .replace("{yesterday}", self.yesterday)
            .replace("{date}", &self.date)
            .replace("{uk_today}", self.uk_today)
            .replace("{uk_date}", &self.uk_date)
    }
}

fn month_index(day: Date) -> usize {
    // `month()` is 1..=12 for every `Date`.
    (day.month() as usize).saturating_sub(1).min(11)
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

const UK_MONTHS_GENITIVE: [&str; 12] = [
    "січня",
    "лютого",
    "березня",
    "квітня",
    "травня",
    "червня",
    "липня",
    "серпня",
    "вересня",
    "жовтня",
    "листопада",
    "грудня",
];

fn weekday(w: Weekday) -> &'static str {
    match w {
        Weekday::Monday => "Monday",
        Weekday::Tuesday => "Tuesday",
        Weekday::Wednesday => "Wednesday",
        Weekday::Thursday => "Thursday",
        Weekday::Friday => "Friday",
        Weekday::Saturday => "Saturday",
        Weekday::Sunday => "Sunday",
    }
}

/// The accusative, as after «у» ("у четвер", "у середу").
fn uk_weekday(w: Weekday) -> &'static str {
    match w {
        Weekday::Monday => "понеділок",
        Weekday::Tuesday => "вівторок",
        Weekday::Wednesday => "середу",
        Weekday::Thursday => "четвер",
        Weekday::Friday => "пʼятницю",
        Weekday::Saturday => "суботу",
        Weekday::Sunday => "неділю",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_all_filled_on_any_day() {
        for day in [
            DEFAULT_DAY,
            jiff::civil::date(2026, 1, 5),
            jiff::civil::date(2024, 12, 29),
        ] {
            let c = Corpus::on(day);
            for a in &c.articles {
                for p in a.paragraphs.iter().chain([&a.title]) {
                    assert!(!p.contains('{') && !p.contains('}'), "{}: {p}", a.id());
                }
            }
        }
        let c = Corpus::standard();
        let w = c.article("wire/drones-hit-kharkiv-apartment-block").expect("article");
        assert!(w.lead().ends_with("said early on Thursday."), "{}", w.lead());
        assert_eq!(w.dateline.as_deref(), Some("KHARKIV, March 20 (Meridian Wire) -"));
        let uk = c
            .article("regional/zaporizhzhia-aviabomby-troie-poranenykh")
            .expect("article");
        assert!(uk.lead().contains("у четвер вдень"), "{}", uk.lead());
    }
}
