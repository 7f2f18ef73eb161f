// Budget usage from its parts: the report to ask for, the report file's rows, and the join of
// budgets, their campaigns and the rows. No I/O. Not installed.
#pragma once

#include <bingads/usage.h>

#include <cstdint>
#include <string_view>
#include <vector>

namespace bingads::internal {

/// One row of the daily campaign performance report.
struct SpendRow {
  std::int64_t campaign_id = 0;
  Date date;
  Decimal spend;
  std::string currency;
};

/// The columns asked of the report, in this order.
const std::vector<std::string>& UsageColumns();

/// The request: the account's campaigns `campaigns` when they are at most 300, else the whole
/// account; the days from the first of the period's last month (for month to date) to its end.
ReportRequest UsageRequest(std::int64_t account_id, const std::vector<std::int64_t>& campaigns,
                           const UsagePeriod& period, const std::string& time_zone);

/// The rows of a report file's text, and what its header says into `report` (report_time,
/// time_zone, last_completed_day, potentially_incomplete, rows). Throws
/// Error(kMalformedResponse) for a file without the columns asked or with an unreadable value.
std::vector<SpendRow> ReadSpendRows(std::string_view text, UsageReport& report);

/// The first and last day of `period` (`report` gives "today" for Today and ThisMonth: the last
/// day of its Report Time line, else the latest row's date).
void ResolveDays(const UsagePeriod& period, const std::vector<SpendRow>& rows, UsageReport& report);

/// One slot per id of `budget_ids`: the budget (empty when `budgets` has none there), its
/// campaigns and their spend over [report.first_day, report.last_day].
std::vector<std::optional<BudgetUsage>> JoinUsage(const std::vector<std::int64_t>& budget_ids,
                                                  const GetBudgetsByIdsResult& budgets,
                                                  const GetCampaignIdsByBudgetIdsResult& campaigns,
                                                  const std::vector<SpendRow>& rows,
                                                  const UsagePeriod& period,
                                                  const UsageReport& report);

}  // namespace bingads::internal
