#!/usr/bin/env bash
# Instructions per input byte of `claimlint check` (issue 15), measured with callgrind, which
# counts instructions and so is stable on a shared, noisy machine where wall time is not.
# The marginal cost: (I(5 MB) - I(1 MB)) / (bytes(5 MB) - bytes(1 MB)), one thread, every rule,
# valid generated 837P and 837I (examples/gen837.rs, seed 42), so start-up and the data tables'
# first touches cancel out. Prints a Markdown table and, with TOP=N, the N functions with the
# most instructions of their own (exclusive) on the 5 MB 837P run.
#
# Environment (all optional):
#   IPB_DIR    where inputs and callgrind outputs are kept (default $TMPDIR/claimlint-ipb)
#   CLAIMLINT  the binary to measure instead of building target/release/claimlint
#   TOP        how many functions to list (default 0)
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
target=${CARGO_TARGET_DIR:-$root/target}
dir=${IPB_DIR:-${TMPDIR:-/tmp}/claimlint-ipb}
top=${TOP:-0}

if ! command -v valgrind >/dev/null; then
    echo "instr_per_byte.sh: valgrind is needed (sudo apt-get install -y valgrind)" >&2
    exit 2
fi
cd "$root"
cargo build --release --quiet --example gen837
if [[ -n ${CLAIMLINT:-} ]]; then
    claimlint=$CLAIMLINT
else
    cargo build --release --quiet
    claimlint=$target/release/claimlint
fi
mkdir -p "$dir"

# Total instructions (Ir) of one single-threaded check of $1, from callgrind's summary line.
instructions() {
    local out=$dir/callgrind.$(basename "$1").out
    valgrind --tool=callgrind --callgrind-out-file="$out" \
        "$claimlint" check --threads 1 --format json "$1" >/dev/null 2>&1 || true
    awk '/^summary:/ { print $2 }' "$out"
}

echo "| input | bytes 1 MB | bytes 5 MB | instructions 1 MB | instructions 5 MB | instructions per byte (marginal) |"
echo "|---|---:|---:|---:|---:|---:|"
for kind in p i; do
    for mb in 1 5; do
        f=$dir/$kind-${mb}MB-seed42.837
        [[ -s $f ]] || "$target/release/examples/gen837" --size-mb "$mb" --out "$f" --seed 42 \
            --kind "$kind" 2>/dev/null
    done
    small=$dir/$kind-1MB-seed42.837
    big=$dir/$kind-5MB-seed42.837
    b1=$(stat -c %s "$small")
    b5=$(stat -c %s "$big")
    i1=$(instructions "$small")
    i5=$(instructions "$big")
    ipb=$(awk -v a="$i1" -v b="$i5" -v x="$b1" -v y="$b5" 'BEGIN { printf "%.0f", (b - a) / (y - x) }')
    label=$([[ $kind == p ]] && echo 837P || echo 837I)
    echo "| $label | $b1 | $b5 | $i1 | $i5 | $ipb |"
done

if ((top > 0)); then
    echo
    echo "Top $top functions by their own instructions, 5 MB 837P:"
    echo
    echo '```text'
    # Paths shortened to the function; awk, not head, so no SIGPIPE under pipefail.
    callgrind_annotate "$dir/callgrind.p-5MB-seed42.837.out" 2>/dev/null |
        awk -v n="$top" '/^-+$/ { part++; next }
            part >= 3 && NF && shown < n { sub(/ \[.*\]$/, ""); sub(/ [^ ]*\.(rs|S|c):/, " "); print; shown++ }'
    echo '```'
fi
