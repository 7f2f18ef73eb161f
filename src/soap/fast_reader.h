// SOAP GetBudgetsByIds fast path: a strict one-pass byte scanner (no DOM, no copy of the body)
// that writes responses of the usual shape straight into the domain model, declining anything it
// does not fully understand to the gSOAP reader, which stays the contract. The differential fuzz
// target soap_fast_path holds the two to the same answer.
#pragma once

#include <bingads/model.h>
#include <bingads/transport.h>

namespace bingads::internal {

/// Reads `response` into `out` and returns true, or returns false (with `out` unspecified) for
/// anything but a 2xx SOAP 1.1 GetBudgetsByIdsResponse of the usual shape: faults, unknown or
/// repeated elements, namespace declarations below the response's lists, i:type, entities other
/// than the predefined ones and character references, comments, CDATA, DTDs, an XML declaration,
/// NUL bytes, '\r' or ']' in text, whitespace around numbers...
bool FastSoapGetBudgetsByIds(const HttpResponse& response, GetBudgetsByIdsResult& out);
/// The same for UpdateBudgets and DeleteBudgets, which answer with partial errors alone.
bool FastSoapUpdateBudgets(const HttpResponse& response, UpdateBudgetsResult& out);
bool FastSoapDeleteBudgets(const HttpResponse& response, DeleteBudgetsResult& out);

}  // namespace bingads::internal
