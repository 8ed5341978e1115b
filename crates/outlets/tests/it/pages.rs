//! Article pages extract to their story: the lead and the body in, the cookie notice, navigation, related
//! links, newsletter box and footer out; title, date, site name and language from the metadata.

use livebrief_extract::{Options, extract};
use livebrief_outlets::{OutletServer, Scenario};

use crate::support::{get, within};

#[tokio::test]
async fn every_article_page_extracts_to_its_text_without_the_boilerplate() {
    let server = within(OutletServer::start(Scenario::all_at_once()))
        .await
        .expect("start");
    let articles: Vec<_> = server.articles().cloned().collect();
    for a in &articles {
        let url = server.article_url(a);
        let r = get(&url, &[]).await;
        assert_eq!(r.status, 200, "{url}");
        assert_eq!(r.header("content-type"), Some("text/html; charset=utf-8"));
        assert!(r.header("etag").is_some() && r.header("last-modified").is_some());
        let html = r.text();
        let related = if a.language == "uk" {
            "Читайте також"
        } else {
            "Related stories"
        };
        for boilerplate in [
            "We use cookies",
            "All rights reserved",
            related,
            "Never miss a development",
        ] {
            assert!(
                html.contains(boilerplate),
                "the page carries boilerplate: {boilerplate}"
            );
        }
        let doc = extract(
            &r.body,
            &Options {
                url: Some(&url),
                http_charset: Some("utf-8"),
            },
        )
        .document;
        let text = doc.text();
        assert!(
            text.contains(a.lead()),
            "{}: the lead is extracted\n---\n{text}",
            a.id()
        );
        let last = a.paragraphs.last().expect("a last paragraph");
        assert!(
            text.contains(last.as_str()),
            "{}: the last paragraph is extracted\n---\n{text}",
            a.id()
        );
        for noise in [
            "cookies",
            "All rights reserved",
            "Related stories",
            "Читайте також",
            "Never miss a development",
            "Sign up",
            "Підпишіться",
            "Share on X",
            "Privacy policy",
        ] {
            assert!(
                !text.contains(noise),
                "{}: {noise:?} leaked into the text\n---\n{text}",
                a.id()
            );
        }
        assert_eq!(doc.title.as_deref(), Some(a.title.as_str()), "{}", a.id());
        assert_eq!(
            doc.site_name.as_deref(),
            Some(
                server
                    .outlets()
                    .iter()
                    .find(|o| o.id == a.outlet)
                    .expect("outlet")
                    .name
                    .as_str()
            )
        );
        let published = doc.published.expect("a publication date");
        assert!(
            published
                .value
                .starts_with(&a.published.strftime("%Y-%m-%d").to_string()),
            "{published:?}"
        );
        assert_eq!(doc.language.as_deref(), Some(a.language.as_str()), "{}", a.id());
    }
}
