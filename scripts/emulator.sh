# Sourced by scripts and tests that need a running emulator:
#   start_emulator WORK_DIR BINARY [OPTIONS...]
# starts BINARY --port 0 [OPTIONS...] on a free loopback port, its output in WORK_DIR, and waits
# (at most 10 s) until it listens. Sets `emulator` (its pid, for the caller's trap to kill) and
# `base` (its URL). Fails, showing the emulator's errors, when it exits or never listens.
start_emulator() {
  local work=$1 binary=$2
  shift 2
  "$binary" --port 0 "$@" >"$work/emulator.out" 2>"$work/emulator.err" &
  emulator=$!
  for _ in $(seq 200); do
    grep -q '^listening on ' "$work/emulator.out" && break
    kill -0 "$emulator" 2>/dev/null || break
    sleep 0.05
  done
  base=$(sed -n 's/^listening on //p' "$work/emulator.out")
  if [ -z "$base" ]; then
    echo "the emulator ($binary) did not start:" >&2
    cat "$work/emulator.err" >&2
    return 1
  fi
}
