#!/usr/bin/env bash
# The main job: installs what is missing, builds, starts the emulator on a free loopback port,
# runs GetBudgetsByIds over SOAP and over REST, and shows the two results side by side; then
# compares budget usage (the Reporting service) over both.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$(nproc)" --target bingads-budgets bingads-emulator >/dev/null
echo "demo: built build/bingads-budgets and build/bingads-emulator"

work=$(mktemp -d)
emulator=
trap '[ -z "$emulator" ] || { kill "$emulator" 2>/dev/null; wait "$emulator" 2>/dev/null; }; rm -rf "$work"' EXIT
source scripts/emulator.sh
start_emulator "$work" build/bingads-emulator
echo "demo: emulator at $base"

# Demo credentials for the emulator only; real ones come from the environment (see README).
export BINGADS_DEVELOPER_TOKEN=demo-developer-token BINGADS_ACCESS_TOKEN=demo-access-token
export BINGADS_CUSTOMER_ID=1000001 BINGADS_ACCOUNT_ID=2000002
ids=9007199254740993,9007199254740994,123,9007199254740996
for protocol in soap rest; do
  build/bingads-budgets --protocol "$protocol" --endpoint "$base" --pretty get --ids "$ids" >"$work/$protocol.json"
done
echo "demo: GetBudgetsByIds --ids $ids"
printf '%-78s %s\n' "SOAP" "REST"
diff --side-by-side --expand-tabs --width=160 "$work/soap.json" "$work/rest.json" || true
if diff <(grep -v '"TrackingId"' "$work/soap.json") <(grep -v '"TrackingId"' "$work/rest.json") >/dev/null; then
  echo "demo: SOAP and REST results are identical apart from the TrackingId"
else
  echo "demo: SOAP and REST results DIFFER" >&2
  exit 1
fi
echo "demo: the same call 50 times per protocol, compared and measured:"
build/bingads-budgets --endpoint "$base" compare --repeat 50 get --ids "$ids"
echo "demo: budget usage this month from the Reporting service, over SOAP and REST, compared:"
build/bingads-budgets --endpoint "$base" compare usage --ids "$ids"
