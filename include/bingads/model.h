// bingads-budgets: the budget domain model shared by the SOAP and REST paths.
#pragma once

#include <bingads/decimal.h>

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace bingads {

/// Known values of BudgetLimitType. Budget::BudgetType is a string so that values the service adds
/// later are kept rather than failing a call.
namespace budget_type {
inline constexpr const char* kDailyBudgetAccelerated = "DailyBudgetAccelerated";
inline constexpr const char* kDailyBudgetStandard = "DailyBudgetStandard";
inline constexpr const char* kLifetimeBudgetStandard = "LifetimeBudgetStandard";
/// True for the three values the v13 contract lists.
bool IsKnown(std::string_view value);
}  // namespace budget_type

/// A shared budget. Every field is optional: the service may leave any of them out or nil.
struct Budget {
  std::optional<Decimal> Amount;                 ///< Daily amount, exact.
  std::optional<std::int32_t> AssociationCount;  ///< Campaigns sharing it (read-only).
  std::optional<std::string> BudgetType;         ///< A BudgetLimitType value (see budget_type).
  std::optional<std::int64_t> Id;                ///< System identifier.
  std::optional<std::string> Name;               ///< Unique in the account, case-insensitively.
  bool operator==(const Budget&) const = default;
};

/// One entry of BatchError.ForwardCompatibilityMap; key and value are nillable on the wire.
struct KeyValuePair {
  std::optional<std::string> Key;
  std::optional<std::string> Value;
  bool operator==(const KeyValuePair&) const = default;
};

/// An item-level error; Index is the zero-based position of the failing item in the request.
struct BatchError {
  std::int32_t Code = 0;
  std::optional<std::string> Details;
  std::optional<std::string> ErrorCode;
  std::optional<std::string> FieldPath;
  std::vector<KeyValuePair> ForwardCompatibilityMap;  ///< Empty when nil, absent or empty.
  std::int32_t Index = 0;
  std::optional<std::string> Message;
  std::optional<std::string> Type;
  bool operator==(const BatchError&) const = default;
};

/// The EditorialError subtype of BatchError.
struct EditorialError : BatchError {
  std::optional<bool> Appealable;
  std::optional<std::string> DisapprovedText;
  std::optional<std::string> Location;
  std::optional<std::string> PublisherCountry;
  std::int32_t ReasonCode = 0;
  bool operator==(const EditorialError&) const = default;
};

/// A partial error keeps its subtype: BatchError or EditorialError, by value.
using PartialError = std::variant<BatchError, EditorialError>;

/// The BatchError fields of either alternative.
const BatchError& BaseOf(const PartialError& error);
BatchError& BaseOf(PartialError& error);

/// What every operation returns besides its own list: the partial errors, whose Index refers to
/// the caller's list, and the TrackingId of every call that did the work (one per call of at most
/// 100 items; support asks for them).
struct BatchResult {
  std::vector<PartialError> PartialErrors;
  std::vector<std::string> TrackingIds;
};

/// GetBudgetsByIds: one slot per requested id, empty where the service returned null; or every
/// budget of the account when no ids were given.
struct GetBudgetsByIdsResult : BatchResult {
  std::vector<std::optional<Budget>> Budgets;
};

/// AddBudgets: the new ids, one slot per budget given, empty where that budget was not added.
struct AddBudgetsResult : BatchResult {
  std::vector<std::optional<std::int64_t>> BudgetIds;
};

/// UpdateBudgets and DeleteBudgets report only partial errors.
struct UpdateBudgetsResult : BatchResult {};
struct DeleteBudgetsResult : BatchResult {};

/// The campaigns sharing one budget. Ids items are nillable on the wire.
struct IdCollection {
  std::vector<std::optional<std::int64_t>> Ids;
  bool operator==(const IdCollection&) const = default;
};

/// GetCampaignIdsByBudgetIds: one slot per requested budget id, empty where it was not found.
struct GetCampaignIdsByBudgetIdsResult : BatchResult {
  std::vector<std::optional<IdCollection>> CampaignIdCollection;
};

}  // namespace bingads
