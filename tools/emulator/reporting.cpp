#include "reporting.h"

#include <algorithm>
#include <array>
#include <ctime>
#include <random>
#include <set>

#include "report_zip.h"

namespace bingads::emulator {
namespace {

std::uint64_t Mix(std::uint64_t x) {  // splitmix64's finaliser
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

std::uint64_t Hash(const std::string& account, std::int64_t id, std::int64_t day) {
  std::uint64_t h = 1469598103934665603ull;  // FNV-1a of the account id, then mixed
  for (unsigned char c : account) h = (h ^ c) * 1099511628211ull;
  return Mix(Mix(h ^ static_cast<std::uint64_t>(id)) ^ static_cast<std::uint64_t>(day));
}

// Days since 1970-01-01 and back (Howard Hinnant's civil-date algorithms).
std::int64_t DaysOf(const Date& d) {
  const int y = d.Year - (d.Month <= 2 ? 1 : 0);
  const int era = (y >= 0 ? y : y - 399) / 400;
  const int yoe = y - era * 400;
  const int doy = (153 * (d.Month + (d.Month > 2 ? -3 : 9)) + 2) / 5 + d.Day - 1;
  const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return static_cast<std::int64_t>(era) * 146097 + doe - 719468;
}

Date DateOf(std::int64_t days) {
  days += 719468;
  const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const auto doe = static_cast<int>(days - era * 146097);
  const int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int mp = (5 * doy + 2) / 153;
  const int day = doy - (153 * mp + 2) / 5 + 1;
  const int month = mp + (mp < 10 ? 3 : -9);
  return Date{static_cast<int>(yoe + era * 400) + (month <= 2 ? 1 : 0), month, day};
}

std::int64_t Cents(const std::optional<Decimal>& amount) {
  if (!amount) return 0;
  const std::string& text = amount->Canonical();
  std::int64_t cents = 0;
  int fraction = -1;
  for (char c : text) {
    if (c == '.') {
      fraction = 0;
    } else if (c >= '0' && c <= '9' && fraction < 2) {
      cents = cents * 10 + (c - '0');
      if (fraction >= 0) ++fraction;
    }
  }
  for (int i = std::max(fraction, 0); i < 2; ++i) cents *= 10;
  return text[0] == '-' ? -cents : cents;
}

std::string Money(std::int64_t cents) {
  const std::string whole = std::to_string(cents / 100);
  const std::int64_t part = cents % 100;
  return whole + (part < 10 ? ".0" : ".") + std::to_string(part);
}

}  // namespace

std::int64_t SpendCents(const std::string& account_id, std::int64_t campaign_id,
                        const std::vector<std::int64_t>& sharing, std::int64_t amount_cents,
                        const Date& day) {
  const std::int64_t d = DaysOf(day);
  if (Hash(account_id, campaign_id, d) % 10 == 0) return -1;  // no row: no spend that day
  std::uint64_t weights = 0;
  std::uint64_t own = 0;
  for (std::int64_t c : sharing) {
    const std::uint64_t w = 1 + Hash(account_id, c, -1) % 9;
    weights += w;
    if (c == campaign_id) own = w;
  }
  if (weights == 0 || amount_cents <= 0) return 0;
  const std::int64_t percent =
      30 + static_cast<std::int64_t>(Hash(account_id, sharing.front(), d) % 71);
  const std::int64_t budget_day = amount_cents * percent / 100;
  return static_cast<std::int64_t>(static_cast<std::uint64_t>(budget_day) * own / weights);
}

ReportingService::ReportingService(BudgetService& budgets, ReportingOptions options)
    : budgets_(budgets), options_(std::move(options)) {}

std::chrono::steady_clock::time_point ReportingService::Now() const {
  return options_.clock ? options_.clock() : std::chrono::steady_clock::now();
}

Date ReportingService::Today() const {
  if (options_.today) return options_.today();
  const auto days = std::chrono::duration_cast<std::chrono::hours>(
                        std::chrono::system_clock::now().time_since_epoch())
                        .count() /
                    24;
  return DateOf(days);
}

namespace {

const std::set<std::string> kPerformanceColumns = {"TimePeriod",
                                                   "AccountId",
                                                   "AccountName",
                                                   "AccountNumber",
                                                   "CampaignId",
                                                   "CampaignName",
                                                   "CurrencyCode",
                                                   "Spend",
                                                   "BudgetName",
                                                   "BudgetStatus",
                                                   "BudgetAssociationStatus",
                                                   "Impressions",
                                                   "Clicks"};
const std::set<std::string> kSummaryColumns = {
    "AccountName", "AccountNumber", "AccountId",     "CampaignName", "CampaignId",
    "Date",        "CurrencyCode",  "MonthlyBudget", "DailySpend",   "MonthToDateSpend"};

// The first and last day of a predefined period; nullopt for one the emulator does not serve.
std::optional<std::pair<Date, Date>> Predefined(const std::string& name, const Date& today) {
  const std::int64_t t = DaysOf(today);
  if (name == "Today") return std::pair{today, today};
  if (name == "Yesterday") return std::pair{DateOf(t - 1), DateOf(t - 1)};
  if (name == "LastSevenDays") return std::pair{DateOf(t - 7), DateOf(t - 1)};
  if (name == "ThisMonth") return std::pair{today.FirstOfMonth(), today};
  if (name == "LastMonth") {
    const Date last = DateOf(DaysOf(today.FirstOfMonth()) - 1);
    return std::pair{last.FirstOfMonth(), last};
  }
  return std::nullopt;
}

}  // namespace

// A refusal as the Reporting service words it: one OperationError.
using Refusal = std::function<Fault(int code, const char* symbol, const std::string& message)>;

namespace {

// The columns: given, once each, known, the required ones there, and the aggregation with them.
std::optional<Fault> CheckColumns(const ReportRequest& r, const Refusal& fault) {
  const bool performance = r.Type == "CampaignPerformanceReportRequest";
  if (r.Columns.empty())
    return fault(2014, "ReportingServiceNullColumns", "The columns are null or empty.");
  std::set<std::string> seen;
  for (const std::string& c : r.Columns) {
    if (!seen.insert(c).second)
      return fault(2016, "ReportingServiceDuplicateColumns", "Duplicate column: " + c);
    if (!(performance ? kPerformanceColumns : kSummaryColumns).count(c)) {
      return fault(100, "InvalidRequest", "The column '" + c + "' is not one the emulator serves.");
    }
  }
  if (!performance) {
    for (const char* required :
         {"AccountName", "AccountNumber", "CampaignName", "CurrencyCode", "Date"}) {
      if (!seen.count(required)) {
        return fault(2015, "ReportingServiceRequiredColumnsNotSelected",
                     std::string("The required column ") + required + " is missing.");
      }
    }
  } else if (r.Aggregation != "Daily" && r.Aggregation != "Summary") {
    return fault(2007, "ReportingServiceInvalidReportAggregation",
                 "The emulator serves Daily and Summary aggregation, not '" + r.Aggregation + "'.");
  } else if (r.Aggregation == "Summary" && seen.count("TimePeriod")) {
    return fault(2034, "ReportingServiceInvalidTimePeriodColumnForSummaryReport",
                 "TimePeriod cannot be asked of a Summary report.");
  }
  return std::nullopt;
}

// The time: a predefined period or a custom range, not both, no day in the future; `days` gets
// the first and last day.
std::optional<Fault> CheckTime(const ReportRequest& r, const Date& today,
                               std::pair<Date, Date>& days, const Refusal& fault) {
  const bool custom = r.CustomDateRangeStart || r.CustomDateRangeEnd;
  if (custom == !r.PredefinedTime.empty()) {
    return fault(2008, "ReportingServiceInvalidReportTimeSelection",
                 "Give either a predefined time or a custom date range.");
  }
  if (!custom) {
    const auto range = Predefined(r.PredefinedTime, today);
    if (!range)
      return fault(100, "InvalidRequest",
                   "The emulator does not serve PredefinedTime '" + r.PredefinedTime + "'.");
    days = *range;
    return std::nullopt;
  }
  if (!r.CustomDateRangeStart)
    return fault(2009, "ReportingServiceInvalidCustomDateRangeStart", "No start date.");
  if (!r.CustomDateRangeEnd)
    return fault(2010, "ReportingServiceInvalidCustomDateRangeEnd", "No end date.");
  days = {*r.CustomDateRangeStart, *r.CustomDateRangeEnd};
  if (days.second < days.first)
    return fault(2011, "ReportingServiceEndDateBeforeStartDate", "The end is before the start.");
  if (today < days.first)
    return fault(2041, "ReportingServiceInvalidFutureStartDate", "The start is in the future.");
  if (today < days.second)
    return fault(2010, "ReportingServiceInvalidCustomDateRangeEnd", "The end is in the future.");
  return std::nullopt;
}

}  // namespace

std::optional<Fault> ReportingService::Validate(const SubmittedReport& s,
                                                const std::string& tracking_id,
                                                std::pair<Date, Date>& days) const {
  const Refusal fault = [&tracking_id](int code, const char* symbol, const std::string& message) {
    return BudgetService::RequestFault(tracking_id, code, symbol, message);
  };
  if (!s.present)
    return fault(2001, "ReportingServiceNullReportRequest", "The report request is null.");
  const ReportRequest& r = s.request;
  if (r.Type != "CampaignPerformanceReportRequest" && r.Type != "BudgetSummaryReportRequest") {
    return fault(2002, "ReportingServiceUnknownReportType",
                 "The report type '" + r.Type + "' is not one the emulator serves.");
  }
  if (s.format != "Csv" && s.format != "Tsv") {
    return fault(100, "InvalidRequest",
                 "The emulator serves Csv and Tsv reports, not " + s.format + ".");
  }
  if (auto refused = CheckColumns(r, fault)) return refused;
  if (r.AccountIds.empty() && r.Campaigns.empty()) {
    return fault(2027, "ReportingServiceInvalidAccountThruCampaignReportScope",
                 "The scope names no account and no campaign.");
  }
  if (r.AccountIds.size() > 1000)
    return fault(2029, "ReportingServiceAccountsOverLimit", "More than 1,000 accounts.");
  if (r.Campaigns.size() > 300) {
    return fault(2030, "ReportingServiceMaximumCampaignsLimitReached", "More than 300 campaigns.");
  }
  const Date today = Today();
  if (auto refused = CheckTime(r, today, days, fault)) return refused;
  if (s.return_only_complete_data && !(days.second < today)) {
    return fault(2005, "ReportingServiceInvalidDataAvailabilityAndTimePeriodCombination",
                 "ReturnOnlyCompleteData cannot be true for a period that includes today.");
  }
  return std::nullopt;
}

namespace {

std::string Slash(const Date& d) {
  return std::to_string(d.Month) + "/" + std::to_string(d.Day) + "/" + std::to_string(d.Year);
}

// One campaign's spend on one day, and what the columns need around it.
struct Line {
  std::string account;
  std::int64_t campaign = 0;
  const Budget* budget = nullptr;
  Date day;
  std::int64_t cents = 0;
  std::int64_t month_to_date = 0;  // through `day`
};

std::string Cell(const std::string& column, const Line& l) {
  if (column == "TimePeriod") return l.day.ToString();
  if (column == "Date") return Slash(l.day);
  if (column == "AccountId") return l.account;
  if (column == "AccountName") return "Emulated account " + l.account;
  if (column == "AccountNumber") return "E" + l.account;
  if (column == "CampaignId") return std::to_string(l.campaign);
  if (column == "CampaignName") return "Campaign " + std::to_string(l.campaign);
  if (column == "CurrencyCode") return "USD";
  if (column == "Spend" || column == "DailySpend") return Money(l.cents);
  if (column == "MonthToDateSpend") return Money(l.month_to_date);
  if (column == "BudgetName") return l.budget && l.budget->Name ? *l.budget->Name : "";
  if (column == "BudgetStatus") return "Active";
  if (column == "BudgetAssociationStatus") return "Current";
  if (column == "Impressions") return std::to_string(l.cents * 3);
  if (column == "Clicks") return std::to_string(l.cents / 40);
  if (column == "MonthlyBudget") {
    // Spend so far and the daily amount for each day left in the month (the documented forecast).
    const Date next = DateOf(DaysOf(Date{l.day.Year, l.day.Month, 28}) + 4).FirstOfMonth();
    const std::int64_t left = DaysOf(next) - DaysOf(l.day) - 1;
    return Money(l.month_to_date + Cents(l.budget ? l.budget->Amount : std::nullopt) * left);
  }
  return "--";
}

std::string Quoted(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

// The header lines of a report file, then the blank line after them.
std::string HeaderLines(const ReportRequest& r, std::pair<Date, Date> days, const Date& today,
                        std::size_t rows) {
  const std::string zone = r.ReportTimeZone.empty()
                               ? std::string("(GMT-08:00) Pacific Time (US & Canada); Tijuana")
                               : r.ReportTimeZone;
  const std::string range =
      Slash(days.first) + (days.first == days.second ? "" : ", " + Slash(days.second));
  const std::string aggregation =
      r.Type == "BudgetSummaryReportRequest" ? std::string("Daily") : r.Aggregation;
  std::string out;
  for (const std::string& line :
       {"Report Name: " + r.ReportName, "Report Time: " + range, "Time Zone: " + zone,
        "Last Completed Available Day: " + Slash(today) + " 12:00:00 AM (GMT)",
        "Last Completed Available Hour: " + Slash(today) + " 12:00:00 AM (GMT)",
        "Report Aggregation: " + aggregation, std::string("Report Filter: "),
        std::string("Potential Incomplete Data: ") + (days.second < today ? "false" : "true"),
        "Rows: " + std::to_string(rows)}) {
    out += Quoted(line) + "\r\n";
  }
  return out + "\r\n";
}

}  // namespace

std::string ReportingService::Generate(const SubmittedReport& s,
                                       const std::map<std::string, StoredAccount>& accounts,
                                       std::pair<Date, Date> days, std::size_t& rows) const {
  const ReportRequest& r = s.request;
  const bool summary = r.Aggregation == "Summary" && r.Type == "CampaignPerformanceReportRequest";
  std::set<std::pair<std::string, std::int64_t>> only;
  for (const auto& [a, c] : r.Campaigns) only.emplace(std::to_string(a), c);
  std::vector<Line> lines;
  for (const auto& [account_id, account] : accounts) {
    std::map<std::int64_t, std::vector<std::int64_t>> sharing_of;  // budget -> its campaigns
    for (const auto& [c, b] : account.campaigns) sharing_of[b].push_back(c);
    for (const auto& [campaign, budget_id] : account.campaigns) {
      if (!only.empty() && !only.count({account_id, campaign})) continue;
      const auto budget = account.budgets.find(budget_id);
      if (budget == account.budgets.end()) continue;
      const std::vector<std::int64_t>& sharing = sharing_of[budget_id];
      const std::int64_t amount = Cents(budget->second.Amount);
      Line total{account_id, campaign, &budget->second, days.second, 0, 0};
      std::int64_t month_to_date = 0;
      for (std::int64_t d = DaysOf(days.first.FirstOfMonth()); d <= DaysOf(days.second); ++d) {
        const Date day = DateOf(d);
        if (day.Day == 1) month_to_date = 0;
        const std::int64_t cents = SpendCents(account_id, campaign, sharing, amount, day);
        month_to_date += std::max<std::int64_t>(cents, 0);
        if (cents < 0 || day < days.first) continue;
        total.cents += cents;
        if (!summary)
          lines.push_back(Line{account_id, campaign, &budget->second, day, cents, month_to_date});
      }
      if (summary && total.cents > 0) lines.push_back(total);
    }
  }
  const char delimiter = s.format == "Tsv" ? '\t' : ',';
  std::string out;
  const Date today = Today();
  if (!s.exclude_report_header) out += HeaderLines(r, days, today, lines.size());
  const auto row = [&out, delimiter](const std::vector<std::string>& cells) {
    for (std::size_t i = 0; i < cells.size(); ++i)
      out += (i ? std::string(1, delimiter) : "") + Quoted(cells[i]);
    out += "\r\n";
  };
  if (!s.exclude_column_headers) row(r.Columns);
  for (const Line& l : lines) {
    std::vector<std::string> cells;
    for (const std::string& c : r.Columns) cells.push_back(Cell(c, l));
    row(cells);
  }
  if (!s.exclude_report_footer) {
    out += "\r\n" +
           Quoted("\xC2\xA9" + std::to_string(today.Year) +
                  " Microsoft Corporation. All rights reserved. ") +
           "\r\n";
  }
  rows = lines.size();
  return out;
}

Outcome<std::string> ReportingService::Submit(const RequestContext& context,
                                              const SubmittedReport& report,
                                              const std::string& tracking_id) {
  std::pair<Date, Date> days;
  if (auto fault = Validate(report, tracking_id, days)) return *fault;
  std::vector<std::string> ids;
  for (std::int64_t a : report.request.AccountIds) ids.push_back(std::to_string(a));
  for (const auto& [a, c] : report.request.Campaigns) ids.push_back(std::to_string(a));
  auto accounts = budgets_.ReportAccounts(context, ids, tracking_id);
  if (const auto* fault = std::get_if<Fault>(&accounts)) return *fault;
  std::size_t rows = 0;
  const std::string text = Generate(report, std::get<0>(accounts), days, rows);
  Stored stored{context.customer_id,
                rows > 0 ? ZipOneEntry(report.request.ReportName + ".csv", text) : "",
                Now() + options_.pending,
                "",
                {}};
  std::lock_guard<std::mutex> lock(mutex_);
  if (reports_.size() >= options_.max_reports) {
    reports_.erase(std::min_element(
        reports_.begin(), reports_.end(),
        [](const auto& a, const auto& b) { return a.second.sequence < b.second.sequence; }));
  }
  stored.sequence = ++next_;
  // Not guessable: a poll of another customer's report must not be a matter of counting.
  std::random_device device;
  char id[24];
  std::snprintf(id, sizeof id, "%08x%08x", device(), device());
  reports_.emplace(id, std::move(stored));
  return id;
}

Outcome<PollAnswer> ReportingService::Poll(const RequestContext& context, const std::string& id,
                                           const std::string& base_url,
                                           const std::string& tracking_id) {
  if (auto fault = budgets_.Authorize(context, tracking_id)) return *fault;
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = reports_.find(id);
  if (it == reports_.end() || it->second.customer_id != context.customer_id) {
    return BudgetService::RequestFault(tracking_id, 2100, "ReportingServiceInvalidReportId",
                                       "The report request id is invalid.");
  }
  Stored& r = it->second;
  const auto now = Now();
  if (now < r.ready) return PollAnswer{"Pending", std::nullopt};
  if (r.zip.empty()) return PollAnswer{"Success", std::nullopt};
  if (r.token.empty() || r.token_expiry <= now) {  // a fresh URL for every expired one
    std::random_device device;
    char token[33];
    for (int i = 0; i < 32; i += 8) std::snprintf(token + i, 9, "%08x", device());
    r.token = token;
    r.token_expiry = now + options_.url_ttl;
  }
  return PollAnswer{"Success", base_url + kDownloadPrefix + r.token + ".zip"};
}

std::optional<std::string> ReportingService::Download(const std::string& token) {
  std::lock_guard<std::mutex> lock(mutex_);
  const auto now = Now();
  for (const auto& [id, r] : reports_) {
    if (!r.token.empty() && r.token + ".zip" == token && now < r.token_expiry) return r.zip;
  }
  return std::nullopt;
}

}  // namespace bingads::emulator
