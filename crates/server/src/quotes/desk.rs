//! The desk's speaker page: every speaker with all their spellings (and how many published quotes each
//! carries), and the editors' forms to rename, merge and split. Plain forms with CSRF tokens.

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use livebrief_model::{Speaker, SpeakerAction, SpeakerId};
use serde::{Deserialize, Serialize};

use crate::auth::DeskViewer;
use crate::error::ApiError;
use crate::pages::{error_page, html_response};
use crate::state::AppState;

const PER_PAGE: usize = 50;

#[derive(Deserialize)]
pub struct ListQuery {
    offset: Option<usize>,
    done: Option<String>,
}

#[derive(Serialize)]
struct AliasView {
    key: String,
    spelling: String,
    quote_count: u64,
}

#[derive(Serialize)]
struct DeskSpeaker {
    id: i64,
    name: String,
    name_locked: bool,
    quote_count: u64,
    aliases: Vec<AliasView>,
}

impl DeskSpeaker {
    fn of(s: &Speaker) -> Self {
        DeskSpeaker {
            id: s.id.0,
            name: s.name.clone(),
            name_locked: s.name_locked,
            quote_count: s.quote_count,
            aliases: s
                .aliases
                .iter()
                .map(|a| AliasView {
                    key: a.key.clone(),
                    spelling: a.spelling.clone(),
                    quote_count: a.quote_count,
                })
                .collect(),
        }
    }
}

fn notice(code: Option<&str>) -> Option<&'static str> {
    Some(match code? {
        "merged" => "Merged.",
        "split" => "Split off into a new speaker.",
        "renamed" => "Renamed.",
        _ => return None,
    })
}

use crate::desk::csrf_for;

/// `/desk/speakers`: the speakers, by name, with the editors' forms.
pub async fn speakers(
    State(state): State<AppState>,
    DeskViewer(v): DeskViewer,
    Query(q): Query<ListQuery>,
) -> Response {
    let offset = q.offset.unwrap_or(0);
    let list = match state.app.speakers(offset, PER_PAGE + 1).await {
        Ok(l) => l,
        Err(e) => return error_page(&state, e.into()),
    };
    let more = list.len() > PER_PAGE;
    let rendered = state.views.render(
        "desk_speakers.html",
        minijinja::context! {
            speakers => list.iter().take(PER_PAGE).map(DeskSpeaker::of).collect::<Vec<_>>(),
            csrf => csrf_for(&state, &v),
            can_edit => v.user.role.can_publish(),
            notice => notice(q.done.as_deref()),
            next_url => more.then(|| format!("/desk/speakers?offset={}", offset + PER_PAGE)),
            prev_url => (offset > 0).then(|| format!("/desk/speakers?offset={}", offset.saturating_sub(PER_PAGE))),
        },
    );
    match rendered {
        Ok(html) => {
            let mut r = html_response(html);
            r.headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            r
        }
        Err(e) => error_page(&state, e),
    }
}

/// `POST /desk/speakers/{id}/{action}`: `rename` (field `name`), `merge` (field `into`: the speaker id to merge
/// into), `split` (fields `alias`, repeated, and an optional `name`).
pub async fn act(
    State(state): State<AppState>,
    DeskViewer(v): DeskViewer,
    Path((id, action)): Path<(i64, String)>,
    body: Bytes,
) -> Response {
    let mut csrf = String::new();
    let mut name = String::new();
    let mut into = String::new();
    let mut aliases: Vec<String> = Vec::new();
    for (k, val) in url::form_urlencoded::parse(&body) {
        match k.as_ref() {
            "csrf" => csrf = val.into_owned(),
            "name" => name = val.into_owned(),
            "into" => into = val.into_owned(),
            "alias" => aliases.push(val.into_owned()),
            _ => {}
        }
    }
    if let Err(e) = state.csrf.verify(&csrf, &v.csrf_binding(), state.app.now()) {
        return error_page(&state, e);
    }
    let (cmd, done) = match action.as_str() {
        "rename" => (SpeakerAction::Rename(name), "renamed"),
        "merge" => match into.trim().trim_start_matches('#').parse::<i64>() {
            Ok(n) => (SpeakerAction::MergeInto(SpeakerId(n)), "merged"),
            Err(_) => {
                return error_page(
                    &state,
                    ApiError::new("validation_failed", "give the number of the speaker to merge into"),
                );
            }
        },
        "split" => {
            let name = Some(name).filter(|n| !n.trim().is_empty());
            (SpeakerAction::Split { aliases, name }, "split")
        }
        _ => return error_page(&state, ApiError::not_found("action")),
    };
    match state.app.speaker_act(&v.user.actor(), SpeakerId(id), cmd).await {
        Ok(s) => Redirect::to(&format!("/desk/speakers?done={done}#s-{}", s.id.0)).into_response(),
        Err(e) => error_page(&state, e.into()),
    }
}
