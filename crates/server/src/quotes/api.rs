//! The quote tracker in the JSON API: a briefing's published quotes (filtered and paged like the page), its
//! speakers, and one speaker. Listed in `crate::api::router`'s handler list, so the OpenAPI document has them.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use livebrief_model::{Briefing, Speaker, TrackedQuote};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{FilterParams, encode_cursor, link, public_aliases, public_speaker};
use crate::api::ErrorBody;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::views::rfc3339;

#[derive(Serialize, ToSchema)]
pub struct SpeakerRef {
    id: i64,
    name: String,
}

#[derive(Serialize, ToSchema)]
pub struct EntryRef {
    id: i64,
    permalink: String,
}

#[derive(Serialize, ToSchema)]
pub struct QuoteDto {
    id: i64,
    speaker: SpeakerRef,
    /// direct, indirect or mixed.
    kind: String,
    text: String,
    /// YYYY-MM-DD, when the report gives the day it was said.
    said_on: Option<String>,
    /// YYYY-MM-DD, the report's publication day.
    reported_on: String,
    /// The outlet and the report's address.
    outlet: String,
    url: Option<String>,
    /// The entry the quote belongs to.
    entry: EntryRef,
    /// The entry's topics.
    topics: Vec<String>,
    recorded_at: String,
    /// The speaker's page in this briefing.
    speaker_page: String,
}

impl QuoteDto {
    fn of(q: &TrackedQuote, b: &Briefing) -> Self {
        QuoteDto {
            id: q.id.0,
            speaker: SpeakerRef {
                id: q.speaker_id.0,
                name: q.speaker_name.clone(),
            },
            kind: q.kind.as_str().into(),
            text: q.text.clone(),
            said_on: q.said_on.map(|d| d.to_string()),
            reported_on: q.reported_on.to_string(),
            outlet: q.outlet.clone(),
            url: link(q.url.as_deref()),
            entry: EntryRef {
                id: q.entry_id.0,
                permalink: format!("/b/{}/e/{}", b.slug, q.entry_id.0),
            },
            topics: q.topics.clone(),
            recorded_at: rfc3339(q.recorded_at),
            speaker_page: format!("/b/{}/quotes/{}", b.slug, q.speaker_id.0),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct QuoteList {
    items: Vec<QuoteDto>,
    /// Pass as `before` to get the next page; absent on the last page.
    next_before: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct SpeakerDto {
    id: i64,
    name: String,
    /// Other spellings of the name that published quotes used ("Дмитро Пєсков", "Peskov").
    aliases: Vec<String>,
    /// Published quotes: in the briefing for a briefing's list, in all briefings for one speaker.
    quote_count: u64,
}

impl SpeakerDto {
    fn of(s: &Speaker) -> Self {
        SpeakerDto {
            id: s.id.0,
            name: s.name.clone(),
            aliases: public_aliases(s),
            quote_count: s.quote_count,
        }
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct QuoteListParams {
    /// A speaker id.
    speaker: Option<i64>,
    /// An entry topic (case-insensitive).
    topic: Option<String>,
    /// YYYY-MM-DD: said on or after.
    from: Option<String>,
    /// YYYY-MM-DD: said on or before.
    to: Option<String>,
    /// From `next_before` of the previous page.
    before: Option<String>,
    /// 1 to 100, default 20.
    limit: Option<usize>,
}

fn briefing_or_404(state: &AppState, slug: &str) -> ApiResult<Briefing> {
    state
        .app
        .briefing(slug)
        .map(|(b, _)| b)
        .ok_or_else(|| ApiError::not_found("briefing"))
}

/// A briefing's published quotes, newest first (by the day said, else reported).
#[utoipa::path(get, path = "/api/v1/briefings/{slug}/quotes", tag = "quotes", params(("slug" = String, Path), QuoteListParams),
    responses((status = 200, body = QuoteList), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn list_quotes(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Query(p): Query<QuoteListParams>,
) -> ApiResult<Json<QuoteList>> {
    let b = briefing_or_404(&state, &slug)?;
    let filters = FilterParams {
        speaker: p.speaker.map(|s| s.to_string()),
        topic: p.topic,
        from: p.from,
        to: p.to,
        before: p.before,
    };
    let q = filters.query(&b, p.limit.unwrap_or(20).clamp(1, 100))?;
    let page = state.app.quotes(&q).await?;
    Ok(Json(QuoteList {
        items: page.items.iter().map(|x| QuoteDto::of(x, &b)).collect(),
        next_before: page.next.map(encode_cursor),
    }))
}

/// The speakers with published quotes in a briefing, most quoted first.
#[utoipa::path(get, path = "/api/v1/briefings/{slug}/speakers", tag = "quotes", params(("slug" = String, Path)),
    responses((status = 200, body = Vec<SpeakerDto>), (status = 404, body = ErrorBody)))]
pub async fn list_speakers(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> ApiResult<Json<Vec<SpeakerDto>>> {
    let b = briefing_or_404(&state, &slug)?;
    let list = state.app.briefing_speakers(b.id).await?;
    Ok(Json(list.iter().map(SpeakerDto::of).collect()))
}

/// One speaker (a person across briefings). A speaker merged into another redirects there.
#[utoipa::path(get, path = "/api/v1/speakers/{id}", tag = "quotes", params(("id" = i64, Path)),
    responses((status = 200, body = SpeakerDto), (status = 308, description = "merged into the speaker at Location"), (status = 404, body = ErrorBody)))]
pub async fn get_speaker(State(state): State<AppState>, Path(id): Path<i64>) -> ApiResult<Response> {
    Ok(match public_speaker(&state, id).await? {
        Ok(s) => Json(SpeakerDto::of(&s)).into_response(),
        Err(into) => Redirect::permanent(&format!("/api/v1/speakers/{}", into.0)).into_response(),
    })
}

/// The tracker's part of the API handler list (`crate::api::router` adds it).
pub fn routes(r: OpenApiRouter<AppState>) -> OpenApiRouter<AppState> {
    r.routes(routes!(list_quotes))
        .routes(routes!(list_speakers))
        .routes(routes!(get_speaker))
}
