//! The demo briefing: synthetic text written for this project (no outlet's copy), so a new install has
//! something to look at. Added only to a store without briefings.

use std::sync::Arc;
use std::time::Duration;

use livebrief_app::{App, Command, EditInput, EntryInput, ManualClock};
use livebrief_model::{BodyFormat, BriefingDraft, Citation, Role, Status, Timestamp};
use livebrief_store::Store;

pub const DEMO_USER: &str = "editor";
pub const DEMO_PASSWORD: &str = "livebrief-demo";
pub const DEMO_SLUG: &str = "ceasefire-talks-demo";

struct Item {
    minutes_ago: u64,
    headline: &'static str,
    body: &'static str,
    topics: &'static [&'static str],
    sources: &'static [(&'static str, &'static str)],
    key: bool,
    pinned: bool,
}

const ITEMS: &[Item] = &[
    Item {
        minutes_ago: 420,
        headline: "Overnight drone attack hits energy facilities in two regions",
        body: "Regional officials reported damage to a thermal power plant and a substation after an overnight wave of drones. Repair crews restored power to most districts by morning; schools in one city switched to remote classes.",
        topics: &["Strikes on cities and infrastructure", "Energy"],
        sources: &[
            ("Example Wire", "https://example.org/wire/energy-strikes"),
            ("Demo Regional News", "https://news.example.net/power-outage"),
        ],
        key: false,
        pinned: false,
    },
    Item {
        minutes_ago: 380,
        headline: "Air defence says most drones were intercepted",
        body: "The air force said it intercepted the majority of the drones launched overnight. Officials did not give figures for the missiles fired in the same attack.",
        topics: &["Strikes on cities and infrastructure"],
        sources: &[("Example Wire", "https://example.org/wire/air-defence")],
        key: false,
        pinned: false,
    },
    Item {
        minutes_ago: 330,
        headline: "Delegations confirm cease-fire talks will open today",
        body: "Spokespeople for both delegations confirmed that talks on a proposed **30-day cease-fire** will open this afternoon in a neutral capital.\n\n> “We are ready to listen, but we will not accept a pause that only helps the other side regroup,” one delegate told reporters.",
        topics: &["Diplomacy and cease-fire talks"],
        sources: &[("Demo Diplomatic Service", "https://diplomacy.example.com/talks-open")],
        key: true,
        pinned: false,
    },
    Item {
        minutes_ago: 290,
        headline: "New aid package includes air-defence interceptors",
        body: "A group of donor governments announced a package of air-defence interceptors and artillery ammunition. Deliveries are expected to start within weeks, according to a joint statement.",
        topics: &["Western military aid"],
        sources: &[("Example Defence Desk", "https://defence.example.org/aid-package")],
        key: true,
        pinned: false,
    },
    Item {
        minutes_ago: 240,
        headline: "Shelling forces evacuation of frontline villages",
        body: "Local authorities ordered the evacuation of families with children from several frontline villages after a week of heavy shelling. Volunteers said buses were leaving every two hours.",
        topics: &["Civilians and humanitarian", "Fighting and front line"],
        sources: &[("Demo Regional News", "https://news.example.net/evacuation")],
        key: false,
        pinned: false,
    },
    Item {
        minutes_ago: 200,
        headline: "Military says attacks repelled near eastern town",
        body: "The general staff said its units repelled several assaults near an eastern town over the past day. The claims could not be independently verified.",
        topics: &["Fighting and front line"],
        sources: &[("Example Wire", "https://example.org/wire/front-line")],
        key: false,
        pinned: false,
    },
    Item {
        minutes_ago: 160,
        headline: "New sanctions target shipping and banks",
        body: "A new sanctions round lists dozens of tankers said to carry oil above the price cap and several regional banks. Officials said further measures were possible if the talks stall.",
        topics: &["Sanctions", "Energy"],
        sources: &[("Demo Financial Times", "https://finance.example.com/sanctions-round")],
        key: false,
        pinned: false,
    },
    Item {
        minutes_ago: 120,
        headline: "Mapping group reports small changes in control along the front",
        body: "An open-source mapping group reported small changes in territorial control in two areas of the front since yesterday, with no major shifts.",
        topics: &["Territorial control"],
        sources: &[("Demo Map Watch", "https://maps.example.org/daily-update")],
        key: false,
        pinned: false,
    },
    Item {
        minutes_ago: 75,
        headline: "Talks adjourn after first session; envoy calls them “businesslike”",
        body: "The first session ended after four hours. A senior envoy described the talks as “businesslike” and said working groups on prisoner exchanges and energy infrastructure would meet tomorrow.",
        topics: &["Diplomacy and cease-fire talks"],
        sources: &[
            ("Demo Diplomatic Service", "https://diplomacy.example.com/first-session"),
            ("Example Wire", "https://example.org/wire/talks-adjourn"),
        ],
        key: true,
        pinned: false,
    },
    Item {
        minutes_ago: 40,
        headline: "Humanitarian convoy reaches besieged district",
        body: "A convoy of twelve trucks carrying food, medicine and generators reached a district that had been cut off for nine days, aid agencies said.",
        topics: &["Civilians and humanitarian"],
        sources: &[("Demo Aid Monitor", "https://aid.example.org/convoy")],
        key: false,
        pinned: false,
    },
    Item {
        minutes_ago: 10,
        headline: "What we know so far today",
        body: "- Cease-fire talks opened and will continue tomorrow in working groups.\n- Overnight drone strikes damaged energy facilities; power is mostly restored.\n- A new aid package and a new sanctions round were announced.\n\n*This is a demo briefing with synthetic text, made for trying livebrief.*",
        topics: &["Diplomacy and cease-fire talks"],
        sources: &[],
        key: false,
        pinned: true,
    },
];

/// Adds the demo account and briefing if the store has no briefing yet. Returns whether it did.
pub async fn seed(store: Arc<dyn Store>) -> anyhow::Result<bool> {
    seed_at(store, Timestamp::now()).await
}

/// [`seed`] as if it were `now`.
async fn seed_at(store: Arc<dyn Store>, now: Timestamp) -> anyhow::Result<bool> {
    if !store.list_briefings().await?.is_empty() {
        return Ok(false);
    }
    let start = now.checked_sub(jiff::SignedDuration::from_mins(480))?;
    let clock = Arc::new(ManualClock::new(start));
    let app = App::new(store.clone(), clock.clone()).await?;
    let user = match store.user_by_name(DEMO_USER).await? {
        Some((u, _)) => u,
        None => app.create_user(DEMO_USER, Role::Editor, DEMO_PASSWORD).await?,
    };
    let actor = user.actor();
    app.create_briefing(
        &actor,
        BriefingDraft {
            slug: DEMO_SLUG.into(),
            title: "Russia–Ukraine war: cease-fire talks (demo)".into(),
            summary: "The latest developments on the talks, the fighting, Western military aid, sanctions and the plight of civilians. Demo content written for livebrief.".into(),
            language: "en".into(),
        },
    )
    .await?;
    let mut ids = Vec::new();
    for item in ITEMS {
        clock.set(now.checked_sub(jiff::SignedDuration::from_mins(item.minutes_ago as i64))?);
        let e = app
            .create_entry(
                &actor,
                DEMO_SLUG,
                EntryInput {
                    headline: item.headline.into(),
                    body_format: BodyFormat::Markdown,
                    body: item.body.into(),
                    happened_on: None,
                    topics: item.topics.iter().map(|t| t.to_string()).collect(),
                    sources: item
                        .sources
                        .iter()
                        .map(|(outlet, url)| Citation {
                            outlet: outlet.to_string(),
                            url: url.to_string(),
                            title: String::new(),
                            published_at: None,
                        })
                        .collect(),
                    pinned: item.pinned,
                    key_event: item.key,
                    status: Status::Published,
                },
            )
            .await?;
        ids.push(e.id);
    }
    // One correction, so the demo shows how edits stay visible.
    clock.set(now.checked_sub(jiff::SignedDuration::from_mins(100))?);
    let edit = EditInput {
        body: Some((BodyFormat::Markdown, "The general staff said its units repelled several assaults near an eastern town over the past 24 hours. The claims could not be independently verified.".into())),
        correction_note: Some("An earlier version gave the wrong period for the reported assaults.".into()),
        ..Default::default()
    };
    app.change_entry(&actor, ids[5], Command::Edit(edit), None).await?;
    clock.advance(Duration::from_secs(1));
    // A map: two days of a synthetic control layer (the day-to-day change goes to the desk as a draft),
    // imported now: the clock was set back for the entries above, and a layer dated today would be "in the
    // future" for a clock still in yesterday (a demo started within 100 minutes after midnight UTC).
    clock.set(now);
    let today = now.to_zoned(jiff::tz::TimeZone::UTC).date();
    for (day, date) in [(0u8, today.yesterday()?), (1, today)] {
        app.import_map_layer(
            &actor,
            DEMO_SLUG,
            "occupied",
            date,
            synthetic_front(day, 3000).into_bytes(),
            day == 1,
        )
        .await
        .map_err(|e| anyhow::anyhow!("importing the demo map layer: {e}"))?;
    }
    tracing::info!(
        user = DEMO_USER,
        password = DEMO_PASSWORD,
        "demo briefing added; sign in to the desk with the demo editor account"
    );
    println!("demo briefing added at /b/{DEMO_SLUG}; desk sign-in: {DEMO_USER} / {DEMO_PASSWORD}");
    Ok(true)
}

/// The demo's newsroom: synthetic outlets on 127.0.0.1 publishing over about a minute and a half, watched by the
/// demo briefing (feeds polled every 5 s), so a newcomer sees reports arrive, developments form and drafts appear
/// on the desk without any internet. Sources of earlier demo runs (another port) are replaced.
pub async fn outlets(
    ingest: &std::sync::Arc<livebrief_app::Ingest>,
    port: u16,
) -> anyhow::Result<livebrief_outlets::OutletServer> {
    use livebrief_app::SourceInput;
    use livebrief_model::SourceKind;
    let today = jiff::Zoned::now().date();
    let server =
        livebrief_outlets::OutletServer::start(livebrief_outlets::Scenario::demo().on_day(today).port(port)).await?;
    let operator = livebrief_model::Actor {
        id: livebrief_model::UserId(0),
        name: "demo".into(),
        role: Role::Admin,
    };
    for old in ingest.sources(Some(DEMO_SLUG)).await? {
        if old.url.starts_with("http://127.0.0.1:") {
            ingest.delete_source(&operator, old.id).await?;
        }
    }
    for o in server.outlets() {
        let kind = if o.kind == livebrief_outlets::FeedKind::Page {
            SourceKind::Page
        } else {
            SourceKind::Feed
        };
        ingest
            .add_source(
                &operator,
                DEMO_SLUG,
                SourceInput {
                    kind: Some(kind),
                    title: o.name.clone(),
                    language: Some(o.language.clone()),
                    trust_note: "Synthetic demo outlet (livebrief's own fixture).".into(),
                    poll_interval_secs: Some(5),
                    ..SourceInput::url(server.feed_url(&o.id))
                },
            )
            .await?;
    }
    println!(
        "demo outlets publishing at {} — watch developments form at /desk/b/{DEMO_SLUG}/inbox",
        server.base_url()
    );
    Ok(server)
}

/// A synthetic control layer for the demo and the tests (not real data): the ground south-east of a made-up
/// front line running from near Vasylivka to beyond Pokrovsk, `vertices` points along the line. On `day` 1 the
/// line has pushed north-west in two bulges (around Orikhiv and west of Pokrovsk), so the change names places.
pub fn synthetic_front(day: u8, vertices: usize) -> String {
    let (ax, ay, bx, by): (f64, f64, f64, f64) = (35.2, 47.3, 37.6, 48.45);
    let (dx, dy) = (bx - ax, by - ay);
    let len = (dx * dx + dy * dy).sqrt();
    // Perpendicular, pointing north-west (towards the ground the line advances into).
    let (nx, ny) = (-dy / len, dx / len);
    let n = vertices.max(8);
    let mut ring: Vec<[f64; 2]> = Vec::with_capacity(n + 4);
    for i in 0..n {
        let t = i as f64 / (n - 1) as f64;
        let mut off = 0.03 * (t * 38.0 * std::f64::consts::PI).sin() + 0.012 * (t * 171.0).sin();
        if day >= 1 {
            off += 0.05 * (-((t - 0.24) / 0.035).powi(2)).exp() + 0.04 * (-((t - 0.86) / 0.03).powi(2)).exp();
        }
        let round = |v: f64| (v * 1e6).round() / 1e6;
        ring.push([round(ax + t * dx + off * nx), round(ay + t * dy + off * ny)]);
    }
    // Close the area to the south-east of the line.
    ring.extend([[38.4, 48.45], [38.4, 46.9], [35.2, 46.9]]);
    ring.push(ring[0]);
    let coords: Vec<String> = ring.iter().map(|[x, y]| format!("[{x},{y}]")).collect();
    format!(
        r#"{{"type":"FeatureCollection","features":[{{"type":"Feature","properties":{{"name":"synthetic front (demo)"}},"geometry":{{"type":"Polygon","coordinates":[[{}]]}}}}]}}"#,
        coords.join(",")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The entries are dated up to eight hours back and the map's layers today: a demo started just after
    /// midnight UTC must not date a layer after the clock it imports with (it failed to start at 00:10).
    #[tokio::test]
    async fn the_demo_seeds_at_any_time_of_day() {
        for at in [
            "2026-12-01T00:10:00Z",
            "2026-12-01T01:39:00Z",
            "2026-11-30T23:59:59Z",
            "2026-12-01T12:00:00Z",
        ] {
            let dir = tempfile::tempdir().expect("temp dir");
            let store: Arc<dyn Store> =
                Arc::new(livebrief_store::SqliteStore::open(&dir.path().join("livebrief.db")).expect("store"));
            let seeded = seed_at(store.clone(), at.parse().expect("time")).await;
            assert!(matches!(seeded, Ok(true)), "seeding at {at}: {seeded:?}");
            assert_eq!(store.list_briefings().await.expect("briefings").len(), 1);
        }
    }
}
