#!/usr/bin/env bash
# Keeps what a fuzz run found for the test suite: the inputs of fuzz/corpus/TARGET up to 400 bytes,
# minimised by libFuzzer's merge (each kept input adds coverage), one base64 line each in
# fuzz/kept/TARGET.b64, which the tests replay through the target's checks: crates/feed/tests/it/fuzz_corpus.rs
# (feed, opml, page), crates/map/tests/it/fuzz_corpus.rs (geojson, kml), crates/extract/tests/it/fuzz_corpus.rs
# (extract), crates/content/tests/it/fuzz_corpus.rs (sanitize), crates/nlp/tests/it/fuzz_corpus.rs (read,
# topics) and crates/server/tests/it/config.rs (config). Run after fuzz/run.sh TARGET.
#   fuzz/keep.sh feed opml page
# MAX=N keeps at most N inputs (spread evenly over their sizes) where a merge keeps more.
set -euo pipefail
cd "$(dirname "$0")"
for t in "$@"; do
  small="$(mktemp -d)"; merged="$(mktemp -d)"
  find "corpus/$t" -type f -size -401c -exec cp {} "$small/" \;
  "target/x86_64-unknown-linux-gnu/release/$t" -merge=1 -rss_limit_mb=2048 -timeout=10 "$merged" "$small" 2>/dev/null
  mkdir -p kept
  python3 - "$merged" "kept/$t.b64" <<'PY'
import base64, os, sys
src, out = sys.argv[1], sys.argv[2]
names = sorted(os.listdir(src), key=lambda n: (os.path.getsize(os.path.join(src, n)), n))
cap = int(os.environ.get("MAX", "0") or 0)
if cap and len(names) > cap:
    # Evenly over the sizes, so the small and the larger inputs both stay.
    names = [names[i * len(names) // cap] for i in range(cap)]
print(f"{out}: {len(os.listdir(src))} after the merge", file=sys.stderr)
names.sort()
with open(out, "w") as f:
    for n in names:
        f.write(base64.b64encode(open(os.path.join(src, n), "rb").read()).decode() + "\n")
print(f"{out}: {len(names)} inputs")
PY
  rm -rf "$small" "$merged"
done
