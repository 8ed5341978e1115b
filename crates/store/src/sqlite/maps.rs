//! Control-map layers in SQLite.

use async_trait::async_trait;
use livebrief_model::{
    BriefingId, ChangeFigures, Date, Event, EventKind, LayerChange, MapCard, MapLayer, MapLayerId, NewMapLayer,
    Subject, Timestamp, UserId,
};
use rusqlite::{OptionalExtension, Row, Transaction, params};

use super::{SqliteStore, date_from, insert_event, ts, us};
use crate::maps::{
    CHANGE_COLUMNS, LAYER_COLUMNS, MapStore, count, layer_columns_no_geometry, layer_columns_of_no_geometry,
    repairs_from, repairs_text,
};
use crate::{Order, Result};

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

fn change_from(r: &Row<'_>) -> rusqlite::Result<LayerChange> {
    Ok(LayerChange {
        from: MapLayerId(r.get(0)?),
        to: MapLayerId(r.get(1)?),
        figures: ChangeFigures {
            gained_km2: r.get(2)?,
            lost_km2: r.get(3)?,
            gained_parts: count(r.get(4)?),
            lost_parts: count(r.get(5)?),
            slivers_dropped: count(r.get(6)?),
        },
    })
}

/// Stores a pair's figures unless it has some (they would be the same).
fn insert_change(tx: &Transaction<'_>, c: &LayerChange) -> rusqlite::Result<()> {
    let f = &c.figures;
    tx.execute(
        "INSERT INTO map_changes (from_id, to_id, gained_km2, lost_km2, gained_parts, lost_parts, slivers_dropped)
         VALUES (?,?,?,?,?,?,?) ON CONFLICT (from_id, to_id) DO NOTHING",
        params![
            c.from.0,
            c.to.0,
            f.gained_km2,
            f.lost_km2,
            i64::from(f.gained_parts),
            i64::from(f.lost_parts),
            i64::from(f.slivers_dropped)
        ],
    )?;
    Ok(())
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
            if let Some((from, figures)) = l.change_from_previous {
                insert_change(
                    &tx,
                    &LayerChange {
                        from,
                        to: MapLayerId(id),
                        figures,
                    },
                )?;
            }
            if let Some((to, figures)) = l.change_to_next {
                insert_change(
                    &tx,
                    &LayerChange {
                        from: MapLayerId(id),
                        to,
                        figures,
                    },
                )?;
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

    async fn save_layer_changes(&self, changes: &[LayerChange]) -> Result<()> {
        if changes.is_empty() {
            return Ok(());
        }
        let changes = changes.to_vec();
        self.write(move |c| {
            let tx = c.transaction()?;
            for ch in &changes {
                insert_change(&tx, ch)?;
            }
            tx.commit()?;
            Ok(())
        })
        .await
    }

    async fn layer_changes(&self, briefing: BriefingId, layer: &str) -> Result<Vec<LayerChange>> {
        let layer = layer.to_string();
        self.read(move |c| {
            let mut st = c.prepare_cached(&format!(
                "SELECT {CHANGE_COLUMNS} FROM map_layers t
                 JOIN map_changes c ON c.to_id = t.id
                 JOIN map_layers f ON f.id = c.from_id
                 WHERE t.briefing_id = ? AND t.layer = ? AND t.superseded_by IS NULL AND f.superseded_by IS NULL"
            ))?;
            let rows = st
                .query_map(params![briefing.0, layer], change_from)?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(rows)
        })
        .await
    }

    async fn map_cards(
        &self,
        briefing: BriefingId,
        order: Order,
        after: Option<(Timestamp, MapLayerId)>,
        limit: usize,
    ) -> Result<Vec<MapCard>> {
        let (cmp, dir) = match order {
            Order::NewestFirst => ("<", "DESC"),
            Order::OldestFirst => (">", "ASC"),
        };
        let cols = layer_columns_of_no_geometry("t", "NULL");
        let limit = limit.clamp(1, 500) as i64;
        self.read(move |c| {
            let position = if after.is_some() {
                format!("AND (f.imported_at, f.id) {cmp} (?, ?)")
            } else {
                String::new()
            };
            let mut st = c.prepare_cached(&format!(
                "SELECT {cols}, f.id, f.imported_at FROM map_layers t
                 JOIN map_layers f ON f.briefing_id = t.briefing_id AND f.layer = t.layer AND f.day = t.day
                   AND f.revision = 1
                 WHERE t.briefing_id = ? AND t.superseded_by IS NULL {position}
                 ORDER BY f.imported_at {dir}, f.id {dir} LIMIT ?"
            ))?;
            let card = |r: &Row<'_>| -> rusqlite::Result<MapCard> {
                Ok(MapCard {
                    layer: layer_from(r)?,
                    first_id: MapLayerId(r.get(14)?),
                    first_at: ts(r.get(15)?)?,
                })
            };
            let rows = match after {
                Some((at, id)) => st.query_map(params![briefing.0, us(at), id.0, limit], card)?,
                None => st.query_map(params![briefing.0, limit], card)?,
            }
            .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(rows)
        })
        .await
    }
}
