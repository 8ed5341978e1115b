//! Sources: what a briefing watches. Adding one checks its address against the fetcher's guard (a refused
//! address is rejected with the reason, before any packet is sent) and, unless its kind is given, looks at
//! what the address serves: a feed, a page that names its feeds, or a page to watch for article links.

use std::sync::Arc;

use livebrief_feed::{Kind, Outline};
use livebrief_fetch::Validators;
use livebrief_model::{Actor, Source, SourceDraft, SourceId, SourceKind, source::DEFAULT_POLL_SECS};

use crate::desk::DeskChange;
use crate::ingest::Ingest;
use crate::{AppError, Result};

/// A source as an editor asks for it.
#[derive(Debug, Clone)]
pub struct SourceInput {
    pub url: String,
    /// `None`: find out by fetching the address once.
    pub kind: Option<SourceKind>,
    /// Empty: the feed's or page's own title.
    pub title: String,
    pub language: Option<String>,
    pub trust_note: String,
    pub poll_interval_secs: Option<u32>,
    pub enabled: bool,
}

impl SourceInput {
    pub fn url(url: impl Into<String>) -> Self {
        SourceInput {
            url: url.into(),
            kind: None,
            title: String::new(),
            language: None,
            trust_note: String::new(),
            poll_interval_secs: None,
            enabled: true,
        }
    }
}

/// What an OPML import did.
#[derive(Debug, Clone, Default)]
pub struct ImportReport {
    pub added: Vec<Source>,
    /// Outlines not added, with why (already watched, refused address, not a feed address).
    pub skipped: Vec<(String, String)>,
}

/// What a fetched body turned out to be.
enum Look {
    /// A feed, with its title.
    Feed(Option<String>),
    /// A web page, with the feeds it names and its site's name (else its title).
    Page {
        feeds: Vec<String>,
        title: Option<String>,
    },
    Opml,
    /// Neither, or a feed that does not parse: why.
    Other(String),
}

/// Reads a fetched body on a blocking thread (parsing untrusted bytes of up to the fetcher's cap is CPU work).
async fn look(f: livebrief_fetch::Fetched) -> Result<Look> {
    tokio::task::spawn_blocking(move || {
        let ctype = f.content_type.as_deref();
        match livebrief_feed::sniff(&f.body, ctype) {
            Kind::Feed(_) => match livebrief_feed::parse_feed(&f.body, &f.final_url, ctype) {
                Ok(feed) => Look::Feed(feed.title),
                Err(e) => Look::Other(e.to_string()),
            },
            Kind::Html => {
                let feeds = livebrief_feed::discover_feeds(&f.body, &f.final_url);
                let doc = livebrief_extract::extract(
                    &f.body,
                    &livebrief_extract::Options {
                        url: Some(&f.final_url),
                        http_charset: f.charset.as_deref(),
                    },
                )
                .document;
                // A section page is known by its site's name ("Latest news" says little).
                Look::Page {
                    feeds,
                    title: doc.site_name.or(doc.title),
                }
            }
            Kind::Opml => Look::Opml,
            Kind::Unknown => Look::Other("serves neither a feed nor a web page".into()),
        }
    })
    .await
    .map_err(|e| AppError::Invalid(format!("the page could not be read: {e}")))
}

/// What the caller is told when `url` cannot be checked or fetched: the same words whether the guard refused
/// its address, its name did not resolve or nothing answered (`FetchError`'s `Display`); the full reason goes
/// to the log, escaped.
fn unfetchable(url: &str, e: &livebrief_fetch::FetchError) -> AppError {
    crate::ingest::log_fetch_detail(url, e);
    AppError::Invalid(format!("{url} could not be fetched: {e}"))
}

/// The most outlines one OPML import takes.
pub const MAX_OPML_OUTLINES: usize = 2_000;

fn editors_only(actor: &Actor, what: &str) -> Result<()> {
    if actor.role.can_publish() {
        Ok(())
    } else {
        Err(AppError::Forbidden(format!("only editors can {what}")))
    }
}

impl Ingest {
    /// The address checked against the guard: a refused one is an `Invalid` error. It says why only when the
    /// reason is in the URL itself (scheme, credentials, port); a refused address reads like one that does not
    /// answer (`livebrief_fetch::UNREACHABLE`), and the reason goes to the log.
    async fn check(&self, url: &str) -> Result<()> {
        self.fetcher().check_url(url).await.map_err(|e| unfetchable(url, &e))
    }

    /// What `url` serves, fetched once: its kind, the address to poll (a page's own feed when it names one)
    /// and a title.
    async fn probe(&self, url: &str) -> Result<(SourceKind, String, Option<String>)> {
        let f = self
            .fetcher()
            .get(url, &Validators::default())
            .await
            .map_err(|e| unfetchable(url, &e))?;
        match look(f).await? {
            Look::Feed(title) => Ok((SourceKind::Feed, url.to_string(), title)),
            Look::Page { feeds, title } => {
                for feed_url in feeds.iter().take(3) {
                    if self.check(feed_url).await.is_ok()
                        && let Ok(g) = self.fetcher().get(feed_url, &Validators::default()).await
                        && let Look::Feed(feed_title) = look(g).await?
                    {
                        return Ok((SourceKind::Feed, feed_url.clone(), feed_title));
                    }
                }
                Ok((SourceKind::Page, url.to_string(), title))
            }
            Look::Opml => Err(AppError::Invalid(format!(
                "{url} is an OPML subscription list: import it instead"
            ))),
            Look::Other(why) => Err(AppError::Invalid(format!("{url}: {why}"))),
        }
    }

    /// Adds a source to a briefing (editors). Its first poll is due at once.
    pub async fn add_source(self: &Arc<Self>, actor: &Actor, slug: &str, input: SourceInput) -> Result<Source> {
        editors_only(actor, "add sources")?;
        let (b, _) = self.app().briefing(slug).ok_or(AppError::NotFound("briefing"))?;
        let url = input.url.trim().to_string();
        // The draft's own rules first (a clear message for "not a URL"), then the guard, then a look.
        let mut draft = SourceDraft {
            briefing_id: b.id,
            kind: input.kind.unwrap_or(SourceKind::Feed),
            url: url.clone(),
            title: input.title.trim().to_string(),
            language: input.language.filter(|l| !l.trim().is_empty()),
            trust_note: input.trust_note.trim().to_string(),
            poll_interval_secs: input.poll_interval_secs.unwrap_or(DEFAULT_POLL_SECS),
            enabled: input.enabled,
        };
        draft.validate()?;
        self.check(&url).await?;
        if input.kind.is_none() {
            let (kind, poll_url, title) = self.probe(&url).await?;
            draft.kind = kind;
            draft.url = poll_url;
            if draft.title.is_empty() {
                draft.title = title.unwrap_or_default().trim().chars().take(200).collect();
            }
        }
        if draft.title.is_empty() {
            draft.title = url::Url::parse(&draft.url)
                .ok()
                .and_then(|u| u.host_str().map(str::to_string))
                .unwrap_or_else(|| draft.url.clone());
        }
        draft.validate()?;
        let s = self.app().store().create_source(&draft, self.app().now()).await?;
        tracing::info!(source_id = s.id.0, url = %s.url, kind = s.kind.as_str(), actor = %actor.name, "source added");
        self.app().desk_notify(b.id, DeskChange::Source(s.id));
        self.sources_changed();
        Ok(s)
    }

    /// Changes a source (editors). A new address is checked against the guard.
    pub async fn update_source(&self, actor: &Actor, id: SourceId, draft: SourceDraft) -> Result<Source> {
        editors_only(actor, "change sources")?;
        let old = self
            .app()
            .store()
            .source(id)
            .await?
            .ok_or(AppError::NotFound("source"))?;
        let draft = SourceDraft {
            briefing_id: old.briefing_id,
            ..draft
        };
        draft.validate()?;
        if draft.url != old.url {
            self.check(&draft.url).await?;
        }
        let s = self.app().store().update_source(id, &draft, self.app().now()).await?;
        self.app().desk_notify(s.briefing_id, DeskChange::Source(s.id));
        self.sources_changed();
        Ok(s)
    }

    pub async fn delete_source(&self, actor: &Actor, id: SourceId) -> Result<()> {
        editors_only(actor, "remove sources")?;
        let s = self
            .app()
            .store()
            .source(id)
            .await?
            .ok_or(AppError::NotFound("source"))?;
        self.app().store().delete_source(id).await?;
        tracing::info!(source_id = id.0, url = %s.url, actor = %actor.name, "source removed");
        self.app().desk_notify(s.briefing_id, DeskChange::Source(id));
        Ok(())
    }

    /// A briefing's sources, or every source.
    pub async fn sources(&self, slug: Option<&str>) -> Result<Vec<Source>> {
        let briefing = match slug {
            Some(s) => Some(self.app().briefing(s).ok_or(AppError::NotFound("briefing"))?.0.id),
            None => None,
        };
        Ok(self.app().store().list_sources(briefing).await?)
    }

    /// Adds every outline of an OPML subscription list to a briefing (editors): feeds by their `xmlUrl`, pages
    /// to watch by their `htmlUrl` alone. Nothing is fetched: each address is checked against the guard and
    /// polled on its schedule. Outlines already watched or refused are skipped with the reason.
    pub async fn import_opml(&self, actor: &Actor, slug: &str, opml: &[u8]) -> Result<ImportReport> {
        editors_only(actor, "import sources")?;
        let (b, _) = self.app().briefing(slug).ok_or(AppError::NotFound("briefing"))?;
        let outlines = livebrief_feed::parse_opml(opml).map_err(|e| AppError::Invalid(e.to_string()))?;
        if outlines.len() > MAX_OPML_OUTLINES {
            return Err(AppError::Invalid(format!(
                "the list has {} outlines; import at most {MAX_OPML_OUTLINES} at a time",
                outlines.len()
            )));
        }
        let mut report = ImportReport::default();
        let mut drafts = Vec::new();
        for o in outlines {
            // A feed address, else a page to watch (as `export_opml` writes page sources).
            let (kind, url) = match (o.xml_url.clone(), o.html_url.clone()) {
                (Some(u), _) => (SourceKind::Feed, u),
                (None, Some(u)) => (SourceKind::Page, u),
                (None, None) => {
                    report
                        .skipped
                        .push((o.title.clone(), "the outline has no address".into()));
                    continue;
                }
            };
            let draft = SourceDraft {
                briefing_id: b.id,
                kind,
                url: url.clone(),
                title: if o.title.trim().is_empty() {
                    url.clone()
                } else {
                    o.title.trim().chars().take(200).collect()
                },
                language: o.language.clone().filter(|l| !l.is_empty()),
                trust_note: String::new(),
                poll_interval_secs: DEFAULT_POLL_SECS,
                enabled: true,
            };
            match draft.validate() {
                Ok(()) => drafts.push(draft),
                Err(e) => report.skipped.push((url, e.to_string())),
            }
        }
        // The guard resolves each host: a few at a time, so a long list of slow hosts takes seconds, not hours.
        let checks = Arc::new(tokio::sync::Semaphore::new(16));
        let mut set = tokio::task::JoinSet::new();
        for (i, d) in drafts.iter().enumerate() {
            let (fetcher, url, checks) = (self.fetcher().clone(), d.url.clone(), checks.clone());
            set.spawn(async move {
                let _permit = checks.acquire_owned().await;
                (
                    i,
                    fetcher
                        .check_url(&url)
                        .await
                        .map_err(|e| unfetchable(&url, &e).to_string()),
                )
            });
        }
        let mut checked = vec![None; drafts.len()];
        while let Some(r) = set.join_next().await {
            if let Ok((i, r)) = r {
                checked[i] = Some(r);
            }
        }
        for (draft, check) in drafts.into_iter().zip(checked) {
            match check.unwrap_or_else(|| Err("the address could not be checked".into())) {
                Ok(()) => match self.app().store().create_source(&draft, self.app().now()).await {
                    Ok(s) => report.added.push(s),
                    Err(e) => report.skipped.push((draft.url, AppError::from(e).to_string())),
                },
                Err(e) => report.skipped.push((draft.url, e)),
            }
        }
        tracing::info!(briefing = %slug, added = report.added.len(), skipped = report.skipped.len(), actor = %actor.name, "OPML imported");
        self.app().desk_notify(b.id, DeskChange::Source(SourceId(0)));
        self.sources_changed();
        Ok(report)
    }

    /// A briefing's sources (or all) as an OPML subscription list.
    pub async fn export_opml(&self, slug: Option<&str>) -> Result<String> {
        let title = match slug {
            Some(s) => self.app().briefing(s).ok_or(AppError::NotFound("briefing"))?.0.title,
            None => "livebrief sources".to_string(),
        };
        let outlines: Vec<Outline> = self
            .sources(slug)
            .await?
            .into_iter()
            .map(|s| Outline {
                title: s.title,
                xml_url: (s.kind == SourceKind::Feed).then(|| s.url.clone()),
                html_url: (s.kind == SourceKind::Page).then(|| s.url.clone()),
                language: s.language,
                category: None,
            })
            .collect();
        Ok(livebrief_feed::write_opml(&title, &outlines))
    }
}
