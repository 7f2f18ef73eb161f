#include "usage_join.h"

#include <bingads/errors.h>

#include <algorithm>
#include <charconv>
#include <ctime>
#include <map>

#include "checks.h"
#include "core/money.h"
#include "reporting/report_file.h"

namespace bingads {
namespace {

bool ReadInt(std::string_view text, int& value) {
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return ec == std::errc() && end == text.data() + text.size() && !text.empty();
}

bool Exists(const Date& d) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (d.Year < 1 || d.Year > 9999 || d.Month < 1 || d.Month > 12 || d.Day < 1) return false;
  const bool leap = (d.Year % 4 == 0 && d.Year % 100 != 0) || d.Year % 400 == 0;
  return d.Day <= kDays[d.Month - 1] + (d.Month == 2 && leap ? 1 : 0);
}

}  // namespace

std::optional<Date> Date::Parse(std::string_view text) {
  Date d;
  const bool iso = text.size() == 10 && text[4] == '-' && text[7] == '-';
  if (iso) {
    if (!ReadInt(text.substr(0, 4), d.Year) || !ReadInt(text.substr(5, 2), d.Month) ||
        !ReadInt(text.substr(8, 2), d.Day)) {
      return std::nullopt;
    }
  } else {
    const std::size_t a = text.find('/');
    const std::size_t b = a == std::string_view::npos ? a : text.find('/', a + 1);
    if (b == std::string_view::npos || !ReadInt(text.substr(0, a), d.Month) ||
        !ReadInt(text.substr(a + 1, b - a - 1), d.Day) || !ReadInt(text.substr(b + 1), d.Year) ||
        text.size() - b - 1 != 4) {
      return std::nullopt;
    }
  }
  if (!Exists(d)) return std::nullopt;
  return d;
}

std::string Date::ToString() const {
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02d", Year, Month, Day);
  return buffer;
}

UsagePeriod UsagePeriod::Today() { return UsagePeriod{}; }
UsagePeriod UsagePeriod::ThisMonth() {
  UsagePeriod p;
  p.kind = Kind::kThisMonth;
  return p;
}
UsagePeriod UsagePeriod::Range(Date from, Date to) {
  UsagePeriod p;
  p.kind = Kind::kRange;
  p.from = from;
  p.to = to;
  return p;
}

namespace internal {
namespace {

[[noreturn]] void Unreadable(const std::string& problem) {
  throw Error(ErrorKind::kMalformedResponse, "usage report could not be read: " + problem);
}

std::size_t ColumnIndex(const ReportLayout& layout, const std::string& name) {
  const auto it = std::find(layout.columns.begin(), layout.columns.end(), name);
  if (it == layout.columns.end()) Unreadable("it has no column " + name);
  return static_cast<std::size_t>(it - layout.columns.begin());
}

SpendRow ToRow(const std::vector<std::string>& fields, const std::vector<std::size_t>& at,
               std::size_t line) {
  SpendRow row;
  const auto where = [line] { return " in data row " + std::to_string(line); };  // errors only
  const auto date = Date::Parse(fields[at[0]]);
  if (!date) Unreadable("TimePeriod '" + Excerpt(fields[at[0]], 40) + "' is no date" + where());
  row.date = *date;
  const std::string& id = fields[at[2]];
  const auto [end, ec] = std::from_chars(id.data(), id.data() + id.size(), row.campaign_id);
  if (ec != std::errc() || end != id.data() + id.size() || row.campaign_id <= 0) {
    Unreadable("CampaignId '" + Excerpt(id, 40) + "' is no id" + where());
  }
  const auto spend = ParseReportAmount(fields[at[4]]);
  if (!spend) Unreadable("Spend '" + Excerpt(fields[at[4]], 40) + "' is no amount" + where());
  row.spend = *spend;
  row.currency = fields[at[3]];
  return row;
}

void Accumulate(std::map<Date, Decimal>& days, const Date& date, const Decimal& spend) {
  auto [it, added] = days.try_emplace(date, spend);
  if (!added) it->second = Add(it->second, spend);
}

std::vector<DaySpend> ToDays(const std::map<Date, Decimal>& days) {
  std::vector<DaySpend> out;
  for (const auto& [date, spend] : days) out.push_back(DaySpend{date, spend});
  return out;
}

}  // namespace

const std::vector<std::string>& UsageColumns() {
  static const std::vector<std::string> kColumns = {"TimePeriod", "AccountId", "CampaignId",
                                                    "CurrencyCode", "Spend"};
  return kColumns;
}

ReportRequest UsageRequest(std::int64_t account_id, const std::vector<std::int64_t>& campaigns,
                           const UsagePeriod& period, const std::string& time_zone) {
  ReportRequest r;
  r.Columns = UsageColumns();
  if (campaigns.empty() || campaigns.size() > 300) {
    r.AccountIds = {account_id};
  } else {
    for (std::int64_t id : campaigns) r.Campaigns.emplace_back(account_id, id);
  }
  if (period.kind == UsagePeriod::Kind::kRange) {
    r.CustomDateRangeStart = std::min(period.from, period.to.FirstOfMonth());
    r.CustomDateRangeEnd = period.to;
  } else {
    r.PredefinedTime = "ThisMonth";  // today's month to date: Today alone has no month to date
  }
  r.ReportTimeZone = time_zone;
  return r;
}

std::vector<SpendRow> ReadSpendRows(std::string_view text, UsageReport& report) {
  std::vector<SpendRow> rows;
  std::vector<std::size_t> at;
  const ReportLayout layout = ReadReport(
      text, ',', [&](const ReportLayout& so_far, const std::vector<std::string>& fields) {
        if (at.empty()) {
          for (const std::string& name : UsageColumns()) at.push_back(ColumnIndex(so_far, name));
        }
        rows.push_back(ToRow(fields, at, rows.size() + 1));
      });
  report.report_time = layout.Header("Report Time");
  report.time_zone = layout.Header("Time Zone");
  report.last_completed_day = layout.Header("Last Completed Available Day");
  report.potentially_incomplete = layout.Header("Potential Incomplete Data") == "true";
  report.rows = layout.rows;
  return rows;
}

void ResolveDays(const UsagePeriod& period, const std::vector<SpendRow>& rows,
                 UsageReport& report) {
  if (period.kind == UsagePeriod::Kind::kRange) {
    report.first_day = period.from;
    report.last_day = period.to;
    return;
  }
  // "Report Time: 12/1/2026, 12/3/2026": the service's own today, in the report's time zone.
  const std::string& said = report.report_time;
  const std::size_t comma = said.rfind(',');
  std::optional<Date> today = Date::Parse(
      comma == std::string::npos ? said : said.substr(said.find_first_not_of(' ', comma + 1)));
  for (const SpendRow& row : rows) {
    if (!today || *today < row.date) today = row.date;
  }
  if (!today) return;  // an empty report: the service's today is unknown
  report.last_day = *today;
  report.first_day = period.kind == UsagePeriod::Kind::kToday ? *today : today->FirstOfMonth();
}

namespace {

BudgetUsage UsageOf(std::int64_t id, const Budget& budget, const std::optional<IdCollection>& ids,
                    const std::multimap<std::int64_t, const SpendRow*>& by_campaign,
                    const UsagePeriod& period, const UsageReport& report) {
  BudgetUsage u;
  u.budget_id = id;
  u.name = budget.Name;
  u.amount = budget.Amount;
  u.budget_type = budget.BudgetType;
  std::map<Date, Decimal> days;
  const Date first_day = report.first_day.value_or(Date{});
  const Date last_day = report.last_day.value_or(Date{});
  const Date month_start = last_day.FirstOfMonth();
  for (const auto& campaign : ids ? ids->Ids : std::vector<std::optional<std::int64_t>>{}) {
    if (!campaign) continue;
    CampaignUsage c{*campaign, {}};
    std::map<Date, Decimal> own;
    const auto [first, last] = by_campaign.equal_range(*campaign);
    for (auto it = first; it != last; ++it) {
      const SpendRow& row = *it->second;
      if (u.currency.empty()) u.currency = row.currency;
      if (row.date >= month_start && row.date <= last_day) {
        u.month_to_date = Add(u.month_to_date, row.spend);
      }
      if (row.date < first_day || row.date > last_day) continue;
      Accumulate(own, row.date, row.spend);
      Accumulate(days, row.date, row.spend);
    }
    c.days = ToDays(own);
    u.campaigns.push_back(std::move(c));
  }
  u.days = ToDays(days);
  const auto last = days.find(last_day);
  const Decimal last_spend = last != days.end() ? last->second : Decimal();
  if (period.kind != UsagePeriod::Kind::kRange) u.spend_today = last_spend;
  // A lifetime budget's amount is no daily amount: no share of it is given.
  const bool daily = !u.budget_type || u.budget_type->Text().rfind("Daily", 0) == 0;
  if (u.amount && daily) u.percent_of_daily_amount = Percent(last_spend, *u.amount);
  return u;
}

}  // namespace

std::vector<std::optional<BudgetUsage>> JoinUsage(const std::vector<std::int64_t>& budget_ids,
                                                  const GetBudgetsByIdsResult& budgets,
                                                  const GetCampaignIdsByBudgetIdsResult& campaigns,
                                                  const std::vector<SpendRow>& rows,
                                                  const UsagePeriod& period,
                                                  const UsageReport& report) {
  std::multimap<std::int64_t, const SpendRow*> by_campaign;
  for (const SpendRow& row : rows) by_campaign.emplace(row.campaign_id, &row);
  std::vector<std::optional<BudgetUsage>> usage(budget_ids.size());
  for (std::size_t i = 0; i < budget_ids.size(); ++i) {
    if (i >= budgets.Budgets.size() || !budgets.Budgets[i]) continue;
    const std::optional<IdCollection> none;
    const auto& ids =
        i < campaigns.CampaignIdCollection.size() ? campaigns.CampaignIdCollection[i] : none;
    usage[i] = UsageOf(budget_ids[i], *budgets.Budgets[i], ids, by_campaign, period, report);
  }
  return usage;
}

}  // namespace internal
}  // namespace bingads
