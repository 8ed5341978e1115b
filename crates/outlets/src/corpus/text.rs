//! The newsroom corpus as written: every word here was written for this crate, in the style of wire reports.
//! No outlet's copy. Names of public figures appear only in invented statements about an invented day.
//!
//! Placeholders, filled from the corpus day: `{today}` (weekday, "Thursday"), `{yesterday}`, `{date}`
//! ("March 20"), `{uk_today}` (Ukrainian weekday after «у», "четвер"), `{uk_date}` ("20 березня").

pub(super) struct OutletSpec {
    pub id: &'static str,
    pub name: &'static str,
    pub kind: super::FeedKind,
    pub language: &'static str,
}

pub(super) const OUTLETS: &[OutletSpec] = &[
    OutletSpec {
        id: "wire",
        name: "Meridian Wire",
        kind: super::FeedKind::Rss,
        language: "en",
    },
    OutletSpec {
        id: "daily",
        name: "The Northern Daily",
        kind: super::FeedKind::Atom,
        language: "en",
    },
    OutletSpec {
        id: "post",
        name: "The Capital Post",
        kind: super::FeedKind::JsonFeed,
        language: "en",
    },
    OutletSpec {
        id: "regional",
        name: "Black Sea Courier",
        kind: super::FeedKind::Page,
        language: "en",
    },
];

pub(super) struct EventSpec {
    pub id: &'static str,
    pub summary: &'static str,
    /// Days from the corpus day (0: that day).
    pub day: i8,
    pub places: &'static [&'static str],
    pub speakers: &'static [&'static str],
}

pub(super) const EVENTS: &[EventSpec] = &[
    EventSpec {
        id: "odesa-port-strike",
        summary: "Overnight drone attack damages Odesa port and a substation; two injured, power cut in two districts",
        day: 0,
        places: &["Odesa"],
        speakers: &["Oleh Kiper"],
    },
    EventSpec {
        id: "kharkiv-drone-strike-overnight",
        summary: "Drones hit an apartment block in Kharkiv's Saltivskyi district overnight; five wounded",
        day: 0,
        places: &["Kharkiv"],
        speakers: &["Ihor Terekhov", "Oleh Syniehubov"],
    },
    EventSpec {
        id: "kharkiv-missile-strike-evening",
        summary: "Ballistic missile hits an industrial site in Kharkiv's Kholodnohirskyi district in the evening; one killed",
        day: 0,
        places: &["Kharkiv"],
        speakers: &["Oleh Syniehubov", "Ihor Terekhov"],
    },
    EventSpec {
        id: "peskov-ceasefire-questions",
        summary: "Kremlin spokesman Dmitry Peskov says Moscow is studying the US 30-day truce plan, has questions, will not rush",
        day: 0,
        places: &["Moscow"],
        speakers: &["Dmitry Peskov"],
    },
    EventSpec {
        id: "peskov-european-troops",
        summary: "Peskov says European troops in Ukraine under any flag are out of the question for Moscow",
        day: 0,
        places: &["Moscow"],
        speakers: &["Dmitry Peskov"],
    },
    EventSpec {
        id: "sybiha-ceasefire-answer",
        summary: "Ukraine's Foreign Minister Andrii Sybiha says Russia must answer the truce plan without conditions",
        day: 0,
        places: &["Kyiv"],
        speakers: &["Andrii Sybiha"],
    },
    EventSpec {
        id: "zaporizhzhia-glide-bombs",
        summary: "Glide bombs hit Zaporizhzhia in the afternoon; three injured, homes and a kindergarten damaged",
        day: 0,
        places: &["Zaporizhzhia"],
        speakers: &["Ivan Fedorov"],
    },
    EventSpec {
        id: "pokrovsk-assaults",
        summary: "General Staff says 38 assaults repelled near Pokrovsk; Syrskyi calls the situation difficult",
        day: 0,
        places: &["Pokrovsk"],
        speakers: &["Oleksandr Syrskyi"],
    },
    EventSpec {
        id: "prisoner-exchange",
        summary: "Ukraine and Russia exchange 175 prisoners of war each in a UAE-mediated swap",
        day: 0,
        places: &["United Arab Emirates"],
        speakers: &["Volodymyr Zelensky", "Dmytro Lubinets"],
    },
    EventSpec {
        id: "military-chiefs-britain",
        summary: "Military planners from about 20 countries meet in Britain on a force for Ukraine, Starmer says",
        day: 0,
        places: &["Northwood", "London"],
        speakers: &["Keir Starmer"],
    },
];

pub(super) struct ArticleSpec {
    pub outlet: &'static str,
    pub slug: &'static str,
    pub event: &'static str,
    pub language: &'static str,
    /// Publication time of day, UTC.
    pub at: (i8, i8),
    /// Seconds after start at which `Scenario::demo()` releases it, if it is in the demo.
    pub demo: Option<u16>,
    pub author: &'static str,
    pub section: &'static str,
    /// The wire's dateline city; the date and the outlet are added when the corpus is made.
    pub dateline: Option<&'static str>,
    pub title: &'static str,
    /// The lead first.
    pub paragraphs: &'static [&'static str],
}

pub(super) const ARTICLES: &[ArticleSpec] = &[
    // ── Kharkiv, the night into the corpus day ──────────────────────────────────────────────────────────
    ArticleSpec {
        outlet: "wire",
        slug: "drones-hit-kharkiv-apartment-block",
        event: "kharkiv-drone-strike-overnight",
        language: "en",
        at: (4, 50),
        demo: Some(2),
        author: "Andriy Polishchuk",
        section: "Europe",
        dateline: Some("KHARKIV"),
        title: "Drones hit Kharkiv apartment block overnight, five wounded",
        paragraphs: &[
            "Russian drones struck a nine-storey apartment building in Ukraine's second-largest city Kharkiv \
             overnight, wounding five people including a 12-year-old girl, Mayor Ihor Terekhov said early on {today}.",
            "The strike on the Saltivskyi district set fire to three upper floors and blew out windows in \
             neighbouring houses, Terekhov said on the Telegram messaging app. Rescuers evacuated 40 residents.",
            "“People were asleep in their beds. There is no military target here, only homes,” Terekhov said.",
            "Kharkiv, about 30 km (19 miles) from the Russian border, is a frequent target of drone, missile and \
             glide bomb attacks.",
        ],
    },
    ArticleSpec {
        outlet: "post",
        slug: "kharkiv-residents-hurt-as-drone-strikes-high-rise",
        event: "kharkiv-drone-strike-overnight",
        language: "en",
        at: (6, 30),
        demo: None,
        author: "Sofia Brandt",
        section: "World",
        dateline: None,
        title: "Five hurt as drone slams into Kharkiv high-rise",
        paragraphs: &[
            "Five people, among them a child, were injured when a Russian drone hit a residential high-rise in \
             Kharkiv in the early hours of {today}, local authorities said.",
            "Regional governor Oleh Syniehubov said the girl, 12, was in a moderate condition. Medics treated \
             several more residents for acute stress.",
            "Mayor Ihor Terekhov said the drone hit the upper floors of the building in the Saltivskyi district \
             shortly after 2 a.m., and that firefighters put out the blaze within two hours.",
            "Photographs published by the emergency service showed blackened balconies and a courtyard strewn \
             with glass.",
        ],
    },
    // ── Odesa, the night into the corpus day; the wire story and a near-verbatim copy ─────────────────────
    ArticleSpec {
        outlet: "wire",
        slug: "russian-drones-hit-odesa-port-and-power-facility",
        event: "odesa-port-strike",
        language: "en",
        at: (5, 20),
        demo: Some(6),
        author: "Olena Marchuk",
        section: "Europe",
        dateline: Some("ODESA"),
        title: "Russian drones hit Odesa port and power facility, two injured",
        paragraphs: &[
            "A Russian drone attack overnight damaged port infrastructure and an energy facility in the southern \
             Ukrainian city of Odesa, injuring two people and cutting power to several districts, regional \
             governor Oleh Kiper said on {today}.",
            "Fires broke out at a warehouse in the port area and at an electrical substation after debris from \
             downed drones fell on the sites, Kiper wrote on the Telegram messaging app. A 46-year-old man and a \
             51-year-old woman were taken to hospital with shrapnel wounds.",
            "“The enemy once again targeted the civilian infrastructure of Odesa. Emergency crews put out the \
             fires by morning, and engineers are already restoring supply,” Kiper said.",
            "Ukraine's air force said it shot down 58 of the 84 drones Russia launched overnight, and that \
             another 19 were lost to electronic countermeasures. It did not say where the remaining drones struck.",
            "There was no immediate comment from Moscow, which denies targeting civilians. Odesa's ports have \
             been hit repeatedly since Russia launched its full-scale invasion in February 2022.",
        ],
    },
    ArticleSpec {
        outlet: "regional",
        slug: "overnight-drone-attack-hits-odesa-port",
        event: "odesa-port-strike",
        language: "en",
        at: (6, 5),
        demo: Some(14),
        author: "Meridian Wire",
        section: "Odesa",
        dateline: None,
        title: "Overnight drone attack hits Odesa port, two people injured",
        paragraphs: &[
            "A Russian drone attack overnight damaged port infrastructure and an energy facility in Odesa, \
             injuring two people and cutting power to several districts, regional governor Oleh Kiper said on \
             {today}.",
            "Fires broke out at a warehouse in the port area and at an electrical substation after debris from \
             downed drones fell on the sites, Kiper wrote on the Telegram messaging app. A 46-year-old man and a \
             51-year-old woman were taken to hospital with shrapnel wounds.",
            "“The enemy once again targeted the civilian infrastructure of Odesa. Emergency crews put out the \
             fires by morning, and engineers are already restoring supply,” Kiper said.",
            "Ukraine's air force said it shot down 58 of the 84 drones Russia launched overnight, and that \
             another 19 were lost to electronic countermeasures.",
            "There was no immediate comment from Moscow, which denies targeting civilians. Odesa's ports have \
             been hit repeatedly since Russia launched its full-scale invasion in February 2022.",
        ],
    },
    ArticleSpec {
        outlet: "daily",
        slug: "odesa-counts-damage-after-night-drone-raid",
        event: "odesa-port-strike",
        language: "en",
        at: (7, 40),
        demo: Some(22),
        author: "James Whitcombe",
        section: "World",
        dateline: None,
        title: "Odesa counts damage after night drone raid on port and grid",
        paragraphs: &[
            "Firefighters in Odesa spent the early hours of {today} battling blazes at the city's port and at a \
             power substation after a wave of Russian attack drones struck the Black Sea city overnight.",
            "Two residents were wounded, according to Oleh Kiper, the head of the Odesa regional military \
             administration, who said the attack had left thousands of households without electricity in the \
             Prymorskyi and Kyivskyi districts.",
            "Kiper said repair teams expected to restore power by the evening. “Odesa is standing. Every light \
             that goes out tonight will be switched back on,” he told local television.",
            "The air force said 84 drones had been launched against Ukraine overnight, most of them Shahed-type, \
             and that 58 were shot down over the Odesa, Mykolaiv and Kyiv regions.",
        ],
    },
    // ── One Kremlin statement on the truce plan, three wordings ───────────────────────────────────────────
    ArticleSpec {
        outlet: "wire",
        slug: "kremlin-says-it-is-studying-us-truce-proposal",
        event: "peskov-ceasefire-questions",
        language: "en",
        at: (9, 10),
        demo: Some(30),
        author: "Nikolai Sarkisov",
        section: "Europe",
        dateline: Some("MOSCOW"),
        title: "Kremlin says it is studying US truce proposal, no decision yet",
        paragraphs: &[
            "The Kremlin is studying a U.S. proposal for a 30-day cease-fire in Ukraine but has not taken a \
             decision, Kremlin spokesman Dmitry Peskov said on {today}.",
            "“President Putin has said that the idea itself is correct, but there are questions that need to be \
             answered. We will not rush,” Peskov told reporters on a conference call.",
            "Peskov said Moscow wanted to understand how a truce would be monitored along a front line of more \
             than 1,000 km (620 miles), and who would do it.",
            "Ukraine has said it is ready to accept the proposal. Washington has urged Moscow to respond quickly.",
        ],
    },
    ArticleSpec {
        outlet: "daily",
        slug: "moscow-will-not-rush-answer-on-ceasefire-says-peskov",
        event: "peskov-ceasefire-questions",
        language: "en",
        at: (10, 5),
        demo: Some(38),
        author: "Helen Ashdown",
        section: "World",
        dateline: None,
        title: "Moscow ‘will not rush’ its answer on cease-fire, says Peskov",
        paragraphs: &[
            "Russia will take its time before answering Washington's plan for a month-long cease-fire, the \
             Kremlin signalled on {today}, saying Vladimir Putin still had unanswered questions about how it \
             would work.",
            "Speaking to journalists, Kremlin spokesman Dmitry Peskov said the Russian president regarded the \
             idea as correct in principle. But he added that Moscow “will not rush” and needed to know who would \
             monitor a truce along the front.",
            "Peskov declined to say when an answer might come.",
            "Western diplomats have accused the Kremlin of playing for time while its forces press on in eastern \
             Ukraine.",
        ],
    },
    ArticleSpec {
        outlet: "post",
        slug: "kremlin-raises-questions-over-us-cease-fire-plan",
        event: "peskov-ceasefire-questions",
        language: "en",
        at: (10, 50),
        demo: Some(46),
        author: "Sofia Brandt",
        section: "World",
        dateline: None,
        title: "Kremlin raises questions over US cease-fire plan",
        paragraphs: &[
            "According to Kremlin spokesman Dmitry Peskov, Moscow has “questions” about the American proposal for \
             a 30-day pause in the fighting and is in no hurry to respond.",
            "Peskov told reporters on {today} that President Vladimir Putin agreed with the idea in principle, but \
             wanted clarity on how violations would be recorded and by whom.",
            "“We will not rush,” Peskov said, adding that contacts with the U.S. side were continuing through \
             several channels.",
            "The remarks came two days after Ukrainian and U.S. officials agreed on the proposal in Jeddah.",
        ],
    },
    // ── Kyiv's answer: one statement, four outlets ────────────────────────────────────────────────────────
    ArticleSpec {
        outlet: "wire",
        slug: "ukraine-says-moscow-must-answer-truce-plan-without-conditions",
        event: "sybiha-ceasefire-answer",
        language: "en",
        at: (11, 30),
        demo: None,
        author: "Andriy Polishchuk",
        section: "Europe",
        dateline: Some("KYIV"),
        title: "Ukraine says Moscow must answer truce plan without conditions",
        paragraphs: &[
            "Ukraine's Foreign Minister Andrii Sybiha said on {today} that Russia must accept a proposed 30-day \
             cease-fire without attaching conditions, and accused the Kremlin of stalling.",
            "“Ukraine has said yes. Now it is Moscow's turn to show whether it wants peace or more war,” Sybiha \
             told a news conference in Kyiv with his Finnish counterpart.",
            "He said Ukrainian and U.S. technical teams would meet again next week to work out how a truce could \
             be monitored.",
            "Sybiha spoke hours after the Kremlin said it had questions about the proposal.",
        ],
    },
    ArticleSpec {
        outlet: "daily",
        slug: "ukraine-has-said-yes-sybiha-presses-russia-on-truce",
        event: "sybiha-ceasefire-answer",
        language: "en",
        at: (12, 10),
        demo: None,
        author: "Helen Ashdown",
        section: "World",
        dateline: None,
        title: "‘Ukraine has said yes’: Sybiha presses Russia on truce",
        paragraphs: &[
            "Kyiv stepped up pressure on Moscow on {today}, with Foreign Minister Andrii Sybiha saying Ukraine had \
             done its part by agreeing to a month-long cease-fire and that any Russian conditions would be a sign \
             of bad faith.",
            "“Ukraine has said yes. Now it is Moscow's turn to show whether it wants peace or more war,” Sybiha \
             said at a press conference in the Ukrainian capital.",
            "The foreign minister said technical talks with the United States on monitoring would continue next \
             week, without naming a venue.",
        ],
    },
    ArticleSpec {
        outlet: "post",
        slug: "kyiv-accuses-kremlin-of-stalling-on-truce",
        event: "sybiha-ceasefire-answer",
        language: "en",
        at: (12, 45),
        demo: None,
        author: "Marcus Oyelaran",
        section: "World",
        dateline: None,
        title: "Kyiv accuses Kremlin of stalling on truce",
        paragraphs: &[
            "Ukraine accused Russia on {today} of stalling over a US-backed cease-fire plan, with Foreign Minister \
             Andrii Sybiha saying Moscow should answer “without tricks and without conditions”.",
            "Sybiha said in Kyiv that Ukraine and the United States had agreed that a truce would cover the air, \
             the sea and the entire front line.",
            "“The world is watching who is delaying peace,” he said.",
            "He said expert groups from both countries would meet next week.",
        ],
    },
    ArticleSpec {
        outlet: "regional",
        slug: "sybiha-russia-must-answer-on-ceasefire-without-conditions",
        event: "sybiha-ceasefire-answer",
        language: "en",
        at: (13, 30),
        demo: None,
        author: "Iryna Koval",
        section: "Politics",
        dateline: None,
        title: "Sybiha: Russia must answer on cease-fire without conditions",
        paragraphs: &[
            "Foreign Minister Andrii Sybiha said on {today} that Russia had to respond to the cease-fire proposal \
             without conditions, as shipping companies in Odesa watched the talks for signs of a truce at sea.",
            "A truce covering the Black Sea would let the ports of Odesa, Chornomorsk and Pivdennyi work without \
             the threat of strikes, Sybiha said in Kyiv.",
            "“Ukraine has said yes,” the minister said. He added that technical teams would meet again next week.",
        ],
    },
    // ── The same speaker on another subject, the same day ─────────────────────────────────────────────────
    ArticleSpec {
        outlet: "post",
        slug: "kremlin-rules-out-european-peacekeepers-in-ukraine",
        event: "peskov-european-troops",
        language: "en",
        at: (12, 20),
        demo: Some(54),
        author: "Marcus Oyelaran",
        section: "World",
        dateline: None,
        title: "Kremlin rules out European peacekeepers in Ukraine",
        paragraphs: &[
            "Kremlin spokesman Dmitry Peskov said on {today} that Russia would regard any deployment of European \
             troops to Ukraine as unacceptable, whatever mandate they were given.",
            "“Troops from NATO countries on Ukrainian soil, under any flag and in any form, are out of the \
             question for us,” Peskov told reporters.",
            "Britain and France have said they are prepared to send forces to Ukraine to help secure a future \
             peace deal, and have invited other countries to join them.",
            "Peskov called such plans “a dangerous illusion” that would not bring peace closer.",
        ],
    },
    ArticleSpec {
        outlet: "daily",
        slug: "peskov-warns-europe-against-sending-troops-to-ukraine",
        event: "peskov-european-troops",
        language: "en",
        at: (13, 0),
        demo: Some(62),
        author: "Helen Ashdown",
        section: "World",
        dateline: None,
        title: "Peskov warns Europe against sending troops to Ukraine",
        paragraphs: &[
            "The Kremlin warned European governments on {today} against sending troops to Ukraine as part of any \
             peace settlement, calling the idea a dangerous illusion.",
            "The presence of troops from NATO countries in Ukraine, under any flag, would be out of the question \
             for Moscow, spokesman Dmitry Peskov said, answering a question about British and French plans for a \
             reassurance force.",
            "Military chiefs from about 20 countries are due to meet in Britain to discuss how such a force might \
             work.",
        ],
    },
    // ── Zaporizhzhia: a Ukrainian report and an English one ───────────────────────────────────────────────
    ArticleSpec {
        outlet: "regional",
        slug: "zaporizhzhia-aviabomby-troie-poranenykh",
        event: "zaporizhzhia-glide-bombs",
        language: "uk",
        at: (14, 20),
        demo: Some(70),
        author: "Ірина Коваль",
        section: "Запоріжжя",
        dateline: None,
        title: "Росія скинула авіабомби на Запоріжжя: троє поранених",
        paragraphs: &[
            "Російські війська у {uk_today} вдень атакували Запоріжжя керованими авіабомбами, троє людей \
             дістали поранення, повідомив голова Запорізької обласної військової адміністрації Іван Федоров.",
            "За його словами, удар пошкодив приватні будинки та будівлю дитячого садка в Олександрівському \
             районі міста. Діти під час атаки були в укритті.",
            "«Ворог цілить у житлові квартали. На щастя, діти встигли спуститися в укриття», – написав Федоров \
             у Telegram.",
            "Серед поранених – 67-річна жінка, її госпіталізували. Ще двом чоловікам медики надали допомогу на \
             місці.",
            "Рятувальники ліквідували пожежу на площі 120 квадратних метрів, повідомили в ДСНС.",
        ],
    },
    ArticleSpec {
        outlet: "wire",
        slug: "russian-glide-bombs-hit-zaporizhzhia-kindergarten-damaged",
        event: "zaporizhzhia-glide-bombs",
        language: "en",
        at: (15, 5),
        demo: Some(78),
        author: "Olena Marchuk",
        section: "Europe",
        dateline: Some("ZAPORIZHZHIA"),
        title: "Russian glide bombs hit Zaporizhzhia, kindergarten damaged",
        paragraphs: &[
            "Russian guided aerial bombs struck the southeastern Ukrainian city of Zaporizhzhia on {today} \
             afternoon, injuring three people and damaging homes and a kindergarten, regional governor Ivan \
             Fedorov said.",
            "Children at the kindergarten in the Oleksandrivskyi district had been taken to a shelter before the \
             strike, Fedorov said.",
            "“The enemy is aiming at residential neighbourhoods,” he wrote on Telegram.",
            "A 67-year-old woman was taken to hospital and two men were treated at the scene, Fedorov said. \
             Zaporizhzhia lies about 35 km (22 miles) from the front line.",
        ],
    },
    // ── The front, exchanges, allies ──────────────────────────────────────────────────────────────────────
    ArticleSpec {
        outlet: "daily",
        slug: "ukraine-and-russia-swap-175-prisoners-each",
        event: "prisoner-exchange",
        language: "en",
        at: (15, 40),
        demo: None,
        author: "James Whitcombe",
        section: "World",
        dateline: None,
        title: "Ukraine and Russia swap 175 prisoners each in UAE-brokered deal",
        paragraphs: &[
            "Ukraine and Russia exchanged 175 prisoners of war each on {today}, in a swap mediated by the United \
             Arab Emirates, President Volodymyr Zelensky said.",
            "“Our people are home,” Zelensky wrote on social media, posting pictures of men wrapped in \
             blue-and-yellow flags stepping off buses. “We remember every one of those still held in Russia, and \
             we will bring them back.”",
            "Ukraine's human rights commissioner Dmytro Lubinets said many of the freed soldiers had defended \
             Mariupol in 2022.",
            "Russia's Defence Ministry confirmed the exchange and said its servicemen were being taken to Moscow \
             for medical treatment.",
        ],
    },
    ArticleSpec {
        outlet: "wire",
        slug: "ukraine-says-it-repelled-dozens-of-assaults-near-pokrovsk",
        event: "pokrovsk-assaults",
        language: "en",
        at: (16, 0),
        demo: Some(88),
        author: "Andriy Polishchuk",
        section: "Europe",
        dateline: Some("KYIV"),
        title: "Ukraine says it repelled dozens of assaults near Pokrovsk",
        paragraphs: &[
            "Ukrainian forces repelled 38 Russian assaults near the eastern town of Pokrovsk over the past 24 \
             hours, the General Staff of Ukraine's armed forces said on {today}.",
            "Commander-in-Chief Oleksandr Syrskyi said the situation in the Pokrovsk direction remained difficult \
             but that Russian advances had slowed in recent weeks. “The enemy is paying an enormous price for \
             every metre,” Syrskyi said in a statement.",
            "Russia's Defence Ministry said its troops had taken control of a village in the Donetsk region, \
             which it did not name. Neither claim could be independently verified.",
            "Pokrovsk, once a logistics hub for Ukrainian forces in Donetsk, has been the focus of Russian attacks \
             for more than six months.",
        ],
    },
    ArticleSpec {
        outlet: "post",
        slug: "175-ukrainian-soldiers-return-home-in-prisoner-swap",
        event: "prisoner-exchange",
        language: "en",
        at: (16, 20),
        demo: None,
        author: "Sofia Brandt",
        section: "World",
        dateline: None,
        title: "175 Ukrainian soldiers return home in prisoner swap",
        paragraphs: &[
            "One hundred and seventy-five Ukrainian servicemen returned home on {today} in the latest prisoner \
             exchange with Russia, Ukraine's Coordination Headquarters for the Treatment of Prisoners of War said.",
            "President Volodymyr Zelensky thanked the United Arab Emirates for its mediation and said Kyiv would \
             keep working to free all its prisoners.",
            "According to ombudsman Dmytro Lubinets, several of the released men were seriously ill and would \
             need long treatment.",
            "It was the third exchange between the two countries this year.",
        ],
    },
    ArticleSpec {
        outlet: "post",
        slug: "military-chiefs-meet-in-britain-to-plan-ukraine-force",
        event: "military-chiefs-britain",
        language: "en",
        at: (18, 0),
        demo: None,
        author: "Marcus Oyelaran",
        section: "World",
        dateline: None,
        title: "Military chiefs meet in Britain to plan Ukraine force",
        paragraphs: &[
            "Military planners from about 20 countries met in Britain on {today} to discuss how a multinational \
             force could help secure Ukraine after any cease-fire, British Prime Minister Keir Starmer said.",
            "“We are moving from the political discussion to the operational planning,” Starmer told reporters, \
             without saying which countries would send troops.",
            "The meeting at the Northwood military headquarters near London brought together officers from \
             European countries, Canada and Australia, a British government spokesperson said.",
            "The Kremlin has said it will not accept troops from NATO countries in Ukraine.",
        ],
    },
    // ── Kharkiv again, the evening of the corpus day: a different strike on the same city ────────────────
    ArticleSpec {
        outlet: "daily",
        slug: "missile-strike-on-kharkiv-industrial-site-kills-one",
        event: "kharkiv-missile-strike-evening",
        language: "en",
        at: (20, 15),
        demo: None,
        author: "James Whitcombe",
        section: "World",
        dateline: None,
        title: "Missile strike on Kharkiv industrial site kills one, hours after drone raid",
        paragraphs: &[
            "A Russian missile struck an industrial enterprise in Kharkiv on {today} evening, killing one worker \
             and injuring seven, regional governor Oleh Syniehubov said, the second attack on the city in less \
             than a day.",
            "The missile hit the Kholodnohirskyi district at about 9:30 p.m. local time, Syniehubov said, adding \
             that a warehouse and several vehicles were on fire.",
            "“Tonight the enemy struck Kharkiv again, this time with a ballistic missile,” Syniehubov wrote on \
             Telegram. “All emergency services are working at the site.”",
            "Early on {today}, a drone attack had wounded five people in the Saltivskyi district on the other side \
             of the city.",
        ],
    },
    ArticleSpec {
        outlet: "wire",
        slug: "ballistic-missile-kills-one-wounds-seven-in-kharkiv",
        event: "kharkiv-missile-strike-evening",
        language: "en",
        at: (20, 40),
        demo: None,
        author: "Andriy Polishchuk",
        section: "Europe",
        dateline: Some("KHARKIV"),
        title: "Ballistic missile kills one, wounds seven in Kharkiv",
        paragraphs: &[
            "One person was killed and seven were wounded when a Russian ballistic missile hit an industrial site \
             in Kharkiv late on {today}, Ukrainian officials said.",
            "Mayor Ihor Terekhov said the strike on the Kholodnohirskyi district damaged a warehouse and nearby \
             private homes. He said the victims were employees of the enterprise, which he did not name.",
            "Governor Oleh Syniehubov said rescuers were still searching the site for people who might be trapped.",
            "Moscow did not immediately comment. Russia says it targets military and defence industry facilities.",
        ],
    },
];
