// The four write/lookup operations: contract tests from fixtures on both protocols, and what each
// request puts on the wire (SOAP validated against the official WSDL's schemas).
#include <bingads/client.h>
#include <doctest/doctest.h>
#include <rapidjson/document.h>

#include "official_wsdl.h"
#include "support.h"

using namespace bingads;

namespace {

struct Exchange {
  std::shared_ptr<testing::FakeTransport> transport = std::make_shared<testing::FakeTransport>();
  BudgetClient client;
  explicit Exchange(Protocol protocol, const std::string& fixture = "", HttpHeaders headers = {})
      : client(testing::FakeOptions(protocol, transport)) {
    if (!fixture.empty()) transport->Push(200, testing::Fixture(fixture), std::move(headers));
  }
};

HttpHeaders RestTracking(const std::string& id) { return {{"TrackingId", id}}; }

Budget NewBudget(const std::string& name, const std::string& amount) {
  Budget b;
  b.Name = name;
  b.Amount = Decimal::FromString(amount);
  b.BudgetType = budget_type::kDailyBudgetStandard;
  return b;
}

std::vector<Budget> FourBudgets() {
  return {NewBudget("A", "1"), NewBudget("B", "2"), NewBudget("C", "3"), NewBudget("D", "4")};
}

using testing::HeaderOf;

}  // namespace

TEST_CASE("contract: AddBudgets ids keep their positions and nil slots on both protocols") {
  Exchange soap(Protocol::kSoap, "soap/add_budgets.xml");
  Exchange docs(Protocol::kSoap, "soap/add_budgets_docs_namespace.xml");
  Exchange rest(Protocol::kRest, "rest/add_budgets.json",
                RestTracking("a1d2c3b4-0000-4000-8000-00000000add1"));
  const auto s = soap.client.AddBudgets(FourBudgets());
  const auto d = docs.client.AddBudgets(FourBudgets());
  const auto r = rest.client.AddBudgets(FourBudgets());
  const std::vector<std::optional<std::int64_t>> expected = {9007199254741001, std::nullopt,
                                                             9223372036854775807, std::nullopt};
  CHECK(s.BudgetIds == expected);
  CHECK(d.BudgetIds == expected);  // the documentation's Arrays-namespace items are kept too
  CHECK(r.BudgetIds == expected);
  CHECK(s.PartialErrors == r.PartialErrors);
  CHECK(d.PartialErrors == r.PartialErrors);
  CHECK(s.TrackingIds == r.TrackingIds);
  REQUIRE(r.PartialErrors.size() == 2);
  CHECK(BaseOf(r.PartialErrors[0]).Code == 4907);
  REQUIRE(std::holds_alternative<EditorialError>(r.PartialErrors[1]));
  const auto& editorial = std::get<EditorialError>(r.PartialErrors[1]);
  CHECK(editorial.DisapprovedText == "casino");
  CHECK(editorial.ForwardCompatibilityMap == std::vector<KeyValuePair>{{"Term", "casino"}});
}

TEST_CASE(
    "contract: UpdateBudgets and DeleteBudgets partial errors are identical on both protocols") {
  std::vector<Budget> three(3);
  for (std::size_t i = 0; i < 3; ++i) three[i].Id = static_cast<std::int64_t>(i + 1);
  Exchange soap_update(Protocol::kSoap, "soap/update_budgets.xml");
  Exchange rest_update(Protocol::kRest, "rest/update_budgets.json");
  const auto su = soap_update.client.UpdateBudgets(three);
  const auto ru = rest_update.client.UpdateBudgets(three);
  CHECK(su.PartialErrors == ru.PartialErrors);
  REQUIRE(su.PartialErrors.size() == 2);
  CHECK(BaseOf(su.PartialErrors[1]).Details == "Name has 256 characters; 255 is the maximum");
  CHECK(su.TrackingIds == std::vector<std::string>{"a1d2c3b4-0000-4000-8000-0000000000d2"});

  Exchange soap_delete(Protocol::kSoap, "soap/delete_budgets.xml");
  Exchange rest_delete(Protocol::kRest, "rest/delete_budgets.json");
  const auto sd = soap_delete.client.DeleteBudgets({1, 2});
  const auto rd = rest_delete.client.DeleteBudgets({1, 2});
  CHECK(sd.PartialErrors == rd.PartialErrors);
  REQUIRE(sd.PartialErrors.size() == 1);
  CHECK(BaseOf(sd.PartialErrors[0]).ErrorCode == "CampaignServiceBudgetIsSharedWithCampaigns");
}

TEST_CASE(
    "contract: GetCampaignIdsByBudgetIds keeps nil collections and nil ids on both protocols") {
  Exchange soap(Protocol::kSoap, "soap/campaign_ids.xml");
  Exchange rest(Protocol::kRest, "rest/campaign_ids.json");
  const auto s = soap.client.GetCampaignIdsByBudgetIds({1, 2, 3, 4});
  const auto r = rest.client.GetCampaignIdsByBudgetIds({1, 2, 3, 4});
  const std::vector<std::optional<IdCollection>> expected = {
      IdCollection{{700000000001, 9223372036854775806}}, std::nullopt, IdCollection{},
      IdCollection{{std::nullopt, 5}}};
  CHECK(s.CampaignIdCollection == expected);
  CHECK(r.CampaignIdCollection == expected);
  CHECK(s.PartialErrors == r.PartialErrors);
}

TEST_CASE("wire: every operation's SOAP request validates against the official WSDL") {
  const auto official = testing::OfficialWsdl();
  if (!official || !testing::HaveXmllint()) {
    MESSAGE("skipped: needs ../shared/reference/wsdl and xmllint (package libxml2-utils)");
    return;
  }
  Exchange e(Protocol::kSoap);
  auto budgets = FourBudgets();
  budgets[0].Name =
      "Caf\xc3\xa9 & <Bistro> \"S\xc3\xbc"
      "d\"";
  budgets[1].Amount = Decimal::FromString("1234567890123456.789");
  auto updates = budgets;
  for (std::size_t i = 0; i < updates.size(); ++i)
    updates[i].Id = 9223372036854775806 - static_cast<std::int64_t>(i);
  updates[2].Amount.reset();
  updates[3].Name.reset();
  auto call = [&](auto fn) {
    e.transport->Push(503, "");  // the reply does not matter here, only the request
    try {
      fn();
    } catch (const Error&) {
    }
  };
  call([&] { e.client.AddBudgets(budgets); });
  call([&] { e.client.UpdateBudgets(updates); });
  call([&] { e.client.DeleteBudgets({1, 9223372036854775807}); });
  call([&] { e.client.GetCampaignIdsByBudgetIds({1, 2}); });
  call([&] { e.client.GetBudgetsByIds({}); });
  REQUIRE(e.transport->requests.size() == 5);
  const char* actions[] = {"\"AddBudgets\"", "\"UpdateBudgets\"", "\"DeleteBudgets\"",
                           "\"GetCampaignIdsByBudgetIds\"", "\"GetBudgetsByIds\""};
  for (std::size_t i = 0; i < 5; ++i) {
    const HttpRequest& r = e.transport->requests[i];
    CAPTURE(r.body);
    CHECK(HeaderOf(r, "SOAPAction") == actions[i]);
    CHECK(testing::ValidateEnvelopeAgainstOfficial(r.body, *official) == "");
  }
  const std::string& add = e.transport->requests[0].body;
  CHECK(add.find("<cm:Id>") == std::string::npos);  // read-only on add
  CHECK(add.find("AssociationCount") == std::string::npos);
  CHECK(add.find("<cm:Amount>1234567890123456.789</cm:Amount>") != std::string::npos);
  const std::string& update = e.transport->requests[1].body;
  CHECK(update.find("<cm:Id>9223372036854775806</cm:Id>") != std::string::npos);
  CHECK(update.find("nil") == std::string::npos);  // unset fields are left out, not sent as nil
}

TEST_CASE("wire: REST requests of every operation") {
  Exchange e(Protocol::kRest);
  auto add = FourBudgets();
  add[0].Id = 99;  // read-only: never sent on add
  add[0].AssociationCount = 7;
  add[1].Amount = Decimal::FromString("1234567890123456.789");
  Budget partial;  // an update that changes the name only
  partial.Id = 9223372036854775806;
  partial.Name = "Renamed";
  auto call = [&](auto fn) {
    e.transport->Push(503, "");
    try {
      fn();
    } catch (const Error&) {
    }
  };
  call([&] { e.client.AddBudgets(add); });
  call([&] { e.client.UpdateBudgets({partial}); });
  call([&] { e.client.DeleteBudgets({5, 9223372036854775807}); });
  call([&] { e.client.GetCampaignIdsByBudgetIds({6}); });
  const auto& r = e.transport->requests;
  REQUIRE(r.size() == 4);
  const std::string base = "https://campaign.api.example.test/CampaignManagement/v13";
  CHECK(r[0].method == "POST");
  CHECK(r[0].url == base + "/Budgets");
  CHECK(r[0].body ==
        R"({"Budgets":[{"Amount":1,"BudgetType":"DailyBudgetStandard","Name":"A"},)"
        R"({"Amount":1234567890123456.789,"BudgetType":"DailyBudgetStandard","Name":"B"},)"
        R"({"Amount":3,"BudgetType":"DailyBudgetStandard","Name":"C"},)"
        R"({"Amount":4,"BudgetType":"DailyBudgetStandard","Name":"D"}]})");
  CHECK(r[1].method == "PUT");
  CHECK(r[1].url == base + "/Budgets");
  CHECK(r[1].body == R"({"Budgets":[{"Id":"9223372036854775806","Name":"Renamed"}]})");
  CHECK(r[2].method == "DELETE");
  CHECK(r[2].url == base + "/Budgets");
  CHECK(r[2].body == R"({"BudgetIds":["5","9223372036854775807"]})");
  CHECK(r[3].method == "POST");
  CHECK(r[3].url == base + "/CampaignIds/QueryByBudgetIds");
  CHECK(r[3].body == R"({"BudgetIds":["6"]})");
  for (const auto& request : r)
    CHECK(HeaderOf(request, "Authorization") == "Bearer ACCESS-TOKEN-456");
}
