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
"$client" "$base/Api/Advertiser/CampaignManagement/v13/CampaignManagementService.svc" >"$work/got"
cat >"$work/want" <<'WANT'
add ids=9007199254740998,9007199254740999
get slot 0: id=9007199254740998 amount=99.5 type=DailyBudgetStandard count=0 name=Official A <&> é
get slot 1: id=9007199254740999 amount=5 type=DailyBudgetStandard count=0 name=Official B
get slot 2: nil
get error index=2 code=4916 errorcode=CampaignServiceBudgetIdInvalid
get tracking=yes
campaigns: 700000000001 700000000002
campaigns:
delete error index=2 code=4918 errorcode=CampaignServiceBudgetIsSharedWithCampaigns
get slot 0: nil
get error index=0 code=4916 errorcode=CampaignServiceBudgetIdInvalid
get tracking=yes
WANT
diff -u "$work/want" "$work/got"
echo "official-WSDL client: all five budget operations against the emulator gave the expected results"
