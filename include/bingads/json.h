// bingads-budgets: domain results written in the REST JSON shapes of the v13 API.
#pragma once

#include <bingads/errors.h>
#include <bingads/model.h>

#include <string>

namespace bingads {

/// How ToJson writes.
struct JsonStyle {
  bool with_tracking_id = true;  ///< false: the service's own body shape, without TrackingId.
  bool pretty = false;           ///< Indented, one property per line.
};

/// {"TrackingId":"...","Budgets":[{...}|null,...],"PartialErrors":[...]}: ids as JSON strings,
/// Amount a JSON number with its exact digits, every property present (null when unset).
std::string ToJson(const GetBudgetsByIdsResult& result, const JsonStyle& style = {});

/// A fault in the REST shape: {"TrackingId","Type","Errors"} for AdApiFaultDetail,
/// {"TrackingId","Type","BatchErrors","OperationErrors"} otherwise.
std::string ToJson(const FaultDetail& fault);

}  // namespace bingads
