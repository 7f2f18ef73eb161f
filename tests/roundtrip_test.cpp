// Round trips against the emulator: write over one protocol, read back over the other; the
// emulator's documented validation; editorial errors end to end; --state across restarts.
#include <bingads/client.h>
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "support.h"

using namespace bingads;

namespace {

Budget Make(const std::string& name, const char* amount) {
  Budget b;
  b.Name = name;
  b.Amount = Decimal::FromString(amount);
  b.BudgetType = budget_type::kDailyBudgetStandard;
  return b;
}

std::int32_t CodeAt(const BatchResult& r, std::int32_t index) {
  for (const auto& e : r.PartialErrors) {
    if (BaseOf(e).Index == index) return BaseOf(e).Code;
  }
  return -1;
}

}  // namespace

TEST_CASE(
    "round trip: add, update, read through the other protocol, campaigns, delete, read again") {
  testing::Emulator emulator;
  for (Protocol writer : {Protocol::kSoap, Protocol::kRest}) {
    const Protocol reader = writer == Protocol::kSoap ? Protocol::kRest : Protocol::kSoap;
    CAPTURE(ToString(writer));
    BudgetClient write(emulator.Options(writer));
    BudgetClient read(emulator.Options(reader));
    const std::string tag = ToString(writer);

    // One duplicate name in the batch (case-insensitive): the second of the pair fails.
    const auto added = write.AddBudgets({Make(tag + " Alpha \xc3\xa9t\xc3\xa9", "10.10"),
                                         Make(tag + " ALPHA \xc3\xa9t\xc3\xa9", "20"),
                                         Make(tag + " Beta <&>", "1234567890123456.789")});
    REQUIRE(added.BudgetIds.size() == 3);
    REQUIRE(added.BudgetIds[0].has_value());
    CHECK_FALSE(added.BudgetIds[1].has_value());
    REQUIRE(added.BudgetIds[2].has_value());
    CHECK(CodeAt(added, 1) == 4907);
    const std::int64_t alpha = *added.BudgetIds[0], beta = *added.BudgetIds[2];

    // Update only the amount of alpha; the name stays.
    Budget change;
    change.Id = alpha;
    change.Amount = Decimal::FromString("11.50");
    const auto updated = write.UpdateBudgets({change});
    CHECK(updated.PartialErrors.empty());

    const auto got = read.GetBudgetsByIds({alpha, beta});
    REQUIRE(got.Budgets.size() == 2);
    CHECK(got.Budgets[0]->Name == tag + " Alpha \xc3\xa9t\xc3\xa9");
    CHECK(got.Budgets[0]->Amount == Decimal::FromString("11.5"));
    CHECK(got.Budgets[0]->AssociationCount == 0);
    CHECK(got.Budgets[1]->Amount->Text() == "1234567890123456.789");
    CHECK(got.Budgets[1]->Name == tag + " Beta <&>");

    const auto campaigns = read.GetCampaignIdsByBudgetIds({testing::kDemoId, alpha, 77});
    REQUIRE(campaigns.CampaignIdCollection.size() == 3);
    CHECK(campaigns.CampaignIdCollection[0]->Ids.size() == 2);
    CHECK(campaigns.CampaignIdCollection[1]->Ids.empty());
    CHECK_FALSE(campaigns.CampaignIdCollection[2].has_value());
    CHECK(CodeAt(campaigns, 2) == 4916);

    const auto deleted = write.DeleteBudgets({alpha, testing::kDemoId, beta});
    CHECK(CodeAt(deleted, 1) == 4918);  // shared with campaigns: refused
    CHECK(deleted.PartialErrors.size() == 1);
    const auto again = read.GetBudgetsByIds({alpha, beta, testing::kDemoId});
    CHECK_FALSE(again.Budgets[0].has_value());
    CHECK_FALSE(again.Budgets[1].has_value());
    CHECK(again.Budgets[2].has_value());
    CHECK(CodeAt(again, 0) == 4916);
  }
}

TEST_CASE("emulator: documented validation on add and update, the same on both protocols") {
  testing::Emulator emulator;
  const std::string long_name(256, 'x');
  std::string max_name;
  for (int i = 0; i < 255; ++i) max_name += "\xc3\xa9";  // 255 characters, 510 bytes: allowed
  Budget no_type = Make("no type", "1");
  no_type.BudgetType.reset();
  Budget no_amount = Make("no amount", "1");
  no_amount.Amount.reset();
  Budget no_name = Make("", "1");
  no_name.Name.reset();
  std::map<Protocol, AddBudgetsResult> results;
  for (Protocol protocol : {Protocol::kSoap, Protocol::kRest}) {
    testing::Emulator fresh;
    results[protocol] =
        BudgetClient(fresh.Options(protocol))
            .AddBudgets({no_name, Make("   ", "1"), Make(long_name, "1"), no_type, no_amount,
                         Make("zero", "0"), Make("negative", "-5"), Make("everyday SEARCH", "1"),
                         Make("Cheap CASINO deals", "1"), Make(max_name, "1")});
  }
  const auto& r = results[Protocol::kSoap];
  CHECK(r.BudgetIds == results[Protocol::kRest].BudgetIds);
  CHECK(r.PartialErrors == results[Protocol::kRest].PartialErrors);
  const std::int32_t expected[] = {4904, 4904, 4905, 4908, 4910, 4912, 4912, 4907, 1042};
  for (std::int32_t i = 0; i < 9; ++i) {
    CAPTURE(i);
    CHECK(CodeAt(r, i) == expected[i]);
    CHECK_FALSE(r.BudgetIds[static_cast<std::size_t>(i)].has_value());
  }
  CHECK(r.BudgetIds[9].has_value());
  REQUIRE(std::holds_alternative<EditorialError>(r.PartialErrors[8]));
  const auto& editorial = std::get<EditorialError>(r.PartialErrors[8]);
  CHECK(editorial.Appealable == true);
  CHECK(editorial.DisapprovedText == "casino");
  CHECK(editorial.Location == "Name");
  CHECK(editorial.PublisherCountry == "US");
  CHECK(editorial.ReasonCode == 17);

  // Update: unknown id, duplicate id in the batch, a name taken by another budget.
  for (Protocol protocol : {Protocol::kSoap, Protocol::kRest}) {
    CAPTURE(ToString(protocol));
    testing::Emulator fresh;
    Budget unknown;
    unknown.Id = 42;
    Budget first;
    first.Id = testing::kDemoId + 4;
    first.Amount = Decimal::FromString("2");
    Budget taken = first;
    taken.Id = testing::kDemoId + 3;
    taken.Name = "PENNIES";
    const auto u =
        BudgetClient(fresh.Options(protocol)).UpdateBudgets({unknown, first, first, taken});
    CHECK(CodeAt(u, 0) == 4916);
    CHECK(CodeAt(u, 1) == -1);
    CHECK(CodeAt(u, 2) == 4915);
    CHECK(CodeAt(u, 3) == 4907);
  }
}

TEST_CASE("emulator: an Id on add is refused with 4903 (the client itself never sends one)") {
  testing::Emulator emulator;
  auto transport = MakeCurlTransport({});
  const HttpResponse rest = transport->Send(
      {"POST",
       emulator.BaseUrl() + "/CampaignManagement/v13/Budgets",
       {{"Authorization", "Bearer t"},
        {"DeveloperToken", "d"},
        {"Content-Type", "application/json"}},
       R"({"Budgets":[{"Amount":5,"BudgetType":"DailyBudgetStandard","Id":"77","Name":"x"},null]})"});
  CHECK(rest.status == 200);
  CHECK(rest.body.find(R"("BudgetIds":[null,null])") != std::string::npos);
  CHECK(rest.body.find(R"("Code":4903)") != std::string::npos);
  CHECK(rest.body.find(R"("Code":4902)") != std::string::npos);  // the null budget
  const HttpResponse soap = transport->Send(
      {"POST",
       emulator.BaseUrl() + std::string(kSoapServicePath),
       {{"Content-Type", "text/xml; charset=utf-8"}, {"SOAPAction", "\"AddBudgets\""}},
       R"(<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Header xmlns="https://bingads.microsoft.com/CampaignManagement/v13"><AuthenticationToken>t</AuthenticationToken><DeveloperToken>d</DeveloperToken></s:Header>)"
       R"(<s:Body><AddBudgetsRequest xmlns="https://bingads.microsoft.com/CampaignManagement/v13"><Budgets xmlns:i="http://www.w3.org/2001/XMLSchema-instance">)"
       R"(<Budget><Amount>5</Amount><BudgetType>DailyBudgetStandard</BudgetType><Id>77</Id><Name>x</Name></Budget><Budget i:nil="true"/>)"
       R"(</Budgets></AddBudgetsRequest></s:Body></s:Envelope>)"});
  CHECK(soap.status == 200);
  CHECK(soap.body.find("<Code>4903</Code>") != std::string::npos);
  CHECK(soap.body.find("<Code>4902</Code>") != std::string::npos);
  // Out-of-order Budget fields are refused, as a data-contract serializer would not read them.
  const HttpResponse order = transport->Send(
      {"POST",
       emulator.BaseUrl() + std::string(kSoapServicePath),
       {{"Content-Type", "text/xml; charset=utf-8"}, {"SOAPAction", "\"AddBudgets\""}},
       R"(<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Header xmlns="https://bingads.microsoft.com/CampaignManagement/v13"><AuthenticationToken>t</AuthenticationToken><DeveloperToken>d</DeveloperToken></s:Header>)"
       R"(<s:Body><AddBudgetsRequest xmlns="https://bingads.microsoft.com/CampaignManagement/v13"><Budgets>)"
       R"(<Budget><Name>x</Name><Amount>5</Amount></Budget></Budgets></AddBudgetsRequest></s:Body></s:Envelope>)"});
  CHECK(order.status == 500);
  CHECK(order.body.find("unexpected or out-of-order element &lt;Amount&gt;") != std::string::npos);
}

TEST_CASE("emulator: empty lists are the documented fault, per operation") {
  testing::Emulator emulator;
  for (Protocol protocol : {Protocol::kSoap, Protocol::kRest}) {
    CAPTURE(ToString(protocol));
    BudgetClient client(emulator.Options(protocol));
    CHECK_THROWS_WITH_AS(client.AddBudgets({}),
                         doctest::Contains("4901 CampaignServiceBudgetsNullOrEmpty"), ApiFault);
    CHECK_THROWS_WITH_AS(client.UpdateBudgets({}), doctest::Contains("4901"), ApiFault);
    CHECK_THROWS_WITH_AS(client.DeleteBudgets({}), doctest::Contains("4901"), ApiFault);
    CHECK_THROWS_WITH_AS(client.GetCampaignIdsByBudgetIds({}), doctest::Contains("4901"), ApiFault);
  }
}

TEST_CASE("emulator: --state keeps the store across restarts and is replaced atomically") {
  const auto dir =
      std::filesystem::temp_directory_path() / ("bingads-state-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const auto file = dir / "store.json";
  emulator::ServiceOptions options;
  options.state_file = file.string();
  std::int64_t id = 0;
  {
    emulator::BudgetService service(options);
    emulator::Server server(service);
    const int port = server.Start("127.0.0.1", 0);
    ClientOptions client_options;
    client_options.endpoint = "http://127.0.0.1:" + std::to_string(port);
    client_options.credentials = testing::TestCredentials();
    BudgetClient client(client_options);
    const auto added = client.AddBudgets({Make("Persisted \xe2\x82\xac", "98765432109876543.21")});
    REQUIRE(added.BudgetIds.at(0).has_value());
    id = *added.BudgetIds[0];
    client.DeleteBudgets({testing::kDemoId + 4});
  }
  // Only the state file remains: no temporary file left behind.
  CHECK(std::distance(std::filesystem::directory_iterator(dir),
                      std::filesystem::directory_iterator()) == 1);
  {
    emulator::BudgetService service(options);
    emulator::Server server(service);
    ClientOptions client_options;
    client_options.endpoint = "http://127.0.0.1:" + std::to_string(server.Start("127.0.0.1", 0));
    client_options.credentials = testing::TestCredentials();
    client_options.protocol = Protocol::kSoap;
    const auto got =
        BudgetClient(client_options).GetBudgetsByIds({id, testing::kDemoId + 4, testing::kDemoId});
    REQUIRE(got.Budgets[0].has_value());
    CHECK(got.Budgets[0]->Name == "Persisted \xe2\x82\xac");
    CHECK(got.Budgets[0]->Amount->Text() == "98765432109876543.21");
    CHECK_FALSE(got.Budgets[1].has_value());
    CHECK(got.Budgets[2]->AssociationCount == 2);  // campaigns persisted too
    // Ids keep counting up after a restart.
    const auto next = BudgetClient(client_options).AddBudgets({Make("After restart", "1")});
    CHECK(next.BudgetIds.at(0) > id);
  }
  // A damaged file is refused and left untouched.
  { std::ofstream(file) << R"({"NextId":"1","Campaigns":[],"Budgets":[{"Amount":"oops")"; }
  const auto before = std::filesystem::file_size(file);
  CHECK_THROWS_WITH_AS(emulator::BudgetService{options},
                       doctest::Contains("cannot read state file"), std::runtime_error);
  CHECK(std::filesystem::file_size(file) == before);
  std::filesystem::remove_all(dir);
}
