#!/usr/bin/env bash
# Opens an audit HTML report in headless Chromium, takes a screenshot, and fails if the page
# logged a console error or its script did not run (issue 8). Not run by CI: Chromium is slow
# to start and large to install.
#
#   scripts/audit_screenshot.sh [REPORT.html] [OUT.png]
#
# Without REPORT, builds claimlint and audits fixtures/audit into $TMPDIR/claimlint-audit.html.
# OUT defaults to docs/audit-report.png. Needs Debian's chromium (`apt-get install -y chromium`);
# the script says so and stops without it. WIDTH and HEIGHT set the window (default 1400x2000).
set -euo pipefail
cd "$(dirname "$0")/.."

browser=$(command -v chromium || command -v chromium-browser || true)
if [[ -z "$browser" ]]; then
    echo "audit_screenshot.sh: chromium not found; install it with: apt-get install -y chromium" >&2
    exit 2
fi

report=${1:-}
out=${2:-docs/audit-report.png}
if [[ -z "$report" ]]; then
    cargo build --release --quiet
    report="${TMPDIR:-/tmp}/claimlint-audit.html"
    target/release/claimlint audit fixtures/audit -o "$report" --title "Claim audit: fixtures/audit (synthetic data)" >/dev/null
fi
[[ -f "$report" ]] || { echo "audit_screenshot.sh: no report at $report" >&2; exit 2; }
url="file://$(cd "$(dirname "$report")" && pwd)/$(basename "$report")"

profile=$(mktemp -d)
log=$(mktemp)
trap 'rm -rf "$profile" "$log"' EXIT
flags=(--headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update
       --no-first-run --user-data-dir="$profile" --hide-scrollbars --enable-logging=stderr --v=0)

# The screenshot, with the console captured in the log.
"$browser" "${flags[@]}" --window-size="${WIDTH:-1400},${HEIGHT:-2000}" --screenshot="$out" "$url" 2>"$log" >/dev/null || true
# The DOM after scripts ran: the filter writes "N of M shown" only if the script ran to the end.
dom=$("$browser" "${flags[@]}" --dump-dom "$url" 2>>"$log" || true)

status=0
if grep -E 'CONSOLE|Uncaught' "$log" | grep -Eiq 'error|uncaught'; then
    echo "audit_screenshot.sh: console errors:" >&2
    grep -E 'CONSOLE|Uncaught' "$log" >&2
    status=1
fi
if ! grep -Eq 'id="shown"[^>]*>[0-9]+ of [0-9]+ shown<' <<<"$dom"; then
    echo "audit_screenshot.sh: the report's script did not run (no 'N of M shown')" >&2
    status=1
fi
if grep -Eq '(src|href)="https?:' <<<"$dom"; then
    echo "audit_screenshot.sh: the report loads something from the network" >&2
    status=1
fi
[[ -s "$out" ]] || { echo "audit_screenshot.sh: no screenshot written" >&2; status=1; }
[[ $status -eq 0 ]] && echo "screenshot: $out (no console errors)"
exit $status
