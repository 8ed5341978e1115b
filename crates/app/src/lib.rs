//! Use cases: what editors, contributors and automation can do, whatever the door they come through
//! (HTML forms, the JSON API, the CLI, later the ingest pipeline).
//!
//! Architecture invariant: every public change goes through [`App`], which stores it (entry, revision and
//! event in one transaction) and then announces it on the bus, in event-id order. Pages, feeds and the
//! live stream derive from the store and the bus; nothing else writes entries.

mod accounts;
mod clock;
pub mod desk;
pub mod draft;
pub mod grouping;
pub mod ingest;
pub mod maps;
pub mod pipeline;
pub mod quotes;
mod reports;
pub mod sources;

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use livebrief_model::{
    Action, Actor, BodyFormat, Briefing, BriefingDraft, BriefingId, Change, Citation, Date, Entry, EntryDraft,
    EntryEdit, EntryId, Event, EventId, Revision, RuleError, Status, Timestamp, Visibility,
};
use livebrief_store::{EntryQuery, FeedItem, Page, Store, StoreError};
use tokio::sync::broadcast;

pub use accounts::{
    API_TOKEN_DEFAULT_DAYS, API_TOKEN_MAX_DAYS, Credentials, NewToken, PASSWORD_CHECKS, PASSWORD_QUEUE, PasswordError,
    hash_password, token_hash, verify_password,
};
pub use clock::{Clock, ManualClock, SystemClock};
pub use desk::{DeskChange, DeskNotice, DevelopmentView};
pub use ingest::{Ingest, IngestConfig, JobOutcome, PollReport};
pub use pipeline::{ReportBody, ReportInput, Understood, understand};
pub use sources::{ImportReport, SourceInput};

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("{0}")]
    Invalid(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    Conflict(String),
    /// A report with this URL exists and the actor may not replace it.
    #[error("{message}")]
    ReportTaken {
        id: livebrief_model::ReportId,
        message: String,
    },
    #[error("wrong user name or password")]
    BadCredentials,
    /// Too much of a bounded resource is in use (password checks); try again in a moment.
    #[error("the server is busy; try again in a moment")]
    Busy,
    /// The database could not be reached or was busy: nothing was written; try again in a moment.
    #[error("{0}")]
    Unavailable(String),
    #[error(transparent)]
    Store(StoreError),
}

impl From<RuleError> for AppError {
    fn from(e: RuleError) -> Self {
        match e {
            RuleError::Invalid(m) => AppError::Invalid(m),
            RuleError::Forbidden(m) => AppError::Forbidden(m),
            RuleError::Conflict(m) => AppError::Conflict(m),
        }
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Conflict(m) => AppError::Conflict(m),
            StoreError::NotFound => AppError::NotFound("record"),
            e if e.is_transient() => AppError::Unavailable(e.to_string()),
            other => AppError::Store(other),
        }
    }
}

pub type Result<T, E = AppError> = std::result::Result<T, E>;

/// What the bus carries: a stored public event with the state it announces.
#[derive(Debug, Clone)]
pub struct Notice {
    pub event: Event,
    pub briefing: Briefing,
    pub entry: Option<Entry>,
    /// A map layer's figures and outline, when the event is about one.
    pub map: Option<Arc<maps::MapNotice>>,
}

/// An entry as an author writes it: the body is raw Markdown or HTML, rendered and sanitised here.
#[derive(Debug, Clone)]
pub struct EntryInput {
    pub headline: String,
    pub body_format: BodyFormat,
    pub body: String,
    pub happened_on: Option<Date>,
    pub topics: Vec<String>,
    pub sources: Vec<Citation>,
    pub pinned: bool,
    pub key_event: bool,
    /// `Published` asks to publish now (contributors' entries go to review instead).
    pub status: Status,
}

/// A text edit as an author writes it.
#[derive(Debug, Clone, Default)]
pub struct EditInput {
    pub headline: Option<String>,
    pub body: Option<(BodyFormat, String)>,
    pub happened_on: Option<Date>,
    pub topics: Option<Vec<String>>,
    pub sources: Option<Vec<Citation>>,
    pub correction_note: Option<String>,
}

#[derive(Debug, Clone)]
pub enum Command {
    Edit(EditInput),
    Submit,
    Publish,
    Approve,
    Pin(bool),
    KeyEvent(bool),
    Retract { note: String },
}

const BUS_CAPACITY: usize = 1024;

pub struct App {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    bus: broadcast::Sender<Arc<Notice>>,
    /// Serialises writes with their announcements, so the bus carries events in id order.
    write_lock: tokio::sync::Mutex<()>,
    /// Briefings by slug, and the newest event id of each: what cached pages are keyed on.
    briefings: RwLock<HashMap<String, (Briefing, EventId)>>,
    /// The online groupers, one per briefing (rebuilt from the store on first use); also serialises desk
    /// decisions.
    grouping: tokio::sync::Mutex<desk::Grouping>,
    /// This process, as the origin of its desk announcements (random per start).
    origin: u64,
    /// Desk changes (developments, sources, jobs) for the desk's live view.
    desk_bus: broadcast::Sender<desk::DeskNotice>,
    /// Bounds the argon2id checks in flight (memory and cores), see `accounts::PASSWORD_CHECKS`.
    password_gate: accounts::PasswordGate,
    /// The store has a change feed (PostgreSQL): other instances write too, and a briefing's event ids are
    /// contiguous, so a gap before a local event is another instance's events, announced first.
    follows_feed: bool,
    /// Computed map changes and series, by the stored layer revisions they came from (immutable: a correction
    /// is a new revision, so an entry never goes stale).
    map_cache: maps::MapCache,
}

/// Stored events read per step when catching up with other instances' writes.
const CATCH_UP_PAGE: usize = 500;

impl App {
    pub async fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>) -> Result<Arc<App>> {
        let last: HashMap<BriefingId, EventId> = store.last_event_ids().await?.into_iter().collect();
        let briefings = store
            .list_briefings()
            .await?
            .into_iter()
            .map(|b| {
                let v = last.get(&b.id).copied().unwrap_or(EventId(0));
                (b.slug.clone(), (b, v))
            })
            .collect();
        let (bus, _) = broadcast::channel(BUS_CAPACITY);
        let (desk_bus, _) = broadcast::channel(BUS_CAPACITY);
        // Subscribed before anything else can happen; its first item is a resync, which covers what other
        // instances wrote since the reads above.
        let feed = store.change_feed();
        let app = Arc::new(App {
            store,
            clock,
            bus,
            write_lock: Default::default(),
            briefings: RwLock::new(briefings),
            grouping: Default::default(),
            origin: rand::random(),
            desk_bus,
            password_gate: accounts::PasswordGate::new(accounts::PASSWORD_CHECKS, accounts::PASSWORD_QUEUE),
            follows_feed: feed.is_some(),
            map_cache: Default::default(),
        });
        if let Some(rx) = feed {
            tokio::spawn(follow_feed(Arc::downgrade(&app), rx));
        }
        Ok(app)
    }

    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    pub fn now(&self) -> Timestamp {
        self.clock.now()
    }

    /// Receives every public change from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<Notice>> {
        self.bus.subscribe()
    }

    pub fn subscriber_count(&self) -> usize {
        self.bus.receiver_count()
    }

    /// A briefing and the id of its newest public event, from memory.
    pub fn briefing(&self, slug: &str) -> Option<(Briefing, EventId)> {
        self.briefings
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .get(slug)
            .cloned()
    }

    /// The id of a briefing's newest public event, from memory (no copy of the briefing): what a cached
    /// page is checked against on every request.
    pub fn version(&self, slug: &str) -> Option<EventId> {
        self.briefings
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .get(slug)
            .map(|(_, v)| *v)
    }

    /// As [`App::briefing`]; with other instances writing (PostgreSQL), a slug not known here is looked up in
    /// the store (created elsewhere a moment ago, its notification not here yet) and caught up at once.
    pub async fn find_briefing(&self, slug: &str) -> Option<(Briefing, EventId)> {
        if let Some(found) = self.briefing(slug) {
            return Some(found);
        }
        if !self.follows_feed {
            return None;
        }
        let b = match self.store.briefing_by_slug(slug).await {
            Ok(b) => b?,
            Err(e) => {
                tracing::warn!(error = %e, "looking a briefing up in the store");
                return None;
            }
        };
        if let Err(e) = self.catch_up(b.id, None).await {
            tracing::warn!(error = %e, "catching up a briefing created elsewhere");
        }
        self.briefing(slug)
    }

    pub fn briefings(&self) -> Vec<Briefing> {
        let map = self.briefings.read().unwrap_or_else(|p| p.into_inner());
        let mut v: Vec<Briefing> = map.values().map(|(b, _)| b.clone()).collect();
        v.sort_by(|a, b| b.updated_at.cmp(&a.updated_at).then(b.id.cmp(&a.id)));
        v
    }

    pub fn briefing_by_id(&self, id: BriefingId) -> Option<Briefing> {
        let map = self.briefings.read().unwrap_or_else(|p| p.into_inner());
        map.values().find(|(b, _)| b.id == id).map(|(b, _)| b.clone())
    }

    fn remember(&self, b: &Briefing, ev: Option<EventId>) {
        let mut map = self.briefings.write().unwrap_or_else(|p| p.into_inner());
        let slot = map.entry(b.slug.clone()).or_insert_with(|| (b.clone(), EventId(0)));
        slot.0 = b.clone();
        if let Some(ev) = ev {
            slot.1 = slot.1.max(ev);
        }
    }

    fn announce(&self, briefing: Briefing, event: Event, entry: Option<Entry>) {
        self.remember(&briefing, Some(event.id));
        // No receivers is fine: nobody is watching.
        let _ = self.bus.send(Arc::new(Notice {
            event,
            briefing,
            entry,
            map: None,
        }));
    }

    fn announce_map(&self, briefing: Briefing, event: Event, map: Option<Arc<maps::MapNotice>>) {
        self.remember(&briefing, Some(event.id));
        let _ = self.bus.send(Arc::new(Notice {
            event,
            briefing,
            entry: None,
            map,
        }));
    }

    /// [`Self::publish`] for an event about a map layer.
    pub(crate) async fn publish_map(&self, briefing: Briefing, event: Event, map: Option<Arc<maps::MapNotice>>) {
        if self.follows_feed {
            let known = self.version_by_id(briefing.id).unwrap_or(EventId(0));
            if event.id.0 > known.0 + 1
                && let Err(e) = self.announce_stored(briefing.id, Some(EventId(event.id.0 - 1))).await
            {
                tracing::error!(error = %e, briefing = briefing.id.0, "reading other instances' events");
            }
        }
        self.announce_map(briefing, event, map);
    }

    fn version_by_id(&self, id: BriefingId) -> Option<EventId> {
        let map = self.briefings.read().unwrap_or_else(|p| p.into_inner());
        map.values().find(|(b, _)| b.id == id).map(|(_, v)| *v)
    }

    /// Announces a locally written event (under the write lock). With other instances writing, the events
    /// between the newest announced here and this one are theirs, not heard of yet: announced first, in order.
    async fn publish(&self, briefing: Briefing, event: Event, entry: Option<Entry>) {
        if self.follows_feed {
            let known = self.version_by_id(briefing.id).unwrap_or(EventId(0));
            if event.id.0 > known.0 + 1
                && let Err(e) = self.announce_stored(briefing.id, Some(EventId(event.id.0 - 1))).await
            {
                tracing::error!(error = %e, briefing = briefing.id.0, "reading other instances' events");
            }
        }
        self.announce(briefing, event, entry);
    }

    /// Announces a briefing's stored events after the newest announced here, up to `upto` (all without), and
    /// refreshes the briefing itself (created or changed elsewhere). The caller holds the write lock.
    async fn announce_stored(&self, id: BriefingId, upto: Option<EventId>) -> Result<()> {
        let Some(briefing) = self.store.briefing(id).await? else {
            return Ok(());
        };
        self.remember(&briefing, None);
        let mut last = self.version_by_id(id).unwrap_or(EventId(0));
        loop {
            let events = self.store.events_after(id, last, CATCH_UP_PAGE).await?;
            let n = events.len();
            for event in events {
                if upto.is_some_and(|u| event.id > u) {
                    return Ok(());
                }
                last = event.id;
                if let livebrief_model::Subject::MapLayer(l) = event.subject {
                    let map = self.map_notice_by_id(&briefing, l).await;
                    self.announce_map(briefing.clone(), event, map);
                    continue;
                }
                let entry = match event.entry_id() {
                    Some(e) => self.store.entry(e).await?,
                    None => None,
                };
                self.announce(briefing.clone(), event, entry);
            }
            if n < CATCH_UP_PAGE {
                return Ok(());
            }
        }
    }

    /// Brings this instance up to what the store holds for a briefing (up to `upto`, or all).
    async fn catch_up(&self, id: BriefingId, upto: Option<EventId>) -> Result<()> {
        let known = |app: &App| upto.is_some_and(|u| app.version_by_id(id).is_some_and(|v| v >= u));
        // This instance's own events come back through the feed too: nothing to do for them.
        if known(self) {
            return Ok(());
        }
        let _w = self.write_lock.lock().await;
        if known(self) {
            return Ok(());
        }
        self.announce_stored(id, None).await
    }

    /// Catches up every briefing (after the feed was down, or fell behind).
    async fn catch_up_all(&self) -> Result<()> {
        for b in self.store.list_briefings().await? {
            self.catch_up(b.id, None).await?;
        }
        Ok(())
    }

    pub async fn create_briefing(&self, actor: &Actor, draft: BriefingDraft) -> Result<Briefing> {
        if !actor.role.can_publish() {
            return Err(AppError::Forbidden("only editors can create briefings".into()));
        }
        draft.validate()?;
        let b = self.store.create_briefing(&draft, self.now()).await?;
        self.remember(&b, None);
        Ok(b)
    }

    pub async fn update_briefing(&self, actor: &Actor, slug: &str, mut draft: BriefingDraft) -> Result<Briefing> {
        if !actor.role.can_publish() {
            return Err(AppError::Forbidden("only editors can change briefings".into()));
        }
        let (b, _) = self.find_briefing(slug).await.ok_or(AppError::NotFound("briefing"))?;
        draft.slug = b.slug.clone();
        draft.validate()?;
        let _w = self.write_lock.lock().await;
        let (b, ev) = self.store.update_briefing(b.id, &draft, self.now()).await?;
        self.publish(b.clone(), ev, None).await;
        Ok(b)
    }

    pub async fn create_entry(&self, actor: &Actor, slug: &str, input: EntryInput) -> Result<Entry> {
        let (b, _) = self.find_briefing(slug).await.ok_or(AppError::NotFound("briefing"))?;
        let now = self.now();
        let draft = EntryDraft {
            headline: input.headline,
            body: render_body(input.body_format, &input.body)?,
            happened_on: input.happened_on.unwrap_or_else(|| now.to_zoned(jiff_utc()).date()),
            topics: input.topics,
            sources: input.sources,
            pinned: input.pinned,
            key_event: input.key_event,
            status: input.status,
        };
        let change = draft.into_entry(b.id, actor, now)?;
        let _w = self.write_lock.lock().await;
        let (entry, ev) = self.store.insert_entry(change).await?;
        if let Some(ev) = ev {
            self.publish(b, ev, Some(entry.clone())).await;
        }
        tracing::info!(entry_id = entry.id.0, briefing = %slug, actor = %actor.name, status = entry.status.as_str(), "entry created");
        Ok(entry)
    }

    /// Applies a command to an entry. With `expected_version`, refuses if the entry changed since.
    pub async fn change_entry(
        &self,
        actor: &Actor,
        id: EntryId,
        cmd: Command,
        expected_version: Option<i64>,
    ) -> Result<Entry> {
        let action = match cmd {
            Command::Edit(e) => Action::Edit(EntryEdit {
                headline: e.headline,
                body: e.body.map(|(f, s)| render_body(f, &s)).transpose()?,
                happened_on: e.happened_on,
                topics: e.topics,
                sources: e.sources,
                correction_note: e.correction_note,
            }),
            Command::Submit => Action::Submit,
            Command::Publish => Action::Publish,
            Command::Approve => Action::Approve,
            Command::Pin(on) => Action::Pin(on),
            Command::KeyEvent(on) => Action::KeyEvent(on),
            Command::Retract { note } => Action::Retract { note },
        };
        let _w = self.write_lock.lock().await;
        let current = self.store.entry(id).await?.ok_or(AppError::NotFound("entry"))?;
        // What the actor may not see does not exist for them: not found, not "forbidden".
        if current.visibility(Some(actor)) == Visibility::Hidden {
            return Err(AppError::NotFound("entry"));
        }
        if let Some(v) = expected_version
            && v != current.version
        {
            return Err(AppError::Conflict(format!(
                "the entry is at version {}, not {v}; reload and try again",
                current.version
            )));
        }
        let change: Change = current.apply(action, actor, self.now())?;
        let action_name = change.revision.action.as_str();
        let (entry, ev) = self.store.save_change(change).await?;
        if let Some(ev) = ev {
            let b = self
                .briefing_by_id(entry.briefing_id)
                .ok_or(AppError::NotFound("briefing"))?;
            self.publish(b, ev, Some(entry.clone())).await;
        }
        tracing::info!(entry_id = entry.id.0, actor = %actor.name, action = action_name, "entry changed");
        Ok(entry)
    }

    pub async fn entry(&self, id: EntryId) -> Result<Entry> {
        self.store.entry(id).await?.ok_or(AppError::NotFound("entry"))
    }

    pub async fn list(&self, q: &EntryQuery) -> Result<Page> {
        Ok(self.store.list_entries(q).await?)
    }

    pub async fn revisions(&self, id: EntryId) -> Result<Vec<Revision>> {
        Ok(self.store.revisions(id).await?)
    }

    /// Events after `after` with the current state of what they announce, for replay after a reconnect.
    pub async fn replay(&self, briefing: &Briefing, after: EventId, limit: usize) -> Result<Vec<Notice>> {
        let events = self.store.events_after(briefing.id, after, limit).await?;
        let mut out = Vec::with_capacity(events.len());
        for event in events {
            let entry = match event.entry_id() {
                Some(id) => self.store.entry(id).await?,
                None => None,
            };
            let map = match event.subject {
                livebrief_model::Subject::MapLayer(l) => self.map_notice_by_id(briefing, l).await,
                _ => None,
            };
            out.push(Notice {
                event,
                briefing: briefing.clone(),
                entry,
                map,
            });
        }
        Ok(out)
    }
}

/// Follows the store's change feed: other instances' events go out on this instance's bus (so its live streams,
/// page versions and briefing list follow); after a gap in the feed, or a failed read, everything is caught up
/// from the store.
async fn follow_feed(app: std::sync::Weak<App>, mut rx: broadcast::Receiver<FeedItem>) {
    use broadcast::error::RecvError;
    let mut behind = false;
    loop {
        let item = if behind {
            match tokio::time::timeout(std::time::Duration::from_secs(1), rx.recv()).await {
                Ok(item) => item,
                Err(_) => Ok(FeedItem::Resync),
            }
        } else {
            rx.recv().await
        };
        let Some(app) = app.upgrade() else { return };
        let r = match item {
            Ok(FeedItem::Event(b, ev)) => app.catch_up(b, Some(ev)).await,
            Ok(FeedItem::Briefing(b)) => app.catch_up(b, None).await,
            Ok(FeedItem::Desk {
                origin,
                briefing,
                kind,
                id,
            }) => {
                app.desk_heard(origin, briefing, kind, id);
                Ok(())
            }
            Ok(FeedItem::Resync) | Err(RecvError::Lagged(_)) => app.catch_up_all().await.map(|()| behind = false),
            Err(RecvError::Closed) => return,
        };
        if let Err(e) = r {
            tracing::warn!(error = %e, "catching up with other instances' changes; retrying");
            behind = true;
        }
    }
}

fn jiff_utc() -> livebrief_model::TimeZone {
    livebrief_model::TimeZone::UTC
}

/// Renders an entry body, refusing one over the model's size limit before rendering it (the model checks
/// the limit too, but only after the rendering has been paid for).
fn render_body(format: livebrief_model::BodyFormat, source: &str) -> Result<livebrief_model::Body> {
    if source.len() > livebrief_model::limits::BODY_BYTES {
        return Err(AppError::Invalid(format!(
            "body is larger than {} KiB",
            livebrief_model::limits::BODY_BYTES / 1024
        )));
    }
    Ok(livebrief_content::render(format, source))
}
