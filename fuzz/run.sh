#!/bin/sh
# Builds the `check` target and runs it on one job, seeded from ../fixtures (read, not written).
# Usage: fuzz/run.sh [seconds]   (default 900)
set -eu
cd "$(dirname "$0")"
cargo +nightly fuzz build -a check
mkdir -p corpus/check artifacts/check
RAYON_NUM_THREADS=1 exec nice -n 10 target/x86_64-unknown-linux-gnu/release/check \
    corpus/check ../fixtures \
    -dict=x12.dict -max_total_time="${1:-900}" -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix=artifacts/check/ -print_final_stats=1
