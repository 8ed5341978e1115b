//! One development: its draft with the provenance of every claim, its corroboration, every report with
//! its quotes highlighted in the text, the desk record, and the forms for every decision.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use bytes::Bytes;
use livebrief_app::AppError;
use livebrief_app::draft::outlet_of;
use livebrief_model::reading::{Quote, QuoteKind};
use livebrief_model::{DeskAction, DevStatus, Development, DevelopmentId, Piece, ReportId};
use livebrief_store::{DevOrder, DevQuery};
use serde::Serialize;

use super::{DevRowView, Done, DoneQuery, Fields, after_action, problem_page, web_url};
use crate::auth::{DeskViewer, Viewer};
use crate::desk::{PageResult, check_csrf, csrf_for, fail, render};
use crate::error::ApiError;
use crate::state::AppState;
use crate::views::{BriefingView, TimeView, human_date};

/// A run of a report's text: plain, or (part of) a quote with who said it.
#[derive(Serialize, Debug, PartialEq)]
pub struct Segment {
    pub text: String,
    pub quote: Option<QuoteMark>,
}

#[derive(Serialize, Debug, PartialEq)]
pub struct QuoteMark {
    /// The quote's number in the report (1-based), shared by all its spans.
    pub n: usize,
    pub kind: &'static str,
    pub speaker: String,
    /// The first span of its quote (the anchor), the last (where the speaker is shown).
    pub first: bool,
    pub last: bool,
}

/// Who a quote is attributed to, in words: the resolved name, else the mention and that it is unresolved.
fn speaker_of(q: &Quote) -> String {
    match &q.speaker {
        Some(s) => match &s.name {
            Some(n) => n.clone(),
            None => format!("“{}” (unresolved)", s.text),
        },
        None => "no speaker found".into(),
    }
}

/// A report's text cut into plain and quoted runs. Quote spans are code-point offsets into `text`; spans out of
/// range or empty are skipped, overlapping ones clipped, so every character appears exactly once, in order.
pub fn segments(text: &str, quotes: &[Quote]) -> Vec<Segment> {
    let bounds: Vec<usize> = text
        .char_indices()
        .map(|(i, _)| i)
        .chain(std::iter::once(text.len()))
        .collect();
    let len = bounds.len() - 1;
    let mut spans: Vec<(usize, usize, usize, bool, bool)> = Vec::new();
    for (qi, q) in quotes.iter().enumerate() {
        let valid: Vec<(usize, usize)> = q.spans.iter().copied().filter(|&(a, b)| a < b && b <= len).collect();
        for (si, &(a, b)) in valid.iter().enumerate() {
            spans.push((a, b, qi, si == 0, si + 1 == valid.len()));
        }
    }
    spans.sort_by_key(|s| (s.0, std::cmp::Reverse(s.1)));
    let mut out = Vec::new();
    let mut pos = 0;
    let piece = |a: usize, b: usize| text[bounds[a]..bounds[b]].to_string();
    for (a, b, qi, first, last) in spans {
        let a = a.max(pos);
        if a >= b {
            continue;
        }
        if a > pos {
            out.push(Segment {
                text: piece(pos, a),
                quote: None,
            });
        }
        let q = &quotes[qi];
        out.push(Segment {
            text: piece(a, b),
            quote: Some(QuoteMark {
                n: qi + 1,
                kind: q.kind.as_str(),
                speaker: speaker_of(q),
                first,
                last,
            }),
        });
        pos = b;
    }
    if pos < len {
        out.push(Segment {
            text: piece(pos, len),
            quote: None,
        });
    }
    out
}

/// A run of a draft's text: plain (attribution, dates) or a claim with the number of its provenance note.
#[derive(Serialize, Debug, PartialEq)]
pub struct RefSegment {
    pub text: String,
    pub note: Option<usize>,
}

/// The draft's `text` with each piece found in it marked by its note number (1-based, the order of `pieces`).
pub fn with_notes(text: &str, pieces: &[Piece]) -> Vec<RefSegment> {
    let mut claimed: Vec<(usize, usize, usize)> = Vec::new();
    for (i, p) in pieces.iter().enumerate() {
        if p.text.is_empty() {
            continue;
        }
        let mut from = 0;
        while let Some(off) = text.get(from..).and_then(|t| t.find(&p.text)) {
            let (a, b) = (from + off, from + off + p.text.len());
            if claimed.iter().all(|&(x, y, _)| b <= x || a >= y) {
                claimed.push((a, b, i + 1));
                break;
            }
            from = a + text[a..].chars().next().map_or(1, char::len_utf8);
        }
    }
    claimed.sort();
    let mut out = Vec::new();
    let mut pos = 0;
    for (a, b, n) in claimed {
        if a > pos {
            out.push(RefSegment {
                text: text[pos..a].to_string(),
                note: None,
            });
        }
        out.push(RefSegment {
            text: text[a..b].to_string(),
            note: Some(n),
        });
        pos = b;
    }
    if pos < text.len() {
        out.push(RefSegment {
            text: text[pos..].to_string(),
            note: None,
        });
    }
    out
}

#[derive(Serialize)]
struct PieceView {
    n: usize,
    report_id: i64,
    outlet: String,
    field: &'static str,
    text: String,
    start: usize,
    end: usize,
    /// The report still says exactly this at that span.
    traced: bool,
    /// The report is still in this development.
    present: bool,
}

#[derive(Serialize)]
struct QuoteView {
    n: usize,
    kind: &'static str,
    speaker: String,
    text: String,
    date: Option<String>,
}

#[derive(Serialize)]
struct ReportView {
    id: i64,
    title: String,
    outlet: String,
    url: Option<String>,
    shown_url: Option<String>,
    published: String,
    published_human: String,
    received: TimeView,
    language: String,
    lang: Option<String>,
    near_duplicate_of: Option<i64>,
    score: String,
    segments: Vec<Segment>,
    quotes: Vec<QuoteView>,
}

#[derive(Serialize)]
struct RecordView {
    action: String,
    actor: String,
    at: TimeView,
    detail: String,
}

#[derive(Serialize)]
struct OtherView {
    id: i64,
    label: String,
}

#[derive(Serialize)]
struct EntryLink {
    id: i64,
    status: &'static str,
    permalink: Option<String>,
    edit: String,
}

/// The edit form as typed, shown again with an error.
#[derive(Serialize, Default)]
struct EditForm {
    headline: String,
    body: String,
}

struct Extras {
    notice: Option<String>,
    error: Option<String>,
    status: StatusCode,
    form: Option<EditForm>,
}

fn other_label(d: &Development) -> String {
    let h: String = d.text().0.chars().take(90).collect();
    let outlets = if d.outlet_count == 1 { "outlet" } else { "outlets" };
    format!(
        "#{} {} ({}, {} {outlets})",
        d.id.0,
        h,
        d.status.as_str(),
        d.outlet_count
    )
}

async fn page(state: &AppState, v: &Viewer, id: i64, x: Extras) -> PageResult {
    let view = state
        .app
        .development(DevelopmentId(id))
        .await
        .map_err(|e| fail(state, e))?;
    let d = &view.development;
    let b = state
        .app
        .briefing_by_id(d.briefing_id)
        .ok_or_else(|| fail(state, ApiError::not_found("briefing")))?;
    let reports: Vec<ReportView> = view
        .reports
        .iter()
        .map(|(m, r)| ReportView {
            id: r.id.0,
            title: r.title.clone(),
            outlet: outlet_of(r),
            url: web_url(r.url.as_deref()),
            shown_url: r.url.clone(),
            published: r.published.to_string(),
            published_human: human_date(r.published),
            received: TimeView::of(r.received_at),
            language: r.language.clone(),
            lang: super::is_lang_tag(&r.language).then(|| r.language.clone()),
            near_duplicate_of: m.near_duplicate_of.map(|x| x.0),
            score: format!("{:.2}", m.score),
            segments: segments(&r.text, &r.reading.quotes),
            quotes: r
                .reading
                .quotes
                .iter()
                .enumerate()
                .map(|(i, q)| QuoteView {
                    n: i + 1,
                    kind: match q.kind {
                        QuoteKind::Direct => "direct",
                        QuoteKind::Indirect => "indirect",
                        QuoteKind::Mixed => "mixed",
                    },
                    speaker: speaker_of(q),
                    text: q.text.clone(),
                    date: q.date.map(|d| d.to_string()),
                })
                .collect(),
        })
        .collect();
    let pieces: Vec<PieceView> = d
        .draft
        .pieces
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let found = view.reports.iter().find(|(_, r)| r.id == p.report_id).map(|(_, r)| r);
            PieceView {
                n: i + 1,
                report_id: p.report_id.0,
                outlet: found.map(outlet_of).unwrap_or_default(),
                field: p.field.as_str(),
                text: p.text.clone(),
                start: p.span.0,
                end: p.span.1,
                traced: found.is_some_and(|r| p.traces_to(&r.title, &r.text)),
                present: found.is_some(),
            }
        })
        .collect();
    let others: Vec<OtherView> = if d.is_live() {
        state
            .app
            .developments(&DevQuery {
                briefing_id: d.briefing_id,
                statuses: vec![DevStatus::Open, DevStatus::Published],
                filters: vec![],
                order: DevOrder::Recent,
                offset: 0,
                limit: 100,
            })
            .await
            .map_err(|e| fail(state, e))?
            .iter()
            .filter(|o| o.id != d.id)
            .map(|o| OtherView {
                id: o.id.0,
                label: other_label(o),
            })
            .collect()
    } else {
        Vec::new()
    };
    let entry = match d.entry_id {
        Some(eid) => match state.app.entry(eid).await {
            Ok(e) => Some(EntryLink {
                id: e.id.0,
                status: e.status.as_str(),
                permalink: e.status.is_public().then(|| format!("/b/{}/e/{}", b.slug, e.id.0)),
                edit: format!("/desk/e/{}/edit", e.id.0),
            }),
            Err(AppError::NotFound(_)) => None,
            Err(e) => return Err(fail(state, e)),
        },
        None => None,
    };
    let (headline, body) = d.text();
    let form = x.form.unwrap_or(EditForm {
        headline: headline.to_string(),
        body: body.to_string(),
    });
    let merged_into = d.merged_into.map(|m| format!("/desk/d/{}", m.0));
    Ok(render(
        state,
        x.status,
        "desk_development.html",
        minijinja::context! {
            b => BriefingView::of(&b),
            d => DevRowView::of(d),
            edited_by => d.edited.as_ref().map(|e| e.by.clone()),
            edited_at => d.edited.as_ref().map(|e| TimeView::of(e.at)),
            machine_headline => with_notes(&d.draft.headline, &d.draft.pieces),
            machine_body => with_notes(&d.draft.body, &d.draft.pieces),
            machine_happened_on => d.draft.happened_on.map(human_date),
            pieces => pieces,
            reports => reports,
            records => view.records.iter().map(|r| RecordView {
                action: r.action.replace('_', " "),
                actor: r.actor_name.clone(),
                at: TimeView::of(r.at),
                detail: r.detail.clone(),
            }).collect::<Vec<_>>(),
            others => others,
            entry => entry,
            merged_into => merged_into,
            csrf => csrf_for(state, v),
            can_publish => v.user.role.can_publish(),
            form => form,
            notice => x.notice,
            error => x.error,
            inbox_url => format!("/desk/b/{}/inbox", b.slug),
        },
    ))
}

pub async fn show(
    State(state): State<AppState>,
    DeskViewer(v): DeskViewer,
    Path(id): Path<i64>,
    Query(q): Query<DoneQuery>,
) -> PageResult {
    let extras = Extras {
        notice: q.done().notice(),
        error: None,
        status: StatusCode::OK,
        form: None,
    };
    page(&state, &v, id, extras).await
}

/// The decision a form asks for, from its action name and fields.
fn action_of(name: &str, f: &Fields) -> Result<DeskAction, ApiError> {
    let required =
        |v: Option<i64>, what: &str| v.ok_or_else(|| ApiError::new("validation_failed", format!("choose {what}")));
    Ok(match name {
        "edit" => DeskAction::Edit {
            headline: f.get("headline").to_string(),
            body: f.get("body").to_string(),
        },
        "approve" => DeskAction::Approve,
        "update-entry" => DeskAction::UpdateEntry,
        "dismiss" => DeskAction::Dismiss {
            reason: f.get("reason").to_string(),
        },
        "reopen" => DeskAction::Reopen,
        "merge" => DeskAction::MergeInto(DevelopmentId(required(
            f.int("into_id")?.or(f.int("into")?),
            "the development to merge into",
        )?)),
        "split" => {
            let mut ids = Vec::new();
            for r in f.all("report") {
                let r = r.trim();
                ids.push(ReportId(r.parse().map_err(|_| {
                    ApiError::new("validation_failed", format!("report “{r}” is not a number"))
                })?));
            }
            DeskAction::Split(ids)
        }
        "move" => DeskAction::MoveReport {
            report: ReportId(required(f.int("report")?, "the report to move")?),
            to: DevelopmentId(required(
                f.int("to_id")?.or(f.int("to")?),
                "the development to move it to",
            )?),
        },
        _ => return Err(ApiError::not_found("action")),
    })
}

/// `POST /desk/d/{id}/{action}`: one desk decision, made on the version the form was rendered at.
pub async fn act(
    State(state): State<AppState>,
    DeskViewer(v): DeskViewer,
    Path((id, name)): Path<(i64, String)>,
    body: Bytes,
) -> PageResult {
    let f = Fields::parse(&body);
    check_csrf(&state, &v, f.get("csrf"))?;
    let back = format!("/desk/d/{id}");
    let refuse = |e: ApiError| problem_page(&state, e, &back);
    let version = f.int("version").map_err(refuse)?;
    let action = action_of(&name, &f).map_err(refuse)?;
    let actor = v.user.actor();
    let then_approve = name == "edit" && f.get("then") == "approve";
    let result = match state
        .app
        .desk_act(&actor, DevelopmentId(id), version, action.clone())
        .await
    {
        Ok(d) if then_approve => {
            state
                .app
                .desk_act(&actor, d.id, Some(d.version), DeskAction::Approve)
                .await
        }
        other => other,
    };
    let out = match result {
        Ok(d) => d,
        // A value the rules refuse: the page again, with the reason and what was typed.
        Err(AppError::Invalid(m)) => {
            let form = matches!(action, DeskAction::Edit { .. }).then(|| EditForm {
                headline: f.get("headline").to_string(),
                body: f.get("body").to_string(),
            });
            let extras = Extras {
                notice: None,
                error: Some(m),
                status: StatusCode::UNPROCESSABLE_ENTITY,
                form,
            };
            return page(&state, &v, id, extras).await;
        }
        Err(e @ (AppError::Conflict(_) | AppError::Forbidden(_) | AppError::NotFound(_))) => {
            return Err(refuse(e.into()));
        }
        Err(e) => return Err(fail(&state, e)),
    };
    let published = matches!(action, DeskAction::Approve) || then_approve;
    let code = match &action {
        _ if published && !v.user.role.can_publish() => "sent",
        _ if published => "approved",
        DeskAction::Edit { .. } => "saved",
        DeskAction::UpdateEntry => "updated",
        DeskAction::Dismiss { .. } => "dismissed",
        DeskAction::Reopen => "reopened",
        DeskAction::MergeInto(_) => "merged",
        DeskAction::Split(_) => "split",
        DeskAction::MoveReport { .. } => "moved",
        DeskAction::Approve => "approved",
    };
    let done = Done {
        code: Some(code),
        dev: Some(out.id.0),
        entry: out.entry_id.map(|e| e.0),
        from: matches!(action, DeskAction::MergeInto(_) | DeskAction::Split(_)).then_some(id),
        report: match &action {
            DeskAction::MoveReport { report, .. } => Some(report.0),
            _ => None,
        },
        to: match &action {
            DeskAction::MoveReport { to, .. } => Some(to.0),
            _ => None,
        },
    };
    // From the inbox, back to it; otherwise to the development the action left (for a merge, the one it
    // joined; for a split, the new one; for a move, the one the report left, unless that is now empty).
    let shown = match &action {
        DeskAction::MoveReport { to, .. } if out.status == DevStatus::Merged => to.0,
        _ => out.id.0,
    };
    let fallback = format!("/desk/d/{shown}");
    Ok(after_action(f.get("next"), &fallback, done))
}

#[cfg(test)]
mod tests {
    use super::*;
    use livebrief_model::reading::Speaker;
    use livebrief_model::{PieceField, ReportId};

    fn quote(spans: Vec<(usize, usize)>, name: Option<&str>) -> Quote {
        Quote {
            kind: QuoteKind::Direct,
            text: String::new(),
            spans,
            cue: None,
            speaker: Some(Speaker {
                name: name.map(str::to_string),
                span: (0, 0),
                text: "he".into(),
                kind: "person".into(),
                via: "pronoun".into(),
            }),
            date: None,
            evidence: String::new(),
        }
    }

    fn joined(s: &[Segment]) -> String {
        s.iter().map(|x| x.text.as_str()).collect()
    }

    #[test]
    fn segments_cover_the_text_once_by_code_points() {
        let text = "Київ: «Ні», said Sybiha. “<b>x</b>,” he said.";
        let chars: Vec<char> = text.chars().collect();
        let at = |s: &str| {
            let i = text.find(s).expect("in text");
            let a = text[..i].chars().count();
            (a, a + s.chars().count())
        };
        let q1 = quote(vec![at("«Ні»")], Some("Andrii Sybiha"));
        let q2 = quote(vec![at("<b>x</b>")], None);
        // Out of range, empty and overlapping spans are dropped or clipped.
        let bad = quote(vec![(3, 3), (chars.len(), chars.len() + 4), at("Ні»")], Some("X"));
        let segs = segments(text, &[q1, q2, bad]);
        assert_eq!(joined(&segs), text);
        let quoted: Vec<(&str, &str)> = segs
            .iter()
            .filter_map(|s| s.quote.as_ref().map(|q| (s.text.as_str(), q.speaker.as_str())))
            .collect();
        assert_eq!(
            quoted,
            vec![("«Ні»", "Andrii Sybiha"), ("<b>x</b>", "“he” (unresolved)")]
        );
        assert_eq!(segments("", &[]), vec![]);
    }

    #[test]
    fn multi_span_quotes_show_the_speaker_after_their_last_span() {
        let text = "“One,” he said, “two.”";
        let q = quote(vec![(0, 6), (16, 22)], Some("A B"));
        let segs = segments(text, &[q]);
        let marks: Vec<(bool, bool)> = segs
            .iter()
            .filter_map(|s| s.quote.as_ref().map(|q| (q.first, q.last)))
            .collect();
        assert_eq!(marks, vec![(true, false), (false, true)]);
        assert_eq!(joined(&segs), text);
    }

    #[test]
    fn notes_mark_each_piece_once() {
        let piece = |t: &str| Piece {
            report_id: ReportId(1),
            field: PieceField::Text,
            span: (0, 0),
            text: t.into(),
        };
        let text = "Yury Ushakov said on March 13 that the truce was a respite. “No,” Ushakov said.";
        let segs = with_notes(
            text,
            &[
                piece("Yury Ushakov"),
                piece("the truce was a respite"),
                piece("Ushakov"),
                piece("absent"),
            ],
        );
        assert_eq!(segs.iter().map(|s| s.text.as_str()).collect::<String>(), text);
        let noted: Vec<(&str, usize)> = segs
            .iter()
            .filter_map(|s| s.note.map(|n| (s.text.as_str(), n)))
            .collect();
        assert_eq!(
            noted,
            vec![("Yury Ushakov", 1), ("the truce was a respite", 2), ("Ushakov", 3)]
        );
    }
}
