#include "service.h"

#include <random>

namespace bingads::emulator {
namespace {

// Demo ids start above 2^53 so that any client passing ids through a double shows it at once.
constexpr std::int64_t kFirstDemoId = 9007199254740993;

Budget Demo(std::int64_t id, const char* name, const char* amount, const char* type, int count) {
  Budget b;
  b.Id = id;
  b.Name = name;
  b.Amount = Decimal::FromString(amount);
  b.BudgetType = type;
  b.AssociationCount = count;
  return b;
}

}  // namespace

BudgetService::BudgetService() {
  const Budget demo[] = {
      Demo(kFirstDemoId, "Everyday search", "25.5", budget_type::kDailyBudgetStandard, 2),
      Demo(kFirstDemoId + 1, "Brand \xe2\x80\x94 M\xc3\xbcnchen & <Caf\xc3\xa9> \"quoted\"",
           "1234567890123456.789", budget_type::kDailyBudgetStandard, 0),
      Demo(kFirstDemoId + 2, "Accelerated holiday push", "500",
           budget_type::kDailyBudgetAccelerated, 1),
      Demo(kFirstDemoId + 3, "Lifetime launch \xe6\x97\xa5\xe6\x9c\xac", "10000.05",
           budget_type::kLifetimeBudgetStandard, 0),
      Demo(kFirstDemoId + 4, "Pennies", "0.01", budget_type::kDailyBudgetStandard, 0),
  };
  for (const Budget& b : demo) budgets_.emplace(*b.Id, b);
}

std::string BudgetService::NewTrackingId() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  const std::uint64_t hi = rng();
  const std::uint64_t lo = rng();
  char text[37];
  std::snprintf(text, sizeof text, "%08x-%04x-4%03x-%04x-%012llx", static_cast<unsigned>(hi >> 32),
                static_cast<unsigned>((hi >> 16) & 0xffff), static_cast<unsigned>(hi & 0x0fff),
                static_cast<unsigned>(((lo >> 48) & 0x3fff) | 0x8000),
                static_cast<unsigned long long>(lo & 0xffffffffffffULL));
  return text;
}

Fault BudgetService::RequestFault(const std::string& tracking_id, std::int32_t code,
                                  const std::string& error_code, const std::string& message) {
  Fault fault;
  fault.detail.Type = "ApiFaultDetail";
  fault.detail.TrackingId = tracking_id;
  fault.detail.OperationErrors.push_back({code, std::nullopt, error_code, message});
  fault.rest_status = 400;
  return fault;
}

std::optional<Fault> BudgetService::Authenticate(const RequestContext& context,
                                                 const std::string& tracking_id) const {
  if (!context.authentication_token.empty() && !context.developer_token.empty())
    return std::nullopt;
  Fault fault;
  fault.detail.Type = "AdApiFaultDetail";
  fault.detail.TrackingId = tracking_id;
  fault.detail.Errors.push_back(
      {105, std::nullopt, std::string("InvalidCredentials"),
       std::string("Authentication failed. Either supplied credentials are invalid or the account "
                   "is inactive.")});
  fault.rest_status = 401;
  return fault;
}

Outcome<GetBudgetsByIdsResult> BudgetService::GetBudgetsByIds(
    const RequestContext& context, const std::optional<std::vector<std::int64_t>>& ids,
    const std::string& tracking_id) {
  if (auto fault = Authenticate(context, tracking_id)) return *fault;
  if (ids && ids->size() > kMaxIdsPerCall) {
    return RequestFault(tracking_id, 4913, "CampaignServiceBudgetBatchLimitExceeded",
                        "The budget list exceeds the maximum batch size of " +
                            std::to_string(kMaxIdsPerCall) + " (got " +
                            std::to_string(ids->size()) + ").");
  }
  std::lock_guard<std::mutex> lock(mutex_);
  GetBudgetsByIdsResult result;
  result.TrackingId = tracking_id;
  if (!ids || ids->empty()) {
    for (const auto& [id, budget] : budgets_) result.Budgets.emplace_back(budget);
    return result;
  }
  for (std::size_t i = 0; i < ids->size(); ++i) {
    auto it = budgets_.find((*ids)[i]);
    if (it != budgets_.end()) {
      result.Budgets.emplace_back(it->second);
      continue;
    }
    result.Budgets.emplace_back();
    BatchError error;
    error.Code = 4916;
    error.ErrorCode = "CampaignServiceBudgetIdInvalid";
    error.Message = "The budget id is invalid.";
    error.Index = static_cast<std::int32_t>(i);
    error.Type = "BatchError";
    result.PartialErrors.emplace_back(std::move(error));
  }
  return result;
}

}  // namespace bingads::emulator
