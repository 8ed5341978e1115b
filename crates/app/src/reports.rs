//! Reports in: an article's text (or its HTML page) is read — quotes and speakers, entities, places, dates,
//! topics — and stored with that reading, so the desk can draft developments from it and show its evidence.

use livebrief_model::{Actor, Date, Report, ReportDraft, ReportId};

use crate::{App, AppError, Result, jiff_utc};

/// The article as received: plain text, or a whole HTML page to extract it from.
#[derive(Debug, Clone)]
pub enum ReportBody {
    Text(String),
    Html(Vec<u8>),
}

#[derive(Debug, Clone)]
pub struct ReportInput {
    pub url: Option<String>,
    /// Empty: taken from the page's metadata when the body is HTML.
    pub title: String,
    pub source: String,
    /// The publication date, the reference for "yesterday" and "on Wednesday". `None`: from the page's
    /// metadata, else today.
    pub published: Option<Date>,
    pub body: ReportBody,
}

impl App {
    /// Reads a report and stores it with its reading. Any signed-in member of the desk may add reports; they
    /// are not public. The same URL again replaces the text and reading of the stored report.
    pub async fn add_report(&self, actor: &Actor, slug: &str, input: ReportInput) -> Result<(Report, bool)> {
        let (b, _) = self.briefing(slug).ok_or(AppError::NotFound("briefing"))?;
        if let ReportBody::Text(t) = &input.body
            && t.len() > livebrief_model::MAX_REPORT_TEXT
        {
            return Err(AppError::Invalid("a report's text is at most 2 MiB".into()));
        }
        let today = self.now().to_zoned(jiff_utc()).date();
        let url = input.url.clone();
        let stored_url = input.url.clone();
        // Extraction and reading are CPU work (about a millisecond per thousand words): off the async threads.
        let (text, title, source, published, language, reading) = tokio::task::spawn_blocking(move || {
            let (text, meta_title, meta_date, meta_site) = match input.body {
                ReportBody::Text(t) => (t, None, None, None),
                ReportBody::Html(bytes) => {
                    let x = livebrief_extract::extract(
                        &bytes,
                        &livebrief_extract::Options {
                            url: url.as_deref(),
                            http_charset: None,
                        },
                    );
                    // "2025-03-13" or an RFC 3339 timestamp: its first ten characters are the day.
                    let date = x
                        .document
                        .published
                        .as_ref()
                        .and_then(|d| d.value.get(..10))
                        .and_then(|d| d.parse::<Date>().ok());
                    (
                        x.document.text(),
                        x.document.title.clone(),
                        date,
                        x.document.site_name.clone(),
                    )
                }
            };
            let published = input.published.or(meta_date).unwrap_or(today);
            let r = livebrief_nlp::read(&text, published, &livebrief_nlp::default_topics());
            let reading = livebrief_nlp::reading_json_text(&r, &published.to_string(), &text);
            let title = if input.title.trim().is_empty() {
                meta_title.unwrap_or_default()
            } else {
                input.title
            };
            let source = if input.source.trim().is_empty() {
                meta_site.unwrap_or_default()
            } else {
                input.source
            };
            (text, title, source, published, r.language.to_string(), reading)
        })
        .await
        .map_err(|e| AppError::Invalid(format!("the report could not be read: {e}")))?;
        let draft = ReportDraft {
            briefing_id: b.id,
            url: stored_url,
            title: title.trim().to_string(),
            source: source.trim().to_string(),
            published,
            text,
            language,
            reading,
        };
        draft.validate()?;
        let (report, created) = self.store.save_report(&draft, self.now()).await?;
        tracing::info!(report_id = report.id.0, briefing = %slug, actor = %actor.name, created, "report read and stored");
        Ok((report, created))
    }

    pub async fn report(&self, id: ReportId) -> Result<Report> {
        self.store.report(id).await?.ok_or(AppError::NotFound("report"))
    }

    pub async fn reports(&self, slug: &str, before: Option<ReportId>, limit: usize) -> Result<Vec<Report>> {
        let (b, _) = self.briefing(slug).ok_or(AppError::NotFound("briefing"))?;
        Ok(self.store.list_reports(b.id, before, limit).await?)
    }
}
