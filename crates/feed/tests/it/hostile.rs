//! Hostile input: entity bombs, external entities, oversized and deeply nested bodies, broken encodings,
//! control characters, parser traps. Each is handled: no expansion, no file read, bounded time and memory,
//! a clear error or diagnostics, never a panic.

use std::time::{Duration, Instant};

use livebrief_feed::{FeedError, MAX_FEED_BYTES, parse_feed, parse_opml};

use crate::mem::peak_during;

const URL: &str = "https://example.com/feed.xml";

fn timed<T>(limit: Duration, f: impl FnOnce() -> T) -> T {
    let t = Instant::now();
    let v = f();
    assert!(t.elapsed() < limit, "took {:?}", t.elapsed());
    v
}

const BILLION_LAUGHS: &str = r#"<?xml version="1.0"?>
<!DOCTYPE rss [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rss version="2.0"><channel><title>&lol9;</title>
<item><title>Laugh &lol9; out loud</title><guid>1</guid><description>&lol9;&lol9;</description></item>
</channel></rss>"#;

#[test]
fn billion_laughs_are_not_expanded() {
    let (r, peak) = peak_during(|| {
        timed(Duration::from_secs(2), || {
            parse_feed(BILLION_LAUGHS.as_bytes(), URL, None)
        })
    });
    let f = r.expect("the feed reads, the entities stay unexpanded");
    let it = &f.items[0];
    assert!(!it.title.contains("lollol"), "{:?}", it.title);
    assert!(it.title.len() < 64, "{:?}", it.title);
    assert!(f.title.as_deref().is_some_and(|t| t.len() < 16), "{:?}", f.title);
    assert!(peak < 1 << 20, "peak {peak} bytes");
}

#[test]
fn billion_laughs_in_opml_are_not_expanded() {
    let opml = BILLION_LAUGHS
        .replace("<!DOCTYPE rss", "<!DOCTYPE opml")
        .split("<rss")
        .next()
        .map(|head| {
            format!(
                "{head}<opml version=\"2.0\"><body><outline text=\"&lol9;\" xmlUrl=\"https://e.com/&lol9;\"/></body></opml>"
            )
        })
        .expect("head");
    let (r, peak) = peak_during(|| timed(Duration::from_secs(2), || parse_opml(opml.as_bytes())));
    let outlines = r.expect("reads");
    assert_eq!(outlines.len(), 1);
    assert!(outlines[0].title.len() < 16, "{:?}", outlines[0].title);
    assert!(peak < 1 << 20, "peak {peak} bytes");
}

#[test]
fn external_entities_are_never_resolved() {
    // A file every Unix machine has, and one this test makes (so a read would show).
    let dir = std::env::temp_dir().join(format!("lb-feed-xxe-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("tmp");
    let secret = dir.join("secret.txt");
    std::fs::write(&secret, "TOP-SECRET-CONTENT").expect("write");
    for target in ["file:///etc/passwd".to_string(), format!("file://{}", secret.display())] {
        let xml = format!(
            r#"<?xml version="1.0"?>
<!DOCTYPE rss [
  <!ENTITY xxe SYSTEM "{target}">
  <!ENTITY % remote SYSTEM "http://127.0.0.1:9/evil.dtd">
  %remote;
]>
<rss version="2.0"><channel><title>&xxe;</title>
<item><title>Leak: &xxe;</title><guid>1</guid><description>&xxe;</description><link>https://example.com/&xxe;</link></item>
</channel></rss>"#
        );
        let r = parse_feed(xml.as_bytes(), URL, None);
        let dump = format!("{r:?}");
        assert!(!dump.contains("root:") && !dump.contains("TOP-SECRET"), "{dump}");
        let opml = format!(
            r#"<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY xxe SYSTEM "{target}">]>
<opml version="2.0"><body><outline text="&xxe;" xmlUrl="https://e.com/feed"/></body></opml>"#
        );
        let dump = format!("{:?}", parse_opml(opml.as_bytes()));
        assert!(!dump.contains("root:") && !dump.contains("TOP-SECRET"), "{dump}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_hundred_megabytes_is_refused_before_parsing() {
    let body = vec![b'a'; 100 * 1024 * 1024];
    let (r, peak) = peak_during(|| timed(Duration::from_millis(200), || parse_feed(&body, URL, None)));
    assert_eq!(
        r,
        Err(FeedError::TooLarge {
            size: body.len(),
            limit: MAX_FEED_BYTES
        })
    );
    assert!(peak < 64 * 1024, "peak {peak} bytes");
    assert!(matches!(parse_opml(&body), Err(FeedError::TooLarge { .. })));
}

#[test]
fn a_body_at_the_cap_stays_within_a_small_multiple_of_it() {
    // 16 MiB less a little: one item with a huge description, many small items, and a huge comment.
    let mut xml = String::with_capacity(MAX_FEED_BYTES);
    xml.push_str(
        "<rss version=\"2.0\"><channel><title>big</title><item><title>huge</title><guid>0</guid><description>",
    );
    let para = "&lt;p&gt;Paragraph with &amp;amp; entities and <![CDATA[ cdata ]]> text.&lt;/p&gt;\n";
    while xml.len() < 8 * 1024 * 1024 {
        xml.push_str(para);
    }
    xml.push_str("</description></item>");
    let mut i = 0;
    while xml.len() < 14 * 1024 * 1024 {
        i += 1;
        xml.push_str(&format!(
            "<item><title>t{i}</title><link>/s/{i}-a-b-c</link><guid>g{i}</guid></item>"
        ));
    }
    xml.push_str("<!-- ");
    while xml.len() < MAX_FEED_BYTES - 100 {
        xml.push_str("comment ");
    }
    xml.push_str("--></channel></rss>");
    let (r, peak) = peak_during(|| timed(Duration::from_secs(60), || parse_feed(xml.as_bytes(), URL, None)));
    let f = r.expect("parses");
    assert!(i + 1 > livebrief_feed::MAX_ITEMS);
    assert_eq!(f.items.len(), livebrief_feed::MAX_ITEMS);
    assert!(f.items[0].summary.as_ref().is_some_and(|s| s.chars().count() <= 1000));
    eprintln!("peak {} MiB for a {} MiB body", peak >> 20, xml.len() >> 20);
    assert!(peak < 6 * MAX_FEED_BYTES, "peak {} MiB", peak >> 20);
}

#[test]
fn millions_of_empty_items_cost_no_more_than_the_cap() {
    let n = (MAX_FEED_BYTES - 100) / "<item/>".len();
    let xml = format!("<rss version=\"2.0\"><channel>{}</channel></rss>", "<item/>".repeat(n));
    let (r, peak) = peak_during(|| timed(Duration::from_secs(60), || parse_feed(xml.as_bytes(), URL, None)));
    let f = r.expect("parses");
    // Empty items are all the same item; what matters is the memory.
    assert_eq!(f.items.len(), 1);
    eprintln!("peak {} MiB for {n} empty items", peak >> 20);
    assert!(peak < 4 * MAX_FEED_BYTES, "peak {} MiB", peak >> 20);

    let json = format!(
        "{{\"version\": \"https://jsonfeed.org/version/1.1\", \"title\": \"x\", \"items\": [{}{{\"id\": \"last\"}}]}}",
        "{\"id\": \"1\"},".repeat((MAX_FEED_BYTES - 200) / 12)
    );
    let (r, peak) = peak_during(|| timed(Duration::from_secs(60), || parse_feed(json.as_bytes(), URL, None)));
    let f = r.expect("parses");
    assert_eq!(
        f.items.iter().map(|i| i.key.as_str()).collect::<Vec<_>>(),
        ["1", "last"]
    );
    assert!(
        f.diagnostics.iter().any(|d| d.contains("at each end were read")),
        "{:?}",
        f.diagnostics
    );
    eprintln!(
        "peak {} MiB for a JSON Feed of {} items",
        peak >> 20,
        (MAX_FEED_BYTES - 200) / 12
    );
    assert!(peak < 4 * MAX_FEED_BYTES, "peak {} MiB", peak >> 20);
}

#[test]
fn nesting_past_the_xml_readers_limit_is_an_error() {
    let depth = 200_000;
    let xml = format!(
        "<rss version=\"2.0\"><channel>{}{}</channel></rss>",
        "<x>".repeat(depth),
        "</x>".repeat(depth)
    );
    let e = timed(Duration::from_secs(20), || parse_feed(xml.as_bytes(), URL, None)).expect_err("too deep");
    assert!(e.to_string().contains("deeper than the supported limit"), "{e}");
    // OPML is read without a namespace stack, so it has no such limit: only folders, which are bounded.
    let opml = format!(
        "<opml><body>{}<outline xmlUrl=\"https://e.com/f\"/>{}</body></opml>",
        "<outline text=\"f\">".repeat(depth),
        "</outline>".repeat(depth)
    );
    let o = timed(Duration::from_secs(20), || parse_opml(opml.as_bytes())).expect("parses");
    assert_eq!(o.len(), 1);
    assert_eq!(o[0].category.as_deref(), Some("f / f / f / f / f / f / f / f"));
}

#[test]
fn deep_nesting_neither_recurses_nor_hangs() {
    // Just within quick-xml's limit of 65,535 open elements.
    let depth = 60_000;
    let mut xml = String::from("<rss version=\"2.0\"><channel><title>deep</title>");
    xml.push_str(&"<x>".repeat(depth));
    xml.push_str(&"</x>".repeat(depth));
    xml.push_str("<item><title>After the abyss</title><guid>1</guid><description>");
    // Markup past 256 KiB is not read for a summary; 20,000 tags fit.
    xml.push_str(&"&lt;div&gt;".repeat(20_000));
    xml.push_str("text</description></item></channel></rss>");
    let f = timed(Duration::from_secs(20), || parse_feed(xml.as_bytes(), URL, None)).expect("parses");
    assert_eq!(f.items[0].title, "After the abyss");
    assert_eq!(f.items[0].summary.as_deref(), Some("text"));

    let mut atom = String::from("<feed xmlns=\"http://www.w3.org/2005/Atom\"><entry><id>1</id><title>x</title>");
    atom.push_str("<content type=\"xhtml\">");
    atom.push_str(&"<div>".repeat(20_000));
    atom.push_str("deep");
    atom.push_str(&"</div>".repeat(20_000));
    atom.push_str("</content></entry></feed>");
    let f = timed(Duration::from_secs(20), || parse_feed(atom.as_bytes(), URL, None)).expect("parses");
    assert_eq!(f.items[0].summary.as_deref(), Some("deep"));

    // JSON: an unknown member is skipped whatever its depth; a deep value where a feed field goes is
    // refused by serde_json's recursion limit.
    let deep = format!("{}{}", "[".repeat(200_000), "]".repeat(200_000));
    let json = format!(
        "{{\"version\": \"https://jsonfeed.org/version/1.1\", \"title\": \"x\", \"items\": [], \"x\": {deep}}}"
    );
    let f = timed(Duration::from_secs(20), || parse_feed(json.as_bytes(), URL, None)).expect("skips the member");
    assert!(f.items.is_empty());
    let json = format!("{{\"version\": \"https://jsonfeed.org/version/1.1\", \"title\": \"x\", \"items\": {deep}}}");
    let e = parse_feed(json.as_bytes(), URL, None).expect_err("too deep for JSON");
    assert!(matches!(e, FeedError::MalformedJson { .. }), "{e}");

    let opml = format!(
        "<opml version=\"2.0\"><body>{}<outline text=\"f\" xmlUrl=\"https://e.com/f\"/>{}</body></opml>",
        "<outline text=\"folder\">".repeat(depth),
        "</outline>".repeat(depth)
    );
    let o = timed(Duration::from_secs(20), || parse_opml(opml.as_bytes())).expect("parses");
    assert_eq!(o.len(), 1);
    assert!(
        o[0].category.as_deref().is_some_and(|c| c.len() < 100),
        "{:?}",
        o[0].category
    );
}

#[test]
fn invalid_utf8_and_control_characters() {
    let mut xml =
        b"<?xml version=\"1.0\" encoding=\"utf-8\"?><rss version=\"2.0\"><channel><title>Caf\xc3\xa9</title>".to_vec();
    xml.extend_from_slice(b"<item><title>Broken \xff\xfe bytes \xc3\xa9t\xc3\xa9</title><guid>1</guid></item>");
    xml.extend_from_slice(b"<item><title>NUL\0in\x01the\x1btitle</title><guid>2</guid></item></channel></rss>");
    let f = parse_feed(&xml, URL, None).expect("parses");
    assert_eq!(f.title.as_deref(), Some("Café"));
    assert_eq!(f.items[0].title, "Broken \u{fffd}\u{fffd} bytes été");
    assert_eq!(f.items[1].title, "NULinthetitle");
    let d = f.diagnostics.join("\n");
    assert!(
        d.contains("replaced with U+FFFD") && d.contains("removed 3 control characters"),
        "{d}"
    );

    for junk in [&b"\0\0\0\0"[..], b"\xef\xbb\xbf", b"\xff\xfe\0\0", b"\xfe\xff"] {
        assert!(parse_feed(junk, URL, None).is_err());
    }
}

#[test]
fn a_declaration_that_switches_encoding_midway_is_inert() {
    // quick-xml's decoder asserts when a declaration changes the encoding after the start.
    let xml = r#"<rss version="2.0"><channel><title>t</title><?xml version="1.0" encoding="windows-1251"?>
    <item><title>Still here</title><guid>1</guid><?xml version="1.0" encoding="UTF-16"?></item></channel></rss>"#;
    let f = parse_feed(xml.as_bytes(), URL, None).expect("parses");
    assert_eq!(f.items[0].title, "Still here");
}

#[test]
fn a_panic_inside_the_feed_parser_becomes_an_error() {
    // feed-rs 3.0 unwraps an overflowing integer in podcast durations.
    let xml = r#"<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"><channel><title>p</title>
    <item><title>Episode</title><guid>1</guid><itunes:duration>99999999999999999999999999</itunes:duration></item>
    </channel></rss>"#;
    let r = parse_feed(xml.as_bytes(), URL, None);
    assert!(r.is_ok() || matches!(r, Err(FeedError::Unreadable(_))), "{r:?}");
}

#[test]
fn truncated_and_broken_bodies_are_errors_with_a_place() {
    let full = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/feeds/rss2-full/input.xml")).expect("fixture");
    for cut in [full.len() / 3, full.len() / 2, full.len() - 20] {
        match parse_feed(&full[..cut], URL, None) {
            Err(FeedError::MalformedXml { line, .. }) => assert!(line >= 1),
            other => panic!("cut at {cut}: {other:?}"),
        }
    }
    for broken in [
        "<rss version=\"2.0\"><channel><title>x</title><item><title>a</item></channel></rss>",
        "<rss version=\"2.0\"><channel><title><![CDATA[never closed</title></channel></rss>",
        "<rss version=\"2.0\"><channel><title a=\"1\" a=\"2\">x</title></channel></rss>",
        "<feed xmlns=\"http://www.w3.org/2005/Atom\"><entry><id>1</id><title>x</title></entry>",
    ] {
        let r = parse_feed(broken.as_bytes(), URL, None);
        assert!(
            r.is_ok() || matches!(r, Err(FeedError::MalformedXml { .. })),
            "{broken}: {r:?}"
        );
    }
}
