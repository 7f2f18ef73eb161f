#!/usr/bin/env bash
# The bash completion of bingads-budgets, called as bash calls it: commands, options, the values
# of --protocol and --environment, a command's own options, files for --file and @FILE.
#   completion.sh SOURCE_DIR
set -euo pipefail
src=$(cd "$1" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# shellcheck source=/dev/null
source "$src/tools/cli/bingads-budgets.bash"
complete -p bingads-budgets | grep -q _bingads_budgets || { echo "completion not registered" >&2; exit 1; }

complete_words() {  # complete_words WORD... (the last is the one being completed)
  COMP_WORDS=(bingads-budgets "$@")
  COMP_CWORD=$#
  COMP_LINE="${COMP_WORDS[*]}"
  COMP_POINT=${#COMP_LINE}
  COMPREPLY=()
  _bingads_budgets bingads-budgets "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
  [ ${#COMPREPLY[@]} = 0 ] || printf '%s\n' "${COMPREPLY[@]}" | sort | tr '\n' ' '
}
failures=0
expect() {  # expect "WORDS" "EXPECTED"
  local got
  read -ra words <<<"$1"
  if [ -z "$1" ] || [[ $1 == *" " ]]; then words+=(""); fi
  got=$(complete_words "${words[@]}")
  if [ "$got" != "$2" ]; then
    echo "completion: '$1' gave '$got', expected '$2'" >&2
    failures=$((failures + 1))
  fi
}
expect "" "add campaigns compare delete get migrate-check update usage "
expect "de" "delete "
expect "--proto" "--protocol "
expect "--protocol " "rest soap "
expect "--protocol s" "soap "
expect "--environment " "production sandbox "
expect "--shad" "--shadow --shadow-strict "
expect "get --" "--help --ids "
expect "add --" "--file --help "
expect "compare " "add campaigns delete get update usage "
expect "compare --r" "--repeat "
expect "migrate-check --" "--help --html --json --keep "
mkdir -p "$work/dir"
touch "$work/dir/budgets.json" "$work/dir/ids.txt"
cd "$work/dir"
expect "add --file bud" "budgets.json "
expect "get --ids @i" "@ids.txt "
expect "--record d" ""

# bingads-emulator's options and its --state file.
# shellcheck source=/dev/null
source "$src/tools/emulator/bingads-emulator.bash"
emulator() {  # emulator "WORDS" "EXPECTED"
  local got
  read -ra COMP_WORDS <<<"bingads-emulator $1"
  [[ $1 == *" " ]] && COMP_WORDS+=("")
  COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
  COMPREPLY=()
  _bingads_emulator
  got=$([ ${#COMPREPLY[@]} = 0 ] || printf '%s\n' "${COMPREPLY[@]}" | sort | tr '\n' ' ')
  [ "$got" = "$2" ] || { echo "completion: emulator '$1' gave '$got', expected '$2'" >&2; failures=$((failures + 1)); }
}
emulator "--max-c" "--max-connections "
emulator "--state bud" "budgets.json "
emulator "--port " ""
[ $failures = 0 ] || exit 1
echo "completion: commands, options, values and files complete, for both programs"
