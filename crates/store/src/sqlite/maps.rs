//! Control-map layers in SQLite.

use async_trait::async_trait;
use livebrief_model::{
    BriefingId, Date, Event, EventKind, MapLayer, MapLayerId, NewMapLayer, Subject, Timestamp, UserId,
};
use rusqlite::{OptionalExtension, Row, params};

use super::{SqliteStore, date_from, insert_event, ts, us};
use crate::Result;
use crate::maps::{LAYER_COLUMNS, MapStore, layer_columns_no_geometry, repairs_from, repairs_text};

fn layer_from(r: &Row<'_>) -> rusqlite::Result<MapLayer> {
    let day: String = r.get(3)?;
    Ok(MapLayer {
        id: MapLayerId(r.get(0)?),
        briefing_id: BriefingId(r.get(1)?),
        layer: r.get(2)?,
        date: date_from(&day)?,
        revision: r.get(4)?,
        superseded_by: r.get::<_, Option<i64>>(5)?.map(MapLayerId),
        encoding: r.get(6)?,
        geometry: r.get::<_, Option<Vec<u8>>>(7)?.unwrap_or_default(),
        area_km2: r.get(8)?,
        vertices: r.get::<_, i64>(9)?.max(0) as u64,
        repairs: repairs_from(&r.get::<_, String>(10)?),
        imported_by: UserId(r.get(11)?),
        imported_by_name: r.get(12)?,
        imported_at: ts(r.get(13)?)?,
    })
}

#[async_trait]
impl MapStore for SqliteStore {
    async fn save_map_layer(&self, l: &NewMapLayer, at: Timestamp) -> Result<(MapLayer, Event)> {
        let l = l.clone();
        self.write(move |c| {
            let tx = c.transaction()?;
            let day = l.date.to_string();
            let prev: Option<(i64, i32)> = tx
                .query_row(
                    "SELECT id, revision FROM map_layers
                     WHERE briefing_id = ? AND layer = ? AND day = ? AND superseded_by IS NULL",
                    params![l.briefing_id.0, l.layer, day],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            // The old revision stops being current first (the partial unique index allows one current): it points at
            // itself until the new one has an id.
            if let Some((id, _)) = prev {
                tx.execute("UPDATE map_layers SET superseded_by = id WHERE id = ?", [id])?;
            }
            tx.execute(
                "INSERT INTO map_layers (briefing_id, layer, day, revision, encoding, geometry, area_km2, vertices,
                   repairs, imported_by, imported_by_name, imported_at)
                 VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                params![
                    l.briefing_id.0,
                    l.layer,
                    day,
                    prev.map_or(1, |p| p.1 + 1),
                    l.encoding,
                    l.geometry,
                    l.area_km2,
                    l.vertices as i64,
                    repairs_text(&l.repairs),
                    l.imported_by.0,
                    l.imported_by_name,
                    us(at)
                ],
            )?;
            let id = tx.last_insert_rowid();
            if let Some((old, _)) = prev {
                tx.execute("UPDATE map_layers SET superseded_by = ? WHERE id = ?", [id, old])?;
            }
            let ev = insert_event(
                &tx,
                l.briefing_id,
                EventKind::MapUpdated,
                Subject::MapLayer(MapLayerId(id)),
                at,
            )?;
            let saved = tx.query_row(
                &format!("SELECT {LAYER_COLUMNS} FROM map_layers WHERE id = ?"),
                [id],
                layer_from,
            )?;
            tx.commit()?;
            Ok((saved, ev))
        })
        .await
    }

    async fn map_layer(&self, briefing: BriefingId, layer: &str, date: Date) -> Result<Option<MapLayer>> {
        let layer = layer.to_string();
        self.read(move |c| {
            Ok(c.query_row(
                &format!(
                    "SELECT {LAYER_COLUMNS} FROM map_layers
                     WHERE briefing_id = ? AND layer = ? AND day = ? AND superseded_by IS NULL"
                ),
                params![briefing.0, layer, date.to_string()],
                layer_from,
            )
            .optional()?)
        })
        .await
    }

    async fn map_layer_by_id(&self, id: MapLayerId) -> Result<Option<MapLayer>> {
        self.read(move |c| {
            Ok(c.query_row(
                &format!("SELECT {LAYER_COLUMNS} FROM map_layers WHERE id = ?"),
                [id.0],
                layer_from,
            )
            .optional()?)
        })
        .await
    }

    async fn map_layers(&self, briefing: BriefingId, layer: &str, with_geometry: bool) -> Result<Vec<MapLayer>> {
        let layer = layer.to_string();
        let cols = if with_geometry {
            LAYER_COLUMNS.to_string()
        } else {
            layer_columns_no_geometry("NULL")
        };
        self.read(move |c| {
            let mut st = c.prepare(&format!(
                "SELECT {cols} FROM map_layers WHERE briefing_id = ? AND layer = ? AND superseded_by IS NULL
                 ORDER BY day"
            ))?;
            let rows = st
                .query_map(params![briefing.0, layer], layer_from)?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(rows)
        })
        .await
    }

    async fn map_layer_revisions(&self, briefing: BriefingId, layer: &str, date: Date) -> Result<Vec<MapLayer>> {
        let layer = layer.to_string();
        self.read(move |c| {
            let mut st = c.prepare(&format!(
                "SELECT {LAYER_COLUMNS} FROM map_layers WHERE briefing_id = ? AND layer = ? AND day = ?
                 ORDER BY revision"
            ))?;
            let rows = st
                .query_map(params![briefing.0, layer, date.to_string()], layer_from)?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(rows)
        })
        .await
    }

    async fn map_layer_names(&self, briefing: BriefingId) -> Result<Vec<(String, u64)>> {
        self.read(move |c| {
            let mut st = c.prepare(
                "SELECT layer, COUNT(*) FROM map_layers WHERE briefing_id = ? AND superseded_by IS NULL
                 GROUP BY layer ORDER BY layer",
            )?;
            let rows = st
                .query_map([briefing.0], |r| {
                    Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?.max(0) as u64))
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(rows)
        })
        .await
    }
}
