#!/usr/bin/env bash
# Dependency checks, part of the test command: the Rust tree's licences, sources and bans (cargo-deny),
# the npm lockfiles' licences (the browser tests' and web/'s), the vendored web files against their npm
# packages (scripts/vendor-web.sh --check), and known advisories where an advisory database is at hand.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v cargo-deny >/dev/null 2>&1; then
  echo "== installing cargo-deny (crates.io)"
  cargo install cargo-deny --version 0.20.2 --locked --quiet
fi
# cargo-deny reads the tree offline: on a fresh machine the registry cache is empty until the crates are fetched.
cargo fetch --locked --quiet
echo "== cargo-deny: licences, bans, sources"
cargo deny --offline --locked --log-level error check --hide-inclusion-graph licenses bans sources

# Advisories. The RustSec database is a git repository, and this machine reaches package registries only.
# `cargo deny fetch` on a networked machine fills a directory (advisory-db-<hash>, a clone) that can be
# copied here; LIVEBRIEF_ADVISORY_DB names that directory, and then any advisory that applies fails the run.
# Without it, the gate itself is still proved: a made-up advisory against a crate in Cargo.lock must fail it.
advisories() { # db-path
  local cfg
  cfg="$(mktemp)"
  sed "s|^\[advisories\]|[advisories]\ndb-path = \"$1\"|" deny.toml >"$cfg"
  cargo deny --offline --locked --log-level error --config "$cfg" check --hide-inclusion-graph advisories
  local rc=$?
  rm -f "$cfg"
  return $rc
}
fake="$(mktemp -d)"
repo="$fake/advisory-db-3157b0e258782691" # where cargo-deny keeps its clone of the default database
mkdir -p "$repo/crates/memchr"
cat >"$repo/crates/memchr/RUSTSEC-2099-0001.md" <<'ADV'
```toml
[advisory]
id = "RUSTSEC-2099-0001"
package = "memchr"
date = "2026-01-01"
title = "A made-up advisory that proves the gate"
description = "Not real: scripts/deps.sh checks that an applicable advisory fails the run."

[versions]
patched = [">= 999.0.0"]
```

# A made-up advisory that proves the gate
ADV
(cd "$repo" && git init -q && git add -A && git -c user.email=ci@livebrief.invalid -c user.name=ci commit -qm advisory)
if out="$(advisories "$fake" 2>&1)"; then
  echo "$out"
  echo "the advisory gate let a known-vulnerable crate through"
  exit 1
elif ! grep -q "RUSTSEC-2099-0001" <<<"$out"; then
  echo "$out"
  echo "the advisory gate failed for another reason"
  exit 1
fi
rm -rf "$fake"
echo "== cargo-deny: the advisory gate fails on an applicable advisory (checked with a made-up one)"
db="${LIVEBRIEF_ADVISORY_DB:-}"
if [ -n "$db" ] && [ -d "$db" ]; then
  echo "== cargo-deny: advisories from $db"
  advisories "$db"
else
  echo "== cargo-deny: RustSec advisories not checked: no copy of the database here (set LIVEBRIEF_ADVISORY_DB)"
fi

echo "== npm lockfiles: licences"
python3 - tests/browser/package-lock.json web/package-lock.json <<'PY'
import json, sys
allowed = {"MIT", "Apache-2.0", "BSD-2-Clause", "BSD-3-Clause", "ISC", "0BSD", "MPL-2.0", "Unlicense"}
bad = []
for lockfile in sys.argv[1:]:
    lock = json.load(open(lockfile))
    n = 0
    for path, pkg in lock.get("packages", {}).items():
        if not path:
            continue
        n += 1
        lic = pkg.get("license")
        if lic not in allowed:
            bad.append(f"{lockfile}: {path} {pkg.get('version')}: licence {lic!r}")
        if not str(pkg.get("resolved", "https://registry.npmjs.org/")).startswith("https://registry.npmjs.org/"):
            bad.append(f"{lockfile}: {path}: resolved from {pkg.get('resolved')!r}, not the npm registry")
        if not pkg.get("integrity", "").startswith("sha512-"):
            bad.append(f"{lockfile}: {path}: no sha512 integrity")
    print(f"{lockfile}: {n} npm packages: licences allowed, all from the registry with sha512 integrity")
if bad:
    sys.exit("npm lockfiles:\n  " + "\n  ".join(bad))
PY
echo "== vendored web files (crates/server/static/vendor) against their npm packages"
./scripts/vendor-web.sh --check
echo "== npm advisories"
for dir in tests/browser web; do
  if (cd "$dir" && npm audit --omit=optional --audit-level=low >/tmp/livebrief-npm-audit.txt 2>&1); then
    echo "npm audit ($dir): no advisories"
  elif grep -q "audit endpoint returned an error\|ENOTFOUND\|EAI_AGAIN\|405" /tmp/livebrief-npm-audit.txt; then
    echo "npm advisories ($dir) NOT checked: the registry here does not serve the audit endpoint"
  else
    cat /tmp/livebrief-npm-audit.txt
    exit 1
  fi
done
