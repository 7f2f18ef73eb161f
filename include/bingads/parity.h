/// @file
/// bingads-budgets: protocol parity — the same work over SOAP and REST, compared field by field,
/// with what each protocol cost. For migration checks in your own tests and in the CLI.
#pragma once

#include <bingads/client.h>
#include <bingads/export.h>
#include <bingads/model.h>
#include <bingads/usage.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace bingads {

/// One field that differs: where (e.g. "Budgets[3].Amount", "PartialErrors[Index=7].Code") and
/// the two values as text ("(empty)" for an empty slot, "(unset)" for an unset field).
struct BINGADS_EXPORT Difference {
  std::string where;  ///< Path of the field, e.g. "Budgets[3].Amount".
  std::string soap;   ///< The SOAP side's value as text.
  std::string rest;   ///< The REST side's value as text.
  bool operator==(const Difference&) const = default;  ///< Field by field.
};

/// The field-by-field comparison of two domain results of one operation.
struct BINGADS_EXPORT ParityReport {
  std::vector<Difference> differences;                 ///< Empty when both sides agree.
  bool Parity() const { return differences.empty(); }  ///< True when there is no difference.
};

/// What to leave out of a comparison (used for writes, where each protocol made its own copy).
struct BINGADS_EXPORT CompareRules {
  bool ignore_ids = false;       ///< Budget.Id, and which id AddBudgets returned.
  std::string soap_name_suffix;  ///< Removed from SOAP-side names before comparing.
  std::string rest_name_suffix;  ///< Removed from REST-side names before comparing.
};

/// Compares position by position (empty slots included); partial errors are matched by Index (in
/// order within one Index) and compared with their subtype and every field. TrackingIds are never
/// compared.
///@{
BINGADS_EXPORT ParityReport CompareResults(const GetBudgetsByIdsResult& soap,
                                           const GetBudgetsByIdsResult& rest,
                                           const CompareRules& rules = {});
BINGADS_EXPORT ParityReport CompareResults(const AddBudgetsResult& soap,
                                           const AddBudgetsResult& rest,
                                           const CompareRules& rules = {});
BINGADS_EXPORT ParityReport CompareResults(const BatchResult& soap, const BatchResult& rest,
                                           const CompareRules& rules = {});
BINGADS_EXPORT ParityReport CompareResults(const GetCampaignIdsByBudgetIdsResult& soap,
                                           const GetCampaignIdsByBudgetIdsResult& rest,
                                           const CompareRules& rules = {});
/// Budget usage: every slot's budget, campaigns, days and money by value, and the report's days,
/// rows and flags (its ReportRequestId differs by nature and is left out).
BINGADS_EXPORT ParityReport CompareResults(const BudgetUsageResult& soap,
                                           const BudgetUsageResult& rest,
                                           const CompareRules& rules = {});
///@}

/// The cost of one protocol over the runs of a comparison.
struct BINGADS_EXPORT ProtocolCost {
  std::vector<double> latencies_ms;       ///< One per call of the measured operation.
  double p50_ms = 0;                      ///< Median of latencies_ms.
  double p95_ms = 0;                      ///< 95th percentile of latencies_ms.
  double max_ms = 0;                      ///< Slowest call.
  std::uint64_t request_bytes = 0;        ///< On the wire, all measured calls.
  std::uint64_t response_wire_bytes = 0;  ///< On the wire: compressed when gzip was used.
  std::uint64_t response_bytes = 0;       ///< Decompressed bodies.
  double cpu_ms = 0;                      ///< Client CPU time (this thread) of the measured calls.
  int calls = 0;  ///< Measured operation calls (one per latencies_ms entry).
};

/// The outcome of one operation compared over both protocols.
struct BINGADS_EXPORT Comparison {
  std::string operation;  ///< e.g. "GetBudgetsByIds"
  std::string label;      ///< What was compared, e.g. "get --ids 1,2,3" or a migrate-check case.
  ParityReport parity;    ///< SOAP against REST, field by field.
  ProtocolCost soap;      ///< What the SOAP runs cost.
  ProtocolCost rest;      ///< What the REST runs cost.
  std::string error;      ///< Set when the comparison could not run (e.g. a fault on one side).
  /// True when `error` comes from a call that got no usable response (connection, timeout, a
  /// response over the size limit, an unreadable body): the CLI then exits 5, not 6.
  bool transport_failure = false;
};

/// Settings of a comparison run: one client configuration per protocol (same endpoint and account).
struct BINGADS_EXPORT CompareOptions {
  ClientOptions soap;  ///< The SOAP client; its protocol is forced to SOAP.
  ClientOptions rest;  ///< The REST client; its protocol is forced to REST.
  int repeat = 1;      ///< Runs of the measured operation per protocol.
  bool keep = false;   ///< Keep the copies that write comparisons create.
  bool gzip = true;    ///< Ask for gzip, to report compressed and uncompressed bytes.
  std::string tag;     ///< Suffix base for write copies; empty means a time-based one.
  std::function<void(int done, int total)> progress;  ///< Called after each run.
};

// The comparisons. Reads run the same request on both protocols; writes make one copy per
// protocol (names suffixed " [soap-TAG]" / " [rest-TAG]"), read both back and compare them with
// the suffix and the ids set aside, then delete the copies unless `keep`.

/// GetBudgetsByIds with the same ids on both protocols.
BINGADS_EXPORT Comparison CompareGetBudgetsByIds(const CompareOptions& options,
                                                 const std::vector<std::int64_t>& ids);
/// GetCampaignIdsByBudgetIds with the same ids on both protocols.
BINGADS_EXPORT Comparison CompareGetCampaignIdsByBudgetIds(const CompareOptions& options,
                                                           const std::vector<std::int64_t>& ids);
/// Budget usage (UsageClient::GetBudgetUsage) with the same ids and period on both protocols:
/// both Campaign Management and Reporting calls are measured.
BINGADS_EXPORT Comparison CompareBudgetUsage(const CompareOptions& options,
                                             const std::vector<std::int64_t>& ids,
                                             const UsagePeriod& period,
                                             const UsageOptions& usage = {});
/// Adds the budgets once per protocol (names suffixed), then reads both copies back.
BINGADS_EXPORT Comparison CompareAddBudgets(const CompareOptions& options,
                                            const std::vector<Budget>& budgets);
/// Copies the budgets whose Id the updates name, then applies the updates to each copy.
BINGADS_EXPORT Comparison CompareUpdateBudgets(const CompareOptions& options,
                                               const std::vector<Budget>& updates);
/// Copies the budgets with these ids, then deletes the copies through each protocol.
BINGADS_EXPORT Comparison CompareDeleteBudgets(const CompareOptions& options,
                                               const std::vector<std::int64_t>& ids);

/// migrate-check: every operation and the error cases that matter (duplicate name, invalid id,
/// more than 100 ids, EditorialError, a fault), each compared over both protocols. It writes only
/// on budgets it creates and deletes them afterwards.
BINGADS_EXPORT std::vector<Comparison> MigrateCheck(const CompareOptions& options);

}  // namespace bingads
