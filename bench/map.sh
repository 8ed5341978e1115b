#!/usr/bin/env bash
# Control maps against pyproj + shapely, in one run (issue 9): DAYS daily layers of about 3,000 vertices,
# generated from the 2025-07-01 DeepState sample by perturbation (bench/map_generate.py, seeded), then
#   Rust:   livebrief map batch DIR   (read + validate/repair + geodesic area + change against the day before)
#   Python: bench/map_python.py DIR   (json.load + shapely shape + pyproj Geod area + shapely difference)
# timing each over the whole directory (files read inside the timing), checking that both give the same
# area for every layer (GeographicLib's algorithm on both sides) and the same gained and lost ground, and
# printing the ratio. The Rust side runs twice: with each edge's area term kept from the day before (the
# default) and with every term computed afresh (--no-reuse).
#   bench/map.sh            # 800 days
#   bench/map.sh 100        # quicker
# Needs ../shared/data/deepstate beside the workspace, python3 with venv, and PyPI (pyproj, shapely) once.
set -euo pipefail
cd "$(dirname "$0")/.."
days="${1:-800}"
sample="../shared/data/deepstate/occupied-2025-07-01.geojson"
[ -f "$sample" ] || { echo "no $sample (the shared data lies beside the workspace)"; exit 1; }
venv="${LIVEBRIEF_BENCH_VENV:-/var/tmp/livebrief-map-venv}"
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import pyproj, shapely' 2>/dev/null; then
  echo "== python venv with pyproj and shapely in $venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q pyproj shapely
fi
py="$venv/bin/python"
target="${CARGO_TARGET_DIR:-target}"
echo "== building livebrief (release)"
cargo build -q --release -p livebrief
bin="$target/release/livebrief"

work="$(mktemp -d /var/tmp/livebrief-map-bench.XXXXXX)"
trap 'rm -rf "$work"' EXIT
echo "== generating $days layers"
"$py" bench/map_generate.py "$sample" "$work/layers" --days "$days" --seed 9

echo "== machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
rust=$("$bin" map batch "$work/layers" --out "$work/rust.jsonl" 2>"$work/rust.err")
cold=$("$bin" map batch "$work/layers" --out "$work/rust-cold.jsonl" --no-reuse 2>"$work/rust-cold.err")
python=$("$py" bench/map_python.py "$work/layers" "$work/python.jsonl")
echo "== load after: $(cut -d' ' -f1-3 /proc/loadavg)"

set +e
"$py" - "$work" "$rust" "$cold" "$python" "$days" <<'PY'
import json, sys
work, rust, cold, python, days = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5])
load = lambda n: [json.loads(l) for l in open(f"{work}/{n}.jsonl")]
r, rc, p = load("rust"), load("rust-cold"), load("python")
assert len(r) == len(p) == len(rc) == days, (len(r), len(p), len(rc))
worst_area = max(abs(a["area_km2"] - b["area_km2"]) for a, b in zip(r, p))
same_bits = all(a["area_km2"] == b["area_km2"] for a, b in zip(r, rc))
worst_change = max(max(abs(a.get(k, 0) - b.get(k, 0)) for k in ("gained_km2", "lost_km2")) for a, b in zip(r[1:], p[1:]))
gained = sum(a.get("gained_km2", 0) for a in r)
lost = sum(a.get("lost_km2", 0) for a in r)
print(f"layers: {days}; areas {r[0]['area_km2']:.2f} .. {r[-1]['area_km2']:.2f} km²; gained {gained:.2f}, lost {lost:.2f} km² in all")
print(f"area vs pyproj (GeographicLib), worst layer: {worst_area:.6f} km²  (limit 0.01)")
print(f"gained/lost vs shapely, worst day: {worst_change:.6f} km²")
print(f"kept edge terms give the same areas as fresh ones: {same_bits}")
print(f"rust (edge terms kept):  {rust:8.3f} s  {1000*rust/days:7.3f} ms/layer")
print(f"rust (all terms fresh):  {cold:8.3f} s  {1000*cold/days:7.3f} ms/layer")
print(f"python (pyproj+shapely): {python:8.3f} s  {1000*python/days:7.3f} ms/layer")
print(f"speed-up: {python/rust:.1f}x (kept terms), {python/cold:.1f}x (fresh terms)")
ok = worst_area <= 0.01 and same_bits and worst_change <= 0.02
sys.exit(0 if ok else 1)
PY
status=$?
set -e
echo "rust, edge terms kept: $(cat "$work/rust.err" | tr '\n' ' ')"
echo "rust, all terms fresh: $(cat "$work/rust-cold.err" | tr '\n' ' ')"
exit $status
