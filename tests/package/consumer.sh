#!/usr/bin/env bash
# Installs the built project into a temporary prefix, builds examples/ against the installed
# package twice (CMake's find_package and pkg-config), and runs the program against the installed
# emulator on a free loopback port.
#   consumer.sh SOURCE_DIR BUILD_DIR [CXXFLAGS]   (the flags of a sanitizer build, if any)
set -euo pipefail
src=$1 build=$2 flags=${3:-}
work=$(mktemp -d)
emulator=
trap '[ -z "$emulator" ] || kill "$emulator" 2>/dev/null; rm -rf "$work"' EXIT
source "$src/scripts/emulator.sh"
source "$src/tests/package/example.sh"
prefix=$work/prefix

cmake --install "$build" --prefix "$prefix" >/dev/null
for f in include/bingads/client.h include/bingads/parity.h include/bingads/version.h \
  lib/libbingads-budgets.a lib/libbingads-parity.a bin/bingads-budgets bin/bingads-emulator \
  lib/cmake/bingads_budgets/bingads_budgetsConfig.cmake lib/pkgconfig/bingads_budgets.pc \
  lib/pkgconfig/bingads_parity.pc; do
  [ -e "$prefix/$f" ] || { echo "not installed: $f" >&2; exit 1; }
done

# 1. find_package(bingads_budgets COMPONENTS parity): bingads::budgets and bingads::parity.
cmake -S "$src/examples" -B "$work/cmake-build" -DCMAKE_PREFIX_PATH="$prefix" \
  -DCMAKE_CXX_FLAGS="$flags" >/dev/null
cmake --build "$work/cmake-build" >/dev/null

# 2. pkg-config.
PKG_CONFIG_PATH=$prefix/lib/pkgconfig
export PKG_CONFIG_PATH
[ "$(pkg-config --modversion bingads_budgets)" = "$("$prefix/bin/bingads-budgets" --version | cut -d' ' -f2)" ] ||
  { echo "pkg-config version differs from the executable's" >&2; exit 1; }
# shellcheck disable=SC2046
c++ $flags -o "$work/get_budgets_pc" "$src/examples/get_budgets.cpp" \
  $(pkg-config --cflags --libs bingads_budgets)
# shellcheck disable=SC2046
c++ $flags -o "$work/compare_protocols_pc" "$src/examples/compare_protocols.cpp" \
  $(pkg-config --cflags --libs bingads_parity)

# Both programs against the installed emulator.
start_emulator "$work" "$prefix/bin/bingads-emulator"
for program in "$work/cmake-build/get_budgets" "$work/get_budgets_pc"; do
  check_example "$program" "$base"
done
for program in "$work/cmake-build/compare_protocols" "$work/compare_protocols_pc"; do
  check_parity_example "$program" "$base"
done
echo "installed package: headers, both libraries, executables, CMake config and pkg-config all usable"
