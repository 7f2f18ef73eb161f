#!/usr/bin/env bash
# Every option that `--help` shows -- bingads-budgets's, each of its commands' (COMMAND --help),
# and bingads-emulator's -- appears in the man page of its program, rendered by man.
#   man_options.sh BIN_DIR BUDGETS_MAN_PAGE EMULATOR_MAN_PAGE     (roff, gzipped or not)
set -euo pipefail
bin=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
render() {  # render PAGE OUT: the page as text, with a NAME section
  MANWIDTH=100 man -l "$1" >"$2" 2>"$work/err" || { cat "$work/err" >&2; exit 1; }
  grep -q '^NAME' "$2" || { echo "man_options: $1 has no NAME section" >&2; exit 1; }
}
budgets_page=$work/bingads-budgets.txt emulator_page=$work/bingads-emulator.txt
render "$2" "$budgets_page"
render "$3" "$emulator_page"
missing=0
check() {  # check PAGE HELP_TEXT...
  local page=$1 option
  shift
  for option in $(printf '%s\n' "$@" | grep -oE '(^|[^[:alnum:]-])--?[a-z][a-z0-9-]*' | grep -oE -- '--?[a-z][a-z0-9-]*' | sort -u); do
    # As a word of its own: --shadow must not pass for --shadow-strict.
    if ! grep -qE -- "(^|[^[:alnum:]-])$option([^[:alnum:]-]|$)" "$page"; then
      echo "man_options: $option is in --help but not in $(basename "$page")" >&2
      missing=1
    fi
  done
}
help=$("$bin/bingads-budgets" --help)
commands=$(printf '%s\n' "$help" | sed -n 's/^  \([a-z-]*\) .*/\1/p' | grep -vE '^-' | sort -u)
[ -n "$commands" ] || { echo "man_options: no commands found in --help" >&2; exit 1; }
check "$budgets_page" "$help"
for command in $commands; do
  text=$("$bin/bingads-budgets" "$command" --help)
  [[ $text == usage:\ bingads-budgets*"$command"* ]] ||
    { echo "man_options: '$command --help' printed: $text" >&2; exit 1; }
  check "$budgets_page" "$text"
done
check "$emulator_page" "$("$bin/bingads-emulator" --help 2>&1)"
[ $missing = 0 ] || exit 1
echo "man_options: every --help option is in the man pages (commands: $(echo $commands))"
