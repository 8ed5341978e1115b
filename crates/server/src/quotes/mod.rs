//! The quote tracker's reader pages: every published quote of a briefing (filtered by speaker, topic and
//! dates, paged, without JavaScript) and a page per speaker, with its Atom feed ([`feed`]), the JSON API
//! ([`api`]) and the desk page where editors merge, split and rename speakers ([`desk`]).
//!
//! Pages are rendered per request (speaker edits do not bump the briefing version the render cache keys on)
//! and may be cached by browsers for a few seconds. Only quotes of published entries are shown, and of a
//! speaker only the spellings those quotes used.

pub mod api;
pub mod desk;
pub mod feed;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use livebrief_model::reading::QuoteKind;
use livebrief_model::{Briefing, Date, Speaker, SpeakerId, TrackedQuote, TrackedQuoteId};
use livebrief_store::{QuoteCursor, QuoteQuery};
use serde::{Deserialize, Serialize};

use crate::error::ApiError;
use crate::pages::{error_page, html_response};
use crate::state::AppState;
use crate::views::{BriefingView, human_date};

/// How long browsers may keep a quote page.
const CACHE_CONTROL: &str = "public, max-age=5";

pub fn encode_cursor(c: QuoteCursor) -> String {
    format!("{}.{}", c.day, c.id.0)
}

pub fn parse_cursor(s: &str) -> Result<QuoteCursor, ApiError> {
    let bad = || ApiError::bad_request(format!("cursor {s:?} is not valid"));
    let (day, id) = s.split_once('.').ok_or_else(bad)?;
    Ok(QuoteCursor {
        day: day.parse().map_err(|_| bad())?,
        id: TrackedQuoteId(id.parse().map_err(|_| bad())?),
    })
}

fn parse_day(what: &str, s: &str) -> Result<Date, ApiError> {
    s.parse()
        .map_err(|_| ApiError::bad_request(format!("{what} {s:?} is not a date (YYYY-MM-DD)")))
}

/// The filters as typed in the page's form (empty fields are no filter).
#[derive(Deserialize, Default, Clone)]
pub struct FilterParams {
    speaker: Option<String>,
    topic: Option<String>,
    from: Option<String>,
    to: Option<String>,
    before: Option<String>,
}

fn given(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

impl FilterParams {
    /// The query these filters ask for (`limit` quotes of `b`).
    fn query(&self, b: &Briefing, limit: usize) -> Result<QuoteQuery, ApiError> {
        let speaker = given(&self.speaker)
            .map(|s| {
                s.parse()
                    .map(SpeakerId)
                    .map_err(|_| ApiError::bad_request(format!("speaker {s:?} is not a speaker id")))
            })
            .transpose()?;
        let q = QuoteQuery {
            speaker,
            topic: given(&self.topic).map(str::to_string),
            from: given(&self.from).map(|d| parse_day("from", d)).transpose()?,
            to: given(&self.to).map(|d| parse_day("to", d)).transpose()?,
            before: given(&self.before).map(parse_cursor).transpose()?,
            ..QuoteQuery::new(b.id, limit)
        };
        if let (Some(f), Some(t)) = (q.from, q.to)
            && f > t
        {
            return Err(ApiError::bad_request("from is after to"));
        }
        Ok(q)
    }

    /// The filters again as a query string, without the cursor.
    fn keep(&self) -> String {
        let mut s = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in [
            ("speaker", &self.speaker),
            ("topic", &self.topic),
            ("from", &self.from),
            ("to", &self.to),
        ] {
            if let Some(v) = given(v) {
                s.append_pair(k, v);
            }
        }
        s.finish()
    }
}

use crate::newsroom::web_url as link;

pub fn kind_label(k: QuoteKind) -> &'static str {
    match k {
        QuoteKind::Direct => "Direct quote",
        QuoteKind::Indirect => "Reported speech",
        QuoteKind::Mixed => "Partly quoted",
    }
}

#[derive(Serialize, Clone)]
pub struct QuoteView {
    pub id: i64,
    pub speaker_id: i64,
    pub speaker_name: String,
    pub speaker_url: String,
    pub kind: &'static str,
    pub kind_label: &'static str,
    pub text: String,
    /// YYYY-MM-DD: the day said, else reported.
    pub day: String,
    pub day_human: String,
    /// Whether the report gives the day it was said.
    pub said_known: bool,
    pub outlet: String,
    pub url: Option<String>,
    pub entry_url: String,
    pub topics: Vec<String>,
}

impl QuoteView {
    pub fn of(q: &TrackedQuote, b: &Briefing) -> QuoteView {
        QuoteView {
            id: q.id.0,
            speaker_id: q.speaker_id.0,
            speaker_name: q.speaker_name.clone(),
            speaker_url: format!("/b/{}/quotes/{}", b.slug, q.speaker_id.0),
            kind: q.kind.as_str(),
            kind_label: kind_label(q.kind),
            text: q.text.clone(),
            day: q.day().to_string(),
            day_human: human_date(q.day()),
            said_known: q.said_on.is_some(),
            outlet: q.outlet.clone(),
            url: link(q.url.as_deref()),
            entry_url: format!("/b/{}/e/{}", b.slug, q.entry_id.0),
            topics: q.topics.clone(),
        }
    }
}

#[derive(Serialize, Clone)]
pub struct SpeakerView {
    pub id: i64,
    pub name: String,
    pub url: String,
    /// The spellings published quotes used, besides the display name.
    pub aliases: Vec<String>,
    pub quote_count: u64,
}

/// The spellings readers may see: those of published quotes, other than the display name.
pub fn public_aliases(s: &Speaker) -> Vec<String> {
    s.aliases
        .iter()
        .filter(|a| a.quote_count > 0 && a.spelling != s.name)
        .map(|a| a.spelling.clone())
        .collect()
}

impl SpeakerView {
    pub fn of(s: &Speaker, b: &Briefing) -> SpeakerView {
        SpeakerView {
            id: s.id.0,
            name: s.name.clone(),
            url: format!("/b/{}/quotes/{}", b.slug, s.id.0),
            aliases: public_aliases(s),
            quote_count: s.quote_count,
        }
    }
}

fn page_response(html: String) -> Response {
    let mut r = html_response(html);
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static(CACHE_CONTROL));
    r
}

fn briefing_of(state: &AppState, slug: &str) -> Result<Briefing, ApiError> {
    state
        .app
        .briefing(slug)
        .map(|(b, _)| b)
        .ok_or_else(|| ApiError::not_found("briefing"))
}

/// Next and first-page links of a quote list at `base` with the filters `keep`.
fn pager(base: &str, keep: &str, next: Option<QuoteCursor>, first_page: bool) -> (Option<String>, Option<String>) {
    let next_url = next.map(|c| {
        let mut s = url::form_urlencoded::Serializer::new(keep.to_string());
        s.append_pair("before", &encode_cursor(c));
        format!("{base}?{}", s.finish())
    });
    let first_url = (!first_page).then(|| {
        if keep.is_empty() {
            base.to_string()
        } else {
            format!("{base}?{keep}")
        }
    });
    (next_url, first_url)
}

/// `/b/{slug}/quotes`: every published quote, newest first, with the filter form.
pub async fn quotes_page(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Query(p): Query<FilterParams>,
) -> Response {
    let result = async {
        let b = briefing_of(&state, &slug)?;
        let q = p.query(&b, state.config.page_size)?;
        let page = state.app.quotes(&q).await?;
        let speakers = state.app.briefing_speakers(b.id).await?;
        let topics: Vec<String> = state
            .app
            .store()
            .topics(b.id)
            .await?
            .into_iter()
            .map(|(t, _)| t)
            .collect();
        let base = format!("/b/{}/quotes", b.slug);
        let keep = p.keep();
        let (next_url, first_url) = pager(&base, &keep, page.next, q.before.is_none());
        let chosen = q.speaker.and_then(|id| speakers.iter().find(|s| s.id == id));
        state.views.render(
            "quotes.html",
            minijinja::context! {
                b => BriefingView::of(&b),
                quotes => page.items.iter().map(|x| QuoteView::of(x, &b)).collect::<Vec<_>>(),
                speakers => speakers.iter().map(|s| SpeakerView::of(s, &b)).collect::<Vec<_>>(),
                speaker => q.speaker.map(|s| s.0),
                speaker_name => chosen.map(|s| s.name.clone()),
                topics => topics,
                topic => q.topic,
                from => q.from.map(|d| d.to_string()),
                to => q.to.map(|d| d.to_string()),
                filtered => !keep.is_empty(),
                next_url => next_url,
                first_url => first_url,
            },
        )
    }
    .await;
    match result {
        Ok(html) => page_response(html),
        Err(e) => error_page(&state, e),
    }
}

/// A speaker with published quotes (merged ones answer `Err(Ok(into))`: their page moved).
pub(crate) async fn public_speaker(state: &AppState, id: i64) -> Result<Result<Speaker, SpeakerId>, ApiError> {
    let s = match state.app.speaker(SpeakerId(id)).await {
        Ok(s) => s,
        Err(livebrief_app::AppError::NotFound(_)) => return Err(ApiError::not_found("speaker")),
        Err(e) => return Err(e.into()),
    };
    if let Some(into) = s.merged_into {
        return Ok(Err(into));
    }
    if s.quote_count == 0 {
        // Known only from entries readers cannot see.
        return Err(ApiError::not_found("speaker"));
    }
    Ok(Ok(s))
}

/// `/b/{slug}/quotes/{id}`: one speaker's published quotes in the briefing.
pub async fn speaker_page(
    State(state): State<AppState>,
    Path((slug, id)): Path<(String, i64)>,
    Query(p): Query<FilterParams>,
) -> Response {
    let result = async {
        let b = briefing_of(&state, &slug)?;
        let s = match public_speaker(&state, id).await? {
            Ok(s) => s,
            Err(into) => return Ok(Err(format!("/b/{}/quotes/{}", b.slug, into.0))),
        };
        let only = FilterParams {
            speaker: Some(s.id.0.to_string()),
            before: p.before.clone(),
            ..FilterParams::default()
        };
        let q = only.query(&b, state.config.page_size)?;
        let page = state.app.quotes(&q).await?;
        let in_briefing = state
            .app
            .briefing_speakers(b.id)
            .await?
            .into_iter()
            .find(|x| x.id == s.id)
            .ok_or_else(|| ApiError::not_found("speaker"))?;
        let base = format!("/b/{}/quotes/{}", b.slug, s.id.0);
        let (next_url, first_url) = pager(&base, "", page.next, q.before.is_none());
        let mut view = SpeakerView::of(&s, &b);
        view.quote_count = in_briefing.quote_count;
        state
            .views
            .render(
                "speaker.html",
                minijinja::context! {
                    b => BriefingView::of(&b),
                    s => view,
                    quotes => page.items.iter().map(|x| QuoteView::of(x, &b)).collect::<Vec<_>>(),
                    feed_url => format!("{base}/feed.atom"),
                    next_url => next_url,
                    first_url => first_url,
                },
            )
            .map(Ok)
    }
    .await;
    match result {
        Ok(Ok(html)) => page_response(html),
        Ok(Err(moved)) => Redirect::permanent(&moved).into_response(),
        Err(e) => error_page(&state, e),
    }
}
