#!/usr/bin/env bash
# The Debian packages end to end, never installed into the machine: builds them
# (scripts/package.sh), has lintian check them, unpacks all three with dpkg -x into a temporary
# root, checks the shared library's exported symbols, builds examples/ against the unpacked -dev
# package (shared and static through find_package, shared through pkg-config), runs each build
# against the unpacked emulator, and renders both unpacked man pages.
#   debian.sh SOURCE_DIR [BUILD_DIR]     (BUILD_DIR: where to build the packages; default: temporary)
set -euo pipefail
src=$(cd "$1" && pwd)
work=$(mktemp -d)
emulator=
trap '[ -z "$emulator" ] || kill "$emulator" 2>/dev/null; rm -rf "$work"' EXIT
source "$src/scripts/emulator.sh"
source "$src/tests/package/example.sh"
build=${2:-$work/build}
fail() { echo "debian.sh: $*" >&2; exit 1; }

"$src/scripts/package.sh" "$build" >"$work/package.log" 2>&1 || { cat "$work/package.log" >&2; fail "packaging failed"; }
debs=("$build"/*.deb)
names=$(for d in "${debs[@]}"; do dpkg-deb -f "$d" Package; done | sort | tr '\n' ' ')
[ "$names" = "bingads-budgets-tools libbingads-budgets-dev libbingads-budgets0 " ] || fail "packages: $names"

# lintian: no error (warnings are reported, not fatal).
if command -v lintian >/dev/null; then
  lintian --allow-root "${debs[@]}" >"$work/lintian" 2>&1 || true
  cat "$work/lintian"
  ! grep -q '^E:' "$work/lintian" || fail "lintian reports errors"
else
  fail "lintian is missing (scripts/install-deps.sh)"
fi

# Each package's runtime dependencies name Debian's packages.
deps=$(dpkg-deb -f "$build"/libbingads-budgets0_*.deb Depends)
for p in libcurl4 libgsoap-2.8 libpugixml1v5 libstdc++6; do
  [[ $deps == *"$p"* ]] || fail "libbingads-budgets0 does not depend on $p: $deps"
done
[[ $(dpkg-deb -f "$build"/libbingads-budgets-dev_*.deb Depends) == *"libbingads-budgets0 (= "* ]] ||
  fail "the -dev package does not depend on the library of its version"

root=$work/root
for d in "${debs[@]}"; do dpkg -x "$d" "$root"; done
lib=$(ls "$root"/usr/lib/*/libbingads-budgets.so.0)
[ "$(objdump -p "$lib" | awk '/SONAME/{print $2}')" = libbingads-budgets.so.0 ] || fail "SONAME"

# Exported: bingads:: (with its type information and virtual tables), and the callbacks gSOAP's
# runtime needs, exactly those the version script lists; nothing of gSOAP's own, RapidJSON's,
# pugixml's or the standard library's.
objdump -T "$lib" | awk '$0 !~ /\*UND\*/ && NF >= 6 {print $NF}' | c++filt | sort -u >"$work/exported"
grep -vE '^(bingads::|typeinfo for bingads::|typeinfo name for bingads::|vtable for bingads::)' \
  "$work/exported" >"$work/others" || true
sed -n 's/^ *"\{0,1\}\(soap_[a-z_]*\(([a-z]*\*)\)\{0,1\}\)"\{0,1\};$/\1/p; s/^ *\(namespaces\);$/\1/p' \
  "$src/cmake/bingads-budgets.map" | sort -u >"$work/allowed"
if ! diff "$work/allowed" "$work/others" >"$work/symbols.diff"; then
  cat "$work/symbols.diff" >&2
  fail "symbols exported beyond bingads:: and the listed gSOAP callbacks"
fi
grep -q '^bingads::BudgetClient::GetBudgetsByIds' "$work/exported" || fail "the API is not exported"
grep -qE 'rapidjson|pugi::|^std::' "$work/exported" && fail "internal symbols exported"

# The parity library: its own SONAME, and bingads:: alone exported (the core's helpers it holds
# stay hidden).
plib=$(ls "$root"/usr/lib/*/libbingads-parity.so.0)
[ "$(objdump -p "$plib" | awk '/SONAME/{print $2}')" = libbingads-parity.so.0 ] || fail "parity SONAME"
objdump -T "$plib" | awk '$0 !~ /\*UND\*/ && NF >= 6 {print $NF}' | c++filt | sort -u >"$work/parity-exported"
grep -vE '^(bingads::|typeinfo for bingads::|typeinfo name for bingads::|vtable for bingads::)' \
  "$work/parity-exported" && fail "the parity library exports more than bingads::"
grep -q '^bingads::CompareGetBudgetsByIds' "$work/parity-exported" || fail "the parity API is not exported"
grep -q 'bingads::internal::' "$work/parity-exported" && fail "the parity library exports internals"

# examples/ against the unpacked -dev package.
prefix=$root/usr
libdir=$(dirname "$lib")
for kind in shared static; do
  cmake -S "$src/examples" -B "$work/example-$kind" -DCMAKE_PREFIX_PATH="$prefix" \
    -DBINGADS_EXAMPLE_STATIC=$([ $kind = static ] && echo ON || echo OFF) >/dev/null
  cmake --build "$work/example-$kind" >/dev/null
done
export PKG_CONFIG_PATH=$libdir/pkgconfig
# shellcheck disable=SC2046
c++ -o "$work/example-pc" "$src/examples/get_budgets.cpp" $(pkg-config --cflags --libs bingads_budgets)
ldd "$work/example-shared/get_budgets" | grep -q "libbingads-budgets.so.0 => $libdir/" ||
  LD_LIBRARY_PATH=$libdir ldd "$work/example-shared/get_budgets" | grep -q "libbingads-budgets.so.0 => $libdir/" ||
  fail "the shared example does not load the unpacked library"
! ldd "$work/example-static/get_budgets" | grep -q libbingads-budgets || fail "the static example loads the shared library"

start_emulator "$work" "$prefix/bin/bingads-emulator" || fail "the unpacked emulator did not start"
for program in "$work/example-shared/get_budgets" "$work/example-static/get_budgets" "$work/example-pc"; do
  check_example "$program" "$base" "$libdir" || fail "the example failed: $program"
done
for program in "$work/example-shared/compare_protocols" "$work/example-static/compare_protocols"; do
  check_parity_example "$program" "$base" "$libdir" || fail "the parity example failed: $program"
done

# The unpacked man pages render, and the unpacked CLI's every option is in its page.
"$src/tests/package/man_options.sh" "$prefix/bin" "$prefix/share/man/man1/bingads-budgets.1.gz" \
  "$prefix/share/man/man1/bingads-emulator.1.gz"
for command in bingads-budgets bingads-emulator; do
  [ -f "$prefix/share/bash-completion/completions/$command" ] || fail "no bash completion for $command"
done
echo "debian.sh: three packages, lintian without errors, the API alone exported, examples built shared and static and run"
