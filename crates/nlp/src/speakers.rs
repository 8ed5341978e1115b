//! Who a quote's speaker mention stands for: one person under the fullest name the text gives, an organisation,
//! or nobody named (an unnamed group or person stays unnamed). Coreference within one text, by general rules:
//!
//! - **A name** is the entity it is a mention of (`entities` links "Trump", "Mr. Trump" and "Donald Trump" to
//!   "Donald J. Trump", "Suu Kyi" to "Aung San Suu Kyi", a shared surname to the fuller name of its paragraph or
//!   else the one named in full most often); a first name alone ("Carly") is the one person with that given
//!   name.
//! - **A pronoun** ("he", "she") continues the attribution chain: the subject of a sentence of its paragraph
//!   after the previous quote's speaker ("Mr. Netanyahu was impressed. “…,” he told advisers"), else a name that
//!   opens the pronoun's own sentence, as subject or possessor ("Suu Kyi's fate is unclear, but she said"), else
//!   the previous quote's speaker (also one named only as written, "Tobias said") when it is at most three
//!   paragraphs back and nobody else has been the subject of a sentence since, else the nearest person named
//!   before, or the subject of that person's sentence when the nearest is neither its subject nor its speaker
//!   ("Trump also attacked Clinton and Rubio. He said …"; a name before "campaign" or "aides" is no subject);
//!   always one whose gender (from Mr./Mrs./Ms., else the given name: `entities::gender_of_name`) does not
//!   contradict the pronoun. "her statement", "his remarks" resolve as "she" and "he". "who" is the name right
//!   before it, or nobody after a common noun ("analysts, who said"); "they" is a group.
//! - **A description** ("the Republican senator", "the 31-year-old", "the candidate") is, among the persons
//!   already named, the one whose role phrases (before the name: "retired neurosurgeon Ben Carson"; in
//!   apposition: "John Smith, the Republican senator"; the titles, "Ohio Gov." written out) have its head noun
//!   and every modifier, else its head noun and every proper modifier ("the New Jersey governor" is not the Ohio
//!   one); when nobody named has that role, a definite description of a person ("the ...") that is not an
//!   unnamed source's role (spokesman, official, aide, …) is the person named most among the last sixteen
//!   person mentions (a subject counts twice), unless the same sentence named them before it. A plural
//!   ("officials", "aides") is an unnamed group; an organisation noun ("the campaign", "the ministry") the
//!   organisation with that word in its name, or an unnamed organisation. A name between a determiner and such
//!   a noun ("a Trump supporter", "the Clinton campaign") is a description too.
//!
//! Every look-up is an index or a binary search, and every look-back is bounded (24 person mentions), so the cost
//! per quote does not grow with the text.

use std::collections::HashMap;

use crate::entities::{Entities, Entity, EntityKind, Gender};
use crate::quotes::{Np, NpKind};
use crate::text::{Kind, Token};

/// How far back (in person mentions) a pronoun looks for its antecedent.
const LOOK_BACK: usize = 24;

/// How many paragraphs back the previous quote's speaker can still be "he" or "she".
const CHAIN_PARAGRAPHS: usize = 3;

/// How many person mentions before a description count for the person the text is about.
const SALIENCE_WINDOW: usize = 16;

/// Role nouns that name an unnamed source: a definite description with one of them ("the spokesman") is not
/// taken for the person the text is about.
const UNNAMED_SOURCE_NOUNS: &[&str] = &[
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "official",
    "aide",
    "adviser",
    "advisor",
    "source",
    "analyst",
    "expert",
    "witness",
    "resident",
    "man",
    "woman",
    "officer",
    "soldier",
    "volunteer",
    "worker",
    "reporter",
    "correspondent",
    "staffer",
    "employee",
    "voter",
    "critic",
    "protester",
    "heckler",
    "supporter",
    "friend",
    "neighbor",
    "neighbour",
    "victim",
    "survivor",
    "lawyer",
    "attorney",
    "host",
    "anchor",
    "moderator",
    "columnist",
    "narrator",
    "diplomat",
    "investigator",
    "prosecutor",
    "judge",
];

/// Nouns that make a description an organisation ("the campaign", "the newspaper", "the Turkish government").
const ORGANISATION_NOUNS: &[&str] = &[
    "campaign",
    "ministry",
    "department",
    "agency",
    "office",
    "committee",
    "government",
    "administration",
    "kremlin",
    "military",
    "army",
    "police",
    "company",
    "firm",
    "newspaper",
    "paper",
    "magazine",
    "website",
    "channel",
    "outlet",
    "network",
    "publication",
    "board",
    "group",
    "organization",
    "organisation",
    "party",
    "council",
    "commission",
    "foundation",
    "institute",
    "university",
    "court",
    "embassy",
    "union",
    "bank",
    "team",
    "station",
    "service",
    "center",
    "centre",
];

/// Nouns for what a person says or writes: "her statement", "his remarks" speak for the possessor.
const STATEMENT_NOUNS: &[&str] = &[
    "statement",
    "statements",
    "remarks",
    "comments",
    "comment",
    "tweet",
    "tweets",
    "post",
    "letter",
    "email",
    "message",
    "speech",
    "answer",
    "response",
    "reply",
    "testimony",
    "op-ed",
    "column",
    "memoir",
    "book",
    "essay",
    "interview",
    "account",
    "explanation",
];

/// Words that may open a sentence before its subject: "But Carson said", "Meanwhile, John Kasich reminds us".
const SENTENCE_OPENERS: &[&str] = &[
    "but",
    "and",
    "so",
    "then",
    "yet",
    "meanwhile",
    "still",
    "now",
    "later",
    "also",
    "instead",
    "however",
    "or",
];

pub struct Resolved {
    pub name: Option<String>,
    pub kind: &'static str,
    pub via: &'static str,
    pub entity: Option<usize>,
}

struct PersonMention {
    start: usize,
    end: usize,
    entity: usize,
    /// The mention opens its sentence (after an opener or a fronted phrase and its comma), not as a possessive.
    subject: bool,
    /// The mention opens its sentence, as its subject or as the subject's possessor ("Suu Kyi's fate is …").
    opens: bool,
    /// The name modifies a noun for a body or a group after it ("the Cruz campaign", "Clinton aides"): it
    /// opens no sentence for a pronoun to go back to.
    modifier: bool,
}

/// The previous attributed quote's speaker: an entity, or a person named only as written ("Tobias said").
#[derive(Clone)]
struct Last {
    entity: Option<usize>,
    name: Option<String>,
    paragraph: usize,
    /// Where its speaker mention ends (bytes).
    mention_end: usize,
}

/// Role phrases ("the US President", "the Florida senator") linked to people: indexed by word, so that a role
/// costs the persons that share its head noun, not all entities.
struct RoleIndex {
    /// Every person's role phrases (descriptions, role phrases before the name, appositives), lowercased and
    /// without dots.
    phrases: Vec<Vec<String>>,
    /// Role word -> the persons (in order, once each) that have it.
    by_word: HashMap<String, Vec<usize>>,
    /// Lowercased organisation name, and each word of it -> the first organisation with it.
    orgs: HashMap<String, usize>,
    /// Where each entity is first named (bytes): a description refers back to someone already named.
    first: Vec<usize>,
}

impl RoleIndex {
    /// Lowercase, no dots, abbreviated titles written out ("Ohio Gov." is an Ohio governor).
    fn norm(s: &str) -> String {
        s.to_lowercase()
            .replace('.', "")
            .split_whitespace()
            .map(|w| match w {
                "gov" => "governor",
                "sen" | "sens" => "senator",
                "rep" | "reps" => "representative",
                "gen" => "general",
                "adm" => "admiral",
                "col" => "colonel",
                "capt" => "captain",
                "lt" => "lieutenant",
                "sgt" => "sergeant",
                "pres" => "president",
                "sec" => "secretary",
                w => w,
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn new(list: &[Entity]) -> Self {
        let mut phrases = Vec::with_capacity(list.len());
        let mut by_word: HashMap<String, Vec<usize>> = HashMap::new();
        let mut orgs = HashMap::new();
        for (i, e) in list.iter().enumerate() {
            let mut mine: Vec<String> = Vec::new();
            if e.kind == EntityKind::Person {
                let mut seen = std::collections::HashSet::new();
                for d in e.descriptions.iter().chain(&e.roles).map(|d| Self::norm(d)) {
                    if seen.insert(d.clone()) {
                        mine.push(d);
                    }
                }
            }
            for w in mine.iter().flat_map(|d| d.split_whitespace()) {
                let persons = by_word.entry(w.to_string()).or_default();
                if persons.last() != Some(&i) {
                    persons.push(i);
                }
            }
            phrases.push(mine);
            // (An organisation by its name and by each of its words: "the ministry" is the Ministry of Energy.)
            if e.kind == EntityKind::Organization {
                let name = e.name.to_lowercase();
                for w in name
                    .split_whitespace()
                    .filter(|w| !matches!(*w, "of" | "the" | "for" | "and" | "on" | "in"))
                {
                    orgs.entry(w.to_string()).or_insert(i);
                }
                orgs.entry(name).or_insert(i);
            }
        }
        RoleIndex {
            phrases,
            by_word,
            orgs,
            first: list
                .iter()
                .map(|e| e.mentions.first().map_or(usize::MAX, |m| m.0))
                .collect(),
        }
    }

    /// Among the persons named before `before`: the one with a role phrase that has the head noun (the last
    /// word) and every other word; else the one with a role phrase that has the head noun and every proper
    /// modifier (`proper`: "Florida", "Republican"; a "former" or "retired" need not be written twice).
    fn person(&self, words: &[String], proper: &[String], before: usize) -> Option<usize> {
        let head = words.last()?;
        let candidates: Vec<usize> = self
            .by_word
            .get(head)?
            .iter()
            .copied()
            .filter(|&e| self.first[e] < before)
            .collect();
        // A role phrase of person `e` with the head noun and all of `want`.
        let fits = |e: usize, want: &[String]| {
            self.phrases[e].iter().any(|d| {
                d.split_whitespace().any(|w| w == head.as_str())
                    && want
                        .iter()
                        .all(|w| d.split_whitespace().any(|x| x == w.as_str()) || d.contains(w.as_str()))
            })
        };
        let one = |want: &[String]| {
            let mut it = candidates.iter().copied().filter(|&e| fits(e, want));
            match (it.next(), it.next()) {
                (Some(e), None) => Some(e),
                _ => None,
            }
        };
        one(words).or_else(|| one(proper))
    }

    /// Whether someone named before `before` has a role phrase with the word.
    fn attested(&self, word: &str, before: usize) -> bool {
        self.by_word
            .get(word)
            .is_some_and(|v| v.iter().any(|&e| self.first[e] < before))
    }

    /// The organisation named by the phrase or, by its head noun (the last word), the first organisation with
    /// that word in its name.
    fn organization(&self, words: &[String]) -> Option<usize> {
        self.orgs
            .get(&words.join(" "))
            .or_else(|| self.orgs.get(words.last()?))
            .copied()
    }
}

pub struct Resolver<'a> {
    s: &'a str,
    toks: &'a [Token],
    ents: &'a Entities,
    /// Byte offsets where paragraphs start (after the first).
    paragraph_starts: Vec<usize>,
    /// Byte spans of the sentences, in order.
    sentences: &'a [(usize, usize)],
    persons: Vec<PersonMention>,
    roles: RoleIndex,
    /// First word of a person's name -> the persons with it.
    by_given: HashMap<&'a str, Vec<usize>>,
    last: Option<Last>,
}

fn lower(s: &str) -> String {
    s.to_lowercase()
}

impl<'a> Resolver<'a> {
    /// `inside[t]`: token `t` is inside a quotation; `sentences`: byte spans.
    pub fn new(
        s: &'a str,
        toks: &'a [Token],
        ents: &'a Entities,
        inside: &[bool],
        sentences: &'a [(usize, usize)],
    ) -> Self {
        let paragraph_starts: Vec<usize> = toks.iter().filter(|t| t.kind == Kind::Break).map(|t| t.end).collect();
        let sentence_first: Vec<usize> = sentences
            .iter()
            .map(|&(a, _)| toks.partition_point(|t| t.start < a))
            .collect();
        let mut persons = Vec::new();
        for m in ents
            .mentions
            .iter()
            .filter(|m| ents.list[m.entity].kind == EntityKind::Person)
        {
            let t = toks.partition_point(|t| t.start < m.start);
            if inside.get(t).copied().unwrap_or(false) {
                continue;
            }
            let si = sentences.partition_point(|&(_, b)| b <= m.start);
            let sentence_first = sentence_first.get(si).copied().unwrap_or(0);
            let possessive = s[m.end..].starts_with("'s") || s[m.end..].starts_with("’s");
            // ("The Cruz campaign picked up …": a name before a noun for a body or a group modifies it.)
            let next = s[m.end..].split_whitespace().next().unwrap_or("");
            let modifier = s[m.end..].starts_with(' ')
                && next.starts_with(char::is_lowercase)
                && (ORGANISATION_NOUNS.contains(&next.trim_end_matches(|c: char| !c.is_alphabetic()))
                    || matches!(
                        next,
                        "aides" | "allies" | "supporters" | "voters" | "officials" | "staff"
                    ));
            let opens = Self::opens_sentence(s, toks, t, sentence_first);
            persons.push(PersonMention {
                start: m.start,
                end: m.end,
                entity: m.entity,
                subject: opens && !possessive,
                opens,
                modifier,
            });
        }
        let mut by_given: HashMap<&str, Vec<usize>> = HashMap::new();
        for (i, e) in ents.list.iter().enumerate() {
            let mut words = e.name.split_whitespace();
            if e.kind == EntityKind::Person
                && let (Some(given), Some(_)) = (words.next(), words.next())
            {
                by_given.entry(given).or_default().push(i);
            }
        }
        Resolver {
            s,
            toks,
            ents,
            paragraph_starts,
            sentences,
            persons,
            roles: RoleIndex::new(&ents.list),
            by_given,
            last: None,
        }
    }

    /// Whether the name at token `t` opens its sentence (whose first token is `first`): right at the start,
    /// after an opener ("But", "Meanwhile,"), or after a fronted phrase and its comma ("Later on Sunday, Carson
    /// shared"), and not as one of a list ("Trump, Cruz and Rubio").
    fn opens_sentence(s: &str, toks: &[Token], t: usize, first: usize) -> bool {
        if t <= first {
            return true;
        }
        let before = |k: usize| toks[k].text(s).to_lowercase();
        let mut r = t;
        // Past the role phrase the name belongs to: "State Representative Karlee Macer", "Clinton campaign
        // manager Robby Mook".
        while r > first
            && toks[r - 1].kind == Kind::Word
            && (crate::entities::person_noun(&before(r - 1))
                || crate::lexicon::TITLES.contains(&before(r - 1).as_str())
                || crate::lexicon::ROLE_NOUNS.contains(&before(r - 1).as_str())
                || toks[r - 1].text(s).starts_with(char::is_uppercase))
        {
            r -= 1;
        }
        let mut k = r;
        // Openers and their commas right before the name.
        while k > first && (SENTENCE_OPENERS.contains(&before(k - 1).as_str()) || before(k - 1) == ",") {
            k -= 1;
        }
        if k == first {
            return true;
        }
        // Else only after a fronted phrase's comma ("Asked by Stephanopoulos …, Carson said"; not "asked by
        // Stephanopoulos"), with a lowercase word after the name that is not the "and" of a list ("Trump, Cruz and
        // Rubio").
        if before(r - 1) != "," {
            return false;
        }
        // (The first token after the name's capitalised words must be that lowercase word: ", Hillary Rodham
        // Clinton, to raise taxes" is an apposition.)
        let after = toks
            .iter()
            .skip(t + 1)
            .take(6)
            .find(|x| !(x.kind == Kind::Word && x.text(s).starts_with(char::is_uppercase)) && x.text(s) != ".");
        after.is_some_and(|x| {
            x.kind == Kind::Word
                && !matches!(
                    x.text(s),
                    "and" | "or" | "nor" | "to" | "of" | "in" | "on" | "at" | "for" | "with" | "from" | "by"
                )
        })
    }

    fn paragraph(&self, pos: usize) -> usize {
        self.paragraph_starts.partition_point(|&p| p <= pos)
    }

    fn sentence(&self, pos: usize) -> usize {
        self.sentences.partition_point(|&(_, b)| b <= pos)
    }

    fn person(&self, e: usize) -> bool {
        self.ents.list[e].kind == EntityKind::Person
    }

    fn gender(&self, e: usize) -> Option<Gender> {
        self.ents.list[e].gender
    }

    /// The speaker a quote's mention stands for. `inherited`: the quote continues the previous speaker.
    pub fn resolve(&mut self, np: Np, inherited: bool, base: Option<&str>) -> Resolved {
        let r = self.resolve_np(np, inherited);
        let r = match base {
            // The finder's base form (Ukrainian and Russian): the name as a person would look it up.
            Some(b) => Resolved {
                name: Some(b.to_string()),
                kind: r.entity.map_or("person", |e| self.ents.list[e].kind.as_str()),
                ..r
            },
            None => r,
        };
        if r.entity.is_some() || (r.kind == "person" && r.name.is_some()) {
            self.last = Some(Last {
                entity: r.entity,
                name: r.name.clone(),
                paragraph: self.paragraph(np.start),
                mention_end: np.end,
            });
        }
        r
    }

    fn entity(&self, e: usize, via: &'static str) -> Resolved {
        Resolved {
            name: Some(self.ents.list[e].name.clone()),
            kind: self.ents.list[e].kind.as_str(),
            via,
            entity: Some(e),
        }
    }

    fn nobody(kind: &'static str, via: &'static str) -> Resolved {
        Resolved {
            name: None,
            kind,
            via,
            entity: None,
        }
    }

    fn resolve_np(&self, np: Np, inherited: bool) -> Resolved {
        let text = &self.s[np.start..np.end];
        if inherited {
            // The same mention as the quote it continues, so the same speaker.
            return Resolved {
                via: "inherited",
                ..self.resolve_np(np, false)
            };
        }
        match np.kind {
            NpKind::Name => self.name(np, text),
            NpKind::Pronoun => {
                let found = match lower(text).as_str() {
                    "who" => self.relative(np).map(|e| self.entity(e, "relative pronoun")),
                    "he" => self.pronoun(np, Gender::Male),
                    "she" => self.pronoun(np, Gender::Female),
                    _ => None,
                };
                found.unwrap_or_else(|| Self::nobody("unknown", "pronoun"))
            }
            // "He went on to say": a phrase that opens with a pronoun is the pronoun.
            NpKind::Role
                if matches!(
                    lower(text.split_whitespace().next().unwrap_or("")).as_str(),
                    "he" | "she"
                ) =>
            {
                let first = text.split_whitespace().next().unwrap_or("");
                self.resolve_np(
                    Np {
                        end: np.start + first.len(),
                        last: np.first,
                        kind: NpKind::Pronoun,
                        ..np
                    },
                    false,
                )
            }
            // "her statement explaining that …", "his remarks": what a person said or wrote, under a possessive
            // pronoun, is that person's; the pronoun resolves as "he" or "she" would.
            NpKind::Role if Self::possessed_statement(text).is_some() => {
                let gender = Self::possessed_statement(text).unwrap_or(Gender::Male);
                self.pronoun(np, gender)
                    .unwrap_or_else(|| Self::nobody("unknown", "pronoun"))
            }
            NpKind::Role => self.description(np, text),
        }
    }

    /// "her statement", "his latest remarks": a possessive "his" or "her" before a noun for what a person says or
    /// writes gives the possessor's gender; anything else (or "their") is not such a phrase.
    fn possessed_statement(text: &str) -> Option<Gender> {
        let words: Vec<String> = text.split_whitespace().map(lower).collect();
        let gender = match words.first()?.as_str() {
            "his" => Gender::Male,
            "her" => Gender::Female,
            _ => return None,
        };
        let head = words.last()?;
        (words.len() <= 4 && STATEMENT_NOUNS.contains(&head.as_str())).then_some(gender)
    }

    /// A name: the entity of a mention it overlaps (a person first: "Kremlin spokesman Pavel Orlov" is Orlov);
    /// else a first name alone for the one person with it; else the name as written. A phrase that only starts
    /// with a name's capital ("the Republican") is a description.
    fn name(&self, np: Np, text: &str) -> Resolved {
        // "the New Jersey governor", "the Kremlin spokesman": a description with a name in it.
        let mut words = text.split_whitespace();
        if words.next().is_some_and(|w| matches!(w, "the" | "a" | "an"))
            && words
                .last()
                .is_some_and(|w| w.starts_with(char::is_lowercase) && crate::entities::person_noun(w))
        {
            return self.description(np, text);
        }
        // "a Trump supporter who runs …", "the Clinton campaign": a determiner, a name used as a modifier and the
        // noun after the mention make a description.
        let next = self.s[np.end..]
            .split_whitespace()
            .next()
            .unwrap_or("")
            .trim_end_matches(|c: char| !c.is_alphanumeric());
        if text
            .split_whitespace()
            .next()
            .is_some_and(|w| matches!(w, "a" | "an" | "the" | "another" | "one"))
            && next.starts_with(char::is_lowercase)
            && (crate::entities::person_noun(next) || ORGANISATION_NOUNS.contains(&next))
            && self.s[np.end..].starts_with(' ')
        {
            let end = np.end + 1 + self.s[np.end + 1..].find(next).unwrap_or(0) + next.len();
            return self.description(Np { end, ..np }, &self.s[np.start..end]);
        }
        let mentions = &self.ents.mentions;
        let from = mentions.partition_point(|m| m.end <= np.start);
        let to = mentions.partition_point(|m| m.start < np.end).max(from);
        let overlapping = mentions[from..to]
            .iter()
            .filter(|m| m.start < np.end && np.start < m.end)
            .max_by_key(|m| (self.ents.list[m.entity].kind == EntityKind::Person, m.start));
        if let Some(m) = overlapping {
            return self.entity(m.entity, "name");
        }
        let bare = text.trim_end_matches("'s").trim_end_matches("’s");
        if bare.starts_with(|c: char| c.is_lowercase()) && bare.contains(' ') {
            return self.description(np, text);
        }
        let words: Vec<&str> = bare
            .split_whitespace()
            .filter(|w| !crate::lexicon::TITLES.contains(&lower(w).as_str()))
            .collect();
        if let [one] = words.as_slice()
            && let Some(&[e]) = self.by_given.get(one).map(Vec::as_slice)
        {
            return self.entity(e, "first name");
        }
        Resolved {
            name: Some(bare.to_string()),
            kind: "person",
            via: "name",
            entity: None,
        }
    }

    /// "who": the person named right before it ("Eva Stone, who said"); nobody after a common noun ("some
    /// analysts and activists, who pointed out").
    fn relative(&self, np: Np) -> Option<usize> {
        let t = self.toks.partition_point(|t| t.start < np.start);
        let mut k = t.checked_sub(1)?;
        if self.toks[k].text(self.s) == "," {
            k = k.checked_sub(1)?;
        }
        let before = self.toks[k];
        if before.kind == Kind::Word && before.text(self.s).starts_with(|c: char| c.is_lowercase()) {
            return None;
        }
        let i = self.persons.partition_point(|m| m.end <= np.start);
        self.persons[..i].last().map(|m| m.entity)
    }

    /// "he", "she": the attribution chain (see the module documentation).
    fn pronoun(&self, np: Np, gender: Gender) -> Option<Resolved> {
        let fits = |e: usize| self.gender(e).is_none_or(|g| g == gender);
        let paragraph = self.paragraph(np.start);
        let paragraph_start = paragraph
            .checked_sub(1)
            .and_then(|p| self.paragraph_starts.get(p))
            .copied()
            .unwrap_or(0);
        let i = self.persons.partition_point(|m| m.end <= np.start);
        let recent = &self.persons[i.saturating_sub(LOOK_BACK)..i];
        // A subject named in this paragraph after the previous speaker's mention.
        let since = self
            .last
            .as_ref()
            .map_or(paragraph_start, |l| l.mention_end.max(paragraph_start));
        if let Some(m) = recent
            .iter()
            .rev()
            .take_while(|m| m.start >= since)
            .find(|m| m.subject && fits(m.entity))
        {
            return Some(self.entity(m.entity, "pronoun"));
        }
        // A person whose name opens the pronoun's own sentence, as its subject or its subject's possessor: "Suu
        // Kyi's fate is still unclear, but she said …".
        let sentence_start = self.sentences.get(self.sentence(np.start)).map_or(0, |&(a, _)| a);
        if let Some(m) = recent
            .iter()
            .rev()
            .take_while(|m| m.start >= sentence_start)
            .filter(|m| m.opens && !m.modifier && fits(m.entity))
            .last()
        {
            return Some(self.entity(m.entity, "pronoun"));
        }
        // The previous quote's speaker, a few paragraphs back at most, when nobody else has been the subject of a
        // sentence since (as far as it looks back).
        // (Also one named only as written: "“…,” Tobias said. … “…,” he said.")
        if let Some(l) = &self.last
            && l.entity.is_none_or(|e| self.person(e) && fits(e))
            && paragraph.saturating_sub(l.paragraph) <= CHAIN_PARAGRAPHS
            && !recent
                .iter()
                .any(|m| m.start >= l.mention_end && m.subject && Some(m.entity) != l.entity)
        {
            return Some(match l.entity {
                Some(e) => self.entity(e, "pronoun"),
                None => Resolved {
                    name: l.name.clone(),
                    kind: "person",
                    via: "pronoun",
                    entity: None,
                },
            });
        }
        // The nearest person named before; when that sentence has another subject who fits, its subject: in
        // "Trump also attacked Clinton and Rubio. He said that …" the one who acts goes on, not the last named.
        // (Not when the nearest is the speaker of that sentence: "Cruz is the ablest, Viguerie argues.")
        let nearest = recent.iter().rev().find(|m| fits(m.entity))?;
        let speaks = {
            let word = |w: Option<&str>| {
                w.map(|w| w.trim_matches(|c: char| !c.is_alphabetic()).to_lowercase())
                    .is_some_and(|w| crate::lexicon::SPEECH_VERBS.contains(&w.as_str()))
            };
            word(self.s[nearest.end..].split_whitespace().next())
                || word(self.s[..nearest.start].split_whitespace().next_back())
        };
        let sentence = self.sentence(nearest.start);
        let subject = recent
            .iter()
            .rev()
            .filter(|_| !nearest.subject && !speaks)
            .skip_while(|m| m.start > nearest.start)
            .take_while(|m| self.sentence(m.start) == sentence)
            .filter(|m| m.subject && !m.modifier && fits(m.entity))
            .last();
        Some(self.entity(subject.unwrap_or(nearest).entity, "pronoun"))
    }

    /// A description ("the Republican senator", "officials", "the campaign").
    fn description(&self, np: Np, text: &str) -> Resolved {
        // (Words lowercased, without possessives and dots; the capitalised ones also kept apart as proper
        // modifiers.)
        let mut all: Vec<String> = Vec::new();
        let mut proper: Vec<String> = Vec::new();
        for w in text.split_whitespace() {
            let bare = w
                .trim_end_matches("'s")
                .trim_end_matches("’s")
                .trim_matches(|c: char| !c.is_alphanumeric() && c != '-');
            let norm = RoleIndex::norm(bare);
            if norm.is_empty() {
                continue;
            }
            if bare.starts_with(char::is_uppercase) && !all.is_empty() {
                proper.push(norm.clone());
            }
            all.push(norm);
        }
        let definite = all.first().is_some_and(|w| matches!(w.as_str(), "the" | "this"));
        let words: Vec<String> = all
            .into_iter()
            .filter(|w| !matches!(w.as_str(), "the" | "a" | "an" | "this" | "that"))
            .collect();
        let Some(head) = words.last() else {
            return Self::nobody("unknown", "role");
        };
        // "the campaign", "the newspaper": an organisation, the one named by a word if the text has it.
        if ORGANISATION_NOUNS.contains(&head.as_str()) {
            return match self.roles.organization(&words) {
                Some(e) => self.entity(e, "role"),
                None => Self::nobody("organization", "role"),
            };
        }
        let one_person = crate::entities::person_noun(head) || head.ends_with("-year-old");
        if !one_person {
            // "officials", "aides", "those surveyed": a group, not a person.
            return match self.roles.organization(&words) {
                Some(e) => self.entity(e, "role"),
                None => Self::nobody("unknown", "role"),
            };
        }
        if let Some(e) = self.roles.person(&words, &proper, np.start) {
            return self.entity(e, "role");
        }
        // "the candidate", "the retired neurosurgeon": when nobody in the text is given that role, the person the
        // text is about here: named most among the last person mentions before it (a subject counts twice). Not
        // an unnamed source's role ("the spokesman"), not when the role is someone's (then it is ambiguous), and
        // not someone the same sentence has named before it: within a sentence a writer says "he"; "X said …,
        // but the governor urged …" is someone else.
        let attested = self.roles.attested(head, np.start);
        if !definite || attested || UNNAMED_SOURCE_NOUNS.contains(&head.as_str()) {
            return Self::nobody("unknown", "role");
        }
        let i = self.persons.partition_point(|m| m.end <= np.start);
        let sentence_start = self.sentences.get(self.sentence(np.start)).map_or(0, |&(a, _)| a);
        let window = &self.persons[i.saturating_sub(SALIENCE_WINDOW)..i];
        let mut score: Vec<(usize, usize, usize)> = Vec::new(); // (entity, score, last position)
        for (k, m) in window.iter().enumerate() {
            let w = if m.subject { 2 } else { 1 };
            match score.iter_mut().find(|(e, _, _)| *e == m.entity) {
                Some(x) => {
                    x.1 += w;
                    x.2 = k;
                }
                None => score.push((m.entity, w, k)),
            }
        }
        let named_in_sentence = |e: usize| {
            window
                .iter()
                .rev()
                .take_while(|m| m.start >= sentence_start)
                .any(|m| m.entity == e)
        };
        match score.iter().max_by_key(|&&(_, n, last)| (n, last)) {
            Some(&(e, _, _)) if !named_in_sentence(e) => self.entity(e, "role: the person the text is about"),
            _ => Self::nobody("unknown", "role"),
        }
    }
}
