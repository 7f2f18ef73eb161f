// Testing your own code against the budget client without any HTTP: a fake BudgetConnection in
// place of the real one. The code under test takes a BudgetClient, as production code would;
// the test gives it one over the fake and checks what it did.
#include <bingads/client.h>

#include <cstdio>
#include <string>
#include <vector>

// Code under test: gives every budget without a name one made from its id; returns how many.
int NameUnnamedBudgets(const bingads::BudgetClient& client, const std::string& prefix) {
  std::vector<bingads::Budget> named;
  for (const auto& slot : client.GetBudgetsByIds().Budgets) {
    if (!slot || slot->Name || !slot->Id) continue;
    bingads::Budget update;
    update.Id = slot->Id;
    update.Name = prefix + std::to_string(*slot->Id);
    named.push_back(update);
  }
  if (!named.empty()) client.UpdateBudgets(named);
  return static_cast<int>(named.size());
}

// The fake: canned budgets in, updates recorded; every other operation is not expected here.
class FakeConnection : public bingads::BudgetConnection {
 public:
  bingads::GetBudgetsByIdsResult GetBudgetsByIds(const std::vector<std::int64_t>&) override {
    bingads::GetBudgetsByIdsResult result;
    for (const char* name : {"", "Everyday search", ""}) {
      bingads::Budget b;
      b.Id = static_cast<std::int64_t>(result.Budgets.size()) + 1;
      if (*name != '\0') b.Name = name;
      result.Budgets.emplace_back(b);
    }
    return result;
  }
  bingads::UpdateBudgetsResult UpdateBudgets(const std::vector<bingads::Budget>& b) override {
    updates.insert(updates.end(), b.begin(), b.end());
    return {};
  }
  bingads::AddBudgetsResult AddBudgets(const std::vector<bingads::Budget>&) override { return {}; }
  bingads::DeleteBudgetsResult DeleteBudgets(const std::vector<std::int64_t>&) override {
    return {};
  }
  bingads::GetCampaignIdsByBudgetIdsResult GetCampaignIdsByBudgetIds(
      const std::vector<std::int64_t>&) override {
    return {};
  }
  std::vector<bingads::Budget> updates;
};

int main() {
  const auto fake = std::make_shared<FakeConnection>();
  const int named = NameUnnamedBudgets(bingads::BudgetClient(fake), "Budget ");
  const bool ok = named == 2 && fake->updates.size() == 2 && fake->updates[0].Id == 1 &&
                  fake->updates[1].Name == "Budget 3";
  std::printf("named %d budgets: %s\n", named, ok ? "as expected" : "NOT as expected");
  return ok ? 0 : 1;
}
