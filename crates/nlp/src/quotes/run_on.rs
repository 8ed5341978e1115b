//! The run-on pass: an unattributed quotation that opens a sentence continues the speaker of the nearest
//! earlier quote in the same or the previous paragraph.

use super::*;

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
                    base: None,
                });
            }
        }
    }
    out.extend(added);
}
