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
  other_ = std::make_unique<const std::string>(text);
}

BudgetLimitType::BudgetLimitType(const BudgetLimitType& other)
    : known_(other.known_),
      other_(other.other_ ? std::make_unique<const std::string>(*other.other_) : nullptr) {}

BudgetLimitType& BudgetLimitType::operator=(const BudgetLimitType& other) {
  if (this != &other) *this = BudgetLimitType(other);
  return *this;
}

std::string_view BudgetLimitType::Text() const {
  if (known_ != kOther) return kKnownTypes[known_];
  return other_ ? std::string_view(*other_) : std::string_view();
}

const BatchError& BaseOf(const PartialError& error) {
  return std::visit([](const auto& e) -> const BatchError& { return e; }, error);
}

BatchError& BaseOf(PartialError& error) {
  return std::visit([](auto& e) -> BatchError& { return e; }, error);
}

}  // namespace bingads
