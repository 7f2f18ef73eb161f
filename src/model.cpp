#include <bingads/model.h>

namespace bingads {

bool budget_type::IsKnown(std::string_view value) {
  return value == kDailyBudgetAccelerated || value == kDailyBudgetStandard ||
         value == kLifetimeBudgetStandard;
}

const BatchError& BaseOf(const PartialError& error) {
  return std::visit([](const auto& e) -> const BatchError& { return e; }, error);
}

BatchError& BaseOf(PartialError& error) {
  return std::visit([](auto& e) -> BatchError& { return e; }, error);
}

}  // namespace bingads
