#!/usr/bin/env bash
# Throughput benchmark of `claimlint check` (and `gate`) on synthetic 837P files from
# examples/gen837.rs.
# Prints a Markdown table (size, threads, seconds, MB/s, instructions per byte, peak RSS, exit
# status) and, when PYX12_VENV is set, claimlint's speed relative to pyx12's x12valid. The
# instructions per byte are issue 15's stable measure (callgrind, scripts/instr_per_byte.sh):
# the marginal cost of one thread per input byte, which does not depend on the file's size.
# See scripts/README.md.
#
# Environment (all optional):
#   BENCH_DIR      where inputs are generated and kept for reuse (default $TMPDIR/claimlint-bench)
#   BENCH_SIZES    sizes in MB of the single-file inputs (default "10 100 1000")
#   BENCH_THREADS  values for --threads (default "1 2")
#   BENCH_SMALL    number of 5 KB files for the many-small-files run (default 10000; 0 = skip)
#   BENCH_RUNS     timed runs per cell; the fastest is reported (default 1)
#   BENCH_SEED     generator seed (default 42)
#   CLAIMLINT      claimlint binary to time instead of building target/release/claimlint
#   PYX12_VENV     a virtualenv with pyx12 installed (pip install pyx12==4.0.0)
#   BENCH_PYX12_MB size of the file given to x12valid (default 1: pyx12 runs ~0.1 MB/s)
#   BENCH_IPB      0 = leave out the instructions per byte (callgrind: a few minutes; needs valgrind)
#   BENCH_GATE     sizes in MB of the inputs `claimlint gate` splits (default "256"; "" = skip)
#   BENCH_GATE_ONE sizes in MB of inputs written as one interchange for `gate` (default ""): its
#                  memory must not grow with an interchange's claims either
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
target=${CARGO_TARGET_DIR:-$root/target}
bench_dir=${BENCH_DIR:-${TMPDIR:-/tmp}/claimlint-bench}
sizes=${BENCH_SIZES:-10 100 1000}
threads=${BENCH_THREADS:-1 2}
small=${BENCH_SMALL:-10000}
runs=${BENCH_RUNS:-1}
seed=${BENCH_SEED:-42}
pyx12_mb=${BENCH_PYX12_MB:-1}
gate_sizes=${BENCH_GATE-256}
gate_one_sizes=${BENCH_GATE_ONE-}

# GNU time gives peak RSS (-v); bash's `time` keyword does not.
gnu_time=/usr/bin/time
if ! "$gnu_time" -v true >/dev/null 2>&1; then
    echo "bench.sh: GNU time is needed for peak RSS; install it with: sudo apt-get install -y time" >&2
    exit 2
fi

cd "$root"
echo "building (cargo build --release, and the gen837 example)..." >&2
cargo build --release --quiet --example gen837
gen=$target/release/examples/gen837
if [[ -n ${CLAIMLINT:-} ]]; then
    claimlint=$CLAIMLINT
else
    cargo build --release --quiet
    claimlint=$target/release/claimlint
fi
mkdir -p "$bench_dir"

# Inputs are named after everything that shapes them, so a file is reused only when it is the
# one that would be generated now. Delete BENCH_DIR after changing gen837 itself.
single_file() { # size_mb [sets per interchange] -> path
    local per=${2:-1000}
    local f=$bench_dir/p-${1}MB-seed$seed.837
    [[ $per == 1000 ]] || f=$bench_dir/p-${1}MB-seed$seed-$per-sets-per-isa.837
    if [[ ! -s $f ]]; then
        echo "generating $f..." >&2
        "$gen" --size-mb "$1" --out "$f.tmp" --seed "$seed" --kind p \
            --sets-per-interchange "$per" 2>/dev/null
        mv "$f.tmp" "$f"
    fi
    echo "$f"
}
small_dir() { # -> dir of $small files of about 5 KB
    local d=$bench_dir/p-${small}x5KB-seed$seed
    # The marker stands beside the directory, not in it: claimlint reads every file of a
    # directory, hidden ones too, and an empty marker is ENV001 (exit 1).
    if [[ ! -f $d.complete ]]; then
        echo "generating $small files of 5 KB in $d..." >&2
        rm -rf "$d"
        "$gen" --files "$small" --out-dir "$d" --file-kb 5 --seed "$seed" --kind p 2>/dev/null
        touch "$d.complete"
    fi
    echo "$d"
}

# claimlint must speak the documented interface before its numbers mean anything.
probe=$(single_file 1)
probe_out=$(mktemp)
"$claimlint" check --format json --threads 1 "$probe" >"$probe_out" 2>/dev/null || true
if [[ $(head -c 1 "$probe_out") != "{" ]]; then
    echo "bench.sh: '$claimlint check --format json' does not print a JSON document yet;" \
        "the timings below measure whatever it does instead" >&2
fi
rm -f "$probe_out"

# Runs "$@" under GNU time; sets secs, rss_mib, status (the fastest of $runs runs). GNU time
# gives the peak RSS; the wall clock comes from bash's EPOCHREALTIME, because time -v rounds
# elapsed time to 10 ms, too coarse for the small inputs.
measure() {
    local log best_secs="" best_rss="" st i t0 t1 s r
    log=$(mktemp)
    for ((i = 0; i < runs; i++)); do
        st=0
        t0=$EPOCHREALTIME
        "$gnu_time" -v -o "$log" "$@" >/dev/null 2>/dev/null || st=$?
        t1=$EPOCHREALTIME
        s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
        r=$(awk -F': ' '/Maximum resident set size/ { printf "%.1f", $2 / 1024 }' "$log")
        if [[ -z $best_secs ]] || awk -v a="$s" -v b="$best_secs" 'BEGIN { exit !(a < b) }'; then
            best_secs=$s
            best_rss=$r
        fi
        status=$st
    done
    rm -f "$log"
    secs=$best_secs
    rss_mib=$best_rss
}

rate() { # amount seconds -> amount/second, 1 decimal
    awk -v a="$1" -v s="$2" 'BEGIN { if (s > 0) printf "%.1f", a / s; else print "inf" }'
}
mb_of() { # path... -> total MB (10^6 bytes)
    du -cb "$@" | awk 'END { printf "%.1f", $1 / 1e6 }'
}

# Instructions per byte, measured once: callgrind runs of 1 MB and 5 MB files (837P and 837I).
ipb_p="" ipb_table=""
if [[ ${BENCH_IPB:-1} != 0 ]]; then
    if command -v valgrind >/dev/null; then
        echo "measuring instructions per byte with callgrind (a few minutes)..." >&2
        ipb_table=$(CLAIMLINT=$claimlint bash "$root/scripts/instr_per_byte.sh")
        ipb_p=$(awk -F'|' '$2 ~ /837P/ { gsub(/ /, "", $7); print $7 }' <<<"$ipb_table")
    else
        echo "bench.sh: no valgrind, so no instructions per byte (BENCH_IPB=0 to silence)" >&2
    fi
fi

echo
echo "claimlint: $claimlint ($("$claimlint" --version 2>/dev/null | head -n 1 || echo "version unknown"))"
echo "machine: $(nproc) cores, $(uname -sr); inputs: $bench_dir"
echo
echo "| input | MB | threads | seconds | MB/s | instr/byte (1 thread, callgrind) | peak RSS MiB | exit |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|"
declare -A one_thread_mbs=()
for size in $sizes; do
    f=$(single_file "$size")
    mb=$(mb_of "$f")
    cat "$f" >/dev/null # warm the page cache: measure claimlint, not the disk
    for t in $threads; do
        measure "$claimlint" check --format json --threads "$t" "$f"
        mbs=$(rate "$mb" "$secs")
        [[ $t == 1 ]] && one_thread_mbs[$size]=$mbs
        ipb=—
        [[ $t == 1 && -n $ipb_p ]] && ipb=$ipb_p
        echo "| 837P ${size} MB | $mb | $t | $secs | $mbs | $ipb | $rss_mib | $status |"
    done
done
if ((small > 0)); then
    d=$(small_dir)
    mb=$(mb_of "$d")
    cat "$d"/*.837 >/dev/null
    for t in $threads; do
        # The directory itself is the PATH: claimlint walks it, and 10,000 paths would
        # otherwise be 10,000 arguments.
        measure "$claimlint" check --format json --threads "$t" "$d"
        echo "| $small files × 5 KB ($(rate "$small" "$secs") files/s) | $mb | $t | $secs |" \
            "$(rate "$mb" "$secs") | — | $rss_mib | $status |"
    done
fi

if [[ -n $gate_sizes || -n $gate_one_sizes ]]; then
    # The pre-submission gate: the same check, the split into accepted/rejected 837s, the 999
    # and the 277CA written to a scratch directory, the JSON report to /dev/null.
    echo
    echo "| \`gate --format json\` input | MB | threads | seconds | MB/s | peak RSS MiB | exit |"
    echo "|---|---:|---:|---:|---:|---:|---:|"
    for run in $gate_sizes ${gate_one_sizes:+$(printf '%s:one ' $gate_one_sizes)}; do
        size=${run%:one}
        if [[ $run == *:one ]]; then
            f=$(single_file "$size" 1000000000)
            label="837P ${size} MB, one interchange"
        else
            f=$(single_file "$size")
            label="837P ${size} MB"
        fi
        mb=$(mb_of "$f")
        cat "$f" >/dev/null
        for t in $threads; do
            out=$(mktemp -d)
            measure "$claimlint" gate --format json --threads "$t" -o "$out" "$f"
            rm -rf "$out"
            echo "| $label | $mb | $t | $secs | $(rate "$mb" "$secs") | $rss_mib | $status |"
        done
    done
fi

if [[ -n $ipb_table ]]; then
    echo
    echo "Instructions per input byte (scripts/instr_per_byte.sh: (I(5 MB) - I(1 MB)) / 4 MB):"
    echo
    echo "$ipb_table"
fi

if [[ -n ${PYX12_VENV:-} ]]; then
    x12valid=$PYX12_VENV/bin/x12valid
    if [[ ! -x $x12valid ]]; then
        echo "bench.sh: no x12valid in PYX12_VENV=$PYX12_VENV (pip install pyx12==4.0.0)" >&2
        exit 2
    fi
    # pyx12 validates ~0.1 MB/s, so it gets a smaller file and both tools are timed on it.
    f=$(single_file "$pyx12_mb")
    mb=$(mb_of "$f")
    work=$(mktemp -d) # x12valid writes <input>.997 next to its input
    cp "$f" "$work/in.837"
    measure "$x12valid" --quiet "$work/in.837"
    py_secs=$secs py_rss=$rss_mib
    rm -rf "$work"
    measure "$claimlint" check --format json --threads 1 "$f"
    cl_secs=$secs
    py_mbs=$(awk -v a="$mb" -v s="$py_secs" 'BEGIN { printf "%.3f", a / s }')
    cl_mbs=$(rate "$mb" "$cl_secs")
    echo
    echo "| tool | input | MB | seconds | MB/s | peak RSS MiB |"
    echo "|---|---|---:|---:|---:|---:|"
    echo "| pyx12 $("$PYX12_VENV/bin/python" -c 'import pyx12; print(pyx12.__version__)' 2>/dev/null) x12valid | 837P ${pyx12_mb} MB | $mb | $py_secs | $py_mbs | $py_rss |"
    echo "| claimlint --threads 1 | 837P ${pyx12_mb} MB | $mb | $cl_secs | $cl_mbs | $rss_mib |"
    echo
    # Ratios from the raw seconds, not the rounded rates.
    echo "claimlint is $(awk -v p="$py_secs" -v c="$cl_secs" 'BEGIN { printf "%.0f", p / c }')×" \
        "as fast as pyx12 on the same ${pyx12_mb} MB file (one thread)."
    first=${sizes%% *}
    if [[ -n ${one_thread_mbs[$first]:-} ]]; then
        echo "On the ${first} MB file claimlint ran ${one_thread_mbs[$first]} MB/s," \
            "$(awk -v c="${one_thread_mbs[$first]}" -v p="$py_mbs" 'BEGIN { printf "%.0f", c / p }')×" \
            "pyx12's rate on ${pyx12_mb} MB (pyx12 scaled linearly)."
    fi
fi
