//! The Ukrainian and Russian finder, for a report whose language is `uk` or `ru` (the English passes are not
//! run on it, and it is not run on English).
//!
//! - **Direct**: `«…», — сказав X.`, `«…», — X сказав.`, `X заявив: «…»`, `— …, — сказала X. — …`
//!   (dialogue dashes), „…“ like «…»; a quotation inside a quotation belongs to the outer one; an unattributed
//!   quotation right after an attributed one in the same paragraph continues it.
//! - **Indirect**: `X заявив, що …` (`заявил, что`), `…, заявив X.`, `За словами X, …` (`По словам X`),
//!   `…, за словами X.`, `Як повідомив X, …` (`Как сообщил X`), `Як зазначили в X, …`, `Про це повідомив X.`
//!   (`Об этом сообщил X.`: the content is the sentence before). A quoted fragment that starts in lowercase
//!   inside the content makes the quote mixed; a capitalised one is a title or a name («Нафтогаз»).
//! - **Not quotes**: quoted titles and scare quotes with no verb of saying, and headlines (a short line with
//!   no closing punctuation).
//!
//! Speakers: the name as written (the last one or two capitalised words of the phrase), a pronoun (він, она, …,
//! resolved to the previous speaker), a role (речник, міністр) or an organisation after `в`/`у` (`зазначили в
//! Міноборони`). After `За словами`/`По словам` the name is in the genitive; its base form comes from case
//! endings ([`genitive_to_nominative`]) until a morphological dictionary replaces them.

use super::*;

/// Verbs of saying, Ukrainian and Russian (lowercase): past forms (m, f, pl) and present 3rd person.
const CUES: &[&str] = &[
    // Ukrainian
    "сказав",
    "сказала",
    "сказали",
    "заявив",
    "заявила",
    "заявили",
    "повідомив",
    "повідомила",
    "повідомили",
    "зазначив",
    "зазначила",
    "зазначили",
    "наголосив",
    "наголосила",
    "наголосили",
    "підкреслив",
    "підкреслила",
    "підкреслили",
    "додав",
    "додала",
    "додали",
    "розповів",
    "розповіла",
    "розповіли",
    "пояснив",
    "пояснила",
    "пояснили",
    "написав",
    "написала",
    "написали",
    "запитав",
    "запитала",
    "відповів",
    "відповіла",
    "попередив",
    "попередила",
    "попередили",
    "нагадав",
    "нагадала",
    "визнав",
    "визнала",
    "уточнив",
    "уточнила",
    "уточнили",
    "зауважив",
    "зауважила",
    "заявляє",
    "каже",
    "говорить",
    "вважає",
    "наголошує",
    "повідомляє",
    "зазначає",
    "переконаний",
    "переконана",
    "вважають",
    "кажуть",
    "заявляють",
    "повідомляють",
    "наголошують",
    "зазначають",
    "запевнив",
    "запевнила",
    "запевнили",
    "заперечив",
    "заперечила",
    // Russian
    "сказал",
    "сказала",
    "сказали",
    "заявил",
    "заявила",
    "заявили",
    "сообщил",
    "сообщила",
    "сообщили",
    "отметил",
    "отметила",
    "отметили",
    "подчеркнул",
    "подчеркнула",
    "подчеркнули",
    "добавил",
    "добавила",
    "добавили",
    "рассказал",
    "рассказала",
    "рассказали",
    "пояснил",
    "пояснила",
    "пояснили",
    "написал",
    "написала",
    "написали",
    "спросил",
    "спросила",
    "ответил",
    "ответила",
    "предупредил",
    "предупредила",
    "предупредили",
    "напомнил",
    "напомнила",
    "признал",
    "признала",
    "уточнил",
    "уточнила",
    "уточнили",
    "заметил",
    "заметила",
    "заявляет",
    "говорит",
    "считает",
    "подчеркивает",
    "сообщает",
    "отмечает",
    "уверен",
    "уверена",
    "считают",
    "говорят",
    "заявляют",
    "сообщают",
    "подчеркивают",
    "отмечают",
    "заверил",
    "заверила",
    "заверили",
    "опроверг",
    "опровергла",
];

/// Words that may stand between a verb of saying and its speaker, or between the speaker and the verb.
const ADVERBS: &[&str] = &[
    "також",
    "також,",
    "раніше",
    "вже",
    "вчора",
    "сьогодні",
    "згодом",
    "потім",
    "публічно",
    "офіційно",
    "тоді",
    "также",
    "ранее",
    "уже",
    "вчера",
    "сегодня",
    "позже",
    "затем",
    "публично",
    "официально",
    "тогда",
    "журналістам",
    "журналистам",
    "репортерам",
    "нам",
];

const DAYS: &[&str] = &[
    "понеділок",
    "вівторок",
    "середу",
    "четвер",
    "п'ятницю",
    "п’ятницю",
    "суботу",
    "неділю",
    "понедельник",
    "вторник",
    "среду",
    "четверг",
    "пятницу",
    "субботу",
    "воскресенье",
];

const PRONOUNS_UK_RU: &[&str] = &["він", "вона", "вони", "он", "она", "они"];

/// Lowercase words that name a speaker's role ("речник", "министр"): a speaker without a name.
const ROLES: &[&str] = &[
    "речник",
    "речниця",
    "президент",
    "прем'єр",
    "прем’єр",
    "прем'єр-міністр",
    "прем’єр-міністр",
    "міністр",
    "міністерка",
    "посол",
    "посадовець",
    "депутат",
    "депутатка",
    "мер",
    "губернатор",
    "командувач",
    "генерал",
    "джерело",
    "співрозмовник",
    "спікер",
    "голова",
    "глава",
    "представник",
    "представниця",
    "пресс-секретарь",
    "представитель",
    "министр",
    "премьер",
    "премьер-министр",
    "мэр",
    "чиновник",
    "источник",
    "собеседник",
    "спикер",
    "командующий",
    "журналіст",
    "журналист",
    "журналістка",
    "журналистка",
    "президента",
    "речника",
    "міністра",
    "министра",
    "представителя",
    "представника",
];

/// Prepositions that end a speaker phrase after the verb ("заявив Пєсков у вівторок", "сказал Лавров в
/// интервью").
const STOPS: &[&str] = &[
    "у",
    "в",
    "во",
    "на",
    "під",
    "под",
    "після",
    "после",
    "перед",
    "під час",
    "під",
    "з",
    "с",
    "із",
    "для",
    "до",
    "журналістам",
    "журналистам",
    "який",
    "яка",
    "які",
    "который",
    "которая",
    "которые",
    "що",
    "что",
    "і",
    "и",
    "та",
    "а",
    "але",
    "но",
];

/// A Ukrainian or Russian report: more Cyrillic letters than Latin ones in its first 4,000 characters (as
/// `lang::detect` counts them; a Russian text without ы, э, ъ or ё is still Russian here).
pub(crate) fn is_cyrillic_text(s: &str) -> bool {
    let (mut cyr, mut lat) = (0usize, 0usize);
    for c in s.chars().take(4000) {
        match c {
            '\u{400}'..='\u{4ff}' => cyr += 1,
            'a'..='z' | 'A'..='Z' => lat += 1,
            _ => {}
        }
    }
    cyr > lat
}

/// Capitalised at the start of a sentence, but not names: "Натомість заявив, що …", "Однако сообщил, что …".
const CONNECTIVES: &[&str] = &[
    "натомість",
    "однак",
    "проте",
    "тому",
    "водночас",
    "також",
    "крім",
    "зокрема",
    "втім",
    "отже",
    "тоді",
    "потім",
    "однако",
    "кроме",
    "впрочем",
    "поэтому",
    "тогда",
    "затем",
    "также",
    "например",
    "итак",
    "зато",
];

fn is_cue(w: &str) -> bool {
    CUES.contains(&w)
}

fn is_dash(t: &str) -> bool {
    matches!(t, "—" | "–" | "-" | "―")
}

/// A genitive name back to the nominative by its endings: Пєскова → Пєсков, Зеленського → Зеленський,
/// Захарової → Захарова, Марии → Мария, Дмитра → Дмитро. The morphological dictionary first
/// (`livebrief-morph`, read as a genitive), these rules for the names it does not know.
pub fn genitive_to_nominative(word: &str) -> String {
    let exceptions: &[(&str, &str)] = &[
        ("Дмитра", "Дмитро"),
        ("Петра", "Петро"),
        ("Кличка", "Кличко"),
        ("Павла", "Павло"),
        ("Михайла", "Михайло"),
        ("Ігоря", "Ігор"),
        ("Игоря", "Игорь"),
        ("Льва", "Лев"),
        ("Сергея", "Сергей"),
        ("Андрея", "Андрей"),
        ("Алексея", "Алексей"),
        ("Матвієнко", "Матвієнко"),
    ];
    if let Some((_, n)) = exceptions.iter().find(|(g, _)| *g == word) {
        return n.to_string();
    }
    let n = word.chars().count();
    // Abbreviations and ministries (Міноборони, Минобороны) do not decline.
    if n < 4
        || !word.chars().next().is_some_and(char::is_uppercase)
        || word.chars().all(char::is_uppercase)
        || word.starts_with("Мін")
        || word.starts_with("Мин")
    {
        return word.to_string();
    }
    if let Some(n) = crate::base::dictionary_genitive(word) {
        return n;
    }
    let rules: &[(&str, &str)] = &[
        ("ського", "ський"),
        ("цького", "цький"),
        ("зького", "зький"),
        ("ского", "ский"),
        ("цкого", "цкий"),
        ("ської", "ська"),
        ("цької", "цька"),
        ("ской", "ская"),
        ("цкой", "цкая"),
        ("ового", "овий"),
        ("ової", "ова"),
        ("евої", "ева"),
        ("євої", "єва"),
        ("іної", "іна"),
        ("иної", "ина"),
        ("овой", "ова"),
        ("евой", "ева"),
        ("иной", "ина"),
        ("ыной", "ына"),
        ("ова", "ов"),
        ("ева", "ев"),
        ("єва", "єв"),
        ("іна", "ін"),
        ("ина", "ин"),
        ("ына", "ын"),
        ("ого", "ий"),
        ("ії", "ія"),
        ("ии", "ия"),
        ("ія", "ій"),
        ("ия", "ий"),
        ("ля", "ль"),
        ("ни", "на"),
        ("ли", "ла"),
        ("ри", "ра"),
        ("ки", "ка"),
        ("ги", "га"),
        ("ти", "та"),
        ("ди", "да"),
        ("ми", "ма"),
        ("ны", "на"),
        ("лы", "ла"),
        ("ры", "ра"),
        ("ты", "та"),
        ("ды", "да"),
        ("мы", "ма"),
        ("ра", "р"),
        ("на", "н"),
        ("ла", "л"),
        ("да", "д"),
        ("та", "т"),
        ("ма", "м"),
        ("ка", "к"),
        ("ба", "б"),
        ("ва", "в"),
        ("са", "с"),
        ("за", "з"),
        ("па", "п"),
        ("га", "г"),
        ("ха", "х"),
        ("жа", "ж"),
        ("ша", "ш"),
        ("ча", "ч"),
        ("ца", "ц"),
    ];
    for (end, rep) in rules {
        if let Some(stem) = word.strip_suffix(end) {
            return format!("{stem}{rep}");
        }
    }
    // Any other consonant before a final и/ы: a feminine or -а noun in the genitive (Кулеби → Кулеба).
    if let Some(stem) = word.strip_suffix('и').or_else(|| word.strip_suffix('ы'))
        && stem.chars().last().is_some_and(|c| !"аеєиіїоуюяыэё".contains(c))
    {
        return format!("{stem}а");
    }
    word.to_string()
}

/// A capitalised word whose ending is that of an oblique case (Франції, Турции, Києвом), not of a given name
/// in the nominative.
fn oblique(w: &str) -> bool {
    ["и", "ї", "у", "ю", "ом", "ою", "ого", "ої", "ів", "ой"]
        .iter()
        .any(|e| w.ends_with(e))
}

fn capital(w: &str) -> bool {
    w.chars().next().is_some_and(char::is_uppercase)
}

struct Cx<'a> {
    s: &'a str,
    toks: &'a [Token],
    /// Every token's paragraph.
    para: Vec<usize>,
    /// Tokens inside a quotation (between its marks).
    in_quote: Vec<bool>,
    /// The mark pair whose opening mark is this token.
    mark_at_open: Vec<Option<usize>>,
    /// The mark pair whose closing mark is this token.
    mark_at_close: Vec<Option<usize>>,
    /// The last tokens of the runs of two capitalised words or more outside quotations, in order (built on
    /// first use by `name_run_before`).
    name_runs: std::cell::OnceCell<Vec<usize>>,
}

impl Cx<'_> {
    fn text(&self, i: usize) -> &str {
        self.toks.get(i).map_or("", |t| t.text(self.s))
    }
    fn lower(&self, i: usize) -> String {
        self.text(i).to_lowercase()
    }
    fn is_word(&self, i: usize) -> bool {
        self.toks.get(i).is_some_and(|t| t.kind == Kind::Word)
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

    /// The speaker named right after a verb of saying at `v` (up to `limit`): a name, a pronoun, a role, an
    /// organisation after `в`/`у`, or a quoted name («Нафтогаз»). Returns the mention and whether the name
    /// should be read as a genitive.
    fn speaker_after(&self, v: usize, limit: usize) -> Option<Np> {
        let mut k = v + 1;
        loop {
            let w = self.lower(k);
            if ADVERBS.contains(&w.as_str()) {
                k += 1;
            } else if matches!(w.as_str(), "у" | "в" | "во") && DAYS.contains(&self.lower(k + 1).as_str()) {
                k += 2;
            } else {
                break;
            }
        }
        if k >= limit {
            return None;
        }
        // "написав у Telegram Синєгубов": a place of writing, then the speaker.
        let plural = self.lower(v).ends_with("ли") || self.lower(v).ends_with("ть");
        if !plural
            && matches!(self.lower(k).as_str(), "у" | "в" | "во")
            && self.is_word(k + 2)
            && capital(self.text(k + 1))
            && capital(self.text(k + 2))
            && k + 2 < limit
        {
            k += 2;
        }
        // "зазначили в Міноборони", "сообщили в Кремле": an organisation.
        if matches!(self.lower(k).as_str(), "у" | "в" | "во")
            && self.is_word(k + 1)
            && capital(self.text(k + 1))
            && k + 1 < limit
        {
            let mut e = k + 1;
            while e + 1 < limit && self.is_word(e + 1) && capital(self.text(e + 1)) {
                e += 1;
            }
            return Some(self.np(k + 1, e, NpKind::Name));
        }
        if self.mark_at_open.get(k).copied().flatten().is_some() {
            return None;
        }
        let w = self.lower(k);
        if PRONOUNS_UK_RU.contains(&w.as_str()) {
            return Some(self.np(k, k, NpKind::Pronoun));
        }
        // The phrase: words up to punctuation or a preposition.
        let mut e = k;
        while e < limit && self.is_word(e) && (e == k || !STOPS.contains(&self.lower(e).as_str())) && e < k + 8 {
            e += 1;
        }
        if e == k {
            return None;
        }
        self.name_in(k, e - 1)
    }

    /// The last name of two or more capitalised words before token `before`, outside quotations: its last
    /// token and its last two words.
    fn name_run_before(&self, before: usize) -> Option<(usize, String)> {
        let name_word = |k: usize| self.is_word(k) && capital(self.text(k)) && !self.in_quote[k];
        let two = |last: usize| Some((last, format!("{} {}", self.text(last - 1), self.text(last))));
        // The run nearest before `before` (cut at it), then the last run of two words or more before that one.
        let mut e = before.min(self.toks.len());
        while e > 0 && !name_word(e - 1) {
            e -= 1;
        }
        if e == 0 {
            return None;
        }
        let last = e - 1;
        let mut b = last;
        while b > 0 && name_word(b - 1) {
            b -= 1;
        }
        if last > b {
            return two(last);
        }
        let runs = self.name_runs.get_or_init(|| {
            let mut out = Vec::new();
            let mut k = 0;
            while k < self.toks.len() {
                if !name_word(k) {
                    k += 1;
                    continue;
                }
                let start = k;
                while k + 1 < self.toks.len() && name_word(k + 1) {
                    k += 1;
                }
                if k > start {
                    out.push(k);
                }
                k += 1;
            }
            out
        });
        let i = runs.partition_point(|&l| l < b);
        runs[..i].last().and_then(|&l| two(l))
    }

    /// The name in the phrase [first, last]: its last one or two capitalised words; else a role.
    fn name_in(&self, first: usize, last: usize) -> Option<Np> {
        let mut e = last + 1;
        while e > first && !capital(self.text(e - 1)) {
            e -= 1;
        }
        if e == first {
            let role = (first..=last).any(|x| ROLES.contains(&self.lower(x).as_str()));
            return role.then(|| self.np(first, last, NpKind::Role));
        }
        if e <= last {
            // Lowercase words after the name ("Пєсков телеканалу"): the name ends at the capitalised run only
            // when they are few.
            if last + 1 - e > 1 {
                return None;
            }
        }
        let end = e - 1;
        let mut b = end;
        while b > first && capital(self.text(b - 1)) && end - (b - 1) < 2 {
            b -= 1;
        }
        // "речник Міненерго", "представитель МИД": a role at an organisation, not a person's name.
        let org = |w: &str| {
            w.starts_with("Мін")
                || w.starts_with("Мин")
                || w.chars().filter(|c| c.is_alphabetic()).all(char::is_uppercase)
        };
        if b == end && b > first && ROLES.contains(&self.lower(b - 1).as_str()) && org(self.text(b)) {
            return Some(self.np(first, last, NpKind::Role));
        }
        Some(self.np(b, end, NpKind::Name))
    }

    /// The speaker right before a verb of saying at `v`, from `from` on: a name, a pronoun, a role, a quoted
    /// organisation («Нафтогаз») or `В Кремлі`.
    fn speaker_before(&self, from: usize, v: usize) -> Option<Np> {
        let mut e = v;
        while e > from && ADVERBS.contains(&self.lower(e - 1).as_str()) {
            e -= 1;
        }
        // "у вівторок"
        if e >= from + 2
            && DAYS.contains(&self.lower(e - 1).as_str())
            && matches!(self.lower(e - 2).as_str(), "у" | "в" | "во")
        {
            e -= 2;
        }
        while e > from && ADVERBS.contains(&self.lower(e - 1).as_str()) {
            e -= 1;
        }
        if e == from {
            return None;
        }
        let last = e - 1;
        if let Some(_m) = self.mark_at_close.get(last).copied().flatten() {
            // "«Нафтогаз» заявив": the quoted name with its marks.
            let open = (from..last).rev().find(|&x| self.mark_at_open[x].is_some())?;
            if open + 1 < last && capital(self.text(open + 1)) {
                return Some(self.np(open, last, NpKind::Name));
            }
            return None;
        }
        if !self.is_word(last) {
            return None;
        }
        let w = self.lower(last);
        if PRONOUNS_UK_RU.contains(&w.as_str()) {
            return Some(self.np(last, last, NpKind::Pronoun));
        }
        if capital(self.text(last)) && !CONNECTIVES.contains(&w.as_str()) {
            let mut b = last;
            while b > from
                && self.is_word(b - 1)
                && capital(self.text(b - 1))
                && !matches!(self.lower(b - 1).as_str(), "у" | "в" | "во")
                && !ADVERBS.contains(&self.lower(b - 1).as_str())
            {
                b -= 1;
            }
            // "У Міноборони заявили", "В Кремле сообщили".
            if b > from && matches!(self.lower(b - 1).as_str(), "у" | "в" | "во") {
                return Some(self.np(b, last, NpKind::Name));
            }
            let mut b = b.max(last.saturating_sub(1));
            // "з президентом Франції Зеленський": a word in an oblique case is not a given name.
            if b < last && oblique(self.text(b)) {
                b = last;
            }
            return Some(self.np(b, last, NpKind::Name));
        }
        if ROLES.contains(&w.as_str()) {
            let mut b = last;
            while b > from && self.is_word(b - 1) && !capital(self.text(b - 1)) && last - b < 3 {
                b -= 1;
            }
            return Some(self.np(b, last, NpKind::Role));
        }
        None
    }
}

/// The Ukrainian and Russian finder (see the module's description).
pub(super) fn find(s: &str, toks: &[Token], sentences: &[(usize, usize)]) -> Vec<RawQuote> {
    let marks_all = pair_marks(s, toks);
    // Top-level marks only: a quotation inside a quotation belongs to the outer one.
    let mut marks: Vec<Marks> = Vec::new();
    for m in marks_all {
        if marks.last().is_some_and(|o| o.open < m.open && m.close < o.close) {
            continue;
        }
        marks.push(m);
    }
    let mut para = Vec::with_capacity(toks.len());
    let mut p = 0;
    for t in toks {
        if t.kind == Kind::Break {
            p += 1;
        }
        para.push(p);
    }
    let mut in_quote = vec![false; toks.len()];
    let mut mark_at_open = vec![None; toks.len()];
    let mut mark_at_close = vec![None; toks.len()];
    for (mi, m) in marks.iter().enumerate() {
        for x in in_quote.iter_mut().take(m.close).skip(m.open + 1) {
            *x = true;
        }
        mark_at_open[m.open] = Some(mi);
        mark_at_close[m.close] = Some(mi);
    }
    let cx = Cx {
        s,
        toks,
        para,
        in_quote,
        mark_at_open,
        mark_at_close,
        name_runs: std::cell::OnceCell::new(),
    };
    let mut sent_of = vec![usize::MAX; toks.len()];
    for (si, &(a, b)) in sentences.iter().enumerate() {
        for x in sent_of.iter_mut().take(b).skip(a) {
            *x = si;
        }
    }
    // Headlines: a short line that does not end with closing punctuation.
    let mut headline = vec![false; toks.len()];
    let mut a = 0;
    while a < toks.len() {
        let mut e = a;
        while e < toks.len() && toks[e].kind != Kind::Break {
            e += 1;
        }
        if e > a {
            let last = cx.text(e - 1);
            let words = (a..e).filter(|&x| cx.is_word(x)).count();
            let closed = matches!(last, "." | "!" | "?" | "…")
                || (cx.mark_at_close[e - 1].is_some() && e >= 2 && matches!(cx.text(e - 2), "." | "!" | "?" | "…"));
            if !closed && words <= 16 {
                for h in headline.iter_mut().take(e).skip(a) {
                    *h = true;
                }
            }
        }
        a = e + 1;
    }
    let mut out: Vec<RawQuote> = Vec::new();
    let mut used = vec![false; marks.len()];
    let mut taken = vec![false; toks.len()];
    let sentence_of = |i: usize| {
        sent_of
            .get(i)
            .copied()
            .unwrap_or(0)
            .min(sentences.len().saturating_sub(1))
    };

    // Direct quotes in marks.
    for (mi, m) in marks.iter().enumerate() {
        if headline[m.open] {
            continue;
        }
        let para_end = (m.close..toks.len())
            .find(|&x| toks[x].kind == Kind::Break)
            .unwrap_or(toks.len());
        // After the closing mark: `«…», — сказав X`, `«…» — X сказав`, `«…», сказав X`.
        let mut k = m.close + 1;
        if matches!(cx.text(k), "," | "!" | "?" | "…") {
            k += 1;
        }
        let dash = is_dash(cx.text(k));
        if dash {
            k += 1;
        }
        let mut found: Option<(usize, Np)> = None;
        if k > m.close + 1 && k < para_end {
            if is_cue(&cx.lower(k)) {
                if let Some(sp) = cx.speaker_after(k, para_end) {
                    found = Some((k, sp));
                }
            } else if dash {
                // `— Зеленський наголосив`, `— наголосив він`.
                let v = (k..para_end.min(k + 4)).find(|&x| is_cue(&cx.lower(x)));
                if let Some(v) = v
                    && let Some(sp) = cx.speaker_before(k, v)
                    && sp.first == k
                {
                    found = Some((v, sp));
                }
            }
        }
        // Before the opening mark: `X заявив: «…»`.
        if found.is_none() && m.open >= 2 && cx.text(m.open - 1) == ":" {
            let v = m.open - 2;
            let start = (0..v)
                .rev()
                .find(|&x| !cx.is_word(x) || cx.in_quote[x])
                .map_or(0, |x| x + 1);
            if is_cue(&cx.lower(v)) {
                let sp = cx.speaker_before(start, v).or_else(|| cx.speaker_after(v, m.open - 1));
                if let Some(sp) = sp {
                    found = Some((v, sp));
                }
            }
        }
        let Some((cue, speaker)) = found else {
            continue;
        };
        used[mi] = true;
        for t in taken.iter_mut().take(m.close + 1).skip(m.open) {
            *t = true;
        }
        for t in taken
            .iter_mut()
            .take(speaker.last.max(cue) + 1)
            .skip(cue.min(speaker.first))
        {
            *t = true;
        }
        out.push(RawQuote {
            kind: QuoteKind::Direct,
            spans: with_marks(toks, m),
            cue: Some(cue),
            speaker: Some(speaker),
            inherited: false,
            sentence: sentence_of(m.open),
            evidence: "quotation marks and a verb of saying",
            base: None,
        });
    }
    // An unattributed quotation that opens a sentence right after a direct quote in the same paragraph
    // continues it: `«…», — сказав X. «…»`.
    for (mi, m) in marks.iter().enumerate() {
        if used[mi] || headline[m.open] || m.open == 0 {
            continue;
        }
        let prev = m.open - 1;
        if !matches!(cx.text(prev), "." | "!" | "?") {
            continue;
        }
        let Some(q) = out.iter_mut().rev().find(|q| {
            let ends_before = q.speaker.is_some_and(|sp| sp.last + 1 == prev)
                || (prev > 0 && q.spans.last().is_some_and(|&(_, e)| e == toks[prev - 1].end));
            q.kind == QuoteKind::Direct && ends_before && cx.para[prev] == cx.para[m.open]
        }) else {
            continue;
        };
        q.spans.extend(with_marks(toks, m));
        used[mi] = true;
        for t in taken.iter_mut().take(m.close + 1).skip(m.open) {
            *t = true;
        }
    }

    // Dialogue dashes: a paragraph that opens with a dash, `— …, — сказав X. — …`.
    let mut pstart = 0;
    while pstart < toks.len() {
        let pend = (pstart..toks.len())
            .find(|&x| toks[x].kind == Kind::Break)
            .unwrap_or(toks.len());
        if pend > pstart + 3 && is_dash(cx.text(pstart)) && !headline[pstart] && !taken[pstart + 1] {
            // The attribution: `, — VERB` or `! — VERB`.
            let at = (pstart + 2..pend.saturating_sub(1)).find(|&x| {
                is_dash(cx.text(x)) && matches!(cx.text(x - 1), "," | "!" | "?" | "…") && is_cue(&cx.lower(x + 1))
            });
            let at2 = (pstart + 2..pend.saturating_sub(1)).find(|&x| {
                is_dash(cx.text(x))
                    && matches!(cx.text(x - 1), "," | "!" | "?" | "…")
                    && cx.is_word(x + 1)
                    && (x + 2..pend.min(x + 5)).any(|v| is_cue(&cx.lower(v)))
            });
            let hit = match at {
                Some(x) => cx.speaker_after(x + 1, pend).map(|sp| (x, x + 1, sp)),
                None => at2.and_then(|x| {
                    let v = (x + 2..pend.min(x + 5)).find(|&v| is_cue(&cx.lower(v)))?;
                    let sp = cx.speaker_before(x + 1, v)?;
                    (sp.first == x + 1).then_some((x, v, sp))
                }),
            };
            if let Some((x, cue, sp)) = hit {
                let end_piece = if cx.text(x - 1) == "," { x - 2 } else { x - 1 };
                let mut spans = vec![(toks[pstart + 1].start, toks[end_piece].end)];
                // `. — …` after the attribution continues the quotation.
                let after = sp.last.max(cue) + 1;
                if after + 2 < pend && cx.text(after) == "." && is_dash(cx.text(after + 1)) {
                    spans.push((toks[after + 2].start, toks[pend - 1].end));
                }
                for t in taken.iter_mut().take(pend).skip(pstart) {
                    *t = true;
                }
                out.push(RawQuote {
                    kind: QuoteKind::Direct,
                    spans,
                    cue: Some(cue),
                    speaker: Some(sp),
                    inherited: false,
                    sentence: sentence_of(pstart + 1),
                    evidence: "a dialogue dash and a verb of saying",
                    base: None,
                });
            }
        }
        pstart = pend + 1;
    }

    // Indirect and mixed quotes, sentence by sentence.
    let mut prev_sentence: Option<(usize, usize)> = None;
    for (si, &(a, b)) in sentences.iter().enumerate() {
        let this = (a, b);
        let prev = prev_sentence.replace(this);
        if b <= a + 2 || headline[a] || (a..b).any(|x| taken[x]) {
            continue;
        }
        let end_tok = if matches!(cx.text(b - 1), "." | "!" | "?" | "…") {
            b - 1
        } else {
            b
        };
        let w0 = cx.lower(a);
        let w1 = cx.lower(a + 1);
        let comma_from = |from: usize| (from..end_tok).find(|&x| cx.text(x) == "," && !cx.in_quote[x]);
        let mut found: Option<(usize, Np, (usize, usize), bool)> = None; // cue, speaker, content tokens, genitive
        // The clause's second piece after a parenthetical attribution.
        let mut tail: Option<(usize, usize)> = None;
        // `За словами X, …`, `По словам X, …`.
        if ((w0 == "за" && matches!(w1.as_str(), "словами" | "даними"))
            || (w0 == "по" && matches!(w1.as_str(), "словам" | "данным")))
            && let Some(c) = comma_from(a + 2)
            && c + 1 < end_tok
            && let Some(sp) = cx.name_in(a + 2, c - 1)
        {
            found = Some((a + 1, sp, (c + 1, end_tok), true));
        }
        // `Як повідомив X, …`, `Как сообщил X, …`, `Як зазначили в X, …`.
        if found.is_none()
            && matches!(w0.as_str(), "як" | "как")
            && is_cue(&w1)
            && let Some(c) = comma_from(a + 2)
            && c + 1 < end_tok
            && let Some(sp) = cx.speaker_after(a + 1, c)
        {
            found = Some((a + 1, sp, (c + 1, end_tok), false));
        }
        // `Про це повідомив X.`, `Об этом сообщил X.`: the content is the sentence before.
        let about_cue = ((w0 == "про" && w1 == "це") || (w0 == "об" && w1 == "этом"))
            .then(|| (a + 2..end_tok.min(a + 6)).find(|&v| is_cue(&cx.lower(v))))
            .flatten();
        if found.is_none()
            && let Some(v) = about_cue
            && let Some((pa, pb)) = prev
            && pb > pa + 2
            && !headline[pa]
            && !(pa..pb).any(|x| taken[x])
            && let Some(sp) = cx.speaker_after(v, end_tok)
        {
            let pend = if matches!(cx.text(pb - 1), "." | "!" | "?" | "…") {
                pb - 1
            } else {
                pb
            };
            found = Some((v, sp, (pa, pend), false));
        }
        // `…, за словами X.`, `…, як повідомив X.`, `…, заявив X.`
        if found.is_none() {
            for c in a + 1..end_tok.saturating_sub(1) {
                if cx.text(c) != "," || cx.in_quote[c] {
                    continue;
                }
                let (x, y) = (cx.lower(c + 1), cx.lower(c + 2));
                // `…, по словам президента, …`: the attribution ends at the next comma, and the clause goes on.
                let lim = (c + 2..end_tok)
                    .find(|&z| cx.text(z) == "," && !cx.in_quote[z])
                    .unwrap_or(end_tok);
                let hit = if (x == "за" && matches!(y.as_str(), "словами" | "даними"))
                    || (x == "по" && matches!(y.as_str(), "словам" | "данным"))
                {
                    cx.name_in(c + 3, lim - 1).map(|sp| (c + 2, sp, true))
                } else if matches!(x.as_str(), "як" | "как") && is_cue(&y) {
                    cx.speaker_after(c + 2, lim).map(|sp| (c + 2, sp, false))
                } else if is_cue(&x) {
                    cx.speaker_after(c + 1, lim).map(|sp| (c + 1, sp, false))
                } else {
                    None
                };
                if let Some((cue, sp, genitive_name)) = hit {
                    // The speaker phrase reaches the end of the sentence, or a preposition after it.
                    let rest_ok = sp.last + 1 == lim
                        || STOPS.contains(&cx.lower(sp.last + 1).as_str())
                        || cx.text(sp.last + 1) == ",";
                    if rest_ok {
                        found = Some((cue, sp, (a, c), genitive_name));
                        if lim + 1 < end_tok {
                            tail = Some((lim + 1, end_tok));
                        }
                    }
                    break;
                }
            }
        }
        // `X заявив, що …`, `X заявил, что …`, `X заявив: …`.
        if found.is_none() {
            for v in a..end_tok {
                if cx.in_quote[v] || !is_cue(&cx.lower(v)) {
                    continue;
                }
                let mut k = v + 1;
                if cx.text(k) == "," || cx.text(k) == ":" {
                    k += 1;
                }
                if !matches!(cx.lower(k).as_str(), "що" | "что") || k + 1 >= end_tok {
                    continue;
                }
                let clause = (a..v)
                    .rev()
                    .find(|&x| cx.text(x) == "," && !cx.in_quote[x])
                    .map_or(a, |x| x + 1);
                if let Some(sp) = cx.speaker_before(clause, v).or_else(|| cx.speaker_after(v, k)) {
                    found = Some((v, sp, (k + 1, end_tok), false));
                }
                break;
            }
        }
        let Some((cue, speaker, (ca, cb), genitive)) = found else {
            continue;
        };
        if cb <= ca {
            continue;
        }
        let mut q = RawQuote {
            kind: QuoteKind::Indirect,
            spans: std::iter::once((toks[ca].start, toks[cb - 1].end))
                .chain(tail.map(|(x, y)| (toks[x].start, toks[y - 1].end)))
                .collect(),
            cue: Some(cue),
            speaker: Some(speaker),
            inherited: false,
            sentence: si,
            evidence: "a verb of saying and a clause",
            base: None,
        };
        if genitive && speaker.kind == NpKind::Name {
            q.base = Some(
                s[speaker.start..speaker.end]
                    .split(' ')
                    .map(genitive_to_nominative)
                    .collect::<Vec<_>>()
                    .join(" "),
            );
        }
        for (mi, m) in marks.iter().enumerate() {
            if !used[mi] && m.open >= ca && m.close < cb {
                used[mi] = true;
                if cx.text(m.open + 1).chars().next().is_some_and(char::is_lowercase) {
                    q.kind = QuoteKind::Mixed;
                }
            }
        }
        out.push(q);
    }
    out.sort_by_key(|q| q.spans[0].0);
    // Pronouns and quoted names: the base form. A pronoun is the nearest person before it: the previous named
    // speaker, or a name of two or more capitalised words outside quotations.
    let mut last_base: Option<(usize, String)> = None;
    for q in &mut out {
        let Some(sp) = q.speaker else { continue };
        match sp.kind {
            NpKind::Pronoun => {
                let run = cx.name_run_before(sp.first);
                q.base = match (&last_base, run) {
                    (Some((p, b)), Some((r, _))) if *p >= r => Some(b.clone()),
                    (_, Some((_, name))) => Some(name),
                    (Some((_, b)), None) => Some(b.clone()),
                    (None, None) => None,
                };
            }
            NpKind::Name if q.base.is_none() => {
                q.base = Some(
                    s[sp.start..sp.end]
                        .trim_matches(|c: char| crate::text::is_quote_char(c))
                        .to_string(),
                );
            }
            _ => {}
        }
        // A surname alone ("— сказал Песков", "За словами Пєскова") is the person named in full earlier in the
        // report ("Дмитрий Песков"): the fullest name the article gives.
        if sp.kind == NpKind::Name
            && let Some(b) = q.base.as_deref()
            && !b.contains(' ')
            && let Some(full) = fuller_name(&cx, sp.first, b)
        {
            q.base = Some(full);
        }
        if sp.kind == NpKind::Name {
            last_base = q.base.clone().map(|b| (sp.last, b));
        }
    }
    out
}

/// The nearest name of two capitalised words before token `before` whose last word is `surname` (as written or
/// brought back from an oblique case), in its base form.
fn fuller_name(cx: &Cx<'_>, before: usize, surname: &str) -> Option<String> {
    let mut pos = before;
    for _ in 0..64 {
        let (last, name) = cx.name_run_before(pos)?;
        let (first, last_word) = name.split_once(' ')?;
        if last_word == surname {
            return Some(name);
        }
        // A declined surname shares all but its last three letters with its nominative (Пєскова, Пєсков;
        // Зеленського, Зеленський): a cheap test before the dictionary is asked.
        if last_word
            .chars()
            .zip(surname.chars())
            .take_while(|(a, b)| a == b)
            .count()
            + 3
            >= surname.chars().count()
            && genitive_to_nominative(last_word) == surname
        {
            return Some(format!("{} {surname}", genitive_to_nominative(first)));
        }
        if last == 0 {
            return None;
        }
        pos = last;
    }
    None
}
