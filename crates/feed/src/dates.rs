//! Feed dates, leniently: RFC 3339 / ISO 8601 (`2024-05-01T10:00:00+03:00`, `2024-05-01`, no offset read
//! as UTC) and RFC 822 with the usual damage (`Tue, 1 May 2024 10:00:00 GMT`, long month names, a wrong or
//! missing weekday, `May 1, 2024`, named zones like `EST` or `CEST`, two-digit years, `24:00`, a 12-hour
//! clock, `01.05.2024`). A date outside [`MIN_YEAR`]..=[`MAX_YEAR`] is refused: no feed item was published
//! before the web, and years like 0001 or 9999 are placeholders.

use jiff::Timestamp;
use jiff::civil::DateTime;
use jiff::tz::Offset;

/// The earliest year accepted (1970 placeholders and year 0 are refused).
pub const MIN_YEAR: i16 = 1990;
/// The latest year accepted. The poller, which knows the time, should also distrust dates ahead of now.
pub const MAX_YEAR: i16 = 2099;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DateProblem {
    Unparseable,
    /// The date as read (civil time, before its offset), outside the accepted years.
    OutOfRange(DateTime),
}

/// Reads a feed date. Never panics.
pub(crate) fn parse_date(s: &str) -> Result<Timestamp, DateProblem> {
    let s = s.trim();
    if s.is_empty() || s.len() > 120 {
        return Err(DateProblem::Unparseable);
    }
    iso(s).or_else(|| rfc822(s)).unwrap_or(Err(DateProblem::Unparseable))
}

struct Cursor<'a> {
    b: &'a [u8],
    i: usize,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    fn eat(&mut self, c: u8) -> bool {
        if self.peek() == Some(c) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    /// Between `min` and `max` ASCII digits as a number.
    fn digits(&mut self, min: usize, max: usize) -> Option<i64> {
        let start = self.i;
        let mut v: i64 = 0;
        while self.i - start < max
            && let Some(c) = self.peek().filter(u8::is_ascii_digit)
        {
            v = v * 10 + i64::from(c - b'0');
            self.i += 1;
        }
        (self.i - start >= min).then_some(v)
    }

    fn skip_spaces(&mut self) {
        while self.peek().is_some_and(|c| c.is_ascii_whitespace()) {
            self.i += 1;
        }
    }

    fn rest(&self) -> &str {
        std::str::from_utf8(&self.b[self.i..]).unwrap_or("")
    }
}

/// `YYYY-MM-DD`, `YYYY/MM/DD` or `YYYYMMDD`, then optionally `T`/space and `hh:mm[:ss[.fff]]` and a zone.
fn iso(s: &str) -> Option<Result<Timestamp, DateProblem>> {
    let mut c = Cursor { b: s.as_bytes(), i: 0 };
    let year = c.digits(4, 4)?;
    let sep = match c.peek() {
        Some(b'-') => Some(b'-'),
        Some(b'/') => Some(b'/'),
        _ => None,
    };
    let (month, day) = match sep {
        Some(sep) => {
            c.i += 1;
            let m = c.digits(1, 2)?;
            if !c.eat(sep) {
                return None;
            }
            (m, c.digits(1, 2)?)
        }
        None => (c.digits(2, 2)?, c.digits(2, 2)?),
    };
    let (mut h, mut mi, mut sec, mut nanos) = (0, 0, 0, 0);
    let mut offset = Some(0);
    if c.peek().is_some() {
        if !(c.eat(b'T') || c.eat(b't') || c.eat(b' ')) {
            return None;
        }
        c.skip_spaces();
        h = c.digits(1, 2)?;
        if !c.eat(b':') {
            return None;
        }
        mi = c.digits(2, 2)?;
        if c.eat(b':') {
            sec = c.digits(2, 2)?;
            if c.eat(b'.') || c.eat(b',') {
                let start = c.i;
                let frac = c.digits(1, 9)?;
                let len = c.i - start;
                nanos = frac * 10i64.pow(9 - len as u32);
                // More than nanosecond precision: the rest is dropped.
                while c.peek().is_some_and(|b| b.is_ascii_digit()) {
                    c.i += 1;
                }
            }
        }
        c.skip_spaces();
        offset = zone(c.rest());
    }
    build(year, month, day, h, mi, sec, nanos, offset?)
}

/// A time zone as written after a time: `Z`, `+03:00`, `-0500`, `+03`, or a name.
fn zone(s: &str) -> Option<i64> {
    let s = s.trim();
    if s.is_empty() {
        return Some(0);
    }
    let s = s.trim_start_matches('(').trim_end_matches(')');
    let b = s.as_bytes();
    if let Some(sign) = b.first().and_then(|&c| match c {
        b'+' => Some(1),
        b'-' => Some(-1),
        _ => None,
    }) {
        let mut c = Cursor { b, i: 1 };
        let h = c.digits(2, 2)?;
        c.eat(b':');
        let m = if c.peek().is_some() { c.digits(2, 2)? } else { 0 };
        if c.peek().is_some() || h > 23 || m > 59 {
            return None;
        }
        return Some(sign * (h * 3600 + m * 60));
    }
    named_zone(s)
}

fn named_zone(s: &str) -> Option<i64> {
    let h = match s.to_ascii_uppercase().as_str() {
        "Z" | "UT" | "UTC" | "GMT" | "WET" => 0,
        "BST" | "CET" | "WEST" | "MEZ" => 1,
        "CEST" | "EET" | "MESZ" => 2,
        "EEST" | "MSK" => 3,
        "IST" => return Some(5 * 3600 + 1800),
        "HKT" | "SGT" | "AWST" => 8,
        "JST" | "KST" => 9,
        "AEST" => 10,
        "AEDT" => 11,
        "NZST" => 12,
        "NZDT" => 13,
        "EDT" => -4,
        "EST" | "CDT" => -5,
        "CST" | "MDT" => -6,
        "MST" | "PDT" => -7,
        "PST" | "AKDT" => -8,
        "AKST" => -9,
        "HST" => -10,
        _ => return None,
    };
    Some(h * 3600)
}

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];
const WEEKDAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// RFC 822 and its relatives: the parts are recognised by their form, in any order.
fn rfc822(s: &str) -> Option<Result<Timestamp, DateProblem>> {
    let (mut day, mut month, mut year) = (None, None, None);
    let (mut h, mut mi, mut sec) = (0, 0, 0);
    let mut have_time = false;
    let mut offset = None;
    let mut pm = None;
    for raw in s.split(|c: char| c.is_whitespace() || c == ',') {
        let tok = raw.trim_matches(|c: char| c == '.' || c == '(' || c == ')');
        if tok.is_empty() {
            continue;
        }
        let lower = tok.to_ascii_lowercase();
        let bytes = lower.as_bytes();
        if bytes.iter().all(u8::is_ascii_alphabetic) {
            if lower.len() >= 3 && WEEKDAYS.iter().any(|w| lower.starts_with(w)) {
                continue;
            }
            if lower.len() >= 3
                && let Some(m) = MONTHS.iter().position(|m| lower.starts_with(m))
            {
                month.get_or_insert(m as i64 + 1);
                continue;
            }
            match lower.as_str() {
                "am" => pm = Some(false),
                "pm" => pm = Some(true),
                _ => {
                    if let Some(o) = named_zone(&lower) {
                        offset.get_or_insert(o);
                    }
                    // Other words ("published", "on") are not part of a date and do not make it wrong.
                }
            }
            continue;
        }
        if bytes.contains(&b':') && bytes.first().is_some_and(u8::is_ascii_digit) {
            // A time, perhaps with its zone attached: 10:00:00Z, 10:00:00+0300, 10:00pm.
            let mut c = Cursor { b: bytes, i: 0 };
            h = c.digits(1, 2)?;
            if !c.eat(b':') {
                return None;
            }
            mi = c.digits(2, 2)?;
            if c.eat(b':') {
                sec = c.digits(2, 2)?;
                if c.eat(b'.') {
                    c.digits(1, 12)?;
                }
            }
            have_time = true;
            match c.rest() {
                "" => {}
                "am" => pm = Some(false),
                "pm" => pm = Some(true),
                rest => offset = Some(zone(rest)?),
            }
            continue;
        }
        if (bytes[0] == b'+' || bytes[0] == b'-') && have_time {
            offset = Some(zone(tok)?);
            continue;
        }
        if bytes.iter().all(u8::is_ascii_digit) {
            let v: i64 = lower.parse().ok()?;
            match bytes.len() {
                4 if year.is_none() => year = Some(v),
                1 | 2 if day.is_none() => day = Some(v),
                2 if year.is_none() => year = Some(if v < 50 { 2000 + v } else { 1900 + v }),
                _ => return None,
            }
            continue;
        }
        // 01.05.2024 (day first: a dotted date is never month first).
        let parts: Vec<&str> = lower.split('.').collect();
        if parts.len() == 3
            && parts
                .iter()
                .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
        {
            day = Some(parts[0].parse().ok()?);
            month = Some(parts[1].parse().ok()?);
            let y: i64 = parts[2].parse().ok()?;
            year = Some(if parts[2].len() == 2 { 2000 + y } else { y });
            continue;
        }
        return None;
    }
    match pm {
        Some(true) if h < 12 => h += 12,
        Some(false) if h == 12 => h = 0,
        _ => {}
    }
    build(year?, month?, day?, h, mi, sec, 0, offset.unwrap_or(0))
}

#[allow(clippy::too_many_arguments)]
fn build(
    year: i64,
    month: i64,
    day: i64,
    h: i64,
    mi: i64,
    sec: i64,
    nanos: i64,
    offset: i64,
) -> Option<Result<Timestamp, DateProblem>> {
    // 24:00 is the end of the day; a leap second is read as the second before it.
    let (h, next_day) = if h == 24 && mi == 0 && sec == 0 {
        (0, true)
    } else {
        (h, false)
    };
    let sec = if sec == 60 { 59 } else { sec };
    let dt = DateTime::new(
        i16::try_from(year).ok()?,
        i8::try_from(month).ok()?,
        i8::try_from(day).ok()?,
        i8::try_from(h).ok()?,
        i8::try_from(mi).ok()?,
        i8::try_from(sec).ok()?,
        i32::try_from(nanos).ok()?,
    )
    .ok()?;
    if !(MIN_YEAR..=MAX_YEAR).contains(&dt.year()) {
        return Some(Err(DateProblem::OutOfRange(dt)));
    }
    let offset = Offset::from_seconds(i32::try_from(offset).ok()?).ok()?;
    let ts = offset.to_timestamp(dt).ok()?;
    Some(Ok(if next_day {
        ts.checked_add(jiff::SignedDuration::from_hours(24)).ok()?
    } else {
        ts
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(s: &str) -> String {
        match parse_date(s) {
            Ok(t) => t.to_string(),
            Err(e) => panic!("{s:?}: {e:?}"),
        }
    }

    #[test]
    fn the_formats_feeds_use() {
        let cases = [
            ("2024-05-01T10:00:00Z", "2024-05-01T10:00:00Z"),
            ("2024-05-01T10:00:00+03:00", "2024-05-01T07:00:00Z"),
            ("2024-05-01T10:00:00.123456-0500", "2024-05-01T15:00:00.123456Z"),
            ("2024-05-01T10:00+0530", "2024-05-01T04:30:00Z"),
            ("2024-05-01 10:00:00", "2024-05-01T10:00:00Z"),
            ("2024-05-01", "2024-05-01T00:00:00Z"),
            ("20240501", "2024-05-01T00:00:00Z"),
            ("2024/5/1 9:05", "2024-05-01T09:05:00Z"),
            ("2024-05-01T10:00:00 UTC", "2024-05-01T10:00:00Z"),
            ("Wed, 01 May 2024 10:00:00 GMT", "2024-05-01T10:00:00Z"),
            ("Wed, 01 May 2024 10:00:00 +0300", "2024-05-01T07:00:00Z"),
            ("Wed, 1 May 2024 10:00:00 -0000", "2024-05-01T10:00:00Z"),
            ("Sat, 01 May 2024 10:00:00 EST", "2024-05-01T15:00:00Z"),
            ("Thurs, 02 May 2024 10:00 CEST", "2024-05-02T08:00:00Z"),
            ("01 May 2024 10:00:00 Z", "2024-05-01T10:00:00Z"),
            ("Wednesday, 01 January 2025 10:00:00 UTC", "2025-01-01T10:00:00Z"),
            ("May 1, 2024 10:00 PM", "2024-05-01T22:00:00Z"),
            ("May 1, 2024 12:30am", "2024-05-01T00:30:00Z"),
            ("Wed May 01 10:00:00 UTC 2024", "2024-05-01T10:00:00Z"),
            ("Wed, 01 May 24 10:00:00 GMT", "2024-05-01T10:00:00Z"),
            ("Wed, 01 May 2024 24:00:00 GMT", "2024-05-02T00:00:00Z"),
            ("Wed, 01 May 2024 23:59:60 GMT", "2024-05-01T23:59:59Z"),
            ("01.05.2024 10:00", "2024-05-01T10:00:00Z"),
            ("Wed, 01 May 2024 10:00:00 +03:00", "2024-05-01T07:00:00Z"),
            (
                "Wed, 01 May 2024 10:00:00 GMT (Greenwich Mean Time)",
                "2024-05-01T10:00:00Z",
            ),
        ];
        for (input, want) in cases {
            assert_eq!(ok(input), want, "{input}");
        }
    }

    #[test]
    fn nonsense_is_unparseable() {
        for s in [
            "",
            "yesterday",
            "2024-13-01",
            "2024-02-30",
            "Wed, 32 May 2024 10:00:00 GMT",
            "Wed, 01 May 2024 25:00:00 GMT",
            "Wed, 01 May 2024 10:00:00 +9999",
            "10:00",
            "May 2024",
            "2024-05-01T10:00:00 Mars/Olympus",
            "99999999999999999999 May 2024",
            &"1".repeat(500),
        ] {
            assert_eq!(parse_date(s), Err(DateProblem::Unparseable), "{s:?}");
        }
    }

    #[test]
    fn absurd_years_are_out_of_range() {
        for s in [
            "0000-01-01T00:00:00Z",
            "1970-01-01T00:00:00Z",
            "9999-12-31T23:59:59Z",
            "2150-01-01",
        ] {
            assert!(matches!(parse_date(s), Err(DateProblem::OutOfRange(_))), "{s}");
        }
        assert!(parse_date("1990-01-01T00:00:00Z").is_ok());
        assert!(parse_date("2099-12-31T23:59:59Z").is_ok());
    }
}
