//! The behaviour every [`Store`] backend must have. Backends call [`run`] from their tests with a fresh,
//! empty store; it panics with a description on the first difference.

use livebrief_model::{
    Action, Actor, Body, BodyFormat, BriefingDraft, Citation, Date, EntryDraft, EntryEdit, EntryId, EventId, EventKind,
    ReportActor, ReportDraft, ReportId, Role, Status, Timestamp,
};

use crate::{EntryQuery, Order, ReportSaved, Store, StoreError};
use livebrief_model::reading::{Quote, QuoteKind, Reading, Speaker};

pub(crate) fn at(min: i64) -> Timestamp {
    Timestamp::from_second(1_741_860_000 + min * 60).expect("in range")
}

fn draft(headline: &str, status: Status, topics: &[&str]) -> EntryDraft {
    EntryDraft {
        headline: headline.into(),
        body: Body {
            format: BodyFormat::Markdown,
            source: format!("{headline} body"),
            html: format!("<p>{headline} body</p>"),
        },
        happened_on: Date::constant(2025, 3, 13),
        topics: topics.iter().map(|s| s.to_string()).collect(),
        sources: vec![Citation {
            outlet: "Example Wire".into(),
            url: "https://example.org/a".into(),
            title: "A report".into(),
            published_at: Some(at(0)),
        }],
        pinned: false,
        key_event: false,
        status,
    }
}

mod concurrency;
mod desk;
mod ingest;
mod maps;
mod quotes;

pub use concurrency::concurrent_writers;

pub async fn run(store: &dyn Store) {
    settings(store).await;
    let actors = accounts(store).await;
    entries(store, &actors).await;
    reports(store, &actors).await;
    ingest::sources_and_jobs(store).await;
    desk::developments(store, &actors).await;
    quotes::tracker(store, &actors).await;
    maps::layers(store, &actors).await;
    maps::changes_and_cards(store, &actors).await;
    logins(store).await;
    concurrent_writers(&[store], "run").await;
}

/// Sign-in attempts: counted per key up to its limit within the window, refused beyond it with the oldest
/// attempt's time, forgiven by id, cleared by key, pruned by age.
async fn logins(store: &dyn Store) {
    let keys = |limit: u32| vec![("pair:a \"eda\"".to_string(), limit), ("addr:a".to_string(), limit * 4)];
    let mut first = None;
    for n in 0..3 {
        let ids = store
            .reserve_login(&keys(3), at(0), at(10 + n))
            .await
            .expect("store")
            .expect("under the limit");
        assert_eq!(ids.len(), 2, "one attempt per key");
        first.get_or_insert(ids);
    }
    assert_eq!(
        store.reserve_login(&keys(3), at(0), at(20)).await.expect("store"),
        Err(at(10)),
        "the pair is full: its oldest attempt is returned"
    );
    assert!(
        store
            .reserve_login(&keys(3), at(11), at(20))
            .await
            .expect("store")
            .is_ok(),
        "attempts before the window do not count"
    );
    // Forgiving the first attempt by id frees one place in a window that holds it.
    let first = first.expect("ids");
    store.forget_logins(&first, &[]).await.expect("forget");
    store
        .forget_logins(&[], &["pair:a \"eda\"".to_string()])
        .await
        .expect("clear");
    let ok = store
        .reserve_login(&[("addr:a".to_string(), 4)], at(0), at(30))
        .await
        .expect("store");
    assert_eq!(
        ok.map(|v| v.len()),
        Ok(1),
        "the address holds 3 (one forgiven): a 4th fits"
    );
    assert!(
        store
            .reserve_login(&[("addr:a".to_string(), 4)], at(0), at(31))
            .await
            .expect("store")
            .is_err(),
        "and then it is full"
    );
    assert_eq!(
        store.prune_logins(at(31)).await.expect("prune"),
        4,
        "everything before 31 goes"
    );
    assert!(
        store
            .reserve_login(&keys(1), at(0), at(40))
            .await
            .expect("store")
            .is_ok()
    );
}

async fn reports(store: &dyn Store, (ed, co): &(Actor, Actor)) {
    let b = store
        .create_briefing(
            &BriefingDraft {
                slug: "reports-test".into(),
                title: "Reports".into(),
                summary: String::new(),
                language: "en".into(),
            },
            at(0),
        )
        .await
        .expect("briefing");
    let text = "“We will not accept a frozen conflict,” said Olena Marchenko. Київ — ще один рядок.".to_string();
    let d = ReportDraft {
        briefing_id: b.id,
        url: Some("https://example.org/talks".into()),
        title: "Talks".into(),
        source: "Example Wire".into(),
        published: Date::constant(2025, 3, 13),
        text: text.clone(),
        language: "en".into(),
        reading: Reading {
            language: "en".into(),
            sentences: vec![(0, 61), (62, 84)],
            quotes: vec![Quote {
                kind: QuoteKind::Direct,
                text: "We will not accept a frozen conflict,".into(),
                spans: vec![(1, 38)],
                cue: Some(("said".into(), (40, 44))),
                speaker: Some(Speaker {
                    name: Some("Olena Marchenko".into()),
                    span: (45, 60),
                    text: "Olena Marchenko".into(),
                    kind: "person".into(),
                    via: "name".into(),
                }),
                date: Some(Date::constant(2025, 3, 13)),
                evidence: "quote-verb-speaker".into(),
            }],
            ..Reading::default()
        },
    };
    let ReportSaved::Created(r1) = store.save_report(&d, None, at(1)).await.expect("save report") else {
        panic!("a new URL is a new report");
    };
    assert_eq!(
        r1.submitted_by,
        Some(ReportActor::of(None)),
        "the newsroom loop sent it in"
    );
    assert_eq!(r1.changed_by, None);
    assert_eq!(
        (r1.text.as_str(), r1.published, r1.received_at),
        (text.as_str(), d.published, at(1))
    );
    assert_eq!(
        r1.reading, d.reading,
        "the reading is stored with the report, unchanged"
    );
    // The same URL again (the outlet updated its story): same report, new text and reading, history of receipt kept.
    let d2 = ReportDraft {
        text: format!("{text} Updated."),
        reading: Reading {
            language: "en".into(),
            ..Reading::default()
        },
        ..d.clone()
    };
    let ReportSaved::Replaced(r2) = store.save_report(&d2, None, at(5)).await.expect("save again") else {
        panic!("the same URL in the same briefing is the same report");
    };
    assert_eq!(r2.id, r1.id);
    assert_eq!(r2.changed_by, Some(ReportActor::of(None)));
    assert_eq!((r2.received_at, r2.updated_at), (at(1), at(5)));
    assert_eq!(r2.reading, d2.reading);
    // Reports without a URL (pasted text) are always new.
    let pasted = ReportDraft { url: None, ..d.clone() };
    let p1 = store
        .save_report(&pasted, None, at(6))
        .await
        .expect("pasted")
        .into_report();
    let saved = store.save_report(&pasted, None, at(7)).await.expect("pasted again");
    assert!(matches!(&saved, ReportSaved::Created(p2) if p2.id != p1.id));
    let p2 = saved.into_report();
    let got = store.report(r1.id).await.expect("read").expect("present");
    assert_eq!(got, r2);
    assert!(store.report(ReportId(999_999)).await.expect("read").is_none());
    let list = store.list_reports(b.id, None, 10).await.expect("list");
    assert_eq!(
        list.iter().map(|r| r.id).collect::<Vec<_>>(),
        vec![p2.id, p1.id, r1.id],
        "newest first"
    );
    let rest = store.list_reports(b.id, Some(p1.id), 10).await.expect("page");
    assert_eq!(rest.iter().map(|r| r.id).collect::<Vec<_>>(), vec![r1.id]);
    // A briefing's own topic list: none, set, replaced, removed.
    assert_eq!(store.briefing_topics(b.id).await.expect("topics"), None);
    store
        .set_briefing_topics(b.id, Some("energy | Energy | grid"), at(9))
        .await
        .expect("set");
    store
        .set_briefing_topics(b.id, Some("energy | Energy | grid, blackout"), at(10))
        .await
        .expect("replace");
    assert_eq!(
        store.briefing_topics(b.id).await.expect("topics").as_deref(),
        Some("energy | Energy | grid, blackout")
    );
    store.set_briefing_topics(b.id, None, at(11)).await.expect("remove");
    assert_eq!(store.briefing_topics(b.id).await.expect("topics"), None);
    // A report belongs to an existing briefing.
    let orphan = ReportDraft {
        briefing_id: livebrief_model::BriefingId(999_999),
        ..d.clone()
    };
    assert!(
        store.save_report(&orphan, None, at(8)).await.is_err(),
        "no report without its briefing"
    );

    // Owners: a contributor's report is replaced by its submitter or an editor, never by another
    // contributor, whose re-post changes nothing; every replacement keeps what it replaced.
    let other = store
        .create_user("dana", Role::Contributor, "hash-3", at(0))
        .await
        .expect("user")
        .actor();
    let mine = ReportDraft {
        url: Some("https://example.org/owned".into()),
        text: "Cole's text.".into(),
        ..d.clone()
    };
    let o1 = store
        .save_report(&mine, Some(co), at(12))
        .await
        .expect("save")
        .into_report();
    assert_eq!(o1.submitted_by, Some(ReportActor::of(Some(co))));
    let theirs = ReportDraft {
        text: "Dana's text.".into(),
        ..mine.clone()
    };
    let kept = store.save_report(&theirs, Some(&other), at(13)).await.expect("save");
    assert_eq!(
        kept,
        ReportSaved::Kept(o1.clone()),
        "another contributor's re-post changes nothing"
    );
    assert_eq!(store.report(o1.id).await.expect("read"), Some(o1.clone()));
    assert!(store.report_changes(o1.id).await.expect("changes").is_empty());
    let own = ReportDraft {
        text: "Cole's text, updated.".into(),
        ..mine.clone()
    };
    let o2 = store.save_report(&own, Some(co), at(14)).await.expect("save");
    assert!(
        matches!(&o2, ReportSaved::Replaced(r) if r.text == own.text && r.changed_by == Some(ReportActor::of(Some(co))))
    );
    let o3 = store.save_report(&theirs, Some(ed), at(15)).await.expect("save");
    assert!(
        matches!(&o3, ReportSaved::Replaced(r) if r.changed_by == Some(ReportActor::of(Some(ed))) && r.updated_at == at(15))
    );
    assert_eq!(
        o3.report().submitted_by,
        Some(ReportActor::of(Some(co))),
        "the submitter stays"
    );
    let changes = store.report_changes(o1.id).await.expect("changes");
    assert_eq!(
        changes
            .iter()
            .map(|c| (c.by.name.as_str(), c.at, c.previous_text.as_str()))
            .collect::<Vec<_>>(),
        vec![
            ("cole", at(14), "Cole's text."),
            ("eda", at(15), "Cole's text, updated.")
        ]
    );
}

async fn settings(store: &dyn Store) {
    let a = store.setting_or_init("secret", vec![1, 2, 3]).await.expect("init");
    assert_eq!(a, vec![1, 2, 3]);
    let b = store.setting_or_init("secret", vec![9]).await.expect("read");
    assert_eq!(b, vec![1, 2, 3], "an existing setting must not be replaced");
}

async fn accounts(store: &dyn Store) -> (Actor, Actor) {
    let ed = store
        .create_user("eda", Role::Editor, "hash-1", at(0))
        .await
        .expect("create user");
    let co = store
        .create_user("cole", Role::Contributor, "hash-2", at(0))
        .await
        .expect("create user");
    assert!(matches!(
        store.create_user("eda", Role::Admin, "h", at(0)).await,
        Err(StoreError::Conflict(_))
    ));
    let (u, h) = store.user_by_name("eda").await.expect("read").expect("exists");
    assert_eq!((u.id, u.role, h.as_str()), (ed.id, Role::Editor, "hash-1"));
    assert!(store.user_by_name("nobody").await.expect("read").is_none());
    assert_eq!(store.user(co.id).await.expect("read").expect("exists").name, "cole");
    assert_eq!(store.list_users().await.expect("list").len(), 2);

    store
        .create_session(b"tok-a", ed.id, at(0), at(60))
        .await
        .expect("session");
    assert_eq!(
        store.session_user(b"tok-a", at(30)).await.expect("read").map(|u| u.id),
        Some(ed.id)
    );
    assert!(
        store.session_user(b"tok-a", at(61)).await.expect("read").is_none(),
        "expired session still valid"
    );
    assert!(store.session_user(b"tok-b", at(1)).await.expect("read").is_none());
    store
        .create_session(b"tok-c", ed.id, at(0), at(600))
        .await
        .expect("session");
    assert_eq!(store.delete_expired_sessions(at(61)).await.expect("delete"), 1);
    store.set_password(ed.id, "hash-3").await.expect("set password");
    assert!(
        store.session_user(b"tok-c", at(1)).await.expect("read").is_none(),
        "password change must end sessions"
    );
    store
        .create_session(b"tok-d", ed.id, at(0), at(600))
        .await
        .expect("session");
    store.delete_session(b"tok-d").await.expect("logout");
    assert!(store.session_user(b"tok-d", at(1)).await.expect("read").is_none());

    let new_token = |hash: &[u8], user, expires: Option<i64>| livebrief_model::NewApiToken {
        hash: hash.to_vec(),
        user,
        name: "bot".into(),
        prefix: "lb_abcdef".into(),
        created_at: at(0),
        expires_at: expires.map(at),
    };
    let id1 = store
        .create_api_token(&new_token(b"api-1", co.id, Some(600)))
        .await
        .expect("token");
    assert_eq!(
        store
            .api_token_user(b"api-1", at(1))
            .await
            .expect("read")
            .map(|(u, t)| (u.id, t.id)),
        Some((co.id, id1))
    );
    assert!(store.api_token_user(b"api-2", at(1)).await.expect("read").is_none());
    assert!(
        store.api_token_user(b"api-1", at(601)).await.expect("read").is_none(),
        "expired token still valid"
    );
    store.touch_api_token(id1, at(5)).await.expect("touch");
    let listed = store.list_api_tokens(Some(co.id)).await.expect("list");
    assert_eq!(listed.len(), 1);
    assert_eq!(
        (
            listed[0].name.as_str(),
            listed[0].prefix.as_str(),
            listed[0].user_name.as_str()
        ),
        ("bot", "lb_abcdef", "cole")
    );
    assert_eq!(listed[0].last_used_at, Some(at(5)));
    assert!(store.list_api_tokens(Some(ed.id)).await.expect("list").is_empty());
    let id2 = store
        .create_api_token(&new_token(b"api-3", co.id, None))
        .await
        .expect("token");
    let revoked = store.revoke_api_token(id2, at(10)).await.expect("revoke");
    assert_eq!(revoked.revoked_at, Some(at(10)));
    assert_eq!(
        store.revoke_api_token(id2, at(20)).await.expect("again").revoked_at,
        Some(at(10)),
        "a second revocation keeps the first time"
    );
    assert!(
        store.api_token_user(b"api-3", at(11)).await.expect("read").is_none(),
        "revoked token still valid"
    );
    assert!(matches!(
        store.revoke_api_token(999_999, at(1)).await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(store.list_api_tokens(None).await.expect("list all").len(), 2);
    store.set_password(co.id, "hash-4").await.expect("set password");
    assert!(
        store.api_token_user(b"api-1", at(1)).await.expect("read").is_none(),
        "a password change must end the account's API tokens"
    );
    assert!(store.api_token(id1).await.expect("read").expect("kept").superseded);
    store
        .create_api_token(&new_token(b"api-4", co.id, None))
        .await
        .expect("token after the change");
    assert!(store.api_token_user(b"api-4", at(1)).await.expect("read").is_some());
    (ed.actor(), co.actor())
}

async fn entries(store: &dyn Store, (ed, co): &(Actor, Actor)) {
    let bd = BriefingDraft {
        slug: "war".into(),
        title: "War".into(),
        summary: "s".into(),
        language: "en".into(),
    };
    let b = store.create_briefing(&bd, at(0)).await.expect("briefing");
    assert!(matches!(
        store.create_briefing(&bd, at(0)).await,
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(
        store.briefing_by_slug("war").await.expect("read").map(|x| x.id),
        Some(b.id)
    );
    assert!(store.briefing_by_slug("peace").await.expect("read").is_none());

    // Five published entries, one minute apart, and one pending.
    let mut ids = Vec::new();
    for i in 0..5 {
        let topics: &[&str] = if i % 2 == 0 { &["Diplomacy"] } else { &["Fighting"] };
        let change = draft(&format!("E{i}"), Status::Published, topics)
            .into_entry(b.id, ed, at(i + 1))
            .expect("rule");
        let (e, ev) = store.insert_entry(change).await.expect("insert");
        assert!(e.id.0 > 0);
        let ev = ev.expect("publishing makes an event");
        assert_eq!((ev.kind, ev.entry_id()), (EventKind::Published, Some(e.id)));
        ids.push(e.id);
    }
    let pending = draft("P", Status::Published, &[])
        .into_entry(b.id, co, at(10))
        .expect("rule");
    let (p, ev) = store.insert_entry(pending).await.expect("insert");
    assert_eq!(p.status, Status::Pending);
    assert!(ev.is_none(), "a pending entry is not public");

    let stored = store.entry(ids[0]).await.expect("read").expect("exists");
    assert_eq!(stored.headline, "E0");
    assert_eq!(stored.sources.len(), 1);
    assert_eq!(stored.sources[0].published_at, Some(at(0)));
    assert_eq!(stored.topics, vec!["Diplomacy".to_string()]);
    assert!(store.entry(EntryId(999_999)).await.expect("read").is_none());
    let orphan = draft("X", Status::Draft, &[])
        .into_entry(livebrief_model::BriefingId(424242), ed, at(1))
        .expect("rule");
    assert!(matches!(store.insert_entry(orphan).await, Err(StoreError::NotFound)));

    // Pages of two, newest first, then oldest first.
    let mut q = EntryQuery::public(b.id, 2);
    let mut seen = Vec::new();
    loop {
        let page = store.list_entries(&q).await.expect("list");
        seen.extend(page.items.iter().map(|e| e.id));
        match page.next {
            Some(c) => q.after = Some(c),
            None => break,
        }
    }
    let mut newest = ids.clone();
    newest.reverse();
    assert_eq!(seen, newest, "newest-first pagination");
    let mut q = EntryQuery::public(b.id, 10);
    q.order = Order::OldestFirst;
    let page = store.list_entries(&q).await.expect("list");
    assert_eq!(page.items.iter().map(|e| e.id).collect::<Vec<_>>(), ids);
    assert!(page.next.is_none());
    let mut q = EntryQuery::public(b.id, 10);
    q.topic = Some("diplomacy".into());
    assert_eq!(
        store.list_entries(&q).await.expect("list").items.len(),
        3,
        "topic filter is case-insensitive"
    );
    let all = EntryQuery {
        statuses: vec![],
        ..EntryQuery::public(b.id, 50)
    };
    assert_eq!(store.list_entries(&all).await.expect("list").items.len(), 6);
    // Not public and written by someone else: left out for another contributor, kept for its author.
    let others = EntryQuery {
        private_of: Some(livebrief_model::UserId(co.id.0 + 1000)),
        ..all.clone()
    };
    assert_eq!(store.list_entries(&others).await.expect("list").items.len(), 5);
    let own = EntryQuery {
        private_of: Some(co.id),
        ..all.clone()
    };
    assert_eq!(store.list_entries(&own).await.expect("list").items.len(), 6);
    let topics = store.topics(b.id).await.expect("topics");
    assert_eq!(topics, vec![("Diplomacy".to_string(), 3), ("Fighting".to_string(), 2)]);

    // A correction keeps the old text in the revisions; a stale version conflicts.
    let e0 = store.entry(ids[0]).await.expect("read").expect("exists");
    let edit = EntryEdit {
        headline: Some("E0 corrected".into()),
        correction_note: Some("Fixed the name.".into()),
        ..Default::default()
    };
    let change = e0.apply(Action::Edit(edit.clone()), ed, at(20)).expect("rule");
    let (e1, ev) = store.save_change(change).await.expect("save");
    assert_eq!(ev.map(|e| e.kind), Some(EventKind::Updated));
    assert_eq!(e1.version, 2);
    let stale = e0.apply(Action::Edit(edit), ed, at(21)).expect("rule");
    assert!(
        matches!(store.save_change(stale).await, Err(StoreError::Conflict(_))),
        "stale write must conflict"
    );
    let reread = store.entry(ids[0]).await.expect("read").expect("exists");
    assert_eq!(reread, e1, "what was saved is what is read");
    let pinned = reread.apply(Action::Pin(true), ed, at(22)).expect("rule");
    store.save_change(pinned).await.expect("pin");
    let revs = store.revisions(ids[0]).await.expect("revisions");
    assert_eq!(revs.iter().map(|r| r.number).collect::<Vec<_>>(), vec![1, 2, 3]);
    assert_eq!(revs[0].snapshot.headline, "E0");
    assert_eq!(revs[1].snapshot.headline, "E0 corrected");
    assert_eq!(revs[1].note.as_deref(), Some("Fixed the name."));
    assert!(revs[2].snapshot.pinned);
    let mut q = EntryQuery::public(b.id, 10);
    q.pinned = Some(true);
    assert_eq!(store.list_entries(&q).await.expect("list").items.len(), 1);

    // Events: 5 published + 1 updated + 1 pinned + 1 briefing update, in order, resumable.
    let (b2, bev) = store
        .update_briefing(
            b.id,
            &BriefingDraft {
                title: "War, day 2".into(),
                ..bd.clone()
            },
            at(30),
        )
        .await
        .expect("update briefing");
    assert_eq!(b2.title, "War, day 2");
    assert_eq!(b2.slug, "war");
    let evs = store.events_after(b.id, EventId(0), 100).await.expect("events");
    assert_eq!(evs.len(), 8);
    assert!(evs.windows(2).all(|w| w[0].id < w[1].id));
    assert_eq!(evs.last().map(|e| e.id), Some(bev.id));
    let rest = store.events_after(b.id, evs[5].id, 100).await.expect("events");
    assert_eq!(
        rest.iter().map(|e| e.kind).collect::<Vec<_>>(),
        vec![EventKind::Pinned, EventKind::BriefingUpdated]
    );
    assert_eq!(store.last_event_ids().await.expect("last"), vec![(b.id, bev.id)]);
}
