//! Our side of `bench/grouping.sh`: the near-duplicate path (signatures, LSH index, queries) on the generated reports.
//!
//! ```text
//! cargo run -p livebrief-cluster --release --example neardup_bench -- OUT_DIR [THRESHOLD] [NUM_PERM]
//! ```
//! The same task as `bench/grouping/datasketch_lsh.py`, timed from the parsed texts on, on one thread: words, word
//! 4-shingles and a MinHash signature of `NUM_PERM` (128) values per report, insert every report into a
//! [`NearDuplicateIndex`] with the bands [`optimal_bands`] gives for the threshold (datasketch's rule), then query every
//! report. Prints one JSON line like the Python side.

use std::collections::HashSet;
use std::time::Instant;

use livebrief_cluster::{MinHasher, NearDuplicateIndex, optimal_bands};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let dir = args
        .next()
        .ok_or("usage: neardup_bench OUT_DIR [THRESHOLD] [NUM_PERM]")?;
    let threshold: f32 = args.next().map_or(Ok(0.5), |s| s.parse())?;
    let num_perm: usize = args.next().map_or(Ok(128), |s| s.parse())?;
    let mut ids = Vec::new();
    let mut texts = Vec::new();
    for line in std::fs::read_to_string(format!("{dir}/reports.jsonl"))?.lines() {
        let r: serde_json::Value = serde_json::from_str(line)?;
        ids.push(r["id"].as_u64().ok_or("id")?);
        texts.push(format!(
            "{}\n{}",
            r["title"].as_str().unwrap_or(""),
            r["text"].as_str().unwrap_or("")
        ));
    }

    let hasher = MinHasher { shingle: 4, num_perm };
    let (bands, rows) = optimal_bands(threshold, num_perm);
    let t0 = Instant::now();
    let sigs: Vec<_> = texts.iter().map(|t| hasher.signature(t)).collect();
    let t1 = Instant::now();
    let mut index = NearDuplicateIndex::with_capacity(bands, rows, ids.len());
    for (&id, sig) in ids.iter().zip(&sigs) {
        if let Some(sig) = sig {
            index.insert(id, sig.clone());
        }
    }
    let t2 = Instant::now();
    let mut found: Vec<Vec<u64>> = Vec::with_capacity(ids.len());
    let mut buf = Vec::new();
    for sig in &sigs {
        match sig {
            Some(sig) => {
                index.candidates(sig, &mut buf);
                found.push(buf.clone());
            }
            None => found.push(Vec::new()),
        }
    }
    let t3 = Instant::now();

    let mut cand: HashSet<(u64, u64)> = HashSet::new();
    for (&i, res) in ids.iter().zip(&found) {
        for &j in res {
            if j != i {
                cand.insert((i.min(j), i.max(j)));
            }
        }
    }
    let (mut total, mut hit, mut total_above, mut hit_above) = (0u64, 0u64, 0u64, 0u64);
    for line in std::fs::read_to_string(format!("{dir}/pairs.tsv"))?.lines() {
        let f: Vec<&str> = line.split('\t').collect();
        let (a, b, j): (u64, u64, f32) = (f[0].parse()?, f[1].parse()?, f[2].parse()?);
        let ok = cand.contains(&(a.min(b), a.max(b)));
        total += 1;
        hit += u64::from(ok);
        if j >= threshold {
            total_above += 1;
            hit_above += u64::from(ok);
        }
    }
    let s = |a: Instant, b: Instant| ((b - a).as_secs_f64() * 1000.0).round() / 1000.0;
    let ratio = |a: u64, b: u64| {
        if b == 0 {
            0.0
        } else {
            ((a as f64 / b as f64) * 10000.0).round() / 10000.0
        }
    };
    println!(
        "{}",
        serde_json::json!({
            "side": "livebrief-cluster", "reports": ids.len(), "bands": [bands, rows],
            "signature_s": s(t0, t1), "insert_s": s(t1, t2), "query_s": s(t2, t3), "total_s": s(t0, t3),
            "recall": ratio(hit, total), "recall_above_threshold": ratio(hit_above, total_above),
            "candidate_pairs": cand.len(),
        })
    );
    Ok(())
}
