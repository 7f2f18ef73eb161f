// Budget usage over REST against canned replies: the join of budgets, their campaigns and the
// report's spend, the polling, and the download that never carries a credential.
#include <bingads/parity.h>
#include <bingads/usage.h>
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "cli.h"
#include "core/money.h"
#include "official_wsdl.h"
#include "report_zip.h"
#include "reporting.h"
#include "reporting/reporting_codec.h"
#include "reporting/usage_join.h"
#include "support.h"

namespace {

using bingads::Decimal;

const std::string kBudgets =
    R"({"Budgets":[{"Amount":50.00,"AssociationCount":2,"BudgetType":"DailyBudgetStandard",)"
    R"("Id":"11","Name":"Summer \u00e9t\u00e9"},null,{"Amount":20,"AssociationCount":1,)"
    R"("BudgetType":"DailyBudgetStandard","Id":"12","Name":"Boots"}],"PartialErrors":[{"Code":1235,)"
    R"("Details":null,"ErrorCode":"CampaignServiceBudgetIdInvalid","FieldPath":null,)"
    R"("ForwardCompatibilityMap":null,"Index":1,"Message":"The budget ID is invalid.","Type":"BatchError"}]})";
const std::string kCampaigns =
    R"({"CampaignIdCollection":[{"Ids":["101","102"]},null,{"Ids":["201"]}],"PartialErrors":[]})";
const std::string kReport =
    "\xEF\xBB\xBF\"Report Name: bingads-budgets usage\"\r\n\"Report Time: 12/1/2026, "
    "12/3/2026\"\r\n"
    "\"Time Zone: (GMT-08:00) Pacific Time (US & Canada); Tijuana\"\r\n"
    "\"Potential Incomplete Data: true\"\r\n\"Rows: 4\"\r\n\r\n"
    "\"TimePeriod\",\"AccountId\",\"CampaignId\",\"CurrencyCode\",\"Spend\"\r\n"
    "\"2026-12-01\",\"7\",\"101\",\"USD\",\"10.00\"\r\n"
    "\"2026-12-03\",\"7\",\"101\",\"USD\",\"12.50\"\r\n"
    "\"2026-12-03\",\"7\",\"102\",\"USD\",\"7.25\"\r\n"
    "\"2026-12-02\",\"7\",\"201\",\"USD\",\"3.00\"\r\n\r\n"
    "\"\xC2\xA9"
    "2026 Microsoft Corporation. All rights reserved. \"\r\n";

struct Setup {
  std::shared_ptr<testing::FakeTransport> transport = std::make_shared<testing::FakeTransport>();
  testing::FakeClock clock;
  std::vector<std::string> log;
  bingads::ClientOptions Options() {
    bingads::ClientOptions o;
    o.endpoint = "https://api.example";
    o.credentials = {"dev-token-1", "access-token-1", "5", "7"};
    o.transport = transport;
    o.clock = [this] { return clock.now; };
    o.sleep = [this](std::chrono::milliseconds d) {
      clock.sleeps.push_back(d);
      clock.now += d;
    };
    o.log = [this](std::string_view line) { log.emplace_back(line); };
    return o;
  }
  void PushReads() {
    transport->Push(200, kBudgets, {{"TrackingId", "t-budgets"}});
    transport->Push(200, kCampaigns, {{"TrackingId", "t-campaigns"}});
    transport->Push(200, R"({"ReportRequestId":"rr-1"})", {{"TrackingId", "t-submit"}});
  }
};

bingads::Decimal D(const char* text) { return Decimal::FromString(text); }

}  // namespace

TEST_CASE("usage: budgets, their campaigns and the report's spend join into one slot per id") {
  Setup s;
  s.PushReads();
  s.transport->Push(200,
                    R"({"ReportRequestStatus":{"ReportDownloadUrl":null,"Status":"Pending"}})");
  s.transport->Push(
      200,
      R"({"ReportRequestStatus":{"ReportDownloadUrl":"https://dl.example/r.zip?sig=secret-sig","Status":"Success"}})");
  s.transport->Push(200, bingads::emulator::ZipOneEntry("r.csv", kReport));
  const bingads::UsageClient client(s.Options());
  const auto result = client.GetBudgetUsage({11, 99, 12});

  REQUIRE(result.Usage.size() == 3);
  CHECK_FALSE(result.Usage[1].has_value());
  REQUIRE(result.PartialErrors.size() == 1);
  CHECK(bingads::BaseOf(result.PartialErrors[0]).Index == 1);
  const bingads::BudgetUsage& a = *result.Usage[0];
  CHECK(a.name == "Summer \xC3\xA9t\xC3\xA9");
  CHECK(a.campaigns.size() == 2);
  CHECK(a.days == std::vector<bingads::DaySpend>{{{2026, 12, 3}, D("19.75")}});
  CHECK(a.spend_today == D("19.75"));
  CHECK(a.month_to_date == D("29.75"));
  CHECK(a.percent_of_daily_amount->Text() == "39.50");
  CHECK(a.currency == "USD");
  const bingads::BudgetUsage& b = *result.Usage[2];
  CHECK(b.days.empty());  // no spend today
  CHECK(b.spend_today == D("0"));
  CHECK(b.month_to_date == D("3.00"));
  CHECK(b.percent_of_daily_amount->Text() == "0.00");
  CHECK(result.report.report_request_id == "rr-1");
  CHECK(result.report.potentially_incomplete);
  CHECK(result.report.last_day == bingads::Date{2026, 12, 3});
  CHECK(result.TrackingIds == std::vector<std::string>{"t-budgets", "t-campaigns", "", ""});

  // What was asked: the budgets' three campaigns, this month; then one wait of a second.
  const auto& requests = s.transport->requests;
  REQUIRE(requests.size() == 6);
  CHECK(requests[2].url == "https://api.example/Reporting/v13/GenerateReport/Submit");
  CHECK(requests[2].body.find(R"("Campaigns":[{"AccountId":"7","CampaignId":"101"},)") !=
        std::string::npos);
  CHECK(requests[2].body.find(R"("PredefinedTime":"ThisMonth")") != std::string::npos);
  CHECK(requests[2].body.find(R"("Type":"CampaignPerformanceReportRequest"})") !=
        std::string::npos);
  CHECK(s.clock.sleeps == std::vector<std::chrono::milliseconds>{std::chrono::seconds(1)});
  // The download carries no credential, and the log never shows the URL's signature.
  CHECK(requests[5].url == "https://dl.example/r.zip?sig=secret-sig");
  CHECK(requests[5].headers.empty());
  for (const auto& line : s.log) CHECK(line.find("secret-sig") == std::string::npos);
}

TEST_CASE("usage: a report in Error, one past its deadline, one with no data, a hostile URL") {
  SUBCASE("Error names the ReportRequestId and the TrackingIds") {
    Setup s;
    s.PushReads();
    s.transport->Push(200, R"({"ReportRequestStatus":{"ReportDownloadUrl":null,"Status":"Error"}})",
                      {{"TrackingId", "t-poll"}});
    try {
      bingads::UsageClient(s.Options()).GetBudgetUsage({11, 99, 12});
      FAIL("no error");
    } catch (const bingads::Error& e) {
      CHECK(std::string(e.what()).find("report rr-1 ended with status 'Error'") !=
            std::string::npos);
      CHECK(std::string(e.what()).find("t-poll") != std::string::npos);
    }
  }
  SUBCASE("Pending past the report timeout: polls growing from 1 s, then a timeout") {
    Setup s;
    s.PushReads();
    for (int i = 0; i < 10; ++i) {
      s.transport->Push(200,
                        R"({"ReportRequestStatus":{"ReportDownloadUrl":null,"Status":"Pending"}})");
    }
    bingads::UsageOptions usage;
    usage.report_timeout = std::chrono::seconds(20);
    usage.max_poll_interval = std::chrono::seconds(8);
    try {
      bingads::UsageClient(s.Options(), usage).GetBudgetUsage({11, 99, 12});
      FAIL("no error");
    } catch (const bingads::Error& e) {
      CHECK(e.Kind() == bingads::ErrorKind::kTimeout);
    }
    using std::chrono::seconds;
    CHECK(s.clock.sleeps == std::vector<std::chrono::milliseconds>{
                                seconds(1), seconds(2), seconds(4), seconds(8), seconds(5)});
  }
  SUBCASE("Success with no URL is an empty report: the budgets with no spend") {
    Setup s;
    s.PushReads();
    s.transport->Push(200, R"({"ReportRequestStatus":{"Status":"Success"}})");
    const auto result =
        bingads::UsageClient(s.Options())
            .GetBudgetUsage({11, 99, 12}, bingads::UsagePeriod::Day({2026, 11, 30}));
    CHECK(result.report.empty);
    REQUIRE(result.Usage[0].has_value());
    CHECK(result.Usage[0]->month_to_date == D("0"));
    CHECK_FALSE(result.Usage[0]->spend_today.has_value());  // a range does not end "today"
    CHECK(s.transport->requests.size() == 4);
    CHECK(s.transport->requests[2].body.find(
              R"("CustomDateRangeStart":{"Day":1,"Month":11,"Year":2026})") != std::string::npos);
  }
  SUBCASE("a clear-text or credential-seeking download URL is refused before it is asked") {
    for (const char* url :
         {"http://dl.example/r.zip", "file:///etc/passwd", "https://u:p@dl.example/\r\nX: y"}) {
      Setup s;
      s.PushReads();
      s.transport->Push(
          200, std::string(R"({"ReportRequestStatus":{"ReportDownloadUrl":")") +
                   (url[0] == 'h' && url[4] == 's' ? "https://u:p@dl.example/\\r\\nX: y" : url) +
                   R"(","Status":"Success"}})");
      CHECK_THROWS_AS(bingads::UsageClient(s.Options()).GetBudgetUsage({11, 99, 12}),
                      bingads::Error);
      CHECK(s.transport->requests.size() == 4);  // the download was never sent
    }
  }
  SUBCASE("a ZIP bomb ends with the size-limit error") {
    Setup s;
    s.PushReads();
    s.transport->Push(
        200,
        R"({"ReportRequestStatus":{"ReportDownloadUrl":"https://dl.example/r.zip","Status":"Success"}})");
    s.transport->Push(200, bingads::emulator::ZipOneEntry("r.csv", std::string(8 << 20, ',')));
    bingads::UsageOptions usage;
    usage.max_report_bytes = 1 << 20;
    try {
      bingads::UsageClient(s.Options(), usage).GetBudgetUsage({11, 99, 12});
      FAIL("no error");
    } catch (const bingads::Error& e) {
      CHECK(e.Kind() == bingads::ErrorKind::kResponseTooLarge);
    }
  }
}

TEST_CASE("usage: exact money, dates and the report's amounts") {
  using bingads::internal::Add;
  using bingads::internal::ParseReportAmount;
  using bingads::internal::Percent;
  CHECK(Add(D("0.1"), D("0.2")).Text() == "0.3");  // no binary double anywhere
  CHECK(Add(D("-5.25"), D("2")).Text() == "-3.25");
  CHECK(Add(D("99999999999999999999.99"), D("0.01")).Text() == "100000000000000000000.00");
  CHECK(Percent(D("1"), D("3"))->Text() == "33.33");
  CHECK(Percent(D("2"), D("3"))->Text() == "66.67");
  CHECK_FALSE(Percent(D("1"), D("0")).has_value());
  CHECK(ParseReportAmount("1,234.50") == D("1234.5"));
  CHECK(ParseReportAmount("--") == D("0"));
  CHECK_FALSE(ParseReportAmount("12,34.5").has_value());
  CHECK_FALSE(ParseReportAmount("1e3").has_value());
  CHECK_FALSE(ParseReportAmount("=1+1").has_value());
  CHECK(bingads::Date::Parse("12/3/2026") == bingads::Date{2026, 12, 3});
  CHECK(bingads::Date::Parse("2024-02-29").has_value());
  CHECK_FALSE(bingads::Date::Parse("2026-02-29").has_value());
  CHECK_FALSE(bingads::Date::Parse("2026-13-01").has_value());
  CHECK(bingads::Date{2026, 1, 9}.ToString() == "2026-01-09");
}

TEST_CASE("usage: against the emulator over REST, the report's spend stays within each budget") {
  bingads::emulator::ServiceOptions service;
  service.report_pending = std::chrono::milliseconds(0);
  service.today = [] { return bingads::Date{2026, 12, 3}; };
  testing::Emulator emulator(service);
  const bingads::UsageClient client(emulator.Options(bingads::Protocol::kRest));
  const auto all =
      bingads::BudgetClient(emulator.Options(bingads::Protocol::kRest)).GetBudgetsByIds();
  std::vector<std::int64_t> ids;
  for (const auto& b : all.Budgets) ids.push_back(*b->Id);
  ids.insert(ids.begin() + 1, 42);  // no such budget: an empty slot and a partial error
  const auto month = client.GetBudgetUsage(ids, bingads::UsagePeriod::ThisMonth());
  REQUIRE(month.Usage.size() == ids.size());
  CHECK_FALSE(month.Usage[1].has_value());
  REQUIRE(month.PartialErrors.size() == 1);
  CHECK(bingads::BaseOf(month.PartialErrors[0]).Index == 1);
  CHECK(month.report.first_day == bingads::Date{2026, 12, 1});
  CHECK(month.report.last_day == bingads::Date{2026, 12, 3});
  const bingads::BudgetUsage& shared = *month.Usage[0];
  CHECK(shared.campaigns.size() == 2);
  REQUIRE_FALSE(shared.days.empty());
  for (const auto& day : shared.days) {
    // Never above the daily amount: the percent of a day is at most 100.
    const auto percent = bingads::internal::Percent(day.spend, *shared.amount);
    CHECK(std::stod(percent->Text()) <= 100.0);
  }
  // Asked again, a day's usage is the same: spend is a function of account, campaign and day.
  const auto today = client.GetBudgetUsage({ids[0]});
  REQUIRE(today.Usage[0].has_value());
  CHECK(today.Usage[0]->spend_today == shared.spend_today);
  CHECK(today.Usage[0]->month_to_date == shared.month_to_date);
  // Every budget of the account when none is named.
  CHECK(client.GetBudgetUsage().Usage.size() == all.Budgets.size());
}

TEST_CASE("usage: the SOAP report request validates against the official Reporting WSDL") {
  auto transport = std::make_shared<testing::FakeTransport>();
  transport->Push(503, "");  // only the request matters here
  bingads::ClientOptions options = testing::FakeOptions(bingads::Protocol::kSoap, transport);
  options.retry.max_attempts = 1;
  auto reporting = bingads::MakeReportingConnection(options);
  bingads::ReportRequest request = bingads::internal::UsageRequest(
      7, {101, 102}, bingads::UsagePeriod::Range({2026, 11, 20}, {2026, 12, 3}),
      "PacificTimeUSCanadaTijuana");
  CHECK_THROWS_AS(reporting->SubmitGenerateReport(request), bingads::Error);
  REQUIRE(transport->requests.size() == 1);
  const std::string& body = transport->requests[0].body;
  CAPTURE(body);
  CHECK(transport->requests[0].url.find("/Api/Advertiser/Reporting/v13/ReportingService.svc") !=
        std::string::npos);
  CHECK(testing::HeaderOf(transport->requests[0], "SOAPAction") == "\"SubmitGenerateReport\"");
  CHECK(body.find("CampaignPerformanceReportRequest\"") != std::string::npos);  // the xsi:type
  // End before Start, as the contract orders them.
  CHECK(body.find("CustomDateRangeEnd") < body.find("CustomDateRangeStart"));
  CHECK(body.find("<rep:DeveloperToken>") != std::string::npos);
  CHECK(body.find("cm:DeveloperToken") == std::string::npos);
  const auto official = testing::OfficialReportingWsdl();
  if (!official || !testing::HaveXmllint()) {
    MESSAGE("skipped the schema check: needs ../shared/reference/wsdl and xmllint");
    return;
  }
  CHECK(testing::ValidateEnvelopeAgainstOfficial(body, *official) == "");
  // A name outside the contract is refused before anything is sent.
  request.Columns.push_back("NoSuchColumn");
  CHECK_THROWS_AS(reporting->SubmitGenerateReport(request), bingads::Error);
  CHECK(transport->requests.size() == 1);
}

TEST_CASE("usage: SOAP and REST give the same usage against the emulator") {
  bingads::emulator::ServiceOptions service;
  service.report_pending = std::chrono::milliseconds(0);
  testing::Emulator emulator(service);
  bingads::CompareOptions compare;
  compare.soap = emulator.Options(bingads::Protocol::kSoap);
  compare.rest = emulator.Options(bingads::Protocol::kRest);
  const auto all =
      bingads::BudgetClient(emulator.Options(bingads::Protocol::kRest)).GetBudgetsByIds();
  std::vector<std::int64_t> ids = {*all.Budgets[0]->Id, 42, *all.Budgets[2]->Id};
  for (const auto& period : {bingads::UsagePeriod::Today(), bingads::UsagePeriod::ThisMonth()}) {
    const bingads::Comparison c = bingads::CompareBudgetUsage(compare, ids, period);
    CHECK(c.error == "");
    CHECK(c.parity.Parity());
    for (const auto& d : c.parity.differences)
      MESSAGE(d.where << ": " << d.soap << " | " << d.rest);
    CHECK(c.soap.calls > 0);
  }
  // And SOAP alone reads what REST reads, a fault included: the account does not exist.
  auto soap = emulator.Options(bingads::Protocol::kSoap);
  const auto usage =
      bingads::UsageClient(soap).GetBudgetUsage(ids, bingads::UsagePeriod::ThisMonth());
  REQUIRE(usage.Usage.size() == 3);
  CHECK(usage.Usage[0]->campaigns.size() == 2);
  CHECK_FALSE(usage.Usage[1].has_value());
}

TEST_CASE("usage: the CLI over both protocols, many accounts, and a recording replayed offline") {
  bingads::emulator::ServiceOptions service;
  service.report_pending = std::chrono::milliseconds(0);
  const auto dir = std::filesystem::temp_directory_path() /
                   ("bingads-usage-recording-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  const std::string ids =
      std::to_string(testing::kDemoId) + ",5," + std::to_string(testing::kDemoId + 2);
  std::string endpoint;
  std::vector<std::string> recorded;
  {
    testing::Emulator emulator(service);
    endpoint = emulator.BaseUrl();
    for (const char* protocol : {"soap", "rest"}) {
      const auto r = testing::RunCli({"--endpoint", endpoint, "--protocol", protocol, "--record",
                                      (dir / protocol).string(), "usage", "--ids", ids, "--month"});
      CHECK_MESSAGE(r.status == 0, r.err);
      // Money as JSON numbers with their digits; the unknown id an empty slot, with its error.
      CHECK(r.out.find(R"("Amount":25.5,)") != std::string::npos);
      CHECK(r.out.find(R"("MonthToDate":)") != std::string::npos);
      CHECK(r.out.find(R"(,null,)") != std::string::npos);
      CHECK(r.out.find(R"("Index":1)") != std::string::npos);
      recorded.push_back(r.out);
    }
    // The Usage part is the same over both protocols (TrackingIds and the report's id differ).
    const auto usage_of = [](const std::string& out) {
      return out.substr(out.find("\"Usage\""),
                        out.find("\"ReportRequestId\"") - out.find("\"Usage\""));
    };
    CHECK(usage_of(recorded[0]) == usage_of(recorded[1]));
    // --accounts: one JSON line per account, in order, the same usage over both protocols.
    std::vector<std::string> usages;
    for (const char* protocol : {"soap", "rest"}) {
      const auto lines = testing::RunCli(
          {"--endpoint", endpoint, "--protocol", protocol, "--accounts", "2000002,31", "usage"});
      CHECK_MESSAGE(lines.status == 0, lines.err);
      CHECK(lines.out.rfind(R"({"AccountId":"2000002","TrackingIds":)", 0) == 0);
      CHECK(lines.out.find("\n{\"AccountId\":\"31\",") != std::string::npos);
      std::string usage;
      for (std::size_t at = lines.out.find("\"Usage\""); at != std::string::npos;
           at = lines.out.find("\"Usage\"", at + 1)) {
        usage += lines.out.substr(at, lines.out.find("\"ReportRequestId\"", at) - at);
      }
      usages.push_back(usage);
    }
    CHECK(usages[0] == usages[1]);
    CHECK(usages[0].find("\"Days\":[{") != std::string::npos);
    // compare usage: parity.
    const auto compared =
        testing::RunCli({"--endpoint", endpoint, "compare", "usage", "--ids", ids});
    CHECK_MESSAGE(compared.status == 0, std::string(compared.out + compared.err));
  }  // the emulator is gone
  for (const char* protocol : {"soap", "rest"}) {
    const auto r = testing::RunCli({"--endpoint", endpoint, "--protocol", protocol, "--replay",
                                    (dir / protocol).string(), "usage", "--ids", ids, "--month"});
    CHECK_MESSAGE(r.status == 0, r.err);
    CHECK(r.out == recorded[std::string(protocol) == "soap" ? 0 : 1]);
    // The recording holds the report file, and never the real download URL nor a secret.
    for (const auto& entry : std::filesystem::directory_iterator(dir / protocol)) {
      std::ifstream in(entry.path(), std::ios::binary);
      const std::string text((std::istreambuf_iterator<char>(in)),
                             std::istreambuf_iterator<char>());
      CAPTURE(entry.path().string());
      CHECK(text.find("/Reporting/Download/") == std::string::npos);
      CHECK(text.find(testing::TestCredentials().access_token) == std::string::npos);
    }
    CHECK(std::filesystem::exists(dir / protocol / "0005-download-DownloadReport.response.zip"));
  }
  // Bad periods are usage errors before any call.
  for (const std::vector<std::string>& bad :
       {std::vector<std::string>{"usage", "--date", "2026-02-30"},
        {"usage", "--from", "2026-12-02"},
        {"usage", "--from", "2026-12-02", "--to", "2026-12-01"},
        {"usage", "--month", "--date", "2026-12-01"},
        {"get", "--month"},
        {"usage", "--time-zone", "Pacific Time; rm -rf"}}) {
    CAPTURE(bad.back());
    CHECK(testing::RunCli(bad).status == bingads::cli::kExitUsage);
  }
  std::filesystem::remove_all(dir);
}

TEST_CASE("usage: past 300 campaigns the report is scoped by account, and the days asked") {
  std::vector<std::int64_t> campaigns(300);
  for (std::size_t i = 0; i < campaigns.size(); ++i)
    campaigns[i] = 1000 + static_cast<std::int64_t>(i);
  using bingads::internal::UsageRequest;
  const auto some = UsageRequest(7, campaigns, bingads::UsagePeriod::Today(), "");
  CHECK(some.Campaigns.size() == 300);
  CHECK(some.AccountIds.empty());
  campaigns.push_back(5000);
  const auto many = UsageRequest(7, campaigns, bingads::UsagePeriod::Today(), "");
  CHECK(many.Campaigns.empty());
  CHECK(many.AccountIds == std::vector<std::int64_t>{7});
  CHECK(many.PredefinedTime == "ThisMonth");
  // A range asks from the first of its last month, for month to date.
  const auto range = UsageRequest(7, {1}, bingads::UsagePeriod::Range({2026, 12, 5}, {2026, 12, 9}),
                                  "GreenwichMeanTimeDublinEdinburghLisbonLondon");
  CHECK(range.CustomDateRangeStart == bingads::Date{2026, 12, 1});
  CHECK(range.CustomDateRangeEnd == bingads::Date{2026, 12, 9});
  CHECK(range.ReportTimeZone == "GreenwichMeanTimeDublinEdinburghLisbonLondon");
  const auto across =
      UsageRequest(7, {1}, bingads::UsagePeriod::Range({2026, 10, 30}, {2026, 11, 2}), "");
  CHECK(across.CustomDateRangeStart == bingads::Date{2026, 10, 30});
}

TEST_CASE(
    "usage: too many reports in progress (207) is waited out, a report file past the limit is "
    "refused") {
  Setup s;
  s.transport->Push(200, kBudgets);
  s.transport->Push(200, kCampaigns);
  s.transport->Push(
      400,
      R"({"TrackingId":"t-207","Type":"ApiFaultDetail","BatchErrors":[],"OperationErrors":[{"Code":207,"Details":null,"ErrorCode":"ConcurrentRequestOverLimit","Message":"Too many."}]})");
  s.transport->Push(200, R"({"ReportRequestId":"rr-2"})");
  s.transport->Push(
      200,
      R"({"ReportRequestStatus":{"ReportDownloadUrl":"https://dl.example/r.zip","Status":"Success"}})");
  const std::string zip = bingads::emulator::ZipOneEntry("r.csv", kReport);
  s.transport->Push(200, zip);
  bingads::UsageOptions usage;
  usage.max_report_bytes = zip.size() - 1;  // the compressed file itself is one byte too many
  try {
    bingads::UsageClient(s.Options(), usage).GetBudgetUsage({11, 99, 12});
    FAIL("no error");
  } catch (const bingads::Error& e) {
    CHECK(e.Kind() == bingads::ErrorKind::kResponseTooLarge);
  }
  CHECK(s.transport->requests.size() == 6);  // the submit was sent again after the 207
  CHECK(s.clock.sleeps == std::vector<std::chrono::milliseconds>{std::chrono::seconds(1)});
}

TEST_CASE("usage: the emulator refuses bad report requests with the Reporting service's codes") {
  bingads::emulator::ServiceOptions service;
  service.report_pending = std::chrono::milliseconds(0);
  service.today = [] { return bingads::Date{2026, 12, 3}; };
  testing::Emulator emulator(service);
  for (const auto protocol : {bingads::Protocol::kRest, bingads::Protocol::kSoap}) {
    auto options = emulator.Options(protocol);
    options.retry.max_attempts = 1;
    auto reporting = bingads::MakeReportingConnection(options);
    const auto good =
        bingads::internal::UsageRequest(2000002, {}, bingads::UsagePeriod::Today(), "");
    const auto code_of = [&](const bingads::ReportRequest& r) {
      try {
        reporting->SubmitGenerateReport(r);
      } catch (const bingads::ApiFault& f) {
        return f.Detail().OperationErrors.empty() ? -1 : f.Detail().OperationErrors[0].Code;
      }
      return 0;
    };
    CAPTURE(bingads::ToString(protocol));
    CHECK(code_of(good) == 0);
    auto r = good;
    r.Columns.clear();
    CHECK(code_of(r) == 2014);
    r = good;
    r.Columns.push_back("TimePeriod");
    CHECK(code_of(r) == 2016);
    r = good;
    r.Aggregation = "Summary";
    CHECK(code_of(r) == 2034);
    r = good;
    r.PredefinedTime.clear();
    CHECK(code_of(r) == 2008);
    r.CustomDateRangeStart = bingads::Date{2026, 12, 2};
    r.CustomDateRangeEnd = bingads::Date{2026, 12, 1};
    CHECK(code_of(r) == 2011);
    r.CustomDateRangeStart = bingads::Date{2026, 12, 4};
    r.CustomDateRangeEnd = bingads::Date{2026, 12, 5};
    CHECK(code_of(r) == 2041);
    r = good;
    r.AccountIds = {};
    CHECK(code_of(r) == 2027);
    r.Campaigns.assign(301, {2000002, 1});
    CHECK(code_of(r) == 2030);
    r = good;
    r.AccountIds = {999999999};  // no such account
    CHECK(code_of(r) == 2003);
    r = good;
    r.Type = "BudgetSummaryReportRequest";  // its required columns are missing
    r.Columns = {"AccountName", "CampaignName", "Date"};
    CHECK(code_of(r) == 2015);
    // An unknown ReportRequestId.
    try {
      reporting->PollGenerateReport("no-such-report");
      FAIL("no fault");
    } catch (const bingads::ApiFault& f) {
      REQUIRE_FALSE(f.Detail().OperationErrors.empty());
      CHECK(f.Detail().OperationErrors[0].Code == 2100);
    }
  }
  // The download URL works without credentials, refuses them, and expires with its report.
  auto reporting = bingads::MakeReportingConnection(emulator.Options(bingads::Protocol::kRest));
  const std::string id = reporting->SubmitGenerateReport(
      bingads::internal::UsageRequest(2000002, {}, bingads::UsagePeriod::ThisMonth(), ""));
  const auto status = reporting->PollGenerateReport(id);
  REQUIRE(status.ReportDownloadUrl.has_value());
  CHECK(reporting->DownloadReport(*status.ReportDownloadUrl).rfind("PK", 0) == 0);
  auto transport = bingads::MakeCurlTransport({});
  bingads::HttpRequest with_token{
      "GET", *status.ReportDownloadUrl, {{"Authorization", "Bearer x"}}, ""};
  CHECK(transport->Send(with_token).status == 400);
  bingads::HttpRequest guessed{
      "GET", emulator.BaseUrl() + "/Reporting/Download/0123456789abcdef.zip", {}, ""};
  CHECK(transport->Send(guessed).status == 404);
}

TEST_CASE(
    "usage: a failed download is tried again with a fresh URL, a bad time zone is refused first") {
  Setup s;
  s.PushReads();
  s.transport->Push(
      200,
      R"({"ReportRequestStatus":{"ReportDownloadUrl":"https://dl.example/a.zip","Status":"Success"}})");
  s.transport->Push(503, "<html>busy</html>");
  s.transport->Push(
      200,
      R"({"ReportRequestStatus":{"ReportDownloadUrl":"https://dl.example/b.zip","Status":"Success"}})");
  s.transport->Push(200, bingads::emulator::ZipOneEntry("r.csv", kReport));
  const auto result = bingads::UsageClient(s.Options()).GetBudgetUsage({11, 99, 12});
  CHECK(result.Usage[0]->month_to_date == D("29.75"));
  REQUIRE(s.transport->requests.size() == 7);
  CHECK(s.transport->requests[6].url == "https://dl.example/b.zip");
  // A ReportTimeZone name the contract does not list (here Campaign Management's spelling of one)
  // is refused before anything is sent.
  Setup t;
  bingads::UsageOptions usage;
  usage.time_zone = "AthensBuckarestIstanbul";
  try {
    bingads::UsageClient(t.Options(), usage).GetBudgetUsage({11});
    FAIL("no error");
  } catch (const bingads::Error& e) {
    CHECK(e.Kind() == bingads::ErrorKind::kUsage);
  }
  CHECK(t.transport->requests.empty());
  usage.time_zone = "AthensIslandanbulMinsk";  // the Reporting service's own spelling
  CHECK(bingads::internal::IsReportTimeZone(usage.time_zone));
}

TEST_CASE("usage: SOAP replies as the service writes them: a nil URL, its TrackingId, its faults") {
  auto codec = bingads::internal::MakeSoapReportingCodec();
  const std::string envelope =
      R"(<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Header>)"
      R"(<h:TrackingId xmlns:h="https://bingads.microsoft.com/Reporting/v13">8a1c-t1</h:TrackingId>)"
      R"(</s:Header><s:Body>)";
  bingads::HttpResponse pending{
      200,
      {{"Content-Type", "text/xml; charset=utf-8"}},
      envelope +
          R"(<PollGenerateReportResponse xmlns="https://bingads.microsoft.com/Reporting/v13">)"
          R"(<ReportRequestStatus xmlns:i="http://www.w3.org/2001/XMLSchema-instance">)"
          R"(<ReportDownloadUrl i:nil="true"/><Status>Success</Status></ReportRequestStatus>)"
          R"(</PollGenerateReportResponse></s:Body></s:Envelope>)"};
  const auto status = codec->DecodePoll(pending);
  CHECK(status.Status == "Success");
  CHECK_FALSE(status.ReportDownloadUrl.has_value());  // an empty report
  CHECK(status.TrackingIds == std::vector<std::string>{"8a1c-t1"});
  // A status the contract does not list yet is kept as text (and is then no Success).
  bingads::HttpResponse later = pending;
  later.body.replace(later.body.find("Success"), 7, "Archived");
  CHECK(codec->DecodePoll(later).Status == "Archived");
  bingads::HttpResponse submitted{
      200,
      {},
      envelope +
          R"(<SubmitGenerateReportResponse xmlns="https://bingads.microsoft.com/Reporting/v13">)"
          R"(<ReportRequestId>30000001231499722</ReportRequestId></SubmitGenerateReportResponse></s:Body></s:Envelope>)"};
  CHECK(codec->DecodeSubmit(submitted).ReportRequestId == "30000001231499722");
  // The Reporting service's own fault detail, with its smaller BatchError.
  bingads::HttpResponse fault{
      500,
      {},
      R"(<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><s:Fault>)"
      R"(<faultcode>s:Server</faultcode><faultstring xml:lang="en-US">Invalid client data.</faultstring>)"
      R"(<detail><ApiFaultDetail xmlns="https://bingads.microsoft.com/Reporting/v13" xmlns:i="http://www.w3.org/2001/XMLSchema-instance">)"
      R"(<TrackingId xmlns="https://adapi.microsoft.com">8a1c-t2</TrackingId><BatchErrors>)"
      R"(<BatchError><Code>2019</Code><Details i:nil="true"/><ErrorCode>ReportingServiceInvalidCampaignIdInCampaignReportScope</ErrorCode>)"
      R"(<Index>1</Index><Message>The campaign is invalid.</Message></BatchError></BatchErrors>)"
      R"(<OperationErrors><OperationError><Code>207</Code><Details i:nil="true"/><ErrorCode>ConcurrentRequestOverLimit</ErrorCode>)"
      R"(<Message>Too many reports.</Message></OperationError></OperationErrors></ApiFaultDetail></detail>)"
      R"(</s:Fault></s:Body></s:Envelope>)"};
  try {
    codec->DecodeSubmit(fault);
    FAIL("no fault");
  } catch (const bingads::ApiFault& f) {
    CHECK(f.Detail().TrackingId == "8a1c-t2");
    REQUIRE(f.Detail().OperationErrors.size() == 1);
    CHECK(f.Detail().OperationErrors[0].Code == 207);
    REQUIRE(f.Detail().BatchErrors.size() == 1);
    CHECK(bingads::BaseOf(f.Detail().BatchErrors[0]).Code == 2019);
    CHECK(bingads::BaseOf(f.Detail().BatchErrors[0]).Index == 1);
  }
  // An empty Body is no answer.
  bingads::HttpResponse empty{200, {}, envelope + "</s:Body></s:Envelope>"};
  CHECK_THROWS_AS(codec->DecodePoll(empty), bingads::Error);
}

TEST_CASE("usage: the Reporting connection checks ids, header values and its endpoint first") {
  auto transport = std::make_shared<testing::FakeTransport>();
  for (const auto& [field, value] : std::vector<std::pair<int, std::string>>{
           {0, "dev\r\nX-Injected: 1"}, {1, "12a"}, {2, "http://reporting.example"}}) {
    bingads::ClientOptions options = testing::FakeOptions(bingads::Protocol::kRest, transport);
    if (field == 0) options.credentials.developer_token = value;
    if (field == 1) options.credentials.account_id = value;
    if (field == 2) options.endpoint = value;
    CAPTURE(value);
    try {
      bingads::MakeReportingConnection(options);
      FAIL("accepted");
    } catch (const bingads::Error& e) {
      CHECK(e.Kind() == bingads::ErrorKind::kUsage);
    }
  }
  CHECK(transport->requests.empty());
}
