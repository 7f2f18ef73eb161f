// What goes on the wire: the SOAP 1.1 and REST requests, and our WSDL against the official one.
#include <bingads/client.h>
#include <bingads/json.h>
#include <doctest/doctest.h>
#include <rapidjson/document.h>
#include <unistd.h>

#include <fstream>
#include <pugixml.hpp>
#include <sstream>

#include "codec.h"
#include "internal.h"
#include "official_wsdl.h"
#include "support.h"
#include "xml_names.h"

using namespace bingads;
using bingads::emulator::Is;
using bingads::emulator::NamespaceOf;

namespace {

constexpr const char* kSoapEnv = "http://schemas.xmlsoap.org/soap/envelope/";
constexpr const char* kCm = "https://bingads.microsoft.com/CampaignManagement/v13";
constexpr const char* kArrays = "http://schemas.microsoft.com/2003/10/Serialization/Arrays";

const std::string kEmptySoapResponse =
    R"(<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>)"
    R"(<GetBudgetsByIdsResponse xmlns="https://bingads.microsoft.com/CampaignManagement/v13"/>)"
    R"(</s:Body></s:Envelope>)";

HttpRequest SentRequest(Protocol protocol, const std::vector<std::int64_t>& ids) {
  auto transport = std::make_shared<testing::FakeTransport>();
  transport->Push(200, protocol == Protocol::kSoap ? kEmptySoapResponse : std::string("{}"));
  BudgetClient client(testing::FakeOptions(protocol, transport));
  try {
    client.GetBudgetsByIds(ids);
  } catch (const Error&) {
    // The canned reply has no slots for the ids; only the request matters here.
  }
  REQUIRE(transport->requests.size() == 1);
  return transport->requests.front();
}

using testing::HeaderOf;

const std::filesystem::path kCmWsdl =
    std::filesystem::path(BINGADS_SOURCE_DIR) / "wsdl" / "CampaignManagementService.budgets.wsdl";
const std::filesystem::path kReportingWsdl =
    std::filesystem::path(BINGADS_SOURCE_DIR) / "wsdl" / "ReportingService.usage.wsdl";

// The components of our Reporting WSDL that declare only part of the official one: fewer column
// values, and no Filter (optional) in the campaign performance request.
const std::set<std::string> kReportingSubsets = {
    "{https://bingads.microsoft.com/Reporting/v13}complexType:CampaignPerformanceReportRequest",
    "{https://bingads.microsoft.com/Reporting/v13}simpleType:CampaignPerformanceReportColumn"};

using Edit = std::pair<std::string, std::string>;

// The comparison's findings, one a line, for a copy of `wsdl` with each edit's text replaced.
std::string ProblemsOfMutated(const std::filesystem::path& wsdl,
                              const std::filesystem::path& official, const std::vector<Edit>& edits,
                              const std::set<std::string>& subsets = {}) {
  std::ifstream in(wsdl);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  for (const auto& [from, to] : edits) {
    const auto at = text.find(from);
    REQUIRE_MESSAGE(at != std::string::npos, "not in " << wsdl.filename() << ": " << from);
    text.replace(at, from.size(), to);
  }
  const auto path = std::filesystem::temp_directory_path() /
                    ("bingads-mutated-" + std::to_string(::getpid()) + ".wsdl");
  std::ofstream(path) << text;
  const auto problems = testing::CompareWithOfficial(path, official, subsets);
  std::filesystem::remove(path);
  std::string all;
  for (const auto& p : problems) all += p + "\n";
  return all;
}

}  // namespace

TEST_CASE("wire: SOAP 1.1 request for GetBudgetsByIds") {
  const HttpRequest r = SentRequest(Protocol::kSoap, {9223372036854775806, 1, 42});
  CHECK(r.method == "POST");
  CHECK(r.url ==
        "https://campaign.api.example.test/Api/Advertiser/CampaignManagement/v13/"
        "CampaignManagementService.svc");
  CHECK(HeaderOf(r, "Content-Type") == "text/xml; charset=utf-8");
  CHECK(HeaderOf(r, "SOAPAction") == "\"GetBudgetsByIds\"");

  pugi::xml_document doc;
  REQUIRE(doc.load_string(r.body.c_str()));
  const auto env = doc.document_element();
  REQUIRE(Is(env, kSoapEnv, "Envelope"));  // SOAP 1.1, not 1.2
  pugi::xml_node header, body;
  for (auto c : env.children()) {
    if (Is(c, kSoapEnv, "Header")) header = c;
    if (Is(c, kSoapEnv, "Body")) body = c;
  }
  REQUIRE(header);
  REQUIRE(body);
  std::vector<std::pair<std::string, std::string>> headers;
  for (auto h : header.children()) {
    if (h.type() != pugi::node_element) continue;
    CHECK(NamespaceOf(h) == kCm);
    CHECK_FALSE(h.attribute("SOAP-ENV:mustUnderstand"));
    headers.emplace_back(std::string(bingads::emulator::LocalName(h)), h.text().get());
  }
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"AuthenticationToken", "ACCESS-TOKEN-456"},  // raw token, no "Bearer"
      {"CustomerAccountId", bingads::emulator::kDemoAccountId},
      {"CustomerId", "1234567"},
      {"DeveloperToken", "DEV-TOKEN-123"}};
  CHECK(headers == expected);

  const auto request = body.first_child();
  REQUIRE(Is(request, kCm, "GetBudgetsByIdsRequest"));
  const auto ids = request.first_child();
  REQUIRE(Is(ids, kCm, "BudgetIds"));
  std::vector<std::string> values;
  for (auto item : ids.children()) {
    CHECK(Is(item, kArrays, "long"));
    values.emplace_back(item.text().get());
  }
  CHECK(values == std::vector<std::string>{"9223372036854775806", "1", "42"});
}

TEST_CASE("wire: SOAP request without ids leaves BudgetIds out (all budgets)") {
  const HttpRequest r = SentRequest(Protocol::kSoap, {});
  pugi::xml_document doc;
  REQUIRE(doc.load_string(r.body.c_str()));
  CHECK(r.body.find("GetBudgetsByIdsRequest") != std::string::npos);
  CHECK(r.body.find("BudgetIds") == std::string::npos);
}

TEST_CASE("wire: REST request for GetBudgetsByIds") {
  const HttpRequest r = SentRequest(Protocol::kRest, {9223372036854775806, 7});
  CHECK(r.method == "POST");
  CHECK(r.url == "https://campaign.api.example.test/CampaignManagement/v13/Budgets/QueryByIds");
  CHECK(HeaderOf(r, "Authorization") == "Bearer ACCESS-TOKEN-456");
  CHECK(HeaderOf(r, "DeveloperToken") == "DEV-TOKEN-123");
  CHECK(HeaderOf(r, "CustomerId") == "1234567");
  CHECK(HeaderOf(r, "CustomerAccountId") == bingads::emulator::kDemoAccountId);
  CHECK(HeaderOf(r, "Content-Type") == "application/json");
  rapidjson::Document doc;
  doc.Parse(r.body.c_str());
  REQUIRE_FALSE(doc.HasParseError());
  REQUIRE(doc["BudgetIds"].IsArray());
  REQUIRE(doc["BudgetIds"].Size() == 2);
  CHECK(std::string(doc["BudgetIds"][0].GetString()) == "9223372036854775806");  // a string
  CHECK(std::string(doc["BudgetIds"][1].GetString()) == "7");
  CHECK(SentRequest(Protocol::kRest, {}).body == R"({"BudgetIds":null})");
}

TEST_CASE("wire: endpoint and environment choose the base URL") {
  auto transport = std::make_shared<testing::FakeTransport>();
  const std::string one_budget = R"({"Budgets":[{"Id":"1"}]})";
  transport->Push(200, one_budget);
  auto options = testing::FakeOptions(Protocol::kRest, transport);
  options.endpoint.clear();
  options.environment = Environment::kSandbox;
  BudgetClient(options).GetBudgetsByIds({1});
  CHECK(transport->requests.at(0).url ==
        "https://campaign.api.sandbox.bingads.microsoft.com/CampaignManagement/v13/Budgets/"
        "QueryByIds");
  transport->Push(200, one_budget);
  options.endpoint = "http://127.0.0.1:9/base///";
  BudgetClient(options).GetBudgetsByIds({1});
  CHECK(transport->requests.at(1).url ==
        "http://127.0.0.1:9/base/CampaignManagement/v13/Budgets/QueryByIds");
}

TEST_CASE("wire: our WSDL matches the official WSDL wherever it declares something") {
  const auto official = testing::OfficialWsdl();
  if (!official) {
    MESSAGE("skipped: ../shared/reference/wsdl is not present beside the project");
    return;
  }
  const auto problems = testing::CompareWithOfficial(kCmWsdl, *official);
  for (const auto& p : problems) FAIL_CHECK(p);
  CHECK(problems.empty());
}

TEST_CASE("wire: our Reporting WSDL matches the official one wherever it declares something") {
  const auto official = testing::OfficialReportingWsdl();
  if (!official) {
    MESSAGE("skipped: ../shared/reference/wsdl/reporting_service.production.wsdl is not present");
    return;
  }
  const auto problems = testing::CompareWithOfficial(kReportingWsdl, *official, kReportingSubsets);
  for (const auto& p : problems) FAIL_CHECK(p);
  CHECK(problems.empty());
}

TEST_CASE("wire: the SOAP request validates against the official WSDL's schemas") {
  const auto official = testing::OfficialWsdl();
  if (!official || !testing::HaveXmllint()) {
    MESSAGE("skipped: needs ../shared/reference/wsdl and xmllint (package libxml2-utils)");
    return;
  }
  const HttpRequest r = SentRequest(Protocol::kSoap, {9223372036854775806, 1});
  CHECK(testing::ValidateEnvelopeAgainstOfficial(r.body, *official) == "");
  // The validator is not blind: a long in the wrong namespace is refused.
  std::string wrong = r.body;
  const auto at = wrong.find("xmlns:arr=\"");
  REQUIRE(at != std::string::npos);
  wrong.replace(at, 11, "xmlns:arr=\"urn:wrong:");
  CHECK(testing::ValidateEnvelopeAgainstOfficial(wrong, *official) != "");
}

TEST_CASE("wire: the WSDL comparison notices a changed type, order or soapAction") {
  const auto official = testing::OfficialWsdl();
  if (!official) {
    MESSAGE("skipped: ../shared/reference/wsdl is not present beside the project");
    return;
  }
  const std::string all =
      ProblemsOfMutated(kCmWsdl, *official,
                        {{R"(name="AssociationCount" nillable="true" type="xs:int")",
                          R"(name="AssociationCount" nillable="true" type="xs:long")"},
                         {R"(soapAction="GetBudgetsByIds")", R"(soapAction="urn:GetBudgetsByIds")"},
                         {R"(<xs:element minOccurs="0" name="Code" type="xs:int"/>
          <xs:element minOccurs="0" name="Details")",
                          R"(<xs:element minOccurs="0" name="Details")"}});
  CHECK(all.find("Budget differs") != std::string::npos);
  CHECK(all.find("BatchError differs") != std::string::npos);
  CHECK(all.find("GetBudgetsByIds: soapAction = urn:GetBudgetsByIds is not official") !=
        std::string::npos);
}

TEST_CASE("wire: the Reporting WSDL comparison notices a changed order, value or address") {
  const auto official = testing::OfficialReportingWsdl();
  if (!official) {
    MESSAGE("skipped: ../shared/reference/wsdl/reporting_service.production.wsdl is not present");
    return;
  }
  const std::string all = ProblemsOfMutated(
      kReportingWsdl, *official,
      {// Start before End: the official order is End, Start.
       {R"(name="CustomDateRangeEnd")", R"(name="CustomDateRangeSwapped")"},
       {R"(name="CustomDateRangeStart")", R"(name="CustomDateRangeEnd")"},
       {R"(name="CustomDateRangeSwapped")", R"(name="CustomDateRangeStart")"},
       // A component declared whole may not leave a value out.
       {R"(<xs:enumeration value="MonthToDateSpend"/>)", ""},
       // A subset may leave out only optional elements: Aggregation is required.
       {R"(<xs:element name="Aggregation" type="tns:ReportAggregation"/>)", ""},
       {R"(soapAction="PollGenerateReport")", R"(soapAction="urn:PollGenerateReport")"},
       {"/Reporting/v13/ReportingService.svc", "/Reporting/v12/ReportingService.svc"}},
      kReportingSubsets);
  CHECK(all.find("complexType:ReportTime differs") != std::string::npos);
  CHECK(all.find("simpleType:BudgetSummaryReportColumn differs") != std::string::npos);
  CHECK(all.find("complexType:CampaignPerformanceReportRequest differs") != std::string::npos);
  CHECK(all.find("PollGenerateReport: soapAction = urn:PollGenerateReport is not official") !=
        std::string::npos);
  CHECK(all.find("service port ReportingService/BasicHttpBinding_IReportingService") !=
        std::string::npos);
  // A subset keeps the official order: columns or sequence elements swapped are noticed too.
  const std::string swapped = ProblemsOfMutated(
      kReportingWsdl, *official,
      {{R"(<xs:enumeration value="Impressions"/>
          <xs:enumeration value="Clicks"/>)",
        R"(<xs:enumeration value="Clicks"/>
          <xs:enumeration value="Impressions"/>)"},
       {R"(<xs:element name="Aggregation" type="tns:ReportAggregation"/>
              <xs:element name="Columns" nillable="true" type="tns:ArrayOfCampaignPerformanceReportColumn"/>)",
        R"(<xs:element name="Columns" nillable="true" type="tns:ArrayOfCampaignPerformanceReportColumn"/>
              <xs:element name="Aggregation" type="tns:ReportAggregation"/>)"}},
      kReportingSubsets);
  CHECK(swapped.find("simpleType:CampaignPerformanceReportColumn differs") != std::string::npos);
  CHECK(swapped.find("complexType:CampaignPerformanceReportRequest differs") != std::string::npos);
  CHECK(ProblemsOfMutated(kReportingWsdl, *official, {}, kReportingSubsets).empty());
  // Without the subset list those two components are partial, hence different.
  const std::string strict = ProblemsOfMutated(kReportingWsdl, *official, {});
  CHECK(strict.find("simpleType:CampaignPerformanceReportColumn differs") != std::string::npos);
  CHECK(strict.find("complexType:CampaignPerformanceReportRequest differs") != std::string::npos);
}

TEST_CASE(
    "wire: ForwardCompatibilityMap entries are written Key/Value and read in either spelling") {
  BatchError e;
  e.Code = 4916;
  e.ForwardCompatibilityMap = {{"RequestedId", "77"}, {std::nullopt, std::string("v")}};
  GetBudgetsByIdsResult written;
  written.PartialErrors.push_back(e);
  const std::string json = ToJson(written, {.with_tracking_id = false});
  CHECK(json.find(R"({"Key":"RequestedId","Value":"77"})") != std::string::npos);
  CHECK(json.find(R"("key")") == std::string::npos);
  for (const char* spelling : {R"("key":"a","value":"b")", R"("Key":"a","Value":"b")"}) {
    CAPTURE(spelling);
    const std::string body = std::string(R"({"Budgets":[null],"PartialErrors":[{"Code":4916,)") +
                             R"("Index":0,"ForwardCompatibilityMap":[{)" + spelling + "}]}]}";
    for (const bool fast : {true, false}) {
      HttpResponse response{200, {}, body};
      const auto result = internal::MakeRestCodec(fast)->DecodeGetBudgetsByIds(response);
      const auto& map = BaseOf(result.PartialErrors.at(0)).ForwardCompatibilityMap;
      REQUIRE(map.size() == 1);
      CHECK(map[0].Key == "a");
      CHECK(map[0].Value == "b");
    }
  }
}

TEST_CASE("wire: ToJson onto a stream writes what ToJson returns, past its 64 KiB buffer") {
  GetBudgetsByIdsResult result;
  result.TrackingIds = {"t-1", "t-2"};
  for (int i = 0; i < 2000; ++i) {  // about 200 KiB: the buffer fills and flushes three times
    if (i % 10 == 9) {
      result.Budgets.emplace_back();
      continue;
    }
    Budget b;
    b.Id = 9007199254740993LL + i;
    b.Name = "Caf\xc3\xa9 \"&\" <Bistro>\t" + std::to_string(i);
    b.Amount = Decimal::FromString(std::to_string(i) + ".05");
    b.BudgetType = budget_type::kDailyBudgetStandard;
    result.Budgets.push_back(b);
  }
  for (const bool pretty : {false, true}) {
    CAPTURE(pretty);
    const JsonStyle style{.with_tracking_id = true, .pretty = pretty};
    std::ostringstream streamed;
    ToJson(result, streamed, style);
    const std::string whole = ToJson(result, style);
    CHECK(whole.size() > 3 * 64 * 1024);
    CHECK(streamed.str() == whole);
  }
}
