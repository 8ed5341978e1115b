#!/usr/bin/env bash
# The grouping as each main parameter moves over a wide range, the others at their defaults, on three sets at once:
# a labelled real set (B-cubed), the synthetic newsroom of livebrief-outlets in 100 random orders (how many orders
# break one of its hard cases), and the synthetic multi-outlet streams of the cluster tests (mean / worst B-cubed F1
# over ten shuffles, after 150 background events and from a cold start).
# Usage: bench/grouping/sensitivity.sh REPORTS.jsonl (gold events in `cluster`), e.g. ../shared/data/grouping/ecbplus-dev.jsonl
# Prints a Markdown table. Needs python3 and the reference scorer at ../shared/tools/bcubed.py (or BCUBED=path).
set -euo pipefail
cd "$(dirname "$0")/../.."
DATA="$1"
BCUBED="${BCUBED:-../shared/tools/bcubed.py}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
cargo build --release --locked -p livebrief-cluster --example group_eval --example streams_eval >&2
cargo build --release --locked -p livebrief-app --example outlets_orders >&2
EX="$CARGO_TARGET_DIR/release/examples"
pred=$(mktemp)
trap 'rm -f "$pred"' EXIT
row() {
  "$EX/group_eval" "$DATA" "$@" 2>/dev/null >"$pred"
  score=$(python3 "$BCUBED" "$DATA" "$pred" | sed 's/.*B-cubed //')
  failing=$("$EX/outlets_orders" 100 "$@" | sed -n 's/^100 orders: \([0-9]*\) break.*/\1/p')
  streams=$("$EX/streams_eval" "$@" | sed 's/.*mean B-cubed F1 \([0-9.]*\), worst \([0-9.]*\)/\1 \/ \2/' | paste -sd '|' | sed 's/|/ | /')
  echo "| ${*:-defaults} | $score | $failing | $streams |"
}
echo "| setting | real set B-cubed | newsroom: orders failing of 100 | streams, 150 bg: mean / worst | streams, cold: mean / worst |"
echo "| --- | --- | --- | --- | --- |"
row
for v in 0.1 0.15 0.25 0.3; do row --threshold "$v"; done
for v in 0.1 0.4; do row --entity-weight "$v"; done
for v in 0 0.4; do row --number-weight "$v"; done
for v in 0 0.4; do row --date-weight "$v"; done
for v in 0 0.1 0.5 1; do row --date-conflict "$v"; done
for v in 4 8; do row --stem "$v"; done
for v in 64 1000; do row --doc-terms "$v"; done
for v in 0.3 0.7; do row --near "$v"; done
for v in 0 50 200; do row --lead "$v"; done
for v in 0 30 300; do row --prior "$v"; done
for v in 0 0.15 0.35; do row --cold-start "$v"; done
for v in 25 100; do row --cold-start-reports "$v"; done
for v in 0 0.35 0.65; do row --split "$v"; done
for v in 0 0.35 0.65; do row --merge "$v"; done
row --split 0 --merge 0
row --cold-start 0 --split 0 --merge 0
row --lead 0 --date-conflict 0.5
