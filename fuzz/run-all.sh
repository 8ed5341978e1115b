#!/usr/bin/env bash
# Runs every fuzz target for SECS seconds each (default 60) and prints one line per target: inputs run,
# seconds, and findings; then every slow unit (an input that took over 2 s) with its time and file.
#   fuzz/run-all.sh 600            # ten minutes per target
#   fuzz/run-all.sh 60 feed opml   # only these
# Exits non-zero when any target crashed, hung, ran out of memory or leaked (libFuzzer left a crash-,
# timeout-, oom- or leak- file in fuzz/artifacts/TARGET/, or the run itself failed, a build included). Slow
# units are listed, not failed: they are what to look at next.
# Each target's corpus grows in fuzz/corpus/TARGET (not committed); fuzz/keep.sh keeps its small inputs in
# fuzz/kept/TARGET.b64, which the test suite replays (crates/feed/tests/it/fuzz_corpus.rs for feed, opml and
# page; crates/map/tests/it/fuzz_corpus.rs for geojson and kml; crates/extract, crates/content (sanitize) and
# crates/nlp (read, topics) tests/it/fuzz_corpus.rs; crates/server/tests/it/config.rs for config), so what
# fuzzing found stays checked.
set -uo pipefail
cd "$(dirname "$0")"
secs="${1:-60}"
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(extract sanitize read topics feed opml page geojson kml config)
fi
mkdir -p logs
list() { ls "artifacts/$1" 2>/dev/null | grep -E "^($2)-" | sort; }
printf '%-10s %12s %8s %s\n' target inputs seconds findings
status=0
slow_lines=()
for t in "${targets[@]}"; do
  crashes_before=$(list "$t" 'crash|timeout|oom|leak')
  slow_before=$(list "$t" 'slow-unit')
  start=$(date +%s)
  # A slow unit is one input taking over 2 s; the reader's budget is far lower, see crates/nlp tests.
  ./run.sh "$t" "$secs" -report_slow_units=2 >"logs/$t.log" 2>&1
  rc=$?
  took=$(( $(date +%s) - start ))
  new_crashes=$(comm -13 <(printf '%s\n' "$crashes_before") <(list "$t" 'crash|timeout|oom|leak') | grep -c . || true)
  new_slow=$(comm -13 <(printf '%s\n' "$slow_before") <(list "$t" 'slow-unit'))
  runs=$(grep -Eo '^#[0-9]+' "logs/$t.log" | tail -1 | tr -d '#')
  note="none"
  if [ "$rc" -ne 0 ] || [ "$new_crashes" -gt 0 ]; then
    note="FAILED: $new_crashes crash/timeout/oom/leak file(s), exit $rc: see fuzz/logs/$t.log and fuzz/artifacts/$t/"
    status=1
  fi
  n_slow=$(printf '%s' "$new_slow" | grep -c . || true)
  if [ "$n_slow" -gt 0 ]; then
    [ "$note" = none ] && note=""
    note="${note:+$note; }$n_slow slow unit(s) over 2 s (listed below)"
    # libFuzzer prints "Slowest unit: N s:", then "Test unit written to …/slow-unit-SHA" for each.
    while read -r secs_taken path; do
      f=$(basename "$path")
      grep -qxF "$f" <<<"$new_slow" || continue
      slow_lines+=("$(printf '%-10s %6s s  fuzz/artifacts/%s/%s (%s bytes)' "$t" "$secs_taken" "$t" "$f" "$(wc -c <"artifacts/$t/$f")")")
    done < <(awk '/Slowest unit: [0-9]+ s/ { match($0, /[0-9]+ s/); n = substr($0, RSTART, RLENGTH - 2) }
                  /Test unit written to .*slow-unit-/ { print n, $NF }' "logs/$t.log")
  fi
  printf '%-10s %12s %8s %s\n' "$t" "${runs:-0}" "$took" "$note"
done
if [ ${#slow_lines[@]} -gt 0 ]; then
  echo
  echo "slow units (target, time, input):"
  printf '%s\n' "${slow_lines[@]}"
fi
exit $status
