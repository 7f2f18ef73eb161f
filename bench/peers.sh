#!/usr/bin/env bash
# Peers end to end: an emulator holding 11,000 budgets on a free loopback port, then every budget
# read by our CLI over SOAP and over REST and, process for process in the same run, by zeep and
# suds driven by Microsoft's official WSDL (SOAP) and by Python's urllib + json (REST).
# One JSON line per peer, like bingads-bench: value is our median wall time in seconds, floor the
# peer's, ratio ours over theirs (below 1: we are faster; 1/ratio is how many times); cpu_s and
# floor_cpu_s the processes' own CPU time (user + system, mean), cpu_times_faster their ratio.
#   bench/peers.sh [BUILD_DIR]         (default build/; --quick as first argument: 1,000 budgets, 3 runs)
# Needs hyperfine, python3-zeep and python3-suds (scripts/install-deps.sh) and the official WSDL in
# ../shared/reference/wsdl/; without the WSDL the SOAP peers are skipped with a message.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
count=11000 runs=15
if [ "${1:-}" = --quick ]; then
  count=1000 runs=3
  shift
fi
build=$(cd "${1:-$root/build}" && pwd)
for tool in hyperfine /usr/bin/python3; do
  command -v "$tool" >/dev/null || { echo "peers: $tool is missing (scripts/install-deps.sh)" >&2; exit 1; }
done
wsdl=$root/../shared/reference/wsdl/campaignmanagement_service.production.wsdl

work=$(mktemp -d)
emulator=
trap '[ -z "$emulator" ] || { kill "$emulator" 2>/dev/null; wait "$emulator" 2>/dev/null; }; rm -rf "$work"' EXIT
source "$root/scripts/emulator.sh"
start_emulator "$work" "$build/bingads-emulator" --empty-accounts

# Emulator credentials only; an account of its own that starts empty.
export BINGADS_DEVELOPER_TOKEN=peers-developer-token BINGADS_ACCESS_TOKEN=peers-access-token
export BINGADS_CUSTOMER_ID=1000001 BINGADS_ACCOUNT_ID=3000003
/usr/bin/python3 - "$count" >"$work/budgets.json" <<'PY'
import json, sys
n = int(sys.argv[1])
names = ["Everyday search budget number {}", "Caf\u00e9 & <Bistro> \"Nord\" {}", "\u6771\u4eac campaign budget {}"]
budgets = ('{{"Amount":{}.{},"BudgetType":"DailyBudgetStandard","Name":{}}}'.format(
    i + 1, i % 100, json.dumps(names[i % 3].format(i))) for i in range(n))
print('{"Budgets":[' + ",".join(budgets) + "]}")
PY
cli=("$build/bingads-budgets" --endpoint "$base")
"${cli[@]}" add --file "$work/budgets.json" >"$work/added.json"
grep -q "\"PartialErrors\":\[\]" "$work/added.json" || { echo "peers: adding the budgets failed:" >&2; head -c 600 "$work/added.json" >&2; exit 1; }
# Every command must read every budget before it is timed.
check() {  # check NAME COMMAND...
  local got
  got=$("${@:2}")
  [ "$got" = "$count" ] || { echo "peers: $1 read '$got' budgets, expected $count" >&2; exit 1; }
}
count_json='import json,sys; print(len(json.load(sys.stdin)["Budgets"]))'
ours_soap="${cli[*]} --protocol soap get"
ours_rest="${cli[*]} --protocol rest get"
check "our SOAP CLI" bash -c "$ours_soap | /usr/bin/python3 -c '$count_json'"
check "our REST CLI" bash -c "$ours_rest | /usr/bin/python3 -c '$count_json'"

# Each pair gets the same response bytes: urllib (and suds, which uses it) does not ask for gzip,
# so neither does our CLI against them; zeep (through requests) does, as our CLI does by default.
peers=()  # name, our command, their command
rest_peer="/usr/bin/python3 $root/bench/peer_rest.py $base"
check urllib $rest_peer
peers+=(rest_urllib "${ours_rest/ get/ --no-gzip get}" "$rest_peer")
if [ -f "$wsdl" ]; then
  for stack in zeep suds; do
    if /usr/bin/python3 -c "import $stack" 2>/dev/null; then
      peer="/usr/bin/python3 $root/bench/peer_soap.py $stack $wsdl $base"
      check "$stack" $peer
      ours=$ours_soap
      [ "$stack" = suds ] && ours=${ours_soap/ get/ --no-gzip get}
      peers+=("soap_$stack" "$ours" "$peer")
    else
      echo "peers: python3-$stack is missing (scripts/install-deps.sh); soap_$stack skipped" >&2
    fi
  done
else
  echo "peers: no official WSDL at $wsdl; the SOAP peers are skipped" >&2
fi

for ((i = 0; i < ${#peers[@]}; i += 3)); do
  name=${peers[i]}
  hyperfine --style none --warmup 1 --runs "$runs" --export-json "$work/$name.json" \
    --command-name ours "${peers[i + 1]} >/dev/null" \
    --command-name theirs "${peers[i + 2]} >/dev/null" >/dev/null
  /usr/bin/python3 - "$work/$name.json" "peers_${name}_${count}" <<'PY'
import json, sys
runs = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
ours, theirs = runs["ours"]["median"], runs["theirs"]["median"]
# CPU time of the process itself (user + system, mean): what the emulator spends answering,
# which both wait for, is in the wall time only.
cpu = {k: r["user"] + r["system"] for k, r in runs.items()}
print(json.dumps({"name": sys.argv[2], "value": round(ours, 4), "unit": "s",
                  "floor": round(theirs, 4), "ratio": round(ours / theirs, 4),
                  "times_faster": round(theirs / ours, 1),
                  "cpu_s": round(cpu["ours"], 4), "floor_cpu_s": round(cpu["theirs"], 4),
                  "cpu_times_faster": round(cpu["theirs"] / cpu["ours"], 1)},
                 separators=(",", ":")))
PY
done
