//! Figures over dated layers: the area on each date, and gained, lost and net ground per day, per ISO week
//! and per calendar month. A period's change is the geometric change from the last layer before it (or,
//! for the first period, its own first layer) to its last layer, so ground taken and given back within the
//! period does not count twice.

use jiff::civil::Date;

use crate::MultiPolygon;
use crate::area::EdgeAreas;
use crate::change::{ChangeOptions, change};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    Day,
    Week,
    Month,
}

impl Period {
    pub fn as_str(self) -> &'static str {
        match self {
            Period::Day => "day",
            Period::Week => "week",
            Period::Month => "month",
        }
    }

    /// The period's label: `2025-07-01`, `2025-W27`, `2025-07`.
    pub fn label(self, d: Date) -> String {
        match self {
            Period::Day => d.to_string(),
            Period::Week => {
                let w = d.iso_week_date();
                format!("{:04}-W{:02}", w.year(), w.week())
            }
            Period::Month => format!("{:04}-{:02}", d.year(), d.month()),
        }
    }
}

/// A layer's area on its date.
#[derive(Debug, Clone, PartialEq)]
pub struct SeriesPoint {
    pub date: Date,
    pub area_km2: f64,
}

/// The change over one period.
#[derive(Debug, Clone, PartialEq)]
pub struct PeriodChange {
    pub period: Period,
    pub label: String,
    /// The layers compared.
    pub from: Date,
    pub to: Date,
    pub gained_km2: f64,
    pub lost_km2: f64,
    pub net_km2: f64,
    pub gained_parts: usize,
    pub lost_parts: usize,
    pub slivers_dropped: usize,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Series {
    /// By date; a date given twice keeps its last layer.
    pub points: Vec<SeriesPoint>,
    pub daily: Vec<PeriodChange>,
    pub weekly: Vec<PeriodChange>,
    pub monthly: Vec<PeriodChange>,
}

/// Areas and changes of dated layers (in any order).
pub fn series(layers: &[(Date, &MultiPolygon)], opts: &ChangeOptions) -> Series {
    let mut sorted: Vec<(Date, &MultiPolygon)> = layers.to_vec();
    sorted.sort_by_key(|(d, _)| *d);
    // A date given twice: the later entry in the input wins (stable sort keeps input order).
    let mut dedup: Vec<(Date, &MultiPolygon)> = Vec::with_capacity(sorted.len());
    for (d, l) in sorted {
        match dedup.last_mut() {
            Some(last) if last.0 == d => *last = (d, l),
            _ => dedup.push((d, l)),
        }
    }
    let mut areas = EdgeAreas::new();
    let points = dedup
        .iter()
        .map(|(d, l)| SeriesPoint {
            date: *d,
            area_km2: areas.area_m2(l) / 1e6,
        })
        .collect();
    Series {
        points,
        daily: periods(&dedup, Period::Day, opts),
        weekly: periods(&dedup, Period::Week, opts),
        monthly: periods(&dedup, Period::Month, opts),
    }
}

/// The layers each period's change compares, over dates sorted oldest first without repeats: the period's
/// label, the index of the layer it starts from (the last one before the period, or for the first period its
/// own first layer) and of its last layer. A period with a single layer and nothing before it has no change and
/// is left out. [`series`] computes each; a caller that keeps figures per pair of layers looks them up.
pub fn spans(dates: &[Date], period: Period) -> Vec<(String, usize, usize)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < dates.len() {
        let label = period.label(dates[i]);
        let mut j = i;
        while j + 1 < dates.len() && period.label(dates[j + 1]) == label {
            j += 1;
        }
        let base = if i > 0 { i - 1 } else { i };
        if base != j {
            out.push((label, base, j));
        }
        i = j + 1;
    }
    out
}

fn periods(layers: &[(Date, &MultiPolygon)], period: Period, opts: &ChangeOptions) -> Vec<PeriodChange> {
    let dates: Vec<Date> = layers.iter().map(|(d, _)| *d).collect();
    spans(&dates, period)
        .into_iter()
        .map(|(label, base, j)| {
            let (from, old) = layers[base];
            let (to, new) = layers[j];
            let c = change(old, new, opts);
            PeriodChange {
                period,
                label,
                from,
                to,
                gained_km2: c.gained_km2,
                lost_km2: c.lost_km2,
                net_km2: c.net_km2(),
                gained_parts: c.gained.len(),
                lost_parts: c.lost.len(),
                slivers_dropped: c.slivers_dropped,
            }
        })
        .collect()
}
