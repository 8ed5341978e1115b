//! `livebrief migrate --from sqlite:PATH --to postgres://…`: a SQLite site with every kind of row, built through
//! the app and the store, moved by the real binary into a fresh PostgreSQL schema and read back equal through
//! the `Store` API; then the re-runs (already migrated, refused, `--replace`), a copy that fails midway, a
//! planted row, and the data directory's lock. Uses `LIVEBRIEF_TEST_DATABASE_URL`, else the local server;
//! without one the tests say "skipped: no PostgreSQL at …" and pass, unless `CI` is set.

use std::path::Path;
use std::process::Output;
use std::sync::Arc;

use livebrief_app::{App, Command, Credentials, EditInput, EntryInput, ManualClock, ReportBody, ReportInput};
use livebrief_model::{
    Actor, ApiToken, BodyFormat, Briefing, BriefingDraft, BriefingId, Date, DeskAction, DeskRecord, Development, Entry,
    Event, EventId, Job, JobState, Membership, NewJob, PollOutcome, Report, ReportChange, Retry, Revision, Role,
    Source, SourceDraft, SourceKind, Speaker, SpeakerAction, Status, Timestamp, TrackedQuote, User,
};
use livebrief_store::migrate::target_sums;
use livebrief_store::testing::TestSchema;
use livebrief_store::{DevOrder, DevQuery, EntryQuery, Order, PgStore, QuoteQuery, SeenItem, SqliteStore, Store};

use crate::support::{BIN, Server};

const PASSWORD: &str = "a long enough password";

fn t0() -> Timestamp {
    "2025-03-13T09:00:00Z".parse().expect("timestamp")
}

/// A fresh schema with the current livebrief tables, and the URL that puts a connection in it.
async fn target(tag: &str) -> Option<(TestSchema, String, PgStore)> {
    let s = livebrief_store::testing::schema(tag).await?;
    let store = PgStore::open_in_schema(&s.url, &s.name)
        .await
        .unwrap_or_else(|e| panic!("creating the test schema: {e}"));
    let url = s.url_in_schema();
    Some((s, url, store))
}

/// Runs `livebrief migrate ARGS` to completion.
async fn migrate(args: &[&str]) -> Output {
    let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    tokio::task::spawn_blocking(move || {
        std::process::Command::new(BIN)
            .arg("migrate")
            .args(&args)
            .env_remove("LIVEBRIEF_CONFIG")
            .env("LIVEBRIEF_LOG", "warn")
            .output()
            .expect("run livebrief migrate")
    })
    .await
    .expect("join")
}

fn text(o: &Output) -> String {
    format!(
        "status {:?}\nstdout:\n{}\nstderr:\n{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn entry(headline: &str, status: Status) -> EntryInput {
    EntryInput {
        headline: headline.into(),
        body_format: BodyFormat::Markdown,
        body: format!(
            "{headline}: **what happened**, with a [link](https://example.org/{})",
            headline.len()
        ),
        happened_on: Some(Date::constant(2025, 3, 13)),
        topics: vec!["Diplomacy".into()],
        sources: vec![],
        pinned: false,
        key_event: false,
        status,
    }
}

fn briefing(slug: &str) -> BriefingDraft {
    BriefingDraft {
        slug: slug.into(),
        title: format!("Briefing {slug}"),
        summary: "What we know".into(),
        language: "en".into(),
    }
}

/// The secrets the site's users hold, to try on PostgreSQL.
struct Secrets {
    session: String,
    token: String,
    revoked_token: String,
}

async fn report(app: &App, actor: &Actor, slug: &str, url: &str, outlet: &str, text: &str) -> Report {
    app.add_report(
        actor,
        slug,
        ReportInput {
            url: Some(url.into()),
            title: String::new(),
            source: outlet.into(),
            published: Some(Date::constant(2025, 3, 13)),
            body: ReportBody::Text(text.into()),
        },
    )
    .await
    .expect("report")
    .0
}

/// The development holding `r` alone (split off when the grouper put it with others).
async fn own_development(app: &App, ed: &Actor, r: &Report) -> Development {
    let m = app.store().membership(r.id).await.expect("read").expect("grouped");
    let d = app
        .development(m.development_id)
        .await
        .expect("development")
        .development;
    if d.report_count > 1 {
        app.desk_act(ed, d.id, None, DeskAction::Split(vec![r.id]))
            .await
            .expect("split")
    } else {
        d
    }
}

/// A site with every kind of row: accounts, a session, API tokens (one revoked), settings, two briefings whose
/// events interleave, entries published, corrected, retracted, pinned, pending and draft, a topic list,
/// reports (one replaced), developments approved, edited, dismissed and merged (into a newer one), quotes and
/// speakers (one renamed), sources with items and a failed poll, jobs queued, running, done and parked.
async fn build_site(db: &Path) -> Secrets {
    let store = SqliteStore::open(db).expect("open");
    let clock = Arc::new(ManualClock::new(t0()));
    let app = App::new(Arc::new(store), clock.clone()).await.expect("app");
    let admin = app
        .create_user("ada", Role::Admin, PASSWORD)
        .await
        .expect("user")
        .actor();
    let ed = app
        .create_user("eddie", Role::Editor, PASSWORD)
        .await
        .expect("user")
        .actor();
    let co = app
        .create_user("cora", Role::Contributor, PASSWORD)
        .await
        .expect("user")
        .actor();
    let session = app
        .login(Credentials {
            name: "eddie",
            password: PASSWORD,
        })
        .await
        .expect("login")
        .token;
    let (token, _) = app.issue_api_token(ed.id, "wire desk", Some(30)).await.expect("token");
    let (revoked_token, t) = app.issue_api_token(co.id, "old laptop", None).await.expect("token");
    app.revoke_api_token_as_operator(t.id).await.expect("revoke");
    app.store()
        .setting_or_init("migrate-test", vec![0, 255, 1, 2])
        .await
        .expect("setting");

    app.create_briefing(&admin, briefing("war")).await.expect("briefing");
    app.create_briefing(&admin, briefing("quiet")).await.expect("briefing");
    let mut war = Vec::new();
    for i in 0..6 {
        clock.advance(std::time::Duration::from_secs(60));
        war.push(
            app.create_entry(&ed, "war", entry(&format!("War update {i}"), Status::Published))
                .await
                .expect("entry"),
        );
        // Events of the two briefings interleave: SQLite's ids are global, so each briefing's have gaps.
        app.create_entry(&ed, "quiet", entry(&format!("Quiet note {i}"), Status::Published))
            .await
            .expect("entry");
    }
    app.change_entry(
        &ed,
        war[0].id,
        Command::Edit(EditInput {
            headline: Some("War update 0, corrected".into()),
            correction_note: Some("The first version gave the wrong town.".into()),
            ..EditInput::default()
        }),
        None,
    )
    .await
    .expect("correct");
    app.change_entry(
        &ed,
        war[1].id,
        Command::Retract {
            note: "This did not happen.".into(),
        },
        None,
    )
    .await
    .expect("retract");
    app.change_entry(&ed, war[2].id, Command::Pin(true), None)
        .await
        .expect("pin");
    app.change_entry(&ed, war[3].id, Command::KeyEvent(true), None)
        .await
        .expect("key event");
    app.create_entry(&co, "war", entry("From a contributor", Status::Published))
        .await
        .expect("pending entry");
    app.create_entry(&ed, "war", entry("Not yet", Status::Draft))
        .await
        .expect("draft");
    app.update_briefing(&admin, "war", briefing("war"))
        .await
        .expect("briefing updated");
    app.set_topics(&ed, "war", "shipping | Shipping | port, ship, storm\n")
        .await
        .expect("topics");

    // A control-map layer, imported twice for one day (a revision kept), and a second day.
    let square = |d: f64| {
        format!(
            r#"{{"type":"Polygon","coordinates":[[[35.0,47.0],[{e},47.0],[{e},{n}],[35.0,{n}],[35.0,47.0]]]}}"#,
            e = 35.1 + d,
            n = 47.1 + d
        )
    };
    for (day, d) in [(12, 0.0), (12, 0.01), (13, 0.02)] {
        app.import_map_layer(
            &ed,
            "war",
            "occupied",
            jiff::civil::date(2025, 3, day),
            square(d).into_bytes(),
            false,
        )
        .await
        .map_err(|e| format!("{e:?}"))
        .expect("map layer");
    }

    // Reports, developments and quotes.
    let uk = report(
        &app,
        &ed,
        "war",
        "https://uk.example/peskov",
        "Ukrainska Pravda",
        "Речник Кремля Дмитро Пєсков заявив, що переговори зі США тривають. «Ми готові до діалогу, але не на \
         будь-яких умовах», — сказав Дмитро Пєсков журналістам.",
    )
    .await;
    let en = report(
        &app,
        &ed,
        "war",
        "https://wire.example/peskov",
        "Wire One",
        "Kremlin spokesman Dmitry Peskov said on Thursday that talks with the United States would continue. \
         “We are ready for dialogue, but not on any terms,” Peskov told reporters.",
    )
    .await;
    let storm = report(
        &app,
        &co,
        "war",
        "https://port.example/storm",
        "Port Gazette",
        "A storm closed the port of Odesa on Thursday. “No ship will leave before Saturday,” harbour master \
         Olena Kovalenko said.",
    )
    .await;
    let grain = report(
        &app,
        &ed,
        "war",
        "https://grain.example/exports",
        "Grain Weekly",
        "Grain exports through the Danube ports rose by a fifth in February, the ministry said.",
    )
    .await;
    let late = report(
        &app,
        &ed,
        "war",
        "https://late.example/bridge",
        "Late Wire",
        "Engineers reopened the Kyiv bridge to traffic after repairs, the city council said on Thursday.",
    )
    .await;
    // The same URL again, by its sender: text replaced, the old one kept as a report change.
    report(
        &app,
        &co,
        "war",
        "https://port.example/storm",
        "Port Gazette",
        "A storm closed the port of Odesa on Thursday evening. “No ship will leave before Saturday,” harbour \
         master Olena Kovalenko said.",
    )
    .await;
    let d_uk = own_development(&app, &ed, &uk).await;
    app.desk_act(&ed, d_uk.id, None, DeskAction::Approve)
        .await
        .expect("approve");
    let d_en = own_development(&app, &ed, &en).await;
    app.desk_act(
        &co,
        d_en.id,
        None,
        DeskAction::Edit {
            headline: "Peskov: ready for dialogue".into(),
            body: "Dmitry Peskov said talks would continue.".into(),
        },
    )
    .await
    .expect("edit draft");
    app.desk_act(&ed, d_en.id, None, DeskAction::Approve)
        .await
        .expect("approve");
    let d_storm = own_development(&app, &ed, &storm).await;
    app.desk_act(
        &ed,
        d_storm.id,
        None,
        DeskAction::Dismiss {
            reason: "local weather".into(),
        },
    )
    .await
    .expect("dismiss");
    let d_grain = own_development(&app, &ed, &grain).await;
    let d_late = own_development(&app, &ed, &late).await;
    assert!(d_grain.id < d_late.id);
    // Merged into a newer development: the row points forward in its own table.
    app.desk_act(&ed, d_grain.id, None, DeskAction::MergeInto(d_late.id))
        .await
        .expect("merge");
    let speakers = app.speakers(0, 100).await.expect("speakers");
    let peskov = speakers
        .iter()
        .find(|s| s.name.contains("Peskov") || s.name.contains("Пєсков"))
        .unwrap_or_else(|| panic!("a Peskov speaker among {speakers:?}"));
    app.speaker_act(&ed, peskov.id, SpeakerAction::Rename("Dmitry Peskov".into()))
        .await
        .expect("rename");

    // Sources and jobs (the store's own calls: no fetching here).
    let store = app.store().clone();
    let war_id = app.briefing("war").expect("war").0.id;
    let mut sources = Vec::new();
    for (url, kind) in [
        ("https://wire.example/feed", SourceKind::Feed),
        ("https://port.example/news", SourceKind::Page),
    ] {
        sources.push(
            store
                .create_source(
                    &SourceDraft {
                        briefing_id: war_id,
                        kind,
                        url: url.into(),
                        title: format!("Source {url}"),
                        language: Some("en".into()),
                        trust_note: "wire service".into(),
                        poll_interval_secs: 300,
                        enabled: true,
                    },
                    app.now(),
                )
                .await
                .expect("source"),
        );
    }
    let items = (0..4)
        .map(|i| SeenItem {
            key: format!("guid-{i}"),
            job: Some(NewJob {
                briefing_id: war_id,
                source_id: Some(sources[0].id),
                url: format!("https://wire.example/a/{i}"),
                title: format!("Item {i}"),
                outlet: "Wire One".into(),
                published: Some(app.now()),
                content: Some(format!("<p>feed copy {i}</p>")),
            }),
        })
        .chain([SeenItem {
            key: "old-item".into(),
            job: None,
        }])
        .collect();
    store
        .add_items(sources[0].id, items, 10, app.now())
        .await
        .expect("items");
    let s1 = &sources[1];
    let failed = s1.poll.after(
        &PollOutcome::Failed {
            error: "HTTP 503".into(),
            retry_after_secs: Some(120),
        },
        300,
        app.now(),
        7,
    );
    store.set_poll_state(s1.id, &s1.url, &failed).await.expect("poll state");
    let now = app.now();
    let lease = now + jiff::SignedDuration::from_mins(5);
    let claimed = store.claim_jobs(now, lease, 3).await.expect("claim");
    assert_eq!(claimed.len(), 3);
    store
        .fail_job(&claimed[0], "HTTP 404: gone", Retry::Park, now)
        .await
        .expect("park");
    store.complete_job(&claimed[1], uk.id, now).await.expect("done");
    // claimed[2] stays running under its lease; the fourth stays queued.
    assert!(
        store
            .list_jobs(None, Some(JobState::Parked), 10)
            .await
            .expect("jobs")
            .len()
            == 1
    );
    Secrets {
        session,
        token,
        revoked_token,
    }
}

/// Everything a store says about a site, through the `Store` API.
#[derive(Debug, PartialEq)]
struct Snapshot {
    users: Vec<User>,
    tokens: Vec<ApiToken>,
    setting: Vec<u8>,
    last_event_ids: Vec<(BriefingId, EventId)>,
    briefings: Vec<BriefingSnapshot>,
    speakers: Vec<Speaker>,
    sources: Vec<Source>,
    jobs: Vec<Job>,
}

/// A development's reports with their memberships.
type Members = Vec<(Membership, Report)>;

#[derive(Debug, PartialEq)]
struct BriefingSnapshot {
    briefing: Briefing,
    topics: Option<String>,
    entries: Vec<(Entry, Vec<Revision>, Vec<TrackedQuote>)>,
    events: Vec<Event>,
    reports: Vec<(Report, Vec<ReportChange>, Option<Membership>)>,
    developments: Vec<(Development, Vec<DeskRecord>, Members)>,
    quotes: Vec<TrackedQuote>,
    speakers: Vec<Speaker>,
}

async fn snapshot(store: &dyn Store) -> Snapshot {
    let mut briefings = store.list_briefings().await.expect("briefings");
    briefings.sort_by_key(|b| b.id);
    let mut per = Vec::new();
    for b in briefings {
        let entries = store
            .list_entries(&EntryQuery {
                statuses: vec![],
                order: Order::OldestFirst,
                ..EntryQuery::public(b.id, 10_000)
            })
            .await
            .expect("entries")
            .items;
        let mut with_history = Vec::new();
        for e in entries {
            let revisions = store.revisions(e.id).await.expect("revisions");
            let quotes = store.entry_quotes(e.id).await.expect("quotes");
            with_history.push((e, revisions, quotes));
        }
        let mut reports = Vec::new();
        for r in store.list_reports(b.id, None, 10_000).await.expect("reports") {
            let changes = store.report_changes(r.id).await.expect("changes");
            let membership = store.membership(r.id).await.expect("membership");
            let again = store.report(r.id).await.expect("report").expect("exists");
            assert_eq!(again, r);
            reports.push((r, changes, membership));
        }
        let mut devs = store
            .list_developments(&DevQuery {
                briefing_id: b.id,
                statuses: vec![],
                filters: vec![],
                order: DevOrder::Recent,
                offset: 0,
                limit: 10_000,
            })
            .await
            .expect("developments");
        devs.sort_by_key(|d| d.id);
        let mut developments = Vec::new();
        for d in devs {
            let records = store.desk_records(d.id).await.expect("records");
            let members = store.development_reports(d.id).await.expect("members");
            developments.push((d, records, members));
        }
        per.push(BriefingSnapshot {
            topics: store.briefing_topics(b.id).await.expect("topics"),
            events: store.events_after(b.id, EventId(0), 100_000).await.expect("events"),
            quotes: store
                .list_quotes(&QuoteQuery::new(b.id, 10_000))
                .await
                .expect("quotes")
                .items,
            speakers: store.briefing_speakers(b.id).await.expect("speakers"),
            briefing: b,
            entries: with_history,
            reports,
            developments,
        });
    }
    let mut last_event_ids = store.last_event_ids().await.expect("last");
    last_event_ids.sort();
    let mut speakers = store.list_speakers(0, 10_000).await.expect("speakers");
    for s in &mut speakers {
        assert_eq!(store.speaker(s.id).await.expect("speaker").as_ref(), Some(&*s));
    }
    speakers.sort_by_key(|s| s.id);
    Snapshot {
        users: store.list_users().await.expect("users"),
        tokens: store.list_api_tokens(None).await.expect("tokens"),
        setting: store.setting_or_init("migrate-test", vec![9]).await.expect("setting"),
        last_event_ids,
        briefings: per,
        speakers,
        sources: store.list_sources(None).await.expect("sources"),
        jobs: store.list_jobs(None, None, 10_000).await.expect("jobs"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_site_moves_to_postgres_whole_and_reruns_are_safe() {
    let Some((_schema, url, pg)) = target("migrate").await else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("livebrief.db");
    let secrets = build_site(&db).await;
    let sqlite = SqliteStore::open(&db).expect("reopen");
    let before = snapshot(&sqlite).await;
    // The site really has every kind of row the test is about.
    let war = &before.briefings[0];
    assert!(war.entries.iter().any(|(e, _, _)| e.correction.is_some()));
    assert!(war.entries.iter().any(|(e, _, _)| e.status == Status::Retracted));
    assert!(war.entries.iter().any(|(e, _, _)| e.status == Status::Pending));
    assert!(war.entries.iter().any(|(e, _, _)| e.pinned));
    assert!(war.reports.iter().any(|(_, changes, _)| !changes.is_empty()));
    assert!(war.developments.iter().any(|(d, _, _)| d.merged_into.is_some()));
    assert!(war.developments.iter().any(|(d, _, _)| d.dismissed.is_some()));
    assert!(!war.quotes.is_empty() && !before.speakers.is_empty());
    assert!(before.jobs.iter().any(|j| j.state == JobState::Parked));
    assert!(before.jobs.iter().any(|j| j.state == JobState::Running));
    let from = format!("sqlite:{}", dir.path().display());

    let out = migrate(&["--from", &from, "--to", &url]).await;
    assert!(out.status.success(), "{}", text(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("verified") && stdout.contains("tracked_quotes"),
        "{}",
        text(&out)
    );
    assert!(!stdout.contains("MISMATCH"), "{}", text(&out));

    let v = livebrief_store::migrate::check(&sqlite, &pg).await.expect("check");
    let empty: Vec<_> = v
        .tables
        .iter()
        .filter(|t| t.source.rows == 0)
        .map(|t| t.table)
        .collect();
    assert!(
        v.ok() && empty.is_empty(),
        "every table has rows, the same on both sides:\n{v}"
    );

    // Read back through the Store API on PostgreSQL: the same site.
    let after = snapshot(&pg).await;
    assert_eq!(after, before);

    // A second run (naming the database file this time) finds the same data and changes nothing.
    let sums = target_sums(&pg).await.expect("sums");
    let again = migrate(&["--from", &format!("sqlite:{}", db.display()), "--to", &url]).await;
    assert!(again.status.success(), "{}", text(&again));
    assert!(
        String::from_utf8_lossy(&again.stdout).contains("already migrated"),
        "{}",
        text(&again)
    );
    assert_eq!(target_sums(&pg).await.expect("sums"), sums);
    let check = migrate(&["--from", &from, "--to", &url, "--check"]).await;
    assert!(check.status.success(), "{}", text(&check));

    // The app on PostgreSQL: the copied password hash signs in, the session and the API token work, the
    // revoked token does not, and new rows continue after the copied ones.
    let clock = Arc::new(ManualClock::new(t0() + jiff::SignedDuration::from_hours(1)));
    let app = App::new(Arc::new(pg.clone()), clock).await.expect("app on PostgreSQL");
    let ed = app
        .authenticate(Credentials {
            name: "eddie",
            password: PASSWORD,
        })
        .await
        .expect("sign-in with the copied hash");
    assert_eq!(
        app.session_user(&secrets.session).await.expect("session").map(|u| u.id),
        Some(ed.id)
    );
    assert_eq!(
        app.api_token_user(&secrets.token).await.expect("token").map(|u| u.id),
        Some(ed.id)
    );
    assert_eq!(app.api_token_user(&secrets.revoked_token).await.expect("token"), None);
    let war_id = before.briefings[0].briefing.id;
    let last = before
        .last_event_ids
        .iter()
        .find(|(b, _)| *b == war_id)
        .expect("war has events")
        .1;
    let e = app
        .create_entry(&ed.actor(), "war", entry("First on PostgreSQL", Status::Published))
        .await
        .expect("publish on PostgreSQL");
    let max_entry = war.entries.iter().map(|(e, _, _)| e.id).max().expect("entries");
    assert!(e.id > max_entry, "{:?} after {:?}", e.id, max_entry);
    let new_events = pg.events_after(war_id, last, 10).await.expect("events");
    assert_eq!(new_events.len(), 1);
    assert_eq!(
        new_events[0].id,
        EventId(last.0 + 1),
        "the next event id follows the copied ones"
    );
    assert_eq!(new_events[0].entry_id(), Some(e.id));
    let u = app
        .create_user("newcomer", Role::Editor, PASSWORD)
        .await
        .expect("new user");
    assert!(before.users.iter().all(|old| old.id < u.id));
    let r = report(
        &app,
        &ed.actor(),
        "war",
        "https://new.example/1",
        "New",
        "A new report.",
    )
    .await;
    assert!(war.reports.iter().all(|(old, _, _)| old.id < r.id));
    drop(app);

    // Now the target holds different data: refused, nothing changed; --check says they differ.
    let sums = target_sums(&pg).await.expect("sums");
    let refused = migrate(&["--from", &from, "--to", &url]).await;
    assert!(!refused.status.success(), "{}", text(&refused));
    let err = String::from_utf8_lossy(&refused.stderr);
    assert!(
        err.contains("already holds different livebrief data") && err.contains("--replace"),
        "{}",
        text(&refused)
    );
    assert_eq!(target_sums(&pg).await.expect("sums"), sums);
    let check = migrate(&["--from", &from, "--to", &url, "--check"]).await;
    assert!(!check.status.success(), "{}", text(&check));
    assert!(
        String::from_utf8_lossy(&check.stdout).contains("MISMATCH"),
        "{}",
        text(&check)
    );

    // --replace empties the target's tables and copies again: the site as it was in SQLite.
    let replaced = migrate(&["--from", &from, "--to", &url, "--replace"]).await;
    assert!(replaced.status.success(), "{}", text(&replaced));
    assert_eq!(snapshot(&pg).await, before);
    let new_id = pg
        .create_user("again", Role::Editor, "h", t0())
        .await
        .expect("user after replace")
        .id;
    assert_eq!(new_id.0, before.users.iter().map(|u| u.id.0).max().expect("users") + 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_or_refused_migration_leaves_the_target_unchanged() {
    let Some((_schema, url, pg)) = target("migratefail").await else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("livebrief.db");
    build_site(&db).await;
    let from = format!("sqlite:{}", dir.path().display());

    // A row planted in the target: refused before anything is written.
    pg.create_user("planted", Role::Admin, "h", t0()).await.expect("plant");
    let planted = target_sums(&pg).await.expect("sums");
    let out = migrate(&["--from", &from, "--to", &url]).await;
    assert!(!out.status.success(), "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("1 in users"),
        "{}",
        text(&out)
    );
    assert_eq!(target_sums(&pg).await.expect("sums"), planted);

    // A source row PostgreSQL rejects (a desk record of a development that does not exist, written with
    // SQLite's foreign keys off): the copy fails midway, after the tables before it were copied and the target
    // emptied by --replace, in the same transaction; the target is as it was.
    {
        let c = rusqlite::Connection::open(&db).expect("open");
        c.execute_batch(
            "PRAGMA foreign_keys = OFF;
             INSERT INTO desk_records (briefing_id, development_id, action, actor_id, actor_name, at, detail)
             VALUES (1, 999999, 'approve', 1, 'ghost', 0, '');",
        )
        .expect("corrupt");
    }
    let out = migrate(&["--from", &from, "--to", &url, "--replace"]).await;
    assert!(!out.status.success(), "{}", text(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("desk_records"), "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("copied memberships"),
        "the tables before it were copied first: {}",
        text(&out)
    );
    assert_eq!(target_sums(&pg).await.expect("sums"), planted);
    assert_eq!(
        pg.list_users()
            .await
            .expect("users")
            .iter()
            .map(|u| u.name.as_str())
            .collect::<Vec<_>>(),
        ["planted"]
    );

    // A server holds a data directory (one without sources: nothing to poll): migrate refuses, naming it.
    let served = tempfile::tempdir().expect("tempdir");
    let server = Server::start(served.path(), &[]);
    let from_served = format!("sqlite:{}", served.path().display());
    let out = migrate(&["--from", &from_served, "--to", &url, "--replace"]).await;
    assert!(!out.status.success(), "{}", text(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!("another livebrief process (pid {})", server.child.id()))
            && err.contains("stop it first"),
        "{}",
        text(&out)
    );
    drop(server);

    // What --from and --to take.
    let out = migrate(&["--from", "sqlite:/nonexistent/livebrief", "--to", &url]).await;
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("no SQLite database"),
        "{}",
        text(&out)
    );
    let out = migrate(&["--from", &dir.path().display().to_string(), "--to", &url]).await;
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("sqlite:PATH"),
        "{}",
        text(&out)
    );
    let out = migrate(&["--from", &from, "--to", "mysql://x/y"]).await;
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("postgres://"),
        "{}",
        text(&out)
    );
    assert_eq!(target_sums(&pg).await.expect("sums"), planted);
}
