//! Tokens and sentences. Offsets are byte offsets into the text; the public API converts to code points.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Word,
    Number,
    Punct,
    /// A quotation mark (any style); the quote pass decides opening or closing.
    QuoteMark,
    /// A paragraph break (one or more newlines).
    Break,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    pub start: usize,
    pub end: usize,
    pub kind: Kind,
}

impl Token {
    pub fn text<'t>(&self, s: &'t str) -> &'t str {
        &s[self.start..self.end]
    }
}

pub fn is_quote_char(c: char) -> bool {
    matches!(c, '"' | '“' | '”' | '„' | '«' | '»' | '‘' | '’' | '‹' | '›' | '‚')
}

/// Invisible format characters (U+202A "left-to-right embedding", zero-width spaces and joiners, a BOM) that
/// pasted social-media text carries; they separate nothing and are skipped like spaces.
pub(crate) fn is_format(c: char) -> bool {
    matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{2064}' | '\u{feff}')
}

/// Splits text into words (letters/digits with inner apostrophes, hyphens and dots: "don't", "cease-fire",
/// "U.S."), numbers, punctuation, quotation marks and paragraph breaks.
pub fn tokenize(s: &str) -> Vec<Token> {
    let mut out = Vec::with_capacity(s.len() / 5);
    let chars: Vec<(usize, char)> = s.char_indices().collect();
    let n = chars.len();
    let end_of = |i: usize| if i + 1 < n { chars[i + 1].0 } else { s.len() };
    let mut i = 0;
    while i < n {
        let (pos, c) = chars[i];
        if c == '\n' {
            let mut j = i;
            while j < n && (chars[j].1.is_whitespace() || is_format(chars[j].1)) {
                j += 1;
            }
            out.push(Token {
                start: pos,
                end: if j < n { chars[j].0 } else { s.len() },
                kind: Kind::Break,
            });
            i = j;
            continue;
        }
        if c.is_whitespace() || c.is_control() || is_format(c) {
            i += 1;
            continue;
        }
        if c.is_alphanumeric() {
            let mut j = i + 1;
            while j < n {
                let cj = chars[j].1;
                if cj.is_alphanumeric() || cj == '\u{301}' {
                    j += 1;
                } else if matches!(cj, '\'' | '’' | '-' | '‐' | '.' | ',' | '/' | '&')
                    && j + 1 < n
                    && chars[j + 1].1.is_alphanumeric()
                {
                    // Inner punctuation: "don't", "cease-fire", "U.S.", "1,000", "RFE/RL", "AT&T".
                    // A comma only between digits.
                    if cj == ',' && !(chars[j - 1].1.is_ascii_digit() && chars[j + 1].1.is_ascii_digit()) {
                        break;
                    }
                    j += 2;
                } else {
                    break;
                }
            }
            // "U.S." keeps its final dot when it is a dotted abbreviation.
            let word = &s[pos..end_of(j - 1)];
            if j < n
                && chars[j].1 == '.'
                && ((word.contains('.') && word.chars().filter(|c| c.is_alphabetic()).count() <= 4)
                    || TITLE_ABBREVIATIONS.contains(&word))
            {
                j += 1;
            }
            let text = &s[pos..end_of(j - 1)];
            let kind = if text.chars().all(|c| c.is_ascii_digit() || c == ',' || c == '.') {
                Kind::Number
            } else {
                Kind::Word
            };
            out.push(Token {
                start: pos,
                end: end_of(j - 1),
                kind,
            });
            i = j;
            continue;
        }
        // Two apostrophes stand for a double quotation mark in some newsrooms' copy: ''like this''.
        if c == '\'' && i + 1 < n && chars[i + 1].1 == '\'' {
            out.push(Token {
                start: pos,
                end: end_of(i + 1),
                kind: Kind::QuoteMark,
            });
            i += 2;
            continue;
        }
        let kind = if is_quote_char(c) || c == '\'' {
            Kind::QuoteMark
        } else {
            Kind::Punct
        };
        // A straight apostrophe at the end of a word ("Jones' car") is not a quotation mark.
        let kind = if c == '\'' && i > 0 && chars[i - 1].1.is_alphanumeric() {
            Kind::Punct
        } else {
            kind
        };
        out.push(Token {
            start: pos,
            end: end_of(i),
            kind,
        });
        i += 1;
    }
    out
}

/// Titles written with a dot that belong to the name after them: "Mr. Putin", "Sen. Cruz".
const TITLE_ABBREVIATIONS: &[&str] = &[
    "Mr", "Mrs", "Ms", "Dr", "Prof", "Sen", "Rep", "Gov", "Gen", "Lt", "Col", "Sgt", "Capt", "Adm", "Maj", "Rev",
    "Hon", "Sens", "Reps", "Govs", "St", "Jr", "Sr", "Mt", "Pres", "Supt", "Cmdr",
];

/// Words that open sentences and hardly ever follow "U.S." inside one.
const STARTERS: &[&str] = &[
    "He",
    "She",
    "They",
    "It",
    "We",
    "I",
    "The",
    "This",
    "That",
    "These",
    "Those",
    "But",
    "And",
    "In",
    "On",
    "At",
    "A",
    "An",
    "As",
    "After",
    "When",
    "While",
    "However",
    "Meanwhile",
    "His",
    "Her",
    "Their",
    "There",
];

/// Words that end with a dot without ending a sentence.
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "sen", "rep", "gov", "gen", "lt", "col", "sgt", "capt", "cmdr", "adm", "maj",
    "st", "jr", "sr", "inc", "ltd", "co", "corp", "vs", "etc", "no", "jan", "feb", "mar", "apr", "jun", "jul", "aug",
    "sep", "sept", "oct", "nov", "dec", "mt", "ft", "pres", "rev", "hon", "fr", "gov", "supt", "dept", "univ", "est",
    "approx", "vol", "fig", "al", "e.g", "i.e", "a.m", "p.m", "u.s", "u.k", "u.n", "d.c",
];

fn is_abbreviation(word: &str) -> bool {
    let w = word.trim_end_matches('.').to_lowercase();
    ABBREVIATIONS.contains(&w.as_str()) || (w.chars().count() == 1 && w.chars().all(char::is_alphabetic))
}

/// The longest sentence, in tokens. The longest in the development sets (PolNeAR, factRuEval, NER-UK, ECB+) has
/// about 250; past this limit a run of words is cut into pieces of this many tokens.
pub const MAX_SENTENCE_TOKENS: usize = 400;

/// Sentence spans (byte offsets), never crossing a paragraph break nor ending inside a quotation
/// (`inside[i]` marks tokens between a pair of quotation marks).
///
/// A sentence has at most [`MAX_SENTENCE_TOKENS`] tokens: a longer run without an end (a page without
/// punctuation, a list run together) is cut there, so that the work done per sentence is bounded.
pub fn sentences(s: &str, toks: &[Token], inside: &[bool]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    // The first token of the open sentence.
    let mut first = 0;
    let mut i = 0;
    while i < toks.len() {
        let t = toks[i];
        if t.kind == Kind::Break {
            if let Some(st) = start.take() {
                out.push((st, toks[i - 1].end));
            }
            i += 1;
            continue;
        }
        if start.is_some() && i - first >= MAX_SENTENCE_TOKENS {
            out.push((start.take().unwrap_or(0), toks[i - 1].end));
        }
        if start.is_none() {
            start = Some(t.start);
            first = i;
        }
        let text = t.text(s);
        // A closing quotation mark right after sentence punctuation ends the sentence too: `… “ongoing.” He said`.
        let closes_quoted_sentence = t.kind == Kind::QuoteMark
            && i > 0
            && inside.get(i - 1).copied().unwrap_or(false)
            && !inside.get(i).copied().unwrap_or(false)
            && matches!(toks[i - 1].text(s), "." | "!" | "?");
        let ends = closes_quoted_sentence
            || (!inside.get(i).copied().unwrap_or(false)
                && match t.kind {
                    Kind::Punct => matches!(text, "." | "!" | "?" | "…"),
                    // "U.S." ends a sentence when a sentence starter follows: "… in the U.S. He says …".
                    Kind::Word => {
                        text.ends_with('.')
                            && (!is_abbreviation(text)
                                || (text.matches('.').count() >= 2
                                    && toks.get(i + 1).is_some_and(|n| STARTERS.contains(&n.text(s)))))
                    }
                    _ => false,
                });
        if ends {
            // Closing quotes and brackets stay with the sentence.
            let mut j = i + 1;
            while j < toks.len()
                && (toks[j].kind == Kind::QuoteMark || matches!(toks[j].text(s), ")" | "]"))
                && toks[j].start == toks[j - 1].end
            {
                j += 1;
            }
            let next = toks.get(j);
            let boundary = match next {
                None => true,
                Some(nt) if nt.kind == Kind::Break => true,
                Some(nt) => {
                    let first = nt.text(s).chars().next().unwrap_or(' ');
                    first.is_uppercase() || first.is_ascii_digit() || nt.kind == Kind::QuoteMark || first == '('
                }
            };
            // "Mr. Smith" and "U.S. President": an abbreviation-like word followed by a capital is not an end.
            let abbrev_before =
                t.kind == Kind::Punct && i > 0 && toks[i - 1].end == t.start && is_abbreviation(toks[i - 1].text(s));
            if boundary && !abbrev_before {
                if let Some(st) = start.take() {
                    out.push((st, toks[j - 1].end));
                }
                i = j;
                continue;
            }
        }
        i += 1;
    }
    if let Some(st) = start
        && let Some(last) = toks.last()
    {
        out.push((st, last.end));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sents(s: &str) -> Vec<&str> {
        let t = tokenize(s);
        sentences(s, &t, &[]).into_iter().map(|(a, b)| &s[a..b]).collect()
    }

    #[test]
    fn splits_sentences_with_abbreviations() {
        assert_eq!(
            sents(
                "U.S. President Donald Trump met Mr. Smith on Jan. 5. They talked. \"Fine,\" he said.\nNew paragraph"
            ),
            vec![
                "U.S. President Donald Trump met Mr. Smith on Jan. 5.",
                "They talked.",
                "\"Fine,\" he said.",
                "New paragraph"
            ]
        );
        assert_eq!(
            sents("It cost $1,000. Then J. K. Rowling wrote."),
            vec!["It cost $1,000.", "Then J. K. Rowling wrote."]
        );
    }

    #[test]
    fn words_keep_inner_punctuation() {
        let s = "RFE/RL's 30-day cease-fire, U.S. don't";
        let words: Vec<&str> = tokenize(s)
            .iter()
            .filter(|t| t.kind != Kind::Punct)
            .map(|t| t.text(s))
            .collect();
        assert_eq!(words, vec!["RFE/RL's", "30-day", "cease-fire", "U.S.", "don't"]);
    }
}

/// `str::to_lowercase` with a fast path for ASCII and the Cyrillic block (a table search per letter is what
/// the standard library does outside ASCII); the same result for every string.
pub fn lowercase(s: &str) -> String {
    // (Anything else, Greek final sigma included, is left to the standard library whole.)
    // Caseless marks common in news: « » and the no-break space, ’ “ ” — … and the like, ʼ, №.
    let caseless = |c: char| matches!(c, '\u{a0}'..='\u{bf}' | '\u{2000}'..='\u{206f}' | '\u{2bc}' | '\u{2116}');
    if !s
        .chars()
        .all(|c| c.is_ascii() || matches!(c, '\u{400}'..='\u{45f}' | '\u{490}' | '\u{491}') || caseless(c))
    {
        return s.to_lowercase();
    }
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            'A'..='Z' => out.push(c.to_ascii_lowercase()),
            '\u{410}'..='\u{42f}' => out.push(char::from_u32(c as u32 + 32).unwrap_or(c)),
            '\u{400}'..='\u{40f}' => out.push(char::from_u32(c as u32 + 80).unwrap_or(c)),
            '\u{490}' => out.push('\u{491}'),
            c => out.push(c),
        }
    }
    out
}

/// Whether a lowercase word is one of `stems` followed by an ending of at most `ending` letters: a Ukrainian or
/// Russian noun in any case ("міністр" → "міністра", "компані" → "компаніями").
pub(crate) fn stem_with_ending(lower: &str, stems: &[&str], ending: usize) -> bool {
    stems.iter().any(|stem| {
        lower
            .strip_prefix(stem)
            .is_some_and(|rest| rest.chars().count() <= ending)
    })
}

/// `char::is_alphanumeric` with a fast path for ASCII and the Cyrillic block.
pub fn alphanumeric(c: char) -> bool {
    match c {
        '0'..='9' | 'a'..='z' | 'A'..='Z' => true,
        c if c.is_ascii() => false,
        '\u{400}'..='\u{481}' | '\u{48a}'..='\u{52f}' => true,
        c => c.is_alphanumeric(),
    }
}

#[cfg(test)]
mod fast_paths {
    #[test]
    fn lowercase_and_alphanumeric_agree_with_the_standard_library() {
        for c in (0..0x3000u32).filter_map(char::from_u32) {
            let s = c.to_string();
            assert_eq!(super::lowercase(&s), s.to_lowercase(), "{c:?}");
            assert_eq!(super::alphanumeric(c), c.is_alphanumeric(), "{c:?}");
        }
        let mixed = "Київ, КИЇВ і Ґанок; Москва, ЁЛКА, Ѐ; Straße, İstanbul, ΣΊΣΥΦΟΣ";
        assert_eq!(super::lowercase(mixed), mixed.to_lowercase());
    }
}
