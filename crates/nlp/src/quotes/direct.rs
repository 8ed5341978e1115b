//! The direct pass: quotation marks with a verb of saying and a speaker right after the closing mark
//! (`,” said Ushakov`, `,” he said`) or right before the opening one (`Trump said: “…”`); a quote
//! interrupted by `he said,` continues into the next quoted piece.

use super::*;

pub(super) fn run(f: &mut Finder<'_>) {
    let (s, toks, sent_of) = (f.s, f.toks, f.sent_of);
    let f = &mut *f;
    let ctx = &f.ctx;
    let in_quote = &f.ctx.in_quote;
    let (marks, out, cue_used) = (&mut f.marks, &mut f.out, &mut f.cue_used);
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
            let start = sentences_start(sent_of, colon);
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
                    // ("Wait, it gets better:": one capitalised word, a comma and a pronoun that is the subject is
                    // an interjection, not a name.)
                    .filter(|np| {
                        !(np.first == np.last
                            && toks.get(np.last + 1).is_some_and(|t| t.text(s) == ",")
                            && toks.get(np.last + 2).is_some_and(|t| is_pronoun(s, t)))
                    })
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
                let start = sentences_start(sent_of, p);
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
                let start = sentences_start(sent_of, m.open);
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
                        base: None,
                    });
                }
            }
            None => {
                // Left for the continuation pass below, once indirect quotes are known too.
            }
        }
        i += 1;
    }
}
