//! The grouper's operations and their invariants.

use jiff::civil::date;
use livebrief_cluster::{Config, DateEvidence, Doc, Grouper, group_all};

use crate::fixtures::{self, Rng, report, wire_copy};

fn docs_of(ev: &fixtures::Event, n: usize, seed: u64) -> Vec<Doc> {
    let mut rng = Rng::new(seed);
    (0..n).map(|o| report(ev, o, &mut rng)).collect()
}

#[test]
fn assign_changes_nothing() {
    let mut g = Grouper::new(Config::default());
    let docs = docs_of(&fixtures::kharkiv_power_plant(), 3, 1);
    g.insert(1, &docs[0], 7);
    let a = g.assign(&docs[1]);
    let b = g.assign(&docs[1]);
    assert_eq!(a, b);
    assert_eq!(g.len(), 1);
    assert_eq!(a.group, Some(7), "{a:?}");
    assert!(a.score >= g.config().threshold);
}

#[test]
fn an_empty_grouper_starts_a_group() {
    let g = Grouper::new(Config::default());
    let d = g.assign(&docs_of(&fixtures::jeddah_talks(), 1, 1)[0]);
    assert_eq!((d.group, d.near_duplicate_of, d.signals.candidates), (None, None, 0));
    let empty = g.assign(&Doc::default());
    assert_eq!(empty.group, None);
}

#[test]
fn insert_again_replaces_and_remove_forgets() {
    let mut g = Grouper::new(Config::default());
    let a = docs_of(&fixtures::kharkiv_power_plant(), 2, 2);
    let b = docs_of(&fixtures::peskov_sanctions(), 2, 2);
    g.insert(1, &a[0], 10);
    g.insert(2, &b[0], 20);
    g.insert(1, &b[1], 20);
    assert_eq!(g.len(), 2);
    assert_eq!(g.group_of(1), Some(20));
    assert_eq!(g.members(20), &[2, 1]);
    assert!(g.members(10).is_empty(), "an emptied group is dropped");
    assert_eq!(g.groups().collect::<Vec<_>>(), vec![20]);
    g.remove(2);
    g.remove(2);
    assert_eq!(g.members(20), &[1]);
    g.remove(1);
    assert!(g.is_empty());
    assert_eq!(g.assign(&a[1]).group, None, "nothing held, nothing to join");
}

#[test]
fn move_and_merge_follow_the_editor() {
    let mut g = Grouper::new(Config::default());
    let strike = docs_of(&fixtures::kharkiv_power_plant(), 3, 3);
    let talks = docs_of(&fixtures::jeddah_talks(), 3, 3);
    for (i, d) in strike.iter().enumerate() {
        g.insert(i as u64, d, 1);
    }
    g.insert(10, &talks[0], 2);
    // The editor says report 2 is its own development: it leaves group 1.
    g.move_doc(2, 3);
    assert_eq!(g.members(1), &[0, 1]);
    assert_eq!(g.members(3), &[2]);
    // Merging 3 back into 1: its reports follow, and a new report of the strike still finds group 1.
    g.merge(3, 1);
    assert_eq!(g.members(1), &[0, 1, 2]);
    assert!(g.members(3).is_empty());
    assert_eq!(g.group_of(2), Some(1));
    assert_eq!(
        g.assign(&docs_of(&fixtures::kharkiv_power_plant(), 4, 9)[3]).group,
        Some(1)
    );
    // Merging the talks into the strike is the editor's call, and the grouper follows it.
    g.merge(2, 1);
    assert_eq!(g.group_of(10), Some(1));
    g.move_doc(99, 5); // unknown report: nothing happens
    g.merge(42, 1); // unknown group: nothing happens
    assert_eq!(g.len(), 4);
}

#[test]
fn memory_is_bounded_by_max_docs() {
    let mut g = Grouper::new(Config {
        max_docs: 20,
        ..Config::default()
    });
    let bg = fixtures::background(40, 5);
    for (i, d) in bg.iter().enumerate() {
        g.insert(i as u64, d, i as u64);
    }
    assert_eq!(g.len(), 20);
    assert_eq!(g.group_of(0), None, "the oldest went first");
    assert!(g.group_of(bg.len() as u64 - 1).is_some());
    assert_eq!(g.groups().count(), 20);
}

#[test]
fn forget_before_drops_old_groups_and_keeps_undated_ones() {
    let mut g = Grouper::new(Config::default());
    let old = docs_of(&fixtures::jeddah_talks(), 2, 4); // 11 March
    let new = docs_of(&fixtures::kharkiv_apartment_later(), 2, 4); // 15 March
    g.insert(1, &old[0], 1);
    g.insert(2, &new[0], 2);
    g.insert(
        3,
        &Doc {
            published: None,
            dates: vec![],
            ..old[1].clone()
        },
        3,
    );
    assert_eq!(g.forget_before(date(2025, 3, 14)), 1);
    assert_eq!(g.group_of(1), None);
    assert_eq!(g.group_of(2), Some(2));
    assert_eq!(g.group_of(3), Some(3));
}

#[test]
fn groups_outside_the_window_are_not_candidates() {
    let mut g = Grouper::new(Config {
        window_days: 30,
        ..Config::default()
    });
    let docs = docs_of(&fixtures::kharkiv_power_plant(), 2, 6);
    g.insert(1, &docs[0], 1);
    let mut later = docs[1].clone();
    later.published = Some(date(2025, 6, 1));
    later.dates = vec![date(2025, 6, 1)];
    let d = g.assign(&later);
    assert_eq!((d.group, d.signals.candidates), (None, 0), "{d:?}");
    // Undated, the same report is a candidate again (and a wire copy joins through its resemblance).
    let undated = Doc {
        published: None,
        dates: vec![],
        ..docs[1].clone()
    };
    assert_eq!(g.assign(&undated).group, Some(1));
}

#[test]
fn signals_say_why() {
    let mut g = Grouper::new(Config::default());
    let ev = fixtures::kharkiv_power_plant();
    let docs = docs_of(&ev, 3, 8);
    g.insert(1, &docs[0], 1);
    let d = g.assign(&docs[1]);
    assert_eq!(d.signals.dates, DateEvidence::Agree);
    assert!(
        d.signals.text > 0.0 && d.signals.entities.is_some() && d.signals.when.is_some(),
        "{d:?}"
    );
    assert!(
        d.score <= d.signals.text + 1e-6,
        "the facts never raise a score above its text: {d:?}"
    );
    let copy = wire_copy(&docs[0], "x.example", &mut Rng::new(1));
    let d = g.assign(&copy);
    assert_eq!(d.near_duplicate_of, Some(1));
    assert!(d.signals.resemblance.is_some());
}

#[test]
fn group_all_numbers_groups_in_order_of_creation() {
    let mut docs = docs_of(&fixtures::kharkiv_power_plant(), 2, 9);
    docs.extend(docs_of(&fixtures::peskov_sanctions(), 2, 9));
    let groups = group_all(&docs, &Config::default());
    let mut seen = 0;
    for &x in &groups {
        assert!(x <= seen, "a new group takes the next id: {groups:?}");
        if x == seen {
            seen += 1;
        }
    }
    assert_eq!(seen, 2, "two events, two groups: {groups:?}");
    assert_eq!(group_all(&[], &Config::default()), Vec::<u64>::new());
}

#[test]
fn a_group_holding_two_events_splits_and_the_larger_part_keeps_its_id() {
    let mut g = Grouper::new(Config::default());
    let strike = docs_of(&fixtures::kharkiv_power_plant(), 4, 11);
    let talks = docs_of(&fixtures::jeddah_talks(), 3, 11);
    // As if the talks' first report had joined the strike's group early and the talks' later reports followed it.
    for (i, d) in strike.iter().enumerate() {
        g.insert(i as u64, d, 1);
    }
    for (i, d) in talks.iter().enumerate() {
        g.insert(10 + i as u64, d, 1);
    }
    assert_eq!(
        g.split_of(1),
        Some(vec![10, 11, 12]),
        "the smaller part, the talks, leaves"
    );
    for r in [10, 11, 12] {
        g.move_doc(r, 2);
    }
    assert_eq!((g.split_of(1), g.split_of(2)), (None, None), "each part is one event");
    // One event is never split, and a group of three is too small to hold two.
    let mut h = Grouper::new(Config::default());
    for (i, d) in docs_of(&fixtures::kharkiv_power_plant(), 5, 12).iter().enumerate() {
        h.insert(i as u64, d, 7);
    }
    assert_eq!(h.split_of(7), None);
    assert_eq!(h.split_of(99), None);
    let off = Grouper::new(Config {
        split_ratio: 0.0,
        ..Config::default()
    });
    assert_eq!(off.split_of(1), None);
}

#[test]
fn two_groups_of_one_event_merge_the_smaller_into_the_larger() {
    let mut g = Grouper::new(Config::default());
    let strike = docs_of(&fixtures::kharkiv_power_plant(), 5, 13);
    for (i, d) in strike.iter().take(3).enumerate() {
        g.insert(i as u64, d, 1);
    }
    for (i, d) in strike.iter().skip(3).enumerate() {
        g.insert(10 + i as u64, d, 2);
    }
    g.insert(20, &docs_of(&fixtures::peskov_sanctions(), 1, 13)[0], 3);
    assert_eq!(g.merge_of(2), Some((2, 1)), "the smaller group goes into the larger");
    assert_eq!(g.merge_of(3), None, "another event stays apart");
    g.merge(2, 1);
    assert_eq!(g.merge_of(1), None);
}

#[test]
fn two_events_in_one_city_on_one_day_do_not_merge() {
    let mut g = Grouper::new(Config::default());
    for (i, d) in docs_of(&fixtures::kharkiv_power_plant(), 4, 17).iter().enumerate() {
        g.insert(i as u64, d, 1);
    }
    for (i, d) in docs_of(&fixtures::kharkiv_apartment_same_day(), 4, 17)
        .iter()
        .enumerate()
    {
        g.insert(10 + i as u64, d, 2);
    }
    assert_eq!((g.merge_of(1), g.merge_of(2)), (None, None));
}

#[test]
fn a_report_that_stood_alone_joins_the_group_it_now_belongs_to() {
    let mut g = Grouper::new(Config::default());
    for (i, d) in fixtures::background(60, 5).iter().enumerate() {
        g.insert(1000 + i as u64, d, 1000 + i as u64);
    }
    let strike = docs_of(&fixtures::kharkiv_power_plant(), 5, 19);
    let talks = docs_of(&fixtures::jeddah_talks(), 1, 19);
    // The strike's first report came alone (as if refused), and so did a report of other news.
    g.insert(1, &strike[0], 1);
    g.insert(2, &talks[0], 2);
    for (i, d) in strike.iter().enumerate().skip(1) {
        g.insert(10 + i as u64, d, 3);
    }
    let strays = g.strays_of(3);
    assert_eq!(strays, vec![1], "the strike's lone report, not the talks'");
    // The rule is the assignment's: the lone report would join the group if it arrived now.
    let mut without = g.clone();
    without.remove(1);
    assert_eq!(without.assign(&strike[0]).group, Some(3));
    assert_ne!(without.assign(&talks[0]).group, Some(3));
    g.merge(1, 3);
    assert!(g.strays_of(3).is_empty());
    assert_eq!(g.group_of(1), Some(3));
}

#[test]
fn the_threshold_starts_higher_and_falls_as_the_stream_grows() {
    let mut g = Grouper::new(Config::default());
    let first = g.threshold_now();
    assert!((first - 0.45).abs() < 1e-6, "{first}");
    for (i, d) in fixtures::background(50, 3).iter().enumerate() {
        g.insert(i as u64, d, i as u64);
    }
    let later = g.threshold_now();
    assert!(later < first && later > g.config().threshold, "{later}");
    let plain = Grouper::new(Config {
        cold_start: 0.0,
        ..Config::default()
    });
    assert_eq!(plain.threshold_now(), plain.config().threshold);
}

/// A report whose last paragraph recalls another event ("hours after a drone raid ...") is scored by what its
/// headline and lead say: the words of that paragraph count less than the lead's (`Config::lead_words`).
#[test]
fn a_closing_paragraph_that_recalls_another_event_counts_less_than_the_lead() {
    let day = Some(date(2025, 3, 12));
    let doc = |title: &str, paragraphs: &[&str]| Doc {
        title: title.into(),
        text: paragraphs.join("\n"),
        published: day,
        language: "en".into(),
        ..Doc::default()
    };
    let drone = [
        doc(
            "Drones hit apartment block in Saltivskyi district, five wounded",
            &[
                "Russian drones struck a nine-storey apartment block in the Saltivskyi district overnight, \
               wounding five residents including a girl, the mayor said.",
                "Rescuers evacuated forty residents as fire spread through the upper floors of the block.",
            ],
        ),
        doc(
            "Five hurt as drone slams into Saltivskyi high-rise",
            &[
                "Five residents, among them a girl, were wounded when a drone hit an apartment block in the \
               Saltivskyi district overnight.",
                "Firefighters put out the blaze on the upper floors within two hours; forty residents were evacuated.",
            ],
        ),
    ];
    // Another event, told in its first 250 words, as a full report would; its last paragraph is the drone strike's,
    // nearly word for word.
    let filler = "The regional governor said rescuers worked through the evening at the warehouse, where \
                  several lorries burned, and that the enterprise's workers had been sent home; engineers \
                  inspected the damaged roof and the neighbouring private houses before dark.";
    let missile = doc(
        "Ballistic missile hits industrial site in Kholodnohirskyi district, one killed",
        &[
            "A ballistic missile struck an industrial enterprise in the Kholodnohirskyi district in the evening, \
             killing one worker and injuring seven, the governor said.",
            filler,
            filler,
            filler,
            filler,
            filler,
            "Overnight, drones had struck a nine-storey apartment block in the Saltivskyi district, wounding five \
             residents including a girl; forty residents were evacuated as fire spread through the upper floors.",
        ],
    );
    let score_with = |lead_words: usize| {
        let mut g = Grouper::new(Config {
            lead_words,
            cold_start: 0.0,
            ..Config::default()
        });
        for (i, d) in drone.iter().enumerate() {
            g.insert(i as u64, d, 1);
        }
        g.assign(&missile)
    };
    let (plain, lead) = (score_with(0), score_with(100));
    assert!(
        lead.signals.text < 0.8 * plain.signals.text,
        "the recalled paragraph counts less: text cosine {} with a lead of 100 words, {} without",
        lead.signals.text,
        plain.signals.text
    );
    assert_eq!(lead.group, None, "{lead:?}");
    // A report of the drone strike itself, told in its lead, still joins.
    let again = doc(
        "Drone strike on Saltivskyi apartment block wounds five",
        &[
            "A drone hit a nine-storey apartment block in the Saltivskyi district overnight, wounding five residents \
           including a girl; forty were evacuated.",
        ],
    );
    let mut g = Grouper::new(Config {
        cold_start: 0.0,
        ..Config::default()
    });
    for (i, d) in drone.iter().enumerate() {
        g.insert(i as u64, d, 1);
    }
    assert_eq!(g.assign(&again).group, Some(1));
    eprintln!(
        "text cosine to the drone strike: {:.3} without the lead's weighting, {:.3} with",
        plain.signals.text, lead.signals.text
    );
}
