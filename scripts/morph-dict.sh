#!/usr/bin/env bash
# Regenerates crates/morph/data/{ru,uk}.tsv.gz, the proper-noun morphological tables, from the pymorphy3
# dictionaries on PyPI (installed into a temporary venv; nothing is kept). See crates/morph/data/README.md.
# Usage: scripts/morph-dict.sh [ru|uk ...]
set -euo pipefail
cd "$(dirname "$0")/.."
venv="${MORPH_VENV:-}"
if [ -z "$venv" ]; then
  venv="$(mktemp -d)"
  trap 'rm -rf "$venv"' EXIT
fi
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet \
    pymorphy3==2.0.6 pymorphy3-dicts-ru==2.4.417150.4580142 pymorphy3-dicts-uk==2.4.1.1.1663094765
fi
"$venv/bin/python" scripts/morph-dict.py crates/morph/data "$@"
