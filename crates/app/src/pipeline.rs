//! The pure stages of the newsroom loop, shared by the API, the CLI and the poller: an article (its text, or
//! its page) becomes text plus a reading ([`understand`]).
//!
//! Pure: no IO, no clock (today's date comes in), no store. The callers run it on a blocking thread.

use livebrief_model::{Date, Reading};
use livebrief_nlp::TopicDef;

/// The article as received: plain text, or a whole HTML page to extract it from.
#[derive(Debug, Clone)]
pub enum ReportBody {
    Text(String),
    Html {
        bytes: Vec<u8>,
        /// The charset parameter of the HTTP Content-Type header, when the page was fetched.
        http_charset: Option<String>,
    },
}

#[derive(Debug, Clone)]
pub struct ReportInput {
    pub url: Option<String>,
    /// Empty: taken from the page's metadata when the body is HTML.
    pub title: String,
    /// The outlet. Empty: the page's site name when the body is HTML.
    pub source: String,
    /// The publication date, the reference for "yesterday" and "on Wednesday". `None`: from the page's
    /// metadata, else today.
    pub published: Option<Date>,
    pub body: ReportBody,
}

/// An article understood: its text, what it is, and its reading.
#[derive(Debug, Clone)]
pub struct Understood {
    pub text: String,
    pub title: String,
    pub source: String,
    pub published: Date,
    /// BCP 47 tag of the text's language.
    pub language: String,
    pub reading: Reading,
    /// What extraction noticed on the way (encoding, strategy, why nothing was found).
    pub diagnostics: Vec<String>,
}

/// Extracts the article when the body is a page, then reads it against its publication date.
///
/// The publication date is the caller's, else the page's own (`datePublished`, `article:published_time`, …),
/// else `today`. Title and source likewise fall back to the page's metadata.
pub fn understand(input: ReportInput, today: Date, topics: &[TopicDef]) -> Understood {
    let (text, meta_title, meta_date, meta_site, diagnostics) = match input.body {
        ReportBody::Text(t) => (t, None, None, None, Vec::new()),
        ReportBody::Html { bytes, http_charset } => {
            let x = livebrief_extract::extract(
                &bytes,
                &livebrief_extract::Options {
                    url: input.url.as_deref(),
                    http_charset: http_charset.as_deref(),
                },
            );
            // "2025-03-13" or an RFC 3339 timestamp: its first ten characters are the day.
            let date = x
                .document
                .published
                .as_ref()
                .and_then(|d| d.value.get(..10))
                .and_then(|d| d.parse::<Date>().ok());
            (
                x.document.text(),
                x.document.title.clone(),
                date,
                x.document.site_name.clone(),
                x.diagnostics,
            )
        }
    };
    let published = input.published.or(meta_date).unwrap_or(today);
    let reading = livebrief_nlp::read(&text, published, topics);
    let title = if input.title.trim().is_empty() {
        meta_title.unwrap_or_default()
    } else {
        input.title
    };
    let source = if input.source.trim().is_empty() {
        meta_site.unwrap_or_default()
    } else {
        input.source
    };
    Understood {
        text,
        title: title.trim().to_string(),
        source: source.trim().to_string(),
        published,
        language: reading.language.clone(),
        reading,
        diagnostics,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: i8) -> Date {
        Date::constant(2025, 3, d)
    }

    #[test]
    fn text_is_read_against_the_given_date() {
        let u = understand(
            ReportInput {
                url: None,
                title: " Talks ".into(),
                source: "Wire".into(),
                published: Some(day(13)),
                body: ReportBody::Text("“We are ready,” Peskov said on Wednesday.".into()),
            },
            day(20),
            &livebrief_nlp::default_topics(),
        );
        assert_eq!(
            (u.title.as_str(), u.source.as_str(), u.published),
            ("Talks", "Wire", day(13))
        );
        assert_eq!(u.reading.quotes.len(), 1);
        assert_eq!(u.reading.quotes[0].date, Some(day(12)));
    }

    #[test]
    fn a_page_gives_its_own_title_date_and_site() {
        let page = r#"<html><head><title>Talks resume</title>
            <meta property="og:site_name" content="Example News">
            <meta property="article:published_time" content="2025-03-11T08:00:00Z"></head>
            <body><article><p>Delegations met for four hours on Monday, officials said, and agreed to meet again
            next week in the same city.</p><p>“We are ready,” the envoy said after the meeting ended late in
            the evening.</p></article></body></html>"#;
        let u = understand(
            ReportInput {
                url: Some("https://news.example.org/a".into()),
                title: String::new(),
                source: String::new(),
                published: None,
                body: ReportBody::Html {
                    bytes: page.as_bytes().to_vec(),
                    http_charset: None,
                },
            },
            day(20),
            &livebrief_nlp::default_topics(),
        );
        assert_eq!(u.published, day(11));
        assert_eq!(u.source, "Example News");
        assert!(u.title.contains("Talks resume"), "{}", u.title);
        assert!(u.text.contains("Delegations met"), "{}", u.text);
        assert!(!u.diagnostics.is_empty());
    }
}
