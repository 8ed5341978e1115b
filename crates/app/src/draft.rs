//! Drafts: a development's reports become a headline and one or two dated, attributed sentences in the
//! briefing's style ("Kremlin aide Yury Ushakov said on March 13 that …"), with every claim taken from a
//! report and traced to its span. Pure: reports in, a [`Summary`] out.
//!
//! What is written here and not taken from a report is attribution and dates only: "said", "on", "that",
//! the date, punctuation. A test checks every draft against exactly that.

use std::collections::{BTreeMap, BTreeSet};

use livebrief_model::reading::{EntityKind, Quote, QuoteKind, Span, span_text};
use livebrief_model::{Citation, Date, Draft, Facets, Piece, PieceField, Report, ReportId, Summary, limits};

/// The words a draft may add around what it takes from reports.
pub const SCAFFOLD: &[&str] = &["said", "on", "that", "earlier", "had"];

const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const MONTHS_UK: [&str; 12] = [
    "січня",
    "лютого",
    "березня",
    "квітня",
    "травня",
    "червня",
    "липня",
    "серпня",
    "вересня",
    "жовтня",
    "листопада",
    "грудня",
];
const MONTHS_RU: [&str; 12] = [
    "января",
    "февраля",
    "марта",
    "апреля",
    "мая",
    "июня",
    "июля",
    "августа",
    "сентября",
    "октября",
    "ноября",
    "декабря",
];

/// Every month name a draft may write, for checking drafts.
pub fn month_names() -> impl Iterator<Item = &'static str> {
    MONTHS_EN.iter().chain(&MONTHS_UK).chain(&MONTHS_RU).copied()
}

/// A draft under construction: text with the pieces it took.
struct Writer<'a> {
    text: String,
    pieces: Vec<Piece>,
    report: &'a Report,
}

impl<'a> Writer<'a> {
    fn new(report: &'a Report) -> Self {
        Writer {
            text: String::new(),
            pieces: Vec::new(),
            report,
        }
    }
    fn lit(&mut self, s: &str) {
        self.text.push_str(s);
    }
    fn take(&mut self, p: Piece) {
        self.text.push_str(&p.text);
        self.pieces.push(p);
    }
}

/// A span of the report's text as a piece, trimmed of whitespace and of the given characters at either end.
fn piece(report: &Report, field: PieceField, (a, b): Span, trim: &[char]) -> Option<Piece> {
    let src = match field {
        PieceField::Title => &report.title,
        PieceField::Text => &report.text,
    };
    let raw = span_text(src, (a, b))?;
    let strip = |c: char| c.is_whitespace() || trim.contains(&c);
    let lead = raw.chars().take_while(|&c| strip(c)).count();
    let inner = raw.trim_start_matches(strip).trim_end_matches(strip);
    if inner.is_empty() {
        return None;
    }
    let start = a + lead;
    let end = start + inner.chars().count();
    Some(Piece {
        report_id: report.id,
        field,
        span: (start, end),
        text: inner.to_string(),
    })
}

/// Where `needle` first occurs in `hay`, in code points.
fn find_span(hay: &str, needle: &str) -> Option<Span> {
    if needle.is_empty() {
        return None;
    }
    let byte = hay.find(needle)?;
    let start = hay[..byte].chars().count();
    Some((start, start + needle.chars().count()))
}

const QUOTE_MARKS: &[char] = &['"', '“', '”', '«', '»', '„', '‘', '’', '\'', ',', '.', ';', ':'];
const CLAUSE_TRIM: &[char] = &[',', '.', ';', ':'];

/// The words of a quote as a piece: direct quotes without their marks and trailing comma, reported ones
/// without the leading "that"/"що"/"что".
fn quote_pieces(report: &Report, q: &Quote) -> Vec<Piece> {
    let mut out = Vec::new();
    for (i, &sp) in q.spans.iter().enumerate() {
        let trim = if q.kind == QuoteKind::Direct {
            QUOTE_MARKS
        } else {
            CLAUSE_TRIM
        };
        let Some(mut p) = piece(report, PieceField::Text, sp, trim) else {
            continue;
        };
        if i == 0 && q.kind != QuoteKind::Direct {
            for lead in ["that ", "That ", "що ", "что ", "Що ", "Что "] {
                if let Some(rest) = p.text.strip_prefix(lead) {
                    let skip = lead.chars().count();
                    if let Some(np) = piece(report, PieceField::Text, (p.span.0 + skip, p.span.1), CLAUSE_TRIM) {
                        p = np;
                    } else if rest.is_empty() {
                        continue;
                    }
                    break;
                }
            }
        }
        out.push(p);
    }
    out
}

pub fn words(s: &str) -> usize {
    s.split_whitespace().count()
}

/// The speaker's name as the draft writes it, with the role the report gives ("Kremlin aide"), each a piece
/// of the report where the report has it.
fn speaker_pieces(report: &Report, q: &Quote) -> Option<(Option<Piece>, Piece)> {
    let sp = q.speaker.as_ref()?;
    let name = sp.name.as_deref()?;
    if sp.kind == "unknown" {
        return None;
    }
    let entity = report.reading.entities.iter().find(|e| e.name == name);
    // The full name as written in the report, else the mention the quote is attributed to when it is a name.
    let name_piece = find_span(&report.text, name)
        .and_then(|s| piece(report, PieceField::Text, s, &[]))
        .or_else(|| {
            entity.and_then(|e| {
                e.mentions
                    .iter()
                    .max_by_key(|(t, _)| t.chars().count())
                    .and_then(|(_, s)| piece(report, PieceField::Text, *s, &[]))
            })
        })?;
    let role = entity
        .and_then(|e| e.descriptions.first())
        // A role that opens the sentence well: "Kremlin aide", not "officer" or "the spokesman".
        .filter(|d| d.chars().count() <= 60 && d.starts_with(char::is_uppercase))
        .and_then(|d| find_span(&report.text, d))
        .and_then(|s| piece(report, PieceField::Text, s, &[]));
    Some((role, name_piece))
}

fn date_words(d: Date, lang: &str) -> String {
    let m = (d.month() - 1) as usize;
    match lang {
        "uk" => format!("{} {}", d.day(), MONTHS_UK[m]),
        "ru" => format!("{} {}", d.day(), MONTHS_RU[m]),
        _ => format!("{} {}", MONTHS_EN[m], d.day()),
    }
}

/// How good a quote is as the claim of a draft (higher is better), or `None` when it cannot carry one.
fn quote_score(report: &Report, q: &Quote, corroboration: &BTreeMap<String, usize>) -> Option<f32> {
    let speaker = q.speaker.as_ref()?;
    let name = speaker.name.as_deref()?;
    let n = words(&q.text);
    if !(5..=70).contains(&n) {
        return None;
    }
    // A reported clause that cannot stand after "said that": a question word, an infinitive, a date.
    let first = q
        .text
        .trim_start_matches(|c: char| !c.is_alphanumeric())
        .split_whitespace()
        .find(|w| *w != "that")
        .unwrap_or_default();
    if q.kind != QuoteKind::Direct
        && (matches!(
            first,
            "why" | "what" | "how" | "whether" | "if" | "when" | "where" | "to" | "and" | "but"
        ) || first.starts_with(|c: char| c.is_ascii_digit())
            || MONTHS_EN.contains(&first))
    {
        return None;
    }
    let sentence = report
        .reading
        .sentences
        .iter()
        .position(|&(a, b)| q.spans.first().is_some_and(|s| s.0 >= a && s.0 < b))
        .unwrap_or(usize::MAX);
    let mut score = corroboration.get(name).copied().unwrap_or(0) as f32;
    if speaker.kind == "person" {
        score += 1.0;
    }
    score += match q.kind {
        QuoteKind::Indirect | QuoteKind::Mixed => 1.0,
        QuoteKind::Direct => 0.5,
    };
    score += 2.0 / (1.0 + sentence.min(20) as f32 / 2.0);
    if (8..=45).contains(&n) {
        score += 0.5;
    }
    Some(score)
}

/// The first sentence that reads as a lead: at least eight words, not a dateline or a line of capitals.
fn lead_sentence(report: &Report) -> Option<Piece> {
    report.reading.sentences.iter().find_map(|&sp| {
        let p = piece(report, PieceField::Text, sp, &[])?;
        let letters: Vec<char> = p.text.chars().filter(|c| c.is_alphabetic()).collect();
        let upper = letters.iter().filter(|c| c.is_uppercase()).count();
        let ok = words(&p.text) >= 8
            && words(&p.text) <= 80
            && upper * 2 < letters.len()
            && p.text.ends_with(['.', '!', '?', '"', '”', '»']);
        ok.then_some(p)
    })
}

/// The report's title without a trailing "| Outlet" or "- Outlet".
fn headline_piece(report: &Report) -> Option<Piece> {
    let title = report.title.trim();
    if title.is_empty() {
        return None;
    }
    let mut end = title.chars().count();
    for sep in [" | ", " - ", " — ", " – "] {
        if let Some(i) = title.rfind(sep) {
            let tail = &title[i + sep.len()..];
            if words(tail) <= 4 && words(&title[..i]) >= 4 {
                end = title[..i].chars().count();
                break;
            }
        }
    }
    let lead = report.title.chars().take_while(|c| c.is_whitespace()).count();
    piece(report, PieceField::Title, (lead, lead + end), &[])
}

/// Cuts a piece to about `max_words` words at a comma or word boundary (for a headline).
fn shorten(report: &Report, p: &Piece, max_words: usize) -> Piece {
    if words(&p.text) <= max_words {
        return p.clone();
    }
    let mut count = 0;
    let mut cut = p.text.len();
    let mut last_comma = None;
    for (i, c) in p.text.char_indices() {
        if c.is_whitespace() {
            count += 1;
            if count >= max_words {
                cut = i;
                break;
            }
        }
        if c == ',' && count >= 10 {
            last_comma = Some(i);
        }
    }
    let cut = last_comma.unwrap_or(cut);
    let chars = p.text[..cut].chars().count();
    piece(report, p.field, (p.span.0, p.span.0 + chars), CLAUSE_TRIM).unwrap_or_else(|| p.clone())
}

/// How a statement is written: the full attribution, or a short second mention of the same speaker.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mention {
    Full,
    Short,
}

/// Writes one attributed sentence for `q` in the order the report gives: "Kremlin aide Yury Ushakov said on
/// March 13 that …" when the speaker comes first, "…, Ushakov said on March 13." when the statement does
/// (also for direct quotes: "“…,” Ushakov said."). Reports in Ukrainian and Russian get no English scaffold:
/// "Дмитро Пєсков, 13 березня: «…»".
fn attributed(w: &mut Writer<'_>, q: &Quote, who: (Option<Piece>, Piece), mention: Mention) {
    let quote = quote_pieces(w.report, q);
    let (role, name) = who;
    let name = match mention {
        Mention::Full => name,
        Mention::Short => surname(w.report, &name).unwrap_or(name),
    };
    let role = role.filter(|_| mention == Mention::Full);
    let lang = w.report.language.clone();
    let en = !matches!(lang.as_str(), "uk" | "ru");
    let direct = q.kind == QuoteKind::Direct;
    let date = match (q.date, mention) {
        (_, Mention::Short) => String::new(),
        (Some(d), _) if en => format!(" on {}", date_words(d, &lang)),
        (Some(d), _) => format!(", {}", date_words(d, &lang)),
        (None, _) if en => " earlier".into(),
        (None, _) => String::new(),
    };
    let speaker_first = q
        .speaker
        .as_ref()
        .zip(q.spans.first())
        .is_some_and(|(s, sp)| s.span.0 < sp.0);
    let quote_words = |w: &mut Writer<'_>| {
        for (i, p) in quote.iter().enumerate() {
            if i > 0 {
                w.lit(" … ");
            }
            w.take(p.clone());
        }
    };
    let who = |w: &mut Writer<'_>| {
        if let Some(r) = &role {
            w.take(r.clone());
            w.lit(" ");
        }
        w.take(name.clone());
    };
    if !en {
        who(w);
        w.lit(&date);
        w.lit(if direct { ": «" } else { ": " });
        quote_words(w);
        w.lit(if direct { "»." } else { "." });
    } else if speaker_first && !direct {
        who(w);
        w.lit(&format!(" said{date} that "));
        quote_words(w);
        w.lit(".");
    } else {
        w.lit(if direct { "“" } else { "" });
        quote_words(w);
        w.lit(if direct { ",” " } else { ", " });
        who(w);
        w.lit(&format!(" said{date}."));
    }
}

/// The last word of a name as a piece of the report ("Ushakov" of "Yury Ushakov").
fn surname(report: &Report, name: &Piece) -> Option<Piece> {
    let last = name.text.split_whitespace().last()?;
    if last == name.text {
        return None;
    }
    let start = name.span.1 - last.chars().count();
    piece(report, name.field, (start, name.span.1), &[])
}

/// A development's draft, facets, corroboration and dates from its reports (received order does not matter).
pub fn summarize(reports: &[&Report]) -> Option<Summary> {
    let first = reports.first()?;
    let mut by_date: Vec<&Report> = reports.to_vec();
    by_date.sort_by_key(|r| (r.published, r.received_at, r.id));
    let outlets: BTreeSet<String> = reports.iter().map(|r| outlet_of(r).to_lowercase()).collect();
    let draft = compose(&by_date);
    Some(Summary {
        draft,
        facets: facets(reports),
        report_count: reports.len() as u32,
        outlet_count: outlets.len() as u32,
        first_report_at: reports.iter().map(|r| r.received_at).min().unwrap_or(first.received_at),
        last_report_at: reports.iter().map(|r| r.received_at).max().unwrap_or(first.received_at),
        earliest_published: by_date[0].published,
    })
}

/// The outlet a report is credited to: its source, else its address's host.
pub fn outlet_of(r: &Report) -> String {
    if !r.source.trim().is_empty() {
        return r.source.trim().to_string();
    }
    r.url
        .as_deref()
        .and_then(|u| url::Url::parse(u).ok())
        .and_then(|u| u.host_str().map(|h| h.trim_start_matches("www.").to_string()))
        .unwrap_or_else(|| "unknown".into())
}

/// The entry's sources: every report, earliest first, one per address.
pub fn citations(reports: &[&Report]) -> Vec<Citation> {
    let mut by_date: Vec<&Report> = reports.to_vec();
    by_date.sort_by_key(|r| (r.published, r.received_at, r.id));
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for r in by_date {
        let Some(url) = r.url.clone() else { continue };
        if !seen.insert(url.clone()) || out.len() >= limits::SOURCES {
            continue;
        }
        out.push(Citation {
            outlet: outlet_of(r).chars().take(limits::SOURCE_TEXT_CHARS).collect(),
            url,
            title: r.title.chars().take(limits::SOURCE_TEXT_CHARS).collect(),
            published_at: Some(
                r.received_at.min(
                    r.published
                        .to_zoned(livebrief_model::TimeZone::UTC)
                        .map(|z| z.timestamp())
                        .unwrap_or(r.received_at),
                ),
            ),
        });
    }
    out
}

/// The topic labels of a development: those of its lead report, and any most of its reports share.
pub fn topics(reports: &[&Report]) -> Vec<String> {
    let mut count: BTreeMap<&str, usize> = BTreeMap::new();
    for r in reports {
        for t in &r.reading.topics {
            *count.entry(t.label.as_str()).or_default() += 1;
        }
    }
    let mut out: Vec<String> = Vec::new();
    if let Some(t) = reports.first().and_then(|r| r.reading.topics.first()) {
        out.push(t.label.clone());
    }
    let mut shared: Vec<(&str, usize)> = count.into_iter().filter(|&(_, n)| n * 2 > reports.len()).collect();
    shared.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    for (t, _) in shared {
        if !out.iter().any(|x| x == t) && out.len() < 4 {
            out.push(t.to_string());
        }
    }
    out
}

fn facets(reports: &[&Report]) -> Facets {
    let mut f = Facets::default();
    let add = |v: &mut Vec<String>, s: &str| {
        let s = s.trim();
        if !s.is_empty() && !v.iter().any(|x| x == s) && v.len() < 50 {
            v.push(s.to_string());
        }
    };
    for r in reports {
        for t in &r.reading.topics {
            add(&mut f.topics, &t.label);
        }
        for e in r.reading.entities_of(EntityKind::Place) {
            add(&mut f.places, e.place.as_ref().map_or(&e.name, |p| &p.name));
        }
        for s in r.reading.speaker_names() {
            add(&mut f.speakers, s);
        }
        add(&mut f.outlets, &outlet_of(r));
        add(&mut f.languages, &r.language);
    }
    f
}

/// The draft of reports sorted earliest first.
fn compose(reports: &[&Report]) -> Draft {
    let Some(&lead) = reports.first() else {
        return Draft::default();
    };
    // How many reports quote each speaker: a statement several outlets carry leads.
    let mut corroboration: BTreeMap<String, usize> = BTreeMap::new();
    for r in reports {
        for name in r.reading.speaker_names() {
            *corroboration.entry(name.to_string()).or_default() += 1;
        }
    }
    // The best statement among the reports, preferring the earliest report on a tie.
    let best = reports
        .iter()
        .enumerate()
        .flat_map(|(i, r)| r.reading.quotes.iter().map(move |q| (i, *r, q)))
        .filter_map(|(i, r, q)| {
            let s = quote_score(r, q, &corroboration)? - i as f32 * 0.01;
            Some((s, r, q, speaker_pieces(r, q)?))
        })
        .max_by(|a, b| a.0.total_cmp(&b.0));
    let mut body = Writer::new(lead);
    let mut happened_on = None;
    match best {
        Some((_, r, q, who)) => {
            let mut w = Writer::new(r);
            attributed(&mut w, q, who, Mention::Full);
            happened_on = q.date;
            body.text = w.text;
            body.pieces = w.pieces;
            // A second sentence: the same speaker's own words, when the first was reported speech.
            if q.kind != QuoteKind::Direct
                && let Some(d) = r.reading.quotes.iter().find(|d| {
                    d.kind == QuoteKind::Direct
                        && d.speaker.as_ref().and_then(|s| s.name.as_deref())
                            == q.speaker.as_ref().and_then(|s| s.name.as_deref())
                        && (5..=45).contains(&words(&d.text))
                })
                && let Some(who) = speaker_pieces(r, d)
            {
                let mut w2 = Writer::new(r);
                attributed(&mut w2, d, who, Mention::Short);
                body.lit(" ");
                body.text.push_str(&w2.text);
                body.pieces.extend(w2.pieces);
            }
        }
        None => {
            if let Some(p) = lead_sentence(lead) {
                body.take(p);
            } else if let Some(p) = headline_piece(lead) {
                body.take(p);
            }
        }
    }
    // The headline: the lead report's title, else its lead sentence cut short.
    let mut head = Writer::new(lead);
    if let Some(p) = reports.iter().find_map(|r| headline_piece(r)) {
        let p = if p.text.chars().count() > limits::HEADLINE_CHARS {
            shorten(lead, &p, 20)
        } else {
            p
        };
        head.take(p);
    } else if let Some(p) = lead_sentence(lead).or_else(|| body.pieces.first().cloned()) {
        let src = reports.iter().find(|r| r.id == p.report_id).copied().unwrap_or(lead);
        let short = shorten(src, &p, 16);
        let cut = short.text != p.text;
        head.take(short);
        if cut {
            head.lit(" …");
        }
    }
    let mut pieces = head.pieces;
    pieces.extend(body.pieces);
    Draft {
        headline: head.text,
        body: body.text,
        happened_on: happened_on.or(Some(lead.published)),
        pieces,
    }
}

/// Checks a draft against its reports: every piece is what its report says at its span, and what is left of
/// headline and body once the pieces are taken out is attribution, dates and punctuation only. Returns what
/// is wrong, for tests and for the desk.
pub fn verify(draft: &Draft, reports: &[&Report]) -> Result<(), String> {
    let by_id: BTreeMap<ReportId, &Report> = reports.iter().map(|r| (r.id, *r)).collect();
    for p in &draft.pieces {
        let r = by_id.get(&p.report_id).ok_or_else(|| {
            format!(
                "piece {:?} cites report #{} outside the development",
                p.text, p.report_id.0
            )
        })?;
        if !p.traces_to(&r.title, &r.text) {
            return Err(format!(
                "piece {:?} is not what report #{} says at {:?}",
                p.text, r.id.0, p.span
            ));
        }
    }
    let mut rest = format!("{}\n{}", draft.headline, draft.body);
    let mut texts: Vec<&str> = draft.pieces.iter().map(|p| p.text.as_str()).collect();
    texts.sort_by_key(|t| std::cmp::Reverse(t.len()));
    for t in texts {
        rest = rest.replacen(t, " ", 1);
    }
    let months: BTreeSet<&str> = month_names().collect();
    for w in rest.split(|c: char| !c.is_alphanumeric() && c != '\'') {
        if w.is_empty() || w.chars().all(|c| c.is_ascii_digit()) {
            continue;
        }
        if !SCAFFOLD.contains(&w) && !months.contains(w) {
            return Err(format!("the draft says {w:?}, which no report does: {rest:?}"));
        }
    }
    Ok(())
}
