//! Storage of control-map layers: per briefing, a named layer (occupied, contested, …) per date, each import a
//! revision. Importing a layer for a date that has one supersedes it (kept, like an entry's revisions), and
//! records a public `map_updated` event, in one transaction. The geometry is an opaque blob with the name of
//! its encoding: the app encodes and decodes it.
//!
//! Change figures (gained, lost, parts) are stored per pair of revisions (`map_changes`): the import stores its
//! date's change from the previous date and the next date's change from it, in its transaction; the app stores
//! the rest (weekly and monthly periods, layers stored before figures were kept) when first asked. A pair of
//! revisions never changes, so its figures are never updated, only added; a series reads the pairs whose ends
//! are both current.

use async_trait::async_trait;
use livebrief_model::{BriefingId, Date, Event, LayerChange, MapCard, MapLayer, MapLayerId, NewMapLayer, Timestamp};

use crate::{Order, Result};

#[async_trait]
pub trait MapStore: Send + Sync + 'static {
    /// Stores a new revision of `(briefing, layer, date)`: the current one (if any) becomes superseded by it,
    /// a `MapUpdated` event about it is recorded, and the change figures the layer carries
    /// (`change_from_previous`, `change_to_next`) are stored for its pairs. All or nothing.
    async fn save_map_layer(&self, layer: &NewMapLayer, at: Timestamp) -> Result<(MapLayer, Event)>;
    /// The current revision of a layer on a date.
    async fn map_layer(&self, briefing: BriefingId, layer: &str, date: Date) -> Result<Option<MapLayer>>;
    /// A revision by id (current or superseded).
    async fn map_layer_by_id(&self, id: MapLayerId) -> Result<Option<MapLayer>>;
    /// The current revision of every date of a layer, oldest date first. Without geometry (an empty blob)
    /// unless `with_geometry`.
    async fn map_layers(&self, briefing: BriefingId, layer: &str, with_geometry: bool) -> Result<Vec<MapLayer>>;
    /// Every revision of a layer on a date, first import first.
    async fn map_layer_revisions(&self, briefing: BriefingId, layer: &str, date: Date) -> Result<Vec<MapLayer>>;
    /// The briefing's layer names with how many dates each has, by name.
    async fn map_layer_names(&self, briefing: BriefingId) -> Result<Vec<(String, u64)>>;
    /// Stores change figures computed after the layers were stored. A pair that has figures keeps them (the
    /// same pair always has the same figures); a pair naming no stored layer is an error and stores nothing.
    async fn save_layer_changes(&self, changes: &[LayerChange]) -> Result<()>;
    /// The stored change figures between current revisions of a layer (both ends current), in no order.
    async fn layer_changes(&self, briefing: BriefingId, layer: &str) -> Result<Vec<LayerChange>>;
    /// The briefing's map cards: the current revision of every (layer, date), without geometry, in stream order —
    /// by the first import's time and id, newest or oldest first — strictly after `after` (such a pair) in that
    /// order, at most `limit`.
    async fn map_cards(
        &self,
        briefing: BriefingId,
        order: Order,
        after: Option<(Timestamp, MapLayerId)>,
        limit: usize,
    ) -> Result<Vec<MapCard>>;
}

/// The columns every backend reads a layer from, in this order.
pub(crate) const LAYER_COLUMNS: &str = "id, briefing_id, layer, day, revision, superseded_by, encoding, geometry, \
     area_km2, vertices, repairs, imported_by, imported_by_name, imported_at";

/// The layer columns of the table alias `t`, for queries that join `map_layers` with itself, with no geometry
/// (`{null}`: a NULL of the backend's blob type).
pub(crate) fn layer_columns_of_no_geometry(t: &str, null: &str) -> String {
    LAYER_COLUMNS
        .split(", ")
        .map(|c| match c.trim() {
            "geometry" => format!("{null} AS geometry"),
            c => format!("{t}.{c}"),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The columns of a stored change, in this order.
pub(crate) const CHANGE_COLUMNS: &str =
    "c.from_id, c.to_id, c.gained_km2, c.lost_km2, c.gained_parts, c.lost_parts, c.slivers_dropped";

/// A count read back from the database (stored from a `u32`).
pub(crate) fn count(v: i64) -> u32 {
    u32::try_from(v.max(0)).unwrap_or(u32::MAX)
}

/// The same columns with no geometry (`{null}`: a NULL of the backend's blob type).
pub(crate) fn layer_columns_no_geometry(null: &str) -> String {
    format!(
        "id, briefing_id, layer, day, revision, superseded_by, encoding, {null} AS geometry, area_km2, vertices, \
         repairs, imported_by, imported_by_name, imported_at"
    )
}

pub(crate) fn repairs_text(notes: &[String]) -> String {
    notes
        .iter()
        .map(|n| n.replace(['\n', '\r'], " "))
        .collect::<Vec<_>>()
        .join("\n")
}

pub(crate) fn repairs_from(text: &str) -> Vec<String> {
    text.lines().filter(|l| !l.is_empty()).map(String::from).collect()
}
