#!/usr/bin/env bash
# The whole test suite: installs what is missing, builds, runs every test under CTest; then the
# same suite under AddressSanitizer + UndefinedBehaviorSanitizer, the concurrency tests under
# ThreadSanitizer, and a short run of every libFuzzer target.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
jobs=$(nproc)
scripts/install-deps.sh

echo "== test suite"
cmake -S . -B build-test -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBINGADS_BUILD_TESTS=ON >/dev/null
cmake --build build-test -j"$jobs"
ctest --test-dir build-test --output-on-failure -j"$jobs"

echo "== test suite under AddressSanitizer and UndefinedBehaviorSanitizer"
# The official WSDLs' clients are programs of their own: the plain suite's are reused.
official=$root/build-test/tests/official-wsdl-client/official_client
reporting=$root/build-test/tests/official-reporting-wsdl-client/official_reporting_client
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DBINGADS_SANITIZE=address,undefined \
  -DBINGADS_OFFICIAL_CLIENT="$([ -x "$official" ] && echo "$official")" \
  -DBINGADS_OFFICIAL_REPORTING_CLIENT="$([ -x "$reporting" ] && echo "$reporting")" >/dev/null
cmake --build build-asan -j"$jobs"
UBSAN_OPTIONS=print_stacktrace=1 ctest --test-dir build-asan --output-on-failure -j"$jobs"

echo "== concurrency tests under ThreadSanitizer"
cmake -S . -B build-tsan -DCMAKE_BUILD_TYPE=Debug -DBINGADS_SANITIZE=thread >/dev/null
cmake --build build-tsan -j"$jobs" --target bingads_tests bingads-emulator bingads-budgets
TSAN_OPTIONS="halt_on_error=1 suppressions=$root/tests/tsan.supp" ctest --test-dir build-tsan \
  --output-on-failure -R 'concurrent|share one refresh|keep-alive|SIGKILL|expire|parallel|emulator front|hostile|shadow|recording:|chaos|transport context|throttle'

echo "== fuzz smoke"
scripts/fuzz.sh 5
