//! The inbox: a briefing's developments by recency or corroboration, filtered by facets, in status tabs,
//! with quick actions; and the one-row fragment the page's script fetches when a development changes.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use livebrief_model::{DevStatus, Development, DevelopmentId};
use livebrief_store::{DevOrder, DevQuery, FacetKind};
use serde::{Deserialize, Serialize};

use super::{DevRowView, DoneQuery, PAGE, parse_status};
use crate::auth::DeskViewer;
use crate::desk::{PageResult, briefing_of, csrf_for, fail, render};
use crate::error::ApiError;
use crate::state::AppState;
use crate::views::BriefingView;

#[derive(Deserialize, Default)]
pub struct InboxQuery {
    status: Option<String>,
    order: Option<String>,
    topic: Option<String>,
    place: Option<String>,
    speaker: Option<String>,
    outlet: Option<String>,
    /// `source` names the outlet too (the desk calls outlets sources in places).
    source: Option<String>,
    language: Option<String>,
    offset: Option<String>,
    /// Developments per page (1 to 100; [`PAGE`] by default).
    limit: Option<String>,
    #[serde(flatten)]
    done: DoneQuery,
}

/// What the inbox shows: a tab, an order, filters and a page.
struct View {
    status: DevStatus,
    order: DevOrder,
    filters: Vec<(FacetKind, String)>,
    offset: usize,
    limit: usize,
}

fn param(kind: FacetKind) -> &'static str {
    kind.as_str()
}

fn label(kind: FacetKind) -> &'static str {
    match kind {
        FacetKind::Topic => "Topic",
        FacetKind::Place => "Place",
        FacetKind::Speaker => "Speaker",
        FacetKind::Outlet => "Source (outlet)",
        FacetKind::Language => "Language",
    }
}

impl View {
    fn of(q: &InboxQuery) -> Result<View, ApiError> {
        let order = match q.order.as_deref().map(str::trim) {
            None | Some("") | Some("recent") => DevOrder::Recent,
            Some("corroborated") => DevOrder::Corroborated,
            Some(o) => {
                return Err(ApiError::bad_request(format!(
                    "order {o:?}: use recent or corroborated"
                )));
            }
        };
        let offset = match q.offset.as_deref().map(str::trim).filter(|o| !o.is_empty()) {
            None => 0,
            Some(o) => o
                .parse::<usize>()
                .ok()
                .filter(|o| *o <= 100_000)
                .ok_or_else(|| ApiError::bad_request(format!("offset {o:?} is not a number")))?,
        };
        let limit = match q.limit.as_deref().map(str::trim).filter(|l| !l.is_empty()) {
            None => PAGE,
            Some(l) => l
                .parse::<usize>()
                .ok()
                .filter(|l| (1..=100).contains(l))
                .ok_or_else(|| ApiError::bad_request(format!("limit {l:?}: a number from 1 to 100")))?,
        };
        let mut filters = Vec::new();
        for (kind, value) in [
            (FacetKind::Topic, &q.topic),
            (FacetKind::Place, &q.place),
            (FacetKind::Speaker, &q.speaker),
            (
                FacetKind::Outlet,
                if q.outlet.is_some() { &q.outlet } else { &q.source },
            ),
            (FacetKind::Language, &q.language),
        ] {
            if let Some(v) = value.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
                filters.push((kind, v.chars().take(200).collect()));
            }
        }
        Ok(View {
            status: parse_status(q.status.as_deref())?,
            order,
            filters,
            offset,
            limit,
        })
    }

    fn filter(&self, kind: FacetKind) -> Option<&str> {
        self.filters.iter().find(|(k, _)| *k == kind).map(|(_, v)| v.as_str())
    }

    /// The query string of this view with a different tab, order or page.
    fn query(&self, status: DevStatus, order: DevOrder, offset: usize) -> String {
        let mut s = url::form_urlencoded::Serializer::new(String::new());
        if status != DevStatus::Open {
            s.append_pair("status", status.as_str());
        }
        if order == DevOrder::Corroborated {
            s.append_pair("order", "corroborated");
        }
        for (k, v) in &self.filters {
            s.append_pair(param(*k), v);
        }
        if offset > 0 {
            s.append_pair("offset", &offset.to_string());
        }
        if self.limit != PAGE {
            s.append_pair("limit", &self.limit.to_string());
        }
        s.finish()
    }

    /// The tab and filters alone: what a row must match to belong on the page.
    fn row_query(&self) -> String {
        let mut s = url::form_urlencoded::Serializer::new(String::new());
        s.append_pair("status", self.status.as_str());
        for (k, v) in &self.filters {
            s.append_pair(param(*k), v);
        }
        s.finish()
    }

    /// Whether a development belongs on this view (its tab and every filter).
    fn matches(&self, d: &Development) -> bool {
        d.status == self.status
            && self.filters.iter().all(|(k, v)| {
                let values = match k {
                    FacetKind::Topic => &d.facets.topics,
                    FacetKind::Place => &d.facets.places,
                    FacetKind::Speaker => &d.facets.speakers,
                    FacetKind::Outlet => &d.facets.outlets,
                    FacetKind::Language => &d.facets.languages,
                };
                values.iter().any(|x| x == v)
            })
    }
}

fn url_with(base: &str, query: &str) -> String {
    if query.is_empty() {
        base.to_string()
    } else {
        format!("{base}?{query}")
    }
}

#[derive(Serialize)]
struct Tab {
    name: &'static str,
    label: &'static str,
    url: String,
    current: bool,
}

#[derive(Serialize)]
struct FacetSelect {
    name: &'static str,
    label: &'static str,
    selected: String,
    options: Vec<(String, u64)>,
}

pub async fn inbox(
    State(state): State<AppState>,
    DeskViewer(v): DeskViewer,
    Path(slug): Path<String>,
    Query(q): Query<InboxQuery>,
) -> PageResult {
    let b = briefing_of(&state, &slug)?;
    let view = View::of(&q).map_err(|e| fail(&state, e))?;
    let mut devs = state
        .app
        .developments(&DevQuery {
            briefing_id: b.id,
            statuses: vec![view.status],
            filters: view.filters.clone(),
            order: view.order,
            offset: view.offset,
            limit: view.limit + 1,
        })
        .await
        .map_err(|e| fail(&state, e))?;
    let more = devs.len() > view.limit;
    devs.truncate(view.limit);
    let mut facets = Vec::new();
    for kind in FacetKind::ALL {
        let mut options = state
            .app
            .store()
            .facet_values(b.id, kind, 50)
            .await
            .map_err(|e| fail(&state, e))?;
        let selected = view.filter(kind).unwrap_or_default().to_string();
        if !selected.is_empty() && !options.iter().any(|(o, _)| *o == selected) {
            options.insert(0, (selected.clone(), 0));
        }
        facets.push(FacetSelect {
            name: param(kind),
            label: label(kind),
            selected,
            options,
        });
    }
    let base = format!("/desk/b/{}/inbox", b.slug);
    let here = url_with(&base, &view.query(view.status, view.order, view.offset));
    let tabs: Vec<Tab> = [
        (DevStatus::Open, "Open"),
        (DevStatus::Published, "Published"),
        (DevStatus::Dismissed, "Dismissed"),
    ]
    .into_iter()
    .map(|(s, label)| Tab {
        name: s.as_str(),
        label,
        url: url_with(&base, &view.query(s, view.order, 0)),
        current: s == view.status,
    })
    .collect();
    let order_url = |o| url_with(&base, &view.query(view.status, o, 0));
    let done = q.done.done();
    Ok(render(
        &state,
        StatusCode::OK,
        "desk_inbox.html",
        minijinja::context! {
            b => BriefingView::of(&b),
            csrf => csrf_for(&state, &v),
            can_publish => v.user.role.can_publish(),
            rows => devs.iter().map(DevRowView::of).collect::<Vec<_>>(),
            tabs => tabs,
            status => view.status.as_str(),
            status_label => match view.status {
                DevStatus::Published => "Published",
                DevStatus::Dismissed => "Dismissed",
                _ => "Open",
            },
            order => if view.order == DevOrder::Corroborated { "corroborated" } else { "recent" },
            recent_url => order_url(DevOrder::Recent),
            corroborated_url => order_url(DevOrder::Corroborated),
            facets => facets,
            filtered => !view.filters.is_empty(),
            clear_url => url_with(&base, &{
                let mut s = url::form_urlencoded::Serializer::new(String::new());
                if view.status != DevStatus::Open { s.append_pair("status", view.status.as_str()); }
                s.finish()
            }),
            here => here,
            more_url => more.then(|| url_with(&base, &view.query(view.status, view.order, view.offset + view.limit))),
            first_url => (view.offset > 0).then(|| url_with(&base, &view.query(view.status, view.order, 0))),
            offset => view.offset,
            live => view.offset == 0,
            row_query => view.row_query(),
            stream => format!("/desk/b/{}/events", b.slug),
            notice => done.notice(),
            notice_dev => done.dev.map(|d| format!("/desk/d/{d}")),
        },
    ))
}

/// `GET /desk/d/{id}/row?status=…&topic=…`: the development's inbox row, or 204 when it does not belong on
/// the view the query describes (another tab, a filter it fails, merged away).
pub async fn row(
    State(state): State<AppState>,
    DeskViewer(v): DeskViewer,
    Path(id): Path<i64>,
    Query(q): Query<InboxQuery>,
) -> PageResult {
    let d = state
        .app
        .store()
        .development(DevelopmentId(id))
        .await
        .map_err(|e| fail(&state, e))?
        .ok_or_else(|| fail(&state, ApiError::not_found("development")))?;
    let view = View::of(&q).map_err(|e| fail(&state, e))?;
    if !view.matches(&d) {
        let mut r = StatusCode::NO_CONTENT.into_response();
        r.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        return Ok(r);
    }
    let slug = state
        .app
        .briefing_by_id(d.briefing_id)
        .map(|b| b.slug)
        .ok_or_else(|| fail(&state, ApiError::not_found("briefing")))?;
    let here = url_with(
        &format!("/desk/b/{slug}/inbox"),
        &view.query(view.status, view.order, 0),
    );
    Ok(fragment(&state, &v, &d, &here))
}

fn fragment(state: &AppState, v: &crate::auth::Viewer, d: &Development, here: &str) -> Response {
    render(
        state,
        StatusCode::OK,
        "desk_dev_row.html",
        minijinja::context! {
            d => DevRowView::of(d),
            csrf => csrf_for(state, v),
            can_publish => v.user.role.can_publish(),
            here => here,
        },
    )
}
