#!/usr/bin/env bash
# Renders a parity report page to PNG in headless Chromium, to check that it displays offline.
#   scripts/render-report.sh [REPORT.html [OUT.png]]
# Without a report it runs `bingads-budgets migrate-check` against a local emulator to make one.
# Installs Debian's chromium when missing (root or sudo). The browser runs with networking off.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
report=${1:-}
png=${2:-}
if ! command -v chromium >/dev/null; then
  sudo=(); [ "$(id -u)" = 0 ] || sudo=(sudo)
  "${sudo[@]}" apt-get install -y -qq --no-install-recommends chromium >/dev/null
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if [ -z "$report" ]; then
  [ -x "$root/build/bingads-budgets" ] || { echo "render-report: build first (scripts/demo.sh)" >&2; exit 1; }
  report="$work/migrate-check.html"
  "$root/build/bingads-budgets" migrate-check --html "$report" >/dev/null
fi
[ -n "$png" ] || png="${report%.html}.png"
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --user-data-dir="$work/profile" --proxy-server="http://127.0.0.1:9" --proxy-bypass-list="<-loopback>" \
  --window-size=1100,2400 --screenshot="$png" "file://$(readlink -f "$report")" >/dev/null 2>&1
[ -s "$png" ] || { echo "render-report: no screenshot was written" >&2; exit 1; }
echo "render-report: $png ($(stat -c %s "$png") bytes)"
