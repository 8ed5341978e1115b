//! The `Name:` pass: a name and a colon that open a line attribute the rest of the line to the name
//! (headlines, interview transcripts).

use super::*;

pub(super) fn run(f: &mut Finder<'_>) {
    let (s, toks, sent_of) = (f.s, f.toks, f.sent_of);
    let f = &mut *f;
    let ctx = &f.ctx;
    let (direct_pieces, direct_reach) = (&f.direct_pieces, &f.direct_reach);
    let inside_direct = |a: usize, b: usize, _: &[RawQuote]| {
        let p = direct_pieces.partition_point(|&(x, _)| x < b);
        p > 0 && direct_reach[p - 1] > a
    };
    let (marks, out, cue_used, line_taken) = (&mut f.marks, &mut f.out, &mut f.cue_used, &mut f.line_taken);
    // "Lynch: No outside influence on FBI probe", "RAMOS: Secretary Clinton, …": a name and a colon that open a
    // line attribute the rest of the line to the name (headlines, interview transcripts).
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
        if inside_direct(span.0, span.1, out) {
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
}
