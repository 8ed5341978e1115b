//! The quote tracker: when a development becomes an entry (or the entry takes its new reports), every quote
//! its reports attribute to a named person is filed under a speaker, one person across spellings, scripts
//! and briefings ([`livebrief_nlp::names`] has the rule). Readers see the quotes of published entries only;
//! editors merge speakers, split spellings off, and rename.

use std::collections::HashSet;

use livebrief_model::{
    Actor, BriefingId, Development, Entry, NewQuote, Speaker, SpeakerAction, SpeakerAlias, SpeakerId, TrackedQuote,
};
use livebrief_nlp::{Candidate, PersonKey, choose, person_key};
use livebrief_store::{QuotePage, QuoteQuery, StoreError};

use crate::{App, AppError, Result};

fn alias_of(k: &PersonKey) -> SpeakerAlias {
    SpeakerAlias {
        key: k.spelling.clone(),
        spelling: k.name.clone(),
        surname: k.surname.clone(),
        given: k.given.clone(),
        quote_count: 0,
    }
}

fn key_of(a: &SpeakerAlias) -> PersonKey {
    PersonKey {
        name: a.spelling.clone(),
        spelling: a.key.clone(),
        surname: a.surname.clone(),
        given: a.given.clone(),
    }
}

/// Quote text compared across near-copies of one wire story: letters and digits, lowercase.
fn text_key(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

impl App {
    /// Files the quotes of `dev`'s reports under their speakers as the quotes of `entry` (made from it).
    /// Only quotes whose speaker is a named person count; the same words from two reports (a wire story on two
    /// sites) are one quote, from the earliest report. Recording again updates, never duplicates.
    pub async fn record_quotes(&self, dev: &Development, entry: &Entry) -> Result<Vec<TrackedQuote>> {
        let reports = self.store.development_reports(dev.id).await?;
        let mut found = Vec::new();
        for (_, r) in &reports {
            for (ordinal, q) in r.reading.quotes.iter().enumerate() {
                let Some(s) = q.speaker.as_ref().filter(|s| s.kind == "person") else {
                    continue;
                };
                let Some(key) = s.name.as_deref().and_then(person_key) else {
                    continue;
                };
                if q.text.trim().is_empty() {
                    continue;
                }
                found.push((r, ordinal as u32, q, key));
            }
        }
        // Full names first, so that a surname alone finds the person they name.
        found.sort_by_key(|(_, _, _, k)| !k.is_full());
        let mut local: HashSet<SpeakerId> = HashSet::new();
        let mut seen: HashSet<(SpeakerId, String)> = HashSet::new();
        let mut out: Vec<NewQuote> = Vec::new();
        for (r, ordinal, q, key) in found {
            let speaker = self.resolve_speaker(&key, entry.briefing_id, &local).await?;
            local.insert(speaker);
            if !seen.insert((speaker, text_key(&q.text))) {
                continue;
            }
            out.push(NewQuote {
                speaker_id: speaker,
                alias_key: key.spelling.clone(),
                report_id: r.id,
                ordinal,
                kind: q.kind,
                text: q.text.clone(),
                said_on: q.date,
                reported_on: r.published,
                outlet: r.source.clone(),
                url: r.url.clone(),
            });
        }
        let stored = self.store.record_quotes(entry.id, dev.id, &out, self.now()).await?;
        tracing::info!(
            entry_id = entry.id.0,
            development_id = dev.id.0,
            quotes = stored.len(),
            speakers = local.len(),
            "quotes recorded"
        );
        Ok(stored)
    }

    /// [`App::record_quotes`] after a desk decision: the entry stands whatever happens to its quotes, so a
    /// failure is logged, not returned.
    pub(crate) async fn record_quotes_logged(&self, dev: &Development, entry: &Entry) {
        if let Err(e) = self.record_quotes(dev, entry).await {
            tracing::warn!(entry_id = entry.id.0, development_id = dev.id.0, error = %e, "quotes not recorded");
        }
    }

    /// The speaker a name belongs to: the owner of that exact spelling, else the one the name rule picks among
    /// speakers with the surname (the spelling becomes theirs), else a new speaker. `local` are speakers
    /// already met in this recording (they count as quoted in the briefing).
    async fn resolve_speaker(
        &self,
        key: &PersonKey,
        briefing: BriefingId,
        local: &HashSet<SpeakerId>,
    ) -> Result<SpeakerId> {
        // A full spelling seen before is settled (an editor's split or merge included); a surname alone is
        // not: which Peskov it is depends on the briefing.
        if key.is_full()
            && let Some(s) = self.store.speaker_by_alias(&key.spelling).await?
        {
            return Ok(s.id);
        }
        let candidates = self.store.speakers_by_surname(&key.surname, briefing).await?;
        let pool: Vec<Candidate<SpeakerId>> = candidates
            .iter()
            .map(|(s, quoted_here)| Candidate {
                id: s.id,
                keys: s.aliases.iter().map(key_of).collect(),
                local: *quoted_here || local.contains(&s.id),
            })
            .collect();
        if let Some(id) = choose(key, &pool) {
            let alias = alias_of(key);
            match self.store.add_alias(id, &alias, self.now()).await {
                Ok(true) => {
                    if let Some((s, _)) = candidates.iter().find(|(s, _)| s.id == id) {
                        self.improve_name(s, key).await?;
                    }
                }
                Ok(false) => {}
                // The spelling is someone else's (an editor split it off there): the quote still goes by the rule.
                Err(StoreError::Conflict(_)) => {}
                Err(e) => return Err(e.into()),
            }
            return Ok(id);
        }
        if let Some(s) = self.store.speaker_by_alias(&key.spelling).await? {
            return Ok(s.id);
        }
        match self.store.create_speaker(&key.name, &alias_of(key), self.now()).await {
            Ok(s) => {
                tracing::info!(speaker_id = s.id.0, name = %s.name, "new speaker");
                Ok(s.id)
            }
            // Someone filed the same spelling meanwhile.
            Err(StoreError::Conflict(_)) => self
                .store
                .speaker_by_alias(&key.spelling)
                .await?
                .map(|s| s.id)
                .ok_or(AppError::Conflict("the speaker changed meanwhile; try again".into())),
            Err(e) => Err(e.into()),
        }
    }

    /// A speaker known by a surname or a Cyrillic spelling takes a fuller Latin one as its display name, unless
    /// an editor chose the name.
    async fn improve_name(&self, s: &Speaker, key: &PersonKey) -> Result<()> {
        let current = person_key(&s.name).map_or(0, |k| k.display_rank());
        if !s.name_locked && key.display_rank() > current {
            self.store.set_speaker_name(s.id, &key.name, false, self.now()).await?;
        }
        Ok(())
    }

    /// Published quotes of a briefing, newest first.
    pub async fn quotes(&self, q: &QuoteQuery) -> Result<QuotePage> {
        Ok(self.store.list_quotes(q).await?)
    }

    /// Every quote recorded for an entry, whatever its status.
    pub async fn entry_quotes(&self, entry: livebrief_model::EntryId) -> Result<Vec<TrackedQuote>> {
        Ok(self.store.entry_quotes(entry).await?)
    }

    /// The speakers with published quotes in a briefing, most quoted first.
    pub async fn briefing_speakers(&self, briefing: BriefingId) -> Result<Vec<Speaker>> {
        Ok(self.store.briefing_speakers(briefing).await?)
    }

    /// A speaker, merged ones included (`merged_into` says where they went).
    pub async fn speaker(&self, id: SpeakerId) -> Result<Speaker> {
        self.store.speaker(id).await?.ok_or(AppError::NotFound("speaker"))
    }

    /// Live speakers by name, for the desk.
    pub async fn speakers(&self, offset: usize, limit: usize) -> Result<Vec<Speaker>> {
        Ok(self.store.list_speakers(offset, limit).await?)
    }

    /// An editor merges, splits or renames a speaker. Returns the speaker that results: the one merged into, the
    /// new one split off, or the renamed one.
    pub async fn speaker_act(&self, actor: &Actor, id: SpeakerId, action: SpeakerAction) -> Result<Speaker> {
        let s = self.speaker(id).await?;
        s.check(&action, actor)?;
        let now = self.now();
        let (out, detail) = match &action {
            SpeakerAction::MergeInto(into) => {
                let target = self.speaker(*into).await?;
                let out = self.store.merge_speakers(id, target.id, now).await?;
                (out, format!("“{}” into #{} “{}”", s.name, target.id.0, target.name))
            }
            SpeakerAction::Split { aliases, name } => {
                let name = match name.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
                    Some(n) => n.to_string(),
                    None => s
                        .aliases
                        .iter()
                        .find(|a| aliases.contains(&a.key))
                        .map(|a| a.spelling.clone())
                        .unwrap_or_else(|| s.name.clone()),
                };
                let out = self.store.split_speaker(id, aliases, &name, now).await?;
                (out, format!("{} off “{}”", aliases.join(", "), s.name))
            }
            SpeakerAction::Rename(name) => {
                let out = self.store.set_speaker_name(id, name.trim(), true, now).await?;
                (out, format!("“{}” to “{}”", s.name, name.trim()))
            }
        };
        tracing::info!(
            speaker_id = id.0,
            result_id = out.id.0,
            actor = %actor.name,
            action = action.name(),
            detail = %detail,
            "speaker action"
        );
        Ok(out)
    }
}
