// Contract tests: the same scenario through SOAP and through REST, from realistic fixtures, must
// give identical domain results, and those results must be exactly the ones the fixtures hold.
#include <bingads/client.h>
#include <doctest/doctest.h>

#include "support.h"

using namespace bingads;

namespace {

GetBudgetsByIdsResult Decode(Protocol protocol, const std::string& body, HttpHeaders headers = {}) {
  auto transport = std::make_shared<testing::FakeTransport>();
  transport->Push(200, body, std::move(headers));
  BudgetClient client(testing::FakeOptions(protocol, transport));
  return client.GetBudgetsByIds(
      {9223372036854775806, 77, 9007199254740993, 42, 78, 9007199254740995});
}

GetBudgetsByIdsResult Soap() {
  return Decode(Protocol::kSoap, testing::Fixture("soap/get_budgets_mixed.xml"));
}

GetBudgetsByIdsResult Rest() {
  return Decode(Protocol::kRest, testing::Fixture("rest/get_budgets_mixed.json"),
                {{"Content-Type", "application/json; charset=utf-8"},
                 {"trackingid", "6f3c0a7e-2b1d-4c8e-9a51-0d2e4f6b8c10"}});
}

}  // namespace

TEST_CASE("contract: GetBudgetsByIds gives identical domain results over SOAP and REST") {
  const GetBudgetsByIdsResult soap = Soap();
  const GetBudgetsByIdsResult rest = Rest();
  REQUIRE(soap.Budgets.size() == rest.Budgets.size());
  for (std::size_t i = 0; i < soap.Budgets.size(); ++i) {
    CAPTURE(i);
    CHECK(soap.Budgets[i] == rest.Budgets[i]);
  }
  REQUIRE(soap.PartialErrors.size() == rest.PartialErrors.size());
  for (std::size_t i = 0; i < soap.PartialErrors.size(); ++i) {
    CAPTURE(i);
    CHECK(soap.PartialErrors[i].index() == rest.PartialErrors[i].index());
    CHECK(soap.PartialErrors[i] == rest.PartialErrors[i]);
  }
  CHECK(soap.TrackingIds == rest.TrackingIds);
}

TEST_CASE("contract: positions, exact amounts and 64-bit ids survive both decoders") {
  for (Protocol protocol : {Protocol::kSoap, Protocol::kRest}) {
    CAPTURE(ToString(protocol));
    const auto r = protocol == Protocol::kSoap ? Soap() : Rest();
    CHECK(r.TrackingIds == std::vector<std::string>{"6f3c0a7e-2b1d-4c8e-9a51-0d2e4f6b8c10"});
    REQUIRE(r.Budgets.size() == 6);
    CHECK_FALSE(r.Budgets[1].has_value());
    CHECK_FALSE(r.Budgets[4].has_value());

    const Budget& first = *r.Budgets[0];
    REQUIRE(first.Amount.has_value());
    CHECK(first.Amount->Text() == "1234567890123456.789");  // 19 significant digits, exact
    CHECK(first.AssociationCount == 3);
    CHECK(first.BudgetType == "DailyBudgetStandard");
    CHECK(first.Id == 9223372036854775806);  // above 2^53: a double would give ...808
    CHECK(first.Name ==
          "Caf\xc3\xa9 & <Bistro> \"S\xc3\xbc"
          "d\" M\xc3\xbcnchen \xe2\x80\x93 \xe6\x9d\xb1\xe4\xba\xac");

    const Budget& unknown_type = *r.Budgets[2];
    CHECK_FALSE(unknown_type.Amount.has_value());  // nil Amount stays unset, not zero
    CHECK(unknown_type.AssociationCount == 0);
    CHECK(unknown_type.BudgetType == "FutureBudgetType");  // kept, the call does not fail
    CHECK(unknown_type.Id == 9007199254740993);
    CHECK(unknown_type.Name == "  spaced name  ");

    const Budget& sparse = *r.Budgets[3];
    CHECK(sparse.Amount->Text() == "0.50");
    CHECK_FALSE(sparse.AssociationCount.has_value());
    CHECK_FALSE(sparse.BudgetType.has_value());
    CHECK(sparse.Id == 42);
    CHECK(sparse.Name == "");

    const Budget& last = *r.Budgets[5];
    CHECK(last.Amount == Decimal::FromString("100"));
    CHECK_FALSE(last.AssociationCount.has_value());
    CHECK_FALSE(last.Name.has_value());
  }
}

TEST_CASE("contract: partial errors keep their subtype, fields and order") {
  for (Protocol protocol : {Protocol::kSoap, Protocol::kRest}) {
    CAPTURE(ToString(protocol));
    const auto r = protocol == Protocol::kSoap ? Soap() : Rest();
    REQUIRE(r.PartialErrors.size() == 4);

    REQUIRE(std::holds_alternative<BatchError>(r.PartialErrors[0]));
    const auto& plain = std::get<BatchError>(r.PartialErrors[0]);
    CHECK(plain.Code == 4916);
    CHECK(plain.ErrorCode == "CampaignServiceBudgetIdInvalid");
    CHECK(plain.Index == 1);
    CHECK_FALSE(plain.Details.has_value());
    REQUIRE(plain.ForwardCompatibilityMap.size() == 2);
    CHECK(plain.ForwardCompatibilityMap[0] == KeyValuePair{"RequestedId", "77"});
    CHECK(plain.ForwardCompatibilityMap[1] == KeyValuePair{"Hint", std::nullopt});

    REQUIRE(std::holds_alternative<EditorialError>(r.PartialErrors[1]));  // unprefixed i:type
    const auto& editorial = std::get<EditorialError>(r.PartialErrors[1]);
    CHECK(editorial.Code == 1042);
    CHECK(editorial.Details == "Term <cheap> & \"pills\"");
    CHECK(editorial.Index == 4);
    CHECK(editorial.Appealable == true);
    CHECK(editorial.DisapprovedText == "cheap pills");
    CHECK(editorial.Location == "Name");
    CHECK(editorial.PublisherCountry == "DE");
    CHECK(editorial.ReasonCode == 17);

    REQUIRE(std::holds_alternative<EditorialError>(r.PartialErrors[2]));  // prefixed i:type
    const auto& prefixed = std::get<EditorialError>(r.PartialErrors[2]);
    CHECK(prefixed.Appealable == false);
    CHECK(prefixed.Message == "R\xc3\xa9serv\xc3\xa9 aux adultes");
    CHECK_FALSE(prefixed.PublisherCountry.has_value());
    CHECK(prefixed.ForwardCompatibilityMap.empty());

    REQUIRE(std::holds_alternative<BatchError>(r.PartialErrors[3]));  // unknown subtype
    const auto& future = std::get<BatchError>(r.PartialErrors[3]);
    CHECK(future.Code == 4999);
    CHECK(future.Type == "FutureError");
    CHECK(future.Index == 2);
    CHECK(future.Details == "Something new");
  }
}

TEST_CASE(
    "contract: a nil or empty Budgets list is one empty slot per id only when errors say why") {
  const std::string soap_nil =
      R"(<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>)"
      R"(<GetBudgetsByIdsResponse xmlns="https://bingads.microsoft.com/CampaignManagement/v13">)"
      R"(<Budgets i:nil="true" xmlns:i="http://www.w3.org/2001/XMLSchema-instance"/>)"
      R"(<PartialErrors xmlns:i="http://www.w3.org/2001/XMLSchema-instance"/>)"
      R"(</GetBudgetsByIdsResponse></s:Body></s:Envelope>)";
  for (const auto& [protocol, body] :
       {std::pair{Protocol::kSoap, soap_nil},
        std::pair{Protocol::kRest, std::string(R"({"Budgets":null,"PartialErrors":[]})")},
        std::pair{Protocol::kRest, std::string("{}")}}) {
    CAPTURE(body);
    CHECK_THROWS_WITH_AS(Decode(protocol, body),
                         doctest::Contains("the service returned 0 slots for 6 items"), Error);
  }
  std::string errors;
  for (int i = 0; i < 6; ++i) {
    errors += std::string(i ? "," : "") +
              R"({"Code":4916,"ErrorCode":"CampaignServiceBudgetIdInvalid","Index":)" +
              std::to_string(i) + "}";
  }
  const auto explained =
      Decode(Protocol::kRest, R"({"Budgets":[],"PartialErrors":[)" + errors + "]}");
  CHECK(explained.Budgets == std::vector<std::optional<Budget>>(6));
  CHECK(explained.PartialErrors.size() == 6);
}
