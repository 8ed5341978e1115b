//! Control-map layers in PostgreSQL.

use async_trait::async_trait;
use livebrief_model::{
    BriefingId, ChangeFigures, Date, Event, EventKind, LayerChange, MapCard, MapLayer, MapLayerId, NewMapLayer,
    Subject, Timestamp, UserId,
};
use tokio_postgres::{GenericClient, Row};

use super::{PgStore, insert_event, ts, us};
use crate::maps::{
    CHANGE_COLUMNS, LAYER_COLUMNS, MapStore, count, layer_columns_no_geometry, layer_columns_of_no_geometry,
    repairs_from, repairs_text,
};
use crate::sqlite::date_from;
use crate::{Order, Result, StoreError};

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

fn change_from(r: &Row) -> Result<LayerChange> {
    Ok(LayerChange {
        from: MapLayerId(r.try_get(0)?),
        to: MapLayerId(r.try_get(1)?),
        figures: ChangeFigures {
            gained_km2: r.try_get(2)?,
            lost_km2: r.try_get(3)?,
            gained_parts: count(r.try_get(4)?),
            lost_parts: count(r.try_get(5)?),
            slivers_dropped: count(r.try_get(6)?),
        },
    })
}

/// Stores a pair's figures unless it has some (they would be the same).
async fn insert_change<C: GenericClient + Sync>(c: &C, ch: &LayerChange) -> Result<()> {
    let f = &ch.figures;
    c.execute(
        "INSERT INTO map_changes (from_id, to_id, gained_km2, lost_km2, gained_parts, lost_parts, slivers_dropped)
         VALUES ($1,$2,$3,$4,$5,$6,$7) ON CONFLICT (from_id, to_id) DO NOTHING",
        &[
            &ch.from.0,
            &ch.to.0,
            &f.gained_km2,
            &f.lost_km2,
            &i64::from(f.gained_parts),
            &i64::from(f.lost_parts),
            &i64::from(f.slivers_dropped),
        ],
    )
    .await?;
    Ok(())
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
        if let Some((from, figures)) = l.change_from_previous {
            let to = MapLayerId(id);
            insert_change(&tx, &LayerChange { from, to, figures }).await?;
        }
        if let Some((to, figures)) = l.change_to_next {
            let from = MapLayerId(id);
            insert_change(&tx, &LayerChange { from, to, figures }).await?;
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

    async fn save_layer_changes(&self, changes: &[LayerChange]) -> Result<()> {
        if changes.is_empty() {
            return Ok(());
        }
        let mut c = self.conn().await?;
        let tx = c.transaction().await?;
        for ch in changes {
            insert_change(&tx, ch).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn layer_changes(&self, briefing: BriefingId, layer: &str) -> Result<Vec<LayerChange>> {
        if nul(layer) {
            return Ok(Vec::new());
        }
        let c = self.conn().await?;
        c.query(
            &format!(
                "SELECT {CHANGE_COLUMNS} FROM map_layers t
                 JOIN map_changes c ON c.to_id = t.id
                 JOIN map_layers f ON f.id = c.from_id
                 WHERE t.briefing_id = $1 AND t.layer = $2 AND t.superseded_by IS NULL AND f.superseded_by IS NULL"
            ),
            &[&briefing.0, &layer],
        )
        .await?
        .iter()
        .map(change_from)
        .collect()
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
        let cols = layer_columns_of_no_geometry("t", "NULL::bytea");
        let limit = limit.clamp(1, 500) as i64;
        let c = self.conn().await?;
        let select = |position: &str, lim: &str| {
            format!(
                "SELECT {cols}, f.id, f.imported_at FROM map_layers t
                 JOIN map_layers f ON f.briefing_id = t.briefing_id AND f.layer = t.layer AND f.day = t.day
                   AND f.revision = 1
                 WHERE t.briefing_id = $1 AND t.superseded_by IS NULL {position}
                 ORDER BY f.imported_at {dir}, f.id {dir} LIMIT {lim}"
            )
        };
        let rows = match after {
            Some((at, id)) => {
                c.query(
                    &select(&format!("AND (f.imported_at, f.id) {cmp} ($2, $3)"), "$4"),
                    &[&briefing.0, &us(at), &id.0, &limit],
                )
                .await?
            }
            None => c.query(&select("", "$2"), &[&briefing.0, &limit]).await?,
        };
        rows.iter()
            .map(|r| {
                Ok(MapCard {
                    layer: layer_from(r)?,
                    first_id: MapLayerId(r.try_get(14)?),
                    first_at: ts(r.try_get(15)?)?,
                })
            })
            .collect()
    }
}
