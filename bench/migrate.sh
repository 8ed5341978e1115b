#!/usr/bin/env bash
# `livebrief migrate` on a site of a realistic size: a SQLite site of ENTRIES entries (each published, then
# corrected: two revisions and two events each) and REPORTS reports read by the real pipeline and grouped into
# developments, moved into a fresh PostgreSQL schema; then the re-run ("already migrated") and --check.
# Prints the times and rows/s (the command's own line) and the machine's load (other builds make it noisy).
# The site is written to /dev/shm when there is room (SQLite fsyncs every commit; only the copy is measured).
# Usage: bench/migrate.sh [ENTRIES] [REPORTS]    (default 10000 5000; PostgreSQL from LIVEBRIEF_TEST_DATABASE_URL,
#        else postgres://postgres@127.0.0.1:5432/test). SITE=DIR keeps the generated site in DIR and reuses it
#        when it is there (making 5,000 reports takes a minute or two).
set -euo pipefail
cd "$(dirname "$0")/.."
ENTRIES="${1:-10000}"
REPORTS="${2:-5000}"
DB_URL="${LIVEBRIEF_TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"

cargo build --release --locked -p livebrief --bin livebrief --example migrate_site
LB="$CARGO_TARGET_DIR/release/livebrief"
base=/dev/shm
[ -d "$base" ] && [ -w "$base" ] || base="${TMPDIR:-/tmp}"
work=$(mktemp -d "$base/lb-migrate.XXXXXX")
SITE="${SITE:-$work/data}"
SCHEMA="lb_bench_migrate_$$"
trap 'psql -q "$DB_URL" -c "DROP SCHEMA IF EXISTS $SCHEMA CASCADE" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT

if [ -f "$SITE/livebrief.db" ]; then
  echo "== reusing the site in $SITE"
else
  echo "== making the site: $ENTRIES entries, $REPORTS reports"
  "$CARGO_TARGET_DIR/release/examples/migrate_site" "$SITE" "$ENTRIES" "$REPORTS"
fi
ls -l "$SITE"
psql -q "$DB_URL" -c "CREATE SCHEMA $SCHEMA"
sep='?'; case "$DB_URL" in *\?*) sep='&';; esac
TO="$DB_URL${sep}options=-csearch_path%3D$SCHEMA"

run() {
  local label=$1; shift
  echo "== $label (load before: $(cut -d' ' -f1-3 /proc/loadavg))"
  # The whole process: wall time and peak memory (the copy streams in batches, so it stays flat).
  LIVEBRIEF_LOG=warn /usr/bin/time -f "   process: %e s wall, %U s user, %S s system, %M KiB max RSS" \
    "$LB" migrate --from "sqlite:$SITE" --to "$TO" "$@" 2> >(grep -v '^copied ' >&2)
}
run "migrate"
run "second run (already migrated)"
run "--check" --check
echo "== PostgreSQL size of the schema: $(psql -tA "$DB_URL" -c "SELECT pg_size_pretty(SUM(pg_total_relation_size(quote_ident(schemaname) || '.' || quote_ident(tablename)))::bigint) FROM pg_tables WHERE schemaname = '$SCHEMA'")"
echo "== nproc $(nproc); load after: $(cut -d' ' -f1-3 /proc/loadavg)"
