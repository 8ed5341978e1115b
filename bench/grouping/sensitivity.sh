#!/usr/bin/env bash
# B-cubed of the grouping as each main parameter moves over a wide range, the others at their defaults.
# Usage: bench/grouping/sensitivity.sh REPORTS.jsonl (gold events in `cluster`), e.g. ../shared/data/grouping/ecbplus-dev.jsonl
# Prints a Markdown table. Needs python3 and the reference scorer at ../shared/tools/bcubed.py (or BCUBED=path).
set -euo pipefail
cd "$(dirname "$0")/../.."
DATA="$1"
BCUBED="${BCUBED:-../shared/tools/bcubed.py}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
cargo build --release --locked -p livebrief-cluster --example group_eval >&2
EVAL="$CARGO_TARGET_DIR/release/examples/group_eval"
pred=$(mktemp)
trap 'rm -f "$pred"' EXIT
row() {
  "$EVAL" "$DATA" "$@" 2>/dev/null >"$pred"
  score=$(python3 "$BCUBED" "$DATA" "$pred" | sed 's/.*B-cubed //')
  echo "| ${*:-defaults} | $score |"
}
echo "| setting | B-cubed |"
echo "| --- | --- |"
row
for v in 0.1 0.15 0.25 0.3 0.4; do row --threshold "$v"; done
for v in 0.2 0.6 1.0; do row --text-weight "$v"; done
for v in 0 0.1 0.4; do row --entity-weight "$v"; done
for v in 0 0.1 0.4; do row --number-weight "$v"; done
for v in 0 0.1 0.4; do row --date-weight "$v"; done
for v in 0 0.25 0.75 1; do row --date-conflict "$v"; done
for v in 7 30 365 100000; do row --window "$v"; done
for v in 0 4 5 8; do row --stem "$v"; done
for v in 32 64 1000; do row --doc-terms "$v"; done
for v in 0.3 0.7 1.01; do row --near "$v"; done
