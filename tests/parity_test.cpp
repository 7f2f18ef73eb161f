// The parity harness: differences named by position and field, comparisons of every operation
// against the emulator, a deliberately diverging server, and the three report formats.
#include <bingads/parity.h>
#include <doctest/doctest.h>
#include <httplib.h>
#include <rapidjson/document.h>

#include <fstream>
#include <pugixml.hpp>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "cli.h"
#include "render.h"
#include "support.h"

using namespace bingads;

namespace {

GetBudgetsByIdsResult Slots(std::vector<std::optional<Budget>> budgets,
                            std::vector<PartialError> errors = {}) {
  GetBudgetsByIdsResult r;
  r.Budgets = std::move(budgets);
  r.PartialErrors = std::move(errors);
  r.TrackingIds = {"never compared"};
  return r;
}

Budget B(std::int64_t id, const char* name, const char* amount) {
  Budget b;
  b.Id = id;
  b.Name = name;
  b.Amount = Decimal::FromString(amount);
  b.BudgetType = budget_type::kDailyBudgetStandard;
  return b;
}

CompareOptions OptionsFor(const testing::Emulator& emulator) {
  CompareOptions o;
  o.soap = emulator.Options(Protocol::kSoap);
  o.rest = emulator.Options(Protocol::kRest);
  o.tag = "test";
  return o;
}

// A server that speaks SOAP like the emulator behind it but changes one amount over REST.
using testing::DivergingServer;

}  // namespace

TEST_CASE("parity: every difference is named by position and field") {
  EditorialError editorial;
  editorial.Index = 2;
  editorial.Code = 1042;
  editorial.Appealable = true;
  BatchError plain;
  plain.Index = 2;
  plain.Code = 1042;
  const auto soap =
      Slots({B(1, "a", "10"), std::nullopt, B(3, "c", "1234567890123456.789")}, {editorial});
  const auto rest =
      Slots({B(1, "a", "10.00"), B(2, "b", "2"), B(3, "c", "1234567890123456.788")}, {plain});
  const ParityReport report = CompareResults(soap, rest);
  CHECK_FALSE(report.Parity());
  const std::vector<Difference> expected = {
      {"Budgets[1]", "(empty)", "Budget"},
      {"Budgets[2].Amount", "1234567890123456.789", "1234567890123456.788"},
      {"PartialErrors[Index=2].subtype", "EditorialError", "BatchError"}};
  CHECK(report.differences == expected);  // 10 and 10.00 are the same amount
  CHECK(CompareResults(soap, soap).Parity());

  AddBudgetsResult sa, ra;
  sa.BudgetIds = {5, std::nullopt};
  ra.BudgetIds = {6, std::nullopt};
  CHECK_FALSE(CompareResults(sa, ra).Parity());
  CompareRules ignore_ids;
  ignore_ids.ignore_ids = true;
  CHECK(CompareResults(sa, ra, ignore_ids).Parity());

  GetCampaignIdsByBudgetIdsResult sc, rc;
  sc.CampaignIdCollection = {IdCollection{{1, 2}}, std::nullopt};
  rc.CampaignIdCollection = {IdCollection{{1, 3}}, IdCollection{}};
  const auto c = CompareResults(sc, rc);
  REQUIRE(c.differences.size() == 2);
  CHECK(c.differences[0] == Difference{"CampaignIdCollection[0].Ids[1]", "2", "3"});
  CHECK(c.differences[1] == Difference{"CampaignIdCollection[1]", "(empty)", "IdCollection"});
}

TEST_CASE("compare: every operation reports parity against the emulator and cleans up") {
  testing::Emulator emulator;
  CompareOptions o = OptionsFor(emulator);
  o.repeat = 3;
  std::vector<int> progress;
  o.progress = [&progress](int done, int) { progress.push_back(done); };
  const std::int64_t d = testing::kDemoId;
  Budget change;
  change.Id = d + 4;
  change.Amount = Decimal::FromString("7.77");
  change.Name = "Renamed pennies";
  const std::vector<Comparison> all = {
      CompareGetBudgetsByIds(o, {d, 5, d + 1}), CompareGetCampaignIdsByBudgetIds(o, {d, 5}),
      CompareAddBudgets(o, {B(0, "Compared", "3.5"), B(0, "COMPARED", "1")}),
      CompareUpdateBudgets(o, {change}), CompareDeleteBudgets(o, {d + 3, 77, d})};
  for (const auto& c : all) {
    CAPTURE(c.label);
    CHECK(c.error == "");
    for (const auto& diff : c.parity.differences)
      FAIL_CHECK(diff.where << ": " << diff.soap << " | " << diff.rest);
    CHECK(c.soap.calls == 3);
    CHECK(c.rest.calls == 3);
    CHECK(c.soap.p50_ms <= c.soap.p95_ms);
    CHECK(c.soap.p95_ms <= c.soap.max_ms);
    CHECK(c.soap.request_bytes > c.rest.request_bytes);  // envelopes weigh more than JSON
    CHECK(c.rest.response_bytes > 0);
  }
  CHECK(progress == std::vector<int>{1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3});
  // The copies are gone and the originals untouched.
  const auto after = BudgetClient(emulator.Options(Protocol::kRest)).GetBudgetsByIds();
  CHECK(after.Budgets.size() == 5);
  for (const auto& b : after.Budgets) CHECK(b->Name->find("[soap-") == std::string::npos);
  CHECK(BudgetClient(emulator.Options(Protocol::kRest)).GetBudgetsByIds({d + 4}).Budgets[0]->Name ==
        "Pennies");
}

TEST_CASE("compare: gzip shrinks what crosses the wire, and --keep keeps the copies") {
  testing::Emulator emulator;
  CompareOptions o = OptionsFor(emulator);
  const auto zipped = CompareGetBudgetsByIds(o, {});
  CHECK(zipped.rest.response_wire_bytes < zipped.rest.response_bytes);
  CHECK(zipped.soap.response_wire_bytes < zipped.soap.response_bytes);
  o.gzip = false;
  const auto plain = CompareGetBudgetsByIds(o, {});
  CHECK(plain.rest.response_wire_bytes > plain.rest.response_bytes);  // headers on top of the body
  o.keep = true;
  CompareAddBudgets(o, {B(0, "Kept", "1")});
  CHECK(BudgetClient(emulator.Options(Protocol::kRest)).GetBudgetsByIds().Budgets.size() == 7);
}

TEST_CASE("compare: a diverging server yields a mismatch naming the position and the field") {
  DivergingServer diverging;
  CompareOptions o;
  o.soap = diverging.upstream.Options(Protocol::kSoap);
  o.rest = diverging.upstream.Options(Protocol::kRest);
  o.soap.endpoint = o.rest.endpoint = diverging.BaseUrl();
  const auto c = CompareGetBudgetsByIds(o, {testing::kDemoId, testing::kDemoId + 2});
  CHECK(c.error == "");
  CHECK(c.parity.differences == std::vector<Difference>{{"Budgets[1].Amount", "500", "500.01"}});

  // The CLI says so, with its own exit status, in every format.
  const std::string html = std::filesystem::temp_directory_path() / "bingads-diverging.html";
  std::ostringstream out, err;
  std::istringstream in;
  const int status = cli::Run(
      {"--endpoint", diverging.BaseUrl(), "compare", "--json", "--html", html, "get", "--ids",
       std::to_string(testing::kDemoId) + "," + std::to_string(testing::kDemoId + 2)},
      [](const char* name) -> const char* {
        const std::string n = name;
        if (n == "BINGADS_DEVELOPER_TOKEN" || n == "BINGADS_ACCESS_TOKEN") return "x";
        if (n == "BINGADS_CUSTOMER_ID") return "1";
        if (n == "BINGADS_ACCOUNT_ID") return emulator::kDemoAccountId;
        return nullptr;
      },
      in, out, err);
  CHECK(status == cli::kExitMismatch);
  rapidjson::Document doc;
  doc.Parse(out.str().c_str());
  REQUIRE_FALSE(doc.HasParseError());
  REQUIRE(doc.IsObject());
  CHECK(std::string(doc["schema"].GetString()) == "bingads-budgets/parity-report/1");
  CHECK(std::string(doc["verdict"].GetString()) == "mismatch");
  const auto& diff = doc["comparisons"][0]["differences"][0];
  CHECK(std::string(diff["where"].GetString()) == "Budgets[1].Amount");
  CHECK(std::string(diff["soap"].GetString()) == "500");
  CHECK(std::string(diff["rest"].GetString()) == "500.01");
  CHECK(doc["comparisons"][0]["soap"]["latency_ms"]["all"].Size() == 1);
  std::ifstream page(html);
  const std::string text((std::istreambuf_iterator<char>(page)), std::istreambuf_iterator<char>());
  CHECK(text.find("Budgets[1].Amount") != std::string::npos);
  CHECK(text.find("MISMATCH") != std::string::npos);
  std::filesystem::remove(html);
}

TEST_CASE("migrate-check: every case over both protocols, as a table, JSON and an offline page") {
  testing::Emulator emulator;
  CompareOptions o = OptionsFor(emulator);
  const auto report = MigrateCheck(o);
  REQUIRE(report.size() == 11);
  std::set<std::string> operations;
  for (const auto& c : report) {
    CAPTURE(c.label);
    CHECK(c.parity.Parity());
    CHECK(c.error == "");
    operations.insert(c.operation);
  }
  CHECK(operations == std::set<std::string>{"AddBudgets", "DeleteBudgets", "GetBudgetsByIds",
                                            "GetCampaignIdsByBudgetIds", "UpdateBudgets"});
  CHECK(BudgetClient(emulator.Options(Protocol::kRest)).GetBudgetsByIds().Budgets.size() ==
        5);  // cleaned up

  const std::string table = cli::RenderTable(report);
  CHECK(table.find("verdict: PARITY (11 comparisons") != std::string::npos);
  CHECK(table.find("AddBudgets: EditorialError") != std::string::npos);

  // The page is well-formed (XHTML-compatible), self-contained and has the charts.
  const std::string html = cli::RenderHtml(report, "check <&> page");
  CHECK(html.find("http://") == html.find("http://www.w3.org/2000/svg"));  // no external resource
  CHECK(html.find("<script") == std::string::npos);
  pugi::xml_document doc;
  const auto parsed = doc.load_string(html.substr(html.find("<html")).c_str());
  REQUIRE_MESSAGE(parsed, parsed.description());
  CHECK(doc.select_nodes("//svg").size() == 22);  // latency and bytes for each comparison
  CHECK(doc.select_nodes("//table[@id='matrix']/tr").size() == 12);
  CHECK(std::string(doc.select_node("//title").node().text().get()) == "check <&> page");
  CHECK(doc.select_nodes("//circle").size() == 22);  // one dot per measured call
}
