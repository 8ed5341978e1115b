//! The desk pages of the newsroom loop: the inbox of developments, one development with its reports and
//! decisions, the sources a briefing watches with their jobs, and the desk's live stream.
//!
//! Plain HTML forms that work without JavaScript; `static/inbox.js` adds keyboard shortcuts and live rows.
//! Everything a source or a report brings (titles, outlets, errors, quotes) is outside text: templates escape
//! it, and the quote highlighting is built here as segments of text, never as HTML strings.

// Handlers return `Result<Response, Response>`: the error arm is the finished error page.
#![allow(clippy::result_large_err)]

pub(crate) mod development;
pub(crate) mod events;
pub(crate) mod inbox;
pub(crate) mod sources;

use axum::response::Response;
use livebrief_model::{Briefing, DevStatus, Development, JobState, source::Health};
use livebrief_store::{DevOrder, DevQuery};
use serde::Serialize;

use crate::desk::render;
use crate::error::ApiError;
use crate::state::AppState;
use crate::views::{TimeView, human_date};

/// Developments per inbox page.
pub(crate) const PAGE: usize = 25;
/// Open developments are counted up to this many on summaries ("100+" beyond).
const COUNT_CAP: usize = 100;

/// A development as an inbox row shows it.
#[derive(Serialize, Clone)]
pub(crate) struct DevRowView {
    pub id: i64,
    pub version: i64,
    pub status: &'static str,
    pub headline: String,
    pub body: String,
    pub edited: bool,
    pub happened_on: String,
    pub happened_on_human: String,
    pub outlet_count: u32,
    pub report_count: u32,
    pub first_report: TimeView,
    pub last_report: TimeView,
    pub places: Vec<String>,
    pub speakers: Vec<String>,
    pub topics: Vec<String>,
    pub outlets: Vec<String>,
    pub since_publish: u32,
    pub entry_id: Option<i64>,
    pub dismissed: Option<String>,
    pub merged_into: Option<i64>,
    pub url: String,
    /// The language of its reports when they share one (for `lang` on the row: screen readers switch voice).
    pub lang: Option<String>,
}

impl DevRowView {
    pub fn of(d: &Development) -> DevRowView {
        let (headline, body) = d.text();
        let day = d.draft.happened_on.unwrap_or(d.earliest_published);
        let first = |v: &[String], n: usize| v.iter().take(n).cloned().collect::<Vec<_>>();
        DevRowView {
            id: d.id.0,
            version: d.version,
            status: d.status.as_str(),
            headline: headline.to_string(),
            body: body.to_string(),
            edited: d.edited.is_some(),
            happened_on: day.to_string(),
            happened_on_human: human_date(day),
            outlet_count: d.outlet_count,
            report_count: d.report_count,
            first_report: TimeView::of(d.first_report_at),
            last_report: TimeView::of(d.last_report_at),
            places: first(&d.facets.places, 6),
            speakers: first(&d.facets.speakers, 6),
            topics: first(&d.facets.topics, 4),
            outlets: d.facets.outlets.clone(),
            since_publish: d.reports_since_publish,
            entry_id: d.entry_id.map(|e| e.0),
            dismissed: d.dismissed.clone(),
            merged_into: d.merged_into.map(|m| m.0),
            url: format!("/desk/d/{}", d.id.0),
            lang: match d.facets.languages.as_slice() {
                [one] if is_lang_tag(one) => Some(one.clone()),
                _ => None,
            },
        }
    }
}

/// A plausible BCP 47 tag ("en", "uk", "pt-BR"): only such a value goes into a `lang` attribute.
pub(crate) fn is_lang_tag(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 35
        && s != "und"
        && s.split('-')
            .all(|p| !p.is_empty() && p.len() <= 8 && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// Only http(s) addresses become links; anything else is shown as text.
pub(crate) fn web_url(u: Option<&str>) -> Option<String> {
    let u = u?.trim();
    let lower = u.get(..8).unwrap_or(u).to_ascii_lowercase();
    (lower.starts_with("http://") || lower.starts_with("https://")).then(|| u.to_string())
}

/// The fields of a form body, repeated names kept (axum's `Form` cannot read `report=1&report=2`).
pub(crate) struct Fields(Vec<(String, String)>);

impl Fields {
    pub fn parse(body: &[u8]) -> Fields {
        Fields(
            url::form_urlencoded::parse(body)
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        )
    }
    /// The first value of `name`, or "".
    pub fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    }
    pub fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.0.iter().filter(move |(k, _)| k == name).map(|(_, v)| v.as_str())
    }
    /// An optional integer field: empty is `None`, anything else must parse.
    pub fn int(&self, name: &str) -> Result<Option<i64>, ApiError> {
        let v = self.get(name).trim().trim_start_matches('#');
        if v.is_empty() {
            return Ok(None);
        }
        v.parse()
            .map(Some)
            .map_err(|_| ApiError::new("validation_failed", format!("{name}: “{v}” is not a number")))
    }
}

/// A page that explains a refused action, with the way back.
pub(crate) fn problem_page(state: &AppState, e: ApiError, back: &str) -> Response {
    let status = e.status();
    let title = match e.code {
        "conflict" => "Changed since you opened it",
        "forbidden" | "csrf_failed" => "Not allowed",
        "not_found" => "Not found",
        "validation_failed" | "bad_request" => "That did not work",
        _ => "Something went wrong",
    };
    render(
        state,
        status,
        "error.html",
        minijinja::context! {
            title => title,
            message => e.message,
            back => back,
            back_label => if e.code == "conflict" { "Reload and look again" } else { "Go back" },
        },
    )
}

/// What the desk home and a briefing's desk page show of the newsroom loop.
#[derive(Serialize)]
pub(crate) struct NewsroomSummary {
    pub open: String,
    pub sources: usize,
    /// "12 healthy · 1 failing", in a fixed order.
    pub health: Vec<(String, usize)>,
    pub parked: u64,
    pub inbox_url: String,
    pub sources_url: String,
}

pub(crate) fn health_icon(h: Health) -> &'static str {
    match h {
        Health::New => "◌",
        Health::Healthy => "✓",
        Health::Failing => "!",
        Health::Down => "✕",
        Health::Disabled => "–",
    }
}

pub(crate) const HEALTH_ORDER: [Health; 5] = [
    Health::Healthy,
    Health::New,
    Health::Failing,
    Health::Down,
    Health::Disabled,
];

pub(crate) async fn summary(state: &AppState, b: &Briefing) -> Result<NewsroomSummary, ApiError> {
    let open = state
        .app
        .developments(&DevQuery {
            briefing_id: b.id,
            statuses: vec![DevStatus::Open],
            filters: vec![],
            order: DevOrder::Recent,
            offset: 0,
            limit: COUNT_CAP + 1,
        })
        .await?
        .len();
    let sources = state.ingest.sources(Some(&b.slug)).await?;
    let health = HEALTH_ORDER
        .iter()
        .map(|h| {
            (
                h.as_str().to_string(),
                sources.iter().filter(|s| s.health() == *h).count(),
            )
        })
        .filter(|(_, n)| *n > 0)
        .collect();
    let parked = state
        .app
        .store()
        .job_counts(Some(b.id))
        .await?
        .into_iter()
        .find(|(s, _)| *s == JobState::Parked)
        .map_or(0, |(_, n)| n);
    Ok(NewsroomSummary {
        open: if open > COUNT_CAP {
            format!("{COUNT_CAP}+")
        } else {
            open.to_string()
        },
        sources: sources.len(),
        health,
        parked,
        inbox_url: format!("/desk/b/{}/inbox", b.slug),
        sources_url: format!("/desk/b/{}/sources", b.slug),
    })
}

/// A summary, or nothing (logged) when the store cannot say: a summary never breaks the page it is on.
pub(crate) async fn summary_or_none(state: &AppState, b: &Briefing) -> Option<NewsroomSummary> {
    match summary(state, b).await {
        Ok(s) => Some(s),
        Err(e) => {
            tracing::warn!(briefing = %b.slug, error = %e.message, "newsroom summary unavailable");
            None
        }
    }
}

/// `status` of a page's query: the inbox's tabs.
pub(crate) fn parse_status(s: Option<&str>) -> Result<DevStatus, ApiError> {
    match s.map(str::trim) {
        None | Some("") | Some("open") => Ok(DevStatus::Open),
        Some("published") => Ok(DevStatus::Published),
        Some("dismissed") => Ok(DevStatus::Dismissed),
        Some(o) => Err(ApiError::bad_request(format!(
            "status {o:?}: use open, published or dismissed"
        ))),
    }
}

/// What an action did, carried through the redirect (PRG) as small query parameters: a code and ids.
#[derive(Default, Clone, Copy)]
pub(crate) struct Done<'a> {
    pub code: Option<&'a str>,
    pub dev: Option<i64>,
    pub entry: Option<i64>,
    pub from: Option<i64>,
    pub report: Option<i64>,
    pub to: Option<i64>,
}

impl Done<'_> {
    /// The query string that carries it (`done=merged&dev=3&from=7`).
    pub fn query(&self) -> String {
        let mut s = url::form_urlencoded::Serializer::new(String::new());
        if let Some(c) = self.code {
            s.append_pair("done", c);
        }
        for (k, v) in [
            ("dev", self.dev),
            ("entry", self.entry),
            ("from", self.from),
            ("report", self.report),
            ("to", self.to),
        ] {
            if let Some(v) = v {
                s.append_pair(k, &v.to_string());
            }
        }
        s.finish()
    }

    /// The notice a page shows for it.
    pub fn notice(&self) -> Option<String> {
        let n = |v: Option<i64>| v.map_or_else(String::new, |v| format!(" #{v}"));
        let (dev, entry) = (n(self.dev), n(self.entry));
        Some(match self.code? {
            "approved" => format!("Development{dev} approved and published as entry{entry}."),
            "sent" => format!("Development{dev} sent for review as entry{entry}; an editor publishes it."),
            "saved" => format!("Your text of development{dev} is saved."),
            "updated" => format!("Entry{entry} of development{dev} now cites every report."),
            "dismissed" => format!("Development{dev} dismissed."),
            "reopened" => format!("Development{dev} is open again."),
            "merged" => format!("Development{} merged into development{dev}.", n(self.from)),
            "split" => format!(
                "Reports of development{} split off into development{dev}.",
                n(self.from)
            ),
            "moved" => format!("Report{} moved to development{}.", n(self.report), n(self.to)),
            "added" => "Source added; its first poll is due now.".into(),
            "source_saved" => "Source saved.".into(),
            "enabled" => "Source enabled; it is polled on its schedule.".into(),
            "disabled" => "Source disabled; it is not polled until enabled again.".into(),
            "deleted" => "Source removed. Its reports stay.".into(),
            "retried" => "The job is queued again.".into(),
            _ => return None,
        })
    }
}

/// The `done` parameters of a page's query.
#[derive(serde::Deserialize, Default)]
pub(crate) struct DoneQuery {
    pub done: Option<String>,
    pub dev: Option<String>,
    pub entry: Option<String>,
    pub from: Option<String>,
    pub report: Option<String>,
    pub to: Option<String>,
}

impl DoneQuery {
    pub fn done(&self) -> Done<'_> {
        let int = |v: &Option<String>| v.as_deref().and_then(|s| s.parse().ok());
        Done {
            code: self.done.as_deref(),
            dev: int(&self.dev),
            entry: int(&self.entry),
            from: int(&self.from),
            report: int(&self.report),
            to: int(&self.to),
        }
    }
}

/// Where an action goes back to: the form's `next` when it is a desk path, else `fallback`; with the
/// `done` parameters added.
pub(crate) fn after_action(next: &str, fallback: &str, done: Done<'_>) -> Response {
    // Visible ASCII only (a browser sends the address percent-encoded): a header value must not break.
    let plain = next.bytes().all(|b| (0x21..=0x7e).contains(&b) && b != b'\\');
    let base = if plain && next.starts_with("/desk/") && crate::desk::safe_next(Some(next)) == next {
        next
    } else {
        fallback
    };
    let (path, fragment) = match base.split_once('#') {
        Some((p, f)) => (p, Some(f)),
        None => (base, None),
    };
    // Drop the notice of an earlier action from the address before adding this one's.
    let (path, old) = match path.split_once('?') {
        Some((p, q)) => (p, q),
        None => (path, ""),
    };
    let kept: Vec<(String, String)> = url::form_urlencoded::parse(old.as_bytes())
        .filter(|(k, _)| !matches!(k.as_ref(), "done" | "dev" | "entry" | "from" | "report" | "to"))
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let mut q = url::form_urlencoded::Serializer::new(String::new());
    q.extend_pairs(kept);
    let mut query = q.finish();
    let extra = done.query();
    if !extra.is_empty() {
        if !query.is_empty() {
            query.push('&');
        }
        query.push_str(&extra);
    }
    let mut to = path.to_string();
    if !query.is_empty() {
        to.push('?');
        to.push_str(&query);
    }
    if let Some(f) = fragment {
        to.push('#');
        to.push_str(f);
    }
    axum::response::IntoResponse::into_response(axum::response::Redirect::to(&to))
}
