#!/usr/bin/env bash
# Runs a fuzz target for a while: fuzz/run.sh extract 120
# Further arguments go to libFuzzer after the defaults and override them: the reader's slow-input check is
#   fuzz/run.sh read 300 -max_len=65536 -timeout=2 -report_slow_units=1
# The corpus is seeded from the project's own fixtures (golden pages, the hostile-markup corpus).
# cargo fuzz needs nightly flags; the machine has one stable toolchain, so RUSTC_BOOTSTRAP enables them.
set -euo pipefail
cd "$(dirname "$0")"
target="${1:-extract}"
secs="${2:-60}"
shift $(( $# < 2 ? $# : 2 ))
command -v cargo-fuzz >/dev/null 2>&1 || cargo install cargo-fuzz --locked
mkdir -p "corpus/$target"
case "$target" in
  extract)
    for d in ../crates/extract/tests/golden/*/; do cp "$d/input.html" "corpus/extract/seed-$(basename "$d").html"; done ;;
  read)
    awk 'BEGIN{RS="\n## "} NR>1 {print > ("corpus/read/seed-golden-" NR ".txt")}' ../crates/nlp/tests/golden/quotes.txt
    # Shapes that were quadratic (issue 11), for the slow-input check to grow from.
    for unit in 'Peskov said that Putin said that ' 'Anna Smith, who said "yes", ' 'Peskov, the spokesman, said ' \
      '"We will win," said Anna Smith. ' 'Deputy Minister Ivan Xa met adviser Olga Ya. "Yes," the minister said. '; do
      for _ in $(seq 60); do printf '%s' "$unit"; done > "corpus/read/seed-repeated-$(printf '%s' "$unit" | cksum | cut -d' ' -f1).txt"
    done ;;
  topics)
    # The default list as `livebrief topics` prints it (LB_BIN: a built binary, else one is built).
    if [ ! -s corpus/topics/seed-defaults.txt ]; then
      if [ -n "${LB_BIN:-}" ]; then "$LB_BIN" topics; else (cd .. && cargo run -q --release -- topics); fi > corpus/topics/seed-defaults.txt
    fi ;;
  feed|opml|page)
    # The feed crate's own fixtures: every format, the hostile ones, OPML lists and pages.
    find ../crates/feed/tests -type f \( -name '*.xml' -o -name '*.json' -o -name '*.opml' -o -name '*.html' -o -name '*.rss' -o -name '*.atom' \) \
      -size -256k -exec sh -c 'for f; do cp "$f" "corpus/'"$target"'/seed-$(printf %s "$f" | cksum | cut -d" " -f1)"; done' _ {} + ;;
  geojson|kml)
    # The map crate's golden cases (every repair and refusal), and the DeepState samples when they are beside
    # the workspace.
    ext=$([ "$target" = kml ] && echo kml || echo geojson)
    for f in ../crates/map/tests/golden/*/input."$ext"; do cp "$f" "corpus/$target/seed-$(basename "$(dirname "$f")").$ext"; done
    if [ "$target" = geojson ] && [ -d ../../shared/data/deepstate ]; then cp ../../shared/data/deepstate/*.geojson corpus/geojson/; fi ;;
  config)
    # The documented example, a few variables after it, and the shapes the config test mangles.
    awk '/^```toml$/{on=1; next} /^```$/{on=0} on' ../docs/configuration.md > corpus/config/seed-documented.toml
    { cat corpus/config/seed-documented.toml; printf '\n---\nLIVEBRIEF_LISTEN=0.0.0.0:80\nLIVEBRIEF_FETCH_ALLOW=10.0.0.0/8,127.0.0.1:8081\nLIVEBRIEF_INGEST=yes\n'; } > corpus/config/seed-with-variables.txt
    printf 'listen = "[::1]:8080"\nbase_url = "https://example.org/live/"\ntrusted_proxies = ["10.0.0.0/8", "::1"]\nfetch_allow = "192.168.0.0/16:8080"\nmax_body_bytes = 1048576\n' > corpus/config/seed-small.toml ;;
  sanitize)

    awk 'BEGIN{RS="\n#---\n"} {print > ("corpus/sanitize/seed-hostile-" NR ".html")}' ../crates/content/testdata/hostile-markup.txt ;;
esac
export RUSTC_BOOTSTRAP=1
cargo fuzz run "$target" "corpus/$target" -- -max_total_time="$secs" -max_len=262144 -rss_limit_mb=2048 -timeout=10 "$@"
