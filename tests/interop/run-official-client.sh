#!/usr/bin/env bash
# Starts the emulator on a free loopback port, calls it with the client generated from the
# official WSDL, checks what it decoded, and stops the emulator.
#   run-official-client.sh EMULATOR OFFICIAL_CLIENT
set -euo pipefail
emulator_exe=$1 client=$2
work=$(mktemp -d)
"$emulator_exe" --port 0 >"$work/out" 2>"$work/err" &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 100); do grep -q '^listening on ' "$work/out" && break; sleep 0.05; done
base=$(sed -n 's/^listening on //p' "$work/out")
[ -n "$base" ] || { echo "emulator did not start" >&2; cat "$work/err" >&2; exit 1; }
"$client" "$base/Api/Advertiser/CampaignManagement/v13/CampaignManagementService.svc" \
  9007199254740994 77 9007199254740995 >"$work/got"
cat >"$work/want" <<'WANT'
slot 0: id=9007199254740994 amount=1234567890123456.789 type=DailyBudgetStandard count=0 name=Brand — München & <Café> "quoted"
slot 1: nil
slot 2: id=9007199254740995 amount=500 type=DailyBudgetAccelerated count=1 name=Accelerated holiday push
error index=1 code=4916 errorcode=CampaignServiceBudgetIdInvalid
tracking=yes
WANT
diff -u "$work/want" "$work/got"
echo "official-WSDL client: GetBudgetsByIds against the emulator decoded as expected"
