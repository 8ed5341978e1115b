//! The desk: sign-in and the editor pages. Plain HTML forms (they work without JavaScript); every
//! state-changing form carries a CSRF token bound to the session.

// Handlers return `Result<Response, Response>`: the error arm is the finished error page. Its size is
// that of any response, and it is built only on the error path.
#![allow(clippy::result_large_err)]

use axum::Form;
use axum::extract::{Path, Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use livebrief_app::{Command, Credentials, EditInput, EntryInput};
use livebrief_model::{
    BodyFormat, Briefing, BriefingDraft, Citation, Date, Entry, EntryDraft, EntryId, Role, Status, Visibility,
};
use livebrief_store::{EntryQuery, Order};
use serde::{Deserialize, Serialize};

use crate::auth::{DeskViewer, PRE_SESSION_COOKIE, SESSION_COOKIE, Viewer, cookie, set_cookie};
use crate::error::ApiError;
use crate::pages::{encode_cursor, error_page, html_response, parse_cursor};
use crate::peer;
use crate::signin::{MAX_NAME_BYTES, log_name};
use crate::state::AppState;
use crate::views::{BriefingView, EntryView, RevisionView};

/// Desk handlers answer with a page either way: the error arm is the error page, built where it happens.
pub(crate) type PageResult = Result<Response, Response>;

pub(crate) fn fail(state: &AppState, e: impl Into<ApiError>) -> Response {
    error_page(state, e.into())
}

pub(crate) fn check_csrf(state: &AppState, v: &Viewer, token: &str) -> Result<(), Response> {
    state
        .csrf
        .verify(token, &v.csrf_binding(), state.app.now())
        .map_err(|e| fail(state, e))
}

pub(crate) fn csrf_for(state: &AppState, v: &Viewer) -> String {
    state.csrf.issue(&v.csrf_binding(), state.app.now())
}

pub(crate) fn render(state: &AppState, status: StatusCode, name: &str, ctx: minijinja::Value) -> Response {
    match state.views.render(name, ctx) {
        Ok(html) => {
            let mut r = html_response(html);
            *r.status_mut() = status;
            r.headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            r
        }
        Err(e) => fail(state, e),
    }
}

/// Where to go after signing in: a path on this site, else the desk. Never off-site, and never a value
/// that cannot be a `Location` header (that failed with a 500 after the session cookie was made).
pub(crate) fn safe_next(next: Option<&str>) -> &str {
    match next {
        // Raw: ASCII only (a `Location` header); decoded too, so that `/%2F/evil` or `/%09/evil` cannot
        // become `//evil` in a browser or a proxy that decodes.
        Some(n) if n.is_ascii() && is_local_path(n) && is_local_path(&percent_decoded(n)) => n,
        _ => "/desk",
    }
}

/// One `/`, not followed by `/` or `\`, and no control character, whitespace or `\` anywhere: browsers
/// drop tabs and newlines from URLs and read `\` as `/`, so `/\t/evil.example` and `/\evil` would be
/// `//evil.example`, another site.
fn is_local_path(n: &str) -> bool {
    n.starts_with('/')
        && !n.starts_with("//")
        && !n.starts_with("/\\")
        && !n.chars().any(|c| c.is_control() || c.is_whitespace() || c == '\\')
}

/// `n` with its `%XX` escapes decoded, repeatedly (a few rounds) so that `%252F` is seen as `/` too;
/// bytes that are not UTF-8 become U+FFFD.
fn percent_decoded(n: &str) -> String {
    let mut s = n.to_string();
    for _ in 0..3 {
        let decoded = percent_decode_once(&s);
        if decoded == s {
            break;
        }
        s = decoded;
    }
    s
}

fn percent_decode_once(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        match (
            b[i],
            b.get(i + 1).copied().and_then(hex),
            b.get(i + 2).copied().and_then(hex),
        ) {
            (b'%', Some(h), Some(l)) => {
                out.push((h * 16 + l) as u8);
                i += 3;
            }
            (c, ..) => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

pub async fn login_form(State(state): State<AppState>, Query(q): Query<NextQuery>, headers: HeaderMap) -> Response {
    login_page(&state, &headers, StatusCode::OK, None, "", q.next.as_deref())
}

fn login_page(
    state: &AppState,
    headers: &HeaderMap,
    status: StatusCode,
    error: Option<&str>,
    name: &str,
    next: Option<&str>,
) -> Response {
    let (pre, fresh) = match cookie(headers, PRE_SESSION_COOKIE).filter(|c| c.len() >= 16 && c.len() <= 128) {
        Some(c) => (c.to_string(), false),
        None => {
            let mut b = [0u8; 24];
            rand::RngCore::fill_bytes(&mut rand::rng(), &mut b);
            (b.iter().map(|x| format!("{x:02x}")).collect::<String>(), true)
        }
    };
    let csrf = state
        .csrf
        .issue_for(crate::auth::Purpose::Login, pre.as_bytes(), state.app.now());
    let mut r = render(
        state,
        status,
        "login.html",
        minijinja::context! { csrf => csrf, error => error, name => name, next => safe_next(next) },
    );
    let cookie = set_cookie(PRE_SESSION_COOKIE, &pre, 24 * 3600, state.config.cookie_secure);
    if fresh && let Ok(v) = HeaderValue::from_str(&cookie) {
        r.headers_mut().append(header::SET_COOKIE, v);
    }
    r
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    password: String,
    next: Option<String>,
}

pub async fn login(State(state): State<AppState>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let client = peer::client_key(peer::client_of(&parts, &state.config.trusted_proxies));
    let headers = parts.headers.clone();
    let req = Request::from_parts(parts, body);
    let f: LoginForm = match <Form<LoginForm> as axum::extract::FromRequest<AppState>>::from_request(req, &state).await
    {
        Ok(Form(f)) => f,
        Err(e) => return fail(&state, ApiError::bad_request(e.body_text())),
    };
    // The token must be the login form's, bound to the pre-session cookie this browser got with the form:
    // without the cookie (a cross-site form, or a token taken from any other page) there is nothing to
    // bind to, and the sign-in is refused.
    let pre = cookie(&headers, PRE_SESSION_COOKIE)
        .filter(|c| (16..=128).contains(&c.len()))
        .unwrap_or("");
    if let Err(e) = state
        .csrf
        .verify_for(crate::auth::Purpose::Login, &f.csrf, pre.as_bytes(), state.app.now())
    {
        return fail(&state, e);
    }
    if f.name.len() > MAX_NAME_BYTES {
        // No account has such a name: refused before the limiter, the store and the hash, and never
        // echoed or logged (a 900 KB name was all three).
        tracing::warn!(name_bytes = f.name.len(), client = %client, "sign-in with an overlong name");
        let msg = "A user name is at most 64 characters.";
        return login_page(
            &state,
            &headers,
            StatusCode::BAD_REQUEST,
            Some(msg),
            "",
            f.next.as_deref(),
        );
    }
    // Counted before the password check, so parallel attempts cannot all pass the limit.
    let attempt = match state.limiter.reserve(&client, &f.name, state.app.now()).await {
        Ok(Ok(a)) => a,
        Ok(Err(wait)) => return fail(&state, rate_limited(wait)),
        Err(e) => return fail(&state, livebrief_app::AppError::from(e)),
    };
    match state
        .app
        .login(Credentials {
            name: &f.name,
            password: &f.password,
        })
        .await
    {
        Ok(t) => {
            attempt.succeeded().await;
            tracing::info!(user = %t.user.name, client = %client, "signed in");
            let mut r = Redirect::to(safe_next(f.next.as_deref())).into_response();
            let max_age = livebrief_app_session_secs();
            if let Ok(v) = HeaderValue::from_str(&set_cookie(
                SESSION_COOKIE,
                &t.token,
                max_age,
                state.config.cookie_secure,
            )) {
                r.headers_mut().append(header::SET_COOKIE, v);
            }
            r
        }
        Err(livebrief_app::AppError::BadCredentials) => {
            attempt.failed();
            state.metrics.login_failures.inc();
            tracing::warn!(user = %log_name(&f.name), client = %client, "failed sign-in");
            login_page(
                &state,
                &headers,
                StatusCode::UNAUTHORIZED,
                Some("Wrong user name or password."),
                &f.name,
                f.next.as_deref(),
            )
        }
        // Busy or a store failure: no verdict, so the attempt is forgiven when `attempt` drops.
        Err(e) => fail(&state, e),
    }
}

fn rate_limited(wait: u64) -> ApiError {
    let mut e = ApiError::new(
        "rate_limited",
        format!(
            "Too many failed sign-in attempts. Try again in {} minutes.",
            wait.div_ceil(60)
        ),
    );
    e.retry_after = Some(wait);
    e
}

fn livebrief_app_session_secs() -> i64 {
    14 * 24 * 3600
}

#[derive(Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

pub async fn logout(State(state): State<AppState>, DeskViewer(v): DeskViewer, Form(f): Form<CsrfForm>) -> PageResult {
    check_csrf(&state, &v, &f.csrf)?;
    if let crate::auth::Via::Session { token } = &v.via {
        state.app.logout(token).await.map_err(|e| fail(&state, e))?;
    }
    let mut r = Redirect::to("/").into_response();
    if let Ok(h) = HeaderValue::from_str(&set_cookie(SESSION_COOKIE, "", 0, state.config.cookie_secure)) {
        r.headers_mut().append(header::SET_COOKIE, h);
    }
    Ok(r)
}

#[derive(Serialize)]
struct UserView {
    name: String,
    role: &'static str,
}

#[derive(Serialize)]
struct HomeBriefing {
    #[serde(flatten)]
    b: BriefingView,
    newsroom: Option<crate::newsroom::NewsroomSummary>,
}

async fn home_page(state: &AppState, v: &Viewer, notice: Option<&str>, new_token: Option<&str>) -> Response {
    let mut briefings = Vec::new();
    for b in state.app.briefings() {
        briefings.push(HomeBriefing {
            b: BriefingView::of(&b),
            newsroom: crate::newsroom::summary_or_none(state, &b).await,
        });
    }
    render(
        state,
        StatusCode::OK,
        "desk_home.html",
        minijinja::context! {
            user => UserView { name: v.user.name.clone(), role: v.user.role.as_str() },
            csrf => csrf_for(state, v),
            briefings => briefings,
            can_publish => v.user.role.can_publish(),
            notice => notice,
            new_token => new_token,
        },
    )
}

pub async fn home(State(state): State<AppState>, DeskViewer(v): DeskViewer) -> Response {
    home_page(&state, &v, None, None).await
}

#[derive(Deserialize)]
pub struct NewBriefingForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    slug: String,
    #[serde(default)]
    summary: String,
    #[serde(default)]
    language: String,
}

pub async fn create_briefing(
    State(state): State<AppState>,
    DeskViewer(v): DeskViewer,
    Form(f): Form<NewBriefingForm>,
) -> PageResult {
    check_csrf(&state, &v, &f.csrf)?;
    let draft = BriefingDraft {
        slug: f.slug.trim().to_string(),
        title: f.title.trim().to_string(),
        summary: f.summary.trim().to_string(),
        language: f.language.trim().to_string(),
    };
    let b = state
        .app
        .create_briefing(&v.user.actor(), draft)
        .await
        .map_err(|e| fail(&state, e))?;
    Ok(Redirect::to(&format!("/desk/b/{}", b.slug)).into_response())
}

/// The compose / edit form's fields, as typed.
#[derive(Deserialize, Serialize, Default, Clone)]
pub struct EntryForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    headline: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    body_format: String,
    #[serde(default)]
    happened_on: String,
    #[serde(default)]
    topics: String,
    #[serde(default)]
    sources: String,
    #[serde(default)]
    pinned: Option<String>,
    #[serde(default)]
    key_event: Option<String>,
    #[serde(default)]
    correction_note: String,
    #[serde(default)]
    version: Option<i64>,
}

impl EntryForm {
    fn format(&self) -> BodyFormat {
        BodyFormat::parse(&self.body_format).unwrap_or(BodyFormat::Markdown)
    }
    fn date(&self) -> Result<Option<Date>, ApiError> {
        let d = self.happened_on.trim();
        if d.is_empty() {
            return Ok(None);
        }
        d.parse()
            .map(Some)
            .map_err(|_| ApiError::new("validation_failed", format!("“{d}” is not a date (YYYY-MM-DD)")))
    }
    fn topics(&self) -> Vec<String> {
        self.topics
            .split(',')
            .map(|t| t.trim().to_string())
            .filter(|t| !t.is_empty())
            .collect()
    }
    /// One source per line: `Outlet | URL | Title` (URL and title optional).
    fn sources(&self) -> Vec<Citation> {
        self.sources
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(|l| {
                let mut parts = l.splitn(3, '|').map(str::trim);
                Citation {
                    outlet: parts.next().unwrap_or_default().to_string(),
                    url: parts.next().unwrap_or_default().to_string(),
                    title: parts.next().unwrap_or_default().to_string(),
                    published_at: None,
                }
            })
            .collect()
    }
    fn of_entry(e: &Entry) -> EntryForm {
        EntryForm {
            headline: e.headline.clone(),
            body: e.body.source.clone(),
            body_format: e.body.format.as_str().into(),
            happened_on: e.happened_on.to_string(),
            topics: e.topics.join(", "),
            sources: e
                .sources
                .iter()
                .map(|s| {
                    [s.outlet.as_str(), s.url.as_str(), s.title.as_str()]
                        .join(" | ")
                        .trim_end_matches([' ', '|'])
                        .to_string()
                })
                .collect::<Vec<_>>()
                .join("\n"),
            pinned: e.pinned.then(|| "1".into()),
            key_event: e.key_event.then(|| "1".into()),
            version: Some(e.version),
            ..Default::default()
        }
    }
    /// A preview rendering of what the form would publish, validated like the real thing.
    fn preview(&self, state: &AppState, b: &Briefing, v: &Viewer) -> Result<EntryView, ApiError> {
        let draft = EntryDraft {
            headline: self.headline.clone(),
            body: livebrief_content::render(self.format(), &self.body),
            happened_on: self.date()?.unwrap_or_else(|| today(state)),
            topics: self.topics(),
            sources: self.sources(),
            pinned: self.pinned.is_some() && v.user.role.can_publish(),
            key_event: self.key_event.is_some() && v.user.role.can_publish(),
            status: Status::Published,
        };
        let mut actor = v.user.actor();
        actor.role = actor.role.max(Role::Editor); // preview as it would look once published
        let c = draft
            .into_entry(b.id, &actor, state.app.now())
            .map_err(livebrief_app::AppError::from)?;
        Ok(EntryView::of(&c.entry, b))
    }
}

fn today(state: &AppState) -> Date {
    state.app.now().to_zoned(jiff::tz::TimeZone::UTC).date()
}

#[derive(Deserialize)]
pub struct DeskListQuery {
    cursor: Option<String>,
    done: Option<String>,
}

fn notice_text(code: Option<&str>) -> Option<&'static str> {
    Some(match code? {
        "published" => "Published.",
        "draft" => "Saved as a draft.",
        "submitted" => "Submitted for review.",
        "approved" => "Approved and published.",
        "pinned" => "Pinned.",
        "unpinned" => "Unpinned.",
        "key" => "Marked as a key event.",
        "unkey" => "No longer a key event.",
        "retracted" => "Retracted; the note is public.",
        "saved" => "Saved.",
        _ => return None,
    })
}

/// What a compose or edit page shows besides the stored state: the form as typed, a preview or an error.
struct FormView {
    form: EntryForm,
    preview: Option<EntryView>,
    error: Option<String>,
    status: StatusCode,
}

impl FormView {
    fn new(form: EntryForm) -> Self {
        FormView {
            form,
            preview: None,
            error: None,
            status: StatusCode::OK,
        }
    }
    /// The form with its preview, or with the reason it cannot be previewed.
    fn previewed(form: EntryForm, state: &AppState, b: &Briefing, v: &Viewer) -> Self {
        match form.preview(state, b, v) {
            Ok(p) => FormView {
                preview: Some(p),
                ..FormView::new(form)
            },
            Err(e) => FormView::failed(form, e),
        }
    }
    fn failed(form: EntryForm, e: ApiError) -> Self {
        FormView {
            status: e.status(),
            error: Some(e.message),
            ..FormView::new(form)
        }
    }
}

async fn briefing_page(state: &AppState, v: &Viewer, b: &Briefing, fv: FormView, q: DeskListQuery) -> PageResult {
    let cursor = q
        .cursor
        .as_deref()
        .filter(|c| !c.is_empty())
        .map(parse_cursor)
        .transpose()
        .map_err(|e| fail(state, e))?;
    let actor = v.user.actor();
    // Contributors see their own drafts and pending entries, nobody else's (`Entry::visibility`).
    let private_of = (!actor.role.can_publish()).then_some(actor.id);
    let mut all = EntryQuery {
        statuses: vec![],
        private_of,
        ..EntryQuery::public(b.id, 50)
    };
    all.after = cursor;
    all.order = Order::NewestFirst;
    let page = state.app.list(&all).await.map_err(|e| fail(state, e))?;
    let mut pq = EntryQuery {
        statuses: vec![Status::Pending],
        private_of,
        ..EntryQuery::public(b.id, 100)
    };
    pq.order = Order::OldestFirst;
    let pending = state.app.list(&pq).await.map_err(|e| fail(state, e))?.items;
    let topics: Vec<String> = state
        .app
        .store()
        .topics(b.id)
        .await
        .map_err(|e| fail(state, e))?
        .into_iter()
        .map(|(t, _)| t)
        .collect();
    let newsroom = crate::newsroom::summary_or_none(state, b).await;
    let mut form = fv.form;
    if form.happened_on.is_empty() {
        form.happened_on = today(state).to_string();
    }
    if form.body_format.is_empty() {
        form.body_format = "markdown".into();
    }
    Ok(render(
        state,
        fv.status,
        "desk_briefing.html",
        minijinja::context! {
            b => BriefingView::of(b),
            csrf => csrf_for(state, v),
            form => form,
            preview => fv.preview,
            error => fv.error,
            notice => notice_text(q.done.as_deref()),
            can_publish => v.user.role.can_publish(),
            entries => page.items.iter().filter(|e| e.status != Status::Pending).map(|e| EntryView::for_viewer(e, b, &actor)).collect::<Vec<_>>(),
            pending => pending.iter().map(|e| EntryView::for_viewer(e, b, &actor)).collect::<Vec<_>>(),
            topics => topics,
            newsroom => newsroom,
            next_url => page.next.map(|c| format!("/desk/b/{}?cursor={}", b.slug, encode_cursor(c))),
        },
    ))
}

pub(crate) fn briefing_of(state: &AppState, slug: &str) -> Result<Briefing, Response> {
    state
        .app
        .briefing(slug)
        .map(|(b, _)| b)
        .ok_or_else(|| fail(state, ApiError::not_found("briefing")))
}

pub async fn briefing(
    State(state): State<AppState>,
    DeskViewer(v): DeskViewer,
    Path(slug): Path<String>,
    Query(q): Query<DeskListQuery>,
) -> PageResult {
    let b = briefing_of(&state, &slug)?;
    briefing_page(&state, &v, &b, FormView::new(EntryForm::default()), q).await
}

pub async fn create_entry(
    State(state): State<AppState>,
    DeskViewer(v): DeskViewer,
    Path(slug): Path<String>,
    Form(f): Form<EntryForm>,
) -> PageResult {
    check_csrf(&state, &v, &f.csrf)?;
    let b = briefing_of(&state, &slug)?;
    let no_query = || DeskListQuery {
        cursor: None,
        done: None,
    };
    if f.action == "preview" {
        return briefing_page(&state, &v, &b, FormView::previewed(f, &state, &b, &v), no_query()).await;
    }
    let (status, done) = match f.action.as_str() {
        "draft" => (Status::Draft, "draft"),
        "submit" => (Status::Pending, "submitted"),
        _ => (
            Status::Published,
            if v.user.role.can_publish() {
                "published"
            } else {
                "submitted"
            },
        ),
    };
    let happened_on = match f.date() {
        Ok(d) => d,
        Err(e) => return briefing_page(&state, &v, &b, FormView::failed(f, e), no_query()).await,
    };
    let input = EntryInput {
        headline: f.headline.clone(),
        body_format: f.format(),
        body: f.body.clone(),
        happened_on,
        topics: f.topics(),
        sources: f.sources(),
        pinned: f.pinned.is_some(),
        key_event: f.key_event.is_some(),
        status,
    };
    match state.app.create_entry(&v.user.actor(), &slug, input).await {
        Ok(_) => Ok(Redirect::to(&format!("/desk/b/{slug}?done={done}")).into_response()),
        Err(e @ (livebrief_app::AppError::Invalid(_) | livebrief_app::AppError::Forbidden(_))) => {
            briefing_page(&state, &v, &b, FormView::failed(f, e.into()), no_query()).await
        }
        Err(e) => Err(fail(&state, e)),
    }
}

/// An entry the viewer may see in full, for its edit and revision pages: one they may not see at all is not
/// found; one they see only as readers do (a contributor and someone else's published entry) is forbidden.
async fn entry_and_briefing(state: &AppState, v: &Viewer, id: i64) -> Result<(Entry, Briefing), Response> {
    let e = state.app.entry(EntryId(id)).await.map_err(|e| fail(state, e))?;
    match e.visibility(Some(&v.user.actor())) {
        Visibility::Full => {}
        Visibility::Hidden => return Err(fail(state, ApiError::not_found("entry"))),
        Visibility::Public => {
            return Err(fail(
                state,
                ApiError::new("forbidden", "contributors can open only their own entries on the desk"),
            ));
        }
    }
    let b = state
        .app
        .briefing_by_id(e.briefing_id)
        .ok_or_else(|| fail(state, ApiError::not_found("briefing")))?;
    Ok((e, b))
}

fn edit_page(state: &AppState, v: &Viewer, e: &Entry, b: &Briefing, fv: FormView) -> Response {
    render(
        state,
        fv.status,
        "desk_edit.html",
        minijinja::context! {
            b => BriefingView::of(b),
            e => EntryView::for_desk(e, b),
            csrf => csrf_for(state, v),
            form => fv.form,
            preview => fv.preview,
            error => fv.error,
        },
    )
}

pub async fn edit_form(State(state): State<AppState>, DeskViewer(v): DeskViewer, Path(id): Path<i64>) -> PageResult {
    let (e, b) = entry_and_briefing(&state, &v, id).await?;
    Ok(edit_page(&state, &v, &e, &b, FormView::new(EntryForm::of_entry(&e))))
}

pub async fn edit(
    State(state): State<AppState>,
    DeskViewer(v): DeskViewer,
    Path(id): Path<i64>,
    Form(f): Form<EntryForm>,
) -> PageResult {
    check_csrf(&state, &v, &f.csrf)?;
    let (e, b) = entry_and_briefing(&state, &v, id).await?;
    if f.action == "preview" {
        return Ok(edit_page(&state, &v, &e, &b, FormView::previewed(f, &state, &b, &v)));
    }
    let happened_on = match f.date() {
        Ok(d) => d,
        Err(err) => return Ok(edit_page(&state, &v, &e, &b, FormView::failed(f, err))),
    };
    let input = EditInput {
        headline: Some(f.headline.clone()),
        body: Some((f.format(), f.body.clone())),
        happened_on,
        topics: Some(f.topics()),
        sources: Some(f.sources()),
        correction_note: Some(f.correction_note.clone()).filter(|n| !n.trim().is_empty()),
    };
    match state
        .app
        .change_entry(&v.user.actor(), e.id, Command::Edit(input), f.version)
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/desk/b/{}?done=saved", b.slug)).into_response()),
        Err(
            err @ (livebrief_app::AppError::Invalid(_)
            | livebrief_app::AppError::Conflict(_)
            | livebrief_app::AppError::Forbidden(_)),
        ) => Ok(edit_page(&state, &v, &e, &b, FormView::failed(f, err.into()))),
        Err(err) => Err(fail(&state, err)),
    }
}

#[derive(Deserialize)]
pub struct ActionForm {
    #[serde(default)]
    csrf: String,
    version: Option<i64>,
    #[serde(default)]
    note: String,
}

pub async fn action(
    State(state): State<AppState>,
    DeskViewer(v): DeskViewer,
    Path((id, action)): Path<(i64, String)>,
    Form(f): Form<ActionForm>,
) -> PageResult {
    check_csrf(&state, &v, &f.csrf)?;
    let (cmd, done) = match action.as_str() {
        "publish" => (Command::Publish, "published"),
        "approve" => (Command::Approve, "approved"),
        "submit" => (Command::Submit, "submitted"),
        "pin" => (Command::Pin(true), "pinned"),
        "unpin" => (Command::Pin(false), "unpinned"),
        "key" => (Command::KeyEvent(true), "key"),
        "unkey" => (Command::KeyEvent(false), "unkey"),
        "retract" => (Command::Retract { note: f.note.clone() }, "retracted"),
        _ => return Err(fail(&state, ApiError::not_found("action"))),
    };
    let e = state
        .app
        .change_entry(&v.user.actor(), EntryId(id), cmd, f.version)
        .await
        .map_err(|e| fail(&state, e))?;
    let slug = state
        .app
        .briefing_by_id(e.briefing_id)
        .map(|b| b.slug)
        .unwrap_or_default();
    Ok(Redirect::to(&format!("/desk/b/{slug}?done={done}")).into_response())
}

pub async fn revisions(State(state): State<AppState>, DeskViewer(v): DeskViewer, Path(id): Path<i64>) -> PageResult {
    let (e, b) = entry_and_briefing(&state, &v, id).await?;
    let revs = state.app.revisions(e.id).await.map_err(|e| fail(&state, e))?;
    Ok(render(
        &state,
        StatusCode::OK,
        "desk_revisions.html",
        minijinja::context! {
            b => BriefingView::of(&b),
            e => EntryView::for_desk(&e, &b),
            revisions => revs.iter().map(RevisionView::of).collect::<Vec<_>>(),
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn next_is_a_path_on_this_site_or_the_desk() {
        let hostile = [
            "/\t/evil.example/phish",
            "/\n/evil.example",
            "/desk\r\nSet-Cookie: x=1",
            "/desk\nx",
            "/\\evil.example",
            "/desk\\..\\x",
            "//evil.example",
            "///evil.example",
            "/%2F/evil.example",
            "/%2f/evil.example",
            "/%5C/evil.example",
            "/%09/evil.example",
            "/%0a/evil.example",
            "/%252F/evil.example",
            "/desk%00",
            "/ /evil.example",
            "/desk\u{7f}",
            "/d\u{e9}sk",
            "https://evil.example/",
            "javascript:alert(1)",
            "evil.example",
            "",
        ];
        for n in hostile {
            assert_eq!(safe_next(Some(n)), "/desk", "{n:?}");
        }
        assert_eq!(safe_next(None), "/desk");
        for ok in [
            "/desk",
            "/desk/b/war?cursor=abc%3D",
            "/desk/e/12/edit",
            "/desk/b/war/inbox?next=%2Fdesk",
            "/caf%C3%A9",
        ] {
            assert_eq!(safe_next(Some(ok)), ok, "{ok:?}");
        }
    }
}
