//! Control maps as the product stores them: a briefing's named layers (occupied, contested, liberated, …),
//! one per date, each import kept as a revision. The geometry itself is opaque here (an encoded blob with the
//! name of its encoding); the map crate reads and measures it, the app encodes it.

use jiff::Timestamp;
use jiff::civil::Date;

use crate::{BriefingId, RuleError, UserId};

/// One stored import of a layer for a date (a revision: a later import of the same layer and date supersedes it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MapLayerId(pub i64);

/// Longest layer name.
pub const MAX_LAYER_NAME: usize = 40;

/// A layer name: 1..=40 of `a-z`, `0-9`, `-`, `_`, starting with a letter (it is part of URLs).
pub fn validate_layer_name(name: &str) -> Result<(), RuleError> {
    let ok = !name.is_empty()
        && name.len() <= MAX_LAYER_NAME
        && name.as_bytes()[0].is_ascii_lowercase()
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_');
    if ok {
        Ok(())
    } else {
        Err(RuleError::invalid(format!(
            "a layer name is 1 to {MAX_LAYER_NAME} of a-z, 0-9, '-' and '_', starting with a letter"
        )))
    }
}

/// A layer as imported, before it is stored.
#[derive(Debug, Clone, PartialEq)]
pub struct NewMapLayer {
    pub briefing_id: BriefingId,
    pub layer: String,
    pub date: Date,
    /// The encoding of `geometry` (e.g. `lbmp1`).
    pub encoding: String,
    pub geometry: Vec<u8>,
    pub area_km2: f64,
    pub vertices: u64,
    /// What the repair changed, one note a line.
    pub repairs: Vec<String>,
    pub imported_by: UserId,
    pub imported_by_name: String,
}

/// A stored layer revision.
#[derive(Debug, Clone, PartialEq)]
pub struct MapLayer {
    pub id: MapLayerId,
    pub briefing_id: BriefingId,
    pub layer: String,
    pub date: Date,
    /// 1 for the first import of this layer and date, then 2, 3, …
    pub revision: i32,
    /// The revision that replaced this one, if any.
    pub superseded_by: Option<MapLayerId>,
    pub encoding: String,
    pub geometry: Vec<u8>,
    pub area_km2: f64,
    pub vertices: u64,
    pub repairs: Vec<String>,
    pub imported_by: UserId,
    pub imported_by_name: String,
    pub imported_at: Timestamp,
}

/// Checks what the rules can check without geometry: the name, and a date not after `today`.
pub fn check_layer_date(layer: &str, date: Date, today: Date) -> Result<(), RuleError> {
    validate_layer_name(layer)?;
    if date > today {
        return Err(RuleError::invalid(format!(
            "{date} is in the future (today is {today})"
        )));
    }
    if date.year() < 1990 {
        return Err(RuleError::invalid(format!("{date} is before 1990")));
    }
    Ok(())
}
