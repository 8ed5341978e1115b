//! The noun phrases, cue verbs and attributions that the passes share: the methods of `Ctx`.

use super::*;

impl Ctx<'_> {
    pub(super) fn word(&self, i: usize) -> String {
        self.toks.get(i).map(|t| lower(self.s, t)).unwrap_or_default()
    }

    pub(super) fn same_sentence(&self, a: usize, b: usize) -> bool {
        a < self.toks.len() && b < self.toks.len() && self.sent_of[a] == self.sent_of[b]
    }

    pub(super) fn np(&self, first: usize, last: usize, kind: NpKind) -> Np {
        Np {
            first,
            last,
            start: self.toks[first].start,
            end: self.toks[last].end,
            kind,
        }
    }

    /// The last token of the run of capitalised words that starts at `first`, staying before `limit`.
    pub(super) fn name_run_end(&self, first: usize, limit: usize) -> usize {
        let mut last = first;
        while last + 1 < limit && capitalized(self.s, &self.toks[last + 1]) && self.toks[last + 1].kind == Kind::Word {
            last += 1;
        }
        last
    }

    /// The speaker noun phrase ending right before token `v` (after skipping auxiliaries and adverbs).
    pub(super) fn np_before(&self, v: usize, depth: usize) -> Option<Np> {
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
            // "Once he was president, Mr. Obama made …, announcing": a fronted subordinate clause has a subject of
            // its own; the main clause's starts after its comma.
            let mut from = j;
            if matches!(
                self.word(j).as_str(),
                "once"
                    | "when"
                    | "while"
                    | "after"
                    | "before"
                    | "if"
                    | "because"
                    | "since"
                    | "although"
                    | "though"
                    | "as"
                    | "until"
                    | "whether"
            ) && let Some(c) = (j + 1..k).find(|&x| !self.in_quote[x] && self.toks[x].text(self.s) == ",")
            {
                from = c + 1;
            }
            for f in from..k {
                if self.in_quote[f] || self.toks[f].kind == Kind::QuoteMark {
                    continue;
                }
                let tf = &self.toks[f];
                // "“…,” the Republican presidential candidate told CBS' Face the Nation, saying": the subject of
                // the sentence's verb of saying comes before any name after it.
                if f > from
                    && is_speech(self.s, tf)
                    && self.toks[f - 1].kind == Kind::Word
                    && !self.in_quote[f - 1]
                    && let Some(np) = self.np_before(f, 1)
                {
                    return Some(np);
                }
                // (A verb follows: not a determiner or a preposition, as in "Face the Nation", "Bank of America".)
                let next_is_verb = self.toks.get(f + 1).is_some_and(|n| {
                    n.kind == Kind::Word
                        && !capitalized(self.s, n)
                        && !DETERMINERS.contains(&self.word(f + 1).as_str())
                        && !matches!(
                            self.word(f + 1).as_str(),
                            "of" | "on" | "in" | "at" | "for" | "to" | "with" | "from" | "by" | "and" | "or"
                        )
                });
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
                // ("Suu Kyi, 70, said …": a name before an aside is found by the outer rules.)
                .and_then(|x| self.np_before(x, 1).or_else(|| self.np_before(x, 0)))
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
                // ("said it was too early": a pronoun right after a verb of saying opens what was said.)
                let reported = j > 0 && (is_speech(self.s, &self.toks[j - 1]) || self.word(j - 1) == "that");
                if verb_next
                    && !reported
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
    pub(super) fn np_at(&self, k: usize) -> Option<Np> {
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

    pub(super) fn np_at_plain(&self, k: usize) -> Option<Np> {
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
            loop {
                // A middle initial: "Dennis B. Ross".
                if l > k
                    && self.toks[l].text(self.s).chars().count() == 1
                    && self
                        .toks
                        .get(l + 1)
                        .is_some_and(|d| d.text(self.s) == "." && d.start == self.toks[l].end)
                    && self
                        .toks
                        .get(l + 2)
                        .is_some_and(|n| n.kind == Kind::Word && capitalized(self.s, n))
                    && self.same_sentence(l + 2, k)
                {
                    l += 2;
                    continue;
                }
                if l + 1 < self.toks.len()
                    && self.same_sentence(l + 1, k)
                    && self.toks[l + 1].kind == Kind::Word
                    && (capitalized(self.s, &self.toks[l + 1]) || ROLE_NOUNS.contains(&self.word(l + 1).as_str()))
                    && !self.toks[l].text(self.s).ends_with("'s")
                {
                    l += 1;
                    continue;
                }
                break;
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
    pub(super) fn phrase_at(&self, k: usize) -> Option<Np> {
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
    pub(super) fn attribution_after_tail(&self, close: usize) -> Option<(usize, Np, usize)> {
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

    pub(super) fn attribution_after(&self, close: usize) -> Option<(usize, Np)> {
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
    pub(super) fn closes_after_comma(&self, k: usize) -> bool {
        k > 0
            && self.toks.get(k).is_some_and(|t| t.kind == Kind::QuoteMark)
            && !self.in_quote[k]
            && self.in_quote[k - 1]
            && self.toks[k - 1].text(self.s) == ","
    }

    /// A verb that attributes the quotation it follows: the verbs of saying, and verbs that only do so right
    /// after a quote (`“…,” she posted.`, `“…,” read one sign.`).
    pub(super) fn speech_after(&self, k: usize) -> bool {
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
    pub(super) fn attribution_before(&self, open: usize) -> Option<(usize, Np)> {
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
    pub(super) fn told_object(&self, v: usize) -> bool {
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
    pub(super) fn phrase_before(&self, v: usize) -> Option<Np> {
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
                | "reported"
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
        // "reported" is also a participle ("which was first reported by", "the number of reported cases", "have
        // in fact reported spending"): only right after a plain noun phrase ("Turkish media reported").
        let reported_ok = self.word(v) != "reported"
            || (last + 1 == v
                && (f..=last).all(|x| {
                    let w = self.word(x);
                    !AUX.contains(&w.as_str())
                        && !matches!(
                            w.as_str(),
                            "which" | "where" | "who" | "what" | "of" | "in" | "by" | "for" | "fact" | "first"
                        )
                }));
        (opens && verb_ok && subject_ok && reported_ok).then(|| self.np(f, last, NpKind::Role))
    }
}
