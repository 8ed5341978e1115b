//! Quotes and who said them.
//!
//! 1. Pair quotation marks per paragraph (“ ” « » „ “ ‘ ’ and straight quotes by position); a paragraph
//!    that ends inside a quote continues only if the next one opens with a quotation mark (the
//!    multi-paragraph convention), otherwise the stray mark is dropped: unbalanced marks give fewer quotes,
//!    never a whole article as one quote.
//! 2. Direct quotes: a verb of saying and a speaker right after the closing mark (`,” said Ushakov`,
//!    `,” he said`) or right before the opening mark (`Trump said: “…”`). A quote interrupted by
//!    `he said,` continues into the next quoted piece. An unattributed quote that follows an attributed one
//!    in the same or the next paragraph continues that speaker.
//! 3. Indirect quotes: `SPEAKER [also/had earlier…] VERB [object] [that] CONTENT`, `CONTENT, SPEAKER VERB`,
//!    `CONTENT, VERB SPEAKER`, `according to SPEAKER, CONTENT` and `CONTENT, according to SPEAKER`. A quoted
//!    fragment inside the content makes the quote mixed.
//! 4. Speakers are noun phrases (names, pronouns, role nouns) linked to entities by the caller.

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

impl Ctx<'_> {
    fn word(&self, i: usize) -> String {
        self.toks.get(i).map(|t| lower(self.s, t)).unwrap_or_default()
    }

    fn same_sentence(&self, a: usize, b: usize) -> bool {
        a < self.toks.len() && b < self.toks.len() && self.sent_of[a] == self.sent_of[b]
    }

    fn np(&self, first: usize, last: usize, kind: NpKind) -> Np {
        Np {
            first,
            last,
            start: self.toks[first].start,
            end: self.toks[last].end,
            kind,
        }
    }

    /// The last token of the run of capitalised words that starts at `first`, staying before `limit`.
    fn name_run_end(&self, first: usize, limit: usize) -> usize {
        let mut last = first;
        while last + 1 < limit && capitalized(self.s, &self.toks[last + 1]) && self.toks[last + 1].kind == Kind::Word {
            last += 1;
        }
        last
    }

    /// The speaker noun phrase ending right before token `v` (after skipping auxiliaries and adverbs).
    fn np_before(&self, v: usize, depth: usize) -> Option<Np> {
        let mut k = v.checked_sub(1)?;
        while self.same_sentence(k, v) && self.toks[k].kind == Kind::Word && {
            let w = self.word(k);
            AUX.contains(&w.as_str())
                || (w.ends_with("ly") && w.len() > 4 && !capitalized(self.s, &self.toks[k]))
                || matches!(
                    w.as_str(),
                    "itself" | "himself" | "herself" | "themselves" | "only" | "could" | "can" | "would" | "might"
                )
        } {
            k = k.checked_sub(1)?;
        }
        if !self.same_sentence(k, v) {
            return None;
        }
        // "Sen. Marco Rubio (R-Fla.) said", "Gov. John Kasich (R-OH), said": skip a short parenthesis after the
        // name.
        if self.toks[k].text(self.s) == "," && k > 0 && self.toks[k - 1].text(self.s) == ")" {
            k -= 1;
        }
        if self.toks[k].text(self.s) == ")"
            && let Some(open) = (k.saturating_sub(8)..k)
                .rev()
                .find(|&x| self.toks[x].text(self.s) == "(")
            && open > 0
            && self.same_sentence(open - 1, v)
        {
            return self.np_before(open, depth);
        }
        let t = &self.toks[k];
        // ", saying …", ", adding …" (also after a quoted fragment: `“…,” adding`): the subject of the main
        // clause speaks.
        let comma = matches!(self.toks[k].text(self.s), "," | "-" | "—" | "–") || self.closes_after_comma(k);
        // "She followed that by saying", "before adding": the same.
        let opener = matches!(self.word(k).as_str(), "by" | "before" | "after" | "while" | "as" | "in");
        if depth == 0 && (comma || opener) && self.word(v).ends_with("ing") {
            let mut j = k;
            while j > 0 && self.same_sentence(j - 1, v) {
                j -= 1;
            }
            // "Huma Abedin, vice chairwoman for the campaign, emailed supporters, telling them": a name that opens
            // the sentence, followed by an appositive or a verb, is the subject.
            if capitalized(self.s, &self.toks[j]) && !crate::lexicon::not_a_name(self.word(j).as_str()) {
                let last = self.name_run_end(j, k);
                let tail = self.toks[last].text(self.s);
                let after = self.toks.get(last + 1);
                // Not a dateline ("WASHINGTON, Dec. 8 (UPI) — …").
                let dateline = self.toks[j].text(self.s).chars().filter(|c| c.is_alphabetic()).count() > 3
                    && self.toks[j].text(self.s).chars().all(|c| !c.is_lowercase());
                if !dateline
                    && !tail.ends_with("'s")
                    && !tail.ends_with("’s")
                    && after.is_some_and(|n| {
                        matches!(n.text(self.s), "," | "(") || (n.kind == Kind::Word && !capitalized(self.s, n))
                    })
                {
                    return Some(self.np(j, last, NpKind::Name));
                }
            }
            for f in j..k {
                if self.in_quote[f] || self.toks[f].kind == Kind::QuoteMark {
                    continue;
                }
                let tf = &self.toks[f];
                let next_is_verb = self
                    .toks
                    .get(f + 1)
                    .is_some_and(|n| n.kind == Kind::Word && !capitalized(self.s, n));
                if next_is_verb
                    && (is_pronoun(self.s, tf)
                        || (capitalized(self.s, tf)
                            && !crate::lexicon::not_a_name(self.word(f).as_str())
                            && !crate::lexicon::TIME_WORDS.contains(&self.word(f).as_str())))
                    && let Some(np) = self.np_before(f + 1, 1)
                {
                    // A possessive ("Donald Trump's proposal") is not the subject: look further.
                    return Some(np);
                }
            }
            // "“…,” said Rep. Bobby Scott at the time, adding that …": the speaker named after the first verb.
            if let Some(np) = (j..k)
                .find(|&x| !self.in_quote[x] && is_speech(self.s, &self.toks[x]))
                .filter(|&x| {
                    x > j && (self.toks[x - 1].kind == Kind::QuoteMark || self.toks[x - 1].text(self.s) == ",")
                })
                .and_then(|x| self.np_at(x + 1))
                .filter(|np| np.kind == NpKind::Name && np.last < k)
            {
                return Some(np);
            }
            // "But other advisers to the government have been urging …, saying": a role phrase opens the sentence.
            let mut f = j;
            while f < k && crate::lexicon::not_a_name(self.word(f).as_str()) {
                f += 1;
            }
            return self.np_at(f).filter(|np| np.kind == NpKind::Role && np.last + 1 < k);
        }
        // "The State Department less than two weeks ago said", "Clinton on Tuesday said": a time adjunct between
        // the subject and the verb.
        if depth == 0 && self.toks[k].kind == Kind::Word && !self.in_quote[k] {
            let w = self.word(k);
            let time = w == "ago"
                || crate::lexicon::TIME_WORDS.contains(&w.as_str())
                || matches!(
                    w.as_str(),
                    "week" | "month" | "year" | "night" | "morning" | "afternoon" | "evening" | "recently"
                );
            if time {
                let mut j = k;
                while j > 0
                    && k - j < 7
                    && self.same_sentence(j - 1, v)
                    && matches!(self.toks[j - 1].kind, Kind::Word | Kind::Number)
                    && !self.in_quote[j - 1]
                {
                    let pw = self.word(j - 1);
                    let timeish = crate::lexicon::TIME_WORDS.contains(&pw.as_str())
                        || matches!(
                            pw.as_str(),
                            "on" | "last"
                                | "this"
                                | "than"
                                | "less"
                                | "more"
                                | "about"
                                | "a"
                                | "few"
                                | "two"
                                | "three"
                                | "several"
                                | "weeks"
                                | "days"
                                | "months"
                                | "years"
                                | "hours"
                                | "week"
                                | "month"
                                | "year"
                                | "day"
                                | "earlier"
                                | "late"
                                | "early"
                                | "just"
                        )
                        || self.toks[j - 1].kind == Kind::Number;
                    if !timeish {
                        break;
                    }
                    j -= 1;
                }
                if j < k
                    && j > 0
                    && self.same_sentence(j - 1, v)
                    && let Some(np) = self.np_before(j, 1)
                {
                    return Some(np);
                }
            }
        }
        // "sent an email saying, “done.”", "a cover saying …", "a message reading …": the thing that says it.
        if depth == 0
            && matches!(
                self.word(v).as_str(),
                "saying" | "reading" | "stating" | "asking" | "declaring"
            )
            && t.kind == Kind::Word
            && !capitalized(self.s, t)
            && !AUX.contains(&self.word(k).as_str())
            && !matches!(
                self.word(k).as_str(),
                "and" | "but" | "or" | "then" | "by" | "while" | "after" | "before" | "in" | "of" | "as" | "without"
            )
            && let Some(f) = (k.saturating_sub(3)..k)
                .find(|&f| self.same_sentence(f, v) && DETERMINERS.contains(&self.word(f).as_str()))
            && (f + 1..=k).all(|x| self.toks[x].kind == Kind::Word && !DETERMINERS.contains(&self.word(x).as_str()))
        {
            return Some(self.np(f, k, NpKind::Role));
        }
        // "Six in 10 say", "52 percent of …": a number phrase speaks for a group.
        // "One in three said": a number word counts as a number.
        let number_word = crate::lexicon::NUMBER_WORDS.contains(&self.word(k).as_str());
        if t.kind == Kind::Number || number_word {
            let mut f = k;
            while f > 0
                && k - f < 4
                && self.same_sentence(f - 1, v)
                && matches!(self.toks[f - 1].kind, Kind::Word | Kind::Number)
                && !SPEECH_VERBS.contains(&self.word(f - 1).as_str())
            {
                f -= 1;
            }
            return Some(self.np(f, k, NpKind::Role));
        }
        // "Barkley, who said …": the relative pronoun stands for the name before it.
        if self.word(k) == "who" {
            return Some(self.np(k, k, NpKind::Pronoun));
        }
        // "X praised Y and said …": the subject of the coordinated clause, the nearest name or pronoun
        // before "and" that is followed by a verb-like lowercase word.
        if depth == 0 && matches!(self.word(k).as_str(), "and" | "but") {
            // "Berg tweeting that it was a disaster and asking …": after an earlier verb of saying, the one who
            // said that goes on (the words between are what was said, not the subject).
            if let Some(np) = (k.saturating_sub(30)..k)
                .rev()
                .take_while(|&x| self.same_sentence(x, v))
                .find(|&x| !self.in_quote[x] && is_speech(self.s, &self.toks[x]))
                .and_then(|x| self.np_before(x, 1))
                .filter(|np| matches!(np.kind, NpKind::Name | NpKind::Pronoun))
            {
                return Some(np);
            }
            let mut j = k;
            while j > 0 && self.same_sentence(j - 1, v) && k - j < 30 {
                j -= 1;
                let tj = &self.toks[j];
                let next = self.toks.get(j + 1);
                let verb_next = next.is_some_and(|n| {
                    n.kind == Kind::Word
                        && !capitalized(self.s, n)
                        && !matches!(
                            self.word(j + 1).as_str(),
                            "of" | "and"
                                | "or"
                                | "the"
                                | "a"
                                | "an"
                                | "in"
                                | "on"
                                | "at"
                                | "to"
                                | "for"
                                | "with"
                                | "by"
                                | "from"
                        )
                });
                if verb_next
                    && (is_pronoun(self.s, tj)
                        || (capitalized(self.s, tj)
                            && !tj.text(self.s).ends_with("'s")
                            && !tj.text(self.s).ends_with("’s")))
                    && let Some(np) = self.np_before(j + 1, 1)
                {
                    return Some(np);
                }
            }
            // Fallback: the sentence's first name outside quotations ("Gary Emineth, a former chairman,
            // became a delegate and said …").
            let start = (0..k)
                .rev()
                .take_while(|&x| self.same_sentence(x, v))
                .last()
                .unwrap_or(k);
            let first = (start..k).find(|&x| {
                !self.in_quote[x]
                    && capitalized(self.s, &self.toks[x])
                    && !crate::lexicon::not_a_name(self.word(x).as_str())
            })?;
            return Some(self.np(first, self.name_run_end(first, k), NpKind::Name));
        }
        if is_pronoun(self.s, t) {
            return Some(self.np(k, k, NpKind::Pronoun));
        }
        // "Critics argued", "Officials said": a role noun that is capitalised only because it opens the sentence;
        // "Most Democrats said", "85% of Republicans said": a group, with the share that speaks for it.
        let w = self.word(k);
        if capitalized(self.s, t)
            && ROLE_NOUNS.contains(&w.as_str())
            && (k == 0 || !self.same_sentence(k - 1, k) || crate::lexicon::not_a_name(w.as_str()))
        {
            let mut f = k;
            while f > 0
                && k - f < 5
                && self.same_sentence(f - 1, v)
                && (self.toks[f - 1].kind == Kind::Number
                    || matches!(self.toks[f - 1].text(self.s), "%")
                    || matches!(
                        self.word(f - 1).as_str(),
                        "most" | "many" | "some" | "all" | "few" | "several" | "of" | "percent" | "in"
                    ))
            {
                f -= 1;
            }
            return Some(self.np(f, k, NpKind::Role));
        }
        // "1,409 teachers said": a counted group.
        if t.kind == Kind::Word
            && !capitalized(self.s, t)
            && k > 0
            && self.same_sentence(k - 1, v)
            && self.toks[k - 1].kind == Kind::Number
        {
            return Some(self.np(k - 1, k, NpKind::Role));
        }
        if capitalized(self.s, t) {
            let mut f = k;
            while f > 0
                && self.same_sentence(f - 1, v)
                && (capitalized(self.s, &self.toks[f - 1])
                    || matches!(self.word(f - 1).as_str(), "de" | "van" | "von" | "bin" | "al" | "of"))
                && self.toks[f - 1].kind == Kind::Word
            {
                f -= 1;
            }
            // Sentence-initial function words are not part of the name.
            while f < k && crate::lexicon::not_a_name(self.word(f).as_str()) {
                f += 1;
            }
            // "That", "After" alone, or a possessive ("Editor's note"), cannot be the one who speaks.
            let last = self.toks[k].text(self.s);
            if (f == k && crate::lexicon::not_a_name(self.word(k).as_str()))
                || last.ends_with("'s")
                || last.ends_with("’s")
            {
                return None;
            }
            return Some(self.np(f, k, NpKind::Name));
        }
        if t.kind == Kind::Word && ROLE_NOUNS.contains(&self.word(k).as_str()) {
            let mut f = k;
            let mut steps = 0;
            while f > 0
                && self.same_sentence(f - 1, v)
                && matches!(self.toks[f - 1].kind, Kind::Word | Kind::Number)
                && steps < 6
            {
                let w = self.word(f - 1);
                f -= 1;
                steps += 1;
                if DETERMINERS.contains(&w.as_str()) {
                    break;
                }
                if SPEECH_VERBS.contains(&w.as_str())
                    || matches!(w.as_str(), "and" | "or" | "but" | "that" | "who" | "which" | "as")
                {
                    f += 1;
                    break;
                }
            }
            return Some(self.np(f, k, NpKind::Role));
        }
        // "her adviser, Jake Sullivan, said": the name between the commas.
        if depth == 0
            && self.toks[k].text(self.s) == ","
            && k > 0
            && capitalized(self.s, &self.toks[k - 1])
            && let Some(np) = self
                .np_before(k, 1)
                .filter(|np| np.kind == NpKind::Name && np.first > 0 && self.toks[np.first - 1].text(self.s) == ",")
        {
            return Some(np);
        }
        // "Jason Sims — a teacher from Mount Pleasant — says": an appositive between dashes.
        if depth == 0 && matches!(self.toks[k].text(self.s), "—" | "–" | "--") {
            let open = (k.saturating_sub(15)..k)
                .rev()
                .find(|&x| matches!(self.toks[x].text(self.s), "—" | "–" | "--") && self.same_sentence(x, v))?;
            return self.np_before(open, 1).filter(|np| np.kind == NpKind::Name);
        }
        // "Peskov, the Kremlin spokesman, said": look past one appositive. A long one ("Alex Castellanos, a
        // veteran media consultant who earlier … had tried to organize a campaign, said") only when the name
        // opens the sentence.
        if depth == 0 && self.toks[k].text(self.s) == "," {
            let mut j = k;
            let mut n = 0;
            while j > 0 && n < 40 && self.same_sentence(j - 1, v) {
                j -= 1;
                n += 1;
                if self.toks[j].text(self.s) == "," {
                    // "An Israeli official, speaking on condition of anonymity, said", "One ad, which is airing,
                    // argues": a role or any short phrase that opens the sentence.
                    let opener = |f: usize| f == 0 || !self.same_sentence(f - 1, f);
                    let name = self.np_before(j, 1).or_else(|| {
                        let f = (j.saturating_sub(8)..j).find(|&f| opener(f) && self.same_sentence(f, j))?;
                        let relative = matches!(self.word(j + 1).as_str(), "which" | "who");
                        ((f..j).all(|x| matches!(self.toks[x].kind, Kind::Word | Kind::Number)) && relative)
                            .then(|| self.np(f, j - 1, NpKind::Role))
                    })?;
                    let opens = opener(name.first);
                    let ok = match name.kind {
                        NpKind::Name => n < 15 || opens,
                        NpKind::Role => opens,
                        NpKind::Pronoun => false,
                    };
                    return ok.then_some(name);
                }
            }
        }
        // "a White House official who spoke anonymously to discuss strategy said": the subject before a
        // restrictive relative clause, when it opens the sentence or follows a comma.
        if depth == 0 && t.kind == Kind::Word {
            let mut j = k;
            while j > 0 && k - j < 20 && self.same_sentence(j - 1, v) {
                j -= 1;
                if self.in_quote[j] || matches!(self.toks[j].text(self.s), "," | ";" | ":") {
                    break;
                }
                if self.word(j) == "who" {
                    let np = self.np_before(j, 1).filter(|np| np.kind != NpKind::Pronoun)?;
                    let mut f = np.first;
                    while f > 0 && self.same_sentence(f - 1, v) && DETERMINERS.contains(&self.word(f - 1).as_str()) {
                        f -= 1;
                    }
                    let boundary = f == 0
                        || !self.same_sentence(f - 1, f)
                        || matches!(self.toks[f - 1].text(self.s), "," | ";" | ":");
                    return boundary.then_some(np);
                }
            }
        }
        None
    }

    /// The speaker noun phrase starting at token `k` ("Ushakov", "he", "the spokesman", "Kremlin spokesman Dmitry Peskov").
    fn np_at(&self, k: usize) -> Option<Np> {
        let np = self.np_at_plain(k)?;
        // "the crowd's leader, Anton Bilyk": a role phrase followed by the name in apposition.
        if np.kind == NpKind::Role
            && self.toks.get(np.last + 1).is_some_and(|t| t.text(self.s) == ",")
            && let Some(name) = self.np_at_plain(np.last + 2).filter(|n| n.kind == NpKind::Name)
        {
            return Some(name);
        }
        Some(np)
    }

    fn np_at_plain(&self, k: usize) -> Option<Np> {
        let t = self.toks.get(k)?;
        if is_pronoun(self.s, t) {
            return Some(self.np(k, k, NpKind::Pronoun));
        }
        // "In", "But", "Since Clinton": a function word capitalised at a sentence start is not a name.
        // ("Republican candidate Donald Trump" keeps its adjective: a role noun follows it.)
        if capitalized(self.s, t)
            && crate::lexicon::not_a_name(self.word(k).as_str())
            && !ROLE_NOUNS.contains(&self.word(k + 1).as_str())
        {
            return self
                .toks
                .get(k + 1)
                .filter(|n| self.same_sentence(k + 1, k) && capitalized(self.s, n))
                .and_then(|_| self.np_at_plain(k + 1));
        }
        if capitalized(self.s, t) {
            let mut l = k;
            while l + 1 < self.toks.len()
                && self.same_sentence(l + 1, k)
                && self.toks[l + 1].kind == Kind::Word
                && (capitalized(self.s, &self.toks[l + 1]) || ROLE_NOUNS.contains(&self.word(l + 1).as_str()))
                && !self.toks[l].text(self.s).ends_with("'s")
            {
                l += 1;
            }
            return Some(self.np(k, l, NpKind::Name));
        }
        // Lowercase words and then a name: "negotiator Petra Lind", "the regional governor Serhiy Lysak",
        // "aid worker Lena Fox". The mention runs to the end of the name.
        let mut j = k;
        while j < self.toks.len()
            && j < k + 5
            && self.same_sentence(j, k)
            && self.toks[j].kind == Kind::Word
            && !capitalized(self.s, &self.toks[j])
        {
            let w = self.word(j);
            if SPEECH_VERBS.contains(&w.as_str())
                || AUX.contains(&w.as_str())
                || matches!(
                    w.as_str(),
                    "that"
                        | "who"
                        | "in"
                        | "on"
                        | "at"
                        | "to"
                        | "of"
                        | "for"
                        | "and"
                        | "but"
                        | "by"
                        | "with"
                        | "from"
                        | "about"
                        | "as"
                )
            {
                break;
            }
            j += 1;
        }
        if j > k
            && j < self.toks.len()
            && self.same_sentence(j, k)
            && capitalized(self.s, &self.toks[j])
            && let Some(name) = self.np_at_plain(j).filter(|n| n.kind == NpKind::Name)
        {
            return Some(self.np(k, name.last, NpKind::Name));
        }
        let w = self.word(k);
        if DETERMINERS.contains(&w.as_str()) || ROLE_NOUNS.contains(&w.as_str()) {
            let mut l = k;
            let mut steps = 0;
            while l + 1 < self.toks.len()
                && self.same_sentence(l + 1, k)
                && self.toks[l + 1].kind == Kind::Word
                && steps < 6
            {
                let nw = self.word(l + 1);
                if SPEECH_VERBS.contains(&nw.as_str())
                    || AUX.contains(&nw.as_str())
                    || matches!(nw.as_str(), "that" | "who" | "in" | "on" | "at" | "to" | "of" | "for")
                {
                    break;
                }
                l += 1;
                steps += 1;
                let head = nw.trim_end_matches("'s").trim_end_matches("’s");
                let next_is_role = self
                    .toks
                    .get(l + 1)
                    .is_some_and(|t| t.kind == Kind::Word && ROLE_NOUNS.contains(&self.word(l + 1).as_str()));
                if ROLE_NOUNS.contains(&head) && !next_is_role {
                    return Some(self.np(k, l, NpKind::Role));
                }
            }
            if ROLE_NOUNS.contains(&w.as_str()) {
                return Some(self.np(k, k, NpKind::Role));
            }
        }
        None
    }

    /// Any short noun phrase at `k` up to punctuation: "a CNN tally", "a court document filed by X".
    fn phrase_at(&self, k: usize) -> Option<Np> {
        let mut l = k;
        while l + 1 < self.toks.len()
            && self.same_sentence(l + 1, k)
            && matches!(self.toks[l + 1].kind, Kind::Word | Kind::Number)
            && l - k < 8
        {
            l += 1;
        }
        (k < self.toks.len() && matches!(self.toks[k].kind, Kind::Word | Kind::Number))
            .then(|| self.np(k, l, NpKind::Role))
    }

    /// The speech verb and speaker right after a closing quotation mark: `,” said X` or `,” X said`.
    /// `“We’re extremely happy” about the decision, said X`: words after the closing mark, then a comma
    /// and the attribution. Returns the attribution and the last token of the content (before the comma).
    fn attribution_after_tail(&self, close: usize) -> Option<(usize, Np, usize)> {
        let first = close + 1;
        if self.toks.get(first).is_none_or(|t| t.kind != Kind::Word) {
            return None;
        }
        let mut k = first;
        while k < self.toks.len()
            && k < first + 15
            && self.same_sentence(k, close)
            && self.toks[k].kind != Kind::QuoteMark
        {
            if self.toks[k].text(self.s) == "," {
                let (v, np) = self.attribution_after(k - 1).filter(|&(v, _)| v > k)?;
                return Some((v, np, k - 1));
            }
            k += 1;
        }
        None
    }

    fn attribution_after(&self, close: usize) -> Option<(usize, Np)> {
        // `“… discourse.” He writes that …`: a quotation that ends its sentence with a full stop, then a capitalised word, is
        // followed by a new sentence, not by its attribution.
        // (An exclamation or a question may be followed by its speaker: `“Too forced?” He tweeted`.)
        let ends_sentence = close > 0 && self.toks[close - 1].text(self.s) == ".";
        if ends_sentence && self.toks.get(close + 1).is_some_and(|t| capitalized(self.s, t)) {
            return None;
        }
        let mut k = close + 1;
        while k < self.toks.len() && matches!(self.toks[k].text(self.s), "," | "—" | "–") {
            k += 1;
        }
        let t = self.toks.get(k)?;
        if t.kind == Kind::Break {
            return None;
        }
        // (`“…,” noting the risks`: a participle continues the sentence; its speaker is not after it.)
        if self.speech_after(k) && !self.word(k).ends_with("ing") {
            // "said master of ceremonies Asab Al-Tabchi", "said one party activist": any short phrase that
            // ends the clause.
            let np = self.np_at(k + 1).or_else(|| {
                let p = self.phrase_at(k + 1)?;
                let ends = self
                    .toks
                    .get(p.last + 1)
                    .is_none_or(|t| matches!(t.text(self.s), "," | "." | ")" | ";") || t.kind == Kind::Break);
                let first = self.word(k + 1);
                if !ends
                    || matches!(
                        first.as_str(),
                        "in" | "on" | "at" | "to" | "that" | "during" | "after" | "before"
                    )
                {
                    return None;
                }
                // A name that ends the phrase is the mention: "master of ceremonies Asab Al-Tabchi".
                let mut c = p.last + 1;
                while c > p.first && capitalized(self.s, &self.toks[c - 1]) {
                    c -= 1;
                }
                Some(if c <= p.last && c > p.first {
                    self.np(c, p.last, NpKind::Name)
                } else {
                    p
                })
            })?;
            return Some((k, np));
        }
        // "…," a young woman exclaimed: a short lowercase phrase right before the verb.
        let np = match self.np_at(k) {
            Some(np) => np,
            None => {
                if !DETERMINERS.contains(&self.word(k).as_str()) {
                    return None;
                }
                let x = (k..(k + 5).min(self.toks.len()))
                    .take_while(|&x| self.toks[x].kind == Kind::Word && !capitalized(self.s, &self.toks[x]))
                    .find(|&x| x > k && self.speech_after(x))?;
                return Some((x, self.np(k, x - 1, NpKind::Role)));
            }
        };
        let mut v = np.last + 1;
        while v < self.toks.len()
            && self.toks[v].kind == Kind::Word
            && AUX.contains(&self.word(v).as_str())
            && !self.speech_after(v)
        {
            v += 1;
        }
        // "…," Trump told reporters: the verb may follow auxiliaries.
        if v < self.toks.len() && self.speech_after(v) {
            return Some((v, np));
        }
        // A longer speaker phrase before the verb: "White House press secretary Josh Earnest said",
        // "Sen. Marco Rubio (R-Fla.) said", "Trump, the 2016 GOP frontrunner …, said", "Braynard is quoted
        // as saying". The mention is the name the phrase starts with.
        // ("…,” an intelligence source, who was not authorized to speak, told Fox News": a role with an aside.)
        let role_aside = np.kind == NpKind::Role && self.toks.get(np.last + 1).is_some_and(|t| t.text(self.s) == ",");
        if np.kind == NpKind::Name || role_aside {
            let mut x = np.last + 1;
            while x < self.toks.len()
                && x <= np.last + 30
                && self.same_sentence(x, k)
                && self.toks[x].kind != Kind::QuoteMark
            {
                if is_speech(self.s, &self.toks[x]) {
                    return Some((x, np));
                }
                x += 1;
            }
        }
        None
    }

    /// `…,”`: token `k` closes a quotation right after a comma inside it (American punctuation), so the comma
    /// ends the clause around the quotation too.
    fn closes_after_comma(&self, k: usize) -> bool {
        k > 0
            && self.toks.get(k).is_some_and(|t| t.kind == Kind::QuoteMark)
            && !self.in_quote[k]
            && self.in_quote[k - 1]
            && self.toks[k - 1].text(self.s) == ","
    }

    /// A verb that attributes the quotation it follows: the verbs of saying, and verbs that only do so right
    /// after a quote (`“…,” she posted.`, `“…,” read one sign.`).
    fn speech_after(&self, k: usize) -> bool {
        is_speech(self.s, &self.toks[k])
            || (matches!(
                self.word(k).as_str(),
                "posted"
                    | "read"
                    | "reads"
                    | "wondered"
                    | "laughed"
                    | "pressed"
                    | "interjected"
                    | "offered"
                    | "agreed"
                    | "echoed"
                    | "chimed"
                    | "demurred"
                    | "scoffed"
            ) && !capitalized(self.s, &self.toks[k]))
    }

    /// The speech verb and speaker right before an opening mark: `X said: “…”`, `X told reporters, “…”`.
    fn attribution_before(&self, open: usize) -> Option<(usize, Np)> {
        let mut k = open.checked_sub(1)?;
        // "Reporter Jomana Karadsheh says:" at the end of the previous paragraph.
        if self.toks[k].kind == Kind::Break {
            k = k.checked_sub(1)?;
            if self.toks[k].text(self.s) != ":" {
                return None;
            }
        }
        // "Clinton: “Our goal …”": a name, a colon and the quote.
        if self.toks[k].text(self.s) == ":"
            && k > 0
            && capitalized(self.s, &self.toks[k - 1])
            && let Some(np) = self.np_before(k, 1).filter(|np| {
                np.kind == NpKind::Name
                    && (np.first == 0
                        || !self.same_sentence(np.first - 1, np.first)
                        || matches!(
                            self.toks[np.first - 1].kind,
                            Kind::Break | Kind::Punct | Kind::QuoteMark
                        )
                        // "… surprise Republican pollster Daron Shaw: “…”": a role noun before the name.
                        || ROLE_NOUNS.contains(&self.word(np.first - 1).as_str()))
            })
        {
            return Some((k, np));
        }
        if matches!(self.toks[k].text(self.s), ":" | ",") {
            k = k.checked_sub(1)?;
        }
        // "told reporters", "told CNN", "said in a statement"
        let mut v = k;
        let mut steps = 0;
        while steps < 4 && !is_speech(self.s, &self.toks[v]) {
            let Some(prev) = v.checked_sub(1).filter(|&p| self.toks[p].kind == Kind::Word) else {
                break;
            };
            v = prev;
            steps += 1;
        }
        // "said in an op-ed piece before a 2014 Senate hearing, “…”": a longer adjunct that opens with a
        // preposition right after the verb.
        // "told the Washington Post in a written statement, “…”": an object and an adjunct, when a name or a
        // pronoun is the subject.
        if !is_speech(self.s, &self.toks[v]) {
            v = (k.saturating_sub(16)..k)
                .rev()
                .find(|&x| {
                    self.same_sentence(x, k)
                        && !self.in_quote[x]
                        && is_speech(self.s, &self.toks[x])
                        && (x + 1..k).all(|y| !matches!(self.toks[y].text(self.s), "," | ";" | ":") || y + 1 == k)
                        && (ADJUNCT_OPENERS.contains(&self.word(x + 1).as_str())
                            || (self.told_object(x)
                                && matches!(self.toks[open - 1].text(self.s), "," | ":")
                                && self
                                    .np_before(x, 0)
                                    .is_some_and(|np| matches!(np.kind, NpKind::Name | NpKind::Pronoun))))
                })
                .or_else(|| {
                    // "announced on her Facebook page, in all capital letters, “…”", "said in the spring, when the story
                    // broke, “…”": an adjunct with commas, from a name or pronoun.
                    (k.saturating_sub(24)..k).rev().find(|&x| {
                        self.same_sentence(x, k)
                            && !self.in_quote[x]
                            && is_speech(self.s, &self.toks[x])
                            && self.toks[open - 1].text(self.s) == ","
                            && ADJUNCT_OPENERS.contains(&self.word(x + 1).as_str())
                            && (x + 1..k).all(|y| {
                                !matches!(self.toks[y].text(self.s), ";" | ":")
                                    && self.toks[y].kind != Kind::QuoteMark
                                    && self.word(y) != "that"
                                    && !is_speech(self.s, &self.toks[y])
                            })
                            && self
                                .np_before(x, 0)
                                .is_some_and(|np| matches!(np.kind, NpKind::Name | NpKind::Pronoun))
                    })
                })?;
        }
        if !is_speech(self.s, &self.toks[v]) {
            return None;
        }
        // "told reporters that Russia “…”" is an indirect statement with a quoted fragment: mixed.
        if (v + 1..open).any(|k| self.word(k) == "that") {
            return None;
        }
        let np = self.np_before(v, 0).or_else(|| self.phrase_before(v))?;
        Some((v, np))
    }

    /// "told reporters", "told the Washington Post", "told CNN": a verb of telling and its addressee.
    fn told_object(&self, v: usize) -> bool {
        if !matches!(self.word(v).as_str(), "told" | "tells" | "tell") {
            return false;
        }
        let o = if matches!(self.word(v + 1).as_str(), "the" | "a") {
            v + 2
        } else {
            v + 1
        };
        self.toks.get(o).is_some_and(|t| capitalized(self.s, t))
            || matches!(
                self.word(v + 1).as_str(),
                "reporters" | "journalists" | "me" | "us" | "him" | "her" | "them" | "supporters" | "voters"
            )
    }

    /// A short lowercase phrase right before the verb, from a clause opening: "As one employee told …".
    fn phrase_before(&self, v: usize) -> Option<Np> {
        let mut last = v.checked_sub(1)?;
        // "Leaders of the organization have said": past the auxiliaries.
        while last > 0 && self.same_sentence(last - 1, v) && {
            let w = self.word(last);
            AUX.contains(&w.as_str())
                || matches!(w.as_str(), "always" | "also" | "still" | "never" | "now" | "often")
                || (w.ends_with("ly") && w.len() > 4)
        } {
            last -= 1;
        }
        let t = &self.toks[last];
        if t.kind != Kind::Word || !self.same_sentence(last, v) || AUX.contains(&self.word(last).as_str()) {
            return None;
        }
        let mut f = last;
        while f > 0
            && last - f < 7
            && self.same_sentence(f - 1, v)
            && matches!(self.toks[f - 1].kind, Kind::Word | Kind::Number)
            && !self.in_quote[f - 1]
            && !matches!(
                self.word(f - 1).as_str(),
                "as" | "and" | "but" | "that" | "while" | "when" | "because" | "if" | "so" | "or"
            )
        {
            f -= 1;
        }
        let opens = f == 0
            || !self.same_sentence(f - 1, f)
            || matches!(self.toks[f - 1].text(self.s), "," | ";" | "(")
            || matches!(self.word(f - 1).as_str(), "as" | "and" | "but" | "while");
        // Only the plain verbs of saying, which are not also nouns or adjectives ("six states", "his
        // comments", "pledged delegates", "an estimated 11 million"), and a phrase that can be a subject: not
        // "That said", "In both states", "the".
        let verb_ok = matches!(
            self.word(v).as_str(),
            "said"
                | "says"
                | "say"
                | "told"
                | "tells"
                | "tell"
                | "wrote"
                | "writes"
                | "added"
                | "argued"
                | "argues"
                | "argue"
                | "noted"
                | "insisted"
                | "explained"
                | "warned"
                | "acknowledged"
                | "predicted"
                | "believe"
                | "believes"
                | "suggest"
                | "suggests"
                | "suggested"
                | "notes"
                | "concluded"
                | "concludes"
                | "announced"
                | "declared"
                | "stated"
                | "tweeted"
                | "urged"
                | "promised"
                | "pledged"
                | "vowed"
                | "asked"
                | "insists"
                | "warns"
                | "explains"
                | "admitted"
                | "conceded"
                | "recalled"
                | "replied"
                | "responded"
                | "described"
                | "claimed"
        );
        let first = self.word(f);
        let last_word = self.word(last);
        let subject_ok = !matches!(
            first.as_str(),
            "in" | "on"
                | "at"
                | "among"
                | "of"
                | "for"
                | "with"
                | "from"
                | "by"
                | "to"
                | "after"
                | "before"
                | "that"
                | "though"
                | "although"
                | "despite"
                | "including"
                | "if"
                | "when"
        ) && !DETERMINERS.contains(&last_word.as_str())
            && !matches!(
                last_word.as_str(),
                "that" | "this" | "it" | "which" | "who" | "and" | "but" | "or" | "as" | "while" | "so" | "because"
            );
        (opens && verb_ok && subject_ok).then(|| self.np(f, last, NpKind::Role))
    }
}

const NAMED_IN_QUOTES: &str = "named it in quotation marks";
const CREDITED_IN_BRACKETS: &str = "a source credited in brackets";
const SIGNED_WITH_A_DASH: &str = "a dash and a name sign the quotation";

/// Finds direct, indirect and mixed quotes. `sentences` are token ranges [first, last).
pub fn find(s: &str, toks: &[Token], sentences: &[(usize, usize)]) -> Vec<RawQuote> {
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
    let mut marks = pair_marks(s, toks);
    let mut in_quote = vec![false; toks.len()];
    for m in &marks {
        for x in in_quote.iter_mut().take(m.close).skip(m.open + 1) {
            *x = true;
        }
    }
    let ctx = Ctx {
        s,
        toks,
        sent_of: &sent_of,
        in_quote: in_quote.clone(),
    };
    let mut out: Vec<RawQuote> = Vec::new();
    let mut cue_used = vec![false; toks.len()];
    // Paragraph number of every token, computed once.
    let mut para: Vec<usize> = Vec::with_capacity(toks.len());
    let mut p = 0usize;
    for t in toks {
        if t.kind == Kind::Break {
            p += 1;
        }
        para.push(p);
    }
    let paragraph_of = |tok: usize| para[tok.min(para.len().saturating_sub(1))];

    // Direct quotes.
    let mut i = 0;
    while i < marks.len() {
        if marks[i].used {
            i += 1;
            continue;
        }
        let m = marks[i].clone();
        // `on ABC's "This Week With George Stephanopoulos"`: a title after a possessive or a preposition.
        if is_title(s, toks, &m) {
            marks[i].used = true;
            i += 1;
            continue;
        }
        let words = m
            .pieces
            .iter()
            .map(|(a, b)| s[*a..*b].split_whitespace().count())
            .sum::<usize>();
        // `a man yelled “Stay there!”`: a short exclamation right after the verb is a quote too.
        let exclamation = m.close > 0
            && matches!(toks[m.close - 1].text(s), "!" | "?" | ".")
            && (m.close + 1 >= toks.len()
                || !ctx.same_sentence(m.close + 1, m.open)
                || toks[m.close + 1].kind == Kind::Break);
        let short_ok = |v: usize| {
            // ("responds enthusiastically: “Okay!”": an adverb may come between.)
            let v = if ctx.word(v + 1).ends_with("ly") && v + 1 < m.open {
                v + 1
            } else {
                v
            };
            exclamation && (v + 1 == m.open || (v + 2 == m.open && matches!(toks[v + 1].text(s), "," | ":")))
        };
        let mut found = ctx
            .attribution_after(m.close)
            .map(|x| (x, "cue and speaker after the quote"))
            .or_else(|| {
                ctx.attribution_before(m.open)
                    .filter(|&(v, _)| words >= 4 || short_ok(v))
                    .map(|x| (x, "speaker and cue before the quote"))
            });
        // "Politico reveals a few relevant facts: “…”": a long quotation after a colon belongs to the name or
        // pronoun that opens the sentence.
        // (The colon may end the previous paragraph: "Cruz continued:" and the quotation below it.)
        let colon_at = if m.open > 1 && toks[m.open - 1].text(s) == ":" {
            Some(m.open - 1)
        } else if m.open > 2 && toks[m.open - 1].kind == Kind::Break && toks[m.open - 2].text(s) == ":" {
            Some(m.open - 2)
        } else {
            None
        };
        if found.is_none()
            && words >= 6
            && let Some(colon) = colon_at
        {
            let start = sentences_start(&sent_of, colon);
            // "He adds that American Muslims have two choices: “…”": a reported clause before the colon takes the
            // quotation into it (the indirect pass reads it as mixed).
            let reported = (start..colon).any(|x| {
                !in_quote[x]
                    && is_speech(s, &toks[x])
                    && (ctx.word(x + 1) == "that" || toks.get(x + 1).is_some_and(|t| is_pronoun(s, t)))
            });
            if !reported
                && let Some(np) = ctx
                    .np_at(start)
                    .filter(|np| matches!(np.kind, NpKind::Name | NpKind::Pronoun) && np.last + 1 < colon)
            {
                found = Some(((colon, np), "subject, then a colon and the quote"));
            } else if let Some(np) = Some(colon - 1)
                // "…, he demurred: “…”": a name or pronoun and a verb in the past tense right before the colon.
                .filter(|&v| {
                    let w = ctx.word(v);
                    toks[v].kind == Kind::Word
                        && !capitalized(s, &toks[v])
                        && !in_quote[v]
                        && (w.ends_with("ed") || is_speech(s, &toks[v]))
                })
                .and_then(|v| ctx.np_before(v, 1))
                .filter(|np| matches!(np.kind, NpKind::Name | NpKind::Pronoun) && np.last + 2 == colon)
            {
                found = Some(((colon, np), "subject and verb, then a colon and the quote"));
            }
        }
        // "She called his executive actions “a crucial step forward.”": the words someone used to name a thing.
        if found.is_none()
            && words >= 3
            && let Some(v) = (m.open.saturating_sub(6)..m.open).rev().find(|&x| {
                ctx.same_sentence(x, m.open)
                    && !in_quote[x]
                    && matches!(
                        ctx.word(x).as_str(),
                        "called" | "calling" | "calls" | "labeled" | "labeling" | "labelled" | "dubbed" | "branded"
                    )
            })
            && (v + 1..m.open).all(|x| toks[x].kind == Kind::Word && !in_quote[x])
            && let Some(np) = ctx
                .np_before(v, 0)
                .filter(|np| matches!(np.kind, NpKind::Name | NpKind::Pronoun))
        {
            found = Some(((v, np), NAMED_IN_QUOTES));
        }
        // "Bystrom agreed. “…”", "More from the report: “…”": a short sentence that only names who speaks, right
        // before the quotation in the same paragraph.
        if found.is_none() && words >= 4 && m.open > 2 {
            let p = m.open - 1;
            if matches!(toks[p].text(s), "." | ":") && !in_quote[p] {
                let start = sentences_start(&sent_of, p);
                let verb = p - 1;
                let short = p - start <= 6;
                if short
                    && toks[p].text(s) == "."
                    && ctx.speech_after(verb)
                    && let Some(np) = ctx
                        .np_before(verb, 1)
                        .filter(|np| np.kind == NpKind::Name && (start..np.first).all(|x| capitalized(s, &toks[x])))
                {
                    found = Some(((verb, np), "a sentence names the speaker, then the quote"));
                } else if toks[p].text(s) == ":"
                    && let Some(from) = (p.saturating_sub(6)..p)
                        .rev()
                        .find(|&x| ctx.word(x) == "from" && ctx.same_sentence(x, p))
                    && let Some(np) = ctx.np_at(from + 1).filter(|np| np.last + 1 == p)
                {
                    found = Some(((from, np), "from a source, a colon and the quote"));
                }
            }
        }
        // A source credited in brackets after the quotation ends its paragraph: `“…” [AP.]`, `“…” [HuffPost.]`.
        if found.is_none()
            && words >= 4
            && toks.get(m.close + 1).is_some_and(|t| t.text(s) == "[")
            && toks.get(m.close + 2).is_some_and(|t| capitalized(s, t))
        {
            let first = m.close + 2;
            // (Only a name of up to four words counts: the run is not followed further.)
            let last = ctx.name_run_end(first, toks.len().min(first + 5));
            let mut e = last + 1;
            if toks.get(e).is_some_and(|t| t.text(s) == ".") {
                e += 1;
            }
            if last - first < 4
                && toks.get(e).is_some_and(|t| t.text(s) == "]")
                && toks.get(e + 1).is_none_or(|t| t.kind == Kind::Break)
            {
                found = Some(((m.close + 1, ctx.np(first, last, NpKind::Name)), CREDITED_IN_BRACKETS));
            }
        }
        // A quotation paragraph signed on the next line: `"…"` then `- Bernie Sanders.` (fact checks, transcripts).
        if found.is_none()
            && toks.get(m.close + 1).is_some_and(|t| t.kind == Kind::Break)
            && toks
                .get(m.close + 2)
                .is_some_and(|t| matches!(t.text(s), "-" | "—" | "–"))
            && toks.get(m.close + 3).is_some_and(|t| capitalized(s, t))
            && (m.open == 0 || toks[m.open - 1].kind == Kind::Break)
        {
            let first = m.close + 3;
            let last = ctx.name_run_end(first, toks.len().min(first + 5));
            let ends = toks.get(last + 1).is_none_or(|t| {
                t.kind == Kind::Break || (t.text(s) == "." && toks.get(last + 2).is_none_or(|n| n.kind == Kind::Break))
            });
            if ends && last - first < 4 {
                found = Some(((m.close + 2, ctx.np(first, last, NpKind::Name)), SIGNED_WITH_A_DASH));
            }
        }
        // “Q” about the decision, said X: the words after the mark belong to the content (mixed).
        let mut tail_end = None;
        if found.is_none()
            && let Some((v, np, last)) = ctx.attribution_after_tail(m.close)
        {
            found = Some(((v, np), "quote and words, then cue and speaker"));
            tail_end = Some(last);
        }
        // The content keeps its quotation marks (as annotators mark it), one span per quoted piece.
        let mut spans = with_marks(toks, &m);
        if let (Some(last), Some(piece)) = (tail_end, spans.last_mut()) {
            piece.1 = toks[last].end;
        }
        // "…,” said X, “…”  and  "…,” X said. “…”: the next quoted piece continues this quote.
        if let Some(((v, np), why)) = found
            && v > m.close
        {
            let mut k = np.last.max(v) + 1;
            while k < toks.len() && toks[k].kind == Kind::Word && AUX.contains(&ctx.word(k).as_str()) {
                k += 1;
            }
            // Skip an adjunct up to the clause end: "Clinton said on Thursday during a speech …."
            let mut e = k;
            while e < toks.len()
                && e < k + 40
                && toks[e].kind != Kind::Break
                && !(toks[e].kind == Kind::QuoteMark && marks.get(i + 1).is_some_and(|n| n.open == e))
                && (in_quote[e] || !matches!(toks[e].text(s), "." | ";" | "!" | "?"))
            {
                if toks[e].text(s) == "," && marks.get(i + 1).is_some_and(|n| n.open == e + 1) {
                    break;
                }
                e += 1;
            }
            let follows = |at: usize| {
                marks
                    .get(i + 1)
                    .is_some_and(|n| n.open == at && !n.used && ctx.attribution_after(n.close).is_none())
            };
            // "…,” Christie said, adding that he had fought for bills. “…”: a second verb of saying carries its own
            // statement, and the next quote belongs to it, not to this one.
            let second_cue = (k..e.min(toks.len())).any(|x| !in_quote[x] && is_speech(s, &toks[x]));
            if e < toks.len() && matches!(toks[e].text(s), "," | ".") && follows(e + 1) && !second_cue {
                spans.extend(with_marks(toks, &marks[i + 1]));
                marks[i + 1].used = true;
            }
            found = Some(((v, np), why));
        }
        // A short quoted fragment inside a sentence ("called it the “silver standard,” she said") is not a
        // direct quote; the indirect pass may take the whole statement as a mixed one.
        let sentence_initial =
            m.open == 0 || !ctx.same_sentence(m.open - 1, m.open) || matches!(toks[m.open - 1].text(s), ":" | "—");
        if words < 4 && !sentence_initial && !found.is_some_and(|((v, _), _)| v < m.open && short_ok(v)) {
            found = None;
        }
        // A quotation that does not open its sentence is part of a larger statement: the words that lead up to
        // it belong to the content (mixed), from the sentence start or from just after the verb of saying.
        let mut mixed_lead = false;
        if let Some(((v, _), why)) = found
            && !sentence_initial
            && let Some(first) = spans.first_mut()
        {
            let lead_start = if matches!(why, NAMED_IN_QUOTES | CREDITED_IN_BRACKETS | SIGNED_WITH_A_DASH) {
                // The thing named is not part of the words used.
                m.open
            } else if v > m.close {
                let start = sentences_start(&sent_of, m.open);
                // "Later, “…,” the spokesman said": a short adverbial and a comma do not make it mixed.
                let lead_words = (start..m.open).filter(|&k| toks[k].kind == Kind::Word).count();
                // "Biden weighed in, telling Mic in an interview, “…,” he said": a lead with its own verb of saying
                // introduces the quote; it is not part of it.
                let lead_cue = (start..m.open).any(|k| !in_quote[k] && is_speech(s, &toks[k]));
                if m.open > 0 && toks[m.open - 1].text(s) == "," && (lead_words <= 3 || lead_cue) {
                    m.open
                } else {
                    start
                }
            } else if (m.open > 0 && matches!(toks[m.open - 1].text(s), "," | ":"))
                || crate::lexicon::TIME_WORDS.contains(&ctx.word(v + 1).as_str())
                || ADJUNCT_OPENERS.contains(&ctx.word(v + 1).as_str())
            {
                // "said Wednesday, “…”", "acknowledged in an MSNBC forum Monday night “…”": the words between the
                // verb and the quotation are an adjunct, not content.
                m.open
            } else {
                let mut c = v + 1;
                while c < m.open && matches!(toks[c].text(s), "," | ":" | "—") {
                    c += 1;
                }
                c
            };
            if lead_start < m.open {
                first.0 = toks[lead_start].start;
                mixed_lead = true;
                // Quotation marks inside the lead belong to this statement now.
                let from = marks[..i].partition_point(|n| n.open < lead_start);
                for n in &mut marks[from..i] {
                    n.used = true;
                }
            }
        }
        // `Trump says “the whole game has become screwed up” because …`: after a verb of saying, a sentence that
        // goes on past the closing mark is one statement (mixed) up to its end; later quoted pieces join it.
        let mut mixed_tail = false;
        if let Some(((v, _), _)) = found
            && v < m.open
            && toks.get(m.close + 1).is_some_and(|t| t.kind == Kind::Word)
            && ctx.same_sentence(m.close + 1, m.close)
        {
            let mut e = m.close + 1;
            while e + 1 < toks.len()
                && ctx.same_sentence(e + 1, m.close)
                && (in_quote[e + 1] || !matches!(toks[e + 1].text(s), "." | ";" | "!" | "?"))
            {
                e += 1;
            }
            // It ends before an aside on the whole statement: `…,” referring to the convention`, `…, a swipe at X`.
            if let Some(x) = (m.close..e).find(|&x| {
                let comma = toks[x].text(s) == "," || ctx.closes_after_comma(x);
                let next = ctx.word(x + 1);
                comma
                    && !in_quote[x]
                    && (matches!(next.as_str(), "a" | "an" | "who" | "which")
                        || (next.ends_with("ing")
                            && next.len() > 5
                            && !crate::lexicon::ING_PREPOSITIONS.contains(&next.as_str())))
            }) {
                e = x;
            }
            // An attribution of its own ends it: `…” and await results, he said.`
            // (Only a verb with a speaker right before it, or ", said X"; "if he continues to lose" or "without
            // reporters asking him" are part of the statement.)
            let own_cue = (m.close + 1..=e).any(|x| {
                !in_quote[x]
                    && is_speech(s, &toks[x])
                    && x > 0
                    && (toks[x - 1].text(s) == ","
                        || (capitalized(s, &toks[x - 1]) && toks[x - 1].kind == Kind::Word)
                        || (is_pronoun(s, &toks[x - 1]) && x >= 2 && toks[x - 2].text(s) == ","))
            });
            if !own_cue && e > m.close {
                if toks[e].text(s) == "," {
                    e -= 1;
                }
                if let Some(last) = spans.last_mut() {
                    last.1 = toks[e].end;
                }
                for n in marks[i + 1..]
                    .iter_mut()
                    .take_while(|n| n.open <= e)
                    .filter(|n| n.open > m.close && n.close <= e)
                {
                    n.used = true;
                }
                mixed_tail = true;
            }
        }
        match found {
            Some(((v, np), why)) => {
                cue_used[v] = true;
                // "said that “…”": a quote inside a that-clause is mixed, handled with the indirect ones.
                let that_before = m.open > 0 && ctx.word(m.open - 1) == "that";
                if !that_before || words >= 4 {
                    marks[i].used = true;
                    out.push(RawQuote {
                        kind: if tail_end.is_some() || mixed_lead || mixed_tail {
                            QuoteKind::Mixed
                        } else {
                            QuoteKind::Direct
                        },
                        spans,
                        cue: Some(v),
                        speaker: Some(np),
                        inherited: false,
                        sentence: sent_of[m.open.min(toks.len() - 1)],
                        evidence: why,
                    });
                }
            }
            None => {
                // Left for the continuation pass below, once indirect quotes are known too.
            }
        }
        i += 1;
    }

    // Indirect and mixed quotes, sentence by sentence.
    // Whether a span overlaps a direct quote's piece (the direct quotes are all known by now): the pieces in
    // order of their start, with the furthest end reached so far.
    let mut direct_pieces: Vec<(usize, usize)> = out
        .iter()
        .filter(|q| q.kind == QuoteKind::Direct)
        .flat_map(|q| q.spans.iter().copied())
        .collect();
    direct_pieces.sort_unstable();
    let mut reach = 0;
    let direct_reach: Vec<usize> = direct_pieces
        .iter()
        .map(|&(_, y)| {
            reach = reach.max(y);
            reach
        })
        .collect();
    let inside_direct = |a: usize, b: usize, _: &[RawQuote]| {
        let p = direct_pieces.partition_point(|&(x, _)| x < b);
        p > 0 && direct_reach[p - 1] > a
    };
    // "Lynch: No outside influence on FBI probe", "RAMOS: Secretary Clinton, …": a name and a colon that open a
    // line attribute the rest of the line to the name (headlines, interview transcripts).
    let mut line_taken = vec![false; toks.len()];
    for p in 0..toks.len() {
        if !(p == 0 || toks[p - 1].kind == Kind::Break) {
            continue;
        }
        let mut k = p;
        while k < toks.len() && k < p + 4 && toks[k].kind == Kind::Word && capitalized(s, &toks[k]) {
            k += 1;
        }
        if k == p || toks.get(k).is_none_or(|t| t.text(s) != ":") {
            continue;
        }
        let not_a_speaker = (p..k).any(|x| {
            let w = ctx.word(x);
            let raw = toks[x].text(s);
            raw.ends_with("'s")
                || raw.ends_with("’s")
                || crate::lexicon::not_a_name(w.as_str())
                || crate::lexicon::TIME_WORDS.contains(&w.as_str())
                || matches!(
                    w.as_str(),
                    "note"
                        | "update"
                        | "updated"
                        | "related"
                        | "photo"
                        | "photos"
                        | "read"
                        | "watch"
                        | "source"
                        | "sources"
                        | "correction"
                        | "video"
                        | "image"
                        | "see"
                        | "tags"
                        | "posted"
                        | "filed"
                        | "advertisement"
                        | "listen"
                        | "caption"
                        | "credit"
                        | "q"
                        | "a"
                        | "breaking"
                        | "revealed"
                        | "wow"
                        | "boom"
                        | "look"
                        | "bombshell"
                        | "exclusive"
                        | "contributing"
                        | "paid"
                        | "notice"
                        | "opinion"
                        | "analysis"
                        | "live"
                )
        });
        let e = (k + 1..toks.len())
            .find(|&x| toks[x].kind == Kind::Break)
            .unwrap_or(toks.len());
        // A statement has a few words and some lowercase ones: not "Now or never.", not a list of names.
        let words = (k + 1..e).filter(|&x| toks[x].kind == Kind::Word).count();
        let lowercase = (k + 1..e)
            .filter(|&x| toks[x].kind == Kind::Word && !capitalized(s, &toks[x]))
            .count();
        if not_a_speaker || words < 5 || lowercase < 2 || toks[k + 1].kind == Kind::QuoteMark {
            continue;
        }
        let span = (toks[k + 1].start, toks[e - 1].end);
        if inside_direct(span.0, span.1, &out) {
            continue;
        }
        let mut q = RawQuote::indirect(
            vec![span],
            k,
            ctx.np(p, k - 1, NpKind::Name),
            sent_of[k + 1],
            "a name and a colon open the line",
        );
        let from = marks.partition_point(|m| m.open <= k);
        for m in marks[from..]
            .iter_mut()
            .take_while(|m| m.open < e)
            .filter(|m| !m.used && m.close < e)
        {
            m.used = true;
            q.kind = QuoteKind::Mixed;
        }
        cue_used[k] = true;
        for x in line_taken.iter_mut().take(e).skip(k + 1) {
            *x = true;
        }
        out.push(q);
    }
    for (si, &(a, b)) in sentences.iter().enumerate() {
        if b <= a || line_taken[a] {
            continue;
        }
        // Headlines in Title Case ("Huckabee Says Fed Chair Is Wrong") are not statements.
        let words_here: Vec<&Token> = toks[a..b].iter().filter(|t| t.kind == Kind::Word).collect();
        let caps = words_here.iter().filter(|t| capitalized(s, t)).count();
        if words_here.len() >= 4 && caps * 10 >= words_here.len() * 7 {
            continue;
        }
        let end_tok = if toks[b - 1].kind == Kind::Punct && matches!(toks[b - 1].text(s), "." | "!" | "?") {
            b - 1
        } else {
            b
        };
        let content_end = |from: usize| toks[from.min(end_tok.saturating_sub(1)).max(a)].end;
        let mut found: Option<RawQuote> = None;
        // according to X
        for k in a..b.saturating_sub(2) {
            // (Not right after "that": "said that according to its analysis, …" is a clause of its own.)
            if ctx.word(k) == "according" && ctx.word(k + 1) == "to" && (k == a || ctx.word(k - 1) != "that") {
                let Some(np) = ctx.np_at(k + 2).or_else(|| ctx.phrase_at(k + 2)) else {
                    continue;
                };
                // "…, because, according to Trump, the media would …": after a subordinator the statement follows.
                let opens_clause = k >= a + 2
                    && toks[k - 1].text(s) == ","
                    && matches!(
                        ctx.word(k - 2).as_str(),
                        "because" | "that" | "so" | "while" | "although" | "though" | "since"
                    )
                    && toks.get(np.last + 1).is_some_and(|t| t.text(s) == ",");
                let (start_tok, end) = if k == a || opens_clause {
                    // According to X, CONTENT.
                    let mut c = np.last + 1;
                    while c < end_tok && toks[c].text(s) != "," {
                        c += 1;
                    }
                    (c + 1, toks[end_tok.saturating_sub(1).max(c + 1).min(b - 1)].end)
                } else {
                    // CONTENT, according to X.
                    let stop = if k > a && toks[k - 1].text(s) == "," { k - 1 } else { k };
                    (a, toks[stop.saturating_sub(1).max(a)].end)
                };
                if start_tok < b && toks[start_tok].start < end {
                    found = Some(RawQuote::indirect(
                        vec![(toks[start_tok].start, end)],
                        k,
                        np,
                        si,
                        "according to",
                    ));
                    break;
                }
            }
        }
        let mut found_all: Vec<RawQuote> = found.into_iter().collect();
        if found_all.is_empty() {
            let mut next = a;
            while next < end_tok {
                let v = next;
                next += 1;
                // "Asked whether …, X said": the one verb that opens a sentence capitalised.
                let opening_asked = v == a && ctx.word(v) == "asked";
                // "the dozen states", "384 pledged delegates", "his promises": a noun after a number or a determiner.
                let noun_use = v > 0
                    && matches!(
                        ctx.word(v).as_str(),
                        "states"
                            | "state"
                            | "pledged"
                            | "promises"
                            | "promise"
                            | "claims"
                            | "claim"
                            | "reports"
                            | "report"
                            | "notes"
                            | "note"
                            | "warnings"
                    )
                    && (toks[v - 1].kind == Kind::Number
                        || DETERMINERS.contains(&ctx.word(v - 1).as_str())
                        || crate::lexicon::NUMBER_WORDS.contains(&ctx.word(v - 1).as_str())
                        || ctx.word(v - 1) == "all");
                if noun_use || cue_used[v] || !(is_speech(s, &toks[v]) || opening_asked) || modal_before(&ctx, v) {
                    continue;
                }
                // CONTENT-START, SPEAKER VERB, CONTENT-END: "This campaign, he says, is different."
                if let Some(np) = ctx.np_before(v, 1)
                    && np.first > a + 1
                    && toks[np.first - 1].text(s) == ","
                    && toks.get(v + 1).is_some_and(|t| t.text(s) == ",")
                    && v + 2 < end_tok
                {
                    let first = (toks[a].start, toks[np.first - 2].end);
                    let second = (toks[v + 2].start, content_end(end_tok));
                    let words = (a..np.first - 1)
                        .chain(v + 2..end_tok)
                        .filter(|&k| toks[k].kind == Kind::Word)
                        .count();
                    if words >= 3 && !inside_direct(first.0, second.1, &out) {
                        found_all.push(RawQuote::indirect(
                            vec![first, second],
                            v,
                            np,
                            si,
                            "speaker and verb of saying inside the clause",
                        ));
                        break;
                    }
                }
                // "Asked whether he would run, …", "asked about his paid speeches": the question is what was said,
                // up to the clause end; the one who asked may go unnamed.
                let wh = ctx.word(v + 1);
                if matches!(ctx.word(v).as_str(), "asked" | "asking")
                    && matches!(
                        wh.as_str(),
                        "if" | "whether" | "what" | "how" | "why" | "who" | "whom" | "when" | "where" | "about"
                    )
                {
                    let start = if wh == "about" { v + 2 } else { v + 1 };
                    let end = (start..end_tok)
                        .find(|&x| !in_quote[x] && matches!(toks[x].text(s), "," | ";" | "?"))
                        .unwrap_or(end_tok);
                    let words = (start..end).filter(|&x| toks[x].kind == Kind::Word).count();
                    let pronoun_topic = wh == "about" && toks.get(start).is_some_and(|t| is_pronoun(s, t));
                    if words >= if wh == "about" { 3 } else { 2 } && end > start && !pronoun_topic {
                        let span = (toks[start].start, toks[end - 1].end);
                        if !inside_direct(span.0, span.1, &out) {
                            let speaker = ctx.np_before(v, 0).filter(|_| v > a);
                            found_all.push(RawQuote {
                                kind: QuoteKind::Indirect,
                                spans: vec![span],
                                cue: Some(v),
                                speaker,
                                inherited: false,
                                sentence: si,
                                evidence: "a question asked",
                            });
                            next = end;
                            continue;
                        }
                    }
                }
                // "…, Fiorina said, adding that …": the clause before is what was said (the tail pattern below).
                let particle = usize::from(
                    ctx.word(v + 1) == "back"
                        || (matches!(ctx.word(v).as_str(), "put" | "puts") && ctx.word(v + 1) == "it"),
                );
                let participle_after = toks.get(v + 1 + particle).is_some_and(|t| t.text(s) == ",")
                    && ctx.word(v + 2 + particle).ends_with("ing");
                // SPEAKER VERB [object] [that] CONTENT
                if !participle_after && let Some(np) = ctx.np_before(v, 0).or_else(|| ctx.phrase_before(v)) {
                    let relative = ctx.word(np.first) == "who";
                    // A relative clause ("Barkley, who said he votes …, said …") ends at its comma.
                    let stop = if relative {
                        // Without a comma closing the relative clause it runs to the sentence end, but only when
                        // it is non-restrictive (", who say …"); "voters who said … supported X" is unknowable.
                        match (v + 1..end_tok).find(|&k| toks[k].text(s) == ",") {
                            Some(k) => k,
                            None if np.first > 0 && toks[np.first - 1].text(s) == "," => end_tok,
                            None => continue,
                        }
                    } else {
                        end_tok
                    };
                    // "shot back that …", "put it this way": the particle belongs to the verb.
                    let mut c = v + 1 + particle;
                    let promise = matches!(
                        ctx.word(v).as_str(),
                        "promised"
                            | "promises"
                            | "promise"
                            | "pledged"
                            | "pledges"
                            | "vowed"
                            | "vows"
                            | "urged"
                            | "urges"
                            | "asked"
                            | "asks"
                            | "threatened"
                            | "pledging"
                            | "promising"
                            | "vowing"
                    );

                    // Skip an object or adjunct up to "that", e.g. "told reporters", "said in an interview
                    // broadcast on state television on March 13 that".
                    // The "that" of another verb of saying ("said the system was corrupt, noting that …") is not
                    // this one's.
                    // `said on ABC's "This Week" that …`: a title in quotation marks belongs to the adjunct.
                    let title_before = |k: usize| {
                        let p = ctx.word(k - 1);
                        p.ends_with("'s") || p.ends_with("’s") || matches!(p.as_str(), "on" | "in" | "to" | "during")
                    };
                    // Nor is a "that" after the reported clause has begun ("says he wishes …, but that …", "said
                    // the actions were “unacceptable” and that …"): a subject, a quotation or "but" come first.
                    let own_that = |range: std::ops::Range<usize>| {
                        range
                            .take_while(|&k| {
                                let clause = !in_quote[k]
                                    && (is_pronoun(s, &toks[k])
                                        || (toks[k].kind == Kind::QuoteMark
                                            && in_quote.get(k + 1) == Some(&true)
                                            && !title_before(k))
                                        || ctx.word(k) == "but");
                                !clause
                            })
                            .take_while(|&k| {
                                in_quote[k]
                                    || !is_speech(s, &toks[k])
                                    || !(toks[k - 1].text(s) == ","
                                        || ctx.closes_after_comma(k - 1)
                                        || matches!(ctx.word(k - 1).as_str(), "and" | "but"))
                            })
                            .find(|&k| {
                                ctx.word(k) == "that"
                                    && toks[k].kind == Kind::Word
                                    && !matches!(ctx.word(k - 1).as_str(), "and" | "or")
                            })
                    };
                    // "says his campaign is the only one that …": a "that" after a plain noun phrase belongs to it,
                    // not to the verb; the verb's "that" follows it directly or after an adjunct or an addressee.
                    let mut that = own_that(v + 1..stop.min(v + 16)).filter(|&t| {
                        t == v + 1 + particle
                            // "telling customers at a breakfast spot that …": verbs with an addressee.
                            || matches!(
                                ctx.word(v).as_str(),
                                "told" | "tells" | "tell" | "telling" | "warned" | "warns" | "warning" | "assured"
                                    | "assures" | "reminded" | "informed" | "urged" | "convinced"
                            )
                            || crate::lexicon::TIME_WORDS.contains(&ctx.word(v + 1).as_str())
                            || matches!(
                                ctx.word(v + 1).as_str(),
                                "on" | "in" | "at" | "during" | "after" | "before" | "to" | "last" | "this" | "again"
                                    | "also" | "earlier" | "later" | "repeatedly" | "publicly" | "privately" | "for"
                                    | "with" | "from" | "via" | "through" | "over" | "while" | "when" | "by" | ","
                            )
                            || ctx.word(v + 1).ends_with("ly")
                            || !(v + 1..t).any(|x| toks[x].kind == Kind::Word && DETERMINERS.contains(&ctx.word(x).as_str()))
                    });
                    // "said Thursday during a taping of a town hall meeting in Buffalo that …": an adjunct may be long.
                    let adjunct_start = crate::lexicon::TIME_WORDS.contains(&ctx.word(v + 1).as_str())
                        || matches!(
                            ctx.word(v + 1).as_str(),
                            "on" | "in" | "at" | "during" | "after" | "before" | "to" | "last" | "this"
                        );
                    if that.is_none() && adjunct_start {
                        that = own_that(v + 1..stop.min(v + 40));
                    }
                    if let Some(t) = that {
                        // The content starts at "that", as annotators mark it.
                        c = t;
                    } else {
                        // "promised on Tuesday to refrain from …": a time adjunct before the infinitive.
                        if promise
                            && ctx.word(c) != "to"
                            && let Some(to) = (c..stop.min(c + 9))
                                .take_while(|&x| toks[x].kind != Kind::Punct)
                                .find(|&x| ctx.word(x) == "to")
                            && (crate::lexicon::TIME_WORDS.contains(&ctx.word(c).as_str())
                                || matches!(
                                    ctx.word(c).as_str(),
                                    "on" | "at"
                                        | "in"
                                        | "during"
                                        | "last"
                                        | "this"
                                        | "again"
                                        | "also"
                                        | "repeatedly"
                                        | "publicly"
                                ))
                            && (c..to).all(|x| toks[x].kind == Kind::Word && !in_quote[x])
                        {
                            c = to;
                        }
                        if matches!(
                            ctx.word(v).as_str(),
                            "told" | "tells" | "tell" | "asked" | "warned" | "urged" | "telling"
                        ) {
                            // The object: "reporters", "me", "CNN", "the BBC", "Fox News".
                            let w = ctx.word(c);
                            if matches!(
                                w.as_str(),
                                "reporters"
                                    | "journalists"
                                    | "me"
                                    | "us"
                                    | "him"
                                    | "her"
                                    | "them"
                                    | "lawmakers"
                                    | "supporters"
                                    | "voters"
                                    | "viewers"
                                    | "listeners"
                                    | "students"
                                    | "parliament"
                                    | "congress"
                            ) {
                                c += 1;
                            } else {
                                let mut k = c;
                                if matches!(w.as_str(), "the" | "a")
                                    && toks.get(c + 1).is_some_and(|t| capitalized(s, t))
                                {
                                    k += 1;
                                }
                                if toks.get(k).is_some_and(|t| capitalized(s, t)) {
                                    while k < stop && capitalized(s, &toks[k]) {
                                        k += 1;
                                    }
                                    c = k;
                                }
                            }
                        }
                        while c < stop && matches!(toks[c].text(s), "," | ":" | "—") {
                            c += 1;
                        }
                        // "tweeted Tuesday night he considered …": a time adjunct before the reported clause.
                        if crate::lexicon::TIME_WORDS.contains(&ctx.word(c).as_str()) {
                            let mut x = c + 1;
                            while x < stop
                                && matches!(ctx.word(x).as_str(), "night" | "morning" | "afternoon" | "evening")
                            {
                                x += 1;
                            }
                            if toks
                                .get(x)
                                .is_some_and(|t| is_pronoun(s, t) || DETERMINERS.contains(&ctx.word(x).as_str()))
                            {
                                c = x;
                            }
                        }
                    }
                    // `said "local forces" must lead the way`: a quoted fragment that opens the clause, which goes on
                    // after it (a whole quotation there is a direct quote, found above).
                    let fragment_opens = toks.get(c).is_some_and(|t| t.kind == Kind::QuoteMark)
                        && marks.get(marks.partition_point(|m| m.open < c)).is_some_and(|m| {
                            m.open == c && !m.used && m.close + 1 < stop && toks[m.close + 1].kind == Kind::Word
                        });
                    if c < stop && (toks[c].kind != Kind::QuoteMark || that.is_some() || fragment_opens) {
                        let words = (c..stop).filter(|&k| toks[k].kind == Kind::Word).count();
                        // The reported clause ends where a new independent clause starts: ", but he urged …".
                        // The reported clause ends where a new clause starts: ", but he urged …", ", and more than
                        // 4 in 10 said …", ", a man yelled …" (a comma followed later by another verb of saying).
                        // A comma that ends a quoted fragment (`was "corrupt," noting …`) ends the clause like one
                        // outside the marks; the content then keeps the closing mark.
                        let fragment_comma = |k: usize| ctx.closes_after_comma(k + 1);
                        let clause_end = (c + 3..stop).find(|&k| {
                            // The closing mark after a fragment's comma was judged with the comma.
                            if toks[k].kind == Kind::QuoteMark && fragment_comma(k - 1) {
                                return false;
                            }
                            let frag = fragment_comma(k);
                            let k = if frag { k + 1 } else { k };
                            if in_quote[k] || k >= stop {
                                return false;
                            }
                            let t = toks[k].text(s);
                            // (A pair of dashes sets off an aside: "to “make America whole again” — itself a
                            // rebuttal — was an inferior slogan".)
                            let dashes_before = (c..k).filter(|&x| toks[x].text(s) == "—").count();
                            if t == ";"
                                || (t == "—"
                                    && dashes_before % 2 == 0
                                    && !(k + 1..stop).any(|x| toks[x].text(s) == "—"))
                            {
                                return true;
                            }
                            // "… and said that …", "… but argues that …": the same speaker's next statement.
                            if matches!(t, "and" | "but")
                                && toks.get(k + 1).is_some_and(|n| is_speech(s, n))
                                && (ctx.word(k + 1) == ctx.word(v)
                                    || ctx.word(k + 2) == "that"
                                    || toks
                                        .get(k + 2)
                                        .is_some_and(|n| n.kind == Kind::QuoteMark || n.text(s) == ","))
                            {
                                return true;
                            }
                            if !frag && t != "," {
                                return false;
                            }
                            let next = ctx.word(k + 1);
                            // A quoted fragment still ahead, before any other verb of saying, belongs to this
                            // statement: "he would deport refugees, who he speculates are “mostly men”", "… material,
                            // but the vast majority were just “confidential”" (annotators keep the words in quotes with
                            // the report that carries them).
                            let quote_ahead = !(c..k).any(|x| in_quote[x])
                                && (k + 1..stop)
                                    .take_while(|&x| in_quote[x] || !is_speech(s, &toks[x]))
                                    .any(|x| in_quote[x]);
                            if quote_ahead {
                                return false;
                            }
                            // ", conceding the race …", ", who does not need …": a participle or a non-restrictive
                            // relative clause adds to the report, it is not what was said.
                            // (An embedded relative clause, closed by a comma before the main verb, stays.)
                            // After a quoted fragment only a verb of saying does: `“the best of both worlds,” giving
                            // states more power` is still the statement.
                            if (next.ends_with("ing")
                                && next.len() > 5
                                && !crate::lexicon::ING_PREPOSITIONS.contains(&next.as_str())
                                && toks.get(k + 1).is_some_and(|t| !capitalized(s, t) && is_speech(s, t)))
                                || (matches!(next.as_str(), "who" | "which")
                                    && !(k + 2..stop).any(|x| toks[x].text(s) == ","))
                                // ", a move that …", ", an acknowledgment that …": an aside on the whole statement.
                                || (!frag
                                    && matches!(next.as_str(), "a" | "an")
                                    && !(k + 2..stop).any(|x| toks[x].text(s) == ","))
                            {
                                return true;
                            }
                            let new_subject = toks
                                .get(k + 2)
                                .is_some_and(|t| is_pronoun(s, t) || capitalized(s, t) || t.kind == Kind::Number)
                                || matches!(
                                    ctx.word(k + 2).as_str(),
                                    "the" | "a" | "an" | "more" | "most" | "many" | "some"
                                );
                            // (", and Park to …" closes a list: "Obama, Abe, and Park".)
                            let list = next == "and"
                                && k >= 2
                                && (k.saturating_sub(6)..k).any(|x| toks[x].text(s) == "," && x + 2 == k);
                            (matches!(
                                next.as_str(),
                                "but" | "while" | "although" | "though" | "whereas" | "and"
                            ) && new_subject
                                && !list)
                                || (!frag
                                    && !matches!(next.as_str(), "which" | "who" | "whom" | "that" | "where" | "when")
                                    && (k + 1..stop).any(|x| is_speech(s, &toks[x]) && !cue_used[x]))
                        });
                        let span = (
                            toks[c].start,
                            match clause_end {
                                Some(k) if fragment_comma(k) => toks[k + 1].end,
                                Some(k) => toks[k - 1].end,
                                None if relative => toks[stop.saturating_sub(1).max(c)].end,
                                None => content_end(end_tok),
                            },
                        );
                        let first = ctx.word(c);
                        let bad_start = !(promise && first == "to")
                            && (crate::lexicon::TIME_WORDS.contains(&first.as_str())
                                || matches!(
                                    first.as_str(),
                                    "on" | "to"
                                        | "by"
                                        | "in"
                                        | "at"
                                        | "for"
                                        | "from"
                                        | "with"
                                        | "about"
                                        | "during"
                                        | "after"
                                        | "before"
                                        | "of"
                                        | "as"
                                        | "into"
                                        | "onto"
                                        | "over"
                                        | "through"
                                        | "nothing"
                                        | "so"
                                ));
                        // Verbs that also take a plain object ("maintains a lead", "claimed victory", "denied
                        // Carter a photograph", "six states") report only a clause: after "that" or a pronoun.
                        let object_verb = matches!(
                            ctx.word(v).as_str(),
                            "maintain"
                                | "maintains"
                                | "maintained"
                                | "continue"
                                | "continues"
                                | "continued"
                                | "claim"
                                | "claims"
                                | "claimed"
                                | "claiming"
                                | "deny"
                                | "denies"
                                | "denied"
                                | "denying"
                                | "state"
                                | "states"
                                | "concede"
                                | "concedes"
                                | "conceded"
                                | "declared"
                                | "declares"
                                | "declare"
                                | "wrote"
                                | "writes"
                                | "confirmed"
                                | "confirms"
                                | "assured"
                                | "assures"
                                | "responds"
                                | "maintaining"
                                | "confirming"
                                | "revealing"
                                | "mentioning"
                                | "demanding"
                                | "answering"
                                | "recounting"
                                | "acknowledging"
                                | "admitting"
                                | "stressing"
                                | "emphasizing"
                                | "observing"
                                | "remarking"
                        );
                        let clause_follows = that.is_some() || toks.get(c).is_some_and(|t| is_pronoun(s, t));
                        if words >= 3
                            && !inside_direct(span.0, span.1, &out)
                            && !bad_start
                            && (!object_verb || clause_follows)
                        {
                            found_all.push(RawQuote::indirect(
                                vec![span],
                                v,
                                np,
                                si,
                                "speaker, verb of saying, clause",
                            ));
                            // "She says A, but insists B": another verb of saying may follow the clause's end.
                            next = clause_end.unwrap_or(stop);
                            continue;
                        }
                    }
                }
                // CONTENT, SPEAKER VERB. / CONTENT, VERB SPEAKER.
                // The comma that ends the content, outside the marks or inside them (`a "raw time," said X`):
                // the index the content stops before, and the content's last token.
                let comma_before = |x: usize| {
                    if x > a && toks[x - 1].text(s) == "," {
                        Some((x - 1, x.saturating_sub(2).max(a)))
                    } else if x > a + 1 && ctx.closes_after_comma(x - 1) {
                        Some((x - 2, x - 1))
                    } else {
                        None
                    }
                };
                // (Not a participle: "…, noting flagging growth" adds to the sentence, it does not attribute it.)
                let tail_np = match comma_before(v) {
                    Some((comma, last)) if !ctx.word(v).ends_with("ing") => {
                        ctx.np_at(v + 1).map(|np| (np, comma, last))
                    }
                    _ => None,
                };
                let tail_np = tail_np.or_else(|| {
                    // ", the lawsuit says.": a determiner and a noun or two, then the verb that ends the sentence.
                    let plain = (v.saturating_sub(3)..v)
                        .find(|&f| {
                            f > a
                                && DETERMINERS.contains(&ctx.word(f).as_str())
                                && (f..v).all(|x| toks[x].kind == Kind::Word && !capitalized(s, &toks[x]))
                        })
                        .filter(|_| v + 1 >= end_tok)
                        .and_then(|f| {
                            comma_before(f).map(|(comma, last)| (ctx.np(f, v - 1, NpKind::Role), comma, last))
                        });
                    if plain.is_some() {
                        return plain;
                    }
                    let np = ctx.np_before(v, 1)?;
                    // ", analyst Tom Reid said": up to three lowercase words between the comma and the name.
                    let mut f = np.first;
                    while f > a && f + 3 > np.first && toks[f - 1].kind == Kind::Word && !capitalized(s, &toks[f - 1]) {
                        f -= 1;
                    }
                    comma_before(f).map(|(comma, last)| {
                        (
                            Np {
                                first: f,
                                start: toks[f].start,
                                ..np
                            },
                            comma,
                            last,
                        )
                    })
                });
                if let Some((np, comma, last)) = tail_np {
                    // Only when the verb closes the sentence (adjuncts allowed: "on Tuesday", "in a statement").
                    // "…, said Petro Hrytsenko, a Kyiv analyst currently working for …": an appositive may be long.
                    let appositive = v < np.first && toks.get(np.last + 1).is_some_and(|t| t.text(s) == ",");
                    // (", adding that …" after the attribution is a statement of its own, not part of this clause.)
                    let rest_end = (np.last.max(v) + 1..end_tok)
                        .find(|&k| toks[k].text(s) == "," && is_speech(s, &toks[(k + 1).min(toks.len() - 1)]))
                        .unwrap_or(end_tok);
                    let rest_words = if appositive {
                        0
                    } else {
                        (np.last.max(v) + 1..rest_end)
                            .filter(|&k| toks[k].kind == Kind::Word)
                            .count()
                    };
                    let words = (a..comma).filter(|&k| toks[k].kind == Kind::Word).count();
                    let span = (toks[a].start, toks[last].end);
                    if rest_words <= 6 && words >= 3 && comma > a && !inside_direct(span.0, span.1, &out) {
                        found_all.push(RawQuote::indirect(
                            vec![span],
                            v,
                            np,
                            si,
                            "clause, then speaker and verb of saying",
                        ));
                        // ", adding that …" may follow with a statement of its own.
                        if rest_end == end_tok {
                            break;
                        }
                        next = rest_end + 1;
                        continue;
                    }
                }
            }
        }
        for mut q in found_all {
            let (qa, qb) = q.spans[0];
            // A quoted fragment inside the content makes it mixed; the fragment is not a quote of its own.
            let from = marks.partition_point(|m| m.pieces[0].0 < qa);
            for m in marks[from..]
                .iter_mut()
                .take_while(|m| m.pieces[0].0 <= qb + 3)
                .filter(|m| !m.used)
            {
                let (ma, mb) = (m.pieces[0].0, m.pieces.last().map_or(0, |p| p.1));
                if ma >= qa && mb <= qb + 3 {
                    q.kind = QuoteKind::Mixed;
                    m.used = true;
                }
            }
            if let Some(c) = q.cue {
                cue_used[c] = true;
            }
            out.push(q);
        }
    }
    out.sort_by_key(|q| q.spans[0].0);

    // An unattributed quotation that opens a sentence continues the speaker of the nearest earlier quote
    // in the same or the previous paragraph ("Trump said … . “We will win.”"). After a direct quote it is
    // more of the same statement: its span joins that quote, as annotators mark it; after an indirect one
    // it is a quote of its own by the same speaker.
    let mut added = Vec::new();
    // The last quote with a speaker at or before each one (the quotes are in order of their start).
    let mut last_with_speaker: Vec<Option<usize>> = Vec::with_capacity(out.len());
    for (qi, q) in out.iter().enumerate() {
        let before = last_with_speaker.last().copied().flatten();
        last_with_speaker.push(if q.speaker.is_some() { Some(qi) } else { before });
    }
    for m in marks.iter().filter(|m| !m.used) {
        let words: usize = m.pieces.iter().map(|(a, b)| s[*a..*b].split_whitespace().count()).sum();
        let sentence_initial =
            m.open == 0 || !ctx.same_sentence(m.open - 1, m.open) || matches!(toks[m.open - 1].text(s), ":" | "—");
        if words < 4 || !sentence_initial {
            continue;
        }
        let start = toks[m.open].start;
        let Some(pi) = out
            .partition_point(|q| q.spans[0].0 < start)
            .checked_sub(1)
            .and_then(|p| last_with_speaker[p])
        else {
            continue;
        };
        let p_tok = toks
            .partition_point(|t| t.start < out[pi].spans.last().map_or(0, |x| x.1))
            .min(toks.len() - 1);
        let starts_paragraph = m.open == 0 || toks[m.open - 1].kind == Kind::Break;
        let gap = paragraph_of(m.open).saturating_sub(paragraph_of(p_tok));
        if gap == 0 || (gap == 1 && starts_paragraph) {
            let after_quote = out[pi].spans.iter().all(|&(_, e)| e <= start);
            if !after_quote {
                continue;
            }
            if out[pi].kind != QuoteKind::Indirect && gap == 0 {
                out[pi].spans.extend(with_marks(toks, m));
            } else {
                added.push(RawQuote {
                    kind: QuoteKind::Direct,
                    spans: with_marks(toks, m),
                    cue: None,
                    speaker: out[pi].speaker,
                    inherited: true,
                    sentence: sent_of[m.open.min(toks.len() - 1)],
                    evidence: "continues the previous speaker",
                });
            }
        }
    }
    out.extend(added);
    // Every quote's pieces in order and apart: a piece that reaches into another joins it.
    for q in &mut out {
        q.spans.sort_unstable();
        let mut merged: Vec<(usize, usize)> = Vec::with_capacity(q.spans.len());
        for &(a, b) in &q.spans {
            match merged.last_mut() {
                Some(last) if a <= last.1 => last.1 = last.1.max(b),
                _ => merged.push((a, b)),
            }
        }
        q.spans = merged;
    }
    out.sort_by_key(|q| q.spans[0].0);
    out
}
