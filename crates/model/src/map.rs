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
    /// The change from the previous date's current layer (that revision) to this one, when the importer
    /// computed it: stored with the layer in the same transaction.
    pub change_from_previous: Option<(MapLayerId, ChangeFigures)>,
    /// The change from this layer to the next date's current layer (that revision), when there is one: an
    /// import between two dates, or a correction of a date, changes the next date's daily figures too.
    pub change_to_next: Option<(MapLayerId, ChangeFigures)>,
}

/// The figures of the change from one layer revision to another: gained and lost ground (km²) and how many
/// parts each has, and the slivers dropped. Revisions never change (a correction is a new one), so a pair of
/// revisions always has the same figures: they are computed once and stored.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ChangeFigures {
    pub gained_km2: f64,
    pub lost_km2: f64,
    pub gained_parts: u32,
    pub lost_parts: u32,
    pub slivers_dropped: u32,
}

impl ChangeFigures {
    /// Gained less lost, km².
    pub fn net_km2(&self) -> f64 {
        self.gained_km2 - self.lost_km2
    }
}

/// Stored change figures between two layer revisions (`from` older, `to` newer).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LayerChange {
    pub from: MapLayerId,
    pub to: MapLayerId,
    pub figures: ChangeFigures,
}

/// A (layer, date) as a card on the live page: its current revision (without geometry), placed
/// at its first import (a correction replaces the card where it stands, as it does on an open page).
#[derive(Debug, Clone, PartialEq)]
pub struct MapCard {
    pub layer: MapLayer,
    /// Revision 1 of the layer and date: its id and import time are the card's place in the stream.
    pub first_id: MapLayerId,
    pub first_at: Timestamp,
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

/// Checks what the rules can check without geometry: the name, and a date not after `today` (the caller
/// passes the latest date anywhere on Earth, so that no time zone's today is refused).
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
