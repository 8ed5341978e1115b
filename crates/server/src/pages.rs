//! Reader pages: the briefing list, the live page and entry permalinks. The default live page is served
//! from the render cache (`cache`).

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use livebrief_model::{
    Briefing, Entry, EntryId, EventId, MapCard, MapLayerId, RevisionAction, Status, Timestamp, public_history,
};
use livebrief_store::{Cursor, EntryQuery, Order, sort_time};
use serde::{Deserialize, Serialize};

use crate::cache::{CacheKind, Rendition, serve_versioned};
use crate::error::ApiError;
use crate::maps::MapCardView;
use crate::state::AppState;
use crate::views::{BriefingView, EntryView, TimeView, json_for_script, live_blog_jsonld};

pub const PAGE: Rendition = Rendition {
    kind: CacheKind::Page,
    content_type: "text/html; charset=utf-8",
    cache_control: "public, max-age=5, stale-while-revalidate=30",
};

/// An HTML error page with the right status.
pub fn error_page(state: &AppState, e: ApiError) -> Response {
    let status = e.status();
    let title = match status {
        StatusCode::NOT_FOUND => "Not found",
        StatusCode::FORBIDDEN => "Not allowed",
        StatusCode::TOO_MANY_REQUESTS => "Too many attempts",
        s if s.is_server_error() => "Something went wrong",
        _ => "That did not work",
    };
    let html = state
        .views
        .render(
            "error.html",
            minijinja::context! { title => title, message => e.message },
        )
        .unwrap_or_else(|_| format!("<!doctype html><title>{title}</title><h1>{title}</h1>"));
    let mut resp = (status, [(header::CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response();
    if let Some(s) = e.retry_after {
        resp.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(s));
    }
    resp
}

pub fn encode_cursor(c: Cursor) -> String {
    format!("{}.{}", c.at.as_microsecond(), c.id.0)
}

pub fn parse_cursor(s: &str) -> Result<Cursor, ApiError> {
    let bad = || ApiError::bad_request(format!("cursor {s:?} is not valid"));
    let (t, id) = s.split_once('.').ok_or_else(bad)?;
    let at = Timestamp::from_microsecond(t.parse().map_err(|_| bad())?).map_err(|_| bad())?;
    Ok(Cursor {
        at,
        id: EntryId(id.parse().map_err(|_| bad())?),
    })
}

/// A place in the live page's stream, which holds entries and map cards: by time, then entries before map cards,
/// then id; newest first is the reverse. A page's `cursor` is the last item it showed: `{µs}.{entry id}` for an
/// entry (the form the API's cursors and permalinks use too), `{µs}.m{layer id}` for a map card (the time and id
/// of its date's first import).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct StreamPos {
    at: Timestamp,
    card: bool,
    id: i64,
}

impl StreamPos {
    fn of_entry(e: &Entry) -> StreamPos {
        StreamPos {
            at: sort_time(e),
            card: false,
            id: e.id.0,
        }
    }

    fn of_card(c: &MapCard) -> StreamPos {
        StreamPos {
            at: c.first_at,
            card: true,
            id: c.first_id.0,
        }
    }

    fn parse(s: &str) -> Result<StreamPos, ApiError> {
        let bad = || ApiError::bad_request(format!("cursor {s:?} is not valid"));
        match s.split_once(".m") {
            Some((t, id)) => Ok(StreamPos {
                at: Timestamp::from_microsecond(t.parse().map_err(|_| bad())?).map_err(|_| bad())?,
                card: true,
                id: id.parse().map_err(|_| bad())?,
            }),
            None => {
                let c = parse_cursor(s)?;
                Ok(StreamPos {
                    at: c.at,
                    card: false,
                    id: c.id.0,
                })
            }
        }
    }

    fn encode(self) -> String {
        if self.card {
            format!("{}.m{}", self.at.as_microsecond(), self.id)
        } else {
            encode_cursor(Cursor {
                at: self.at,
                id: EntryId(self.id),
            })
        }
    }

    /// The entries after this place, in either order: at a map card, every entry of its time is on the older
    /// side (entries come first at a time), so the entry cursor is past every id of that time.
    fn entry_cursor(self) -> Cursor {
        Cursor {
            at: self.at,
            id: EntryId(if self.card { i64::MAX } else { self.id }),
        }
    }

    /// The map cards after this place, in either order: at an entry, the cards of its time are on the newer side.
    fn card_cursor(self) -> (Timestamp, MapLayerId) {
        (self.at, MapLayerId(if self.card { self.id } else { i64::MIN }))
    }
}

/// One item of the live page's stream.
#[derive(Serialize)]
struct StreamItem {
    entry: Option<EntryView>,
    card: Option<MapCardView>,
}

pub fn parse_order(s: Option<&str>) -> Result<Order, ApiError> {
    match s {
        None | Some("") | Some("newest") => Ok(Order::NewestFirst),
        Some("oldest") => Ok(Order::OldestFirst),
        Some(o) => Err(ApiError::bad_request(format!("order {o:?}: use newest or oldest"))),
    }
}

pub async fn index(State(state): State<AppState>) -> Response {
    let briefings: Vec<BriefingView> = state.app.briefings().iter().map(BriefingView::of).collect();
    match state
        .views
        .render("index.html", minijinja::context! { briefings => briefings })
    {
        Ok(html) => html_response(html),
        Err(e) => error_page(&state, e),
    }
}

pub fn html_response(html: String) -> Response {
    ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response()
}

#[derive(Deserialize, Default)]
pub struct PageQuery {
    order: Option<String>,
    topic: Option<String>,
    cursor: Option<String>,
}

impl PageQuery {
    /// Whether this asks for the page as first served: newest first, every topic, the first page.
    fn is_default(&self) -> bool {
        let blank = |v: &Option<String>| v.as_deref().is_none_or(|v| v.trim().is_empty());
        blank(&self.topic)
            && blank(&self.cursor)
            && matches!(self.order.as_deref().map(str::trim), None | Some("" | "newest"))
    }
}

#[derive(Serialize)]
struct TopicCount {
    name: String,
    count: u64,
}

pub async fn briefing_page(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Query(q): Query<PageQuery>,
    headers: HeaderMap,
) -> Response {
    let Some((b, version)) = state.app.find_briefing(&slug).await else {
        return error_page(&state, ApiError::not_found("briefing"));
    };
    // The cached rendering serves every request that asks for the default view, whatever else its query
    // holds (`?utm_source=…`, `?x=random`): a query string is not a lever to render the page afresh.
    let default_view = q.is_default();
    let result = if default_view {
        serve_versioned(&state, &PAGE, &b, version, &headers, || {
            render_briefing(&state, &b, version, PageQuery::default())
        })
        .await
    } else {
        render_briefing(&state, &b, version, q).await.map(html_response)
    };
    result.unwrap_or_else(|e| error_page(&state, e))
}

async fn render_briefing(state: &AppState, b: &Briefing, version: EventId, q: PageQuery) -> Result<String, ApiError> {
    let order = parse_order(q.order.as_deref())?;
    let cursor = q
        .cursor
        .as_deref()
        .filter(|c| !c.is_empty())
        .map(StreamPos::parse)
        .transpose()?;
    let topic = q.topic.map(|t| t.trim().to_string()).filter(|t| !t.is_empty());
    let first_page = cursor.is_none();
    let page_size = state.config.page_size.max(1);

    // The stream: entries and map cards merged by time. Each side is read from the cursor on (one more card than
    // fits, to know whether more follow); a page filtered by topic has no map cards (they have no topics).
    let mut stream_q = EntryQuery::public(b.id, page_size);
    stream_q.order = order;
    stream_q.after = cursor.map(StreamPos::entry_cursor);
    stream_q.topic = topic.clone();
    stream_q.pinned = Some(false);
    let page = state.app.list(&stream_q).await?;
    let cards = if topic.is_none() {
        state
            .app
            .map_cards(b.id, order, cursor.map(StreamPos::card_cursor), page_size + 1)
            .await?
    } else {
        Vec::new()
    };
    let mut entries = page.items.iter().peekable();
    let mut cards = cards.into_iter().peekable();
    let mut stream: Vec<(StreamPos, Option<&Entry>, Option<MapCard>)> = Vec::with_capacity(page_size);
    while stream.len() < page_size {
        let e = entries.peek().map(|e| StreamPos::of_entry(e));
        let c = cards.peek().map(StreamPos::of_card);
        let take_card = match (e, c) {
            (None, None) => break,
            (Some(_), None) => false,
            (None, Some(_)) => true,
            (Some(e), Some(c)) => (c > e) == (order == Order::NewestFirst),
        };
        if take_card {
            let card = cards.next().expect("peeked");
            stream.push((StreamPos::of_card(&card), None, Some(card)));
        } else {
            let e = entries.next().expect("peeked");
            stream.push((StreamPos::of_entry(e), Some(e), None));
        }
    }
    let more = page.next.is_some() || entries.peek().is_some() || cards.peek().is_some();

    let pinned = if first_page && topic.is_none() {
        let mut pq = EntryQuery::public(b.id, 10);
        pq.statuses = vec![Status::Published];
        pq.pinned = Some(true);
        state.app.list(&pq).await?.items
    } else {
        Vec::new()
    };
    let mut kq = EntryQuery::public(b.id, 30);
    kq.statuses = vec![Status::Published];
    kq.key_event = Some(true);
    let key_events = state.app.list(&kq).await?.items;
    let topics: Vec<TopicCount> = state
        .app
        .store()
        .topics(b.id)
        .await?
        .into_iter()
        .map(|(name, count)| TopicCount { name, count })
        .collect();

    let base = format!("/b/{}", b.slug);
    // (The serializer is not `Send`: it must not live across the awaits below.)
    let keep = {
        let mut params = url::form_urlencoded::Serializer::new(String::new());
        if order == Order::OldestFirst {
            params.append_pair("order", "oldest");
        }
        if let Some(t) = &topic {
            params.append_pair("topic", t);
        }
        params.finish()
    };
    let next_url = stream.last().filter(|_| more).map(|(pos, _, _)| {
        let mut s = url::form_urlencoded::Serializer::new(keep.clone());
        s.append_pair("cursor", &pos.encode());
        format!("{base}?{}", s.finish())
    });
    let first_url = (!first_page).then(|| {
        if keep.is_empty() {
            base.clone()
        } else {
            format!("{base}?{keep}")
        }
    });

    // Feeds and the structured data list entries only (see README, "Reader page").
    let mut all = pinned.clone();
    all.extend(stream.iter().filter_map(|(_, e, _)| e.cloned()));
    let updated = all
        .iter()
        .map(|e| e.public_updated_at())
        .chain(
            stream
                .iter()
                .filter_map(|(_, _, c)| c.as_ref().map(|c| c.layer.imported_at)),
        )
        .max()
        .unwrap_or(b.updated_at)
        .max(b.updated_at);
    let jsonld = json_for_script(&live_blog_jsonld(b, &all, &state.config.base_url, None));
    let canonical = state
        .config
        .base_url
        .join(&format!("b/{}", b.slug))
        .map(|u| u.to_string())
        .unwrap_or_default();
    let views = |v: &[livebrief_model::Entry]| v.iter().map(|e| EntryView::of(e, b)).collect::<Vec<_>>();
    // A card's drawing and figures are made for the cards shown only.
    let mut items: Vec<StreamItem> = Vec::with_capacity(stream.len());
    for (_, e, c) in &stream {
        let card = match c {
            Some(c) => match state.app.map_card(b, c).await {
                Some(n) => Some(MapCardView::of(&n, b)),
                None => continue,
            },
            None => None,
        };
        items.push(StreamItem {
            entry: e.map(|e| EntryView::of(e, b)),
            card,
        });
    }
    state.views.render(
        "briefing.html",
        minijinja::context! {
            b => BriefingView::of(b),
            items => items,
            pinned => views(&pinned),
            key_events => views(&key_events),
            topics => topics,
            topic => topic,
            order => if order == Order::OldestFirst { "oldest" } else { "newest" },
            next_url => next_url,
            first_url => first_url,
            live => if first_page && order == Order::NewestFirst { "1" } else { "0" },
            last_event_id => version.0,
            updated => TimeView::of(updated),
            jsonld => jsonld,
            canonical => canonical,
        },
    )
}

#[derive(Serialize)]
struct HistoryItem {
    label: &'static str,
    at: TimeView,
    note: Option<String>,
    headline: Option<String>,
}

fn history_label(a: RevisionAction) -> &'static str {
    match a {
        RevisionAction::Correct => "Corrected",
        RevisionAction::Edit => "Updated",
        RevisionAction::Retract => "Retracted",
        _ => "Published",
    }
}

pub async fn entry_page(State(state): State<AppState>, Path((slug, id)): Path<(String, i64)>) -> Response {
    let result = async {
        let (b, _) = state
            .app
            .briefing(&slug)
            .ok_or_else(|| ApiError::not_found("briefing"))?;
        let e = state.app.entry(EntryId(id)).await.map_err(ApiError::from)?;
        if e.briefing_id != b.id || !e.status.is_public() {
            return Err(ApiError::not_found("entry"));
        }
        // The public history (`livebrief_model::public_history`): the API's revisions for readers are the same.
        let revisions = state.app.revisions(e.id).await?;
        let history: Vec<HistoryItem> = public_history(&e, &revisions)
            .into_iter()
            .map(|s| HistoryItem {
                label: history_label(s.action),
                at: TimeView::of(s.at),
                note: s.note,
                headline: s.previous_headline,
            })
            .collect();
        let cursor = Cursor {
            at: livebrief_store::sort_time(&e),
            id: EntryId(e.id.0 + 1),
        };
        let in_context = format!("/b/{}?cursor={}#e-{}", b.slug, encode_cursor(cursor), e.id.0);
        let canonical = state
            .config
            .base_url
            .join(&format!("b/{}/e/{}", b.slug, e.id.0))
            .map(|u| u.to_string())
            .unwrap_or_default();
        state.views.render(
            "entry_page.html",
            minijinja::context! {
                b => BriefingView::of(&b),
                e => EntryView::of(&e, &b),
                history => if history.len() > 1 { history } else { Vec::new() },
                in_context => in_context,
                canonical => canonical,
            },
        )
    }
    .await;
    match result {
        Ok(html) => html_response(html),
        Err(e) => error_page(&state, e),
    }
}
