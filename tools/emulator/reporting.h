// bingads-emulator: the Reporting service for budget usage. Submit validates a report request
// (faults with the reporting codes), Poll says Pending for a set time and then Success with a
// download URL of its own (random, expiring, served without credentials), and the file is a ZIP
// holding a CSV in Microsoft's layout. Spend is made up, deterministically (see SpendCents).
#pragma once

#include <bingads/usage.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "service.h"

namespace bingads::emulator {

/// A report request as a front decoded it: the domain request plus the base type's switches.
struct SubmittedReport {
  bool present = false;  ///< false: ReportRequest was nil or absent (code 2001)
  ReportRequest request;
  std::string format = "Csv";  ///< Csv or Tsv (Xml is refused)
  bool exclude_column_headers = false;
  bool exclude_report_footer = false;
  bool exclude_report_header = false;
  bool return_only_complete_data = false;
};

/// What a poll answers.
struct PollAnswer {
  std::string status;                       ///< Pending or Success
  std::optional<std::string> download_url;  ///< With Success, unless the report has no rows
};

struct ReportingOptions {
  /// How long a report stays Pending after its submit.
  std::chrono::milliseconds pending = std::chrono::milliseconds(1500);
  /// How long a download URL works (Microsoft: five minutes).
  std::chrono::seconds url_ttl{300};
  /// Reports kept at once; the oldest goes first past it.
  std::size_t max_reports = 1000;
  /// Test hook; null means steady_clock.
  std::function<std::chrono::steady_clock::time_point()> clock;
  /// Test hook for "today" (UTC); null means the system clock's date.
  std::function<Date()> today;
};

/// Spend of one campaign on one day, in cents: a seeded hash of (account, campaign, day) picks
/// whether the campaign spent (nine days in ten) and what share of the budget's daily amount
/// (30-100%, split among the campaigns sharing it by hashed weights); so a shared budget's day
/// never exceeds its amount. Exposed for tests.
std::int64_t SpendCents(const std::string& account_id, std::int64_t campaign_id,
                        const std::vector<std::int64_t>& sharing, std::int64_t amount_cents,
                        const Date& day);

class ReportingService {
 public:
  ReportingService(BudgetService& budgets, ReportingOptions options);

  /// SubmitGenerateReport: the ReportRequestId, or a fault as the service gives it.
  Outcome<std::string> Submit(const RequestContext& context, const SubmittedReport& report,
                              const std::string& tracking_id);
  /// PollGenerateReport; `base_url` is where the download URL points (http://HOST).
  Outcome<PollAnswer> Poll(const RequestContext& context, const std::string& id,
                           const std::string& base_url, const std::string& tracking_id);
  /// The file behind a download path's token, or nullopt when there is none or it expired.
  std::optional<std::string> Download(const std::string& token);

  /// Where download URLs live below the base URL.
  static constexpr const char* kDownloadPrefix = "/Reporting/Download/";

 private:
  struct Stored {
    std::string customer_id;
    std::string zip;  // empty: no rows (the poll gives no URL)
    std::chrono::steady_clock::time_point ready;
    std::string token;
    std::chrono::steady_clock::time_point token_expiry;
    std::uint64_t sequence = 0;  // submit order: the oldest goes first past max_reports
  };
  std::chrono::steady_clock::time_point Now() const;
  Date Today() const;
  std::optional<Fault> Validate(const SubmittedReport& report, const std::string& tracking_id,
                                std::pair<Date, Date>& days) const;
  std::string Generate(const SubmittedReport& report,
                       const std::map<std::string, StoredAccount>& accounts,
                       std::pair<Date, Date> days, std::size_t& rows) const;

  BudgetService& budgets_;
  ReportingOptions options_;
  std::mutex mutex_;
  std::map<std::string, Stored> reports_;  // by ReportRequestId
  std::uint64_t next_ = 0;
};

}  // namespace bingads::emulator
