//! Makes a SQLite site of a realistic size for `bench/migrate.sh`: entries published and then corrected (two
//! revisions and two events each), reports read by the real pipeline, grouped into developments, with
//! accounts, a session and a token, through the app and the store as the server would write them.
//!
//! Usage: migrate_site DATA_DIR [ENTRIES [REPORTS]]   (default 10000 entries, 5000 reports)

use std::sync::Arc;
use std::time::Instant;

use livebrief_app::{App, Command, Credentials, EditInput, EntryInput, ManualClock, ReportBody, ReportInput};
use livebrief_model::{BodyFormat, BriefingDraft, Date, Role, Status, Timestamp};
use livebrief_store::SqliteStore;

const TEXTS: &[&str] = &[
    "Kremlin spokesman Dmitry Peskov said on Thursday that talks with the United States would continue. “We are \
     ready for dialogue, but not on any terms,” Peskov told reporters in Moscow.",
    "A storm closed the port of Odesa on Thursday. “No ship will leave before Saturday,” harbour master Olena \
     Kovalenko said, adding that grain loading would resume once the wind dropped.",
    "Grain exports through the Danube ports rose by a fifth in February, the ministry of agrarian policy said, \
     citing new insurance arrangements for ships calling at Izmail and Reni.",
    "Engineers reopened the Kyiv bridge to traffic after repairs, the city council said on Thursday. Mayor \
     Vitali Klitschko said the work had taken three weeks longer than planned.",
    "The International Atomic Energy Agency said its experts had left the Zaporizhzhia plant after a rotation. \
     “The situation remains precarious,” Director General Rafael Grossi said in Vienna.",
];

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let dir = std::path::PathBuf::from(
        args.next()
            .ok_or_else(|| anyhow::anyhow!("usage: migrate_site DATA_DIR [ENTRIES [REPORTS]]"))?,
    );
    let entries: usize = args.next().map(|s| s.parse()).transpose()?.unwrap_or(10_000);
    let reports: usize = args.next().map(|s| s.parse()).transpose()?.unwrap_or(5_000);
    std::fs::create_dir_all(&dir)?;
    let store = SqliteStore::open(&dir.join("livebrief.db"))?;
    let t0: Timestamp = "2025-03-13T09:00:00Z".parse()?;
    let clock = Arc::new(ManualClock::new(t0));
    let app = App::new(Arc::new(store), clock.clone()).await?;
    let started = Instant::now();

    let admin = app
        .create_user("admin", Role::Admin, "a long enough password")
        .await?
        .actor();
    let ed = app
        .create_user("editor", Role::Editor, "a long enough password")
        .await?
        .actor();
    app.login(Credentials {
        name: "editor",
        password: "a long enough password",
    })
    .await?;
    app.issue_api_token(ed.id, "bench", None).await?;
    let slugs = ["war", "economy", "weather"];
    for slug in slugs {
        app.create_briefing(
            &admin,
            BriefingDraft {
                slug: slug.into(),
                title: format!("Live: {slug}"),
                summary: "What we know so far.".into(),
                language: "en".into(),
            },
        )
        .await?;
    }

    for i in 0..entries {
        clock.advance(std::time::Duration::from_secs(7));
        let slug = slugs[i % slugs.len()];
        let e = app
            .create_entry(
                &ed,
                slug,
                EntryInput {
                    headline: format!(
                        "Update {i}: {}",
                        TEXTS[i % TEXTS.len()].chars().take(60).collect::<String>()
                    ),
                    body_format: BodyFormat::Markdown,
                    body: format!(
                        "{}\n\n{}\n\nMore to follow, [source](https://example.org/{i}).",
                        TEXTS[i % TEXTS.len()],
                        TEXTS[(i + 1) % TEXTS.len()]
                    ),
                    happened_on: Some(Date::constant(2025, 3, 13)),
                    topics: vec!["Diplomacy".into(), format!("t{}", i % 17)],
                    sources: vec![],
                    pinned: false,
                    key_event: i % 50 == 0,
                    status: Status::Published,
                },
            )
            .await?;
        app.change_entry(
            &ed,
            e.id,
            Command::Edit(EditInput {
                headline: Some(format!("Update {i}, corrected")),
                correction_note: Some("An earlier version misstated the time.".into()),
                ..EditInput::default()
            }),
            None,
        )
        .await?;
        if (i + 1) % 2_000 == 0 {
            eprintln!("{} entries ({:.0} s)", i + 1, started.elapsed().as_secs_f64());
        }
    }

    for i in 0..reports {
        clock.advance(std::time::Duration::from_secs(3));
        let text = format!(
            "{} Report {i} of the series, filed from desk {}. {}",
            TEXTS[i % TEXTS.len()],
            i % 13,
            TEXTS[(i * 7 + 3) % TEXTS.len()]
        );
        app.add_report(
            &ed,
            slugs[i % slugs.len()],
            ReportInput {
                url: Some(format!("https://outlet{}.example/{i}", i % 40)),
                title: format!("Report {i}"),
                source: format!("Outlet {}", i % 40),
                published: Some(Date::constant(2025, 3, 13)),
                body: ReportBody::Text(text),
            },
        )
        .await?;
        if (i + 1) % 1_000 == 0 {
            eprintln!("{} reports ({:.0} s)", i + 1, started.elapsed().as_secs_f64());
        }
    }
    eprintln!(
        "site of {entries} entries and {reports} reports in {} made in {:.0} s",
        dir.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
