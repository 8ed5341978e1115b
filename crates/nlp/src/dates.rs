//! Date expressions resolved against a reference date: absolute ("March 13", "13 March 2025",
//! "2025-03-13"), weekdays ("on Wednesday"), relative ("yesterday", "a day earlier", "last week" as a range),
//! vague ones reported unresolved ("hours before"), and durations ("30-day") left out.

use jiff::ToSpan;
use jiff::civil::{Date, Weekday};

use crate::lexicon::{MONTHS, WEEKDAYS};
use crate::text::{Kind, Token};

pub use livebrief_model::reading::DateValue;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateMention {
    pub start: usize,
    pub end: usize,
    /// absolute, weekday, relative, range, vague
    pub kind: &'static str,
    pub value: DateValue,
}

/// Ukrainian and Russian month names, nominative and genitive ("13 березня", "13 марта").
const CYRILLIC_MONTHS: [&[&str]; 12] = [
    &["січень", "січня", "январь", "января"],
    &["лютий", "лютого", "февраль", "февраля"],
    &["березень", "березня", "март", "марта"],
    &["квітень", "квітня", "апрель", "апреля"],
    &["травень", "травня", "май", "мая"],
    &["червень", "червня", "июнь", "июня"],
    &["липень", "липня", "июль", "июля"],
    &["серпень", "серпня", "август", "августа"],
    &["вересень", "вересня", "сентябрь", "сентября"],
    &["жовтень", "жовтня", "октябрь", "октября"],
    &["листопад", "листопада", "ноябрь", "ноября"],
    &["грудень", "грудня", "декабрь", "декабря"],
];

/// Ukrainian and Russian weekdays, nominative and accusative ("у середу", "в среду").
const CYRILLIC_WEEKDAYS: [&[&str]; 7] = [
    &["понеділок", "понедельник"],
    &["вівторок", "вторник"],
    &["середа", "середу", "среда", "среду"],
    &["четвер", "четверг"],
    &[
        "пʼятниця",
        "п'ятниця",
        "п’ятниця",
        "пʼятницю",
        "п'ятницю",
        "п’ятницю",
        "пятница",
        "пятницу",
    ],
    &["субота", "суботу", "суббота", "субботу"],
    &["неділя", "неділю", "воскресенье"],
];

fn month(w: &str) -> Option<i8> {
    let l = w.trim_end_matches('.').to_lowercase();
    if let Some(i) = CYRILLIC_MONTHS.iter().position(|forms| forms.contains(&l.as_str())) {
        return Some(i as i8 + 1);
    }
    if l.len() < 3 {
        return None;
    }
    MONTHS
        .iter()
        .position(|m| *m == l || (l.len() >= 3 && m.starts_with(&l) && (l.len() == 3 || l == "sept")))
        .map(|i| i as i8 + 1)
}

/// `l`: the word in lowercase.
fn weekday(l: &str) -> Option<Weekday> {
    let i = WEEKDAYS
        .iter()
        .position(|d| *d == l)
        .or_else(|| CYRILLIC_WEEKDAYS.iter().position(|forms| forms.contains(&l)))?;
    Some(
        [
            Weekday::Monday,
            Weekday::Tuesday,
            Weekday::Wednesday,
            Weekday::Thursday,
            Weekday::Friday,
            Weekday::Saturday,
            Weekday::Sunday,
        ][i],
    )
}

fn day_num(w: &str) -> Option<i8> {
    // (A word that does not start with a digit is no day: quicker than trimming its letters.)
    if !w.as_bytes().first().is_some_and(u8::is_ascii_digit) {
        return None;
    }
    let d = w.trim_end_matches(|c: char| c.is_alphabetic()).trim_end_matches(',');
    let n: i8 = d.parse().ok()?;
    (1..=31).contains(&n).then_some(n)
}

fn year_num(w: &str) -> Option<i16> {
    let y: i16 = w.trim_end_matches(',').parse().ok()?;
    (1900..=2100).contains(&y).then_some(y)
}

/// Resolves a month and day without a year: the nearest such date on or before the reference, unless it
/// would be more than ~10 months back (then the coming one).
fn infer_year(reference: Date, m: i8, d: i8) -> Option<Date> {
    let this = Date::new(reference.year(), m, d).ok()?;
    if this <= reference.checked_add(31.days()).ok()? {
        Some(this)
    } else {
        Date::new(reference.year() - 1, m, d).ok()
    }
}

/// All date mentions in `s` (tokens `toks`), resolved against `reference`.
pub fn find(s: &str, toks: &[Token], reference: Date) -> Vec<DateMention> {
    let mut out = Vec::new();
    let w = |i: usize| {
        toks.get(i)
            .filter(|t| t.kind == Kind::Word || t.kind == Kind::Number)
            .map(|t| t.text(s))
    };
    let lw = |i: usize| w(i).map(str::to_lowercase);
    let mut i = 0;
    while i < toks.len() {
        let t = toks[i];
        let Some(word) = w(i) else {
            i += 1;
            continue;
        };
        // 2025-03-13
        if t.kind == Kind::Word
            && word.len() == 10
            && word.as_bytes()[4] == b'-'
            && let Ok(d) = word.parse::<Date>()
        {
            out.push(DateMention {
                start: t.start,
                end: t.end,
                kind: "absolute",
                value: DateValue::Day(d),
            });
            i += 1;
            continue;
        }
        // Month Day[, Year] and Day Month [Year].
        let month_day = Some(word)
            .filter(|w| w.chars().next().is_some_and(char::is_uppercase))
            .and_then(month)
            .zip(w(i + 1).and_then(day_num))
            .map(|(m, d)| {
                let year = match (
                    toks.get(i + 2).map(|t| t.text(s)),
                    w(i + 2).and_then(year_num),
                    w(i + 3).and_then(year_num),
                ) {
                    (Some(","), _, Some(y)) => Some((y, i + 3)),
                    (_, Some(y), _) => Some((y, i + 2)),
                    _ => None,
                };
                (m, d, year)
            });
        let day_month = Some(word)
            .filter(|_| t.kind == Kind::Number)
            .and_then(day_num)
            .zip(w(i + 1).and_then(month))
            .map(|(d, m)| (m, d, w(i + 2).and_then(year_num).map(|y| (y, i + 2))));
        if let Some((m, d, year)) = month_day.or(day_month) {
            let end_tok = year.map_or(i + 1, |(_, e)| e);
            let date = match year {
                Some((y, _)) => Date::new(y, m, d).ok(),
                None => infer_year(reference, m, d),
            };
            if let Some(date) = date {
                out.push(DateMention {
                    start: t.start,
                    end: toks[end_tok].end,
                    kind: "absolute",
                    value: DateValue::Day(date),
                });
                i = end_tok + 1;
                continue;
            }
        }
        let l = word.to_lowercase();
        // Weekdays: the most recent one on or before the reference ("on Wednesday").
        if let Some(wd) = weekday(&l) {
            let mut d = reference;
            for _ in 0..7 {
                if d.weekday() == wd {
                    break;
                }
                d = d.yesterday().unwrap_or(d);
            }
            out.push(DateMention {
                start: t.start,
                end: t.end,
                kind: "weekday",
                value: DateValue::Day(d),
            });
            i += 1;
            continue;
        }
        let day = |n: i64| reference.checked_add(n.days()).ok();
        let rel = match l.as_str() {
            "yesterday" | "вчора" | "вчера" => day(-1).map(|d| (DateValue::Day(d), i)),
            "позавчора" | "позавчера" => day(-2).map(|d| (DateValue::Day(d), i)),
            "today" | "tonight" | "сьогодні" | "сегодня" => Some((DateValue::Day(reference), i)),
            "tomorrow" | "завтра" => day(1).map(|d| (DateValue::Day(d), i)),
            "last" | "this" | "next" => {
                let unit = lw(i + 1);
                let shift = match l.as_str() {
                    "last" => -1,
                    "next" => 1,
                    _ => 0,
                };
                match unit.as_deref() {
                    Some("week") => {
                        let monday = reference
                            .checked_sub((reference.weekday().to_monday_zero_offset() as i64).days())
                            .ok();
                        monday
                            .and_then(|m| m.checked_add((7 * shift).days()).ok())
                            .and_then(|s| s.checked_add(6.days()).ok().map(|e| (DateValue::Range(s, e), i + 1)))
                    }
                    Some("month") => {
                        let first = reference.first_of_month().checked_add(shift.months()).ok();
                        first.map(|f| (DateValue::Range(f, f.last_of_month()), i + 1))
                    }
                    Some("year") => {
                        let y = reference.year() + shift as i16;
                        Date::new(y, 1, 1)
                            .ok()
                            .zip(Date::new(y, 12, 31).ok())
                            .map(|(a, b)| (DateValue::Range(a, b), i + 1))
                    }
                    Some("night") if shift == -1 => day(-1).map(|d| (DateValue::Day(d), i + 1)),
                    _ => None,
                }
            }
            // "a day earlier", "the day before", "two days ago"
            "a" | "the" | "one" | "two" | "three" | "four" | "five" | "several" | "hours" | "days" | "weeks" => {
                let n: Option<i64> = match l.as_str() {
                    "a" | "the" | "one" => Some(1),
                    "two" => Some(2),
                    "three" => Some(3),
                    "four" => Some(4),
                    "five" => Some(5),
                    _ => None,
                };
                let (unit_i, unit) = if matches!(l.as_str(), "hours" | "days" | "weeks") {
                    (i, Some(l.clone()))
                } else {
                    (i + 1, lw(i + 1))
                };
                let after = lw(unit_i + 1);
                let direction = match after.as_deref() {
                    Some("earlier" | "before" | "ago" | "previously") => Some(-1),
                    Some("later" | "after") => Some(1),
                    _ => None,
                };
                match (unit.as_deref(), direction, n) {
                    (Some("day" | "days"), Some(dir), Some(n)) if l != "days" => {
                        day(dir * n).map(|d| (DateValue::Day(d), unit_i + 1))
                    }
                    (Some("week" | "weeks"), Some(dir), Some(n)) if l != "weeks" => {
                        day(dir * 7 * n).map(|d| (DateValue::Day(d), unit_i + 1))
                    }
                    (Some("hours" | "hour" | "minutes" | "moments"), Some(_), _) => {
                        Some((DateValue::Vague, unit_i + 1))
                    }
                    (Some("days" | "weeks"), Some(_), None) => Some((DateValue::Vague, unit_i + 1)),
                    _ => None,
                }
            }
            _ => None,
        };
        if let Some((value, end_tok)) = rel {
            let kind = match value {
                DateValue::Range(..) => "range",
                DateValue::Vague => "vague",
                DateValue::Day(_) => "relative",
            };
            out.push(DateMention {
                start: t.start,
                end: toks[end_tok].end,
                kind,
                value,
            });
            i = end_tok + 1;
            continue;
        }
        i += 1;
    }
    out
}
