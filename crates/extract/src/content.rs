//! Main-content detection: which part of the page is the article, and its blocks of text.
//!
//! 1. Mark boilerplate subtrees: non-content elements (script, nav, form controls, …), hidden elements,
//!    ARIA landmarks that are never the article, and elements whose class/id say "comments", "related",
//!    "share", "newsletter", "advertisement", … unless they hold most of the page's text.
//! 2. Score containers readability-style: each paragraph-like block gives its parent, grandparent and
//!    great-grandparent points for length and commas; class/id hints and tags adjust; link density
//!    discounts. schema.org `articleBody` markup is a strong hint.
//! 3. Take the best container plus siblings that look like continuation of the article.
//! 4. Emit blocks (paragraphs, headings, list items, quotes, preformatted text, table rows) and drop the
//!    ones that are link lists or stock boilerplate lines.
//! 5. Fall back to the publisher's JSON-LD `articleBody`, then to all paragraphs, when the above finds
//!    too little.
//!
//! Everything is a loop over node ids: ids are in document order, so a reverse pass aggregates subtrees
//! without recursion.

use crate::dom::{Data, Dom, NONE, Tag};
use crate::meta::Hints;
use crate::{Block, BlockKind, Document};

const NEGATIVE: &[&str] = &[
    "comment",
    "comments",
    "commentlist",
    "disqus",
    "share",
    "sharing",
    "sharebar",
    "social",
    "socialmedia",
    "related",
    "recommended",
    "recommendations",
    "recirc",
    "promo",
    "promotion",
    "newsletter",
    "subscribe",
    "subscription",
    "signup",
    "advert",
    "advertisement",
    "advertising",
    "ad",
    "ads",
    "adslot",
    "adunit",
    "dfp",
    "sponsor",
    "sponsored",
    "sidebar",
    "footer",
    "cookie",
    "cookies",
    "consent",
    "popup",
    "modal",
    "breadcrumb",
    "breadcrumbs",
    "navbar",
    "nav",
    "navigation",
    "menu",
    "widget",
    "outbrain",
    "taboola",
    "tags",
    "tagcloud",
    "toolbar",
    "masthead",
    "banner",
    "pagination",
    "pager",
    "mostread",
    "mostpopular",
    "popular",
    "trending",
    "byline",
    "caption",
    "credit",
    "credits",
    "figcaption",
    "author",
    "bio",
    "rating",
    "print",
    "skip",
    "jump",
    "hidden",
    "tooltip",
    "meta",
    "dateline",
    "timestamp",
    "login",
    "paywall",
    "overlay",
    "teaser",
    "teasers",
    "more",
    "next",
    "prev",
    "previous",
    "crosslink",
];

const POSITIVE: &[&str] = &[
    "article",
    "articlebody",
    "content",
    "entry",
    "post",
    "story",
    "storybody",
    "body",
    "text",
    "main",
    "blog",
    "prose",
    "richtext",
    "copy",
    "article__body",
    "itemprop",
];

/// Splits class and id values into lowercase words: `c-articleBody__ad-slot` → c, article, body, ad, slot.
fn words(s: &str, out: &mut Vec<String>) {
    for part in s.split(|c: char| !c.is_ascii_alphanumeric()) {
        if part.is_empty() {
            continue;
        }
        let mut cur = String::new();
        let mut prev_lower = false;
        for c in part.chars() {
            if c.is_ascii_uppercase() && prev_lower && !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
            cur.push(c.to_ascii_lowercase());
        }
        if !cur.is_empty() {
            out.push(cur);
        }
    }
}

#[derive(Clone, Copy, Default)]
struct Hint {
    negative: bool,
    positive: bool,
}

fn class_hint(dom: &Dom<'_>, n: u32, buf: &mut Vec<String>) -> Hint {
    buf.clear();
    for a in dom.attrs(n) {
        if a.name == "class" || a.name == "id" {
            words(&a.value, buf);
        }
    }
    let mut h = Hint::default();
    for w in buf.iter() {
        if NEGATIVE.contains(&w.as_str()) {
            h.negative = true;
        }
        if POSITIVE.contains(&w.as_str()) {
            h.positive = true;
        }
    }
    h
}

fn hidden(dom: &Dom<'_>, n: u32) -> bool {
    dom.attrs(n).iter().any(|a| match a.name.as_ref() {
        "hidden" => true,
        "aria-hidden" => a.value.eq_ignore_ascii_case("true"),
        "style" => {
            let v: String = a
                .value
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect::<String>()
                .to_ascii_lowercase();
            v.contains("display:none") || v.contains("visibility:hidden")
        }
        _ => false,
    })
}

fn never_content(tag: Tag) -> bool {
    use Tag::*;
    matches!(
        tag,
        Script
            | Style
            | Noscript
            | Template
            | Svg
            | Math
            | Iframe
            | Object
            | Embed
            | Canvas
            | Audio
            | Video
            | Map
            | Button
            | Select
            | Input
            | Textarea
            | Option
            | Optgroup
            | Nav
            | Head
            | Title
            | Meta
            | Link
            | Base
            | Dialog
            | Frame
            | Frameset
            | Noframes
            | Noembed
            | Label
            | Output
            | Meter
            | Progress
            | Figcaption
            | Picture
            | Source
            | Track
            | Param
            | Applet
            | Rp
            | Rt
    )
}

fn is_block(tag: Tag) -> bool {
    use Tag::*;
    matches!(
        tag,
        P | Div
            | Section
            | Article
            | Main
            | Blockquote
            | Pre
            | Ul
            | Ol
            | Li
            | Dl
            | Dd
            | Dt
            | H1
            | H2
            | H3
            | H4
            | H5
            | H6
            | Table
            | Tbody
            | Thead
            | Tfoot
            | Tr
            | Td
            | Th
            | Header
            | Footer
            | Aside
            | Figure
            | Address
            | Center
            | Hr
            | Details
            | Summary
            | Fieldset
            | Hgroup
            | Menu
            | Caption
            | Body
            | Html
            | Search
    )
}

struct Analysis {
    skip: Vec<bool>,
    /// Characters of visible text in the subtree (whitespace runs count once).
    chars: Vec<u32>,
    /// Of which inside links.
    link_chars: Vec<u32>,
    commas: Vec<u32>,
    hint: Vec<Hint>,
}

fn visible_len(t: &str) -> (u32, u32) {
    let mut n = 0u32;
    let mut commas = 0u32;
    let mut prev_ws = true;
    for c in t.chars() {
        if c.is_whitespace() {
            if !prev_ws {
                n += 1;
            }
            prev_ws = true;
        } else {
            n += 1;
            prev_ws = false;
            if c == ',' || c == '，' || c == '、' {
                commas += 1;
            }
        }
    }
    (n, commas)
}

fn analyse(dom: &Dom<'_>) -> Analysis {
    let len = dom.nodes.len();
    let mut a = Analysis {
        skip: vec![false; len],
        chars: vec![0; len],
        link_chars: vec![0; len],
        commas: vec![0; len],
        hint: vec![Hint::default(); len],
    };
    let mut buf = Vec::new();
    // Top-down: structural skips (inherited).
    for n in 1..len as u32 {
        let node = &dom.nodes[n as usize];
        let parent_skip = node.parent != NONE && a.skip[node.parent as usize];
        if parent_skip {
            a.skip[n as usize] = true;
            continue;
        }
        if let Data::Element { tag, .. } = node.data {
            a.hint[n as usize] = class_hint(dom, n, &mut buf);
            let role = dom.attr(n, "role").unwrap_or("");
            if never_content(tag)
                || hidden(dom, n)
                || matches!(
                    role,
                    "navigation"
                        | "banner"
                        | "contentinfo"
                        | "complementary"
                        | "dialog"
                        | "menu"
                        | "menubar"
                        | "search"
                        | "alert"
                )
            {
                a.skip[n as usize] = true;
            }
        }
    }
    // Bottom-up: text lengths, link text, commas.
    count(dom, &mut a);
    // Class/id boilerplate: skipped unless it holds a large share of all text (a page-wide wrapper).
    let total = a.chars[0].max(1);
    for n in 1..len {
        if a.skip[n] {
            continue;
        }
        let parent = dom.nodes[n].parent;
        if parent != NONE && a.skip[parent as usize] {
            a.skip[n] = true;
            continue;
        }
        let h = a.hint[n];
        if let Data::Element { tag, .. } = dom.nodes[n].data
            && ((h.negative && !h.positive && !matches!(tag, Tag::Body | Tag::Html | Tag::Article | Tag::Main))
                || matches!(tag, Tag::Form | Tag::Aside | Tag::Footer))
            && a.chars[n] * 5 < total * 2
        {
            // Small forms (search, newsletter), asides and footers go; a form or footer wrapping the whole
            // page (ASP.NET pages put everything in one form) stays.
            a.skip[n] = true;
        }
    }
    // Recount without the boilerplate just removed.
    count(dom, &mut a);
    a
}

/// Text, link-text and comma counts of every subtree, outside skipped ones. Node ids are in document order
/// (a parent's id is below its children's), so one reverse pass sums every subtree.
fn count(dom: &Dom<'_>, a: &mut Analysis) {
    for v in [&mut a.chars, &mut a.link_chars, &mut a.commas] {
        v.iter_mut().for_each(|x| *x = 0);
    }
    let len = dom.nodes.len();
    for n in (1..len).rev() {
        if a.skip[n] {
            continue;
        }
        let node = &dom.nodes[n];
        if let Data::Text(t) = &node.data {
            let (c, k) = visible_len(t);
            a.chars[n] = c;
            a.commas[n] = k;
        }
        if matches!(node.data, Data::Element { tag: Tag::A, .. }) {
            a.link_chars[n] = a.chars[n];
        }
        let p = node.parent as usize;
        if node.parent != NONE {
            a.chars[p] += a.chars[n];
            a.link_chars[p] += a.link_chars[n];
            a.commas[p] += a.commas[n];
        }
    }
}

fn link_density(a: &Analysis, n: u32) -> f64 {
    let c = a.chars[n as usize];
    if c == 0 {
        0.0
    } else {
        a.link_chars[n as usize] as f64 / c as f64
    }
}

/// Paragraph text an element contributes for scoring, and its commas: all of it for `<p>`-like
/// elements; for containers, the text standing directly in them or in inline children (text separated by
/// `<br>`s in a div is a paragraph too). Zero when the element is not a paragraph.
fn paragraph_text(dom: &Dom<'_>, a: &Analysis, n: u32) -> (u32, u32) {
    match dom.tag(n) {
        Some(Tag::P | Tag::Pre | Tag::Td | Tag::Blockquote | Tag::Li | Tag::Dd) => {
            (a.chars[n as usize], a.commas[n as usize])
        }
        Some(Tag::Div | Tag::Section | Tag::Article | Tag::Main | Tag::Span | Tag::Font | Tag::Center | Tag::Body) => {
            let (mut chars, mut commas) = (0, 0);
            for c in dom.children(n) {
                if a.skip[c as usize] || dom.tag(c).is_some_and(is_block) {
                    continue;
                }
                chars += a.chars[c as usize];
                commas += a.commas[c as usize];
            }
            (chars, commas)
        }
        _ => (0, 0),
    }
}

fn base_score(dom: &Dom<'_>, a: &Analysis, n: u32) -> f64 {
    let tag_score = match dom.tag(n) {
        Some(Tag::Article) => 10.0,
        Some(Tag::Main | Tag::Div | Tag::Section) => 5.0,
        Some(Tag::Pre | Tag::Td | Tag::Blockquote) => 3.0,
        Some(Tag::Address | Tag::Ol | Tag::Ul | Tag::Dl | Tag::Dd | Tag::Dt | Tag::Li | Tag::Form) => -3.0,
        Some(t) if t.is_heading() || t == Tag::Th => -5.0,
        _ => 0.0,
    };
    let h = a.hint[n as usize];
    let mut class = 0.0;
    if h.positive {
        class += 25.0;
    }
    if h.negative {
        class -= 25.0;
    }
    if dom
        .attr(n, "itemprop")
        .is_some_and(|p| p.split_whitespace().any(|w| w == "articleBody" || w == "text"))
    {
        class += 50.0;
    }
    tag_score + class
}

/// Picks the container(s) holding the article. Returns the roots in document order.
fn choose_roots(dom: &Dom<'_>, a: &Analysis) -> Option<Vec<u32>> {
    let len = dom.nodes.len();
    let mut score = vec![f64::NAN; len];
    let init = |score: &mut Vec<f64>, n: u32| {
        if score[n as usize].is_nan() {
            score[n as usize] = base_score(dom, a, n);
        }
    };
    for n in 1..len as u32 {
        if a.skip[n as usize] || dom.tag(n).is_none() {
            continue;
        }
        let (chars, commas) = paragraph_text(dom, a, n);
        if chars < 25 {
            continue;
        }
        // Link lists are not paragraphs.
        if matches!(dom.tag(n), Some(Tag::Li | Tag::Dd)) && link_density(a, n) > 0.3 {
            continue;
        }
        let s = 1.0 + commas as f64 + (chars as f64 / 100.0).min(3.0);
        // A `<p>` scores its ancestors; text standing directly in a container scores the container itself.
        let direct = !matches!(
            dom.tag(n),
            Some(Tag::P | Tag::Pre | Tag::Td | Tag::Blockquote | Tag::Li | Tag::Dd)
        );
        let mut anc = if direct { n } else { dom.nodes[n as usize].parent };
        let mut level = 0;
        while anc != NONE && anc != 0 && level < 3 {
            if dom.tag(anc).is_some() {
                init(&mut score, anc);
                let div = match level {
                    0 => 1.0,
                    1 => 2.0,
                    _ => level as f64 * 3.0,
                };
                score[anc as usize] += s / div;
            }
            anc = dom.nodes[anc as usize].parent;
            level += 1;
        }
    }
    let mut best: Option<(u32, f64)> = None;
    let mut finals = vec![0.0; len];
    for n in 1..len {
        if score[n].is_nan() || a.skip[n] {
            continue;
        }
        let f = score[n] * (1.0 - link_density(a, n as u32));
        finals[n] = f;
        if best.is_none_or(|(_, b)| f > b) {
            best = Some((n as u32, f));
        }
    }
    let (mut top, top_score) = best?;
    // Several near-best candidates under one ancestor: the ancestor is the article.
    let close: Vec<u32> = (1..len)
        .filter(|&n| n as u32 != top && finals[n] >= top_score * 0.75 && finals[n] > 0.0)
        .map(|n| n as u32)
        .collect();
    if close.len() >= 2 {
        let mut anc = dom.nodes[top as usize].parent;
        while anc != NONE && anc != 0 && !matches!(dom.tag(anc), Some(Tag::Body | Tag::Html)) {
            let under = close.iter().filter(|&&c| is_ancestor(dom, anc, c)).count();
            if under >= 2 {
                top = anc;
                break;
            }
            anc = dom.nodes[anc as usize].parent;
        }
    }
    // Siblings that continue the article.
    let top_final = finals[top as usize].max(top_score);
    let threshold = (top_final * 0.2).max(10.0);
    let parent = dom.nodes[top as usize].parent;
    let mut roots = Vec::new();
    if parent == NONE {
        return Some(vec![top]);
    }
    for s in dom.children(parent) {
        if s == top {
            roots.push(s);
            continue;
        }
        if a.skip[s as usize] || dom.tag(s).is_none() {
            continue;
        }
        let ld = link_density(a, s);
        let chars = a.chars[s as usize];
        let append = finals[s as usize] >= threshold
            || (dom.tag(s) == Some(Tag::P)
                && ((chars > 80 && ld < 0.25)
                    || (chars > 0 && chars <= 80 && ld == 0.0 && dom.text_content(s).trim_end().ends_with('.'))));
        if append {
            roots.push(s);
        }
    }
    Some(roots)
}

fn is_ancestor(dom: &Dom<'_>, anc: u32, mut n: u32) -> bool {
    while n != NONE {
        if n == anc {
            return true;
        }
        n = dom.nodes[n as usize].parent;
    }
    false
}

struct Emitter {
    blocks: Vec<(Block, u32, u32)>,
    buf: String,
    kind: BlockKind,
    chars: u32,
    link_chars: u32,
}

impl Emitter {
    fn push_text(&mut self, t: &str, in_link: bool, pre: bool) {
        if pre {
            self.buf.push_str(t);
            let n = t.chars().count() as u32;
            self.chars += n;
            return;
        }
        for (i, word) in t.split_whitespace().enumerate() {
            let starts_ws = i > 0 || t.starts_with(char::is_whitespace);
            if starts_ws && !self.buf.is_empty() && !self.buf.ends_with([' ', '\n']) {
                self.buf.push(' ');
            }
            self.buf.push_str(word);
            let n = word.chars().count() as u32 + 1;
            self.chars += n;
            if in_link {
                self.link_chars += n;
            }
        }
        if t.ends_with(char::is_whitespace) && !self.buf.is_empty() && !self.buf.ends_with([' ', '\n']) {
            self.buf.push(' ');
        }
    }

    fn flush(&mut self) {
        if self.kind == BlockKind::Preformatted {
            let text = self.buf.trim_matches('\n').to_string();
            if !text.trim().is_empty() {
                self.blocks
                    .push((Block { kind: self.kind, text }, self.chars, self.link_chars));
            }
        } else {
            // A blank line (two <br>s) separates paragraphs; a single <br> is a line break inside one.
            let mut groups: Vec<Vec<String>> = vec![Vec::new()];
            for line in self.buf.split('\n') {
                let l = line.split_whitespace().collect::<Vec<_>>().join(" ");
                match (l.is_empty(), groups.last_mut()) {
                    (true, Some(g)) if !g.is_empty() => groups.push(Vec::new()),
                    (false, Some(g)) => g.push(l),
                    _ => {}
                }
            }
            let texts: Vec<String> = groups
                .into_iter()
                .filter(|g| !g.is_empty())
                .map(|g| g.join("\n"))
                .collect();
            let total: usize = texts.iter().map(|t| t.chars().count()).sum::<usize>().max(1);
            for text in texts {
                // Link share is kept per block, split in proportion to length.
                let share = text.chars().count() as f64 / total as f64;
                let chars = (self.chars as f64 * share).round() as u32;
                let links = (self.link_chars as f64 * share).round() as u32;
                self.blocks.push((Block { kind: self.kind, text }, chars, links));
            }
        }
        self.buf.clear();
        self.chars = 0;
        self.link_chars = 0;
        self.kind = BlockKind::Paragraph;
    }
}

fn kind_of(tag: Tag, inside_quote: bool) -> BlockKind {
    match tag {
        t if t.is_heading() => BlockKind::Heading,
        Tag::Li | Tag::Dd | Tag::Dt => BlockKind::ListItem,
        Tag::Pre => BlockKind::Preformatted,
        Tag::Tr => BlockKind::TableRow,
        Tag::Blockquote => BlockKind::Blockquote,
        _ if inside_quote => BlockKind::Blockquote,
        _ => BlockKind::Paragraph,
    }
}

fn emit(dom: &Dom<'_>, a: &Analysis, roots: &[u32]) -> Vec<(Block, u32, u32)> {
    let mut e = Emitter {
        blocks: Vec::new(),
        buf: String::new(),
        kind: BlockKind::Paragraph,
        chars: 0,
        link_chars: 0,
    };
    for &root in roots {
        // (node, leaving?) with explicit context counters instead of recursion.
        let mut stack: Vec<(u32, bool)> = vec![(root, false)];
        let mut links = 0usize;
        let mut pres = 0usize;
        let mut quotes = 0usize;
        while let Some((n, leaving)) = stack.pop() {
            let tag = dom.tag(n);
            if leaving {
                if let Some(t) = tag {
                    match t {
                        Tag::A => links = links.saturating_sub(1),
                        Tag::Pre => pres = pres.saturating_sub(1),
                        Tag::Blockquote => quotes = quotes.saturating_sub(1),
                        _ => {}
                    }
                    if is_block(t) && !matches!(t, Tag::Td | Tag::Th) {
                        e.flush();
                    } else if matches!(t, Tag::Td | Tag::Th) {
                        e.push_text(" ", false, false);
                    }
                }
                continue;
            }
            if a.skip[n as usize] {
                continue;
            }
            match &dom.nodes[n as usize].data {
                Data::Text(t) => e.push_text(t, links > 0, pres > 0),
                Data::Element { tag: t, .. } => {
                    let t = *t;
                    if t == Tag::Br {
                        e.buf.push('\n');
                        continue;
                    }
                    if is_block(t) && !matches!(t, Tag::Td | Tag::Th) {
                        e.flush();
                        e.kind = kind_of(t, quotes > 0);
                    }
                    match t {
                        Tag::A => links += 1,
                        Tag::Pre => pres += 1,
                        Tag::Blockquote => quotes += 1,
                        _ => {}
                    }
                    stack.push((n, true));
                    let kids: Vec<u32> = dom.children(n).collect();
                    for &c in kids.iter().rev() {
                        stack.push((c, false));
                    }
                }
                Data::Document => {}
            }
        }
        e.flush();
    }
    e.blocks
}

const BOILERPLATE_STARTS: &[&str] = &[
    "advertisement",
    "sponsored",
    "read more",
    "read next",
    "read also",
    "related:",
    "related articles",
    "related stories",
    "related coverage",
    "see also",
    "sign up",
    "subscribe",
    "follow us",
    "share this",
    "share on",
    "share the",
    "click here",
    "all rights reserved",
    "©",
    "copyright",
    "photo:",
    "image:",
    "photograph:",
    "getty images",
    "(photo",
    "recommended",
    "you may also like",
    "you might also like",
    "more from",
    "listen to this",
    "download the",
    "join our",
    "we use cookies",
    "this site uses cookies",
    "newsletter",
    "continue reading",
    "story continues",
    "skip to",
    "loading",
    "please enable javascript",
    "this story has been shared",
    "most read",
    "most popular",
    "trending now",
    "watch:",
    "video:",
    "get our",
    "sign in",
    "log in",
    "already a subscriber",
    "this website uses cookies",
    "our website uses cookies",
    "by continuing to use",
    "trending:",
    "support our journalism",
];

const BOILERPLATE_EXACT: &[&str] = &[
    "advert",
    "tags",
    "topics",
    "ad",
    "share",
    "tweet",
    "email",
    "print",
    "comments",
    "comment",
    "menu",
    "close",
    "more",
    "next",
    "previous",
    "top",
    "back to top",
    "home",
];

/// Phrases that mark a short block as a promotion wherever they appear in it.
const PROMO_ANYWHERE: &[&str] = &[
    "click here",
    "sign up for",
    "subscribe to our",
    "uses cookies",
    "download our app",
    "follow us on",
    "requires javascript",
    "enable javascript",
];

fn boilerplate(text: &str) -> bool {
    let t = text.trim().to_lowercase();
    let t = t.trim_matches(|c: char| !c.is_alphanumeric() && c != '©' && c != '(');
    if t.chars().count() > 200 {
        return false;
    }
    if BOILERPLATE_EXACT.contains(&t) || BOILERPLATE_STARTS.iter().any(|p| t.starts_with(p)) {
        return true;
    }
    let short = t.chars().count() < 120;
    // Bylines and time stamps: "By Jane Doe - 11/18/19 11:04 PM", "Updated at 1:23 p.m."
    let words = t.split_whitespace().count();
    if short
        && words <= 14
        && (t.starts_with("by ")
            || t.starts_with("updated")
            || t.starts_with("published")
            || t.starts_with("posted")
            || t.starts_with("last updated"))
        && !t.ends_with('.')
    {
        return true;
    }
    // A dateline or "Author  August 08, 2018" line.
    if short && words <= 8 && !t.ends_with('.') && crate::meta::date_in_text(t).is_some() {
        return true;
    }
    // Left-over CMS shortcodes: "[button link=...]Send us[/button]".
    if t.starts_with('[') && t.contains("[/") {
        return true;
    }
    t.chars().count() < 320 && PROMO_ANYWHERE.iter().any(|p| t.contains(p))
}

fn filter(blocks: Vec<(Block, u32, u32)>, doc: &Document) -> Vec<Block> {
    let title = doc
        .title
        .as_deref()
        .map(|t| t.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase());
    let mut out: Vec<Block> = Vec::with_capacity(blocks.len());
    for (b, chars, link_chars) in blocks {
        let ld = if chars == 0 {
            0.0
        } else {
            link_chars as f64 / chars as f64
        };
        if ld > 0.5 && chars < 300 {
            continue;
        }
        if boilerplate(&b.text) {
            continue;
        }
        if b.kind == BlockKind::Heading && title.as_deref().is_some_and(|t| b.text.to_lowercase() == t) {
            continue;
        }
        if out.last().is_some_and(|l| l.text == b.text) {
            continue;
        }
        out.push(b);
    }
    // Trailing headings introduce nothing.
    while out.last().is_some_and(|b| b.kind == BlockKind::Heading) {
        out.pop();
    }
    out
}

fn paragraphs_of(text: &str) -> Vec<Block> {
    text.split('\n')
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|l| !l.is_empty())
        .map(|text| Block {
            kind: BlockKind::Paragraph,
            text,
        })
        .collect()
}

fn total_chars(blocks: &[Block]) -> usize {
    blocks.iter().map(|b| b.text.chars().count()).sum()
}

/// The article's blocks, and diagnostics saying how they were found.
pub fn article(dom: &Dom<'_>, doc: &Document, hints: &Hints) -> (Vec<Block>, Vec<String>) {
    let a = analyse(dom);
    let mut why = Vec::new();
    let mut blocks = Vec::new();
    if let Some(roots) = choose_roots(dom, &a) {
        blocks = filter(emit(dom, &a, &roots), doc);
        why.push(format!(
            "strategy: scored container ({} root{}, {} blocks)",
            roots.len(),
            if roots.len() == 1 { "" } else { "s" },
            blocks.len()
        ));
    }
    const ENOUGH: usize = 250;
    if total_chars(&blocks) < ENOUGH
        && let Some(body) = hints.ld_body.as_deref()
    {
        let ld = paragraphs_of(body);
        if total_chars(&ld) > total_chars(&blocks) {
            why.push("strategy: JSON-LD articleBody (the page's text was too short)".into());
            blocks = ld;
        }
    }
    if total_chars(&blocks) < ENOUGH {
        // Last resort: every paragraph on the page that is not boilerplate.
        let all: Vec<u32> = (1..dom.nodes.len() as u32)
            .filter(|&n| dom.tag(n) == Some(Tag::P) && !a.skip[n as usize] && link_density(&a, n) < 0.5)
            .collect();
        let fallback = filter(emit(dom, &a, &all), doc);
        if total_chars(&fallback) > total_chars(&blocks) {
            why.push("strategy: all paragraphs (no container scored well)".into());
            blocks = fallback;
        }
    }
    (blocks, why)
}
