/// @file
/// bingads-budgets: budget usage, how much of each shared budget is spent, from the Reporting
/// service v13 (SubmitGenerateReport, PollGenerateReport, then the report file's download).
#pragma once

#include <bingads/client.h>
#include <bingads/decimal.h>
#include <bingads/export.h>
#include <bingads/json.h>
#include <bingads/model.h>

#include <chrono>
#include <compare>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bingads {

/// A calendar day, as the report gives it (in the time zone the report was asked for).
struct BINGADS_EXPORT Date {
  int Year = 0;   ///< e.g. 2026
  int Month = 0;  ///< 1 to 12
  int Day = 0;    ///< 1 to 31
  /// "YYYY-MM-DD" or the report header's "M/D/YYYY"; nullopt for anything else or a day that
  /// does not exist (2026-02-30).
  static std::optional<Date> Parse(std::string_view text);
  std::string ToString() const;  ///< "YYYY-MM-DD".
  /// The first day of this day's month.
  Date FirstOfMonth() const { return Date{Year, Month, 1}; }
  auto operator<=>(const Date&) const = default;  ///< Calendar order.
};

/// The days a usage report covers. Today and ThisMonth are resolved by the service in the
/// report's time zone (UsageOptions::time_zone), a range is sent as it is.
struct BINGADS_EXPORT UsagePeriod {
  /// Which kind of period.
  enum class Kind {
    kToday,      ///< Today (the default).
    kThisMonth,  ///< From the first of this month to today.
    kRange,      ///< From `from` to `to`, both included.
  };
  Kind kind = Kind::kToday;                      ///< Which kind of period.
  Date from;                                     ///< First day (kRange only).
  Date to;                                       ///< Last day (kRange only).
  static UsagePeriod Today();                    ///< Today.
  static UsagePeriod ThisMonth();                ///< This month to date.
  static UsagePeriod Range(Date from, Date to);  ///< Days `from` to `to`, both included.
  static UsagePeriod Day(Date day) { return Range(day, day); }  ///< One day.
};

/// Money spent on one day.
struct BINGADS_EXPORT DaySpend {
  Date date;                                         ///< The day.
  Decimal spend;                                     ///< Exact, in the account's currency.
  bool operator==(const DaySpend&) const = default;  ///< Field by field.
};

/// One campaign sharing a budget and what it spent.
struct BINGADS_EXPORT CampaignUsage {
  std::int64_t campaign_id = 0;  ///< The campaign.
  /// Its spend per day of the period; a day with no row in the report (no spend) has no entry.
  std::vector<DaySpend> days;
  bool operator==(const CampaignUsage&) const = default;  ///< Field by field.
};

/// How much of one shared budget is spent. Names are the client's own (snake_case).
struct BINGADS_EXPORT BudgetUsage {
  std::int64_t budget_id = 0;       ///< The budget.
  std::optional<std::string> name;  ///< Its name, from Campaign Management.
  std::optional<Decimal> amount;    ///< Its amount (daily, or the lifetime's: see budget_type).
  std::optional<BudgetLimitType> budget_type;  ///< How the amount is spent.
  std::vector<CampaignUsage> campaigns;  ///< Every campaign sharing it, with or without spend.
  std::vector<DaySpend> days;            ///< The budget's spend per day (its campaigns' sum).
  /// Spend on the period's last day when the period ends today (Today, ThisMonth); else unset.
  std::optional<Decimal> spend_today;
  /// Spend from the first of the last day's month to the last day, both included.
  Decimal month_to_date;
  /// The last day's spend over the daily amount, in percent with two decimals (rounded half up);
  /// unset without an amount, when the amount is zero, or for a lifetime budget (whose amount is
  /// no daily amount).
  std::optional<Decimal> percent_of_daily_amount;
  std::string currency;  ///< The report's CurrencyCode ("" when no campaign had a row).
  bool operator==(const BudgetUsage&) const = default;  ///< Field by field.
};

/// What the report said about itself.
struct BINGADS_EXPORT UsageReport {
  std::string report_request_id;   ///< The service's ReportRequestId.
  std::string report_time;         ///< Its "Report Time" line: the days it covers, as it says.
  std::string time_zone;           ///< Its "Time Zone" line, e.g. "(GMT-08:00) Pacific Time ...".
  std::string last_completed_day;  ///< "Last Completed Available Day" (UTC, as the service says).
  bool potentially_incomplete =
      false;  ///< "Potential Incomplete Data: true": spend still arriving.
  /// The first and last day of the period, in the report's time zone; for Today and ThisMonth
  /// the service's today, from the report file: unset when the report was empty.
  std::optional<Date> first_day;
  std::optional<Date> last_day;  ///< See first_day.
  std::size_t rows = 0;          ///< Data rows in the file.
  bool empty = false;            ///< The service had no data: Success with no download URL.
  bool operator==(const UsageReport&) const = default;  ///< Field by field.
};

/// BudgetUsage: one slot per budget id asked, in order, empty where the budget does not exist
/// (with a partial error whose Index is its position), as every other read.
struct BINGADS_EXPORT BudgetUsageResult : BatchResult {
  std::vector<std::optional<BudgetUsage>> Usage;  ///< Positional; empty slot for an unknown id.
  UsageReport report;                             ///< What the report said about itself.
};

/// The result as JSON: {"TrackingIds":[...],"Usage":[{"BudgetId","Name","Amount","BudgetType",
/// "Currency","SpendToday","MonthToDate","PercentOfDailyAmount","Days":[{"Date","Spend"}],
/// "Campaigns":[{"CampaignId","Days"}]}|null,...],"PartialErrors":[...],"Report":{...}}; money
/// as JSON numbers with their exact digits, ids as strings.
BINGADS_EXPORT std::string ToJson(const BudgetUsageResult& result, const JsonStyle& style = {});
/// The same, written to `out` as it is made (see json.h).
BINGADS_EXPORT void ToJson(const BudgetUsageResult& result, std::ostream& out,
                           const JsonStyle& style = {});

/// Settings of usage reports beyond ClientOptions.
struct BINGADS_EXPORT UsageOptions {
  /// ReportTimeZone, a Reporting service name such as "PacificTimeUSCanadaTijuana" (note that five
  /// names differ from Campaign Management's time zones); empty leaves the service's default.
  std::string time_zone;
  /// How long a report may take from submit to file; past it, Error(kTimeout) naming the
  /// ReportRequestId. Default 10 minutes.
  std::chrono::milliseconds report_timeout = std::chrono::minutes(10);
  /// The first wait between polls; each wait doubles up to max_poll_interval.
  std::chrono::milliseconds first_poll_interval = std::chrono::seconds(1);
  std::chrono::milliseconds max_poll_interval = std::chrono::seconds(30);  ///< Longest wait.
  /// Largest report file taken, compressed and inflated alike: Error(kResponseTooLarge) past it.
  std::size_t max_report_bytes = 256u << 20;
  /// Called after each poll with the polls so far and the status ("Pending", "Success").
  std::function<void(int polls, std::string_view status)> progress;
};

/// The report a usage is computed from, as the Reporting service takes it (the project sends a
/// CampaignPerformanceReportRequest; BudgetSummaryReportRequest takes the same scope and time).
struct BINGADS_EXPORT ReportRequest {
  std::string Type = "CampaignPerformanceReportRequest";  ///< The derived request type.
  std::string ReportName = "bingads-budgets usage";       ///< Shown in the file's header.
  std::string Aggregation = "Daily";     ///< CampaignPerformanceReportRequest only.
  std::vector<std::string> Columns;      ///< Column names, in the order the file gives them.
  std::vector<std::int64_t> AccountIds;  ///< Scope: whole accounts (at most 1,000).
  /// Scope: single campaigns as (account id, campaign id) (at most 300).
  std::vector<std::pair<std::int64_t, std::int64_t>> Campaigns;
  std::string PredefinedTime;  ///< e.g. "ThisMonth"; empty when the custom range is sent.
  std::optional<Date> CustomDateRangeStart;               ///< First day of a custom range.
  std::optional<Date> CustomDateRangeEnd;                 ///< Last day of a custom range.
  std::string ReportTimeZone;                             ///< Empty: the service's default.
  bool operator==(const ReportRequest&) const = default;  ///< Field by field.
};

/// PollGenerateReport's answer.
struct BINGADS_EXPORT ReportRequestStatus {
  std::string Status;  ///< "Pending", "Success", "Error" (or a value the service adds later).
  std::optional<std::string> ReportDownloadUrl;  ///< Unset or empty: no data (an empty report).
  std::vector<std::string> TrackingIds;          ///< Of the call.
};

/// The seam between UsageClient and the Reporting service, as BudgetConnection is for budgets.
class BINGADS_EXPORT ReportingConnection {
 public:
  virtual ~ReportingConnection() = default;
  /// SubmitGenerateReport: the ReportRequestId.
  virtual std::string SubmitGenerateReport(const ReportRequest& request) = 0;
  /// PollGenerateReport of one ReportRequestId.
  virtual ReportRequestStatus PollGenerateReport(const std::string& report_request_id) = 0;
  /// The report file at a download URL (a ZIP): no credential is sent with it.
  virtual std::string DownloadReport(const std::string& url) = 0;
  /// A connection for another account sharing this one's resources; the default refuses.
  virtual std::shared_ptr<ReportingConnection> ForAccount(const std::string& account_id,
                                                          const std::string& customer_id);
};

/// The real one over options.protocol: the same checks, tokens, retries and log as budgets.
/// `reporting_endpoint` overrides the base URL (default: options.endpoint when set, else the
/// environment's reporting host). The download obeys `max_report_bytes`.
BINGADS_EXPORT std::shared_ptr<ReportingConnection> MakeReportingConnection(
    ClientOptions options, std::size_t max_report_bytes = 256u << 20);

/// Path of the Reporting service's SOAP endpoint below its base URL.
inline constexpr std::string_view kReportingSoapServicePath =
    "/Api/Advertiser/Reporting/v13/ReportingService.svc";

/// Base URL of the Reporting service: https://reporting.api[.sandbox].bingads.microsoft.com
BINGADS_EXPORT std::string DefaultReportingBaseUrl(Environment environment);

/// Budget usage: Campaign Management says which campaigns share each budget, the Reporting
/// service what they spent (a daily CampaignPerformanceReport of the account). Thread-safe.
class BINGADS_EXPORT UsageClient {
 public:
  /// Over a BudgetClient and a ReportingConnection made from `options` (one transport, one token
  /// provider). Throws Error(kUsage) for options that cannot be sent.
  explicit UsageClient(ClientOptions options, UsageOptions usage = {});
  /// Over connections of your own (fakes in a test, decorators).
  UsageClient(BudgetClient budgets, std::shared_ptr<ReportingConnection> reporting,
              UsageOptions usage = {});
  /// For `budget_ids` (none: every budget of the account), over `period`: one report, submitted,
  /// polled (waits growing from first_poll_interval to max_poll_interval, within report_timeout)
  /// and downloaded. Errors: ApiFault for a fault, Error(kApiFault) naming the ReportRequestId and
  /// TrackingIds for a report whose status is Error, Error(kTimeout) past report_timeout.
  BudgetUsageResult GetBudgetUsage(const std::vector<std::int64_t>& budget_ids = {},
                                   const UsagePeriod& period = UsagePeriod::Today()) const;
  /// The same for another account (and customer), sharing this one's connections.
  UsageClient ForAccount(const std::string& account_id, const std::string& customer_id = {}) const;

 private:
  static UsageClient Make(ClientOptions options, UsageOptions usage);
  BudgetClient budgets_;
  std::shared_ptr<ReportingConnection> reporting_;
  UsageOptions usage_;
};

}  // namespace bingads
