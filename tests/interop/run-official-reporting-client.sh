#!/usr/bin/env bash
# Starts the emulator on a free loopback port (reports Pending for 300 ms), runs the client
# generated from the official Reporting WSDL against it (it checks what it decoded and downloaded
# itself, and exits non-zero on any failure), and stops the emulator.
#   run-official-reporting-client.sh EMULATOR OFFICIAL_REPORTING_CLIENT
set -euo pipefail
emulator_exe=$1 client=$2
work=$(mktemp -d)
"$emulator_exe" --port 0 --report-pending-ms 300 >"$work/out" 2>"$work/err" &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 100); do grep -q '^listening on ' "$work/out" && break; sleep 0.05; done
base=$(sed -n 's/^listening on //p' "$work/out")
[ -n "$base" ] || { echo "emulator did not start" >&2; cat "$work/err" >&2; exit 1; }
status=0
timeout 60 "$client" "$base/Api/Advertiser/Reporting/v13/ReportingService.svc" || status=$?
[ "$status" = 0 ] || { echo "emulator's stderr:" >&2; cat "$work/err" >&2; }
exit "$status"
