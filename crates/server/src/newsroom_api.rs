//! The newsroom loop in the JSON API: developments and desk decisions, sources, and the ingest jobs. For
//! signed-in desk members and API tokens; what editors alone may do is decided by the app.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use livebrief_app::{DevelopmentView, SourceInput};
use livebrief_model::{
    DeskAction, DeskRecord, DevStatus, Development, DevelopmentId, Job, JobId, JobState, Membership, Report, ReportId,
    Source, SourceDraft, SourceId, SourceKind,
};
use livebrief_store::{DevOrder, DevQuery, FacetKind};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::api::{ApiJson, ErrorBody};
use crate::auth::ApiViewer;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::views::rfc3339;

#[derive(Serialize, ToSchema)]
pub struct PieceDto {
    report: i64,
    /// `title` or `text`: which part of the report.
    field: &'static str,
    /// Half-open code-point offsets into the report's field.
    span: [usize; 2],
    text: String,
}

#[derive(Serialize, ToSchema)]
pub struct FacetsDto {
    topics: Vec<String>,
    places: Vec<String>,
    speakers: Vec<String>,
    outlets: Vec<String>,
    languages: Vec<String>,
}

#[derive(Serialize, ToSchema)]
pub struct DevelopmentDto {
    id: i64,
    briefing: String,
    /// open, published, dismissed or merged.
    status: &'static str,
    /// Send it back with a decision to detect changes made meanwhile.
    version: i64,
    /// What the desk shows and publishes: the editor's text when edited, else the machine draft.
    headline: String,
    body: String,
    happened_on: Option<String>,
    /// The machine draft, refreshed as reports arrive, with the report span of every claim.
    draft: DraftDto,
    edited_by: Option<String>,
    report_count: u32,
    /// Distinct outlets: the development's corroboration.
    outlet_count: u32,
    first_report_at: String,
    last_report_at: String,
    earliest_published: String,
    entry: Option<i64>,
    dismissed: Option<String>,
    merged_into: Option<i64>,
    reports_since_publish: u32,
    facets: FacetsDto,
}

#[derive(Serialize, ToSchema)]
pub struct DraftDto {
    headline: String,
    body: String,
    pieces: Vec<PieceDto>,
}

impl DevelopmentDto {
    fn of(state: &AppState, d: &Development) -> Self {
        let (headline, body) = d.text();
        DevelopmentDto {
            id: d.id.0,
            briefing: state
                .app
                .briefing_by_id(d.briefing_id)
                .map(|b| b.slug)
                .unwrap_or_default(),
            status: d.status.as_str(),
            version: d.version,
            headline: headline.to_string(),
            body: body.to_string(),
            happened_on: d.draft.happened_on.map(|x| x.to_string()),
            draft: DraftDto {
                headline: d.draft.headline.clone(),
                body: d.draft.body.clone(),
                pieces: d
                    .draft
                    .pieces
                    .iter()
                    .map(|p| PieceDto {
                        report: p.report_id.0,
                        field: p.field.as_str(),
                        span: [p.span.0, p.span.1],
                        text: p.text.clone(),
                    })
                    .collect(),
            },
            edited_by: d.edited.as_ref().map(|e| e.by.clone()),
            report_count: d.report_count,
            outlet_count: d.outlet_count,
            first_report_at: rfc3339(d.first_report_at),
            last_report_at: rfc3339(d.last_report_at),
            earliest_published: d.earliest_published.to_string(),
            entry: d.entry_id.map(|e| e.0),
            dismissed: d.dismissed.clone(),
            merged_into: d.merged_into.map(|m| m.0),
            reports_since_publish: d.reports_since_publish,
            facets: FacetsDto {
                topics: d.facets.topics.clone(),
                places: d.facets.places.clone(),
                speakers: d.facets.speakers.clone(),
                outlets: d.facets.outlets.clone(),
                languages: d.facets.languages.clone(),
            },
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct MemberDto {
    report: i64,
    title: String,
    outlet: String,
    url: Option<String>,
    published: String,
    received_at: String,
    language: String,
    quote_count: usize,
    /// The report it is a near-copy of (the same wire story on another site).
    near_duplicate_of: Option<i64>,
    /// How strongly it matched the development when it joined.
    score: f32,
}

impl MemberDto {
    fn of(m: &Membership, r: &Report) -> Self {
        MemberDto {
            report: r.id.0,
            title: r.title.clone(),
            outlet: livebrief_app::draft::outlet_of(r),
            url: r.url.clone(),
            published: r.published.to_string(),
            received_at: rfc3339(r.received_at),
            language: r.language.clone(),
            quote_count: r.reading.quotes.len(),
            near_duplicate_of: m.near_duplicate_of.map(|x| x.0),
            score: m.score,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct RecordDto {
    action: String,
    actor: String,
    at: String,
    detail: String,
}

impl RecordDto {
    fn of(r: &DeskRecord) -> Self {
        RecordDto {
            action: r.action.clone(),
            actor: r.actor_name.clone(),
            at: rfc3339(r.at),
            detail: r.detail.clone(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct DevelopmentDetailDto {
    development: DevelopmentDto,
    /// Earliest publication first; each report's text and reading are at `/api/v1/reports/{id}`.
    reports: Vec<MemberDto>,
    /// Every desk decision, oldest first.
    record: Vec<RecordDto>,
}

impl DevelopmentDetailDto {
    fn of(state: &AppState, v: &DevelopmentView) -> Self {
        DevelopmentDetailDto {
            development: DevelopmentDto::of(state, &v.development),
            reports: v.reports.iter().map(|(m, r)| MemberDto::of(m, r)).collect(),
            record: v.records.iter().map(RecordDto::of).collect(),
        }
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DevelopmentParams {
    /// open (default), published, dismissed, merged or all.
    status: Option<String>,
    /// recent (default: latest report first) or corroborated (most outlets first).
    order: Option<String>,
    topic: Option<String>,
    place: Option<String>,
    speaker: Option<String>,
    outlet: Option<String>,
    language: Option<String>,
    offset: Option<usize>,
    /// 1 to 100, default 50.
    limit: Option<usize>,
}

#[utoipa::path(get, path = "/api/v1/briefings/{slug}/developments", tag = "newsroom", params(("slug" = String, Path), DevelopmentParams),
    responses((status = 200, body = Vec<DevelopmentDto>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
async fn list_developments(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    ApiViewer(_v): ApiViewer,
    Query(p): Query<DevelopmentParams>,
) -> ApiResult<Json<Vec<DevelopmentDto>>> {
    let (b, _) = state
        .app
        .briefing(&slug)
        .ok_or_else(|| ApiError::not_found("briefing"))?;
    let statuses = match p.status.as_deref().unwrap_or("open") {
        "all" => vec![],
        s => vec![DevStatus::parse(s).ok_or_else(|| {
            ApiError::bad_request(format!(
                "status {s:?}: expected open, published, dismissed, merged or all"
            ))
        })?],
    };
    let order = match p.order.as_deref().unwrap_or("recent") {
        "recent" => DevOrder::Recent,
        "corroborated" => DevOrder::Corroborated,
        o => {
            return Err(ApiError::bad_request(format!(
                "order {o:?}: expected recent or corroborated"
            )));
        }
    };
    let filters = [
        (FacetKind::Topic, p.topic),
        (FacetKind::Place, p.place),
        (FacetKind::Speaker, p.speaker),
        (FacetKind::Outlet, p.outlet),
        (FacetKind::Language, p.language),
    ]
    .into_iter()
    .filter_map(|(k, v)| v.filter(|v| !v.is_empty()).map(|v| (k, v)))
    .collect();
    let list = state
        .app
        .developments(&DevQuery {
            briefing_id: b.id,
            statuses,
            filters,
            order,
            offset: p.offset.unwrap_or(0).min(100_000),
            limit: p.limit.unwrap_or(50).clamp(1, 100),
        })
        .await?;
    Ok(Json(list.iter().map(|d| DevelopmentDto::of(&state, d)).collect()))
}

#[utoipa::path(get, path = "/api/v1/developments/{id}", tag = "newsroom", params(("id" = i64, Path)),
    responses((status = 200, body = DevelopmentDetailDto), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
async fn get_development(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    ApiViewer(_v): ApiViewer,
) -> ApiResult<Json<DevelopmentDetailDto>> {
    let v = state.app.development(DevelopmentId(id)).await?;
    Ok(Json(DevelopmentDetailDto::of(&state, &v)))
}

/// A desk decision.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionInput {
    /// approve, update_entry, edit, dismiss, reopen, merge, split or move_report.
    action: String,
    /// The development's version you decided on; a different one is a conflict.
    version: Option<i64>,
    /// edit: the new headline and body (Markdown).
    headline: Option<String>,
    body: Option<String>,
    /// dismiss: why.
    reason: Option<String>,
    /// merge: the development to merge into; move_report: the development to move the report to.
    into: Option<i64>,
    /// split: the reports to take out into a new development.
    reports: Option<Vec<i64>>,
    /// move_report: the report to move.
    report: Option<i64>,
}

fn need<T>(v: Option<T>, what: &str) -> ApiResult<T> {
    v.ok_or_else(|| ApiError::new("validation_failed", format!("this action needs {what}")))
}

#[utoipa::path(post, path = "/api/v1/developments/{id}/decisions", tag = "newsroom", params(("id" = i64, Path)), request_body = DecisionInput,
    responses((status = 200, description = "the development as it now is (for a merge the one it joined, for a split the new one)", body = DevelopmentDto),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
async fn decide(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    ApiViewer(v): ApiViewer,
    ApiJson(i): ApiJson<DecisionInput>,
) -> ApiResult<Json<DevelopmentDto>> {
    let action = match i.action.as_str() {
        "approve" => DeskAction::Approve,
        "update_entry" => DeskAction::UpdateEntry,
        "reopen" => DeskAction::Reopen,
        "edit" => DeskAction::Edit {
            headline: need(i.headline, "a headline")?,
            body: i.body.unwrap_or_default(),
        },
        "dismiss" => DeskAction::Dismiss {
            reason: need(i.reason, "a reason")?,
        },
        "merge" => DeskAction::MergeInto(DevelopmentId(need(i.into, "\"into\"")?)),
        "split" => DeskAction::Split(need(i.reports, "\"reports\"")?.into_iter().map(ReportId).collect()),
        "move_report" => DeskAction::MoveReport {
            report: ReportId(need(i.report, "\"report\"")?),
            to: DevelopmentId(need(i.into, "\"into\"")?),
        },
        other => {
            return Err(ApiError::new(
                "validation_failed",
                format!(
                    "unknown action {other:?}: approve, update_entry, edit, dismiss, reopen, merge, split or move_report"
                ),
            ));
        }
    };
    let d = state
        .app
        .desk_act(&v.user.actor(), DevelopmentId(id), i.version, action)
        .await?;
    Ok(Json(DevelopmentDto::of(&state, &d)))
}

#[derive(Serialize, ToSchema)]
pub struct PollStateDto {
    last_polled_at: Option<String>,
    last_success_at: Option<String>,
    last_error: Option<String>,
    last_error_at: Option<String>,
    consecutive_failures: u32,
    next_poll_at: String,
    items_seen: u64,
}

/// A feed or page the briefing watches.
#[derive(Serialize, ToSchema)]
pub struct WatchedSourceDto {
    id: i64,
    briefing: String,
    /// feed or page.
    kind: &'static str,
    url: String,
    title: String,
    language: Option<String>,
    trust_note: String,
    poll_interval_secs: u32,
    enabled: bool,
    /// new, healthy, failing, down or disabled.
    health: &'static str,
    poll: PollStateDto,
    created_at: String,
}

impl WatchedSourceDto {
    fn of(state: &AppState, s: &Source) -> Self {
        WatchedSourceDto {
            id: s.id.0,
            briefing: state
                .app
                .briefing_by_id(s.briefing_id)
                .map(|b| b.slug)
                .unwrap_or_default(),
            kind: s.kind.as_str(),
            url: s.url.clone(),
            title: s.title.clone(),
            language: s.language.clone(),
            trust_note: s.trust_note.clone(),
            poll_interval_secs: s.poll_interval_secs,
            enabled: s.enabled,
            health: s.health().as_str(),
            poll: PollStateDto {
                last_polled_at: s.poll.last_polled_at.map(rfc3339),
                last_success_at: s.poll.last_success_at.map(rfc3339),
                last_error: s.poll.last_error.clone(),
                last_error_at: s.poll.last_error_at.map(rfc3339),
                consecutive_failures: s.poll.consecutive_failures,
                next_poll_at: rfc3339(s.poll.next_poll_at),
                items_seen: s.poll.items_seen,
            },
            created_at: rfc3339(s.created_at),
        }
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SourceCreate {
    url: String,
    /// feed or page; left out, the address is fetched once to find out (a page that names its feed gives the feed).
    kind: Option<String>,
    #[serde(default)]
    title: String,
    language: Option<String>,
    #[serde(default)]
    trust_note: String,
    /// Seconds between polls (1 to 86400, default 300).
    poll_interval_secs: Option<u32>,
    enabled: Option<bool>,
}

fn kind_of(k: Option<&str>) -> ApiResult<Option<SourceKind>> {
    k.map(|k| {
        SourceKind::parse(k)
            .ok_or_else(|| ApiError::new("validation_failed", format!("kind {k:?}: expected feed or page")))
    })
    .transpose()
}

#[utoipa::path(get, path = "/api/v1/briefings/{slug}/sources", tag = "newsroom", params(("slug" = String, Path)),
    responses((status = 200, body = Vec<WatchedSourceDto>), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
async fn list_sources(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    ApiViewer(_v): ApiViewer,
) -> ApiResult<Json<Vec<WatchedSourceDto>>> {
    let list = state.ingest.sources(Some(&slug)).await?;
    Ok(Json(list.iter().map(|s| WatchedSourceDto::of(&state, s)).collect()))
}

#[utoipa::path(post, path = "/api/v1/briefings/{slug}/sources", tag = "newsroom", params(("slug" = String, Path)), request_body = SourceCreate,
    responses((status = 201, body = WatchedSourceDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, description = "the briefing already watches the address", body = ErrorBody),
        (status = 422, description = "not a URL, a refused address (private, loopback, metadata, …) or not a feed or page", body = ErrorBody)),
    security(("bearer" = [])))]
async fn create_source(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    ApiViewer(v): ApiViewer,
    ApiJson(i): ApiJson<SourceCreate>,
) -> ApiResult<(StatusCode, Json<WatchedSourceDto>)> {
    let s = state
        .ingest
        .add_source(
            &v.user.actor(),
            &slug,
            SourceInput {
                url: i.url,
                kind: kind_of(i.kind.as_deref())?,
                title: i.title,
                language: i.language,
                trust_note: i.trust_note,
                poll_interval_secs: i.poll_interval_secs,
                enabled: i.enabled.unwrap_or(true),
            },
        )
        .await?;
    Ok((StatusCode::CREATED, Json(WatchedSourceDto::of(&state, &s))))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SourcePatch {
    url: Option<String>,
    kind: Option<String>,
    title: Option<String>,
    language: Option<String>,
    trust_note: Option<String>,
    poll_interval_secs: Option<u32>,
    enabled: Option<bool>,
}

async fn source_or_404(state: &AppState, id: i64) -> ApiResult<Source> {
    state
        .app
        .store()
        .source(SourceId(id))
        .await?
        .ok_or_else(|| ApiError::not_found("source"))
}

#[utoipa::path(patch, path = "/api/v1/sources/{id}", tag = "newsroom", params(("id" = i64, Path)), request_body = SourcePatch,
    responses((status = 200, body = WatchedSourceDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
async fn patch_source(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    ApiViewer(v): ApiViewer,
    ApiJson(p): ApiJson<SourcePatch>,
) -> ApiResult<Json<WatchedSourceDto>> {
    let old = source_or_404(&state, id).await?;
    let d = old.draft();
    let draft = SourceDraft {
        kind: kind_of(p.kind.as_deref())?.unwrap_or(d.kind),
        url: p.url.unwrap_or(d.url),
        title: p.title.unwrap_or(d.title),
        language: match p.language {
            Some(l) if l.trim().is_empty() => None,
            Some(l) => Some(l),
            None => d.language,
        },
        trust_note: p.trust_note.unwrap_or(d.trust_note),
        poll_interval_secs: p.poll_interval_secs.unwrap_or(d.poll_interval_secs),
        enabled: p.enabled.unwrap_or(d.enabled),
        briefing_id: d.briefing_id,
    };
    let s = state.ingest.update_source(&v.user.actor(), old.id, draft).await?;
    Ok(Json(WatchedSourceDto::of(&state, &s)))
}

#[utoipa::path(delete, path = "/api/v1/sources/{id}", tag = "newsroom", params(("id" = i64, Path)),
    responses((status = 204, description = "removed; its reports stay"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
async fn delete_source(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    ApiViewer(v): ApiViewer,
) -> ApiResult<StatusCode> {
    state.ingest.delete_source(&v.user.actor(), SourceId(id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OpmlInput {
    /// The OPML document.
    opml: String,
}

#[derive(Serialize, ToSchema)]
pub struct SkippedDto {
    outline: String,
    reason: String,
}

#[derive(Serialize, ToSchema)]
pub struct ImportDto {
    added: Vec<WatchedSourceDto>,
    skipped: Vec<SkippedDto>,
}

#[utoipa::path(post, path = "/api/v1/briefings/{slug}/sources/opml", tag = "newsroom", params(("slug" = String, Path)), request_body = OpmlInput,
    responses((status = 200, body = ImportDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
async fn import_opml(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    ApiViewer(v): ApiViewer,
    ApiJson(i): ApiJson<OpmlInput>,
) -> ApiResult<Json<ImportDto>> {
    let r = state
        .ingest
        .import_opml(&v.user.actor(), &slug, i.opml.as_bytes())
        .await?;
    Ok(Json(ImportDto {
        added: r.added.iter().map(|s| WatchedSourceDto::of(&state, s)).collect(),
        skipped: r
            .skipped
            .into_iter()
            .map(|(outline, reason)| SkippedDto { outline, reason })
            .collect(),
    }))
}

#[utoipa::path(get, path = "/api/v1/briefings/{slug}/sources/opml", tag = "newsroom", params(("slug" = String, Path)),
    responses((status = 200, description = "the sources as an OPML subscription list", content_type = "text/x-opml"), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
async fn export_opml(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    ApiViewer(_v): ApiViewer,
) -> ApiResult<Response> {
    let opml = state.ingest.export_opml(Some(&slug)).await?;
    let mut r = opml.into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/x-opml; charset=utf-8"),
    );
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{slug}-sources.opml\"")) {
        r.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(r)
}

#[derive(Serialize, ToSchema)]
pub struct JobDto {
    id: i64,
    url: String,
    title: String,
    outlet: String,
    source: Option<i64>,
    /// queued, running, done or parked.
    state: &'static str,
    attempts: u32,
    run_after: String,
    last_error: Option<String>,
    report: Option<i64>,
    created_at: String,
    updated_at: String,
}

impl JobDto {
    fn of(j: &Job) -> Self {
        JobDto {
            id: j.id.0,
            url: j.item.url.clone(),
            title: j.item.title.clone(),
            outlet: j.item.outlet.clone(),
            source: j.item.source_id.map(|s| s.0),
            state: j.state.as_str(),
            attempts: j.attempts,
            run_after: rfc3339(j.run_after),
            last_error: j.last_error.clone(),
            report: j.report_id.map(|r| r.0),
            created_at: rfc3339(j.created_at),
            updated_at: rfc3339(j.updated_at),
        }
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct JobParams {
    /// queued, running, done or parked; all when left out.
    state: Option<String>,
    /// 1 to 200, default 50.
    limit: Option<usize>,
}

#[utoipa::path(get, path = "/api/v1/briefings/{slug}/jobs", tag = "newsroom", params(("slug" = String, Path), JobParams),
    responses((status = 200, body = Vec<JobDto>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
async fn list_jobs(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    ApiViewer(_v): ApiViewer,
    Query(p): Query<JobParams>,
) -> ApiResult<Json<Vec<JobDto>>> {
    let (b, _) = state
        .app
        .briefing(&slug)
        .ok_or_else(|| ApiError::not_found("briefing"))?;
    let st = p
        .state
        .as_deref()
        .map(|s| {
            JobState::parse(s)
                .ok_or_else(|| ApiError::bad_request(format!("state {s:?}: expected queued, running, done or parked")))
        })
        .transpose()?;
    let jobs = state
        .ingest
        .jobs(Some(b.id), st, p.limit.unwrap_or(50).clamp(1, 200))
        .await?;
    Ok(Json(jobs.iter().map(JobDto::of).collect()))
}

#[utoipa::path(post, path = "/api/v1/jobs/{id}/retry", tag = "newsroom", params(("id" = i64, Path)),
    responses((status = 200, body = JobDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, description = "the job is not parked", body = ErrorBody)),
    security(("bearer" = [])))]
async fn retry_job(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    ApiViewer(v): ApiViewer,
) -> ApiResult<Json<JobDto>> {
    let j = state.ingest.retry_job(&v.user.actor(), JobId(id)).await?;
    Ok(Json(JobDto::of(&j)))
}

/// Adds the newsroom routes to the API router (one handler list for the routes and the OpenAPI document).
pub fn routes(r: OpenApiRouter<AppState>) -> OpenApiRouter<AppState> {
    r.routes(routes!(list_developments))
        .routes(routes!(get_development))
        .routes(routes!(decide))
        .routes(routes!(list_sources, create_source))
        .routes(routes!(patch_source, delete_source))
        .routes(routes!(import_opml, export_opml))
        .routes(routes!(list_jobs))
        .routes(routes!(retry_job))
}
