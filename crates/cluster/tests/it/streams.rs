//! Synthetic multi-outlet streams: what must come together and what must stay apart.

use livebrief_cluster::{Config, Doc, Grouper, group_all};

use crate::fixtures::{self, Event, Rng, bcubed, report, wire_copy};

/// Every outlet's report of each event, interleaved (event 0's first, event 1's first, …).
fn interleaved(events: &[Event], per_event: usize, seed: u64) -> (Vec<Doc>, Vec<usize>) {
    let mut rng = Rng::new(seed);
    let (mut docs, mut truth) = (Vec::new(), Vec::new());
    for o in 0..per_event {
        for (e, ev) in events.iter().enumerate() {
            docs.push(report(ev, o, &mut rng));
            truth.push(e);
        }
    }
    (docs, truth)
}

/// Groups `docs` after a background stream of other reports and returns the groups of `docs`.
pub fn group_after_background(docs: &[Doc], seed: u64) -> Vec<u64> {
    let mut all = fixtures::background(BACKGROUND, seed);
    let skip = all.len();
    all.extend_from_slice(docs);
    group_all(&all, &Config::default())[skip..].to_vec()
}

/// Background events before the reports under test (each told by 1-3 outlets).
const BACKGROUND: usize = 150;

/// Groups the reports and checks that every event is exactly one group.
fn check_apart_and_together(events: &[Event]) {
    for seed in 1..=5 {
        let (docs, truth) = interleaved(events, 5, seed);
        let groups = group_after_background(&docs, seed);
        let (p, r, f) = bcubed(&truth, &groups);
        assert!(
            p == 1.0 && r == 1.0,
            "seed {seed}: B-cubed P {p:.3} R {r:.3} F1 {f:.3}; groups {groups:?} for events {truth:?}"
        );
    }
}

#[test]
fn outlets_rewording_one_statement_come_together() {
    let ev = fixtures::peskov_ceasefire();
    let mut rng = Rng::new(7);
    // Outlets 0-2 have their own headline and lead (outlets further on reuse them, as copies do).
    let docs: Vec<Doc> = (0..3).map(|o| report(&ev, o, &mut rng)).collect();
    // The wordings really differ: no two reports are near-duplicates.
    let mut g = Grouper::new(Config::default());
    for (i, d) in docs.iter().enumerate() {
        assert_eq!(
            g.assign(d).near_duplicate_of,
            None,
            "report {i} is a rewording, not a copy"
        );
        g.insert(i as u64, d, i as u64);
    }
    let groups = group_after_background(&docs, 7);
    assert!(groups.iter().all(|&x| x == groups[0]), "{groups:?}");
}

#[test]
fn a_wire_copy_is_a_near_duplicate_of_its_original() {
    let ev = fixtures::kharkiv_power_plant();
    let mut rng = Rng::new(3);
    let mut g = Grouper::new(Config::default());
    let original = report(&ev, 0, &mut rng);
    g.insert(10, &original, 100);
    let other = report(&fixtures::peskov_sanctions(), 1, &mut rng);
    g.insert(11, &other, 101);
    let copy = wire_copy(&original, "news.example.org", &mut rng);
    let d = g.assign(&copy);
    assert_eq!(d.near_duplicate_of, Some(10), "{d:?}");
    assert_eq!(d.group, Some(100));
    assert!(d.signals.resemblance.is_some_and(|r| r >= 0.5), "{d:?}");
    // Another outlet's wording of the same strike is no copy, but belongs with it.
    let rewording = report(&ev, 2, &mut rng);
    let d = g.assign(&rewording);
    assert_eq!(d.near_duplicate_of, None, "{d:?}");
    assert_eq!(d.group, Some(100), "{d:?}");
}

#[test]
fn two_strikes_on_one_town_on_one_day_stay_apart() {
    check_apart_and_together(&[fixtures::kharkiv_power_plant(), fixtures::kharkiv_apartment_same_day()]);
}

#[test]
fn two_strikes_on_one_town_on_different_days_stay_apart() {
    check_apart_and_together(&[
        fixtures::kharkiv_apartment_same_day(),
        fixtures::kharkiv_apartment_later(),
    ]);
}

#[test]
fn one_speaker_on_two_subjects_stays_apart() {
    check_apart_and_together(&[fixtures::peskov_ceasefire(), fixtures::peskov_sanctions()]);
}

/// Six events (three strikes on Kharkiv, two statements of one spokesman, the talks the first statement answers),
/// five outlets each, wire copies, 150 background events before them, ten shuffles. The hard pair is the Jeddah
/// talks and the Kremlin's answer two days later: the same proposal in the same words, dates within a day of each
/// other's publication; some shuffles merge them.
#[test]
fn a_mixed_stream_with_wire_copies_groups_by_event() {
    let (mut worst, mut sum): (f64, f64) = (1.0, 0.0);
    for seed in 1..=10 {
        let stream = fixtures::stream(5, seed);
        let docs: Vec<Doc> = stream.iter().map(|(d, _)| d.clone()).collect();
        let truth: Vec<usize> = stream.iter().map(|(_, e)| *e).collect();
        let groups = group_after_background(&docs, seed);
        let (p, r, f) = bcubed(&truth, &groups);
        eprintln!(
            "synthetic stream seed {seed}: {} reports, B-cubed P {p:.3} R {r:.3} F1 {f:.3}",
            docs.len()
        );
        worst = worst.min(f);
        sum += f;
    }
    eprintln!("synthetic streams: mean B-cubed F1 {:.3}, worst {worst:.3}", sum / 10.0);
    assert!(
        sum / 10.0 >= 0.95 && worst >= 0.9,
        "mean B-cubed F1 {:.3}, worst {worst:.3}",
        sum / 10.0
    );
}
