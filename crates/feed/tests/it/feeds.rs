//! Feeds of every format, as golden dumps (`tests/feeds/<case>`), plus the rules those dumps show, asserted
//! one by one so that a regression names its rule.

use livebrief_feed::{Feed, FeedError, FeedFormat, MAX_ITEMS, MAX_TITLE_CHARS, parse_feed};

use crate::golden::check;

pub fn render(r: &Result<Feed, FeedError>) -> String {
    let f = match r {
        Ok(f) => f,
        Err(e) => return format!("error: {e}\n"),
    };
    let opt = |o: &Option<String>| o.clone().unwrap_or_else(|| "-".into());
    let ts = |t: &Option<jiff::Timestamp>| t.map_or("-".to_string(), |t| t.to_string());
    let mut s = format!(
        "format: {}\ntitle: {}\nsite: {}\nlanguage: {}\n",
        f.format.as_str(),
        opt(&f.title),
        opt(&f.site_url),
        opt(&f.language)
    );
    for (i, it) in f.items.iter().enumerate() {
        s.push_str(&format!("== item {}\n", i + 1));
        s.push_str(&format!(
            "key: {}\nurl: {}\ntitle: {}\n",
            it.key,
            opt(&it.url),
            it.title
        ));
        s.push_str(&format!(
            "published: {}\nupdated: {}\n",
            ts(&it.published),
            ts(&it.updated)
        ));
        s.push_str(&format!(
            "authors: {}\nlanguage: {}\n",
            it.authors.join("; "),
            opt(&it.language)
        ));
        s.push_str(&format!("summary: {}\n", opt(&it.summary)));
        s.push_str(&format!("content: {}\n", opt(&it.content_html).replace('\n', "\\n")));
    }
    s.push_str("-- diagnostics\n");
    for d in &f.diagnostics {
        s.push_str(d);
        s.push('\n');
    }
    s
}

#[test]
fn golden_feeds() {
    check("feeds", 12, |c| {
        render(&parse_feed(&c.input, &c.url, c.content_type.as_deref()))
    });
}

fn feed(xml: &str) -> Feed {
    parse_feed(xml.as_bytes(), "https://example.com/feed.xml", None).expect("parses")
}

#[test]
fn formats_are_told_apart() {
    let data = |case: &str| {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/feeds")
            .join(case);
        let input = std::fs::read_dir(&dir)
            .expect("dir")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .find(|p| p.file_stem().is_some_and(|s| s == "input"))
            .expect("input");
        std::fs::read(input).expect("read")
    };
    for (case, format) in [
        ("rss2-full", FeedFormat::Rss2),
        ("rss091", FeedFormat::Rss0),
        ("rss090", FeedFormat::Rss0),
        ("rss1-rdf", FeedFormat::Rss1),
        ("atom-xml-base", FeedFormat::Atom),
        ("json-feed-1.1", FeedFormat::JsonFeed),
        ("json-feed-1.0", FeedFormat::JsonFeed),
        ("rss-no-version", FeedFormat::Rss2),
    ] {
        let f = parse_feed(&data(case), "https://example.com/f", None).unwrap_or_else(|e| panic!("{case}: {e}"));
        assert_eq!(f.format, format, "{case}");
        assert!(!f.items.is_empty(), "{case} has items");
    }
}

#[test]
fn keys_follow_guid_then_link_then_hash() {
    let f = feed(
        r#"<rss version="2.0"><channel><title>t</title>
        <item><title>A</title><guid>  g-1  </guid><link>/a-story-here</link></item>
        <item><title>B</title><link>/b-story-here#frag</link></item>
        <item><title>C</title><pubDate>Wed, 01 May 2024 10:00:00 GMT</pubDate></item>
        <item><title>C</title><pubDate>Wed, 01 May 2024 10:00:00 GMT</pubDate></item>
        <item><title>C</title><pubDate>Wed, 01 May 2024 11:00:00 GMT</pubDate></item>
        </channel></rss>"#,
    );
    let keys: Vec<&str> = f.items.iter().map(|i| i.key.as_str()).collect();
    assert_eq!(keys[0], "g-1");
    assert_eq!(keys[1], "https://example.com/b-story-here");
    assert!(keys[2].starts_with("hash:") && keys[2].len() == 5 + 32, "{keys:?}");
    // The same title and date is the same item (dropped as a repeat); another date is another item.
    assert_eq!(f.items.len(), 4, "{keys:?}");
    assert_ne!(keys[2], keys[3]);
    assert!(
        f.diagnostics.iter().any(|d| d.contains("repeats an earlier item")),
        "{:?}",
        f.diagnostics
    );
    // Keys are stable: the same feed gives the same keys.
    let again = feed(
        r#"<rss version="2.0"><channel><title>t</title>
        <item><title>C</title><pubDate>Wed, 01 May 2024 10:00:00 GMT</pubDate></item></channel></rss>"#,
    );
    assert_eq!(again.items[0].key, keys[2]);
}

#[test]
fn links_are_absolute_http_without_fragment() {
    let f = feed(
        r#"<rss version="2.0"><channel><title>t</title><link>../home/</link>
        <item><title>rel</title><guid>1</guid><link>stories/one.html#top</link></item>
        <item><title>abs</title><guid>2</guid><link>http://other.example.org/x?y=1#z</link></item>
        <item><title>js</title><guid>3</guid><link>javascript:alert(document.cookie)</link></item>
        <item><title>ftp</title><guid>4</guid><link>ftp://files.example.com/a</link></item>
        <item><title>permalink guid</title><guid>https://example.com/guid-is-the-link</guid></item>
        </channel></rss>"#,
    );
    let urls: Vec<Option<&str>> = f.items.iter().map(|i| i.url.as_deref()).collect();
    assert_eq!(
        urls,
        [
            Some("https://example.com/stories/one.html"),
            Some("http://other.example.org/x?y=1"),
            None,
            None,
            Some("https://example.com/guid-is-the-link"),
        ]
    );
    assert_eq!(f.site_url.as_deref(), Some("https://example.com/home/"));
    assert!(
        f.diagnostics.iter().any(|d| d.contains("2 item links")),
        "{:?}",
        f.diagnostics
    );
}

#[test]
fn titles_are_plain_text_and_capped() {
    let long = "word ".repeat(400);
    let f = feed(&format!(
        r#"<rss version="2.0"><channel><title>t</title>
        <item><guid>1</guid><title>&lt;script&gt;alert(1)&lt;/script&gt;&lt;b&gt;Bold&lt;/b&gt; &amp;amp; more</title></item>
        <item><guid>2</guid><title><![CDATA[<img src=x onerror=alert(1)>Image]]></title></item>
        <item><guid>3</guid><title>{long}</title></item>
        <item><guid>4</guid><description>&lt;p&gt;Only a description, so the title is made from it.&lt;/p&gt;</description></item>
        </channel></rss>"#
    ));
    assert_eq!(f.items[0].title, "Bold & more");
    assert_eq!(f.items[1].title, "Image");
    assert!(f.items[2].title.chars().count() <= MAX_TITLE_CHARS);
    assert!(f.items[2].title.chars().count() > MAX_TITLE_CHARS - 10);
    assert!(
        f.items[2].title.ends_with(" word…"),
        "cut at a word: {:?}",
        f.items[2].title
    );
    assert_eq!(f.items[3].title, "Only a description, so the title is made from it.");
    for it in &f.items {
        assert!(!it.title.contains('<'), "{:?}", it.title);
    }
}

#[test]
fn rss_has_no_updated_date_of_its_own() {
    let f = feed(
        r#"<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel><title>t</title>
        <item><guid>1</guid><title>a</title><pubDate>Wed, 01 May 2024 10:00:00 GMT</pubDate></item>
        <item><guid>2</guid><title>b</title><pubDate>Wed, 01 May 2024 10:00:00 GMT</pubDate><atom:updated>2024-05-02T10:00:00Z</atom:updated></item>
        </channel></rss>"#,
    );
    assert_eq!(
        f.items[0].published.map(|t| t.to_string()).as_deref(),
        Some("2024-05-01T10:00:00Z")
    );
    assert_eq!(f.items[0].updated, None);
    assert_eq!(
        f.items[1].updated.map(|t| t.to_string()).as_deref(),
        Some("2024-05-02T10:00:00Z")
    );
}

fn big_feed(n: usize, oldest_first: bool) -> String {
    let mut s = String::with_capacity(n * 300);
    s.push_str(
        r#"<?xml version="1.0"?><rss version="2.0"><channel><title>Big</title><link>https://big.example.com/</link>"#,
    );
    let start = jiff::Timestamp::from_second(1_700_000_000).expect("ts");
    for i in 0..n {
        let k = if oldest_first { i } else { n - i };
        let t = start + jiff::SignedDuration::from_secs(60 * k as i64);
        s.push_str(&format!(
            "<item><title>Story number {k} &amp; more</title><link>/news/{k}-story-number-{k}</link><guid>id-{k}</guid>\
             <pubDate>{}</pubDate><description>&lt;p&gt;Summary of story {k}.&lt;/p&gt;</description></item>",
            jiff::fmt::rfc2822::to_string(&t.to_zoned(jiff::tz::TimeZone::UTC)).expect("rfc2822")
        ));
    }
    s.push_str("</channel></rss>");
    s
}

#[test]
fn ten_thousand_items_parse_in_feed_order() {
    let xml = big_feed(10_000, false);
    let t = std::time::Instant::now();
    let f = parse_feed(xml.as_bytes(), "https://big.example.com/rss", None).expect("parses");
    let took = t.elapsed();
    assert_eq!(f.items.len(), 10_000);
    assert_eq!(f.items[0].key, "id-10000");
    assert_eq!(f.items[9_999].key, "id-1");
    assert_eq!(
        f.items[0].url.as_deref(),
        Some("https://big.example.com/news/10000-story-number-10000")
    );
    assert_eq!(f.items[0].summary.as_deref(), Some("Summary of story 10000."));
    assert!(f.items.iter().all(|i| i.published.is_some()));
    // Generous for an unoptimised test build on a shared machine; the bench measures the real speed.
    assert!(took.as_secs() < 20, "took {took:?}");
}

#[test]
fn over_the_item_cap_the_newest_end_is_kept() {
    let newest_first = parse_feed(
        big_feed(MAX_ITEMS + 5, false).as_bytes(),
        "https://big.example.com/",
        None,
    )
    .expect("parses");
    assert_eq!(newest_first.items.len(), MAX_ITEMS);
    assert_eq!(newest_first.items[0].key, format!("id-{}", MAX_ITEMS + 5));
    assert!(
        newest_first.diagnostics.iter().any(|d| d.contains("the first ones")),
        "{:?}",
        newest_first.diagnostics
    );

    let oldest_first = parse_feed(
        big_feed(MAX_ITEMS + 5, true).as_bytes(),
        "https://big.example.com/",
        None,
    )
    .expect("parses");
    assert_eq!(oldest_first.items.len(), MAX_ITEMS);
    assert_eq!(oldest_first.items[0].key, "id-5");
    assert_eq!(
        oldest_first.items.last().map(|i| i.key.as_str()),
        Some(format!("id-{}", MAX_ITEMS + 4).as_str())
    );
    assert!(
        oldest_first.diagnostics.iter().any(|d| d.contains("oldest first")),
        "{:?}",
        oldest_first.diagnostics
    );
}

#[test]
fn errors_say_what_went_wrong() {
    let err = |b: &[u8], ct: Option<&str>| parse_feed(b, "https://e.com/f", ct).expect_err("an error").to_string();
    assert_eq!(err(b"", None), "empty body");
    assert_eq!(err(b"  \n\t ", None), "empty body");
    assert_eq!(
        err(b"<!DOCTYPE html><html><head><title>x</title></head></html>", None),
        "not a feed: looks like an HTML page"
    );
    assert_eq!(
        err(b"<html><body>hi</body></html>", Some("text/html")),
        "not a feed: looks like an HTML page"
    );
    assert_eq!(
        err(b"<opml version=\"2.0\"><body/></opml>", None),
        "not a feed: looks like an OPML subscription list"
    );
    assert_eq!(
        err(b"{\"hello\": 1}", None),
        "not a feed: looks like JSON that is not a JSON Feed (no jsonfeed.org version)"
    );
    assert_eq!(
        err(b"<svg/>", None),
        "not a feed: looks like XML whose root element is <svg>"
    );
    assert_eq!(
        err(b"just words", None),
        "not a feed: looks like plain text or binary data"
    );
    let e = err(
        b"<?xml version=\"1.0\"?>\n<rss version=\"2.0\">\n<channel><title>x</titel>\n</channel></rss>",
        None,
    );
    assert!(e.starts_with("malformed XML at line 3, column "), "{e}");
    let e = err(
        b"{\"version\": \"https://jsonfeed.org/version/1.1\",\n \"title\": \"x\",\n \"items\": [,]}",
        None,
    );
    assert!(e.starts_with("malformed JSON at line 3, column "), "{e}");
    let e = err(
        b"{\"version\": \"https://jsonfeed.org/version/2\", \"title\": \"x\", \"items\": []}",
        None,
    );
    assert_eq!(
        e,
        "unreadable feed: unsupported JSON Feed version \"https://jsonfeed.org/version/2\""
    );
}

#[test]
fn the_feed_url_need_not_be_usable() {
    let f = parse_feed(
        br#"<rss version="2.0"><channel><title>t</title><item><title>a</title><link>/rel</link><guid>1</guid></item>
        <item><title>b</title><link>https://x.example/abs</link><guid>2</guid></item></channel></rss>"#,
        "not a url",
        None,
    )
    .expect("parses");
    assert_eq!(f.items[0].url, None);
    assert_eq!(f.items[1].url.as_deref(), Some("https://x.example/abs"));
    assert!(
        f.diagnostics.iter().any(|d| d.contains("not an absolute http(s) URL")),
        "{:?}",
        f.diagnostics
    );
}
