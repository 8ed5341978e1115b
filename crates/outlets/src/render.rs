//! Pages and feeds as outlets serve them: article pages with the boilerplate a real site wraps around a story
//! (cookie notice, masthead, navigation, share bar, related links, newsletter box, footer) and the metadata
//! extraction reads (OpenGraph, JSON-LD, `<time>`), section pages, and feeds in RSS 2.0, Atom and JSON Feed.
//! Pure: a base URL and values in, text out.

use std::fmt::Write as _;

use jiff::Timestamp;

use crate::corpus::{Article, FeedKind, Outlet};

/// Escapes text for HTML and XML text and attribute values.
pub(crate) fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

pub(crate) fn rfc3339(t: Timestamp) -> String {
    t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

fn rfc822(t: Timestamp) -> String {
    t.strftime("%a, %d %b %Y %H:%M:%S +0000").to_string()
}

fn human(t: Timestamp, language: &str) -> String {
    if language == "uk" {
        t.strftime("%d.%m.%Y, %H:%M UTC").to_string()
    } else {
        t.strftime("%B %-d, %Y %H:%M UTC").to_string()
    }
}

/// The words a story page wraps around the story, in the story's language.
struct Chrome {
    by: &'static str,
    promo: &'static str,
    topics: &'static str,
    related: &'static str,
}

fn chrome(language: &str) -> Chrome {
    if language == "uk" {
        Chrome {
            by: "Автор:",
            promo: "<strong>Підпишіться</strong> на наш ранковий огляд новин про війну в Україні.",
            topics: "Теми:",
            related: "Читайте також",
        }
    } else {
        Chrome {
            by: "By",
            promo: "<strong>Sign up</strong> for our morning briefing on the war in Ukraine, delivered to your inbox.",
            topics: "Topics:",
            related: "Related stories",
        }
    }
}

/// The sections an outlet's navigation lists (links to pages that do not exist, as menus do).
fn sections(outlet: &Outlet) -> &'static [&'static str] {
    match outlet.kind {
        FeedKind::Rss => &["World", "Business", "Markets", "Europe", "Technology", "Investigations"],
        FeedKind::Atom => &["News", "World", "Politics", "Opinion", "Sport", "Culture"],
        FeedKind::JsonFeed => &["Politics", "World", "National Security", "Climate", "Analysis"],
        FeedKind::Page => &["Odesa", "Mykolaiv", "Kherson", "Politics", "Economy", "Українською"],
    }
}

fn section_slug(s: &str) -> String {
    if s == "Українською" {
        return "uk".into();
    }
    s.to_lowercase().replace(' ', "-")
}

fn feed_link(base: &str, outlet: &Outlet) -> String {
    let ty = match outlet.kind {
        FeedKind::Rss => "application/rss+xml",
        FeedKind::Atom => "application/atom+xml",
        FeedKind::JsonFeed => "application/feed+json",
        FeedKind::Page => return String::new(),
    };
    format!(
        "<link rel=\"alternate\" type=\"{ty}\" title=\"{} – latest\" href=\"{base}/{}/feed\">\n",
        esc(&outlet.name),
        outlet.id
    )
}

const STYLE: &str = "<style>body{font-family:Georgia,serif;margin:0;color:#1a1a1a}\
.masthead,.site-footer{background:#0b2545;color:#fff;padding:12px 24px}a{color:#13315c}\
.cookie-notice{position:fixed;bottom:0;background:#eee;padding:12px}.story{max-width:700px;margin:24px auto}\
.share-bar a{margin-right:8px}.related{max-width:700px;margin:24px auto;border-top:1px solid #ccc}</style>\n";

fn open_page(out: &mut String, base: &str, outlet: &Outlet, language: &str, title: &str) {
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{title} | {site}</title>\n\
         {feed}{STYLE}",
        lang = esc(language),
        title = esc(title),
        site = esc(&outlet.name),
        feed = feed_link(base, outlet),
    );
}

fn masthead(out: &mut String, outlet: &Outlet) {
    let id = &outlet.id;
    let _ = write!(
        out,
        "<div class=\"cookie-notice\" id=\"cookie-consent\" role=\"dialog\">\n<p>We use cookies and similar \
         technologies to improve your experience, measure audiences and show relevant advertising. You can \
         change your choice at any time in Privacy settings.</p>\n<button type=\"button\">Accept all</button> \
         <button type=\"button\">Reject all</button> <a href=\"/{id}/cookie-policy\">Manage cookies</a>\n</div>\n\
         <header class=\"masthead\">\n<a class=\"logo\" href=\"/{id}/\">{name}</a>\n\
         <a class=\"subscribe-button\" href=\"/{id}/subscribe\">Subscribe</a> <a href=\"/{id}/login\">Sign in</a>\n\
         <nav class=\"main-nav\" aria-label=\"Sections\"><ul>\n<li><a href=\"/{id}/\">Home</a></li>\n",
        name = esc(&outlet.name),
    );
    for s in sections(outlet) {
        let _ = writeln!(
            out,
            "<li><a href=\"/{id}/section/{}\">{}</a></li>",
            section_slug(s),
            esc(s)
        );
    }
    out.push_str("</ul></nav>\n</header>\n");
}

fn footer(out: &mut String, outlet: &Outlet, year: i16) {
    let id = &outlet.id;
    let _ = write!(
        out,
        "<footer class=\"site-footer\">\n<ul class=\"footer-links\">\n<li><a href=\"/{id}/about\">About us</a></li>\n\
         <li><a href=\"/{id}/contact\">Contact</a></li>\n<li><a href=\"/{id}/privacy-policy\">Privacy policy</a></li>\n\
         <li><a href=\"/{id}/terms\">Terms of use</a></li>\n<li><a href=\"/{id}/advertise\">Advertise with us</a></li>\n\
         </ul>\n<p>© {year} {name}. All rights reserved. Reproduction of this material without written permission \
         is prohibited.</p>\n</footer>\n</body>\n</html>\n",
        name = esc(&outlet.name),
    );
}

/// A story page. `related` are other stories of the outlet already published (links in the related box).
pub(crate) fn article_page(base: &str, outlet: &Outlet, a: &Article, related: &[&Article]) -> String {
    let url = format!("{base}{}", a.path());
    let published = rfc3339(a.published);
    let mut out = String::with_capacity(8 * 1024);
    open_page(&mut out, base, outlet, &a.language, &a.title);
    let ld = serde_json::json!({
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": a.title,
        "datePublished": published,
        "dateModified": published,
        "inLanguage": a.language,
        "articleSection": a.section,
        "author": [{"@type": if a.author == outlet.name || a.author.ends_with("Wire") { "Organization" } else { "Person" }, "name": a.author}],
        "publisher": {"@type": "Organization", "name": outlet.name},
        "mainEntityOfPage": url,
        "description": a.lead(),
    });
    let _ = write!(
        out,
        "<link rel=\"canonical\" href=\"{url}\">\n<meta name=\"description\" content=\"{desc}\">\n\
         <meta property=\"og:type\" content=\"article\">\n<meta property=\"og:title\" content=\"{title}\">\n\
         <meta property=\"og:site_name\" content=\"{site}\">\n<meta property=\"og:url\" content=\"{url}\">\n\
         <meta property=\"og:description\" content=\"{desc}\">\n<meta property=\"og:locale\" content=\"{lang}\">\n\
         <meta property=\"article:published_time\" content=\"{published}\">\n\
         <meta property=\"article:section\" content=\"{section}\">\n<meta name=\"author\" content=\"{author}\">\n\
         <script type=\"application/ld+json\">{ld}</script>\n\
         <script>window.dataLayer=window.dataLayer||[];dataLayer.push({{'page':'article'}});</script>\n\
         </head>\n<body class=\"article-page\">\n",
        url = esc(&url),
        desc = esc(a.lead()),
        title = esc(&a.title),
        site = esc(&outlet.name),
        lang = esc(&a.language),
        section = esc(&a.section),
        author = esc(&a.author),
        ld = ld.to_string().replace("</", "<\\/"),
    );
    masthead(&mut out, outlet);
    let id = &outlet.id;
    let words = chrome(&a.language);
    let _ = write!(
        out,
        "<div class=\"breadcrumbs\"><a href=\"/{id}/\">Home</a> › <a href=\"/{id}/section/{sec}\">{section}</a></div>\n\
         <div class=\"advert\" aria-hidden=\"true\">Advertisement</div>\n<main id=\"content\">\n\
         <article class=\"story\">\n<header class=\"story-header\">\n<h1>{title}</h1>\n\
         <p class=\"byline\">{by} <a rel=\"author\" href=\"/{id}/author/{author_slug}\">{author}</a> · \
         <time datetime=\"{published}\">{when}</time></p>\n</header>\n\
         <div class=\"share-bar\"><a href=\"/{id}/share?network=x\">Share on X</a> \
         <a href=\"/{id}/share?network=facebook\">Facebook</a> <a href=\"/{id}/share?network=email\">Email</a></div>\n\
         <div class=\"story-body\">\n",
        sec = section_slug(&a.section),
        section = esc(&a.section),
        title = esc(&a.title),
        author = esc(&a.author),
        author_slug = section_slug(&a.author),
        when = human(a.published, &a.language),
        by = words.by,
    );
    for (i, p) in a.paragraphs.iter().enumerate() {
        match (&a.dateline, i) {
            (Some(d), 0) => {
                let _ = writeln!(out, "<p><span class=\"dateline\">{}</span> {}</p>", esc(d), esc(p));
            }
            _ => {
                let _ = writeln!(out, "<p>{}</p>", esc(p));
            }
        }
        if i == 1 && a.paragraphs.len() > 3 {
            let _ = writeln!(out, "<div class=\"inline-promo newsletter\">{}</div>", words.promo);
        }
    }
    if a.dateline.is_some() {
        let _ = writeln!(
            out,
            "<p class=\"credit\">(Reporting by {}; Editing by Tom Haller)</p>",
            esc(&a.author)
        );
    }
    let _ = write!(out, "</div>\n<footer class=\"story-tags\">{} ", words.topics);
    for tag in ["Ukraine", "Russia", "War in Ukraine"] {
        let _ = write!(
            out,
            "<a rel=\"tag\" href=\"/{id}/tag/{}\">{tag}</a> ",
            section_slug(tag)
        );
    }
    let _ = write!(
        out,
        "</footer>\n</article>\n<aside class=\"related\">\n<h2>{}</h2>\n<ul>\n",
        words.related
    );
    for r in related.iter().take(4) {
        let _ = writeln!(out, "<li><a href=\"{}\">{}</a></li>", esc(&r.path()), esc(&r.title));
    }
    out.push_str(
        "</ul>\n</aside>\n<section class=\"newsletter-signup\">\n<h3>Never miss a development</h3>\n<p>Get our \
         live briefing by email every morning. It is free, and you can unsubscribe at any time.</p>\n\
         <form action=\"/newsletter\" method=\"post\"><input type=\"email\" name=\"email\" placeholder=\"Your email\">\
         <button>Sign up</button></form>\n</section>\n</main>\n",
    );
    footer(&mut out, outlet, year_of(a.published));
    out
}

/// An outlet's front page: the latest stories (newest first) as teasers in the main column. For an outlet
/// without a feed this is the page to watch.
pub(crate) fn section_page(base: &str, outlet: &Outlet, latest: &[&Article], year: i16) -> String {
    let mut out = String::with_capacity(4 * 1024 + latest.len() * 512);
    open_page(&mut out, base, outlet, &outlet.language, "Latest news");
    let _ = write!(
        out,
        "<link rel=\"canonical\" href=\"{base}/{}/\">\n<meta property=\"og:site_name\" content=\"{}\">\n\
         <meta property=\"og:type\" content=\"website\">\n</head>\n<body class=\"section-page\">\n",
        outlet.id,
        esc(&outlet.name)
    );
    masthead(&mut out, outlet);
    let id = &outlet.id;
    out.push_str("<main id=\"content\">\n<h1>Latest news</h1>\n<div class=\"story-list\">\n");
    if latest.is_empty() {
        out.push_str("<p class=\"empty\">No stories yet. Check back soon.</p>\n");
    }
    for a in latest {
        let _ = write!(
            out,
            "<article class=\"teaser\">\n<a class=\"teaser-image\" href=\"{path}\"><img src=\"/{id}/static/placeholder.jpg\" \
             alt=\"\"></a>\n<h2><a href=\"{path}\">{title}</a></h2>\n<p>{lead}</p>\n\
             <time datetime=\"{t}\">{when}</time> · <a href=\"/{id}/section/{sec}\">{section}</a>\n</article>\n",
            path = esc(&a.path()),
            title = esc(&a.title),
            lead = esc(a.lead()),
            t = rfc3339(a.published),
            when = human(a.published, &a.language),
            sec = section_slug(&a.section),
            section = esc(&a.section),
        );
    }
    let _ = write!(
        out,
        "</div>\n<p class=\"more\"><a href=\"/{id}/page/2\">Older stories</a></p>\n</main>\n\
         <aside class=\"most-read\">\n<h2>Most read</h2>\n<ol>\n"
    );
    for a in latest.iter().rev().take(3) {
        let _ = writeln!(out, "<li><a href=\"{}\">{}</a></li>", esc(&a.path()), esc(&a.title));
    }
    out.push_str("</ol>\n</aside>\n");
    footer(&mut out, outlet, year);
    out
}

/// The index of the fixture: every outlet, its front page and what to subscribe to.
pub(crate) fn index_page(base: &str, outlets: &[Outlet]) -> String {
    let mut out = String::from(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Synthetic outlets</title>\n\
         </head>\n<body>\n<h1>Synthetic outlets</h1>\n<p>Synthetic news outlets for livebrief's demo, tests and \
         benchmarks. Every text here is invented.</p>\n<ul>\n",
    );
    for o in outlets {
        let watch = match o.kind {
            FeedKind::Page => format!("<a href=\"{base}/{}/\">watched page</a>", o.id),
            _ => format!("<a href=\"{base}/{}/feed\">feed</a>", o.id),
        };
        let _ = writeln!(
            out,
            "<li><a href=\"{base}/{id}/\">{name}</a> ({kind}): {watch}</li>",
            id = o.id,
            name = esc(&o.name),
            kind = match o.kind {
                FeedKind::Rss => "RSS 2.0",
                FeedKind::Atom => "Atom",
                FeedKind::JsonFeed => "JSON Feed 1.1",
                FeedKind::Page => "no feed",
            },
        );
    }
    out.push_str("</ul>\n</body>\n</html>\n");
    out
}

/// The outlet's feed in its own format, newest first. `updated` is the time of the newest item (or of the
/// start of the day when there is none).
pub(crate) fn feed(base: &str, outlet: &Outlet, items: &[&Article], updated: Timestamp) -> String {
    match outlet.kind {
        FeedKind::Rss => rss(base, outlet, items, updated),
        FeedKind::Atom => atom(base, outlet, items, updated),
        FeedKind::JsonFeed => json_feed(base, outlet, items),
        FeedKind::Page => section_page(base, outlet, items, year_of(updated)),
    }
}

pub(crate) fn year_of(t: Timestamp) -> i16 {
    t.to_zoned(jiff::tz::TimeZone::UTC).year()
}

fn rss(base: &str, outlet: &Outlet, items: &[&Article], updated: Timestamp) -> String {
    let id = &outlet.id;
    let mut out = String::with_capacity(1024 + items.len() * 700);
    let _ = write!(
        out,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\" xmlns:atom=\"http://www.w3.org/2005/Atom\" \
         xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n<channel>\n<title>{name} – Europe</title>\n\
         <link>{base}/{id}/</link>\n<description>Top stories from {name}</description>\n\
         <language>{lang}</language>\n<lastBuildDate>{updated}</lastBuildDate>\n<ttl>5</ttl>\n\
         <atom:link href=\"{base}/{id}/feed\" rel=\"self\" type=\"application/rss+xml\"/>\n",
        name = esc(&outlet.name),
        lang = esc(&outlet.language),
        updated = rfc822(updated),
    );
    for a in items {
        let url = format!("{base}{}", a.path());
        let _ = write!(
            out,
            "<item>\n<title>{title}</title>\n<link>{url}</link>\n<guid isPermaLink=\"true\">{url}</guid>\n\
             <pubDate>{date}</pubDate>\n<dc:creator>{author}</dc:creator>\n<category>{section}</category>\n\
             <description>{lead}</description>\n</item>\n",
            title = esc(&a.title),
            url = esc(&url),
            date = rfc822(a.published),
            author = esc(&a.author),
            section = esc(&a.section),
            lead = esc(a.lead()),
        );
    }
    out.push_str("</channel>\n</rss>\n");
    out
}

fn atom(base: &str, outlet: &Outlet, items: &[&Article], updated: Timestamp) -> String {
    let id = &outlet.id;
    let host = base.trim_start_matches("http://");
    let mut out = String::with_capacity(1024 + items.len() * 2048);
    let _ = write!(
        out,
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{lang}\">\n\
         <title>{name}: World news</title>\n<id>{base}/{id}/</id>\n\
         <link rel=\"alternate\" type=\"text/html\" href=\"{base}/{id}/\"/>\n\
         <link rel=\"self\" type=\"application/atom+xml\" href=\"{base}/{id}/feed\"/>\n<updated>{updated}</updated>\n\
         <author><name>{name}</name></author>\n",
        name = esc(&outlet.name),
        lang = esc(&outlet.language),
        updated = rfc3339(updated),
    );
    for a in items {
        let url = format!("{base}{}", a.path());
        let mut content = String::new();
        for p in &a.paragraphs {
            let _ = write!(content, "<p>{}</p>", esc(p));
        }
        let _ = write!(
            out,
            "<entry>\n<id>tag:{host},{day}:/{id}/{slug}</id>\n<title type=\"text\">{title}</title>\n\
             <link rel=\"alternate\" type=\"text/html\" href=\"{url}\"/>\n<published>{date}</published>\n\
             <updated>{date}</updated>\n<author><name>{author}</name></author>\n<category term=\"{section}\"/>\n\
             <summary type=\"text\">{lead}</summary>\n<content type=\"html\">{content}</content>\n</entry>\n",
            host = esc(host),
            day = a.published.strftime("%Y-%m-%d"),
            slug = esc(&a.slug),
            title = esc(&a.title),
            url = esc(&url),
            date = rfc3339(a.published),
            author = esc(&a.author),
            section = esc(&a.section),
            lead = esc(a.lead()),
            content = esc(&content),
        );
    }
    out.push_str("</feed>\n");
    out
}

fn json_feed(base: &str, outlet: &Outlet, items: &[&Article]) -> String {
    let id = &outlet.id;
    let items: Vec<serde_json::Value> = items
        .iter()
        .map(|a| {
            let url = format!("{base}{}", a.path());
            let mut html = String::new();
            for p in &a.paragraphs {
                let _ = write!(html, "<p>{}</p>", esc(p));
            }
            serde_json::json!({
                "id": url,
                "url": url,
                "title": a.title,
                "summary": a.lead(),
                "content_html": html,
                "date_published": rfc3339(a.published),
                "authors": [{"name": a.author}],
                "tags": [a.section],
                "language": a.language,
            })
        })
        .collect();
    serde_json::json!({
        "version": "https://jsonfeed.org/version/1.1",
        "title": format!("{}: latest", outlet.name),
        "home_page_url": format!("{base}/{id}/"),
        "feed_url": format!("{base}/{id}/feed"),
        "language": outlet.language,
        "items": items,
    })
    .to_string()
}
