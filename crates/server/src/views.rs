//! View models and template rendering. Templates auto-escape (their names end in `.html`); the only
//! unescaped values are entry bodies, which the content crate sanitised.

use livebrief_model::{Actor, Briefing, Entry, Revision, Status, Timestamp, Visibility};
use minijinja::Environment;
use serde::Serialize;

use crate::error::ApiError;

const TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../templates/base.html")),
    ("_entry.html", include_str!("../templates/_entry.html")),
    ("entry_fragment.html", include_str!("../templates/entry_fragment.html")),
    ("index.html", include_str!("../templates/index.html")),
    ("briefing.html", include_str!("../templates/briefing.html")),
    ("entry_page.html", include_str!("../templates/entry_page.html")),
    ("error.html", include_str!("../templates/error.html")),
    ("login.html", include_str!("../templates/login.html")),
    ("_form.html", include_str!("../templates/_form.html")),
    ("desk_home.html", include_str!("../templates/desk_home.html")),
    ("desk_briefing.html", include_str!("../templates/desk_briefing.html")),
    ("desk_edit.html", include_str!("../templates/desk_edit.html")),
    ("desk_revisions.html", include_str!("../templates/desk_revisions.html")),
    ("_newsroom.html", include_str!("../templates/_newsroom.html")),
    ("_dev_row.html", include_str!("../templates/_dev_row.html")),
    ("desk_dev_row.html", include_str!("../templates/desk_dev_row.html")),
    ("desk_inbox.html", include_str!("../templates/desk_inbox.html")),
    (
        "desk_development.html",
        include_str!("../templates/desk_development.html"),
    ),
    ("desk_sources.html", include_str!("../templates/desk_sources.html")),
    ("_quote.html", include_str!("../templates/_quote.html")),
    ("quotes.html", include_str!("../templates/quotes.html")),
    ("map.html", include_str!("../templates/map.html")),
    ("_map_card.html", include_str!("../templates/_map_card.html")),
    ("map_card.html", include_str!("../templates/map_card.html")),
    ("desk_map.html", include_str!("../templates/desk_map.html")),
    ("speaker.html", include_str!("../templates/speaker.html")),
    ("desk_speakers.html", include_str!("../templates/desk_speakers.html")),
    ("desk_tokens.html", include_str!("../templates/desk_tokens.html")),
];

pub struct Views {
    env: Environment<'static>,
    /// Appended to static asset URLs so browsers refetch them after an upgrade.
    pub asset_version: String,
}

impl Views {
    pub fn new(asset_version: String) -> anyhow::Result<Views> {
        let mut env = Environment::new();
        for (name, src) in TEMPLATES {
            env.add_template(name, src)?;
        }
        env.add_global("asset_version", asset_version.clone());
        env.set_formatter(html_formatter);
        Ok(Views { env, asset_version })
    }

    pub fn render<S: Serialize>(&self, name: &str, ctx: S) -> Result<String, ApiError> {
        self.env
            .get_template(name)
            .and_then(|t| t.render(ctx))
            .map_err(|e| ApiError::internal(format!("rendering {name}: {e:#}")))
    }
}

/// Escapes `& < > " '` in strings (minijinja's default also escapes `/`, which makes every URL unreadable
/// in the markup without adding safety inside quoted attributes) and drops text-direction controls
/// (`livebrief_model::text::is_bidi_control`).
fn html_formatter(
    out: &mut minijinja::Output<'_>,
    state: &minijinja::State<'_, '_>,
    value: &minijinja::Value,
) -> Result<(), minijinja::Error> {
    match value.as_str() {
        Some(s) if !value.is_safe() && matches!(state.auto_escape(), minijinja::AutoEscape::Html) => {
            // Text-direction overrides from any source would reorder what readers see: never written.
            let s = livebrief_model::text::without_bidi_controls(s);
            let s = s.as_ref();
            let mut last = 0;
            for (i, b) in s.bytes().enumerate() {
                let rep = match b {
                    b'&' => "&amp;",
                    b'<' => "&lt;",
                    b'>' => "&gt;",
                    b'"' => "&quot;",
                    b'\'' => "&#39;",
                    _ => continue,
                };
                out.write_str(&s[last..i]).map_err(minijinja::Error::from)?;
                out.write_str(rep).map_err(minijinja::Error::from)?;
                last = i + 1;
            }
            out.write_str(&s[last..]).map_err(minijinja::Error::from)
        }
        _ => minijinja::escape_formatter(out, state, value),
    }
}

pub fn rfc3339(t: Timestamp) -> String {
    t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// "13 Mar 2025, 14:05 UTC": the server's absolute time; the page's script adds the reader's local and relative time.
pub fn human_time(t: Timestamp) -> String {
    t.strftime("%-d %b %Y, %H:%M UTC").to_string()
}

pub fn short_time(t: Timestamp) -> String {
    t.strftime("%H:%M").to_string()
}

pub fn human_date(d: livebrief_model::Date) -> String {
    d.strftime("%-d %B %Y").to_string()
}

#[derive(Serialize, Clone)]
pub struct TimeView {
    pub iso: String,
    pub human: String,
    pub short: String,
}

impl TimeView {
    pub fn of(t: Timestamp) -> TimeView {
        TimeView {
            iso: rfc3339(t),
            human: human_time(t),
            short: short_time(t),
        }
    }
}

#[derive(Serialize, Clone)]
pub struct NoteView {
    pub note: String,
    pub at: TimeView,
}

#[derive(Serialize, Clone)]
pub struct SourceView {
    pub outlet: String,
    pub url: String,
    pub title: String,
}

#[derive(Serialize, Clone)]
pub struct EntryView {
    pub id: i64,
    pub version: i64,
    pub status: &'static str,
    pub headline: String,
    pub body_html: String,
    pub happened_on: String,
    pub happened_on_human: String,
    pub published: Option<TimeView>,
    pub revised: Option<TimeView>,
    pub correction: Option<NoteView>,
    pub retraction: Option<NoteView>,
    pub topics: Vec<String>,
    pub sources: Vec<SourceView>,
    pub pinned: bool,
    pub key_event: bool,
    pub author: String,
    pub permalink: String,
    pub briefing_url: String,
    /// Only the stub of a retracted entry is shown: its text is withdrawn.
    pub stub: bool,
    /// Built from the whole entry (`for_desk`): its desk edit and revision pages are open to the viewer.
    pub full: bool,
}

impl EntryView {
    /// What readers see (`Entry::for_readers`): a retracted entry is its stub.
    pub fn of(e: &Entry, b: &Briefing) -> EntryView {
        EntryView {
            full: false,
            ..EntryView::build(&e.for_readers(), b, e.status == Status::Retracted)
        }
    }

    /// All of it, retracted text too: for the desk, when the viewer may see the entry in full.
    pub fn for_desk(e: &Entry, b: &Briefing) -> EntryView {
        EntryView::build(e, b, false)
    }

    /// As much as `viewer` may see (`Entry::visibility`; hidden entries never reach a view).
    pub fn for_viewer(e: &Entry, b: &Briefing, viewer: &Actor) -> EntryView {
        match e.visibility(Some(viewer)) {
            Visibility::Full => EntryView::for_desk(e, b),
            Visibility::Public | Visibility::Hidden => EntryView::of(e, b),
        }
    }

    fn build(e: &Entry, b: &Briefing, stub: bool) -> EntryView {
        EntryView {
            id: e.id.0,
            version: e.version,
            status: e.status.as_str(),
            headline: e.headline.clone(),
            body_html: e.body.html.clone(),
            happened_on: e.happened_on.to_string(),
            happened_on_human: human_date(e.happened_on),
            published: e.published_at.map(TimeView::of),
            revised: e.revised_at.map(TimeView::of),
            correction: e.correction.as_ref().map(|c| NoteView {
                note: c.note.clone(),
                at: TimeView::of(c.at),
            }),
            retraction: e.retraction.as_ref().map(|c| NoteView {
                note: c.note.clone(),
                at: TimeView::of(c.at),
            }),
            topics: e.topics.clone(),
            sources: e
                .sources
                .iter()
                .map(|s| SourceView {
                    outlet: s.outlet.clone(),
                    url: s.url.clone(),
                    title: s.title.clone(),
                })
                .collect(),
            pinned: e.pinned,
            key_event: e.key_event,
            author: e.author_name.clone(),
            permalink: format!("/b/{}/e/{}", b.slug, e.id.0),
            briefing_url: format!("/b/{}", b.slug),
            stub,
            full: true,
        }
    }
}

#[derive(Serialize, Clone)]
pub struct BriefingView {
    pub slug: String,
    pub title: String,
    pub summary: String,
    pub language: String,
    pub updated: TimeView,
    pub url: String,
}

impl BriefingView {
    pub fn of(b: &Briefing) -> BriefingView {
        BriefingView {
            slug: b.slug.clone(),
            title: b.title.clone(),
            summary: b.summary.clone(),
            language: b.language.clone(),
            updated: TimeView::of(b.updated_at),
            url: format!("/b/{}", b.slug),
        }
    }
}

#[derive(Serialize)]
pub struct RevisionView {
    pub number: i64,
    pub action: &'static str,
    pub actor: String,
    pub at: TimeView,
    pub note: Option<String>,
    pub status: &'static str,
    pub headline: String,
    pub body_html: String,
    pub topics: Vec<String>,
    pub pinned: bool,
    pub key_event: bool,
}

impl RevisionView {
    pub fn of(r: &Revision) -> RevisionView {
        RevisionView {
            number: r.number,
            action: r.action.as_str(),
            actor: r.actor_name.clone(),
            at: TimeView::of(r.at),
            note: r.note.clone(),
            status: r.snapshot.status.as_str(),
            headline: r.snapshot.headline.clone(),
            body_html: r.snapshot.body.html.clone(),
            topics: r.snapshot.topics.clone(),
            pinned: r.snapshot.pinned,
            key_event: r.snapshot.key_event,
        }
    }
}

/// JSON for embedding in `<script type="application/ld+json">`: `<` escaped so no `</script>` can close it.
pub fn json_for_script(v: &serde_json::Value) -> String {
    v.to_string()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

/// schema.org LiveBlogPosting with the entries on the page as `liveBlogUpdate`.
pub fn live_blog_jsonld(
    b: &Briefing,
    entries: &[Entry],
    base: &url::Url,
    coverage_start: Option<Timestamp>,
) -> serde_json::Value {
    let page = base
        .join(&format!("b/{}", b.slug))
        .map(|u| u.to_string())
        .unwrap_or_default();
    let updates: Vec<serde_json::Value> = entries
        .iter()
        .filter(|e| e.status == Status::Published)
        .map(|e| {
            let mut v = serde_json::json!({
                "@type": "BlogPosting",
                "@id": format!("{page}/e/{}", e.id.0),
                "url": format!("{page}/e/{}", e.id.0),
                "headline": e.headline,
                "articleBody": livebrief_content::plain_text(&e.body.html),
                "datePublished": e.published_at.map(rfc3339),
                "dateModified": rfc3339(e.public_updated_at()),
                "author": {"@type": "Person", "name": e.author_name},
            });
            if !e.topics.is_empty() {
                v["keywords"] = serde_json::json!(e.topics.join(", "));
            }
            if !e.sources.is_empty() {
                v["citation"] = e
                    .sources
                    .iter()
                    .map(|s| serde_json::json!({"@type": "CreativeWork", "name": if s.title.is_empty() { &s.outlet } else { &s.title }, "url": s.url, "publisher": {"@type": "Organization", "name": s.outlet}}))
                    .collect();
            }
            v
        })
        .collect();
    serde_json::json!({
        "@context": "https://schema.org",
        "@type": "LiveBlogPosting",
        "@id": page,
        "url": page,
        "headline": b.title,
        "description": b.summary,
        "inLanguage": b.language,
        "datePublished": rfc3339(b.created_at),
        "dateModified": rfc3339(entries.iter().map(|e| e.public_updated_at()).max().unwrap_or(b.updated_at).max(b.updated_at)),
        "coverageStartTime": rfc3339(coverage_start.unwrap_or(b.created_at)),
        "liveBlogUpdate": updates,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_formatter_escapes_markup_and_drops_text_direction_controls() {
        let mut env = Environment::new();
        env.set_formatter(html_formatter);
        env.add_template("t.html", "<p title=\"{{ v }}\">{{ v }}</p>")
            .expect("template");
        let out = env
            .get_template("t.html")
            .and_then(|t| t.render(minijinja::context! { v => "Invoice \u{202E}fdp.exe <b>&'\"\u{2067}" }))
            .expect("render");
        assert_eq!(
            out,
            "<p title=\"Invoice fdp.exe &lt;b&gt;&amp;&#39;&quot;\">Invoice fdp.exe &lt;b&gt;&amp;&#39;&quot;</p>"
        );
    }
}
