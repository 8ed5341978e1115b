#!/usr/bin/env bash
# Whole-program polling benchmark (issue: 2,000 feeds polled in < 60 s with the right health for each).
#  A feed farm (crates/outlets, bin feed-farm) serves N feeds over M ports on 127.0.0.1, each with one known
#  behaviour: new items, 304 Not Modified, slow, hanging (timeout), reset mid-body, garbage, 1-3 redirects,
#  6 redirects, 500, 429 with Retry-After, 10,000 items, gzip. The real `livebrief` binary imports them as sources
#  (OPML) and polls every one once (`poll --once --sources-only`, default fetch settings but the allow rule for
#  the farm's loopback address). Then every source's recorded health and error is checked against the farm's
#  expectation, and a second round shows conditional GET at work.
# Usage: bench/poll.sh [feeds] [ports]
set -euo pipefail
cd "$(dirname "$0")/.."
FEEDS="${1:-2000}"
PORTS="${2:-100}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
cargo build --release --locked -q -p livebrief -p livebrief-loadgen
LB="$CARGO_TARGET_DIR/release/livebrief"
FARM="$CARGO_TARGET_DIR/release/feed-farm"
work=$(mktemp -d)
trap 'exec 3>&- 2>/dev/null || true; kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
ulimit -n "$(ulimit -Hn)"

mkfifo "$work/farm.in"
"$FARM" --feeds "$FEEDS" --listeners "$PORTS" --out "$work/feeds.jsonl" <"$work/farm.in" >"$work/farm.out" 2>&1 &
exec 3>"$work/farm.in"  # the farm serves until this closes
for _ in $(seq 200); do grep -q ready "$work/farm.out" 2>/dev/null && break; sleep 0.1; done
grep -q ready "$work/farm.out" || { cat "$work/farm.out"; exit 1; }

python3 - "$work/feeds.jsonl" >"$work/feeds.opml" <<'PY'
import json, sys
from xml.sax.saxutils import quoteattr
print('<?xml version="1.0"?><opml version="2.0"><head><title>farm</title></head><body>')
for i, l in enumerate(open(sys.argv[1])):
    f = json.loads(l)
    print(f'<outline text={quoteattr("feed %d" % i)} xmlUrl={quoteattr(f["url"])}/>')
print('</body></opml>')
PY

export LIVEBRIEF_DATA_DIR="$work/data" LIVEBRIEF_FETCH_ALLOW="127.0.0.1/32" LIVEBRIEF_LOG=error
"$LB" briefing bench --title "Polling benchmark" >/dev/null
"$LB" source import "$work/feeds.opml" --briefing bench | head -1
echo "== round 1: every feed polled once"
/usr/bin/time -f "wall %e s, max RSS %M KiB" "$LB" poll --once --sources-only --briefing bench 2>&1 | grep -E "^polled|^wall"
python3 - "$work/feeds.jsonl" "$work/data/livebrief.db" <<'PY'
import json, sqlite3, sys, collections
feeds = {json.loads(l)["url"]: json.loads(l) for l in open(sys.argv[1])}
db = sqlite3.connect(sys.argv[2])
rows = db.execute("SELECT url, consecutive_failures, last_error, last_success_at, items_seen, next_poll_at, last_polled_at FROM sources").fetchall()
want = {  # what each expectation looks like in the recorded error
    "timeout": "timed out", "connection": "connection", "not_a_feed": "not a feed",
    "too_many_redirects": "redirect", "status_500": "500", "status_429": "429",
}
ok = collections.Counter(); bad = []
for url, failures, error, success, items, next_poll, polled in rows:
    exp = feeds[url]["expected"]
    if exp == "ok":
        good = failures == 0 and success is not None
    else:
        good = failures == 1 and error is not None and want[exp] in error.lower()
        if exp == "status_429":  # Retry-After: 120 s is honoured
            good = good and next_poll - polled >= 120 * 1_000_000
    ok[(exp, good)] += 1
    if not good:
        bad.append((exp, url, failures, error))
print("health as expected:", sum(v for (e, g), v in ok.items() if g), "of", len(rows))
for (e, g), v in sorted(ok.items()):
    print(f"  {e:20} {'right' if g else 'WRONG'} {v}")
for b in bad[:10]:
    print("  wrong:", b)
sys.exit(1 if bad else 0)
PY
echo "== round 2: the same feeds again (conditional GET)"
# Everything is due again only after its interval; make it due now.
python3 -c "import sqlite3,sys; db=sqlite3.connect(sys.argv[1]); db.execute('UPDATE sources SET next_poll_at = 0'); db.commit()" "$work/data/livebrief.db"
/usr/bin/time -f "wall %e s, max RSS %M KiB" "$LB" poll --once --sources-only --briefing bench 2>&1 | grep -E "^polled|^wall"
