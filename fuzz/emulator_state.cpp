// The emulator's state loader. A state file is input from outside: any bytes end in the store or
// in std::runtime_error naming the problem. A store it accepts keeps the store's rules (NextId
// above every id), and writing it out and reading it back gives the same file.
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>

#include "state.h"

namespace {

[[noreturn]] void Fail(const char* what) {
  std::fprintf(stderr, "emulator_state: %s\n", what);
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace bingads::emulator;
  Store store;
  try {
    store = ParseState(std::string(reinterpret_cast<const char*>(data), size), "2000002");
  } catch (const std::runtime_error&) {
    return 0;  // the documented refusal
  }
  for (const auto& [id, account] : store.accounts) {
    if (!account.budgets.empty() && account.budgets.rbegin()->first >= store.next_id)
      Fail("a budget id is not below NextId");
    if (!account.campaigns.empty() && account.campaigns.rbegin()->first >= store.next_id)
      Fail("a campaign id is not below NextId");
  }
  const std::string written = StateJson(store);
  try {
    if (StateJson(ParseState(written, "2000002")) != written) Fail("the store does not round-trip");
  } catch (const std::runtime_error& e) {
    std::fprintf(stderr, "%s\n", e.what());
    Fail("a store it wrote is refused");
  }
  return 0;
}
