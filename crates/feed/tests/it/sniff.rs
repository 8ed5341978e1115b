//! Sniffing what a body is, and finding the feeds a page announces.

use livebrief_feed::{FeedFormat, Kind, discover_feeds, sniff};

#[test]
fn sniffing() {
    let cases: &[(&[u8], Option<&str>, Kind)] = &[
        (b"<?xml version=\"1.0\"?>\n<rss version=\"2.0\"><channel/></rss>", None, Kind::Feed(FeedFormat::Rss2)),
        (b"<rss><channel/></rss>", Some("text/html"), Kind::Feed(FeedFormat::Rss2)),
        (b"<rss version=\"0.91\"/>", None, Kind::Feed(FeedFormat::Rss0)),
        (b"<rss version='0.92'/>", None, Kind::Feed(FeedFormat::Rss0)),
        (
            b"<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\" xmlns=\"http://purl.org/rss/1.0/\"/>",
            None,
            Kind::Feed(FeedFormat::Rss1),
        ),
        (
            b"<rdf:RDF xmlns=\"http://my.netscape.com/rdf/simple/0.9/\"/>",
            None,
            Kind::Feed(FeedFormat::Rss0),
        ),
        (b"<rdf:RDF xmlns:rdf=\"x\"><foaf/></rdf:RDF>", None, Kind::Unknown),
        (
            b"\xef\xbb\xbf<!-- generator --><?xml-stylesheet href=\"a.xsl\"?><feed xmlns=\"http://www.w3.org/2005/Atom\"/>",
            None,
            Kind::Feed(FeedFormat::Atom),
        ),
        (b"<entry xmlns=\"http://www.w3.org/2005/Atom\"/>", None, Kind::Feed(FeedFormat::Atom)),
        (
            b"  {\"version\": \"https://jsonfeed.org/version/1.1\", \"items\": []}",
            None,
            Kind::Feed(FeedFormat::JsonFeed),
        ),
        (b"{\"items\": []}", Some("application/feed+json"), Kind::Feed(FeedFormat::JsonFeed)),
        (b"{\"items\": []}", Some("application/json"), Kind::Unknown),
        (b"<!DOCTYPE html><html><body/></html>", None, Kind::Html),
        (b"<!doctype HTML>", None, Kind::Html),
        (b"<html lang=\"en\">", None, Kind::Html),
        (b"\n\n<div>fragment</div>", None, Kind::Html),
        (b"Hello", Some("text/html; charset=utf-8"), Kind::Html),
        (b"<opml version=\"2.0\"><body/></opml>", None, Kind::Opml),
        (b"<svg/>", None, Kind::Unknown),
        (b"", None, Kind::Unknown),
        (b"\x89PNG\r\n\x1a\n", None, Kind::Unknown),
        (b"<!DOCTYPE rss [<!ENTITY a \"x>y\">]><rss version=\"2.0\"/>", None, Kind::Feed(FeedFormat::Rss2)),
    ];
    for (bytes, ct, want) in cases {
        assert_eq!(
            sniff(bytes, *ct),
            *want,
            "{:?} {:?}",
            String::from_utf8_lossy(bytes),
            ct
        );
    }
    // UTF-16 feeds, with and without a byte-order mark.
    let utf16: Vec<u8> = "<rss version=\"2.0\"/>"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    assert_eq!(sniff(&utf16, None), Kind::Feed(FeedFormat::Rss2));
    let mut bom = vec![0xfe, 0xff];
    bom.extend("<feed/>".encode_utf16().flat_map(u16::to_be_bytes));
    assert_eq!(sniff(&bom, None), Kind::Feed(FeedFormat::Atom));
}

#[test]
fn discovery() {
    let page = br#"<!DOCTYPE html><html><head>
      <base href="https://www.example.com/blog/">
      <link rel="stylesheet" href="/style.css">
      <link rel="alternate" type="application/rss+xml" title="Site &raquo; Comments Feed" href="comments/feed/">
      <link rel="alternate" type="application/rss+xml" title="Site &raquo; Feed" href="feed/">
      <link rel="alternate" type="application/atom+xml" href="https://www.example.com/atom.xml#x">
      <link rel="Alternate" type="application/feed+json; charset=utf-8" href="/feed.json">
      <link rel="alternate" type="application/rss+xml" href="feed/">
      <link rel="alternate" type="text/html" hreflang="de" href="/de/">
      <link rel="alternate" type="application/rss+xml" href="javascript:alert(1)">
      <link rel="alternate" type="application/rss+xml">
    </head><body>
      <a rel="alternate" type="application/rss+xml" href="/podcast.xml">Podcast</a>
    </body></html>"#;
    assert_eq!(
        discover_feeds(page, "https://www.example.com/"),
        [
            "https://www.example.com/blog/feed/",
            "https://www.example.com/atom.xml",
            "https://www.example.com/feed.json",
            "https://www.example.com/podcast.xml",
            "https://www.example.com/blog/comments/feed/",
        ]
    );
    assert!(discover_feeds(b"<html><head><title>none</title></head></html>", "https://e.com/").is_empty());
    // Relative links need a page URL.
    assert!(
        discover_feeds(
            br#"<link rel="alternate" type="application/rss+xml" href="/f">"#,
            "nope"
        )
        .is_empty()
    );
    assert_eq!(
        discover_feeds(
            br#"<link rel="alternate" type="application/rss+xml" href="https://e.com/f">"#,
            "nope"
        ),
        ["https://e.com/f"]
    );
}

/// Found by fuzzing (`fuzz/run.sh feed`): a first tag or doctype whose ninth byte, or the fourth byte
/// after `<!DOCTYPE`, falls inside a character panicked on a `&str` slice.
#[test]
fn a_character_across_the_doctype_check_is_not_a_panic() {
    for input in [
        "<abcdefgж>".to_string(),
        "<rss vѥентре>".to_string(),
        "<!DOCTYPE abcж><rss/>".to_string(),
        "\u{FEFF}  <!doctypeж".to_string(),
        format!("<{}", "ж".repeat(10)),
    ] {
        for ct in [None, Some("application/rss+xml"), Some("text/html")] {
            let _ = sniff(input.as_bytes(), ct);
            let _ = livebrief_feed::parse_feed(input.as_bytes(), "https://example.org/feed", ct);
            let _ = livebrief_feed::parse_opml(input.as_bytes());
        }
    }
    assert_eq!(sniff("<!DOCTYPE html><p>x".as_bytes(), None), Kind::Html);
}
