//! The indirect pass, sentence by sentence: `SPEAKER VERB [that] CONTENT`, `CONTENT, SPEAKER VERB`,
//! `CONTENT, VERB SPEAKER`, `according to SPEAKER, CONTENT` and its mirror; a quoted fragment inside the
//! content makes the quote mixed.

use super::*;

pub(super) fn run(f: &mut Finder<'_>) {
    let (s, toks, sentences) = (f.s, f.toks, f.sentences);
    let f = &mut *f;
    let ctx = &f.ctx;
    let in_quote = &f.ctx.in_quote;
    let (direct_pieces, direct_reach) = (&f.direct_pieces, &f.direct_reach);
    let inside_direct = |a: usize, b: usize, _: &[RawQuote]| {
        let p = direct_pieces.partition_point(|&(x, _)| x < b);
        p > 0 && direct_reach[p - 1] > a
    };
    let (marks, out, cue_used, line_taken) = (&mut f.marks, &mut f.out, &mut f.cue_used, &mut f.line_taken);
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
                    // ("“…,” he told advisers afterward, according to Uzi Arad": a quotation attributed already
                    // is its speaker's; X is where the writer has it from.)
                    if (a..stop).any(|x| cue_used[x]) {
                        continue;
                    }
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
                if noun_use || cue_used[v] || !(is_speech(s, &toks[v]) || opening_asked) || modal_before(ctx, v) {
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
                    if words >= 3 && !inside_direct(first.0, second.1, out) {
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
                        if !inside_direct(span.0, span.1, out) {
                            let speaker = ctx.np_before(v, 0).filter(|_| v > a);
                            found_all.push(RawQuote {
                                kind: QuoteKind::Indirect,
                                spans: vec![span],
                                cue: Some(v),
                                speaker,
                                inherited: false,
                                sentence: si,
                                evidence: "a question asked",
                                base: None,
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
                            // "reported that during Obama's visit this week, President Erdogan reiterated …": the
                            // first comma after a phrase fronted in the reported clause closes that phrase; the
                            // clause's subject and verb follow.
                            if ctx.word(c) == "that"
                                && matches!(
                                    ctx.word(c + 1).as_str(),
                                    "during"
                                        | "after"
                                        | "before"
                                        | "in"
                                        | "on"
                                        | "at"
                                        | "since"
                                        | "despite"
                                        | "amid"
                                        | "following"
                                        | "without"
                                        | "until"
                                )
                                && !(c + 1..k).any(|x| matches!(toks[x].text(s), "," | ";" | "—") || in_quote[x])
                            {
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
                            && !inside_direct(span.0, span.1, out)
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
                    if rest_words <= 6 && words >= 3 && comma > a && !inside_direct(span.0, span.1, out) {
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
                    // (A scare quote, `the so-called "peace plan"`, keeps a word at a distance: it is nobody's
                    // words, and the statement stays reported.)
                    let scare = m.open > 0 && matches!(ctx.word(m.open - 1).as_str(), "so-called" | "so‑called");
                    if !scare {
                        q.kind = QuoteKind::Mixed;
                    }
                    m.used = true;
                }
            }
            if let Some(c) = q.cue {
                cue_used[c] = true;
            }
            out.push(q);
        }
    }
}
