// Bad responses and faults: every one ends in a typed error with a clear message, never a crash
// and never a silently wrong result.
#include <bingads/client.h>
#include <bingads/json.h>
#include <doctest/doctest.h>
#include <httplib.h>

#include <thread>

#include "support.h"

using namespace bingads;

namespace {

// Runs one call against a canned response and returns the error it ended with.
template <typename E = Error>
E CallFails(Protocol protocol, int status, const std::string& body, HttpHeaders headers = {}) {
  auto transport = std::make_shared<testing::FakeTransport>();
  transport->Push(status, body, std::move(headers));
  BudgetClient client(testing::FakeOptions(protocol, transport));
  try {
    client.GetBudgetsByIds({1, 2});
  } catch (const E& e) {
    return e;
  }
  FAIL("the call did not throw");
  throw std::logic_error("unreachable");
}

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

const std::string kHtml =
    "<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body>Bad "
    "gateway</body></html>";

}  // namespace

TEST_CASE(
    "malformed: an HTML error page is a transport-level error naming the status and what arrived") {
  for (Protocol protocol : {Protocol::kSoap, Protocol::kRest}) {
    CAPTURE(ToString(protocol));
    const Error e = CallFails(protocol, 502, kHtml, {{"Content-Type", "text/html"}});
    CHECK(e.Kind() == ErrorKind::kTransport);
    CHECK(e.HttpStatus() == 502);
    CHECK(Contains(e.what(), "HTTP 502"));
    CHECK(Contains(e.what(), "text/html"));
    CHECK(Contains(e.what(), "502 Bad Gateway"));
  }
}

TEST_CASE("malformed: empty and truncated bodies") {
  for (Protocol protocol : {Protocol::kSoap, Protocol::kRest}) {
    CAPTURE(ToString(protocol));
    const Error empty = CallFails(protocol, 200, "");
    CHECK(empty.Kind() == ErrorKind::kMalformedResponse);
    CHECK(Contains(empty.what(), "empty body"));
    const std::string full = protocol == Protocol::kSoap
                                 ? testing::Fixture("soap/get_budgets_mixed.xml")
                                 : testing::Fixture("rest/get_budgets_mixed.json");
    for (std::size_t cut : {std::size_t{1}, full.size() / 3, full.size() / 2, full.size() - 30}) {
      CAPTURE(cut);
      const Error e = CallFails(protocol, 200, full.substr(0, cut));
      CHECK(e.Kind() == ErrorKind::kMalformedResponse);
      CHECK(Contains(e.what(), "could not be read"));
    }
  }
}

TEST_CASE("malformed: nesting a million levels deep is an error, not a stack overflow") {
  const std::string deep_json = R"({"Budgets":)" + std::string(1'000'000, '[');
  const Error rest = CallFails(Protocol::kRest, 200, deep_json);
  CHECK(rest.Kind() == ErrorKind::kMalformedResponse);
  CHECK(Contains(rest.what(), "not JSON"));
  std::string deep_xml = testing::Fixture("soap/get_budgets_mixed.xml");
  const std::size_t body = deep_xml.find("<s:Body>") + 8;
  std::string nest;
  for (int i = 0; i < 1'000'000; ++i) nest += "<a>";
  deep_xml.insert(body, nest);
  const Error soap = CallFails(Protocol::kSoap, 200, deep_xml);
  CHECK(soap.Kind() == ErrorKind::kMalformedResponse);
  CHECK_THROWS_AS(BudgetsFromJson(R"({"Budgets":)" + std::string(1'000'000, '[')), Error);
}

TEST_CASE("malformed: SOAP values that are not what the contract says") {
  auto budget = [](const std::string& inner) {
    return R"(<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>)"
           R"(<GetBudgetsByIdsResponse xmlns="https://bingads.microsoft.com/CampaignManagement/v13">)"
           R"(<Budgets><Budget>)" +
           inner + R"(</Budget></Budgets></GetBudgetsByIdsResponse></s:Body></s:Envelope>)";
  };
  const Error amount = CallFails(Protocol::kSoap, 200, budget("<Amount>12,50</Amount>"));
  CHECK(amount.Kind() == ErrorKind::kMalformedResponse);
  CHECK(Contains(amount.what(), "Budgets[0].Amount is not an xs:decimal: '12,50'"));
  const Error exponent = CallFails(Protocol::kSoap, 200, budget("<Amount>1E3</Amount>"));
  CHECK(Contains(exponent.what(), "Budgets[0].Amount"));
  const Error id = CallFails(Protocol::kSoap, 200, budget("<Id>12a</Id>"));
  CHECK(id.Kind() == ErrorKind::kMalformedResponse);
  CHECK(Contains(id.what(), "Id"));
  const Error overflow = CallFails(Protocol::kSoap, 200, budget("<Id>9223372036854775808</Id>"));
  CHECK(overflow.Kind() == ErrorKind::kMalformedResponse);
  const Error other_op = CallFails(
      Protocol::kSoap, 200,
      R"(<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>)"
      R"(<AddBudgetsResponse xmlns="https://bingads.microsoft.com/CampaignManagement/v13"/></s:Body></s:Envelope>)");
  CHECK(other_op.Kind() == ErrorKind::kMalformedResponse);
  CHECK(Contains(other_op.what(), "the Body holds no <GetBudgetsByIdsResponse>"));
  const Error soap12 = CallFails(
      Protocol::kSoap, 200,
      R"(<e:Envelope xmlns:e="http://www.w3.org/2003/05/soap-envelope"><e:Body/></e:Envelope>)");
  CHECK(soap12.Kind() == ErrorKind::kMalformedResponse);
  const Error empty_body = CallFails(
      Protocol::kSoap, 200,
      R"(<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body/></s:Envelope>)");
  CHECK(Contains(empty_body.what(), "the Body holds no <GetBudgetsByIdsResponse>"));
  const Error no_body =
      CallFails(Protocol::kSoap, 200,
                R"(<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"></s:Envelope>)");
  CHECK(no_body.Kind() == ErrorKind::kMalformedResponse);
  const Error not_soap = CallFails(Protocol::kSoap, 200, R"(<GetBudgetsByIdsResponse/>)");
  CHECK(not_soap.Kind() == ErrorKind::kMalformedResponse);
}

TEST_CASE("malformed: REST values that are not what the contract says, named by JSON path") {
  struct Case {
    const char* body;
    const char* expected;
  } cases[] = {
      {R"([1,2])", "expected a JSON object"},
      {R"({"Budgets":{}})", "$.Budgets: expected an array or null"},
      {R"({"Budgets":[7]})", "$.Budgets[0]: expected a Budget object or null"},
      {R"({"Budgets":[{"Id":"12a"}]})", "$.Budgets[0].Id: not a 64-bit integer: '12a'"},
      {R"({"Budgets":[{"Id":9223372036854775808}]})", "$.Budgets[0].Id: not a 64-bit integer"},
      {R"({"Budgets":[null,{"Amount":true}]})", "$.Budgets[1].Amount: expected a decimal number"},
      {R"({"Budgets":[{"Amount":"12,5"}]})", "$.Budgets[0].Amount: not a decimal number: '12,5'"},
      {R"({"Budgets":[{"AssociationCount":3000000000}]})",
       "$.Budgets[0].AssociationCount: not a 32-bit integer"},
      {R"({"Budgets":[{"Name":["x"]}]})", "$.Budgets[0].Name: expected a string"},
      {R"({"PartialErrors":[{"Type":"EditorialError","Appealable":"maybe"}]})",
       "$.PartialErrors[0].Appealable: expected true or false"},
      {R"({"PartialErrors":[{"ForwardCompatibilityMap":[1]}]})",
       "$.PartialErrors[0].ForwardCompatibilityMap[0]: expected a key/value object"},
      {R"({"Budgets":[]} trailing)",
       "not JSON: The document root must not be followed by other values."},
      {"{\"Budgets\":[{\"Name\":\"\xff\xfe\"}]}", "not JSON: invalid UTF-8 at offset 21"},
  };
  for (const auto& c : cases) {
    const std::string body = c.body;
    CAPTURE(body);
    const Error e = CallFails(Protocol::kRest, 200, c.body);
    CHECK(e.Kind() == ErrorKind::kMalformedResponse);
    CHECK_MESSAGE(Contains(e.what(), c.expected), e.what());
  }
}

TEST_CASE("faults: AdApiFaultDetail over SOAP, with HTTP 500 and with HTTP 200") {
  for (int status : {500, 200}) {
    CAPTURE(status);
    const ApiFault f =
        CallFails<ApiFault>(Protocol::kSoap, status, testing::Fixture("soap/fault_adapi_105.xml"));
    CHECK(f.Kind() == ErrorKind::kAuthentication);
    CHECK(f.Detail().Type == "AdApiFaultDetail");
    CHECK(f.Detail().TrackingId == "0c5e2d1b-6c1f-4f0e-8f7e-2b8a9c3d4e5f");
    REQUIRE(f.Detail().Errors.size() == 1);
    CHECK(f.Detail().Errors[0].Code == 105);
    CHECK_FALSE(f.Detail().Errors[0].Detail.has_value());
    CHECK(Contains(f.what(), "105 InvalidCredentials"));
    CHECK(Contains(f.what(), "TrackingId: 0c5e2d1b-6c1f-4f0e-8f7e-2b8a9c3d4e5f"));
  }
}

TEST_CASE("faults: ApiFaultDetail decodes alike over SOAP and REST (wrapped form)") {
  const ApiFault soap =
      CallFails<ApiFault>(Protocol::kSoap, 500, testing::Fixture("soap/fault_api_batch.xml"));
  const ApiFault rest =
      CallFails<ApiFault>(Protocol::kRest, 400, testing::Fixture("rest/fault_api_wrapped.json"));
  for (const ApiFault* f : {&soap, &rest}) {
    CHECK(f->Kind() == ErrorKind::kApiFault);
    CHECK(f->Detail().Type == "ApiFaultDetail");
    CHECK(f->Detail().TrackingId == "9d1f7a52-0b3c-4e6d-a8f9-112233445566");
    REQUIRE(f->Detail().BatchErrors.size() == 1);
    REQUIRE(std::holds_alternative<EditorialError>(f->Detail().BatchErrors[0]));
    CHECK(std::get<EditorialError>(f->Detail().BatchErrors[0]).ReasonCode == 41);
    REQUIRE(f->Detail().OperationErrors.size() == 1);
    CHECK(f->Detail().OperationErrors[0].Code == 4913);
    CHECK(Contains(f->what(), "4913 CampaignServiceBudgetBatchLimitExceeded"));
    CHECK(Contains(f->what(), "[index 3] 1042 EditorialTermDisapproved"));
    CHECK(Contains(f->what(), "TrackingId: 9d1f7a52-0b3c-4e6d-a8f9-112233445566"));
  }
  CHECK(soap.Detail().BatchErrors == rest.Detail().BatchErrors);
  CHECK(soap.Detail().OperationErrors == rest.Detail().OperationErrors);
}

TEST_CASE("faults: REST 401 AdApiFaultDetail is an authentication error") {
  const ApiFault f =
      CallFails<ApiFault>(Protocol::kRest, 401, testing::Fixture("rest/fault_adapi_401.json"));
  CHECK(f.Kind() == ErrorKind::kAuthentication);
  CHECK(f.HttpStatus() == 401);
  CHECK(f.Detail().Errors.at(0).ErrorCode == "InvalidCredentials");
  CHECK(Contains(f.what(), "TrackingId: 0c5e2d1b-6c1f-4f0e-8f7e-2b8a9c3d4e5f"));
  // A fault body that arrives with 200 is still a fault, not an empty result.
  const ApiFault ok_status =
      CallFails<ApiFault>(Protocol::kRest, 200, testing::Fixture("rest/fault_adapi_401.json"));
  CHECK(ok_status.Detail().Errors.at(0).Code == 105);
  // A JSON body that is no fault, with an error status, is not mistaken for success.
  const Error other = CallFails(Protocol::kRest, 500, R"({"message":"upstream down"})");
  CHECK(other.Kind() == ErrorKind::kTransport);
  CHECK(Contains(other.what(), "HTTP 500"));
}

TEST_CASE("faults: an undeclared SOAP detail (WCF ExceptionDetail) is kept as raw text") {
  const ApiFault f = CallFails<ApiFault>(Protocol::kSoap, 500,
                                         testing::Fixture("soap/fault_exception_detail.xml"));
  CHECK(f.Kind() == ErrorKind::kApiFault);
  CHECK(f.Detail().Type == "ExceptionDetail");
  CHECK(Contains(f.Detail().RawDetail, "Expecting state 'Element'."));
  CHECK(Contains(f.Detail().FaultString, "The formatter threw an exception"));
  CHECK(Contains(f.what(), "The formatter threw an exception"));
}

TEST_CASE("transport: refused connections and timeouts are told apart, and waits are finite") {
  const int closed_port = testing::UnusedPort();
  ClientOptions options;
  options.credentials = testing::TestCredentials();
  std::vector<std::chrono::milliseconds> sleeps;
  options.sleep = [&sleeps](std::chrono::milliseconds d) { sleeps.push_back(d); };
  options.endpoint = "http://127.0.0.1:" + std::to_string(closed_port);
  try {
    BudgetClient(options).GetBudgetsByIds({1});
    FAIL("expected a transport error");
  } catch (const Error& e) {
    CHECK(e.Kind() == ErrorKind::kTransport);
    CHECK(e.Unsent());  // refused: nothing was sent, so it was retried
    CHECK(Contains(e.what(), "127.0.0.1"));
  }
  CHECK(sleeps.size() == 3);
  options.retry.max_attempts = 1;

  httplib::Server slow;
  slow.Post(".*", [](const httplib::Request&, httplib::Response& res) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    res.set_content("{}", "application/json");
  });
  const int port = slow.bind_to_any_port("127.0.0.1");
  std::thread server([&] { slow.listen_after_bind(); });
  options.endpoint = "http://127.0.0.1:" + std::to_string(port);
  options.transport_options.request_timeout = std::chrono::milliseconds(200);
  try {
    BudgetClient(options).GetBudgetsByIds({1});
    FAIL("expected a timeout");
  } catch (const Error& e) {
    CHECK(e.Kind() == ErrorKind::kTimeout);
  }
  slow.stop();
  server.join();
}

TEST_CASE("soap retirement: 404, 410 or fault 303 on SOAP says SOAP was retired and names REST") {
  const std::string html = "<html><body>Not Found</body></html>";
  for (const int status : {404, 410}) {
    CAPTURE(status);
    const Error soap = CallFails(Protocol::kSoap, status, html, {{"Content-Type", "text/html"}});
    CHECK(soap.Kind() == ErrorKind::kTransport);
    CHECK(Contains(soap.what(), "Microsoft retired the SOAP API on 2027-01-31"));
    CHECK(Contains(soap.what(), "--protocol rest"));
    const Error rest = CallFails(Protocol::kRest, status, html, {{"Content-Type", "text/html"}});
    CHECK_FALSE(Contains(rest.what(), "retired"));
  }
  std::string fault = testing::Fixture("soap/fault_adapi_105.xml");
  fault.replace(fault.find("<Code>105</Code>"), 16, "<Code>303</Code>");
  fault.replace(fault.find("InvalidCredentials"), 18, "ApiVersionNoLongerSupported");
  const ApiFault f = CallFails<ApiFault>(Protocol::kSoap, 500, fault);
  CHECK(f.Detail().Errors.at(0).Code == 303);  // still the decoded fault
  CHECK(Contains(f.what(), "303 ApiVersionNoLongerSupported"));
  CHECK(Contains(f.what(), "retired the SOAP API on 2027-01-31"));
  // Other SOAP failures say nothing of it.
  const Error other = CallFails(Protocol::kSoap, 502, html, {{"Content-Type", "text/html"}});
  CHECK_FALSE(Contains(other.what(), "retired"));
}
