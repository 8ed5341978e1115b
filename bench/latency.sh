#!/usr/bin/env bash
# Whole-loop latency (issue: from a report appearing in a polled feed to its draft on the desk, < 2 s p95 at
# 10 reports/s sustained). Synthetic outlets on 127.0.0.1 publish a steady stream; the loop runs as the server
# runs it (scheduler, workers, SQLite on disk with synchronous=FULL); see crates/loadgen/src/bin/loop_latency.rs.
# Usage: bench/latency.sh [reports-per-second] [seconds] [outlets]
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
cargo build --release --locked -q -p livebrief-loadgen
"$CARGO_TARGET_DIR/release/loop-latency" --rate "${1:-10}" --seconds "${2:-60}" --outlets "${3:-24}"
