#!/usr/bin/env bash
# The whole test suite: installs what the tests need (Debian's chromium; playwright-core and web/'s packages from
# npm), then checks the dependencies (scripts/deps.sh), runs every Rust test (unit, integration, whole-program)
# and the real-browser tests.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "== installing ${need_apt[*]} (apt)"
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

echo "== installing browser-test packages and the vendored web files' packages (npm)"
(cd tests/browser && npm ci --no-audit --no-fund --loglevel=error)
(cd web && npm ci --no-audit --no-fund --loglevel=error) # tests/browser/base.test.mjs compares against world-atlas

echo "== dependencies (licences, sources, advisories)"
./scripts/deps.sh

echo "== building"
cargo build --workspace --all-targets --locked

echo "== fuzz targets (type-checked on stable; fuzz/run-all.sh runs them)"
cargo check --manifest-path fuzz/Cargo.toml --locked --bins

echo "== Rust tests"
if cargo nextest --version >/dev/null 2>&1; then
  cargo nextest run --workspace --locked --no-fail-fast
else
  cargo test --workspace --locked --no-fail-fast
fi

echo "== browser tests (chromium + playwright-core)"
LB_BIN="$CARGO_TARGET_DIR/debug/livebrief" node --test tests/browser/
