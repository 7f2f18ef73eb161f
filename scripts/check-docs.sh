#!/usr/bin/env bash
# Fails when a declaration in the public headers (include/bingads/, and cmake/version.h.in, which
# CMake turns into bingads/version.h) has no documentation comment.
# Doxygen does the parsing; its undocumented-member warnings are the findings.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
cd "$root"
doxygen - >/dev/null 2>"$out/warnings" <<CONFIG
PROJECT_NAME = bingads-budgets
INPUT = include/bingads cmake/version.h.in
FILE_PATTERNS = *.h
EXTENSION_MAPPING = in=C++
OUTPUT_DIRECTORY = $out
GENERATE_HTML = NO
GENERATE_LATEX = NO
GENERATE_XML = YES
XML_OUTPUT = xml
EXTRACT_ALL = NO
EXTRACT_PRIVATE = NO
WARN_IF_UNDOCUMENTED = YES
WARN_IF_DOC_ERROR = YES
WARN_NO_PARAMDOC = NO
DISTRIBUTE_GROUP_DOC = YES
QUIET = YES
MACRO_EXPANSION = YES
EXPAND_ONLY_PREDEF = YES
PREDEFINED = BINGADS_EXPORT=
CONFIG
findings=$(grep -v '^$' "$out/warnings" | sed "s|^$root/||" | sort -u || true)
if [ -n "$findings" ]; then
  echo "check-docs: undocumented or badly documented public declarations:" >&2
  echo "$findings" >&2
  exit 1
fi
echo "check-docs: every public declaration is documented"
