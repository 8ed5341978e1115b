//! Quotes and who said them.
//!
//! 1. Pair quotation marks per paragraph (“ ” « » „ “ ‘ ’ and straight quotes by position); a paragraph
//!    that ends inside a quote continues only if the next one opens with a quotation mark (the
//!    multi-paragraph convention), otherwise the stray mark is dropped: unbalanced marks give fewer quotes,
//!    never a whole article as one quote.
//! 2. Direct quotes: a verb of saying and a speaker right after the closing mark (`,” said Ushakov`,
//!    `,” he said`) or right before the opening mark (`Trump said: “…”`). A quote interrupted by
//!    `he said,` continues into the next quoted piece. An unattributed quote that follows an attributed one
//!    in the same or the next paragraph continues that speaker (not one of two coordinated speakers); a
//!    paragraph that is wholly a quotation after a paragraph whose last sentence says one named person told
//!    something ("Zelensky addressed the nation.") is that person's.
//! 3. Indirect quotes: `SPEAKER [also/had earlier…] VERB [object] [that] CONTENT`, `CONTENT, SPEAKER VERB`,
//!    `CONTENT, VERB SPEAKER`, `according to SPEAKER, CONTENT` and `CONTENT, according to SPEAKER`. A quoted
//!    fragment inside the content makes the quote mixed.
//! 4. Speakers are noun phrases (names, pronouns, role nouns) linked to entities by the caller.
//!
//! The finder runs in named passes over one shared state ([`Finder`]), each in its own file:
//! [`direct`] (quotation marks with a cue and a speaker beside them), [`name_lines`] (`Name:` opening a
//! line), [`indirect`] (reported speech and mixed quotes, sentence by sentence), [`run_on`] (an unattributed
//! quotation continuing the previous speaker) and [`normalise`] (pieces in order and apart). The noun phrases
//! and cue look-ups they share are the methods of `Ctx` in [`ctx`].

mod ctx;
mod cyrillic;
pub use cyrillic::genitive_to_nominative;
pub(crate) use cyrillic::is_cyrillic_text;
mod direct;
mod indirect;
mod name_lines;
mod normalise;
mod run_on;
pub(crate) use run_on::CONTINUES_PREVIOUS;

use crate::lexicon::{AUX, PRONOUNS, ROLE_NOUNS, SPEECH_VERBS};
use crate::text::{Kind, Token};

pub use livebrief_model::reading::QuoteKind;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NpKind {
    Name,
    Pronoun,
    Role,
}

/// A speaker mention: token range and byte span.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Np {
    pub first: usize,
    pub last: usize,
    pub start: usize,
    pub end: usize,
    pub kind: NpKind,
}

#[derive(Debug, Clone)]
pub struct RawQuote {
    pub kind: QuoteKind,
    /// Content spans (bytes), in order; more than one when interrupted ("he said").
    pub spans: Vec<(usize, usize)>,
    /// The cue verb token, if any.
    pub cue: Option<usize>,
    pub speaker: Option<Np>,
    /// Speaker inherited from the previous quote (continuation).
    pub inherited: bool,
    /// First token of the quote's attribution context (for dates): the sentence's tokens outside the content.
    pub sentence: usize,
    pub evidence: &'static str,
    /// The speaker's base form when the finder knows it (Ukrainian and Russian: `За словами Пєскова` → Пєсков).
    pub base: Option<String>,
}

impl RawQuote {
    fn indirect(
        spans: Vec<(usize, usize)>,
        cue: usize,
        speaker: Np,
        sentence: usize,
        evidence: &'static str,
    ) -> RawQuote {
        RawQuote {
            kind: QuoteKind::Indirect,
            spans,
            cue: Some(cue),
            speaker: Some(speaker),
            inherited: false,
            sentence,
            evidence,
            base: None,
        }
    }
}

/// A pair of quotation marks: content pieces (bytes, without the marks) and the mark tokens.
#[derive(Debug, Clone)]
pub struct Marks {
    pub pieces: Vec<(usize, usize)>,
    pub open: usize,
    pub close: usize,
    pub used: bool,
}

fn ch(s: &str, t: &Token) -> char {
    let text = &s[t.start..t.end];
    if text == "''" {
        '"'
    } else {
        text.chars().next().unwrap_or(' ')
    }
}

/// The character before `pos`, past invisible format characters (U+202A "left-to-right embedding", zero-width
/// spaces, a BOM), which pasted social-media text carries before its quotation marks.
fn before(s: &str, pos: usize) -> char {
    s[..pos]
        .chars()
        .rev()
        .find(|c| !crate::text::is_format(*c))
        .unwrap_or(' ')
}

fn after(s: &str, pos: usize) -> char {
    s[pos..].chars().next().unwrap_or(' ')
}

const MAX_QUOTE_BYTES: usize = 6000;

pub fn pair_marks(s: &str, toks: &[Token]) -> Vec<Marks> {
    let mut out = Vec::new();
    // The open quotation: (token index, style, pieces so far, start of the current piece).
    type Open = (usize, char, Vec<(usize, usize)>, usize);
    let mut open: Option<Open> = None;
    let mut i = 0;
    while i < toks.len() {
        let t = &toks[i];
        if t.kind == Kind::Break {
            if let Some((oi, style, mut pieces, piece_start)) = open.take() {
                // Continue into the next paragraph only if it opens with a quotation mark.
                let next = toks.get(i + 1);
                if let Some(n) = next.filter(|n| n.kind == Kind::QuoteMark && opens(s, n)) {
                    pieces.push((piece_start, toks[i - 1].end));
                    open = Some((oi, style, pieces, n.end));
                    i += 2;
                    continue;
                }
            }
            i += 1;
            continue;
        }
        if t.kind != Kind::QuoteMark {
            i += 1;
            continue;
        }
        let c = ch(s, t);
        match &mut open {
            None => {
                let is_open = match c {
                    '“' | '„' | '«' | '‹' | '‚' => true,
                    // ”Hello,” typed with a closing mark at the start: it opens when it stands where an opening does.
                    '"' | '”' => opens(s, t),
                    '‘' => opens(s, t),
                    _ => false,
                };
                if is_open {
                    open = Some((i, c, Vec::new(), t.end));
                }
            }
            Some((oi, style, pieces, piece_start)) => {
                let closes = match (*style, c) {
                    ('“', '”')
                    | ('”', '”')
                    | ('“', '"')
                    | ('"', '"')
                    | ('"', '”')
                    | ('«', '»')
                    | ('‹', '›')
                    | ('„', '“')
                    | ('„', '”') => true,
                    ('‘', '’') | ('‚', '‘') | ('‚', '’') => closes_single(s, t),
                    // “It's unusual,“ he said: an opening mark typed where the closing one belongs (it follows
                    // the words with no space before it).
                    ('“', '“') if !opens(s, t) => true,
                    // A new opening mark of the same style without a close: the earlier one was stray.
                    ('“', '“') | ('«', '«') => {
                        *oi = i;
                        *pieces = Vec::new();
                        *piece_start = t.end;
                        false
                    }
                    _ => false,
                };
                if closes {
                    let mut pieces = std::mem::take(pieces);
                    pieces.push((*piece_start, t.start));
                    let total: usize = pieces.iter().map(|(a, b)| b - a).sum();
                    if total > 0 && total <= MAX_QUOTE_BYTES {
                        out.push(Marks {
                            pieces,
                            open: *oi,
                            close: i,
                            used: false,
                        });
                    }
                    open = None;
                }
            }
        }
        i += 1;
    }
    out
}

/// A quoted title: Title Case words (small function words aside) without closing punctuation, right after a
/// possessive or a preposition: `on NBC's "Meet the Press"`, `in “The Art of the Deal”`.
fn is_title(s: &str, toks: &[Token], m: &Marks) -> bool {
    if m.open == 0 || m.close == 0 {
        return false;
    }
    let p = toks[m.open - 1].text(s).to_lowercase();
    let after_possessive = p.ends_with("'s") || p.ends_with("’s") || matches!(p.as_str(), "on" | "in" | "of");
    let inner = &toks[m.open + 1..m.close];
    let words: Vec<&Token> = inner.iter().filter(|t| t.kind == Kind::Word).collect();
    after_possessive
        && !words.is_empty()
        && words.len() <= 8
        && inner
            .iter()
            .all(|t| matches!(t.kind, Kind::Word | Kind::Number) || t.text(s) == ":")
        && words.iter().all(|t| {
            capitalized(s, t)
                || matches!(
                    t.text(s),
                    "the" | "of" | "a" | "an" | "and" | "with" | "in" | "on" | "to" | "for"
                )
        })
}

/// The first token of the sentence that token `i` is in.
fn sentences_start(sent_of: &[usize], i: usize) -> usize {
    let mut k = i;
    while k > 0 && sent_of[k - 1] == sent_of[i] {
        k -= 1;
    }
    k
}

/// The quoted pieces with their quotation marks.
fn with_marks(toks: &[Token], m: &Marks) -> Vec<(usize, usize)> {
    let mut spans = m.pieces.clone();
    if let Some(first) = spans.first_mut() {
        first.0 = toks[m.open].start;
    }
    if let Some(last) = spans.last_mut() {
        last.1 = toks[m.close].end;
    }
    spans
}

fn opens(s: &str, t: &Token) -> bool {
    let b = before(s, t.start);
    let a = after(s, t.end);
    (b.is_whitespace() || matches!(b, '(' | '[' | '—' | '–' | '-' | ':' | ' ') || t.start == 0) && !a.is_whitespace()
}

fn closes_single(s: &str, t: &Token) -> bool {
    let a = after(s, t.end);
    !a.is_alphanumeric()
}

fn lower(s: &str, t: &Token) -> String {
    t.text(s).to_lowercase()
}

fn is_speech(s: &str, t: &Token) -> bool {
    if t.kind != Kind::Word {
        return false;
    }
    // Verbs are not capitalised mid-sentence: "the United States" has no verb "States".
    if t.text(s).chars().next().is_some_and(char::is_uppercase) {
        return false;
    }
    let w = lower(s, t);
    // "as Cornyn put it:", "as Milbank puts it,"
    if matches!(w.as_str(), "put" | "puts") {
        return s[t.end..].trim_start().starts_with("it");
    }
    // "Trump shot back", "Rubio fired back"
    if matches!(w.as_str(), "shot" | "fired" | "hit" | "snapped") {
        return s[t.end..].trim_start().starts_with("back");
    }
    // "…,” she went on.": only when the clause ends there ("went on to promote" is not speech).
    if matches!(w.as_str(), "went" | "goes") {
        let rest = s[t.end..].trim_start();
        return rest.starts_with("on") && rest[2..].trim_start().starts_with(['.', ',', ':', ';']);
    }
    SPEECH_VERBS.contains(&w.as_str())
}

/// A verb of saying that is only announced or hypothetical: "will urge", "to say", "would tell".
fn modal_before(ctx: &Ctx<'_>, v: usize) -> bool {
    v > 0
        && matches!(
            ctx.word(v - 1).as_str(),
            "will"
                | "would"
                | "could"
                | "can"
                | "may"
                | "might"
                | "should"
                | "must"
                | "to"
                | "shall"
                | "won't"
                | "cannot"
        )
}

fn is_pronoun(s: &str, t: &Token) -> bool {
    t.kind == Kind::Word && PRONOUNS.contains(&lower(s, t).as_str())
}

fn capitalized(s: &str, t: &Token) -> bool {
    t.kind == Kind::Word && t.text(s).chars().next().is_some_and(char::is_uppercase)
}

/// Prepositions that open an adjunct right after a verb of saying ("said in a statement", "told reporters
/// during a visit"): what follows them is circumstance, not what was said.
const ADJUNCT_OPENERS: &[&str] = &["in", "on", "at", "during", "before", "after", "via", "through", "from"];

const DETERMINERS: &[&str] = &[
    "the", "a", "an", "his", "her", "their", "its", "this", "that", "these", "those", "one", "two", "several", "some",
    "many", "other", "another", "our",
];

struct Ctx<'a> {
    s: &'a str,
    toks: &'a [Token],
    sent_of: &'a [usize],
    /// Tokens between a pair of quotation marks.
    in_quote: Vec<bool>,
}

/// The state the passes share: the text, its tokens and sentences, the quotation marks (each used at most once),
/// the quotes found so far, the cue verbs already used and the tokens of `Name:` lines.
struct Finder<'a> {
    s: &'a str,
    toks: &'a [Token],
    sentences: &'a [(usize, usize)],
    sent_of: &'a [usize],
    ctx: Ctx<'a>,
    marks: Vec<Marks>,
    out: Vec<RawQuote>,
    cue_used: Vec<bool>,
    /// Paragraph number of every token.
    para: Vec<usize>,
    /// Tokens of a line opened by `Name:` (the `name_lines` pass).
    line_taken: Vec<bool>,
    /// The direct quotes' pieces in order of their start, with the furthest end reached so far (known once the
    /// direct pass has run).
    direct_pieces: Vec<(usize, usize)>,
    direct_reach: Vec<usize>,
}

impl Finder<'_> {
    /// Records the direct quotes' pieces, for the later passes' test of overlap with a direct quote.
    fn note_direct_pieces(&mut self) {
        let mut direct_pieces: Vec<(usize, usize)> = self
            .out
            .iter()
            .filter(|q| q.kind == QuoteKind::Direct)
            .flat_map(|q| q.spans.iter().copied())
            .collect();
        direct_pieces.sort_unstable();
        let mut reach = 0;
        self.direct_reach = direct_pieces
            .iter()
            .map(|&(_, y)| {
                reach = reach.max(y);
                reach
            })
            .collect();
        self.direct_pieces = direct_pieces;
    }
}

const NAMED_IN_QUOTES: &str = "named it in quotation marks";
const CREDITED_IN_BRACKETS: &str = "a source credited in brackets";
const SIGNED_WITH_A_DASH: &str = "a dash and a name sign the quotation";

/// Finds direct, indirect and mixed quotes. `sentences` are token ranges [first, last).
pub fn find(s: &str, toks: &[Token], sentences: &[(usize, usize)]) -> Vec<RawQuote> {
    if cyrillic::is_cyrillic_text(s) {
        return cyrillic::find(s, toks, sentences);
    }
    let mut sent_of = vec![usize::MAX; toks.len()];
    for (si, &(a, b)) in sentences.iter().enumerate() {
        for x in sent_of.iter_mut().take(b).skip(a) {
            *x = si;
        }
    }
    // Breaks belong to no sentence; give them a unique value so nothing crosses them.
    for (i, t) in toks.iter().enumerate() {
        if t.kind == Kind::Break {
            sent_of[i] = usize::MAX - i;
        }
    }
    let marks = pair_marks(s, toks);
    let mut in_quote = vec![false; toks.len()];
    for m in &marks {
        for x in in_quote.iter_mut().take(m.close).skip(m.open + 1) {
            *x = true;
        }
    }
    let mut para: Vec<usize> = Vec::with_capacity(toks.len());
    let mut p = 0usize;
    for t in toks {
        if t.kind == Kind::Break {
            p += 1;
        }
        para.push(p);
    }
    let mut f = Finder {
        s,
        toks,
        sentences,
        sent_of: &sent_of,
        ctx: Ctx {
            s,
            toks,
            sent_of: &sent_of,
            in_quote,
        },
        marks,
        out: Vec::new(),
        cue_used: vec![false; toks.len()],
        para,
        line_taken: vec![false; toks.len()],
        direct_pieces: Vec::new(),
        direct_reach: Vec::new(),
    };
    direct::run(&mut f);
    f.note_direct_pieces();
    name_lines::run(&mut f);
    indirect::run(&mut f);
    run_on::run(&mut f);
    normalise::run(&mut f);
    f.out
}
