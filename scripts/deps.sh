#!/usr/bin/env bash
# Dependency checks, part of the test command: the Rust tree's licences, sources and bans (cargo-deny),
# the npm lockfile's licences, and known advisories where an advisory database is at hand.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v cargo-deny >/dev/null 2>&1; then
  echo "== installing cargo-deny (crates.io)"
  cargo install cargo-deny --locked --quiet
fi
echo "== cargo-deny: licences, bans, sources"
cargo deny --offline --locked check --hide-inclusion-graph licenses bans sources

# Advisories. The RustSec database is a git repository, and this machine reaches package registries only;
# with a copy (a clone of github.com/rustsec/advisory-db, or one unpacked from a distribution's package such
# as openSUSE's cargo-audit-advisory-db) at LIVEBRIEF_ADVISORY_DB, the check runs against it and fails on
# any advisory that applies.
db="${LIVEBRIEF_ADVISORY_DB:-}"
if [ -n "$db" ] && [ -d "$db" ]; then
  echo "== cargo-deny: advisories from $db"
  cargo deny --offline --locked check --config <(sed "s|^\[advisories\]|[advisories]\ndb-path = \"$db\"|" deny.toml) advisories
else
  echo "== cargo-deny: advisories NOT checked: no advisory database on this machine (set LIVEBRIEF_ADVISORY_DB)"
fi

echo "== npm lockfile: licences"
python3 - tests/browser/package-lock.json <<'PY'
import json, sys
allowed = {"MIT", "Apache-2.0", "BSD-2-Clause", "BSD-3-Clause", "ISC", "0BSD", "MPL-2.0", "Unlicense"}
lock = json.load(open(sys.argv[1]))
bad = []
n = 0
for path, pkg in lock.get("packages", {}).items():
    if not path:
        continue
    n += 1
    lic = pkg.get("license")
    if lic not in allowed:
        bad.append(f"{path} {pkg.get('version')}: licence {lic!r}")
    if not str(pkg.get("resolved", "https://registry.npmjs.org/")).startswith("https://registry.npmjs.org/"):
        bad.append(f"{path}: resolved from {pkg.get('resolved')!r}, not the npm registry")
    if not pkg.get("integrity", "").startswith("sha512-"):
        bad.append(f"{path}: no sha512 integrity")
if bad:
    sys.exit("npm lockfile:\n  " + "\n  ".join(bad))
print(f"{n} npm packages: licences allowed, all from the registry with sha512 integrity")
PY
echo "== npm advisories"
if (cd tests/browser && npm audit --omit=optional --audit-level=low >/tmp/livebrief-npm-audit.txt 2>&1); then
  echo "npm audit: no advisories"
elif grep -q "audit endpoint returned an error\|ENOTFOUND\|EAI_AGAIN\|405" /tmp/livebrief-npm-audit.txt; then
  echo "npm advisories NOT checked: the registry here does not serve the audit endpoint"
else
  cat /tmp/livebrief-npm-audit.txt
  exit 1
fi
