//! A steady stream of synthetic reports for the latency benchmark: events of five kinds (strikes, statements,
//! front-line claims, aid pledges, prisoner exchanges), each reported by one to four outlets in different
//! wordings made from templates. Deterministic: the same spec gives the same articles.
//!
//! The officials named here for cities and ministries are invented; public figures appear only in invented,
//! generic statements.

use std::time::Duration;

use jiff::civil::Date;

use crate::corpus::{self, Article, DayWords, Event, FeedKind, Outlet};

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct StreamSpec {
    pub rate_per_sec: f64,
    pub duration: Duration,
    pub outlets: usize,
}

pub(crate) struct Stream {
    pub outlets: Vec<Outlet>,
    pub events: Vec<Event>,
    /// In release order, with release offsets.
    pub articles: Vec<(Article, Duration)>,
}

/// splitmix64: small, fast and good enough to vary text.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 { 0 } else { (self.next() % n as u64) as usize }
    }

    fn range(&mut self, lo: u32, hi: u32) -> u32 {
        lo + (self.next() % u64::from(hi - lo + 1)) as u32
    }
}

/// The outlets of a stream: the corpus's four, then numbered siblings (`wire2`, `daily2`, …), formats in turn.
pub(crate) fn outlets(n: usize) -> Vec<Outlet> {
    let base = corpus::Corpus::standard().outlets;
    (0..n)
        .map(|k| {
            let b = &base[k % base.len()];
            let round = k / base.len();
            if round == 0 {
                b.clone()
            } else {
                Outlet {
                    id: format!("{}{}", b.id, round + 1),
                    name: format!("{} {}", b.name, round + 1),
                    kind: b.kind,
                    language: b.language.clone(),
                }
            }
        })
        .collect()
}

pub(crate) fn generate(spec: &StreamSpec, day: Date) -> Stream {
    let outlets = outlets(spec.outlets.max(1));
    let total = if spec.rate_per_sec.is_finite() && spec.rate_per_sec > 0.0 {
        (spec.rate_per_sec * spec.duration.as_secs_f64())
            .ceil()
            .min(10_000_000.0) as usize
    } else {
        0
    };
    let words = DayWords::new(day);
    let mut rng = Rng(0x6c69_7665_6272_6965);
    // Slots: (event, report number), events in order, then shuffled within windows of six so that reports
    // of one event arrive a few slots apart, interleaved with other events.
    let mut sizes = Vec::new();
    let mut slots = Vec::with_capacity(total);
    while slots.len() < total {
        let size = match rng.below(100) {
            0..30 => 1,
            30..60 => 2,
            60..85 => 3,
            _ => 4,
        };
        let e = sizes.len();
        let size = size.min(total - slots.len());
        sizes.push(size);
        slots.extend((0..size).map(|k| (e, k)));
    }
    for w in slots.chunks_mut(6) {
        for i in (1..w.len()).rev() {
            let j = rng.below(i + 1);
            w.swap(i, j);
        }
    }
    let facts: Vec<Facts> = (0..sizes.len()).map(|e| Facts::new(e, &mut rng)).collect();
    let first_outlet: Vec<usize> = (0..sizes.len()).map(|_| rng.below(outlets.len())).collect();
    let start = corpus::at(day, 6, 0);
    let events = facts
        .iter()
        .map(|f| Event {
            id: f.id.clone(),
            summary: words.fill(&f.summary()),
            date: day,
            places: vec![f.place().to_string()],
            speakers: vec![f.speaker().to_string()],
        })
        .collect();
    let articles = slots
        .iter()
        .enumerate()
        .map(|(j, &(e, k))| {
            let offset = Duration::from_secs_f64(j as f64 / spec.rate_per_sec);
            let f = &facts[e];
            let outlet = &outlets[(first_outlet[e] + k) % outlets.len()];
            let variant = (e + k) % 3;
            let (title, paragraphs) = f.report(variant);
            // Three wordings per event; a fourth report republishes the first wording under a new headline
            // (a near-duplicate, as when a site runs the wire's copy).
            let title = if k >= 3 {
                format!("UPDATE {} - {title}", k - 2)
            } else {
                title
            };
            let slug = format!("{}-{:06}-{k}", slugify(&title, 6), e + 1);
            let published = start
                .checked_add(jiff::SignedDuration::try_from(offset).unwrap_or_default())
                .unwrap_or(start);
            let article = Article {
                outlet: outlet.id.clone(),
                slug,
                event: f.id.clone(),
                language: "en".into(),
                title: words.fill(&title),
                dateline: (outlet.kind == FeedKind::Rss)
                    .then(|| format!("{}, {} ({}) -", f.place().to_uppercase(), words.date, outlet.name)),
                author: AUTHORS[(e * 7 + k) % AUTHORS.len()].to_string(),
                section: "World".into(),
                published,
                paragraphs: paragraphs.iter().map(|p| words.fill(p)).collect(),
            };
            (article, offset)
        })
        .collect();
    Stream {
        outlets,
        events,
        articles,
    }
}

/// Lowercase ASCII words joined by `-`, at most `max` of them.
fn slugify(s: &str, max: usize) -> String {
    s.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(max)
        .map(str::to_ascii_lowercase)
        .collect::<Vec<_>>()
        .join("-")
}

const AUTHORS: &[&str] = &[
    "Olena Marchuk",
    "James Whitcombe",
    "Sofia Brandt",
    "Andriy Polishchuk",
    "Helen Ashdown",
    "Marcus Oyelaran",
    "Iryna Koval",
];

/// City, district, official, official's role.
const CITIES: &[(&str, &str, &str, &str)] = &[
    (
        "Kyiv",
        "Holosiivskyi",
        "Mykola Tkachenko",
        "head of the city military administration",
    ),
    ("Odesa", "Prymorskyi", "Viktor Hordiienko", "regional governor"),
    ("Kharkiv", "Shevchenkivskyi", "Taras Ivanchuk", "regional governor"),
    ("Zaporizhzhia", "Khortytskyi", "Oksana Melnyk", "regional governor"),
    ("Dnipro", "Sobornyi", "Serhii Lysenko", "regional governor"),
    ("Sumy", "Kovpakivskyi", "Andrii Bondar", "regional governor"),
    ("Mykolaiv", "Tsentralnyi", "Yurii Savchuk", "mayor"),
    ("Kherson", "Dniprovskyi", "Roman Kravets", "regional governor"),
    ("Poltava", "Kyivskyi", "Halyna Rudenko", "regional governor"),
    ("Chernihiv", "Novozavodskyi", "Dmytro Shevchuk", "acting mayor"),
];

const WEAPONS: &[&str] = &["drones", "missiles", "glide bombs", "artillery shells"];

/// Target as in a lead, and its short form for a headline.
const TARGETS: &[(&str, &str)] = &[
    ("an energy facility", "power facility"),
    ("a residential building", "apartment block"),
    ("a warehouse", "warehouse"),
    ("a railway depot", "rail depot"),
    ("a school building", "school"),
    ("a gas distribution station", "gas station"),
];

const DAYPARTS: &[&str] = &[
    "overnight",
    "on {today} morning",
    "on {today} afternoon",
    "late on {today}",
];

/// Speaker, role, place.
const SPEAKERS: &[(&str, &str, &str)] = &[
    ("Dmitry Peskov", "Kremlin spokesman", "Moscow"),
    ("Andrii Sybiha", "Ukraine's Foreign Minister", "Kyiv"),
    ("Maria Zakharova", "Russian Foreign Ministry spokeswoman", "Moscow"),
    ("Helena Marsh", "European Union foreign policy spokeswoman", "Brussels"),
    ("Tomas Lindqvist", "Sweden's Foreign Minister", "Stockholm"),
];

/// Subject, what was said about it (a clause), a direct quote, context.
const SUBJECTS: &[(&str, &str, &str, &str)] = &[
    (
        "cease-fire monitoring",
        "any truce would need clear rules on who records violations along the front",
        "A truce without monitoring is a truce on paper only.",
        "Negotiators are due to discuss the technical details of a possible cease-fire in the coming days.",
    ),
    (
        "prisoner exchanges",
        "the next exchange of prisoners of war could take place within weeks",
        "Every exchange shows that agreements are possible when there is will.",
        "The two countries have swapped prisoners several times this year with the help of mediators.",
    ),
    (
        "strikes on energy facilities",
        "a moratorium on strikes against energy infrastructure should be the first step",
        "Power plants and substations must be left out of this war.",
        "Both sides accuse each other of hitting energy sites despite earlier promises.",
    ),
    (
        "Black Sea shipping",
        "safe passage for merchant ships in the Black Sea was still under discussion",
        "Shipping must be able to move without fear of attack.",
        "Ukraine's ports around Odesa have kept exporting grain despite repeated strikes.",
    ),
    (
        "sanctions",
        "there could be no talk of lifting sanctions before a lasting settlement",
        "Sanctions are not a bargaining chip to be traded for promises.",
        "The European Union is preparing another round of restrictive measures.",
    ),
];

const DIRECTIONS: &[&str] = &[
    "Pokrovsk",
    "Kupiansk",
    "Toretsk",
    "Lyman",
    "Kurakhove",
    "Siversk",
    "Huliaipole",
];

/// Country, capital, minister, role.
const DONORS: &[(&str, &str, &str, &str)] = &[
    ("Germany", "Berlin", "Katrin Vogel", "defence minister"),
    ("the Netherlands", "The Hague", "Pieter van Dalen", "defence minister"),
    ("Sweden", "Stockholm", "Anna Ekholm", "defence minister"),
    ("Canada", "Ottawa", "Daniel Fortier", "defence minister"),
    ("Norway", "Oslo", "Ingrid Solberg-Haug", "defence minister"),
    ("Denmark", "Copenhagen", "Mads Kjeldsen", "defence minister"),
];

const PACKAGES: &[&str] = &[
    "air-defence missiles",
    "artillery ammunition",
    "armoured vehicles",
    "mobile power generators",
    "demining equipment",
];

const MEDIATORS: &[&str] = &["the United Arab Emirates", "Turkey", "Qatar", "Saudi Arabia"];

enum Kind {
    Strike {
        city: usize,
        weapon: usize,
        target: usize,
        daypart: usize,
        injured: u32,
    },
    Statement {
        speaker: usize,
        subject: usize,
    },
    Front {
        direction: usize,
        assaults: u32,
    },
    Aid {
        donor: usize,
        package: usize,
        millions: u32,
    },
    Exchange {
        prisoners: u32,
        mediator: usize,
    },
}

struct Facts {
    id: String,
    kind: Kind,
}

fn cap(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

fn last_name(full: &str) -> &str {
    full.rsplit(' ').next().unwrap_or(full)
}

impl Facts {
    fn new(e: usize, rng: &mut Rng) -> Facts {
        let kind = match rng.below(100) {
            0..40 => Kind::Strike {
                city: rng.below(CITIES.len()),
                weapon: rng.below(WEAPONS.len()),
                target: rng.below(TARGETS.len()),
                daypart: rng.below(DAYPARTS.len()),
                injured: rng.range(2, 24),
            },
            40..65 => Kind::Statement {
                speaker: rng.below(SPEAKERS.len()),
                subject: rng.below(SUBJECTS.len()),
            },
            65..80 => Kind::Front {
                direction: rng.below(DIRECTIONS.len()),
                assaults: rng.range(9, 64),
            },
            80..92 => Kind::Aid {
                donor: rng.below(DONORS.len()),
                package: rng.below(PACKAGES.len()),
                millions: rng.range(3, 90) * 10,
            },
            _ => Kind::Exchange {
                prisoners: rng.range(10, 150) * 2,
                mediator: rng.below(MEDIATORS.len()),
            },
        };
        let tag = match kind {
            Kind::Strike { .. } => "strike",
            Kind::Statement { .. } => "statement",
            Kind::Front { .. } => "front",
            Kind::Aid { .. } => "aid",
            Kind::Exchange { .. } => "exchange",
        };
        Facts {
            id: format!("stream-{:06}-{tag}", e + 1),
            kind,
        }
    }

    fn place(&self) -> &'static str {
        match self.kind {
            Kind::Strike { city, .. } => CITIES[city].0,
            Kind::Statement { speaker, .. } => SPEAKERS[speaker].2,
            Kind::Front { direction, .. } => DIRECTIONS[direction],
            Kind::Aid { donor, .. } => DONORS[donor].1,
            Kind::Exchange { .. } => "Kyiv",
        }
    }

    fn speaker(&self) -> &'static str {
        match self.kind {
            Kind::Strike { city, .. } => CITIES[city].2,
            Kind::Statement { speaker, .. } => SPEAKERS[speaker].0,
            Kind::Front { .. } => "Oleksandr Syrskyi",
            Kind::Aid { donor, .. } => DONORS[donor].2,
            Kind::Exchange { .. } => "Volodymyr Zelensky",
        }
    }

    fn summary(&self) -> String {
        match self.kind {
            Kind::Strike {
                city,
                weapon,
                target,
                daypart,
                injured,
            } => format!(
                "Russian {} hit {} in {} {}; {injured} injured",
                WEAPONS[weapon], TARGETS[target].0, CITIES[city].0, DAYPARTS[daypart]
            ),
            Kind::Statement { speaker, subject } => format!(
                "{} {} says {}",
                SPEAKERS[speaker].1, SPEAKERS[speaker].0, SUBJECTS[subject].1
            ),
            Kind::Front { direction, assaults } => {
                format!(
                    "General Staff reports {assaults} assaults repelled near {}",
                    DIRECTIONS[direction]
                )
            }
            Kind::Aid {
                donor,
                package,
                millions,
            } => format!(
                "{} pledges {} worth {millions} million euros",
                cap(DONORS[donor].0),
                PACKAGES[package]
            ),
            Kind::Exchange { prisoners, mediator } => format!(
                "Ukraine and Russia swap {prisoners} prisoners each, mediated by {}",
                MEDIATORS[mediator]
            ),
        }
    }

    /// Title and paragraphs (lead first) of one report, in one of three wordings.
    fn report(&self, v: usize) -> (String, Vec<String>) {
        match self.kind {
            Kind::Strike {
                city,
                weapon,
                target,
                daypart,
                injured: n,
            } => {
                let (city, district, official, role) = CITIES[city];
                let (w, (t, t_short), when) = (WEAPONS[weapon], TARGETS[target], DAYPARTS[daypart]);
                let last = last_name(official);
                let quote = format!(
                    "“The enemy struck {t} again. Everyone who needs help is getting it,” {last} wrote on Telegram."
                );
                let rescue = format!(
                    "Rescue teams were working at the site in the {district} district, the State Emergency Service \
                     said. {n} people were taken to hospital or treated at the scene."
                );
                let context = if matches!(weapon, 0 | 1) {
                    format!(
                        "Ukraine's air force said it had intercepted most of the {w} launched at the country, \
                         without giving figures for {city}."
                    )
                } else {
                    format!("{city} is within range of Russian {w}, which are launched from beyond the front line.")
                };
                let moscow =
                    "There was no immediate comment from Moscow, which denies targeting civilians.".to_string();
                match v {
                    0 => (
                        format!("Russian {w} hit {t_short} in {city}, {n} injured"),
                        vec![
                            format!(
                                "Russian {w} struck {t} in {city}'s {district} district {when}, injuring {n} \
                                 people, {role} {official} said."
                            ),
                            quote,
                            rescue,
                            moscow,
                        ],
                    ),
                    1 => (
                        format!("{n} hurt as {w} strike {t_short} in {city}"),
                        vec![
                            format!(
                                "At least {n} people were injured when Russian {w} hit {t} in the Ukrainian city of \
                                 {city} {when}, local officials said."
                            ),
                            format!("{official}, the {role}, said the {district} district was worst affected."),
                            context,
                            quote,
                        ],
                    ),
                    _ => (
                        format!("{city} {t_short} damaged in Russian attack, {last} says"),
                        vec![
                            format!(
                                "A Russian attack with {w} damaged {t} in {city} {when}, {official}, the {role}, \
                                 said, adding that {n} people had been hurt."
                            ),
                            context,
                            rescue,
                            quote,
                            moscow,
                        ],
                    ),
                }
            }
            Kind::Statement { speaker, subject } => {
                let (name, role, place) = SPEAKERS[speaker];
                let (topic, claim, quote, context) = SUBJECTS[subject];
                let last = last_name(name);
                match v {
                    0 => (
                        format!("{last} says {}", claim.split(' ').take(9).collect::<Vec<_>>().join(" ")),
                        vec![
                            format!("{role} {name} said on {{today}} that {claim}."),
                            format!("“{quote}” {last} told reporters in {place}."),
                            context.to_string(),
                        ],
                    ),
                    1 => (
                        format!("{}: “{}”", cap(topic), quote.trim_end_matches('.')),
                        vec![
                            format!("{}, {role} {name} told reporters on {{today}}.", cap(claim)),
                            format!("“{quote}” {last} said, speaking in {place}."),
                            format!("{last} did not say when a decision on {topic} might be taken."),
                            context.to_string(),
                        ],
                    ),
                    _ => (
                        format!("{name} weighs in on {topic}"),
                        vec![
                            format!("According to {role} {name}, {claim}."),
                            context.to_string(),
                            format!("“{quote}” {last} said on {{today}}."),
                        ],
                    ),
                }
            }
            Kind::Front { direction, assaults: n } => {
                let d = DIRECTIONS[direction];
                let syrskyi = format!(
                    "Commander-in-Chief Oleksandr Syrskyi said the situation near {d} was difficult. “Our units are \
                     holding their positions and inflicting heavy losses,” he said."
                );
                let moscow = "Russia's Defence Ministry said its forces had improved their positions in the area. \
                              Neither claim could be independently verified."
                    .to_string();
                match v {
                    0 => (
                        format!("Ukraine says {n} assaults repelled near {d}"),
                        vec![
                            format!(
                                "Ukrainian forces repelled {n} Russian assaults near {d} over the past 24 hours, the \
                                 General Staff said on {{today}}."
                            ),
                            syrskyi,
                            moscow,
                        ],
                    ),
                    1 => (
                        format!("Fighting flares around {d}, Ukraine's military says"),
                        vec![
                            format!(
                                "Russian troops attacked Ukrainian positions near {d} {n} times over the past day, \
                                 according to the General Staff of Ukraine's armed forces."
                            ),
                            moscow,
                            syrskyi,
                        ],
                    ),
                    _ => (
                        format!("General Staff reports {n} clashes in {d} direction"),
                        vec![
                            format!(
                                "The heaviest fighting along the front over the past day was around {d}, where \
                                 Ukraine's military said it had recorded {n} clashes."
                            ),
                            syrskyi,
                            format!("{d} has been under sustained attack for months."),
                        ],
                    ),
                }
            }
            Kind::Aid {
                donor,
                package,
                millions: m,
            } => {
                let (country, capital, minister, role) = DONORS[donor];
                let p = PACKAGES[package];
                let last = last_name(minister);
                let quote = format!("“Ukraine's defence is Europe's defence, and we will keep our word,” {last} said.");
                let deliveries = "Deliveries are expected to begin within weeks, officials said.".to_string();
                match v {
                    0 => (
                        format!("{} pledges {m} million euros in {p} for Ukraine", cap(country)),
                        vec![
                            format!(
                                "{} will send Ukraine {p} worth {m} million euros, {role} {minister} said on \
                                 {{today}}.",
                                cap(country)
                            ),
                            quote,
                            deliveries,
                        ],
                    ),
                    1 => (
                        format!("{} to send {p} to Ukraine", cap(country)),
                        vec![
                            format!(
                                "{minister}, the {role} of {country}, announced on {{today}} a new package of {p} \
                                 for Ukraine valued at {m} million euros."
                            ),
                            deliveries,
                            quote,
                        ],
                    ),
                    _ => (
                        format!("New aid package from {capital} includes {p}"),
                        vec![
                            format!(
                                "Ukraine will receive {p} under a {m}-million-euro package, the government in \
                                 {capital} said on {{today}}."
                            ),
                            quote,
                            format!("It is the latest in a series of packages from {country} since 2022."),
                        ],
                    ),
                }
            }
            Kind::Exchange { prisoners: n, mediator } => {
                let med = MEDIATORS[mediator];
                let zelensky = "“Our people are home. We will bring back every one of them,” President Volodymyr \
                                Zelensky wrote on social media."
                    .to_string();
                match v {
                    0 => (
                        format!("Ukraine and Russia swap {n} prisoners each"),
                        vec![
                            format!(
                                "Ukraine and Russia exchanged {n} prisoners of war each on {{today}} in a deal \
                                 mediated by {med}, Ukrainian officials said."
                            ),
                            zelensky,
                            "Russia's Defence Ministry confirmed the exchange.".to_string(),
                        ],
                    ),
                    1 => (
                        format!("{n} Ukrainian soldiers freed in prisoner exchange"),
                        vec![
                            format!(
                                "{n} Ukrainian servicemen returned home on {{today}} in an exchange with Russia, \
                                 Ukraine's coordination headquarters for prisoners of war said."
                            ),
                            format!("The headquarters thanked {med} for its mediation."),
                            zelensky,
                        ],
                    ),
                    _ => (
                        format!("Prisoner exchange brokered by {med} frees {n}"),
                        vec![
                            format!(
                                "A prisoner exchange brokered by {med} brought {n} Ukrainian soldiers home on \
                                 {{today}}, President Volodymyr Zelensky said."
                            ),
                            zelensky,
                            "Many of those freed had been held since 2022, officials said.".to_string(),
                        ],
                    ),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_are_deterministic_grouped_and_varied() {
        let spec = StreamSpec {
            rate_per_sec: 5.0,
            duration: Duration::from_secs(60),
            outlets: 6,
        };
        let a = generate(&spec, corpus::DEFAULT_DAY);
        let b = generate(&spec, corpus::DEFAULT_DAY);
        assert_eq!(a.articles.len(), 300);
        assert_eq!(
            a.articles.iter().map(|(x, _)| x.clone()).collect::<Vec<_>>(),
            b.articles.iter().map(|(x, _)| x.clone()).collect::<Vec<_>>()
        );
        assert_eq!(a.outlets.len(), 6);
        assert_eq!(a.outlets[4].id, "wire2");
        let mut per_event = std::collections::HashMap::<&str, Vec<&Article>>::new();
        for (x, _) in &a.articles {
            per_event.entry(&x.event).or_default().push(x);
            for p in &x.paragraphs {
                assert!(!p.contains('{'), "{p}");
            }
        }
        assert!(per_event.values().all(|v| (1..=4).contains(&v.len())));
        assert!(per_event.values().any(|v| v.len() >= 3));
        for reports in per_event.values() {
            let mut leads: Vec<&str> = reports.iter().map(|r| r.lead()).collect();
            leads.sort_unstable();
            let n = leads.len();
            leads.dedup();
            assert!(leads.len() == n || n > 3, "reports of one event differ: {leads:?}");
        }
        let mut slugs: Vec<String> = a.articles.iter().map(|(x, _)| x.id()).collect();
        slugs.sort();
        slugs.dedup();
        assert_eq!(slugs.len(), 300, "article ids are unique");
        assert!(a.articles.windows(2).all(|w| w[0].1 <= w[1].1), "offsets ascend");
        assert_eq!(a.articles[5].1, Duration::from_secs(1));
    }
}
