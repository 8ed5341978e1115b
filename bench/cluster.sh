#!/usr/bin/env bash
# Three livebrief instances on one PostgreSQL database (issue 12), everything on 127.0.0.1:
#  1. cross:    an entry published on instance 1 reaches readers on instances 2 and 3 (target < 1 s).
#  2. failover: readers on all three, publishers on 1 and 2, instance 3 SIGKILLed; its readers reconnect
#               elsewhere with Last-Event-ID; every reader must hold each event id 1..=last once (≤ 15 s).
#  3. takeover: a farm of slow feeds on 127.0.0.2 polled by all three (lease 20 s); instance 3 SIGKILLed while
#               it polls; each of its sources must be polled again by 1 or 2 within the lease.
#  4. fanout:   N subscribers (default 15,000) over the three; one publish to all (p99 < 500 ms), publishing at
#               rising rates, memory per subscriber per instance (≤ 20 KiB), PostgreSQL CPU per 1,000 readers.
#  5. pg-restart: the binary's test crates/livebrief/tests/it/pg_restart.rs (a private PostgreSQL cluster
#               restarted fast, immediate, and stopped for 3 s under write load; every acknowledged write kept).
# Needs PostgreSQL on 127.0.0.1:5432 (trust auth, user postgres; LIVEBRIEF_BENCH_PG overrides the server URL)
# for a fresh database that is dropped at the end, and PostgreSQL's server binaries for step 5.
# Usage: bench/cluster.sh [subscribers] [rates]     e.g. bench/cluster.sh 15000 1,2,5,10,20,50
#        STEPS="1 4" bench/cluster.sh                 runs only the steps named
set -euo pipefail
cd "$(dirname "$0")/.."
SUBS="${1:-15000}"
RATES="${2:-1,2,5,10,20,50,100}"
PG="${LIVEBRIEF_BENCH_PG:-postgres://postgres@127.0.0.1:5432}"
DB="livebrief_bench_$$"
STEPS=" ${STEPS:-1 2 3 4 5} "
want() { [[ "$STEPS" == *" $1 "* ]]; }
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
# As in production: a backtrace captured (and printed) with every error costs time and tens of MiB.
unset RUST_BACKTRACE RUST_LIB_BACKTRACE
ulimit -n "$(ulimit -Hn)"  # 15,000 client sockets in one process, 5,000 streams per instance

cargo build --release --locked -p livebrief -p livebrief-loadgen
LB="$CARGO_TARGET_DIR/release/livebrief"
CB="$CARGO_TARGET_DIR/release/cluster-bench"
work=$(mktemp -d)
declare -A PID
cleanup() {
  local rc=$?
  set +e
  for k in "${!PID[@]}"; do kill "${PID[$k]}" 2>/dev/null || true; done
  wait 2>/dev/null || true
  psql -q "$PG/postgres" -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$work"
  exit "$rc"
}
trap cleanup EXIT
psql -q "$PG/postgres" -c "CREATE DATABASE $DB" >/dev/null
DBURL="$PG/$DB"

start() {  # start K: instance K on port 1828K, polling as "livebrief-bench instance K"
  local k=$1
  LIVEBRIEF_DATABASE_URL="$DBURL" LIVEBRIEF_LISTEN="127.0.0.1:1828$k" \
  LIVEBRIEF_USER_AGENT="livebrief-bench instance $k" \
  LIVEBRIEF_INGEST_LEASE_SECS=20 LIVEBRIEF_FETCH_TIMEOUT_SECS=10 LIVEBRIEF_FETCH_ALLOW=127.0.0.2/32 \
  LIVEBRIEF_MAX_STREAMS_PER_CLIENT=100000 LIVEBRIEF_MAX_STREAMS=100000 LIVEBRIEF_MAX_CONNECTIONS=100000 \
  LIVEBRIEF_LOG=warn "$LB" --data-dir "$work/data$k" serve >>"$work/lb$k.log" 2>&1 &
  PID[$k]=$!
  for _ in $(seq 200); do curl -sf "http://127.0.0.1:1828$k/healthz" >/dev/null && return; sleep 0.1; done
  echo "instance $k did not start:"; cat "$work/lb$k.log"; exit 1
}
gone() { while kill -0 "${PID[$1]}" 2>/dev/null; do sleep 0.1; done; wait "${PID[$1]}" 2>/dev/null || true; }
failed=()
step() {  # step N COMMAND...: runs it, keeps its output in $work/outN, and goes on when it fails
  local n=$1; shift
  if ! "$@" | tee "$work/out$n"; then failed+=("$n"); fi
}

start 1; start 2; start 3
echo "a long enough password" | "$LB" --database "$DBURL" user add bench --role editor --password-stdin >/dev/null
TOKEN=$("$LB" --database "$DBURL" token bench --name cluster-bench)
ADDRS=127.0.0.1:18281,127.0.0.1:18282,127.0.0.1:18283
echo "== 3 instances (pids ${PID[1]} ${PID[2]} ${PID[3]}) on database $DB; load: $(cut -d' ' -f1-3 /proc/loadavg)"

if want 1; then
echo "== 1. cross-instance delivery"
step 1 "$CB" cross --addrs "$ADDRS" --token "$TOKEN" --rounds 20
fi

if want 2; then
echo "== 2. instance 3 SIGKILLed under load"
step 2 "$CB" failover --addrs "$ADDRS" --token "$TOKEN" --kill-pid "${PID[3]}" --readers 200 --rate 10
kill -0 "${PID[3]}" 2>/dev/null && kill -KILL "${PID[3]}"  # if the step failed before its kill
gone 3; start 3
fi

if want 3; then
echo "== 3. instance 3's sources taken over"
step 3 "$CB" takeover --addrs "$ADDRS" --token "$TOKEN" --kill-pid "${PID[3]}" --killed-agent "instance 3" \
  --feeds 30 --slow-ms 4000 --interval 5 --lease 20 --farm-host 127.0.0.2
kill -0 "${PID[3]}" 2>/dev/null && kill -KILL "${PID[3]}"
gone 3
# Fresh processes for the memory measurement: freed memory from the earlier steps would be reused.
kill "${PID[1]}" "${PID[2]}"; gone 1; gone 2
start 1; start 2; start 3
fi

if want 4; then
echo "== 4. $SUBS subscribers over 3 instances; load: $(cut -d' ' -f1-3 /proc/loadavg)"
step 4 "$CB" fanout --addrs "$ADDRS" --token "$TOKEN" --pids "${PID[1]},${PID[2]},${PID[3]}" --subscribers "$SUBS" \
  --rates "$RATES" --step-secs 10 --source-ips 4 --pg-db "$DB"
fi

if want 5; then
echo "== 5. PostgreSQL restarted under write load (private cluster)"
for k in 1 2 3; do kill "${PID[$k]}"; done; wait 2>/dev/null || true; PID=()
if cargo nextest --version >/dev/null 2>&1; then
  cargo nextest run --release --locked -p livebrief --no-capture -E 'test(pg_restart)' >"$work/out5" 2>&1 || failed+=(5)
else
  cargo test --release --locked -p livebrief --test it pg_restart -- --nocapture >"$work/out5" 2>&1 || failed+=(5)
fi
grep -E "pg-restart|panicked|skipped" "$work/out5" || true
grep -q "pg-restart: .* writes:" "$work/out5" || { echo "the PostgreSQL restart test did not finish"; failed+=(5); }
awk '/pg-restart: [0-9]+ writes:/ {
  sub(/.*pg-restart: /, ""); print "= PostgreSQL restarted 3 ways under writes | " $0 " | every 2xx kept, only 503 refusals" }' \
  "$work/out5" >"$work/out5r"
awk '/pg-restart: (fast|immediate|stop-pause-start)/ {
  sub(/.*pg-restart: /, ""); m=$1; sub(/^[^ ]+ +/, ""); print "=   " m " | " $0 " | recovers by itself" }' \
  "$work/out5" >>"$work/out5r"
fi

echo
echo "== summary ($(nproc) cores, load at the end: $(cut -d' ' -f1-3 /proc/loadavg))"
printf '%-78s | %-34s | %s\n' "what" "measured" "target"
{ cat "$work"/out[1-4] "$work"/out5r 2>/dev/null || true; } | grep '^= ' | sed 's/^= //' |
  awk -F' \\| ' '{ printf "%-78s | %-34s | %s\n", $1, $2, $3 }'
if [ ${#failed[@]} -gt 0 ]; then echo "FAILED steps: ${failed[*]} (their output is above)"; exit 1; fi
