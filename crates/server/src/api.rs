//! The JSON API under `/api/v1`: everything the pages and the desk do, for automation.
//! The OpenAPI 3.1 document is generated from these handlers (utoipa) and served at `/api/v1/openapi.json`.

use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Path, Query, Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use livebrief_app::{Command, EditInput, EntryInput};
use livebrief_model::{
    Actor, BodyFormat, Briefing, BriefingDraft, Citation, Date, Entry, EntryId, EventId, PublicStep, Revision, Role,
    Status, Timestamp, Visibility, public_history,
};
use livebrief_store::EntryQuery;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{IntoParams, Modify, OpenApi, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::{ApiViewer, MaybeViewer};
use crate::error::{ApiError, ApiResult, CODES};
use crate::pages::{encode_cursor, parse_cursor, parse_order};
use crate::sse::event_payload;
use crate::state::AppState;
use crate::views::rfc3339;

/// JSON body extractor whose failures are `ApiError`s with stable codes.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;
    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(v)) => Ok(ApiJson(v)),
            Err(rej) => Err(json_rejection(rej)),
        }
    }
}

fn json_rejection(rej: JsonRejection) -> ApiError {
    match rej {
        JsonRejection::MissingJsonContentType(_) => {
            ApiError::new("unsupported_media_type", "send Content-Type: application/json")
        }
        JsonRejection::BytesRejection(b) if b.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            ApiError::new("payload_too_large", "the request body is too large")
        }
        other => ApiError::new("invalid_json", other.body_text()),
    }
}

/// An optional JSON body: empty means none.
fn optional_json<T: DeserializeOwned>(body: &Bytes) -> ApiResult<Option<T>> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    serde_json::from_slice(body)
        .map(Some)
        .map_err(|e| ApiError::new("invalid_json", e.to_string()))
}

#[derive(Serialize, ToSchema)]
pub struct ErrorBody {
    error: ErrorDetail,
}

#[derive(Serialize, ToSchema)]
pub struct ErrorDetail {
    /// Stable, snake_case; see the `ErrorCode` schema for the list.
    code: ErrorCode,
    message: String,
    /// With `conflict` when re-posting a report's URL you may not replace: the id of the stored report.
    #[serde(skip_serializing_if = "Option::is_none")]
    existing_id: Option<i64>,
}

/// Every error code, listed from the one table the server uses.
#[derive(Serialize)]
pub struct ErrorCode(String);

impl utoipa::PartialSchema for ErrorCode {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::schema::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .enum_values(Some(CODES.iter().map(|(c, ..)| *c)))
            .description(Some(
                CODES
                    .iter()
                    .map(|(c, s, d)| format!("`{c}` ({s}): {d}"))
                    .collect::<Vec<_>>()
                    .join("\n"),
            ))
            .into()
    }
}
impl ToSchema for ErrorCode {}

#[derive(Serialize, ToSchema)]
pub struct BriefingLinks {
    page: String,
    atom: String,
    json_feed: String,
    events: String,
}

#[derive(Serialize, ToSchema)]
pub struct BriefingDto {
    slug: String,
    title: String,
    summary: String,
    language: String,
    created_at: String,
    updated_at: String,
    links: BriefingLinks,
}

impl BriefingDto {
    fn of(b: &Briefing) -> Self {
        let page = format!("/b/{}", b.slug);
        BriefingDto {
            slug: b.slug.clone(),
            title: b.title.clone(),
            summary: b.summary.clone(),
            language: b.language.clone(),
            created_at: rfc3339(b.created_at),
            updated_at: rfc3339(b.updated_at),
            links: BriefingLinks {
                atom: format!("{page}/feed.atom"),
                json_feed: format!("{page}/feed.json"),
                events: format!("{page}/events"),
                page,
            },
        }
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BriefingInput {
    slug: String,
    title: String,
    #[serde(default)]
    summary: String,
    #[serde(default = "default_language")]
    language: String,
}

fn default_language() -> String {
    "en".into()
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BriefingPatch {
    title: Option<String>,
    summary: Option<String>,
    language: Option<String>,
}

#[derive(Serialize, Deserialize, ToSchema, Clone)]
pub struct SourceDto {
    outlet: String,
    #[serde(default)]
    url: String,
    #[serde(default)]
    title: String,
    /// RFC 3339.
    #[serde(default)]
    published_at: Option<String>,
}

impl SourceDto {
    fn of(s: &Citation) -> Self {
        SourceDto {
            outlet: s.outlet.clone(),
            url: s.url.clone(),
            title: s.title.clone(),
            published_at: s.published_at.map(rfc3339),
        }
    }
    fn into_model(self) -> ApiResult<Citation> {
        let published_at = self
            .published_at
            .filter(|p| !p.is_empty())
            .map(|p| {
                p.parse::<Timestamp>().map_err(|_| {
                    ApiError::new(
                        "validation_failed",
                        format!("source published_at {p:?} is not RFC 3339"),
                    )
                })
            })
            .transpose()?;
        Ok(Citation {
            outlet: self.outlet,
            url: self.url,
            title: self.title,
            published_at,
        })
    }
}

fn sources_in(v: Vec<SourceDto>) -> ApiResult<Vec<Citation>> {
    v.into_iter().map(SourceDto::into_model).collect()
}

#[derive(Serialize, ToSchema)]
pub struct NoteDto {
    note: String,
    at: String,
}

#[derive(Serialize, ToSchema)]
pub struct EntryDto {
    id: i64,
    briefing: String,
    version: i64,
    /// draft, pending, published or retracted.
    status: String,
    headline: String,
    /// markdown or html.
    body_format: String,
    /// What the author wrote.
    body: String,
    /// The sanitised rendering shown to readers.
    body_html: String,
    happened_on: String,
    topics: Vec<String>,
    sources: Vec<SourceDto>,
    pinned: bool,
    key_event: bool,
    author: String,
    created_at: String,
    published_at: Option<String>,
    updated_at: String,
    revised_at: Option<String>,
    correction: Option<NoteDto>,
    retraction: Option<NoteDto>,
    permalink: String,
}

impl EntryDto {
    /// As much of `e` as `viewer` may see (`Entry::visibility`): readers get a retracted entry's stub.
    fn for_viewer(e: &Entry, slug: &str, viewer: Option<&Actor>) -> Self {
        match e.visibility(viewer) {
            Visibility::Full => EntryDto::of(e, slug),
            Visibility::Public | Visibility::Hidden => EntryDto::of(&e.for_readers(), slug),
        }
    }

    fn of(e: &Entry, slug: &str) -> Self {
        let note = |c: &livebrief_model::Correction| NoteDto {
            note: c.note.clone(),
            at: rfc3339(c.at),
        };
        EntryDto {
            id: e.id.0,
            briefing: slug.to_string(),
            version: e.version,
            status: e.status.as_str().into(),
            headline: e.headline.clone(),
            body_format: e.body.format.as_str().into(),
            body: e.body.source.clone(),
            body_html: e.body.html.clone(),
            happened_on: e.happened_on.to_string(),
            topics: e.topics.clone(),
            sources: e.sources.iter().map(SourceDto::of).collect(),
            pinned: e.pinned,
            key_event: e.key_event,
            author: e.author_name.clone(),
            created_at: rfc3339(e.created_at),
            published_at: e.published_at.map(rfc3339),
            updated_at: rfc3339(e.updated_at),
            revised_at: e.revised_at.map(rfc3339),
            correction: e.correction.as_ref().map(note),
            retraction: e.retraction.as_ref().map(note),
            permalink: format!("/b/{slug}/e/{}", e.id.0),
        }
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EntryCreate {
    headline: String,
    #[serde(default)]
    body: String,
    /// markdown (default) or html.
    #[serde(default)]
    body_format: Option<String>,
    /// YYYY-MM-DD; defaults to today (UTC).
    #[serde(default)]
    happened_on: Option<String>,
    #[serde(default)]
    topics: Vec<String>,
    #[serde(default)]
    sources: Vec<SourceDto>,
    #[serde(default)]
    pinned: bool,
    #[serde(default)]
    key_event: bool,
    /// published (default), draft or pending. Contributors' entries become pending.
    #[serde(default)]
    status: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EntryPatch {
    headline: Option<String>,
    body: Option<String>,
    body_format: Option<String>,
    happened_on: Option<String>,
    topics: Option<Vec<String>>,
    sources: Option<Vec<SourceDto>>,
    /// Makes the edit of a published entry a public correction.
    correction_note: Option<String>,
    /// The version you edited; a stale one gets 409.
    version: Option<i64>,
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct VersionInput {
    version: Option<i64>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PinInput {
    pinned: bool,
    version: Option<i64>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct KeyEventInput {
    key_event: bool,
    version: Option<i64>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RetractInput {
    /// Public reason, shown where the entry was.
    note: String,
    version: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct EntryList {
    items: Vec<EntryDto>,
    /// Pass as `cursor` to get the next page; absent on the last page.
    next_cursor: Option<String>,
}

/// One revision. Readers (and contributors, of other people's entries) get the public history, the one
/// the permalink shows: `number`, `action` (publish, correct, edit or retract), `at`, `note`, and a
/// correction's `previous_headline`. The fields marked "desk" are for those who see the entry in full.
#[derive(Serialize, ToSchema)]
pub struct RevisionDto {
    number: i64,
    action: String,
    at: String,
    note: Option<String>,
    /// Desk: the headline after this revision.
    #[serde(skip_serializing_if = "Option::is_none")]
    headline: Option<String>,
    /// Readers: the headline a correction replaced.
    #[serde(skip_serializing_if = "Option::is_none")]
    previous_headline: Option<String>,
    /// Desk: who made the change.
    #[serde(skip_serializing_if = "Option::is_none")]
    actor: Option<String>,
    /// Desk.
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<String>,
    /// Desk.
    #[serde(skip_serializing_if = "Option::is_none")]
    body: Option<String>,
    /// Desk.
    #[serde(skip_serializing_if = "Option::is_none")]
    body_html: Option<String>,
    /// Desk.
    #[serde(skip_serializing_if = "Option::is_none")]
    topics: Option<Vec<String>>,
    /// Desk.
    #[serde(skip_serializing_if = "Option::is_none")]
    pinned: Option<bool>,
    /// Desk.
    #[serde(skip_serializing_if = "Option::is_none")]
    key_event: Option<bool>,
}

impl RevisionDto {
    fn of(r: &Revision) -> Self {
        RevisionDto {
            number: r.number,
            action: r.action.as_str().into(),
            at: rfc3339(r.at),
            note: r.note.clone(),
            headline: Some(r.snapshot.headline.clone()),
            previous_headline: None,
            actor: Some(r.actor_name.clone()),
            status: Some(r.snapshot.status.as_str().into()),
            body: Some(r.snapshot.body.source.clone()),
            body_html: Some(r.snapshot.body.html.clone()),
            topics: Some(r.snapshot.topics.clone()),
            pinned: Some(r.snapshot.pinned),
            key_event: Some(r.snapshot.key_event),
        }
    }

    fn public(s: &PublicStep) -> Self {
        RevisionDto {
            number: s.number,
            action: s.action.as_str().into(),
            at: rfc3339(s.at),
            note: s.note.clone(),
            headline: None,
            previous_headline: s.previous_headline.clone(),
            actor: None,
            status: None,
            body: None,
            body_html: None,
            topics: None,
            pinned: None,
            key_event: None,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct EventList {
    /// Same payloads as the live stream's `data`.
    #[schema(value_type = Vec<Object>)]
    events: Vec<serde_json::Value>,
    /// Pass as `after` next time (or as Last-Event-ID to the stream).
    last_event_id: i64,
}

#[derive(Serialize, ToSchema)]
pub struct Me {
    name: String,
    role: String,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EntryListParams {
    /// From `next_cursor` of the previous page.
    cursor: Option<String>,
    /// 1 to 100, default 20.
    limit: Option<usize>,
    /// newest (default) or oldest.
    order: Option<String>,
    topic: Option<String>,
    /// public (default: published and retracted), or draft, pending, published, retracted, all (signed in).
    status: Option<String>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EventsParams {
    /// Events after this id (0 for all kept).
    after: Option<i64>,
}

fn parse_format(s: Option<&str>) -> ApiResult<BodyFormat> {
    match s {
        None | Some("") => Ok(BodyFormat::Markdown),
        Some(f) => BodyFormat::parse(f)
            .ok_or_else(|| ApiError::new("validation_failed", format!("body_format {f:?}: use markdown or html"))),
    }
}

fn parse_date(s: &str) -> ApiResult<Date> {
    s.parse()
        .map_err(|_| ApiError::new("validation_failed", format!("date {s:?} is not YYYY-MM-DD")))
}

fn briefing_or_404(state: &AppState, slug: &str) -> ApiResult<Briefing> {
    state
        .app
        .briefing(slug)
        .map(|(b, _)| b)
        .ok_or_else(|| ApiError::not_found("briefing"))
}

fn slug_of(state: &AppState, briefing: livebrief_model::BriefingId) -> String {
    state.app.briefing_by_id(briefing).map(|b| b.slug).unwrap_or_default()
}

#[utoipa::path(get, path = "/api/v1/briefings", tag = "briefings", responses((status = 200, body = Vec<BriefingDto>)))]
async fn list_briefings(State(state): State<AppState>) -> Json<Vec<BriefingDto>> {
    Json(state.app.briefings().iter().map(BriefingDto::of).collect())
}

#[utoipa::path(post, path = "/api/v1/briefings", tag = "briefings", request_body = BriefingInput,
    responses((status = 201, body = BriefingDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
async fn create_briefing(
    State(state): State<AppState>,
    ApiViewer(v): ApiViewer,
    ApiJson(i): ApiJson<BriefingInput>,
) -> ApiResult<(StatusCode, Json<BriefingDto>)> {
    let b = state
        .app
        .create_briefing(
            &v.user.actor(),
            BriefingDraft {
                slug: i.slug,
                title: i.title,
                summary: i.summary,
                language: i.language,
            },
        )
        .await?;
    Ok((StatusCode::CREATED, Json(BriefingDto::of(&b))))
}

#[utoipa::path(get, path = "/api/v1/briefings/{slug}", tag = "briefings", params(("slug" = String, Path)),
    responses((status = 200, body = BriefingDto), (status = 404, body = ErrorBody)))]
async fn get_briefing(State(state): State<AppState>, Path(slug): Path<String>) -> ApiResult<Json<BriefingDto>> {
    Ok(Json(BriefingDto::of(&briefing_or_404(&state, &slug)?)))
}

#[utoipa::path(patch, path = "/api/v1/briefings/{slug}", tag = "briefings", params(("slug" = String, Path)), request_body = BriefingPatch,
    responses((status = 200, body = BriefingDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
async fn update_briefing(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    ApiViewer(v): ApiViewer,
    ApiJson(p): ApiJson<BriefingPatch>,
) -> ApiResult<Json<BriefingDto>> {
    let b = briefing_or_404(&state, &slug)?;
    let draft = BriefingDraft {
        slug: b.slug.clone(),
        title: p.title.unwrap_or(b.title),
        summary: p.summary.unwrap_or(b.summary),
        language: p.language.unwrap_or(b.language),
    };
    Ok(Json(BriefingDto::of(
        &state.app.update_briefing(&v.user.actor(), &slug, draft).await?,
    )))
}

#[utoipa::path(get, path = "/api/v1/briefings/{slug}/entries", tag = "entries", params(("slug" = String, Path), EntryListParams),
    responses((status = 200, body = EntryList), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn list_entries(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Query(p): Query<EntryListParams>,
    MaybeViewer(v): MaybeViewer,
) -> ApiResult<Json<EntryList>> {
    // Who is asking before what they ask for: `?status=` needs a principal, whatever the briefing.
    let viewer = v.as_ref().map(|v| v.user.actor());
    if viewer.is_none() && !matches!(p.status.as_deref(), None | Some("public")) {
        return Err(ApiError::unauthorized());
    }
    let b = briefing_or_404(&state, &slug)?;
    let mut q = EntryQuery::public(b.id, p.limit.unwrap_or(20).clamp(1, 100));
    q.order = parse_order(p.order.as_deref())?;
    q.after = p
        .cursor
        .as_deref()
        .filter(|c| !c.is_empty())
        .map(parse_cursor)
        .transpose()?;
    q.topic = p.topic.filter(|t| !t.trim().is_empty());
    match p.status.as_deref() {
        None | Some("public") => {}
        Some(s) => {
            let Some(a) = &viewer else {
                return Err(ApiError::unauthorized());
            };
            // Contributors see their own drafts and pending entries, nobody else's.
            if !a.role.can_publish() {
                q.private_of = Some(a.id);
            }
            q.statuses = match s {
                "all" => vec![],
                other => vec![
                    Status::parse(other)
                        .ok_or_else(|| ApiError::bad_request(format!("status {other:?} is not known")))?,
                ],
            };
        }
    }
    let page = state.app.list(&q).await?;
    Ok(Json(EntryList {
        items: page
            .items
            .iter()
            .map(|e| EntryDto::for_viewer(e, &slug, viewer.as_ref()))
            .collect(),
        next_cursor: page.next.map(encode_cursor),
    }))
}

#[utoipa::path(post, path = "/api/v1/briefings/{slug}/entries", tag = "entries", params(("slug" = String, Path)), request_body = EntryCreate,
    responses((status = 201, body = EntryDto), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
async fn create_entry(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    ApiViewer(v): ApiViewer,
    ApiJson(i): ApiJson<EntryCreate>,
) -> ApiResult<(StatusCode, Json<EntryDto>)> {
    let status = match i.status.as_deref() {
        None | Some("") | Some("published") => Status::Published,
        Some("draft") => Status::Draft,
        Some("pending") => Status::Pending,
        Some(o) => {
            return Err(ApiError::new(
                "validation_failed",
                format!("status {o:?}: use published, draft or pending"),
            ));
        }
    };
    let input = EntryInput {
        headline: i.headline,
        body_format: parse_format(i.body_format.as_deref())?,
        body: i.body,
        happened_on: i.happened_on.as_deref().map(parse_date).transpose()?,
        topics: i.topics,
        sources: sources_in(i.sources)?,
        pinned: i.pinned,
        key_event: i.key_event,
        status,
    };
    let e = state.app.create_entry(&v.user.actor(), &slug, input).await?;
    Ok((StatusCode::CREATED, Json(EntryDto::of(&e, &slug))))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportCreate {
    /// The article as plain text. Give this or `html`.
    text: Option<String>,
    /// The article's whole HTML page: its text, title, date and site name are extracted.
    html: Option<String>,
    /// Where it was published; the same URL again updates the stored report (if you sent it in, or are
    /// an editor; else 409).
    url: Option<String>,
    #[serde(default)]
    title: String,
    /// The outlet.
    #[serde(default)]
    source: String,
    /// YYYY-MM-DD, the reference for the dates in the text. Default: the page's date, else today.
    published: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ReportDto {
    id: i64,
    briefing: String,
    url: Option<String>,
    title: String,
    source: String,
    published: String,
    language: String,
    received_at: String,
    updated_at: String,
    /// How many quotes the reading found.
    quote_count: usize,
    /// The text as read (absent in lists).
    #[serde(skip_serializing_if = "Option::is_none")]
    text: Option<String>,
    /// The reading, as `livebrief read --json` prints it: quotes with speakers and cues, entities, places, dates,
    /// topics, each with code-point spans into `text` (absent in lists).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    reading: Option<serde_json::Value>,
    /// Editors and admins: who sent it in (absent for reports from before submitters were recorded).
    #[serde(skip_serializing_if = "Option::is_none")]
    submitted_by: Option<ReportActorDto>,
    /// Editors and admins: who last replaced its text (at `updated_at`).
    #[serde(skip_serializing_if = "Option::is_none")]
    changed_by: Option<ReportActorDto>,
    /// Editors and admins, one report: every replacement of its text, oldest first, with what it replaced.
    #[serde(skip_serializing_if = "Option::is_none")]
    changes: Option<Vec<ReportChangeDto>>,
}

/// A person, or the newsroom loop (`name` "newsroom", no `user_id`).
#[derive(Serialize, ToSchema)]
pub struct ReportActorDto {
    name: String,
    user_id: Option<i64>,
}

impl ReportActorDto {
    fn of(a: &livebrief_model::ReportActor) -> Self {
        ReportActorDto {
            name: a.name.clone(),
            user_id: a.id.map(|u| u.0),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ReportChangeDto {
    by: ReportActorDto,
    at: String,
    previous_title: String,
    previous_source: String,
    previous_published: String,
    previous_text: String,
}

impl ReportDto {
    /// With its owners for editors and admins.
    fn for_viewer(r: &livebrief_model::Report, slug: &str, full: bool, viewer: &Actor) -> Self {
        let mut dto = ReportDto::of(r, slug, full);
        if viewer.role.can_publish() {
            dto.submitted_by = r.submitted_by.as_ref().map(ReportActorDto::of);
            dto.changed_by = r.changed_by.as_ref().map(ReportActorDto::of);
        }
        dto
    }

    fn of(r: &livebrief_model::Report, slug: &str, full: bool) -> Self {
        ReportDto {
            id: r.id.0,
            briefing: slug.to_string(),
            url: r.url.clone(),
            title: r.title.clone(),
            source: r.source.clone(),
            published: r.published.to_string(),
            language: r.language.clone(),
            received_at: rfc3339(r.received_at),
            updated_at: rfc3339(r.updated_at),
            quote_count: r.reading.quotes.len(),
            text: full.then(|| r.text.clone()),
            reading: full.then(|| livebrief_nlp::reading_json(&r.reading, &r.published.to_string(), &r.text)),
            submitted_by: None,
            changed_by: None,
            changes: None,
        }
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReportListParams {
    /// Reports older than this id (the last id of the previous page).
    before: Option<i64>,
    /// 1 to 100, default 20.
    limit: Option<usize>,
}

#[utoipa::path(post, path = "/api/v1/briefings/{slug}/reports", tag = "reports", params(("slug" = String, Path)), request_body = ReportCreate,
    responses((status = 201, description = "read and stored", body = ReportDto), (status = 200, description = "the same URL again, sent by whoever sent it in or an editor: text and reading replaced, the old text kept in `changes`", body = ReportDto),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, description = "the same URL again, from a contributor who did not send it in: nothing changed; `existing_id` is the stored report", body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
async fn create_report(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    ApiViewer(v): ApiViewer,
    ApiJson(i): ApiJson<ReportCreate>,
) -> ApiResult<(StatusCode, Json<ReportDto>)> {
    let body = match (i.text, i.html) {
        (Some(t), None) => livebrief_app::ReportBody::Text(t),
        (None, Some(h)) => livebrief_app::ReportBody::Html {
            bytes: h.into_bytes(),
            http_charset: None,
        },
        _ => {
            return Err(ApiError::new(
                "validation_failed",
                "give the article as text or as html (one of them)",
            ));
        }
    };
    let input = livebrief_app::ReportInput {
        url: i.url.filter(|u| !u.trim().is_empty()),
        title: i.title,
        source: i.source,
        published: i.published.as_deref().map(parse_date).transpose()?,
        body,
    };
    let actor = v.user.actor();
    let (r, created) = state.app.add_report(&actor, &slug, input).await?;
    let status = if created { StatusCode::CREATED } else { StatusCode::OK };
    Ok((status, Json(ReportDto::for_viewer(&r, &slug, true, &actor))))
}

#[utoipa::path(get, path = "/api/v1/briefings/{slug}/reports", tag = "reports", params(("slug" = String, Path), ReportListParams),
    responses((status = 200, body = Vec<ReportDto>), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
async fn list_reports(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    ApiViewer(v): ApiViewer,
    Query(p): Query<ReportListParams>,
) -> ApiResult<Json<Vec<ReportDto>>> {
    let limit = p.limit.unwrap_or(20).clamp(1, 100);
    let list = state
        .app
        .reports(&slug, p.before.map(livebrief_model::ReportId), limit)
        .await?;
    let actor = v.user.actor();
    Ok(Json(
        list.iter()
            .map(|r| ReportDto::for_viewer(r, &slug, false, &actor))
            .collect(),
    ))
}

#[utoipa::path(get, path = "/api/v1/reports/{id}", tag = "reports", params(("id" = i64, Path)),
    responses((status = 200, body = ReportDto), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
async fn get_report(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    ApiViewer(v): ApiViewer,
) -> ApiResult<Json<ReportDto>> {
    let actor = v.user.actor();
    let r = state.app.report(livebrief_model::ReportId(id)).await?;
    let mut dto = ReportDto::for_viewer(&r, &slug_of(&state, r.briefing_id), true, &actor);
    if actor.role.can_publish() {
        let changes = state.app.report_changes(r.id).await?;
        dto.changes = Some(
            changes
                .iter()
                .map(|c| ReportChangeDto {
                    by: ReportActorDto::of(&c.by),
                    at: rfc3339(c.at),
                    previous_title: c.previous_title.clone(),
                    previous_source: c.previous_source.clone(),
                    previous_published: c.previous_published.to_string(),
                    previous_text: c.previous_text.clone(),
                })
                .collect(),
        );
    }
    Ok(Json(dto))
}

#[derive(Serialize, ToSchema)]
pub struct TopicTerm {
    /// Matches at the start of a word ("negotiat" matches "negotiations").
    term: String,
    weight: f32,
}

#[derive(Serialize, ToSchema)]
pub struct TopicDto {
    slug: String,
    label: String,
    terms: Vec<TopicTerm>,
}

#[derive(Serialize, ToSchema)]
pub struct TopicsDto {
    /// Whether the briefing has its own list (else the default topics apply).
    custom: bool,
    /// The list in its text form, one topic per line: `slug | Label | term, term:weight, …`.
    text: String,
    topics: Vec<TopicDto>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TopicsInput {
    /// The list in its text form; empty goes back to the default topics.
    text: String,
}

fn topics_dto(custom: Option<String>, list: &[livebrief_nlp::TopicDef]) -> TopicsDto {
    TopicsDto {
        custom: custom.is_some(),
        text: custom.unwrap_or_else(|| livebrief_nlp::format_topics(list)),
        topics: list
            .iter()
            .map(|t| TopicDto {
                slug: t.slug.clone(),
                label: t.label.clone(),
                terms: t
                    .terms
                    .iter()
                    .map(|(term, weight)| TopicTerm {
                        term: term.clone(),
                        weight: *weight,
                    })
                    .collect(),
            })
            .collect(),
    }
}

#[utoipa::path(get, path = "/api/v1/briefings/{slug}/topics", tag = "reports", params(("slug" = String, Path)),
    responses((status = 200, body = TopicsDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
/// The topic definitions (names and the words that find them) are the desk's working list: readers see
/// the topics the page shows, not the words behind them.
async fn get_topics(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    ApiViewer(v): ApiViewer,
) -> ApiResult<Json<TopicsDto>> {
    crate::auth::require_role(&v, Role::Contributor)?;
    let (custom, list) = state.app.topics(&slug).await?;
    Ok(Json(topics_dto(custom, &list)))
}

#[utoipa::path(put, path = "/api/v1/briefings/{slug}/topics", tag = "reports", params(("slug" = String, Path)), request_body = TopicsInput,
    responses((status = 200, body = TopicsDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
async fn put_topics(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    ApiViewer(v): ApiViewer,
    ApiJson(i): ApiJson<TopicsInput>,
) -> ApiResult<Json<TopicsDto>> {
    state.app.set_topics(&v.user.actor(), &slug, &i.text).await?;
    let (custom, list) = state.app.topics(&slug).await?;
    Ok(Json(topics_dto(custom, &list)))
}

#[utoipa::path(get, path = "/api/v1/briefings/{slug}/events", tag = "live", params(("slug" = String, Path), EventsParams),
    responses((status = 200, body = EventList), (status = 404, body = ErrorBody)))]
async fn briefing_events(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Query(p): Query<EventsParams>,
) -> ApiResult<Json<EventList>> {
    let (b, version) = state
        .app
        .briefing(&slug)
        .ok_or_else(|| ApiError::not_found("briefing"))?;
    let after = EventId(p.after.unwrap_or(0).max(0));
    let notices = state.app.replay(&b, after, 500).await?;
    let last = notices
        .last()
        .map(|n| n.event.id)
        .unwrap_or(if after > version { version } else { after });
    Ok(Json(EventList {
        events: notices.iter().map(|n| event_payload(&state, n)).collect(),
        last_event_id: last.0,
    }))
}

/// The entry and how much of it the viewer sees; hidden entries are not found (`Entry::visibility`).
async fn visible_entry(state: &AppState, id: i64, viewer: Option<&Actor>) -> ApiResult<(Entry, Visibility)> {
    let e = state.app.entry(EntryId(id)).await?;
    match e.visibility(viewer) {
        Visibility::Hidden => Err(ApiError::not_found("entry")),
        vis => Ok((e, vis)),
    }
}

#[utoipa::path(get, path = "/api/v1/entries/{id}", tag = "entries", params(("id" = i64, Path)),
    responses((status = 200, body = EntryDto), (status = 404, body = ErrorBody)))]
async fn get_entry(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    MaybeViewer(v): MaybeViewer,
) -> ApiResult<Json<EntryDto>> {
    let viewer = v.map(|v| v.user.actor());
    let (e, _) = visible_entry(&state, id, viewer.as_ref()).await?;
    Ok(Json(EntryDto::for_viewer(
        &e,
        &slug_of(&state, e.briefing_id),
        viewer.as_ref(),
    )))
}

async fn command(
    state: &AppState,
    v: &crate::auth::Viewer,
    id: i64,
    cmd: Command,
    version: Option<i64>,
) -> ApiResult<Json<EntryDto>> {
    let actor = v.user.actor();
    let e = state.app.change_entry(&actor, EntryId(id), cmd, version).await?;
    Ok(Json(EntryDto::for_viewer(
        &e,
        &slug_of(state, e.briefing_id),
        Some(&actor),
    )))
}

#[utoipa::path(patch, path = "/api/v1/entries/{id}", tag = "entries", params(("id" = i64, Path)), request_body = EntryPatch,
    responses((status = 200, body = EntryDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
async fn patch_entry(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    ApiViewer(v): ApiViewer,
    ApiJson(p): ApiJson<EntryPatch>,
) -> ApiResult<Json<EntryDto>> {
    let body = match (p.body, p.body_format) {
        (Some(b), f) => Some((parse_format(f.as_deref())?, b)),
        (None, Some(_)) => {
            return Err(ApiError::new("validation_failed", "body_format needs body"));
        }
        (None, None) => None,
    };
    let edit = EditInput {
        headline: p.headline,
        body,
        happened_on: p.happened_on.as_deref().map(parse_date).transpose()?,
        topics: p.topics,
        sources: p.sources.map(sources_in).transpose()?,
        correction_note: p.correction_note,
    };
    command(&state, &v, id, Command::Edit(edit), p.version).await
}

macro_rules! simple_action {
    ($name:ident, $path:literal, $cmd:expr, $doc:literal) => {
        #[doc = $doc]
        #[utoipa::path(post, path = $path, tag = "entries", params(("id" = i64, Path)), request_body(content = Option<VersionInput>, description = "Optional: the version you acted on"),
            responses((status = 200, body = EntryDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
            security(("bearer" = [])))]
        async fn $name(State(state): State<AppState>, Path(id): Path<i64>, ApiViewer(v): ApiViewer, body: Bytes) -> ApiResult<Json<EntryDto>> {
            let input: VersionInput = optional_json(&body)?.unwrap_or_default();
            command(&state, &v, id, $cmd, input.version).await
        }
    };
}

simple_action!(
    publish_entry,
    "/api/v1/entries/{id}/publish",
    Command::Publish,
    "Publish a draft or pending entry (editors)."
);
simple_action!(
    approve_entry,
    "/api/v1/entries/{id}/approve",
    Command::Approve,
    "Approve a contributor's pending entry (editors)."
);
simple_action!(
    submit_entry,
    "/api/v1/entries/{id}/submit",
    Command::Submit,
    "Submit a draft for review."
);

#[utoipa::path(post, path = "/api/v1/entries/{id}/pin", tag = "entries", params(("id" = i64, Path)), request_body = PinInput,
    responses((status = 200, body = EntryDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = [])))]
async fn pin_entry(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    ApiViewer(v): ApiViewer,
    ApiJson(p): ApiJson<PinInput>,
) -> ApiResult<Json<EntryDto>> {
    command(&state, &v, id, Command::Pin(p.pinned), p.version).await
}

#[utoipa::path(post, path = "/api/v1/entries/{id}/key-event", tag = "entries", params(("id" = i64, Path)), request_body = KeyEventInput,
    responses((status = 200, body = EntryDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = [])))]
async fn key_event_entry(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    ApiViewer(v): ApiViewer,
    ApiJson(p): ApiJson<KeyEventInput>,
) -> ApiResult<Json<EntryDto>> {
    command(&state, &v, id, Command::KeyEvent(p.key_event), p.version).await
}

#[utoipa::path(post, path = "/api/v1/entries/{id}/retract", tag = "entries", params(("id" = i64, Path)), request_body = RetractInput,
    responses((status = 200, body = EntryDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
async fn retract_entry(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    ApiViewer(v): ApiViewer,
    ApiJson(p): ApiJson<RetractInput>,
) -> ApiResult<Json<EntryDto>> {
    command(&state, &v, id, Command::Retract { note: p.note }, p.version).await
}

#[utoipa::path(get, path = "/api/v1/entries/{id}/revisions", tag = "entries", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<RevisionDto>), (status = 404, body = ErrorBody)))]
async fn entry_revisions(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    MaybeViewer(v): MaybeViewer,
) -> ApiResult<Json<Vec<RevisionDto>>> {
    let viewer = v.map(|v| v.user.actor());
    let (e, vis) = visible_entry(&state, id, viewer.as_ref()).await?;
    let revs = state.app.revisions(e.id).await?;
    // Readers see the history the permalink shows (`public_history`); the desk sees every revision.
    let revs: Vec<RevisionDto> = match vis {
        Visibility::Full => revs.iter().map(RevisionDto::of).collect(),
        _ => public_history(&e, &revs).iter().map(RevisionDto::public).collect(),
    };
    Ok(Json(revs))
}

#[utoipa::path(get, path = "/api/v1/me", tag = "accounts", responses((status = 200, body = Me), (status = 401, body = ErrorBody)), security(("bearer" = [])))]
async fn me(ApiViewer(v): ApiViewer) -> Json<Me> {
    Json(Me {
        name: v.user.name,
        role: v.user.role.as_str().into(),
    })
}

struct SecurityAddon;
impl Modify for SecurityAddon {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme("bearer", SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)));
    }
}

#[derive(OpenApi)]
#[openapi(
    info(title = "livebrief API", description = "Live briefings: briefings, entries, revisions, the publish workflow and the event stream; the newsroom loop: sources, developments and desk decisions."),
    modifiers(&SecurityAddon),
    components(schemas(ErrorBody, ErrorCode)),
    tags((name = "briefings"), (name = "entries"), (name = "live"), (name = "reports"), (name = "newsroom", description = "Developments and desk decisions, sources, ingest jobs."), (name = "quotes", description = "The quote tracker: published quotes by speaker."), (name = "accounts"), (name = "maps", description = "Control maps: dated layers in (GeoJSON, KML), layers, changes and area series out."))
)]
struct ApiDoc;

/// The API router and its OpenAPI document, built from the same handler list.
pub fn router() -> (axum::Router<AppState>, utoipa::openapi::OpenApi) {
    let r = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(list_briefings, create_briefing))
        .routes(routes!(get_briefing, update_briefing))
        .routes(routes!(list_entries, create_entry))
        .routes(routes!(briefing_events))
        .routes(routes!(list_reports, create_report))
        .routes(routes!(get_report))
        .routes(routes!(get_topics, put_topics))
        .routes(routes!(get_entry, patch_entry))
        .routes(routes!(publish_entry))
        .routes(routes!(approve_entry))
        .routes(routes!(submit_entry))
        .routes(routes!(pin_entry))
        .routes(routes!(key_event_entry))
        .routes(routes!(retract_entry))
        .routes(routes!(entry_revisions))
        .routes(routes!(me));
    let r = crate::maps::api_routes(crate::tokens::api_routes(r));
    crate::quotes::api::routes(crate::newsroom_api::routes(r)).split_for_parts()
}

/// ETag and conditional GET for API reads: a strong tag from the body's hash.
pub async fn etag_layer(req: Request, next: Next) -> Response {
    let is_get = req.method() == Method::GET;
    let inm = req.headers().get(header::IF_NONE_MATCH).cloned();
    let personal = req.headers().contains_key(header::AUTHORIZATION) || req.headers().contains_key(header::COOKIE);
    let resp = next.run(req).await;
    if !is_get || resp.status() != StatusCode::OK {
        return resp;
    }
    let (mut parts, body) = resp.into_parts();
    let bytes = match axum::body::to_bytes(body, 64 * 1024 * 1024).await {
        Ok(b) => b,
        Err(e) => {
            return ApiError::internal(format!("buffering API response: {e}")).into_response();
        }
    };
    let digest = Sha256::digest(&bytes);
    let tag = format!(
        "\"{}\"",
        digest[..12].iter().map(|b| format!("{b:02x}")).collect::<String>()
    );
    let tag = HeaderValue::from_str(&tag).unwrap_or_else(|_| HeaderValue::from_static("\"0\""));
    // What an anonymous caller gets is what everyone gets (the visibility rules): a CDN may keep it for two
    // seconds and serve it stale for ten more while it asks again, so pollers of `events?after=` and the
    // lists mostly never reach an instance. A caller with a token or session gets their own view, never
    // stored by a shared cache.
    parts.headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(if personal {
            "private, no-cache"
        } else {
            "public, max-age=2, stale-while-revalidate=10"
        }),
    );
    parts
        .headers
        .insert(header::VARY, HeaderValue::from_static("Authorization, Cookie"));
    if inm.as_ref().and_then(|v| v.to_str().ok()).is_some_and(|v| {
        v.split(',')
            .any(|t| t.trim() == tag.to_str().unwrap_or("") || t.trim() == "*")
    }) {
        let mut r = StatusCode::NOT_MODIFIED.into_response();
        r.headers_mut().insert(header::ETAG, tag);
        r.headers_mut()
            .insert(header::CACHE_CONTROL, parts.headers[header::CACHE_CONTROL].clone());
        return r;
    }
    parts.headers.insert(header::ETAG, tag);
    Response::from_parts(parts, axum::body::Body::from(bytes))
}
