//! The sources a briefing watches: their health and poll state, adding (the address is checked against the
//! fetcher's guard before anything is sent), editing, disabling, removing, OPML in and out, and the jobs that
//! are parked for the desk to retry.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use livebrief_app::{AppError, ImportReport, SourceInput};
use livebrief_model::{Briefing, Job, JobId, JobState, Source, SourceDraft, SourceId, SourceKind};
use serde::Serialize;

use super::{Done, DoneQuery, Fields, HEALTH_ORDER, after_action, health_icon, problem_page, web_url};
use crate::auth::{DeskViewer, Viewer};
use crate::desk::{PageResult, briefing_of, check_csrf, csrf_for, fail, render};
use crate::error::ApiError;
use crate::state::AppState;
use crate::views::{BriefingView, TimeView};

/// "every 5 min", "every 30 s", "every 2 h".
fn every(secs: u32) -> String {
    match secs {
        s if s % 3600 == 0 => format!("every {} h", s / 3600),
        s if s % 60 == 0 => format!("every {} min", s / 60),
        s => format!("every {s} s"),
    }
}

#[derive(Serialize)]
struct SourceView {
    id: i64,
    title: String,
    kind: &'static str,
    url: String,
    link: Option<String>,
    language: String,
    trust_note: String,
    interval: String,
    interval_secs: u32,
    enabled: bool,
    health: &'static str,
    health_label: String,
    health_icon: &'static str,
    last_success: Option<TimeView>,
    last_polled: Option<TimeView>,
    last_error: Option<String>,
    last_error_at: Option<TimeView>,
    failures: u32,
    items_seen: u64,
    next_poll: TimeView,
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

impl SourceView {
    fn of(s: &Source) -> SourceView {
        let h = s.health();
        SourceView {
            id: s.id.0,
            title: s.title.clone(),
            kind: s.kind.as_str(),
            url: s.url.clone(),
            link: web_url(Some(&s.url)),
            language: s.language.clone().unwrap_or_default(),
            trust_note: s.trust_note.clone(),
            interval: every(s.poll_interval_secs),
            interval_secs: s.poll_interval_secs,
            enabled: s.enabled,
            health: h.as_str(),
            health_label: capitalised(h.as_str()),
            health_icon: health_icon(h),
            last_success: s.poll.last_success_at.map(TimeView::of),
            last_polled: s.poll.last_polled_at.map(TimeView::of),
            last_error: s.poll.last_error.clone(),
            last_error_at: s.poll.last_error_at.map(TimeView::of),
            failures: s.poll.consecutive_failures,
            items_seen: s.poll.items_seen,
            next_poll: TimeView::of(s.poll.next_poll_at),
        }
    }
}

#[derive(Serialize)]
struct JobView {
    id: i64,
    url: String,
    link: Option<String>,
    title: String,
    outlet: String,
    error: String,
    attempts: u32,
    updated: TimeView,
    created: TimeView,
}

impl JobView {
    fn of(j: &Job) -> JobView {
        JobView {
            id: j.id.0,
            url: j.item.url.clone(),
            link: web_url(Some(&j.item.url)),
            title: j.item.title.clone(),
            outlet: j.item.outlet.clone(),
            error: j.last_error.clone().unwrap_or_default(),
            attempts: j.attempts,
            updated: TimeView::of(j.updated_at),
            created: TimeView::of(j.created_at),
        }
    }
}

/// The add form as typed.
#[derive(Serialize, Default)]
struct SourceForm {
    url: String,
    kind: String,
    title: String,
    language: String,
    trust_note: String,
    poll_interval_secs: String,
}

impl SourceForm {
    fn of(f: &Fields) -> SourceForm {
        SourceForm {
            url: f.get("url").trim().to_string(),
            kind: f.get("kind").trim().to_string(),
            title: f.get("title").trim().to_string(),
            language: f.get("language").trim().to_string(),
            trust_note: f.get("trust_note").trim().to_string(),
            poll_interval_secs: f.get("poll_interval_secs").trim().to_string(),
        }
    }

    fn kind(&self) -> Result<Option<SourceKind>, ApiError> {
        match self.kind.as_str() {
            "" | "auto" => Ok(None),
            k => SourceKind::parse(k)
                .map(Some)
                .ok_or_else(|| ApiError::new("validation_failed", format!("kind “{k}”: use feed or page"))),
        }
    }

    fn interval(&self) -> Result<Option<u32>, ApiError> {
        let v = self.poll_interval_secs.as_str();
        if v.is_empty() {
            return Ok(None);
        }
        v.parse().map(Some).map_err(|_| {
            ApiError::new(
                "validation_failed",
                format!("poll interval “{v}” is not a number of seconds"),
            )
        })
    }
}

#[derive(Serialize)]
struct ImportView {
    added: Vec<String>,
    skipped: Vec<(String, String)>,
}

impl ImportView {
    fn of(r: &ImportReport) -> ImportView {
        ImportView {
            added: r.added.iter().map(|s| s.title.clone()).collect(),
            skipped: r.skipped.clone(),
        }
    }
}

#[derive(Default)]
struct Extras {
    notice: Option<String>,
    error: Option<String>,
    status: Option<StatusCode>,
    form: SourceForm,
    opml: String,
    import: Option<ImportView>,
}

const JOB_STATES: [JobState; 4] = [JobState::Queued, JobState::Running, JobState::Done, JobState::Parked];

async fn page(state: &AppState, v: &Viewer, b: &Briefing, x: Extras) -> PageResult {
    let sources = state.ingest.sources(Some(&b.slug)).await.map_err(|e| fail(state, e))?;
    let parked = state
        .ingest
        .jobs(Some(b.id), Some(JobState::Parked), 50)
        .await
        .map_err(|e| fail(state, e))?;
    let counts = state
        .app
        .store()
        .job_counts(Some(b.id))
        .await
        .map_err(|e| fail(state, e))?;
    let job_counts: Vec<(&str, u64)> = JOB_STATES
        .iter()
        .map(|s| (s.as_str(), counts.iter().find(|(c, _)| c == s).map_or(0, |(_, n)| *n)))
        .collect();
    let health: Vec<(String, &str, usize)> = HEALTH_ORDER
        .iter()
        .map(|h| {
            (
                h.as_str().to_string(),
                health_icon(*h),
                sources.iter().filter(|s| s.health() == *h).count(),
            )
        })
        .filter(|(_, _, n)| *n > 0)
        .collect();
    let mut form = x.form;
    if form.poll_interval_secs.is_empty() {
        form.poll_interval_secs = livebrief_model::source::DEFAULT_POLL_SECS.to_string();
    }
    Ok(render(
        state,
        x.status.unwrap_or(StatusCode::OK),
        "desk_sources.html",
        minijinja::context! {
            b => BriefingView::of(b),
            csrf => csrf_for(state, v),
            can_publish => v.user.role.can_publish(),
            sources => sources.iter().map(SourceView::of).collect::<Vec<_>>(),
            health => health,
            parked => parked.iter().map(JobView::of).collect::<Vec<_>>(),
            job_counts => job_counts,
            form => form,
            opml => x.opml,
            import => x.import,
            notice => x.notice,
            error => x.error,
            min_interval => livebrief_model::source::MIN_POLL_SECS,
            max_interval => livebrief_model::source::MAX_POLL_SECS,
        },
    ))
}

pub async fn show(
    State(state): State<AppState>,
    DeskViewer(v): DeskViewer,
    Path(slug): Path<String>,
    Query(q): Query<DoneQuery>,
) -> PageResult {
    let b = briefing_of(&state, &slug)?;
    let extras = Extras {
        notice: q.done().notice(),
        ..Extras::default()
    };
    page(&state, &v, &b, extras).await
}

/// Errors a form can fix (a refused address, a bad value, a duplicate, a role) come back on the page.
fn on_page(e: AppError) -> Result<ApiError, AppError> {
    match e {
        AppError::Invalid(_) | AppError::Conflict(_) | AppError::Forbidden(_) => Ok(e.into()),
        other => Err(other),
    }
}

/// `POST /desk/b/{slug}/sources`: add a source.
pub async fn add(
    State(state): State<AppState>,
    DeskViewer(v): DeskViewer,
    Path(slug): Path<String>,
    body: Bytes,
) -> PageResult {
    let f = Fields::parse(&body);
    check_csrf(&state, &v, f.get("csrf"))?;
    let b = briefing_of(&state, &slug)?;
    let form = SourceForm::of(&f);
    let input = (|| {
        Ok::<_, ApiError>(SourceInput {
            url: form.url.clone(),
            kind: form.kind()?,
            title: form.title.clone(),
            language: Some(form.language.clone()).filter(|l| !l.is_empty()),
            trust_note: form.trust_note.clone(),
            poll_interval_secs: form.interval()?,
            enabled: true,
        })
    })();
    let outcome = match input {
        Ok(input) => state
            .ingest
            .add_source(&v.user.actor(), &slug, input)
            .await
            .map_err(on_page),
        Err(e) => Err(Ok(e)),
    };
    match outcome {
        Ok(_) => Ok(after_action("", &format!("/desk/b/{slug}/sources"), done("added"))),
        Err(Ok(e)) => {
            let extras = Extras {
                status: Some(e.status()),
                error: Some(e.message),
                form,
                ..Extras::default()
            };
            page(&state, &v, &b, extras).await
        }
        Err(Err(e)) => Err(fail(&state, e)),
    }
}

fn done(code: &str) -> Done<'_> {
    Done {
        code: Some(code),
        ..Done::default()
    }
}

/// `POST /desk/b/{slug}/sources/import`: add every outline of a pasted (or file-read) OPML list.
pub async fn import(
    State(state): State<AppState>,
    DeskViewer(v): DeskViewer,
    Path(slug): Path<String>,
    body: Bytes,
) -> PageResult {
    let f = Fields::parse(&body);
    check_csrf(&state, &v, f.get("csrf"))?;
    let b = briefing_of(&state, &slug)?;
    let opml = f.get("opml");
    if opml.trim().is_empty() {
        let extras = Extras {
            status: Some(StatusCode::UNPROCESSABLE_ENTITY),
            error: Some("Paste an OPML subscription list (or choose its file) to import.".into()),
            ..Extras::default()
        };
        return page(&state, &v, &b, extras).await;
    }
    match state.ingest.import_opml(&v.user.actor(), &slug, opml.as_bytes()).await {
        Ok(r) => {
            let extras = Extras {
                notice: Some(format!(
                    "Imported {} source{}; {} skipped.",
                    r.added.len(),
                    if r.added.len() == 1 { "" } else { "s" },
                    r.skipped.len()
                )),
                import: Some(ImportView::of(&r)),
                ..Extras::default()
            };
            page(&state, &v, &b, extras).await
        }
        Err(e) => match on_page(e) {
            Ok(e) => {
                let extras = Extras {
                    status: Some(e.status()),
                    error: Some(e.message),
                    opml: opml.to_string(),
                    ..Extras::default()
                };
                page(&state, &v, &b, extras).await
            }
            Err(e) => Err(fail(&state, e)),
        },
    }
}

/// `GET /desk/b/{slug}/sources.opml`: the briefing's sources as an OPML download.
pub async fn export(State(state): State<AppState>, DeskViewer(_v): DeskViewer, Path(slug): Path<String>) -> PageResult {
    let b = briefing_of(&state, &slug)?;
    let opml = state
        .ingest
        .export_opml(Some(&b.slug))
        .await
        .map_err(|e| fail(&state, e))?;
    // Slugs are lowercase letters, digits and hyphens: safe in a header.
    let disposition = HeaderValue::from_str(&format!("attachment; filename=\"{}-sources.opml\"", b.slug))
        .map_err(|e| fail(&state, ApiError::internal(e)))?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/x-opml; charset=utf-8"),
            ),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        opml,
    )
        .into_response())
}

async fn source_and_briefing(state: &AppState, id: i64) -> Result<(Source, Briefing), Response> {
    let s = state
        .app
        .store()
        .source(SourceId(id))
        .await
        .map_err(|e| fail(state, e))?
        .ok_or_else(|| fail(state, ApiError::not_found("source")))?;
    let b = state
        .app
        .briefing_by_id(s.briefing_id)
        .ok_or_else(|| fail(state, ApiError::not_found("briefing")))?;
    Ok((s, b))
}

/// `POST /desk/sources/{id}/{action}`: edit, enable, disable or delete a source (editors).
pub async fn act(
    State(state): State<AppState>,
    DeskViewer(v): DeskViewer,
    Path((id, action)): Path<(i64, String)>,
    body: Bytes,
) -> PageResult {
    let f = Fields::parse(&body);
    check_csrf(&state, &v, f.get("csrf"))?;
    let (s, b) = source_and_briefing(&state, id).await?;
    let back = format!("/desk/b/{}/sources", b.slug);
    let actor = v.user.actor();
    let result = match action.as_str() {
        "enable" | "disable" => {
            let draft = SourceDraft {
                enabled: action == "enable",
                ..s.draft()
            };
            state.ingest.update_source(&actor, s.id, draft).await.map(|_| ())
        }
        "delete" => state.ingest.delete_source(&actor, s.id).await,
        "edit" => {
            // Empty keeps the interval; anything else must be a number of seconds (the model checks its range).
            let interval = match f.int("poll_interval_secs") {
                Ok(i) => i.map_or(Ok(s.poll_interval_secs), u32::try_from).ok(),
                Err(_) => None,
            };
            match interval {
                Some(poll_interval_secs) => {
                    let draft = SourceDraft {
                        briefing_id: s.briefing_id,
                        kind: SourceKind::parse(f.get("kind").trim()).unwrap_or(s.kind),
                        url: f.get("url").trim().to_string(),
                        title: f.get("title").trim().to_string(),
                        language: Some(f.get("language").trim().to_string()).filter(|l| !l.is_empty()),
                        trust_note: f.get("trust_note").trim().to_string(),
                        poll_interval_secs,
                        enabled: f.get("enabled") == "1",
                    };
                    state.ingest.update_source(&actor, s.id, draft).await.map(|_| ())
                }
                None => Err(AppError::Invalid("the poll interval is a number of seconds".into())),
            }
        }
        _ => return Err(fail(&state, ApiError::not_found("action"))),
    };
    match result {
        Ok(()) => {
            let code = match action.as_str() {
                "enable" => "enabled",
                "disable" => "disabled",
                "delete" => "deleted",
                _ => "source_saved",
            };
            Ok(after_action("", &back, done(code)))
        }
        Err(e) => match on_page(e) {
            Ok(e) => {
                let extras = Extras {
                    status: Some(e.status()),
                    error: Some(format!("{}: {}", s.title, e.message)),
                    ..Extras::default()
                };
                page(&state, &v, &b, extras).await
            }
            Err(e) => Err(fail(&state, e)),
        },
    }
}

/// `POST /desk/jobs/{id}/retry`: a parked job back in the queue (editors).
pub async fn retry_job(
    State(state): State<AppState>,
    DeskViewer(v): DeskViewer,
    Path(id): Path<i64>,
    body: Bytes,
) -> PageResult {
    let f = Fields::parse(&body);
    check_csrf(&state, &v, f.get("csrf"))?;
    let job = state
        .app
        .store()
        .job(JobId(id))
        .await
        .map_err(|e| fail(&state, e))?
        .ok_or_else(|| fail(&state, ApiError::not_found("job")))?;
    let b = state
        .app
        .briefing_by_id(job.item.briefing_id)
        .ok_or_else(|| fail(&state, ApiError::not_found("briefing")))?;
    let back = format!("/desk/b/{}/sources#jobs", b.slug);
    match state.ingest.retry_job(&v.user.actor(), job.id).await {
        Ok(_) => Ok(after_action("", &back, done("retried"))),
        Err(e @ (AppError::Forbidden(_) | AppError::Conflict(_) | AppError::Invalid(_) | AppError::NotFound(_))) => {
            Err(problem_page(&state, e.into(), &back))
        }
        Err(e) => Err(fail(&state, e)),
    }
}
