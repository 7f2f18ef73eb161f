/// @file
/// bingads-budgets: domain results written in the REST JSON shapes of the v13 API.
#pragma once

#include <bingads/errors.h>
#include <bingads/export.h>
#include <bingads/model.h>

#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

namespace bingads {

/// How ToJson writes.
struct BINGADS_EXPORT JsonStyle {
  /// Adds "TrackingId":"..." first, or "TrackingIds":[...] when the work took several calls.
  /// false: the service's own body shape.
  bool with_tracking_id = true;
  bool pretty = false;  ///< Indented, one property per line.
};

/// Each result in its operation's REST response shape: ids as JSON strings, Amount a JSON number
/// with its exact digits, every property present (null when unset), e.g.
/// {"TrackingId":"...","Budgets":[{...}|null,...],"PartialErrors":[...]}. A write settled after
/// its answer was lost adds "Reconciliations":[{"Operation","FirstItem","Items","Cause",
/// "ReadTrackingIds","Settled","Resent","Conflicts"}] (not the service's shape; only then).
///@{
BINGADS_EXPORT std::string ToJson(const GetBudgetsByIdsResult& result, const JsonStyle& style = {});
BINGADS_EXPORT std::string ToJson(const AddBudgetsResult& result, const JsonStyle& style = {});
BINGADS_EXPORT std::string ToJson(const UpdateBudgetsResult& result, const JsonStyle& style = {});
BINGADS_EXPORT std::string ToJson(const DeleteBudgetsResult& result, const JsonStyle& style = {});
BINGADS_EXPORT std::string ToJson(const GetCampaignIdsByBudgetIdsResult& result,
                                  const JsonStyle& style = {});
///@}

/// The same JSON written to `out` as it is made, through a buffer of 64 KiB: no string of the
/// whole document (for large results printed at once). Check `out` afterwards for write errors;
/// if the stream throws, what was written before stays written.
///@{
BINGADS_EXPORT void ToJson(const GetBudgetsByIdsResult& result, std::ostream& out,
                           const JsonStyle& style = {});
BINGADS_EXPORT void ToJson(const AddBudgetsResult& result, std::ostream& out,
                           const JsonStyle& style = {});
BINGADS_EXPORT void ToJson(const UpdateBudgetsResult& result, std::ostream& out,
                           const JsonStyle& style = {});
BINGADS_EXPORT void ToJson(const DeleteBudgetsResult& result, std::ostream& out,
                           const JsonStyle& style = {});
BINGADS_EXPORT void ToJson(const GetCampaignIdsByBudgetIdsResult& result, std::ostream& out,
                           const JsonStyle& style = {});
///@}

/// Reads budgets in the REST request shape {"Budgets":[{...},...]}. Amount must be a JSON number
/// (its digits are kept exactly), Id a string or an integer, BudgetType a known BudgetLimitType;
/// null means unset. Anything else (not JSON, other members, wrong types, null entries) throws
/// Error(kUsage) naming the JSON path.
BINGADS_EXPORT std::vector<Budget> BudgetsFromJson(std::string_view json);

/// A fault in the REST shape: {"TrackingId","Type","Errors"} for AdApiFaultDetail,
/// {"TrackingId","Type","BatchErrors","OperationErrors"} otherwise.
BINGADS_EXPORT std::string ToJson(const FaultDetail& fault);

}  // namespace bingads
