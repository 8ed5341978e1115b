//! The quote tracker end to end: reports are read and grouped, developments approved, and their quotes filed
//! under one speaker per person across spellings and languages (synthetic reports written for this test).

use livebrief_app::{App, AppError, Command, ReportBody, ReportInput};
use livebrief_model::{
    Actor, BriefingDraft, Date, DeskAction, DevStatus, Entry, Report, Role, SpeakerAction, SpeakerId, Status,
};
use livebrief_store::QuoteQuery;

use crate::fixture;

async fn add(app: &App, actor: &Actor, url: &str, outlet: &str, published: Date, text: &str) -> Report {
    app.add_report(
        actor,
        "war",
        ReportInput {
            url: Some(url.into()),
            title: String::new(),
            source: outlet.into(),
            published: Some(published),
            body: ReportBody::Text(text.into()),
        },
    )
    .await
    .expect("report")
    .0
}

/// Makes a development of the report alone (the grouper may have put it with others; an editor splits it off)
/// and approves it as `actor`; returns its entry.
async fn approve(app: &App, ed: &Actor, actor: &Actor, r: &Report) -> Entry {
    let m = app
        .store()
        .membership(r.id)
        .await
        .expect("read")
        .expect("the report was grouped");
    let d = app
        .development(m.development_id)
        .await
        .expect("development")
        .development;
    let d = if d.report_count > 1 {
        app.desk_act(ed, d.id, None, DeskAction::Split(vec![r.id]))
            .await
            .expect("split")
    } else {
        d
    };
    assert_eq!(d.status, DevStatus::Open);
    let d = app
        .desk_act(actor, d.id, None, DeskAction::Approve)
        .await
        .expect("approve");
    app.entry(d.entry_id.expect("an entry")).await.expect("entry")
}

async fn public(app: &App, b: livebrief_model::BriefingId, speaker: Option<SpeakerId>) -> Vec<String> {
    let q = QuoteQuery {
        speaker,
        ..QuoteQuery::new(b, 100)
    };
    app.quotes(&q)
        .await
        .expect("quotes")
        .items
        .into_iter()
        .map(|q| q.text)
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_person_is_one_speaker_across_spellings_and_languages() {
    let f = fixture().await;
    let ed = f
        .app
        .create_user("eda", Role::Editor, "long enough password")
        .await
        .expect("user")
        .actor();
    let co = f
        .app
        .create_user("cole", Role::Contributor, "another long password")
        .await
        .expect("user")
        .actor();
    let b = f
        .app
        .create_briefing(
            &ed,
            BriefingDraft {
                slug: "war".into(),
                title: "War".into(),
                summary: String::new(),
                language: "en".into(),
            },
        )
        .await
        .expect("briefing");
    let (d13, d14) = (Date::constant(2025, 3, 13), Date::constant(2025, 3, 14));

    let uk = add(
        &f.app,
        &ed,
        "https://uk.example/peskov",
        "Ukrainska Pravda",
        d13,
        "Речник Кремля Дмитро Пєсков заявив, що переговори зі США тривають. «Ми готові до діалогу, але не на \
         будь-яких умовах», — сказав Дмитро Пєсков журналістам.",
    )
    .await;
    let e_uk = approve(&f.app, &ed, &ed, &uk).await;
    let en = add(
        &f.app,
        &ed,
        "https://wire.example/peskov",
        "Wire One",
        d13,
        "Kremlin spokesman Dmitry Peskov said on Thursday that talks with the United States would continue. \
         “We are ready for dialogue, but not on any terms,” Peskov told reporters.",
    )
    .await;
    approve(&f.app, &ed, &ed, &en).await;
    let ru = add(
        &f.app,
        &ed,
        "https://ru.example/peskov",
        "Russian Daily",
        d13,
        "Пресс-секретарь президента Дмитрий Песков заявил, что Кремль изучит предложение. «Мы внимательно \
         его изучим», — сказал Песков.",
    )
    .await;
    approve(&f.app, &ed, &ed, &ru).await;
    let later = add(
        &f.app,
        &ed,
        "https://wire.example/peskov-proposal",
        "Wire Two",
        d14,
        "Peskov said the Kremlin had not yet received the written proposal. “We will study it carefully,” \
         Peskov said.",
    )
    .await;
    approve(&f.app, &ed, &ed, &later).await;
    let lavrov = add(
        &f.app,
        &ed,
        "https://wire.example/lavrov",
        "Wire Three",
        d14,
        "Foreign Minister Sergei Lavrov said Moscow would answer the Black Sea shipping plan in writing. \
         “Our position on shipping is known,” Lavrov said.",
    )
    .await;
    let e_lavrov = approve(&f.app, &ed, &ed, &lavrov).await;

    let speakers = f.app.briefing_speakers(b.id).await.expect("speakers");
    assert_eq!(speakers.len(), 2, "Peskov and Lavrov: {speakers:#?}");
    let peskov = &speakers[0];
    assert_eq!(peskov.name, "Dmitry Peskov", "a full Latin spelling names him");
    let spellings: Vec<&str> = peskov.aliases.iter().map(|a| a.spelling.as_str()).collect();
    for s in ["Дмитро Пєсков", "Dmitry Peskov", "Дмитрий Песков", "Peskov"] {
        assert!(spellings.contains(&s), "{s} is one of his spellings: {spellings:?}");
    }
    assert_eq!(peskov.quote_count, 8, "two quotes from each of four reports");
    let texts = public(&f.app, b.id, Some(peskov.id)).await;
    for words in [
        "Ми готові до діалогу",
        "We are ready for dialogue",
        "Мы внимательно",
        "We will study it",
    ] {
        assert!(texts.iter().any(|t| t.contains(words)), "{words}: {texts:#?}");
    }
    let lavrov_id = speakers[1].id;
    assert_eq!(speakers[1].name, "Sergei Lavrov");
    assert_eq!(public(&f.app, b.id, Some(lavrov_id)).await.len(), 2);
    let quotes = f.app.quotes(&QuoteQuery::new(b.id, 100)).await.expect("quotes").items;
    assert_eq!(quotes.len(), 10);
    assert_eq!(quotes[0].day(), d14, "newest first");
    let q = quotes
        .iter()
        .find(|q| q.text.contains("готові"))
        .expect("the Ukrainian quote");
    assert_eq!(
        (q.outlet.as_str(), q.url.as_deref(), q.said_on, q.entry_id),
        (
            "Ukrainska Pravda",
            Some("https://uk.example/peskov"),
            Some(d13),
            e_uk.id
        )
    );

    // Updating the entry records its quotes again, without duplicates.
    let dev = f
        .app
        .store()
        .development_of_entry(e_uk.id)
        .await
        .expect("read")
        .expect("dev");
    f.app
        .desk_act(&ed, dev.id, None, DeskAction::UpdateEntry)
        .await
        .expect("update entry");
    assert_eq!(
        f.app
            .quotes(&QuoteQuery::new(b.id, 100))
            .await
            .expect("quotes")
            .items
            .len(),
        10
    );

    // Editors merge, split and rename; contributors may not.
    let merge = SpeakerAction::MergeInto(peskov.id);
    assert!(matches!(
        f.app.speaker_act(&co, lavrov_id, merge.clone()).await,
        Err(AppError::Forbidden(_))
    ));
    let merged = f.app.speaker_act(&ed, lavrov_id, merge).await.expect("merge");
    assert_eq!(merged.id, peskov.id);
    assert_eq!(merged.quote_count, 10);
    assert_eq!(
        f.app.speaker(lavrov_id).await.expect("kept").merged_into,
        Some(peskov.id)
    );
    assert_eq!(f.app.briefing_speakers(b.id).await.expect("speakers").len(), 1);
    let split = f
        .app
        .speaker_act(
            &ed,
            peskov.id,
            SpeakerAction::Split {
                aliases: vec!["sergei lavrov".into()],
                name: None,
            },
        )
        .await
        .expect("split");
    assert_eq!(split.name, "Sergei Lavrov", "named after the spelling split off");
    assert_eq!(
        public(&f.app, b.id, Some(split.id)).await.len(),
        2,
        "his quotes went with him"
    );
    assert_eq!(public(&f.app, b.id, Some(peskov.id)).await.len(), 8);
    let renamed = f
        .app
        .speaker_act(
            &ed,
            peskov.id,
            SpeakerAction::Rename("Dmitry Sergeyevich Peskov".into()),
        )
        .await
        .expect("rename");
    assert!(renamed.name_locked);

    // A later report with the full name keeps the editor's name; a split spelling stays with its new speaker.
    let again = add(
        &f.app,
        &ed,
        "https://wire.example/sanctions-peskov",
        "Wire Four",
        d14,
        "Dmitry Peskov said new sanctions on Russian oil exporters would not change Moscow's course. \
         Separately, Sergei Lavrov said Moscow would expel two Moldovan diplomats.",
    )
    .await;
    approve(&f.app, &ed, &ed, &again).await;
    let s = f.app.speaker(peskov.id).await.expect("speaker");
    assert_eq!(s.name, "Dmitry Sergeyevich Peskov");
    assert_eq!(s.quote_count, 9);
    assert_eq!(public(&f.app, b.id, Some(split.id)).await.len(), 3);

    // A contributor's entry waits for approval, and so do its quotes.
    let zelensky = add(
        &f.app,
        &co,
        "https://kyiv.example/zelensky",
        "Kyiv Post",
        d14,
        "President Volodymyr Zelensky said Ukraine would rebuild the damaged power plants before winter. \
         “Every plant will work again,” Zelensky said in his evening address.",
    )
    .await;
    let pending = approve(&f.app, &ed, &co, &zelensky).await;
    assert_eq!(pending.status, Status::Pending);
    assert_eq!(f.app.entry_quotes(pending.id).await.expect("recorded").len(), 2);
    assert_eq!(public(&f.app, b.id, None).await.len(), 12, "not yet");
    f.app
        .change_entry(&ed, pending.id, Command::Approve, None)
        .await
        .expect("approve entry");
    assert_eq!(public(&f.app, b.id, None).await.len(), 14, "published now");

    // Retracting an entry hides its quotes.
    f.app
        .change_entry(
            &ed,
            e_lavrov.id,
            Command::Retract {
                note: "Misattributed.".into(),
            },
            None,
        )
        .await
        .expect("retract");
    assert_eq!(public(&f.app, b.id, None).await.len(), 12);
    assert_eq!(public(&f.app, b.id, Some(split.id)).await.len(), 1);
}
