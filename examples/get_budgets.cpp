// Reads shared budgets over REST (or SOAP) with credentials from the environment.
#include <bingads/client.h>

#include <cstdlib>
#include <iostream>

int main() {
  auto env = [](const char* name) {
    const char* value = std::getenv(name);
    return std::string(value != nullptr ? value : "");
  };
  bingads::ClientOptions options;
  options.protocol = bingads::Protocol::kRest;  // or kSoap: same results
  options.environment = bingads::Environment::kSandbox;
  options.endpoint = env("BINGADS_ENDPOINT");  // empty: the environment's own URL
  options.credentials = {env("BINGADS_DEVELOPER_TOKEN"), env("BINGADS_ACCESS_TOKEN"),
                         env("BINGADS_CUSTOMER_ID"), env("BINGADS_ACCOUNT_ID")};
  try {
    bingads::BudgetClient client(options);
    const auto result = client.GetBudgetsByIds({9007199254740993, 123});
    for (std::size_t i = 0; i < result.Budgets.size(); ++i) {
      const auto& budget = result.Budgets[i];
      if (!budget) {
        std::cout << i << ": (none)\n";  // see PartialErrors for why
        continue;
      }
      std::cout << i << ": " << budget->Name.value_or("?") << " "
                << (budget->Amount ? budget->Amount->Text() : "-") << "\n";
    }
    for (const auto& error : result.PartialErrors) {
      const bingads::BatchError& e = bingads::BaseOf(error);
      std::cout << "item " << e.Index << ": " << e.Code << " " << e.ErrorCode.value_or("") << "\n";
    }
    for (const auto& id : result.TrackingIds) std::cout << "TrackingId " << id << "\n";
  } catch (const bingads::Error& e) {
    std::cerr << e.what() << "\n";  // names codes and the TrackingId
    return 1;
  }
}
