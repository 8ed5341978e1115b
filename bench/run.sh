#!/usr/bin/env bash
# Whole-program benchmarks of the live briefing (issue: numbers in the closing note and docs/benchmarks.md).
#  1. Cached live page and Atom feed, requests/s, against nginx serving the same bytes as static files,
#     same load generator (wrk), same loopback, same run.
#  2. SSE fan-out: N subscribers, one publish per round, delivery latency percentiles and memory per subscriber.
# Usage: bench/run.sh [seconds-per-wrk-run] [subscribers] [rounds]
#  subscribers 0 skips the SSE part; rounds (default 1) repeats the nginx comparison back to back and prints
#  each round and the median ratio (on a shared machine, report the median and the load).
set -euo pipefail
cd "$(dirname "$0")/.."
DUR="${1:-10}"
SUBS="${2:-5000}"
ROUNDS="${3:-1}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"

for pkg in wrk nginx-light; do
  bin=${pkg%-light}
  command -v "$bin" >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$pkg" >/dev/null; }
done
ulimit -n "$(ulimit -Hn)"  # 5,000 subscribers need more than the usual 1,024 descriptors

cargo build --release --locked -p livebrief -p livebrief-loadgen
LB="$CARGO_TARGET_DIR/release/livebrief"
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
mkdir -p "$work/www" "$work/nginx"
chmod 755 "$work" "$work/www"  # nginx workers run unprivileged

# Every subscriber comes from 127.0.0.1: lift the per-address stream cap (and the totals) for the fan-out.
LIVEBRIEF_MAX_STREAMS_PER_CLIENT=100000 LIVEBRIEF_MAX_STREAMS=100000 LIVEBRIEF_MAX_CONNECTIONS=100000 \
LIVEBRIEF_LOG=warn "$LB" --data-dir "$work/data" serve --demo --listen 127.0.0.1:18181 >"$work/lb.log" 2>&1 &
LB_PID=$!
for _ in $(seq 100); do curl -sf http://127.0.0.1:18181/healthz >/dev/null && break; sleep 0.1; done
SLUG=ceasefire-talks-demo
curl -sf "http://127.0.0.1:18181/b/$SLUG" -o "$work/www/page.html"
curl -sf "http://127.0.0.1:18181/b/$SLUG/feed.atom" -o "$work/www/feed.atom"

cat >"$work/nginx/nginx.conf" <<CONF
worker_processes auto;
daemon off;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log;
events { worker_connections 8192; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 1000000;
  types { text/html html; application/atom+xml atom; }
  server { listen 127.0.0.1:18182; root $work/www; etag on; }
}
CONF
nginx -c "$work/nginx/nginx.conf" -p "$work/nginx" &
for _ in $(seq 50); do curl -sf http://127.0.0.1:18182/page.html >/dev/null && break; sleep 0.1; done
# Both servers must answer 200 with identical bodies, or the comparison means nothing.
for pair in "/b/$SLUG:/page.html" "/b/$SLUG/feed.atom:/feed.atom"; do
  IFS=: read -r lbpath ngpath <<<"$pair"
  curl -sf "http://127.0.0.1:18181$lbpath" -o "$work/a" && curl -sf "http://127.0.0.1:18182$ngpath" -o "$work/b"
  cmp "$work/a" "$work/b"
  echo "same bytes, both 200: $lbpath and $ngpath ($(stat -c %s "$work/a") B)"
done

rps() { wrk -t2 -c64 -d"${DUR}s" "$1" | awk '/Requests\/sec/ {print $2}'; }
median() { sort -g | awk '{v[NR]=$1} END {print (NR%2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2)}'; }
echo
echo "== cached pages: requests/s (wrk -t2 -c64 -d${DUR}s, loopback, $(nproc) cores, $(stat -c %s "$work/www/page.html") B page, $(stat -c %s "$work/www/feed.atom") B feed)"
printf '%-12s %12s %12s %8s  %s\n' what livebrief nginx ratio load
for round in $(seq "$ROUNDS"); do
  for pair in "page:/b/$SLUG:/page.html" "atom:/b/$SLUG/feed.atom:/feed.atom"; do
    IFS=: read -r name lbpath ngpath <<<"$pair"
    a=$(rps "http://127.0.0.1:18181$lbpath")
    b=$(rps "http://127.0.0.1:18182$ngpath")
    ratio=$(echo "$a / $b" | bc -l)
    echo "$ratio" >>"$work/ratios.$name"
    printf '%-12s %12.0f %12.0f %8.2f  %s\n' "$name" "$a" "$b" "$ratio" "$(cut -d' ' -f1-3 /proc/loadavg)"
  done
done
if [ "$ROUNDS" -gt 1 ]; then
  for name in page atom; do
    printf 'median ratio %-6s %.2f over %d rounds\n' "$name" "$(median <"$work/ratios.$name")" "$ROUNDS"
  done
fi
kill %2 2>/dev/null || true
[ "$SUBS" -gt 0 ] || exit 0
echo
echo "== SSE fan-out: $SUBS subscribers"
TOKEN=$( (echo "a long enough password" | "$LB" --data-dir "$work/data" user add fanout --role editor --password-stdin >/dev/null) && "$LB" --data-dir "$work/data" token fanout --name bench)
"$CARGO_TARGET_DIR/release/sse-fanout" --addr 127.0.0.1:18181 --slug "$SLUG" --token "$TOKEN" --subscribers "$SUBS" --rounds 5 --server-pid "$LB_PID"
