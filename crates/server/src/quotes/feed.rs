//! An Atom feed per speaker: their newest published quotes in a briefing, each linking to its entry, with the
//! outlet and report as the source. Same conventions as the briefing feeds: URLs as ids, escaped text,
//! `updated` the time the quote was recorded.

use crate::newsroom::web_url;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use livebrief_model::{Briefing, Speaker, TrackedQuote};
use livebrief_store::QuoteQuery;

use super::{kind_label, public_speaker};
use crate::error::ApiError;
use crate::feeds::xml_escape;
use crate::pages::error_page;
use crate::state::AppState;
use crate::views::{human_date, rfc3339};

const FEED_ITEMS: usize = 50;

/// The quote in a feed's HTML content: the words, who, when, the source and the entry.
fn content_html(q: &TrackedQuote, entry_url: &str) -> String {
    let esc = xml_escape;
    let source = match web_url(q.url.as_deref()) {
        Some(u) => format!("<a href=\"{}\">{}</a>", esc(&u), esc(&q.outlet)),
        None => esc(&q.outlet),
    };
    format!(
        "<blockquote>{}</blockquote><p>{}, {}{}. Source: {}. <a href=\"{}\">In the briefing</a></p>",
        esc(&q.text),
        kind_label(q.kind),
        human_date(q.day()),
        if q.said_on.is_some() { "" } else { " (reported)" },
        source,
        esc(entry_url)
    )
}

fn title_of(q: &TrackedQuote) -> String {
    let text: String = q.text.chars().take(120).collect();
    let cut = if q.text.chars().count() > 120 { "…" } else { "" };
    format!("{}: {text}{cut}", q.speaker_name)
}

pub fn atom(state: &AppState, b: &Briefing, s: &Speaker, quotes: &[TrackedQuote]) -> String {
    let root = state
        .config
        .base_url
        .join(&format!("b/{}", b.slug))
        .map(|u| u.to_string())
        .unwrap_or_default();
    let page = format!("{root}/quotes/{}", s.id.0);
    let updated = quotes.iter().map(|q| q.recorded_at).max().unwrap_or(b.updated_at);
    let esc = xml_escape;
    let mut x = String::with_capacity(2048 + quotes.len() * 1024);
    x.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    x.push_str(&format!(
        "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">\n",
        esc(&b.language)
    ));
    x.push_str(&format!("  <id>{}</id>\n", esc(&page)));
    x.push_str(&format!("  <title>{} · {}</title>\n", esc(&s.name), esc(&b.title)));
    x.push_str(&format!(
        "  <subtitle>What {} said, as published in the briefing.</subtitle>\n",
        esc(&s.name)
    ));
    x.push_str(&format!("  <updated>{}</updated>\n", rfc3339(updated)));
    x.push_str(&format!(
        "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
        esc(&page)
    ));
    x.push_str(&format!(
        "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}/feed.atom\"/>\n",
        esc(&page)
    ));
    x.push_str("  <generator>livebrief</generator>\n");
    for q in quotes {
        let entry_url = format!("{root}/e/{}", q.entry_id.0);
        x.push_str("  <entry>\n");
        x.push_str(&format!("    <id>{}#q-{}</id>\n", esc(&page), q.id.0));
        x.push_str(&format!("    <title>{}</title>\n", esc(&title_of(q))));
        x.push_str(&format!(
            "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
            esc(&entry_url)
        ));
        if let Some(u) = web_url(q.url.as_deref()) {
            x.push_str(&format!("    <link rel=\"related\" href=\"{}\"/>\n", esc(&u)));
        }
        x.push_str(&format!("    <updated>{}</updated>\n", rfc3339(q.recorded_at)));
        x.push_str(&format!("    <author><name>{}</name></author>\n", esc(&q.speaker_name)));
        for t in &q.topics {
            x.push_str(&format!("    <category term=\"{}\"/>\n", esc(t)));
        }
        x.push_str(&format!(
            "    <content type=\"html\">{}</content>\n",
            esc(&content_html(q, &entry_url))
        ));
        x.push_str("  </entry>\n");
    }
    x.push_str("</feed>\n");
    x
}

/// `/b/{slug}/quotes/{id}/feed.atom`.
pub async fn speaker_feed(State(state): State<AppState>, Path((slug, id)): Path<(String, i64)>) -> Response {
    let result = async {
        let (b, _) = state
            .app
            .briefing(&slug)
            .ok_or_else(|| ApiError::not_found("briefing"))?;
        let s = match public_speaker(&state, id).await? {
            Ok(s) => s,
            Err(into) => return Ok(Err(format!("/b/{}/quotes/{}/feed.atom", b.slug, into.0))),
        };
        let q = QuoteQuery {
            speaker: Some(s.id),
            ..QuoteQuery::new(b.id, FEED_ITEMS)
        };
        let quotes = state.app.quotes(&q).await?.items;
        if quotes.is_empty() {
            return Err(ApiError::not_found("speaker"));
        }
        Ok(Ok(atom(&state, &b, &s, &quotes)))
    }
    .await;
    match result {
        Ok(Ok(xml)) => (
            [
                (
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("application/atom+xml; charset=utf-8"),
                ),
                (
                    header::CACHE_CONTROL,
                    HeaderValue::from_static("public, max-age=30, stale-while-revalidate=300"),
                ),
            ],
            xml,
        )
            .into_response(),
        Ok(Err(moved)) => Redirect::permanent(&moved).into_response(),
        Err(e) => error_page(&state, e),
    }
}
