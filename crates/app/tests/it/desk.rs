//! The desk over real reports: grouping on arrival, drafts, and every editor decision, kept on record.

use std::sync::Arc;

use livebrief_app::{App, AppError, ManualClock, ReportBody, ReportInput};
use livebrief_model::{Actor, BriefingDraft, DeskAction, DevStatus, Role, Status, Timestamp};
use livebrief_store::{DevOrder, DevQuery, FacetKind, SqliteStore};

/// Synthetic reports written for this test: three outlets on one statement, one on another event.
const PESKOV_A: &str = "Kremlin spokesman Dmitry Peskov said on Friday that the talks with the US envoy \
    Steve Witkoff in Moscow had been useful and that both sides agreed to continue contacts. Witkoff met \
    Russian officials for more than four hours. “The conversation was useful and frank,” Peskov told reporters.";
const PESKOV_B: &str = "The talks with US envoy Steve Witkoff in Moscow were useful, Kremlin spokesman \
    Dmitry Peskov told journalists on Friday, adding that contacts between the two sides would continue. \
    Peskov did not say when Witkoff would return to Moscow.";
const PESKOV_C: &str = "Moscow described Friday's talks with US envoy Steve Witkoff as useful. According \
    to Kremlin spokesman Dmitry Peskov, Russia and the United States agreed to continue contacts after the \
    meeting in Moscow, which lasted more than four hours.";
const ODESA: &str = "A Russian drone strike damaged port infrastructure in Odesa overnight, regional \
    governor Oleh Kiper said on Friday. Two people were injured and a warehouse caught fire. Air defence \
    units shot down most of the drones over the Odesa region, the air force said.";

struct Desk {
    app: Arc<App>,
    editor: Actor,
    contributor: Actor,
    _dir: tempfile::TempDir,
    path: std::path::PathBuf,
    clock: Arc<ManualClock>,
}

async fn desk() -> Desk {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("db");
    let store = SqliteStore::open(&path).expect("open");
    let clock = Arc::new(ManualClock::new(
        "2025-03-14T09:00:00Z".parse::<Timestamp>().expect("ts"),
    ));
    let app = App::new(Arc::new(store), clock.clone()).await.expect("app");
    let editor = app
        .create_user("ed", Role::Editor, "correct horse battery")
        .await
        .expect("user")
        .actor();
    let contributor = app
        .create_user("cora", Role::Contributor, "another long password")
        .await
        .expect("user")
        .actor();
    app.create_briefing(
        &editor,
        BriefingDraft {
            slug: "war".into(),
            title: "War".into(),
            summary: String::new(),
            language: "en".into(),
        },
    )
    .await
    .expect("briefing");
    Desk {
        app,
        editor,
        contributor,
        _dir: dir,
        path,
        clock,
    }
}

fn input(outlet: &str, url: &str, title: &str, text: &str) -> ReportInput {
    ReportInput {
        url: Some(url.into()),
        title: title.into(),
        source: outlet.into(),
        published: Some("2025-03-14".parse().expect("date")),
        body: ReportBody::Text(text.into()),
    }
}

fn query(briefing: livebrief_model::BriefingId) -> DevQuery {
    DevQuery {
        briefing_id: briefing,
        statuses: vec![],
        filters: vec![],
        order: DevOrder::Recent,
        offset: 0,
        limit: 50,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reports_group_into_developments_and_the_desk_decides() {
    let d = desk().await;
    let app = &d.app;
    let b = app.briefing("war").expect("briefing").0;
    let mut desk_events = app.subscribe_desk();
    let (ra, _) = app
        .add_report(
            &d.editor,
            "war",
            input(
                "Wire One",
                "https://one.example/1",
                "Kremlin calls Witkoff talks useful",
                PESKOV_A,
            ),
        )
        .await
        .expect("a");
    let (rb, _) = app
        .add_report(
            &d.editor,
            "war",
            input(
                "Second Daily",
                "https://two.example/b",
                "Peskov: talks with US envoy useful",
                PESKOV_B,
            ),
        )
        .await
        .expect("b");
    let (rodesa, _) = app
        .add_report(
            &d.editor,
            "war",
            input(
                "Wire One",
                "https://one.example/2",
                "Drone strike hits Odesa port",
                ODESA,
            ),
        )
        .await
        .expect("odesa");
    let (rc, _) = app
        .add_report(
            &d.editor,
            "war",
            input(
                "Third Post",
                "https://three.example/c",
                "Moscow, Washington to keep talking",
                PESKOV_C,
            ),
        )
        .await
        .expect("c");
    assert!(desk_events.try_recv().is_ok(), "the desk hears of new developments");

    let devs = app.developments(&query(b.id)).await.expect("list");
    assert_eq!(
        devs.len(),
        2,
        "{:#?}",
        devs.iter()
            .map(|d| (&d.draft.headline, d.report_count))
            .collect::<Vec<_>>()
    );
    let talks = devs
        .iter()
        .find(|x| x.report_count == 3)
        .expect("the three outlets are one development");
    let strike = devs
        .iter()
        .find(|x| x.report_count == 1)
        .expect("the strike stands apart");
    assert_eq!(talks.outlet_count, 3, "corroborated by three outlets");
    assert!(talks.draft.body.contains("Dmitry Peskov said"), "{}", talks.draft.body);
    assert!(
        talks.facets.speakers.iter().any(|s| s == "Dmitry Peskov"),
        "{:?}",
        talks.facets
    );
    let view = app.development(talks.id).await.expect("view");
    let ids: Vec<_> = view.reports.iter().map(|(_, r)| r.id).collect();
    assert!(ids.contains(&ra.id) && ids.contains(&rb.id) && ids.contains(&rc.id));
    let refs: Vec<&livebrief_model::Report> = view.reports.iter().map(|(_, r)| r).collect();
    livebrief_app::draft::verify(&talks.draft, &refs).expect("the draft traces to its reports");
    let by_place = app
        .developments(&DevQuery {
            filters: vec![(FacetKind::Place, "Odesa".into())],
            ..query(b.id)
        })
        .await
        .expect("filter");
    assert_eq!(by_place.iter().map(|x| x.id).collect::<Vec<_>>(), vec![strike.id]);

    // A contributor may edit, not dismiss or merge; a stale version is refused.
    let edited = app
        .desk_act(
            &d.contributor,
            talks.id,
            Some(talks.version),
            DeskAction::Edit {
                headline: "Kremlin: Witkoff talks were useful".into(),
                body: "Kremlin spokesman Dmitry Peskov said the talks were useful.".into(),
            },
        )
        .await
        .expect("edit");
    assert_eq!(edited.text().0, "Kremlin: Witkoff talks were useful");
    assert!(matches!(
        app.desk_act(
            &d.contributor,
            strike.id,
            None,
            DeskAction::Dismiss { reason: "local".into() }
        )
        .await,
        Err(AppError::Forbidden(_))
    ));
    assert!(matches!(
        app.desk_act(&d.editor, talks.id, Some(talks.version), DeskAction::Approve)
            .await,
        Err(AppError::Conflict(_))
    ));

    // Split the third report off, then move it back: the memberships and counts follow.
    let split = app
        .desk_act(&d.editor, talks.id, None, DeskAction::Split(vec![rc.id]))
        .await
        .expect("split");
    assert_eq!(split.report_count, 1);
    assert_eq!(app.development(talks.id).await.expect("v").development.report_count, 2);
    let back = app
        .desk_act(
            &d.editor,
            split.id,
            None,
            DeskAction::MoveReport {
                report: rc.id,
                to: talks.id,
            },
        )
        .await
        .expect("move");
    assert_eq!(
        (back.status, back.merged_into),
        (DevStatus::Merged, Some(talks.id)),
        "an emptied development is merged"
    );
    let talks = app.development(talks.id).await.expect("v").development;
    assert_eq!((talks.report_count, talks.outlet_count), (3, 3));
    assert_eq!(
        talks.text().0,
        "Kremlin: Witkoff talks were useful",
        "a refreshed draft keeps the editor's words"
    );

    // A contributor's approval sends an entry for review; the editor's publishes it with every source.
    let sent = app
        .desk_act(&d.contributor, talks.id, None, DeskAction::Approve)
        .await
        .expect("send");
    let entry = app.entry(sent.entry_id.expect("entry")).await.expect("entry");
    assert_eq!(entry.status, Status::Pending);
    assert_eq!(entry.sources.len(), 3, "{:?}", entry.sources);
    assert_eq!(entry.headline, "Kremlin: Witkoff talks were useful");
    assert!(
        entry.topics.iter().any(|t| t.contains("Diplomacy")),
        "{:?}",
        entry.topics
    );

    // Dismiss needs a reason; a dismissed development reopens.
    assert!(
        app.desk_act(&d.editor, strike.id, None, DeskAction::Dismiss { reason: " ".into() })
            .await
            .is_err()
    );
    let gone = app
        .desk_act(
            &d.editor,
            strike.id,
            None,
            DeskAction::Dismiss {
                reason: "covered by an earlier entry".into(),
            },
        )
        .await
        .expect("dismiss");
    assert_eq!(
        (gone.status, gone.dismissed.as_deref()),
        (DevStatus::Dismissed, Some("covered by an earlier entry"))
    );
    assert!(
        app.desk_act(&d.editor, strike.id, None, DeskAction::Approve)
            .await
            .is_err()
    );
    let again = app
        .desk_act(&d.editor, strike.id, None, DeskAction::Reopen)
        .await
        .expect("reopen");
    assert_eq!(again.status, DevStatus::Open);
    let published = app
        .desk_act(&d.editor, strike.id, None, DeskAction::Approve)
        .await
        .expect("approve");
    let e = app.entry(published.entry_id.expect("entry")).await.expect("entry");
    assert_eq!(e.status, Status::Published);
    assert!(e.body.html.contains("Oleh Kiper"), "{}", e.body.html);

    // Every action is on record with who did it.
    let records = app.development(talks.id).await.expect("v").records;
    let actions: Vec<(&str, &str)> = records
        .iter()
        .map(|r| (r.action.as_str(), r.actor_name.as_str()))
        .collect();
    assert_eq!(
        actions,
        vec![
            ("edit", "cora"),
            ("split", "ed"),
            ("move_report", "ed"),
            ("approve", "cora")
        ],
        "{records:#?}"
    );
    let records = app.development(strike.id).await.expect("v").records;
    assert_eq!(
        records.iter().map(|r| r.action.as_str()).collect::<Vec<_>>(),
        vec!["dismiss", "reopen", "approve"]
    );
    let _ = rodesa;

    // A restart rebuilds the grouper from the store: a fourth outlet's report joins the same development.
    drop(desk_events);
    let store = SqliteStore::open(&d.path).expect("reopen");
    let app2 = App::new(Arc::new(store), d.clock.clone()).await.expect("app");
    let (rd, _) = app2
        .add_report(
            &d.editor,
            "war",
            input(
                "Fourth Wire",
                "https://four.example/d",
                "Peskov says Witkoff talks useful, contacts to continue",
                "Kremlin spokesman Dmitry Peskov said on Friday the talks with US envoy Steve Witkoff in Moscow \
                 had been useful and that contacts would continue. Witkoff spent more than four hours with Russian officials.",
            ),
        )
        .await
        .expect("fourth");
    let m = app2.store().membership(rd.id).await.expect("m").expect("grouped");
    assert_eq!(m.development_id, talks.id);
    let talks = app2.development(talks.id).await.expect("v").development;
    assert_eq!(
        (talks.report_count, talks.reports_since_publish),
        (4, 1),
        "news since it was sent"
    );
}

/// The grouper splits and merges developments only while no editor has acted on them: an editor's merge of two
/// events stands when more reports of both arrive.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_grouper_leaves_an_editors_merge_alone() {
    let d = desk().await;
    let app = &d.app;
    let b = app.briefing("war").expect("briefing").0;
    let dev_of = |r: livebrief_model::ReportId| async move {
        app.store()
            .membership(r)
            .await
            .expect("membership")
            .expect("grouped")
            .development_id
    };
    let (ra, _) = app
        .add_report(
            &d.editor,
            "war",
            input(
                "Wire One",
                "https://one.example/1",
                "Kremlin calls Witkoff talks useful",
                PESKOV_A,
            ),
        )
        .await
        .expect("a");
    let (rodesa, _) = app
        .add_report(
            &d.editor,
            "war",
            input(
                "Wire One",
                "https://one.example/2",
                "Drone strike hits Odesa port",
                ODESA,
            ),
        )
        .await
        .expect("odesa");
    let (talks, strike) = (dev_of(ra.id).await, dev_of(rodesa.id).await);
    assert_ne!(talks, strike, "two events, two developments");
    let merged = app
        .desk_act(&d.editor, strike, None, DeskAction::MergeInto(talks))
        .await
        .expect("the editor merges");
    assert_eq!(merged.id, talks);
    // A wire client's copy of the strike report and another outlet's report of the talks.
    let (rcopy, _) = app
        .add_report(
            &d.editor,
            "war",
            input(
                "Copy Site",
                "https://copy.example/odesa",
                "Drone strike hits Odesa port",
                ODESA,
            ),
        )
        .await
        .expect("copy");
    app.add_report(
        &d.editor,
        "war",
        input(
            "Second Daily",
            "https://two.example/b",
            "Peskov: talks with US envoy useful",
            PESKOV_B,
        ),
    )
    .await
    .expect("b");
    assert_eq!(
        dev_of(rcopy.id).await,
        talks,
        "the copy joins its original, in the merged development"
    );
    let view = app.development(talks).await.expect("view");
    let ids: Vec<_> = view.reports.iter().map(|(_, r)| r.id).collect();
    assert!(
        ids.contains(&ra.id) && ids.contains(&rodesa.id) && ids.contains(&rcopy.id),
        "{ids:?}"
    );
    assert!(
        view.records.iter().all(|r| r.actor_name != "grouper"),
        "the editor's merge is not split: {:#?}",
        view.records
    );
    let all = app.developments(&query(b.id)).await.expect("list");
    assert!(
        all.iter().all(|x| x.status != DevStatus::Merged || x.id == strike),
        "nothing else merged"
    );
}
