//! OPML in and out: nested folders flattened into categories, hostile XML inert, and a round trip.

use livebrief_feed::{FeedError, Outline, parse_opml, write_opml};
use proptest::prelude::*;

const LIST: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<!-- exported by a reader -->
<opml version="2.0">
  <head><title>My feeds</title></head>
  <body>
    <outline text="Top level" title="Top level &amp; proud" type="rss" xmlUrl="https://top.example.com/rss?a=1&amp;b=2" htmlUrl="https://top.example.com/"/>
    <outline text="News">
      <outline text="Ukraine">
        <outline text="Kyiv Independent" type="rss" xmlUrl="https://kyivindependent.example/rss" language="en"/>
        <outline text="   Ukrainska   Pravda  " xmlUrl=" https://www.pravda.example.com.ua/rss/ " htmlUrl="https://www.pravda.example.com.ua/"/>
      </outline>
      <outline text="Wire" type="rss" xmlUrl="https://wire.example.com/feed.json"/>
      <outline text="Watched page only" htmlUrl="https://city.example.org/news/"/>
      <outline text="Broken" xmlUrl="not a url"/>
      <outline text="Script" xmlUrl="javascript:alert(1)"/>
    </outline>
    <outline text="Has a category attribute" xmlUrl="https://cat.example.com/rss" category="/Science/Space,/Other"/>
    <outline xmlUrl="https://untitled.example.com/rss"/>
  </body>
</opml>"#;

#[test]
fn nested_outlines_are_flattened_with_categories() {
    let o = parse_opml(LIST.as_bytes()).expect("parses");
    let rows: Vec<String> = o
        .iter()
        .map(|o| {
            format!(
                "{} | {} | {} | {} | {}",
                o.title,
                o.xml_url.as_deref().unwrap_or("-"),
                o.html_url.as_deref().unwrap_or("-"),
                o.language.as_deref().unwrap_or("-"),
                o.category.as_deref().unwrap_or("-")
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            "Top level & proud | https://top.example.com/rss?a=1&b=2 | https://top.example.com/ | - | -",
            "Kyiv Independent | https://kyivindependent.example/rss | - | en | News / Ukraine",
            "Ukrainska Pravda | https://www.pravda.example.com.ua/rss/ | https://www.pravda.example.com.ua/ | - | News / Ukraine",
            "Wire | https://wire.example.com/feed.json | - | - | News",
            "Watched page only | - | https://city.example.org/news/ | - | News",
            "Has a category attribute | https://cat.example.com/rss | - | - | Science / Space",
            "https://untitled.example.com/rss | https://untitled.example.com/rss | - | - | -",
        ]
    );
}

#[test]
fn not_opml_is_said_plainly() {
    let e = |b: &[u8]| parse_opml(b).expect_err("an error").to_string();
    assert_eq!(e(b""), "empty body");
    assert_eq!(
        e(b"<rss version=\"2.0\"/>"),
        "not an OPML file: the root element is <rss>"
    );
    assert_eq!(
        e(b"<!DOCTYPE html><html/>"),
        "not an OPML file: it looks like an HTML page"
    );
    assert_eq!(e(b"hello"), "not an OPML file: it has no XML root element");
    let m = e(b"<opml>\n<body>\n<outline text=\"a\" xmlUrl=\"https://e.com/\">\n</body></opml>");
    assert!(m.starts_with("malformed XML at line 4"), "{m}");
    assert!(matches!(parse_opml(b"<opml><body></body></opml>"), Ok(v) if v.is_empty()));
    assert!(matches!(parse_opml(&[0u8; 10]), Err(FeedError::Empty)));
}

#[test]
fn writing_escapes_everything() {
    let o = vec![Outline {
        title: "Tom & Jerry's <\"news\">".into(),
        xml_url: Some("https://e.com/rss?a=1&b=\"2\"".into()),
        html_url: None,
        language: Some("en".into()),
        category: Some("A < B".into()),
    }];
    let doc = write_opml("Mine & yours", &o);
    assert!(doc.contains("<title>Mine &amp; yours</title>"), "{doc}");
    assert!(
        doc.contains("text=\"Tom &amp; Jerry&apos;s &lt;&quot;news&quot;&gt;\""),
        "{doc}"
    );
    assert!(
        doc.contains("xmlUrl=\"https://e.com/rss?a=1&amp;b=&quot;2&quot;\""),
        "{doc}"
    );
    let back = parse_opml(doc.as_bytes()).expect("reads back");
    assert_eq!(back[0].title, o[0].title);
    assert_eq!(back[0].category, o[0].category);
    // Read URLs are in canonical form.
    assert_eq!(back[0].xml_url.as_deref(), Some("https://e.com/rss?a=1&b=%222%22"));
}

/// Text as OPML keeps it: no control characters, single spaces, trimmed, not empty.
fn text() -> impl Strategy<Value = String> {
    "[a-zA-Zа-яё0-9&<>\"'/;:#?= .,!-]{1,40}"
        .prop_map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
        .prop_filter("not empty", |s| !s.is_empty())
}

fn url() -> impl Strategy<Value = String> {
    (
        "(http|https)",
        "[a-z]{1,10}",
        "[a-z0-9/_-]{0,20}",
        proptest::option::of("[a-z]{1,5}=[a-z0-9&\"'<>]{0,8}"),
    )
        .prop_map(|(scheme, host, path, query)| {
            let raw = format!(
                "{scheme}://{host}.example/{path}{}",
                query.map(|q| format!("?{q}")).unwrap_or_default()
            );
            // The canonical form is what reading gives back.
            url::Url::parse(&raw).map(String::from).unwrap_or(raw)
        })
}

fn outline() -> impl Strategy<Value = Outline> {
    (
        text(),
        proptest::option::of(url()),
        proptest::option::of(url()),
        proptest::option::of("[a-z]{2}(-[A-Z]{2})?"),
        proptest::option::of(prop_oneof![Just("News".to_string()), Just("A & B".to_string()), text()]),
    )
        .prop_filter("needs a URL", |(_, x, h, _, _)| x.is_some() || h.is_some())
        .prop_map(|(title, xml_url, html_url, language, category)| Outline {
            title,
            xml_url,
            html_url,
            language,
            category,
        })
}

/// What writing does to order: grouped by category in order of first appearance.
fn grouped(o: &[Outline]) -> Vec<Outline> {
    let mut cats: Vec<Option<String>> = Vec::new();
    for x in o {
        if !cats.contains(&x.category) {
            cats.push(x.category.clone());
        }
    }
    cats.iter()
        .flat_map(|c| o.iter().filter(move |x| &x.category == c).cloned())
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]
    #[test]
    fn round_trip(title in text(), outlines in proptest::collection::vec(outline(), 0..12)) {
        let doc = write_opml(&title, &outlines);
        let back = parse_opml(doc.as_bytes()).expect("reads back");
        prop_assert_eq!(&back, &grouped(&outlines));
        // And writing what was read gives the same document.
        prop_assert_eq!(write_opml(&title, &back), doc);
    }
}
