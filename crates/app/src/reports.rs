//! Reports in: an article's text (or its HTML page) is read — quotes and speakers, entities, places, dates,
//! topics — and stored with that reading, so the desk can draft developments from it and show its evidence.

use livebrief_model::{Actor, Briefing, Report, ReportChange, ReportDraft, ReportId};
use livebrief_nlp::TopicDef;
use livebrief_store::ReportSaved;

use crate::pipeline::{ReportBody, ReportInput, understand};
use crate::{App, AppError, Result, jiff_utc};

impl App {
    /// Reads a report and stores it with its reading. Any signed-in member of the desk may add reports; they
    /// are not public. The same URL again replaces the text and reading of the stored report when the actor
    /// sent it in or is an editor (`Report::may_be_replaced_by`; the store keeps what was replaced); anyone
    /// else's re-post changes nothing and is refused with [`AppError::ReportTaken`].
    pub async fn add_report(&self, actor: &Actor, slug: &str, input: ReportInput) -> Result<(Report, bool)> {
        let (b, _) = self.briefing(slug).ok_or(AppError::NotFound("briefing"))?;
        let topics = self.topic_list(&b).await?.1;
        if let ReportBody::Text(t) = &input.body
            && t.len() > livebrief_model::MAX_REPORT_TEXT
        {
            return Err(AppError::Invalid("a report's text is at most 2 MiB".into()));
        }
        let today = self.now().to_zoned(jiff_utc()).date();
        let url = input.url.clone();
        // Extraction and reading are CPU work (about a millisecond per thousand words): off the async threads.
        let u = tokio::task::spawn_blocking(move || understand(input, today, &topics))
            .await
            .map_err(|e| AppError::Invalid(format!("the report could not be read: {e}")))?;
        let draft = ReportDraft {
            briefing_id: b.id,
            url,
            title: u.title,
            source: u.source,
            published: u.published,
            text: u.text,
            language: u.language,
            reading: u.reading,
        };
        draft.validate()?;
        let (report, created) = match self.store.save_report(&draft, Some(actor), self.now()).await? {
            ReportSaved::Created(r) => (r, true),
            ReportSaved::Replaced(r) => (r, false),
            ReportSaved::Kept(r) => {
                tracing::warn!(report_id = r.id.0, briefing = %slug, actor = %actor.name, "re-post of someone else's report refused");
                return Err(AppError::ReportTaken {
                    id: r.id,
                    message: format!(
                        "report {} already has this URL; only whoever sent it in or an editor may replace it",
                        r.id.0
                    ),
                });
            }
        };
        tracing::info!(report_id = report.id.0, briefing = %slug, actor = %actor.name, created, "report read and stored");
        self.group_report(&report).await?;
        Ok((report, created))
    }

    /// The briefing's topic list: its own (and its text) or the defaults (`None`).
    pub async fn topics(&self, slug: &str) -> Result<(Option<String>, Vec<TopicDef>)> {
        let (b, _) = self.briefing(slug).ok_or(AppError::NotFound("briefing"))?;
        self.topic_list(&b).await
    }

    pub(crate) async fn topic_list(&self, b: &Briefing) -> Result<(Option<String>, Vec<TopicDef>)> {
        match self.store.briefing_topics(b.id).await? {
            // Stored lists were checked when set; a list that no longer parses falls back to the defaults.
            Some(text) => match livebrief_nlp::parse_topics(&text) {
                Ok(list) => Ok((Some(text), list)),
                Err(e) => {
                    tracing::warn!(briefing = %b.slug, error = %e, "stored topic list does not parse; using the defaults");
                    Ok((Some(text), livebrief_nlp::default_topics()))
                }
            },
            None => Ok((None, livebrief_nlp::default_topics())),
        }
    }

    /// Sets the briefing's own topic list (editors); an empty text goes back to the defaults.
    pub async fn set_topics(&self, actor: &Actor, slug: &str, text: &str) -> Result<Vec<TopicDef>> {
        if !actor.role.can_publish() {
            return Err(AppError::Forbidden(
                "only editors can change a briefing's topics".into(),
            ));
        }
        let (b, _) = self.briefing(slug).ok_or(AppError::NotFound("briefing"))?;
        if text.trim().is_empty() {
            self.store.set_briefing_topics(b.id, None, self.now()).await?;
            return Ok(livebrief_nlp::default_topics());
        }
        if text.len() > 64 * 1024 {
            return Err(AppError::Invalid("a topic list is at most 64 KiB".into()));
        }
        let list = livebrief_nlp::parse_topics(text).map_err(|e| AppError::Invalid(format!("topic list, {e}")))?;
        self.store.set_briefing_topics(b.id, Some(text), self.now()).await?;
        tracing::info!(briefing = %slug, actor = %actor.name, topics = list.len(), "topic list set");
        Ok(list)
    }

    pub async fn report(&self, id: ReportId) -> Result<Report> {
        self.store.report(id).await?.ok_or(AppError::NotFound("report"))
    }

    /// The replacements of a report's text, oldest first.
    pub async fn report_changes(&self, id: ReportId) -> Result<Vec<ReportChange>> {
        Ok(self.store.report_changes(id).await?)
    }

    pub async fn reports(&self, slug: &str, before: Option<ReportId>, limit: usize) -> Result<Vec<Report>> {
        let (b, _) = self.briefing(slug).ok_or(AppError::NotFound("briefing"))?;
        Ok(self.store.list_reports(b.id, before, limit).await?)
    }
}
