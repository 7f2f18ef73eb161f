#!/usr/bin/env bash
# A consumer that includes the project with add_subdirectory: it configures without the tests,
# the bench, the examples and cpp-httplib, no target of the project compiles with -Werror, and
# the example compiles against bingads::budgets.
#   subproject.sh SOURCE_DIR
set -euo pipefail
src=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cmake -S "$src/tests/package/subproject" -B "$work" -DBINGADS_SOURCE_DIR="$src" \
  -DCMAKE_EXPORT_COMPILE_COMMANDS=ON >"$work/configure.log" ||
  { cat "$work/configure.log" >&2; exit 1; }
targets=$(cmake --build "$work" --target help)
for absent in bingads_tests bingads-bench example_get_budgets replay_soap_response; do
  if grep -qw "$absent" <<<"$targets"; then
    echo "subproject: the consumer's build has the target $absent" >&2
    exit 1
  fi
done
grep -q "HTTPLIB" "$work/CMakeCache.txt" &&
  { echo "subproject: cpp-httplib was looked for" >&2; exit 1; }
grep -q -- "-Werror" "$work/compile_commands.json" &&
  { echo "subproject: a target compiles with -Werror" >&2; exit 1; }
grep -q "bingads_budgets_objects" <<<"$targets" ||
  { echo "subproject: the library is missing" >&2; exit 1; }
cmake --build "$work" --target consumer >/dev/null
echo "subproject: library and tools without tests, bench or -Werror; the example compiles"
