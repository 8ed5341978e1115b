//! The desk: developments as the grouper forms them from incoming reports, and as editors decide on them
//! (approve, edit, merge, split, move a report, dismiss). Every decision is kept as a desk record.
//!
//! Architecture invariant: the grouper in memory and the memberships in the store change together, under
//! one lock ([`App::grouping`]); a restart rebuilds the grouper from the stored memberships.

use jiff::SignedDuration;
use livebrief_cluster::Grouper;
use livebrief_model::{
    Actor, BodyFormat, BriefingId, DeskAction, DeskRecord, DevStatus, Development, DevelopmentId, EditedText, JobId,
    Membership, Report, ReportId, SourceId, Status, Summary,
};
use livebrief_store::{Attach, DeskKind, DevQuery, DevUpdate, GroupingLock, NewRecord, Regroup, Target};
use tokio::sync::MutexGuard;

use crate::{App, AppError, Command, EditInput, EntryInput, Result, draft, grouping};

/// What changed on the desk, for the desk's live view (not public: readers never see it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeskNotice {
    pub briefing_id: BriefingId,
    pub change: DeskChange,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeskChange {
    Development(DevelopmentId),
    Source(SourceId),
    Job(JobId),
}

/// A development with what the desk shows of it.
#[derive(Debug, Clone)]
pub struct DevelopmentView {
    pub development: Development,
    pub reports: Vec<(Membership, Report)>,
    pub records: Vec<DeskRecord>,
}

/// Who the grouper's own maintenance (a split) is recorded as: no user has id 0.
struct GrouperActor {
    id: livebrief_model::UserId,
    name: &'static str,
}
const GROUPER: GrouperActor = GrouperActor {
    id: livebrief_model::UserId(0),
    name: "grouper",
};

/// How far back the grouper is rebuilt on start (reports received since then).
const RESTORE_DAYS: i64 = 45;

fn dev_id(g: u64) -> DevelopmentId {
    DevelopmentId(g as i64)
}

/// One grouper per briefing.
pub(crate) type Groupers = std::collections::HashMap<BriefingId, Grouper>;

/// The groupers of this instance and the newest membership change they reflect.
pub(crate) struct Grouping {
    groupers: Option<Groupers>,
    /// (change number, report): the last membership change applied (see
    /// [`livebrief_store::DeskStore::membership_changes`]).
    seen: (i64, ReportId),
}

impl Default for Grouping {
    fn default() -> Self {
        Grouping {
            groupers: None,
            seen: (0, ReportId(0)),
        }
    }
}

/// The groupers, held with the store's grouping lock (see [`App::grouping`]).
pub(crate) struct GroupingGuard<'a> {
    local: MutexGuard<'a, Grouping>,
    _shared: GroupingLock,
}

impl std::ops::Deref for GroupingGuard<'_> {
    type Target = Option<Groupers>;
    fn deref(&self) -> &Option<Groupers> {
        &self.local.groupers
    }
}

impl std::ops::DerefMut for GroupingGuard<'_> {
    fn deref_mut(&mut self) -> &mut Option<Groupers> {
        &mut self.local.groupers
    }
}

/// Membership changes read per step when catching up.
const CATCH_UP_CHANGES: usize = 500;

/// A grouper forgets developments whose latest day is older than [`RESTORE_DAYS`] every this many reports
/// (what a restart would not rebuild either).
const FORGET_EVERY: usize = 256;

impl App {
    /// The groupers (one per briefing: a development never spans briefings), rebuilt from the store's
    /// memberships on first use.
    ///
    /// Held with the store's grouping lock, so one grouping or desk decision runs at a time across every
    /// instance on a shared store; on taking it, the groupers catch up with the membership changes other
    /// instances made since this one last held it ([`App::catch_up_grouping`]).
    pub(crate) async fn grouping(&self) -> Result<GroupingGuard<'_>> {
        let mut g = self.grouping.lock().await;
        let shared = self.store.lock_grouping().await?;
        if g.groupers.is_some() {
            self.catch_up_grouping(&mut g).await?;
        } else {
            // Every change up to here is in what is read below: the lock keeps writers out meanwhile.
            let seq = self.store.membership_seq().await?;
            let since = self
                .now()
                .checked_sub(SignedDuration::from_hours(24 * RESTORE_DAYS))
                .unwrap_or(self.now());
            let members = self.store.memberships_since(since).await?;
            let n = members.len();
            // Tokenising weeks of reports is CPU work: off the async threads.
            let groupers = tokio::task::spawn_blocking(move || {
                let mut map = Groupers::new();
                for (m, r) in &members {
                    map.entry(r.briefing_id)
                        .or_insert_with(|| Grouper::new(grouping::config()))
                        .insert(r.id.0 as u64, &grouping::doc_of(r), m.development_id.0 as u64);
                }
                map
            })
            .await
            .map_err(|e| AppError::Invalid(format!("rebuilding the grouper failed: {e}")))?;
            tracing::info!(
                reports = n,
                briefings = groupers.len(),
                "grouper rebuilt from the store"
            );
            g.groupers = Some(groupers);
            g.seen = (seq, ReportId(i64::MAX));
        }
        Ok(GroupingGuard {
            local: g,
            _shared: shared,
        })
    }

    /// Brings the groupers up to the store's memberships: each change since the last one seen moves a report
    /// the grouper holds to its development now, or adds one it does not hold (grouped by another instance).
    /// This instance's own changes come back too and change nothing.
    async fn catch_up_grouping(&self, g: &mut Grouping) -> Result<()> {
        let mut applied = 0usize;
        loop {
            let changes = self.store.membership_changes(g.seen, CATCH_UP_CHANGES).await?;
            let full = changes.len() == CATCH_UP_CHANGES;
            for ch in changes {
                let groupers = g.groupers.get_or_insert_with(Groupers::new);
                let grouper = groupers
                    .entry(ch.briefing_id)
                    .or_insert_with(|| Grouper::new(grouping::config()));
                let (doc, dev) = (ch.report_id.0 as u64, ch.development_id.0 as u64);
                match grouper.group_of(doc) {
                    Some(now) if now == dev => {}
                    Some(_) => {
                        grouper.move_doc(doc, dev);
                        applied += 1;
                    }
                    None => {
                        if let Some(r) = self.store.report(ch.report_id).await? {
                            grouper.insert(doc, &grouping::doc_of(&r), dev);
                            applied += 1;
                        }
                    }
                }
                g.seen = (ch.seq, ch.report_id);
            }
            if !full {
                break;
            }
        }
        if applied > 0 {
            tracing::info!(
                changes = applied,
                "grouper caught up with other instances' grouping and desk decisions"
            );
        }
        Ok(())
    }

    pub(crate) fn desk_notify(&self, briefing_id: BriefingId, change: DeskChange) {
        // Nobody watching the desk is fine.
        let _ = self.desk_bus.send(DeskNotice {
            briefing_id,
            change: change.clone(),
        });
        if self.follows_feed {
            // Other instances' desk views follow too (a notification; a lost one costs a stale desk view
            // until its next change, never data).
            let (store, origin) = (self.store.clone(), self.origin);
            let (kind, id) = match change {
                DeskChange::Development(d) => (DeskKind::Development, d.0),
                DeskChange::Source(s) => (DeskKind::Source, s.0),
                DeskChange::Job(j) => (DeskKind::Job, j.0),
            };
            tokio::spawn(async move {
                if let Err(e) = store.announce_desk(origin, briefing_id, kind, id).await {
                    tracing::debug!(error = %e, "announcing a desk change to other instances");
                }
            });
        }
    }

    /// A desk change another instance announced: to this instance's desk views.
    pub(crate) fn desk_heard(&self, origin: u64, briefing_id: BriefingId, kind: DeskKind, id: i64) {
        if origin == self.origin {
            return;
        }
        let change = match kind {
            DeskKind::Development => DeskChange::Development(DevelopmentId(id)),
            DeskKind::Source => DeskChange::Source(SourceId(id)),
            DeskKind::Job => DeskChange::Job(JobId(id)),
        };
        let _ = self.desk_bus.send(DeskNotice { briefing_id, change });
    }

    /// Receives every desk change from now on.
    pub fn subscribe_desk(&self) -> tokio::sync::broadcast::Receiver<DeskNotice> {
        self.desk_bus.subscribe()
    }

    /// Puts a stored report into the development it belongs to (or a new one) and refreshes that
    /// development's draft, facets and corroboration. A report already grouped (the same address read again)
    /// stays where it is and its development is refreshed.
    pub async fn group_report(&self, report: &Report) -> Result<Development> {
        let mut guard = self.grouping().await?;
        let Some(groupers) = guard.as_mut() else {
            return Err(AppError::Invalid("the grouper is not available".into()));
        };
        let g = groupers
            .entry(report.briefing_id)
            .or_insert_with(|| Grouper::new(grouping::config()));
        let doc = grouping::doc_of(report);
        let existing = self.store.membership(report.id).await?;
        let already_in = existing.as_ref().map(|m| m.development_id);
        let (mut target, near, score) = match existing {
            Some(m) => (Target::Existing(m.development_id), m.near_duplicate_of, m.score),
            None => {
                let d = g.assign(&doc);
                (
                    d.group.map_or(Target::New, |x| Target::Existing(dev_id(x))),
                    d.near_duplicate_of.map(|r| ReportId(r as i64)),
                    d.score,
                )
            }
        };
        // A development merged away hands its newcomers on to the one it joined. A dismissed one takes no new
        // reports (unless the report was already in it): new reports of a story set aside come back to the desk
        // as a development of their own, for the desk to decide again.
        for _ in 0..8 {
            let Target::Existing(id) = target else { break };
            match self.store.development(id).await? {
                Some(d) if d.status == DevStatus::Merged => {
                    target = d.merged_into.map_or(Target::New, Target::Existing);
                }
                Some(d) if d.status == DevStatus::Dismissed && already_in != Some(d.id) => target = Target::New,
                Some(d) if d.briefing_id != report.briefing_id => target = Target::New,
                Some(_) => break,
                None => target = Target::New,
            }
        }
        let mut reports: Vec<Report> = match target {
            Target::Existing(id) => self
                .store
                .development_reports(id)
                .await?
                .into_iter()
                .map(|(_, r)| r)
                .filter(|r| r.id != report.id)
                .collect(),
            Target::New => Vec::new(),
        };
        reports.push(report.clone());
        let summary = summarize_off_thread(reports).await?;
        let dev = self
            .store
            .attach(
                &Attach {
                    briefing_id: report.briefing_id,
                    report_id: report.id,
                    target,
                    near_duplicate_of: near,
                    score,
                    summary,
                },
                self.now(),
            )
            .await?;
        g.insert(report.id.0 as u64, &doc, dev.id.0 as u64);
        let dev = self.split_if_two(g, dev, report.id).await?;
        if g.len() % FORGET_EVERY == 0 {
            let horizon = report
                .published
                .checked_sub(jiff::Span::new().days(RESTORE_DAYS))
                .unwrap_or(report.published);
            let forgotten = g.forget_before(horizon);
            tracing::debug!(
                briefing = report.briefing_id.0,
                forgotten,
                "grouper forgot old developments"
            );
        }
        drop(guard);
        tracing::info!(
            report_id = report.id.0,
            development_id = dev.id.0,
            reports = dev.report_count,
            near_duplicate = near.map(|r| r.0),
            score,
            "report grouped"
        );
        self.desk_notify(dev.briefing_id, DeskChange::Development(dev.id));
        Ok(dev)
    }

    /// Whether an editor (anyone but the grouper) has acted on a development: then its reports are the editor's
    /// call and the grouper neither splits nor merges it.
    async fn editor_touched(&self, id: DevelopmentId) -> Result<bool> {
        Ok(self
            .store
            .desk_records(id)
            .await?
            .iter()
            .any(|r| r.actor_id != GROUPER.id))
    }

    /// The grouper's maintenance after a report joined `dev`: when the development has come to describe the same
    /// event as another ([`Grouper::merge_of`]), the smaller merges into the larger; then the reports standing alone
    /// that now belong to it ([`Grouper::strays_of`]) join it. Only developments open on the desk and untouched by
    /// editors are merged, on the record as the grouper's merges. Returns the development the report is now in.
    async fn merge_if_one(&self, g: &mut Grouper, dev: Development) -> Result<Development> {
        let mut dev = dev;
        if let Some((from, into)) = g.merge_of(dev.id.0 as u64) {
            let detail = format!("into #{into}: one event in two");
            if let Some(to) = self.grouper_merge(g, dev_id(from), dev_id(into), detail).await? {
                dev = to;
            }
        }
        for stray in g.strays_of(dev.id.0 as u64) {
            let detail = format!("into #{}: a report that stood alone belongs to it", dev.id.0);
            if let Some(to) = self.grouper_merge(g, dev_id(stray), dev.id, detail).await? {
                dev = to;
            }
        }
        Ok(dev)
    }

    /// Merges development `from` into `into` as the grouper, when both are open, of one briefing and untouched by
    /// editors. Returns the merged development, or `None` when it was not the grouper's to merge.
    async fn grouper_merge(
        &self,
        g: &mut Grouper,
        from: DevelopmentId,
        into: DevelopmentId,
        detail: String,
    ) -> Result<Option<Development>> {
        let (Some(a), Some(b)) = (self.store.development(from).await?, self.store.development(into).await?) else {
            return Ok(None);
        };
        if a.status != DevStatus::Open
            || b.status != DevStatus::Open
            || a.briefing_id != b.briefing_id
            || self.editor_touched(a.id).await?
            || self.editor_touched(b.id).await?
        {
            return Ok(None);
        }
        let (ids, all) = self.merging(a.id, b.id).await?;
        let to_summary = summarize_off_thread(all).await?;
        let (_, to) = self
            .store
            .regroup(&Regroup {
                reports: ids,
                from: a.id,
                from_version: a.version,
                to: Target::Existing(b.id),
                from_summary: None,
                to_summary,
                record: NewRecord {
                    action: "merge".to_string(),
                    actor_id: GROUPER.id,
                    actor_name: GROUPER.name.to_string(),
                    at: self.now(),
                    detail,
                },
            })
            .await?;
        g.merge(a.id.0 as u64, b.id.0 as u64);
        tracing::info!(
            development_id = a.id.0,
            into = b.id.0,
            "grouper merged two developments"
        );
        self.desk_notify(a.briefing_id, DeskChange::Development(a.id));
        Ok(Some(to))
    }

    /// The grouper's maintenance after a report joined `dev`: when the development has come to hold two events
    /// ([`Grouper::split_of`]: the first report of a second event joined early and the event's later reports
    /// followed it), the smaller part moves to a new development, on the record as the grouper's split. Only a
    /// development still open on the desk and untouched by editors is split: once an editor has acted on it, it is
    /// theirs.
    /// Returns the development `report` is now in.
    async fn split_if_two(&self, g: &mut Grouper, dev: Development, report: ReportId) -> Result<Development> {
        if dev.status != DevStatus::Open || self.editor_touched(dev.id).await? {
            return Ok(dev);
        }
        let Some(leaving) = g.split_of(dev.id.0 as u64) else {
            return self.merge_if_one(g, dev).await;
        };
        let ids: Vec<ReportId> = leaving.iter().map(|&r| ReportId(r as i64)).collect();
        let (staying, moving) = self.partition(dev.id, &ids).await?;
        if staying.is_empty() || moving.is_empty() {
            return Ok(dev);
        }
        let record = NewRecord {
            action: "split".to_string(),
            actor_id: GROUPER.id,
            actor_name: GROUPER.name.to_string(),
            at: self.now(),
            detail: format!(
                "reports {} into a new development: two events in one",
                report_list(&ids)
            ),
        };
        let (from, to) = self.split_off(&dev, &ids, staying, moving, record).await?;
        for &r in &leaving {
            g.move_doc(r, to.id.0 as u64);
        }
        tracing::info!(
            development_id = from.id.0,
            new_development_id = to.id.0,
            reports = ids.len(),
            "grouper split a development"
        );
        self.desk_notify(to.briefing_id, DeskChange::Development(to.id));
        Ok(if ids.contains(&report) { to } else { from })
    }

    pub async fn developments(&self, q: &DevQuery) -> Result<Vec<Development>> {
        Ok(self.store.list_developments(q).await?)
    }

    pub async fn development(&self, id: DevelopmentId) -> Result<DevelopmentView> {
        let development = self
            .store
            .development(id)
            .await?
            .ok_or(AppError::NotFound("development"))?;
        let reports = self.store.development_reports(id).await?;
        let records = self.store.desk_records(id).await?;
        Ok(DevelopmentView {
            development,
            reports,
            records,
        })
    }

    /// An editor's (or contributor's) decision on a development. With `version`, refuses if the development
    /// changed since (a report joined, another editor acted). Returns the development as it now is (for a
    /// merge, the one it joined; for a split, the new one).
    pub async fn desk_act(
        &self,
        actor: &Actor,
        id: DevelopmentId,
        version: Option<i64>,
        action: DeskAction,
    ) -> Result<Development> {
        // Desk decisions and grouping change memberships together: one at a time.
        let mut guard = self.grouping().await?;
        let dev = self
            .store
            .development(id)
            .await?
            .ok_or(AppError::NotFound("development"))?;
        if let Some(v) = version
            && v != dev.version
        {
            return Err(AppError::Conflict(format!(
                "the development changed since you opened it (version {} now, not {v}); reload and try again",
                dev.version
            )));
        }
        dev.check(&action, actor)?;
        let now = self.now();
        let record = |detail: String| NewRecord {
            action: action.name().to_string(),
            actor_id: actor.id,
            actor_name: actor.name.clone(),
            at: now,
            detail,
        };
        let update = |status, edited, entry_id, dismissed, reset, detail| DevUpdate {
            id: dev.id,
            version: dev.version,
            status,
            edited,
            entry_id,
            dismissed,
            reset_since_publish: reset,
            record: record(detail),
        };
        let mut quotes_of = None;
        let out = match &action {
            DeskAction::Edit { headline, body } => {
                let edited = EditedText {
                    headline: headline.trim().to_string(),
                    body: body.trim().to_string(),
                    by: actor.name.clone(),
                    at: now,
                };
                let u = update(dev.status, Some(edited), dev.entry_id, None, false, String::new());
                self.store.update_development(&u).await?
            }
            DeskAction::Approve | DeskAction::UpdateEntry => {
                let reports: Vec<Report> = self
                    .store
                    .development_reports(dev.id)
                    .await?
                    .into_iter()
                    .map(|(_, r)| r)
                    .collect();
                let refs: Vec<&Report> = reports.iter().collect();
                let (headline, body) = dev.text();
                if headline.trim().is_empty() && matches!(action, DeskAction::Approve) {
                    return Err(AppError::Invalid(
                        "the draft has no headline (its reports gave none): edit it first".into(),
                    ));
                }
                // The machine's draft is plain text from reports: escaped, never markup. An editor writes Markdown.
                let (format, body) = match dev.edited {
                    Some(_) => (BodyFormat::Markdown, body.to_string()),
                    None => (BodyFormat::Html, format!("<p>{}</p>", escape(body))),
                };
                let b = self
                    .briefing_by_id(dev.briefing_id)
                    .ok_or(AppError::NotFound("briefing"))?;
                let entry = match (&action, dev.entry_id) {
                    (DeskAction::UpdateEntry, Some(entry_id)) => {
                        self.change_entry(
                            actor,
                            entry_id,
                            Command::Edit(EditInput {
                                sources: Some(draft::citations(&refs)),
                                ..Default::default()
                            }),
                            None,
                        )
                        .await?
                    }
                    _ => {
                        self.create_entry(
                            actor,
                            &b.slug,
                            EntryInput {
                                headline: headline.chars().take(livebrief_model::limits::HEADLINE_CHARS).collect(),
                                body_format: format,
                                body,
                                happened_on: dev.draft.happened_on,
                                topics: draft::topics(&refs),
                                sources: draft::citations(&refs),
                                pinned: false,
                                key_event: false,
                                status: Status::Published,
                            },
                        )
                        .await?
                    }
                };
                let detail = format!("entry #{} ({})", entry.id.0, entry.status.as_str());
                let u = update(
                    DevStatus::Published,
                    dev.edited.clone(),
                    Some(entry.id),
                    None,
                    true,
                    detail,
                );
                let published = self.store.update_development(&u).await?;
                quotes_of = Some(entry);
                published
            }
            DeskAction::Dismiss { reason } => {
                let u = update(
                    DevStatus::Dismissed,
                    dev.edited.clone(),
                    dev.entry_id,
                    Some(reason.trim().to_string()),
                    false,
                    format!("reason: {}", reason.trim()),
                );
                self.store.update_development(&u).await?
            }
            DeskAction::Reopen => {
                let u = update(
                    DevStatus::Open,
                    dev.edited.clone(),
                    dev.entry_id,
                    None,
                    false,
                    String::new(),
                );
                self.store.update_development(&u).await?
            }
            DeskAction::MergeInto(into) => {
                let other = self.live_target(*into, dev.briefing_id).await?;
                let (ids, all) = self.merging(dev.id, other.id).await?;
                let (_, to) = self
                    .store
                    .regroup(&Regroup {
                        reports: ids,
                        from: dev.id,
                        from_version: dev.version,
                        to: Target::Existing(other.id),
                        from_summary: None,
                        to_summary: summarize_off_thread(all).await?,
                        record: record(format!("into #{}", other.id.0)),
                    })
                    .await?;
                if let Some(g) = guard.as_mut().and_then(|m| m.get_mut(&dev.briefing_id)) {
                    g.merge(dev.id.0 as u64, other.id.0 as u64);
                }
                self.desk_notify(dev.briefing_id, DeskChange::Development(dev.id));
                to
            }
            DeskAction::Split(ids) => {
                let (staying, leaving) = self.partition(dev.id, ids).await?;
                let detail = format!("reports {} into a new development", report_list(ids));
                let (_, to) = self.split_off(&dev, ids, staying, leaving, record(detail)).await?;
                if let Some(g) = guard.as_mut().and_then(|m| m.get_mut(&dev.briefing_id)) {
                    for r in ids {
                        g.move_doc(r.0 as u64, to.id.0 as u64);
                    }
                }
                self.desk_notify(dev.briefing_id, DeskChange::Development(dev.id));
                to
            }
            DeskAction::MoveReport { report, to } => {
                let other = self.live_target(*to, dev.briefing_id).await?;
                let (staying, leaving) = self.partition(dev.id, std::slice::from_ref(report)).await?;
                let mut joined: Vec<Report> = self
                    .store
                    .development_reports(other.id)
                    .await?
                    .into_iter()
                    .map(|(_, r)| r)
                    .collect();
                joined.extend(leaving);
                let (from, _) = self
                    .store
                    .regroup(&Regroup {
                        reports: vec![*report],
                        from: dev.id,
                        from_version: dev.version,
                        to: Target::Existing(other.id),
                        from_summary: if staying.is_empty() {
                            None
                        } else {
                            Some(summarize_off_thread(staying).await?)
                        },
                        to_summary: summarize_off_thread(joined).await?,
                        record: record(format!("report #{} to #{}", report.0, other.id.0)),
                    })
                    .await?;
                if let Some(g) = guard.as_mut().and_then(|m| m.get_mut(&dev.briefing_id)) {
                    g.move_doc(report.0 as u64, other.id.0 as u64);
                }
                self.desk_notify(dev.briefing_id, DeskChange::Development(other.id));
                from
            }
        };
        drop(guard);
        // The quote tracker records the entry's quotes outside the grouping lock (many small writes).
        if let Some(entry) = quotes_of {
            self.record_quotes_logged(&out, &entry).await;
        }
        tracing::info!(development_id = dev.id.0, actor = %actor.name, action = action.name(), "desk action");
        self.desk_notify(out.briefing_id, DeskChange::Development(out.id));
        Ok(out)
    }

    /// A development reports can move into: in the same briefing, not merged away.
    async fn live_target(&self, id: DevelopmentId, briefing: BriefingId) -> Result<Development> {
        let d = self
            .store
            .development(id)
            .await?
            .ok_or(AppError::NotFound("development"))?;
        if d.briefing_id != briefing {
            return Err(AppError::Invalid("the other development is in another briefing".into()));
        }
        if d.status == DevStatus::Merged {
            return Err(AppError::Conflict(format!(
                "development #{} was merged into another",
                d.id.0
            )));
        }
        Ok(d)
    }

    /// The reports of a development that stay and those named, which must all be in it.
    /// Moves reports `ids` (the `moving` ones) out of `dev` into a new development; both drafts are written off the
    /// async threads. The editor's split and the grouper's.
    async fn split_off(
        &self,
        dev: &Development,
        ids: &[ReportId],
        staying: Vec<Report>,
        moving: Vec<Report>,
        record: NewRecord,
    ) -> Result<(Development, Development)> {
        let from_summary = summarize_off_thread(staying).await?;
        let to_summary = summarize_off_thread(moving).await?;
        Ok(self
            .store
            .regroup(&Regroup {
                reports: ids.to_vec(),
                from: dev.id,
                from_version: dev.version,
                to: Target::New,
                from_summary: Some(from_summary),
                to_summary,
                record,
            })
            .await?)
    }

    /// For a merge of `from` into `into`: the reports that move, and every report of the merged development.
    async fn merging(&self, from: DevelopmentId, into: DevelopmentId) -> Result<(Vec<ReportId>, Vec<Report>)> {
        let moving = self.store.development_reports(from).await?;
        let ids: Vec<ReportId> = moving.iter().map(|(_, r)| r.id).collect();
        let mut all: Vec<Report> = self
            .store
            .development_reports(into)
            .await?
            .into_iter()
            .map(|(_, r)| r)
            .collect();
        all.extend(moving.into_iter().map(|(_, r)| r));
        Ok((ids, all))
    }

    async fn partition(&self, id: DevelopmentId, ids: &[ReportId]) -> Result<(Vec<Report>, Vec<Report>)> {
        let (leaving, staying): (Vec<Report>, Vec<Report>) = self
            .store
            .development_reports(id)
            .await?
            .into_iter()
            .map(|(_, r)| r)
            .partition(|r| ids.contains(&r.id));
        if leaving.len() != ids.len() {
            return Err(AppError::Invalid(format!(
                "not every report named is in development #{}",
                id.0
            )));
        }
        Ok((staying, leaving))
    }
}

/// "#3, #7": reports named in a desk record.
fn report_list(ids: &[ReportId]) -> String {
    ids.iter().map(|r| format!("#{}", r.0)).collect::<Vec<_>>().join(", ")
}

/// [`summary_of`] on a blocking thread: drafting reads every report of a development.
async fn summarize_off_thread(reports: Vec<Report>) -> Result<Summary> {
    tokio::task::spawn_blocking(move || summary_of(&reports))
        .await
        .map_err(|e| AppError::Invalid(format!("the draft could not be written: {e}")))?
}

fn summary_of(reports: &[Report]) -> Result<Summary> {
    let refs: Vec<&Report> = reports.iter().collect();
    draft::summarize(&refs).ok_or_else(|| AppError::Invalid("a development needs at least one report".into()))
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}
