#!/usr/bin/env bash
# Fails when hand-written C++ (not generated/) differs from .clang-format's style.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v clang-format >/dev/null || { echo "check-format: clang-format not found (scripts/install-deps.sh installs it)" >&2; exit 1; }
mapfile -t files < <(find include src tools tests examples bench -name '*.cpp' -o -name '*.h' 2>/dev/null | sort)
clang-format --dry-run --Werror "${files[@]}"
echo "check-format: ${#files[@]} files formatted"
