#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz/) with clang, AddressSanitizer and UndefinedBehaviorSanitizer,
# and runs each for SECONDS (default 60), seeded from the test fixtures and fuzz/seeds/. The corpus
# grows in build-fuzz/corpus/ between runs; a crashing input is saved as build-fuzz/crashes/TARGET-*
# and the script fails. Copy such an input to fuzz/regressions/TARGET/ and fix the cause: CTest
# replays that folder on every run.
#   scripts/fuzz.sh [SECONDS] [TARGET...]     targets: soap_response rest_response soap_fault
#                                              rest_fault rest_fast_path budget_file emulator_soap
#                                              emulator_rest emulator_http soap_fast_path
#                                              recording emulator_state report_file
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
seconds=${1:-60}
[ $# -gt 0 ] && shift
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(soap_response rest_response soap_fault rest_fault rest_fast_path
  budget_file emulator_soap emulator_rest emulator_http soap_fast_path recording emulator_state
  report_file)

scripts/install-deps.sh
cmake -S . -B build-fuzz -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DBINGADS_FUZZ=ON -DBINGADS_BUILD_TESTS=OFF >/dev/null
cmake --build build-fuzz -j"$(nproc)" --target "${targets[@]/#/fuzz_}"

# Seeds: documents with the selector byte in front that picks the operation (0-4; 5 and 6 are the
# emulator's Reporting operations) and, for the response targets, status 200 (selectors 0-4) or a
# fault status (the FUZZ_FAULTS table's first).
seed() {  # seed TARGET FILE...
  local dir=build-fuzz/corpus/$1 file op
  shift
  mkdir -p "$dir"
  for file in "$@"; do
    for op in 0 1 2 3 4 5 6; do
      { printf "\\x0$op"; cat "$file"; } >"$dir/seed-$op-$(basename "$file")"
    done
  done
}
mkdir -p build-fuzz/crashes
status=0
for target in "${targets[@]}"; do
  case $target in
    soap_response | soap_fault) seed "$target" tests/fixtures/soap/* ;;
    rest_response | rest_fault) seed "$target" tests/fixtures/rest/* ;;
    budget_file) mkdir -p build-fuzz/corpus/budget_file && cp tests/fixtures/cli/* build-fuzz/corpus/budget_file/ ;;
    rest_fast_path) mkdir -p build-fuzz/corpus/rest_fast_path &&
      cp tests/fixtures/rest/* fuzz/seeds/budgets/* build-fuzz/corpus/rest_fast_path/ ;;
    emulator_soap) seed "$target" fuzz/seeds/requests/*.xml ;;
    emulator_rest) seed "$target" fuzz/seeds/requests/*.json ;;
    soap_fast_path) mkdir -p build-fuzz/corpus/soap_fast_path &&
      cp tests/fixtures/soap/* fuzz/seeds/soap/* build-fuzz/corpus/soap_fast_path/ ;;
    emulator_http) mkdir -p build-fuzz/corpus/emulator_http &&
      cp fuzz/seeds/http/* build-fuzz/corpus/emulator_http/ ;;
    recording | emulator_state) mkdir -p build-fuzz/corpus/"$target" &&
      cp fuzz/seeds/"${target#emulator_}"/* build-fuzz/corpus/"$target"/ ;;
    report_file) mkdir -p build-fuzz/corpus/report_file &&
      cp fuzz/seeds/report/* build-fuzz/corpus/report_file/ ;;
    *) echo "fuzz: unknown target $target" >&2; exit 2 ;;
  esac
  echo "fuzz: $target for ${seconds}s"
  if ! build-fuzz/fuzz/fuzz_"$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
      -print_final_stats=1 -artifact_prefix=build-fuzz/crashes/"$target"- \
      build-fuzz/corpus/"$target" 2>build-fuzz/"$target".log; then
    echo "fuzz: $target FAILED; see build-fuzz/$target.log and build-fuzz/crashes/" >&2
    tail -40 build-fuzz/"$target".log >&2
    status=1
  else
    grep -E '^stat::number_of_executed_units|^stat::new_units_added' build-fuzz/"$target".log |
      tr '\n' ' '
    echo
  fi
done
exit $status
