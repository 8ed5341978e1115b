//! Feed parsing throughput: RSS 2.0 of 200 and 10,000 items (a realistic item: HTML title entities, an
//! HTML description, content:encoded, an author, an RFC 822 date), the same as Atom and JSON Feed at 200,
//! and the article links of a 300-link index page.
//! Run: cargo bench -p livebrief-feed

use livebrief_feed::{page_links, parse_feed};

fn main() {
    divan::main();
}

fn rss(n: usize) -> String {
    let mut s = String::from(
        r#"<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>Bench</title><link>https://bench.example.com/</link>"#,
    );
    for i in 0..n {
        s.push_str(&format!(
            "<item><title>Story {i}: officials &amp; residents &#8212; what we know</title>\
             <link>/news/2024/05/01/story-{i}-what-we-know</link><guid isPermaLink=\"false\">bench-{i}</guid>\
             <pubDate>Wed, 01 May 2024 {:02}:{:02}:00 +0300</pubDate><dc:creator>Reporter {i}</dc:creator>\
             <description><![CDATA[<p>Officials said on Wednesday that the situation in district {i} was <b>under control</b>, \
             while residents described a long night.</p>]]></description>\
             <content:encoded><![CDATA[<p>Officials said on Wednesday that the situation was under control.</p>\
             <p>Residents described a long night of sirens and explosions.</p><p>More follows.</p>]]></content:encoded></item>",
            (i / 60) % 24,
            i % 60
        ));
    }
    s.push_str("</channel></rss>");
    s
}

fn atom(n: usize) -> String {
    let mut s = String::from(
        r#"<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Bench</title><id>urn:b</id>"#,
    );
    for i in 0..n {
        s.push_str(&format!(
            "<entry><title type=\"html\">Story {i} &amp;lt;b&amp;gt;now&amp;lt;/b&amp;gt;</title><id>urn:b:{i}</id>\
             <link href=\"https://bench.example.com/news/story-{i}-what-we-know\"/><updated>2024-05-01T10:00:00Z</updated>\
             <author><name>Reporter {i}</name></author><summary type=\"html\">&lt;p&gt;Summary {i}.&lt;/p&gt;</summary>\
             <content type=\"html\">&lt;p&gt;Officials said the situation was under control.&lt;/p&gt;</content></entry>"
        ));
    }
    s.push_str("</feed>");
    s
}

fn json(n: usize) -> String {
    let items: Vec<String> = (0..n)
        .map(|i| {
            format!(
                r#"{{"id": "b-{i}", "url": "/news/story-{i}-what-we-know", "title": "Story {i} & more", "content_html": "<p>Officials said the situation was under control.</p>", "date_published": "2024-05-01T10:00:00Z", "authors": [{{"name": "Reporter {i}"}}]}}"#
            )
        })
        .collect();
    format!(
        r#"{{"version": "https://jsonfeed.org/version/1.1", "title": "Bench", "items": [{}]}}"#,
        items.join(",")
    )
}

fn index_page(links: usize) -> String {
    let mut s = String::from("<html><body><nav>");
    for i in 0..40 {
        s.push_str(&format!("<a href=\"/section-{i}\">Section {i}</a>"));
    }
    s.push_str("</nav><main>");
    for i in 0..links {
        s.push_str(&format!(
            "<div class=\"card\"><a href=\"/news/{}\"><img src=\"/i/{i}.jpg\" alt=\"photo\"></a>\
             <h3><a href=\"/news/{}\">Headline number {i} about the events of the day</a></h3>\
             <a href=\"/tag/t{i}\">tag</a></div>",
            84_000_000 + i,
            84_000_000 + i
        ));
    }
    s.push_str("</main><footer><a href=\"/about\">About</a></footer></body></html>");
    s
}

#[divan::bench(args = [200, 10_000])]
fn rss2(bencher: divan::Bencher, n: usize) {
    let body = rss(n);
    bencher
        .counter(divan::counter::BytesCount::new(body.len()))
        .bench(|| parse_feed(divan::black_box(body.as_bytes()), "https://bench.example.com/rss", None));
}

#[divan::bench(args = [200])]
fn atom_feed(bencher: divan::Bencher, n: usize) {
    let body = atom(n);
    bencher.counter(divan::counter::BytesCount::new(body.len())).bench(|| {
        parse_feed(
            divan::black_box(body.as_bytes()),
            "https://bench.example.com/atom",
            None,
        )
    });
}

#[divan::bench(args = [200, 10_000])]
fn json_feed(bencher: divan::Bencher, n: usize) {
    let body = json(n);
    bencher.counter(divan::counter::BytesCount::new(body.len())).bench(|| {
        parse_feed(
            divan::black_box(body.as_bytes()),
            "https://bench.example.com/feed.json",
            None,
        )
    });
}

#[divan::bench]
fn index_page_links(bencher: divan::Bencher) {
    let page = index_page(300);
    bencher
        .counter(divan::counter::BytesCount::new(page.len()))
        .bench(|| page_links(divan::black_box(page.as_bytes()), "https://bench.example.com/"));
}
