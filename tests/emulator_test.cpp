// The emulator end to end: the library's two protocols against the emulator's two fronts.
#include <bingads/client.h>
#include <doctest/doctest.h>

#include "support.h"

using namespace bingads;

namespace {

HttpResponse Raw(const testing::Emulator& emulator, const std::string& path, HttpHeaders headers,
                 const std::string& body) {
  auto transport = MakeCurlTransport({});
  return transport->Send({"POST", emulator.BaseUrl() + path, std::move(headers), body});
}

const std::string kSoapPath =
    "/Api/Advertiser/CampaignManagement/v13/CampaignManagementService.svc";

std::string Envelope(const std::string& header, const std::string& body) {
  return R"(<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Header xmlns="https://bingads.microsoft.com/CampaignManagement/v13">)" +
         header + "</s:Header><s:Body>" + body + "</s:Body></s:Envelope>";
}

const std::string kAuthHeaders =
    "<AuthenticationToken>t</AuthenticationToken><CustomerAccountId>2000002</CustomerAccountId>"
    "<CustomerId>2</CustomerId><DeveloperToken>d</DeveloperToken>";

}  // namespace

TEST_CASE("emulator: both protocols return the same budgets, empty slots and partial errors") {
  testing::Emulator emulator;
  const std::vector<std::int64_t> ids = {testing::kDemoId + 1, 5, testing::kDemoId,
                                         9223372036854775807};
  const auto soap = BudgetClient(emulator.Options(Protocol::kSoap)).GetBudgetsByIds(ids);
  const auto rest = BudgetClient(emulator.Options(Protocol::kRest)).GetBudgetsByIds(ids);
  REQUIRE(soap.Budgets.size() == 4);
  CHECK(soap.Budgets == rest.Budgets);
  CHECK(soap.PartialErrors == rest.PartialErrors);
  CHECK(soap.TrackingIds.at(0).size() == 36);
  CHECK(rest.TrackingIds.at(0).size() == 36);
  CHECK(soap.TrackingIds != rest.TrackingIds);

  CHECK(soap.Budgets[0]->Id == testing::kDemoId + 1);
  CHECK(soap.Budgets[0]->Amount->Text() == "1234567890123456.789");
  CHECK(soap.Budgets[0]->Name == "Brand \xe2\x80\x94 M\xc3\xbcnchen & <Caf\xc3\xa9> \"quoted\"");
  CHECK_FALSE(soap.Budgets[1].has_value());
  CHECK(soap.Budgets[2]->Id == testing::kDemoId);
  CHECK_FALSE(soap.Budgets[3].has_value());
  REQUIRE(soap.PartialErrors.size() == 2);
  for (std::size_t i = 0; i < 2; ++i) {
    const BatchError& e = BaseOf(soap.PartialErrors[i]);
    CHECK(e.Code == 4916);
    CHECK(e.ErrorCode == "CampaignServiceBudgetIdInvalid");
    CHECK(e.Index == (i == 0 ? 1 : 3));
  }
}

TEST_CASE("emulator: no ids returns every budget, in the same order on both protocols") {
  testing::Emulator emulator;
  const auto soap = BudgetClient(emulator.Options(Protocol::kSoap)).GetBudgetsByIds();
  const auto rest = BudgetClient(emulator.Options(Protocol::kRest)).GetBudgetsByIds();
  CHECK(soap.Budgets.size() == 5);
  CHECK(soap.Budgets == rest.Budgets);
  CHECK(soap.PartialErrors.empty());
}

TEST_CASE("emulator: a call with more than 100 ids is the batch-limit fault on both protocols") {
  testing::Emulator emulator;
  std::string soap_ids, rest_ids;
  for (int i = 0; i < 101; ++i) {
    soap_ids += "<a:long>" + std::to_string(testing::kDemoId) + "</a:long>";
    rest_ids += (i ? ",\"" : "\"") + std::to_string(testing::kDemoId) + "\"";
  }
  const HttpResponse soap = Raw(
      emulator, kSoapPath,
      {{"Content-Type", "text/xml; charset=utf-8"}, {"SOAPAction", "\"GetBudgetsByIds\""}},
      Envelope(
          kAuthHeaders,
          R"(<GetBudgetsByIdsRequest xmlns="https://bingads.microsoft.com/CampaignManagement/v13"><BudgetIds xmlns:a="http://schemas.microsoft.com/2003/10/Serialization/Arrays">)" +
              soap_ids + "</BudgetIds></GetBudgetsByIdsRequest>"));
  CHECK(soap.status == 500);
  CHECK(soap.body.find("<Code>4913</Code>") != std::string::npos);
  CHECK(soap.body.find("CampaignServiceBudgetBatchLimitExceeded") != std::string::npos);
  const HttpResponse rest = Raw(emulator, "/CampaignManagement/v13/Budgets/QueryByIds",
                                {{"Authorization", "Bearer t"},
                                 {"DeveloperToken", "d"},
                                 {"Content-Type", "application/json"}},
                                R"({"BudgetIds":[)" + rest_ids + "]}");
  CHECK(rest.status == 400);
  CHECK(rest.body.find(R"("Code":4913)") != std::string::npos);
}

TEST_CASE("emulator: missing credentials give 105 InvalidCredentials on both protocols") {
  testing::Emulator emulator;
  for (Protocol protocol : {Protocol::kSoap, Protocol::kRest}) {
    for (int missing = 0; missing < 2; ++missing) {
      CAPTURE(ToString(protocol));
      CAPTURE(missing);
      auto options = emulator.Options(protocol);
      (missing == 0 ? options.credentials.access_token : options.credentials.developer_token)
          .clear();
      try {
        BudgetClient(options).GetBudgetsByIds({testing::kDemoId});
        FAIL("expected an authentication fault");
      } catch (const ApiFault& f) {
        CHECK(f.Kind() == ErrorKind::kAuthentication);
        CHECK(f.HttpStatus() == (protocol == Protocol::kSoap ? 500 : 401));
        REQUIRE(f.Detail().Errors.size() == 1);
        CHECK(f.Detail().Errors[0].Code == 105);
        CHECK(f.Detail().Errors[0].ErrorCode == "InvalidCredentials");
      }
    }
  }
}

TEST_CASE("emulator: malformed SOAP requests get a fault naming the problem") {
  testing::Emulator emulator;
  const HttpHeaders soap11 = {{"Content-Type", "text/xml; charset=utf-8"},
                              {"SOAPAction", "\"GetBudgetsByIds\""}};
  struct Case {
    std::string body;
    std::string faultcode;
    std::string expected;
  } cases[] = {
      {"<not xml", "s:Client", "not well-formed XML"},
      {"<Envelope/>", "s:VersionMismatch", "unknown envelope namespace"},
      {Envelope(
           kAuthHeaders,
           R"(<GetBudgetsByIdsRequest xmlns="https://bingads.microsoft.com/CampaignManagement/v13"><BudgetIds><long>1</long></BudgetIds></GetBudgetsByIdsRequest>)"),
       "s:Client",
       "BudgetIds may hold only &lt;long&gt; items in "
       "http://schemas.microsoft.com/2003/10/Serialization/Arrays"},
      {Envelope(
           kAuthHeaders,
           R"(<GetBudgetsByIdsRequest xmlns="https://bingads.microsoft.com/CampaignManagement/v13"><BudgetIds xmlns:a="http://schemas.microsoft.com/2003/10/Serialization/Arrays"><a:long>12x</a:long></BudgetIds></GetBudgetsByIdsRequest>)"),
       "s:Client", "BudgetIds item 0 is not an xs:long: '12x'"},
      {Envelope(
           kAuthHeaders +
               R"(<Security xmlns="urn:x" xmlns:s2="http://schemas.xmlsoap.org/soap/envelope/" s2:mustUnderstand="1"/>)",
           R"(<GetBudgetsByIdsRequest xmlns="https://bingads.microsoft.com/CampaignManagement/v13"/>)"),
       "s:MustUnderstand", "header &lt;Security&gt; in 'urn:x' was not understood"},
      {Envelope(kAuthHeaders, R"(<GetBudgetsByIdsRequest xmlns="urn:other"/>)"), "s:Client",
       "is not in the namespace"},
      {Envelope(kAuthHeaders, ""), "s:Client", "the Body is empty"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.body);
    const HttpResponse r = Raw(emulator, kSoapPath, soap11, c.body);
    CHECK(r.status == 500);
    CHECK(r.body.find("<faultcode") != std::string::npos);
    CHECK_MESSAGE(r.body.find(">" + c.faultcode + "<") != std::string::npos, r.body);
    CHECK_MESSAGE(r.body.find(c.expected) != std::string::npos, r.body);
  }
  // A million nested elements: answered (the request is not a GetBudgetsByIds), the emulator
  // stays up.
  std::string nest;
  for (int i = 0; i < 1'000'000; ++i) nest += "<a>";
  const HttpResponse deep = Raw(emulator, kSoapPath, soap11, Envelope(kAuthHeaders, nest));
  CHECK(deep.status == 500);
  CHECK(deep.body.find("<faultcode") != std::string::npos);
  // SOAPAction must name the operation in the body.
  HttpHeaders wrong_action = soap11;
  wrong_action[1].second = "\"AddBudgets\"";
  const HttpResponse mismatch = Raw(
      emulator, kSoapPath, wrong_action,
      Envelope(
          kAuthHeaders,
          R"(<GetBudgetsByIdsRequest xmlns="https://bingads.microsoft.com/CampaignManagement/v13"/>)"));
  CHECK(mismatch.body.find("does not match body element") != std::string::npos);
  // A SOAP 1.2 content type is refused as WCF's BasicHttpBinding does.
  const HttpResponse soap12 =
      Raw(emulator, kSoapPath, {{"Content-Type", "application/soap+xml; charset=utf-8"}}, "<x/>");
  CHECK(soap12.status == 415);
}

TEST_CASE(
    "emulator: the documentation's SOAP template, Action header and i:nil=false included, works") {
  testing::Emulator emulator;
  const std::string body =
      R"(<s:Envelope xmlns:i="http://www.w3.org/2001/XMLSchema-instance" xmlns:s="http://schemas.xmlsoap.org/soap/envelope/">)"
      R"(<s:Header xmlns="https://bingads.microsoft.com/CampaignManagement/v13">)"
      R"(<Action mustUnderstand="1">GetBudgetsByIds</Action>)"
      R"(<AuthenticationToken i:nil="false">token</AuthenticationToken><CustomerAccountId i:nil="false">2000002</CustomerAccountId>)"
      R"(<CustomerId i:nil="false">2</CustomerId><DeveloperToken i:nil="false">dev</DeveloperToken></s:Header>)"
      R"(<s:Body><GetBudgetsByIdsRequest xmlns="https://bingads.microsoft.com/CampaignManagement/v13">)"
      R"(<BudgetIds i:nil="false" xmlns:a1="http://schemas.microsoft.com/2003/10/Serialization/Arrays">)"
      R"(<a1:long>9007199254740993</a1:long></BudgetIds></GetBudgetsByIdsRequest></s:Body></s:Envelope>)";
  const HttpResponse r = Raw(
      emulator, kSoapPath, {{"Content-Type", "text/xml"}, {"SOAPAction", "GetBudgetsByIds"}}, body);
  CHECK(r.status == 200);
  CHECK(r.body.find("<Id>9007199254740993</Id>") != std::string::npos);
  CHECK(r.Header("TrackingId").has_value());
}

TEST_CASE("emulator: malformed REST requests get a 400 fault naming the problem") {
  testing::Emulator emulator;
  const HttpHeaders headers = {
      {"Authorization", "Bearer t"}, {"DeveloperToken", "d"}, {"Content-Type", "application/json"}};
  struct Case {
    const char* body;
    const char* expected;
  } cases[] = {
      {"{\"BudgetIds\":[\"1\"", "not JSON"},
      {"[]", "must be a JSON object"},
      {R"({"BudgetIds":"1"})", "BudgetIds must be an array of ids"},
      {R"({"BudgetIds":["1",true]})", "BudgetIds[1] must be an id"},
      {R"({"BudgetIds":["9223372036854775808"]})", "BudgetIds[0] is not a 64-bit integer"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.body);
    const HttpResponse r =
        Raw(emulator, "/CampaignManagement/v13/Budgets/QueryByIds", headers, c.body);
    CHECK(r.status == 400);
    CHECK(r.body.find("\"Type\":\"ApiFaultDetail\"") != std::string::npos);
    CHECK_MESSAGE(r.body.find(c.expected) != std::string::npos, r.body);
    CHECK(r.Header("TrackingId").has_value());
  }
  // A lone surrogate escape would store bytes that are not UTF-8: refused.
  const HttpResponse surrogate =
      Raw(emulator, "/CampaignManagement/v13/Budgets", headers,
          R"({"Budgets":[{"Amount":1,"BudgetType":"DailyBudgetStandard","Name":"x\udc00"}]})");
  CHECK(surrogate.status == 400);
  CHECK_MESSAGE(surrogate.body.find("is not UTF-8 once unescaped") != std::string::npos,
                surrogate.body);
  // Nesting a million levels deep is refused like any other bad JSON, and the emulator stays up.
  const HttpResponse deep = Raw(emulator, "/CampaignManagement/v13/Budgets/QueryByIds", headers,
                                R"({"BudgetIds":)" + std::string(1'000'000, '['));
  CHECK(deep.status == 400);
  CHECK(deep.body.find("not JSON") != std::string::npos);
  const HttpResponse unknown = Raw(emulator, "/CampaignManagement/v13/Nothing", headers, "{}");
  CHECK(unknown.status == 404);
  // Ids as JSON numbers are accepted too.
  const HttpResponse numbers = Raw(emulator, "/CampaignManagement/v13/Budgets/QueryByIds", headers,
                                   R"({"BudgetIds":[9007199254740993]})");
  CHECK(numbers.status == 200);
  CHECK(numbers.body.find(R"("Id":"9007199254740993")") != std::string::npos);
}

TEST_CASE("emulator: keep-alive reuses one connection across calls") {
  testing::Emulator emulator;
  ClientOptions options = emulator.Options(Protocol::kRest);
  std::vector<std::string> lines;
  options.log = [&lines](std::string_view line) { lines.emplace_back(line); };
  BudgetClient client(options);
  for (int i = 0; i < 20; ++i) client.GetBudgetsByIds({testing::kDemoId});
  int fresh = 0, reused = 0;
  for (const auto& l : lines) {
    if (l.find("< HTTP 200") != 0) continue;
    if (l.find("new connection") != std::string::npos) ++fresh;
    if (l.find("reused connection") != std::string::npos) ++reused;
  }
  CHECK(fresh == 1);
  CHECK(reused == 19);
}

TEST_CASE("emulator: injected InternalErrors, SOAP faults with HTTP 200 and delays") {
  emulator::ServiceOptions service_options;
  service_options.faults = {"internal-error,every=2"};
  service_options.soap_faults_with_200 = true;
  emulator::BudgetService service(service_options);
  emulator::Server server(service);
  const std::string base = "http://127.0.0.1:" + std::to_string(server.Start("127.0.0.1", 0));
  for (Protocol protocol : {Protocol::kSoap, Protocol::kRest}) {
    CAPTURE(ToString(protocol));
    ClientOptions options;
    options.protocol = protocol;
    options.endpoint = base;
    options.credentials = testing::TestCredentials();
    std::vector<std::chrono::milliseconds> sleeps;
    options.sleep = [&sleeps](std::chrono::milliseconds d) { sleeps.push_back(d); };
    options.reconcile_writes = false;  // the fault itself is what is checked below
    BudgetClient client(options);
    // Reads ride over the InternalError of every second call.
    for (int i = 0; i < 3; ++i)
      CHECK(client.GetBudgetsByIds({testing::kDemoId}).Budgets.at(0).has_value());
    CHECK_FALSE(sleeps.empty());
    // A write meeting it is not repeated: the fault (sent with HTTP 200 over SOAP) comes back.
    bool faulted = false;
    for (int i = 0; i < 2 && !faulted; ++i) {
      try {
        client.DeleteBudgets({12345});
      } catch (const ApiFault& f) {
        faulted = true;
        CHECK(f.Detail().Errors.at(0).Code == 0);
        CHECK(f.HttpStatus() == (protocol == Protocol::kSoap ? 200 : 500));
      }
    }
    CHECK(faulted);
  }
}

TEST_CASE("emulator: a delayed answer past the client's deadline is a timeout") {
  emulator::ServiceOptions service_options;
  service_options.faults = {"latency,ms=800"};
  emulator::BudgetService service(service_options);
  emulator::Server server(service);
  ClientOptions options;
  options.endpoint = "http://127.0.0.1:" + std::to_string(server.Start("127.0.0.1", 0));
  options.credentials = testing::TestCredentials();
  options.transport_options.request_timeout = std::chrono::milliseconds(150);
  options.retry.max_attempts = 1;
  CHECK_THROWS_WITH_AS(BudgetClient(options).GetBudgetsByIds({testing::kDemoId}),
                       doctest::Contains("timeout"), Error);
  options.transport_options.request_timeout = std::chrono::seconds(10);
  CHECK(BudgetClient(options).GetBudgetsByIds({testing::kDemoId}).Budgets.size() == 1);
}
