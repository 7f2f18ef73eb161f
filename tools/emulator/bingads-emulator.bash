# bash completion for bingads-emulator: its options, files for --state and directories for
# --replay.
_bingads_emulator() {
  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
  case $prev in
    --state)
      mapfile -t COMPREPLY < <(compgen -f -- "$cur")
      compopt -o filenames 2>/dev/null || true
      return ;;
    --replay)
      mapfile -t COMPREPLY < <(compgen -d -- "$cur")
      compopt -o filenames 2>/dev/null || true
      return ;;
    --port | --host | --disapproved-terms | --token-ttl | --refresh-token | --throttle-every | \
      --fail-every | --retry-after | --delay-ms | --max-connections | --idle-timeout | \
      --request-timeout | --max-request-mb | --fault | --fault-seed | --report-pending-ms | \
      --rate-limit | --max-in-flight)
      return ;;  # a value of the user's
  esac
  mapfile -t COMPREPLY < <(compgen -W "--port --host --state --disapproved-terms --token-ttl
    --refresh-token --fault --fault-seed --throttle-every --fail-every --retry-after --delay-ms
    --soap-faults-http-200
    --replay --empty-accounts --report-pending-ms --rate-limit --max-in-flight --max-connections
    --idle-timeout
    --request-timeout --max-request-mb
    --version --help" -- "$cur")
}
complete -F _bingads_emulator bingads-emulator
