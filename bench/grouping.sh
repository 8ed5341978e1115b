#!/usr/bin/env bash
# Near-duplicate candidates, side by side in one run: datasketch's MinHashLSH (Python, 128 permutations) against
# livebrief-cluster's NearDuplicateIndex on the same generated reports, same shingles, same threshold, same bands.
# Prints each side's seconds (signatures, index, queries; JSON parsing excluded on both sides), the recall of the
# known near-duplicate pairs, the candidate pairs, and the speed ratio.
# Usage: bench/grouping.sh [reports (100000)] [threshold (0.5)]
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-100000}"
T="${2:-0.5}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"

python3 -c 'import datasketch' 2>/dev/null || python3 -m pip install --quiet datasketch
cargo build --release --locked -p livebrief-cluster --example neardup_bench
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "== generating $N reports in $work"
python3 bench/grouping/gen.py "$work" "$N"
echo "== datasketch $(python3 -c 'import datasketch; print(datasketch.__version__)'), MinHashLSH(threshold=$T, num_perm=128)"
theirs=$(python3 bench/grouping/datasketch_lsh.py "$work" "$T")
echo "$theirs"
echo "== livebrief-cluster NearDuplicateIndex (128 values)"
ours=$("$CARGO_TARGET_DIR/release/examples/neardup_bench" "$work" "$T" 128)
echo "$ours"
python3 - "$theirs" "$ours" <<'PY'
import json, sys
a, b = json.loads(sys.argv[1]), json.loads(sys.argv[2])
print()
print(f"{'':22}{'datasketch':>14}{'livebrief-cluster':>20}")
for k, label in [("signature_s", "signatures (s)"), ("insert_s", "index (s)"), ("query_s", "queries (s)"),
                 ("total_s", "total (s)"), ("recall", "recall, all pairs"),
                 ("recall_above_threshold", "recall, pairs >= T"), ("candidate_pairs", "candidate pairs")]:
    print(f"{label:22}{a[k]:>14}{b[k]:>20}")
print(f"bands x rows: {a['bands']} vs {b['bands']}")
print(f"speed ratio (datasketch total / ours): {a['total_s'] / b['total_s']:.1f}x")
PY
