// Reads the same budgets over SOAP and over REST and says whether both gave the same answer: the
// parity library (find_package(bingads_budgets COMPONENTS parity), bingads::parity, or
// pkg-config bingads_parity). Credentials come from the environment, as in get_budgets.cpp.
#include <bingads/parity.h>

#include <cstdlib>
#include <iostream>

int main() {
  auto env = [](const char* name) {
    const char* value = std::getenv(name);
    return std::string(value != nullptr ? value : "");
  };
  bingads::ClientOptions options;
  options.environment = bingads::Environment::kSandbox;
  options.endpoint = env("BINGADS_ENDPOINT");  // empty: the environment's own URL
  options.credentials = {env("BINGADS_DEVELOPER_TOKEN"), env("BINGADS_ACCESS_TOKEN"),
                         env("BINGADS_CUSTOMER_ID"), env("BINGADS_ACCOUNT_ID")};
  bingads::CompareOptions compare;
  compare.soap = options;  // the protocol of each side is set by the comparison
  compare.rest = options;
  const bingads::Comparison c = bingads::CompareGetBudgetsByIds(compare, {9007199254740993, 123});
  if (!c.error.empty()) {
    std::cerr << c.error << "\n";
    return 1;
  }
  std::cout << (c.parity.Parity() ? "parity" : "MISMATCH") << "\n";
  for (const auto& d : c.parity.differences)
    std::cout << d.where << ": " << d.soap << " | " << d.rest << "\n";
  return c.parity.Parity() ? 0 : 6;
}
