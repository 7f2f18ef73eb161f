#!/usr/bin/env bash
# Records a GetBudgetsByIds made by our CLI over SOAP against the emulator, stops the emulator,
# serves the recording with `bingads-emulator --replay`, and asks it for the same ids with the
# client generated from Microsoft's official WSDL: the recorded answer must come back.
#   run-official-replay.sh EMULATOR CLI OFFICIAL_CLIENT
set -euo pipefail
emulator_exe=$1 cli=$2 client=$3
work=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && { kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; }; rm -rf "$work"' EXIT
start() {  # start EMULATOR_ARGS...: sets pid and base
  "$emulator_exe" --port 0 "$@" >"$work/out" 2>"$work/err" &
  pid=$!
  for _ in $(seq 100); do grep -q '^listening on ' "$work/out" && break; sleep 0.05; done
  base=$(sed -n 's/^listening on //p' "$work/out")
  [ -n "$base" ] || { echo "emulator did not start" >&2; cat "$work/err" >&2; exit 1; }
}
stop() { kill "$pid"; wait "$pid" 2>/dev/null || true; pid=; }
ids=9007199254740993,9007199254740995,77
start
BINGADS_DEVELOPER_TOKEN=d BINGADS_ACCESS_TOKEN=a BINGADS_CUSTOMER_ID=1000001 \
  BINGADS_ACCOUNT_ID=2000002 "$cli" --protocol soap --endpoint "$base" --record "$work/rec" \
  get --ids "$ids" >"$work/recorded"
stop
start --replay "$work/rec"
"$client" "$base/Api/Advertiser/CampaignManagement/v13/CampaignManagementService.svc" get "$ids" \
  >"$work/got"
cat >"$work/want" <<'WANT'
get slot 0: id=9007199254740993 amount=25.5 type=DailyBudgetStandard count=2 name=Everyday search
get slot 1: id=9007199254740995 amount=500 type=DailyBudgetAccelerated count=1 name=Accelerated holiday push
get slot 2: nil
get error index=2 code=4916 errorcode=CampaignServiceBudgetIdInvalid
get tracking=yes
WANT
diff -u "$work/want" "$work/got"
# Other ids were never recorded: the replaying emulator says so instead of inventing an answer.
if "$client" "$base/Api/Advertiser/CampaignManagement/v13/CampaignManagementService.svc" get 1,2 \
    >"$work/other" 2>&1; then
  echo "an unrecorded request was answered" >&2; exit 1
fi
grep -q 'no recorded soap GetBudgetsByIds asks ids 1,2' "$work/other" ||
  { echo "the refusal does not name what was asked:" >&2; cat "$work/other" >&2; exit 1; }
echo "official-WSDL client: a recording made by our CLI, replayed by the emulator, answered it"
