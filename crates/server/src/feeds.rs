//! Feeds out: Atom (RFC 4287) and JSON Feed 1.1. An entry's `updated` / `date_modified` is the time of its
//! last public change (correction, update or retraction), so feed readers pick up corrections.

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use livebrief_model::{Briefing, Entry, Status};
use livebrief_store::EntryQuery;

use crate::cache::{CacheKind, Rendition, serve_versioned};
use crate::error::ApiError;
use crate::pages::error_page;
use crate::state::AppState;
use crate::views::rfc3339;

const FEED_ITEMS: usize = 50;

pub(crate) fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Characters XML 1.0 forbids are dropped rather than breaking the document.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            '\u{FFFE}' | '\u{FFFF}' => {}
            c if livebrief_model::text::is_bidi_control(c) => {}
            c => out.push(c),
        }
    }
    out
}

/// The feed's entries as readers see them (`Entry::for_readers`: a retracted entry is its stub).
async fn feed_entries(state: &AppState, b: &Briefing) -> Result<Vec<Entry>, ApiError> {
    let page = state.app.list(&EntryQuery::public(b.id, FEED_ITEMS)).await?;
    Ok(page.items.iter().map(Entry::for_readers).collect())
}

/// The HTML of an entry in a feed: its sanitised body plus any correction or retraction note.
fn content_html(e: &Entry) -> String {
    let esc = xml_escape;
    if e.status == Status::Retracted {
        let note = e.retraction.as_ref().map(|r| r.note.as_str()).unwrap_or("");
        return format!("<p><strong>Retracted</strong>: {}</p>", esc(note));
    }
    let mut html = e.body.html.clone();
    if let Some(c) = &e.correction {
        html.push_str(&format!(
            "<p><strong>Correction</strong> ({}): {}</p>",
            rfc3339(c.at),
            esc(&c.note)
        ));
    }
    if !e.sources.is_empty() {
        let links: Vec<String> = e
            .sources
            .iter()
            .map(|s| {
                if s.url.is_empty() {
                    esc(&s.outlet)
                } else {
                    format!("<a href=\"{}\">{}</a>", esc(&s.url), esc(&s.outlet))
                }
            })
            .collect();
        html.push_str(&format!("<p>Sources: {}</p>", links.join(", ")));
    }
    html
}

fn title_of(e: &Entry) -> String {
    if e.status == Status::Retracted {
        "Retracted entry".to_string()
    } else {
        e.headline.clone()
    }
}

fn page_url(state: &AppState, b: &Briefing) -> String {
    state
        .config
        .base_url
        .join(&format!("b/{}", b.slug))
        .map(|u| u.to_string())
        .unwrap_or_default()
}

pub fn atom(state: &AppState, b: &Briefing, entries: &[Entry]) -> String {
    let page = page_url(state, b);
    let updated = entries
        .iter()
        .map(Entry::public_updated_at)
        .max()
        .unwrap_or(b.updated_at)
        .max(b.updated_at);
    let mut x = String::with_capacity(4096 + entries.len() * 2048);
    x.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    x.push_str(&format!(
        "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">\n",
        xml_escape(&b.language)
    ));
    x.push_str(&format!("  <id>{}</id>\n", xml_escape(&page)));
    x.push_str(&format!("  <title>{}</title>\n", xml_escape(&b.title)));
    if !b.summary.is_empty() {
        x.push_str(&format!("  <subtitle>{}</subtitle>\n", xml_escape(&b.summary)));
    }
    x.push_str(&format!("  <updated>{}</updated>\n", rfc3339(updated)));
    x.push_str(&format!(
        "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
        xml_escape(&page)
    ));
    x.push_str(&format!(
        "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}/feed.atom\"/>\n",
        xml_escape(&page)
    ));
    x.push_str("  <generator>livebrief</generator>\n");
    for e in entries {
        let url = format!("{page}/e/{}", e.id.0);
        x.push_str("  <entry>\n");
        x.push_str(&format!("    <id>{}</id>\n", xml_escape(&url)));
        x.push_str(&format!("    <title>{}</title>\n", xml_escape(&title_of(e))));
        x.push_str(&format!(
            "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
            xml_escape(&url)
        ));
        if let Some(p) = e.published_at {
            x.push_str(&format!("    <published>{}</published>\n", rfc3339(p)));
        }
        x.push_str(&format!("    <updated>{}</updated>\n", rfc3339(e.public_updated_at())));
        // Atom needs an author; a retracted entry's is withdrawn with its text, so the briefing stands in.
        let author = if e.author_name.is_empty() {
            &b.title
        } else {
            &e.author_name
        };
        x.push_str(&format!("    <author><name>{}</name></author>\n", xml_escape(author)));
        for t in &e.topics {
            x.push_str(&format!("    <category term=\"{}\"/>\n", xml_escape(t)));
        }
        x.push_str(&format!(
            "    <content type=\"html\">{}</content>\n",
            xml_escape(&content_html(e))
        ));
        x.push_str("  </entry>\n");
    }
    x.push_str("</feed>\n");
    x
}

pub fn json_feed(state: &AppState, b: &Briefing, entries: &[Entry]) -> String {
    let page = page_url(state, b);
    let items: Vec<serde_json::Value> = entries
        .iter()
        .map(|e| {
            let url = format!("{page}/e/{}", e.id.0);
            let mut item = serde_json::json!({
                "id": url,
                "url": url,
                "title": title_of(e),
                "content_html": content_html(e),
                "date_modified": rfc3339(e.public_updated_at()),
            });
            if !e.author_name.is_empty() {
                item["authors"] = serde_json::json!([{"name": e.author_name}]);
            }
            if let Some(p) = e.published_at {
                item["date_published"] = rfc3339(p).into();
            }
            if !e.topics.is_empty() {
                item["tags"] = e.topics.clone().into();
            }
            if let Some(s) = e.sources.iter().find(|s| !s.url.is_empty()) {
                item["external_url"] = s.url.clone().into();
            }
            item
        })
        .collect();
    let mut feed = serde_json::json!({
        "version": "https://jsonfeed.org/version/1.1",
        "title": b.title,
        "home_page_url": page,
        "feed_url": format!("{page}/feed.json"),
        "language": b.language,
        "items": items,
    });
    if !b.summary.is_empty() {
        feed["description"] = b.summary.clone().into();
    }
    feed.to_string()
}

const ATOM: Rendition = Rendition {
    kind: CacheKind::Atom,
    content_type: "application/atom+xml; charset=utf-8",
    cache_control: "public, max-age=30, stale-while-revalidate=300",
};
const JSON_FEED: Rendition = Rendition {
    kind: CacheKind::JsonFeed,
    content_type: "application/feed+json; charset=utf-8",
    cache_control: "public, max-age=30, stale-while-revalidate=300",
};

async fn serve_feed(
    state: &AppState,
    slug: &str,
    headers: &HeaderMap,
    r: &Rendition,
    write: fn(&AppState, &Briefing, &[Entry]) -> String,
) -> Response {
    let Some((b, version)) = state.app.find_briefing(slug).await else {
        return error_page(state, ApiError::not_found("briefing"));
    };
    serve_versioned(state, r, &b, version, headers, || async {
        Ok(write(state, &b, &feed_entries(state, &b).await?))
    })
    .await
    .unwrap_or_else(|e| error_page(state, e))
}

pub async fn atom_feed(State(state): State<AppState>, Path(slug): Path<String>, headers: HeaderMap) -> Response {
    serve_feed(&state, &slug, &headers, &ATOM, atom).await
}

pub async fn json_feed_handler(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    headers: HeaderMap,
) -> Response {
    serve_feed(&state, &slug, &headers, &JSON_FEED, json_feed).await
}
