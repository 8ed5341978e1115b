mod desk;
mod drafts;
mod ingest;
mod quotes;

use std::sync::Arc;

use livebrief_app::{App, AppError, Command, Credentials, EditInput, EntryInput, ManualClock};
use livebrief_model::{BodyFormat, BriefingDraft, EventId, EventKind, Role, Status, Timestamp};
use livebrief_store::SqliteStore;

struct Fixture {
    app: Arc<App>,
    clock: Arc<ManualClock>,
    _dir: tempfile::TempDir,
}

async fn fixture() -> Fixture {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = SqliteStore::open(&dir.path().join("db")).expect("open");
    let clock = Arc::new(ManualClock::new(
        "2025-03-13T09:00:00Z".parse::<Timestamp>().expect("ts"),
    ));
    let app = App::new(Arc::new(store), clock.clone()).await.expect("app");
    Fixture { app, clock, _dir: dir }
}

fn input(headline: &str, status: Status) -> EntryInput {
    EntryInput {
        headline: headline.into(),
        body_format: BodyFormat::Markdown,
        body: "Body with <script>alert(1)</script> **bold**".into(),
        happened_on: None,
        topics: vec!["Diplomacy".into()],
        sources: vec![],
        pinned: false,
        key_event: false,
        status,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn contributor_entry_waits_for_approval_and_bus_announces_in_order() {
    let f = fixture().await;
    let admin = f
        .app
        .create_user("root", Role::Admin, "correct horse battery")
        .await
        .expect("user")
        .actor();
    let contrib = f
        .app
        .create_user("cora", Role::Contributor, "another long password")
        .await
        .expect("user")
        .actor();
    f.app
        .create_briefing(
            &admin,
            BriefingDraft {
                slug: "war".into(),
                title: "War".into(),
                summary: String::new(),
                language: "en".into(),
            },
        )
        .await
        .expect("briefing");
    assert!(matches!(
        f.app
            .create_briefing(
                &contrib,
                BriefingDraft {
                    slug: "x".into(),
                    title: "X".into(),
                    summary: String::new(),
                    language: "en".into()
                }
            )
            .await,
        Err(AppError::Forbidden(_))
    ));
    let mut rx = f.app.subscribe();

    let e = f
        .app
        .create_entry(&contrib, "war", input("From the field", Status::Published))
        .await
        .expect("create");
    assert_eq!(e.status, Status::Pending);
    assert!(
        !e.body.html.contains("<script"),
        "body was not sanitised: {}",
        e.body.html
    );
    assert!(e.body.html.contains("<strong>bold</strong>"));
    assert_eq!(e.happened_on.to_string(), "2025-03-13");
    assert!(rx.try_recv().is_err(), "pending entries are not announced");

    f.clock.advance(std::time::Duration::from_secs(60));
    let e = f
        .app
        .change_entry(&admin, e.id, Command::Approve, Some(1))
        .await
        .expect("approve");
    assert_eq!(e.status, Status::Published);
    let n = rx.recv().await.expect("notice");
    assert_eq!(n.event.kind, EventKind::Published);
    assert_eq!(n.entry.as_ref().map(|x| x.id), Some(e.id));

    // A stale version is refused; the current one works.
    let stale = f.app.change_entry(&admin, e.id, Command::Pin(true), Some(1)).await;
    assert!(matches!(stale, Err(AppError::Conflict(_))));
    let edit = EditInput {
        headline: Some("From the front".into()),
        correction_note: Some("Headline corrected.".into()),
        ..Default::default()
    };
    f.app
        .change_entry(&admin, e.id, Command::Edit(edit), Some(2))
        .await
        .expect("correct");
    f.app
        .change_entry(&admin, e.id, Command::Pin(true), None)
        .await
        .expect("pin");
    let kinds: Vec<_> = [rx.recv().await.expect("n"), rx.recv().await.expect("n")]
        .iter()
        .map(|n| n.event.kind)
        .collect();
    assert_eq!(kinds, vec![EventKind::Updated, EventKind::Pinned]);

    let (b, version) = f.app.briefing("war").expect("cached");
    let replay = f.app.replay(&b, EventId(0), 100).await.expect("replay");
    assert_eq!(replay.len(), 3);
    assert_eq!(
        replay.last().map(|n| n.event.id),
        Some(version),
        "the cached version is the newest event"
    );
    let revs = f.app.revisions(e.id).await.expect("revisions");
    assert_eq!(revs.len(), 4);
    assert_eq!(revs[0].snapshot.headline, "From the field");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_sessions_and_tokens() {
    let f = fixture().await;
    assert!(matches!(
        f.app.create_user("eve", Role::Editor, "short").await,
        Err(AppError::Invalid(_))
    ));
    assert!(matches!(
        f.app
            .create_user("bad name!", Role::Editor, "long enough password")
            .await,
        Err(AppError::Invalid(_))
    ));
    let u = f
        .app
        .create_user("eve", Role::Editor, "long enough password")
        .await
        .expect("user");
    let bad = f
        .app
        .login(Credentials {
            name: "eve",
            password: "wrong password!",
        })
        .await;
    assert!(matches!(bad, Err(AppError::BadCredentials)));
    let unknown = f
        .app
        .login(Credentials {
            name: "mallory",
            password: "long enough password",
        })
        .await;
    assert!(matches!(unknown, Err(AppError::BadCredentials)));
    let t = f
        .app
        .login(Credentials {
            name: "eve",
            password: "long enough password",
        })
        .await
        .expect("login");
    assert_eq!(
        f.app.session_user(&t.token).await.expect("read").map(|u| u.id),
        Some(u.id)
    );
    f.clock.advance(std::time::Duration::from_secs(15 * 24 * 3600));
    assert!(
        f.app.session_user(&t.token).await.expect("read").is_none(),
        "sessions expire"
    );
    let api = f.app.create_api_token(u.id, "bot").await.expect("token");
    assert!(api.starts_with("lb_"));
    assert_eq!(
        f.app.api_token_user(&api).await.expect("read").map(|u| u.id),
        Some(u.id)
    );
    assert!(f.app.api_token_user("lb_forged").await.expect("read").is_none());
}
