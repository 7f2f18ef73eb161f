#!/usr/bin/env bash
# Builds the Debian packages: a Release build with the shared library, installed under /usr, then
# `cpack -G DEB`. The three .deb files land in BUILD_DIR (default build-pkg/).
#   scripts/package.sh [BUILD_DIR]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build-pkg}
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DBUILD_SHARED_LIBS=ON \
  -DBINGADS_BUILD_TESTS=OFF -DCMAKE_INSTALL_PREFIX=/usr -DCMAKE_SKIP_INSTALL_ALL_DEPENDENCY=ON \
  >/dev/null
cmake --build "$build" -j"$(nproc)" --target bingads_budgets bingads_budgets_shared \
  bingads_parity bingads_parity_shared \
  bingads-budgets bingads-emulator bingads_man_pages bingads_debian_changelog
rm -f "$build"/*.deb
(cd "$build" && cpack -G DEB >/dev/null)
ls "$build"/*.deb
