#include <bingads/model.h>

#include <iterator>

namespace bingads {

namespace {

constexpr std::string_view kKnownTypes[] = {budget_type::kDailyBudgetAccelerated,
                                            budget_type::kDailyBudgetStandard,
                                            budget_type::kLifetimeBudgetStandard};

}  // namespace

bool budget_type::IsKnown(std::string_view value) { return BudgetLimitType(value).IsKnown(); }

BudgetLimitType::BudgetLimitType(std::string_view text) {
  for (std::uint8_t i = 0; i < std::size(kKnownTypes); ++i) {
    if (text == kKnownTypes[i]) {
      known_ = i;
      return;
    }
  }
  other_ = text;
}

std::string_view BudgetLimitType::Text() const {
  return known_ == kOther ? std::string_view(other_) : kKnownTypes[known_];
}

const BatchError& BaseOf(const PartialError& error) {
  return std::visit([](const auto& e) -> const BatchError& { return e; }, error);
}

BatchError& BaseOf(PartialError& error) {
  return std::visit([](auto& e) -> BatchError& { return e; }, error);
}

}  // namespace bingads
