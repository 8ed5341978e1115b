//! Storage of control-map layers: per briefing, a named layer (occupied, contested, …) per date, each import a
//! revision. Importing a layer for a date that has one supersedes it (kept, like an entry's revisions), and
//! records a public `map_updated` event, in one transaction. The geometry is an opaque blob with the name of
//! its encoding: the app encodes and decodes it.

use async_trait::async_trait;
use livebrief_model::{BriefingId, Date, Event, MapLayer, MapLayerId, NewMapLayer, Timestamp};

use crate::Result;

#[async_trait]
pub trait MapStore: Send + Sync + 'static {
    /// Stores a new revision of `(briefing, layer, date)`: the current one (if any) becomes superseded by it,
    /// and a `MapUpdated` event about it is recorded. All or nothing.
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
}

/// The columns every backend reads a layer from, in this order.
pub(crate) const LAYER_COLUMNS: &str = "id, briefing_id, layer, day, revision, superseded_by, encoding, geometry, \
     area_km2, vertices, repairs, imported_by, imported_by_name, imported_at";

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
