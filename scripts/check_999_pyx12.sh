#!/usr/bin/env bash
# Validates the 999s claimlint writes with pyx12's x12valid (an independent X12 validator that
# knows 005010X231A1). Not run in CI: it installs pyx12 into a throwaway venv under /tmp.
#   scripts/check_999_pyx12.sh [INPUT...]     (default: every rule fixture)
set -euo pipefail
cd "$(dirname "$0")/.."
venv=/tmp/claimlint-pyx12-venv
if [ ! -x "$venv/bin/x12valid" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet pyx12==4.0.0
fi
out=$(mktemp -d /tmp/claimlint-999.XXXXXX)
trap 'rm -rf "$out"' EXIT
cargo build --quiet
# `ack` exits 1 when a transaction set is rejected, which is expected for trip fixtures.
./target/debug/claimlint ack --no-config -o "$out" "${@:-fixtures/rules}" >/dev/null || [ $? -eq 1 ]
pass=0 fail=0
for f in "$out"/*.999; do
    # x12valid's exit status is 1 even for a valid file; its last line says OK or Failure.
    "$venv/bin/x12valid" "$f" >"$out/log" 2>&1 || true
    if tail -n 1 "$out/log" | grep -q ': OK$'; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        echo "x12valid rejects $(basename "$f"):"; cat "$out/log"
    fi
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
