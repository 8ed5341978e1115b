//! Watched pages: golden index pages (`tests/golden/<case>/input.html` + `url.txt` → `expected.txt`, one
//! `url | text` line per article link), plus the rules that need no page.

use livebrief_feed::page_links;

use crate::golden::check;

#[test]
fn golden_pages() {
    check("golden", 7, |c| {
        let mut s = String::new();
        for l in page_links(&c.input, &c.url) {
            s.push_str(&format!("{} | {}\n", l.url, l.text));
        }
        s
    });
}

#[test]
fn without_a_page_url_there_are_no_links() {
    let html = br#"<a href="https://e.com/2024/05/01/story">Story</a>"#;
    assert!(page_links(html, "").is_empty());
    assert!(page_links(html, "/relative").is_empty());
    assert_eq!(page_links(html, "https://e.com/").len(), 1);
}

#[test]
fn every_link_is_absolute_same_site_and_unique() {
    let html = br#"<main>
      <a href="/2024/05/01/one-story-here#top"><img src="/i.jpg" alt=""></a>
      <a href="/2024/05/01/one-story-here">One story here</a>
      <a href="/2024/05/01/one-story-here#comments">12 comments</a>
      <a href="https://sub.e.com/2024/05/01/subdomain-story">Sub</a>
      <a href="https://other.com/2024/05/01/foreign-story">Other</a>
      <a href="HTTPS://E.COM/2024/05/02/upper-case-host">Upper</a>
    </main>"#;
    let links = page_links(html, "https://www.e.com/news/");
    let urls: Vec<&str> = links.iter().map(|l| l.url.as_str()).collect();
    assert_eq!(
        urls,
        [
            "https://www.e.com/2024/05/01/one-story-here",
            "https://sub.e.com/2024/05/01/subdomain-story",
            "https://e.com/2024/05/02/upper-case-host",
        ]
    );
    assert_eq!(links[0].text, "One story here");
}
