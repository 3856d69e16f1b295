#!/usr/bin/env bash
# Validates the acknowledgments claimlint writes with pyx12's x12valid (an independent X12
# validator that knows 005010X231A1 and the 277CA, 005010X214), installed into a throwaway
# venv: every 999 and TA1, and the gate's 277CAs and split 837s.
# Run by .ci/run.
#   scripts/check_999_pyx12.sh [INPUT...]     (default: every rule fixture)
# CLAIMLINT_BIN: the claimlint binary to run (default: a debug build made here).
# CLAIMLINT_ACK_KEEP: a folder of 999s written elsewhere (the ack tests), validated as well.
set -euo pipefail
cd "$(dirname "$0")/.."
venv="${PYX12_VENV:-${TMPDIR:-/tmp}/claimlint-pyx12-venv}"
if [ ! -x "$venv/bin/x12valid" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet pyx12==4.0.0
fi
out=$(mktemp -d "${TMPDIR:-/tmp}/claimlint-999.XXXXXX")
trap 'rm -rf "$out"' EXIT
bin="${CLAIMLINT_BIN:-}"
if [ -z "$bin" ]; then
    cargo build --quiet
    bin=./target/debug/claimlint
fi
# `ack` exits 1 when an interchange is rejected, which is expected for trip fixtures.
"$bin" ack --no-config -o "$out" "${@:-fixtures/rules}" >/dev/null || [ $? -eq 1 ]
shopt -s nullglob
files=("$out"/*.999 "$out"/*.ta1)
if [ -n "${CLAIMLINT_ACK_KEEP:-}" ] && [ -d "$CLAIMLINT_ACK_KEEP" ]; then
    # The gate tests (tests/gate_split.rs) also leave 277CAs and the 837s they split.
    files+=("$CLAIMLINT_ACK_KEEP"/*.999 "$CLAIMLINT_ACK_KEEP"/*.ta1 \
        "$CLAIMLINT_ACK_KEEP"/*.277 "$CLAIMLINT_ACK_KEEP"/*.837)
fi
shopt -u nullglob
pass=0 fail=0
for f in "${files[@]}"; do
    [ -f "$f" ] || continue
    # x12valid's exit status is 1 even for a valid file; its last line says OK or Failure.
    "$venv/bin/x12valid" "$f" >"$out/log" 2>&1 || true
    if tail -n 1 "$out/log" | grep -q ': OK$'; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        echo "x12valid rejects $(basename "$f"):"; cat "$out/log"
    fi
done
echo "pyx12: $pass passed, $fail failed"
[ "$pass" -gt 0 ] && [ "$fail" -eq 0 ]
