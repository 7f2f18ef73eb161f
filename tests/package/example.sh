# Sourced by the package tests:
#   check_example PROGRAM BASE_URL [LIBRARY_DIR]
# runs examples/get_budgets (built as PROGRAM, finding the shared library in LIBRARY_DIR if
# given) against the emulator at BASE_URL, and fails unless it printed what the emulator's demo
# account holds: the seeded budget 9007199254740993 (above 2^53), an empty slot for id 123 with
# its partial error, and a TrackingId.
check_example() {
  local program=$1 base=$2 libdir=${3:-} got
  got=$(LD_LIBRARY_PATH=$libdir BINGADS_ENDPOINT=$base BINGADS_DEVELOPER_TOKEN=d \
    BINGADS_ACCESS_TOKEN=t BINGADS_CUSTOMER_ID=1 BINGADS_ACCOUNT_ID=2000002 "$program")
  grep -qx '0: Everyday search 25.5' <<<"$got" && grep -qx '1: (none)' <<<"$got" &&
    grep -qx 'item 1: 4916 CampaignServiceBudgetIdInvalid' <<<"$got" &&
    grep -q '^TrackingId ' <<<"$got" ||
    { echo "unexpected output from $program:" >&2; echo "$got" >&2; return 1; }
}

#   check_parity_example PROGRAM BASE_URL [LIBRARY_DIR]
# runs examples/compare_protocols the same way: both protocols agree on the demo account.
check_parity_example() {
  local program=$1 base=$2 libdir=${3:-} got
  got=$(LD_LIBRARY_PATH=$libdir BINGADS_ENDPOINT=$base BINGADS_DEVELOPER_TOKEN=d \
    BINGADS_ACCESS_TOKEN=t BINGADS_CUSTOMER_ID=1 BINGADS_ACCOUNT_ID=2000002 "$program")
  [ "$got" = parity ] || { echo "unexpected output from $program:" >&2; echo "$got" >&2; return 1; }
}
