//! Never panics, never hangs, bounded memory, and says why when there is no article.

use livebrief_extract::{Options, extract};

fn run(bytes: &[u8]) -> livebrief_extract::Extraction {
    extract(bytes, &Options::default())
}

#[test]
fn empty_and_binary_input() {
    let x = run(b"");
    assert!(x.document.blocks.is_empty());
    assert!(
        x.diagnostics.iter().any(|d| d.contains("no article")),
        "{:?}",
        x.diagnostics
    );
    let junk: Vec<u8> = (0..200_000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let x = run(&junk);
    assert!(x.document.text().len() < junk.len() * 4);
    run(&[0xff, 0xfe, 0x00]);
    run(&[0xef, 0xbb, 0xbf, b'<']);
}

#[test]
fn deep_nesting_does_not_overflow() {
    let mut html = String::from("<html><body>");
    for _ in 0..100_000 {
        html.push_str("<div>");
    }
    html.push_str("<p>Deep inside, a paragraph of text that is long enough to count as one, with commas, clauses, and a full stop.</p>");
    let x = run(html.as_bytes());
    assert!(
        x.diagnostics.iter().any(|d| d.contains("flattened")),
        "{:?}",
        x.diagnostics
    );
    assert!(x.document.text().contains("Deep inside"));
}

#[test]
fn unclosed_and_broken_markup() {
    for html in [
        "<p>unclosed <b>bold <i>italic",
        "<div><p>a<p>b</div></span></table>",
        "<script>var x = '</div>'; if (a<b) {}",
        "<!-- never closed",
        "<a href='x",
        "<p attr=\"unterminated>text</p>",
        "<![CDATA[ x",
        "</>< <> </ a> <!> <?xml ?>",
        "<title>t</title><plaintext><p>rest is text",
        "<svg><p/><math><mi/></math></svg><p>after</p>",
    ] {
        let _ = run(html.as_bytes());
    }
}

#[test]
fn invalid_utf8_and_huge_page() {
    let mut bytes = b"<html><body><article><p>".to_vec();
    bytes.extend_from_slice(&[0xc3, 0x28, 0xa0, 0xa1]);
    bytes.extend_from_slice(
        b" caf\xe9 na\xefve text that goes on for a while, with commas, to be a paragraph.</p></article>",
    );
    let x = run(&bytes);
    assert!(x.document.text().contains("text that goes on"));

    // 50 MB of repeated article markup: finishes, memory bounded by the input.
    let mut big = String::with_capacity(50 * 1024 * 1024 + 1000);
    big.push_str("<html><body><article>");
    let mut i = 0u64;
    while big.len() < 50 * 1024 * 1024 {
        big.push_str(&format!(
            "<p>Paragraph {i} of the very long page, with commas, clauses and a full stop at the end.</p>\n"
        ));
        i += 1;
    }
    let t = std::time::Instant::now();
    let x = run(big.as_bytes());
    assert!(x.document.blocks.len() > 100_000);
    eprintln!("50 MB page in {:?}", t.elapsed());
}

#[test]
fn all_navigation_page_has_no_article_and_says_why() {
    let mut html = String::from("<html><body><nav><ul>");
    for i in 0..200 {
        html.push_str(&format!("<li><a href='/s/{i}'>Section {i}</a></li>"));
    }
    html.push_str(
        "</ul></nav><footer><a href='/about'>About</a> <a href='/privacy'>Privacy</a></footer></body></html>",
    );
    let x = run(html.as_bytes());
    assert!(x.document.blocks.is_empty(), "{:?}", x.document.blocks);
    assert!(
        x.diagnostics.iter().any(|d| d.contains("no article")),
        "{:?}",
        x.diagnostics
    );
}
