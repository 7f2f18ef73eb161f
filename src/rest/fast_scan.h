// The REST reader's fast path for GetBudgetsByIds.
#pragma once

#include <bingads/model.h>

#include <string_view>

namespace bingads::internal {

// One pass over a GetBudgetsByIds success body of the usual shape -- an object whose only members
// are "Budgets" and "PartialErrors", each at most once, in any order, null or an array -- straight
// into the budget slots and partial errors of `result`, without building a DOM. TrackingIds is
// left to the caller.
//
// Returns false for anything else: another member, a value of another type, an escape in a member
// name, a repeated member in a partial error, a number with an exponent, invalid UTF-8, any syntax
// error. `result` is then to be discarded, and the general (DOM) reader decodes the body and names
// the problem. When it returns true, the general reader would have produced the same result, text
// for text; the differential fuzz target (fuzz/rest_fast_path.cpp) and the tests hold the two to
// that.
bool ScanGetBudgetsByIds(std::string_view body, GetBudgetsByIdsResult& result);

}  // namespace bingads::internal
