//! Properties: no panic on any input; what insert promises; order effects stay bounded.

use jiff::civil::{Date, date};
use livebrief_cluster::{Config, Doc, Grouper, group_all};
use proptest::prelude::*;

use crate::fixtures::{self, Rng, bcubed};

fn any_date() -> impl Strategy<Value = Date> {
    (-9999i16..=9999, 1i8..=12, 1i8..=28).prop_map(|(y, m, d)| date(y, m, d))
}

fn any_doc() -> impl Strategy<Value = Doc> {
    let names = prop::collection::vec(".{0,12}", 0..4);
    (
        ".{0,40}",
        "(.{0,30}[ \n]){0,30}",
        prop::option::of(any_date()),
        names.clone(),
        names.clone(),
        names.clone(),
        names,
        prop::collection::vec(any_date(), 0..40),
    )
        .prop_map(
            |(title, text, published, people, organizations, places, speakers, dates)| Doc {
                title,
                text,
                published,
                source: None,
                language: "en".into(),
                people,
                organizations,
                places,
                speakers,
                dates,
            },
        )
}

fn any_config() -> impl Strategy<Value = Config> {
    (
        0.0f32..1.0,
        0.0f32..1.0,
        0.0f32..1.0,
        -1i64..400,
        0usize..8,
        0usize..6,
        1usize..70,
        0usize..5,
    )
        .prop_map(
            |(threshold, w, near, window, stem, shingle, num_perm, max_docs)| Config {
                threshold,
                entity_weight: w,
                near_duplicate: near,
                window_days: window,
                stem,
                shingle,
                num_perm,
                max_docs,
                df_buckets: 1 << 10,
                ..Config::default()
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Any documents, any configuration, any sequence of operations: no panic, and what insert promises holds.
    #[test]
    fn no_panic_and_insert_holds(config in any_config(), docs in prop::collection::vec(any_doc(), 1..12),
                                 ops in prop::collection::vec((0u8..4, 0u64..12, 0u64..6), 0..12)) {
        let max_docs = config.max_docs.max(1);
        let mut g = Grouper::new(config);
        for (i, d) in docs.iter().enumerate() {
            let decision = g.assign(d);
            prop_assert!(decision.score.is_finite() && (0.0..=1.0 + 1e-5).contains(&decision.score));
            let gid = decision.group.unwrap_or(100 + i as u64);
            g.insert(i as u64, d, gid);
            prop_assert_eq!(g.group_of(i as u64), Some(gid));
            prop_assert!(g.members(gid).contains(&(i as u64)));
            prop_assert!(g.len() <= max_docs);
        }
        for (op, a, b) in ops {
            match op {
                0 => g.move_doc(a, b),
                1 => g.merge(a, b),
                2 => g.remove(a),
                _ => { g.forget_before(date(2025, 1, 1)); }
            }
            // Every held report is in exactly the group that lists it.
            for gid in g.groups().collect::<Vec<_>>() {
                for &m in g.members(gid) {
                    prop_assert_eq!(g.group_of(m), Some(gid));
                }
            }
        }
    }

}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]

    /// The order a stream arrives in changes the grouping a little, not much: every shuffle of a synthetic stream
    /// (after the same background) scores a B-cubed F1 of at least 0.85 against the truth.
    #[test]
    fn order_effects_are_bounded(seed in 0u64..1000) {
        let stream = fixtures::stream(4, 3);
        let mut order: Vec<usize> = (0..stream.len()).collect();
        Rng::new(seed).shuffle(&mut order);
        let mut all = fixtures::background(100, 3);
        let skip = all.len();
        all.extend(order.iter().map(|&i| stream[i].0.clone()));
        let truth: Vec<usize> = order.iter().map(|&i| stream[i].1).collect();
        let groups = group_all(&all, &Config::default())[skip..].to_vec();
        let (_, _, f) = bcubed(&truth, &groups);
        prop_assert!(f >= 0.85, "shuffle {}: F1 {:.3}", seed, f);
    }
}
