#!/usr/bin/env bash
# Runs every fuzz target for SECS seconds each (default 60) and prints one line per target: inputs run,
# seconds, and findings (crashes, timeouts, slow units, out-of-memory: files libFuzzer left in artifacts/).
#   fuzz/run-all.sh 600            # ten minutes per target
#   fuzz/run-all.sh 60 feed opml   # only these
# Each target's corpus grows in fuzz/corpus/TARGET (not committed); fuzz/keep.sh keeps its small inputs in
# fuzz/kept/TARGET.b64, which the test suite replays
# (crates/feed/tests/it/fuzz_corpus.rs for feed, opml and page; crates/map/tests/it/fuzz_corpus.rs for geojson
# and kml), so what fuzzing found stays checked.
set -uo pipefail
cd "$(dirname "$0")"
secs="${1:-60}"
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(extract sanitize read topics feed opml page geojson kml)
fi
mkdir -p logs
printf '%-10s %12s %8s %s\n' target inputs seconds findings
status=0
for t in "${targets[@]}"; do
  before=$(ls artifacts/"$t" 2>/dev/null | wc -l)
  start=$(date +%s)
  # A slow unit is one input taking over 2 s; the reader's budget is far lower, see crates/nlp tests.
  ./run.sh "$t" "$secs" -report_slow_units=2 >"logs/$t.log" 2>&1
  rc=$?
  took=$(( $(date +%s) - start ))
  after=$(ls artifacts/"$t" 2>/dev/null | wc -l)
  runs=$(grep -Eo '^#[0-9]+' "logs/$t.log" | tail -1 | tr -d '#')
  slow=$(grep -c 'Slowest unit' "logs/$t.log" || true)
  found=$(( after - before ))
  note="none"
  if [ "$rc" -ne 0 ] || [ "$found" -gt 0 ]; then
    note="$found new artifact(s), exit $rc: see fuzz/logs/$t.log and fuzz/artifacts/$t/"
    status=1
  elif [ "$slow" -gt 0 ]; then
    note="$slow slow unit(s) over 2 s: see fuzz/logs/$t.log"
  fi
  printf '%-10s %12s %8s %s\n' "$t" "${runs:-0}" "$took" "$note"
done
exit $status
