#!/usr/bin/env bash
# Differential test of claimlint against pyx12 4.0.0 on every 5010 837 file of the shared
# corpus (issue 6). Not part of CI: it needs the network once, for pip.
#
#   scripts/compare_pyx12.sh [CORPUS_DIR]      # default ../shared/corpus
#
# Creates a throwaway venv under /tmp, runs `x12valid -J` and `claimlint check --format json`
# on each file, maps both to (ST02, segment position) and writes docs/pyx12-comparison.md.
set -euo pipefail
cd "$(dirname "$0")/.."
CORPUS="${1:-../shared/corpus}"
VENV="${PYX12_VENV:-/tmp/claimlint-pyx12-venv}"
if [ ! -x "$VENV/bin/x12valid" ]; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install -q pyx12==4.0.0
fi
cargo build --release --quiet
mkdir -p docs
python3 scripts/compare_pyx12.py "$CORPUS" "$VENV/bin/x12valid" target/release/claimlint > docs/pyx12-comparison.md
echo "wrote docs/pyx12-comparison.md"
