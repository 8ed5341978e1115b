//! The run-on pass: an unattributed quotation that opens a sentence continues the speaker of the nearest
//! earlier quote in the same or the previous paragraph; a paragraph that is wholly a quotation, right after a
//! paragraph whose last sentence says a named person told something ("Olena Shapoval, a nurse, described the
//! night."), is that person's.

use super::*;

/// The evidence of a quote that continues the previous quote's speaker as a quote of its own (`reading_json`
/// gives it `continues`).
pub(crate) const CONTINUES_PREVIOUS: &str = "continues the previous speaker";
const PARAGRAPH_AFTER_SPEAKER: &str = "a quoted paragraph after one naming its speaker";

/// Verbs that say someone told of something without giving the words, beside the verbs of saying: the
/// quotation that follows in the next paragraph gives them.
const TELLING: &[&str] = &[
    "described",
    "describes",
    "addressed",
    "addresses",
    "spoke",
    "speaks",
    "talked",
    "talks",
    "remembered",
    "remembers",
    "reflected",
    "reflects",
    "recounted",
    "recounts",
    "explained",
    "explains",
];

pub(super) fn run(f: &mut Finder<'_>) {
    let (s, toks, sent_of) = (f.s, f.toks, f.sent_of);
    let f = &mut *f;
    let ctx = &f.ctx;
    let para = &f.para;
    let paragraph_of = |tok: usize| para[tok.min(para.len().saturating_sub(1))];
    let (marks, out) = (&mut f.marks, &mut f.out);
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
    let mut taken = vec![false; marks.len()];
    for (mi, m) in marks.iter().enumerate().filter(|(_, m)| !m.used) {
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
        // "Olena Shapoval and her colleague Petro Ivanenko described …": one of two speakers is not the one
        // who goes on.
        if out[pi].speaker.is_some_and(|np| coordinated(ctx, &np)) {
            continue;
        }
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
            taken[mi] = true;
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
                    evidence: CONTINUES_PREVIOUS,
                    base: None,
                });
            }
        }
    }
    for (mi, m) in marks.iter_mut().enumerate() {
        if m.used || taken[mi] {
            continue;
        }
        if let Some((v, np, sentence)) = speaker_paragraph_before(ctx, m) {
            m.used = true;
            added.push(RawQuote {
                kind: QuoteKind::Direct,
                spans: with_marks(toks, m),
                cue: Some(v),
                speaker: Some(np),
                inherited: false,
                sentence,
                evidence: PARAGRAPH_AFTER_SPEAKER,
                base: None,
            });
        }
    }
    out.extend(added);
}

/// A speaker named second in a coordinated subject: `A and [her colleague] B`, with a capitalised word (a name)
/// before the "and".
fn coordinated(ctx: &Ctx<'_>, np: &Np) -> bool {
    let (s, toks) = (ctx.s, ctx.toks);
    let mut k = np.first;
    // Up to three lower-case words between the "and" and the name: "her colleague", "his wife".
    for _ in 0..4 {
        let Some(b) = k.checked_sub(1).filter(|&b| ctx.same_sentence(b, np.first)) else {
            return false;
        };
        let w = ctx.word(b);
        if w == "and" {
            return b > 0 && ctx.same_sentence(b - 1, b) && capitalized(s, &toks[b - 1]);
        }
        if toks[b].kind != Kind::Word || capitalized(s, &toks[b]) {
            return false;
        }
        k = b;
    }
    false
}

/// For a quotation that is a whole paragraph: the verb, subject and sentence of the previous paragraph's last
/// sentence when it says that one person (a name, or "he"/"she") told something — "Olena Shapoval, a nurse,
/// described the night.", "He recalled the first morning." Nothing when that sentence has a quotation of its
/// own, names two people as its subject ("Shapoval and her colleague Ivanenko described …") or says something
/// else of the person ("Taras Kovalchuk was killed …").
fn speaker_paragraph_before(ctx: &Ctx<'_>, m: &Marks) -> Option<(usize, Np, usize)> {
    let (s, toks) = (ctx.s, ctx.toks);
    let words: usize = m.pieces.iter().map(|(a, b)| s[*a..*b].split_whitespace().count()).sum();
    let whole_paragraph = m.open >= 2
        && toks[m.open - 1].kind == Kind::Break
        && toks.get(m.close + 1).is_none_or(|t| t.kind == Kind::Break);
    if words < 4 || !whole_paragraph {
        return None;
    }
    let end = m.open - 2;
    if toks[end].text(s) != "." {
        return None;
    }
    let start = sentences_start(ctx.sent_of, end);
    if (start..=end).any(|x| toks[x].kind == Kind::QuoteMark || ctx.in_quote[x]) {
        return None;
    }
    let np = ctx.np_at(start).filter(|np| match np.kind {
        NpKind::Name => true,
        NpKind::Pronoun => matches!(ctx.word(np.first).as_str(), "he" | "she"),
        NpKind::Role => false,
    })?;
    let mut k = np.last + 1;
    // An apposition: ", a nurse at the city hospital," or ", 64,".
    if toks.get(k).is_some_and(|t| t.text(s) == ",") {
        k = (k + 1..end.min(k + 14)).find(|&x| toks[x].text(s) == ",")? + 1;
    }
    // Auxiliaries and adverbs before the verb ("had earlier described", "briefly addressed"); "told" is both.
    while k < end && toks[k].kind == Kind::Word && !is_speech(s, &toks[k]) && {
        let w = ctx.word(k);
        AUX.contains(&w.as_str()) || (w.ends_with("ly") && w.len() > 4)
    } {
        k += 1;
    }
    let v = toks.get(k).filter(|t| !capitalized(s, t))?;
    (k < end && (is_speech(s, v) || TELLING.contains(&ctx.word(k).as_str()))).then_some((k, np, ctx.sent_of[start]))
}
