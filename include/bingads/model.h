/// @file
/// bingads-budgets: the budget domain model shared by the SOAP and REST paths.
#pragma once

#include <bingads/decimal.h>
#include <bingads/export.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace bingads {

/// Known values of BudgetLimitType. Values the service adds later are kept as text rather than
/// failing a call (see BudgetLimitType).
namespace budget_type {
/// Spent until depleted; for unshared campaign budgets only, so not settable on a shared budget.
inline constexpr const char* kDailyBudgetAccelerated = "DailyBudgetAccelerated";
/// Spread through the day; the only value a shared budget can be set to.
inline constexpr const char* kDailyBudgetStandard = "DailyBudgetStandard";
/// Spread over the campaign's life; not settable on a shared budget.
inline constexpr const char* kLifetimeBudgetStandard = "LifetimeBudgetStandard";
/// True for the three values the v13 contract lists.
BINGADS_EXPORT bool IsKnown(std::string_view value);
}  // namespace budget_type

/// A BudgetLimitType value. The values the v13 contract lists are held without allocating; any
/// other text (a value the service adds later) is kept as it came, so a call never fails on it.
/// Converts from text and compares with it: `b.BudgetType = budget_type::kDailyBudgetStandard`,
/// `b.BudgetType == "DailyBudgetStandard"`.
class BINGADS_EXPORT BudgetLimitType {
 public:
  /// From text: a known value is recognised, anything else is kept verbatim.
  BudgetLimitType(std::string_view text);
  /// From a C string, e.g. a string literal or a budget_type constant.
  BudgetLimitType(const char* text) : BudgetLimitType(std::string_view(text)) {}
  /// From a std::string.
  BudgetLimitType(const std::string& text) : BudgetLimitType(std::string_view(text)) {}
  /// Copies (an unknown value's text too).
  BudgetLimitType(const BudgetLimitType& other);
  /// Copies (an unknown value's text too).
  BudgetLimitType& operator=(const BudgetLimitType& other);
  /// Moves; the moved-from value reads as empty text when it held an unknown value.
  BudgetLimitType(BudgetLimitType&&) noexcept = default;
  /// Moves; the moved-from value reads as empty text when it held an unknown value.
  BudgetLimitType& operator=(BudgetLimitType&&) noexcept = default;
  /// Frees an unknown value's text.
  ~BudgetLimitType() = default;
  /// The value as the wire carries it.
  std::string_view Text() const;
  /// True for the three values the v13 contract lists.
  bool IsKnown() const { return known_ != kOther; }
  /// Equal when the texts are.
  friend bool operator==(const BudgetLimitType& a, const BudgetLimitType& b) {
    return a.Text() == b.Text();
  }

 private:
  static constexpr std::uint8_t kOther = 0xFF;
  std::uint8_t known_ = kOther;  // index of a known value, or kOther
  // The text when it is no known value: behind a pointer, so that a budget's slot stays small
  // (16 bytes instead of 40) for the values every budget has.
  std::unique_ptr<const std::string> other_;
};

/// A shared budget. Every field is optional: the service may leave any of them out or nil.
struct BINGADS_EXPORT Budget {
  std::optional<Decimal> Amount;                   ///< Daily amount, exact.
  std::optional<std::int32_t> AssociationCount;    ///< Campaigns sharing it (read-only).
  std::optional<BudgetLimitType> BudgetType;       ///< How the amount is spent (see budget_type).
  std::optional<std::int64_t> Id;                  ///< System identifier.
  std::optional<std::string> Name;                 ///< Unique in the account, case-insensitively.
  bool operator==(const Budget&) const = default;  ///< Field by field; Amount by value.
};

/// One entry of BatchError.ForwardCompatibilityMap; key and value are nillable on the wire.
struct BINGADS_EXPORT KeyValuePair {
  std::optional<std::string> Key;                        ///< Unset when nil or absent.
  std::optional<std::string> Value;                      ///< Unset when nil or absent.
  bool operator==(const KeyValuePair&) const = default;  ///< Field by field.
};

/// An item-level error; Index is the zero-based position of the failing item in the request.
struct BINGADS_EXPORT BatchError {
  std::int32_t Code = 0;                 ///< Numeric error code, e.g. 4916.
  std::optional<std::string> Details;    ///< Further details, when the service gives any.
  std::optional<std::string> ErrorCode;  ///< Symbolic code, e.g. "CampaignServiceBudgetIdInvalid".
  std::optional<std::string> FieldPath;  ///< The field at fault, when known.
  std::vector<KeyValuePair> ForwardCompatibilityMap;  ///< Empty when nil, absent or empty.
  std::int32_t Index = 0;                             ///< Zero-based position of the failing item.
  std::optional<std::string> Message;                 ///< Human-readable description.
  std::optional<std::string> Type;  ///< The error's type name as the service sends it.
  bool operator==(const BatchError&) const = default;  ///< Field by field.
};

/// The EditorialError subtype of BatchError.
struct BINGADS_EXPORT EditorialError : BatchError {
  std::optional<bool> Appealable;               ///< Whether an exception may be requested.
  std::optional<std::string> DisapprovedText;   ///< The text that was disapproved.
  std::optional<std::string> Location;          ///< Where the text is, e.g. the field name.
  std::optional<std::string> PublisherCountry;  ///< Country of the policy that applied.
  std::int32_t ReasonCode = 0;                  ///< The editorial reason code.
  bool operator==(const EditorialError&) const = default;  ///< Field by field, base included.
};

/// A partial error keeps its subtype: BatchError or EditorialError, by value.
using PartialError = std::variant<BatchError, EditorialError>;

/// The BatchError fields of either alternative.
///@{
BINGADS_EXPORT const BatchError& BaseOf(const PartialError& error);
BINGADS_EXPORT BatchError& BaseOf(PartialError& error);
///@}

/// The Code of the partial error a reconciled AddBudgets gives an item whose name the account
/// now holds with other values than were sent: the client cannot tell whether its call made it.
inline constexpr std::int32_t kReconcileConflictCode = -1;

/// A write call whose answer was lost (its outcome unknown), and how the client settled it by
/// reading the account back (ClientOptions::reconcile_writes).
struct BINGADS_EXPORT Reconciliation {
  std::string operation;       ///< "AddBudgets", "UpdateBudgets" or "DeleteBudgets".
  std::size_t first_item = 0;  ///< Position, in the caller's list, of the call's first item.
  std::size_t items = 0;       ///< Items the call carried.
  std::string cause;           ///< Why its answer counts as lost: the error it ended with.
  std::vector<std::string> read_tracking_ids;  ///< TrackingIds of the reads that settled it.
  std::size_t settled = 0;    ///< Items found done as asked (added, updated, deleted).
  std::size_t resent = 0;     ///< Items sent again; their outcome is in the result as usual.
  std::size_t conflicts = 0;  ///< Items found otherwise than asked: a partial error each.
  bool operator==(const Reconciliation&) const = default;  ///< Field by field.
};

/// What every operation returns besides its own list: the partial errors, whose Index refers to
/// the caller's list, and the TrackingId of every call that did the work (one per call of at most
/// 100 items; support asks for them). The service's names are kept as they are (PascalCase); what
/// the client adds is snake_case.
struct BINGADS_EXPORT BatchResult {
  std::vector<PartialError> PartialErrors;  ///< In the order the service listed them.
  std::vector<std::string> TrackingIds;     ///< One per call made, in call order.
  /// Write calls whose answer was lost and that were settled by reading back; empty otherwise.
  std::vector<Reconciliation> reconciliations;
};

/// GetBudgetsByIds: one slot per requested id, empty where the service returned null; or every
/// budget of the account when no ids were given.
struct BINGADS_EXPORT GetBudgetsByIdsResult : BatchResult {
  std::vector<std::optional<Budget>> Budgets;  ///< Positional; empty slot for a null.
};

/// AddBudgets: the new ids, one slot per budget given, empty where that budget was not added.
struct BINGADS_EXPORT AddBudgetsResult : BatchResult {
  std::vector<std::optional<std::int64_t>> BudgetIds;  ///< Positional; empty when not added.
};

/// UpdateBudgets reports only partial errors.
struct BINGADS_EXPORT UpdateBudgetsResult : BatchResult {};
/// DeleteBudgets reports only partial errors.
struct BINGADS_EXPORT DeleteBudgetsResult : BatchResult {};

/// The campaigns sharing one budget. Ids items are nillable on the wire.
struct BINGADS_EXPORT IdCollection {
  std::vector<std::optional<std::int64_t>> Ids;          ///< Campaign ids; empty slot for a nil.
  bool operator==(const IdCollection&) const = default;  ///< Element by element.
};

/// GetCampaignIdsByBudgetIds: one slot per requested budget id, empty where it was not found.
struct BINGADS_EXPORT GetCampaignIdsByBudgetIdsResult : BatchResult {
  std::vector<std::optional<IdCollection>> CampaignIdCollection;  ///< Positional, one per id.
};

}  // namespace bingads
