//! Synthetic multi-outlet streams: events of a war briefing, each written up by several outlets in their own words,
//! plus wire copies with small edits. The text is ours, made up for these tests.

use jiff::civil::{Date, date};
use livebrief_cluster::Doc;

/// A small deterministic generator (xorshift64*), so a stream is the same on every run.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1)
    }
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    pub fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }
    pub fn shuffle<T>(&mut self, xs: &mut [T]) {
        for i in (1..xs.len()).rev() {
            xs.swap(i, self.below(i + 1));
        }
    }
}

/// One real-world event as the outlets know it.
#[derive(Clone, Debug)]
pub struct Event {
    pub day: Date,
    pub place: &'static str,
    pub region: &'static str,
    /// What happened, in a few interchangeable wordings: [headline phrase, lead sentence, detail sentences ...].
    pub headlines: Vec<String>,
    pub leads: Vec<String>,
    pub details: Vec<String>,
    pub speaker: &'static str,
    pub speaker_role: &'static str,
    pub quote: &'static str,
    pub people: Vec<&'static str>,
    pub organizations: Vec<&'static str>,
}

const OUTLETS: [&str; 6] = [
    "reuters.com",
    "apnews.com",
    "kyivindependent.com",
    "bbc.com",
    "ukrinform.net",
    "aljazeera.com",
];

/// Sentences any war report may carry: they make unrelated reports share words, as real ones do.
const BACKGROUND: [&str; 8] = [
    "Russia launched its full-scale invasion of Ukraine in February 2022.",
    "Moscow denies targeting civilians, though thousands have been killed in strikes on Ukrainian cities.",
    "Ukraine has repeatedly asked its Western partners for more air defence systems.",
    "The attack came as diplomatic efforts to end the war continued.",
    "Russian forces have stepped up attacks on cities across Ukraine in recent weeks.",
    "Ukraine's air force said it had intercepted most of the drones launched overnight.",
    "The Kremlin has said it is open to talks but has rejected calls for an unconditional ceasefire.",
    "Officials said the full extent of the damage was still being assessed.",
];

fn weekday(d: Date) -> &'static str {
    [
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
    ][d.weekday().to_monday_zero_offset() as usize]
}

/// One outlet's report of an event, in its own words.
pub fn report(ev: &Event, outlet: usize, rng: &mut Rng) -> Doc {
    let title = ev.headlines[outlet % ev.headlines.len()].clone();
    let mut sents: Vec<String> = vec![ev.leads[outlet % ev.leads.len()].clone()];
    let mut details = ev.details.clone();
    rng.shuffle(&mut details);
    sents.extend(details.into_iter().take(2 + rng.below(3)));
    let quote = match rng.below(3) {
        0 => format!(
            "\"{}\" {} {} said on {}.",
            ev.quote,
            ev.speaker_role,
            ev.speaker,
            weekday(ev.day)
        ),
        1 => format!("{} {} wrote on Telegram: \"{}\"", ev.speaker_role, ev.speaker, ev.quote),
        _ => format!(
            "\"{}\" said {}, the {}.",
            ev.quote,
            ev.speaker,
            ev.speaker_role.to_lowercase()
        ),
    };
    sents.insert(1 + rng.below(sents.len()), quote);
    for _ in 0..1 + rng.below(2) {
        sents.push(rng.pick(&BACKGROUND).to_string());
    }
    let published = ev
        .day
        .checked_add(jiff::Span::new().days(rng.below(2) as i64))
        .unwrap_or(ev.day);
    Doc {
        title,
        text: sents.join(" "),
        published: Some(published),
        source: Some(OUTLETS[outlet % OUTLETS.len()].to_string()),
        language: "en".into(),
        people: ev.people.iter().map(|s| s.to_string()).collect(),
        organizations: ev.organizations.iter().map(|s| s.to_string()).collect(),
        places: vec![ev.place.to_string(), ev.region.to_string(), "Ukraine".into()],
        speakers: vec![ev.speaker.to_string()],
        dates: vec![ev.day],
    }
}

/// A wire copy: another headline, a dateline in front, a sentence dropped, a word or two changed.
pub fn wire_copy(doc: &Doc, outlet: &str, rng: &mut Rng) -> Doc {
    let mut sents: Vec<String> = doc.text.split_inclusive(". ").map(str::to_string).collect();
    if sents.len() > 3 {
        sents.remove(1 + rng.below(sents.len() - 2));
    }
    let mut text = format!("KYIV, Ukraine (AP) — {}", sents.concat());
    text = text.replacen(" said ", " told reporters ", 1);
    Doc {
        title: format!("{} | {outlet}", doc.title),
        text,
        source: Some(outlet.to_string()),
        ..doc.clone()
    }
}

fn s(xs: &[&str]) -> Vec<String> {
    xs.iter().map(|x| x.to_string()).collect()
}

/// A missile strike on a power plant in Kharkiv, morning of 12 March 2025.
pub fn kharkiv_power_plant() -> Event {
    Event {
        day: date(2025, 3, 12),
        place: "Kharkiv",
        region: "Kharkiv Oblast",
        headlines: s(&[
            "Missile strike on Kharkiv power plant kills three",
            "Russia hits Kharkiv thermal plant with missiles, three dead",
            "Three killed as Russian missiles strike energy facility in Kharkiv",
            "Kharkiv: power station hit by ballistic missiles, 3 dead and 12 hurt",
        ]),
        leads: s(&[
            "Russian ballistic missiles struck a thermal power plant in Kharkiv on Wednesday morning, killing three workers and injuring 12, regional officials said.",
            "Three energy workers were killed and 12 injured when two Iskander missiles hit a power station in Ukraine's second-largest city early on Wednesday.",
            "A Russian missile attack on a Kharkiv power plant killed three people and wounded twelve on Wednesday, cutting electricity to parts of the city.",
        ]),
        details: s(&[
            "The strike caused power outages in three districts of the city, the regional energy company said.",
            "Two Iskander-M missiles hit the turbine hall of the plant shortly after 7 a.m.",
            "Engineers were working to restore electricity and heating to about 40,000 households.",
            "The plant had already been damaged by a strike last spring and had only recently been repaired.",
            "Ukrenergo said the grid was under strain and asked residents to limit their use of power.",
        ]),
        speaker: "Oleh Syniehubov",
        speaker_role: "Governor",
        quote: "The enemy once again targeted our energy infrastructure; three workers of the plant were killed.",
        people: vec!["Oleh Syniehubov"],
        organizations: vec!["Ukrenergo"],
    }
}

/// A drone attack on an apartment block in Kharkiv, the night of the same day.
pub fn kharkiv_apartment_same_day() -> Event {
    Event {
        day: date(2025, 3, 12),
        place: "Kharkiv",
        region: "Kharkiv Oblast",
        headlines: s(&[
            "Drone hits Kharkiv apartment block, two killed",
            "Shahed drones strike residential building in Kharkiv overnight",
            "Two dead, 30 injured after Russian drones hit Kharkiv high-rise",
            "Kharkiv: drone attack on nine-storey building kills two",
        ]),
        leads: s(&[
            "Russian Shahed drones slammed into a nine-storey apartment building in Kharkiv late on Wednesday, killing two people and injuring 30, including four children.",
            "Two residents were killed and thirty wounded when attack drones hit a residential high-rise in Kharkiv's Saltivskyi district on Wednesday night.",
            "A late-night drone strike on a block of flats in Kharkiv killed two and injured 30, the city's mayor said.",
        ]),
        details: s(&[
            "Rescuers pulled residents from the rubble of the upper floors as a fire spread through the building.",
            "Four children were among the wounded, the city council said.",
            "Windows were blown out in neighbouring buildings and several cars were burned in the courtyard.",
            "The Saltivskyi district in the north of the city has been repeatedly hit since 2022.",
            "Emergency workers set up a shelter for families who lost their flats.",
        ]),
        speaker: "Ihor Terekhov",
        speaker_role: "Mayor",
        quote: "This was a deliberate strike on a residential building where families were sleeping.",
        people: vec!["Ihor Terekhov"],
        organizations: vec!["State Emergency Service"],
    }
}

/// Another drone attack on an apartment block in Kharkiv, three days later: same kind, same place, other day.
pub fn kharkiv_apartment_later() -> Event {
    Event {
        day: date(2025, 3, 15),
        place: "Kharkiv",
        region: "Kharkiv Oblast",
        headlines: s(&[
            "Drones hit Kharkiv apartment building, five killed",
            "Russian drone strike on Kharkiv residential block kills five",
            "Five dead, 17 injured in drone attack on Kharkiv flats",
            "Kharkiv: five killed as drones hit 12-storey building",
        ]),
        leads: s(&[
            "Russian attack drones hit a 12-storey apartment building in Kharkiv on Saturday, killing five people and injuring 17, officials said.",
            "Five residents were killed and 17 wounded when Shahed drones struck a block of flats in Kharkiv's Kyivskyi district on Saturday.",
            "A drone strike on a residential building in Kharkiv killed five and injured seventeen on Saturday, the mayor said.",
        ]),
        details: s(&[
            "The drones hit the building's top floors and a fire broke out on the 11th floor.",
            "Rescuers were still searching for two missing residents on Saturday evening.",
            "A kindergarten next to the building was also damaged.",
            "It was the third attack on the Kyivskyi district this month.",
            "Residents were evacuated to a nearby school overnight.",
        ]),
        speaker: "Ihor Terekhov",
        speaker_role: "Mayor",
        quote: "Five of our people are dead; the search under the rubble goes on.",
        people: vec!["Ihor Terekhov"],
        organizations: vec!["State Emergency Service"],
    }
}

/// The Kremlin's spokesman on the US ceasefire proposal.
pub fn peskov_ceasefire() -> Event {
    Event {
        day: date(2025, 3, 13),
        place: "Moscow",
        region: "Russia",
        headlines: s(&[
            "Kremlin says US ceasefire plan needs more work",
            "Peskov: Moscow studying US proposal for 30-day truce",
            "Russia cool on US truce proposal, Kremlin spokesman says",
            "Kremlin responds to 30-day ceasefire plan agreed by Kyiv",
        ]),
        leads: s(&[
            "The Kremlin said on Thursday it was studying a US proposal for a 30-day ceasefire in Ukraine but that many questions remained.",
            "Kremlin spokesman Dmitry Peskov said on Thursday that Moscow needed more information about the 30-day truce that Kyiv accepted in talks with Washington.",
            "Russia gave a cautious first response on Thursday to a US plan for a month-long ceasefire, saying it wanted details before taking a position.",
        ]),
        details: s(&[
            "Ukraine agreed to the proposal during talks with US officials in Jeddah on Tuesday.",
            "US envoy Steve Witkoff was expected in Moscow later in the week.",
            "Peskov declined to say whether President Vladimir Putin would speak to Donald Trump.",
            "Washington resumed military aid and intelligence sharing with Kyiv after the Jeddah talks.",
            "The proposal would halt fighting along the whole front line for thirty days.",
        ]),
        speaker: "Dmitry Peskov",
        speaker_role: "Kremlin spokesman",
        quote: "We are studying the proposal; there are many questions that need answers before we can speak of a truce.",
        people: vec!["Dmitry Peskov", "Vladimir Putin", "Donald Trump", "Steve Witkoff"],
        organizations: vec!["Kremlin"],
    }
}

/// The same spokesman, same week, on another subject: sanctions on Russian banks.
pub fn peskov_sanctions() -> Event {
    Event {
        day: date(2025, 3, 14),
        place: "Moscow",
        region: "Russia",
        headlines: s(&[
            "Kremlin condemns new EU sanctions on Russian banks",
            "Peskov: EU bank sanctions are illegal and will backfire",
            "Russia vows response to European sanctions on lenders",
            "Kremlin slams EU move to cut more banks from SWIFT",
        ]),
        leads: s(&[
            "The Kremlin on Friday condemned a new package of EU sanctions that cuts six more Russian banks off the SWIFT payment system.",
            "Kremlin spokesman Dmitry Peskov said on Friday that the European Union's latest sanctions against Russian lenders were illegal and would hurt Europe's own economy.",
            "Russia promised a response after Brussels added six banks, among them Alfa-Bank and Rosbank, to its sanctions list on Friday.",
        ]),
        details: s(&[
            "The package, the 16th since 2022, also targets tankers of the so-called shadow fleet.",
            "Alfa-Bank and Rosbank are among the lenders cut off from SWIFT.",
            "EU foreign ministers approved the measures at a meeting in Brussels.",
            "Russia's central bank said payments inside the country would not be affected.",
            "Hungary had delayed the package for weeks before agreeing to it.",
        ]),
        speaker: "Dmitry Peskov",
        speaker_role: "Kremlin spokesman",
        quote: "These restrictions are illegal, and like the previous ones they will hit the European economy hardest.",
        people: vec!["Dmitry Peskov"],
        organizations: vec!["Kremlin", "European Union", "Alfa-Bank", "Rosbank"],
    }
}

/// Talks in Jeddah, two days earlier: a third subject with overlapping names.
pub fn jeddah_talks() -> Event {
    Event {
        day: date(2025, 3, 11),
        place: "Jeddah",
        region: "Saudi Arabia",
        headlines: s(&[
            "Ukraine backs US plan for 30-day ceasefire after Jeddah talks",
            "Kyiv agrees to truce proposal, US resumes military aid",
            "US and Ukraine agree ceasefire proposal in Saudi Arabia",
            "Jeddah talks: Ukraine ready for month-long truce",
        ]),
        leads: s(&[
            "Ukraine said on Tuesday it was ready to accept a US proposal for an immediate 30-day ceasefire, after more than eight hours of talks in Jeddah.",
            "After talks with a Ukrainian delegation in Saudi Arabia on Tuesday, the United States said it would resume military aid and intelligence sharing with Kyiv.",
            "US and Ukrainian officials meeting in Jeddah agreed on Tuesday on a proposal for a month-long truce that now goes to Moscow.",
        ]),
        details: s(&[
            "Secretary of State Marco Rubio said the ball was now in Russia's court.",
            "The Ukrainian delegation was led by Andriy Yermak, the head of the presidential office.",
            "The talks followed a tense meeting between Volodymyr Zelensky and Donald Trump in the Oval Office.",
            "A joint statement said both sides would name negotiating teams.",
        ]),
        speaker: "Marco Rubio",
        speaker_role: "Secretary of State",
        quote: "The ball is now in their court; we will take this offer to the Russians.",
        people: vec!["Marco Rubio", "Andriy Yermak", "Volodymyr Zelensky", "Donald Trump"],
        organizations: vec!["State Department"],
    }
}

pub fn all_events() -> Vec<Event> {
    vec![
        kharkiv_power_plant(),
        kharkiv_apartment_same_day(),
        kharkiv_apartment_later(),
        peskov_ceasefire(),
        peskov_sanctions(),
        jeddah_talks(),
    ]
}

/// A stream: every event reported by `per_event` outlets, and one in two reports copied by a wire client, in an
/// order shuffled by `seed`. Returns the documents with their true event.
pub fn stream(per_event: usize, seed: u64) -> Vec<(Doc, usize)> {
    let mut rng = Rng::new(seed);
    let mut out = Vec::new();
    for (e, ev) in all_events().iter().enumerate() {
        for o in 0..per_event {
            let d = report(ev, o, &mut rng);
            if rng.below(2) == 0 {
                out.push((wire_copy(&d, "news.example.org", &mut rng), e));
            }
            out.push((d, e));
        }
    }
    rng.shuffle(&mut out);
    out
}

/// B-cubed precision, recall and F1 (Bagga and Baldwin 1998) of predicted against true groups.
pub fn bcubed(truth: &[usize], pred: &[u64]) -> (f64, f64, f64) {
    let n = truth.len();
    let (mut p, mut r) = (0.0, 0.0);
    for i in 0..n {
        let same_pred = (0..n).filter(|&j| pred[j] == pred[i]).count() as f64;
        let same_true = (0..n).filter(|&j| truth[j] == truth[i]).count() as f64;
        let both = (0..n).filter(|&j| pred[j] == pred[i] && truth[j] == truth[i]).count() as f64;
        p += both / same_pred;
        r += both / same_true;
    }
    let (p, r) = (p / n as f64, r / n as f64);
    (p, r, if p + r > 0.0 { 2.0 * p * r / (p + r) } else { 0.0 })
}

const TOWNS: [(&str, &str); 10] = [
    ("Odesa", "Odesa Oblast"),
    ("Dnipro", "Dnipropetrovsk Oblast"),
    ("Zaporizhzhia", "Zaporizhzhia Oblast"),
    ("Sumy", "Sumy Oblast"),
    ("Kherson", "Kherson Oblast"),
    ("Kyiv", "Kyiv Oblast"),
    ("Poltava", "Poltava Oblast"),
    ("Mykolaiv", "Mykolaiv Oblast"),
    ("Kharkiv", "Kharkiv Oblast"),
    ("Kryvyi Rih", "Dnipropetrovsk Oblast"),
];
const TARGETS: [(&str, &str); 8] = [
    ("an apartment building", "apartment block"),
    ("a power substation", "substation"),
    ("a grain terminal", "port"),
    ("a railway station", "railway station"),
    ("a shopping centre", "shopping centre"),
    ("a hospital", "hospital"),
    ("a school", "school"),
    ("a gas facility", "gas facility"),
];
const WEAPONS: [&str; 4] = [
    "Shahed drones",
    "ballistic missiles",
    "guided aerial bombs",
    "cruise missiles",
];
const OFFICIALS: [(&str, &str); 6] = [
    ("Oleh Kiper", "Governor"),
    ("Serhiy Lysak", "Governor"),
    ("Ivan Fedorov", "Governor"),
    ("Vitali Klitschko", "Mayor"),
    ("Vitaliy Kim", "Governor"),
    ("Volodymyr Artiukh", "Governor"),
];

/// `n` other strikes on towns across Ukraine in February and March 2025, each told by 1-3 outlets: the stream a
/// briefing's grouper has seen before the reports under test, from which it learned what is common ("killed",
/// "drones", "Kharkiv") and what is specific.
pub fn background(n: usize, seed: u64) -> Vec<Doc> {
    let mut rng = Rng::new(seed ^ 0xbac6);
    let mut out = Vec::new();
    for _ in 0..n {
        let (town, region) = *rng.pick(&TOWNS);
        let (target, short) = *rng.pick(&TARGETS);
        let weapon = *rng.pick(&WEAPONS);
        let (official, role) = *rng.pick(&OFFICIALS);
        let day = date(2025, 2, 1)
            .checked_add(jiff::Span::new().days(rng.below(56) as i64))
            .unwrap_or(date(2025, 2, 1));
        let (killed, injured) = (1 + rng.below(9), 2 + rng.below(40));
        let wd = weekday(day);
        let ev = Event {
            day,
            place: town,
            region,
            headlines: vec![
                format!("Russian strike on {town} {short} kills {killed}"),
                format!("{killed} killed, {injured} injured as {weapon} hit {town}"),
                format!("{town}: {weapon} strike {short}, {killed} dead"),
            ],
            leads: vec![
                format!(
                    "Russian {weapon} hit {target} in {town} on {wd}, killing {killed} people and injuring {injured}, officials said."
                ),
                format!(
                    "At least {killed} people were killed and {injured} wounded when {weapon} struck {target} in {town} on {wd}."
                ),
                format!(
                    "A Russian attack on {target} in {town} killed {killed} and injured {injured} on {wd}, the regional governor said."
                ),
            ],
            details: vec![
                format!("Rescuers worked through the night at the site of the {short}."),
                format!("The attack damaged nearby homes and cars, the {town} city council said."),
                format!("Ukraine's air force said {weapon} were launched from the east."),
                "Emergency services said several people were still missing.".to_string(),
                "A day of mourning was declared in the city.".to_string(),
            ],
            speaker: official,
            speaker_role: role,
            quote: "The enemy is striking civilians again; we will help every family affected.",
            people: vec![official],
            organizations: vec!["State Emergency Service"],
        };
        for o in 0..1 + rng.below(3) {
            out.push(report(&ev, o + rng.below(3), &mut rng));
        }
    }
    out
}
