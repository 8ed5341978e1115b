//! Control-map layers in PostgreSQL.

use async_trait::async_trait;
use livebrief_model::{
    BriefingId, Date, Event, EventKind, MapLayer, MapLayerId, NewMapLayer, Subject, Timestamp, UserId,
};
use tokio_postgres::Row;

use super::{PgStore, insert_event, ts, us};
use crate::maps::{LAYER_COLUMNS, MapStore, layer_columns_no_geometry, repairs_from, repairs_text};
use crate::sqlite::date_from;
use crate::{Result, StoreError};

fn layer_from(r: &Row) -> Result<MapLayer> {
    Ok(MapLayer {
        id: MapLayerId(r.try_get(0)?),
        briefing_id: BriefingId(r.try_get(1)?),
        layer: r.try_get(2)?,
        date: date_from(r.try_get(3)?)?,
        revision: i32::try_from(r.try_get::<_, i64>(4)?).map_err(|e| super::conv_err(format!("revision: {e}")))?,
        superseded_by: r.try_get::<_, Option<i64>>(5)?.map(MapLayerId),
        encoding: r.try_get(6)?,
        geometry: r.try_get::<_, Option<Vec<u8>>>(7)?.unwrap_or_default(),
        area_km2: r.try_get(8)?,
        vertices: r.try_get::<_, i64>(9)?.max(0) as u64,
        repairs: repairs_from(r.try_get(10)?),
        imported_by: UserId(r.try_get(11)?),
        imported_by_name: r.try_get(12)?,
        imported_at: ts(r.try_get(13)?)?,
    })
}

/// PostgreSQL text holds no NUL: such a name names no layer.
fn nul(s: &str) -> bool {
    s.contains('\0')
}

#[async_trait]
impl MapStore for PgStore {
    async fn save_map_layer(&self, l: &NewMapLayer, at: Timestamp) -> Result<(MapLayer, Event)> {
        if nul(&l.layer) || nul(&l.imported_by_name) || l.repairs.iter().any(|r| nul(r)) {
            return Err(StoreError::Conflict("text holds a NUL".into()));
        }
        let day = l.date.to_string();
        let mut c = self.conn().await?;
        let tx = c.transaction().await?;
        // Two imports of one briefing's layers wait for each other here (the same row insert_event updates).
        tx.query_opt("SELECT id FROM briefings WHERE id = $1 FOR UPDATE", &[&l.briefing_id.0])
            .await?
            .ok_or(StoreError::NotFound)?;
        let prev = tx
            .query_opt(
                "SELECT id, revision FROM map_layers
                 WHERE briefing_id = $1 AND layer = $2 AND day = $3 AND superseded_by IS NULL",
                &[&l.briefing_id.0, &l.layer, &day],
            )
            .await?
            .map(|r| -> Result<(i64, i64)> { Ok((r.try_get(0)?, r.try_get(1)?)) })
            .transpose()?;
        // The old revision stops being current first (the partial unique index allows one current): it points at
        // itself until the new one has an id.
        if let Some((id, _)) = prev {
            tx.execute("UPDATE map_layers SET superseded_by = id WHERE id = $1", &[&id])
                .await?;
        }
        let revision = prev.map_or(1, |p| p.1 + 1);
        let row = tx
            .query_one(
                "INSERT INTO map_layers (briefing_id, layer, day, revision, encoding, geometry, area_km2, vertices,
                   repairs, imported_by, imported_by_name, imported_at)
                 VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12) RETURNING id",
                &[
                    &l.briefing_id.0,
                    &l.layer,
                    &day,
                    &revision,
                    &l.encoding,
                    &l.geometry,
                    &l.area_km2,
                    &(l.vertices as i64),
                    &repairs_text(&l.repairs),
                    &l.imported_by.0,
                    &l.imported_by_name,
                    &us(at),
                ],
            )
            .await?;
        let id: i64 = row.try_get(0)?;
        if let Some((old, _)) = prev {
            tx.execute("UPDATE map_layers SET superseded_by = $1 WHERE id = $2", &[&id, &old])
                .await?;
        }
        let ev = insert_event(
            &tx,
            l.briefing_id,
            EventKind::MapUpdated,
            Subject::MapLayer(MapLayerId(id)),
            at,
        )
        .await?;
        let saved = layer_from(
            &tx.query_one(&format!("SELECT {LAYER_COLUMNS} FROM map_layers WHERE id = $1"), &[&id])
                .await?,
        )?;
        tx.commit().await?;
        Ok((saved, ev))
    }

    async fn map_layer(&self, briefing: BriefingId, layer: &str, date: Date) -> Result<Option<MapLayer>> {
        if nul(layer) {
            return Ok(None);
        }
        let c = self.conn().await?;
        c.query_opt(
            &format!(
                "SELECT {LAYER_COLUMNS} FROM map_layers
                 WHERE briefing_id = $1 AND layer = $2 AND day = $3 AND superseded_by IS NULL"
            ),
            &[&briefing.0, &layer, &date.to_string()],
        )
        .await?
        .as_ref()
        .map(layer_from)
        .transpose()
    }

    async fn map_layer_by_id(&self, id: MapLayerId) -> Result<Option<MapLayer>> {
        let c = self.conn().await?;
        c.query_opt(
            &format!("SELECT {LAYER_COLUMNS} FROM map_layers WHERE id = $1"),
            &[&id.0],
        )
        .await?
        .as_ref()
        .map(layer_from)
        .transpose()
    }

    async fn map_layers(&self, briefing: BriefingId, layer: &str, with_geometry: bool) -> Result<Vec<MapLayer>> {
        if nul(layer) {
            return Ok(Vec::new());
        }
        let cols = if with_geometry {
            LAYER_COLUMNS.to_string()
        } else {
            layer_columns_no_geometry("NULL::bytea")
        };
        let c = self.conn().await?;
        c.query(
            &format!(
                "SELECT {cols} FROM map_layers WHERE briefing_id = $1 AND layer = $2 AND superseded_by IS NULL
                 ORDER BY day"
            ),
            &[&briefing.0, &layer],
        )
        .await?
        .iter()
        .map(layer_from)
        .collect()
    }

    async fn map_layer_revisions(&self, briefing: BriefingId, layer: &str, date: Date) -> Result<Vec<MapLayer>> {
        if nul(layer) {
            return Ok(Vec::new());
        }
        let c = self.conn().await?;
        c.query(
            &format!(
                "SELECT {LAYER_COLUMNS} FROM map_layers WHERE briefing_id = $1 AND layer = $2 AND day = $3
                 ORDER BY revision"
            ),
            &[&briefing.0, &layer, &date.to_string()],
        )
        .await?
        .iter()
        .map(layer_from)
        .collect()
    }

    async fn map_layer_names(&self, briefing: BriefingId) -> Result<Vec<(String, u64)>> {
        let c = self.conn().await?;
        c.query(
            "SELECT layer, COUNT(*) FROM map_layers WHERE briefing_id = $1 AND superseded_by IS NULL
             GROUP BY layer ORDER BY layer",
            &[&briefing.0],
        )
        .await?
        .iter()
        .map(|r| Ok((r.try_get::<_, String>(0)?, r.try_get::<_, i64>(1)?.max(0) as u64)))
        .collect()
    }
}
