//! Dates resolved against the publication date.

use jiff::civil::Date;
use livebrief_nlp::{DateValue, default_topics, read};

fn dates(text: &str, published: Date) -> Vec<(String, String, DateValue)> {
    read(text, published, &default_topics())
        .dates
        .into_iter()
        .map(|d| (d.text, d.kind, d.value))
        .collect()
}

#[test]
fn absolute_weekday_relative_and_ranges() {
    let thu = Date::constant(2025, 3, 13); // a Thursday
    let d = |m, day| Date::constant(2025, m, day);
    let got = dates(
        "On Wednesday the envoy arrived; yesterday he met the minister. Talks on 13 March 2025 and on 2025-03-14 follow, after a call two days ago. Last week was calm, but hours before the vote sirens sounded. A 30-day cease-fire lasting three years was proposed.",
        thu,
    );
    let find = |t: &str| {
        got.iter()
            .find(|(x, _, _)| x == t)
            .map(|(_, k, v)| (k.as_str(), v.clone()))
            .unwrap_or_else(|| panic!("no date “{t}” in {got:?}"))
    };
    assert_eq!(find("Wednesday"), ("weekday", DateValue::Day(d(3, 12))));
    assert_eq!(find("yesterday"), ("relative", DateValue::Day(d(3, 12))));
    assert_eq!(find("13 March 2025"), ("absolute", DateValue::Day(d(3, 13))));
    assert_eq!(find("2025-03-14"), ("absolute", DateValue::Day(d(3, 14))));
    assert_eq!(find("two days ago"), ("relative", DateValue::Day(d(3, 11))));
    assert_eq!(find("Last week"), ("range", DateValue::Range(d(3, 3), d(3, 9))));
    assert_eq!(find("hours before").0, "vague");
    assert!(
        !got.iter()
            .any(|(t, _, _)| t.contains("30-day") || t.contains("three years")),
        "durations are not dates: {got:?}"
    );
}

#[test]
fn a_month_without_a_year_takes_the_nearest_past_one() {
    let jan = Date::constant(2025, 1, 10);
    let got = dates("The deal signed on March 12 was renewed on January 8.", jan);
    assert_eq!(got[0].2, DateValue::Day(Date::constant(2024, 3, 12)));
    assert_eq!(got[1].2, DateValue::Day(Date::constant(2025, 1, 8)));
}

#[test]
fn ukrainian_and_russian_dates() {
    let thu = Date::constant(2025, 3, 13);
    let d = |m, day| Date::constant(2025, m, day);
    let uk = dates(
        "Переговори відбулися 12 березня, а вчора у середу делегації зустрілися знову. Сьогодні тиша.",
        thu,
    );
    let find = |v: &[(String, String, DateValue)], t: &str| {
        v.iter()
            .find(|(x, _, _)| x == t)
            .map(|(_, _, v)| v.clone())
            .unwrap_or_else(|| panic!("no “{t}” in {v:?}"))
    };
    assert_eq!(find(&uk, "12 березня"), DateValue::Day(d(3, 12)));
    assert_eq!(find(&uk, "вчора"), DateValue::Day(d(3, 12)));
    assert_eq!(find(&uk, "середу"), DateValue::Day(d(3, 12)));
    assert_eq!(find(&uk, "Сьогодні"), DateValue::Day(d(3, 13)));
    let ru = dates(
        "Встреча прошла 11 марта 2025 года, а вчера в среду стороны созвонились.",
        thu,
    );
    assert_eq!(find(&ru, "11 марта 2025"), DateValue::Day(d(3, 11)));
    assert_eq!(find(&ru, "вчера"), DateValue::Day(d(3, 12)));
    assert_eq!(find(&ru, "среду"), DateValue::Day(d(3, 12)));
}
